// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dialplan.c - dialled strings to E.164 (see dialplan.h).
 *
 * The order of the steps is the contract (voipfw-toll.conf(5) NUMBERS):
 *
 *   1. drop visual separators; '+' first: global, done
 *   2. '*' or '#' inside: a short code if short enough, else invalid
 *   3. a foreign global phone-context: short, or context + number
 *   4. at most short_max digits: short, as dialled
 *   5. strip one outside-line prefix (the longest that leaves digits);
 *      at most short_max digits left: short
 *   6. the longest international or national prefix (a tie goes to the
 *      international one): the rest, or country code + the rest
 *   7. a home global phone-context: context + number
 *   8. exactly national_digits digits: country code + number
 *   9. anything else: invalid
 *
 * Short comes before the prefixes because extensions often begin with
 * the national prefix digit (1xxx in the NANP, 0 for the operator).  The
 * price: a string no longer than short_max that begins with a prefix
 * ("0044") is short, not international; such a string is no complete
 * number, and short_max should be the length of the longest extension.
 */
#include <string.h>

#include "toll/dialplan.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* RFC 3966 visual-separator, and a space (an unescaped "%20"). */
static bool is_separator(char c)
{
	return c == '-' || c == '.' || c == '(' || c == ')' || c == ' ';
}

static enum dialplan_kind result(struct dialplan_number *out,
				 enum dialplan_kind kind, const char *a,
				 size_t alen, const char *b, size_t blen)
{
	out->kind = kind;
	out->len = 0;
	if (kind == DIALPLAN_E164 || kind == DIALPLAN_SHORT) {
		if (alen)
			memcpy(out->digits, a, alen);
		if (blen)
			memcpy(out->digits + alen, b, blen);
		out->len = (uint8_t)(alen + blen);
	}
	out->digits[out->len] = '\0';
	return kind;
}

static enum dialplan_kind invalid(struct dialplan_number *out)
{
	return result(out, DIALPLAN_INVALID, NULL, 0, NULL, 0);
}

/* A global number: 1..15 digits, the country code not starting with 0. */
static enum dialplan_kind global(struct dialplan_number *out, const char *a,
				 size_t alen, const char *b, size_t blen)
{
	const char *first = alen ? a : b;

	if (alen + blen == 0 || alen + blen > DIALPLAN_E164_MAX ||
	    first[0] == '0')
		return invalid(out);
	return result(out, DIALPLAN_E164, a, alen, b, blen);
}

/* The longest of @n prefixes that @s starts with, leaving at least
 * @leave characters; its length, 0 if none. */
static size_t longest(const struct dialplan_prefix *pfx, unsigned int n,
		      const char *s, size_t len, size_t leave)
{
	size_t best = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (pfx[i].len > best && pfx[i].len + leave <= len &&
		    !memcmp(s, pfx[i].d, pfx[i].len))
			best = pfx[i].len;
	return best;
}

/*
 * Copy @in without separators into @buf (room for DIALPLAN_INPUT_MAX).
 * Returns the length; sets *@plus when it began with '+', *@star when
 * '*' or '#' appear, *@other when anything else but digits does.
 */
static size_t clean(struct span in, char *buf, bool *plus, bool *star,
		    bool *other)
{
	size_t i, n = 0;

	*plus = *star = *other = false;
	for (i = 0; i < in.len; i++) {
		char c = in.p[i];

		if (is_separator(c))
			continue;
		if (c == '+' && n == 0 && !*plus)
			*plus = true;
		else if (c == '*' || c == '#')
			*star = true, buf[n++] = c;
		else if (!is_digit(c))
			*other = true, buf[n++] = c;
		else
			buf[n++] = c;
	}
	return n;
}

enum dialplan_kind dialplan_normalise(const struct dialplan *dp,
				      struct span number, struct span context,
				      struct dialplan_number *out)
{
	char d[DIALPLAN_INPUT_MAX], g[DIALPLAN_INPUT_MAX];
	size_t n, glen = 0, skip, ip, np;
	bool plus, star, other, gplus, gstar, gother, home = false;
	const char *s;

