// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * engine.c - follow calls through their SIP messages and keep exactly
 * their negotiated media open.
 *
 * Offer/answer (RFC 3264, RFC 6337 for the corner cases): whatever SDP a
 * side sends while the other side's offer is pending is the answer;
 * otherwise it is a new offer.  While the initial INVITE is unanswered
 * the offer stays pending after an early answer, so each fork's 18x and
 * the final 2xx can answer it.  When an answer arrives, the pinholes the
 * new session implies are compared with those installed; the difference
 * is committed before the verdict on the answering message is given.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "engine.h"
#include "../detect/regwatch.h"
#include "../inspect/inspect.h"
#include "../pinhole/phref.h"
#include "../sip/sip_rewrite.h"
#include "../toll/dialplan.h"

/*
 * A source's open calls and the pinholes they hold (open addressing,
 * linear probing).
 */
struct src_slot {
	uint8_t		family;		/* 0: empty */
	uint8_t		addr[16];
	uint32_t	count;
	uint32_t	pinholes;
};

/* The largest SIP message a rewrite makes: a UDP payload in IPv4. */
#define ENGINE_REWRITE_MAX	(65535 - 20 - 8)

/* bans one group commit remembers, to undo in the guard if it fails */
#define ENGINE_BATCH_BANS	64

struct engine {
	struct engine_config		cfg;
	struct pinhole_backend		be;
	engine_log_fn			log;
	void				*log_arg;
	struct dialog_table		*dialogs;
	struct src_slot			*srcs;
	unsigned int			n_srcs;
	struct phref_table		*refs;
	unsigned int			n_pinholes;
	struct engine_stats		st;
	uint64_t			limit_logged_ms;
	struct guard			*guard;		/* not owned; may be NULL */
	struct compliance		*comp;		/* not owned; may be NULL */
	struct engine_toll		toll;		/* .tg NULL: off */
	uint64_t			now_ms;		/* of the message or tick */
	/*
	 * Group commit (cfg.group_commit).  @epoch numbers the commit being
	 * built; a call whose changes it carries has that commit_epoch.
	 * @queued: it carries changes.  @closes holds, first, the @n_retry
	 * pinholes an earlier failed commit was to close (engine_tick tries
	 * again), then the @n_closing this one closes; @closes_lost counts
	 * those that did not fit (they close at their kernel timeout).
	 */
	uint32_t			epoch;
	bool				queued;
	uint64_t			batch_opened;
	uint64_t			batch_closed;
	uint64_t			batch_messages;
	struct pinhole			*closes;
	unsigned int			n_retry;
	unsigned int			n_closing;
	uint64_t			closes_lost;
	/* the sources this commit bans: a failed commit bans none of them,
	 * and the guard must stop believing it did */
	struct engine_batch_ban {
		uint8_t			family;
		uint8_t			addr[16];
	}				bans[ENGINE_BATCH_BANS];
	unsigned int			n_bans;
	unsigned int			bans_untracked;
	/* scratch, here rather than on the stack: ~20 KiB */
	struct inspect_result		res;
	struct pinhole			old[DIALOG_MAX_PINHOLES];
	struct pinhole			new[DIALOG_MAX_PINHOLES];
	/* the normalized message of the last engine_message() */
	char				rewrite[ENGINE_REWRITE_MAX];
};

static const char *const engine_reason_names[__ENGINE_R_MAX] = {
	[ENGINE_R_OK]			= "ok",
	[ENGINE_R_KEEPALIVE]		= "keepalive",
	[ENGINE_R_NOT_SIP]		= "not-sip",
	[ENGINE_R_DIALOG_LIMIT]		= "dialog-limit",
	[ENGINE_R_SOURCE_LIMIT]		= "source-limit",
	[ENGINE_R_PINHOLE_LIMIT]	= "pinhole-limit",
	[ENGINE_R_MEDIA_LIMIT]		= "media-limit",
	[ENGINE_R_CALL_ID_TOO_LONG]	= "call-id-too-long",
	[ENGINE_R_COMMIT_FAILED]	= "commit-failed",
	[ENGINE_R_PARSE]		= "parse",
	[ENGINE_R_SOURCE_PINHOLE_LIMIT]	= "source-pinhole-limit",
	[ENGINE_R_GUARD]		= "guard",
	[ENGINE_R_TOLL]			= "toll",
	[ENGINE_R_USER_BLOCKED]		= "user-blocked",
	[ENGINE_R_REWRITE_FAILED]	= "rewrite-failed",
};

/* Closes one group commit can retry if it fails (about 150 KiB). */
#define ENGINE_CLOSES_MAX	1024

const char *engine_reason_str(enum engine_reason r)
{
	if ((unsigned int)r >= __ENGINE_R_MAX)
		return "unknown";
	return engine_reason_names[r];
}

const char *engine_verdict_reason(const struct engine_verdict *v)
{
	if (v->reason == ENGINE_R_PARSE)
		return sip_reason_str(v->sip_reason);
	if (v->reason == ENGINE_R_GUARD)
		return guard_reason_str(v->guard.reason);
	if (v->reason == ENGINE_R_TOLL)
		return engine_toll_reason_str(v->toll_reason);
	return engine_reason_str(v->reason);
}

void engine_set_guard(struct engine *e, struct guard *g)
{
	e->guard = g;
}

void engine_unbanned(struct engine *e, int family, const uint8_t *addr)
{
	if (e->guard)
		guard_unbanned(e->guard, family, addr);
}

void engine_set_compliance(struct engine *e, struct compliance *c)
{
	e->comp = c;
}

void engine_config_defaults(struct engine_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->strictness = SIP_POLICY_DEFAULT;
	cfg->match = PINHOLE_MATCH_DST_PEER;
	cfg->pinhole_timeout_s = 60;
	cfg->trying_timeout_s = 240;
	cfg->max_dialogs = 65536;
	cfg->max_dialogs_per_source = 512;
	cfg->max_pinholes = 262144;
	cfg->max_pinholes_per_source = 4096;
	cfg->fail_open = false;
}

