// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_policy.c - libFuzzer target: voipfw.conf(5) through policy_parse().
 *
 * Beyond "no crash, no leak, no UB": a model that comes back keeps every
 * promise policy.h makes (names well formed, zones non-empty and
 * disjoint, prefixes without host bits, port ranges ordered, references
 * resolved), and an error always names a place inside the input.
 * Every model also goes through the nft compiler (policy_nft.c): it
 * returns a script whose every rule names its origin in a comment.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "policy/policy.h"
#include "policy/policy_nft.h"
#include "sip/sip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ASSERT(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "fuzz_policy: broken: %s\n", #c);	\
		abort();						\
	}								\
} while (0)

static void check_name(const char *name)
{
	size_t n = strnlen(name, POLICY_NAME_MAX + 1), i;

	ASSERT(n >= 1 && n <= POLICY_NAME_MAX);
	ASSERT(name[0] >= 'a' && name[0] <= 'z');
	for (i = 0; i < n; i++)
		ASSERT((name[i] >= 'a' && name[i] <= 'z') ||
		       (name[i] >= '0' && name[i] <= '9') ||
		       name[i] == '-' || name[i] == '_');
}

static void check_loc(struct policy_loc loc, uint32_t lines)
{
	ASSERT(loc.line >= 1 && loc.line <= lines && loc.col >= 1 &&
	       loc.col <= POLICY_LINE_MAX + 1);
}

/* max-headers, max-forwards and require as policy.h promises them */
static void check_header_limits(const struct policy_zone_sip *sip,
				uint32_t lines)
{
	unsigned int i, j;

	ASSERT(sip->max_headers == 0 ||
	       (sip->max_headers >= 8 && sip->max_headers <= SIP_MAX_HEADERS));
	ASSERT(sip->max_forwards >= -1 && sip->max_forwards <= 255);
	ASSERT((sip->max_forwards >= 0) == (sip->max_forwards_loc.line != 0));
	ASSERT(sip->n_require <= POLICY_ZONE_MAX_REQUIRE);
	ASSERT((sip->n_require > 0) == (sip->require_loc.line != 0));
	for (i = 0; i < sip->n_require; i++) {
		const struct policy_header *h = &sip->require[i];
		size_t n = strnlen(h->name, POLICY_HEADER_NAME_MAX + 1);

		ASSERT(n >= 1 && n <= POLICY_HEADER_NAME_MAX);
		for (j = 0; j < n; j++)
			ASSERT((h->name[j] >= 'a' && h->name[j] <= 'z') ||
			       (h->name[j] >= 'A' && h->name[j] <= 'Z') ||
			       (h->name[j] >= '0' && h->name[j] <= '9') ||
			       strchr("-._", h->name[j]));
		ASSERT(h->id == sip_hdr_lookup(span_make(h->name, n)));
		check_loc(h->loc, lines);
		for (j = 0; j < i; j++) {
			ASSERT(!span_eq_ci(span_make(h->name, n),
					   span_make(sip->require[j].name,
						     strlen(sip->require[j].name))));
			ASSERT(h->id == SIP_HDR_OTHER ||
			       h->id != sip->require[j].id);
		}
	}
}

