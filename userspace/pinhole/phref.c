// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * phref.c - reference counts of kernel pinhole elements: open addressing
 * with linear probing and backward-shift deletion (no tombstones, so the
 * table never fills with keys long gone).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "phref.h"

/**
 * struct phref_slot - one key and its count, 16 bytes.
 * @refs:     calls holding the key; 0 is an empty slot
 * @family:   4 or 6
 * @has_peer: the key matches the source address too
 * @dport:    destination port
 * @v4:       IPv4: the destination address, then the peer's (zero without
 *            @has_peer)
 * @v6:       IPv6: index of the addresses in struct phref_table.v6
 */
struct phref_slot {
	uint32_t	refs;
	uint8_t		family;
	uint8_t		has_peer;
	uint16_t	dport;
	union {
		uint8_t		v4[8];
		uint32_t	v6;
	};
};

_Static_assert(sizeof(struct phref_slot) == 16, "phref_slot grew");

/* The addresses of an IPv6 key (saddr zero without a peer). */
struct phref_v6 {
	uint8_t		daddr[16];
	uint8_t		saddr[16];
};

/**
 * struct phref_table - the slots and the IPv6 side pool.
 * @slots:   @n_slots slots (calloc: untouched pages cost no memory)
 * @keys:    keys held;  @cap: at most this many (< @n_slots, so every
 *           probe run ends at an empty slot)
 * @v6:      @cap address pairs; @v6_fresh: never used beyond here;
 *           @v6_free: free list (index + 1, linked through daddr)
 */
struct phref_table {
	struct phref_slot	*slots;
	unsigned int		n_slots;
	unsigned int		keys;
	unsigned int		cap;
	struct phref_v6		*v6;
	unsigned int		v6_fresh;
	uint32_t		v6_free;
};

struct phref_table *phref_new(unsigned int max)
{
	struct phref_table *t;

	if (!max || max > (1u << 28)) {
		errno = EINVAL;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->cap = 2 * max;
	t->n_slots = 2 * max + 1;
	t->slots = calloc(t->n_slots, sizeof(*t->slots));
	if (!t->slots)
		goto err_slots;
	t->v6 = calloc(t->cap, sizeof(*t->v6));
	if (!t->v6)
		goto err_v6;
	return t;
err_v6:
	free(t->slots);
err_slots:
	free(t);
	return NULL;
}

void phref_free(struct phref_table *t)
{
	if (!t)
		return;
	free(t->v6);
	free(t->slots);
	free(t);
}

unsigned int phref_keys(const struct phref_table *t)
{
	return t->keys;
}

/* FNV-1a over the key's bytes, as pinhole_same_key() compares them. */
static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static unsigned int key_home(const struct phref_table *t, uint8_t family,
			     bool has_peer, uint16_t dport,
			     const uint8_t *daddr, const uint8_t *saddr)
{
	size_t n = family == 6 ? 16 : 4;
	uint8_t head[4] = { family, has_peer, (uint8_t)(dport >> 8),
			    (uint8_t)dport };
	uint64_t h = fnv(0xcbf29ce484222325ULL, head, sizeof(head));

	h = fnv(h, daddr, n);
	if (has_peer)
		h = fnv(h, saddr, n);
	return (unsigned int)(h % t->n_slots);
}

static void slot_addrs(const struct phref_table *t, const struct phref_slot *s,
		       const uint8_t **daddr, const uint8_t **saddr)
{
	if (s->family == 6) {
		*daddr = t->v6[s->v6].daddr;
		*saddr = t->v6[s->v6].saddr;
	} else {
		*daddr = s->v4;
		*saddr = s->v4 + 4;
	}
}

static unsigned int slot_home(const struct phref_table *t,
			      const struct phref_slot *s)
{
	const uint8_t *daddr, *saddr;

	slot_addrs(t, s, &daddr, &saddr);
	return key_home(t, s->family, s->has_peer, s->dport, daddr, saddr);
}

static bool slot_is(const struct phref_table *t, const struct phref_slot *s,
		    const struct pinhole *ph)
{
	size_t n = ph->family == 6 ? 16 : 4;
	const uint8_t *daddr, *saddr;

	if (s->family != ph->family || s->dport != ph->dport ||
	    s->has_peer != ph->has_peer)
		return false;
	slot_addrs(t, s, &daddr, &saddr);
	return !memcmp(daddr, ph->daddr, n) &&
	       (!ph->has_peer || !memcmp(saddr, ph->saddr, n));
}

/* The slot holding @ph's key, or the empty slot where it would go: there
 * is always one, as @keys < @n_slots. */
static unsigned int slot_find(const struct phref_table *t,
			      const struct pinhole *ph)
{
	unsigned int i = key_home(t, ph->family, ph->has_peer, ph->dport,
				  ph->daddr, ph->saddr);

	while (t->slots[i].refs && !slot_is(t, &t->slots[i], ph))
		i = i + 1 < t->n_slots ? i + 1 : 0;
	return i;
}

uint32_t phref_count(const struct phref_table *t, const struct pinhole *ph)
{
	return t->slots[slot_find(t, ph)].refs;
}

static uint32_t v6_get(struct phref_table *t)
{
	uint32_t i;

	if (t->v6_free) {
		i = t->v6_free - 1;
		memcpy(&t->v6_free, t->v6[i].daddr, sizeof(t->v6_free));
		return i;
	}
	/* never past the end: IPv6 keys <= keys < cap */
	return t->v6_fresh++;
}

static void v6_put(struct phref_table *t, uint32_t i)
{
	memset(&t->v6[i], 0, sizeof(t->v6[i]));
	memcpy(t->v6[i].daddr, &t->v6_free, sizeof(t->v6_free));
	t->v6_free = i + 1;
}

int phref_inc(struct phref_table *t, const struct pinhole *ph)
{
	struct phref_slot *s = &t->slots[slot_find(t, ph)];

	if (s->refs) {
		s->refs++;
		return 0;
	}
	if (t->keys >= t->cap) {
		errno = ENOSPC;
		return -1;
	}
	memset(s, 0, sizeof(*s));
	s->family = ph->family == 6 ? 6 : 4;
	s->has_peer = ph->has_peer;
	s->dport = ph->dport;
	if (s->family == 6) {
		s->v6 = v6_get(t);
		memcpy(t->v6[s->v6].daddr, ph->daddr, 16);
		if (ph->has_peer)
			memcpy(t->v6[s->v6].saddr, ph->saddr, 16);
	} else {
		memcpy(s->v4, ph->daddr, 4);
		if (ph->has_peer)
			memcpy(s->v4 + 4, ph->saddr, 4);
	}
	s->refs = 1;
	t->keys++;
	return 0;
}

void phref_dec(struct phref_table *t, const struct pinhole *ph)
{
	unsigned int i = slot_find(t, ph), j = i, k;
	struct phref_slot *s = &t->slots[i];

	if (!s->refs || --s->refs)
		return;
	if (s->family == 6)
		v6_put(t, s->v6);
	t->keys--;
	/* backward shift: pull later members of the probe run into the hole
	 * unless their home lies cyclically in (i, j] */
	for (;;) {
		memset(&t->slots[i], 0, sizeof(t->slots[i]));
		for (;;) {
			j = j + 1 < t->n_slots ? j + 1 : 0;
			if (!t->slots[j].refs)
				return;
			k = slot_home(t, &t->slots[j]);
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue;
			break;
		}
		t->slots[i] = t->slots[j];
		i = j;
	}
}
