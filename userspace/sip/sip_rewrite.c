// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sip_rewrite.c - remove or replace header fields of a parsed message
 * (see sip_rewrite.h).
 *
 *   message-header = header-name HCOLON header-value CRLF
 *   LWS            = [*WSP CRLF] 1*WSP       ; a fold (RFC 3261 25.1)
 *
 * sip_parse() indexes every header line (it refuses a message with more
 * than it can index), each as a name and a trimmed value that may hold
 * folds; the name starts its line.  The line's end is found again from
 * the value's end the way sip_parse() found it: the first LF not followed
 * by SP or HTAB.  So a removed field leaves no continuation line behind
 * that would glue itself to the field before it.
 */
#include <string.h>

#include "sip_rewrite.h"

enum rw_action {
	RW_KEEP = 0,
	RW_REMOVE,
	RW_REPLACE,
};

static enum rw_action rw_action_of(const struct sip_header *h,
				   const struct sip_rewrite *rw)
{
	switch (h->id) {
	case SIP_HDR_P_ASSERTED_IDENTITY:
	case SIP_HDR_P_PREFERRED_IDENTITY:
		return rw->strip_identity ? RW_REMOVE : RW_KEEP;
	case SIP_HDR_USER_AGENT:
	case SIP_HDR_SERVER:
		if (!rw->hide_agent)
			return RW_KEEP;
		if (!rw->agent.len)
			return RW_REMOVE;
		/* already what it would become: leave the line as it is */
		return span_eq(h->value, rw->agent) ? RW_KEEP : RW_REPLACE;
	default:
		return RW_KEEP;
	}
}

/* The first byte after @h's logical line (its folds and line end). */
static const char *rw_line_end(const struct sip_msg *msg,
			       const struct sip_header *h)
{
	const char *end = msg->buf + msg->buf_len;
	const char *q = h->value.p + h->value.len, *lf;

	for (;;) {
		lf = memchr(q, '\n', (size_t)(end - q));
		if (!lf)	/* sip_parse() found one: cannot happen */
			return end;
		if (lf + 1 < end && (lf[1] == ' ' || lf[1] == '\t')) {
			q = lf + 1;
			continue;
		}
		return lf + 1;
	}
}

unsigned int sip_rewrite_needed(const struct sip_msg *msg,
				const struct sip_rewrite *rw)
{
	unsigned int i, bits = 0;

	if (rw->strip_identity && (msg->count[SIP_HDR_P_ASSERTED_IDENTITY] ||
				   msg->count[SIP_HDR_P_PREFERRED_IDENTITY]))
		bits |= SIP_RW_IDENTITY;
	if (rw->hide_agent && (msg->count[SIP_HDR_USER_AGENT] ||
			       msg->count[SIP_HDR_SERVER]))
		for (i = 0; i < msg->n_hdrs; i++)
			if ((msg->hdrs[i].id == SIP_HDR_USER_AGENT ||
			     msg->hdrs[i].id == SIP_HDR_SERVER) &&
			    rw_action_of(&msg->hdrs[i], rw) != RW_KEEP) {
				bits |= SIP_RW_AGENT;
				break;
			}
	return bits;
}

size_t sip_rewrite_bound(const struct sip_msg *msg,
			 const struct sip_rewrite *rw)
{
	size_t n = 0;

	/* "NAME:" + line end at least before, "NAME: AGENT" + the same after */
	if (rw->hide_agent && rw->agent.len)
		n = ((size_t)msg->count[SIP_HDR_USER_AGENT] +
		     msg->count[SIP_HDR_SERVER]) * (rw->agent.len + 1);
	return msg->buf_len + n;
}

/* Append @len bytes at @p to @out (@used of @room); false when full. */
static bool rw_put(char *out, size_t room, size_t *used, const char *p,
		   size_t len)
{
	if (len > room - *used)
		return false;
	memcpy(out + *used, p, len);
	*used += len;
	return true;
}

long sip_rewrite(const struct sip_msg *msg, const struct sip_rewrite *rw,
		 char *out, size_t room, unsigned int *done)
{
	const char *cur = msg->buf, *end = msg->buf + msg->buf_len;
	unsigned int i, bits = 0;
	size_t used = 0;

	if (rw->agent.len > SIP_REWRITE_AGENT_MAX)
		return -1;
	for (i = 0; i < msg->n_hdrs; i++) {
		const struct sip_header *h = &msg->hdrs[i];
		enum rw_action a = rw_action_of(h, rw);
		const char *line_end;
		bool crlf;

		if (a == RW_KEEP)
			continue;
		line_end = rw_line_end(msg, h);
		if (!rw_put(out, room, &used, cur, (size_t)(h->name.p - cur)))
			return -1;
		cur = line_end;
		bits |= h->id == SIP_HDR_USER_AGENT || h->id == SIP_HDR_SERVER ?
			SIP_RW_AGENT : SIP_RW_IDENTITY;
		if (a == RW_REMOVE)
			continue;
		crlf = line_end - 2 >= h->name.p && line_end[-2] == '\r';
		if (!rw_put(out, room, &used, h->name.p, h->name.len) ||
		    !rw_put(out, room, &used, ": ", 2) ||
		    !rw_put(out, room, &used, rw->agent.p, rw->agent.len) ||
		    !rw_put(out, room, &used, crlf ? "\r\n" : "\n",
			    crlf ? 2 : 1))
			return -1;
	}
	if (!rw_put(out, room, &used, cur, (size_t)(end - cur)))
		return -1;
	if (done)
		*done = bits;
	return (long)used;
}
