// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_toll_dial.c - dialled strings to E.164 under a UK and a NANP dial
 * plan (real-world forms and malformed ones), numbers from parsed SIP and
 * tel: URIs, the toll class file (the shipped one, then every error with
 * its FILE:LINE:COL), longest-prefix classes, and time windows at their
 * edges.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "sip/sip_uri.h"
#include "toll/dialplan.h"
#include "toll/tollconf.h"

static struct dialplan uk, nanp;

static void prefix(struct dialplan_prefix *p, uint8_t *n, const char *d)
{
	memcpy(p[*n].d, d, strlen(d));
	p[*n].len = (uint8_t)strlen(d);
	(*n)++;
}

static void setup_plans(void)
{
	memset(&uk, 0, sizeof(uk));
	memcpy(uk.cc, "44", 2);
	uk.cc_len = 2;
	prefix(uk.outside, &uk.n_outside, "9");
	prefix(uk.intl, &uk.n_intl, "00");
	prefix(uk.natl, &uk.n_natl, "0");
	uk.short_max = 4;

	memset(&nanp, 0, sizeof(nanp));
	memcpy(nanp.cc, "1", 1);
	nanp.cc_len = 1;
	prefix(nanp.intl, &nanp.n_intl, "011");
	prefix(nanp.natl, &nanp.n_natl, "1");
	nanp.short_max = 4;
	nanp.national_digits = 10;
}

#define E	DIALPLAN_E164
#define S	DIALPLAN_SHORT
#define N	DIALPLAN_NAME
#define X	DIALPLAN_INVALID

