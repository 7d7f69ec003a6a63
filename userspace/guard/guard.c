// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * guard.c - the zones' SIP security policy, per message (see guard.h).
 *
 * State, all in tables of fixed size made at guard_new(): one srclimit
 * for every zone's rate limits (rates are given per check), per source an
 * offender record (over-limit messages in the flood window, how often and
 * when it was banned), the requests that carried credentials (so that
 * their 401/407 answers count as wrong passwords), and per zone an
 * authwatch with the zone's thresholds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>
#include <sys/socket.h>

#include "guard/guard.h"
#include "detect/authwatch.h"
#include "detect/regwatch.h"
#include "guard/compliance.h"
#include "hash/lrutab.h"
#include "limit/distinct.h"
#include "limit/srclimit.h"
#include "limit/window.h"
#include "netset/netset.h"

#define GUARD_SOURCES		65536	/* rate buckets, offenders */
#define GUARD_CREDS		16384	/* credentialed requests in flight */
#define GUARD_WATCH_TOTAL	65536	/* authwatch sources, all zones */
#define GUARD_WATCH_MIN		1024
#define GUARD_REPEAT_MS		86400000u	/* bans within a day escalate */
#define GUARD_CREDS_IDLE_MS	32000u		/* Timer B/F: 64*T1 */
#define GUARD_LIMIT_IDLE_MS	600000u

struct guard_zone {
	char			name[POLICY_NAME_MAX + 1];
	int			index;		/* in the policy */
	struct policy_zone_sip	sip;
	struct srclimit_rates	rates;
	struct srclimit_rates	trusted_rates;
	unsigned int		n_ifaces;
	char			ifname[POLICY_ZONE_MAX_IFACES][POLICY_IFNAME_MAX + 1];
	uint32_t		ifindex[POLICY_ZONE_MAX_IFACES];
	bool			has_subnets;
	struct netset		subnets;
	struct netset		trusted;
	struct authwatch	*watch;
	struct regwatch		*reg;
};

/**
 * struct offender - one source's record
 * @over:         its over-limit messages (the flood window)
 * @bans:         bans within GUARD_REPEAT_MS of each other
 * @banned_until: the end of its current ban (no second ban action before)
 * @last_ban_ms:  when it was last banned
 */
struct offender {
	struct window	over;
	struct window	sweep_win;
	struct distinct	sweep;		/* destinations it sent requests to */
	uint32_t	bans;
	uint32_t	banned_until;
	uint32_t	last_ban_ms;
	bool		banned;
};

struct cred_key {
	uint8_t		family;
	uint8_t		addr[16];
	uint8_t		pad[3];
	uint32_t	cseq;
	uint64_t	call_id_hash;
};

struct guard {
	struct guard_zone	*zones;		/* subnet-only zones first */
	unsigned int		n_zones;
	unsigned int		(*ifindex_of)(const char *name);
	struct guard_geo	geo;
	struct siphash_key	key;
	struct scanner_list	*scanners;
	struct srclimit		*limits;
	struct lrutab		*offenders;
	struct lrutab		*creds;
	unsigned int		resolve_next;	/* guard_tick's rolling look */
	uint32_t		last_ms;	/* the clock's wraps, for */
	uint64_t		wraps;		/* registrations' days */
	uint64_t		(*wall_now)(void);	/* acctdb's clock */
	struct guard_stats	st;
};

/* Interface names guard_tick() looks up again each second, besides the
 * ones not found yet: an interface deleted and made again (a VPN, a PPP
 * link) gets a new index. */
#define GUARD_RESOLVE_PER_TICK	64

static const char *const reason_names[__GUARD_R_MAX] = {
	[GUARD_R_OK]		= "ok",
	[GUARD_R_RATE_LIMIT]	= "rate-limit",
	[GUARD_R_SCANNER]	= "scanner",
	[GUARD_R_METHOD]	= "method-not-allowed",
	[GUARD_R_TOO_LARGE]	= "too-large",
	[GUARD_R_USER_LOCKED]	= "user-locked",
	[GUARD_R_COUNTRY]	= "country",
	[GUARD_R_PLAINTEXT_SIP]	= "plaintext-sip",
	[GUARD_R_PLAIN_RTP]	= "plain-rtp",
	[GUARD_R_DOMAIN]	= "not-our-domain",
	[GUARD_R_SWEEP]		= "sweep",
	[GUARD_R_CODEC]		= "codec",
	/* not the parser's too-many-headers and missing-header: voipfwctl
	 * stats lists both sets side by side */
	[GUARD_R_TOO_MANY_HEADERS] = "max-headers",
	[GUARD_R_MAX_FORWARDS]	= "max-forwards",
	[GUARD_R_MISSING_HEADER] = "missing-required-header",
};

