// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_engine.c - libFuzzer target: a sequence of SIP messages (split at
 * "\0\0" in the input) through one engine, and raw packets through
 * netpkt_parse.  Invariants: the backend never sees a delete of a key it
 * does not hold or an add of one it holds, and the engine's pinhole count
 * equals the backend's.  An odd-sized input runs with group commit: the
 * first byte of a message decides whether the batch ends after it, and
 * whether that commit fails (then the invariants no longer hold by
 * design, see engine_commit(): the run only looks for memory errors).
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/netpkt.h"

#define LIVE_MAX	512
#define Q_MAX		4096

struct rec {
	struct pinhole	live[LIVE_MAX];
	unsigned int	n;
	struct pinhole	q[Q_MAX];
	bool		q_add[Q_MAX];
	unsigned int	nq;
	bool		fail;
	bool		tolerant;
};

static int rec_queue(struct rec *r, const struct pinhole *ph, bool add)
{
	if (r->nq >= Q_MAX)
		abort();
	r->q[r->nq] = *ph;
	r->q_add[r->nq++] = add;
	return 0;
}

static int rec_add(void *c, const struct pinhole *ph)
{
	return rec_queue(c, ph, true);
}

static int rec_del(void *c, const struct pinhole *ph)
{
	return rec_queue(c, ph, false);
}

static int rec_commit(void *c)
{
	struct rec *r = c;
	unsigned int i, j;

	if (r->fail) {
		r->nq = 0;
		r->tolerant = true;
		return -1;
	}
	for (i = 0; i < r->nq; i++) {
		for (j = 0; j < r->n; j++)
			if (pinhole_same_key(&r->live[j], &r->q[i]))
				break;
		if (r->q_add[i]) {
			if (r->n >= LIVE_MAX || (j < r->n && !r->tolerant))
				abort();	/* added twice */
			if (j == r->n)
				r->live[r->n++] = r->q[i];
		} else {
			if (j == r->n && r->tolerant)
				continue;
			if (j == r->n)
				abort();	/* deleted what is not there */
			r->live[j] = r->live[--r->n];
		}
	}
	r->nq = 0;
	return 0;
}

static const struct pinhole_backend_ops rec_ops = {
	.add = rec_add, .del = rec_del, .commit = rec_commit,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rec r;
	struct pinhole_backend be = { &rec_ops, &r };
	struct engine_config cfg;
	struct engine_stats st;
	struct engine_verdict v;
	struct pkt_meta m = { .family = 4, .proto = 17, .sport = 5060,
			      .dport = 5060 };
	struct netpkt pkt;
	const uint8_t *p = data, *end = data + size;
	struct engine *e;
	uint64_t now = 1000;

	memset(&r, 0, sizeof(r));
	if (netpkt_parse(data, size, &pkt) == 0 &&
	    (pkt.payload < data || pkt.payload + pkt.payload_len > end))
		abort();
	engine_config_defaults(&cfg);
	cfg.max_dialogs = 8;
	cfg.max_dialogs_per_source = 4;
	cfg.max_pinholes = 48;
	cfg.group_commit = size & 1;
	e = engine_new(&cfg, &be, NULL, NULL);
	if (!e)
		return 0;
	while (p < end) {
		const uint8_t *sep = memmem(p, (size_t)(end - p), "\0\0", 2);
		const uint8_t *stop = sep ? sep : end;

		m.saddr[3] = (uint8_t)(p[0] & 3);
		engine_message(e, &m, (const char *)p, (size_t)(stop - p), now,
			       &v);
		if (cfg.group_commit && (p[0] & 0x08)) {
			r.fail = (p[0] & 0xc0) == 0xc0;
			engine_commit(e);
			r.fail = false;
		}
		now += 700;
		if ((p[0] & 0x30) == 0x30) {
			engine_tick(e, now + 300000, NULL, NULL);
			engine_commit(e);
		}
		p = sep ? sep + 2 : end;
	}
	engine_commit(e);
	engine_get_stats(e, &st);
	if (st.pinholes != r.n && !r.tolerant)
		abort();
	engine_free(e);
	return 0;
}
