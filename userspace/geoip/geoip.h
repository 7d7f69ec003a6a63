/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * geoip.h - the country of an address, from a MaxMind DB file (libmaxminddb),
 * and the networks of whole countries, for nft interval sets.
 *
 * Two shapes of country database are understood: ip-location-db's
 * (@ip-location-db/geo-whois-asn-country-mmdb, CC0; the record is
 * {"country_code": "CN"}) and MaxMind's GeoIP2/GeoLite2 Country and City
 * ({"country": {"iso_code": "CN"}}).  geoip_open() finds which one a file
 * is by its first records, or takes the caller's word, and refuses a
 * missing file, a file that is not a MaxMind DB, a search tree that does
 * not hold together, and a database with no two-letter country in those
 * keys (an ASN database, say), each with an error naming the file: the
 * caller keeps the database it had.
 *
 * A struct geoip never changes after geoip_open(): any number of threads
 * may look up in it at once.  A struct geoip_cache belongs to one thread.
 *
 * Countries are uint16_t: the two upper-case ASCII letters, first in the
 * high byte (GEOIP_CC('C','N')); GEOIP_UNKNOWN (0) is no country.
 */
#ifndef VOIPFW_GEOIP_H
#define VOIPFW_GEOIP_H

#include <stddef.h>
#include <stdint.h>

#include "hash/siphash.h"
#include "netset/netset.h"

#define GEOIP_CC(a, b)	((uint16_t)((uint16_t)(uint8_t)(a) << 8 | (uint8_t)(b)))
#define GEOIP_UNKNOWN	((uint16_t)0)

/**
 * enum geoip_key - where a record holds its country
 * @GEOIP_KEY_AUTO:         find out from the file's first records
 * @GEOIP_KEY_COUNTRY_CODE: "country_code" (ip-location-db)
 * @GEOIP_KEY_ISO_CODE:     "country" / "iso_code" (MaxMind)
 */
enum geoip_key {
	GEOIP_KEY_AUTO,
	GEOIP_KEY_COUNTRY_CODE,
	GEOIP_KEY_ISO_CODE,
};

/* "auto", "country_code", "country.iso_code" */
const char *geoip_key_name(enum geoip_key key);

struct geoip;

/**
 * struct geoip_info - what geoip_open() found
 * @path:          the file, as given
 * @database_type: the metadata's database_type
 * @ip_version:    4 or 6 (an IPv6 tree holds IPv4 under ::/96)
 * @node_count:    search tree nodes
 * @build_epoch:   when the file was built (seconds since 1970)
 * @key:           the key the country is read from
 */
struct geoip_info {
	const char	*path;
	const char	*database_type;
	unsigned int	ip_version;
	uint32_t	node_count;
	uint64_t	build_epoch;
	enum geoip_key	key;
};

/*
 * geoip_open - map the MaxMind DB at @path (MMDB_MODE_MMAP) and check it:
 * metadata, every node of the search tree (each record leads to a node, to
 * nothing or into the data section), and the country @key in the first
 * records that carry one.  NULL with "PATH: why" in @err otherwise.
 */
struct geoip *geoip_open(const char *path, enum geoip_key key, char *err,
			 size_t errlen);
void geoip_close(struct geoip *g);
void geoip_info(const struct geoip *g, struct geoip_info *info);

/*
 * geoip_lookup - the country of @addr (4 or 16 bytes as @family 4 or 6
 * says) into *@cc: GEOIP_UNKNOWN when the database has no network for it,
 * the network's record has no country, or (an IPv6 address) the database
 * is IPv4 only.  An IPv4 address in an IPv6 database is looked up under
 * ::/96, as libmaxminddb does.  Returns 0, or -1 when the file gave an
 * error on the way (a corrupt record; *@cc is GEOIP_UNKNOWN then).  Never
 * allocates.
 */
int geoip_lookup(const struct geoip *g, int family, const uint8_t *addr,
		 uint16_t *cc);

