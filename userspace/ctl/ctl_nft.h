/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl_nft.h - the policy chains in the kernel, through libnftables, in
 * the current network namespace (root, or CAP_NET_ADMIN).
 *
 * Every function that fails returns -1 with *@errtext set to a malloc'ed
 * text (nft's own error output where there is one; free() it).
 */
#ifndef VOIPFW_CTL_NFT_H
#define VOIPFW_CTL_NFT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * ctl_nft_apply - run the script in the file @path as one transaction:
 * first as a dry run (validated against the live kernel, nothing
 * committed), then for real.  nft sends the whole script in one batch,
 * so a failure at either step leaves the live ruleset as it was.
 *
 * A file rather than a buffer: libnftables 1.0.6 quotes the first line
 * of a buffer under every error, not the line the error is on; from a
 * file its messages say "PATH:LINE:COL" and quote the right line.
 */
int ctl_nft_apply(const char *path, char **errtext);

/*
 * ctl_nft_remove_policy - delete the policy's chains (zones_forward,
 * zones_qos and the zf_/zp_ chains under zones_forward), and voipfw's
 * bridge table when there is one, in one transaction (what is left when
 * the first policy ever applied is rolled back).  Chains that are not
 * there are not an error.
 */
int ctl_nft_remove_policy(char **errtext);

/*
 * ctl_nft_bridge_table - 1 when table bridge voipfw (the VLAN zones'
 * chain, policy_nft.h) is in the kernel, 0 when not, -1 on error.
 */
int ctl_nft_bridge_table(char **errtext);

/*
 * ctl_nft_probe_bridge - whether this kernel can run the bridge chain of
 * VLAN zones: dry runs of one rule per feature it needs, nothing
 * committed.  0: all there; 1: *@feature names the first one missing
 * (a static string) and *@errtext holds nft's text; -1: other error.
 */
int ctl_nft_probe_bridge(const char **feature, char **errtext);

/**
 * struct ctl_nft_chains - names of the policy's chains in the kernel.
 * @names: malloc'ed, @n of them; free with ctl_nft_chains_free()
 */
struct ctl_nft_chains {
	char	**names;
	size_t	n;
};

/*
 * ctl_nft_policy_chains - the policy's chains now in table inet voipfw:
 * zones_forward, the zf_ and zp_ chains under it by name, zones_qos,
 * those that are there (none without the table).  voipfwd's own chains
 * are never among them.
 */
int ctl_nft_policy_chains(struct ctl_nft_chains *c, char **errtext);
void ctl_nft_chains_free(struct ctl_nft_chains *c);

/*
 * ctl_nft_list_policy - "list chain" of the policy chains, in the order
 * of ctl_nft_policy_chains() (and of
 * zones_bridge in table bridge voipfw when there is one), with
 * counters or @stateless.  *@text is set to the listing (malloc'ed),
 * or to NULL when there is none of the chains; returns 0.
 */
int ctl_nft_list_policy(bool stateless, char **text, char **errtext);

#endif /* VOIPFW_CTL_NFT_H */
