// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_netset.c - network sets: merging into sorted disjoint ranges
 * (checked against the prefixes themselves for random addresses), and
 * block list files line by line and as APIBAN-style JSON, with the place
 * of every refusal and the set unchanged after one.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "netset/netset.h"

static bool has(const struct netset *ns, const char *a)
{
	uint8_t b[16];
	int fam = strchr(a, ':') ? 6 : 4;

	if (inet_pton(fam == 6 ? AF_INET6 : AF_INET, a, b) != 1)
		return false;
	return netset_contains(ns, fam, b);
}

static void test_merge(void)
{
	struct netset ns;
	uint8_t a[16] = { 0 };
	unsigned int run;

	netset_init(&ns, 1000);
	unit_case("merge: overlap, touch, inside, apart");
	a[0] = 10; a[1] = 0; a[2] = 0; a[3] = 0;
	CHECK(!netset_add(&ns, 4, a, 24));	/* 10.0.0.0-255 */
	a[2] = 1;
	CHECK(!netset_add(&ns, 4, a, 24));	/* touches: 10.0.1.0-255 */
	a[2] = 0; a[3] = 128;
	CHECK(!netset_add(&ns, 4, a, 25));	/* inside */
	a[2] = 3; a[3] = 0;
	CHECK(!netset_add(&ns, 4, a, 24));	/* apart */
	a[0] = 255; a[1] = 255; a[2] = 255; a[3] = 255;
	CHECK(!netset_add(&ns, 4, a, 32));	/* the top address */
	a[0] = 0; a[1] = 0; a[2] = 0; a[3] = 0;
	CHECK(!netset_add(&ns, 4, a, 32));	/* the bottom one */
	netset_merge(&ns);
	CHECK_INT(ns.n4, 4);
	CHECK(ns.r4[1].lo == 0x0a000000 && ns.r4[1].hi == 0x0a0001ff);
	CHECK(has(&ns, "10.0.1.255") && !has(&ns, "10.0.2.0") && has(&ns, "10.0.3.7"));
	CHECK(has(&ns, "255.255.255.255") && has(&ns, "0.0.0.0") && !has(&ns, "0.0.0.1"));
	CHECK(!has(&ns, "::"));

	unit_case("merge: everything");
	a[0] = 0;
	CHECK(!netset_add(&ns, 4, a, 0));
	netset_merge(&ns);
	CHECK_INT(ns.n4, 1);
	CHECK(has(&ns, "1.2.3.4"));

	unit_case("merge: bad lengths");
	CHECK(netset_add(&ns, 4, a, 33) == -1);
	CHECK(netset_add(&ns, 6, a, 129) == -1);
	CHECK(netset_add(&ns, 5, a, 1) == -1);
	netset_release(&ns);

	unit_case("merge: a maximum");
	netset_init(&ns, 2);
	CHECK(!netset_add(&ns, 4, a, 32));
	CHECK(!netset_add(&ns, 4, a, 32));
	CHECK(netset_add(&ns, 4, a, 32) == -1);
	CHECK(!netset_add(&ns, 6, a, 128));
	netset_release(&ns);

	/* random prefixes in a small corner: every address checked */
	for (run = 0; run < 30; run++) {
		uint32_t pre[40], len[40], n = 1 + run % 40, i, x;
		int bad = 0;
		bool fam6 = run % 3 == 0;

		unit_case("merge: random run %u (%s)", run, fam6 ? "IPv6" : "IPv4");
		netset_init(&ns, 100);
		srand(run + 7);
		for (i = 0; i < n; i++) {
			len[i] = 22 + (uint32_t)rand() % 11;	/* /22../32 */
			pre[i] = ((uint32_t)rand() % 4096) & ~(len[i] >= 32 ? 0 : (~0u >> len[i]));
			memset(a, 0, sizeof(a));
			a[fam6 ? 13 : 1] = (uint8_t)(pre[i] >> 16);
			a[fam6 ? 14 : 2] = (uint8_t)(pre[i] >> 8);
			a[fam6 ? 15 : 3] = (uint8_t)pre[i];
			if (fam6)
				a[0] = 0x20;
			netset_add(&ns, fam6 ? 6 : 4, a, fam6 ? 96 + len[i] : len[i]);
		}
		netset_merge(&ns);
		for (i = 1; i < (fam6 ? ns.n6 : ns.n4); i++) {
			bool ok = fam6 ? ns.r6[i].lo > ns.r6[i - 1].hi + 1 :
					 ns.r4[i].lo > ns.r4[i - 1].hi + 1;
			if (!ok && !bad++)
				CHECK_MSG(0, "ranges %u and %u overlap or touch", i - 1, i);
		}
		for (x = 0; x < 8192 && !bad; x++) {
			bool want = false;

			for (i = 0; i < n; i++)
				if ((x & ~(len[i] >= 32 ? 0 : (~0u >> len[i]))) == pre[i])
					want = true;
			memset(a, 0, sizeof(a));
			a[fam6 ? 13 : 1] = (uint8_t)(x >> 16);
			a[fam6 ? 14 : 2] = (uint8_t)(x >> 8);
			a[fam6 ? 15 : 3] = (uint8_t)x;
			if (fam6)
				a[0] = 0x20;
			if (netset_contains(&ns, fam6 ? 6 : 4, a) != want) {
				CHECK_MSG(0, "address %u: want %d", x, want);
				bad = 1;
			}
		}
		netset_release(&ns);
	}
}

