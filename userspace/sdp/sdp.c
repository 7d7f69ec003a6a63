// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sdp.c - the parts of SDP (RFC 8866) a firewall acts on.
 *
 *   session-description = version-field origin-field session-name-field
 *                         ... *time-description ... *media-description
 *   connection-field = %s"c" "=" nettype SP addrtype SP connection-address
 *   media-field      = %s"m" "=" media SP port ["/" integer] SP proto
 *                      1*(SP fmt)
 *   a=rtcp:<port> [nettype SP addrtype SP connection-address] (RFC 3605)
 *   a=rtcp-mux (RFC 5761), a=crypto (RFC 4568), a=fingerprint (RFC 8122)
 *   a=candidate:<foundation> <component-id> <transport> <priority>
 *               <connection-address> <port> typ <cand-type> ... (RFC 8839)
 *
 * Lines end in CRLF; a bare LF is accepted (RFC 8866 5 asks parsers to).
 * Unknown line types and attributes are ignored.  What a firewall needs
 * in order to open the right ports (c=, m=, a=rtcp, a=candidate) must be
 * well formed, or the whole description is refused: fail closed, since a
 * pinhole opened on a guess is a hole.
 */
#include <string.h>

#include "sdp.h"
#include "../sip/sip_lex.h"
#include "../sip/sip_uri.h"

/* Split @s at single spaces into up to @max fields; returns the count. */
static unsigned int split_fields(struct span s, struct span *f,
				 unsigned int max)
{
	const char *p, *end;
	unsigned int n = 0;

	if (!s.p)
		return 0;
	p = s.p;
	end = s.p + s.len;
	while (p < end && n < max) {
		const char *q;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p >= end)
			break;
		q = p;
		while (q < end && *q != ' ' && *q != '\t')
			q++;
		f[n++] = span_from_to(p, q);
		p = q;
	}
	return n;
}

int sdp_addr_parse(struct span text, enum sdp_addr_family family,
		   struct sdp_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->text = text;
	out->family = family;
	if (family != SDP_AF_IP4 && family != SDP_AF_IP6)
		return -1;
	return sip_ip_parse(text, family == SDP_AF_IP6, out->addr);
}

static int addrtype_parse(struct span nettype, struct span addrtype,
			  enum sdp_addr_family *fam)
{
	if (!span_is(nettype, "IN"))
		return -1;
	if (span_is(addrtype, "IP4"))
		*fam = SDP_AF_IP4;
	else if (span_is(addrtype, "IP6"))
		*fam = SDP_AF_IP6;
	else
		return -1;
	return 0;
}

/* c=IN IP4 <addr>[/<ttl>][/<n>] */
static int conn_parse(struct span v, struct sdp_addr *out,
		      struct sip_diag *diag)
{
	struct span f[4], a;
	enum sdp_addr_family fam;
	const char *slash;

	if (split_fields(v, f, 4) != 3 || addrtype_parse(f[0], f[1], &fam))
		return sip_diag_fatal(diag, SIP_ERR_BAD_SDP,
				      "c= is not IN IP4|IP6 <address>", v);
	a = f[2];
	slash = memchr(a.p, '/', a.len);
	if (slash)
		a = span_from_to(a.p, slash);
	/* A host name would need a DNS lookup per call: refuse it. */
	if (sdp_addr_parse(a, fam, out))
		return sip_diag_fatal(diag, SIP_ERR_BAD_SDP,
				      "c= address is not an IP address", a);
	return 0;
}

