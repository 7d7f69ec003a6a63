/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * voipfwd.h - the daemon's shared state: workers (one per queue) and what
 * the control socket may look at.
 */
#ifndef VOIPFW_VOIPFWD_H
#define VOIPFW_VOIPFWD_H

#include <pthread.h>
#include <stdint.h>

#include "config.h"
#include "engine/engine.h"
#include "nfq/pktq.h"

struct pktq;
struct sipstream_table;
struct nfttab;
struct tollpolicy;
struct kassist;

/**
 * struct voipfwd_worker - one queue and its engine.
 * @lock: held while the worker runs its engine; the control socket takes
 *        it to read the engine's calls and counters
 * @pending: slots (struct pktq_packet.slot) of this batch's packets whose
 *        pinhole changes wait for the batch's group commit
 * @n_pending: how many
 * @slot: the slot of the packet being judged
 */
struct voipfwd_worker {
	const struct voipfwd_config	*cfg;
	uint16_t			queue_num;
	struct pktq			*q;
	struct engine			*engine;
	struct compliance		*comp;
	struct sipstream_table		*streams;
	struct nfttab			*table;
	pthread_t			thread;
	pthread_mutex_t			lock;
	unsigned int			pending[PKTQ_BATCH_MAX];
	unsigned int			n_pending;
	unsigned int			slot;
};

struct voipfwd_state {
	const struct voipfwd_config	*cfg;
	struct voipfwd_worker		*workers;
	unsigned int			n_workers;
	struct nfttab			*table;
	struct tollpolicy		*toll;
	struct kassist			*kassist;	/* NULL: none */
	struct acctdb			*accounts;	/* NULL: none */
};

void voipfwd_log(void *arg, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
uint64_t voipfwd_now_ms(void);

#endif /* VOIPFW_VOIPFWD_H */