static const char *const ban_names[__GUARD_BAN_MAX] = {
	[GUARD_BAN_NONE]	= "none",
	[GUARD_BAN_FLOOD]	= "flood",
	[GUARD_BAN_SCANNER]	= "scanner",
	[GUARD_BAN_BRUTE_FORCE]	= "brute-force",
	[GUARD_BAN_ENUMERATION]	= "enumeration",
	[GUARD_BAN_SWEEP]	= "sweep",
};

const char *guard_reason_str(enum guard_reason r)
{
	return (unsigned int)r < __GUARD_R_MAX ? reason_names[r] : "?";
}

const char *guard_ban_why_str(enum guard_ban_why w)
{
	return (unsigned int)w < __GUARD_BAN_MAX ? ban_names[w] : "?";
}

static void rates_of(const struct policy_rate *pr, struct srclimit_rates *r)
{
	int c;

	memset(r, 0, sizeof(*r));
	r->unlimited = true;
	for (c = 0; c < POLICY_SIP_CLASSES; c++) {
		if (!pr[c].unlimited)
			r->unlimited = false;
		r->cls[c].milli_per_sec = pr[c].milli_per_sec;
		r->cls[c].burst = pr[c].burst;
	}
	/* a class left unlimited among limited ones: the highest limits */
	for (c = 0; c < POLICY_SIP_CLASSES && !r->unlimited; c++) {
		if (pr[c].unlimited) {
			r->cls[c].milli_per_sec = SRCLIMIT_RATE_MAX;
			r->cls[c].burst = SRCLIMIT_BURST_MAX;
		}
	}
}

static int add_subnets(struct netset *ns, const struct policy_subnet *sn,
		       unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (netset_add(ns, sn[i].family == AF_INET ? 4 : 6,
			       sn[i].addr, sn[i].plen))
			return -1;
	netset_merge(ns);
	return 0;
}

static int zone_init(struct guard *g, struct guard_zone *gz,
		     const struct policy_zone *z, int index, uint32_t watch_cap)
{
	const struct policy_zone_sip *s = &z->sip;
	struct authwatch_cfg wc = {
		.window_ms = s->brute_force.window_ms,
		.src_failures = s->brute_force.count,
		.enum_users = s->enumeration.count,
		.user_failures = s->user_lock.count,
		.user_lock_ms = s->user_lock.for_ms,
		.sources = watch_cap,
		.users = watch_cap,
	};
	unsigned int i;

	memcpy(gz->name, z->name, sizeof(gz->name));
	gz->index = index;
	gz->sip = *s;
	rates_of(s->rate, &gz->rates);
	rates_of(s->trusted_rate, &gz->trusted_rates);
	gz->n_ifaces = z->n_ifaces;
	for (i = 0; i < z->n_ifaces; i++) {
		memcpy(gz->ifname[i], z->ifaces[i].name, sizeof(gz->ifname[i]));
		gz->ifindex[i] = g->ifindex_of ? g->ifindex_of(gz->ifname[i]) : 0;
	}
	netset_init(&gz->subnets, POLICY_ZONE_MAX_SUBNETS);
	netset_init(&gz->trusted, POLICY_ZONE_MAX_TRUSTED);
	gz->has_subnets = z->n_subnets > 0;
	if (add_subnets(&gz->subnets, z->subnets, z->n_subnets) ||
	    add_subnets(&gz->trusted, s->trusted, s->n_trusted))
		return -1;
	/*
	 * One window for the three detectors: the brute-force one, or the
	 * others' when it is off (authwatch counts them in one window).
	 */
	if (!wc.src_failures)
		wc.window_ms = s->enumeration.count ? s->enumeration.window_ms :
						      s->user_lock.window_ms;
	if (wc.window_ms < 1000)
		wc.window_ms = 60000;
	if (wc.src_failures || wc.enum_users || wc.user_failures) {
		gz->watch = authwatch_new(&wc, &g->key);
		if (!gz->watch)
			return -1;
	}
	/* registrations: shared accounts always, dormant ones if asked */
	gz->reg = regwatch_new(watch_cap, s->dormant_ms / 1000, &g->key);
	if (!gz->reg)
		return -1;
	return 0;
}

