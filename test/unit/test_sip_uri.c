// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_sip_uri.c - sip_uri_parse(), sip_ip_parse(), sip_param_find() and
 * sip_unescape(), row by row.
 *
 *   SIP-URI  = "sip:" [ userinfo ] hostport uri-parameters [ headers ]
 *   host     = hostname / IPv4address / IPv6reference   (RFC 3261 25.1)
 *   IPv6reference = "[" IPv6address "]"                  (RFC 5118)
 *   telephone-subscriber                                 (RFC 3966)
 *
 * Every input is copied into a heap block of exactly its length, so a
 * read past the end is caught under ASan.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "sip/sip_uri.h"

enum { S_NO = 0, S_YES, S_ANY };

/**
 * struct uri_case - one URI and how it must parse.
 * @rc, @fatal: sip_uri_parse() return and reason token (NULL: "ok")
 * @strict:     S_NO / S_YES strict-only defect recorded (when @rc is 0)
 * @scheme:     "sip", "sips", "tel" or "other"
 * @addr:       for IP hosts, the address as inet_ntop() prints it
 * Every other column is the expected span, NULL meaning absent; columns
 * are checked only when @rc is 0.
 */
struct uri_case {
	const char	*in;
	int		rc;
	const char	*fatal;
	int		strict;
	const char	*scheme;
	const char	*user;
	const char	*password;
	const char	*host;
	const char	*host_type;
	const char	*addr;
	unsigned int	port;
	const char	*params;
	const char	*headers;
	const char	*opaque;
};

#define FATAL	-1, "bad-uri", S_ANY, NULL, NULL, NULL, NULL, NULL, NULL, \
		0, NULL, NULL, NULL
#define OK	0, NULL, S_NO
#define STRICT	0, NULL, S_YES

