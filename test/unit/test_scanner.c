// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_scanner.c - scanner fingerprints: the shipped list parses and
 * catches the tools' real User-Agents and not common phones and PBXes;
 * case, anchoring, first match in file order, bounds; list file errors
 * with their place.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "detect/scanner.h"

static struct scanner_list shipped;

static int load_shipped(void)
{
	const char *path = getenv("VOIPFW_SCANNERS");
	char buf[65536], err[256];
	size_t n;
	FILE *f;

	if (!path)
		path = "rulesets/scanners.list";
	f = fopen(path, "r");
	unit_case("shipped list %s", path);
	if (!CHECK_MSG(f != NULL, "cannot open %s", path))
		return -1;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	CHECK_MSG(!scanner_list_parse(&shipped, buf, n, path, err, sizeof(err)),
		  "%s", err);
	CHECK(shipped.n >= 10);
	return 0;
}

static const struct {
	const char	*ua;
	bool		scanner;
} uas[] = {
	{ "friendly-scanner", true },
	{ "Friendly-Scanner", true },
	{ "sipvicious", true },
	{ "SIPVicious 0.3.4", true },
	{ "sipcli/v1.8", true },
	{ "sundayddr", true },
	{ "VaxSIPUserAgent/3.1", true },
	{ "VaxSIPUserAgent/3.5", true },
	{ "smap 0.6.0", true },
	{ "iWar", true },
	{ "pplsip", true },
	{ "sipsmap", false },			/* ^smap: anchored */
	{ "Asterisk PBX 18.16.0", false },
	{ "FreeSWITCH-mod_sofia/1.10.9", false },
	{ "Yealink SIP-T46S 66.86.0.15", false },
	{ "PolycomVVX-VVX_450-UA/6.4.3.5018", false },
	{ "Grandstream GXP2170 1.0.11.16", false },
	{ "Cisco-SIPGateway/IOS-15.x", false },
	{ "Linphone/5.0.0 (belle-sip/5.0.0)", false },
	{ "sipp", false },
	{ "", false },
};

static void test_shipped(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(uas); i++) {
		int m = scanner_match(&shipped, uas[i].ua, strlen(uas[i].ua));

		unit_case("shipped: '%s'", uas[i].ua);
		CHECK_MSG((m >= 0) == uas[i].scanner, "match %d", m);
	}
}

static void test_rules(void)
{
	struct scanner_list sl;
	char err[256];
	const char *list = "zeta\n^Alpha\nbeta # a comment\n  \t\n# only\r\n gamma\t\r\n";
	char ua[8] = "abcbeta";

	unit_case("rules: parse");
	CHECK(!scanner_list_parse(&sl, list, strlen(list), "l", err, sizeof(err)));
	CHECK_INT(sl.n, 4);
	CHECK_STR(sl.pat[1].text, "alpha");
	CHECK(sl.pat[1].anchored);
	CHECK_INT(sl.pat[3].line, 6);
	CHECK_STR(sl.pat[3].text, "gamma");

	unit_case("rules: matching");
	CHECK_INT(scanner_match(&sl, "ALPHA-1", 7), 1);
	CHECK_INT(scanner_match(&sl, "x alpha", 7), -1);
	CHECK_INT(scanner_match(&sl, "alphabeta", 9), 1);	/* both: 1 first */
	CHECK_INT(scanner_match(&sl, "alphazeta", 9), 0);	/* zeta is line 1 */
	CHECK_INT(scanner_match(&sl, "betazeta", 8), 0);
	CHECK_INT(scanner_match(&sl, "GAMMA", 5), 3);
	CHECK_INT(scanner_match(&sl, "gamm", 4), -1);
	/* the span's end is the end: "beta" cut short is not a match */
	CHECK_INT(scanner_match(&sl, ua, 6), -1);
	CHECK_INT(scanner_match(&sl, ua, 7), 2);
}

static const struct {
	const char	*text;
	size_t		len;	/* 0: strlen */
	const char	*err;
} bad[] = {
	{ "ok\n^\n", 0, "l:2:1: '^' without a pattern" },
	{ "ok\nb\x01" "d\n", 0, "l:2:2: byte 0x01 in a pattern (printable ASCII only)" },
	{ "a\0b", 3, "l:1:2: byte 0x00 in a pattern (printable ASCII only)" },
	{ "x\n0123456789012345678901234567890123456789012345678901234567890123\n", 0,
	  "l:2:1: pattern longer than 63 bytes" },
	{ "caf\xc3\xa9\n", 0, "l:1:4: byte 0xc3 in a pattern (printable ASCII only)" },
};

static void test_errors(void)
{
	struct scanner_list sl;
	char err[256], many[300 * 3];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		unit_case("error %u", i);
		CHECK_INT(scanner_list_parse(&sl, bad[i].text,
					     bad[i].len ? bad[i].len : strlen(bad[i].text),
					     "l", err, sizeof(err)), -1);
		CHECK_STR(err, bad[i].err);
		CHECK_INT(sl.n, 0);
	}
	unit_case("error: too many patterns");
	for (i = 0; i < 257; i++)
		memcpy(many + 3 * i, "ab\n", 3);
	CHECK_INT(scanner_list_parse(&sl, many, 3 * 257, "l", err, sizeof(err)), -1);
	CHECK_STR(err, "l:257:1: more than 256 patterns");
	CHECK_INT(scanner_list_parse(&sl, many, 3 * 256, "l", err, sizeof(err)), 0);
	CHECK_INT(sl.n, 256);
}

int main(void)
{
	if (!load_shipped())
		test_shipped();
	test_rules();
	test_errors();
	return unit_summary("scanner");
}
