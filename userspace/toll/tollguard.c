// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tollguard.c - per-extension toll limits, breaker and manual blocks
 * (see tollguard.h).
 *
 * Two pools allocated once: extensions (hash chains, an LRU list by last
 * call start, per-class counters beside them) and live calls (hash chains
 * by call reference, a list per extension so a tripped breaker finds the
 * calls to end).  Indices are stored plus one, 0 meaning none, so a
 * zeroed pool is an empty one.
 *
 * When the extension table is full a new extension takes the slot of an
 * idle one: no live call, no open breaker, and no call started for an
 * hour, so its per-hour count is zero and forgetting it forgets nothing.
 * Only the EVICT_SCAN least recently used are looked at.  If none of
 * them is idle the call is refused: fail closed, because an extension we
 * cannot count is one whose limits we cannot keep, and a table full of
 * busy extensions is itself a sign of an attack.  The same goes for a
 * full call table.  Size max_exts to the number of extensions and
 * max_calls to the trunks' channels and neither happens in normal use.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "toll/tollguard.h"

#define HOUR_BUCKETS	60	/* one a minute */
#define EVICT_SCAN	16
#define POOL_MAX	(1u << 20)

/**
 * struct tg_count - one extension's use of one class
 * @bucket:   calls started per minute, index minute % 60
 * @last_min: the newest minute counted in @bucket
 * @live:     calls of this class live now
 */
struct tg_count {
	uint16_t	bucket[HOUR_BUCKETS];
	uint64_t	last_min;
	uint32_t	live;
};

/**
 * struct tg_ext - one extension
 * @name, @len:     the key
 * @last_start:     when it last tried to start a call
 * @breaker_until:  its breaker is open until then (0: closed)
 * @calls:          its live calls, through struct tg_call.enext
 * @live:           how many
 * @hnext:          hash chain; the free list runs through it
 * @newer, @older:  LRU list
 */
struct tg_ext {
	char		name[TOLLGUARD_NAME_MAX + 1];
	uint8_t		len;
	uint64_t	last_start;
	uint64_t	breaker_until;
	uint32_t	calls;
	uint32_t	live;
	uint32_t	hnext;
	uint32_t	newer;
	uint32_t	older;
};

/**
 * struct tg_call - one live outbound call
 */
struct tg_call {
	uint64_t	ref;
	uint64_t	start;
	uint32_t	ext;
	uint32_t	hnext;		/* hash chain, or the free list */
	uint32_t	enext;		/* the extension's calls */
	uint32_t	eprev;
	uint8_t		cls;
	bool		used;
};

/**
 * struct tg_block - a manual block of an extension or a user
 * @expiry: TOLLGUARD_FOREVER or when it ends; @len 0: the slot is free
 */
struct tg_block {
	char		name[TOLLGUARD_NAME_MAX + 1];
	uint8_t		len;
	uint64_t	expiry;
};

struct tollguard {
	const struct tollconf	*conf;
	struct siphash_key	key;
	uint32_t		max_exts, ext_mask;
	uint32_t		*ext_heads;
	struct tg_ext		*exts;
	struct tg_count		*counts;	/* max_exts * n_classes */
	uint32_t		ext_free, newest, oldest;
	uint32_t		max_calls, call_mask;
	uint32_t		*call_heads;
	struct tg_call		*calls;
	uint32_t		call_free;
	struct tg_block		ext_blocks[TOLLGUARD_BLOCKS_MAX];
	struct tg_block		user_blocks[TOLLGUARD_BLOCKS_MAX];
	bool			class_blocked[TOLLCONF_CLASS_MAX];
	uint64_t		class_expiry[TOLLCONF_CLASS_MAX];
	struct tollguard_stats	stats;
};

static uint32_t pow2_at_least(uint32_t n)
{
	uint32_t b = 1;

	while (b < n)
		b <<= 1;
	return b;
}

