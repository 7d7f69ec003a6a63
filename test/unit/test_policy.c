// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_policy.c - voipfw.conf(5) into the policy model: valid files give
 * exactly the model (field by field, with lines and columns), and each
 * error row gives exactly "FILE:LINE:COL: message".
 *
 * Every input is copied into a heap block of exactly its length, with no
 * NUL after it, so a read past the end is caught under ASan.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "policy/policy.h"
#include "sip/sip.h"

static struct policy_error err;

static struct policy *parse(const char *text, size_t len)
{
	char *copy = malloc(len ? len : 1);
	struct policy *pol;

	if (!copy)
		abort();
	memcpy(copy, text, len);
	pol = policy_parse(copy, len, "t.conf", &err);
	free(copy);
	return pol;
}

static struct policy *parse_str(const char *text)
{
	return parse(text, strlen(text));
}

#define CHECK_LOC(l, wl, wc) do {					\
	CHECK_INT((l).line, (wl));					\
	CHECK_INT((l).col, (wc));					\
} while (0)

static const char *subnet_str(const struct policy_subnet *s)
{
	static char buf[64];

	policy_subnet_format(s, buf, sizeof(buf));
	return buf;
}

/*
 * The EXAMPLE of voipfw.conf(5), copied byte for byte (test/cli.sh runs
 * `voipfwctl check` on the one in the man page itself, so the two cannot
 * drift apart unnoticed: if this copy changes, change it there too).
 */
static const char man_example[] =
	"# a small office: phones on VLAN 20, the PBX on VLAN 10, data on VLAN 30\n"
	"zone voice { interface eth0.20; subnet 10.0.20.0/24 }\n"
	"zone pbx   { interface eth0.10; subnet 10.0.10.5 }\n"
	"zone data  { interface eth0.30 }\n"
	"zone wan   { interface eth1 }\n"
	"\n"
	"service provisioning { tcp 443; udp 69 }\n"
	"\n"
	"allow voice -> pbx: sip, sip-tls, rtp\n"
	"allow pbx -> voice: sip, sip-tls, rtp\n"
	"allow voice -> pbx: provisioning, ntp\n"
	"allow pbx -> wan: sip-tls, rtp, dns\n"
	"deny data -> voice\n"
	"allow data -> wan: http, https, dns\n"
	"policy drop\n"
	"\n"
	"qos { rtp dscp ef; sip dscp cs3 }\n";

/* One rule as "allow voice>pbx: sip,sip-tls" with resolved indices checked. */
static void check_rule(const struct policy *pol, unsigned int i,
		       const char *want)
{
	const struct policy_rule *r;
	char got[512];
	size_t n;
	unsigned int s;

	if (!CHECK_MSG(i < pol->n_rules, "rule %u missing", i))
		return;
	r = &pol->rules[i];
	n = (size_t)snprintf(got, sizeof(got), "%s %s>%s",
			     r->action == POLICY_ACCEPT ? "allow" : "deny",
			     r->from.name, r->to.name);
	for (s = 0; s < r->n_services && n < sizeof(got); s++) {
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s",
				      s ? "," : ": ", r->services[s].name);
		CHECK_STR(pol->services[r->services[s].index].name,
			  r->services[s].name);
	}
	CHECK_STR(got, want);
	if (strcmp(r->from.name, "any"))
		CHECK_STR(pol->zones[r->from.index].name, r->from.name);
	else
		CHECK_INT(r->from.index, POLICY_ZONE_ANY);
	if (strcmp(r->to.name, "any"))
		CHECK_STR(pol->zones[r->to.index].name, r->to.name);
	else
		CHECK_INT(r->to.index, POLICY_ZONE_ANY);
}

static void test_example(void)
{
	const struct policy_service *s;
	const struct policy_zone *z;
	struct policy *pol;
	int i;

	unit_case("man page EXAMPLE parses");
	pol = parse(man_example, sizeof(man_example) - 1);
	if (!CHECK_MSG(pol, "%s", err.text))
		return;
	CHECK_STR(pol->file, "t.conf");
	CHECK_INT(pol->n_zones, 4);
	CHECK_INT(pol->n_rules, 6);
	CHECK_INT(pol->n_file_services, 1);
	CHECK_INT(pol->n_services, 13);

	unit_case("EXAMPLE: zones");
	z = &pol->zones[0];
	CHECK_STR(z->name, "voice");
	CHECK_LOC(z->loc, 2, 6);
	CHECK_INT(z->n_ifaces, 1);
	CHECK_STR(z->ifaces[0].name, "eth0.20");
	CHECK_LOC(z->ifaces[0].loc, 2, 24);
	CHECK_INT(z->n_vlans, 0);
	CHECK_INT(z->n_subnets, 1);
	CHECK_INT(z->subnets[0].family, AF_INET);
	CHECK_STR(subnet_str(&z->subnets[0]), "10.0.20.0/24");
	CHECK_LOC(z->subnets[0].loc, 2, 40);
	CHECK_INT(z->sip.strictness, SIP_POLICY_DEFAULT);
	CHECK_INT(z->sip.loc.line, 0);
	z = &pol->zones[1];
	CHECK_STR(z->name, "pbx");
	CHECK_STR(subnet_str(&z->subnets[0]), "10.0.10.5/32");
	CHECK_STR(pol->zones[2].name, "data");
	CHECK_INT(pol->zones[2].n_subnets, 0);
	CHECK_STR(pol->zones[3].ifaces[0].name, "eth1");
	CHECK_INT(policy_zone_find(pol, "wan"), 3);
	CHECK_INT(policy_zone_find(pol, "any"), -1);

	unit_case("EXAMPLE: service provisioning");
	i = policy_service_find(pol, "provisioning");
	if (CHECK_INT(i, 12)) {
		s = &pol->services[i];
		CHECK(!s->builtin);
		CHECK(!s->media);
		CHECK_LOC(s->loc, 7, 9);
		CHECK_INT(s->n_ports, 2);
		CHECK_INT(s->ports[0].proto, IPPROTO_TCP);
		CHECK_INT(s->ports[0].lo, 443);
		CHECK_INT(s->ports[0].hi, 443);
		CHECK_LOC(s->ports[0].loc, 7, 24);
		CHECK_INT(s->ports[1].proto, IPPROTO_UDP);
		CHECK_INT(s->ports[1].lo, 69);
		CHECK_LOC(s->ports[1].loc, 7, 33);
	}

	unit_case("EXAMPLE: rules in file order");
	check_rule(pol, 0, "allow voice>pbx: sip,sip-tls,rtp");
	check_rule(pol, 1, "allow pbx>voice: sip,sip-tls,rtp");
	check_rule(pol, 2, "allow voice>pbx: provisioning,ntp");
	check_rule(pol, 3, "allow pbx>wan: sip-tls,rtp,dns");
	check_rule(pol, 4, "deny data>voice");
	check_rule(pol, 5, "allow data>wan: http,https,dns");
	CHECK_LOC(pol->rules[0].loc, 9, 1);
	CHECK_LOC(pol->rules[0].from.loc, 9, 7);
	CHECK_LOC(pol->rules[0].to.loc, 9, 16);
	CHECK_LOC(pol->rules[0].services[1].loc, 9, 26);
	CHECK_LOC(pol->rules[4].loc, 13, 1);
	CHECK_INT(pol->rules[4].n_services, 0);

	unit_case("EXAMPLE: policy and qos");
	CHECK_INT(pol->policy, POLICY_DROP);
	CHECK_LOC(pol->policy_loc, 15, 1);
	CHECK_LOC(pol->qos.loc, 17, 1);
	CHECK_INT(pol->qos.dscp[POLICY_DSCP_RTP], 46);
	CHECK_LOC(pol->qos.dscp_loc[POLICY_DSCP_RTP], 17, 7);
	CHECK_INT(pol->qos.dscp[POLICY_DSCP_SIP], 24);
	CHECK_LOC(pol->qos.dscp_loc[POLICY_DSCP_SIP], 17, 20);
	CHECK_INT(pol->qos.dscp[POLICY_DSCP_SRTP], 46);
	CHECK_INT(pol->qos.dscp_loc[POLICY_DSCP_SRTP].line, 0);
	CHECK_INT(pol->qos.dscp[POLICY_DSCP_SIP_TLS], 24);
	CHECK_INT(pol->qos.priority, 0);
	policy_free(pol);
}

