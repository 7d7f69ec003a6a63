/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * window.h - a sliding-window counter from two fixed windows: the
 * running one and the one before, the latter weighted by how much of it
 * still lies inside the sliding window (the count a true sliding window
 * would see if the earlier events were spread evenly).  Eight bytes of
 * state a counter, no allocation.
 */
#ifndef VOIPFW_WINDOW_H
#define VOIPFW_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

/**
 * struct window - @start: when the running window began; @cur, @prev:
 * counts of the running window and the one before
 */
struct window {
	uint32_t	start;
	uint32_t	cur;
	uint32_t	prev;
};

enum window_roll {
	WINDOW_SAME,	/* still the running window */
	WINDOW_NEXT,	/* the next one: the running one became the earlier */
	WINDOW_GAP,	/* after a gap of more than a window: both empty */
};

static inline void window_init(struct window *w, uint32_t now)
{
	w->start = now;
	w->cur = w->prev = 0;
}

/* Bring @w up to @now for windows of @span ms. */
static inline enum window_roll window_roll(struct window *w, uint32_t now,
					   uint32_t span)
{
	uint32_t age = now - w->start;

	if (age < span)
		return WINDOW_SAME;
	if (age < 2 * span) {
		w->prev = w->cur;
		w->cur = 0;
		w->start += span;
		return WINDOW_NEXT;
	}
	w->prev = w->cur = 0;
	w->start = now;
	return WINDOW_GAP;
}

/* The sliding count at @now (after window_roll()). */
static inline uint32_t window_count(const struct window *w, uint32_t now,
				    uint32_t span)
{
	uint32_t into = now - w->start;

	return w->cur + (uint32_t)((uint64_t)w->prev * (span - into) / span);
}

#endif /* VOIPFW_WINDOW_H */
