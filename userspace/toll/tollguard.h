/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tollguard.h - toll-fraud decisions per extension: limits per class
 * (calls per hour, concurrent calls, call duration), time windows, a
 * circuit breaker, and the operator's manual blocks.  Pure logic: the
 * caller says which extension calls which class when, and removes the
 * pinholes of the calls the module names; nothing here touches nft.
 *
 * Memory: two tables of fixed size allocated once by tollguard_new(),
 * extensions and live calls; no allocation per call.  Both are hashed
 * with SipHash under the caller's secret key (extensions and call
 * references come from packets).
 *
 * Which calls are tracked: outbound ones (classes neither exempt nor
 * internal).  Exempt classes (emergency) are always allowed, internal
 * ones are allowed unless the class itself is blocked; neither takes a
 * slot in the tables.
 *
 * Calls per hour: per extension and class, starts are counted in 60
 * one-minute buckets; the count is the calls started in the current
 * minute and the 59 before, so a call stops counting between 59 and 60
 * minutes after it started.  The limit trips at the call that would be
 * one too many: with per-hour 3 the 4th call within the hour is refused.
 *
 * The breaker: when a call is refused for its class's per-hour or
 * concurrent limit, or a call of the extension runs past its class's
 * duration, the extension's breaker trips for that class's cool-down
 * (unless 0): every guarded class (one with a 'limit' line) is refused
 * to it until then, and its live calls in guarded classes are ended,
 * each named in a TOLLGUARD_EV_KILL event so the caller removes its
 * pinholes.  A call refused for its time window does not trip it.
 *
 * Manual blocks (block-ext, block-class, block-user) have an optional
 * expiry; they are kept apart from the extension table so that no
 * eviction can forget them.
 */
#ifndef VOIPFW_TOLLGUARD_H
#define VOIPFW_TOLLGUARD_H

#include <stdbool.h>
#include <stdint.h>

#include "hash/siphash.h"
#include "sip/span.h"
#include "toll/tollconf.h"

/* Longest extension or user name; a longer one is refused (fail closed). */
#define TOLLGUARD_NAME_MAX	64
/* Manual blocks of each kind (extensions, users). */
#define TOLLGUARD_BLOCKS_MAX	256
/* An expiry that never comes */
#define TOLLGUARD_FOREVER	0

/**
 * enum tollguard_reason - why a call was refused (or TOLLGUARD_OK)
 */
enum tollguard_reason {
	TOLLGUARD_OK = 0,
	TOLLGUARD_CLASS_BLOCKED,	/* block-class */
	TOLLGUARD_EXT_BLOCKED,		/* block-ext */
	TOLLGUARD_BREAKER,		/* the extension's breaker is open */
	TOLLGUARD_WINDOW,		/* outside the class's time windows */
	TOLLGUARD_CONCURRENT,		/* one call too many at once */
	TOLLGUARD_PER_HOUR,		/* one call too many this hour */
	TOLLGUARD_TABLE_FULL,		/* no room to follow it (fail closed) */
	TOLLGUARD_BAD_EXT,		/* empty or longer than NAME_MAX */
	TOLLGUARD_DURATION,		/* a call ran too long (TRIP events) */
	__TOLLGUARD_REASON_MAX
};

/**
 * struct tollguard_verdict - the answer to tollguard_call_start()
 * @allow:   the call may go on
 * @reason:  TOLLGUARD_OK, or why not
 * @text:    a short fixed text for @reason ("per-hour limit")
 * @tripped: this call tripped the breaker (events were sent)
 */
struct tollguard_verdict {
	bool			allow;
	enum tollguard_reason	reason;
	const char		*text;
	bool			tripped;
};

