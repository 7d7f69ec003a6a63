/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.h - voipfwd's settings: defaults, the configuration file
 * (voipfwd.conf(5)) and command-line overrides.
 */
#ifndef VOIPFW_CONFIG_H
#define VOIPFW_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "engine/engine.h"
#include "limit/srclimit.h"
#include "nft/nfttab.h"

#define VOIPFWD_CONFIG_DEFAULT	"/etc/voipfw/voipfwd.conf"
#define VOIPFWD_SOCKET_DEFAULT	"/run/voipfw/voipfwd.sock"
#define VOIPFWD_VOIPFWCTL_DEFAULT "/usr/sbin/voipfwctl"
#define VOIPFWD_STATE_DIR_DEFAULT "/var/lib/voipfw"
#define VOIPFWD_SCANNERS_DEFAULT "/etc/voipfw/scanners.list"
#define VOIPFWD_GEOIP_DEFAULT	"/var/lib/voipfw/country.mmdb"
#define VOIPFWD_BLOCKLISTS_MAX	16
#define VOIPFWD_GEO_BLOCK_MAX	64
#define VOIPFWD_TOLL_DEFAULT	"/etc/voipfw/toll-classes.list"

/* The zone policy file @cfg names, into @buf; false for none. */
struct voipfwd_config;
bool config_zone_policy_path(const struct voipfwd_config *cfg, char *buf,
			     size_t size);

/**
 * struct voipfwd_config - everything voipfwd is told.
 * @engine:      the packet path's settings
 * @table:       what the nftables table enforces (ports, queues, media)
 * @socket_path: the control socket
 * @socket_group: group allowed the read-only commands ("" = root only)
 * @admin_group: group allowed every command, those that change things
 *               too ("" = root only)
 * @voipfwctl:   the voipfwctl voipfwd runs, as root, for apply, rollback
 *               and confirm asked over the socket
 * @state_dir:   its --state-dir
 * @zone_policy: the zones' policy (voipfw.conf(5)) whose sip blocks
 *               voipfwd enforces ("" = STATE_DIR/applied.conf, what
 *               voipfwctl apply last applied; "none": no SIP policy)
 * @scanners:    the scanner list (User-Agent fingerprints)
 * @geoip:       the country database (MaxMind DB) for zones' `countries`
 *               and for geo-block
 * @blocklists/@n_blocklists: block list files (blocklist, repeatable),
 *               merged into the sets block4, block6
 * @blocklist_refresh_s: read them again this often (0: at start and on
 *               SIGHUP only)
 * @geo_block/@n_geo_block: countries whose networks the kernel drops
 *               (geo-block; GEOIP_CC codes), sets geoblock4, geoblock6
 * @toll_classes: the toll class file (voipfw-toll.conf(5)); "none": off
 * @kernel_limits: per source and class, for the kernel module voipfw.ko
 *               (kassist.c); unlimited: the module is told to pass all
 */
struct voipfwd_config {
	struct engine_config	engine;
	struct nfttab_config	table;
	char			socket_path[108];
	char			socket_group[64];
	char			admin_group[64];
	char			voipfwctl[256];
	char			state_dir[256];
	char			zone_policy[256];
	char			scanners[256];
	char			geoip[256];
	char			blocklists[VOIPFWD_BLOCKLISTS_MAX][256];
	unsigned int		n_blocklists;
	uint32_t		blocklist_refresh_s;
	uint16_t		geo_block[VOIPFWD_GEO_BLOCK_MAX];
	unsigned int		n_geo_block;
	char			toll_classes[256];
	struct srclimit_rates	kernel_limits;
};

void config_defaults(struct voipfwd_config *cfg);

/*
 * config_load - read @path over the current settings.  On error returns
 * -1 with "FILE:LINE:COL: message" in @err and leaves @cfg unchanged.
 */
int config_load(struct voipfwd_config *cfg, const char *path, char *err,
		size_t errlen);

/*
 * config_set - apply one "key value" setting (the file's syntax; also
 * used by command-line options).  Returns 0, or -1 with a message and the
 * column of the fault (relative to @value) in *@col.
 */
int config_set(struct voipfwd_config *cfg, const char *key,
	       const char *value, char *err, size_t errlen, int *col);

/* Check settings that depend on each other; -1 with a message. */
int config_check(const struct voipfwd_config *cfg, char *err, size_t errlen);

/* Is @port one of the SIP ports? */
bool config_is_sip_port(const struct voipfwd_config *cfg, uint16_t port);

/* Print the settings in file syntax (for --dump-config). */
void config_print(const struct voipfwd_config *cfg, FILE *out);

#endif /* VOIPFW_CONFIG_H */