bool guard_needs_geo(const struct policy *pol)
{
	unsigned int i;

	for (i = 0; i < pol->n_zones; i++)
		if (pol->zones[i].sip.n_countries)
			return true;
	return false;
}

struct guard *guard_new(const struct policy *pol,
			const struct scanner_list *scanners,
			unsigned int (*ifindex_of)(const char *name),
			const struct guard_geo *geo,
			const struct siphash_key *key, char *err, size_t errlen)
{
	struct guard *g = calloc(1, sizeof(*g));
	unsigned int i, n = 0, pass, routed = 0;
	uint32_t watch_cap;

	if (!g)
		goto err_nomem;
	g->key = *key;
	g->ifindex_of = ifindex_of;
	if (geo)
		g->geo = *geo;
	for (i = 0; i < pol->n_zones; i++)
		if (pol->zones[i].n_ifaces || pol->zones[i].n_subnets)
			routed++;
	g->zones = calloc(routed ? routed : 1, sizeof(*g->zones));
	if (!g->zones)
		goto err_nomem;
	watch_cap = routed ? GUARD_WATCH_TOTAL / routed : GUARD_WATCH_MIN;
	if (watch_cap < GUARD_WATCH_MIN)
		watch_cap = GUARD_WATCH_MIN;
	/* the zones of subnets only first, as the compiled ACL classifies (a
	 * trunk's subnet behind the wan interface is the trunk), then those
	 * naming interfaces; zones of VLANs only are bridged: their SIP never
	 * comes to voipfwd */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < pol->n_zones; i++) {
			const struct policy_zone *z = &pol->zones[i];

			if (pass == 0 ? (z->n_ifaces || !z->n_subnets) : !z->n_ifaces)
				continue;
			if (zone_init(g, &g->zones[n++], z, (int)i, watch_cap)) {
				g->n_zones = n;
				snprintf(err, errlen, "zone '%s': out of memory", z->name);
				guard_free(g);
				return NULL;
			}
		}
	}
	g->n_zones = n;
	if (scanners) {
		g->scanners = malloc(sizeof(*g->scanners));
		if (!g->scanners)
			goto err_free;
		*g->scanners = *scanners;
	}
	g->limits = srclimit_new(GUARD_SOURCES, key);
	g->offenders = lrutab_new(GUARD_SOURCES, 17, sizeof(struct offender), key);
	g->creds = lrutab_new(GUARD_CREDS, sizeof(struct cred_key), 1, key);
	if (!g->limits || !g->offenders || !g->creds)
		goto err_free;
	return g;

err_free:
	guard_free(g);
err_nomem:
	snprintf(err, errlen, "out of memory");
	return NULL;
}

void guard_set_accounts(struct guard *g, struct acctdb *db,
			uint64_t (*wall_now)(void))
{
	unsigned int i;

	g->wall_now = wall_now;
	for (i = 0; i < g->n_zones; i++)
		if (g->zones[i].reg)
			regwatch_set_accounts(g->zones[i].reg, db);
}

void guard_free(struct guard *g)
{
	unsigned int i;

	if (!g)
		return;
	for (i = 0; i < g->n_zones; i++) {
		authwatch_free(g->zones[i].watch);
		regwatch_free(g->zones[i].reg);
		netset_release(&g->zones[i].subnets);
		netset_release(&g->zones[i].trusted);
	}
	free(g->zones);
	free(g->scanners);
	srclimit_free(g->limits);
	lrutab_free(g->offenders);
	lrutab_free(g->creds);
	free(g);
}

static bool zone_has(const struct guard_zone *gz, const struct guard_source *s)
{
	unsigned int i;

	if (gz->n_ifaces) {
		if (!s->ifindex)
			return false;
		for (i = 0; i < gz->n_ifaces; i++)
			if (gz->ifindex[i] == s->ifindex)
				break;
		if (i == gz->n_ifaces)
			return false;
	}
	return !gz->has_subnets || netset_contains(&gz->subnets, s->family, s->addr);
}

static struct guard_zone *zone_find(const struct guard *g,
				    const struct guard_source *s)
{
	unsigned int i;

	for (i = 0; i < g->n_zones; i++)
		if (zone_has(&g->zones[i], s))
			return &g->zones[i];
	return NULL;
}