struct engine *engine_new(const struct engine_config *cfg,
			  const struct pinhole_backend *backend,
			  engine_log_fn log, void *log_arg)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->cfg = *cfg;
	e->be = *backend;
	e->log = log;
	e->log_arg = log_arg;
	e->dialogs = dialog_table_new(cfg->max_dialogs);
	if (!e->dialogs)
		goto err_dialogs;
	e->n_srcs = 2 * cfg->max_dialogs;
	e->srcs = calloc(e->n_srcs, sizeof(*e->srcs));
	if (!e->srcs)
		goto err_srcs;
	e->refs = phref_new(cfg->max_pinholes ? cfg->max_pinholes : 1);
	if (!e->refs)
		goto err_refs;
	e->epoch = 1;
	if (cfg->group_commit) {
		e->closes = calloc(ENGINE_CLOSES_MAX, sizeof(*e->closes));
		if (!e->closes)
			goto err_closes;
	}
	return e;
err_closes:
	free(e->refs);
err_refs:
	free(e->srcs);
err_srcs:
	dialog_table_free(e->dialogs);
err_dialogs:
	free(e);
	return NULL;
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	free(e->closes);
	phref_free(e->refs);
	free(e->srcs);
	dialog_table_free(e->dialogs);
	free(e);
}

const struct engine_config *engine_get_config(const struct engine *e)
{
	return &e->cfg;
}

void engine_get_stats(const struct engine *e, struct engine_stats *st)
{
	*st = e->st;
	st->dialogs = dialog_count(e->dialogs);
	st->pinholes = e->n_pinholes;
}

const struct dialog *engine_next_dialog(struct engine *e, unsigned int *cursor)
{
	return dialog_next(e->dialogs, cursor);
}

#define ELOG(e, prio, ...) \
	do { if ((e)->log) (e)->log((e)->log_arg, prio, __VA_ARGS__); } while (0)

/* Limits are logged at most once a second: is it time again? */
static bool limit_log_due(struct engine *e, uint64_t now_ms)
{
	if (now_ms - e->limit_logged_ms < 1000)
		return false;
	e->limit_logged_ms = now_ms;
	return true;
}

/* ---- per-source call counts ------------------------------------------ */

static struct src_slot *src_slot(struct engine *e, uint8_t family,
				 const uint8_t *addr, bool create)
{
	size_t n = family == 6 ? 16 : 4;
	uint64_t h = dialog_hash(span_make((const char *)addr, n)) ^ family;
	unsigned int i, idx;

	for (i = 0; i < e->n_srcs; i++) {
		struct src_slot *s;

		idx = (unsigned int)((h + i) % e->n_srcs);
		s = &e->srcs[idx];
		if (!s->family) {
			if (!create)
				return NULL;
			s->family = family;
			memcpy(s->addr, addr, n);
			return s;
		}
		if (s->family == family && !memcmp(s->addr, addr, n))
			return s;
	}
	return NULL;
}

static unsigned int src_home(const struct engine *e, const struct src_slot *s)
{
	size_t n = s->family == 6 ? 16 : 4;
	uint64_t h = dialog_hash(span_make((const char *)s->addr, n)) ^ s->family;

	return (unsigned int)(h % e->n_srcs);
}

/* Empty @s, shifting later entries of its probe run back (no tombstones,
 * so the table never fills with sources long gone). */
static void src_slot_free(struct engine *e, struct src_slot *s)
{
	unsigned int i = (unsigned int)(s - e->srcs), j = i, k;

	for (;;) {
		e->srcs[i].family = 0;
		for (;;) {
			j = (j + 1) % e->n_srcs;
			if (!e->srcs[j].family)
				return;
			k = src_home(e, &e->srcs[j]);
			/* stays if its home lies cyclically in (i, j] */
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue;
			break;
		}
		e->srcs[i] = e->srcs[j];
		i = j;
	}
}

/* ---- pinhole changes --------------------------------------------------- */

static bool in_list(const struct pinhole *ph, const struct pinhole *list,
		    unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (pinhole_same_key(ph, &list[i]))
			return true;
	return false;
}

/* With group commit: remember a close, to retry it if the commit fails. */
static void closing_note(struct engine *e, const struct pinhole *ph)
{
	if (e->n_retry + e->n_closing < ENGINE_CLOSES_MAX)
		e->closes[e->n_retry + e->n_closing++] = *ph;
	else
		e->closes_lost++;
}

/*
 * Replace the pinholes of @d's old session (@e->old, @n_old) by what its
 * current session implies, and commit (with group commit: queue for
 * engine_commit).  An element shared with another call is added by the
 * first and deleted by the last.  A call marked unsynced re-adds every
 * pinhole it keeps (an add of a live element changes nothing).  Returns
 * 0, or -1 when the commit failed: then nothing changed, in the kernel or
 * here.
 */
static int pinholes_sync(struct engine *e, struct dialog *d,
			 unsigned int n_old, struct engine_verdict *v)
{
	unsigned int n_new = dialog_pinholes(d, e->cfg.match,
					     e->cfg.pinhole_timeout_s * 1000,
					     e->new);
	bool gone[DIALOG_MAX_PINHOLES] = { false }, fresh[DIALOG_MAX_PINHOLES] = { false };
	unsigned int i, adds = 0, dels = 0, readds = 0, changes = 0;

	for (i = 0; i < n_old; i++) {
		gone[i] = !in_list(&e->old[i], e->new, n_new);
		if (gone[i] && phref_count(e->refs, &e->old[i]) <= 1) {
			e->be.ops->del(e->be.ctx, &e->old[i]);
			dels++;
			if (e->cfg.group_commit)
				closing_note(e, &e->old[i]);
		}
		changes += gone[i];
	}
	for (i = 0; i < n_new; i++) {
		fresh[i] = !in_list(&e->new[i], e->old, n_old);
		if (fresh[i] && phref_count(e->refs, &e->new[i]) == 0) {
			e->be.ops->add(e->be.ctx, &e->new[i]);
			adds++;
		} else if (!fresh[i] && d->unsynced) {
			e->be.ops->add(e->be.ctx, &e->new[i]);
			readds++;
		}
		changes += fresh[i];
	}
	if (!changes && !readds)
		return 0;
	if (e->cfg.group_commit) {
		if (adds || dels || readds) {
			e->queued = true;
			d->commit_epoch = e->epoch;
			v->pending = true;
		}
	} else if (adds || dels || readds) {
		if (e->be.ops->commit(e->be.ctx)) {
			e->st.commit_failures++;
			ELOG(e, LOG_ERR, "call %.*s: pinholes not committed: %s",
			     dialog_call_id_kept(d), d->call_id,
			     strerror(errno));
			return -1;
		}
		e->st.commits++;
	}
	d->unsynced = false;
	for (i = 0; i < n_old; i++)
		if (gone[i])
			phref_dec(e->refs, &e->old[i]);
	/* room for 2x max-pinholes keys: the limit check in session_apply()
	 * keeps them far below that */
	for (i = 0; i < n_new; i++)
		if (fresh[i] && phref_inc(e->refs, &e->new[i]))
			ELOG(e, LOG_ERR, "call %.*s: pinhole not counted: %s",
			     dialog_call_id_kept(d),
			     d->call_id, strerror(errno));
	e->n_pinholes = e->n_pinholes + adds - dels;
	/* re-adds count as opened: the failed commit did not open them */
	e->st.pinholes_opened += adds + readds;
	e->st.pinholes_closed += dels;
	e->batch_opened += adds + readds;
	e->batch_closed += dels;
	v->opened += adds + readds;
	v->closed += dels;
	return 0;
}

