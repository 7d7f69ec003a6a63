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
#include "nft/nfttab.h"
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

/* ---- the policy's chains in the kernel ---------------------------------- */

void ctl_nft_chains_free(struct ctl_nft_chains *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->names[i]);
	free(c->names);
	*c = (struct ctl_nft_chains){ 0 };
}

/* zones_forward first, the tree under it by name (zf_ before zp_), then
 * zones_qos: the order in which show and applied.list print them */
static int chain_rank(const char *name)
{
	if (!strcmp(name, POLICY_NFT_CHAIN_FORWARD))
		return 0;
	if (!strcmp(name, POLICY_NFT_CHAIN_QOS))
		return 2;
	return 1;
}

static int chain_cmp(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	int rx = chain_rank(x), ry = chain_rank(y);

	return rx != ry ? rx - ry : strcmp(x, y);
}

static int chains_add(struct ctl_nft_chains *c, const char *name, size_t len)
{
	char **v = realloc(c->names, (c->n + 1) * sizeof(*v));

	if (!v)
		return -1;
	c->names = v;
	v[c->n] = strndup(name, len);
	if (!v[c->n])
		return -1;
	c->n++;
	return 0;
}

/*
 * "list chains inet" names every chain of every inet table, without
 * rules or set elements (cheap however large the policy); the policy's
 * are those of table inet voipfw that policy_nft.h names.
 */
static int policy_chains(struct nft_ctx *ctx, struct ctl_nft_chains *c,
			 char **errtext)
{
	const char *o, *line, *end;
	bool ours = false;

	*c = (struct ctl_nft_chains){ 0 };
	if (nft_run(ctx, "list chains inet", NULL, errtext)) {
		/* no inet family: no table, no chain */
		if (!strstr(*errtext, "Address family not supported"))
			return -1;
		free(*errtext);
		*errtext = NULL;
		return 0;
	}
	o = nft_ctx_get_output_buffer(ctx);
	for (line = o; *line; line = *end ? end + 1 : end) {
		size_t n;

		end = strchrnul(line, '\n');
		if (!strncmp(line, "table ", 6)) {
			ours = (size_t)(end - line) ==
			       strlen("table inet " NFTTAB_TABLE " {") &&
			       !strncmp(line, "table inet " NFTTAB_TABLE " {",
					end - line);
			continue;
		}
		if (!ours || strncmp(line, "\tchain ", 7))
			continue;
		line += 7;
		n = strcspn(line, " \n");
		if (strncmp(line + n, " {", 2))
			continue;
		{
			char name[256];

			if (n >= sizeof(name))
				continue;
			memcpy(name, line, n);
			name[n] = '\0';
			if (strcmp(name, POLICY_NFT_CHAIN_FORWARD) &&
			    strcmp(name, POLICY_NFT_CHAIN_QOS) &&
			    !policy_nft_chain_is_policy(name))
				continue;
		}
		if (chains_add(c, line, n)) {
			ctl_nft_chains_free(c);
			*errtext = strdup("out of memory");
			return -1;
		}
	}
	if (c->n)
		qsort(c->names, c->n, sizeof(*c->names), chain_cmp);
	return 0;
}

int ctl_nft_policy_chains(struct ctl_nft_chains *c, char **errtext)
{
	struct nft_ctx *ctx = nft_open(0, errtext);
	int rc;

	*c = (struct ctl_nft_chains){ 0 };
	*errtext = NULL;
	if (!ctx)
		return -1;
	rc = policy_chains(ctx, c, errtext);
	nft_ctx_free(ctx);
	return rc;
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
	 * "add chain" first so that a missing base chain is not an error:
	 * declaring it changes nothing when it exists, and the delete that
	 * follows in the same batch takes it away either way.  The table is
	 * not declared: without voipfwd's table there is no policy to
	 * remove, and creating an empty one would be a side effect.  The
	 * chains under zones_forward are those listed live; all are flushed
	 * before any is deleted (a chain goes only when no rule jumps to it
	 * any more).  The bridge table is voipfw's own: deleted whole, in
	 * the same batch, when it is there.
	 */
	static const char head[] =
		"add chain inet voipfw " POLICY_NFT_CHAIN_FORWARD "\n"
		"add chain inet voipfw " POLICY_NFT_CHAIN_QOS "\n"
		"flush chain inet voipfw " POLICY_NFT_CHAIN_FORWARD "\n"
		"flush chain inet voipfw " POLICY_NFT_CHAIN_QOS "\n";
	static const char tail[] =
		"delete chain inet voipfw " POLICY_NFT_CHAIN_FORWARD "\n"
		"delete chain inet voipfw " POLICY_NFT_CHAIN_QOS "\n";
	static const char bridge_cmds[] =
		"delete table bridge " POLICY_NFT_BRIDGE_TABLE "\n";
	struct nft_ctx *ctx = nft_open(0, errtext);
	struct ctl_nft_chains live;
	char *all = NULL;
	size_t len = 0, i;
	FILE *f;
	int rc;

	*errtext = NULL;
	if (!ctx)
		return -1;
	rc = bridge_table_exists(ctx, errtext);
	if (rc < 0 || policy_chains(ctx, &live, errtext)) {
		nft_ctx_free(ctx);
		return -1;
	}
	f = open_memstream(&all, &len);
	if (!f) {
		*errtext = strdup("out of memory");
		rc = -1;
		goto out;
	}
	fputs(head, f);
	for (i = 0; i < live.n; i++)
		if (policy_nft_chain_is_policy(live.names[i]))
			fprintf(f, "flush chain inet voipfw %s\n", live.names[i]);
	for (i = 0; i < live.n; i++)
		if (policy_nft_chain_is_policy(live.names[i]))
			fprintf(f, "delete chain inet voipfw %s\n", live.names[i]);
	fputs(tail, f);
	if (rc)
		fputs(bridge_cmds, f);
	if (fclose(f)) {
		*errtext = strdup("out of memory");
		rc = -1;
		goto out;
	}
	rc = nft_run(ctx, all, NULL, errtext);
	if (rc && strstr(*errtext, "No such file or directory")) {
		free(*errtext);
		*errtext = NULL;
		rc = 0;
	}
out:
	free(all);
	ctl_nft_chains_free(&live);
	nft_ctx_free(ctx);
	return rc;
}

