/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scanner.h - scanner fingerprints: User-Agent patterns of the tools that
 * sweep public SIP ports (friendly-scanner, sipvicious, sipcli, ...).
 *
 * A list file has one pattern a line; '#' starts a comment, blank lines
 * are fine.  A pattern matches a User-Agent that contains it, ignoring
 * ASCII case; "^pattern" only one that starts with it.  Patterns are
 * printable ASCII without spaces at either end, 1..63 bytes; at most 256.
 * The same rules are simple enough for the kernel module to apply.
 */
#ifndef VOIPFW_SCANNER_H
#define VOIPFW_SCANNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCANNER_PATTERN_MAX	63
#define SCANNER_PATTERNS_MAX	256

/**
 * struct scanner_pattern - one pattern, lower-cased
 * @text, @len:  the bytes to find
 * @anchored:    only at the start
 * @line:        where the list file has it
 */
struct scanner_pattern {
	char		text[SCANNER_PATTERN_MAX + 1];
	uint8_t		len;
	bool		anchored;
	uint32_t	line;
};

/**
 * struct scanner_list - the patterns, in file order
 * @first: for each lower-cased byte, whether some unanchored pattern
 *         starts with it (lets the scan skip most positions)
 */
struct scanner_list {
	struct scanner_pattern	pat[SCANNER_PATTERNS_MAX];
	uint32_t		n;
	bool			first[256];
};

/* Parse @len bytes of a list file named @name into @sl (replaced whole);
 * 0, or -1 with "NAME:LINE:COL: what" in @err and @sl emptied. */
int scanner_list_parse(struct scanner_list *sl, const char *text, size_t len,
		       const char *name, char *err, size_t errlen);

/* The first pattern (in file order) that @ua (@len bytes) matches; -1 for
 * none.  Reads only the @len bytes. */
int scanner_match(const struct scanner_list *sl, const char *ua, size_t len);

#endif /* VOIPFW_SCANNER_H */