static const struct {
	const struct dialplan	*dp;
	const char		*in;
	const char		*ctx;
	enum dialplan_kind	kind;
	const char		*digits;
} norm[] = {
	/* global numbers, as written in every style */
	{ &uk, "+442079460000", "", E, "442079460000" },
	{ &uk, "+44 20 7946 0000", "", E, "442079460000" },
	{ &uk, "+44-20-7946-0000", "", E, "442079460000" },
	{ &uk, "+44.20.7946.0000", "", E, "442079460000" },
	{ &uk, "+1 (212) 555-0100", "", E, "12125550100" },
	/* "(0)" is read as digits: the number is wrong but stays +44 */
	{ &uk, "+44 (0)20 7946 0000", "", E, "4402079460000" },
	{ &uk, "+123456789012345", "", E, "123456789012345" },
	{ &uk, "+1234567890123456", "", X, "" },	/* 16 digits */
	{ &uk, "+0044207946", "", X, "" },		/* cc 0.. */
	{ &uk, "+", "", X, "" },
	{ &uk, "+-", "", X, "" },
	{ &uk, "++44207946", "", X, "" },
	{ &uk, "+44+207946", "", X, "" },
	{ &uk, "+44 20 7946 000A", "", X, "" },		/* hex digit */
	{ &uk, "+4420794600#", "", X, "" },
	{ &uk, "+442079460000", "+1", E, "442079460000" }, /* context ignored */
	/* UK dialling */
	{ &uk, "00442079460000", "", E, "442079460000" },
	{ &uk, "00 1 212 555 0100", "", E, "12125550100" },
	{ &uk, "00870773112345", "", E, "870773112345" },
	{ &uk, "020 7946 0000", "", E, "442079460000" },
	{ &uk, "(020) 7946-0000", "", E, "442079460000" },
	{ &uk, "07700 900123", "", E, "447700900123" },
	{ &uk, "09098 790123", "", E, "449098790123" },
	{ &uk, "9 020 7946 0000", "", E, "442079460000" },
	{ &uk, "9 00 1 212 555 0100", "", E, "12125550100" },
	{ &uk, "900442079460000", "", E, "442079460000" },
	{ &uk, "000442079460000", "", X, "" },		/* +0... */
	{ &uk, "00000000", "", X, "" },
	{ &uk, "00 4420 7946 0000 1234", "", X, "" },	/* 16 digits */
	{ &uk, "79460000", "", X, "" },			/* no area code */
	{ &uk, "020 7946 000x", "", X, "" },
	{ &uk, "*67 00 44 20 7946 0000", "", X, "" },	/* long with '*' */
	/* short: extensions, emergency, feature codes */
	{ &uk, "201", "", S, "201" },
	{ &uk, "2001", "", S, "2001" },
	{ &uk, "0", "", S, "0" },			/* the operator */
	{ &uk, "999", "", S, "999" },
	{ &uk, "112", "", S, "112" },
	{ &uk, "9112", "", S, "9112" },		/* short as dialled */
	{ &uk, "9999", "", S, "9999" },
	{ &uk, "9 0123", "", S, "0123" },		/* outside line + short */
	{ &uk, "9", "", S, "9" },
	{ &uk, "*69", "", S, "*69" },
	{ &uk, "#31#", "", S, "#31#" },
	{ &uk, "0044", "", S, "0044" },			/* short wins: documented */
	/* names and nothing */
	{ &uk, "alice", "", N, "" },
	{ &uk, "john.smith", "", N, "" },
	{ &uk, "voicemail-201", "", N, "" },
	{ &uk, "", "", X, "" },
	{ &uk, "---", "", X, "" },
	{ &uk, "()", "", X, "" },
	{ &uk, "0800abc", "", X, "" },
	{ &uk, "00\x01" "44", "", X, "" },
	/* phone-context (RFC 3966 5.1.5) */
	{ &uk, "7946 0000", "+44-20", E, "442079460000" },
	{ &uk, "020 7946 0000", "+44", E, "442079460000" },
	{ &uk, "00 1 212 555 0100", "+44", E, "12125550100" },
	{ &uk, "201", "+44", S, "201" },
	{ &uk, "0140000000", "+33", E, "330140000000" },	/* foreign */
	{ &uk, "112", "+33", S, "112" },
	{ &uk, "0123456789012", "+33", E, "330123456789012" },
	{ &uk, "01234567890123", "+33", X, "" },	/* 2 + 14 */
	{ &uk, "7042", "example.com", S, "7042" },
	{ &uk, "79460000", "example.com", X, "" },
	{ &uk, "123456", "+4a", X, "" },
	{ &uk, "123456", "+", X, "" },
	{ &uk, "123456", "+1234567890123456", X, "" },
	/* NANP */
	{ &nanp, "1 212 555 0100", "", E, "12125550100" },
	{ &nanp, "1-900-555-0100", "", E, "19005550100" },
	{ &nanp, "(212) 555-0100", "", E, "12125550100" },
	{ &nanp, "011 44 20 7946 0000", "", E, "442079460000" },
	{ &nanp, "011 870 773 112345", "", E, "870773112345" },
	{ &nanp, "1 876 555 0100", "", E, "18765550100" },
	{ &nanp, "1001", "", S, "1001" },
	{ &nanp, "911", "", S, "911" },
	{ &nanp, "555-0100", "", X, "" },		/* 7-digit local */
	{ &nanp, "011", "", S, "011" },
	{ &nanp, "01144", "", E, "44" },		/* no length check per country */
};

