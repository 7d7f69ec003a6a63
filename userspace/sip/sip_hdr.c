// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sip_hdr.c - value parsers for the header fields voipfw interprets.
 *
 * Each parser gets the value as a span (LWS trimmed at both ends; folds
 * may remain inside and count as LWS) and fills its part of struct
 * sip_msg.  What makes a message uninterpretable returns -1 with a fatal
 * finding; what only breaks RFC 3261's grammar is a strict-only defect.
 */
#include <string.h>

#include "sip_hdr.h"
#include "sip_lex.h"

/*
 * Iterate ";"-separated parameters:  *( SEMI generic-param )
 *   generic-param = token [ EQUAL gen-value ]
 *   gen-value     = token / host / quoted-string
 * Returns 1 with a parameter, 0 at the end, -1 on an unterminated quote.
 */
struct param_iter {
	const char	*p;
	const char	*end;
};

static int param_next(struct param_iter *it, struct span *name,
		      struct span *value, bool *has_value)
{
	const char *stop, *eq, *q;

	if (it->p > it->end || !it->p)
		return 0;
	/* fast path: no quote before the next ';' (or the end) */
	q = memchr(it->p, ';', (size_t)(it->end - it->p));
	stop = q ? q : it->end;
	if (!memchr(it->p, '"', (size_t)(stop - it->p))) {
		eq = memchr(it->p, '=', (size_t)(stop - it->p));
		goto found;
	}
	/* an unterminated quote anywhere makes the list unreadable */
	for (q = it->p; q < it->end; q++) {
		if (*q == '"') {
			q = lex_quoted_end(q, it->end);
			if (!q)
				return -1;
			q--;
		} else if (*q == ';') {
			break;
		}
	}
	stop = q;
	eq = memchr(it->p, '=', (size_t)(stop - it->p));
	if (eq && memchr(it->p, '"', (size_t)(eq - it->p)))
		eq = NULL;	/* '=' inside a quoted name: not a separator */
found:
	*name = lex_trim(span_from_to(it->p, eq ? eq : stop));
	*has_value = eq != NULL;
	*value = eq ? lex_trim(span_from_to(eq + 1, stop)) : SPAN_NULL;
	it->p = stop + 1;
	return 1;
}

/* gen-value: token / host / quoted-string */
static bool gen_value_ok(struct span v)
{
	size_t i;

	if (!v.len)
		return false;
	if (v.p[0] == '"')
		return lex_quoted_end(v.p, v.p + v.len) == v.p + v.len;
	for (i = 0; i < v.len; i++)
		if (!lex_is(v.p[i], LEX_TOKEN) && v.p[i] != '[' &&
		    v.p[i] != ']' && v.p[i] != ':')
			return false;
	return true;
}

/*
 * Walk a header-parameter list, checking generic-param syntax, and call
 * @cb for each.  Fatal only for an unterminated quote.
 */
typedef void (*param_cb)(void *ctx, struct span name, struct span value,
			 bool has_value, struct sip_diag *diag);

static int params_walk(struct span params, enum sip_reason reason,
		       param_cb cb, void *ctx, struct sip_diag *diag)
{
	struct param_iter it = { params.p, params.p + params.len };
	struct span name, value;
	bool has_value;
	int rc;

	if (!params.p)
		return 0;
	while ((rc = param_next(&it, &name, &value, &has_value)) > 0) {
		if (!name.len) {
			sip_diag_strict(diag, reason, "empty parameter",
					params);
			continue;
		}
		if (sip_diag_wants_strict(diag) &&
		    (!lex_all(name, LEX_TOKEN) ||
		     (has_value && !gen_value_ok(value))))
			sip_diag_strict(diag, reason,
					"parameter is not token [= token / host / quoted-string]",
					name);
		if (cb)
			cb(ctx, name, value, has_value, diag);
	}
	if (rc < 0)
		return sip_diag_fatal(diag, reason,
				      "unterminated quoted string in parameters",
				      params);
	return 0;
}

static int64_t delta_seconds(struct span v, struct sip_diag *diag,
			     enum sip_reason reason, const char *what)
{
	uint64_t n = 0;
	size_t i;

