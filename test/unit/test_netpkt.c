// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_netpkt.c - netpkt_udp_rebuild(): a UDP packet with a new payload
 * must have right lengths and checksums (verified here the way a
 * receiver does: the sum over header, pseudo-header and data is all
 * ones), IPv4 "no checksum" kept, IPv6 extension headers copied, a
 * routing header and a packet that does not fit refused.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "engine/netpkt.h"

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t sum16(uint32_t s, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += be16(p + i);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* A receiver's check of the UDP checksum at @udp (@ulen bytes). */
static bool udp_ok(const uint8_t *pkt, const uint8_t *udp, size_t ulen)
{
	uint32_t s;

	if ((pkt[0] >> 4) == 4)
		s = sum16(0, pkt + 12, 8);
	else
		s = sum16(0, pkt + 8, 32);
	s += IPPROTO_UDP + (uint32_t)ulen;
	return fold(sum16(s, udp, ulen)) == 0xffff;
}

/* An IPv4 (@v6 false) or IPv6 packet; @ext: a hop-by-hop or routing
 * header (IPPROTO_HOPOPTS, IPPROTO_ROUTING) first, 0: none. */
static size_t make(uint8_t *b, bool v6, uint8_t ext, const char *payload,
		   bool csum)
{
	size_t plen = strlen(payload), hdr = v6 ? 40 : 20, n;
	struct netpkt pkt;
	uint8_t tmp[2048];
	long r;

	memset(b, 0, 2048);
	if (v6) {
		b[0] = 0x60;
		b[6] = ext ? ext : IPPROTO_UDP;
		b[7] = 64;
		b[8] = 0xfd; b[23] = 1;		/* fd00::1 -> fd00::2 */
		b[24] = 0xfd; b[39] = 2;
		if (ext) {
			b[40] = IPPROTO_UDP;	/* 8 bytes of PadN */
			b[42] = 1;
			b[43] = 4;
			hdr += 8;
		}
	} else {
		b[0] = 0x45;
		b[8] = 64;
		b[9] = IPPROTO_UDP;
		b[12] = 10; b[15] = 1;
		b[16] = 10; b[19] = 2;
	}
	n = hdr + 8 + plen;
	b[hdr] = 0x13; b[hdr + 1] = 0xc4;	/* 5060 -> 5060 */
	b[hdr + 2] = 0x13; b[hdr + 3] = 0xc4;
	b[hdr + 4] = (uint8_t)((8 + plen) >> 8);
	b[hdr + 5] = (uint8_t)(8 + plen);
	memcpy(b + hdr + 8, payload, plen);
	if (v6) {
		b[4] = (uint8_t)((n - 40) >> 8);
		b[5] = (uint8_t)(n - 40);
	} else {
		b[2] = (uint8_t)(n >> 8);
		b[3] = (uint8_t)n;
	}
	if (!csum)
		return n;
	/* the checksum: rebuilding with the same payload computes it */
	if (netpkt_parse(b, n, &pkt) ||
	    (r = netpkt_udp_rebuild(b, n, &pkt, (const uint8_t *)payload, plen,
				    tmp, sizeof(tmp))) < 0)
		return 0;
	if (!v6) {	/* netpkt_udp_rebuild keeps 0 = none: set it by hand */
		uint32_t s = sum16(0, b + 12, 8) + IPPROTO_UDP + 8 + plen;
		uint16_t ck = (uint16_t)~fold(sum16(s, b + 20, 8 + plen));

		b[26] = (uint8_t)(ck >> 8);
		b[27] = (uint8_t)ck;
		return n;
	}
	memcpy(b, tmp, (size_t)r);
	return (size_t)r;
}

static void check_rebuild(const char *name, bool v6, uint8_t ext, bool csum,
			  const char *before, const char *after)
{
	uint8_t in[2048], out[2048];
	struct netpkt pkt, back;
	size_t n, hdr;
	long r;

	unit_case("%s", name);
	n = make(in, v6, ext, before, csum);
	if (!CHECK(n) || !CHECK(netpkt_parse(in, n, &pkt) == 0))
		return;
	hdr = (size_t)(pkt.payload - in);
	if (csum)
		CHECK(udp_ok(in, in + hdr - 8, n - hdr + 8));
	r = netpkt_udp_rebuild(in, n, &pkt, (const uint8_t *)after,
			       strlen(after), out, sizeof(out));
	if (!CHECK(r == (long)(hdr + strlen(after))))
		return;
	if (!CHECK(netpkt_parse(out, (size_t)r, &back) == 0))
		return;
	CHECK_INT(back.payload_len, strlen(after));
	CHECK(!memcmp(back.payload, after, strlen(after)));
	CHECK(!memcmp(back.meta.saddr, pkt.meta.saddr, 16));
	CHECK_INT(back.meta.dport, 5060);
	CHECK_INT(be16(out + hdr - 4), 8 + strlen(after));
	if (v6) {
		CHECK_INT(be16(out + 4), (size_t)r - 40);
		CHECK(be16(out + hdr - 2) != 0);
		CHECK(udp_ok(out, out + hdr - 8, (size_t)r - hdr + 8));
		CHECK(!memcmp(out + 40, in + 40, hdr - 48));	/* extensions */
	} else {
		CHECK_INT(be16(out + 2), (size_t)r);
		CHECK_INT(fold(sum16(0, out, 20)), 0xffff);	/* header sum */
		if (csum)
			CHECK(udp_ok(out, out + 20, (size_t)r - 20));
		else
			CHECK_INT(be16(out + 26), 0);
	}
}

int main(void)
{
	uint8_t in[2048], out[2048];
	struct netpkt pkt;
	size_t n;

	check_rebuild("IPv4: shorter payload", false, 0, true,
		      "OPTIONS sip:x SIP/2.0\r\nUser-Agent: long one\r\n\r\n",
		      "OPTIONS sip:x SIP/2.0\r\n\r\n");
	check_rebuild("IPv4: longer payload, odd length", false, 0, true,
		      "OPTIONS sip:x SIP/2.0\r\n\r\n",
		      "OPTIONS sip:x SIP/2.0\r\nUser-Agent: PBX/1\r\n\r\nx");
	check_rebuild("IPv4: no checksum stays none", false, 0, false,
		      "OPTIONS sip:x SIP/2.0\r\nA: b\r\n\r\n", "OPTIONS\r\n\r\n");
	check_rebuild("IPv6: shorter payload", true, 0, true,
		      "OPTIONS sip:x SIP/2.0\r\nUser-Agent: long one\r\n\r\n",
		      "OPTIONS sip:x SIP/2.0\r\n\r\n");
	check_rebuild("IPv6: hop-by-hop header copied", true, IPPROTO_HOPOPTS,
		      true, "OPTIONS sip:x SIP/2.0\r\n\r\n", "OPTIONS sip:y\r\n\r\n!");

	unit_case("IPv6 with a routing header: refused");
	n = make(in, true, IPPROTO_ROUTING, "OPTIONS\r\n\r\n", false);
	/* netpkt_parse() skips a routing header; rebuild does not follow it */
	if (CHECK(netpkt_parse(in, n, &pkt) == 0))
		CHECK_INT(netpkt_udp_rebuild(in, n, &pkt, (const uint8_t *)"x", 1,
					     out, sizeof(out)), -1);

	unit_case("a packet that does not fit: refused");
	n = make(in, false, 0, "OPTIONS\r\n\r\n", true);
	if (CHECK(netpkt_parse(in, n, &pkt) == 0)) {
		CHECK_INT(netpkt_udp_rebuild(in, n, &pkt, (const uint8_t *)"abc",
					     3, out, 20 + 8 + 2), -1);
		CHECK_INT(netpkt_udp_rebuild(in, n, &pkt, (const uint8_t *)"abc",
					     3, out, 20 + 8 + 3), 31);
	}
	return unit_summary("netpkt");
}