static const struct uri_case uri_cases[] = {
	/* RFC 3261 19.1.3 examples */
	{ "sip:alice@atlanta.com", OK, "sip", "alice", NULL, "atlanta.com",
	  "name", NULL, 0, NULL, NULL, NULL },
	{ "sip:alice:secretword@atlanta.com;transport=tcp", OK, "sip",
	  "alice", "secretword", "atlanta.com", "name", NULL, 0,
	  "transport=tcp", NULL, NULL },
	{ "sips:alice@atlanta.com?subject=project%20x&priority=urgent", OK,
	  "sips", "alice", NULL, "atlanta.com", "name", NULL, 0, NULL,
	  "subject=project%20x&priority=urgent", NULL },
	{ "sip:+1-212-555-1212:1234@gateway.com;user=phone", OK, "sip",
	  "+1-212-555-1212", "1234", "gateway.com", "name", NULL, 0,
	  "user=phone", NULL, NULL },
	{ "sip:alice@192.0.2.4", OK, "sip", "alice", NULL, "192.0.2.4",
	  "ipv4", "192.0.2.4", 0, NULL, NULL, NULL },
	{ "sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com", OK, "sip",
	  NULL, NULL, "atlanta.com", "name", NULL, 0, "method=REGISTER",
	  "to=alice%40atlanta.com", NULL },
	{ "sip:alice;day=tuesday@atlanta.com", OK, "sip", "alice;day=tuesday",
	  NULL, "atlanta.com", "name", NULL, 0, NULL, NULL, NULL },
	/* the scheme is case-insensitive (RFC 3261 19.1.4) */
	{ "SIP:ALICE@ATLANTA.COM:5060", OK, "sip", "ALICE", NULL,
	  "ATLANTA.COM", "name", NULL, 5060, NULL, NULL, NULL },
	{ "sIpS:bob@biloxi.example.com", OK, "sips", "bob", NULL,
	  "biloxi.example.com", "name", NULL, 0, NULL, NULL, NULL },

	/* IPv6 references (RFC 5118) */
	{ "sip:[::1]", OK, "sip", NULL, NULL, "[::1]", "ipv6", "::1", 0,
	  NULL, NULL, NULL },
	{ "sip:[2001:db8::1]:5060", OK, "sip", NULL, NULL, "[2001:db8::1]",
	  "ipv6", "2001:db8::1", 5060, NULL, NULL, NULL },
	{ "sip:alice@[2001:db8::10]:5070;transport=udp", OK, "sip", "alice",
	  NULL, "[2001:db8::10]", "ipv6", "2001:db8::10", 5070,
	  "transport=udp", NULL, NULL },
	{ "sip:[2001:db8::10:5070]", OK, "sip", NULL, NULL,
	  "[2001:db8::10:5070]", "ipv6", "2001:db8::10:5070", 0, NULL, NULL,
	  NULL },
	{ "sip:[::ffff:192.0.2.2]", OK, "sip", NULL, NULL,
	  "[::ffff:192.0.2.2]", "ipv6", "::ffff:192.0.2.2", 0, NULL, NULL,
	  NULL },
	{ "sip:[2001:db8::192.0.2.1]", OK, "sip", NULL, NULL,
	  "[2001:db8::192.0.2.1]", "ipv6", "2001:db8::c000:201", 0, NULL,
	  NULL, NULL },
	{ "sip:[2001:db8::1]?h=v", OK, "sip", NULL, NULL, "[2001:db8::1]",
	  "ipv6", "2001:db8::1", 0, NULL, "h=v", NULL },
	{ "sip:[2001:db8::1", FATAL },
	{ "sip:[zz::]", FATAL },
	{ "sip:[2001:db8:::192.0.2.1]", FATAL },	/* RFC 5118 4.10 */
	{ "sip:2001:db8::1", FATAL },			/* RFC 5118 4.2 */
	{ "sip:user@2001:db8::10", FATAL },
	{ "sip:[2001:db8::1]x", FATAL },
	{ "sip:[2001:db8::1]:", FATAL },
	{ "sip:[]", FATAL },
	{ "sip:[192.0.2.1]", FATAL },

	/* ports: port = 1*DIGIT, at most 65535; 0 is refused too */
	{ "sip:h.example.com:1", OK, "sip", NULL, NULL, "h.example.com",
	  "name", NULL, 1, NULL, NULL, NULL },
	{ "sip:h.example.com:65535", OK, "sip", NULL, NULL, "h.example.com",
	  "name", NULL, 65535, NULL, NULL, NULL },
	{ "sip:h.example.com:05060", OK, "sip", NULL, NULL, "h.example.com",
	  "name", NULL, 5060, NULL, NULL, NULL },
	{ "sip:h.example.com:0", FATAL },
	{ "sip:h.example.com:65536", FATAL },
	{ "sip:h.example.com:99999999999", FATAL },
	{ "sip:h.example.com:", FATAL },
	{ "sip:h.example.com:5o60", FATAL },
	{ "sip:h.example.com:5060:5061", FATAL },

	/* hosts: hostname = *( domainlabel "." ) toplabel [ "." ] */
	{ "sip:example.com.", OK, "sip", NULL, NULL, "example.com.", "name",
	  NULL, 0, NULL, NULL, NULL },
	{ "sip:1example.com", OK, "sip", NULL, NULL, "1example.com", "name",
	  NULL, 0, NULL, NULL, NULL },
	{ "sip:localhost", OK, "sip", NULL, NULL, "localhost", "name", NULL,
	  0, NULL, NULL, NULL },
	{ "sip:a_b.example.com", STRICT, "sip", NULL, NULL,
	  "a_b.example.com", "name", NULL, 0, NULL, NULL, NULL },
	{ "sip:-a.example.com", STRICT, "sip", NULL, NULL, "-a.example.com",
	  "name", NULL, 0, NULL, NULL, NULL },
	{ "sip:a-.example.com", STRICT, "sip", NULL, NULL, "a-.example.com",
	  "name", NULL, 0, NULL, NULL, NULL },
	{ "sip:example..com", FATAL },
	{ "sip:.example.com", FATAL },
	{ "sip:example.123", FATAL },
	{ "sip:1.2.3.999", FATAL },
	{ "sip:256.1.1.1", FATAL },
	{ "sip:1.2.3", FATAL },
	{ "sip:exa%41mple.com", FATAL },
	{ "sip:alice@", FATAL },
	{ "sip:", FATAL },
	{ "sip:alice@atlanta.com<", FATAL },
	{ "sip:alice@atl\"anta.com", FATAL },
	{ "sip:al ice@atlanta.com", FATAL },
	{ "sip:alice@atlanta.com\r\n", FATAL },

	/* userinfo and escapes: escaped = "%" HEXDIG HEXDIG */
	{ "sip:@atlanta.com", STRICT, "sip", "", NULL, "atlanta.com", "name",
	  NULL, 0, NULL, NULL, NULL },
	{ "sip:%41lice@atlanta.com", OK, "sip", "%41lice", NULL,
	  "atlanta.com", "name", NULL, 0, NULL, NULL, NULL },
	{ "sip:%61lice%2a@atlanta.com", OK, "sip", "%61lice%2a", NULL,
	  "atlanta.com", "name", NULL, 0, NULL, NULL, NULL },
	{ "sip:%4Glice@atlanta.com", STRICT, "sip", "%4Glice", NULL,
	  "atlanta.com", "name", NULL, 0, NULL, NULL, NULL },
	{ "sip:alice%4@atlanta.com", STRICT, "sip", "alice%4", NULL,
	  "atlanta.com", "name", NULL, 0, NULL, NULL, NULL },
	{ "sip:alice%@atlanta.com", STRICT, "sip", "alice%", NULL,
	  "atlanta.com", "name", NULL, 0, NULL, NULL, NULL },
	{ "sip:alice:p%zz@atlanta.com", STRICT, "sip", "alice", "p%zz",
	  "atlanta.com", "name", NULL, 0, NULL, NULL, NULL },
	{ "sip:alice:@atlanta.com", OK, "sip", "alice", "", "atlanta.com",
	  "name", NULL, 0, NULL, NULL, NULL },
	{ "sip:user;par=u%40example.net@example.com", OK, "sip",
	  "user;par=u%40example.net", NULL, "example.com", "name", NULL, 0,
	  NULL, NULL, NULL },

	/* uri-parameters and headers */
	{ "sip:alice@atlanta.com;lr", OK, "sip", "alice", NULL, "atlanta.com",
	  "name", NULL, 0, "lr", NULL, NULL },
	{ "sip:alice@atlanta.com;maddr=[2001:db8::1];ttl=15", OK, "sip",
	  "alice", NULL, "atlanta.com", "name", NULL, 0,
	  "maddr=[2001:db8::1];ttl=15", NULL, NULL },
	{ "sip:alice@atlanta.com;x=%41%42", OK, "sip", "alice", NULL,
	  "atlanta.com", "name", NULL, 0, "x=%41%42", NULL, NULL },
	{ "sip:alice@atlanta.com;x=%4G", STRICT, "sip", "alice", NULL,
	  "atlanta.com", "name", NULL, 0, "x=%4G", NULL, NULL },
	{ "sip:alice@atlanta.com;x=%4", STRICT, "sip", "alice", NULL,
	  "atlanta.com", "name", NULL, 0, "x=%4", NULL, NULL },
	{ "sip:alice@atlanta.com;=x", STRICT, "sip", "alice", NULL,
	  "atlanta.com", "name", NULL, 0, "=x", NULL, NULL },
	{ "sip:alice@atlanta.com;x=", STRICT, "sip", "alice", NULL,
	  "atlanta.com", "name", NULL, 0, "x=", NULL, NULL },
	{ "sip:alice@atlanta.com;;lr", STRICT, "sip", "alice", NULL,
	  "atlanta.com", "name", NULL, 0, ";lr", NULL, NULL },
	{ "sip:alice@atlanta.com?h=%4", STRICT, "sip", "alice", NULL,
	  "atlanta.com", "name", NULL, 0, NULL, "h=%4", NULL },
	{ "sip:alice@atlanta.com?a=1&b=", OK, "sip", "alice", NULL,
	  "atlanta.com", "name", NULL, 0, NULL, "a=1&b=", NULL },
	/* header = hname "=" hvalue: the "=" is not optional */
	{ "sip:alice@atlanta.com?subject", STRICT, "sip", "alice", NULL,
	  "atlanta.com", "name", NULL, 0, NULL, "subject", NULL },
	{ "sip:alice@atlanta.com?", STRICT, "sip", "alice", NULL,
	  "atlanta.com", "name", NULL, 0, NULL, "", NULL },
	{ "sip:alice@atlanta.com?Route=%3Csip:example.com%3E", OK, "sip",
	  "alice", NULL, "atlanta.com", "name", NULL, 0, NULL,
	  "Route=%3Csip:example.com%3E", NULL },

	/* tel (RFC 3966) */
	{ "tel:+1-201-555-0123", OK, "tel", "+1-201-555-0123", NULL, NULL,
	  "none", NULL, 0, NULL, NULL, NULL },
	{ "TEL:+12015550123", OK, "tel", "+12015550123", NULL, NULL, "none",
	  NULL, 0, NULL, NULL, NULL },
	{ "tel:7042;phone-context=example.com", OK, "tel", "7042", NULL, NULL,
	  "none", NULL, 0, "phone-context=example.com", NULL, NULL },
	{ "tel:*67#;phone-context=example.com", OK, "tel", "*67#", NULL, NULL,
	  "none", NULL, 0, "phone-context=example.com", NULL, NULL },
	{ "tel:12+34", STRICT, "tel", "12+34", NULL, NULL, "none", NULL, 0,
	  NULL, NULL, NULL },
	{ "tel:xyz", STRICT, "tel", "xyz", NULL, NULL, "none", NULL, 0, NULL,
	  NULL, NULL },
	{ "tel:", FATAL },
	{ "tel:;phone-context=example.com", FATAL },
	{ "tel:+1 201 555 0123", FATAL },

	/* any other absoluteURI is carried opaquely */
	{ "mailto:alice@atlanta.com", OK, "other", NULL, NULL, NULL, "none",
	  NULL, 0, NULL, NULL, "alice@atlanta.com" },
	{ "urn:service:sos", OK, "other", NULL, NULL, NULL, "none", NULL, 0,
	  NULL, NULL, "service:sos" },
	{ "http://www.example.com/a?b", OK, "other", NULL, NULL, NULL, "none",
	  NULL, 0, NULL, NULL, "//www.example.com/a?b" },
	{ "a+b-c.d:x", OK, "other", NULL, NULL, NULL, "none", NULL, 0, NULL,
	  NULL, "x" },
	{ "isbn:", FATAL },
	{ "1abc:x", FATAL },
	{ "a_b:x", FATAL },
	{ ":x", FATAL },
	{ "nocolon", FATAL },
	{ "", FATAL },
};

