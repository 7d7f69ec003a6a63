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
 * comment ("t.conf:9").  In the inet chains a rule is one line per zone
 * pair it applies to (its ports as one set), in the pair's chain, plus
 * one per pinhole set of the pair's families for media (2 per family);
 * pairs whose families differ have no chain.  VLAN zones are in the
 * bridge chain only, each VLAN a side of its own, a line only with a VLAN
 * on one side, never for two different VLANs; media there is no line and
 * a warning (@warns).
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
		  "\tchain zp_v4.v4 {\n"
		  "\t\t# v4 -> v4: the rules of this pair in file order, then the policy\n"
		  "\t\t# t.conf:9: allow v4 -> v4\n"
		  "\t\ttcp dport 443 counter accept comment \"t.conf:9\"\n"
		  "\t\tcounter drop comment \"t.conf: policy drop (default)\"\n"
		  "\t}\n", false },
		{ "allow v4 -> v6: https", 0, NULL, false },
		{ "allow dual -> dual: https", 1,
		  "oifname . ip6 daddr vmap { \"e6\" . fd00:6::/64 : goto zp_dual.v6, \"ed\" . fd00::/64 : goto zp_dual.dual }", false },
		{ "allow v4 -> ifo: https", 1, NULL, false },
		{ "allow ifo -> dual: https", 1, NULL, false },
		{ "allow v4 -> ifo: dns", 1,
		  "\t\tmeta l4proto . th dport { udp . 53, tcp . 53 } counter accept comment \"t.conf:9\"\n", false },
		{ "allow v4 -> ifo: sip, sip-tls", 1,
		  "\t\tmeta l4proto . th dport { udp . 5060, tcp . 5060-5061 } counter accept comment \"t.conf:9\"\n", false },
		{ "allow v4 -> ifo: tftp, ntp", 1,
		  "\t\tudp dport { 69, 123 } counter accept comment \"t.conf:9\"\n", false },
		{ "allow v4 -> ifo: rtp", 2, "@pinhole4_peer counter accept", false },
		{ "allow ifo -> ifo2: rtp", 4, "@pinhole6 counter accept", false },
		{ "allow v6 -> sub: rtp", 0, NULL, false },
		{ "deny ifo -> sub", 1,
		  "\t\t# t.conf:9: deny ifo -> sub\n"
		  "\t\tcounter drop comment \"t.conf:9\"\n", false },
		{ "deny ifo -> any", 9,
		  "oifname vmap { \"ei\" : goto zp_ifo.ifo, \"ej\" : goto zp_ifo.ifo2 }", false },
		{ "allow any -> ifo: sip", 12, NULL, false },
		{ "allow any -> ifo: tftp, ntp", 12, NULL, false },
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
		{ "allow any -> ifo: rtp", 18, NULL, true },
		{ "deny br -> ifo: rtp", 0, NULL, false },
		{ "allow sub -> v4: sip-tls", 1,
		  "\t\tip saddr vmap { 192.0.2.0/24 : goto zf_sub } comment \"voipfw: source zone\"\n", false },
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
	CHECK(script && strstr(script, "}\n"
			       "flush chain inet voipfw zones_forward\n"
			       "flush chain inet voipfw zones_qos\n"
			       "flush chain inet voipfw zf_a\n"
			       "flush chain inet voipfw zp_a.a\n"
			       "table inet voipfw {\n"));
	CHECK(script && strstr(script, "\tchain zf_a {\n\t}\n"
			       "\tchain zp_a.a {\n\t}\n}\n"));
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

/*
 * The tree under zones_forward: chains only for pairs with rules or a
 * policy that is not accept, every compiled zone in the maps (accept
 * when it has no chain), a zone of subnets alone found before a zone of
 * interfaces (a packet in both is in the subnets' zone), and ports of
 * several services merged into one interval set.
 */
