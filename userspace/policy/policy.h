/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy.h - voipfw.conf(5), the zones/services/inter-zone policy file,
 * as a data model: what the ruleset compiler and `voipfwctl apply`
 * consume, and what `voipfwctl check` validates.
 *
 * policy_parse() takes a buffer and a file name and returns either a
 * complete, checked model or NULL with the first error as
 * "FILE:LINE:COL: message".  Parsing stops at the first error: a later
 * error is often a consequence of an earlier one, and a file with any
 * error changes nothing anyway.  Syntax and per-item errors come in file
 * order; names in rules are resolved at the end (zones and services may
 * be declared after the rules that use them), so an unknown name is only
 * reported once the whole file has parsed.
 *
 * Every item carries the line and column it came from so that generated
 * rules can say where they came from ("voipfw.conf:12").  Lines and
 * columns count from 1, columns in bytes; line 0 means "not from the
 * file" (a built-in service, a default).
 *
 * The model owns its memory (no pointers into the parsed buffer); free
 * it with policy_free().  There is no global state.
 */
#ifndef VOIPFW_POLICY_H
#define VOIPFW_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/sip_validate.h"

/* Limits of the language (voipfw.conf(5) LIMITS); exceeding any is an error. */
#define POLICY_NAME_MAX			31	/* zone and service names */
#define POLICY_IFNAME_MAX		15	/* IFNAMSIZ - 1 */
#define POLICY_LINE_MAX			4096	/* bytes, without the newline */
#define POLICY_FILE_MAX			(1024 * 1024)
#define POLICY_MAX_ZONES		256
#define POLICY_MAX_SERVICES		256	/* in the file; built-ins apart */
#define POLICY_MAX_RULES		4096
#define POLICY_ZONE_MAX_IFACES		64
#define POLICY_ZONE_MAX_VLANS		64
#define POLICY_ZONE_MAX_SUBNETS		64
#define POLICY_SERVICE_MAX_PORTS	32
#define POLICY_RULE_MAX_SERVICES	32

/* A rule's FROM or TO that is `any` rather than a zone index. */
#define POLICY_ZONE_ANY			(-1)

/**
 * struct policy_loc - where an item starts in the file.
 * @line: 1-based; 0 when the item is not from the file
 * @col:  1-based byte column
 */
struct policy_loc {
	uint32_t	line;
	uint32_t	col;
};

/**
 * struct policy_iface - a routed interface of a zone (`interface`).
 * @name: 1 to POLICY_IFNAME_MAX bytes of [A-Za-z0-9.:@_-], NUL-terminated
 * @loc:  where the name stands
 */
struct policy_iface {
	char			name[POLICY_IFNAME_MAX + 1];
	struct policy_loc	loc;
};

/**
 * struct policy_vlan - bridged traffic of one 802.1Q tag (`vlan ID on BR`).
 * @id:     1-4094
 * @bridge: the bridge the tagged frames cross, NUL-terminated
 * @loc:    where `vlan` stands
 */
struct policy_vlan {
	uint16_t		id;
	char			bridge[POLICY_IFNAME_MAX + 1];
	struct policy_loc	loc;
};

/**
 * struct policy_subnet - an IPv4 or IPv6 prefix (`subnet`).
 * @family: AF_INET or AF_INET6
 * @plen:   prefix length, 0-32 or 0-128 (a bare address: the maximum)
 * @addr:   network byte order, 4 or 16 bytes used; host bits are zero
 *          (a prefix with host bits set is refused, not masked)
 * @loc:    where the prefix stands
 */
struct policy_subnet {
	uint8_t			family;
	uint8_t			plen;
	uint8_t			addr[16];
	struct policy_loc	loc;
};

/**
 * enum policy_sip_class - the method classes SIP rate limits apply to
 * (the order of limit/srclimit.h's classes)
 */
enum policy_sip_class {
	POLICY_SIP_REGISTER,
	POLICY_SIP_INVITE,
	POLICY_SIP_OPTIONS,
	POLICY_SIP_OTHER,
	POLICY_SIP_CLASSES
};