static void check_addr(const struct sip_host *h, const char *want)
{
	char got[INET6_ADDRSTRLEN];
	int af = h->type == SIP_HOST_IPV6 ? AF_INET6 : AF_INET;

	if (!want || (h->type != SIP_HOST_IPV4 && h->type != SIP_HOST_IPV6))
		return;
	if (CHECK(inet_ntop(af, h->addr, got, sizeof(got))))
		CHECK_STR(got, want);
}

static const char *host_type_str(enum sip_host_type t)
{
	static const char *const names[] = { "none", "name", "ipv4", "ipv6" };

	return (unsigned int)t < ARRAY_SIZE(names) ? names[t] : "?";
}

static const char *scheme_str(enum sip_uri_scheme s)
{
	static const char *const names[] = { "other", "sip", "sips", "tel" };

	return (unsigned int)s < ARRAY_SIZE(names) ? names[s] : "?";
}

static void run_uri_case(const struct uri_case *c)
{
	struct sip_diag diag = { 0 };
	struct sip_uri uri;
	size_t len = strlen(c->in);
	char *buf = malloc(len ? len : 1);
	int rc;

	unit_case("sip_uri_parse \"%s\"", c->in);
	if (!CHECK(buf))
		return;
	memcpy(buf, c->in, len);
	rc = sip_uri_parse(span_make(buf, len), &uri, &diag);
	CHECK_INT(rc, c->rc);
	CHECK_STR(sip_reason_str(diag.fatal.reason), c->fatal ? c->fatal : "ok");
	if (rc || c->rc) {
		free(buf);
		return;
	}
	if (c->strict != S_ANY)
		CHECK_MSG((diag.strict_count > 0) == (c->strict == S_YES),
			  "strict_count %u (%s), want %s", diag.strict_count,
			  diag.strict.detail ? diag.strict.detail : "",
			  c->strict == S_YES ? "a defect" : "none");
	CHECK_SPAN(uri.raw, c->in);
	CHECK_STR(scheme_str(uri.scheme_id), c->scheme);
	CHECK_SPAN(uri.user, c->user);
	CHECK_SPAN(uri.password, c->password);
	CHECK_SPAN(uri.host.text, c->host);
	CHECK_STR(host_type_str(uri.host.type), c->host_type);
	check_addr(&uri.host, c->addr);
	CHECK_INT(uri.port, c->port);
	CHECK_INT(uri.has_port, c->port != 0);
	CHECK_SPAN(uri.params, c->params);
	CHECK_SPAN(uri.headers, c->headers);
	CHECK_SPAN(uri.opaque, c->opaque);
	free(buf);
}

