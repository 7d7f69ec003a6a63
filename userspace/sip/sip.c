// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sip.c - message framing, start line and header dispatch (RFC 3261 7).
 *
 *   generic-message = start-line *message-header CRLF [ message-body ]
 *   message-header  = header-name HCOLON header-value CRLF
 *   HCOLON          = *( SP / HTAB ) ":" SWS
 *
 * The value parsers of individual headers live in sip_hdr.c; this file
 * splits the message into lines, classifies header names through the
 * table below and decides where the body is.  Content-Length is never
 * trusted to point anywhere: the body is what the buffer holds, cut to
 * Content-Length when that is shorter (RFC 3261 18.3).
 */
#include <stddef.h>
#include <string.h>

#include "sip.h"
#include "sip_hdr.h"
#include "sip_lex.h"

/* Methods by name (RFC 3261 and the extensions a PBX sees every day). */
static const struct {
	const char	*name;
	uint8_t		len;
} sip_methods[__SIP_METHOD_MAX] = {
#define M(id, str) [id] = { str, sizeof(str) - 1 }
	M(SIP_METHOD_OTHER,	""),
	M(SIP_METHOD_INVITE,	"INVITE"),
	M(SIP_METHOD_ACK,	"ACK"),
	M(SIP_METHOD_BYE,	"BYE"),
	M(SIP_METHOD_CANCEL,	"CANCEL"),
	M(SIP_METHOD_REGISTER,	"REGISTER"),
	M(SIP_METHOD_OPTIONS,	"OPTIONS"),
	M(SIP_METHOD_PRACK,	"PRACK"),
	M(SIP_METHOD_UPDATE,	"UPDATE"),
	M(SIP_METHOD_INFO,	"INFO"),
	M(SIP_METHOD_SUBSCRIBE,	"SUBSCRIBE"),
	M(SIP_METHOD_NOTIFY,	"NOTIFY"),
	M(SIP_METHOD_REFER,	"REFER"),
	M(SIP_METHOD_MESSAGE,	"MESSAGE"),
	M(SIP_METHOD_PUBLISH,	"PUBLISH"),
#undef M
};

/* Methods are case-sensitive (RFC 3261 7.1). */
enum sip_method sip_method_lookup(struct span name)
{
	unsigned int i;

	for (i = 1; i < __SIP_METHOD_MAX; i++)
		if (name.len == sip_methods[i].len &&
		    !memcmp(name.p, sip_methods[i].name, name.len))
			return (enum sip_method)i;
	return SIP_METHOD_OTHER;
}

const char *sip_method_str(enum sip_method m)
{
	if ((unsigned int)m >= __SIP_METHOD_MAX || m == SIP_METHOD_OTHER)
		return "OTHER";
	return sip_methods[m].name;
}

/**
 * struct sip_hdr_def - one known header field.
 * @name:    canonical name
 * @compact: compact form (RFC 3261 7.3.3 and extensions), 0 if none
 * @flags:   SIP_HDR_F_*
 * @parse:   value parser, NULL to index only
 */
struct sip_hdr_def {
	const char	*name;
	uint8_t		len;
	char		compact;
	uint8_t		flags;
	sip_hdr_parse_fn parse;
};

/* A second occurrence makes the message ambiguous: drop it. */
#define SIP_HDR_F_UNIQUE	0x01
/* A second occurrence is a strict-only defect. */
#define SIP_HDR_F_SINGLE	0x02

