// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * policy.c - the voipfw.conf model: allocation, built-in services,
 * lookups, error text and reading a file.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "policy_int.h"

/*
 * Built-in services, exactly as voipfw.conf(5) lists them and in that
 * order.  A service of the same name in the file replaces one.
 */
struct policy_builtin {
	const char	*name;
	bool		media;
	unsigned int	n_ports;
	struct { uint8_t proto; uint16_t port; } ports[2];
};

static const struct policy_builtin policy_builtins[] = {
	{ "sip",	false, 2, { { IPPROTO_UDP, 5060 }, { IPPROTO_TCP, 5060 } } },
	{ "sip-tls",	false, 1, { { IPPROTO_TCP, 5061 } } },
	{ "rtp",	true,  0, { { 0, 0 } } },
	{ "tftp",	false, 1, { { IPPROTO_UDP, 69 } } },
	{ "http",	false, 1, { { IPPROTO_TCP, 80 } } },
	{ "https",	false, 1, { { IPPROTO_TCP, 443 } } },
	{ "dns",	false, 2, { { IPPROTO_UDP, 53 }, { IPPROTO_TCP, 53 } } },
	{ "ntp",	false, 1, { { IPPROTO_UDP, 123 } } },
	{ "ldap",	false, 1, { { IPPROTO_TCP, 389 } } },
	{ "ldaps",	false, 1, { { IPPROTO_TCP, 636 } } },
	{ "syslog",	false, 1, { { IPPROTO_UDP, 514 } } },
	{ "snmp",	false, 1, { { IPPROTO_UDP, 161 } } },
};

#define N_BUILTINS	(sizeof(policy_builtins) / sizeof(policy_builtins[0]))

/* DSCP defaults (voipfw.conf(5) qos): media EF (46), SIP CS3 (24). */
static const uint8_t policy_dscp_default[__POLICY_DSCP_MAX] = {
	[POLICY_DSCP_RTP]	= 46,
	[POLICY_DSCP_SRTP]	= 46,
	[POLICY_DSCP_SIP]	= 24,
	[POLICY_DSCP_SIP_TLS]	= 24,
};

static const char *const policy_dscp_slot_names[__POLICY_DSCP_MAX] = {
	[POLICY_DSCP_RTP]	= "rtp",
	[POLICY_DSCP_SRTP]	= "srtp",
	[POLICY_DSCP_SIP]	= "sip",
	[POLICY_DSCP_SIP_TLS]	= "sip-tls",
};

int policy_err(struct policy_error *err, const char *file,
	       struct policy_loc loc, const char *fmt, ...)
{
	va_list ap;

	err->loc = loc;
	err->sys_errno = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (loc.line)
		snprintf(err->text, sizeof(err->text), "%s:%u:%u: %s", file,
			 loc.line, loc.col, err->msg);
	else
		snprintf(err->text, sizeof(err->text), "%s: %s", file,
			 err->msg);
	return -1;
}

int policy_err_nomem(struct policy_error *err, const char *file,
		     struct policy_loc loc)
{
	policy_err(err, file, loc, "out of memory");
	err->sys_errno = ENOMEM;
	return -1;
}

/* ---- did you mean ------------------------------------------------------ */

/*
 * Levenshtein distance of two short strings (both at most
 * POLICY_NAME_MAX + 1 bytes are looked at: longer words are no typo of a
 * name anyway).
 */
static unsigned int edit_distance(const char *a, size_t la, const char *b,
				  size_t lb)
{
	unsigned int row[POLICY_NAME_MAX + 2], i, j;

	if (la > POLICY_NAME_MAX + 1)
		la = POLICY_NAME_MAX + 1;
	if (lb > POLICY_NAME_MAX + 1)
		lb = POLICY_NAME_MAX + 1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		unsigned int diag = row[0], tmp;

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			unsigned int best = diag + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			diag = tmp;
		}
	}
	return row[lb];
}

