// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * linediff.c - unified line diff by LCS (see linediff.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff/linediff.h"

struct ld_line {
	const char	*p;
	size_t		len;	/* without the newline */
};

enum ld_op { LD_SAME, LD_DEL, LD_ADD };

struct ld_edit {
	enum ld_op	op;
	size_t		a;	/* index in a (SAME, DEL) */
	size_t		b;	/* index in b (SAME, ADD) */
};

struct ld_buf {
	char	*p;
	size_t	len, size;
	int	failed;
};

static size_t ld_split(const char *s, size_t len, struct ld_line **lines)
{
	size_t n = 0, i, start = 0;

	for (i = 0; i < len; i++)
		if (s[i] == '\n')
			n++;
	if (len && s[len - 1] != '\n')
		n++;
	*lines = calloc(n ? n : 1, sizeof(**lines));
	if (!*lines)
		return (size_t)-1;
	n = 0;
	for (i = 0; i <= len; i++) {
		if (i == len ? i > start : s[i] == '\n') {
			(*lines)[n].p = s + start;
			(*lines)[n].len = i - start;
			n++;
			start = i + 1;
		}
	}
	return n;
}

static int ld_eq(const struct ld_line *x, const struct ld_line *y)
{
	return x->len == y->len && !memcmp(x->p, y->p, x->len);
}

static void ld_put(struct ld_buf *b, const char *p, size_t len)
{
	char *n;

	if (b->failed)
		return;
	if (b->len + len + 1 > b->size) {
		size_t size = b->size ? b->size : 256;

		while (size < b->len + len + 1)
			size *= 2;
		n = realloc(b->p, size);
		if (!n) {
			b->failed = 1;
			return;
		}
		b->p = n;
		b->size = size;
	}
	memcpy(b->p + b->len, p, len);
	b->len += len;
	b->p[b->len] = '\0';
}

