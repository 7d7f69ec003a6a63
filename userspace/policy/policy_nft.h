/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy_nft.h - a checked voipfw.conf(5) model compiled to an nft
 * script: the zone policy and the QoS marking, as chains of their own in
 * voipfwd's table "inet voipfw".
 *
 * The script is text for "nft -f" (or libnftables'
 * nft_run_cmd_from_buffer); it adds two base chains and the regular
 * chains under zones_forward, and touches nothing else in the table
 * (and, with VLAN zones, a bridge table: below):
 *
 *   chain zones_forward   hook forward, priority filter - 10: before
 *                         voipfwd's forward chain (priority 0 by default)
 *     ct state established,related accept
 *     the source zone, once: verdict maps by the forms of zones, in this
 *     order: subnets alone (ip saddr, ip6 saddr), interfaces and subnets
 *     (iifname . ip saddr, iifname . ip6 saddr: interval concatenations),
 *     interfaces alone (iifname); each maps a zone to goto zf_ZONE
 *     chain policy accept: traffic from no zone is left alone
 *   chain zf_SRC          the destination zone, once, the same way (oifname,
 *                         daddr) to goto zp_SRC.DST; nothing found: back
 *                         to zones_forward's policy, accept (traffic to
 *                         no zone is left alone)
 *   chain zp_SRC.DST      the rules of the pair, `any` included, in file
 *                         order, each ONE line: its services' ports as one
 *                         set (meta l4proto . th dport { udp . 5060, tcp .
 *                         5060-5061 }, merged), plus one line per pinhole
 *                         set for media; then the policy, counted
 *
 * A packet is classified twice and meets only its pair's rules: the cost
 * no longer grows with the file's length.  Chains exist for the pairs
 * that have rules, and for every pair when the policy is drop; a zone or
 * pair without a chain maps to accept (it must still be found: see the
 * precedence below).  Pairs of zones with no address family in common
 * (an IPv4-only zone and an IPv6-only one) have none.
 *
 * Precedence: no two zones share an interface or overlapping subnets
 * (policy_check.c), so a packet is in two zones only when a zone of
 * subnets alone is reached through an interface of a zone of interfaces
 * alone (a SIP trunk provider behind the WAN).  Such a packet is in the
 * subnets' zone: it is more specific, and its maps come first.  (The
 * linear compile before let the first rule of either zone decide.)
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
 * Re-applying: the script first declares every chain (creating those
 * missing), then flushes them, then adds the rules; "nft -f" sends all
 * of it as one transaction, so the new policy replaces the old one
 * atomically and a script that fails leaves the old one in place.  The
 * policy owns no named sets (maps and sets are anonymous, freed with
 * their rules).  A zf_/zp_ chain of an earlier version that this one
 * lacks is not named in the script: voipfwctl apply lists the live
 * chains and adds their flush and delete to the same transaction
 * (policy_nft_chain_is_policy()); "nft -f" of a script alone leaves them
 * behind, unreferenced.
 *
 * VLANs on bridges (`vlan ID on BRIDGE`): bridged frames never cross
 * the inet forward hook, so a policy with VLAN zones adds a table of
 * voipfw's own, "bridge voipfw", declared, flushed and refilled after
 * the inet part in the same script (one transaction):
 *
 *   chain zones_bridge    hook forward, priority filter - 10
 *     ct state established,related accept (needs nf_conntrack_bridge)
 *     non-IP frames (ARP) and IPv6 neighbour discovery: accept
 *     the matrix as one list in file order (no tree: bridged VLAN
 *     policies are small), where a VLAN side
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
/* Prefixes of the chains under zones_forward: zf_SRC, zp_SRC.DST. */
#define POLICY_NFT_CHAIN_FROM		"zf_"
#define POLICY_NFT_CHAIN_PAIR		"zp_"
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

/*
 * policy_nft_chain_is_policy - whether @name, a chain of table inet
 * voipfw, is one of the per-zone chains a policy compiles to (zf_*,
 * zp_*): what voipfwctl may delete when a new version no longer has it.
 * zones_forward and zones_qos are not included: every version has them.
 */
bool policy_nft_chain_is_policy(const char *name);

/* policy_nft_script_has_chain - whether the compiled @script declares
 * chain @name in table inet voipfw. */
bool policy_nft_script_has_chain(const char *script, const char *name);

/* "ef", "cs3", "af41", or decimal for a DSCP without a name (0-63). */
int policy_nft_dscp_format(uint8_t dscp, char *buf, size_t size);

/* "1:6", "1:10": meta priority MAJOR:MINOR in hex as tc(8) and nft
 * write it; "none" for 0.  Returns snprintf()'s result. */
int policy_nft_priority_format(uint32_t prio, char *buf, size_t size);

#endif /* VOIPFW_POLICY_NFT_H */
