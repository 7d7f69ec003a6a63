// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check.c - `voipfwctl check FILE`: validate a voipfw.conf(5) without
 * applying it.
 *
 * Output (stable for scripts):
 *   FILE: N zones, N services, N rules, policy accept|drop    (stdout, exit 0)
 *   FILE:LINE:COL: message                                    (stderr, exit 1)
 * The service count is of services defined in the file (a redefined
 * built-in counts, the built-ins otherwise do not).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "policy/policy.h"

static void check_help(FILE *out)
{
	fprintf(out,
		"Usage: voipfwctl check FILE\n\n"
		"Validates FILE as voipfw.conf(5) (zones, services, rules, policy,\n"
		"qos) and changes nothing.  On success prints\n"
		"  FILE: N zones, N services, N rules, policy accept|drop\n"
		"(services: those the file defines); on the first error prints\n"
		"  FILE:LINE:COL: message\n"
		"on standard error.\n\n"
		"  -h, --help   this help\n\n"
		"Exit status: 0 valid, 1 invalid, 2 usage error or unreadable FILE.\n");
}

static const struct option policy_opts[] = {
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int ctl_policy_load(const char *name, const char *path, const char *as,
		    FILE *err, struct policy **pol, char **text, size_t *len)
{
	struct policy_error *perr;
	char *buf = NULL;
	size_t n;
	int rc;

	*pol = NULL;
	if (policy_read_file(path, &buf, &n)) {
		fprintf(err, "voipfwctl %s: %s: %s\n", name, path,
			strerror(errno));
		return CTL_EXIT_USAGE;
	}
	perr = malloc(sizeof(*perr));
	if (!perr) {
		fprintf(err, "voipfwctl %s: out of memory\n", name);
		free(buf);
		return CTL_EXIT_USAGE;
	}
	*pol = policy_parse(buf, n, as ? as : path, perr);
	rc = -1;
	if (!*pol) {
		fprintf(err, "%s\n", perr->text);
		/* running out of memory says nothing about the file */
		rc = perr->sys_errno ? CTL_EXIT_USAGE : CTL_EXIT_INVALID;
	}
	free(perr);
	if (rc < 0 && text) {
		*text = buf;
		*len = n;
	} else {
		free(buf);
	}
	return rc;
}

int ctl_policy_cmd(const struct ctl_cmd_ops *cmd, int argc, char **argv,
		   FILE *out, FILE *err, struct policy **pol)
{
	int c;

	*pol = NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", policy_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd->help(out);
			return CTL_EXIT_OK;
		default:
			cmd->help(err);
			return CTL_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fprintf(err, "voipfwctl %s: %s\n", cmd->name, optind >= argc ?
			"no FILE given" : "one FILE at a time");
		cmd->help(err);
		return CTL_EXIT_USAGE;
	}
	return ctl_policy_load(cmd->name, argv[optind], NULL, err, pol,
			       NULL, NULL);
}

int ctl_finish(const char *name, FILE *out, FILE *err, int rc)
{
	if (fflush(out) == EOF) {
		fprintf(err, "voipfwctl %s: write error: %s\n", name,
			strerror(errno));
		return CTL_EXIT_USAGE;
	}
	return rc;
}

static int check_run(int argc, char **argv, FILE *out, FILE *err)
{
	struct policy *pol;
	int rc = ctl_policy_cmd(&ctl_cmd_check, argc, argv, out, err, &pol);

	if (rc >= 0)
		return ctl_finish("check", out, err, rc);
	fprintf(out, "%s: %u zone%s, %u service%s, %u rule%s, policy %s\n",
		pol->file, pol->n_zones, pol->n_zones == 1 ? "" : "s",
		pol->n_file_services, pol->n_file_services == 1 ? "" : "s",
		pol->n_rules, pol->n_rules == 1 ? "" : "s",
		policy_action_str(pol->policy));
	policy_free(pol);
	return ctl_finish("check", out, err, CTL_EXIT_OK);
}

const struct ctl_cmd_ops ctl_cmd_check = {
	.name		= "check",
	.summary	= "validate a voipfw.conf (zones, services, rules)",
	.usage		= "FILE",
	.run		= check_run,
	.help		= check_help,
};
