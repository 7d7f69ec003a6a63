// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_sdp.c - sdp_parse() and sdp_stream_next(), row by row.
 *
 *   connection-field = %s"c" "=" nettype SP addrtype SP connection-address
 *   media-field      = %s"m" "=" media SP port ["/" integer] SP proto
 *                      1*(SP fmt)                          (RFC 8866 9)
 *   a=rtcp (RFC 3605), a=rtcp-mux (RFC 5761), a=crypto (RFC 4568),
 *   a=fingerprint (RFC 8122), a=candidate (RFC 8839)
 *
 * A row gives a description, the expected return and reason, the streams
 * a firewall must open (as "TYPE ADDR RTP rtcp ADDR PORT" or
 * "TYPE ADDR RTP mux", in order) and "key=value" expectations on the
 * session ("session.direction") and its media ("m1.hold").
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "sdp/sdp.h"

/* ---- reading struct sdp by name --------------------------------------- */

enum ftype { F_SPAN, F_BOOL, F_U16, F_UINT, F_ADDR, F_PROTO, F_DIR };

struct field {
	const char	*name;
	enum ftype	type;
	size_t		off;
};

#define FLD(n, t, st, m)	{ n, t, offsetof(st, m) }

static const struct field media_fields[] = {
	FLD("type",		F_SPAN,	struct sdp_media, type),
	FLD("port",		F_U16,	struct sdp_media, port),
	FLD("nports",		F_U16,	struct sdp_media, nports),
	FLD("proto",		F_PROTO, struct sdp_media, proto),
	FLD("proto_text",	F_SPAN,	struct sdp_media, proto_text),
	FLD("fmts",		F_SPAN,	struct sdp_media, fmts),
	FLD("conn",		F_ADDR,	struct sdp_media, conn),
	FLD("conn_text",	F_SPAN,	struct sdp_media, conn.text),
	FLD("rtcp_port",	F_U16,	struct sdp_media, rtcp_port),
	FLD("rtcp_addr",	F_ADDR,	struct sdp_media, rtcp_addr),
	FLD("rtcp_mux",		F_BOOL,	struct sdp_media, rtcp_mux),
	FLD("direction",	F_DIR,	struct sdp_media, direction),
	FLD("hold",		F_BOOL,	struct sdp_media, hold),
	FLD("crypto",		F_BOOL,	struct sdp_media, crypto),
	FLD("fingerprint",	F_BOOL,	struct sdp_media, fingerprint),
	FLD("encrypted",	F_BOOL,	struct sdp_media, encrypted),
	FLD("n_candidates",	F_UINT,	struct sdp_media, n_candidates),
	{ .name = NULL },
};

static const struct field session_fields[] = {
	FLD("conn",		F_ADDR,	struct sdp, conn),
	FLD("direction",	F_DIR,	struct sdp, direction),
	FLD("fingerprint",	F_BOOL,	struct sdp, fingerprint),
	FLD("n_media",		F_UINT,	struct sdp, n_media),
	{ .name = NULL },
};

static const char *const proto_names[] = {
	[SDP_PROTO_OTHER]		= "other",
	[SDP_PROTO_RTP_AVP]		= "RTP/AVP",
	[SDP_PROTO_RTP_AVPF]		= "RTP/AVPF",
	[SDP_PROTO_RTP_SAVP]		= "RTP/SAVP",
	[SDP_PROTO_RTP_SAVPF]		= "RTP/SAVPF",
	[SDP_PROTO_UDP_TLS_RTP_SAVP]	= "UDP/TLS/RTP/SAVP",
	[SDP_PROTO_UDP_TLS_RTP_SAVPF]	= "UDP/TLS/RTP/SAVPF",
	[SDP_PROTO_UDP]			= "udp",
	[SDP_PROTO_TCP]			= "tcp",
	[SDP_PROTO_TCP_TLS_RTP_SAVP]	= "TCP/TLS/RTP/SAVP",
	[SDP_PROTO_TCP_TLS_RTP_SAVPF]	= "TCP/TLS/RTP/SAVPF",
};

/* An address as inet_ntop() prints its bytes, "none" without a family. */
static void addr_str(const struct sdp_addr *a, char *out, size_t outlen)
{
	int af = a->family == SDP_AF_IP6 ? AF_INET6 : AF_INET;

	if (a->family == SDP_AF_NONE || !inet_ntop(af, a->addr, out,
						   (socklen_t)outlen))
		snprintf(out, outlen, "none");
}

