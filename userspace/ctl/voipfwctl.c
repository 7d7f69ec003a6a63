// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * voipfwctl - the operator's command line for voipfw.
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"

/* Every command, in the order `voipfwctl --help` lists them. */
static const struct ctl_cmd_ops *const ctl_cmds[] = {
	&ctl_cmd_check,
	&ctl_cmd_compile,
	&ctl_cmd_apply,
	&ctl_cmd_rollback,
	&ctl_cmd_confirm,
	&ctl_cmd_show,
	&ctl_cmd_diff,
	&ctl_cmd_check_sip,
	&ctl_cmd_status,
	&ctl_cmd_calls,
	&ctl_cmd_pinholes,
	&ctl_cmd_geoip,
	&ctl_cmd_bans,
	&ctl_cmd_stats,
	&ctl_cmd_compliance,
	&ctl_cmd_ban,
	&ctl_cmd_unban,
	&ctl_cmd_kill_call,
	&ctl_cmd_blocks,
	&ctl_cmd_block_ext,
	&ctl_cmd_unblock_ext,
	&ctl_cmd_block_class,
	&ctl_cmd_unblock_class,
	&ctl_cmd_block_user,
	&ctl_cmd_unblock_user,
};

#define N_CMDS	(sizeof(ctl_cmds) / sizeof(ctl_cmds[0]))

static void usage(FILE *out)
{
	unsigned int i;

	fprintf(out,
		"Usage: voipfwctl COMMAND [OPTIONS] [ARGS]\n"
		"       voipfwctl COMMAND --help\n\n"
		"Commands:\n");
	for (i = 0; i < N_CMDS; i++)
		fprintf(out, "  %-12s %s\n", ctl_cmds[i]->name,
			ctl_cmds[i]->summary);
	fprintf(out, "\nExit status: 0 success, 1 a message was dropped "
		"(check-sip), an invalid\n"
		"file (check, compile, apply, diff), a ruleset the kernel refused,\n"
		"nothing to roll back to or to confirm, a confirm pending (apply,\n"
		"rollback), a GeoIP database refused (geoip), no such ban, call,\n"
		"block or class (unban, kill-call, unblock-*, block-class); 2\n"
		"usage, I/O error, voipfwd unreachable or failing;\n"
		"3 permission denied (the caller's role, see ROLES in\n"
		"voipfwctl(8); apply, rollback, confirm need root).\n"
		"See voipfwctl(8).\n");
}

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc < 2) {
		usage(stderr);
		return CTL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return CTL_EXIT_OK;
	}
	for (i = 0; i < N_CMDS; i++)
		if (!strcmp(argv[1], ctl_cmds[i]->name))
			return ctl_cmds[i]->run(argc - 1, argv + 1, stdout,
						stderr);
	fprintf(stderr, "voipfwctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return CTL_EXIT_USAGE;
}
