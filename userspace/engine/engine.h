/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * engine.h - the packet path of voipfwd: one SIP message in, a verdict
 * out, and the pinholes the call needs committed before that verdict.
 *
 * The engine knows nothing of NFQUEUE, pcap files, the CLI or log sinks:
 * packets come from its caller, pinholes go to a struct pinhole_backend,
 * messages to a log callback.  voipfwd and --replay both drive it.
 */
#ifndef VOIPFW_ENGINE_H
#define VOIPFW_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../dialog/dialog.h"
#include "../guard/compliance.h"
#include "../guard/guard.h"
#include "../pinhole/pinhole.h"
#include "../sip/sip_validate.h"
#include "../toll/tollguard.h"

#define ENGINE_MAX_SIP_PORTS	8

/* Verdict reasons beyond the parser's (enum sip_reason); append only. */
enum engine_reason {
	ENGINE_R_OK = 0,
	ENGINE_R_KEEPALIVE,		/* CRLF keep-alive (RFC 5626 3.5.1) */
	ENGINE_R_NOT_SIP,		/* not IPv4/IPv6 UDP or TCP to a SIP port */
	ENGINE_R_DIALOG_LIMIT,		/* max-dialogs reached */
	ENGINE_R_SOURCE_LIMIT,		/* max-dialogs-per-source reached */
	ENGINE_R_PINHOLE_LIMIT,		/* max-pinholes reached */
	ENGINE_R_MEDIA_LIMIT,		/* more streams than a call may open */
	ENGINE_R_CALL_ID_TOO_LONG,
	ENGINE_R_COMMIT_FAILED,		/* pinholes could not be installed */
	ENGINE_R_PARSE,			/* see the sip_reason in the verdict */
	ENGINE_R_SOURCE_PINHOLE_LIMIT,	/* max-pinholes-per-source reached */
	ENGINE_R_GUARD,			/* the zone's SIP policy: see guard_reason */
	ENGINE_R_TOLL,			/* toll fraud: see toll_reason */
	ENGINE_R_USER_BLOCKED,		/* block-user: its REGISTER or INVITE */
	ENGINE_R_REWRITE_FAILED,	/* normalization could not be carried */
	__ENGINE_R_MAX
};

/**
 * struct engine_config - the engine's settings (voipfwd.conf(5)).
 * @strictness:       parser policy
 * @match:            pinhole match mode
 * @pinhole_timeout_s: idle timeout of media pinholes (kernel refreshed)
 * @trying_timeout_s: how long an unanswered INVITE is followed
 * @max_dialogs:      calls followed at once
 * @max_dialogs_per_source: calls one source address may have open
 * @max_pinholes:     pinholes installed at once
 * @max_pinholes_per_source: pinholes the calls of one source address
 *                    (the sender of their first INVITE) may hold at once
 * @fail_open:        when pinholes cannot be committed: pass the message
 *                    (media will not flow) rather than drop it
 * @group_commit:     pinhole changes wait for engine_commit(), which the
 *                    caller runs before it gives the verdicts of the
 *                    messages judged since the last one (voipfwd: once per
 *                    queue batch); otherwise each message commits its own
 */
struct engine_config {
	enum sip_strictness	strictness;
	enum pinhole_match	match;
	uint32_t		pinhole_timeout_s;
	uint32_t		trying_timeout_s;
	unsigned int		max_dialogs;
	unsigned int		max_dialogs_per_source;
	unsigned int		max_pinholes;
	unsigned int		max_pinholes_per_source;
	bool			fail_open;
	bool			group_commit;
};

void engine_config_defaults(struct engine_config *cfg);

/**
 * struct pkt_meta - where a message came from and went.
 * @family: 4 or 6;  @proto: IPPROTO_UDP or IPPROTO_TCP
 * @indev, @outdev: interface indexes (0: unknown); the zones of the guard
 *         match on them
 */
struct pkt_meta {
	uint8_t		family;
	uint8_t		proto;
	uint8_t		saddr[16];
	uint8_t		daddr[16];
	uint16_t	sport;
	uint16_t	dport;
	uint32_t	indev;
	uint32_t	outdev;
};

