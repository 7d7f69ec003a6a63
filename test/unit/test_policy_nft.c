// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_policy_nft.c - the policy compiler's pure parts: DSCP and tc
 * priority as nft writes them, and how many lines of which shape a rule
 * compiles to (families, `any`, overlapping zones, VLAN zones in the
 * bridge chain).
 * The whole scripts are golden-tested by test/policy.sh and applied to
 * the kernel by test/net/policy.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "policy/policy.h"
#include "policy/policy_nft.h"

static void test_dscp(void)
{
	static const struct {
		uint8_t		dscp;
		const char	*want;
	} rows[] = {
		{ 0, "cs0" }, { 8, "cs1" }, { 10, "af11" }, { 24, "cs3" },
		{ 34, "af41" }, { 38, "af43" }, { 46, "ef" }, { 56, "cs7" },
		{ 1, "1" }, { 44, "44" }, { 63, "63" },
	};
	unsigned int i;
	char buf[8];

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		unit_case("dscp %u", rows[i].dscp);
		policy_nft_dscp_format(rows[i].dscp, buf, sizeof(buf));
		CHECK_STR(buf, rows[i].want);
	}
}

static void test_priority(void)
{
	static const struct {
		uint32_t	prio;
		const char	*want;
	} rows[] = {
		{ 0, "none" }, { 0x10006, "1:6" }, { 0x10010, "1:10" },
		{ 0xffffffff, "ffff:ffff" }, { 0xa0001, "a:1" },
	};
	unsigned int i;
	char buf[16];

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		unit_case("priority 0x%x", rows[i].prio);
		policy_nft_priority_format(rows[i].prio, buf, sizeof(buf));
		CHECK_STR(buf, rows[i].want);
	}
}

/* Lines of @script that contain @needle. */
static unsigned int count(const char *script, const char *needle)
{
	unsigned int n = 0;
	const char *p = script;

	while ((p = strstr(p, needle))) {
		n++;
		p += strlen(needle);
	}
	return n;
}

static const char zones[] =
	"zone v4   { interface e4; subnet 10.0.4.0/24 }\n"
	"zone v6   { interface e6; subnet fd00:6::/64 }\n"
	"zone dual { interface ed; subnet 10.0.0.0/24 fd00::/64 }\n"
	"zone ifo  { interface ei }\n"
	"zone ifo2 { interface ej }\n"
	"zone sub  { subnet 192.0.2.0/24 }\n"
	"zone br   { vlan 20 on br0; subnet 198.51.100.0/24 }\n"
	"zone br2  { vlan 30 on br0; vlan 20 on br1 }\n";

/*
 * Each row: one rule after @zones, and how many lines carry the rule's
 * comment ("t.conf:9").  Families must agree on both sides; a media
 * service is one line per pinhole set of the pair's family (2 per
 * family); `any` shares one line for interface-only zones and one per
 * family for subnet-only zones.  VLAN zones are in the bridge chain
 * only, each VLAN a side of its own, a line only with a VLAN on one
 * side, never for two different VLANs; media there is no line and a
 * warning (@warns).
 */
