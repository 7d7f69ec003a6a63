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
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "policy/policy.h"
#include "policy/policy_nft.h"

static void compile_help(FILE *out)
{
	fprintf(out,
		"Usage: voipfwctl compile FILE\n\n"
		"Prints the nft script of FILE, a voipfw.conf(5): the zone policy\n"
		"(chain zones_forward) and QoS marking (chain zones_qos) in voipfwd's\n"
		"table inet voipfw, for \"nft -f\" on top of a running voipfwd;\n"
		"with VLAN zones also chain zones_bridge in table bridge voipfw.\n"
		"Re-applying it replaces the previous policy in one transaction.\n"
		"What is not compiled (media in bridged VLANs, an srtp class) is\n"
		"reported as\n"
		"  FILE:LINE:COL: warning: ...\n"
		"on standard error; an invalid FILE as for check.\n\n"
		"  -h, --help   this help\n\n"
		"Exit status: 0 compiled (warnings or not), 1 invalid FILE,\n"
		"2 usage error, unreadable FILE or out of memory.\n");
}

static int compile_run(int argc, char **argv, FILE *out, FILE *err)
{
	char *script, *warnings = NULL;
	struct policy *pol;
	int rc = ctl_policy_cmd(&ctl_cmd_compile, argc, argv, out, err, &pol);

	if (rc >= 0)
		return ctl_finish("compile", out, err, rc);
	script = policy_nft_compile(pol, &warnings);
	if (!script) {
		fprintf(err, "voipfwctl compile: %s\n", strerror(errno));
		rc = CTL_EXIT_USAGE;
	} else {
		if (warnings)
			fputs(warnings, err);
		fputs(script, out);
		rc = CTL_EXIT_OK;
	}
	free(warnings);
	free(script);
	policy_free(pol);
	return ctl_finish("compile", out, err, rc);
}

const struct ctl_cmd_ops ctl_cmd_compile = {
	.name		= "compile",
	.summary	= "print the nft script of a voipfw.conf",
	.usage		= "FILE",
	.run		= compile_run,
	.help		= compile_help,
};
