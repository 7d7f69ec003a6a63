// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfttab_test - drive userspace/nft/nfttab from the command line.
 *
 *   nfttab_test [options] selftest
 *   nfttab_test [options] install | remove | probe | dump
 *   nfttab_test [options] add | del | exists ADDR PORT [PEER]
 *   nfttab_test [options] close-race CYCLES ADDR PORT [PEER]
 *   nfttab_test netset-replace block|geoblock [FILE...]
 *   nfttab_test netset-dump block|geoblock
 *   nfttab_test netset-print [FILE...]
 *
 * selftest runs the API through install, pinhole changes, dump, adoption
 * by a second install, errors and remove, and ends with
 * "nfttab_test: N passed, N failed".  It changes the current network
 * namespace's table inet voipfw: test/net/nfttab.sh runs it in a fresh
 * namespace.  The other commands are that script's hands: each does one
 * thing (add/del also commit) and prints its result.  netset-replace
 * loads block list files (netset_parse, all or nothing) into a pair of
 * interval sets in one transaction and prints the ranges and the time it
 * took; netset-dump prints the ranges in the kernel and netset-print
 * those of the files, one "LO-HI" a line, IPv4 first, ascending.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "netset/netset.h"
#include "nft/nfttab.h"

/**
 * struct opts - the command line.
 * @cfg:  table configuration (install, selftest)
 * @ph:   pinhole template (add, del, exists): tag and timeout
 */
struct opts {
	struct nfttab_config	cfg;
	struct pinhole		ph;
};

static unsigned int passed, failed;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		passed++;						\
	} else {							\
		failed++;						\
		printf("FAIL %s:%d: ", __FILE__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	}								\
} while (0)

static void config_defaults(struct nfttab_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->sip_ports[0] = 5060;
	cfg->n_sip_ports = 1;
	cfg->queue_first = 0;
	cfg->queue_last = 1;
	cfg->fail_open = false;
	cfg->queue_path = NFTTAB_QUEUE_AUTO;
	cfg->media_port_min = 10000;
	cfg->media_port_max = 20000;
	cfg->pinhole_timeout_s = 30;
}

static int parse_range(const char *s, unsigned long max, uint16_t *lo,
		       uint16_t *hi)
{
	unsigned long a, b;
	char *end;

	errno = 0;
	a = strtoul(s, &end, 0);
	b = a;
	if (*end == '-')
		b = strtoul(end + 1, &end, 0);
	if (errno || *end || a > max || b > max)
		return -1;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

static int parse_pinhole(struct pinhole *ph, int argc, char **argv)
{
	unsigned long port;
	char *end;

	if (argc < 2 || argc > 3)
		return -1;
	ph->family = strchr(argv[0], ':') ? 6 : 4;
	if (inet_pton(ph->family == 6 ? AF_INET6 : AF_INET, argv[0],
		      ph->daddr) != 1)
		return -1;
	port = strtoul(argv[1], &end, 10);
	if (*end || !port || port > 65535)
		return -1;
	ph->dport = (uint16_t)port;
	ph->has_peer = argc == 3;
	if (ph->has_peer &&
	    inet_pton(ph->family == 6 ? AF_INET6 : AF_INET, argv[2],
		      ph->saddr) != 1)
		return -1;
	return 0;
}

/* "ADDR PORT [from PEER] timeout T expires E stream S rtp side X
 *  call ID len L hash H", one line per element */
static void print_pinhole(void *arg, const struct pinhole *ph,
			  uint32_t expires_ms)
{
	char d[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN] = "";
	int af = ph->family == 6 ? AF_INET6 : AF_INET;

	(void)arg;
	inet_ntop(af, ph->daddr, d, sizeof(d));
	if (ph->has_peer)
		inet_ntop(af, ph->saddr, s, sizeof(s));
	printf("%s %u%s%s timeout %u expires %u stream %u %s side %u "
	       "call %.*s len %u hash %llx\n", d, ph->dport,
	       ph->has_peer ? " from " : "", s, ph->timeout_ms, expires_ms,
	       ph->tag.stream, ph->tag.rtcp ? "rtcp" : "rtp", ph->tag.side,
	       (int)ph->tag.call_id_len, ph->tag.call_id,
	       ph->tag.call_id_full_len,
	       (unsigned long long)ph->tag.call_id_hash);
}

/* ---- interval sets -------------------------------------------------------- */

/* "LO-HI", network-order bounds */
static void print_range(void *arg, int family, const uint8_t *lo,
			const uint8_t *hi)
{
	char l[INET6_ADDRSTRLEN], h[INET6_ADDRSTRLEN];
	int af = family == 6 ? AF_INET6 : AF_INET;

	(void)arg;
	inet_ntop(af, lo, l, sizeof(l));
	inet_ntop(af, hi, h, sizeof(h));
	printf("%s-%s\n", l, h);
}

/* every range of a merged @ns through print_range */
static void print_netset(const struct netset *ns)
{
	uint8_t lo[16], hi[16];
	uint32_t i, v;
	int b;

	for (i = 0; i < ns->n4; i++) {
		v = htonl(ns->r4[i].lo);
		memcpy(lo, &v, 4);
		v = htonl(ns->r4[i].hi);
		memcpy(hi, &v, 4);
		print_range(NULL, 4, lo, hi);
	}
	for (i = 0; i < ns->n6; i++) {
		for (b = 0; b < 16; b++) {
			lo[b] = (uint8_t)(ns->r6[i].lo >> (8 * (15 - b)));
			hi[b] = (uint8_t)(ns->r6[i].hi >> (8 * (15 - b)));
		}
		print_range(NULL, 6, lo, hi);
	}
}

/* The files at @paths into @ns (merged); -1 with the parser's error. */
static int load_files(struct netset *ns, char **paths, int n, char *err,
		      size_t errlen)
{
	int i;

	netset_init(ns, 1U << 20);
	for (i = 0; i < n; i++) {
		FILE *f = fopen(paths[i], "r");
		char *buf = NULL;
		size_t len = 0, cap = 0;
		int rc;

		if (!f) {
			snprintf(err, errlen, "%s: %s", paths[i], strerror(errno));
			return -1;
		}
		for (;;) {
			size_t r;

			if (len == cap) {
				char *nb = realloc(buf, cap ? cap * 2 : 65536);

				if (!nb) {
					free(buf);
					fclose(f);
					snprintf(err, errlen, "out of memory");
					return -1;
				}
				buf = nb;
				cap = cap ? cap * 2 : 65536;
			}
			r = fread(buf + len, 1, cap - len, f);
			if (!r)
				break;
			len += r;
		}
		fclose(f);
		rc = netset_parse(ns, buf, len, paths[i], err, errlen);
		free(buf);
		if (rc)
			return -1;
	}
	netset_merge(ns);
	return 0;
}

static int netset_which(const char *s, enum nfttab_netset *which)
{
	if (!strcmp(s, "block"))
		*which = NFTTAB_NETSET_BLOCK;
	else if (!strcmp(s, "geoblock"))
		*which = NFTTAB_NETSET_GEOBLOCK;
	else
		return -1;
	return 0;
}

static double ms_since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) * 1e3 +
	       (double)(b.tv_nsec - a->tv_nsec) / 1e6;
}

