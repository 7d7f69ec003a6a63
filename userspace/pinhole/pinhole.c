// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pinhole.c - pinhole keys and their text form.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "pinhole.h"

static size_t addr_len(uint8_t family)
{
	return family == 6 ? 16 : 4;
}

bool pinhole_same_key(const struct pinhole *a, const struct pinhole *b)
{
	size_t n = addr_len(a->family);

	return a->family == b->family && a->dport == b->dport &&
	       a->has_peer == b->has_peer &&
	       !memcmp(a->daddr, b->daddr, n) &&
	       (!a->has_peer || !memcmp(a->saddr, b->saddr, n));
}

char *pinhole_format(const struct pinhole *ph, char *out, size_t outlen)
{
	char d[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN];
	int af = ph->family == 6 ? AF_INET6 : AF_INET;

	if (!inet_ntop(af, ph->daddr, d, sizeof(d)))
		snprintf(d, sizeof(d), "?");
	if (ph->has_peer && !inet_ntop(af, ph->saddr, s, sizeof(s)))
		snprintf(s, sizeof(s), "?");
	snprintf(out, outlen, "udp %s %u%s%s call %.*s", d, ph->dport,
		 ph->has_peer ? " from " : "", ph->has_peer ? s : "",
		 (int)ph->tag.call_id_len, ph->tag.call_id);
	return out;
}
