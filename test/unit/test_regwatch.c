// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_regwatch.c - shared and dormant accounts from registrations: a
 * second address while the first's binding lives is reported once (and
 * again after it was alone), an expired or removed binding does not
 * count, re-registering from the same address is not sharing, a silence
 * of the dormant time or more wakes the account, less does not.
 */
#include <string.h>

#include "unit.h"
#include "detect/regwatch.h"

static const struct siphash_key key = { 9, 10 };

static unsigned int reg(struct regwatch *rw, const char *user, uint8_t last,
			uint32_t exp, uint64_t now, uint8_t *other)
{
	uint8_t a[4] = { 192, 0, 2, last };
	int fam = 0;

	/* wall clock = monotonic + a constant: the acctdb sees the same gaps */
	return regwatch_registered(rw, user, strlen(user), 4, a, exp, now,
				   1700000000 + now, other, &fam);
}

int main(void)
{
	struct regwatch *rw = regwatch_new(64, 86400, &key);
	uint8_t other[16];

	unit_case("shared: a second address while the first lives");
	CHECK(rw);
	if (!rw)
		return unit_summary("regwatch");
	CHECK_INT(reg(rw, "100", 1, 3600, 1000, other), 0);
	CHECK_INT(reg(rw, "100", 1, 3600, 1100, other), 0);	/* refresh */
	CHECK_INT(reg(rw, "100", 2, 3600, 1200, other), REGWATCH_SHARED);
	CHECK_INT(other[3], 1);
	CHECK_INT(reg(rw, "100", 2, 3600, 1300, other), 0);	/* once */
	CHECK_INT(reg(rw, "101", 2, 3600, 1300, other), 0);	/* another name */

	unit_case("shared: not after the first binding expired or was removed");
	CHECK_INT(reg(rw, "200", 1, 60, 2000, other), 0);
	CHECK_INT(reg(rw, "200", 2, 60, 2061, other), 0);	/* 1's expired */
	CHECK_INT(reg(rw, "200", 2, 0, 2070, other), 0);	/* 2 removed */
	CHECK_INT(reg(rw, "200", 3, 60, 2080, other), 0);
	CHECK_INT(reg(rw, "200", 4, 60, 2090, other), REGWATCH_SHARED);

	unit_case("dormant: a silence of a day wakes it, less does not");
	CHECK_INT(reg(rw, "300", 5, 60, 10000, other), 0);
	CHECK_INT(reg(rw, "300", 5, 60, 10000 + 86399, other), 0);
	CHECK_INT(reg(rw, "300", 5, 60, 10000 + 86399 + 86400, other),
		  REGWATCH_WOKE);
	unit_case("dormant: a first registration is not a waking");
	CHECK_INT(reg(rw, "400", 6, 60, 900000, other), 0);
	regwatch_free(rw);

	unit_case("dormant: off");
	rw = regwatch_new(8, 0, &key);
	CHECK_INT(reg(rw, "500", 7, 60, 10, other), 0);
	CHECK_INT(reg(rw, "500", 7, 60, 10000000, other), 0);
	regwatch_free(rw);
	return unit_summary("regwatch");
}
