// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * voipfwd - the voipfw daemon: SIP from NFQUEUE, calls followed, media
 * pinholes in the kernel.
 *
 * One thread per queue, each with its own engine: the queue rule balances
 * a range by a hash of the address pair (no CPU fanout), the same in both
 * directions, so all of a call's signalling between two hops reaches the
 * same thread and no call state is shared between threads.
 * The main thread serves the control socket and signals.
 */
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "ctlsock.h"
#include "engine/netpkt.h"
#include "kassist.h"
#include "detect/acctdb.h"
#include "engine/sipstream.h"
#include "nfq/pktq.h"
#include "nft/nfttab.h"
#include "replay.h"
#include "reputation.h"
#include "sippolicy.h"
#include "tollpolicy.h"
#include "voipfwd.h"

#define VOIPFWD_VERSION	"0.1"

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reload_requested;

static bool log_to_syslog;

void voipfwd_log(void *arg, int prio, const char *fmt, ...)
{
	va_list ap;

	(void)arg;
	va_start(ap, fmt);
	if (log_to_syslog) {
		vsyslog(prio, fmt, ap);
	} else {
		fprintf(stderr, "voipfwd: ");
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

uint64_t voipfwd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_requested = 1;
	else
		stop_requested = 1;
}

/* ---- the packet path --------------------------------------------------- */

/*
 * The packet in @slot carries pinhole changes that wait for the batch's
 * group commit (settle_batch).  A TCP segment can carry several messages:
 * one note is enough.
 */
static void note_pending(struct voipfwd_worker *w, unsigned int slot)
{
	if (!w->n_pending || w->pending[w->n_pending - 1] != slot)
		w->pending[w->n_pending++] = slot;
}

/* One whole SIP message of a TCP stream (segment in w->slot). */
static bool judge_message(void *arg, const struct pkt_meta *meta,
			  const char *msg, size_t len)
{
	struct voipfwd_worker *w = arg;
	struct engine_verdict v;

	engine_message(w->engine, meta, msg, len, voipfwd_now_ms(), &v);
	if (v.pending)
		note_pending(w, w->slot);
	return v.accept;
}

/*
 * Every packet of the batch is judged: commit their pinholes in one
 * transaction before any verdict goes out, so media never races its
 * pinhole.  If the commit fails, the packets that needed it get the fail
 * mode's verdict (see engine_commit).
 */
static void settle_batch(void *arg, enum pktq_verdict *verdicts,
			 unsigned int n)
{
	struct voipfwd_worker *w = arg;
	unsigned int i;

	if (engine_commit(w->engine))
		for (i = 0; i < w->n_pending; i++)
			if (w->pending[i] < n)
				verdicts[w->pending[i]] = w->cfg->table.fail_open ?
							  PKTQ_ACCEPT : PKTQ_DROP;
	w->n_pending = 0;
}

/*
 * The zones' normalization changed an accepted UDP message: the verdict
 * carries the packet rebuilt around it (lengths and checksums; the
 * kernel takes them as they are).  A packet that cannot be rebuilt is
 * dropped: fail-closed, as the engine drops a rewrite that does not fit,
 * since the zone asked that those fields never cross.
 */
static enum pktq_verdict carry_rewrite(struct voipfwd_worker *w,
				       const struct pktq_packet *p,
				       const struct netpkt *pkt,
				       struct engine_verdict *v)
{
	long n = -1;

	if (p->mangle)
		n = netpkt_udp_rebuild(p->data, p->len, pkt,
				       (const uint8_t *)v->rewrite,
				       v->rewrite_len, p->mangle,
				       PKTQ_MANGLE_LEN);
	if (n < 0) {
		engine_rewrite_failed(w->engine, v);
		return PKTQ_DROP;
	}
	*p->mangle_len = (size_t)n;
	return PKTQ_ACCEPT;
}

static enum pktq_verdict on_packet(void *arg, const struct pktq_packet *p)
{
	struct voipfwd_worker *w = arg;
	struct engine_verdict v;
	struct netpkt pkt;

	w->slot = p->slot;

	/*
	 * What the queue rule sends is SIP by port.  A packet we cannot even
	 * read as UDP/TCP is passed: it matched only by port, and dropping
	 * what we do not understand here would make voipfwd a blunt port
	 * filter.  Messages are judged below, fail-closed.
	 */
	/*
	 * A packet the kernel copied only in part (over 65531 bytes) cannot
	 * be judged; passing it would let padding bypass inspection, so it is
	 * dropped (fail-closed).  No SIP message is that large.
	 */
	if (p->orig_len > p->len)
		return PKTQ_DROP;
	/*
	 * The table turns on reassembly, so a fragment here means it did not
	 * happen: the message cannot be judged.  The fail mode decides.
	 */
	if (netpkt_is_fragment(p->data, p->len))
		return w->cfg->table.fail_open ? PKTQ_ACCEPT : PKTQ_DROP;
	if (netpkt_parse(p->data, p->len, &pkt))
		return PKTQ_ACCEPT;
	pkt.meta.indev = p->indev;
	pkt.meta.outdev = p->outdev;
	if (!config_is_sip_port(w->cfg, pkt.meta.dport) &&
	    !config_is_sip_port(w->cfg, pkt.meta.sport))
		return PKTQ_ACCEPT;
	if (!pkt.payload_len) {
		/* handshakes and ACKs; a FIN or RST ends a stream's state */
		if (pkt.meta.proto == IPPROTO_TCP)
			sipstream_segment(w->streams, &pkt.meta, pkt.tcp_seq,
					  pkt.tcp_flags, NULL, 0,
					  voipfwd_now_ms(), judge_message, w);
		return PKTQ_ACCEPT;
	}
	if (pkt.meta.proto == IPPROTO_TCP)
		return sipstream_segment(w->streams, &pkt.meta, pkt.tcp_seq,
					 pkt.tcp_flags, pkt.payload,
					 pkt.payload_len, voipfwd_now_ms(),
					 judge_message, w) ?
		       PKTQ_ACCEPT : PKTQ_DROP;
	engine_message(w->engine, &pkt.meta, (const char *)pkt.payload,
		       pkt.payload_len, voipfwd_now_ms(), &v);
	if (v.pending)
		note_pending(w, p->slot);
	if (v.accept && v.rewrite)
		return carry_rewrite(w, p, &pkt, &v);
	return v.accept ? PKTQ_ACCEPT : PKTQ_DROP;
}

/*
 * Does @ph still exist in the kernel?  A lookup that fails keeps the call
 * (ending a live call would cut its media); the failure is logged, so a
 * call that outlives its media says why.
 */
static bool pinhole_alive(void *arg, const struct pinhole *ph)
{
	struct voipfwd_worker *w = arg;
	int rc = nfttab_pinhole_exists(w->table, ph);

	if (rc < 0)
		voipfwd_log(NULL, LOG_WARNING,
			    "queue %u: %s; the call is kept until the next check",
			    w->queue_num, nfttab_error(w->table));
	return rc != 0;
}

static void *worker_main(void *arg)
{
	struct voipfwd_worker *w = arg;
	uint64_t next_tick = voipfwd_now_ms() + 1000;

	while (!stop_requested) {
		struct pollfd pfd = { .fd = pktq_fd(w->q), .events = POLLIN };
		uint64_t now = voipfwd_now_ms();
		int timeout = next_tick > now ? (int)(next_tick - now) : 0;
		int recheck = nfttab_pinhole_recheck_wait(w->table);

		if (recheck >= 0 && recheck < timeout)
			timeout = recheck;

		if (poll(&pfd, 1, timeout) < 0 && errno != EINTR) {
			voipfwd_log(NULL, LOG_ERR, "queue %u: poll: %s",
				    w->queue_num, strerror(errno));
			break;
		}
		pthread_mutex_lock(&w->lock);
		if (pfd.revents & POLLIN) {
			int n;

			/* drain what is there, verdicts in batches; the
			 * second's tick and the closes' steps do not wait
			 * for a quiet moment */
			while ((n = pktq_process_batch(w->q, on_packet,
							  settle_batch, w,
							  true)) > 0)
				if (voipfwd_now_ms() >= next_tick ||
				    nfttab_pinhole_recheck_wait(w->table) == 0)
					break;
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				voipfwd_log(NULL, LOG_ERR, "queue %u: %s",
					    w->queue_num, strerror(errno));
		}
		now = voipfwd_now_ms();
		if (now >= next_tick) {
			engine_tick(w->engine, now, pinhole_alive, w);
			engine_commit(w->engine);
			sipstream_expire(w->streams, now);
			next_tick = now + 1000;
		}
		/* closes that media in flight undid (nfttab.c says how) */
		if (nfttab_pinhole_recheck_wait(w->table) == 0 &&
		    nfttab_pinhole_recheck(w->table) < 0)
			voipfwd_log(NULL, LOG_WARNING,
				    "queue %u: looking again at closed "
				    "pinholes: %s", w->queue_num,
				    nfttab_error(w->table));
		pthread_mutex_unlock(&w->lock);
	}
	return NULL;
}

/* ---- start-up ---------------------------------------------------------- */

struct adopt_ctx {
	struct voipfwd_worker	*workers;
	unsigned int		n;
	unsigned int		count;
};

static void adopt_one(void *arg, const struct pinhole *ph, uint32_t expires_ms)
{
	struct adopt_ctx *a = arg;
	unsigned int i;

	(void)expires_ms;
	/*
	 * Which worker a call's signalling reaches depends on its address
	 * pair, which pinholes do not record: every worker adopts it.  The
	 * one that sees the BYE closes the pinholes; the others find them
	 * gone at their next expiry check and forget the call.
	 */
	for (i = 0; i < a->n; i++)
		engine_adopt(a->workers[i].engine, ph, voipfwd_now_ms());
	a->count++;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: voipfwd [OPTIONS]\n"
		"  -c, --config FILE       configuration (default %s if present)\n"
		"  -q, --queue N[-M]       NFQUEUE number or range (one thread each)\n"
		"  -p, --sip-port P        SIP port; repeat for more (replaces the list)\n"
		"      --fail-mode MODE    open or closed (default closed)\n"
		"  -f, --foreground        stay in the foreground, log to stderr\n"
		"  -r, --replay FILE.pcap  judge a capture offline; touches nothing\n"
		"      --dump-config       print the settings in effect and exit\n"
		"      --uninstall         remove voipfw's nftables table and exit\n"
		"  -h, --help              this help\n"
		"  -V, --version           version\n"
		"See voipfwd(8) and voipfwd.conf(5).\n", VOIPFWD_CONFIG_DEFAULT);
}

