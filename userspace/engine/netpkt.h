/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netpkt.h - find the UDP or TCP payload of an IPv4/IPv6 packet, bounded
 * and without trusting any length field.
 */
#ifndef VOIPFW_NETPKT_H
#define VOIPFW_NETPKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"

/**
 * struct netpkt - a parsed packet.
 * @meta:     addresses, ports, protocol
 * @payload:  the transport payload
 * @tcp_seq:  TCP sequence number (host order), @tcp_flags its flags
 * @fragment: an IP fragment other than a reassembled whole (not parsed)
 */
struct netpkt {
	struct pkt_meta	meta;
	const uint8_t	*payload;
	size_t		payload_len;
	uint32_t	tcp_seq;
	uint8_t		tcp_flags;
};

/*
 * netpkt_is_fragment - is @data an IPv4 fragment or an IPv6 packet with a
 * fragment header first, i.e. a piece of a datagram nobody reassembled?
 */
bool netpkt_is_fragment(const uint8_t *data, size_t len);

/*
 * netpkt_parse - parse @len bytes starting with an IPv4 or IPv6 header.
 * Returns 0, or -1 when it is not a complete, unfragmented UDP or TCP
 * packet (a firewall has nothing to judge in it then).
 */
int netpkt_parse(const uint8_t *data, size_t len, struct netpkt *pkt);

/*
 * netpkt_udp_rebuild - the UDP packet @data (@len bytes, parsed into @pkt
 * by netpkt_parse()) with its payload replaced by @payload (@plen bytes),
 * written to @out (@room bytes): the IP header and its extension headers
 * as they were, then IPv4 total length and header checksum or IPv6
 * payload length, UDP length and checksum made right for the new
 * payload.  An IPv4 UDP checksum of 0 ("none", RFC 768) stays 0; IPv6
 * always gets one (RFC 8200 8.1).  Bytes after the UDP datagram in the
 * original (padding) are not copied.
 *
 * Returns the new length, or -1 when @pkt is not UDP, the packet carries
 * an IPv6 routing header (the checksum's destination would be the last
 * address of the route, which voipfw does not follow), or the result is
 * longer than @room or than an IP packet can be.
 */
long netpkt_udp_rebuild(const uint8_t *data, size_t len,
			const struct netpkt *pkt, const uint8_t *payload,
			size_t plen, uint8_t *out, size_t room);

#endif /* VOIPFW_NETPKT_H */
