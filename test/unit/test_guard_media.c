// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_guard_media.c - a zone's `media srtp-only`, `codecs` and
 * `signalling tls-only` as voipfwd applies them, through the engine with
 * real SDP bodies: offers and answers of a srtp-only zone with media that
 * is not keyed SRTP are dropped (plain-rtp), SDP whose audio carries none
 * of the zone's codecs is dropped (codec), requests of a tls-only zone
 * that reach voipfwd are dropped (plaintext-sip), other zones are left
 * alone, and the counters say how many of each.  Also sdp_codec(): names
 * from a=rtpmap of the stream's own section, static payload types.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "engine/engine.h"
#include "guard/compliance.h"
#include "guard/guard.h"
#include "sdp/sdp.h"

/* ---- SDP bodies, as phones send them ------------------------------------- */

#define SDP_HEAD(addr)							\
	"v=0\r\n"							\
	"o=- 1 1 IN IP4 " addr "\r\n"					\
	"s=-\r\n"							\
	"c=IN IP4 " addr "\r\n"						\
	"t=0 0\r\n"

/* a G.711 phone without SRTP */
static const char sdp_rtp[] =
	SDP_HEAD("10.0.20.5")
	"m=audio 40000 RTP/AVP 8 0 101\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=sendrecv\r\n";

/* SDES-SRTP (RFC 4568) */
static const char sdp_sdes[] =
	SDP_HEAD("10.0.20.5")
	"m=audio 40000 RTP/SAVP 8 101\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
	"inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32\r\n";

/* SAVP, but no key: not SRTP that anyone could decrypt */
static const char sdp_savp_nokey[] =
	SDP_HEAD("10.0.20.5")
	"m=audio 40000 RTP/SAVP 8\r\n"
	"a=rtpmap:8 PCMA/8000\r\n";

/* DTLS-SRTP (RFC 5763), fingerprint at session level, opus by rtpmap */
static const char sdp_dtls[] =
	"v=0\r\n"
	"o=- 1 1 IN IP4 10.0.20.6\r\n"
	"s=-\r\n"
	"c=IN IP4 10.0.20.6\r\n"
	"t=0 0\r\n"
	"a=fingerprint:sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:"
	"49:6B:19:E5:7C:AB:4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF\r\n"
	"m=audio 40002 UDP/TLS/RTP/SAVPF 111\r\n"
	"a=rtpmap:111 OPUS/48000/2\r\n"
	"a=setup:actpass\r\n";

/* SRTP, but only PCMU and G.729 by their static numbers */
static const char sdp_sdes_ulaw[] =
	SDP_HEAD("10.0.20.5")
	"m=audio 40000 RTP/SAVP 0 18\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
	"inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n";

/* SRTP audio and a video stream still on RTP/AVP */
static const char sdp_sdes_video_rtp[] =
	SDP_HEAD("10.0.20.5")
	"m=audio 40000 RTP/SAVP 9\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
	"inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n"
	"m=video 40010 RTP/AVP 96\r\n"
	"a=rtpmap:96 H264/90000\r\n";

/* SRTP audio; a RTP/AVP stream refused (port 0) carries nothing */
static const char sdp_sdes_disabled_rtp[] =
	SDP_HEAD("10.0.20.5")
	"m=audio 40000 RTP/SAVP 9\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
	"inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n"
	"m=audio 0 RTP/AVP 0\r\n";

/* PT 96 named G722 only in the video section: not the audio's codec */
static const char sdp_rtpmap_elsewhere[] =
	SDP_HEAD("10.0.20.5")
	"m=audio 40000 RTP/SAVP 96\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
	"inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n"
	"a=rtpmap:96 iLBC/8000\r\n"
	"m=video 0 RTP/SAVP 96\r\n"
	"a=rtpmap:96 G722/8000\r\n";

/* ---- messages ------------------------------------------------------------- */

static char buf[4096];

static size_t invite(unsigned int n, const char *from, const char *body)
{
	snprintf(buf, sizeof(buf),
		 "INVITE sip:100@10.0.10.2 SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP %s:5060;branch=z9hG4bKm%u\r\n"
		 "Max-Forwards: 70\r\n"
		 "From: <sip:200@%s>;tag=f%u\r\n"
		 "To: <sip:100@10.0.10.2>\r\n"
		 "Call-ID: media%u@x\r\n"
		 "CSeq: 1 INVITE\r\n"
		 "Contact: <sip:200@%s>\r\n"
		 "Content-Type: application/sdp\r\n"
		 "Content-Length: %zu\r\n\r\n%s",
		 from, n, from, n, n, from, strlen(body), body);
	return strlen(buf);
}

