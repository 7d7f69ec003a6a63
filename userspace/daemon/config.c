// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config.c - voipfwd.conf: one "key value" per line, '#' comments.
 * Keys are listed in one table with their parser and help (ulogd's
 * config_keyset, HAProxy's cfg_kw_list); errors name file, line, column.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "geoip/geoip.h"

typedef int (*config_parse_fn)(struct voipfwd_config *cfg, const char *v,
			       char *err, size_t errlen, int *col);

/* "N" within [min, max] */
static int parse_uint(const char *v, unsigned long min, unsigned long max,
		      unsigned long *out, char *err, size_t errlen, int *col)
{
	char *end;
	unsigned long n;

	errno = 0;
	if (!isdigit((unsigned char)v[0]))
		goto bad;
	n = strtoul(v, &end, 0);
	if (errno || *end) {
		*col = (int)(end - v);
		goto bad;
	}
	if (n < min || n > max) {
		snprintf(err, errlen, "%lu is out of range %lu-%lu", n, min, max);
		return -1;
	}
	*out = n;
	return 0;
bad:
	snprintf(err, errlen, "'%s' is not a number", v);
	return -1;
}

/* "N" or "N-M" */
static int parse_range(const char *v, unsigned long max, unsigned long *lo,
		       unsigned long *hi, char *err, size_t errlen, int *col)
{
	char buf[32];
	const char *dash = strchr(v, '-');

	if (!dash) {
		if (parse_uint(v, 0, max, lo, err, errlen, col))
			return -1;
		*hi = *lo;
		return 0;
	}
	if ((size_t)(dash - v) >= sizeof(buf)) {
		snprintf(err, errlen, "'%s' is not N or N-M", v);
		return -1;
	}
	memcpy(buf, v, (size_t)(dash - v));
	buf[dash - v] = '\0';
	if (parse_uint(buf, 0, max, lo, err, errlen, col))
		return -1;
	if (parse_uint(dash + 1, 0, max, hi, err, errlen, col)) {
		*col += (int)(dash + 1 - v);
		return -1;
	}
	if (*hi < *lo) {
		snprintf(err, errlen, "range %lu-%lu is backwards", *lo, *hi);
		return -1;
	}
	return 0;
}

static int kw_queue(struct voipfwd_config *c, const char *v, char *err,
		    size_t errlen, int *col)
{
	unsigned long lo, hi;

	if (parse_range(v, 65535, &lo, &hi, err, errlen, col))
		return -1;
	if (hi - lo >= 64) {
		snprintf(err, errlen, "at most 64 queues");
		return -1;
	}
	c->table.queue_first = (uint16_t)lo;
	c->table.queue_last = (uint16_t)hi;
	return 0;
}

static int kw_sip_ports(struct voipfwd_config *c, const char *v, char *err,
			size_t errlen, int *col)
{
	struct nfttab_config t = c->table;
	const char *p = v;

	t.n_sip_ports = 0;
	while (*p) {
		char buf[16];
		size_t n = strcspn(p, ", ");
		unsigned long port;

		if (!n || n >= sizeof(buf)) {
			*col = (int)(p - v);
			snprintf(err, errlen, "expected a port list like 5060,5080");
			return -1;
		}
		if (t.n_sip_ports >= NFTTAB_MAX_SIP_PORTS) {
			*col = (int)(p - v);
			snprintf(err, errlen, "at most %d SIP ports",
				 NFTTAB_MAX_SIP_PORTS);
			return -1;
		}
		memcpy(buf, p, n);
		buf[n] = '\0';
		if (parse_uint(buf, 1, 65535, &port, err, errlen, col)) {
			*col += (int)(p - v);
			return -1;
		}
		t.sip_ports[t.n_sip_ports++] = (uint16_t)port;
		p += n;
		p += strspn(p, ", ");
	}
	c->table = t;
	return 0;
}

static int kw_fail_mode(struct voipfwd_config *c, const char *v, char *err,
			size_t errlen, int *col)
{
	(void)col;
	if (!strcmp(v, "open") || !strcmp(v, "closed")) {
		c->table.fail_open = c->engine.fail_open = !strcmp(v, "open");
		return 0;
	}
	snprintf(err, errlen, "'%s': expected open or closed", v);
	return -1;
}

static int kw_policy(struct voipfwd_config *c, const char *v, char *err,
		     size_t errlen, int *col)
{
	(void)col;
	if (sip_strictness_parse(v, &c->engine.strictness) == 0)
		return 0;
	snprintf(err, errlen, "'%s': expected default or strict", v);
	return -1;
}

static int kw_match(struct voipfwd_config *c, const char *v, char *err,
		    size_t errlen, int *col)
{
	(void)col;
	if (!strcmp(v, "dst"))
		c->engine.match = PINHOLE_MATCH_DST;
	else if (!strcmp(v, "dst+peer"))
		c->engine.match = PINHOLE_MATCH_DST_PEER;
	else {
		snprintf(err, errlen, "'%s': expected dst or dst+peer", v);
		return -1;
	}
	return 0;
}

static int kw_queue_path(struct voipfwd_config *c, const char *v, char *err,
			 size_t errlen, int *col)
{
	(void)col;
	if (!strcmp(v, "auto"))
		c->table.queue_path = NFTTAB_QUEUE_AUTO;
	else if (!strcmp(v, "native"))
		c->table.queue_path = NFTTAB_QUEUE_NATIVE;
	else if (!strcmp(v, "xt"))
		c->table.queue_path = NFTTAB_QUEUE_XT;
	else {
		snprintf(err, errlen, "'%s': expected auto, native or xt", v);
		return -1;
	}
	return 0;
}

static int kw_pinhole_timeout(struct voipfwd_config *c, const char *v,
			      char *err, size_t errlen, int *col)
{
	unsigned long n;

	if (parse_uint(v, 5, 86400, &n, err, errlen, col))
		return -1;
	c->engine.pinhole_timeout_s = c->table.pinhole_timeout_s = (uint32_t)n;
	return 0;
}

static int kw_trying_timeout(struct voipfwd_config *c, const char *v,
			     char *err, size_t errlen, int *col)
{
	unsigned long n;

	if (parse_uint(v, 5, 86400, &n, err, errlen, col))
		return -1;
	c->engine.trying_timeout_s = (uint32_t)n;
	return 0;
}

static int kw_media_ports(struct voipfwd_config *c, const char *v, char *err,
			  size_t errlen, int *col)
{
	unsigned long lo, hi;

	if (!strcmp(v, "none")) {
		c->table.media_port_min = c->table.media_port_max = 0;
		return 0;
	}
	if (parse_range(v, 65535, &lo, &hi, err, errlen, col))
		return -1;
	if (!lo) {
		snprintf(err, errlen, "port 0 is not a media port");
		return -1;
	}
	c->table.media_port_min = (uint16_t)lo;
	c->table.media_port_max = (uint16_t)hi;
	return 0;
}

static int kw_media_mark(struct voipfwd_config *c, const char *v, char *err,
			 size_t errlen, int *col)
{
	unsigned long n;

	if (parse_uint(v, 0, 0xffffffffUL, &n, err, errlen, col))
		return -1;
	c->table.media_mark = (uint32_t)n;
	return 0;
}

/* "off", "N" (burst 2N) or "N/BURST": packets per second per source */
static int kw_sip_meter(struct voipfwd_config *c, const char *v, char *err,
			size_t errlen, int *col)
{
	unsigned long rate, burst;
	char num[24];
	const char *slash = strchr(v, '/');
	size_t n = slash ? (size_t)(slash - v) : strlen(v);

	if (!strcmp(v, "off")) {
		c->table.sip_meter_rate = c->table.sip_meter_burst = 0;
		return 0;
	}
	if (n >= sizeof(num)) {
		snprintf(err, errlen, "'%s': expected off, RATE or RATE/BURST", v);
		return -1;
	}
	memcpy(num, v, n);
	num[n] = '\0';
	if (parse_uint(num, 1, 1000000, &rate, err, errlen, col))
		return -1;
	burst = 2 * rate;
	if (slash) {
		if (parse_uint(slash + 1, 1, 1000000, &burst, err, errlen, col)) {
			*col += (int)(n + 1);
			return -1;
		}
	}
	c->table.sip_meter_rate = (uint32_t)rate;
	c->table.sip_meter_burst = (uint32_t)burst;
	return 0;
}

static int kw_priority(struct voipfwd_config *c, const char *v, char *err,
		       size_t errlen, int *col)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || end == v || n < -1000 || n > 1000) {
		*col = (int)(end - v);
		snprintf(err, errlen, "'%s': expected a priority -1000..1000", v);
		return -1;
	}
	c->table.priority = (int32_t)n;
	return 0;
}

