// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_sip_msg.c - libFuzzer target: a whole datagram through
 * inspect_message() under both policies, and stream framing.
 */
#include <string.h>

#include "fuzz_check.h"
#include "inspect/inspect.h"

static void check_msg(const struct inspect_result *r, const char *buf,
		      size_t len)
{
	const struct sip_msg *m = &r->msg;
	unsigned int i;

	if (!r->verdict_pass)
		return;
	if (m->msg_len > len)
		abort();
	fuzz_span_inside(m->body, buf, len, "body");
	fuzz_span_inside(m->call_id, buf, len, "call-id");
	fuzz_span_inside(m->ruri.raw, buf, len, "ruri");
	fuzz_span_inside(m->ruri.host.text, buf, len, "ruri host");
	fuzz_span_inside(m->from.uri.raw, buf, len, "from");
	fuzz_span_inside(m->to.tag, buf, len, "to tag");
	fuzz_span_inside(m->auth.username, buf, len, "auth username");
	if (m->n_hdrs > SIP_MAX_HEADERS)
		abort();
	for (i = 0; i < m->n_hdrs; i++) {
		fuzz_span_inside(m->hdrs[i].name, buf, len, "hdr name");
		fuzz_span_inside(m->hdrs[i].value, buf, len, "hdr value");
	}
	for (i = 0; i < m->n_via && i < SIP_MAX_VIA; i++) {
		fuzz_span_inside(m->via[i].branch, buf, len, "branch");
		fuzz_span_inside(m->via[i].host.text, buf, len, "via host");
	}
	if (r->has_sdp) {
		struct sdp_stream st;
		unsigned int iter = 0, n = 0;

		if (r->sdp.n_media > SDP_MAX_MEDIA)
			abort();
		while (sdp_stream_next(&r->sdp, &iter, &st)) {
			fuzz_span_inside(st.addr->text, buf, len, "media addr");
			if (!st.rtp_port || ++n > SDP_MAX_MEDIA * SDP_MAX_MEDIA)
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct inspect_result res;
	const char *buf = (const char *)data;
	long framed;

	inspect_message(buf, size, SIP_POLICY_DEFAULT, &res);
	check_msg(&res, buf, size);
	inspect_message(buf, size, SIP_POLICY_STRICT, &res);
	check_msg(&res, buf, size);

	framed = sip_frame_length(buf, size, 8192);
	if (framed > (long)size)
		abort();
	return 0;
}
