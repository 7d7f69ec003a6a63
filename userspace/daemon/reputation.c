// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * reputation.c - block lists and blocked countries into the table's
 * interval sets (see reputation.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "reputation.h"
#include "geoip/geoip.h"
#include "netset/netset.h"
#include "nft/nfttab.h"
#include "policy/policy.h"

/* Ranges per family a pair of sets may hold: about 100 bytes of kernel
 * memory each (two rbtree elements); the largest public lists and the
 * largest countries stay far below. */
#define REPUTATION_MAX_RANGES	(1U << 20)

/**
 * struct reputation - what is in force
 * @applied:      the block lists' ranges last put in the kernel, to skip
 *                a timed refresh that would change nothing
 * @have_applied: @applied holds them
 * @next_ms:      when the timer reads the lists again
 * @started:      the first (forced) load happened
 */
struct reputation {
	struct voipfwd_state	*st;
	struct netset		applied;
	bool			have_applied;
	uint64_t		next_ms;
	bool			started;
};

struct reputation *reputation_new(struct voipfwd_state *st)
{
	struct reputation *rp = calloc(1, sizeof(*rp));

	if (!rp)
		return NULL;
	rp->st = st;
	netset_init(&rp->applied, REPUTATION_MAX_RANGES);
	return rp;
}

static bool netset_same(const struct netset *a, const struct netset *b)
{
	return a->n4 == b->n4 && a->n6 == b->n6 &&
	       (!a->n4 || !memcmp(a->r4, b->r4, a->n4 * sizeof(*a->r4))) &&
	       (!a->n6 || !memcmp(a->r6, b->r6, a->n6 * sizeof(*a->r6)));
}

/* Put @ns in @which's sets; logged either way.  0 or -1. */
static int put_in_force(struct reputation *rp, enum nfttab_netset which,
			const struct netset *ns, const char *what,
			uint64_t read_ms)
{
	const char *set = nfttab_netset_name(which);
	uint64_t t0 = voipfwd_now_ms();
	char err[512];

	if (nfttab_netset_replace(rp->st->table, which, ns, err, sizeof(err))) {
		voipfwd_log(NULL, LOG_ERR, "%s: %s; sets %s4, %s6 keep what "
			    "they held", what, err, set, set);
		return -1;
	}
	voipfwd_log(NULL, LOG_INFO, "%s: %u IPv4 + %u IPv6 ranges in sets "
		    "%s4, %s6 (read %llu ms, kernel %llu ms)", what, ns->n4,
		    ns->n6, set, set, (unsigned long long)read_ms,
		    (unsigned long long)(voipfwd_now_ms() - t0));
	return 0;
}

/* Every list, whole, or nothing changes.  @force: even if the same. */
static void load_blocklists(struct reputation *rp, bool force)
{
	const struct voipfwd_config *cfg = rp->st->cfg;
	uint64_t t0 = voipfwd_now_ms();
	struct netset ns;
	char what[64], err[512];
	unsigned int i;

	netset_init(&ns, REPUTATION_MAX_RANGES);
	for (i = 0; i < cfg->n_blocklists; i++) {
		const char *path = cfg->blocklists[i];
		char *buf = NULL;
		size_t len;
		int rc;

		if (policy_read_file(path, &buf, &len)) {
			voipfwd_log(NULL, LOG_ERR, "block list %s: %s; sets "
				    "block4, block6 keep what they held", path,
				    strerror(errno));
			goto out;
		}
		rc = netset_parse(&ns, buf, len, path, err, sizeof(err));
		free(buf);
		if (rc) {
			voipfwd_log(NULL, LOG_ERR, "block list %s; sets block4, "
				    "block6 keep what they held", err);
			goto out;
		}
	}
	netset_merge(&ns);
	if (!force && rp->have_applied && netset_same(&ns, &rp->applied))
		goto out;
	snprintf(what, sizeof(what), "block lists (%u files)",
		 cfg->n_blocklists);
	if (put_in_force(rp, NFTTAB_NETSET_BLOCK, &ns, what,
			 voipfwd_now_ms() - t0))
		goto out;
	netset_release(&rp->applied);
	rp->applied = ns;		/* kept: the next refresh compares */
	rp->have_applied = true;
	return;
out:
	netset_release(&ns);
}

/* The countries' networks, or nothing changes. */
static void load_geoblock(struct reputation *rp)
{
	const struct voipfwd_config *cfg = rp->st->cfg;
	struct geoip_walk_stats ws;
	uint64_t t0 = voipfwd_now_ms();
	struct geoip *g;
	struct netset ns;
	char what[3 * VOIPFWD_GEO_BLOCK_MAX + 16], err[512];
	size_t off;
	unsigned int i;

	off = (size_t)snprintf(what, sizeof(what), "geo-block ");
	for (i = 0; i < cfg->n_geo_block && off < sizeof(what); i++) {
		char cc[3];

		off += (size_t)snprintf(what + off, sizeof(what) - off, "%s%s",
					i ? "," : "",
					geoip_cc_str(cfg->geo_block[i], cc));
	}
	netset_init(&ns, REPUTATION_MAX_RANGES);
	if (!cfg->n_geo_block) {
		/* none configured (any more): nothing blocked by country */
		put_in_force(rp, NFTTAB_NETSET_GEOBLOCK, &ns, "geo-block none",
			     0);
		return;
	}
	g = geoip_open(cfg->geoip, GEOIP_KEY_AUTO, err, sizeof(err));
	if (!g) {
		voipfwd_log(NULL, LOG_ERR, "%s: the GeoIP database is refused: "
			    "%s; sets geoblock4, geoblock6 keep what they held",
			    what, err);
		return;
	}
	if (geoip_networks(g, cfg->geo_block, cfg->n_geo_block, &ns, &ws, err,
			   sizeof(err)))
		voipfwd_log(NULL, LOG_ERR, "%s: %s; sets geoblock4, geoblock6 "
			    "keep what they held", what, err);
	else
		put_in_force(rp, NFTTAB_NETSET_GEOBLOCK, &ns, what,
			     voipfwd_now_ms() - t0);
	geoip_close(g);
	netset_release(&ns);
}

void reputation_check(struct reputation *rp, bool force)
{
	const struct voipfwd_config *cfg = rp->st->cfg;
	uint64_t now = voipfwd_now_ms();

	if (force || !rp->started) {
		load_blocklists(rp, true);
		load_geoblock(rp);
		rp->started = true;
	} else if (cfg->n_blocklists && cfg->blocklist_refresh_s &&
		   now >= rp->next_ms) {
		load_blocklists(rp, false);
	} else {
		return;
	}
	rp->next_ms = voipfwd_now_ms() +
		      (uint64_t)cfg->blocklist_refresh_s * 1000;
}

void reputation_free(struct reputation *rp)
{
	if (!rp)
		return;
	netset_release(&rp->applied);
	free(rp);
}
