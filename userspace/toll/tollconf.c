// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tollconf.c - the toll class file (see tollconf.h, voipfw-toll.conf(5)).
 *
 *   file    = *( line LF ) [ line ]
 *   line    = *WSP [ keyword 1*( 1*WSP word ) ] *WSP [ "#" *ANY ] [ CR ]
 *   word    = 1*( %x21-7E except "#" )
 *
 * Each line is one statement; keywords are dispatched from a table.  The
 * text is read as spans: nothing past @len is looked at and no NUL is
 * needed.  Numbers are read digit by digit with their bounds, never with
 * strtoul.  Classes must be declared ('class') before a line refers to
 * them, so every error can be reported on the line that causes it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toll/tollconf.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
#define WORDS_MAX	64
#define QUOTE_MAX	40
#define Q(w)		(int)((w).len < QUOTE_MAX ? (w).len : QUOTE_MAX), (w).p
#define NO_CLASS	0xffu

/**
 * struct tollconf_node - one digit of the prefix trie
 * @child: node index per next digit, 0 for none (node 0, the root,
 *         is never a child)
 * @cls:   class of numbers starting here, NO_CLASS if none is set here
 */
struct tollconf_node {
	uint32_t	child[10];
	uint8_t		cls;
};

struct reader {
	const char		*buf;
	size_t			len;
	const char		*name;
	char			*err;
	size_t			errlen;
	struct tollconf		*conf;
	bool			has_cc;
	/* limit keys seen per class: no key is given twice */
	uint8_t			limit_seen[TOLLCONF_CLASS_MAX];
};

