/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * authwatch.h - password guessing and extension enumeration, read from the
 * answers that cross the wire (not from logs): a 401, 407 or 403 to a
 * request is a failure of that request's source and of the username it
 * named; a 404, 401, 403 or 407 to a request for a user counts that user
 * among the ones the source probed.
 *
 * Per source: failures in a sliding window over a threshold mean brute
 * force; distinct users failing over a threshold mean enumeration.  Per
 * username: failures from sources not on the allowlist, from any number of
 * them (a distributed attack), lock that username's REGISTERs from such
 * sources for a while.  The caller acts on the events (ban, log).
 *
 * Digest authentication answers every first REGISTER and INVITE with a
 * 401/407 challenge: those are not failures (no credentials yet), but
 * they do count the user as probed, so the enumeration threshold should
 * sit well above the extensions one phone or PBX uses in a window.
 *
 * Windows: two fixed windows, the running one and the one before, the
 * latter weighted by how much of it still falls inside the sliding window
 * (the count a true sliding window would see if the earlier failures were
 * spread evenly).  Distinct users: a 64-bit bitmap per window of the
 * users' hashes, counted by linear counting over 128 bits (an estimate:
 * within one or two of the truth for a few, some 7% off at
 * AUTHWATCH_ENUM_MAX).
 */
#ifndef VOIPFW_AUTHWATCH_H
#define VOIPFW_AUTHWATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hash/siphash.h"

/* enumeration thresholds above this cannot be told by a 128-bit bitmap */
#define AUTHWATCH_ENUM_MAX	48

/**
 * struct authwatch_cfg - thresholds (0 turns a detector off)
 * @window_ms:     the sliding window (>= 1000)
 * @src_failures:  failures of one source within a window: brute force
 * @enum_users:    distinct users failing for one source: enumeration
 *                 (<= AUTHWATCH_ENUM_MAX)
 * @user_failures: failures of one username from sources not allowlisted
 * @user_lock_ms:  how long such a username stays locked
 * @sources, @users: table sizes (the oldest are forgotten when full)
 */
struct authwatch_cfg {
	uint32_t	window_ms;
	uint32_t	src_failures;
	uint32_t	enum_users;
	uint32_t	user_failures;
	uint32_t	user_lock_ms;
	uint32_t	sources;
	uint32_t	users;
};

/**
 * enum authwatch_event - what a failure tipped over (bits)
 * @AUTHWATCH_BRUTE_FORCE:  the source reached @src_failures
 * @AUTHWATCH_ENUMERATION:  the source reached @enum_users distinct users
 * @AUTHWATCH_USER_LOCKED:  the username reached @user_failures: locked
 *
 * Each is reported once when reached; again only after the count fell
 * below the threshold and reached it anew.
 */
enum authwatch_event {
	AUTHWATCH_BRUTE_FORCE	= 1 << 0,
	AUTHWATCH_ENUMERATION	= 1 << 1,
	AUTHWATCH_USER_LOCKED	= 1 << 2,
};

struct authwatch;

/* NULL with errno EINVAL (a bad setting) or ENOMEM. */
struct authwatch *authwatch_new(const struct authwatch_cfg *cfg,
				const struct siphash_key *key);
void authwatch_free(struct authwatch *aw);

/*
 * authwatch_answer - the answer @status went back to @addr (the request's
 * source; 4 or 16 bytes as @family says) for a request naming user @user
 * (@ulen bytes, may be 0); @with_credentials: the request carried an
 * Authorization or Proxy-Authorization header.  @allowlisted sources are
 * not counted against themselves nor against the user.  Returns the events
 * it tipped over.  Other statuses are ignored.  Never allocates.
 */
unsigned int authwatch_answer(struct authwatch *aw, int family,
			      const uint8_t *addr, const char *user,
			      size_t ulen, unsigned int status,
			      bool with_credentials, bool allowlisted,
			      uint32_t now_ms);

/* Is @user locked at @now_ms (for sources not on the allowlist)? */
bool authwatch_user_locked(struct authwatch *aw, const char *user,
			   size_t ulen, uint32_t now_ms);

/* Failures the sliding window counts for @addr now (for status output). */
uint32_t authwatch_source_failures(struct authwatch *aw, int family,
				   const uint8_t *addr, uint32_t now_ms);

/* Forget sources and users idle for two windows (and unlocked). */
void authwatch_expire(struct authwatch *aw, uint32_t now_ms);

#endif /* VOIPFW_AUTHWATCH_H */
