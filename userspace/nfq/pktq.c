// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pktq.c - packets from NFQUEUE over one netlink socket.
 *
 * The kernel sends every queued packet as a datagram of its own, so a
 * batch is built across receives: pktq_process() reads until the socket
 * is empty (or the batch is full), judging each packet as it arrives, and
 * only then sends the batch's verdicts, after the caller's settle callback
 * had its last word on them.  Verdicts are run-length coded when they are
 * sent: a run of consecutive ids with one verdict becomes a single
 * NFQNL_MSG_VERDICT_BATCH ("every id up to this one").
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/netfilter.h>
#include <linux/netlink.h>

#include <libmnl/libmnl.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#include "pktq.h"

/* Ask for the most; the kernel clamps it to 0xffff less an nlattr. */
#define PKTQ_COPY_RANGE		0xffff

/*
 * Room for one packet message: the copy range plus the metadata
 * attributes (ids, interfaces, addresses, mark, time, VLAN, L2 header:
 * a few hundred bytes; no conntrack or security context is asked for).
 */
#define PKTQ_RX_LEN		(PKTQ_COPY_RANGE + 8192)

/* One verdict: nlmsghdr, nfgenmsg, NFQA_VERDICT_HDR. */
#define PKTQ_VERDICT_LEN	(MNL_ALIGN(sizeof(struct nlmsghdr)) +	\
				 MNL_ALIGN(sizeof(struct nfgenmsg)) +	\
				 MNL_ATTR_HDRLEN +			\
				 MNL_ALIGN(sizeof(struct nfqnl_msg_verdict_hdr)))

/* A single verdict carrying a packet of PKTQ_MANGLE_LEN bytes. */
#define PKTQ_MANGLED_LEN	(PKTQ_VERDICT_LEN + MNL_ATTR_HDRLEN +	\
				 MNL_ALIGN(PKTQ_MANGLE_LEN))

/* Worst case: every packet of a batch starts a new run; some carry a
 * packet. */
#define PKTQ_TX_LEN		(PKTQ_BATCH_MAX * PKTQ_VERDICT_LEN +	\
				 PKTQ_MANGLE_MAX * PKTQ_MANGLED_LEN)

/* The config flags pktq decides; any other flag keeps its value. */
#define PKTQ_CFG_MASK		(NFQA_CFG_F_GSO | NFQA_CFG_F_FAIL_OPEN)

/* Per packet, in the kernel's accounting, for the default rcvbuf. */
#define PKTQ_RCVBUF_PER_PKT	4096u
#define PKTQ_DEFAULT_QLEN	1024u	/* NFQNL_QMAX_DEFAULT */

/**
 * struct pktq - a bound queue.
 * @nl:          the netlink socket
 * @fd:          its descriptor
 * @portid:      its netlink port id
 * @seq:         last config request's sequence number
 * @queue_num:   the queue
 * @features:    enum pktq_feature bits the kernel accepted
 * @fallback:    NF_ACCEPT or NF_DROP: the verdict for packets no handler
 *               can judge (cfg->fail_open)
 * @n:           packets judged in this batch (@id, @verdict)
 * @unsent:      packets whose verdicts are coded in @tx but not yet sent
 *               (a failed send; they go out with the next batch)
 * @id:          their packet ids, in queue order
 * @verdict:     their verdicts (enum pktq_verdict)
 * @mangled:     per packet, 1 + its slot in @mangle (0: none)
 * @n_mangled:   slots of @mangle used in this batch
 * @tx_mangled:  verdicts with a payload coded in @tx but not yet sent
 * @mangle_len:  length of each slot's packet
 * @mangle:      new payloads handlers built, until the batch is coded
 * @tx_used:     bytes of verdict messages in @tx
 * @tx:          the verdict buffer
 * @rx_len:      size of @rx
 * @rx:          the receive buffer: one packet message
 */