struct tollguard *tollguard_new(const struct tollconf *conf, uint32_t max_exts,
				uint32_t max_calls, const struct siphash_key *key)
{
	struct tollguard *tg;
	uint32_t i, eb, cb;

	if (!conf || !conf->n_classes || max_exts < 1 || max_exts > POOL_MAX ||
	    max_calls < 1 || max_calls > POOL_MAX) {
		errno = EINVAL;
		return NULL;
	}
	eb = pow2_at_least(max_exts);
	cb = pow2_at_least(max_calls);
	tg = calloc(1, sizeof(*tg));
	if (!tg)
		goto err;
	tg->ext_heads = calloc(eb, sizeof(*tg->ext_heads));
	if (!tg->ext_heads)
		goto err_tg;
	tg->exts = calloc(max_exts, sizeof(*tg->exts));
	if (!tg->exts)
		goto err_ext_heads;
	tg->counts = calloc((size_t)max_exts * conf->n_classes, sizeof(*tg->counts));
	if (!tg->counts)
		goto err_exts;
	tg->call_heads = calloc(cb, sizeof(*tg->call_heads));
	if (!tg->call_heads)
		goto err_counts;
	tg->calls = calloc(max_calls, sizeof(*tg->calls));
	if (!tg->calls)
		goto err_call_heads;
	tg->conf = conf;
	tg->key = *key;
	tg->max_exts = max_exts;
	tg->ext_mask = eb - 1;
	tg->max_calls = max_calls;
	tg->call_mask = cb - 1;
	for (i = 0; i < max_exts; i++)
		tg->exts[i].hnext = i + 1 < max_exts ? i + 2 : 0;
	tg->ext_free = 1;
	for (i = 0; i < max_calls; i++)
		tg->calls[i].hnext = i + 1 < max_calls ? i + 2 : 0;
	tg->call_free = 1;
	return tg;

err_call_heads:
	free(tg->call_heads);
err_counts:
	free(tg->counts);
err_exts:
	free(tg->exts);
err_ext_heads:
	free(tg->ext_heads);
err_tg:
	free(tg);
err:
	errno = ENOMEM;
	return NULL;
}

void tollguard_free(struct tollguard *tg)
{
	if (!tg)
		return;
	free(tg->calls);
	free(tg->call_heads);
	free(tg->counts);
	free(tg->exts);
	free(tg->ext_heads);
	free(tg);
}

static const char *const reason_text[__TOLLGUARD_REASON_MAX] = {
	[TOLLGUARD_OK] = "ok",
	[TOLLGUARD_CLASS_BLOCKED] = "class blocked",
	[TOLLGUARD_EXT_BLOCKED] = "extension blocked",
	[TOLLGUARD_BREAKER] = "breaker open",
	[TOLLGUARD_WINDOW] = "outside time window",
	[TOLLGUARD_CONCURRENT] = "concurrent-call limit",
	[TOLLGUARD_PER_HOUR] = "per-hour limit",
	[TOLLGUARD_TABLE_FULL] = "table full",
	[TOLLGUARD_BAD_EXT] = "bad extension",
	[TOLLGUARD_DURATION] = "call duration limit",
};

const char *tollguard_reason_text(enum tollguard_reason reason)
{
	return (unsigned int)reason < __TOLLGUARD_REASON_MAX ? reason_text[reason]
							     : "unknown";
}

uint32_t tollguard_week_min(int tm_wday, int tm_hour, int tm_min)
{
	return (uint32_t)(((tm_wday + 6) % 7) * 1440 + tm_hour * 60 + tm_min);
}

static bool name_ok(struct span s)
{
	return s.len > 0 && s.len <= TOLLGUARD_NAME_MAX;
}

/* ---- extensions ----------------------------------------------------------- */

static inline struct tg_ext *ext_at(const struct tollguard *tg, uint32_t idx)
{
	return &tg->exts[idx - 1];
}

static inline struct tg_count *count_at(const struct tollguard *tg,
					uint32_t idx, unsigned int cls)
{
	return &tg->counts[(size_t)(idx - 1) * tg->conf->n_classes + cls];
}

static uint32_t ext_bucket(const struct tollguard *tg, const char *name,
			   size_t len)
{
	return (uint32_t)siphash(&tg->key, name, len) & tg->ext_mask;
}

static uint32_t ext_find(const struct tollguard *tg, struct span name)
{
	uint32_t idx;

	for (idx = tg->ext_heads[ext_bucket(tg, name.p, name.len)]; idx;
	     idx = ext_at(tg, idx)->hnext) {
		const struct tg_ext *e = ext_at(tg, idx);

		if (e->len == name.len && !memcmp(e->name, name.p, name.len))
			return idx;
	}
	return 0;
}

