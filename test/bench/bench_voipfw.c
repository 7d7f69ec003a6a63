/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench_voipfw.c - voipfw's side of bench_parse: inspect_message(), the
 * same call check-sip and voipfwd make per datagram.  It does strictly
 * more than the peers: sip_parse() (every header line indexed, the
 * headers voipfw knows parsed into structures), sip_validate() under the
 * default policy, body_find_sdp() through multipart, and sdp_parse().
 */
#include <stdio.h>

#include "inspect/inspect.h"

#include "bench.h"

/* Static: the result is large, and the parse loop must not allocate. */
static struct inspect_result res;

static int voipfw_init(char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	return 0;
}

static int voipfw_parse(const char *buf, size_t len, struct bench_out *out)
{
	inspect_message(buf, len, SIP_POLICY_DEFAULT, &res);
	if (!res.verdict_pass) {
		char reason[160];

		snprintf(out->why, sizeof(out->why), "dropped: %s",
			 inspect_format_reason(&res.drop, reason,
					       sizeof(reason)));
		return -1;
	}
	out->n_sdp = res.has_sdp ? 1 : 0;
	return 0;
}

const struct bench_parser_ops bench_voipfw_ops = {
	.name	= "voipfw",
	.work	= "inspect_message(): sip_parse + sip_validate(default) + "
		  "body_find_sdp (multipart too) + sdp_parse",
	.init	= voipfw_init,
	.parse	= voipfw_parse,
};