struct pktq {
	struct mnl_socket	*nl;
	int			fd;
	uint32_t		portid;
	uint32_t		seq;
	uint16_t		queue_num;
	unsigned int		features;
	uint32_t		fallback;
	unsigned int		n;
	unsigned int		unsent;
	uint32_t		id[PKTQ_BATCH_MAX];
	enum pktq_verdict	verdict[PKTQ_BATCH_MAX];
	uint8_t			mangled[PKTQ_BATCH_MAX];
	unsigned int		n_mangled;
	unsigned int		tx_mangled;
	size_t			mangle_len[PKTQ_MANGLE_MAX];
	uint8_t			mangle[PKTQ_MANGLE_MAX][PKTQ_MANGLE_LEN];
	size_t			tx_used;
	char			tx[PKTQ_TX_LEN] __attribute__((aligned(8)));
	size_t			rx_len;
	char			rx[] __attribute__((aligned(8)));
};

/**
 * struct pktq_run - one pass over received messages.
 * @q:       the queue
 * @fn:      the handler; NULL while binding (fallback verdicts)
 * @arg:     its argument
 * @handled: packets given a verdict
 */
struct pktq_run {
	struct pktq	*q;
	pktq_handler	fn;
	void		*arg;
	int		handled;
};

/* "what: strerror(errno)" into @err; errno survives. */
static void __attribute__((format(printf, 3, 4)))
pktq_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	int n;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	n = vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < errlen)
		snprintf(err + n, errlen - (size_t)n, ": %s", strerror(saved));
	errno = saved;
}

/* Append one verdict message for a run ending at @last to @tx. */
static void pktq_put_run(struct pktq *q, unsigned int len, uint32_t last,
			 enum pktq_verdict verdict)
{
	struct nlmsghdr *nlh;
	int type;

	type = len > 1 ? NFQNL_MSG_VERDICT_BATCH : NFQNL_MSG_VERDICT;
	nlh = nfq_nlmsg_put(q->tx + q->tx_used, type, q->queue_num);
	nfq_nlmsg_verdict_put(nlh, (int)last,
			      verdict == PKTQ_ACCEPT ? NF_ACCEPT : NF_DROP);
	q->tx_used += nlh->nlmsg_len;
}

/*
 * Append a single accept verdict for @id that carries @len bytes of @pkt
 * as the packet's new content (NFQA_PAYLOAD: the kernel replaces the
 * packet, nfqnl_mangle(), and leaves its checksums to us).
 */
static void pktq_put_mangled(struct pktq *q, uint32_t id, const uint8_t *pkt,
			     size_t len)
{
	struct nlmsghdr *nlh;

	nlh = nfq_nlmsg_put(q->tx + q->tx_used, NFQNL_MSG_VERDICT, q->queue_num);
	nfq_nlmsg_verdict_put(nlh, (int)id, NF_ACCEPT);
	nfq_nlmsg_verdict_put_pkt(nlh, pkt, (uint32_t)len);
	q->tx_used += nlh->nlmsg_len;
}

/*
 * Code the batch's verdicts into @tx.  A batch verdict settles every
 * queued id up to its own.  Ids arrive in queue order and each is judged
 * before the batch goes out, so every queued id below a run's last has
 * been judged already: grouping is safe.  Runs grow only by the next id;
 * a gap means the kernel failed to deliver that packet (and so never
 * queued it) or, short of a kernel bug, a message without a packet header.
 * A packet accepted with a new payload ends the run before it (whose
 * batch verdict would otherwise take it without its payload) and gets
 * its own verdict; the kernel has reinjected it before any later batch
 * verdict of the same sendto() is read.
 */
static void pktq_encode(struct pktq *q)
{
	unsigned int i, len = 0;

	for (i = 0; i < q->n; i++) {
		if (q->mangled[i] && q->verdict[i] == PKTQ_ACCEPT) {
			unsigned int m = q->mangled[i] - 1u;

			if (len)
				pktq_put_run(q, len, q->id[i - 1],
					     q->verdict[i - 1]);
			len = 0;
			pktq_put_mangled(q, q->id[i], q->mangle[m],
					 q->mangle_len[m]);
			q->tx_mangled++;
			continue;
		}
		if (len && (q->verdict[i] != q->verdict[i - 1] ||
			    q->id[i] != q->id[i - 1] + 1)) {
			pktq_put_run(q, len, q->id[i - 1], q->verdict[i - 1]);
			len = 0;
		}
		len++;
	}
	if (len)
		pktq_put_run(q, len, q->id[q->n - 1], q->verdict[q->n - 1]);
	q->unsent += q->n;
	q->n = 0;
	q->n_mangled = 0;
}