static const struct sip_hdr_def sip_hdrs[__SIP_HDR_MAX] = {
#define H(id, str, c, fl, fn) [id] = { str, sizeof(str) - 1, c, fl, fn }
	H(SIP_HDR_OTHER,		"", 0, 0, NULL),
	H(SIP_HDR_VIA,			"Via", 'v', 0, sip_hdr_via),
	H(SIP_HDR_FROM,			"From", 'f', SIP_HDR_F_UNIQUE, sip_hdr_from),
	H(SIP_HDR_TO,			"To", 't', SIP_HDR_F_UNIQUE, sip_hdr_to),
	H(SIP_HDR_CALL_ID,		"Call-ID", 'i', SIP_HDR_F_UNIQUE, sip_hdr_call_id),
	H(SIP_HDR_CSEQ,			"CSeq", 0, SIP_HDR_F_UNIQUE, sip_hdr_cseq),
	H(SIP_HDR_CONTACT,		"Contact", 'm', 0, sip_hdr_contact),
	H(SIP_HDR_MAX_FORWARDS,		"Max-Forwards", 0, SIP_HDR_F_SINGLE, sip_hdr_max_forwards),
	H(SIP_HDR_CONTENT_LENGTH,	"Content-Length", 'l', SIP_HDR_F_UNIQUE, sip_hdr_content_length),
	H(SIP_HDR_CONTENT_TYPE,		"Content-Type", 'c', SIP_HDR_F_UNIQUE, sip_hdr_content_type),
	H(SIP_HDR_USER_AGENT,		"User-Agent", 0, 0, sip_hdr_user_agent),
	H(SIP_HDR_SERVER,		"Server", 0, 0, sip_hdr_user_agent),
	H(SIP_HDR_EXPIRES,		"Expires", 0, SIP_HDR_F_SINGLE, sip_hdr_expires),
	H(SIP_HDR_AUTHORIZATION,	"Authorization", 0, 0, sip_hdr_authorization),
	H(SIP_HDR_PROXY_AUTHORIZATION,	"Proxy-Authorization", 0, 0, sip_hdr_authorization),
	H(SIP_HDR_WWW_AUTHENTICATE,	"WWW-Authenticate", 0, 0, sip_hdr_challenge),
	H(SIP_HDR_PROXY_AUTHENTICATE,	"Proxy-Authenticate", 0, 0, sip_hdr_challenge),
	H(SIP_HDR_RECORD_ROUTE,		"Record-Route", 0, 0, sip_hdr_route),
	H(SIP_HDR_ROUTE,		"Route", 0, 0, sip_hdr_route),
	H(SIP_HDR_P_ASSERTED_IDENTITY,	"P-Asserted-Identity", 0, 0, sip_hdr_pai),
	H(SIP_HDR_P_PREFERRED_IDENTITY,	"P-Preferred-Identity", 0, 0, sip_hdr_pai),
	H(SIP_HDR_ALLOW,		"Allow", 0, 0, sip_hdr_token_list),
	H(SIP_HDR_SUPPORTED,		"Supported", 'k', 0, sip_hdr_token_list),
	H(SIP_HDR_REQUIRE,		"Require", 0, 0, sip_hdr_token_list),
	H(SIP_HDR_SUBJECT,		"Subject", 's', 0, NULL),
	H(SIP_HDR_CONTENT_ENCODING,	"Content-Encoding", 'e', 0, sip_hdr_token_list),
	H(SIP_HDR_EVENT,		"Event", 'o', 0, NULL),
	H(SIP_HDR_ALLOW_EVENTS,		"Allow-Events", 'u', 0, sip_hdr_token_list),
	H(SIP_HDR_REFER_TO,		"Refer-To", 'r', 0, sip_hdr_name_addr_only),
	H(SIP_HDR_REFERRED_BY,		"Referred-By", 'b', 0, sip_hdr_name_addr_only),
	H(SIP_HDR_SESSION_EXPIRES,	"Session-Expires", 'x', 0, NULL),
	H(SIP_HDR_IDENTITY,		"Identity", 'y', 0, NULL),
	H(SIP_HDR_DATE,			"Date", 0, SIP_HDR_F_SINGLE, sip_hdr_date),
	H(SIP_HDR_RETRY_AFTER,		"Retry-After", 0, 0, sip_hdr_retry_after),
	H(SIP_HDR_MIN_EXPIRES,		"Min-Expires", 0, 0, sip_hdr_min_expires),
#undef H
};

const char *sip_hdr_name(enum sip_hdr h)
{
	if ((unsigned int)h >= __SIP_HDR_MAX || h == SIP_HDR_OTHER)
		return "other";
	return sip_hdrs[h].name;
}

/*
 * Candidates by first letter, so a lookup compares a handful of names
 * instead of the whole table.  Every entry of sip_hdrs[] must appear under
 * its first letter (test_sip_msg.c looks every name and compact form up).
 */