int guard_zone_of(const struct guard *g, const struct guard_source *src)
{
	const struct guard_zone *gz = zone_find(g, src);

	return gz ? gz->index : -1;
}

void guard_normalize(const struct guard *g, const struct guard_source *from,
		     const struct guard_source *to, struct guard_norm *n)
{
	const struct guard_zone *src = zone_find(g, from), *dst;

	memset(n, 0, sizeof(*n));
	n->agent = "";
	if (src && src->sip.strip_identity &&
	    !netset_contains(&src->trusted, from->family, from->addr))
		n->strip_identity = true;
	dst = zone_find(g, to);
	/* "leaving through the zone": within one zone nothing leaves */
	if (dst && dst != src && dst->sip.hide_agent) {
		n->hide_agent = true;
		n->agent = dst->sip.agent;
	}
}

const char *guard_zone_name(const struct guard *g, int zone)
{
	unsigned int i;

	for (i = 0; i < g->n_zones; i++)
		if (g->zones[i].index == zone)
			return g->zones[i].name;
	return NULL;
}

static void src_key(uint8_t key[17], const struct guard_source *s)
{
	memset(key, 0, 17);
	key[0] = s->family == 6 ? 6 : 4;
	memcpy(key + 1, s->addr, key[0] == 6 ? 16 : 4);
}

/* Ban @s for @why: longer for a repeat offender, once while it lasts. */
static void ban(struct guard *g, const struct guard_zone *gz,
		const struct guard_source *s, enum guard_ban_why why,
		uint32_t now, struct guard_verdict *v)
{
	struct offender *o;
	uint8_t key[17];
	uint64_t ms;

	src_key(key, s);
	o = lrutab_get(g->offenders, key, now, true, NULL);
	if (o->banned && (int32_t)(o->banned_until - now) > 0)
		return;		/* banned already: its packets are in flight */
	if (o->bans && now - o->last_ban_ms > GUARD_REPEAT_MS)
		o->bans = 0;
	ms = (uint64_t)gz->sip.ban_ms << (o->bans < 16 ? o->bans : 16);
	if (ms > gz->sip.ban_max_ms)
		ms = gz->sip.ban_max_ms;
	o->bans++;
	o->banned = true;
	o->last_ban_ms = now;
	o->banned_until = now + (uint32_t)ms;
	v->ban = true;
	v->ban_ms = (uint32_t)ms;
	v->why = why;
	g->st.bans[why]++;
}

static void drop(struct guard *g, struct guard_verdict *v, enum guard_reason r)
{
	v->drop = true;
	v->reason = r;
	g->st.dropped[r]++;
}

static enum srclimit_class class_of(enum sip_method m)
{
	switch (m) {
	case SIP_METHOD_REGISTER:	return SRCLIMIT_REGISTER;
	case SIP_METHOD_INVITE:		return SRCLIMIT_INVITE;
	case SIP_METHOD_OPTIONS:	return SRCLIMIT_OPTIONS;
	default:			return SRCLIMIT_OTHER;
	}
}

static void cred_key_of(struct cred_key *k, const struct guard *g,
			const struct guard_source *s, const struct sip_msg *msg)
{
	memset(k, 0, sizeof(*k));
	k->family = s->family;
	memcpy(k->addr, s->addr, s->family == 6 ? 16 : 4);
	k->cseq = msg->cseq;
	k->call_id_hash = siphash(&g->key, msg->call_id.p, msg->call_id.len);
}

/* `countries allow|deny`: is @src's country let in? */
static bool country_ok(const struct guard *g, const struct policy_zone_sip *sip,
		       const struct guard_source *src)
{
	uint16_t cc = g->geo.country_of ?
		      g->geo.country_of(g->geo.arg, src->family, src->addr) :
		      POLICY_COUNTRY_UNKNOWN;
	unsigned int i;

	for (i = 0; i < sip->n_countries; i++)
		if (sip->countries[i] == cc)
			return sip->countries_allow;
	return !sip->countries_allow;
}

/* `domains`: does the Request-URI name one of the zone's hosts? */
static bool domain_ok(const struct policy_zone_sip *sip, const struct sip_msg *msg)
{
	const struct sip_host *h = &msg->ruri.host;
	unsigned int i;

	for (i = 0; i < sip->n_domains; i++) {
		const struct policy_domain *d = &sip->domains[i];

		if (d->family == AF_INET && h->type == SIP_HOST_IPV4 &&
		    !memcmp(d->addr, h->addr, 4))
			return true;
		if (d->family == AF_INET6 && h->type == SIP_HOST_IPV6 &&
		    !memcmp(d->addr, h->addr, 16))
			return true;
		if (!d->family && h->type == SIP_HOST_NAME &&
		    h->text.len == strlen(d->name) &&
		    !strncasecmp(h->text.p, d->name, h->text.len))
			return true;
	}
	return false;
}

