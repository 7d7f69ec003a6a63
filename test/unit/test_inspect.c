// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_inspect.c - inspect_message() verdicts under both policies on
 * whole messages, and the inspect_format_reason() text.
 *
 * Fail closed: what cannot be parsed or validated is dropped under every
 * policy; the strict policy also drops every strict-only defect, in the
 * headers and in the SDP alike.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "inspect/inspect.h"

#define CRLF	"\r\n"
#define VIA	"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds" CRLF
#define MAXF	"Max-Forwards: 70" CRLF
#define TO	"To: Bob <sip:bob@biloxi.example.com>" CRLF
#define FROM	"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774" CRLF
#define CALLID	"Call-ID: a84b4c76e66710@pc33.atlanta.example.com" CRLF
#define CSEQ	"CSeq: 314159 INVITE" CRLF
#define CONTACT	"Contact: <sip:alice@pc33.atlanta.example.com>" CRLF
#define CT_SDP	"Content-Type: application/sdp" CRLF
#define INVITE	"INVITE sip:bob@biloxi.example.com SIP/2.0" CRLF
#define DIALOG	VIA MAXF TO FROM CALLID CSEQ CONTACT

#define SDP	"v=0" CRLF \
		"o=alice 2890844526 2890844526 IN IP4 pc33.atlanta.example.com" CRLF \
		"s=-" CRLF \
		"c=IN IP4 192.0.2.101" CRLF \
		"t=0 0" CRLF \
		"m=audio 49172 RTP/AVP 0" CRLF \
		"a=rtpmap:0 PCMU/8000" CRLF

/**
 * struct inspect_case - one datagram and its verdicts.
 * @head:    start line and header lines; the runner appends
 *           "Content-Length: <strlen(@body)>", the empty line and @body
 * @raw:     when set, the datagram verbatim instead of @head and @body
 * @dflt, @strict: "pass", or the drop reason token, under each policy
 * @detail:  when set, the default policy's drop detail must be this
 * @has_sdp: under the default policy, whether SDP was read
 * @streams: under the default policy, how many streams to open
 */
struct inspect_case {
	const char	*name;
	const char	*head;
	const char	*body;
	const char	*raw;
	const char	*dflt;
	const char	*strict;
	const char	*detail;
	bool		has_sdp;
	unsigned int	streams;
};

