// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_engine.c - engine_message() over whole calls: the verdict of every
 * message, the exact set of pinholes live after it, and when they were
 * committed.
 *
 * The backend is a recorder that models the kernel set: add and del queue
 * changes, commit applies the queue in order or, when told to fail,
 * discards it (a failed nf_tables transaction applies nothing).  "Live" is
 * what committed batches left in the set.  Besides what each table row
 * expects, every message checks that
 *  - nothing is left queued when engine_message() returns: media never
 *    races its pinhole;
 *  - the verdict's opened/closed are the adds/dels committed for it;
 *  - the engine's pinhole count is the size of the live set, no add hits
 *    a key already live and no del misses one (nft would fail the batch
 *    with ENOENT, or a shared element would vanish with its first owner);
 *  - every pinhole added carries the message's Call-ID and the timeout;
 *  - a parse drop carries the very reason inspect_message() gives;
 * and every scenario ends by comparing engine_get_stats() with a tally of
 * the verdicts and the backend's view.
 *
 * Pinholes are written "ADDR PORT" (PINHOLE_MATCH_DST) or
 * "ADDR PORT from PEER" (PINHOLE_MATCH_DST_PEER, the default).
 *
 * Rows marked "BUG" expect what the engine's own model (engine.c header,
 * RFC 3264/6337) asks for and fail against the current code; the report
 * that came with this file lists them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "unit.h"
#include "engine_msgs.h"
#include "engine/engine.h"
#include "inspect/inspect.h"

/* Monotonic time of the first message: far from 0, like a real clock. */
#define T0		1000000ULL
/* The proxy every message is sent to (struct pkt_meta daddr). */
#define PROXY		"203.0.113.1"

/* ---- the recording backend --------------------------------------------- */

#define REC_MAX		256

struct rec_op {
	bool		add;
	struct pinhole	ph;
};

/**
 * struct rec - the recording backend, a model of the kernel set.
 * @live:      elements committed and not deleted since
 * @pending:   changes queued by add/del since the last commit
 * @done:      every committed change in order (tests look at slices)
 * @commits:   successful commit() calls;  @failed: failed ones
 * @dup_adds:  committed adds of a key already live
 * @missing_dels: committed dels of a key not live
 * @overflow:  a recorder array ran out (a test bug, reported as such)
 * @fail:      commit() fails while set
 */
struct rec {
	struct pinhole	live[REC_MAX];
	unsigned int	n_live;
	struct rec_op	pending[REC_MAX];
	unsigned int	n_pending;
	struct rec_op	done[REC_MAX * 4];
	unsigned int	n_done;
	unsigned int	commits;
	unsigned int	failed;
	unsigned int	dup_adds;
	unsigned int	missing_dels;
	unsigned int	overflow;
	bool		fail;
};

/* Key equality of the kernel set, written here rather than trusting
 * pinhole_same_key(): family, destination, and the peer when matched. */
static bool key_eq(const struct pinhole *a, const struct pinhole *b)
{
	size_t n = a->family == 6 ? 16 : 4;

	return a->family == b->family && a->dport == b->dport &&
	       a->has_peer == b->has_peer && !memcmp(a->daddr, b->daddr, n) &&
	       (!a->has_peer || !memcmp(a->saddr, b->saddr, n));
}

static int rec_live_find(const struct rec *r, const struct pinhole *ph)
{
	unsigned int i;

	for (i = 0; i < r->n_live; i++)
		if (key_eq(&r->live[i], ph))
			return (int)i;
	return -1;
}

static int rec_queue(struct rec *r, bool add, const struct pinhole *ph)
{
	if (r->n_pending >= REC_MAX) {
		r->overflow++;
		errno = ENOSPC;
		return -1;
	}
	r->pending[r->n_pending].add = add;
	r->pending[r->n_pending].ph = *ph;
	r->n_pending++;
	return 0;
}

static int rec_add(void *ctx, const struct pinhole *ph)
{
	return rec_queue(ctx, true, ph);
}

static int rec_del(void *ctx, const struct pinhole *ph)
{
	return rec_queue(ctx, false, ph);
}

static int rec_commit(void *ctx)
{
	struct rec *r = ctx;
	unsigned int i;

	if (r->fail) {
		/* a failed transaction applies nothing and is gone */
		r->n_pending = 0;
		r->failed++;
		errno = ENOBUFS;
		return -1;
	}
	for (i = 0; i < r->n_pending; i++) {
		const struct rec_op *op = &r->pending[i];
		int at = rec_live_find(r, &op->ph);

		if (op->add) {
			if (at >= 0)
				r->dup_adds++;
			else if (r->n_live < REC_MAX)
				r->live[r->n_live++] = op->ph;
			else
				r->overflow++;
		} else if (at < 0) {
			r->missing_dels++;
		} else {
			r->live[at] = r->live[--r->n_live];
		}
		if (r->n_done < ARRAY_SIZE(r->done))
			r->done[r->n_done++] = *op;
		else
			r->overflow++;
	}
	r->n_pending = 0;
	r->commits++;
	return 0;
}

static const struct pinhole_backend_ops rec_ops = {
	.add	= rec_add,
	.del	= rec_del,
	.commit	= rec_commit,
};

/* ---- the log recorder -------------------------------------------------- */

#define LOG_KEEP	64

struct logbook {
	unsigned int	n;
	int		prio[LOG_KEEP];
	char		text[LOG_KEEP][256];
};