	if (!v.len)
		goto bad;
	for (i = 0; i < v.len; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			goto bad;
		if (n <= UINT32_MAX)
			n = n * 10 + (uint64_t)(v.p[i] - '0');
	}
	/* delta-seconds beyond 2**32-1: RFC 3261 treats them as 2**32-1,
	 * RFC 4475 3.1.2.4 calls them invalid */
	if (n > UINT32_MAX) {
		sip_diag_strict(diag, reason, what, v);
		n = UINT32_MAX;
	}
	return (int64_t)n;
bad:
	sip_diag_strict(diag, reason, what, v);
	return -1;
}

/* ---- name-addr ------------------------------------------------------- */

static void name_addr_param(void *ctx, struct span name, struct span value,
			    bool has_value, struct sip_diag *diag)
{
	struct sip_name_addr *na = ctx;

	if (span_is(name, "tag") && has_value) {
		na->tag = value;
	} else if (span_is(name, "expires") && has_value) {
		na->expires = delta_seconds(value, diag, SIP_ERR_BAD_PARAM,
					    "expires parameter is not delta-seconds below 2**32");
	}
}

/* display-name = *(token LWS) / quoted-string */
static bool display_tokens_ok(struct span d)
{
	size_t i;

	for (i = 0; i < d.len; i++)
		if (!lex_is(d.p[i], LEX_TOKEN) && d.p[i] != ' ' &&
		    d.p[i] != '\t' && d.p[i] != '\r' && d.p[i] != '\n')
			return false;
	return true;
}

/*
 * (name-addr / addr-spec) *( SEMI generic-param )
 * name-addr = [ display-name ] LAQUOT addr-spec RAQUOT
 * RFC 3261 20.10: without <>, every ';' starts a header parameter.
 */
int sip_parse_name_addr(struct span v, struct sip_name_addr *na,
			struct sip_diag *diag)
{
	const char *p = v.p, *end = v.p + v.len, *lt = NULL, *gt, *q;
	struct span uri_text;

	memset(na, 0, sizeof(*na));
	na->expires = -1;
	if (!v.len)
		return sip_diag_fatal(diag, SIP_ERR_BAD_NAME_ADDR,
				      "empty value", v);
	if (*p == '"') {
		q = lex_quoted_end(p, end);
		if (!q)
			return sip_diag_fatal(diag, SIP_ERR_BAD_NAME_ADDR,
					      "unterminated quoted display name",
					      v);
		na->display = span_from_to(p, q);
		q = lex_skip_sws(q, end);
		if (q >= end || *q != '<')
			return sip_diag_fatal(diag, SIP_ERR_BAD_NAME_ADDR,
					      "no <URI> after quoted display name",
					      v);
		lt = q;
	} else {
		for (q = p; q < end && *q != ';'; q++) {
			if (*q == '<') {
				lt = q;
				break;
			}
			if (*q == '"')
				return sip_diag_fatal(diag, SIP_ERR_BAD_NAME_ADDR,
						      "quote inside unquoted display name",
						      v);
		}
		if (lt) {
			na->display = lex_trim(span_from_to(p, lt));
			if (sip_diag_wants_strict(diag) &&
			    !display_tokens_ok(na->display))
				sip_diag_strict(diag, SIP_ERR_BAD_NAME_ADDR,
						"unquoted display name with non-token characters",
						na->display);
		}
	}

	if (lt) {
		gt = memchr(lt, '>', (size_t)(end - lt));
		if (!gt)
			return sip_diag_fatal(diag, SIP_ERR_BAD_NAME_ADDR,
					      "no closing >", v);
		uri_text = span_from_to(lt + 1, gt);
		/* LWS inside the URI itself is caught by sip_uri_parse */
		if (uri_text.len &&
		    (lex_is(uri_text.p[0], LEX_WSP) || uri_text.p[0] == '\r' ||
		     uri_text.p[0] == '\n' ||
		     lex_is(uri_text.p[uri_text.len - 1], LEX_WSP) ||
		     uri_text.p[uri_text.len - 1] == '\n')) {
			/* RFC 4475 3.1.2.14: "< sip:... >" */
			sip_diag_strict(diag, SIP_ERR_BAD_NAME_ADDR,
					"whitespace inside <>", uri_text);
			uri_text = lex_trim(uri_text);
		}
		q = lex_skip_sws(gt + 1, end);
		if (q < end && *q != ';')
			return sip_diag_fatal(diag, SIP_ERR_BAD_NAME_ADDR,
					      "junk after >", v);
	} else {
		q = memchr(p, ';', (size_t)(end - p));
		if (!q)
			q = end;
		uri_text = lex_trim(span_from_to(p, q));
	}
	if (sip_uri_parse(uri_text, &na->uri, diag)) {
		diag->fatal.reason = SIP_ERR_BAD_NAME_ADDR;
		return -1;
	}
	if (!lt && na->uri.headers.p)
		sip_diag_strict(diag, SIP_ERR_BAD_NAME_ADDR,
				"URI with '?' headers not enclosed in <>",
				uri_text);
	if (q < end) {
		na->params = span_from_to(q + 1, end);
		return params_walk(na->params, SIP_ERR_BAD_NAME_ADDR,
				   name_addr_param, na, diag);
	}
	return 0;
}