static void count_range(void *arg, int family, const uint8_t *lo,
			const uint8_t *hi)
{
	(void)family;
	(void)lo;
	(void)hi;
	(*(unsigned int *)arg)++;
}

/*
 * replace, dump, adoption by a reinstall, empty: the ranges nft reads
 * back are the ones given, at the edges of both address spaces too.
 */
static void selftest_netset(struct nfttab *t, const struct nfttab_config *cfg)
{
	static const char list[] =
		"0.0.0.0/8\n10.0.0.0/8\n11.0.0.0/8\n192.0.2.1\n"
		"255.255.255.255\n::/8\n2001:db8::/32\nffff::/16\n";
	struct netset ns;
	char err[512] = "";
	unsigned int n = 0;
	int rc;

	netset_init(&ns, 1000);
	rc = netset_parse(&ns, list, sizeof(list) - 1, "list", err, sizeof(err));
	CHECK(rc == 0, "parse: %s", err);
	netset_merge(&ns);
	CHECK(ns.n4 == 4 && ns.n6 == 3, "merged: %u + %u", ns.n4, ns.n6);
	rc = nfttab_netset_replace(t, NFTTAB_NETSET_BLOCK, &ns, err,
				   sizeof(err));
	CHECK(rc == 0, "replace: %s", err);
	rc = nfttab_netset_dump(t, NFTTAB_NETSET_BLOCK, count_range, &n);
	CHECK(rc == 7 && n == 7, "dump: %d %u %s", rc, n, nfttab_error(t));
	n = 0;
	CHECK(nfttab_netset_dump(t, NFTTAB_NETSET_GEOBLOCK, count_range, &n)
	      == 0 && n == 0, "geoblock not empty: %u", n);
	CHECK(nfttab_install(t, cfg, err, sizeof(err)) == 0, "reinstall: %s",
	      err);
	n = 0;
	CHECK(nfttab_netset_dump(t, NFTTAB_NETSET_BLOCK, count_range, &n) == 7,
	      "reinstall lost ranges: %u", n);
	netset_release(&ns);
	netset_init(&ns, 1000);
	CHECK(nfttab_netset_replace(t, NFTTAB_NETSET_BLOCK, &ns, err,
				    sizeof(err)) == 0, "replace empty: %s", err);
	n = 0;
	CHECK(nfttab_netset_dump(t, NFTTAB_NETSET_BLOCK, count_range, &n) == 0,
	      "empty replace left %u", n);
	ns.merged = false;
	CHECK(nfttab_netset_replace(t, NFTTAB_NETSET_BLOCK, &ns, err,
				    sizeof(err)) == -1 && errno == EINVAL,
	      "an unmerged set accepted");
	netset_release(&ns);
}

/* ---- selftest ----------------------------------------------------------- */

/**
 * struct seen - what a dump reported.
 * @ph/@expires: the elements, in dump order
 * @n:           how many
 */
struct seen {
	struct pinhole	ph[4096];
	uint32_t	expires[4096];
	unsigned int	n;
};

static void collect(void *arg, const struct pinhole *ph, uint32_t expires_ms)
{
	struct seen *s = arg;

	if (s->n < sizeof(s->ph) / sizeof(s->ph[0])) {
		s->ph[s->n] = *ph;
		s->expires[s->n] = expires_ms;
	}
	s->n++;
}

static int dump(struct nfttab *t, struct seen *s)
{
	s->n = 0;
	return nfttab_pinhole_dump(t, collect, s);
}

static const struct pinhole *find(const struct seen *s, const struct pinhole *ph)
{
	unsigned int i;

	for (i = 0; i < s->n && i < sizeof(s->ph) / sizeof(s->ph[0]); i++)
		if (pinhole_same_key(&s->ph[i], ph))
			return &s->ph[i];
	return NULL;
}

static bool same_tag(const struct pinhole_tag *a, const struct pinhole_tag *b)
{
	return a->call_id_len == b->call_id_len &&
	       !memcmp(a->call_id, b->call_id, a->call_id_len) &&
	       a->call_id_full_len == b->call_id_full_len &&
	       a->call_id_hash == b->call_id_hash &&
	       a->stream == b->stream && a->rtcp == b->rtcp &&
	       a->side == b->side;
}

static struct pinhole mk(uint8_t family, const char *daddr, uint16_t dport,
			 const char *saddr, const char *call, uint8_t stream,
			 bool rtcp, uint32_t timeout_ms)
{
	struct pinhole ph;
	int af = family == 6 ? AF_INET6 : AF_INET;
	size_t n = strlen(call);

	memset(&ph, 0, sizeof(ph));
	ph.family = family;
	inet_pton(af, daddr, ph.daddr);
	ph.dport = dport;
	if (saddr) {
		ph.has_peer = true;
		inet_pton(af, saddr, ph.saddr);
	}
	ph.timeout_ms = timeout_ms;
	ph.tag.call_id_full_len = (uint8_t)(n > 255 ? 255 : n);
	if (n > PINHOLE_CALL_ID_MAX)
		n = PINHOLE_CALL_ID_MAX;
	memcpy(ph.tag.call_id, call, n);
	ph.tag.call_id_len = (uint8_t)n;
	ph.tag.call_id_hash = 0x0123456789abcdefULL ^ (uint64_t)dport << 17;
	ph.tag.stream = stream;
	ph.tag.rtcp = rtcp;
	ph.tag.side = dport & 1;
	return ph;
}

static int add_commit(struct nfttab *t, const struct pinhole *ph, bool add)
{
	const struct pinhole_backend_ops *ops = &nfttab_pinhole_ops;

	if ((add ? ops->add : ops->del)(t, ph))
		return -1;
	return ops->commit(t);
}

/* Sleep until @t's next lookup after a delete is due; false if none. */
static bool recheck_due(struct nfttab *t)
{
	int ms = nfttab_pinhole_recheck_wait(t);
	struct timespec ts;

	if (ms < 0)
		return false;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L + 1000000L;
	nanosleep(&ts, NULL);
	return true;
}

/* "nft add element": what the packet path's "update @set" makes, no tag */
static int add_untagged(const char *set, const char *key)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "nft add element inet voipfw %s "
		 "'{ %s timeout 30s }'", set, key);
	return system(cmd);
}