/* the 200 answering invite(@n) sent from @to's side, with @body */
static size_t ok200(unsigned int n, const char *from, const char *body)
{
	snprintf(buf, sizeof(buf),
		 "SIP/2.0 200 OK\r\n"
		 "Via: SIP/2.0/UDP %s:5060;branch=z9hG4bKm%u\r\n"
		 "From: <sip:200@%s>;tag=f%u\r\n"
		 "To: <sip:100@10.0.20.5>;tag=t%u\r\n"
		 "Call-ID: media%u@x\r\n"
		 "CSeq: 1 INVITE\r\n"
		 "Contact: <sip:100@10.0.20.5>\r\n"
		 "Content-Type: application/sdp\r\n"
		 "Content-Length: %zu\r\n\r\n%s",
		 from, n, from, n, n, n, strlen(body), body);
	return strlen(buf);
}

static size_t options(unsigned int n, const char *from)
{
	snprintf(buf, sizeof(buf),
		 "OPTIONS sip:10.0.10.2 SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP %s:5060;branch=z9hG4bKo%u\r\n"
		 "Max-Forwards: 70\r\n"
		 "From: <sip:p@%s>;tag=o%u\r\n"
		 "To: <sip:10.0.10.2>\r\n"
		 "Call-ID: opt%u@x\r\n"
		 "CSeq: 1 OPTIONS\r\n"
		 "Content-Length: 0\r\n\r\n", from, n, from, n, n);
	return strlen(buf);
}

/* ---- the engine with a guard ---------------------------------------------- */

static int b_ok(void *ctx, const struct pinhole *ph)
{
	(void)ctx;
	(void)ph;
	return 0;
}

static int b_commit(void *ctx)
{
	(void)ctx;
	return 0;
}

static const struct pinhole_backend_ops ops = {
	.add = b_ok, .del = b_ok, .commit = b_commit,
};

static unsigned int no_ifindex(const char *name)
{
	(void)name;
	return 0;
}

static const char conf[] =
	"zone phones { subnet 10.0.20.0/24\n"
	"  sip { media srtp-only; codecs PCMA g722 opus } }\n"
	"zone legacy { subnet 10.0.21.0/24; sip { codecs G729 } }\n"
	"zone tls { subnet 10.0.30.0/24; sip { signalling tls-only servers 10.0.10.2 } }\n"
	"zone pbx { subnet 10.0.10.0/24 }\n";

static struct pkt_meta meta(const char *src, const char *dst)
{
	struct pkt_meta m = { .family = 4, .proto = IPPROTO_UDP,
			      .sport = 5060, .dport = 5060 };

	inet_pton(AF_INET, src, m.saddr);
	inet_pton(AF_INET, dst, m.daddr);
	return m;
}

static struct engine *e;
static unsigned int call_n;

/* Send @len bytes of buf from @src to @dst; the verdict's reason text. */
static const char *judge(const char *src, const char *dst, size_t len)
{
	struct pkt_meta m = meta(src, dst);
	struct engine_verdict v;

	engine_message(e, &m, buf, len, 1000, &v);
	return v.accept ? "pass" : engine_verdict_reason(&v);
}

static const char *offer(const char *src, const char *body)
{
	return judge(src, "10.0.10.2", invite(++call_n, src, body));
}

