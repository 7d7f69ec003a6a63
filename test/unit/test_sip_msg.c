// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_sip_msg.c - sip_parse() and sip_frame_length(), row by row.
 *
 * Each row of msg_cases[] is one whole message, CRLF spelled out, with
 * what RFC 3261 (sections 7, 20 and 25) says the parser must make of it:
 * the return code, the fatal reason token, whether a strict-only defect
 * is recorded, and "field=value" expectations read through the field
 * table below (so a row names fields the way the struct does:
 * "via[1].host.text", "from.tag", "auth.realm").
 *
 * Every input is copied into a heap block of exactly its length, so a
 * read past the end is caught under ASan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "sip/sip.h"

/* ---- reading struct sip_msg fields by name ---------------------------- */

enum ftype {
	F_SPAN,		/* "<absent>" when the span has no pointer */
	F_BOOL,
	F_U16,
	F_U32,
	F_I32,
	F_I64,
	F_UINT,
	F_SIZE,
	F_METHOD,	/* sip_method_str() */
	F_HDR_ID,	/* sip_hdr_name() */
	F_HOST_TYPE,	/* none, name, ipv4, ipv6 */
	F_SCHEME,	/* other, sip, sips, tel */
	F_SUB,		/* a member struct (or array of them) */
};

/**
 * struct field - one readable member.
 * @name:   key as written in rows; for F_SUB the prefix before '.' or '['
 * @off:    offset in the containing struct
 * @sub:    F_SUB: the member's own field table
 * @stride: F_SUB arrays: element size
 * @max:    F_SUB arrays: element count; 0 for a plain member
 */
struct field {
	const char		*name;
	enum ftype		type;
	size_t			off;
	const struct field	*sub;
	size_t			stride;
	unsigned int		max;
};

#define FLD(n, t, st, m)	{ n, t, offsetof(st, m), NULL, 0, 0 }
#define SUB(n, st, m, tbl)	{ n, F_SUB, offsetof(st, m), tbl, 0, 0 }
#define ARR(n, st, m, tbl)	{ n, F_SUB, offsetof(st, m), tbl,	\
				  sizeof(((st *)0)->m[0]),		\
				  ARRAY_SIZE(((st *)0)->m) }

static const struct field host_fields[] = {
	FLD("text",	F_SPAN,		struct sip_host, text),
	FLD("type",	F_HOST_TYPE,	struct sip_host, type),
	{ .name = NULL },
};

static const struct field uri_fields[] = {
	FLD("raw",	F_SPAN,		struct sip_uri, raw),
	FLD("scheme",	F_SPAN,		struct sip_uri, scheme),
	FLD("scheme_id", F_SCHEME,	struct sip_uri, scheme_id),
	FLD("user",	F_SPAN,		struct sip_uri, user),
	FLD("password",	F_SPAN,		struct sip_uri, password),
	SUB("host",	struct sip_uri, host, host_fields),
	FLD("port",	F_U16,		struct sip_uri, port),
	FLD("has_port",	F_BOOL,		struct sip_uri, has_port),
	FLD("params",	F_SPAN,		struct sip_uri, params),
	FLD("headers",	F_SPAN,		struct sip_uri, headers),
	FLD("opaque",	F_SPAN,		struct sip_uri, opaque),
	{ .name = NULL },
};

static const struct field na_fields[] = {
	FLD("star",	F_BOOL,		struct sip_name_addr, star),
	FLD("display",	F_SPAN,		struct sip_name_addr, display),
	SUB("uri",	struct sip_name_addr, uri, uri_fields),
	FLD("params",	F_SPAN,		struct sip_name_addr, params),
	FLD("tag",	F_SPAN,		struct sip_name_addr, tag),
	FLD("expires",	F_I64,		struct sip_name_addr, expires),
	{ .name = NULL },
};

static const struct field via_fields[] = {
	FLD("protocol",	F_SPAN,		struct sip_via, protocol),
	FLD("transport", F_SPAN,	struct sip_via, transport),
	SUB("host",	struct sip_via, host, host_fields),
	FLD("port",	F_U16,		struct sip_via, port),
	FLD("params",	F_SPAN,		struct sip_via, params),
	FLD("branch",	F_SPAN,		struct sip_via, branch),
	FLD("received",	F_SPAN,		struct sip_via, received),
	FLD("rport",	F_BOOL,		struct sip_via, rport),
	FLD("rport_value", F_U16,	struct sip_via, rport_value),
	{ .name = NULL },
};

static const struct field auth_fields[] = {
	FLD("present",	F_BOOL,		struct sip_auth, present),
	FLD("scheme",	F_SPAN,		struct sip_auth, scheme),
	FLD("username",	F_SPAN,		struct sip_auth, username),
	FLD("realm",	F_SPAN,		struct sip_auth, realm),
	{ .name = NULL },
};

static const struct field hdr_fields[] = {
	FLD("id",	F_HDR_ID,	struct sip_header, id),
	FLD("name",	F_SPAN,		struct sip_header, name),
	FLD("value",	F_SPAN,		struct sip_header, value),
	{ .name = NULL },
};

static const struct field msg_fields[] = {
	FLD("msg_len",	F_SIZE,		struct sip_msg, msg_len),
	FLD("is_request", F_BOOL,	struct sip_msg, is_request),
	FLD("method",	F_METHOD,	struct sip_msg, method),
	FLD("method_name", F_SPAN,	struct sip_msg, method_name),
	FLD("ruri_text", F_SPAN,	struct sip_msg, ruri_text),
	SUB("ruri",	struct sip_msg, ruri, uri_fields),
	FLD("version",	F_SPAN,		struct sip_msg, version),
	FLD("status",	F_U16,		struct sip_msg, status),
	FLD("reason",	F_SPAN,		struct sip_msg, reason),
	FLD("n_hdrs",	F_UINT,		struct sip_msg, n_hdrs),
	ARR("hdr",	struct sip_msg, hdrs, hdr_fields),
	FLD("n_via",	F_UINT,		struct sip_msg, n_via),
	ARR("via",	struct sip_msg, via, via_fields),
	SUB("from",	struct sip_msg, from, na_fields),
	SUB("to",	struct sip_msg, to, na_fields),
	FLD("call_id",	F_SPAN,		struct sip_msg, call_id),
	FLD("cseq",	F_U32,		struct sip_msg, cseq),
	FLD("cseq_method", F_METHOD,	struct sip_msg, cseq_method),
	FLD("cseq_method_name", F_SPAN,	struct sip_msg, cseq_method_name),
	FLD("n_contact", F_UINT,	struct sip_msg, n_contact),
	ARR("contact",	struct sip_msg, contact, na_fields),
	FLD("max_forwards", F_I32,	struct sip_msg, max_forwards),
	FLD("content_length", F_I64,	struct sip_msg, content_length),
	FLD("content_type", F_SPAN,	struct sip_msg, content_type),
	FLD("user_agent", F_SPAN,	struct sip_msg, user_agent),
	FLD("expires",	F_I64,		struct sip_msg, expires),
	SUB("auth",	struct sip_msg, auth, auth_fields),
	SUB("challenge", struct sip_msg, challenge, auth_fields),
	FLD("n_route",	F_UINT,		struct sip_msg, n_route),
	FLD("n_record_route", F_UINT,	struct sip_msg, n_record_route),
	SUB("pai",	struct sip_msg, pai, na_fields),
	FLD("body",	F_SPAN,		struct sip_msg, body),
	{ .name = NULL },
};

static const char *const host_types[] = { "none", "name", "ipv4", "ipv6" };
static const char *const schemes[] = { "other", "sip", "sips", "tel" };

static const char *enum_name(const char *const *names, size_t n, int v)
{
	return v >= 0 && (size_t)v < n ? names[v] : "?";
}

/* Render the member @f of @obj into @out; returns 0. */
static int field_render(const struct field *f, const char *obj, char *out,
			size_t outlen)
{
	const void *m = obj + f->off;

	switch (f->type) {
	case F_SPAN: {
		const struct span *s = m;

		if (!s->p)
			snprintf(out, outlen, "<absent>");
		else
			snprintf(out, outlen, "%.*s", (int)s->len, s->p);
		break;
	}
	case F_BOOL:
		snprintf(out, outlen, "%d", *(const bool *)m);
		break;
	case F_U16:
		snprintf(out, outlen, "%u", *(const uint16_t *)m);
		break;
	case F_U32:
		snprintf(out, outlen, "%u", *(const uint32_t *)m);
		break;
	case F_I32:
		snprintf(out, outlen, "%d", *(const int32_t *)m);
		break;
	case F_I64:
		snprintf(out, outlen, "%lld", (long long)*(const int64_t *)m);
		break;
	case F_UINT:
		snprintf(out, outlen, "%u", *(const unsigned int *)m);
		break;
	case F_SIZE:
		snprintf(out, outlen, "%zu", *(const size_t *)m);
		break;
	case F_METHOD:
		snprintf(out, outlen, "%s",
			 sip_method_str(*(const enum sip_method *)m));
		break;
	case F_HDR_ID:
		snprintf(out, outlen, "%s",
			 sip_hdr_name(*(const enum sip_hdr *)m));
		break;
	case F_HOST_TYPE:
		snprintf(out, outlen, "%s", enum_name(host_types,
			 ARRAY_SIZE(host_types), *(const int *)m));
		break;
	case F_SCHEME:
		snprintf(out, outlen, "%s", enum_name(schemes,
			 ARRAY_SIZE(schemes), *(const int *)m));
		break;
	case F_SUB:
		return -1;
	}
	return 0;
}