static void rec_log(void *arg, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void rec_log(void *arg, int prio, const char *fmt, ...)
{
	struct logbook *lb = arg;
	va_list ap;

	if (lb->n < LOG_KEEP) {
		lb->prio[lb->n] = prio;
		va_start(ap, fmt);
		vsnprintf(lb->text[lb->n], sizeof(lb->text[0]), fmt, ap);
		va_end(ap);
	}
	lb->n++;
}

/* Does a line logged since @from contain @what (at @prio, -1: any)? */
static bool log_has(const struct logbook *lb, unsigned int from, int prio,
		    const char *what)
{
	unsigned int i;

	for (i = from; i < lb->n && i < LOG_KEEP; i++)
		if ((prio < 0 || lb->prio[i] == prio) &&
		    strstr(lb->text[i], what))
			return true;
	return false;
}

/* ---- pinholes as text -------------------------------------------------- */

static void ph_str(const struct pinhole *ph, char *out, size_t outlen)
{
	char d[INET6_ADDRSTRLEN] = "?", s[INET6_ADDRSTRLEN] = "?";
	int af = ph->family == 6 ? AF_INET6 : AF_INET;

	if (ph->family != 4 && ph->family != 6) {
		snprintf(out, outlen, "family-%u", ph->family);
		return;
	}
	inet_ntop(af, ph->daddr, d, sizeof(d));
	if (!ph->has_peer) {
		snprintf(out, outlen, "%s %u", d, ph->dport);
		return;
	}
	inet_ntop(af, ph->saddr, s, sizeof(s));
	snprintf(out, outlen, "%s %u from %s", d, ph->dport, s);
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "{a, b, c}" of @n sorted strings into @out. */
static void join(const char *const *v, unsigned int n, char *out, size_t len)
{
	size_t k = 0;
	unsigned int i;

	k += (size_t)snprintf(out + k, len - k, "{");
	for (i = 0; i < n && k < len; i++)
		k += (size_t)snprintf(out + k, len - k, "%s%s", i ? ", " : "",
				      v[i]);
	if (k < len)
		snprintf(out + k, len - k, "}");
}

/*
 * The pinholes @phs (@n of them) are exactly @want (NULL-terminated, NULL
 * itself meaning none), as multisets.
 */
static bool check_set(const struct pinhole *phs, unsigned int n,
		      const char *const *want, const char *what,
		      const char *file, int line)
{
	static char have_txt[REC_MAX][96];
	static char msg_have[8192], msg_want[8192];
	const char *have[REC_MAX], *w[REC_MAX];
	unsigned int nw = 0, i;
	bool ok;

	for (i = 0; i < n && i < REC_MAX; i++) {
		ph_str(&phs[i], have_txt[i], sizeof(have_txt[i]));
		have[i] = have_txt[i];
	}
	while (want && want[nw] && nw < REC_MAX) {
		w[nw] = want[nw];
		nw++;
	}
	qsort(have, n, sizeof(have[0]), cmp_strp);
	qsort(w, nw, sizeof(w[0]), cmp_strp);
	ok = n == nw;
	for (i = 0; ok && i < n; i++)
		ok = !strcmp(have[i], w[i]);
	if (ok)
		return unit_check(true, file, line, "%s", what);
	join(have, n, msg_have, sizeof(msg_have));
	join(w, nw, msg_want, sizeof(msg_want));
	return unit_check(false, file, line, "%s are %s, want %s", what,
			  msg_have, msg_want);
}

/* ---- the fixture: an engine, its backend, its log ----------------------- */

/**
 * struct fx - one engine under test.
 * @tally:   engine_stats as the test counts them, from the verdicts and
 *           the backend (dialogs and pinholes are not tallied)
 * @seen_*:  the recorder's anomaly counters already reported
 */
struct fx {
	struct engine_config	cfg;
	struct engine		*e;
	struct rec		rec;
	struct logbook		log;
	uint64_t		now;
	struct engine_stats	tally;
	unsigned int		seen_dup, seen_missing, seen_overflow;
};

static struct fx *fx_new(const struct engine_config *cfg)
{
	struct pinhole_backend be = { .ops = &rec_ops };
	struct fx *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return NULL;
	fx->cfg = *cfg;
	be.ctx = &fx->rec;
	fx->e = engine_new(cfg, &be, rec_log, &fx->log);
	if (!fx->e) {
		free(fx);
		return NULL;
	}
	fx->now = T0;
	return fx;
}

static void fx_free(struct fx *fx)
{
	if (!fx)
		return;
	engine_free(fx->e);
	free(fx);
}

static unsigned int fx_dialogs(const struct fx *fx)
{
	struct engine_stats st;

	engine_get_stats(fx->e, &st);
	return st.dialogs;
}

/* The engine agrees with the backend, and the backend saw nothing odd. */
static void fx_invariants(struct fx *fx)
{
	struct rec *r = &fx->rec;
	struct engine_stats st;

	engine_get_stats(fx->e, &st);
	CHECK_MSG(st.pinholes == r->n_live,
		  "the engine counts %u pinholes, %u are live", st.pinholes,
		  r->n_live);
	CHECK_MSG(r->dup_adds == fx->seen_dup,
		  "%u add(s) of a key already live", r->dup_adds - fx->seen_dup);
	CHECK_MSG(r->missing_dels == fx->seen_missing,
		  "%u del(s) of a key not live (nft: ENOENT, batch refused)",
		  r->missing_dels - fx->seen_missing);
	CHECK_MSG(r->overflow == fx->seen_overflow, "recorder overflow");
	fx->seen_dup = r->dup_adds;
	fx->seen_missing = r->missing_dels;
	fx->seen_overflow = r->overflow;
}

static int meta_from(struct pkt_meta *meta, const char *src)
{
	bool v6 = strchr(src, ':') != NULL;
	int af = v6 ? AF_INET6 : AF_INET;

	memset(meta, 0, sizeof(*meta));
	meta->family = v6 ? 6 : 4;
	meta->proto = IPPROTO_UDP;
	meta->sport = 5060;
	meta->dport = 5060;
	if (inet_pton(af, src, meta->saddr) != 1)
		return -1;
	return inet_pton(af, v6 ? "2001:db8:ffff::1" : PROXY, meta->daddr) == 1 ?
	       0 : -1;
}

/**
 * struct sent - what one message did, as the backend saw it.
 * @done_from: its committed changes are rec.done[@done_from..]
 * @log_from:  its log lines are log.text[@log_from..]
 */
struct sent {
	unsigned int	commits;
	unsigned int	failed;
	unsigned int	adds;
	unsigned int	dels;
	unsigned int	done_from;
	unsigned int	log_from;
};

static void tally_verdict(struct engine_stats *t, const struct engine_verdict *v,
			  const struct sent *s)
{
	t->messages++;
	if (v->accept)
		t->accepted++;
	else
		t->dropped++;
	if ((unsigned int)v->reason < __ENGINE_R_MAX)
		t->by_reason[v->reason]++;
	if (v->reason == ENGINE_R_PARSE &&
	    (unsigned int)v->sip_reason < __SIP_REASON_MAX)
		t->by_sip_reason[v->sip_reason]++;
	t->pinholes_opened += s->adds;
	t->pinholes_closed += s->dels;
}

/* Every pinhole added for @call_id belongs to it and has the timeout. */
static void check_added_tags(const struct fx *fx, const struct sent *s,
			     const char *call_id)
{
	/* the tag carries what the call keeps of its Call-ID */
	size_t len = strlen(call_id), keep = len < DIALOG_CALL_ID_KEEP ?
					     len : DIALOG_CALL_ID_KEEP;
	uint64_t hash = dialog_hash(span_make(call_id, len));
	unsigned int i;

	for (i = s->done_from; i < fx->rec.n_done; i++) {
		const struct pinhole *ph = &fx->rec.done[i].ph;

		if (!fx->rec.done[i].add)
			continue;
		CHECK_INT(ph->timeout_ms, fx->cfg.pinhole_timeout_s * 1000ULL);
		CHECK_INT(ph->tag.call_id_len, keep);
		CHECK_INT(ph->tag.call_id_full_len, len);
		CHECK(ph->tag.call_id_hash == hash);
		CHECK(!memcmp(ph->tag.call_id, call_id, keep));
		CHECK(ph->tag.stream < DIALOG_MAX_STREAMS && ph->tag.side <= 1);
	}
}

/*
 * fx_send - one message from @src through the engine, 10 ms after the
 * last; checks the per-message invariants.  @call_id (NULL: unknown)
 * is what added pinholes must be tagged with.
 */
static void fx_send(struct fx *fx, const char *msg, size_t len,
		    const char *src, const char *call_id,
		    struct engine_verdict *v, struct sent *s)
{
	static struct inspect_result res;
	struct rec *r = &fx->rec;
	unsigned int c0 = r->commits, f0 = r->failed, i;
	struct pkt_meta meta;
	char *copy;

	memset(s, 0, sizeof(*s));
	s->done_from = r->n_done;
	s->log_from = fx->log.n;
	if (!CHECK_MSG(!meta_from(&meta, src), "bad source %s", src))
		return;
	/* exactly @len bytes, so that ASan sees any read past the end */
	copy = malloc(len ? len : 1);
	if (!CHECK(copy))
		return;
	memcpy(copy, msg, len);
	fx->now += 10;
	engine_message(fx->e, &meta, copy, len, fx->now, v);
	free(copy);
	if (fx->cfg.group_commit) {
		/* voipfwd's settle step for a batch of one message */
		CHECK_MSG(v->pending == (r->n_pending != 0),
			  "pending %d with %u change(s) queued", v->pending,
			  r->n_pending);
		if (engine_commit(fx->e)) {
			CHECK(v->pending);
			v->accept = fx->cfg.fail_open;
			v->reason = ENGINE_R_COMMIT_FAILED;
			/* what the failed commit had counted is undone */
			v->opened = v->closed = 0;
		}
	} else {
		CHECK(!v->pending);
	}

	s->commits = r->commits - c0;
	s->failed = r->failed - f0;
	for (i = s->done_from; i < r->n_done; i++) {
		if (r->done[i].add)
			s->adds++;
		else
			s->dels++;
	}
	CHECK_MSG(r->n_pending == 0,
		  "%u pinhole change(s) still queued after the verdict",
		  r->n_pending);
	CHECK_INT(v->opened, s->adds);
	CHECK_INT(v->closed, s->dels);
	if (v->reason == ENGINE_R_PARSE) {
		/* the parser's own reason, not a copy of something else */
		inspect_message(msg, len, fx->cfg.strictness, &res);
		CHECK(!res.verdict_pass);
		CHECK_STR(engine_verdict_reason(v), sip_reason_str(res.drop.reason));
		CHECK(v->detail == res.drop.detail);
	}
	if (call_id)
		check_added_tags(fx, s, call_id);
	tally_verdict(&fx->tally, v, s);
	fx_invariants(fx);
}

/* Build @m and send it from the usual address of its sender. */
static void fx_msg(struct fx *fx, const struct msg_spec *m, const char *src,
		   struct engine_verdict *v, struct sent *s)
{
	static char buf[16384];
	bool from_a = (m->txn == PARTY_A) == !m->status;
	int n = msg_build(buf, sizeof(buf), m);

	memset(v, 0, sizeof(*v));
	memset(s, 0, sizeof(*s));
	if (!CHECK_MSG(n > 0, "message too large"))
		return;
	fx_send(fx, buf, (size_t)n, src ? src : from_a ? A_SIG : B_SIG,
		m->call_id ? m->call_id : MSG_CALL_ID, v, s);
}

/* engine_get_stats() against the tally. */
static void fx_check_stats(struct fx *fx)
{
	struct engine_stats st;
	unsigned int i;

	engine_get_stats(fx->e, &st);
	CHECK_INT(st.messages, fx->tally.messages);
	CHECK_INT(st.accepted, fx->tally.accepted);
	CHECK_INT(st.dropped, fx->tally.dropped);
	CHECK_INT(st.accepted + st.dropped, st.messages);
	for (i = 0; i < __ENGINE_R_MAX; i++)
		CHECK_MSG(st.by_reason[i] == fx->tally.by_reason[i],
			  "by_reason[%s] is %llu, want %llu",
			  engine_reason_str((enum engine_reason)i),
			  (unsigned long long)st.by_reason[i],
			  (unsigned long long)fx->tally.by_reason[i]);
	for (i = 0; i < __SIP_REASON_MAX; i++)
		CHECK_MSG(st.by_sip_reason[i] == fx->tally.by_sip_reason[i],
			  "by_sip_reason[%s] is %llu, want %llu",
			  sip_reason_str((enum sip_reason)i),
			  (unsigned long long)st.by_sip_reason[i],
			  (unsigned long long)fx->tally.by_sip_reason[i]);
	CHECK_INT(st.pinholes_opened, fx->tally.pinholes_opened);
	CHECK_INT(st.pinholes_closed, fx->tally.pinholes_closed);
	CHECK_INT(st.pinholes, fx->rec.n_live);
}

/* ---- scenarios: one call, message by message --------------------------- */

/**
 * struct step - one message and what must follow from it.
 * @msg:     the message (see struct msg_spec)
 * @raw:     when set, sent verbatim instead of @msg
 * @src:     signalling source; NULL: the sender's (A_SIG or B_SIG)
 * @fail:    the backend's commit() fails for this message
 * @accept, @reason: the verdict and engine_verdict_reason()
 * @commits, @adds, @dels: successful commits and the changes they made
 * @dialogs: calls followed afterwards
 * @live:    the pinholes live afterwards (NULL: none)
 * @log:     a line logged for this message contains this
 */
struct step {
	struct msg_spec		msg;
	const char		*raw;
	const char		*src;
	bool			fail;
	bool			accept;
	const char		*reason;
	unsigned int		commits, adds, dels;
	unsigned int		dialogs;
	const char *const	*live;
	const char		*log;
};

/**
 * struct scenario - a configuration and the steps run through it.
 * @dst_only: PINHOLE_MATCH_DST (default: PINHOLE_MATCH_DST_PEER)
 * @max_*:    the limits (0: engine_config_defaults())
 */
struct scenario {
	const char		*name;
	bool			dst_only;
	unsigned int		max_dialogs;
	unsigned int		max_per_source;
	unsigned int		max_pinholes;
	unsigned int		max_ph_per_source;
	bool			fail_open;
	const struct step	*steps;
	size_t			n_steps;
};

#define STEPS(...)							\
	.steps = (const struct step[]){ __VA_ARGS__ },			\
	.n_steps = sizeof((const struct step[]){ __VA_ARGS__ }) /	\
		   sizeof(struct step)

/* Requests of A and B, and responses to them; extra msg_spec fields
 * (.call_id = ...) may follow. */
#define REQ_A(meth, cs, bt, body, ...)					\
	.msg = { .method = (meth), .txn = PARTY_A, .cseq = (cs),	\
		 .btag = (bt), .sdp = (body), __VA_ARGS__ }
#define REQ_B(meth, cs, bt, body, ...)					\
	.msg = { .method = (meth), .txn = PARTY_B, .cseq = (cs),	\
		 .btag = (bt), .sdp = (body), __VA_ARGS__ }
#define RSP_A(code, meth, cs, bt, body, ...)				\
	.msg = { .method = (meth), .status = (code), .txn = PARTY_A,	\
		 .cseq = (cs), .btag = (bt), .sdp = (body), __VA_ARGS__ }
#define RSP_B(code, meth, cs, bt, body, ...)				\
	.msg = { .method = (meth), .status = (code), .txn = PARTY_B,	\
		 .cseq = (cs), .btag = (bt), .sdp = (body), __VA_ARGS__ }

#define PASS			.accept = true, .reason = "ok"
#define PASS_R(r)		.accept = true, .reason = (r)
#define DROP(r)			.accept = false, .reason = (r)
#define COMMITS(c, a, d)	.commits = (c), .adds = (a), .dels = (d)
#define NOCHANGE		COMMITS(0, 0, 0)
#define DIALOGS(n)		.dialogs = (n)
#define LIVE(...)		.live = (const char *const[]){ __VA_ARGS__, NULL }

/* Pinholes toward A and toward B; with a peer (the default match) and
 * without (PINHOLE_MATCH_DST). */
#define TO_A(port)		A_IP " " port " from " B_IP
#define TO_B(port)		B_IP " " port " from " A_IP
#define AT_A(port)		A_IP " " port
#define AT_B(port)		B_IP " " port
#define BASIC_LIVE		TO_A("4000"), TO_A("4001"), TO_B("5000"), TO_B("5001")

/* INVITE, 200, ACK of the basic call. */
#define ESTABLISH							\
	{ REQ_A("INVITE", 1, NULL, SDP_A), PASS, NOCHANGE, DIALOGS(1) }, \
	{ RSP_A(200, "INVITE", 1, "b1", SDP_B), PASS, COMMITS(1, 4, 0),	\
	  DIALOGS(1), LIVE(BASIC_LIVE) },				\
	{ REQ_A("ACK", 1, "b1", NULL), PASS, NOCHANGE, DIALOGS(1),	\
	  LIVE(BASIC_LIVE) }

#define BYE_ALL(cs, n)							\
	{ REQ_A("BYE", cs, "b1", NULL), PASS, COMMITS(1, 0, n), DIALOGS(0) }

/* A second call, for the limits. */
#define C2_IP_A			"192.0.2.50"
#define C2_IP_B			"198.51.100.50"
#define C2_LIVE								\
	C2_IP_A " 4100 from " C2_IP_B, C2_IP_A " 4101 from " C2_IP_B,	\
	C2_IP_B " 5100 from " C2_IP_A, C2_IP_B " 5101 from " C2_IP_A

/* The second call of the per-source pinhole limit: other ports. */
#define SDP_A2			SDP4(A_IP, AUDIO("4100"))
#define SDP_B2			SDP4(B_IP, AUDIO("5100"))
#define PH2_LIVE		TO_A("4100"), TO_A("4101"), TO_B("5100"), TO_B("5101")

/* Another fork of B. */
#define B2_IP			"198.51.100.30"

static const struct scenario scenarios[] = {
	{ "basic call", STEPS(
	{ REQ_A("INVITE", 1, NULL, SDP_A), PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(100, "INVITE", 1, NULL, NULL), PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(180, "INVITE", 1, "b1", NULL), PASS, NOCHANGE, DIALOGS(1) },
	/* RTP and RTCP toward each side, from the other side's c= */
	{ RSP_A(200, "INVITE", 1, "b1", SDP_B), PASS, COMMITS(1, 4, 0),
	  DIALOGS(1), LIVE(BASIC_LIVE) },
	{ REQ_A("ACK", 1, "b1", NULL), PASS, NOCHANGE, DIALOGS(1),
	  LIVE(BASIC_LIVE) },
	BYE_ALL(2, 4),
	{ RSP_A(200, "BYE", 2, "b1", NULL), PASS, NOCHANGE, DIALOGS(0) },
	) },
	{ "basic call, match destination only", .dst_only = true, STEPS(
	{ REQ_A("INVITE", 1, NULL, SDP_A), PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(100, "INVITE", 1, NULL, NULL), PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(180, "INVITE", 1, "b1", NULL), PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(200, "INVITE", 1, "b1", SDP_B), PASS, COMMITS(1, 4, 0),
	  DIALOGS(1),
	  LIVE(AT_A("4000"), AT_A("4001"), AT_B("5000"), AT_B("5001")) },
	{ REQ_A("ACK", 1, "b1", NULL), PASS, NOCHANGE, DIALOGS(1),
	  LIVE(AT_A("4000"), AT_A("4001"), AT_B("5000"), AT_B("5001")) },
	BYE_ALL(2, 4),
	) },
	{ "basic call, B hangs up", STEPS(
	ESTABLISH,
	{ REQ_B("BYE", 7, "b1", NULL), PASS, COMMITS(1, 0, 4), DIALOGS(0) },
	{ RSP_B(200, "BYE", 7, "b1", NULL), PASS, NOCHANGE, DIALOGS(0) },
	) },
	{ "early media: the 200 repeats the 183's answer", STEPS(
	{ REQ_A("INVITE", 1, NULL, SDP_A), PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(183, "INVITE", 1, "b1", SDP_B), PASS, COMMITS(1, 4, 0),
	  DIALOGS(1), LIVE(BASIC_LIVE) },
	/* same answer: nothing to commit */
	{ RSP_A(200, "INVITE", 1, "b1", SDP_B), PASS, NOCHANGE, DIALOGS(1),
	  LIVE(BASIC_LIVE) },
	{ REQ_A("ACK", 1, "b1", NULL), PASS, NOCHANGE, DIALOGS(1),
	  LIVE(BASIC_LIVE) },
	BYE_ALL(2, 4),
	) },
	{ "early media: the 200 moves B's port", STEPS(
	{ REQ_A("INVITE", 1, NULL, SDP_A), PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(183, "INVITE", 1, "b1", SDP_B), PASS, COMMITS(1, 4, 0),
	  DIALOGS(1), LIVE(BASIC_LIVE) },
	{ RSP_A(200, "INVITE", 1, "b1", SDP4(B_IP, AUDIO("5002"))), PASS,
	  COMMITS(1, 2, 2), DIALOGS(1),
	  LIVE(TO_A("4000"), TO_A("4001"), TO_B("5002"), TO_B("5003")) },
	{ REQ_A("ACK", 1, "b1", NULL), PASS, NOCHANGE, DIALOGS(1),
	  LIVE(TO_A("4000"), TO_A("4001"), TO_B("5002"), TO_B("5003")) },
	BYE_ALL(2, 4),
	) },
	/*
	 * Observed behaviour: the latest answer wins.  Each fork's 18x
	 * replaces the session, so only one fork's early media passes at a
	 * time (the earlier fork's ringback is cut off, and A's pinholes are
	 * re-keyed to the new peer); the 2xx picks the fork that answered.
	 */
	{ "forked 183s: the latest answer wins", STEPS(
	{ REQ_A("INVITE", 1, NULL, SDP_A), PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(183, "INVITE", 1, "f1", SDP_B), PASS, COMMITS(1, 4, 0),
	  DIALOGS(1), LIVE(BASIC_LIVE) },
	{ RSP_A(183, "INVITE", 1, "f2", SDP4(B2_IP, AUDIO("6000"))), PASS,
	  COMMITS(1, 4, 4), DIALOGS(1),
	  LIVE(A_IP " 4000 from " B2_IP, A_IP " 4001 from " B2_IP,
	       B2_IP " 6000 from " A_IP, B2_IP " 6001 from " A_IP) },
	{ RSP_A(200, "INVITE", 1, "f1", SDP_B), PASS, COMMITS(1, 4, 4),
	  DIALOGS(1), LIVE(BASIC_LIVE) },
	{ REQ_A("ACK", 1, "f1", NULL), PASS, NOCHANGE, DIALOGS(1),
	  LIVE(BASIC_LIVE) },
	{ REQ_A("BYE", 2, "f1", NULL), PASS, COMMITS(1, 0, 4), DIALOGS(0) },
	) },
	{ "late offer: offer in the 200, answer in the ACK", STEPS(
	{ REQ_A("INVITE", 1, NULL, NULL), PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(100, "INVITE", 1, NULL, NULL), PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(180, "INVITE", 1, "b1", NULL), PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(200, "INVITE", 1, "b1", SDP_B), PASS, NOCHANGE, DIALOGS(1) },
	{ REQ_A("ACK", 1, "b1", SDP_A), PASS, COMMITS(1, 4, 0), DIALOGS(1),
	  LIVE(BASIC_LIVE) },
	BYE_ALL(2, 4),
	) },
	{ "re-INVITE: hold with sendonly/recvonly, then resume", STEPS(
	ESTABLISH,
	{ REQ_A("INVITE", 2, "b1", SDP4(A_IP, AUDIO("4000") ATTR("sendonly"))),
	  PASS, NOCHANGE, DIALOGS(1), LIVE(BASIC_LIVE) },
	/* A receives nothing; B still receives from A */
	{ RSP_A(200, "INVITE", 2, "b1", SDP4(B_IP, AUDIO("5000") ATTR("recvonly"))),
	  PASS, COMMITS(1, 0, 2), DIALOGS(1), LIVE(TO_B("5000"), TO_B("5001")) },
	{ REQ_A("ACK", 2, "b1", NULL), PASS, NOCHANGE, DIALOGS(1),
	  LIVE(TO_B("5000"), TO_B("5001")) },
	{ REQ_A("INVITE", 3, "b1", SDP_A), PASS, NOCHANGE, DIALOGS(1),
	  LIVE(TO_B("5000"), TO_B("5001")) },
	{ RSP_A(200, "INVITE", 3, "b1", SDP_B), PASS, COMMITS(1, 2, 0),
	  DIALOGS(1), LIVE(BASIC_LIVE) },
	{ REQ_A("ACK", 3, "b1", NULL), PASS, NOCHANGE, DIALOGS(1),
	  LIVE(BASIC_LIVE) },
	BYE_ALL(4, 4),
	) },
	{ "re-INVITE: a=inactive both ways closes everything", STEPS(
	ESTABLISH,
	{ REQ_A("INVITE", 2, "b1", SDP4(A_IP, AUDIO("4000") ATTR("inactive"))),
	  PASS, NOCHANGE, DIALOGS(1), LIVE(BASIC_LIVE) },
	{ RSP_A(200, "INVITE", 2, "b1", SDP4(B_IP, AUDIO("5000") ATTR("inactive"))),
	  PASS, COMMITS(1, 0, 4), DIALOGS(1) },
	{ REQ_A("BYE", 3, "b1", NULL), PASS, NOCHANGE, DIALOGS(0) },
	) },
	{ "re-INVITE: c=0.0.0.0 hold (RFC 2543), destination match",
	  .dst_only = true, STEPS(
	{ REQ_A("INVITE", 1, NULL, SDP_A), PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(200, "INVITE", 1, "b1", SDP_B), PASS, COMMITS(1, 4, 0),
	  DIALOGS(1),
	  LIVE(AT_A("4000"), AT_A("4001"), AT_B("5000"), AT_B("5001")) },
	{ REQ_A("INVITE", 2, "b1", SDP4("0.0.0.0", AUDIO("4000"))), PASS,
	  NOCHANGE, DIALOGS(1),
	  LIVE(AT_A("4000"), AT_A("4001"), AT_B("5000"), AT_B("5001")) },
	{ RSP_A(200, "INVITE", 2, "b1", SDP_B), PASS, COMMITS(1, 0, 2),
	  DIALOGS(1), LIVE(AT_B("5000"), AT_B("5001")) },
	{ REQ_A("BYE", 3, "b1", NULL), PASS, COMMITS(1, 0, 2), DIALOGS(0) },
	) },
	/*
	 * BUG: with the peer matched, B's pinholes are re-keyed to accept
	 * media "from 0.0.0.0" (the held c= taken as A's source), so the
	 * music-on-hold A may still send is dropped.  A held c= says nothing
	 * of where A sends from: B's pinholes match no peer meanwhile.
	 */
	{ "re-INVITE: c=0.0.0.0 hold (RFC 2543), peer match", STEPS(
	ESTABLISH,
	{ REQ_A("INVITE", 2, "b1", SDP4("0.0.0.0", AUDIO("4000"))), PASS,
	  NOCHANGE, DIALOGS(1), LIVE(BASIC_LIVE) },
	{ RSP_A(200, "INVITE", 2, "b1", SDP_B), PASS, COMMITS(1, 2, 4),
	  DIALOGS(1), LIVE(AT_B("5000"), AT_B("5001")) },
	{ REQ_A("BYE", 3, "b1", NULL), PASS, COMMITS(1, 0, 2), DIALOGS(0) },
	) },
	{ "re-INVITE: A moves its media", STEPS(
	ESTABLISH,
	{ REQ_A("INVITE", 2, "b1", SDP4(A_IP, AUDIO("4002"))), PASS,
	  NOCHANGE, DIALOGS(1), LIVE(BASIC_LIVE) },
	{ RSP_A(200, "INVITE", 2, "b1", SDP_B), PASS, COMMITS(1, 2, 2),
	  DIALOGS(1),
	  LIVE(TO_A("4002"), TO_A("4003"), TO_B("5000"), TO_B("5001")) },
	{ REQ_A("ACK", 2, "b1", NULL), PASS, NOCHANGE, DIALOGS(1),
	  LIVE(TO_A("4002"), TO_A("4003"), TO_B("5000"), TO_B("5001")) },
	/* a new address for A re-keys B's pinholes to the new peer too */
	{ REQ_A("INVITE", 3, "b1", SDP4("192.0.2.11", AUDIO("4002"))), PASS,
	  NOCHANGE, DIALOGS(1),
	  LIVE(TO_A("4002"), TO_A("4003"), TO_B("5000"), TO_B("5001")) },
	{ RSP_A(200, "INVITE", 3, "b1", SDP_B), PASS, COMMITS(1, 4, 4),
	  DIALOGS(1),
	  LIVE("192.0.2.11 4002 from " B_IP, "192.0.2.11 4003 from " B_IP,
	       B_IP " 5000 from 192.0.2.11", B_IP " 5001 from 192.0.2.11") },
	BYE_ALL(4, 4),
	) },
	{ "re-INVITE from B moves B's media", STEPS(
	ESTABLISH,
	{ REQ_B("INVITE", 100, "b1", SDP4(B_IP, AUDIO("5002"))), PASS,
	  NOCHANGE, DIALOGS(1), LIVE(BASIC_LIVE) },
	{ RSP_B(200, "INVITE", 100, "b1", SDP_A), PASS, COMMITS(1, 2, 2),
	  DIALOGS(1),
	  LIVE(TO_A("4000"), TO_A("4001"), TO_B("5002"), TO_B("5003")) },
	{ REQ_B("ACK", 100, "b1", NULL), PASS, NOCHANGE, DIALOGS(1),
	  LIVE(TO_A("4000"), TO_A("4001"), TO_B("5002"), TO_B("5003")) },
	{ REQ_B("BYE", 101, "b1", NULL), PASS, COMMITS(1, 0, 4), DIALOGS(0) },
	) },
	{ "re-INVITE answered 488 keeps the old session", STEPS(
	ESTABLISH,
	{ REQ_A("INVITE", 2, "b1", SDP4(A_IP, AUDIO("4002"))), PASS,
	  NOCHANGE, DIALOGS(1), LIVE(BASIC_LIVE) },
	{ RSP_A(488, "INVITE", 2, "b1", NULL), PASS, NOCHANGE, DIALOGS(1),
	  LIVE(BASIC_LIVE) },
	{ REQ_A("ACK", 2, "b1", NULL), PASS, NOCHANGE, DIALOGS(1),
	  LIVE(BASIC_LIVE) },
	/* the refused offer is withdrawn: the next one starts afresh */
	{ REQ_A("INVITE", 3, "b1", SDP4(A_IP, AUDIO("4004"))), PASS,
	  NOCHANGE, DIALOGS(1), LIVE(BASIC_LIVE) },
	{ RSP_A(200, "INVITE", 3, "b1", SDP_B), PASS, COMMITS(1, 2, 2),
	  DIALOGS(1),
	  LIVE(TO_A("4004"), TO_A("4005"), TO_B("5000"), TO_B("5001")) },
	BYE_ALL(4, 4),
	) },
	/*
	 * BUG: a re-INVITE without SDP gets the offer in the 2xx and the
	 * answer in the ACK (RFC 3261 14.1).  on_sdp() takes any response
	 * SDP from the non-offerer as a repeated answer, so B's offer is
	 * applied as an answer and A's answer in the ACK becomes a new,
	 * never-answered offer: A's pinholes stay on the old port.
	 */
	{ "re-INVITE without SDP: offer in the 200, answer in the ACK", STEPS(
	ESTABLISH,
	{ REQ_A("INVITE", 2, "b1", NULL), PASS, NOCHANGE, DIALOGS(1),
	  LIVE(BASIC_LIVE) },
	{ RSP_A(200, "INVITE", 2, "b1", SDP4(B_IP, AUDIO("5002"))), PASS,
	  NOCHANGE, DIALOGS(1), LIVE(BASIC_LIVE) },
	{ REQ_A("ACK", 2, "b1", SDP4(A_IP, AUDIO("4002"))), PASS,
	  COMMITS(1, 4, 4), DIALOGS(1),
	  LIVE(TO_A("4002"), TO_A("4003"), TO_B("5002"), TO_B("5003")) },
	BYE_ALL(3, 4),
	) },
	/*
	 * BUG: answer in a reliable 183 (RFC 3262), 200 without SDP.  The
	 * initial offer is never closed (only an SDP-carrying 2xx closes
	 * it), so B's later re-INVITE offer is taken as the answer to it and
	 * A's answer in the 200 becomes a dangling offer.
	 */
	{ "reliable 183 answer, 200 without SDP, then a re-INVITE from B", STEPS(
	{ REQ_A("INVITE", 1, NULL, SDP_A), PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(183, "INVITE", 1, "b1", SDP_B), PASS, COMMITS(1, 4, 0),
	  DIALOGS(1), LIVE(BASIC_LIVE) },
	{ REQ_A("PRACK", 2, "b1", NULL), PASS, NOCHANGE, DIALOGS(1),
	  LIVE(BASIC_LIVE) },
	{ RSP_A(200, "PRACK", 2, "b1", NULL), PASS, NOCHANGE, DIALOGS(1),
	  LIVE(BASIC_LIVE) },
	{ RSP_A(200, "INVITE", 1, "b1", NULL), PASS, NOCHANGE, DIALOGS(1),
	  LIVE(BASIC_LIVE) },
	{ REQ_A("ACK", 1, "b1", NULL), PASS, NOCHANGE, DIALOGS(1),
	  LIVE(BASIC_LIVE) },
	{ REQ_B("INVITE", 100, "b1", SDP4(B_IP, AUDIO("5002"))), PASS,
	  NOCHANGE, DIALOGS(1), LIVE(BASIC_LIVE) },
	{ RSP_B(200, "INVITE", 100, "b1", SDP4(A_IP, AUDIO("4002"))), PASS,
	  COMMITS(1, 4, 4), DIALOGS(1),
	  LIVE(TO_A("4002"), TO_A("4003"), TO_B("5002"), TO_B("5003")) },
	{ REQ_B("ACK", 100, "b1", NULL), PASS, NOCHANGE, DIALOGS(1),
	  LIVE(TO_A("4002"), TO_A("4003"), TO_B("5002"), TO_B("5003")) },
	{ REQ_B("BYE", 101, "b1", NULL), PASS, COMMITS(1, 0, 4), DIALOGS(0) },
	) },
	{ "UPDATE with SDP, and its 200 with SDP, move media", STEPS(
	ESTABLISH,
	{ REQ_A("UPDATE", 2, "b1", SDP4(A_IP, AUDIO("4010"))), PASS,
	  NOCHANGE, DIALOGS(1), LIVE(BASIC_LIVE) },
	{ RSP_A(200, "UPDATE", 2, "b1", SDP4(B_IP, AUDIO("5010"))), PASS,
	  COMMITS(1, 4, 4), DIALOGS(1),
	  LIVE(TO_A("4010"), TO_A("4011"), TO_B("5010"), TO_B("5011")) },
	BYE_ALL(3, 4),
	) },
	{ "rtcp-mux on both sides: no RTCP pinholes", STEPS(
	{ REQ_A("INVITE", 1, NULL, SDP4(A_IP, AUDIO("4000") ATTR("rtcp-mux"))),
	  PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(200, "INVITE", 1, "b1", SDP4(B_IP, AUDIO("5000") ATTR("rtcp-mux"))),
	  PASS, COMMITS(1, 2, 0), DIALOGS(1), LIVE(TO_A("4000"), TO_B("5000")) },
	BYE_ALL(2, 2),
	) },
	/*
	 * BUG: RFC 5761 5.1.1: an answer without a=rtcp-mux means nobody
	 * multiplexes, so A receives RTCP on 4001 after all; the offer's
	 * a=rtcp-mux alone must not drop A's RTCP pinhole.
	 */
	{ "rtcp-mux offered but not answered: A still gets RTCP", STEPS(
	{ REQ_A("INVITE", 1, NULL, SDP4(A_IP, AUDIO("4000") ATTR("rtcp-mux"))),
	  PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(200, "INVITE", 1, "b1", SDP_B), PASS, COMMITS(1, 4, 0),
	  DIALOGS(1), LIVE(BASIC_LIVE) },
	BYE_ALL(2, 4),
	) },
	{ "a=rtcp with a port, and with a port and an address", STEPS(
	{ REQ_A("INVITE", 1, NULL, SDP4(A_IP, AUDIO("4000") ATTR("rtcp:4999"))),
	  PASS, NOCHANGE, DIALOGS(1) },
	/* the peer is still the other side's c= address */
	{ RSP_A(200, "INVITE", 1, "b1",
		SDP4(B_IP, AUDIO("5000") ATTR("rtcp:5999 IN IP4 198.51.100.21"))),
	  PASS, COMMITS(1, 4, 0), DIALOGS(1),
	  LIVE(TO_A("4000"), TO_A("4999"), TO_B("5000"),
	       "198.51.100.21 5999 from " A_IP) },
	BYE_ALL(2, 4),
	) },
	{ "port 0 answer: nothing opened", STEPS(
	{ REQ_A("INVITE", 1, NULL, SDP_A), PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(200, "INVITE", 1, "b1", SDP4(B_IP, AUDIO("0"))), PASS,
	  NOCHANGE, DIALOGS(1) },
	{ REQ_A("BYE", 2, "b1", NULL), PASS, NOCHANGE, DIALOGS(0) },
	) },
	{ "video refused with port 0: audio only", STEPS(
	{ REQ_A("INVITE", 1, NULL, SDP4(A_IP, AUDIO("4000") VIDEO("4002"))),
	  PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(200, "INVITE", 1, "b1", SDP4(B_IP, AUDIO("5000") VIDEO("0"))),
	  PASS, COMMITS(1, 4, 0), DIALOGS(1), LIVE(BASIC_LIVE) },
	BYE_ALL(2, 4),
	) },
	{ "IPv6 call", STEPS(
	{ REQ_A("INVITE", 1, NULL, SDP6(A_IP6, AUDIO("4000"))),
	  .src = "2001:db8::1", PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(200, "INVITE", 1, "b1", SDP6(B_IP6, AUDIO("5000"))),
	  .src = "2001:db8:1::1", PASS, COMMITS(1, 4, 0), DIALOGS(1),
	  LIVE(A_IP6 " 4000 from " B_IP6, A_IP6 " 4001 from " B_IP6,
	       B_IP6 " 5000 from " A_IP6, B_IP6 " 5001 from " A_IP6) },
	{ REQ_A("BYE", 2, "b1", NULL), .src = "2001:db8::1", PASS,
	  COMMITS(1, 0, 4), DIALOGS(0) },
	) },
	/* observed: no pinhole joins two families (no NAT64 in the model) */
	{ "IPv4 offer, IPv6 answer: nothing opened", STEPS(
	{ REQ_A("INVITE", 1, NULL, SDP_A), PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(200, "INVITE", 1, "b1", SDP6(B_IP6, AUDIO("5000"))), PASS,
	  NOCHANGE, DIALOGS(1) },
	{ REQ_A("BYE", 2, "b1", NULL), PASS, NOCHANGE, DIALOGS(0) },
	) },
	{ "audio and video", STEPS(
	{ REQ_A("INVITE", 1, NULL, SDP4(A_IP, AUDIO("4000") VIDEO("4002"))),
	  PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(200, "INVITE", 1, "b1", SDP4(B_IP, AUDIO("5000") VIDEO("5002"))),
	  PASS, COMMITS(1, 8, 0), DIALOGS(1),
	  LIVE(TO_A("4000"), TO_A("4001"), TO_A("4002"), TO_A("4003"),
	       TO_B("5000"), TO_B("5001"), TO_B("5002"), TO_B("5003")) },
	BYE_ALL(2, 8),
	) },
	{ "DIALOG_MAX_STREAMS streams: 16 pinholes", STEPS(
	{ REQ_A("INVITE", 1, NULL, SDP4(A_IP, AUDIO("4000") AUDIO("4002")
					AUDIO("4004") AUDIO("4006"))),
	  PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(200, "INVITE", 1, "b1", SDP4(B_IP, AUDIO("5000") AUDIO("5002")
					     AUDIO("5004") AUDIO("5006"))),
	  PASS, COMMITS(1, 16, 0), DIALOGS(1),
	  LIVE(TO_A("4000"), TO_A("4001"), TO_A("4002"), TO_A("4003"),
	       TO_A("4004"), TO_A("4005"), TO_A("4006"), TO_A("4007"),
	       TO_B("5000"), TO_B("5001"), TO_B("5002"), TO_B("5003"),
	       TO_B("5004"), TO_B("5005"), TO_B("5006"), TO_B("5007")) },
	BYE_ALL(2, 16),
	) },
	/* BUG (step 1): the refused INVITE still leaves a dialog behind,
	 * holding a table slot and its source's count for trying_timeout_s */
	{ "more than DIALOG_MAX_STREAMS streams: media-limit", STEPS(
	{ REQ_A("INVITE", 1, NULL, SDP4(A_IP, AUDIO("4000") AUDIO("4002")
					AUDIO("4004") AUDIO("4006") AUDIO("4008"))),
	  DROP("media-limit"), NOCHANGE, DIALOGS(0) },
	{ REQ_A("INVITE", 1, NULL, SDP_A, .call_id = "call-2"), PASS,
	  NOCHANGE, DIALOGS(1) },
	{ RSP_A(200, "INVITE", 1, "b1", SDP4(B_IP, AUDIO("5000") AUDIO("5002")
					     AUDIO("5004") AUDIO("5006") AUDIO("5008")),
		.call_id = "call-2"),
	  DROP("media-limit"), NOCHANGE, DIALOGS(1) },
	) },
	/* BUG: the same port twice (A's audio RTCP is its video RTP) is
	 * added twice and deleted twice; the second del fails the BYE's
	 * whole nft batch (ENOENT) and the engine's count is off by one */
	{ "two streams sharing a port", STEPS(
	{ REQ_A("INVITE", 1, NULL, SDP4(A_IP, AUDIO("4000") VIDEO("4001"))),
	  PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(200, "INVITE", 1, "b1", SDP4(B_IP, AUDIO("5000") VIDEO("5002"))),
	  PASS, COMMITS(1, 7, 0), DIALOGS(1),
	  LIVE(TO_A("4000"), TO_A("4001"), TO_A("4002"),
	       TO_B("5000"), TO_B("5001"), TO_B("5002"), TO_B("5003")) },
	BYE_ALL(2, 7),
	) },
	/* BUG: pinholes are keyed without their call: two calls to the same
	 * address and port share a kernel element, and the first BYE closes
	 * the other call's media */
	{ "two calls, one media address: the first BYE", .dst_only = true, STEPS(
	{ REQ_A("INVITE", 1, NULL, SDP_A), PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(200, "INVITE", 1, "b1", SDP_B), PASS, COMMITS(1, 4, 0),
	  DIALOGS(1),
	  LIVE(AT_A("4000"), AT_A("4001"), AT_B("5000"), AT_B("5001")) },
	{ REQ_A("INVITE", 1, NULL, SDP4(C2_IP_A, AUDIO("4100")),
		.call_id = "call-2"), PASS, NOCHANGE, DIALOGS(2),
	  LIVE(AT_A("4000"), AT_A("4001"), AT_B("5000"), AT_B("5001")) },
	{ RSP_A(200, "INVITE", 1, "b2", SDP_B, .call_id = "call-2"), PASS,
	  COMMITS(1, 2, 0), DIALOGS(2),
	  LIVE(AT_A("4000"), AT_A("4001"), AT_B("5000"), AT_B("5001"),
	       C2_IP_A " 4100", C2_IP_A " 4101") },
	{ REQ_A("BYE", 2, "b1", NULL), PASS, COMMITS(1, 0, 2), DIALOGS(1),
	  LIVE(AT_B("5000"), AT_B("5001"), C2_IP_A " 4100", C2_IP_A " 4101") },
	{ REQ_A("BYE", 2, "b2", NULL, .call_id = "call-2"), PASS,
	  COMMITS(1, 0, 4), DIALOGS(0) },
	) },
	{ "CANCEL during early media closes everything", STEPS(
	{ REQ_A("INVITE", 1, NULL, SDP_A), PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(180, "INVITE", 1, "b1", NULL), PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(183, "INVITE", 1, "b1", SDP_B), PASS, COMMITS(1, 4, 0),
	  DIALOGS(1), LIVE(BASIC_LIVE) },
	{ REQ_A("CANCEL", 1, NULL, NULL), PASS, COMMITS(1, 0, 4), DIALOGS(0) },
	{ RSP_A(200, "CANCEL", 1, "b1", NULL), PASS, NOCHANGE, DIALOGS(0) },
	{ RSP_A(487, "INVITE", 1, "b1", NULL), PASS, NOCHANGE, DIALOGS(0) },
	{ REQ_A("ACK", 1, "b1", NULL), PASS, NOCHANGE, DIALOGS(0) },
	) },
	{ "486 to the initial INVITE ends the call", STEPS(
	{ REQ_A("INVITE", 1, NULL, SDP_A), PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(183, "INVITE", 1, "b1", SDP_B), PASS, COMMITS(1, 4, 0),
	  DIALOGS(1), LIVE(BASIC_LIVE) },
	{ RSP_A(486, "INVITE", 1, "b1", NULL), PASS, COMMITS(1, 0, 4),
	  DIALOGS(0) },
	{ REQ_A("ACK", 1, "b1", NULL), PASS, NOCHANGE, DIALOGS(0) },
	/* forgotten: a stray 200 with SDP finds no call */
	{ RSP_A(200, "INVITE", 1, "b1", SDP_B), PASS, NOCHANGE, DIALOGS(0) },
	) },
	{ "max_dialogs = 2", .max_dialogs = 2, STEPS(
	{ REQ_A("INVITE", 1, NULL, SDP_A), PASS, NOCHANGE, DIALOGS(1) },
	{ REQ_A("INVITE", 1, NULL, SDP_A, .call_id = "call-2"), PASS,
	  NOCHANGE, DIALOGS(2) },
	{ REQ_A("INVITE", 1, NULL, SDP_A, .call_id = "call-3"),
	  DROP("dialog-limit"), NOCHANGE, DIALOGS(2), .log = "max-dialogs" },
	/* requests of calls already followed still pass */
	{ RSP_A(200, "INVITE", 1, "b1", SDP_B), PASS, COMMITS(1, 4, 0),
	  DIALOGS(2), LIVE(BASIC_LIVE) },
	{ REQ_A("BYE", 2, "b1", NULL), PASS, COMMITS(1, 0, 4), DIALOGS(1) },
	{ REQ_A("INVITE", 1, NULL, SDP_A, .call_id = "call-3"), PASS,
	  NOCHANGE, DIALOGS(2) },
	) },
	/* the first call's 4 pinholes fit in 6, the second's do not (SDP_A2,
	 * SDP_B2: other ports) */
	{ "max_pinholes_per_source = 6", .max_ph_per_source = 6, STEPS(
	ESTABLISH,
	{ REQ_A("INVITE", 1, NULL, SDP_A2, .call_id = "call-2"), PASS,
	  NOCHANGE, DIALOGS(2), LIVE(BASIC_LIVE) },
	{ RSP_A(200, "INVITE", 1, "b2", SDP_B2, .call_id = "call-2"),
	  DROP("source-pinhole-limit"), NOCHANGE, DIALOGS(2),
	  LIVE(BASIC_LIVE), .log = "max-pinholes-per-source (6)" },
	/* another source's call is its own */
	{ REQ_A("INVITE", 1, NULL, SDP_A2, .call_id = "call-3"),
	  .src = "192.0.2.2", PASS, NOCHANGE, DIALOGS(3), LIVE(BASIC_LIVE) },
	{ RSP_A(200, "INVITE", 1, "b3", SDP_B2, .call_id = "call-3"), PASS,
	  COMMITS(1, 4, 0), DIALOGS(3), LIVE(BASIC_LIVE, PH2_LIVE) },
	/* a re-INVITE that keeps the count is no growth */
	{ REQ_A("INVITE", 2, "b1", SDP_A), PASS, NOCHANGE, DIALOGS(3),
	  LIVE(BASIC_LIVE, PH2_LIVE) },
	{ RSP_A(200, "INVITE", 2, "b1", SDP_B), PASS, NOCHANGE, DIALOGS(3),
	  LIVE(BASIC_LIVE, PH2_LIVE) },
	{ REQ_A("BYE", 2, "b3", NULL, .call_id = "call-3"), .src = "192.0.2.2",
	  PASS, COMMITS(1, 0, 4), DIALOGS(2), LIVE(BASIC_LIVE) },
	{ REQ_A("BYE", 3, "b1", NULL), PASS, COMMITS(1, 0, 4), DIALOGS(1) },
	/* the first call's pinholes are given back: the 200 comes again */
	{ RSP_A(200, "INVITE", 1, "b2", SDP_B2, .call_id = "call-2"), PASS,
	  COMMITS(1, 4, 0), DIALOGS(1), LIVE(PH2_LIVE) },
	) },
	{ "max_dialogs_per_source = 1", .max_per_source = 1, STEPS(
	ESTABLISH,
	{ REQ_A("INVITE", 1, NULL, SDP_A, .call_id = "call-2"),
	  DROP("source-limit"), NOCHANGE, DIALOGS(1), LIVE(BASIC_LIVE),
	  .log = "max-dialogs-per-source" },
	/* another source may */
	{ REQ_A("INVITE", 1, NULL, NULL, .call_id = "call-3"),
	  .src = "192.0.2.2", PASS, NOCHANGE, DIALOGS(2), LIVE(BASIC_LIVE) },
	/* a re-INVITE is no new call */
	{ REQ_A("INVITE", 2, "b1", SDP_A), PASS, NOCHANGE, DIALOGS(2),
	  LIVE(BASIC_LIVE) },
	{ RSP_A(200, "INVITE", 2, "b1", SDP_B), PASS, NOCHANGE, DIALOGS(2),
	  LIVE(BASIC_LIVE) },
	{ RSP_A(486, "INVITE", 1, "b3", NULL, .call_id = "call-3"), PASS,
	  NOCHANGE, DIALOGS(1), LIVE(BASIC_LIVE) },
	BYE_ALL(3, 4),
	/* the source's call ended: it may call again */
	{ REQ_A("INVITE", 1, NULL, SDP_A, .call_id = "call-2"), PASS,
	  NOCHANGE, DIALOGS(1) },
	) },
	/*
	 * BUG: per-source slots are never freed.  Once 2 * max_dialogs
	 * sources have ever called (here 4), src_slot() finds no slot and
	 * the per-source limit silently stops applying (after a linear scan
	 * of the whole slot table, for every new call).
	 */
	{ "max_dialogs_per_source after many sources", .max_dialogs = 2,
	  .max_per_source = 1, STEPS(
	{ REQ_A("INVITE", 1, NULL, NULL, .call_id = "s1"), .src = "192.0.2.101",
	  PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(486, "INVITE", 1, "b", NULL, .call_id = "s1"), PASS, NOCHANGE,
	  DIALOGS(0) },
	{ REQ_A("INVITE", 1, NULL, NULL, .call_id = "s2"), .src = "192.0.2.102",
	  PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(486, "INVITE", 1, "b", NULL, .call_id = "s2"), PASS, NOCHANGE,
	  DIALOGS(0) },
	{ REQ_A("INVITE", 1, NULL, NULL, .call_id = "s3"), .src = "192.0.2.103",
	  PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(486, "INVITE", 1, "b", NULL, .call_id = "s3"), PASS, NOCHANGE,
	  DIALOGS(0) },
	{ REQ_A("INVITE", 1, NULL, NULL, .call_id = "s4"), .src = "192.0.2.104",
	  PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(486, "INVITE", 1, "b", NULL, .call_id = "s4"), PASS, NOCHANGE,
	  DIALOGS(0) },
	{ REQ_A("INVITE", 1, NULL, NULL, .call_id = "s5"), .src = "192.0.2.105",
	  PASS, NOCHANGE, DIALOGS(1) },
	{ REQ_A("INVITE", 1, NULL, NULL, .call_id = "s6"), .src = "192.0.2.105",
	  DROP("source-limit"), NOCHANGE, DIALOGS(1) },
	) },
	/*
	 * max_pinholes = 6: a second call cannot open its 4.  The refused
	 * 200 installs nothing.  BUG (steps 6 and 8): the refusal is not
	 * remembered: the call is already CONFIRMED with its offer consumed,
	 * so the 200's retransmission passes with no media at all, and still
	 * opens nothing once there is room.
	 */
	{ "max_pinholes = 6", .max_pinholes = 6, STEPS(
	ESTABLISH,
	{ REQ_A("INVITE", 1, NULL, SDP4(C2_IP_A, AUDIO("4100")),
		.call_id = "call-2"), PASS, NOCHANGE, DIALOGS(2),
	  LIVE(BASIC_LIVE) },
	{ RSP_A(200, "INVITE", 1, "b2", SDP4(C2_IP_B, AUDIO("5100")),
		.call_id = "call-2"),
	  DROP("pinhole-limit"), NOCHANGE, DIALOGS(2), LIVE(BASIC_LIVE),
	  .log = "max-pinholes" },
	{ RSP_A(200, "INVITE", 1, "b2", SDP4(C2_IP_B, AUDIO("5100")),
		.call_id = "call-2"),
	  DROP("pinhole-limit"), NOCHANGE, DIALOGS(2), LIVE(BASIC_LIVE) },
	{ REQ_A("BYE", 2, "b1", NULL), PASS, COMMITS(1, 0, 4), DIALOGS(1) },
	{ RSP_A(200, "INVITE", 1, "b2", SDP4(C2_IP_B, AUDIO("5100")),
		.call_id = "call-2"),
	  PASS, COMMITS(1, 4, 0), DIALOGS(1), LIVE(C2_LIVE) },
	) },
	{ "max_pinholes = 6: a re-INVITE adding video", .max_pinholes = 6, STEPS(
	ESTABLISH,
	{ REQ_A("INVITE", 2, "b1", SDP4(A_IP, AUDIO("4000") VIDEO("4002"))),
	  PASS, NOCHANGE, DIALOGS(1), LIVE(BASIC_LIVE) },
	/* nothing half installed: not the audio, not part of the video */
	{ RSP_A(200, "INVITE", 2, "b1", SDP4(B_IP, AUDIO("5000") VIDEO("5002"))),
	  DROP("pinhole-limit"), NOCHANGE, DIALOGS(1), LIVE(BASIC_LIVE) },
	BYE_ALL(3, 4),
	) },
	/*
	 * A failed commit with fail_open = false drops the 200.  BUG: the
	 * dialog already took the new session as installed (and the call as
	 * CONFIRMED, its offer consumed): the 200's retransmission then passes
	 * with nothing installed, and the BYE deletes elements that never
	 * existed (nft: ENOENT fails the batch) while the engine's count
	 * goes below zero.
	 */
	{ "commit fails on the 200, fail-closed", STEPS(
	{ REQ_A("INVITE", 1, NULL, SDP_A), PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(200, "INVITE", 1, "b1", SDP_B), .fail = true,
	  DROP("commit-failed"), NOCHANGE, DIALOGS(1),
	  .log = "not committed" },
	{ RSP_A(200, "INVITE", 1, "b1", SDP_B), PASS, COMMITS(1, 4, 0),
	  DIALOGS(1), LIVE(BASIC_LIVE) },
	{ REQ_A("ACK", 1, "b1", NULL), PASS, NOCHANGE, DIALOGS(1),
	  LIVE(BASIC_LIVE) },
	BYE_ALL(2, 4),
	) },
	/*
	 * fail_open = true passes the 200 (its media will not flow).  BUG:
	 * as above the engine believes the pinholes are in: the BYE deletes
	 * four elements that do not exist.
	 */
	{ "commit fails on the 200, fail-open", .fail_open = true, STEPS(
	{ REQ_A("INVITE", 1, NULL, SDP_A), PASS, NOCHANGE, DIALOGS(1) },
	{ RSP_A(200, "INVITE", 1, "b1", SDP_B), .fail = true,
	  PASS_R("commit-failed"), NOCHANGE, DIALOGS(1),
	  .log = "not committed" },
	{ REQ_A("ACK", 1, "b1", NULL), PASS, NOCHANGE, DIALOGS(1) },
	{ REQ_A("BYE", 2, "b1", NULL), PASS, NOCHANGE, DIALOGS(0) },
	) },
	/* BUG: same for a re-INVITE: the engine moves to A's new port in its
	 * head only; the BYE deletes 4002/4003 (never added) and leaves
	 * 4000/4001 open */
	{ "commit fails on a re-INVITE's 200, fail-closed", STEPS(
	ESTABLISH,
	{ REQ_A("INVITE", 2, "b1", SDP4(A_IP, AUDIO("4002"))), PASS,
	  NOCHANGE, DIALOGS(1), LIVE(BASIC_LIVE) },
	{ RSP_A(200, "INVITE", 2, "b1", SDP_B), .fail = true,
	  DROP("commit-failed"), NOCHANGE, DIALOGS(1), LIVE(BASIC_LIVE) },
	{ RSP_A(200, "INVITE", 2, "b1", SDP_B), PASS, COMMITS(1, 2, 2),
	  DIALOGS(1),
	  LIVE(TO_A("4002"), TO_A("4003"), TO_B("5000"), TO_B("5001")) },
	BYE_ALL(3, 4),
	) },
	/*
	 * A failed commit on a BYE drops it (fail-closed).  BUG: the dialog
	 * is destroyed anyway, so the BYE's retransmission finds no call and
	 * the four pinholes stay open (until the kernel's idle timeout) while
	 * the engine still counts them, for ever, against max_pinholes.
	 */
	{ "commit fails on the BYE", STEPS(
	ESTABLISH,
	{ REQ_A("BYE", 2, "b1", NULL), .fail = true, DROP("commit-failed"),
	  NOCHANGE, DIALOGS(1), LIVE(BASIC_LIVE) },
	BYE_ALL(2, 4),
	) },
	{ "parse drops, keep-alives", STEPS(
	{ .raw = CRLF CRLF, PASS_R("keepalive"), NOCHANGE, DIALOGS(0) },
	{ .raw = CRLF, PASS_R("keepalive"), NOCHANGE, DIALOGS(0) },
	{ .raw = "", DROP("truncated"), NOCHANGE, DIALOGS(0) },
	{ .raw = "INVITE sip:bob@" B_SIG " SIP/2.0" CRLF
		 "Via: SIP/2.0/UDP " A_SIG ";branch=z9hG4bK-1" CRLF
		 "To: <sip:bob@b.example.com>" CRLF
		 "Call-ID: " MSG_CALL_ID CRLF "CSeq: 1 INVITE" CRLF
		 "Content-Type: application/sdp" CRLF
		 "Content-Length: 89" CRLF CRLF SDP_A,
	  DROP("missing-header"), NOCHANGE, DIALOGS(0) },
	{ .raw = "INVITE sip:bob@" B_SIG " SIP/2.0" CRLF
		 "Via: SIP/2.0/UDP " A_SIG ";branch=z9hG4bK-1" CRLF
		 "From: <sip:alice@a.example.com>;tag=a" CRLF
		 "To: <sip:bob@b.example.com>" CRLF
		 "Call-ID: " MSG_CALL_ID CRLF "CSeq: one INVITE" CRLF
		 "Content-Length: 0" CRLF CRLF,
	  DROP("bad-cseq"), NOCHANGE, DIALOGS(0) },
	{ .raw = "INVITE sip:bob@" B_SIG " SIP/2.0" CRLF
		 "Via: SIP/2.0/UDP " A_SIG ";branch=z9hG4bK-1" CRLF
		 "From: <sip:alice@a.example.com>;tag=a" CRLF
		 "To: <sip:bob@b.example.com>" CRLF
		 "Call-ID: " MSG_CALL_ID CRLF "CSeq: 1 INVITE" CRLF
		 "Content-Type: application/sdp" CRLF
		 "Content-Length: 9999" CRLF CRLF SDP_A,
	  DROP("content-length-mismatch"), NOCHANGE, DIALOGS(0) },
	{ .raw = "\x16\x03\x01\x02\x10\x01\x03\x01\xfc\x03\x03",
	  DROP("truncated"), NOCHANGE, DIALOGS(0) },
	{ .raw = "GET / HTTP/1.1" CRLF "Host: " PROXY CRLF CRLF,
	  DROP("bad-request-line"), NOCHANGE, DIALOGS(0) },
	/* a well-formed INVITE with an SDP the engine cannot use */
	{ REQ_A("INVITE", 1, NULL, SDP4(A_IP, "m=audio 4000 RTP/AVP 0" CRLF
					"c=IN IP4 example.com" CRLF)),
	  DROP("bad-sdp"), NOCHANGE, DIALOGS(0) },
	) },
};

static struct fx *fx_for(const struct scenario *sc, bool group)
{
	struct engine_config cfg;

	engine_config_defaults(&cfg);
	cfg.match = sc->dst_only ? PINHOLE_MATCH_DST : PINHOLE_MATCH_DST_PEER;
	if (sc->max_dialogs)
		cfg.max_dialogs = sc->max_dialogs;
	if (sc->max_per_source)
		cfg.max_dialogs_per_source = sc->max_per_source;
	if (sc->max_pinholes)
		cfg.max_pinholes = sc->max_pinholes;
	if (sc->max_ph_per_source)
		cfg.max_pinholes_per_source = sc->max_ph_per_source;
	cfg.fail_open = sc->fail_open;
	cfg.group_commit = group;
	return fx_new(&cfg);
}

static void run_step(struct fx *fx, const struct scenario *sc, size_t i)
{
	const struct step *st = &sc->steps[i];
	struct engine_verdict v;
	struct sent s;

	if (st->raw) {
		unit_case("%s: #%zu raw %zu bytes", sc->name, i + 1,
			  strlen(st->raw));
		fx->rec.fail = st->fail;
		fx_send(fx, st->raw, strlen(st->raw), st->src ? st->src : A_SIG,
			NULL, &v, &s);
	} else {
		if (st->msg.status)
			unit_case("%s: #%zu %u (%s)", sc->name, i + 1,
				  st->msg.status, st->msg.method);
		else
			unit_case("%s: #%zu %s", sc->name, i + 1,
				  st->msg.method);
		fx->rec.fail = st->fail;
		fx_msg(fx, &st->msg, st->src, &v, &s);
	}
	fx->rec.fail = false;

	CHECK_MSG(v.accept == st->accept, "verdict %s (%s), want %s (%s)",
		  v.accept ? "accept" : "drop", engine_verdict_reason(&v),
		  st->accept ? "accept" : "drop", st->reason);
	CHECK_STR(engine_verdict_reason(&v), st->reason);
	CHECK_INT(s.commits, st->commits);
	CHECK_INT(s.adds, st->adds);
	CHECK_INT(s.dels, st->dels);
	if (st->fail)
		CHECK_INT(s.failed, 1);
	CHECK_INT(fx_dialogs(fx), st->dialogs);
	check_set(fx->rec.live, fx->rec.n_live, st->live, "live pinholes",
		  __FILE__, __LINE__);
	if (st->log)
		CHECK_MSG(log_has(&fx->log, s.log_from, -1, st->log),
			  "no log line with \"%s\"", st->log);
}

/*
 * Each scenario runs twice: committing per message, and with group
 * commit where every message is a batch of its own (engine_commit() right
 * after it, as voipfwd's settle step).  Both must give the same verdicts,
 * commits and live sets, failed commits included.
 */
static void run_scenario(const struct scenario *sc, bool group)
{
	struct fx *fx = fx_for(sc, group);
	const char *name = sc->name;
	struct scenario named = *sc;
	char buf[160];
	size_t i;

	if (group) {
		snprintf(buf, sizeof(buf), "%s [group commit]", sc->name);
		named.name = name = buf;
	}
	if (!fx) {
		unit_case("%s", name);
		CHECK_MSG(0, "engine_new failed");
		return;
	}
	for (i = 0; i < sc->n_steps; i++)
		run_step(fx, &named, i);
	unit_case("%s: stats", name);
	fx_check_stats(fx);
	fx_free(fx);
}

static bool has_failure(const struct scenario *sc)
{
	size_t i;

	for (i = 0; i < sc->n_steps; i++)
		if (sc->steps[i].fail)
			return true;
	return false;
}

/* ---- Call-ID lengths ---------------------------------------------------- */

static void fill(char *buf, size_t len, char c)
{
	memset(buf, c, len);
	buf[len] = '\0';
}

static void test_call_id_lengths(void)
{
	static char id[300];
	struct engine_config cfg;
	struct engine_verdict v;
	struct sent s;
	struct fx *fx;
	struct msg_spec m = { .method = "INVITE", .txn = PARTY_A, .cseq = 1,
			      .sdp = SDP_A, .call_id = id };

	unit_case("Call-ID of DIALOG_CALL_ID_MAX bytes is followed");
	engine_config_defaults(&cfg);
	fx = fx_new(&cfg);
	if (!CHECK(fx))
		return;
	fill(id, DIALOG_CALL_ID_MAX, 'k');
	fx_msg(fx, &m, NULL, &v, &s);
	CHECK(v.accept);
	CHECK_STR(engine_verdict_reason(&v), "ok");
	CHECK_INT(fx_dialogs(fx), 1);
	m = (struct msg_spec){ .method = "INVITE", .status = 200,
			       .txn = PARTY_A, .cseq = 1, .btag = "b1",
			       .sdp = SDP_B, .call_id = id };
	fx_msg(fx, &m, NULL, &v, &s);
	CHECK(v.accept);
	CHECK_INT(s.adds, 4);
	m = (struct msg_spec){ .method = "BYE", .txn = PARTY_A, .cseq = 2,
			       .btag = "b1", .call_id = id };
	fx_msg(fx, &m, NULL, &v, &s);
	CHECK_INT(s.dels, 4);
	CHECK_INT(fx_dialogs(fx), 0);

	unit_case("Call-ID longer than DIALOG_CALL_ID_MAX: call-id-too-long");
	fill(id, DIALOG_CALL_ID_MAX + 1, 'k');
	m = (struct msg_spec){ .method = "INVITE", .txn = PARTY_A, .cseq = 1,
			       .sdp = SDP_A, .call_id = id };
	fx_msg(fx, &m, NULL, &v, &s);
	CHECK(!v.accept);
	CHECK_INT(v.reason, ENGINE_R_CALL_ID_TOO_LONG);
	CHECK_STR(engine_verdict_reason(&v), "call-id-too-long");
	CHECK_INT(fx_dialogs(fx), 0);
	CHECK_INT(s.commits, 0);

	unit_case("Call-ID lengths: stats");
	fx_check_stats(fx);
	fx_free(fx);
}

/* ---- expiry ------------------------------------------------------------- */

/**
 * struct alive_ctx - the test's alive() callback.
 * @answer: what it says
 * @calls:  how often it was asked; @not_live: about pinholes not live
 */
struct alive_ctx {
	bool		answer;
	unsigned int	calls;
	unsigned int	not_live;
	const struct rec *rec;
};

static bool alive_cb(void *arg, const struct pinhole *ph)
{
	struct alive_ctx *a = arg;

	a->calls++;
	if (rec_live_find(a->rec, ph) < 0)
		a->not_live++;
	return a->answer;
}

/* Send @m; it must pass. */
static void expect_pass(struct fx *fx, const struct msg_spec *m)
{
	struct engine_verdict v;
	struct sent s;

	fx_msg(fx, m, NULL, &v, &s);
	CHECK_MSG(v.accept, "%u %s: verdict drop (%s)", m->status, m->method,
		  engine_verdict_reason(&v));
}

static const struct msg_spec invite_a = {
	.method = "INVITE", .txn = PARTY_A, .cseq = 1, .sdp = SDP_A,
};
static const struct msg_spec ok_b = {
	.method = "INVITE", .status = 200, .txn = PARTY_A, .cseq = 1,
	.btag = "b1", .sdp = SDP_B,
};
static const struct msg_spec early_b = {
	.method = "INVITE", .status = 183, .txn = PARTY_A, .cseq = 1,
	.btag = "b1", .sdp = SDP_B,
};

/* Tick at @at; check what is left. */
static void tick(struct fx *fx, uint64_t at, struct alive_ctx *a,
		 unsigned int dialogs, unsigned int live)
{
	unsigned int c0 = fx->rec.commits, d0 = fx->rec.n_done, i, dels = 0;

	engine_tick(fx->e, at, a ? alive_cb : NULL, a);
	for (i = d0; i < fx->rec.n_done; i++)
		if (!fx->rec.done[i].add)
			dels++;
	fx->tally.pinholes_closed += dels;
	CHECK_MSG(fx->rec.n_pending == 0,
		  "tick at +%llu: changes left uncommitted",
		  (unsigned long long)(at - T0));
	CHECK_MSG(fx_dialogs(fx) == dialogs, "tick at +%llu: %u dialogs, want %u",
		  (unsigned long long)(at - T0), fx_dialogs(fx), dialogs);
	CHECK_MSG(fx->rec.n_live == live,
		  "tick at +%llu: %u pinholes live, want %u",
		  (unsigned long long)(at - T0), fx->rec.n_live, live);
	CHECK_MSG(fx->rec.commits - c0 == (dels ? 1u : 0u),
		  "tick at +%llu: %u commits for %u dels",
		  (unsigned long long)(at - T0), fx->rec.commits - c0, dels);
	fx_invariants(fx);
}

static void test_expiry(void)
{
	struct alive_ctx a = { 0 };
	struct engine_config cfg;
	struct fx *fx;
	uint64_t t;
	unsigned int l0;

	engine_config_defaults(&cfg);
	cfg.pinhole_timeout_s = 60;
	cfg.trying_timeout_s = 240;

	unit_case("expiry: answered call, media gone");
	fx = fx_new(&cfg);
	if (!CHECK(fx))
		return;
	a.rec = &fx->rec;
	expect_pass(fx, &invite_a);
	expect_pass(fx, &ok_b);
	t = fx->now;			/* the 200 */
	a.answer = false;
	tick(fx, t + 59999, &a, 1, 4);
	CHECK_INT(a.calls, 0);		/* not due: not asked */
	l0 = fx->log.n;
	tick(fx, t + 60000, &a, 0, 0);
	CHECK(a.calls >= 1);
	CHECK_INT(a.not_live, 0);
	CHECK(log_has(&fx->log, l0, LOG_INFO, "expired"));
	unit_case("expiry: answered call, media gone: stats");
	fx_check_stats(fx);
	fx_free(fx);

	unit_case("expiry: answered call, media flowing");
	fx = fx_new(&cfg);
	if (!CHECK(fx))
		return;
	a = (struct alive_ctx){ .rec = &fx->rec, .answer = true };
	expect_pass(fx, &invite_a);
	expect_pass(fx, &ok_b);
	t = fx->now;
	tick(fx, t + 60000, &a, 1, 4);
	CHECK(a.calls >= 1);
	CHECK_INT(a.not_live, 0);
	tick(fx, t + 600000, &a, 1, 4);
	/* once media stops: one pinhole timeout after the last look */
	a.answer = false;
	tick(fx, t + 600000 + 59999, &a, 1, 4);
	tick(fx, t + 600000 + 60000, &a, 0, 0);
	fx_free(fx);

	/* observed: without alive() an answered call lasts one pinhole
	 * timeout after its 200, whatever its media does */
	unit_case("expiry: answered call, no alive()");
	fx = fx_new(&cfg);
	if (!CHECK(fx))
		return;
	expect_pass(fx, &invite_a);
	expect_pass(fx, &ok_b);
	t = fx->now;
	tick(fx, t + 59999, NULL, 1, 4);
	tick(fx, t + 60000, NULL, 0, 0);
	fx_free(fx);

	unit_case("expiry: unanswered INVITE");
	fx = fx_new(&cfg);
	if (!CHECK(fx))
		return;
	a = (struct alive_ctx){ .rec = &fx->rec, .answer = true };
	expect_pass(fx, &invite_a);
	t = fx->now;
	tick(fx, t + 239999, &a, 1, 0);
	tick(fx, t + 240000, &a, 0, 0);
	CHECK_INT(a.calls, 0);
	fx_free(fx);

	/* observed: early media does not keep an unanswered call: alive()
	 * is not asked before the 2xx */
	unit_case("expiry: unanswered INVITE with early media");
	fx = fx_new(&cfg);
	if (!CHECK(fx))
		return;
	a = (struct alive_ctx){ .rec = &fx->rec, .answer = true };
	expect_pass(fx, &invite_a);
	t = fx->now;
	expect_pass(fx, &early_b);
	tick(fx, t + 239999, &a, 1, 4);
	tick(fx, t + 240000, &a, 0, 0);
	CHECK_INT(a.calls, 0);
	fx_free(fx);

	/* observed: a call on hold both ways has no pinhole to ask about
	 * and expires though its SIP dialog goes on; SIP traffic (session
	 * timer re-INVITEs) does not postpone it */
	unit_case("expiry: a=inactive call with alive()");
	fx = fx_new(&cfg);
	if (!CHECK(fx))
		return;
	a = (struct alive_ctx){ .rec = &fx->rec, .answer = true };
	expect_pass(fx, &invite_a);
	expect_pass(fx, &ok_b);
	t = fx->now;
	expect_pass(fx, &(struct msg_spec){ .method = "INVITE", .txn = PARTY_A,
		    .cseq = 2, .btag = "b1",
		    .sdp = SDP4(A_IP, AUDIO("4000") ATTR("inactive")) });
	expect_pass(fx, &(struct msg_spec){ .method = "INVITE", .status = 200,
		    .txn = PARTY_A, .cseq = 2, .btag = "b1",
		    .sdp = SDP4(B_IP, AUDIO("5000") ATTR("inactive")) });
	tick(fx, t + 60000, &a, 0, 0);
	CHECK_INT(a.calls, 0);
	fx_free(fx);
}

/* ---- adoption ----------------------------------------------------------- */

/**
 * struct adopt_case - a call set up in one engine, its pinholes handed to
 * a fresh one with engine_adopt(), and a BYE there.
 * @call_id: NULL: MSG_CALL_ID;  @long_id: a Call-ID of this many bytes
 * @setup:   messages of the first engine (all must pass)
 * @n_live:  pinholes that leaves
 */
struct adopt_case {
	const char		*name;
	bool			dst_only;
	size_t			long_id;
	const struct msg_spec	*setup;
	size_t			n_setup;
	unsigned int		n_live;
};

#define SETUP(...)							\
	.setup = (const struct msg_spec[]){ __VA_ARGS__ },		\
	.n_setup = sizeof((const struct msg_spec[]){ __VA_ARGS__ }) /	\
		   sizeof(struct msg_spec)
#define M_INV(body)	{ .method = "INVITE", .txn = PARTY_A, .cseq = 1,	\
			  .sdp = (body) }
#define M_200(body)	{ .method = "INVITE", .status = 200,		\
			  .txn = PARTY_A, .cseq = 1, .btag = "b1",	\
			  .sdp = (body) }