static void test_tree(void)
{
	static const struct {
		const char	*text;
		const char	*has[4];
		const char	*hasnt;
	} rows[] = {
		{ "zone a { interface a }\nzone b { interface b }\n"
		  "allow a -> b: sip\npolicy accept\n",
		  { "\t\tiifname vmap { \"a\" : goto zf_a, \"b\" : accept } comment \"voipfw: source zone\"\n",
		    "\t\toifname vmap { \"a\" : accept, \"b\" : goto zp_a.b } comment \"voipfw: destination zone\"\n",
		    "\t\tcounter accept comment \"t.conf:4\"\n" },
		  "zf_b" },
		{ "zone wan { interface eth1 }\nzone trunk { subnet 192.0.2.0/24 }\n"
		  "deny wan -> any\nallow trunk -> any: sip\n",
		  { "\t\tip saddr vmap { 192.0.2.0/24 : goto zf_trunk } comment \"voipfw: source zone\"\n"
		    "\t\tiifname vmap { \"eth1\" : goto zf_wan } comment \"voipfw: source zone\"\n",
		    "\t\tip daddr vmap { 192.0.2.0/24 : goto zp_wan.trunk } comment \"voipfw: destination zone\"\n"
		    "\t\toifname vmap { \"eth1\" : goto zp_wan.wan } comment \"voipfw: destination zone\"\n",
		    "\tchain zp_trunk.wan {\n"
		    "\t\t# trunk -> wan: the rules of this pair in file order, then the policy\n"
		    "\t\t# t.conf:4: allow trunk -> any\n" },
		  NULL },
		{ "zone a { interface a }\nservice x { udp 5000-5070, udp 6000; tcp 1 }\n"
		  "service y { udp 5060-5080, udp 6001 }\nallow a -> a: x, y, sip\n",
		  { "\t\tmeta l4proto . th dport { udp . 5000-5080, udp . 6000-6001, tcp . 1, tcp . 5060 } counter accept comment \"t.conf:4\"\n" },
		  NULL },
	};
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		struct policy_error err;
		struct policy *pol;
		char *script;

		unit_case("tree %u", i);
		pol = policy_parse(rows[i].text, strlen(rows[i].text), "t.conf",
				   &err);
		if (!CHECK_MSG(pol, "%s", err.text))
			continue;
		script = policy_nft_compile(pol, NULL);
		if (CHECK(script)) {
			for (j = 0; j < ARRAY_SIZE(rows[i].has) && rows[i].has[j];
			     j++)
				CHECK_MSG(strstr(script, rows[i].has[j]),
					  "no \"%s\" in:\n%s", rows[i].has[j],
					  script);
			if (rows[i].hasnt)
				CHECK_MSG(!strstr(script, rows[i].hasnt),
					  "\"%s\" in:\n%s", rows[i].hasnt,
					  script);
			CHECK(policy_nft_script_has_chain(script, "zf_a") ==
			      (i != 1));
			CHECK(!policy_nft_script_has_chain(script, "zf_"));
		}
		free(script);
		policy_free(pol);
	}
	unit_case("chain names");
	CHECK(policy_nft_chain_is_policy("zf_a"));
	CHECK(policy_nft_chain_is_policy("zp_a.b"));
	CHECK(!policy_nft_chain_is_policy("zones_forward"));
	CHECK(!policy_nft_chain_is_policy("media"));
}

/*
 * `signalling tls-only`: in the zone's zf_ chain, ahead of the
 * destination, TLS to anything but the servers (per family; a family
 * without servers gets none) and the sip service's ports are dropped,
 * each with the setting's line; the zone has a zf_ chain even when no
 * rule and no drop policy would give it one.
 */
static void test_tls_only(void)
{
	static const struct {
		const char	*text;
		const char	*has[4];
		const char	*hasnt;
		const char	*warn;
	} rows[] = {
		{ "zone a { interface a; sip { signalling tls-only } }\n"
		  "zone b { interface b }\npolicy accept\n",
		  { "\t\tiifname vmap { \"a\" : goto zf_a, \"b\" : accept } comment \"voipfw: source zone\"\n",
		    "\tchain zf_a {\n"
		    "\t\t# t.conf:1: signalling tls-only: SIP over TLS where the rules allow, plaintext SIP never\n"
		    "\t\tmeta l4proto . th dport { udp . 5060, tcp . 5060 } counter drop comment \"t.conf:1\"\n"
		    "\t\t# from a: the destination zone, once\n"
		    "\t\toifname vmap { \"a\" : accept, \"b\" : accept } comment \"voipfw: destination zone\"\n" },
		  "5061 counter drop", NULL },
		{ "zone a { interface a\n"
		  "  sip { signalling tls-only servers 192.0.2.1 192.0.2.2 } }\n"
		  "service sip { udp 5060-5062 }\n",
		  { "\t\tip daddr != { 192.0.2.1, 192.0.2.2 } tcp dport 5061 counter drop comment \"t.conf:2\"\n"
		    "\t\tmeta nfproto ipv6 tcp dport 5061 counter drop comment \"t.conf:2\"\n"
		    "\t\tudp dport 5060-5062 counter drop comment \"t.conf:2\"\n" },
		  NULL, NULL },
		{ "zone a { subnet 10.0.0.0/24\n"
		  "  sip { signalling tls-only servers fd00::5 } }\n"
		  "allow a -> any: sip, sip-tls\n",
		  { "\t\tmeta nfproto ipv4 tcp dport 5061 counter drop comment \"t.conf:2\"\n" },
		  "ip6 daddr != fd00::5",
		  "t.conf:3:17: warning: sip: zone 'a' is signalling tls-only (line 2): its plaintext SIP is dropped ahead of this rule\n" },
		{ "zone a { vlan 20 on br0; sip { signalling tls-only } }\n",
		  { "" }, "chain zf_a",
		  "t.conf:1:32: warning: signalling tls-only: enforced on routed traffic only, not on zone 'a''s bridged VLANs\n" },
	};
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		struct policy_error err;
		struct policy *pol;
		char *script, *warn = NULL;

		unit_case("tls-only %u", i);
		pol = policy_parse(rows[i].text, strlen(rows[i].text), "t.conf",
				   &err);
		if (!CHECK_MSG(pol, "%s", err.text))
			continue;
		script = policy_nft_compile(pol, &warn);
		if (CHECK(script)) {
			for (j = 0; j < ARRAY_SIZE(rows[i].has) && rows[i].has[j];
			     j++)
				CHECK_MSG(strstr(script, rows[i].has[j]),
					  "no \"%s\" in:\n%s", rows[i].has[j],
					  script);
			if (rows[i].hasnt)
				CHECK_MSG(!strstr(script, rows[i].hasnt),
					  "\"%s\" in:\n%s", rows[i].hasnt,
					  script);
		}
		CHECK_STR(warn, rows[i].warn);
		free(warn);
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
	test_tree();
	test_tls_only();
	return unit_summary("policy_nft");
}