#define KW_UINT(fn, field, lo, hi)					\
static int fn(struct voipfwd_config *c, const char *v, char *err,	\
	      size_t errlen, int *col)					\
{									\
	unsigned long n;						\
									\
	if (parse_uint(v, lo, hi, &n, err, errlen, col))		\
		return -1;						\
	c->field = (unsigned int)n;					\
	return 0;							\
}
KW_UINT(kw_max_dialogs, engine.max_dialogs, 1, 1u << 24)
KW_UINT(kw_max_dialogs_src, engine.max_dialogs_per_source, 1, 1u << 24)
KW_UINT(kw_max_pinholes, engine.max_pinholes, 1, 1u << 26)
KW_UINT(kw_max_pinholes_src, engine.max_pinholes_per_source, 1, 1u << 26)

static int kw_string(char *dst, size_t size, const char *v, char *err,
		     size_t errlen)
{
	if (strlen(v) >= size) {
		snprintf(err, errlen, "longer than %zu characters", size - 1);
		return -1;
	}
	strcpy(dst, v);
	return 0;
}

static int kw_socket(struct voipfwd_config *c, const char *v, char *err,
		     size_t errlen, int *col)
{
	(void)col;
	if (v[0] != '/') {
		snprintf(err, errlen, "'%s': expected an absolute path", v);
		return -1;
	}
	return kw_string(c->socket_path, sizeof(c->socket_path), v, err, errlen);
}

