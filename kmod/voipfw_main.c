// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * voipfw_main.c - voipfw.ko: an in-kernel SIP pre-filter.  A netfilter
 * hook on IPv4 and IPv6 prerouting looks at UDP datagrams to the
 * configured SIP ports, drops requests from scanner User-Agents and
 * requests over their source's per-class rate, and passes the rest on to
 * the nft ruleset and voipfwd's queue as before.
 *
 * Hook priority: NF_IP_PRI_CONNTRACK_DEFRAG + 1 (-399).  After defrag
 * (-400), so a fragmented INVITE is judged whole when conntrack's defrag
 * is loaded; before raw (-300) and conntrack (-200), so a dropped flood
 * packet costs no conntrack entry, no nft rule evaluation and no trip
 * through NFQUEUE.
 *
 * Only the initial network namespace is filtered (the gateway's own);
 * the family is not netnsok, so only its administrator configures it.
 *
 * Verdicts when the module cannot judge, fail-open in every case (SIP
 * keeps working: voipfwd and the nft ruleset still judge what passes,
 * with the limits they had before the module):
 *   - no configuration loaded, or VOIPFW_F_ENABLED off: pass;
 *   - not a SIP request (responses, keepalives, garbage), a non-first
 *     fragment, a header that cannot be read: pass.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/genetlink.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>

#include "voipfw.h"

/* Known at load time only: the bucket array is sized from it once. */
static unsigned int max_sources = 65536;
module_param(max_sources, uint, 0444);
MODULE_PARM_DESC(max_sources, "hard cap on source addresses followed (16..4194304, default 65536)");

struct vf_cfg __rcu *vf_cfg;
DEFINE_PER_CPU(struct vf_stats, vf_stats);

void vf_stats_sum(u64 out[__VOIPFW_S_MAX])
{
	unsigned int cpu, i;

	memset(out, 0, sizeof(u64) * __VOIPFW_S_MAX);
	for_each_possible_cpu(cpu) {
		const struct vf_stats *s = per_cpu_ptr(&vf_stats, cpu);

		for (i = 0; i < __VOIPFW_S_MAX; i++)
			out[i] += READ_ONCE(s->v[i]);
	}
	out[VOIPFW_S_SRC_NOW] = vf_src_count();
}

static bool vf_port_match(const struct vf_cfg *cfg, u16 port)
{
	unsigned int i;

	for (i = 0; i < cfg->c.n_ports; i++)
		if (cfg->c.ports[i] == port)
			return true;
	return false;
}

static unsigned int vf_pass(void)
{
	vf_stat_inc(VOIPFW_S_PASSED);
	return NF_ACCEPT;
}

/* The UDP datagram at @thoff of @skb from @src: judge it. */
static unsigned int vf_judge(struct sk_buff *skb, unsigned int thoff,
			     const struct vf_addr *src)
{
	static const enum voipfw_stat drop_stat[__VOIPFW_CLASS_MAX] = {
		[VOIPFW_CLASS_REGISTER]	= VOIPFW_S_DROP_REGISTER,
		[VOIPFW_CLASS_INVITE]	= VOIPFW_S_DROP_INVITE,
		[VOIPFW_CLASS_OPTIONS]	= VOIPFW_S_DROP_OPTIONS,
		[VOIPFW_CLASS_OTHER]	= VOIPFW_S_DROP_OTHER,
	};
	const struct vf_cfg *cfg = rcu_dereference(vf_cfg);
	u8 buf[VF_PEEK];
	struct udphdr _uh;
	const struct udphdr *uh;
	unsigned int off, len, ulen;
	struct vf_sip sip;
	const u8 *p;

	if (!cfg)
		return NF_ACCEPT;
	uh = skb_header_pointer(skb, thoff, sizeof(_uh), &_uh);
	if (!uh || !vf_port_match(cfg, ntohs(uh->dest)))
		return NF_ACCEPT;
	vf_stat_inc(VOIPFW_S_SEEN);
	if (!(cfg->c.flags & VOIPFW_F_ENABLED)) {
		vf_stat_inc(VOIPFW_S_UNJUDGED);
		return vf_pass();
	}

	/* the payload: as much as both the skb and the UDP length say is
	 * there, at most VF_PEEK bytes */
	off = thoff + sizeof(*uh);
	ulen = ntohs(uh->len);
	len = skb->len > off ? skb->len - off : 0;
	if (ulen >= sizeof(*uh))
		len = min(len, ulen - (unsigned int)sizeof(*uh));
	len = min_t(unsigned int, len, VF_PEEK);
	p = len ? skb_header_pointer(skb, off, len, buf) : NULL;
	if (!p || !vf_sip_look(p, len, &sip)) {
		vf_stat_inc(VOIPFW_S_NOT_REQUEST);
		return vf_pass();
	}
	if (sip.ua && cfg->n_pat && vf_scanner_match(cfg, sip.ua, sip.ua_len)) {
		vf_stat_inc(VOIPFW_S_DROP_SCANNER);
		return NF_DROP;
	}
	if (!vf_src_allow(cfg, src, sip.cls)) {
		vf_stat_inc(drop_stat[sip.cls]);
		return NF_DROP;
	}
	return vf_pass();
}

static unsigned int vf_hook_ipv4(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct vf_addr src = { .family = NFPROTO_IPV4 };

	/* non-first fragments carry no UDP header: fail-open (above) */
	if (iph->protocol != IPPROTO_UDP || (ntohs(iph->frag_off) & IP_OFFSET))
		return NF_ACCEPT;
	memcpy(&src.a, &iph->saddr, sizeof(iph->saddr));
	return vf_judge(skb, skb_network_offset(skb) + ip_hdrlen(skb), &src);
}

static unsigned int vf_hook_ipv6(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct vf_addr src = { .family = NFPROTO_IPV6 };
	unsigned int thoff = 0;
	unsigned short fragoff = 0;

	/* the UDP header behind any extension headers; a non-first
	 * fragment has none: -ENOENT, fail-open */
	if (ipv6_find_hdr(skb, &thoff, IPPROTO_UDP, &fragoff, NULL) != IPPROTO_UDP ||
	    fragoff)
		return NF_ACCEPT;
	src.a = ipv6_hdr(skb)->saddr;
	return vf_judge(skb, thoff, &src);
}

static const struct nf_hook_ops vf_hook_ops[] = {
	{
		.hook		= vf_hook_ipv4,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP_PRI_CONNTRACK_DEFRAG + 1,
	},
	{
		.hook		= vf_hook_ipv6,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP6_PRI_CONNTRACK_DEFRAG + 1,
	},
};

static int __init vf_init(void)
{
	int err;

	if (max_sources < 16 || max_sources > (1u << 22)) {
		pr_err("max_sources=%u is out of 16..4194304\n", max_sources);
		return -EINVAL;
	}
	err = vf_src_init(max_sources);
	if (err)
		goto err_out;
	err = vf_nl_init();
	if (err)
		goto err_src;
	err = nf_register_net_hooks(&init_net, vf_hook_ops, ARRAY_SIZE(vf_hook_ops));
	if (err)
		goto err_nl;
	pr_info("loaded: ABI %u, up to %u sources, hook priority %d\n",
		VOIPFW_ABI_VERSION, max_sources, NF_IP_PRI_CONNTRACK_DEFRAG + 1);
	return 0;

err_nl:
	vf_nl_exit();
err_src:
	vf_src_exit();
err_out:
	return err;
}

static void __exit vf_exit(void)
{
	u64 v[__VOIPFW_S_MAX];

	/* returns after synchronize_net(): no hook runs any more */
	nf_unregister_net_hooks(&init_net, vf_hook_ops, ARRAY_SIZE(vf_hook_ops));
	vf_nl_exit();
	vf_src_exit();
	vf_stats_sum(v);
	if (v[VOIPFW_S_SRC_ALLOC] != v[VOIPFW_S_SRC_FREE] ||
	    v[VOIPFW_S_CFG_ALLOC] != v[VOIPFW_S_CFG_FREE])
		pr_err("unloaded with a leak: sources allocated %llu freed %llu, configs allocated %llu freed %llu\n",
		       v[VOIPFW_S_SRC_ALLOC], v[VOIPFW_S_SRC_FREE],
		       v[VOIPFW_S_CFG_ALLOC], v[VOIPFW_S_CFG_FREE]);
	else
		pr_info("unloaded: sources allocated %llu freed %llu, configs allocated %llu freed %llu\n",
			v[VOIPFW_S_SRC_ALLOC], v[VOIPFW_S_SRC_FREE],
			v[VOIPFW_S_CFG_ALLOC], v[VOIPFW_S_CFG_FREE]);
}

module_init(vf_init);
module_exit(vf_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("voipfw: in-kernel SIP pre-filter (per-source limits, scanner User-Agents)");
MODULE_ALIAS_GENL_FAMILY(VOIPFW_GENL_NAME);