int sip_hdr_from(struct sip_msg *msg, const struct sip_header *h,
		 struct sip_diag *diag)
{
	return sip_parse_name_addr(h->value, &msg->from, diag);
}

int sip_hdr_to(struct sip_msg *msg, const struct sip_header *h,
	       struct sip_diag *diag)
{
	return sip_parse_name_addr(h->value, &msg->to, diag);
}

/* Contact = ( STAR / (contact-param *(COMMA contact-param)) ) */
int sip_hdr_contact(struct sip_msg *msg, const struct sip_header *h,
		    struct sip_diag *diag)
{
	struct span cursor = h->value, item;
	struct sip_name_addr scratch;

	while (sip_list_next(&cursor, &item)) {
		struct sip_name_addr *na = msg->n_contact < SIP_MAX_CONTACTS ?
			&msg->contact[msg->n_contact] : &scratch;

		if (!item.len) {
			if (!h->value.len)
				return sip_diag_fatal(diag, SIP_ERR_BAD_NAME_ADDR,
						      "empty Contact", h->name);
			sip_diag_strict(diag, SIP_ERR_BAD_NAME_ADDR,
					"empty Contact list element", h->value);
			continue;
		}
		if (item.len == 1 && item.p[0] == '*') {
			/* Contact: * (RFC 3261 10.2.2); only here, nowhere else */
			memset(na, 0, sizeof(*na));
			na->star = true;
			na->expires = -1;
		} else if (sip_parse_name_addr(item, na, diag)) {
			return -1;
		}
		msg->n_contact++;
	}
	return 0;
}

/* Route, Record-Route: 1#(name-addr *( SEMI rr-param )) */
int sip_hdr_route(struct sip_msg *msg, const struct sip_header *h,
		  struct sip_diag *diag)
{
	struct span cursor = h->value, item;
	struct sip_name_addr na;

	while (sip_list_next(&cursor, &item)) {
		if (sip_parse_name_addr(item, &na, diag))
			return -1;
		if (!na.uri.raw.len || na.uri.raw.p == item.p)
			sip_diag_strict(diag, SIP_ERR_BAD_NAME_ADDR,
					"route entry without <>", item);
		if (h->id == SIP_HDR_ROUTE)
			msg->n_route++;
		else
			msg->n_record_route++;
	}
	return 0;
}

/* P-Asserted-Identity: 1#PAssertedID-value (RFC 3325 9.1) */
int sip_hdr_pai(struct sip_msg *msg, const struct sip_header *h,
		struct sip_diag *diag)
{
	struct span cursor = h->value, item;
	struct sip_name_addr na;
	bool first = msg->pai.uri.raw.p == NULL &&
		     h->id == SIP_HDR_P_ASSERTED_IDENTITY;

	while (sip_list_next(&cursor, &item)) {
		if (sip_parse_name_addr(item, first ? &msg->pai : &na, diag))
			return -1;
		first = false;
	}
	return 0;
}

int sip_hdr_name_addr_only(struct sip_msg *msg, const struct sip_header *h,
			   struct sip_diag *diag)
{
	struct sip_name_addr na;

	(void)msg;
	return sip_parse_name_addr(h->value, &na, diag);
}

/* ---- Via ------------------------------------------------------------- */

static const char *scan_token(const char *p, const char *end)
{
	while (p < end && lex_is(*p, LEX_TOKEN))
		p++;
	return p;
}

