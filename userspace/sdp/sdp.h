/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sdp.h - SDP session descriptions (RFC 8866, formerly RFC 4566) as a
 * firewall needs them: which media streams to open, where, and how.
 *
 * sdp_parse() fills a caller-provided struct sdp with spans into the body;
 * no allocation, every read bounded.
 */
#ifndef VOIPFW_SDP_H
#define VOIPFW_SDP_H

#include "../sip/span.h"
#include "../sip/sip_error.h"

#define SDP_MAX_MEDIA		16
#define SDP_MAX_CANDIDATES	8

enum sdp_addr_family {
	SDP_AF_NONE = 0,
	SDP_AF_IP4,
	SDP_AF_IP6,
};

/**
 * struct sdp_addr - a connection address (c=, a=rtcp, a=candidate).
 * @text:   as written ("192.0.2.1", "2001:db8::1"), without TTL/count
 * @family: IP4 or IP6
 * @addr:   network-order bytes
 */
struct sdp_addr {
	struct span		text;
	enum sdp_addr_family	family;
	uint8_t			addr[16];
};

enum sdp_proto {
	SDP_PROTO_OTHER = 0,
	SDP_PROTO_RTP_AVP,
	SDP_PROTO_RTP_AVPF,
	SDP_PROTO_RTP_SAVP,
	SDP_PROTO_RTP_SAVPF,
	SDP_PROTO_UDP_TLS_RTP_SAVP,
	SDP_PROTO_UDP_TLS_RTP_SAVPF,
	SDP_PROTO_UDP,
	SDP_PROTO_TCP,		/* TCP, TCP/RTP/AVP, TCP/MSRP (RFC 4145) */
	SDP_PROTO_TCP_TLS_RTP_SAVP,	/* DTLS-SRTP over TCP (RFC 7850) */
	SDP_PROTO_TCP_TLS_RTP_SAVPF,
};

/* Direction attributes (RFC 8866 6.7); SENDRECV is the default. */
enum sdp_direction {
	SDP_DIR_SENDRECV = 0,
	SDP_DIR_SENDONLY,
	SDP_DIR_RECVONLY,
	SDP_DIR_INACTIVE,
};

/**
 * struct sdp_candidate - an ICE candidate (RFC 8839 5.1), the parts a
 * firewall needs.
 */
struct sdp_candidate {
	uint8_t		component;	/* 1 RTP, 2 RTCP */
	bool		udp;
	struct sdp_addr	addr;
	uint16_t	port;
};

/**
 * struct sdp_media - one m= section.
 * @type:        "audio", "video", "image", ...
 * @port:        first port; 0 means the stream is disabled
 * @nports:      port count from "m=audio 49170/2" (1 when absent)
 * @proto:       classified transport, @proto_text as written
 * @conn:        the effective connection address (media c=, else session)
 * @rtcp_port:   RTCP port: a=rtcp, else @port + 1; 0 when muxed
 * @rtcp_addr:   a=rtcp address when given, else @conn
 * @rtcp_mux:    a=rtcp-mux (RFC 5761)
 * @direction:   effective direction (media level, else session level)
 * @hold:        connection address 0.0.0.0 (RFC 2543 hold)
 * @crypto:      a=crypto seen (RFC 4568) at media level
 * @fingerprint: a=fingerprint at session or media level (RFC 8122)
 * @encrypted:   the profile is SRTP (SAVP/SAVPF or DTLS-SRTP) and keyed
 *               by a=crypto or a=fingerprint
 * @section:     the m= line and the lines after it up to the next m=, as
 *               sent (sdp_rtpmap() reads its a=rtpmap lines)
 */
struct sdp_media {
	struct span		type;
	uint16_t		port;
	uint16_t		nports;
	enum sdp_proto		proto;
	struct span		proto_text;
	struct span		fmts;
	struct sdp_addr		conn;
	uint16_t		rtcp_port;
	struct sdp_addr		rtcp_addr;
	bool			rtcp_mux;
	enum sdp_direction	direction;
	bool			hold;
	bool			crypto;
	bool			fingerprint;
	bool			encrypted;
	unsigned int		n_candidates;
	struct sdp_candidate	candidates[SDP_MAX_CANDIDATES];
	struct span		section;
};

/**
 * struct sdp - a parsed session description.
 * @conn:    session-level c=, if any
 * @n_media: m= sections seen (at most SDP_MAX_MEDIA are kept; more is an
 *           error, since a firewall cannot open what it did not keep)
 */
struct sdp {
	struct sdp_addr		conn;
	enum sdp_direction	direction;
	bool			fingerprint;
	unsigned int		n_media;
	struct sdp_media	media[SDP_MAX_MEDIA];
};

/**
 * sdp_parse - parse an SDP body.
 * Returns 0, or -1 when a line a firewall relies on (v=, c=, m=, a=rtcp,
 * a=candidate) is malformed or streams lack an address (@diag says why).
 * Unknown lines and attributes are skipped, as RFC 8866 5 requires.
 */
int sdp_parse(struct span body, struct sdp *sdp, struct sip_diag *diag);

/**
 * struct sdp_stream - one port a firewall must open: an m= line with a
 * port count expands to several streams (RFC 8866 5.14).
 */
struct sdp_stream {
	const struct sdp_media	*media;
	const struct sdp_addr	*addr;
	uint16_t		rtp_port;
	uint16_t		rtcp_port;	/* 0 when muxed */
	const struct sdp_addr	*rtcp_addr;
};

/**
 * sdp_stream_next - iterate the streams to open, skipping disabled
 * (port 0) m= lines.  Start with *@iter = 0.  Returns 1 with @st, 0 at end.
 */
int sdp_stream_next(const struct sdp *sdp, unsigned int *iter,
		    struct sdp_stream *st);

const char *sdp_direction_str(enum sdp_direction d);

/*
 * sdp_fmt_next - the formats of @m's m= line one by one (payload types
 * for RTP profiles).  Start with *@pos = 0.  Returns 1 with @fmt, 0 at
 * the end.
 */
int sdp_fmt_next(const struct sdp_media *m, size_t *pos, struct span *fmt);

/*
 * sdp_codec - the encoding name of format @fmt of @m: the a=rtpmap of its
 * section (RFC 8866 6.6: a=rtpmap:<payload type> <encoding name>/<clock
 * rate>[/<parameters>]), else the static payload type's name (RFC 3551
 * table 4: 0 PCMU, 3 GSM, 4 G723, 8 PCMA, 9 G722, 15 G728, 18 G729).
 * Returns 1 with @name (a span into the body, or a static string), 0
 * when neither knows it.
 */
int sdp_codec(const struct sdp_media *m, struct span fmt, struct span *name);

/* Parse an address in dotted-quad or IPv6 text form (bounded). */
int sdp_addr_parse(struct span text, enum sdp_addr_family family,
		   struct sdp_addr *out);

#endif /* VOIPFW_SDP_H */
