// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sip_uri.c - SIP/SIPS/TEL URI parsing.
 *
 *   SIP-URI    = "sip:" [ userinfo ] hostport uri-parameters [ headers ]
 *   userinfo   = ( user / telephone-subscriber ) [ ":" password ] "@"
 *   hostport   = host [ ":" port ]
 *   host       = hostname / IPv4address / IPv6reference
 *                                                 (RFC 3261 25.1)
 *   telephone-uri = "tel:" telephone-subscriber   (RFC 3966 3)
 *
 * No character of a SIP URI outside userinfo may be '@' and neither user
 * nor password may hold an unescaped '@', so the first '@' ends userinfo.
 */
#include <arpa/inet.h>
#include <string.h>

#include "sip_lex.h"
#include "sip_uri.h"

/* IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT */
static int ipv4_parse(struct span s, uint8_t out[4])
{
	unsigned int part = 0, val = 0, digits = 0;
	size_t i;

	for (i = 0; i < s.len; i++) {
		char c = s.p[i];

		if (c >= '0' && c <= '9') {
			val = val * 10 + (unsigned int)(c - '0');
			if (++digits > 3 || val > 255)
				return -1;
		} else if (c == '.' && digits && part < 3) {
			out[part++] = (uint8_t)val;
			val = digits = 0;
		} else {
			return -1;
		}
	}
	if (part != 3 || !digits)
		return -1;
	out[3] = (uint8_t)val;
	return 0;
}

static int ipv6_parse(struct span s, uint8_t out[16])
{
	char buf[INET6_ADDRSTRLEN + 1];

	/* inet_pton needs a C string: copy the (bounded) text first */
	if (s.len == 0 || s.len >= sizeof(buf))
		return -1;
	memcpy(buf, s.p, s.len);
	buf[s.len] = '\0';
	return inet_pton(AF_INET6, buf, out) == 1 ? 0 : -1;
}

int sip_ip_parse(struct span in, bool ipv6, uint8_t out[16])
{
	return ipv6 ? ipv6_parse(in, out) : ipv4_parse(in, out);
}

/*
 * hostname    = *( domainlabel "." ) toplabel [ "." ]
 * domainlabel = alphanum / alphanum *( alphanum / "-" ) alphanum
 * toplabel    = ALPHA / ALPHA *( alphanum / "-" ) alphanum
 * Returns 1 when @s follows the grammar (or @strict is false and only
 * the grammar's finer points are in doubt), 0 when it only holds
 * characters real devices put in host names ('_', labels edged with '-'),
 * -1 when it is no host name at all.
 */
static int hostname_check(struct span s, bool strict)
{
	const char *p = s.p, *end = s.p + s.len, *top;
	size_t i;

	if (!s.len || p[0] == '.')
		return -1;
	for (i = 0; i < s.len; i++)
		if (!lex_is(p[i], LEX_HOSTCH) ||
		    (p[i] == '.' && i && p[i - 1] == '.'))
			return -1;	/* not a host char, or an empty label */
	if (end[-1] == '.')
		end--;		/* one trailing dot is allowed */
	top = memrchr(p, '.', (size_t)(end - p));
	top = top ? top + 1 : p;
	if (lex_is(*top, LEX_DIGIT))
		return -1;	/* looks numeric but is no IPv4 address */
	if (!strict)
		return 1;
	if (memchr(p, '_', (size_t)(end - p)) || p[0] == '-' || end[-1] == '-')
		return 0;
	for (i = 1; p + i < end; i++)
		if ((p[i] == '-' && p[i - 1] == '.') ||
		    (p[i] == '.' && p[i - 1] == '-'))
			return 0;	/* a label starts or ends with '-' */
	return 1;
}

int sip_host_parse(struct span in, struct sip_host *host,
		   struct sip_diag *diag)
{
	int rc;

	host->text = in;
	host->type = SIP_HOST_NONE;
	if (in.len && in.p[0] == '[') {
		if (in.len < 3 || in.p[in.len - 1] != ']' ||
		    ipv6_parse(span_make(in.p + 1, in.len - 2), host->addr))
			return sip_diag_fatal(diag, SIP_ERR_BAD_URI,
					      "bad IPv6 reference", in);
		host->type = SIP_HOST_IPV6;
		return 0;
	}
	/* ipv4_parse gives up at the first letter of a host name */
	if (ipv4_parse(in, host->addr) == 0) {
		host->type = SIP_HOST_IPV4;
		return 0;
	}
	rc = hostname_check(in, sip_diag_wants_strict(diag));
	if (rc < 0)
		return sip_diag_fatal(diag, SIP_ERR_BAD_URI, "bad host", in);
	if (rc == 0)
		sip_diag_strict(diag, SIP_ERR_BAD_URI,
				"host name outside RFC 3261 grammar", in);
	host->type = SIP_HOST_NAME;
	return 0;
}

