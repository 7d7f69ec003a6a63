/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfttab.c - voipfw's table "inet voipfw", programmed with libnftnl
 * messages in nfnetlink batches over libmnl.
 *
 * What nfttab_install leaves in the kernel, as "nft list table inet
 * voipfw" prints it (timeout 30s, media 10000-20000, mark 0x10, queues
 * 0-1, fail-open, xt path; the native path prints the same "queue"):
 *
 *   table inet voipfw {
 *     set pinhole4 { type ipv4_addr . inet_service; size 65536;
 *                    flags dynamic,timeout; timeout 30s; }
 *     set pinhole4_peer { type ipv4_addr . inet_service . ipv4_addr; ... }
 *     set pinhole6 { type ipv6_addr . inet_service; ... }
 *     set pinhole6_peer { type ipv6_addr . inet_service . ipv6_addr; ... }
 *     set closing4 { type ipv4_addr . inet_service; size 65536;
 *                    timeout 31s; }   (closing4_peer, closing6, ...: the
 *                    keys being closed, see "closes the packet path undid")
 *     set sip_ports { type inet_service; elements = { 5060 } }
 *     set ban4 { type ipv4_addr; size 65536; flags timeout; }
 *     set ban6 { type ipv6_addr; size 65536; flags timeout; }
 *     set block4 { type ipv4_addr; flags interval; }
 *     set block6 { type ipv6_addr; flags interval; }
 *     set geoblock4 { type ipv4_addr; flags interval; }
 *     set geoblock6 { type ipv6_addr; flags interval; }
 *     chain ban {
 *       ip saddr @ban4 counter drop
 *       ip6 saddr @ban6 counter drop
 *       ip saddr @block4 counter drop comment "block list (blocklist)"
 *       ip6 saddr @block6 counter drop ...
 *       ip saddr @geoblock4 counter drop comment "blocked country (geo-block)"
 *       ip6 saddr @geoblock6 counter drop ...
 *     }
 *     chain media {
 *       ip daddr . udp dport @pinhole4 ip daddr . udp dport != @closing4
 *         @th,64,8 & 0xc0 == 0x80
 *         update @pinhole4 { ip daddr . udp dport timeout 30s }
 *         meta mark set meta mark | 0x00000010 counter accept
 *       ... the same for pinhole4_peer (". ip saddr"), pinhole6, pinhole6_peer
 *       udp dport 10000-20000 counter drop
 *     }
 *     chain sip {
 *       udp dport @sip_ports counter queue num 0-1 bypass,fanout
 *       tcp dport @sip_ports counter queue num 0-1 bypass,fanout
 *     }
 *     chain forward { type filter hook forward priority filter; policy accept;
 *                     jump ban; jump media; jump sip }
 *     chain input   { type filter hook input priority filter; policy accept;
 *                     jump ban; jump media; jump sip }
 *   }
 *
 * @th,64,8 is the first byte of the UDP payload: RTP (RFC 3550 5.1) and
 * RTCP (6.4) both carry version 2 in its top two bits.  The rules are
 * built exactly as nft 1.0.6 builds them for the text above (compared
 * with nft --debug=netlink: same bytecode), and the sets with the same
 * type, key length, flags, timeout and size (nft adds userdata of its
 * own that only its printing uses), so a table restored with "nft -f"
 * from our listing is one nfttab_install adopts.
 *
 * Every change is one nfnetlink batch, every message asks for an ACK and
 * every ACK is read: the kernel applies a batch whole or not at all, and
 * we know which object it refused.  No message names another table than
 * inet voipfw, except the probe's inet voipfw-probe in a batch that is
 * always aborted; we query our own chains by name and never dump a
 * family.
 *
 * Replies to a batch: nfnetlink processes the batch inside our sendmsg()
 * and queues every ACK (and the error of a failed commit, against the
 * batch-begin sequence number) before sendmsg() returns.  So the ACKs are
 * read without blocking, until the socket is empty; a missing ACK is an
 * error, never a wait.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_NFQUEUE.h>
#include <linux/netlink.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/gen.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "nfttab.h"
#include "../hash/siphash.h"
#include "../netset/netset.h"

/* Room reserved for one message while it is built: ours stay < 1 KiB. */
#define NFTTAB_MSG_MAX		4096
/* In front of the messages: the batch-begin message, with a genid. */
#define NFTTAB_HDR_ROOM		32
/* Receive buffer per expected ACK (an ACK skb's truesize is < 1 KiB). */
#define NFTTAB_ACK_COST		1024
/* Socket buffers for the ACKs and a batch, beyond what they count. */
#define NFTTAB_SOCKBUF_SLACK	(256 * 1024)
/* Large enough for any dump part: the kernel sizes them to our reads. */
#define NFTTAB_RBUF_SIZE	32768
/* Retries of an install whose generation check failed (busy host). */
#define NFTTAB_RESTARTS		5
/* Retries of a set dump interrupted by a concurrent ruleset change. */
#define NFTTAB_DUMP_RETRIES	3
/* Longest pinhole key: ipv6 . port . ipv6, each padded to 4 bytes. */
#define NFTTAB_KEY_MAX		36
/* closes in progress ("closes the packet path undid"): the next step
 * this long after the last, at most this many per handle, at most this
 * many steps per nfttab_pinhole_recheck() call; a closing element
 * outlives what the packet path re-creates by NFTTAB_CLOSING_EXTRA_MS */
#define NFTTAB_RECHECK_MS	100
#define NFTTAB_RECHECK_MAX	4096
#define NFTTAB_RECHECK_BURST	128
/* buckets of the index of closes in progress by key (a power of 2;
 * twice NFTTAB_RECHECK_MAX keeps its chains short) */
#define NFTTAB_RECHECK_BUCKETS	8192
_Static_assert(NFTTAB_RECHECK_MAX < 65535,
	       "the index links slots + 1 in uint16_t");
_Static_assert((NFTTAB_RECHECK_BUCKETS & (NFTTAB_RECHECK_BUCKETS - 1)) == 0,
	       "NFTTAB_RECHECK_BUCKETS: a power of 2");
/* room for one GETSETELEM: ~110 bytes with the longest set name and key */
#define NFTTAB_LOOKUP_MSG	256
/* a step that failed (a lookup, a commit) is tried again, NFTTAB_RECHECK_MS
 * later, this many times; then its closing key is left to time out */
#define NFTTAB_RECHECK_TRIES	10
#define NFTTAB_CLOSING_EXTRA_MS	1000
/* batch ids of the closing sets: after every other set's (build_install) */
#define NFTTAB_CLOSING_SET_ID	64
/* rounds a commit may take (each drops refused deletes or replaces
 * elements; more means something else is wrong) */
#define NFTTAB_COMMIT_ROUNDS	8

#define NFTTAB_PROBE_TABLE	NFTTAB_TABLE "-probe"
#define NFTTAB_SIP_SET		"sip_ports"

/* nft's datatype numbers (nftables include/datatype.h): set key types. */
#define NFT_DT_IPADDR		7
#define NFT_DT_IP6ADDR		8
#define NFT_DT_INET_SERVICE	13
#define NFT_DT_CONCAT(a, b)	((a) << 6 | (b))	/* TYPE_BITS */

/**
 * struct nfttab_pset - one of the four pinhole sets.
 * @name:      set name
 * @family:    4 or 6 (struct pinhole's)
 * @peer:      the key ends with the source address
 * @nfproto:   NFPROTO_IPV4/IPV6, for "meta nfproto"
 * @alen:      address length
 * @daddr_off/@saddr_off: offsets in the network header
 * @key_type:  nft's concat type, so that "nft list" prints the key
 * @key_len:   bytes of the key: each field padded to 4 (registers)
 * @port_reg:  32-bit register of the port, after the daddr in NFT_REG_1
 * @saddr_reg: 32-bit register of the saddr, after the port
 */
struct nfttab_pset {
	const char	*name;
	const char	*closing;
	uint8_t		family;
	bool		peer;
	uint8_t		nfproto;
	uint8_t		alen;
	uint8_t		daddr_off;
	uint8_t		saddr_off;
	uint32_t	key_type;
	uint32_t	key_len;
	uint32_t	port_reg;
	uint32_t	saddr_reg;
};

enum { PSET_4, PSET_4_PEER, PSET_6, PSET_6_PEER, __PSET_MAX };

/*
 * Flags dynamic,timeout (NFT_SET_EVAL | NFT_SET_TIMEOUT) as nft sets them
 * for "type ipv4_addr . inet_service; flags timeout,dynamic".  nft sends
 * neither NFT_SET_CONCAT nor NFTA_SET_DESC_CONCAT for such a set: those
 * describe the fields of interval (pipapo) sets; a hash set needs only
 * the key length.  Sending what nft sends keeps our sets identical to
 * ones restored from "nft list" output, which adoption relies on.
 */
static const struct nfttab_pset nfttab_psets[__PSET_MAX] = {
	[PSET_4] = {
		.name = "pinhole4", .closing = "closing4",
		.family = 4, .nfproto = NFPROTO_IPV4,
		.alen = 4, .daddr_off = 16, .saddr_off = 12,
		.key_type = NFT_DT_CONCAT(NFT_DT_IPADDR, NFT_DT_INET_SERVICE),
		.key_len = 8, .port_reg = NFT_REG32_01,
	},
	[PSET_4_PEER] = {
		.name = "pinhole4_peer", .closing = "closing4_peer",
		.family = 4, .peer = true,
		.nfproto = NFPROTO_IPV4,
		.alen = 4, .daddr_off = 16, .saddr_off = 12,
		.key_type = NFT_DT_CONCAT(NFT_DT_CONCAT(NFT_DT_IPADDR,
				NFT_DT_INET_SERVICE), NFT_DT_IPADDR),
		.key_len = 12, .port_reg = NFT_REG32_01,
		.saddr_reg = NFT_REG32_02,
	},
	[PSET_6] = {
		.name = "pinhole6", .closing = "closing6",
		.family = 6, .nfproto = NFPROTO_IPV6,
		.alen = 16, .daddr_off = 24, .saddr_off = 8,
		.key_type = NFT_DT_CONCAT(NFT_DT_IP6ADDR, NFT_DT_INET_SERVICE),
		.key_len = 20, .port_reg = NFT_REG32_04,
	},
	[PSET_6_PEER] = {
		.name = "pinhole6_peer", .closing = "closing6_peer",
		.family = 6, .peer = true,
		.nfproto = NFPROTO_IPV6,
		.alen = 16, .daddr_off = 24, .saddr_off = 8,
		.key_type = NFT_DT_CONCAT(NFT_DT_CONCAT(NFT_DT_IP6ADDR,
				NFT_DT_INET_SERVICE), NFT_DT_IP6ADDR),
		.key_len = 36, .port_reg = NFT_REG32_04,
		.saddr_reg = NFT_REG32_05,
	},
};

/**
 * struct nfttab_bset - one of the two ban sets: source addresses whose
 * every packet the chain ban drops, ahead of media and the queue.
 * @name: set name;  @family: 4 or 6;  @nfproto: for "meta nfproto"
 * @alen: address length (the key);  @saddr_off: in the network header
 * @key_type: nft's datatype, so that "nft list" prints addresses
 */
struct nfttab_bset {
	const char	*name;
	uint8_t		family;
	uint8_t		nfproto;
	uint8_t		alen;
	uint8_t		saddr_off;
	uint32_t	key_type;
};

enum { BSET_4, BSET_6, __BSET_MAX };

/*
 * Flags timeout only (NFT_SET_TIMEOUT), as nft sets them for "flags
 * timeout": no rule adds to them (not dynamic), and no default timeout,
 * so an element without its own timeout stays until it is deleted.
 */
static const struct nfttab_bset nfttab_bsets[__BSET_MAX] = {
	[BSET_4] = { .name = "ban4", .family = 4, .nfproto = NFPROTO_IPV4,
		     .alen = 4, .saddr_off = 12, .key_type = NFT_DT_IPADDR },
	[BSET_6] = { .name = "ban6", .family = 6, .nfproto = NFPROTO_IPV6,
		     .alen = 16, .saddr_off = 8, .key_type = NFT_DT_IP6ADDR },
};

/*
 * The interval sets of enum nfttab_netset, [which][0: IPv4, 1: IPv6]:
 * flags interval only, as nft sets them for "flags interval", and no
 * size: the lists decide how large they are (userspace caps them).
 */
static const struct nfttab_bset nfttab_isets[__NFTTAB_NETSET_MAX][2] = {
	[NFTTAB_NETSET_BLOCK] = {
		{ .name = "block4", .family = 4, .nfproto = NFPROTO_IPV4,
		  .alen = 4, .saddr_off = 12, .key_type = NFT_DT_IPADDR },
		{ .name = "block6", .family = 6, .nfproto = NFPROTO_IPV6,
		  .alen = 16, .saddr_off = 8, .key_type = NFT_DT_IP6ADDR },
	},
	[NFTTAB_NETSET_GEOBLOCK] = {
		{ .name = "geoblock4", .family = 4, .nfproto = NFPROTO_IPV4,
		  .alen = 4, .saddr_off = 12, .key_type = NFT_DT_IPADDR },
		{ .name = "geoblock6", .family = 6, .nfproto = NFPROTO_IPV6,
		  .alen = 16, .saddr_off = 8, .key_type = NFT_DT_IP6ADDR },
	},
};

static const char *const nfttab_iset_comments[__NFTTAB_NETSET_MAX] = {
	[NFTTAB_NETSET_BLOCK]		= "block list (blocklist)",
	[NFTTAB_NETSET_GEOBLOCK]	= "blocked country (geo-block)",
};

static const char *const nfttab_iset_names[__NFTTAB_NETSET_MAX] = {
	[NFTTAB_NETSET_BLOCK]		= "block",
	[NFTTAB_NETSET_GEOBLOCK]	= "geoblock",
};

/*
 * The per-source SIP meters: a rule adds the source (dynamic), an element
 * idle for a minute goes (its limit state with it).
 */
static const char *const nfttab_meters[__BSET_MAX] = {
	[BSET_4] = "meter4",
	[BSET_6] = "meter6",
};
#define NFTTAB_METER_TIMEOUT_MS	60000

/**
 * struct nfttab_chain_def - one of our chains.
 * @name: chain name
 * @hook: NF_INET_* for a base chain, -1 for a regular chain
 */
struct nfttab_chain_def {
	const char	*name;
	int		hook;
};

/* Base chains first: they jump to the others, so they go first too. */
static const struct nfttab_chain_def nfttab_chains[] = {
	{ "forward",	NF_INET_FORWARD },
	{ "input",	NF_INET_LOCAL_IN },
	{ "ban",	-1 },
	{ "media",	-1 },
	{ "defrag",	-1 },
	{ "sip",	-1 },
};
#define NFTTAB_N_CHAINS	(sizeof(nfttab_chains) / sizeof(nfttab_chains[0]))

/**
 * struct nfttab_msg - one message of a batch, kept to read its ACK.
 * @seq:    its sequence number
 * @off:    where it starts in the batch buffer
 * @err:    errno from its ACK; -1 until the ACK arrives
 * @type:   NFT_MSG_*
 * @pset:   pinhole set of an element message, else -1
 * @bset:   ban set of an element message, else -1
 * @what:   what it does, for errors ("add rule to chain")
 * @obj:    what it names ("media")
 * @detail: more context, or NULL (a rule's comment)
 * @hint:   said when it fails with @hint_err, or NULL
 * @hint_err: the errno @hint explains
 * @key:    the element of a pinhole message
 */
struct nfttab_msg {
	uint32_t	seq;
	uint32_t	off;
	int		err;
	uint16_t	type;
	int8_t		pset;
	int8_t		bset;
	bool		closing;
	bool		guarded;
	const char	*what;
	const char	*obj;
	const char	*detail;
	const char	*hint;
	int		hint_err;
	uint8_t		key[NFTTAB_KEY_MAX];
};

/**
 * struct nfttab_batch - messages between batch begin and end.
 * @buf:       NFTTAB_HDR_ROOM bytes for the begin, then the messages
 * @len:       end of the last closed message
 * @cap:       allocated; always >= len + NFTTAB_MSG_MAX
 * @msg:       one entry per closed message, in @buf order, @seq ascending
 * @n/@nmax:   entries used / allocated
 * @begin_err: errno the kernel gave the batch as a whole (commit failed,
 *             generation changed), 0
 * @extack:    the kernel's message for the first error, if it sent one
 */
struct nfttab_batch {
	char			*buf;
	size_t			len;
	size_t			cap;
	struct nfttab_msg	*msg;
	unsigned int		n;
	unsigned int		nmax;
	int			begin_err;
	char			extack[96];
};

/**
 * struct nfttab - one nf_tables connection.
 * @lock:      serialises callers: one socket, one receive buffer and one
 *             pending batch (see nfttab_pinhole_ops for what sharing a
 *             pending batch between threads means)
 * @nl:        NETLINK_NETFILTER socket
 * @portid:    its port id
 * @seq:       next sequence number
 * @rcvbuf/@sndbuf: socket buffer sizes set so far (0: kernel default)
 * @ctl:       batch of install/remove/probe, reused
 * @pend:      pinhole changes waiting for commit
 * @pend_err:  errno of an add/del that could not be queued: the next
 *             commit fails (and drops the batch), so that the caller's
 *             idea of the pinholes and the kernel's stay in step
 * @elem:      element object reused by every add/del
 * @native:    probe result: 1 native queue, 0 none, -1 not probed
 * @tproxy:    probe result: 1 the tproxy expression loads, 0 it does not,
 *             -1 not probed
 * @defrag:    how the installed table turns nf_defrag on
 * @path:      queue path of the installed rules (AUTO: not installed)
 * @timeout_ms: configured pinhole timeout, given to every element
 * @err:       message of the last failure (nfttab_error)
 * @rbuf:      receive buffer
 */
/*
 * A closed pinhole to finish closing (see "closes the packet path undid"
 * below): the element's set and key, when, which stage is next, and
 * whether a call took the key again meanwhile.
 */
struct nfttab_recheck {
	uint64_t	due_ms;
	int8_t		pset;
	uint8_t		stage;
	uint8_t		tries;
	bool		cancelled;
	uint8_t		key[NFTTAB_KEY_MAX];
};