static int kw_socket_group(struct voipfwd_config *c, const char *v, char *err,
			   size_t errlen, int *col)
{
	(void)col;
	return kw_string(c->socket_group, sizeof(c->socket_group), v, err,
			 errlen);
}

static int kw_admin_group(struct voipfwd_config *c, const char *v, char *err,
			  size_t errlen, int *col)
{
	(void)col;
	return kw_string(c->admin_group, sizeof(c->admin_group), v, err,
			 errlen);
}

static int kw_abs_path(char *dst, size_t size, const char *v, char *err,
		       size_t errlen)
{
	if (v[0] != '/') {
		snprintf(err, errlen, "'%s': expected an absolute path", v);
		return -1;
	}
	return kw_string(dst, size, v, err, errlen);
}

static int kw_voipfwctl(struct voipfwd_config *c, const char *v, char *err,
			size_t errlen, int *col)
{
	(void)col;
	return kw_abs_path(c->voipfwctl, sizeof(c->voipfwctl), v, err, errlen);
}

static int kw_state_dir(struct voipfwd_config *c, const char *v, char *err,
			size_t errlen, int *col)
{
	(void)col;
	return kw_abs_path(c->state_dir, sizeof(c->state_dir), v, err, errlen);
}

static int kw_zone_policy(struct voipfwd_config *c, const char *v, char *err,
			  size_t errlen, int *col)
{
	(void)col;
	if (!strcmp(v, "none"))
		return kw_string(c->zone_policy, sizeof(c->zone_policy), v, err,
				 errlen);
	return kw_abs_path(c->zone_policy, sizeof(c->zone_policy), v, err, errlen);
}

static int kw_scanners(struct voipfwd_config *c, const char *v, char *err,
		       size_t errlen, int *col)
{
	(void)col;
	return kw_abs_path(c->scanners, sizeof(c->scanners), v, err, errlen);
}

static int kw_geoip(struct voipfwd_config *c, const char *v, char *err,
		    size_t errlen, int *col)
{
	(void)col;
	return kw_abs_path(c->geoip, sizeof(c->geoip), v, err, errlen);
}

/* repeatable: each line one more file; "none" forgets those before */
static int kw_blocklist(struct voipfwd_config *c, const char *v, char *err,
			size_t errlen, int *col)
{
	(void)col;
	if (!strcmp(v, "none")) {
		c->n_blocklists = 0;
		return 0;
	}
	if (c->n_blocklists >= VOIPFWD_BLOCKLISTS_MAX) {
		snprintf(err, errlen, "at most %d block lists",
			 VOIPFWD_BLOCKLISTS_MAX);
		return -1;
	}
	if (kw_abs_path(c->blocklists[c->n_blocklists],
			sizeof(c->blocklists[0]), v, err, errlen))
		return -1;
	c->n_blocklists++;
	return 0;
}

