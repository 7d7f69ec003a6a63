// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * srclimit.c - per-source token buckets (see srclimit.h).
 *
 * Tokens are counted in millionths: a rate in thousandths of a message per
 * second times elapsed milliseconds is exactly that, so refills need no
 * division and lose nothing between closely spaced messages.
 *
 * Indices into the pool are stored plus one, 0 meaning none, so that a
 * zeroed table is a valid empty one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "limit/srclimit.h"

#define TOKEN		1000000u	/* one message, in millionths */

/**
 * struct srclimit_entry - one source
 * @addr, @family:  the key (IPv4 in the first 4 bytes, the rest zero)
 * @last_ms:        when its buckets were last refilled
 * @tokens:         per class, millionths of a message
 * @hnext:          hash chain
 * @newer, @older:  LRU list; the free list runs through @hnext
 */
struct srclimit_entry {
	uint8_t		addr[16];
	uint8_t		family;
	uint32_t	last_ms;
	uint32_t	tokens[__SRCLIMIT_CLASS_MAX];
	uint32_t	hnext;
	uint32_t	newer;
	uint32_t	older;
};

struct srclimit {
	struct siphash_key	key;
	uint32_t		capacity;
	uint32_t		mask;		/* buckets - 1 */
	uint32_t		*heads;
	struct srclimit_entry	*pool;
	uint32_t		free;		/* free list */
	uint32_t		newest;
	uint32_t		oldest;
	struct srclimit_stats	stats;
};

struct srclimit *srclimit_new(uint32_t capacity, const struct siphash_key *key)
{
	struct srclimit *sl;
	uint32_t buckets = 1, i;

	if (capacity < 1 || capacity > (1u << 24)) {
		errno = EINVAL;
		return NULL;
	}
	while (buckets < capacity)
		buckets <<= 1;
	sl = calloc(1, sizeof(*sl));
	if (!sl)
		return NULL;
	sl->heads = calloc(buckets, sizeof(*sl->heads));
	if (!sl->heads)
		goto err_sl;
	sl->pool = calloc(capacity, sizeof(*sl->pool));
	if (!sl->pool)
		goto err_heads;
	sl->key = *key;
	sl->capacity = capacity;
	sl->mask = buckets - 1;
	for (i = 0; i < capacity; i++)
		sl->pool[i].hnext = i + 1 < capacity ? i + 2 : 0;
	sl->free = 1;
	return sl;

err_heads:
	free(sl->heads);
err_sl:
	free(sl);
	errno = ENOMEM;
	return NULL;
}

void srclimit_free(struct srclimit *sl)
{
	if (!sl)
		return;
	free(sl->pool);
	free(sl->heads);
	free(sl);
}

static inline struct srclimit_entry *entry(struct srclimit *sl, uint32_t idx)
{
	return &sl->pool[idx - 1];
}

static uint32_t bucket_of(const struct srclimit *sl, uint8_t family,
			  const uint8_t *addr16)
{
	uint8_t key[17];

	key[0] = family;
	memcpy(key + 1, addr16, 16);
	return (uint32_t)siphash(&sl->key, key, sizeof(key)) & sl->mask;
}

static void lru_unlink(struct srclimit *sl, uint32_t idx)
{
	struct srclimit_entry *e = entry(sl, idx);

	if (e->newer)
		entry(sl, e->newer)->older = e->older;
	else
		sl->newest = e->older;
	if (e->older)
		entry(sl, e->older)->newer = e->newer;
	else
		sl->oldest = e->newer;
	e->newer = e->older = 0;
}

static void lru_push_newest(struct srclimit *sl, uint32_t idx)
{
	struct srclimit_entry *e = entry(sl, idx);

	e->newer = 0;
	e->older = sl->newest;
	if (sl->newest)
		entry(sl, sl->newest)->newer = idx;
	sl->newest = idx;
	if (!sl->oldest)
		sl->oldest = idx;
}

/* Take @idx out of its hash chain and the LRU list, onto the free list. */
static void forget(struct srclimit *sl, uint32_t idx)
{
	struct srclimit_entry *e = entry(sl, idx);
	uint32_t *link = &sl->heads[bucket_of(sl, e->family, e->addr)];

	while (*link != idx)
		link = &entry(sl, *link)->hnext;
	*link = e->hnext;
	lru_unlink(sl, idx);
	e->hnext = sl->free;
	sl->free = idx;
	sl->stats.sources--;
}

