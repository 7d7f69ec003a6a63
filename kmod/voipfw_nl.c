// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * voipfw_nl.c - generic netlink family "voipfw": the handshake, the
 * configuration, the counters (voipfw_uapi.h has the ABI).
 *
 * Every request must carry the sender's ABI version and config size; a
 * mismatch is refused with EPROTO, an extended-ack message and a
 * rate-limited line in the kernel log naming both sides' numbers.
 * HELLO answers with the module's numbers whatever the sender's, so the
 * sender can say exactly what differs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "voipfw.h"

static DEFINE_MUTEX(vf_cfg_mutex);

static const struct nla_policy vf_nl_policy[VOIPFW_A_MAX + 1] = {
	[VOIPFW_A_ABI_VERSION]	= { .type = NLA_U32 },
	[VOIPFW_A_ABI_SIZE]	= { .type = NLA_U32 },
	/* its size is checked against the handshake, not here, so that a
	 * mismatch gets the handshake's message */
	[VOIPFW_A_CONFIG]	= { .type = NLA_BINARY },
	[VOIPFW_A_PATTERNS]	= { .type = NLA_NESTED },
};

static struct genl_family vf_family;

static int vf_nl_abi_check(struct genl_info *info)
{
	struct nlattr *v = info->attrs[VOIPFW_A_ABI_VERSION];
	struct nlattr *s = info->attrs[VOIPFW_A_ABI_SIZE];
	u32 ver, size;

	if (!v || !s) {
		GENL_SET_ERR_MSG(info, "voipfw: request without ABI version and size: send HELLO's attributes with every request");
		return -EPROTO;
	}
	ver = nla_get_u32(v);
	size = nla_get_u32(s);
	if (ver != VOIPFW_ABI_VERSION || size != sizeof(struct voipfw_config)) {
		pr_warn_ratelimited("refused a request for ABI version %u (config %u bytes): this module has version %u (config %zu bytes); rebuild voipfwd or the module from one voipfw_uapi.h\n",
				    ver, size, VOIPFW_ABI_VERSION,
				    sizeof(struct voipfw_config));
		GENL_SET_ERR_MSG(info, "voipfw: ABI version or size mismatch: voipfwd and voipfw.ko were built from different voipfw_uapi.h");
		return -EPROTO;
	}
	return 0;
}

static int vf_nl_hello(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vf_family, 0, VOIPFW_CMD_HELLO);
	if (!hdr)
		goto err_free;
	if (nla_put_u32(msg, VOIPFW_A_ABI_VERSION, VOIPFW_ABI_VERSION) ||
	    nla_put_u32(msg, VOIPFW_A_ABI_SIZE, sizeof(struct voipfw_config)) ||
	    nla_put_u32(msg, VOIPFW_A_MAX_SOURCES, vf_src_max()))
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int vf_cfg_check(const struct voipfw_config *c, struct genl_info *info)
{
	unsigned int i;

	if (c->flags & ~VOIPFW_F_ENABLED || c->pad0) {
		GENL_SET_ERR_MSG(info, "voipfw: unknown flags or nonzero padding");
		return -EINVAL;
	}
	if (c->idle_ms < 1000 || c->idle_ms > 86400000) {
		GENL_SET_ERR_MSG(info, "voipfw: idle_ms out of 1000..86400000");
		return -EINVAL;
	}
	if (c->n_ports > VOIPFW_PORTS_MAX) {
		GENL_SET_ERR_MSG(info, "voipfw: too many ports");
		return -EINVAL;
	}
	for (i = 0; i < c->n_ports; i++)
		if (!c->ports[i]) {
			GENL_SET_ERR_MSG(info, "voipfw: port 0");
			return -EINVAL;
		}
	for (i = 0; i < __VOIPFW_CLASS_MAX; i++)
		if (c->limit[i].burst > VOIPFW_BURST_MAX ||
		    c->limit[i].milli_per_sec > VOIPFW_RATE_MAX ||
		    c->overflow[i].burst > VOIPFW_BURST_MAX ||
		    c->overflow[i].milli_per_sec > VOIPFW_RATE_MAX) {
			GENL_SET_ERR_MSG(info, "voipfw: rate or burst above the maximum");
			return -EINVAL;
		}
	return 0;
}

/* One pattern (a NUL-terminated string) into @pt, lower-cased. */
static int vf_pattern_parse(const struct nlattr *a, struct vf_pattern *pt,
			    struct genl_info *info)
{
	const char *s = nla_data(a);
	int len = nla_len(a), i;