/* Find @key ("via[1].host.text") in table @t over @obj and render it. */
static int field_get(const struct field *t, const char *obj, const char *key,
		     char *out, size_t outlen)
{
	for (; t->name; t++) {
		size_t l = strlen(t->name);
		const char *rest = key + l, *sub = obj + t->off;

		if (t->type != F_SUB) {
			if (!strcmp(key, t->name))
				return field_render(t, obj, out, outlen);
			continue;
		}
		if (strncmp(key, t->name, l))
			continue;
		if (t->max) {
			char *e;
			unsigned long i;

			if (*rest != '[')
				continue;
			i = strtoul(rest + 1, &e, 10);
			if (*e != ']' || i >= t->max)
				return -1;
			sub += i * t->stride;
			rest = e + 1;
		}
		if (*rest != '.')
			continue;
		return field_get(t->sub, sub, rest + 1, out, outlen);
	}
	return -1;
}

#define MAX_WANT	14

/* Check "field=value" expectations against @msg. */
static void check_fields(const struct sip_msg *msg,
			 const char *const want[MAX_WANT])
{
	unsigned int i;

	for (i = 0; i < MAX_WANT && want[i]; i++) {
		const char *eq = strchr(want[i], '=');
		char key[64], got[512];

		if (!CHECK_MSG(eq && (size_t)(eq - want[i]) < sizeof(key),
			       "malformed expectation \"%s\"", want[i]))
			continue;
		memcpy(key, want[i], (size_t)(eq - want[i]));
		key[eq - want[i]] = '\0';
		if (!CHECK_MSG(field_get(msg_fields, (const char *)msg, key,
					 got, sizeof(got)) == 0,
			       "unknown field \"%s\"", key))
			continue;
		unit_check_mem(got, strlen(got), eq + 1, key, __FILE__,
			       __LINE__);
	}
}

/* ---- the rows ----------------------------------------------------------- */

#define CRLF	"\r\n"
#define RLINE	"INVITE sip:bob@biloxi.example.com SIP/2.0" CRLF
#define VIA	"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds" CRLF
#define MAXF	"Max-Forwards: 70" CRLF
#define TO	"To: Bob <sip:bob@biloxi.example.com>" CRLF
#define FROM	"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774" CRLF
#define CALLID	"Call-ID: a84b4c76e66710@pc33.atlanta.example.com" CRLF
#define CSEQ	"CSeq: 314159 INVITE" CRLF
#define HDRS	VIA MAXF TO FROM CALLID CSEQ
/* a complete request: the usual headers, then @extra, then no body */
#define REQ(extra)		RLINE HDRS extra CRLF
/* a request line with only the header lines under test */
#define ONLY(hdrs)		RLINE hdrs CRLF
/* a response */
#define RESP(sline, extra)	sline CRLF VIA TO FROM CALLID CSEQ extra CRLF

enum { S_NO = 0, S_YES, S_ANY };

/* the tail of a row whose message cannot be interpreted */
#define FATAL(token)	-1, token, S_ANY, 0, { NULL }

/**
 * struct msg_case - one message and what the parser must make of it.
 * @rc:     sip_parse() return
 * @fatal:  reason token of diag.fatal; NULL for "ok"
 * @strict: S_NO / S_YES: whether a strict-only defect is recorded;
 *          checked when @rc is 0, S_ANY to leave it open
 * @tail:   bytes at the end of the input that are not part of the
 *          message (msg_len == len - tail); checked when @rc is 0
 * @want:   "field=value" expectations
 */
struct msg_case {
	const char	*name;
	const char	*in;
	int		rc;
	const char	*fatal;
	int		strict;
	size_t		tail;
	const char	*want[MAX_WANT];
};

