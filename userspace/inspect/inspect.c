// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inspect.c - parse, validate and read the media of one SIP message.
 */
#include <stdio.h>
#include <string.h>

#include "inspect.h"
#include "../sdp/body.h"

static void inspect_drop(struct inspect_result *res)
{
	res->verdict_pass = false;
	res->drop = res->diag.fatal;
}

void inspect_message(const char *buf, size_t len, enum sip_strictness level,
		     struct inspect_result *res)
{
	struct span sdp_body;
	int rc;

	memset(&res->diag, 0, sizeof(res->diag));
	/* the default policy acts on no strict-only defect: skip their checks */
	res->diag.skip_strict = level != SIP_POLICY_STRICT;
	memset(&res->drop, 0, sizeof(res->drop));
	res->has_sdp = false;
	res->verdict_pass = true;

	/* Fail closed: what cannot be parsed or validated is dropped; the
	 * firewall must never act on a message it reads differently from
	 * the endpoint. */
	if (sip_parse(buf, len, &res->msg, &res->diag) ||
	    sip_validate(&res->msg, level, &res->diag)) {
		inspect_drop(res);
		return;
	}

	/* ACK, BYE and 1xx often say application/sdp with an empty body */
	if (!res->msg.body.len)
		return;
	rc = body_find_sdp(res->msg.content_type, res->msg.body, &sdp_body,
			   &res->diag);
	if (rc < 0) {
		inspect_drop(res);
		return;
	}
	if (rc == 0)
		return;
	/* Media the firewall cannot read is media it cannot open safely. */
	if (sdp_parse(sdp_body, &res->sdp, &res->diag)) {
		inspect_drop(res);
		return;
	}
	res->has_sdp = true;
	if (level == SIP_POLICY_STRICT && res->diag.strict_count) {
		res->diag.fatal = res->diag.strict;
		inspect_drop(res);
	}
}

char *inspect_format_reason(const struct sip_finding *f, char *out,
			    size_t outlen)
{
	size_t n, i;
	int w;

	w = snprintf(out, outlen, "%s: %s", sip_reason_str(f->reason),
		     f->detail ? f->detail : "");
	if (w < 0 || (size_t)w >= outlen || !f->where.len)
		return out;
	n = (size_t)w;
	if (n + 4 < outlen) {
		out[n++] = ' ';
		out[n++] = '(';
		/* quote at most 48 bytes, escaping what is not printable */
		for (i = 0; i < f->where.len && i < 48 && n + 6 < outlen; i++) {
			unsigned char c = (unsigned char)f->where.p[i];

			if (c >= 0x20 && c < 0x7f) {
				out[n++] = (char)c;
			} else {
				snprintf(out + n, outlen - n, "\\x%02x", c);
				n += 4;
			}
		}
		if (i < f->where.len && n + 5 < outlen) {
			memcpy(out + n, "...", 3);
			n += 3;
		}
		out[n++] = ')';
		out[n] = '\0';
	}
	return out;
}