static int field_render(const struct field *t, const char *obj,
			const char *key, char *out, size_t outlen)
{
	for (; t->name; t++) {
		const void *m = obj + t->off;

		if (strcmp(t->name, key))
			continue;
		switch (t->type) {
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
		case F_UINT:
			snprintf(out, outlen, "%u", *(const unsigned int *)m);
			break;
		case F_ADDR:
			addr_str(m, out, outlen);
			break;
		case F_PROTO: {
			unsigned int p = *(const enum sdp_proto *)m;

			snprintf(out, outlen, "%s", p < ARRAY_SIZE(proto_names) ?
				 proto_names[p] : "?");
			break;
		}
		case F_DIR:
			snprintf(out, outlen, "%s", sdp_direction_str(
				 *(const enum sdp_direction *)m));
			break;
		}
		return 0;
	}
	return -1;
}

/*
 * "session.KEY", "mN.KEY" or "mN.cand" + "K" (candidate K of media N as
 * "COMPONENT udp|tcp ADDR PORT").
 */
static int sdp_field(const struct sdp *sdp, const char *key, char *out,
		     size_t outlen)
{
	const struct sdp_media *m;
	unsigned long i, k;
	char *e;

	if (!strncmp(key, "session.", 8))
		return field_render(session_fields, (const char *)sdp, key + 8,
				    out, outlen);
	if (key[0] != 'm')
		return -1;
	i = strtoul(key + 1, &e, 10);
	if (e == key + 1 || *e != '.' || i >= SDP_MAX_MEDIA)
		return -1;
	m = &sdp->media[i];
	key = e + 1;
	if (!strncmp(key, "cand", 4)) {
		char a[INET6_ADDRSTRLEN + 8];

		k = strtoul(key + 4, &e, 10);
		if (*e || k >= SDP_MAX_CANDIDATES)
			return -1;
		addr_str(&m->candidates[k].addr, a, sizeof(a));
		snprintf(out, outlen, "%u %s %s %u", m->candidates[k].component,
			 m->candidates[k].udp ? "udp" : "tcp", a,
			 m->candidates[k].port);
		return 0;
	}
	return field_render(media_fields, (const char *)m, key, out, outlen);
}

/* ---- the rows ----------------------------------------------------------- */

#define CRLF	"\r\n"
#define HEAD	"v=0" CRLF \
		"o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com" CRLF \
		"s=-" CRLF
#define T	"t=0 0" CRLF
#define C4	"c=IN IP4 192.0.2.1" CRLF
#define AUDIO	"m=audio 49170 RTP/AVP 0" CRLF
#define VIDEO	"m=video 51372 RTP/AVP 31" CRLF

#define MAX_STREAMS	6
#define MAX_WANT	10

enum { S_NO = 0, S_YES, S_ANY };

/**
 * struct sdp_case - one description and what a firewall must read in it.
 * @rc, @fatal: sdp_parse() return and reason token (NULL: "ok")
 * @strict:     S_NO / S_YES strict-only defect (checked when @rc is 0)
 * @n_streams:  how many streams sdp_stream_next() yields; -1 unchecked
 * @streams:    the first of them, rendered (see the file comment)
 */
struct sdp_case {
	const char	*name;
	const char	*in;
	int		rc;
	const char	*fatal;
	int		strict;
	int		n_streams;
	const char	*streams[MAX_STREAMS];
	const char	*want[MAX_WANT];
};

#define FATAL	-1, "bad-sdp", S_ANY, -1, { NULL }, { NULL }

