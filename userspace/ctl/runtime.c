// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * runtime.c - the verbs voipfwd answers over its control socket:
 * status, calls, pinholes, bans, stats, blocks (read-only role) and ban,
 * unban, kill-call, block-ext, unblock-ext, block-class, unblock-class,
 * block-user, unblock-user (admin role).  The answer is printed as it comes; one that
 * begins with "error: " goes to stderr and sets the exit status.
 *
 * The daemon decides who may do what from the kernel's credentials of
 * this process (ctlsock.h); nothing here claims a role.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"

#define CTL_SOCKET_DEFAULT	"/run/voipfw/voipfwd.sock"
#define CTL_TIMEOUT_S		5

/**
 * struct runtime_verb - one verb of the control socket.
 * @name:   as on both command lines
 * @args:   synopsis of the arguments
 * @nargs_min/@nargs_max: how many
 * @admin:  needs the admin role (root or admin-group)
 * @json:   takes --json
 * @help:   one line
 */
struct runtime_verb {
	const char	*name;
	const char	*args;
	int		nargs_min;
	int		nargs_max;
	bool		admin;
	bool		json;
	const char	*help;
};

static const struct runtime_verb runtime_verbs[] = {
	{ "status", "", 0, 0, false, true,
	  "counters, queues and fail mode" },
	{ "calls", "", 0, 0, false, true,
	  "one call per line: CALL-ID state STATE media yes|no idle Ns" },
	{ "pinholes", "", 0, 0, false, true,
	  "one per line: udp ADDR PORT [from PEER] call CALL-ID expires SECONDS" },
	{ "bans", "", 0, 0, false, true,
	  "one per line: ADDR expires SECONDS, or ADDR permanent, then\n"
	  "            reason REASON when the ban has one (voipfwd's own bans:\n"
	  "            flood, scanner, brute-force, ...)" },
	{ "stats", "", 0, 0, false, true,
	  "messages by verdict and reason: pass|drop REASON COUNT" },
	{ "compliance", "", 0, 0, false, true,
	  "per source: ADDR signalling plaintext udp N tcp N tls not-seen\n"
	  "            media rtp N srtp N idle Ns [ua \"USER-AGENT\"]; TLS is\n"
	  "            never queued to voipfwd: a device on TLS alone is not listed" },
	{ "ban", " ADDR [SECONDS] [REASON]", 1, 3, true, false,
	  "drop every packet from ADDR (IPv4 or IPv6), for SECONDS (1 to\n"
	  "            31536000) or until unban; banning again replaces the timeout;\n"
	  "            REASON (one word, up to 64 printable bytes, no quotes or\n"
	  "            backslashes) is kept with the ban in the kernel" },
	{ "unban", " ADDR", 1, 1, true, false,
	  "lift a ban (exit 1 if ADDR is not banned)" },
	{ "kill-call", " CALL-ID", 1, 1, true, false,
	  "end a call as a BYE would: its pinholes closed, the call forgotten\n"
	  "            (exit 1 if voipfwd follows no such call)" },	{ "blocks", "", 0, 0, false, true,
	  "toll fraud: one per line: ext|class|user NAME expires SECONDS|permanent,\n"
	  "            then open breakers: breaker EXT expires SECONDS queue N" },
	{ "block-ext", " EXT [SECONDS]", 1, 2, true, false,
	  "refuse the outbound calls (classes neither internal nor exempt) of\n"
	  "            extension EXT, for SECONDS (1 to 31536000) or until unblock-ext;\n"
	  "            its live calls go on (kill-call ends one)" },
	{ "unblock-ext", " EXT", 1, 1, true, false,
	  "lift block-ext and close EXT's breaker, its per-hour counts afresh\n"
	  "            (exit 1 if neither was in force)" },
	{ "block-class", " CLASS [SECONDS]", 1, 2, true, false,
	  "refuse every extension's calls to CLASS (a class of the toll class\n"
	  "            file; not an exempt one), for SECONDS or until unblock-class" },
	{ "unblock-class", " CLASS", 1, 1, true, false,
	  "lift block-class (exit 1 if CLASS is not blocked or not a class)" },
	{ "block-user", " USER [SECONDS]", 1, 2, true, false,
	  "drop REGISTERs and INVITEs whose digest username or From user is\n"
	  "            USER (a forced logout once its registration expires), for\n"
	  "            SECONDS or until unblock-user" },
	{ "unblock-user", " USER", 1, 1, true, false,
	  "lift block-user (exit 1 if USER is not blocked)" },
};

