// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * geoip.c - countries from MaxMind DB files (see geoip.h).
 *
 * The search tree (MaxMind DB spec, "Search Tree Section") is a binary
 * tree over the address bits: each node holds two records, for bit 0 and
 * bit 1, and a record is another node, nothing (== node_count) or a
 * pointer into the data section.  MMDB_read_node() decodes a node and
 * classifies its records; everything here walks with it, depth first,
 * with an explicit stack (at most one pending sibling per level).
 *
 * An IPv6 tree holds IPv4 under ::/96.  MaxMind's writers also link
 * ::ffff:0:0/96, 2001::/32 and 2002::/16 to that same node (aliases); the
 * walk follows the link only where it is reached by 96 zero bits, so each
 * node is visited once in a well-formed tree, and visiting more nodes
 * than the tree has means it is not a tree: refused, which also bounds
 * the work a crafted file can cause.
 *
 * Records are decoded with MMDB_aget_value() and a constant path:
 * MMDB_get_value()'s variadic form allocates the path array per call.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geoip/geoip.h"

typedef unsigned __int128 u128;

/* records looked at, at open, for the country key */
#define GEOIP_SAMPLE	64

struct geoip {
	MMDB_s		db;
	enum geoip_key	key;
	unsigned int	bits;		/* 32 or 128 */
	uint32_t	v4node;		/* the node at ::/96, if v4sub */
	bool		v4sub;
	uint64_t	serial;		/* tells caches one file from another */
	char		*path;
};

static uint64_t geoip_serial;

static const char *const path_country_code[] = { "country_code", NULL };
static const char *const path_iso_code[] = { "country", "iso_code", NULL };