/* The built-in services, exactly as voipfw.conf(5) lists them. */
static const struct {
	const char	*name;
	const char	*ports;	/* "udp 5060,tcp 5060" or "media" */
} builtins[] = {
	{ "sip",	"udp 5060,tcp 5060" },
	{ "sip-tls",	"tcp 5061" },
	{ "rtp",	"media" },
	{ "tftp",	"udp 69" },
	{ "http",	"tcp 80" },
	{ "https",	"tcp 443" },
	{ "dns",	"udp 53,tcp 53" },
	{ "ntp",	"udp 123" },
	{ "ldap",	"tcp 389" },
	{ "ldaps",	"tcp 636" },
	{ "syslog",	"udp 514" },
	{ "snmp",	"udp 161" },
};

static const char *ports_str(const struct policy_service *s)
{
	static char buf[512];
	size_t n = 0;
	unsigned int i;

	if (s->media)
		return s->n_ports ? "media+ports?" : "media";
	buf[0] = '\0';
	for (i = 0; i < s->n_ports && n < sizeof(buf); i++) {
		const struct policy_ports *p = &s->ports[i];

		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s %u", i ? "," : "",
				      p->proto == IPPROTO_TCP ? "tcp" : "udp", p->lo);
		if (p->hi != p->lo && n < sizeof(buf))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "-%u", p->hi);
	}
	return buf;
}

static void test_builtins(void)
{
	struct policy *pol = parse_str("");
	unsigned int i;

	unit_case("an empty file: no zones, the built-ins, policy drop");
	if (!CHECK_MSG(pol, "%s", err.text))
		return;
	CHECK_INT(pol->n_zones, 0);
	CHECK_INT(pol->n_rules, 0);
	CHECK_INT(pol->n_file_services, 0);
	CHECK_INT(pol->policy, POLICY_DROP);
	CHECK_INT(pol->policy_loc.line, 0);
	CHECK_INT(pol->qos.loc.line, 0);
	CHECK_INT(pol->n_services, ARRAY_SIZE(builtins));
	for (i = 0; i < ARRAY_SIZE(builtins) && i < pol->n_services; i++) {
		unit_case("built-in service %s", builtins[i].name);
		CHECK_STR(pol->services[i].name, builtins[i].name);
		CHECK(pol->services[i].builtin);
		CHECK_INT(pol->services[i].loc.line, 0);
		CHECK_STR(ports_str(&pol->services[i]), builtins[i].ports);
	}
	policy_free(pol);

	unit_case("a file's service replaces the built-in, in its slot");
	pol = parse_str("allow any -> any: sip, rtp\n"
			"service sip { udp 5062-5063 }\n"
			"service rtp { udp 10000-20000 }\n");
	if (!CHECK_MSG(pol, "%s", err.text))
		return;
	CHECK_INT(pol->n_services, ARRAY_SIZE(builtins));
	CHECK_INT(pol->n_file_services, 2);
	CHECK_STR(pol->services[0].name, "sip");
	CHECK(!pol->services[0].builtin);
	CHECK_LOC(pol->services[0].loc, 2, 9);
	CHECK_STR(ports_str(&pol->services[0]), "udp 5062-5063");
	CHECK_STR(ports_str(&pol->services[2]), "udp 10000-20000");
	CHECK_INT(pol->rules[0].services[0].index, 0);
	CHECK_INT(pol->rules[0].services[1].index, 2);
	policy_free(pol);
}

static void test_valid(void)
{
	const struct policy_zone *z;
	struct policy *pol;

	unit_case("VLANs, IPv6, sip strictness, qos in full, any, accept");
	pol = parse_str(
		"# comment\n"
		"zone phones {\n"
		"\tvlan 20 on br0; vlan 4094 on br0\n"
		"\tvlan 1 on br-lan   # trailing comment\n"
		"\tsubnet fd00:20::/64 10.0.20.0/24 2001:db8::1 10.0.0.0/31\n"
		"\tsip { strictness strict }\n"
		"}\n"
		"zone trunk\n"
		"{\n"
		"  interface eth0:1 ppp0 wg0@x a.b-c_d\r\n"
		"  sip {\n"
		"    strictness default\n"
		"  }\n"
		"}\n"
		"allow phones->trunk:sip,rtp;deny any -> any\n"
		"deny trunk -> phones: sip\n"
		"policy accept\n"
		"qos {\n"
		"  rtp dscp 0; srtp dscp af41\n"
		"  sip dscp cs7; sip-tls dscp 63\n"
		"  priority 1:a\n"
		"}\n");
	if (!CHECK_MSG(pol, "%s", err.text))
		return;
	CHECK_INT(pol->n_zones, 2);
	z = &pol->zones[0];
	CHECK_INT(z->n_ifaces, 0);
	CHECK_INT(z->n_vlans, 3);
	CHECK_INT(z->vlans[0].id, 20);
	CHECK_STR(z->vlans[0].bridge, "br0");
	CHECK_LOC(z->vlans[0].loc, 3, 2);
	CHECK_INT(z->vlans[1].id, 4094);
	CHECK_LOC(z->vlans[1].loc, 3, 18);
	CHECK_INT(z->vlans[2].id, 1);
	CHECK_STR(z->vlans[2].bridge, "br-lan");
	CHECK_INT(z->n_subnets, 4);
	CHECK_INT(z->subnets[0].family, AF_INET6);
	CHECK_STR(subnet_str(&z->subnets[0]), "fd00:20::/64");
	CHECK_STR(subnet_str(&z->subnets[1]), "10.0.20.0/24");
	CHECK_STR(subnet_str(&z->subnets[2]), "2001:db8::1/128");
	CHECK_STR(subnet_str(&z->subnets[3]), "10.0.0.0/31");
	CHECK_INT(z->sip.strictness, SIP_POLICY_STRICT);
	CHECK_LOC(z->sip.loc, 6, 2);
	CHECK_LOC(z->sip.strictness_loc, 6, 8);
	z = &pol->zones[1];
	CHECK_LOC(z->loc, 8, 6);
	CHECK_INT(z->n_ifaces, 4);
	CHECK_STR(z->ifaces[0].name, "eth0:1");
	CHECK_STR(z->ifaces[2].name, "wg0@x");
	CHECK_STR(z->ifaces[3].name, "a.b-c_d");
	CHECK_INT(z->sip.strictness, SIP_POLICY_DEFAULT);
	CHECK_LOC(z->sip.strictness_loc, 12, 5);
	CHECK_INT(pol->n_rules, 3);
	check_rule(pol, 0, "allow phones>trunk: sip,rtp");
	check_rule(pol, 1, "deny any>any");
	check_rule(pol, 2, "deny trunk>phones: sip");
	CHECK_LOC(pol->rules[0].to.loc, 15, 15);
	CHECK_LOC(pol->rules[1].loc, 15, 29);
	CHECK_INT(pol->policy, POLICY_ACCEPT);
	CHECK_INT(pol->qos.dscp[POLICY_DSCP_RTP], 0);
	CHECK_INT(pol->qos.dscp[POLICY_DSCP_SRTP], 34);
	CHECK_INT(pol->qos.dscp[POLICY_DSCP_SIP], 56);
	CHECK_INT(pol->qos.dscp[POLICY_DSCP_SIP_TLS], 63);
	CHECK_INT(pol->qos.priority, 0x1000a);
	CHECK_LOC(pol->qos.priority_loc, 21, 3);
	policy_free(pol);

	unit_case("rules may use zones and services declared after them");
	pol = parse_str("allow a -> b: web\nzone a { interface x }\n"
			"zone b { interface y }\nservice web { tcp 80, tcp 8080-8081, udp 80 }\n");
	if (CHECK_MSG(pol, "%s", err.text)) {
		CHECK_INT(pol->rules[0].from.index, 0);
		CHECK_INT(pol->rules[0].to.index, 1);
		CHECK_INT(pol->rules[0].services[0].index, 12);
		CHECK_STR(ports_str(&pol->services[12]), "tcp 80,tcp 8080-8081,udp 80");
		CHECK_LOC(pol->services[12].ports[1].loc, 4, 23);
	}
	policy_free(pol);

	unit_case("dscp names: cs0-cs7, af11-af43, ef");
	pol = parse_str("qos { rtp dscp cs0; srtp dscp af11; sip dscp af43; sip-tls dscp ef }");
	if (CHECK_MSG(pol, "%s", err.text)) {
		CHECK_INT(pol->qos.dscp[POLICY_DSCP_RTP], 0);
		CHECK_INT(pol->qos.dscp[POLICY_DSCP_SRTP], 10);
		CHECK_INT(pol->qos.dscp[POLICY_DSCP_SIP], 38);
		CHECK_INT(pol->qos.dscp[POLICY_DSCP_SIP_TLS], 46);
	}
	policy_free(pol);

	unit_case("priority in hex, as tc writes it");
	pol = parse_str("qos { priority FFFF:10 }");
	if (CHECK_MSG(pol, "%s", err.text))
		CHECK_INT(pol->qos.priority, 0xffff0010);
	policy_free(pol);

	unit_case("limits exactly reached are fine: name 31, ifname 15");
	pol = parse_str("zone abcdefghijklmnopqrstuvwxyz01234 { interface abcdefghijklmno }");
	if (CHECK_MSG(pol, "%s", err.text))
		CHECK_STR(pol->zones[0].ifaces[0].name, "abcdefghijklmno");
	policy_free(pol);

	unit_case("disjoint and adjacent prefixes in different zones");
	pol = parse_str("zone a { subnet 10.0.0.0/25 fd00::/16 }\n"
			"zone b { subnet 10.0.0.128/25 fd01::/16 10.0.1.0/24 }\n");
	CHECK_MSG(pol, "%s", err.text);
	policy_free(pol);

	unit_case("everything, as /0 prefixes");
	pol = parse_str("zone wan { subnet 0.0.0.0/0 ::/0 }");
	if (CHECK_MSG(pol, "%s", err.text)) {
		CHECK_STR(subnet_str(&pol->zones[0].subnets[0]), "0.0.0.0/0");
		CHECK_STR(subnet_str(&pol->zones[0].subnets[1]), "::/0");
	}
	policy_free(pol);

	unit_case("the same VLAN id on two bridges");
	pol = parse_str("zone a { vlan 20 on br0 }\nzone b { vlan 20 on br1 }\n");
	CHECK_MSG(pol, "%s", err.text);
	policy_free(pol);
}

