// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sippolicy.c - load the zones' SIP policy into the workers' engines
 * (see sippolicy.h).
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "fileid.h"
#include "sippolicy.h"
#include "geoip/geoip.h"
#include "guard/guard.h"
#include "policy/policy.h"

/* GeoIP answers cached per worker (a source's SIP stays on its queue) */
#define SIPPOLICY_GEO_CACHE	16384


/**
 * struct geo_ctx - a worker's way to the country database
 * @db:    shared by every worker (read only, mapped)
 * @cache: the worker's own
 */
struct geo_ctx {
	struct geoip		*db;
	struct geoip_cache	*cache;
};

/**
 * struct geo_set - what one loaded policy's guards use for countries
 * @db: the database, NULL when no zone names countries
 * @ctx: one per worker
 */
struct geo_set {
	struct geoip		*db;
	struct geo_ctx		*ctx;
	unsigned int		n;
};

struct sippolicy {
	struct voipfwd_state	*st;
	struct guard		**guards;	/* one per worker; NULL: none */
	struct geo_set		geo;		/* what they use */
	struct file_id		policy;
	struct file_id		scanners;
	bool			looked;
};

static unsigned int ifindex_of(const char *name)
{
	return if_nametoindex(name);
}

struct sippolicy *sippolicy_new(struct voipfwd_state *st)
{
	struct sippolicy *sp = calloc(1, sizeof(*sp));

	if (!sp)
		return NULL;
	sp->st = st;
	sp->guards = calloc(st->n_workers, sizeof(*sp->guards));
	if (!sp->guards) {
		free(sp);
		return NULL;
	}
	return sp;
}

static uint16_t country_of(void *arg, int family, const uint8_t *addr)
{
	struct geo_ctx *c = arg;

	/* geoip's codes are voipfw.conf's: two letters, high byte first */
	return geoip_cache_lookup(c->cache, c->db, family, addr);
}

static void geo_set_free(struct geo_set *gs)
{
	unsigned int i;

	for (i = 0; gs->ctx && i < gs->n; i++)
		geoip_cache_free(gs->ctx[i].cache);
	free(gs->ctx);
	geoip_close(gs->db);
	memset(gs, 0, sizeof(*gs));
}

/* The database @path and a cache per worker; -1 (logged) if it cannot be
 * had: a policy that needs it is then refused whole. */
static int geo_set_open(struct geo_set *gs, const char *path, unsigned int n,
			const struct siphash_key *key, const char *policy)
{
	char err[256];
	unsigned int i;

	memset(gs, 0, sizeof(*gs));
	gs->db = geoip_open(path, GEOIP_KEY_AUTO, err, sizeof(err));
	if (!gs->db) {
		voipfwd_log(NULL, LOG_ERR, "zone policy %s names countries, but "
			    "the GeoIP database is refused: %s; the SIP policy in "
			    "force stays", policy, err);
		return -1;
	}
	gs->ctx = calloc(n, sizeof(*gs->ctx));
	if (!gs->ctx)
		goto err;
	gs->n = n;
	for (i = 0; i < n; i++) {
		gs->ctx[i].db = gs->db;
		gs->ctx[i].cache = geoip_cache_new(SIPPOLICY_GEO_CACHE, key);
		if (!gs->ctx[i].cache)
			goto err;
	}
	return 0;
err:
	voipfwd_log(NULL, LOG_ERR, "zone policy %s: out of memory; the SIP "
		    "policy in force stays", policy);
	geo_set_free(gs);
	return -1;
}

/* Put @guards (one per worker, or all NULL) and the GeoIP they use in
 * force; the old ones go once no worker can be using them. */
static void install(struct sippolicy *sp, struct guard **guards,
		    struct geo_set *geo)
{
	struct geo_set old_geo = sp->geo;
	unsigned int i;

	for (i = 0; i < sp->st->n_workers; i++) {
		struct voipfwd_worker *w = &sp->st->workers[i];
		struct guard *old = sp->guards[i];

		pthread_mutex_lock(&w->lock);
		engine_set_guard(w->engine, guards ? guards[i] : NULL);
		pthread_mutex_unlock(&w->lock);
		sp->guards[i] = guards ? guards[i] : NULL;
		guard_free(old);
	}
	if (geo) {
		sp->geo = *geo;
		memset(geo, 0, sizeof(*geo));
	} else {
		memset(&sp->geo, 0, sizeof(sp->geo));
	}
	geo_set_free(&old_geo);
}

