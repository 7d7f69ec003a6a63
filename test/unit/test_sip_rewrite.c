// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_sip_rewrite.c - sip_rewrite(), row by row: each row is a whole
 * message, what to do to it, and the exact bytes that must come out.
 * Every output is parsed again: it must parse, keep the start line, the
 * body and Content-Length, lose exactly the fields removed, and carry the
 * replacement wherever a User-Agent or Server stays.  None of the four
 * fields has a compact form (RFC 3261 7.3.3, RFC 3325): there is no
 * compact row.  Inputs live in heap blocks of exactly their length (ASan
 * sees a read past the end); outputs in blocks of exactly the bound.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "sip/sip.h"
#include "sip/sip_rewrite.h"

#define STRIP	1
#define HIDE	2

struct rw_case {
	const char	*name;
	unsigned int	what;		/* STRIP | HIDE */
	const char	*agent;		/* HIDE: replacement, NULL: remove */
	const char	*in;
	const char	*out;		/* NULL: unchanged */
	unsigned int	bits;		/* SIP_RW_* expected */
};

#define INV_HEAD							\
	"INVITE sip:bob@example.com SIP/2.0\r\n"			\
	"Via: SIP/2.0/UDP 10.0.1.1:5060;branch=z9hG4bK776asdhds\r\n"	\
	"Max-Forwards: 70\r\n"						\
	"To: <sip:bob@example.com>\r\n"					\
	"From: \"Alice\" <sip:alice@example.com>;tag=1928301774\r\n"	\
	"Call-ID: a84b4c76e66710@10.0.1.1\r\n"				\
	"CSeq: 314159 INVITE\r\n"					\
	"Contact: <sip:alice@10.0.1.1>\r\n"
#define SDP								\
	"v=0\r\no=alice 2890844526 2890844526 IN IP4 10.0.1.1\r\n"	\
	"s=-\r\nc=IN IP4 10.0.1.1\r\nt=0 0\r\n"				\
	"m=audio 49170 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
#define SDP_HDRS	"Content-Type: application/sdp\r\nContent-Length: 130\r\n\r\n"