static void via_param(void *ctx, struct span name, struct span value,
		      bool has_value, struct sip_diag *diag)
{
	struct sip_via *via = ctx;
	uint32_t port;

	/* dispatch on the length first: most parameters are branch */
	if (name.len == 6 && span_is(name, "branch")) {
		via->branch = value;
	} else if (name.len == 8 && span_is(name, "received")) {
		uint8_t addr[16];

		via->received = value;
		/* via-received = "received" EQUAL (IPv4address / IPv6address),
		 * IPv6 without brackets (RFC 5118 4.5) */
		if (!value.len ||
		    sip_ip_parse(value, memchr(value.p, ':', value.len) != NULL,
				 addr))
			sip_diag_strict(diag, SIP_ERR_BAD_VIA,
					"received is not an IP address", value);
	} else if (name.len == 5 && span_is(name, "rport")) {
		via->rport = true;
		if (has_value) {
			if (span_to_u32(value, 65535, &port))
				sip_diag_strict(diag, SIP_ERR_BAD_VIA,
						"rport is not a port", value);
			else
				via->rport_value = (uint16_t)port;
		}
	}
}

/*
 * via-parm      = sent-protocol LWS sent-by *( SEMI via-params )
 * sent-protocol = protocol-name SLASH protocol-version SLASH transport
 * sent-by       = host [ COLON port ]     (SLASH, COLON: SWS x SWS)
 */
int sip_parse_via(struct span v, struct sip_via *via, struct sip_diag *diag)
{
	const char *p = v.p, *end = v.p + v.len, *start = v.p, *q;
	struct span name, version, host;
	uint32_t port;

	memset(via, 0, sizeof(*via));
	if (!v.len)
		return sip_diag_fatal(diag, SIP_ERR_BAD_VIA, "empty Via value",
				      v);
	q = scan_token(p, end);
	name = span_from_to(p, q);
	p = lex_skip_sws(q, end);
	if (p >= end || *p != '/')
		return sip_diag_fatal(diag, SIP_ERR_BAD_VIA,
				      "no sent-protocol", v);
	p = lex_skip_sws(p + 1, end);
	q = scan_token(p, end);
	version = span_from_to(p, q);
	p = lex_skip_sws(q, end);
	if (p >= end || *p != '/')
		return sip_diag_fatal(diag, SIP_ERR_BAD_VIA,
				      "no transport in sent-protocol", v);
	p = lex_skip_sws(p + 1, end);
	q = scan_token(p, end);
	via->transport = span_from_to(p, q);
	via->protocol = span_from_to(start, version.p + version.len);
	if (!span_is(name, "SIP") || !span_is(version, "2.0"))
		return sip_diag_fatal(diag, SIP_ERR_BAD_VERSION,
				      "Via protocol is not SIP/2.0", v);
	if (!via->transport.len)
		return sip_diag_fatal(diag, SIP_ERR_BAD_VIA,
				      "empty transport", v);

	p = lex_skip_sws(q, end);
	if (p == q)
		return sip_diag_fatal(diag, SIP_ERR_BAD_VIA,
				      "no LWS between sent-protocol and sent-by",
				      v);
	q = p;
	if (q < end && *q == '[') {
		q = memchr(q, ']', (size_t)(end - q));
		if (!q)
			return sip_diag_fatal(diag, SIP_ERR_BAD_VIA,
					      "unterminated IPv6 reference", v);
		q++;
	} else {
		while (q < end && lex_is(*q, LEX_HOSTCH))
			q++;
	}
	host = span_from_to(p, q);
	if (sip_host_parse(host, &via->host, diag)) {
		diag->fatal.reason = SIP_ERR_BAD_VIA;
		return -1;
	}
	p = lex_skip_sws(q, end);
	if (p < end && *p == ':') {
		p = lex_skip_sws(p + 1, end);
		q = p;
		while (q < end && lex_is(*q, LEX_DIGIT))
			q++;
		if (span_to_u32(span_from_to(p, q), 65535, &port) || !port)
			return sip_diag_fatal(diag, SIP_ERR_BAD_VIA,
					      "bad port in sent-by", v);
		via->port = (uint16_t)port;
		p = lex_skip_sws(q, end);
	}
	if (p < end && *p != ';')
		return sip_diag_fatal(diag, SIP_ERR_BAD_VIA,
				      "junk after sent-by", v);
	if (p < end) {
		via->params = span_from_to(p + 1, end);
		return params_walk(via->params, SIP_ERR_BAD_VIA, via_param,
				   via, diag);
	}
	return 0;
}