KW_UINT(kw_blocklist_refresh, blocklist_refresh_s, 0, 7 * 86400)

static int kw_geo_block(struct voipfwd_config *c, const char *v, char *err,
			size_t errlen, int *col)
{
	int n;

	(void)col;
	if (!strcmp(v, "none")) {
		c->n_geo_block = 0;
		return 0;
	}
	n = geoip_cc_list_parse(v, c->geo_block, VOIPFWD_GEO_BLOCK_MAX, err,
				errlen);
	if (n < 0)
		return -1;
	c->n_geo_block = (unsigned int)n;
	return 0;
}

static int kw_toll_classes(struct voipfwd_config *c, const char *v, char *err,
			   size_t errlen, int *col)
{
	(void)col;
	if (!strcmp(v, "none"))
		return kw_string(c->toll_classes, sizeof(c->toll_classes), v,
				 err, errlen);
	return kw_abs_path(c->toll_classes, sizeof(c->toll_classes), v, err,
			   errlen);
}

bool config_zone_policy_path(const struct voipfwd_config *cfg, char *buf,
			     size_t size)
{
	if (!strcmp(cfg->zone_policy, "none"))
		return false;
	if (cfg->zone_policy[0])
		snprintf(buf, size, "%s", cfg->zone_policy);
	else
		snprintf(buf, size, "%s/applied.conf", cfg->state_dir);
	return true;
}

/* Every setting, in the order voipfwd.conf(5) documents them. */
/*
 * kernel-limits off | CLASS=RATE/BURST[,CLASS=RATE/BURST]...: RATE requests
 * per second (0-10000), BURST 0-4000; classes not named keep theirs.
 */
static int kw_kernel_limits(struct voipfwd_config *c, const char *v, char *err,
			    size_t errlen, int *col)
{
	struct srclimit_rates r = c->kernel_limits;
	const char *p = v;

	if (!strcmp(v, "off")) {
		c->kernel_limits.unlimited = true;
		return 0;
	}
	r.unlimited = false;
	while (*p) {
		const char *eq = strchr(p, '='), *end = strchr(p, ',');
		unsigned long rate, burst;
		char num[24], name[16];
		const char *slash;
		size_t n;
		int cls;

		if (!end)
			end = p + strlen(p);
		slash = memchr(p, '/', (size_t)(end - p));
		if (!eq || eq > end || !slash || slash < eq ||
		    (size_t)(eq - p) >= sizeof(name) ||
		    (size_t)(slash - eq - 1) >= sizeof(num) ||
		    (size_t)(end - slash - 1) >= sizeof(num)) {
			*col = (int)(p - v);
			snprintf(err, errlen, "expected off or CLASS=RATE/BURST,...");
			return -1;
		}
		memcpy(name, p, (size_t)(eq - p));
		name[eq - p] = '\0';
		for (cls = 0; cls < __SRCLIMIT_CLASS_MAX; cls++)
			if (!strcmp(name, srclimit_class_name(cls)))
				break;
		if (cls == __SRCLIMIT_CLASS_MAX) {
			*col = (int)(p - v);
			snprintf(err, errlen, "'%s': classes are register, invite, options, other", name);
			return -1;
		}
		n = (size_t)(slash - eq - 1);
		memcpy(num, eq + 1, n);
		num[n] = '\0';
		if (parse_uint(num, 0, SRCLIMIT_RATE_MAX / 1000, &rate, err, errlen, col)) {
			*col += (int)(eq + 1 - v);
			return -1;
		}
		n = (size_t)(end - slash - 1);
		memcpy(num, slash + 1, n);
		num[n] = '\0';
		if (parse_uint(num, 0, SRCLIMIT_BURST_MAX, &burst, err, errlen, col)) {
			*col += (int)(slash + 1 - v);
			return -1;
		}
		r.cls[cls].milli_per_sec = (uint32_t)rate * 1000;
		r.cls[cls].burst = (uint32_t)burst;
		p = *end ? end + 1 : end;
	}
	c->kernel_limits = r;
	return 0;
}