static const uint8_t sip_hdrs_by_letter[26][7] = {
	['a' - 'a'] = { SIP_HDR_ALLOW, SIP_HDR_AUTHORIZATION,
			SIP_HDR_ALLOW_EVENTS },
	['c' - 'a'] = { SIP_HDR_CALL_ID, SIP_HDR_CSEQ, SIP_HDR_CONTACT,
			SIP_HDR_CONTENT_LENGTH, SIP_HDR_CONTENT_TYPE,
			SIP_HDR_CONTENT_ENCODING },
	['d' - 'a'] = { SIP_HDR_DATE },
	['e' - 'a'] = { SIP_HDR_EXPIRES, SIP_HDR_EVENT },
	['f' - 'a'] = { SIP_HDR_FROM },
	['i' - 'a'] = { SIP_HDR_IDENTITY },
	['m' - 'a'] = { SIP_HDR_MAX_FORWARDS, SIP_HDR_MIN_EXPIRES },
	['p' - 'a'] = { SIP_HDR_PROXY_AUTHORIZATION,
			SIP_HDR_PROXY_AUTHENTICATE,
			SIP_HDR_P_ASSERTED_IDENTITY,
			SIP_HDR_P_PREFERRED_IDENTITY },
	['r' - 'a'] = { SIP_HDR_RECORD_ROUTE, SIP_HDR_ROUTE, SIP_HDR_REQUIRE,
			SIP_HDR_REFER_TO, SIP_HDR_REFERRED_BY,
			SIP_HDR_RETRY_AFTER },
	['s' - 'a'] = { SIP_HDR_SERVER, SIP_HDR_SUPPORTED, SIP_HDR_SUBJECT,
			SIP_HDR_SESSION_EXPIRES },
	['t' - 'a'] = { SIP_HDR_TO },
	['u' - 'a'] = { SIP_HDR_USER_AGENT },
	['v' - 'a'] = { SIP_HDR_VIA },
	['w' - 'a'] = { SIP_HDR_WWW_AUTHENTICATE },
};

/* Compact forms (RFC 3261 7.3.3, and the extensions' own). */
static const uint8_t sip_hdrs_compact[26] = {
	['b' - 'a'] = SIP_HDR_REFERRED_BY,
	['c' - 'a'] = SIP_HDR_CONTENT_TYPE,
	['e' - 'a'] = SIP_HDR_CONTENT_ENCODING,
	['f' - 'a'] = SIP_HDR_FROM,
	['i' - 'a'] = SIP_HDR_CALL_ID,
	['k' - 'a'] = SIP_HDR_SUPPORTED,
	['l' - 'a'] = SIP_HDR_CONTENT_LENGTH,
	['m' - 'a'] = SIP_HDR_CONTACT,
	['o' - 'a'] = SIP_HDR_EVENT,
	['r' - 'a'] = SIP_HDR_REFER_TO,
	['s' - 'a'] = SIP_HDR_SUBJECT,
	['t' - 'a'] = SIP_HDR_TO,
	['u' - 'a'] = SIP_HDR_ALLOW_EVENTS,
	['v' - 'a'] = SIP_HDR_VIA,
	['x' - 'a'] = SIP_HDR_SESSION_EXPIRES,
	['y' - 'a'] = SIP_HDR_IDENTITY,
};

/* Header names are case-insensitive (RFC 3261 7.3.1). */
enum sip_hdr sip_hdr_lookup(struct span name)
{
	unsigned int letter, i;

	if (!name.len)
		return SIP_HDR_OTHER;
	letter = (unsigned int)((name.p[0] | 0x20) - 'a');
	if (letter >= 26)
		return SIP_HDR_OTHER;
	if (name.len == 1)
		return (enum sip_hdr)sip_hdrs_compact[letter];
	for (i = 0; i < 7 && sip_hdrs_by_letter[letter][i]; i++) {
		const struct sip_hdr_def *d = &sip_hdrs[sip_hdrs_by_letter[letter][i]];

		/* most senders use the canonical case: memcmp first */
		if (name.len == d->len &&
		    (!memcmp(name.p, d->name, name.len) ||
		     span_eq_ci(name, span_make(d->name, name.len))))
			return (enum sip_hdr)sip_hdrs_by_letter[letter][i];
	}
	return SIP_HDR_OTHER;
}

const struct sip_header *sip_hdr_get(const struct sip_msg *msg,
				     enum sip_hdr id)
{
	if ((unsigned int)id >= __SIP_HDR_MAX || msg->first[id] < 0)
		return NULL;
	return &msg->hdrs[msg->first[id]];
}