#define POLICY_ZONE_MAX_TRUSTED		64
#define POLICY_ZONE_MAX_COUNTRIES	64
#define POLICY_ZONE_MAX_SIP_SERVERS	64
#define POLICY_ZONE_MAX_CODECS		16
#define POLICY_CODEC_NAME_MAX		15	/* a=rtpmap encoding names */
#define POLICY_AGENT_MAX		32	/* hide-agent's replacement */
#define POLICY_ZONE_MAX_REQUIRE		8	/* `require` field names */
#define POLICY_HEADER_NAME_MAX		63
/* `unknown` in a countries list: a source the database has no country for */
#define POLICY_COUNTRY_UNKNOWN		0
#define POLICY_RATE_BURST_MAX		4000	/* as srclimit takes */
#define POLICY_DURATION_MAX_MS		(30u * 86400u * 1000u)

/**
 * struct policy_rate - `rate CLASS N/UNIT [burst N]`, per source.
 * @milli_per_sec: thousandths of a message per second (1/m: 16)
 * @burst:         messages at once after a quiet spell
 * @unlimited:     `unlimited` (trusted sources only)
 * @loc:           the setting; line 0 for a default
 */
struct policy_rate {
	uint32_t		milli_per_sec;
	uint32_t		burst;
	bool			unlimited;
	struct policy_loc	loc;
};

#define POLICY_ZONE_MAX_DOMAINS		32
#define POLICY_DOMAIN_MAX		63

/**
 * struct policy_domain - one of `domains`: a host name (lower case) or an
 * address a Request-URI may name
 * @family: 0 for a name, AF_INET or AF_INET6 for an address
 */
struct policy_domain {
	uint8_t			family;
	uint8_t			addr[16];
	char			name[POLICY_DOMAIN_MAX + 1];
	struct policy_loc	loc;
};

/**
 * struct policy_threshold - `N per DURATION [for DURATION]`, or `off`.
 * @count:     events within @window_ms that trip it; 0: off
 * @window_ms: the sliding window
 * @for_ms:    how long the consequence lasts (`user-lock` only)
 * @loc:       the setting; line 0 for a default
 */
struct policy_threshold {
	uint32_t		count;
	uint32_t		window_ms;
	uint32_t		for_ms;
	struct policy_loc	loc;
};

/**
 * struct policy_header - one field name of `require`.
 * @name: as written, NUL-terminated: a token (RFC 3261 25.1) of letters,
 *        digits, '-', '.' and '_'; compared in any case (RFC 3261 7.3.1)
 * @id:   its enum sip_hdr (sip/sip.h) when voipfw knows the field, so
 *        that the long and the compact form both match; SIP_HDR_OTHER (0):
 *        matched by @name alone
 * @loc:  where the name stands
 */
struct policy_header {
	char			name[POLICY_HEADER_NAME_MAX + 1];
	uint8_t			id;
	struct policy_loc	loc;
};

