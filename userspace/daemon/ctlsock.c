// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctlsock.c - the control socket.  Commands are a table; each prints one
 * item per line, or a JSON document with "json".  Each command is for a
 * role (read-only or admin), decided from the peer's credentials as the
 * kernel reports them (SO_PEERCRED, SO_PEERGROUPS), never from anything
 * the client sends.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <grp.h>
#include <linux/posix_acl.h>
#include <linux/posix_acl_xattr.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "ctlsock.h"
#include "kassist.h"
#include "nft/nfttab.h"
#include "tollpolicy.h"

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS	59	/* Linux 4.13 */
#endif

/* A command line: the verb, its arguments, and "json" at the end. */
#define CTL_LINE_MAX	512
#define CTL_ARGS_MAX	3
/* The longest ban voipfwctl takes: a year (without SECONDS: until unban). */
#define CTL_BAN_MAX_S	31536000UL
/* What voipfwd keeps of each output stream of the voipfwctl it runs. */
#define CTL_RUN_OUT_MAX	65536
/* How long that voipfwctl may take (a dry run and a transaction). */
#define CTL_RUN_TIMEOUT_MS	60000

/**
 * struct ctlsock - the socket and who may do what on it.
 * @group/@has_group: control-group, the read-only role
 * @admin/@has_admin: admin-group, every command
 */
struct ctlsock {
	struct voipfwd_state	*st;
	int			fd;
	gid_t			group;
	bool			has_group;
	gid_t			admin;
	bool			has_admin;
	char			path[108];
};

/**
 * enum ctl_role - what a peer may do.
 * @CTL_ROLE_NONE:  nothing (it could open the socket, but is in no group)
 * @CTL_ROLE_READ:  the read-only commands: status, calls, pinholes, bans,
 *                  stats, compliance
 * @CTL_ROLE_ADMIN: every command (root, admin-group)
 */
enum ctl_role {
	CTL_ROLE_NONE,
	CTL_ROLE_READ,
	CTL_ROLE_ADMIN,
};

/**
 * struct ctl_req - one command as the daemon received it.
 * @argv/@argc: the words after the verb (json excluded)
 * @uid:        the peer's uid, for the log
 * @fd:         a descriptor the client passed (SCM_RIGHTS; apply's
 *              file), else -1
 */
struct ctl_req {
	const char	*verb;
	char		*argv[CTL_ARGS_MAX];
	int		argc;
	bool		json;
	uid_t		uid;
	int		fd;
};

/* JSON string body: escape quotes, backslashes and control bytes. */
static void json_str(FILE *out, const char *p, size_t n)
{
	size_t i;

	fputc('"', out);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* Every worker's counters added up. */
static void stats_sum(struct ctlsock *cs, struct engine_stats *sum)
{
	struct engine_stats st;
	unsigned int i, r;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < cs->st->n_workers; i++) {
		pthread_mutex_lock(&cs->st->workers[i].lock);
		engine_get_stats(cs->st->workers[i].engine, &st);
		pthread_mutex_unlock(&cs->st->workers[i].lock);
		sum->messages += st.messages;
		sum->accepted += st.accepted;
		sum->dropped += st.dropped;
		sum->pinholes_opened += st.pinholes_opened;
		sum->pinholes_closed += st.pinholes_closed;
		sum->commits += st.commits;
		sum->commit_failures += st.commit_failures;
		sum->dialogs += st.dialogs;
		sum->pinholes += st.pinholes;
		for (r = 0; r < __ENGINE_R_MAX; r++)
			sum->by_reason[r] += st.by_reason[r];
		for (r = 0; r < __SIP_REASON_MAX; r++)
			sum->by_sip_reason[r] += st.by_sip_reason[r];
		for (r = 0; r < __GUARD_R_MAX; r++)
			sum->by_guard_reason[r] += st.by_guard_reason[r];
		for (r = 0; r < __GUARD_BAN_MAX; r++)
			sum->bans[r] += st.bans[r];
		sum->ban_failures += st.ban_failures;
		sum->accounts_shared += st.accounts_shared;
		sum->accounts_woke += st.accounts_woke;
		for (r = 0; r < __TOLLGUARD_REASON_MAX; r++)
			sum->by_toll_reason[r] += st.by_toll_reason[r];
		sum->toll_trips += st.toll_trips;
		sum->toll_calls_ended += st.toll_calls_ended;
		sum->rewrite_identity += st.rewrite_identity;
		sum->rewrite_agent += st.rewrite_agent;
		sum->rewrite_not_udp += st.rewrite_not_udp;
	}
}

/* Every worker's lookups after pinhole deletes added up (nfttab.c). */
static void recheck_sum(struct ctlsock *cs, struct nfttab_recheck_stats *sum)
{
	struct nfttab_recheck_stats st;
	unsigned int i;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < cs->st->n_workers; i++) {
		nfttab_pinhole_recheck_stats(cs->st->workers[i].table, &st);
		sum->checked += st.checked;
		sum->reclosed += st.reclosed;
		sum->failed += st.failed;
		sum->overflow += st.overflow;
		sum->waiting += st.waiting;
	}
}

