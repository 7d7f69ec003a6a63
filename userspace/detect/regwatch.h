/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * regwatch.h - registrations seen on the wire, for review: a username
 * registered from several addresses at once (a shared or stolen account),
 * and an account registering again after a long silence (a dormant one
 * waking up: often the first sign of a leaked password).  Read from the
 * registrar's 200 answers to REGISTER, which carry the binding's expiry.
 *
 * Events only: nothing is dropped; the caller logs them.  State is in a
 * fixed-size table keyed by the username's hash; a dormant account is one
 * whose last registration is older than the threshold: as an acctdb
 * (regwatch_set_accounts) remembers it across reloads and restarts, else
 * as this regwatch saw it (then every account is new after a restart or a
 * reload, not dormant).
 */
#ifndef VOIPFW_REGWATCH_H
#define VOIPFW_REGWATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hash/siphash.h"

/* addresses remembered per username */
#define REGWATCH_ADDRS	4

/**
 * enum regwatch_event - what a registration showed (bits)
 * @REGWATCH_SHARED:  another address holds a live binding of the name
 * @REGWATCH_WOKE:    the name had not registered for the dormant time
 */
enum regwatch_event {
	REGWATCH_SHARED	= 1 << 0,
	REGWATCH_WOKE	= 1 << 1,
};

struct regwatch;
struct acctdb;

/* @users names remembered; @dormant_s: silence that makes an account
 * dormant (0: not watched).  NULL with errno. */
struct regwatch *regwatch_new(uint32_t users, uint32_t dormant_s,
			      const struct siphash_key *key);
void regwatch_free(struct regwatch *rw);

/* Last registrations from (and to) @db, which outlives @rw; NULL: none. */
void regwatch_set_accounts(struct regwatch *rw, struct acctdb *db);

/*
 * regwatch_registered - @user (@ulen bytes) registered from @addr (4 or
 * 16 bytes as @family says) for @expires_s seconds (0: unregistered) at
 * @now_s (seconds, monotonic; @wall_s the same moment in Unix seconds,
 * for the acctdb).  Returns the events; *@other gets the other address of
 * a REGWATCH_SHARED (16 bytes, its family in *@other_fam).
 */
unsigned int regwatch_registered(struct regwatch *rw, const char *user,
				 size_t ulen, int family, const uint8_t *addr,
				 uint32_t expires_s, uint64_t now_s,
				 uint64_t wall_s, uint8_t *other, int *other_fam);

#endif /* VOIPFW_REGWATCH_H */
