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

int ctl_nft_remove_policy(char **errtext)
{
	/*
	 * "add chain" first so that a missing chain is not an error:
	 * declaring it changes nothing when it exists, and the delete that
	 * follows in the same batch takes it away either way.  The table is
	 * not declared: without voipfwd's table there is no policy to
	 * remove, and creating an empty one would be a side effect.
	 */
	static const char cmds[] =
		"add chain inet voipfw " POLICY_NFT_CHAIN_FORWARD "\n"
		"add chain inet voipfw " POLICY_NFT_CHAIN_QOS "\n"
		"flush chain inet voipfw " POLICY_NFT_CHAIN_FORWARD "\n"
		"flush chain inet voipfw " POLICY_NFT_CHAIN_QOS "\n"
		"delete chain inet voipfw " POLICY_NFT_CHAIN_FORWARD "\n"
		"delete chain inet voipfw " POLICY_NFT_CHAIN_QOS "\n";
	struct nft_ctx *ctx = nft_open(0, errtext);
	int rc;

	*errtext = NULL;
	if (!ctx)
		return -1;
	rc = nft_run(ctx, cmds, NULL, errtext);
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
		POLICY_NFT_CHAIN_FORWARD, POLICY_NFT_CHAIN_QOS,
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

		snprintf(cmd, sizeof(cmd), "list chain inet voipfw %s",
			 chains[i]);
		if (nft_run(ctx, cmd, NULL, &e)) {
			/* a missing table or chain: not listed */
			if (strstr(e, "No such file or directory")) {
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
