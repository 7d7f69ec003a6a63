// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * policy_check.c - the checks that look across items: nothing two zones
 * claim, no overlapping ports in a service, and the names rules use.
 *
 * Zones must not overlap, so that a packet is in at most one zone per
 * side of the gateway and the compiler can map interfaces, VLANs and
 * prefixes to zones with plain nftables sets and maps (interval sets
 * refuse overlapping elements).  voipfw.conf(5) says no two zones claim
 * the same interface, VLAN or subnet; for prefixes we go further and
 * refuse any overlap, a prefix inside another included (10.0.10.5 in
 * 10.0.10.0/24): with nested prefixes the zone of a packet would depend
 * on a longest-match rule the file does not show.  Prefixes of one zone
 * must not overlap either (they are redundant, and an interval set
 * refuses them).
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "policy_int.h"

int policy_check_iface(const struct policy *pol, const char *name,
		       struct policy_loc loc, struct policy_error *err)
{
	unsigned int z, i;

	for (z = 0; z < pol->n_zones; z++) {
		const struct policy_zone *zone = &pol->zones[z];

		for (i = 0; i < zone->n_ifaces; i++)
			if (!strcmp(zone->ifaces[i].name, name))
				return policy_err(err, pol->file, loc,
					"interface '%s' already belongs to zone '%s' (line %u)",
					name, zone->name,
					zone->ifaces[i].loc.line);
	}
	return 0;
}

int policy_check_vlan(const struct policy *pol, unsigned int id,
		      const char *bridge, struct policy_loc loc,
		      struct policy_error *err)
{
	unsigned int z, i;

	for (z = 0; z < pol->n_zones; z++) {
		const struct policy_zone *zone = &pol->zones[z];

		for (i = 0; i < zone->n_vlans; i++)
			if (zone->vlans[i].id == id &&
			    !strcmp(zone->vlans[i].bridge, bridge))
				return policy_err(err, pol->file, loc,
					"VLAN %u on %s already belongs to zone '%s' (line %u)",
					id, bridge, zone->name,
					zone->vlans[i].loc.line);
	}
	return 0;
}

/* Do two prefixes of one family share an address? */
static bool subnet_overlap(const struct policy_subnet *a,
			   const struct policy_subnet *b)
{
	unsigned int plen = a->plen < b->plen ? a->plen : b->plen;
	unsigned int bytes = plen / 8, bits = plen % 8;

	if (a->family != b->family)
		return false;
	if (memcmp(a->addr, b->addr, bytes))
		return false;
	if (bits) {
		uint8_t mask = (uint8_t)(0xff << (8 - bits));

		if ((a->addr[bytes] & mask) != (b->addr[bytes] & mask))
			return false;
	}
	return true;
}

int policy_check_subnet(const struct policy *pol,
			const struct policy_subnet *sn,
			struct policy_error *err)
{
	char a[64], b[64];
	unsigned int z, i;

	for (z = 0; z < pol->n_zones; z++) {
		const struct policy_zone *zone = &pol->zones[z];

		for (i = 0; i < zone->n_subnets; i++) {
			const struct policy_subnet *o = &zone->subnets[i];

			if (!subnet_overlap(sn, o))
				continue;
			policy_subnet_format(sn, a, sizeof(a));
			if (o->plen == sn->plen)
				return policy_err(err, pol->file, sn->loc,
					"subnet %s already belongs to zone '%s' (line %u)",
					a, zone->name, o->loc.line);
			policy_subnet_format(o, b, sizeof(b));
			return policy_err(err, pol->file, sn->loc,
				"subnet %s overlaps %s of zone '%s' (line %u)",
				a, b, zone->name, o->loc.line);
		}
	}
	return 0;
}

/* @sn must overlap none of the @n prefixes of @list, the zone's @what. */
static int check_prefix_list(const struct policy *pol,
			     const struct policy_subnet *list, unsigned int n,
			     const struct policy_subnet *sn, const char *what,
			     struct policy_error *err)
{
	char a[64], b[64];
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct policy_subnet *o = &list[i];

