/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sip_uri.h - SIP, SIPS and TEL URIs (RFC 3261 19.1, 25.1; RFC 3966;
 * IPv6 references per RFC 5118).
 */
#ifndef VOIPFW_SIP_URI_H
#define VOIPFW_SIP_URI_H

#include "span.h"
#include "sip_error.h"

/**
 * enum sip_uri_scheme - the URI schemes voipfw understands.
 * @SIP_URI_OTHER: any other absoluteURI (RFC 3261 allows them; the
 *                 firewall only carries them opaquely)
 */
enum sip_uri_scheme {
	SIP_URI_OTHER = 0,
	SIP_URI_SIP,
	SIP_URI_SIPS,
	SIP_URI_TEL,
};

/**
 * enum sip_host_type - what the host part of a SIP URI or Via holds.
 */
enum sip_host_type {
	SIP_HOST_NONE = 0,
	SIP_HOST_NAME,		/* hostname, RFC 3261 hostname rule */
	SIP_HOST_IPV4,		/* IPv4address */
	SIP_HOST_IPV6,		/* IPv6reference "[" IPv6address "]" */
};

/**
 * struct sip_host - a host with its parsed address.
 * @text:  the host as written (for IPv6 including the brackets)
 * @type:  see enum sip_host_type
 * @addr:  network-order address bytes (4 for IPv4, 16 for IPv6)
 */
struct sip_host {
	struct span		text;
	enum sip_host_type	type;
	uint8_t			addr[16];
};

/**
 * struct sip_uri - a parsed URI; every member is a span into the input.
 * @raw:      the whole URI
 * @scheme:   scheme as written; @scheme_id classifies it
 * @user:     userinfo user (SIP/SIPS), still escaped; for TEL the number
 * @password: userinfo password (SIP/SIPS), rarely used
 * @host:     host (SIP/SIPS only)
 * @port:     port, 0 when absent
 * @params:   the ";..." parameter list without the leading ';'
 * @headers:  the "?..." header list without the leading '?'
 * @opaque:   for @SIP_URI_OTHER, everything after "scheme:"
 */
struct sip_uri {
	struct span		raw;
	struct span		scheme;
	enum sip_uri_scheme	scheme_id;
	struct span		user;
	struct span		password;
	struct sip_host		host;
	uint16_t		port;
	bool			has_port;
	struct span		params;
	struct span		headers;
	struct span		opaque;
};

/**
 * sip_uri_parse - parse @in as a URI (no surrounding LWS or angle brackets).
 * @in:   the URI bytes
 * @uri:  filled on success
 * @diag: records the fatal error, or the first strict-only defect
 *
 * Returns 0 when the URI can be interpreted (possibly with strict-only
 * defects recorded in @diag), -1 when it cannot (error recorded in @diag).
 */
int sip_uri_parse(struct span in, struct sip_uri *uri, struct sip_diag *diag);

/**
 * sip_host_parse - parse a host (hostname / IPv4address / IPv6reference).
 * Returns 0 or -1; strict-only findings go to @diag.
 */
int sip_host_parse(struct span in, struct sip_host *host, struct sip_diag *diag);

/**
 * sip_ip_parse - an IPv4 dotted quad, or (with @ipv6) an IPv6 address
 * without brackets, into network-order bytes.  Returns 0 or -1.
 */
int sip_ip_parse(struct span in, bool ipv6, uint8_t out[16]);

/**
 * sip_param_find - look up @name in a ";"-separated parameter list such
 * as struct sip_uri.params or a header's parameters (case-insensitive,
 * LWS around '=' tolerated).
 * @value: set to the value (may be empty); quotes are kept
 *
 * Returns 1 found, 0 absent.
 */
int sip_param_find(struct span params, const char *name, struct span *value);

/**
 * sip_unescape - copy @in to @out decoding %HH escapes (RFC 3261 25.1
 * "escaped").  At most @outlen bytes are written; returns the decoded
 * length, or -1 if @in holds a malformed escape or @out is too small.
 */
int sip_unescape(struct span in, char *out, size_t outlen);

#endif /* VOIPFW_SIP_URI_H */
