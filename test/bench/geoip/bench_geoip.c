// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench_geoip.c - what the per-source cache saves, on a real database:
 * the time of a lookup from the file (tree descent and record decoding)
 * against a cache hit, as a ratio; and, as a check of the walk on a
 * database too large to check by hand, that a random address is in the
 * walked set of a country exactly when its lookup says that country.
 *
 * Usage: bench_geoip DB [CC [N]]   (make bench-geoip; default CC is CN,
 * N 1000000).  Indicative only: one core, a warm page cache, no other load.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "geoip/geoip.h"

static uint64_t rng = 88172645463325252ull;

static uint64_t xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *cc_s = argc > 2 ? argv[2] : "CN";
	unsigned long n = argc > 3 ? strtoul(argv[3], NULL, 10) : 1000000, i;
	struct siphash_key key = { 0x0123456789abcdefull, 0xfedcba9876543210ull };
	enum { SOURCES = 4096 };
	static uint8_t src[SOURCES][4];
	struct geoip_cache_stats cst;
	struct geoip_cache *c;
	struct geoip *g;
	struct netset ns;
	char err[512];
	uint16_t ccs[1], cc, sink = 0;
	unsigned long bad = 0, in = 0;
	double t0, t_file, t_hit;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_geoip DB [CC [N]]\n");
		return 2;
	}
	g = geoip_open(argv[1], GEOIP_KEY_AUTO, err, sizeof(err));
	if (!g) {
		fprintf(stderr, "bench_geoip: %s\n", err);
		return 1;
	}
	if (geoip_cc_list_parse(cc_s, ccs, 1, err, sizeof(err)) != 1) {
		fprintf(stderr, "bench_geoip: %s\n", err);
		return 2;
	}
	c = geoip_cache_new(65536, &key);
	if (!c)
		return 1;
	for (i = 0; i < SOURCES; i++) {
		uint32_t a = (uint32_t)xorshift();

		memcpy(src[i], &a, 4);
	}

	/* from the file: every lookup a different random address */
	t0 = now();
	for (i = 0; i < n; i++) {
		uint32_t a = (uint32_t)xorshift();

		geoip_lookup(g, 4, (const uint8_t *)&a, &cc);
		sink ^= cc;
	}
	t_file = (now() - t0) / (double)n;

	/* from the cache: 4096 sources over and over, all hits once warm */
	for (i = 0; i < SOURCES; i++)
		geoip_cache_lookup(c, g, 4, src[i]);
	t0 = now();
	for (i = 0; i < n; i++)
		sink ^= geoip_cache_lookup(c, g, 4, src[i % SOURCES]);
	t_hit = (now() - t0) / (double)n;
	geoip_cache_stats(c, &cst);

	printf("lookup from the file %.0f ns, cache hit %.0f ns: %.1fx "
	       "(%llu hits, %llu misses; %lu lookups each; sink %u)\n",
	       t_file * 1e9, t_hit * 1e9, t_file / t_hit,
	       (unsigned long long)cst.hits, (unsigned long long)cst.misses,
	       n, sink);

	/* the walk against lookups, IPv4 and global unicast IPv6 */
	netset_init(&ns, 8u << 20);
	t0 = now();
	if (geoip_networks(g, ccs, 1, &ns, NULL, err, sizeof(err))) {
		fprintf(stderr, "bench_geoip: %s\n", err);
		return 1;
	}
	printf("walk for %s: %u IPv4 + %u IPv6 ranges in %.0f ms\n", cc_s,
	       ns.n4, ns.n6, (now() - t0) * 1e3);
	for (i = 0; i < 400000; i++) {
		uint8_t a[16];
		int fam = i % 2 ? 6 : 4, k;
		bool inset;

		for (k = 0; k < 16; k++)
			a[k] = (uint8_t)xorshift();
		if (fam == 6)
			a[0] = (uint8_t)(0x20 | (a[0] & 0x1f));
		geoip_lookup(g, fam, a, &cc);
		inset = netset_contains(&ns, fam, a);
		in += inset;
		if (inset != (cc == ccs[0]))
			bad++;
	}
	printf("walk vs lookup: %lu of 400000 random addresses disagree "
	       "(%lu in the set)\n", bad, in);
	netset_release(&ns);
	geoip_cache_free(c);
	geoip_close(g);
	return bad ? 1 : 0;
}