void policy_suggest_init(struct policy_suggest *s, const char *word,
			 size_t len)
{
	s->word = word;
	s->word_len = len;
	s->best = NULL;
	/* a likely typo: one edit in short words, two in longer ones */
	s->dist = (len <= 4 ? 1 : 2) + 1;
}

void policy_suggest_offer(struct policy_suggest *s, const char *cand)
{
	unsigned int d = edit_distance(s->word, s->word_len, cand,
				       strlen(cand));

	if (d > 0 && d < s->dist) {
		s->dist = d;
		s->best = cand;
	}
}

/* ---- the model ---------------------------------------------------------- */

/* Grow *@arr of @size-byte items to hold one more than @n (at most @max). */
static void *grow(void *arr, unsigned int n, unsigned int *cap, size_t size,
		  unsigned int max)
{
	unsigned int ncap;
	void *p;

	if (n < *cap)
		return arr;
	ncap = *cap ? *cap * 2 : 8;
	if (ncap > max)
		ncap = max;
	if (ncap <= n)
		return NULL;
	p = realloc(arr, (size_t)ncap * size);
	if (!p)
		return NULL;
	*cap = ncap;
	return p;
}

struct policy *policy_new(const char *file)
{
	struct policy *pol = calloc(1, sizeof(*pol));
	unsigned int i, j;

	if (!pol)
		return NULL;
	pol->file = strdup(file);
	pol->services = calloc(N_BUILTINS, sizeof(*pol->services));
	if (!pol->file || !pol->services) {
		policy_free(pol);
		return NULL;
	}
	pol->services_cap = N_BUILTINS;
	for (i = 0; i < N_BUILTINS; i++) {
		const struct policy_builtin *b = &policy_builtins[i];
		struct policy_service *s = &pol->services[i];

		snprintf(s->name, sizeof(s->name), "%s", b->name);
		s->builtin = true;
		s->media = b->media;
		s->n_ports = b->n_ports;
		for (j = 0; j < b->n_ports; j++) {
			s->ports[j].proto = b->ports[j].proto;
			s->ports[j].lo = b->ports[j].port;
			s->ports[j].hi = b->ports[j].port;
		}
	}
	pol->n_services = N_BUILTINS;
	pol->policy = POLICY_DROP;
	memcpy(pol->qos.dscp, policy_dscp_default, sizeof(pol->qos.dscp));
	return pol;
}

struct policy_zone *policy_zone_add(struct policy *pol)
{
	struct policy_zone *z;

	z = grow(pol->zones, pol->n_zones, &pol->zones_cap, sizeof(*z),
		 POLICY_MAX_ZONES);
	if (!z)
		return NULL;
	pol->zones = z;
	z = &pol->zones[pol->n_zones++];
	memset(z, 0, sizeof(*z));
	policy_zone_sip_defaults(&z->sip);
	return z;
}

/*
 * The defaults voipfw.conf(5) SIP POLICY promises.  Limits are per source
 * address: a phone registers every minute or hour and places a call now
 * and then; in-dialog requests (ACK, BYE, re-INVITE's ACK, INFO) count as
 * "other" and come in bursts.  A site with many phones behind one NAT
 * address belongs on the trusted list.
 */
static const struct policy_rate default_rate[POLICY_SIP_CLASSES] = {
	[POLICY_SIP_REGISTER]	= { .milli_per_sec = 2000, .burst = 20 },
	[POLICY_SIP_INVITE]	= { .milli_per_sec = 2000, .burst = 10 },
	[POLICY_SIP_OPTIONS]	= { .milli_per_sec = 2000, .burst = 10 },
	[POLICY_SIP_OTHER]	= { .milli_per_sec = 20000, .burst = 100 },
};

