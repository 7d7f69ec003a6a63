// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_srclimit.c - SipHash-2-4 against the reference vectors, and the
 * per-source token buckets: burst, refill at whole and fractional rates,
 * classes apart, IPv4 and IPv6 apart, a full table forgetting the source
 * seen longest ago, expiry, the clamps, a clock that wraps; then long
 * random runs against a plain model (an array searched linearly).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "hash/siphash.h"
#include "limit/srclimit.h"

/* key 00 01 .. 0f, message 00 01 .. n-1 (reference test.c, vectors_sip64) */
static const struct {
	size_t		len;
	uint64_t	want;
} vectors[] = {
	{ 0, 0x726fdb47dd0e0e31ULL }, { 1, 0x74f839c593dc67fdULL },
	{ 2, 0x0d6c8009d9a94f5aULL }, { 3, 0x85676696d7fb7e2dULL },
	{ 4, 0xcf2794e0277187b7ULL }, { 8, 0x93f5f5799a932462ULL },
	{ 15, 0xa129ca6149be45e5ULL }, { 16, 0x3f2acc7f57c29bdbULL },
};

static void test_siphash(void)
{
	struct siphash_key k = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL };
	struct siphash_key r1, r2;
	uint8_t msg[16];
	unsigned int i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	for (i = 0; i < ARRAY_SIZE(vectors); i++) {
		unit_case("siphash: %zu bytes", vectors[i].len);
		CHECK_MSG(siphash(&k, msg, vectors[i].len) == vectors[i].want,
			  "got %016llx", (unsigned long long)siphash(&k, msg, vectors[i].len));
	}
	unit_case("siphash: random keys differ");
	CHECK(siphash_key_random(&r1) == 0);
	CHECK(siphash_key_random(&r2) == 0);
	CHECK(r1.k0 != r2.k0 || r1.k1 != r2.k1);
}

static const struct siphash_key key0 = { 1, 2 };

static struct srclimit_rates rates(uint32_t milli, uint32_t burst)
{
	struct srclimit_rates r;
	int c;

	memset(&r, 0, sizeof(r));
	for (c = 0; c < __SRCLIMIT_CLASS_MAX; c++) {
		r.cls[c].milli_per_sec = milli;
		r.cls[c].burst = burst;
	}
	return r;
}

static uint8_t a4[4] = { 192, 0, 2, 1 };
static uint8_t b4[4] = { 192, 0, 2, 2 };

/* how many of @n messages at @now pass */
static int passes(struct srclimit *sl, int fam, const uint8_t *a,
		  enum srclimit_class c, const struct srclimit_rates *r,
		  uint32_t now, int n)
{
	int got = 0;

	while (n--)
		got += srclimit_allow(sl, fam, a, c, r, now);
	return got;
}

static void test_buckets(void)
{
	struct srclimit_rates r = rates(1000, 5);	/* 1/s, burst 5 */
	struct srclimit_rates half = rates(500, 1);	/* one per 2 s */
	struct srclimit_stats st;
	struct srclimit *sl = srclimit_new(16, &key0);
	uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	uint8_t v4tail[16] = { 192, 0, 2, 1, 9, 9, 9 };

	unit_case("buckets: burst, then refill at the rate");
	CHECK(sl);
	if (!sl)
		return;
	CHECK_INT(passes(sl, 4, a4, SRCLIMIT_INVITE, &r, 1000, 8), 5);
	CHECK_INT(passes(sl, 4, a4, SRCLIMIT_INVITE, &r, 1999, 1), 0);
	CHECK_INT(passes(sl, 4, a4, SRCLIMIT_INVITE, &r, 2000, 2), 1);
	CHECK_INT(passes(sl, 4, a4, SRCLIMIT_INVITE, &r, 5000, 9), 3);
	CHECK_INT(passes(sl, 4, a4, SRCLIMIT_INVITE, &r, 100000, 9), 5);

	unit_case("buckets: classes and sources apart");
	CHECK_INT(passes(sl, 4, a4, SRCLIMIT_REGISTER, &r, 100000, 9), 5);
	CHECK_INT(passes(sl, 4, a4, SRCLIMIT_OPTIONS, &r, 100000, 9), 5);
	CHECK_INT(passes(sl, 4, b4, SRCLIMIT_INVITE, &r, 100000, 9), 5);

	unit_case("buckets: IPv6 apart from IPv4 with the same first bytes");
	memcpy(v6, a4, 4);
	CHECK_INT(passes(sl, 6, v6, SRCLIMIT_INVITE, &r, 100000, 9), 5);
	unit_case("buckets: IPv4 reads 4 bytes only");
	CHECK_INT(passes(sl, 4, v4tail, SRCLIMIT_INVITE, &r, 100000, 9), 0);

	unit_case("buckets: a fractional rate");
	CHECK_INT(passes(sl, 4, b4, SRCLIMIT_OTHER, &half, 0, 3), 1);
	CHECK_INT(passes(sl, 4, b4, SRCLIMIT_OTHER, &half, 1999, 1), 0);
	CHECK_INT(passes(sl, 4, b4, SRCLIMIT_OTHER, &half, 2000, 1), 1);
	CHECK_INT(passes(sl, 4, b4, SRCLIMIT_OTHER, &half, 3000, 1), 0);
	CHECK_INT(passes(sl, 4, b4, SRCLIMIT_OTHER, &half, 4000, 1), 1);

	unit_case("buckets: stats");
	srclimit_stats(sl, &st);
	CHECK_INT(st.sources, 3);
	CHECK_INT(st.evicted, 0);
	srclimit_free(sl);
}

