// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sipstream.c - bounded per-direction reassembly of SIP over TCP, framed
 * by Content-Length (RFC 3261 18.3) through sip_frame_length().
 */
#include <stdlib.h>
#include <string.h>

#include "sipstream.h"
#include "../sip/sip.h"

#define TCP_FIN	0x01
#define TCP_RST	0x04

/**
 * struct sipstream - one direction of one TCP connection.
 * @next_seq:     the sequence number of the next byte expected
 * @refused_from, @refused_to: the bytes of the last refused segment; their
 *                retransmissions are refused again
 * @len:          bytes of an unfinished message held in @buf
 */
struct sipstream {
	bool		used;
	bool		started;
	bool		has_refused;
	uint8_t		family;
	uint16_t	sport;
	uint16_t	dport;
	uint8_t		saddr[16];
	uint8_t		daddr[16];
	uint32_t	next_seq;
	uint32_t	refused_from;
	uint32_t	refused_to;
	uint32_t	len;
	uint64_t	last_ms;
	char		*buf;
};

struct sipstream_table {
	struct sipstream	*s;
	char			*bufs;
	unsigned int		max;
	unsigned int		used;
	uint64_t		idle_ms;
};

struct sipstream_table *sipstream_new(unsigned int max, uint32_t idle_s)
{
	struct sipstream_table *t = calloc(1, sizeof(*t));
	unsigned int i;

	if (!t)
		return NULL;
	t->max = max;
	t->idle_ms = idle_s * 1000ULL;
	t->s = calloc(max, sizeof(*t->s));
	if (!t->s)
		goto err_s;
	/* one block for every buffer, allocated once; calloc leaves the
	 * pages of idle slots untouched */
	t->bufs = calloc(max, SIPSTREAM_BUF);
	if (!t->bufs)
		goto err_bufs;
	for (i = 0; i < max; i++)
		t->s[i].buf = t->bufs + (size_t)i * SIPSTREAM_BUF;
	return t;
err_bufs:
	free(t->s);
err_s:
	free(t);
	return NULL;
}

void sipstream_free(struct sipstream_table *t)
{
	if (!t)
		return;
	free(t->bufs);
	free(t->s);
	free(t);
}

unsigned int sipstream_count(const struct sipstream_table *t)
{
	return t->used;
}

static bool same_dir(const struct sipstream *s, const struct pkt_meta *m)
{
	size_t n = m->family == 6 ? 16 : 4;

	return s->used && s->family == m->family && s->sport == m->sport &&
	       s->dport == m->dport && !memcmp(s->saddr, m->saddr, n) &&
	       !memcmp(s->daddr, m->daddr, n);
}

/* Linear: SIP over TCP is a handful of trunk and phone connections. */
static struct sipstream *stream_find(struct sipstream_table *t,
				     const struct pkt_meta *m, bool create)
{
	struct sipstream *free_slot = NULL;
	unsigned int i;

	for (i = 0; i < t->max; i++) {
		if (same_dir(&t->s[i], m))
			return &t->s[i];
		if (!t->s[i].used && !free_slot)
			free_slot = &t->s[i];
	}
	if (!create || !free_slot)
		return NULL;
	free_slot->used = true;
	free_slot->started = false;
	free_slot->has_refused = false;
	free_slot->family = m->family;
	free_slot->sport = m->sport;
	free_slot->dport = m->dport;
	memcpy(free_slot->saddr, m->saddr, 16);
	memcpy(free_slot->daddr, m->daddr, 16);
	free_slot->len = 0;
	t->used++;
	return free_slot;
}

static void stream_forget(struct sipstream_table *t, struct sipstream *s)
{
	s->used = false;
	s->len = 0;
	t->used--;
}

/* Wrap-around comparisons of sequence numbers (RFC 9293 3.4). */
static bool seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

bool sipstream_segment(struct sipstream_table *t, const struct pkt_meta *meta,
		       uint32_t seq, uint8_t flags, const uint8_t *payload,
		       size_t len, uint64_t now_ms, sipstream_judge_fn judge,
		       void *arg)
{
	struct sipstream *s = stream_find(t, meta, len > 0);
	uint32_t end = seq + (uint32_t)len;
	bool pass = true;
	size_t used = 0;

	if (!s) {
		/* no payload and no state; or no room to follow a new
		 * direction: a segment nobody can judge is refused */
		return len == 0;
	}
	if (!len) {
		if (flags & (TCP_FIN | TCP_RST))
			stream_forget(t, s);
		return true;
	}
	s->last_ms = now_ms;
	if (!s->started) {
		s->started = true;
		s->next_seq = seq;
	}
	/* a retransmission of what was refused is refused again */
	if (s->has_refused && seq_lt(seq, s->refused_to) &&
	    seq_lt(s->refused_from, end))
		return false;
	/* bytes already judged and passed: pass them again */
	if (!seq_lt(s->next_seq, end))
		return true;
	/* out of order, or overlapping: TCP resends it in order */
	if (seq != s->next_seq)
		return false;
	if (s->len + len > SIPSTREAM_BUF) {
		/* no SIP message is that large: refuse, start afresh */
		s->len = 0;
		goto refuse;
	}
	memcpy(s->buf + s->len, payload, len);
	s->len += (uint32_t)len;

	for (;;) {
		long n = sip_frame_length(s->buf + used, s->len - used,
					  SIPSTREAM_HDR_MAX);

		if (n < 0) {		/* unframeable: no Content-Length... */
			pass = false;
			used = s->len;
			break;
		}
		if (n == 0)
			break;
		if (!judge(arg, meta, s->buf + used, (size_t)n))
			pass = false;
		used += (size_t)n;
	}
	memmove(s->buf, s->buf + used, s->len - used);
	s->len -= (uint32_t)used;
	if (pass) {
		s->next_seq = end;
		if (flags & (TCP_FIN | TCP_RST))
			stream_forget(t, s);
		return true;
	}
refuse:
	/*
	 * The segment is dropped, so the receiver has not got it and the
	 * sender will resend the same bytes: remember them.  What the
	 * receiver holds of an unfinished message never gets its end.
	 */
	s->has_refused = true;
	s->refused_from = seq;
	s->refused_to = end;
	s->next_seq = end;
	if (flags & (TCP_FIN | TCP_RST))
		stream_forget(t, s);
	return false;
}

void sipstream_expire(struct sipstream_table *t, uint64_t now_ms)
{
	unsigned int i;

	for (i = 0; i < t->max; i++)
		if (t->s[i].used && now_ms - t->s[i].last_ms > t->idle_ms)
			stream_forget(t, &t->s[i]);
}
