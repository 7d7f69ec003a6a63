/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lrutab.h - a table of fixed size for state kept per key an attacker
 * chooses (source addresses, usernames): allocated once, keyed with
 * SipHash under a secret key, entries on an LRU list.  When it is full
 * the entry seen longest ago makes room, so a flood of new keys costs no
 * memory, only forgetting; idle entries can be expired oldest first.
 *
 * Keys are @key_len bytes (callers pad); values @val_size bytes, zeroed
 * when an entry is created.  Nothing is allocated after lrutab_new().
 */
#ifndef VOIPFW_LRUTAB_H
#define VOIPFW_LRUTAB_H

#include <stdbool.h>
#include <stdint.h>

#include "hash/siphash.h"

#define LRUTAB_KEY_MAX		32u
#define LRUTAB_VAL_MAX		1024u
#define LRUTAB_CAPACITY_MAX	(1u << 24)

struct lrutab;

/**
 * struct lrutab_stats - how the table fares
 * @entries: held now
 * @evicted: forgotten to make room
 * @expired: forgotten by lrutab_expire()
 */
struct lrutab_stats {
	uint32_t	entries;
	uint64_t	evicted;
	uint64_t	expired;
};

/* NULL with errno EINVAL (a size out of range) or ENOMEM. */
struct lrutab *lrutab_new(uint32_t capacity, uint32_t key_len,
			  uint32_t val_size, const struct siphash_key *hkey);
void lrutab_free(struct lrutab *t);

/*
 * lrutab_get - the value of @key, now the most recently seen, its time set
 * to @now_ms; with @create, a new zeroed one when absent (@created says
 * so), making room if needed.  NULL when absent and not @create.
 */
void *lrutab_get(struct lrutab *t, const void *key, uint32_t now_ms,
		 bool create, bool *created);

/* The value of @key without touching its place or time; NULL if absent. */
void *lrutab_peek(const struct lrutab *t, const void *key);

/* When the entry of @val (from lrutab_get/peek) was last seen. */
uint32_t lrutab_last_ms(const struct lrutab *t, const void *val);

/* Forget @val's entry now. */
void lrutab_remove(struct lrutab *t, void *val);

/* Forget entries not seen for @idle_ms, oldest first; returns how many. */
uint32_t lrutab_expire(struct lrutab *t, uint32_t now_ms, uint32_t idle_ms);

/* Every entry, most recent first; @fn returns false to stop, and must not
 * change the table. */
void lrutab_walk(const struct lrutab *t,
		 bool (*fn)(const void *key, const void *val, uint32_t last_ms,
			    void *arg),
		 void *arg);

void lrutab_stats(const struct lrutab *t, struct lrutab_stats *st);

#endif /* VOIPFW_LRUTAB_H */