struct nfttab {
	pthread_mutex_t		lock;
	struct mnl_socket	*nl;
	uint32_t		portid;
	uint32_t		seq;
	int			rcvbuf;
	int			sndbuf;
	struct nfttab_batch	ctl;
	struct nfttab_batch	pend;
	struct nfttab_batch	spare;	/* batch_rework's */
	int			pend_err;
	struct nftnl_set_elem	*elem;
	int			native;
	int			tproxy;
	enum nfttab_defrag	defrag;
	enum nfttab_queue_path	path;
	uint64_t		timeout_ms;
	struct nfttab_recheck	*rechecks;	/* ring; NULL until needed */
	/* the ring's index by key: slot + 1 of a bucket's newest entry, and
	 * per slot the next older one's (0: none); allocated with the ring */
	uint16_t		*recheck_bucket;
	uint16_t		*recheck_chain;
	struct siphash_key	recheck_hkey;
	unsigned int		recheck_head;
	unsigned int		recheck_n;
	unsigned int		closing_queued;
	bool			rechecking;
	struct nfttab_recheck_stats recheck_st;
	char			err[512];
	char			rbuf[NFTTAB_RBUF_SIZE];
	/* elems_lookup's requests */
	char			qbuf[NFTTAB_RECHECK_BURST * NFTTAB_LOOKUP_MSG]
				__attribute__((aligned(8)));
};

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/*
 * Library calls keep errno of the failure for their caller (the daemon
 * logs strerror(errno)); these wrappers lock with an error-checking
 * mutex so that a callback calling back into @t fails with EDEADLK
 * instead of hanging.
 */
static int nfttab_lock(struct nfttab *t)
{
	int rc = pthread_mutex_lock(&t->lock);

	if (rc) {
		errno = rc;
		return -1;
	}
	return 0;
}

static void nfttab_unlock(struct nfttab *t)
{
	int saved = errno;

	pthread_mutex_unlock(&t->lock);
	errno = saved;
}

/* ---- batches ------------------------------------------------------------ */

static void batch_reset(struct nfttab_batch *b)
{
	b->len = NFTTAB_HDR_ROOM;
	b->n = 0;
	b->begin_err = 0;
	b->extack[0] = '\0';
}

static int batch_init(struct nfttab_batch *b)
{
	memset(b, 0, sizeof(*b));
	b->cap = NFTTAB_HDR_ROOM + 4 * NFTTAB_MSG_MAX;
	/* zeroed, here and when grown: libmnl 1.0.4 leaves attribute
	 * padding unwritten, and the kernel should not get our heap */
	b->buf = calloc(1, b->cap);
	b->nmax = 16;
	b->msg = calloc(b->nmax, sizeof(*b->msg));
	if (!b->buf || !b->msg)
		return -1;
	batch_reset(b);
	return 0;
}

static void batch_free(struct nfttab_batch *b)
{
	free(b->buf);
	free(b->msg);
}

/*
 * Start a message at the end of @b: room for NFTTAB_MSG_MAX bytes and an
 * entry are made first, so that building cannot fail half-way.  The
 * message only counts once batch_close() is called; a builder that fails
 * in between leaves @b as it was.  Buffers grow by doubling and are kept,
 * so a steady stream of pinhole changes allocates nothing here.
 */
static struct nlmsghdr *batch_add(struct nfttab *t, struct nfttab_batch *b,
				  uint16_t type, uint16_t flags,
				  const char *what, const char *obj)
{
	struct nfttab_msg *m;
	struct nlmsghdr *nlh;

	if (b->len + 2 * NFTTAB_MSG_MAX > b->cap) {
		size_t cap = b->cap * 2;
		char *buf = realloc(b->buf, cap);

		if (!buf)
			return NULL;
		memset(buf + b->cap, 0, cap - b->cap);
		b->buf = buf;
		b->cap = cap;
	}
	if (b->n == b->nmax) {
		unsigned int nmax = b->nmax * 2;
		struct nfttab_msg *msg = realloc(b->msg, nmax * sizeof(*msg));

		if (!msg)
			return NULL;
		b->msg = msg;
		b->nmax = nmax;
	}
	nlh = nftnl_nlmsg_build_hdr(b->buf + b->len, type, NFPROTO_INET,
				    flags | NLM_F_ACK, t->seq++);
	m = &b->msg[b->n];
	m->seq = nlh->nlmsg_seq;
	m->off = (uint32_t)b->len;
	m->err = -1;
	m->type = type;
	m->pset = -1;
	m->bset = -1;
	m->closing = false;
	m->guarded = false;
	m->what = what;
	m->obj = obj;
	m->detail = NULL;
	m->hint = NULL;
	m->hint_err = 0;
	return nlh;
}

/* The entry batch_add() prepared for the message being built. */
static struct nfttab_msg *batch_cur(struct nfttab_batch *b)
{
	return &b->msg[b->n];
}

static void batch_close(struct nfttab_batch *b, struct nlmsghdr *nlh)
{
	b->len += nlh->nlmsg_len;
	b->n++;
}

/*
 * The entry of @seq.  Sequence numbers of a batch ascend as they were
 * handed out, modulo 2^32: searching on the distance from the first one
 * stays right when the counter wraps in the middle of a batch.
 */
static struct nfttab_msg *batch_find(struct nfttab_batch *b, uint32_t seq)
{
	unsigned int lo = 0, hi = b->n;
	uint32_t base, rel;

	if (!b->n)
		return NULL;
	base = b->msg[0].seq;
	rel = seq - base;
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		uint32_t mrel = b->msg[mid].seq - base;

		if (mrel == rel)
			return &b->msg[mid];
		if (mrel < rel)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * Grow a socket buffer to @need bytes.  SO_*BUFFORCE (CAP_NET_ADMIN, which
 * we need for nf_tables anyway) passes the rmem_max/wmem_max limits; the
 * plain option is the fallback.  Failure is not fatal here: a batch that
 * then does not fit fails with EMSGSIZE, lost ACKs with ENOBUFS.
 */
static void grow_sockbuf(struct nfttab *t, int force_opt, int opt, int *cur,
			 size_t need)
{
	int fd = mnl_socket_get_fd(t->nl);
	int v;

	if (need <= (size_t)*cur)
		return;
	if (need > 1U << 30)
		need = 1U << 30;
	v = (int)need;
	if (setsockopt(fd, SOL_SOCKET, force_opt, &v, sizeof(v)) &&
	    setsockopt(fd, SOL_SOCKET, opt, &v, sizeof(v)))
		return;
	*cur = v;
}

/* Keep the kernel's extended-ACK message of an error, if it sent one. */
static void ack_extack(struct nfttab_batch *b, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	size_t off;

	if (b->extack[0] || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* NETLINK_CAP_ACK: the request is not echoed, TLVs follow */
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	mnl_attr_for_each(attr, nlh, off) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0) {
			snprintf(b->extack, sizeof(b->extack), "%s",
				 mnl_attr_get_str(attr));
			return;
		}
	}
}

/*
 * Send @b between batch begin and end and read every ACK.  With
 * @genid_check the batch carries @genid: the kernel refuses it with
 * ERESTART if any ruleset changed since we read @genid (what we learnt by
 * querying may be stale).  Returns 0 when every message was ACKed with
 * success and the batch committed; else -1 with errno and the per-message
 * errors in @b (the kernel then applied nothing).
 */
static int batch_send(struct nfttab *t, struct nfttab_batch *b,
		      bool genid_check, uint32_t genid)
{
	union {
		char			buf[NFTTAB_HDR_ROOM];
		struct nlmsghdr		align;
	} beg;
	struct nlmsghdr *nlh;
	uint32_t begin_seq, start, total;
	unsigned int i, acks = 0;
	int fd = mnl_socket_get_fd(t->nl);
	int first_err = 0, lost = 0;

	memset(&beg, 0, sizeof(beg));
	begin_seq = t->seq++;
	nlh = nftnl_batch_begin(beg.buf, begin_seq);
	if (genid_check)
		mnl_attr_put_u32(nlh, NFNL_BATCH_GENID, htonl(genid));
	start = NFTTAB_HDR_ROOM - nlh->nlmsg_len;
	memcpy(b->buf + start, beg.buf, nlh->nlmsg_len);
	nlh = nftnl_batch_end(b->buf + b->len, t->seq++);
	total = (uint32_t)(b->len + nlh->nlmsg_len - start);

	for (i = 0; i < b->n; i++)
		b->msg[i].err = -1;
	b->begin_err = 0;
	b->extack[0] = '\0';
	grow_sockbuf(t, SO_SNDBUFFORCE, SO_SNDBUF, &t->sndbuf,
		     total + NFTTAB_SOCKBUF_SLACK);
	grow_sockbuf(t, SO_RCVBUFFORCE, SO_RCVBUF, &t->rcvbuf,
		     (size_t)b->n * NFTTAB_ACK_COST + NFTTAB_SOCKBUF_SLACK);

	if (mnl_socket_sendto(t->nl, b->buf + start, total) < 0)
		return -1;

	for (;;) {
		ssize_t r = recv(fd, t->rbuf, sizeof(t->rbuf), MSG_DONTWAIT);
		int len;

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			/* ENOBUFS: ACKs were lost; read the rest so the
			 * socket is clean, then say the outcome is unknown */
			lost = errno;
			continue;
		}
		len = (int)r;
		for (nlh = (struct nlmsghdr *)t->rbuf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *e;
			struct nfttab_msg *m;

			if (nlh->nlmsg_type != NLMSG_ERROR ||
			    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
				continue;
			e = mnl_nlmsg_get_payload(nlh);
			if (e->error)
				ack_extack(b, nlh);
			if (nlh->nlmsg_seq == begin_seq) {
				b->begin_err = -e->error;
				continue;
			}
			m = batch_find(b, nlh->nlmsg_seq);
			if (!m)
				continue;	/* not ours: an older exchange */
			if (m->err < 0)
				acks++;
			m->err = -e->error;
			if (m->err && !first_err)
				first_err = m->err;
		}
	}
	if (lost) {
		errno = lost;
		return -1;
	}
	if (b->begin_err) {
		errno = b->begin_err;
		return -1;
	}
	if (first_err) {
		errno = first_err;
		return -1;
	}
	if (acks < b->n) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

static size_t format_key(const struct nfttab_pset *ps, const uint8_t *key,
			 char *out, size_t outlen)
{
	char d[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN];
	int af = ps->family == 6 ? AF_INET6 : AF_INET;
	uint16_t port;
	int n;

	memcpy(&port, key + ps->alen, sizeof(port));
	if (!inet_ntop(af, key, d, sizeof(d)))
		snprintf(d, sizeof(d), "?");
	if (ps->peer && !inet_ntop(af, key + ps->alen + 4, s, sizeof(s)))
		snprintf(s, sizeof(s), "?");
	n = snprintf(out, outlen, "%s . %u%s%s", d, ntohs(port),
		     ps->peer ? " . " : "", ps->peer ? s : "");
	return n < 0 ? 0 : (size_t)n;
}

/*
 * "add rule to chain media (pinhole4: ...): No such file or directory"
 * for the first message the kernel refused, and how many more it did.
 */
static void batch_strerror(const struct nfttab_batch *b, int err_no,
			   char *err, size_t errlen)
{
	const struct nfttab_msg *m = NULL;
	unsigned int i, more = 0;
	char key[128] = "";

	if (b->begin_err) {
		if (b->begin_err == ERESTART)
			seterr(err, errlen, "the ruleset kept changing while "
			       "we prepared the batch (generation check)");
		else
			seterr(err, errlen, "committing the batch: %s%s%s",
			       strerror(b->begin_err),
			       b->extack[0] ? ": " : "", b->extack);
		return;
	}
	for (i = 0; i < b->n; i++) {
		if (b->msg[i].err <= 0)
			continue;
		if (m)
			more++;
		else
			m = &b->msg[i];
	}
	if (!m && err_no == ENOBUFS) {
		seterr(err, errlen, "ACKs lost (%s): whether the batch "
		       "committed is unknown", strerror(err_no));
		return;
	}
	if (!m) {
		seterr(err, errlen, "sending the batch: %s", strerror(err_no));
		return;
	}
	if (m->pset >= 0)
		format_key(&nfttab_psets[m->pset], m->key, key, sizeof(key));
	else if (m->bset >= 0 &&
		 !inet_ntop(nfttab_bsets[m->bset].family == 6 ? AF_INET6 :
			    AF_INET, m->key, key, sizeof(key)))
		snprintf(key, sizeof(key), "?");
	seterr(err, errlen, "%s %s%s%s%s%s: %s%s%s%s%s", m->what, m->obj,
	       key[0] ? " element " : "", key,
	       m->detail ? " " : "", m->detail ? m->detail : "",
	       strerror(m->err), b->extack[0] ? " (" : "", b->extack,
	       b->extack[0] ? ")" : "",
	       m->hint && m->err == m->hint_err ? m->hint : "");
	if (more) {
		size_t l = strlen(err);

		if (l < errlen)
			snprintf(err + l, errlen - l, " (and %u more)", more);
	}
}

/* ---- plain requests (queries and dumps) -------------------------------- */

/*
 * Send one request and run @cb on its replies until the ACK (or the end
 * of a dump).  0, or -1 with errno (the kernel's error, e.g. ENOENT).
 */
static int request(struct nfttab *t, struct nlmsghdr *nlh, mnl_cb_t cb,
		   void *data)
{
	uint32_t seq = nlh->nlmsg_seq;

	if (mnl_socket_sendto(t->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(t->nl, t->rbuf, sizeof(t->rbuf));
		int ret;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		ret = mnl_cb_run(t->rbuf, (size_t)n, seq, t->portid, cb, data);
		if (ret <= MNL_CB_STOP)
			return ret < 0 ? -1 : 0;
	}
}

static int gen_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_gen *gen = nftnl_gen_alloc();
	uint32_t *genid = data;

	if (!gen)
		return MNL_CB_ERROR;
	if (nftnl_gen_nlmsg_parse(nlh, gen) == 0)
		*genid = nftnl_gen_get_u32(gen, NFTNL_GEN_ID);
	nftnl_gen_free(gen);
	return MNL_CB_OK;
}

static int get_genid(struct nfttab *t, uint32_t *genid)
{
	union {
		char			buf[256];
		struct nlmsghdr		align;
	} req;
	struct nlmsghdr *nlh;

	memset(&req, 0, sizeof(req));
	nlh = nftnl_nlmsg_build_hdr(req.buf, NFT_MSG_GETGEN, AF_UNSPEC,
				    NLM_F_ACK, t->seq++);
	return request(t, nlh, gen_cb, genid);
}

enum chain_state { CHAIN_ABSENT, CHAIN_KEEP, CHAIN_REPLACE };

struct chain_query {
	const struct nfttab_chain_def	*def;
	int32_t				prio;
	enum chain_state		state;
};

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct chain_query *q = data;
	struct nftnl_chain *c = nftnl_chain_alloc();
	bool base, same;

	if (!c)
		return MNL_CB_ERROR;
	if (nftnl_chain_nlmsg_parse(nlh, c) < 0) {
		nftnl_chain_free(c);
		return MNL_CB_ERROR;
	}
	base = nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM);
	if (q->def->hook < 0)
		same = !base;
	else
		same = base &&
		       nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM) ==
		       (uint32_t)q->def->hook &&
		       nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO) == q->prio &&
		       nftnl_chain_is_set(c, NFTNL_CHAIN_TYPE) &&
		       !strcmp(nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE),
			       "filter");
	q->state = same ? CHAIN_KEEP : CHAIN_REPLACE;
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

/*
 * Is our chain there, and as we would create it?  A base chain's hook and
 * priority cannot be updated in place (the kernel says EEXIST): a chain
 * that differs is deleted and created again in the same transaction.
 * One GETCHAIN per name, never a dump: other tables are not our business.
 */
static int query_chain(struct nfttab *t, struct chain_query *q)
{
	union {
		char			buf[512];
		struct nlmsghdr		align;
	} req;
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;
	int rc;

	if (!c)
		return -1;
	memset(&req, 0, sizeof(req));
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NFTTAB_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, q->def->name);
	nlh = nftnl_nlmsg_build_hdr(req.buf, NFT_MSG_GETCHAIN, NFPROTO_INET,
				    NLM_F_ACK, t->seq++);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	q->state = CHAIN_ABSENT;
	rc = request(t, nlh, chain_cb, q);
	if (rc < 0 && errno == ENOENT) {
		q->state = CHAIN_ABSENT;	/* or the whole table */
		return 0;
	}
	return rc;
}

/* ---- message builders ---------------------------------------------------- */

static int put_table(struct nfttab *t, struct nfttab_batch *b,
		     const char *name, uint16_t type, uint16_t flags)
{
	struct nftnl_table *tb = nftnl_table_alloc();
	struct nlmsghdr *nlh;
	int rc = -1;

	if (!tb)
		return -1;
	if (nftnl_table_set_str(tb, NFTNL_TABLE_NAME, name) < 0)
		goto out;
	nlh = batch_add(t, b, type, flags, type == NFT_MSG_DELTABLE ?
			"delete table" : "add table",
			strcmp(name, NFTTAB_TABLE) ? "inet " NFTTAB_PROBE_TABLE :
			"inet " NFTTAB_TABLE);
	if (!nlh)
		goto out;
	nftnl_table_nlmsg_build_payload(nlh, tb);
	batch_close(b, nlh);
	rc = 0;
out:
	nftnl_table_free(tb);
	return rc;
}

/*
 * NEWCHAIN (a base chain with its hook: filter, policy accept), DELCHAIN,
 * or DELRULE naming only the chain, which flushes it.
 */
static int put_chain(struct nfttab *t, struct nfttab_batch *b,
		     const char *table, const struct nfttab_chain_def *def,
		     int32_t prio, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;
	const char *what;
	int rc = -1;

	if (type == NFT_MSG_DELRULE) {
		struct nftnl_rule *r = nftnl_rule_alloc();

		if (!r)
			return -1;
		if (nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table) < 0 ||
		    nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, def->name) < 0)
			goto out_rule;
		nlh = batch_add(t, b, type, flags, "flush chain", def->name);
		if (!nlh)
			goto out_rule;
		nftnl_rule_nlmsg_build_payload(nlh, r);
		batch_close(b, nlh);
		rc = 0;
out_rule:
		nftnl_rule_free(r);
		return rc;
	} else {
		struct nftnl_chain *c = nftnl_chain_alloc();

		if (!c)
			return -1;
		if (nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table) < 0 ||
		    nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, def->name) < 0)
			goto out_chain;
		if (type == NFT_MSG_NEWCHAIN && def->hook >= 0) {
			nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM,
					    (uint32_t)def->hook);
			nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
			nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
			if (nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE,
						"filter") < 0)
				goto out_chain;
		}
		what = type == NFT_MSG_DELCHAIN ? "delete chain" : "add chain";
		nlh = batch_add(t, b, type, flags, what, def->name);
		if (!nlh)
			goto out_chain;
		nftnl_chain_nlmsg_build_payload(nlh, c);
		batch_close(b, nlh);
		rc = 0;
out_chain:
		nftnl_chain_free(c);
		return rc;
	}
}