static void cmd_status(struct ctlsock *cs, FILE *out, const struct ctl_req *req)
{
	struct nfttab_recheck_stats rs;
	struct engine_stats sum;
	bool json = req->json;
	unsigned int i, r;

	stats_sum(cs, &sum);
	recheck_sum(cs, &rs);
	if (json) {
		fprintf(out, "{\"queues\":\"%u-%u\",\"queue_path\":\"%s\","
			"\"fail_mode\":\"%s\",\"calls\":%u,\"pinholes\":%u,"
			"\"pinholes_opened\":%llu,\"pinholes_closed\":%llu,"
			"\"messages\":%llu,\"accepted\":%llu,\"dropped\":%llu,"
			"\"commits\":%llu,\"commit_failures\":%llu,"
			"\"pinholes_reclosed\":%llu,"
			"\"pinholes_reclose_failed\":%llu,"
			"\"pinholes_unchecked\":%llu,"
			"\"drops\":{",
			cs->st->cfg->table.queue_first, cs->st->cfg->table.queue_last,
			nfttab_queue_path(cs->st->table) == NFTTAB_QUEUE_NATIVE ?
			"native" : "xt",
			cs->st->cfg->table.fail_open ? "open" : "closed",
			sum.dialogs, sum.pinholes,
			(unsigned long long)sum.pinholes_opened,
			(unsigned long long)sum.pinholes_closed,
			(unsigned long long)sum.messages,
			(unsigned long long)sum.accepted,
			(unsigned long long)sum.dropped,
			(unsigned long long)sum.commits,
			(unsigned long long)sum.commit_failures,
			(unsigned long long)rs.reclosed,
			(unsigned long long)rs.failed,
			(unsigned long long)rs.overflow);
		i = 0;
		for (r = 1; r < __SIP_REASON_MAX; r++)
			if (sum.by_sip_reason[r])
				fprintf(out, "%s\"%s\":%llu", i++ ? "," : "",
					sip_reason_str(r),
					(unsigned long long)sum.by_sip_reason[r]);
		for (r = ENGINE_R_NOT_SIP; r < __ENGINE_R_MAX; r++)
			if (r != ENGINE_R_PARSE && sum.by_reason[r])
				fprintf(out, "%s\"%s\":%llu", i++ ? "," : "",
					engine_reason_str(r),
					(unsigned long long)sum.by_reason[r]);
		fprintf(out, "}}\n");
		return;
	}
	fprintf(out, "queues %u-%u via %s, fail-mode %s\n",
		cs->st->cfg->table.queue_first, cs->st->cfg->table.queue_last,
		nfttab_queue_path(cs->st->table) == NFTTAB_QUEUE_NATIVE ?
		"nft queue" : "xt NFQUEUE",
		cs->st->cfg->table.fail_open ? "open" : "closed");
	fprintf(out, "calls %u\npinholes %u opened %llu closed %llu\n"
		"messages %llu accepted %llu dropped %llu\n"
		"commits %llu failed %llu\n",
		sum.dialogs, sum.pinholes,
		(unsigned long long)sum.pinholes_opened,
		(unsigned long long)sum.pinholes_closed,
		(unsigned long long)sum.messages,
		(unsigned long long)sum.accepted, (unsigned long long)sum.dropped,
		(unsigned long long)sum.commits,
		(unsigned long long)sum.commit_failures);
	/* closes media in flight undid, closed again (nfttab.c) */
	fprintf(out, "reclosed %llu reclose-failed %llu unchecked %llu\n",
		(unsigned long long)rs.reclosed,
		(unsigned long long)rs.failed,
		(unsigned long long)rs.overflow);
	for (r = 1; r < __SIP_REASON_MAX; r++)
		if (sum.by_sip_reason[r])
			fprintf(out, "drop %s %llu\n", sip_reason_str(r),
				(unsigned long long)sum.by_sip_reason[r]);
	for (r = ENGINE_R_NOT_SIP; r < __ENGINE_R_MAX; r++)
		if (r != ENGINE_R_PARSE && sum.by_reason[r])
			fprintf(out, "%s %s %llu\n",
				r == ENGINE_R_COMMIT_FAILED && cs->st->cfg->engine.fail_open ?
				"pass" : "drop", engine_reason_str(r),
				(unsigned long long)sum.by_reason[r]);
}

static const char *const state_names[] = {
	[DIALOG_FREE] = "free", [DIALOG_TRYING] = "trying",
	[DIALOG_CONFIRMED] = "confirmed", [DIALOG_ADOPTED] = "adopted",
};

static void cmd_calls(struct ctlsock *cs, FILE *out, const struct ctl_req *req)
{
	bool json = req->json;
	uint64_t now = voipfwd_now_ms();
	unsigned int i, n = 0;

	if (json)
		fputc('[', out);
	for (i = 0; i < cs->st->n_workers; i++) {
		struct voipfwd_worker *w = &cs->st->workers[i];
		const struct dialog *d;
		unsigned int cur = 0;

		pthread_mutex_lock(&w->lock);
		while ((d = engine_next_dialog(w->engine, &cur))) {
			size_t len = d->call_id_len < DIALOG_CALL_ID_KEEP ?
				     d->call_id_len : DIALOG_CALL_ID_KEEP;
			unsigned int age = d->last_ms && now > d->last_ms ?
				(unsigned int)((now - d->last_ms) / 1000) : 0;

			if (json) {
				fprintf(out, "%s{\"call_id\":", n++ ? "," : "");
				json_str(out, d->call_id, len);
				fprintf(out, ",\"state\":\"%s\",\"media\":%s,"
					"\"idle_seconds\":%u}",
					state_names[d->state],
					d->has_active ? "true" : "false", age);
			} else {
				fprintf(out, "%.*s state %s media %s idle %us\n",
					(int)len, d->call_id,
					state_names[d->state],
					d->has_active ? "yes" : "no", age);
			}
		}
		pthread_mutex_unlock(&w->lock);
	}
	if (json)
		fprintf(out, "]\n");
}

struct dump_out {
	FILE	*out;
	bool	json;
	unsigned int n;
};

static void print_pinhole(void *arg, const struct pinhole *ph,
			  uint32_t expires_ms)
{
	struct dump_out *d = arg;
	char da[INET6_ADDRSTRLEN], sa[INET6_ADDRSTRLEN];
	int af = ph->family == 6 ? AF_INET6 : AF_INET;

	inet_ntop(af, ph->daddr, da, sizeof(da));
	if (ph->has_peer)
		inet_ntop(af, ph->saddr, sa, sizeof(sa));
	if (d->json) {
		fprintf(d->out, "%s{\"proto\":\"udp\",\"addr\":\"%s\",\"port\":%u,",
			d->n++ ? "," : "", da, ph->dport);
		if (ph->has_peer)
			fprintf(d->out, "\"from\":\"%s\",", sa);
		fprintf(d->out, "\"call_id\":");
		json_str(d->out, ph->tag.call_id, ph->tag.call_id_len);
		fprintf(d->out, ",\"expires\":%u}", (expires_ms + 999) / 1000);
		return;
	}
	fprintf(d->out, "udp %s %u%s%s call %.*s expires %u\n", da, ph->dport,
		ph->has_peer ? " from " : "", ph->has_peer ? sa : "",
		(int)ph->tag.call_id_len, ph->tag.call_id,
		(expires_ms + 999) / 1000);
}

static void cmd_pinholes(struct ctlsock *cs, FILE *out,
			 const struct ctl_req *req)
{
	struct dump_out d = { out, req->json, 0 };
	bool json = req->json;

	/* the kernel's sets are the truth: media may have refreshed them */
	if (json)
		fputc('[', out);
	if (nfttab_pinhole_dump(cs->st->table, print_pinhole, &d) < 0)
		fprintf(out, "%serror: %s\n", json ? "]" : "", strerror(errno));
	else if (json)
		fprintf(out, "]\n");
}