static void test_normalise(void)
{
	struct dialplan_number out;
	unsigned int i;
	char long_in[80];

	for (i = 0; i < ARRAY_SIZE(norm); i++) {
		enum dialplan_kind k;

		unit_case("normalise %u: \"%s\" ctx \"%s\"", i, norm[i].in, norm[i].ctx);
		k = dialplan_normalise(norm[i].dp, span_make(norm[i].in, strlen(norm[i].in)),
				       span_make(norm[i].ctx, strlen(norm[i].ctx)), &out);
		CHECK_STR(dialplan_kind_name(k), dialplan_kind_name(norm[i].kind));
		CHECK_INT(out.kind, k);
		CHECK_STR(out.digits, norm[i].digits);
		CHECK_INT(out.len, strlen(norm[i].digits));
	}

	unit_case("normalise: longer than DIALPLAN_INPUT_MAX is invalid");
	memset(long_in, '-', sizeof(long_in));
	memcpy(long_in, "+442079460000", 13);
	CHECK_INT(dialplan_normalise(&uk, span_make(long_in, DIALPLAN_INPUT_MAX), SPAN_NULL,
				     &out), DIALPLAN_E164);
	CHECK_INT(dialplan_normalise(&uk, span_make(long_in, DIALPLAN_INPUT_MAX + 1),
				     SPAN_NULL, &out), DIALPLAN_INVALID);

	unit_case("normalise: reads no byte past the span");
	/* "+44 20 7946 0000" cut after "+44 20": the rest must not count */
	CHECK_INT(dialplan_normalise(&uk, span_make("+44 20 7946 0000", 6), SPAN_NULL,
				     &out), DIALPLAN_E164);
	CHECK_STR(out.digits, "4420");

	unit_case("normalise: no country code, no national numbers");
	{
		struct dialplan bare = uk;

		bare.cc_len = 0;
		CHECK_INT(dialplan_normalise(&bare, SPAN_LIT("020 7946 0000"), SPAN_NULL,
					     &out), DIALPLAN_INVALID);
		CHECK_INT(dialplan_normalise(&bare, SPAN_LIT("00 44 20 7946 0000"),
					     SPAN_NULL, &out), DIALPLAN_E164);
	}

	unit_case("normalise: the longer prefix wins, a tie is international");
	{
		struct dialplan odd = uk;

		odd.n_natl = 0;
		prefix(odd.natl, &odd.n_natl, "001");	/* longer than "00" */
		CHECK_INT(dialplan_normalise(&odd, SPAN_LIT("0012079460000"), SPAN_NULL,
					     &out), DIALPLAN_E164);
		CHECK_STR(out.digits, "442079460000");
		odd.n_natl = 0;
		prefix(odd.natl, &odd.n_natl, "00");
		CHECK_INT(dialplan_normalise(&odd, SPAN_LIT("0012125550100"), SPAN_NULL,
					     &out), DIALPLAN_E164);
		CHECK_STR(out.digits, "12125550100");
	}
}

static const struct {
	const char		*uri;
	enum dialplan_kind	kind;
	const char		*digits;
} uris[] = {
	{ "sip:+442079460000@trunk.example.com;user=phone", E, "442079460000" },
	{ "sip:00442079460000@192.0.2.1", E, "442079460000" },
	{ "sips:020-7946-0000@trunk.example.com", E, "442079460000" },
	{ "sip:%2B442079460000@trunk.example.com", E, "442079460000" },
	{ "sip:020%207946%200000@trunk.example.com", E, "442079460000" },
	{ "sip:79460000;phone-context=+44-20@trunk.example.com;user=phone", E,
	  "442079460000" },
	{ "sip:79460000;phone-context=%2B44-20@trunk.example.com", E, "442079460000" },
	{ "sip:201@pbx.example.com", S, "201" },
	{ "sip:9112@pbx.example.com", S, "9112" },
	{ "sip:alice@example.com", N, "" },
	{ "sip:example.com", N, "" },
	{ "sip:alice:secret@example.com", N, "" },
	{ "tel:+44-20-7946-0000", E, "442079460000" },
	{ "tel:+44-20-7946-0000;ext=22", E, "442079460000" },
	{ "tel:7946-0000;phone-context=+44-20", E, "442079460000" },
	{ "tel:7042;phone-context=example.com", S, "7042" },
	{ "tel:0140000000;phone-context=+33", E, "330140000000" },
	{ "tel:7946-0000;phone-context=", X, "" },
	{ "mailto:alice@example.com", X, "" },
};

