/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sip_rewrite.h - header normalization of a parsed SIP message: whole
 * header fields removed, or their values replaced, into a caller's
 * buffer.  Nothing else of the message changes: the start line, the
 * other header lines and the body are copied byte for byte, so the
 * Content-Length stays right.  No allocation; the output is bounded by
 * sip_rewrite_bound().
 */
#ifndef VOIPFW_SIP_REWRITE_H
#define VOIPFW_SIP_REWRITE_H

#include <stddef.h>

#include "sip.h"

/* The longest replacement value sip_rewrite() takes. */
#define SIP_REWRITE_AGENT_MAX	64

/* What a rewrite did (bits of sip_rewrite()'s @done). */
enum sip_rewrite_bit {
	SIP_RW_IDENTITY	= 1u << 0,	/* P-Asserted/P-Preferred-Identity removed */
	SIP_RW_AGENT	= 1u << 1,	/* User-Agent/Server removed or replaced */
};

/**
 * struct sip_rewrite - what to do to a message.
 * @strip_identity: remove every P-Asserted-Identity and
 *                  P-Preferred-Identity field (RFC 3325 9.1, 9.2)
 * @hide_agent:     remove every User-Agent and Server field, or, with
 *                  @agent non-empty, replace each one's value by @agent
 * @agent:          the replacement: a server-val (RFC 3261 20.41: product
 *                  or comment), at most SIP_REWRITE_AGENT_MAX bytes; the
 *                  caller checks its grammar (voipfw.conf(5) does)
 */
struct sip_rewrite {
	bool		strip_identity;
	bool		hide_agent;
	struct span	agent;
};

/*
 * sip_rewrite_needed - the SIP_RW_* bits @rw would change in @msg (0:
 * the message stays as it is; sip_rewrite() need not run).  A value
 * already equal to the replacement counts as no change.
 */
unsigned int sip_rewrite_needed(const struct sip_msg *msg,
				const struct sip_rewrite *rw);

/*
 * sip_rewrite_bound - the largest output sip_rewrite() can make of @msg
 * (the whole buffer, msg->buf_len, plus the growth of replaced values).
 */
size_t sip_rewrite_bound(const struct sip_msg *msg,
			 const struct sip_rewrite *rw);

/*
 * sip_rewrite - write @msg's buffer (msg->buf, msg->buf_len bytes: what
 * follows msg_len in a datagram is copied too) to @out with @rw applied.
 * A removed field goes with its whole logical line: folded continuation
 * lines (RFC 3261 7.3.1) and the line end.  A replaced field becomes
 * "NAME: AGENT" with the name as written and the line end as received
 * (CRLF, or a bare LF the parser took).  @done, if given, gets the
 * SIP_RW_* bits that changed something.
 *
 * Returns the output length, or -1 when it does not fit @room (nothing
 * useful is in @out then).
 */
long sip_rewrite(const struct sip_msg *msg, const struct sip_rewrite *rw,
		 char *out, size_t room, unsigned int *done);

#endif /* VOIPFW_SIP_REWRITE_H */