static const struct sdp_case sdp_cases[] = {
	/* ---- c= at session and media level ---- */
	{ "session-level c= serves every m=", HEAD C4 T AUDIO VIDEO,
	  0, NULL, S_NO, 2,
	  { "audio 192.0.2.1 49170 rtcp 192.0.2.1 49171",
	    "video 192.0.2.1 51372 rtcp 192.0.2.1 51373" },
	  { "session.n_media=2", "session.conn=192.0.2.1",
	    "m0.type=audio", "m0.proto=RTP/AVP", "m0.fmts=0",
	    "m0.direction=sendrecv", "m0.hold=0", "m0.nports=1",
	    "m1.fmts=31" } },
	{ "media-level c= overrides the session one",
	  HEAD C4 T AUDIO "c=IN IP4 198.51.100.7" CRLF VIDEO,
	  0, NULL, S_NO, 2,
	  { "audio 198.51.100.7 49170 rtcp 198.51.100.7 49171",
	    "video 192.0.2.1 51372 rtcp 192.0.2.1 51373" },
	  { "m0.conn=198.51.100.7", "m1.conn=192.0.2.1" } },
	{ "media-level c= only", HEAD T AUDIO C4 VIDEO "c=IN IP4 192.0.2.2" CRLF,
	  0, NULL, S_NO, 2,
	  { "audio 192.0.2.1 49170 rtcp 192.0.2.1 49171",
	    "video 192.0.2.2 51372 rtcp 192.0.2.2 51373" },
	  { "session.conn=none" } },
	{ "no c= at all", HEAD T AUDIO, FATAL },
	{ "one m= without c=", HEAD T AUDIO C4 VIDEO, FATAL },
	{ "no c= but the stream is disabled",
	  HEAD T "m=audio 0 RTP/AVP 0" CRLF, 0, NULL, S_NO, 0, { NULL },
	  { "session.n_media=1", "m0.port=0" } },
	{ "IN IP6", HEAD "c=IN IP6 2001:db8::1" CRLF T AUDIO,
	  0, NULL, S_NO, 1,
	  { "audio 2001:db8::1 49170 rtcp 2001:db8::1 49171" },
	  { "m0.conn=2001:db8::1", "m0.conn_text=2001:db8::1" } },
	{ "IPv4 and IPv6 streams (RFC 5118 4.8)",
	  HEAD T "m=audio 32416 RTP/AVP 0" CRLF "c=IN IP4 192.0.2.1" CRLF
	  "m=audio 32416 RTP/AVP 0" CRLF "c=IN IP6 ::ffff:192.0.2.2" CRLF,
	  0, NULL, S_NO, 2,
	  { "audio 192.0.2.1 32416 rtcp 192.0.2.1 32417",
	    "audio ::ffff:192.0.2.2 32416 rtcp ::ffff:192.0.2.2 32417" },
	  { NULL } },
	{ "0.0.0.0 is hold", HEAD "c=IN IP4 0.0.0.0" CRLF T AUDIO,
	  0, NULL, S_NO, -1, { NULL },
	  { "m0.hold=1", "m0.conn=0.0.0.0" } },
	{ "hold on one stream only",
	  HEAD C4 T AUDIO "c=IN IP4 0.0.0.0" CRLF VIDEO,
	  0, NULL, S_NO, -1, { NULL }, { "m0.hold=1", "m1.hold=0" } },
	{ "multicast c= with TTL", HEAD "c=IN IP4 224.2.1.1/127" CRLF T AUDIO,
	  0, NULL, S_NO, 1,
	  { "audio 224.2.1.1 49170 rtcp 224.2.1.1 49171" },
	  { "m0.conn_text=224.2.1.1" } },
	{ "multicast c= with TTL and address count",
	  HEAD "c=IN IP4 224.2.1.1/127/3" CRLF T AUDIO,
	  0, NULL, S_NO, -1, { NULL }, { "m0.conn=224.2.1.1" } },
	{ "IPv6 multicast c= with address count",
	  HEAD "c=IN IP6 FF15::101/3" CRLF T AUDIO,
	  0, NULL, S_NO, -1, { NULL },
	  { "m0.conn=ff15::101", "m0.conn_text=FF15::101" } },
	{ "FQDN in c= is refused",
	  HEAD "c=IN IP4 host.atlanta.example.com" CRLF T AUDIO, FATAL },
	{ "IPv6 address under IP4", HEAD "c=IN IP4 2001:db8::1" CRLF T AUDIO,
	  FATAL },
	{ "IPv4 address under IP6", HEAD "c=IN IP6 192.0.2.1" CRLF T AUDIO,
	  FATAL },
	{ "c= without address", HEAD "c=IN IP4" CRLF T AUDIO, FATAL },
	{ "c= with an unknown addrtype", HEAD "c=IN IP7 192.0.2.1" CRLF T AUDIO,
	  FATAL },
	{ "c= with an unknown nettype",
	  HEAD "c=ATM NSAP 47.0091.8100.0000.0060.3e64.fd01" CRLF T AUDIO,
	  FATAL },
	{ "c= with an extra field", HEAD "c=IN IP4 192.0.2.1 x" CRLF T AUDIO,
	  FATAL },

	/* ---- m= port and port count (RFC 8866 5.14) ---- */
	{ "port count: 49170/2 is two RTP/RTCP pairs",
	  HEAD C4 T "m=video 49170/2 RTP/AVP 31" CRLF, 0, NULL, S_NO, 2,
	  { "video 192.0.2.1 49170 rtcp 192.0.2.1 49171",
	    "video 192.0.2.1 49172 rtcp 192.0.2.1 49173" },
	  { "m0.port=49170", "m0.nports=2" } },
	{ "port count with rtcp-mux",
	  HEAD C4 T "m=video 49170/3 RTP/AVP 31" CRLF "a=rtcp-mux" CRLF,
	  0, NULL, S_NO, 3,
	  { "video 192.0.2.1 49170 mux", "video 192.0.2.1 49172 mux",
	    "video 192.0.2.1 49174 mux" }, { NULL } },
	{ "port 0 is no stream to open",
	  HEAD C4 T AUDIO "m=video 0 RTP/AVP 31" CRLF, 0, NULL, S_NO, 1,
	  { "audio 192.0.2.1 49170 rtcp 192.0.2.1 49171" },
	  { "session.n_media=2", "m1.port=0", "m1.rtcp_port=0" } },
	{ "several formats", HEAD C4 T "m=audio 49170 RTP/AVP 0 8 97 101" CRLF,
	  0, NULL, S_NO, 1, { "audio 192.0.2.1 49170 rtcp 192.0.2.1 49171" },
	  { "m0.fmts=0 8 97 101" } },
	{ "m= without proto", HEAD C4 T "m=audio 49170" CRLF, FATAL },
	/* media-field ends in 1*(SP fmt): the ports are readable, the
	 * grammar is not met */
	{ "m= without fmt", HEAD C4 T "m=audio 49170 RTP/AVP" CRLF,
	  0, NULL, S_YES, 1, { "audio 192.0.2.1 49170 rtcp 192.0.2.1 49171" },
	  { NULL } },
	{ "m= port count 0", HEAD C4 T "m=audio 49170/0 RTP/AVP 0" CRLF, FATAL },
	{ "m= port count 17", HEAD C4 T "m=audio 49170/17 RTP/AVP 0" CRLF,
	  FATAL },
	{ "m= port 65536", HEAD C4 T "m=audio 65536 RTP/AVP 0" CRLF, FATAL },
	{ "m= port range past 65535",
	  HEAD C4 T "m=audio 65530/4 RTP/AVP 0" CRLF, FATAL },
	{ "m= port not a number", HEAD C4 T "m=audio port RTP/AVP 0" CRLF,
	  FATAL },

	/* ---- a=rtcp, a=rtcp-mux ---- */
	{ "a=rtcp without address",
	  HEAD C4 T AUDIO "a=rtcp:53020" CRLF, 0, NULL, S_NO, 1,
	  { "audio 192.0.2.1 49170 rtcp 192.0.2.1 53020" },
	  { "m0.rtcp_port=53020", "m0.rtcp_addr=192.0.2.1" } },
	{ "a=rtcp with address",
	  HEAD C4 T AUDIO "a=rtcp:53020 IN IP4 126.16.64.4" CRLF,
	  0, NULL, S_NO, 1,
	  { "audio 192.0.2.1 49170 rtcp 126.16.64.4 53020" },
	  { "m0.rtcp_addr=126.16.64.4" } },
	{ "a=rtcp with IPv6 address",
	  HEAD C4 T AUDIO "a=rtcp:53020 IN IP6 2001:db8::7" CRLF,
	  0, NULL, S_NO, 1,
	  { "audio 192.0.2.1 49170 rtcp 2001:db8::7 53020" }, { NULL } },
	{ "a=rtcp-mux", HEAD C4 T AUDIO "a=rtcp-mux" CRLF, 0, NULL, S_NO, 1,
	  { "audio 192.0.2.1 49170 mux" },
	  { "m0.rtcp_mux=1", "m0.rtcp_port=0" } },
	{ "a=rtcp-mux wins over a=rtcp",
	  HEAD C4 T AUDIO "a=rtcp:53020" CRLF "a=rtcp-mux" CRLF,
	  0, NULL, S_NO, 1, { "audio 192.0.2.1 49170 mux" }, { NULL } },
	{ "a=rtcp applies to its own m= only",
	  HEAD C4 T AUDIO "a=rtcp:53020" CRLF VIDEO, 0, NULL, S_NO, 2,
	  { "audio 192.0.2.1 49170 rtcp 192.0.2.1 53020",
	    "video 192.0.2.1 51372 rtcp 192.0.2.1 51373" }, { NULL } },
	{ "a=rtcp port 0", HEAD C4 T AUDIO "a=rtcp:0" CRLF, FATAL },
	{ "a=rtcp without value", HEAD C4 T AUDIO "a=rtcp" CRLF, FATAL },
	{ "a=rtcp port not a number", HEAD C4 T AUDIO "a=rtcp:rtcp" CRLF, FATAL },
	{ "a=rtcp with half an address",
	  HEAD C4 T AUDIO "a=rtcp:53020 IN IP4" CRLF, FATAL },
	{ "a=rtcp with an FQDN",
	  HEAD C4 T AUDIO "a=rtcp:53020 IN IP4 rtcp.example.com" CRLF, FATAL },

	/* ---- direction (RFC 8866 6.7): media level overrides session ---- */
	{ "session direction applies to every m=",
	  HEAD C4 T "a=sendonly" CRLF AUDIO VIDEO, 0, NULL, S_NO, 2, { NULL },
	  { "session.direction=sendonly", "m0.direction=sendonly",
	    "m1.direction=sendonly" } },
	{ "media direction overrides the session one",
	  HEAD C4 T "a=sendonly" CRLF AUDIO "a=recvonly" CRLF VIDEO,
	  0, NULL, S_NO, 2, { NULL },
	  { "m0.direction=recvonly", "m1.direction=sendonly" } },
	{ "media inactive, the rest default sendrecv",
	  HEAD C4 T AUDIO "a=inactive" CRLF VIDEO, 0, NULL, S_NO, 2, { NULL },
	  { "session.direction=sendrecv", "m0.direction=inactive",
	    "m1.direction=sendrecv" } },
	{ "media sendrecv overrides session inactive",
	  HEAD C4 T "a=inactive" CRLF AUDIO "a=sendrecv" CRLF,
	  0, NULL, S_NO, 1, { NULL }, { "m0.direction=sendrecv" } },

	/* ---- keys: a=crypto, a=fingerprint ---- */
	{ "a=crypto on RTP/SAVP",
	  HEAD C4 T "m=audio 49170 RTP/SAVP 0" CRLF
	  "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32" CRLF,
	  0, NULL, S_NO, 1, { NULL },
	  { "m0.proto=RTP/SAVP", "m0.crypto=1", "m0.encrypted=1" } },
	{ "a=fingerprint at session level reaches every m=",
	  HEAD C4 T
	  "a=fingerprint:sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3E:4B:65:B6:D0:FC:22:F7:4D:9F:2D:6C" CRLF
	  "m=audio 49170 UDP/TLS/RTP/SAVPF 111" CRLF
	  "m=video 51372 UDP/TLS/RTP/SAVPF 96" CRLF,
	  0, NULL, S_NO, 2, { NULL },
	  { "session.fingerprint=1", "m0.fingerprint=1", "m1.fingerprint=1",
	    "m0.encrypted=1", "m1.encrypted=1",
	    "m0.proto=UDP/TLS/RTP/SAVPF" } },
	{ "a=crypto at session level keys nothing (RFC 4568 9.1)",
	  HEAD C4 T
	  "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR" CRLF
	  "m=audio 49170 RTP/SAVP 0" CRLF,
	  0, NULL, S_NO, 1, { NULL }, { "m0.crypto=0", "m0.encrypted=0" } },

	/* ---- a=candidate (RFC 8839 5.1) ---- */
	{ "candidates: IPv4, IPv6, TCP; mDNS ignored",
	  HEAD C4 T "m=audio 54400 UDP/TLS/RTP/SAVPF 111" CRLF
	  "a=candidate:1 1 UDP 2130706431 192.0.2.10 54400 typ host" CRLF
	  "a=candidate:2 1 UDP 1694498815 2001:db8::10 54402 typ srflx raddr 192.0.2.10 rport 54400" CRLF
	  "a=candidate:3 1 udp 2122260223 3f7a1c2e-9d4b-4c8e-a1f0-8b2d6e4c7a91.local 54404 typ host" CRLF
	  "a=candidate:4 2 TCP 1518280447 192.0.2.10 9 typ host tcptype active" CRLF,
	  0, NULL, S_NO, 1, { NULL },
	  { "m0.n_candidates=3", "m0.cand0=1 udp 192.0.2.10 54400",
	    "m0.cand1=1 udp 2001:db8::10 54402",
	    "m0.cand2=2 tcp 192.0.2.10 9" } },
	{ "candidate at session level is ignored",
	  HEAD C4 T "a=candidate:1 1 UDP 2130706431 192.0.2.10 54400 typ host" CRLF
	  AUDIO, 0, NULL, S_NO, 1, { NULL }, { "m0.n_candidates=0" } },
	{ "candidate with too few fields",
	  HEAD C4 T AUDIO "a=candidate:1 1 UDP 2130706431 192.0.2.10" CRLF,
	  FATAL },
	{ "candidate component 0",
	  HEAD C4 T AUDIO "a=candidate:1 0 UDP 2130706431 192.0.2.10 54400 typ host" CRLF,
	  FATAL },
	{ "candidate port 65536",
	  HEAD C4 T AUDIO "a=candidate:1 1 UDP 2130706431 192.0.2.10 65536 typ host" CRLF,
	  FATAL },

	/* ---- line syntax (RFC 8866 5) ---- */
	{ "bare LF line ends", "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\n"
	  "c=IN IP4 192.0.2.1\nt=0 0\nm=audio 49170 RTP/AVP 0\na=rtcp-mux\n",
	  0, NULL, S_NO, 1, { "audio 192.0.2.1 49170 mux" },
	  { "m0.fmts=0" } },
	{ "no final line end", HEAD C4 T "m=audio 49170 RTP/AVP 0",
	  0, NULL, S_NO, 1, { "audio 192.0.2.1 49170 rtcp 192.0.2.1 49171" },
	  { "m0.fmts=0" } },
	{ "empty lines at the end", HEAD C4 T AUDIO CRLF CRLF,
	  0, NULL, S_NO, 1, { NULL }, { NULL } },
	{ "unknown lines and attributes are skipped",
	  HEAD "i=a session" CRLF "u=http://www.example.com/" CRLF
	  "e=j.doe@example.com" CRLF "b=AS:64" CRLF C4 T "r=7d 1h 0 25h" CRLF
	  "z=2882844526 -1h" CRLF "k=clear:secret" CRLF "a=tool:x" CRLF
	  AUDIO "a=rtpmap:0 PCMU/8000" CRLF "a=ptime:20" CRLF "a=mid:0" CRLF,
	  0, NULL, S_NO, 1, { "audio 192.0.2.1 49170 rtcp 192.0.2.1 49171" },
	  { NULL } },
	{ "no o=, s= or t=", "v=0" CRLF C4 AUDIO, 0, NULL, S_YES, 1,
	  { "audio 192.0.2.1 49170 rtcp 192.0.2.1 49171" }, { NULL } },
	{ "o= with too few fields",
	  "v=0" CRLF "o=alice 1 1 IN IP4" CRLF "s=-" CRLF C4 T AUDIO,
	  0, NULL, S_YES, 1, { NULL }, { NULL } },
	{ "does not start with v=0", "o=- 1 1 IN IP4 192.0.2.1" CRLF "v=0" CRLF,
	  FATAL },
	{ "v=1", "v=1" CRLF "s=-" CRLF C4 T AUDIO, FATAL },
	{ "empty", "", FATAL },
	{ "only line ends", CRLF CRLF, FATAL },
	{ "line without =", HEAD C4 T "audio 49170" CRLF, FATAL },
	{ "line type not a letter", HEAD C4 T "1=x" CRLF, FATAL },
	{ "line type in upper case", HEAD C4 T "M=audio 49170 RTP/AVP 0" CRLF,
	  FATAL },
};

