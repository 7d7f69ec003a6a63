/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench_osip.c - libosip2's side of bench_parse.
 *
 * osip_message_parse() copies the buffer, unfolds LWS, parses the start
 * line and every header: the ones osip knows (Via, From, To, Contact,
 * CSeq, Call-ID, Content-Type, Route, Record-Route, Authorization, ...)
 * into structures, the rest as name/value pairs.  It splits multipart
 * bodies into parts by itself, but never looks inside a body, so the SDP
 * is parsed here with sdp_message_parse(), as an osip-based application
 * would.  osip wants C strings; the harness hands it NUL-terminated
 * copies (of the same bytes every parser sees).
 */
#include <stdio.h>
#include <strings.h>

#include <osipparser2/osip_parser.h>
#include <osipparser2/sdp_message.h>

#include "bench.h"

static int osip_init(char *err, size_t errlen)
{
	if (parser_init() != 0) {
		snprintf(err, errlen, "parser_init() failed");
		return -1;
	}
	/*
	 * Debian builds osip with tracing: at the first trace with no log
	 * set up, osip_trace() turns on levels up to ERROR on stderr.  Set
	 * up a log with every level off, so that a message osip rejects
	 * costs it no output (the harness reports the failure itself).
	 */
	osip_trace_initialize(TRACE_LEVEL0, stderr);
	return 0;
}

static int ct_is_sdp(const osip_content_type_t *ct)
{
	return ct && ct->type && ct->subtype &&
	       strcasecmp(ct->type, "application") == 0 &&
	       strcasecmp(ct->subtype, "sdp") == 0;
}

/*
 * The application/sdp body: the body itself, or the first application/sdp
 * part of a multipart body (osip has split it into sip->bodies already).
 */
static const osip_body_t *osip_find_sdp(const osip_message_t *sip)
{
	const osip_content_type_t *ct = sip->content_type;
	const osip_body_t *body;
	int i, n;

	if (!ct || !ct->type || !ct->subtype)
		return NULL;
	if (ct_is_sdp(ct))
		return osip_list_get(&sip->bodies, 0);
	if (strcasecmp(ct->type, "multipart") != 0)
		return NULL;
	n = osip_list_size(&sip->bodies);
	for (i = 0; i < n; i++) {
		body = osip_list_get(&sip->bodies, i);
		if (body && ct_is_sdp(body->content_type))
			return body;
	}
	return NULL;
}

static int osip_parse(const char *buf, size_t len, struct bench_out *out)
{
	osip_message_t *sip;
	const osip_body_t *body;
	sdp_message_t *sdp;
	int rc = -1, err;

	if (osip_message_init(&sip) != 0) {
		snprintf(out->why, sizeof(out->why), "osip_message_init failed");
		return -1;
	}
	err = osip_message_parse(sip, buf, len);
	if (err != 0) {
		snprintf(out->why, sizeof(out->why),
			 "osip_message_parse() = %d", err);
		goto out_msg;
	}
	/* A parse that "succeeds" without the core headers did less work. */
	if (!sip->from || !sip->to || !sip->call_id || !sip->cseq ||
	    osip_list_size(&sip->vias) <= 0 ||
	    (MSG_IS_REQUEST(sip) && !sip->req_uri)) {
		snprintf(out->why, sizeof(out->why),
			 "osip_message_parse() succeeded without From, To, "
			 "Call-ID, CSeq, Via or Request-URI");
		goto out_msg;
	}

	body = osip_find_sdp(sip);
	if (body) {
		if (!body->body) {
			snprintf(out->why, sizeof(out->why),
				 "application/sdp body without data");
			goto out_msg;
		}
		if (sdp_message_init(&sdp) != 0) {
			snprintf(out->why, sizeof(out->why),
				 "sdp_message_init failed");
			goto out_msg;
		}
		err = sdp_message_parse(sdp, body->body);
		sdp_message_free(sdp);
		if (err != 0) {
			snprintf(out->why, sizeof(out->why),
				 "sdp_message_parse() = %d", err);
			goto out_msg;
		}
		out->n_sdp = 1;
	}
	rc = 0;
out_msg:
	osip_message_free(sip);
	return rc;
}

const struct bench_parser_ops bench_osip_ops = {
	.name	= "libosip2",
	.work	= "osip_message_parse() (headers + multipart split) + "
		  "sdp_message_parse() on the application/sdp body",
	.init	= osip_init,
	.parse	= osip_parse,
};