/**
 * enum tollguard_event_type - what the caller is told
 * @TOLLGUARD_EV_TRIP:     an extension's breaker tripped (@reason, @cls
 *                         the class whose limit it was, @until)
 * @TOLLGUARD_EV_KILL:     end call @call_ref now: remove its pinholes
 *                         (the module has forgotten it already)
 * @TOLLGUARD_EV_DURATION: call @call_ref ran past its class's duration;
 *                         end it like a KILL (a TRIP may follow)
 * @TOLLGUARD_EV_RESET:    the breaker of @ext closed again
 * @TOLLGUARD_EV_UNBLOCK:  a manual block expired (@block, @name or @cls)
 */
enum tollguard_event_type {
	TOLLGUARD_EV_TRIP,
	TOLLGUARD_EV_KILL,
	TOLLGUARD_EV_DURATION,
	TOLLGUARD_EV_RESET,
	TOLLGUARD_EV_UNBLOCK,
};

/**
 * enum tollguard_block_kind - manual blocks
 */
enum tollguard_block_kind {
	TOLLGUARD_BLOCK_EXT,
	TOLLGUARD_BLOCK_CLASS,
	TOLLGUARD_BLOCK_USER,
};

/**
 * struct tollguard_event - one thing for the caller to do or log
 * @type:     see enum tollguard_event_type
 * @ext:      the extension (or blocked name), NUL-terminated
 * @cls:      the class concerned, -1 if none
 * @call_ref: KILL, DURATION: the call
 * @reason:   TRIP: the limit that tripped
 * @until:    TRIP: when the breaker closes
 * @block:    UNBLOCK: which kind of block expired
 * @now:      when
 */
struct tollguard_event {
	enum tollguard_event_type	type;
	const char			*ext;
	int				cls;
	uint64_t			call_ref;
	enum tollguard_reason		reason;
	uint64_t			until;
	enum tollguard_block_kind	block;
	uint64_t			now;
};

typedef void (*tollguard_event_fn)(const struct tollguard_event *ev, void *arg);

/**
 * struct tollguard_block - one manual block, as tollguard_dump() lists it
 * @kind:   see enum tollguard_block_kind
 * @name:   extension or user name; for a class, its name
 * @cls:    TOLLGUARD_BLOCK_CLASS: the class index, else -1
 * @expiry: when it ends, TOLLGUARD_FOREVER for never
 */
struct tollguard_block {
	enum tollguard_block_kind	kind;
	const char			*name;
	int				cls;
	uint64_t			expiry;
};

/**
 * struct tollguard_stats - how the tables fare
 * @exts, @calls:  entries in use
 * @evicted:       idle extensions forgotten to make room
 * @refused_full:  calls refused because a table was full
 */
struct tollguard_stats {
	uint32_t	exts;
	uint32_t	calls;
	uint64_t	evicted;
	uint64_t	refused_full;
};

struct tollguard;

/*
 * tollguard_new - tables for @max_exts extensions and @max_calls live
 * outbound calls (1 .. 2^20 each) under hash key @key, judging by @conf
 * (borrowed: it must outlive the guard).  NULL with errno (EINVAL,
 * ENOMEM).
 */
struct tollguard *tollguard_new(const struct tollconf *conf, uint32_t max_exts,
				uint32_t max_calls, const struct siphash_key *key);
void tollguard_free(struct tollguard *tg);

/*
 * tollguard_call_start - may extension @ext start call @call_ref to class
 * @cls at @now (seconds, any monotonic clock shared by all calls) and
 * @week_min (local minutes since Monday 00:00, for the windows)?  An
 * allowed call is followed until tollguard_call_end() or a KILL/DURATION
 * event.  A @call_ref already followed is allowed again without being
 * counted twice (a retransmitted INVITE).  A tripped breaker sends its
 * events through @cb (may be NULL) before this returns.
 */
struct tollguard_verdict tollguard_call_start(struct tollguard *tg,
					      struct span ext, unsigned int cls,
					      uint64_t call_ref, uint64_t now,
					      uint32_t week_min,
					      tollguard_event_fn cb, void *arg);

/* The call ended; 0, or -1 if it was not followed (not outbound,
 * refused, or ended already). */
