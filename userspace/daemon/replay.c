// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay.c - the engine over a pcap file, through the daemon's pipeline:
 * UDP payloads are messages, TCP segments go through sipstream.
 *
 * Output, for a SIP datagram:
 *   T.ttt SRC.PORT > DST.PORT WHAT
 *       pinhole open|close udp ADDR PORT [from PEER] call CALL-ID
 *       verdict pass|drop REASON
 * for a TCP segment with payload (payload-less ones print nothing):
 *   T.ttt SRC.PORT > DST.PORT tcp seq SEQ len LEN[ fin][ rst]
 *       message WHAT                      for each message it completes,
 *       pinhole open|close ...            each with its pinholes
 *       verdict pass|drop REASON          and verdict
 *       segment pass|drop
 * Media in the capture is checked against the pinholes as the kernel
 * would (including their idle timeout) and counted in the summary; a
 * second summary line counts TCP segments, when there were any.
 * doc/voipfwd.8 documents this format: keep the two in step.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "engine/netpkt.h"
#include "engine/sipstream.h"
#include "replay.h"
#include "sip/sip.h"

#define REPLAY_MAX_LIVE		4096

/* TCP flags as netpkt reports them */
#define REPLAY_TCP_FIN		0x01
#define REPLAY_TCP_RST		0x04

/* A pinhole the simulated kernel holds, with its last refresh. */
struct live_hole {
	struct pinhole	ph;
	uint64_t	seen_ms;
};

struct replay {
	FILE			*out;
	const struct voipfwd_config *cfg;
	struct engine		*engine;
	struct sipstream_table	*streams;
	struct live_hole	live[REPLAY_MAX_LIVE];
	unsigned int		n_live;
	struct pinhole		pending[DIALOG_MAX_PINHOLES * 2];
	bool			pending_add[DIALOG_MAX_PINHOLES * 2];
	unsigned int		n_pending;
	uint64_t		now_ms;
	uint64_t		media_pass;
	uint64_t		media_drop;
	uint64_t		lost_holes;
	uint64_t		tcp_segments;
	uint64_t		tcp_pass;
	uint64_t		tcp_drop;
};

static int rp_queue(struct replay *r, const struct pinhole *ph, bool add)
{
	if (r->n_pending >= sizeof(r->pending) / sizeof(r->pending[0])) {
		errno = ENOSPC;
		return -1;
	}
	r->pending[r->n_pending] = *ph;
	r->pending_add[r->n_pending++] = add;
	return 0;
}

static int rp_add(void *ctx, const struct pinhole *ph)
{
	return rp_queue(ctx, ph, true);
}

static int rp_del(void *ctx, const struct pinhole *ph)
{
	return rp_queue(ctx, ph, false);
}

static int rp_find(const struct replay *r, const struct pinhole *ph)
{
	unsigned int i;

	for (i = 0; i < r->n_live; i++)
		if (pinhole_same_key(&r->live[i].ph, ph))
			return (int)i;
	return -1;
}

static int rp_commit(void *ctx)
{
	struct replay *r = ctx;
	char buf[320];
	unsigned int i;

	for (i = 0; i < r->n_pending; i++) {
		const struct pinhole *ph = &r->pending[i];
		int at = rp_find(r, ph);

		fprintf(r->out, "    pinhole %s %s\n",
			r->pending_add[i] ? "open" : "close",
			pinhole_format(ph, buf, sizeof(buf)));
		if (r->pending_add[i] && at < 0 && r->n_live < REPLAY_MAX_LIVE) {
			r->live[r->n_live].ph = *ph;
			r->live[r->n_live++].seen_ms = r->now_ms;
		} else if (r->pending_add[i] && at < 0) {
			r->lost_holes++;
		} else if (!r->pending_add[i] && at >= 0) {
			r->live[at] = r->live[--r->n_live];
		}
	}
	r->n_pending = 0;
	return 0;
}

static const struct pinhole_backend_ops replay_backend_ops = {
	.add	= rp_add,
	.del	= rp_del,
	.commit	= rp_commit,
};

/* The kernel drops idle elements; the simulation does the same. */
static void rp_expire(struct replay *r)
{
	uint64_t timeout = r->cfg->engine.pinhole_timeout_s * 1000ULL;
	unsigned int i = 0;

	while (i < r->n_live) {
		if (r->now_ms - r->live[i].seen_ms > timeout)
			r->live[i] = r->live[--r->n_live];
		else
			i++;
	}
}

static bool rp_alive(void *arg, const struct pinhole *ph)
{
	return rp_find(arg, ph) >= 0;
}

static void rp_log(void *arg, int prio, const char *fmt, ...)
{
	struct replay *r = arg;
	va_list ap;

	(void)prio;
	fprintf(r->out, "    log: ");
	va_start(ap, fmt);
	vfprintf(r->out, fmt, ap);
	va_end(ap);
	fputc('\n', r->out);
}