static void check_model(const struct policy *pol, uint32_t lines)
{
	unsigned int z, i, j, k;

	ASSERT(pol->n_zones <= POLICY_MAX_ZONES);
	ASSERT(pol->n_rules <= POLICY_MAX_RULES);
	ASSERT(pol->n_file_services <= POLICY_MAX_SERVICES);
	for (z = 0; z < pol->n_zones; z++) {
		const struct policy_zone *zone = &pol->zones[z];

		check_name(zone->name);
		check_loc(zone->loc, lines);
		ASSERT(strcmp(zone->name, "any"));
		ASSERT(zone->n_ifaces + zone->n_vlans + zone->n_subnets > 0);
		for (i = 0; i < zone->n_ifaces; i++) {
			size_t n = strnlen(zone->ifaces[i].name,
					   POLICY_IFNAME_MAX + 1);

			ASSERT(n >= 1 && n <= POLICY_IFNAME_MAX);
			check_loc(zone->ifaces[i].loc, lines);
			for (k = 0; k < z; k++)
				for (j = 0; j < pol->zones[k].n_ifaces; j++)
					ASSERT(strcmp(pol->zones[k].ifaces[j].name,
						      zone->ifaces[i].name));
		}
		for (i = 0; i < zone->n_vlans; i++)
			ASSERT(zone->vlans[i].id >= 1 && zone->vlans[i].id <= 4094);
		for (i = 0; i < zone->n_subnets; i++) {
			const struct policy_subnet *s = &zone->subnets[i];
			unsigned int max = s->family == AF_INET ? 32 : 128, b;

			ASSERT(s->family == AF_INET || s->family == AF_INET6);
			ASSERT(s->plen <= max);
			for (b = s->plen; b < max; b++)
				ASSERT(!(s->addr[b / 8] & (0x80 >> (b % 8))));
		}
		ASSERT(zone->sip.strictness == SIP_POLICY_DEFAULT ||
		       zone->sip.strictness == SIP_POLICY_STRICT);
		check_header_limits(&zone->sip, lines);
		if (policy_zone_find(pol, zone->name) != (int)z)
			ASSERT(0);
	}
	for (i = 0; i < pol->n_services; i++) {
		const struct policy_service *s = &pol->services[i];

		check_name(s->name);
		ASSERT(s->media == (s->n_ports == 0));
		ASSERT(s->builtin == (s->loc.line == 0));
		for (j = 0; j < s->n_ports; j++) {
			ASSERT(s->ports[j].proto == IPPROTO_UDP ||
			       s->ports[j].proto == IPPROTO_TCP);
			ASSERT(s->ports[j].lo >= 1 &&
			       s->ports[j].lo <= s->ports[j].hi);
		}
	}
	for (i = 0; i < pol->n_rules; i++) {
		const struct policy_rule *r = &pol->rules[i];

		check_loc(r->loc, lines);
		ASSERT(r->from.index == POLICY_ZONE_ANY ||
		       (r->from.index >= 0 && r->from.index < (int)pol->n_zones));
		ASSERT(r->to.index == POLICY_ZONE_ANY ||
		       (r->to.index >= 0 && r->to.index < (int)pol->n_zones));
		ASSERT(r->n_services || r->action == POLICY_DROP);
		for (j = 0; j < r->n_services; j++)
			ASSERT(r->services[j].index >= 0 &&
			       r->services[j].index < (int)pol->n_services);
	}
	for (i = 0; i < __POLICY_DSCP_MAX; i++)
		ASSERT(pol->qos.dscp[i] <= 63);
}

/* The script: every line inside a chain is a comment, a chain's type
 * line, or a rule that ends with its origin's comment. */
static void check_compile(const struct policy *pol)
{
	char *script, *warn, *line, *end;

	script = policy_nft_compile(pol, &warn);
	ASSERT(script);
	for (line = script; *line; line = end + 1) {
		end = strchr(line, '\n');
		ASSERT(end);
		*end = '\0';
		if (!strncmp(line, "\t\t", 2) && line[2] != '#' &&
		    strncmp(line + 2, "type ", 5))
			ASSERT(strstr(line, " comment \""));
	}
	free(script);
	free(warn);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct policy_error err;
	struct policy *pol;
	uint32_t lines = 1;
	size_t i;

	for (i = 0; i < size; i++)
		if (data[i] == '\n')
			lines++;
	pol = policy_parse((const char *)data, size, "fuzz.conf", &err);
	if (pol) {
		check_model(pol, lines);
		check_compile(pol);
		policy_free(pol);
		return 0;
	}
	ASSERT(err.sys_errno == 0);
	ASSERT(err.msg[0]);
	ASSERT(!strncmp(err.text, "fuzz.conf:", 10));
	check_loc(err.loc, lines);
	return 0;
}