static const struct rw_case cases[] = {
	{ "strip PAI and PPI, keep User-Agent", STRIP, NULL,
	  INV_HEAD "P-Asserted-Identity: \"Boss\" <sip:ceo@example.com>\r\n"
	  "User-Agent: Softphone/1.2\r\n"
	  "P-Preferred-Identity: <tel:+15551234567>\r\n" SDP_HDRS SDP,
	  INV_HEAD "User-Agent: Softphone/1.2\r\n" SDP_HDRS SDP,
	  SIP_RW_IDENTITY },
	{ "several PAI lines, sip and tel", STRIP, NULL,
	  INV_HEAD "P-Asserted-Identity: <sip:ceo@example.com>\r\n"
	  "P-Asserted-Identity: <tel:+15551234567>\r\n"
	  "Content-Length: 0\r\n\r\n",
	  INV_HEAD "Content-Length: 0\r\n\r\n", SIP_RW_IDENTITY },
	{ "PAI with two values on one line", STRIP, NULL,
	  INV_HEAD "P-Asserted-Identity: <sip:ceo@example.com>, <tel:+1555>\r\n"
	  "Content-Length: 0\r\n\r\n",
	  INV_HEAD "Content-Length: 0\r\n\r\n", SIP_RW_IDENTITY },
	{ "folded PAI goes with its continuation lines", STRIP, NULL,
	  INV_HEAD "P-Asserted-Identity: <sip:ceo@example.com>,\r\n"
	  "   <tel:+15551234567>\r\n\t;x=1\r\n"
	  "Content-Length: 0\r\n\r\n",
	  INV_HEAD "Content-Length: 0\r\n\r\n", SIP_RW_IDENTITY },
	{ "a continuation line of whitespace only goes too", STRIP, NULL,
	  INV_HEAD "P-Asserted-Identity: <sip:ceo@example.com>\r\n \t\r\n"
	  "Content-Length: 0\r\n\r\n",
	  INV_HEAD "Content-Length: 0\r\n\r\n", SIP_RW_IDENTITY },
	{ "names in any case, space before the colon", STRIP, NULL,
	  INV_HEAD "p-asserted-identity : <sip:ceo@example.com>\r\n"
	  "P-PREFERRED-IDENTITY:<sip:ceo@example.com>\r\n"
	  "Content-Length: 0\r\n\r\n",
	  INV_HEAD "Content-Length: 0\r\n\r\n", SIP_RW_IDENTITY },
	{ "PAI the last field before the empty line", STRIP, NULL,
	  INV_HEAD "Content-Length: 0\r\n"
	  "P-Asserted-Identity: <sip:ceo@example.com>\r\n\r\n",
	  INV_HEAD "Content-Length: 0\r\n\r\n", SIP_RW_IDENTITY },
	{ "PAI first, trailing whitespace on its line", STRIP, NULL,
	  "OPTIONS sip:bob@example.com SIP/2.0\r\n"
	  "P-Asserted-Identity: <sip:ceo@example.com>  \t\r\n"
	  "Via: SIP/2.0/UDP 10.0.1.1;branch=z9hG4bK1\r\n"
	  "To: <sip:bob@example.com>\r\nFrom: <sip:a@example.com>;tag=1\r\n"
	  "Call-ID: x1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
	  "OPTIONS sip:bob@example.com SIP/2.0\r\n"
	  "Via: SIP/2.0/UDP 10.0.1.1;branch=z9hG4bK1\r\n"
	  "To: <sip:bob@example.com>\r\nFrom: <sip:a@example.com>;tag=1\r\n"
	  "Call-ID: x1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
	  SIP_RW_IDENTITY },
	{ "bare LF line ends", STRIP | HIDE, "voipfw",
	  "OPTIONS sip:bob@example.com SIP/2.0\n"
	  "Via: SIP/2.0/UDP 10.0.1.1;branch=z9hG4bK1\n"
	  "To: <sip:bob@example.com>\nFrom: <sip:a@example.com>;tag=1\n"
	  "Call-ID: x1\nCSeq: 1 OPTIONS\n"
	  "P-Asserted-Identity: <sip:ceo@example.com>\n"
	  "User-Agent: Asterisk PBX 18.2\n"
	  "Content-Length: 0\n\n",
	  "OPTIONS sip:bob@example.com SIP/2.0\n"
	  "Via: SIP/2.0/UDP 10.0.1.1;branch=z9hG4bK1\n"
	  "To: <sip:bob@example.com>\nFrom: <sip:a@example.com>;tag=1\n"
	  "Call-ID: x1\nCSeq: 1 OPTIONS\n"
	  "User-Agent: voipfw\n"
	  "Content-Length: 0\n\n",
	  SIP_RW_IDENTITY | SIP_RW_AGENT },
	{ "a header line naming PAI in the body stays", STRIP, NULL,
	  "MESSAGE sip:bob@example.com SIP/2.0\r\n"
	  "Via: SIP/2.0/UDP 10.0.1.1;branch=z9hG4bK2\r\n"
	  "To: <sip:bob@example.com>\r\nFrom: <sip:a@example.com>;tag=1\r\n"
	  "Call-ID: x2\r\nCSeq: 1 MESSAGE\r\n"
	  "P-Asserted-Identity: <sip:ceo@example.com>\r\n"
	  "Content-Type: message/sipfrag\r\nContent-Length: 44\r\n\r\n"
	  "P-Asserted-Identity: <sip:ceo@example.com>\r\n",
	  "MESSAGE sip:bob@example.com SIP/2.0\r\n"
	  "Via: SIP/2.0/UDP 10.0.1.1;branch=z9hG4bK2\r\n"
	  "To: <sip:bob@example.com>\r\nFrom: <sip:a@example.com>;tag=1\r\n"
	  "Call-ID: x2\r\nCSeq: 1 MESSAGE\r\n"
	  "Content-Type: message/sipfrag\r\nContent-Length: 44\r\n\r\n"
	  "P-Asserted-Identity: <sip:ceo@example.com>\r\n",
	  SIP_RW_IDENTITY },
	{ "bytes after Content-Length are copied", STRIP, NULL,
	  INV_HEAD "P-Asserted-Identity: <sip:ceo@example.com>\r\n"
	  "Content-Length: 0\r\n\r\ntrailing junk",
	  INV_HEAD "Content-Length: 0\r\n\r\ntrailing junk", SIP_RW_IDENTITY },
	{ "nothing to strip: unchanged", STRIP, NULL,
	  INV_HEAD "User-Agent: Softphone/1.2\r\n" SDP_HDRS SDP, NULL, 0 },
	{ "strip off: PAI stays", HIDE, NULL,
	  INV_HEAD "P-Asserted-Identity: <sip:ceo@example.com>\r\n"
	  "Content-Length: 0\r\n\r\n", NULL, 0 },
	{ "hide-agent removes Server from a response", HIDE, NULL,
	  "SIP/2.0 200 OK\r\n"
	  "Via: SIP/2.0/UDP 10.0.1.1;branch=z9hG4bK1\r\n"
	  "To: <sip:bob@example.com>;tag=9\r\nFrom: <sip:a@example.com>;tag=1\r\n"
	  "Call-ID: x1\r\nCSeq: 1 OPTIONS\r\n"
	  "Server: FPBX-16.0.40(18.2.0)\r\n"
	  "Allow: INVITE, ACK\r\n"
	  "User-Agent: also/1\r\n"
	  "Content-Length: 0\r\n\r\n",
	  "SIP/2.0 200 OK\r\n"
	  "Via: SIP/2.0/UDP 10.0.1.1;branch=z9hG4bK1\r\n"
	  "To: <sip:bob@example.com>;tag=9\r\nFrom: <sip:a@example.com>;tag=1\r\n"
	  "Call-ID: x1\r\nCSeq: 1 OPTIONS\r\n"
	  "Allow: INVITE, ACK\r\n"
	  "Content-Length: 0\r\n\r\n", SIP_RW_AGENT },
	{ "hide-agent replaces, name as written, folds gone", HIDE, "PBX/1",
	  INV_HEAD "user-agent: Yealink SIP-T46S\r\n 66.86.0.15 (comment)\r\n"
	  "Server:\r\n"
	  "Content-Length: 0\r\n\r\n",
	  INV_HEAD "user-agent: PBX/1\r\n"
	  "Server: PBX/1\r\n"
	  "Content-Length: 0\r\n\r\n", SIP_RW_AGENT },
	{ "a value already the replacement stays as written", HIDE, "PBX/1",
	  INV_HEAD "User-Agent:PBX/1\r\nContent-Length: 0\r\n\r\n", NULL, 0 },
	{ "one of two already the replacement", HIDE, "PBX/1",
	  INV_HEAD "User-Agent: PBX/1\r\nServer: Asterisk\r\n"
	  "Content-Length: 0\r\n\r\n",
	  INV_HEAD "User-Agent: PBX/1\r\nServer: PBX/1\r\n"
	  "Content-Length: 0\r\n\r\n", SIP_RW_AGENT },
	{ "growth: short value, long replacement, body kept", HIDE,
	  "a-much-longer-product-name/2.0",
	  INV_HEAD "User-Agent: x\r\n" SDP_HDRS SDP,
	  INV_HEAD "User-Agent: a-much-longer-product-name/2.0\r\n" SDP_HDRS SDP,
	  SIP_RW_AGENT },
	{ "both at once", STRIP | HIDE, NULL,
	  INV_HEAD "User-Agent: Softphone/1.2\r\n"
	  "P-Preferred-Identity: <sip:ceo@example.com>\r\n" SDP_HDRS SDP,
	  INV_HEAD SDP_HDRS SDP, SIP_RW_IDENTITY | SIP_RW_AGENT },
};

