/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_check.h - invariants the fuzz targets assert beyond "no crash":
 * every span a parser returns lies inside the input it was given.
 */
#ifndef VOIPFW_FUZZ_CHECK_H
#define VOIPFW_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#include "sip/span.h"

static inline void fuzz_span_inside(struct span s, const char *buf,
				    size_t len, const char *what)
{
	if (!s.len)
		return;
	if (s.p < buf || s.p + s.len > buf + len || s.p + s.len < s.p) {
		fprintf(stderr, "span %s outside the input\n", what);
		abort();
	}
}

#endif /* VOIPFW_FUZZ_CHECK_H */