static void lru_unlink(struct tollguard *tg, uint32_t idx)
{
	struct tg_ext *e = ext_at(tg, idx);

	if (e->newer)
		ext_at(tg, e->newer)->older = e->older;
	else
		tg->newest = e->older;
	if (e->older)
		ext_at(tg, e->older)->newer = e->newer;
	else
		tg->oldest = e->newer;
	e->newer = e->older = 0;
}

static void lru_push_newest(struct tollguard *tg, uint32_t idx)
{
	struct tg_ext *e = ext_at(tg, idx);

	e->newer = 0;
	e->older = tg->newest;
	if (tg->newest)
		ext_at(tg, tg->newest)->newer = idx;
	tg->newest = idx;
	if (!tg->oldest)
		tg->oldest = idx;
}

static bool ext_idle(const struct tg_ext *e, uint64_t now)
{
	return !e->live && e->breaker_until <= now && now >= e->last_start &&
	       now - e->last_start >= HOUR_BUCKETS * 60;
}

static void ext_forget(struct tollguard *tg, uint32_t idx)
{
	struct tg_ext *e = ext_at(tg, idx);
	uint32_t *link = &tg->ext_heads[ext_bucket(tg, e->name, e->len)];

	while (*link != idx)
		link = &ext_at(tg, *link)->hnext;
	*link = e->hnext;
	lru_unlink(tg, idx);
	e->len = 0;
	e->breaker_until = 0;
	e->hnext = tg->ext_free;
	tg->ext_free = idx;
	tg->stats.exts--;
}

/* The extension @name, made if need be; 0 when there is no room. */
static uint32_t ext_get(struct tollguard *tg, struct span name, uint64_t now)
{
	uint32_t idx = ext_find(tg, name), b, victim;
	struct tg_ext *e;
	int scan;

	if (idx) {
		if (tg->newest != idx) {
			lru_unlink(tg, idx);
			lru_push_newest(tg, idx);
		}
		return idx;
	}
	if (!tg->ext_free) {
		victim = tg->oldest;
		for (scan = 0; victim && scan < EVICT_SCAN; scan++) {
			if (ext_idle(ext_at(tg, victim), now))
				break;
			victim = ext_at(tg, victim)->newer;
		}
		if (!victim || scan == EVICT_SCAN)
			return 0;
		ext_forget(tg, victim);
		tg->stats.evicted++;
	}
	idx = tg->ext_free;
	e = ext_at(tg, idx);
	tg->ext_free = e->hnext;
	memset(e, 0, sizeof(*e));
	memset(count_at(tg, idx, 0), 0,
	       tg->conf->n_classes * sizeof(struct tg_count));
	memcpy(e->name, name.p, name.len);
	e->len = (uint8_t)name.len;
	b = ext_bucket(tg, name.p, name.len);
	e->hnext = tg->ext_heads[b];
	tg->ext_heads[b] = idx;
	lru_push_newest(tg, idx);
	tg->stats.exts++;
	return idx;
}

/* ---- per-hour counts ------------------------------------------------------ */

/* Bring @c up to minute @min: the buckets of the minutes in between are
 * emptied.  A clock that went back counts into the newest minute. */
static void count_advance(struct tg_count *c, uint64_t min)
{
	uint64_t m;

	if (min <= c->last_min)
		return;
	if (min - c->last_min >= HOUR_BUCKETS)
		memset(c->bucket, 0, sizeof(c->bucket));
	else
		for (m = c->last_min + 1; m <= min; m++)
			c->bucket[m % HOUR_BUCKETS] = 0;
	c->last_min = min;
}

static uint32_t count_hour(const struct tg_count *c)
{
	uint32_t sum = 0;
	unsigned int i;

	for (i = 0; i < HOUR_BUCKETS; i++)
		sum += c->bucket[i];
	return sum;
}

/* ---- calls ---------------------------------------------------------------- */

static inline struct tg_call *call_at(const struct tollguard *tg, uint32_t idx)
{
	return &tg->calls[idx - 1];
}

static uint32_t call_bucket(const struct tollguard *tg, uint64_t ref)
{
	return (uint32_t)siphash(&tg->key, &ref, sizeof(ref)) & tg->call_mask;
}