static const struct {
	const char	*text;
	const char	*err;	/* NULL: accepted */
	const char	*in;	/* an address then inside */
	const char	*out;	/* and one outside */
	unsigned int	n4, n6;	/* ranges after merging */
} files[] = {
	{ "192.0.2.0/24\n198.51.100.7\n", NULL, "192.0.2.9", "192.0.3.0", 2, 0 },
	{ "; Spamhaus DROP List 2026/11/26\n; Last-Modified: x\n"
	  "1.10.16.0/20 ; SBL256894\r\n1.19.0.0/16 ; SBL434604\r\n", NULL,
	  "1.10.31.255", "1.10.32.0", 2, 0 },
	{ "# comment\n\n   \n2001:db8::/32 # doc\n10.0.0.1\t\n", NULL,
	  "2001:db8:ffff::1", "2001:db9::", 1, 1 },
	{ "", NULL, NULL, "1.2.3.4", 0, 0 },
	{ "1.2.3.4", NULL, "1.2.3.4", "1.2.3.5", 1, 0 },
	{ "{\"ipaddress\": [\"203.0.113.5\", \"2001:db8::5\"], \"ID\": \"1234\"}",
	  NULL, "203.0.113.5", "203.0.113.6", 1, 1 },
	{ "  {\"ID\": 99, \"x\": {\"a\": [1, true, null, -2.5E3]},\n"
	  "   \"ipaddress\": []}\n", NULL, NULL, "1.2.3.4", 0, 0 },
	{ "192.0.2.0/24 x\n", "t:1:14: unexpected 'x' (one network a line; comments after '#' or ';')", NULL, NULL, 0, 0 },
	{ "192.0.2.1/24\n", "t:1:1: '192.0.2.1/24' has host bits set", NULL, NULL, 0, 0 },
	{ "ok 1.2.3.4\n", "t:1:1: unexpected 'o' (one network a line; comments after '#' or ';')", NULL, NULL, 0, 0 },
	{ "1.2.3.4\n1.2.3.256\n", "t:2:1: not an IPv4 address: '1.2.3.256'", NULL, NULL, 0, 0 },
	{ "1.2.3.0/33\n", "t:1:9: prefix length 33 is beyond IPv4's 32", NULL, NULL, 0, 0 },
	{ "1.2.3.0/024\n", "t:1:9: bad prefix length '024'", NULL, NULL, 0, 0 },
	{ "1.2.3.0/\n", "t:1:9: bad prefix length ''", NULL, NULL, 0, 0 },
	{ "::g\n", "t:1:3: unexpected 'g' (one network a line; comments after '#' or ';')", NULL, NULL, 0, 0 },
	{ "2001:db8::1/64\n", "t:1:1: '2001:db8::1/64' has host bits set", NULL, NULL, 0, 0 },
	{ "1.2.3.4\0\n", "t:1:8: unexpected byte 0x00", NULL, NULL, 0, 0 },
	{ "{\"ID\": 1}", "t:1:1: no \"ipaddress\" array in the JSON object", NULL, NULL, 0, 0 },
	{ "{\"ipaddress\": [\"1.2.3.4\" \"5.6.7.8\"]}", "t:1:26: expected ',' or ']'", NULL, NULL, 0, 0 },
	{ "{\"ipaddress\": [\"nope\"]}", "t:1:17: not an IPv4 address: 'nope'", NULL, NULL, 0, 0 },
	{ "{\"ipaddress\": \"1.2.3.4\"}", "t:1:15: \"ipaddress\" is not an array", NULL, NULL, 0, 0 },
	{ "{\"ipaddress\": []} x", "t:1:19: text after the JSON object", NULL, NULL, 0, 0 },
	{ "{\"ipaddress\": [\"1.2.3.4", "t:1:16: unterminated string", NULL, NULL, 0, 0 },
	{ "{\"a\": [[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]], \"ipaddress\": []}",
	  "t:1:23: nested too deep", NULL, NULL, 0, 0 },
};

static void test_files(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		struct netset ns;
		char err[200] = "";
		size_t len = strlen(files[i].text);
		uint8_t keep[4] = { 9, 9, 9, 9 };
		int ret;

		/* the \0 row is one byte longer than strlen says */
		if (files[i].err && strstr(files[i].err, "0x00"))
			len += 2;
		unit_case("file %u: %.40s", i, files[i].text);
		netset_init(&ns, 1000);
		netset_add(&ns, 4, keep, 32);
		netset_merge(&ns);
		ret = netset_parse(&ns, files[i].text, len, "t", err, sizeof(err));
		if (files[i].err) {
			CHECK_INT(ret, -1);
			CHECK_STR(err, files[i].err);
			CHECK_INT(ns.n4, 1);
			CHECK_INT(ns.n6, 0);
			CHECK(ns.merged);
		} else {
			CHECK_INT(ret, 0);
			CHECK_MSG(ret == 0, "error: %s", err);
			netset_merge(&ns);
			CHECK(has(&ns, "9.9.9.9"));
			CHECK_INT(ns.n4, files[i].n4 + 1);
			CHECK_INT(ns.n6, files[i].n6);
			if (files[i].in)
				CHECK_MSG(has(&ns, files[i].in), "%s not inside", files[i].in);
			CHECK_MSG(!has(&ns, files[i].out), "%s inside", files[i].out);
		}
		netset_release(&ns);
	}
}

int main(void)
{
	test_merge();
	test_files();
	return unit_summary("netset");
}
