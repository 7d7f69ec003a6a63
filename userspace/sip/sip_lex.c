// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sip_lex.c - the RFC 3261 25.1 character classes as one lookup table.
 */
#include <string.h>

#include "sip_lex.h"

#define A	(LEX_ALNUM | LEX_TOKEN | LEX_WORD | LEX_HOSTCH)
#define AH	(A | LEX_HEX)
#define D	(A | LEX_HEX | LEX_DIGIT)

const uint16_t sip_lex_class[256] = {
	[0x00 ... 0x08] = LEX_NOURI,
	[0x0a ... 0x1f] = LEX_NOURI,
	[0x7f] = LEX_NOURI,
	['0' ... '9'] = D,
	['a' ... 'f'] = AH,
	['A' ... 'F'] = AH,
	['g' ... 'z'] = A,
	['G' ... 'Z'] = A,
	['-'] = LEX_MARK | LEX_TOKEN | LEX_WORD | LEX_HOSTCH,
	['_'] = LEX_MARK | LEX_TOKEN | LEX_WORD | LEX_HOSTCH,
	['.'] = LEX_MARK | LEX_TOKEN | LEX_WORD | LEX_HOSTCH,
	['!'] = LEX_MARK | LEX_TOKEN | LEX_WORD,
	['~'] = LEX_MARK | LEX_TOKEN | LEX_WORD,
	['*'] = LEX_MARK | LEX_TOKEN | LEX_WORD,
	['\''] = LEX_MARK | LEX_TOKEN | LEX_WORD,
	['('] = LEX_MARK | LEX_WORD,
	[')'] = LEX_MARK | LEX_WORD,
	['%'] = LEX_TOKEN | LEX_WORD,
	['+'] = LEX_TOKEN | LEX_USER | LEX_PASS | LEX_PARAM | LEX_HNV | LEX_WORD,
	['`'] = LEX_TOKEN | LEX_WORD,
	['&'] = LEX_USER | LEX_PASS | LEX_PARAM,
	['='] = LEX_USER | LEX_PASS,
	['$'] = LEX_USER | LEX_PASS | LEX_PARAM | LEX_HNV,
	[','] = LEX_USER | LEX_PASS,
	[';'] = LEX_USER,
	['?'] = LEX_USER | LEX_HNV | LEX_WORD,
	['/'] = LEX_USER | LEX_PARAM | LEX_HNV | LEX_WORD,
	['['] = LEX_PARAM | LEX_HNV | LEX_WORD,
	[']'] = LEX_PARAM | LEX_HNV | LEX_WORD,
	[':'] = LEX_PARAM | LEX_HNV | LEX_WORD,
	['<'] = LEX_WORD | LEX_NOURI,
	['>'] = LEX_WORD | LEX_NOURI,
	['\\'] = LEX_WORD,
	['"'] = LEX_WORD | LEX_NOURI,
	['{'] = LEX_WORD,
	['}'] = LEX_WORD,
	[' '] = LEX_WSP | LEX_NOURI,
	['\t'] = LEX_WSP | LEX_NOURI,
};

const char *lex_find_unquoted(const char *p, const char *end, char c)
{
	const char *hit;
	int angle = 0;

	if (p >= end)
		return NULL;
	/* fast path: no quote or '<' before the first @c */
	hit = memchr(p, c, (size_t)(end - p));
	if (!hit)
		return NULL;
	if (!memchr(p, '"', (size_t)(hit - p)) &&
	    !memchr(p, '<', (size_t)(hit - p)))
		return hit;

	while (p < end) {
		if (*p == '"') {
			const char *q = lex_quoted_end(p, end);

			if (!q)
				return NULL;
			p = q;
			continue;
		}
		if (*p == '<')
			angle++;
		else if (*p == '>' && angle > 0)
			angle--;
		else if (*p == c && angle == 0)
			return p;
		p++;
	}
	return NULL;
}
