/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * acctdb.h - when each SIP account (username) last registered, kept across
 * policy reloads and restarts, so that an account registering after a long
 * silence is noticed (regwatch's dormant accounts) although voipfwd was
 * restarted, or its zone policy reloaded, in between: with a threshold of
 * days, memory that lives only as long as one policy would hardly ever
 * see one.
 *
 * One per voipfwd, shared by every worker's guard: calls take a mutex.
 * Usernames are kept as SipHash-2-4 values under a key of the database's
 * own, which its file holds, so the file names no account.  Wall-clock
 * seconds.  A fixed-size table (lrutab): when it is full the account seen
 * longest ago is forgotten.  The file (voipfwd's STATE-DIR/accounts):
 *
 *   voipfw-accounts 1
 *   key 32-HEX-DIGITS
 *   16-HEX-DIGITS SECONDS      (one account a line, any order)
 *
 * lines starting with '#' are comments.  It is written whole to a
 * temporary file and renamed over the old one.
 */
#ifndef VOIPFW_ACCTDB_H
#define VOIPFW_ACCTDB_H

#include <stddef.h>
#include <stdint.h>

struct acctdb;

/* Room for @max accounts, a random key; NULL with errno. */
struct acctdb *acctdb_new(uint32_t max);
void acctdb_free(struct acctdb *db);

/*
 * acctdb_touch - @user (@ulen bytes) registered at @now_s.  Returns when
 * it registered before (0: never, as far as the database knows).
 */
uint64_t acctdb_touch(struct acctdb *db, const char *user, size_t ulen,
		      uint64_t now_s);

/* Accounts held; changes since the last acctdb_save or load. */
uint32_t acctdb_count(struct acctdb *db);
uint64_t acctdb_changes(struct acctdb *db);

/*
 * acctdb_load - replace what @db holds (and its key) with the file at
 * @path.  An absent file is no error (0, nothing changes).  A file that
 * does not parse changes nothing: -1, @err says FILE:LINE and why.
 * Returns the accounts read.
 */
int acctdb_load(struct acctdb *db, const char *path, char *err,
		size_t errlen);

/* The same from @len bytes at @buf, named @name in errors. */
int acctdb_parse(struct acctdb *db, const char *buf, size_t len,
		 const char *name, char *err, size_t errlen);

/* Write @db to @path (through PATH.tmp and rename); 0, or -1 and @err. */
int acctdb_save(struct acctdb *db, const char *path, char *err,
		size_t errlen);

#endif /* VOIPFW_ACCTDB_H */