static const struct config_kw {
	const char	*name;
	config_parse_fn	parse;
	const char	*help;
} config_kws[] = {
	{ "queue",		kw_queue,	"NFQUEUE number or range N-M (one thread each)" },
	{ "sip-ports",		kw_sip_ports,	"SIP ports, comma separated (UDP and TCP)" },
	{ "fail-mode",		kw_fail_mode,	"open or closed: what SIP does when voipfwd is gone" },
	{ "policy",		kw_policy,	"SIP parse policy: default or strict" },
	{ "pinhole-match",	kw_match,	"dst or dst+peer" },
	{ "pinhole-timeout",	kw_pinhole_timeout, "seconds media may pause before its pinhole closes" },
	{ "trying-timeout",	kw_trying_timeout, "seconds an unanswered INVITE is followed" },
	{ "media-ports",	kw_media_ports,	"UDP port range only pinholes open (MIN-MAX or none)" },
	{ "media-mark",		kw_media_mark,	"packet mark OR-ed onto pinholed media (0: none)" },
	{ "sip-meter",		kw_sip_meter,	"packets/s one source may send to the SIP ports, in the kernel: RATE[/BURST] or off" },
	{ "max-dialogs",	kw_max_dialogs,	"calls followed at once" },
	{ "max-dialogs-per-source", kw_max_dialogs_src, "calls one source address may have" },
	{ "max-pinholes",	kw_max_pinholes, "pinholes installed at once" },
	{ "max-pinholes-per-source", kw_max_pinholes_src, "pinholes the calls of one source address may hold" },
	{ "queue-path",		kw_queue_path,	"auto, native (nft queue) or xt (NFQUEUE via nft_compat)" },
	{ "priority",		kw_priority,	"priority of voipfw's base chains" },
	{ "control-socket",	kw_socket,	"path of the control socket" },
	{ "control-group",	kw_socket_group, "group allowed read-only commands (empty: root only)" },
	{ "admin-group",	kw_admin_group,	"group also allowed the commands that change things (ban, unban, kill-call, apply, rollback, confirm)" },
	{ "voipfwctl",		kw_voipfwctl,	"the voipfwctl that runs apply, rollback and confirm for admin-group" },
	{ "state-dir",		kw_state_dir,	"voipfwctl's state directory for those (its --state-dir)" },
	{ "zone-policy",	kw_zone_policy,	"voipfw.conf whose zone sip blocks voipfwd enforces (default: STATE-DIR/applied.conf; none: no SIP policy)" },
	{ "scanners",		kw_scanners,	"scanner User-Agent list (default /etc/voipfw/scanners.list)" },
	{ "geoip",		kw_geoip,	"country database (MaxMind DB) for zones' countries (default /var/lib/voipfw/country.mmdb)" },
	{ "blocklist",		kw_blocklist,	"block list file (plain CIDR, Spamhaus DROP, APIBAN JSON) whose sources the kernel drops; repeat for more (none: forget those before)" },
	{ "blocklist-refresh",	kw_blocklist_refresh, "seconds between readings of the block lists (0: at start and on SIGHUP only)" },
	{ "geo-block",		kw_geo_block,	"countries whose every source the kernel drops, CC[,CC...] (none: no country), from the geoip database" },
	{ "toll-classes",	kw_toll_classes, "toll class file, voipfw-toll.conf(5) (default /etc/voipfw/toll-classes.list; none: no toll-fraud checks)" },
	{ "kernel-limits",	kw_kernel_limits, "per source and class in the kernel module voipfw.ko: CLASS=RATE/BURST,... (per second) or off" },
};

