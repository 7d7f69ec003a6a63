/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfttab.h - voipfw's own nftables table, "inet voipfw", programmed with
 * libnftnl batches over libmnl.  This module is the only code that talks
 * nf_tables netlink for the engine; it never reads, changes or flushes
 * any other table on the host.
 *
 * The table (see nfttab.c for the exact rules):
 *   sets pinhole4, pinhole6          daddr . dport            (timeout, dynamic)
 *   sets pinhole4_peer, pinhole6_peer daddr . dport . saddr    (timeout, dynamic)
 *   chain media: pinhole hits with RTP/RTCP version 2 are accepted, their
 *                element's timeout refreshed (update @set) and the packet
 *                marked; other UDP to the media port range is dropped
 *   sets ban4, ban6                  saddr                    (timeout)
 *   sets block4, block6              saddr                    (interval)
 *   sets geoblock4, geoblock6        saddr                    (interval)
 *   chain ban:   packets from a banned source address, from a block
 *                list's network or from a blocked country are dropped
 *   chain sip:   a counter of conntrack-invalid packets, whose ct expression
 *                turns on conntrack and with it nf_defrag in the netns
 *                (a SIP datagram larger than the MTU must reach voipfwd
 *                whole, not as a first fragment), then UDP/TCP to the SIP
 *                ports is queued to voipfwd
 *                (nft "queue", or the xt NFQUEUE target through nft_compat
 *                on kernels without nft_queue)
 *   base chains on the forward and input hooks jump to ban, media, then sip.
 */
#ifndef VOIPFW_NFTTAB_H
#define VOIPFW_NFTTAB_H

#include <stdbool.h>
#include <stdint.h>

#include "../pinhole/pinhole.h"

#define NFTTAB_TABLE		"voipfw"
#define NFTTAB_MAX_SIP_PORTS	8

enum nfttab_queue_path {
	NFTTAB_QUEUE_AUTO = 0,	/* native if the kernel has it, else xt */
	NFTTAB_QUEUE_NATIVE,	/* nft "queue" expression (nft_queue) */
	NFTTAB_QUEUE_XT,	/* xt NFQUEUE target via nft_compat */
};

/**
 * struct nfttab_config - what the table enforces.
 * @sip_ports:         UDP and TCP ports whose traffic is queued
 * @queue_first/@queue_last: queue numbers; a range is balanced by a
 *                     hash of the address pair (the same both ways)
 * @fail_open:         queue with "bypass": traffic passes while no
 *                     voipfwd listens (fail-open); else it is dropped
 * @queue_path:        see enum nfttab_queue_path
 * @media_port_min/@media_port_max: UDP destination ports that only
 *                     pinholes open; 0/0 disables the drop rule
 * @pinhole_timeout_s: default idle timeout of pinhole elements
 * @media_mark:        packet mark OR-ed onto pinholed media (0: none),
 *                     for other firewalls on the host to accept it
 * @priority:          base chain priority (default 0, filter)
 * @sip_meter_rate/@sip_meter_burst: packets per second (and at once) one
 *                     source address may send to the SIP ports before the
 *                     queue; more is dropped in the kernel (sets meter4,
 *                     meter6: a raw flood never reaches voipfwd).  0: off
 */
struct nfttab_config {
	uint16_t		sip_ports[NFTTAB_MAX_SIP_PORTS];
	unsigned int		n_sip_ports;
	uint16_t		queue_first;
	uint16_t		queue_last;
	bool			fail_open;
	enum nfttab_queue_path	queue_path;
	uint16_t		media_port_min;
	uint16_t		media_port_max;
	uint32_t		pinhole_timeout_s;
	uint32_t		media_mark;
	int32_t			priority;
	uint32_t		sip_meter_rate;
	uint32_t		sip_meter_burst;
};

struct nfttab;

/*
 * nfttab_open - connect to nf_tables.  Returns NULL with a message in
 * @err on failure.
 */
struct nfttab *nfttab_open(char *err, size_t errlen);
void nfttab_close(struct nfttab *t);

/*
 * nfttab_install - create the table, or adopt an existing one, in one
 * transaction: sets are kept with their elements (live media keeps
 * flowing across a voipfwd restart), chains and rules are replaced by
 * those @cfg asks for.  Returns 0, or -1 with @err set; on failure
 * nothing changed.
 */
int nfttab_install(struct nfttab *t, const struct nfttab_config *cfg,
		   char *err, size_t errlen);

