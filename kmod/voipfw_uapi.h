/* SPDX-License-Identifier: GPL-2.0-or-later WITH Linux-syscall-note */
/*
 * voipfw_uapi.h - the one ABI between voipfw.ko and userspace (voipfwd,
 * the test tools): generic netlink family "voipfw".
 *
 * Rules (voipfw STYLE.md 7):
 *   - fixed-width types only; structs have no implicit padding;
 *   - every enum below is only ever appended to, never renumbered;
 *   - every request carries VOIPFW_A_ABI_VERSION and VOIPFW_A_ABI_SIZE
 *     (sizeof(struct voipfw_config) as the sender was built); the module
 *     refuses a request whose version or size is not its own with EPROTO
 *     and an extended-ack message naming both, so a stale voipfwd or a
 *     stale module fails loudly instead of misreading a struct.
 *     Bump VOIPFW_ABI_VERSION whenever a struct here changes or an
 *     attribute changes meaning.
 */
#ifndef _UAPI_VOIPFW_H
#define _UAPI_VOIPFW_H

#include <linux/types.h>

#define VOIPFW_GENL_NAME	"voipfw"
#define VOIPFW_GENL_VERSION	1
#define VOIPFW_ABI_VERSION	1

/* SIP ports the hook looks at (UDP destination ports). */
#define VOIPFW_PORTS_MAX	16
/* Scanner User-Agent patterns: same rules as userspace/detect/scanner.h. */
#define VOIPFW_PATTERN_MAX	63
#define VOIPFW_PATTERNS_MAX	256
/* Highest burst and rate a limit may have (as userspace/limit/srclimit.h). */
#define VOIPFW_BURST_MAX	4000u
#define VOIPFW_RATE_MAX		10000000u

/**
 * enum voipfw_cmd - generic netlink commands
 * @VOIPFW_CMD_HELLO: the handshake; the reply carries the module's
 *	VOIPFW_A_ABI_VERSION, VOIPFW_A_ABI_SIZE and VOIPFW_A_MAX_SOURCES
 * @VOIPFW_CMD_SET_CONFIG: replace the configuration whole:
 *	VOIPFW_A_CONFIG (struct voipfw_config) and VOIPFW_A_PATTERNS
 *	(optional; absent: no patterns); needs CAP_NET_ADMIN
 * @VOIPFW_CMD_GET_STATS: the reply carries VOIPFW_A_STATS
 */
enum voipfw_cmd {
	VOIPFW_CMD_UNSPEC,
	VOIPFW_CMD_HELLO,
	VOIPFW_CMD_SET_CONFIG,
	VOIPFW_CMD_GET_STATS,
	__VOIPFW_CMD_MAX
};
#define VOIPFW_CMD_MAX (__VOIPFW_CMD_MAX - 1)

/**
 * enum voipfw_attr - top-level attributes
 * @VOIPFW_A_ABI_VERSION: u32, VOIPFW_ABI_VERSION of the sender
 * @VOIPFW_A_ABI_SIZE: u32, sizeof(struct voipfw_config) of the sender
 * @VOIPFW_A_CONFIG: binary, struct voipfw_config, exactly that size
 * @VOIPFW_A_PATTERNS: nested, VOIPFW_A_PATTERN strings in list order
 * @VOIPFW_A_PATTERN: string (NUL-terminated), one pattern; a leading '^'
 *	anchors it at the start of the User-Agent value
 * @VOIPFW_A_STATS: nested, u64 counters by enum voipfw_stat
 * @VOIPFW_A_MAX_SOURCES: u32, the source table's hard cap (module
 *	parameter max_sources)
 * @VOIPFW_A_PAD: padding for 64-bit attributes
 */
enum voipfw_attr {
	VOIPFW_A_UNSPEC,
	VOIPFW_A_ABI_VERSION,
	VOIPFW_A_ABI_SIZE,
	VOIPFW_A_CONFIG,
	VOIPFW_A_PATTERNS,
	VOIPFW_A_PATTERN,
	VOIPFW_A_STATS,
	VOIPFW_A_MAX_SOURCES,
	VOIPFW_A_PAD,
	__VOIPFW_A_MAX
};
#define VOIPFW_A_MAX (__VOIPFW_A_MAX - 1)

/**
 * enum voipfw_class - the SIP request classes limited apart (the order of
 * userspace/limit/srclimit.h's enum srclimit_class)
 */