/*
 * A failed commit banned nobody: the guard forgets the bans it asked for
 * (the source's next offence bans it again) and they count as failed.
 * Bans beyond ENGINE_BATCH_BANS in one batch were not recorded: the guard
 * keeps believing in those until they would have ended (said in the log).
 */
static void bans_failed(struct engine *e)
{
	unsigned int i;

	for (i = 0; i < e->n_bans; i++)
		if (e->guard)
			guard_ban_failed(e->guard, e->bans[i].family,
					 e->bans[i].addr);
	e->st.ban_failures += e->n_bans + e->bans_untracked;
	if (e->n_bans + e->bans_untracked)
		ELOG(e, LOG_ERR, "%u bans of the failed commit are not in force%s",
		     e->n_bans + e->bans_untracked, e->bans_untracked ?
		     "; some sources stay believed banned until their ban would end" :
		     ": their sources are banned again at their next offence");
}

int engine_commit(struct engine *e)
{
	unsigned int cursor = 0;
	struct dialog *d;
	uint32_t failed = e->epoch;
	bool queued = e->queued;
	int rc = 0;

	e->queued = false;
	e->epoch++;
	if (!e->cfg.group_commit || !queued) {
		/* nothing to send */
	} else if (!e->be.ops->commit(e->be.ctx)) {
		e->st.commits++;
	} else {
		/* nothing of it is live: say so, and make it good later */
		e->st.commit_failures++;
		e->st.pinholes_opened -= e->batch_opened;
		e->st.pinholes_closed -= e->batch_closed;
		/* their messages were counted as passed: count the fail mode */
		e->st.by_reason[ENGINE_R_OK] -= e->batch_messages;
		e->st.by_reason[ENGINE_R_COMMIT_FAILED] += e->batch_messages;
		if (!e->cfg.fail_open) {
			e->st.accepted -= e->batch_messages;
			e->st.dropped += e->batch_messages;
		}
		while ((d = dialog_next(e->dialogs, &cursor)))
			if (d->commit_epoch == failed)
				d->unsynced = true;
		e->n_retry += e->n_closing;
		bans_failed(e);
		ELOG(e, LOG_ERR,
		     "pinhole commit failed: %s; %llu opened and %llu closed are not live: their calls retry with their next message, the closes are retried each second%s",
		     strerror(errno), (unsigned long long)e->batch_opened,
		     (unsigned long long)e->batch_closed,
		     e->closes_lost ? " (some did not fit: they close at their kernel timeout)" : "");
		rc = -1;
	}
	e->n_closing = 0;
	e->closes_lost = 0;
	e->n_bans = e->bans_untracked = 0;
	e->batch_opened = e->batch_closed = e->batch_messages = 0;
	return rc;
}

/* With group commit: queue again the closes a failed commit lost. */
static void closes_retry(struct engine *e)
{
	unsigned int i, n = e->n_retry;

	/* they join this commit's closes: [0, n_retry + n_closing) */
	e->n_retry = 0;
	e->n_closing += n;
	for (i = 0; i < n; i++) {
		/* a call may have taken the element again meanwhile */
		if (phref_count(e->refs, &e->closes[i]))
			continue;
		e->be.ops->del(e->be.ctx, &e->closes[i]);
		e->queued = true;
		e->st.pinholes_closed++;
		e->batch_closed++;
	}
}

static unsigned int pinholes_current(struct engine *e, const struct dialog *d)
{
	return dialog_pinholes(d, e->cfg.match, e->cfg.pinhole_timeout_s * 1000,
			       e->old);
}

/* Close every pinhole of @d and forget the call. */
static int dialog_end(struct engine *e, struct dialog *d,
		      struct engine_verdict *v)
{
	unsigned int n_old = pinholes_current(e, d);
	struct src_slot *s;
	int rc;

	d->has_active = false;
	rc = pinholes_sync(e, d, n_old, v);
	if (rc) {
		/* keep the call: a retransmitted BYE, or the next expiry
		 * check, tries again, and the pinholes stay accounted for */
		d->has_active = n_old != 0;
		return rc;
	}
	/* a call toll fraud does not follow (any more) is no error */
	if (e->toll.tg)
		tollguard_call_end(e->toll.tg, (uintptr_t)d, e->now_ms / 1000);
	if (d->src_family) {
		s = src_slot(e, d->src_family, d->src, false);
		if (s)
			s->pinholes = s->pinholes > n_old ? s->pinholes - n_old : 0;
		if (s && s->count && !--s->count)
			src_slot_free(e, s);
	}
	dialog_destroy(e->dialogs, d);
	return 0;
}

/* ---- offer/answer ------------------------------------------------------ */

static enum dialog_side message_side(const struct dialog *d,
				     const struct sip_msg *msg)
{
	bool from_caller = dialog_hash(msg->from.tag) == d->caller_tag_hash;

	/* a response comes from the side the request went to */
	if (msg->is_request)
		return from_caller ? DIALOG_CALLER : DIALOG_CALLEE;
	return from_caller ? DIALOG_CALLEE : DIALOG_CALLER;
}

static int session_apply(struct engine *e, struct dialog *d,
			 enum dialog_side offerer,
			 const struct media_desc *offer,
			 const struct media_desc *answer, uint64_t now_ms,
			 struct engine_verdict *v)
{
	unsigned int n_old = pinholes_current(e, d);
	struct media_desc prev[2], next[2];
	struct src_slot *src;
	uint8_t prev_offerer = d->active_offerer;
	bool prev_active = d->has_active;
	unsigned int n_new;