/* Which queue path the installed rules use (after nfttab_install). */
enum nfttab_queue_path nfttab_queue_path(const struct nfttab *t);

/**
 * enum nfttab_defrag - how the installed table has the kernel reassemble
 * fragmented SIP (nf_defrag) before the queue.
 * @NFTTAB_DEFRAG_TPROXY:    a tproxy expression in a chain nothing jumps
 *                           to: nf_defrag without conntrack (preferred)
 * @NFTTAB_DEFRAG_CONNTRACK: a ct expression: conntrack, and with it
 *                           nf_defrag (kernels without nft_tproxy)
 */
enum nfttab_defrag {
	NFTTAB_DEFRAG_TPROXY,
	NFTTAB_DEFRAG_CONNTRACK,
};

/* How the table installed last by @t turns nf_defrag on. */
enum nfttab_defrag nfttab_defrag_path(const struct nfttab *t);

/* Does the running kernel have the nft "queue" expression? 1 yes, 0 no. */
int nfttab_probe_native_queue(struct nfttab *t);

/* Pinhole backend: add/del queue into the pending batch, commit sends it. */
extern const struct pinhole_backend_ops nfttab_pinhole_ops;

/*
 * nfttab_pinhole_dump - every pinhole element in the table's sets, with
 * its tag from userdata and remaining timeout, for adoption at start.
 * Calls @cb for each; returns the count or -1.
 */
int nfttab_pinhole_dump(struct nfttab *t,
			void (*cb)(void *arg, const struct pinhole *ph,
				   uint32_t expires_ms),
			void *arg);

/*
 * nfttab_pinhole_exists - is @ph's element still in its set (media
 * refreshes elements in the kernel; idle ones time out)?  1 yes, 0 no,
 * -1 on error.
 */
int nfttab_pinhole_exists(struct nfttab *t, const struct pinhole *ph);

/*
 * Closing pinholes.  The media rule's "update @set" re-creates an element
 * when a packet in flight at the close reaches it after the commit (see
 * nfttab.c, "closes the packet path undid").  So a close also puts the
 * key in the pinhole set's closing set (closing4, ...), which stops the
 * media rule before its update; 100 ms later the element is looked up
 * and, if an untagged one is back, deleted, and the closing key goes
 * (100 ms after such a deletion).
 *
 * nfttab_pinhole_recheck - do the steps that are due (at most 128 per
 * call) in one commit of their own; does nothing while changes are
 * pending on @t.  Returns how many re-created elements it deleted, or -1
 * (nfttab_error).  Call it when nfttab_pinhole_recheck_wait says so.
 *
 * nfttab_pinhole_recheck_wait - ms until the next step is due (0: now),
 * -1 when no close is in progress.
 */
int nfttab_pinhole_recheck(struct nfttab *t);
int nfttab_pinhole_recheck_wait(struct nfttab *t);

/*
 * nfttab_settle_closes - finish the closes a stopped voipfwd left in the
 * closing sets (the same steps: wait out packets in flight, delete what
 * they re-created, wait, delete the closing keys; up to 200 ms, nothing
 * when the sets are empty).  For start-up, after nfttab_install and
 * before any close of this process.  0, or -1 (nfttab_error): the keys
 * left then time out (the pinhole timeout and a second).
 */
int nfttab_settle_closes(struct nfttab *t);

/**
 * struct nfttab_recheck_stats - closes on one handle.
 * @checked:  elements looked up after their close
 * @reclosed: of them, found re-created by the packet path and deleted
 * @failed:   steps that failed (lookup or commit); their closing keys
 *            time out a second after anything re-created under them
 * @overflow: closes that were plain deletes (4096 were in progress)
 * @waiting:  steps waiting now
 */
struct nfttab_recheck_stats {
	uint64_t	checked;
	uint64_t	reclosed;
	uint64_t	failed;
	uint64_t	overflow;
	uint64_t	waiting;
};

void nfttab_pinhole_recheck_stats(struct nfttab *t,
				  struct nfttab_recheck_stats *st);

/* Delete the whole table (uninstall, tests).  0 or -1; absent is 0. */
int nfttab_remove(struct nfttab *t, char *err, size_t errlen);