static void test_limits(void)
{
	struct srclimit_rates none = rates(0, 0), huge = rates(UINT32_MAX, UINT32_MAX);
	struct srclimit_rates r = rates(1000, 2);
	struct srclimit *sl = srclimit_new(4, &key0);

	unit_case("limits: burst 0 lets nothing pass");
	CHECK_INT(passes(sl, 4, a4, SRCLIMIT_INVITE, &none, 0, 3), 0);
	CHECK_INT(passes(sl, 4, a4, SRCLIMIT_INVITE, &none, 100000, 3), 0);

	unit_case("limits: above the maxima counts as the maxima");
	CHECK_INT(passes(sl, 4, b4, SRCLIMIT_INVITE, &huge, 0, SRCLIMIT_BURST_MAX + 5),
		  SRCLIMIT_BURST_MAX);
	/* 10000/s: 10 per ms */
	CHECK_INT(passes(sl, 4, b4, SRCLIMIT_INVITE, &huge, 1, 50), 10);

	unit_case("limits: unlimited passes and keeps no state");
	huge.unlimited = true;
	CHECK_INT(passes(sl, 4, b4, SRCLIMIT_INVITE, &huge, 1, 50000), 50000);

	unit_case("limits: the clock wraps");
	CHECK_INT(passes(sl, 4, a4, SRCLIMIT_OTHER, &r, UINT32_MAX - 499, 5), 2);
	CHECK_INT(passes(sl, 4, a4, SRCLIMIT_OTHER, &r, 500, 5), 1);

	unit_case("limits: capacity out of range");
	CHECK(!srclimit_new(0, &key0));
	CHECK(!srclimit_new((1u << 24) + 1, &key0));
	srclimit_free(sl);
	srclimit_free(NULL);
}

static void test_lru(void)
{
	struct srclimit_rates r = rates(1, 1);	/* one, then ~never */
	struct srclimit_stats st;
	struct srclimit *sl = srclimit_new(3, &key0);
	uint8_t s[4][4] = { {10, 0, 0, 1}, {10, 0, 0, 2}, {10, 0, 0, 3}, {10, 0, 0, 4} };

	unit_case("lru: a full table forgets the source seen longest ago");
	CHECK_INT(passes(sl, 4, s[0], SRCLIMIT_INVITE, &r, 0, 1), 1);
	CHECK_INT(passes(sl, 4, s[1], SRCLIMIT_INVITE, &r, 1, 1), 1);
	CHECK_INT(passes(sl, 4, s[2], SRCLIMIT_INVITE, &r, 2, 1), 1);
	/* s0 seen again: now s1 is the oldest */
	CHECK_INT(passes(sl, 4, s[0], SRCLIMIT_INVITE, &r, 3, 1), 0);
	CHECK_INT(passes(sl, 4, s[3], SRCLIMIT_INVITE, &r, 4, 1), 1);
	srclimit_stats(sl, &st);
	CHECK_INT(st.sources, 3);
	CHECK_INT(st.evicted, 1);
	/* s0 and s2 remembered (drained), s1 forgotten (fresh again) */
	CHECK_INT(passes(sl, 4, s[0], SRCLIMIT_INVITE, &r, 5, 1), 0);
	CHECK_INT(passes(sl, 4, s[2], SRCLIMIT_INVITE, &r, 6, 1), 0);
	CHECK_INT(passes(sl, 4, s[1], SRCLIMIT_INVITE, &r, 7, 1), 1);

	unit_case("lru: expire forgets the idle ones, oldest first");
	/* last seen: s3 4, s0 5, s2 6, s1 7 -- s3 was evicted by s1 */
	CHECK_INT(srclimit_expire(sl, 1006, 1000), 2);
	srclimit_stats(sl, &st);
	CHECK_INT(st.sources, 1);
	CHECK_INT(st.expired, 2);
	CHECK_INT(passes(sl, 4, s[2], SRCLIMIT_INVITE, &r, 1006, 1), 1);
	CHECK_INT(passes(sl, 4, s[1], SRCLIMIT_INVITE, &r, 1006, 1), 0);
	CHECK_INT(srclimit_expire(sl, 5000, 1), 2);
	srclimit_stats(sl, &st);
	CHECK_INT(st.sources, 0);
	srclimit_free(sl);
}