	dialog_session(d, prev);
	next[0] = *offer;
	next[1] = *answer;
	/* cannot fail: the session pool has an entry for every call */
	if (dialog_set_session(e->dialogs, d, next)) {
		v->reason = ENGINE_R_DIALOG_LIMIT;
		return -1;
	}
	d->active_offerer = (uint8_t)offerer;
	d->has_active = true;
	n_new = dialog_pinholes(d, e->cfg.match, 0, e->new);
	src = d->src_family ? src_slot(e, d->src_family, d->src, false) : NULL;
	if (src && n_new > n_old &&
	    src->pinholes + n_new - n_old > e->cfg.max_pinholes_per_source) {
		if (limit_log_due(e, now_ms))
			ELOG(e, LOG_WARNING,
			     "call %.*s: max-pinholes-per-source (%u) reached, media refused",
			     dialog_call_id_kept(d), d->call_id,
			     e->cfg.max_pinholes_per_source);
		v->reason = ENGINE_R_SOURCE_PINHOLE_LIMIT;
		goto undo;
	}
	if (e->n_pinholes + n_new > e->cfg.max_pinholes + n_old) {
		ELOG(e, LOG_WARNING,
		     "call %.*s: max-pinholes (%u) reached, media refused",
		     dialog_call_id_kept(d), d->call_id, e->cfg.max_pinholes);
		v->reason = ENGINE_R_PINHOLE_LIMIT;
		goto undo;
	}
	if (pinholes_sync(e, d, n_old, v)) {
		/* nothing was installed: the call keeps its old session, so
		 * a retransmission of this message tries again */
		v->reason = ENGINE_R_COMMIT_FAILED;
		goto undo;
	}
	if (src)
		src->pinholes = src->pinholes + n_new - n_old;
	return 0;
undo:
	dialog_set_session(e->dialogs, d, prev);
	d->active_offerer = prev_offerer;
	d->has_active = prev_active;
	return -1;
}

/*
 * A session description arrived from @side.  Returns 0, or -1 with the
 * verdict's reason set.
 */
static int on_sdp(struct engine *e, struct dialog *d, enum dialog_side side,
		  const struct sip_msg *msg, const struct sdp *sdp,
		  uint64_t now_ms, struct engine_verdict *v)
{
	struct media_desc desc, act[2];

	if (media_desc_from_sdp(sdp, &desc)) {
		v->reason = ENGINE_R_MEDIA_LIMIT;
		return -1;
	}
	if (d->offer && d->offer_side != side) {
		if (session_apply(e, d, (enum dialog_side)d->offer_side,
				  d->offer, &desc, now_ms, v))
			return -1;	/* the offer stays pending */
		if (!msg->is_request && msg->cseq_method == SIP_METHOD_INVITE)
			d->answer_cseq = msg->cseq;
		/* the initial offer stays open for other forks until a 2xx */
		if (!(d->state == DIALOG_TRYING &&
		      !(!msg->is_request && msg->status >= 200)))
			dialog_drop_offer(e->dialogs, d);
		return 0;
	}
	/*
	 * A later response of the INVITE transaction that was answered (a
	 * 2xx after a reliable 18x) repeats the answer (RFC 3262, RFC 6337
	 * 3.1); it is no new offer.  A 2xx to another INVITE (a re-INVITE
	 * without SDP) carries a new offer instead.
	 */
	if (!msg->is_request && d->has_active && side != d->active_offerer &&
	    msg->cseq_method == SIP_METHOD_INVITE &&
	    msg->cseq == d->answer_cseq) {
		dialog_session(d, act);
		return session_apply(e, d, (enum dialog_side)d->active_offerer,
				     &act[0], &desc, now_ms, v);
	}
	/* cannot fail: the offer pool has an entry for every call */
	if (dialog_set_offer(e->dialogs, d, side, &desc)) {
		v->reason = ENGINE_R_DIALOG_LIMIT;
		return -1;
	}
	return 0;
}

static int on_request(struct engine *e, const struct pkt_meta *meta,
		      const struct sip_msg *msg, const struct sdp *sdp,
		      struct dialog *d, const struct dialog_key *key,
		      uint64_t now_ms, struct engine_verdict *v)
{
	struct src_slot *s;
	bool fresh = false;

	switch (msg->method) {
	case SIP_METHOD_INVITE:
		if (!d) {
			s = src_slot(e, meta->family, meta->saddr, true);
			if (s && s->count >= e->cfg.max_dialogs_per_source) {
				v->reason = ENGINE_R_SOURCE_LIMIT;
				if (limit_log_due(e, now_ms))
					ELOG(e, LOG_WARNING,
					     "max-dialogs-per-source (%u) reached: new calls from this source refused",
					     e->cfg.max_dialogs_per_source);
				return -1;
			}
			d = dialog_create(e->dialogs, key);
			if (!d) {
				v->reason = ENGINE_R_DIALOG_LIMIT;
				if (limit_log_due(e, now_ms))
					ELOG(e, LOG_WARNING,
					     "max-dialogs (%u) reached: new calls refused",
					     e->cfg.max_dialogs);
				return -1;
			}
			if (s)
				s->count++;
			d->src_family = meta->family;
			memcpy(d->src, meta->saddr, 16);
			d->caller_tag_hash = dialog_hash(msg->from.tag);
			d->check_ms = now_ms + e->cfg.trying_timeout_s * 1000ULL;
			fresh = true;
		}
		d->invite_cseq = msg->cseq;
		d->last_ms = now_ms;
		if (sdp && on_sdp(e, d, message_side(d, msg), msg, sdp, now_ms, v)) {
			/* a refused first INVITE leaves no call behind */
			if (fresh) {
				struct engine_verdict scratch = { 0 };

				dialog_end(e, d, &scratch);
			}
			return -1;
		}
		return 0;
	case SIP_METHOD_ACK:
	case SIP_METHOD_UPDATE:
	case SIP_METHOD_PRACK:
		if (!d)
			return 0;
		d->last_ms = now_ms;
		if (sdp)
			return on_sdp(e, d, message_side(d, msg), msg, sdp, now_ms, v);
		return 0;
	case SIP_METHOD_BYE:
		/* the call is over when either side says so: close now, not
		 * when the 200 comes (which may never pass this way) */
		if (d && dialog_end(e, d, v))
			v->reason = ENGINE_R_COMMIT_FAILED;
		return v->reason == ENGINE_R_COMMIT_FAILED ? -1 : 0;
	case SIP_METHOD_CANCEL:
		if (d && d->state == DIALOG_TRYING && dialog_end(e, d, v)) {
			v->reason = ENGINE_R_COMMIT_FAILED;
			return -1;
		}
		return 0;
	default:
		return 0;
	}
}