/*
 * Additions (append-only; the declarations above keep their names).
 *
 * Contracts of the calls above, in detail:
 *
 * Threads: every call locks @t, so concurrent calls are safe, but one
 * struct nfttab holds one pending batch: a commit sends whatever anyone
 * queued on it, and a failed commit drops all of it.  Threads that must
 * see their own commits and failures open one struct nfttab each (it is
 * one netlink socket and two buffers).  Callbacks (dump) run with @t
 * locked: calling into @t from one fails with EDEADLK.
 *
 * Pinhole ops: commit is one transaction, all or nothing.  Deleting an
 * element that is already gone (timed out) is success; the other
 * changes of the batch still commit together (the kernel has no "delete
 * if present" before 6.3: nfttab resends the batch without the deletions
 * it refused with ENOENT).  An add of a key that exists replaces that
 * element, tag and timeout (the kernel refuses the exclusive add; nfttab
 * puts a delete before it and resends: what the packet path re-created
 * under a closing key, or another worker's element).  An add or del that cannot be queued (EINVAL,
 * ENOMEM) makes the next commit fail, so that the caller's view of the
 * pinholes and the kernel's stay in step.  After a failed commit nothing
 * of the batch is live and nfttab_error() names the refused element.
 * An element without its own timeout_ms gets the configured
 * pinhole_timeout_s; traffic refreshes every element to that value.
 *
 * Dump: timeout_ms is the element's own timeout when the kernel reports
 * one (it does not when it equals the set's default: then 0); elements
 * without voipfw's userdata (added by hand) are reported untagged.  If a
 * concurrent ruleset change interrupts a set's dump, that set is dumped
 * again: @cb may see an element twice.
 *
 * nfttab_probe_native_queue also returns -1 (nfttab_error) when the
 * probe itself fails.  nfttab_install with NFTTAB_QUEUE_AUTO probes once
 * per struct nfttab.
 */

/* Size of each pinhole set: elements beyond it are refused (ENFILE). */
#define NFTTAB_SET_SIZE		65536

/**
 * enum nfttab_udata_type - TLV types in a pinhole element's userdata
 * (libnftnl udata: u8 type, u8 len, value; 256 bytes in all; integers in
 * host order, as nftnl_udata_put_u32 writes them).
 * @NFTTAB_UDATA_CALL_ID:      the stored Call-ID bytes (tag.call_id)
 * @NFTTAB_UDATA_CALL_ID_LEN:  u32, the Call-ID's real length
 * @NFTTAB_UDATA_CALL_ID_HASH: u64, dialog_hash() of the whole Call-ID
 * @NFTTAB_UDATA_STREAM:       u8, index of the m= line
 * @NFTTAB_UDATA_RTCP:         u8, 1 for the RTCP port, 0 for RTP
 * @NFTTAB_UDATA_SIDE:         u8, tag.side
 *
 * Types below 0x80 belong to nft, which parses element userdata when it
 * lists a set (0 is its comment, 1 its flags; a value it cannot parse
 * makes "nft list" fail).  voipfw also writes an nft comment, a
 * truncated human-readable copy of the tag; only these TLVs are read
 * back.  Values are only ever appended, never renumbered: elements
 * outlive the voipfwd that wrote them.
 */
enum nfttab_udata_type {
	NFTTAB_UDATA_CALL_ID = 0x80,
	NFTTAB_UDATA_CALL_ID_LEN,
	NFTTAB_UDATA_CALL_ID_HASH,
	NFTTAB_UDATA_STREAM,
	NFTTAB_UDATA_RTCP,
	NFTTAB_UDATA_SIDE,
	__NFTTAB_UDATA_MAX
};
#define NFTTAB_UDATA_MAX	(__NFTTAB_UDATA_MAX - 1)

/*
 * nfttab_error - what the last failed call without an err buffer
 * (pinhole add/del/commit, dump, exists, probe) ran into, with the object
 * that failed and strerror; "" when nothing failed yet.  Valid until the
 * next call on @t.
 */
const char *nfttab_error(const struct nfttab *t);

/* How many pinhole changes wait for the next commit. */
unsigned int nfttab_pinhole_pending(const struct nfttab *t);

#define NFTTAB_BAN_REASON_MAX	64