static void format_stream(const struct sdp_stream *st, char *out,
			  size_t outlen)
{
	char a[INET6_ADDRSTRLEN], ra[INET6_ADDRSTRLEN];

	addr_str(st->addr, a, sizeof(a));
	if (!st->rtcp_port) {
		snprintf(out, outlen, "%.*s %s %u mux", (int)st->media->type.len,
			 st->media->type.p, a, st->rtp_port);
		return;
	}
	addr_str(st->rtcp_addr, ra, sizeof(ra));
	snprintf(out, outlen, "%.*s %s %u rtcp %s %u", (int)st->media->type.len,
		 st->media->type.p, a, st->rtp_port, ra, st->rtcp_port);
}

static void check_streams(const struct sdp *sdp, int n_want,
			  const char *const want[MAX_STREAMS])
{
	struct sdp_stream st;
	unsigned int iter = 0;
	int n = 0;

	while (n < 1000 && sdp_stream_next(sdp, &iter, &st)) {
		char got[160];

		format_stream(&st, got, sizeof(got));
		if (n < MAX_STREAMS && want[n])
			CHECK_MSG(!strcmp(got, want[n]),
				  "stream %d is \"%s\", want \"%s\"", n, got,
				  want[n]);
		n++;
	}
	if (n_want >= 0)
		CHECK_MSG(n == n_want, "%d streams, want %d", n, n_want);
}