/* Is @key in table voipfw's set @set (nft's view)? */
static bool nft_has(const char *set, const char *key)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "nft get element inet voipfw %s "
		 "'{ %s }' >/dev/null 2>&1", set, key);
	return system(cmd) == 0;
}

/* How many elements of table voipfw's set @set hold "10.0.8." (nft's view). */
static int nft_count_808(const char *set)
{
	char cmd[160], line[4096];
	FILE *f;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "nft list set inet voipfw %s", set);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		for (char *p = line; (p = strstr(p, "10.0.8.")); p++)
			n++;
	return pclose(f) == 0 ? n : -1;
}

/*
 * Many closes at once (more than one step's burst, so several lookups of
 * many keys in one send; enough keys that the index of closes in
 * progress has chains), twice (the second round reuses the ring's slots):
 * 3000 pinholes opened and closed; every third opened again at once (the
 * open finds its close and takes the key out of the closing set); every
 * fifth of the others re-created untagged, as media in flight would.
 * When the steps end: the re-created ones are deleted, the reopened ones
 * stay, no key is closing.
 */
static void selftest_recheck_many(struct nfttab *t)
{
	const struct pinhole_backend_ops *ops = &nfttab_pinhole_ops;
	enum { N = 3000 };
	static struct pinhole ph[N];
	struct nfttab_recheck_stats st0, st;
	int i, round, bad = 0;

	for (i = 0; i < N; i++) {
		char call[32], addr[32];

		snprintf(call, sizeof(call), "many-%d", i);
		snprintf(addr, sizeof(addr), "10.0.8.%d", 1 + i / 200);
		ph[i] = mk(4, addr, (uint16_t)(30000 + 2 * (i % 200)), NULL,
			   call, 0, false, 0);
	}
	for (round = 1; round <= 2; round++) {
		FILE *nft;
		int n_re = 0, steps = 0;

		bad = 0;

		while (recheck_due(t))
			nfttab_pinhole_recheck(t);
		nfttab_pinhole_recheck_stats(t, &st0);
		for (i = 0; i < N; i++)
			if (ops->add(t, &ph[i]))
				bad++;
		CHECK(!bad && ops->commit(t) == 0, "round %d: open %d: %s",
		      round, N, nfttab_error(t));
		for (i = 0; i < N; i++)
			ops->del(t, &ph[i]);
		CHECK(ops->commit(t) == 0, "round %d: close %d: %s", round, N,
		      nfttab_error(t));
		CHECK(nft_count_808("closing4") == N, "round %d: %d keys closing",
		      round, N);
		for (i = 0; i < N; i += 3)
			if (ops->add(t, &ph[i]))
				bad++;
		CHECK(!bad && ops->commit(t) == 0, "round %d: open again: %s",
		      round, nfttab_error(t));
		CHECK(nft_count_808("closing4") == N - N / 3,
		      "round %d: the reopened keys are no longer closing "
		      "(%d closing)", round, nft_count_808("closing4"));
		nft = popen("nft -f -", "w");
		CHECK(nft != NULL, "nft -f");
		for (i = 1; nft && i < N; i++) {
			if (i % 3 == 0 || i % 5)
				continue;
			fprintf(nft, "add element inet voipfw pinhole4 { "
				"%u.%u.%u.%u . %u timeout 30s }\n",
				ph[i].daddr[0], ph[i].daddr[1], ph[i].daddr[2],
				ph[i].daddr[3], ph[i].dport);
			n_re++;
		}
		CHECK(nft && pclose(nft) == 0, "round %d: re-create %d "
		      "untagged", round, n_re);
		while (recheck_due(t) && steps++ < 1000)
			if (nfttab_pinhole_recheck(t) < 0)
				bad++;
		CHECK(bad == 0, "round %d: %d steps failed: %s", round, bad,
		      nfttab_error(t));
		nfttab_pinhole_recheck_stats(t, &st);
		CHECK(st.reclosed - st0.reclosed == (unsigned long long)n_re &&
		      st.checked - st0.checked == N - N / 3 &&
		      st.overflow == 0,
		      "round %d: %llu of %d re-created deleted, %llu of %d "
		      "checked, %llu overflow", round,
		      (unsigned long long)(st.reclosed - st0.reclosed), n_re,
		      (unsigned long long)(st.checked - st0.checked), N - N / 3,
		      (unsigned long long)st.overflow);
		CHECK(nft_count_808("closing4") == 0,
		      "round %d: no key closing at the end", round);
		CHECK(nft_count_808("pinhole4") == N / 3,
		      "round %d: the %d reopened open, nothing else (%d)",
		      round, N / 3, nft_count_808("pinhole4"));
		for (i = 0; i < N; i += 3)
			ops->del(t, &ph[i]);
		CHECK(ops->commit(t) == 0, "round %d: close the reopened: %s",
		      round, nfttab_error(t));
		while (recheck_due(t) && steps++ < 2000)
			nfttab_pinhole_recheck(t);
		CHECK(nft_count_808("pinhole4") == 0 &&
		      nft_count_808("closing4") == 0, "round %d: all closed",
		      round);
	}
}

/*
 * Closes: the key goes into the closing set with the delete; 100 ms later
 * an untagged element back under it (what a packet in flight re-creates)
 * is deleted, and 100 ms after that the closing key; a tagged one (a
 * call that took the key since, here through another handle) is kept and
 * the closing key goes at once; nothing is done while changes are
 * pending; an open of a key this handle is closing takes it out of the
 * closing set in the same transaction.
 */