const char *geoip_key_name(enum geoip_key key)
{
	switch (key) {
	case GEOIP_KEY_COUNTRY_CODE:
		return "country_code";
	case GEOIP_KEY_ISO_CODE:
		return "country.iso_code";
	case GEOIP_KEY_AUTO:
		break;
	}
	return "auto";
}

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static bool is_alpha(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

enum rec_cc {
	REC_ERROR	= -1,	/* the data section gave an error */
	REC_ABSENT	= 0,	/* no such key in the record */
	REC_CODE	= 1,	/* a two-letter code */
	REC_NOT_CODE	= 2,	/* the key holds something else */
};

/* The country at @key of the record at data offset @off. */
static enum rec_cc record_cc(const MMDB_s *db, uint32_t off,
			     enum geoip_key key, uint16_t *cc)
{
	MMDB_entry_s entry = { .mmdb = db, .offset = off };
	MMDB_entry_data_s d;
	const char *const *path = key == GEOIP_KEY_ISO_CODE ? path_iso_code
							     : path_country_code;
	int rc;

	*cc = GEOIP_UNKNOWN;
	rc = MMDB_aget_value(&entry, &d, path);
	/* "country" that is not a map: no iso_code in this record */
	if (rc == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR)
		return REC_ABSENT;
	if (rc != MMDB_SUCCESS)
		return REC_ERROR;
	if (!d.has_data)
		return REC_ABSENT;
	if (d.type != MMDB_DATA_TYPE_UTF8_STRING || d.data_size != 2 ||
	    !is_alpha((uint8_t)d.utf8_string[0]) ||
	    !is_alpha((uint8_t)d.utf8_string[1]))
		return REC_NOT_CODE;
	*cc = GEOIP_CC(d.utf8_string[0] & ~0x20, d.utf8_string[1] & ~0x20);
	return REC_CODE;
}

/* ---- the tree walk ------------------------------------------------------ */

struct walker;
typedef int (*walk_record_fn)(struct walker *w, uint32_t off, u128 prefix,
			      unsigned int depth);

struct walker {
	const struct geoip	*g;
	walk_record_fn		record;
	struct geoip_walk_stats	st;
	char			*err;
	size_t			errlen;
	bool			stop;	/* the callback has seen enough */
};

struct walk_frame {
	u128		prefix;
	uint32_t	node;
	uint32_t	depth;
};

static inline u128 bit_at(unsigned int depth)
{
	return (u128)1 << (127 - depth);
}

static int walk(struct walker *w)
{
	const struct geoip *g = w->g;
	uint32_t nodes = g->db.metadata.node_count;
	struct walk_frame stack[130];
	unsigned int sp = 0, side;

	stack[sp++] = (struct walk_frame){ 0, 0, 0 };
	while (sp && !w->stop) {
		struct walk_frame f = stack[--sp];
		MMDB_search_node_s sn;

		if (++w->st.nodes > nodes) {
			seterr(w->err, w->errlen, "%s: corrupt search tree: "
			       "more nodes reached than its %u", g->path, nodes);
			return -1;
		}
		if (MMDB_read_node(&g->db, f.node, &sn) != MMDB_SUCCESS) {
			seterr(w->err, w->errlen, "%s: corrupt search tree: "
			       "node %u unreadable", g->path, f.node);
			return -1;
		}
		/* right first onto the stack: networks come out in order */
		for (side = 2; side-- > 0;) {
			uint8_t type = side ? sn.right_record_type : sn.left_record_type;
			uint64_t rec = side ? sn.right_record : sn.left_record;
			MMDB_entry_s e = side ? sn.right_record_entry : sn.left_record_entry;
			u128 prefix = side ? f.prefix | bit_at(f.depth) : f.prefix;
			unsigned int depth = f.depth + 1;

			switch (type) {
			case MMDB_RECORD_TYPE_SEARCH_NODE:
				if (depth >= g->bits) {
					seterr(w->err, w->errlen, "%s: corrupt "
					       "search tree: deeper than %u bits",
					       g->path, g->bits);
					return -1;
				}
				if (g->v4sub && rec == g->v4node &&
				    !(depth == 96 && prefix == 0)) {
					w->st.aliases++;
					break;
				}
				stack[sp++] = (struct walk_frame){ prefix,
					(uint32_t)rec, depth };
				break;
			case MMDB_RECORD_TYPE_EMPTY:
				break;
			case MMDB_RECORD_TYPE_DATA:
				w->st.records++;
				if (w->record && w->record(w, e.offset, prefix, depth))
					return -1;
				break;
			default:
				seterr(w->err, w->errlen, "%s: corrupt search "
				       "tree: node %u points outside the file",
				       g->path, f.node);
				return -1;
			}
		}
	}
	return 0;
}

/* ---- open --------------------------------------------------------------- */

struct probe {
	struct walker	w;
	enum geoip_key	want;		/* AUTO: either */
	enum geoip_key	found;
	unsigned int	sampled;
};

/* The first records that carry a country key decide which key it is. */
static int probe_record(struct walker *w, uint32_t off, u128 prefix,
			unsigned int depth)
{
	struct probe *p = (struct probe *)w;
	static const enum geoip_key keys[] = {
		GEOIP_KEY_COUNTRY_CODE, GEOIP_KEY_ISO_CODE,
	};
	unsigned int i;
	uint16_t cc;

	(void)prefix;
	(void)depth;
	if (p->found != GEOIP_KEY_AUTO || p->sampled >= GEOIP_SAMPLE)
		return 0;	/* decided: the walk only checks the tree now */
	p->sampled++;
	for (i = 0; i < 2; i++) {
		if (p->want != GEOIP_KEY_AUTO && p->want != keys[i])
			continue;
		switch (record_cc(&w->g->db, off, keys[i], &cc)) {
		case REC_CODE:
			p->found = keys[i];
			return 0;
		case REC_NOT_CODE:
			seterr(w->err, w->errlen, "%s: not a country database: "
			       "%s is not a two-letter code", w->g->path,
			       geoip_key_name(keys[i]));
			return -1;
		case REC_ERROR:
			seterr(w->err, w->errlen, "%s: corrupt data section "
			       "(record at %u)", w->g->path, off);
			return -1;
		case REC_ABSENT:
			break;
		}
	}
	return 0;
}

/* The node reached by 96 zero bits, as libmaxminddb finds it. */
static int find_v4node(struct geoip *g)
{
	uint32_t node = 0;
	unsigned int depth;
	MMDB_search_node_s sn;

	g->v4sub = false;
	if (g->bits != 128)
		return 0;
	for (depth = 0; depth < 96; depth++) {
		if (MMDB_read_node(&g->db, node, &sn) != MMDB_SUCCESS)
			return -1;
		if (sn.left_record_type != MMDB_RECORD_TYPE_SEARCH_NODE)
			return 0;	/* ::/depth is one record: no subtree */
		node = (uint32_t)sn.left_record;
	}
	g->v4node = node;
	g->v4sub = true;
	return 0;
}

struct geoip *geoip_open(const char *path, enum geoip_key key, char *err,
			 size_t errlen)
{
	struct geoip *g;
	struct probe p;
	int rc;

	g = calloc(1, sizeof(*g));
	if (!g)
		goto err_nomem;
	g->path = strdup(path);
	if (!g->path)
		goto err_g;
	errno = 0;
	rc = MMDB_open(path, MMDB_MODE_MMAP, &g->db);
	switch (rc) {
	case MMDB_SUCCESS:
		break;
	case MMDB_FILE_OPEN_ERROR:
	case MMDB_IO_ERROR:
		seterr(err, errlen, "%s: %s", path,
		       errno ? strerror(errno) : MMDB_strerror(rc));
		goto err_path;
	case MMDB_INVALID_METADATA_ERROR:
		seterr(err, errlen, "%s: not a MaxMind DB file (no valid "
		       "metadata: truncated or another format)", path);
		goto err_path;
	case MMDB_OUT_OF_MEMORY_ERROR:
		goto err_path_nomem;
	default:
		seterr(err, errlen, "%s: %s", path, MMDB_strerror(rc));
		goto err_path;
	}
	if (g->db.metadata.ip_version != 4 && g->db.metadata.ip_version != 6) {
		seterr(err, errlen, "%s: IP version %u in the metadata (4 or 6)",
		       path, g->db.metadata.ip_version);
		goto err_db;
	}
	g->bits = g->db.metadata.ip_version == 6 ? 128 : 32;
	if (find_v4node(g)) {
		seterr(err, errlen, "%s: corrupt search tree under ::/96", path);
		goto err_db;
	}

	memset(&p, 0, sizeof(p));
	p.w.g = g;
	p.w.record = probe_record;
	p.w.err = err;
	p.w.errlen = errlen;
	p.want = key;
	if (walk(&p.w))
		goto err_db;
	if (!p.w.st.records) {
		seterr(err, errlen, "%s: no networks in the database", path);
		goto err_db;
	}
	if (p.found == GEOIP_KEY_AUTO) {
		if (key == GEOIP_KEY_AUTO)
			seterr(err, errlen, "%s: not a country database: no "
			       "country_code or country.iso_code in its first "
			       "%u records (database type %s)", path, p.sampled,
			       g->db.metadata.database_type ?
			       g->db.metadata.database_type : "unknown");
		else
			seterr(err, errlen, "%s: no %s in its first %u records",
			       path, geoip_key_name(key), p.sampled);
		goto err_db;
	}
	g->key = p.found;
	g->serial = __atomic_add_fetch(&geoip_serial, 1, __ATOMIC_RELAXED);
	return g;

err_db:
	MMDB_close(&g->db);
err_path:
	free(g->path);
	free(g);
	return NULL;
err_path_nomem:
	free(g->path);
err_g:
	free(g);
err_nomem:
	seterr(err, errlen, "%s: out of memory", path);
	return NULL;
}

void geoip_close(struct geoip *g)
{
	if (!g)
		return;
	MMDB_close(&g->db);
	free(g->path);
	free(g);
}

void geoip_info(const struct geoip *g, struct geoip_info *info)
{
	info->path = g->path;
	info->database_type = g->db.metadata.database_type ?
			      g->db.metadata.database_type : "";
	info->ip_version = g->db.metadata.ip_version;
	info->node_count = g->db.metadata.node_count;
	info->build_epoch = g->db.metadata.build_epoch;
	info->key = g->key;
}

/* ---- lookup ------------------------------------------------------------- */

int geoip_lookup(const struct geoip *g, int family, const uint8_t *addr,
		 uint16_t *cc)
{
	struct sockaddr_in6 sin6;
	struct sockaddr_in sin;
	const struct sockaddr *sa;
	MMDB_lookup_result_s r;
	int merr = MMDB_SUCCESS;

	*cc = GEOIP_UNKNOWN;
	if (family == 4) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		memcpy(&sin.sin_addr, addr, 4);
		sa = (const struct sockaddr *)&sin;
	} else if (family == 6) {
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		memcpy(&sin6.sin6_addr, addr, 16);
		sa = (const struct sockaddr *)&sin6;
	} else {
		return -1;
	}
	r = MMDB_lookup_sockaddr(&g->db, sa, &merr);
	/* an IPv4-only file has no country for any IPv6 source */
	if (merr == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR)
		return 0;
	if (merr != MMDB_SUCCESS)
		return -1;
	if (!r.found_entry)
		return 0;
	switch (record_cc(&g->db, r.entry.offset, g->key, cc)) {
	case REC_CODE:
	case REC_ABSENT:
		return 0;
	case REC_NOT_CODE:
		*cc = GEOIP_UNKNOWN;
		return 0;
	case REC_ERROR:
		break;
	}
	return -1;
}