static void check_wants(const struct sdp *sdp, const char *const want[MAX_WANT])
{
	unsigned int i;

	for (i = 0; i < MAX_WANT && want[i]; i++) {
		const char *eq = strchr(want[i], '=');
		char key[48], got[256];

		if (!CHECK_MSG(eq && (size_t)(eq - want[i]) < sizeof(key),
			       "malformed expectation \"%s\"", want[i]))
			continue;
		memcpy(key, want[i], (size_t)(eq - want[i]));
		key[eq - want[i]] = '\0';
		if (!CHECK_MSG(sdp_field(sdp, key, got, sizeof(got)) == 0,
			       "unknown field \"%s\"", key))
			continue;
		unit_check_mem(got, strlen(got), eq + 1, key, __FILE__, __LINE__);
	}
}

/*
 * Parse @len bytes of @in from an exact-size heap copy, freed on return:
 * callers read numbers and addresses afterwards, never spans.
 */
static int parse_copy(const char *in, size_t len, struct sdp *sdp,
		      struct sip_diag *diag)
{
	char *buf = malloc(len ? len : 1);
	int rc;

	if (!buf)
		return -2;
	memcpy(buf, in, len);
	rc = sdp_parse(span_make(buf, len), sdp, diag);
	free(buf);
	return rc;
}

