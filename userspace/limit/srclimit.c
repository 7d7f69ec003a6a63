// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * srclimit.c - per-source token buckets (see srclimit.h).
 *
 * Tokens are counted in millionths: a rate in thousandths of a message per
 * second times elapsed milliseconds is exactly that, so refills need no
 * division and lose nothing between closely spaced messages.
 * The table of sources is an lrutab (hash/lrutab.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hash/lrutab.h"
#include "limit/srclimit.h"

#define TOKEN		1000000u	/* one message, in millionths */

/* the key: family, then the address (IPv4 in the first 4 bytes) */
#define KEY_LEN		17

/**
 * struct srclimit_bucket - one source's buckets
 * @tokens: per class, millionths of a message
 */
struct srclimit_bucket {
	uint32_t	tokens[__SRCLIMIT_CLASS_MAX];
};

struct srclimit {
	struct lrutab	*tab;
};

struct srclimit *srclimit_new(uint32_t capacity, const struct siphash_key *key)
{
	struct srclimit *sl = calloc(1, sizeof(*sl));

	if (!sl)
		return NULL;
	sl->tab = lrutab_new(capacity, KEY_LEN, sizeof(struct srclimit_bucket), key);
	if (!sl->tab) {
		int e = errno;

		free(sl);
		errno = e;
		return NULL;
	}
	return sl;
}

void srclimit_free(struct srclimit *sl)
{
	if (!sl)
		return;
	lrutab_free(sl->tab);
	free(sl);
}

static uint32_t clamp(uint32_t v, uint32_t max)
{
	return v > max ? max : v;
}

bool srclimit_allow(struct srclimit *sl, int family, const uint8_t *addr,
		    enum srclimit_class cls, const struct srclimit_rates *rates,
		    uint32_t now_ms)
{
	uint8_t key[KEY_LEN] = { 0 };
	struct srclimit_bucket *b;
	uint32_t c, last, elapsed;
	bool fresh;

	if (rates->unlimited)
		return true;
	if ((unsigned int)cls >= __SRCLIMIT_CLASS_MAX)
		cls = SRCLIMIT_OTHER;
	key[0] = family == 6 ? 6 : 4;
	memcpy(key + 1, addr, key[0] == 6 ? 16 : 4);
	b = lrutab_peek(sl->tab, key);
	last = b ? lrutab_last_ms(sl->tab, b) : now_ms;
	b = lrutab_get(sl->tab, key, now_ms, true, &fresh);

	/* refill every class: a new source starts with full buckets */
	elapsed = now_ms - last;
	for (c = 0; c < __SRCLIMIT_CLASS_MAX; c++) {
		uint64_t cap = (uint64_t)clamp(rates->cls[c].burst,
					       SRCLIMIT_BURST_MAX) * TOKEN;
		uint64_t t = fresh ? cap : b->tokens[c] +
			(uint64_t)clamp(rates->cls[c].milli_per_sec,
					SRCLIMIT_RATE_MAX) * elapsed;

		b->tokens[c] = (uint32_t)(t > cap ? cap : t);
	}
	if (b->tokens[cls] < TOKEN)
		return false;
	b->tokens[cls] -= TOKEN;
	return true;
}

uint32_t srclimit_expire(struct srclimit *sl, uint32_t now_ms, uint32_t idle_ms)
{
	return lrutab_expire(sl->tab, now_ms, idle_ms);
}

void srclimit_stats(const struct srclimit *sl, struct srclimit_stats *st)
{
	struct lrutab_stats ls;

	lrutab_stats(sl->tab, &ls);
	st->sources = ls.entries;
	st->evicted = ls.evicted;
	st->expired = ls.expired;
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
