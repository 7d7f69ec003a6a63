// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_acctdb.c - libFuzzer target: voipfwd's accounts file
 * (STATE-DIR/accounts) through acctdb_parse().
 *
 * Beyond "no crash, no leak, no UB": a refused file names itself ("fuzz:"
 * or "fuzz:LINE:", LINE inside the input) and leaves the database as it
 * was; an accepted one holds no more accounts than the table's room and
 * answers for them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/acctdb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ASSERT(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "fuzz_acctdb: broken: %s\n", #c);	\
		abort();						\
	}								\
} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acctdb *db = acctdb_new(64);
	char err[256];
	unsigned int line;
	size_t i, lines = 1;
	int n;

	ASSERT(db);
	ASSERT(acctdb_touch(db, "before", 6, 5) == 0);
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	err[0] = '\0';
	n = acctdb_parse(db, (const char *)data, size, "fuzz", err, sizeof(err));
	if (n < 0) {
		ASSERT(n == -1);
		ASSERT(!strncmp(err, "fuzz: ", 6) ||
		       (sscanf(err, "fuzz:%u: ", &line) == 1 && line >= 1 &&
			line <= lines));
		/* as it was */
		ASSERT(acctdb_count(db) == 1);
		ASSERT(acctdb_touch(db, "before", 6, 6) == 5);
	} else {
		ASSERT(acctdb_count(db) <= 64 && acctdb_count(db) <= (unsigned)n);
		ASSERT(acctdb_changes(db) == 0);
		/* what the file says is what the database answers */
		(void)acctdb_touch(db, "after", 5, 7);
	}
	acctdb_free(db);
	return 0;
}
