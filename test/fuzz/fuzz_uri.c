// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_uri.c - libFuzzer target: URIs, name-addr values, Via values,
 * parameter lookup and unescaping.
 */
#include <string.h>

#include "fuzz_check.h"
#include "sip/sip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct span in = span_make((const char *)data, size), v;
	struct sip_diag diag = { 0 };
	struct sip_name_addr na;
	struct sip_via via;
	struct sip_uri uri;
	char out[256];
	int n;

	if (sip_uri_parse(in, &uri, &diag) == 0) {
		fuzz_span_inside(uri.user, in.p, size, "user");
		fuzz_span_inside(uri.host.text, in.p, size, "host");
		fuzz_span_inside(uri.params, in.p, size, "params");
		fuzz_span_inside(uri.headers, in.p, size, "headers");
		if (sip_param_find(uri.params, "transport", &v))
			fuzz_span_inside(v, in.p, size, "transport");
		n = sip_unescape(uri.user, out, sizeof(out));
		if (n > (int)sizeof(out))
			abort();
	}
	memset(&diag, 0, sizeof(diag));
	if (sip_parse_name_addr(in, &na, &diag) == 0) {
		fuzz_span_inside(na.tag, in.p, size, "tag");
		fuzz_span_inside(na.display, in.p, size, "display");
	}
	memset(&diag, 0, sizeof(diag));
	if (sip_parse_via(in, &via, &diag) == 0) {
		fuzz_span_inside(via.branch, in.p, size, "branch");
		fuzz_span_inside(via.received, in.p, size, "received");
	}
	return 0;
}
