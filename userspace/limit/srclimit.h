/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * srclimit.h - per-source SIP rate limits: one token bucket per source
 * address and method class (REGISTER, INVITE, OPTIONS, the rest), in a
 * table of fixed size allocated once.
 *
 * The table is a hash (SipHash under a per-table random key: sources are
 * the attacker's choice) with chains through a preallocated pool and an
 * LRU list: when it is full, the source seen longest ago gives its slot to
 * the new one.  A flood from spoofed sources therefore costs no memory,
 * only forgetting: a forgotten source comes back with a full bucket.  The
 * kernel's per-source meter (nft) caps raw floods before they get here.
 *
 * Rates are the caller's per check, so a zone, an allowlisted peer or a
 * later reload can use other rates against the same buckets.
 */
#ifndef VOIPFW_SRCLIMIT_H
#define VOIPFW_SRCLIMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "hash/siphash.h"

/**
 * enum srclimit_class - the method classes limited apart
 */
enum srclimit_class {
	SRCLIMIT_REGISTER,
	SRCLIMIT_INVITE,
	SRCLIMIT_OPTIONS,
	SRCLIMIT_OTHER,
	__SRCLIMIT_CLASS_MAX
};

/* Highest burst: the bucket holds micro-tokens in 32 bits. */
#define SRCLIMIT_BURST_MAX	4000u
/* Highest rate, in thousandths of a message per second (10000/s). */
#define SRCLIMIT_RATE_MAX	10000000u

/**
 * struct srclimit_rate - one class's limit
 * @milli_per_sec: sustained rate, thousandths of a message per second
 *                 (500: one message every 2 s); 0 with @burst 0: none pass
 * @burst:         messages that may come at once after a quiet spell (>= 1
 *                 for any to pass)
 */
struct srclimit_rate {
	uint32_t	milli_per_sec;
	uint32_t	burst;
};

/**
 * struct srclimit_rates - a limit per class; @unlimited: no limit at all
 */
struct srclimit_rates {
	struct srclimit_rate	cls[__SRCLIMIT_CLASS_MAX];
	bool			unlimited;
};

struct srclimit;

/**
 * struct srclimit_stats - how the table fares
 * @sources:   sources held now
 * @evicted:   sources forgotten to make room (the table was full)
 * @expired:   sources forgotten by srclimit_expire()
 */
struct srclimit_stats {
	uint32_t	sources;
	uint64_t	evicted;
	uint64_t	expired;
};

/* A table for @capacity sources (1 .. 2^24) under hash key @key; NULL with
 * errno (EINVAL, ENOMEM). */
struct srclimit *srclimit_new(uint32_t capacity, const struct siphash_key *key);
void srclimit_free(struct srclimit *sl);

/*
 * srclimit_allow - may one more message of class @cls from @addr (4 or 16
 * bytes as @family 4 or 6 says) pass at @now_ms under @rates?  Takes the
 * token when it may.  Never allocates.  A rate or burst above the maxima
 * counts as the maximum.
 */
bool srclimit_allow(struct srclimit *sl, int family, const uint8_t *addr,
		    enum srclimit_class cls, const struct srclimit_rates *rates,
		    uint32_t now_ms);

/* Forget sources not seen for @idle_ms (their buckets are full again by
 * then if @idle_ms is long enough); returns how many. */
uint32_t srclimit_expire(struct srclimit *sl, uint32_t now_ms, uint32_t idle_ms);

void srclimit_stats(const struct srclimit *sl, struct srclimit_stats *st);

/* The class of a request method (a span: no NUL needed). */
enum srclimit_class srclimit_class_of(const char *method, uint32_t len);

/* "register", "invite", "options", "other"; NULL for others. */
const char *srclimit_class_name(enum srclimit_class cls);

#endif /* VOIPFW_SRCLIMIT_H */
