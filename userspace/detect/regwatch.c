// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * regwatch.c - shared and dormant accounts from registrations (see
 * regwatch.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "detect/acctdb.h"
#include "detect/regwatch.h"
#include "hash/lrutab.h"

/**
 * struct binding - an address with a live registration of the name
 * @until_s: when it expires (0: slot free)
 */
struct binding {
	uint8_t		family;
	uint8_t		addr[16];
	uint64_t	until_s;
};

/**
 * struct account - @last_s: when it last registered; @seen: ever
 */
struct account {
	struct binding	b[REGWATCH_ADDRS];
	uint64_t	last_s;
	bool		seen;
	bool		shared_told;
};

struct regwatch {
	struct lrutab		*tab;
	struct siphash_key	key;
	uint32_t		dormant_s;
	struct acctdb		*db;	/* not owned; may be NULL */
};

struct regwatch *regwatch_new(uint32_t users, uint32_t dormant_s,
			      const struct siphash_key *key)
{
	struct regwatch *rw = calloc(1, sizeof(*rw));

	if (!rw)
		return NULL;
	rw->key = *key;
	rw->dormant_s = dormant_s;
	rw->tab = lrutab_new(users, 8, sizeof(struct account), key);
	if (!rw->tab) {
		free(rw);
		errno = ENOMEM;
		return NULL;
	}
	return rw;
}

void regwatch_set_accounts(struct regwatch *rw, struct acctdb *db)
{
	rw->db = db;
}

void regwatch_free(struct regwatch *rw)
{
	if (!rw)
		return;
	lrutab_free(rw->tab);
	free(rw);
}

unsigned int regwatch_registered(struct regwatch *rw, const char *user,
				 size_t ulen, int family, const uint8_t *addr,
				 uint32_t expires_s, uint64_t now_s,
				 uint64_t wall_s, uint8_t *other, int *other_fam)
{
	uint64_t h = siphash(&rw->key, user, ulen);
	unsigned int ev = 0, i, alen = family == 6 ? 16 : 4;
	struct binding *mine = NULL, *free_b = NULL, *oldest = NULL;
	bool others = false;
	struct account *a;

	if (!ulen)
		return 0;
	/* the table's clock is in ms of a 32-bit wrap: seconds suffice here */
	a = lrutab_get(rw->tab, &h, (uint32_t)(now_s * 1000), true, NULL);
	if (rw->db && expires_s) {
		/* the memory that outlives this regwatch */
		uint64_t prev = acctdb_touch(rw->db, user, ulen, wall_s);

		if (prev && rw->dormant_s && wall_s >= prev &&
		    wall_s - prev >= rw->dormant_s)
			ev |= REGWATCH_WOKE;
	} else if (a->seen && rw->dormant_s && expires_s &&
		   now_s - a->last_s >= rw->dormant_s) {
		ev |= REGWATCH_WOKE;
	}
	for (i = 0; i < REGWATCH_ADDRS; i++) {
		struct binding *b = &a->b[i];

		if (b->until_s && b->until_s <= now_s)
			b->until_s = 0;		/* expired */
		if (!b->until_s) {
			if (!free_b)
				free_b = b;
			continue;
		}
		if (b->family == family && !memcmp(b->addr, addr, alen)) {
			mine = b;
			continue;
		}
		others = true;
		if (!oldest || b->until_s < oldest->until_s)
			oldest = b;
	}
	if (expires_s) {
		if (others && !a->shared_told) {
			ev |= REGWATCH_SHARED;
			a->shared_told = true;
			memcpy(other, oldest->addr, 16);
			*other_fam = oldest->family;
		}
		if (!mine)
			mine = free_b ? free_b : oldest;
		memset(mine, 0, sizeof(*mine));
		mine->family = (uint8_t)family;
		memcpy(mine->addr, addr, alen);
		mine->until_s = now_s + expires_s;
		a->last_s = now_s;
		a->seen = true;
	} else if (mine) {
		mine->until_s = 0;	/* unregistered */
	}
	if (!others)
		a->shared_told = false;	/* alone again: a new sharing is news */
	return ev;
}
