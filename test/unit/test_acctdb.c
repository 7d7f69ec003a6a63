// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_acctdb.c - when accounts last registered, across reloads and
 * restarts: touch returns the previous time; a save read back by another
 * database (a restart) gives the same answers under the file's key; files
 * that do not parse are refused with FILE:LINE and change nothing; an
 * absent file is no error; the table forgets the oldest when full; and a
 * regwatch on it tells a dormant account woken across a "restart".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "detect/acctdb.h"
#include "detect/regwatch.h"

static char dir[] = "/tmp/test_acctdb.XXXXXX";

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static uint64_t touch(struct acctdb *db, const char *user, uint64_t now)
{
	return acctdb_touch(db, user, strlen(user), now);
}

static const struct {
	const char	*text;
	const char	*err;	/* after "PATH" */
} bad_files[] = {
	{ "", ": empty (no \"voipfw-accounts 1\" line)" },
	{ "voipfw-accounts 2\n", ":1: not a voipfw accounts file" },
	{ "voipfw-accounts 1\n", ": no key line" },
	{ "voipfw-accounts 1\nkey 00\n", ":2: want \"key\" and 32" },
	{ "voipfw-accounts 1\nkey 000102030405060708090a0b0c0d0e0G\n",
	  ":2: want \"key\" and 32" },
	{ "# c\nvoipfw-accounts 1\nkey 000102030405060708090a0b0c0d0e0f\n"
	  "0011223344556677 x\n", ":4: want 16 lowercase hex digits" },
	{ "voipfw-accounts 1\nkey 000102030405060708090a0b0c0d0e0f\n"
	  "0011223344556677  5\n", ":3: want 16" },
	{ "voipfw-accounts 1\nkey 000102030405060708090a0b0c0d0e0f\n"
	  "0011223344556677 0\n", ":3: want 16" },
	{ "voipfw-accounts 1\nkey 000102030405060708090a0b0c0d0e0f\n"
	  "0011223344556677 99999999999999999999999\n", ":3: want 16" },
};

int main(void)
{
	struct acctdb *db, *db2;
	struct regwatch *rw;
	struct siphash_key key = { 3, 4 };
	char path[64], err[256];
	uint8_t a[4] = { 192, 0, 2, 1 }, other[16];
	unsigned int i;
	int fam;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/accounts", dir);

	unit_case("touch: the previous time");
	db = acctdb_new(4);
	if (!CHECK(db))
		return unit_summary("acctdb");
	CHECK_INT(touch(db, "100", 1000), 0);
	CHECK_INT(touch(db, "100", 2000), 1000);
	CHECK_INT(touch(db, "101", 2500), 0);
	CHECK_INT(acctdb_count(db), 2);
	CHECK(acctdb_changes(db) == 3);

	unit_case("load: an absent file is no error and changes nothing");
	CHECK_INT(acctdb_load(db, path, err, sizeof(err)), 0);
	CHECK_INT(acctdb_count(db), 2);

	unit_case("save, then another database reads it (a restart)");
	CHECK_MSG(acctdb_save(db, path, err, sizeof(err)) == 0, "%s", err);
	CHECK(acctdb_changes(db) == 0);
	CHECK(access(path, F_OK) == 0);
	snprintf(err, sizeof(err), "%s.tmp", path);
	CHECK(access(err, F_OK) != 0);
	db2 = acctdb_new(4);
	CHECK_INT(acctdb_load(db2, path, err, sizeof(err)), 2);
	CHECK_INT(touch(db2, "100", 3000), 2000);
	CHECK_INT(touch(db2, "101", 3000), 2500);
	CHECK_INT(touch(db2, "102", 3000), 0);

	unit_case("full: the one seen longest ago goes");
	CHECK_INT(touch(db2, "103", 3100), 0);
	CHECK_INT(touch(db2, "104", 3200), 0);
	CHECK_INT(acctdb_count(db2), 4);
	CHECK_INT(touch(db2, "104", 3300), 3200);
	CHECK_INT(touch(db2, "100", 3300), 0);	/* forgotten: seen first */

	unit_case("a save that fails keeps the changes for the next one");
	touch(db2, "106", 3400);
	CHECK_INT(acctdb_save(db2, "/nonexistent-dir/accounts", err, sizeof(err)), -1);
	CHECK_MSG(strstr(err, "/nonexistent-dir/accounts.tmp: No such file"), "%s", err);
	CHECK(acctdb_changes(db2) > 0);

	unit_case("read back, the oldest registration is forgotten first");
	{
		struct acctdb *small = acctdb_new(3);

		CHECK_INT(touch(small, "new", 9000), 0);	/* most recent */
		CHECK_INT(touch(small, "old", 1000), 0);	/* touched last */
		CHECK_INT(touch(small, "mid", 5000), 0);
		CHECK_MSG(acctdb_save(small, path, err, sizeof(err)) == 0, "%s", err);
		acctdb_free(small);
		small = acctdb_new(3);
		CHECK_INT(acctdb_load(small, path, err, sizeof(err)), 3);
		CHECK_INT(touch(small, "other", 9100), 0);	/* one must go */
		CHECK_INT(touch(small, "new", 9200), 9000);
		CHECK_INT(touch(small, "mid", 9300), 5000);
		CHECK_INT(touch(small, "old", 9400), 0);	/* it went */
		acctdb_free(small);
	}

	unit_case("files that do not parse: refused, FILE:LINE, nothing changes");
	for (i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
		char want[256];

		write_file(path, bad_files[i].text);
		snprintf(want, sizeof(want), "%s%s", path, bad_files[i].err);
		err[0] = '\0';
		CHECK_INT(acctdb_load(db, path, err, sizeof(err)), -1);
		CHECK_MSG(!strncmp(err, want, strlen(want)), "file %u: '%s', want '%s'",
			  i, err, want);
	}
	CHECK_INT(touch(db, "100", 4000), 2000);	/* still its own */

	unit_case("regwatch on it: dormant across a restart");
	CHECK_MSG(acctdb_save(db, path, err, sizeof(err)) == 0, "%s", err);
	acctdb_free(db2);
	db2 = acctdb_new(16);
	CHECK_INT(acctdb_load(db2, path, err, sizeof(err)), 2);
	rw = regwatch_new(16, 86400, &key);	/* a fresh policy's */
	regwatch_set_accounts(rw, db2);
	/* "100" last registered at 4000; the new regwatch never saw it */
	CHECK_INT(regwatch_registered(rw, "100", 3, 4, a, 60, 10, 4000 + 86399,
				      other, &fam), 0);
	CHECK_INT(regwatch_registered(rw, "100", 3, 4, a, 60, 20,
				      4000 + 86399 + 86400, other, &fam),
		  REGWATCH_WOKE);
	CHECK_INT(regwatch_registered(rw, "101", 3, 4, a, 60, 30,
				      2500 + 86400, other, &fam),
		  REGWATCH_WOKE);
	/* an unregistration is no registration */
	CHECK_INT(regwatch_registered(rw, "105", 3, 4, a, 0, 40, 9000000,
				      other, &fam), 0);
	CHECK_INT(touch(db2, "105", 9000001), 0);
	regwatch_free(rw);

	acctdb_free(db);
	acctdb_free(db2);
	unlink(path);
	rmdir(dir);
	return unit_summary("acctdb");
}
