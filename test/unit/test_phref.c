// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_phref.c - the pinhole reference table: exact keys (what
 * pinhole_same_key() calls equal is one key, anything else two), IPv4
 * and IPv6 side by side, probe runs that collide and wrap around, its
 * limit, and its IPv6 pool reused through the free list.
 *
 * Each script row runs a sequence of operations against a tiny table, so
 * keys share home slots, and checks every key's count against a model (a
 * plain array) after every step.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "pinhole/phref.h"
#include "pinhole/pinhole.h"

/* A key from a short spec: "4 192.0.2.1 4000" or "6 2001:db8::1 4000
 * from 2001:db8::2" (the tag does not matter to the table). */
static struct pinhole key(const char *spec)
{
	char fam, d[64], s[64] = "";
	unsigned int port;
	struct pinhole ph;

	memset(&ph, 0, sizeof(ph));
	if (sscanf(spec, "%c %63s %u from %63s", &fam, d, &port, s) < 3)
		return ph;
	ph.family = fam == '6' ? 6 : 4;
	ph.dport = (uint16_t)port;
	inet_pton(ph.family == 6 ? AF_INET6 : AF_INET, d, ph.daddr);
	if (s[0]) {
		ph.has_peer = true;
		inet_pton(ph.family == 6 ? AF_INET6 : AF_INET, s, ph.saddr);
	}
	return ph;
}

/* ---- basics --------------------------------------------------------------- */

static void test_basics(void)
{
	struct phref_table *t = phref_new(4);
	struct pinhole a = key("4 192.0.2.1 4000"), b;

	unit_case("phref_new: bad sizes");
	CHECK(!phref_new(0));
	CHECK_INT(errno, EINVAL);

	unit_case("inc, count, dec of one key");
	if (!CHECK(t))
		return;
	CHECK_INT(phref_count(t, &a), 0);
	CHECK_INT(phref_inc(t, &a), 0);
	CHECK_INT(phref_inc(t, &a), 0);
	CHECK_INT(phref_count(t, &a), 2);
	CHECK_INT(phref_keys(t), 1);
	phref_dec(t, &a);
	CHECK_INT(phref_count(t, &a), 1);
	phref_dec(t, &a);
	CHECK_INT(phref_count(t, &a), 0);
	CHECK_INT(phref_keys(t), 0);
	phref_dec(t, &a);		/* absent: nothing happens */
	CHECK_INT(phref_keys(t), 0);

	unit_case("the key is what pinhole_same_key() compares");
	a = key("4 192.0.2.1 4000 from 198.51.100.1");
	b = a;
	b.timeout_ms = 5000;		/* not part of the key */
	memcpy(b.tag.call_id, "other", 5);
	CHECK_INT(phref_inc(t, &a), 0);
	CHECK_INT(phref_count(t, &b), 1);
	b = a;
	b.has_peer = false;		/* no peer: another element */
	CHECK_INT(phref_count(t, &b), 0);
	b.saddr[0] = 1;			/* ... whatever saddr holds */
	CHECK_INT(phref_inc(t, &b), 0);
	b.saddr[0] = 2;
	CHECK_INT(phref_count(t, &b), 1);
	b = key("4 192.0.2.1 4000 from 198.51.100.2");
	CHECK_INT(phref_count(t, &b), 0);
	b = key("4 192.0.2.1 4001 from 198.51.100.1");
	CHECK_INT(phref_count(t, &b), 0);
	b = key("6 ::ffff:192.0.2.1 4000 from ::ffff:198.51.100.1");
	CHECK_INT(phref_count(t, &b), 0);
	CHECK_INT(phref_keys(t), 2);
	phref_free(t);
	phref_free(NULL);
}

/* ---- scripts against a model ------------------------------------------------ */

#define MAX_KEYS	16

/**
 * struct script - operations on a table made with phref_new(@max).
 * @keys: the key specs the operations name by index
 * @ops:  "+N" inc key N, "-N" dec key N, "!N" inc key N must fail
 *        (ENOSPC); separated by spaces
 */
struct script {
	const char	*name;
	unsigned int	max;
	const char	*keys[MAX_KEYS];
	const char	*ops;
};

#define V4(n)	"4 192.0.2." #n " 4000"
#define V6(n)	"6 2001:db8::" #n " 4000 from 2001:db8::ff"