/* ---- model ---------------------------------------------------------------- */

struct model_src {
	int		used;
	uint8_t		fam, addr[16];
	uint32_t	last_ms;
	uint64_t	seen;		/* LRU order */
	uint64_t	tokens[__SRCLIMIT_CLASS_MAX];
};

#define MODEL_CAP	8

static int model_allow(struct model_src *m, uint64_t *seq, uint64_t *evicted,
		       uint8_t fam, const uint8_t *addr,
		       int cls, const struct srclimit_rates *r, uint32_t now)
{
	int i, slot = -1, c;
	int fresh = 0;

	for (i = 0; i < MODEL_CAP; i++)
		if (m[i].used && m[i].fam == fam && !memcmp(m[i].addr, addr, 16))
			slot = i;
	if (slot < 0) {
		for (i = 0; i < MODEL_CAP && slot < 0; i++)
			if (!m[i].used)
				slot = i;
		if (slot < 0) {
			slot = 0;
			for (i = 1; i < MODEL_CAP; i++)
				if (m[i].seen < m[slot].seen)
					slot = i;
			(*evicted)++;
		}
		memset(&m[slot], 0, sizeof(m[slot]));
		m[slot].used = 1;
		m[slot].fam = fam;
		memcpy(m[slot].addr, addr, 16);
		fresh = 1;
	}
	m[slot].seen = ++*seq;
	for (c = 0; c < __SRCLIMIT_CLASS_MAX; c++) {
		uint64_t cap = (uint64_t)r->cls[c].burst * 1000000u;
		uint64_t t = fresh ? cap : m[slot].tokens[c] +
			(uint64_t)r->cls[c].milli_per_sec * (uint32_t)(now - m[slot].last_ms);

		m[slot].tokens[c] = t > cap ? cap : t;
	}
	m[slot].last_ms = now;
	if (m[slot].tokens[cls] < 1000000u)
		return 0;
	m[slot].tokens[cls] -= 1000000u;
	return 1;
}

static void test_model(void)
{
	unsigned int run;

	for (run = 0; run < 40; run++) {
		struct model_src m[MODEL_CAP];
		struct srclimit *sl = srclimit_new(MODEL_CAP, &key0);
		struct srclimit_rates r[2];
		struct srclimit_stats st;
		uint64_t seq = 0, evicted = 0;
		uint32_t now = run & 1 ? UINT32_MAX - 5000 : 0;
		int step, bad = 0;

		unit_case("model: run %u", run);
		srand(run + 1);
		memset(m, 0, sizeof(m));
		r[0] = rates(1 + (uint32_t)rand() % 3000, 1 + (uint32_t)rand() % 6);
		r[1] = rates((uint32_t)rand() % 100000, (uint32_t)rand() % 40);
		for (step = 0; step < 20000 && !bad; step++) {
			uint8_t addr[16] = { 0 };
			uint8_t fam = rand() % 4 ? 4 : 6;
			int cls = rand() % __SRCLIMIT_CLASS_MAX;
			const struct srclimit_rates *rr = &r[rand() % 2];
			int want, got;

			/* 12 sources for 8 slots: evictions happen */
			addr[3] = (uint8_t)(rand() % 12);
			now += (uint32_t)(rand() % 400);
			want = model_allow(m, &seq, &evicted, fam, addr, cls, rr, now);
			got = srclimit_allow(sl, fam, addr, cls, rr, now);
			if (want != got) {
				CHECK_MSG(0, "step %d: got %d, model %d", step, got, want);
				bad = 1;
			}
		}
		srclimit_stats(sl, &st);
		CHECK_INT(st.evicted, evicted);
		srclimit_free(sl);
	}
}

static void test_class_of(void)
{
	static const struct {
		const char		*m;
		enum srclimit_class	c;
	} rows[] = {
		{ "REGISTER", SRCLIMIT_REGISTER }, { "INVITE", SRCLIMIT_INVITE },
		{ "OPTIONS", SRCLIMIT_OPTIONS }, { "BYE", SRCLIMIT_OTHER },
		{ "invite", SRCLIMIT_OTHER }, { "INVITEX", SRCLIMIT_OTHER },
		{ "INVIT", SRCLIMIT_OTHER }, { "", SRCLIMIT_OTHER },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		unit_case("class of '%s'", rows[i].m);
		CHECK_INT(srclimit_class_of(rows[i].m, (uint32_t)strlen(rows[i].m)),
			  rows[i].c);
	}
	unit_case("class names");
	CHECK_STR(srclimit_class_name(SRCLIMIT_OPTIONS), "options");
	CHECK(srclimit_class_name(__SRCLIMIT_CLASS_MAX) == NULL);
}

int main(void)
{
	test_siphash();
	test_buckets();
	test_limits();
	test_lru();
	test_model();
	test_class_of();
	return unit_summary("srclimit");
}