int sip_list_next(struct span *cursor, struct span *item)
{
	const char *p = cursor->p, *end, *comma;

	if (!p)
		return 0;
	end = p + cursor->len;
	comma = lex_find_unquoted(p, end, ',');
	if (comma) {
		*item = lex_trim(span_from_to(p, comma));
		*cursor = span_from_to(comma + 1, end);
	} else {
		*item = lex_trim(span_from_to(p, end));
		*cursor = SPAN_NULL;
	}
	return 1;
}

/* SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT; only 2.0 is spoken. */
static int sip_version_check(struct span v, struct sip_diag *diag)
{
	if (span_is(v, "SIP/2.0")) {
		if (memcmp(v.p, "SIP", 3))
			sip_diag_strict(diag, SIP_ERR_BAD_VERSION,
					"SIP-Version not in upper case", v);
		return 0;
	}
	if (span_starts_ci(v, "SIP/", 4))
		return sip_diag_fatal(diag, SIP_ERR_BAD_VERSION,
				      "unsupported SIP version", v);
	return -1;
}

/*
 * Split a start line into SP-separated fields.  RFC 3261 25.1 allows
 * exactly one SP between them; more, HTAB or trailing whitespace are
 * strict-only defects (RFC 4475 3.1.2.9, 3.1.2.10).
 */
struct start_fields {
	struct span	f[3];
	unsigned int	n;
	bool		extra_ws;	/* more than one SP, or HTAB */
	bool		trailing_ws;
	bool		leading_ws;
	bool		more;		/* a fourth field exists */
	const char	*first_gap_extra; /* where extra_ws was first seen */
	unsigned int	gap_index;
};

static void start_line_split(struct span line, struct start_fields *sf,
			     unsigned int max_fields)
{
	const char *p = line.p, *end = line.p + line.len;

	memset(sf, 0, sizeof(*sf));
	if (p < end && (*p == ' ' || *p == '\t'))
		sf->leading_ws = true;
	for (;;) {
		const char *ws = p, *tok;
		unsigned int gap = 0;

		while (p < end && (*p == ' ' || *p == '\t')) {
			if (*p == '\t' || ++gap > 1) {
				if (!sf->extra_ws) {
					sf->first_gap_extra = ws;
					sf->gap_index = sf->n;
				}
				sf->extra_ws = true;
			}
			p++;
		}
		if (p >= end) {
			if (p > ws && sf->n)
				sf->trailing_ws = true;
			return;
		}
		if (sf->n == max_fields) {
			sf->more = true;
			return;
		}
		tok = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		sf->f[sf->n++] = span_from_to(tok, p);
	}
}

/* Request-Line = Method SP Request-URI SP SIP-Version CRLF */
static int sip_parse_request_line(struct span line, struct sip_msg *msg,
				  struct sip_diag *diag)
{
	static const char *const gap_detail[] = {
		"more than one SP before Method",
		"more than one SP before Request-URI",
		"more than one SP before SIP-Version",
		"whitespace after SIP-Version",
	};
	struct start_fields sf;
	struct sip_diag sub = { .skip_strict = diag->skip_strict };
	const char *sp1 = memchr(line.p, ' ', line.len);
	const char *sp2 = sp1 ? memchr(sp1 + 1, ' ',
				       (size_t)(line.p + line.len - sp1 - 1))
			      : NULL;

