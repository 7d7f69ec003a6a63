/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compliance.h - what each device used, as voipfwd saw it: plaintext SIP
 * over UDP or TCP, and RTP or SRTP in the SDP it sent (`voipfwctl
 * compliance`).  A table of fixed size per worker, keyed by the source
 * address (lrutab: a flood of new sources makes it forget the oldest,
 * never grow).
 *
 * voipfwd only sees the SIP it queues: plaintext.  SIP over TLS is not
 * queued and is never decrypted, so a device that signals only over TLS
 * does not appear here at all; a device that does appear used plaintext
 * SIP.  That is the report's contract (voipfwctl(8) compliance).
 */
#ifndef VOIPFW_COMPLIANCE_H
#define VOIPFW_COMPLIANCE_H

#include <stdbool.h>
#include <stdint.h>

#include "hash/siphash.h"
#include "sdp/sdp.h"
#include "sip/sip.h"

#define COMPLIANCE_UA_MAX	63

/**
 * struct compliance_dev - one device's record.
 * @family, @addr: 4 or 6, and 4 or 16 bytes
 * @ua:            its last User-Agent (requests), NUL-terminated; empty
 *                 when none was seen
 * @sip_udp, @sip_tcp: plaintext SIP messages it sent, by transport
 * @sdp_rtp:       SDP it sent (offers and answers) with an active stream
 *                 that is not keyed SRTP
 * @sdp_srtp:      SDP it sent whose active streams were all keyed SRTP
 * @last_ms:       when it was last seen (the caller's clock)
 */
struct compliance_dev {
	uint8_t		family;
	uint8_t		addr[16];
	char		ua[COMPLIANCE_UA_MAX + 1];
	uint32_t	sip_udp;
	uint32_t	sip_tcp;
	uint32_t	sdp_rtp;
	uint32_t	sdp_srtp;
	uint32_t	last_ms;
};

struct compliance;

/* NULL with errno. */
struct compliance *compliance_new(uint32_t capacity,
				  const struct siphash_key *key);
void compliance_free(struct compliance *c);

/*
 * compliance_note - @msg (with @sdp, NULL for none) came from @addr of
 * @family over @proto (IPPROTO_UDP or IPPROTO_TCP).
 */
void compliance_note(struct compliance *c, uint8_t family, const uint8_t *addr,
		     uint8_t proto, const struct sip_msg *msg,
		     const struct sdp *sdp, uint32_t now_ms);

/* Every device, most recently seen first; @fn returns false to stop. */
void compliance_walk(const struct compliance *c,
		     bool (*fn)(const struct compliance_dev *d, void *arg),
		     void *arg);

/* Is every active stream of @sdp SRTP keyed by a=crypto or a=fingerprint
 * (none active: true)? */
bool compliance_sdp_is_srtp(const struct sdp *sdp);

#endif /* VOIPFW_COMPLIANCE_H */
