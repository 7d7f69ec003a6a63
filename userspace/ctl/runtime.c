// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * runtime.c - `voipfwctl status|calls|pinholes [--json]`: ask voipfwd
 * over its control socket and print the answer as it comes.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"

#define CTL_SOCKET_DEFAULT	"/run/voipfw/voipfwd.sock"
#define CTL_TIMEOUT_S		5

static const struct option runtime_opts[] = {
	{ "json",	no_argument,		NULL, 'j' },
	{ "socket",	required_argument,	NULL, 's' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void runtime_help(FILE *out, const char *verb)
{
	fprintf(out,
		"Usage: voipfwctl %s [--json] [--socket PATH]\n"
		"  status    counters, queues and fail mode\n"
		"  calls     one call per line: CALL-ID state STATE media yes|no idle Ns\n"
		"  pinholes  one per line: udp ADDR PORT [from PEER] call CALL-ID expires SECONDS\n"
		"  -j, --json          one JSON document instead of lines\n"
		"  -s, --socket PATH   voipfwd's control socket (default %s)\n"
		"Exit status: 0 success, 2 usage error or voipfwd unreachable.\n",
		verb, CTL_SOCKET_DEFAULT);
}

static int runtime_run(int argc, char **argv, FILE *out, FILE *err)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *path = CTL_SOCKET_DEFAULT, *verb = argv[0];
	char buf[4096], cmd[64];
	bool json = false, failed = false;
	ssize_t n;
	int c, fd;

	optind = 1;
	while ((c = getopt_long(argc, argv, "js:h", runtime_opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 's':
			path = optarg;
			break;
		case 'h':
			runtime_help(out, verb);
			return CTL_EXIT_OK;
		default:
			runtime_help(err, verb);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(err, "voipfwctl %s: unexpected argument '%s'\n", verb,
			argv[optind]);
		return CTL_EXIT_USAGE;
	}
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(err, "voipfwctl: socket path too long\n");
		return CTL_EXIT_USAGE;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		fprintf(err, "voipfwctl: cannot reach voipfwd at %s: %s\n", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return CTL_EXIT_USAGE;
	}
	/* a stopped or hung voipfwd must not hang the operator's shell */
	{
		struct timeval tv = { .tv_sec = CTL_TIMEOUT_S };

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	snprintf(cmd, sizeof(cmd), "%s%s\n", verb, json ? " json" : "");
	if (write(fd, cmd, strlen(cmd)) < 0) {
		fprintf(err, "voipfwctl: %s: %s\n", path, strerror(errno));
		close(fd);
		return CTL_EXIT_USAGE;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (!strncmp(buf, "error: ", 7))
			failed = true;
		fwrite(buf, 1, (size_t)n, failed ? err : out);
	}
	if (n < 0) {
		fprintf(err, "voipfwctl: voipfwd did not answer within %d s: %s\n",
			CTL_TIMEOUT_S, strerror(errno));
		failed = true;
	}
	close(fd);
	return failed ? CTL_EXIT_USAGE : CTL_EXIT_OK;
}

static void status_help(FILE *out)
{
	runtime_help(out, "status");
}

const struct ctl_cmd_ops ctl_cmd_status = {
	.name = "status", .summary = "voipfwd's counters, queues and fail mode",
	.usage = "[--json] [--socket PATH]", .run = runtime_run,
	.help = status_help,
};

const struct ctl_cmd_ops ctl_cmd_calls = {
	.name = "calls", .summary = "the calls voipfwd follows",
	.usage = "[--json] [--socket PATH]", .run = runtime_run,
	.help = status_help,
};

const struct ctl_cmd_ops ctl_cmd_pinholes = {
	.name = "pinholes", .summary = "the media pinholes in the kernel",
	.usage = "[--json] [--socket PATH]", .run = runtime_run,
	.help = status_help,
};