static void print_endpoint(FILE *out, const struct pkt_meta *m, bool src)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(m->family == 6 ? AF_INET6 : AF_INET,
		  src ? m->saddr : m->daddr, a, sizeof(a));
	fprintf(out, "%s.%u", a, src ? m->sport : m->dport);
}

/* What a message is, for its first line: "INVITE" or "200". */
static void print_what(FILE *out, const char *p, size_t len)
{
	const char *eol = memchr(p, '\r', len > 80 ? 80 : len);
	const char *sp;
	size_t n = eol ? (size_t)(eol - p) : (len > 80 ? 80 : len);

	if (n >= 8 && !memcmp(p, "SIP/2.0 ", 8)) {
		sp = memchr(p + 8, ' ', n - 8);
		fprintf(out, "%.*s", (int)((sp ? sp : p + n) - (p + 8)), p + 8);
		return;
	}
	sp = memchr(p, ' ', n);
	fprintf(out, "%.*s", (int)(sp ? (size_t)(sp - p) : (n > 16 ? 16 : n)),
		p);
}

/* "T.ttt SRC.PORT > DST.PORT ", the start of a packet's first line. */
static void print_packet(const struct replay *r, const struct pkt_meta *m)
{
	fprintf(r->out, "%llu.%03llu ",
		(unsigned long long)(r->now_ms / 1000),
		(unsigned long long)(r->now_ms % 1000));
	print_endpoint(r->out, m, true);
	fprintf(r->out, " > ");
	print_endpoint(r->out, m, false);
	fputc(' ', r->out);
}

/*
 * One message to the engine.  Pinhole lines print at commit, inside
 * engine_message (the replay engine commits at once): the line naming the
 * message is finished before, so they follow it.
 */
static bool judge(struct replay *r, const struct pkt_meta *meta,
		  const char *msg, size_t len)
{
	struct engine_verdict v;

	engine_message(r->engine, meta, msg, len, r->now_ms, &v);
	fprintf(r->out, "    verdict %s %s\n", v.accept ? "pass" : "drop",
		engine_verdict_reason(&v));
	return v.accept;
}

/* sipstream's callback: one whole message of a TCP stream. */
static bool judge_stream_message(void *arg, const struct pkt_meta *meta,
				 const char *msg, size_t len)
{
	struct replay *r = arg;
	size_t skip = 0;

	/* sip_frame_length counts CRLF keep-alives into the next message */
	while (skip < len && (msg[skip] == '\r' || msg[skip] == '\n'))
		skip++;
	fprintf(r->out, "    message ");
	print_what(r->out, msg + skip, len - skip);
	fputc('\n', r->out);
	return judge(r, meta, msg, len);
}

/*
 * A TCP segment to or from a SIP port, as the daemon's on_packet takes
 * it: payload-less ones (handshake, ACK, FIN, RST) reach sipstream too, so
 * a FIN or RST ends the direction's state, but print nothing.
 */
static void tcp_segment(struct replay *r, const struct netpkt *pkt)
{
	bool pass;

	if (pkt->payload_len) {
		print_packet(r, &pkt->meta);
		fprintf(r->out, "tcp seq %u len %zu%s%s\n", pkt->tcp_seq,
			pkt->payload_len,
			pkt->tcp_flags & REPLAY_TCP_FIN ? " fin" : "",
			pkt->tcp_flags & REPLAY_TCP_RST ? " rst" : "");
	}
	pass = sipstream_segment(r->streams, &pkt->meta, pkt->tcp_seq,
				 pkt->tcp_flags, pkt->payload, pkt->payload_len,
				 r->now_ms, judge_stream_message, r);
	if (!pkt->payload_len)
		return;
	r->tcp_segments++;
	if (pass)
		r->tcp_pass++;
	else
		r->tcp_drop++;
	fprintf(r->out, "    segment %s\n", pass ? "pass" : "drop");
}

static void media_packet(struct replay *r, const struct netpkt *pkt)
{
	struct pinhole key;
	int at;
	size_t n = pkt->meta.family == 6 ? 16 : 4;

	memset(&key, 0, sizeof(key));
	key.family = pkt->meta.family;
	memcpy(key.daddr, pkt->meta.daddr, n);
	key.dport = pkt->meta.dport;
	key.has_peer = r->cfg->engine.match == PINHOLE_MATCH_DST_PEER;
	memcpy(key.saddr, pkt->meta.saddr, n);
	at = rp_find(r, &key);
	if (at < 0 && key.has_peer) {
		key.has_peer = false;	/* a side without a known peer */
		at = rp_find(r, &key);
	}
	if (at >= 0) {
		r->live[at].seen_ms = r->now_ms;
		r->media_pass++;
	} else if (r->cfg->table.media_port_min &&
		   pkt->meta.dport >= r->cfg->table.media_port_min &&
		   pkt->meta.dport <= r->cfg->table.media_port_max) {
		r->media_drop++;
	}
}

