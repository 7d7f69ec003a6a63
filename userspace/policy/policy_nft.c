// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * policy_nft.c - voipfw.conf(5) to an nft script; the design is in
 * policy_nft.h.  Text only: nothing here talks to the kernel.
 */
#include <netinet/in.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nft/nfttab.h"
#include "policy/policy_nft.h"

/* ---- growing text -------------------------------------------------------- */

struct sbuf {
	char	*p;
	size_t	len;
	size_t	cap;
	bool	oom;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if ((size_t)n < room) {
			b->len += n;
			return;
		}
		{
			size_t cap = b->cap ? b->cap * 2 : 4096;
			char *p;

			while (cap - b->len <= (size_t)n)
				cap *= 2;
			p = realloc(b->p, cap);
			if (!p) {
				b->oom = true;
				return;
			}
			b->p = p;
			b->cap = cap;
		}
	}
}

/* ---- names of values ----------------------------------------------------- */

/* The DSCP names nft knows (nftables src/proto.c dscp_type), by value. */
static const struct {
	uint8_t		value;
	const char	*name;
} dscp_names[] = {
	{ 0, "cs0" }, { 8, "cs1" }, { 10, "af11" }, { 12, "af12" },
	{ 14, "af13" }, { 16, "cs2" }, { 18, "af21" }, { 20, "af22" },
	{ 22, "af23" }, { 24, "cs3" }, { 26, "af31" }, { 28, "af32" },
	{ 30, "af33" }, { 32, "cs4" }, { 34, "af41" }, { 36, "af42" },
	{ 38, "af43" }, { 40, "cs5" }, { 46, "ef" }, { 48, "cs6" },
	{ 56, "cs7" },
};

int policy_nft_dscp_format(uint8_t dscp, char *buf, size_t size)
{
	unsigned int i;

	for (i = 0; i < sizeof(dscp_names) / sizeof(dscp_names[0]); i++)
		if (dscp_names[i].value == dscp)
			return snprintf(buf, size, "%s", dscp_names[i].name);
	return snprintf(buf, size, "%u", dscp);
}

int policy_nft_priority_format(uint32_t prio, char *buf, size_t size)
{
	if (!prio)
		return snprintf(buf, size, "none");
	return snprintf(buf, size, "%x:%x", prio >> 16, prio & 0xffff);
}

/* ---- zone sides ---------------------------------------------------------- */

/*
 * The file's name in comments: its base name, cut to leave room in nft's
 * 128-byte comments, with every byte but [A-Za-z0-9._+-] as '_': the name
 * is the operator's, but it lands inside quotes and '#' lines of a script.
 */
#define POLICY_NFT_FILE_MAX	64

static void comment_name(char *out, const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *p = slash ? slash + 1 : path;
	size_t i;

	for (i = 0; p[i] && i < POLICY_NFT_FILE_MAX; i++)
		out[i] = (p[i] >= 'a' && p[i] <= 'z') ||
			 (p[i] >= 'A' && p[i] <= 'Z') ||
			 (p[i] >= '0' && p[i] <= '9') ||
			 strchr("._+-", p[i]) ? p[i] : '_';
	out[i] = '\0';
}

/*
 * One way a packet can be on one side (FROM or TO) of a rule: an
 * interface in any of @ifz's zones (none when @n_ifz is 0), in the
 * bridge chain a VLAN on a bridge (@vlan), and, when @family is set, an
 * address of that family in any of @subz's zones.  A zone reference
 * compiles to a few of these; a rule to their pairs.
 */
struct side {
	const struct policy_zone	**ifz;
	unsigned int			n_ifz;
	const struct policy_vlan	*vlan;	/* bridge chain only */
	int				family;	/* 0, AF_INET, AF_INET6 */
	const struct policy_zone	**subz;
	unsigned int			n_subz;
};

struct sides {
	struct side	*v;
	unsigned int	n;
	bool		oom;
};

/*
 * @bridge: compiling zones_bridge (table bridge voipfw), not zones_forward
 * @skip:   per zone: no routed side (VLANs, no interface): not in the
 *          inet chains, only in the bridge chain
 * @lines:  rule lines written by the current matrix cell
 */
