// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * compliance.c - per device: the transports and media it used (see
 * compliance.h).  Nothing is allocated after compliance_new().
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "guard/compliance.h"
#include "hash/lrutab.h"

struct compliance {
	struct lrutab	*t;
};

struct compliance *compliance_new(uint32_t capacity,
				  const struct siphash_key *key)
{
	struct compliance *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->t = lrutab_new(capacity, 17, sizeof(struct compliance_dev), key);
	if (!c->t) {
		free(c);
		return NULL;
	}
	return c;
}

void compliance_free(struct compliance *c)
{
	if (!c)
		return;
	lrutab_free(c->t);
	free(c);
}

bool compliance_sdp_is_srtp(const struct sdp *sdp)
{
	unsigned int i;

	/* a disabled stream (port 0) carries nothing (RFC 3264 6) */
	for (i = 0; i < sdp->n_media; i++)
		if (sdp->media[i].port && !sdp->media[i].encrypted)
			return false;
	return true;
}

/* @ua's printable bytes, cut to COMPLIANCE_UA_MAX: it is the sender's
 * text, shown on a terminal and in JSON */
static void copy_ua(char *out, struct span ua)
{
	size_t i, n = ua.len < COMPLIANCE_UA_MAX ? ua.len : COMPLIANCE_UA_MAX;

	for (i = 0; i < n; i++)
		out[i] = ua.p[i] >= 0x20 && ua.p[i] < 0x7f ? ua.p[i] : '?';
	out[n] = '\0';
}

void compliance_note(struct compliance *c, uint8_t family, const uint8_t *addr,
		     uint8_t proto, const struct sip_msg *msg,
		     const struct sdp *sdp, uint32_t now_ms)
{
	struct compliance_dev *d;
	uint8_t key[17] = { 0 };
	bool created;

	key[0] = family == 6 ? 6 : 4;
	memcpy(key + 1, addr, key[0] == 6 ? 16 : 4);
	d = lrutab_get(c->t, key, now_ms, true, &created);
	if (created) {
		d->family = key[0];
		memcpy(d->addr, key + 1, 16);
	}
	d->last_ms = now_ms;
	if (proto == IPPROTO_TCP)
		d->sip_tcp++;
	else
		d->sip_udp++;
	if (msg->is_request && msg->user_agent.len)
		copy_ua(d->ua, msg->user_agent);
	if (sdp) {
		if (compliance_sdp_is_srtp(sdp))
			d->sdp_srtp++;
		else
			d->sdp_rtp++;
	}
}

struct walk {
	bool	(*fn)(const struct compliance_dev *d, void *arg);
	void	*arg;
};

static bool walk_one(const void *key, const void *val, uint32_t last_ms,
		     void *arg)
{
	struct walk *w = arg;

	(void)key;
	(void)last_ms;
	return w->fn(val, w->arg);
}

void compliance_walk(const struct compliance *c,
		     bool (*fn)(const struct compliance_dev *d, void *arg),
		     void *arg)
{
	struct walk w = { fn, arg };

	lrutab_walk(c->t, walk_one, &w);
}
