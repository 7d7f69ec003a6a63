/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sip.h - zero-copy SIP message parser (RFC 3261 section 7 and 25).
 *
 * sip_parse() fills a caller-provided struct sip_msg with spans into the
 * packet: it allocates nothing and never reads past the buffer.  The
 * struct is bounded: at most SIP_MAX_HEADERS header lines are indexed,
 * the first SIP_MAX_VIA Via hops and SIP_MAX_CONTACTS Contact values are
 * parsed into structures (all of them are syntax-checked and counted).
 */
#ifndef VOIPFW_SIP_H
#define VOIPFW_SIP_H

#include "span.h"
#include "sip_error.h"
#include "sip_uri.h"

#define SIP_MAX_HEADERS		128
#define SIP_MAX_VIA		8
#define SIP_MAX_CONTACTS	8
/* RFC 3261 8.1.1.5: the CSeq sequence number MUST be less than 2**31. */
#define SIP_CSEQ_MAX		0x7fffffffU

/**
 * enum sip_method - methods voipfw knows by name; anything else is
 * SIP_METHOD_OTHER (extension-method = token, still valid).
 */
enum sip_method {
	SIP_METHOD_OTHER = 0,
	SIP_METHOD_INVITE,
	SIP_METHOD_ACK,
	SIP_METHOD_BYE,
	SIP_METHOD_CANCEL,
	SIP_METHOD_REGISTER,
	SIP_METHOD_OPTIONS,
	SIP_METHOD_PRACK,
	SIP_METHOD_UPDATE,
	SIP_METHOD_INFO,
	SIP_METHOD_SUBSCRIBE,
	SIP_METHOD_NOTIFY,
	SIP_METHOD_REFER,
	SIP_METHOD_MESSAGE,
	SIP_METHOD_PUBLISH,
	__SIP_METHOD_MAX
};

/**
 * enum sip_hdr - header fields voipfw interprets; SIP_HDR_OTHER for the
 * rest.  Values index the header table in sip.c; append only.
 */
enum sip_hdr {
	SIP_HDR_OTHER = 0,
	SIP_HDR_VIA,
	SIP_HDR_FROM,
	SIP_HDR_TO,
	SIP_HDR_CALL_ID,
	SIP_HDR_CSEQ,
	SIP_HDR_CONTACT,
	SIP_HDR_MAX_FORWARDS,
	SIP_HDR_CONTENT_LENGTH,
	SIP_HDR_CONTENT_TYPE,
	SIP_HDR_USER_AGENT,
	SIP_HDR_SERVER,
	SIP_HDR_EXPIRES,
	SIP_HDR_AUTHORIZATION,
	SIP_HDR_PROXY_AUTHORIZATION,
	SIP_HDR_WWW_AUTHENTICATE,
	SIP_HDR_PROXY_AUTHENTICATE,
	SIP_HDR_RECORD_ROUTE,
	SIP_HDR_ROUTE,
	SIP_HDR_P_ASSERTED_IDENTITY,
	SIP_HDR_P_PREFERRED_IDENTITY,
	SIP_HDR_ALLOW,
	SIP_HDR_SUPPORTED,
	SIP_HDR_REQUIRE,
	SIP_HDR_SUBJECT,
	SIP_HDR_CONTENT_ENCODING,
	SIP_HDR_EVENT,
	SIP_HDR_ALLOW_EVENTS,
	SIP_HDR_REFER_TO,
	SIP_HDR_REFERRED_BY,
	SIP_HDR_SESSION_EXPIRES,
	SIP_HDR_IDENTITY,
	SIP_HDR_DATE,
	SIP_HDR_RETRY_AFTER,
	SIP_HDR_MIN_EXPIRES,
	__SIP_HDR_MAX
};

/**
 * struct sip_header - one header field line as received.
 * @id:    classification of @name
 * @name:  field name as written (may be the compact form)
 * @value: field value, without leading/trailing LWS; may contain folds
 *         (CRLF followed by SP/HT), which the value parsers treat as LWS
 */
struct sip_header {
	enum sip_hdr	id;
	struct span	name;
	struct span	value;
};

/**
 * struct sip_via - one Via hop (RFC 3261 20.42, 18.2.1; RFC 3581).
 */
struct sip_via {
	struct span	protocol;	/* "SIP/2.0" as written, LWS removed */
	struct span	transport;	/* UDP, TCP, TLS, SCTP, WS, ... */
	struct sip_host	host;
	uint16_t	port;		/* 0 when absent */
	struct span	params;		/* ";..." without the first ';' */
	struct span	branch;
	struct span	received;
	bool		rport;		/* rport present (with or without value) */
	uint16_t	rport_value;	/* 0 when no value */
};

/**
 * struct sip_name_addr - From, To, Contact, Route, P-Asserted-Identity...
 * (name-addr / addr-spec plus header parameters, RFC 3261 20.10).
 * @star:    Contact "*" (RFC 3261 10.2.2)
 * @display: display-name, quotes included when quoted
 * @uri:     the URI
 * @params:  header parameters after the URI, without the first ';'
 * @tag:     the tag parameter (From/To)
 * @expires: Contact expires parameter, or -1 when absent
 */
struct sip_name_addr {
	bool		star;
	struct span	display;
	struct sip_uri	uri;
	struct span	params;
	struct span	tag;
	int64_t		expires;
};