/* `require`: does @msg carry every field the zone names? */
static bool required_present(const struct policy_zone_sip *sip,
			     const struct sip_msg *msg)
{
	unsigned int i, j;

	for (i = 0; i < sip->n_require; i++) {
		const struct policy_header *h = &sip->require[i];
		struct span name;

		/* sip_parse() classified the long and the compact form alike */
		if (h->id != SIP_HDR_OTHER && h->id < __SIP_HDR_MAX) {
			if (msg->first[h->id] < 0)
				return false;
			continue;
		}
		/* a field voipfw does not know: by its name, in any case */
		name = span_make(h->name, strlen(h->name));
		for (j = 0; j < msg->n_hdrs; j++)
			if (msg->hdrs[j].id == SIP_HDR_OTHER &&
			    span_eq_ci(msg->hdrs[j].name, name))
				break;
		if (j == msg->n_hdrs)
			return false;
	}
	return true;
}

/* `sweep`: one more request from @src to @src->dst; ban at the count */
static void sweep_count(struct guard *g, const struct guard_zone *gz,
			const struct guard_source *src, uint32_t now,
			struct guard_verdict *v)
{
	const struct policy_threshold *th = &gz->sip.sweep;
	struct offender *o;
	uint8_t key[17], dk[17];
	bool created;

	src_key(key, src);
	o = lrutab_get(g->offenders, key, now, true, &created);
	if (created || !o->sweep_win.start)
		window_init(&o->sweep_win, now);
	distinct_roll(&o->sweep, window_roll(&o->sweep_win, now, th->window_ms));
	memset(dk, 0, sizeof(dk));
	dk[0] = src->family;
	memcpy(dk + 1, src->dst, src->family == 6 ? 16 : 4);
	distinct_add(&o->sweep, siphash(&g->key, dk, sizeof(dk)));
	if (distinct_count(&o->sweep) >= th->count)
		ban(g, gz, src, GUARD_BAN_SWEEP, now, v);
}

void guard_request(struct guard *g, const struct guard_source *src,
		   const struct sip_msg *msg, size_t len, uint32_t now_ms,
		   struct guard_verdict *v)
{
	struct guard_zone *gz = zone_find(g, src);
	const struct policy_zone_sip *sip;
	bool trusted;