const char *geoip_cc_str(uint16_t cc, char *buf)
{
	if (cc == GEOIP_UNKNOWN)
		return "unknown";
	buf[0] = (char)(cc >> 8);
	buf[1] = (char)(cc & 0xff);
	buf[2] = '\0';
	return buf;
}

int geoip_cc_list_parse(const char *s, uint16_t *ccs, unsigned int max,
			char *err, size_t errlen)
{
	const char *p = s;
	unsigned int n = 0, i;

	for (;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		uint16_t cc;

		if (len != 2 || !is_alpha((uint8_t)p[0]) || !is_alpha((uint8_t)p[1])) {
			seterr(err, errlen, "'%.*s' is not a two-letter country "
			       "code", (int)(len > 16 ? 16 : len), p);
			return -1;
		}
		cc = GEOIP_CC(p[0] & ~0x20, p[1] & ~0x20);
		for (i = 0; i < n && ccs[i] != cc; i++)
			;
		if (i == n) {
			if (n == max) {
				seterr(err, errlen, "more than %u countries", max);
				return -1;
			}
			ccs[n++] = cc;
		}
		if (!e)
			break;
		p = e + 1;
	}
	return (int)n;
}

/* ---- the per-source cache ----------------------------------------------- */

/**
 * struct geoip_cache_entry - one source
 * @addr:   IPv4 in the first 4 bytes, the rest zero
 * @family: 4 or 6; 0 for a free entry
 * @cc:     its country
 * @used:   the cache's clock when last asked for (LRU within the set)
 */
