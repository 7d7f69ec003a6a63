/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kassist.h - voipfwd and the kernel module voipfw.ko (kmod/): detect it,
 * shake hands, push the SIP ports, the kernel-limits and the scanner
 * patterns, read its counters for `voipfwctl stats`.  Without the module
 * voipfwd works as before, with its own limits only (it applies them
 * with the module too: the module makes the first, coarser cut).
 */
#ifndef VOIPFW_KASSIST_H
#define VOIPFW_KASSIST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct voipfwd_config;
struct kassist;

/* A handle that looks for the module now and then; NULL only when out of
 * memory.  Logs what it finds through voipfwd_log. */
struct kassist *kassist_new(const struct voipfwd_config *cfg);
void kassist_free(struct kassist *ka);

/* From the main loop, about once a second: look for the module again (every
 * 30 s while it is absent) and configure it when it appears; configure it
 * again on @reload (SIGHUP) or when the scanner list file changed, as the
 * zones' policy reads it again then. */
void kassist_check(struct kassist *ka, uint64_t now_ms, bool reload);

/* The module's counters: text lines "kernel ..." or, with @json, a
 * member ,"kernel":{...} to put inside the stats object. */
void kassist_stats(struct kassist *ka, FILE *out, bool json);

#endif /* VOIPFW_KASSIST_H */
