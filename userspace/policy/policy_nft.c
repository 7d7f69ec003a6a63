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

/* The bridge chain's sides of a rule's FROM or TO. */
static void ref_sides(struct compile *c, struct sides *s,
		      const struct policy_ref *r)
{
	unsigned int i;

	if (r->index != POLICY_ZONE_ANY)
		bridge_zone_sides(s, &c->pol->zones[r->index]);
	else
		for (i = 0; i < c->pol->n_zones; i++)
			bridge_zone_sides(s, &c->pol->zones[i]);
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
	return put_bridge_pair(c, from, to);
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
	if (ok && !c->lines)
		sb_printf(&c->out, "\t\t# never bridged in a VLAN of "
			  "these zones: nothing\n");
	sides_free(&f);
	sides_free(&t);
	return ok;
}

/* zones_bridge: the matrix as a list, in file order */
static bool put_bridge(struct compile *c)
{
	static const struct policy_ref any = { .name = "any",
					       .index = POLICY_ZONE_ANY };
	const struct policy *pol = c->pol;
	unsigned int i;

	sb_printf(&c->out, "\tchain " POLICY_NFT_CHAIN_BRIDGE " {\n"
		  "\t\t# replies of allowed connections (needs conntrack, "
		  "nf_conntrack_bridge)\n"
		  "\t\tct state established,related accept "
		  "comment \"voipfw: replies\"\n");
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

/* ---- the forward chains: zones once, then one pair's rules -------------- */

/*
 * zones_forward does not try the rules one by one: it finds the packet's
 * source zone with verdict maps (one lookup per form of zone), goes to
 * that zone's chain zf_SRC, which finds the destination zone the same
 * way and goes to the pair's chain zp_SRC.DST, which holds only the
 * rules of that pair (`any` rules included) in file order, then the
 * policy.  policy_nft.h has the layout and the precedence of a packet
 * in two zones.
 */
#define FAM_V4	1u
#define FAM_V6	2u

/* The families zone @i can hold in the inet chains; 0: not compiled there. */
static unsigned int zone_fams(const struct compile *c, unsigned int i)
{
	const struct policy_zone *z = &c->pol->zones[i];

	if (c->skip[i])
		return 0;
	if (!z->n_subnets)
		return FAM_V4 | FAM_V6;
	return (zone_has_family(z, AF_INET) ? FAM_V4 : 0) |
	       (zone_has_family(z, AF_INET6) ? FAM_V6 : 0);
}

static bool ref_has(const struct policy_ref *r, unsigned int zone)
{
	return r->index == POLICY_ZONE_ANY || r->index == (int)zone;
}

/*
 * @pair:   per (source, destination) zone, n_zones * n_zones: the pair has
 *          a chain zp_SRC.DST (rules, or a policy that is not accept)
 * @from:   per source zone: it has a chain zf_SRC (a pair of it has one)
 */
struct fwd {
	bool	*pair;
	bool	*from;
};

static bool fwd_plan(struct compile *c, struct fwd *f)
{
	const struct policy *pol = c->pol;
	unsigned int n = pol->n_zones, s, d, i;

	f->pair = calloc(n ? n * n : 1, sizeof(*f->pair));
	f->from = calloc(n ? n : 1, sizeof(*f->from));
	if (!f->pair || !f->from)
		return false;
	for (s = 0; s < n; s++)
		for (d = 0; d < n; d++) {
			bool *p = &f->pair[s * n + d];

			if (!(zone_fams(c, s) & zone_fams(c, d)))
				continue;
			*p = pol->policy != POLICY_ACCEPT;
			for (i = 0; !*p && i < pol->n_rules; i++)
				*p = ref_has(&pol->rules[i].from, s) &&
				     ref_has(&pol->rules[i].to, d);
			f->from[s] |= *p;
		}
	/* `signalling tls-only` is checked in the zone's zf_ chain, whatever
	 * the destination: it needs one */
	for (s = 0; s < n; s++)
		f->from[s] |= pol->zones[s].sip.tls_only && zone_fams(c, s);
	return true;
}

static void fwd_free(struct fwd *f)
{
	free(f->pair);
	free(f->from);
}

/* "10.0.20.0/24", "10.0.10.5" (a host prefix as nft prints it) */
static void put_subnet(struct sbuf *b, const struct policy_subnet *sn)
{
	char a[64];

	policy_subnet_format(sn, a, sizeof(a));
	if (sn->plen == (sn->family == AF_INET ? 32 : 128))
		*strchr(a, '/') = '\0';
	sb_printf(b, "%s", a);
}

/*
 * The forms a zone side takes, one verdict map each, in this order: the
 * first map that knows the packet decides its zone.  Zones never share
 * an interface or overlapping subnets (policy_check.c), so the only
 * packets two maps know are those of a zone of subnets alone that cross
 * an interface of a zone of interfaces alone (a SIP trunk's addresses
 * behind the WAN): the subnets come first, the more specific zone wins.
 */
enum zone_form {
	FORM_ADDR4,	/* subnets alone: ip saddr */
	FORM_ADDR6,
	FORM_IF_ADDR4,	/* interfaces and IPv4 subnets: iifname . ip saddr */
	FORM_IF_ADDR6,
	FORM_IF,	/* interfaces alone: iifname */
	__FORM_MAX
};

/*
 * The verdict maps that take a packet to the chain of its zone: the
 * source zone in zones_forward (@src < 0), the destination zone in
 * zf_SRC (@src the source zone).  A zone without a chain (nothing to
 * check for it) maps to accept: it must still be found, or a packet of
 * it would go on to the maps of zones of subnets alone.
 */
static void put_dispatch(struct compile *c, const struct fwd *f, int src)
{
	static const char *const keys[2][__FORM_MAX] = {
		{ "ip saddr", "ip6 saddr", "iifname . ip saddr",
		  "iifname . ip6 saddr", "iifname" },
		{ "ip daddr", "ip6 daddr", "oifname . ip daddr",
		  "oifname . ip6 daddr", "oifname" },
	};
	const struct policy *pol = c->pol;
	unsigned int n = pol->n_zones, form, z, i, j;
	unsigned int sf = src < 0 ? FAM_V4 | FAM_V6 : zone_fams(c, src);

	for (form = 0; form < __FORM_MAX; form++) {
		int family = form == FORM_IF_ADDR4 || form == FORM_ADDR4 ?
			     AF_INET : form == FORM_IF ? 0 : AF_INET6;
		unsigned int fam = family == AF_INET ? FAM_V4 :
				   family ? FAM_V6 : FAM_V4 | FAM_V6;
		struct sbuf e = { 0 };
		unsigned int ne = 0;

		if (!(sf & fam))
			continue;
		for (z = 0; z < n; z++) {
			const struct policy_zone *zz = &pol->zones[z];
			char target[2 * POLICY_NAME_MAX + 16];

			if (!(zone_fams(c, z) & sf & fam) ||
			    !zz->n_ifaces != (form <= FORM_ADDR6) ||
			    !zz->n_subnets != (form == FORM_IF))
				continue;
			if (src < 0 && f->from[z])
				snprintf(target, sizeof(target), "goto "
					 POLICY_NFT_CHAIN_FROM "%s", zz->name);
			else if (src >= 0 && f->pair[src * n + z])
				snprintf(target, sizeof(target), "goto "
					 POLICY_NFT_CHAIN_PAIR "%s.%s",
					 pol->zones[src].name, zz->name);
			else
				snprintf(target, sizeof(target), "accept");
			for (i = 0; i < (zz->n_ifaces ? zz->n_ifaces : 1); i++)
				for (j = 0; j < (zz->n_subnets ? zz->n_subnets : 1);
				     j++) {
					if (family && zz->subnets[j].family != family)
						continue;
					sb_printf(&e, "%s", ne++ ? ", " : "");
					if (zz->n_ifaces)
						sb_printf(&e, "\"%s\"%s",
							  zz->ifaces[i].name,
							  family ? " . " : "");
					if (family)
						put_subnet(&e, &zz->subnets[j]);
					sb_printf(&e, " : %s", target);
				}
		}
		if (ne)
			sb_printf(&c->out, "\t\t%s vmap { %s } comment "
				  "\"voipfw: %s zone\"\n", keys[src >= 0][form],
				  e.p, src < 0 ? "source" : "destination");
		c->out.oom |= e.oom;
		free(e.p);
	}
}

struct range {
	unsigned int	lo, hi;
};

static int range_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/*
 * The ports of rule @r's services as one match: "udp dport 5060",
 * "tcp dport { 80, 443 }", or, with both protocols, "meta l4proto . th
 * dport { udp . 53, tcp . 53 }"; ranges of one protocol sorted and
 * merged (an interval set refuses overlapping elements, and two services
 * may share ports).  False when the rule has no ports (media alone).
 */
static bool put_rule_ports(struct sbuf *b, const struct policy *pol,
			   const struct policy_rule *r)
{
	struct range v[2][POLICY_RULE_MAX_SERVICES * POLICY_SERVICE_MAX_PORTS];
	unsigned int n[2] = { 0, 0 }, p, i, j, k;

	for (i = 0; i < r->n_services; i++) {
		const struct policy_service *svc =
			&pol->services[r->services[i].index];

		for (j = 0; j < svc->n_ports; j++) {
			p = svc->ports[j].proto == IPPROTO_UDP ? 0 : 1;
			v[p][n[p]++] = (struct range){ svc->ports[j].lo,
						       svc->ports[j].hi };
		}
	}
	for (p = 0; p < 2; p++) {
		qsort(v[p], n[p], sizeof(v[p][0]), range_cmp);
		for (k = 0, i = 0; i < n[p]; i++) {
			if (k && v[p][i].lo <= v[p][k - 1].hi + 1) {
				if (v[p][i].hi > v[p][k - 1].hi)
					v[p][k - 1].hi = v[p][i].hi;
				continue;
			}
			v[p][k++] = v[p][i];
		}
		n[p] = k;
	}
	if (!n[0] && !n[1])
		return false;
	if (n[0] && n[1])
		sb_printf(b, "meta l4proto . th dport { ");
	else
		sb_printf(b, "%s dport %s", proto_str(protos[n[0] ? 0 : 1]),
			  n[0] + n[1] > 1 ? "{ " : "");
	for (k = 0, p = 0; p < 2; p++)
		for (i = 0; i < n[p]; i++) {
			sb_printf(b, "%s", k++ ? ", " : "");
			if (n[0] && n[1])
				sb_printf(b, "%s . ", proto_str(protos[p]));
			sb_printf(b, "%u", v[p][i].lo);
			if (v[p][i].hi != v[p][i].lo)
				sb_printf(b, "-%u", v[p][i].hi);
		}
	sb_printf(b, "%s", n[0] + n[1] > 1 ? " }" : "");
	return true;
}

/* The ports of service @name as put_rule_ports() writes them; false when
 * the service is missing, media, or out of memory. */
static bool put_service_ports(struct compile *c, struct sbuf *b,
			      const char *name)
{
	int i = policy_service_find(c->pol, name);
	struct policy_rule r = { .n_services = 1 };

	if (i < 0 || c->pol->services[i].media)
		return false;
	r.services[0].index = i;
	return put_rule_ports(b, c->pol, &r) && !b->oom;
}

/*
 * `signalling tls-only` of zone @s, in its zf_ chain ahead of the
 * destination: whatever the rules allow, and wherever the packet goes
 * (a declared zone or not), SIP over TLS goes only to the servers when
 * the setting names any, and SIP on the sip service's ports not at all.
 * A family without servers gets no TLS.
 */
static void put_tls_only(struct compile *c, unsigned int s)
{
	static const struct {
		int		family;
		unsigned int	fam;
		const char	*daddr, *nfproto;
	} fams[] = {
		{ AF_INET, FAM_V4, "ip daddr", "ipv4" },
		{ AF_INET6, FAM_V6, "ip6 daddr", "ipv6" },
	};
	const struct policy_zone_sip *sip = &c->pol->zones[s].sip;
	const struct policy_loc *loc = &sip->signalling_loc;
	struct sbuf tls = { 0 }, plain = { 0 };
	unsigned int f, i, n;

	sb_printf(&c->out, "\t\t# %s:%u: signalling tls-only: SIP over TLS "
		  "%s, plaintext SIP never\n", c->file, loc->line,
		  sip->n_sip_servers ? "to the servers only" :
		  "where the rules allow");
	if (sip->n_sip_servers && put_service_ports(c, &tls, "sip-tls")) {
		for (f = 0; f < 2; f++) {
			if (!(zone_fams(c, s) & fams[f].fam))
				continue;
			for (n = 0, i = 0; i < sip->n_sip_servers; i++)
				n += sip->sip_servers[i].family == fams[f].family;
			if (!n) {
				sb_printf(&c->out, "\t\tmeta nfproto %s %s "
					  "counter drop ", fams[f].nfproto, tls.p);
				put_comment(c, loc, "");
				continue;
			}
			sb_printf(&c->out, "\t\t%s != %s", fams[f].daddr,
				  n > 1 ? "{ " : "");
			for (n = 0, i = 0; i < sip->n_sip_servers; i++) {
				if (sip->sip_servers[i].family != fams[f].family)
					continue;
				sb_printf(&c->out, "%s", n++ ? ", " : "");
				put_subnet(&c->out, &sip->sip_servers[i]);
			}
			sb_printf(&c->out, "%s %s counter drop ",
				  n > 1 ? " }" : "", tls.p);
			put_comment(c, loc, "");
		}
	}
	if (put_service_ports(c, &plain, "sip")) {
		sb_printf(&c->out, "\t\t%s counter drop ", plain.p);
		put_comment(c, loc, "");
	}
	c->out.oom |= tls.oom || plain.oom;
	free(tls.p);
	free(plain.p);
}

/* Rule @r in a pair chain whose packets are of the families @fams. */
static void put_pair_rule(struct compile *c, const struct policy_rule *r,
			  unsigned int fams)
{
	const char *verdict = verdict_str(r->action);
	struct sbuf ports = { 0 };
	bool media = false;
	unsigned int i, k;

	sb_printf(&c->out, "\t\t# %s:%u: %s %s -> %s\n", c->file, r->loc.line,
		  r->action == POLICY_ACCEPT ? "allow" : "deny", r->from.name,
		  r->to.name);
	if (!r->n_services) {
		sb_printf(&c->out, "\t\tcounter %s ", verdict);
		put_comment(c, &r->loc, "");
		return;
	}
	for (i = 0; i < r->n_services; i++)
		media |= c->pol->services[r->services[i].index].media;
	if (put_rule_ports(&ports, c->pol, r) && !ports.oom) {
		sb_printf(&c->out, "\t\t%s counter %s ", ports.p, verdict);
		put_comment(c, &r->loc, "");
	}
	c->out.oom |= ports.oom;
	free(ports.p);
	if (!media)
		return;
	for (k = 0; k < N_PINHOLE_SETS; k++) {
		if (!(fams & (pinhole_sets[k].family == AF_INET ?
			      FAM_V4 : FAM_V6)))
			continue;
		sb_printf(&c->out, "\t\t%s counter %s ", pinhole_sets[k].match,
			  verdict);
		put_comment(c, &r->loc, "");
	}
}

static void put_pair_chain(struct compile *c, unsigned int s, unsigned int d)
{
	const struct policy *pol = c->pol;
	const char *sn = pol->zones[s].name, *dn = pol->zones[d].name;
	unsigned int i;

	sb_printf(&c->out, "\tchain " POLICY_NFT_CHAIN_PAIR "%s.%s {\n"
		  "\t\t# %s -> %s: the rules of this pair in file order, "
		  "then the policy\n", sn, dn, sn, dn);
	for (i = 0; i < pol->n_rules; i++)
		if (ref_has(&pol->rules[i].from, s) &&
		    ref_has(&pol->rules[i].to, d))
			put_pair_rule(c, &pol->rules[i],
				      zone_fams(c, s) & zone_fams(c, d));
	sb_printf(&c->out, "\t\tcounter %s ", verdict_str(pol->policy));
	put_comment(c, &pol->policy_loc, pol->policy == POLICY_DROP ?
		    "policy drop (default)" : "policy accept");
	sb_printf(&c->out, "\t}\n");
}

/*
 * The chains under zones_forward, source zone by source zone in file
 * order, each zf_ chain followed by its pairs': with @decl empty
 * declarations (the script's head), else with their rules.
 */
static void put_tree(struct compile *c, const struct fwd *f, bool decl)
{
	const struct policy *pol = c->pol;
	unsigned int n = pol->n_zones, s, d;

	for (s = 0; s < n; s++) {
		const char *sn = pol->zones[s].name;

		if (!f->from[s])
			continue;
		sb_printf(&c->out, "\tchain " POLICY_NFT_CHAIN_FROM "%s {\n", sn);
		if (!decl) {
			if (pol->zones[s].sip.tls_only)
				put_tls_only(c, s);
			sb_printf(&c->out, "\t\t# from %s: the destination "
				  "zone, once\n", sn);
			put_dispatch(c, f, s);
		}
		sb_printf(&c->out, "\t}\n");
		for (d = 0; d < n; d++) {
			if (!f->pair[s * n + d])
				continue;
			if (decl)
				sb_printf(&c->out, "\tchain " POLICY_NFT_CHAIN_PAIR
					  "%s.%s {\n\t}\n", sn,
					  pol->zones[d].name);
			else
				put_pair_chain(c, s, d);
		}
	}
}

static void put_flushes(struct compile *c, const struct fwd *f)
{
	const struct policy *pol = c->pol;
	unsigned int n = pol->n_zones, s, d;

	for (s = 0; s < n; s++) {
		if (!f->from[s])
			continue;
		sb_printf(&c->out, "flush chain inet " NFTTAB_TABLE " "
			  POLICY_NFT_CHAIN_FROM "%s\n", pol->zones[s].name);
		for (d = 0; d < n; d++)
			if (f->pair[s * n + d])
				sb_printf(&c->out, "flush chain inet " NFTTAB_TABLE
					  " " POLICY_NFT_CHAIN_PAIR "%s.%s\n",
					  pol->zones[s].name, pol->zones[d].name);
	}
}

/* zones_forward and its tree */
static void put_forward(struct compile *c, const struct fwd *f)
{
	sb_printf(&c->out, "\tchain " POLICY_NFT_CHAIN_FORWARD " {\n"
		  "\t\t# replies of allowed connections (needs conntrack)\n"
		  "\t\tct state established,related accept "
		  "comment \"voipfw: replies\"\n"
		  "\t\t# the source zone, once; a zone of subnets alone "
		  "before one that names interfaces\n");
	put_dispatch(c, f, -1);
	sb_printf(&c->out, "\t}\n");
	put_tree(c, f, false);
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
	/* bridged VLAN traffic meets zones_bridge only, which has no
	 * per-zone chains: tls-only is for routed traffic (fail-open there,
	 * said) */
	for (i = 0; i < pol->n_zones; i++)
		if (pol->zones[i].sip.tls_only && pol->zones[i].n_vlans)
			warn(c, &pol->zones[i].sip.signalling_loc,
			     "signalling tls-only: enforced on routed traffic "
			     "only, not on zone '%s''s bridged VLANs",
			     pol->zones[i].name);
	/* a rule that allows what `signalling tls-only` drops ahead of it */
	for (i = 0; i < pol->n_rules; i++) {
		const struct policy_rule *r = &pol->rules[i];

		if (r->action != POLICY_ACCEPT || r->from.index == POLICY_ZONE_ANY ||
		    !pol->zones[r->from.index].sip.tls_only)
			continue;
		for (j = 0; j < r->n_services; j++)
			if (!strcmp(r->services[j].name, "sip"))
				warn(c, &r->services[j].loc,
				     "sip: zone '%s' is signalling tls-only "
				     "(line %u): its plaintext SIP is dropped "
				     "ahead of this rule", r->from.name,
				     pol->zones[r->from.index].sip.signalling_loc.line);
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
	struct fwd f = { 0 };

	if (warnings)
		*warnings = NULL;
	comment_name(c.file, pol->file);
	c.skip = calloc(pol->n_zones ? pol->n_zones : 1, sizeof(*c.skip));
	if (!c.skip)
		goto err;
	check_unsupported(&c);
	if (!fwd_plan(&c, &f))
		goto err;
	sb_printf(&c.out,
		  "# voipfw zone policy and QoS, compiled from %s.\n"
		  "# Chains of its own in voipfwd's table (zones_*, " POLICY_NFT_CHAIN_FROM
		  "*, " POLICY_NFT_CHAIN_PAIR "*): declared,\n"
		  "# flushed and refilled in one transaction; voipfwd's own chains\n"
		  "# and sets are left alone.\n"
		  "table inet " NFTTAB_TABLE " {\n"
		  "\tchain " POLICY_NFT_CHAIN_FORWARD " {\n"
		  "\t\ttype filter hook forward priority " POLICY_NFT_FORWARD_PRIO
		  "; policy accept;\n"
		  "\t}\n"
		  "\tchain " POLICY_NFT_CHAIN_QOS " {\n"
		  "\t\ttype filter hook postrouting priority " POLICY_NFT_QOS_PRIO
		  "; policy accept;\n"
		  "\t}\n", c.file);
	put_tree(&c, &f, true);
	sb_printf(&c.out, "}\n"
		  "flush chain inet " NFTTAB_TABLE " " POLICY_NFT_CHAIN_FORWARD "\n"
		  "flush chain inet " NFTTAB_TABLE " " POLICY_NFT_CHAIN_QOS "\n");
	put_flushes(&c, &f);
	sb_printf(&c.out, "table inet " NFTTAB_TABLE " {\n");
	put_forward(&c, &f);
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
		if (!put_bridge(&c))
			goto err;
		sb_printf(&c.out, "}\n");
	}
	if (c.out.oom || c.warn.oom)
		goto err;
	fwd_free(&f);
	free(c.skip);
	if (warnings && c.warn.len)
		*warnings = c.warn.p;
	else
		free(c.warn.p);
	return c.out.p;
err:
	fwd_free(&f);
	free(c.skip);
	free(c.out.p);
	free(c.warn.p);
	errno = ENOMEM;
	return NULL;
}

bool policy_nft_chain_is_policy(const char *name)
{
	return !strncmp(name, POLICY_NFT_CHAIN_FROM,
			sizeof(POLICY_NFT_CHAIN_FROM) - 1) ||
	       !strncmp(name, POLICY_NFT_CHAIN_PAIR,
			sizeof(POLICY_NFT_CHAIN_PAIR) - 1);
}

bool policy_nft_script_has_chain(const char *script, const char *name)
{
	const char *p = script, *end = strstr(script, "\nflush chain ");
	size_t n = strlen(name);

	/* the head of the script, up to the first flush, declares every
	 * inet chain, one per line */
	while ((p = strstr(p, "\n\tchain ")) && (!end || p < end)) {
		p += 8;
		if (!strncmp(p, name, n) && !strncmp(p + n, " {\n", 3))
			return true;
	}
	return false;
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