static void test_from_uri(void)
{
	struct dialplan_number out;
	struct sip_uri uri;
	struct sip_diag diag;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(uris); i++) {
		unit_case("from_uri: %s", uris[i].uri);
		memset(&uri, 0, sizeof(uri));
		memset(&diag, 0, sizeof(diag));
		if (!CHECK(sip_uri_parse(span_make(uris[i].uri, strlen(uris[i].uri)),
					 &uri, &diag) == 0))
			continue;
		CHECK_STR(dialplan_kind_name(dialplan_from_uri(&uk, &uri, &out)),
			  dialplan_kind_name(uris[i].kind));
		CHECK_STR(out.digits, uris[i].digits);
	}

	unit_case("from_uri: a malformed escape is invalid");
	memset(&uri, 0, sizeof(uri));
	uri.scheme_id = SIP_URI_SIP;
	uri.user = SPAN_LIT("0044%2");
	CHECK_INT(dialplan_from_uri(&uk, &uri, &out), DIALPLAN_INVALID);
	uri.user = SPAN_LIT("0044%zz");
	CHECK_INT(dialplan_from_uri(&uk, &uri, &out), DIALPLAN_INVALID);

	unit_case("from_uri: a user part too long to unescape is invalid");
	{
		static char big[4 * DIALPLAN_INPUT_MAX + 8];

		memset(big, '1', sizeof(big));
		uri.user = span_make(big, sizeof(big));
		CHECK_INT(dialplan_from_uri(&uk, &uri, &out), DIALPLAN_INVALID);
	}
}

/* ---- the class file ------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	if (!f)
		return NULL;
	buf = malloc(1 << 20);
	*len = buf ? fread(buf, 1, 1 << 20, f) : 0;
	fclose(f);
	return buf;
}

static struct tollconf *parse(const char *text, char *err, size_t errlen)
{
	return tollconf_parse(text, strlen(text), "t", err, errlen);
}

static const char *class_of(const struct tollconf *conf, const char *number)
{
	struct dialplan_number num;

	dialplan_normalise(&conf->dp, span_make(number, strlen(number)), SPAN_NULL,
			   &num);
	return conf->classes[tollconf_classify(conf, &num)].name;
}

static const struct {
	const char	*number;
	const char	*cls;
} shipped_classes[] = {
	{ "+442079460000", "national" },
	{ "020 7946 0000", "national" },
	{ "07700 900123", "national" },
	{ "09098 790123", "premium-rate" },
	{ "+449", "premium-rate" },
	{ "070 1234 5678", "premium-rate" },
	{ "0871 234 5678", "premium-rate" },
	{ "0874 234 5678", "national" },		/* not in the list */
	{ "00 1 212 555 0100", "international" },
	{ "00 1 900 555 0100", "premium-rate" },
	{ "00 49 900 1234567", "premium-rate" },
	{ "00 49 30 1234567", "international" },
	{ "00 33 8 99 12 34 56", "premium-rate" },
	{ "00 33 1 40 00 00 00", "international" },
	{ "00 870 773 112345", "satellite" },
	{ "00 8816 1234 5678", "satellite" },
	{ "00 882 16 1234567", "satellite" },
	{ "00 883 140 1234567", "satellite" },
	{ "00 880 1234 5678", "international" },	/* Bangladesh */
	{ "00 979 1234 5678", "premium-rate" },
	{ "+4", "international" },
	{ "201", "internal" },
	{ "112", "emergency" },
	{ "999", "emergency" },
	{ "911", "internal" },				/* not UK */
	{ "alice", "internal" },
	{ "79460000", "unreadable" },
	{ "+44 20 79x6", "unreadable" },
};

