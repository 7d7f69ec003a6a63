// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_toll.c - libFuzzer target: the toll class file through
 * tollconf_parse(), and dialled strings through dialplan_normalise().
 *
 * Beyond "no crash, no leak, no UB": an error names a place inside the
 * input ("fuzz:LINE:COL: "); a parsed file gives every number a class;
 * a normalised number is what its kind promises (E.164: 1 to 15 digits,
 * no leading 0; short: at most short_max digits, '*' or '#'; otherwise
 * empty).  The input is also read as "NUMBER\nCONTEXT" under a fixed UK
 * dial plan and, when it parsed, under its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toll/dialplan.h"
#include "toll/tollconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ASSERT(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "fuzz_toll: broken: %s\n", #c);		\
		abort();						\
	}								\
} while (0)

static void check_number(const struct dialplan *dp,
			 const struct dialplan_number *n)
{
	unsigned int i;

	ASSERT(n->digits[n->len] == '\0');
	switch (n->kind) {
	case DIALPLAN_E164:
		ASSERT(n->len >= 1 && n->len <= DIALPLAN_E164_MAX);
		ASSERT(n->digits[0] != '0');
		for (i = 0; i < n->len; i++)
			ASSERT(n->digits[i] >= '0' && n->digits[i] <= '9');
		break;
	case DIALPLAN_SHORT:
		ASSERT(n->len >= 1 && n->len <= dp->short_max);
		for (i = 0; i < n->len; i++)
			ASSERT((n->digits[i] >= '0' && n->digits[i] <= '9') ||
			       n->digits[i] == '*' || n->digits[i] == '#');
		break;
	case DIALPLAN_NAME:
	case DIALPLAN_INVALID:
		ASSERT(n->len == 0);
		break;
	}
}

static void normalise(const struct dialplan *dp, const struct tollconf *conf,
		      const char *p, size_t size)
{
	const char *nl = memchr(p, '\n', size);
	struct span number = span_make(p, nl ? (size_t)(nl - p) : size);
	struct span context = nl ? span_make(nl + 1, size - number.len - 1) : SPAN_NULL;
	struct dialplan_number n;

	dialplan_normalise(dp, number, context, &n);
	check_number(dp, &n);
	if (conf)
		ASSERT(tollconf_classify(conf, &n) < conf->n_classes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct dialplan uk = {
		.cc = "44", .cc_len = 2,
		.outside = { { "9", 1 } }, .n_outside = 1,
		.intl = { { "00", 2 } }, .n_intl = 1,
		.natl = { { "0", 1 } }, .n_natl = 1,
		.short_max = 4,
	};
	const char *p = (const char *)data;
	struct tollconf *conf;
	unsigned int line, col;
	char err[256];

	conf = tollconf_parse(p, size, "fuzz", err, sizeof(err));
	if (!conf) {
		ASSERT(sscanf(err, "fuzz:%u:%u: ", &line, &col) == 2);
		ASSERT(line >= 1 && line <= size + 1 && col >= 1 && col <= size + 1);
	} else {
		ASSERT(conf->n_classes >= 1 && conf->n_classes <= TOLLCONF_CLASS_MAX);
	}
	normalise(&uk, conf, p, size);
	if (conf)
		normalise(&conf->dp, conf, p, size);
	tollconf_free(conf);
	return 0;
}
