// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfwbench - the hands of test/bench/engine.sh (make bench).
 *
 *   vfwbench send-sip [-r RATE] [-c FIRST] SECONDS DST MODE SRC...
 *                                          UDP SIP: MODE calls: call flows
 *                                          (INVITE, 200, ACK, BYE, 200 of
 *                                          distinct calls), call i from
 *                                          SRC[i % n]; MODE options: OPTIONS
 *                                          pings (distinct Call-IDs); sendmmsg;
 *                                          -r: at most RATE messages/s (paced
 *                                          per batch), else as fast as it can;
 *                                          -c: call numbers (so SDP addresses
 *                                          and ports) from FIRST, so that two
 *                                          senders do not send the same media
 *   vfwbench send-rtp SECONDS SRC DST PORT NPORTS
 *                                          RTP (version 2, 172 bytes) to
 *                                          DST:PORT..PORT+NPORTS-1, sendmmsg
 *   vfwbench pinholes N PEER DST PORT      install table inet voipfw (media
 *                                          10000-20000) and N pinholes
 *                                          DST:PORT+i from PEER, one commit
 *   vfwbench install-vs-nft N TRIALS       nfttab batch vs "nft -f" for the
 *                                          same N elements (own netns!)
 *   vfwbench latency N                     engine_message with the nfttab
 *                                          backend: time of each 200 OK
 *   vfwbench mkpcap N FILE                 N calls answered, never ended
 *   vfwbench engine-cost N BATCH           N call flows through the engine
 *                                          alone: no backend (userspace
 *                                          cost), then nfttab with a group
 *                                          commit every BATCH messages
 *                                          (own netns!); ns per message
 *   vfwbench engine-cost N BATCH SCANNERS  and then the engine without
 *                                          and with the zones' SIP policy
 *                                          in full (best of 3 each)
 *
 * Senders print "sent N"; the others print "key value" lines the script
 * reads.  The netlink commands change the current netns's table inet
 * voipfw: engine.sh runs them in namespaces it creates.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/engine.h"
#include "nft/nfttab.h"

#define BATCH	64

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "vfwbench: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* ---- SIP messages -------------------------------------------------------- */

/*
 * Message @k (0..4: INVITE, 200, ACK, BYE, 200; 5: OPTIONS) of call @i between
 * @caller (who sends the requests) and @dst (the callee); returns its
 * length.
 */
static int sip_msg(char *buf, size_t room, unsigned long i, int k,
		   const char *caller, const char *dst)
{
	char body[512], hdr[1024];
	const char *first, *to_tag = ";tag=tt", *method;
	char line[128];
	unsigned int cseq = 1, blen = 0;
	unsigned int a = (unsigned int)(i & 0xfffff);
	unsigned int port = 10000 + 2 * (unsigned int)(i % 4000);
	bool sdp = false, caller_sdp = false;

	switch (k) {
	case 0:
		snprintf(line, sizeof(line), "INVITE sip:2001@%s SIP/2.0", dst);
		first = line, method = "INVITE", to_tag = "";
		sdp = caller_sdp = true;
		break;
	case 1:
		first = "SIP/2.0 200 OK", method = "INVITE", sdp = true;
		break;
	case 2:
		snprintf(line, sizeof(line), "ACK sip:2001@%s SIP/2.0", dst);
		first = line, method = "ACK";
		break;
	case 3:
		snprintf(line, sizeof(line), "BYE sip:2001@%s SIP/2.0", dst);
		first = line, method = "BYE", cseq = 2;
		break;
	case 4:
		first = "SIP/2.0 200 OK", method = "BYE", cseq = 2;
		break;
	default:
		snprintf(line, sizeof(line), "OPTIONS sip:2001@%s SIP/2.0", dst);
		first = line, method = "OPTIONS", to_tag = "";
		break;
	}
	if (sdp) {
		char addr[32];

		snprintf(addr, sizeof(addr), "10.%u.%u.%u",
			 (caller_sdp ? 20 : 40) + (a >> 16), (a >> 8) & 255,
			 a & 255);
		blen = (unsigned int)snprintf(body, sizeof(body),
			"v=0\r\no=- %lu 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\n"
			"t=0 0\r\nm=audio %u RTP/AVP 0 8 101\r\n"
			"a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
			"a=rtpmap:101 telephone-event/8000\r\n"
			"a=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n",
			i, addr, addr, port);
	}
	snprintf(hdr, sizeof(hdr),
		 "%s\r\n"
		 "Via: SIP/2.0/UDP %s:5060;branch=z9hG4bK%lx.%d\r\n"
		 "Max-Forwards: 70\r\n"
		 "From: \"Alice\" <sip:1001@pbx.example.com>;tag=ft%lx\r\n"
		 "To: <sip:2001@pbx.example.com>%s%s\r\n"
		 "Call-ID: %lx-bench@%s\r\n"
		 "CSeq: %u %s\r\n"
		 "Contact: <sip:1001@%s:5060>\r\n"
		 "User-Agent: vfwbench/1\r\n"
		 "%s"
		 "Content-Length: %u\r\n\r\n",
		 first, caller, i, k >= 3 ? 3 : 1, i, to_tag,
		 "", i, caller, cseq, method,
		 k == 1 || k == 4 ? dst : caller,
		 sdp ? "Content-Type: application/sdp\r\n" : "", blen);
	return snprintf(buf, room, "%s%s", hdr, sdp ? body : "");
}