/* Room for one more verdict in this batch, and a mangle slot for it? */
static bool pktq_batch_room(const struct pktq *q)
{
	return q->n + q->unsent < PKTQ_BATCH_MAX &&
	       q->n_mangled + q->tx_mangled < PKTQ_MANGLE_MAX;
}

/*
 * Send the batch's verdicts in one datagram; the kernel handles its
 * messages in order within the sendto() call.  A verdict the kernel
 * refuses comes back later as an NLMSG_ERROR.  When the send fails the
 * verdicts stay in @tx and go out with the next batch: a verdict is never
 * forgotten while the queue is open.
 */
static int pktq_flush(struct pktq *q)
{
	pktq_encode(q);
	if (!q->tx_used)
		return 0;
	if (mnl_socket_sendto(q->nl, q->tx, q->tx_used) < 0)
		return -1;
	q->tx_used = 0;
	q->unsent = 0;
	q->tx_mangled = 0;
	return 0;
}

static int pktq_packet_cb(const struct nlmsghdr *nlh, void *data)
{
	struct pktq_run *run = data;
	struct pktq *q = run->q;
	struct nlattr *attr[NFQA_MAX + 1] = { NULL };
	const struct nfqnl_msg_packet_hdr *ph;
	struct pktq_packet pkt;
	enum pktq_verdict verdict;
	size_t mangle_len = 0;
	bool parsed;

	if (NFNL_MSG_TYPE(nlh->nlmsg_type) != NFQNL_MSG_PACKET)
		return MNL_CB_OK;

	/*
	 * A malformed attribute stops the parse, but keeps the attributes
	 * before it; the packet header is the first, so the packet can
	 * still be given a verdict.  Without it there is no id to answer.
	 */
	parsed = nfq_nlmsg_parse(nlh, attr) >= 0;
	if (!attr[NFQA_PACKET_HDR])
		return MNL_CB_OK;
	ph = mnl_attr_get_payload(attr[NFQA_PACKET_HDR]);

	if (!run->fn || !parsed || !attr[NFQA_PAYLOAD]) {
		/*
		 * Packets queued while binding (no handler yet, maybe no
		 * payload: the copy mode is set just after the bind), or
		 * that arrived malformed: nothing can judge them, so the
		 * operator's fail-open choice decides, as for a full queue.
		 */
		verdict = q->fallback == NF_ACCEPT ? PKTQ_ACCEPT : PKTQ_DROP;
	} else {
		pkt.slot = q->n;
		pkt.id = ntohl(ph->packet_id);
		pkt.hw_proto = ntohs(ph->hw_protocol);
		pkt.data = mnl_attr_get_payload(attr[NFQA_PAYLOAD]);
		pkt.len = mnl_attr_get_payload_len(attr[NFQA_PAYLOAD]);
		pkt.mark = attr[NFQA_MARK] ?
			   ntohl(mnl_attr_get_u32(attr[NFQA_MARK])) : 0;
		pkt.orig_len = pkt.len;
		pkt.indev = attr[NFQA_IFINDEX_INDEV] ?
			    ntohl(mnl_attr_get_u32(attr[NFQA_IFINDEX_INDEV])) : 0;
		pkt.outdev = attr[NFQA_IFINDEX_OUTDEV] ?
			     ntohl(mnl_attr_get_u32(attr[NFQA_IFINDEX_OUTDEV])) : 0;
		if (attr[NFQA_CAP_LEN] &&
		    ntohl(mnl_attr_get_u32(attr[NFQA_CAP_LEN])) > pkt.len)
			pkt.orig_len = ntohl(mnl_attr_get_u32(attr[NFQA_CAP_LEN]));
		/* Hooks where the skb has no protocol yet: IP says which. */
		if (!pkt.hw_proto && pkt.len)
			pkt.hw_proto = (pkt.data[0] >> 4) == 6 ?
				       ETH_P_IPV6 : ETH_P_IP;
		/* batch_room() kept a slot free for this packet */
		pkt.mangle = q->mangle[q->n_mangled];
		pkt.mangle_len = &mangle_len;
		/* Anything but an explicit accept drops: fail closed. */
		verdict = run->fn(run->arg, &pkt) == PKTQ_ACCEPT ?
			  PKTQ_ACCEPT : PKTQ_DROP;
	}
	q->mangled[q->n] = 0;
	if (verdict == PKTQ_ACCEPT && mangle_len &&
	    mangle_len <= PKTQ_MANGLE_LEN) {
		q->mangle_len[q->n_mangled] = mangle_len;
		q->mangled[q->n] = (uint8_t)(++q->n_mangled);
	}
	q->id[q->n] = ntohl(ph->packet_id);
	q->verdict[q->n] = verdict;
	q->n++;
	run->handled++;
	return MNL_CB_OK;
}