static void run_sdp_case(const struct sdp_case *c)
{
	static struct sdp sdp;
	struct sip_diag diag = { 0 };
	size_t len = strlen(c->in);
	char *buf = malloc(len ? len : 1);
	int rc;

	unit_case("sdp: %s", c->name);
	if (!CHECK(buf))
		return;
	memcpy(buf, c->in, len);
	rc = sdp_parse(span_make(buf, len), &sdp, &diag);
	CHECK_INT(rc, c->rc);
	CHECK_STR(sip_reason_str(diag.fatal.reason), c->fatal ? c->fatal : "ok");
	if (rc == 0 && c->rc == 0) {
		if (c->strict != S_ANY)
			CHECK_MSG((diag.strict_count > 0) == (c->strict == S_YES),
				  "strict_count %u (%s), want %s",
				  diag.strict_count,
				  diag.strict.detail ? diag.strict.detail : "",
				  c->strict == S_YES ? "a defect" : "none");
		check_streams(&sdp, c->n_streams, c->streams);
		check_wants(&sdp, c->want);
	}
	free(buf);
}

/* ---- proto and the encrypted flag ------------------------------------- */

#define FPR	"a=fingerprint:sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3E:4B:65:B6:D0:FC:22:F7:4D:9F:2D:6C" CRLF
#define CRYPTO	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR" CRLF

