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

#endif /* VOIPFW_NETPKT_H */
