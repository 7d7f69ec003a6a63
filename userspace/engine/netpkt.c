// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netpkt.c - IPv4 (RFC 791), IPv6 (RFC 8200) with extension headers,
 * UDP (RFC 768) and TCP (RFC 9293) headers, bounded by the buffer.
 */
#include <netinet/in.h>
#include <string.h>

#include "netpkt.h"

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int l4_parse(const uint8_t *p, size_t len, uint8_t proto,
		    struct netpkt *pkt)
{
	pkt->meta.proto = proto;
	if (proto == IPPROTO_UDP) {
		uint16_t ulen;

		if (len < 8)
			return -1;
		ulen = be16(p + 4);
		/* the UDP length must fit the IP payload; trust the smaller */
		if (ulen < 8 || ulen > len)
			return -1;
		pkt->meta.sport = be16(p);
		pkt->meta.dport = be16(p + 2);
		pkt->payload = p + 8;
		pkt->payload_len = ulen - 8u;
		return 0;
	}
	if (proto == IPPROTO_TCP) {
		size_t off;

		if (len < 20)
			return -1;
		off = (size_t)(p[12] >> 4) * 4;
		if (off < 20 || off > len)
			return -1;
		pkt->meta.sport = be16(p);
		pkt->meta.dport = be16(p + 2);
		pkt->tcp_seq = be32(p + 4);
		pkt->tcp_flags = p[13];
		pkt->payload = p + off;
		pkt->payload_len = len - off;
		return 0;
	}
	return -1;
}

bool netpkt_is_fragment(const uint8_t *data, size_t len)
{
	if (len >= 20 && (data[0] >> 4) == 4)
		return (be16(data + 6) & 0x3fff) != 0;
	if (len >= 40 && (data[0] >> 4) == 6)
		return data[6] == IPPROTO_FRAGMENT;
	return false;
}

int netpkt_parse(const uint8_t *data, size_t len, struct netpkt *pkt)
{
	memset(pkt, 0, sizeof(*pkt));
	if (len < 1)
		return -1;
	if ((data[0] >> 4) == 4) {
		size_t ihl, tot;

		if (len < 20)
			return -1;
		ihl = (size_t)(data[0] & 0x0f) * 4;
		tot = be16(data + 2);
		if (ihl < 20 || tot < ihl || tot > len)
			return -1;
		/* MF set or a fragment offset: not a whole datagram */
		if (be16(data + 6) & 0x3fff)
			return -1;
		pkt->meta.family = 4;
		memcpy(pkt->meta.saddr, data + 12, 4);
		memcpy(pkt->meta.daddr, data + 16, 4);
		return l4_parse(data + ihl, tot - ihl, data[9], pkt);
	}
	if ((data[0] >> 4) == 6) {
		size_t off = 40, end;
		uint8_t next;
		unsigned int hops;

		if (len < 40)
			return -1;
		end = 40 + (size_t)be16(data + 4);
		if (end > len)
			return -1;
		pkt->meta.family = 6;
		memcpy(pkt->meta.saddr, data + 8, 16);
		memcpy(pkt->meta.daddr, data + 24, 16);
		next = data[6];
		/* skip hop-by-hop, routing and destination options; a
		 * fragment header means the packet was not reassembled */
		for (hops = 0; hops < 8; hops++) {
			if (next != IPPROTO_HOPOPTS && next != IPPROTO_ROUTING &&
			    next != IPPROTO_DSTOPTS)
				break;
			if (off + 8 > end)
				return -1;
			next = data[off];
			off += ((size_t)data[off + 1] + 1) * 8;
			if (off > end)
				return -1;
		}
		return l4_parse(data + off, end - off, next, pkt);
	}
	return -1;
}