static char *dup_exact(const char *s, size_t len)
{
	char *p = malloc(len ? len : 1);

	if (p)
		memcpy(p, s, len);
	return p;
}

static unsigned int count_of(const struct sip_msg *m, enum sip_hdr a,
			     enum sip_hdr b)
{
	return (unsigned int)m->count[a] + m->count[b];
}

/* The output parses and differs from the input only as intended. */
static void check_reparse(const struct rw_case *c, const struct sip_msg *in,
			  const char *out, size_t out_len)
{
	static struct sip_msg m2;
	struct sip_diag d2 = { 0 };
	unsigned int removed = 0, i;

	if (!CHECK_MSG(sip_parse(out, out_len, &m2, &d2) == 0,
		       "output does not parse: %s", d2.fatal.detail ?
		       d2.fatal.detail : "?"))
		return;
	CHECK(m2.is_request == in->is_request);
	CHECK(m2.status == in->status);
	CHECK(span_eq(m2.body, in->body));
	CHECK_INT(m2.content_length, in->content_length);
	CHECK_INT(out_len - (size_t)(m2.body.p - out),
		  in->buf_len - (size_t)(in->body.p - in->buf));
	if (c->what & STRIP) {
		CHECK_INT(count_of(&m2, SIP_HDR_P_ASSERTED_IDENTITY,
				   SIP_HDR_P_PREFERRED_IDENTITY), 0);
		removed += count_of(in, SIP_HDR_P_ASSERTED_IDENTITY,
				    SIP_HDR_P_PREFERRED_IDENTITY);
	}
	if ((c->what & HIDE) && !c->agent) {
		CHECK_INT(count_of(&m2, SIP_HDR_USER_AGENT, SIP_HDR_SERVER), 0);
		removed += count_of(in, SIP_HDR_USER_AGENT, SIP_HDR_SERVER);
	}
	CHECK_INT(m2.n_hdrs, in->n_hdrs - removed);
	if ((c->what & HIDE) && c->agent)
		for (i = 0; i < m2.n_hdrs; i++)
			if (m2.hdrs[i].id == SIP_HDR_USER_AGENT ||
			    m2.hdrs[i].id == SIP_HDR_SERVER)
				CHECK_SPAN(m2.hdrs[i].value, c->agent);
	/* every other field kept, in order, name and value as they were */
	for (i = 0; i < in->n_hdrs && removed == 0; i++) {
		if (in->hdrs[i].id == SIP_HDR_USER_AGENT ||
		    in->hdrs[i].id == SIP_HDR_SERVER)
			continue;
		CHECK(m2.hdrs[i].id == in->hdrs[i].id);
		CHECK(span_eq(m2.hdrs[i].value, in->hdrs[i].value));
	}
}