static int on_response(struct engine *e, const struct sip_msg *msg,
		       const struct sdp *sdp, struct dialog *d,
		       uint64_t now_ms, struct engine_verdict *v)
{
	if (!d)
		return 0;
	d->last_ms = now_ms;
	switch (msg->cseq_method) {
	case SIP_METHOD_INVITE:
		if (msg->status >= 300) {
			/* a failed initial INVITE ends the call; a failed
			 * re-INVITE only withdraws its offer (RFC 3261 14.1) */
			if (d->state == DIALOG_TRYING) {
				/* a challenge: the call comes again with
				 * credentials, and counts then */
				if (e->toll.tg && (msg->status == 401 ||
						   msg->status == 407))
					tollguard_call_forget(e->toll.tg,
							      (uintptr_t)d,
							      now_ms / 1000);
				if (dialog_end(e, d, v)) {
					v->reason = ENGINE_R_COMMIT_FAILED;
					return -1;
				}
				return 0;
			}
			dialog_drop_offer(e->dialogs, d);
			return 0;
		}
		if (msg->status >= 200 && d->state == DIALOG_TRYING) {
			/* on_sdp() ends the initial offer on a 2xx, so the
			 * state changes first, and back if the answer could
			 * not be installed (the 2xx will come again) */
			d->state = DIALOG_CONFIRMED;
			if (sdp && on_sdp(e, d, message_side(d, msg), msg, sdp,
					  now_ms, v)) {
				d->state = DIALOG_TRYING;
				return -1;
			}
			d->check_ms = now_ms + e->cfg.pinhole_timeout_s * 1000ULL;
			/* answered in a reliable 18x, 2xx without SDP: the
			 * initial offer is answered for good */
			if (!sdp && d->has_active)
				dialog_drop_offer(e->dialogs, d);
			return 0;
		}
		if (sdp && msg->status > 100)
			return on_sdp(e, d, message_side(d, msg), msg, sdp, now_ms, v);
		return 0;
	case SIP_METHOD_UPDATE:
	case SIP_METHOD_PRACK:
		if (sdp && msg->status >= 200 && msg->status < 300)
			return on_sdp(e, d, message_side(d, msg), msg, sdp, now_ms, v);
		return 0;
	default:
		return 0;
	}
}

static bool is_keepalive(const char *p, size_t len)
{
	size_t i;

	if (!len)
		return false;
	for (i = 0; i < len; i++)
		if (p[i] != '\r' && p[i] != '\n')
			return false;
	return true;
}

static void verdict_count(struct engine *e, struct engine_verdict *v)
{
	/* a pending message passed (rc 0): engine_commit() recounts it if
	 * its commit fails */
	if (v->pending)
		e->batch_messages++;
	e->st.messages++;
	if (v->accept)
		e->st.accepted++;
	else
		e->st.dropped++;
	e->st.by_reason[v->reason]++;
	if (v->reason == ENGINE_R_PARSE)
		e->st.by_sip_reason[v->sip_reason]++;
	if (v->reason == ENGINE_R_GUARD)
		e->st.by_guard_reason[v->guard.reason]++;
	if (v->reason == ENGINE_R_TOLL)
		e->st.by_toll_reason[v->toll_reason]++;
	if (!v->accept) {
		v->rewrite = NULL;
		v->rewrite_len = 0;
		v->rewrote = 0;
	}
	if (v->rewrote & SIP_RW_IDENTITY)
		e->st.rewrite_identity++;
	if (v->rewrote & SIP_RW_AGENT)
		e->st.rewrite_agent++;
}

void engine_rewrite_failed(struct engine *e, struct engine_verdict *v)
{
	if (!v->accept || !v->rewrite)
		return;
	if (v->rewrote & SIP_RW_IDENTITY)
		e->st.rewrite_identity--;
	if (v->rewrote & SIP_RW_AGENT)
		e->st.rewrite_agent--;
	e->st.accepted--;
	e->st.dropped++;
	e->st.by_reason[v->reason]--;
	e->st.by_reason[ENGINE_R_REWRITE_FAILED]++;
	v->accept = false;
	v->reason = ENGINE_R_REWRITE_FAILED;
	v->rewrite = NULL;
	v->rewrite_len = 0;
	v->rewrote = 0;
}

/*
 * The zones' normalization (guard_normalize): the rewritten message goes
 * into e->rewrite and the verdict points at it.  Only UDP is rewritten:
 * a TCP segment's new length would shift the sequence numbers of the
 * whole stream, which only a proxy that terminates TCP can do.  Such a
 * message passes as it is and is counted (fail-open: the policy cannot be
 * carried out, and dropping would make SIP over TCP unusable in the zone;
 * voipfw.conf(5) says so).  A UDP message whose rewrite does not fit is
 * dropped (fail-closed: the zone asked that these fields never cross).
 * 0, or -1 with the verdict's reason set.
 */
static int normalize(struct engine *e, const struct pkt_meta *meta,
		     const struct sip_msg *msg, struct engine_verdict *v)
{
	struct guard_source from = { .family = meta->family,
				     .ifindex = meta->indev };
	struct guard_source to = { .family = meta->family,
				   .ifindex = meta->outdev };
	struct guard_norm n;
	struct sip_rewrite rw;
	long len;

	memcpy(from.addr, meta->saddr, 16);
	memcpy(to.addr, meta->daddr, 16);
	guard_normalize(e->guard, &from, &to, &n);
	rw.strip_identity = n.strip_identity;
	rw.hide_agent = n.hide_agent;
	rw.agent = span_make(n.agent, strlen(n.agent));
	if (!sip_rewrite_needed(msg, &rw))
		return 0;
	if (meta->proto != IPPROTO_UDP) {
		e->st.rewrite_not_udp++;
		return 0;
	}
	len = sip_rewrite(msg, &rw, e->rewrite, sizeof(e->rewrite), &v->rewrote);
	if (len < 0) {
		v->rewrote = 0;
		v->reason = ENGINE_R_REWRITE_FAILED;
		return -1;
	}
	v->rewrite = e->rewrite;
	v->rewrite_len = (size_t)len;
	return 0;
}

/*
 * The zone's SIP policy: may drop a request, may ask for a ban of the
 * source (requests) or of the requester (answers).  The ban joins the
 * pending pinhole changes (one commit), or is committed at once without
 * group commit.  A ban that cannot be queued or committed is logged and
 * counted; the message's own verdict stands (the guard still drops what
 * it would: fail-closed for the flood, the ban is the extra).
 */