struct compile {
	const struct policy	*pol;
	char			file[POLICY_NFT_FILE_MAX + 1];	/* for comments */
	struct sbuf		out;
	struct sbuf		warn;
	bool			bridge;
	bool			*skip;
	unsigned int		lines;
};

static bool zone_has_family(const struct policy_zone *z, int family)
{
	unsigned int i;

	for (i = 0; i < z->n_subnets; i++)
		if (z->subnets[i].family == family)
			return true;
	return false;
}

static const struct policy_zone **zlist(struct sides *s,
					const struct policy_zone *const *z,
					unsigned int n)
{
	const struct policy_zone **l;

	if (!n)
		return NULL;
	l = malloc(n * sizeof(*l));
	if (!l) {
		s->oom = true;
		return NULL;
	}
	memcpy(l, z, n * sizeof(*l));
	return l;
}

static void side_add_vlan(struct sides *s,
			  const struct policy_zone *const *ifz,
			  unsigned int n_ifz, const struct policy_vlan *vlan,
			  int family, const struct policy_zone *const *subz,
			  unsigned int n_subz)
{
	struct side *v;

	if (s->oom)
		return;
	v = realloc(s->v, (s->n + 1) * sizeof(*v));
	if (!v) {
		s->oom = true;
		return;
	}
	s->v = v;
	v = &s->v[s->n++];
	*v = (struct side){ .n_ifz = n_ifz, .vlan = vlan, .family = family,
			    .n_subz = n_subz };
	v->ifz = zlist(s, ifz, n_ifz);
	v->subz = zlist(s, subz, n_subz);
}

static void side_add(struct sides *s, const struct policy_zone *const *ifz,
		     unsigned int n_ifz, int family,
		     const struct policy_zone *const *subz, unsigned int n_subz)
{
	side_add_vlan(s, ifz, n_ifz, NULL, family, subz, n_subz);
}

static void sides_free(struct sides *s)
{
	unsigned int i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].ifz);
		free(s->v[i].subz);
	}
	free(s->v);
	*s = (struct sides){ 0 };
}

/* The sides of one zone: its interfaces and, per family, its subnets. */
static void zone_sides(struct sides *s, const struct policy_zone *z)
{
	static const int families[] = { AF_INET, AF_INET6 };
	unsigned int i;

	if (!z->n_subnets) {
		side_add(s, &z, 1, 0, NULL, 0);
		return;
	}
	for (i = 0; i < 2; i++)
		if (zone_has_family(z, families[i]))
			side_add(s, &z, z->n_ifaces ? 1 : 0, families[i],
				 &z, 1);
}

/*
 * `any`: every compiled zone.  Zones of interfaces alone share one side,
 * so do zones of subnets alone (per family): a union is the same match
 * in fewer lines.  Zones with both keep their own sides.
 */
static void any_sides(struct compile *c, struct sides *s)
{
	static const int families[] = { AF_INET, AF_INET6 };
	const struct policy *pol = c->pol;
	const struct policy_zone **l;
	unsigned int i, f, n;

	l = malloc((pol->n_zones ? pol->n_zones : 1) * sizeof(*l));
	if (!l) {
		s->oom = true;
		return;
	}
	for (n = 0, i = 0; i < pol->n_zones; i++)
		if (!c->skip[i] && !pol->zones[i].n_subnets)
			l[n++] = &pol->zones[i];
	if (n)
		side_add(s, l, n, 0, NULL, 0);
	for (f = 0; f < 2; f++) {
		for (n = 0, i = 0; i < pol->n_zones; i++) {
			const struct policy_zone *z = &pol->zones[i];

			if (!c->skip[i] && !z->n_ifaces &&
			    zone_has_family(z, families[f]))
				l[n++] = z;
		}
		if (n)
			side_add(s, NULL, 0, families[f], l, n);
	}
	for (i = 0; i < pol->n_zones; i++) {
		const struct policy_zone *z = &pol->zones[i];

		if (!c->skip[i] && z->n_ifaces && z->n_subnets)
			zone_sides(s, z);
	}
	free(l);
}