static void run_case(const struct rw_case *c)
{
	static struct sip_msg msg;
	struct sip_diag diag = { 0 };
	struct sip_rewrite rw = {
		.strip_identity = c->what & STRIP,
		.hide_agent = c->what & HIDE,
		.agent = c->agent ? span_make(c->agent, strlen(c->agent)) :
				    SPAN_NULL,
	};
	size_t len = strlen(c->in), bound;
	const char *want = c->out ? c->out : c->in;
	char *in = dup_exact(c->in, len), *out;
	unsigned int bits = ~0u;
	long n;

	unit_case("%s", c->name);
	if (!CHECK(in) || !CHECK_MSG(sip_parse(in, len, &msg, &diag) == 0,
				     "input does not parse: %s",
				     diag.fatal.detail ? diag.fatal.detail : "?")) {
		free(in);
		return;
	}
	CHECK_INT(sip_rewrite_needed(&msg, &rw), c->bits);
	bound = sip_rewrite_bound(&msg, &rw);
	CHECK(bound >= strlen(want));
	out = malloc(bound);
	if (!CHECK(out)) {
		free(in);
		return;
	}
	n = sip_rewrite(&msg, &rw, out, bound, &bits);
	if (CHECK(n >= 0)) {
		unit_check_mem(out, (size_t)n, want, "output", __FILE__, __LINE__);
		CHECK_INT(bits, c->bits);
		check_reparse(c, &msg, out, (size_t)n);
		/* one byte short of the output: refused, not cut */
		if (n > 0)
			CHECK_INT(sip_rewrite(&msg, &rw, out, (size_t)n - 1, NULL), -1);
	}
	free(out);
	free(in);
}

int main(void)
{
	static const char long_agent[SIP_REWRITE_AGENT_MAX + 2] =
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
	static struct sip_msg msg;
	struct sip_diag diag = { 0 };
	const char *m = INV_HEAD "User-Agent: a\r\nContent-Length: 0\r\n\r\n";
	struct sip_rewrite rw = { .hide_agent = true };
	char out[1024];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);

	unit_case("a replacement over SIP_REWRITE_AGENT_MAX is refused");
	rw.agent = span_make(long_agent, SIP_REWRITE_AGENT_MAX + 1);
	if (CHECK(sip_parse(m, strlen(m), &msg, &diag) == 0))
		CHECK_INT(sip_rewrite(&msg, &rw, out, sizeof(out), NULL), -1);
	return unit_summary("sip_rewrite");
}