static void selftest_recheck(struct nfttab *t, const struct nfttab_config *cfg)
{
	static struct seen s_recheck;
	const struct pinhole_backend_ops *ops = &nfttab_pinhole_ops;
	struct nfttab_recheck_stats st0, st;
	struct pinhole a = mk(4, "10.0.9.9", 20000, NULL, "recheck-a", 0,
			      false, 0);
	struct pinhole b = mk(4, "10.0.9.9", 20002, "10.0.1.9", "recheck-b",
			      0, false, 0);
	struct pinhole c = mk(6, "fd02::9", 20004, NULL, "recheck-c", 0,
			      false, 0);
	struct pinhole d = mk(4, "10.0.9.9", 20008, NULL, "recheck-d", 0,
			      false, 0);
	struct pinhole x = mk(4, "10.0.9.9", 20006, NULL, "x", 0, false, 0);
	struct nfttab *other;
	char err[512];
	int rc;

	/* earlier closes of the selftest: let them end */
	while (recheck_due(t))
		CHECK(nfttab_pinhole_recheck(t) >= 0, "recheck: %s",
		      nfttab_error(t));
	nfttab_pinhole_recheck_stats(t, &st0);
	CHECK(st0.checked > 0 && st0.reclosed == 0 && st0.waiting == 0 &&
	      st0.failed == 0 && st0.overflow == 0,
	      "earlier closes: %llu checked, %llu reclosed, %llu failed",
	      (unsigned long long)st0.checked,
	      (unsigned long long)st0.reclosed,
	      (unsigned long long)st0.failed);

	CHECK(ops->add(t, &a) == 0 && ops->add(t, &b) == 0 &&
	      ops->add(t, &c) == 0 && ops->commit(t) == 0, "add: %s",
	      nfttab_error(t));
	CHECK(nfttab_pinhole_recheck_wait(t) == -1, "opens wait for nothing");
	CHECK(ops->del(t, &a) == 0 && ops->del(t, &b) == 0 &&
	      ops->del(t, &c) == 0 && ops->commit(t) == 0, "del: %s",
	      nfttab_error(t));
	CHECK(nft_has("closing4", "10.0.9.9 . 20000") &&
	      nft_has("closing4_peer", "10.0.9.9 . 20002 . 10.0.1.9") &&
	      nft_has("closing6", "fd02::9 . 20004"),
	      "the closes put the keys in the closing sets");
	/* (steps run only when nfttab_pinhole_recheck is called: none
	 * before the re-creations below, however slow this runs) */
	rc = nfttab_pinhole_recheck_wait(t);
	CHECK(rc >= 0 && rc <= 100, "next step in %d ms", rc);

	/* a and c come back untagged, b under another handle's tag */
	CHECK(add_untagged("pinhole4", "10.0.9.9 . 20000") == 0,
	      "nft add element (a)");
	CHECK(add_untagged("pinhole6", "fd02::9 . 20004") == 0,
	      "nft add element (c)");
	other = nfttab_open(err, sizeof(err));
	CHECK(other && add_commit(other, &b, true) == 0,
	      "other handle adds b: %s", other ? nfttab_error(other) : err);
	CHECK(nfttab_pinhole_exists(t, &a) == 1 &&
	      nfttab_pinhole_exists(t, &c) == 1, "a and c are back");

	/* pending changes go first: no step meanwhile */
	recheck_due(t);
	CHECK(ops->add(t, &x) == 0, "queue an add");
	CHECK(nfttab_pinhole_recheck(t) == 0, "a step with changes pending");
	CHECK(ops->commit(t) == 0, "commit: %s", nfttab_error(t));

	CHECK(nfttab_pinhole_recheck(t) == 2, "re-created ones deleted: %s",
	      nfttab_error(t));
	CHECK(nfttab_pinhole_exists(t, &a) == 0, "a (untagged) still there");
	CHECK(nfttab_pinhole_exists(t, &c) == 0, "c (untagged) still there");
	CHECK(nfttab_pinhole_exists(t, &b) == 1, "b (tagged) deleted");
	CHECK(nft_has("closing4", "10.0.9.9 . 20000") &&
	      nft_has("closing6", "fd02::9 . 20004"),
	      "a and c stay closing while their deletes settle");
	CHECK(!nft_has("closing4_peer", "10.0.9.9 . 20002 . 10.0.1.9"),
	      "b (taken again) no longer closing");
	nfttab_pinhole_recheck_stats(t, &st);
	CHECK(st.reclosed - st0.reclosed == 2 && st.waiting == 2,
	      "stats: %llu reclosed, %llu waiting",
	      (unsigned long long)(st.reclosed - st0.reclosed),
	      (unsigned long long)st.waiting);
	while (recheck_due(t))
		CHECK(nfttab_pinhole_recheck(t) == 0, "last step: %s",
		      nfttab_error(t));
	CHECK(!nft_has("closing4", "10.0.9.9 . 20000") &&
	      !nft_has("closing6", "fd02::9 . 20004"),
	      "a and c closed: closing keys gone");
	CHECK(nfttab_pinhole_exists(t, &a) == 0 &&
	      nfttab_pinhole_exists(t, &c) == 0, "a and c stay gone");
	nfttab_pinhole_recheck_stats(t, &st);
	CHECK(st.reclosed - st0.reclosed == 2 && st.failed == 0 &&
	      st.overflow == 0 && st.checked - st0.checked == 3,
	      "stats after: %llu reclosed, %llu checked",
	      (unsigned long long)(st.reclosed - st0.reclosed),
	      (unsigned long long)(st.checked - st0.checked));

	/* closed and opened again at once: no longer closing */
	CHECK(add_commit(t, &d, true) == 0 && add_commit(t, &d, false) == 0,
	      "open and close d: %s", nfttab_error(t));
	CHECK(nft_has("closing4", "10.0.9.9 . 20008"), "d closing");
	CHECK(add_commit(t, &d, true) == 0, "open d again: %s",
	      nfttab_error(t));
	CHECK(!nft_has("closing4", "10.0.9.9 . 20008"),
	      "d opened again: no longer closing");
	CHECK(nfttab_pinhole_exists(t, &d) == 1, "d open");
	while (recheck_due(t))
		CHECK(nfttab_pinhole_recheck(t) == 0, "d: %s",
		      nfttab_error(t));
	CHECK(nfttab_pinhole_exists(t, &d) == 1, "d still open");
	nfttab_pinhole_recheck_stats(t, &st);
	CHECK(st.checked - st0.checked == 3, "d's close not followed: %llu",
	      (unsigned long long)(st.checked - st0.checked));

	/* the close of a pinhole that already timed out: its key does not
	 * stay closing (a new call to it would have no media) */
	CHECK(add_commit(t, &a, false) == 0, "close of a gone pinhole: %s",
	      nfttab_error(t));
	CHECK(nft_has("closing4", "10.0.9.9 . 20000"), "a closing");
	while (recheck_due(t))
		CHECK(nfttab_pinhole_recheck(t) == 0, "a: %s",
		      nfttab_error(t));
	CHECK(!nft_has("closing4", "10.0.9.9 . 20000"),
	      "gone pinhole: no longer closing");

	/* closed and opened in one batch (one call ends, the next takes
	 * its key): open, and not closing */
	CHECK(ops->del(t, &d) == 0 && ops->add(t, &d) == 0 &&
	      ops->commit(t) == 0, "close and open d in one batch: %s",
	      nfttab_error(t));
	CHECK(!nft_has("closing4", "10.0.9.9 . 20008"),
	      "d closed and opened in one batch: not closing");
	CHECK(nfttab_pinhole_exists(t, &d) == 1, "d open after the batch");
	while (recheck_due(t))
		CHECK(nfttab_pinhole_recheck(t) == 0, "d: %s",
		      nfttab_error(t));
	CHECK(nfttab_pinhole_exists(t, &d) == 1, "d stays open");

	/* a handle that did not install the table (a worker's): its
	 * closing keys outlive what the packet path re-creates, which
	 * lives the pinhole's timeout (here 45 s) */
	{
		struct pinhole e = mk(4, "10.0.9.9", 20010, NULL, "recheck-e",
				      0, false, 45000);
		struct nfttab *w = nfttab_open(err, sizeof(err));
		char cmd[160];

		CHECK(w && add_commit(w, &e, true) == 0 &&
		      add_commit(w, &e, false) == 0, "worker handle: %s",
		      w ? nfttab_error(w) : err);
		snprintf(cmd, sizeof(cmd), "nft list set inet voipfw closing4 | "
			 "grep -q '10.0.9.9 . 20010 timeout 46s'");
		CHECK(system(cmd) == 0, "worker handle: closing key of 46 s");
		while (w && recheck_due(w))
			CHECK(nfttab_pinhole_recheck(w) == 0, "e: %s",
			      nfttab_error(w));
		CHECK(!nft_has("closing4", "10.0.9.9 . 20010"), "e closed");
		nfttab_close(w);
	}

	/* another handle (worker) opens a key this one is closing, over
	 * what the packet path re-created: its add replaces that element
	 * (its tag wins), and this handle's step then sees a call's element
	 * and lets the key go */
	{
		struct pinhole f = mk(4, "10.0.9.9", 20012, NULL, "recheck-f",
				      0, false, 0);
		struct pinhole g2 = mk(4, "10.0.9.9", 20012, NULL, "recheck-g",
				       1, true, 0);
		const struct pinhole *got;

		CHECK(add_commit(t, &f, true) == 0 &&
		      add_commit(t, &f, false) == 0, "open and close f: %s",
		      nfttab_error(t));
		CHECK(add_untagged("pinhole4", "10.0.9.9 . 20012") == 0,
		      "nft add element (f, re-created)");
		CHECK(other && add_commit(other, &g2, true) == 0,
		      "other handle opens the key: %s",
		      other ? nfttab_error(other) : "");
		CHECK(dump(t, &s_recheck) >= 0 &&
		      (got = find(&s_recheck, &g2)) &&
		      same_tag(&got->tag, &g2.tag),
		      "the other handle's element, with its tag");
		while (recheck_due(t))
			CHECK(nfttab_pinhole_recheck(t) == 0, "f: %s",
			      nfttab_error(t));
		CHECK(nfttab_pinhole_exists(t, &g2) == 1,
		      "the other handle's element stays");
		CHECK(!nft_has("closing4", "10.0.9.9 . 20012"),
		      "and its key is no longer closing");
		CHECK(other && add_commit(other, &g2, false) == 0, "del g2");
		while (other && recheck_due(other))
			CHECK(nfttab_pinhole_recheck(other) == 0, "g2: %s",
			      nfttab_error(other));
	}

	/* a voipfwd stopped between the steps: the next one settles its
	 * closes at start (a re-created element deleted, the key no longer
	 * closing) */
	CHECK(add_commit(t, &a, true) == 0 && add_commit(t, &a, false) == 0,
	      "open and close a: %s", nfttab_error(t));
	CHECK(add_untagged("pinhole4", "10.0.9.9 . 20000") == 0,
	      "nft add element (a, re-created)");
	if (other) {
		CHECK(nfttab_install(other, cfg, err, sizeof(err)) == 0,
		      "install: %s", err);
		CHECK(nfttab_settle_closes(other) == 0, "settle: %s",
		      nfttab_error(other));
		CHECK(nfttab_pinhole_exists(t, &a) == 0,
		      "install: the re-created element deleted");
		CHECK(!nft_has("closing4", "10.0.9.9 . 20000"),
		      "install: no longer closing");
		CHECK(nfttab_pinhole_exists(t, &d) == 1 &&
		      nfttab_pinhole_exists(t, &b) == 1,
		      "install: open pinholes kept");
	}
	while (recheck_due(t))
		CHECK(nfttab_pinhole_recheck(t) == 0, "a after install: %s",
		      nfttab_error(t));

	if (other) {
		CHECK(add_commit(other, &b, false) == 0, "other del b");
		nfttab_close(other);
	}
	CHECK(add_commit(t, &x, false) == 0 && add_commit(t, &d, false) == 0,
	      "del x, d");
}

