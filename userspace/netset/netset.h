/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netset.h - sets of IPv4 and IPv6 networks, as sorted disjoint ranges:
 * what block lists and GeoIP countries become before they are loaded into
 * nft interval sets (which refuse overlapping elements).
 *
 * Block list files (netset_parse): one network per line, "ADDR" or
 * "ADDR/LEN"; '#' and ';' start comments (a whole line, or after the
 * network: the Spamhaus DROP format "192.0.2.0/24 ; SBL123"); blank lines
 * and CRLF endings are fine.  Or an APIBAN-style JSON export: an object
 * whose "ipaddress" member is an array of address strings.  A line that is
 * none of these, or a prefix with host bits set, refuses the whole file
 * with NAME:LINE:COL: a list is loaded whole or not at all, so the list in
 * force stays.
 */
#ifndef VOIPFW_NETSET_H
#define VOIPFW_NETSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* inclusive, host byte order */
struct netset_range4 {
	uint32_t	lo;
	uint32_t	hi;
};

struct netset_range6 {
	unsigned __int128	lo;
	unsigned __int128	hi;
};

/**
 * struct netset - the ranges of one set
 * @r4, @n4, @r6, @n6: ranges; sorted and disjoint after netset_merge()
 * @max:               most ranges netset_add() takes (IPv4 and IPv6 each)
 * @merged:            no netset_add() since the last netset_merge()
 */
struct netset {
	struct netset_range4	*r4;
	uint32_t		n4, cap4;
	struct netset_range6	*r6;
	uint32_t		n6, cap6;
	uint32_t		max;
	bool			merged;
};

void netset_init(struct netset *ns, uint32_t max);
void netset_release(struct netset *ns);

/* Add @addr/@plen (4 or 16 bytes as @family 4 or 6 says); host bits are
 * ignored.  -1 with errno EINVAL (a length beyond the family's), ENOSPC
 * (over @max), ENOMEM. */
int netset_add(struct netset *ns, int family, const uint8_t *addr,
	       unsigned int plen);

/* Sort, and join ranges that overlap or touch. */
void netset_merge(struct netset *ns);

/* After netset_merge(): is @addr inside? */
bool netset_contains(const struct netset *ns, int family, const uint8_t *addr);

/* Add every network of a block list file's @len bytes at @text (see the
 * top); @name is the file's name for errors.  0, or -1 with the error in
 * @err as "NAME:LINE:COL: what" and @ns as it was before the call. */
int netset_parse(struct netset *ns, const char *text, size_t len,
		 const char *name, char *err, size_t errlen);

#endif /* VOIPFW_NETSET_H */
