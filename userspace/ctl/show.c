// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * show.c - `voipfwctl show` and `voipfwctl diff FILE`: the live policy
 * chains and the versions of the state directory (ctl_state.h); what
 * applying FILE would change.
 *
 * show output:
 *   applied FILE version N TIME | applied none
 *   previous FILE version N TIME | previous none
 *   confirm pending, watcher PID, rolls back at TIME    (when pending)
 *   the chains as nft lists them, with counters, or
 *   "no policy chains in table inet voipfw"
 *
 * diff output: "--- applied FILE (version N)" / "+++ FILE" and the
 * hunks of the compiled scripts (or "no changes: ..."), then one line
 * on the live chains against the listing saved at the last apply:
 * "live: as applied", or "live: differ from applied.conf (changed by
 * hand?)" with the hunks of the listings, or why it cannot tell.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "ctl/ctl_nft.h"
#include "ctl/ctl_state.h"
#include "diff/linediff.h"
#include "policy/policy.h"
#include "policy/policy_nft.h"

static void show_help(FILE *out)
{
	fprintf(out,
		"Usage: voipfwctl show [--state-dir DIR]\n\n"
		"Prints which version is applied and which is previous (from the\n"
		"state directory), a pending confirm, and the live policy chains\n"
		"zones_forward, the zf_/zp_ chains under it and zones_qos (and\n"
		"zones_bridge) with their counters.\n\n"
		"  -d, --state-dir DIR    default %s\n"
		"  -h, --help             this help\n\n"
		"Exit status: 0 shown, 2 usage error, unreadable state or chains.\n",
		CTL_STATE_DIR);
}

static void show_version(FILE *out, const struct ctl_state *st,
			 const char *slot, FILE *err, int *rc)
{
	struct ctl_version v;
	int r = ctl_state_load(st, slot, &v);

	if (r < 0) {
		fprintf(err, "voipfwctl show: %s/%s.conf: %s\n", st->dir, slot,
			strerror(errno));
		*rc = CTL_EXIT_USAGE;
		return;
	}
	if (r > 0) {
		fprintf(out, "%s none\n", slot);
		return;
	}
	fprintf(out, "%s %s version %lu %s\n", slot, v.file, v.version,
		v.time);
	ctl_state_version_free(&v);
}

static int show_run(int argc, char **argv, FILE *out, FILE *err)
{
	struct ctl_state_args a;
	struct ctl_state st;
	long long deadline;
	char *text, *e, when[24];
	struct tm tm;
	time_t t;
	pid_t pid;
	int rc;

	rc = ctl_state_args(&ctl_cmd_show, argc, argv, out, err, false, 0, &a);
	if (rc >= 0)
		return rc;
	if (ctl_state_open(&st, a.state_dir, false)) {
		fprintf(err, "voipfwctl show: %s: %s\n", a.state_dir,
			strerror(errno));
		return CTL_EXIT_USAGE;
	}
	rc = CTL_EXIT_OK;
	show_version(out, &st, CTL_STATE_APPLIED, err, &rc);
	show_version(out, &st, CTL_STATE_PREVIOUS, err, &rc);
	if (ctl_state_watcher(&st, &pid, &deadline) == 1) {
		t = (time_t)deadline;
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(out, "confirm pending, watcher %d, rolls back at %s\n",
			(int)pid, when);
	}
	ctl_state_close(&st);
	if (ctl_nft_list_policy(false, &text, &e)) {
		fprintf(err, "voipfwctl show: cannot list the policy chains:\n%s",
			e);
		free(e);
		return ctl_finish("show", out, err, CTL_EXIT_USAGE);
	}
	if (text)
		fputs(text, out);
	else
		fputs("no policy chains in table inet voipfw\n", out);
	free(text);
	return ctl_finish("show", out, err, rc);
}

static void diff_help(FILE *out)
{
	fprintf(out,
		"Usage: voipfwctl diff FILE [--state-dir DIR]\n\n"
		"Shows what `voipfwctl apply FILE` would change: a unified diff of\n"
		"the script compiled from the applied version (applied.conf of the\n"
		"state directory; nothing if none) and the script of FILE, with\n"
		"  --- applied FILE (version N)\n"
		"  +++ FILE\n"
		"or \"no changes: ...\".  Then compares the live policy chains with\n"
		"what the last apply left in the kernel:\n"
		"  live: as applied\n"
		"  live: differ from applied.conf (changed by hand?)  + their diff\n"
		"Changes nothing.\n\n"
		"  -d, --state-dir DIR    default %s\n"
		"  -h, --help             this help\n\n"
		"Exit status: 0 compared (differences or not), 1 invalid FILE, 2\n"
		"usage or I/O error.\n", CTL_STATE_DIR);
}