static void test_shipped(void)
{
	struct tollconf *conf;
	char err[256];
	size_t len = 0;
	char *text = slurp("rulesets/toll-classes.list", &len);
	unsigned int i;
	int c;

	unit_case("shipped: rulesets/toll-classes.list parses");
	if (!CHECK(text))
		return;
	conf = tollconf_parse(text, len, "rulesets/toll-classes.list", err, sizeof(err));
	if (!CHECK_MSG(conf, "%s", err)) {
		free(text);
		return;
	}
	CHECK_INT(conf->n_classes, 7);
	CHECK_INT(conf->dp.n_intl, 1);
	CHECK_INT(conf->dp.short_max, 4);

	for (i = 0; i < ARRAY_SIZE(shipped_classes); i++) {
		unit_case("shipped: %s is %s", shipped_classes[i].number,
			  shipped_classes[i].cls);
		CHECK_STR(class_of(conf, shipped_classes[i].number), shipped_classes[i].cls);
	}

	unit_case("shipped: the limits as written");
	c = tollconf_class_find(conf, SPAN_LIT("international"));
	if (CHECK(c >= 0)) {
		CHECK_INT(conf->classes[c].per_hour, 10);
		CHECK_INT(conf->classes[c].concurrent, 2);
		CHECK_INT(conf->classes[c].duration, 7200);
		CHECK_INT(conf->classes[c].cooldown, 3600);
		CHECK(conf->classes[c].guarded);
		CHECK_INT(conf->classes[c].n_windows, 1);
	}
	c = tollconf_class_find(conf, SPAN_LIT("emergency"));
	if (CHECK(c >= 0))
		CHECK_INT(conf->classes[c].flags, TOLLCONF_EXEMPT);
	c = tollconf_class_find(conf, SPAN_LIT("internal"));
	if (CHECK(c >= 0))
		CHECK_INT(conf->classes[c].flags, TOLLCONF_INTERNAL);
	c = tollconf_class_find(conf, SPAN_LIT("unreadable"));
	if (CHECK(c >= 0)) {
		CHECK_INT(conf->classes[c].per_hour, 0);
		CHECK_INT(conf->classes[c].cooldown, 0);
	}
	CHECK_INT(tollconf_class_find(conf, SPAN_LIT("nope")), -1);
	tollconf_free(conf);
	free(text);
}

#define BASE	"country-code 44\nclass all + short name invalid\n"