/* ---- errors ----------------------------------------------------------------- */

struct err_case {
	const char	*in;
	const char	*want;
};

#define Z	"zone a { interface eth0 }\n"
/* a zone with a sip block; the setting under test starts at column 25 */
#define ZS	"zone a { interface x; sip { "

static const struct err_case err_cases[] = {
	/* lexical */
	{ "zone a { interface eth0! }", "t.conf:1:24: unexpected character '!'" },
	{ "zone a { interface \"eth0\" }", "t.conf:1:20: unexpected character '\"'" },
	{ "zone a\x01 { }", "t.conf:1:7: unexpected byte 0x01" },
	{ "zone a { interface \xc3\xa9th0 }", "t.conf:1:20: unexpected byte 0xc3" },
	{ "# ok: \xff\x01\n\n  >", "t.conf:3:3: unexpected character '>'" },
	/* statements */
	{ "zome a {}", "t.conf:1:1: unknown statement 'zome' (did you mean 'zone'?)" },
	{ "Zone a {}", "t.conf:1:1: unknown statement 'Zone' (did you mean 'zone'?)" },
	{ "firewall on", "t.conf:1:1: unknown statement 'firewall'" },
	{ "\n\n   allo a -> b", "t.conf:3:4: unknown statement 'allo' (did you mean 'allow'?)" },
	{ "{", "t.conf:1:1: expected a statement, got '{'" },
	{ "}", "t.conf:1:1: expected a statement, got '}'" },
	{ "zone", "t.conf:1:5: expected a zone name, got end of file" },
	{ "zone\n", "t.conf:1:5: expected a zone name, got end of line" },
	{ "zone a", "t.conf:1:7: expected '{', got end of file" },
	{ "zone a interface eth0", "t.conf:1:8: expected '{', got 'interface'" },
	{ "zone a ; { }", "t.conf:1:8: expected '{', got ';'" },
	{ "zone a {\ninterface eth0", "t.conf:2:15: unexpected end of file: the zone block opened at line 1 has no '}'" },
	{ "zone a { interface eth0 } zone b { }", "t.conf:1:27: expected end of statement (newline or ';'), got 'zone'" },
	{ "zone a { interface eth0 }}", "t.conf:1:26: expected end of statement (newline or ';'), got '}'" },
	{ "zone a { interfaces eth0 }", "t.conf:1:10: unknown zone setting 'interfaces' (did you mean 'interface'?)" },
	{ "zone a { address 10.0.0.1 }", "t.conf:1:10: unknown zone setting 'address'" },
	{ "zone a { interface }", "t.conf:1:20: expected an interface name, got '}'" },
	{ "zone a { interface; }", "t.conf:1:19: expected an interface name, got ';'" },
	{ "zone a { interface x\nzone b { interface y }", "t.conf:2:1: 'zone' inside the zone block opened at line 1: is a '}' missing?" },
	{ "qos { rtp dscp ef\nallow a -> b: sip", "t.conf:2:1: 'allow' inside the qos block opened at line 1: is a '}' missing?" },
	{ "zone a { , }", "t.conf:1:10: expected a zone setting or '}', got ','" },
	/* names */
	{ "zone Voice { interface x }", "t.conf:1:6: bad zone name 'Voice': use lower-case letters, digits, '-' and '_', starting with a letter" },
	{ "zone 1st { interface x }", "t.conf:1:6: bad zone name '1st': use lower-case letters, digits, '-' and '_', starting with a letter" },
	{ "zone a.b { interface x }", "t.conf:1:6: bad zone name 'a.b': use lower-case letters, digits, '-' and '_', starting with a letter" },
	{ "zone abcdefghijklmnopqrstuvwxyz012345 { }", "t.conf:1:6: zone name 'abcdefghijklmnopqrstuvwxyz012345' is longer than 31 characters" },
	{ "zone any { interface x }", "t.conf:1:6: 'any' is reserved: in rules it stands for every zone" },
	{ "service Web { tcp 80 }", "t.conf:1:9: bad service name 'Web': use lower-case letters, digits, '-' and '_', starting with a letter" },
	{ "zone a { interface abcdefghijklmnop }", "t.conf:1:20: interface name 'abcdefghijklmnop' is longer than 15 characters" },
	{ "zone a { interface eth0/1 }", "t.conf:1:20: bad interface name 'eth0/1': use letters, digits and . - _ : @" },
	{ "zone a { interface .. }", "t.conf:1:20: bad interface name '..': use letters, digits and . - _ : @" },
	/* zones */
	{ "zone a { }", "t.conf:1:6: zone 'a' names no interface, VLAN or subnet" },
	{ "zone a { sip { strictness strict } }", "t.conf:1:6: zone 'a' names no interface, VLAN or subnet" },
	{ Z "zone a { interface eth1 }", "t.conf:2:6: zone 'a' already defined at line 1" },
	{ Z "zone b { interface eth1 eth0 }", "t.conf:2:25: interface 'eth0' already belongs to zone 'a' (line 1)" },
	{ "zone a { interface eth0 eth0 }", "t.conf:1:25: interface 'eth0' already belongs to zone 'a' (line 1)" },
	{ "zone a { vlan 20 on br0 }\nzone b { vlan 20 on br0 }", "t.conf:2:10: VLAN 20 on br0 already belongs to zone 'a' (line 1)" },
	{ "zone a { vlan 0 on br0 }", "t.conf:1:15: VLAN id 0 out of range (1-4094)" },
	{ "zone a { vlan 4095 on br0 }", "t.conf:1:15: VLAN id 4095 out of range (1-4094)" },
	{ "zone a { vlan 99999999999 on br0 }", "t.conf:1:15: VLAN id 99999999999 out of range (1-4094)" },
	{ "zone a { vlan 2x on br0 }", "t.conf:1:15: bad VLAN id '2x' (a number 1-4094)" },
	{ "zone a { vlan -1 on br0 }", "t.conf:1:15: bad VLAN id '-1' (a number 1-4094)" },
	{ "zone a { vlan }", "t.conf:1:15: expected a VLAN id (1-4094), got '}'" },
	{ "zone a { vlan 20 br0 }", "t.conf:1:18: expected 'on' after the VLAN id, got 'br0'" },
	{ "zone a { vlan 20 on }", "t.conf:1:21: expected a bridge name, got '}'" },
	{ "zone a { vlan 20 on br0 br1 }", "t.conf:1:25: expected end of statement (newline or ';'), got 'br1'" },
	{ "zone a { subnet }", "t.conf:1:17: expected a subnet (ADDRESS[/LENGTH]), got '}'" },
	{ "zone a { subnet 10.0.0.256 }", "t.conf:1:17: bad IPv4 address '10.0.0.256'" },
	{ "zone a { subnet 10.0.0 }", "t.conf:1:17: bad IPv4 address '10.0.0'" },
	{ "zone a { subnet fd00:::1/64 }", "t.conf:1:17: bad IPv6 address 'fd00:::1'" },
	{ "zone a { subnet eth0 }", "t.conf:1:17: bad IPv4 address 'eth0'" },
	{ "zone a { subnet 10.0.0.0/33 }", "t.conf:1:17: bad prefix length '/33' (0-32)" },
	{ "zone a { subnet fd00::/129 }", "t.conf:1:17: bad prefix length '/129' (0-128)" },
	{ "zone a { subnet 10.0.0.0/ }", "t.conf:1:17: bad prefix length '/' (0-32)" },
	{ "zone a { subnet 10.0.0.0/2/4 }", "t.conf:1:17: bad prefix length '/2/4' (0-32)" },
	{ "zone a { subnet 10.0.20.5/24 }", "t.conf:1:17: 10.0.20.5/24 has host bits set (did you mean 10.0.20.0/24?)" },
	{ "zone a { subnet fd00:20::1/64 }", "t.conf:1:17: fd00:20::1/64 has host bits set (did you mean fd00:20::/64?)" },
	{ "zone a { subnet 10.0.0.0/24 }\nzone b { subnet 10.0.0.0/24 }", "t.conf:2:17: subnet 10.0.0.0/24 already belongs to zone 'a' (line 1)" },
	{ "zone a { subnet 10.0.10.0/24 }\nzone b { interface x; subnet 10.0.10.5 }", "t.conf:2:30: subnet 10.0.10.5/32 overlaps 10.0.10.0/24 of zone 'a' (line 1)" },
	{ "zone a { subnet 10.0.10.5 }\nzone b { subnet 10.0.0.0/16 }", "t.conf:2:17: subnet 10.0.0.0/16 overlaps 10.0.10.5/32 of zone 'a' (line 1)" },
	{ "zone a { subnet fd00::/8 ::/0 }", "t.conf:1:26: subnet ::/0 overlaps fd00::/8 of zone 'a' (line 1)" },
	{ "zone a { interface x; sip { } ; sip { } }", "t.conf:1:33: sip block given twice in zone 'a' (first at line 1)" },
	{ "zone a { sip { strictness lax } }", "t.conf:1:27: unknown strictness 'lax' (default or strict)" },
	{ "zone a { sip { strictness } }", "t.conf:1:27: expected 'default' or 'strict', got '}'" },
	{ "zone a { sip { strictness strict; strictness default } }", "t.conf:1:35: strictness given twice (first at line 1)" },
	{ "zone a { sip { rates 10 } }", "t.conf:1:16: unknown sip setting 'rates' (did you mean 'rate'?)" },
	/* sip settings */
	{ ZS "rate invite 10 }}", "t.conf:1:41: bad rate '10' (N/s, N/m or N/h)" },
	{ ZS "rate invite 10/d }}", "t.conf:1:41: bad rate '10/d' (N/s, N/m or N/h)" },
	{ ZS "rate invite 0/s }}", "t.conf:1:41: bad rate '0/s' (N/s, N/m or N/h)" },
	{ ZS "rate invite 20000/s }}", "t.conf:1:41: rate '20000/s' is above 10000/s" },
	{ ZS "rate calls 1/s }}", "t.conf:1:34: unknown method class 'calls' (register, invite, options or other)" },
	{ ZS "rate invite 1/s burst 0 }}", "t.conf:1:51: bad burst '0' (1-4000)" },
	{ ZS "rate invite 1/s burst 4001 }}", "t.conf:1:51: bad burst '4001' (1-4000)" },
	{ ZS "rate invite unlimited }}", "t.conf:1:41: only trusted sources may be unlimited (trusted-rate)" },
	{ ZS "rate invite 1/s; rate invite 2/s }}", "t.conf:1:46: rate invite given twice (first at line 1)" },
	{ ZS "brute-force 10 }}", "t.conf:1:44: expected 'per' and a duration, got '}'" },
	{ ZS "brute-force 10 per 10 }}", "t.conf:1:48: bad duration '10' (a number and s, m, h or d: 30s, 10m, 1h, 1d)" },
	{ ZS "brute-force 10 per 31d }}", "t.conf:1:48: duration '31d' is longer than 30 days" },
	{ ZS "brute-force 0 per 1m }}", "t.conf:1:41: bad count '0' (1-1000000, or off)" },
	{ ZS "enumeration 49 per 1m }}", "t.conf:1:41: bad count '49' (1-48, or off)" },
	{ ZS "user-lock 5 per 1m }}", "t.conf:1:48: expected 'for' and how long the lock lasts, got '}'" },
	{ ZS "ban 10m max 5m }}", "t.conf:1:41: max '5m' is shorter than the first ban" },
	{ ZS "ban 1h; ban 2h }}", "t.conf:1:37: ban given twice (first at line 1)" },
	{ ZS "scanners log }}", "t.conf:1:38: expected 'drop' or 'allow', got 'log'" },
	{ ZS "max-size 100 }}", "t.conf:1:38: bad size '100' (512-65535 bytes)" },
	{ ZS "methods INVITE REGISTER }}", "t.conf:1:29: methods: INVITE needs ACK, BYE and CANCEL too (calls could not be answered or ended)" },
	{ ZS "methods invite }}", "t.conf:1:37: unknown method 'invite' (INVITE, ACK, BYE, CANCEL, REGISTER, OPTIONS, PRACK, UPDATE, INFO, SUBSCRIBE, NOTIFY, REFER, MESSAGE, PUBLISH)" },
	{ ZS "methods }}", "t.conf:1:37: expected a method (INVITE, REGISTER, ...), got '}'" },
	{ ZS "max-headers 7 }}", "t.conf:1:41: bad header count '7' (8-128)" },
	{ ZS "max-headers 129 }}", "t.conf:1:41: bad header count '129' (8-128)" },
	{ ZS "max-headers 99999999999 }}", "t.conf:1:41: bad header count '99999999999' (8-128)" },
	{ ZS "max-headers many }}", "t.conf:1:41: bad header count 'many' (8-128)" },
	{ ZS "max-headers }}", "t.conf:1:41: expected a header count (8-128), got '}'" },
	{ ZS "max-headers 20; max-headers 30 }}", "t.conf:1:45: max-headers given twice (first at line 1)" },
	{ ZS "max-forwards 256 }}", "t.conf:1:42: bad max-forwards '256' (0-255)" },
	{ ZS "max-forwards -1 }}", "t.conf:1:42: bad max-forwards '-1' (0-255)" },
	{ ZS "max-forwards }}", "t.conf:1:42: expected the least Max-Forwards (0-255), got '}'" },
	{ ZS "max-forwards 1; max-forwards 0 }}", "t.conf:1:45: max-forwards given twice (first at line 1)" },
	{ ZS "require }}", "t.conf:1:37: expected a header name (Contact, User-Agent, ...), got '}'" },
	{ ZS "require Contact contact }}", "t.conf:1:45: header 'contact' given twice" },
	{ ZS "require X-Tenant x-tenant }}", "t.conf:1:46: header 'x-tenant' given twice" },
	{ ZS "require m Contact }}", "t.conf:1:39: header 'Contact' given twice ('m' is the same field)" },
	{ ZS "require Call-ID i }}", "t.conf:1:45: header 'i' given twice ('Call-ID' is the same field)" },
	{ ZS "require h1 h2 h3 h4 h5 h6 h7 h8 h9 }}", "t.conf:1:61: too many required headers (at most 8)" },
	{ ZS "require pbx@example }}", "t.conf:1:37: bad header name 'pbx@example' (a field name: letters, digits, '-', '.' and '_')" },
	{ ZS "require Contact X/Y }}", "t.conf:1:45: bad header name 'X/Y' (a field name: letters, digits, '-', '.' and '_')" },
	{ ZS "require X-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa }}", "t.conf:1:37: header name 'X-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' is longer than 63 characters" },
	{ ZS "require X-Tenant! }}", "t.conf:1:45: unexpected character '!'" },
	{ ZS "require Contact; require Via }}", "t.conf:1:46: require given twice (first at line 1)" },
	{ ZS "trusted 10.0.0.0/8 10.1.0.0/16 }}", "t.conf:1:48: trusted 10.1.0.0/16 overlaps trusted 10.0.0.0/8 (line 1)" },
	{ ZS "countries allow de }}", "t.conf:1:45: bad country 'de' (two upper-case letters, ISO 3166: DE, US; or unknown)" },
	{ ZS "countries block DE }}", "t.conf:1:39: expected 'allow' or 'deny', got 'block'" },
	{ ZS "countries deny DE DE }}", "t.conf:1:47: country 'DE' given twice" },
	{ ZS "countries deny }}", "t.conf:1:44: expected a country (DE, US, ... or unknown), got '}'" },
	{ ZS "domains }}", "t.conf:1:37: expected a host name or address, got '}'" },
	{ ZS "domains pbx.example.com PBX.example.com }}", "t.conf:1:53: host 'PBX.example.com' given twice" },
	{ ZS "domains 203.0.113.5 bad_host }}", "t.conf:1:49: bad host 'bad_host' (a name as in a SIP URI, or an address)" },
	{ ZS "domains fd00::1::2 }}", "t.conf:1:37: bad IPv6 address 'fd00::1::2'" },
	{ ZS "dormant 60d }}", "t.conf:1:37: duration '60d' is longer than 30 days" },
	{ ZS "dormant sometimes }}", "t.conf:1:37: bad duration 'sometimes' (a number and s, m, h or d: 30s, 10m, 1h, 1d)" },
	{ ZS "sweep 49 per 1m }}", "t.conf:1:35: bad count '49' (1-48, or off)" },
	{ ZS "trusted 10.0.0.1/8 }}", "t.conf:1:37: 10.0.0.1/8 has host bits set (did you mean 10.0.0.0/8?)" },
	{ ZS "signalling tls }}", "t.conf:1:40: expected 'tls-only' or 'any', got 'tls'" },
	{ ZS "signalling }}", "t.conf:1:40: expected 'tls-only' or 'any', got '}'" },
	{ ZS "signalling tls-only; signalling any }}", "t.conf:1:50: signalling given twice (first at line 1)" },
	{ ZS "signalling tls-only servers }}", "t.conf:1:57: expected a server prefix (ADDRESS[/LENGTH]), got '}'" },
	{ ZS "signalling tls-only servers 10.0.0.0/8 10.1.2.3 }}", "t.conf:1:68: server 10.1.2.3/32 overlaps server 10.0.0.0/8 (line 1)" },
	{ ZS "signalling tls-only servers pbx }}", "t.conf:1:57: bad IPv4 address 'pbx'" },
	{ ZS "signalling tls-only 10.0.0.1 }}", "t.conf:1:49: expected end of statement (newline or ';'), got '10.0.0.1'" },
	{ ZS "signalling any servers 10.0.0.1 }}", "t.conf:1:44: expected end of statement (newline or ';'), got 'servers'" },
	{ ZS "media srtp }}", "t.conf:1:35: expected 'srtp-only' or 'any', got 'srtp'" },
	{ ZS "media srtp-only; media any }}", "t.conf:1:46: media given twice (first at line 1)" },
	{ ZS "codecs PCMU pcmu }}", "t.conf:1:41: codec 'pcmu' given twice" },
	{ ZS "codecs opus/48000 }}", "t.conf:1:36: bad codec 'opus/48000' (an encoding name as in a=rtpmap: PCMU, G722, opus; at most 15 characters)" },
	{ ZS "codecs abcdefghijklmnop }}", "t.conf:1:36: bad codec 'abcdefghijklmnop' (an encoding name as in a=rtpmap: PCMU, G722, opus; at most 15 characters)" },
	{ ZS "codecs }}", "t.conf:1:36: expected a codec (PCMU, PCMA, G722, opus, ...), got '}'" },
	{ ZS "codecs PCMU; codecs PCMA }}", "t.conf:1:42: codecs given twice (first at line 1)" },
	{ ZS "codecs a b c d e f g h i j k l m n o p q }}", "t.conf:1:68: too many codecs (at most 16)" },
	{ ZS "strip-identity; strip-identity }}", "t.conf:1:45: strip-identity given twice (first at line 1)" },
	{ ZS "strip-identity yes }}", "t.conf:1:44: expected end of statement (newline or ';'), got 'yes'" },
	{ ZS "hide-agent; hide-agent PBX }}", "t.conf:1:41: hide-agent given twice (first at line 1)" },
	{ ZS "hide-agent pbx@example.com }}", "t.conf:1:40: bad agent 'pbx@example.com' (a product token: letters, digits, '-', '.', '_' and one '/' inside, as PBX or voipfw/1.0; at most 32 characters)" },
	{ ZS "hide-agent a/b/c }}", "t.conf:1:40: bad agent 'a/b/c' (a product token: letters, digits, '-', '.', '_' and one '/' inside, as PBX or voipfw/1.0; at most 32 characters)" },
	{ ZS "hide-agent /1.0 }}", "t.conf:1:40: bad agent '/1.0' (a product token: letters, digits, '-', '.', '_' and one '/' inside, as PBX or voipfw/1.0; at most 32 characters)" },
	{ ZS "hide-agent voipfw/ }}", "t.conf:1:40: bad agent 'voipfw/' (a product token: letters, digits, '-', '.', '_' and one '/' inside, as PBX or voipfw/1.0; at most 32 characters)" },
	{ ZS "hide-agent abcdefghijklmnopqrstuvwxyz0123456 }}", "t.conf:1:40: bad agent 'abcdefghijklmnopqrstuvwxyz0123456' (a product token: letters, digits, '-', '.', '_' and one '/' inside, as PBX or voipfw/1.0; at most 32 characters)" },
	{ ZS "hide-agent PBX 2 }}", "t.conf:1:44: expected end of statement (newline or ';'), got '2'" },
	{ ZS "hide-agent (PBX) }}", "t.conf:1:40: unexpected character '('" },
	{ "zone a { sip strictness strict }", "t.conf:1:14: expected '{', got 'strictness'" },
	{ "zone a { sip {\n", "t.conf:2:1: unexpected end of file: the sip block opened at line 1 has no '}'" },
	/* services */
	{ "service web { }", "t.conf:1:9: service 'web' has no ports and no media" },
	{ "service web { tcp 80 }\nservice web { tcp 81 }", "t.conf:2:9: service 'web' already defined at line 1" },
	{ "service sip { tcp 80 }\nservice sip { tcp 81 }", "t.conf:2:9: service 'sip' already defined at line 1" },
	{ "service web { tcp }", "t.conf:1:19: expected a port or PORT-PORT, got '}'" },
	{ "service web { tcp 0 }", "t.conf:1:19: port 0 out of range (1-65535)" },
	{ "service web { tcp 65536 }", "t.conf:1:19: port 65536 out of range (1-65535)" },
	{ "service web { tcp 1-65536 }", "t.conf:1:19: port 1-65536 out of range (1-65535)" },
	{ "service web { tcp 0-80 }", "t.conf:1:19: port 0-80 out of range (1-65535)" },
	{ "service web { tcp http }", "t.conf:1:19: bad port 'http' (a number 1-65535 or a range PORT-PORT)" },
	{ "service web { tcp 80- }", "t.conf:1:19: bad port '80-' (a number 1-65535 or a range PORT-PORT)" },
	{ "service web { tcp 80-90-100 }", "t.conf:1:19: bad port '80-90-100' (a number 1-65535 or a range PORT-PORT)" },
	{ "service web { tcp 90-80 }", "t.conf:1:19: port range 90-80 is reversed (LOW-HIGH)" },
	{ "service web { tcp 80 81 }", "t.conf:1:22: expected end of statement (newline or ';'), got '81'" },
	{ "service web { tcp 80, 81 }", "t.conf:1:23: expected 'udp' or 'tcp' after ',', got '81'" },
	{ "service web { tcp 80, sctp 81 }", "t.conf:1:23: expected 'udp' or 'tcp' after ',', got 'sctp'" },
	{ "service web { ucp 80 }", "t.conf:1:15: unknown service setting 'ucp' (did you mean 'udp'?)" },
	{ "service web { sctp 80 }", "t.conf:1:15: unknown service setting 'sctp'" },
	{ "service web { tcp 80-90; udp 80; tcp 85 }", "t.conf:1:34: tcp 85 overlaps tcp 80-90 in service 'web' (line 1)" },
	{ "service web { tcp 80, tcp 80 }", "t.conf:1:23: tcp 80 overlaps tcp 80 in service 'web' (line 1)" },
	{ "service web { tcp 80; media }", "t.conf:1:23: a service is either ports or 'media', not both" },
	{ "service web { media; udp 80 }", "t.conf:1:22: a service is either ports or 'media', not both" },
	{ "service web { media; media }", "t.conf:1:22: 'media' given twice" },
	{ "service web { media foo }", "t.conf:1:21: expected end of statement (newline or ';'), got 'foo'" },
	/* rules */
	{ Z "allow a -> voive: sip", "t.conf:2:12: unknown zone 'voive'" },
	{ "zone voice { interface x }\nallow voive -> any: sip", "t.conf:2:7: unknown zone 'voive' (did you mean 'voice'?)" },
	{ Z "allow a -> ayn: sip", "t.conf:2:12: unknown zone 'ayn'" },
	{ Z "allow a -> an: sip", "t.conf:2:12: unknown zone 'an' (did you mean 'a'?)" },
	{ Z "allow a -> any: sp", "t.conf:2:17: unknown service 'sp' (did you mean 'sip'?)" },
	{ Z "allow a -> any: sip, https, smtp", "t.conf:2:29: unknown service 'smtp'" },
	{ Z "allow a -> any: sip, sip", "t.conf:2:22: service 'sip' listed twice in this rule" },
	{ Z "allow a any: sip", "t.conf:2:9: expected '->', got 'any'" },
	{ Z "allow a > any: sip", "t.conf:2:9: unexpected character '>'" },
	{ Z "allow a -> any", "t.conf:2:15: expected ':' and the services allowed, got end of file" },
	{ Z "allow a -> any\n", "t.conf:2:15: expected ':' and the services allowed, got end of line" },
	{ Z "allow a -> any:", "t.conf:2:16: expected a service name, got end of file" },
	{ Z "allow a -> any: sip,", "t.conf:2:21: expected a service name, got end of file" },
	{ Z "allow a -> any: sip rtp", "t.conf:2:21: expected end of statement (newline or ';'), got 'rtp'" },
	{ Z "deny a -> any sip", "t.conf:2:15: expected end of statement (newline or ';'), got 'sip'" },
	{ Z "deny -> a", "t.conf:2:6: expected a zone name, got '->'" },
	{ Z "allow A -> a: sip", "t.conf:2:7: bad zone name 'A': use lower-case letters, digits, '-' and '_', starting with a letter" },
	{ Z "allow a -> a: SIP", "t.conf:2:15: bad service name 'SIP': use lower-case letters, digits, '-' and '_', starting with a letter" },
	/* policy */
	{ "policy reject", "t.conf:1:8: expected 'accept' or 'drop', got 'reject'" },
	{ "policy", "t.conf:1:7: expected 'accept' or 'drop', got end of file" },
	{ "policy drop\npolicy accept", "t.conf:2:1: policy given twice (first at line 1)" },
	{ "policy drop drop", "t.conf:1:13: expected end of statement (newline or ';'), got 'drop'" },
	/* qos */
	{ "qos { rtp dscp ef }\nqos { }", "t.conf:2:1: qos given twice (first at line 1)" },
	{ "qos { rtp ef }", "t.conf:1:11: expected 'dscp' after 'rtp', got 'ef'" },
	{ "qos { sip-tls }", "t.conf:1:15: expected 'dscp' after 'sip-tls', got '}'" },
	{ "qos { rtp dscp }", "t.conf:1:16: expected a DSCP class, got '}'" },
	{ "qos { rtp dscp 64 }", "t.conf:1:16: DSCP 64 out of range (0-63)" },
	{ "qos { rtp dscp 99999999999999 }", "t.conf:1:16: DSCP 99999999999999 out of range (0-63)" },
	{ "qos { rtp dscp cs8 }", "t.conf:1:16: unknown DSCP class 'cs8' (ef, cs0-cs7, af11-af43 or a number 0-63)" },
	{ "qos { rtp dscp af14 }", "t.conf:1:16: unknown DSCP class 'af14' (ef, cs0-cs7, af11-af43 or a number 0-63)" },
	{ "qos { rtp dscp EF }", "t.conf:1:16: unknown DSCP class 'EF' (ef, cs0-cs7, af11-af43 or a number 0-63)" },
	{ "qos { rtp dscp ef; rtp dscp cs5 }", "t.conf:1:20: 'rtp dscp' given twice (first at line 1)" },
	{ "qos { video dscp af41 }", "t.conf:1:7: unknown qos setting 'video'" },
	{ "qos { priority 1 }", "t.conf:1:16: bad priority '1': MAJOR:MINOR in hex, as tc(8) writes class ids (1:10)" },
	{ "qos { priority 1:10000 }", "t.conf:1:16: bad priority '1:10000': MAJOR:MINOR in hex, as tc(8) writes class ids (1:10)" },
	{ "qos { priority 1:g }", "t.conf:1:16: bad priority '1:g': MAJOR:MINOR in hex, as tc(8) writes class ids (1:10)" },
	{ "qos { priority :1 }", "t.conf:1:16: bad priority ':1': MAJOR:MINOR in hex, as tc(8) writes class ids (1:10)" },
	{ "qos { priority 1:0 }", "t.conf:1:16: priority 1:0 is not a class: MAJOR and MINOR are 1-ffff" },
	{ "qos { priority 0:1 }", "t.conf:1:16: priority 0:1 is not a class: MAJOR and MINOR are 1-ffff" },
	{ "qos { priority 1:1; priority 1:2 }", "t.conf:1:21: priority given twice (first at line 1)" },
	{ "qos rtp dscp ef", "t.conf:1:5: expected '{', got 'rtp'" },
};