static const struct msg_case msg_cases[] = {
	/* ---- Request-Line: Method SP Request-URI SP SIP-Version CRLF ---- */
	{ "request line", REQ(""), 0, NULL, S_NO, 0,
	  { "is_request=1", "method=INVITE", "method_name=INVITE",
	    "ruri_text=sip:bob@biloxi.example.com", "ruri.user=bob",
	    "ruri.host.text=biloxi.example.com", "ruri.host.type=name",
	    "version=SIP/2.0", "n_hdrs=6", "body=" } },
	{ "extension method is a token",
	  "NEWMETHOD sip:bob@biloxi.example.com SIP/2.0" CRLF HDRS CRLF,
	  0, NULL, S_NO, 0, { "method=OTHER", "method_name=NEWMETHOD" } },
	{ "methods are case-sensitive",
	  "invite sip:bob@biloxi.example.com SIP/2.0" CRLF HDRS CRLF,
	  0, NULL, S_NO, 0, { "method=OTHER", "method_name=invite" } },
	{ "two SP before Request-URI (lwsstart)",
	  "INVITE  sip:bob@biloxi.example.com SIP/2.0" CRLF HDRS CRLF,
	  0, NULL, S_YES, 0,
	  { "method=INVITE", "ruri_text=sip:bob@biloxi.example.com" } },
	{ "two SP before SIP-Version",
	  "INVITE sip:bob@biloxi.example.com  SIP/2.0" CRLF HDRS CRLF,
	  0, NULL, S_YES, 0,
	  { "ruri_text=sip:bob@biloxi.example.com", "version=SIP/2.0" } },
	{ "trailing SP after SIP-Version (trws)",
	  "INVITE sip:bob@biloxi.example.com SIP/2.0 " CRLF HDRS CRLF,
	  0, NULL, S_YES, 0, { "version=SIP/2.0" } },
	{ "HTAB as separator",
	  "INVITE\tsip:bob@biloxi.example.com SIP/2.0" CRLF HDRS CRLF,
	  0, NULL, S_YES, 0,
	  { "method=INVITE", "ruri_text=sip:bob@biloxi.example.com" } },
	{ "SP before Method",
	  " INVITE sip:bob@biloxi.example.com SIP/2.0" CRLF HDRS CRLF,
	  0, NULL, S_YES, 0, { "method=INVITE" } },
	{ "start line ends in bare LF",
	  "INVITE sip:bob@biloxi.example.com SIP/2.0\n" HDRS CRLF,
	  0, NULL, S_YES, 0, { "method=INVITE", "version=SIP/2.0" } },
	{ "every line ends in bare LF",
	  "INVITE sip:bob@biloxi.example.com SIP/2.0\n"
	  "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK7\n"
	  "To: <sip:bob@biloxi.example.com>\n"
	  "Call-ID: lf@pc33\n"
	  "Content-Length: 4\n"
	  "\n"
	  "abcd",
	  0, NULL, S_YES, 0,
	  { "n_hdrs=4", "via[0].branch=z9hG4bK7", "call_id=lf@pc33",
	    "content_length=4", "body=abcd" } },
	{ "bare CR inside the start line",
	  "INVITE sip:bob@biloxi.example.com\rSIP/2.0" CRLF HDRS CRLF,
	  FATAL("bad-request-line") },
	{ "start line ended by a bare CR",
	  "INVITE sip:bob@biloxi.example.com SIP/2.0\r" VIA CRLF,
	  FATAL("bad-request-line") },
	{ "bare CR inside a header line",
	  ONLY(TO "Subject: lunch\rat noon" CRLF), FATAL("bad-header") },
	{ "SIP/3.0 request",
	  "INVITE sip:bob@biloxi.example.com SIP/3.0" CRLF HDRS CRLF,
	  FATAL("bad-version") },
	{ "SIP/7.0 request (badvers)",
	  "OPTIONS sip:t.watson@example.org SIP/7.0" CRLF HDRS CRLF,
	  FATAL("bad-version") },
	{ "SIP-Version in lower case",
	  "INVITE sip:bob@biloxi.example.com sip/2.0" CRLF HDRS CRLF,
	  0, NULL, S_YES, 0, { "method=INVITE", "version=sip/2.0" } },
	{ "HTTP request line", "GET / HTTP/1.1" CRLF "Host: x" CRLF CRLF,
	  FATAL("bad-request-line") },
	{ "Request-URI enclosed in <> (ltgtruri)",
	  "INVITE <sip:bob@biloxi.example.com> SIP/2.0" CRLF HDRS CRLF,
	  FATAL("bad-request-line") },
	{ "LWS inside Request-URI (lwsruri)",
	  "INVITE sip:bob@biloxi.example.com; lr SIP/2.0" CRLF HDRS CRLF,
	  FATAL("bad-request-line") },
	{ "no SIP-Version",
	  "INVITE sip:bob@biloxi.example.com" CRLF HDRS CRLF,
	  FATAL("bad-request-line") },
	{ "Method is not a token",
	  "INV:TE sip:bob@biloxi.example.com SIP/2.0" CRLF HDRS CRLF,
	  FATAL("bad-request-line") },
	{ "unreadable Request-URI",
	  "INVITE sip:bob@[2001:db8::1 SIP/2.0" CRLF HDRS CRLF,
	  FATAL("bad-request-line") },
	{ "Request-URI with IPv6 address without brackets (RFC 5118 4.2)",
	  "REGISTER sip:2001:db8::10 SIP/2.0" CRLF HDRS CRLF,
	  FATAL("bad-request-line") },
	{ "Request-URI with IPv6 reference and port (RFC 5118 4.4)",
	  "REGISTER sip:[2001:db8::10]:5070 SIP/2.0" CRLF HDRS CRLF,
	  0, NULL, S_NO, 0,
	  { "method=REGISTER", "ruri.host.type=ipv6",
	    "ruri.host.text=[2001:db8::10]", "ruri.port=5070" } },
	{ "%-escapes in a Method are literal (esc02)",
	  "RE%47IST%45R sip:registrar.example.com SIP/2.0" CRLF HDRS CRLF,
	  0, NULL, S_NO, 0,
	  { "method=OTHER", "method_name=RE%47IST%45R" } },
	{ "Request-URI user with escapes",
	  "INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0" CRLF
	  HDRS CRLF, 0, NULL, S_NO, 0,
	  { "ruri.scheme_id=sip", "ruri.user=sips%3Auser%40example.com",
	    "ruri.host.text=example.net" } },
	{ "tel Request-URI",
	  "INVITE tel:+14085551234 SIP/2.0" CRLF HDRS CRLF,
	  0, NULL, S_NO, 0,
	  { "ruri.scheme_id=tel", "ruri.user=+14085551234" } },
	{ "unknown Request-URI scheme parses (unkscm)",
	  "OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0" CRLF
	  HDRS CRLF, 0, NULL, S_NO, 0,
	  { "ruri.scheme_id=other",
	    "ruri.opaque=totallyopaquecontent" } },

	/* ---- Status-Line: SIP-Version SP Status-Code SP Reason-Phrase ---- */
	{ "status line", RESP("SIP/2.0 200 OK", ""), 0, NULL, S_NO, 0,
	  { "is_request=0", "status=200", "reason=OK", "version=SIP/2.0",
	    "method=INVITE", "cseq_method=INVITE" } },
	{ "status 100", RESP("SIP/2.0 100 Trying", ""), 0, NULL, S_NO, 0,
	  { "status=100" } },
	{ "status 699", RESP("SIP/2.0 699 Whatever", ""), 0, NULL, S_NO, 0,
	  { "status=699" } },
	{ "status 99", RESP("SIP/2.0 99 Too Low", ""),
	  FATAL("bad-status-line") },
	{ "status 700", RESP("SIP/2.0 700 Too High", ""),
	  FATAL("bad-status-line") },
	{ "status 1000", RESP("SIP/2.0 1000 Four Digits", ""),
	  FATAL("bad-status-line") },
	{ "status 4294967301 (bigcode)",
	  RESP("SIP/2.0 4294967301 better not break the receiver", ""),
	  FATAL("bad-status-line") },
	{ "status not digits", RESP("SIP/2.0 2x0 OK", ""),
	  FATAL("bad-status-line") },
	{ "empty Reason-Phrase (noreason)", RESP("SIP/2.0 100 ", ""),
	  0, NULL, S_NO, 0, { "status=100", "reason=" } },
	{ "no SP after Status-Code", RESP("SIP/2.0 100", ""),
	  0, NULL, S_YES, 0, { "status=100" } },
	{ "two SP before Status-Code", RESP("SIP/2.0  200 OK", ""),
	  0, NULL, S_YES, 0, { "status=200" } },
	{ "HTAB before Status-Code", RESP("SIP/2.0\t200 OK", ""),
	  0, NULL, S_YES, 0, { "status=200" } },
	{ "HTAB before Reason-Phrase", RESP("SIP/2.0 200\tOK", ""),
	  0, NULL, S_YES, 0, { "status=200", "reason=OK" } },
	{ "Reason-Phrase with SP and UTF-8 (unreason)",
	  RESP("SIP/2.0 200 = 2**3 * 5**2 \xd0\xbd\xd0\xbe \xd1\x81\xd1\x82\xd0\xbe", ""),
	  0, NULL, S_NO, 0,
	  { "status=200",
	    "reason== 2**3 * 5**2 \xd0\xbd\xd0\xbe \xd1\x81\xd1\x82\xd0\xbe" } },
	{ "control character in Reason-Phrase",
	  RESP("SIP/2.0 200 O\x01K", ""), 0, NULL, S_YES, 0,
	  { "status=200" } },
	{ "SIP/3.0 status line", RESP("SIP/3.0 200 OK", ""),
	  FATAL("bad-version") },
	{ "response method comes from CSeq",
	  "SIP/2.0 200 OK" CRLF VIA TO FROM CALLID "CSeq: 2 BYE" CRLF CRLF,
	  0, NULL, S_NO, 0, { "method=BYE", "cseq=2" } },

	/* ---- framing around the header section (RFC 3261 7, 7.5) ---- */
	{ "CRLF keep-alives before the start line", CRLF CRLF REQ(""),
	  0, NULL, S_NO, 0, { "method=INVITE", "n_hdrs=6" } },
	{ "empty datagram", "", FATAL("truncated") },
	{ "only CRLFs", CRLF CRLF, FATAL("truncated") },
	{ "no end of start line", "INVITE sip:bob@biloxi.example.com SIP/2.0",
	  FATAL("truncated") },
	{ "no empty line after the headers", RLINE HDRS, FATAL("truncated") },
	{ "header line without colon", ONLY("Subject lunch" CRLF),
	  FATAL("bad-header") },
	{ "header line without a name", ONLY(": lunch" CRLF),
	  FATAL("bad-header") },
	{ "header name with a non-token character",
	  ONLY("Sub<ject: lunch" CRLF), FATAL("bad-header") },
	{ "whitespace before the first header line",
	  RLINE " " VIA CRLF, FATAL("bad-header") },
	{ "SP before HCOLON", ONLY("Subject : lunch" CRLF), 0, NULL, S_NO, 0,
	  { "hdr[0].id=Subject", "hdr[0].name=Subject",
	    "hdr[0].value=lunch" } },
	{ "header value trimmed of LWS", ONLY("Subject:   lunch \t" CRLF),
	  0, NULL, S_NO, 0, { "hdr[0].value=lunch" } },
	{ "unknown header kept in order",
	  ONLY(TO "X-Custom: a, b;c" CRLF "NewFangledHeader: x" CRLF),
	  0, NULL, S_NO, 0,
	  { "n_hdrs=3", "hdr[1].id=other", "hdr[1].name=X-Custom",
	    "hdr[1].value=a, b;c", "hdr[2].name=NewFangledHeader" } },

	/* ---- folding: LWS = [*WSP CRLF] 1*WSP (RFC 3261 7.3.1) ---- */
	{ "folded Subject",
	  ONLY("Subject: I know you're there," CRLF
	       "         pick up the phone" CRLF),
	  0, NULL, S_NO, 0,
	  { "n_hdrs=1", "hdr[0].value=I know you're there," CRLF
			"         pick up the phone" } },
	{ "value starts on a continuation line",
	  ONLY("To:" CRLF " <sip:bob@biloxi.example.com>;tag=x9" CRLF),
	  0, NULL, S_NO, 0,
	  { "to.uri.host.text=biloxi.example.com", "to.tag=x9" } },
	{ "fold between sent-protocol and sent-by",
	  ONLY("Via: SIP/2.0/UDP" CRLF "\tpc33.atlanta.example.com;branch=z9hG4bK1" CRLF),
	  0, NULL, S_NO, 0,
	  { "n_via=1", "via[0].host.text=pc33.atlanta.example.com",
	    "via[0].branch=z9hG4bK1" } },
	{ "fold inside CSeq", ONLY("CSeq: 0009" CRLF "  INVITE" CRLF),
	  0, NULL, S_NO, 0, { "cseq=9", "cseq_method=INVITE" } },
	{ "fold with bare LF",
	  ONLY("Subject: lunch\n at noon" CRLF), 0, NULL, S_YES, 0,
	  { "n_hdrs=1", "hdr[0].value=lunch\n at noon" } },
	{ "LWS everywhere (wsinv)",
	  "INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0" CRLF
	  "TO :" CRLF
	  " sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n" CRLF
	  "from   : \"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>" CRLF
	  "  ;" CRLF
	  "  tag = 98asjd8" CRLF
	  "MaX-fOrWaRdS: 0068" CRLF
	  "Call-ID: wsinv.ndaksdj@192.0.2.1" CRLF
	  "Content-Length   : 0" CRLF
	  "cseq: 0009" CRLF
	  "  INVITE" CRLF
	  "Via  : SIP  /   2.0" CRLF
	  " /UDP" CRLF
	  "    192.0.2.2;branch=390skdjuw" CRLF
	  "s :" CRLF
	  "Route:" CRLF
	  " <sip:services.example.com;lr;unknownwith=value;unknown-no-value>" CRLF
	  "v:  SIP  / 2.0  / TCP     spindle.example.com   ;" CRLF
	  "  branch  =   z9hG4bK9ikj8  ," CRLF
	  " SIP  /    2.0   / UDP  192.168.255.111   ; branch=" CRLF
	  " z9hG4bK30239" CRLF
	  "m:\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =" CRLF
	  "      newvalue ;" CRLF
	  "  secondparam ; q = 0.33" CRLF
	  CRLF,
	  0, NULL, S_NO, 0,
	  { "to.uri.raw=sip:vivekg@chair-dnrc.example.com",
	    "to.tag=1918181833n",
	    "from.display=\"J Rosenberg \\\\\\\"\"", "from.tag=98asjd8",
	    "max_forwards=68", "cseq=9", "cseq_method=INVITE",
	    "n_via=3", "via[0].transport=UDP",
	    "via[0].host.text=192.0.2.2", "via[1].branch=z9hG4bK9ikj8",
	    "via[2].host.text=192.168.255.111",
	    "via[2].branch=z9hG4bK30239",
	    "contact[0].display=\"Quoted string \\\"\\\"\"" } },

	/* ---- Via (RFC 3261 20.42, 18.2.1; RFC 3581; RFC 5118) ---- */
	{ "Via hops count across lines and commas",
	  ONLY("Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP b.example.com:5070;branch=z9hG4bK2" CRLF
	       "v: SIP/2.0/TLS c.example.com;branch=z9hG4bK3" CRLF),
	  0, NULL, S_NO, 0,
	  { "n_via=3", "via[0].host.text=a.example.com",
	    "via[0].branch=z9hG4bK1", "via[1].transport=TCP",
	    "via[1].host.text=b.example.com", "via[1].port=5070",
	    "via[2].transport=TLS", "via[2].branch=z9hG4bK3" } },
	{ "more Via hops than are kept",
	  ONLY("Via: SIP/2.0/UDP h1.example.com, SIP/2.0/UDP h2.example.com, SIP/2.0/UDP h3.example.com" CRLF
	       "Via: SIP/2.0/UDP h4.example.com, SIP/2.0/UDP h5.example.com, SIP/2.0/UDP h6.example.com" CRLF
	       "Via: SIP/2.0/UDP h7.example.com, SIP/2.0/UDP h8.example.com, SIP/2.0/UDP h9.example.com" CRLF
	       "Via: SIP/2.0/UDP h10.example.com" CRLF),
	  0, NULL, S_NO, 0,
	  { "n_via=10", "via[7].host.text=h8.example.com" } },
	{ "Via fields",
	  ONLY("Via: SIP/2.0/UDP 192.0.2.1:5060;received=198.51.100.2;rport=5070;branch=z9hG4bKnashds8" CRLF),
	  0, NULL, S_NO, 0,
	  { "via[0].protocol=SIP/2.0", "via[0].transport=UDP",
	    "via[0].host.text=192.0.2.1", "via[0].host.type=ipv4",
	    "via[0].port=5060", "via[0].received=198.51.100.2",
	    "via[0].rport=1", "via[0].rport_value=5070",
	    "via[0].branch=z9hG4bKnashds8",
	    "via[0].params=received=198.51.100.2;rport=5070;branch=z9hG4bKnashds8" } },
	{ "Via rport without value (RFC 3581)",
	  ONLY("Via: SIP/2.0/UDP 192.0.2.1;rport;branch=z9hG4bK1" CRLF),
	  0, NULL, S_NO, 0,
	  { "via[0].rport=1", "via[0].rport_value=0", "via[0].port=0",
	    "via[0].branch=z9hG4bK1" } },
	{ "Via without rport or received",
	  ONLY("Via: SIP/2.0/TCP client.example.com;branch=z9hG4bK1" CRLF),
	  0, NULL, S_NO, 0,
	  { "via[0].rport=0", "via[0].received=<absent>",
	    "via[0].host.type=name" } },
	{ "Via parameter names are case-insensitive",
	  ONLY("Via: SIP/2.0/UDP 192.0.2.1;BRANCH=z9hG4bKup;Received=192.0.2.9" CRLF),
	  0, NULL, S_NO, 0,
	  { "via[0].branch=z9hG4bKup", "via[0].received=192.0.2.9" } },
	{ "Via IPv6 sent-by",
	  ONLY("Via: SIP/2.0/UDP [2001:db8::9:1]:5061;branch=z9hG4bKas3-111" CRLF),
	  0, NULL, S_NO, 0,
	  { "via[0].host.text=[2001:db8::9:1]", "via[0].host.type=ipv6",
	    "via[0].port=5061", "via[0].branch=z9hG4bKas3-111" } },
	{ "Via received IPv6 without brackets (RFC 5118 4.5)",
	  ONLY("Via: SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKas3" CRLF),
	  0, NULL, S_NO, 0, { "via[0].received=2001:db8::9:255" } },
	{ "Via received IPv6 with brackets (RFC 5118 4.5)",
	  ONLY("Via: SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKas3" CRLF),
	  0, NULL, S_ANY, 0, { "via[0].received=[2001:db8::9:255]" } },
	{ "Via received is a host name",
	  ONLY("Via: SIP/2.0/UDP 192.0.2.1;received=nat.example.com" CRLF),
	  0, NULL, S_YES, 0, { "via[0].received=nat.example.com" } },
	{ "Via with an unknown transport (transports)",
	  ONLY("Via: SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en" CRLF),
	  0, NULL, S_NO, 0, { "via[0].transport=UNKNOWN" } },
	{ "Via without sent-by", ONLY("Via: SIP/2.0/UDP" CRLF),
	  FATAL("bad-via") },
	{ "Via without LWS before sent-by",
	  ONLY("Via: SIP/2.0/UDPpc33.example.com" CRLF), FATAL("bad-via") },
	{ "Via without transport", ONLY("Via: SIP/2.0 pc33.example.com" CRLF),
	  FATAL("bad-via") },
	{ "empty element in a Via list",
	  ONLY("Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, , SIP/2.0/UDP b.example.com" CRLF),
	  FATAL("bad-via") },
	{ "Via params only (badinv01)",
	  ONLY("Via: SIP/2.0/UDP 192.0.2.15;;,;,," CRLF), FATAL("bad-via") },
	{ "Via SIP/3.0", ONLY("Via: SIP/3.0/UDP a.example.com" CRLF),
	  FATAL("bad-version") },
	{ "Via port 0", ONLY("Via: SIP/2.0/UDP a.example.com:0" CRLF),
	  FATAL("bad-via") },
	{ "Via port 65535", ONLY("Via: SIP/2.0/UDP a.example.com:65535" CRLF),
	  0, NULL, S_NO, 0, { "via[0].port=65535" } },
	{ "Via port 65536", ONLY("Via: SIP/2.0/UDP a.example.com:65536" CRLF),
	  FATAL("bad-via") },
	{ "Via unterminated IPv6 reference",
	  ONLY("Via: SIP/2.0/UDP [2001:db8::1;branch=z9hG4bK1" CRLF),
	  FATAL("bad-via") },
	{ "Via bad IPv6 reference",
	  ONLY("Via: SIP/2.0/UDP [zz::1]:5060" CRLF), FATAL("bad-via") },
	{ "Via junk after sent-by",
	  ONLY("Via: SIP/2.0/UDP a.example.com junk" CRLF), FATAL("bad-via") },

	/* ---- From / To (RFC 3261 20.20, 20.39, 20.10) ---- */
	{ "From with quoted display name",
	  ONLY("From: \"Alice Liddell\" <sip:alice@atlanta.example.com>;tag=1928301774" CRLF),
	  0, NULL, S_NO, 0,
	  { "from.display=\"Alice Liddell\"", "from.uri.user=alice",
	    "from.uri.host.text=atlanta.example.com",
	    "from.tag=1928301774", "from.params=tag=1928301774" } },
	{ "From with unquoted display name",
	  ONLY("From: Alice Liddell <sip:alice@atlanta.example.com>;tag=88" CRLF),
	  0, NULL, S_NO, 0,
	  { "from.display=Alice Liddell", "from.uri.user=alice",
	    "from.tag=88" } },
	{ "display name without LWS before < (lwsdisp)",
	  ONLY("From: caller<sip:caller@example.com>;tag=323" CRLF),
	  0, NULL, S_NO, 0,
	  { "from.display=caller", "from.uri.user=caller", "from.tag=323" } },
	{ "quoted display name with escaped quotes",
	  ONLY("From: \"Al \\\"Ice\\\"\" <sip:alice@atlanta.example.com>;tag=1" CRLF),
	  0, NULL, S_NO, 0,
	  { "from.display=\"Al \\\"Ice\\\"\"", "from.tag=1" } },
	{ "addr-spec: every ';' starts a header parameter",
	  ONLY("From: sip:alice@atlanta.example.com;tag=88" CRLF),
	  0, NULL, S_NO, 0,
	  { "from.uri.raw=sip:alice@atlanta.example.com",
	    "from.uri.params=<absent>", "from.tag=88" } },
	{ "name-addr keeps URI parameters inside <>",
	  ONLY("From: <sip:alice@atlanta.example.com;transport=tcp>;tag=88" CRLF),
	  0, NULL, S_NO, 0,
	  { "from.uri.params=transport=tcp", "from.tag=88",
	    "from.params=tag=88" } },
	{ "To with tag",
	  ONLY("To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf" CRLF),
	  0, NULL, S_NO, 0,
	  { "to.display=Bob", "to.uri.user=bob", "to.tag=a6c85cf" } },
	{ "To without tag", ONLY(TO), 0, NULL, S_NO, 0,
	  { "to.tag=<absent>", "to.uri.host.text=biloxi.example.com" } },
	{ "tag parameter name is case-insensitive",
	  ONLY("To: <sip:bob@biloxi.example.com>;TAG=x1" CRLF),
	  0, NULL, S_NO, 0, { "to.tag=x1" } },
	{ "tag with LWS around EQUAL",
	  ONLY("From: <sip:alice@atlanta.example.com> ; tag = 98asjd8" CRLF),
	  0, NULL, S_NO, 0, { "from.tag=98asjd8" } },
	{ "tel URI in To",
	  ONLY("To: <tel:+1-415-555-0100>" CRLF), 0, NULL, S_NO, 0,
	  { "to.uri.scheme_id=tel", "to.uri.user=+1-415-555-0100" } },
	{ "unquoted display name with a comma (baddn)",
	  ONLY("From: Bell, Alexander <sip:a.g.bell@bell-tel.com>;tag=43" CRLF),
	  0, NULL, S_YES, 0,
	  { "from.uri.user=a.g.bell", "from.tag=43" } },
	{ "LWS inside <> (badaspec)",
	  ONLY("To: < sip:bob@biloxi.example.com >" CRLF), 0, NULL, S_YES, 0,
	  { "to.uri.raw=sip:bob@biloxi.example.com" } },
	{ "unterminated quoted display name (quotbal)",
	  ONLY("To: \"Mr. J. User <sip:j.user@example.com>" CRLF),
	  FATAL("bad-name-addr") },
	{ "no closing >", ONLY("To: <sip:bob@biloxi.example.com" CRLF),
	  FATAL("bad-name-addr") },
	{ "junk after >", ONLY("To: <sip:bob@biloxi.example.com> x" CRLF),
	  FATAL("bad-name-addr") },
	{ "quoted display name without <>",
	  ONLY("To: \"Bob\" sip:bob@biloxi.example.com" CRLF),
	  FATAL("bad-name-addr") },
	{ "bad URI inside From",
	  ONLY("From: <sip:alice@[::1>;tag=1" CRLF), FATAL("bad-name-addr") },
	{ "empty From", ONLY("From:" CRLF), FATAL("bad-name-addr") },
	/* STAR is a Contact value only (RFC 3261 20.10, 10.2.2) */
	{ "From: *", ONLY("From: *" CRLF), FATAL("bad-name-addr") },
	{ "To: *", ONLY("To: *" CRLF), FATAL("bad-name-addr") },
	{ "Route: *", ONLY("Route: *" CRLF), FATAL("bad-name-addr") },
	{ "P-Asserted-Identity: *", ONLY("P-Asserted-Identity: *" CRLF),
	  FATAL("bad-name-addr") },

	/* ---- headers that may appear once ---- */
	{ "duplicate From", ONLY(FROM FROM), FATAL("duplicate-header") },
	{ "From and compact f",
	  ONLY(FROM "f: <sip:eve@evil.example.com>;tag=2" CRLF),
	  FATAL("duplicate-header") },
	{ "duplicate To", ONLY(TO "t: <sip:eve@evil.example.com>" CRLF),
	  FATAL("duplicate-header") },
	{ "duplicate Call-ID", ONLY(CALLID "i: other@evil.example.com" CRLF),
	  FATAL("duplicate-header") },
	{ "duplicate CSeq (multi01)", ONLY(CSEQ "CSeq: 314160 INVITE" CRLF),
	  FATAL("duplicate-header") },
	{ "duplicate Content-Type",
	  ONLY("Content-Type: application/sdp" CRLF "c: text/plain" CRLF),
	  FATAL("duplicate-header") },
	{ "duplicate Content-Length (mcl01)",
	  RLINE HDRS "Content-Length: 4" CRLF "l: 2" CRLF CRLF "abcd",
	  FATAL("duplicate-header") },
	{ "duplicate Max-Forwards is strict-only",
	  ONLY(MAXF "Max-Forwards: 5" CRLF), 0, NULL, S_YES, 0,
	  { "max_forwards=70" } },
	{ "duplicate Expires is strict-only",
	  ONLY("Expires: 60" CRLF "Expires: 30" CRLF), 0, NULL, S_YES, 0,
	  { "expires=60" } },
	{ "Via, Contact and Route repeat freely",
	  ONLY(VIA VIA "Contact: <sip:a@a.example.com>" CRLF
	       "Contact: <sip:b@b.example.com>" CRLF
	       "Route: <sip:p1.example.com;lr>" CRLF
	       "Route: <sip:p2.example.com;lr>" CRLF),
	  0, NULL, S_NO, 0,
	  { "n_via=2", "n_contact=2", "n_route=2" } },

	/* ---- Call-ID: callid = word [ "@" word ] ---- */
	{ "Call-ID", ONLY(CALLID), 0, NULL, S_NO, 0,
	  { "call_id=a84b4c76e66710@pc33.atlanta.example.com" } },
	{ "Call-ID compact form",
	  ONLY("i: f81d4fae-7dec-11d0-a765-00a0c91e6bf6@foo.bar.com" CRLF),
	  0, NULL, S_NO, 0,
	  { "call_id=f81d4fae-7dec-11d0-a765-00a0c91e6bf6@foo.bar.com" } },
	{ "empty Call-ID", ONLY("Call-ID:" CRLF), FATAL("bad-call-id") },
	{ "LWS inside Call-ID", ONLY("Call-ID: abc def@host" CRLF),
	  FATAL("bad-call-id") },
	{ "Call-ID with two @", ONLY("Call-ID: a@b@c" CRLF), 0, NULL, S_YES, 0,
	  { "call_id=a@b@c" } },

	/* ---- CSeq = 1*DIGIT LWS Method; below 2**31 (RFC 3261 8.1.1.5) ---- */
	{ "CSeq 2**31-1", ONLY("CSeq: 2147483647 INVITE" CRLF),
	  0, NULL, S_NO, 0,
	  { "cseq=2147483647", "cseq_method=INVITE",
	    "cseq_method_name=INVITE" } },
	{ "CSeq 2**31", ONLY("CSeq: 2147483648 INVITE" CRLF),
	  FATAL("bad-cseq") },
	{ "CSeq 0", ONLY("CSeq: 0 INVITE" CRLF), 0, NULL, S_NO, 0,
	  { "cseq=0" } },
	{ "CSeq 2**65 (scalar02)",
	  ONLY("CSeq: 36893488147419103232 INVITE" CRLF), FATAL("bad-cseq") },
	{ "CSeq without method", ONLY("CSeq: 1" CRLF), FATAL("bad-cseq") },
	{ "CSeq without number", ONLY("CSeq: INVITE" CRLF), FATAL("bad-cseq") },
	{ "CSeq without LWS", ONLY("CSeq: 1INVITE" CRLF), FATAL("bad-cseq") },
	{ "CSeq with two methods", ONLY("CSeq: 1 INVITE BYE" CRLF),
	  FATAL("bad-cseq") },
	{ "CSeq negative", ONLY("CSeq: -1 INVITE" CRLF), FATAL("bad-cseq") },
	{ "CSeq extension method", ONLY("CSeq: 7 FOO" CRLF), 0, NULL, S_NO, 0,
	  { "cseq=7", "cseq_method=OTHER", "cseq_method_name=FOO" } },

	/* ---- Max-Forwards = 1*DIGIT ---- */
	{ "Max-Forwards", ONLY(MAXF), 0, NULL, S_NO, 0,
	  { "max_forwards=70" } },
	{ "Max-Forwards 0 (zeromf)", ONLY("Max-Forwards: 0" CRLF),
	  0, NULL, S_NO, 0, { "max_forwards=0" } },
	{ "Max-Forwards absent", ONLY(TO), 0, NULL, S_NO, 0,
	  { "max_forwards=-1" } },
	{ "Max-Forwards 300 (scalar02)", ONLY("Max-Forwards: 300" CRLF),
	  0, NULL, S_YES, 0, { "max_forwards=255" } },
	{ "Max-Forwards not a number", ONLY("Max-Forwards: seventy" CRLF),
	  FATAL("bad-max-forwards") },

	/* ---- Content-Length and the body (RFC 3261 18.3, 20.14) ---- */
	{ "Content-Length equals the body",
	  RLINE HDRS "Content-Length: 4" CRLF CRLF "abcd", 0, NULL, S_NO, 0,
	  { "content_length=4", "body=abcd" } },
	{ "Content-Length shorter: the body is cut",
	  RLINE HDRS "Content-Length: 2" CRLF CRLF "abcd", 0, NULL, S_NO, 2,
	  { "content_length=2", "body=ab" } },
	{ "Content-Length 0 with bytes after",
	  RLINE HDRS "Content-Length: 0" CRLF CRLF "abcd", 0, NULL, S_NO, 4,
	  { "content_length=0", "body=" } },
	{ "Content-Length longer than the body (clerr)",
	  RLINE HDRS "Content-Length: 9999" CRLF CRLF "abcd",
	  FATAL("content-length-mismatch") },
	{ "no Content-Length: the body is the rest",
	  RLINE HDRS CRLF "abcd", 0, NULL, S_NO, 0,
	  { "content_length=-1", "body=abcd" } },
	{ "compact l", RLINE HDRS "l: 4" CRLF CRLF "abcd", 0, NULL, S_NO, 0,
	  { "content_length=4", "body=abcd" } },
	{ "Content-Length with LWS",
	  RLINE HDRS "Content-Length   :   4  " CRLF CRLF "abcd",
	  0, NULL, S_NO, 0, { "content_length=4", "body=abcd" } },
	{ "negative Content-Length (ncl)",
	  RLINE HDRS "Content-Length: -999" CRLF CRLF "abcd",
	  FATAL("bad-content-length") },
	{ "Content-Length not a number",
	  RLINE HDRS "Content-Length: four" CRLF CRLF "abcd",
	  FATAL("bad-content-length") },
	{ "body holding CRLF CRLF",
	  RLINE HDRS "Content-Length: 8" CRLF CRLF "a" CRLF CRLF "bcd",
	  0, NULL, S_NO, 0, { "body=a" CRLF CRLF "bcd" } },

	/* ---- Content-Type = media-type (RFC 3261 20.15) ---- */
	{ "Content-Type", ONLY("Content-Type: application/sdp" CRLF),
	  0, NULL, S_NO, 0, { "content_type=application/sdp" } },
	{ "Content-Type with parameters, compact c",
	  ONLY("c: multipart/mixed;boundary=unique-boundary-1" CRLF),
	  0, NULL, S_NO, 0,
	  { "content_type=multipart/mixed;boundary=unique-boundary-1" } },
	{ "Content-Type with LWS around SLASH",
	  ONLY("Content-Type: application / sdp" CRLF), 0, NULL, S_NO, 0,
	  { "content_type=application / sdp" } },
	{ "Content-Type without subtype",
	  ONLY("Content-Type: application" CRLF), FATAL("bad-body") },
	{ "Content-Type with an unterminated quoted parameter",
	  ONLY("Content-Type: multipart/mixed;boundary=\"b1" CRLF),
	  FATAL("bad-body") },
	{ "Content-Type with junk",
	  ONLY("Content-Type: application/sdp junk" CRLF), FATAL("bad-body") },

	/* ---- User-Agent / Server ---- */
	{ "User-Agent", ONLY("User-Agent: Softphone Beta1.5" CRLF),
	  0, NULL, S_NO, 0, { "user_agent=Softphone Beta1.5" } },
	{ "Server in a response",
	  RESP("SIP/2.0 200 OK", "Server: PBX/1.0 (lab)" CRLF),
	  0, NULL, S_NO, 0, { "user_agent=PBX/1.0 (lab)" } },
	{ "User-Agent wins over Server",
	  ONLY("Server: srv" CRLF "User-Agent: ua" CRLF), 0, NULL, S_NO, 0,
	  { "user_agent=ua" } },
	{ "the first User-Agent wins",
	  ONLY("User-Agent: first" CRLF "User-Agent: second" CRLF),
	  0, NULL, S_ANY, 0, { "user_agent=first" } },

	/* ---- Expires = delta-seconds ---- */
	{ "Expires", ONLY("Expires: 3600" CRLF), 0, NULL, S_NO, 0,
	  { "expires=3600" } },
	{ "Expires 0", ONLY("Expires: 0" CRLF), 0, NULL, S_NO, 0,
	  { "expires=0" } },
	{ "Expires absent", ONLY(TO), 0, NULL, S_NO, 0, { "expires=-1" } },
	{ "Expires 2**32", ONLY("Expires: 4294967296" CRLF),
	  0, NULL, S_YES, 0, { "expires=4294967295" } },
	{ "Expires as a date (RFC 2543)",
	  ONLY("Expires: Thu, 01 Dec 1994 16:00:00 GMT" CRLF),
	  0, NULL, S_YES, 0, { "expires=-1" } },

	/* ---- credentials and challenges (RFC 3261 20.7, 20.27, 20.28, 20.44) ---- */
	{ "Authorization Digest",
	  ONLY("Authorization: Digest username=\"bob\", realm=\"biloxi.example.com\", "
	       "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"sip:bob@biloxi.example.com\", "
	       "response=\"245f23415f11432b3434341c022\"" CRLF),
	  0, NULL, S_NO, 0,
	  { "auth.present=1", "auth.scheme=Digest", "auth.username=bob",
	    "auth.realm=biloxi.example.com", "challenge.present=0" } },
	{ "Proxy-Authorization",
	  ONLY("Proxy-Authorization: Digest username=\"alice\", realm=\"atlanta.example.com\", "
	       "nonce=\"wf84f1ceczx41ae6cbe5aea9c8e88d359\", uri=\"sip:bob@biloxi.example.com\", "
	       "response=\"42ce3cef44b22f50c6a6071bc8\"" CRLF),
	  0, NULL, S_NO, 0,
	  { "auth.scheme=Digest", "auth.username=alice",
	    "auth.realm=atlanta.example.com" } },
	{ "WWW-Authenticate in a 401",
	  RESP("SIP/2.0 401 Unauthorized",
	       "WWW-Authenticate: Digest realm=\"atlanta.example.com\", qop=\"auth\", "
	       "nonce=\"84f1c1ae6cbe5ua9c8e88dfa3ecm3459\", opaque=\"\", stale=FALSE, algorithm=MD5" CRLF),
	  0, NULL, S_NO, 0,
	  { "status=401", "challenge.present=1", "challenge.scheme=Digest",
	    "challenge.realm=atlanta.example.com", "auth.present=0" } },
	{ "Proxy-Authenticate in a 407",
	  RESP("SIP/2.0 407 Proxy Authentication Required",
	       "Proxy-Authenticate: Digest realm=\"proxy.example.com\", nonce=\"f84f1cec41e6cbe5aea9c8e88d359\"" CRLF),
	  0, NULL, S_NO, 0,
	  { "challenge.scheme=Digest", "challenge.realm=proxy.example.com" } },
	{ "comma inside a quoted auth-param",
	  ONLY("Authorization: Digest realm=\"a, b\", username=\"c\"" CRLF),
	  0, NULL, S_NO, 0,
	  { "auth.realm=a, b", "auth.username=c" } },
	{ "auth-param names are case-insensitive",
	  ONLY("Authorization: Digest USERNAME=\"bob\", Realm=\"x.example.com\"" CRLF),
	  0, NULL, S_NO, 0,
	  { "auth.username=bob", "auth.realm=x.example.com" } },
	{ "other auth-scheme",
	  ONLY("Authorization: NTLM realm=\"corp\", targetname=\"srv\"" CRLF),
	  0, NULL, S_NO, 0, { "auth.scheme=NTLM", "auth.realm=corp" } },
	{ "unterminated quoted auth-param",
	  ONLY("Authorization: Digest username=\"bob" CRLF), FATAL("bad-auth") },
	{ "no LWS after auth-scheme",
	  ONLY("Authorization: Digest,username=\"bob\"" CRLF), FATAL("bad-auth") },
	{ "no auth-scheme", ONLY("Authorization: =x" CRLF), FATAL("bad-auth") },

	/* ---- Route, Record-Route (RFC 3261 20.30, 20.34) ---- */
	{ "Record-Route and Route counts",
	  ONLY("Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>" CRLF
	       "Record-Route: <sip:p3.example.com;lr>" CRLF
	       "Route: <sip:p4.example.com;lr>" CRLF),
	  0, NULL, S_NO, 0, { "n_record_route=3", "n_route=1" } },
	{ "Route without <>", ONLY("Route: sip:p1.example.com;lr" CRLF),
	  0, NULL, S_YES, 0, { "n_route=1" } },
	{ "Route with a bad URI",
	  ONLY("Route: <sip:p1.example.com:99999;lr>" CRLF),
	  FATAL("bad-name-addr") },

	/* ---- P-Asserted-Identity (RFC 3325 9.1) ---- */
	{ "P-Asserted-Identity list",
	  ONLY("P-Asserted-Identity: \"Cullen Jennings\" <sip:fluffy@cisco.com>, <tel:+14085550101>" CRLF),
	  0, NULL, S_NO, 0,
	  { "pai.display=\"Cullen Jennings\"", "pai.uri.user=fluffy",
	    "pai.uri.host.text=cisco.com" } },
	{ "the first P-Asserted-Identity line wins",
	  ONLY("P-Asserted-Identity: <sip:first@a.example.com>" CRLF
	       "P-Asserted-Identity: <tel:+14085550101>" CRLF),
	  0, NULL, S_NO, 0, { "pai.uri.user=first" } },
	{ "P-Preferred-Identity is not asserted",
	  ONLY("P-Preferred-Identity: <sip:claimed@a.example.com>" CRLF),
	  0, NULL, S_NO, 0, { "pai.uri.raw=<absent>" } },

	/* ---- token lists ---- */
	{ "Allow and Supported",
	  ONLY("Allow: INVITE, ACK, CANCEL, OPTIONS, BYE" CRLF
	       "Supported: replaces, 100rel, timer" CRLF),
	  0, NULL, S_NO, 0,
	  { "hdr[0].id=Allow", "hdr[1].id=Supported",
	    "hdr[1].value=replaces, 100rel, timer" } },
	{ "empty Allow and Supported", ONLY("Allow:" CRLF "Supported:" CRLF),
	  0, NULL, S_NO, 0, { "n_hdrs=2", "hdr[0].value=" } },
	{ "Allow with a non-token", ONLY("Allow: INVITE, <ACK>" CRLF),
	  0, NULL, S_YES, 0, { "hdr[0].id=Allow" } },
	{ "Supported with an empty element", ONLY("k: 100rel,,timer" CRLF),
	  0, NULL, S_YES, 0, { "hdr[0].id=Supported" } },

	/* ---- Contact (RFC 3261 20.10) ---- */
	{ "Contact list across lines",
	  ONLY("Contact: <sip:alice@pc33.atlanta.example.com>;expires=3600, "
	       "\"Alice Mobile\" <sip:alice@192.0.2.4:5062>;q=0.5" CRLF
	       "m: sip:alice@198.51.100.7" CRLF),
	  0, NULL, S_NO, 0,
	  { "n_contact=3", "contact[0].expires=3600",
	    "contact[0].uri.host.text=pc33.atlanta.example.com",
	    "contact[1].display=\"Alice Mobile\"",
	    "contact[1].uri.port=5062", "contact[1].expires=-1",
	    "contact[1].params=q=0.5",
	    "contact[2].uri.host.text=198.51.100.7",
	    "contact[2].uri.host.type=ipv4" } },
	{ "expires inside <> is a URI parameter, not the Contact's",
	  ONLY("Contact: <sip:a@a.example.com;expires=5>;q=1" CRLF),
	  0, NULL, S_NO, 0,
	  { "contact[0].expires=-1", "contact[0].uri.params=expires=5" } },
	{ "Contact: *", ONLY("Contact: *" CRLF "Expires: 0" CRLF),
	  0, NULL, S_NO, 0, { "n_contact=1", "contact[0].star=1" } },
	{ "comma inside a quoted display name",
	  ONLY("Contact: \"Smith, John\" <sip:john@a.example.com>" CRLF),
	  0, NULL, S_NO, 0,
	  { "n_contact=1", "contact[0].display=\"Smith, John\"" } },
	{ "more Contacts than are kept",
	  ONLY("Contact: <sip:1@a.example.com>, <sip:2@a.example.com>, <sip:3@a.example.com>" CRLF
	       "Contact: <sip:4@a.example.com>, <sip:5@a.example.com>, <sip:6@a.example.com>" CRLF
	       "Contact: <sip:7@a.example.com>, <sip:8@a.example.com>, <sip:9@a.example.com>" CRLF),
	  0, NULL, S_NO, 0,
	  { "n_contact=9", "contact[7].uri.user=8" } },
	{ "empty Contact", ONLY("Contact:" CRLF), FATAL("bad-name-addr") },
	{ "empty element in a Contact list",
	  ONLY("Contact: <sip:a@a.example.com>, , <sip:b@b.example.com>" CRLF),
	  0, NULL, S_YES, 0,
	  { "n_contact=2", "contact[1].uri.user=b" } },
	{ "Contact expires above 2**32-1",
	  ONLY("Contact: <sip:a@a.example.com>;expires=4294967296" CRLF),
	  0, NULL, S_YES, 0, { "contact[0].expires=4294967295" } },
	{ "Contact with a bad URI",
	  ONLY("Contact: <sip:a@a.example.com:0>" CRLF), FATAL("bad-name-addr") },
};