/**
 * struct engine_verdict - the outcome for one message.
 * @accept: pass or drop
 * @reason: why (ENGINE_R_PARSE: @sip_reason and @detail say more)
 * @opened, @closed: pinholes this message opened and closed
 * @pending: with group_commit: this message's pinhole changes wait for
 *          engine_commit(); if that fails, the message gets the fail-mode
 *          verdict instead of @accept
 * @guard:  what the zone's SIP policy said (ENGINE_R_GUARD: why it was
 *          dropped; a ban of the source or requester it asked for)
 * @toll_reason: ENGINE_R_TOLL: why toll fraud refused the INVITE
 * @rewrite: an accepted UDP message the zones' normalization changed
 *          (guard_normalize): the SIP message to send instead, @rewrite_len
 *          bytes in the engine's buffer, valid until the next
 *          engine_message(); NULL: send the message as it came
 * @rewrote: what changed (SIP_RW_* of sip/sip_rewrite.h)
 */
struct engine_verdict {
	bool			accept;
	enum engine_reason	reason;
	enum sip_reason		sip_reason;
	const char		*detail;
	unsigned int		opened;
	unsigned int		closed;
	bool			pending;
	struct guard_verdict	guard;
	enum tollguard_reason	toll_reason;
	const char		*rewrite;
	size_t			rewrite_len;
	unsigned int		rewrote;
};

