/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctlsock.h - voipfwd's control socket: a Unix stream socket; a client
 * sends one command line (a verb, its arguments separated by spaces,
 * optionally " json" last) and reads the answer until the daemon closes.
 * An answer that begins with "error: " is a failure; "error: permission
 * denied", "error: not banned", "error: not found" and "error: usage"
 * say which.
 *
 * Read-only verbs (status, calls, pinholes, bans, stats): root,
 * control-group and admin-group.  Verbs that change things (ban, unban,
 * kill-call): root and admin-group.  The peer's uid, gid and
 * supplementary groups come from the kernel (SO_PEERCRED,
 * SO_PEERGROUPS), as they were when it connected.
 */
#ifndef VOIPFW_CTLSOCK_H
#define VOIPFW_CTLSOCK_H

#include "voipfwd.h"

struct ctlsock;

struct ctlsock *ctlsock_open(struct voipfwd_state *st, char *err,
			     size_t errlen);
/* Serve the clients that come within @timeout_ms; returns when idle. */
void ctlsock_serve(struct ctlsock *cs, int timeout_ms);
void ctlsock_close(struct ctlsock *cs);

#endif /* VOIPFW_CTLSOCK_H */