/*
 * stats: what the engine counted, message by message: every verdict
 * reason with the verdict it gave.  Packets the kernel dropped without
 * asking voipfwd (bans, media without a pinhole) are in nft's rule
 * counters, not here.
 */
static void cmd_stats(struct ctlsock *cs, FILE *out, const struct ctl_req *req)
{
	struct engine_stats sum;
	unsigned int r, n = 0;
	bool fail_open = cs->st->cfg->engine.fail_open;

	stats_sum(cs, &sum);
	if (req->json)
		fprintf(out, "{\"messages\":%llu,\"accepted\":%llu,"
			"\"dropped\":%llu,\"pinholes_opened\":%llu,"
			"\"pinholes_closed\":%llu,\"commits\":%llu,"
			"\"commit_failures\":%llu,\"reasons\":[",
			(unsigned long long)sum.messages,
			(unsigned long long)sum.accepted,
			(unsigned long long)sum.dropped,
			(unsigned long long)sum.pinholes_opened,
			(unsigned long long)sum.pinholes_closed,
			(unsigned long long)sum.commits,
			(unsigned long long)sum.commit_failures);
	else
		fprintf(out, "messages %llu accepted %llu dropped %llu\n"
			"pinholes opened %llu closed %llu\n"
			"commits %llu failed %llu\n",
			(unsigned long long)sum.messages,
			(unsigned long long)sum.accepted,
			(unsigned long long)sum.dropped,
			(unsigned long long)sum.pinholes_opened,
			(unsigned long long)sum.pinholes_closed,
			(unsigned long long)sum.commits,
			(unsigned long long)sum.commit_failures);
	/* ok and keepalive pass; a failed commit gives the fail mode */
	for (r = 0; r < __ENGINE_R_MAX; r++) {
		const char *verdict = r == ENGINE_R_OK || r == ENGINE_R_KEEPALIVE ||
			(r == ENGINE_R_COMMIT_FAILED && fail_open) ? "pass" : "drop";

		if (r == ENGINE_R_PARSE || r == ENGINE_R_GUARD ||
		    r == ENGINE_R_TOLL || !sum.by_reason[r])
			continue;
		if (req->json)
			fprintf(out, "%s{\"verdict\":\"%s\",\"reason\":\"%s\","
				"\"messages\":%llu}", n++ ? "," : "", verdict,
				engine_reason_str(r),
				(unsigned long long)sum.by_reason[r]);
		else
			fprintf(out, "%s %s %llu\n", verdict, engine_reason_str(r),
				(unsigned long long)sum.by_reason[r]);
	}
	for (r = 1; r < __SIP_REASON_MAX; r++) {
		if (!sum.by_sip_reason[r])
			continue;
		if (req->json)
			fprintf(out, "%s{\"verdict\":\"drop\",\"reason\":\"%s\","
				"\"messages\":%llu}", n++ ? "," : "",
				sip_reason_str(r),
				(unsigned long long)sum.by_sip_reason[r]);
		else
			fprintf(out, "drop %s %llu\n", sip_reason_str(r),
				(unsigned long long)sum.by_sip_reason[r]);
	}
	/* the zones' SIP policy: its drops, and the bans it asked for */
	for (r = 1; r < __GUARD_R_MAX; r++) {
		if (!sum.by_guard_reason[r])
			continue;
		if (req->json)
			fprintf(out, "%s{\"verdict\":\"drop\",\"reason\":\"%s\","
				"\"messages\":%llu}", n++ ? "," : "",
				guard_reason_str(r),
				(unsigned long long)sum.by_guard_reason[r]);
		else
			fprintf(out, "drop %s %llu\n", guard_reason_str(r),
				(unsigned long long)sum.by_guard_reason[r]);
	}
	/* toll fraud: the INVITEs it refused, by why */
	for (r = 1; r < __TOLLGUARD_REASON_MAX; r++) {
		if (!sum.by_toll_reason[r])
			continue;
		if (req->json)
			fprintf(out, "%s{\"verdict\":\"drop\",\"reason\":\"%s\","
				"\"messages\":%llu}", n++ ? "," : "",
				engine_toll_reason_str(r),
				(unsigned long long)sum.by_toll_reason[r]);
		else
			fprintf(out, "drop %s %llu\n", engine_toll_reason_str(r),
				(unsigned long long)sum.by_toll_reason[r]);
	}
	/* the zones' normalization: messages sent changed, by what */
	if (req->json)
		fprintf(out, "],\"rewrite\":{\"strip-identity\":%llu,"
			"\"hide-agent\":%llu,\"not-udp\":%llu}",
			(unsigned long long)sum.rewrite_identity,
			(unsigned long long)sum.rewrite_agent,
			(unsigned long long)sum.rewrite_not_udp);
	else if (sum.rewrite_identity || sum.rewrite_agent ||
		 sum.rewrite_not_udp)
		fprintf(out, "rewrite strip-identity %llu\n"
			"rewrite hide-agent %llu\nrewrite not-udp %llu\n",
			(unsigned long long)sum.rewrite_identity,
			(unsigned long long)sum.rewrite_agent,
			(unsigned long long)sum.rewrite_not_udp);
	if (req->json)
		fprintf(out, ",\"toll\":{\"trips\":%llu,\"calls_ended\":%llu",
			(unsigned long long)sum.toll_trips,
			(unsigned long long)sum.toll_calls_ended);
	else if (sum.toll_trips || sum.toll_calls_ended)
		fprintf(out, "toll trips %llu\ntoll calls-ended %llu\n",
			(unsigned long long)sum.toll_trips,
			(unsigned long long)sum.toll_calls_ended);
	if (req->json) {
		fprintf(out, "},\"bans\":{");
		for (r = 1, n = 0; r < __GUARD_BAN_MAX; r++)
			fprintf(out, "%s\"%s\":%llu", n++ ? "," : "",
				guard_ban_why_str(r), (unsigned long long)sum.bans[r]);
		fprintf(out, "},\"ban_failures\":%llu,\"accounts_shared\":%llu,"
			"\"accounts_woke\":%llu",
			(unsigned long long)sum.ban_failures,
			(unsigned long long)sum.accounts_shared,
			(unsigned long long)sum.accounts_woke);
		kassist_stats(cs->st->kassist, out, true);
		fprintf(out, "}\n");
	} else {
		for (r = 1; r < __GUARD_BAN_MAX; r++)
			if (sum.bans[r])
				fprintf(out, "ban %s %llu\n", guard_ban_why_str(r),
					(unsigned long long)sum.bans[r]);
		if (sum.ban_failures)
			fprintf(out, "ban failed %llu\n",
				(unsigned long long)sum.ban_failures);
		if (sum.accounts_shared)
			fprintf(out, "account shared %llu\n",
				(unsigned long long)sum.accounts_shared);
		if (sum.accounts_woke)
			fprintf(out, "account woke %llu\n",
				(unsigned long long)sum.accounts_woke);
		kassist_stats(cs->st->kassist, out, false);
	}
}

