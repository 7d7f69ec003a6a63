/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl.h - voipfwctl's commands.  Each command is an ops entry with its
 * own option table; main() only dispatches and maps results to exits.
 */
#ifndef VOIPFW_CTL_H
#define VOIPFW_CTL_H

#include <stdio.h>

/* Exit codes shared by every command (documented in voipfwctl(8)). */
enum ctl_exit {
	CTL_EXIT_OK	= 0,	/* success; check-sip: every message passed */
	CTL_EXIT_DROP	= 1,	/* check-sip: at least one message dropped */
	CTL_EXIT_INVALID = 1,	/* check, compile: the file has an error */
	CTL_EXIT_USAGE	= 2,	/* bad usage, unreadable file, I/O error */
};

/**
 * struct ctl_cmd_ops - one voipfwctl command.
 * @name:    the verb on the command line
 * @summary: one line for the command list
 * @usage:   synopsis after the verb
 * @run:     runs with argv[0] being the verb; returns an enum ctl_exit
 * @help:    prints the command's full help to @out
 */
struct ctl_cmd_ops {
	const char	*name;
	const char	*summary;
	const char	*usage;
	int		(*run)(int argc, char **argv, FILE *out, FILE *err);
	void		(*help)(FILE *out);
};

struct policy;

/*
 * ctl_policy_cmd - the common front of the verbs that take one
 * voipfw.conf(5): parse the options (only --help), read and parse FILE,
 * print what went wrong to @err as "voipfwctl CMD: ..." or
 * "FILE:LINE:COL: message".  Returns -1 with *@pol set when the verb
 * goes on (free it with policy_free()), else the verb's exit code.
 */
int ctl_policy_cmd(const struct ctl_cmd_ops *cmd, int argc, char **argv,
		   FILE *out, FILE *err, struct policy **pol);

/* fflush(@out) or say why not; returns @rc, or CTL_EXIT_USAGE. */
int ctl_finish(const char *name, FILE *out, FILE *err, int rc);

extern const struct ctl_cmd_ops ctl_cmd_check;
extern const struct ctl_cmd_ops ctl_cmd_compile;
extern const struct ctl_cmd_ops ctl_cmd_check_sip;
extern const struct ctl_cmd_ops ctl_cmd_status;
extern const struct ctl_cmd_ops ctl_cmd_calls;
extern const struct ctl_cmd_ops ctl_cmd_pinholes;

#endif /* VOIPFW_CTL_H */