void config_defaults(struct voipfwd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	engine_config_defaults(&cfg->engine);
	cfg->table.sip_ports[0] = 5060;
	cfg->table.n_sip_ports = 1;
	cfg->table.queue_first = cfg->table.queue_last = 0;
	/* fail-closed by default: a firewall that silently stops inspecting
	 * is worse than a visible outage of new calls (media in progress
	 * keeps flowing either way: it never goes through the queue) */
	cfg->table.fail_open = false;
	cfg->table.queue_path = NFTTAB_QUEUE_AUTO;
	cfg->table.media_port_min = 10000;
	cfg->table.media_port_max = 20000;
	cfg->table.pinhole_timeout_s = cfg->engine.pinhole_timeout_s;
	cfg->table.media_mark = 0;
	/* far above any SIP device's rate (the zones' limits do the fine
	 * work in voipfwd): caps a raw flood before it costs a queue trip */
	cfg->table.sip_meter_rate = 500;
	cfg->table.sip_meter_burst = 1000;
	cfg->table.priority = 0;
	snprintf(cfg->socket_path, sizeof(cfg->socket_path), "%s",
		 VOIPFWD_SOCKET_DEFAULT);
	snprintf(cfg->voipfwctl, sizeof(cfg->voipfwctl), "%s",
		 VOIPFWD_VOIPFWCTL_DEFAULT);
	snprintf(cfg->state_dir, sizeof(cfg->state_dir), "%s",
		 VOIPFWD_STATE_DIR_DEFAULT);
	snprintf(cfg->scanners, sizeof(cfg->scanners), "%s",
		 VOIPFWD_SCANNERS_DEFAULT);
	snprintf(cfg->geoip, sizeof(cfg->geoip), "%s", VOIPFWD_GEOIP_DEFAULT);
	snprintf(cfg->toll_classes, sizeof(cfg->toll_classes), "%s",
		 VOIPFWD_TOLL_DEFAULT);
	/* the kernel module's first cut: four times the zones' default
	 * limits (voipfw.conf(5)), which voipfwd still applies after it */
	cfg->kernel_limits.cls[SRCLIMIT_REGISTER] = (struct srclimit_rate){ 8000, 80 };
	cfg->kernel_limits.cls[SRCLIMIT_INVITE] = (struct srclimit_rate){ 8000, 40 };
	cfg->kernel_limits.cls[SRCLIMIT_OPTIONS] = (struct srclimit_rate){ 8000, 40 };
	cfg->kernel_limits.cls[SRCLIMIT_OTHER] = (struct srclimit_rate){ 80000, 400 };
}

int config_set(struct voipfwd_config *cfg, const char *key, const char *value,
	       char *err, size_t errlen, int *col)
{
	unsigned int i;

	*col = 0;
	for (i = 0; i < sizeof(config_kws) / sizeof(config_kws[0]); i++)
		if (!strcmp(key, config_kws[i].name))
			return config_kws[i].parse(cfg, value, err, errlen, col);
	snprintf(err, errlen, "unknown setting '%s'", key);
	*col = -1;
	return -1;
}

int config_check(const struct voipfwd_config *cfg, char *err, size_t errlen)
{
	unsigned int i;

	for (i = 0; i < cfg->table.n_sip_ports; i++)
		if (cfg->table.media_port_min &&
		    cfg->table.sip_ports[i] >= cfg->table.media_port_min &&
		    cfg->table.sip_ports[i] <= cfg->table.media_port_max) {
			snprintf(err, errlen,
				 "sip port %u lies inside media-ports %u-%u",
				 cfg->table.sip_ports[i], cfg->table.media_port_min,
				 cfg->table.media_port_max);
			return -1;
		}
	if (cfg->engine.max_dialogs_per_source > cfg->engine.max_dialogs) {
		snprintf(err, errlen,
			 "max-dialogs-per-source exceeds max-dialogs");
		return -1;
	}
	return 0;
}

int config_load(struct voipfwd_config *cfg, const char *path, char *err,
		size_t errlen)
{
	struct voipfwd_config next = *cfg;
	char line[512], msg[256];
	unsigned int lineno = 0;
	FILE *f = fopen(path, "r");
	int rc = -1;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *key, *value, *end;
		int col;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "%s:%u:1: line too long", path,
				 lineno);
			goto out;
		}
		line[strcspn(line, "#\r\n")] = '\0';
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			continue;
		key = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = '\0';
		while (isspace((unsigned char)*p))
			p++;
		value = p;
		end = value + strlen(value);
		while (end > value && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (!*value) {
			snprintf(err, errlen, "%s:%u:%d: '%s' needs a value",
				 path, lineno, (int)(key - line) + 1, key);
			goto out;
		}
		if (config_set(&next, key, value, msg, sizeof(msg), &col)) {
			int c = col < 0 ? (int)(key - line) + 1
					: (int)(value - line) + col + 1;

			snprintf(err, errlen, "%s:%u:%d: %s", path, lineno, c,
				 msg);
			goto out;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto out;
	}
	if (config_check(&next, msg, sizeof(msg))) {
		snprintf(err, errlen, "%s: %s", path, msg);
		goto out;
	}
	*cfg = next;
	rc = 0;
out:
	fclose(f);
	return rc;
}

