/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy_nft.h - a checked voipfw.conf(5) model compiled to an nft
 * script: the zone policy and the QoS marking, as chains of their own in
 * voipfwd's table "inet voipfw".
 *
 * The script is text for "nft -f" (or libnftables'
 * nft_run_cmd_from_buffer); it adds two base chains and touches nothing
 * else in the table (and, with VLAN zones, a bridge table: below):
 *
 *   chain zones_forward   hook forward, priority filter - 10: before
 *                         voipfwd's forward chain (priority 0 by default)
 *     ct state established,related accept
 *     one line per (rule, FROM side, TO side, service and protocol), in
 *     file order, each with the rule's verdict: the first match decides
 *     the policy: everything from a declared zone to a declared zone
 *     chain policy accept: traffic that involves no zone is left alone
 *
 *   chain zones_qos       hook postrouting, priority filter
 *     SIP and SIP-TLS by the ports of the services sip and sip-tls (both
 *     directions), media by lookups in voipfwd's pinhole sets: ip/ip6
 *     dscp set, and meta priority set on media
 *
 * Layering: netfilter runs the base chains of a hook in priority order
 * and an accept ends only the chain that gave it.  What zones_forward
 * drops is gone; what it accepts still meets voipfwd's chains, which
 * queue SIP to voipfwd and admit media only through pinholes.  A media
 * service (rtp) in a rule is therefore compiled to lookups in the very
 * pinhole sets voipfwd's media chain uses, not to a port range: the
 * zone policy admits exactly the pinholed media of the zone pair.
 *
 * Zones: interfaces become iifname/oifname, subnets ip/ip6 saddr/daddr,
 * both inline as anonymous sets; a zone with both needs both, one line
 * per address family.  `any` is the union of every compiled zone
 * (interface-only zones share one line, subnet-only zones one per
 * family).  Zones may overlap (an interface zone and a subnet zone
 * reached through it): lines are per rule, so a packet in two zones
 * meets the rules of both in file order.
 *
 * Re-applying: the script first declares both chains (creating them
 * when missing), then flushes them, then adds the rules; "nft -f" sends
 * all of it as one transaction, so the new policy replaces the old one
 * atomically and a script that fails leaves the old one in place.  The
 * policy owns no named sets (they are anonymous, freed with their
 * rules), so there is nothing a previous policy could leave behind and
 * no need for "destroy" (nft >= 1.0.8, Linux >= 6.3).
 *
 * VLANs on bridges (`vlan ID on BRIDGE`): bridged frames never cross
 * the inet forward hook, so a policy with VLAN zones adds a table of
 * voipfw's own, "bridge voipfw", declared, flushed and refilled after
 * the inet part in the same script (one transaction):
 *
 *   chain zones_bridge    hook forward, priority filter - 10
 *     ct state established,related accept (needs nf_conntrack_bridge)
 *     non-IP frames (ARP) and IPv6 neighbour discovery: accept
 *     the same matrix as zones_forward, in file order, where a VLAN side
 *     is meta ibrname (FROM) or obrname (TO) BRIDGE + vlan id ID (needs
 *     nft_meta_bridge), interfaces are bridge ports (iifname/oifname)
 *     and subnets ip/ip6 saddr/daddr; only pairs with a VLAN on one
 *     side, and never two different VLANs (a bridge keeps a frame's
 *     VLAN: traffic between VLANs is routed, and a router sees it on
 *     its interfaces)
 *
 * Media in the bridge chain compiles to nothing (fail-closed, with a
 * warning): voipfwd's pinhole sets are in its inet table, and voipfwd
 * follows routed calls only.  A zone of VLANs alone has no routed side:
 * it is in the bridge chain only.  A policy without VLAN zones has no
 * bridge part (voipfwctl removes a table left by an earlier version in
 * the transaction that applies the new one).  Traffic to and from the
 * gateway itself (hook input/output) is not filtered by the zone
 * policy.
 *
 * The pinhole sets are voipfwd's (userspace/nft/nfttab.c): the script
 * is applied on top of voipfwd's table, and "nft -f" fails without it.
 */
#ifndef VOIPFW_POLICY_NFT_H
#define VOIPFW_POLICY_NFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"

/* The policy's chains in table inet voipfw. */
#define POLICY_NFT_CHAIN_FORWARD	"zones_forward"
#define POLICY_NFT_CHAIN_QOS		"zones_qos"
/* The VLAN zones' chain, in a bridge table of voipfw's own. */
#define POLICY_NFT_BRIDGE_TABLE		"voipfw"
#define POLICY_NFT_CHAIN_BRIDGE		"zones_bridge"
/* Ahead of voipfwd's chains at their default priority (filter, 0). */
#define POLICY_NFT_FORWARD_PRIO		"filter - 10"
#define POLICY_NFT_QOS_PRIO		"filter"
/* Ahead of other bridge chains at the usual priority (filter, -200). */
#define POLICY_NFT_BRIDGE_PRIO		"filter - 10"

/**
 * policy_nft_compile - the nft script of @pol.
 * @warnings: set to a malloc'ed text of "FILE:LINE:COL: warning: ..."
 *            lines, one per item that was not compiled, or to NULL when
 *            there is none; free() it.  May be NULL to ignore them.
 * Returns a malloc'ed NUL-terminated script (free() it), or NULL with
 * errno ENOMEM.  The output depends on @pol only (deterministic); rule
 * comments name the line of the file each rule comes from.
 */
char *policy_nft_compile(const struct policy *pol, char **warnings);

/* True when @pol has a zone with VLANs: its script has the bridge table. */
bool policy_nft_bridged(const struct policy *pol);

/*
 * policy_nft_script_bridged - whether the compiled @script declares the
 * bridge table (for voipfwctl, which applies scripts it keeps as text
 * and must remove the table when a new version has no VLAN zone).
 */
bool policy_nft_script_bridged(const char *script);

/* "ef", "cs3", "af41", or decimal for a DSCP without a name (0-63). */
int policy_nft_dscp_format(uint8_t dscp, char *buf, size_t size);

/* "1:6", "1:10": meta priority MAJOR:MINOR in hex as tc(8) and nft
 * write it; "none" for 0.  Returns snprintf()'s result. */
int policy_nft_priority_format(uint32_t prio, char *buf, size_t size);

#endif /* VOIPFW_POLICY_NFT_H */