/*
 * One datagram into @rx.  A message larger than @rx cannot come with the
 * attributes pktq asks for, but a future kernel could add some: keep the
 * part that fits, so the packet header (first attribute) still yields an
 * id and the packet a verdict rather than a place in the queue forever.
 */
static ssize_t pktq_recv(struct pktq *q, int flags)
{
	ssize_t n = recv(q->fd, q->rx, q->rx_len, flags | MSG_TRUNC);

	if (n > (ssize_t)q->rx_len) {
		((struct nlmsghdr *)q->rx)->nlmsg_len = (uint32_t)q->rx_len;
		n = (ssize_t)q->rx_len;
	}
	return n;
}

int pktq_process(struct pktq *q, pktq_handler fn, void *arg, bool nonblock)
{
	return pktq_process_batch(q, fn, NULL, arg, nonblock);
}

int pktq_process_batch(struct pktq *q, pktq_handler fn, pktq_settle settle,
		       void *arg, bool nonblock)
{
	struct pktq_run run = { .q = q, .fn = fn, .arg = arg };
	int flags = nonblock ? MSG_DONTWAIT : 0;
	int err = 0;
	ssize_t n;

	while (pktq_batch_room(q)) {
		n = pktq_recv(q, flags);
		if (n < 0) {
			/* NO_ENOBUFS is set; should one come, go on. */
			if (errno == ENOBUFS)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				err = errno;
			break;
		}
		flags = MSG_DONTWAIT;
		/*
		 * Packets and the errors of refused verdicts (NLMSG_ERROR:
		 * mnl_cb_run() fails with the kernel's errno).
		 */
		if (mnl_cb_run(q->rx, (size_t)n, 0, 0, pktq_packet_cb,
			       &run) < 0) {
			err = errno;
			break;
		}
	}
	if (settle && q->n)
		settle(arg, q->verdict, q->n);
	if (pktq_flush(q) < 0 && !err)
		err = errno;
	if (err) {
		errno = err;
		return -1;
	}
	return run.handled;
}

/*
 * Bind and configure the queue in one request, so that it is never bound
 * in another mode than ours for longer than the kernel's own handling of
 * the request, and wait for the acknowledgement.
 */