#define N_VERBS	(sizeof(runtime_verbs) / sizeof(runtime_verbs[0]))

static const struct option runtime_opts[] = {
	{ "json",	no_argument,		NULL, 'j' },
	{ "socket",	required_argument,	NULL, 's' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/**
 * struct runtime_error - how an error answer maps to the exit status.
 * @prefix: the answer's start, after "error: "
 */
static const struct runtime_error {
	const char	*prefix;
	int		exit;
} runtime_errors[] = {
	{ "permission denied",	CTL_EXIT_DENIED },
	{ "not banned",		CTL_EXIT_INVALID },
	{ "not found",		CTL_EXIT_INVALID },
	{ "not blocked",	CTL_EXIT_INVALID },
};

static const struct runtime_verb *verb_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < N_VERBS; i++)
		if (!strcmp(runtime_verbs[i].name, name))
			return &runtime_verbs[i];
	return NULL;
}

static void runtime_help(FILE *out, const struct runtime_verb *v)
{
	fprintf(out, "Usage: voipfwctl %s%s %s[--socket PATH]\n"
		"  %-9s %s\n", v->name, v->args, v->json ? "[--json] " : "",
		v->name, v->help);
	if (v->json)
		fprintf(out, "  -j, --json          one JSON document instead of lines\n");
	fprintf(out,
		"  -s, --socket PATH   voipfwd's control socket (default %s)\n"
		"Needs %s.\n"
		"Exit status: 0 success, %s2 usage error,\n"
		"voipfwd unreachable or failing, 3 permission denied.\n",
		CTL_SOCKET_DEFAULT,
		v->admin ? "root or admin-group" :
		"root, control-group or admin-group",
		v->nargs_min ? "1 no such ban, call, block or class, " : "");
}

/* An argument goes on one line, as one word. */
static bool word_ok(const char *s)
{
	return *s && !strpbrk(s, " \t\r\n");
}

/*
 * Connect to voipfwd's socket at @path, with send and receive timeouts.
 * The fd, or -1 with the message printed and the exit status in *@rc.
 */
static int runtime_connect(const char *path, FILE *err, int *rc)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = CTL_TIMEOUT_S };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(err, "voipfwctl: socket path too long\n");
		*rc = CTL_EXIT_USAGE;
		return -1;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		int e = errno;

		/* the socket's mode and group are the first fence */
		if (e == EACCES || e == EPERM) {
			fprintf(err, "voipfwctl: permission denied: cannot open "
				"voipfwd's socket %s (root, control-group or "
				"admin-group; see voipfwctl(8) ROLES)\n", path);
			*rc = CTL_EXIT_DENIED;
		} else {
			fprintf(err, "voipfwctl: cannot reach voipfwd at %s: %s\n",
				path, strerror(e));
			*rc = CTL_EXIT_USAGE;
		}
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* a stopped or hung voipfwd must not hang the operator's shell */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

/* The exit status an "error: ..." answer stands for. */
static int runtime_error_exit(const char *line)
{
	unsigned int k;

	for (k = 0; k < sizeof(runtime_errors) / sizeof(runtime_errors[0]); k++)
		if (!strncmp(line + 7, runtime_errors[k].prefix,
			     strlen(runtime_errors[k].prefix)))
			return runtime_errors[k].exit;
	return CTL_EXIT_USAGE;
}