/* ---- compliance ------------------------------------------------------------ */

struct comp_list {
	struct compliance_dev	*v;
	size_t			n, cap;
};

static bool comp_collect(const struct compliance_dev *d, void *arg)
{
	struct comp_list *l = arg;

	if (l->n == l->cap)
		return false;
	l->v[l->n++] = *d;
	return true;
}

static int comp_cmp(const void *a, const void *b)
{
	const struct compliance_dev *x = a, *y = b;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->addr, y->addr, 16);
}

/*
 * compliance: per source address, what it used as voipfwd saw it.  Each
 * worker keeps its own table (a source's SIP normally stays on one queue;
 * records of one source on two are added up).  voipfwd sees plaintext
 * SIP only: TLS is neither queued nor decrypted, so "tls" is always
 * "not-seen" and a device that signals over TLS alone is not listed.
 */
static void cmd_compliance(struct ctlsock *cs, FILE *out,
			   const struct ctl_req *req)
{
	struct comp_list l = { 0 };
	uint32_t now = (uint32_t)voipfwd_now_ms();
	size_t i, k;

	l.cap = (size_t)cs->st->n_workers * 4096;
	l.v = malloc(l.cap * sizeof(*l.v));
	if (!l.v) {
		fprintf(out, "error: out of memory\n");
		return;
	}
	for (i = 0; i < cs->st->n_workers; i++) {
		if (!cs->st->workers[i].comp)
			continue;
		pthread_mutex_lock(&cs->st->workers[i].lock);
		compliance_walk(cs->st->workers[i].comp, comp_collect, &l);
		pthread_mutex_unlock(&cs->st->workers[i].lock);
	}
	qsort(l.v, l.n, sizeof(*l.v), comp_cmp);
	for (i = 0, k = 0; i < l.n; i++) {
		struct compliance_dev *d = &l.v[k - (k > 0)];

		if (k && !comp_cmp(d, &l.v[i])) {
			d->sip_udp += l.v[i].sip_udp;
			d->sip_tcp += l.v[i].sip_tcp;
			d->sdp_rtp += l.v[i].sdp_rtp;
			d->sdp_srtp += l.v[i].sdp_srtp;
			if ((int32_t)(l.v[i].last_ms - d->last_ms) > 0) {
				d->last_ms = l.v[i].last_ms;
				if (l.v[i].ua[0])
					memcpy(d->ua, l.v[i].ua, sizeof(d->ua));
			}
			continue;
		}
		l.v[k++] = l.v[i];
	}
	if (req->json)
		fputc('[', out);
	for (i = 0; i < k; i++) {
		const struct compliance_dev *d = &l.v[i];
		char a[INET6_ADDRSTRLEN];
		unsigned int idle = (now - d->last_ms) / 1000;

		inet_ntop(d->family == 6 ? AF_INET6 : AF_INET, d->addr, a,
			  sizeof(a));
		if (req->json) {
			fprintf(out, "%s{\"addr\":\"%s\",\"user_agent\":",
				i ? "," : "", a);
			if (d->ua[0])
				json_str(out, d->ua, strlen(d->ua));
			else
				fputs("null", out);
			fprintf(out, ",\"sip_udp\":%u,\"sip_tcp\":%u,"
				"\"tls\":\"not-seen\",\"sdp_rtp\":%u,"
				"\"sdp_srtp\":%u,\"idle\":%u}", d->sip_udp,
				d->sip_tcp, d->sdp_rtp, d->sdp_srtp, idle);
		} else {
			fprintf(out, "%s signalling plaintext udp %u tcp %u "
				"tls not-seen media rtp %u srtp %u idle %us",
				a, d->sip_udp, d->sip_tcp, d->sdp_rtp,
				d->sdp_srtp, idle);
			if (d->ua[0])
				fprintf(out, " ua \"%s\"", d->ua);
			fputc('\n', out);
		}
	}
	if (req->json)
		fprintf(out, "]\n");
	free(l.v);
}

static void print_ban(void *arg, const struct nfttab_ban *ban)
{
	struct dump_out *d = arg;
	char a[INET6_ADDRSTRLEN];
	unsigned long long left = (ban->expires_ms + 999) / 1000;

	inet_ntop(ban->family == 6 ? AF_INET6 : AF_INET, ban->addr, a,
		  sizeof(a));
	if (d->json) {
		fprintf(d->out, "%s{\"addr\":\"%s\",\"expires\":", d->n++ ? "," : "",
			a);
		if (ban->timeout_ms)
			fprintf(d->out, "%llu", left);
		else
			fprintf(d->out, "null");
		/* nfttab passes only printable reasons without quotes or
		 * backslashes: nothing to escape */
		if (ban->reason[0])
			fprintf(d->out, ",\"reason\":\"%s\"", ban->reason);
		fputc('}', d->out);
		return;
	}
	if (ban->timeout_ms)
		fprintf(d->out, "%s expires %llu", a, left);
	else
		fprintf(d->out, "%s permanent", a);
	if (ban->reason[0])
		fprintf(d->out, " reason %s", ban->reason);
	fputc('\n', d->out);
}

static void cmd_bans(struct ctlsock *cs, FILE *out, const struct ctl_req *req)
{
	struct dump_out d = { out, req->json, 0 };

	if (req->json)
		fputc('[', out);
	if (nfttab_ban_dump(cs->st->table, print_ban, &d) < 0)
		fprintf(out, "%serror: %s\n", req->json ? "]" : "",
			nfttab_error(cs->st->table));
	else if (req->json)
		fprintf(out, "]\n");
}

/* ADDR (IPv4 or IPv6) into @ban; false if it is neither. */
static bool parse_addr(const char *s, struct nfttab_ban *ban)
{
	memset(ban, 0, sizeof(*ban));
	if (inet_pton(AF_INET, s, ban->addr) == 1) {
		ban->family = 4;
		return true;
	}
	if (inet_pton(AF_INET6, s, ban->addr) == 1) {
		ban->family = 6;
		return true;
	}
	return false;
}

