// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_authwatch.c - brute force, enumeration and per-user locks from
 * answers: thresholds reached exactly, reported once, the sliding window
 * letting old failures fade, allowlisted sources never counted, a phone's
 * normal challenges never tripping anything, a distributed attack on one
 * extension locking it and the lock running out.
 */
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "detect/authwatch.h"

static const struct siphash_key key = { 5, 6 };

static const struct authwatch_cfg cfg = {
	.window_ms = 60000, .src_failures = 10, .enum_users = 10,
	.user_failures = 5, .user_lock_ms = 300000,
	.sources = 64, .users = 64,
};

static uint8_t src(unsigned int n, uint8_t a[4])
{
	a[0] = 198; a[1] = 51; a[2] = 100; a[3] = (uint8_t)n;
	return a[3];
}

/* an answer to a request with credentials (a wrong password when 401/407) */
static unsigned int fail(struct authwatch *aw, unsigned int s, const char *user,
			 unsigned int status, bool allow, uint32_t now)
{
	uint8_t a[4];

	src(s, a);
	return authwatch_answer(aw, 4, a, user, strlen(user), status, true,
				allow, now);
}

/* the challenge to a request without credentials */
static unsigned int challenge(struct authwatch *aw, unsigned int s,
			      const char *user, unsigned int status, uint32_t now)
{
	uint8_t a[4];

	src(s, a);
	return authwatch_answer(aw, 4, a, user, strlen(user), status, false,
				false, now);
}

static void test_brute(void)
{
	struct authwatch *aw = authwatch_new(&cfg, &key);
	unsigned int i, ev = 0;
	uint8_t a[4];

	unit_case("brute force: the 10th failure in a window, once");
	CHECK(aw);
	if (!aw)
		return;
	for (i = 0; i < 9; i++)
		ev |= fail(aw, 1, "", 401, false, i * 100);
	CHECK_INT(ev, 0);
	CHECK_INT(fail(aw, 1, "", 403, false, 1000), AUTHWATCH_BRUTE_FORCE);
	CHECK_INT(fail(aw, 1, "", 407, false, 1100), 0);
	CHECK_INT(authwatch_source_failures(aw, 4, (src(1, a), a), 1200), 11);

	unit_case("brute force: other answers do not count");
	ev = 0;
	for (i = 0; i < 50; i++) {
		ev |= fail(aw, 2, "", 200, false, i);
		ev |= fail(aw, 2, "", 486, false, i);
		ev |= fail(aw, 2, "", 500, false, i);
	}
	CHECK_INT(ev, 0);
	CHECK_INT(authwatch_source_failures(aw, 4, (src(2, a), a), 100), 0);

	unit_case("brute force: the window slides");
	/* source 1: 11 failures in the window that began at 0; at 90 s half of
	 * that window is still inside the sliding one: 11 * 30/60 = 5 */
	CHECK_INT(authwatch_source_failures(aw, 4, (src(1, a), a), 90000), 5);
	ev = 0;
	for (i = 0; i < 4; i++)
		ev |= fail(aw, 1, "", 401, false, 90000);
	CHECK_INT(ev, 0);			/* 9: below, and the report re-armed */
	CHECK_INT(fail(aw, 1, "", 401, false, 90000), AUTHWATCH_BRUTE_FORCE);
	/* after two quiet windows nothing is left */
	CHECK_INT(authwatch_source_failures(aw, 4, (src(1, a), a), 240000), 0);

	unit_case("brute force: allowlisted sources are not counted");
	ev = 0;
	for (i = 0; i < 100; i++)
		ev |= fail(aw, 3, "200", 401, true, i);
	CHECK_INT(ev, 0);
	CHECK_INT(authwatch_source_failures(aw, 4, (src(3, a), a), 100), 0);

	unit_case("brute force: a phone's challenges never trip anything");
	ev = 0;
	for (i = 0; i < 1000; i++)	/* REGISTER every 2 s, calls between */
		ev |= challenge(aw, 4, "201", 401, 300000 + i * 2000) |
		      challenge(aw, 4, "201", 407, 300000 + i * 2000 + 1000);
	CHECK_INT(ev, 0);
	CHECK(!authwatch_user_locked(aw, "201", 3, 300000 + 1000 * 2000));
	CHECK_INT(authwatch_source_failures(aw, 4, (src(4, a), a), 300000 + 1000 * 2000), 0);

	unit_case("brute force: a 403 is a failure even without credentials");
	ev = 0;
	for (i = 0; i < 10; i++) {
		src(5, a);
		ev |= authwatch_answer(aw, 4, a, "", 0, 403, false, false, 3000000 + i);
	}
	CHECK_INT(ev, AUTHWATCH_BRUTE_FORCE);
	authwatch_free(aw);
}