/* Via = ( "Via" / "v" ) HCOLON via-parm *(COMMA via-parm) */
int sip_hdr_via(struct sip_msg *msg, const struct sip_header *h,
		struct sip_diag *diag)
{
	struct span cursor = h->value, item;
	struct sip_via scratch;

	while (sip_list_next(&cursor, &item)) {
		struct sip_via *via = msg->n_via < SIP_MAX_VIA ?
			&msg->via[msg->n_via] : &scratch;

		/* an empty element cannot be a hop (RFC 4475 3.1.2.1) */
		if (sip_parse_via(item, via, diag))
			return -1;
		msg->n_via++;
	}
	return 0;
}

/* ---- scalar headers -------------------------------------------------- */

/* callid = word [ "@" word ] */
int sip_hdr_call_id(struct sip_msg *msg, const struct sip_header *h,
		    struct sip_diag *diag)
{
	const char *at;

	if (!h->value.len)
		return sip_diag_fatal(diag, SIP_ERR_BAD_CALL_ID,
				      "empty Call-ID", h->name);
	msg->call_id = h->value;
	at = memchr(h->value.p, '@', h->value.len);
	/* word excludes whitespace, so the common case is one pass */
	if (!lex_all(span_from_to(h->value.p, at ? at : h->value.p + h->value.len),
		     LEX_WORD) ||
	    (at && !lex_all(span_from_to(at + 1, h->value.p + h->value.len),
			    LEX_WORD))) {
		if (lex_has_lws(h->value))
			return sip_diag_fatal(diag, SIP_ERR_BAD_CALL_ID,
					      "whitespace inside Call-ID",
					      h->value);
		sip_diag_strict(diag, SIP_ERR_BAD_CALL_ID,
				"Call-ID is not word [\"@\" word]", h->value);
	}
	return 0;
}

/* CSeq = "CSeq" HCOLON 1*DIGIT LWS Method; the number is below 2**31 */
int sip_hdr_cseq(struct sip_msg *msg, const struct sip_header *h,
		 struct sip_diag *diag)
{
	const char *p = h->value.p, *end = p + h->value.len, *q = p;

	while (q < end && lex_is(*q, LEX_DIGIT))
		q++;
	if (q == p)
		return sip_diag_fatal(diag, SIP_ERR_BAD_CSEQ,
				      "no sequence number", h->value);
	if (span_to_u32(span_from_to(p, q), SIP_CSEQ_MAX, &msg->cseq))
		return sip_diag_fatal(diag, SIP_ERR_BAD_CSEQ,
				      "sequence number not below 2**31",
				      span_from_to(p, q));
	p = lex_skip_sws(q, end);
	if (p == q)
		return sip_diag_fatal(diag, SIP_ERR_BAD_CSEQ,
				      "no LWS between number and method",
				      h->value);
	q = scan_token(p, end);
	if (q == p || q != end)
		return sip_diag_fatal(diag, SIP_ERR_BAD_CSEQ,
				      "method is not a single token", h->value);
	msg->cseq_method_name = span_from_to(p, q);
	msg->cseq_method = sip_method_lookup(msg->cseq_method_name);
	if (!msg->is_request)
		msg->method = msg->cseq_method;
	return 0;
}

/* Max-Forwards = "Max-Forwards" HCOLON 1*DIGIT; in practice 0-255 */
int sip_hdr_max_forwards(struct sip_msg *msg, const struct sip_header *h,
			 struct sip_diag *diag)
{
	uint32_t v;

	if (span_to_u32(h->value, UINT32_MAX, &v))
		return sip_diag_fatal(diag, SIP_ERR_BAD_MAX_FORWARDS,
				      "not a number", h->value);
	if (v > 255) {
		/* RFC 4475 3.1.2.4 */
		sip_diag_strict(diag, SIP_ERR_BAD_MAX_FORWARDS,
				"larger than 255", h->value);
		v = 255;
	}
	if (msg->max_forwards < 0)
		msg->max_forwards = (int32_t)v;
	return 0;
}