/* 0.0.0.0, 127.0.0.0/8, ::, ::1 and ::ffff:127.0.0.0/104 */
static bool ban_refused(const struct nfttab_ban *ban)
{
	static const uint8_t zero[16], mapped[12] = {
		[10] = 0xff, [11] = 0xff,
	};

	if (ban->family == 4)
		return ban->addr[0] == 127 || !memcmp(ban->addr, zero, 4);
	if (!memcmp(ban->addr, zero, 15))
		return ban->addr[15] <= 1;
	return !memcmp(ban->addr, mapped, 12) && ban->addr[12] == 127;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static void cmd_ban(struct ctlsock *cs, FILE *out, const struct ctl_req *req)
{
	const char *reason = NULL;
	struct nfttab_ban ban;
	unsigned long secs = 0;

	if (!parse_addr(req->argv[0], &ban)) {
		fprintf(out, "error: usage: '%s' is not an IPv4 or IPv6 address\n",
			req->argv[0]);
		return;
	}
	/* the ban chain also sees the input hook: banning the host's own
	 * loopback would cut its local services (voipfwctl's socket is a
	 * Unix socket and stays, but everything on lo goes) */
	if (ban_refused(&ban)) {
		fprintf(out, "error: usage: %s is a loopback or unspecified "
			"address: not banned\n", req->argv[0]);
		return;
	}
	/* ADDR [SECONDS] [REASON]: SECONDS is all digits ("3cx-scan" is a
	 * reason), a reason need not be */
	if (req->argc > 1 && (req->argc > 2 || all_digits(req->argv[1]))) {
		char *end;

		errno = 0;
		secs = strtoul(req->argv[1], &end, 10);
		if (errno || *end || req->argv[1][0] < '0' ||
		    req->argv[1][0] > '9' || !secs || secs > CTL_BAN_MAX_S) {
			fprintf(out, "error: usage: SECONDS '%s': 1 to %lu\n",
				req->argv[1], CTL_BAN_MAX_S);
			return;
		}
		reason = req->argc > 2 ? req->argv[2] : NULL;
	} else if (req->argc > 1) {
		reason = req->argv[1];
	}
	if (reason && (!nfttab_ban_reason_ok(reason) ||
		       strlen(reason) >= sizeof(ban.reason))) {
		fprintf(out, "error: usage: REASON '%s': one word of printable "
			"ASCII without quotes or backslashes, at most %d "
			"bytes\n", reason, NFTTAB_BAN_REASON_MAX);
		return;
	}
	if (reason)
		snprintf(ban.reason, sizeof(ban.reason), "%s", reason);
	ban.timeout_ms = (uint64_t)secs * 1000;
	if (nfttab_ban_add(cs->st->table, &ban) ||
	    nfttab_commit(cs->st->table)) {
		fprintf(out, "error: %s\n", nfttab_error(cs->st->table));
		return;
	}
	voipfwd_log(NULL, LOG_NOTICE, "uid %u banned %s%s%s%s%s%s", req->uid,
		    req->argv[0], secs ? " for " : "", secs ? req->argv[1] : "",
		    secs ? " s" : "", reason ? ": " : "", reason ? reason : "");
	if (secs)
		fprintf(out, "banned %s for %lu s\n", req->argv[0], secs);
	else
		fprintf(out, "banned %s\n", req->argv[0]);
}

static void cmd_unban(struct ctlsock *cs, FILE *out, const struct ctl_req *req)
{
	struct nfttab_ban ban;
	unsigned int i;
	int rc;

	if (!parse_addr(req->argv[0], &ban)) {
		fprintf(out, "error: usage: '%s' is not an IPv4 or IPv6 address\n",
			req->argv[0]);
		return;
	}
	rc = nfttab_ban_exists(cs->st->table, &ban);
	if (rc == 0) {
		fprintf(out, "error: not banned: %s\n", req->argv[0]);
		return;
	}
	if (rc < 0 || nfttab_ban_del(cs->st->table, &ban) ||
	    nfttab_commit(cs->st->table)) {
		fprintf(out, "error: %s\n", nfttab_error(cs->st->table));
		return;
	}
	/* every worker's guard: the source's next offence bans it again */
	for (i = 0; i < cs->st->n_workers; i++) {
		struct voipfwd_worker *w = &cs->st->workers[i];

		pthread_mutex_lock(&w->lock);
		engine_unbanned(w->engine, ban.family, ban.addr);
		pthread_mutex_unlock(&w->lock);
	}
	voipfwd_log(NULL, LOG_NOTICE, "uid %u unbanned %s", req->uid,
		    req->argv[0]);
	fprintf(out, "unbanned %s\n", req->argv[0]);
}

/*
 * kill-call: every worker that follows the call ends it, as a BYE would,
 * and commits the closes at once (adopted calls are followed by every
 * worker: the first closes the pinholes, the others find them gone,
 * which is success).  A failed commit leaves the closes to the worker's
 * retry each second; the call is gone from the engine either way.
 */
static void cmd_kill_call(struct ctlsock *cs, FILE *out,
			  const struct ctl_req *req)
{
	const char *id = req->argv[0];
	unsigned int i, ended = 0, failed = 0;

	for (i = 0; i < cs->st->n_workers; i++) {
		struct voipfwd_worker *w = &cs->st->workers[i];
		int rc;

		pthread_mutex_lock(&w->lock);
		rc = engine_kill_call(w->engine, id, strlen(id));
		if (rc > 0 && engine_commit(w->engine))
			failed++;
		pthread_mutex_unlock(&w->lock);
		if (rc > 0)
			ended++;
	}
	if (!ended) {
		fprintf(out, "error: not found: no call '%s'\n", id);
		return;
	}
	voipfwd_log(NULL, LOG_NOTICE, "uid %u ended call %s", req->uid, id);
	if (failed)
		fprintf(out, "error: call %s ended, but closing its pinholes "
			"failed: retried each second (see the log)\n", id);
	else
		fprintf(out, "ended call %s\n", id);
}

/* block-ext, unblock-ext, ..., blocks: toll fraud (tollpolicy.c) */
static void cmd_toll(struct ctlsock *cs, FILE *out, const struct ctl_req *req)
{
	tollpolicy_command(cs->st->toll, req->verb, req->argv, req->argc,
			   req->json, req->uid, out);
}

/* A name voipfwctl passes on: one word of printable ASCII (runtime.c). */
static bool name_ok(const char *s)
{
	const unsigned char *p;

	if (!*s || strlen(s) > 255)
		return false;
	for (p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			return false;
	return true;
}

/**
 * struct run_buf - one output stream of the voipfwctl voipfwd runs.
 * @cut: more came than CTL_RUN_OUT_MAX (read and dropped)
 */
struct run_buf {
	int	fd;
	char	*p;
	size_t	len;
	bool	cut;
};

/* Read what there is; false at EOF or error. */
static bool run_read(struct run_buf *b)
{
	char tmp[4096];
	ssize_t n = read(b->fd, tmp, sizeof(tmp));

	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0)
		return false;
	if (b->len + (size_t)n > CTL_RUN_OUT_MAX) {
		b->cut = true;
		n = (ssize_t)(CTL_RUN_OUT_MAX - b->len);
	}
	memcpy(b->p + b->len, tmp, (size_t)n);
	b->len += (size_t)n;
	return true;
}

/* Each line of @b as "TAG: line" */
static void run_frame(FILE *out, const char *tag, const struct run_buf *b)
{
	size_t i = 0;

	while (i < b->len) {
		const char *nl = memchr(b->p + i, '\n', b->len - i);
		size_t n = nl ? (size_t)(nl - (b->p + i)) : b->len - i;

		fprintf(out, "%s: %.*s\n", tag, (int)n, b->p + i);
		i += n + 1;
	}
	if (b->cut)
		fprintf(out, "%s: (output cut at %d bytes)\n", tag,
			CTL_RUN_OUT_MAX);
}

/* In the child, between fork and exec: only async-signal-safe calls. */
static void run_child(const struct ctl_req *req, int out_w, int err_w,
		      const char *path, char *const argv[])
{
	static char *const envp[] = {
		"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL
	};
	struct sigaction sa;
	sigset_t none;
	int in = req->fd >= 0 ? req->fd : open("/dev/null", O_RDONLY);
	long fd;

	if (in < 0 || dup2(in, 0) < 0 || dup2(out_w, 1) < 0 ||
	    dup2(err_w, 2) < 0)
		_exit(127);
	/* nothing of voipfwd's goes along: queues, netlink, clients */
	if (syscall(SYS_close_range, 3U, ~0U, 0U))
		for (fd = 3; fd < 65536; fd++)
			close((int)fd);
	/* voipfwd ignores SIGPIPE: an ignored signal stays so across exec */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(path, argv, envp);
	_exit(127);
}

/*
 * apply, rollback, confirm for root and admin-group: voipfwd runs its
 * voipfwctl (voipfwd.conf(5) voipfwctl) as root, in its own network
 * namespace, with its state-dir, the client's file descriptor as
 * standard input and the client's name for it (--as: messages and rule
 * comments name the operator's FILE:LINE).  The answer is that
 * voipfwctl's output, line by line and stream by stream, and its exit
 * status.  voipfwd waits for it (at most CTL_RUN_TIMEOUT_MS; the packet
 * path goes on in the workers meanwhile).
 */
static void cmd_run_ctl(struct ctlsock *cs, FILE *out, const struct ctl_req *req)
{
	const struct voipfwd_config *cfg = cs->st->cfg;
	char *argv[12], secs[16];
	struct run_buf b[2] = { { -1, NULL, 0, false }, { -1, NULL, 0, false } };
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, status = 0, n = 0, i;
	uint64_t deadline;
	bool apply = !strcmp(req->verb, "apply");
	pid_t pid;

	if (apply) {
		char *end;
		long c = 0;

		if (req->fd < 0 || !name_ok(req->argv[0])) {
			fprintf(out, "error: usage: apply FILE [SECONDS], with "
				"FILE's descriptor attached\n");
			return;
		}
		if (req->argc > 1) {
			errno = 0;
			c = strtol(req->argv[1], &end, 10);
			if (errno || *end || c < 1 || c > 86400) {
				fprintf(out, "error: usage: SECONDS '%s': 1 to "
					"86400\n", req->argv[1]);
				return;
			}
			snprintf(secs, sizeof(secs), "%ld", c);
		}
	}
	argv[n++] = "voipfwctl";
	argv[n++] = (char *)req->verb;
	argv[n++] = "--state-dir";
	argv[n++] = (char *)cfg->state_dir;
	if (apply) {
		if (req->argc > 1) {
			argv[n++] = "--confirm";
			argv[n++] = secs;
		}
		argv[n++] = "--as";
		argv[n++] = req->argv[0];
		argv[n++] = "/dev/stdin";
	}
	argv[n] = NULL;

	b[0].p = malloc(CTL_RUN_OUT_MAX);
	b[1].p = malloc(CTL_RUN_OUT_MAX);
	if (!b[0].p || !b[1].p || pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC)) {
		fprintf(out, "error: %s\n", strerror(errno));
		goto out;
	}
	fflush(out);
	pid = fork();
	if (pid < 0) {
		fprintf(out, "error: fork: %s\n", strerror(errno));
		goto out;
	}
	if (pid == 0)
		run_child(req, po[1], pe[1], cfg->voipfwctl, argv);
	close(po[1]);
	close(pe[1]);
	po[1] = pe[1] = -1;
	b[0].fd = po[0];
	b[1].fd = pe[0];
	deadline = voipfwd_now_ms() + CTL_RUN_TIMEOUT_MS;
	while (b[0].fd >= 0 || b[1].fd >= 0) {
		struct pollfd pfd[2] = { { .fd = b[0].fd, .events = POLLIN },
					 { .fd = b[1].fd, .events = POLLIN } };
		uint64_t now = voipfwd_now_ms();

		if (now >= deadline)
			break;
		if (poll(pfd, 2, (int)(deadline - now)) < 0 && errno != EINTR)
			break;
		for (i = 0; i < 2; i++)
			if (pfd[i].revents && !run_read(&b[i]))
				b[i].fd = -1;
	}
	if (b[0].fd >= 0 || b[1].fd >= 0) {
		/* fail-closed: a hung apply is stopped; its transaction
		 * commits whole or not at all */
		kill(pid, SIGKILL);
		fprintf(out, "err: voipfwd stopped %s after %d s\n",
			cfg->voipfwctl, CTL_RUN_TIMEOUT_MS / 1000);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	run_frame(out, "out", &b[0]);
	run_frame(out, "err", &b[1]);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && !b[0].len &&
	    !b[1].len)
		fprintf(out, "err: voipfwd cannot run %s\n", cfg->voipfwctl);
	/* a voipfwctl that did not exit by itself failed: 2 */
	fprintf(out, "exit: %d\n", WIFEXITED(status) && WEXITSTATUS(status) != 127 ?
		WEXITSTATUS(status) : 2);
	voipfwd_log(NULL, LOG_NOTICE, "uid %u: %s%s%s: voipfwctl exit %d",
		    req->uid, req->verb, apply ? " " : "",
		    apply ? req->argv[0] : "",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
out:
	for (i = 0; i < 2; i++) {
		if (po[i] >= 0)
			close(po[i]);
		if (pe[i] >= 0)
			close(pe[i]);
	}
	free(b[0].p);
	free(b[1].p);
}

/* Every command: its role, its arguments and their synopsis. */
static const struct ctl_cmd {
	const char	*name;
	void		(*fn)(struct ctlsock *cs, FILE *out,
			      const struct ctl_req *req);
	bool		admin;
	int		min_args;
	int		max_args;
	const char	*args;
} ctl_cmds[] = {
	{ "status",	cmd_status,	false,	0, 0, "" },
	{ "calls",	cmd_calls,	false,	0, 0, "" },
	{ "pinholes",	cmd_pinholes,	false,	0, 0, "" },
	{ "bans",	cmd_bans,	false,	0, 0, "" },
	{ "stats",	cmd_stats,	false,	0, 0, "" },
	{ "compliance",	cmd_compliance,	false,	0, 0, "" },
	{ "blocks",	cmd_toll,	false,	0, 0, "" },
	{ "ban",	cmd_ban,	true,	1, 3, " ADDR [SECONDS] [REASON]" },
	{ "unban",	cmd_unban,	true,	1, 1, " ADDR" },
	{ "kill-call",	cmd_kill_call,	true,	1, 1, " CALL-ID" },
	{ "apply",	cmd_run_ctl,	true,	1, 2, " FILE [SECONDS]" },
	{ "rollback",	cmd_run_ctl,	true,	0, 0, "" },
	{ "confirm",	cmd_run_ctl,	true,	0, 0, "" },
	{ "block-ext",	cmd_toll,	true,	1, 2, " EXT [SECONDS]" },
	{ "unblock-ext", cmd_toll,	true,	1, 1, " EXT" },
	{ "block-class", cmd_toll,	true,	1, 2, " CLASS [SECONDS]" },
	{ "unblock-class", cmd_toll,	true,	1, 1, " CLASS" },
	{ "block-user",	cmd_toll,	true,	1, 2, " USER [SECONDS]" },
	{ "unblock-user", cmd_toll,	true,	1, 1, " USER" },
};

static bool in_groups(gid_t gid, gid_t primary, const gid_t *groups,
		      unsigned int n)
{
	unsigned int i;

	if (gid == primary)
		return true;
	for (i = 0; i < n; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/*
 * The peer's role, from the kernel's word: SO_PEERCRED's uid and gid
 * (as they were at connect), and SO_PEERGROUPS's supplementary groups.
 * Fail-closed: credentials the kernel will not give mean no role; a
 * kernel without SO_PEERGROUPS (before 4.13) leaves the primary group.
 */
static enum ctl_role peer_role(struct ctlsock *cs, int fd, uid_t *uid)
{
	gid_t stack[64], *groups = stack;
	socklen_t len = sizeof(stack);
	enum ctl_role role = CTL_ROLE_NONE;
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	unsigned int n = 0;

	*uid = (uid_t)-1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen))
		return CTL_ROLE_NONE;
	*uid = cred.uid;
	if (cred.uid == 0)
		return CTL_ROLE_ADMIN;
	if (!cs->has_group && !cs->has_admin)
		return CTL_ROLE_NONE;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len)) {
		if (errno != ERANGE) {
			len = 0;	/* ENOPROTOOPT: primary group only */
		} else {
			/* the kernel said how much room the list needs */
			groups = malloc(len);
			if (!groups)
				return CTL_ROLE_NONE;
			if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups,
				       &len))
				len = 0;
		}
	}
	n = len / sizeof(gid_t);
	if (cs->has_admin && in_groups(cs->admin, cred.gid, groups, n))
		role = CTL_ROLE_ADMIN;
	else if (cs->has_group && in_groups(cs->group, cred.gid, groups, n))
		role = CTL_ROLE_READ;
	if (groups != stack)
		free(groups);
	return role;
}

