// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scanner.c - User-Agent fingerprints of SIP scanners (see scanner.h).
 *
 * A User-Agent is short (the engine passes the header's value span), the
 * list a few dozen patterns: a scan that tries each unanchored pattern at
 * each position whose byte can start one costs well under a microsecond,
 * with no state to keep and nothing to allocate.
 */
#include <stdio.h>
#include <string.h>

#include "detect/scanner.h"

static inline char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static bool same_nocase(const char *s, const char *pat, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (lower(s[i]) != pat[i])
			return false;
	return true;
}

int scanner_match(const struct scanner_list *sl, const char *ua, size_t len)
{
	int best = -1;
	size_t pos;
	uint32_t i;

	for (i = 0; i < sl->n; i++) {
		const struct scanner_pattern *p = &sl->pat[i];

		if (p->anchored && p->len <= len && same_nocase(ua, p->text, p->len)) {
			best = (int)i;
			break;
		}
	}
	/* then unanchored ones, each only if earlier in the file */
	for (pos = 0; pos < len; pos++) {
		if (!sl->first[(unsigned char)lower(ua[pos])])
			continue;
		for (i = 0; i < sl->n && (best < 0 || i < (uint32_t)best); i++) {
			const struct scanner_pattern *p = &sl->pat[i];

			if (!p->anchored && p->len <= len - pos &&
			    p->text[0] == lower(ua[pos]) &&
			    same_nocase(ua + pos, p->text, p->len))
				best = (int)i;
		}
	}
	return best;
}

int scanner_list_parse(struct scanner_list *sl, const char *text, size_t len,
		       const char *name, char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	uint32_t line = 1;

	memset(sl, 0, sizeof(*sl));
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *s, *e, *q;
		struct scanner_pattern *pat;
		bool anchored = false;

		if (!eol)
			eol = end;
		s = p;
		e = eol;
		if (e > s && e[-1] == '\r')
			e--;
		for (q = s; q < e; q++)
			if (*q == '#')
				break;
		e = q;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (s < e && *s == '^') {
			anchored = true;
			s++;
		}
		for (q = s; q < e; q++) {
			if (*q < ' ' || *q > '~') {
				snprintf(err, errlen, "%s:%u:%u: byte 0x%02x in a pattern "
					 "(printable ASCII only)", name, line,
					 (unsigned int)(q - p + 1), (unsigned char)*q);
				goto err;
			}
		}
		if (s == e && anchored) {
			snprintf(err, errlen, "%s:%u:%u: '^' without a pattern",
				 name, line, (unsigned int)(s - p));
			goto err;
		}
		if (s < e) {
			if (e - s > SCANNER_PATTERN_MAX) {
				snprintf(err, errlen, "%s:%u:%u: pattern longer than %d bytes",
					 name, line, (unsigned int)(s - p + 1),
					 SCANNER_PATTERN_MAX);
				goto err;
			}
			if (sl->n == SCANNER_PATTERNS_MAX) {
				snprintf(err, errlen, "%s:%u:%u: more than %d patterns",
					 name, line, (unsigned int)(s - p + 1),
					 SCANNER_PATTERNS_MAX);
				goto err;
			}
			pat = &sl->pat[sl->n++];
			for (q = s; q < e; q++)
				pat->text[q - s] = lower(*q);
			pat->len = (uint8_t)(e - s);
			pat->anchored = anchored;
			pat->line = line;
			if (!anchored)
				sl->first[(unsigned char)pat->text[0]] = true;
		}
		p = eol + 1;
		line++;
	}
	return 0;
err:
	memset(sl, 0, sizeof(*sl));
	return -1;
}