	/* the common shape, "M U V" with single SPs, without a byte loop */
	if (sp1 && sp2 && sp1 > line.p && sp2 > sp1 + 1 &&
	    sp2 + 1 < line.p + line.len &&
	    !memchr(sp2 + 1, ' ', (size_t)(line.p + line.len - sp2 - 1)) &&
	    !memchr(line.p, '\t', line.len)) {
		memset(&sf, 0, sizeof(sf));
		sf.n = 3;
		sf.f[0] = span_from_to(line.p, sp1);
		sf.f[1] = span_from_to(sp1 + 1, sp2);
		sf.f[2] = span_from_to(sp2 + 1, line.p + line.len);
	} else {
		start_line_split(line, &sf, 3);
	}
	if (sf.more)
		return sip_diag_fatal(diag, SIP_ERR_BAD_REQUEST_LINE,
				      "whitespace inside Request-URI", line);
	if (sf.n != 3)
		return sip_diag_fatal(diag, SIP_ERR_BAD_REQUEST_LINE,
				      "not Method SP Request-URI SP SIP-Version",
				      line);
	if (!lex_all(sf.f[0], LEX_TOKEN))
		return sip_diag_fatal(diag, SIP_ERR_BAD_REQUEST_LINE,
				      "Method is not a token", sf.f[0]);
	if (sip_version_check(sf.f[2], diag))
		return sip_diag_fatal(diag, SIP_ERR_BAD_REQUEST_LINE,
				      "no SIP-Version at the end", sf.f[2]);
	if (sf.f[1].p[0] == '<')
		return sip_diag_fatal(diag, SIP_ERR_BAD_REQUEST_LINE,
				      "Request-URI enclosed in <>", sf.f[1]);
	if (sf.leading_ws)
		sip_diag_strict(diag, SIP_ERR_BAD_REQUEST_LINE,
				"whitespace before Method", line);
	if (sf.extra_ws)
		sip_diag_strict(diag, SIP_ERR_BAD_REQUEST_LINE,
				gap_detail[sf.gap_index > 3 ? 3 : sf.gap_index],
				line);
	if (sf.trailing_ws)
		sip_diag_strict(diag, SIP_ERR_BAD_REQUEST_LINE,
				"whitespace after SIP-Version", line);

	msg->is_request = true;
	msg->method_name = sf.f[0];
	msg->method = sip_method_lookup(sf.f[0]);
	msg->ruri_text = sf.f[1];
	msg->version = sf.f[2];
	if (sip_uri_parse(sf.f[1], &msg->ruri, &sub)) {
		diag->fatal = sub.fatal;
		diag->fatal.reason = SIP_ERR_BAD_REQUEST_LINE;
		return -1;
	}
	if (sub.strict_count)
		sip_diag_strict(diag, sub.strict.reason, sub.strict.detail,
				sub.strict.where);
	return 0;
}

/* Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF */
static int sip_parse_status_line(struct span line, struct sip_msg *msg,
				 struct sip_diag *diag)
{
	const char *p = line.p, *end = line.p + line.len, *code;
	uint32_t status;
	size_t i;

	while (p < end && *p != ' ' && *p != '\t')
		p++;
	msg->version = span_from_to(line.p, p);
	if (sip_version_check(msg->version, diag))
		return sip_diag_fatal(diag, SIP_ERR_BAD_STATUS_LINE,
				      "no SIP-Version", msg->version);
	if (p >= end)
		return sip_diag_fatal(diag, SIP_ERR_BAD_STATUS_LINE,
				      "no Status-Code", line);
	if (*p != ' ' || (p + 1 < end && (p[1] == ' ' || p[1] == '\t')))
		sip_diag_strict(diag, SIP_ERR_BAD_STATUS_LINE,
				"not exactly one SP before Status-Code", line);
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	code = p;
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	/* Status-Code = 3DIGIT; 1xx to 6xx (RFC 3261 21) */
	if (p - code != 3 || (p < end && *p != ' ' && *p != '\t') ||
	    span_to_u32(span_from_to(code, p), 699, &status) || status < 100)
		return sip_diag_fatal(diag, SIP_ERR_BAD_STATUS_LINE,
				      "Status-Code is not 3 digits 100-699",
				      line);
	msg->status = (uint16_t)status;
	if (p >= end) {
		sip_diag_strict(diag, SIP_ERR_BAD_STATUS_LINE,
				"no SP after Status-Code", line);
	} else {
		if (*p != ' ')
			sip_diag_strict(diag, SIP_ERR_BAD_STATUS_LINE,
					"HTAB instead of SP after Status-Code",
					line);
		p++;
	}
	msg->reason = span_from_to(p, end);
	/* Reason-Phrase = *(reserved / unreserved / escaped / UTF8-NONASCII
	 *                  / UTF8-CONT / SP / HTAB) */
	for (i = 0; sip_diag_wants_strict(diag) && i < msg->reason.len; i++) {
		unsigned char c = (unsigned char)msg->reason.p[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			sip_diag_strict(diag, SIP_ERR_BAD_STATUS_LINE,
					"control character in Reason-Phrase",
					line);
			break;
		}
	}
	msg->is_request = false;
	return 0;
}

