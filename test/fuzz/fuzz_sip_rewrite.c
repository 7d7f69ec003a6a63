// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_sip_rewrite.c - libFuzzer target: every message sip_parse() takes
 * goes through sip_rewrite() three ways (strip-identity; hide-agent
 * removing; both, replacing).  The output must fit sip_rewrite_bound(),
 * never be longer than the input plus the replacements' growth, parse
 * again with the same body and Content-Length, have nothing left to do
 * (a second rewrite changes nothing), and equal the input when
 * sip_rewrite_needed() said nothing would change.
 */
#include <string.h>

#include "fuzz_check.h"
#include "sip/sip.h"
#include "sip/sip_rewrite.h"

static char out[70000];

static void one(const struct sip_msg *m, const struct sip_rewrite *rw)
{
	static struct sip_msg m2;
	struct sip_diag d2 = { .skip_strict = true };
	size_t bound = sip_rewrite_bound(m, rw), growth = 0;
	unsigned int needed = sip_rewrite_needed(m, rw), done = 0;
	long n;

	if (bound > sizeof(out))
		return;
	if (rw->hide_agent)
		growth = ((size_t)m->count[SIP_HDR_USER_AGENT] +
			  m->count[SIP_HDR_SERVER]) * (rw->agent.len + 1);
	n = sip_rewrite(m, rw, out, bound, &done);
	if (n < 0 || (size_t)n > bound || (size_t)n > m->buf_len + growth ||
	    done != needed)
		abort();
	if (!needed && ((size_t)n != m->buf_len || memcmp(out, m->buf, m->buf_len)))
		abort();
	if (sip_parse(out, (size_t)n, &m2, &d2))
		abort();
	if (m2.content_length != m->content_length ||
	    !span_eq(m2.body, m->body) || m2.n_hdrs > m->n_hdrs)
		abort();
	if (sip_rewrite_needed(&m2, rw))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sip_msg m;
	struct sip_diag diag = { .skip_strict = true };
	struct sip_rewrite rw;

	if (sip_parse((const char *)data, size, &m, &diag))
		return 0;
	rw = (struct sip_rewrite){ .strip_identity = true };
	one(&m, &rw);
	rw = (struct sip_rewrite){ .hide_agent = true };
	one(&m, &rw);
	rw = (struct sip_rewrite){ .strip_identity = true, .hide_agent = true,
				   .agent = SPAN_LIT("voipfw/1.0") };
	one(&m, &rw);
	return 0;
}