static void run_msg_case(const struct msg_case *c)
{
	static struct sip_msg msg;
	struct sip_diag diag = { 0 };
	size_t len = strlen(c->in);
	char *buf = malloc(len ? len : 1);
	int rc;

	unit_case("sip_parse: %s", c->name);
	if (!CHECK(buf))
		return;
	memcpy(buf, c->in, len);
	rc = sip_parse(buf, len, &msg, &diag);
	CHECK_INT(rc, c->rc);
	CHECK_MSG(!strcmp(sip_reason_str(diag.fatal.reason),
			  c->fatal ? c->fatal : "ok"),
		  "fatal is %s (%s), want %s",
		  sip_reason_str(diag.fatal.reason),
		  diag.fatal.detail ? diag.fatal.detail : "",
		  c->fatal ? c->fatal : "ok");
	if (c->rc == 0 && rc == 0) {
		if (c->strict != S_ANY)
			CHECK_MSG((diag.strict_count > 0) == (c->strict == S_YES),
				  "strict_count %u (first: %s: %s), want %s",
				  diag.strict_count,
				  sip_reason_str(diag.strict.reason),
				  diag.strict.detail ? diag.strict.detail : "",
				  c->strict == S_YES ? "a defect" : "none");
		CHECK_INT(msg.msg_len, len - c->tail);
	}
	check_fields(&msg, c->want);
	free(buf);
}