/* "ban needs root or group ADMIN", "status needs root, group RO or group ADMIN" */
static void say_denied(struct ctlsock *cs, FILE *out, const struct ctl_cmd *c)
{
	const char *g[2];
	unsigned int n = 0;

	if (!c->admin && cs->has_group)
		g[n++] = cs->st->cfg->socket_group;
	if (cs->has_admin)
		g[n++] = cs->st->cfg->admin_group;
	fprintf(out, "error: permission denied (%s needs root", c->name);
	if (n == 2)
		fprintf(out, ", group %s or group %s", g[0], g[1]);
	else if (n == 1)
		fprintf(out, " or group %s", g[0]);
	fprintf(out, ")\n");
}

/* Split @line into words: the verb in *@verb, the rest in @req. */
static bool split_line(char *line, char **verb, struct ctl_req *req)
{
	char *save = NULL, *w;

	*verb = strtok_r(line, " \t", &save);
	if (!*verb)
		return false;
	while ((w = strtok_r(NULL, " \t", &save))) {
		if (req->argc == CTL_ARGS_MAX)
			return false;
		req->argv[req->argc++] = w;
	}
	/* "json" last asks for JSON; arguments never read "json" */
	if (req->argc && !strcmp(req->argv[req->argc - 1], "json")) {
		req->json = true;
		req->argc--;
	}
	return true;
}