#define M_ACK		{ .method = "ACK", .txn = PARTY_A, .cseq = 1,	\
			  .btag = "b1" }

static const struct adopt_case adopt_cases[] = {
	{ "basic call", .n_live = 4,
	  SETUP(M_INV(SDP_A), M_200(SDP_B), M_ACK) },
	{ "basic call, destination match", .dst_only = true, .n_live = 4,
	  SETUP(M_INV(SDP_A), M_200(SDP_B), M_ACK) },
	{ "late offer (B offered)", .n_live = 4,
	  SETUP(M_INV(NULL), M_200(SDP_B),
		{ .method = "ACK", .txn = PARTY_A, .cseq = 1, .btag = "b1",
		  .sdp = SDP_A }) },
	{ "rtcp-mux", .n_live = 2,
	  SETUP(M_INV(SDP4(A_IP, AUDIO("4000") ATTR("rtcp-mux"))),
		M_200(SDP4(B_IP, AUDIO("5000") ATTR("rtcp-mux"))), M_ACK) },
	{ "a=rtcp with a port, and with an address", .n_live = 4,
	  SETUP(M_INV(SDP4(A_IP, AUDIO("4000") ATTR("rtcp:4999"))),
		M_200(SDP4(B_IP, AUDIO("5000")
			   ATTR("rtcp:5999 IN IP4 198.51.100.21"))),
		M_ACK) },
	{ "on hold (only B receives)", .n_live = 2,
	  SETUP(M_INV(SDP4(A_IP, AUDIO("4000") ATTR("sendonly"))),
		M_200(SDP4(B_IP, AUDIO("5000") ATTR("recvonly"))), M_ACK) },
	{ "audio and video, video on hold", .n_live = 6,
	  SETUP(M_INV(SDP4(A_IP, AUDIO("4000") VIDEO("4002") ATTR("sendonly"))),
		M_200(SDP4(B_IP, AUDIO("5000") VIDEO("5002") ATTR("recvonly"))),
		M_ACK) },
	{ "IPv6", .n_live = 4,
	  SETUP(M_INV(SDP6(A_IP6, AUDIO("4000"))),
		M_200(SDP6(B_IP6, AUDIO("5000"))), M_ACK) },
	{ "Call-ID of DIALOG_CALL_ID_KEEP bytes", .long_id = DIALOG_CALL_ID_KEEP,
	  .n_live = 4, SETUP(M_INV(SDP_A), M_200(SDP_B), M_ACK) },
	{ "Call-ID of DIALOG_CALL_ID_KEEP + 1 bytes",
	  .long_id = DIALOG_CALL_ID_KEEP + 1, .n_live = 4,
	  SETUP(M_INV(SDP_A), M_200(SDP_B), M_ACK) },
	{ "Call-ID of PINHOLE_CALL_ID_MAX bytes", .long_id = 96, .n_live = 4,
	  SETUP(M_INV(SDP_A), M_200(SDP_B), M_ACK) },
	{ "Call-ID of PINHOLE_CALL_ID_MAX + 1 bytes", .long_id = 97, .n_live = 4,
	  SETUP(M_INV(SDP_A), M_200(SDP_B), M_ACK) },
	{ "Call-ID of 200 bytes", .long_id = 200, .n_live = 4,
	  SETUP(M_INV(SDP_A), M_200(SDP_B), M_ACK) },
};

