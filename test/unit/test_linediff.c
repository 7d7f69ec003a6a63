// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_linediff.c - the unified line diff of `voipfwctl diff`: hunks
 * and ranges as diff -u writes them (rows checked against GNU diff
 * 3.8), and on random texts that the hunks patch the old text into the
 * new one and that the number of changed lines is minimal; past the
 * table's cap, a correct but whole replacement.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "diff/linediff.h"

static void test_rows(void)
{
	static const struct {
		const char	*name, *a, *b, *want;
		long		changed;
	} rows[] = {
		{ "same", "x\ny\n", "x\ny\n", "", 0 },
		{ "both empty", "", "", "", 0 },
		{ "from empty", "", "a\nb\n", "@@ -0,0 +1,2 @@\n+a\n+b\n", 2 },
		{ "to empty", "a\n", "", "@@ -1 +0,0 @@\n-a\n", 1 },
		{ "no final newline is a line", "a\nb", "a\nb\n", "", 0 },
		{ "one line added in the middle",
		  "1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nnew\n5\n6\n7\n8\n",
		  "@@ -2,6 +2,7 @@\n 2\n 3\n 4\n+new\n 5\n 6\n 7\n", 1 },
		{ "changed line: delete before add",
		  "a\nb\nc\n", "a\nB\nc\n",
		  "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n", 2 },
		{ "two hunks far apart",
		  "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
		  "x\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\ny\n",
		  "@@ -1,4 +1,4 @@\n-1\n+x\n 2\n 3\n 4\n"
		  "@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+y\n", 4 },
		{ "close changes share a hunk",
		  "1\n2\n3\n4\n5\n6\n7\n8\n", "x\n2\n3\n4\n5\n6\n7\ny\n",
		  "@@ -1,8 +1,8 @@\n-1\n+x\n 2\n 3\n 4\n 5\n 6\n 7\n-8\n+y\n", 4 },
		{ "added at the end",
		  "a\nb\nc\nd\n", "a\nb\nc\nd\ne\n",
		  "@@ -2,3 +2,4 @@\n b\n c\n d\n+e\n", 1 },
	};
	unsigned int i;
	char *out;
	long n;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		unit_case("%s", rows[i].name);
		n = linediff_unified(rows[i].a, strlen(rows[i].a), rows[i].b,
				     strlen(rows[i].b), &out);
		CHECK_INT(n, rows[i].changed);
		CHECK_STR(out, rows[i].want);
		free(out);
	}
}

/* Split @s into lines (pointers into @s, newlines replaced by NULs). */
static size_t split(char *s, char **lines, size_t max)
{
	size_t n = 0;
	char *nl;

	while (*s && n < max) {
		nl = strchr(s, '\n');
		if (nl)
			*nl = '\0';
		lines[n++] = s;
		if (!nl)
			break;
		s = nl + 1;
	}
	return n;
}

/* Apply the hunks of @diff to the lines of @a; write the result to @res. */
static int patch(char **a, size_t na, char *diff, char *res, size_t size)
{
	char *d[512];
	size_t nd = split(diff, d, 512), i, ai = 0, len = 0;
	unsigned long as;

	res[0] = '\0';
	for (i = 0; i < nd; i++) {
		if (d[i][0] == '@') {
			if (sscanf(d[i], "@@ -%lu", &as) != 1)
				return -1;
			/* an empty range names the line before it */
			if (!strstr(d[i], ",0 +") && as > 0)
				as--;
			for (; ai < as && ai < na; ai++)
				len += snprintf(res + len, size - len, "%s\n", a[ai]);
		} else if (d[i][0] == ' ' || d[i][0] == '-') {
			if (ai >= na || strcmp(a[ai], d[i] + 1))
				return -1;
			if (d[i][0] == ' ')
				len += snprintf(res + len, size - len, "%s\n", a[ai]);
			ai++;
		} else if (d[i][0] == '+') {
			len += snprintf(res + len, size - len, "%s\n", d[i] + 1);
		} else {
			return -1;
		}
	}
	for (; ai < na; ai++)
		len += snprintf(res + len, size - len, "%s\n", a[ai]);
	return 0;
}

static size_t lcs(char **a, size_t na, char **b, size_t nb)
{
	static size_t L[41][41];
	size_t i, j;

	for (i = na + 1; i-- > 0;)
		for (j = nb + 1; j-- > 0;)
			L[i][j] = i == na || j == nb ? 0 :
				!strcmp(a[i], b[j]) ? L[i + 1][j + 1] + 1 :
				L[i + 1][j] > L[i][j + 1] ? L[i + 1][j] : L[i][j + 1];
	return L[0][0];
}

static void test_random(void)
{
	char a[128], b[128], acopy[128], bcopy[128], res[4096];
	char *al[64], *bl[64], *out;
	unsigned int seed = 1, round, k;
	size_t na, nb, la, lb;
	long n;

	for (round = 0; round < 300; round++) {
		unit_case("random texts, round %u", round);
		la = (size_t)(rand_r(&seed) % 20);
		lb = (size_t)(rand_r(&seed) % 20);
		for (k = 0; k < la; k++)
			a[2 * k] = (char)('a' + rand_r(&seed) % 3), a[2 * k + 1] = '\n';
		a[2 * la] = '\0';
		for (k = 0; k < lb; k++)
			b[2 * k] = (char)('a' + rand_r(&seed) % 3), b[2 * k + 1] = '\n';
		b[2 * lb] = '\0';
		n = linediff_unified(a, strlen(a), b, strlen(b), &out);
		if (!CHECK(n >= 0 && out))
			continue;
		memcpy(acopy, a, sizeof(a));
		memcpy(bcopy, b, sizeof(b));
		na = split(acopy, al, 64);
		nb = split(bcopy, bl, 64);
		CHECK_INT(n, (long)(na + nb - 2 * lcs(al, na, bl, nb)));
		if (CHECK(patch(al, na, out, res, sizeof(res)) == 0))
			CHECK_STR(res, b);
		free(out);
	}
}

/* Past LINEDIFF_MAX_CELLS: all old lines out, all new lines in. */
static void test_cap(void)
{
	size_t n = 4100, i;	/* 4100 * 4100 > 16 Mi cells */
	char *a = malloc(2 * n + 1), *b = malloc(2 * n + 1), *out = NULL;
	long changed;

	unit_case("a middle too large for the table");
	if (!CHECK(a && b))
		goto out;
	for (i = 0; i < n; i++) {
		a[2 * i] = 'a', a[2 * i + 1] = '\n';
		b[2 * i] = (char)(i == n / 2 ? 'a' : 'b'), b[2 * i + 1] = '\n';
	}
	changed = linediff_unified(a, 2 * n, b, 2 * n, &out);
	/* minimal would be 2 * (n - 1): one line in common */
	CHECK_INT(changed, 2 * n);
	CHECK(out && !strncmp(out, "@@ -1,4100 +1,4100 @@\n-a\n", 25));
out:
	free(out);
	free(a);
	free(b);
}

int main(void)
{
	test_rows();
	test_random();
	test_cap();
	return unit_summary("linediff");
}