	memset(v, 0, sizeof(*v));
	v->zone = -1;
	if (!gz)
		return;
	v->zone = gz->index;
	sip = &gz->sip;
	g->st.judged++;
	trusted = netset_contains(&gz->trusted, src->family, src->addr);
	/* the kernel drops the zone's SIP on the sip ports before it is
	 * queued; what still comes here (SIP to the gateway itself, other
	 * ports) is plaintext all the same: trusted sources included */
	if (sip->tls_only) {
		drop(g, v, GUARD_R_PLAINTEXT_SIP);
		return;
	}
	if (len > sip->max_size) {
		drop(g, v, GUARD_R_TOO_LARGE);
		return;
	}
	if (sip->methods && !(sip->methods & 1u << msg->method)) {
		drop(g, v, GUARD_R_METHOD);
		return;
	}
	/* like size and method, these judge the message, not its sender:
	 * trusted sources' too */
	if (sip->max_headers && msg->n_hdrs > sip->max_headers) {
		drop(g, v, GUARD_R_TOO_MANY_HEADERS);
		return;
	}
	/* an absent Max-Forwards is -1: under any minimum */
	if (sip->max_forwards >= 0 && msg->max_forwards < sip->max_forwards) {
		drop(g, v, GUARD_R_MAX_FORWARDS);
		return;
	}
	if (sip->n_require && !required_present(sip, msg)) {
		drop(g, v, GUARD_R_MISSING_HEADER);
		return;
	}
	if (sip->n_domains && !trusted && !domain_ok(sip, msg)) {
		drop(g, v, GUARD_R_DOMAIN);
		return;
	}
	if (sip->sweep.count && !trusted) {
		sweep_count(g, gz, src, now_ms, v);
		if (v->ban) {
			/* swept: this request goes with the source */
			drop(g, v, GUARD_R_SWEEP);
			return;
		}
	}
	if (sip->n_countries && !trusted && !country_ok(g, sip, src)) {
		drop(g, v, GUARD_R_COUNTRY);
		return;
	}
	if (sip->scanners && !trusted && g->scanners && msg->user_agent.len &&
	    scanner_match(g->scanners, msg->user_agent.p, msg->user_agent.len) >= 0) {
		drop(g, v, GUARD_R_SCANNER);
		ban(g, gz, src, GUARD_BAN_SCANNER, now_ms, v);
		return;
	}
	if (msg->method == SIP_METHOD_REGISTER && !trusted && gz->watch &&
	    authwatch_user_locked(gz->watch, msg->to.uri.user.p,
				  msg->to.uri.user.len, now_ms)) {
		drop(g, v, GUARD_R_USER_LOCKED);
		return;
	}
	if (!srclimit_allow(g->limits, src->family, src->addr,
			    class_of(msg->method),
			    trusted ? &gz->trusted_rates : &gz->rates, now_ms)) {
		drop(g, v, GUARD_R_RATE_LIMIT);
		if (!trusted && sip->flood.count) {
			struct offender *o;
			uint8_t key[17];
			bool created;

			src_key(key, src);
			o = lrutab_get(g->offenders, key, now_ms, true, &created);
			if (created)
				window_init(&o->over, now_ms);
			window_roll(&o->over, now_ms, sip->flood.window_ms);
			o->over.cur++;
			if (window_count(&o->over, now_ms, sip->flood.window_ms) >=
			    sip->flood.count)
				ban(g, gz, src, GUARD_BAN_FLOOD, now_ms, v);
		}
		return;
	}
	if (msg->auth.present && gz->watch) {
		struct cred_key k;

		cred_key_of(&k, g, src, msg);
		lrutab_get(g->creds, &k, now_ms, true, NULL);
	}
}

/*
 * A registrar's 2xx to a REGISTER, going to the device that registered:
 * its binding lasts the first Contact's expires, else the Expires header,
 * else an hour (RFC 3261 10.2.1.1's default); no Contact: unregistered.
 */
static void registered(struct guard *g, const struct guard_zone *gz,
		       const struct guard_source *dst, const struct sip_msg *msg,
		       uint32_t now_ms, struct guard_verdict *v)
{
	int64_t exp = 0;
	uint64_t now_s;

	if (now_ms < g->last_ms && g->last_ms - now_ms > 0x80000000u)
		g->wraps++;
	g->last_ms = now_ms;
	now_s = ((g->wraps << 32) | now_ms) / 1000;
	if (msg->n_contact && !msg->contact[0].star)
		exp = msg->contact[0].expires >= 0 ? msg->contact[0].expires :
		      msg->expires >= 0 ? msg->expires : 3600;
	if (exp > 0xffffffffLL)
		exp = 0xffffffffLL;
	v->reg_events = regwatch_registered(gz->reg, msg->to.uri.user.p,
					    msg->to.uri.user.len, dst->family,
					    dst->addr, (uint32_t)exp, now_s,
					    g->wall_now ? g->wall_now() :
					    (uint64_t)time(NULL),
					    v->reg_other, &v->reg_other_fam);
	if (v->reg_events & REGWATCH_SHARED)
		g->st.accounts_shared++;
	if (v->reg_events & REGWATCH_WOKE)
		g->st.accounts_woke++;
}

void guard_answer(struct guard *g, const struct guard_source *dst,
		  const struct sip_msg *msg, uint32_t now_ms,
		  struct guard_verdict *v)
{
	struct guard_zone *gz = zone_find(g, dst);
	bool trusted, creds = false;
	unsigned int ev;
	void *c;