static void run_adopt_case(const struct adopt_case *c)
{
	static struct pinhole snap[REC_MAX];
	static char id[DIALOG_CALL_ID_MAX + 1];
	static char want_txt[REC_MAX][96];
	const char *want[REC_MAX + 1];
	struct engine_config cfg;
	struct engine_verdict v;
	struct fx *fx1, *fx2;
	const struct dialog *d;
	unsigned int n, i, cursor = 0;
	struct msg_spec m;
	struct sent s;
	size_t k;

	unit_case("adopt: %s", c->name);
	engine_config_defaults(&cfg);
	cfg.match = c->dst_only ? PINHOLE_MATCH_DST : PINHOLE_MATCH_DST_PEER;
	if (c->long_id) {
		/* differs from a same-length neighbour only at the end */
		fill(id, c->long_id, 'L');
		id[c->long_id - 1] = 'z';
	}
	fx1 = fx_new(&cfg);
	fx2 = fx_new(&cfg);
	if (!CHECK(fx1 && fx2))
		goto out;
	for (k = 0; k < c->n_setup; k++) {
		m = c->setup[k];
		if (c->long_id)
			m.call_id = id;
		expect_pass(fx1, &m);
	}
	n = fx1->rec.n_live;
	CHECK_INT(n, c->n_live);
	memcpy(snap, fx1->rec.live, n * sizeof(snap[0]));

	/* the kernel still holds them; a fresh voipfwd adopts them */
	memcpy(fx2->rec.live, snap, n * sizeof(snap[0]));
	fx2->rec.n_live = n;
	for (i = 0; i < n; i++)
		engine_adopt(fx2->e, &snap[i], fx2->now);
	CHECK_INT(fx_dialogs(fx2), 1);
	fx_invariants(fx2);
	d = engine_next_dialog(fx2->e, &cursor);
	if (CHECK(d)) {
		CHECK_INT(d->state, DIALOG_ADOPTED);
		CHECK_INT(d->call_id_len, c->long_id ? c->long_id :
			  strlen(MSG_CALL_ID));
		CHECK(!engine_next_dialog(fx2->e, &cursor));
	}

	/* its BYE deletes exactly those: same keys, nothing else */
	m = (struct msg_spec){ .method = "BYE", .txn = PARTY_A, .cseq = 2,
			       .btag = "b1", .call_id = c->long_id ? id : NULL };
	fx_msg(fx2, &m, NULL, &v, &s);
	CHECK(v.accept);
	CHECK_INT(s.commits, 1);
	CHECK_INT(s.adds, 0);
	CHECK_INT(s.dels, n);
	for (i = 0; i < n; i++) {
		ph_str(&snap[i], want_txt[i], sizeof(want_txt[i]));
		want[i] = want_txt[i];
	}
	want[n] = NULL;
	{
		struct pinhole dels[REC_MAX];
		unsigned int nd = 0;

		for (i = s.done_from; i < fx2->rec.n_done && nd < REC_MAX; i++)
			if (!fx2->rec.done[i].add)
				dels[nd++] = fx2->rec.done[i].ph;
		check_set(dels, nd, want, "deleted pinholes", __FILE__,
			  __LINE__);
	}
	CHECK_INT(fx2->rec.n_live, 0);
	CHECK_INT(fx_dialogs(fx2), 0);
out:
	fx_free(fx1);
	fx_free(fx2);
}

