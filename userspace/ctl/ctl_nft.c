// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctl_nft.c - libnftables for apply, rollback, show and diff (see
 * ctl_nft.h).  Library code: reports through return values and error
 * texts, never prints.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nftables/libnftables.h>

#include "ctl/ctl_nft.h"
#include "policy/policy_nft.h"

static char *nft_err_dup(struct nft_ctx *ctx, const char *fallback)
{
	const char *e = ctx ? nft_ctx_get_error_buffer(ctx) : NULL;

	return strdup(e && *e ? e : fallback);
}

/* A context whose output and error text are kept, not printed. */
static struct nft_ctx *nft_open(unsigned int flags, char **errtext)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);

	if (!ctx) {
		*errtext = strdup("cannot create an nftables context");
		return NULL;
	}
	if (nft_ctx_buffer_output(ctx) || nft_ctx_buffer_error(ctx)) {
		nft_ctx_free(ctx);
		*errtext = strdup("cannot buffer nftables output");
		return NULL;
	}
	nft_ctx_output_set_flags(ctx, flags);
	return ctx;
}

/* Run @cmds (or the file @path); on failure *@errtext holds what nft
 * said. */
static int nft_run(struct nft_ctx *ctx, const char *cmds, const char *path,
		   char **errtext)
{
	/* a fresh error buffer per run: only this run's messages */
	nft_ctx_unbuffer_error(ctx);
	if (nft_ctx_buffer_error(ctx)) {
		*errtext = strdup("cannot buffer nftables output");
		return -1;
	}
	nft_ctx_unbuffer_output(ctx);
	if (nft_ctx_buffer_output(ctx)) {
		*errtext = strdup("cannot buffer nftables output");
		return -1;
	}
	if (path ? nft_run_cmd_from_filename(ctx, path) :
	    nft_run_cmd_from_buffer(ctx, cmds)) {
		*errtext = nft_err_dup(ctx, "nft failed without a message");
		return -1;
	}
	return 0;
}

int ctl_nft_apply(const char *path, char **errtext)
{
	struct nft_ctx *ctx = nft_open(0, errtext);
	int rc = -1;

	*errtext = NULL;
	if (!ctx)
		return -1;
	nft_ctx_set_dry_run(ctx, true);
	if (nft_run(ctx, NULL, path, errtext))
		goto out;
	nft_ctx_set_dry_run(ctx, false);
	rc = nft_run(ctx, NULL, path, errtext);
out:
	nft_ctx_free(ctx);
	return rc;
}

/* 1: table bridge voipfw is there, 0: not, -1: nft failed otherwise */
static int bridge_table_exists(struct nft_ctx *ctx, char **errtext)
{
	if (!nft_run(ctx, "list table bridge " POLICY_NFT_BRIDGE_TABLE, NULL,
		     errtext))
		return 1;
	/* no such table, or no bridge family in this kernel at all */
	if (strstr(*errtext, "No such file or directory") ||
	    strstr(*errtext, "Address family not supported")) {
		free(*errtext);
		*errtext = NULL;
		return 0;
	}
	return -1;
}

int ctl_nft_bridge_table(char **errtext)
{
	struct nft_ctx *ctx = nft_open(0, errtext);
	int rc;

	*errtext = NULL;
	if (!ctx)
		return -1;
	rc = bridge_table_exists(ctx, errtext);
	nft_ctx_free(ctx);
	return rc;
}

/*
 * The kernel features the bridge chain needs, each probed by a dry run
 * of one rule in a chain of a table that is never committed: modules
 * are loaded on demand by the dry run itself, as by the real one.
 */
static const struct {
	const char	*rule;
	const char	*feature;
} bridge_probes[] = {
	{ "meta ibrname \"voipfw-probe\" accept",
	  "nft_meta_bridge (meta ibrname/obrname)" },
	{ "vlan id 1 accept", "nft payload in the bridge family (vlan id)" },
	{ "ct state established accept",
	  "nf_conntrack_bridge (ct state in the bridge family)" },
};

