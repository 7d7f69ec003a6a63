/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * replay.h - voipfwd --replay: the engine over a capture file, printing
 * what the firewall would have done, without touching the kernel.
 */
#ifndef VOIPFW_REPLAY_H
#define VOIPFW_REPLAY_H

#include <stdio.h>

#include "config.h"

/*
 * replay_run - read @path (pcap or pcapng via libpcap), judge every SIP
 * message to or from the configured SIP ports, print verdicts and pinhole
 * events to @out, and the media the pinholes would have passed or
 * dropped.  Returns 0, or -1 with a message in @err.
 */
int replay_run(const struct voipfwd_config *cfg, const char *path, FILE *out,
	       char *err, size_t errlen);

#endif /* VOIPFW_REPLAY_H */
