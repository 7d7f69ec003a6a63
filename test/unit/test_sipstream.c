// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_sipstream.c - SIP over TCP reassembly: table of segment sequences,
 * each step with the verdict it must get and how many messages it must
 * complete (and so have judged).
 */
#include <stdio.h>
#include <string.h>

#include "engine/sipstream.h"
#include "unit.h"

#define MSG_OK	"OPTIONS sip:a@b SIP/2.0\r\nCall-ID: ok\r\nContent-Length: 4\r\n\r\nbody"
#define MSG_BAD	"OPTIONS sip:a@b SIP/2.0\r\nCall-ID: bad\r\nContent-Length: 4\r\n\r\nbody"
#define NO_CL	"OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n"

struct judge_log {
	unsigned int	judged;
	char		last[256];
};

/* The stand-in engine: a message whose Call-ID is "bad" is refused. */
static bool judge(void *arg, const struct pkt_meta *meta, const char *msg,
		  size_t len)
{
	struct judge_log *j = arg;

	(void)meta;
	j->judged++;
	snprintf(j->last, sizeof(j->last), "%.*s", (int)len, msg);
	return !strstr(j->last, "Call-ID: bad");
}

struct step {
	uint32_t	seq_off;	/* relative to the case's ISN */
	const char	*data;		/* NULL: the flags-only segment */
	size_t		off, len;	/* slice of @data */
	uint8_t		flags;
	bool		pass;
	unsigned int	judged;		/* messages judged so far */
};

#define SEG(o, d, a, n, p, j)	{ o, d, a, n, 0, p, j }
#define SEG_ALL(o, d, p, j)	{ o, d, 0, sizeof(d) - 1, 0, p, j }

static const struct {
	const char	*name;
	uint32_t	isn;
	struct step	steps[6];
	unsigned int	n;
} cases[] = {
	{ "whole message in one segment", 1000,
	  { SEG_ALL(0, MSG_OK, true, 1) }, 1 },
	{ "message in three segments: only the last is judged", 1000,
	  { SEG(0, MSG_OK, 0, 10, true, 0), SEG(10, MSG_OK, 10, 30, true, 0),
	    SEG(40, MSG_OK, 40, sizeof(MSG_OK) - 41, true, 1) }, 3 },
	{ "two messages in one segment", 1000,
	  { SEG_ALL(0, MSG_OK MSG_OK, true, 2) }, 1 },
	{ "refused message: its last segment and its retransmission", 1000,
	  { SEG(0, MSG_BAD, 0, 20, true, 0),
	    SEG(20, MSG_BAD, 20, sizeof(MSG_BAD) - 21, false, 1),
	    SEG(20, MSG_BAD, 20, sizeof(MSG_BAD) - 21, false, 1),
	    SEG(0, MSG_BAD, 0, 20, true, 1) }, 4 },
	{ "a good message then a bad one in one segment: dropped", 1000,
	  { SEG_ALL(0, MSG_OK MSG_BAD, false, 2) }, 1 },
	{ "out of order: dropped, then in order: passes", 5000,
	  { SEG(0, MSG_OK, 0, 10, true, 0),
	    SEG(30, MSG_OK, 30, sizeof(MSG_OK) - 31, false, 0),
	    SEG(10, MSG_OK, 10, 20, true, 0),
	    SEG(30, MSG_OK, 30, sizeof(MSG_OK) - 31, true, 1) }, 4 },
	{ "no Content-Length on a stream: unframeable, dropped", 1000,
	  { SEG_ALL(0, NO_CL, false, 0) }, 1 },
	{ "sequence numbers wrap", 0xfffffff0u,
	  { SEG(0, MSG_OK, 0, 30, true, 0),
	    SEG(30, MSG_OK, 30, sizeof(MSG_OK) - 31, true, 1) }, 2 },
	{ "FIN ends the state", 1000,
	  { SEG(0, MSG_OK, 0, 10, true, 0), { 10, NULL, 0, 0, 0x01, true, 0 } },
	  2 },
};

static void run_case(unsigned int c)
{
	struct sipstream_table *t = sipstream_new(4, 300);
	struct pkt_meta m = { .family = 4, .proto = 6, .sport = 40000,
			      .dport = 5060, .saddr = { 192, 0, 2, 1 },
			      .daddr = { 192, 0, 2, 2 } };
	struct judge_log j = { 0 };
	unsigned int i;

	unit_case("sipstream: %s", cases[c].name);
	if (!CHECK(t))
		return;
	for (i = 0; i < cases[c].n; i++) {
		const struct step *s = &cases[c].steps[i];
		bool pass = sipstream_segment(t, &m, cases[c].isn + s->seq_off,
					      s->flags,
					      s->data ? (const uint8_t *)s->data + s->off : NULL,
					      s->data ? s->len : 0, 1000 + i,
					      judge, &j);

		CHECK_MSG(pass == s->pass, "step %u: verdict %d, want %d", i,
			  pass, s->pass);
		CHECK_MSG(j.judged == s->judged, "step %u: %u judged, want %u",
			  i, j.judged, s->judged);
	}
	if (!strcmp(cases[c].name, "FIN ends the state"))
		CHECK_INT(sipstream_count(t), 0);
	sipstream_free(t);
}

static void test_limits(void)
{
	struct sipstream_table *t = sipstream_new(2, 1);
	struct pkt_meta m = { .family = 4, .proto = 6, .dport = 5060 };
	static char big[SIPSTREAM_BUF + 64];
	struct judge_log j = { 0 };
	unsigned int i;

	unit_case("sipstream: table full and oversized messages");
	if (!CHECK(t))
		return;
	for (i = 0; i < 2; i++) {
		m.sport = (uint16_t)(40000 + i);
		CHECK(sipstream_segment(t, &m, 1, 0, (const uint8_t *)MSG_OK, 10,
					1000, judge, &j));
	}
	m.sport = 40002;
	CHECK_MSG(!sipstream_segment(t, &m, 1, 0, (const uint8_t *)MSG_OK, 10,
				     1000, judge, &j),
		  "a third direction with 2 slots is refused");
	sipstream_expire(t, 1000 + 5000);
	CHECK_INT(sipstream_count(t), 0);
	memset(big, 'a', sizeof(big));
	CHECK_MSG(!sipstream_segment(t, &m, 1, 0, (const uint8_t *)big,
				     sizeof(big), 7000, judge, &j),
		  "more than SIPSTREAM_BUF bytes of one message is refused");
	sipstream_free(t);
}

int main(void)
{
	unsigned int c;

	for (c = 0; c < ARRAY_SIZE(cases); c++)
		run_case(c);
	test_limits();
	return unit_summary("sipstream");
}