/* An adopted call renegotiates like one followed from the start. */
static void test_adopt_then_reinvite(void)
{
	static struct pinhole snap[REC_MAX];
	struct engine_config cfg;
	struct engine_verdict v;
	struct fx *fx1, *fx2;
	unsigned int n, i;
	struct sent s;
	static const char *const want[] = {
		TO_A("4002"), TO_A("4003"), TO_B("5000"), TO_B("5001"), NULL,
	};

	unit_case("adopt: a re-INVITE after adoption moves only A's media");
	engine_config_defaults(&cfg);
	fx1 = fx_new(&cfg);
	fx2 = fx_new(&cfg);
	if (!CHECK(fx1 && fx2))
		goto out;
	expect_pass(fx1, &invite_a);
	expect_pass(fx1, &ok_b);
	n = fx1->rec.n_live;
	memcpy(snap, fx1->rec.live, n * sizeof(snap[0]));
	memcpy(fx2->rec.live, snap, n * sizeof(snap[0]));
	fx2->rec.n_live = n;
	for (i = 0; i < n; i++)
		engine_adopt(fx2->e, &snap[i], fx2->now);
	expect_pass(fx2, &(struct msg_spec){ .method = "INVITE",
		    .txn = PARTY_A, .cseq = 2, .btag = "b1",
		    .sdp = SDP4(A_IP, AUDIO("4002")) });
	fx_msg(fx2, &(struct msg_spec){ .method = "INVITE", .status = 200,
	       .txn = PARTY_A, .cseq = 2, .btag = "b1", .sdp = SDP_B },
	       NULL, &v, &s);
	CHECK(v.accept);
	CHECK_INT(s.commits, 1);
	CHECK_INT(s.adds, 2);
	CHECK_INT(s.dels, 2);
	check_set(fx2->rec.live, fx2->rec.n_live, want, "live pinholes",
		  __FILE__, __LINE__);
out:
	fx_free(fx1);
	fx_free(fx2);
}