static uint32_t clamp(uint32_t v, uint32_t max)
{
	return v > max ? max : v;
}

bool srclimit_allow(struct srclimit *sl, int family, const uint8_t *addr,
		    enum srclimit_class cls, const struct srclimit_rates *rates,
		    uint32_t now_ms)
{
	uint8_t a[16] = { 0 };
	uint8_t fam = family == 6 ? 6 : 4;
	struct srclimit_entry *e = NULL;
	uint32_t b, idx, c, elapsed;
	bool fresh = false;

	if (rates->unlimited)
		return true;
	if ((unsigned int)cls >= __SRCLIMIT_CLASS_MAX)
		cls = SRCLIMIT_OTHER;
	memcpy(a, addr, fam == 6 ? 16 : 4);
	b = bucket_of(sl, fam, a);
	for (idx = sl->heads[b]; idx; idx = e->hnext) {
		e = entry(sl, idx);
		if (e->family == fam && !memcmp(e->addr, a, 16))
			break;
	}
	if (!idx) {
		if (!sl->free) {
			/* full: the source seen longest ago makes room */
			forget(sl, sl->oldest);
			sl->stats.evicted++;
		}
		idx = sl->free;
		e = entry(sl, idx);
		sl->free = e->hnext;
		memcpy(e->addr, a, 16);
		e->family = fam;
		e->hnext = sl->heads[b];
		sl->heads[b] = idx;
		sl->stats.sources++;
		lru_push_newest(sl, idx);
		fresh = true;
	} else if (sl->newest != idx) {
		lru_unlink(sl, idx);
		lru_push_newest(sl, idx);
	}

	/* refill every class: a new source starts with full buckets */
	elapsed = now_ms - e->last_ms;
	for (c = 0; c < __SRCLIMIT_CLASS_MAX; c++) {
		uint64_t cap = (uint64_t)clamp(rates->cls[c].burst,
					       SRCLIMIT_BURST_MAX) * TOKEN;
		uint64_t t = fresh ? cap : e->tokens[c] +
			(uint64_t)clamp(rates->cls[c].milli_per_sec,
					SRCLIMIT_RATE_MAX) * elapsed;

		e->tokens[c] = (uint32_t)(t > cap ? cap : t);
	}
	e->last_ms = now_ms;
	if (e->tokens[cls] < TOKEN)
		return false;
	e->tokens[cls] -= TOKEN;
	return true;
}

uint32_t srclimit_expire(struct srclimit *sl, uint32_t now_ms, uint32_t idle_ms)
{
	uint32_t n = 0;

	while (sl->oldest && now_ms - entry(sl, sl->oldest)->last_ms >= idle_ms) {
		forget(sl, sl->oldest);
		n++;
	}
	sl->stats.expired += n;
	return n;
}

void srclimit_stats(const struct srclimit *sl, struct srclimit_stats *st)
{
	*st = sl->stats;
}

/* RFC 3261 7.1: method names are case-sensitive tokens. */
static const struct {
	const char		*name;
	enum srclimit_class	cls;
} class_names[] = {
	{ "REGISTER",	SRCLIMIT_REGISTER },
	{ "INVITE",	SRCLIMIT_INVITE },
	{ "OPTIONS",	SRCLIMIT_OPTIONS },
};

enum srclimit_class srclimit_class_of(const char *method, uint32_t len)
{
	unsigned int i;

	for (i = 0; i < sizeof(class_names) / sizeof(class_names[0]); i++)
		if (strlen(class_names[i].name) == len &&
		    !memcmp(class_names[i].name, method, len))
			return class_names[i].cls;
	return SRCLIMIT_OTHER;
}

const char *srclimit_class_name(enum srclimit_class cls)
{
	static const char *const names[__SRCLIMIT_CLASS_MAX] = {
		[SRCLIMIT_REGISTER] = "register",
		[SRCLIMIT_INVITE] = "invite",
		[SRCLIMIT_OPTIONS] = "options",
		[SRCLIMIT_OTHER] = "other",
	};

	return (unsigned int)cls < __SRCLIMIT_CLASS_MAX ? names[cls] : NULL;
}