/* header-name = token, then *( SP / HTAB ) ":" */
static int sip_parse_header_line(struct span line, struct sip_msg *msg,
				 struct sip_diag *diag)
{
	const char *p = line.p, *end = line.p + line.len;
	const char *colon = memchr(p, ':', line.len), *q;
	const struct sip_hdr_def *def;
	struct sip_header *h;
	struct span name;
	enum sip_hdr id;

	if (!colon)
		return sip_diag_fatal(diag, SIP_ERR_BAD_HEADER,
				      "header line without a colon", line);
	for (q = colon; q > p && (q[-1] == ' ' || q[-1] == '\t'); q--)
		;
	name = span_from_to(p, q);
	if (!name.len)
		return sip_diag_fatal(diag, SIP_ERR_BAD_HEADER,
				      "header line without a name", line);
	/* known names are tokens; only the others need the char check */
	id = sip_hdr_lookup(name);
	if (id == SIP_HDR_OTHER && !lex_all(name, LEX_TOKEN))
		return sip_diag_fatal(diag, SIP_ERR_BAD_HEADER,
				      "header name is not a token", line);
	p = colon;
	if (msg->n_hdrs >= SIP_MAX_HEADERS)
		return sip_diag_fatal(diag, SIP_ERR_TOO_MANY_HEADERS,
				      "more header lines than voipfw indexes",
				      name);

	def = &sip_hdrs[id];
	h = &msg->hdrs[msg->n_hdrs];
	h->id = id;
	h->name = name;
	h->value = lex_trim(span_from_to(p + 1, end));

	if (id != SIP_HDR_OTHER && msg->count[id]) {
		if (def->flags & SIP_HDR_F_UNIQUE)
			return sip_diag_fatal(diag, SIP_ERR_DUPLICATE_HEADER,
					      "header may appear only once",
					      name);
		if (def->flags & SIP_HDR_F_SINGLE)
			sip_diag_strict(diag, SIP_ERR_DUPLICATE_HEADER,
					"header may appear only once", name);
	}
	if (msg->count[id] == 0)
		msg->first[id] = (int16_t)msg->n_hdrs;
	if (msg->count[id] < UINT8_MAX)
		msg->count[id]++;
	msg->n_hdrs++;

	if (def->parse)
		return def->parse(msg, h, diag);
	return 0;
}

/*
 * Find the end of the logical line starting at @p: the LF that is not
 * followed by SP/HTAB (a fold, RFC 3261 7.3.1).  Sets *@next to the
 * first byte of the next line and returns the line without its CRLF, or
 * a NULL span when the buffer ends first.
 */
static struct span sip_next_line(const char *p, const char *end,
				 const char **next, struct sip_diag *diag,
				 bool fold)
{
	const char *q = p, *lf, *stop;

	for (;;) {
		lf = memchr(q, '\n', (size_t)(end - q));
		if (!lf)
			return SPAN_NULL;
		if (lf == p || lf[-1] != '\r')
			sip_diag_strict(diag, SIP_ERR_BAD_HEADER,
					"line ends in LF without CR",
					span_from_to(p, lf));
		if (fold && lf + 1 < end && (lf[1] == ' ' || lf[1] == '\t')) {
			q = lf + 1;
			continue;
		}
		break;
	}
	*next = lf + 1;
	stop = (lf > p && lf[-1] == '\r') ? lf - 1 : lf;
	return span_from_to(p, stop);
}

int sip_parse(const char *buf, size_t len, struct sip_msg *msg,
	      struct sip_diag *diag)
{
	const char *p = buf, *end = buf + len, *next = NULL, *cr;
	struct span line;
	size_t avail;

	memset(msg, 0, offsetof(struct sip_msg, hdrs));
	memset(msg->first, 0xff, sizeof(msg->first));
	msg->buf = buf;
	msg->buf_len = len;
	msg->max_forwards = -1;
	msg->content_length = -1;
	msg->expires = -1;

	/* CRLFs before the start line are ignored (RFC 3261 7.5) */
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	if (p >= end)
		return sip_diag_fatal(diag, SIP_ERR_TRUNCATED, "empty message",
				      SPAN_NULL);

	line = sip_next_line(p, end, &next, diag, false);
	if (!line.p)
		return sip_diag_fatal(diag, SIP_ERR_TRUNCATED,
				      "no end of start line", SPAN_NULL);
	/* A bare CR could end the line for one parser and not another. */
	if ((cr = memchr(line.p, '\r', line.len)))
		return sip_diag_fatal(diag, SIP_ERR_BAD_REQUEST_LINE,
				      "bare CR in start line", line);
	if (span_starts_ci(line, "SIP/", 4)) {
		if (sip_parse_status_line(line, msg, diag))
			return -1;
	} else if (sip_parse_request_line(line, msg, diag)) {
		return -1;
	}