int sip_hdr_content_length(struct sip_msg *msg, const struct sip_header *h,
			   struct sip_diag *diag)
{
	uint32_t v;

	/* 1*DIGIT; a sign or anything else is unreadable (RFC 4475 3.1.2.3) */
	if (span_to_u32(h->value, INT32_MAX, &v))
		return sip_diag_fatal(diag, SIP_ERR_BAD_CONTENT_LENGTH,
				      "not a non-negative number", h->value);
	msg->content_length = v;
	return 0;
}

/* media-type = m-type SLASH m-subtype *(SEMI m-parameter) */
int sip_hdr_content_type(struct sip_msg *msg, const struct sip_header *h,
			 struct sip_diag *diag)
{
	const char *p = h->value.p, *end = p + h->value.len, *q;

	q = scan_token(p, end);
	if (q == p)
		goto bad;
	p = lex_skip_sws(q, end);
	if (p >= end || *p != '/')
		goto bad;
	p = lex_skip_sws(p + 1, end);
	q = scan_token(p, end);
	if (q == p)
		goto bad;
	p = lex_skip_sws(q, end);
	if (p < end && *p != ';')
		goto bad;
	msg->content_type = h->value;
	if (p < end)
		return params_walk(span_from_to(p + 1, end), SIP_ERR_BAD_BODY,
				   NULL, NULL, diag);
	return 0;
bad:
	/* the body's meaning depends on it: unreadable means drop */
	return sip_diag_fatal(diag, SIP_ERR_BAD_BODY,
			      "Content-Type is not type/subtype", h->value);
}

int sip_hdr_user_agent(struct sip_msg *msg, const struct sip_header *h,
		       struct sip_diag *diag)
{
	(void)diag;
	/* the first User-Agent wins; Server stands in for responses */
	if (h->id == SIP_HDR_USER_AGENT ?
	    msg->count[SIP_HDR_USER_AGENT] == 1 : !msg->user_agent.p)
		msg->user_agent = h->value;
	return 0;
}

int sip_hdr_expires(struct sip_msg *msg, const struct sip_header *h,
		    struct sip_diag *diag)
{
	int64_t v = delta_seconds(h->value, diag, SIP_ERR_BAD_NUMBER,
				  "Expires is not delta-seconds below 2**32");

	if (msg->expires < 0)
		msg->expires = v;
	return 0;
}

int sip_hdr_min_expires(struct sip_msg *msg, const struct sip_header *h,
			struct sip_diag *diag)
{
	(void)msg;
	delta_seconds(h->value, diag, SIP_ERR_BAD_NUMBER,
		      "Min-Expires is not delta-seconds below 2**32");
	return 0;
}

/* Retry-After = delta-seconds [ comment ] *( SEMI retry-param ) */
int sip_hdr_retry_after(struct sip_msg *msg, const struct sip_header *h,
			struct sip_diag *diag)
{
	const char *p = h->value.p, *end = p + h->value.len, *q = p;

	(void)msg;
	while (q < end && lex_is(*q, LEX_DIGIT))
		q++;
	delta_seconds(span_from_to(p, q), diag, SIP_ERR_BAD_NUMBER,
		      "Retry-After is not delta-seconds below 2**32");
	return 0;
}

/*
 * rfc1123-date = wkday "," SP date1 SP time SP "GMT"
 * date1 = 2DIGIT SP month SP 4DIGIT;  time = 2DIGIT ":" 2DIGIT ":" 2DIGIT
 */
int sip_hdr_date(struct sip_msg *msg, const struct sip_header *h,
		 struct sip_diag *diag)
{
	static const char wkdays[] = "MonTueWedThuFriSatSun";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	static const char shape[] = "www, 99 mmm 9999 99:99:99 GMT";
	struct span v = h->value;
	bool ok = v.len == sizeof(shape) - 1;
	size_t i;

