/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guard.h - the SIP security policy of voipfw.conf(5)'s zone sip blocks,
 * one message at a time: which zone a source is in; for requests its rate
 * limits, the scanner list, allowed methods, the size and header limits
 * (max-headers, max-forwards, require) and locked usernames; from
 * answers, password guessing and extension enumeration.
 * Repeat offenders are banned for longer each time.
 *
 * The guard decides; its caller acts: drops the message, bans the source
 * (the engine through its backend, voipfwd into nft's ban sets).  Sources
 * in no zone are not judged (the zones are what voipfw manages; without a
 * policy there is no guard).  Nothing is allocated per message.
 */
#ifndef VOIPFW_GUARD_H
#define VOIPFW_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/scanner.h"
#include "hash/siphash.h"
#include "policy/policy.h"
#include "sdp/sdp.h"
#include "sip/sip.h"

/* Verdict reasons of the guard; append only. */
enum guard_reason {
	GUARD_R_OK = 0,
	GUARD_R_RATE_LIMIT,	/* over the source's rate for the class */
	GUARD_R_SCANNER,	/* User-Agent on the scanner list */
	GUARD_R_METHOD,		/* method not allowed in the zone */
	GUARD_R_TOO_LARGE,	/* over max-size */
	GUARD_R_USER_LOCKED,	/* REGISTER for a locked username */
	GUARD_R_COUNTRY,	/* the source's country is not allowed */
	GUARD_R_PLAINTEXT_SIP,	/* a request over UDP/TCP from a tls-only zone */
	GUARD_R_PLAIN_RTP,	/* SDP with media not SRTP from a srtp-only zone */
	GUARD_R_CODEC,		/* SDP with none of the zone's codecs */
	GUARD_R_DOMAIN,		/* Request-URI host not one of the zone's domains */
	GUARD_R_SWEEP,		/* the request that made a sweep (then banned) */
	GUARD_R_TOO_MANY_HEADERS, /* more header lines than max-headers */
	GUARD_R_MAX_FORWARDS,	/* Max-Forwards absent or under max-forwards */
	GUARD_R_MISSING_HEADER,	/* a field of `require` missing */
	__GUARD_R_MAX
};

/* Why a source was banned; append only. */
enum guard_ban_why {
	GUARD_BAN_NONE = 0,
	GUARD_BAN_FLOOD,
	GUARD_BAN_SCANNER,
	GUARD_BAN_BRUTE_FORCE,
	GUARD_BAN_ENUMERATION,
	GUARD_BAN_SWEEP,
	__GUARD_BAN_MAX
};

/**
 * struct guard_source - where a message came from (requests) or goes to
 * (answers: the requester)
 * @family:  4 or 6
 * @addr:    4 or 16 bytes
 * @ifindex: the interface it came in on (requests) or goes out of
 *           (answers); 0 when unknown (then interface zones do not match)
 * @dst:     a request's destination address (for `sweep`)
 */
struct guard_source {
	uint8_t		family;
	uint8_t		addr[16];
	uint32_t	ifindex;
	uint8_t		dst[16];
};

/**
 * struct guard_verdict - what to do with one message
 * @drop, @reason: drop it, and why
 * @ban:           ban the source (requests) or requester (answers)
 * @ban_ms:        for how long
 * @why:           why the ban
 * @zone:          the zone's index in the policy, -1 for none
 * @user_locked:   an answer locked its username
 * @reg_events:    a registration's enum regwatch_event bits (for review:
 *                 the caller logs them); @reg_other, @reg_other_fam: the
 *                 other address of a shared account
 */
struct guard_verdict {
	bool			drop;
	enum guard_reason	reason;
	bool			ban;
	uint32_t		ban_ms;
	enum guard_ban_why	why;
	int			zone;
	bool			user_locked;
	unsigned int		reg_events;
	uint8_t			reg_other[16];
	int			reg_other_fam;
};

/**
 * struct guard_stats - counts since guard_new()
 */
struct guard_stats {
	uint64_t	judged;
	uint64_t	dropped[__GUARD_R_MAX];
	uint64_t	bans[__GUARD_BAN_MAX];
	uint64_t	user_locks;
	uint64_t	accounts_shared;
	uint64_t	accounts_woke;
};

/**
 * struct guard_geo - the country of an address, for zones with
 * `countries`: @country_of returns it as voipfw.conf's codes are kept
 * (two letters, high byte first; 0 for unknown).  voipfwd passes a GeoIP
 * database lookup through a per-worker cache.
 */
struct guard_geo {
	uint16_t	(*country_of)(void *arg, int family, const uint8_t *addr);
	void		*arg;
};

struct guard;

/* Does any zone of @pol name countries (a GeoIP database is needed)? */
bool guard_needs_geo(const struct policy *pol);

/*
 * guard_new - a guard for @pol's zones (the model is copied what the guard
 * needs; @pol may be freed after), with the scanner list @scanners (copied;
 * NULL: none).  Interfaces are resolved by @ifindex_of (if_nametoindex(3)
 * in voipfwd); names not resolved now are tried again by guard_tick().
 * @geo answers zones' `countries` (NULL, or no function: every country is
 * unknown).  NULL with @err ("what failed") on failure.
 */
struct guard *guard_new(const struct policy *pol,
			const struct scanner_list *scanners,
			unsigned int (*ifindex_of)(const char *name),
			const struct guard_geo *geo,
			const struct siphash_key *key, char *err, size_t errlen);
void guard_free(struct guard *g);

/*
 * guard_set_accounts - the zones' dormant accounts from @db (which
 * outlives @g, and is shared by every guard: it survives reloads and,
 * saved, restarts) rather than from what @g itself saw; @wall_now gives
 * Unix seconds (NULL: time(2)).
 */
struct acctdb;
void guard_set_accounts(struct guard *g, struct acctdb *db,
			uint64_t (*wall_now)(void));

/* The zone of @src (zones of subnets only first, then those naming
 * interfaces, each in file order: the compiled ACL's precedence); -1 for
 * none. */
int guard_zone_of(const struct guard *g, const struct guard_source *src);

/* A request of @len bytes from @src, parsed as @msg. */
void guard_request(struct guard *g, const struct guard_source *src,
		   const struct sip_msg *msg, size_t len, uint32_t now_ms,
		   struct guard_verdict *v);

/* An answer going to @dst (the requester), parsed as @msg.  Answers are
 * never dropped; they may get the requester banned. */
void guard_answer(struct guard *g, const struct guard_source *dst,
		  const struct sip_msg *msg, uint32_t now_ms,
		  struct guard_verdict *v);

/*
 * The ban of @addr (family 4 or 6) was lifted outside the guard (voipfwctl
 * unban): its next offence bans it again, as a repeat offender.  Without
 * this the guard would take the source for banned, its packets for ones in
 * flight, until the lifted ban would have ended.
 */
void guard_unbanned(struct guard *g, int family, const uint8_t *addr);

/*
 * guard_ban_failed - the ban the guard asked for (guard_verdict.ban) never
 * reached the kernel (its commit failed): the source is not banned, and
 * that ban does not count as a repeat; its next offence bans it again.
 */
void guard_ban_failed(struct guard *g, int family, const uint8_t *addr);

/*
 * guard_sdp - the SDP @sdp (an offer or an answer, in a request or a
 * response) sent by @src, the message's sender: its zone's `media
 * srtp-only` and `codecs`.  Drops with GUARD_R_PLAIN_RTP or GUARD_R_CODEC;
 * leaves @v alone otherwise (call it after guard_request/guard_answer).
 */
void guard_sdp(struct guard *g, const struct guard_source *src,
	       const struct sdp *sdp, struct guard_verdict *v);

/**
 * struct guard_norm - what the zones' normalization asks of one message
 * @strip_identity: remove P-Asserted-Identity and P-Preferred-Identity:
 *                  the sender's zone has `strip-identity` and the sender
 *                  is not on its `trusted` list (RFC 3325 4: identity
 *                  from outside the trust domain is not asserted)
 * @hide_agent:     the receiver's zone has `hide-agent` and the sender is
 *                  not in that zone: remove User-Agent and Server, or
 *                  replace their values by @agent
 * @agent:          NUL-terminated, "" to remove (owned by the guard)
 */
struct guard_norm {
	bool		strip_identity;
	bool		hide_agent;
	const char	*agent;
};

/*
 * guard_normalize - the normalization of a message from @from (its
 * sender: source address, the interface it came in on) to @to (its
 * receiver: destination address, the interface it goes out of), requests
 * and responses alike.  Fills @n; all false when no zone asks for any.
 */
void guard_normalize(const struct guard *g, const struct guard_source *from,
		     const struct guard_source *to, struct guard_norm *n);

/* Once a second: resolve interfaces that appeared, forget idle state. */
void guard_tick(struct guard *g, uint32_t now_ms);

void guard_get_stats(const struct guard *g, struct guard_stats *st);
const char *guard_reason_str(enum guard_reason r);
const char *guard_ban_why_str(enum guard_ban_why w);
/* The zone's name; NULL for a bad index. */
const char *guard_zone_name(const struct guard *g, int zone);

#endif /* VOIPFW_GUARD_H */