bool config_is_sip_port(const struct voipfwd_config *cfg, uint16_t port)
{
	unsigned int i;

	for (i = 0; i < cfg->table.n_sip_ports; i++)
		if (cfg->table.sip_ports[i] == port)
			return true;
	return false;
}

void config_print(const struct voipfwd_config *c, FILE *out)
{
	unsigned int i;

	fprintf(out, "queue %u-%u\nsip-ports ", c->table.queue_first,
		c->table.queue_last);
	for (i = 0; i < c->table.n_sip_ports; i++)
		fprintf(out, "%s%u", i ? "," : "", c->table.sip_ports[i]);
	fprintf(out, "\nfail-mode %s\npolicy %s\npinhole-match %s\n"
		"pinhole-timeout %u\ntrying-timeout %u\n",
		c->table.fail_open ? "open" : "closed",
		sip_strictness_str(c->engine.strictness),
		c->engine.match == PINHOLE_MATCH_DST ? "dst" : "dst+peer",
		c->engine.pinhole_timeout_s, c->engine.trying_timeout_s);
	if (c->table.media_port_min)
		fprintf(out, "media-ports %u-%u\n", c->table.media_port_min,
			c->table.media_port_max);
	else
		fprintf(out, "media-ports none\n");
	if (c->table.sip_meter_rate)
		fprintf(out, "sip-meter %u/%u\n", c->table.sip_meter_rate,
			c->table.sip_meter_burst);
	else
		fprintf(out, "sip-meter off\n");
	fprintf(out, "media-mark 0x%x\nmax-dialogs %u\nmax-dialogs-per-source %u\n"
		"max-pinholes %u\nmax-pinholes-per-source %u\nqueue-path %s\n"
		"priority %d\ncontrol-socket %s\n",
		c->table.media_mark, c->engine.max_dialogs,
		c->engine.max_dialogs_per_source, c->engine.max_pinholes,
		c->engine.max_pinholes_per_source,
		c->table.queue_path == NFTTAB_QUEUE_NATIVE ? "native" :
		c->table.queue_path == NFTTAB_QUEUE_XT ? "xt" : "auto",
		c->table.priority, c->socket_path);
	if (c->socket_group[0])
		fprintf(out, "control-group %s\n", c->socket_group);
	if (c->admin_group[0])
		fprintf(out, "admin-group %s\n", c->admin_group);
	fprintf(out, "voipfwctl %s\nstate-dir %s\n", c->voipfwctl, c->state_dir);
	{
		char zp[300];

		fprintf(out, "zone-policy %s\nscanners %s\ngeoip %s\n",
			config_zone_policy_path(c, zp, sizeof(zp)) ? zp : "none",
			c->scanners, c->geoip);
	}
	for (i = 0; i < c->n_blocklists; i++)
		fprintf(out, "blocklist %s\n", c->blocklists[i]);
	fprintf(out, "blocklist-refresh %u\ngeo-block ", c->blocklist_refresh_s);
	for (i = 0; i < c->n_geo_block; i++) {
		char cc[3];

		fprintf(out, "%s%s", i ? "," : "", geoip_cc_str(c->geo_block[i], cc));
	}
	fprintf(out, "%s\n", c->n_geo_block ? "" : "none");
	fprintf(out, "toll-classes %s\n", c->toll_classes);
	if (c->kernel_limits.unlimited) {
		fprintf(out, "kernel-limits off\n");
	} else {
		fprintf(out, "kernel-limits ");
		for (i = 0; i < __SRCLIMIT_CLASS_MAX; i++)
			fprintf(out, "%s%s=%u/%u", i ? "," : "", srclimit_class_name(i),
				c->kernel_limits.cls[i].milli_per_sec / 1000,
				c->kernel_limits.cls[i].burst);
		fprintf(out, "\n");
	}
}