int ctl_nft_probe_bridge(const char **feature, char **errtext)
{
	struct nft_ctx *ctx = nft_open(0, errtext);
	char cmds[256];
	unsigned int i;
	int rc = 0;

	*feature = NULL;
	*errtext = NULL;
	if (!ctx)
		return -1;
	nft_ctx_set_dry_run(ctx, true);
	for (i = 0; i < sizeof(bridge_probes) / sizeof(bridge_probes[0]); i++) {
		snprintf(cmds, sizeof(cmds),
			 "table bridge voipfw_probe {\n"
			 "\tchain probe {\n"
			 "\t\ttype filter hook forward priority filter; "
			 "policy accept;\n"
			 "\t\t%s\n"
			 "\t}\n"
			 "}\n", bridge_probes[i].rule);
		if (nft_run(ctx, cmds, NULL, errtext)) {
			*feature = bridge_probes[i].feature;
			rc = 1;
			break;
		}
	}
	nft_ctx_free(ctx);
	return rc;
}

int ctl_nft_remove_policy(char **errtext)
{
	/*
	 * "add chain" first so that a missing chain is not an error:
	 * declaring it changes nothing when it exists, and the delete that
	 * follows in the same batch takes it away either way.  The table is
	 * not declared: without voipfwd's table there is no policy to
	 * remove, and creating an empty one would be a side effect.  The
	 * bridge table is voipfw's own: deleted whole, in the same batch,
	 * when it is there.
	 */
	static const char cmds[] =
		"add chain inet voipfw " POLICY_NFT_CHAIN_FORWARD "\n"
		"add chain inet voipfw " POLICY_NFT_CHAIN_QOS "\n"
		"flush chain inet voipfw " POLICY_NFT_CHAIN_FORWARD "\n"
		"flush chain inet voipfw " POLICY_NFT_CHAIN_QOS "\n"
		"delete chain inet voipfw " POLICY_NFT_CHAIN_FORWARD "\n"
		"delete chain inet voipfw " POLICY_NFT_CHAIN_QOS "\n";
	static const char bridge_cmds[] =
		"delete table bridge " POLICY_NFT_BRIDGE_TABLE "\n";
	struct nft_ctx *ctx = nft_open(0, errtext);
	char all[sizeof(cmds) + sizeof(bridge_cmds)];
	int rc;

	*errtext = NULL;
	if (!ctx)
		return -1;
	rc = bridge_table_exists(ctx, errtext);
	if (rc < 0) {
		nft_ctx_free(ctx);
		return -1;
	}
	snprintf(all, sizeof(all), "%s%s", cmds, rc ? bridge_cmds : "");
	rc = nft_run(ctx, all, NULL, errtext);
	if (rc && strstr(*errtext, "No such file or directory")) {
		free(*errtext);
		*errtext = NULL;
		rc = 0;
	}
	nft_ctx_free(ctx);
	return rc;
}

int ctl_nft_list_policy(bool stateless, char **text, char **errtext)
{
	static const char *const chains[] = {
		"inet voipfw " POLICY_NFT_CHAIN_FORWARD,
		"inet voipfw " POLICY_NFT_CHAIN_QOS,
		"bridge " POLICY_NFT_BRIDGE_TABLE " " POLICY_NFT_CHAIN_BRIDGE,
	};
	struct nft_ctx *ctx;
	size_t len = 0, n;
	unsigned int i, found = 0;
	char cmd[96], *buf = NULL, *nb, *e;

	*text = *errtext = NULL;
	ctx = nft_open(stateless ? NFT_CTX_OUTPUT_STATELESS : 0, errtext);
	if (!ctx)
		return -1;
	for (i = 0; i < sizeof(chains) / sizeof(chains[0]); i++) {
		const char *o;

		snprintf(cmd, sizeof(cmd), "list chain %s", chains[i]);
		if (nft_run(ctx, cmd, NULL, &e)) {
			/* a missing table or chain: not listed */
			if (strstr(e, "No such file or directory") ||
			    strstr(e, "Address family not supported")) {
				free(e);
				continue;
			}
			*errtext = e;
			goto err;
		}
		o = nft_ctx_get_output_buffer(ctx);
		n = strlen(o);
		nb = realloc(buf, len + n + 1);
		if (!nb) {
			*errtext = strdup("out of memory");
			goto err;
		}
		buf = nb;
		memcpy(buf + len, o, n + 1);
		len += n;
		found++;
	}
	nft_ctx_free(ctx);
	if (found)
		*text = buf;
	else
		free(buf);
	return 0;
err:
	free(buf);
	nft_ctx_free(ctx);
	return -1;
}