/* ---- header names: case-insensitive, and every compact form ------------ */

/**
 * struct hdr_name_case - a header line "@written: @value" alone in a
 * request must be indexed as @canonical (sip_hdr_name(), "other").
 */
struct hdr_name_case {
	const char	*written;
	const char	*canonical;
	const char	*value;
};

static const struct hdr_name_case hdr_name_cases[] = {
	/* compact forms, RFC 3261 7.3.3 and the extensions' IANA entries */
	{ "i", "Call-ID",	"a84b4c76e66710@pc33.atlanta.example.com" },
	{ "f", "From",		"<sip:alice@atlanta.example.com>;tag=1" },
	{ "t", "To",		"<sip:bob@biloxi.example.com>" },
	{ "v", "Via",		"SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK1" },
	{ "m", "Contact",	"<sip:alice@pc33.atlanta.example.com>" },
	{ "l", "Content-Length", "0" },
	{ "c", "Content-Type",	"application/sdp" },
	{ "k", "Supported",	"100rel" },
	{ "s", "Subject",	"lunch" },
	{ "e", "Content-Encoding", "gzip" },
	{ "o", "Event",		"presence" },
	{ "u", "Allow-Events",	"presence, dialog" },
	{ "r", "Refer-To",	"<sip:carol@chicago.example.com>" },
	{ "b", "Referred-By",	"<sip:alice@atlanta.example.com>" },
	{ "x", "Session-Expires", "1800;refresher=uac" },
	{ "y", "Identity",	"\"ZYNBbHC00VMZr2kZt6VmCvPonWJMGvQTBDqghoWeLxJfzB2a1pxAr3VgrB0SsSAa\"" },
	/* compact forms in upper case */
	{ "I", "Call-ID",	"x@y" },
	{ "V", "Via",		"SIP/2.0/TCP h.example.com" },
	{ "L", "Content-Length", "0" },
	/* long names in any case */
	{ "VIA", "Via",		"SIP/2.0/UDP h.example.com" },
	{ "call-id", "Call-ID",	"x@y" },
	{ "cSeQ", "CSeq",	"1 INVITE" },
	{ "content-LENGTH", "Content-Length", "0" },
	{ "www-authenticate", "WWW-Authenticate", "Digest realm=\"r\"" },
	{ "P-ASSERTED-IDENTITY", "P-Asserted-Identity", "<sip:a@b.example.com>" },
	{ "record-route", "Record-Route", "<sip:p.example.com;lr>" },
	{ "MAX-FORWARDS", "Max-Forwards", "70" },
	/* not compact forms, not known */
	{ "a", "other",		"x" },
	{ "z", "other",		"x" },
	{ "Vias", "other",	"x" },
	{ "X-Via", "other",	"x" },
	{ "Call_ID", "other",	"x@y" },
	{ "Content_Length", "other", "5" },
	{ "Max-Forward", "other", "70" },
};

