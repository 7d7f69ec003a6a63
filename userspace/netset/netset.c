// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netset.c - network sets and block list files (see netset.h).
 *
 * Parsing reads spans: no byte past @len is looked at, and a token is
 * copied (bounded) into a NUL-terminated buffer only for inet_pton().
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netset/netset.h"

typedef unsigned __int128 u128;

void netset_init(struct netset *ns, uint32_t max)
{
	memset(ns, 0, sizeof(*ns));
	ns->max = max;
	ns->merged = true;
}

void netset_release(struct netset *ns)
{
	free(ns->r4);
	free(ns->r6);
	netset_init(ns, ns->max);
}

static int grow(void **arr, uint32_t *cap, uint32_t n, size_t size, uint32_t max)
{
	uint32_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	if (n >= max) {
		errno = ENOSPC;
		return -1;
	}
	ncap = *cap ? *cap * 2 : 64;
	if (ncap > max)
		ncap = max;
	p = realloc(*arr, (size_t)ncap * size);
	if (!p)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

static u128 load128(const uint8_t *a)
{
	u128 v = 0;
	int i;

	for (i = 0; i < 16; i++)
		v = (v << 8) | a[i];
	return v;
}

int netset_add(struct netset *ns, int family, const uint8_t *addr,
	       unsigned int plen)
{
	if (family == 4) {
		uint32_t a = (uint32_t)addr[0] << 24 | (uint32_t)addr[1] << 16 |
			     (uint32_t)addr[2] << 8 | addr[3];
		uint32_t host = plen >= 32 ? 0 : ~0u >> plen;

		if (plen > 32) {
			errno = EINVAL;
			return -1;
		}
		if (grow((void **)&ns->r4, &ns->cap4, ns->n4, sizeof(*ns->r4), ns->max))
			return -1;
		ns->r4[ns->n4].lo = a & ~host;
		ns->r4[ns->n4].hi = a | host;
		ns->n4++;
	} else if (family == 6) {
		u128 a = load128(addr);
		u128 host = plen >= 128 ? 0 : ~(u128)0 >> plen;

		if (plen > 128) {
			errno = EINVAL;
			return -1;
		}
		if (grow((void **)&ns->r6, &ns->cap6, ns->n6, sizeof(*ns->r6), ns->max))
			return -1;
		ns->r6[ns->n6].lo = a & ~host;
		ns->r6[ns->n6].hi = a | host;
		ns->n6++;
	} else {
		errno = EINVAL;
		return -1;
	}
	ns->merged = false;
	return 0;
}

static int cmp4(const void *a, const void *b)
{
	const struct netset_range4 *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static int cmp6(const void *a, const void *b)
{
	const struct netset_range6 *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Sort by start, then fold each range into the last kept one when it
 * overlaps it or starts right after it (no address in between). */
#define MERGE(r, n, cmp, maxval) do {					\
	uint32_t i_, k_ = 0;						\
									\
	if (!(n))							\
		break;							\
	qsort((r), (n), sizeof(*(r)), cmp);				\
	for (i_ = 1; i_ < (n); i_++) {					\
		if ((r)[k_].hi == (maxval) ||				\
		    (r)[i_].lo <= (r)[k_].hi + 1) {			\
			if ((r)[i_].hi > (r)[k_].hi)			\
				(r)[k_].hi = (r)[i_].hi;		\
		} else {						\
			(r)[++k_] = (r)[i_];				\
		}							\
	}								\
	(n) = k_ + 1;							\
} while (0)

void netset_merge(struct netset *ns)
{
	MERGE(ns->r4, ns->n4, cmp4, UINT32_MAX);
	MERGE(ns->r6, ns->n6, cmp6, ~(u128)0);
	ns->merged = true;
}

bool netset_contains(const struct netset *ns, int family, const uint8_t *addr)
{
	uint32_t lo = 0, hi, mid;

	if (family == 4) {
		uint32_t a = (uint32_t)addr[0] << 24 | (uint32_t)addr[1] << 16 |
			     (uint32_t)addr[2] << 8 | addr[3];

		hi = ns->n4;
		while (lo < hi) {	/* first range ending at or after a */
			mid = lo + (hi - lo) / 2;
			if (ns->r4[mid].hi < a)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo < ns->n4 && ns->r4[lo].lo <= a;
	}
	if (family == 6) {
		u128 a = load128(addr);

		hi = ns->n6;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (ns->r6[mid].hi < a)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo < ns->n6 && ns->r6[lo].lo <= a;
	}
	return false;
}

/* ---- block list files ------------------------------------------------- */

struct reader {
	const char	*p, *end, *start;
	const char	*name;
	char		*err;
	size_t		errlen;
	struct netset	*ns;
};

static int fail(struct reader *r, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct reader *r, const char *at, const char *fmt, ...)
{
	unsigned int line = 1, col = 1;
	const char *q;
	va_list ap;
	int n;

	for (q = r->start; q < at && q < r->end; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	n = snprintf(r->err, r->errlen, "%s:%u:%u: ", r->name, line, col);
	if (n >= 0 && (size_t)n < r->errlen) {
		va_start(ap, fmt);
		vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static bool is_addr_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F') || c == '.' || c == ':' || c == '/';
}

/* One network from the @len bytes at @tok (nothing else in them). */
static int add_network(struct reader *r, const char *tok, size_t len)
{
	char buf[64];
	uint8_t addr[16];
	const char *slash = memchr(tok, '/', len);
	size_t alen = slash ? (size_t)(slash - tok) : len;
	unsigned int plen, max, i;
	int family;

	if (alen == 0 || alen >= sizeof(buf))
		return fail(r, tok, "not an address: '%.*s'", (int)(len > 50 ? 50 : len), tok);
	memcpy(buf, tok, alen);
	buf[alen] = '\0';
	family = memchr(buf, ':', alen) ? 6 : 4;
	if (inet_pton(family == 6 ? AF_INET6 : AF_INET, buf, addr) != 1)
		return fail(r, tok, "not an IPv%d address: '%s'", family, buf);
	max = family == 6 ? 128 : 32;
	plen = max;
	if (slash) {
		const char *d = slash + 1, *e = tok + len;

		if (d == e || e - d > 3 || (*d == '0' && e - d > 1))
			return fail(r, d, "bad prefix length '%.*s'", (int)(e - d), d);
		plen = 0;
		for (; d < e; d++) {
			if (*d < '0' || *d > '9')
				return fail(r, d, "bad prefix length");
			plen = plen * 10 + (unsigned int)(*d - '0');
		}
		if (plen > max)
			return fail(r, slash + 1, "prefix length %u is beyond IPv%d's %u",
				    plen, family, max);
	}
	/* host bits set: refused, not masked (what would the list mean?) */
	for (i = plen; i < max; i++)
		if (addr[i / 8] & (0x80 >> (i % 8)))
			return fail(r, tok, "'%.*s' has host bits set", (int)len, tok);
	if (netset_add(r->ns, family, addr, plen))
		return fail(r, tok, "%s", errno == ENOSPC ?
			    "too many networks" : strerror(errno));
	return 0;
}

static int parse_lines(struct reader *r)
{
	const char *p = r->p;

	while (p < r->end) {
		const char *eol = memchr(p, '\n', (size_t)(r->end - p));
		const char *tok, *q;

		if (!eol)
			eol = r->end;
		while (p < eol && (*p == ' ' || *p == '\t'))
			p++;
		tok = p;
		while (p < eol && is_addr_char(*p))
			p++;
		q = p;
		while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q < eol && *q != '#' && *q != ';') {
			if (*q > ' ' && *q < 0x7f)
				return fail(r, q, "unexpected '%c' (one network a line; comments after '#' or ';')", *q);
			return fail(r, q, "unexpected byte 0x%02x", (unsigned char)*q);
		}
		if (p > tok && add_network(r, tok, (size_t)(p - tok)))
			return -1;
		p = eol + 1;
	}
	return 0;
}

/* ---- APIBAN-style JSON: {"ipaddress": ["192.0.2.1", ...], ...} -------- */

#define JSON_DEPTH_MAX	16

static void ws(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
				 *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

/* A string; its raw bytes (escapes left as they are) in @s/@n. */
static int json_string(struct reader *r, const char **s, size_t *n)
{
	const char *q;

	if (r->p >= r->end || *r->p != '"')
		return fail(r, r->p, "expected a string");
	q = ++r->p;
	while (r->p < r->end && *r->p != '"') {
		if ((unsigned char)*r->p < 0x20)
			return fail(r, r->p, "control character in a string");
		if (*r->p == '\\' && ++r->p >= r->end)
			break;
		r->p++;
	}
	if (r->p >= r->end)
		return fail(r, q - 1, "unterminated string");
	*s = q;
	*n = (size_t)(r->p - q);
	r->p++;
	return 0;
}

static int json_skip(struct reader *r, int depth);

static int json_skip_seq(struct reader *r, char close, bool members, int depth)
{
	const char *s;
	size_t n;

	r->p++;
	ws(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		return 0;
	}
	for (;;) {
		if (members) {
			if (json_string(r, &s, &n))
				return -1;
			ws(r);
			if (r->p >= r->end || *r->p != ':')
				return fail(r, r->p, "expected ':'");
			r->p++;
		}
		if (json_skip(r, depth + 1))
			return -1;
		ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			ws(r);
			continue;
		}
		if (r->p < r->end && *r->p == close) {
			r->p++;
			return 0;
		}
		return fail(r, r->p, "expected ',' or '%c'", close);
	}
}

/* Any value, checked for shape only. */
static int json_skip(struct reader *r, int depth)
{
	const char *s;
	size_t n;

	ws(r);
	if (depth > JSON_DEPTH_MAX)
		return fail(r, r->p, "nested too deep");
	if (r->p >= r->end)
		return fail(r, r->p, "expected a value");
	switch (*r->p) {
	case '"':
		return json_string(r, &s, &n);
	case '{':
		return json_skip_seq(r, '}', true, depth);
	case '[':
		return json_skip_seq(r, ']', false, depth);
	default:
		s = r->p;
		while (r->p < r->end && ((*r->p >= 'a' && *r->p <= 'z') ||
					 (*r->p >= '0' && *r->p <= '9') ||
					 *r->p == '-' || *r->p == '+' || *r->p == '.' ||
					 *r->p == 'E'))
			r->p++;
		if (r->p == s)
			return fail(r, s, "expected a value");
		return 0;
	}
}

static int json_addresses(struct reader *r)
{
	const char *s;
	size_t n;

	ws(r);
	if (r->p >= r->end || *r->p != '[')
		return fail(r, r->p, "\"ipaddress\" is not an array");
	r->p++;
	ws(r);
	if (r->p < r->end && *r->p == ']') {
		r->p++;
		return 0;
	}
	for (;;) {
		if (json_string(r, &s, &n) || add_network(r, s, n))
			return -1;
		ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			ws(r);
			continue;
		}
		if (r->p < r->end && *r->p == ']') {
			r->p++;
			return 0;
		}
		return fail(r, r->p, "expected ',' or ']'");
	}
}

static int parse_json(struct reader *r)
{
	bool found = false;
	const char *s, *open = r->p;
	size_t n;

	r->p++;			/* '{' */
	ws(r);
	if (r->p < r->end && *r->p == '}') {
		r->p++;
	} else {
		for (;;) {
			if (json_string(r, &s, &n))
				return -1;
			ws(r);
			if (r->p >= r->end || *r->p != ':')
				return fail(r, r->p, "expected ':'");
			r->p++;
			if (n == 9 && !memcmp(s, "ipaddress", 9)) {
				if (json_addresses(r))
					return -1;
				found = true;
			} else if (json_skip(r, 1)) {
				return -1;
			}
			ws(r);
			if (r->p < r->end && *r->p == ',') {
				r->p++;
				ws(r);
				continue;
			}
			if (r->p < r->end && *r->p == '}') {
				r->p++;
				break;
			}
			return fail(r, r->p, "expected ',' or '}'");
		}
	}
	ws(r);
	if (r->p < r->end)
		return fail(r, r->p, "text after the JSON object");
	if (!found)
		return fail(r, open, "no \"ipaddress\" array in the JSON object");
	return 0;
}

int netset_parse(struct netset *ns, const char *text, size_t len,
		 const char *name, char *err, size_t errlen)
{
	struct reader r = {
		.p = text, .end = text + len, .start = text, .name = name,
		.err = err, .errlen = errlen, .ns = ns,
	};
	uint32_t n4 = ns->n4, n6 = ns->n6;
	bool merged = ns->merged;
	int ret;

	ws(&r);
	if (r.p < r.end && *r.p == '{') {
		ret = parse_json(&r);
	} else {
		r.p = text;
		ret = parse_lines(&r);
	}
	if (ret) {
		/* the set as it was: a list is taken whole or not at all */
		ns->n4 = n4;
		ns->n6 = n6;
		ns->merged = merged;
	}
	return ret;
}
