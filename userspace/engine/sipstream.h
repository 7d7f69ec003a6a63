/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sipstream.h - SIP over TCP as NFQUEUE shows it: segments, one at a time,
 * each needing a verdict.  Bytes of one direction of a connection are
 * collected (bounded) until sip_frame_length() says a message is whole;
 * the segment that completes a message gets that message's verdict.
 *
 * Segments that only start a message pass: the endpoint cannot act on a
 * message it has not got the end of, and the end is held back if the
 * message is refused.  Out-of-order segments are dropped (TCP resends them
 * in order); retransmissions of refused bytes are refused again.
 */
#ifndef VOIPFW_SIPSTREAM_H
#define VOIPFW_SIPSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"

/* A message larger than this cannot be framed: the segment is dropped. */
#define SIPSTREAM_BUF		16384
#define SIPSTREAM_HDR_MAX	8192

/**
 * sipstream_judge_fn - judge one whole message; true to pass it.
 */
typedef bool (*sipstream_judge_fn)(void *arg, const struct pkt_meta *meta,
				   const char *msg, size_t len);

struct sipstream_table;

/* A table for @max concurrent directions of TCP connections. */
struct sipstream_table *sipstream_new(unsigned int max, uint32_t idle_s);
void sipstream_free(struct sipstream_table *t);

/**
 * sipstream_segment - a TCP segment with @len payload bytes at sequence
 * number @seq (host order) and TCP @flags.  Calls @judge for each message
 * it completes.  Returns true to accept the segment, false to drop it.
 */
bool sipstream_segment(struct sipstream_table *t, const struct pkt_meta *meta,
		       uint32_t seq, uint8_t flags, const uint8_t *payload,
		       size_t len, uint64_t now_ms, sipstream_judge_fn judge,
		       void *arg);

/* Forget directions idle for longer than the table's idle time. */
void sipstream_expire(struct sipstream_table *t, uint64_t now_ms);

unsigned int sipstream_count(const struct sipstream_table *t);

#endif /* VOIPFW_SIPSTREAM_H */