/*
 * The sides of one zone in the bridge chain: each VLAN (with the zone's
 * subnets, per family), and its interfaces as bridge ports, or its
 * subnets alone when it names neither: everything a bridged frame can
 * show of the zone.  Lines need a VLAN on one side (put_bridge_pair()).
 */
static void bridge_zone_sides(struct sides *s, const struct policy_zone *z)
{
	static const int families[] = { AF_INET, AF_INET6 };
	unsigned int i, f;

	for (i = 0; i < z->n_vlans; i++) {
		if (!z->n_subnets)
			side_add_vlan(s, NULL, 0, &z->vlans[i], 0, NULL, 0);
		for (f = 0; f < 2; f++)
			if (zone_has_family(z, families[f]))
				side_add_vlan(s, NULL, 0, &z->vlans[i],
					      families[f], &z, 1);
	}
	if (z->n_ifaces || !z->n_vlans)
		zone_sides(s, z);
}

static void ref_sides(struct compile *c, struct sides *s,
		      const struct policy_ref *r)
{
	unsigned int i;

	if (c->bridge) {
		if (r->index != POLICY_ZONE_ANY)
			bridge_zone_sides(s, &c->pol->zones[r->index]);
		else
			for (i = 0; i < c->pol->n_zones; i++)
				bridge_zone_sides(s, &c->pol->zones[i]);
	} else if (r->index == POLICY_ZONE_ANY) {
		any_sides(c, s);
	} else if (!c->skip[r->index]) {
		zone_sides(s, &c->pol->zones[r->index]);
	}
}

/* ---- printing a line ----------------------------------------------------- */

static void put_ifaces(struct sbuf *b, const char *key, const struct side *s)
{
	unsigned int i, j, n = 0;

	for (i = 0; i < s->n_ifz; i++)
		n += s->ifz[i]->n_ifaces;
	if (!n)
		return;
	sb_printf(b, "%s %s", key, n > 1 ? "{ " : "");
	for (n = 0, i = 0; i < s->n_ifz; i++)
		for (j = 0; j < s->ifz[i]->n_ifaces; j++)
			sb_printf(b, "%s\"%s\"", n++ ? ", " : "",
				  s->ifz[i]->ifaces[j].name);
	sb_printf(b, "%s ", n > 1 ? " }" : "");
}

static void put_addrs(struct sbuf *b, const char *key, const struct side *s)
{
	unsigned int i, j, n = 0;
	char a[64];

	if (!s->family)
		return;
	for (i = 0; i < s->n_subz; i++)
		for (j = 0; j < s->subz[i]->n_subnets; j++)
			n += s->subz[i]->subnets[j].family == s->family;
	sb_printf(b, "%s %s %s", s->family == AF_INET ? "ip" : "ip6", key,
		  n > 1 ? "{ " : "");
	for (n = 0, i = 0; i < s->n_subz; i++)
		for (j = 0; j < s->subz[i]->n_subnets; j++) {
			const struct policy_subnet *sn = &s->subz[i]->subnets[j];

			if (sn->family != s->family)
				continue;
			policy_subnet_format(sn, a, sizeof(a));
			/* a host prefix as nft prints it: no /32, /128 */
			if (sn->plen == (sn->family == AF_INET ? 32 : 128))
				*strchr(a, '/') = '\0';
			sb_printf(b, "%s%s", n++ ? ", " : "", a);
		}
	sb_printf(b, "%s ", n > 1 ? " }" : "");
}

/* comment "voipfw.conf:12", or "voipfw.conf: WHAT" for a default */
static void put_comment(struct compile *c, const struct policy_loc *loc,
			const char *what)
{
	c->lines++;
	if (loc->line)
		sb_printf(&c->out, "comment \"%s:%u\"\n", c->file, loc->line);
	else
		sb_printf(&c->out, "comment \"%s: %s\"\n", c->file, what);
}

/*
 * In the bridge chain: only pairs with a VLAN on one side (bridged
 * traffic between zones without VLANs is not the zone policy's: it had
 * no bridge table before VLANs and keeps none), and when both sides
 * have one, the same VLAN on the same bridge: a bridge forwards a frame
 * within its VLAN, so two different VLANs never meet in one frame.
 * `vlan id` stands before any ip/ip6 match: nft takes the network
 * header's protocol from the match before it (`ip saddr ... vlan id`
 * is refused).
 */
