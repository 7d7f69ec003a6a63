/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dialplan.h - what number a call goes to: the user part of a SIP
 * Request-URI or a tel: URI, as dialled, to one canonical form that toll
 * classes can be matched against.
 *
 * The forms (RFC 3966 3 and 5.1.5 for tel:, RFC 3261 19.1.1 for a
 * telephone-subscriber in a sip: user part):
 *
 *   "+44 20 7946 0000", "+44-20-7946-0000"  global: the digits after '+'
 *   "00 44 20 7946 0000" (international prefix "00" or "011")
 *   "0 20 7946 0000"     (national prefix "0"): country code + the rest
 *   "9 00 44 ..."        (outside-line prefix "9", stripped first)
 *   "7946 0000;phone-context=+44-20"   local number in a global context
 *   "201"                an extension or short code (internal/short)
 *   "alice"              not a number at all (name)
 *
 * Visual separators '-', '.', '(', ')' (RFC 3966 visual-separator) and
 * spaces (from "%20" in escaped user parts) are dropped.  What cannot be
 * read as one of these is "invalid", never guessed at: the toll class of
 * an invalid number is the operator's choice and should be a restrictive
 * one (the shipped file denies it).
 */
#ifndef VOIPFW_DIALPLAN_H
#define VOIPFW_DIALPLAN_H

#include <stdint.h>

#include "sip/span.h"
#include "sip/sip_uri.h"

/* E.164 (ITU-T E.164 6.2.1): at most 15 digits after the '+'. */
#define DIALPLAN_E164_MAX	15
/* Longest number read (after unescaping), separators included. */
#define DIALPLAN_INPUT_MAX	64
/* Dial prefixes of one kind, and digits in one prefix. */
#define DIALPLAN_PREFIXES	4
#define DIALPLAN_PREFIX_LEN	6

/**
 * enum dialplan_kind - what a dialled string turned out to be
 * @DIALPLAN_E164:    a global number; digits holds country code + number
 * @DIALPLAN_SHORT:   an extension, feature or service code of at most
 *                    short_max characters (digits, '*', '#'): internal
 * @DIALPLAN_NAME:    no telephone number at all ("alice", "voicemail")
 * @DIALPLAN_INVALID: looks like a number but cannot be normalised
 *                    (letters among digits, too long, a bare prefix,
 *                    a local number the dial plan cannot complete)
 */
enum dialplan_kind {
	DIALPLAN_E164,
	DIALPLAN_SHORT,
	DIALPLAN_NAME,
	DIALPLAN_INVALID,
};

/**
 * struct dialplan_prefix - one dial prefix, digits only
 */
struct dialplan_prefix {
	char		d[DIALPLAN_PREFIX_LEN];
	uint8_t		len;
};

/**
 * struct dialplan - the site's dialling conventions
 * @cc, @cc_len:     home country code (1..3 digits), e.g. "44", "1"
 * @outside:         outside-line prefixes ("9"), stripped once first
 * @intl:            international prefixes ("00", "011")
 * @natl:            national (trunk) prefixes ("0"; "1" in the NANP)
 * @short_max:       numbers of up to this many characters are short
 *                   (extensions, 112, *69); 0: none is
 * @national_digits: a bare number of exactly this many digits is a
 *                   national significant number (10 in the NANP); 0: off
 */
struct dialplan {
	char			cc[4];
	uint8_t			cc_len;
	struct dialplan_prefix	outside[DIALPLAN_PREFIXES];
	struct dialplan_prefix	intl[DIALPLAN_PREFIXES];
	struct dialplan_prefix	natl[DIALPLAN_PREFIXES];
	uint8_t			n_outside, n_intl, n_natl;
	uint8_t			short_max;
	uint8_t			national_digits;
};

/**
 * struct dialplan_number - the normalised number
 * @kind:   see enum dialplan_kind
 * @digits: E.164 digits without '+' (DIALPLAN_E164), the short code
 *          (DIALPLAN_SHORT), else empty; NUL-terminated
 * @len:    strlen(@digits)
 */
struct dialplan_number {
	enum dialplan_kind	kind;
	char			digits[DIALPLAN_INPUT_MAX + 1];
	uint8_t			len;
};

/*
 * dialplan_normalise - @number (unescaped, without parameters) in the
 * context @context (the value of ;phone-context, empty if none) under
 * @dp.  Always fills @out; returns @out->kind.
 *
 * A context that is a domain name (RFC 3966 5.1.5 "domainname") is taken
 * to be the site's own dial plan.  A global context "+DIGITS": a number
 * that carries no prefix and is not short gets DIGITS in front; in the
 * home country (DIGITS starting with the country code) the dial plan's
 * prefixes apply first, elsewhere they would be guesses and do not.
 */
enum dialplan_kind dialplan_normalise(const struct dialplan *dp,
				      struct span number, struct span context,
				      struct dialplan_number *out);

/*
 * dialplan_from_uri - the number a parsed Request-URI (or To URI) goes to:
 * a tel: URI's number, or a sip:/sips: user part (%-escapes decoded, a
 * telephone-subscriber's ";phone-context=" honoured; ";user=phone" is not
 * required, as many PBXs leave it out).  A sip: URI without a user part
 * is a name; any other scheme is invalid.
 */
enum dialplan_kind dialplan_from_uri(const struct dialplan *dp,
				     const struct sip_uri *uri,
				     struct dialplan_number *out);

/* "e164", "short", "name", "invalid" */
const char *dialplan_kind_name(enum dialplan_kind kind);

#endif /* VOIPFW_DIALPLAN_H */
