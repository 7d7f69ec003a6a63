/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reputation.h - block lists and blocked countries in the kernel.  The
 * files of the blocklist keys (netset_parse: plain CIDR, Spamhaus DROP,
 * APIBAN JSON), merged, go into the sets block4, block6; the networks of
 * the geo-block countries, walked out of the geoip database
 * (geoip_networks), into geoblock4, geoblock6.  Each pair is replaced in
 * one transaction (nfttab_netset_replace) at start, on SIGHUP and, for
 * the lists, every blocklist-refresh seconds when they changed.
 *
 * Whole or nothing: a list that cannot be read or does not parse (logged
 * with FILE:LINE:COL), a refused database (missing, corrupt), or a
 * transaction the kernel refuses leaves that pair of sets as it was, the
 * ranges of the last good load (or of the voipfwd before a restart:
 * nfttab_install keeps the sets' elements).  Fail-static, not open or
 * closed: a broken file must neither unblock what is blocked nor block
 * what a half-read list would.
 */
#ifndef VOIPFW_REPUTATION_H
#define VOIPFW_REPUTATION_H

#include <stdbool.h>

#include "voipfwd.h"

struct reputation;

struct reputation *reputation_new(struct voipfwd_state *st);

/*
 * Load the lists and the countries if @force (start, SIGHUP), else the
 * lists when blocklist-refresh says it is time; voipfwd's main thread
 * calls it about once a second.  Reading and the walk run in that thread:
 * tens of milliseconds for tens of thousands of ranges.
 */
void reputation_check(struct reputation *rp, bool force);

void reputation_free(struct reputation *rp);

#endif /* VOIPFW_REPUTATION_H */