	memset(v, 0, sizeof(*v));
	v->zone = -1;
	if (!gz)
		return;
	v->zone = gz->index;
	if (msg->status >= 200 && msg->status < 300 &&
	    msg->cseq_method == SIP_METHOD_REGISTER)
		registered(g, gz, dst, msg, now_ms, v);
	if (!gz->watch || (msg->status != 401 && msg->status != 403 &&
			   msg->status != 404 && msg->status != 407))
		return;
	trusted = netset_contains(&gz->trusted, dst->family, dst->addr);
	if (msg->status == 401 || msg->status == 407) {
		struct cred_key k;

		cred_key_of(&k, g, dst, msg);
		c = lrutab_peek(g->creds, &k);
		if (c) {
			creds = true;
			lrutab_remove(g->creds, c);
		}
	}
	ev = authwatch_answer(gz->watch, dst->family, dst->addr,
			      msg->to.uri.user.p, msg->to.uri.user.len,
			      msg->status, creds, trusted, now_ms);
	if (ev & AUTHWATCH_USER_LOCKED) {
		v->user_locked = true;
		g->st.user_locks++;
	}
	if (trusted)
		return;
	if (ev & AUTHWATCH_BRUTE_FORCE)
		ban(g, gz, dst, GUARD_BAN_BRUTE_FORCE, now_ms, v);
	else if (ev & AUTHWATCH_ENUMERATION)
		ban(g, gz, dst, GUARD_BAN_ENUMERATION, now_ms, v);
}

/* The offender record of @addr, if the guard keeps one. */
static struct offender *offender_of(struct guard *g, int family,
				    const uint8_t *addr)
{
	struct guard_source s = { .family = (uint8_t)family };
	uint8_t key[17];

	memcpy(s.addr, addr, family == 6 ? 16 : 4);
	src_key(key, &s);
	return lrutab_peek(g->offenders, key);
}

void guard_unbanned(struct guard *g, int family, const uint8_t *addr)
{
	struct offender *o = offender_of(g, family, addr);

	if (o)
		o->banned = false;	/* o->bans stays: the repeat counts */
}

void guard_ban_failed(struct guard *g, int family, const uint8_t *addr)
{
	struct offender *o = offender_of(g, family, addr);

	if (o && o->banned) {
		o->banned = false;
		if (o->bans)
			o->bans--;
	}
}

/* Does @name (an encoding name from the SDP) stand in the zone's list? */
static bool codec_allowed(const struct policy_zone_sip *sip, struct span name)
{
	unsigned int i;

	for (i = 0; i < sip->n_codecs; i++)
		if (span_eq_ci_str(name, sip->codecs[i], strlen(sip->codecs[i])))
			return true;
	return false;
}

/* Active audio in @sdp, and none of it in a codec of the list? */
static bool codecs_refused(const struct policy_zone_sip *sip,
			   const struct sdp *sdp)
{
	bool audio = false;
	struct span fmt, name;
	unsigned int i;
	size_t pos;

	for (i = 0; i < sdp->n_media; i++) {
		const struct sdp_media *m = &sdp->media[i];

		if (!m->port || !span_is(m->type, "audio"))
			continue;
		audio = true;
		for (pos = 0; sdp_fmt_next(m, &pos, &fmt);)
			if (sdp_codec(m, fmt, &name) && codec_allowed(sip, name))
				return false;
	}
	return audio;
}

void guard_sdp(struct guard *g, const struct guard_source *src,
	       const struct sdp *sdp, struct guard_verdict *v)
{
	struct guard_zone *gz = zone_find(g, src);

	if (!gz || v->drop)
		return;
	if (gz->sip.srtp_only && !compliance_sdp_is_srtp(sdp)) {
		drop(g, v, GUARD_R_PLAIN_RTP);
		return;
	}
	if (gz->sip.n_codecs && codecs_refused(&gz->sip, sdp))
		drop(g, v, GUARD_R_CODEC);
}

void guard_tick(struct guard *g, uint32_t now_ms)
{
	unsigned int i, j;

	unsigned int k = 0, first = g->resolve_next, looked = 0;

	for (i = 0; i < g->n_zones; i++) {
		struct guard_zone *gz = &g->zones[i];

		for (j = 0; j < gz->n_ifaces && g->ifindex_of; j++, k++) {
			bool due = k >= first && looked < GUARD_RESOLVE_PER_TICK;

			if (!gz->ifindex[j] || due) {
				gz->ifindex[j] = g->ifindex_of(gz->ifname[j]);
				looked += due;
			}
		}
		if (gz->watch)
			authwatch_expire(gz->watch, now_ms);
	}
	g->resolve_next = first + looked < k ? first + looked : 0;
	srclimit_expire(g->limits, now_ms, GUARD_LIMIT_IDLE_MS);
	lrutab_expire(g->offenders, now_ms, GUARD_REPEAT_MS);
	lrutab_expire(g->creds, now_ms, GUARD_CREDS_IDLE_MS);
}

void guard_get_stats(const struct guard *g, struct guard_stats *st)
{
	*st = g->st;
}
