/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tollpolicy.h - toll fraud in voipfwd: the toll class file
 * (voipfw-toll.conf(5), config key toll-classes) made into one tollguard
 * per worker, read at start and again when the file changes or on
 * SIGHUP; and the control socket's verbs on them (block-ext, unblock-ext,
 * block-class, unblock-class, block-user, unblock-user, blocks).
 *
 * Per worker: calls per hour, concurrent calls, durations and breakers
 * are counted by each queue's thread (the queue rule keeps an address
 * pair's SIP on one queue, so the calls of one phone or one PBX are
 * counted together).  Manual blocks are set in every worker's guard
 * under its lock, so they hold whatever queue a call arrives on.
 *
 * Reload: the guards hold state sized by the file's classes, so a new
 * file means new guards.  Manual blocks (classes by name) and open
 * breakers are carried over; per-hour counts start afresh and live calls
 * are no longer counted as live (they end as before, by BYE or expiry).
 * No file: toll fraud off (logged).  A file that does not parse: logged
 * with FILE:LINE:COL, the one in force stays.
 */
#ifndef VOIPFW_TOLLPOLICY_H
#define VOIPFW_TOLLPOLICY_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "voipfwd.h"

struct tollpolicy;

struct tollpolicy *tollpolicy_new(struct voipfwd_state *st);

/* Load the class file if it changed since the last look (or if @force);
 * voipfwd's main thread calls it about once a second. */
void tollpolicy_check(struct tollpolicy *tp, bool force);

/* After the workers stopped. */
void tollpolicy_free(struct tollpolicy *tp);

/*
 * tollpolicy_command - one control-socket verb (@verb, @argc words in
 * @argv), its answer on @out: lines, JSON with @json (blocks), or
 * "error: ..." (voipfwctl maps "not blocked"/"not found" to exit 1).
 * @uid names the caller in the log.  The socket checked the role.
 */
void tollpolicy_command(struct tollpolicy *tp, const char *verb,
			char *const argv[], int argc, bool json, uid_t uid,
			FILE *out);

#endif /* VOIPFW_TOLLPOLICY_H */