/* ---- sip_ip_parse ----------------------------------------------------- */

static const struct {
	const char	*in;
	bool		ipv6;
	int		rc;
	const char	*addr;	/* inet_ntop() form */
} ip_cases[] = {
	{ "192.0.2.1",		false,	0,	"192.0.2.1" },
	{ "0.0.0.0",		false,	0,	"0.0.0.0" },
	{ "255.255.255.255",	false,	0,	"255.255.255.255" },
	{ "010.0.0.1",		false,	0,	"10.0.0.1" },
	{ "192.0.2",		false,	-1,	NULL },
	{ "192.0.2.1.5",	false,	-1,	NULL },
	{ "192.0.2.256",	false,	-1,	NULL },
	{ "192.0.2.0001",	false,	-1,	NULL },
	{ "192.0..1",		false,	-1,	NULL },
	{ "192.0.2.1 ",		false,	-1,	NULL },
	{ "",			false,	-1,	NULL },
	{ "::1",		false,	-1,	NULL },
	{ "2001:db8::1",	true,	0,	"2001:db8::1" },
	{ "::",			true,	0,	"::" },
	{ "[::1]",		true,	-1,	NULL },
	{ "192.0.2.1",		true,	-1,	NULL },
	{ "2001:db8::1::2",	true,	-1,	NULL },
	{ "",			true,	-1,	NULL },
	{ "0000:0000:0000:0000:0000:ffff:255.255.255.255", true, 0, "::ffff:255.255.255.255" },
	{ "0000:0000:0000:0000:0000:ffff:192.0.2.1", true, 0, "::ffff:192.0.2.1" },
};

