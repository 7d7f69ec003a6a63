// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_geoip.c - countries from MaxMind DB files.
 *
 * The databases are built at run time by test/geoip/mkdb.pl (Debian
 * libmaxmind-db-writer-perl) into a temporary directory, with a NAME.nets
 * list of the networks each was given.  Against those lists: the country
 * of the first, middle and last address of every network; the networks of
 * each country from the tree walk, exactly the lists' networks merged;
 * ip-location-db and MaxMind shapes, IPv4 and IPv6 trees, MaxMind's
 * aliases into the IPv4 subtree (found by lookups, not by the walk); the
 * refusal of a missing, truncated, random, non-country and corrupt file
 * with a message naming it; the cache (same answers, hits, LRU eviction,
 * a flush for another file) and no allocation on the lookup paths.
 *
 * Usage: test_geoip [MKDB]; MKDB defaults to $VOIPFW_GEOIP_MKDB, then to
 * test/geoip/mkdb.pl (the test runner runs from the top of the tree).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "geoip/geoip.h"

#if defined(__SANITIZE_ADDRESS__)
#define GEOIP_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GEOIP_ASAN	1
#endif
#endif

#ifndef GEOIP_ASAN
/* Count heap calls as test_noalloc.c does (see there). */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t nmemb, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);

static unsigned long heap_calls;

void *malloc(size_t size)
{
	heap_calls++;
	return __libc_malloc(size);
}

void *calloc(size_t nmemb, size_t size)
{
	heap_calls++;
	return __libc_calloc(nmemb, size);
}

void *realloc(void *ptr, size_t size)
{
	heap_calls++;
	return __libc_realloc(ptr, size);
}

void free(void *ptr)
{
	if (ptr)
		heap_calls++;
	__libc_free(ptr);
}

static unsigned long heap_count(void)
{
	return *(volatile unsigned long *)&heap_calls;
}
#endif

static char dir[64];

struct net {
	uint16_t	cc;		/* GEOIP_UNKNOWN: a record without one */
	int		family;
	uint8_t		addr[16];
	unsigned int	plen;
};

static struct net nets[1024];
static unsigned int n_nets;

static const char *dbpath(const char *name)
{
	static char buf[4][128];
	static unsigned int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static bool read_nets(const char *name)
{
	char line[128], cc[8], cidr[64];
	FILE *f = fopen(dbpath(name), "r");

	n_nets = 0;
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f) && n_nets < ARRAY_SIZE(nets)) {
		struct net *n = &nets[n_nets];
		char *slash;

		if (sscanf(line, "%7s %63s", cc, cidr) != 2)
			continue;
		slash = strchr(cidr, '/');
		if (!slash)
			continue;
		*slash = '\0';
		n->plen = (unsigned int)atoi(slash + 1);
		n->family = strchr(cidr, ':') ? 6 : 4;
		if (inet_pton(n->family == 6 ? AF_INET6 : AF_INET, cidr, n->addr) != 1)
			continue;
		n->cc = cc[0] == '-' ? GEOIP_UNKNOWN : GEOIP_CC(cc[0], cc[1]);
		n_nets++;
	}
	fclose(f);
	return n_nets > 0;
}

