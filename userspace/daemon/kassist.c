// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kassist.c - voipfwd's side of voipfw.ko (see kassist.h).
 *
 * What the module is told: the sip-ports (its first VOIPFW_PORTS_MAX),
 * kernel-limits per source and class, overflow buckets of ten times those
 * (shared by sources the module's table has no room for), idle 60 s, and
 * the scanner list's patterns.  kernel-limits off leaves the module
 * loaded but disabled (it passes everything: fail-open).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "detect/scanner.h"
#include "policy/policy.h"
#include "fileid.h"
#include "kassist.h"
#include "kmod/vfkmod.h"
#include "voipfwd.h"

#define KASSIST_RETRY_MS	30000
#define KASSIST_IDLE_MS		60000
#define KASSIST_OVERFLOW_X	10

struct kassist {
	const struct voipfwd_config	*cfg;
	struct vfkmod			*k;
	enum vfkmod_status		last;	/* what the last look found */
	uint64_t			next_try;
	bool				tried;
	struct file_id			scanners;	/* as last pushed */
	bool				pushed;	/* to the module open now */
};

static uint32_t mul_cap(uint32_t v, uint32_t x, uint32_t max)
{
	uint64_t r = (uint64_t)v * x;

	return r > max ? max : (uint32_t)r;
}

/*
 * The scanner list's patterns, "^" before anchored ones; how many (no
 * file: none), or -1 when it cannot be read or does not parse (@err).
 * Read as the zones' policy reads it (policy_read_file, sippolicy.c).
 */
static int load_patterns(const char *path, struct scanner_list *sl,
			 char (*text)[SCANNER_PATTERN_MAX + 2],
			 const char **pats, char *err, size_t errlen)
{
	unsigned int i;
	char *buf;
	size_t len;
	int n = 0;

	if (policy_read_file(path, &buf, &len)) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (scanner_list_parse(sl, buf, len, path, err, errlen)) {
		free(buf);
		return -1;
	}
	for (i = 0; i < sl->n && i < VOIPFW_PATTERNS_MAX; i++) {
		snprintf(text[n], sizeof(text[n]), "%s%s",
			 sl->pat[i].anchored ? "^" : "", sl->pat[i].text);
		pats[n] = text[n];
		n++;
	}
	free(buf);
	return n;
}

static int push(struct kassist *ka)
{
	static struct scanner_list sl;
	static char text[VOIPFW_PATTERNS_MAX][SCANNER_PATTERN_MAX + 2];
	const char *pats[VOIPFW_PATTERNS_MAX];
	const struct voipfwd_config *cfg = ka->cfg;
	const struct srclimit_rates *r = &cfg->kernel_limits;
	struct voipfw_config c = { .idle_ms = KASSIST_IDLE_MS };
	unsigned int i;
	char err[512];
	int n;

	if (!r->unlimited)
		c.flags = VOIPFW_F_ENABLED;
	for (i = 0; i < cfg->table.n_sip_ports && i < VOIPFW_PORTS_MAX; i++)
		c.ports[c.n_ports++] = cfg->table.sip_ports[i];
	for (i = 0; i < __VOIPFW_CLASS_MAX; i++) {
		c.limit[i].milli_per_sec = r->cls[i].milli_per_sec;
		c.limit[i].burst = r->cls[i].burst;
		c.overflow[i].milli_per_sec = mul_cap(r->cls[i].milli_per_sec,
						      KASSIST_OVERFLOW_X, VOIPFW_RATE_MAX);
		c.overflow[i].burst = mul_cap(r->cls[i].burst, KASSIST_OVERFLOW_X,
					      VOIPFW_BURST_MAX);
	}
	file_id_of(cfg->scanners, &ka->scanners);
	n = load_patterns(cfg->scanners, &sl, text, pats, err, sizeof(err));
	if (n < 0 && ka->pushed) {
		/* as the zones' policy does: what is in force stays */
		voipfwd_log(NULL, LOG_ERR, "kernel assist: %s; voipfw.ko keeps "
			    "the scanner patterns it has", err);
		return 0;
	}
	if (n < 0) {
		voipfwd_log(NULL, LOG_ERR, "kernel assist: %s; voipfw.ko gets "
			    "no scanner patterns", err);
		n = 0;
	}
	if (vfkmod_set_config(ka->k, &c, pats, (unsigned int)n, err,
			      sizeof(err)) < 0) {
		voipfwd_log(NULL, LOG_ERR, "kernel assist: configuring voipfw.ko failed: %s; voipfwd's own limits only",
			    err);
		return -1;
	}
	ka->pushed = true;
	voipfwd_log(NULL, LOG_INFO, "kernel assist: voipfw.ko %s: %u ports, %u scanner patterns, up to %u sources",
		    r->unlimited ? "disabled (kernel-limits off)" : "limits SIP requests",
		    c.n_ports, (unsigned int)n, vfkmod_max_sources(ka->k));
	return 0;
}

/*
 * The ABI voipfwd speaks to voipfw.ko: voipfw_uapi.h's.  Only a test build
 * says otherwise: test/run builds build/abi2/voipfwd with
 * -DVOIPFWD_KMOD_ABI=2 so that test/vm/kmod.sh can show a voipfwd built
 * against another ABI being refused.
 */
#ifndef VOIPFWD_KMOD_ABI
#define VOIPFWD_KMOD_ABI	VOIPFW_ABI_VERSION
#endif

static void look(struct kassist *ka, uint64_t now_ms)
{
	enum vfkmod_status st;
	char err[512];

	ka->next_try = now_ms + KASSIST_RETRY_MS;
	ka->k = vfkmod_open(VOIPFWD_KMOD_ABI, sizeof(struct voipfw_config),
			    &st, err, sizeof(err));
	/* say what changed only: an absent module is normal */
	if (!ka->k && (!ka->tried || st != ka->last))
		voipfwd_log(NULL, st == VFKMOD_ABSENT ? LOG_INFO : LOG_ERR,
			    "kernel assist: %s; voipfwd's own limits only", err);
	ka->tried = true;
	ka->last = st;
	ka->pushed = false;
	if (ka->k && push(ka) < 0) {
		vfkmod_close(ka->k);
		ka->k = NULL;
		ka->last = VFKMOD_ERROR;
	}
}

struct kassist *kassist_new(const struct voipfwd_config *cfg)
{
	struct kassist *ka = calloc(1, sizeof(*ka));

	if (!ka)
		return NULL;
	ka->cfg = cfg;
	look(ka, voipfwd_now_ms());
	return ka;
}

void kassist_check(struct kassist *ka, uint64_t now_ms, bool reload)
{
	struct file_id id;

	if (!ka)
		return;
	if (!ka->k) {
		if (now_ms >= ka->next_try)
			look(ka, now_ms);
		return;
	}
	/* the guard reads a changed scanner list again: so does the module
	 * (a failed push leaves the module as it was: looked for again) */
	file_id_of(ka->cfg->scanners, &id);
	if ((reload || !file_id_same(&id, &ka->scanners)) && push(ka) < 0) {
		vfkmod_close(ka->k);
		ka->k = NULL;
		ka->last = VFKMOD_ERROR;
		ka->next_try = now_ms + KASSIST_RETRY_MS;
	}
}

void kassist_free(struct kassist *ka)
{
	if (!ka)
		return;
	vfkmod_close(ka->k);
	free(ka);
}

void kassist_stats(struct kassist *ka, FILE *out, bool json)
{
	uint64_t v[__VOIPFW_S_MAX];
	char err[512];
	unsigned int s;

	if (!ka || !ka->k || vfkmod_get_stats(ka->k, v, err, sizeof(err)) < 0) {
		if (ka && ka->k) {	/* unloaded since: look again later */
			voipfwd_log(NULL, LOG_WARNING, "kernel assist: %s", err);
			vfkmod_close(ka->k);
			ka->k = NULL;
		}
		if (json)
			fprintf(out, ",\"kernel\":null");
		else
			fprintf(out, "kernel module absent\n");
		return;
	}
	if (json) {
		fprintf(out, ",\"kernel\":{");
		for (s = 0; s < __VOIPFW_S_MAX; s++)
			if (vfkmod_stat_name(s))
				fprintf(out, "%s\"%s\":%llu", s == VOIPFW_S_SEEN ? "" : ",",
					vfkmod_stat_name(s), (unsigned long long)v[s]);
		fprintf(out, "}");
		return;
	}
	fprintf(out, "kernel seen %llu passed %llu\n",
		(unsigned long long)v[VOIPFW_S_SEEN],
		(unsigned long long)v[VOIPFW_S_PASSED]);
	fprintf(out, "kernel drop rate-limit %llu (register %llu invite %llu options %llu other %llu)\n",
		(unsigned long long)(v[VOIPFW_S_DROP_REGISTER] + v[VOIPFW_S_DROP_INVITE] +
				     v[VOIPFW_S_DROP_OPTIONS] + v[VOIPFW_S_DROP_OTHER]),
		(unsigned long long)v[VOIPFW_S_DROP_REGISTER],
		(unsigned long long)v[VOIPFW_S_DROP_INVITE],
		(unsigned long long)v[VOIPFW_S_DROP_OPTIONS],
		(unsigned long long)v[VOIPFW_S_DROP_OTHER]);
	fprintf(out, "kernel drop scanner %llu\n",
		(unsigned long long)v[VOIPFW_S_DROP_SCANNER]);
	fprintf(out, "kernel sources %llu overflow %llu\n",
		(unsigned long long)v[VOIPFW_S_SRC_NOW],
		(unsigned long long)v[VOIPFW_S_OVERFLOW]);
}