static const struct inspect_case inspect_cases[] = {
	{ "INVITE with SDP", INVITE DIALOG CT_SDP, SDP, NULL,
	  "pass", "pass", NULL, true, 1 },
	{ "200 OK with SDP",
	  "SIP/2.0 200 OK" CRLF VIA TO FROM CALLID CSEQ CONTACT CT_SDP, SDP,
	  NULL, "pass", "pass", NULL, true, 1 },
	{ "BYE without body",
	  "BYE sip:alice@pc33.atlanta.example.com SIP/2.0" CRLF VIA MAXF TO
	  FROM CALLID "CSeq: 314160 BYE" CRLF, "", NULL,
	  "pass", "pass", NULL, false, 0 },
	{ "IPv6 everywhere (RFC 5118 4.1)",
	  "REGISTER sip:[2001:db8::10] SIP/2.0" CRLF
	  "To: sip:user@example.com" CRLF
	  "From: sip:user@example.com;tag=81x2" CRLF
	  "Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111" CRLF
	  "Call-ID: SSG9559905523997077@hlau_4100" CRLF
	  "Max-Forwards: 70" CRLF
	  "Contact: \"Caller\" <sip:caller@[2001:db8::1]>" CRLF
	  "CSeq: 98176 REGISTER" CRLF, "", NULL,
	  "pass", "pass", NULL, false, 0 },
	/* RFC 3261 20.15 asks for Content-Type when there is a body; with
	 * none, a leftover Content-Type announces nothing to read */
	{ "ACK with Content-Type: application/sdp and no body",
	  "ACK sip:bob@192.0.2.4 SIP/2.0" CRLF VIA MAXF TO FROM CALLID
	  "CSeq: 314159 ACK" CRLF CT_SDP, "", NULL,
	  "pass", "pass", NULL, false, 0 },
	{ "text/plain body", INVITE DIALOG "Content-Type: text/plain" CRLF,
	  "v=0" CRLF, NULL, "pass", "pass", NULL, false, 0 },

	/* strict-only defects: pass by default, drop when strict */
	{ "two SP in the Request-Line",
	  "INVITE  sip:bob@biloxi.example.com SIP/2.0" CRLF DIALOG, "", NULL,
	  "pass", "bad-request-line", NULL, false, 0 },
	{ "no Max-Forwards (RFC 2543)",
	  INVITE VIA TO FROM CALLID CSEQ CONTACT, "", NULL,
	  "pass", "missing-header", NULL, false, 0 },
	{ "From without tag",
	  INVITE VIA MAXF TO "From: <sip:alice@atlanta.example.com>" CRLF
	  CALLID CSEQ, "", NULL, "pass", "bad-name-addr", NULL, false, 0 },
	{ "unknown Request-URI scheme",
	  "OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0" CRLF
	  VIA MAXF TO FROM CALLID "CSeq: 1 OPTIONS" CRLF, "", NULL,
	  "pass", "unsupported-scheme", NULL, false, 0 },
	{ "Request-URI with headers (escruri)",
	  "INVITE sip:user@example.com?Route=%3Csip:example.com%3E SIP/2.0" CRLF
	  DIALOG, "", NULL, "pass", "bad-uri", NULL, false, 0 },
	{ "REGISTER Contact: * with Expires: 0",
	  "REGISTER sip:registrar.biloxi.example.com SIP/2.0" CRLF VIA MAXF TO
	  FROM CALLID "CSeq: 2 REGISTER" CRLF "Contact: *" CRLF
	  "Expires: 0" CRLF, "", NULL, "pass", "pass", NULL, false, 0 },
	{ "REGISTER Contact: * with Expires: 3600",
	  "REGISTER sip:registrar.biloxi.example.com SIP/2.0" CRLF VIA MAXF TO
	  FROM CALLID "CSeq: 2 REGISTER" CRLF "Contact: *" CRLF
	  "Expires: 3600" CRLF, "", NULL,
	  "pass", "bad-name-addr", NULL, false, 0 },
	{ "REGISTER Contact with a Route header (regescrt)",
	  "REGISTER sip:registrar.biloxi.example.com SIP/2.0" CRLF VIA MAXF TO
	  FROM CALLID "CSeq: 2 REGISTER" CRLF
	  "Contact: <sip:user@example.com?Route=%3Csip:sip.example.com%3E>" CRLF,
	  "", NULL, "pass", "bad-name-addr", NULL, false, 0 },
	{ "SDP without o=, s=, t=", INVITE DIALOG CT_SDP,
	  "v=0" CRLF "c=IN IP4 192.0.2.101" CRLF "m=audio 49172 RTP/AVP 0" CRLF,
	  NULL, "pass", "bad-sdp", NULL, true, 1 },
	{ "the first strict defect is the reason",
	  "INVITE  sip:bob@biloxi.example.com SIP/2.0" CRLF DIALOG CT_SDP,
	  "v=0" CRLF "c=IN IP4 192.0.2.101" CRLF "m=audio 49172 RTP/AVP 0" CRLF,
	  NULL, "pass", "bad-request-line", NULL, true, 1 },

	/* uninterpretable or ambiguous: drop under every policy */
	{ "no From", INVITE VIA MAXF TO CALLID CSEQ, "", NULL,
	  "missing-header", "missing-header", "From", false, 0 },
	{ "response without Via",
	  "SIP/2.0 200 OK" CRLF TO FROM CALLID CSEQ, "", NULL,
	  "missing-header", "missing-header", "Via", false, 0 },
	{ "duplicate CSeq", INVITE DIALOG "CSeq: 314160 INVITE" CRLF, "", NULL,
	  "duplicate-header", "duplicate-header", NULL, false, 0 },
	{ "CSeq method differs (mismatch01)",
	  "OPTIONS sip:bob@biloxi.example.com SIP/2.0" CRLF DIALOG, "", NULL,
	  "cseq-mismatch", "cseq-mismatch", NULL, false, 0 },
	{ "CSeq method differs in case",
	  INVITE VIA MAXF TO FROM CALLID "CSeq: 1 invite" CRLF, "", NULL,
	  "cseq-mismatch", "cseq-mismatch", NULL, false, 0 },
	{ "Content-Length larger than the body (clerr)", NULL, NULL,
	  INVITE DIALOG "Content-Length: 9999" CRLF CRLF "v=0" CRLF,
	  "content-length-mismatch", "content-length-mismatch", NULL, false, 0 },
	{ "FQDN in c=", INVITE DIALOG CT_SDP,
	  "v=0" CRLF "o=- 1 1 IN IP4 h" CRLF "s=-" CRLF
	  "c=IN IP4 media.biloxi.example.com" CRLF "t=0 0" CRLF
	  "m=audio 49172 RTP/AVP 0" CRLF, NULL,
	  "bad-sdp", "bad-sdp", NULL, false, 0 },
	{ "m= without c=", INVITE DIALOG CT_SDP,
	  "v=0" CRLF "o=- 1 1 IN IP4 h" CRLF "s=-" CRLF "t=0 0" CRLF
	  "m=audio 49172 RTP/AVP 0" CRLF, NULL,
	  "bad-sdp", "bad-sdp", NULL, false, 0 },
	{ "multipart without boundary",
	  INVITE DIALOG "Content-Type: multipart/mixed" CRLF,
	  "--b" CRLF CT_SDP CRLF SDP CRLF "--b--" CRLF, NULL,
	  "bad-body", "bad-body", NULL, false, 0 },
	{ "multipart with SDP",
	  INVITE DIALOG "Content-Type: multipart/mixed;boundary=b" CRLF,
	  "--b" CRLF CT_SDP CRLF SDP CRLF "--b--" CRLF, NULL,
	  "pass", "pass", NULL, true, 1 },
	{ "From: * names nobody", INVITE VIA MAXF TO "From: *" CRLF CALLID CSEQ,
	  "", NULL, "bad-name-addr", "bad-name-addr", NULL, false, 0 },
	{ "Route: * names no hop", INVITE DIALOG "Route: *" CRLF,
	  "", NULL, "bad-name-addr", "bad-name-addr", NULL, false, 0 },
	{ "empty datagram", NULL, NULL, "", "truncated", "truncated", NULL,
	  false, 0 },
};