/**
 * struct nfttab_ban - one banned source address (sets ban4, ban6).
 * @family:     4 or 6
 * @addr:       the address (the first 4 bytes for IPv4), network order
 * @timeout_ms: how long the ban lasts; 0: until it is deleted
 * @expires_ms: (dump) what is left of it; 0 without a timeout
 * @reason:     why, "" for none: kept with the element as nft's comment
 *              ("nft list set" shows it), so it survives a restart;
 *              printable ASCII without spaces, quotes or backslashes, at most
 *              NFTTAB_BAN_REASON_MAX bytes (nfttab_ban_reason_ok)
 *
 * Every packet from a banned address that reaches the forward or input
 * hook is dropped by the chain ban, ahead of the pinhole rules and the
 * queue: its SIP costs no trip to userspace, its media passes no
 * pinhole.  The sets are kept by nfttab_install like the pinhole sets,
 * so bans outlive a voipfwd restart; the zone policy (voipfwctl apply)
 * replaces only its own chains and leaves them alone.
 */
struct nfttab_ban {
	uint8_t		family;
	uint8_t		addr[16];
	uint64_t	timeout_ms;
	uint64_t	expires_ms;
	char		reason[NFTTAB_BAN_REASON_MAX + 1];
};

/*
 * nfttab_ban_add, nfttab_ban_del - queue a ban (replacing an existing
 * ban of that address and its timeout) or its removal on @t's pending
 * batch, the one the pinhole ops use: the next commit (nfttab_commit or
 * the pinhole backend's) sends them together, in one transaction.
 * Removing a ban that is not there (expired) is success.  0, or -1 with
 * errno; as with pinholes, a change that cannot be queued makes the next
 * commit fail.
 */
int nfttab_ban_add(struct nfttab *t, const struct nfttab_ban *ban);
/* Is @s a reason nfttab_ban_add takes (see struct nfttab_ban)? */
bool nfttab_ban_reason_ok(const char *s);
int nfttab_ban_del(struct nfttab *t, const struct nfttab_ban *ban);

/* Send the pending batch (pinholes and bans): 0, or -1, nfttab_error(). */
int nfttab_commit(struct nfttab *t);

/* Every ban in the kernel to @cb; the count, or -1 (nfttab_error). */
int nfttab_ban_dump(struct nfttab *t,
		    void (*cb)(void *arg, const struct nfttab_ban *ban),
		    void *arg);

/* Is @ban's address banned?  1 yes, 0 no, -1 on error. */
int nfttab_ban_exists(struct nfttab *t, const struct nfttab_ban *ban);

/**
 * enum nfttab_netset - the interval sets of source networks whose every
 * packet the chain ban drops, after the manual bans (ban4, ban6).
 * @NFTTAB_NETSET_BLOCK:    block4, block6: block lists (reputation)
 * @NFTTAB_NETSET_GEOBLOCK: geoblock4, geoblock6: whole countries
 *
 * Kept by nfttab_install like the other sets: their elements outlive a
 * voipfwd restart.  Only nfttab_netset_replace changes them.
 */
enum nfttab_netset {
	NFTTAB_NETSET_BLOCK,
	NFTTAB_NETSET_GEOBLOCK,
	__NFTTAB_NETSET_MAX
};

/* "block", "geoblock": the sets' names without the family */
const char *nfttab_netset_name(enum nfttab_netset which);

struct netset;

/*
 * nfttab_netset_replace - make @which's two sets (IPv4 and IPv6) hold
 * exactly the ranges of @ns, which must be merged (netset_merge), in one
 * transaction: each set flushed and refilled, both families together.
 * The kernel applies it whole or not at all: no packet ever meets an
 * empty or half-filled set, and on failure the sets keep what they held.
 * Each range [lo, hi] becomes an element lo and an element hi + 1 flagged
 * NFT_SET_ELEM_INTERVAL_END, as nft encodes intervals (with its leading
 * end element at address 0, and its "open interval" flag on a range that
 * ends at the top address).  Uses @t's install batch, not the pending
 * one: queued pinhole changes and bans are not sent.  0, or -1 with
 * errno and @err set.
 */
int nfttab_netset_replace(struct nfttab *t, enum nfttab_netset which,
			  const struct netset *ns, char *err, size_t errlen);

/*
 * nfttab_netset_dump - the ranges in @which's sets, IPv4 first, each in
 * ascending order, as @cb(@arg, family, lo, hi) with inclusive bounds in
 * network order (4 or 16 bytes).  The count, or -1 (nfttab_error); a
 * table without the sets holds no ranges.
 */
int nfttab_netset_dump(struct nfttab *t, enum nfttab_netset which,
		       void (*cb)(void *arg, int family, const uint8_t *lo,
				  const uint8_t *hi),
		       void *arg);

#endif /* VOIPFW_NFTTAB_H */