static int put_set(struct nfttab *t, struct nfttab_batch *b,
		   const char *name, uint32_t key_type, uint32_t key_len,
		   uint32_t flags, uint64_t timeout_ms, uint32_t size,
		   uint32_t id)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nlmsghdr *nlh;
	int rc = -1;

	if (!s)
		return -1;
	if (nftnl_set_set_str(s, NFTNL_SET_TABLE, NFTTAB_TABLE) < 0 ||
	    nftnl_set_set_str(s, NFTNL_SET_NAME, name) < 0)
		goto out;
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, key_type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, key_len);
	nftnl_set_set_u32(s, NFTNL_SET_ID, id);
	if (flags)
		nftnl_set_set_u32(s, NFTNL_SET_FLAGS, flags);
	if (timeout_ms)
		nftnl_set_set_u64(s, NFTNL_SET_TIMEOUT, timeout_ms);
	if (size)
		nftnl_set_set_u32(s, NFTNL_SET_DESC_SIZE, size);
	/* create, or keep an existing set and its elements (no EXCL) */
	nlh = batch_add(t, b, NFT_MSG_NEWSET, NLM_F_CREATE, "add set", name);
	if (!nlh)
		goto out;
	if (!strncmp(name, "pinhole", 7) || !strncmp(name, "ban", 3) ||
	    !strncmp(name, "block", 5) || !strncmp(name, "geoblock", 8)) {
		batch_cur(b)->hint = " (a set of that name but another type "
			"exists: remove the table, losing its pinholes "
			"and bans, to change it)";
		batch_cur(b)->hint_err = EEXIST;
	}
	nftnl_set_nlmsg_build_payload(nlh, s);
	batch_close(b, nlh);
	rc = 0;
out:
	nftnl_set_free(s);
	return rc;
}

/* Open the element list of a NEW/DELSETELEM message to @set. */
static struct nlattr *elems_start(struct nlmsghdr *nlh, const char *set)
{
	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, NFTTAB_TABLE);
	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, set);
	return mnl_attr_nest_start(nlh, NFTA_SET_ELEM_LIST_ELEMENTS);
}

/* sip_ports: flush it, then add the configured ports (same batch). */
static int put_sip_ports(struct nfttab *t, struct nfttab_batch *b,
			 const struct nfttab_config *cfg)
{
	struct nftnl_set_elem *e = t->elem;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	unsigned int i;

	nlh = batch_add(t, b, NFT_MSG_DELSETELEM, 0, "flush set",
			NFTTAB_SIP_SET);
	if (!nlh)
		return -1;
	/* a DELSETELEM without elements flushes the set */
	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, NFTTAB_TABLE);
	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, NFTTAB_SIP_SET);
	batch_close(b, nlh);

	nlh = batch_add(t, b, NFT_MSG_NEWSETELEM, NLM_F_CREATE,
			"add elements to set", NFTTAB_SIP_SET);
	if (!nlh)
		return -1;
	nftnl_set_elem_unset(e, NFTNL_SET_ELEM_TIMEOUT);
	nftnl_set_elem_unset(e, NFTNL_SET_ELEM_USERDATA);
	nest = elems_start(nlh, NFTTAB_SIP_SET);
	for (i = 0; i < cfg->n_sip_ports; i++) {
		uint16_t port = htons(cfg->sip_ports[i]);

		nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, &port, sizeof(port));
		nftnl_set_elem_nlmsg_build(nlh, e, (int)i + 1);
	}
	mnl_attr_nest_end(nlh, nest);
	batch_close(b, nlh);
	return 0;
}

/**
 * struct rule_build - a rule being assembled.
 * @r:      the rule
 * @failed: an expression could not be allocated (checked once, at the end)
 */
struct rule_build {
	struct nftnl_rule	*r;
	bool			failed;
};

static struct nftnl_expr *rb_expr(struct rule_build *rb, const char *name)
{
	struct nftnl_expr *e = nftnl_expr_alloc(name);

	if (!e) {
		rb->failed = true;
		return NULL;
	}
	nftnl_rule_add_expr(rb->r, e);
	return e;
}

static void rb_meta_load(struct rule_build *rb, uint32_t key)
{
	struct nftnl_expr *e = rb_expr(rb, "meta");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
}

static void rb_cmp(struct rule_build *rb, uint32_t op, const void *data,
		   uint32_t len)
{
	struct nftnl_expr *e = rb_expr(rb, "cmp");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
}

/* meta KEY == VALUE, one byte (nfproto, l4proto) */
static void rb_meta_is(struct rule_build *rb, uint32_t key, uint8_t value)
{
	rb_meta_load(rb, key);
	rb_cmp(rb, NFT_CMP_EQ, &value, sizeof(value));
}

static void rb_payload(struct rule_build *rb, uint32_t base, uint32_t off,
		       uint32_t len, uint32_t dreg)
{
	struct nftnl_expr *e = rb_expr(rb, "payload");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, dreg);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
}

static void rb_bitwise(struct rule_build *rb, const void *mask,
		       const void *xor, uint32_t len)
{
	struct nftnl_expr *e = rb_expr(rb, "bitwise");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, xor, len);
}

static void rb_lookup(struct rule_build *rb, const char *set)
{
	struct nftnl_expr *e = rb_expr(rb, "lookup");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	if (nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set) < 0)
		rb->failed = true;
}

/* "!= @set": the key is not in @set */
static void rb_lookup_absent(struct rule_build *rb, const char *set)
{
	struct nftnl_expr *e = rb_expr(rb, "lookup");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS, NFT_LOOKUP_F_INV);
	if (nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set) < 0)
		rb->failed = true;
}

static void rb_counter(struct rule_build *rb)
{
	rb_expr(rb, "counter");
}

static void rb_verdict(struct rule_build *rb, int verdict, const char *chain)
{
	struct nftnl_expr *e = rb_expr(rb, "immediate");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
	if (chain && nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain) < 0)
		rb->failed = true;
}

/* Load a pinhole set's key into NFT_REG_1 onwards, as nft lays it out. */
static void rb_pinhole_key(struct rule_build *rb, const struct nfttab_pset *ps)
{
	rb_payload(rb, NFT_PAYLOAD_NETWORK_HEADER, ps->daddr_off, ps->alen,
		   NFT_REG_1);
	rb_payload(rb, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, ps->port_reg);
	if (ps->peer)
		rb_payload(rb, NFT_PAYLOAD_NETWORK_HEADER, ps->saddr_off,
			   ps->alen, ps->saddr_reg);
}

/*
 * [ip|ip6] daddr . udp dport [. saddr] @set  key != @closing_set
 *   @th,64,8 & 0xc0 == 0x80
 *   update @set { key timeout T }  [meta mark set meta mark | M]
 *   counter accept
 *
 * The refresh carries the configured timeout rather than relying on the
 * set's: an adopted set keeps the default it was created with on kernels
 * that cannot update a set (6.1), and the configuration may have changed.
 */
static void rb_pinhole_rule(struct rule_build *rb, const struct nfttab_pset *ps,
			    const struct nfttab_config *cfg)
{
	static const uint8_t ver_mask = 0xc0, ver_zero = 0, ver_2 = 0x80;
	struct nftnl_expr *e;

	rb_meta_is(rb, NFT_META_NFPROTO, ps->nfproto);
	rb_meta_is(rb, NFT_META_L4PROTO, IPPROTO_UDP);
	rb_pinhole_key(rb, ps);
	rb_lookup(rb, ps->name);
	/* not while it closes: the update below would re-create it */
	rb_pinhole_key(rb, ps);
	rb_lookup_absent(rb, ps->closing);
	/* the version check reuses NFT_REG_1: the key is loaded again */
	rb_payload(rb, NFT_PAYLOAD_TRANSPORT_HEADER, 8, 1, NFT_REG_1);
	rb_bitwise(rb, &ver_mask, &ver_zero, 1);
	rb_cmp(rb, NFT_CMP_EQ, &ver_2, 1);
	rb_pinhole_key(rb, ps);
	e = rb_expr(rb, "dynset");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_DYNSET_OP,
				   NFT_DYNSET_OP_UPDATE);
		nftnl_expr_set_u32(e, NFTNL_EXPR_DYNSET_SREG_KEY, NFT_REG_1);
		nftnl_expr_set_u64(e, NFTNL_EXPR_DYNSET_TIMEOUT,
				   (uint64_t)cfg->pinhole_timeout_s * 1000);
		if (nftnl_expr_set_str(e, NFTNL_EXPR_DYNSET_SET_NAME,
				       ps->name) < 0)
			rb->failed = true;
	}
	if (cfg->media_mark) {
		uint32_t mask = ~cfg->media_mark, xor = cfg->media_mark;

		rb_meta_load(rb, NFT_META_MARK);
		rb_bitwise(rb, &mask, &xor, sizeof(mask));
		e = rb_expr(rb, "meta");
		if (e) {
			nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY,
					   NFT_META_MARK);
			nftnl_expr_set_u32(e, NFTNL_EXPR_META_SREG, NFT_REG_1);
		}
	}
	rb_counter(rb);
	rb_verdict(rb, NF_ACCEPT, NULL);
}

/*
 * meta l4proto udp udp dport @sip_ports
 *     add @meter4 { ip saddr limit rate over R/second burst B packets }
 *     counter drop
 * as nft 1.0.6 builds it (one rule per family and protocol).
 */
static void rb_meter_rule(struct rule_build *rb, const struct nfttab_bset *bs,
			  const char *meter, uint8_t proto,
			  const struct nfttab_config *cfg)
{
	struct nftnl_expr *dyn, *lim;

	rb_meta_is(rb, NFT_META_NFPROTO, bs->nfproto);
	rb_meta_is(rb, NFT_META_L4PROTO, proto);
	rb_payload(rb, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, NFT_REG_1);
	rb_lookup(rb, NFTTAB_SIP_SET);
	rb_payload(rb, NFT_PAYLOAD_NETWORK_HEADER, bs->saddr_off, bs->alen,
		   NFT_REG_1);
	lim = nftnl_expr_alloc("limit");
	dyn = rb_expr(rb, "dynset");
	if (!lim || !dyn) {
		nftnl_expr_free(lim);
		rb->failed = true;
		return;
	}
	nftnl_expr_set_u64(lim, NFTNL_EXPR_LIMIT_RATE, cfg->sip_meter_rate);
	nftnl_expr_set_u64(lim, NFTNL_EXPR_LIMIT_UNIT, 1);
	nftnl_expr_set_u32(lim, NFTNL_EXPR_LIMIT_BURST, cfg->sip_meter_burst);
	nftnl_expr_set_u32(lim, NFTNL_EXPR_LIMIT_TYPE, NFT_LIMIT_PKTS);
	nftnl_expr_set_u32(lim, NFTNL_EXPR_LIMIT_FLAGS, NFT_LIMIT_F_INV);
	nftnl_expr_set_u32(dyn, NFTNL_EXPR_DYNSET_SREG_KEY, NFT_REG_1);
	nftnl_expr_set_u32(dyn, NFTNL_EXPR_DYNSET_OP, NFT_DYNSET_OP_ADD);
	if (nftnl_expr_set_str(dyn, NFTNL_EXPR_DYNSET_SET_NAME, meter) < 0)
		rb->failed = true;
	/* the dynset owns @lim from here */
	nftnl_expr_set(dyn, NFTNL_EXPR_DYNSET_EXPR, lim, 0);
	rb_counter(rb);
	rb_verdict(rb, NF_DROP, NULL);
}

/* ip saddr @ban4 counter drop (ip6 saddr @ban6), as nft 1.0.6 builds it */
static void rb_ban_rule(struct rule_build *rb, const struct nfttab_bset *bs)
{
	rb_meta_is(rb, NFT_META_NFPROTO, bs->nfproto);
	rb_payload(rb, NFT_PAYLOAD_NETWORK_HEADER, bs->saddr_off, bs->alen,
		   NFT_REG_1);
	rb_lookup(rb, bs->name);
	rb_counter(rb);
	rb_verdict(rb, NF_DROP, NULL);
}

/*
 * udp dport MIN-MAX counter drop.  Two comparisons, as nft 1.0.6 emits
 * for a range (memcmp order on big-endian ports is numeric order).
 */
static void rb_media_drop(struct rule_build *rb,
			  const struct nfttab_config *cfg)
{
	uint16_t lo = htons(cfg->media_port_min);
	uint16_t hi = htons(cfg->media_port_max);

	rb_meta_is(rb, NFT_META_L4PROTO, IPPROTO_UDP);
	rb_payload(rb, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, NFT_REG_1);
	if (lo == hi) {
		rb_cmp(rb, NFT_CMP_EQ, &lo, sizeof(lo));
	} else {
		rb_cmp(rb, NFT_CMP_GTE, &lo, sizeof(lo));
		rb_cmp(rb, NFT_CMP_LTE, &hi, sizeof(hi));
	}
	rb_counter(rb);
	rb_verdict(rb, NF_DROP, NULL);
}

/*
 * nf_defrag reassembles datagrams before the forward and input hooks;
 * without it the queue gets a large INVITE's first fragment only, which
 * voipfwd cannot judge, and the rest pass no rule at all.  Two ways to
 * have the kernel turn it on for this netns:
 *
 * "tproxy to :0" (rb_defrag_tproxy) in the chain defrag, which no rule
 * jumps to: the rule never runs, but loading its expression takes
 * nf_defrag for IPv4 and IPv6, and nothing else.  Preferred: media and
 * every other forwarded packet keep out of conntrack (no per-packet
 * conntrack cost, no conntrack table to fill) unless the host wants it.
 *
 * "ct state invalid counter" (rb_defrag) in the chain sip, where the
 * kernel has no tproxy expression: the ct expression takes conntrack,
 * and with it nf_defrag.
 */
static void rb_defrag_tproxy(struct rule_build *rb)
{
	uint16_t port = 0;
	struct nftnl_expr *e;

	/* nft wants tproxy behind a protocol match, or it cannot read its
	 * own listing back (nft -f of a saved ruleset) */
	rb_meta_is(rb, NFT_META_L4PROTO, IPPROTO_UDP);
	e = rb_expr(rb, "immediate");
	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, &port, sizeof(port));
	e = rb_expr(rb, "tproxy");
	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_TPROXY_FAMILY, NFPROTO_UNSPEC);
	nftnl_expr_set_u32(e, NFTNL_EXPR_TPROXY_REG_PORT, NFT_REG_1);
}

static void rb_defrag(struct rule_build *rb)
{
	uint32_t invalid = NF_CT_STATE_INVALID_BIT, zero = 0;
	struct nftnl_expr *e = rb_expr(rb, "ct");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	rb_bitwise(rb, &invalid, &zero, sizeof(invalid));
	rb_cmp(rb, NFT_CMP_NEQ, &zero, sizeof(zero));
	rb_counter(rb);
}

/*
 * queue num FIRST[-LAST] [bypass][,fanout]: the native expression, or the
 * xt NFQUEUE target (revision 3) run by nft_compat, which nft lists the
 * same way.  bypass is the fail-open decision of struct nfttab_config:
 * without a listener the kernel accepts instead of dropping.
 */
static void rb_queue(struct rule_build *rb, enum nfttab_queue_path path,
		     const struct nfttab_config *cfg)
{
	uint16_t total = (uint16_t)(cfg->queue_last - cfg->queue_first + 1);
	struct nftnl_expr *e;

	if (path == NFTTAB_QUEUE_NATIVE) {
		uint16_t flags = 0;

		/* no CPU fanout over a range: the kernel's default spreads by
		 * a hash of the address pair, the same both ways, so a call's
		 * signalling stays with one voipfwd worker */
		if (cfg->fail_open)
			flags |= NFT_QUEUE_FLAG_BYPASS;
		e = rb_expr(rb, "queue");
		if (!e)
			return;
		nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_NUM, cfg->queue_first);
		nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_TOTAL, total);
		if (flags)
			nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_FLAGS, flags);
	} else {
		/*
		 * The kernel wants the info XT_ALIGNed, as iptables sends it.
		 * libnftnl keeps (and later frees) the pointer it is given
		 * for NFTNL_EXPR_TG_INFO rather than a copy: heap memory.
		 */
		size_t len = XT_ALIGN(sizeof(struct xt_NFQ_info_v3));
		struct xt_NFQ_info_v3 *info = calloc(1, len);

		if (!info) {
			rb->failed = true;
			return;
		}
		info->queuenum = cfg->queue_first;
		info->queues_total = total;
		if (cfg->fail_open)
			info->flags |= NFQ_FLAG_BYPASS;	/* no CPU fanout: above */
		e = rb_expr(rb, "target");
		if (!e) {
			free(info);
			return;
		}
		if (nftnl_expr_set_str(e, NFTNL_EXPR_TG_NAME, "NFQUEUE") < 0)
			rb->failed = true;
		nftnl_expr_set_u32(e, NFTNL_EXPR_TG_REV, 3);
		nftnl_expr_set(e, NFTNL_EXPR_TG_INFO, info, (uint32_t)len);
	}
}

/*
 * Queue an assembled rule at the end of @chain, with @comment as nft's
 * rule comment (userdata).  Frees the rule in all cases.
 */
static int put_rule(struct nfttab *t, struct nfttab_batch *b,
		    const char *table, const char *chain,
		    struct rule_build *rb, const char *comment,
		    const char *hint)
{
	struct nftnl_udata_buf *ud = NULL;
	struct nlmsghdr *nlh;
	int rc = -1;

	if (!rb->r || rb->failed)
		goto out;
	if (nftnl_rule_set_str(rb->r, NFTNL_RULE_TABLE, table) < 0 ||
	    nftnl_rule_set_str(rb->r, NFTNL_RULE_CHAIN, chain) < 0)
		goto out;
	if (comment) {
		ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
		if (!ud || !nftnl_udata_put_strz(ud, NFTNL_UDATA_RULE_COMMENT,
						 comment))
			goto out;
		if (nftnl_rule_set_data(rb->r, NFTNL_RULE_USERDATA,
					nftnl_udata_buf_data(ud),
					nftnl_udata_buf_len(ud)) < 0)
			goto out;
	}
	nlh = batch_add(t, b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND,
			"add rule to chain", chain);
	if (!nlh)
		goto out;
	batch_cur(b)->detail = comment;
	batch_cur(b)->hint = hint;
	batch_cur(b)->hint_err = ENOENT;
	nftnl_rule_nlmsg_build_payload(nlh, rb->r);
	batch_close(b, nlh);
	rc = 0;
out:
	if (ud)
		nftnl_udata_buf_free(ud);
	if (rb->r)
		nftnl_rule_free(rb->r);
	rb->r = NULL;
	return rc;
}