/* Registrations for review: a shared account, a dormant one waking. */
static void account_events(struct engine *e, const struct guard_source *dev,
			   const struct sip_msg *msg, const struct guard_verdict *g)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int ulen = (int)(msg->to.uri.user.len > 64 ? 64 : msg->to.uri.user.len);

	inet_ntop(dev->family == 6 ? AF_INET6 : AF_INET, dev->addr, a, sizeof(a));
	if (g->reg_events & REGWATCH_SHARED) {
		e->st.accounts_shared++;
		inet_ntop(g->reg_other_fam == 6 ? AF_INET6 : AF_INET,
			  g->reg_other, b, sizeof(b));
		ELOG(e, LOG_NOTICE, "account %.*s: registered from %s while %s "
		     "holds a live registration (shared or stolen?)", ulen,
		     msg->to.uri.user.p, a, b);
	}
	if (g->reg_events & REGWATCH_WOKE) {
		e->st.accounts_woke++;
		ELOG(e, LOG_NOTICE, "account %.*s: registered from %s after a "
		     "silence longer than the zone's dormant time", ulen,
		     msg->to.uri.user.p, a);
	}
}

static void guard_judge(struct engine *e, const struct pkt_meta *meta,
			const struct sip_msg *msg, const struct sdp *sdp,
			size_t len, uint64_t now_ms, struct engine_verdict *v)
{
	struct guard_source gs;
	int rc;

	memset(&gs, 0, sizeof(gs));
	gs.family = meta->family;
	if (msg->is_request) {
		memcpy(gs.addr, meta->saddr, 16);
		memcpy(gs.dst, meta->daddr, 16);
		gs.ifindex = meta->indev;
		guard_request(e->guard, &gs, msg, len, (uint32_t)now_ms, &v->guard);
	} else {
		memcpy(gs.addr, meta->daddr, 16);
		gs.ifindex = meta->outdev;
		guard_answer(e->guard, &gs, msg, (uint32_t)now_ms, &v->guard);
		if (v->guard.reg_events)
			account_events(e, &gs, msg, &v->guard);
	}
	/* an offer or answer is judged by its sender's zone */
	if (sdp) {
		struct guard_source sender = { .family = meta->family,
					       .ifindex = meta->indev };

		memcpy(sender.addr, meta->saddr, 16);
		guard_sdp(e->guard, &sender, sdp, &v->guard);
	}
	if (!v->guard.ban)
		return;
	e->st.bans[v->guard.why]++;
	rc = e->be.ops->ban ? e->be.ops->ban(e->be.ctx, gs.family, gs.addr,
					      v->guard.ban_ms,
					      guard_ban_why_str(v->guard.why)) :
			      -1;
	if (!rc && !e->cfg.group_commit) {
		rc = e->be.ops->commit(e->be.ctx);
	} else if (!rc) {
		e->queued = true;
		if (e->n_bans < ENGINE_BATCH_BANS) {
			e->bans[e->n_bans].family = gs.family;
			memcpy(e->bans[e->n_bans++].addr, gs.addr, 16);
		} else {
			e->bans_untracked++;
		}
	}
	if (rc) {
		/* not banned: the guard's next judgement may try again */
		if (e->guard)
			guard_ban_failed(e->guard, gs.family, gs.addr);
		e->st.ban_failures++;
		ELOG(e, LOG_ERR, "a ban (%s) could not be queued or committed",
		     guard_ban_why_str(v->guard.why));
		return;
	}
	/* the operator's record of who was banned and why: stats only
	 * count the reasons */
	if (e->log) {
		const char *zone = guard_zone_name(e->guard, v->guard.zone);
		char a[INET6_ADDRSTRLEN];

		if (!inet_ntop(gs.family == 6 ? AF_INET6 : AF_INET, gs.addr, a,
			       sizeof(a)))
			a[0] = '\0';
		ELOG(e, LOG_NOTICE, "ban %s for %us: %s (zone %s)", a,
		     (v->guard.ban_ms + 999) / 1000,
		     guard_ban_why_str(v->guard.why),
		     zone ? zone : "?");
	}
}

/* ---- toll fraud --------------------------------------------------------- */

static const char *const toll_reason_names[__TOLLGUARD_REASON_MAX] = {
	[TOLLGUARD_OK]			= "toll-ok",
	[TOLLGUARD_CLASS_BLOCKED]	= "toll-class-blocked",
	[TOLLGUARD_EXT_BLOCKED]		= "toll-ext-blocked",
	[TOLLGUARD_BREAKER]		= "toll-breaker",
	[TOLLGUARD_WINDOW]		= "toll-window",
	[TOLLGUARD_CONCURRENT]		= "toll-concurrent",
	[TOLLGUARD_PER_HOUR]		= "toll-per-hour",
	[TOLLGUARD_TABLE_FULL]		= "toll-table-full",
	[TOLLGUARD_BAD_EXT]		= "toll-bad-ext",
	[TOLLGUARD_DURATION]		= "toll-duration",
};

const char *engine_toll_reason_str(enum tollguard_reason r)
{
	if ((unsigned int)r >= __TOLLGUARD_REASON_MAX)
		return "toll-unknown";
	return toll_reason_names[r];
}

void engine_set_toll(struct engine *e, const struct engine_toll *t)
{
	if (t && t->tg && t->conf)
		e->toll = *t;
	else
		memset(&e->toll, 0, sizeof(e->toll));
}

static const char *toll_class_name(const struct engine *e, int cls)
{
	if (cls < 0 || (unsigned int)cls >= e->toll.conf->n_classes)
		return "-";
	return e->toll.conf->classes[cls].name;
}

/* The limit that tripped, for the log: "2 calls/hour" */
static void toll_limit_text(const struct tollconf_class *c,
			    enum tollguard_reason r, char *buf, size_t size)
{
	switch (r) {
	case TOLLGUARD_PER_HOUR:
		snprintf(buf, size, "%u calls/hour", c->per_hour);
		break;
	case TOLLGUARD_CONCURRENT:
		snprintf(buf, size, "%u concurrent", c->concurrent);
		break;
	case TOLLGUARD_DURATION:
		snprintf(buf, size, "%u s a call", c->duration);
		break;
	default:
		snprintf(buf, size, "-");
	}
}

/*
 * What the toll guard tells: a breaker tripped (logged, counted), calls
 * to end (a KILL or DURATION names a dialog of this engine: its
 * reference is the dialog's address, and a dialog always leaves the
 * guard when it ends, so a reference never outlives its dialog), and
 * breakers and blocks that ended.  Ending a call here is what a BYE
 * does: its pinholes close in the next commit, the media stops at the
 * network whatever the endpoints do.
 */