static const struct {
	const char	*text;
	const char	*err;	/* NULL: parses */
} files[] = {
	{ BASE, NULL },
	{ "country-code 44\r\nclass all +\tshort name invalid # all\r\n", NULL },
	{ "  # only comments\n\n" BASE "limit all per-hour 3\n", NULL },
	{ "", "t:1:1: no country-code" },
	{ "country-code 44\n", "t:2:1: no class for every other number ('class NAME +')" },
	{ "country-code 44\nclass a +\n", "t:3:1: no class for short numbers ('short')" },
	{ "country-code 44\nclass a + short\n", "t:3:1: no class for names ('name')" },
	{ "country-code 44\nclass a + short name", "t:2:21: no class for invalid numbers "
	  "('invalid')" },
	{ BASE "bogus 1\n", "t:3:1: unknown statement 'bogus'" },
	{ "country-code 044\n", "t:1:14: '044' is not a country code (1 to 3 digits, "
	  "not starting with 0)" },
	{ "country-code 4444\n", "t:1:14: '4444' is not a country code (1 to 3 digits, "
	  "not starting with 0)" },
	{ BASE "country-code 1\n", "t:3:1: country-code given twice" },
	{ "country-code\n", "t:1:13: 'country-code' needs 1 word" },
	{ "country-code 1 2\n", "t:1:16: 'country-code' takes at most 1 word" },
	{ BASE "international-prefix 00 0x\n", "t:3:25: '0x' is not a dial prefix "
	  "(1 to 6 digits)" },
	{ BASE "national-prefix 1234567\n", "t:3:17: '1234567' is not a dial prefix "
	  "(1 to 6 digits)" },
	{ BASE "outside-line 1 2 3 4\noutside-line 5\n", "t:4:14: more than 4 prefixes "
	  "of this kind" },
	{ BASE "short-max 16\n", "t:3:11: '16' is not a number from 0 to 15" },
	{ BASE "class Bad +1\n", "t:3:7: 'Bad' is not a class name (a letter, then "
	  "letters, digits, '-' or '_'; at most 31)" },
	{ BASE "class a +1x\n", "t:3:9: '+1x' is no number pattern (+DIGITS, +, home, "
	  "=CODE, short, name or invalid)" },
	{ BASE "class a +1234567890123456\n", "t:3:9: '+1234567890123456' is no number "
	  "pattern (+DIGITS, +, home, =CODE, short, name or invalid)" },
	{ BASE "class a +1 +1\n", "t:3:12: +1 is in class 'a' already" },
	{ BASE "class a +\n", "t:3:9: + is in class 'all' already" },
	{ BASE "class a short\n", "t:3:9: 'short' numbers are in class 'all' already" },
	{ BASE "class a =112 =112\n", "t:3:14: '=112' is in class 'a' already" },
	{ BASE "class a =11x\n", "t:3:9: '=11x' is not a short code (=, then 1 to 7 "
	  "digits or '*')" },
	{ BASE "class a =\n", "t:3:9: '=' is not a short code (=, then 1 to 7 digits "
	  "or '*')" },
	{ "class a home\n", "t:1:9: 'home' before country-code" },
	{ BASE "limit b per-hour 1\n", "t:3:7: no class 'b' (declare it with 'class' "
	  "first)" },
	{ BASE "limit all per-hour\n", "t:3:19: 'limit' needs at least 3 words" },
	{ BASE "limit all per-hour 1 concurrent\n", "t:3:32: 'concurrent' needs a value" },
	{ BASE "limit all per-hour 100001\n", "t:3:20: '100001' is not a number from 0 "
	  "to 100000" },
	{ BASE "limit all per-hour -1\n", "t:3:20: '-1' is not a number from 0 to 100000" },
	{ BASE "limit all speed 1\n", "t:3:11: unknown limit 'speed' (per-hour, "
	  "concurrent, duration, cooldown)" },
	{ BASE "limit all per-hour 1\nlimit all per-hour 2\n", "t:4:11: per-hour of "
	  "class 'all' given twice" },
	{ BASE "limit all duration 0\n", "t:3:20: a duration of 0 ends every call" },
	{ BASE "limit all duration 1w\n", "t:3:20: '1w' is not a duration (N, Ns, Nm, "
	  "Nh or Nd, at most 366d)" },
	{ BASE "limit all cooldown 367d\n", "t:3:20: '367d' is not a duration (N, Ns, "
	  "Nm, Nh or Nd, at most 366d)" },
	{ BASE "limit all cooldown h\n", "t:3:20: 'h' is not a duration (N, Ns, Nm, Nh "
	  "or Nd, at most 366d)" },
	{ BASE "window all mon-fry 08:00-19:00\n", "t:3:12: 'mon-fry' are not days "
	  "(mon..sun, ranges like mon-fri, joined by ',', or daily)" },
	{ BASE "window all mon, 08:00-19:00\n", "t:3:12: 'mon,' are not days (mon..sun, "
	  "ranges like mon-fri, joined by ',', or daily)" },
	{ BASE "window all mon 08:00-19:60\n", "t:3:16: '08:00-19:60' is not a time "
	  "range (HH:MM-HH:MM, 24:00 as an end)" },
	{ BASE "window all mon 24:00-08:00\n", "t:3:16: '24:00-08:00' is not a time "
	  "range (HH:MM-HH:MM, 24:00 as an end)" },
	{ BASE "window all mon 8:00-19:00\n", "t:3:16: '8:00-19:00' is not a time "
	  "range (HH:MM-HH:MM, 24:00 as an end)" },
	{ BASE "window all mon 08:00-08:00\n", "t:3:16: '08:00-08:00' is an empty "
	  "window" },
	{ BASE "window all mon 08:00-19:00 x\n", "t:3:28: 'window' takes at most 3 "
	  "words" },
	{ BASE "limit all per-hour 1\nexempt all\n", "t:4:8: class 'all' has limits "
	  "or windows: it cannot be exempt" },
	{ BASE "exempt all\ninternal all\n", "t:4:10: class 'all' cannot be both "
	  "exempt and internal" },
	{ BASE "internal all\nlimit all per-hour 1\n", "t:4:7: class 'all' is "
	  "internal: it has no limits or windows" },
	{ BASE "exempt all\nwindow all daily 00:00-24:00\n", "t:4:8: class 'all' is "
	  "exempt: it has no limits or windows" },
	{ BASE "class a\x01 +1\n", "t:3:8: unexpected byte 0x01" },
	{ BASE "class a\xc3\xa9 +1\n", "t:3:8: unexpected byte 0xc3" },
};