/* One chain's block in a table listing: from "\tchain NAME {" through
 * its "\t}" line. */
struct block {
	const char	*name;
	size_t		name_len;
	const char	*start;
	size_t		len;
};

static int block_cmp(const void *a, const void *b)
{
	const struct block *x = a, *y = b;
	char nx[256], ny[256];

	snprintf(nx, sizeof(nx), "%.*s", (int)x->name_len, x->name);
	snprintf(ny, sizeof(ny), "%.*s", (int)y->name_len, y->name);
	return chain_rank(nx) != chain_rank(ny) ?
	       chain_rank(nx) - chain_rank(ny) : strcmp(nx, ny);
}

/*
 * The policy's chains out of a listing of table inet voipfw, each as
 * "table inet voipfw {\n" + its block + "}\n" (what "list chain" prints),
 * in the order of ctl_nft_policy_chains(); appended to @f.  Returns the
 * number of chains, or -1 out of memory.
 */
static int policy_blocks(const char *o, FILE *f)
{
	struct block *v = NULL, *nv;
	const char *line, *end;
	size_t n = 0, i;

	for (line = o; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		if (!strncmp(line, "\tchain ", 7)) {
			const char *name = line + 7;
			size_t len = strcspn(name, " \n");
			char buf[256];

			snprintf(buf, sizeof(buf), "%.*s", (int)len, name);
			if (strcmp(buf, POLICY_NFT_CHAIN_FORWARD) &&
			    strcmp(buf, POLICY_NFT_CHAIN_QOS) &&
			    !policy_nft_chain_is_policy(buf))
				continue;
			nv = realloc(v, (n + 1) * sizeof(*v));
			if (!nv) {
				free(v);
				return -1;
			}
			v = nv;
			v[n++] = (struct block){ .name = name, .name_len = len,
						 .start = line };
		} else if (n && !v[n - 1].len && end - line == 2 &&
			   !strncmp(line, "\t}", 2)) {
			v[n - 1].len = (size_t)(end - v[n - 1].start) + 1;
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), block_cmp);
	for (i = 0; i < n; i++)
		fprintf(f, "table inet " NFTTAB_TABLE " {\n%.*s}\n",
			(int)v[i].len, v[i].start);
	free(v);
	return (int)n;
}

/* Append the output of @cmds to *@buf; 1 when nft says there is no such
 * table or chain (nothing appended). */
static int list_append(struct nft_ctx *ctx, const char *cmds, char **buf,
		       size_t *len, char **errtext)
{
	const char *o;
	char *nb, *e;
	size_t n;

	if (nft_run(ctx, cmds, NULL, &e)) {
		if (strstr(e, "No such file or directory") ||
		    strstr(e, "Address family not supported")) {
			free(e);
			return 1;
		}
		*errtext = e;
		return -1;
	}
	o = nft_ctx_get_output_buffer(ctx);
	n = strlen(o);
	nb = realloc(*buf, *len + n + 1);
	if (!nb) {
		*errtext = strdup("out of memory");
		return -1;
	}
	*buf = nb;
	memcpy(nb + *len, o, n + 1);
	*len += n;
	return 0;
}

int ctl_nft_list_policy(bool stateless, char **text, char **errtext)
{
	struct nft_ctx *ctx;
	size_t len = 0, tlen = 0;
	char *buf = NULL, *table = NULL;
	unsigned int found = 0;
	FILE *f;
	int r;

	*text = *errtext = NULL;
	/*
	 * The whole table in one run, terse (voipfwd's set elements, the
	 * pinholes, are not fetched), and the policy's chains cut out of
	 * it: "list chain" per chain would fill libnftables' cache once per
	 * chain, and a policy may have thousands (several "list chain" in
	 * one run are refused by nft 1.0.6, whose cache then holds one).
	 */
	ctx = nft_open(NFT_CTX_OUTPUT_TERSE |
		       (stateless ? NFT_CTX_OUTPUT_STATELESS : 0), errtext);
	if (!ctx)
		return -1;
	r = list_append(ctx, "list table inet " NFTTAB_TABLE, &table, &tlen,
			errtext);
	if (r < 0)
		goto err;
	if (!r) {
		f = open_memstream(&buf, &len);
		if (!f) {
			*errtext = strdup("out of memory");
			goto err;
		}
		r = policy_blocks(table, f);
		if (fclose(f) || r < 0) {
			*errtext = strdup("out of memory");
			goto err;
		}
		found += r > 0;
	}
	r = list_append(ctx, "list chain bridge " POLICY_NFT_BRIDGE_TABLE " "
			POLICY_NFT_CHAIN_BRIDGE, &buf, &len, errtext);
	if (r < 0)
		goto err;
	found += !r;
	free(table);
	nft_ctx_free(ctx);
	if (found)
		*text = buf;
	else
		free(buf);
	return 0;
err:
	free(table);
	free(buf);
	nft_ctx_free(ctx);
	return -1;
}
