// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * authwatch.c - brute force, enumeration and per-user locks from answers
 * (see authwatch.h).  Sources and users live in lrutabs: no allocation
 * after authwatch_new().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "detect/authwatch.h"
#include "hash/lrutab.h"
#include "limit/distinct.h"
#include "limit/window.h"

struct src_state {
	struct window	fail;
	struct distinct	users;		/* the users it probed */
	bool		brute_told;
	bool		enum_told;
};

struct user_state {
	struct window	fail;
	uint32_t	locked_until;
	bool		locked;
};

struct authwatch {
	struct authwatch_cfg	cfg;
	struct siphash_key	key;
	struct lrutab		*src;
	struct lrutab		*user;
};



struct authwatch *authwatch_new(const struct authwatch_cfg *cfg,
				const struct siphash_key *key)
{
	struct authwatch *aw;

	if (cfg->window_ms < 1000 || cfg->window_ms > 86400000u ||
	    cfg->enum_users > AUTHWATCH_ENUM_MAX || !cfg->sources || !cfg->users) {
		errno = EINVAL;
		return NULL;
	}
	aw = calloc(1, sizeof(*aw));
	if (!aw)
		return NULL;
	aw->cfg = *cfg;
	aw->key = *key;
	aw->src = lrutab_new(cfg->sources, 17, sizeof(struct src_state), key);
	if (!aw->src)
		goto err;
	aw->user = lrutab_new(cfg->users, 8, sizeof(struct user_state), key);
	if (!aw->user)
		goto err;
	return aw;
err:
	if (!errno)
		errno = ENOMEM;
	authwatch_free(aw);
	return NULL;
}

void authwatch_free(struct authwatch *aw)
{
	if (!aw)
		return;
	lrutab_free(aw->user);
	lrutab_free(aw->src);
	free(aw);
}

static void src_key(uint8_t key[17], int family, const uint8_t *addr)
{
	memset(key, 0, 17);
	key[0] = family == 6 ? 6 : 4;
	memcpy(key + 1, addr, key[0] == 6 ? 16 : 4);
}

static uint64_t user_hash(const struct authwatch *aw, const char *user, size_t ulen)
{
	return siphash(&aw->key, user, ulen);
}

/* A 403, or a challenge to a request that already carried credentials
 * (a wrong password); a challenge to one without them is the normal
 * first step of digest authentication. */
static bool is_auth_failure(unsigned int status, bool with_credentials)
{
	return status == 403 ||
	       ((status == 401 || status == 407) && with_credentials);
}

static bool is_probe_answer(unsigned int status)
{
	return status == 404 || status == 401 || status == 403 || status == 407;
}

/* A fresh entry (zeroed) starts its window now. */
static void window_start(struct window *w, bool created, uint32_t now)
{
	if (created)
		w->start = now;
}

static unsigned int count_source(struct authwatch *aw, struct src_state *s,
				 bool created, uint64_t uh, size_t ulen,
				 bool failure, unsigned int status, uint32_t now)
{
	const struct authwatch_cfg *c = &aw->cfg;
	unsigned int ev = 0;
	uint32_t n;

	window_start(&s->fail, created, now);
	distinct_roll(&s->users, window_roll(&s->fail, now, c->window_ms));
	if (c->src_failures && failure) {
		s->fail.cur++;
		n = window_count(&s->fail, now, c->window_ms);
		if (n >= c->src_failures && !s->brute_told) {
			s->brute_told = true;
			ev |= AUTHWATCH_BRUTE_FORCE;
		}
	}
	if (s->brute_told &&
	    window_count(&s->fail, now, c->window_ms) < c->src_failures)
		s->brute_told = false;
	if (c->enum_users) {
		uint32_t distinct;

		if (ulen && is_probe_answer(status))
			distinct_add(&s->users, uh);
		distinct = distinct_count(&s->users);
		if (distinct >= c->enum_users && !s->enum_told) {
			s->enum_told = true;
			ev |= AUTHWATCH_ENUMERATION;
		} else if (distinct < c->enum_users) {
			s->enum_told = false;
		}
	}
	return ev;
}

unsigned int authwatch_answer(struct authwatch *aw, int family,
			      const uint8_t *addr, const char *user,
			      size_t ulen, unsigned int status,
			      bool with_credentials, bool allowlisted,
			      uint32_t now_ms)
{
	const struct authwatch_cfg *c = &aw->cfg;
	bool failure = is_auth_failure(status, with_credentials);
	unsigned int ev = 0;
	uint64_t uh = ulen ? user_hash(aw, user, ulen) : 0;
	uint8_t key[17];
	bool created;

	if (!is_probe_answer(status) || allowlisted)
		return 0;
	if (c->src_failures || c->enum_users) {
		struct src_state *s;

		src_key(key, family, addr);
		s = lrutab_get(aw->src, key, now_ms, true, &created);
		ev |= count_source(aw, s, created, uh, ulen, failure, status,
				   now_ms);
	}
	if (c->user_failures && ulen && failure) {
		struct user_state *u = lrutab_get(aw->user, &uh, now_ms, true,
						  &created);

		window_start(&u->fail, created, now_ms);
		window_roll(&u->fail, now_ms, c->window_ms);
		u->fail.cur++;
		if (u->locked && (int32_t)(u->locked_until - now_ms) <= 0)
			u->locked = false;
		if (!u->locked &&
		    window_count(&u->fail, now_ms, c->window_ms) >= c->user_failures) {
			u->locked = true;
			u->locked_until = now_ms + c->user_lock_ms;
			/* the lock is the answer: counting starts again after it */
			u->fail.cur = u->fail.prev = 0;
			ev |= AUTHWATCH_USER_LOCKED;
		}
	}
	return ev;
}

bool authwatch_user_locked(struct authwatch *aw, const char *user,
			   size_t ulen, uint32_t now_ms)
{
	uint64_t uh = user_hash(aw, user, ulen);
	struct user_state *u = lrutab_peek(aw->user, &uh);

	return u && u->locked && (int32_t)(u->locked_until - now_ms) > 0;
}

uint32_t authwatch_source_failures(struct authwatch *aw, int family,
				   const uint8_t *addr, uint32_t now_ms)
{
	struct src_state *s;
	struct window w;
	uint8_t key[17];

	src_key(key, family, addr);
	s = lrutab_peek(aw->src, key);
	if (!s)
		return 0;
	w = s->fail;
	window_roll(&w, now_ms, aw->cfg.window_ms);
	return window_count(&w, now_ms, aw->cfg.window_ms);
}

void authwatch_expire(struct authwatch *aw, uint32_t now_ms)
{
	uint32_t idle = 2 * aw->cfg.window_ms;

	lrutab_expire(aw->src, now_ms, idle);
	lrutab_expire(aw->user, now_ms,
		      aw->cfg.user_lock_ms > idle ? aw->cfg.user_lock_ms : idle);
}