static void toll_event(const struct tollguard_event *ev, void *arg)
{
	struct engine *e = arg;
	struct engine_verdict scratch = { 0 };
	static const char *const kinds[] = {
		[TOLLGUARD_BLOCK_EXT] = "ext", [TOLLGUARD_BLOCK_CLASS] = "class",
		[TOLLGUARD_BLOCK_USER] = "user",
	};
	struct dialog *d;
	char lim[48];

	switch (ev->type) {
	case TOLLGUARD_EV_TRIP:
		e->st.toll_trips++;
		toll_limit_text(&e->toll.conf->classes[ev->cls], ev->reason, lim,
				sizeof(lim));
		ELOG(e, LOG_WARNING, "toll: breaker tripped ext %s class %s: %s "
		     "(%s); its guarded classes refused for %llu s", ev->ext,
		     toll_class_name(e, ev->cls), tollguard_reason_text(ev->reason),
		     lim, (unsigned long long)(ev->until - ev->now));
		return;
	case TOLLGUARD_EV_KILL:
	case TOLLGUARD_EV_DURATION:
		d = (struct dialog *)(uintptr_t)ev->call_ref;
		e->st.toll_calls_ended++;
		ELOG(e, LOG_WARNING, "toll: call %.*s of ext %s class %s ended: %s",
		     dialog_call_id_kept(d), d->call_id, ev->ext,
		     toll_class_name(e, ev->cls),
		     ev->type == TOLLGUARD_EV_KILL ? "breaker tripped" :
		     "call duration limit");
		if (dialog_end(e, d, &scratch))
			ELOG(e, LOG_ERR, "toll: call %.*s: its pinholes could not "
			     "be closed; the call is kept", dialog_call_id_kept(d),
			     d->call_id);
		return;
	case TOLLGUARD_EV_RESET:
		ELOG(e, LOG_NOTICE, "toll: breaker of ext %s closed", ev->ext);
		return;
	case TOLLGUARD_EV_UNBLOCK:
		ELOG(e, LOG_NOTICE, "toll: block-%s %s expired",
		     kinds[ev->block], ev->ext);
		return;
	}
}

/* Whose call: the digest username, else the From user (engine.h) */
static struct span toll_ext(const struct sip_msg *msg)
{
	if (msg->auth.present && msg->auth.username.len)
		return msg->auth.username;
	return msg->from.uri.user;
}

/*
 * block-user: a REGISTER or INVITE whose digest username or From user is
 * blocked.  A name longer than any that can be blocked is not one of
 * them (tollguard_user_blocked() would refuse it, fail closed, but here
 * that would drop every long user part while toll fraud is on).
 */
static bool toll_user_blocked(struct engine *e, const struct sip_msg *msg,
			      uint64_t now_ms)
{
	const struct span names[2] = { msg->auth.username, msg->from.uri.user };
	unsigned int i;

	if (!msg->is_request || (msg->method != SIP_METHOD_INVITE &&
				 msg->method != SIP_METHOD_REGISTER))
		return false;
	for (i = 0; i < 2; i++)
		if (names[i].len && names[i].len <= TOLLGUARD_NAME_MAX &&
		    tollguard_user_blocked(e->toll.tg, names[i], now_ms / 1000))
			return true;
	return false;
}

/*
 * A new call (its dialog made by on_request): may it go where it goes?
 * Refused: its dialog goes (it has no pinholes yet: an offer opens
 * none), the INVITE is dropped.  0, or -1 with the verdict's reason set.
 */
static int toll_invite(struct engine *e, const struct sip_msg *msg,
		       const struct dialog_key *key, uint64_t now_ms,
		       struct engine_verdict *v)
{
	struct dialog *d = dialog_find(e->dialogs, key);
	struct engine_verdict scratch = { 0 };
	struct dialplan_number num;
	struct tollguard_verdict tv;
	struct span ext = toll_ext(msg);
	unsigned int cls;

	if (!d)
		return 0;
	dialplan_from_uri(&e->toll.conf->dp, &msg->ruri, &num);
	cls = tollconf_classify(e->toll.conf, &num);
	tv = tollguard_call_start(e->toll.tg, ext, cls, (uintptr_t)d,
				  now_ms / 1000,
				  e->toll.week_min ? e->toll.week_min(e->toll.arg) : 0,
				  toll_event, e);
	if (tv.allow)
		return 0;
	if (limit_log_due(e, now_ms) || tv.tripped)
		ELOG(e, LOG_NOTICE, "toll: INVITE of ext %.*s to %s%s (class %s) "
		     "refused: %s", ext.len <= TOLLGUARD_NAME_MAX ? (int)ext.len : 0,
		     ext.p, num.kind == DIALPLAN_E164 ? "+" : "",
		     num.kind == DIALPLAN_E164 || num.kind == DIALPLAN_SHORT ?
		     num.digits : dialplan_kind_name(num.kind),
		     toll_class_name(e, (int)cls), tv.text);
	dialog_end(e, d, &scratch);
	v->reason = ENGINE_R_TOLL;
	v->toll_reason = tv.reason;
	return -1;
}

void engine_message(struct engine *e, const struct pkt_meta *meta,
		    const char *payload, size_t len, uint64_t now_ms,
		    struct engine_verdict *v)
{
	struct inspect_result *res = &e->res;
	struct dialog_key key;
	struct dialog *d;
	int rc;