/**
 * struct proto_case - "m=audio 49170 @proto 0" with @session_attrs before
 * it and @media_attrs after it.
 * @encrypted: SRTP profile keyed by a=crypto (SDES) or a=fingerprint
 *             (DTLS-SRTP), as struct sdp_media documents it
 */
static const struct proto_case {
	const char	*proto;
	const char	*session_attrs;
	const char	*media_attrs;
	const char	*want_proto;
	bool		encrypted;
} proto_cases[] = {
	{ "RTP/AVP",		"",	"",	"RTP/AVP",		false },
	{ "RTP/AVP",		"",	CRYPTO,	"RTP/AVP",		false },
	{ "RTP/AVPF",		"",	"",	"RTP/AVPF",		false },
	{ "RTP/SAVP",		"",	"",	"RTP/SAVP",		false },
	{ "RTP/SAVP",		"",	CRYPTO,	"RTP/SAVP",		true },
	{ "RTP/SAVPF",		"",	CRYPTO,	"RTP/SAVPF",		true },
	{ "RTP/SAVPF",		"",	FPR,	"RTP/SAVPF",		true },
	{ "UDP/TLS/RTP/SAVP",	"",	FPR,	"UDP/TLS/RTP/SAVP",	true },
	{ "UDP/TLS/RTP/SAVP",	FPR,	"",	"UDP/TLS/RTP/SAVP",	true },
	{ "UDP/TLS/RTP/SAVPF",	FPR,	"",	"UDP/TLS/RTP/SAVPF",	true },
	{ "UDP/TLS/RTP/SAVPF",	"",	"",	"UDP/TLS/RTP/SAVPF",	false },
	{ "UDP/TLS/RTP/SAVPF",	"",	CRYPTO,	"UDP/TLS/RTP/SAVPF",	false },
	{ "udptl",		"",	"",	"udp",			false },
	{ "TCP/MSRP",		"",	"",	"tcp",			false },
	/* DTLS-SRTP over TCP (RFC 7850) is DTLS-SRTP all the same */
	{ "TCP/TLS/RTP/SAVPF",	"",	FPR,	"TCP/TLS/RTP/SAVPF",	true },
	{ "TCP/TLS/RTP/SAVPF",	"",	"",	"TCP/TLS/RTP/SAVPF",	false },
	{ "TCP/RTP/AVP",	"",	FPR,	"tcp",			false },
	{ "RTP/XYZ",		"",	CRYPTO,	"other",		false },
};

