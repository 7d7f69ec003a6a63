// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * unit.c - the harness behind unit.h.  Failures go to stdout, in order
 * with the summary, as "file:line: [case] message".
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"

static struct {
	char		name[160];
	bool		open;
	bool		failed;
	unsigned int	passed;
	unsigned int	failed_cases;
} unit;

static void unit_case_close(void)
{
	if (!unit.open)
		return;
	if (unit.failed)
		unit.failed_cases++;
	else
		unit.passed++;
	unit.open = false;
}

void unit_case(const char *fmt, ...)
{
	va_list ap;

	unit_case_close();
	va_start(ap, fmt);
	vsnprintf(unit.name, sizeof(unit.name), fmt, ap);
	va_end(ap);
	unit.open = true;
	unit.failed = false;
}

bool unit_check(bool ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	/* a check outside any case counts as a case of its own */
	if (!unit.open)
		unit_case("(no case)");
	if (ok)
		return true;
	unit.failed = true;
	printf("%s:%d: [%s] ", file, line, unit.name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return false;
}

static void unit_put_escaped(const char *p, size_t len)
{
	size_t i;

	putchar('"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\r')
			fputs("\\r", stdout);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	putchar('"');
}

bool unit_check_mem(const char *p, size_t len, const char *want,
		    const char *what, const char *file, int line)
{
	bool ok;

	if (!want)
		ok = p == NULL;
	else
		ok = p && len == strlen(want) && !memcmp(p, want, len);
	if (!unit.open)
		unit_case("(no case)");
	if (ok)
		return true;
	unit.failed = true;
	printf("%s:%d: [%s] %s is ", file, line, unit.name, what);
	if (p)
		unit_put_escaped(p, len);
	else
		fputs("absent", stdout);
	fputs(", want ", stdout);
	if (want)
		unit_put_escaped(want, strlen(want));
	else
		fputs("absent", stdout);
	putchar('\n');
	return false;
}

int unit_summary(const char *suite)
{
	unit_case_close();
	printf("%s: %u passed, %u failed\n", suite, unit.passed,
	       unit.failed_cases);
	fflush(stdout);
	return unit.failed_cases ? 1 : 0;
}