static const char *verdict(const struct inspect_result *r)
{
	return r->verdict_pass ? "pass" : sip_reason_str(r->drop.reason);
}

static unsigned int count_streams(const struct sdp *sdp)
{
	struct sdp_stream st;
	unsigned int iter = 0, n = 0;

	while (n < 1000 && sdp_stream_next(sdp, &iter, &st))
		n++;
	return n;
}

static void run_inspect_case(const struct inspect_case *c)
{
	static struct inspect_result res;
	static const enum sip_strictness levels[] = {
		SIP_POLICY_DEFAULT, SIP_POLICY_STRICT,
	};
	char *buf;
	size_t len;
	unsigned int i;

	unit_case("inspect: %s", c->name);
	if (c->raw) {
		len = strlen(c->raw);
		buf = malloc(len ? len : 1);
		if (!CHECK(buf))
			return;
		memcpy(buf, c->raw, len);
	} else {
		size_t cap = strlen(c->head) + strlen(c->body) + 64;
		int n;

		buf = malloc(cap);
		if (!CHECK(buf))
			return;
		n = snprintf(buf, cap, "%sContent-Length: %zu" CRLF CRLF "%s",
			     c->head, strlen(c->body), c->body);
		if (!CHECK(n > 0 && (size_t)n < cap)) {
			free(buf);
			return;
		}
		len = (size_t)n;
	}

	for (i = 0; i < ARRAY_SIZE(levels); i++) {
		const char *want = i ? c->strict : c->dflt;

		inspect_message(buf, len, levels[i], &res);
		CHECK_MSG(!strcmp(verdict(&res), want),
			  "%s: verdict %s (%s), want %s",
			  sip_strictness_str(levels[i]), verdict(&res),
			  res.drop.detail ? res.drop.detail : "", want);
		/* a drop always names its reason; a pass names none */
		CHECK_INT(res.verdict_pass, res.drop.reason == SIP_OK);
		if (i == 0 && c->detail && !res.verdict_pass)
			CHECK_STR(res.drop.detail, c->detail);
		if (i == 0 && res.verdict_pass) {
			CHECK_INT(res.has_sdp, c->has_sdp);
			if (res.has_sdp)
				CHECK_INT(count_streams(&res.sdp), c->streams);
		}
	}
	free(buf);
}

/* ---- inspect_format_reason --------------------------------------------- */

#define X10	"xxxxxxxxxx"

/**
 * struct format_case - a finding, a buffer size and the text it must give:
 * "TOKEN: detail (where)", @where quoted up to 48 bytes with "..." after a
 * cut, bytes outside 0x20-0x7e as \xNN.
 */
struct format_case {
	const char	*name;
	enum sip_reason	reason;
	const char	*detail;
	const char	*where;		/* NULL: no where */
	size_t		where_len;	/* 0: strlen(where) */
	size_t		outlen;
	const char	*want;
};