static int selftest(const struct nfttab_config *base)
{
	const struct pinhole_backend_ops *ops = &nfttab_pinhole_ops;
	static const char odd[] = "\"quoted\\ \x01\x7f ok-";
	static struct seen s;
	struct nfttab_config cfg = *base;
	struct pinhole ph[5], extra, bad;
	const struct pinhole *got;
	struct nfttab *t;
	char err[512] = "", longcall[PINHOLE_CALL_ID_MAX + 40];
	unsigned int i;
	int native, rc;

	t = nfttab_open(err, sizeof(err));
	CHECK(t, "open: %s", err);
	if (!t)
		goto out;

	/* configurations refused before anything is sent */
	cfg.queue_first = 3;
	cfg.queue_last = 2;
	rc = nfttab_install(t, &cfg, err, sizeof(err));
	CHECK(rc == -1 && strstr(err, "queue range"), "queue 3-2: rc %d, %s",
	      rc, err);
	cfg = *base;
	cfg.pinhole_timeout_s = 0;
	CHECK(nfttab_install(t, &cfg, err, sizeof(err)) == -1,
	      "timeout 0 accepted");
	cfg = *base;
	cfg.media_port_min = 20000;
	cfg.media_port_max = 10000;
	CHECK(nfttab_install(t, &cfg, err, sizeof(err)) == -1,
	      "media 20000-10000 accepted");
	cfg = *base;
	CHECK(nfttab_queue_path(t) == NFTTAB_QUEUE_AUTO,
	      "queue path before install");

	native = nfttab_probe_native_queue(t);
	CHECK(native == 0 || native == 1, "probe: %d %s", native,
	      nfttab_error(t));
	CHECK(nfttab_probe_native_queue(t) == native, "probe is stable");
	printf("probe: native queue %s\n", native == 1 ? "yes" : "no");

	/* a native path the kernel lacks fails in the kernel, and whole */
	if (native == 0) {
		cfg.queue_path = NFTTAB_QUEUE_NATIVE;
		rc = nfttab_install(t, &cfg, err, sizeof(err));
		CHECK(rc == -1 && strstr(err, "chain sip") &&
		      strstr(err, "No such file"), "native install: %d %s",
		      rc, err);
		printf("native install refused: %s\n", err);
		CHECK(dump(t, &s) == 0, "dump after failed install: %s",
		      nfttab_error(t));
		cfg = *base;
	}

	rc = nfttab_install(t, &cfg, err, sizeof(err));
	CHECK(rc == 0, "install: %s", err);
	CHECK(nfttab_queue_path(t) == (native == 1 ? NFTTAB_QUEUE_NATIVE :
				       NFTTAB_QUEUE_XT),
	      "queue path %d", nfttab_queue_path(t));
	CHECK(dump(t, &s) == 0 && s.n == 0, "fresh table dump: %u", s.n);

	/* one pinhole per set, tags round-tripped through userdata */
	ph[0] = mk(4, "10.0.2.2", 10000, NULL, "a84b4c76e66710@pc33.atlanta.com",
		   0, false, 0);
	ph[1] = mk(4, "10.0.2.2", 10001, "10.0.1.2", "a84b4c76e66710@pc33.atlanta.com",
		   0, true, 5000);
	ph[2] = mk(6, "fd02::2", 10002, NULL, "call-6", 1, false, 7000);
	ph[3] = mk(6, "fd02::2", 10003, "fd01::2", "call-6", 1, true, 0);
	/* longer than we keep, with bytes nft's comment must not print */
	memset(longcall, 0, sizeof(longcall));
	for (i = 0; i < sizeof(longcall) - 1; i++)
		longcall[i] = odd[i % (sizeof(odd) - 1)];
	ph[4] = mk(4, "10.0.2.3", 10004, NULL, longcall, 2, false, 0);
	CHECK(ph[4].tag.call_id_len == PINHOLE_CALL_ID_MAX, "long call id");
	for (i = 0; i < 5; i++)
		CHECK(ops->add(t, &ph[i]) == 0, "add %u: %s", i,
		      nfttab_error(t));
	CHECK(nfttab_pinhole_pending(t) == 5, "pending %u",
	      nfttab_pinhole_pending(t));
	CHECK(ops->commit(t) == 0, "commit: %s", nfttab_error(t));
	CHECK(nfttab_pinhole_pending(t) == 0, "pending after commit");
	CHECK(ops->commit(t) == 0, "empty commit");

	CHECK(dump(t, &s) == 5 && s.n == 5, "dump: %u", s.n);
	for (i = 0; i < 5; i++) {
		uint32_t want = ph[i].timeout_ms ? ph[i].timeout_ms :
				cfg.pinhole_timeout_s * 1000;
		unsigned int j;

		got = find(&s, &ph[i]);
		CHECK(got, "pinhole %u missing from dump", i);
		if (!got)
			continue;
		j = (unsigned int)(got - s.ph);
		CHECK(same_tag(&got->tag, &ph[i].tag), "tag %u differs", i);
		CHECK(got->timeout_ms == 0 || got->timeout_ms == want,
		      "timeout %u: %u, want %u", i, got->timeout_ms, want);
		CHECK(s.expires[j] > 0 && s.expires[j] <= want,
		      "expires %u: %u of %u", i, s.expires[j], want);
		CHECK(nfttab_pinhole_exists(t, &ph[i]) == 1, "exists %u", i);
	}

	/* same address and port, another peer: another element */
	extra = ph[1];
	inet_pton(AF_INET, "10.0.1.9", extra.saddr);
	CHECK(nfttab_pinhole_exists(t, &extra) == 0, "other peer exists");

	/* deletions of what is gone pass; the rest commits with them */
	CHECK(ops->del(t, &extra) == 0, "queue del missing");
	CHECK(ops->del(t, &ph[4]) == 0, "queue del");
	extra.dport = 10006;
	CHECK(ops->add(t, &extra) == 0, "queue add");
	CHECK(ops->del(t, &ph[4]) == 0, "queue del twice");
	CHECK(ops->commit(t) == 0, "commit with missing dels: %s",
	      nfttab_error(t));
	CHECK(nfttab_pinhole_exists(t, &ph[4]) == 0, "deleted one still there");
	CHECK(nfttab_pinhole_exists(t, &extra) == 1, "added one missing");
	CHECK(dump(t, &s) == 5, "dump after mixed commit: %u", s.n);

	/* a change that cannot be queued fails the whole commit */
	bad = ph[0];
	bad.family = 5;
	CHECK(ops->add(t, &bad) == -1 && errno == EINVAL, "family 5 queued");
	ph[4].dport = 10008;
	CHECK(ops->add(t, &ph[4]) == 0, "queue add after a bad one");
	CHECK(ops->commit(t) == -1, "commit after a bad add succeeded");
	CHECK(nfttab_pinhole_exists(t, &ph[4]) == 0,
	      "good add of a failed batch is live");
	CHECK(ops->commit(t) == 0, "commit after a failed one: %s",
	      nfttab_error(t));

	/* adoption: a second install with other rules keeps every element */
	cfg.priority = 10;
	cfg.media_port_min = 30000;
	cfg.media_port_max = 30100;
	cfg.media_mark = 0x10;
	cfg.sip_ports[1] = 5080;
	cfg.n_sip_ports = 2;
	cfg.queue_last = 0;
	cfg.fail_open = false;
	cfg.pinhole_timeout_s = 60;
	rc = nfttab_install(t, &cfg, err, sizeof(err));
	CHECK(rc == 0, "reinstall: %s", err);
	CHECK(dump(t, &s) == 5, "dump after reinstall: %u", s.n);
	for (i = 0; i < 4; i++) {
		got = find(&s, &ph[i]);
		CHECK(got && same_tag(&got->tag, &ph[i].tag),
		      "pinhole %u lost or changed by reinstall", i);
	}
	/* the same install again changes nothing either */
	CHECK(nfttab_install(t, &cfg, err, sizeof(err)) == 0,
	      "reinstall, same config: %s", err);
	CHECK(dump(t, &s) == 5, "dump after second reinstall: %u", s.n);
	selftest_netset(t, &cfg);

	/* many changes in one batch: buffers and ACKs scale */
	for (i = 0; i < 3000; i++) {
		struct pinhole p = mk(i & 1 ? 6 : 4, i & 1 ? "fd02::7" :
				      "10.0.7.7", (uint16_t)(40000 + i),
				      i % 3 ? NULL : (i & 1 ? "fd01::7" :
						      "10.0.1.7"),
				      "bulk", 0, false, 0);

		if (ops->add(t, &p))
			break;
	}
	CHECK(i == 3000 && ops->commit(t) == 0, "bulk add: %s",
	      nfttab_error(t));
	CHECK(dump(t, &s) == 3005, "dump after bulk: %u", s.n);
	for (i = 0; i < 3000; i += 2) {
		struct pinhole p = mk(i & 1 ? 6 : 4, i & 1 ? "fd02::7" :
				      "10.0.7.7", (uint16_t)(40000 + i),
				      i % 3 ? NULL : (i & 1 ? "fd01::7" :
						      "10.0.1.7"),
				      "bulk", 0, false, 0);

		ops->del(t, &p);
		ops->del(t, &p);	/* every second del finds nothing */
	}
	CHECK(ops->commit(t) == 0, "bulk del: %s", nfttab_error(t));
	CHECK(dump(t, &s) == 1505, "dump after bulk del: %u", s.n);
	/* after the counts above: it takes seconds under TCG, and the
	 * short pinholes would time out meanwhile */
	selftest_recheck(t, &cfg);
	selftest_recheck_many(t);

	/* errors name the element: the table is gone under our feet */
	CHECK(nfttab_remove(t, err, sizeof(err)) == 0, "remove: %s", err);
	CHECK(nfttab_remove(t, err, sizeof(err)) == 0, "remove absent: %s",
	      err);
	CHECK(dump(t, &s) == 0, "dump without table: %s", nfttab_error(t));
	CHECK(nfttab_pinhole_exists(t, &ph[0]) == 0, "exists without table");
	rc = add_commit(t, &ph[1], true);
	CHECK(rc == -1 && errno == ENOENT &&
	      strstr(nfttab_error(t), "pinhole4_peer") &&
	      strstr(nfttab_error(t), "10.0.2.2 . 10001 . 10.0.1.2"),
	      "add without table: %d %s", rc, nfttab_error(t));
	printf("add without table: %s\n", nfttab_error(t));
	CHECK(add_commit(t, &ph[1], false) == 0,
	      "del without table: %s", nfttab_error(t));

	nfttab_close(t);
out:
	printf("nfttab_test: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}

/* ---- commands ------------------------------------------------------------ */

/* Packets counted by the media rule of @ph's set (nft's listing), -1. */
static long rule_packets(const struct pinhole *ph)
{
	char line[1024], want[64];
	long n = -1;
	FILE *f;

	snprintf(want, sizeof(want), " @pinhole%c%s ", ph->family == 6 ?
		 '6' : '4', ph->has_peer ? "_peer" : "");
	f = popen("nft list chain inet voipfw media 2>/dev/null", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		const char *c = strstr(line, "counter packets ");

		if (n < 0 && strstr(line, want) && c)
			n = strtol(c + 16, NULL, 10);
	}
	pclose(f);
	return n;
}

/*
 * close-race: open and close @ph over and over while something floods
 * media through it (test/net/nfttab.sh), reading the media rule's counter
 * 30 ms after each close and once more later, then driving the close to
 * its end; stops after @cycles, or once the packet path has re-created 3
 * closed pinholes and 20 cycles ran.  Prints "cycles N re-created N
 * admitted N left N failed N": "admitted", the closes after which the
 * rule still accepted packets; "left", those after which the element was
 * there once the close ended.
 */
static int close_race(struct nfttab *t, const struct pinhole *ph,
		      unsigned int cycles)
{
	const struct timespec hit = { 0, 5000000L }, settle = { 0, 30000000L };
	struct nfttab_recheck_stats st;
	unsigned int i, left = 0, admitted = 0;

	for (i = 0; i < cycles; i++) {
		long before, after;

		if (add_commit(t, ph, true) ||
		    (nanosleep(&hit, NULL), add_commit(t, ph, false))) {
			fprintf(stderr, "nfttab_test: close-race: %s\n",
				nfttab_error(t));
			return 1;
		}
		nanosleep(&settle, NULL);
		before = rule_packets(ph);
		nanosleep(&settle, NULL);
		after = rule_packets(ph);
		if (before < 0 || after != before)
			admitted++;
		while (recheck_due(t))
			if (nfttab_pinhole_recheck(t) < 0) {
				fprintf(stderr, "nfttab_test: recheck: %s\n",
					nfttab_error(t));
				return 1;
			}
		if (nfttab_pinhole_exists(t, ph) != 0)
			left++;
		nfttab_pinhole_recheck_stats(t, &st);
		if (st.reclosed >= 3 && i + 1 >= 20) {
			i++;
			break;
		}
	}
	nfttab_pinhole_recheck_stats(t, &st);
	printf("cycles %u re-created %llu admitted %u left %u failed %llu\n",
	       i, (unsigned long long)st.reclosed, admitted, left,
	       (unsigned long long)st.failed);
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: nfttab_test [options] COMMAND [ARGS]\n"
		"  selftest | install | remove | probe | dump\n"
		"  add | del | exists ADDR PORT [PEER]\n"
		"  close-race CYCLES ADDR PORT [PEER]\n"
		"  netset-replace block|geoblock [FILE...]\n"
		"  netset-dump block|geoblock\n"
		"  netset-print [FILE...]\n"
		"Table options:\n"
		"  --sip-ports=P[,P...]  --queue=N[-M]  --fail-open | --fail-closed\n"
		"  --path=auto|native|xt  --media=MIN-MAX  --timeout=SECONDS\n"
		"  --mark=MARK  --priority=N  --meter=RATE/BURST\n"
		"Pinhole options:\n"
		"  --timeout-ms=MS  --call=CALL-ID  --stream=N  --rtcp  --side=N\n");
}

enum {
	O_SIP = 256, O_QUEUE, O_OPEN, O_CLOSED, O_PATH, O_MEDIA, O_TIMEOUT,
	O_MARK, O_PRIO, O_TMS, O_CALL, O_STREAM, O_RTCP, O_SIDE, O_METER,
};

static const struct option long_opts[] = {
	{ "sip-ports",	required_argument,	NULL, O_SIP },
	{ "queue",	required_argument,	NULL, O_QUEUE },
	{ "fail-open",	no_argument,		NULL, O_OPEN },
	{ "fail-closed", no_argument,		NULL, O_CLOSED },
	{ "path",	required_argument,	NULL, O_PATH },
	{ "media",	required_argument,	NULL, O_MEDIA },
	{ "timeout",	required_argument,	NULL, O_TIMEOUT },
	{ "mark",	required_argument,	NULL, O_MARK },
	{ "priority",	required_argument,	NULL, O_PRIO },
	{ "timeout-ms",	required_argument,	NULL, O_TMS },
	{ "call",	required_argument,	NULL, O_CALL },
	{ "stream",	required_argument,	NULL, O_STREAM },
	{ "rtcp",	no_argument,		NULL, O_RTCP },
	{ "side",	required_argument,	NULL, O_SIDE },
	{ "meter",	required_argument,	NULL, O_METER },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_opt(struct opts *o, int c, const char *arg)
{
	struct nfttab_config *cfg = &o->cfg;
	uint16_t lo, hi;
	size_t n;

	switch (c) {
	case O_SIP:
		cfg->n_sip_ports = 0;
		while (*arg && cfg->n_sip_ports < NFTTAB_MAX_SIP_PORTS) {
			char *end;
			unsigned long p = strtoul(arg, &end, 10);

			if (end == arg || p > 65535)
				return -1;
			cfg->sip_ports[cfg->n_sip_ports++] = (uint16_t)p;
			arg = *end == ',' ? end + 1 : end;
			if (*end && *end != ',')
				return -1;
		}
		return 0;
	case O_QUEUE:
		return parse_range(arg, 65535, &cfg->queue_first,
				   &cfg->queue_last);
	case O_OPEN:
	case O_CLOSED:
		cfg->fail_open = c == O_OPEN;
		return 0;
	case O_PATH:
		if (!strcmp(arg, "auto"))
			cfg->queue_path = NFTTAB_QUEUE_AUTO;
		else if (!strcmp(arg, "native"))
			cfg->queue_path = NFTTAB_QUEUE_NATIVE;
		else if (!strcmp(arg, "xt"))
			cfg->queue_path = NFTTAB_QUEUE_XT;
		else
			return -1;
		return 0;
	case O_MEDIA:
		if (parse_range(arg, 65535, &lo, &hi))
			return -1;
		cfg->media_port_min = lo;
		cfg->media_port_max = hi;
		return 0;
	case O_TIMEOUT:
		cfg->pinhole_timeout_s = (uint32_t)strtoul(arg, NULL, 0);
		return 0;
	case O_MARK:
		cfg->media_mark = (uint32_t)strtoul(arg, NULL, 0);
		return 0;
	case O_PRIO:
		cfg->priority = (int32_t)strtol(arg, NULL, 0);
		return 0;
	case O_TMS:
		o->ph.timeout_ms = (uint32_t)strtoul(arg, NULL, 0);
		return 0;
	case O_CALL:
		n = strlen(arg);
		o->ph.tag.call_id_full_len = (uint8_t)(n > 255 ? 255 : n);
		if (n > PINHOLE_CALL_ID_MAX)
			n = PINHOLE_CALL_ID_MAX;
		memcpy(o->ph.tag.call_id, arg, n);
		o->ph.tag.call_id_len = (uint8_t)n;
		return 0;
	case O_STREAM:
		o->ph.tag.stream = (uint8_t)strtoul(arg, NULL, 0);
		return 0;
	case O_RTCP:
		o->ph.tag.rtcp = true;
		return 0;
	case O_SIDE:
		o->ph.tag.side = (uint8_t)strtoul(arg, NULL, 0);
		return 0;
	case O_METER: {
		char *end;

		cfg->sip_meter_rate = (uint32_t)strtoul(arg, &end, 10);
		if (*end != '/')
			return -1;
		cfg->sip_meter_burst = (uint32_t)strtoul(end + 1, NULL, 10);
		return 0;
	}
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct nfttab *t;
	const char *cmd;
	char err[512] = "";
	int c, rc = 1;

	memset(&o, 0, sizeof(o));
	config_defaults(&o.cfg);
	while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (c == '?' || parse_opt(&o, c, optarg)) {
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind++];
	if (!strcmp(cmd, "selftest"))
		return selftest(&o.cfg);
	if (!strcmp(cmd, "netset-print")) {
		struct netset ns;

		rc = load_files(&ns, argv + optind, argc - optind, err,
				sizeof(err));
		if (rc)
			fprintf(stderr, "nfttab_test: %s\n", err);
		else
			print_netset(&ns);
		netset_release(&ns);
		return rc ? 1 : 0;
	}

	t = nfttab_open(err, sizeof(err));
	if (!t) {
		fprintf(stderr, "nfttab_test: %s\n", err);
		return 1;
	}
	if (!strcmp(cmd, "install")) {
		rc = nfttab_install(t, &o.cfg, err, sizeof(err)) != 0;
		if (rc)
			fprintf(stderr, "nfttab_test: install: %s\n", err);
		else
			printf("installed, queue path %s\n",
			       nfttab_queue_path(t) == NFTTAB_QUEUE_NATIVE ?
			       "native" : "xt");
	} else if (!strcmp(cmd, "remove")) {
		rc = nfttab_remove(t, err, sizeof(err)) != 0;
		if (rc)
			fprintf(stderr, "nfttab_test: remove: %s\n", err);
	} else if (!strcmp(cmd, "probe")) {
		rc = nfttab_probe_native_queue(t);
		if (rc < 0)
			fprintf(stderr, "nfttab_test: probe: %s\n",
				nfttab_error(t));
		else
			printf("%s\n", rc ? "native" : "xt");
		rc = rc < 0;
	} else if (!strcmp(cmd, "dump")) {
		rc = nfttab_pinhole_dump(t, print_pinhole, NULL) < 0;
		if (rc)
			fprintf(stderr, "nfttab_test: dump: %s\n",
				nfttab_error(t));
	} else if (!strcmp(cmd, "add") || !strcmp(cmd, "del") ||
		   !strcmp(cmd, "exists")) {
		if (parse_pinhole(&o.ph, argc - optind, argv + optind)) {
			usage(stderr);
			rc = 2;
		} else if (!strcmp(cmd, "exists")) {
			rc = nfttab_pinhole_exists(t, &o.ph);
			if (rc >= 0)
				printf("%s\n", rc ? "yes" : "no");
			else
				fprintf(stderr, "nfttab_test: exists: %s\n",
					nfttab_error(t));
			rc = rc < 0;
		} else {
			rc = add_commit(t, &o.ph, !strcmp(cmd, "add")) != 0;
			if (rc)
				fprintf(stderr, "nfttab_test: %s: %s\n", cmd,
					nfttab_error(t));
		}
	} else if (!strcmp(cmd, "close-race") && optind < argc) {
		unsigned int cycles = (unsigned int)strtoul(argv[optind], NULL,
							    10);

		if (parse_pinhole(&o.ph, argc - optind - 1, argv + optind + 1)) {
			usage(stderr);
			rc = 2;
		} else {
			rc = close_race(t, &o.ph, cycles);
		}
	} else if (!strcmp(cmd, "netset-replace") && optind < argc) {
		enum nfttab_netset which;
		struct timespec t0;
		struct netset ns;

		netset_init(&ns, 0);
		if (netset_which(argv[optind], &which)) {
			usage(stderr);
			rc = 2;
		} else if (load_files(&ns, argv + optind + 1,
				      argc - optind - 1, err, sizeof(err))) {
			fprintf(stderr, "nfttab_test: %s\n", err);
		} else {
			clock_gettime(CLOCK_MONOTONIC, &t0);
			rc = nfttab_netset_replace(t, which, &ns, err,
						   sizeof(err)) != 0;
			if (rc)
				fprintf(stderr, "nfttab_test: replace: %s\n",
					err);
			else
				printf("replaced %s: %u + %u ranges in %.1f ms\n",
				       argv[optind], ns.n4, ns.n6,
				       ms_since(&t0));
		}
		netset_release(&ns);
	} else if (!strcmp(cmd, "netset-dump") && optind < argc) {
		enum nfttab_netset which;

		if (netset_which(argv[optind], &which)) {
			usage(stderr);
			rc = 2;
		} else {
			rc = nfttab_netset_dump(t, which, print_range, NULL) < 0;
			if (rc)
				fprintf(stderr, "nfttab_test: dump: %s\n",
					nfttab_error(t));
		}
	} else {
		usage(stderr);
		rc = 2;
	}
	nfttab_close(t);
	return rc;
}