static uint32_t call_find(const struct tollguard *tg, uint64_t ref)
{
	uint32_t idx;

	for (idx = tg->call_heads[call_bucket(tg, ref)]; idx;
	     idx = call_at(tg, idx)->hnext)
		if (call_at(tg, idx)->ref == ref)
			return idx;
	return 0;
}

static void call_add(struct tollguard *tg, uint32_t ext, unsigned int cls,
		     uint64_t ref, uint64_t now)
{
	uint32_t idx = tg->call_free, b = call_bucket(tg, ref);
	struct tg_call *c = call_at(tg, idx);
	struct tg_ext *e = ext_at(tg, ext);

	tg->call_free = c->hnext;
	c->ref = ref;
	c->start = now;
	c->ext = ext;
	c->cls = (uint8_t)cls;
	c->used = true;
	c->hnext = tg->call_heads[b];
	tg->call_heads[b] = idx;
	c->eprev = 0;
	c->enext = e->calls;
	if (e->calls)
		call_at(tg, e->calls)->eprev = idx;
	e->calls = idx;
	e->live++;
	count_at(tg, ext, cls)->live++;
	tg->stats.calls++;
}

static void call_remove(struct tollguard *tg, uint32_t idx)
{
	struct tg_call *c = call_at(tg, idx);
	struct tg_ext *e = ext_at(tg, c->ext);
	uint32_t *link = &tg->call_heads[call_bucket(tg, c->ref)];

	while (*link != idx)
		link = &call_at(tg, *link)->hnext;
	*link = c->hnext;
	if (c->eprev)
		call_at(tg, c->eprev)->enext = c->enext;
	else
		e->calls = c->enext;
	if (c->enext)
		call_at(tg, c->enext)->eprev = c->eprev;
	e->live--;
	count_at(tg, c->ext, c->cls)->live--;
	c->used = false;
	c->hnext = tg->call_free;
	tg->call_free = idx;
	tg->stats.calls--;
}

static void emit(tollguard_event_fn cb, void *arg, struct tollguard_event *ev)
{
	if (cb)
		cb(ev, arg);
}

/*
 * Trip @ext's breaker for @cls's cool-down: guarded classes are refused
 * until then and its live calls in them end (KILL each).  Returns whether
 * it tripped (a cool-down of 0 means no breaker for that class).
 */
static bool trip(struct tollguard *tg, uint32_t ext, unsigned int cls,
		 enum tollguard_reason reason, uint64_t now,
		 tollguard_event_fn cb, void *arg)
{
	const struct tollconf_class *c = &tg->conf->classes[cls];
	struct tg_ext *e = ext_at(tg, ext);
	struct tollguard_event ev = {
		.type = TOLLGUARD_EV_TRIP, .ext = e->name, .cls = (int)cls,
		.reason = reason, .now = now,
	};
	uint32_t idx, next;

	if (!c->cooldown)
		return false;
	if (e->breaker_until < now + c->cooldown)
		e->breaker_until = now + c->cooldown;
	ev.until = e->breaker_until;
	emit(cb, arg, &ev);
	for (idx = e->calls; idx; idx = next) {
		struct tg_call *call = call_at(tg, idx);

		next = call->enext;
		if (!tg->conf->classes[call->cls].guarded)
			continue;
		ev.type = TOLLGUARD_EV_KILL;
		ev.cls = call->cls;
		ev.call_ref = call->ref;
		call_remove(tg, idx);
		emit(cb, arg, &ev);
	}
	return true;
}

/* ---- manual blocks -------------------------------------------------------- */

static bool in_force(uint64_t expiry, uint64_t now)
{
	return expiry == TOLLGUARD_FOREVER || expiry > now;
}

/* The slot holding @name, or -1. */
static int block_find(const struct tg_block *list, struct span name)
{
	unsigned int i;

	for (i = 0; i < TOLLGUARD_BLOCKS_MAX; i++)
		if (list[i].len && list[i].len == name.len &&
		    !memcmp(list[i].name, name.p, name.len))
			return (int)i;
	return -1;
}

static bool blocked(const struct tg_block *list, struct span name, uint64_t now)
{
	int i = block_find(list, name);

	return i >= 0 && in_force(list[i].expiry, now);
}

