/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * unit.h - a small harness for table-driven unit tests.
 *
 * A suite is a list of cases, normally one per table row: unit_case()
 * opens one, the CHECK macros below record each failed expectation with
 * file:line and a message and then carry on, so one run shows every
 * broken row.  A case fails when any check inside it failed.
 *
 * unit_summary() closes the last case and prints exactly one final line,
 *   SUITE: N passed, N failed
 * where N counts cases (table rows), not individual checks: test/run sums
 * these lines across suites.
 */
#ifndef VOIPFW_UNIT_H
#define VOIPFW_UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Open a case; the name appears in every failure message inside it. */
void unit_case(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Record one expectation; returns @ok so callers can skip dependent checks. */
bool unit_check(bool ok, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Compare @len bytes at @p with the C string @want; NULL @want means
 * "absent", i.e. @p must be NULL.  Bytes are printed escaped on failure. */
bool unit_check_mem(const char *p, size_t len, const char *want,
		    const char *what, const char *file, int line);

/* Print the summary line; returns the exit status (0 iff nothing failed). */
int unit_summary(const char *suite);

#define CHECK(cond)							\
	unit_check(!!(cond), __FILE__, __LINE__, "%s", #cond)

#define CHECK_MSG(cond, ...)						\
	unit_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define CHECK_INT(got, want) __extension__ ({				\
	long long g_ = (long long)(got), w_ = (long long)(want);	\
	unit_check(g_ == w_, __FILE__, __LINE__, "%s is %lld, want %lld", \
		   #got, g_, w_);					\
})

#define CHECK_STR(got, want) __extension__ ({				\
	const char *g_ = (got), *w_ = (want);				\
	unit_check(g_ && w_ ? !strcmp(g_, w_) : g_ == w_, __FILE__,	\
		   __LINE__, "%s is \"%s\", want \"%s\"", #got,		\
		   g_ ? g_ : "(null)", w_ ? w_ : "(null)");		\
})

/* A struct span against a C string (NULL: the span must be absent). */
#define CHECK_SPAN(s, want)						\
	unit_check_mem((s).p, (s).len, (want), #s, __FILE__, __LINE__)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#endif /* VOIPFW_UNIT_H */
