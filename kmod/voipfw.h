/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * voipfw.h - what the parts of voipfw.ko share: the configuration (one,
 * RCU-replaced whole), the counters, the SIP look, the source table.
 */
#ifndef VOIPFW_KMOD_H
#define VOIPFW_KMOD_H

#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/in6.h>

#include "voipfw_uapi.h"

/*
 * How many bytes of a datagram's payload the hook reads (into a buffer on
 * the stack, through skb_header_pointer: nothing is linearised).  The
 * request line and the User-Agent header must lie within them to be
 * judged; 512 covers the request line and the usual header block up to
 * User-Agent of common user agents and scanners (sipvicious puts it 5th).
 * A User-Agent beyond it is not seen: such a request is limited by its
 * method only, and voipfwd's scanner check still sees it.
 */
#define VF_PEEK		512

/**
 * struct vf_pattern - one scanner pattern, lower-cased
 * @len: bytes in @text
 * @anchored: only at the start of the User-Agent value
 * @text: the bytes
 */
struct vf_pattern {
	u8	len;
	bool	anchored;
	char	text[VOIPFW_PATTERN_MAX + 1];
};

/**
 * struct vf_cfg - the configuration the hook reads under RCU
 * @rcu: freed after a grace period when replaced
 * @c: as userspace sent it, validated
 * @n_pat: patterns in @pat
 * @first: for each lower-cased byte, whether an unanchored pattern starts
 *	with it (the scan skips other positions)
 * @pat: the patterns, in list order
 */
struct vf_cfg {
	struct rcu_head		rcu;
	struct voipfw_config	c;
	u32			n_pat;
	bool			first[256];
	struct vf_pattern	pat[];
};

extern struct vf_cfg __rcu *vf_cfg;

/**
 * struct vf_addr - a source address, the table's key
 * @family: NFPROTO_IPV4 or NFPROTO_IPV6
 * @a: IPv4 in the first 4 bytes, the rest zero
 */
struct vf_addr {
	struct in6_addr	a;
	u8		family;
};

/* Counters: per CPU, summed when read (voipfw_stats.c). */
struct vf_stats {
	u64	v[__VOIPFW_S_MAX];
};
DECLARE_PER_CPU(struct vf_stats, vf_stats);

static inline void vf_stat_inc(enum voipfw_stat s)
{
	this_cpu_inc(vf_stats.v[s]);
}

void vf_stats_sum(u64 out[__VOIPFW_S_MAX]);

/* voipfw_sip.c */

/**
 * struct vf_sip - what the look found in a request
 * @cls: the method's class
 * @ua: the User-Agent value (within the buffer), NULL if none was seen
 * @ua_len: its length
 */
struct vf_sip {
	enum voipfw_class	cls;
	const u8		*ua;
	unsigned int		ua_len;
};

/* Is @p (@len bytes, the start of a UDP payload) a SIP request?  true and
 * *@out filled, or false (a response, a keepalive, anything else). */
bool vf_sip_look(const u8 *p, unsigned int len, struct vf_sip *out);

/* Does @ua (@len bytes) match one of @cfg's patterns? */
bool vf_scanner_match(const struct vf_cfg *cfg, const u8 *ua, unsigned int len);

/* voipfw_src.c */
int vf_src_init(unsigned int max_sources);
void vf_src_exit(void);
unsigned int vf_src_max(void);
unsigned int vf_src_count(void);
/* May one more request of class @cls from @src pass?  Called from the
 * hook, under rcu_read_lock. */
bool vf_src_allow(const struct vf_cfg *cfg, const struct vf_addr *src,
		  enum voipfw_class cls);

/* voipfw_nl.c */
int vf_nl_init(void);
void vf_nl_exit(void);

#endif /* VOIPFW_KMOD_H */