static int block_set(struct tg_block *list, struct span name, uint64_t expiry)
{
	struct tg_block *b = NULL;
	unsigned int i;
	int at;

	if (!name_ok(name)) {
		errno = EINVAL;
		return -1;
	}
	at = block_find(list, name);
	if (at >= 0)
		b = &list[at];
	for (i = 0; !b && i < TOLLGUARD_BLOCKS_MAX; i++)
		if (!list[i].len)
			b = &list[i];
	if (!b) {
		errno = ENOSPC;
		return -1;
	}
	memcpy(b->name, name.p, name.len);
	b->name[name.len] = '\0';
	b->len = (uint8_t)name.len;
	b->expiry = expiry;
	return 0;
}

static int block_clear(struct tg_block *list, struct span name)
{
	int at = name_ok(name) ? block_find(list, name) : -1;

	if (at < 0) {
		errno = ENOENT;
		return -1;
	}
	list[at].len = 0;
	return 0;
}

int tollguard_block_ext(struct tollguard *tg, struct span ext, uint64_t expiry)
{
	return block_set(tg->ext_blocks, ext, expiry);
}

int tollguard_unblock_ext(struct tollguard *tg, struct span ext)
{
	return block_clear(tg->ext_blocks, ext);
}

int tollguard_block_user(struct tollguard *tg, struct span user, uint64_t expiry)
{
	return block_set(tg->user_blocks, user, expiry);
}

int tollguard_unblock_user(struct tollguard *tg, struct span user)
{
	return block_clear(tg->user_blocks, user);
}

int tollguard_block_class(struct tollguard *tg, unsigned int cls, uint64_t expiry)
{
	if (cls >= tg->conf->n_classes ||
	    (tg->conf->classes[cls].flags & TOLLCONF_EXEMPT)) {
		/* an exempt class (emergency) cannot be blocked at all */
		errno = EINVAL;
		return -1;
	}
	tg->class_blocked[cls] = true;
	tg->class_expiry[cls] = expiry;
	return 0;
}

int tollguard_unblock_class(struct tollguard *tg, unsigned int cls)
{
	if (cls >= tg->conf->n_classes || !tg->class_blocked[cls]) {
		errno = ENOENT;
		return -1;
	}
	tg->class_blocked[cls] = false;
	return 0;
}

bool tollguard_user_blocked(const struct tollguard *tg, struct span user,
			    uint64_t now)
{
	/* fail closed: a name we cannot hold is no name we can vouch for */
	if (user.len > TOLLGUARD_NAME_MAX)
		return true;
	return user.len && blocked(tg->user_blocks, user, now);
}

unsigned int tollguard_dump(const struct tollguard *tg, uint64_t now,
			    void (*fn)(const struct tollguard_block *b, void *arg),
			    void *arg)
{
	static const enum tollguard_block_kind kinds[] = {
		TOLLGUARD_BLOCK_EXT, TOLLGUARD_BLOCK_USER,
	};
	struct tollguard_block b;
	unsigned int n = 0, i, k;

	for (i = 0; i < tg->conf->n_classes; i++) {
		if (!tg->class_blocked[i] || !in_force(tg->class_expiry[i], now))
			continue;
		b = (struct tollguard_block){
			.kind = TOLLGUARD_BLOCK_CLASS, .cls = (int)i,
			.name = tg->conf->classes[i].name,
			.expiry = tg->class_expiry[i],
		};
		fn(&b, arg);
		n++;
	}
	for (k = 0; k < 2; k++) {
		const struct tg_block *list = kinds[k] == TOLLGUARD_BLOCK_EXT ?
					      tg->ext_blocks : tg->user_blocks;

		for (i = 0; i < TOLLGUARD_BLOCKS_MAX; i++) {
			if (!list[i].len || !in_force(list[i].expiry, now))
				continue;
			b = (struct tollguard_block){
				.kind = kinds[k], .cls = -1, .name = list[i].name,
				.expiry = list[i].expiry,
			};
			fn(&b, arg);
			n++;
		}
	}
	return n;
}

/* ---- decisions ------------------------------------------------------------ */

static struct tollguard_verdict verdict(enum tollguard_reason reason,
					bool tripped)
{
	return (struct tollguard_verdict){
		.allow = reason == TOLLGUARD_OK, .reason = reason,
		.text = tollguard_reason_text(reason), .tripped = tripped,
	};
}