struct geoip_cache_entry {
	uint8_t		addr[16];
	uint8_t		family;
	uint16_t	cc;
	uint32_t	used;
};

struct geoip_cache {
	struct siphash_key		key;
	uint32_t			sets_mask;
	uint32_t			clock;
	uint64_t			serial;	/* the file the entries came from */
	struct geoip_cache_entry	*e;
	uint32_t			n;
	struct geoip_cache_stats	st;
};

struct geoip_cache *geoip_cache_new(uint32_t capacity,
				    const struct siphash_key *key)
{
	struct geoip_cache *c;
	uint32_t n = GEOIP_CACHE_WAYS;

	if (capacity < 1 || capacity > (1u << 24)) {
		errno = EINVAL;
		return NULL;
	}
	while (n < capacity)
		n <<= 1;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->e = calloc(n, sizeof(*c->e));
	if (!c->e) {
		free(c);
		errno = ENOMEM;
		return NULL;
	}
	c->n = n;
	c->key = *key;
	c->sets_mask = n / GEOIP_CACHE_WAYS - 1;
	return c;
}

void geoip_cache_free(struct geoip_cache *c)
{
	if (!c)
		return;
	free(c->e);
	free(c);
}

uint16_t geoip_cache_lookup(struct geoip_cache *c, const struct geoip *g,
			    int family, const uint8_t *addr)
{
	struct geoip_cache_entry *set, *victim;
	uint8_t k[17] = { 0 };
	unsigned int i;
	uint16_t cc;

	if (c->serial != g->serial) {
		if (c->serial)
			c->st.flushes++;
		memset(c->e, 0, (size_t)c->n * sizeof(*c->e));
		c->serial = g->serial;
	}
	if (family != 4 && family != 6)
		return GEOIP_UNKNOWN;
	k[0] = (uint8_t)family;
	memcpy(k + 1, addr, family == 4 ? 4 : 16);
	set = &c->e[((uint32_t)siphash(&c->key, k, sizeof(k)) & c->sets_mask) *
		    GEOIP_CACHE_WAYS];
	c->clock++;
	victim = &set[0];
	for (i = 0; i < GEOIP_CACHE_WAYS; i++) {
		struct geoip_cache_entry *e = &set[i];

		if (e->family == family && !memcmp(e->addr, k + 1, 16)) {
			e->used = c->clock;
			c->st.hits++;
			return e->cc;
		}
		/* a free entry first, else the one asked for longest ago
		 * (the clock wraps after 2^32 lookups: a worse pick, no harm) */
		if (victim->family && (!e->family ||
				       (int32_t)(e->used - victim->used) < 0))
			victim = e;
	}
	c->st.misses++;
	if (geoip_lookup(g, family, addr, &cc))
		c->st.errors++;
	if (victim->family)
		c->st.evicted++;
	memcpy(victim->addr, k + 1, 16);
	victim->family = (uint8_t)family;
	victim->cc = cc;
	victim->used = c->clock;
	return cc;
}

