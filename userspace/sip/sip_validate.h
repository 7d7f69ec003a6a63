/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sip_validate.h - message-level rules on top of the grammar: required
 * headers, CSeq/method agreement, duplicates, URI schemes (RFC 3261 8.1.1,
 * 8.2.2, 16.3) for the two strictness levels.
 */
#ifndef VOIPFW_SIP_VALIDATE_H
#define VOIPFW_SIP_VALIDATE_H

#include "sip.h"

/**
 * enum sip_strictness - how much of RFC 3261 a message must obey.
 * @SIP_POLICY_DEFAULT: pass anything a real UA might send whose meaning
 *                      is unambiguous; drop what cannot be interpreted or
 *                      could be read two ways (duplicated Call-ID, CSeq,
 *                      Content-Length, ...), since the firewall and the
 *                      endpoint must never disagree on what a message says.
 * @SIP_POLICY_STRICT:  additionally drop every grammar violation, RFC 2543
 *                      leftovers (no Max-Forwards) and non-SIP URI schemes.
 */
enum sip_strictness {
	SIP_POLICY_DEFAULT = 0,
	SIP_POLICY_STRICT,
};

int sip_strictness_parse(const char *name, enum sip_strictness *out);
const char *sip_strictness_str(enum sip_strictness s);

/**
 * sip_validate - message-level checks on a parsed message.
 * Returns 0 to pass, -1 to drop with the reason in @diag->fatal.
 */
int sip_validate(const struct sip_msg *msg, enum sip_strictness level,
		 struct sip_diag *diag);

#endif /* VOIPFW_SIP_VALIDATE_H */
