/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * phref.h - how many calls want each kernel pinhole element.
 *
 * Two calls can imply the same element (destination-only matching, or a
 * reused port): it is added for the first and deleted with the last.  The
 * table counts them by exact key (pinhole_same_key()), in 16 bytes a key:
 * IPv4 keys sit in the slot, IPv6 addresses in a side pool touched only
 * as far as IPv6 keys ever reached.  Everything is allocated by
 * phref_new(); counting allocates nothing.
 */
#ifndef VOIPFW_PHREF_H
#define VOIPFW_PHREF_H

#include <stdint.h>

#include "pinhole.h"

struct phref_table;

/*
 * phref_new - a table sized for @max keys (max-pinholes): 2 @max + 1
 * slots, so probe runs stay short at @max keys, and room for up to
 * 2 @max keys (a call replacing pinholes it shares with other calls can
 * briefly hold more than max-pinholes distinct ones; see the engine).
 * NULL with errno on failure.
 */
struct phref_table *phref_new(unsigned int max);
void phref_free(struct phref_table *t);

/* Calls holding @ph's key; 0 when none. */
uint32_t phref_count(const struct phref_table *t, const struct pinhole *ph);

/* One call more wants @ph: 0, or -1 (ENOSPC) when @ph is a new key and
 * the table already holds 2 @max keys. */
int phref_inc(struct phref_table *t, const struct pinhole *ph);

/* One call less; the key is forgotten with its last call. */
void phref_dec(struct phref_table *t, const struct pinhole *ph);

/* Distinct keys held. */
unsigned int phref_keys(const struct phref_table *t);

#endif /* VOIPFW_PHREF_H */
