// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctlsock.c - the control socket.  Commands are a table; each prints one
 * item per line, or a JSON document with "json".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "ctlsock.h"
#include "nft/nfttab.h"

struct ctlsock {
	struct voipfwd_state	*st;
	int			fd;
	gid_t			group;
	bool			has_group;
	char			path[108];
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

static void cmd_status(struct ctlsock *cs, FILE *out, bool json)
{
	struct engine_stats sum = { 0 }, st;
	unsigned int i, r;

	for (i = 0; i < cs->st->n_workers; i++) {
		pthread_mutex_lock(&cs->st->workers[i].lock);
		engine_get_stats(cs->st->workers[i].engine, &st);
		pthread_mutex_unlock(&cs->st->workers[i].lock);
		sum.messages += st.messages;
		sum.accepted += st.accepted;
		sum.dropped += st.dropped;
		sum.pinholes_opened += st.pinholes_opened;
		sum.pinholes_closed += st.pinholes_closed;
		sum.commits += st.commits;
		sum.commit_failures += st.commit_failures;
		sum.dialogs += st.dialogs;
		sum.pinholes += st.pinholes;
		for (r = 0; r < __ENGINE_R_MAX; r++)
			sum.by_reason[r] += st.by_reason[r];
		for (r = 0; r < __SIP_REASON_MAX; r++)
			sum.by_sip_reason[r] += st.by_sip_reason[r];
	}
	if (json) {
		fprintf(out, "{\"queues\":\"%u-%u\",\"queue_path\":\"%s\","
			"\"fail_mode\":\"%s\",\"calls\":%u,\"pinholes\":%u,"
			"\"pinholes_opened\":%llu,\"pinholes_closed\":%llu,"
			"\"messages\":%llu,\"accepted\":%llu,\"dropped\":%llu,"
			"\"commits\":%llu,\"commit_failures\":%llu,"
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
			(unsigned long long)sum.commit_failures);
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

static void cmd_calls(struct ctlsock *cs, FILE *out, bool json)
{
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

static void cmd_pinholes(struct ctlsock *cs, FILE *out, bool json)
{
	struct dump_out d = { out, json, 0 };

	/* the kernel's sets are the truth: media may have refreshed them */
	if (json)
		fputc('[', out);
	if (nfttab_pinhole_dump(cs->st->table, print_pinhole, &d) < 0)
		fprintf(out, "%serror: %s\n", json ? "]" : "", strerror(errno));
	else if (json)
		fprintf(out, "]\n");
}

/* Read-only commands: root, or a member of control-group. */
static const struct ctl_cmd {
	const char	*name;
	void		(*fn)(struct ctlsock *cs, FILE *out, bool json);
	bool		admin;
} ctl_cmds[] = {
	{ "status",	cmd_status,	false },
	{ "calls",	cmd_calls,	false },
	{ "pinholes",	cmd_pinholes,	false },
};

static bool peer_allowed(struct ctlsock *cs, int fd, bool admin)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	/* the kernel's word, not the client's */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return false;
	if (cred.uid == 0)
		return true;
	return !admin && cs->has_group && cred.gid == cs->group;
}

static void serve_client(struct ctlsock *cs, int fd)
{
	char line[128];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;
	size_t got = 0;
	unsigned int i;
	FILE *out;
	bool json;
	char *nl;

	/* one short line, within a second */
	while (got < sizeof(line) - 1) {
		if (poll(&pfd, 1, 1000) <= 0)
			break;
		n = read(fd, line + got, sizeof(line) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		if (memchr(line, '\n', got))
			break;
	}
	line[got] = '\0';
	nl = strchr(line, '\n');
	if (nl)
		*nl = '\0';
	out = fdopen(fd, "w");
	if (!out) {
		close(fd);
		return;
	}
	json = strstr(line, " json") != NULL;
	if (json)
		*strstr(line, " json") = '\0';
	for (i = 0; i < sizeof(ctl_cmds) / sizeof(ctl_cmds[0]); i++) {
		if (strcmp(line, ctl_cmds[i].name))
			continue;
		if (!peer_allowed(cs, fd, ctl_cmds[i].admin))
			fprintf(out, "error: permission denied\n");
		else
			ctl_cmds[i].fn(cs, out, json);
		fclose(out);
		return;
	}
	fprintf(out, "error: unknown command '%s'\n", line);
	fclose(out);
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
		struct group *g = getgrnam(st->cfg->socket_group);

		if (!g) {
			snprintf(err, errlen, "control-group '%s' does not exist",
				 st->cfg->socket_group);
			goto err_free;
		}
		cs->group = g->gr_gid;
		cs->has_group = true;
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
	/* root only, or root and the read-only group */
	if (chmod(cs->path, cs->has_group ? 0660 : 0600) ||
	    (cs->has_group && chown(cs->path, 0, cs->group))) {
		snprintf(err, errlen, "%s: %s", cs->path, strerror(errno));
		goto err_unlink;
	}
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