/* the first (0), last (1) or middle (2) address of @n into @a */
static void net_addr(const struct net *n, int which, uint8_t *a)
{
	unsigned int len = n->family == 6 ? 16 : 4, bit;

	memcpy(a, n->addr, len);
	if (which == 0)
		return;
	for (bit = n->plen; bit < len * 8; bit++)
		if (which == 1 || bit == n->plen)
			a[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
}

static uint8_t *ip(const char *s, int *family)
{
	static uint8_t a[16];

	*family = strchr(s, ':') ? 6 : 4;
	if (inet_pton(*family == 6 ? AF_INET6 : AF_INET, s, a) != 1)
		abort();
	return a;
}

static uint16_t look(const struct geoip *g, const char *s)
{
	uint16_t cc = 0xffff;
	int fam;
	uint8_t *a = ip(s, &fam);

	if (geoip_lookup(g, fam, a, &cc))
		return 0xfffe;
	return cc;
}

/* The expected set: the list's networks of the countries in @ccs. */
static void expected(struct netset *ns, const uint16_t *ccs, unsigned int n,
		     bool v4only)
{
	unsigned int i, k;

	netset_init(ns, 100000);
	for (i = 0; i < n_nets; i++) {
		if (v4only && nets[i].family == 6)
			continue;
		for (k = 0; k < n; k++)
			if (nets[i].cc == ccs[k])
				netset_add(ns, nets[i].family, nets[i].addr,
					   nets[i].plen);
	}
	netset_merge(ns);
}

static bool same_set(const struct netset *a, const struct netset *b)
{
	return a->n4 == b->n4 && a->n6 == b->n6 &&
	       (!a->n4 || !memcmp(a->r4, b->r4, a->n4 * sizeof(*a->r4))) &&
	       (!a->n6 || !memcmp(a->r6, b->r6, a->n6 * sizeof(*a->r6)));
}

/* One country database against its list. */
static void test_db(const char *name, enum geoip_key want_key,
		    unsigned int ip_version, uint64_t aliases)
{
	static const char *const sets[] = {
		"CN", "RU", "US", "DE", "FR", "BR", "CN,RU", "JP",
		"CN,RU,US,DE,FR,BR",
	};
	char err[256], file[64], nets_name[64], buf[3];
	struct geoip_info info;
	struct geoip *g;
	unsigned int i, bad = 0, which;

	snprintf(file, sizeof(file), "%s.mmdb", name);
	snprintf(nets_name, sizeof(nets_name), "%s.nets", name);
	unit_case("%s: open, key %s", name, geoip_key_name(want_key));
	g = geoip_open(dbpath(file), GEOIP_KEY_AUTO, err, sizeof(err));
	if (!CHECK_MSG(g, "refused: %s", err))
		return;
	if (!CHECK(read_nets(nets_name)))
		goto out;
	geoip_info(g, &info);
	CHECK_INT(info.key, want_key);
	CHECK_INT(info.ip_version, ip_version);
	CHECK(info.node_count > 0);

	unit_case("%s: lookups at the first, middle and last address of %u networks",
		  name, n_nets);
	for (i = 0; i < n_nets; i++) {
		if (ip_version == 4 && nets[i].family == 6)
			continue;
		for (which = 0; which < 3; which++) {
			uint8_t a[16];
			uint16_t cc;

			net_addr(&nets[i], which, a);
			if (geoip_lookup(g, nets[i].family, a, &cc) ||
			    cc != nets[i].cc) {
				if (bad++ < 5)
					CHECK_MSG(false, "network %u (%s/%u), address %u: %s",
						  i, geoip_cc_str(nets[i].cc, buf),
						  nets[i].plen, which,
						  geoip_cc_str(cc, buf));
			}
		}
	}
	CHECK_INT(bad, 0);

	unit_case("%s: addresses in no network are unknown", name);
	CHECK_INT(look(g, "200.1.2.3"), GEOIP_UNKNOWN);
	CHECK_INT(look(g, "201.0.3.6"), GEOIP_UNKNOWN);
	CHECK_INT(look(g, "201.0.3.7"), GEOIP_CC('C', 'N'));
	CHECK_INT(look(g, "201.0.3.8"), GEOIP_UNKNOWN);
	CHECK_INT(look(g, "2403::1"), GEOIP_UNKNOWN);
	CHECK_INT(look(g, "204.0.1.1"), GEOIP_UNKNOWN);	/* record, no country */
	if (ip_version == 4)
		CHECK_INT(look(g, "2400:cafe::1"), GEOIP_UNKNOWN);

	unit_case("%s: IPv4 through the IPv6 aliases (%s)", name,
		  aliases ? "on" : "off");
	if (ip_version == 6) {
		uint16_t want = aliases ? GEOIP_CC('C', 'N') : GEOIP_UNKNOWN;

		CHECK_INT(look(g, "::ffff:201.0.0.5"), want);
		CHECK_INT(look(g, "2002:c900:0005::1"), want);	/* 6to4 */
		CHECK_INT(look(g, "::201.0.0.5"), GEOIP_CC('C', 'N'));
	}

	for (i = 0; i < ARRAY_SIZE(sets); i++) {
		struct geoip_walk_stats st;
		struct netset got, want;
		uint16_t ccs[8];
		int n;

		unit_case("%s: networks of %s, exactly the list's, merged",
			  name, sets[i]);
		n = geoip_cc_list_parse(sets[i], ccs, ARRAY_SIZE(ccs), err,
					sizeof(err));
		if (!CHECK(n > 0))
			continue;
		netset_init(&got, 100000);
		if (CHECK_MSG(!geoip_networks(g, ccs, (unsigned int)n, &got, &st,
					      err, sizeof(err)), "%s", err)) {
			expected(&want, ccs, (unsigned int)n, ip_version == 4);
			CHECK_MSG(same_set(&got, &want),
				  "walk %u+%u ranges, list %u+%u", got.n4,
				  got.n6, want.n4, want.n6);
			CHECK_INT(st.aliases, aliases);
			CHECK(st.decoded <= st.records);
			CHECK(st.decoded < 20);	/* once per distinct record */
			netset_release(&want);
		}
		netset_release(&got);
	}

	unit_case("%s: a walk over the set's maximum is refused", name);
	{
		struct netset small;
		uint16_t cn = GEOIP_CC('C', 'N');

		netset_init(&small, 3);
		CHECK(geoip_networks(g, &cn, 1, &small, NULL, err, sizeof(err)) == -1);
		CHECK_MSG(strstr(err, "more than 3 networks") &&
			  strstr(err, file), "%s", err);
		netset_release(&small);
	}
out:
	geoip_close(g);
}

static void test_key(void)
{
	char err[256];
	struct geoip *g;

	unit_case("key: the caller's key");
	g = geoip_open(dbpath("mm6.mmdb"), GEOIP_KEY_ISO_CODE, err, sizeof(err));
	CHECK_MSG(g, "%s", err);
	geoip_close(g);
	g = geoip_open(dbpath("ipl6.mmdb"), GEOIP_KEY_COUNTRY_CODE, err, sizeof(err));
	CHECK_MSG(g, "%s", err);
	geoip_close(g);

	unit_case("key: the wrong key is refused");
	g = geoip_open(dbpath("mm6.mmdb"), GEOIP_KEY_COUNTRY_CODE, err, sizeof(err));
	CHECK(!g);
	CHECK_MSG(strstr(err, "no country_code in its first"), "%s", err);
	geoip_close(g);
	g = geoip_open(dbpath("ipl6.mmdb"), GEOIP_KEY_ISO_CODE, err, sizeof(err));
	CHECK(!g);
	CHECK_MSG(strstr(err, "no country.iso_code"), "%s", err);
	geoip_close(g);
}

static void test_refused(void)
{
	static const struct {
		const char	*file;
		const char	*why;
	} rows[] = {
		{ "missing.mmdb",	"No such file or directory" },
		{ "random.mmdb",	"not a MaxMind DB file" },
		{ "trunc.mmdb",		"not a MaxMind DB file" },
		{ "mm6.nets",		"not a MaxMind DB file" },
		{ "asn.mmdb",		"not a country database: no country_code "
					"or country.iso_code" },
		{ "name.mmdb",		"not a country database: country_code is "
					"not a two-letter code" },
	};
	char err[256];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		struct geoip *g;

		unit_case("refused: %s", rows[i].file);
		memset(err, 0, sizeof(err));
		g = geoip_open(dbpath(rows[i].file), GEOIP_KEY_AUTO, err,
			       sizeof(err));
		CHECK(!g);
		CHECK_MSG(!strncmp(err, dbpath(rows[i].file),
				   strlen(dbpath(rows[i].file))),
			  "error does not start with the file: %s", err);
		CHECK_MSG(strstr(err, rows[i].why), "%s", err);
		geoip_close(g);
	}
}