struct tollguard_verdict tollguard_call_start(struct tollguard *tg,
					      struct span ext, unsigned int cls,
					      uint64_t call_ref, uint64_t now,
					      uint32_t week_min,
					      tollguard_event_fn cb, void *arg)
{
	const struct tollconf_class *c;
	struct tg_count *cnt;
	enum tollguard_reason why;
	uint32_t idx;

	/* a class we do not know is judged as an unreadable number */
	if (cls >= tg->conf->n_classes)
		cls = (unsigned int)tg->conf->invalid_class;
	c = &tg->conf->classes[cls];
	/* fail open on purpose: nothing stands between a phone and 112 */
	if (c->flags & TOLLCONF_EXEMPT)
		return verdict(TOLLGUARD_OK, false);
	if (tg->class_blocked[cls] && in_force(tg->class_expiry[cls], now))
		return verdict(TOLLGUARD_CLASS_BLOCKED, false);
	if (c->flags & TOLLCONF_INTERNAL)
		return verdict(TOLLGUARD_OK, false);
	if (!name_ok(ext))
		return verdict(TOLLGUARD_BAD_EXT, false);
	if (blocked(tg->ext_blocks, ext, now))
		return verdict(TOLLGUARD_EXT_BLOCKED, false);
	if (call_find(tg, call_ref))
		return verdict(TOLLGUARD_OK, false);
	idx = ext_get(tg, ext, now);
	if (!idx) {
		tg->stats.refused_full++;
		return verdict(TOLLGUARD_TABLE_FULL, false);
	}
	ext_at(tg, idx)->last_start = now;
	if (c->guarded && ext_at(tg, idx)->breaker_until > now)
		return verdict(TOLLGUARD_BREAKER, false);
	if (!tollconf_window_open(c, week_min))
		return verdict(TOLLGUARD_WINDOW, false);
	cnt = count_at(tg, idx, cls);
	count_advance(cnt, now / 60);
	why = TOLLGUARD_OK;
	if (c->concurrent != TOLLCONF_UNLIMITED && cnt->live >= c->concurrent)
		why = TOLLGUARD_CONCURRENT;
	else if (c->per_hour != TOLLCONF_UNLIMITED && count_hour(cnt) >= c->per_hour)
		why = TOLLGUARD_PER_HOUR;
	if (why != TOLLGUARD_OK)
		return verdict(why, trip(tg, idx, cls, why, now, cb, arg));
	if (!tg->call_free) {
		tg->stats.refused_full++;
		return verdict(TOLLGUARD_TABLE_FULL, false);
	}
	cnt->bucket[(now / 60) % HOUR_BUCKETS]++;
	call_add(tg, idx, cls, call_ref, now);
	return verdict(TOLLGUARD_OK, false);
}

int tollguard_call_end(struct tollguard *tg, uint64_t call_ref, uint64_t now)
{
	uint32_t idx = call_find(tg, call_ref);

	(void)now;
	if (!idx)
		return -1;
	call_remove(tg, idx);
	return 0;
}

int tollguard_call_forget(struct tollguard *tg, uint64_t call_ref, uint64_t now)
{
	uint32_t idx = call_find(tg, call_ref);
	struct tg_count *cnt;
	uint64_t min;

	if (!idx)
		return -1;
	cnt = count_at(tg, call_at(tg, idx)->ext, call_at(tg, idx)->cls);
	min = call_at(tg, idx)->start / 60;
	/* its minute may have left the hour already: then nothing counts */
	count_advance(cnt, now / 60);
	if (min <= cnt->last_min && cnt->last_min - min < HOUR_BUCKETS &&
	    cnt->bucket[min % HOUR_BUCKETS])
		cnt->bucket[min % HOUR_BUCKETS]--;
	call_remove(tg, idx);
	return 0;
}

static void unblock_event(struct tollguard_event *ev, enum tollguard_block_kind k,
			  const char *name, int cls, uint64_t now)
{
	*ev = (struct tollguard_event){
		.type = TOLLGUARD_EV_UNBLOCK, .block = k, .ext = name, .cls = cls,
		.now = now,
	};
}