static enum sip_hdr hdr_by_name(const char *name)
{
	unsigned int i;

	for (i = 1; i < __SIP_HDR_MAX; i++)
		if (!strcmp(sip_hdr_name((enum sip_hdr)i), name))
			return (enum sip_hdr)i;
	return SIP_HDR_OTHER;
}

static void run_hdr_name_case(const struct hdr_name_case *c)
{
	static struct sip_msg msg;
	struct sip_diag diag = { 0 };
	enum sip_hdr id = hdr_by_name(c->canonical);
	char buf[512];
	int n;

	unit_case("header name \"%s\"", c->written);
	n = snprintf(buf, sizeof(buf), RLINE "%s: %s" CRLF CRLF, c->written,
		     c->value);
	if (!CHECK(n > 0 && (size_t)n < sizeof(buf)))
		return;
	CHECK_INT(sip_parse(buf, (size_t)n, &msg, &diag), 0);
	CHECK_INT(diag.strict_count, 0);
	CHECK_INT(msg.n_hdrs, 1);
	CHECK_STR(sip_hdr_name(msg.hdrs[0].id), c->canonical);
	/* the name is kept as written */
	CHECK_SPAN(msg.hdrs[0].name, c->written);
	if (id != SIP_HDR_OTHER) {
		CHECK(sip_hdr_get(&msg, id) == &msg.hdrs[0]);
		CHECK_INT(msg.first[id], 0);
		CHECK_INT(msg.count[id], 1);
	}
}