enum { OPT_FAIL_MODE = 256, OPT_DUMP_CONFIG, OPT_UNINSTALL };

static const struct option voipfwd_opts[] = {
	{ "config",	required_argument,	NULL, 'c' },
	{ "queue",	required_argument,	NULL, 'q' },
	{ "sip-port",	required_argument,	NULL, 'p' },
	{ "fail-mode",	required_argument,	NULL, OPT_FAIL_MODE },
	{ "foreground",	no_argument,		NULL, 'f' },
	{ "replay",	required_argument,	NULL, 'r' },
	{ "dump-config", no_argument,		NULL, OPT_DUMP_CONFIG },
	{ "uninstall",	no_argument,		NULL, OPT_UNINSTALL },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* ---- accounts ------------------------------------------------------------ */

/* the accounts file is written this often when it changed, and at stop */
#define VOIPFWD_ACCOUNTS_SAVE_MS	60000
#define VOIPFWD_ACCOUNTS_MAX		65536

static void accounts_path(const struct voipfwd_config *cfg, char *buf,
			  size_t size)
{
	snprintf(buf, size, "%s/accounts", cfg->state_dir);
}

/* STATE-DIR/accounts read into a new acctdb; NULL (logged) if none. */
static struct acctdb *accounts_open(const struct voipfwd_config *cfg)
{
	struct acctdb *db = acctdb_new(VOIPFWD_ACCOUNTS_MAX);
	char path[sizeof(cfg->state_dir) + 16], err[512];
	int n;

	if (!db) {
		voipfwd_log(NULL, LOG_ERR, "accounts: %s; dormant accounts are "
			    "told within one policy's life only", strerror(errno));
		return NULL;
	}
	accounts_path(cfg, path, sizeof(path));
	n = acctdb_load(db, path, err, sizeof(err));
	if (n < 0)
		voipfwd_log(NULL, LOG_ERR, "accounts: %s; starting afresh (the "
			    "file is replaced at the next save)", err);
	else
		voipfwd_log(NULL, LOG_INFO, "accounts: %d last registrations "
			    "from %s", n, path);
	return db;
}

/* Write the accounts when they changed; a failure is logged once (the
 * last one is kept in @last_err, ACCOUNTS_ERR bytes). */
#define ACCOUNTS_ERR	512
static void accounts_save(const struct voipfwd_config *cfg, struct acctdb *db,
			  char *last_err)
{
	char path[sizeof(cfg->state_dir) + 16], err[ACCOUNTS_ERR];

	if (!db || !acctdb_changes(db))
		return;
	accounts_path(cfg, path, sizeof(path));
	if (acctdb_save(db, path, err, sizeof(err)) == 0) {
		last_err[0] = '\0';
		return;
	}
	if (strcmp(err, last_err))
		voipfwd_log(NULL, LOG_WARNING, "accounts: %s", err);
	snprintf(last_err, ACCOUNTS_ERR, "%s", err);
}

static int run_daemon(struct voipfwd_config *cfg)
{
	struct voipfwd_worker *workers = NULL;
	struct voipfwd_state state = { 0 };
	struct adopt_ctx adopt = { 0 };
	struct pinhole_backend be;
	struct engine_config ecfg;
	struct siphash_key ckey;
	struct nfttab *table;
	struct ctlsock *cs = NULL;
	struct sippolicy *sp = NULL;
	struct reputation *rp = NULL;
	struct tollpolicy *tp = NULL;
	unsigned int n, i, started = 0;
	uint64_t accounts_due = voipfwd_now_ms() + VOIPFWD_ACCOUNTS_SAVE_MS;
	char err[512], accounts_err[ACCOUNTS_ERR] = "";
	bool reload;
	int rc = 1;

	table = nfttab_open(err, sizeof(err));
	if (!table) {
		voipfwd_log(NULL, LOG_ERR, "%s", err);
		return 1;
	}
	if (nfttab_install(table, &cfg->table, err, sizeof(err))) {
		voipfwd_log(NULL, LOG_ERR, "installing table inet %s: %s",
			    NFTTAB_TABLE, err);
		goto out_table;
	}
	/* closes an earlier voipfwd left half done (nfttab.c) */
	if (nfttab_settle_closes(table))
		voipfwd_log(NULL, LOG_WARNING, "finishing earlier closes: %s; "
			    "their closing keys time out", nfttab_error(table));
	voipfwd_log(NULL, LOG_INFO,
		    "table inet %s installed; SIP reaches voipfwd through %s",
		    NFTTAB_TABLE,
		    nfttab_queue_path(table) == NFTTAB_QUEUE_NATIVE ?
		    "the nft queue expression" :
		    "the xt NFQUEUE target (nft_compat; no nft_queue in this kernel)");
	voipfwd_log(NULL, LOG_INFO, "fragmented SIP is reassembled by nf_defrag, %s",
		    nfttab_defrag_path(table) == NFTTAB_DEFRAG_TPROXY ?
		    "without conntrack (tproxy expression)" :
		    "through conntrack (ct expression; no nft_tproxy in this kernel)");

	n = (unsigned int)(cfg->table.queue_last - cfg->table.queue_first) + 1;
	workers = calloc(n, sizeof(*workers));
	if (!workers) {
		voipfwd_log(NULL, LOG_ERR, "out of memory");
		goto out_table;
	}
	be.ops = &nfttab_pinhole_ops;
	/* one pinhole commit per queue batch, before its verdicts */
	ecfg = cfg->engine;
	ecfg.group_commit = true;
	for (i = 0; i < n; i++) {
		struct pktq_config qc = {
			.queue_num = (uint16_t)(cfg->table.queue_first + i),
			.fail_open = cfg->table.fail_open,
		};

		workers[i].cfg = cfg;
		workers[i].queue_num = qc.queue_num;
		pthread_mutex_init(&workers[i].lock, NULL);
		/* each worker its own netlink socket and pending batch, so one
		 * worker's commit never carries another's changes */
		workers[i].table = nfttab_open(err, sizeof(err));
		if (!workers[i].table) {
			voipfwd_log(NULL, LOG_ERR, "%s", err);
			goto out_workers;
		}
		be.ctx = workers[i].table;
		workers[i].engine = engine_new(&ecfg, &be, voipfwd_log, NULL);
		if (!workers[i].engine) {
			voipfwd_log(NULL, LOG_ERR, "engine: %s", strerror(errno));
			goto out_workers;
		}
		/* voipfwctl compliance: 4096 sources per worker */
		if (siphash_key_random(&ckey) ||
		    !(workers[i].comp = compliance_new(4096, &ckey))) {
			voipfwd_log(NULL, LOG_ERR, "out of memory");
			goto out_workers;
		}
		engine_set_compliance(workers[i].engine, workers[i].comp);
		/* SIP over TCP: 1024 directions, 5 minutes idle */
		workers[i].streams = sipstream_new(1024, 300);
		if (!workers[i].streams) {
			voipfwd_log(NULL, LOG_ERR, "out of memory");
			goto out_workers;
		}
		workers[i].q = pktq_open(&qc, err, sizeof(err));
		if (!workers[i].q) {
			voipfwd_log(NULL, LOG_ERR, "queue %u: %s", qc.queue_num,
				    err);
			goto out_workers;
		}
	}

	/* calls in progress before a restart keep their media: adopt them */
	adopt.workers = workers;
	adopt.n = n;
	if (nfttab_pinhole_dump(table, adopt_one, &adopt) < 0)
		voipfwd_log(NULL, LOG_WARNING,
			    "could not read existing pinholes: %s", strerror(errno));
	else if (adopt.count)
		voipfwd_log(NULL, LOG_INFO, "adopted %u pinholes of earlier calls",
			    adopt.count);

	state.cfg = cfg;
	state.workers = workers;
	state.n_workers = n;
	state.table = table;
	/* when each account last registered: dormant ones across restarts */
	state.accounts = accounts_open(cfg);
	cs = ctlsock_open(&state, err, sizeof(err));
	if (!cs) {
		voipfwd_log(NULL, LOG_ERR, "control socket: %s", err);
		goto out_workers;
	}
	/* the zones' SIP policy, in force before the first packet */
	sp = sippolicy_new(&state);
	if (!sp) {
		voipfwd_log(NULL, LOG_ERR, "out of memory");
		goto out_socket;
	}
	sippolicy_check(sp, true);
	/* block lists and countries: the kernel drops them from the start */
	rp = reputation_new(&state);
	if (!rp) {
		voipfwd_log(NULL, LOG_ERR, "out of memory");
		goto out_policy;
	}
	reputation_check(rp, true);
	/* toll fraud: the class file, in force before the first packet */
	tp = tollpolicy_new(&state);
	if (!tp) {
		voipfwd_log(NULL, LOG_ERR, "out of memory");
		goto out_reputation;
	}
	state.toll = tp;
	tollpolicy_check(tp, true);
	/* voipfw.ko, when loaded: its first cut before the queue */
	state.kassist = kassist_new(cfg);

	for (i = 0; i < n; i++) {
		if (pthread_create(&workers[i].thread, NULL, worker_main,
				   &workers[i])) {
			voipfwd_log(NULL, LOG_ERR, "thread: %s", strerror(errno));
			stop_requested = 1;
			break;
		}
		started++;
	}
	voipfwd_log(NULL, LOG_INFO, "running: queues %u-%u, fail-mode %s",
		    cfg->table.queue_first, cfg->table.queue_last,
		    cfg->table.fail_open ? "open" : "closed");
	while (!stop_requested) {
		ctlsock_serve(cs, 1000);
		/* a changed policy file (apply, rollback) or SIGHUP */
		reload = reload_requested;
		reload_requested = 0;
		sippolicy_check(sp, reload);
		reputation_check(rp, reload);
		tollpolicy_check(tp, reload);
		kassist_check(state.kassist, voipfwd_now_ms(), reload);
		if (voipfwd_now_ms() >= accounts_due) {
			accounts_save(cfg, state.accounts, accounts_err);
			accounts_due = voipfwd_now_ms() + VOIPFWD_ACCOUNTS_SAVE_MS;
		}
	}
	rc = 0;
	for (i = 0; i < started; i++)
		pthread_join(workers[i].thread, NULL);
	accounts_save(cfg, state.accounts, accounts_err);
	voipfwd_log(NULL, LOG_INFO,
		    "stopping; table and pinholes stay so media keeps flowing");
	kassist_free(state.kassist);
	state.toll = NULL;
	tollpolicy_free(tp);
out_reputation:
	reputation_free(rp);
out_policy:
	sippolicy_free(sp);
out_socket:
	ctlsock_close(cs);
out_workers:
	acctdb_free(state.accounts);
	for (i = 0; i < n; i++) {
		if (workers[i].q)
			pktq_close(workers[i].q);
		engine_free(workers[i].engine);
		compliance_free(workers[i].comp);
		sipstream_free(workers[i].streams);
		if (workers[i].table)
			nfttab_close(workers[i].table);
		pthread_mutex_destroy(&workers[i].lock);
	}
	free(workers);
out_table:
	nfttab_close(table);
	return rc;
}

int main(int argc, char **argv)
{
	struct voipfwd_config cfg;
	const char *config_path = NULL, *replay_path = NULL;
	bool foreground = false, dump = false, uninstall = false;
	bool ports_given = false;
	struct sigaction sa;
	char err[512];
	int c, col;

	config_defaults(&cfg);
	/* the config file first, so that options override it */
	for (c = 1; c < argc; c++)
		if ((!strcmp(argv[c], "-c") || !strcmp(argv[c], "--config")) &&
		    c + 1 < argc)
			config_path = argv[c + 1];
		else if (!strncmp(argv[c], "--config=", 9))
			config_path = argv[c] + 9;
	if (config_path ? config_load(&cfg, config_path, err, sizeof(err)) :
	    (access(VOIPFWD_CONFIG_DEFAULT, F_OK) == 0 &&
	     config_load(&cfg, VOIPFWD_CONFIG_DEFAULT, err, sizeof(err)))) {
		fprintf(stderr, "voipfwd: %s\n", err);
		return 2;
	}

	while ((c = getopt_long(argc, argv, "c:q:p:fr:hV", voipfwd_opts,
				NULL)) != -1) {
		const char *key = NULL;
		char value[64];

		switch (c) {
		case 'c':
			continue;
		case 'q':
			key = "queue";
			break;
		case 'p':
			if (!ports_given) {
				cfg.table.n_sip_ports = 0;
				ports_given = true;
			}
			if (cfg.table.n_sip_ports >= NFTTAB_MAX_SIP_PORTS) {
				fprintf(stderr, "voipfwd: at most %d SIP ports\n",
					NFTTAB_MAX_SIP_PORTS);
				return 2;
			}
			{
				char *end;
				unsigned long p = strtoul(optarg, &end, 10);

				if (*end || !p || p > 65535) {
					fprintf(stderr,
						"voipfwd: --sip-port: '%s' is not a port\n",
						optarg);
					return 2;
				}
				cfg.table.sip_ports[cfg.table.n_sip_ports++] =
					(uint16_t)p;
			}
			continue;
		case OPT_FAIL_MODE:
			key = "fail-mode";
			break;
		case 'f':
			foreground = true;
			continue;
		case 'r':
			replay_path = optarg;
			continue;
		case OPT_DUMP_CONFIG:
			dump = true;
			continue;
		case OPT_UNINSTALL:
			uninstall = true;
			continue;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("voipfwd %s\n", VOIPFWD_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
		snprintf(value, sizeof(value), "%s", optarg);
		if (config_set(&cfg, key, value, err, sizeof(err), &col)) {
			fprintf(stderr, "voipfwd: --%s: %s\n", key, err);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "voipfwd: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (config_check(&cfg, err, sizeof(err))) {
		fprintf(stderr, "voipfwd: %s\n", err);
		return 2;
	}
	if (dump) {
		config_print(&cfg, stdout);
		return 0;
	}
	if (replay_path) {
		if (replay_run(&cfg, replay_path, stdout, err, sizeof(err))) {
			fprintf(stderr, "voipfwd: --replay: %s\n", err);
			return 1;
		}
		return 0;
	}
	if (uninstall) {
		struct nfttab *t = nfttab_open(err, sizeof(err));

		if (!t || nfttab_remove(t, err, sizeof(err))) {
			fprintf(stderr, "voipfwd: --uninstall: %s\n", err);
			nfttab_close(t);
			return 1;
		}
		nfttab_close(t);
		return 0;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (!foreground) {
		if (daemon(0, 0)) {
			fprintf(stderr, "voipfwd: daemon: %s\n", strerror(errno));
			return 1;
		}
		openlog("voipfwd", LOG_PID, LOG_DAEMON);
		log_to_syslog = true;
	}
	return run_daemon(&cfg);
}