/* Log priorities are syslog's (LOG_ERR, LOG_WARNING, LOG_INFO...). */
typedef void (*engine_log_fn)(void *arg, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

struct engine;

struct engine *engine_new(const struct engine_config *cfg,
			  const struct pinhole_backend *backend,
			  engine_log_fn log, void *log_arg);
void engine_free(struct engine *e);

/*
 * engine_message - judge one SIP message (a UDP payload, or one framed
 * message of a TCP stream) at time @now_ms (monotonic milliseconds).
 */
void engine_message(struct engine *e, const struct pkt_meta *meta,
		    const char *payload, size_t len, uint64_t now_ms,
		    struct engine_verdict *v);

/*
 * engine_commit - with cfg.group_commit: make the pinhole changes of every
 * message judged (and of every call expired) since the last call live in
 * one transaction.  Returns 0, or -1 when it failed: then none of them is
 * live, the messages whose verdict had @pending set must get the
 * fail-mode verdict, the calls they belong to re-add all their pinholes
 * with their next change, and the pinholes the failed commit was to close
 * are closed again by engine_tick().  Without group_commit: returns 0.
 */
int engine_commit(struct engine *e);

/*
 * engine_tick - expire calls whose time is up; call about once a second.
 * @alive, if given, tells whether a pinhole still exists in the kernel
 * (media refreshes it there without the engine seeing it).
 */
void engine_tick(struct engine *e, uint64_t now_ms,
		 bool (*alive)(void *arg, const struct pinhole *ph),
		 void *alive_arg);

/*
 * engine_kill_call - end the call whose Call-ID is @call_id (@len bytes)
 * as a BYE would: close its pinholes (with group_commit they wait for
 * engine_commit(), which the caller runs next) and forget the dialog.
 * Returns 1 when it ended, 0 when no such call is followed, -1 when the
 * closes could not be committed (without group_commit; the call is kept).
 */
int engine_kill_call(struct engine *e, const char *call_id, size_t len);

/*
 * engine_adopt - rebuild calls from pinholes found in the kernel at start
 * (struct pinhole_tag says which call and stream each belongs to).
 */
void engine_adopt(struct engine *e, const struct pinhole *ph, uint64_t now_ms);

/*
 * engine_set_guard - judge SIP by the zones' security policy @g (NULL: no
 * policy; the caller keeps @g and frees it after the engine stops using
 * it).  Bans the guard asks for go to the backend's ban op, with the
 * pinhole changes of the same commit.
 */
void engine_set_guard(struct engine *e, struct guard *g);

/* An operator lifted the ban of @addr: tell the guard (guard_unbanned). */
void engine_unbanned(struct engine *e, int family, const uint8_t *addr);

/* Note what each source used in @c (voipfwctl compliance); NULL: none.
 * Not owned. */
void engine_set_compliance(struct engine *e, struct compliance *c);

/**
 * struct engine_toll - toll fraud in the engine (engine_set_toll)
 * @tg:       the worker's guard (not owned; NULL: toll fraud off)
 * @conf:     the class file it judges by (not owned)
 * @week_min: local minutes since Monday 00:00 now, for the classes' time
 *            windows (tollguard_week_min); NULL: always Monday 00:00
 * @arg:      for @week_min
 *
 * Which calls: every new INVITE (one that starts a call the engine
 * follows) whose Request-URI's number falls in a class that is neither
 * internal nor exempt.  Whose: the digest username of its
 * (Proxy-)Authorization when it has one (what the PBX verified), else
 * the user part of From (calls from phones the PBX trusts by address,
 * and the first, challenged INVITE; a 401/407 answer to it makes
 * tollguard_call_forget() take it off the count).  Calls end with their
 * dialog; the breaker's and the duration limit's calls end as
 * engine_kill_call() ends them.  Block-user drops REGISTERs and INVITEs
 * whose digest username or From user is blocked.
 */
struct engine_toll {
	struct tollguard	*tg;
	const struct tollconf	*conf;
	uint32_t		(*week_min)(void *arg);
	void			*arg;
};

/* engine_set_toll - judge INVITEs for toll fraud (@t NULL or @t->tg NULL:
 * off).  The caller keeps the guard and frees it after the engine stops
 * using it; calls followed by a guard replaced here are not followed by
 * the new one. */
void engine_set_toll(struct engine *e, const struct engine_toll *t);

/* "toll-per-hour", "toll-breaker"... for a tollguard reason */
const char *engine_toll_reason_str(enum tollguard_reason r);

/* The text token of a verdict's reason ("ok", "dialog-limit", "bad-via"...) */
const char *engine_verdict_reason(const struct engine_verdict *v);
const char *engine_reason_str(enum engine_reason r);

/**
 * struct engine_stats - counters for status and metrics.
 * @by_reason:     drops and passes per engine reason
 * @by_sip_reason: parser drops per sip_reason
 * @commits:       pinhole transactions committed
 * @commit_failures: and refused (nothing of them live)
 * @by_toll_reason: INVITEs toll fraud refused, per tollguard reason
 * @toll_trips:    breakers tripped
 * @toll_calls_ended: calls toll fraud ended (breaker, duration)
 * @rewrite_identity, @rewrite_agent: accepted messages whose
 *                 P-Asserted/P-Preferred-Identity, or User-Agent/Server,
 *                 the normalization removed or replaced
 * @rewrite_not_udp: TCP messages it would have changed, passed unchanged
 */
struct engine_stats {
	uint64_t	messages;
	uint64_t	accepted;
	uint64_t	dropped;
	uint64_t	by_reason[__ENGINE_R_MAX];
	uint64_t	by_sip_reason[__SIP_REASON_MAX];
	uint64_t	by_guard_reason[__GUARD_R_MAX];
	uint64_t	bans[__GUARD_BAN_MAX];
	uint64_t	ban_failures;
	uint64_t	accounts_shared;
	uint64_t	accounts_woke;
	uint64_t	by_toll_reason[__TOLLGUARD_REASON_MAX];
	uint64_t	toll_trips;
	uint64_t	toll_calls_ended;
	uint64_t	rewrite_identity;
	uint64_t	rewrite_agent;
	uint64_t	rewrite_not_udp;
	uint64_t	pinholes_opened;
	uint64_t	pinholes_closed;
	uint64_t	commits;
	uint64_t	commit_failures;
	unsigned int	dialogs;
	unsigned int	pinholes;
};

void engine_get_stats(const struct engine *e, struct engine_stats *st);

/*
 * engine_rewrite_failed - the caller could not send @v's rewrite (the
 * packet around it could not be rebuilt) and drops the message: counts
 * it as dropped for ENGINE_R_REWRITE_FAILED instead of as rewritten.
 */
void engine_rewrite_failed(struct engine *e, struct engine_verdict *v);

/* Walk the calls (for `voipfwctl calls` / `pinholes`); *cursor = 0 first. */
const struct dialog *engine_next_dialog(struct engine *e, unsigned int *cursor);
const struct engine_config *engine_get_config(const struct engine *e);

#endif /* VOIPFW_ENGINE_H */
