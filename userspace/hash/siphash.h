/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * siphash.h - SipHash-2-4 (Aumasson, Bernstein 2012), the keyed hash for
 * tables whose keys an attacker chooses (source addresses, Call-IDs): with
 * a secret random key per process, nobody outside can aim many keys at
 * one bucket.  The same function the kernel uses for such tables.
 */
#ifndef VOIPFW_SIPHASH_H
#define VOIPFW_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/**
 * struct siphash_key - 128 secret bits
 */
struct siphash_key {
	uint64_t	k0;
	uint64_t	k1;
};

/* SipHash-2-4 of @len bytes at @data under @key (the reference output). */
uint64_t siphash(const struct siphash_key *key, const void *data, size_t len);

/* A fresh random key from getrandom(2); -1 with errno if none came. */
int siphash_key_random(struct siphash_key *key);

#endif /* VOIPFW_SIPHASH_H */
