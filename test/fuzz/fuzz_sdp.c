// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_sdp.c - libFuzzer target: SDP bodies, directly and wrapped in a
 * multipart/mixed body (the first byte picks which).
 */
#include <string.h>

#include "fuzz_check.h"
#include "sdp/body.h"
#include "sdp/sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char ct_sdp[] = "application/sdp";
	static const char ct_mp[] = "multipart/mixed;boundary=\"b1\"";
	static struct sdp sdp;
	struct sip_diag diag = { 0 };
	struct sdp_stream st;
	struct span body, found;
	unsigned int iter = 0;
	const char *buf;
	int rc;

	if (size < 1)
		return 0;
	buf = (const char *)data + 1;
	body = span_make(buf, size - 1);
	if (data[0] & 1)
		rc = body_find_sdp(SPAN_LIT(ct_mp), body, &found, &diag);
	else
		rc = body_find_sdp(SPAN_LIT(ct_sdp), body, &found, &diag);
	if (rc <= 0)
		return 0;
	fuzz_span_inside(found, buf, size - 1, "sdp part");
	if (sdp_parse(found, &sdp, &diag))
		return 0;
	if (sdp.n_media > SDP_MAX_MEDIA)
		abort();
	while (sdp_stream_next(&sdp, &iter, &st)) {
		fuzz_span_inside(st.addr->text, buf, size - 1, "addr");
		fuzz_span_inside(st.media->type, buf, size - 1, "type");
		if (!st.rtp_port)
			abort();
	}
	return 0;
}