static void test_files(void)
{
	char err[256];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		struct tollconf *conf;

		unit_case("file %u: %s", i, files[i].err ? files[i].err : "parses");
		conf = parse(files[i].text, err, sizeof(err));
		if (files[i].err) {
			CHECK(!conf);
			CHECK_STR(err, files[i].err);
		} else {
			CHECK_MSG(conf, "%s", err);
		}
		tollconf_free(conf);
	}

	unit_case("file: a line too long");
	{
		char *big = malloc(TOLLCONF_LINE_MAX + 64);

		if (CHECK(big)) {
			memset(big, ' ', TOLLCONF_LINE_MAX + 63);
			big[TOLLCONF_LINE_MAX + 63] = '\0';
			CHECK(!parse(big, err, sizeof(err)));
			CHECK_STR(err, "t:1:4097: line longer than 4096 bytes");
		}
		free(big);
	}

	unit_case("file: more than 32 classes");
	{
		char text[2048];
		int n = snprintf(text, sizeof(text), BASE), c;

		for (c = 0; c < TOLLCONF_CLASS_MAX; c++)
			n += snprintf(text + n, sizeof(text) - (size_t)n, "class c%d\n", c);
		CHECK(!parse(text, err, sizeof(err)));
		CHECK_STR(err, "t:34:7: more than 32 classes");
	}

	unit_case("file: nothing is read past len");
	{
		const char text[] = BASE "bogus\n";
		struct tollconf *conf = tollconf_parse(text, strlen(BASE), "t", err,
						       sizeof(err));

		CHECK_MSG(conf, "%s", err);
		tollconf_free(conf);
	}
}

static const struct {
	const char	*number;
	const char	*cls;
} lpm[] = {
	{ "+1", "all" }, { "+44", "uk" }, { "+441", "uk" }, { "+449", "prem" },
	{ "+4490", "prem" }, { "+44909", "prem-low" }, { "+449091", "prem-low" },
	{ "+44908", "prem" }, { "+4", "all" }, { "+870", "sat" },
	{ "+87", "all" }, { "+8701", "sat" }, { "+123456789012345", "deep" },
	{ "+12345678901234", "all" }, { "=12", "c12" }, { "=123", "c123" },
	{ "=1234", "short" }, { "=*69", "star" }, { "=69", "short" },
};

static void test_classify(void)
{
	static const char text[] =
		"country-code 44\n"
		"class all + invalid\n"
		"class short short name\n"
		"class uk +44\n"
		"class prem +449\n"
		"class prem-low +44909\n"
		"class sat +870\n"
		"class deep +123456789012345\n"
		"class c12 =12\n"
		"class c123 =123\n"
		"class star =*69\n"
		"short-max 4\n";
	struct tollconf *conf;
	struct dialplan_number num;
	char err[256];
	unsigned int i;

	unit_case("classify: the table parses");
	conf = parse(text, err, sizeof(err));
	if (!CHECK_MSG(conf, "%s", err))
		return;
	for (i = 0; i < ARRAY_SIZE(lpm); i++) {
		const char *n = lpm[i].number;

		unit_case("classify: %s is %s", n, lpm[i].cls);
		memset(&num, 0, sizeof(num));
		num.kind = n[0] == '+' ? DIALPLAN_E164 : DIALPLAN_SHORT;
		num.len = (uint8_t)(strlen(n) - 1);
		memcpy(num.digits, n + 1, num.len);
		CHECK_STR(conf->classes[tollconf_classify(conf, &num)].name, lpm[i].cls);
	}
	unit_case("classify: names and invalid numbers");
	num.kind = DIALPLAN_NAME;
	CHECK_STR(conf->classes[tollconf_classify(conf, &num)].name, "short");
	num.kind = DIALPLAN_INVALID;
	CHECK_STR(conf->classes[tollconf_classify(conf, &num)].name, "all");
	tollconf_free(conf);
}

/* minutes since Monday 00:00 */
#define WM(day, h, m)	((uint32_t)((day) * 1440 + (h) * 60 + (m)))
enum { MON, TUE, WED, THU, FRI, SAT, SUN };

