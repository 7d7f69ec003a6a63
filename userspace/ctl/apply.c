// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * apply.c - `voipfwctl apply FILE [--confirm SECONDS]`, `rollback` and
 * `confirm`: the zone policy into the kernel of the current network
 * namespace with libnftables, and the versions kept in the state
 * directory (ctl_state.h).
 *
 * Output (stable for scripts):
 *   apply:    FILE: applied as version N[, previous version M]   (stdout)
 *             FILE: the kernel refused the ruleset: + nft's text (stderr, 1)
 *   rollback: rolled back to FILE (version N)[, version M is previous]
 *   confirm:  confirmed FILE (version N), watcher PID stopped
 *
 * While a --confirm is pending, apply and rollback refuse (exit 1): the
 * watcher rolls back to the version that was applied before, and a
 * third version in between would make "before" ambiguous.  The operator
 * confirms first (or lets it roll back) and then goes on.
 *
 * The watcher is a double-forked, setsid()ed child named
 * CTL_STATE_WATCHER_COMM, no fds, SIGHUP ignored; its pid and start time
 * are in confirm.pid.  At the deadline it takes the state lock with
 * SIGTERM blocked and rolls back only if confirm.pid still names it:
 * `confirm` removes the pidfile under the same lock before it signals,
 * so a confirm and a deadline that cross never both win.  It logs what
 * it did to syslog (LOG_DAEMON).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "ctl/ctl_nft.h"
#include "ctl/ctl_state.h"
#include "policy/policy.h"
#include "policy/policy_nft.h"

/* The longest --confirm: a day.  A watcher is for minutes. */
#define APPLY_CONFIRM_MAX	86400

/*
 * apply, rollback and confirm change the kernel's ruleset and the state
 * directory with libnftables: here, they need CAP_NET_ADMIN in this
 * network namespace (root).  Without it, or with --socket, they go
 * through voipfwd (ctl_remote), which lets root and admin-group do them
 * and runs this program as root for them.
 */
static bool has_net_admin(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	memset(d, 0, sizeof(d));
	return syscall(SYS_capget, &h, d) == 0 &&
	       (d[CAP_TO_INDEX(CAP_NET_ADMIN)].effective &
		CAP_TO_MASK(CAP_NET_ADMIN));
}

/* Go through voipfwd?  Then the state directory is voipfwd's. */
static bool use_remote(const char *verb, const struct ctl_state_args *a,
		       FILE *out, FILE *err, int *rc)
{
	if (!a->socket && has_net_admin())
		return false;
	if (a->state_dir_set) {
		fprintf(err, "voipfwctl %s: --state-dir: through voipfwd "
			"(%s), the state directory is voipfwd's "
			"(state-dir in voipfwd.conf(5))\n", verb,
			a->socket ? "--socket" : "not root");
		*rc = CTL_EXIT_USAGE;
	} else {
		*rc = ctl_remote(verb, a, out, err);
	}
	return true;
}

enum { OPT_AS = 256 };