/* ---- group commit: several messages, one transaction ------------------- */

/* engine_message() of @m from its sender; nothing committed yet. */
static void gsend(struct fx *fx, const struct msg_spec *m,
		  struct engine_verdict *v)
{
	static char buf[16384];
	bool from_a = (m->txn == PARTY_A) == !m->status;
	int n = msg_build(buf, sizeof(buf), m);
	struct pkt_meta meta;

	memset(v, 0, sizeof(*v));
	if (!CHECK(n > 0) || !CHECK(!meta_from(&meta, from_a ? A_SIG : B_SIG)))
		return;
	fx->now += 10;
	engine_message(fx->e, &meta, buf, (size_t)n, fx->now, v);
}

static const struct msg_spec ack_a = {
	.method = "ACK", .txn = PARTY_A, .cseq = 1, .btag = "b1",
};
static const struct msg_spec bye_a = {
	.method = "BYE", .txn = PARTY_A, .cseq = 2, .btag = "b1",
};

static struct fx *fx_group(bool fail_open)
{
	struct engine_config cfg;

	engine_config_defaults(&cfg);
	cfg.group_commit = true;
	cfg.fail_open = fail_open;
	return fx_new(&cfg);
}

static void test_group(void)
{
	struct engine_verdict v, v2;
	struct engine_stats st;
	struct fx *fx;
	unsigned int c0;

	unit_case("group commit: a whole call in one batch, one commit");
	fx = fx_group(false);
	if (!CHECK(fx))
		return;
	gsend(fx, &invite_a, &v);
	CHECK(v.accept && !v.pending);
	gsend(fx, &ok_b, &v);
	CHECK(v.accept && v.pending);
	CHECK_INT(v.opened, 4);
	/* queued, not live: the verdicts wait for engine_commit() */
	CHECK_INT(fx->rec.n_pending, 4);
	CHECK_INT(fx->rec.n_live, 0);
	gsend(fx, &ack_a, &v);
	CHECK(v.accept && !v.pending);
	CHECK_INT(fx->rec.commits, 0);
	CHECK_INT(engine_commit(fx->e), 0);
	CHECK_INT(fx->rec.commits, 1);
	CHECK_INT(fx->rec.n_live, 4);
	CHECK_INT(fx->rec.n_pending, 0);
	/* nothing queued: no commit at all */
	CHECK_INT(engine_commit(fx->e), 0);
	CHECK_INT(fx->rec.commits, 1);
	gsend(fx, &bye_a, &v);
	CHECK(v.accept && v.pending);
	CHECK_INT(v.closed, 4);
	CHECK_INT(fx_dialogs(fx), 0);
	CHECK_INT(engine_commit(fx->e), 0);
	CHECK_INT(fx->rec.n_live, 0);
	fx_invariants(fx);
	engine_get_stats(fx->e, &st);
	CHECK_INT(st.commits, 2);
	CHECK_INT(st.commit_failures, 0);
	fx_free(fx);

	unit_case("group commit: answer and BYE of a call in the same batch");
	fx = fx_group(false);
	if (!CHECK(fx))
		return;
	gsend(fx, &invite_a, &v);
	gsend(fx, &ok_b, &v);
	gsend(fx, &bye_a, &v2);
	CHECK(v.pending && v2.pending);
	CHECK_INT(engine_commit(fx->e), 0);
	CHECK_INT(fx->rec.commits, 1);
	CHECK_INT(fx->rec.n_live, 0);
	fx_invariants(fx);
	fx_free(fx);

	unit_case("group commit fails on the 200, fail-closed: verdict, stats, re-add");
	fx = fx_group(false);
	if (!CHECK(fx))
		return;
	gsend(fx, &invite_a, &v);
	gsend(fx, &ok_b, &v);
	CHECK(v.pending);
	fx->rec.fail = true;
	c0 = fx->log.n;
	CHECK_INT(engine_commit(fx->e), -1);
	fx->rec.fail = false;
	CHECK(log_has(&fx->log, c0, LOG_ERR, "pinhole commit failed"));
	CHECK_INT(fx->rec.n_live, 0);
	engine_get_stats(fx->e, &st);
	CHECK_INT(st.commit_failures, 1);
	CHECK_INT(st.accepted, 1);		/* the INVITE */
	CHECK_INT(st.dropped, 1);		/* the 200, fail-closed */
	CHECK_INT(st.by_reason[ENGINE_R_COMMIT_FAILED], 1);
	CHECK_INT(st.by_reason[ENGINE_R_OK], 1);
	CHECK_INT(st.pinholes_opened, 0);
	/* the UAS sends its 200 again: every pinhole of the call is added */
	gsend(fx, &ok_b, &v);
	CHECK(v.accept && v.pending);
	CHECK_INT(v.opened, 4);
	CHECK_INT(engine_commit(fx->e), 0);
	CHECK_INT(fx->rec.n_live, 4);
	engine_get_stats(fx->e, &st);
	CHECK_INT(st.pinholes_opened, 4);
	CHECK_INT(st.pinholes, 4);
	/* in step again: a further retransmission changes nothing */
	c0 = fx->rec.commits;
	gsend(fx, &ok_b, &v);
	CHECK(v.accept && !v.pending);
	CHECK_INT(engine_commit(fx->e), 0);
	CHECK_INT(fx->rec.commits, c0);
	gsend(fx, &bye_a, &v);
	CHECK_INT(engine_commit(fx->e), 0);
	CHECK_INT(fx->rec.n_live, 0);
	CHECK_INT(fx->rec.missing_dels, 0);
	fx_free(fx);

	unit_case("group commit fails on the 200, fail-open: counted as passed");
	fx = fx_group(true);
	if (!CHECK(fx))
		return;
	gsend(fx, &invite_a, &v);
	gsend(fx, &ok_b, &v);
	fx->rec.fail = true;
	CHECK_INT(engine_commit(fx->e), -1);
	fx->rec.fail = false;
	engine_get_stats(fx->e, &st);
	CHECK_INT(st.accepted, 2);
	CHECK_INT(st.dropped, 0);
	CHECK_INT(st.by_reason[ENGINE_R_COMMIT_FAILED], 1);
	fx_free(fx);

	unit_case("group commit fails on the BYE: the closes are retried by the tick");
	fx = fx_group(false);
	if (!CHECK(fx))
		return;
	gsend(fx, &invite_a, &v);
	gsend(fx, &ok_b, &v);
	CHECK_INT(engine_commit(fx->e), 0);
	gsend(fx, &bye_a, &v);
	CHECK(v.pending);
	fx->rec.fail = true;
	CHECK_INT(engine_commit(fx->e), -1);
	CHECK_INT(fx->rec.n_live, 4);		/* the kernel still has them */
	CHECK_INT(fx_dialogs(fx), 0);
	/* the retry fails too: kept for the next tick */
	engine_tick(fx->e, fx->now + 1000, NULL, NULL);
	CHECK_INT(fx->rec.n_pending, 4);
	CHECK_INT(engine_commit(fx->e), -1);
	fx->rec.fail = false;
	engine_tick(fx->e, fx->now + 2000, NULL, NULL);
	CHECK_INT(engine_commit(fx->e), 0);
	CHECK_INT(fx->rec.n_live, 0);
	CHECK_INT(fx->rec.missing_dels, 0);
	engine_get_stats(fx->e, &st);
	CHECK_INT(st.pinholes_opened, 4);
	CHECK_INT(st.pinholes_closed, 4);
	CHECK_INT(st.commit_failures, 2);
	/* done: the next tick has nothing to retry */
	c0 = fx->rec.commits;
	engine_tick(fx->e, fx->now + 3000, NULL, NULL);
	CHECK_INT(engine_commit(fx->e), 0);
	CHECK_INT(fx->rec.commits, c0);
	fx_free(fx);

	unit_case("group commit: a retried close skips an element a new call took");
	fx = fx_group(false);
	if (!CHECK(fx))
		return;
	gsend(fx, &invite_a, &v);
	gsend(fx, &ok_b, &v);
	CHECK_INT(engine_commit(fx->e), 0);
	gsend(fx, &bye_a, &v);
	fx->rec.fail = true;
	CHECK_INT(engine_commit(fx->e), -1);
	fx->rec.fail = false;
	/* the same parties call again with the same media before the tick */
	gsend(fx, &(struct msg_spec){ .method = "INVITE", .txn = PARTY_A,
	      .cseq = 1, .sdp = SDP_A, .call_id = "call-again" }, &v);
	gsend(fx, &(struct msg_spec){ .method = "INVITE", .status = 200,
	      .txn = PARTY_A, .cseq = 1, .btag = "b1", .sdp = SDP_B,
	      .call_id = "call-again" }, &v);
	CHECK(v.accept && v.pending);
	CHECK_INT(engine_commit(fx->e), 0);
	engine_tick(fx->e, fx->now + 1000, NULL, NULL);
	CHECK_INT(fx->rec.n_pending, 0);
	CHECK_INT(engine_commit(fx->e), 0);
	CHECK_INT(fx->rec.n_live, 4);
	engine_get_stats(fx->e, &st);
	CHECK_INT(st.pinholes, 4);
	fx_free(fx);
}