	(void)msg;
	if (!sip_diag_wants_strict(diag))
		return 0;
	for (i = 0; ok && i < v.len; i++) {
		char s = shape[i], c = v.p[i];

		if (s == '9')
			ok = c >= '0' && c <= '9';
		else if (s == 'w' || s == 'm')
			;	/* checked below */
		else
			ok = c == s;
	}
	if (ok) {
		ok = false;
		for (i = 0; i + 3 <= sizeof(wkdays) - 1; i += 3)
			ok |= !memcmp(v.p, wkdays + i, 3);
	}
	if (ok) {
		ok = false;
		for (i = 0; i + 3 <= sizeof(months) - 1; i += 3)
			ok |= !memcmp(v.p + 8, months + i, 3);
	}
	if (!ok)
		sip_diag_strict(diag, SIP_ERR_BAD_DATE,
				"Date is not an RFC 1123 date in GMT", v);
	return 0;
}

/* 1#token lists: Allow, Supported, Require, Content-Encoding, ... */
int sip_hdr_token_list(struct sip_msg *msg, const struct sip_header *h,
		       struct sip_diag *diag)
{
	struct span cursor = h->value, item;

	(void)msg;
	if (!h->value.len || !sip_diag_wants_strict(diag))
		return 0;	/* Allow and Supported may be empty */
	while (sip_list_next(&cursor, &item))
		if (!lex_all(item, LEX_TOKEN)) {
			sip_diag_strict(diag, SIP_ERR_BAD_TOKEN,
					"list element is not a token",
					item.len ? item : h->value);
			break;
		}
	return 0;
}

/* ---- authentication -------------------------------------------------- */

static struct span unquote(struct span v)
{
	if (v.len >= 2 && v.p[0] == '"' && v.p[v.len - 1] == '"')
		return span_make(v.p + 1, v.len - 2);
	return v;
}

/*
 * credentials = ("Digest" LWS digest-response) / other-response
 * challenge   = ("Digest" LWS digest-cln *(COMMA digest-cln)) / other-challenge
 * other-*     = auth-scheme LWS auth-param *(COMMA auth-param)
 * auth-param  = auth-param-name EQUAL ( token / quoted-string )
 */
int sip_parse_auth(struct span v, struct sip_auth *auth,
		   struct sip_diag *diag)
{
	const char *p = v.p, *end = v.p + v.len, *q;
	struct span cursor, item;

	memset(auth, 0, sizeof(*auth));
	q = scan_token(p, end);
	if (q == p)
		return sip_diag_fatal(diag, SIP_ERR_BAD_AUTH,
				      "no auth-scheme", v);
	auth->present = true;
	auth->scheme = span_from_to(p, q);
	p = lex_skip_sws(q, end);
	if (p == q && p < end)
		return sip_diag_fatal(diag, SIP_ERR_BAD_AUTH,
				      "no LWS after auth-scheme", v);
	cursor = span_from_to(p, end);
	if (!cursor.len)
		return 0;
	while (sip_list_next(&cursor, &item)) {
		const char *eq = memchr(item.p, '=', item.len);
		struct span name, val;

		if (!eq) {
			sip_diag_strict(diag, SIP_ERR_BAD_AUTH,
					"auth-param without '='", item);
			continue;
		}
		name = lex_trim(span_from_to(item.p, eq));
		val = lex_trim(span_from_to(eq + 1, item.p + item.len));
		if (sip_diag_wants_strict(diag) &&
		    (!lex_all(name, LEX_TOKEN) || !gen_value_ok(val)))
			sip_diag_strict(diag, SIP_ERR_BAD_AUTH,
					"auth-param is not token = token / quoted-string",
					item);
		if (val.len && val.p[0] == '"' &&
		    lex_quoted_end(val.p, val.p + val.len) == NULL)
			return sip_diag_fatal(diag, SIP_ERR_BAD_AUTH,
					      "unterminated quoted string", item);
		if (span_is(name, "username"))
			auth->username = unquote(val);
		else if (span_is(name, "realm"))
			auth->realm = unquote(val);
	}
	return 0;
}

int sip_hdr_authorization(struct sip_msg *msg, const struct sip_header *h,
			  struct sip_diag *diag)
{
	struct sip_auth scratch;

	return sip_parse_auth(h->value,
			      msg->auth.present ? &scratch : &msg->auth, diag);
}

int sip_hdr_challenge(struct sip_msg *msg, const struct sip_header *h,
		      struct sip_diag *diag)
{
	struct sip_auth scratch;

	return sip_parse_auth(h->value,
			      msg->challenge.present ? &scratch : &msg->challenge,
			      diag);
}