static int port_parse(struct span s, uint16_t *port, bool zero_ok)
{
	uint32_t v;

	if (span_to_u32(s, 65535, &v) || (!zero_ok && v == 0))
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static const struct {
	const char	*name;
	enum sdp_proto	proto;
} sdp_protos[] = {
	{ "RTP/AVP",		SDP_PROTO_RTP_AVP },
	{ "RTP/AVPF",		SDP_PROTO_RTP_AVPF },
	{ "RTP/SAVP",		SDP_PROTO_RTP_SAVP },
	{ "RTP/SAVPF",		SDP_PROTO_RTP_SAVPF },
	{ "UDP/TLS/RTP/SAVP",	SDP_PROTO_UDP_TLS_RTP_SAVP },
	{ "UDP/TLS/RTP/SAVPF",	SDP_PROTO_UDP_TLS_RTP_SAVPF },
	{ "udp",		SDP_PROTO_UDP },
	{ "udptl",		SDP_PROTO_UDP },	/* T.38 */
	{ "TCP",		SDP_PROTO_TCP },
	{ "TCP/RTP/AVP",	SDP_PROTO_TCP },
	{ "TCP/TLS/RTP/SAVP",	SDP_PROTO_TCP_TLS_RTP_SAVP },
	{ "TCP/TLS/RTP/SAVPF",	SDP_PROTO_TCP_TLS_RTP_SAVPF },
	{ "TCP/MSRP",		SDP_PROTO_TCP },
	{ "TCP/TLS/MSRP",	SDP_PROTO_TCP },
};

static enum sdp_proto proto_lookup(struct span s)
{
	unsigned int i;

	for (i = 0; i < sizeof(sdp_protos) / sizeof(sdp_protos[0]); i++)
		if (span_eq_ci_str(s, sdp_protos[i].name,
				   strlen(sdp_protos[i].name)))
			return sdp_protos[i].proto;
	return SDP_PROTO_OTHER;
}

/* m=<media> <port>[/<number of ports>] <proto> <fmt> ... */
static int media_parse(struct span v, struct sdp_media *m,
		       struct sip_diag *diag)
{
	struct span f[3], port;
	const char *slash;
	uint32_t n;

	memset(m, 0, sizeof(*m));
	m->nports = 1;
	if (split_fields(v, f, 3) != 3)
		return sip_diag_fatal(diag, SIP_ERR_BAD_SDP,
				      "m= is not <media> <port> <proto> <fmt>",
				      v);
	m->type = f[0];
	port = f[1];
	slash = memchr(port.p, '/', port.len);
	if (slash) {
		/* RFC 8866 5.14: ports from <port> to <port> + 2*(n-1) */
		if (span_to_u32(span_from_to(slash + 1, port.p + port.len),
				SDP_MAX_MEDIA, &n) || n == 0)
			return sip_diag_fatal(diag, SIP_ERR_BAD_SDP,
					      "m= port count not 1-16", port);
		m->nports = (uint16_t)n;
		port = span_from_to(port.p, slash);
	}
	if (port_parse(port, &m->port, true) ||
	    (uint32_t)m->port + 2u * (m->nports - 1u) + 1u > 65535u)
		return sip_diag_fatal(diag, SIP_ERR_BAD_SDP,
				      "m= port out of range", f[1]);
	m->proto_text = f[2];
	m->proto = proto_lookup(f[2]);
	m->fmts = span_from_to(f[2].p + f[2].len, v.p + v.len);
	m->fmts = span_from_to(lex_skip_sws(m->fmts.p, v.p + v.len),
			       v.p + v.len);
	if (!m->fmts.len)	/* media-field ends in 1*(SP fmt) */
		sip_diag_strict(diag, SIP_ERR_BAD_SDP, "m= without a format",
				v);
	return 0;
}

/* a=rtcp:<port> [IN IP4|IP6 <addr>] */
static int rtcp_parse(struct span v, struct sdp_media *m,
		      struct sip_diag *diag)
{
	struct span f[4];
	enum sdp_addr_family fam;
	unsigned int n = split_fields(v, f, 4);

	if ((n != 1 && n != 4) || port_parse(f[0], &m->rtcp_port, false))
		return sip_diag_fatal(diag, SIP_ERR_BAD_SDP,
				      "a=rtcp is not <port> [IN IP4|IP6 <addr>]",
				      v);
	if (n == 4 && (addrtype_parse(f[1], f[2], &fam) ||
		       sdp_addr_parse(f[3], fam, &m->rtcp_addr)))
		return sip_diag_fatal(diag, SIP_ERR_BAD_SDP,
				      "a=rtcp address is not an IP address",
				      v);
	return 0;
}

/* a=candidate:<foundation> <component> <transport> <prio> <addr> <port> */
static int candidate_parse(struct span v, struct sdp_media *m,
			   struct sip_diag *diag)
{
	struct span f[6];
	struct sdp_candidate *c;
	uint32_t comp;
	bool v6;

	if (split_fields(v, f, 6) != 6 ||
	    span_to_u32(f[1], 256, &comp) || comp == 0)
		return sip_diag_fatal(diag, SIP_ERR_BAD_SDP,
				      "a=candidate is malformed", v);
	if (m->n_candidates >= SDP_MAX_CANDIDATES) {
		m->n_candidates++;
		return 0;
	}
	c = &m->candidates[m->n_candidates];
	c->component = (uint8_t)comp;
	c->udp = span_is(f[2], "udp");
	v6 = memchr(f[4].p, ':', f[4].len) != NULL;
	/* mDNS (".local") candidates name no address a firewall can open */
	if (sdp_addr_parse(f[4], v6 ? SDP_AF_IP6 : SDP_AF_IP4, &c->addr))
		return 0;
	if (port_parse(f[5], &c->port, false))
		return sip_diag_fatal(diag, SIP_ERR_BAD_SDP,
				      "a=candidate port out of range", v);
	m->n_candidates++;
	return 0;
}

static const char *const sdp_direction_names[] = {
	[SDP_DIR_SENDRECV]	= "sendrecv",
	[SDP_DIR_SENDONLY]	= "sendonly",
	[SDP_DIR_RECVONLY]	= "recvonly",
	[SDP_DIR_INACTIVE]	= "inactive",
};

const char *sdp_direction_str(enum sdp_direction d)
{
	if ((unsigned int)d >= sizeof(sdp_direction_names) /
			       sizeof(sdp_direction_names[0]))
		return "?";
	return sdp_direction_names[d];
}

struct sdp_state {
	uint32_t	dir_set;	/* bit per media: a= direction seen */
	uint32_t	conn_set;	/* bit per media: media c= seen */
	bool		session_conn;
};

/* An attribute handler; @m is NULL at session level. */
typedef int (*sdp_attr_fn)(struct span val, struct sdp *sdp,
			   struct sdp_media *m, struct sdp_state *st,
			   struct sip_diag *diag, unsigned int arg);

static int attr_direction(struct span val, struct sdp *sdp,
			  struct sdp_media *m, struct sdp_state *st,
			  struct sip_diag *diag, unsigned int dir)
{
	(void)val;
	(void)diag;
	if (m) {
		m->direction = (enum sdp_direction)dir;
		st->dir_set |= 1u << (sdp->n_media - 1);
	} else {
		sdp->direction = (enum sdp_direction)dir;
	}
	return 0;
}

static int attr_fingerprint(struct span val, struct sdp *sdp,
			    struct sdp_media *m, struct sdp_state *st,
			    struct sip_diag *diag, unsigned int arg)
{
	(void)val, (void)st, (void)diag, (void)arg;
	if (m)
		m->fingerprint = true;
	else
		sdp->fingerprint = true;
	return 0;
}

static int attr_rtcp(struct span val, struct sdp *sdp, struct sdp_media *m,
		     struct sdp_state *st, struct sip_diag *diag,
		     unsigned int arg)
{
	(void)sdp, (void)st, (void)arg;
	return m ? rtcp_parse(val, m, diag) : 0;
}

static int attr_rtcp_mux(struct span val, struct sdp *sdp,
			 struct sdp_media *m, struct sdp_state *st,
			 struct sip_diag *diag, unsigned int arg)
{
	(void)val, (void)sdp, (void)st, (void)diag, (void)arg;
	if (m)
		m->rtcp_mux = true;
	return 0;
}

static int attr_crypto(struct span val, struct sdp *sdp, struct sdp_media *m,
		       struct sdp_state *st, struct sip_diag *diag,
		       unsigned int arg)
{
	(void)val, (void)sdp, (void)st, (void)diag, (void)arg;
	if (m)
		m->crypto = true;
	return 0;
}

static int attr_candidate(struct span val, struct sdp *sdp,
			  struct sdp_media *m, struct sdp_state *st,
			  struct sip_diag *diag, unsigned int arg)
{
	(void)sdp, (void)st, (void)arg;
	return m ? candidate_parse(val, m, diag) : 0;
}

/* The attributes a firewall acts on; all others are skipped (RFC 8866 5). */
static const struct {
	const char	*name;
	uint8_t		len;
	sdp_attr_fn	fn;
	unsigned int	arg;
} sdp_attrs[] = {
#define ATTR(n, f, a) { n, sizeof(n) - 1, f, a }
	ATTR("rtcp",		attr_rtcp,		0),
	ATTR("rtcp-mux",	attr_rtcp_mux,		0),
	ATTR("crypto",		attr_crypto,		0),
	ATTR("sendrecv",	attr_direction,		SDP_DIR_SENDRECV),
	ATTR("sendonly",	attr_direction,		SDP_DIR_SENDONLY),
	ATTR("recvonly",	attr_direction,		SDP_DIR_RECVONLY),
	ATTR("inactive",	attr_direction,		SDP_DIR_INACTIVE),
	ATTR("candidate",	attr_candidate,		0),
	ATTR("fingerprint",	attr_fingerprint,	0),
#undef ATTR
};

/* a=<name>[:<value>] at session (@m NULL) or media level */
static int attr_parse(struct span v, struct sdp *sdp, struct sdp_media *m,
		      struct sdp_state *st, struct sip_diag *diag)
{
	const char *colon = memchr(v.p, ':', v.len);
	struct span name = span_from_to(v.p, colon ? colon : v.p + v.len);
	struct span val = colon ? span_from_to(colon + 1, v.p + v.len)
				: SPAN_NULL;
	unsigned int i;

	for (i = 0; i < sizeof(sdp_attrs) / sizeof(sdp_attrs[0]); i++)
		if (name.len == sdp_attrs[i].len &&
		    (name.p[0] | 0x20) == sdp_attrs[i].name[0] &&
		    span_eq_ci(name, span_make(sdp_attrs[i].name, name.len)))
			return sdp_attrs[i].fn(val, sdp, m, st, diag,
					       sdp_attrs[i].arg);
	return 0;
}

static bool addr_is_zero(const struct sdp_addr *a)
{
	static const uint8_t zero[16];

	return a->family != SDP_AF_NONE &&
	       !memcmp(a->addr, zero, a->family == SDP_AF_IP4 ? 4 : 16);
}

/* Work out each stream's effective address, RTCP and direction. */
static int sdp_resolve(struct sdp *sdp, const struct sdp_state *st,
		       struct sip_diag *diag)
{
	unsigned int i;

	for (i = 0; i < sdp->n_media; i++) {
		struct sdp_media *m = &sdp->media[i];

		if (!(st->conn_set & (1u << i))) {
			if (!st->session_conn && m->port)
				return sip_diag_fatal(diag, SIP_ERR_BAD_SDP,
						      "m= without any c= address",
						      m->type);
			m->conn = sdp->conn;
		}
		if (!(st->dir_set & (1u << i)))
			m->direction = sdp->direction;
		if (sdp->fingerprint)
			m->fingerprint = true;
		if (m->rtcp_mux)
			m->rtcp_port = 0;
		else if (!m->rtcp_port && m->port)
			m->rtcp_port = (uint16_t)(m->port + 1);
		if (m->rtcp_addr.family == SDP_AF_NONE)
			m->rtcp_addr = m->conn;
		m->hold = addr_is_zero(&m->conn);
		switch (m->proto) {
		case SDP_PROTO_RTP_SAVP:
		case SDP_PROTO_RTP_SAVPF:
			m->encrypted = m->crypto || m->fingerprint;
			break;
		case SDP_PROTO_UDP_TLS_RTP_SAVP:
		case SDP_PROTO_UDP_TLS_RTP_SAVPF:
		case SDP_PROTO_TCP_TLS_RTP_SAVP:
		case SDP_PROTO_TCP_TLS_RTP_SAVPF:
			m->encrypted = m->fingerprint;
			break;
		default:
			m->encrypted = false;
		}
	}
	return 0;
}

int sdp_parse(struct span body, struct sdp *sdp, struct sip_diag *diag)
{
	const char *p = body.p, *end = body.p + body.len;
	struct sdp_state st = { 0 };
	struct sdp_media *m = NULL;
	bool first = true, seen_o = false, seen_s = false, seen_t = false;

	memset(&sdp->conn, 0, sizeof(sdp->conn));
	sdp->direction = SDP_DIR_SENDRECV;
	sdp->fingerprint = false;
	sdp->n_media = 0;

	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		const char *next = lf ? lf + 1 : end, *stop = lf ? lf : end;
		struct span v;
		char type;

		if (stop > p && stop[-1] == '\r')
			stop--;
		if (stop == p) {	/* empty line: tolerated at the end */
			p = next;
			continue;
		}
		if (stop - p < 2 || p[1] != '=')
			return sip_diag_fatal(diag, SIP_ERR_BAD_SDP,
					      "line is not <type>=<value>",
					      span_from_to(p, stop));
		type = p[0];
		v = span_from_to(p + 2, stop);
		if (first) {
			/* version-field = %s"v" "=" "0" CRLF */
			if (type != 'v' || !span_is(v, "0"))
				return sip_diag_fatal(diag, SIP_ERR_BAD_SDP,
						      "does not start with v=0",
						      span_from_to(p, stop));
			first = false;
			p = next;
			continue;
		}
		switch (type) {
		case 'o': {
			/* the origin names no media: only its shape counts */
			struct span f[6];

			seen_o = true;
			if (sip_diag_wants_strict(diag) &&
			    split_fields(v, f, 6) != 6)
				sip_diag_strict(diag, SIP_ERR_BAD_SDP,
						"o= has not 6 fields", v);
			break;
		}
		case 's':
			seen_s = true;
			break;
		case 't':
			seen_t = true;
			break;
		case 'c':
			if (conn_parse(v, m ? &m->conn : &sdp->conn, diag))
				return -1;
			if (m)
				st.conn_set |= 1u << (sdp->n_media - 1);
			else
				st.session_conn = true;
			break;
		case 'm':
			if (sdp->n_media >= SDP_MAX_MEDIA)
				return sip_diag_fatal(diag, SIP_ERR_BAD_SDP,
						      "more m= lines than voipfw tracks",
						      v);
			m = &sdp->media[sdp->n_media];
			if (media_parse(v, m, diag))
				return -1;
			m->section.p = p;
			sdp->n_media++;
			break;
		case 'a':
			if (attr_parse(v, sdp, m, &st, diag))
				return -1;
			break;
		default:
			if (type < 'a' || type > 'z')
				return sip_diag_fatal(diag, SIP_ERR_BAD_SDP,
						      "line type is not a letter",
						      span_from_to(p, stop));
			break;
		}
		if (m)
			m->section = span_from_to(m->section.p, next);
		p = next;
	}
	if (first)
		return sip_diag_fatal(diag, SIP_ERR_BAD_SDP, "empty SDP", body);
	if (!seen_o || !seen_s || !seen_t)
		sip_diag_strict(diag, SIP_ERR_BAD_SDP,
				"o=, s= or t= missing", SPAN_NULL);
	return sdp_resolve(sdp, &st, diag);
}

