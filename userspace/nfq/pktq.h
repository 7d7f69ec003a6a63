/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pktq.h - packets from NFQUEUE (libmnl + libnetfilter_queue's nfq_nlmsg
 * API): copy-packet mode, GSO, fail-open, batch verdicts.
 *
 * One struct pktq is one bound queue and one netlink socket.  It owns one
 * receive buffer and one verdict buffer, both sized at pktq_open(); the
 * packet path allocates nothing.  Not thread-safe: one thread per pktq.
 */
#ifndef VOIPFW_PKTQ_H
#define VOIPFW_PKTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * PKTQ_BATCH_MAX - most packets one pktq_process() call handles before it
 * sends their verdicts; the bound of its return value.
 */
#define PKTQ_BATCH_MAX		64

/*
 * PKTQ_MANGLE_MAX - packets of one batch whose accept verdict may carry a
 * new payload (a batch ends early when they are used up);
 * PKTQ_MANGLE_LEN - the longest such payload: what an NFQA_PAYLOAD
 * attribute holds (a u16 length less the attribute header).
 */
#define PKTQ_MANGLE_MAX		4
#define PKTQ_MANGLE_LEN		(0xffff - 4)

/**
 * struct pktq_packet - one queued packet.
 * @id:       packet id for the verdict
 * @hw_proto: ethertype (ETH_P_IP / ETH_P_IPV6), host order
 * @data:     the network-layer packet (IPv4/IPv6 header first)
 * @len:      bytes at @data (the whole packet: copy range is 0xffff)
 * @mark:     the packet's mark
 * @orig_len: the packet's length in the kernel.  Larger than @len only
 *            when the packet is longer than the kernel's copy range
 *            (65531 bytes: a GSO aggregate, a maximal datagram); @data
 *            then holds its first @len bytes.
 * @slot:     the packet's index in its batch: where its verdict is in the
 *            array pktq_settle sees
 * @indev, @outdev: interface indexes it came in on and goes out of (0:
 *            none, e.g. no @outdev before routing)
 * @mangle:   PKTQ_MANGLE_LEN bytes where the handler may build a new
 *            packet (the whole network-layer packet, checksums and
 *            lengths its own) to replace this one: it writes it there,
 *            sets *@mangle_len and returns PKTQ_ACCEPT.  The packet then
 *            gets a verdict of its own with NFQA_PAYLOAD; *@mangle_len
 *            left 0, or a drop, and @mangle is ignored.
 */
struct pktq_packet {
	uint32_t	id;
	uint16_t	hw_proto;
	const uint8_t	*data;
	size_t		len;
	uint32_t	mark;
	size_t		orig_len;
	unsigned int	slot;
	uint32_t	indev;
	uint32_t	outdev;
	uint8_t		*mangle;
	size_t		*mangle_len;
};

/**
 * enum pktq_verdict - what becomes of a packet.
 * @PKTQ_DROP:   NF_DROP
 * @PKTQ_ACCEPT: NF_ACCEPT
 *
 * Any other value a handler returns is taken as PKTQ_DROP.
 */
enum pktq_verdict {
	PKTQ_DROP = 0,
	PKTQ_ACCEPT = 1,
};

/**
 * struct pktq_config - how to bind the queue.
 * @queue_num:  the queue
 * @fail_open:  NFQA_CFG_F_FAIL_OPEN: accept rather than drop when the
 *              queue is full.  The same choice decides packets pktq
 *              cannot hand to the handler (no payload, unreadable).
 * @rcvbuf:     socket receive buffer in bytes (0: 4 KiB per packet the
 *              queue may hold, i.e. 4 MiB for the default length)
 * @max_len:    queue length (NFQA_CFG_QUEUE_MAXLEN; 0: the kernel's
 *              default, 1024)
 */
struct pktq_config {
	uint16_t	queue_num;
	bool		fail_open;
	unsigned int	rcvbuf;
	uint32_t	max_len;
};

