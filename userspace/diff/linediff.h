/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linediff.h - a unified diff of two texts, line by line, for
 * `voipfwctl diff` (compiled scripts and chain listings: a few hundred
 * to a few thousand lines).
 *
 * The edit script is a longest common subsequence of lines, computed by
 * dynamic programming after the common head and tail are cut off, so the
 * table covers only the changed middle.  A middle larger than
 * LINEDIFF_MAX_CELLS cells is shown as "all old lines removed, all new
 * lines added": still a correct diff, only not a minimal one.
 *
 * Output is diff -u's: hunks "@@ -A,B +C,D @@" with LINEDIFF_CONTEXT
 * lines of context, lines prefixed ' ', '-' or '+'.  A last line without
 * a newline is treated as if it had one.  No headers ("---", "+++"): the
 * caller names the two sides.  Pure code: no I/O, no global state.
 */
#ifndef VOIPFW_LINEDIFF_H
#define VOIPFW_LINEDIFF_H

#include <stddef.h>

#define LINEDIFF_CONTEXT	3
/* uint32_t cells: 64 MiB of table at most */
#define LINEDIFF_MAX_CELLS	(16u * 1024 * 1024)

/**
 * linediff_unified - the hunks that turn @a into @b.
 * @a, @alen: the old text (need not be NUL-terminated)
 * @b, @blen: the new text
 * @out:      set to a malloc'ed NUL-terminated diff (free() it); "" when
 *            the texts have the same lines
 * Returns the number of changed lines (removed plus added), or -1 with
 * errno ENOMEM.
 */
long linediff_unified(const char *a, size_t alen, const char *b, size_t blen,
		      char **out);

#endif /* VOIPFW_LINEDIFF_H */
