// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * geoip.c - `voipfwctl geoip lookup|networks`: what a GeoIP database says,
 * through the same library voipfwd uses (userspace/geoip).
 *
 * Output (stable for scripts):
 *   lookup:   ADDR CC            one line per address; CC is "unknown"
 *                                when the database has no country for it
 *   networks: LO-HI or ADDR/LEN  one line per merged range (IPv4 first),
 *                                or per CIDR block with --cidr; then on
 *                                standard error one line of counts:
 *   # CCS: N IPv4 ranges (N addresses), N IPv6 ranges, N CIDRs; N nodes,
 *     N records (N decoded), N aliases not followed, N ms
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "geoip/geoip.h"

/* most networks one walk may yield before merging (a real database has
 * a few hundred thousand in all) */
#define GEOIP_CTL_MAX_NETS	(8u << 20)
#define GEOIP_CTL_MAX_CCS	256

typedef unsigned __int128 u128;

static const struct option geoip_opts[] = {
	{ "key",	required_argument,	NULL, 'k' },
	{ "cidr",	no_argument,		NULL, 'c' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void geoip_help(FILE *out)
{
	fprintf(out,
		"Usage: voipfwctl geoip lookup [--key KEY] DB ADDR...\n"
		"       voipfwctl geoip networks [--key KEY] [--cidr] DB CC[,CC...]\n\n"
		"Reads the MaxMind DB file DB (ip-location-db's geo-whois-asn-country,\n"
		"or a MaxMind GeoIP2/GeoLite2 Country or City file).\n"
		"  lookup    prints 'ADDR CC' for each address (CC 'unknown' when the\n"
		"            database has no country for it)\n"
		"  networks  prints every network of the countries, merged into\n"
		"            ranges 'LO-HI' (IPv4, then IPv6), and the counts on\n"
		"            standard error; IPv4 comes out as IPv4 only (aliases\n"
		"            of the IPv4 subtree in IPv6 are not followed)\n\n"
		"  -k, --key KEY  where records hold the country: country_code\n"
		"                 (ip-location-db) or country.iso_code (MaxMind);\n"
		"                 default: found from the file\n"
		"  -c, --cidr     networks: print CIDR blocks instead of ranges\n"
		"  -h, --help     this help\n\n"
		"Exit status: 0 done, 1 the database was refused (missing, corrupt,\n"
		"not a country database), 2 usage error.\n");
}

static void put_addr(FILE *out, int family, u128 v)
{
	char s[INET6_ADDRSTRLEN];
	uint8_t a[16];
	int i;

	if (family == 4) {
		for (i = 0; i < 4; i++)
			a[i] = (uint8_t)(v >> (24 - 8 * i));
		inet_ntop(AF_INET, a, s, sizeof(s));
	} else {
		for (i = 0; i < 16; i++)
			a[i] = (uint8_t)(v >> (120 - 8 * i));
		inet_ntop(AF_INET6, a, s, sizeof(s));
	}
	fputs(s, out);
}

/* @lo..@hi (inclusive, @bits wide) as the fewest CIDR blocks; returns
 * how many. */
static uint64_t put_cidrs(FILE *out, int family, unsigned int bits, u128 lo,
			  u128 hi)
{
	uint64_t n = 0;

	for (;;) {
		unsigned int len = bits;
		u128 step;

		/* grow the block while lo stays aligned and it ends <= hi */
		while (len > 0) {
			unsigned int hb = bits - len + 1;
			u128 mask = hb >= 128 ? ~(u128)0 : ((u128)1 << hb) - 1;

			if (lo & mask || hi - lo < mask)
				break;
			len--;
		}
		put_addr(out, family, lo);
		fprintf(out, "/%u\n", len);
		n++;
		if (len == 0)
			break;
		step = (u128)1 << (bits - len);
		if (hi - lo == step - 1)
			break;
		lo += step;
	}
	return n;
}

static int geoip_lookup_cmd(struct geoip *g, int argc, char **argv, FILE *out,
			    FILE *err)
{
	int i, rc = CTL_EXIT_OK;
	char buf[3];

	for (i = 0; i < argc; i++) {
		uint8_t a[16];
		int fam = strchr(argv[i], ':') ? 6 : 4;
		uint16_t cc;

		if (inet_pton(fam == 6 ? AF_INET6 : AF_INET, argv[i], a) != 1) {
			fprintf(err, "voipfwctl geoip: '%s' is not an IPv4 or "
				"IPv6 address\n", argv[i]);
			rc = CTL_EXIT_USAGE;
			continue;
		}
		if (geoip_lookup(g, fam, a, &cc))
			fprintf(err, "voipfwctl geoip: %s: the database gave an "
				"error (corrupt record): unknown\n", argv[i]);
		fprintf(out, "%s %s\n", argv[i], geoip_cc_str(cc, buf));
	}
	return rc;
}

static int geoip_networks_cmd(struct geoip *g, const char *list, bool cidr,
			      FILE *out, FILE *err)
{
	uint16_t ccs[GEOIP_CTL_MAX_CCS];
	struct geoip_walk_stats st;
	struct timespec t0, t1;
	char msg[512];
	struct netset ns;
	uint64_t addrs4 = 0, blocks = 0;
	uint32_t i;
	int n, rc = CTL_EXIT_OK;

	n = geoip_cc_list_parse(list, ccs, GEOIP_CTL_MAX_CCS, msg, sizeof(msg));
	if (n < 0) {
		fprintf(err, "voipfwctl geoip: %s\n", msg);
		return CTL_EXIT_USAGE;
	}
	netset_init(&ns, GEOIP_CTL_MAX_NETS);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (geoip_networks(g, ccs, (unsigned int)n, &ns, &st, msg, sizeof(msg))) {
		fprintf(err, "voipfwctl geoip: %s\n", msg);
		rc = CTL_EXIT_INVALID;
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (i = 0; i < ns.n4; i++) {
		addrs4 += (uint64_t)ns.r4[i].hi - ns.r4[i].lo + 1;
		if (cidr) {
			blocks += put_cidrs(out, 4, 32, ns.r4[i].lo, ns.r4[i].hi);
			continue;
		}
		put_addr(out, 4, ns.r4[i].lo);
		fputc('-', out);
		put_addr(out, 4, ns.r4[i].hi);
		fputc('\n', out);
	}
	for (i = 0; i < ns.n6; i++) {
		if (cidr) {
			blocks += put_cidrs(out, 6, 128, ns.r6[i].lo, ns.r6[i].hi);
			continue;
		}
		put_addr(out, 6, ns.r6[i].lo);
		fputc('-', out);
		put_addr(out, 6, ns.r6[i].hi);
		fputc('\n', out);
	}
	fprintf(err, "# %s: %u IPv4 ranges (%llu addresses), %u IPv6 ranges",
		list, ns.n4, (unsigned long long)addrs4, ns.n6);
	if (cidr)
		fprintf(err, ", %llu CIDRs", (unsigned long long)blocks);
	fprintf(err, "; %llu nodes, %llu records (%llu decoded), %llu aliases "
		"not followed, %ld ms\n", (unsigned long long)st.nodes,
		(unsigned long long)st.records, (unsigned long long)st.decoded,
		(unsigned long long)st.aliases,
		(long)((t1.tv_sec - t0.tv_sec) * 1000 +
		       (t1.tv_nsec - t0.tv_nsec) / 1000000));
out:
	netset_release(&ns);
	return rc;
}

static int geoip_run(int argc, char **argv, FILE *out, FILE *err)
{
	enum geoip_key key = GEOIP_KEY_AUTO;
	const char *verb;
	bool cidr = false;
	struct geoip *g;
	char msg[512];
	int c, rc;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		geoip_help(out);
		return CTL_EXIT_OK;
	}
	if (argc < 2 || (strcmp(argv[1], "lookup") && strcmp(argv[1], "networks"))) {
		fprintf(err, "voipfwctl geoip: lookup or networks, please\n");
		geoip_help(err);
		return CTL_EXIT_USAGE;
	}
	verb = argv[1];
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "k:ch", geoip_opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (!strcmp(optarg, "country_code")) {
				key = GEOIP_KEY_COUNTRY_CODE;
			} else if (!strcmp(optarg, "country.iso_code")) {
				key = GEOIP_KEY_ISO_CODE;
			} else {
				fprintf(err, "voipfwctl geoip: unknown key '%s' "
					"(country_code or country.iso_code)\n",
					optarg);
				return CTL_EXIT_USAGE;
			}
			break;
		case 'c':
			cidr = true;
			break;
		case 'h':
			geoip_help(out);
			return CTL_EXIT_OK;
		default:
			geoip_help(err);
			return CTL_EXIT_USAGE;
		}
	}
	if (argc - optind < 2 || (!strcmp(verb, "networks") && argc - optind != 2)) {
		fprintf(err, "voipfwctl geoip %s: %s\n", verb,
			!strcmp(verb, "lookup") ? "DB and at least one ADDR, please"
						: "DB and CC[,CC...], please");
		return CTL_EXIT_USAGE;
	}
	g = geoip_open(argv[optind], key, msg, sizeof(msg));
	if (!g) {
		fprintf(err, "voipfwctl geoip: %s\n", msg);
		return CTL_EXIT_INVALID;
	}
	if (!strcmp(verb, "lookup"))
		rc = geoip_lookup_cmd(g, argc - optind - 1, argv + optind + 1,
				      out, err);
	else
		rc = geoip_networks_cmd(g, argv[optind + 1], cidr, out, err);
	geoip_close(g);
	return ctl_finish("geoip", out, err, rc);
}

const struct ctl_cmd_ops ctl_cmd_geoip = {
	.name		= "geoip",
	.summary	= "country of addresses, networks of countries (GeoIP)",
	.usage		= "lookup|networks [OPTIONS] DB ARGS...",
	.run		= geoip_run,
	.help		= geoip_help,
};
