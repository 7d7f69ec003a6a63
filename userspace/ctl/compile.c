// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * compile.c - `voipfwctl compile FILE`: print the nft script of a
 * voipfw.conf(5) (see policy/policy_nft.h); changes nothing.
 *
 * Output:
 *   the script                                     (stdout, exit 0)
 *   FILE:LINE:COL: warning: ...  what is not compiled (stderr, exit 0)
 *   FILE:LINE:COL: message       the file's first error (stderr, exit 1)
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "policy/policy.h"
#include "policy/policy_nft.h"

static const struct option compile_opts[] = {
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void compile_help(FILE *out)
{
	fprintf(out,
		"Usage: voipfwctl compile FILE\n\n"
		"Prints the nft script of FILE, a voipfw.conf(5): the zone policy\n"
		"(chain zones_forward) and QoS marking (chain zones_qos) in voipfwd's\n"
		"table inet voipfw, for \"nft -f\" on top of a running voipfwd.\n"
		"Re-applying it replaces the previous policy in one transaction.\n"
		"What is not compiled yet (VLANs on bridges) is reported as\n"
		"  FILE:LINE:COL: warning: ...\n"
		"on standard error; an invalid FILE as for check.\n\n"
		"  -h, --help   this help\n\n"
		"Exit status: 0 compiled (warnings or not), 1 invalid FILE,\n"
		"2 usage error, unreadable FILE or out of memory.\n");
}

static int compile_run(int argc, char **argv, FILE *out, FILE *err)
{
	struct policy_error *perr = NULL;
	struct policy *pol = NULL;
	char *buf = NULL, *script = NULL, *warnings = NULL;
	const char *path;
	size_t len;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", compile_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			compile_help(out);
			return CTL_EXIT_OK;
		default:
			compile_help(err);
			return CTL_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fprintf(err, "voipfwctl compile: %s\n", optind >= argc ?
			"no FILE given" : "one FILE at a time");
		compile_help(err);
		return CTL_EXIT_USAGE;
	}
	path = argv[optind];
	if (policy_read_file(path, &buf, &len)) {
		fprintf(err, "voipfwctl compile: %s: %s\n", path,
			strerror(errno));
		return CTL_EXIT_USAGE;
	}
	perr = malloc(sizeof(*perr));
	if (!perr) {
		fprintf(err, "voipfwctl compile: out of memory\n");
		rc = CTL_EXIT_USAGE;
		goto out;
	}
	pol = policy_parse(buf, len, path, perr);
	if (!pol) {
		fprintf(err, "%s\n", perr->text);
		rc = perr->sys_errno ? CTL_EXIT_USAGE : CTL_EXIT_INVALID;
		goto out;
	}
	script = policy_nft_compile(pol, &warnings);
	if (!script) {
		fprintf(err, "voipfwctl compile: %s\n", strerror(errno));
		rc = CTL_EXIT_USAGE;
		goto out;
	}
	if (warnings)
		fputs(warnings, err);
	fputs(script, out);
	rc = CTL_EXIT_OK;
out:
	free(warnings);
	free(script);
	policy_free(pol);
	free(perr);
	free(buf);
	if (fflush(out) == EOF) {
		fprintf(err, "voipfwctl compile: write error: %s\n",
			strerror(errno));
		rc = CTL_EXIT_USAGE;
	}
	return rc;
}

const struct ctl_cmd_ops ctl_cmd_compile = {
	.name		= "compile",
	.summary	= "print the nft script of a voipfw.conf",
	.usage		= "FILE",
	.run		= compile_run,
	.help		= compile_help,
};