/* A port: 1*DIGIT, at most 65535 (a port of 0 is refused too). */
static int port_parse(struct span s, uint16_t *port)
{
	uint32_t v;

	if (span_to_u32(s, 65535, &v) || v == 0)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/*
 * Check a ";"-separated uri-parameters list:
 *   uri-parameter = pname [ "=" pvalue ], pname/pvalue = 1*paramchar
 */
static void uri_params_check(struct span params, struct sip_diag *diag)
{
	const char *p = params.p, *end = params.p + params.len;

	while (p <= end) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *stop = semi ? semi : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		struct span name = span_from_to(p, eq ? eq : stop);

		if (!name.len ||
		    !lex_all_escaped(name, LEX_UNRESERVED | LEX_PARAM) ||
		    (eq && !lex_all_escaped(span_from_to(eq + 1, stop),
					    LEX_UNRESERVED | LEX_PARAM)) ||
		    (eq && eq + 1 == stop)) {
			sip_diag_strict(diag, SIP_ERR_BAD_URI,
					"malformed URI parameter",
					span_from_to(p, stop));
			return;
		}
		if (!semi)
			break;
		p = semi + 1;
	}
}

/*
 * headers = "?" header *( "&" header )
 * header  = hname "=" hvalue;  hname = 1*( hnv-unreserved / unreserved /
 * escaped );  hvalue = *( hnv-unreserved / unreserved / escaped )
 */
static void uri_headers_check(struct span headers, struct sip_diag *diag)
{
	const char *p = headers.p, *end = headers.p + headers.len;

	for (;;) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));

		if (!eq || eq == p ||
		    !lex_all_escaped(span_from_to(p, eq),
				     LEX_UNRESERVED | LEX_HNV) ||
		    !lex_all_escaped(span_from_to(eq + 1, stop),
				     LEX_UNRESERVED | LEX_HNV)) {
			sip_diag_strict(diag, SIP_ERR_BAD_URI,
					"URI header is not hname=hvalue",
					span_from_to(p, stop));
			return;
		}
		if (!amp)
			return;
		p = amp + 1;
	}
}

/* Characters that can never be part of a URI as carried in SIP. */
static bool uri_has_forbidden(struct span s)
{
	size_t i;

	for (i = 0; i < s.len; i++)
		if (lex_is(s.p[i], LEX_NOURI))
			return true;
	return false;
}

static int sip_uri_parse_sip(struct span rest, struct sip_uri *uri,
			     struct sip_diag *diag)
{
	const char *p = rest.p, *end = rest.p + rest.len;
	const char *at = memchr(p, '@', rest.len);
	const char *hp_end, *colon;
	struct span hostport;

	if (at) {
		struct span userinfo = span_from_to(p, at);

		colon = memchr(userinfo.p, ':', userinfo.len);
		uri->user = span_from_to(p, colon ? colon : at);
		if (colon)
			uri->password = span_from_to(colon + 1, at);
		if (!sip_diag_wants_strict(diag))
			;
		else if (!uri->user.len)
			sip_diag_strict(diag, SIP_ERR_BAD_URI,
					"empty user part", uri->raw);
		else if (!lex_all_escaped(uri->user,
					  LEX_UNRESERVED | LEX_USER))
			sip_diag_strict(diag, SIP_ERR_BAD_URI,
					"user part outside RFC 3261 grammar",
					uri->user);
		if (colon && sip_diag_wants_strict(diag) &&
		    !lex_all_escaped(uri->password,
					      LEX_UNRESERVED | LEX_PASS))
			sip_diag_strict(diag, SIP_ERR_BAD_URI,
					"password outside RFC 3261 grammar",
					uri->password);
		p = at + 1;
	}

	/* hostport ends at ';' or '?'; an IPv6 reference may hold ':' */
	hp_end = p;
	if (hp_end < end && *hp_end == '[') {
		const char *rb = memchr(hp_end, ']', (size_t)(end - hp_end));

		if (!rb)
			return sip_diag_fatal(diag, SIP_ERR_BAD_URI,
					      "unterminated IPv6 reference",
					      uri->raw);
		hp_end = rb + 1;
	}
	{
		const char *semi = memchr(hp_end, ';', (size_t)(end - hp_end));
		const char *qm = memchr(hp_end, '?',
					(size_t)((semi ? semi : end) - hp_end));

		hp_end = qm ? qm : semi ? semi : end;
	}
	hostport = span_from_to(p, hp_end);

	colon = NULL;
	if (hostport.len && hostport.p[0] == '[') {
		const char *rb = memchr(hostport.p, ']', hostport.len);

		if (rb + 1 < hp_end) {
			if (rb[1] != ':')
				return sip_diag_fatal(diag, SIP_ERR_BAD_URI,
						      "junk after IPv6 reference",
						      hostport);
			colon = rb + 1;
		}
	} else {
		colon = memchr(hostport.p, ':', hostport.len);
	}
	if (sip_host_parse(span_from_to(p, colon ? colon : hp_end),
			   &uri->host, diag))
		return -1;
	if (colon) {
		if (port_parse(span_from_to(colon + 1, hp_end), &uri->port))
			return sip_diag_fatal(diag, SIP_ERR_BAD_URI,
					      "bad port", hostport);
		uri->has_port = true;
	}