void geoip_cache_stats(const struct geoip_cache *c,
		       struct geoip_cache_stats *st)
{
	*st = c->st;
}

/* ---- countries into network sets ---------------------------------------- */

/**
 * struct offcache - the country of each data record met, by data offset:
 * a country database has a few hundred (ip-location-db) to a few thousand
 * (MaxMind) distinct records behind hundreds of thousands of networks.
 * Open addressing, doubled at half full.
 */
struct offcache_slot {
	uint32_t	off1;		/* offset + 1; 0: free */
	uint16_t	cc;
};

struct networks_walk {
	struct walker		w;
	struct offcache_slot	*slot;
	uint32_t		mask;
	uint32_t		used;
	uint8_t			want[26 * 26 / 8 + 1];	/* a bit per country */
	struct netset		*ns;
};

static inline uint32_t off_hash(uint32_t off)
{
	return (off * 2654435761u) >> 7;
}

static struct offcache_slot *off_find(struct networks_walk *nw, uint32_t off)
{
	uint32_t i = off_hash(off) & nw->mask;

	while (nw->slot[i].off1 && nw->slot[i].off1 != off + 1)
		i = (i + 1) & nw->mask;
	return &nw->slot[i];
}

static int off_grow(struct networks_walk *nw)
{
	struct offcache_slot *old = nw->slot;
	uint32_t oldn = old ? nw->mask + 1 : 0, i;
	uint32_t n = oldn ? oldn * 2 : 1024;

	nw->slot = calloc(n, sizeof(*nw->slot));
	if (!nw->slot) {
		nw->slot = old;
		return -1;
	}
	nw->mask = n - 1;
	for (i = 0; i < oldn; i++)
		if (old[i].off1)
			*off_find(nw, old[i].off1 - 1) = old[i];
	free(old);
	return 0;
}

