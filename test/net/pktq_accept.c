// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pktq_accept - the minimal NFQUEUE consumer: accept everything.
 *
 *   pktq_accept [options] QUEUE
 *
 * The baseline of the packet-path benchmarks (pktq and nothing else) and
 * the consumer of test/net/pktq.sh.  Prints one line when the queue is
 * bound, one per packet with --verbose, and a final count on exit
 * (SIGINT, SIGTERM, or --count reached).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/if_ether.h>

#include "nfq/pktq.h"

/**
 * struct acc - what the handler counts and decides from.
 * @drop_every: drop every Nth packet (0: none)
 * @settle_every: the settle step (not the handler) drops every Nth
 *              packet: what voipfwd does when a batch's commit fails
 * @verbose:    one line per packet
 * @seen:       packets judged
 * @dropped:    of which dropped
 */
struct acc {
	unsigned long	drop_every;
	unsigned long	settle_every;
	bool		verbose;
	unsigned long	seen;
	unsigned long	dropped;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static enum pktq_verdict judge(void *arg, const struct pktq_packet *pkt)
{
	struct acc *a = arg;
	enum pktq_verdict v = PKTQ_ACCEPT;

	a->seen++;
	if (a->drop_every && a->seen % a->drop_every == 0) {
		v = PKTQ_DROP;
		a->dropped++;
	}
	if (a->verbose) {
		printf("id %u %s len %zu", pkt->id,
		       pkt->hw_proto == ETH_P_IPV6 ? "ipv6" :
		       pkt->hw_proto == ETH_P_IP ? "ipv4" : "other", pkt->len);
		if (pkt->orig_len != pkt->len)
			printf(" orig_len %zu", pkt->orig_len);
		if (pkt->mark)
			printf(" mark %u", pkt->mark);
		printf(" %s\n", v == PKTQ_ACCEPT ? "accept" : "drop");
	}
	return v;
}

/* The batch's last word: packet seen - n + i + 1 sits in slot i. */
static void settle(void *arg, enum pktq_verdict *verdicts, unsigned int n)
{
	struct acc *a = arg;
	unsigned int i;

	for (i = 0; i < n; i++)
		if ((a->seen - n + i + 1) % a->settle_every == 0 &&
		    verdicts[i] == PKTQ_ACCEPT) {
			verdicts[i] = PKTQ_DROP;
			a->dropped++;
		}
}

static const struct option options[] = {
	{ "count",	required_argument,	NULL, 'c' },
	{ "drop-every",	required_argument,	NULL, 'd' },
	{ "fail-open",	no_argument,		NULL, 'f' },
	{ "hold",	no_argument,		NULL, 'H' },
	{ "max-len",	required_argument,	NULL, 'm' },
	{ "rcvbuf",	required_argument,	NULL, 'r' },
	{ "settle-drop-every", required_argument, NULL, 's' },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static void usage(FILE *f)
{
	fputs("usage: pktq_accept [options] QUEUE\n"
	      "  -c, --count N        exit after N packets (at least: the\n"
	      "                       last batch is finished)\n"
	      "  -d, --drop-every K   drop every Kth packet\n"
	      "  -f, --fail-open      accept when the queue is full\n"
	      "  -H, --hold           bind, never read: the queue fills up\n"
	      "  -m, --max-len N      queue length\n"
	      "  -r, --rcvbuf BYTES   socket receive buffer\n"
	      "  -s, --settle-drop-every K\n"
	      "                       accept in the handler, then drop every\n"
	      "                       Kth packet in the batch's settle step\n"
	      "  -v, --verbose        one line per packet\n", f);
}

static bool parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return !errno && end != s && !*end && *s != '-' && *out <= max;
}

int main(int argc, char **argv)
{
	struct pktq_config cfg = { 0 };
	struct acc a = { 0 };
	unsigned long count = 0, batches = 0, v;
	struct timeval tick = { .tv_sec = 0, .tv_usec = 100000 };
	struct sigaction sa;
	struct pktq *q;
	bool hold = false;
	char err[256];
	int opt, n, status = 0;

	while ((opt = getopt_long(argc, argv, "c:d:fHm:r:s:vh", options,
				  NULL)) != -1) {
		switch (opt) {
		case 'c':
			if (!parse_ulong(optarg, ~0ul, &count))
				goto bad_arg;
			break;
		case 'd':
			if (!parse_ulong(optarg, ~0ul, &a.drop_every))
				goto bad_arg;
			break;
		case 'f':
			cfg.fail_open = true;
			break;
		case 'H':
			hold = true;
			break;
		case 'm':
			if (!parse_ulong(optarg, UINT32_MAX, &v))
				goto bad_arg;
			cfg.max_len = (uint32_t)v;
			break;
		case 'r':
			if (!parse_ulong(optarg, UINT32_MAX, &v))
				goto bad_arg;
			cfg.rcvbuf = (unsigned int)v;
			break;
		case 's':
			if (!parse_ulong(optarg, ~0ul, &a.settle_every) ||
			    !a.settle_every)
				goto bad_arg;
			break;
		case 'v':
			a.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1 || !parse_ulong(argv[optind], UINT16_MAX, &v)) {
		usage(stderr);
		return 2;
	}
	cfg.queue_num = (uint16_t)v;

	/* No SA_RESTART: a signal ends the wait in pktq_process(). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	q = pktq_open(&cfg, err, sizeof(err));
	if (!q) {
		fprintf(stderr, "pktq_accept: %s\n", err);
		return 1;
	}
	/*
	 * A signal landing between the stop check and recv() would leave
	 * us waiting for the next packet; a receive timeout bounds that.
	 */
	setsockopt(pktq_fd(q), SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof(tick));
	printf("pktq_accept: queue %u ready (gso %s, fail-open %s)\n",
	       cfg.queue_num, pktq_features(q) & PKTQ_F_GSO ? "on" : "off",
	       pktq_features(q) & PKTQ_F_FAIL_OPEN ? "on" : "off");

	while (!stop && hold)
		pause();
	while (!stop && (!count || a.seen < count)) {
		n = pktq_process_batch(q, judge, a.settle_every ? settle : NULL,
				       &a, false);
		if (n > 0) {
			batches++;
		} else if (n < 0 && errno != EINTR) {
			fprintf(stderr, "pktq_accept: %s\n", strerror(errno));
			status = 1;
			break;
		}
	}
	printf("pktq_accept: %lu packets, %lu accepted, %lu dropped, "
	       "%lu batches\n", a.seen, a.seen - a.dropped, a.dropped,
	       batches);
	pktq_close(q);
	return status;

bad_arg:
	fprintf(stderr, "pktq_accept: bad value '%s' for -%c\n", optarg, opt);
	return 2;
}