static const char *const nfttab_pinhole_comments[__PSET_MAX] = {
	[PSET_4]	= "RTP/RTCP v2 to a pinhole, which it keeps open",
	[PSET_4_PEER]	= "RTP/RTCP v2 from the peer to a pinhole, which it keeps open",
	[PSET_6]	= "RTP/RTCP v2 to a pinhole, which it keeps open",
	[PSET_6_PEER]	= "RTP/RTCP v2 from the peer to a pinhole, which it keeps open",
};

static const char nfttab_native_hint[] =
	" (does this kernel have the nft queue expression? queue path "
	"auto uses the xt NFQUEUE target without it)";

static const unsigned int pset_rule_order[__PSET_MAX] = {
	PSET_4_PEER, PSET_4, PSET_6_PEER, PSET_6,
};

/* The rules of every chain, appended to the (new or flushed) chains. */
static int put_rules(struct nfttab *t, struct nfttab_batch *b,
		     const struct nfttab_config *cfg,
		     enum nfttab_queue_path path, enum nfttab_defrag defrag)
{
	static const uint8_t protos[] = { IPPROTO_UDP, IPPROTO_TCP };
	struct rule_build rb;
	unsigned int i;

	/* bans first, in their own chain, which the base chains jump to
	 * ahead of media and sip: a banned source's SIP never reaches the
	 * queue (no userspace trip) and its media no pinhole */
	for (i = 0; i < __BSET_MAX; i++) {
		rb = (struct rule_build){ .r = nftnl_rule_alloc() };
		if (rb.r)
			rb_ban_rule(&rb, &nfttab_bsets[i]);
		if (put_rule(t, b, NFTTAB_TABLE, "ban", &rb,
			     "banned source (voipfwctl ban)", NULL))
			return -1;
	}
	/* then the block lists and the blocked countries: the same drop
	 * for whole networks, each rule with its own counter */
	for (i = 0; i < 2 * __NFTTAB_NETSET_MAX; i++) {
		rb = (struct rule_build){ .r = nftnl_rule_alloc() };
		if (rb.r)
			rb_ban_rule(&rb, &nfttab_isets[i / 2][i % 2]);
		if (put_rule(t, b, NFTTAB_TABLE, "ban", &rb,
			     nfttab_iset_comments[i / 2], NULL))
			return -1;
	}
	/* the peer sets first: with the default match mode they hold
	 * nearly every pinhole, so most media takes one set lookup */
	for (i = 0; i < __PSET_MAX; i++) {
		unsigned int ps = pset_rule_order[i];

		rb = (struct rule_build){ .r = nftnl_rule_alloc() };
		if (rb.r)
			rb_pinhole_rule(&rb, &nfttab_psets[ps], cfg);
		if (put_rule(t, b, NFTTAB_TABLE, "media", &rb,
			     nfttab_pinhole_comments[ps], NULL))
			return -1;
	}
	if (cfg->media_port_min) {
		rb = (struct rule_build){ .r = nftnl_rule_alloc() };
		if (rb.r)
			rb_media_drop(&rb, cfg);
		if (put_rule(t, b, NFTTAB_TABLE, "media", &rb,
			     "media ports without a pinhole", NULL))
			return -1;
	}
	rb = (struct rule_build){ .r = nftnl_rule_alloc() };
	if (defrag == NFTTAB_DEFRAG_TPROXY) {
		if (rb.r)
			rb_defrag_tproxy(&rb);
		if (put_rule(t, b, NFTTAB_TABLE, "defrag", &rb,
			     "never run: loading it turns on nf_defrag, so that SIP is reassembled, without conntrack",
			     NULL))
			return -1;
	} else {
		if (rb.r)
			rb_defrag(&rb);
		if (put_rule(t, b, NFTTAB_TABLE, "sip", &rb,
			     "conntrack, so that nf_defrag reassembles SIP",
			     NULL))
			return -1;
	}
	/* the per-source meter: a raw flood stops here, before the queue */
	for (i = 0; i < __BSET_MAX * sizeof(protos) && cfg->sip_meter_rate; i++) {
		unsigned int f = i / (unsigned int)sizeof(protos);

		rb = (struct rule_build){ .r = nftnl_rule_alloc() };
		if (rb.r)
			rb_meter_rule(&rb, &nfttab_bsets[f], nfttab_meters[f],
				      protos[i % sizeof(protos)], cfg);
		if (put_rule(t, b, NFTTAB_TABLE, "sip", &rb,
			     "SIP over the per-source meter (sip-meter)", NULL))
			return -1;
	}
	/*
	 * To a SIP port (requests, and answers to a peer that listens on
	 * one), then from a SIP port: the answers to a phone that sent from
	 * another port (softphones, TCP's ephemeral ports).  Both, or a 200's
	 * SDP would open no pinhole and a 401 count no failure.  The queue
	 * hash is the same both ways: a call's messages meet in one worker.
	 */
	for (i = 0; i < 2 * sizeof(protos); i++) {
		bool from = i >= sizeof(protos);

		rb = (struct rule_build){ .r = nftnl_rule_alloc() };
		if (rb.r) {
			rb_meta_is(&rb, NFT_META_L4PROTO,
				   protos[i % sizeof(protos)]);
			rb_payload(&rb, NFT_PAYLOAD_TRANSPORT_HEADER,
				   from ? 0 : 2, 2, NFT_REG_1);
			rb_lookup(&rb, NFTTAB_SIP_SET);
			rb_counter(&rb);
			rb_queue(&rb, path, cfg);
		}
		if (put_rule(t, b, NFTTAB_TABLE, "sip", &rb,
			     from ? "SIP from a SIP port to voipfwd" :
			     "SIP to voipfwd",
			     path == NFTTAB_QUEUE_NATIVE ? nfttab_native_hint :
			     NULL))
			return -1;
	}
	for (i = 0; i < NFTTAB_N_CHAINS; i++) {
		if (nfttab_chains[i].hook < 0)
			continue;
		rb = (struct rule_build){ .r = nftnl_rule_alloc() };
		if (rb.r)
			rb_verdict(&rb, NFT_JUMP, "ban");
		if (put_rule(t, b, NFTTAB_TABLE, nfttab_chains[i].name, &rb,
			     NULL, NULL))
			return -1;
		rb = (struct rule_build){ .r = nftnl_rule_alloc() };
		if (rb.r)
			rb_verdict(&rb, NFT_JUMP, "media");
		if (put_rule(t, b, NFTTAB_TABLE, nfttab_chains[i].name, &rb,
			     NULL, NULL))
			return -1;
		rb = (struct rule_build){ .r = nftnl_rule_alloc() };
		if (rb.r)
			rb_verdict(&rb, NFT_JUMP, "sip");
		if (put_rule(t, b, NFTTAB_TABLE, nfttab_chains[i].name, &rb,
			     NULL, NULL))
			return -1;
	}
	return 0;
}

/* ---- open / close -------------------------------------------------------- */

struct nfttab *nfttab_open(char *err, size_t errlen)
{
	pthread_mutexattr_t ma;
	struct nfttab *t;
	const char *what = "nfttab";
	int one = 1, e = ENOMEM;