/* ---- stats -------------------------------------------------------------- */

static void test_stats(void)
{
	struct engine_config cfg;
	struct engine_stats st;
	struct engine_verdict v;
	struct sent s;
	struct fx *fx;

	unit_case("stats: counters of a short session");
	engine_config_defaults(&cfg);
	cfg.max_dialogs = 1;
	fx = fx_new(&cfg);
	if (!CHECK(fx))
		return;
	fx_send(fx, CRLF CRLF, 4, A_SIG, NULL, &v, &s);
	fx_send(fx, "", 0, A_SIG, NULL, &v, &s);
	expect_pass(fx, &invite_a);
	fx_msg(fx, &(struct msg_spec){ .method = "INVITE", .txn = PARTY_A,
	       .cseq = 1, .call_id = "call-2" }, NULL, &v, &s);
	CHECK(!v.accept);
	expect_pass(fx, &ok_b);
	expect_pass(fx, &(struct msg_spec){ .method = "BYE", .txn = PARTY_A,
		    .cseq = 2, .btag = "b1" });

	engine_get_stats(fx->e, &st);
	CHECK_INT(st.messages, 6);
	CHECK_INT(st.accepted, 4);
	CHECK_INT(st.dropped, 2);
	CHECK_INT(st.by_reason[ENGINE_R_OK], 3);
	CHECK_INT(st.by_reason[ENGINE_R_KEEPALIVE], 1);
	CHECK_INT(st.by_reason[ENGINE_R_PARSE], 1);
	CHECK_INT(st.by_sip_reason[SIP_ERR_TRUNCATED], 1);
	CHECK_INT(st.by_reason[ENGINE_R_DIALOG_LIMIT], 1);
	CHECK_INT(st.pinholes_opened, 4);
	CHECK_INT(st.pinholes_closed, 4);
	CHECK_INT(st.dialogs, 0);
	CHECK_INT(st.pinholes, 0);
	fx_check_stats(fx);
	fx_free(fx);

	unit_case("engine_reason_str: every reason has a token");
	{
		unsigned int i;

		for (i = 0; i < __ENGINE_R_MAX; i++)
			CHECK_MSG(engine_reason_str((enum engine_reason)i) &&
				  strcmp(engine_reason_str((enum engine_reason)i),
					 "unknown"),
				  "reason %u has no token", i);
		CHECK_STR(engine_reason_str(__ENGINE_R_MAX), "unknown");
		CHECK_STR(engine_reason_str(ENGINE_R_COMMIT_FAILED),
			  "commit-failed");
	}
}