	if (nla_type(a) != VOIPFW_A_PATTERN || len < 2 || s[len - 1] ||
	    strnlen(s, len) != len - 1)
		goto bad;
	len--;
	pt->anchored = s[0] == '^';
	if (pt->anchored) {
		s++;
		len--;
	}
	if (len < 1 || len > VOIPFW_PATTERN_MAX)
		goto bad;
	for (i = 0; i < len; i++) {
		if (s[i] < 0x21 && !(i > 0 && i < len - 1 && s[i] == ' '))
			goto bad;
		if ((u8)s[i] > 0x7e)
			goto bad;
		pt->text[i] = tolower(s[i]);
	}
	pt->len = len;
	return 0;
bad:
	GENL_SET_ERR_MSG(info, "voipfw: a pattern is 1..63 printable ASCII bytes, '^' may anchor it");
	return -EINVAL;
}

static void vf_cfg_free_rcu(struct rcu_head *r)
{
	kfree(container_of(r, struct vf_cfg, rcu));
	vf_stat_inc(VOIPFW_S_CFG_FREE);
}

static int vf_nl_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *ca = info->attrs[VOIPFW_A_CONFIG];
	struct nlattr *pa = info->attrs[VOIPFW_A_PATTERNS], *a;
	struct vf_cfg *cfg, *old;
	unsigned int n = 0;
	int err, rem;

	err = vf_nl_abi_check(info);
	if (err)
		return err;
	if (!ca || nla_len(ca) != sizeof(struct voipfw_config)) {
		GENL_SET_ERR_MSG(info, "voipfw: VOIPFW_A_CONFIG missing or not sizeof(struct voipfw_config)");
		return -EINVAL;
	}
	if (pa)
		nla_for_each_nested(a, pa, rem)
			n++;
	if (n > VOIPFW_PATTERNS_MAX) {
		GENL_SET_ERR_MSG(info, "voipfw: too many patterns");
		return -E2BIG;
	}
	cfg = kzalloc(struct_size(cfg, pat, n), GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	vf_stat_inc(VOIPFW_S_CFG_ALLOC);
	memcpy(&cfg->c, nla_data(ca), sizeof(cfg->c));
	err = vf_cfg_check(&cfg->c, info);
	if (err)
		goto err_free;
	if (pa)
		nla_for_each_nested(a, pa, rem) {
			struct vf_pattern *pt = &cfg->pat[cfg->n_pat];

			err = vf_pattern_parse(a, pt, info);
			if (err)
				goto err_free;
			if (!pt->anchored)
				cfg->first[(u8)pt->text[0]] = true;
			cfg->n_pat++;
		}

	mutex_lock(&vf_cfg_mutex);
	old = rcu_replace_pointer(vf_cfg, cfg, lockdep_is_held(&vf_cfg_mutex));
	mutex_unlock(&vf_cfg_mutex);
	if (old)
		call_rcu(&old->rcu, vf_cfg_free_rcu);
	return 0;

err_free:
	kfree(cfg);
	vf_stat_inc(VOIPFW_S_CFG_FREE);
	return err;
}

static int vf_nl_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	u64 v[__VOIPFW_S_MAX];
	struct sk_buff *msg;
	struct nlattr *nest;
	unsigned int i;
	void *hdr;
	int err;

	err = vf_nl_abi_check(info);
	if (err)
		return err;
	vf_stats_sum(v);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vf_family, 0, VOIPFW_CMD_GET_STATS);
	if (!hdr)
		goto err_free;
	nest = nla_nest_start(msg, VOIPFW_A_STATS);
	if (!nest)
		goto err_free;
	for (i = VOIPFW_S_SEEN; i < __VOIPFW_S_MAX; i++)
		if (nla_put_u64_64bit(msg, i, v[i], VOIPFW_S_PAD))
			goto err_free;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static const struct genl_small_ops vf_nl_ops[] = {
	{
		.cmd	= VOIPFW_CMD_HELLO,
		.doit	= vf_nl_hello,
	},
	{
		.cmd	= VOIPFW_CMD_SET_CONFIG,
		.doit	= vf_nl_set_config,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= VOIPFW_CMD_GET_STATS,
		.doit	= vf_nl_get_stats,
		.flags	= GENL_ADMIN_PERM,
	},
};

static struct genl_family vf_family __ro_after_init = {
	.name		= VOIPFW_GENL_NAME,
	.version	= VOIPFW_GENL_VERSION,
	.maxattr	= VOIPFW_A_MAX,
	.policy		= vf_nl_policy,
	.module		= THIS_MODULE,
	.small_ops	= vf_nl_ops,
	.n_small_ops	= ARRAY_SIZE(vf_nl_ops),
};

int vf_nl_init(void)
{
	return genl_register_family(&vf_family);
}

/* After the hooks are gone: the configuration is freed here. */
void vf_nl_exit(void)
{
	struct vf_cfg *old;

	genl_unregister_family(&vf_family);
	mutex_lock(&vf_cfg_mutex);
	old = rcu_replace_pointer(vf_cfg, NULL, lockdep_is_held(&vf_cfg_mutex));
	mutex_unlock(&vf_cfg_mutex);
	if (old)
		call_rcu(&old->rcu, vf_cfg_free_rcu);
	rcu_barrier();
}