/**
 * struct sip_auth - Authorization / Proxy-Authorization /
 * WWW-Authenticate / Proxy-Authenticate (RFC 3261 20.7, 25.1).
 * @scheme:   "Digest" or any other token
 * @username, @realm: unquoted contents of those auth-params, if present
 */
struct sip_auth {
	bool		present;
	struct span	scheme;
	struct span	username;
	struct span	realm;
};

/**
 * struct sip_msg - a parsed message; every span points into the buffer
 * given to sip_parse(), so the buffer must outlive the struct.
 * @buf, @buf_len:  the buffer as given
 * @msg_len:        bytes that belong to this message (start line to end of
 *                  body); for datagrams what follows is discarded
 * @is_request:     request or response
 * @method:         request method, or the CSeq method of a response
 * @method_name:    request method token as written
 * @ruri:           Request-URI
 * @status:         status code (responses)
 * @reason:         reason phrase (responses), may be empty
 * @hdrs, @n_hdrs:  every header line in order
 * @n_via:          Via hops seen (all lines, all comma-separated values)
 * @via:            the first SIP_MAX_VIA of them
 * @contact, @n_contact: likewise for Contact
 * @content_length: value of Content-Length, -1 when absent
 * @body:           the body actually present (never more than the buffer;
 *                  cut to Content-Length when that is shorter)
 */
struct sip_msg {
	const char		*buf;
	size_t			buf_len;
	size_t			msg_len;

	bool			is_request;
	enum sip_method		method;
	struct span		method_name;
	struct span		ruri_text;
	struct sip_uri		ruri;
	struct span		version;
	uint16_t		status;
	struct span		reason;

	unsigned int		n_hdrs;
	/* index into @hdrs of the first occurrence of each header, -1 none */
	int16_t			first[__SIP_HDR_MAX];
	uint8_t			count[__SIP_HDR_MAX];	/* saturates at 255 */

	unsigned int		n_via;
	struct sip_name_addr	from;
	struct sip_name_addr	to;
	struct span		call_id;
	uint32_t		cseq;
	enum sip_method		cseq_method;
	struct span		cseq_method_name;
	unsigned int		n_contact;
	int32_t			max_forwards;	/* -1 when absent */
	int64_t			content_length;	/* -1 when absent */
	struct span		content_type;	/* full value incl. params */
	struct span		user_agent;	/* User-Agent, or Server */
	int64_t			expires;	/* -1 when absent */
	struct sip_auth		auth;		/* first (Proxy-)Authorization */
	struct sip_auth		challenge;	/* first (Proxy-|WWW-)Authenticate */
	unsigned int		n_route;
	unsigned int		n_record_route;
	struct sip_name_addr	pai;		/* first P-Asserted-Identity */
	struct span		body;

	/*
	 * Arrays last: sip_parse() clears everything above and fills these
	 * only up to their counts, so a parse does not touch ~8 KiB of
	 * memory it will not use.
	 */
	struct sip_header	hdrs[SIP_MAX_HEADERS];
	struct sip_via		via[SIP_MAX_VIA];
	struct sip_name_addr	contact[SIP_MAX_CONTACTS];
};

/**
 * sip_parse - parse one SIP message from @buf.
 * @buf, @len: the message bytes as received (a datagram, or a stream
 *             segment already framed by sip_frame_length())
 * @msg:       filled in; on error, holds what was parsed so far
 * @diag:      zeroed by the caller; gets the fatal error or strict defects
 *
 * Returns 0 when the message can be interpreted (strict-only defects may
 * be recorded in @diag), -1 when it cannot (@diag->fatal says why).
 */
int sip_parse(const char *buf, size_t len, struct sip_msg *msg,
	      struct sip_diag *diag);

/**
 * sip_frame_length - for stream transports (TCP, TLS), how many bytes of
 * @buf form the next complete message, using Content-Length (mandatory on
 * streams, RFC 3261 18.3).  Leading CRLF keep-alives are counted in.
 * Returns the length, 0 when more bytes are needed, -1 when the stream
 * cannot be framed (no or bad Content-Length, headers over @max_hdr).
 */
long sip_frame_length(const char *buf, size_t len, size_t max_hdr);

enum sip_method sip_method_lookup(struct span name);
const char *sip_method_str(enum sip_method m);
const char *sip_hdr_name(enum sip_hdr h);
/* A field name, long or compact form, in any case; SIP_HDR_OTHER if not
 * one voipfw knows (the policy's `require` resolves names with it). */
enum sip_hdr sip_hdr_lookup(struct span name);

/* Header accessors: the first occurrence, or NULL. */
const struct sip_header *sip_hdr_get(const struct sip_msg *msg,
				     enum sip_hdr id);

/**
 * sip_list_next - iterate the comma-separated values of a header value
 * (RFC 3261 7.3.1), honouring quoted strings and <...>.
 * @cursor: in/out position; start with the whole value
 * @item:   the next value, LWS trimmed
 * Returns 1 with an item, 0 at the end.
 */
int sip_list_next(struct span *cursor, struct span *item);

/* Parse helpers shared with the body parsers and tests. */
int sip_parse_via(struct span value, struct sip_via *via,
		  struct sip_diag *diag);
int sip_parse_name_addr(struct span value, struct sip_name_addr *na,
			struct sip_diag *diag);
int sip_parse_auth(struct span value, struct sip_auth *auth,
		   struct sip_diag *diag);

#endif /* VOIPFW_SIP_H */