static int sock_to(const char *src, struct sockaddr_in *sa)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1;
	struct sockaddr_in b = { .sin_family = AF_INET, .sin_port = htons(5060) };

	if (fd < 0 || inet_pton(AF_INET, src, &b.sin_addr) != 1)
		die("socket %s", src);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&b, sizeof(b)) < 0)
		die("bind %s: %s", src, strerror(errno));
	if (connect(fd, (struct sockaddr *)sa, sizeof(*sa)) < 0)
		die("connect: %s", strerror(errno));
	return fd;
}

static int send_sip(int argc, char **argv)
{
	double start, end, dur, rate = 0;
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(5060) };
	int fds[64], nsrc, s, options;
	unsigned long call = 0, sent = 0, first = 0;
	static char buf[BATCH][1400];
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];

	while (argc > 2 && (!strcmp(argv[1], "-r") || !strcmp(argv[1], "-c"))) {
		if (!strcmp(argv[1], "-c")) {
			first = strtoul(argv[2], NULL, 10);
		} else {
			rate = atof(argv[2]);
			if (rate <= 0)
				die("send-sip: -r %s: a rate above 0", argv[2]);
		}
		argc -= 2, argv += 2;
	}
	if (argc < 5)
		die("send-sip [-r RATE] [-c FIRST] SECONDS DST calls|options SRC...");
	dur = atof(argv[1]);
	if (inet_pton(AF_INET, argv[2], &dst.sin_addr) != 1)
		die("bad dst");
	options = !strcmp(argv[3], "options");
	argc--, argv++;
	nsrc = argc - 3 > 64 ? 64 : argc - 3;
	for (s = 0; s < nsrc; s++)
		fds[s] = sock_to(argv[3 + s], &dst);
	start = now_s();
	end = start + dur;
	while (now_s() < end) {
		/* a batch: BATCH/5 calls' five messages, one source each;
		 * sendmmsg per source */
		for (s = 0; s < nsrc && now_s() < end; s++) {
			int n = 0, k, j, r;

			for (j = 0; j < BATCH / 5; j++, call++) {
				unsigned long c = first +
					call * (unsigned long)nsrc + (unsigned long)s;

				for (k = 0; k < 5; k++, n++) {
					iov[n].iov_base = buf[n];
					iov[n].iov_len = (size_t)sip_msg(buf[n],
						sizeof(buf[n]), c, options ? 5 : k,
						argv[3 + s],
						argv[2]);
					memset(&mm[n].msg_hdr, 0, sizeof(mm[n].msg_hdr));
					mm[n].msg_hdr.msg_iov = &iov[n];
					mm[n].msg_hdr.msg_iovlen = 1;
				}
			}
			for (j = 0; j < n; j += r) {
				r = sendmmsg(fds[s], mm + j, (unsigned int)(n - j), 0);
				if (r <= 0) {
					if (errno != ENOBUFS && errno != EAGAIN &&
					    errno != ECONNREFUSED)
						die("sendmmsg: %s", strerror(errno));
					r = 1;	/* lost */
					continue;
				}
				sent += (unsigned long)r;
			}
			/* paced: ahead of RATE, wait until on time */
			if (rate > 0) {
				double ahead = (double)sent / rate -
					       (now_s() - start);

				if (ahead > 0) {
					struct timespec ts = {
						(time_t)ahead,
						(long)((ahead - (double)(time_t)ahead) * 1e9) };

					nanosleep(&ts, NULL);
				}
			}
		}
	}
	printf("sent %lu calls %lu\n", sent, call * (unsigned long)nsrc);
	return 0;
}

