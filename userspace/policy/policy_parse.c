// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * policy_parse.c - the lexer and parser of voipfw.conf(5).
 *
 * The grammar (voipfw.conf(5) is the contract; this is how it is read):
 *
 *   file      = *( [ stmt ] end )
 *   end       = ";" / NEWLINE / EOF          ("}" also ends a statement
 *                                              inside a block)
 *   stmt      = "zone" NAME block / "service" NAME block
 *             / "allow" ref "->" ref ":" svcs
 *             / "deny" ref "->" ref [ ":" svcs ]
 *             / "policy" ( "accept" / "drop" ) / "qos" block
 *   block     = *NEWLINE "{" *( [ setting ] end ) "}"
 *   svcs      = NAME *( "," NAME )
 *   zone:     "interface" 1*IFNAME / "vlan" ID "on" IFNAME
 *             / "subnet" 1*CIDR / "sip" block
 *   sip:      "strictness" ( "default" / "strict" )
 *             / ( "rate" / "trusted-rate" ) CLASS ( RATE [ "burst" N ]
 *               / "unlimited" )
 *             / "trusted" 1*CIDR
 *             / ( "flood" / "brute-force" / "enumeration" ) ( N "per" DUR
 *               / "off" )
 *             / "user-lock" ( N "per" DUR "for" DUR / "off" )
 *             / "ban" DUR [ "max" DUR ] / "scanners" ( "drop" / "allow" )
 *             / "max-size" N / "methods" 1*METHOD
 *             / "max-headers" N / "max-forwards" N / "require" 1*HEADER
 *             / "countries" ( "allow" / "deny" ) 1*( CC / "unknown" )
 *             / "domains" 1*HOST / "sweep" ( N "per" DUR / "off" )
 *             / "dormant" ( DUR / "off" )
 *             / "signalling" ( "tls-only" [ "servers" 1*CIDR ] / "any" )
 *             / "media" ( "srtp-only" / "any" ) / "codecs" 1*CODEC
 *             / "strip-identity" / "hide-agent" [ AGENT ]
 *   AGENT:    a product (RFC 3261 20.41), 1*32( ALPHA / DIGIT / "-" / "."
 *             / "_" ) with at most one "/" inside: PBX, voipfw/1.0
 *   HEADER:   a field name (RFC 3261 7.3.1), 1*63( ALPHA / DIGIT / "-"
 *             / "." / "_" ), any case: Contact, P-Asserted-Identity, m
 *   CODEC:    an a=rtpmap encoding name, 1*15( ALPHA / DIGIT / "-" / "."
 *             / "_" ), any case (RFC 8866 6.6: names are case-insensitive)
 *   RATE:     N "/" ( "s" / "m" / "h" );  DUR: N ( "s" / "m" / "h" / "d" )
 *   service:  PROTO PORTS *( "," PROTO PORTS ) / "media"
 *   qos:      ( "rtp" / "srtp" / "sip" / "sip-tls" ) "dscp" CLASS
 *             / "priority" MAJOR ":" MINOR
 *
 * Tokens are read on demand in one of two modes, because ':' means
 * different things: in NAME mode (keywords, zone and service names) it
 * is a token of its own, so "allow a -> pbx: sip" reads; in WORD mode
 * (interfaces, addresses, ports, priorities) it belongs to the word, so
 * eth0:1, fd00::1 and 1:10 read as one word.  "->" always ends a word.
 *
 * Every read is bounded by the buffer's length; no NUL terminator is
 * assumed.  A line is checked against POLICY_LINE_MAX when the lexer
 * enters it, so no token is longer than a line.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "policy_int.h"
#include "sip/sip.h"

enum tok_type {
	TOK_EOF = 0,
	TOK_END,	/* newline or ';' */
	TOK_LBRACE,
	TOK_RBRACE,
	TOK_COMMA,
	TOK_COLON,	/* NAME mode only */
	TOK_ARROW,
	TOK_WORD,
	TOK_BAD,	/* one byte no token may hold */
};

enum lex_mode {
	LEX_NAME,
	LEX_WORD,
};

struct tok {
	enum tok_type		type;
	const char		*p;
	size_t			len;
	struct policy_loc	loc;
};

struct parser {
	const char		*buf;
	size_t			len;
	size_t			pos;
	uint32_t		line;
	size_t			line_start;
	const char		*file;
	struct policy		*pol;
	struct policy_error	*err;
};

/* Words quoted in messages are cut here: a message stays one line. */
#define QUOTE_MAX	40
#define Q(t)		(int)((t)->len < QUOTE_MAX ? (t)->len : QUOTE_MAX), (t)->p

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

#define perr(p, loc, ...)	policy_err((p)->err, (p)->file, (loc), __VA_ARGS__)

/* ---- lexer ----------------------------------------------------------------- */

static bool is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static bool is_word_char(unsigned char c, enum lex_mode mode)
{
	if (is_alnum(c))
		return true;
	switch (c) {
	case '_': case '-': case '.': case '@': case '/':
		return true;
	case ':':
		return mode == LEX_WORD;
	}
	return false;
}

static struct policy_loc loc_at(const struct parser *p, size_t pos)
{
	return (struct policy_loc){ p->line, (uint32_t)(pos - p->line_start + 1) };
}

/* Refuse the line starting at p->line_start if it is too long. */
static int check_line(struct parser *p)
{
	size_t rest = p->len - p->line_start;
	size_t n = rest < POLICY_LINE_MAX + 1 ? rest : POLICY_LINE_MAX + 1;

	if (n == POLICY_LINE_MAX + 1 && !memchr(p->buf + p->line_start, '\n', n))
		return perr(p, loc_at(p, p->line_start + POLICY_LINE_MAX),
			    "line longer than %d bytes", POLICY_LINE_MAX);
	return 0;
}

/* The next token, without consuming it. */
static void lex(const struct parser *p, enum lex_mode mode, struct tok *t)
{
	const char *b = p->buf;
	size_t pos = p->pos, end = p->len;
	unsigned char c;

	while (pos < end && (b[pos] == ' ' || b[pos] == '\t' || b[pos] == '\r'))
		pos++;
	/* a comment runs to the end of the line and may hold any byte */
	if (pos < end && b[pos] == '#')
		while (pos < end && b[pos] != '\n')
			pos++;
	t->p = b + pos;
	t->len = 1;
	t->loc = loc_at(p, pos);
	if (pos >= end) {
		t->type = TOK_EOF;
		t->len = 0;
		return;
	}
	c = (unsigned char)b[pos];
	if (c == '-' && pos + 1 < end && b[pos + 1] == '>') {
		t->type = TOK_ARROW;
		t->len = 2;
		return;
	}
	switch (c) {
	case '\n': case ';':
		t->type = TOK_END;
		return;
	case '{':
		t->type = TOK_LBRACE;
		return;
	case '}':
		t->type = TOK_RBRACE;
		return;
	case ',':
		t->type = TOK_COMMA;
		return;
	case ':':
		if (mode == LEX_NAME) {
			t->type = TOK_COLON;
			return;
		}
		break;
	}
	if (!is_word_char(c, mode)) {
		t->type = TOK_BAD;
		return;
	}
	t->type = TOK_WORD;
	while (pos + t->len < end) {
		c = (unsigned char)b[pos + t->len];
		if (!is_word_char(c, mode) ||
		    (c == '-' && pos + t->len + 1 < end &&
		     b[pos + t->len + 1] == '>'))
			break;
		t->len++;
	}
}

/* Consume @t (which lex() returned at the current position). */
static int advance(struct parser *p, const struct tok *t)
{
	p->pos = (size_t)(t->p - p->buf) + t->len;
	if (t->type == TOK_END && t->p[0] == '\n') {
		p->line++;
		p->line_start = p->pos;
		return check_line(p);
	}
	return 0;
}

static bool tok_is(const struct tok *t, const char *word)
{
	size_t n = strlen(word);

	return t->type == TOK_WORD && t->len == n && !memcmp(t->p, word, n);
}

/* "expected X, got Y" - or, for a byte no token may hold, just that. */
static int unexpected(struct parser *p, const struct tok *t,
		      const char *expected)
{
	unsigned char c = t->len ? (unsigned char)t->p[0] : 0;

	switch (t->type) {
	case TOK_BAD:
		if (c > 0x20 && c < 0x7f)
			return perr(p, t->loc, "unexpected character '%c'", c);
		return perr(p, t->loc, "unexpected byte 0x%02x", c);
	case TOK_EOF:
		return perr(p, t->loc, "%s, got end of file", expected);
	case TOK_END:
		return perr(p, t->loc, "%s, got %s", expected,
			    c == '\n' ? "end of line" : "';'");
	default:
		return perr(p, t->loc, "%s, got '%.*s'", expected, Q(t));
	}
}