static const struct option state_opts[] = {
	{ "state-dir",	required_argument,	NULL, 'd' },
	{ "confirm",	required_argument,	NULL, 'c' },
	{ "socket",	required_argument,	NULL, 's' },
	{ "as",		required_argument,	NULL, OPT_AS },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int ctl_state_args(const struct ctl_cmd_ops *cmd, int argc, char **argv,
		   FILE *out, FILE *err, bool confirm_opt, int nfiles,
		   struct ctl_state_args *a)
{
	char *end;
	int c;

	/* only these go through voipfwd */
	bool remote_opt = cmd == &ctl_cmd_apply || cmd == &ctl_cmd_rollback ||
			  cmd == &ctl_cmd_confirm;

	memset(a, 0, sizeof(*a));
	a->state_dir = CTL_STATE_DIR;
	optind = 1;
	while ((c = getopt_long(argc, argv, confirm_opt ? "d:c:s:h" : "d:s:h",
				state_opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			a->state_dir = optarg;
			a->state_dir_set = true;
			break;
		case 's':
			if (!remote_opt)
				goto usage;
			a->socket = optarg;
			break;
		case OPT_AS:
			if (cmd != &ctl_cmd_apply)
				goto usage;
			a->as = optarg;
			break;
		case 'c':
			if (!confirm_opt)
				goto usage;
			errno = 0;
			a->confirm = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || a->confirm < 1 ||
			    a->confirm > APPLY_CONFIRM_MAX) {
				fprintf(err, "voipfwctl %s: --confirm '%s': "
					"seconds from 1 to %d\n", cmd->name,
					optarg, APPLY_CONFIRM_MAX);
				return CTL_EXIT_USAGE;
			}
			break;
		case 'h':
			cmd->help(out);
			return CTL_EXIT_OK;
		default:
			goto usage;
		}
	}
	if (argc - optind != nfiles) {
		fprintf(err, "voipfwctl %s: %s\n", cmd->name,
			argc - optind < nfiles ? "no FILE given" :
			nfiles ? "one FILE at a time" : "no arguments expected");
		goto usage;
	}
	if (nfiles)
		a->file = argv[optind];
	if (!*a->state_dir) {
		fprintf(err, "voipfwctl %s: --state-dir is empty\n", cmd->name);
		return CTL_EXIT_USAGE;
	}
	return -1;
usage:
	cmd->help(err);
	return CTL_EXIT_USAGE;
}

char *ctl_version_script(const char *verb, const char *what,
			 const struct ctl_version *v, FILE *err)
{
	struct policy_error *perr = malloc(sizeof(*perr));
	struct policy *pol;
	char *script = NULL;

	if (!perr) {
		fprintf(err, "voipfwctl %s: out of memory\n", verb);
		return NULL;
	}
	pol = policy_parse(v->conf, v->len, v->file, perr);
	if (!pol) {
		/* the compiler changed since, or the file was edited */
		fprintf(err, "voipfwctl %s: %s no longer parses: %s\n", verb,
			what, perr->text);
	} else {
		script = policy_nft_compile(pol, NULL);
		if (!script)
			fprintf(err, "voipfwctl %s: %s\n", verb, strerror(errno));
		policy_free(pol);
	}
	free(perr);
	return script;
}

/*
 * The commands that go after @script in its transaction: the delete of
 * table bridge voipfw when @script has no VLAN zone and an earlier
 * version left the table, and the flush and delete of each zf_/zp_
 * chain in the kernel that @script does not declare (zones renamed or
 * removed, pairs without rules any more).  The stale chains are flushed
 * first, all of them, then deleted: by then the script has flushed
 * zones_forward and refilled the chains it keeps, so no rule jumps to
 * them.  voipfwd's chains are never listed (ctl_nft_policy_chains()).
 * Returns a malloc'ed text ("" when nothing is stale), or NULL with
 * *@e set (nft's text, or NULL: out of memory).
 */
static char *stale_cmds(const char *script, char **e)
{
	struct ctl_nft_chains live;
	char *text = NULL;
	size_t len = 0, i;
	unsigned int n = 0;
	FILE *f;
	int rc = 0;

	*e = NULL;
	if (!policy_nft_script_bridged(script)) {
		rc = ctl_nft_bridge_table(e);
		if (rc < 0)
			return NULL;
	}
	if (ctl_nft_policy_chains(&live, e))
		return NULL;
	f = open_memstream(&text, &len);
	if (!f)
		goto out;
	if (rc)
		fputs("# no VLAN zone in this version: voipfw's bridge table "
		      "goes\ndelete table bridge " POLICY_NFT_BRIDGE_TABLE "\n",
		      f);
	/* the names that stay are cleared: what is left is stale */
	for (i = 0; i < live.n; i++) {
		char *c = live.names[i];

		if (!policy_nft_chain_is_policy(c) ||
		    policy_nft_script_has_chain(script, c)) {
			*c = '\0';
			continue;
		}
		if (!n++)
			fputs("# chains of the version before that this one "
			      "lacks\n", f);
		fprintf(f, "flush chain inet voipfw %s\n", c);
	}
	for (i = 0; i < live.n; i++)
		if (*live.names[i])
			fprintf(f, "delete chain inet voipfw %s\n",
				live.names[i]);
	if (fclose(f)) {
		free(text);
		text = NULL;
	}
out:
	ctl_nft_chains_free(&live);
	return text;
}

/* The script through apply.nft of the state dir (see ctl_nft_apply()):
 * 0, 1 refused (said on @err after @what), 2 I/O error. */
static int run_script(const struct ctl_state *st, const char *script,
		      const char *verb, const char *what, FILE *err)
{
	char *path, *e, *tail, *text = NULL;
	int rc = 0;

	/*
	 * What an earlier version left that this one lacks goes in the
	 * same transaction as the new policy (nothing half-applied):
	 * stale_cmds().  Live state is read under the state lock; a
	 * change by hand in between makes nft refuse the whole batch.
	 */
	tail = stale_cmds(script, &e);
	if (!tail) {
		if (!e) {
			fprintf(err, "voipfwctl %s: %s\n", verb,
				strerror(ENOMEM));
			return 2;
		}
		fprintf(err, "voipfwctl %s: %s: cannot list the policy's chains "
			"in the kernel:\n%s", verb, what, e);
		free(e);
		return 1;
	}
	if (*tail && asprintf(&text, "%s%s", script, tail) < 0) {
		free(tail);
		fprintf(err, "voipfwctl %s: %s\n", verb, strerror(errno));
		return 2;
	}
	free(tail);
	path = ctl_state_script(st, text ? text : script);
	free(text);
	if (!path) {
		fprintf(err, "voipfwctl %s: %s/apply.nft: %s\n", verb, st->dir,
			strerror(errno));
		return 2;
	}
	if (ctl_nft_apply(path, &e)) {
		fprintf(err, "voipfwctl %s: %s: the kernel refused the "
			"ruleset:\n%s", verb, what, e);
		free(e);
		rc = 1;
	}
	free(path);
	return rc;
}

/*
 * @pol's first VLAN as "FILE:LINE:COL: zone Z: vlan ID on BR" into @buf,
 * or "" when it has none: where a kernel without bridge filtering
 * refuses the policy, in the operator's words.
 */
static void first_vlan(const struct policy *pol, char *buf, size_t size)
{
	unsigned int i;

	*buf = '\0';
	for (i = 0; i < pol->n_zones; i++) {
		const struct policy_zone *z = &pol->zones[i];

		if (z->n_vlans) {
			snprintf(buf, size, "%s:%u:%u: zone %s: vlan %u on %s",
				 pol->file, z->vlans[0].loc.line,
				 z->vlans[0].loc.col, z->name, z->vlans[0].id,
				 z->vlans[0].bridge);
			return;
		}
	}
}

/*
 * VLAN zones need bridge filtering the kernel may lack; nft's own error
 * would name a line of apply.nft and an errno.  0 when there is nothing
 * to check or all is there, else the exit status (said on @err).
 */
static int probe_bridge(const char *vlan, FILE *err)
{
	const char *feature;
	char *e;
	int rc;

	if (!*vlan)
		return 0;
	rc = ctl_nft_probe_bridge(&feature, &e);
	if (rc > 0)
		/* nft's first line only: the rest quotes the probe, not
		 * the operator's file */
		fprintf(err, "voipfwctl apply: %s: this kernel cannot filter "
			"bridged VLANs: no %s; nothing changed (nft: %.*s)\n",
			vlan, feature, (int)strcspn(e, "\n"), e);
	else if (rc < 0)
		fprintf(err, "voipfwctl apply: %s: cannot probe the kernel's "
			"bridge filtering:\n%s", vlan, e);
	free(e);
	return rc ? CTL_EXIT_INVALID : 0;
}

/* After a change: keep the kernel's own listing for `diff`.  Failing to
 * read it back is not fatal: diff then cannot tell hand edits apart. */
static void save_listing(const struct ctl_state *st, const char *verb,
			 FILE *err)
{
	char *text, *e;

	if (ctl_nft_list_policy(true, &text, &e)) {
		fprintf(err, "voipfwctl %s: warning: cannot list the policy "
			"chains: %s", verb, e);
		free(e);
		ctl_state_save_list(st, NULL);
		return;
	}
	if (ctl_state_save_list(st, text))
		fprintf(err, "voipfwctl %s: warning: %s/applied.list: %s\n",
			verb, st->dir, strerror(errno));
	free(text);
}

static int refuse_pending(const struct ctl_state *st, const char *verb,
			  FILE *err)
{
	long long deadline;
	char when[24];
	struct tm tm;
	time_t t;
	pid_t pid;
	int rc = ctl_state_watcher(st, &pid, &deadline);

	if (rc < 0) {
		fprintf(err, "voipfwctl %s: %s/confirm.pid: %s\n", verb,
			st->dir, strerror(errno));
		return CTL_EXIT_USAGE;
	}
	if (!rc)
		return -1;
	t = (time_t)deadline;
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(err, "voipfwctl %s: the last apply waits for confirmation "
		"(watcher pid %d rolls it back at %s): run `voipfwctl confirm` "
		"or let it roll back first\n", verb, (int)pid, when);
	return CTL_EXIT_INVALID;
}

/*
 * Roll back to previous.*, locked: the previous version becomes the
 * applied one and the applied one the previous.  Shared by `rollback`
 * and the watcher.
 */
static int do_rollback(const struct ctl_state *st, const char *verb,
		       FILE *out, FILE *err)
{
	struct ctl_version prev, cur;
	char *script;
	int rc, have_cur;

	rc = ctl_state_load(st, CTL_STATE_PREVIOUS, &prev);
	if (rc) {
		if (rc > 0)
			fprintf(err, "voipfwctl %s: nothing to roll back to: "
				"no previous version in %s\n", verb, st->dir);
		else
			fprintf(err, "voipfwctl %s: %s/previous.conf: %s\n",
				verb, st->dir, strerror(errno));
		return rc > 0 ? CTL_EXIT_INVALID : CTL_EXIT_USAGE;
	}
	have_cur = ctl_state_load(st, CTL_STATE_APPLIED, &cur);
	if (have_cur < 0) {
		fprintf(err, "voipfwctl %s: %s/applied.conf: %s\n", verb,
			st->dir, strerror(errno));
		rc = CTL_EXIT_USAGE;
		goto out;
	}
	script = ctl_version_script(verb, "previous.conf", &prev, err);
	if (!script) {
		rc = CTL_EXIT_INVALID;
		goto out_cur;
	}
	rc = run_script(st, script, verb, prev.file, err);
	if (rc) {
		rc = rc == 1 ? CTL_EXIT_INVALID : CTL_EXIT_USAGE;
		goto out_script;
	}
	/* applied first: a crash in between loses the version left, not
	 * the one now in the kernel */
	if (ctl_state_save(st, CTL_STATE_APPLIED, &prev) ||
	    ctl_state_save(st, CTL_STATE_PREVIOUS, have_cur ? NULL : &cur)) {
		fprintf(err, "voipfwctl %s: rolled back, but %s: %s\n", verb,
			st->dir, strerror(errno));
		rc = CTL_EXIT_USAGE;
		goto out_script;
	}
	save_listing(st, verb, err);
	fprintf(out, "rolled back to %s (version %lu)", prev.file,
		prev.version);
	if (!have_cur)
		fprintf(out, ", version %lu is previous", cur.version);
	fputc('\n', out);
	rc = CTL_EXIT_OK;
out_script:
	free(script);
out_cur:
	if (!have_cur)
		ctl_state_version_free(&cur);
out:
	ctl_state_version_free(&prev);
	return rc;
}

/*
 * An unconfirmed apply runs out: back to the previous version, or, when
 * the first version ever was not confirmed, no policy at all (the
 * chains are removed; the unconfirmed version becomes previous, so
 * `rollback` can bring it back).  Locked.
 */
static int expire(const struct ctl_state *st, const char *verb, FILE *out,
		  FILE *err)
{
	struct ctl_version cur;
	char *e;
	int rc = ctl_state_load(st, CTL_STATE_PREVIOUS, &cur);

	if (rc < 0) {
		fprintf(err, "voipfwctl %s: %s/previous.conf: %s\n", verb,
			st->dir, strerror(errno));
		return CTL_EXIT_USAGE;
	}
	if (!rc) {
		ctl_state_version_free(&cur);
		return do_rollback(st, verb, out, err);
	}
	if (ctl_nft_remove_policy(&e)) {
		fprintf(err, "voipfwctl %s: cannot remove the policy chains:\n%s",
			verb, e);
		free(e);
		return CTL_EXIT_INVALID;
	}
	rc = ctl_state_load(st, CTL_STATE_APPLIED, &cur);
	if (rc == 0 && (ctl_state_save(st, CTL_STATE_PREVIOUS, &cur) ||
			ctl_state_save(st, CTL_STATE_APPLIED, NULL)))
		rc = -1;
	ctl_state_save_list(st, NULL);
	if (rc < 0) {
		fprintf(err, "voipfwctl %s: policy removed, but %s: %s\n", verb,
			st->dir, strerror(errno));
		ctl_state_version_free(&cur);
		return CTL_EXIT_USAGE;
	}
	if (rc)
		fputs("removed the policy chains\n", out);
	else
		fprintf(out, "removed the policy chains: no version before %s "
			"(version %lu), which is now previous\n", cur.file,
			cur.version);
	ctl_state_version_free(&cur);
	return CTL_EXIT_OK;
}

/* syslog each line of @text. */
static void log_lines(int prio, char *text)
{
	char *line, *save;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		syslog(prio, "%s", line);
}

/* The watcher's life: it never returns. */
static void __attribute__((noreturn))
watcher_main(const char *dir, long seconds, int ready_fd,
	     const char *file, unsigned long version)
{
	struct timespec until;
	struct ctl_state st = { .dir = (char *)dir, .lockfd = -1 };
	char *o = NULL, *e = NULL;
	size_t ol, el;
	FILE *out, *err;
	sigset_t term;
	int fd, rc;

	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_NAME, CTL_STATE_WATCHER_COMM, 0, 0, 0);
	if (chdir("/"))
		_exit(1);
	fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		_exit(1);
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (ready_fd != 3) {
		if (dup2(ready_fd, 3) < 0)
			_exit(1);
		ready_fd = 3;
	}
	/* the state lock's fd goes too: the parent holds it still */
	close_range(4, ~0U, 0);
	if (fd > 3)
		close(fd);
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += seconds;
	if (ctl_state_set_watcher(&st, getpid(), (long long)time(NULL) + seconds))
		_exit(1);
	if (write(ready_fd, "1", 1) != 1)
		_exit(1);
	close(ready_fd);

	openlog("voipfwctl", LOG_PID, LOG_DAEMON);
	syslog(LOG_NOTICE, "%s version %lu applied: rolls back in %ld s "
	       "unless `voipfwctl confirm --state-dir %s`", file, version,
	       seconds, dir);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL))
		;	/* EINTR */

	/* from here on a confirm waits for the lock, then finds no pidfile */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
	if (ctl_state_open(&st, dir, false) || st.lockfd < 0) {
		syslog(LOG_ERR, "%s: %s: cannot roll back", dir, strerror(errno));
		_exit(1);
	}
	if (!ctl_state_is_watcher(&st)) {
		syslog(LOG_INFO, "%s version %lu was confirmed", file, version);
		_exit(0);
	}
	out = open_memstream(&o, &ol);
	err = open_memstream(&e, &el);
	if (!out || !err) {
		syslog(LOG_ERR, "out of memory: %s version %lu not rolled back",
		       file, version);
		_exit(1);
	}
	rc = expire(&st, "confirm", out, err);
	fclose(out);
	fclose(err);
	syslog(rc ? LOG_ERR : LOG_WARNING, "%s version %lu not confirmed "
	       "within %ld s: %s", file, version, seconds,
	       rc ? "rolling back FAILED" : "rolled back");
	log_lines(LOG_WARNING, o);
	log_lines(LOG_ERR, e);
	ctl_state_set_watcher(&st, 0, 0);
	_exit(rc ? 1 : 0);
}