static int runtime_run(int argc, char **argv, FILE *out, FILE *err)
{
	const struct runtime_verb *v = verb_find(argv[0]);
	const char *path = CTL_SOCKET_DEFAULT;
	char buf[4096], cmd[1024], *line = NULL;
	size_t cap = 0, n;
	bool json = false;
	int c, fd, i, nargs, len, rc = CTL_EXIT_OK;
	ssize_t got;
	FILE *in;

	if (!v)
		return CTL_EXIT_USAGE;
	optind = 1;
	while ((c = getopt_long(argc, argv, "js:h", runtime_opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			if (!v->json)
				goto usage;
			json = true;
			break;
		case 's':
			path = optarg;
			break;
		case 'h':
			runtime_help(out, v);
			return CTL_EXIT_OK;
		default:
			goto usage;
		}
	}
	nargs = argc - optind;
	if (nargs < v->nargs_min || nargs > v->nargs_max) {
		if (nargs > v->nargs_max)
			fprintf(err, "voipfwctl %s: unexpected argument '%s'\n",
				v->name, argv[optind + v->nargs_max]);
		else
			fprintf(err, "voipfwctl %s: missing argument:%s\n",
				v->name, v->args);
		return CTL_EXIT_USAGE;
	}
	len = snprintf(cmd, sizeof(cmd), "%s", v->name);
	for (i = optind; i < argc && len > 0 && (size_t)len < sizeof(cmd); i++) {
		if (!word_ok(argv[i])) {
			fprintf(err, "voipfwctl %s: '%s': one word without "
				"spaces expected\n", v->name, argv[i]);
			return CTL_EXIT_USAGE;
		}
		len += snprintf(cmd + len, sizeof(cmd) - (size_t)len, " %s",
				argv[i]);
	}
	if (len > 0 && (size_t)len < sizeof(cmd))
		len += snprintf(cmd + len, sizeof(cmd) - (size_t)len, "%s\n",
				json ? " json" : "");
	if (len <= 0 || (size_t)len >= sizeof(cmd)) {
		fprintf(err, "voipfwctl %s: arguments too long\n", v->name);
		return CTL_EXIT_USAGE;
	}
	fd = runtime_connect(path, err, &rc);
	if (fd < 0)
		return rc;
	if (write(fd, cmd, (size_t)len) < 0) {
		fprintf(err, "voipfwctl: %s: %s\n", path, strerror(errno));
		close(fd);
		return CTL_EXIT_USAGE;
	}
	in = fdopen(fd, "r");
	if (!in) {
		fprintf(err, "voipfwctl: %s\n", strerror(errno));
		close(fd);
		return CTL_EXIT_USAGE;
	}
	/* the first line says whether it is an error, and which */
	errno = 0;
	got = getline(&line, &cap, in);
	if (got > 0 && !strncmp(line, "error: ", 7)) {
		rc = runtime_error_exit(line);
		fprintf(err, "voipfwctl %s: %s", v->name, line + 7);
	} else if (got > 0) {
		fwrite(line, 1, (size_t)got, out);
	}
	free(line);
	while (got > 0 && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, rc ? err : out);
	if (ferror(in)) {
		fprintf(err, "voipfwctl: voipfwd did not answer within %d s: %s\n",
			CTL_TIMEOUT_S, strerror(errno));
		rc = CTL_EXIT_USAGE;
	}
	fclose(in);
	return rc;
usage:
	runtime_help(err, v);
	return CTL_EXIT_USAGE;
}

/*
 * A file name voipfwd may repeat in its command line and in messages:
 * one word of printable ASCII.  (voipfwctl's rule comments keep only
 * [A-Za-z0-9._+-] of its base name anyway.)
 */
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

/* Send @cmd with @fd (or none: -1) attached, as SCM_RIGHTS. */
static int send_with_fd(int sock, const char *cmd, size_t len, int fd)
{
	union {
		char		buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr	align;
	} ctrl;
	struct iovec iov = { .iov_base = (void *)cmd, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;

	if (fd >= 0) {
		memset(&ctrl, 0, sizeof(ctrl));
		msg.msg_control = ctrl.buf;
		msg.msg_controllen = sizeof(ctrl.buf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/*
 * The answer to apply, rollback, confirm: "error: ..." when voipfwd
 * refused, else "out: LINE" and "err: LINE" (what its voipfwctl printed
 * on each stream) and last "exit: N".
 */
int ctl_remote(const char *verb, const struct ctl_state_args *a, FILE *out,
	       FILE *err)
{
	const char *path = a->socket ? a->socket : CTL_SOCKET_DEFAULT;
	const char *name = a->as ? a->as : a->file;
	char cmd[512], *line = NULL;
	size_t cap = 0;
	ssize_t got;
	int fd, sock, rc = CTL_EXIT_USAGE, len, exit_rc = -1;
	FILE *in;

	if (name && !name_ok(name)) {
		fprintf(err, "voipfwctl %s: '%s': through voipfwd, the file's "
			"name must be one word of printable ASCII\n", verb, name);
		return CTL_EXIT_USAGE;
	}
	if (a->confirm)
		len = snprintf(cmd, sizeof(cmd), "%s %s %ld\n", verb, name,
			       a->confirm);
	else if (name)
		len = snprintf(cmd, sizeof(cmd), "%s %s\n", verb, name);
	else
		len = snprintf(cmd, sizeof(cmd), "%s\n", verb);
	if (len <= 0 || (size_t)len >= sizeof(cmd))
		return CTL_EXIT_USAGE;
	/* opened here, with the caller's rights: voipfwd reads only this */
	fd = a->file ? open(a->file, O_RDONLY | O_CLOEXEC) : -1;
	if (a->file && fd < 0) {
		fprintf(err, "voipfwctl %s: %s: %s\n", verb, a->file,
			strerror(errno));
		return CTL_EXIT_USAGE;
	}
	sock = runtime_connect(path, err, &rc);
	if (sock < 0)
		goto out_fd;
	/* voipfwd runs the verb before it answers: give it time */
	{
		struct timeval tv = { .tv_sec = 3 * CTL_TIMEOUT_S + 60 };

		setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	if (send_with_fd(sock, cmd, (size_t)len, fd)) {
		fprintf(err, "voipfwctl %s: %s: %s\n", verb, path,
			strerror(errno));
		close(sock);
		rc = CTL_EXIT_USAGE;
		goto out_fd;
	}
	in = fdopen(sock, "r");
	if (!in) {
		close(sock);
		rc = CTL_EXIT_USAGE;
		goto out_fd;
	}
	rc = CTL_EXIT_USAGE;
	errno = 0;
	while ((got = getline(&line, &cap, in)) > 0) {
		if (!strncmp(line, "error: ", 7)) {
			rc = runtime_error_exit(line);
			fprintf(err, "voipfwctl %s: %s", verb, line + 7);
		} else if (!strncmp(line, "out: ", 5)) {
			fputs(line + 5, out);
		} else if (!strncmp(line, "err: ", 5)) {
			fputs(line + 5, err);
		} else if (!strncmp(line, "exit: ", 6)) {
			exit_rc = atoi(line + 6);
		}
	}
	if (ferror(in)) {
		fprintf(err, "voipfwctl %s: voipfwd did not answer: %s\n", verb,
			strerror(errno));
		rc = CTL_EXIT_USAGE;
	} else if (exit_rc >= 0) {
		rc = exit_rc;
	}
	free(line);
	fclose(in);
out_fd:
	if (fd >= 0)
		close(fd);
	return rc;
}

static void status_help(FILE *out)
{
	runtime_help(out, verb_find("status"));
}

static void calls_help(FILE *out)
{
	runtime_help(out, verb_find("calls"));
}

static void pinholes_help(FILE *out)
{
	runtime_help(out, verb_find("pinholes"));
}

static void bans_help(FILE *out)
{
	runtime_help(out, verb_find("bans"));
}

static void stats_help(FILE *out)
{
	runtime_help(out, verb_find("stats"));
}

static void compliance_help(FILE *out)
{
	runtime_help(out, verb_find("compliance"));
}

static void ban_help(FILE *out)
{
	runtime_help(out, verb_find("ban"));
}

static void unban_help(FILE *out)
{
	runtime_help(out, verb_find("unban"));
}

static void kill_call_help(FILE *out)
{
	runtime_help(out, verb_find("kill-call"));
}

const struct ctl_cmd_ops ctl_cmd_status = {
	.name = "status", .summary = "voipfwd's counters, queues and fail mode",
	.usage = "[--json] [--socket PATH]", .run = runtime_run,
	.help = status_help,
};

const struct ctl_cmd_ops ctl_cmd_calls = {
	.name = "calls", .summary = "the calls voipfwd follows",
	.usage = "[--json] [--socket PATH]", .run = runtime_run,
	.help = calls_help,
};

const struct ctl_cmd_ops ctl_cmd_pinholes = {
	.name = "pinholes", .summary = "the media pinholes in the kernel",
	.usage = "[--json] [--socket PATH]", .run = runtime_run,
	.help = pinholes_help,
};

const struct ctl_cmd_ops ctl_cmd_bans = {
	.name = "bans", .summary = "the banned addresses, with the time left",
	.usage = "[--json] [--socket PATH]", .run = runtime_run,
	.help = bans_help,
};

const struct ctl_cmd_ops ctl_cmd_stats = {
	.name = "stats", .summary = "SIP messages judged, by verdict and reason",
	.usage = "[--json] [--socket PATH]", .run = runtime_run,
	.help = stats_help,
};

const struct ctl_cmd_ops ctl_cmd_compliance = {
	.name = "compliance",
	.summary = "per device: plaintext SIP, RTP or SRTP offered",
	.usage = "[--json] [--socket PATH]", .run = runtime_run,
	.help = compliance_help,
};

const struct ctl_cmd_ops ctl_cmd_ban = {
	.name = "ban", .summary = "drop everything from an address (admin)",
	.usage = "ADDR [SECONDS] [--socket PATH]", .run = runtime_run,
	.help = ban_help,
};

const struct ctl_cmd_ops ctl_cmd_unban = {
	.name = "unban", .summary = "lift a ban (admin)",
	.usage = "ADDR [--socket PATH]", .run = runtime_run,
	.help = unban_help,
};

const struct ctl_cmd_ops ctl_cmd_kill_call = {
	.name = "kill-call", .summary = "end a call and close its pinholes (admin)",
	.usage = "CALL-ID [--socket PATH]", .run = runtime_run,
	.help = kill_call_help,
};

static void blocks_help(FILE *out)
{
	runtime_help(out, verb_find("blocks"));
}

const struct ctl_cmd_ops ctl_cmd_blocks = {
	.name = "blocks", .summary = "toll fraud's blocks and open breakers",
	.usage = "[--json] [--socket PATH]", .run = runtime_run,
	.help = blocks_help,
};

static void block_ext_help(FILE *out)
{
	runtime_help(out, verb_find("block-ext"));
}

const struct ctl_cmd_ops ctl_cmd_block_ext = {
	.name = "block-ext", .summary = "refuse an extension's outbound calls (admin)",
	.usage = "EXT [SECONDS] [--socket PATH]", .run = runtime_run,
	.help = block_ext_help,
};

static void unblock_ext_help(FILE *out)
{
	runtime_help(out, verb_find("unblock-ext"));
}

const struct ctl_cmd_ops ctl_cmd_unblock_ext = {
	.name = "unblock-ext", .summary = "lift an extension's block and breaker (admin)",
	.usage = "EXT [--socket PATH]", .run = runtime_run,
	.help = unblock_ext_help,
};

static void block_class_help(FILE *out)
{
	runtime_help(out, verb_find("block-class"));
}

const struct ctl_cmd_ops ctl_cmd_block_class = {
	.name = "block-class", .summary = "refuse all calls to a toll class (admin)",
	.usage = "CLASS [SECONDS] [--socket PATH]", .run = runtime_run,
	.help = block_class_help,
};

static void unblock_class_help(FILE *out)
{
	runtime_help(out, verb_find("unblock-class"));
}

const struct ctl_cmd_ops ctl_cmd_unblock_class = {
	.name = "unblock-class", .summary = "lift a class's block (admin)",
	.usage = "CLASS [--socket PATH]", .run = runtime_run,
	.help = unblock_class_help,
};

static void block_user_help(FILE *out)
{
	runtime_help(out, verb_find("block-user"));
}

const struct ctl_cmd_ops ctl_cmd_block_user = {
	.name = "block-user", .summary = "drop a username's REGISTERs and INVITEs (admin)",
	.usage = "USER [SECONDS] [--socket PATH]", .run = runtime_run,
	.help = block_user_help,
};

static void unblock_user_help(FILE *out)
{
	runtime_help(out, verb_find("unblock-user"));
}

const struct ctl_cmd_ops ctl_cmd_unblock_user = {
	.name = "unblock-user", .summary = "lift a user's block (admin)",
	.usage = "USER [--socket PATH]", .run = runtime_run,
	.help = unblock_user_help,
};