/* A statement ends at a newline, ';', end of file, or a block's '}'. */
static int expect_end(struct parser *p, bool in_block)
{
	struct tok t;

	lex(p, LEX_NAME, &t);
	if (t.type == TOK_END)
		return advance(p, &t);
	if (t.type == TOK_EOF || (in_block && t.type == TOK_RBRACE))
		return 0;
	return unexpected(p, &t, "expected end of statement (newline or ';')");
}

/* '{' after a block's head; it may stand on a line of its own. */
static int expect_open(struct parser *p, struct policy_loc *loc)
{
	struct tok t;

	for (;;) {
		lex(p, LEX_NAME, &t);
		if (t.type != TOK_END || t.p[0] != '\n')
			break;
		if (advance(p, &t))
			return -1;
	}
	if (t.type != TOK_LBRACE)
		return unexpected(p, &t, "expected '{'");
	*loc = t.loc;
	return advance(p, &t);
}

/* ---- names ----------------------------------------------------------------- */

static int check_name(struct parser *p, const struct tok *t, const char *what)
{
	size_t i;

	if (t->len > POLICY_NAME_MAX)
		return perr(p, t->loc, "%s name '%.*s' is longer than %d characters",
			    what, Q(t), POLICY_NAME_MAX);
	for (i = 0; i < t->len; i++) {
		unsigned char c = (unsigned char)t->p[i];

		if ((c >= 'a' && c <= 'z') ||
		    (i && ((c >= '0' && c <= '9') || c == '-' || c == '_')))
			continue;
		return perr(p, t->loc, "bad %s name '%.*s': use lower-case letters, "
			    "digits, '-' and '_', starting with a letter",
			    what, Q(t));
	}
	return 0;
}

/* A zone or service name, or `any`, copied to @out. */
static int parse_name(struct parser *p, const char *what, char *out,
		      struct policy_loc *loc)
{
	char expected[48];
	struct tok t;

	lex(p, LEX_NAME, &t);
	if (t.type != TOK_WORD) {
		snprintf(expected, sizeof(expected), "expected a %s name", what);
		return unexpected(p, &t, expected);
	}
	if (check_name(p, &t, what))
		return -1;
	memcpy(out, t.p, t.len);
	out[t.len] = '\0';
	*loc = t.loc;
	return advance(p, &t);
}

/* An interface or bridge name: as the kernel allows, IFNAMSIZ - 1 bytes. */
static int check_ifname(struct parser *p, const struct tok *t, const char *what)
{
	size_t i;

	if (t->len > POLICY_IFNAME_MAX)
		return perr(p, t->loc, "%s name '%.*s' is longer than %d characters",
			    what, Q(t), POLICY_IFNAME_MAX);
	for (i = 0; i < t->len; i++) {
		unsigned char c = (unsigned char)t->p[i];

		if (!is_alnum(c) && !strchr(".:@_-", c))
			break;
	}
	/* the kernel refuses "." and ".." (dev_valid_name()) */
	if (i < t->len || tok_is(t, ".") || tok_is(t, ".."))
		return perr(p, t->loc, "bad %s name '%.*s': use letters, digits "
			    "and . - _ : @", what, Q(t));
	return 0;
}

/* ---- numbers ------------------------------------------------------------- */

/* 1*DIGIT with a value no larger than @max; -1 if not all digits, -2 if too large. */
static int parse_uint(const char *s, size_t len, uint32_t max, uint32_t *out)
{
	uint32_t v = 0;
	size_t i;

	if (!len)
		return -1;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return -1;
	for (i = 0; i < len; i++) {
		v = v * 10 + (uint32_t)(s[i] - '0');
		if (v > max)
			return -2;
	}
	*out = v;
	return 0;
}