/**
 * struct policy_zone_sip - a zone's `sip { }` block: how SIP from the
 * zone's sources is judged.  Every setting has a default (voipfw.conf(5)
 * SIP POLICY); a setting's loc is line 0 when the default stands.
 * @strictness:   parse policy (default: default)
 * @rate:         per-source limits by method class
 * @trusted:      sources never banned, judged by @trusted_rate instead
 * @trusted_rate: their limits (default: unlimited)
 * @flood:        over-limit messages of one source that get it banned
 * @brute_force:  wrong passwords of one source that get it banned
 * @enumeration:  distinct users one source probed that get it banned
 * @user_lock:    wrong passwords for one username from untrusted sources
 *                that lock its REGISTERs (@for_ms)
 * @ban_ms, @ban_max_ms: a first ban, and the longest a repeat offender's
 *                doubling bans grow to
 * @scanners:     drop requests whose User-Agent is a scanner's
 * @max_size:     largest message, bytes
 * @methods:      allowed request methods, a bit per enum sip_method
 *                (sip/sip.h); 0: all
 * @max_headers:  most header lines a request may have, 8 to SIP_MAX_HEADERS
 *                (sip/sip.h); 0: no limit beyond the SIP parser's own
 * @max_forwards: `max-forwards MIN`: the least Max-Forwards a request may
 *                carry, 0-255 (0: only that it carries one); -1: no check
 * @require, @n_require: `require HEADER...`: fields every request must
 *                have, distinct; none: no check
 * @countries, @n_countries, @countries_allow: `countries allow|deny CC...`:
 *                ISO 3166 codes as two letters in a uint16 (high byte
 *                first, as geoip.h's GEOIP_CC), POLICY_COUNTRY_UNKNOWN for
 *                `unknown`; none: no country check
 * @tls_only:     `signalling tls-only`: SIP on the sip service's ports
 *                from the zone is dropped (in the kernel, and by voipfwd
 *                for what reaches it); with @n_sip_servers, the sip-tls
 *                service's ports only towards @sip_servers
 * @sip_servers:  `servers PREFIX...` of `signalling tls-only`, no overlap
 * @signalling_loc: where `signalling` stands; line 0: any signalling
 * @srtp_only:    `media srtp-only`: SDP whose active media is not SRTP
 *                keyed by a=crypto or a=fingerprint is dropped
 * @media_loc:    where `media` stands; line 0: any media
 * @codecs:       `codecs NAME...`: encoding names, lower case, distinct;
 *                SDP whose active audio carries none of them is dropped;
 *                none: no codec check
 * @codecs_loc:   where `codecs` stands
 * @domains, @n_domains: `domains HOST...`: the hosts requests from the
 *                zone may name in their Request-URI; none: any
 * @sweep:        distinct destination addresses one source sends requests
 *                to (a sweep across hosts, svmap's) that get it banned;
 *                default off
 * @dormant_ms:   an account registering after this long a silence is
 *                reported as woken (0: not watched; default 30 days)
 * @strip_identity: `strip-identity`: P-Asserted-Identity and
 *                P-Preferred-Identity fields are removed from UDP messages
 *                (requests and responses) whose source is in the zone and
 *                not in @trusted
 * @strip_identity_loc: where it stands
 * @hide_agent:   `hide-agent [AGENT]`: User-Agent and Server fields of UDP
 *                messages to the zone from another zone (or none) are
 *                removed, or their values replaced by @agent
 * @agent:        the replacement, a product token ("PBX", "voipfw/1.0");
 *                empty: remove the fields
 * @hide_agent_loc: where it stands
 * @loc:          the block; line 0 when the zone has none
 */
struct policy_zone_sip {
	enum sip_strictness	strictness;
	struct policy_loc	loc;
	struct policy_loc	strictness_loc;
	struct policy_rate	rate[POLICY_SIP_CLASSES];
	unsigned int		n_trusted;
	struct policy_subnet	trusted[POLICY_ZONE_MAX_TRUSTED];
	struct policy_rate	trusted_rate[POLICY_SIP_CLASSES];
	struct policy_threshold	flood;
	struct policy_threshold	brute_force;
	struct policy_threshold	enumeration;
	struct policy_threshold	user_lock;
	uint32_t		ban_ms;
	uint32_t		ban_max_ms;
	struct policy_loc	ban_loc;
	bool			scanners;
	struct policy_loc	scanners_loc;
	uint32_t		max_size;
	struct policy_loc	max_size_loc;
	uint32_t		methods;
	struct policy_loc	methods_loc;
	uint32_t		max_headers;
	struct policy_loc	max_headers_loc;
	int32_t			max_forwards;
	struct policy_loc	max_forwards_loc;
	unsigned int		n_require;
	struct policy_header	require[POLICY_ZONE_MAX_REQUIRE];
	struct policy_loc	require_loc;
	uint16_t		countries[POLICY_ZONE_MAX_COUNTRIES];
	unsigned int		n_countries;
	bool			countries_allow;
	struct policy_loc	countries_loc;
	bool			tls_only;
	unsigned int		n_sip_servers;
	struct policy_subnet	sip_servers[POLICY_ZONE_MAX_SIP_SERVERS];
	struct policy_loc	signalling_loc;
	bool			srtp_only;
	struct policy_loc	media_loc;
	unsigned int		n_codecs;
	char			codecs[POLICY_ZONE_MAX_CODECS][POLICY_CODEC_NAME_MAX + 1];
	struct policy_loc	codecs_loc;
	unsigned int		n_domains;
	struct policy_domain	domains[POLICY_ZONE_MAX_DOMAINS];
	struct policy_loc	domains_loc;
	struct policy_threshold	sweep;
	uint32_t		dormant_ms;
	struct policy_loc	dormant_loc;
	bool			strip_identity;
	struct policy_loc	strip_identity_loc;
	bool			hide_agent;
	char			agent[POLICY_AGENT_MAX + 1];
	struct policy_loc	hide_agent_loc;
};