static bool put_bridge_pair(struct compile *c, const struct side *from,
			    const struct side *to)
{
	const struct policy_vlan *v = from->vlan ? from->vlan : to->vlan;

	if (!v || (from->vlan && to->vlan &&
		   (from->vlan->id != to->vlan->id ||
		    strcmp(from->vlan->bridge, to->vlan->bridge))))
		return false;
	sb_printf(&c->out, "\t\tmeta %s \"%s\" ",
		  from->vlan ? "ibrname" : "obrname", v->bridge);
	put_ifaces(&c->out, "iifname", from);
	put_ifaces(&c->out, "oifname", to);
	sb_printf(&c->out, "vlan id %u ", v->id);
	put_addrs(&c->out, "saddr", from);
	put_addrs(&c->out, "daddr", to);
	return true;
}

/* The match of one FROM side and one TO side; false: families differ,
 * or the pair is not one of the bridge chain's. */
static bool put_pair(struct compile *c, const struct side *from,
		     const struct side *to)
{
	if (from->family && to->family && from->family != to->family)
		return false;
	if (c->bridge)
		return put_bridge_pair(c, from, to);
	sb_printf(&c->out, "\t\t");
	put_ifaces(&c->out, "iifname", from);
	put_addrs(&c->out, "saddr", from);
	put_ifaces(&c->out, "oifname", to);
	put_addrs(&c->out, "daddr", to);
	return true;
}

static int pair_family(const struct side *from, const struct side *to)
{
	return from->family ? from->family : to->family;
}

/*
 * voipfwd's pinhole sets (userspace/nft/nfttab.c) and their keys; the
 * peer sets first, as in voipfwd's media chain: they hold most pinholes.
 */
static const struct {
	int		family;
	const char	*match;
} pinhole_sets[] = {
	{ AF_INET,  "ip daddr . udp dport . ip saddr @pinhole4_peer" },
	{ AF_INET,  "ip daddr . udp dport @pinhole4" },
	{ AF_INET6, "ip6 daddr . udp dport . ip6 saddr @pinhole6_peer" },
	{ AF_INET6, "ip6 daddr . udp dport @pinhole6" },
};

#define N_PINHOLE_SETS	(sizeof(pinhole_sets) / sizeof(pinhole_sets[0]))

static const uint8_t protos[] = { IPPROTO_UDP, IPPROTO_TCP };

