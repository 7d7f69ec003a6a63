// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sip_validate.c - message-level rules after the grammar.
 *
 * The rules and the policy that applies each are listed in one table so
 * the verdicts on the RFC 4475 semantic cases (test/corpus/rfc4475) can be
 * read off in one place.
 */
#include <string.h>

#include "sip_validate.h"

static const char *const strictness_names[] = {
	[SIP_POLICY_DEFAULT]	= "default",
	[SIP_POLICY_STRICT]	= "strict",
};

int sip_strictness_parse(const char *name, enum sip_strictness *out)
{
	unsigned int i;

	for (i = 0; i < sizeof(strictness_names) / sizeof(strictness_names[0]); i++)
		if (!strcmp(name, strictness_names[i])) {
			*out = (enum sip_strictness)i;
			return 0;
		}
	return -1;
}

const char *sip_strictness_str(enum sip_strictness s)
{
	return (unsigned int)s < 2 ? strictness_names[s] : "?";
}

/*
 * Headers without which the firewall cannot follow a transaction or
 * dialog (RFC 3261 8.1.1: To, From, CSeq, Call-ID, Via in every request;
 * they are copied into every response, 8.2.6.2).  Missing any of them is
 * a drop under every policy (RFC 4475 3.3.1 "insuf").
 */
static const enum sip_hdr required_always[] = {
	SIP_HDR_VIA, SIP_HDR_FROM, SIP_HDR_TO, SIP_HDR_CALL_ID, SIP_HDR_CSEQ,
};

static bool scheme_known(const struct sip_uri *uri)
{
	return uri->scheme_id != SIP_URI_OTHER;
}

/* Rules that apply under the strict policy only. */
static void validate_strict(const struct sip_msg *msg, struct sip_diag *diag)
{
	unsigned int i;

	if (!msg->is_request)
		return;
	/* RFC 3261 8.1.1.6: Max-Forwards MUST be in every request; its
	 * absence marks an RFC 2543 element (RFC 4475 3.4.1) */
	if (msg->max_forwards < 0)
		sip_diag_strict(diag, SIP_ERR_MISSING_HEADER,
				"no Max-Forwards", SPAN_NULL);
	/* (A top Via without branch is RFC 2543 style too, but RFC 4475
	 * 3.1.1.7 counts such a message as valid, so it passes.) */
	/* RFC 3261 8.1.1.3: the From tag MUST be present */
	if (!msg->from.tag.len)
		sip_diag_strict(diag, SIP_ERR_BAD_NAME_ADDR,
				"From has no tag", msg->from.uri.raw);
	/* RFC 3261 19.1.5: no headers component in a Request-URI (4475
	 * 3.1.2.11) */
	if (msg->ruri.headers.p)
		sip_diag_strict(diag, SIP_ERR_BAD_URI,
				"Request-URI has a headers component",
				msg->ruri_text);
	/* Only sip, sips and tel reach anything voipfw protects (RFC 4475
	 * 3.3.2, 3.3.3, 3.3.4): a UA would answer 416 anyway. */
	if (!scheme_known(&msg->ruri))
		sip_diag_strict(diag, SIP_ERR_UNSUPPORTED_SCHEME,
				"Request-URI scheme is not sip, sips or tel",
				msg->ruri.scheme);
	if (!scheme_known(&msg->from.uri) || !scheme_known(&msg->to.uri))
		sip_diag_strict(diag, SIP_ERR_UNSUPPORTED_SCHEME,
				"From or To scheme is not sip, sips or tel",
				scheme_known(&msg->to.uri) ? msg->from.uri.scheme
							   : msg->to.uri.scheme);
	for (i = 0; i < msg->n_contact && i < SIP_MAX_CONTACTS; i++) {
		const struct sip_name_addr *c = &msg->contact[i];

		if (c->star) {
			/* RFC 3261 10.2.2: "*" only in REGISTER, Expires: 0 */
			if (msg->method != SIP_METHOD_REGISTER ||
			    msg->expires != 0 || msg->n_contact != 1)
				sip_diag_strict(diag, SIP_ERR_BAD_NAME_ADDR,
						"Contact * outside a REGISTER with Expires: 0",
						SPAN_NULL);
			continue;
		}
		if (c->uri.scheme_id != SIP_URI_SIP &&
		    c->uri.scheme_id != SIP_URI_SIPS)
			sip_diag_strict(diag, SIP_ERR_UNSUPPORTED_SCHEME,
					"Contact is not a sip or sips URI",
					c->uri.raw);
		/* RFC 4475 3.3.14: a Route smuggled in a Contact's headers
		 * would be used by the registrar's later requests */
		if (msg->method == SIP_METHOD_REGISTER && c->uri.headers.p)
			sip_diag_strict(diag, SIP_ERR_BAD_NAME_ADDR,
					"Contact URI carries headers",
					c->uri.raw);
	}
}

int sip_validate(const struct sip_msg *msg, enum sip_strictness level,
		 struct sip_diag *diag)
{
	unsigned int i;

	for (i = 0; i < sizeof(required_always) / sizeof(required_always[0]); i++)
		if (msg->first[required_always[i]] < 0)
			return sip_diag_fatal(diag, SIP_ERR_MISSING_HEADER,
					      sip_hdr_name(required_always[i]),
					      SPAN_NULL);

	/* RFC 3261 8.2.2 / RFC 4475 3.1.2.17-18: the CSeq method must be
	 * the request method (methods are case-sensitive).  A firewall that
	 * tracked the one while the UA acts on the other would be fooled. */
	if (msg->is_request && !span_eq(msg->method_name, msg->cseq_method_name))
		return sip_diag_fatal(diag, SIP_ERR_CSEQ_MISMATCH,
				      "CSeq method differs from the request method",
				      msg->cseq_method_name);

	if (level == SIP_POLICY_STRICT) {
		validate_strict(msg, diag);
		if (diag->strict_count) {
			diag->fatal = diag->strict;
			return -1;
		}
	}
	return 0;
}