	p = hp_end;
	if (p < end && *p == ';') {
		const char *q = memchr(p, '?', (size_t)(end - p));

		uri->params = span_from_to(p + 1, q ? q : end);
		if (sip_diag_wants_strict(diag))
			uri_params_check(uri->params, diag);
		p = q ? q : end;
	}
	if (p < end && *p == '?') {
		uri->headers = span_from_to(p + 1, end);
		if (sip_diag_wants_strict(diag))
			uri_headers_check(uri->headers, diag);
	}
	return 0;
}

/*
 * telephone-subscriber (RFC 3966 3), checked loosely: global numbers
 * start with '+', and only phonedigit-hex and visual separators appear.
 */
static int sip_uri_parse_tel(struct span rest, struct sip_uri *uri,
			     struct sip_diag *diag)
{
	const char *semi = memchr(rest.p, ';', rest.len);
	size_t i;

	uri->user = span_from_to(rest.p, semi ? semi : rest.p + rest.len);
	if (semi)
		uri->params = span_from_to(semi + 1, rest.p + rest.len);
	if (!uri->user.len)
		return sip_diag_fatal(diag, SIP_ERR_BAD_URI,
				      "empty telephone number", uri->raw);
	for (i = 0; sip_diag_wants_strict(diag) && i < uri->user.len; i++) {
		char c = uri->user.p[i];

		if (lex_is(c, LEX_HEX) || c == '-' || c == '.' || c == '(' ||
		    c == ')' || c == '*' || c == '#' || (c == '+' && i == 0))
			continue;
		sip_diag_strict(diag, SIP_ERR_BAD_URI,
				"telephone number outside RFC 3966 grammar",
				uri->user);
		break;
	}
	if (uri->params.len && sip_diag_wants_strict(diag))
		uri_params_check(uri->params, diag);
	return 0;
}

int sip_uri_parse(struct span in, struct sip_uri *uri, struct sip_diag *diag)
{
	const char *colon;
	struct span rest;
	size_t i;

	memset(uri, 0, sizeof(*uri));
	uri->raw = in;
	if (!in.len)
		return sip_diag_fatal(diag, SIP_ERR_BAD_URI, "empty URI", in);
	if (uri_has_forbidden(in))
		return sip_diag_fatal(diag, SIP_ERR_BAD_URI,
				      "space, control or <>\" inside URI", in);

	/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
	colon = memchr(in.p, ':', in.len);
	if (!colon || colon == in.p)
		return sip_diag_fatal(diag, SIP_ERR_BAD_URI, "no scheme", in);
	uri->scheme = span_from_to(in.p, colon);
	for (i = 0; i < uri->scheme.len; i++) {
		char c = uri->scheme.p[i];

		if (!(lex_is(c, LEX_ALNUM) && (i || !lex_is(c, LEX_DIGIT))) &&
		    !(i && (c == '+' || c == '-' || c == '.')))
			return sip_diag_fatal(diag, SIP_ERR_BAD_URI,
					      "bad scheme", uri->scheme);
	}
	rest = span_from_to(colon + 1, in.p + in.len);

	if (span_is(uri->scheme, "sip")) {
		uri->scheme_id = SIP_URI_SIP;
		return sip_uri_parse_sip(rest, uri, diag);
	}
	if (span_is(uri->scheme, "sips")) {
		uri->scheme_id = SIP_URI_SIPS;
		return sip_uri_parse_sip(rest, uri, diag);
	}
	if (span_is(uri->scheme, "tel")) {
		uri->scheme_id = SIP_URI_TEL;
		return sip_uri_parse_tel(rest, uri, diag);
	}
	uri->scheme_id = SIP_URI_OTHER;
	uri->opaque = rest;
	if (!rest.len)
		return sip_diag_fatal(diag, SIP_ERR_BAD_URI,
				      "empty absoluteURI", in);
	return 0;
}

int sip_param_find(struct span params, const char *name, struct span *value)
{
	const char *p, *end;
	size_t nlen = strlen(name);

	if (!params.p)
		return 0;
	p = params.p;
	end = params.p + params.len;

	while (p < end) {
		const char *stop = lex_find_unquoted(p, end, ';');
		const char *eq;
		struct span pname;

		if (!stop)
			stop = end;
		eq = memchr(p, '=', (size_t)(stop - p));
		pname = lex_trim(span_from_to(p, eq ? eq : stop));
		if (span_eq_ci_str(pname, name, nlen)) {
			*value = eq ? lex_trim(span_from_to(eq + 1, stop))
				    : SPAN_NULL;
			return 1;
		}
		p = stop + 1;
	}
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = span_ascii_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int sip_unescape(struct span in, char *out, size_t outlen)
{
	size_t i, n = 0;

	for (i = 0; i < in.len; i++) {
		char c = in.p[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= in.len)
				return -1;
			hi = hexval(in.p[i + 1]);
			lo = hexval(in.p[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		if (n >= outlen)
			return -1;
		out[n++] = c;
	}
	return (int)n;
}