static void ld_printf(struct ld_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void ld_printf(struct ld_buf *b, const char *fmt, ...)
{
	char tmp[96];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		ld_put(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/*
 * The middle a[p..p+n) against b[p..p+m): L[i][j] is the LCS length of
 * the suffixes a[p+i..], b[p+j..]; walking from (0,0) takes a common
 * line whenever it is on some LCS, else the step that keeps the longer
 * one (deletions before additions, as diff -u prints them).
 */
static int ld_middle(const struct ld_line *a, const struct ld_line *b,
		     size_t p, size_t n, size_t m, struct ld_edit *e,
		     size_t *ne)
{
	size_t i, j, w = m + 1;
	uint32_t *L;

	if (n && m && (n + 1) > LINEDIFF_MAX_CELLS / (m + 1)) {
		/* too large to be minimal: replace the whole middle */
		for (i = 0; i < n; i++)
			e[(*ne)++] = (struct ld_edit){ LD_DEL, p + i, 0 };
		for (j = 0; j < m; j++)
			e[(*ne)++] = (struct ld_edit){ LD_ADD, 0, p + j };
		return 0;
	}
	L = calloc((n + 1) * w, sizeof(*L));
	if (!L)
		return -1;
	for (i = n; i-- > 0;)
		for (j = m; j-- > 0;)
			L[i * w + j] = ld_eq(&a[p + i], &b[p + j]) ?
				L[(i + 1) * w + j + 1] + 1 :
				L[(i + 1) * w + j] > L[i * w + j + 1] ?
				L[(i + 1) * w + j] : L[i * w + j + 1];
	i = j = 0;
	while (i < n || j < m) {
		if (i < n && j < m && ld_eq(&a[p + i], &b[p + j]) &&
		    L[i * w + j] == L[(i + 1) * w + j + 1] + 1) {
			e[(*ne)++] = (struct ld_edit){ LD_SAME, p + i, p + j };
			i++, j++;
		} else if (i < n && (j == m ||
			   L[(i + 1) * w + j] >= L[i * w + j + 1])) {
			e[(*ne)++] = (struct ld_edit){ LD_DEL, p + i, 0 };
			i++;
		} else {
			e[(*ne)++] = (struct ld_edit){ LD_ADD, 0, p + j };
			j++;
		}
	}
	free(L);
	return 0;
}

/* "A" or "A,B" as diff -u writes a range; an empty range names the line
 * before it. */
static void ld_range(struct ld_buf *out, char sign, size_t before,
		     size_t count)
{
	if (count == 1)
		ld_printf(out, "%c%zu", sign, before + 1);
	else
		ld_printf(out, "%c%zu,%zu", sign, count ? before + 1 : before,
			  count);
}

static void ld_hunks(const struct ld_line *a, const struct ld_line *b,
		     const struct ld_edit *e, size_t ne, struct ld_buf *out)
{
	size_t k = 0, start, end, last, i, abefore, bbefore, ac, bc;

	while (k < ne) {
		while (k < ne && e[k].op == LD_SAME)
			k++;
		if (k == ne)
			break;
		start = k > LINEDIFF_CONTEXT ? k - LINEDIFF_CONTEXT : 0;
		/* extend while the next change is within 2 * context */
		last = k;
		for (i = k; i < ne; i++) {
			if (e[i].op != LD_SAME)
				last = i;
			else if (i - last > 2 * LINEDIFF_CONTEXT)
				break;
		}
		end = last + LINEDIFF_CONTEXT + 1 < ne ?
			last + LINEDIFF_CONTEXT + 1 : ne;
		/* lines of a and b before the hunk */
		abefore = bbefore = 0;
		for (i = 0; i < start; i++)
			if (e[i].op == LD_SAME)
				abefore = e[i].a + 1, bbefore = e[i].b + 1;
			else if (e[i].op == LD_DEL)
				abefore = e[i].a + 1;
			else
				bbefore = e[i].b + 1;
		ac = bc = 0;
		for (i = start; i < end; i++) {
			ac += e[i].op != LD_ADD;
			bc += e[i].op != LD_DEL;
		}
		ld_put(out, "@@ ", 3);
		ld_range(out, '-', abefore, ac);
		ld_put(out, " ", 1);
		ld_range(out, '+', bbefore, bc);
		ld_put(out, " @@\n", 4);
		for (i = start; i < end; i++) {
			const struct ld_line *l = e[i].op == LD_ADD ?
				&b[e[i].b] : &a[e[i].a];

			ld_put(out, e[i].op == LD_SAME ? " " :
			       e[i].op == LD_DEL ? "-" : "+", 1);
			ld_put(out, l->p, l->len);
			ld_put(out, "\n", 1);
		}
		k = end;
	}
}

long linediff_unified(const char *a, size_t alen, const char *b, size_t blen,
		      char **out)
{
	struct ld_line *al = NULL, *bl = NULL;
	struct ld_buf buf = { 0 };
	struct ld_edit *e = NULL;
	size_t na, nb, p = 0, s = 0, ne = 0, i;
	long changed = 0;

	*out = NULL;
	na = ld_split(a, alen, &al);
	if (na == (size_t)-1)
		goto err;
	nb = ld_split(b, blen, &bl);
	if (nb == (size_t)-1)
		goto err;
	while (p < na && p < nb && ld_eq(&al[p], &bl[p]))
		p++;
	while (s < na - p && s < nb - p &&
	       ld_eq(&al[na - 1 - s], &bl[nb - 1 - s]))
		s++;
	e = calloc(na + nb + 1, sizeof(*e));
	if (!e)
		goto err;
	for (i = 0; i < p; i++)
		e[ne++] = (struct ld_edit){ LD_SAME, i, i };
	if (ld_middle(al, bl, p, na - p - s, nb - p - s, e, &ne))
		goto err;
	for (i = s; i > 0; i--)
		e[ne++] = (struct ld_edit){ LD_SAME, na - i, nb - i };
	for (i = 0; i < ne; i++)
		changed += e[i].op != LD_SAME;
	ld_put(&buf, "", 0);
	ld_hunks(al, bl, e, ne, &buf);
	if (buf.failed)
		goto err;
	free(e);
	free(al);
	free(bl);
	*out = buf.p;
	return changed;
err:
	free(buf.p);
	free(e);
	free(al);
	free(bl);
	errno = ENOMEM;
	return -1;
}