	t = calloc(1, sizeof(*t));
	if (!t)
		goto err;
	if (pthread_mutexattr_init(&ma))
		goto err_free;
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
	e = pthread_mutex_init(&t->lock, &ma);
	pthread_mutexattr_destroy(&ma);
	if (e)
		goto err_free;
	e = ENOMEM;
	if (batch_init(&t->ctl) || batch_init(&t->pend) ||
	    batch_init(&t->spare))
		goto err_batches;
	t->elem = nftnl_set_elem_alloc();
	if (!t->elem)
		goto err_batches;
	t->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!t->nl) {
		e = errno;
		what = "netlink socket";
		goto err_elem;
	}
	if (mnl_socket_bind(t->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		e = errno;
		what = "netlink bind";
		goto err_socket;
	}
	/* ACKs without a copy of the request; the kernel's error text */
	mnl_socket_setsockopt(t->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(t->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	t->portid = mnl_socket_get_portid(t->nl);
	t->seq = (uint32_t)time(NULL);
	t->native = -1;
	t->tproxy = -1;
	t->path = NFTTAB_QUEUE_AUTO;
	return t;

err_socket:
	mnl_socket_close(t->nl);
err_elem:
	nftnl_set_elem_free(t->elem);
err_batches:
	batch_free(&t->pend);
	batch_free(&t->ctl);
	pthread_mutex_destroy(&t->lock);
err_free:
	free(t);
err:
	seterr(err, errlen, "%s: %s", what, strerror(e));
	errno = e;
	return NULL;
}

void nfttab_close(struct nfttab *t)
{
	if (!t)
		return;
	mnl_socket_close(t->nl);
	nftnl_set_elem_free(t->elem);
	batch_free(&t->pend);
	batch_free(&t->ctl);
	batch_free(&t->spare);
	free(t->rechecks);
	free(t->recheck_bucket);
	free(t->recheck_chain);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

const char *nfttab_error(const struct nfttab *t)
{
	return t->err;
}

/* ---- probe --------------------------------------------------------------- */

/* A rule that uses the expression a probe asks about. */
static void rb_probe_queue(struct rule_build *rb)
{
	static const struct nfttab_config probe_cfg = { .queue_first = 0,
							.queue_last = 0,
							.fail_open = true };

	rb_queue(rb, NFTTAB_QUEUE_NATIVE, &probe_cfg);
}

/*
 * Try an expression in a batch that can never commit: a temporary table,
 * chain and a rule using it, then the same chain again with NLM_F_EXCL,
 * which always fails with EEXIST.  nfnetlink processes every message of
 * a batch and ACKs each before it aborts, so the rule's own ACK tells
 * whether the kernel knows the expression (ENOENT once module autoload
 * failed), and the abort guarantees nothing was ever visible.  Returns
 * 1 (known), 0 (unknown) or -1; the answer is kept in *@cache.
 */
static int probe_expr(struct nfttab *t, int *cache,
		      void (*build)(struct rule_build *rb), const char *what)
{
	static const struct nfttab_chain_def probe_chain = { "probe", -1 };
	struct nfttab_batch *b = &t->ctl;
	struct rule_build rb;
	unsigned int rule;
	int err;

	if (*cache >= 0)
		return *cache;
	batch_reset(b);
	if (put_table(t, b, NFTTAB_PROBE_TABLE, NFT_MSG_NEWTABLE,
		      NLM_F_CREATE) ||
	    put_chain(t, b, NFTTAB_PROBE_TABLE, &probe_chain, 0,
		      NFT_MSG_NEWCHAIN, NLM_F_CREATE))
		goto err_nomem;
	rule = b->n;
	rb = (struct rule_build){ .r = nftnl_rule_alloc() };
	if (rb.r)
		build(&rb);
	if (put_rule(t, b, NFTTAB_PROBE_TABLE, probe_chain.name, &rb, NULL,
		     NULL) ||
	    put_chain(t, b, NFTTAB_PROBE_TABLE, &probe_chain, 0,
		      NFT_MSG_NEWCHAIN, NLM_F_CREATE | NLM_F_EXCL))
		goto err_nomem;

	if (batch_send(t, b, false, 0) == 0) {
		/* cannot happen (EXCL on a chain we just made); undo it */
		batch_reset(b);
		if (put_table(t, b, NFTTAB_PROBE_TABLE, NFT_MSG_DELTABLE, 0) == 0)
			batch_send(t, b, false, 0);
		seterr(t->err, sizeof(t->err), "probing the %s expression: "
		       "the kernel committed a batch it had to refuse", what);
		errno = EPROTO;
		return -1;
	}
	/* only the rule may fail besides the sentinel: a table or chain
	 * that could not be made (EPERM...) says nothing about it */
	if (b->begin_err || b->msg[0].err || b->msg[1].err) {
		int saved = errno;

		batch_strerror(b, saved, t->err, sizeof(t->err));
		errno = saved;
		return -1;
	}
	err = b->msg[rule].err;
	if (err == 0) {
		*cache = 1;
	} else if (err == ENOENT || err == EOPNOTSUPP) {
		*cache = 0;
	} else {
		batch_strerror(b, errno, t->err, sizeof(t->err));
		errno = err > 0 ? err : EPROTO;
		return -1;
	}
	return *cache;

err_nomem:
	seterr(t->err, sizeof(t->err), "probing the %s expression: %s", what,
	       strerror(ENOMEM));
	errno = ENOMEM;
	return -1;
}

static int probe_native_queue(struct nfttab *t)
{
	return probe_expr(t, &t->native, rb_probe_queue, "queue");
}

static int probe_tproxy(struct nfttab *t)
{
	return probe_expr(t, &t->tproxy, rb_defrag_tproxy, "tproxy");
}

int nfttab_probe_native_queue(struct nfttab *t)
{
	int rc;

	if (nfttab_lock(t))
		return -1;
	rc = probe_native_queue(t);
	nfttab_unlock(t);
	return rc;
}

enum nfttab_queue_path nfttab_queue_path(const struct nfttab *t)
{
	return t->path;
}

enum nfttab_defrag nfttab_defrag_path(const struct nfttab *t)
{
	return t->defrag;
}

/* ---- install ------------------------------------------------------------- */

static int check_config(const struct nfttab_config *cfg, char *err,
			size_t errlen)
{
	unsigned int i;

	if (!cfg->n_sip_ports || cfg->n_sip_ports > NFTTAB_MAX_SIP_PORTS) {
		seterr(err, errlen, "1 to %d SIP ports, not %u",
		       NFTTAB_MAX_SIP_PORTS, cfg->n_sip_ports);
		return -1;
	}
	for (i = 0; i < cfg->n_sip_ports; i++)
		if (!cfg->sip_ports[i]) {
			seterr(err, errlen, "SIP port 0");
			return -1;
		}
	if (cfg->queue_first > cfg->queue_last) {
		seterr(err, errlen, "queue range %u-%u is empty",
		       cfg->queue_first, cfg->queue_last);
		return -1;
	}
	/* queues_total is 16 bits in both the expression and xt */
	if (cfg->queue_last - cfg->queue_first + 1 > UINT16_MAX) {
		seterr(err, errlen, "queue range %u-%u: at most %u queues",
		       cfg->queue_first, cfg->queue_last, UINT16_MAX);
		return -1;
	}
	if (cfg->queue_path != NFTTAB_QUEUE_AUTO &&
	    cfg->queue_path != NFTTAB_QUEUE_NATIVE &&
	    cfg->queue_path != NFTTAB_QUEUE_XT) {
		seterr(err, errlen, "unknown queue path %d", cfg->queue_path);
		return -1;
	}
	if (!cfg->media_port_min != !cfg->media_port_max ||
	    cfg->media_port_min > cfg->media_port_max) {
		seterr(err, errlen, "media port range %u-%u (0-0 disables it)",
		       cfg->media_port_min, cfg->media_port_max);
		return -1;
	}
	/* 0 would make pinholes permanent: nothing would ever close them */
	if (!cfg->pinhole_timeout_s) {
		seterr(err, errlen, "pinhole timeout 0");
		return -1;
	}
	return 0;
}

/*
 * The whole table in one batch on @t->ctl: create what is missing, keep
 * the sets (and every element in them), flush or recreate the chains
 * (see query_chain), then all rules.
 */
static int build_install(struct nfttab *t, const struct nfttab_config *cfg,
			 enum nfttab_queue_path path, enum nfttab_defrag defrag,
			 const struct chain_query *q)
{
	struct nfttab_batch *b = &t->ctl;
	uint64_t timeout_ms = (uint64_t)cfg->pinhole_timeout_s * 1000;
	unsigned int i;

	batch_reset(b);
	if (put_table(t, b, NFTTAB_TABLE, NFT_MSG_NEWTABLE, NLM_F_CREATE))
		return -1;
	for (i = 0; i < __PSET_MAX; i++) {
		const struct nfttab_pset *ps = &nfttab_psets[i];

		if (put_set(t, b, ps->name, ps->key_type, ps->key_len,
			    NFT_SET_TIMEOUT | NFT_SET_EVAL, timeout_ms,
			    NFTTAB_SET_SIZE, i + 1))
			return -1;
	}
	/* each pinhole set's closing set: no packet-path updates */
	for (i = 0; i < __PSET_MAX; i++) {
		const struct nfttab_pset *ps = &nfttab_psets[i];

		if (put_set(t, b, ps->closing, ps->key_type, ps->key_len,
			    NFT_SET_TIMEOUT,
			    timeout_ms + NFTTAB_CLOSING_EXTRA_MS,
			    NFTTAB_SET_SIZE, NFTTAB_CLOSING_SET_ID + i))
			return -1;
	}
	if (put_set(t, b, NFTTAB_SIP_SET, NFT_DT_INET_SERVICE, 2, 0, 0, 0,
		    __PSET_MAX + 1) ||
	    put_sip_ports(t, b, cfg))
		return -1;
	/* kept like the pinhole sets: bans survive a restart */
	for (i = 0; i < __BSET_MAX; i++) {
		const struct nfttab_bset *bs = &nfttab_bsets[i];

		if (put_set(t, b, bs->name, bs->key_type, bs->alen,
			    NFT_SET_TIMEOUT, 0, NFTTAB_SET_SIZE,
			    __PSET_MAX + 2 + i))
			return -1;
	}
	/* kept too: a restart does not open what the lists block */
	for (i = 0; i < 2 * __NFTTAB_NETSET_MAX; i++) {
		const struct nfttab_bset *bs = &nfttab_isets[i / 2][i % 2];

		if (put_set(t, b, bs->name, bs->key_type, bs->alen,
			    NFT_SET_INTERVAL, 0, 0,
			    __PSET_MAX + 2 + 2 * __BSET_MAX + i))
			return -1;
	}
	for (i = 0; i < __BSET_MAX && cfg->sip_meter_rate; i++) {
		const struct nfttab_bset *bs = &nfttab_bsets[i];

		if (put_set(t, b, nfttab_meters[i], bs->key_type, bs->alen,
			    NFT_SET_TIMEOUT | NFT_SET_EVAL,
			    NFTTAB_METER_TIMEOUT_MS, NFTTAB_SET_SIZE,
			    __PSET_MAX + 2 + __BSET_MAX + i))
			return -1;
	}
	for (i = 0; i < NFTTAB_N_CHAINS; i++) {
		const struct nfttab_chain_def *def = &nfttab_chains[i];

		if (q[i].state == CHAIN_REPLACE &&
		    put_chain(t, b, NFTTAB_TABLE, def, 0, NFT_MSG_DELCHAIN, 0))
			return -1;
		/* create, or update a kept one (a base chain's policy) */
		if (put_chain(t, b, NFTTAB_TABLE, def, cfg->priority,
			      NFT_MSG_NEWCHAIN, NLM_F_CREATE))
			return -1;
		if (q[i].state == CHAIN_KEEP &&
		    put_chain(t, b, NFTTAB_TABLE, def, 0, NFT_MSG_DELRULE, 0))
			return -1;
	}
	return put_rules(t, b, cfg, path, defrag);
}

static int install(struct nfttab *t, const struct nfttab_config *cfg,
		   char *err, size_t errlen)
{
	struct chain_query q[NFTTAB_N_CHAINS];
	enum nfttab_queue_path path = cfg->queue_path;
	enum nfttab_defrag defrag;
	unsigned int i, attempt;
	uint32_t genid;
	int tproxy;

	if (check_config(cfg, err, errlen)) {
		errno = EINVAL;
		return -1;
	}
	if (path == NFTTAB_QUEUE_AUTO) {
		int native = probe_native_queue(t);

		if (native < 0) {
			seterr(err, errlen, "%s", t->err);
			return -1;
		}
		path = native ? NFTTAB_QUEUE_NATIVE : NFTTAB_QUEUE_XT;
	}
	tproxy = probe_tproxy(t);
	if (tproxy < 0) {
		seterr(err, errlen, "%s", t->err);
		return -1;
	}
	defrag = tproxy ? NFTTAB_DEFRAG_TPROXY : NFTTAB_DEFRAG_CONNTRACK;
	for (attempt = 0; attempt < NFTTAB_RESTARTS; attempt++) {
		if (get_genid(t, &genid)) {
			seterr(err, errlen, "reading the ruleset generation: %s",
			       strerror(errno));
			return -1;
		}
		for (i = 0; i < NFTTAB_N_CHAINS; i++) {
			q[i].def = &nfttab_chains[i];
			q[i].prio = cfg->priority;
			if (query_chain(t, &q[i])) {
				seterr(err, errlen, "looking up chain %s: %s",
				       q[i].def->name, strerror(errno));
				return -1;
			}
		}
		if (build_install(t, cfg, path, defrag, q)) {
			seterr(err, errlen, "building the table: %s",
			       strerror(ENOMEM));
			errno = ENOMEM;
			return -1;
		}
		if (batch_send(t, &t->ctl, true, genid) == 0) {
			t->path = path;
			t->defrag = defrag;
			t->timeout_ms = (uint64_t)cfg->pinhole_timeout_s * 1000;
			return 0;
		}
		if (t->ctl.begin_err != ERESTART)
			break;
	}
	{
		int saved = errno;

		batch_strerror(&t->ctl, saved, err, errlen);
		errno = saved;
	}
	return -1;
}

static int closing_settle(struct nfttab *t);

int nfttab_install(struct nfttab *t, const struct nfttab_config *cfg,
		   char *err, size_t errlen)
{
	int rc;

	if (nfttab_lock(t)) {
		seterr(err, errlen, "nfttab: %s", strerror(errno));
		return -1;
	}
	rc = install(t, cfg, err, errlen);
	nfttab_unlock(t);
	return rc;
}

int nfttab_settle_closes(struct nfttab *t)
{
	int rc;

	if (nfttab_lock(t))
		return -1;
	rc = closing_settle(t);
	nfttab_unlock(t);
	return rc;
}

int nfttab_remove(struct nfttab *t, char *err, size_t errlen)
{
	int rc = -1;

	if (nfttab_lock(t)) {
		seterr(err, errlen, "nfttab: %s", strerror(errno));
		return -1;
	}
	batch_reset(&t->ctl);
	if (put_table(t, &t->ctl, NFTTAB_TABLE, NFT_MSG_DELTABLE, 0)) {
		seterr(err, errlen, "nfttab: %s", strerror(ENOMEM));
		errno = ENOMEM;
		goto out;
	}
	if (batch_send(t, &t->ctl, false, 0) == 0 ||
	    (!t->ctl.begin_err && t->ctl.msg[0].err == ENOENT)) {
		t->path = NFTTAB_QUEUE_AUTO;
		rc = 0;
		goto out;
	}
	batch_strerror(&t->ctl, errno, err, errlen);
out:
	nfttab_unlock(t);
	return rc;
}

/* ---- pinholes ------------------------------------------------------------ */

static const struct nfttab_pset *pset_of(const struct pinhole *ph)
{
	if (ph->family == 4)
		return &nfttab_psets[ph->has_peer ? PSET_4_PEER : PSET_4];
	if (ph->family == 6)
		return &nfttab_psets[ph->has_peer ? PSET_6_PEER : PSET_6];
	return NULL;
}

/* The set key: daddr . dport [. saddr], each field padded to 4 bytes. */
static void pinhole_key(const struct nfttab_pset *ps, const struct pinhole *ph,
			uint8_t key[NFTTAB_KEY_MAX])
{
	uint16_t port = htons(ph->dport);

	memset(key, 0, NFTTAB_KEY_MAX);
	memcpy(key, ph->daddr, ps->alen);
	memcpy(key + ps->alen, &port, sizeof(port));
	if (ps->peer)
		memcpy(key + ps->alen + 4, ph->saddr, ps->alen);
}

/*
 * nft's comment on the element, for people reading "nft list set":
 * "call ID stream N rtp|rtcp side S", cut to @room bytes with its NUL.
 * Bytes nft would print badly (quotes, backslashes, controls) become '?'.
 */
static void tag_comment(const struct pinhole_tag *tag, char *out, size_t room)
{
	char call[PINHOLE_CALL_ID_MAX + 1];
	unsigned int i;

	for (i = 0; i < tag->call_id_len && i < PINHOLE_CALL_ID_MAX; i++) {
		unsigned char c = (unsigned char)tag->call_id[i];

		call[i] = c > 0x20 && c < 0x7f && c != '"' && c != '\\' ?
			  (char)c : '?';
	}
	call[i] = '\0';
	snprintf(out, room, "stream %u %s side %u call %s", tag->stream,
		 tag->rtcp ? "rtcp" : "rtp", tag->side, call);
}

/*
 * Element userdata: our TLVs (enum nfttab_udata_type), then nft's comment
 * in what room is left.  Integers are host order, as libnftnl's
 * nftnl_udata_put_u32 writes them: elements never leave this machine.
 */
static struct nftnl_udata_buf *tag_udata(const struct pinhole_tag *tag)
{
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
	uint8_t stream = tag->stream, rtcp = tag->rtcp, side = tag->side;
	uint64_t hash = tag->call_id_hash;
	char comment[NFTNL_UDATA_COMMENT_MAXLEN];
	uint32_t used, room;

	if (!ud)
		return NULL;
	if ((tag->call_id_len &&
	     !nftnl_udata_put(ud, NFTTAB_UDATA_CALL_ID, tag->call_id_len,
			      tag->call_id)) ||
	    !nftnl_udata_put_u32(ud, NFTTAB_UDATA_CALL_ID_LEN,
				 tag->call_id_full_len) ||
	    !nftnl_udata_put(ud, NFTTAB_UDATA_CALL_ID_HASH, sizeof(hash),
			     &hash) ||
	    !nftnl_udata_put(ud, NFTTAB_UDATA_STREAM, 1, &stream) ||
	    !nftnl_udata_put(ud, NFTTAB_UDATA_RTCP, 1, &rtcp) ||
	    !nftnl_udata_put(ud, NFTTAB_UDATA_SIDE, 1, &side))
		goto err;
	used = nftnl_udata_buf_len(ud);
	/* what the comment TLV's own 2 header bytes leave */
	room = used + 2 < NFT_USERDATA_MAXLEN ? NFT_USERDATA_MAXLEN - used - 2 : 0;
	if (room > sizeof(comment))
		room = sizeof(comment);
	if (room > 1) {
		tag_comment(tag, comment, room);
		if (!nftnl_udata_put_strz(ud, NFTNL_UDATA_SET_ELEM_COMMENT,
					  comment))
			goto err;
	}
	return ud;
err:
	nftnl_udata_buf_free(ud);
	return NULL;
}

/*
 * Pinhole messages (NEWSETELEM, DELSETELEM) on a batch.  An add without
 * its own timeout gets the configured one explicitly (see rb_pinhole_rule
 * for why the set's default is not trusted).  An add is exclusive
 * (NLM_F_EXCL): of a key that exists the kernel refuses it, and the
 * commit replaces the element (batch_rework), so the tag is always the
 * last add's.
 */
static void recheck_note_commit(struct nfttab *t,
				const struct nfttab_batch *b);
static struct nfttab_recheck *recheck_find(struct nfttab *t,
					  const struct nfttab_pset *ps,
					  const uint8_t *key);

/*
 * Append to @b one element message of @ps's pinhole set, or with @closing
 * of its closing set.  A pinhole add carries @ph's tag and timeout; a closing
 * element lives the pinhole timeout and a second more (see "closes the
 * packet path undid").
 */
static int elem_msg(struct nfttab *t, struct nfttab_batch *b,
		    const struct nfttab_pset *ps,
		    const uint8_t key[NFTTAB_KEY_MAX], uint16_t type, bool closing,
		    const struct pinhole *ph)
{
	struct nftnl_set_elem *e = t->elem;
	struct nftnl_udata_buf *ud = NULL;
	const char *set = closing ? ps->closing : ps->name;
	struct nfttab_msg *m;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint64_t timeout_ms;

	nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key, ps->key_len);
	nftnl_set_elem_unset(e, NFTNL_SET_ELEM_TIMEOUT);
	nftnl_set_elem_unset(e, NFTNL_SET_ELEM_USERDATA);
	if (type == NFT_MSG_NEWSETELEM && closing) {
		/* what the packet path re-creates lives the media rule's
		 * timeout: the configured one, which a handle that did not
		 * install the table (a worker's) knows from the pinhole */
		timeout_ms = t->timeout_ms;
		if (ph && ph->timeout_ms > timeout_ms)
			timeout_ms = ph->timeout_ms;
		nftnl_set_elem_set_u64(e, NFTNL_SET_ELEM_TIMEOUT,
				       timeout_ms + NFTTAB_CLOSING_EXTRA_MS);
	} else if (type == NFT_MSG_NEWSETELEM) {
		timeout_ms = ph->timeout_ms ? ph->timeout_ms : t->timeout_ms;
		if (timeout_ms)
			nftnl_set_elem_set_u64(e, NFTNL_SET_ELEM_TIMEOUT,
					       timeout_ms);
		ud = tag_udata(&ph->tag);
		if (!ud ||
		    nftnl_set_elem_set(e, NFTNL_SET_ELEM_USERDATA,
				       nftnl_udata_buf_data(ud),
				       nftnl_udata_buf_len(ud)) < 0) {
			errno = ENOMEM;
			goto err_nomem;
		}
	}
	/* a pinhole add is exclusive: an element under its key (what the
	 * packet path re-created, another worker's) is replaced, with a
	 * delete put before it at commit (batch_rework) */
	nlh = batch_add(t, b, type,
			type != NFT_MSG_NEWSETELEM ? 0 : closing ? NLM_F_CREATE :
			NLM_F_CREATE | NLM_F_EXCL,
			type == NFT_MSG_NEWSETELEM ? "add to set" :
			"delete from set", set);
	if (!nlh) {
		errno = ENOMEM;
		goto err_nomem;
	}
	m = batch_cur(b);
	m->pset = (int8_t)(ps - nfttab_psets);
	m->closing = closing;
	memcpy(m->key, key, NFTTAB_KEY_MAX);
	nest = elems_start(nlh, set);
	nftnl_set_elem_nlmsg_build(nlh, e, 1);
	mnl_attr_nest_end(nlh, nest);
	batch_close(b, nlh);
	/* the udata copy inside @e goes now: the next add replaces it anyway */
	nftnl_set_elem_unset(e, NFTNL_SET_ELEM_USERDATA);
	if (ud)
		nftnl_udata_buf_free(ud);
	return 0;

err_nomem:
	nftnl_set_elem_unset(e, NFTNL_SET_ELEM_USERDATA);
	if (ud)
		nftnl_udata_buf_free(ud);
	seterr(t->err, sizeof(t->err), "pinhole: %s", strerror(ENOMEM));
	errno = ENOMEM;
	return -1;
}

/* elem_msg on the pending batch; a failure fails the next commit */
static int pinhole_queue_key(struct nfttab *t, const struct nfttab_pset *ps,
			     const uint8_t key[NFTTAB_KEY_MAX], uint16_t type,
			     bool closing, const struct pinhole *ph)
{
	if (elem_msg(t, &t->pend, ps, key, type, closing, ph) == 0)
		return 0;
	if (!t->pend_err)
		t->pend_err = errno;
	return -1;
}

/* Does the pending batch put @key of @ps into the closing set? */
static bool closing_queued(const struct nfttab *t, const struct nfttab_pset *ps,
			   const uint8_t key[NFTTAB_KEY_MAX])
{
	int8_t pset = (int8_t)(ps - nfttab_psets);
	unsigned int i;

	for (i = 0; i < t->pend.n && t->closing_queued; i++) {
		const struct nfttab_msg *m = &t->pend.msg[i];

		if (m->closing && m->type == NFT_MSG_NEWSETELEM &&
		    m->pset == pset && !memcmp(m->key, key, NFTTAB_KEY_MAX))
			return true;
	}
	return false;
}

/*
 * A close deletes the element and, in the same transaction, puts its key
 * in the closing set, whose rule stops the packet path from re-creating
 * it; an open of a key this handle is still closing takes the key out of
 * the closing set first.  When the ring of closes in progress is full the
 * close is a plain delete (counted as overflow).
 */
static int pinhole_queue(struct nfttab *t, const struct pinhole *ph,
			 uint16_t type)
{
	const struct nfttab_pset *ps = pset_of(ph);
	uint8_t key[NFTTAB_KEY_MAX];

	if (!ps || ph->tag.call_id_len > PINHOLE_CALL_ID_MAX) {
		seterr(t->err, sizeof(t->err), "pinhole: family %u, Call-ID "
		       "length %u", ph->family, ph->tag.call_id_len);
		errno = EINVAL;
		if (!t->pend_err)
			t->pend_err = errno;
		return -1;
	}
	pinhole_key(ps, ph, key);
	if (type == NFT_MSG_NEWSETELEM) {
		if ((recheck_find(t, ps, key) || closing_queued(t, ps, key)) &&
		    pinhole_queue_key(t, ps, key, NFT_MSG_DELSETELEM, true,
				      NULL))
			return -1;
		return pinhole_queue_key(t, ps, key, type, false, ph);
	}
	if (pinhole_queue_key(t, ps, key, type, false, ph))
		return -1;
	if (t->recheck_n + t->closing_queued >= NFTTAB_RECHECK_MAX)
		return 0;
	t->pend.msg[t->pend.n - 1].guarded = true;	/* the delete's */
	t->closing_queued++;
	return pinhole_queue_key(t, ps, key, NFT_MSG_NEWSETELEM, true, ph);
}

static int nfttab_ph_add(void *ctx, const struct pinhole *ph)
{
	struct nfttab *t = ctx;
	int rc;

	if (nfttab_lock(t))
		return -1;
	rc = pinhole_queue(t, ph, NFT_MSG_NEWSETELEM);
	nfttab_unlock(t);
	return rc;
}

static int nfttab_ph_del(void *ctx, const struct pinhole *ph)
{
	struct nfttab *t = ctx;
	int rc;

	if (nfttab_lock(t))
		return -1;
	rc = pinhole_queue(t, ph, NFT_MSG_DELSETELEM);
	nfttab_unlock(t);
	return rc;
}

static int elem_lookup(struct nfttab *t, const struct nfttab_pset *ps,
		       const uint8_t *key, bool *tagged);

/*
 * @b again for its next round, through t->spare: without the deletions
 * that found nothing (ENOENT), and with a delete of the element before
 * each pinhole add the kernel refused because the key exists (EEXIST:
 * what the packet path re-created under a key being closed, or another
 * worker's element), so that the add replaces it, tag and all.  Fresh,
 * ascending sequence numbers.  0, or -1 (ENOMEM: @b as it was).
 */
static int batch_rework(struct nfttab *t, struct nfttab_batch *b)
{
	struct nfttab_batch *nb = &t->spare, tmp;
	unsigned int i;

	batch_reset(nb);
	for (i = 0; i < b->n; i++) {
		const struct nfttab_msg *m = &b->msg[i];
		size_t end = i + 1 < b->n ? b->msg[i + 1].off : b->len;
		size_t len = end - m->off;
		struct nlmsghdr *nlh;

		if (m->err == ENOENT)
			continue;
		if (m->err == EEXIST &&
		    elem_msg(t, nb, &nfttab_psets[m->pset], m->key,
			     NFT_MSG_DELSETELEM, false, NULL))
			return -1;
		/* the message as it was, under a new number */
		nlh = batch_add(t, nb, m->type, 0, m->what, m->obj);
		if (!nlh || len > NFTTAB_MSG_MAX) {
			errno = ENOMEM;
			return -1;
		}
		memcpy(nlh, b->buf + m->off, len);
		nlh->nlmsg_seq = batch_cur(nb)->seq;
		nb->msg[nb->n] = *m;
		nb->msg[nb->n].seq = nlh->nlmsg_seq;
		nb->msg[nb->n].off = (uint32_t)((char *)nlh - nb->buf);
		nb->msg[nb->n].err = -1;
		batch_close(nb, nlh);
	}
	tmp = *b;
	*b = *nb;
	*nb = tmp;
	return 0;
}

/*
 * Send the pending batch.  Deleting an element that is already gone
 * (timed out, or removed by hand) is success: the caller wanted it gone.
 * The kernel has no "delete if present" before NFT_MSG_DESTROYSETELEM
 * (6.3; Debian 12 runs 6.1, libnftnl 1.2.4 lacks it) and aborts the
 * whole batch on the ENOENT of one DELSETELEM.  Because nfnetlink ACKs
 * every message of a failed batch, we know exactly which deletions found
 * nothing: we drop those and send the rest again.  Each round removes
 * at least one message, so this ends, and what finally commits is still
 * one transaction: either all the remaining changes or none.  Checking
 * before deleting would race the kernel's own timeouts; a batch of
 * deletions of its own would give up the atomicity the engine relies on
 * when it moves a call's media (dels and adds together).
 *
 * Any other error fails the commit: nothing of the batch is live, the
 * pending changes are dropped, and nfttab_error() names the element.
 */
static int pinhole_commit(struct nfttab *t)
{
	struct nfttab_batch *b = &t->pend;
	unsigned int rounds = 0;
	int rc = -1;

	if (t->pend_err) {
		seterr(t->err, sizeof(t->err), "a pinhole change could not be "
		       "queued (%s): nothing committed", strerror(t->pend_err));
		errno = t->pend_err;
		goto out;
	}
	while (b->n) {
		bool only_gone = true;
		unsigned int i;

		if (batch_send(t, b, false, 0) == 0)
			break;
		if (b->begin_err || ++rounds > NFTTAB_COMMIT_ROUNDS)
			only_gone = false;
		for (i = 0; i < b->n && only_gone; i++) {
			const struct nfttab_msg *m = &b->msg[i];

			/* a closing key for a table that is gone too */
			if (m->err == ENOENT &&
			    (m->type == NFT_MSG_DELSETELEM || m->closing))
				continue;
			/* a pinhole add on a key that exists: replaced */
			if (m->err == EEXIST && m->pset >= 0 && !m->closing &&
			    m->type == NFT_MSG_NEWSETELEM)
				continue;
			if (m->err != 0)
				only_gone = false;	/* or no ACK (-1) */
		}
		if (!only_gone) {
			int saved = errno;

			batch_strerror(b, saved, t->err, sizeof(t->err));
			errno = saved;
			goto out;
		}
		if (batch_rework(t, b)) {
			seterr(t->err, sizeof(t->err), "pinholes: %s",
			       strerror(ENOMEM));
			errno = ENOMEM;
			goto out;
		}
	}
	if (!t->rechecking)
		recheck_note_commit(t, b);
	rc = 0;
out:
	batch_reset(b);
	t->pend_err = 0;
	t->closing_queued = 0;
	return rc;
}

static int nfttab_ph_commit(void *ctx)
{
	struct nfttab *t = ctx;
	int rc;

	if (nfttab_lock(t))
		return -1;
	rc = pinhole_commit(t);
	nfttab_unlock(t);
	return rc;
}

/*
 * One struct nfttab holds one pending batch: a commit sends every change
 * queued on it, whoever queued it.  Threads that must each commit their
 * own changes (and see their own failures) open one struct nfttab each.
 */
/* The engine's bans (the guard's flood, scanner, brute-force and
 * enumeration bans): on the same pending batch as its pinholes. */
static int nfttab_ph_ban(void *ctx, uint8_t family, const uint8_t *addr,
			 uint32_t ms, const char *why)
{
	struct nfttab_ban ban = { .family = family, .timeout_ms = ms };

	memcpy(ban.addr, addr, family == 6 ? 16 : 4);
	if (why)
		snprintf(ban.reason, sizeof(ban.reason), "%s", why);
	return nfttab_ban_add(ctx, &ban);
}

const struct pinhole_backend_ops nfttab_pinhole_ops = {
	.add	= nfttab_ph_add,
	.del	= nfttab_ph_del,
	.commit	= nfttab_ph_commit,
	.ban	= nfttab_ph_ban,
};

unsigned int nfttab_pinhole_pending(const struct nfttab *t)
{
	return t->pend.n;
}

/* ---- dump / exists ----------------------------------------------------- */

/* Is @data a well-formed TLV chain?  nftnl_udata_parse does not check. */
static bool udata_ok(const uint8_t *data, uint32_t len)
{
	uint32_t off = 0;

	while (off + 2 <= len)
		off += 2 + data[off + 1];
	return off == len;
}

static int tag_udata_cb(const struct nftnl_udata *attr, void *data)
{
	struct pinhole_tag *tag = data;
	const uint8_t *v = nftnl_udata_get(attr);
	uint8_t len = nftnl_udata_len(attr);
	uint64_t hash;

	switch (nftnl_udata_type(attr)) {
	case NFTTAB_UDATA_CALL_ID:
		/* an older voipfwd may have kept more: its prefix is ours */
		tag->call_id_len = len < PINHOLE_CALL_ID_MAX ? len :
				   PINHOLE_CALL_ID_MAX;
		memcpy(tag->call_id, v, tag->call_id_len);
		break;
	case NFTTAB_UDATA_CALL_ID_LEN:
		if (len == sizeof(uint32_t))
			tag->call_id_full_len = (uint8_t)nftnl_udata_get_u32(attr);
		break;
	case NFTTAB_UDATA_CALL_ID_HASH:
		if (len == sizeof(hash)) {
			memcpy(&hash, v, sizeof(hash));
			tag->call_id_hash = hash;
		}
		break;
	case NFTTAB_UDATA_STREAM:
		if (len == 1)
			tag->stream = v[0];
		break;
	case NFTTAB_UDATA_RTCP:
		if (len == 1)
			tag->rtcp = v[0] != 0;
		break;
	case NFTTAB_UDATA_SIDE:
		if (len == 1)
			tag->side = v[0];
		break;
	default:
		break;	/* nft's comment, or a type we do not know yet */
	}
	return 0;
}

/* struct pinhole from a set element; false if the key does not fit. */
static bool elem_to_pinhole(const struct nfttab_pset *ps,
			    struct nftnl_set_elem *e, struct pinhole *ph,
			    uint32_t *expires_ms)
{
	const uint8_t *key, *ud;
	uint32_t len, udlen;
	uint16_t port;

	memset(ph, 0, sizeof(*ph));
	*expires_ms = 0;
	key = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len);
	if (!key || len != ps->key_len)
		return false;
	ph->family = ps->family;
	ph->has_peer = ps->peer;
	memcpy(ph->daddr, key, ps->alen);
	memcpy(&port, key + ps->alen, sizeof(port));
	ph->dport = ntohs(port);
	if (ps->peer)
		memcpy(ph->saddr, key + ps->alen + 4, ps->alen);
	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_TIMEOUT)) {
		uint64_t ms = nftnl_set_elem_get_u64(e, NFTNL_SET_ELEM_TIMEOUT);

		ph->timeout_ms = ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
	}
	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_EXPIRATION)) {
		uint64_t ms = nftnl_set_elem_get_u64(e,
						     NFTNL_SET_ELEM_EXPIRATION);

		*expires_ms = ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
	}
	/* an element added by hand has no tag, or a broken one: keep it,
	 * untagged, so that the caller sees it and can decide */
	ud = nftnl_set_elem_get(e, NFTNL_SET_ELEM_USERDATA, &udlen);
	if (ud && udata_ok(ud, udlen))
		nftnl_udata_parse(ud, udlen, tag_udata_cb, &ph->tag);
	return true;
}