/* The scanner list at @path into @sl; false (logged) if it cannot be had.
 * A missing list is no list: said once, not an error. */
static bool load_scanners(const char *path, struct scanner_list *sl,
			  bool *have)
{
	char *buf = NULL, err[256];
	size_t len;
	int rc;

	*have = false;
	if (policy_read_file(path, &buf, &len)) {
		if (errno == ENOENT) {
			voipfwd_log(NULL, LOG_WARNING,
				    "no scanner list at %s: User-Agents are not checked",
				    path);
			return true;
		}
		voipfwd_log(NULL, LOG_ERR, "scanner list %s: %s", path,
			    strerror(errno));
		return false;
	}
	rc = scanner_list_parse(sl, buf, len, path, err, sizeof(err));
	free(buf);
	if (rc) {
		voipfwd_log(NULL, LOG_ERR, "%s; the SIP policy in force stays", err);
		return false;
	}
	*have = true;
	return true;
}

void sippolicy_check(struct sippolicy *sp, bool force)
{
	const struct voipfwd_config *cfg = sp->st->cfg;
	struct file_id pid, sid;
	struct policy_error perr;
	struct scanner_list *sl = NULL;
	struct guard **guards = NULL;
	struct geo_set geo = { 0 };
	struct policy *pol = NULL;
	struct siphash_key key;
	char path[300], err[256], *buf = NULL;
	unsigned int i;
	bool have_sl;
	size_t len;

	if (!config_zone_policy_path(cfg, path, sizeof(path)))
		return;
	file_id_of(path, &pid);
	file_id_of(cfg->scanners, &sid);
	if (sp->looked && !force && file_id_same(&pid, &sp->policy) &&
	    file_id_same(&sid, &sp->scanners))
		return;
	sp->looked = true;
	sp->policy = pid;
	sp->scanners = sid;
	if (!pid.exists) {
		if (sp->guards[0] || force)
			voipfwd_log(NULL, LOG_INFO, "no zone policy at %s: SIP is "
				    "judged without the zones' security policy", path);
		install(sp, NULL, NULL);
		return;
	}
	if (policy_read_file(path, &buf, &len)) {
		voipfwd_log(NULL, LOG_ERR, "zone policy %s: %s; the SIP policy in "
			    "force stays", path, strerror(errno));
		return;
	}
	pol = policy_parse(buf, len, path, &perr);
	free(buf);
	if (!pol) {
		voipfwd_log(NULL, LOG_ERR, "%s; the SIP policy in force stays",
			    perr.text);
		return;
	}
	sl = malloc(sizeof(*sl));
	guards = calloc(sp->st->n_workers, sizeof(*guards));
	if (!sl || !guards || siphash_key_random(&key)) {
		voipfwd_log(NULL, LOG_ERR, "zone policy: %s; the SIP policy in "
			    "force stays", strerror(errno ? errno : ENOMEM));
		goto out;
	}
	if (!load_scanners(cfg->scanners, sl, &have_sl))
		goto out;
	if (guard_needs_geo(pol) &&
	    geo_set_open(&geo, cfg->geoip, sp->st->n_workers, &key, path))
		goto out;
	for (i = 0; i < sp->st->n_workers; i++) {
		struct guard_geo gg = {
			.country_of = geo.db ? country_of : NULL,
			.arg = geo.db ? &geo.ctx[i] : NULL,
		};

		guards[i] = guard_new(pol, have_sl ? sl : NULL, ifindex_of, &gg,
				      &key, err, sizeof(err));
		if (guards[i] && sp->st->accounts)
			guard_set_accounts(guards[i], sp->st->accounts, NULL);
		if (!guards[i]) {
			voipfwd_log(NULL, LOG_ERR, "zone policy %s: %s; the SIP "
				    "policy in force stays", path, err);
			while (i--)
				guard_free(guards[i]);
			goto out;
		}
	}
	install(sp, guards, &geo);
	voipfwd_log(NULL, LOG_INFO, "zone policy %s: the sip blocks of %u zones "
		    "in force%s%s%s%s", path, pol->n_zones,
		    have_sl ? ", scanner list " : "", have_sl ? cfg->scanners : "",
		    sp->geo.db ? ", GeoIP " : "", sp->geo.db ? cfg->geoip : "");
out:
	geo_set_free(&geo);
	free(guards);
	free(sl);
	policy_free(pol);
}

void sippolicy_free(struct sippolicy *sp)
{
	if (!sp)
		return;
	install(sp, NULL, NULL);
	free(sp->guards);
	free(sp);
}
