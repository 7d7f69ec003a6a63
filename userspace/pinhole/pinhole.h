/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pinhole.h - one opening in the firewall for negotiated media, and the
 * backend interface that programs it (nftables in voipfwd, a printer in
 * --replay, a recorder in tests).
 */
#ifndef VOIPFW_PINHOLE_H
#define VOIPFW_PINHOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Call-ID bytes kept with a pinhole; longer ones are told apart by hash. */
#define PINHOLE_CALL_ID_MAX	96

/**
 * struct pinhole_tag - who owns a pinhole; stored with the kernel set
 * element (userdata) so a restarted voipfwd can map it back to its call.
 * @call_id:     the first @call_id_len bytes of the Call-ID
 * @call_id_len: bytes stored in @call_id (at most PINHOLE_CALL_ID_MAX)
 * @call_id_full_len: the Call-ID's real length
 * @call_id_hash: dialog_hash() of the whole Call-ID
 * @stream:      index of the m= line in the offer
 * @rtcp:        RTCP rather than RTP port
 * @side:        which party receives through it: 0 the offerer of the
 *               session, 1 the answerer (lets a restarted voipfwd rebuild
 *               the call's media from its pinholes)
 */
struct pinhole_tag {
	char		call_id[PINHOLE_CALL_ID_MAX];
	uint8_t		call_id_len;
	uint8_t		call_id_full_len;
	uint64_t	call_id_hash;
	uint8_t		stream;
	bool		rtcp;
	uint8_t		side;
};

/**
 * struct pinhole - media allowed to one destination.
 * @family:  4 or 6
 * @daddr:   destination address, network order (4 or 16 bytes used)
 * @dport:   destination UDP port, host order
 * @has_peer: also match the source address @saddr (the other side's
 *           SDP address); otherwise any source may send
 * @saddr:   the peer's address when @has_peer
 * @timeout_ms: idle timeout; 0 means the set's default.  Media packets
 *           refresh it in the kernel (nft "update @set").
 * @tag:     the owner
 */
struct pinhole {
	uint8_t			family;
	uint8_t			daddr[16];
	uint16_t		dport;
	bool			has_peer;
	uint8_t			saddr[16];
	uint32_t		timeout_ms;
	struct pinhole_tag	tag;
};

/* Are @a and @b the same kernel set element (key equality)? */
bool pinhole_same_key(const struct pinhole *a, const struct pinhole *b);

/*
 * Format "udp ADDR PORT [from PEER] call CALL-ID" (for logs and
 * --replay); returns @out.
 */
char *pinhole_format(const struct pinhole *ph, char *out, size_t outlen);

/**
 * struct pinhole_backend_ops - where pinholes go.
 * @add:    queue the opening of @ph (not yet live)
 * @del:    queue the closing of @ph (matched by key)
 * @commit: make every queued change live, atomically; returns 0 or -1
 *          (errno set).  voipfwd calls it before it gives the verdict of
 *          the packet that caused the changes, so media never races its
 *          pinhole.
 * @ban:    (optional) queue a ban of source @addr (4 or 16 bytes as
 *          @family 4 or 6 says) for @ms milliseconds, committed with the
 *          pinhole changes; @why (one word, e.g. "flood") is kept with it
 */
struct pinhole_backend_ops {
	int	(*add)(void *ctx, const struct pinhole *ph);
	int	(*del)(void *ctx, const struct pinhole *ph);
	int	(*commit)(void *ctx);
	int	(*ban)(void *ctx, uint8_t family, const uint8_t *addr,
		       uint32_t ms, const char *why);
};

struct pinhole_backend {
	const struct pinhole_backend_ops	*ops;
	void					*ctx;
};

#endif /* VOIPFW_PINHOLE_H */
