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

static const struct option check_opts[] = {
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

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

static int check_run(int argc, char **argv, FILE *out, FILE *err)
{
	struct policy_error *perr = NULL;
	struct policy *pol = NULL;
	const char *path;
	char *buf = NULL;
	size_t len;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", check_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			check_help(out);
			return CTL_EXIT_OK;
		default:
			check_help(err);
			return CTL_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fprintf(err, "voipfwctl check: %s\n", optind >= argc ?
			"no FILE given" : "one FILE at a time");
		check_help(err);
		return CTL_EXIT_USAGE;
	}
	path = argv[optind];
	if (policy_read_file(path, &buf, &len)) {
		fprintf(err, "voipfwctl check: %s: %s\n", path, strerror(errno));
		return CTL_EXIT_USAGE;
	}
	perr = malloc(sizeof(*perr));
	if (!perr) {
		fprintf(err, "voipfwctl check: out of memory\n");
		rc = CTL_EXIT_USAGE;
		goto out;
	}
	pol = policy_parse(buf, len, path, perr);
	if (!pol) {
		fprintf(err, "%s\n", perr->text);
		/* running out of memory says nothing about the file */
		rc = perr->sys_errno ? CTL_EXIT_USAGE : CTL_EXIT_INVALID;
		goto out;
	}
	fprintf(out, "%s: %u zone%s, %u service%s, %u rule%s, policy %s\n",
		path, pol->n_zones, pol->n_zones == 1 ? "" : "s",
		pol->n_file_services, pol->n_file_services == 1 ? "" : "s",
		pol->n_rules, pol->n_rules == 1 ? "" : "s",
		policy_action_str(pol->policy));
	rc = CTL_EXIT_OK;
out:
	policy_free(pol);
	free(perr);
	free(buf);
	if (fflush(out) == EOF) {
		fprintf(err, "voipfwctl check: write error: %s\n",
			strerror(errno));
		rc = CTL_EXIT_USAGE;
	}
	return rc;
}

const struct ctl_cmd_ops ctl_cmd_check = {
	.name		= "check",
	.summary	= "validate a voipfw.conf (zones, services, rules)",
	.usage		= "FILE",
	.run		= check_run,
	.help		= check_help,
};