/*
 * Start the watcher and wait until its pidfile is written, so that a
 * `confirm` right after apply finds it.  Returns 0 or -1.
 */
static int start_watcher(const struct ctl_state *st, long seconds,
			 const struct ctl_version *v, FILE *out, FILE *err)
{
	int fds[2], status;
	pid_t pid;
	char c;
	ssize_t r;

	if (pipe2(fds, O_CLOEXEC))
		return -1;
	fflush(out);
	fflush(err);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		if (setsid() < 0)
			_exit(1);
		pid = fork();
		if (pid)
			_exit(pid < 0);
		/* not a session leader: never gets a controlling tty */
		watcher_main(st->dir, seconds, fds[1], v->file, v->version);
	}
	close(fds[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	do
		r = read(fds[0], &c, 1);
	while (r < 0 && errno == EINTR);
	close(fds[0]);
	if (r != 1) {
		errno = ECHILD;
		return -1;
	}
	return 0;
}

static void apply_help(FILE *out)
{
	fprintf(out,
		"Usage: voipfwctl apply FILE [--confirm SECONDS] [--state-dir DIR]\n"
		"       voipfwctl apply FILE [--confirm SECONDS] [--socket PATH]\n\n"
		"Compiles FILE, a voipfw.conf(5), and applies it to voipfwd's table\n"
		"inet voipfw in this network namespace with libnftables: a dry run\n"
		"against the kernel first, then one transaction that replaces the\n"
		"policy chains zones_forward, zones_qos and the zf_/zp_ chains under\n"
		"zones_forward, deleting those the new version lacks (and, with VLAN\n"
		"zones, table bridge voipfw; a version without removes it).  Pinholes,\n"
		"bans and voipfwd's chains are not touched.  On any failure nothing\n"
		"changes; nft's error follows\n"
		"  voipfwctl apply: FILE: the kernel refused the ruleset:\n"
		"A kernel that cannot filter bridged VLANs is named first:\n"
		"  voipfwctl apply: FILE:LINE:COL: zone Z: vlan ID on BR: this kernel\n"
		"  cannot filter bridged VLANs: no MODULE ...\n"
		"FILE is kept in the state directory as applied.conf, the version it\n"
		"replaces as previous.conf (see rollback).  Prints\n"
		"  FILE: applied as version N[, previous version M]\n\n"
		"  -c, --confirm SECONDS  roll back by itself after SECONDS (1-%d)\n"
		"                         unless `voipfwctl confirm` runs first;\n"
		"                         apply and rollback refuse while it waits\n"
		"  -d, --state-dir DIR    default %s (created, mode 0700)\n"
		"  -s, --socket PATH      go through voipfwd's control socket, as\n"
		"                         without CAP_NET_ADMIN (root or admin-group;\n"
		"                         its state directory)\n"
		"  -h, --help             this help\n\n"
		"Exit status: 0 applied, 1 invalid FILE, kernel refused the ruleset\n"
		"or a confirm is pending, 2 usage or I/O error, 3 permission denied.\n",
		APPLY_CONFIRM_MAX, CTL_STATE_DIR);
}

static int apply_run(int argc, char **argv, FILE *out, FILE *err)
{
	struct ctl_version cur, prev, v = { 0 };
	struct ctl_state_args a;
	struct ctl_state st;
	char *script = NULL, *warnings = NULL, *abs;
	char vlan[PATH_MAX + 128];	/* first_vlan() */
	struct policy *pol = NULL;
	int rc, have_cur = 1, have_prev = 1;

	rc = ctl_state_args(&ctl_cmd_apply, argc, argv, out, err, true, 1, &a);
	if (rc >= 0)
		return rc;
	rc = ctl_policy_load("apply", a.file, a.as, err, &pol, &v.conf, &v.len);
	if (rc >= 0)
		return ctl_finish("apply", out, err, rc);
	script = policy_nft_compile(pol, &warnings);
	first_vlan(pol, vlan, sizeof(vlan));
	policy_free(pol);
	if (!script) {
		fprintf(err, "voipfwctl apply: %s\n", strerror(errno));
		rc = CTL_EXIT_USAGE;
		goto out;
	}
	if (warnings)
		fputs(warnings, err);
	/* checked here first: its errors name the operator's file */
	if (use_remote("apply", &a, out, err, &rc))
		goto out;
	if (ctl_state_open(&st, a.state_dir, true)) {
		fprintf(err, "voipfwctl apply: %s: %s\n", a.state_dir,
			strerror(errno));
		rc = CTL_EXIT_USAGE;
		goto out;
	}
	rc = refuse_pending(&st, "apply", err);
	if (rc >= 0)
		goto out_state;
	have_cur = ctl_state_load(&st, CTL_STATE_APPLIED, &cur);
	have_prev = ctl_state_load(&st, CTL_STATE_PREVIOUS, &prev);
	if (have_cur < 0 || have_prev < 0) {
		fprintf(err, "voipfwctl apply: %s: %s\n", st.dir,
			strerror(errno));
		rc = CTL_EXIT_USAGE;
		goto out_versions;
	}
	rc = probe_bridge(vlan, err);
	if (rc)
		goto out_versions;
	rc = run_script(&st, script, "apply", a.as ? a.as : a.file, err);
	if (rc) {
		rc = rc == 1 ? CTL_EXIT_INVALID : CTL_EXIT_USAGE;
		goto out_versions;
	}
	/* the absolute path: a rollback from elsewhere still says where
	 * it came from (the rule comments use the base name only) */
	abs = realpath(a.file, NULL);
	v.file = abs ? abs : strdup(a.file);
	v.version = 1 + (have_cur ? 0 : cur.version);
	if (!have_prev && prev.version >= v.version)
		v.version = prev.version + 1;
	ctl_state_now(v.time);
	/*
	 * previous first, then applied (ctl_state.h).  If either fails the
	 * kernel has the new policy and the state dir does not say so; it
	 * is not undone (apply.nft was just written there, so this is a
	 * disk that filled up or failed in between): the operator is told,
	 * exit 2, and with --confirm no watcher is started, which the
	 * message says too.
	 */
	if (!v.file ||
	    (!have_cur && ctl_state_save(&st, CTL_STATE_PREVIOUS, &cur)) ||
	    ctl_state_save(&st, CTL_STATE_APPLIED, &v)) {
		fprintf(err, "voipfwctl apply: %s is applied, but the state "
			"directory %s was not updated: %s%s\n",
			a.as ? a.as : a.file, st.dir,
			strerror(errno), a.confirm ? "; no confirm watcher "
			"started, roll back by hand" : "");
		rc = CTL_EXIT_USAGE;
		goto out_versions;
	}
	save_listing(&st, "apply", err);
	fprintf(out, "%s: applied as version %lu", a.as ? a.as : a.file,
		v.version);
	if (!have_cur)
		fprintf(out, ", previous version %lu", cur.version);
	fputc('\n', out);
	rc = CTL_EXIT_OK;
	if (a.confirm) {
		if (start_watcher(&st, a.confirm, &v, out, err)) {
			/* fail-safe: the operator asked for a way back; without
			 * the watcher, take it now rather than leave an
			 * unconfirmed policy in place */
			fprintf(err, "voipfwctl apply: cannot start the confirm "
				"watcher (%s): rolling back now\n",
				strerror(errno));
			expire(&st, "apply", out, err);
			rc = CTL_EXIT_USAGE;
		} else {
			fprintf(out, "rolls back in %ld s unless `voipfwctl "
				"confirm` runs first\n", a.confirm);
		}
	}
out_versions:
	if (!have_cur)
		ctl_state_version_free(&cur);
	if (!have_prev)
		ctl_state_version_free(&prev);
out_state:
	ctl_state_close(&st);
out:
	free(v.file);
	free(v.conf);
	free(warnings);
	free(script);
	return ctl_finish("apply", out, err, rc);
}

static void rollback_help(FILE *out)
{
	fprintf(out,
		"Usage: voipfwctl rollback [--state-dir DIR | --socket PATH]\n\n"
		"Applies previous.conf of the state directory again, as apply does\n"
		"(dry run, then one transaction).  It becomes applied.conf and the\n"
		"version rolled back from becomes previous.conf, so a second\n"
		"rollback returns.  Prints\n"
		"  rolled back to FILE (version N)[, version M is previous]\n\n"
		"  -d, --state-dir DIR    default %s\n"
		"  -s, --socket PATH      through voipfwd (see apply --help)\n"
		"  -h, --help             this help\n\n"
		"Exit status: 0 rolled back, 1 no previous version, kernel refused\n"
		"the ruleset or a confirm is pending, 2 usage or I/O error, 3\n"
		"permission denied.\n",
		CTL_STATE_DIR);
}

static int rollback_run(int argc, char **argv, FILE *out, FILE *err)
{
	struct ctl_state_args a;
	struct ctl_state st;
	int rc;

	rc = ctl_state_args(&ctl_cmd_rollback, argc, argv, out, err, false, 0,
			    &a);
	if (rc >= 0)
		return rc;
	if (use_remote("rollback", &a, out, err, &rc))
		return rc;
	if (ctl_state_open(&st, a.state_dir, false)) {
		fprintf(err, "voipfwctl rollback: %s: %s\n", a.state_dir,
			strerror(errno));
		return CTL_EXIT_USAGE;
	}
	rc = refuse_pending(&st, "rollback", err);
	if (rc < 0)
		rc = do_rollback(&st, "rollback", out, err);
	ctl_state_close(&st);
	return ctl_finish("rollback", out, err, rc);
}

static void confirm_help(FILE *out)
{
	fprintf(out,
		"Usage: voipfwctl confirm [--state-dir DIR | --socket PATH]\n\n"
		"Keeps the policy of the last `apply --confirm`: stops the watcher\n"
		"that would roll it back.  Prints\n"
		"  confirmed FILE (version N), watcher PID stopped\n\n"
		"  -d, --state-dir DIR    default %s\n"
		"  -s, --socket PATH      through voipfwd (see apply --help)\n"
		"  -h, --help             this help\n\n"
		"Exit status: 0 confirmed, 1 nothing to confirm, 2 usage or I/O\n"
		"error, 3 permission denied.\n", CTL_STATE_DIR);
}

static int confirm_run(int argc, char **argv, FILE *out, FILE *err)
{
	struct ctl_state_args a;
	struct ctl_version cur;
	struct ctl_state st;
	long long deadline;
	pid_t pid;
	int rc, i;

	rc = ctl_state_args(&ctl_cmd_confirm, argc, argv, out, err, false, 0,
			    &a);
	if (rc >= 0)
		return rc;
	if (use_remote("confirm", &a, out, err, &rc))
		return rc;
	if (ctl_state_open(&st, a.state_dir, false)) {
		fprintf(err, "voipfwctl confirm: %s: %s\n", a.state_dir,
			strerror(errno));
		return CTL_EXIT_USAGE;
	}
	rc = ctl_state_watcher(&st, &pid, &deadline);
	if (rc <= 0) {
		if (rc < 0)
			fprintf(err, "voipfwctl confirm: %s/confirm.pid: %s\n",
				st.dir, strerror(errno));
		else
			fprintf(err, "voipfwctl confirm: nothing to confirm: "
				"no rollback is pending in %s\n", a.state_dir);
		ctl_state_close(&st);
		return rc < 0 ? CTL_EXIT_USAGE : CTL_EXIT_INVALID;
	}
	/* the pidfile goes first, under the lock: a watcher whose deadline
	 * has come waits for the lock and then finds it gone */
	if (ctl_state_set_watcher(&st, 0, 0)) {
		fprintf(err, "voipfwctl confirm: %s/confirm.pid: %s\n", st.dir,
			strerror(errno));
		ctl_state_close(&st);
		return CTL_EXIT_USAGE;
	}
	kill(pid, SIGTERM);
	rc = ctl_state_load(&st, CTL_STATE_APPLIED, &cur);
	ctl_state_close(&st);
	for (i = 0; i < 50 && ctl_state_pid_alive(pid); i++)
		usleep(100 * 1000);
	if (rc == 0) {
		fprintf(out, "confirmed %s (version %lu), watcher %d stopped\n",
			cur.file, cur.version, (int)pid);
		ctl_state_version_free(&cur);
	} else {
		fprintf(out, "confirmed, watcher %d stopped\n", (int)pid);
	}
	return ctl_finish("confirm", out, err, CTL_EXIT_OK);
}

const struct ctl_cmd_ops ctl_cmd_apply = {
	.name		= "apply",
	.summary	= "apply a voipfw.conf to the kernel (libnftables)",
	.usage		= "FILE [--confirm SECONDS] [--state-dir DIR]",
	.run		= apply_run,
	.help		= apply_help,
};

const struct ctl_cmd_ops ctl_cmd_rollback = {
	.name		= "rollback",
	.summary	= "apply the previous version again",
	.usage		= "[--state-dir DIR]",
	.run		= rollback_run,
	.help		= rollback_help,
};

const struct ctl_cmd_ops ctl_cmd_confirm = {
	.name		= "confirm",
	.summary	= "keep the policy of apply --confirm",
	.usage		= "[--state-dir DIR]",
	.run		= confirm_run,
	.help		= confirm_help,
};