static const struct script scripts[] = {
	{ "shared key counted", 2, { V4(1) }, "+0 +0 +0 -0 -0 -0" },
	{ "up to 2 max keys, then full", 2,
	  { V4(1), V4(2), V4(3), V4(4), V4(5) },
	  "+0 +1 +2 +3 !4 +0 +3 -3 -3 +4 !3 -0 -0 +3" },
	{ "IPv6 keys: the pool is reused", 1, { V6(1), V6(2), V6(3) },
	  "+0 +1 !2 -0 +2 -1 +0 -2 +1 -0 -1 +2 +0 -2 -0" },
	{ "IPv4 and IPv6 mixed, deleted in every order", 3,
	  { V4(1), V6(1), V4(2), V6(2), V4(3), V6(3) },
	  "+0 +1 +2 +3 +4 +5 -2 -5 -0 +0 +5 +2 -1 -3 -4 -0 -2 -5" },
	/* seven slots for six keys: runs wrap and every deletion shifts */
	{ "full table, deletions from the middle of runs", 3,
	  { V4(10), V4(11), V4(12), V4(13), V4(14), V4(15) },
	  "+0 +1 +2 +3 +4 +5 -3 +3 -0 -5 +5 +0 -1 -2 -4 +4 +1 +2 "
	  "-5 -4 -3 -2 -1 -0" },
	{ "peer and no peer of one destination", 2,
	  { "4 192.0.2.1 4000", "4 192.0.2.1 4000 from 198.51.100.1",
	    "4 192.0.2.1 4000 from 198.51.100.2" },
	  "+0 +1 +2 +1 -0 -1 -1 +0 -2 -0" },
};

static void run_script(const struct script *sc)
{
	struct pinhole keys[MAX_KEYS];
	uint32_t model[MAX_KEYS] = { 0 };
	unsigned int n = 0, i, step = 0, live;
	struct phref_table *t;
	const char *p = sc->ops;

	unit_case("script: %s", sc->name);
	while (n < MAX_KEYS && sc->keys[n]) {
		keys[n] = key(sc->keys[n]);
		n++;
	}
	t = phref_new(sc->max);
	if (!CHECK(t))
		return;
	while (*p) {
		char op = *p++;
		unsigned int k = 0;

		while (*p >= '0' && *p <= '9')
			k = k * 10 + (unsigned int)(*p++ - '0');
		while (*p == ' ')
			p++;
		step++;
		if (!CHECK_MSG(k < n, "step %u: no key %u", step, k))
			break;
		if (op == '+') {
			CHECK_MSG(phref_inc(t, &keys[k]) == 0,
				  "step %u: +%u failed", step, k);
			model[k]++;
		} else if (op == '!') {
			errno = 0;
			CHECK_MSG(phref_inc(t, &keys[k]) == -1 && errno == ENOSPC,
				  "step %u: +%u should fail", step, k);
		} else {
			phref_dec(t, &keys[k]);
			if (model[k])
				model[k]--;
		}
		for (i = 0, live = 0; i < n; i++) {
			CHECK_MSG(phref_count(t, &keys[i]) == model[i],
				  "step %u (%c%u): key %u count %u, want %u",
				  step, op, k, i, phref_count(t, &keys[i]),
				  model[i]);
			live += model[i] != 0;
		}
		CHECK_MSG(phref_keys(t) == live, "step %u: %u keys, want %u",
			  step, phref_keys(t), live);
	}
	phref_free(t);
}

/*
 * Many keys through a small table, pseudo-random order: every count stays
 * exact while runs form, wrap and shift (a model of 64 keys).
 */
static void test_churn(void)
{
	struct pinhole keys[64];
	uint32_t model[64] = { 0 };
	unsigned int i, step, live = 0, bad = 0, x = 12345;
	struct phref_table *t = phref_new(32);
	char spec[80];

	unit_case("churn: 64 keys, 20000 steps, table of 65 slots");
	if (!CHECK(t))
		return;
	for (i = 0; i < 64; i++) {
		if (i & 1)
			snprintf(spec, sizeof(spec),
				 "6 2001:db8::%x %u from 2001:db8::1", i % 5,
				 4000 + i);
		else
			snprintf(spec, sizeof(spec), "4 192.0.2.%u %u", i % 3,
				 4000 + i / 3);
		keys[i] = key(spec);
	}
	for (step = 0; step < 20000; step++) {
		x = x * 1103515245u + 12345u;
		i = (x >> 16) % 64;
		if ((x >> 8) & 1) {
			if (phref_inc(t, &keys[i]) == 0) {
				live += !model[i]++;
			} else if (model[i] || live < 64) {
				bad++;	/* room was there */
			}
		} else {
			phref_dec(t, &keys[i]);
			if (model[i])
				live -= !--model[i];
		}
		for (i = 0; i < 64; i++)
			bad += phref_count(t, &keys[i]) != model[i];
		bad += phref_keys(t) != live;
	}
	CHECK_INT(bad, 0);
	phref_free(t);
}

int main(void)
{
	size_t i;

	test_basics();
	for (i = 0; i < ARRAY_SIZE(scripts); i++)
		run_script(&scripts[i]);
	test_churn();
	return unit_summary("phref");
}