/**
 * enum pktq_feature - what the kernel accepted at pktq_open().
 * @PKTQ_F_GSO:       NFQA_CFG_F_GSO: GSO packets are queued whole,
 *                    without segmentation or checksum completion (kernels
 *                    that refuse it segment them; pktq works either way)
 * @PKTQ_F_FAIL_OPEN: NFQA_CFG_F_FAIL_OPEN is set (only when asked)
 */
enum pktq_feature {
	PKTQ_F_GSO		= 1u << 0,
	PKTQ_F_FAIL_OPEN	= 1u << 1,
};

struct pktq;

/**
 * pktq_open - bind queue @cfg->queue_num in copy-packet mode.
 * @cfg:    the queue and its settings
 * @err:    on failure, a message naming the step that failed (may be NULL)
 * @errlen: size of @err
 *
 * Needs CAP_NET_ADMIN.  Packets the kernel queues before the bind is
 * acknowledged get the @cfg->fail_open verdict (no handler exists yet).
 *
 * Return: the queue, or NULL with errno set and @err filled (EPERM: the
 * queue is bound by another socket, or the caller lacks CAP_NET_ADMIN).
 */
struct pktq *pktq_open(const struct pktq_config *cfg, char *err,
		       size_t errlen);

/**
 * pktq_close - unbind and free @q (NULL is fine).
 *
 * Closing the socket unbinds the queue: the kernel drops the packets
 * still queued without a verdict; later packets hit the rule's bypass
 * (accepted) or, without one, are dropped.
 */
void pktq_close(struct pktq *q);

/**
 * pktq_fd - the netlink socket, for poll()/epoll.  Owned by @q.
 */
int pktq_fd(const struct pktq *q);

/**
 * pktq_features - the enum pktq_feature bits the kernel accepted.
 */
unsigned int pktq_features(const struct pktq *q);

/**
 * typedef pktq_handler - judge one packet.  May not keep @pkt (or the
 * bytes it points at) past the call, nor call pktq functions on the queue.
 */
typedef enum pktq_verdict (*pktq_handler)(void *arg,
					  const struct pktq_packet *pkt);

/**
 * pktq_process - read what the socket has, judge it, send the verdicts.
 * @q:        the queue
 * @fn:       called once per packet, in queue order
 * @arg:      passed to @fn
 * @nonblock: do not wait for the first packet
 *
 * Reads packets (waiting for the first unless @nonblock, never for the
 * next ones) until none is ready or PKTQ_BATCH_MAX were handled, then
 * sends all their verdicts in one sendto(): consecutive ids that share a
 * verdict as one NFQNL_MSG_VERDICT_BATCH, others as single verdicts; a
 * packet accepted with a new payload (@mangle) always as a single
 * verdict, and the batch verdict before it ends below its id.
 *
 * Return: the number of packets handled, 0 when none was ready (also when
 * a receive timeout set on pktq_fd() expired), -1 on error with errno set
 * (EINTR when a signal interrupted the wait).  ENOBUFS is not an error:
 * the socket has NETLINK_NO_ENOBUFS set.  Verdicts for the packets
 * handled before an error are still sent.
 */
int pktq_process(struct pktq *q, pktq_handler fn, void *arg, bool nonblock);

/**
 * typedef pktq_settle - the last word on a batch's verdicts.
 * @verdicts: the verdict of each packet the handler judged in this batch,
 *            indexed by struct pktq_packet.slot; may be changed
 * @n:        how many
 * Called once per batch, after the last packet was judged and before any
 * of its verdicts is sent: a caller that defers work (a group commit of
 * the batch's pinholes) does it here and changes the verdicts of the
 * packets whose work failed.  May not call pktq functions on the queue.
 */
typedef void (*pktq_settle)(void *arg, enum pktq_verdict *verdicts,
			    unsigned int n);

/*
 * pktq_process_batch - pktq_process() with a settle callback (NULL: none)
 * run between judging the batch and sending its verdicts.
 */
int pktq_process_batch(struct pktq *q, pktq_handler fn, pktq_settle settle,
		       void *arg, bool nonblock);

#endif /* VOIPFW_PKTQ_H */