struct dump_ctx {
	const struct nfttab_pset	*ps;
	void				(*cb)(void *arg, const struct pinhole *ph,
					      uint32_t expires_ms);
	void				*arg;
	int				count;
	bool				bad_key;
};

static int dump_elem(struct nftnl_set_elem *e, void *data)
{
	struct dump_ctx *d = data;
	struct pinhole ph;
	uint32_t expires_ms;

	if (!elem_to_pinhole(d->ps, e, &ph, &expires_ms)) {
		d->bad_key = true;
		return 0;
	}
	d->cb(d->arg, &ph, expires_ms);
	d->count++;
	return 0;
}

/* Each element of one GETSETELEM reply part to @elem_cb. */
typedef int (*elem_cb_t)(struct nftnl_set_elem *e, void *data);

static int dump_msg(const struct nlmsghdr *nlh, elem_cb_t elem_cb, void *data)
{
	struct nftnl_set *s = nftnl_set_alloc();
	int rc = -1;

	if (!s)
		return -1;
	if (nftnl_set_elems_nlmsg_parse(nlh, s) == 0)
		rc = nftnl_set_elem_foreach(s, elem_cb, data);
	nftnl_set_free(s);
	return rc;
}

/*
 * Dump one set's elements.  The replies are walked by hand rather than
 * with mnl_cb_run, which stops at NLM_F_DUMP_INTR: an interrupted dump
 * (a ruleset change meanwhile) must still be read to its end before the
 * socket can be used again.  Returns 0, 1 (interrupted: retry), -1.
 */
static int dump_set(struct nfttab *t, const char *set, elem_cb_t elem_cb,
		    void *data)
{
	union {
		char			buf[512];
		struct nlmsghdr		align;
	} req;
	struct nlmsghdr *nlh;
	uint32_t seq = t->seq++;
	bool intr = false, failed = false;
	int err = 0;

	memset(&req, 0, sizeof(req));
	nlh = nftnl_nlmsg_build_hdr(req.buf, NFT_MSG_GETSETELEM, NFPROTO_INET,
				    NLM_F_DUMP | NLM_F_ACK, seq);
	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, NFTTAB_TABLE);
	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, set);
	if (mnl_socket_sendto(t->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		ssize_t r = mnl_socket_recvfrom(t->nl, t->rbuf, sizeof(t->rbuf));
		int len;

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		len = (int)r;
		for (nlh = (struct nlmsghdr *)t->rbuf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != seq ||
			    nlh->nlmsg_pid != t->portid)
				continue;	/* not this dump's */
			if (nlh->nlmsg_type == NLMSG_DONE)
				goto done;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e =
					mnl_nlmsg_get_payload(nlh);

				err = -e->error;
				goto done;
			}
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = true;
			if (!intr && !failed && dump_msg(nlh, elem_cb, data))
				failed = true;
		}
	}
done:
	if (err) {
		errno = err;
		return -1;
	}
	if (failed) {
		errno = ENOMEM;
		return -1;
	}
	return intr ? 1 : 0;
}

/*
 * Elements reported before an interruption are reported again by the
 * retry: @cb must take an element it has seen as the same pinhole
 * (pinhole_same_key), which adoption does anyway.
 */
static int pinhole_dump(struct nfttab *t,
			void (*cb)(void *arg, const struct pinhole *ph,
				   uint32_t expires_ms),
			void *arg)
{
	struct dump_ctx d = { .cb = cb, .arg = arg };
	unsigned int i, tries;

	for (i = 0; i < __PSET_MAX; i++) {
		int rc = 1;

		d.ps = &nfttab_psets[i];
		for (tries = 0; rc == 1 && tries < NFTTAB_DUMP_RETRIES; tries++)
			rc = dump_set(t, d.ps->name, dump_elem, &d);
		if (rc == 1) {
			seterr(t->err, sizeof(t->err), "dumping set %s: the "
			       "ruleset kept changing", d.ps->name);
			errno = EINTR;
			return -1;
		}
		/* no table or no such set yet: nothing to adopt there */
		if (rc < 0 && errno == ENOENT)
			continue;
		if (rc < 0) {
			int saved = errno;

			seterr(t->err, sizeof(t->err), "dumping set %s: %s",
			       d.ps->name, strerror(saved));
			errno = saved;
			return -1;
		}
	}
	if (d.bad_key) {
		seterr(t->err, sizeof(t->err), "a pinhole set holds keys of "
		       "an unexpected length; they were skipped");
		errno = EPROTO;
		return -1;
	}
	return d.count;
}

int nfttab_pinhole_dump(struct nfttab *t,
			void (*cb)(void *arg, const struct pinhole *ph,
				   uint32_t expires_ms),
			void *arg)
{
	int rc;

	if (nfttab_lock(t))
		return -1;
	rc = pinhole_dump(t, cb, arg);
	nfttab_unlock(t);
	return rc;
}

static int ignore_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

int nfttab_pinhole_exists(struct nfttab *t, const struct pinhole *ph)
{
	const struct nfttab_pset *ps = pset_of(ph);
	uint8_t key[NFTTAB_KEY_MAX];
	bool tagged;
	int rc;

	if (!ps) {
		seterr(t->err, sizeof(t->err), "pinhole: family %u",
		       ph->family);
		errno = EINVAL;
		return -1;
	}
	if (nfttab_lock(t))
		return -1;
	pinhole_key(ps, ph, key);
	rc = elem_lookup(t, ps, key, &tagged);
	nfttab_unlock(t);
	return rc;
}

/* ---- closes the packet path undid ---------------------------------------- */

/*
 * A pinhole deleted while its media flows comes back.  The media rule's
 * "update @set" adds the key when it does not find it (that is what
 * NFT_DYNSET_OP_UPDATE does: nft_rhash_update and friends insert on a
 * miss), so a packet that passed the rule's lookup just before a commit
 * removed the element re-creates it in the update just after: the kernel
 * acknowledges a commit without waiting for packets in flight.  The
 * element it makes has no userdata and the rule's timeout, and every
 * later packet refreshes it: a pinhole its call's end closed would stay
 * open for as long as anyone sent to it.  Seen in the qemu guest (TCG
 * stretches the window: pinholes outlived the BYE by their timeout) and
 * on bare metal under a flood through the pinhole, where nearly every
 * close was undone (test/net/nfttab.sh, "close race").  No kernel voipfw
 * supports has an update that only refreshes.
 *
 * So a close is three steps:
 *  1. one transaction deletes the element and adds its key to the
 *     pinhole set's closing set (closing4, ...), which the media rule
 *     checks right after its lookup ("!= @closing4"): from this commit on
 *     no packet reaches the update, so nothing can be re-created, and
 *     what packets in flight re-created admits nothing;
 *  2. NFTTAB_RECHECK_MS later (packets in flight are long done) the
 *     element is looked up: an untagged one is what the packet path
 *     re-created and is deleted, the closing key staying (deleting both
 *     in one transaction is not safe: the generation flip hides both at
 *     once, and a packet between its two lookups re-creates it again);
 *     a tagged one belongs to a call that took the key since (through
 *     this handle or another): the closing key is deleted at once, done;
 *  3. otherwise, NFTTAB_RECHECK_MS later, the closing key is deleted (not
 *     in step 2 even when the element was absent: another handle may
 *     just have deleted one, as every worker closes an adopted call).
 * A step that fails (a lookup, a commit) is tried again NFTTAB_RECHECK_MS
 * later, NFTTAB_RECHECK_TRIES times.
 * An open of a key this handle is still closing deletes its closing key in
 * the open's own transaction.  Closing elements time out a second after
 * anything re-created under them (NFTTAB_CLOSING_EXTRA_MS), so a voipfwd
 * killed between the steps leaves nothing open.  Closes are followed per
 * handle (one per worker), in a ring allocated at the first close; when
 * it is full a close is a plain delete, counted as overflow.
 */

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static struct nfttab_recheck *recheck_at(struct nfttab *t, unsigned int i)
{
	return &t->rechecks[(t->recheck_head + i) % NFTTAB_RECHECK_MAX];
}

/* The index's bucket of @key in set @pset. */
static unsigned int recheck_bucket_of(const struct nfttab *t, int8_t pset,
				      const uint8_t *key)
{
	uint8_t buf[1 + NFTTAB_KEY_MAX];

	buf[0] = (uint8_t)pset;
	memcpy(buf + 1, key, NFTTAB_KEY_MAX);
	return (unsigned int)siphash(&t->recheck_hkey, buf, sizeof(buf)) &
	       (NFTTAB_RECHECK_BUCKETS - 1);
}

/* The ring and its index, at the first close; -1 (counted) without. */
static int recheck_alloc(struct nfttab *t)
{
	t->rechecks = calloc(NFTTAB_RECHECK_MAX, sizeof(*t->rechecks));
	t->recheck_bucket = calloc(NFTTAB_RECHECK_BUCKETS,
				   sizeof(*t->recheck_bucket));
	t->recheck_chain = calloc(NFTTAB_RECHECK_MAX,
				  sizeof(*t->recheck_chain));
	if (t->rechecks && t->recheck_bucket && t->recheck_chain) {
		/* keys come from SDP: a secret hash key, so that nobody
		 * aims them at one chain (without one, a fixed key: chains
		 * then cost what a scan of the ring would) */
		if (siphash_key_random(&t->recheck_hkey))
			memset(&t->recheck_hkey, 0, sizeof(t->recheck_hkey));
		return 0;
	}
	free(t->rechecks);
	free(t->recheck_bucket);
	free(t->recheck_chain);
	t->rechecks = NULL;
	t->recheck_bucket = t->recheck_chain = NULL;
	t->recheck_st.overflow++;
	return -1;
}

/*
 * Append to the ring (every entry is due NFTTAB_RECHECK_MS after it is
 * pushed, so due times only grow and it stays in due order) and to its
 * index; the entry, or NULL when there is no room (counted).
 */
static struct nfttab_recheck *recheck_push(struct nfttab *t, int8_t pset,
					   const uint8_t *key, uint8_t stage,
					   uint64_t due_ms)
{
	struct nfttab_recheck *r;
	unsigned int slot, h;

	if (!t->rechecks && recheck_alloc(t))
		return NULL;
	if (t->recheck_n == NFTTAB_RECHECK_MAX) {
		t->recheck_st.overflow++;
		return NULL;
	}
	slot = (t->recheck_head + t->recheck_n++) % NFTTAB_RECHECK_MAX;
	r = &t->rechecks[slot];
	r->due_ms = due_ms;
	r->pset = pset;
	r->stage = stage;
	r->tries = 0;
	r->cancelled = false;
	memcpy(r->key, key, NFTTAB_KEY_MAX);
	h = recheck_bucket_of(t, pset, key);
	t->recheck_chain[slot] = t->recheck_bucket[h];
	t->recheck_bucket[h] = (uint16_t)(slot + 1);
	return r;
}

/* Take the ring's oldest entry off the ring and out of the index. */
static void recheck_pop(struct nfttab *t)
{
	unsigned int slot = t->recheck_head;
	const struct nfttab_recheck *r = &t->rechecks[slot];
	uint16_t *link = &t->recheck_bucket[recheck_bucket_of(t, r->pset,
							     r->key)];

	/* the oldest of its chain: at the chain's end */
	while (*link && *link != slot + 1)
		link = &t->recheck_chain[*link - 1];
	if (*link)
		*link = t->recheck_chain[slot];
	t->recheck_chain[slot] = 0;
	t->recheck_head = (t->recheck_head + 1) % NFTTAB_RECHECK_MAX;
	t->recheck_n--;
}

/* The oldest close of @key in @ps this handle has in progress, or NULL. */
static struct nfttab_recheck *recheck_find(struct nfttab *t,
					  const struct nfttab_pset *ps,
					  const uint8_t *key)
{
	int8_t pset = (int8_t)(ps - nfttab_psets);
	struct nfttab_recheck *found = NULL;
	uint16_t at;

	if (!t->recheck_n)
		return NULL;
	for (at = t->recheck_bucket[recheck_bucket_of(t, pset, key)]; at;
	     at = t->recheck_chain[at - 1]) {
		struct nfttab_recheck *r = &t->rechecks[at - 1];

		if (!r->cancelled && r->pset == pset &&
		    !memcmp(r->key, key, NFTTAB_KEY_MAX))
			found = r;	/* the chain runs newest first */
	}
	return found;
}

/*
 * After a commit: each key it put into a closing set is followed from
 * step 2 on (also when the element's delete found nothing: an expired
 * pinhole's key must not stay closing); a close without a closing key
 * counts as overflow; an open that took a key out of the closing set
 * ends that close (a close and an open of one key in one batch: the
 * open's delete of the closing key comes after the close's add).
 */