/* ---- RTP ----------------------------------------------------------------- */

static int send_rtp(int argc, char **argv)
{
	struct sockaddr_in src = { .sin_family = AF_INET, .sin_port = htons(40000) };
	static struct sockaddr_in to[BATCH];
	static unsigned char pkt[BATCH][172];
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	unsigned long sent = 0, seq = 0;
	unsigned int port, nports, p = 0;
	double end;
	int fd, j, r;

	if (argc != 6)
		die("send-rtp SECONDS SRC DST PORT NPORTS");
	end = now_s() + atof(argv[1]);
	port = (unsigned int)atoi(argv[4]);
	nports = (unsigned int)atoi(argv[5]);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || inet_pton(AF_INET, argv[2], &src.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0)
		die("bind %s: %s", argv[2], strerror(errno));
	for (j = 0; j < BATCH; j++) {
		to[j].sin_family = AF_INET;
		if (inet_pton(AF_INET, argv[3], &to[j].sin_addr) != 1)
			die("bad dst");
		memset(pkt[j], 0xff, sizeof(pkt[j]));
		pkt[j][0] = 0x80;	/* V=2 */
		pkt[j][1] = 0;		/* PT 0 */
		iov[j].iov_base = pkt[j];
		iov[j].iov_len = sizeof(pkt[j]);
	}
	while (now_s() < end) {
		for (j = 0; j < BATCH; j++, seq++) {
			to[j].sin_port = htons((uint16_t)(port + p));
			p = (p + 1) % nports;
			pkt[j][2] = (unsigned char)(seq >> 8);
			pkt[j][3] = (unsigned char)seq;
			memset(&mm[j].msg_hdr, 0, sizeof(mm[j].msg_hdr));
			mm[j].msg_hdr.msg_name = &to[j];
			mm[j].msg_hdr.msg_namelen = sizeof(to[j]);
			mm[j].msg_hdr.msg_iov = &iov[j];
			mm[j].msg_hdr.msg_iovlen = 1;
		}
		r = sendmmsg(fd, mm, BATCH, 0);
		if (r > 0)
			sent += (unsigned long)r;
		else if (errno != ENOBUFS && errno != EAGAIN && errno != EPERM)
			die("sendmmsg: %s", strerror(errno));
	}
	printf("sent %lu\n", sent);
	return 0;
}

/* ---- table and pinholes -------------------------------------------------- */

static void table_config(struct nfttab_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->sip_ports[0] = 5060;
	cfg->n_sip_ports = 1;
	cfg->queue_path = NFTTAB_QUEUE_AUTO;
	cfg->media_port_min = 10000;
	cfg->media_port_max = 20000;
	cfg->pinhole_timeout_s = 300;
}

static struct nfttab *table_open(void)
{
	struct nfttab_config cfg;
	char err[256];
	struct nfttab *t = nfttab_open(err, sizeof(err));

	if (!t)
		die("nfttab_open: %s", err);
	table_config(&cfg);
	if (nfttab_install(t, &cfg, err, sizeof(err)))
		die("nfttab_install: %s", err);
	return t;
}

static void mk_pinhole(struct pinhole *ph, const char *dst, unsigned int port,
		       const char *peer, unsigned long call)
{
	char id[64];
	size_t n;

	memset(ph, 0, sizeof(*ph));
	ph->family = 4;
	inet_pton(AF_INET, dst, ph->daddr);
	ph->dport = (uint16_t)port;
	ph->has_peer = true;
	inet_pton(AF_INET, peer, ph->saddr);
	n = (size_t)snprintf(id, sizeof(id), "%lx-bench@%s", call, peer);
	memcpy(ph->tag.call_id, id, n);
	ph->tag.call_id_len = (uint8_t)n;
	ph->tag.call_id_full_len = (uint8_t)n;
	ph->tag.call_id_hash = call * 0x9e3779b97f4a7c15ULL;
	ph->tag.rtcp = port & 1;
}