enum voipfw_class {
	VOIPFW_CLASS_REGISTER,
	VOIPFW_CLASS_INVITE,
	VOIPFW_CLASS_OPTIONS,
	VOIPFW_CLASS_OTHER,
	__VOIPFW_CLASS_MAX
};

/**
 * enum voipfw_stat - counters in VOIPFW_A_STATS, u64 each.  Every packet
 * looked at (SEEN) is passed or dropped for exactly one reason:
 * SEEN = PASSED + DROP_REGISTER + DROP_INVITE + DROP_OPTIONS + DROP_OTHER
 *        + DROP_SCANNER.
 * @VOIPFW_S_SEEN: UDP datagrams to a configured SIP port
 * @VOIPFW_S_PASSED: of those, passed on (to nft and the queue)
 * @VOIPFW_S_NOT_REQUEST: of PASSED, not a SIP request (responses,
 *	keepalives, anything else: voipfwd judges them)
 * @VOIPFW_S_DROP_REGISTER: dropped by the REGISTER limit; and so on
 * @VOIPFW_S_DROP_SCANNER: dropped for a scanner User-Agent
 * @VOIPFW_S_OVERFLOW: requests judged by the shared overflow buckets
 *	because the source table had no slot for their source
 * @VOIPFW_S_SRC_ALLOC: source entries allocated since load
 * @VOIPFW_S_SRC_FREE: source entries freed since load
 * @VOIPFW_S_SRC_ALLOC_FAIL: GFP_ATOMIC allocations that failed
 * @VOIPFW_S_SRC_NOW: source entries held now
 * @VOIPFW_S_SRC_EXPIRED: entries freed by the idle collector
 * @VOIPFW_S_CFG_ALLOC: configurations allocated since load
 * @VOIPFW_S_CFG_FREE: configurations freed since load
 * @VOIPFW_S_UNJUDGED: of PASSED, requests passed because no
 *	configuration is loaded or it is disabled (fail-open)
 */
enum voipfw_stat {
	VOIPFW_S_UNSPEC,
	VOIPFW_S_PAD,
	VOIPFW_S_SEEN,
	VOIPFW_S_PASSED,
	VOIPFW_S_NOT_REQUEST,
	VOIPFW_S_DROP_REGISTER,
	VOIPFW_S_DROP_INVITE,
	VOIPFW_S_DROP_OPTIONS,
	VOIPFW_S_DROP_OTHER,
	VOIPFW_S_DROP_SCANNER,
	VOIPFW_S_OVERFLOW,
	VOIPFW_S_SRC_ALLOC,
	VOIPFW_S_SRC_FREE,
	VOIPFW_S_SRC_ALLOC_FAIL,
	VOIPFW_S_SRC_NOW,
	VOIPFW_S_SRC_EXPIRED,
	VOIPFW_S_CFG_ALLOC,
	VOIPFW_S_CFG_FREE,
	VOIPFW_S_UNJUDGED,
	__VOIPFW_S_MAX
};
#define VOIPFW_S_MAX (__VOIPFW_S_MAX - 1)

/**
 * struct voipfw_limit - one token bucket's shape
 * @milli_per_sec: sustained rate, thousandths of a message per second
 * @burst: messages that may come at once after a quiet spell; 0 with
 *	@milli_per_sec 0 drops every message of the class
 */
struct voipfw_limit {
	__u32	milli_per_sec;
	__u32	burst;
};

/* struct voipfw_config.flags */
#define VOIPFW_F_ENABLED	(1u << 0)	/* judge; else pass everything */

/**
 * struct voipfw_config - VOIPFW_A_CONFIG
 * @flags: VOIPFW_F_*
 * @idle_ms: a source not seen for this long is forgotten (>= 1000)
 * @n_ports: how many of @ports are used (0: the hook looks at nothing)
 * @pad0: zero
 * @ports: UDP destination ports, host byte order
 * @limit: per source address and class
 * @overflow: per class, shared by every source the table had no room
 *	for (the table is full: a spoofed-source flood)
 */
struct voipfw_config {
	__u32			flags;
	__u32			idle_ms;
	__u16			n_ports;
	__u16			pad0;
	__u16			ports[VOIPFW_PORTS_MAX];
	struct voipfw_limit	limit[__VOIPFW_CLASS_MAX];
	struct voipfw_limit	overflow[__VOIPFW_CLASS_MAX];
};

#endif /* _UAPI_VOIPFW_H */