static int cc_index(uint16_t cc)
{
	int a = (cc >> 8) - 'A', b = (cc & 0xff) - 'A';

	if (a < 0 || a >= 26 || b < 0 || b >= 26)
		return -1;
	return a * 26 + b;
}

static bool wanted(const struct networks_walk *nw, uint16_t cc)
{
	int i = cc_index(cc);

	return i >= 0 && (nw->want[i / 8] >> (i % 8) & 1);
}

static int networks_record(struct walker *w, uint32_t off, u128 prefix,
			   unsigned int depth)
{
	struct networks_walk *nw = (struct networks_walk *)w;
	struct offcache_slot *s = off_find(nw, off);
	uint8_t a[16];
	int i;

	if (!s->off1) {
		uint16_t cc;

		if (record_cc(&w->g->db, off, w->g->key, &cc) == REC_ERROR) {
			seterr(w->err, w->errlen, "%s: corrupt data section "
			       "(record at %u)", w->g->path, off);
			return -1;
		}
		w->st.decoded++;
		if (nw->used + 1 > (nw->mask + 1) / 2) {
			if (off_grow(nw))
				goto err_nomem;
			s = off_find(nw, off);
		}
		s->off1 = off + 1;
		s->cc = cc;
		nw->used++;
	}
	if (!wanted(nw, s->cc))
		return 0;

	for (i = 0; i < 16; i++)
		a[i] = (uint8_t)(prefix >> (120 - 8 * i));
	if (w->g->bits == 32) {
		if (netset_add(nw->ns, 4, a, depth))
			goto err_add;
		w->st.networks4++;
		return 0;
	}
	if (depth >= 96 && (prefix >> 32) == 0) {
		if (netset_add(nw->ns, 4, a + 12, depth - 96))
			goto err_add;
		w->st.networks4++;
		return 0;
	}
	/* ::/depth, depth < 96, in one record: all of IPv4 is in it too,
	 * as libmaxminddb's IPv4 lookups find */
	if (prefix == 0) {
		if (netset_add(nw->ns, 4, a, 0))
			goto err_add;
		w->st.networks4++;
	}
	if (netset_add(nw->ns, 6, a, depth))
		goto err_add;
	w->st.networks6++;
	return 0;

err_add:
	if (errno == ENOSPC) {
		seterr(w->err, w->errlen, "%s: more than %u networks",
		       w->g->path, nw->ns->max);
		return -1;
	}
err_nomem:
	seterr(w->err, w->errlen, "%s: out of memory", w->g->path);
	return -1;
}

int geoip_networks(const struct geoip *g, const uint16_t *ccs, unsigned int n,
		   struct netset *ns, struct geoip_walk_stats *st, char *err,
		   size_t errlen)
{
	struct networks_walk nw;
	unsigned int i;
	int rc, k;

	memset(&nw, 0, sizeof(nw));
	nw.w.g = g;
	nw.w.record = networks_record;
	nw.w.err = err;
	nw.w.errlen = errlen;
	nw.ns = ns;
	for (i = 0; i < n; i++) {
		k = cc_index(ccs[i]);
		if (k < 0) {
			seterr(err, errlen, "country %u is not two letters A-Z",
			       ccs[i]);
			return -1;
		}
		nw.want[k / 8] |= (uint8_t)(1u << (k % 8));
	}
	if (off_grow(&nw)) {
		seterr(err, errlen, "%s: out of memory", g->path);
		return -1;
	}
	rc = walk(&nw.w);
	free(nw.slot);
	if (st)
		*st = nw.w.st;
	if (rc)
		return -1;
	netset_merge(ns);
	return 0;
}