/* The live chains against applied.list. */
static void diff_live(FILE *out, const struct ctl_state *st, bool applied)
{
	char *live, *saved = NULL, *e, *hunks;
	int r;

	if (ctl_nft_list_policy(true, &live, &e)) {
		fprintf(out, "live: cannot list the policy chains: %s", e);
		free(e);
		return;
	}
	r = applied ? ctl_state_load_list(st, &saved) : 1;
	if (!applied) {
		fputs(live ? "live: policy chains present, but no version was "
		      "applied with voipfwctl apply\n" :
		      "live: no policy chains\n", out);
	} else if (r) {
		fputs("live: cannot tell (applied.list missing)\n", out);
	} else if (!live) {
		fputs("live: the policy chains are missing (deleted by "
		      "hand?)\n", out);
	} else if (!strcmp(live, saved)) {
		fputs("live: as applied\n", out);
	} else if (linediff_unified(saved, strlen(saved), live, strlen(live),
				    &hunks) < 0) {
		fputs("live: differ from applied.conf (changed by hand?)\n",
		      out);
	} else {
		fputs("live: differ from applied.conf (changed by hand?)\n"
		      "--- as applied\n+++ live\n", out);
		fputs(hunks, out);
		free(hunks);
	}
	free(saved);
	free(live);
}

static int diff_run(int argc, char **argv, FILE *out, FILE *err)
{
	struct ctl_version cur = { 0 };
	struct ctl_state_args a;
	struct ctl_state st;
	struct policy *pol;
	char *script, *old = NULL, *hunks;
	int rc, have_cur;
	long n;

	rc = ctl_state_args(&ctl_cmd_diff, argc, argv, out, err, false, 1, &a);
	if (rc >= 0)
		return rc;
	rc = ctl_policy_load("diff", a.file, NULL, err, &pol, NULL, NULL);
	if (rc >= 0)
		return ctl_finish("diff", out, err, rc);
	script = policy_nft_compile(pol, NULL);
	policy_free(pol);
	if (!script) {
		fprintf(err, "voipfwctl diff: %s\n", strerror(errno));
		return CTL_EXIT_USAGE;
	}
	if (ctl_state_open(&st, a.state_dir, false)) {
		fprintf(err, "voipfwctl diff: %s: %s\n", a.state_dir,
			strerror(errno));
		free(script);
		return CTL_EXIT_USAGE;
	}
	have_cur = ctl_state_load(&st, CTL_STATE_APPLIED, &cur);
	if (have_cur < 0) {
		fprintf(err, "voipfwctl diff: %s/applied.conf: %s\n", st.dir,
			strerror(errno));
		rc = CTL_EXIT_USAGE;
		goto out;
	}
	if (!have_cur) {
		old = ctl_version_script("diff", "applied.conf", &cur, err);
		if (!old) {
			rc = CTL_EXIT_USAGE;
			goto out;
		}
	}
	n = linediff_unified(old ? old : "", old ? strlen(old) : 0, script,
			     strlen(script), &hunks);
	if (n < 0) {
		fprintf(err, "voipfwctl diff: %s\n", strerror(errno));
		rc = CTL_EXIT_USAGE;
		goto out;
	}
	if (!n && !have_cur)
		fprintf(out, "no changes: %s compiles to the applied version "
			"%lu\n", a.file, cur.version);
	else if (have_cur)
		fprintf(out, "--- applied none\n+++ %s\n%s", a.file, hunks);
	else
		fprintf(out, "--- applied %s (version %lu)\n+++ %s\n%s",
			cur.file, cur.version, a.file, hunks);
	free(hunks);
	diff_live(out, &st, !have_cur);
	rc = CTL_EXIT_OK;
out:
	if (!have_cur)
		ctl_state_version_free(&cur);
	ctl_state_close(&st);
	free(old);
	free(script);
	return ctl_finish("diff", out, err, rc);
}

const struct ctl_cmd_ops ctl_cmd_show = {
	.name		= "show",
	.summary	= "the live policy chains and the applied version",
	.usage		= "[--state-dir DIR]",
	.run		= show_run,
	.help		= show_help,
};

const struct ctl_cmd_ops ctl_cmd_diff = {
	.name		= "diff",
	.summary	= "what applying a voipfw.conf would change",
	.usage		= "FILE [--state-dir DIR]",
	.run		= diff_run,
	.help		= diff_help,
};