/* The defaults of a zone's sip block (voipfw.conf(5) SIP POLICY). */
void policy_zone_sip_defaults(struct policy_zone_sip *sip);

/* "register", "invite", "options", "other". */
const char *policy_sip_class_name(enum policy_sip_class cls);

/**
 * struct policy_zone - a `zone NAME { }`: hosts by side and by address.
 * @name:    1 to POLICY_NAME_MAX of [a-z0-9_-], starting with a letter
 * @loc:     where the name stands
 * @ifaces:  routed interfaces, in file order; no interface is in two zones
 * @vlans:   VLANs on bridges, in file order; no (id, bridge) in two zones
 * @subnets: prefixes, in file order; no two prefixes of any zones overlap
 * @sip:     the zone's SIP settings
 * A zone has at least one interface, VLAN or subnet.
 */
struct policy_zone {
	char			name[POLICY_NAME_MAX + 1];
	struct policy_loc	loc;
	unsigned int		n_ifaces;
	unsigned int		n_vlans;
	unsigned int		n_subnets;
	struct policy_iface	ifaces[POLICY_ZONE_MAX_IFACES];
	struct policy_vlan	vlans[POLICY_ZONE_MAX_VLANS];
	struct policy_subnet	subnets[POLICY_ZONE_MAX_SUBNETS];
	struct policy_zone_sip	sip;
};

/**
 * struct policy_ports - destination ports of one protocol (`udp 5060-5061`).
 * @proto: IPPROTO_UDP or IPPROTO_TCP
 * @lo:    first port, 1-65535
 * @hi:    last port, @lo-65535 (equal to @lo for a single port)
 * @loc:   where the protocol keyword stands
 * Ranges of one protocol in one service never overlap.
 */
struct policy_ports {
	uint8_t			proto;
	uint16_t		lo;
	uint16_t		hi;
	struct policy_loc	loc;
};

/**
 * struct policy_service - a `service NAME { }` or a built-in one.
 * @name:    as for zones
 * @loc:     where the name stands; line 0 for a built-in
 * @builtin: true while the built-in definition stands (a service of the
 *           same name in the file replaces it, in the same slot)
 * @media:   the service is `media`: the pinholes voipfwd opens, no ports
 * @n_ports: number of @ports; 0 iff @media
 * @ports:   protocol and port ranges, in file order
 */
struct policy_service {
	char			name[POLICY_NAME_MAX + 1];
	struct policy_loc	loc;
	bool			builtin;
	bool			media;
	unsigned int		n_ports;
	struct policy_ports	ports[POLICY_SERVICE_MAX_PORTS];
};

/* A rule's verdict and the default policy. */
enum policy_action {
	POLICY_DROP = 0,
	POLICY_ACCEPT,
};

/**
 * struct policy_ref - a name a rule uses, resolved after parsing.
 * @name:  the name as written (`any` for any zone)
 * @index: zone or service index in the model; POLICY_ZONE_ANY for `any`
 * @loc:   where the name stands
 */
struct policy_ref {
	char			name[POLICY_NAME_MAX + 1];
	int			index;
	struct policy_loc	loc;
};

/**
 * struct policy_rule - one `allow` or `deny`, one cell of the matrix.
 * @action:     POLICY_ACCEPT for allow, POLICY_DROP for deny
 * @loc:        where `allow`/`deny` stands
 * @from, @to:  zone references (index POLICY_ZONE_ANY for `any`)
 * @n_services: 0 only for a deny without services: everything
 * @services:   service references in the order written, no duplicates
 */
struct policy_rule {
	enum policy_action	action;
	struct policy_loc	loc;
	struct policy_ref	from;
	struct policy_ref	to;
	unsigned int		n_services;
	struct policy_ref	services[POLICY_RULE_MAX_SERVICES];
};