void tollguard_tick(struct tollguard *tg, uint64_t now, tollguard_event_fn cb,
		    void *arg)
{
	struct tollguard_event ev;
	uint32_t i, k;

	for (i = 1; i <= tg->max_calls; i++) {
		struct tg_call *call = call_at(tg, i);
		uint32_t dur, ext;
		unsigned int cls;

		if (!call->used)
			continue;
		dur = tg->conf->classes[call->cls].duration;
		if (!dur || now < call->start || now - call->start < dur)
			continue;
		ext = call->ext;
		cls = call->cls;
		ev = (struct tollguard_event){
			.type = TOLLGUARD_EV_DURATION, .ext = ext_at(tg, ext)->name,
			.cls = (int)cls, .call_ref = call->ref, .now = now,
		};
		call_remove(tg, i);
		emit(cb, arg, &ev);
		trip(tg, ext, cls, TOLLGUARD_DURATION, now, cb, arg);
	}
	for (i = 1; i <= tg->max_exts; i++) {
		struct tg_ext *e = ext_at(tg, i);

		if (!e->len || !e->breaker_until || e->breaker_until > now)
			continue;
		e->breaker_until = 0;
		ev = (struct tollguard_event){
			.type = TOLLGUARD_EV_RESET, .ext = e->name, .cls = -1,
			.now = now,
		};
		emit(cb, arg, &ev);
	}
	for (i = 0; i < tg->conf->n_classes; i++) {
		if (!tg->class_blocked[i] || in_force(tg->class_expiry[i], now))
			continue;
		tg->class_blocked[i] = false;
		unblock_event(&ev, TOLLGUARD_BLOCK_CLASS, tg->conf->classes[i].name,
			      (int)i, now);
		emit(cb, arg, &ev);
	}
	for (k = 0; k < 2; k++) {
		struct tg_block *list = k ? tg->user_blocks : tg->ext_blocks;

		for (i = 0; i < TOLLGUARD_BLOCKS_MAX; i++) {
			if (!list[i].len || in_force(list[i].expiry, now))
				continue;
			list[i].len = 0;
			unblock_event(&ev, k ? TOLLGUARD_BLOCK_USER : TOLLGUARD_BLOCK_EXT,
				      list[i].name, -1, now);
			emit(cb, arg, &ev);
		}
	}
}

uint64_t tollguard_breaker_until(const struct tollguard *tg, struct span ext,
				 uint64_t now)
{
	uint32_t idx = name_ok(ext) ? ext_find(tg, ext) : 0;

	if (!idx || ext_at(tg, idx)->breaker_until <= now)
		return 0;
	return ext_at(tg, idx)->breaker_until;
}

int tollguard_breaker_reset(struct tollguard *tg, struct span ext,
			    uint64_t now)
{
	uint32_t idx = name_ok(ext) ? ext_find(tg, ext) : 0;
	unsigned int cls;

	if (!idx || ext_at(tg, idx)->breaker_until <= now) {
		errno = ENOENT;
		return -1;
	}
	ext_at(tg, idx)->breaker_until = 0;
	for (cls = 0; cls < tg->conf->n_classes; cls++)
		memset(count_at(tg, idx, cls)->bucket, 0,
		       sizeof(count_at(tg, idx, cls)->bucket));
	return 0;
}

int tollguard_breaker_set(struct tollguard *tg, struct span ext,
			  uint64_t until, uint64_t now)
{
	uint32_t idx;

	if (!name_ok(ext) || until <= now) {
		errno = EINVAL;
		return -1;
	}
	idx = ext_get(tg, ext, now);
	if (!idx) {
		errno = ENOSPC;
		return -1;
	}
	if (ext_at(tg, idx)->breaker_until < until)
		ext_at(tg, idx)->breaker_until = until;
	return 0;
}

unsigned int tollguard_breakers(const struct tollguard *tg, uint64_t now,
				void (*fn)(const char *ext, uint64_t until,
					   void *arg),
				void *arg)
{
	unsigned int n = 0;
	uint32_t i;

	for (i = 1; i <= tg->max_exts; i++) {
		const struct tg_ext *e = ext_at(tg, i);

		if (!e->len || e->breaker_until <= now)
			continue;
		fn(e->name, e->breaker_until, arg);
		n++;
	}
	return n;
}

void tollguard_stats(const struct tollguard *tg, struct tollguard_stats *st)
{
	*st = tg->stats;
}