void policy_zone_sip_defaults(struct policy_zone_sip *sip)
{
	int c;

	memset(sip, 0, sizeof(*sip));
	sip->strictness = SIP_POLICY_DEFAULT;
	for (c = 0; c < POLICY_SIP_CLASSES; c++) {
		sip->rate[c] = default_rate[c];
		sip->trusted_rate[c].unlimited = true;
	}
	sip->flood = (struct policy_threshold){ .count = 50, .window_ms = 10000 };
	sip->brute_force = (struct policy_threshold){ .count = 10, .window_ms = 60000 };
	sip->enumeration = (struct policy_threshold){ .count = 20, .window_ms = 60000 };
	sip->user_lock = (struct policy_threshold){
		.count = 20, .window_ms = 600000, .for_ms = 1800000 };
	sip->ban_ms = 600000;
	sip->ban_max_ms = 86400000;
	sip->scanners = true;
	sip->max_size = 16384;
	sip->max_forwards = -1;		/* no check */
	sip->dormant_ms = POLICY_DURATION_MAX_MS;	/* 30 days */
}

const char *policy_sip_class_name(enum policy_sip_class cls)
{
	static const char *const names[POLICY_SIP_CLASSES] = {
		[POLICY_SIP_REGISTER] = "register",
		[POLICY_SIP_INVITE] = "invite",
		[POLICY_SIP_OPTIONS] = "options",
		[POLICY_SIP_OTHER] = "other",
	};

	return (unsigned int)cls < POLICY_SIP_CLASSES ? names[cls] : NULL;
}

struct policy_service *policy_service_add(struct policy *pol)
{
	struct policy_service *s;

	s = grow(pol->services, pol->n_services, &pol->services_cap,
		 sizeof(*s), POLICY_MAX_SERVICES + N_BUILTINS);
	if (!s)
		return NULL;
	pol->services = s;
	s = &pol->services[pol->n_services++];
	memset(s, 0, sizeof(*s));
	return s;
}

struct policy_rule *policy_rule_add(struct policy *pol)
{
	struct policy_rule *r;

	r = grow(pol->rules, pol->n_rules, &pol->rules_cap, sizeof(*r),
		 POLICY_MAX_RULES);
	if (!r)
		return NULL;
	pol->rules = r;
	r = &pol->rules[pol->n_rules++];
	memset(r, 0, sizeof(*r));
	return r;
}

void policy_free(struct policy *pol)
{
	if (!pol)
		return;
	free(pol->rules);
	free(pol->services);
	free(pol->zones);
	free(pol->file);
	free(pol);
}

int policy_zone_find(const struct policy *pol, const char *name)
{
	unsigned int i;

	for (i = 0; i < pol->n_zones; i++)
		if (!strcmp(pol->zones[i].name, name))
			return (int)i;
	return -1;
}

int policy_service_find(const struct policy *pol, const char *name)
{
	unsigned int i;

	for (i = 0; i < pol->n_services; i++)
		if (!strcmp(pol->services[i].name, name))
			return (int)i;
	return -1;
}

const char *policy_action_str(enum policy_action a)
{
	return a == POLICY_ACCEPT ? "accept" : "drop";
}

const char *policy_dscp_slot_str(enum policy_dscp_slot s)
{
	return (unsigned int)s < __POLICY_DSCP_MAX ? policy_dscp_slot_names[s]
						   : "?";
}

int policy_subnet_format(const struct policy_subnet *s, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(s->family, s->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	return snprintf(buf, size, "%s/%u", a, s->plen);
}

int policy_read_file(const char *path, char **bufp, size_t *lenp)
{
	size_t size = POLICY_FILE_MAX + 1, n;
	char *buf;
	FILE *f;
	int e;

	f = fopen(path, "rb");
	if (!f)
		return -1;
	buf = malloc(size);
	if (!buf) {
		e = errno;
		goto err_close;
	}
	errno = 0;
	n = fread(buf, 1, size, f);
	if (ferror(f)) {
		/* fread sets errno on Linux (EISDIR for a directory) */
		e = errno ? errno : EIO;
		goto err_free;
	}
	fclose(f);
	*bufp = buf;
	*lenp = n;
	return 0;

err_free:
	free(buf);
err_close:
	fclose(f);
	errno = e;
	return -1;
}
