/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sip_lex.h - character classes and LWS handling of RFC 3261 25.1, shared
 * by the SIP, URI and SDP parsers.  Internal to userspace/sip and sdp.
 */
#ifndef VOIPFW_SIP_LEX_H
#define VOIPFW_SIP_LEX_H

#include "span.h"

enum {
	LEX_ALNUM	= 1 << 0,	/* alphanum */
	LEX_MARK	= 1 << 1,	/* mark: - _ . ! ~ * ' ( ) */
	LEX_TOKEN	= 1 << 2,	/* token: alphanum - . ! % * _ + ` ' ~ */
	LEX_USER	= 1 << 3,	/* user-unreserved: & = + $ , ; ? / */
	LEX_PASS	= 1 << 4,	/* password extras: & = + $ , */
	LEX_PARAM	= 1 << 5,	/* param-unreserved: [ ] / : & + $ */
	LEX_HNV		= 1 << 6,	/* hnv-unreserved: [ ] / ? : + $ */
	LEX_WORD	= 1 << 7,	/* word (Call-ID) */
	LEX_HEX		= 1 << 8,
	LEX_DIGIT	= 1 << 9,
	LEX_WSP		= 1 << 10,	/* SP / HTAB */
	LEX_NOURI	= 1 << 11,	/* never in a URI: CTL, SP, < > " */
	LEX_HOSTCH	= 1 << 12,	/* in host names: alphanum - . _ */
};

#define LEX_UNRESERVED	(LEX_ALNUM | LEX_MARK)

extern const uint16_t sip_lex_class[256];

static inline bool lex_is(char c, uint16_t cls)
{
	return (sip_lex_class[(unsigned char)c] & cls) != 0;
}

/*
 * LWS = [*WSP CRLF] 1*WSP ; SWS = [LWS]   (RFC 3261 25.1)
 * A header value may hold folds; a bare LF fold is accepted as well,
 * since header lines may end in bare LF (see sip.c).
 * lex_skip_sws returns the position after any LWS starting at @p.
 */
static inline const char *lex_skip_sws(const char *p, const char *end)
{
	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		/* a line break continues the value only when WSP follows */
		if (end - p >= 3 && p[0] == '\r' && p[1] == '\n' &&
		    (p[2] == ' ' || p[2] == '\t')) {
			p += 3;
			continue;
		}
		if (end - p >= 2 && p[0] == '\n' &&
		    (p[1] == ' ' || p[1] == '\t')) {
			p += 2;
			continue;
		}
		return p;
	}
}

/* Trim LWS from both ends of a span. */
static inline struct span lex_trim(struct span s)
{
	const char *p = s.p, *end = s.p + s.len;

	p = lex_skip_sws(p, end);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' ||
			   end[-1] == '\r' || end[-1] == '\n'))
		end--;
	return span_from_to(p, end);
}

/* Does the span hold any SP, HTAB, CR or LF? */
static inline bool lex_has_lws(struct span s)
{
	size_t i;

	for (i = 0; i < s.len; i++)
		if (s.p[i] == ' ' || s.p[i] == '\t' || s.p[i] == '\r' ||
		    s.p[i] == '\n')
			return true;
	return false;
}

/* Are all bytes of @s in class @cls (and @s non-empty)? */
static inline bool lex_all(struct span s, uint16_t cls)
{
	size_t i;

	if (!s.len)
		return false;
	for (i = 0; i < s.len; i++)
		if (!lex_is(s.p[i], cls))
			return false;
	return true;
}

/*
 * Are all bytes of @s in @cls or well-formed escapes ("%" HEXDIG HEXDIG)?
 * Empty is allowed.
 */
static inline bool lex_all_escaped(struct span s, uint16_t cls)
{
	size_t i;

	for (i = 0; i < s.len; i++) {
		if (s.p[i] == '%') {
			if (i + 2 >= s.len || !lex_is(s.p[i + 1], LEX_HEX) ||
			    !lex_is(s.p[i + 2], LEX_HEX))
				return false;
			i += 2;
			continue;
		}
		if (!lex_is(s.p[i], cls))
			return false;
	}
	return true;
}

/*
 * lex_quoted_end - @p points at DQUOTE; returns the position after the
 * closing DQUOTE, or NULL if it is unterminated.
 * quoted-string = SWS DQUOTE *(qdtext / quoted-pair ) DQUOTE
 * quoted-pair   = "\" (%x00-09 / %x0B-0C / %x0E-7F)
 */
static inline const char *lex_quoted_end(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\') {
			if (++p >= end)
				return NULL;
			continue;
		}
		if (*p == '"')
			return p + 1;
	}
	return NULL;
}

/* Find @c at nesting level 0 (outside quotes and <...>); NULL if absent. */
const char *lex_find_unquoted(const char *p, const char *end, char c);

#endif /* VOIPFW_SIP_LEX_H */