/* Link-layer header length for the capture's DLT, or -1. */
static int link_offset(int dlt, const uint8_t *p, size_t len)
{
	size_t off;

	switch (dlt) {
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		return 0;
	case DLT_NULL:
	case DLT_LOOP:
		return 4;
	case DLT_LINUX_SLL:
		return 16;
	case DLT_LINUX_SLL2:
		return 20;
	case DLT_EN10MB:
		off = 14;
		/* 802.1Q / 802.1ad tags */
		while (off + 4 <= len && off >= 2 &&
		       ((p[off - 2] == 0x81 && p[off - 1] == 0x00) ||
			(p[off - 2] == 0x88 && p[off - 1] == 0xa8)))
			off += 4;
		return off <= len ? (int)off : -1;
	default:
		return -1;
	}
}

int replay_run(const struct voipfwd_config *cfg, const char *path, FILE *out,
	       char *err, size_t errlen)
{
	char pcap_err[PCAP_ERRBUF_SIZE];
	struct pinhole_backend be = { &replay_backend_ops, NULL };
	struct engine_stats st;
	struct pcap_pkthdr *hdr;
	const u_char *data;
	struct replay *r;
	uint64_t last_tick = 0;
	pcap_t *pc;
	int dlt, rc = -1, n;

	r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r->out = out;
	r->cfg = cfg;
	be.ctx = r;
	pc = pcap_open_offline(path, pcap_err);
	if (!pc) {
		snprintf(err, errlen, "%s", pcap_err);
		goto err_pcap;
	}
	dlt = pcap_datalink(pc);
	r->engine = engine_new(&cfg->engine, &be, rp_log, r);
	if (!r->engine) {
		snprintf(err, errlen, "engine: %s", strerror(errno));
		goto err_engine;
	}
	/* as each daemon worker: 1024 directions, 5 minutes idle */
	r->streams = sipstream_new(1024, 300);
	if (!r->streams) {
		snprintf(err, errlen, "out of memory");
		goto err_streams;
	}
	while ((n = pcap_next_ex(pc, &hdr, &data)) == 1) {
		struct netpkt pkt;
		int off = link_offset(dlt, data, hdr->caplen);

		r->now_ms = (uint64_t)hdr->ts.tv_sec * 1000 +
			    (uint64_t)hdr->ts.tv_usec / 1000;
		if (r->now_ms - last_tick >= 1000) {
			rp_expire(r);
			engine_tick(r->engine, r->now_ms, rp_alive, r);
			sipstream_expire(r->streams, r->now_ms);
			last_tick = r->now_ms;
		}
		if (off < 0 || netpkt_parse(data + off, hdr->caplen - (size_t)off,
					    &pkt))
			continue;
		if (!config_is_sip_port(cfg, pkt.meta.dport) &&
		    !config_is_sip_port(cfg, pkt.meta.sport)) {
			if (pkt.meta.proto == IPPROTO_UDP)
				media_packet(r, &pkt);
			continue;
		}
		if (pkt.meta.proto == IPPROTO_TCP) {
			tcp_segment(r, &pkt);
			continue;
		}
		if (!pkt.payload_len)
			continue;
		print_packet(r, &pkt.meta);
		print_what(out, (const char *)pkt.payload, pkt.payload_len);
		fputc('\n', out);
		judge(r, &pkt.meta, (const char *)pkt.payload, pkt.payload_len);
	}
	if (n == -1) {
		snprintf(err, errlen, "%s: %s", path, pcap_geterr(pc));
		goto out;
	}
	engine_get_stats(r->engine, &st);
	fprintf(out, "summary: %llu messages, %llu passed, %llu dropped; "
		"%llu pinholes opened, %llu closed, %u calls and %u pinholes left; "
		"media %llu passed, %llu dropped\n",
		(unsigned long long)st.messages, (unsigned long long)st.accepted,
		(unsigned long long)st.dropped,
		(unsigned long long)st.pinholes_opened,
		(unsigned long long)st.pinholes_closed, st.dialogs, st.pinholes,
		(unsigned long long)r->media_pass,
		(unsigned long long)r->media_drop);
	if (r->tcp_segments)
		fprintf(out, "summary: tcp %llu segments with payload, "
			"%llu passed, %llu dropped\n",
			(unsigned long long)r->tcp_segments,
			(unsigned long long)r->tcp_pass,
			(unsigned long long)r->tcp_drop);
	rc = 0;
out:
	sipstream_free(r->streams);
err_streams:
	engine_free(r->engine);
err_engine:
	pcap_close(pc);
err_pcap:
	free(r);
	return rc;
}