static void recheck_note_commit(struct nfttab *t, const struct nfttab_batch *b)
{
	uint64_t due = 0;
	unsigned int i;

	for (i = 0; i < b->n; i++) {
		const struct nfttab_msg *m = &b->msg[i];
		struct nfttab_recheck *r;

		if (m->pset < 0)
			continue;
		if (m->closing && m->type == NFT_MSG_NEWSETELEM) {
			if (!due)
				due = mono_ms() + NFTTAB_RECHECK_MS;
			recheck_push(t, m->pset, m->key, 2, due);
		} else if (m->closing) {
			/* the delete an open queued ahead of its add */
			r = recheck_find(t, &nfttab_psets[m->pset], m->key);
			if (r && i + 1 < b->n &&
			    b->msg[i + 1].type == NFT_MSG_NEWSETELEM &&
			    !b->msg[i + 1].closing)
				r->cancelled = true;
		} else if (m->type == NFT_MSG_DELSETELEM && !m->guarded) {
			t->recheck_st.overflow++;
		}
	}
}

static int tagged_elem_cb(struct nftnl_set_elem *e, void *data)
{
	struct pinhole_tag tag;
	const uint8_t *ud;
	uint32_t len;

	memset(&tag, 0, sizeof(tag));
	ud = nftnl_set_elem_get(e, NFTNL_SET_ELEM_USERDATA, &len);
	if (ud && udata_ok(ud, len))
		nftnl_udata_parse(ud, len, tag_udata_cb, &tag);
	if (tag.call_id_len || tag.call_id_hash)
		*(bool *)data = true;
	return 0;
}

/* One key to look up (elems_lookup). */
struct elem_query {
	const struct nfttab_pset	*ps;
	const uint8_t			*key;
	int				found;	/* 1, 0 (absent), -1 */
	int				err;	/* errno when -1 */
	bool				tagged;	/* voipfw's userdata */
	bool				data;	/* the element came */
	bool				answered; /* its ACK came */
};

/* Read the replies elems_lookup's send left queued, without waiting. */
static void lookup_replies(struct nfttab *t, struct elem_query *q,
			   unsigned int n, uint32_t seq0)
{
	int fd = mnl_socket_get_fd(t->nl);

	for (;;) {
		ssize_t r = recv(fd, t->rbuf, sizeof(t->rbuf), MSG_DONTWAIT);
		const struct nlmsghdr *nlh;
		int len;

		if (r < 0) {
			/* ENOBUFS: replies were lost; the rest still wait */
			if (errno == EINTR || errno == ENOBUFS)
				continue;
			return;		/* EAGAIN: all read */
		}
		len = (int)r;
		for (nlh = (const struct nlmsghdr *)t->rbuf;
		     mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			uint32_t i = nlh->nlmsg_seq - seq0;
			const struct nlmsgerr *e;

			if (nlh->nlmsg_pid != t->portid || i >= n ||
			    q[i].answered)
				continue;	/* not one of these */
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE &&
			    nlh->nlmsg_type != NLMSG_ERROR)
				continue;	/* no GET answers with these */
			if (nlh->nlmsg_type != NLMSG_ERROR) {
				q[i].data = true;
				if (dump_msg(nlh, tagged_elem_cb,
					     &q[i].tagged))
					q[i].err = EPROTO;
				continue;
			}
			e = mnl_nlmsg_get_payload(nlh);
			q[i].answered = true;
			if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
				q[i].err = EPROTO;	/* a short ACK */
			} else if (e->error == -ENOENT) {
				q[i].found = 0;
			} else if (e->error) {
				q[i].err = -e->error;
			} else if (q[i].data && !q[i].err) {
				q[i].found = 1;
			} else if (!q[i].err) {
				/* acknowledged, but its element was lost */
				q[i].err = ENOBUFS;
			}
		}
	}
}

/*
 * GETSETELEM of @n keys (at most NFTTAB_RECHECK_BURST), every request in
 * one send.  The kernel answers each while the send runs (nf_tables looks
 * elements up in the sender's context), so every reply is queued when it
 * returns and is read without waiting.  Each query gets found 1 (with
 * tagged: voipfw's userdata), 0 (absent; an expired element is absent
 * too) or -1 with err: its own error, or a reply the socket had no room
 * for.  Returns how many failed, with t->err naming the first.
 */
static unsigned int elems_lookup(struct nfttab *t, struct elem_query *q,
				 unsigned int n)
{
	struct nftnl_set_elem *e = t->elem;
	uint32_t seq0 = t->seq;
	unsigned int i, failed = 0;
	size_t len = 0;

	if (n > NFTTAB_RECHECK_BURST) {
		/* qbuf holds that many: a caller's mistake, not the kernel's */
		for (i = 0; i < n; i++) {
			q[i].found = -1;
			q[i].err = EINVAL;
		}
		seterr(t->err, sizeof(t->err), "looking up %u elements at once "
		       "(at most %u)", n, NFTTAB_RECHECK_BURST);
		return n;
	}
	for (i = 0; i < n; i++) {
		struct nlmsghdr *nlh;
		struct nlattr *nest;

		q[i].found = -1;
		q[i].err = 0;
		q[i].tagged = q[i].data = q[i].answered = false;
		nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, q[i].key,
				   q[i].ps->key_len);
		nftnl_set_elem_unset(e, NFTNL_SET_ELEM_TIMEOUT);
		nftnl_set_elem_unset(e, NFTNL_SET_ELEM_USERDATA);
		nlh = nftnl_nlmsg_build_hdr(t->qbuf + len, NFT_MSG_GETSETELEM,
					    NFPROTO_INET, NLM_F_ACK, t->seq++);
		nest = elems_start(nlh, q[i].ps->name);
		nftnl_set_elem_nlmsg_build(nlh, e, 1);
		mnl_attr_nest_end(nlh, nest);
		len += MNL_ALIGN(nlh->nlmsg_len);
	}
	/* an element's reply, then its ACK, for each */
	grow_sockbuf(t, SO_RCVBUFFORCE, SO_RCVBUF, &t->rcvbuf,
		     (size_t)n * (NFTTAB_MSG_MAX + NFTTAB_ACK_COST) +
		     NFTTAB_SOCKBUF_SLACK);
	if (mnl_socket_sendto(t->nl, t->qbuf, len) < 0) {
		int saved = errno;

		for (i = 0; i < n; i++)
			q[i].err = saved;
	} else {
		lookup_replies(t, q, n, seq0);
	}
	for (i = 0; i < n; i++) {
		if (q[i].found >= 0)
			continue;
		if (!q[i].err)
			q[i].err = q[i].answered ? EPROTO : ENOBUFS;
		if (!failed++)
			seterr(t->err, sizeof(t->err),
			       "looking up an element of set %s: %s",
			       q[i].ps->name, strerror(q[i].err));
	}
	return failed;
}

/* One key: 1 with *@tagged, 0 when absent, -1 with t->err and errno. */
static int elem_lookup(struct nfttab *t, const struct nfttab_pset *ps,
		       const uint8_t *key, bool *tagged)
{
	struct elem_query q = { .ps = ps, .key = key };

	if (elems_lookup(t, &q, 1))
		errno = q.err;
	*tagged = q.tagged;
	return q.found;
}

/*
 * Step 2 of a close whose key @r names, the element looked up (@q): queue
 * what follows.  Returns what the entry does next: 3 (delete the closing
 * key later), 0 (done), or -1 (the lookup failed: try again).
 */
static int recheck_step2(struct nfttab *t, const struct nfttab_recheck *r,
			 const struct elem_query *q, bool *deleted)
{
	const struct nfttab_pset *ps = &nfttab_psets[r->pset];

	*deleted = false;
	if (q->found < 0)
		return -1;
	t->recheck_st.checked++;
	if (q->found && q->tagged) {
		/* a call took the key again (this handle or another): its
		 * media must not wait for the closing key any longer */
		return pinhole_queue_key(t, ps, r->key, NFT_MSG_DELSETELEM,
					 true, NULL) ? -1 : 0;
	}
	if (q->found) {
		/* what the packet path re-created: harmless under the
		 * closing key, so deleting it races nothing */
		*deleted = true;
		return pinhole_queue_key(t, ps, r->key, NFT_MSG_DELSETELEM,
					 false, NULL) ? -1 : 3;
	}
	/*
	 * Absent.  The closing key goes in a step of its own, not now:
	 * another handle may have deleted a re-created element a moment
	 * ago (every worker closes an adopted call's pinholes on kill-call),
	 * and a packet between the rule's two lookups across both commits
	 * would re-create it.
	 */
	return 3;
}

int nfttab_pinhole_recheck(struct nfttab *t)
{
	struct {
		struct nfttab_recheck	r;	/* the step taken */
		int			next;	/* 3, 0 (done), -1 (failed) */
		bool			queued;	/* a message in the commit */
		bool			deleted; /* a re-created element */
	} done[NFTTAB_RECHECK_BURST];
	struct elem_query q[NFTTAB_RECHECK_BURST];
	unsigned int i, n = 0, n_q = 0, n_deleted = 0;
	uint64_t now;
	bool failed = false;
	int rc = 0;

	if (nfttab_lock(t))
		return -1;
	/* the caller's own changes go first, in their own commit */
	if (t->pend.n || t->pend_err || !t->recheck_n)
		goto out;
	/* the steps that are due, and one send for their lookups */
	now = mono_ms();
	while (t->recheck_n && n < NFTTAB_RECHECK_BURST) {
		struct nfttab_recheck *r = recheck_at(t, 0);

		if (r->due_ms > now)
			break;
		if (!r->cancelled) {
			done[n].r = *r;
			if (r->stage == 2) {
				q[n_q].ps = &nfttab_psets[r->pset];
				q[n_q].key = done[n].r.key;
				n_q++;
			}
			n++;
		}
		recheck_pop(t);
	}
	if (n_q)
		elems_lookup(t, q, n_q);
	for (i = 0, n_q = 0; i < n; i++) {
		struct nfttab_recheck *r = &done[i].r;
		unsigned int queued = t->pend.n;

		done[i].deleted = false;
		if (r->stage == 2)
			done[i].next = recheck_step2(t, r, &q[n_q++],
						     &done[i].deleted);
		else
			done[i].next = pinhole_queue_key(t,
					&nfttab_psets[r->pset], r->key,
					NFT_MSG_DELSETELEM, true, NULL) ?
				       -1 : 0;
		done[i].queued = t->pend.n > queued;
		n_deleted += done[i].deleted;
	}
	if (t->pend.n || t->pend_err) {
		t->rechecking = true;
		failed = pinhole_commit(t) != 0;
		t->rechecking = false;
	}
	if (failed)
		rc = -1;	/* nothing of it is live */
	else
		t->recheck_st.reclosed += n_deleted;
	now = mono_ms();
	for (i = 0; i < n; i++) {
		struct nfttab_recheck *r = &done[i].r, *pushed;
		bool again = done[i].next < 0 || (failed && done[i].queued);

		if (again) {
			/* the same step after a pause; in the end the
			 * closing key is left to its timeout */
			rc = -1;
			if (++r->tries > NFTTAB_RECHECK_TRIES) {
				t->recheck_st.failed++;
				continue;
			}
			pushed = recheck_push(t, r->pset, r->key, r->stage,
					      now + NFTTAB_RECHECK_MS);
			if (pushed)
				pushed->tries = r->tries;
		} else if (done[i].next == 3) {
			recheck_push(t, r->pset, r->key, 3,
				     now + NFTTAB_RECHECK_MS);
		}
	}
	if (!rc)
		rc = (int)n_deleted;
out:
	nfttab_unlock(t);
	return rc;
}

struct closing_keys {
	int8_t		pset;
	uint8_t		(*key)[NFTTAB_KEY_MAX];
	int8_t		*psets;
	unsigned int	n, cap;
	bool		nomem;
};

static int closing_key_cb(struct nftnl_set_elem *e, void *data)
{
	struct closing_keys *c = data;
	const uint8_t *key;
	uint32_t len;

	key = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len);
	if (!key || len != nfttab_psets[c->pset].key_len)
		return 0;
	if (c->n == c->cap) {
		unsigned int cap = c->cap ? 2 * c->cap : 64;
		void *k = realloc(c->key, cap * sizeof(*c->key));
		void *p = k ? realloc(c->psets, cap) : NULL;

		if (k)
			c->key = k;
		if (!p) {
			c->nomem = true;
			return 0;
		}
		c->psets = p;
		c->cap = cap;
	}
	memset(c->key[c->n], 0, NFTTAB_KEY_MAX);
	memcpy(c->key[c->n], key, len);
	c->psets[c->n++] = c->pset;
	return 0;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * Closes a voipfwd that stopped between their steps left in the closing
 * sets: without this, a new call to such a key would have no media until
 * the closing element timed out (the pinhole timeout and a second).  The
 * same steps, at install, before any worker runs: wait out packets in
 * flight, delete untagged elements under closing keys, wait again, delete
 * the closing keys.  Nothing to do (and no wait) when the closing sets
 * are empty.  0, or -1 with t->err.
 */
static int closing_settle(struct nfttab *t)
{
	struct closing_keys c = { 0 };
	unsigned int i, dead = 0;
	int rc = -1;

	for (i = 0; i < __PSET_MAX; i++) {
		unsigned int start = c.n;
		int r;

		c.pset = (int8_t)i;
		do {
			c.n = start;	/* an interrupted dump: again */
			r = dump_set(t, nfttab_psets[i].closing,
				     closing_key_cb, &c);
		} while (r == 1);
		if (r < 0 || c.nomem) {
			seterr(t->err, sizeof(t->err), "reading set %s: %s",
			       nfttab_psets[i].closing,
			       strerror(c.nomem ? ENOMEM : errno));
			goto out;
		}
	}
	if (!c.n) {
		rc = 0;
		goto out;
	}
	sleep_ms(NFTTAB_RECHECK_MS);
	t->rechecking = true;
	for (i = 0; i < c.n; i += NFTTAB_RECHECK_BURST) {
		struct elem_query q[NFTTAB_RECHECK_BURST];
		unsigned int j, m = c.n - i;

		if (m > NFTTAB_RECHECK_BURST)
			m = NFTTAB_RECHECK_BURST;
		for (j = 0; j < m; j++) {
			q[j].ps = &nfttab_psets[c.psets[i + j]];
			q[j].key = c.key[i + j];
		}
		if (elems_lookup(t, q, m))
			goto out_commit;
		for (j = 0; j < m; j++) {
			if (q[j].found && !q[j].tagged) {
				pinhole_queue_key(t, q[j].ps, q[j].key,
						  NFT_MSG_DELSETELEM, false,
						  NULL);
				dead++;
			}
		}
	}
	if (dead && pinhole_commit(t))
		goto out_commit;
	if (dead)
		sleep_ms(NFTTAB_RECHECK_MS);
	for (i = 0; i < c.n; i++)
		pinhole_queue_key(t, &nfttab_psets[c.psets[i]], c.key[i],
				  NFT_MSG_DELSETELEM, true, NULL);
	if (pinhole_commit(t) == 0) {
		t->recheck_st.reclosed += dead;
		rc = 0;
	}
out_commit:
	t->rechecking = false;
	batch_reset(&t->pend);
	t->pend_err = 0;
	t->closing_queued = 0;
out:
	free(c.key);
	free(c.psets);
	return rc;
}

int nfttab_pinhole_recheck_wait(struct nfttab *t)
{
	uint64_t due, now;
	int ms = -1;

	if (nfttab_lock(t))
		return -1;
	if (t->recheck_n) {
		due = recheck_at(t, 0)->due_ms;
		now = mono_ms();
		ms = due > now ? (int)(due - now) : 0;
	}
	nfttab_unlock(t);
	return ms;
}

void nfttab_pinhole_recheck_stats(struct nfttab *t,
				  struct nfttab_recheck_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (nfttab_lock(t))
		return;
	*st = t->recheck_st;
	st->waiting = t->recheck_n;
	nfttab_unlock(t);
}

/* ---- bans ---------------------------------------------------------------- */

static const struct nfttab_bset *bset_of(const struct nfttab_ban *ban)
{
	if (ban->family == 4)
		return &nfttab_bsets[BSET_4];
	if (ban->family == 6)
		return &nfttab_bsets[BSET_6];
	return NULL;
}

bool nfttab_ban_reason_ok(const char *s)
{
	size_t n;

	for (n = 0; s[n]; n++)
		if (n >= NFTTAB_BAN_REASON_MAX || s[n] <= 0x20 || s[n] > 0x7e ||
		    s[n] == '"' || s[n] == '\\')
			return false;
	return true;
}

/* @reason as nft's element comment in @e's userdata; 0 or -1 (ENOMEM) */
static int ban_reason_udata(struct nftnl_set_elem *e, const char *reason)
{
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
	int rc = -1;

	if (ud && nftnl_udata_put_strz(ud, NFTNL_UDATA_SET_ELEM_COMMENT,
				       reason) &&
	    nftnl_set_elem_set(e, NFTNL_SET_ELEM_USERDATA,
			       nftnl_udata_buf_data(ud),
			       nftnl_udata_buf_len(ud)) == 0)
		rc = 0;
	if (ud)
		nftnl_udata_buf_free(ud);
	return rc;
}

static int ban_reason_cb(const struct nftnl_udata *attr, void *data)
{
	char *reason = data;
	const char *v = nftnl_udata_get(attr);
	uint8_t len = nftnl_udata_len(attr);

	if (nftnl_udata_type(attr) != NFTNL_UDATA_SET_ELEM_COMMENT || !len ||
	    len > NFTTAB_BAN_REASON_MAX + 1 || v[len - 1])
		return 0;
	memcpy(reason, v, len);
	if (!nfttab_ban_reason_ok(reason))
		reason[0] = 0;	/* a comment someone else wrote */
	return 0;
}

/*
 * Queue a DELSETELEM of @ban's address, and with @add a NEWSETELEM after
 * it.  Deleting first makes "ban" replace an existing ban's timeout on
 * every kernel (an add of a live key keeps the old element); a delete
 * that finds nothing is dropped at commit (pinhole_commit).
 */
