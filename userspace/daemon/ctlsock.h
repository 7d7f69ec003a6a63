/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctlsock.h - voipfwd's control socket: a Unix stream socket; a client
 * sends one command line ("status", "calls", "pinholes", each optionally
 * followed by " json") and reads the answer until the daemon closes.
 * The peer's credentials (SO_PEERCRED) decide what it may do.
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
