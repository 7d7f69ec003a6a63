/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sippolicy.h - the zones' SIP security policy in voipfwd: the sip blocks
 * of the applied voipfw.conf(5) and the scanner list, made into one guard
 * per worker (each worker its own rate buckets and detectors: fanout
 * keeps a source's SIP on one queue), and made again when the file
 * changes (voipfwctl apply, rollback and the --confirm watcher replace it
 * whole) or on SIGHUP.  A file that does not parse, or a scanner list
 * that does not, changes nothing: the policy in force stays, and the
 * error is logged with its FILE:LINE:COL.
 */
#ifndef VOIPFW_SIPPOLICY_H
#define VOIPFW_SIPPOLICY_H

#include <stdbool.h>

#include "voipfwd.h"

struct sippolicy;

struct sippolicy *sippolicy_new(struct voipfwd_state *st);

/* Load the policy if its file changed since the last look (or if @force);
 * voipfwd's main thread calls it about once a second. */
void sippolicy_check(struct sippolicy *sp, bool force);

/* After the workers stopped: their engines' guards go too. */
void sippolicy_free(struct sippolicy *sp);

#endif /* VOIPFW_SIPPOLICY_H */
