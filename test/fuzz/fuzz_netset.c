// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_netset.c - libFuzzer target: block list files through
 * netset_parse().
 *
 * Beyond "no crash, no leak, no UB": an error names a place inside the
 * input ("fuzz:LINE:COL: ") and leaves the set as it was; after a merge
 * the ranges are sorted, disjoint and not touching, and every range's
 * ends are inside the set, the addresses around them outside.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netset/netset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ASSERT(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "fuzz_netset: broken: %s\n", #c);	\
		abort();						\
	}								\
} while (0)

static void be32(uint32_t v, uint8_t *a)
{
	a[0] = (uint8_t)(v >> 24);
	a[1] = (uint8_t)(v >> 16);
	a[2] = (uint8_t)(v >> 8);
	a[3] = (uint8_t)v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netset ns;
	char err[256];
	uint8_t a[4] = { 0 };
	uint32_t i, line, col;
	int ret;

	netset_init(&ns, 4096);
	netset_add(&ns, 4, a, 32);
	ret = netset_parse(&ns, (const char *)data, size, "fuzz", err, sizeof(err));
	if (ret) {
		ASSERT(ret == -1);
		ASSERT(sscanf(err, "fuzz:%u:%u: ", &line, &col) == 2);
		ASSERT(line >= 1 && line <= size + 1 && col >= 1 && col <= size + 1);
		ASSERT(ns.n4 == 1 && ns.n6 == 0);
	}
	netset_merge(&ns);
	for (i = 0; i < ns.n4; i++) {
		ASSERT(ns.r4[i].lo <= ns.r4[i].hi);
		if (i)
			ASSERT(ns.r4[i].lo > ns.r4[i - 1].hi + 1);
		be32(ns.r4[i].lo, a);
		ASSERT(netset_contains(&ns, 4, a));
		be32(ns.r4[i].hi, a);
		ASSERT(netset_contains(&ns, 4, a));
		if (ns.r4[i].lo) {
			be32(ns.r4[i].lo - 1, a);
			ASSERT(!netset_contains(&ns, 4, a));
		}
		if (ns.r4[i].hi != UINT32_MAX) {
			be32(ns.r4[i].hi + 1, a);
			ASSERT(!netset_contains(&ns, 4, a));
		}
	}
	for (i = 1; i < ns.n6; i++)
		ASSERT(ns.r6[i].lo > ns.r6[i - 1].hi + 1);
	netset_release(&ns);
	return 0;
}