static int add_pinholes(struct nfttab *t, unsigned long n, const char *peer,
			const char *dst, unsigned int port)
{
	const struct pinhole_backend_ops *ops = &nfttab_pinhole_ops;
	struct pinhole ph;
	unsigned long i;

	for (i = 0; i < n; i++) {
		mk_pinhole(&ph, dst, port + (unsigned int)i, peer, i / 2);
		if (ops->add(t, &ph))
			return -1;
	}
	return ops->commit(t);
}

static int pinholes(int argc, char **argv)
{
	struct nfttab *t;
	unsigned long n;
	double t0;

	if (argc != 5)
		die("pinholes N PEER DST PORT");
	n = strtoul(argv[1], NULL, 10);
	t = table_open();
	t0 = now_s();
	if (add_pinholes(t, n, argv[2], argv[3], (unsigned int)atoi(argv[4])))
		die("commit: %s", nfttab_error(t));
	printf("installed %lu %.3f\n", n, now_s() - t0);
	nfttab_close(t);
	return 0;
}

static double run_nft(const char *file)
{
	double t0 = now_s();
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		execlp("nft", "nft", "-f", file, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
	    WEXITSTATUS(st))
		die("nft -f %s failed", file);
	return now_s() - t0;
}

static int install_vs_nft(int argc, char **argv)
{
	unsigned long n, i;
	int trials, k;
	double best_lib = 1e9, best_nft = 1e9, d;
	char file[] = "/tmp/vfwbench-nft.XXXXXX", err[256];
	struct nfttab *t;
	FILE *f;
	int fd;

	if (argc != 3)
		die("install-vs-nft N TRIALS");
	n = strtoul(argv[1], NULL, 10);
	trials = atoi(argv[2]);
	fd = mkstemp(file);
	if (fd < 0 || !(f = fdopen(fd, "w")))
		die("mkstemp");
	/* the same elements, with the comment nft would show for ours */
	fprintf(f, "add element inet voipfw pinhole4_peer {\n");
	for (i = 0; i < n; i++)
		fprintf(f, "%s 10.10.2.2 . %lu . 10.10.1.2 timeout 300s "
			"comment \"%lx-bench@10.10.1.2\"\n", i ? "," : "",
			10000 + i, i / 2);
	fprintf(f, "}\n");
	fclose(f);
	for (k = 0; k < trials; k++) {
		/* fresh table each time: empty sets */
		t = nfttab_open(err, sizeof(err));
		if (!t)
			die("nfttab_open: %s", err);
		nfttab_remove(t, err, sizeof(err));
		nfttab_close(t);
		t = table_open();
		d = now_s();
		if (add_pinholes(t, n, "10.10.1.2", "10.10.2.2", 10000))
			die("commit: %s", nfttab_error(t));
		d = now_s() - d;
		if (d < best_lib)
			best_lib = d;
		nfttab_remove(t, err, sizeof(err));
		nfttab_close(t);
		t = table_open();
		d = run_nft(file);
		if (d < best_nft)
			best_nft = d;
		nfttab_remove(t, err, sizeof(err));
		nfttab_close(t);
	}
	unlink(file);
	printf("nfttab_s %.4f\nnft_s %.4f\n", best_lib, best_nft);
	return 0;
}

/* ---- latency: answer to live pinholes ------------------------------------ */