static void test_sip_settings(void)
{
	const struct policy_zone_sip *d, *w;
	struct policy *pol;

	unit_case("sip settings: defaults and every setting");
	pol = parse_str(
		"zone lan { interface eth0 }\n"
		"zone wan {\n"
		"  interface eth1\n"
		"  sip {\n"
		"    rate register 30/m burst 5; rate invite 2/s\n"
		"    rate other 1/h\n"
		"    trusted 203.0.113.10 198.51.100.0/24\n"
		"    trusted 2001:db8:5::/48\n"
		"    trusted-rate invite 50/s burst 200; trusted-rate register unlimited\n"
		"    flood 100 per 10s; brute-force 5 per 2m; enumeration off\n"
		"    user-lock 8 per 1h for 1d\n"
		"    ban 15m max 7d; scanners allow; max-size 8192\n"
		"    methods INVITE ACK BYE CANCEL OPTIONS\n"
		"    countries deny CN RU unknown\n"
		"    domains Example.COM 203.0.113.5 2001:db8::5; sweep 10 per 30s\n"
		"  }\n"
		"}\n");
	if (!CHECK_MSG(pol, "%s", err.text))
		return;
	d = &pol->zones[0].sip;
	CHECK_INT(d->rate[POLICY_SIP_REGISTER].milli_per_sec, 2000);
	CHECK_INT(d->rate[POLICY_SIP_REGISTER].burst, 20);
	CHECK_INT(d->rate[POLICY_SIP_OTHER].milli_per_sec, 20000);
	CHECK_INT(d->rate[POLICY_SIP_INVITE].loc.line, 0);
	CHECK(d->trusted_rate[POLICY_SIP_INVITE].unlimited);
	CHECK_INT(d->n_trusted, 0);
	CHECK_INT(d->flood.count, 50);
	CHECK_INT(d->brute_force.count, 10);
	CHECK_INT(d->brute_force.window_ms, 60000);
	CHECK_INT(d->enumeration.count, 20);
	CHECK_INT(d->user_lock.for_ms, 1800000);
	CHECK_INT(d->ban_ms, 600000);
	CHECK_INT(d->ban_max_ms, 86400000);
	CHECK(d->scanners);
	CHECK_INT(d->max_size, 16384);
	CHECK_INT(d->methods, 0);

	w = &pol->zones[1].sip;
	CHECK_INT(w->rate[POLICY_SIP_REGISTER].milli_per_sec, 500);
	CHECK_INT(w->rate[POLICY_SIP_REGISTER].burst, 5);
	CHECK_LOC(w->rate[POLICY_SIP_REGISTER].loc, 5, 5);
	CHECK_INT(w->rate[POLICY_SIP_INVITE].milli_per_sec, 2000);
	CHECK_INT(w->rate[POLICY_SIP_INVITE].burst, 2);
	CHECK_INT(w->rate[POLICY_SIP_OTHER].milli_per_sec, 1);	/* 1/h: the floor */
	CHECK_INT(w->rate[POLICY_SIP_OPTIONS].milli_per_sec, 2000);	/* default */
	CHECK_INT(w->n_trusted, 3);
	CHECK_STR(subnet_str(&w->trusted[0]), "203.0.113.10/32");
	CHECK_STR(subnet_str(&w->trusted[2]), "2001:db8:5::/48");
	CHECK_LOC(w->trusted[2].loc, 8, 13);
	CHECK(!w->trusted_rate[POLICY_SIP_INVITE].unlimited);
	CHECK_INT(w->trusted_rate[POLICY_SIP_INVITE].milli_per_sec, 50000);
	CHECK_INT(w->trusted_rate[POLICY_SIP_INVITE].burst, 200);
	CHECK(w->trusted_rate[POLICY_SIP_REGISTER].unlimited);
	CHECK(w->trusted_rate[POLICY_SIP_OTHER].unlimited);
	CHECK_INT(w->flood.count, 100);
	CHECK_INT(w->flood.window_ms, 10000);
	CHECK_INT(w->brute_force.count, 5);
	CHECK_INT(w->brute_force.window_ms, 120000);
	CHECK_INT(w->enumeration.count, 0);
	CHECK_LOC(w->enumeration.loc, 10, 46);
	CHECK_INT(w->user_lock.count, 8);
	CHECK_INT(w->user_lock.window_ms, 3600000);
	CHECK_INT(w->user_lock.for_ms, 86400000);
	CHECK_INT(w->ban_ms, 900000);
	CHECK_INT(w->ban_max_ms, 7 * 86400000);
	CHECK(!w->scanners);
	CHECK_INT(w->max_size, 8192);
	CHECK_INT(d->n_domains, 0);
	CHECK_INT(d->sweep.count, 0);
	CHECK_INT(w->n_domains, 3);
	CHECK_STR(w->domains[0].name, "example.com");
	CHECK_INT(w->domains[0].family, 0);
	CHECK_INT(w->domains[1].family, AF_INET);
	CHECK_INT(w->domains[2].family, AF_INET6);
	CHECK_INT(w->sweep.count, 10);
	CHECK_INT(w->sweep.window_ms, 30000);
	CHECK_INT(d->n_countries, 0);
	CHECK_INT(w->n_countries, 3);
	CHECK(!w->countries_allow);
	CHECK_INT(w->countries[0], 'C' << 8 | 'N');
	CHECK_INT(w->countries[2], POLICY_COUNTRY_UNKNOWN);
	CHECK_LOC(w->countries_loc, 14, 5);
	CHECK_INT(w->methods, 1u << SIP_METHOD_INVITE | 1u << SIP_METHOD_ACK |
		  1u << SIP_METHOD_BYE | 1u << SIP_METHOD_CANCEL |
		  1u << SIP_METHOD_OPTIONS);
	policy_free(pol);

	unit_case("sip settings: signalling, media, codecs");
	pol = parse_str(
		"zone lan { interface eth0 }\n"
		"zone voice {\n"
		"  subnet 10.0.20.0/24\n"
		"  sip { signalling tls-only servers 10.0.10.5 2001:db8::/64\n"
		"        media srtp-only; codecs PCMU g722 Opus telephone-event }\n"
		"}\n"
		"zone wan { interface eth1; sip { signalling tls-only; media any } }\n"
		"zone lab { interface eth2; sip { signalling any } }\n");
	if (CHECK_MSG(pol, "%s", err.text)) {
		d = &pol->zones[0].sip;
		CHECK(!d->tls_only);
		CHECK(!d->srtp_only);
		CHECK_INT(d->n_codecs, 0);
		CHECK_INT(d->signalling_loc.line, 0);
		w = &pol->zones[1].sip;
		CHECK(w->tls_only);
		CHECK_LOC(w->signalling_loc, 4, 9);
		CHECK_INT(w->n_sip_servers, 2);
		CHECK_STR(subnet_str(&w->sip_servers[0]), "10.0.10.5/32");
		CHECK_STR(subnet_str(&w->sip_servers[1]), "2001:db8::/64");
		CHECK_LOC(w->sip_servers[1].loc, 4, 47);
		CHECK(w->srtp_only);
		CHECK_LOC(w->media_loc, 5, 9);
		CHECK_INT(w->n_codecs, 4);
		CHECK_STR(w->codecs[0], "pcmu");
		CHECK_STR(w->codecs[1], "g722");
		CHECK_STR(w->codecs[2], "opus");
		CHECK_STR(w->codecs[3], "telephone-event");
		CHECK_LOC(w->codecs_loc, 5, 26);
		CHECK(pol->zones[2].sip.tls_only);
		CHECK_INT(pol->zones[2].sip.n_sip_servers, 0);
		CHECK(!pol->zones[2].sip.srtp_only);
		CHECK_LOC(pol->zones[2].sip.media_loc, 7, 55);
		CHECK(!pol->zones[3].sip.tls_only);
		CHECK_LOC(pol->zones[3].sip.signalling_loc, 8, 34);
		policy_free(pol);
	}

	unit_case("sip settings: strip-identity, hide-agent");
	pol = parse_str(
		"zone lan { interface eth0 }\n"
		"zone phones { subnet 10.0.20.0/24\n"
		"  sip { trusted 10.0.20.5; strip-identity } }\n"
		"zone wan { interface eth1\n"
		"  sip { hide-agent voipfw/1.0 } }\n"
		"zone trunk { subnet 192.0.2.0/24; sip { hide-agent\n"
		"  strip-identity } }\n");
	if (CHECK_MSG(pol, "%s", err.text)) {
		d = &pol->zones[0].sip;
		CHECK(!d->strip_identity);
		CHECK(!d->hide_agent);
		CHECK_INT(d->strip_identity_loc.line, 0);
		CHECK_INT(d->hide_agent_loc.line, 0);
		w = &pol->zones[1].sip;
		CHECK(w->strip_identity);
		CHECK_LOC(w->strip_identity_loc, 3, 28);
		CHECK(!w->hide_agent);
		w = &pol->zones[2].sip;
		CHECK(!w->strip_identity);
		CHECK(w->hide_agent);
		CHECK_STR(w->agent, "voipfw/1.0");
		CHECK_LOC(w->hide_agent_loc, 5, 9);
		w = &pol->zones[3].sip;
		CHECK(w->strip_identity);
		CHECK(w->hide_agent);
		CHECK_STR(w->agent, "");
		CHECK_LOC(w->hide_agent_loc, 6, 41);
		CHECK_LOC(w->strip_identity_loc, 7, 3);
		policy_free(pol);
	}

	unit_case("sip settings: max-headers, max-forwards, require");
	pol = parse_str(
		"zone lan { interface eth0 }\n"
		"zone wan { interface eth1\n"
		"  sip { max-headers 40; max-forwards 1\n"
		"        require Contact user-agent m2 X-Tenant }\n"
		"}\n"
		"zone vpn { interface tun0; sip { max-headers 8; max-forwards 0; require m } }\n"
		"zone lab { interface eth2; sip { max-headers 128; max-forwards 255\n"
		"  require X-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb } }\n");
	if (CHECK_MSG(pol, "%s", err.text)) {
		d = &pol->zones[0].sip;
		CHECK_INT(d->max_headers, 0);		/* the parser's limit only */
		CHECK_INT(d->max_headers_loc.line, 0);
		CHECK_INT(d->max_forwards, -1);		/* no check */
		CHECK_INT(d->max_forwards_loc.line, 0);
		CHECK_INT(d->n_require, 0);
		CHECK_INT(d->require_loc.line, 0);
		w = &pol->zones[1].sip;
		CHECK_INT(w->max_headers, 40);
		CHECK_LOC(w->max_headers_loc, 3, 9);
		CHECK_INT(w->max_forwards, 1);
		CHECK_LOC(w->max_forwards_loc, 3, 25);
		CHECK_INT(w->n_require, 4);
		CHECK_LOC(w->require_loc, 4, 9);
		CHECK_STR(w->require[0].name, "Contact");
		CHECK_INT(w->require[0].id, SIP_HDR_CONTACT);
		CHECK_STR(w->require[1].name, "user-agent");
		CHECK_INT(w->require[1].id, SIP_HDR_USER_AGENT);
		CHECK_STR(w->require[2].name, "m2");	/* not a compact form */
		CHECK_INT(w->require[2].id, SIP_HDR_OTHER);
		CHECK_STR(w->require[3].name, "X-Tenant");
		CHECK_INT(w->require[3].id, SIP_HDR_OTHER);
		CHECK_LOC(w->require[3].loc, 4, 39);
		w = &pol->zones[2].sip;
		CHECK_INT(w->max_headers, 8);
		CHECK_INT(w->max_forwards, 0);		/* present, any value */
		CHECK_INT(w->n_require, 1);
		CHECK_STR(w->require[0].name, "m");
		CHECK_INT(w->require[0].id, SIP_HDR_CONTACT);
		w = &pol->zones[3].sip;
		CHECK_INT(w->max_headers, 128);
		CHECK_INT(w->max_forwards, 255);
		CHECK_INT(w->n_require, 1);
		CHECK_STR(w->require[0].name, "X-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
		CHECK_LOC(w->require[0].loc, 8, 11);
		policy_free(pol);
	}

	unit_case("sip settings: a first ban longer than the default max");
	pol = parse_str("zone a { interface x; sip { ban 2d } }");
	if (CHECK_MSG(pol, "%s", err.text)) {
		CHECK_INT(pol->zones[0].sip.ban_ms, 2 * 86400000);
		CHECK_INT(pol->zones[0].sip.ban_max_ms, 2 * 86400000);
		policy_free(pol);
	}
}

static void test_errors(void)
{
	struct policy *pol;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(err_cases); i++) {
		unit_case("error row %u: %s", i, err_cases[i].want);
		pol = parse_str(err_cases[i].in);
		if (!CHECK_MSG(!pol, "parsed, want %s", err_cases[i].want)) {
			policy_free(pol);
			continue;
		}
		CHECK_STR(err.text, err_cases[i].want);
		CHECK_INT(err.sys_errno, 0);
	}
}