static int ban_queue(struct nfttab *t, const struct nfttab_ban *ban, bool add)
{
	const struct nfttab_bset *bs = bset_of(ban);
	struct nftnl_set_elem *e = t->elem;
	uint16_t types[2] = { NFT_MSG_DELSETELEM, NFT_MSG_NEWSETELEM };
	unsigned int i;

	if (!bs) {
		seterr(t->err, sizeof(t->err), "ban: family %u", ban->family);
		errno = EINVAL;
		goto err;
	}
	if (add && !nfttab_ban_reason_ok(ban->reason)) {
		seterr(t->err, sizeof(t->err), "ban: reason '%.*s': printable, "
		       "no quotes or backslashes, at most %d bytes",
		       NFTTAB_BAN_REASON_MAX, ban->reason,
		       NFTTAB_BAN_REASON_MAX);
		errno = EINVAL;
		goto err;
	}
	for (i = 0; i < (add ? 2U : 1U); i++) {
		struct nfttab_msg *m;
		struct nlmsghdr *nlh;
		struct nlattr *nest;

		nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, ban->addr, bs->alen);
		nftnl_set_elem_unset(e, NFTNL_SET_ELEM_TIMEOUT);
		nftnl_set_elem_unset(e, NFTNL_SET_ELEM_USERDATA);
		if (types[i] == NFT_MSG_NEWSETELEM && ban->timeout_ms)
			nftnl_set_elem_set_u64(e, NFTNL_SET_ELEM_TIMEOUT,
					       ban->timeout_ms);
		if (types[i] == NFT_MSG_NEWSETELEM && ban->reason[0] &&
		    ban_reason_udata(e, ban->reason)) {
			seterr(t->err, sizeof(t->err), "ban: %s",
			       strerror(ENOMEM));
			errno = ENOMEM;
			goto err;
		}
		nlh = batch_add(t, &t->pend, types[i],
				types[i] == NFT_MSG_NEWSETELEM ? NLM_F_CREATE : 0,
				types[i] == NFT_MSG_NEWSETELEM ? "add to set" :
				"delete from set", bs->name);
		if (!nlh) {
			seterr(t->err, sizeof(t->err), "ban: %s",
			       strerror(ENOMEM));
			errno = ENOMEM;
			goto err;
		}
		m = batch_cur(&t->pend);
		m->bset = (int8_t)(bs - nfttab_bsets);
		memset(m->key, 0, sizeof(m->key));
		memcpy(m->key, ban->addr, bs->alen);
		nest = elems_start(nlh, bs->name);
		nftnl_set_elem_nlmsg_build(nlh, e, 1);
		mnl_attr_nest_end(nlh, nest);
		batch_close(&t->pend, nlh);
		nftnl_set_elem_unset(e, NFTNL_SET_ELEM_USERDATA);
	}
	return 0;
err:
	if (!t->pend_err)
		t->pend_err = errno;
	return -1;
}

int nfttab_ban_add(struct nfttab *t, const struct nfttab_ban *ban)
{
	int rc;

	if (nfttab_lock(t))
		return -1;
	rc = ban_queue(t, ban, true);
	nfttab_unlock(t);
	return rc;
}

int nfttab_ban_del(struct nfttab *t, const struct nfttab_ban *ban)
{
	int rc;

	if (nfttab_lock(t))
		return -1;
	rc = ban_queue(t, ban, false);
	nfttab_unlock(t);
	return rc;
}

int nfttab_commit(struct nfttab *t)
{
	return nfttab_ph_commit(t);
}

struct ban_dump_ctx {
	const struct nfttab_bset	*bs;
	void				(*cb)(void *arg,
					      const struct nfttab_ban *ban);
	void				*arg;
	int				count;
	bool				bad_key;
};

static int ban_dump_elem(struct nftnl_set_elem *e, void *data)
{
	struct ban_dump_ctx *d = data;
	struct nfttab_ban ban = { .family = d->bs->family };
	const uint8_t *ud;
	uint32_t len, udlen;
	const void *key;

	key = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len);
	if (!key || len != d->bs->alen) {
		d->bad_key = true;
		return 0;
	}
	memcpy(ban.addr, key, len);
	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_TIMEOUT))
		ban.timeout_ms = nftnl_set_elem_get_u64(e, NFTNL_SET_ELEM_TIMEOUT);
	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_EXPIRATION))
		ban.expires_ms = nftnl_set_elem_get_u64(e,
						NFTNL_SET_ELEM_EXPIRATION);
	ud = nftnl_set_elem_get(e, NFTNL_SET_ELEM_USERDATA, &udlen);
	if (ud && udata_ok(ud, udlen))
		nftnl_udata_parse(ud, udlen, ban_reason_cb, ban.reason);
	d->cb(d->arg, &ban);
	d->count++;
	return 0;
}

int nfttab_ban_dump(struct nfttab *t,
		    void (*cb)(void *arg, const struct nfttab_ban *ban),
		    void *arg)
{
	struct ban_dump_ctx d = { .cb = cb, .arg = arg };
	unsigned int i, tries;
	int rc = 0;

	if (nfttab_lock(t))
		return -1;
	for (i = 0; i < __BSET_MAX && rc >= 0; i++) {
		d.bs = &nfttab_bsets[i];
		rc = 1;
		for (tries = 0; rc == 1 && tries < NFTTAB_DUMP_RETRIES; tries++)
			rc = dump_set(t, d.bs->name, ban_dump_elem, &d);
		if (rc == 1) {
			seterr(t->err, sizeof(t->err), "dumping set %s: the "
			       "ruleset kept changing", d.bs->name);
			errno = EINTR;
			rc = -1;
		} else if (rc < 0 && errno == ENOENT) {
			rc = 0;		/* a table from before bans */
		} else if (rc < 0) {
			int saved = errno;

			seterr(t->err, sizeof(t->err), "dumping set %s: %s",
			       d.bs->name, strerror(saved));
			errno = saved;
		}
	}
	if (rc >= 0 && d.bad_key) {
		seterr(t->err, sizeof(t->err), "a ban set holds keys of an "
		       "unexpected length; they were skipped");
		errno = EPROTO;
		rc = -1;
	}
	nfttab_unlock(t);
	return rc < 0 ? -1 : d.count;
}

int nfttab_ban_exists(struct nfttab *t, const struct nfttab_ban *ban)
{
	const struct nfttab_bset *bs = bset_of(ban);
	struct nftnl_set_elem *e = t->elem;
	union {
		char			buf[512];
		struct nlmsghdr		align;
	} req;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int rc;

	if (!bs) {
		errno = EINVAL;
		return -1;
	}
	if (nfttab_lock(t))
		return -1;
	nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, ban->addr, bs->alen);
	nftnl_set_elem_unset(e, NFTNL_SET_ELEM_TIMEOUT);
	nftnl_set_elem_unset(e, NFTNL_SET_ELEM_USERDATA);
	memset(&req, 0, sizeof(req));
	nlh = nftnl_nlmsg_build_hdr(req.buf, NFT_MSG_GETSETELEM, NFPROTO_INET,
				    NLM_F_ACK, t->seq++);
	nest = elems_start(nlh, bs->name);
	nftnl_set_elem_nlmsg_build(nlh, e, 1);
	mnl_attr_nest_end(nlh, nest);
	rc = request(t, nlh, ignore_cb, NULL) == 0 ? 1 : errno == ENOENT ? 0 : -1;
	if (rc < 0) {
		int saved = errno;

		seterr(t->err, sizeof(t->err), "looking up an element of set "
		       "%s: %s", bs->name, strerror(saved));
		errno = saved;
	}
	nfttab_unlock(t);
	return rc;
}

/* ---- interval sets: block lists and countries ---------------------------- */

const char *nfttab_netset_name(enum nfttab_netset which)
{
	return (unsigned int)which < __NFTTAB_NETSET_MAX ?
	       nfttab_iset_names[which] : "?";
}

/* Largest element (key, flags, userdata, their nests) fill_elem writes. */
#define NFTTAB_ELEM_ROOM	96

/**
 * struct iset_fill - NEWSETELEM messages of one set being filled.
 * @nlh/@nest: the open message and its element list; NULL: none open
 * @idx:       attribute type of the next element in @nest (1, 2, ...)
 * @open_ud:   nft's "open interval" element userdata
 */
struct iset_fill {
	struct nfttab			*t;
	struct nfttab_batch		*b;
	const struct nfttab_bset	*bs;
	struct nftnl_set_elem		*e;
	const struct nftnl_udata_buf	*open_ud;
	struct nlmsghdr			*nlh;
	struct nlattr			*nest;
	uint16_t			idx;
};

static void fill_close(struct iset_fill *f)
{
	if (!f->nlh)
		return;
	mnl_attr_nest_end(f->nlh, f->nest);
	batch_close(f->b, f->nlh);
	f->nlh = NULL;
}

/*
 * One element: @key, an interval end with @end, nft's open-interval flag
 * with @open.  Elements go into messages of at most NFTTAB_MSG_MAX bytes
 * (the room batch_add reserves; a nest holds at most 64 KiB anyway), as
 * many messages as the set needs, all in the one batch.
 */
static int fill_elem(struct iset_fill *f, const uint8_t *key, bool end,
		     bool open)
{
	struct nftnl_set_elem *e = f->e;

	if (f->nlh && f->nlh->nlmsg_len + NFTTAB_ELEM_ROOM > NFTTAB_MSG_MAX)
		fill_close(f);
	if (!f->nlh) {
		f->nlh = batch_add(f->t, f->b, NFT_MSG_NEWSETELEM, NLM_F_CREATE,
				   "add elements to set", f->bs->name);
		if (!f->nlh)
			return -1;
		f->nest = elems_start(f->nlh, f->bs->name);
		f->idx = 0;
	}
	nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key, f->bs->alen);
	if (end)
		nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_FLAGS,
				       NFT_SET_ELEM_INTERVAL_END);
	else
		nftnl_set_elem_unset(e, NFTNL_SET_ELEM_FLAGS);
	if (open) {
		if (nftnl_set_elem_set(e, NFTNL_SET_ELEM_USERDATA,
				       nftnl_udata_buf_data(f->open_ud),
				       nftnl_udata_buf_len(f->open_ud)) < 0)
			return -1;
	} else {
		nftnl_set_elem_unset(e, NFTNL_SET_ELEM_USERDATA);
	}
	nftnl_set_elem_nlmsg_build(f->nlh, e, ++f->idx);
	return 0;
}

/* @v as 16 bytes, network order */
static void be128(uint8_t out[16], unsigned __int128 v)
{
	int i;

	for (i = 15; i >= 0; i--) {
		out[i] = (uint8_t)v;
		v >>= 8;
	}
}

/*
 * The ranges of one family into @f's set, encoded as nft 1.0.6 encodes
 * them (nft --debug=netlink add element ... { 10.0.0.0/8, 255.0.0.0/8 }):
 *   0.0.0.0 end, 10.0.0.0, 11.0.0.0 end, 255.0.0.0 (open interval)
 * The leading end element at 0 is nft's when the first range does not
 * start there; a range up to the top address has no end element (there
 * is no address after it), and nft marks its start "open" in the
 * element's userdata so that "nft list" prints it as a range.
 */
static int fill_ranges(struct iset_fill *f, const struct netset *ns)
{
	static const uint8_t zero[16];
	uint32_t i, n = f->bs->family == 4 ? ns->n4 : ns->n6;

	for (i = 0; i < n; i++) {
		uint8_t lo[16], next[16];
		bool top, at_zero;

		if (f->bs->family == 4) {
			uint32_t l = htonl(ns->r4[i].lo), h;

			top = ns->r4[i].hi == UINT32_MAX;
			at_zero = ns->r4[i].lo == 0;
			h = htonl(ns->r4[i].hi + (top ? 0 : 1));
			memcpy(lo, &l, 4);
			memcpy(next, &h, 4);
		} else {
			top = ns->r6[i].hi == ~(unsigned __int128)0;
			at_zero = ns->r6[i].lo == 0;
			be128(lo, ns->r6[i].lo);
			be128(next, ns->r6[i].hi + (top ? 0 : 1));
		}
		if (i == 0 && !at_zero && fill_elem(f, zero, true, false))
			return -1;
		if (fill_elem(f, lo, false, top) ||
		    (!top && fill_elem(f, next, true, false)))
			return -1;
	}
	fill_close(f);
	return 0;
}

static int build_replace(struct nfttab *t, enum nfttab_netset which,
			 const struct netset *ns, struct nftnl_set_elem *e,
			 const struct nftnl_udata_buf *open_ud)
{
	struct nfttab_batch *b = &t->ctl;
	unsigned int fam;

	batch_reset(b);
	for (fam = 0; fam < 2; fam++) {
		struct iset_fill f = {
			.t = t, .b = b, .bs = &nfttab_isets[which][fam],
			.e = e, .open_ud = open_ud,
		};
		struct nlmsghdr *nlh;

		/* a DELSETELEM without elements flushes the set; what
		 * follows in the same transaction fills it again */
		nlh = batch_add(t, b, NFT_MSG_DELSETELEM, 0, "flush set",
				f.bs->name);
		if (!nlh)
			return -1;
		mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, NFTTAB_TABLE);
		mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, f.bs->name);
		batch_close(b, nlh);
		if (fill_ranges(&f, ns))
			return -1;
	}
	return 0;
}

int nfttab_netset_replace(struct nfttab *t, enum nfttab_netset which,
			  const struct netset *ns, char *err, size_t errlen)
{
	struct nftnl_udata_buf *open_ud = NULL;
	struct nftnl_set_elem *e = NULL;
	int rc = -1, saved;

	if ((unsigned int)which >= __NFTTAB_NETSET_MAX || !ns->merged) {
		seterr(err, errlen, "nfttab: %s", (unsigned int)which >=
		       __NFTTAB_NETSET_MAX ? "no such interval set" :
		       "the network set is not merged");
		errno = EINVAL;
		return -1;
	}
	if (nfttab_lock(t)) {
		seterr(err, errlen, "nfttab: %s", strerror(errno));
		return -1;
	}
	/* an element object of our own: t->elem must not keep the flags */
	e = nftnl_set_elem_alloc();
	open_ud = nftnl_udata_buf_alloc(16);
	if (!e || !open_ud ||
	    !nftnl_udata_put_u32(open_ud, NFTNL_UDATA_SET_ELEM_FLAGS,
				 NFTNL_SET_ELEM_F_INTERVAL_OPEN) ||
	    build_replace(t, which, ns, e, open_ud)) {
		seterr(err, errlen, "sets %s4, %s6: %s", nfttab_iset_names[which],
		       nfttab_iset_names[which], strerror(ENOMEM));
		errno = ENOMEM;
		goto out;
	}
	if (batch_send(t, &t->ctl, false, 0) == 0) {
		rc = 0;
		goto out;
	}
	saved = errno;
	batch_strerror(&t->ctl, saved, err, errlen);
	errno = saved;
out:
	/* the batch buffer keeps its size for the next replace; its
	 * messages go, so that a large list is not held twice */
	batch_reset(&t->ctl);
	if (open_ud)
		nftnl_udata_buf_free(open_ud);
	if (e)
		nftnl_set_elem_free(e);
	nfttab_unlock(t);
	return rc;
}

/** struct iset_elem - one element of an interval set, as dumped */
struct iset_elem {
	uint8_t	key[16];	/* network order, zero-padded */
	bool	end;		/* NFT_SET_ELEM_INTERVAL_END */
};

struct iset_dump {
	const struct nfttab_bset	*bs;
	struct iset_elem		*v;
	size_t				n, cap;
	bool				bad_key;
	bool				nomem;
};

static int iset_dump_elem(struct nftnl_set_elem *e, void *data)
{
	struct iset_dump *d = data;
	const void *key;
	uint32_t len;

	key = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len);
	if (!key || len != d->bs->alen) {
		d->bad_key = true;
		return 0;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 1024;
		struct iset_elem *v = realloc(d->v, cap * sizeof(*v));

		if (!v) {
			d->nomem = true;
			return -1;
		}
		d->v = v;
		d->cap = cap;
	}
	memset(&d->v[d->n], 0, sizeof(d->v[d->n]));
	memcpy(d->v[d->n].key, key, len);
	d->v[d->n].end = nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_FLAGS) &&
			 (nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_FLAGS) &
			  NFT_SET_ELEM_INTERVAL_END);
	d->n++;
	return 0;
}

/* ascending keys; at one key an end (of the range before) comes first */
static int iset_elem_cmp(const void *a, const void *b)
{
	const struct iset_elem *x = a, *y = b;
	int c = memcmp(x->key, y->key, sizeof(x->key));

	return c ? c : (int)y->end - (int)x->end;
}

static void addr_dec(uint8_t *a, unsigned int len)
{
	while (len-- && a[len]-- == 0)
		;
}

/* The elements of @d, sorted, back into ranges for @cb; their count. */
static int iset_ranges(struct iset_dump *d,
		       void (*cb)(void *arg, int family, const uint8_t *lo,
				  const uint8_t *hi),
		       void *arg)
{
	unsigned int alen = d->bs->alen;
	uint8_t start[16], hi[16];
	bool open = false;
	size_t i;
	int count = 0;

	if (d->n)	/* qsort(NULL, 0, ...) is undefined */
		qsort(d->v, d->n, sizeof(*d->v), iset_elem_cmp);
	for (i = 0; i < d->n; i++) {
		const struct iset_elem *el = &d->v[i];

		/* an end closes the open range; an end with none open is
		 * nft's leading one at address 0.  A start while one is
		 * open (not what nft or we write) ends that one before it */
		if (open) {
			memcpy(hi, el->key, alen);
			addr_dec(hi, alen);
			cb(arg, d->bs->family, start, hi);
			count++;
			open = false;
		}
		if (!el->end) {
			memcpy(start, el->key, alen);
			open = true;
		}
	}
	if (open) {
		memset(hi, 0xff, alen);
		cb(arg, d->bs->family, start, hi);
		count++;
	}
	return count;
}

int nfttab_netset_dump(struct nfttab *t, enum nfttab_netset which,
		       void (*cb)(void *arg, int family, const uint8_t *lo,
				  const uint8_t *hi),
		       void *arg)
{
	struct iset_dump d = { 0 };
	unsigned int fam, tries;
	int rc = 0, count = 0;

	if ((unsigned int)which >= __NFTTAB_NETSET_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (nfttab_lock(t))
		return -1;
	for (fam = 0; fam < 2 && rc >= 0; fam++) {
		d.bs = &nfttab_isets[which][fam];
		rc = 1;
		for (tries = 0; rc == 1 && tries < NFTTAB_DUMP_RETRIES; tries++) {
			d.n = 0;
			rc = dump_set(t, d.bs->name, iset_dump_elem, &d);
		}
		if (rc == 1) {
			seterr(t->err, sizeof(t->err), "dumping set %s: the "
			       "ruleset kept changing", d.bs->name);
			errno = EINTR;
			rc = -1;
		} else if (rc < 0 && errno == ENOENT) {
			rc = 0;		/* a table from before these sets */
		} else if (rc < 0) {
			int saved = d.nomem ? ENOMEM : errno;

			seterr(t->err, sizeof(t->err), "dumping set %s: %s",
			       d.bs->name, strerror(saved));
			errno = saved;
		} else if (d.bad_key) {
			seterr(t->err, sizeof(t->err), "set %s holds keys of "
			       "an unexpected length", d.bs->name);
			errno = EPROTO;
			rc = -1;
		} else {
			count += iset_ranges(&d, cb, arg);
		}
	}
	free(d.v);
	nfttab_unlock(t);
	return rc < 0 ? -1 : count;
}