	memset(v, 0, sizeof(*v));
	v->accept = true;
	e->now_ms = now_ms;
	if (is_keepalive(payload, len)) {
		v->reason = ENGINE_R_KEEPALIVE;
		goto out;
	}
	inspect_message(payload, len, e->cfg.strictness, res);
	if (!res->verdict_pass) {
		v->accept = false;
		v->reason = ENGINE_R_PARSE;
		v->sip_reason = res->drop.reason;
		v->detail = res->drop.detail;
		goto out;
	}
	/* what the sender used, whatever the verdict */
	if (e->comp)
		compliance_note(e->comp, meta->family, meta->saddr, meta->proto,
				&res->msg, res->has_sdp ? &res->sdp : NULL,
				(uint32_t)now_ms);
	if (e->guard) {
		guard_judge(e, meta, &res->msg, res->has_sdp ? &res->sdp : NULL,
			    len, now_ms, v);
		if (v->guard.drop) {
			v->accept = false;
			v->reason = ENGINE_R_GUARD;
			goto out;
		}
		/* before any call state: a message that cannot be carried
		 * as the zones want it leaves nothing behind */
		if (normalize(e, meta, &res->msg, v)) {
			v->accept = false;
			goto out;
		}
	}
	if (dialog_key_of(res->msg.call_id, &key)) {
		v->accept = false;
		v->reason = ENGINE_R_CALL_ID_TOO_LONG;
		goto out;
	}
	if (e->toll.tg && toll_user_blocked(e, &res->msg, now_ms)) {
		v->accept = false;
		v->reason = ENGINE_R_USER_BLOCKED;
		goto out;
	}
	d = dialog_find(e->dialogs, &key);
	if (res->msg.is_request) {
		rc = on_request(e, meta, &res->msg,
				res->has_sdp ? &res->sdp : NULL, d, &key,
				now_ms, v);
		/* a new call: toll fraud may refuse it (it leaves nothing) */
		if (!rc && !d && e->toll.tg && res->msg.method == SIP_METHOD_INVITE)
			rc = toll_invite(e, &res->msg, &key, now_ms, v);
	} else
		rc = on_response(e, &res->msg, res->has_sdp ? &res->sdp : NULL,
				 d, now_ms, v);
	/*
	 * Limits refuse the message: the caller sees an error and nothing is
	 * half open.  A failed commit is the fail-mode decision: fail-open
	 * passes the message (its media will be dropped, signalling goes
	 * on), fail-closed drops it so the call cannot start without media.
	 */
	if (rc)
		v->accept = v->reason == ENGINE_R_COMMIT_FAILED && e->cfg.fail_open;
out:
	verdict_count(e, v);
}

void engine_tick(struct engine *e, uint64_t now_ms,
		 bool (*alive)(void *arg, const struct pinhole *ph),
		 void *alive_arg)
{
	struct engine_verdict v;
	unsigned int cursor = 0, n, i;
	struct dialog *d;

	if (e->cfg.group_commit && e->n_retry)
		closes_retry(e);
	if (e->guard)
		guard_tick(e->guard, (uint32_t)now_ms);
	e->now_ms = now_ms;
	if (e->toll.tg)
		tollguard_tick(e->toll.tg, now_ms / 1000, toll_event, e);
	while ((d = dialog_next(e->dialogs, &cursor))) {
		bool live = false;

		if (now_ms < d->check_ms)
			continue;
		/* media refreshes its pinholes in the kernel: a call whose
		 * pinholes still exist is still up */
		if (d->state != DIALOG_TRYING && alive) {
			n = pinholes_current(e, d);
			for (i = 0; i < n && !live; i++)
				live = alive(alive_arg, &e->old[i]);
		}
		if (live) {
			d->check_ms = now_ms + e->cfg.pinhole_timeout_s * 1000ULL;
			continue;
		}
		ELOG(e, LOG_INFO, "call %.*s expired",
		     dialog_call_id_kept(d), d->call_id);
		memset(&v, 0, sizeof(v));
		dialog_end(e, d, &v);
	}
}

int engine_kill_call(struct engine *e, const char *call_id, size_t len)
{
	struct engine_verdict v = { 0 };
	struct dialog_key key;
	struct dialog *d;

	if (dialog_key_of(span_make(call_id, len), &key))
		return 0;	/* longer than any Call-ID the engine keeps */
	d = dialog_find(e->dialogs, &key);
	if (!d)
		return 0;
	ELOG(e, LOG_NOTICE, "call %.*s ended by the operator",
	     dialog_call_id_kept(d), d->call_id);
	/* as a BYE does: the call is kept when its closes cannot commit */
	if (dialog_end(e, d, &v))
		return -1;
	return 1;
}

void engine_adopt(struct engine *e, const struct pinhole *ph, uint64_t now_ms)
{
	struct dialog_key key = {
		.hash = ph->tag.call_id_hash,
		.len = ph->tag.call_id_full_len,
		.prefix = ph->tag.call_id,
	};
	struct media_desc act[2];
	struct media_line *rx, *tx;
	struct dialog *d;
	unsigned int s = ph->tag.stream, side = ph->tag.side & 1;
	size_t n = ph->family == 6 ? 16 : 4;
	bool fresh = false, known;

	if (!key.len || ph->tag.call_id_len < (key.len < DIALOG_CALL_ID_KEEP ?
					       key.len : DIALOG_CALL_ID_KEEP) ||
	    s >= DIALOG_MAX_STREAMS)
		return;
	d = dialog_find(e->dialogs, &key);
	if (!d) {
		d = dialog_create(e->dialogs, &key);
		if (!d)
			return;
		fresh = true;
		d->state = DIALOG_ADOPTED;
		d->has_active = true;
		d->last_ms = now_ms;
		d->check_ms = now_ms + e->cfg.pinhole_timeout_s * 1000ULL;
	}
	/* the receiving side's line, and the sending side it implies */
	dialog_session(d, act);
	rx = &act[side].m[s];
	tx = &act[!side].m[s];
	if (act[side].n <= s)
		act[side].n = (uint8_t)(s + 1);
	if (act[!side].n <= s)
		act[!side].n = (uint8_t)(s + 1);
	rx->family = ph->family;
	rx->receives = true;
	if (ph->tag.rtcp) {
		rx->rtcp_port = ph->dport;
		memcpy(rx->rtcp_addr, ph->daddr, n);
	} else {
		rx->rtp_port = ph->dport;
		memcpy(rx->addr, ph->daddr, n);
		if (!rx->rtcp_port)
			memcpy(rx->rtcp_addr, ph->daddr, n);
	}
	tx->sends = true;
	if (!tx->family)
		tx->family = ph->family;
	if (ph->has_peer)
		memcpy(tx->addr, ph->saddr, n);
	/* counted before the call implies it: never a pinhole the table
	 * lacks; the session store cannot fail (an entry for every call) */
	known = phref_count(e->refs, ph) != 0;
	if (phref_inc(e->refs, ph)) {
		ELOG(e, LOG_WARNING, "max-pinholes (%u) reached: pinhole of call %.*s not adopted",
		     e->cfg.max_pinholes, (int)ph->tag.call_id_len,
		     ph->tag.call_id);
		goto err;
	}
	if (dialog_set_session(e->dialogs, d, act)) {
		phref_dec(e->refs, ph);
		goto err;
	}
	if (!known)
		e->n_pinholes++;
	return;
err:
	if (fresh)
		dialog_destroy(e->dialogs, d);
}
