/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * distinct.h - how many distinct things (users probed, addresses swept)
 * one source touched within a sliding window: a 128-bit bitmap of their
 * hashes per fixed window (limit/window.h), the running one and the one
 * before, counted by linear counting (Whang et al. 1990): an estimate,
 * about right for a few and some 7% off at 48.  32 bytes a source.
 */
#ifndef VOIPFW_DISTINCT_H
#define VOIPFW_DISTINCT_H

#include <stdint.h>
#include <string.h>

#include "limit/window.h"

/* the highest count worth asking for: beyond it 128 bits saturate fast */
#define DISTINCT_MAX	48

/**
 * struct distinct - @cur, @prev: the bitmaps of the running window and
 * the one before (the window itself is the caller's struct window)
 */
struct distinct {
	uint64_t	cur[2];
	uint64_t	prev[2];
};

/* Follow the caller's window_roll() of the same window. */
static inline void distinct_roll(struct distinct *d, enum window_roll r)
{
	switch (r) {
	case WINDOW_SAME:
		break;
	case WINDOW_NEXT:
		memcpy(d->prev, d->cur, sizeof(d->prev));
		memset(d->cur, 0, sizeof(d->cur));
		break;
	case WINDOW_GAP:
		memset(d, 0, sizeof(*d));
		break;
	}
}

/* One more thing, by a hash of it (a keyed one: siphash). */
static inline void distinct_add(struct distinct *d, uint64_t hash)
{
	d->cur[(hash >> 6) & 1] |= 1ULL << (hash & 63);
}

/* The estimate over both windows. */
uint32_t distinct_count(const struct distinct *d);

#endif /* VOIPFW_DISTINCT_H */