/* 1*4HEXDIG, as tc(8) writes the halves of a class id. */
static int parse_hex16(const char *s, size_t len, uint32_t *out)
{
	uint32_t v = 0;
	size_t i;

	if (!len || len > 4)
		return -1;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			v = v * 16 + (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* ---- keyword tables ----------------------------------------------------- */

/**
 * struct policy_kw - one statement or setting.
 * @name:  the keyword
 * @parse: reads what follows the keyword (the keyword is consumed), up
 *         to but not including the end of the statement
 * @arg:   passed to @parse (a protocol, a DSCP slot)
 */
struct policy_kw {
	const char	*name;
	int		(*parse)(struct parser *p, const struct tok *kw,
				 void *obj, int arg);
	int		arg;
};

static const struct policy_kw *kw_find(const struct policy_kw *tab,
				       size_t n, const struct tok *t)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (tok_is(t, tab[i].name))
			return &tab[i];
	return NULL;
}

static int unknown_kw(struct parser *p, const struct tok *t,
		      const struct policy_kw *tab, size_t n, const char *what)
{
	struct policy_suggest sg;
	char head[48];
	size_t i;

	if (what)
		snprintf(head, sizeof(head), "unknown %s setting", what);
	else
		snprintf(head, sizeof(head), "unknown statement");
	policy_suggest_init(&sg, t->p, t->len);
	for (i = 0; i < n; i++)
		policy_suggest_offer(&sg, tab[i].name);
	if (sg.best)
		return perr(p, t->loc, "%s '%.*s' (did you mean '%s'?)", head,
			    Q(t), sg.best);
	return perr(p, t->loc, "%s '%.*s'", head, Q(t));
}

/* The statements, defined with their parsers below. */
#define N_TOP_KWS	6
static const struct policy_kw top_kws[N_TOP_KWS];

/* The settings of a block after its '{', through its '}'. */
static int parse_block(struct parser *p, const char *what,
		       struct policy_loc open, const struct policy_kw *tab,
		       size_t n, void *obj)
{
	const struct policy_kw *kw;
	char expected[64];
	struct tok t;

	for (;;) {
		lex(p, LEX_NAME, &t);
		switch (t.type) {
		case TOK_EOF:
			return perr(p, t.loc, "unexpected end of file: the %s "
				    "block opened at line %u has no '}'", what,
				    open.line);
		case TOK_END:
			if (advance(p, &t))
				return -1;
			continue;
		case TOK_RBRACE:
			return advance(p, &t);
		case TOK_WORD:
			kw = kw_find(tab, n, &t);
			/* a statement inside a block: most likely a lost '}' */
			if (!kw && kw_find(top_kws, N_TOP_KWS, &t))
				return perr(p, t.loc, "'%.*s' inside the %s block "
					    "opened at line %u: is a '}' missing?",
					    Q(&t), what, open.line);
			if (!kw)
				return unknown_kw(p, &t, tab, n, what);
			if (advance(p, &t) || kw->parse(p, &t, obj, kw->arg) ||
			    expect_end(p, true))
				return -1;
			continue;
		default:
			snprintf(expected, sizeof(expected),
				 "expected a %s setting or '}'", what);
			return unexpected(p, &t, expected);
		}
	}
}

/* ---- zone ------------------------------------------------------------------ */

static int zone_interface(struct parser *p, const struct tok *kw, void *obj,
			  int arg)
{
	struct policy_zone *z = obj;
	struct policy_iface *ifc;
	unsigned int n = 0;
	struct tok t;

	(void)kw;
	(void)arg;
	for (;; n++) {
		lex(p, LEX_WORD, &t);
		if (t.type != TOK_WORD)
			break;
		if (check_ifname(p, &t, "interface"))
			return -1;
		if (z->n_ifaces >= POLICY_ZONE_MAX_IFACES)
			return perr(p, t.loc, "too many interfaces in zone '%s' "
				    "(at most %d)", z->name, POLICY_ZONE_MAX_IFACES);
		ifc = &z->ifaces[z->n_ifaces];
		memcpy(ifc->name, t.p, t.len);
		ifc->name[t.len] = '\0';
		ifc->loc = t.loc;
		if (policy_check_iface(p->pol, ifc->name, t.loc, p->err))
			return -1;
		z->n_ifaces++;
		if (advance(p, &t))
			return -1;
	}
	if (!n)
		return unexpected(p, &t, "expected an interface name");
	return 0;
}

static int zone_vlan(struct parser *p, const struct tok *kw, void *obj,
		     int arg)
{
	struct policy_zone *z = obj;
	struct policy_vlan *v;
	struct tok t;
	uint32_t id;
	int rc;

	(void)arg;
	lex(p, LEX_WORD, &t);
	if (t.type != TOK_WORD)
		return unexpected(p, &t, "expected a VLAN id (1-4094)");
	rc = parse_uint(t.p, t.len, 4094, &id);
	if (rc == -1)
		return perr(p, t.loc, "bad VLAN id '%.*s' (a number 1-4094)", Q(&t));
	if (rc == -2 || id == 0)
		return perr(p, t.loc, "VLAN id %.*s out of range (1-4094)", Q(&t));
	if (advance(p, &t))
		return -1;
	lex(p, LEX_NAME, &t);
	if (!tok_is(&t, "on"))
		return unexpected(p, &t, "expected 'on' after the VLAN id");
	if (advance(p, &t))
		return -1;
	lex(p, LEX_WORD, &t);
	if (t.type != TOK_WORD)
		return unexpected(p, &t, "expected a bridge name");
	if (check_ifname(p, &t, "bridge"))
		return -1;
	if (z->n_vlans >= POLICY_ZONE_MAX_VLANS)
		return perr(p, kw->loc, "too many VLANs in zone '%s' (at most %d)",
			    z->name, POLICY_ZONE_MAX_VLANS);
	v = &z->vlans[z->n_vlans];
	v->id = (uint16_t)id;
	memcpy(v->bridge, t.p, t.len);
	v->bridge[t.len] = '\0';
	v->loc = kw->loc;
	if (policy_check_vlan(p->pol, id, v->bridge, kw->loc, p->err))
		return -1;
	z->n_vlans++;
	return advance(p, &t);
}

/*
 * ADDR[/LEN], IPv4 dotted quad or IPv6 as inet_pton() reads them.  A
 * prefix with host bits set is refused, not masked: "10.0.20.5/24" is
 * more likely a typo for a host or for another prefix than a way to say
 * 10.0.20.0/24, and a firewall should not guess.
 */
static int parse_cidr(struct parser *p, const struct tok *t,
		      struct policy_subnet *sn)
{
	char text[64], *slash, fixed[64];
	unsigned int max, i;
	uint32_t plen;
	int rc;

	if (t->len >= sizeof(text))
		return perr(p, t->loc, "bad address '%.*s'", Q(t));
	memcpy(text, t->p, t->len);
	text[t->len] = '\0';
	slash = strchr(text, '/');
	if (slash)
		*slash = '\0';
	memset(sn, 0, sizeof(*sn));
	sn->family = strchr(text, ':') ? AF_INET6 : AF_INET;
	max = sn->family == AF_INET ? 32 : 128;
	if (inet_pton(sn->family, text, sn->addr) != 1)
		return perr(p, t->loc, "bad %s address '%s'",
			    sn->family == AF_INET ? "IPv4" : "IPv6", text);
	plen = max;
	if (slash) {
		rc = parse_uint(slash + 1, strlen(slash + 1), max, &plen);
		if (rc)
			return perr(p, t->loc, "bad prefix length '/%s' (0-%u)",
				    slash + 1, max);
	}
	sn->plen = (uint8_t)plen;
	sn->loc = t->loc;
	for (i = plen; i < max; i++)
		if (sn->addr[i / 8] & (0x80 >> (i % 8)))
			break;
	if (i < max) {
		struct policy_subnet m = *sn;

		for (i = plen; i < max; i++)
			m.addr[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
		policy_subnet_format(&m, fixed, sizeof(fixed));
		return perr(p, t->loc, "%.*s has host bits set (did you mean %s?)",
			    Q(t), fixed);
	}
	return 0;
}

static int zone_subnet(struct parser *p, const struct tok *kw, void *obj,
		       int arg)
{
	struct policy_zone *z = obj;
	struct policy_subnet sn;
	unsigned int n = 0;
	struct tok t;

	(void)kw;
	(void)arg;
	for (;; n++) {
		lex(p, LEX_WORD, &t);
		if (t.type != TOK_WORD)
			break;
		if (parse_cidr(p, &t, &sn))
			return -1;
		if (z->n_subnets >= POLICY_ZONE_MAX_SUBNETS)
			return perr(p, t.loc, "too many subnets in zone '%s' "
				    "(at most %d)", z->name, POLICY_ZONE_MAX_SUBNETS);
		if (policy_check_subnet(p->pol, &sn, p->err))
			return -1;
		z->subnets[z->n_subnets++] = sn;
		if (advance(p, &t))
			return -1;
	}
	if (!n)
		return unexpected(p, &t, "expected a subnet (ADDRESS[/LENGTH])");
	return 0;
}

static int sip_strictness(struct parser *p, const struct tok *kw, void *obj,
			  int arg)
{
	struct policy_zone *z = obj;
	struct tok t;

	(void)arg;
	if (z->sip.strictness_loc.line)
		return perr(p, kw->loc, "strictness given twice (first at line %u)",
			    z->sip.strictness_loc.line);
	lex(p, LEX_NAME, &t);
	if (tok_is(&t, "default"))
		z->sip.strictness = SIP_POLICY_DEFAULT;
	else if (tok_is(&t, "strict"))
		z->sip.strictness = SIP_POLICY_STRICT;
	else if (t.type == TOK_WORD)
		return perr(p, t.loc, "unknown strictness '%.*s' (default or strict)",
			    Q(&t));
	else
		return unexpected(p, &t, "expected 'default' or 'strict'");
	z->sip.strictness_loc = kw->loc;
	return advance(p, &t);
}

/* A setting given twice is an error naming the first. */
static int once(struct parser *p, const struct tok *kw, struct policy_loc *seen)
{
	if (seen->line)
		return perr(p, kw->loc, "%.*s given twice (first at line %u)",
			    Q(kw), seen->line);
	*seen = kw->loc;
	return 0;
}

/* DURATION: 1*DIGIT ( "s" / "m" / "h" / "d" ), at most 30 days. */
static int parse_duration(struct parser *p, const struct tok *t, uint32_t *ms)
{
	static const struct { char unit; uint32_t ms; } units[] = {
		{ 's', 1000 }, { 'm', 60000 }, { 'h', 3600000 }, { 'd', 86400000 },
	};
	uint32_t n, i;

	if (t->type != TOK_WORD || t->len < 2)
		return unexpected(p, t, "expected a duration (30s, 10m, 1h, 1d)");
	for (i = 0; i < ARRAY_LEN(units); i++)
		if (t->p[t->len - 1] == units[i].unit)
			break;
	if (i == ARRAY_LEN(units) || parse_uint(t->p, t->len - 1, 1000000, &n) || !n)
		return perr(p, t->loc, "bad duration '%.*s' (a number and s, m, h "
			    "or d: 30s, 10m, 1h, 1d)", Q(t));
	if ((uint64_t)n * units[i].ms > POLICY_DURATION_MAX_MS)
		return perr(p, t->loc, "duration '%.*s' is longer than 30 days", Q(t));
	*ms = n * units[i].ms;
	return 0;
}

static int sip_class(struct parser *p, const struct tok *t)
{
	int c;

	for (c = 0; c < POLICY_SIP_CLASSES; c++)
		if (tok_is(t, policy_sip_class_name(c)))
			return c;
	if (t->type == TOK_WORD)
		return perr(p, t->loc, "unknown method class '%.*s' (register, "
			    "invite, options or other)", Q(t));
	return unexpected(p, t, "expected a method class (register, invite, "
			  "options or other)");
}

/*
 * rate|trusted-rate CLASS ( N/UNIT [burst N] / unlimited ); UNIT s, m or h.
 * @arg 1: trusted-rate, where `unlimited` is allowed.
 */
static int sip_rate(struct parser *p, const struct tok *kw, void *obj, int arg)
{
	struct policy_zone *z = obj;
	struct policy_rate *rates = arg ? z->sip.trusted_rate : z->sip.rate;
	struct policy_rate r = { .loc = kw->loc };
	const char *slash;
	uint32_t n, per;
	struct tok t;
	int c;

	lex(p, LEX_NAME, &t);
	c = sip_class(p, &t);
	if (c < 0 || advance(p, &t))
		return -1;
	if (rates[c].loc.line)
		return perr(p, kw->loc, "%.*s %s given twice (first at line %u)",
			    Q(kw), policy_sip_class_name(c), rates[c].loc.line);
	lex(p, LEX_NAME, &t);
	if (tok_is(&t, "unlimited")) {
		if (!arg)
			return perr(p, t.loc, "only trusted sources may be unlimited "
				    "(trusted-rate)");
		r.unlimited = true;
		rates[c] = r;
		return advance(p, &t);
	}
	if (t.type != TOK_WORD)
		return unexpected(p, &t, "expected a rate (N/s, N/m or N/h)");
	slash = memchr(t.p, '/', t.len);
	if (!slash || slash + 2 != t.p + t.len ||
	    parse_uint(t.p, (size_t)(slash - t.p), 1000000, &n) || !n)
		return perr(p, t.loc, "bad rate '%.*s' (N/s, N/m or N/h)", Q(&t));
	switch (slash[1]) {
	case 's': per = 1; break;
	case 'm': per = 60; break;
	case 'h': per = 3600; break;
	default:
		return perr(p, t.loc, "bad rate '%.*s' (N/s, N/m or N/h)", Q(&t));
	}
	if ((uint64_t)n * 1000 / per > 10000000u)
		return perr(p, t.loc, "rate '%.*s' is above 10000/s", Q(&t));
	r.milli_per_sec = (uint32_t)((uint64_t)n * 1000 / per);
	if (!r.milli_per_sec)
		r.milli_per_sec = 1;
	r.burst = n < POLICY_RATE_BURST_MAX ? n : POLICY_RATE_BURST_MAX;
	if (advance(p, &t))
		return -1;
	lex(p, LEX_NAME, &t);
	if (tok_is(&t, "burst")) {
		if (advance(p, &t))
			return -1;
		lex(p, LEX_NAME, &t);
		if (t.type != TOK_WORD)
			return unexpected(p, &t, "expected a burst (1-4000)");
		if (parse_uint(t.p, t.len, POLICY_RATE_BURST_MAX, &r.burst) ||
		    !r.burst)
			return perr(p, t.loc, "bad burst '%.*s' (1-4000)", Q(&t));
		if (advance(p, &t))
			return -1;
	}
	rates[c] = r;
	return 0;
}

/* flood|brute-force|enumeration|user-lock: N per DURATION [for DURATION], or off */
enum { TH_FLOOD, TH_BRUTE, TH_ENUM, TH_USER, TH_SWEEP };

static int sip_threshold(struct parser *p, const struct tok *kw, void *obj,
			 int arg)
{
	struct policy_zone *z = obj;
	struct policy_threshold *th[] = {
		[TH_FLOOD] = &z->sip.flood, [TH_BRUTE] = &z->sip.brute_force,
		[TH_ENUM] = &z->sip.enumeration, [TH_USER] = &z->sip.user_lock,
		[TH_SWEEP] = &z->sip.sweep,
	};
	/* enumeration counts distinct users in a 128-bit bitmap */
	uint32_t max = arg == TH_ENUM || arg == TH_SWEEP ? 48 : 1000000;
	struct policy_threshold v = { .loc = kw->loc };
	struct tok t;

	if (th[arg]->loc.line)
		return perr(p, kw->loc, "%.*s given twice (first at line %u)",
			    Q(kw), th[arg]->loc.line);
	lex(p, LEX_NAME, &t);
	if (tok_is(&t, "off")) {
		*th[arg] = v;
		return advance(p, &t);
	}
	if (t.type != TOK_WORD)
		return unexpected(p, &t, "expected a count or 'off'");
	if (parse_uint(t.p, t.len, max, &v.count) || !v.count)
		return perr(p, t.loc, "bad count '%.*s' (1-%u, or off)", Q(&t), max);
	if (advance(p, &t))
		return -1;
	lex(p, LEX_NAME, &t);
	if (!tok_is(&t, "per"))
		return unexpected(p, &t, "expected 'per' and a duration");
	if (advance(p, &t))
		return -1;
	lex(p, LEX_NAME, &t);
	if (parse_duration(p, &t, &v.window_ms) || advance(p, &t))
		return -1;
	if (arg == TH_USER) {
		lex(p, LEX_NAME, &t);
		if (!tok_is(&t, "for"))
			return unexpected(p, &t, "expected 'for' and how long the "
					  "lock lasts");
		if (advance(p, &t))
			return -1;
		lex(p, LEX_NAME, &t);
		if (parse_duration(p, &t, &v.for_ms) || advance(p, &t))
			return -1;
	}
	if ((arg == TH_BRUTE || arg == TH_ENUM || arg == TH_USER ||
	     arg == TH_SWEEP) &&
	    v.window_ms < 1000)
		return perr(p, kw->loc, "the window must be at least 1s");
	*th[arg] = v;
	return 0;
}

/* ban DURATION [max DURATION] */
static int sip_ban(struct parser *p, const struct tok *kw, void *obj, int arg)
{
	struct policy_zone *z = obj;
	uint32_t first, max;
	struct tok t;

	(void)arg;
	if (once(p, kw, &z->sip.ban_loc))
		return -1;
	lex(p, LEX_NAME, &t);
	if (parse_duration(p, &t, &first) || advance(p, &t))
		return -1;
	max = first > z->sip.ban_max_ms ? first : z->sip.ban_max_ms;
	lex(p, LEX_NAME, &t);
	if (tok_is(&t, "max")) {
		if (advance(p, &t))
			return -1;
		lex(p, LEX_NAME, &t);
		if (parse_duration(p, &t, &max))
			return -1;
		if (max < first)
			return perr(p, t.loc, "max '%.*s' is shorter than the first "
				    "ban", Q(&t));
		if (advance(p, &t))
			return -1;
	}
	z->sip.ban_ms = first;
	z->sip.ban_max_ms = max;
	return 0;
}

static int sip_scanners(struct parser *p, const struct tok *kw, void *obj,
			int arg)
{
	struct policy_zone *z = obj;
	struct tok t;

	(void)arg;
	if (once(p, kw, &z->sip.scanners_loc))
		return -1;
	lex(p, LEX_NAME, &t);
	if (tok_is(&t, "drop"))
		z->sip.scanners = true;
	else if (tok_is(&t, "allow"))
		z->sip.scanners = false;
	else
		return unexpected(p, &t, "expected 'drop' or 'allow'");
	return advance(p, &t);
}

static int sip_max_size(struct parser *p, const struct tok *kw, void *obj,
			int arg)
{
	struct policy_zone *z = obj;
	struct tok t;

	(void)arg;
	if (once(p, kw, &z->sip.max_size_loc))
		return -1;
	lex(p, LEX_NAME, &t);
	if (t.type != TOK_WORD)
		return unexpected(p, &t, "expected a size in bytes (512-65535)");
	if (parse_uint(t.p, t.len, 65535, &z->sip.max_size) ||
	    z->sip.max_size < 512)
		return perr(p, t.loc, "bad size '%.*s' (512-65535 bytes)", Q(&t));
	return advance(p, &t);
}

/* methods METHOD... : the request methods the zone may send */
static int sip_methods(struct parser *p, const struct tok *kw, void *obj,
		       int arg)
{
	struct policy_zone *z = obj;
	uint32_t set = 0, need;
	unsigned int n = 0;
	struct tok t;
	int m;

	(void)arg;
	if (once(p, kw, &z->sip.methods_loc))
		return -1;
	for (;; n++) {
		lex(p, LEX_NAME, &t);
		if (t.type != TOK_WORD)
			break;
		m = (int)sip_method_lookup((struct span){ t.p, t.len });
		if (m == SIP_METHOD_OTHER)
			return perr(p, t.loc, "unknown method '%.*s' (INVITE, ACK, "
				    "BYE, CANCEL, REGISTER, OPTIONS, PRACK, UPDATE, "
				    "INFO, SUBSCRIBE, NOTIFY, REFER, MESSAGE, "
				    "PUBLISH)", Q(&t));
		set |= 1u << m;
		if (advance(p, &t))
			return -1;
	}
	if (!n)
		return unexpected(p, &t, "expected a method (INVITE, REGISTER, ...)");
	/* a call needs its INVITE's companions (RFC 3261 13, 9, 15) */
	need = 1u << SIP_METHOD_ACK | 1u << SIP_METHOD_BYE | 1u << SIP_METHOD_CANCEL;
	if ((set & 1u << SIP_METHOD_INVITE) && (set & need) != need)
		return perr(p, kw->loc, "methods: INVITE needs ACK, BYE and CANCEL "
			    "too (calls could not be answered or ended)");
	z->sip.methods = set;
	return 0;
}

/*
 * max-headers N: a phone's request has a dozen or two header lines; many
 * more is a probe of parsers, or padding.  Under 8 ordinary requests
 * could not pass (Via, From, To, Call-ID, CSeq, Max-Forwards, Contact,
 * Content-Length); over SIP_MAX_HEADERS the SIP parser refuses anyway.
 */
static int sip_max_headers(struct parser *p, const struct tok *kw, void *obj,
			   int arg)
{
	struct policy_zone *z = obj;
	struct tok t;

	(void)arg;
	if (once(p, kw, &z->sip.max_headers_loc))
		return -1;
	lex(p, LEX_NAME, &t);
	if (t.type != TOK_WORD)
		return unexpected(p, &t, "expected a header count (8-128)");
	if (parse_uint(t.p, t.len, SIP_MAX_HEADERS, &z->sip.max_headers) ||
	    z->sip.max_headers < 8)
		return perr(p, t.loc, "bad header count '%.*s' (8-%d)", Q(&t),
			    SIP_MAX_HEADERS);
	return advance(p, &t);
}

/*
 * max-forwards MIN: every request carries Max-Forwards (RFC 3261
 * 8.1.1.6), 0-255 (20.22).  A request arriving with 0 left would only
 * be answered 483 Too Many Hops by the proxy behind (16.3): MIN 1 drops
 * looped and traced requests at the gateway; MIN 0 only wants the field.
 */
static int sip_max_forwards(struct parser *p, const struct tok *kw,
			    void *obj, int arg)
{
	struct policy_zone *z = obj;
	struct tok t;
	uint32_t min;

	(void)arg;
	if (once(p, kw, &z->sip.max_forwards_loc))
		return -1;
	lex(p, LEX_NAME, &t);
	if (t.type != TOK_WORD)
		return unexpected(p, &t, "expected the least Max-Forwards (0-255)");
	if (parse_uint(t.p, t.len, 255, &min))
		return perr(p, t.loc, "bad max-forwards '%.*s' (0-255)", Q(&t));
	z->sip.max_forwards = (int32_t)min;
	return advance(p, &t);
}

/*
 * require HEADER...: fields every request from the zone must have.  A
 * field voipfw knows is kept with its enum sip_hdr, so its compact form
 * (m for Contact) matches as well, and names one field twice.
 */
static int sip_require(struct parser *p, const struct tok *kw, void *obj,
		       int arg)
{
	struct policy_zone *z = obj;
	struct policy_zone_sip *s = &z->sip;
	struct policy_header *h;
	struct span name;
	enum sip_hdr id;
	unsigned int i;
	struct tok t;

	(void)arg;
	if (once(p, kw, &s->require_loc))
		return -1;
	for (;;) {
		lex(p, LEX_NAME, &t);
		if (t.type != TOK_WORD)
			break;
		if (t.len > POLICY_HEADER_NAME_MAX)
			return perr(p, t.loc, "header name '%.*s' is longer than "
				    "%d characters", Q(&t), POLICY_HEADER_NAME_MAX);
		/* a word of the lexer is token characters, '@' and '/' aside */
		for (i = 0; i < t.len; i++)
			if (!is_alnum((unsigned char)t.p[i]) &&
			    !strchr("-._", t.p[i]))
				return perr(p, t.loc, "bad header name '%.*s' (a "
					    "field name: letters, digits, '-', '.' "
					    "and '_')", Q(&t));
		name = span_make(t.p, t.len);
		id = sip_hdr_lookup(name);
		for (i = 0; i < s->n_require; i++) {
			h = &s->require[i];
			if (span_eq_ci(name, span_make(h->name, strlen(h->name))))
				return perr(p, t.loc, "header '%.*s' given twice",
					    Q(&t));
			if (id != SIP_HDR_OTHER && h->id == id)
				return perr(p, t.loc, "header '%.*s' given twice "
					    "('%s' is the same field)", Q(&t),
					    h->name);
		}
		if (s->n_require >= POLICY_ZONE_MAX_REQUIRE)
			return perr(p, t.loc, "too many required headers (at most "
				    "%d)", POLICY_ZONE_MAX_REQUIRE);
		h = &s->require[s->n_require++];
		memcpy(h->name, t.p, t.len);
		h->name[t.len] = '\0';
		h->id = (uint8_t)id;
		h->loc = t.loc;
		if (advance(p, &t))
			return -1;
	}
	if (!s->n_require)
		return unexpected(p, &t, "expected a header name (Contact, "
				  "User-Agent, ...)");
	return 0;
}

/* trusted CIDR...: sources of the zone never banned (a PBX, a trunk, an
 * office behind one NAT address) */
static int sip_trusted(struct parser *p, const struct tok *kw, void *obj,
		       int arg)
{
	struct policy_zone *z = obj;
	struct policy_subnet sn;
	unsigned int n = 0;
	struct tok t;

	(void)kw;
	(void)arg;
	for (;; n++) {
		lex(p, LEX_WORD, &t);
		if (t.type != TOK_WORD)
			break;
		if (parse_cidr(p, &t, &sn))
			return -1;
		if (z->sip.n_trusted >= POLICY_ZONE_MAX_TRUSTED)
			return perr(p, t.loc, "too many trusted prefixes in zone "
				    "'%s' (at most %d)", z->name,
				    POLICY_ZONE_MAX_TRUSTED);
		if (policy_check_trusted(p->pol, z, &sn, p->err))
			return -1;
		z->sip.trusted[z->sip.n_trusted++] = sn;
		if (advance(p, &t))
			return -1;
	}
	if (!n)
		return unexpected(p, &t, "expected a prefix (ADDRESS[/LENGTH])");
	return 0;
}

/* countries allow|deny CC... : ISO 3166-1 alpha-2, upper case, or unknown */
static int sip_countries(struct parser *p, const struct tok *kw, void *obj,
			 int arg)
{
	struct policy_zone *z = obj;
	struct policy_zone_sip *s = &z->sip;
	unsigned int i;
	uint16_t cc;
	struct tok t;

	(void)arg;
	if (once(p, kw, &s->countries_loc))
		return -1;
	lex(p, LEX_NAME, &t);
	if (tok_is(&t, "allow"))
		s->countries_allow = true;
	else if (tok_is(&t, "deny"))
		s->countries_allow = false;
	else
		return unexpected(p, &t, "expected 'allow' or 'deny'");
	if (advance(p, &t))
		return -1;
	for (;;) {
		lex(p, LEX_NAME, &t);
		if (t.type != TOK_WORD)
			break;
		if (tok_is(&t, "unknown"))
			cc = POLICY_COUNTRY_UNKNOWN;
		else if (t.len == 2 && t.p[0] >= 'A' && t.p[0] <= 'Z' &&
			 t.p[1] >= 'A' && t.p[1] <= 'Z')
			cc = (uint16_t)((uint8_t)t.p[0] << 8 | (uint8_t)t.p[1]);
		else
			return perr(p, t.loc, "bad country '%.*s' (two upper-case "
				    "letters, ISO 3166: DE, US; or unknown)", Q(&t));
		for (i = 0; i < s->n_countries; i++)
			if (s->countries[i] == cc)
				return perr(p, t.loc, "country '%.*s' given twice",
					    Q(&t));
		if (s->n_countries >= POLICY_ZONE_MAX_COUNTRIES)
			return perr(p, t.loc, "too many countries (at most %d)",
				    POLICY_ZONE_MAX_COUNTRIES);
		s->countries[s->n_countries++] = cc;
		if (advance(p, &t))
			return -1;
	}
	if (!s->n_countries)
		return unexpected(p, &t, "expected a country (DE, US, ... or unknown)");
	return 0;
}

/*
 * signalling tls-only [servers CIDR...] | signalling any
 * The servers may be anywhere (a PBX in another zone, a provider's SBC
 * on the WAN): they are destinations, not members of the zone.
 */
static int sip_signalling(struct parser *p, const struct tok *kw, void *obj,
			  int arg)
{
	struct policy_zone *z = obj;
	struct policy_zone_sip *s = &z->sip;
	struct policy_subnet sn;
	struct tok t;

	(void)arg;
	if (once(p, kw, &s->signalling_loc))
		return -1;
	lex(p, LEX_NAME, &t);
	if (tok_is(&t, "any")) {
		s->tls_only = false;
		return advance(p, &t);
	}
	if (!tok_is(&t, "tls-only"))
		return unexpected(p, &t, "expected 'tls-only' or 'any'");
	s->tls_only = true;
	if (advance(p, &t))
		return -1;
	lex(p, LEX_NAME, &t);
	if (!tok_is(&t, "servers"))
		return 0;
	if (advance(p, &t))
		return -1;
	for (;;) {
		lex(p, LEX_WORD, &t);
		if (t.type != TOK_WORD)
			break;
		if (parse_cidr(p, &t, &sn))
			return -1;
		if (s->n_sip_servers >= POLICY_ZONE_MAX_SIP_SERVERS)
			return perr(p, t.loc, "too many servers in zone '%s' "
				    "(at most %d)", z->name,
				    POLICY_ZONE_MAX_SIP_SERVERS);
		if (policy_check_sip_server(p->pol, z, &sn, p->err))
			return -1;
		s->sip_servers[s->n_sip_servers++] = sn;
		if (advance(p, &t))
			return -1;
	}
	if (!s->n_sip_servers)
		return unexpected(p, &t, "expected a server prefix "
				  "(ADDRESS[/LENGTH])");
	return 0;
}

/* media srtp-only | media any */
static int sip_media(struct parser *p, const struct tok *kw, void *obj,
		     int arg)
{
	struct policy_zone *z = obj;
	struct tok t;

	(void)arg;
	if (once(p, kw, &z->sip.media_loc))
		return -1;
	lex(p, LEX_NAME, &t);
	if (tok_is(&t, "srtp-only"))
		z->sip.srtp_only = true;
	else if (tok_is(&t, "any"))
		z->sip.srtp_only = false;
	else
		return unexpected(p, &t, "expected 'srtp-only' or 'any'");
	return advance(p, &t);
}

/* codecs NAME... : encoding names as a=rtpmap writes them, any case */
static int sip_codecs(struct parser *p, const struct tok *kw, void *obj,
		      int arg)
{
	struct policy_zone *z = obj;
	struct policy_zone_sip *s = &z->sip;
	char name[POLICY_CODEC_NAME_MAX + 1];
	unsigned int i;
	struct tok t;

	(void)arg;
	if (once(p, kw, &s->codecs_loc))
		return -1;
	for (;;) {
		lex(p, LEX_NAME, &t);
		if (t.type != TOK_WORD)
			break;
		for (i = 0; i < t.len; i++)
			if (!is_alnum((unsigned char)t.p[i]) &&
			    !strchr("-._", t.p[i]))
				break;
		if (i < t.len || t.len > POLICY_CODEC_NAME_MAX)
			return perr(p, t.loc, "bad codec '%.*s' (an encoding "
				    "name as in a=rtpmap: PCMU, G722, opus; "
				    "at most %d characters)", Q(&t),
				    POLICY_CODEC_NAME_MAX);
		for (i = 0; i < t.len; i++)
			name[i] = (char)(t.p[i] >= 'A' && t.p[i] <= 'Z' ?
					 t.p[i] + 32 : t.p[i]);
		name[t.len] = '\0';
		for (i = 0; i < s->n_codecs; i++)
			if (!strcmp(s->codecs[i], name))
				return perr(p, t.loc, "codec '%.*s' given twice",
					    Q(&t));
		if (s->n_codecs >= POLICY_ZONE_MAX_CODECS)
			return perr(p, t.loc, "too many codecs (at most %d)",
				    POLICY_ZONE_MAX_CODECS);
		memcpy(s->codecs[s->n_codecs++], name, t.len + 1);
		if (advance(p, &t))
			return -1;
	}
	if (!s->n_codecs)
		return unexpected(p, &t, "expected a codec (PCMU, PCMA, G722, "
				  "opus, ...)");
	return 0;
}

/* domains HOST... : host names (any case) or addresses of this site */
static int sip_domains(struct parser *p, const struct tok *kw, void *obj,
		       int arg)
{
	struct policy_zone *z = obj;
	struct policy_zone_sip *s = &z->sip;
	struct policy_domain d;
	char buf[POLICY_DOMAIN_MAX + 1];
	unsigned int i;
	struct tok t;

	(void)arg;
	if (once(p, kw, &s->domains_loc))
		return -1;
	for (;;) {
		lex(p, LEX_WORD, &t);
		if (t.type != TOK_WORD)
			break;
		memset(&d, 0, sizeof(d));
		d.loc = t.loc;
		if (t.len > POLICY_DOMAIN_MAX)
			return perr(p, t.loc, "host '%.*s' is longer than %d characters",
				    Q(&t), POLICY_DOMAIN_MAX);
		memcpy(buf, t.p, t.len);
		buf[t.len] = '\0';
		if (memchr(buf, ':', t.len)) {
			if (inet_pton(AF_INET6, buf, d.addr) != 1)
				return perr(p, t.loc, "bad IPv6 address '%s'", buf);
			d.family = AF_INET6;
		} else if (inet_pton(AF_INET, buf, d.addr) == 1) {
			d.family = AF_INET;
		} else {
			for (i = 0; i < t.len; i++) {
				char c = buf[i];

				if (c >= 'A' && c <= 'Z')
					buf[i] = (char)(c + 32);
				else if (!is_alnum((unsigned char)c) && c != '-' &&
					 c != '.')
					return perr(p, t.loc, "bad host '%.*s' (a name "
						    "as in a SIP URI, or an address)",
						    Q(&t));
			}
		}
		memcpy(d.name, buf, t.len + 1);
		for (i = 0; i < s->n_domains; i++)
			if (!strcmp(s->domains[i].name, d.name) ||
			    (d.family && s->domains[i].family == d.family &&
			     !memcmp(s->domains[i].addr, d.addr, 16)))
				return perr(p, t.loc, "host '%.*s' given twice", Q(&t));
		if (s->n_domains >= POLICY_ZONE_MAX_DOMAINS)
			return perr(p, t.loc, "too many hosts (at most %d)",
				    POLICY_ZONE_MAX_DOMAINS);
		s->domains[s->n_domains++] = d;
		if (advance(p, &t))
			return -1;
	}
	if (!s->n_domains)
		return unexpected(p, &t, "expected a host name or address");
	return 0;
}

/* dormant DURATION | off */
static int sip_dormant(struct parser *p, const struct tok *kw, void *obj,
		       int arg)
{
	struct policy_zone *z = obj;
	struct tok t;

	(void)arg;
	if (once(p, kw, &z->sip.dormant_loc))
		return -1;
	lex(p, LEX_NAME, &t);
	if (tok_is(&t, "off")) {
		z->sip.dormant_ms = 0;
		return advance(p, &t);
	}
	if (parse_duration(p, &t, &z->sip.dormant_ms))
		return -1;
	return advance(p, &t);
}

/* strip-identity: no argument */
static int sip_strip_identity(struct parser *p, const struct tok *kw,
			      void *obj, int arg)
{
	struct policy_zone *z = obj;

	(void)arg;
	if (once(p, kw, &z->sip.strip_identity_loc))
		return -1;
	z->sip.strip_identity = true;
	return 0;
}

/*
 * hide-agent [AGENT]: AGENT becomes the value of User-Agent and Server
 * as it is, so it must be a product token of RFC 3261 (20.41, 25.1), and
 * of the plainest kind: no character a SIP parser could read otherwise.
 */
static int sip_hide_agent(struct parser *p, const struct tok *kw, void *obj,
			  int arg)
{
	struct policy_zone *z = obj;
	unsigned int slashes = 0;
	struct tok t;
	size_t i;

	(void)arg;
	if (once(p, kw, &z->sip.hide_agent_loc))
		return -1;
	z->sip.hide_agent = true;
	z->sip.agent[0] = '\0';
	lex(p, LEX_WORD, &t);
	if (t.type != TOK_WORD)
		return 0;
	for (i = 0; i < t.len; i++) {
		if (t.p[i] == '/' && i && i + 1 < t.len && !slashes++)
			continue;
		if (!is_alnum((unsigned char)t.p[i]) && !strchr("-._", t.p[i]))
			break;
	}
	if (i < t.len || t.len > POLICY_AGENT_MAX)
		return perr(p, t.loc, "bad agent '%.*s' (a product token: "
			    "letters, digits, '-', '.', '_' and one '/' inside, "
			    "as PBX or voipfw/1.0; at most %d characters)",
			    Q(&t), POLICY_AGENT_MAX);
	memcpy(z->sip.agent, t.p, t.len);
	z->sip.agent[t.len] = '\0';
	return advance(p, &t);
}

static const struct policy_kw sip_kws[] = {
	{ "dormant",		sip_dormant,	0 },
	{ "domains",		sip_domains,	0 },
	{ "sweep",		sip_threshold,	TH_SWEEP },
	{ "countries",		sip_countries,	0 },
	{ "strictness",		sip_strictness,	0 },
	{ "rate",		sip_rate,	0 },
	{ "trusted-rate",	sip_rate,	1 },
	{ "trusted",		sip_trusted,	0 },
	{ "flood",		sip_threshold,	TH_FLOOD },
	{ "brute-force",	sip_threshold,	TH_BRUTE },
	{ "enumeration",	sip_threshold,	TH_ENUM },
	{ "user-lock",		sip_threshold,	TH_USER },
	{ "ban",		sip_ban,	0 },
	{ "scanners",		sip_scanners,	0 },
	{ "max-size",		sip_max_size,	0 },
	{ "methods",		sip_methods,	0 },
	{ "max-headers",	sip_max_headers, 0 },
	{ "max-forwards",	sip_max_forwards, 0 },
	{ "require",		sip_require,	0 },
	{ "signalling",		sip_signalling,	0 },
	{ "media",		sip_media,	0 },
	{ "codecs",		sip_codecs,	0 },
	{ "strip-identity",	sip_strip_identity, 0 },
	{ "hide-agent",		sip_hide_agent,	0 },
};

static int zone_sip(struct parser *p, const struct tok *kw, void *obj, int arg)
{
	struct policy_zone *z = obj;
	struct policy_loc open;

	(void)arg;
	if (z->sip.loc.line)
		return perr(p, kw->loc, "sip block given twice in zone '%s' "
			    "(first at line %u)", z->name, z->sip.loc.line);
	z->sip.loc = kw->loc;
	if (expect_open(p, &open))
		return -1;
	return parse_block(p, "sip", open, sip_kws, ARRAY_LEN(sip_kws), z);
}

static const struct policy_kw zone_kws[] = {
	{ "interface",	zone_interface,	0 },
	{ "vlan",	zone_vlan,	0 },
	{ "subnet",	zone_subnet,	0 },
	{ "sip",	zone_sip,	0 },
};

static int stmt_zone(struct parser *p, const struct tok *kw, void *obj,
		     int arg)
{
	struct policy *pol = p->pol;
	struct policy_loc loc, open;
	struct policy_zone *z;
	char name[POLICY_NAME_MAX + 1];
	int i;

	(void)kw;
	(void)obj;
	(void)arg;
	if (parse_name(p, "zone", name, &loc))
		return -1;
	if (!strcmp(name, "any"))
		return perr(p, loc, "'any' is reserved: in rules it stands for "
			    "every zone");
	i = policy_zone_find(pol, name);
	if (i >= 0)
		return perr(p, loc, "zone '%s' already defined at line %u", name,
			    pol->zones[i].loc.line);
	if (pol->n_zones >= POLICY_MAX_ZONES)
		return perr(p, loc, "too many zones (at most %d)",
			    POLICY_MAX_ZONES);
	z = policy_zone_add(pol);
	if (!z)
		return policy_err_nomem(p->err, p->file, loc);
	memcpy(z->name, name, sizeof(z->name));
	z->loc = loc;
	if (expect_open(p, &open) ||
	    parse_block(p, "zone", open, zone_kws, ARRAY_LEN(zone_kws), z))
		return -1;
	if (!z->n_ifaces && !z->n_vlans && !z->n_subnets)
		return perr(p, loc, "zone '%s' names no interface, VLAN or subnet",
			    name);
	return 0;
}

/* ---- service --------------------------------------------------------------- */

static const char mixed_media[] = "a service is either ports or 'media', not both";

/* udp|tcp PORT[-PORT] *( "," udp|tcp PORT[-PORT] ); @kw is the first proto. */
static int service_ports(struct parser *p, const struct tok *kw, void *obj,
			 int arg)
{
	struct policy_service *s = obj;
	struct policy_loc at = kw->loc;
	struct policy_ports *pr;
	const char *dash;
	struct tok t;
	uint32_t lo, hi;
	int rc;

	for (;;) {
		if (s->media)
			return perr(p, at, mixed_media);
		lex(p, LEX_WORD, &t);
		if (t.type != TOK_WORD)
			return unexpected(p, &t, "expected a port or PORT-PORT");
		dash = memchr(t.p, '-', t.len);
		rc = parse_uint(t.p, dash ? (size_t)(dash - t.p) : t.len, 65535, &lo);
		if (rc != -1 && dash)
			rc = parse_uint(dash + 1, t.len - (size_t)(dash + 1 - t.p),
					65535, &hi);
		else
			hi = lo;
		if (rc == -1)
			return perr(p, t.loc, "bad port '%.*s' (a number 1-65535 "
				    "or a range PORT-PORT)", Q(&t));
		if (rc == -2 || lo == 0 || hi == 0)
			return perr(p, t.loc, "port %.*s out of range (1-65535)",
				    Q(&t));
		if (lo > hi)
			return perr(p, t.loc, "port range %.*s is reversed "
				    "(LOW-HIGH)", Q(&t));
		if (s->n_ports >= POLICY_SERVICE_MAX_PORTS)
			return perr(p, at, "too many port ranges in service '%s' "
				    "(at most %d)", s->name, POLICY_SERVICE_MAX_PORTS);
		pr = &s->ports[s->n_ports];
		pr->proto = (uint8_t)arg;
		pr->lo = (uint16_t)lo;
		pr->hi = (uint16_t)hi;
		pr->loc = at;
		if (policy_check_ports(s, pr, p->file, p->err))
			return -1;
		s->n_ports++;
		if (advance(p, &t))
			return -1;

		lex(p, LEX_NAME, &t);
		if (t.type != TOK_COMMA)
			return 0;
		if (advance(p, &t))
			return -1;
		lex(p, LEX_NAME, &t);
		if (tok_is(&t, "udp"))
			arg = IPPROTO_UDP;
		else if (tok_is(&t, "tcp"))
			arg = IPPROTO_TCP;
		else
			return unexpected(p, &t, "expected 'udp' or 'tcp' after ','");
		at = t.loc;
		if (advance(p, &t))
			return -1;
	}
}

static int service_media(struct parser *p, const struct tok *kw, void *obj,
			 int arg)
{
	struct policy_service *s = obj;

	(void)arg;
	if (s->media)
		return perr(p, kw->loc, "'media' given twice");
	if (s->n_ports)
		return perr(p, kw->loc, mixed_media);
	s->media = true;
	return 0;
}

static const struct policy_kw service_kws[] = {
	{ "udp",	service_ports,	IPPROTO_UDP },
	{ "tcp",	service_ports,	IPPROTO_TCP },
	{ "media",	service_media,	0 },
};

static int stmt_service(struct parser *p, const struct tok *kw, void *obj,
			int arg)
{
	struct policy *pol = p->pol;
	struct policy_loc loc, open;
	struct policy_service *s;
	char name[POLICY_NAME_MAX + 1];
	int i;

	(void)kw;
	(void)obj;
	(void)arg;
	if (parse_name(p, "service", name, &loc))
		return -1;
	i = policy_service_find(pol, name);
	if (i >= 0 && !pol->services[i].builtin)
		return perr(p, loc, "service '%s' already defined at line %u",
			    name, pol->services[i].loc.line);
	if (pol->n_file_services >= POLICY_MAX_SERVICES)
		return perr(p, loc, "too many services (at most %d besides the "
			    "built-in ones)", POLICY_MAX_SERVICES);
	/* a built-in of the same name is replaced, in its slot */
	s = i >= 0 ? &pol->services[i] : policy_service_add(pol);
	if (!s)
		return policy_err_nomem(p->err, p->file, loc);
	memset(s, 0, sizeof(*s));
	memcpy(s->name, name, sizeof(s->name));
	s->loc = loc;
	pol->n_file_services++;
	if (expect_open(p, &open) ||
	    parse_block(p, "service", open, service_kws,
			ARRAY_LEN(service_kws), s))
		return -1;
	if (!s->media && !s->n_ports)
		return perr(p, loc, "service '%s' has no ports and no media", name);
	return 0;
}

/* ---- rules ------------------------------------------------------------------ */

static int parse_ref(struct parser *p, const char *what, struct policy_ref *ref)
{
	ref->index = -1;
	return parse_name(p, what, ref->name, &ref->loc);
}

/* allow FROM -> TO : SERVICE [, SERVICE ...]; deny FROM -> TO [: ...] */
static int stmt_rule(struct parser *p, const struct tok *kw, void *obj,
		     int action)
{
	struct policy *pol = p->pol;
	struct policy_rule *r;
	struct policy_ref *ref;
	struct tok t;
	unsigned int i;

	(void)obj;
	if (pol->n_rules >= POLICY_MAX_RULES)
		return perr(p, kw->loc, "too many rules (at most %d)",
			    POLICY_MAX_RULES);
	r = policy_rule_add(pol);
	if (!r)
		return policy_err_nomem(p->err, p->file, kw->loc);
	r->action = (enum policy_action)action;
	r->loc = kw->loc;
	if (parse_ref(p, "zone", &r->from))
		return -1;
	lex(p, LEX_NAME, &t);
	if (t.type != TOK_ARROW)
		return unexpected(p, &t, "expected '->'");
	if (advance(p, &t) || parse_ref(p, "zone", &r->to))
		return -1;
	lex(p, LEX_NAME, &t);
	if (t.type != TOK_COLON) {
		if (action == POLICY_DROP)
			return 0;
		return unexpected(p, &t, "expected ':' and the services allowed");
	}
	if (advance(p, &t))
		return -1;
	for (;;) {
		lex(p, LEX_NAME, &t);
		if (r->n_services >= POLICY_RULE_MAX_SERVICES)
			return perr(p, t.loc, "too many services in one rule "
				    "(at most %d)", POLICY_RULE_MAX_SERVICES);
		ref = &r->services[r->n_services];
		if (parse_ref(p, "service", ref))
			return -1;
		for (i = 0; i < r->n_services; i++)
			if (!strcmp(r->services[i].name, ref->name))
				return perr(p, ref->loc, "service '%s' listed "
					    "twice in this rule", ref->name);
		r->n_services++;
		lex(p, LEX_NAME, &t);
		if (t.type != TOK_COMMA)
			return 0;
		if (advance(p, &t))
			return -1;
	}
}

static int stmt_policy(struct parser *p, const struct tok *kw, void *obj,
		       int arg)
{
	struct policy *pol = p->pol;
	struct tok t;

	(void)obj;
	(void)arg;
	if (pol->policy_loc.line)
		return perr(p, kw->loc, "policy given twice (first at line %u)",
			    pol->policy_loc.line);
	lex(p, LEX_NAME, &t);
	if (tok_is(&t, "accept"))
		pol->policy = POLICY_ACCEPT;
	else if (tok_is(&t, "drop"))
		pol->policy = POLICY_DROP;
	else
		return unexpected(p, &t, "expected 'accept' or 'drop'");
	pol->policy_loc = kw->loc;
	return advance(p, &t);
}

/* ---- qos -------------------------------------------------------------------- */

/* ef, cs0-cs7, af11-af43 (RFC 2474, 2597, 3246) or 0-63; -1 if none. */
static int dscp_value(const struct tok *t)
{
	uint32_t v;
	char a, b;

	if (tok_is(t, "ef"))
		return 46;
	if (t->len == 3 && !memcmp(t->p, "cs", 2) && t->p[2] >= '0' &&
	    t->p[2] <= '7')
		return (t->p[2] - '0') * 8;
	if (t->len == 4 && !memcmp(t->p, "af", 2)) {
		a = t->p[2];
		b = t->p[3];
		if (a >= '1' && a <= '4' && b >= '1' && b <= '3')
			return (a - '0') * 8 + (b - '0') * 2;
	}
	if (parse_uint(t->p, t->len, 63, &v) == 0)
		return (int)v;
	return -1;
}

static int qos_dscp(struct parser *p, const struct tok *kw, void *obj,
		    int slot)
{
	struct policy_qos *q = obj;
	char expected[48];
	struct tok t;
	uint32_t v;
	int d;

	if (q->dscp_loc[slot].line)
		return perr(p, kw->loc, "'%s dscp' given twice (first at line %u)",
			    policy_dscp_slot_str(slot), q->dscp_loc[slot].line);
	lex(p, LEX_NAME, &t);
	if (!tok_is(&t, "dscp")) {
		snprintf(expected, sizeof(expected), "expected 'dscp' after '%s'",
			 policy_dscp_slot_str(slot));
		return unexpected(p, &t, expected);
	}
	if (advance(p, &t))
		return -1;
	lex(p, LEX_NAME, &t);
	if (t.type != TOK_WORD)
		return unexpected(p, &t, "expected a DSCP class");
	d = dscp_value(&t);
	if (d < 0 && parse_uint(t.p, t.len, UINT32_MAX, &v) != -1)
		return perr(p, t.loc, "DSCP %.*s out of range (0-63)", Q(&t));
	if (d < 0)
		return perr(p, t.loc, "unknown DSCP class '%.*s' (ef, cs0-cs7, "
			    "af11-af43 or a number 0-63)", Q(&t));
	q->dscp[slot] = (uint8_t)d;
	q->dscp_loc[slot] = kw->loc;
	return advance(p, &t);
}

/* MAJOR:MINOR in hex, as tc(8) writes class ids ("1:10" is 0x10001). */
static int qos_priority(struct parser *p, const struct tok *kw, void *obj,
			int arg)
{
	struct policy_qos *q = obj;
	uint32_t major, minor;
	const char *colon;
	struct tok t;

	(void)arg;
	if (q->priority_loc.line)
		return perr(p, kw->loc, "priority given twice (first at line %u)",
			    q->priority_loc.line);
	lex(p, LEX_WORD, &t);
	if (t.type != TOK_WORD)
		return unexpected(p, &t, "expected MAJOR:MINOR");
	colon = memchr(t.p, ':', t.len);
	if (!colon || parse_hex16(t.p, (size_t)(colon - t.p), &major) ||
	    parse_hex16(colon + 1, t.len - (size_t)(colon + 1 - t.p), &minor))
		return perr(p, t.loc, "bad priority '%.*s': MAJOR:MINOR in hex, "
			    "as tc(8) writes class ids (1:10)", Q(&t));
	if (!major || !minor)
		return perr(p, t.loc, "priority %.*s is not a class: MAJOR and "
			    "MINOR are 1-ffff", Q(&t));
	q->priority = major << 16 | minor;
	q->priority_loc = kw->loc;
	return advance(p, &t);
}

static const struct policy_kw qos_kws[] = {
	{ "rtp",	qos_dscp,	POLICY_DSCP_RTP },
	{ "srtp",	qos_dscp,	POLICY_DSCP_SRTP },
	{ "sip",	qos_dscp,	POLICY_DSCP_SIP },
	{ "sip-tls",	qos_dscp,	POLICY_DSCP_SIP_TLS },
	{ "priority",	qos_priority,	0 },
};

static int stmt_qos(struct parser *p, const struct tok *kw, void *obj,
		    int arg)
{
	struct policy_qos *q = &p->pol->qos;
	struct policy_loc open;

	(void)obj;
	(void)arg;
	if (q->loc.line)
		return perr(p, kw->loc, "qos given twice (first at line %u)",
			    q->loc.line);
	q->loc = kw->loc;
	if (expect_open(p, &open))
		return -1;
	return parse_block(p, "qos", open, qos_kws, ARRAY_LEN(qos_kws), q);
}

/* ---- the file ---------------------------------------------------------------- */

static const struct policy_kw top_kws[N_TOP_KWS] = {
	{ "zone",	stmt_zone,	0 },
	{ "service",	stmt_service,	0 },
	{ "allow",	stmt_rule,	POLICY_ACCEPT },
	{ "deny",	stmt_rule,	POLICY_DROP },
	{ "policy",	stmt_policy,	0 },
	{ "qos",	stmt_qos,	0 },
};

/* Line and column of byte @off, for the one error not found by the lexer. */
static struct policy_loc loc_of_offset(const char *buf, size_t off)
{
	struct policy_loc loc = { 1, 1 };
	size_t i, start = 0;

	for (i = 0; i < off; i++)
		if (buf[i] == '\n') {
			loc.line++;
			start = i + 1;
		}
	loc.col = (uint32_t)(off - start + 1);
	return loc;
}

static int parse_file(struct parser *p)
{
	const struct policy_kw *kw;
	struct tok t;

	if (p->len > POLICY_FILE_MAX)
		return perr(p, loc_of_offset(p->buf, POLICY_FILE_MAX),
			    "file larger than 1 MiB");
	if (check_line(p))
		return -1;
	for (;;) {
		lex(p, LEX_NAME, &t);
		switch (t.type) {
		case TOK_EOF:
			return policy_resolve(p->pol, p->err);
		case TOK_END:
			if (advance(p, &t))
				return -1;
			continue;
		case TOK_WORD:
			kw = kw_find(top_kws, N_TOP_KWS, &t);
			if (!kw)
				return unknown_kw(p, &t, top_kws, N_TOP_KWS, NULL);
			if (advance(p, &t) || kw->parse(p, &t, NULL, kw->arg) ||
			    expect_end(p, false))
				return -1;
			continue;
		default:
			return unexpected(p, &t, "expected a statement");
		}
	}
}

struct policy *policy_parse(const char *buf, size_t len, const char *file,
			    struct policy_error *err)
{
	struct parser p = {
		.buf	= buf ? buf : "",	/* (NULL, 0): no pointer arithmetic on NULL */
		.len	= len,
		.line	= 1,
		.file	= file,
		.err	= err,
	};

	memset(err, 0, sizeof(*err));
	p.pol = policy_new(file);
	if (!p.pol) {
		policy_err_nomem(err, file, (struct policy_loc){ 0, 0 });
		return NULL;
	}
	if (parse_file(&p)) {
		policy_free(p.pol);
		return NULL;
	}
	return p.pol;
}