int sdp_stream_next(const struct sdp *sdp, unsigned int *iter,
		    struct sdp_stream *st)
{
	/* *iter = media index * SDP_MAX_MEDIA + port index */
	for (;;) {
		unsigned int mi = *iter / SDP_MAX_MEDIA, k = *iter % SDP_MAX_MEDIA;
		const struct sdp_media *m;

		if (mi >= sdp->n_media)
			return 0;
		m = &sdp->media[mi];
		if (!m->port || k >= m->nports) {
			*iter = (mi + 1) * SDP_MAX_MEDIA;
			continue;
		}
		(*iter)++;
		st->media = m;
		st->addr = &m->conn;
		st->rtp_port = (uint16_t)(m->port + 2 * k);
		st->rtcp_addr = &m->rtcp_addr;
		if (m->rtcp_mux)
			st->rtcp_port = 0;
		else if (k == 0)
			st->rtcp_port = m->rtcp_port;
		else
			st->rtcp_port = (uint16_t)(st->rtp_port + 1);
		return 1;
	}
}

int sdp_fmt_next(const struct sdp_media *m, size_t *pos, struct span *fmt)
{
	const char *p = m->fmts.p + *pos, *end = m->fmts.p + m->fmts.len;
	const char *q;

	if (!m->fmts.p)
		return 0;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end)
		return 0;
	q = p;
	while (q < end && *q != ' ' && *q != '\t')
		q++;
	*fmt = span_from_to(p, q);
	*pos = (size_t)(q - m->fmts.p);
	return 1;
}