	p = next;
	if (p < end && (*p == ' ' || *p == '\t'))
		return sip_diag_fatal(diag, SIP_ERR_BAD_HEADER,
				      "start line continued by whitespace",
				      span_make(p, 1));
	for (;;) {
		if (p >= end)
			return sip_diag_fatal(diag, SIP_ERR_TRUNCATED,
					      "no empty line after the headers",
					      SPAN_NULL);
		if (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n')) {
			if (*p == '\n')
				sip_diag_strict(diag, SIP_ERR_BAD_HEADER,
						"line ends in LF without CR",
						SPAN_NULL);
			p += *p == '\n' ? 1 : 2;
			break;
		}
		line = sip_next_line(p, end, &next, diag, true);
		if (!line.p)
			return sip_diag_fatal(diag, SIP_ERR_TRUNCATED,
					      "no empty line after the headers",
					      SPAN_NULL);
		for (cr = line.p; (cr = memchr(cr, '\r',
				(size_t)(line.p + line.len - cr))); cr++)
			if (cr + 1 >= line.p + line.len || cr[1] != '\n')
				return sip_diag_fatal(diag, SIP_ERR_BAD_HEADER,
						      "bare CR in header line",
						      line);
		if (sip_parse_header_line(line, msg, diag))
			return -1;
		p = next;
	}

	/* RFC 3261 18.3: the body is Content-Length bytes; on datagrams a
	 * missing Content-Length means "to the end of the packet", extra
	 * bytes are discarded, and fewer bytes than announced is an error. */
	avail = (size_t)(end - p);
	if (msg->content_length >= 0) {
		if ((uint64_t)msg->content_length > avail)
			return sip_diag_fatal(diag,
					      SIP_ERR_CONTENT_LENGTH_MISMATCH,
					      "Content-Length larger than the body",
					      sip_hdr_get(msg, SIP_HDR_CONTENT_LENGTH)->value);
		avail = (size_t)msg->content_length;
	}
	msg->body = span_make(p, avail);
	msg->msg_len = (size_t)(p - buf) + avail;
	return 0;
}

long sip_frame_length(const char *buf, size_t len, size_t max_hdr)
{
	const char *p = buf, *end = buf + len, *next, *start;
	struct sip_diag scratch = { 0 };
	long clen = -1;
	bool first = true;

	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	start = p;
	/*
	 * Split logical lines exactly as sip_parse() does (folds belong to
	 * the header they continue), so that framing and parsing can never
	 * disagree on where a message ends: that gap is request smuggling.
	 */
	for (;;) {
		struct span line, name, val;
		const char *q;
		uint32_t v;

		if ((size_t)(p - start) > max_hdr)
			return -1;
		if (p >= end)
			return 0;
		if (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n')) {
			p += *p == '\n' ? 1 : 2;
			break;
		}
		if (*p == '\r' && p + 1 >= end)
			return 0;
		line = sip_next_line(p, end, &next, &scratch, !first);
		if (!line.p)
			return (size_t)(end - start) > max_hdr ? -1 : 0;
		p = next;
		if (first) {
			first = false;
			continue;
		}
		for (q = line.p; q < line.p + line.len && lex_is(*q, LEX_TOKEN); q++)
			;
		name = span_from_to(line.p, q);
		while (q < line.p + line.len && (*q == ' ' || *q == '\t'))
			q++;
		if (q >= line.p + line.len || *q != ':')
			return -1;
		if (sip_hdr_lookup(name) != SIP_HDR_CONTENT_LENGTH)
			continue;
		val = lex_trim(span_from_to(q + 1, line.p + line.len));
		if (clen >= 0 || span_to_u32(val, INT32_MAX, &v))
			return -1;
		clen = v;
	}
	if ((size_t)(p - start) > max_hdr)
		return -1;
	if (clen < 0)
		return -1;	/* mandatory on streams (RFC 3261 18.3) */
	if ((size_t)(end - p) < (size_t)clen)
		return 0;
	return (long)((size_t)(p - buf) + (size_t)clen);
}