/* A file with bytes of its search tree overwritten: refused, or opened
 * and then every lookup and walk returns (ASan says if anything strays). */
static void test_flipped(void)
{
	char err[256];
	struct geoip *g;
	uint32_t a;

	unit_case("corrupt tree: refused naming the file, or answers");
	g = geoip_open(dbpath("flip.mmdb"), GEOIP_KEY_AUTO, err, sizeof(err));
	if (!g) {
		CHECK_MSG(strstr(err, dbpath("flip.mmdb")) &&
			  strstr(err, "corrupt"), "%s", err);
		return;
	}
	for (a = 0; a < 1u << 24; a += 997) {
		uint8_t b[4] = { (uint8_t)(a >> 16), (uint8_t)(a >> 8),
				 (uint8_t)a, 1 };
		uint16_t cc;

		geoip_lookup(g, 4, b, &cc);
	}
	{
		struct netset ns;
		uint16_t cn = GEOIP_CC('C', 'N');

		netset_init(&ns, 100000);
		geoip_networks(g, &cn, 1, &ns, NULL, err, sizeof(err));
		netset_release(&ns);
	}
	geoip_close(g);
}

static void test_cache(void)
{
	static const char *const addrs[] = {
		"201.0.0.5", "201.0.2.9", "204.0.0.1", "200.0.0.1", "2400:cafe::1",
		"2401::1", "2402::5", "::ffff:201.0.0.5", "255.255.255.255",
		"0.0.0.0", "2002:c900:5::1", "fe80::1",
	};
	struct siphash_key key = { 1, 2 };
	struct geoip_cache_stats st;
	struct geoip_cache *c, *tiny;
	struct geoip *mm, *ipl;
	char err[256];
	unsigned int i, pass, bad = 0;
	uint8_t a[5][4];

	mm = geoip_open(dbpath("mm6.mmdb"), GEOIP_KEY_AUTO, err, sizeof(err));
	ipl = geoip_open(dbpath("ipl6.mmdb"), GEOIP_KEY_AUTO, err, sizeof(err));
	c = geoip_cache_new(1024, &key);
	tiny = geoip_cache_new(1, &key);	/* one set of 4 */
	unit_case("cache: set-up");
	if (!CHECK(mm && ipl && c && tiny))
		goto out;

	unit_case("cache: the same answers as the file, then from the cache");
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < ARRAY_SIZE(addrs); i++) {
			int fam;
			uint8_t *x = ip(addrs[i], &fam);
			uint16_t want, got;

			geoip_lookup(mm, fam, x, &want);
			got = geoip_cache_lookup(c, mm, fam, x);
			if (got != want && bad++ < 3)
				CHECK_MSG(false, "%s: cache %04x, file %04x",
					  addrs[i], got, want);
		}
	CHECK_INT(bad, 0);
	geoip_cache_stats(c, &st);
	CHECK_INT(st.misses, ARRAY_SIZE(addrs));
	CHECK_INT(st.hits, ARRAY_SIZE(addrs));
	CHECK_INT(st.evicted, 0);

	unit_case("cache: another file empties it");
	{
		int fam;
		uint8_t *x = ip("::ffff:201.0.0.5", &fam);

		CHECK_INT(geoip_cache_lookup(c, mm, fam, x), GEOIP_CC('C', 'N'));
		CHECK_INT(geoip_cache_lookup(c, ipl, fam, x), GEOIP_UNKNOWN);
		CHECK_INT(geoip_cache_lookup(c, mm, fam, x), GEOIP_CC('C', 'N'));
		geoip_cache_stats(c, &st);
		CHECK_INT(st.flushes, 2);
	}

	unit_case("cache: the least recently used source makes room");
	for (i = 0; i < 5; i++) {
		a[i][0] = 201; a[i][1] = 0; a[i][2] = (uint8_t)i; a[i][3] = 7;
	}
	for (i = 0; i < 4; i++)
		geoip_cache_lookup(tiny, mm, 4, a[i]);
	geoip_cache_lookup(tiny, mm, 4, a[0]);		/* hit: 1 is oldest */
	CHECK_INT(geoip_cache_lookup(tiny, mm, 4, a[4]), GEOIP_UNKNOWN);
	geoip_cache_stats(tiny, &st);
	CHECK_INT(st.hits, 1);
	CHECK_INT(st.misses, 5);
	CHECK_INT(st.evicted, 1);
	CHECK_INT(geoip_cache_lookup(tiny, mm, 4, a[0]), GEOIP_CC('C', 'N'));
	CHECK_INT(geoip_cache_lookup(tiny, mm, 4, a[2]), GEOIP_CC('R', 'U'));
	geoip_cache_stats(tiny, &st);
	CHECK_INT(st.hits, 3);
	CHECK_INT(geoip_cache_lookup(tiny, mm, 4, a[1]), GEOIP_CC('C', 'N'));
	geoip_cache_stats(tiny, &st);
	CHECK_INT(st.misses, 6);	/* 1 was the one evicted */
	CHECK_INT(st.evicted, 2);

	unit_case("cache: bad sizes");
	CHECK(!geoip_cache_new(0, &key) && errno == EINVAL);
	CHECK(!geoip_cache_new((1u << 24) + 1, &key) && errno == EINVAL);