static void test_shapes(void)
{
	static const struct {
		const char	*rule;
		unsigned int	lines;
		const char	*has;	/* a line the script must hold */
		bool		warns;
	} rows[] = {
		{ "allow v4 -> v4: https", 1,
		  "iifname \"e4\" ip saddr 10.0.4.0/24 oifname \"e4\" ip daddr 10.0.4.0/24 tcp dport 443 counter accept comment \"t.conf:9\"", false },
		{ "allow v4 -> v6: https", 0, NULL, false },
		{ "allow dual -> dual: https", 2, "ip6 saddr fd00::/64 oifname \"ed\" ip6 daddr fd00::/64", false },
		{ "allow v4 -> ifo: https", 1, NULL, false },
		{ "allow ifo -> dual: https", 2, NULL, false },
		{ "allow v4 -> ifo: dns", 2,
		  "oifname \"ei\" tcp dport 53 counter accept", false },
		{ "allow v4 -> ifo: rtp", 2, "@pinhole4_peer counter accept", false },
		{ "allow ifo -> ifo2: rtp", 4, "@pinhole6 counter accept", false },
		{ "allow v6 -> sub: rtp", 0, NULL, false },
		{ "deny ifo -> sub", 1,
		  "iifname \"ei\" ip daddr 192.0.2.0/24 counter drop comment \"t.conf:9\"", false },
		{ "deny ifo -> any", 9,
		  "iifname \"ei\" oifname { \"ei\", \"ej\" } counter drop", false },
		{ "allow any -> ifo: sip", 18, NULL, false },
		{ "allow any -> ifo: tftp, ntp", 18, NULL, false },
		{ "allow br -> ifo: sip", 2,
		  "meta ibrname \"br0\" oifname \"ei\" vlan id 20 ip saddr 198.51.100.0/24 udp dport 5060 counter accept comment \"t.conf:9\"", false },
		{ "deny ifo -> br", 1,
		  "meta obrname \"br0\" iifname \"ei\" vlan id 20 ip daddr 198.51.100.0/24 counter drop comment \"t.conf:9\"", false },
		{ "allow br -> br: https", 1,
		  "meta ibrname \"br0\" vlan id 20 ip saddr 198.51.100.0/24 ip daddr 198.51.100.0/24 tcp dport 443 counter accept", false },
		{ "allow br -> br2: https", 0,
		  "# never bridged in a VLAN of these zones: nothing", false },
		{ "allow br2 -> br2: https", 2,
		  "meta ibrname \"br1\" vlan id 20 tcp dport 443 counter accept", false },
		{ "allow sub -> br: https", 1,
		  "ip saddr 192.0.2.0/24 ip daddr 198.51.100.0/24 tcp dport 443", false },
		{ "allow br -> v6: https", 0, NULL, false },
		{ "allow br -> ifo: rtp", 0, NULL, true },
		{ "allow any -> ifo: rtp", 14, NULL, true },
		{ "deny br -> ifo: rtp", 0, NULL, false },
		{ "allow sub -> v4: sip-tls", 1,
		  "ip saddr 192.0.2.0/24 oifname \"e4\" ip daddr 10.0.4.0/24 tcp dport 5061", false },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		struct policy_error err;
		struct policy *pol;
		char text[1024], *script, *warn = NULL, *again;

		unit_case("%s", rows[i].rule);
		snprintf(text, sizeof(text), "%s%s\n", zones, rows[i].rule);
		pol = policy_parse(text, strlen(text), "dir/t.conf", &err);
		if (!CHECK_MSG(pol, "%s", err.text))
			continue;
		script = policy_nft_compile(pol, &warn);
		if (CHECK(script)) {
			CHECK_INT(count(script, "comment \"t.conf:9\""),
				  rows[i].lines);
			if (rows[i].has)
				CHECK_MSG(strstr(script, rows[i].has),
					  "no \"%s\" in:\n%s", rows[i].has,
					  script);
			/* deterministic */
			again = policy_nft_compile(pol, NULL);
			CHECK(again && !strcmp(again, script));
			free(again);
		}
		/* media allowed in a bridged VLAN warns, naming where */
		if (rows[i].warns)
			CHECK_MSG(warn && strstr(warn, "dir/t.conf:9:") &&
				  strstr(warn, ": warning: rtp: not allowed in "
					 "bridged VLANs"), "%s", warn);
		else
			CHECK_MSG(!warn, "%s", warn);
		free(warn);
		free(script);
		policy_free(pol);
	}
}

static void test_no_warnings(void)
{
	static const char text[] = "zone a { interface a }\n";
	struct policy_error err;
	struct policy *pol;
	char *script, *warn = (char *)1;

	unit_case("no warnings: NULL");
	pol = policy_parse(text, strlen(text), "t.conf", &err);
	if (!CHECK(pol))
		return;
	script = policy_nft_compile(pol, &warn);
	CHECK(script);
	CHECK(warn == NULL);
	/* re-apply: declared, flushed, then filled, in this order */
	CHECK(script && strstr(script, "flush chain inet voipfw zones_forward\n"
			       "flush chain inet voipfw zones_qos\n"
			       "table inet voipfw {\n"));
	free(script);
	policy_free(pol);
}

/* The file's name lands in quoted comments: no quote, newline or path. */
static void test_file_name(void)
{
	static const struct {
		const char	*file;
		const char	*want;
	} rows[] = {
		{ "/etc/voipfw/voipfw.conf", "comment \"voipfw.conf:1\"" },
		{ "a\"b\n# c.conf", "comment \"a_b___c.conf:1\"" },
		{ "x/" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "comment \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:1\"" },
	};
	static const char text[] = "allow any -> any: sip\nzone a { interface a }\n";
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		struct policy_error err;
		struct policy *pol;
		char *script;

		unit_case("file name %u", i);
		pol = policy_parse(text, strlen(text), rows[i].file, &err);
		if (!CHECK_MSG(pol, "%s", err.text))
			continue;
		script = policy_nft_compile(pol, NULL);
		CHECK_MSG(script && strstr(script, rows[i].want), "no %s in:\n%s",
			  rows[i].want, script ? script : "(null)");
		CHECK(script && !strchr(script, '\\'));
		free(script);
		policy_free(pol);
	}
}

int main(void)
{
	test_file_name();
	test_dscp();
	test_priority();
	test_shapes();
	test_no_warnings();
	return unit_summary("policy_nft");
}
