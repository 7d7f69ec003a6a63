/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * span.h - bounded views into a packet buffer.
 *
 * Every parser in voipfw works on spans: a pointer and a length into the
 * bytes that came off the wire.  Nothing here assumes NUL termination and
 * nothing reads outside [p, p + len).
 */
#ifndef VOIPFW_SPAN_H
#define VOIPFW_SPAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * struct span - a view of @len bytes at @p; never owns memory.
 * @p:   first byte (may be NULL when @len is 0)
 * @len: number of bytes
 */
struct span {
	const char	*p;
	size_t		len;
};

#define SPAN_NULL		((struct span){ NULL, 0 })
#define SPAN_LIT(s)		((struct span){ (s), sizeof(s) - 1 })

static inline struct span span_make(const char *p, size_t len)
{
	return (struct span){ p, len };
}

static inline struct span span_from_to(const char *from, const char *to)
{
	return (struct span){ from, (size_t)(to - from) };
}

static inline bool span_empty(struct span s)
{
	return s.len == 0;
}

static inline char span_ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

/* Case-insensitive (ASCII) comparison of two spans. */
static inline bool span_eq_ci(struct span a, struct span b)
{
	size_t i;

	if (a.len != b.len)
		return false;
	for (i = 0; i < a.len; i++) {
		unsigned char x = (unsigned char)a.p[i];
		unsigned char y = (unsigned char)b.p[i];

		/* equal, or the same letter in the other case */
		if (x != y && ((x ^ y) != 0x20 ||
			       (unsigned char)((x | 0x20) - 'a') > 'z' - 'a'))
			return false;
	}
	return true;
}

/* Case-insensitive comparison of a span with a C string literal. */
static inline bool span_eq_ci_str(struct span a, const char *lit, size_t litlen)
{
	return span_eq_ci(a, span_make(lit, litlen));
}
#define span_is(s, lit)		span_eq_ci_str((s), (lit), sizeof(lit) - 1)

/* Exact (octet by octet) comparison. */
static inline bool span_eq(struct span a, struct span b)
{
	size_t i;

	if (a.len != b.len)
		return false;
	for (i = 0; i < a.len; i++)
		if (a.p[i] != b.p[i])
			return false;
	return true;
}

static inline bool span_starts_ci(struct span s, const char *lit, size_t litlen)
{
	return s.len >= litlen && span_eq_ci(span_make(s.p, litlen),
					     span_make(lit, litlen));
}

/*
 * span_to_u32 - 1*DIGIT to an unsigned value no larger than @max.
 * Returns 0 and sets *out on success, -1 if the span is empty, holds a
 * non-digit or the value exceeds @max.  Leading zeros are allowed, as
 * RFC 3261 grammar allows them ("0009" in RFC 4475 wsinv).
 */
static inline int span_to_u32(struct span s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (s.len == 0)
		return -1;
	for (i = 0; i < s.len; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s.p[i] - '0');
		if (v > max)
			return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

#endif /* VOIPFW_SPAN_H */