#ifndef GEOIP_ASAN
	unit_case("no allocation: geoip_lookup and geoip_cache_lookup");
	{
		unsigned long before, after;
		void *volatile p;
		uint16_t cc;

		before = heap_count();
		p = malloc(8);
		free(p);
		CHECK_MSG(heap_count() == before + 2, "the counter does not count");
		before = heap_count();
		for (pass = 0; pass < 3; pass++)
			for (i = 0; i < ARRAY_SIZE(addrs); i++) {
				int fam;
				uint8_t *x = ip(addrs[i], &fam);

				geoip_lookup(mm, fam, x, &cc);
				geoip_cache_lookup(c, pass ? mm : ipl, fam, x);
				geoip_cache_lookup(tiny, mm, fam, x);
			}
		after = heap_count();
		CHECK_INT(after - before, 0);
	}
#endif
out:
	geoip_cache_free(tiny);
	geoip_cache_free(c);
	geoip_close(ipl);
	geoip_close(mm);
}

static void test_cc_list(void)
{
	uint16_t ccs[3];
	char err[128], buf[3];

	unit_case("country lists");
	CHECK_INT(geoip_cc_list_parse("cn,RU,Cn", ccs, 3, err, sizeof(err)), 2);
	CHECK_STR(geoip_cc_str(ccs[1], buf), "RU");
	CHECK_STR(geoip_cc_str(GEOIP_UNKNOWN, buf), "unknown");
	CHECK_INT(geoip_cc_list_parse("CN,,RU", ccs, 3, err, sizeof(err)), -1);
	CHECK_STR(err, "'' is not a two-letter country code");
	CHECK_INT(geoip_cc_list_parse("CHN", ccs, 3, err, sizeof(err)), -1);
	CHECK_INT(geoip_cc_list_parse("C1", ccs, 3, err, sizeof(err)), -1);
	CHECK_INT(geoip_cc_list_parse("AA,BB,CC,DD", ccs, 3, err, sizeof(err)), -1);
	CHECK_STR(err, "more than 3 countries");
}

int main(int argc, char **argv)
{
	const char *mkdb = argc > 1 ? argv[1] : getenv("VOIPFW_GEOIP_MKDB");
	char cmd[256];
	int rc;

	if (!mkdb)
		mkdb = "test/geoip/mkdb.pl";
	strcpy(dir, "/tmp/voipfw-geoip.XXXXXX");
	unit_case("set-up: %s builds the databases", mkdb);
	if (!CHECK(mkdtemp(dir)))
		return unit_summary("geoip");
	snprintf(cmd, sizeof(cmd), "perl '%s' '%s'", mkdb, dir);
	if (CHECK_MSG(system(cmd) == 0, "%s failed", cmd)) {
		test_cc_list();
		test_db("ipl6", GEOIP_KEY_COUNTRY_CODE, 6, 0);
		test_db("mm6", GEOIP_KEY_ISO_CODE, 6, 3);
		test_db("ipl4", GEOIP_KEY_COUNTRY_CODE, 4, 0);
		test_key();
		test_refused();
		test_flipped();
		test_cache();
	}
	rc = unit_summary("geoip");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		rc = 1;
	return rc;
}