static void quiet_log(void *arg, int prio, const char *fmt, ...)
{
	(void)arg, (void)prio, (void)fmt;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int latency(int argc, char **argv)
{
	struct nfttab *t;
	struct pinhole_backend be = { &nfttab_pinhole_ops, NULL };
	struct engine_config cfg;
	struct engine *e;
	struct engine_verdict v;
	struct pkt_meta a = { .family = 4, .proto = IPPROTO_UDP,
			      .sport = 5060, .dport = 5060 }, b;
	static char buf[2048];
	unsigned long n, i, bad = 0, opened = 0;
	double *lat, t0;
	int k, len;
	struct timespec ts;

	if (argc != 2)
		die("latency N");
	n = strtoul(argv[1], NULL, 10);
	lat = calloc(n, sizeof(*lat));
	t = table_open();
	be.ctx = t;
	engine_config_defaults(&cfg);
	cfg.max_dialogs_per_source = cfg.max_dialogs;
	e = engine_new(&cfg, &be, quiet_log, NULL);
	if (!lat || !e)
		die("engine_new");
	inet_pton(AF_INET, "10.10.1.2", a.saddr);
	inet_pton(AF_INET, "10.10.2.2", a.daddr);
	b = a;
	memcpy(b.saddr, a.daddr, 16);
	memcpy(b.daddr, a.saddr, 16);
	for (i = 0; i < n; i++) {
		for (k = 0; k < 5; k++) {
			const struct pkt_meta *m = k == 1 || k == 4 ? &b : &a;
			uint64_t ms;

			len = sip_msg(buf, sizeof(buf), i, k, "10.10.1.2",
				      "10.10.2.2");
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
			t0 = now_s();
			engine_message(e, m, buf, (size_t)len, ms, &v);
			if (k == 1) {
				lat[i] = now_s() - t0;
				opened += v.opened;
				if (!v.accept || !v.opened)
					bad++;
			}
		}
	}
	qsort(lat, n, sizeof(*lat), cmp_d);
	printf("calls %lu\nopened %lu\nbad %lu\np50_us %.1f\np99_us %.1f\n"
	       "max_us %.1f\n", n, opened, bad, lat[n / 2] * 1e6,
	       lat[(n * 99) / 100] * 1e6, lat[n - 1] * 1e6);
	engine_free(e);
	nfttab_close(t);
	return 0;
}

/* ---- where a message's time goes --------------------------------------- */

static int null_op(void *ctx, const struct pinhole *ph)
{
	(void)ctx, (void)ph;
	return 0;
}

static int null_commit(void *ctx)
{
	(void)ctx;
	return 0;
}

static const struct pinhole_backend_ops null_ops = {
	.add = null_op, .del = null_op, .commit = null_commit,
};

/* ns per message of @n call flows, committing every @batch messages,
 * judged by @guard too when given */
static double flows_guarded(const struct pinhole_backend *be, unsigned long n,
			    unsigned int batch, unsigned long first,
			    struct guard *guard)
{
	struct pkt_meta a = { .family = 4, .proto = IPPROTO_UDP,
			      .sport = 5060, .dport = 5060 }, b;
	struct engine_config cfg;
	struct engine_verdict v;
	static char buf[2048];
	unsigned long i, msgs = 0;
	struct engine *e;
	double t0, t1;
	int k, len;

	engine_config_defaults(&cfg);
	cfg.max_dialogs_per_source = cfg.max_dialogs;
	cfg.group_commit = true;
	e = engine_new(&cfg, be, quiet_log, NULL);
	if (!e)
		die("engine_new");
	engine_set_guard(e, guard);
	inet_pton(AF_INET, "10.10.1.2", a.saddr);
	inet_pton(AF_INET, "10.10.2.2", a.daddr);
	b = a;
	memcpy(b.saddr, a.daddr, 16);
	memcpy(b.daddr, a.saddr, 16);
	t0 = now_s();
	for (i = first; i < first + n; i++) {
		for (k = 0; k < 5; k++) {
			len = sip_msg(buf, sizeof(buf), i, k, "10.10.1.2",
				      "10.10.2.2");
			engine_message(e, k == 1 || k == 4 ? &b : &a, buf,
				       (size_t)len, 1000000 + i, &v);
			if (!v.accept)
				die("message %d of call %lu dropped: %s", k, i,
				    engine_verdict_reason(&v));
			if (++msgs % batch == 0 && engine_commit(e))
				die("commit failed");
			/* the steps of closes, where voipfwd's worker
			 * takes them (nfttab.c, "closes the packet path
			 * undid") */
			if (be->ops == &nfttab_pinhole_ops &&
			    nfttab_pinhole_recheck_wait(be->ctx) == 0 &&
			    nfttab_pinhole_recheck(be->ctx) < 0)
				die("closing: %s", nfttab_error(be->ctx));
		}
	}
	if (engine_commit(e))
		die("commit failed");
	t1 = now_s();
	engine_free(e);
	if (be->ops == &nfttab_pinhole_ops) {
		struct nfttab_recheck_stats st;

		nfttab_pinhole_recheck_stats(be->ctx, &st);
		/* closes beyond 4096 in progress are plain deletes */
		printf("closes_followed %llu closes_overflow %llu\n",
		       (unsigned long long)st.checked,
		       (unsigned long long)st.overflow);
	}
	return (t1 - t0) * 1e9 / (double)msgs;
}

static double flows(const struct pinhole_backend *be, unsigned long n,
		    unsigned int batch, unsigned long first)
{
	return flows_guarded(be, n, batch, first, NULL);
}

/*
 * The zones' SIP policy in full for both ends of the flows: every check
 * runs (size, methods, scanners with the shipped list, countries through
 * a stand-in lookup, rate buckets, credentials, the detectors on answers)
 * with limits high enough that nothing is dropped, so both runs judge the
 * same messages the same way.
 */
static unsigned int no_ifindex(const char *name)
{
	(void)name;
	return 0;
}

static uint16_t some_country(void *arg, int family, const uint8_t *addr)
{
	(void)arg, (void)family;
	return addr[2] == 1 ? ('D' << 8 | 'E') : ('A' << 8 | 'T');
}

static struct guard *full_policy(const char *scanners_path)
{
	static const char conf[] =
		"zone phones { subnet 10.10.1.0/24; sip {\n"
		"  rate register 10000/s burst 4000; rate invite 10000/s burst 4000\n"
		"  rate options 10000/s burst 4000; rate other 10000/s burst 4000\n"
		"  methods INVITE ACK BYE CANCEL OPTIONS REGISTER\n"
		"  countries allow DE AT } }\n"
		"zone pbx { subnet 10.10.2.0/24; sip {\n"
		"  rate register 10000/s burst 4000; rate invite 10000/s burst 4000\n"
		"  rate options 10000/s burst 4000; rate other 10000/s burst 4000\n"
		"  countries allow DE AT } }\n";
	struct guard_geo geo = { some_country, NULL };
	struct siphash_key key = { 11, 12 };
	struct scanner_list sl;
	struct policy_error perr;
	struct policy *pol;
	struct guard *g;
	char *buf, err[256];
	size_t len;

	pol = policy_parse(conf, strlen(conf), "bench.conf", &perr);
	if (!pol)
		die("%s", perr.text);
	if (policy_read_file(scanners_path, &buf, &len))
		die("%s: %s", scanners_path, strerror(errno));
	if (scanner_list_parse(&sl, buf, len, scanners_path, err, sizeof(err)))
		die("%s", err);
	free(buf);
	g = guard_new(pol, &sl, no_ifindex, &geo, &key, err, sizeof(err));
	policy_free(pol);
	if (!g)
		die("guard: %s", err);
	return g;
}

static int engine_cost(int argc, char **argv)
{
	struct pinhole_backend nb = { &null_ops, NULL };
	struct pinhole_backend be = { &nfttab_pinhole_ops, NULL };
	unsigned long n;
	unsigned int batch;
	struct nfttab *t;
	double user, kern;

	if (argc != 3 && argc != 4)
		die("engine-cost N BATCH [SCANNERS-LIST]");
	n = strtoul(argv[1], NULL, 10);
	batch = (unsigned int)strtoul(argv[2], NULL, 10);
	if (!n || !batch)
		die("engine-cost N BATCH");
	/* building the messages is part of both: it is measured apart */
	{
		static char buf[2048];
		unsigned long i;
		double t0 = now_s();
		int k;

		for (i = 0; i < n; i++)
			for (k = 0; k < 5; k++)
				sip_msg(buf, sizeof(buf), i, k, "10.10.1.2",
					"10.10.2.2");
		printf("build_ns %.0f\n", (now_s() - t0) * 1e9 / (double)(n * 5));
	}
	user = flows(&nb, n, batch, 0);
	t = table_open();
	be.ctx = t;
	kern = flows(&be, n, batch, n);
	nfttab_close(t);
	printf("engine_ns %.0f\nengine_nfttab_ns %.0f\n", user, kern);
	if (argc > 3) {
		/*
		 * The zones' SIP policy in full against none: 9 rounds of a
		 * quarter of the flows each, alternating, the medians (a busy
		 * machine moves single runs by half; the pairs move together).
		 */
		enum { ROUNDS = 9 };
		double off[ROUNDS], on[ROUNDS];
		unsigned long q = n / 4 ? n / 4 : 1, base = 2 * n;
		struct guard *g = full_policy(argv[3]);
		int r;

		for (r = 0; r < ROUNDS; r++) {
			off[r] = flows(&nb, q, batch, base);
			base += q;
			on[r] = flows_guarded(&nb, q, batch, base, g);
			base += q;
		}
		guard_free(g);
		qsort(off, ROUNDS, sizeof(off[0]), cmp_d);
		qsort(on, ROUNDS, sizeof(on[0]), cmp_d);
		printf("policy_off_ns %.0f\npolicy_on_ns %.0f\n", off[ROUNDS / 2],
		       on[ROUNDS / 2]);
	}
	return 0;
}

/* ---- a capture of N answered calls --------------------------------------- */

static uint16_t ip_csum(const unsigned char *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void pcap_frame(FILE *f, uint32_t sec, uint32_t usec, uint32_t src,
		       uint32_t dst, const char *payload, int len)
{
	unsigned char h[42];
	uint32_t rec[4] = { sec, usec, (uint32_t)(42 + len), (uint32_t)(42 + len) };
	uint16_t c;

	memset(h, 0, sizeof(h));
	h[0] = 2, h[5] = 2, h[6] = 2, h[11] = 1;
	h[12] = 0x08;				/* IPv4 */
	h[14] = 0x45;
	h[16] = (unsigned char)((20 + 8 + len) >> 8);
	h[17] = (unsigned char)(20 + 8 + len);
	h[20] = 0x40;				/* DF */
	h[22] = 64, h[23] = 17;
	src = htonl(src), dst = htonl(dst);
	memcpy(h + 26, &src, 4);
	memcpy(h + 30, &dst, 4);
	c = ip_csum(h + 14, 20);
	h[24] = (unsigned char)(c >> 8), h[25] = (unsigned char)c;
	h[34] = 5060 >> 8, h[35] = 5060 & 255;	/* sport */
	h[36] = 5060 >> 8, h[37] = 5060 & 255;	/* dport */
	h[38] = (unsigned char)((8 + len) >> 8);
	h[39] = (unsigned char)(8 + len);	/* checksum 0: none (IPv4) */
	fwrite(rec, sizeof(rec), 1, f);
	fwrite(h, sizeof(h), 1, f);
	fwrite(payload, (size_t)len, 1, f);
}

static int mkpcap(int argc, char **argv)
{
	static const uint32_t ghdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };
	static char buf[2048];
	char src[32], dst[32];
	unsigned long n, i;
	uint64_t us = 0;
	FILE *f;
	int k, len;

	if (argc != 3)
		die("mkpcap N FILE");
	n = strtoul(argv[1], NULL, 10);
	f = fopen(argv[2], "wb");
	if (!f)
		die("%s: %s", argv[2], strerror(errno));
	fwrite(ghdr, sizeof(ghdr), 1, f);
	for (i = 0; i < n; i++) {
		/* caller 10.1.x.y (64k sources), callee 10.2.0.2..9 */
		uint32_t ca = 0x0a010000u | (uint32_t)(i & 0xffff);
		uint32_t cb = 0x0a020002u + (uint32_t)(i % 8);

		snprintf(src, sizeof(src), "10.1.%lu.%lu", (i >> 8) & 255, i & 255);
		snprintf(dst, sizeof(dst), "10.2.0.%lu", 2 + i % 8);
		for (k = 0; k < 3; k++) {	/* INVITE, 200, ACK */
			bool rev = k == 1;

			len = sip_msg(buf, sizeof(buf), i, k, src, dst);
			us += 5;	/* 100k calls in 1.5 s of capture time */
			pcap_frame(f, 1700000000u + (uint32_t)(us / 1000000),
				   (uint32_t)(us % 1000000), rev ? cb : ca,
				   rev ? ca : cb, buf, len);
		}
	}
	if (fclose(f))
		die("%s: write failed", argv[2]);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		die("usage: see the head of test/bench/engine/vfwbench.c");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "send-sip"))
		return send_sip(argc - 1, argv + 1);
	if (!strcmp(argv[1], "send-rtp"))
		return send_rtp(argc - 1, argv + 1);
	if (!strcmp(argv[1], "pinholes"))
		return pinholes(argc - 1, argv + 1);
	if (!strcmp(argv[1], "install-vs-nft"))
		return install_vs_nft(argc - 1, argv + 1);
	if (!strcmp(argv[1], "latency"))
		return latency(argc - 1, argv + 1);
	if (!strcmp(argv[1], "mkpcap"))
		return mkpcap(argc - 1, argv + 1);
	if (!strcmp(argv[1], "engine-cost"))
		return engine_cost(argc - 1, argv + 1);
	die("unknown command %s", argv[1]);
	return 2;
}