static const struct format_case format_cases[] = {
	{ "token, detail and where", SIP_ERR_BAD_URI, "bad host", "ex ample",
	  0, 256, "bad-uri: bad host (ex ample)" },
	{ "no where", SIP_ERR_MISSING_HEADER, "From", NULL, 0, 256,
	  "missing-header: From" },
	{ "no detail", SIP_ERR_BAD_SDP, NULL, "c=", 0, 256,
	  "bad-sdp:  (c=)" },
	{ "CR LF escaped", SIP_ERR_BAD_HEADER, "bare CR", "a\r\nb", 0, 256,
	  "bad-header: bare CR (a\\x0d\\x0ab)" },
	{ "NUL, DEL and high bytes escaped", SIP_ERR_BAD_HEADER, "odd",
	  "\0\x7f\xff" "A", 4, 256, "bad-header: odd (\\x00\\x7f\\xffA)" },
	{ "HTAB escaped", SIP_ERR_BAD_REQUEST_LINE, "tab", "a\tb", 0, 256,
	  "bad-request-line: tab (a\\x09b)" },
	{ "48 bytes quoted whole", SIP_ERR_BAD_URI, "long",
	  X10 X10 X10 X10 "xxxxxxxx", 0, 256,
	  "bad-uri: long (" X10 X10 X10 X10 "xxxxxxxx)" },
	{ "49 bytes cut after 48", SIP_ERR_BAD_URI, "long",
	  X10 X10 X10 X10 "xxxxxxxxy", 0, 256,
	  "bad-uri: long (" X10 X10 X10 X10 "xxxxxxxx...)" },
	{ "unknown reason", (enum sip_reason)999, "d", NULL, 0, 256,
	  "unknown: d" },
	{ "buffer ends inside the detail", SIP_ERR_BAD_URI, "bad host",
	  "ex ample", 0, 10, "bad-uri: " },
	{ "buffer of one byte", SIP_ERR_BAD_URI, "bad host", "x", 0, 1, "" },
};

static void run_format_case(const struct format_case *c)
{
	char out[300];
	struct sip_finding f = {
		.reason = c->reason,
		.detail = c->detail,
		.where = c->where ? span_make(c->where, c->where_len ?
					      c->where_len : strlen(c->where))
				  : SPAN_NULL,
	};

	unit_case("inspect_format_reason: %s", c->name);
	memset(out, '#', sizeof(out));
	CHECK(inspect_format_reason(&f, out, c->outlen) == out);
	if (!CHECK(memchr(out, '\0', c->outlen)))
		return;
	CHECK_STR(out, c->want);
	CHECK(out[c->outlen] == '#');
}

/*
 * Every buffer size from 1 up: the text is NUL-terminated inside the
 * buffer, nothing is written past it, and what is there is the start of
 * the full text, possibly closed early by "...)" or ")".
 */
static void run_format_sizes(void)
{
	static const char where[] = "sip:\x01\x02" X10 X10 X10 X10 X10 "\r\n";
	struct sip_finding f = {
		.reason = SIP_ERR_BAD_URI,
		.detail = "bad host",
		.where = span_make(where, sizeof(where) - 1),
	};
	char full[300], out[300];
	size_t outlen, n, fl;

	unit_case("inspect_format_reason: every buffer size");
	inspect_format_reason(&f, full, sizeof(full));
	fl = strlen(full);
	for (outlen = 1; outlen <= fl + 2; outlen++) {
		memset(out, '#', sizeof(out));
		inspect_format_reason(&f, out, outlen);
		if (!CHECK_MSG(memchr(out, '\0', outlen),
			       "outlen %zu: not NUL-terminated", outlen))
			continue;
		CHECK_MSG(out[outlen] == '#', "outlen %zu: wrote past the end",
			  outlen);
		n = strlen(out);
		if (n >= 4 && !strcmp(out + n - 4, "...)"))
			n -= 4;
		else if (n < fl && n >= 1 && out[n - 1] == ')')
			n -= 1;
		CHECK_MSG(!strncmp(out, full, n),
			  "outlen %zu: \"%s\" is not a start of \"%s\"", outlen,
			  out, full);
		/* never half an escape */
		CHECK_MSG(!(n >= 1 && out[n - 1] == '\\') &&
			  !(n >= 2 && out[n - 2] == '\\' && out[n - 1] == 'x') &&
			  !(n >= 3 && out[n - 3] == '\\' && out[n - 2] == 'x'),
			  "outlen %zu: \"%s\" ends inside an escape", outlen, out);
	}
}

int main(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(inspect_cases); i++)
		run_inspect_case(&inspect_cases[i]);
	for (i = 0; i < ARRAY_SIZE(format_cases); i++)
		run_format_case(&format_cases[i]);
	run_format_sizes();
	return unit_summary("inspect");
}