static void run_ip_case(unsigned int i)
{
	uint8_t out[16];
	char got[INET6_ADDRSTRLEN];
	size_t len = strlen(ip_cases[i].in);
	char *buf = malloc(len ? len : 1);
	int rc;

	unit_case("sip_ip_parse \"%s\" %s", ip_cases[i].in,
		  ip_cases[i].ipv6 ? "ipv6" : "ipv4");
	if (!CHECK(buf))
		return;
	memcpy(buf, ip_cases[i].in, len);
	rc = sip_ip_parse(span_make(buf, len), ip_cases[i].ipv6, out);
	CHECK_INT(rc, ip_cases[i].rc);
	if (rc == 0 && ip_cases[i].addr &&
	    CHECK(inet_ntop(ip_cases[i].ipv6 ? AF_INET6 : AF_INET, out, got,
			    sizeof(got))))
		CHECK_STR(got, ip_cases[i].addr);
	free(buf);
}

/* ---- sip_param_find --------------------------------------------------- */

static const struct {
	const char	*params;	/* NULL: SPAN_NULL */
	const char	*name;
	int		found;
	const char	*value;		/* NULL: absent (no '=') */
} param_cases[] = {
	{ "transport=tcp;lr",		"lr",		1, NULL },
	{ "transport=tcp;lr",		"transport",	1, "tcp" },
	{ "transport=tcp;lr",		"TRANSPORT",	1, "tcp" },
	{ "Transport=TCP;lr",		"transport",	1, "TCP" },
	{ "transport=tcp;lr",		"maddr",	0, NULL },
	{ "transports=udp",		"transport",	0, NULL },
	{ "t=1;transport=x",		"transport",	1, "x" },
	{ "t=1;transport=x",		"t",		1, "1" },
	{ "  foo = bar ; baz",		"foo",		1, "bar" },
	{ "  foo = bar ; baz ",		"baz",		1, NULL },
	{ "foo =\r\n bar",		"foo",		1, "bar" },
	{ "tag=\"a;b\";x=1",		"x",		1, "1" },
	{ "tag=\"a;b\";x=1",		"tag",		1, "\"a;b\"" },
	{ "q=\"a\\\"b;c\";d=1",		"d",		1, "1" },
	{ "a=\"x=y\"",			"a",		1, "\"x=y\"" },
	{ "a=\"x=y\"",			"x",		0, NULL },
	{ "+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\";reg-id=1",
					"reg-id",	1, "1" },
	{ "a=;b",			"a",		1, "" },
	{ "x=1;x=2",			"x",		1, "1" },
	{ "lr;",			"lr",		1, NULL },
	{ ";lr",			"lr",		1, NULL },
	{ "",				"lr",		0, NULL },
	{ NULL,				"lr",		0, NULL },
	{ "boundary=\"simple boundary\"", "boundary",	1, "\"simple boundary\"" },
};