/*
 * Read one line, within a second, with recvmsg: a descriptor passed
 * along (SCM_RIGHTS) lands in *@passed (the first; any other is closed).
 */
static size_t read_line(int fd, char *line, size_t size, int *passed)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t got = 0;

	*passed = -1;
	while (got < size - 1) {
		union {
			char		buf[CMSG_SPACE(4 * sizeof(int))];
			struct cmsghdr	align;
		} ctrl;
		struct iovec iov = { .iov_base = line + got,
				     .iov_len = size - 1 - got };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = ctrl.buf,
				      .msg_controllen = sizeof(ctrl.buf) };
		struct cmsghdr *cm;
		ssize_t n;

		if (poll(&pfd, 1, 1000) <= 0)
			break;
		n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
		for (cm = CMSG_FIRSTHDR(&msg); n >= 0 && cm;
		     cm = CMSG_NXTHDR(&msg, cm)) {
			size_t k, nfd;

			if (cm->cmsg_level != SOL_SOCKET ||
			    cm->cmsg_type != SCM_RIGHTS)
				continue;
			nfd = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (k = 0; k < nfd; k++) {
				int f;

				memcpy(&f, CMSG_DATA(cm) + k * sizeof(int),
				       sizeof(int));
				if (*passed < 0)
					*passed = f;
				else
					close(f);
			}
		}
		if (n <= 0)
			break;
		got += (size_t)n;
		if (memchr(line, '\n', got))
			break;
	}
	line[got] = '\0';
	return got;
}