/* ---- how many header lines are indexed --------------------------------- */

static const struct {
	unsigned int	n;
	int		rc;
	const char	*fatal;
} hdr_count_cases[] = {
	{ 1,			0,	"ok" },
	{ SIP_MAX_HEADERS - 1,	0,	"ok" },
	{ SIP_MAX_HEADERS,	0,	"ok" },
	{ SIP_MAX_HEADERS + 1,	-1,	"too-many-headers" },
	{ 1000,			-1,	"too-many-headers" },
};

static void run_hdr_count_case(unsigned int n, int want_rc,
			       const char *fatal)
{
	static struct sip_msg msg;
	static char buf[32768];
	struct sip_diag diag = { 0 };
	size_t len;
	unsigned int i;

	unit_case("%u header lines", n);
	len = (size_t)snprintf(buf, sizeof(buf), RLINE);
	for (i = 0; i < n && len + 64 < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
					"X-H%u: v" CRLF, i);
	len += (size_t)snprintf(buf + len, sizeof(buf) - len, CRLF);
	CHECK_INT(i, n);
	CHECK_INT(sip_parse(buf, len, &msg, &diag), want_rc);
	CHECK_STR(sip_reason_str(diag.fatal.reason), fatal);
	if (want_rc == 0)
		CHECK_INT(msg.n_hdrs, n);
}

