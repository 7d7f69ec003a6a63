// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dialog.c - the call table and what a call's session implies.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dialog.h"

/**
 * struct desc_pool - @max objects of @size bytes, allocated once and
 * touched only as far as ever used at once.
 * @fresh: objects never used yet start here
 * @free:  free list, linked through each free object's first bytes
 */
struct desc_pool {
	char		*mem;
	size_t		size;
	unsigned int	max;
	unsigned int	fresh;
	void		*free;
};

/**
 * struct dialog_table - a fixed pool with chained hashing.
 * @pool:    @max entries, allocated once
 * @buckets: heads of the hash chains (index + 1; 0 is empty)
 * @free:    head of the free list, linked through dialog.next
 * @fresh:   entries never used yet start here (so the pool is touched,
 *           and made resident, only as far as calls ever reached)
 * @offers:  pending offers (struct media_desc), one at most a call
 * @sessions: sessions not in the compact form (struct media_desc[2])
 */
struct dialog_table {
	struct dialog	*pool;
	uint32_t	*buckets;
	unsigned int	n_buckets;
	unsigned int	max;
	unsigned int	used;
	uint32_t	free;
	unsigned int	fresh;
	struct desc_pool offers;
	struct desc_pool sessions;
};

static int desc_pool_init(struct desc_pool *p, size_t size, unsigned int max)
{
	/* calloc: untouched objects cost no resident memory */
	p->mem = calloc(max, size);
	p->size = size;
	p->max = max;
	p->fresh = 0;
	p->free = NULL;
	return p->mem ? 0 : -1;
}

static void *desc_pool_get(struct desc_pool *p)
{
	void *obj;

	if (p->free) {
		obj = p->free;
		memcpy(&p->free, obj, sizeof(p->free));
	} else if (p->fresh < p->max) {
		obj = p->mem + (size_t)p->fresh++ * p->size;
	} else {
		errno = ENOSPC;
		return NULL;
	}
	return obj;
}

static void desc_pool_put(struct desc_pool *p, void *obj)
{
	memcpy(obj, &p->free, sizeof(p->free));
	p->free = obj;
}

/* FNV-1a, 64 bit: cheap and good enough for keys chosen by peers once
 * lookups compare the stored bytes as well. */