/* ---- limits ---------------------------------------------------------------- */

/* A growing text buffer for generated configurations. */
struct gen {
	char	*p;
	size_t	len;
	size_t	cap;
};

static void gen_add(struct gen *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void gen_add(struct gen *g, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(g->p ? g->p + g->len : NULL,
			      g->p ? g->cap - g->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			abort();
		if (g->p && g->len + (size_t)n < g->cap)
			break;
		g->cap = (g->cap + (size_t)n + 1) * 2;
		g->p = realloc(g->p, g->cap);
		if (!g->p)
			abort();
	}
	g->len += (size_t)n;
}

/* Parse @g; want NULL: must parse. */
static void check_gen(struct gen *g, const char *want)
{
	struct policy *pol = parse(g->p ? g->p : "", g->len);

	if (want) {
		if (CHECK_MSG(!pol, "parsed, want %s", want))
			CHECK_STR(err.text, want);
	} else {
		CHECK_MSG(pol, "%s", err.text);
	}
	policy_free(pol);
	free(g->p);
	memset(g, 0, sizeof(*g));
}

static void test_limits(void)
{
	struct gen g = { 0 };
	unsigned int i;

	unit_case("256 zones fine, 257 too many");
	for (i = 0; i < 256; i++)
		gen_add(&g, "zone z%u { interface e%u }\n", i, i);
	check_gen(&g, NULL);
	for (i = 0; i < 257; i++)
		gen_add(&g, "zone z%u { interface e%u }\n", i, i);
	check_gen(&g, "t.conf:257:6: too many zones (at most 256)");

	unit_case("256 services fine (built-ins apart), 257 too many");
	for (i = 0; i < 256; i++)
		gen_add(&g, "service s%u { udp %u }\n", i, i + 1);
	check_gen(&g, NULL);
	for (i = 0; i < 257; i++)
		gen_add(&g, "service s%u { udp %u }\n", i, i + 1);
	check_gen(&g, "t.conf:257:9: too many services (at most 256 besides the built-in ones)");

	unit_case("4096 rules fine, 4097 too many");
	gen_add(&g, "zone a { interface x }\n");
	for (i = 0; i < 4096; i++)
		gen_add(&g, "allow a -> any: sip\n");
	check_gen(&g, NULL);
	gen_add(&g, "zone a { interface x }\n");
	for (i = 0; i < 4097; i++)
		gen_add(&g, "deny a -> any\n");
	check_gen(&g, "t.conf:4098:1: too many rules (at most 4096)");

	unit_case("64 interfaces, VLANs, subnets a zone; 65 too many");
	gen_add(&g, "zone a {\n");
	for (i = 0; i < 64; i++)
		gen_add(&g, "interface e%u; vlan %u on br0; subnet 10.%u.0.0/16\n",
			i, i + 1, i);
	gen_add(&g, "}\n");
	check_gen(&g, NULL);
	gen_add(&g, "zone a { interface");
	for (i = 0; i < 65; i++)
		gen_add(&g, " e%u", i);
	gen_add(&g, " }\n");
	check_gen(&g, "t.conf:1:266: too many interfaces in zone 'a' (at most 64)");
	gen_add(&g, "zone a {\n");
	for (i = 0; i < 65; i++)
		gen_add(&g, "vlan %u on br0\n", i + 1);
	check_gen(&g, "t.conf:66:1: too many VLANs in zone 'a' (at most 64)");
	gen_add(&g, "zone a {\n");
	for (i = 0; i < 65; i++)
		gen_add(&g, "subnet 10.%u.0.0/16\n", i);
	check_gen(&g, "t.conf:66:8: too many subnets in zone 'a' (at most 64)");

	unit_case("32 port ranges a service, 33 too many");
	gen_add(&g, "service s {");
	for (i = 0; i < 32; i++)
		gen_add(&g, " udp %u;", i + 1);
	gen_add(&g, " }\n");
	check_gen(&g, NULL);
	gen_add(&g, "service s {");
	for (i = 0; i < 33; i++)
		gen_add(&g, "\nudp %u", i + 1);
	gen_add(&g, " }\n");
	check_gen(&g, "t.conf:34:1: too many port ranges in service 's' (at most 32)");

	unit_case("32 services a rule, 33 too many");
	gen_add(&g, "zone a { interface x }\nallow a -> a: ");
	for (i = 0; i < 32; i++)
		gen_add(&g, "%ss%u", i ? ", " : "", i);
	gen_add(&g, "\n");
	for (i = 0; i < 32; i++)
		gen_add(&g, "service s%u { udp %u }\n", i, i + 1);
	check_gen(&g, NULL);
	gen_add(&g, "allow any -> any: ");
	for (i = 0; i < 33; i++)
		gen_add(&g, "%ss%u", i ? "," : "", i);
	check_gen(&g, "t.conf:1:137: too many services in one rule (at most 32)");

	unit_case("a line of 4096 bytes is fine, 4097 too long");
	gen_add(&g, "#%4095s\n", "");
	gen_add(&g, "#%4095s", "");
	check_gen(&g, NULL);
	gen_add(&g, "policy drop\n");
	gen_add(&g, "#%4096s\npolicy accept\n", "");
	check_gen(&g, "t.conf:2:4097: line longer than 4096 bytes");
	gen_add(&g, "\n\n#%4096s", "");
	check_gen(&g, "t.conf:3:4097: line longer than 4096 bytes");

	unit_case("a file of 1 MiB is fine, one byte more too large");
	for (i = 0; i < 1024; i++)
		gen_add(&g, "#%1022s\n", "");
	check_gen(&g, NULL);
	for (i = 0; i < 1024; i++)
		gen_add(&g, "#%1022s\n", "");
	gen_add(&g, "x");
	check_gen(&g, "t.conf:1025:1: file larger than 1 MiB");
}

static void test_null(void)
{
	struct policy *pol = policy_parse(NULL, 0, "t.conf", &err);

	unit_case("policy_parse(NULL, 0): an empty file");
	CHECK_MSG(pol, "%s", err.text);
	policy_free(pol);
}

static void test_read_file(void)
{
	char *buf = NULL;
	size_t len = 0;

	unit_case("policy_read_file: a missing file");
	CHECK_INT(policy_read_file("/nonexistent/voipfw.conf", &buf, &len), -1);
	unit_case("policy_read_file: a directory");
	CHECK_INT(policy_read_file("/", &buf, &len), -1);
}

int main(void)
{
	test_example();
	test_builtins();
	test_valid();
	test_sip_settings();
	test_errors();
	test_limits();
	test_null();
	test_read_file();
	return unit_summary("policy");
}