int tollguard_call_end(struct tollguard *tg, uint64_t call_ref, uint64_t now);

/*
 * tollguard_call_forget - the call never was: the far end challenged its
 * INVITE (401/407) and the caller will send it again with credentials.
 * It ends, and its start no longer counts against the hour (else every
 * authenticated call would count twice).  0, or -1 as tollguard_call_end.
 */
int tollguard_call_forget(struct tollguard *tg, uint64_t call_ref, uint64_t now);

/*
 * tollguard_tick - at @now: calls past their duration (DURATION, then the
 * TRIP and KILLs that follow), breakers that close (RESET), manual
 * blocks that expire (UNBLOCK).  Costs a walk over both tables: call it
 * about once a second, not per packet.
 */
void tollguard_tick(struct tollguard *tg, uint64_t now, tollguard_event_fn cb,
		    void *arg);

/*
 * Manual blocks until @expiry (absolute, same clock as @now;
 * TOLLGUARD_FOREVER for none).  Blocking again replaces the expiry.
 * block: 0, or -1 with errno EINVAL (a bad name or class), ENOSPC (no
 * room).  unblock: 0, or -1 with errno ENOENT.
 */
int tollguard_block_ext(struct tollguard *tg, struct span ext, uint64_t expiry);
int tollguard_unblock_ext(struct tollguard *tg, struct span ext);
int tollguard_block_class(struct tollguard *tg, unsigned int cls, uint64_t expiry);
int tollguard_unblock_class(struct tollguard *tg, unsigned int cls);
int tollguard_block_user(struct tollguard *tg, struct span user, uint64_t expiry);
int tollguard_unblock_user(struct tollguard *tg, struct span user);

/* Is @user blocked at @now (drop its REGISTERs and INVITEs)?  A name
 * longer than TOLLGUARD_NAME_MAX is blocked (fail closed). */
bool tollguard_user_blocked(const struct tollguard *tg, struct span user,
			    uint64_t now);

/* Every manual block in force at @now, through @fn; returns how many. */
unsigned int tollguard_dump(const struct tollguard *tg, uint64_t now,
			    void (*fn)(const struct tollguard_block *b, void *arg),
			    void *arg);

/* When @ext's breaker closes, or 0 if it is not open at @now. */
uint64_t tollguard_breaker_until(const struct tollguard *tg, struct span ext,
				 uint64_t now);

/*
 * tollguard_breaker_reset - close @ext's breaker now and start its
 * per-hour counts afresh (the operator has looked into it: unblock-ext;
 * with the old counts the next call would trip it again at once).  Its
 * live calls stay counted as live.  0, or -1 with errno ENOENT when it
 * was not open at @now.  No RESET event is sent.
 */
int tollguard_breaker_reset(struct tollguard *tg, struct span ext,
			    uint64_t now);

/*
 * tollguard_breaker_set - open @ext's breaker until @until (a guard made
 * for a reloaded class file takes over the open breakers of the one it
 * replaces).  0, or -1 with errno EINVAL (bad name, @until not after
 * @now) or ENOSPC (no room for the extension).
 */
int tollguard_breaker_set(struct tollguard *tg, struct span ext,
			  uint64_t until, uint64_t now);

/* Every breaker open at @now, through @fn (its extension and when it
 * closes); returns how many. */
unsigned int tollguard_breakers(const struct tollguard *tg, uint64_t now,
				void (*fn)(const char *ext, uint64_t until,
					   void *arg),
				void *arg);

void tollguard_stats(const struct tollguard *tg, struct tollguard_stats *st);

const char *tollguard_reason_text(enum tollguard_reason reason);

/* Minutes since Monday 00:00 from struct tm's tm_wday (0 Sunday),
 * tm_hour and tm_min. */
uint32_t tollguard_week_min(int tm_wday, int tm_hour, int tm_min);

#endif /* VOIPFW_TOLLGUARD_H */