static void test_enumeration(void)
{
	struct authwatch *aw = authwatch_new(&cfg, &key);
	unsigned int i, ev = 0, at = 0;
	char user[16];

	unit_case("enumeration: a sweep of extensions");
	for (i = 0; i < 40 && !at; i++) {
		snprintf(user, sizeof(user), "%u", 100 + i);
		ev = fail(aw, 9, user, 404, false, i * 10);
		if (ev & AUTHWATCH_ENUMERATION)
			at = i + 1;
	}
	/* an estimate: reached somewhere around the 10th distinct user */
	CHECK_MSG(at >= 8 && at <= 13, "reported at the %u-th user", at);
	CHECK(!(ev & AUTHWATCH_BRUTE_FORCE));	/* 404s are not failures */

	unit_case("enumeration: the same few users over and over is not one");
	ev = 0;
	for (i = 0; i < 500; i++) {
		snprintf(user, sizeof(user), "%u", 100 + i % 4);
		ev |= fail(aw, 10, user, 404, false, i * 10);
	}
	CHECK_INT(ev & AUTHWATCH_ENUMERATION, 0);

	unit_case("enumeration: forgotten after two windows");
	ev = 0;
	for (i = 0; i < 5; i++) {
		snprintf(user, sizeof(user), "%u", 900 + i);
		ev |= fail(aw, 9, user, 404, false, 200000 + i);
	}
	CHECK_INT(ev & AUTHWATCH_ENUMERATION, 0);
	authwatch_free(aw);
}

static void test_user_lock(void)
{
	struct authwatch *aw = authwatch_new(&cfg, &key);
	unsigned int i, ev = 0;

	unit_case("user: a distributed attack on one extension locks it");
	for (i = 0; i < 4; i++)
		ev |= fail(aw, 20 + i, "100", 401, false, i * 1000);
	CHECK_INT(ev, 0);
	CHECK(!authwatch_user_locked(aw, "100", 3, 4000));
	CHECK_INT(fail(aw, 30, "100", 403, false, 5000), AUTHWATCH_USER_LOCKED);
	CHECK(authwatch_user_locked(aw, "100", 3, 5000));
	CHECK(!authwatch_user_locked(aw, "101", 3, 5000));
	CHECK(!authwatch_user_locked(aw, "10", 2, 5000));

	unit_case("user: the lock runs out");
	CHECK(authwatch_user_locked(aw, "100", 3, 304999));
	CHECK(!authwatch_user_locked(aw, "100", 3, 305000));

	unit_case("user: allowlisted sources do not count against it");
	ev = 0;
	for (i = 0; i < 50; i++)
		ev |= fail(aw, 40, "102", 401, true, 400000 + i);
	CHECK_INT(ev, 0);
	CHECK(!authwatch_user_locked(aw, "102", 3, 400100));

	unit_case("user: locked again after the lock, by new failures only");
	ev = 0;
	for (i = 0; i < 4; i++)
		ev |= fail(aw, 50 + i, "100", 401, false, 310000 + i);
	CHECK_INT(ev, 0);
	CHECK_INT(fail(aw, 60, "100", 401, false, 310010), AUTHWATCH_USER_LOCKED);
	authwatch_free(aw);
}

static void test_config(void)
{
	struct authwatch_cfg c = cfg;

	unit_case("config: refused settings");
	c.window_ms = 999;
	CHECK(!authwatch_new(&c, &key));
	c = cfg;
	c.enum_users = AUTHWATCH_ENUM_MAX + 1;
	CHECK(!authwatch_new(&c, &key));
	c = cfg;
	c.sources = 0;
	CHECK(!authwatch_new(&c, &key));

	unit_case("config: detectors off");
	c = cfg;
	c.src_failures = c.enum_users = c.user_failures = 0;
	{
		struct authwatch *aw = authwatch_new(&c, &key);
		unsigned int i, ev = 0;
		char user[8];

		for (i = 0; i < 200; i++) {
			snprintf(user, sizeof(user), "%u", i);
			ev |= fail(aw, 1, user, 401, false, i);
		}
		CHECK_INT(ev, 0);
		authwatch_free(aw);
	}
}

int main(void)
{
	test_brute();
	test_enumeration();
	test_user_lock();
	test_config();
	return unit_summary("authwatch");
}