/* "CN", or "unknown" for GEOIP_UNKNOWN; @buf holds at least 3 bytes. */
const char *geoip_cc_str(uint16_t cc, char *buf);

/*
 * geoip_cc_list_parse - "CN,RU" (two letters each, either case, comma
 * separated) into @ccs (at most @max; duplicates kept once).  Returns the
 * count, or -1 with the error in @err.
 */
int geoip_cc_list_parse(const char *s, uint16_t *ccs, unsigned int max,
			char *err, size_t errlen);

/*
 * The per-source cache: the country of recently seen sources, so that the
 * packet path neither walks the tree nor decodes a record for a source it
 * saw.  Fixed size, allocated once: sets of GEOIP_CACHE_WAYS entries chosen
 * by SipHash of the address under the cache's key (sources are the
 * attacker's choice); a miss replaces the set's least recently used entry.
 * A cache remembers which database filled it and forgets everything when
 * asked about another one (a reload), so it never answers from an old file.
 */
#define GEOIP_CACHE_WAYS	4

/**
 * struct geoip_cache_stats - how a cache fares
 * @hits, @misses: lookups answered from the cache, or from the file
 * @evicted:       entries replaced by a miss (the set was full)
 * @flushes:       times the cache was emptied for another database
 * @errors:        lookups the file gave an error for (cached as unknown)
 */
struct geoip_cache_stats {
	uint64_t	hits;
	uint64_t	misses;
	uint64_t	evicted;
	uint64_t	flushes;
	uint64_t	errors;
};

struct geoip_cache;

/* A cache of at least @capacity entries (1 .. 2^24; rounded up to a power
 * of two); NULL with errno (EINVAL, ENOMEM). */
struct geoip_cache *geoip_cache_new(uint32_t capacity,
				    const struct siphash_key *key);
void geoip_cache_free(struct geoip_cache *c);

/* geoip_lookup() through @c: the same answer, no allocation. */
uint16_t geoip_cache_lookup(struct geoip_cache *c, const struct geoip *g,
			    int family, const uint8_t *addr);
void geoip_cache_stats(const struct geoip_cache *c,
		       struct geoip_cache_stats *st);

/**
 * struct geoip_walk_stats - one geoip_networks() walk
 * @nodes:       search tree nodes visited
 * @records:     data records met (networks of any country)
 * @decoded:     records decoded; the others came from the per-offset cache
 * @aliases:     links into the IPv4 subtree from outside ::/96 not followed
 * @networks4, @networks6: networks added to the set (before merging)
 */
struct geoip_walk_stats {
	uint64_t	nodes;
	uint64_t	records;
	uint64_t	decoded;
	uint64_t	aliases;
	uint64_t	networks4;
	uint64_t	networks6;
};

/*
 * geoip_networks - add to @ns every network whose country is one of the
 * @n countries at @ccs, walking the whole search tree, then netset_merge()
 * it.  IPv4 networks (the IPv4 tree, or ::/96 of an IPv6 tree) go in as
 * IPv4 networks; the links MaxMind DBs make from ::ffff:0:0/96 (IPv4-mapped),
 * 2001::/32 (Teredo) and 2002::/16 (6to4) into the IPv4 subtree are not
 * followed, so nothing is in twice and those IPv6 ranges stay out of the
 * set: IPv4-mapped addresses are never an IPv6 packet's source, and 6to4 or
 * Teredo sources are left to the per-source lookup.  @st may be NULL.
 * 0, or -1 with the error in @err ("PATH: ...") and @ns to be released:
 * out of memory, over the set's maximum, a corrupt record.
 */
int geoip_networks(const struct geoip *g, const uint16_t *ccs, unsigned int n,
		   struct netset *ns, struct geoip_walk_stats *st, char *err,
		   size_t errlen);

#endif /* VOIPFW_GEOIP_H */