static const char *proto_str(uint8_t proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

/* "5060", "{ 5060, 5061 }", "10000-20000"; false if @svc has none */
static bool put_ports(struct sbuf *b, const struct policy_service *svc,
		      uint8_t proto)
{
	unsigned int i, n = 0;

	for (i = 0; i < svc->n_ports; i++)
		n += svc->ports[i].proto == proto;
	if (!n)
		return false;
	sb_printf(b, "%s", n > 1 ? "{ " : "");
	for (n = 0, i = 0; i < svc->n_ports; i++) {
		const struct policy_ports *p = &svc->ports[i];

		if (p->proto != proto)
			continue;
		sb_printf(b, "%s%u", n++ ? ", " : "", p->lo);
		if (p->hi != p->lo)
			sb_printf(b, "-%u", p->hi);
	}
	sb_printf(b, "%s", n > 1 ? " }" : "");
	return true;
}

/* ---- the forward chain --------------------------------------------------- */

static const char *verdict_str(enum policy_action a)
{
	return a == POLICY_ACCEPT ? "accept" : "drop";
}

/* One rule's lines for one pair of sides. */
static void put_rule_pair(struct compile *c, const struct policy_rule *r,
			  const struct side *from, const struct side *to)
{
	const char *verdict = verdict_str(r->action);
	int family = pair_family(from, to);
	unsigned int i, j, k;

	if (!r->n_services) {
		if (put_pair(c, from, to)) {
			sb_printf(&c->out, "counter %s ", verdict);
			put_comment(c, &r->loc, "");
		}
		return;
	}
	for (i = 0; i < r->n_services; i++) {
		const struct policy_service *svc =
			&c->pol->services[r->services[i].index];

		if (svc->media) {
			/* fail-closed: voipfwd's pinholes are in its inet
			 * table and it follows routed calls only; bridged
			 * media is left to the policy (check_unsupported()
			 * warns) */
			if (c->bridge)
				continue;
			for (k = 0; k < N_PINHOLE_SETS; k++) {
				if (family && family != pinhole_sets[k].family)
					continue;
				if (!put_pair(c, from, to))
					return;
				sb_printf(&c->out, "%s counter %s ",
					  pinhole_sets[k].match, verdict);
				put_comment(c, &r->loc, "");
			}
			continue;
		}
		for (j = 0; j < sizeof(protos); j++) {
			struct sbuf ports = { 0 };

			if (!put_ports(&ports, svc, protos[j]) || ports.oom) {
				c->out.oom |= ports.oom;
				free(ports.p);
				continue;
			}
			if (put_pair(c, from, to)) {
				sb_printf(&c->out, "%s dport %s counter %s ",
					  proto_str(protos[j]), ports.p,
					  verdict);
				put_comment(c, &r->loc, "");
			}
			free(ports.p);
		}
	}
}

/* The lines of FROM x TO: rule @r's, or the policy's when @r is NULL;
 * false when out of memory. */
static bool put_matrix_cell(struct compile *c, const struct policy_ref *from,
			    const struct policy_ref *to,
			    const struct policy_rule *r)
{
	struct sides f = { 0 }, t = { 0 };
	unsigned int i, j;
	bool ok;

	ref_sides(c, &f, from);
	ref_sides(c, &t, to);
	ok = !f.oom && !t.oom;
	c->lines = 0;
	for (i = 0; ok && i < f.n; i++)
		for (j = 0; j < t.n; j++) {
			if (r) {
				put_rule_pair(c, r, &f.v[i], &t.v[j]);
			} else if (put_pair(c, &f.v[i], &t.v[j])) {
				sb_printf(&c->out, "counter %s ",
					  verdict_str(c->pol->policy));
				put_comment(c, &c->pol->policy_loc,
					    c->pol->policy == POLICY_DROP ?
					    "policy drop (default)" :
					    "policy accept");
			}
		}
	if (ok && !c->bridge && (!f.n || !t.n))
		sb_printf(&c->out, "\t\t# no compiled zone on one side: "
			  "nothing\n");
	else if (ok && c->bridge && !c->lines)
		sb_printf(&c->out, "\t\t# never bridged in a VLAN of "
			  "these zones: nothing\n");
	sides_free(&f);
	sides_free(&t);
	return ok;
}

/* zones_forward, or zones_bridge when c->bridge: the same matrix */
static bool put_forward(struct compile *c)
{
	static const struct policy_ref any = { .name = "any",
					       .index = POLICY_ZONE_ANY };
	const struct policy *pol = c->pol;
	unsigned int i;

	sb_printf(&c->out, "\tchain %s {\n"
		  "\t\t# replies of allowed connections (needs conntrack%s)\n"
		  "\t\tct state established,related accept "
		  "comment \"voipfw: replies\"\n", c->bridge ?
		  POLICY_NFT_CHAIN_BRIDGE : POLICY_NFT_CHAIN_FORWARD,
		  c->bridge ? ", nf_conntrack_bridge" : "");
	if (c->bridge)
		/* the inet chain sees IP only; so does the matrix here:
		 * ARP and IPv6 neighbour discovery within a VLAN pass */
		sb_printf(&c->out, "\t\tvlan type != { ip, ip6 } accept "
			  "comment \"voipfw: not IP\"\n"
			  "\t\tvlan type ip6 meta l4proto ipv6-icmp icmpv6 "
			  "type { nd-router-solicit, nd-router-advert, "
			  "nd-neighbor-solicit, nd-neighbor-advert } accept "
			  "comment \"voipfw: neighbour discovery\"\n");
	for (i = 0; i < pol->n_rules; i++) {
		const struct policy_rule *r = &pol->rules[i];

		sb_printf(&c->out, "\t\t# %s:%u: %s %s -> %s\n", c->file,
			  r->loc.line, r->action == POLICY_ACCEPT ?
			  "allow" : "deny", r->from.name, r->to.name);
		if (!put_matrix_cell(c, &r->from, &r->to, r))
			return false;
	}
	sb_printf(&c->out, "\t\t# between zones, no rule matched\n");
	if (!put_matrix_cell(c, &any, &any, NULL))
		return false;
	sb_printf(&c->out, "\t}\n");
	return true;
}

/* ---- the qos chain ------------------------------------------------------- */

static void put_sip_qos(struct compile *c, const char *service,
			enum policy_dscp_slot slot)
{
	const struct policy_qos *q = &c->pol->qos;
	int i = policy_service_find(c->pol, service);
	static const char *const ipk[] = { "ip", "ip6" };
	static const char *const dir[] = { "dport", "sport" };
	const struct policy_service *svc;
	unsigned int p, d, f;
	char dscp[8];

	if (i < 0 || c->pol->services[i].media)
		return;
	svc = &c->pol->services[i];
	policy_nft_dscp_format(q->dscp[slot], dscp, sizeof(dscp));
	for (p = 0; p < sizeof(protos); p++)
		for (d = 0; d < 2; d++)
			for (f = 0; f < 2; f++) {
				struct sbuf ports = { 0 };

				if (!put_ports(&ports, svc, protos[p]) ||
				    ports.oom) {
					c->out.oom |= ports.oom;
					free(ports.p);
					continue;
				}
				sb_printf(&c->out, "\t\t%s %s %s %s dscp set %s ",
					  proto_str(protos[p]), dir[d], ports.p,
					  ipk[f], dscp);
				put_comment(c, &q->dscp_loc[slot], "qos default");
				free(ports.p);
			}
}

static void put_qos(struct compile *c)
{
	const struct policy_qos *q = &c->pol->qos;
	const struct policy_loc *loc = &q->dscp_loc[POLICY_DSCP_RTP];
	char dscp[8], prio[16];
	unsigned int k;

	sb_printf(&c->out, "\tchain " POLICY_NFT_CHAIN_QOS " {\n"
		  "\t\t# SIP by the ports of the services sip and sip-tls\n");
	put_sip_qos(c, "sip", POLICY_DSCP_SIP);
	put_sip_qos(c, "sip-tls", POLICY_DSCP_SIP_TLS);
	sb_printf(&c->out, "\t\t# media: voipfwd's pinholes\n");
	policy_nft_dscp_format(q->dscp[POLICY_DSCP_RTP], dscp, sizeof(dscp));
	policy_nft_priority_format(q->priority, prio, sizeof(prio));
	if (!loc->line)
		loc = q->priority_loc.line ? &q->priority_loc :
		      &q->dscp_loc[POLICY_DSCP_SRTP];
	for (k = 0; k < N_PINHOLE_SETS; k++) {
		sb_printf(&c->out, "\t\t%s %s dscp set %s ", pinhole_sets[k].match,
			  pinhole_sets[k].family == AF_INET ? "ip" : "ip6",
			  dscp);
		if (q->priority)
			sb_printf(&c->out, "meta priority set %s ", prio);
		put_comment(c, loc, "qos default");
	}
	sb_printf(&c->out, "\t}\n");
}

/* ---- the script ---------------------------------------------------------- */

static void warn(struct compile *c, const struct policy_loc *loc,
		 const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void warn(struct compile *c, const struct policy_loc *loc,
		 const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sb_printf(&c->warn, "%s:%u:%u: warning: %s\n", c->pol->file,
		  loc->line, loc->col, msg);
}

/* A zone reference that can stand for bridged traffic of a VLAN. */
static bool ref_bridged(const struct policy *pol, const struct policy_ref *r)
{
	return r->index == POLICY_ZONE_ANY ? policy_nft_bridged(pol) :
	       pol->zones[r->index].n_vlans > 0;
}

static void check_unsupported(struct compile *c)
{
	const struct policy *pol = c->pol;
	const struct policy_qos *q = &pol->qos;
	unsigned int i, j;

	/* VLANs without an interface: no routed side, bridge chain only */
	for (i = 0; i < pol->n_zones; i++)
		c->skip[i] = pol->zones[i].n_vlans && !pol->zones[i].n_ifaces;
	for (i = 0; i < pol->n_rules; i++) {
		const struct policy_rule *r = &pol->rules[i];

		if (r->action != POLICY_ACCEPT ||
		    (!ref_bridged(pol, &r->from) && !ref_bridged(pol, &r->to)))
			continue;
		for (j = 0; j < r->n_services; j++)
			if (pol->services[r->services[j].index].media)
				warn(c, &r->services[j].loc,
				     "%s: not allowed in bridged VLANs: "
				     "voipfwd follows routed calls only, "
				     "its pinholes are not seen there",
				     r->services[j].name);
	}
	if (q->dscp[POLICY_DSCP_SRTP] != q->dscp[POLICY_DSCP_RTP]) {
		const struct policy_loc *loc = &q->dscp_loc[POLICY_DSCP_SRTP];

		warn(c, loc->line ? loc : &q->loc,
		     "srtp dscp differs from rtp dscp: pinholes do not say "
		     "which is which yet, all media is marked as rtp");
	}
}

char *policy_nft_compile(const struct policy *pol, char **warnings)
{
	struct compile c = { .pol = pol };

	if (warnings)
		*warnings = NULL;
	comment_name(c.file, pol->file);
	c.skip = calloc(pol->n_zones ? pol->n_zones : 1, sizeof(*c.skip));
	if (!c.skip)
		goto err;
	check_unsupported(&c);
	sb_printf(&c.out,
		  "# voipfw zone policy and QoS, compiled from %s.\n"
		  "# Two chains in voipfwd's table; re-applying replaces them in one\n"
		  "# transaction and leaves voipfwd's own chains and sets alone.\n"
		  "table inet " NFTTAB_TABLE " {\n"
		  "\tchain " POLICY_NFT_CHAIN_FORWARD " {\n"
		  "\t\ttype filter hook forward priority " POLICY_NFT_FORWARD_PRIO
		  "; policy accept;\n"
		  "\t}\n"
		  "\tchain " POLICY_NFT_CHAIN_QOS " {\n"
		  "\t\ttype filter hook postrouting priority " POLICY_NFT_QOS_PRIO
		  "; policy accept;\n"
		  "\t}\n"
		  "}\n"
		  "flush chain inet " NFTTAB_TABLE " " POLICY_NFT_CHAIN_FORWARD "\n"
		  "flush chain inet " NFTTAB_TABLE " " POLICY_NFT_CHAIN_QOS "\n"
		  "table inet " NFTTAB_TABLE " {\n", c.file);
	if (!put_forward(&c))
		goto err;
	put_qos(&c);
	sb_printf(&c.out, "}\n");
	if (policy_nft_bridged(pol)) {
		c.bridge = true;
		sb_printf(&c.out,
			  "# VLANs on bridges: a table of voipfw's own, declared, flushed\n"
			  "# and refilled in the same transaction.\n"
			  "table bridge " POLICY_NFT_BRIDGE_TABLE " {\n"
			  "\tchain " POLICY_NFT_CHAIN_BRIDGE " {\n"
			  "\t\ttype filter hook forward priority " POLICY_NFT_BRIDGE_PRIO
			  "; policy accept;\n"
			  "\t}\n"
			  "}\n"
			  "flush chain bridge " POLICY_NFT_BRIDGE_TABLE " "
			  POLICY_NFT_CHAIN_BRIDGE "\n"
			  "table bridge " POLICY_NFT_BRIDGE_TABLE " {\n");
		if (!put_forward(&c))
			goto err;
		sb_printf(&c.out, "}\n");
	}
	if (c.out.oom || c.warn.oom)
		goto err;
	free(c.skip);
	if (warnings && c.warn.len)
		*warnings = c.warn.p;
	else
		free(c.warn.p);
	return c.out.p;
err:
	free(c.skip);
	free(c.out.p);
	free(c.warn.p);
	errno = ENOMEM;
	return NULL;
}

bool policy_nft_bridged(const struct policy *pol)
{
	unsigned int i;

	for (i = 0; i < pol->n_zones; i++)
		if (pol->zones[i].n_vlans)
			return true;
	return false;
}

bool policy_nft_script_bridged(const char *script)
{
	return strstr(script, "\ntable bridge " POLICY_NFT_BRIDGE_TABLE " {\n");
}