static void serve_client(struct ctlsock *cs, int fd)
{
	char line[CTL_LINE_MAX];
	struct ctl_req req = { .argc = 0 };
	enum ctl_role role;
	unsigned int i;
	FILE *out;
	char *nl, *verb = NULL;
	bool ok;

	read_line(fd, line, sizeof(line), &req.fd);
	nl = strchr(line, '\n');
	if (nl)
		*nl = '\0';
	out = fdopen(fd, "w");
	if (!out) {
		close(fd);
		goto out_fd;
	}
	role = peer_role(cs, fd, &req.uid);
	ok = split_line(line, &verb, &req);
	req.verb = verb;
	for (i = 0; ok && i < sizeof(ctl_cmds) / sizeof(ctl_cmds[0]); i++) {
		const struct ctl_cmd *c = &ctl_cmds[i];

		if (strcmp(verb, c->name))
			continue;
		/* the role first: a refused peer learns nothing more */
		if (role == CTL_ROLE_NONE ||
		    (c->admin && role != CTL_ROLE_ADMIN)) {
			say_denied(cs, out, c);
			if (c->admin)
				voipfwd_log(NULL, LOG_NOTICE,
					    "uid %d refused: %s",
					    (int)req.uid, c->name);
		} else if (req.argc < c->min_args || req.argc > c->max_args) {
			fprintf(out, "error: usage: %s%s\n", c->name, c->args);
		} else {
			c->fn(cs, out, &req);
		}
		fclose(out);
		goto out_fd;
	}
	fprintf(out, "error: unknown command '%s'\n", verb ? verb : "");
	fclose(out);
out_fd:
	if (req.fd >= 0)
		close(req.fd);
}

/*
 * With both groups, the socket belongs to control-group and admin-group
 * gets the same access through a POSIX ACL entry, so that an admin need
 * not be in control-group too.  Written as the kernel's xattr format
 * (linux/posix_acl_xattr.h: little-endian, entries sorted by tag):
 * user::rw- group::rw- group:ADMIN:rw- mask::rw- other::---.
 */
static int acl_add_group(const char *path, gid_t gid)
{
	struct {
		struct posix_acl_xattr_header	h;
		struct posix_acl_xattr_entry	e[5];
	} acl;
	static const uint16_t tags[5] = { ACL_USER_OBJ, ACL_GROUP_OBJ,
					  ACL_GROUP, ACL_MASK, ACL_OTHER };
	unsigned int i;

	memset(&acl, 0, sizeof(acl));
	acl.h.a_version = htole32(POSIX_ACL_XATTR_VERSION);
	for (i = 0; i < 5; i++) {
		acl.e[i].e_tag = htole16(tags[i]);
		acl.e[i].e_perm = htole16(tags[i] == ACL_OTHER ? 0 :
					  ACL_READ | ACL_WRITE);
		acl.e[i].e_id = htole32(tags[i] == ACL_GROUP ? (uint32_t)gid :
					(uint32_t)ACL_UNDEFINED_ID);
	}
	return setxattr(path, "system.posix_acl_access", &acl, sizeof(acl), 0);
}

static int lookup_group(const char *key, const char *name, gid_t *gid,
			char *err, size_t errlen)
{
	struct group *g = getgrnam(name);

	if (!g) {
		snprintf(err, errlen, "%s '%s' does not exist", key, name);
		return -1;
	}
	*gid = g->gr_gid;
	return 0;
}

struct ctlsock *ctlsock_open(struct voipfwd_state *st, char *err,
			     size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct ctlsock *cs = calloc(1, sizeof(*cs));
	char dir[108], *slash;

	if (!cs) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	cs->st = st;
	snprintf(cs->path, sizeof(cs->path), "%s", st->cfg->socket_path);
	if (st->cfg->socket_group[0]) {
		if (lookup_group("control-group", st->cfg->socket_group,
				 &cs->group, err, errlen))
			goto err_free;
		cs->has_group = true;
	}
	if (st->cfg->admin_group[0]) {
		if (lookup_group("admin-group", st->cfg->admin_group,
				 &cs->admin, err, errlen))
			goto err_free;
		cs->has_admin = true;
	}
	snprintf(dir, sizeof(dir), "%s", cs->path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755);
	}
	cs->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cs->fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		goto err_free;
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", cs->path);
	unlink(cs->path);
	if (bind(cs->fd, (struct sockaddr *)&sun, sizeof(sun)) ||
	    listen(cs->fd, 16)) {
		snprintf(err, errlen, "%s: %s", cs->path, strerror(errno));
		goto err_close;
	}
	/*
	 * Who may connect at all: root only (0600), or root and the groups
	 * (0660, group control-group, else admin-group; with both, an ACL
	 * entry for admin-group).  What each may do is decided per command
	 * from the peer's credentials (peer_role): the file's mode is the
	 * first fence, not the only one.
	 */
	if (chmod(cs->path, cs->has_group || cs->has_admin ? 0660 : 0600) ||
	    ((cs->has_group || cs->has_admin) &&
	     chown(cs->path, 0, cs->has_group ? cs->group : cs->admin))) {
		snprintf(err, errlen, "%s: %s", cs->path, strerror(errno));
		goto err_unlink;
	}
	if (cs->has_group && cs->has_admin && cs->admin != cs->group &&
	    acl_add_group(cs->path, cs->admin))
		voipfwd_log(NULL, LOG_WARNING,
			    "%s: no ACL for admin-group %s (%s): its members "
			    "reach the socket only if they are in control-group "
			    "%s too", cs->path, st->cfg->admin_group,
			    strerror(errno), st->cfg->socket_group);
	return cs;
err_unlink:
	unlink(cs->path);
err_close:
	close(cs->fd);
err_free:
	free(cs);
	return NULL;
}

void ctlsock_serve(struct ctlsock *cs, int timeout_ms)
{
	struct pollfd pfd = { .fd = cs->fd, .events = POLLIN };
	int fd;

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return;
	fd = accept4(cs->fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0)
		serve_client(cs, fd);
}

void ctlsock_close(struct ctlsock *cs)
{
	if (!cs)
		return;
	close(cs->fd);
	unlink(cs->path);
	free(cs);
}