static void run_param_case(unsigned int i)
{
	const char *in = param_cases[i].params;
	size_t len = in ? strlen(in) : 0;
	char *buf = in ? malloc(len ? len : 1) : NULL;
	struct span value = SPAN_LIT("untouched");
	int found;

	unit_case("sip_param_find \"%s\" in \"%s\"", param_cases[i].name,
		  in ? in : "(null)");
	if (in && !CHECK(buf))
		return;
	if (in)
		memcpy(buf, in, len);
	found = sip_param_find(in ? span_make(buf, len) : SPAN_NULL,
			       param_cases[i].name, &value);
	CHECK_INT(found, param_cases[i].found);
	if (found == 1)
		CHECK_SPAN(value, param_cases[i].value);
	free(buf);
}

/* ---- sip_unescape ------------------------------------------------------ */

static const struct {
	const char	*in;
	size_t		outlen;
	int		rc;
	const char	*out;	/* @rc bytes */
} unescape_cases[] = {
	{ "%41lice",	16,	5,	"Alice" },
	{ "alice",	16,	5,	"alice" },
	{ "%2f%2F",	16,	2,	"//" },
	{ "%e2%82%ac",	16,	3,	"\xe2\x82\xac" },
	{ "%00x",	16,	2,	"\0x" },
	{ "a%20b",	16,	3,	"a b" },
	{ "",		16,	0,	"" },
	{ "abc",	3,	3,	"abc" },
	{ "%41%42",	2,	2,	"AB" },
	{ "abc",	2,	-1,	NULL },
	{ "%41%42",	1,	-1,	NULL },
	{ "%4G",	16,	-1,	NULL },
	{ "%G4",	16,	-1,	NULL },
	{ "%4",		16,	-1,	NULL },
	{ "abc%",	16,	-1,	NULL },
	{ "%",		16,	-1,	NULL },
	{ "a%%41",	16,	-1,	NULL },
};

static void run_unescape_case(unsigned int i)
{
	char out[32];
	const char *in = unescape_cases[i].in;
	size_t len = strlen(in);
	char *buf = malloc(len ? len : 1);
	int rc;

	unit_case("sip_unescape \"%s\" into %zu", in, unescape_cases[i].outlen);
	if (!CHECK(buf))
		return;
	memcpy(buf, in, len);
	memset(out, '#', sizeof(out));
	rc = sip_unescape(span_make(buf, len), out, unescape_cases[i].outlen);
	CHECK_INT(rc, unescape_cases[i].rc);
	if (rc > 0 && rc == unescape_cases[i].rc)
		CHECK(!memcmp(out, unescape_cases[i].out, (size_t)rc));
	/* never a byte beyond outlen */
	CHECK(out[unescape_cases[i].outlen] == '#');
	free(buf);
}

int main(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(uri_cases); i++)
		run_uri_case(&uri_cases[i]);
	for (i = 0; i < ARRAY_SIZE(ip_cases); i++)
		run_ip_case(i);
	for (i = 0; i < ARRAY_SIZE(param_cases); i++)
		run_param_case(i);
	for (i = 0; i < ARRAY_SIZE(unescape_cases); i++)
		run_unescape_case(i);
	return unit_summary("sip_uri");
}
