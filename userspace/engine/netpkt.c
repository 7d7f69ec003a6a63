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

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* RFC 1071: the one's complement sum of 16-bit words, not yet folded */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += be16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

long netpkt_udp_rebuild(const uint8_t *data, size_t len,
			const struct netpkt *pkt, const uint8_t *payload,
			size_t plen, uint8_t *out, size_t room)
{
	size_t hdr, total, ulen;
	uint8_t *udp;
	uint32_t sum;
	uint16_t ck;

	if (pkt->meta.proto != IPPROTO_UDP || !pkt->payload ||
	    pkt->payload < data + 8 || pkt->payload > data + len)
		return -1;
	hdr = (size_t)(pkt->payload - data) - 8;	/* IP and extensions */
	ulen = 8 + plen;
	total = hdr + ulen;
	if (total > room || total > 0xffff ||
	    (pkt->meta.family == 6 && total - 40 > 0xffff))
		return -1;
	if (pkt->meta.family == 6) {
		size_t off = 40;
		uint8_t next = data[6];

		/* netpkt_parse() walked these already: bounded by @hdr */
		while (next != IPPROTO_UDP && off + 8 <= hdr) {
			if (next == IPPROTO_ROUTING)
				return -1;
			next = data[off];
			off += ((size_t)data[off + 1] + 1) * 8;
		}
	}
	memcpy(out, data, hdr + 8);
	memcpy(out + hdr + 8, payload, plen);
	udp = out + hdr;
	put16(udp + 4, (uint16_t)ulen);
	if (pkt->meta.family == 4) {
		size_t ihl = (size_t)(out[0] & 0x0f) * 4;

		put16(out + 2, (uint16_t)total);
		put16(out + 10, 0);
		put16(out + 10, csum_fold(csum_add(0, out, ihl)));
		if (!be16(udp + 6))
			return (long)total;	/* sent without: stays so */
		sum = csum_add(0, out + 12, 8);		/* addresses */
	} else {
		put16(out + 4, (uint16_t)(total - 40));
		sum = csum_add(0, out + 8, 32);
	}
	sum += IPPROTO_UDP + (uint32_t)ulen;
	put16(udp + 6, 0);
	ck = csum_fold(csum_add(sum, udp, ulen));
	/* RFC 768: a computed 0 is sent as all ones (0 means "none") */
	put16(udp + 6, ck ? ck : 0xffff);
	return (long)total;
}
