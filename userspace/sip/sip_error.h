/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sip_error.h - reasons a SIP message is refused, and where.
 *
 * A reason is a short stable token (the enum, printed by sip_reason_str())
 * plus a static detail text and, optionally, the offending bytes.  The
 * tokens are part of voipfw's interface: they appear in check-sip output,
 * counters and events.  Append new ones; never rename or renumber.
 */
#ifndef VOIPFW_SIP_ERROR_H
#define VOIPFW_SIP_ERROR_H

#include "span.h"

/**
 * enum sip_reason - why a message (or part of it) is refused.
 */
enum sip_reason {
	SIP_OK = 0,
	SIP_ERR_TRUNCATED,		/* no end of headers, empty message */
	SIP_ERR_BAD_REQUEST_LINE,
	SIP_ERR_BAD_STATUS_LINE,
	SIP_ERR_BAD_VERSION,
	SIP_ERR_BAD_HEADER,		/* header line syntax (name, colon) */
	SIP_ERR_TOO_MANY_HEADERS,
	SIP_ERR_DUPLICATE_HEADER,
	SIP_ERR_MISSING_HEADER,
	SIP_ERR_BAD_URI,
	SIP_ERR_BAD_VIA,
	SIP_ERR_BAD_NAME_ADDR,		/* From, To, Contact, Route, ... */
	SIP_ERR_BAD_CSEQ,
	SIP_ERR_CSEQ_MISMATCH,
	SIP_ERR_BAD_CONTENT_LENGTH,
	SIP_ERR_CONTENT_LENGTH_MISMATCH,
	SIP_ERR_BAD_MAX_FORWARDS,
	SIP_ERR_BAD_CALL_ID,
	SIP_ERR_BAD_NUMBER,		/* Expires, Retry-After, ... */
	SIP_ERR_BAD_DATE,
	SIP_ERR_BAD_AUTH,
	SIP_ERR_BAD_PARAM,
	SIP_ERR_BAD_BODY,		/* Content-Type / multipart framing */
	SIP_ERR_BAD_SDP,
	SIP_ERR_UNSUPPORTED_SCHEME,
	SIP_ERR_BAD_TOKEN,		/* Allow, Supported, ... lists */
	__SIP_REASON_MAX
};

/**
 * struct sip_finding - one reason with its context.
 * @reason: token
 * @detail: static human text ("two spaces before Request-URI")
 * @where:  the offending bytes, or empty
 */
struct sip_finding {
	enum sip_reason	reason;
	const char	*detail;
	struct span	where;
};

/**
 * struct sip_diag - what a parse found.
 * @fatal:        set when the message cannot be interpreted at all; a
 *                firewall drops it under every policy
 * @strict:       the first strict-only defect: the message is readable
 *                and unambiguous, but RFC 3261's grammar forbids it
 * @strict_count: how many strict-only defects were seen
 * @skip_strict:  set by the caller when nothing will act on strict-only
 *                defects (the default policy): the parsers may then skip
 *                checks that can only find such defects, and
 *                @strict/@strict_count are incomplete
 */
struct sip_diag {
	struct sip_finding	fatal;
	struct sip_finding	strict;
	unsigned int		strict_count;
	bool			skip_strict;
};

const char *sip_reason_str(enum sip_reason reason);

/* Should checks that can only yield strict-only defects run? */
static inline bool sip_diag_wants_strict(const struct sip_diag *d)
{
	return d && !d->skip_strict;
}

/* Record a fatal error (the first one wins); always returns -1. */
int sip_diag_fatal(struct sip_diag *d, enum sip_reason r, const char *detail,
		   struct span where);
/* Record a strict-only defect (the first one is kept, all are counted). */
void sip_diag_strict(struct sip_diag *d, enum sip_reason r,
		     const char *detail, struct span where);

#endif /* VOIPFW_SIP_ERROR_H */