static int pktq_config(struct pktq *q, const struct pktq_config *cfg,
		       uint32_t flags)
{
	struct pktq_run run = { .q = q };
	/* zeroed: libmnl 1.0.4 leaves attribute padding as it finds it */
	char buf[256] __attribute__((aligned(8))) = { 0 };
	struct nlmsghdr *nlh;
	int ret, saved;
	ssize_t n;

	nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, q->queue_num);
	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++q->seq;
	/* The family is ignored by BIND (PF_BIND is a no-op since 3.8). */
	nfq_nlmsg_cfg_put_cmd(nlh, AF_UNSPEC, NFQNL_CFG_CMD_BIND);
	nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET, PKTQ_COPY_RANGE);
	if (cfg->max_len)
		nfq_nlmsg_cfg_put_qmaxlen(nlh, cfg->max_len);
	mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(flags));
	mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(PKTQ_CFG_MASK));
	if (mnl_socket_sendto(q->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;

	/*
	 * The kernel handles the request inside sendto(), so its answer is
	 * queued by now; never wait.  Packets the queue took in the
	 * meantime come first and get the fallback verdict.
	 */
	for (;;) {
		if (!pktq_batch_room(q) && pktq_flush(q) < 0)
			return -1;
		n = pktq_recv(q, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				errno = ETIMEDOUT;	/* no answer */
			ret = -1;
			break;
		}
		ret = mnl_cb_run(q->rx, (size_t)n, q->seq, q->portid,
				 pktq_packet_cb, &run);
		if (ret <= MNL_CB_STOP)
			break;
	}
	saved = errno;
	if (pktq_flush(q) < 0)
		return -1;
	errno = saved;
	return ret < 0 ? -1 : 0;
}

/*
 * GSO first.  A kernel that does not know a flag refuses the whole
 * request with EOPNOTSUPP before it binds anything, so ask again without
 * GSO; fail-open, when asked for, is not optional.
 */
static int pktq_bind(struct pktq *q, const struct pktq_config *cfg,
		     char *err, size_t errlen)
{
	uint32_t flags = cfg->fail_open ? NFQA_CFG_F_FAIL_OPEN : 0;

	if (pktq_config(q, cfg, flags | NFQA_CFG_F_GSO) == 0) {
		q->features |= PKTQ_F_GSO;
	} else if (errno != EOPNOTSUPP || pktq_config(q, cfg, flags) < 0) {
		/* The kernel says EPERM for both; nothing tells them apart. */
		if (errno == EPERM)
			pktq_seterr(err, errlen,
				    "bind queue %u (bound by another socket, "
				    "or no CAP_NET_ADMIN)", cfg->queue_num);
		else if (errno == EOPNOTSUPP)
			pktq_seterr(err, errlen,
				    "bind queue %u with fail-open",
				    cfg->queue_num);
		else
			pktq_seterr(err, errlen, "bind queue %u",
				    cfg->queue_num);
		return -1;
	}
	if (cfg->fail_open)
		q->features |= PKTQ_F_FAIL_OPEN;
	return 0;
}

/*
 * SO_RCVBUFFORCE passes rmem_max but needs CAP_NET_ADMIN in the initial
 * user namespace; in a container, take what SO_RCVBUF gives.
 */
static int pktq_set_rcvbuf(int fd, const struct pktq_config *cfg)
{
	unsigned long size = cfg->rcvbuf;
	int val;

	if (!size)
		size = (unsigned long)(cfg->max_len ? cfg->max_len :
				       PKTQ_DEFAULT_QLEN) * PKTQ_RCVBUF_PER_PKT;
	val = size > INT_MAX / 2 ? INT_MAX / 2 : (int)size;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &val, sizeof(val)) == 0)
		return 0;
	return setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &val, sizeof(val));
}

struct pktq *pktq_open(const struct pktq_config *cfg, char *err,
		       size_t errlen)
{
	struct pktq *q;
	int one = 1;
	int saved;

	q = calloc(1, sizeof(*q) + PKTQ_RX_LEN);
	if (!q) {
		pktq_seterr(err, errlen, "allocate the queue buffers");
		return NULL;
	}
	q->rx_len = PKTQ_RX_LEN;
	q->queue_num = cfg->queue_num;
	q->fallback = cfg->fail_open ? NF_ACCEPT : NF_DROP;

	q->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!q->nl) {
		pktq_seterr(err, errlen, "open netlink socket");
		goto err_free;
	}
	if (mnl_socket_bind(q->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		pktq_seterr(err, errlen, "bind netlink socket");
		goto err_close;
	}
	q->fd = mnl_socket_get_fd(q->nl);
	q->portid = mnl_socket_get_portid(q->nl);

	if (pktq_set_rcvbuf(q->fd, cfg) < 0) {
		pktq_seterr(err, errlen, "set receive buffer");
		goto err_close;
	}
	/*
	 * A full socket buffer costs packets (the kernel drops them, or
	 * accepts them with fail-open); ENOBUFS would only tell us so.
	 */
	if (mnl_socket_setsockopt(q->nl, NETLINK_NO_ENOBUFS, &one,
				  sizeof(one)) < 0) {
		pktq_seterr(err, errlen, "set NETLINK_NO_ENOBUFS");
		goto err_close;
	}
	if (pktq_bind(q, cfg, err, errlen) < 0)
		goto err_close;
	return q;

err_close:
	saved = errno;
	mnl_socket_close(q->nl);
	errno = saved;
err_free:
	free(q);
	return NULL;
}

void pktq_close(struct pktq *q)
{
	if (!q)
		return;
	mnl_socket_close(q->nl);
	free(q);
}

int pktq_fd(const struct pktq *q)
{
	return q->fd;
}

unsigned int pktq_features(const struct pktq *q)
{
	return q->features;
}