static void test_engine(void)
{
	struct policy_error perr;
	struct policy *pol = policy_parse(conf, strlen(conf), "t.conf", &perr);
	struct siphash_key key = { 3, 4 };
	struct pinhole_backend be = { .ops = &ops };
	struct engine_config cfg;
	struct engine_stats st;
	struct guard *g;
	char err[128];

	unit_case("srtp-only/codecs/tls-only: setup");
	if (!CHECK_MSG(pol, "%s", perr.text))
		return;
	g = guard_new(pol, NULL, no_ifindex, NULL, &key, err, sizeof(err));
	policy_free(pol);
	engine_config_defaults(&cfg);
	e = engine_new(&cfg, &be, NULL, NULL);
	if (!CHECK(g && e))
		return;
	engine_set_guard(e, g);

	unit_case("srtp-only: offers");
	CHECK_STR(offer("10.0.20.5", sdp_rtp), "plain-rtp");
	CHECK_STR(offer("10.0.20.5", sdp_savp_nokey), "plain-rtp");
	CHECK_STR(offer("10.0.20.5", sdp_sdes_video_rtp), "plain-rtp");
	CHECK_STR(offer("10.0.20.5", sdp_sdes), "pass");
	CHECK_STR(offer("10.0.20.6", sdp_dtls), "pass");
	CHECK_STR(offer("10.0.20.5", sdp_sdes_disabled_rtp), "pass");

	unit_case("srtp-only: answers, judged by their sender's zone");
	/* the PBX's zone has no media setting: its RTP offer passes */
	CHECK_STR(judge("10.0.10.2", "10.0.20.5",
			invite(++call_n, "10.0.10.2", sdp_rtp)), "pass");
	CHECK_STR(judge("10.0.20.5", "10.0.10.2",
			ok200(call_n, "10.0.10.2", sdp_rtp)), "plain-rtp");
	CHECK_STR(judge("10.0.20.5", "10.0.10.2",
			ok200(call_n, "10.0.10.2", sdp_sdes)), "pass");

	unit_case("codecs: none of the zone's codecs in the audio");
	CHECK_STR(offer("10.0.20.5", sdp_sdes_ulaw), "codec");
	CHECK_STR(offer("10.0.20.5", sdp_rtpmap_elsewhere), "codec");
	/* G.729 by its static number 18; PCMA alone is not G.729 */
	CHECK_STR(offer("10.0.21.5", sdp_sdes_ulaw), "pass");
	CHECK_STR(offer("10.0.21.5", sdp_rtp), "codec");
	/* the zone has no media setting: plain RTP is its business */
	CHECK_STR(offer("10.0.21.5", sdp_sdes_ulaw), "pass");

	unit_case("tls-only: plaintext requests that reach voipfwd");
	CHECK_STR(judge("10.0.30.7", "10.0.10.2", options(1, "10.0.30.7")),
		  "plaintext-sip");
	CHECK_STR(offer("10.0.30.7", sdp_sdes), "plaintext-sip");
	CHECK_STR(judge("10.0.99.7", "10.0.10.2", options(2, "10.0.99.7")),
		  "pass");

	unit_case("counters per reason");
	engine_get_stats(e, &st);
	CHECK_INT(st.by_guard_reason[GUARD_R_PLAIN_RTP], 4);
	CHECK_INT(st.by_guard_reason[GUARD_R_CODEC], 3);
	CHECK_INT(st.by_guard_reason[GUARD_R_PLAINTEXT_SIP], 2);
	CHECK_INT(st.by_reason[ENGINE_R_GUARD], 9);
	CHECK_STR(guard_reason_str(GUARD_R_PLAIN_RTP), "plain-rtp");
	CHECK_STR(guard_reason_str(GUARD_R_CODEC), "codec");
	CHECK_STR(guard_reason_str(GUARD_R_PLAINTEXT_SIP), "plaintext-sip");

	engine_free(e);
	guard_free(g);
}

/* ---- compliance ------------------------------------------------------------ */

static bool find_dev(const struct compliance_dev *d, void *arg)
{
	struct compliance_dev *want = arg;

	if (memcmp(d->addr, want->addr, 4))
		return true;
	*want = *d;
	return false;
}

static struct compliance_dev dev(struct compliance *c, const char *addr)
{
	struct compliance_dev d = { 0 };

	inet_pton(AF_INET, addr, d.addr);
	compliance_walk(c, find_dev, &d);
	return d;
}

