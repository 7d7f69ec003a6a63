// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * voipfw_sip.c - the bounded look at a SIP request: the method of the
 * request line and the User-Agent value, within the bytes the hook read;
 * and the scanner patterns over that value.
 *
 * Parsers take (ptr, len) spans and never read past them; nothing here
 * assumes NUL termination or trusts a length from the packet.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "voipfw.h"

/*
 * RFC 3261 25.1: Request-Line = Method SP Request-URI SP SIP-Version CRLF;
 * Method is a token and case-sensitive (INVITE, not invite: "invite" is an
 * extension method and counts as other).
 */
static const struct {
	const char		*name;
	unsigned int		len;
	enum voipfw_class	cls;
} vf_methods[] = {
	{ "REGISTER",	8, VOIPFW_CLASS_REGISTER },
	{ "INVITE",	6, VOIPFW_CLASS_INVITE },
	{ "OPTIONS",	7, VOIPFW_CLASS_OPTIONS },
};

/* RFC 3261 25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_"
 * / "+" / "`" / "'" / "~") */
static bool vf_is_token(u8 c)
{
	return isalnum(c) || (c && strchr("-.!%*_+`'~", c));
}

static bool vf_is_wsp(u8 c)
{
	return c == ' ' || c == '\t';
}

/* The end of the line that starts at @p: the offset of its CR or LF, or
 * @len when the buffer ends first. */
static unsigned int vf_line_end(const u8 *p, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		if (p[i] == '\r' || p[i] == '\n')
			return i;
	return len;
}

/* Past the line terminator at @i (CRLF, or a bare LF or CR, which
 * RFC 3261 7.5 does not allow but user agents send). */
static unsigned int vf_skip_eol(const u8 *p, unsigned int len, unsigned int i)
{
	if (i < len && p[i] == '\r')
		i++;
	if (i < len && p[i] == '\n')
		i++;
	return i;
}

static const char vf_sip_version[] = " SIP/2.0";

static bool vf_request_line(const u8 *p, unsigned int eol, enum voipfw_class *cls)
{
	unsigned int m, i, vlen = sizeof(vf_sip_version) - 1;

	for (m = 0; m < eol && vf_is_token(p[m]); m++)
		;
	/* a method, SP, at least one byte of URI, SP SIP/2.0 */
	if (m == 0 || m + 2 + vlen > eol || p[m] != ' ')
		return false;
	if (strncasecmp((const char *)p + eol - vlen, vf_sip_version, vlen))
		return false;
	*cls = VOIPFW_CLASS_OTHER;
	for (i = 0; i < ARRAY_SIZE(vf_methods); i++)
		if (m == vf_methods[i].len && !memcmp(p, vf_methods[i].name, m)) {
			*cls = vf_methods[i].cls;
			break;
		}
	return true;
}

static const char vf_ua_name[] = "user-agent";

/*
 * RFC 3261 25.1: User-Agent = "User-Agent" HCOLON server-val *(LWS
 * server-val); HCOLON = *( SP / HTAB ) ":" SWS.  The header has no compact
 * form.  A folded continuation line is not followed (its text is not
 * searched); the value runs to the end of its line or of the buffer.
 */
bool vf_sip_look(const u8 *p, unsigned int len, struct vf_sip *out)
{
	unsigned int eol, i, nlen = sizeof(vf_ua_name) - 1;

	eol = vf_line_end(p, len);
	if (eol == len || !vf_request_line(p, eol, &out->cls))
		return false;
	out->ua = NULL;
	out->ua_len = 0;
	i = vf_skip_eol(p, len, eol);
	while (i < len) {
		const u8 *h = p + i;
		unsigned int hl = vf_line_end(h, len - i), j;

		if (hl == 0)		/* the empty line: end of headers */
			break;
		if (hl > nlen && !strncasecmp((const char *)h, vf_ua_name, nlen)) {
			for (j = nlen; j < hl && vf_is_wsp(h[j]); j++)
				;
			if (j < hl && h[j] == ':') {
				for (j++; j < hl && vf_is_wsp(h[j]); j++)
					;
				out->ua = h + j;
				out->ua_len = hl - j;
				break;
			}
		}
		i = vf_skip_eol(p, len, i + hl);
	}
	return true;
}

static bool vf_match_at(const struct vf_pattern *pt, const u8 *s, unsigned int len)
{
	unsigned int k;

	if (pt->len > len)
		return false;
	for (k = 0; k < pt->len; k++)
		if (tolower(s[k]) != (u8)pt->text[k])
			return false;
	return true;
}

/* userspace/detect/scanner.h's rules: a pattern matches a value that
 * contains it, ASCII case ignored; an anchored one only at the start. */
bool vf_scanner_match(const struct vf_cfg *cfg, const u8 *ua, unsigned int len)
{
	unsigned int i, k;

	for (k = 0; k < cfg->n_pat; k++)
		if (cfg->pat[k].anchored && vf_match_at(&cfg->pat[k], ua, len))
			return true;
	for (i = 0; i < len; i++) {
		u8 c = tolower(ua[i]);

		if (!cfg->first[c])
			continue;
		for (k = 0; k < cfg->n_pat; k++)
			if (!cfg->pat[k].anchored && (u8)cfg->pat[k].text[0] == c &&
			    vf_match_at(&cfg->pat[k], ua + i, len - i))
				return true;
	}
	return false;
}