		if (!subnet_overlap(sn, o))
			continue;
		policy_subnet_format(sn, a, sizeof(a));
		policy_subnet_format(o, b, sizeof(b));
		return policy_err(err, pol->file, sn->loc,
				  "%s %s overlaps %s %s (line %u)",
				  what, a, what, b, o->loc.line);
	}
	return 0;
}

int policy_check_trusted(const struct policy *pol, const struct policy_zone *z,
			 const struct policy_subnet *sn, struct policy_error *err)
{
	return check_prefix_list(pol, z->sip.trusted, z->sip.n_trusted, sn,
				 "trusted", err);
}

int policy_check_sip_server(const struct policy *pol,
			    const struct policy_zone *z,
			    const struct policy_subnet *sn,
			    struct policy_error *err)
{
	return check_prefix_list(pol, z->sip.sip_servers, z->sip.n_sip_servers,
				 sn, "server", err);
}

static void ports_format(const struct policy_ports *pr, char *buf,
			 size_t size)
{
	const char *proto = pr->proto == IPPROTO_TCP ? "tcp" : "udp";

	if (pr->lo == pr->hi)
		snprintf(buf, size, "%s %u", proto, pr->lo);
	else
		snprintf(buf, size, "%s %u-%u", proto, pr->lo, pr->hi);
}

int policy_check_ports(const struct policy_service *svc,
		       const struct policy_ports *pr,
		       const char *file, struct policy_error *err)
{
	char a[32], b[32];
	unsigned int i;

	for (i = 0; i < svc->n_ports; i++) {
		const struct policy_ports *o = &svc->ports[i];

		if (o->proto != pr->proto || pr->lo > o->hi || o->lo > pr->hi)
			continue;
		ports_format(pr, a, sizeof(a));
		ports_format(o, b, sizeof(b));
		return policy_err(err, file, pr->loc,
				  "%s overlaps %s in service '%s' (line %u)",
				  a, b, svc->name, o->loc.line);
	}
	return 0;
}

static int resolve_zone(const struct policy *pol, struct policy_ref *ref,
			struct policy_error *err)
{
	struct policy_suggest sg;
	unsigned int i;

	if (!strcmp(ref->name, "any")) {
		ref->index = POLICY_ZONE_ANY;
		return 0;
	}
	ref->index = policy_zone_find(pol, ref->name);
	if (ref->index >= 0)
		return 0;
	policy_suggest_init(&sg, ref->name, strlen(ref->name));
	for (i = 0; i < pol->n_zones; i++)
		policy_suggest_offer(&sg, pol->zones[i].name);
	policy_suggest_offer(&sg, "any");
	if (sg.best)
		return policy_err(err, pol->file, ref->loc,
				  "unknown zone '%s' (did you mean '%s'?)",
				  ref->name, sg.best);
	return policy_err(err, pol->file, ref->loc, "unknown zone '%s'",
			  ref->name);
}

static int resolve_service(const struct policy *pol, struct policy_ref *ref,
			   struct policy_error *err)
{
	struct policy_suggest sg;
	unsigned int i;

	ref->index = policy_service_find(pol, ref->name);
	if (ref->index >= 0)
		return 0;
	policy_suggest_init(&sg, ref->name, strlen(ref->name));
	for (i = 0; i < pol->n_services; i++)
		policy_suggest_offer(&sg, pol->services[i].name);
	if (sg.best)
		return policy_err(err, pol->file, ref->loc,
				  "unknown service '%s' (did you mean '%s'?)",
				  ref->name, sg.best);
	return policy_err(err, pol->file, ref->loc, "unknown service '%s'",
			  ref->name);
}

/*
 * Names in rules are resolved once the whole file is read: the language
 * is declarative, zones and services may come after the rules using them.
 * Only the order of the rules among themselves matters.
 */
int policy_resolve(struct policy *pol, struct policy_error *err)
{
	unsigned int r, s;

	for (r = 0; r < pol->n_rules; r++) {
		struct policy_rule *rule = &pol->rules[r];

		if (resolve_zone(pol, &rule->from, err) ||
		    resolve_zone(pol, &rule->to, err))
			return -1;
		for (s = 0; s < rule->n_services; s++)
			if (resolve_service(pol, &rule->services[s], err))
				return -1;
	}
	return 0;
}