/*
 * engine_kill_call: the operator's "kill-call" ends a call as a BYE
 * would: every pinhole closed in one commit, the dialog forgotten; an
 * unknown Call-ID changes nothing.  With group commit the closes wait
 * for engine_commit(); when that fails they are retried by the tick.
 */
static void test_kill_call(void)
{
	struct engine_config cfg;
	struct fx *fx;
	unsigned int c0, group;

	for (group = 0; group < 2; group++) {
		unit_case(group ? "kill-call: group commit" : "kill-call");
		engine_config_defaults(&cfg);
		cfg.group_commit = group;
		fx = fx_new(&cfg);
		if (!CHECK(fx))
			return;
		expect_pass(fx, &invite_a);
		expect_pass(fx, &ok_b);
		CHECK_INT(fx_dialogs(fx), 1);
		CHECK_INT(fx->rec.n_live, 4);
		c0 = fx->rec.commits;
		CHECK_INT(engine_kill_call(fx->e, "no-such-call", 12), 0);
		CHECK_INT(engine_kill_call(fx->e, MSG_CALL_ID, 3), 0);
		CHECK_INT(fx_dialogs(fx), 1);
		CHECK_INT(engine_kill_call(fx->e, MSG_CALL_ID,
					   strlen(MSG_CALL_ID)), 1);
		if (group) {
			CHECK_INT(fx->rec.n_live, 4);	/* not before the commit */
			CHECK_INT(engine_commit(fx->e), 0);
		}
		CHECK_INT(fx->rec.commits - c0, 1);
		CHECK_INT(fx->rec.n_live, 0);
		CHECK_INT(fx->rec.n_pending, 0);
		CHECK_INT(fx_dialogs(fx), 0);
		fx->tally.pinholes_closed += 4;
		CHECK(log_has(&fx->log, 0, LOG_NOTICE, "ended by the operator"));
		CHECK_INT(engine_kill_call(fx->e, MSG_CALL_ID,
					   strlen(MSG_CALL_ID)), 0);
		fx_check_stats(fx);
		fx_free(fx);
	}

	unit_case("kill-call: group commit fails, the tick retries the closes");
	engine_config_defaults(&cfg);
	cfg.group_commit = true;
	fx = fx_new(&cfg);
	if (!CHECK(fx))
		return;
	expect_pass(fx, &invite_a);
	expect_pass(fx, &ok_b);
	CHECK_INT(engine_kill_call(fx->e, MSG_CALL_ID, strlen(MSG_CALL_ID)), 1);
	fx->rec.fail = true;
	CHECK_INT(engine_commit(fx->e), -1);
	fx->rec.fail = false;
	CHECK_INT(fx->rec.n_live, 4);
	CHECK_INT(fx_dialogs(fx), 0);
	engine_tick(fx->e, fx->now + 1000, NULL, NULL);
	CHECK_INT(engine_commit(fx->e), 0);
	CHECK_INT(fx->rec.n_live, 0);
	fx_free(fx);
}

/*
 * More pinholes in the kernel than the reference table has room for
 * (2x max-pinholes keys): the rest are not adopted, and say so, and the
 * call never implies a pinhole the engine does not count.
 */
static void test_adopt_limit(void)
{
	static struct pinhole snap[REC_MAX];
	struct engine_config cfg;
	struct engine_verdict v;
	struct engine_stats st;
	struct fx *fx1, *fx2;
	unsigned int n, i, from;
	struct sent s;

	unit_case("adopt: beyond the room for 2x max-pinholes keys");
	engine_config_defaults(&cfg);
	fx1 = fx_new(&cfg);
	cfg.max_pinholes = 1;
	fx2 = fx_new(&cfg);
	if (!CHECK(fx1 && fx2))
		goto out;
	expect_pass(fx1, &invite_a);
	expect_pass(fx1, &ok_b);
	n = fx1->rec.n_live;
	CHECK_INT(n, 4);
	memcpy(snap, fx1->rec.live, n * sizeof(snap[0]));
	memcpy(fx2->rec.live, snap, n * sizeof(snap[0]));
	fx2->rec.n_live = n;
	from = fx2->log.n;
	for (i = 0; i < n; i++)
		engine_adopt(fx2->e, &snap[i], fx2->now);
	engine_get_stats(fx2->e, &st);
	CHECK_INT(st.pinholes, 2);
	CHECK_INT(st.dialogs, 1);
	CHECK(log_has(&fx2->log, from, LOG_WARNING,
		      "max-pinholes (1) reached: pinhole of call"));
	/* the two it does not know time out in the kernel; its BYE deletes
	 * the two it knows */
	fx2->rec.n_live = 2;
	fx_msg(fx2, &(struct msg_spec){ .method = "BYE", .txn = PARTY_A,
	       .cseq = 2, .btag = "b1" }, NULL, &v, &s);
	CHECK(v.accept);
	CHECK_INT(s.dels, 2);
	CHECK_INT(fx2->rec.missing_dels, 0);
	CHECK_INT(fx2->rec.n_live, 0);
	CHECK_INT(fx_dialogs(fx2), 0);
	engine_get_stats(fx2->e, &st);
	CHECK_INT(st.pinholes, 0);
out:
	fx_free(fx1);
	fx_free(fx2);
}

int main(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(scenarios); i++) {
		run_scenario(&scenarios[i], false);
		/* failed group commits have their own rules: test_group */
		if (!has_failure(&scenarios[i]))
			run_scenario(&scenarios[i], true);
	}
	test_group();
	test_call_id_lengths();
	test_expiry();
	for (i = 0; i < ARRAY_SIZE(adopt_cases); i++)
		run_adopt_case(&adopt_cases[i]);
	test_adopt_then_reinvite();
	test_adopt_limit();
	test_stats();
	test_kill_call();
	return unit_summary("engine");
}
