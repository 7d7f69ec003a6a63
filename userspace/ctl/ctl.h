/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl.h - voipfwctl's commands.  Each command is an ops entry with its
 * own option table; main() only dispatches and maps results to exits.
 */
#ifndef VOIPFW_CTL_H
#define VOIPFW_CTL_H

#include <stdbool.h>
#include <stdio.h>

/* Exit codes shared by every command (documented in voipfwctl(8)). */
enum ctl_exit {
	CTL_EXIT_OK	= 0,	/* success; check-sip: every message passed */
	CTL_EXIT_DROP	= 1,	/* check-sip: at least one message dropped */
	CTL_EXIT_INVALID = 1,	/* check, compile, apply, diff: the file has
				   an error; apply, rollback: the kernel
				   refused the ruleset, nothing to roll back
				   to, a confirm is pending; confirm:
				   nothing to confirm */
	CTL_EXIT_USAGE	= 2,	/* bad usage, unreadable file, I/O error,
				   voipfwd unreachable or failing */
	CTL_EXIT_DENIED	= 3,	/* permission denied: voipfwd refused the
				   verb for the caller's role, or the
				   caller may not open its socket; apply,
				   rollback, confirm: not root */
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

/*
 * ctl_policy_load - read and parse the voipfw.conf(5) at @path, named
 * @as in messages and rule comments (NULL: @path), reporting as
 * ctl_policy_cmd() does.  Returns -1 with *@pol set and, when @text is
 * not NULL, the file's bytes in *@text and *@len (free() them); else the
 * verb's exit code with *@pol NULL.
 */
int ctl_policy_load(const char *name, const char *path, const char *as,
		    FILE *err, struct policy **pol, char **text, size_t *len);

/* fflush(@out) or say why not; returns @rc, or CTL_EXIT_USAGE. */
int ctl_finish(const char *name, FILE *out, FILE *err, int rc);

extern const struct ctl_cmd_ops ctl_cmd_check;
extern const struct ctl_cmd_ops ctl_cmd_compile;
extern const struct ctl_cmd_ops ctl_cmd_check_sip;
extern const struct ctl_cmd_ops ctl_cmd_status;
extern const struct ctl_cmd_ops ctl_cmd_calls;
extern const struct ctl_cmd_ops ctl_cmd_pinholes;
extern const struct ctl_cmd_ops ctl_cmd_bans;
extern const struct ctl_cmd_ops ctl_cmd_stats;
extern const struct ctl_cmd_ops ctl_cmd_compliance;
extern const struct ctl_cmd_ops ctl_cmd_ban;
extern const struct ctl_cmd_ops ctl_cmd_unban;
extern const struct ctl_cmd_ops ctl_cmd_kill_call;
extern const struct ctl_cmd_ops ctl_cmd_blocks;
extern const struct ctl_cmd_ops ctl_cmd_block_ext;
extern const struct ctl_cmd_ops ctl_cmd_unblock_ext;
extern const struct ctl_cmd_ops ctl_cmd_block_class;
extern const struct ctl_cmd_ops ctl_cmd_unblock_class;
extern const struct ctl_cmd_ops ctl_cmd_block_user;
extern const struct ctl_cmd_ops ctl_cmd_unblock_user;
extern const struct ctl_cmd_ops ctl_cmd_apply;
extern const struct ctl_cmd_ops ctl_cmd_rollback;
extern const struct ctl_cmd_ops ctl_cmd_confirm;
extern const struct ctl_cmd_ops ctl_cmd_show;
extern const struct ctl_cmd_ops ctl_cmd_diff;
extern const struct ctl_cmd_ops ctl_cmd_geoip;

/**
 * struct ctl_state_args - the options of the verbs that keep state.
 * @file:      the one FILE argument (apply, diff), else NULL
 * @state_dir: --state-dir, default CTL_STATE_DIR
 * @state_dir_set: --state-dir was given
 * @confirm:   --confirm SECONDS (apply), 0 when not given
 * @socket:    --socket PATH (apply, rollback, confirm): go through voipfwd
 * @as:        --as NAME (apply, hidden): FILE's name in messages and rule
 *             comments; voipfwd passes the operator's name of the file
 *             whose descriptor it was given
 */
struct ctl_state_args {
	const char	*file;
	const char	*state_dir;
	bool		state_dir_set;
	long		confirm;
	const char	*socket;
	const char	*as;
};

/*
 * ctl_state_args - parse --state-dir, --help, and --confirm when
 * @confirm_opt, and @nfiles (0 or 1) FILE arguments.  Returns -1 when
 * the verb goes on, else its exit code (help printed, usage error).
 */
int ctl_state_args(const struct ctl_cmd_ops *cmd, int argc, char **argv,
		   FILE *out, FILE *err, bool confirm_opt, int nfiles,
		   struct ctl_state_args *a);

/*
 * ctl_remote - apply, rollback or confirm (@verb) through voipfwd's
 * control socket (@a->socket, or the default): voipfwd checks the
 * caller's role and runs its voipfwctl as root with the file's
 * descriptor (SCM_RIGHTS) and the operator's name for it.  Prints what
 * that voipfwctl printed, each stream to its own; returns its exit
 * status, or CTL_EXIT_DENIED / CTL_EXIT_USAGE when voipfwd refused or
 * could not be asked.
 */
int ctl_remote(const char *verb, const struct ctl_state_args *a, FILE *out,
	       FILE *err);

/*
 * ctl_version_script - compile a saved voipfw.conf under the name it was
 * applied from (so the rule comments are those of the original apply).
 * Returns the malloc'ed script, or NULL after saying why on @err as
 * "voipfwctl VERB: WHAT: ...".
 */
struct ctl_version;
char *ctl_version_script(const char *verb, const char *what,
			 const struct ctl_version *v, FILE *err);

#endif /* VOIPFW_CTL_H */