static const struct {
	const char	*window;
	uint32_t	at;
	bool		open;
} windows[] = {
	{ "mon-fri 08:00-19:00", WM(MON, 7, 59), false },
	{ "mon-fri 08:00-19:00", WM(MON, 8, 0), true },
	{ "mon-fri 08:00-19:00", WM(FRI, 18, 59), true },
	{ "mon-fri 08:00-19:00", WM(FRI, 19, 0), false },
	{ "mon-fri 08:00-19:00", WM(SAT, 10, 0), false },
	{ "mon-fri 08:00-19:00", WM(SUN, 12, 0), false },
	{ "sat,sun 10:00-12:00", WM(SAT, 11, 0), true },
	{ "sat,sun 10:00-12:00", WM(SUN, 10, 0), true },
	{ "sat,sun 10:00-12:00", WM(MON, 11, 0), false },
	{ "mon,wed-thu 00:00-24:00", WM(MON, 23, 59), true },
	{ "mon,wed-thu 00:00-24:00", WM(TUE, 0, 0), false },
	{ "mon,wed-thu 00:00-24:00", WM(WED, 0, 0), true },
	{ "mon,wed-thu 00:00-24:00", WM(THU, 23, 59), true },
	{ "mon,wed-thu 00:00-24:00", WM(FRI, 0, 0), false },
	/* past midnight, and past the end of the week */
	{ "fri-mon 22:00-06:00", WM(FRI, 21, 59), false },
	{ "fri-mon 22:00-06:00", WM(FRI, 22, 0), true },
	{ "fri-mon 22:00-06:00", WM(SAT, 5, 59), true },
	{ "fri-mon 22:00-06:00", WM(SAT, 6, 0), false },
	{ "fri-mon 22:00-06:00", WM(SUN, 23, 0), true },
	{ "fri-mon 22:00-06:00", WM(MON, 5, 59), true },
	{ "fri-mon 22:00-06:00", WM(MON, 6, 0), false },
	{ "fri-mon 22:00-06:00", WM(TUE, 5, 0), true },	/* Monday night */
	{ "fri-mon 22:00-06:00", WM(WED, 5, 0), false },
	{ "fri-mon 22:00-06:00", WM(FRI, 5, 0), false },
	{ "daily 00:00-24:00", WM(SUN, 23, 59), true },
	{ "daily 23:00-01:00", WM(MON, 0, 30), true },	/* Sunday night */
	{ "daily 23:00-01:00", WM(MON, 1, 0), false },
};

static void test_windows(void)
{
	char text[256], err[256];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(windows); i++) {
		struct tollconf *conf;

		unit_case("window %s at %u: %s", windows[i].window, windows[i].at,
			  windows[i].open ? "open" : "closed");
		snprintf(text, sizeof(text), BASE "window all %s\n", windows[i].window);
		conf = parse(text, err, sizeof(err));
		if (!CHECK_MSG(conf, "%s", err))
			continue;
		CHECK_INT(tollconf_window_open(&conf->classes[0], windows[i].at),
			  windows[i].open);
		tollconf_free(conf);
	}

	unit_case("window: two lines are a union; none is always open");
	{
		struct tollconf *conf = parse(BASE "window all mon 08:00-09:00\n"
					      "window all tue 10:00-11:00\n", err,
					      sizeof(err));

		if (CHECK_MSG(conf, "%s", err)) {
			CHECK(tollconf_window_open(&conf->classes[0], WM(MON, 8, 30)));
			CHECK(tollconf_window_open(&conf->classes[0], WM(TUE, 10, 30)));
			CHECK(!tollconf_window_open(&conf->classes[0], WM(TUE, 8, 30)));
			conf->classes[0].n_windows = 0;
			CHECK(tollconf_window_open(&conf->classes[0], WM(SUN, 3, 0)));
		}
		tollconf_free(conf);
	}
}

int main(void)
{
	setup_plans();
	test_normalise();
	test_from_uri();
	test_shipped();
	test_files();
	test_classify();
	test_windows();
	return unit_summary("toll_dial");
}