/* RFC 3551 table 4: the static audio payload types still in use */
static const struct {
	uint8_t		pt;
	const char	*name;
} static_pts[] = {
	{ 0, "PCMU" }, { 3, "GSM" }, { 4, "G723" }, { 8, "PCMA" },
	{ 9, "G722" }, { 15, "G728" }, { 18, "G729" },
};

int sdp_codec(const struct sdp_media *m, struct span fmt, struct span *name)
{
	const char *p = m->section.p, *end = m->section.p + m->section.len;
	uint32_t pt, v;
	unsigned int i;

	if (span_to_u32(fmt, 127, &pt))
		return 0;	/* not a payload type */
	while (p && p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		const char *stop = lf ? lf : end, *q, *n;

		if (stop > p && stop[-1] == '\r')
			stop--;
		/* a=rtpmap:<payload type> SP <encoding name>/... */
		if (stop - p > 9 && span_is(span_make(p, 9), "a=rtpmap:")) {
			q = p + 9;
			n = q;
			while (n < stop && *n != ' ')
				n++;
			if (!span_to_u32(span_from_to(q, n), 127, &v) && v == pt) {
				while (n < stop && *n == ' ')
					n++;
				q = n;
				while (q < stop && *q != '/' && *q != ' ')
					q++;
				if (q > n) {
					*name = span_from_to(n, q);
					return 1;
				}
			}
		}
		p = lf ? lf + 1 : end;
	}
	for (i = 0; i < sizeof(static_pts) / sizeof(static_pts[0]); i++)
		if (static_pts[i].pt == pt) {
			*name = span_make(static_pts[i].name,
					  strlen(static_pts[i].name));
			return 1;
		}
	return 0;
}