/* The traffic classes `qos` marks, in the order of enum values. */
enum policy_dscp_slot {
	POLICY_DSCP_RTP = 0,	/* pinholed RTP/AVP media */
	POLICY_DSCP_SRTP,	/* pinholed SAVP/SAVPF media */
	POLICY_DSCP_SIP,
	POLICY_DSCP_SIP_TLS,
	__POLICY_DSCP_MAX
};

/**
 * struct policy_qos - the `qos { }` block, defaults filled in.
 * @loc:          the block; line 0 when the file has none
 * @dscp:         DSCP per class, 0-63 (defaults: media ef, SIP cs3)
 * @dscp_loc:     where each was set; line 0 for a default
 * @priority:     tc class id MAJOR << 16 | MINOR for pinholed media;
 *                0 for none (the default)
 * @priority_loc: where it was set; line 0 when not
 */
struct policy_qos {
	struct policy_loc	loc;
	uint8_t			dscp[__POLICY_DSCP_MAX];
	struct policy_loc	dscp_loc[__POLICY_DSCP_MAX];
	uint32_t		priority;
	struct policy_loc	priority_loc;
};

/**
 * struct policy - one parsed and checked voipfw.conf.
 * @file:       the file name given to policy_parse() (for "FILE:LINE")
 * @zones:      in file order; rules refer to them by index
 * @services:   the built-ins first, in voipfw.conf(5)'s order, then the
 *              file's in file order; a redefined built-in keeps its slot
 * @rules:      in file order: the first that matches decides
 * @policy:     verdict for traffic between zones no rule matches
 * @policy_loc: where `policy` was set; line 0 for the default (drop)
 * @qos:        marking of voice
 * @n_file_services: services defined in the file (replacements included)
 */
struct policy {
	char			*file;
	struct policy_zone	*zones;
	unsigned int		n_zones;
	struct policy_service	*services;
	unsigned int		n_services;
	unsigned int		n_file_services;
	struct policy_rule	*rules;
	unsigned int		n_rules;
	enum policy_action	policy;
	struct policy_loc	policy_loc;
	struct policy_qos	qos;

	/* allocated room of the arrays above (private) */
	unsigned int		zones_cap;
	unsigned int		services_cap;
	unsigned int		rules_cap;
};

/* Room for "FILE:LINE:COL: message" with a long path. */
#define POLICY_ERR_TEXT		4608

/**
 * struct policy_error - why policy_parse() failed.
 * @loc:       where; line 0 when not about a place in the file
 * @sys_errno: 0 for an error in the file; ENOMEM when memory ran out
 * @msg:       the message alone
 * @text:      "FILE:LINE:COL: message"
 */
struct policy_error {
	struct policy_loc	loc;
	int			sys_errno;
	char			msg[256];
	char			text[POLICY_ERR_TEXT];
};

/**
 * policy_parse - parse and check @len bytes of voipfw.conf(5) at @buf.
 * @file: the name errors and generated comments use (copied)
 * Returns the model, or NULL with @err filled in.  @buf need not be
 * NUL-terminated; nothing is read outside [@buf, @buf + @len).
 */
struct policy *policy_parse(const char *buf, size_t len, const char *file,
			    struct policy_error *err);

/**
 * policy_read_file - read @path whole for policy_parse().
 * Reads at most POLICY_FILE_MAX + 1 bytes, so that policy_parse() reports
 * a file that is too large at the byte that is one too many.  Returns 0
 * with a malloc'ed *@buf (free() it) and its length, or -1 with errno.
 */
int policy_read_file(const char *path, char **buf, size_t *len);

void policy_free(struct policy *pol);

/* Index of the zone or service called @name, or -1. */
int policy_zone_find(const struct policy *pol, const char *name);
int policy_service_find(const struct policy *pol, const char *name);

const char *policy_action_str(enum policy_action a);
const char *policy_dscp_slot_str(enum policy_dscp_slot s);

/* "10.0.20.0/24", "fd00:20::/64"; returns snprintf()'s result. */
int policy_subnet_format(const struct policy_subnet *s, char *buf, size_t size);

#endif /* VOIPFW_POLICY_H */