uint64_t dialog_hash(struct span call_id)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < call_id.len; i++) {
		h ^= (uint8_t)call_id.p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

int dialog_key_of(struct span call_id, struct dialog_key *key)
{
	if (!call_id.len || call_id.len > DIALOG_CALL_ID_MAX)
		return -1;
	key->hash = dialog_hash(call_id);
	key->len = (uint8_t)call_id.len;
	key->prefix = call_id.p;
	return 0;
}

struct dialog_table *dialog_table_new(unsigned int max)
{
	struct dialog_table *t;

	if (!max || max > (1u << 24)) {
		errno = EINVAL;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->max = max;
	for (t->n_buckets = 64; t->n_buckets < max; t->n_buckets <<= 1)
		;
	/* calloc: untouched entries cost no resident memory */
	t->pool = calloc(max, sizeof(*t->pool));
	if (!t->pool)
		goto err_pool;
	t->buckets = calloc(t->n_buckets, sizeof(*t->buckets));
	if (!t->buckets)
		goto err_buckets;
	if (desc_pool_init(&t->offers, sizeof(struct media_desc), max))
		goto err_offers;
	if (desc_pool_init(&t->sessions, 2 * sizeof(struct media_desc), max))
		goto err_sessions;
	t->free = 0;
	t->fresh = 0;
	return t;
err_sessions:
	free(t->offers.mem);
err_offers:
	free(t->buckets);
err_buckets:
	free(t->pool);
err_pool:
	free(t);
	return NULL;
}

void dialog_table_free(struct dialog_table *t)
{
	if (!t)
		return;
	free(t->sessions.mem);
	free(t->offers.mem);
	free(t->buckets);
	free(t->pool);
	free(t);
}

unsigned int dialog_count(const struct dialog_table *t)
{
	return t->used;
}

unsigned int dialog_capacity(const struct dialog_table *t)
{
	return t->max;
}

static bool key_matches(const struct dialog *d, const struct dialog_key *k)
{
	size_t keep = k->len < DIALOG_CALL_ID_KEEP ? k->len : DIALOG_CALL_ID_KEEP;

	return d->call_id_hash == k->hash && d->call_id_len == k->len &&
	       !memcmp(d->call_id, k->prefix, keep);
}

struct dialog *dialog_find(struct dialog_table *t, const struct dialog_key *k)
{
	uint32_t i = t->buckets[k->hash & (t->n_buckets - 1)];

	while (i) {
		struct dialog *d = &t->pool[i - 1];

		if (key_matches(d, k))
			return d;
		i = d->next;
	}
	return NULL;
}

struct dialog *dialog_create(struct dialog_table *t, const struct dialog_key *k)
{
	uint32_t *head = &t->buckets[k->hash & (t->n_buckets - 1)];
	size_t keep = k->len < DIALOG_CALL_ID_KEEP ? k->len : DIALOG_CALL_ID_KEEP;
	struct dialog *d;
	uint32_t i;

	if (t->free) {
		i = t->free;
		d = &t->pool[i - 1];
		t->free = d->next;
	} else if (t->fresh < t->max) {
		i = ++t->fresh;
		d = &t->pool[i - 1];
	} else {
		return NULL;
	}
	memset(d, 0, sizeof(*d));
	d->state = DIALOG_TRYING;
	d->call_id_hash = k->hash;
	d->call_id_len = k->len;
	memcpy(d->call_id, k->prefix, keep);
	d->next = *head;
	*head = i;
	t->used++;
	return d;
}

void dialog_destroy(struct dialog_table *t, struct dialog *d)
{
	uint32_t idx = (uint32_t)(d - t->pool) + 1;
	uint32_t *link = &t->buckets[d->call_id_hash & (t->n_buckets - 1)];

	while (*link && *link != idx)
		link = &t->pool[*link - 1].next;
	if (*link)
		*link = d->next;
	if (d->offer)
		desc_pool_put(&t->offers, d->offer);
	if (d->act_full)
		desc_pool_put(&t->sessions, d->act_full);
	memset(d, 0, sizeof(*d));
	d->next = t->free;
	t->free = idx;
	t->used--;
}

struct dialog *dialog_next(struct dialog_table *t, unsigned int *cursor)
{
	while (*cursor < t->fresh) {
		struct dialog *d = &t->pool[(*cursor)++];

		if (d->state != DIALOG_FREE)
			return d;
	}
	return NULL;
}

int dialog_set_offer(struct dialog_table *t, struct dialog *d,
		     enum dialog_side side, const struct media_desc *m)
{
	if (!d->offer && !(d->offer = desc_pool_get(&t->offers)))
		return -1;
	*d->offer = *m;
	d->offer_side = (uint8_t)side;
	return 0;
}

void dialog_drop_offer(struct dialog_table *t, struct dialog *d)
{
	if (!d->offer)
		return;
	desc_pool_put(&t->offers, d->offer);
	d->offer = NULL;
}

static const uint8_t zero_line[sizeof(struct media_line)];

/* Can @act be stored as act_n and act_line, exactly? */
static bool session_compact(const struct media_desc act[2])
{
	unsigned int side, i;

	for (side = 0; side < 2; side++) {
		const struct media_desc *m = &act[side];

		if (m->n > 1 || memcmp(m->m[0].rtcp_addr, m->m[0].addr,
				       sizeof(m->m[0].addr)))
			return false;
		for (i = 1; i < DIALOG_MAX_STREAMS; i++)
			if (memcmp(&m->m[i], zero_line, sizeof(zero_line)))
				return false;
	}
	return true;
}

void dialog_session(const struct dialog *d, struct media_desc act[2])
{
	unsigned int side;

	if (d->act_full) {
		memcpy(act, d->act_full, 2 * sizeof(*act));
		return;
	}
	memset(act, 0, 2 * sizeof(*act));
	for (side = 0; side < 2; side++) {
		const struct dialog_line *l = &d->act_line[side];
		struct media_line *ml = &act[side].m[0];

		act[side].n = d->act_n[side];
		ml->family = l->family;
		ml->receives = l->receives;
		ml->sends = l->sends;
		ml->mux = l->mux;
		ml->rtp_port = l->rtp_port;
		ml->rtcp_port = l->rtcp_port;
		memcpy(ml->addr, l->addr, sizeof(ml->addr));
		memcpy(ml->rtcp_addr, l->addr, sizeof(ml->rtcp_addr));
	}
}

int dialog_set_session(struct dialog_table *t, struct dialog *d,
		       const struct media_desc act[2])
{
	unsigned int side;

	if (!session_compact(act)) {
		if (!d->act_full && !(d->act_full = desc_pool_get(&t->sessions)))
			return -1;
		memcpy(d->act_full, act, 2 * sizeof(*act));
		return 0;
	}
	if (d->act_full) {
		desc_pool_put(&t->sessions, d->act_full);
		d->act_full = NULL;
	}
	for (side = 0; side < 2; side++) {
		const struct media_line *ml = &act[side].m[0];
		struct dialog_line *l = &d->act_line[side];

		d->act_n[side] = act[side].n;
		l->family = ml->family;
		l->receives = ml->receives;
		l->sends = ml->sends;
		l->mux = ml->mux;
		l->rtp_port = ml->rtp_port;
		l->rtcp_port = ml->rtcp_port;
		memcpy(l->addr, ml->addr, sizeof(l->addr));
	}
	return 0;
}

static void addr_copy(uint8_t *dst, const struct sdp_addr *a)
{
	memcpy(dst, a->addr, a->family == SDP_AF_IP6 ? 16 : 4);
}

int media_desc_from_sdp(const struct sdp *sdp, struct media_desc *out)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	/* removed streams stay as port 0 lines (RFC 3264 8.2): only enabled
	 * ones beyond the limit are refused */
	for (i = DIALOG_MAX_STREAMS; i < sdp->n_media; i++)
		if (sdp->media[i].port)
			return -1;
	/* m= lines keep their index: an answer's Nth line answers the
	 * offer's Nth (RFC 3264 6) */
	for (i = 0; i < sdp->n_media && i < DIALOG_MAX_STREAMS; i++) {
		const struct sdp_media *sm = &sdp->media[i];
		struct media_line *ml = &out->m[i];

		if (!sm->port || sm->conn.family == SDP_AF_NONE)
			continue;	/* disabled stream: family stays 0 */
		ml->family = sm->conn.family == SDP_AF_IP6 ? 6 : 4;
		addr_copy(ml->addr, &sm->conn);
		ml->rtp_port = sm->port;
		ml->mux = sm->rtcp_mux;
		/* sdp.c reports 0 for a muxed stream; keep the port RTCP uses
		 * if the other side does not mux */
		ml->rtcp_port = sm->rtcp_mux ? (uint16_t)(sm->port + 1)
					     : sm->rtcp_port;
		if (sm->rtcp_addr.family == sm->conn.family)
			addr_copy(ml->rtcp_addr, &sm->rtcp_addr);
		else
			memcpy(ml->rtcp_addr, ml->addr, sizeof(ml->addr));
		/* a held stream (0.0.0.0, RFC 2543) receives nothing */
		ml->receives = !sm->hold &&
			       (sm->direction == SDP_DIR_SENDRECV ||
				sm->direction == SDP_DIR_RECVONLY);
		ml->sends = sm->direction == SDP_DIR_SENDRECV ||
			    sm->direction == SDP_DIR_SENDONLY;
	}
	out->n = (uint8_t)(sdp->n_media < DIALOG_MAX_STREAMS ?
			   sdp->n_media : DIALOG_MAX_STREAMS);
	return 0;
}

void dialog_tag(const struct dialog *d, struct pinhole_tag *tag)
{
	size_t keep = d->call_id_len < DIALOG_CALL_ID_KEEP ?
		      d->call_id_len : DIALOG_CALL_ID_KEEP;

	memset(tag, 0, sizeof(*tag));
	memcpy(tag->call_id, d->call_id, keep);
	tag->call_id_len = (uint8_t)keep;
	tag->call_id_full_len = d->call_id_len;
	tag->call_id_hash = d->call_id_hash;
}

static void pinhole_fill(struct pinhole *ph, const struct dialog *d,
			 uint8_t family, const uint8_t *daddr, uint16_t dport,
			 const uint8_t *peer, uint32_t timeout_ms,
			 unsigned int stream, bool rtcp, unsigned int side)
{
	size_t n = family == 6 ? 16 : 4;

	memset(ph, 0, sizeof(*ph));
	ph->family = family;
	memcpy(ph->daddr, daddr, n);
	ph->dport = dport;
	if (peer) {
		ph->has_peer = true;
		memcpy(ph->saddr, peer, n);
	}
	ph->timeout_ms = timeout_ms;
	dialog_tag(d, &ph->tag);
	ph->tag.stream = (uint8_t)stream;
	ph->tag.rtcp = rtcp;
	ph->tag.side = (uint8_t)side;
}

/* Is out[n] a key already in out[0..n-1] (a port used twice)? */
static bool pinhole_dup(const struct pinhole *out, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (pinhole_same_key(&out[i], &out[n]))
			return true;
	return false;
}

static bool addr_zero(const uint8_t *a, uint8_t family)
{
	static const uint8_t zero[16];

	return !memcmp(a, zero, family == 6 ? 16 : 4);
}

unsigned int dialog_pinholes(const struct dialog *d, enum pinhole_match mode,
			     uint32_t timeout_ms, struct pinhole *out)
{
	struct media_desc act[2];
	unsigned int n = 0, i, side;

	if (!d->has_active)
		return 0;
	dialog_session(d, act);
	/*
	 * Side s receives on stream i when its own description says so and
	 * the other side sends (RFC 3264 6.1: directions are answered in
	 * kind).  The peer address is the other side's c= address, which is
	 * where its media comes from unless a NAT rewrites it.
	 */
	for (i = 0; i < DIALOG_MAX_STREAMS; i++) {
		for (side = 0; side < 2; side++) {
			const struct media_line *rx = &act[side].m[i];
			const struct media_line *tx = &act[!side].m[i];
			const uint8_t *peer = NULL;

			if (i >= act[side].n || i >= act[!side].n ||
			    !rx->family || !tx->family || !rx->receives ||
			    !tx->sends || rx->family != tx->family)
				continue;
			/* a sender on hold (0.0.0.0) names no source */
			if (mode == PINHOLE_MATCH_DST_PEER &&
			    !addr_zero(tx->addr, tx->family))
				peer = tx->addr;
			pinhole_fill(&out[n], d, rx->family, rx->addr,
				     rx->rtp_port, peer, timeout_ms, i, false,
				     side);
			if (!pinhole_dup(out, n))
				n++;
			/* RTCP rides on RTP only if both sides mux */
			if (rx->rtcp_port && !(rx->mux && tx->mux)) {
				pinhole_fill(&out[n], d, rx->family,
					     rx->rtcp_addr, rx->rtcp_port,
					     peer, timeout_ms, i, true, side);
				if (!pinhole_dup(out, n))
					n++;
			}
		}
	}
	return n;
}