static void run_proto_case(const struct proto_case *c)
{
	static struct sdp sdp;
	struct sip_diag diag = { 0 };
	char body[1024];
	int n;

	unit_case("sdp proto %s%s%s", c->proto,
		  *c->session_attrs ? " +session key" : "",
		  *c->media_attrs ? (c->media_attrs[2] == 'c' ? " +crypto" :
				     " +fingerprint") : "");
	n = snprintf(body, sizeof(body), HEAD C4 T "%sm=audio 49170 %s 0" CRLF "%s",
		     c->session_attrs, c->proto, c->media_attrs);
	if (!CHECK(n > 0 && (size_t)n < sizeof(body)))
		return;
	if (!CHECK_INT(parse_copy(body, (size_t)n, &sdp, &diag), 0))
		return;
	CHECK_STR(proto_names[sdp.media[0].proto], c->want_proto);
	CHECK_INT(sdp.media[0].encrypted, c->encrypted);
}

/* ---- how many m= lines are kept --------------------------------------- */

static const struct {
	unsigned int	n;
	int		rc;
} media_count_cases[] = {
	{ 1,			0 },
	{ SDP_MAX_MEDIA,	0 },
	{ SDP_MAX_MEDIA + 1,	-1 },
	{ 100,			-1 },
};

static void run_media_count_case(unsigned int n, int want_rc)
{
	static struct sdp sdp;
	static char body[8192];
	struct sip_diag diag = { 0 };
	struct sdp_stream st;
	unsigned int i, iter = 0, streams = 0;
	size_t len;

	unit_case("sdp with %u m= lines", n);
	len = (size_t)snprintf(body, sizeof(body), HEAD C4 T);
	for (i = 0; i < n && len + 64 < sizeof(body); i++)
		len += (size_t)snprintf(body + len, sizeof(body) - len,
					"m=audio %u RTP/AVP 0" CRLF, 10000 + 2 * i);
	CHECK_INT(i, n);
	CHECK_INT(parse_copy(body, len, &sdp, &diag), want_rc);
	if (want_rc)
		CHECK_STR(sip_reason_str(diag.fatal.reason), "bad-sdp");
	else {
		CHECK_INT(sdp.n_media, n);
		while (sdp_stream_next(&sdp, &iter, &st) && streams < 1000)
			streams++;
		CHECK_INT(streams, n);
	}
}

int main(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sdp_cases); i++)
		run_sdp_case(&sdp_cases[i]);
	for (i = 0; i < ARRAY_SIZE(proto_cases); i++)
		run_proto_case(&proto_cases[i]);
	for (i = 0; i < ARRAY_SIZE(media_count_cases); i++)
		run_media_count_case(media_count_cases[i].n,
				     media_count_cases[i].rc);
	return unit_summary("sdp");
}