/* ---- sip_list_next: comma-separated values (RFC 3261 7.3.1) ------------ */

static const struct {
	const char	*in;
	const char	*items[5];	/* NULL-terminated */
} list_cases[] = {
	{ "a", { "a" } },
	{ "a, b ,c", { "a", "b", "c" } },
	{ "\"x, y\" <sip:a@b>, z", { "\"x, y\" <sip:a@b>", "z" } },
	{ "<sip:a@b;x=1,2>, c", { "<sip:a@b;x=1,2>", "c" } },
	{ "a,\r\n b", { "a", "b" } },
	{ "a,,b", { "a", "", "b" } },
	{ "", { "" } },
};

static void run_list_case(const char *in, const char *const items[5])
{
	struct span cursor = span_make(in, strlen(in)), item;
	unsigned int n = 0;

	unit_case("sip_list_next \"%s\"", in);
	while (n < 5 && sip_list_next(&cursor, &item)) {
		if (!CHECK_MSG(items[n], "extra item %u", n))
			return;
		CHECK_SPAN(item, items[n]);
		n++;
	}
	CHECK_MSG(n == 5 || !items[n], "only %u items", n);
	CHECK_INT(sip_list_next(&cursor, &item), 0);
}

/* ---- sip_frame_length: stream framing (RFC 3261 18.3) ------------------ */

#define MSG_L4	RLINE HDRS "Content-Length: 4" CRLF CRLF "abcd"
#define MSG_L0	"BYE sip:bob@192.0.2.4 SIP/2.0" CRLF "l: 0" CRLF CRLF

/**
 * struct frame_case - @msg followed by @rest on a stream.
 * @complete: the answer must be strlen(@msg); otherwise it must be @want
 *            (0 more bytes needed, -1 cannot be framed)
 */
struct frame_case {
	const char	*name;
	const char	*msg;
	const char	*rest;
	size_t		max_hdr;
	bool		complete;
	long		want;
};

static const struct frame_case frame_cases[] = {
	{ "complete message with body", MSG_L4, "", 8192, true, 0 },
	{ "compact l: and no body", MSG_L0, "", 8192, true, 0 },
	{ "lower-case content-length",
	  RLINE "content-length: 2" CRLF CRLF "ab", "", 8192, true, 0 },
	{ "pipelined: the first of two", MSG_L4, MSG_L0, 8192, true, 0 },
	{ "pipelined: the first of two, no body", MSG_L0, MSG_L4, 8192, true, 0 },
	{ "CRLF keep-alives counted in", CRLF CRLF CRLF MSG_L4, "", 8192, true, 0 },
	{ "header section with bare LF",
	  "OPTIONS sip:a.example.com SIP/2.0\nl: 1\n\nx", "", 8192, true, 0 },
	{ "partial header section", RLINE VIA, "", 8192, false, 0 },
	{ "header section without the final CRLF",
	  RLINE "Content-Length: 0" CRLF, "", 8192, false, 0 },
	{ "partial body", RLINE "Content-Length: 10" CRLF CRLF "abc", "",
	  8192, false, 0 },
	{ "no Content-Length", RLINE HDRS CRLF, "", 8192, false, -1 },
	{ "Content-Length not a number",
	  RLINE "Content-Length: abc" CRLF CRLF, "", 8192, false, -1 },
	{ "duplicate Content-Length",
	  RLINE "Content-Length: 0" CRLF "l: 0" CRLF CRLF, "", 8192, false, -1 },
	{ "header section over max_hdr", MSG_L4, "", 32, false, -1 },
	{ "partial header section already over max_hdr",
	  RLINE HDRS, "", 32, false, -1 },
	{ "continuation line is not a Content-Length",
	  RLINE "Subject: lunch" CRLF " l: 3" CRLF "Content-Length: 0" CRLF CRLF,
	  "", 8192, true, 0 },
	{ "folded Content-Length value",
	  RLINE "Content-Length:" CRLF " 2" CRLF CRLF "ab", "", 8192, true, 0 },
	{ "Content-Length text inside another header",
	  RLINE "Subject: Content-Length: 99" CRLF "Content-Length: 0" CRLF CRLF,
	  "", 8192, true, 0 },
};

static void run_frame_case(const struct frame_case *c)
{
	static struct sip_msg msg;
	size_t mlen = strlen(c->msg), rlen = strlen(c->rest);
	char *buf = malloc(mlen + rlen + 1);
	long want = c->complete ? (long)mlen : c->want, got;

	unit_case("sip_frame_length: %s", c->name);
	if (!CHECK(buf))
		return;
	memcpy(buf, c->msg, mlen);
	memcpy(buf + mlen, c->rest, rlen);
	got = sip_frame_length(buf, mlen + rlen, c->max_hdr);
	CHECK_INT(got, want);
	/* the framed bytes must read as one message, with nothing left */
	if (c->complete && got > 0) {
		struct sip_diag diag = { 0 };

		if (CHECK_INT(sip_parse(buf, (size_t)got, &msg, &diag), 0))
			CHECK_INT(msg.msg_len, got);
	}
	free(buf);
}

int main(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(msg_cases); i++)
		run_msg_case(&msg_cases[i]);
	for (i = 0; i < ARRAY_SIZE(hdr_name_cases); i++)
		run_hdr_name_case(&hdr_name_cases[i]);
	for (i = 0; i < ARRAY_SIZE(hdr_count_cases); i++)
		run_hdr_count_case(hdr_count_cases[i].n, hdr_count_cases[i].rc,
				   hdr_count_cases[i].fatal);
	for (i = 0; i < ARRAY_SIZE(list_cases); i++)
		run_list_case(list_cases[i].in, list_cases[i].items);
	for (i = 0; i < ARRAY_SIZE(frame_cases); i++)
		run_frame_case(&frame_cases[i]);
	return unit_summary("sip_msg");
}