	if (number.len > DIALPLAN_INPUT_MAX)
		return invalid(out);
	n = clean(number, d, &plus, &star, &other);
	if (n == 0)
		return invalid(out);
	/* a name begins with neither a digit, '+', '*' nor '#' */
	if (!plus && other && !is_digit(d[0]) && d[0] != '*' && d[0] != '#')
		return result(out, DIALPLAN_NAME, NULL, 0, NULL, 0);
	if (other)
		return invalid(out);
	/* 1. global; RFC 3966 5.1.4: a global number has no context */
	if (plus)
		return star ? invalid(out) : global(out, NULL, 0, d, n);
	/* 2. feature codes (*69, #31#) */
	if (star)
		return n <= dp->short_max ? result(out, DIALPLAN_SHORT, d, n, NULL, 0)
					  : invalid(out);
	if (context.len && context.p[0] == '+') {
		if (context.len > DIALPLAN_INPUT_MAX)
			return invalid(out);
		glen = clean(context, g, &gplus, &gstar, &gother);
		if (!gplus || gstar || gother || glen == 0 ||
		    glen > DIALPLAN_E164_MAX)
			return invalid(out);
		home = dp->cc_len && glen >= dp->cc_len &&
		       !memcmp(g, dp->cc, dp->cc_len);
		/* 3. a foreign context: its dial plan is not ours */
		if (!home) {
			if (n <= dp->short_max)
				return result(out, DIALPLAN_SHORT, d, n, NULL, 0);
			return global(out, g, glen, d, n);
		}
	}
	/* 4. short as dialled: "999" is not "9" + "99" */
	if (n <= dp->short_max)
		return result(out, DIALPLAN_SHORT, d, n, NULL, 0);
	/* 5. outside line; what is left may still be short ("9 201") */
	skip = longest(dp->outside, dp->n_outside, d, n, 1);
	s = d + skip;
	n -= skip;
	if (n <= dp->short_max)
		return result(out, DIALPLAN_SHORT, s, n, NULL, 0);
	/* 6. prefixes */
	ip = longest(dp->intl, dp->n_intl, s, n, 0);
	np = longest(dp->natl, dp->n_natl, s, n, 0);
	if (ip && ip >= np)
		return global(out, NULL, 0, s + ip, n - ip);
	if (np) {
		if (!dp->cc_len || np == n)
			return invalid(out);
		return global(out, dp->cc, dp->cc_len, s + np, n - np);
	}
	/* 7. home context */
	if (glen)
		return global(out, g, glen, s, n);
	/* 8. national significant number without a prefix */
	if (dp->national_digits && n == dp->national_digits && dp->cc_len)
		return global(out, dp->cc, dp->cc_len, s, n);
	return invalid(out);
}

enum dialplan_kind dialplan_from_uri(const struct dialplan *dp,
				     const struct sip_uri *uri,
				     struct dialplan_number *out)
{
	/* a telephone-subscriber with its parameters, unescaped */
	char buf[4 * DIALPLAN_INPUT_MAX];
	struct span number, params = SPAN_NULL, context = SPAN_NULL;
	const char *semi;
	int len;

	switch (uri->scheme_id) {
	case SIP_URI_TEL:
		number = uri->user;
		params = uri->params;
		break;
	case SIP_URI_SIP:
	case SIP_URI_SIPS:
		if (!uri->user.len)
			return result(out, DIALPLAN_NAME, NULL, 0, NULL, 0);
		len = sip_unescape(uri->user, buf, sizeof(buf));
		if (len < 0)
			return invalid(out);
		semi = memchr(buf, ';', (size_t)len);
		number = span_from_to(buf, semi ? semi : buf + len);
		if (semi)
			params = span_from_to(semi + 1, buf + len);
		break;
	default:
		/* fail closed: no number we can read is no number we allow */
		return invalid(out);
	}
	if (params.len && sip_param_find(params, "phone-context", &context) &&
	    !context.len)
		return invalid(out);
	return dialplan_normalise(dp, number, context, out);
}

const char *dialplan_kind_name(enum dialplan_kind kind)
{
	switch (kind) {
	case DIALPLAN_E164:	return "e164";
	case DIALPLAN_SHORT:	return "short";
	case DIALPLAN_NAME:	return "name";
	case DIALPLAN_INVALID:	return "invalid";
	}
	return "invalid";
}
