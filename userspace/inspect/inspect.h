/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * inspect.h - judge one SIP message: grammar, message rules and the media
 * it negotiates.  The shared first step of check-sip, voipfwd and --replay.
 */
#ifndef VOIPFW_INSPECT_H
#define VOIPFW_INSPECT_H

#include "../sip/sip.h"
#include "../sip/sip_validate.h"
#include "../sdp/sdp.h"

/**
 * struct inspect_result - everything one inspection yields.
 * @verdict_pass: true to pass, false to drop
 * @drop:         the reason when dropped
 * @has_sdp:      the body carried SDP and @sdp holds it
 */
struct inspect_result {
	bool			verdict_pass;
	struct sip_finding	drop;
	struct sip_diag		diag;
	struct sip_msg		msg;
	bool			has_sdp;
	struct sdp		sdp;
};

/**
 * inspect_message - parse and judge @buf (one datagram) under @level.
 * Never fails as a function: the outcome is the verdict in @res.
 */
void inspect_message(const char *buf, size_t len, enum sip_strictness level,
		     struct inspect_result *res);

/*
 * inspect_format_reason - "TOKEN: detail (where)" into @out (always
 * NUL-terminated, non-printable bytes of @where escaped).  Returns @out.
 */
char *inspect_format_reason(const struct sip_finding *f, char *out,
			    size_t outlen);

#endif /* VOIPFW_INSPECT_H */