static void test_compliance(void)
{
	struct pinhole_backend be = { .ops = &ops };
	struct siphash_key key = { 5, 6 };
	struct engine_config cfg;
	struct compliance *c = compliance_new(8, &key);
	struct compliance_dev d;
	struct pkt_meta m;
	struct engine_verdict v;
	unsigned int i;
	size_t len;

	unit_case("compliance: per source, what it sent");
	engine_config_defaults(&cfg);
	e = engine_new(&cfg, &be, NULL, NULL);
	if (!CHECK(c && e))
		return;
	engine_set_compliance(e, c);
	/* no guard: every source is noted, whatever its zone */
	offer("10.0.20.5", sdp_rtp);
	offer("10.0.20.5", sdp_sdes);
	offer("10.0.20.5", sdp_dtls);
	len = options(7, "10.0.20.5");
	memcpy(buf + len - 2, "User-Agent: Phone/1.0\x01\r\n\r\n", 26);
	m = meta("10.0.20.5", "10.0.10.2");
	m.proto = IPPROTO_TCP;
	engine_message(e, &m, buf, len + 24, 2000, &v);
	d = dev(c, "10.0.20.5");
	CHECK_INT(d.family, 4);
	CHECK_INT(d.sip_udp, 3);
	CHECK_INT(d.sip_tcp, 1);
	CHECK_INT(d.sdp_rtp, 1);
	CHECK_INT(d.sdp_srtp, 2);
	CHECK_STR(d.ua, "Phone/1.0?");
	CHECK_INT(d.last_ms, 2000);

	unit_case("compliance: a flood of sources forgets the oldest");
	for (i = 0; i < 20; i++) {
		char a[32];

		snprintf(a, sizeof(a), "10.0.50.%u", i + 1);
		offer(a, sdp_rtp);
	}
	CHECK_INT(dev(c, "10.0.20.5").family, 0);
	CHECK_INT(dev(c, "10.0.50.20").sdp_rtp, 1);
	engine_free(e);
	compliance_free(c);
}

/* ---- sdp_codec ------------------------------------------------------------- */

static struct sdp sdp;

static int parse(const char *body)
{
	struct sip_diag diag;

	memset(&diag, 0, sizeof(diag));
	return sdp_parse(span_make(body, strlen(body)), &sdp, &diag);
}

/* the codecs of stream @i, space-separated, "?" for an unknown one */
static const char *codecs_of(unsigned int i)
{
	static char out[128];
	struct span fmt, name;
	size_t pos = 0, n = 0;

	out[0] = '\0';
	while (sdp_fmt_next(&sdp.media[i], &pos, &fmt)) {
		if (!sdp_codec(&sdp.media[i], fmt, &name))
			name = span_make("?", 1);
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%.*s",
				      n ? " " : "", (int)name.len, name.p);
	}
	return out;
}

static void test_sdp_codec(void)
{
	unit_case("sdp_codec: a=rtpmap names and static payload types");
	if (CHECK_INT(parse(sdp_rtp), 0))
		CHECK_STR(codecs_of(0), "PCMA PCMU telephone-event");
	if (CHECK_INT(parse(sdp_sdes_ulaw), 0))
		CHECK_STR(codecs_of(0), "PCMU G729");
	if (CHECK_INT(parse(sdp_dtls), 0))
		CHECK_STR(codecs_of(0), "OPUS");

	unit_case("sdp_codec: the stream's own section only");
	if (CHECK_INT(parse(sdp_rtpmap_elsewhere), 0)) {
		CHECK_STR(codecs_of(0), "iLBC");
		CHECK_STR(codecs_of(1), "G722");
	}

	unit_case("sdp_codec: unknown dynamic types, non-numeric formats");
	if (CHECK_INT(parse(SDP_HEAD("10.0.0.1")
			    "m=audio 4000 RTP/AVP 97 2\r\n"
			    "a=rtpmap:9 G722/8000\r\n"
			    "m=image 4002 udptl t38\r\n"), 0)) {
		CHECK_STR(codecs_of(0), "? ?");
		CHECK_STR(codecs_of(1), "?");
	}

	unit_case("compliance_sdp_is_srtp");
	CHECK(parse(sdp_sdes) == 0 && compliance_sdp_is_srtp(&sdp));
	CHECK(parse(sdp_dtls) == 0 && compliance_sdp_is_srtp(&sdp));
	CHECK(parse(sdp_rtp) == 0 && !compliance_sdp_is_srtp(&sdp));
	CHECK(parse(sdp_savp_nokey) == 0 && !compliance_sdp_is_srtp(&sdp));
	CHECK(parse(sdp_sdes_disabled_rtp) == 0 && compliance_sdp_is_srtp(&sdp));
}

int main(void)
{
	test_sdp_codec();
	test_engine();
	test_compliance();
	return unit_summary("guard_media");
}
