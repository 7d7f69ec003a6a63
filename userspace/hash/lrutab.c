// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lrutab.c - fixed-size keyed LRU table (see lrutab.h).
 *
 * Entries live in one array with a fixed stride: a header (chain and LRU
 * links, time), the key, the value.  Links are indices plus one, 0 meaning
 * none, so a zeroed array is valid.  Hash chains hang off a power-of-two
 * bucket array at least as long as the pool.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "hash/lrutab.h"

struct lrutab_hdr {
	uint32_t	hnext;		/* hash chain; the free list when free */
	uint32_t	newer;
	uint32_t	older;
	uint32_t	last_ms;
};

struct lrutab {
	struct siphash_key	hkey;
	uint32_t		capacity;
	uint32_t		key_len;
	uint32_t		val_off;	/* from an entry's start */
	uint32_t		stride;
	uint32_t		mask;
	uint32_t		*heads;
	unsigned char		*pool;
	uint32_t		free;
	uint32_t		newest;
	uint32_t		oldest;
	struct lrutab_stats	stats;
};

#define ALIGN8(x)	(((x) + 7u) & ~7u)

static inline struct lrutab_hdr *hdr(const struct lrutab *t, uint32_t idx)
{
	return (struct lrutab_hdr *)(t->pool + (size_t)(idx - 1) * t->stride);
}

static inline unsigned char *key_of(const struct lrutab *t, uint32_t idx)
{
	return (unsigned char *)hdr(t, idx) + sizeof(struct lrutab_hdr);
}

static inline void *val_of(const struct lrutab *t, uint32_t idx)
{
	return (unsigned char *)hdr(t, idx) + t->val_off;
}

static uint32_t idx_of(const struct lrutab *t, const void *val)
{
	size_t off = (size_t)((const unsigned char *)val - t->pool) - t->val_off;

	return (uint32_t)(off / t->stride) + 1;
}

struct lrutab *lrutab_new(uint32_t capacity, uint32_t key_len,
			  uint32_t val_size, const struct siphash_key *hkey)
{
	struct lrutab *t;
	uint32_t buckets = 1, i;

	if (capacity < 1 || capacity > LRUTAB_CAPACITY_MAX || key_len < 1 ||
	    key_len > LRUTAB_KEY_MAX || val_size > LRUTAB_VAL_MAX) {
		errno = EINVAL;
		return NULL;
	}
	while (buckets < capacity)
		buckets <<= 1;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->hkey = *hkey;
	t->capacity = capacity;
	t->key_len = key_len;
	t->val_off = ALIGN8((uint32_t)sizeof(struct lrutab_hdr) + key_len);
	t->stride = ALIGN8(t->val_off + val_size);
	t->mask = buckets - 1;
	t->heads = calloc(buckets, sizeof(*t->heads));
	if (!t->heads)
		goto err_t;
	t->pool = calloc(capacity, t->stride);
	if (!t->pool)
		goto err_heads;
	for (i = 1; i <= capacity; i++)
		hdr(t, i)->hnext = i < capacity ? i + 1 : 0;
	t->free = 1;
	return t;

err_heads:
	free(t->heads);
err_t:
	free(t);
	errno = ENOMEM;
	return NULL;
}

void lrutab_free(struct lrutab *t)
{
	if (!t)
		return;
	free(t->pool);
	free(t->heads);
	free(t);
}

static uint32_t bucket_of(const struct lrutab *t, const void *key)
{
	return (uint32_t)siphash(&t->hkey, key, t->key_len) & t->mask;
}

static uint32_t find(const struct lrutab *t, const void *key, uint32_t b)
{
	uint32_t idx;

	for (idx = t->heads[b]; idx; idx = hdr(t, idx)->hnext)
		if (!memcmp(key_of(t, idx), key, t->key_len))
			return idx;
	return 0;
}

static void lru_unlink(struct lrutab *t, uint32_t idx)
{
	struct lrutab_hdr *h = hdr(t, idx);

	if (h->newer)
		hdr(t, h->newer)->older = h->older;
	else
		t->newest = h->older;
	if (h->older)
		hdr(t, h->older)->newer = h->newer;
	else
		t->oldest = h->newer;
	h->newer = h->older = 0;
}

static void lru_push(struct lrutab *t, uint32_t idx)
{
	struct lrutab_hdr *h = hdr(t, idx);

	h->newer = 0;
	h->older = t->newest;
	if (t->newest)
		hdr(t, t->newest)->newer = idx;
	t->newest = idx;
	if (!t->oldest)
		t->oldest = idx;
}

static void forget(struct lrutab *t, uint32_t idx)
{
	uint32_t *link = &t->heads[bucket_of(t, key_of(t, idx))];

	while (*link != idx)
		link = &hdr(t, *link)->hnext;
	*link = hdr(t, idx)->hnext;
	lru_unlink(t, idx);
	hdr(t, idx)->hnext = t->free;
	t->free = idx;
	t->stats.entries--;
}

void *lrutab_get(struct lrutab *t, const void *key, uint32_t now_ms,
		 bool create, bool *created)
{
	uint32_t b = bucket_of(t, key), idx = find(t, key, b);

	if (created)
		*created = false;
	if (!idx) {
		if (!create)
			return NULL;
		if (!t->free) {
			/* full: the entry seen longest ago makes room */
			forget(t, t->oldest);
			t->stats.evicted++;
		}
		idx = t->free;
		t->free = hdr(t, idx)->hnext;
		memcpy(key_of(t, idx), key, t->key_len);
		memset(val_of(t, idx), 0, t->stride - t->val_off);
		hdr(t, idx)->hnext = t->heads[b];
		t->heads[b] = idx;
		t->stats.entries++;
		lru_push(t, idx);
		if (created)
			*created = true;
	} else if (t->newest != idx) {
		lru_unlink(t, idx);
		lru_push(t, idx);
	}
	hdr(t, idx)->last_ms = now_ms;
	return val_of(t, idx);
}

void *lrutab_peek(const struct lrutab *t, const void *key)
{
	uint32_t idx = find(t, key, bucket_of(t, key));

	return idx ? val_of(t, idx) : NULL;
}

uint32_t lrutab_last_ms(const struct lrutab *t, const void *val)
{
	return hdr(t, idx_of(t, val))->last_ms;
}

void lrutab_remove(struct lrutab *t, void *val)
{
	forget(t, idx_of(t, val));
}

uint32_t lrutab_expire(struct lrutab *t, uint32_t now_ms, uint32_t idle_ms)
{
	uint32_t n = 0;

	while (t->oldest && now_ms - hdr(t, t->oldest)->last_ms >= idle_ms) {
		forget(t, t->oldest);
		n++;
	}
	t->stats.expired += n;
	return n;
}

void lrutab_walk(const struct lrutab *t,
		 bool (*fn)(const void *key, const void *val, uint32_t last_ms,
			    void *arg),
		 void *arg)
{
	uint32_t idx;

	for (idx = t->newest; idx; idx = hdr(t, idx)->older)
		if (!fn(key_of(t, idx), val_of(t, idx), hdr(t, idx)->last_ms, arg))
			return;
}

void lrutab_stats(const struct lrutab *t, struct lrutab_stats *st)
{
	*st = t->stats;
}