/* "NAME:LINE:COL: what", LINE and COL of @at (1-based). */
static int fail(struct reader *r, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct reader *r, const char *at, const char *fmt, ...)
{
	unsigned int line = 1, col = 1;
	va_list ap;
	size_t i;
	int n;

	for (i = 0; i < (size_t)(at - r->buf) && i < r->len; i++) {
		if (r->buf[i] == '\n') {
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

static bool word_is(struct span w, const char *lit)
{
	size_t n = strlen(lit);

	return w.len == n && !memcmp(w.p, lit, n);
}

static bool all_digits(struct span w)
{
	size_t i;

	for (i = 0; i < w.len; i++)
		if (w.p[i] < '0' || w.p[i] > '9')
			return false;
	return w.len > 0;
}

static int read_uint(struct reader *r, struct span w, uint32_t max,
		     uint32_t *out)
{
	if (span_to_u32(w, max, out))
		return fail(r, w.p, "'%.*s' is not a number from 0 to %u", Q(w), max);
	return 0;
}

/* N, Ns, Nm, Nh, Nd: seconds */
static int read_seconds(struct reader *r, struct span w, uint32_t *out)
{
	static const struct {
		char		unit;
		uint32_t	mult;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 } };
	struct span num = w;
	uint32_t mult = 1, v;
	unsigned int i;

	for (i = 0; w.len > 1 && i < ARRAY_LEN(units); i++)
		if (w.p[w.len - 1] == units[i].unit) {
			mult = units[i].mult;
			num.len--;
		}
	if (span_to_u32(num, TOLLCONF_SECONDS_MAX, &v) || v > TOLLCONF_SECONDS_MAX / mult)
		return fail(r, w.p, "'%.*s' is not a duration (N, Ns, Nm, Nh or Nd, "
			    "at most 366d)", Q(w));
	*out = v * mult;
	return 0;
}

static int class_at(struct reader *r, struct span w)
{
	int c = tollconf_class_find(r->conf, w);

	if (c < 0)
		return fail(r, w.p, "no class '%.*s' (declare it with 'class' first)", Q(w));
	return c;
}

/* ---- settings ------------------------------------------------------------- */

static int kw_country(struct reader *r, struct span *w, unsigned int n)
{
	struct dialplan *dp = &r->conf->dp;

	(void)n;
	if (r->has_cc)
		return fail(r, w[0].p, "country-code given twice");
	if (!all_digits(w[1]) || w[1].len > 3 || w[1].p[0] == '0')
		return fail(r, w[1].p, "'%.*s' is not a country code (1 to 3 digits, "
			    "not starting with 0)", Q(w[1]));
	memcpy(dp->cc, w[1].p, w[1].len);
	dp->cc_len = (uint8_t)w[1].len;
	r->has_cc = true;
	return 0;
}

static int add_prefixes(struct reader *r, struct span *w, unsigned int n,
			struct dialplan_prefix *list, uint8_t *count)
{
	unsigned int i;

	for (i = 1; i < n; i++) {
		if (!all_digits(w[i]) || w[i].len > DIALPLAN_PREFIX_LEN)
			return fail(r, w[i].p, "'%.*s' is not a dial prefix (1 to %d "
				    "digits)", Q(w[i]), DIALPLAN_PREFIX_LEN);
		if (*count == DIALPLAN_PREFIXES)
			return fail(r, w[i].p, "more than %d prefixes of this kind",
				    DIALPLAN_PREFIXES);
		memcpy(list[*count].d, w[i].p, w[i].len);
		list[*count].len = (uint8_t)w[i].len;
		(*count)++;
	}
	return 0;
}

static int kw_outside(struct reader *r, struct span *w, unsigned int n)
{
	return add_prefixes(r, w, n, r->conf->dp.outside, &r->conf->dp.n_outside);
}

static int kw_intl(struct reader *r, struct span *w, unsigned int n)
{
	return add_prefixes(r, w, n, r->conf->dp.intl, &r->conf->dp.n_intl);
}

static int kw_natl(struct reader *r, struct span *w, unsigned int n)
{
	return add_prefixes(r, w, n, r->conf->dp.natl, &r->conf->dp.n_natl);
}

static int kw_short_max(struct reader *r, struct span *w, unsigned int n)
{
	uint32_t v;

	(void)n;
	if (read_uint(r, w[1], DIALPLAN_E164_MAX, &v))
		return -1;
	r->conf->dp.short_max = (uint8_t)v;
	return 0;
}

static int kw_national_digits(struct reader *r, struct span *w, unsigned int n)
{
	uint32_t v;

	(void)n;
	if (read_uint(r, w[1], DIALPLAN_E164_MAX, &v))
		return -1;
	r->conf->dp.national_digits = (uint8_t)v;
	return 0;
}

/* ---- classes -------------------------------------------------------------- */

static int class_name_ok(struct span w)
{
	size_t i;

	if (w.len == 0 || w.len > TOLLCONF_NAME_MAX || w.p[0] < 'a' || w.p[0] > 'z')
		return 0;
	for (i = 1; i < w.len; i++) {
		char c = w.p[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

static int new_node(struct reader *r, uint32_t *idx)
{
	struct tollconf *conf = r->conf;

	if (conf->n_nodes == conf->cap_nodes) {
		uint32_t ncap = conf->cap_nodes ? conf->cap_nodes * 2 : 64;
		struct tollconf_node *p = realloc(conf->nodes, ncap * sizeof(*p));

		if (!p)
			return -1;
		conf->nodes = p;
		conf->cap_nodes = ncap;
	}
	*idx = conf->n_nodes++;
	memset(&conf->nodes[*idx], 0, sizeof(conf->nodes[*idx]));
	conf->nodes[*idx].cls = NO_CLASS;
	return 0;
}

static int nomem(struct reader *r)
{
	snprintf(r->err, r->errlen, "%s: out of memory", r->name);
	errno = ENOMEM;
	return -1;
}

/* Map the E.164 prefix @digits (@len may be 0: every number) to @cls;
 * @at is where the error points. */
static int add_prefix(struct reader *r, const char *at, const char *digits,
		      size_t len, unsigned int cls)
{
	struct tollconf *conf = r->conf;
	uint32_t node = 0, next;
	size_t i;

	if (conf->n_prefixes == TOLLCONF_PREFIX_MAX)
		return fail(r, at, "more than %d prefixes", TOLLCONF_PREFIX_MAX);
	for (i = 0; i < len; i++) {
		unsigned int d = (unsigned int)(digits[i] - '0');

		next = conf->nodes[node].child[d];
		if (!next) {
			if (new_node(r, &next))
				return nomem(r);
			conf->nodes[node].child[d] = next;
		}
		node = next;
	}
	if (conf->nodes[node].cls != NO_CLASS)
		return fail(r, at, "+%.*s is in class '%s' already", (int)len, digits,
			    conf->classes[conf->nodes[node].cls].name);
	conf->nodes[node].cls = (uint8_t)cls;
	conf->n_prefixes++;
	return 0;
}

static int set_kind_class(struct reader *r, struct span w, int *slot,
			  unsigned int cls)
{
	if (*slot >= 0)
		return fail(r, w.p, "'%.*s' numbers are in class '%s' already", Q(w),
			    r->conf->classes[*slot].name);
	*slot = (int)cls;
	return 0;
}

static int add_exact(struct reader *r, struct span w, unsigned int cls)
{
	struct tollconf *conf = r->conf;
	struct span code = span_make(w.p + 1, w.len - 1);
	unsigned int i;
	size_t k;

	for (k = 0; k < code.len; k++)
		if (!((code.p[k] >= '0' && code.p[k] <= '9') || code.p[k] == '*'))
			break;
	if (code.len == 0 || k < code.len || code.len > sizeof(conf->exact[0].code) - 1)
		return fail(r, w.p, "'%.*s' is not a short code (=, then 1 to %zu "
			    "digits or '*')", Q(w), sizeof(conf->exact[0].code) - 1);
	for (i = 0; i < conf->n_exact; i++)
		if (conf->exact[i].len == code.len &&
		    !memcmp(conf->exact[i].code, code.p, code.len))
			return fail(r, w.p, "'%.*s' is in class '%s' already", Q(w),
				    conf->classes[conf->exact[i].cls].name);
	if (conf->n_exact == TOLLCONF_EXACT_MAX)
		return fail(r, w.p, "more than %d short codes", TOLLCONF_EXACT_MAX);
	memcpy(conf->exact[conf->n_exact].code, code.p, code.len);
	conf->exact[conf->n_exact].code[code.len] = '\0';
	conf->exact[conf->n_exact].len = (uint8_t)code.len;
	conf->exact[conf->n_exact].cls = (uint8_t)cls;
	conf->n_exact++;
	return 0;
}

static int kw_class(struct reader *r, struct span *w, unsigned int n)
{
	struct tollconf *conf = r->conf;
	struct tollconf_class *c;
	int found = tollconf_class_find(conf, w[1]);
	unsigned int cls, i;

	if (found >= 0) {
		cls = (unsigned int)found;
	} else {
		if (!class_name_ok(w[1]))
			return fail(r, w[1].p, "'%.*s' is not a class name (a letter, "
				    "then letters, digits, '-' or '_'; at most %d)",
				    Q(w[1]), TOLLCONF_NAME_MAX);
		if (conf->n_classes == TOLLCONF_CLASS_MAX)
			return fail(r, w[1].p, "more than %d classes", TOLLCONF_CLASS_MAX);
		cls = conf->n_classes++;
		c = &conf->classes[cls];
		memcpy(c->name, w[1].p, w[1].len);
		c->name[w[1].len] = '\0';
		c->per_hour = TOLLCONF_UNLIMITED;
		c->concurrent = TOLLCONF_UNLIMITED;
		c->cooldown = 3600;
		c->line = 0;
	}
	for (i = 2; i < n; i++) {
		struct span p = w[i];
		int ret;

		if (word_is(p, "short"))
			ret = set_kind_class(r, p, &conf->short_class, cls);
		else if (word_is(p, "name"))
			ret = set_kind_class(r, p, &conf->name_class, cls);
		else if (word_is(p, "invalid"))
			ret = set_kind_class(r, p, &conf->invalid_class, cls);
		else if (word_is(p, "home"))
			ret = r->has_cc ? add_prefix(r, p.p, conf->dp.cc,
						     conf->dp.cc_len, cls)
					: fail(r, p.p, "'home' before country-code");
		else if (p.p[0] == '=')
			ret = add_exact(r, p, cls);
		else if (p.p[0] == '+' && (p.len == 1 ||
			 (all_digits(span_make(p.p + 1, p.len - 1)) &&
			  p.len - 1 <= DIALPLAN_E164_MAX)))
			ret = add_prefix(r, p.p, p.p + 1, p.len - 1, cls);
		else
			ret = fail(r, p.p, "'%.*s' is no number pattern (+DIGITS, +, "
				   "home, =CODE, short, name or invalid)", Q(p));
		if (ret)
			return ret;
	}
	return 0;
}

static int kw_flag(struct reader *r, struct span *w, unsigned int n,
		   uint32_t flag)
{
	unsigned int i;
	int c;

	for (i = 1; i < n; i++) {
		struct tollconf_class *cls;

		c = class_at(r, w[i]);
		if (c < 0)
			return -1;
		cls = &r->conf->classes[c];
		if (cls->guarded || cls->n_windows)
			return fail(r, w[i].p, "class '%s' has limits or windows: it "
				    "cannot be %.*s", cls->name, Q(w[0]));
		if (cls->flags & ~flag)
			return fail(r, w[i].p, "class '%s' cannot be both exempt and "
				    "internal", cls->name);
		cls->flags |= flag;
	}
	return 0;
}

static int kw_exempt(struct reader *r, struct span *w, unsigned int n)
{
	return kw_flag(r, w, n, TOLLCONF_EXEMPT);
}

static int kw_internal(struct reader *r, struct span *w, unsigned int n)
{
	return kw_flag(r, w, n, TOLLCONF_INTERNAL);
}

/* The class named at @w for 'limit' or 'window': neither exempt nor
 * internal, where limits mean nothing. */
static int limited_class(struct reader *r, struct span w)
{
	int c = class_at(r, w);

	if (c >= 0 && r->conf->classes[c].flags)
		return fail(r, w.p, "class '%s' is %s: it has no limits or windows",
			    r->conf->classes[c].name,
			    r->conf->classes[c].flags & TOLLCONF_EXEMPT ? "exempt"
									: "internal");
	return c;
}

static int kw_limit(struct reader *r, struct span *w, unsigned int n)
{
	static const char *const keys[] = {
		"per-hour", "concurrent", "duration", "cooldown",
	};
	struct tollconf_class *c;
	unsigned int i, k;
	int ci = limited_class(r, w[1]);

	if (ci < 0)
		return -1;
	c = &r->conf->classes[ci];
	for (i = 2; i < n; i += 2) {
		for (k = 0; k < ARRAY_LEN(keys); k++)
			if (word_is(w[i], keys[k]))
				break;
		if (k == ARRAY_LEN(keys))
			return fail(r, w[i].p, "unknown limit '%.*s' (per-hour, "
				    "concurrent, duration, cooldown)", Q(w[i]));
		if (i + 1 == n)
			return fail(r, w[i].p + w[i].len, "'%s' needs a value", keys[k]);
		if (r->limit_seen[ci] & (1u << k))
			return fail(r, w[i].p, "%s of class '%s' given twice", keys[k],
				    c->name);
		r->limit_seen[ci] |= (uint8_t)(1u << k);
		switch (k) {
		case 0:
			if (read_uint(r, w[i + 1], TOLLCONF_COUNT_MAX, &c->per_hour))
				return -1;
			break;
		case 1:
			if (read_uint(r, w[i + 1], TOLLCONF_COUNT_MAX, &c->concurrent))
				return -1;
			break;
		case 2:
			if (read_seconds(r, w[i + 1], &c->duration))
				return -1;
			if (!c->duration)
				return fail(r, w[i + 1].p, "a duration of 0 ends every call");
			break;
		case 3:
			if (read_seconds(r, w[i + 1], &c->cooldown))
				return -1;
			break;
		}
	}
	c->guarded = true;
	return 0;
}

/* "mon", "mon-fri", "fri-mon" (wraps), "daily", joined by ','. */
static int read_days(struct reader *r, struct span w, uint8_t *days)
{
	static const char names[7][4] = {
		"mon", "tue", "wed", "thu", "fri", "sat", "sun",
	};
	const char *p = w.p, *end = w.p + w.len;

	*days = 0;
	if (word_is(w, "daily")) {
		*days = 0x7f;
		return 0;
	}
	while (p < end) {
		int a = -1, b, i;

		for (i = 0; i < 7; i++)
			if (end - p >= 3 && !memcmp(p, names[i], 3))
				a = i;
		if (a < 0)
			goto bad;
		p += 3;
		b = a;
		if (p < end && *p == '-') {
			p++;
			b = -1;
			for (i = 0; i < 7; i++)
				if (end - p >= 3 && !memcmp(p, names[i], 3))
					b = i;
			if (b < 0)
				goto bad;
			p += 3;
		}
		for (i = a;; i = (i + 1) % 7) {
			*days |= (uint8_t)(1u << i);
			if (i == b)
				break;
		}
		if (p < end && *p++ != ',')
			goto bad;
		if (p == end && p[-1] == ',')
			goto bad;
	}
	return 0;
bad:
	return fail(r, w.p, "'%.*s' are not days (mon..sun, ranges like mon-fri, "
		    "joined by ',', or daily)", Q(w));
}

/* HH:MM, 00:00 .. 23:59, or 24:00 when @end */
static int read_hhmm(const char *p, bool end, uint16_t *min)
{
	uint32_t h, m;

	if (span_to_u32(span_make(p, 2), 24, &h) || p[2] != ':' ||
	    span_to_u32(span_make(p + 3, 2), 59, &m))
		return -1;
	if (h == 24 && (!end || m))
		return -1;
	*min = (uint16_t)(h * 60 + m);
	return 0;
}

static int kw_window(struct reader *r, struct span *w, unsigned int n)
{
	struct tollconf_window win;
	struct tollconf_class *c;
	int ci = limited_class(r, w[1]);

	(void)n;
	if (ci < 0)
		return -1;
	c = &r->conf->classes[ci];
	if (read_days(r, w[2], &win.days))
		return -1;
	if (w[3].len != 11 || w[3].p[5] != '-' ||
	    read_hhmm(w[3].p, false, &win.start) ||
	    read_hhmm(w[3].p + 6, true, &win.end))
		return fail(r, w[3].p, "'%.*s' is not a time range (HH:MM-HH:MM, "
			    "24:00 as an end)", Q(w[3]));
	if (win.start == win.end)
		return fail(r, w[3].p, "'%.*s' is an empty window", Q(w[3]));
	if (c->n_windows == TOLLCONF_WINDOWS)
		return fail(r, w[0].p, "more than %d windows for class '%s'",
			    TOLLCONF_WINDOWS, c->name);
	c->windows[c->n_windows++] = win;
	return 0;
}

/* ---- the file ------------------------------------------------------------- */

static const struct {
	const char	*kw;
	unsigned int	min, max;	/* words after the keyword */
	int		(*fn)(struct reader *r, struct span *w, unsigned int n);
} keywords[] = {
	{ "country-code",		1, 1,		kw_country },
	{ "outside-line",		1, DIALPLAN_PREFIXES, kw_outside },
	{ "international-prefix",	1, DIALPLAN_PREFIXES, kw_intl },
	{ "national-prefix",		1, DIALPLAN_PREFIXES, kw_natl },
	{ "short-max",			1, 1,		kw_short_max },
	{ "national-digits",		1, 1,		kw_national_digits },
	{ "class",			1, WORDS_MAX,	kw_class },
	{ "exempt",			1, WORDS_MAX,	kw_exempt },
	{ "internal",			1, WORDS_MAX,	kw_internal },
	{ "limit",			3, WORDS_MAX,	kw_limit },
	{ "window",			3, 3,		kw_window },
};

static int statement(struct reader *r, const char *p, const char *end)
{
	struct span w[WORDS_MAX + 1];
	unsigned int n = 0, k;

	while (p < end) {
		const char *s;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end || *p == '#')
			break;
		s = p;
		while (p < end && *p != ' ' && *p != '\t' && *p != '#') {
			if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
				return fail(r, p, "unexpected byte 0x%02x",
					    (unsigned char)*p);
			p++;
		}
		if (n == ARRAY_LEN(w))
			return fail(r, s, "more than %d words on a line", WORDS_MAX);
		w[n++] = span_from_to(s, p);
	}
	if (!n)
		return 0;
	for (k = 0; k < ARRAY_LEN(keywords); k++)
		if (word_is(w[0], keywords[k].kw))
			break;
	if (k == ARRAY_LEN(keywords))
		return fail(r, w[0].p, "unknown statement '%.*s'", Q(w[0]));
	if (n - 1 < keywords[k].min)
		return fail(r, w[n - 1].p + w[n - 1].len, "'%s' needs %s%u word%s",
			    keywords[k].kw,
			    keywords[k].min == keywords[k].max ? "" : "at least ",
			    keywords[k].min, keywords[k].min > 1 ? "s" : "");
	if (n - 1 > keywords[k].max)
		return fail(r, w[keywords[k].max + 1].p, "'%s' takes at most %u word%s",
			    keywords[k].kw, keywords[k].max,
			    keywords[k].max > 1 ? "s" : "");
	return keywords[k].fn(r, w, n);
}

/* After the last line: every kind of number has a class. */
static int complete(struct reader *r)
{
	struct tollconf *conf = r->conf;
	const char *eof = r->buf + r->len;

	if (!r->has_cc)
		return fail(r, eof, "no country-code");
	if (conf->nodes[0].cls == NO_CLASS)
		return fail(r, eof, "no class for every other number ('class NAME +')");
	if (conf->short_class < 0)
		return fail(r, eof, "no class for short numbers ('short')");
	if (conf->name_class < 0)
		return fail(r, eof, "no class for names ('name')");
	if (conf->invalid_class < 0)
		return fail(r, eof, "no class for invalid numbers ('invalid')");
	return 0;
}

struct tollconf *tollconf_parse(const char *text, size_t len, const char *name,
				char *err, size_t errlen)
{
	struct reader r = {
		.buf = text, .len = len, .name = name, .err = err,
		.errlen = errlen,
	};
	const char *p = text, *end = text + len;
	uint32_t root;

	if (errlen)
		err[0] = '\0';
	r.conf = calloc(1, sizeof(*r.conf));
	if (!r.conf) {
		nomem(&r);
		return NULL;
	}
	r.conf->short_class = r.conf->name_class = r.conf->invalid_class = -1;
	if (new_node(&r, &root)) {
		nomem(&r);
		goto err;
	}
	if (len > TOLLCONF_FILE_MAX) {
		fail(&r, text + TOLLCONF_FILE_MAX, "file larger than %u bytes",
		     TOLLCONF_FILE_MAX);
		goto err;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		if (eol - p > TOLLCONF_LINE_MAX) {
			fail(&r, p + TOLLCONF_LINE_MAX, "line longer than %d bytes",
			     TOLLCONF_LINE_MAX);
			goto err;
		}
		if (eol > p && eol[-1] == '\r')
			eol--;
		if (statement(&r, p, eol))
			goto err;
		p = nl ? nl + 1 : end;
	}
	if (complete(&r))
		goto err;
	return r.conf;
err:
	tollconf_free(r.conf);
	return NULL;
}

void tollconf_free(struct tollconf *conf)
{
	if (!conf)
		return;
	free(conf->nodes);
	free(conf);
}

unsigned int tollconf_classify(const struct tollconf *conf,
			       const struct dialplan_number *num)
{
	unsigned int cls, i;
	uint32_t node = 0;

	switch (num->kind) {
	case DIALPLAN_E164:
		/* longest prefix: the deepest node on the path with a class */
		cls = conf->nodes[0].cls;
		for (i = 0; i < num->len; i++) {
			unsigned int d = (unsigned int)(num->digits[i] - '0');

			if (d > 9)
				break;
			node = conf->nodes[node].child[d];
			if (!node)
				break;
			if (conf->nodes[node].cls != NO_CLASS)
				cls = conf->nodes[node].cls;
		}
		return cls;
	case DIALPLAN_SHORT:
		for (i = 0; i < conf->n_exact; i++)
			if (conf->exact[i].len == num->len &&
			    !memcmp(conf->exact[i].code, num->digits, num->len))
				return conf->exact[i].cls;
		return (unsigned int)conf->short_class;
	case DIALPLAN_NAME:
		return (unsigned int)conf->name_class;
	case DIALPLAN_INVALID:
		break;
	}
	return (unsigned int)conf->invalid_class;
}

int tollconf_class_find(const struct tollconf *conf, struct span name)
{
	unsigned int i;

	for (i = 0; i < conf->n_classes; i++)
		if (strlen(conf->classes[i].name) == name.len &&
		    !memcmp(conf->classes[i].name, name.p, name.len))
			return (int)i;
	return -1;
}

bool tollconf_window_open(const struct tollconf_class *c, uint32_t week_min)
{
	uint32_t day = (week_min / 1440) % 7, min = week_min % 1440;
	uint32_t yesterday = (day + 6) % 7;
	unsigned int i;

	if (!c->n_windows)
		return true;
	for (i = 0; i < c->n_windows; i++) {
		const struct tollconf_window *w = &c->windows[i];

		if (w->start < w->end) {
			if ((w->days >> day & 1) && min >= w->start && min < w->end)
				return true;
		} else {
			/* past midnight: the evening of a listed day, or the
			 * morning after one */
			if ((w->days >> day & 1) && min >= w->start)
				return true;
			if ((w->days >> yesterday & 1) && min < w->end)
				return true;
		}
	}
	return false;
}
