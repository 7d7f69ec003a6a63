// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_dialog.c - the call table (create, find, destroy, reuse, capacity,
 * collisions, iteration, its size), media_desc_from_sdp() on parsed SDP,
 * and dialog_pinholes() for every pair of direction attributes.
 *
 * A media_line is written "ADDR RTP rtcp ADDR PORT FLAGS" or
 * "ADDR RTP mux FLAGS", FLAGS being "rx" (receives) and "tx" (sends) or
 * "-"; a disabled stream is "off".
 *
 * Rows marked "BUG" expect what dialog.h documents and fail against the
 * current code; the report that came with this file lists them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "engine_msgs.h"
#include "dialog/dialog.h"
#include "pinhole/pinhole.h"
#include "sdp/sdp.h"

/* A key for @s (a C string); the test keeps @s alive while it is used. */
static struct dialog_key key_of(const char *s)
{
	struct dialog_key k = { 0 };

	if (dialog_key_of(span_make(s, strlen(s)), &k))
		k.len = 0;
	return k;
}

/* ---- dialog_hash, dialog_key_of ----------------------------------------- */

static void test_keys(void)
{
	static char id[300];
	struct dialog_key k;

	/*
	 * The hash goes into kernel set elements (pinhole_tag) and must mean
	 * the same to the next voipfwd: pin it (FNV-1a 64, published vectors).
	 */
	unit_case("dialog_hash: FNV-1a 64 test vectors");
	CHECK(dialog_hash(span_make("", 0)) == 0xcbf29ce484222325ULL);
	CHECK(dialog_hash(span_make("a", 1)) == 0xaf63dc4c8601ec8cULL);
	CHECK(dialog_hash(span_make("foobar", 6)) == 0x85944171f73967e8ULL);

	unit_case("dialog_key_of: lengths");
	CHECK_INT(dialog_key_of(span_make("", 0), &k), -1);
	CHECK_INT(dialog_key_of(span_make("x", 1), &k), 0);
	CHECK_INT(k.len, 1);
	memset(id, 'i', sizeof(id));
	CHECK_INT(dialog_key_of(span_make(id, DIALOG_CALL_ID_MAX), &k), 0);
	CHECK_INT(k.len, DIALOG_CALL_ID_MAX);
	CHECK(k.prefix == id);
	CHECK(k.hash == dialog_hash(span_make(id, DIALOG_CALL_ID_MAX)));
	CHECK_INT(dialog_key_of(span_make(id, DIALOG_CALL_ID_MAX + 1), &k), -1);
}

/* ---- the table ---------------------------------------------------------- */

static void test_table_new(void)
{
	struct dialog_table *t;

	unit_case("dialog_table_new: bad sizes");
	errno = 0;
	CHECK(!dialog_table_new(0));
	CHECK_INT(errno, EINVAL);
	errno = 0;
	CHECK(!dialog_table_new((1u << 24) + 1));
	CHECK_INT(errno, EINVAL);

	unit_case("dialog_table_new: one entry");
	t = dialog_table_new(1);
	if (!CHECK(t))
		return;
	CHECK_INT(dialog_capacity(t), 1);
	CHECK_INT(dialog_count(t), 0);
	dialog_table_free(t);
	dialog_table_free(NULL);
}

static void test_create_find_destroy(void)
{
	struct dialog_key a = key_of("alpha@x"), b = key_of("beta@x"),
			  c = key_of("alpha@y");
	struct dialog *da, *db, *d;
	struct dialog_table *t = dialog_table_new(8);
	struct media_desc act[2];

	unit_case("create, find, destroy, reuse");
	if (!CHECK(t))
		return;
	CHECK(!dialog_find(t, &a));
	da = dialog_create(t, &a);
	db = dialog_create(t, &b);
	if (!CHECK(da && db))
		goto out;
	CHECK(da != db);
	CHECK_INT(dialog_count(t), 2);
	CHECK_INT(da->state, DIALOG_TRYING);
	CHECK_INT(da->call_id_len, strlen("alpha@x"));
	CHECK(!memcmp(da->call_id, "alpha@x", 7));
	CHECK(da->call_id_hash == a.hash);
	CHECK(dialog_find(t, &a) == da);
	CHECK(dialog_find(t, &b) == db);
	CHECK(!dialog_find(t, &c));

	/* an entry comes back zeroed, whatever its last call left */
	da->has_active = true;
	memset(act, 0, sizeof(act));
	act[0].n = 3;
	CHECK_INT(dialog_set_session(t, da, act), 0);
	CHECK_INT(dialog_set_offer(t, da, DIALOG_CALLEE, &act[0]), 0);
	da->invite_cseq = 99;
	dialog_destroy(t, da);
	CHECK_INT(dialog_count(t), 1);
	CHECK(!dialog_find(t, &a));
	CHECK(dialog_find(t, &b) == db);
	d = dialog_create(t, &c);
	if (CHECK(d)) {
		dialog_session(d, act);
		CHECK(!d->has_active && !act[0].n && !d->invite_cseq);
		CHECK(!d->offer && !d->act_full);
		CHECK_INT(d->state, DIALOG_TRYING);
		CHECK(dialog_find(t, &c) == d);
	}
	CHECK_INT(dialog_count(t), 2);
out:
	dialog_table_free(t);
}

static void test_capacity(void)
{
	static char ids[5][16];
	struct dialog_key k[5];
	struct dialog *d[5];
	struct dialog_table *t = dialog_table_new(4);
	unsigned int i;

	unit_case("capacity: the fifth call of four is refused");
	if (!CHECK(t))
		return;
	for (i = 0; i < 5; i++) {
		snprintf(ids[i], sizeof(ids[i]), "cap-%u", i);
		k[i] = key_of(ids[i]);
	}
	for (i = 0; i < 4; i++)
		CHECK((d[i] = dialog_create(t, &k[i])) != NULL);
	CHECK_INT(dialog_count(t), 4);
	CHECK(!dialog_create(t, &k[4]));
	CHECK_INT(dialog_count(t), 4);
	CHECK(!dialog_find(t, &k[4]));

	unit_case("capacity: a freed entry is used again");
	if (d[2])
		dialog_destroy(t, d[2]);
	CHECK_INT(dialog_count(t), 3);
	d[4] = dialog_create(t, &k[4]);
	CHECK(d[4] != NULL);
	CHECK(dialog_find(t, &k[4]) == d[4]);
	CHECK(!dialog_find(t, &k[2]));
	for (i = 0; i < 5; i++)
		if (i != 2)
			CHECK_MSG(dialog_find(t, &k[i]) == d[i], "cap-%u lost", i);
	dialog_table_free(t);
}

/*
 * Keys with one hash (one bucket, one chain): told apart by length and
 * by the stored bytes.  Unlinking from the head, middle and tail of the
 * chain keeps the rest findable.
 */
static void test_collisions(void)
{
	static const struct dialog_key same[] = {
		{ 42, 3, "abc" },
		{ 42, 4, "abcd" },	/* same prefix, longer */
		{ 42, 3, "abd" },	/* same length, other bytes */
		{ 42, 2, "ab" },
	};
	static const unsigned int order[][4] = {
		{ 0, 1, 2, 3 }, { 3, 2, 1, 0 }, { 1, 3, 0, 2 }, { 2, 0, 3, 1 },
	};
	struct dialog *d[ARRAY_SIZE(same)];
	unsigned int o, i, j;

	for (o = 0; o < ARRAY_SIZE(order); o++) {
		struct dialog_table *t = dialog_table_new(16);

		unit_case("collisions: one hash, destroy order %u%u%u%u",
			  order[o][0], order[o][1], order[o][2], order[o][3]);
		if (!CHECK(t))
			return;
		for (i = 0; i < ARRAY_SIZE(same); i++)
			d[i] = dialog_create(t, &same[i]);
		for (i = 0; i < ARRAY_SIZE(same); i++)
			CHECK_MSG(d[i] && dialog_find(t, &same[i]) == d[i],
				  "key %u not found as itself", i);
		for (i = 0; i < ARRAY_SIZE(same); i++) {
			unsigned int gone = order[o][i];

			dialog_destroy(t, d[gone]);
			d[gone] = NULL;
			for (j = 0; j < ARRAY_SIZE(same); j++)
				CHECK_MSG(dialog_find(t, &same[j]) == d[j],
					  "after destroying %u: key %u is %s",
					  gone, j, d[j] ? "lost" : "still found");
		}
		CHECK_INT(dialog_count(t), 0);
		dialog_table_free(t);
	}
}

/* Call-IDs beyond DIALOG_CALL_ID_KEEP bytes: the stored prefix is the
 * same, the length or the hash of the whole tells them apart. */
static void test_long_call_ids(void)
{
	static char a[200], b[200], c[200];
	struct dialog_key ka, kb, kc, k96, k97;
	struct dialog *da, *db, *d96, *d97;
	struct dialog_table *t = dialog_table_new(16);

	unit_case("Call-IDs differing only after the kept bytes");
	if (!CHECK(t))
		return;
	memset(a, 'q', sizeof(a));
	memcpy(b, a, sizeof(b));
	memcpy(c, a, sizeof(c));
	b[150] = 'r';
	c[DIALOG_CALL_ID_KEEP + 1] = 'r';
	CHECK_INT(dialog_key_of(span_make(a, 160), &ka), 0);
	CHECK_INT(dialog_key_of(span_make(b, 160), &kb), 0);
	CHECK_INT(dialog_key_of(span_make(c, 160), &kc), 0);
	da = dialog_create(t, &ka);
	db = dialog_create(t, &kb);
	if (!CHECK(da && db))
		goto out;
	CHECK(da != db);
	CHECK(dialog_find(t, &ka) == da);
	CHECK(dialog_find(t, &kb) == db);
	CHECK(!dialog_find(t, &kc));
	CHECK_INT(da->call_id_len, 160);

	unit_case("Call-IDs of DIALOG_CALL_ID_KEEP and one more bytes, one prefix");
	CHECK_INT(dialog_key_of(span_make(a, DIALOG_CALL_ID_KEEP), &k96), 0);
	CHECK_INT(dialog_key_of(span_make(a, DIALOG_CALL_ID_KEEP + 1), &k97), 0);
	d96 = dialog_create(t, &k96);
	d97 = dialog_create(t, &k97);
	CHECK(d96 && d97 && d96 != d97);
	CHECK(dialog_find(t, &k96) == d96);
	CHECK(dialog_find(t, &k97) == d97);
	CHECK_INT(dialog_count(t), 4);
out:
	dialog_table_free(t);
}

static void test_next(void)
{
	static char ids[10][16];
	struct dialog_key k[10];
	struct dialog *d[10], *it;
	struct dialog_table *t = dialog_table_new(10);
	unsigned int i, cursor, seen[10] = { 0 }, n;

	unit_case("dialog_next: every entry once, none freed");
	if (!CHECK(t))
		return;
	cursor = 0;
	CHECK(!dialog_next(t, &cursor));
	for (i = 0; i < 10; i++) {
		snprintf(ids[i], sizeof(ids[i]), "next-%u", i);
		k[i] = key_of(ids[i]);
		d[i] = dialog_create(t, &k[i]);
		CHECK(d[i]);
	}
	for (i = 0; i < 10; i += 3)
		dialog_destroy(t, d[i]);	/* 0, 3, 6, 9 */
	cursor = n = 0;
	while ((it = dialog_next(t, &cursor)) && n < 100) {
		n++;
		for (i = 0; i < 10; i++)
			if (it == d[i])
				seen[i]++;
	}
	CHECK_INT(n, 6);
	for (i = 0; i < 10; i++)
		CHECK_MSG(seen[i] == (i % 3 ? 1u : 0u), "next-%u seen %u times",
			  i, seen[i]);
	/* the cursor stays at the end */
	CHECK(!dialog_next(t, &cursor));
	dialog_table_free(t);
}

static void test_tag(void)
{
	static char id[150];
	struct dialog_table *t = dialog_table_new(2);
	struct pinhole_tag tag;
	struct dialog_key k;
	struct dialog *d;

	unit_case("dialog_tag: short and long Call-IDs");
	if (!CHECK(t))
		return;
	k = key_of("short@x");
	d = dialog_create(t, &k);
	if (CHECK(d)) {
		memset(&tag, 0x55, sizeof(tag));
		dialog_tag(d, &tag);
		CHECK_INT(tag.call_id_len, 7);
		CHECK_INT(tag.call_id_full_len, 7);
		CHECK(tag.call_id_hash == k.hash);
		CHECK(!memcmp(tag.call_id, "short@x", 7));
		CHECK_INT(tag.call_id[7], 0);
		CHECK_INT(tag.stream, 0);
	}
	memset(id, 'w', sizeof(id));
	CHECK_INT(dialog_key_of(span_make(id, sizeof(id)), &k), 0);
	d = dialog_create(t, &k);
	if (CHECK(d)) {
		dialog_tag(d, &tag);
		CHECK_INT(tag.call_id_len, DIALOG_CALL_ID_KEEP);
		CHECK_INT(tag.call_id_full_len, sizeof(id));
		CHECK(tag.call_id_hash == dialog_hash(span_make(id, sizeof(id))));
		CHECK(!memcmp(tag.call_id, id, DIALOG_CALL_ID_KEEP));
		CHECK_INT(tag.call_id[DIALOG_CALL_ID_KEEP], 0);
	}
	dialog_table_free(t);
}

/* ---- media_desc_from_sdp ------------------------------------------------- */

static void addr_str(uint8_t family, const uint8_t *a, char *out, size_t len)
{
	if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, out, (socklen_t)len))
		snprintf(out, len, "?");
}

static void ml_str(const struct media_line *ml, char *out, size_t len)
{
	char a[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];
	const char *flags = ml->receives && ml->sends ? "rx tx" :
			    ml->receives ? "rx" : ml->sends ? "tx" : "-";

	if (!ml->family) {
		snprintf(out, len, "off");
		return;
	}
	addr_str(ml->family, ml->addr, a, sizeof(a));
	/* a=rtcp-mux: RTCP shares the RTP port if the other side agrees */
	if (ml->mux) {
		snprintf(out, len, "%s %u mux %s", a, ml->rtp_port, flags);
		return;
	}
	addr_str(ml->family, ml->rtcp_addr, r, sizeof(r));
	snprintf(out, len, "%s %u rtcp %s %u %s", a, ml->rtp_port, r,
		 ml->rtcp_port, flags);
}

static int parse_sdp(const char *body, struct sdp *sdp)
{
	struct sip_diag diag = { 0 };

	return sdp_parse(span_make(body, strlen(body)), sdp, &diag);
}

/**
 * struct desc_case - an SDP body and what media_desc_from_sdp() makes of
 * it: the return, the line count and each line (see ml_str()).
 */
struct desc_case {
	const char	*name;
	const char	*sdp;
	int		rc;
	unsigned int	n;
	const char	*m[DIALOG_MAX_STREAMS];
};

#define A_RTP		A_IP " 4000 rtcp " A_IP " 4001"

static const struct desc_case desc_cases[] = {
	{ "one audio stream", SDP_A, 0, 1, { A_RTP " rx tx" } },
	{ "rtcp-mux", SDP4(A_IP, AUDIO("4000") ATTR("rtcp-mux")), 0, 1,
	  { A_IP " 4000 mux rx tx" } },
	{ "rtcp-mux wins over a=rtcp",
	  SDP4(A_IP, AUDIO("4000") ATTR("rtcp:4999") ATTR("rtcp-mux")), 0, 1,
	  { A_IP " 4000 mux rx tx" } },
	{ "a=rtcp port", SDP4(A_IP, AUDIO("4000") ATTR("rtcp:4999")), 0, 1,
	  { A_IP " 4000 rtcp " A_IP " 4999 rx tx" } },
	{ "a=rtcp port and address",
	  SDP4(A_IP, AUDIO("4000") ATTR("rtcp:4999 IN IP4 192.0.2.99")), 0, 1,
	  { A_IP " 4000 rtcp 192.0.2.99 4999 rx tx" } },
	/* observed: an a=rtcp address of the other family falls back to c= */
	{ "a=rtcp IP6 address on an IP4 stream",
	  SDP4(A_IP, AUDIO("4000") ATTR("rtcp:4999 IN IP6 2001:db8::99")), 0, 1,
	  { A_IP " 4000 rtcp " A_IP " 4999 rx tx" } },
	{ "sendonly", SDP4(A_IP, AUDIO("4000") ATTR("sendonly")), 0, 1,
	  { A_RTP " tx" } },
	{ "recvonly", SDP4(A_IP, AUDIO("4000") ATTR("recvonly")), 0, 1,
	  { A_RTP " rx" } },
	{ "inactive", SDP4(A_IP, AUDIO("4000") ATTR("inactive")), 0, 1,
	  { A_RTP " -" } },
	{ "session-level sendonly", SDP4(A_IP, ATTR("sendonly") AUDIO("4000")),
	  0, 1, { A_RTP " tx" } },
	{ "media-level direction wins",
	  SDP4(A_IP, ATTR("sendonly") AUDIO("4000") ATTR("sendrecv")), 0, 1,
	  { A_RTP " rx tx" } },
	/* RFC 2543 hold: receives nothing, whatever the direction says */
	{ "c=0.0.0.0", SDP4("0.0.0.0", AUDIO("4000")), 0, 1,
	  { "0.0.0.0 4000 rtcp 0.0.0.0 4001 tx" } },
	{ "c=0.0.0.0 and recvonly",
	  SDP4("0.0.0.0", AUDIO("4000") ATTR("recvonly")), 0, 1,
	  { "0.0.0.0 4000 rtcp 0.0.0.0 4001 -" } },
	{ "port 0", SDP4(A_IP, AUDIO("0")), 0, 1, { "off" } },
	{ "port 0 keeps its index",
	  SDP4(A_IP, AUDIO("0") VIDEO("4002")), 0, 2,
	  { "off", A_IP " 4002 rtcp " A_IP " 4003 rx tx" } },
	{ "media-level c= wins",
	  SDP4(A_IP, AUDIO("4000") "c=IN IP4 192.0.2.77" CRLF), 0, 1,
	  { "192.0.2.77 4000 rtcp 192.0.2.77 4001 rx tx" } },
	{ "IPv6", SDP6(A_IP6, AUDIO("4000")), 0, 1,
	  { A_IP6 " 4000 rtcp " A_IP6 " 4001 rx tx" } },
	/* observed: a port count opens the first port only */
	{ "port count", SDP4(A_IP, AUDIO("4000/2")), 0, 1, { A_RTP " rx tx" } },
	{ "DIALOG_MAX_STREAMS streams",
	  SDP4(A_IP, AUDIO("4000") VIDEO("4002") AUDIO("4004") VIDEO("4006")),
	  0, 4, { A_RTP " rx tx", A_IP " 4002 rtcp " A_IP " 4003 rx tx",
		  A_IP " 4004 rtcp " A_IP " 4005 rx tx",
		  A_IP " 4006 rtcp " A_IP " 4007 rx tx" } },
	{ "one stream more",
	  SDP4(A_IP, AUDIO("4000") VIDEO("4002") AUDIO("4004") VIDEO("4006")
	       AUDIO("4008")), -1, 0, { NULL } },
	/*
	 * BUG: dialog.h promises -1 only for more *enabled* streams than
	 * DIALOG_MAX_STREAMS; a disabled fifth m= line (RFC 3264 8.2: a
	 * removed stream stays as port 0 in every later offer) is refused.
	 */
	{ "four streams and a disabled fifth",
	  SDP4(A_IP, AUDIO("4000") VIDEO("4002") AUDIO("4004") VIDEO("4006")
	       AUDIO("0")),
	  0, 4, { A_RTP " rx tx", A_IP " 4002 rtcp " A_IP " 4003 rx tx",
		  A_IP " 4004 rtcp " A_IP " 4005 rx tx",
		  A_IP " 4006 rtcp " A_IP " 4007 rx tx" } },
};

static void run_desc_case(const struct desc_case *c)
{
	static struct sdp sdp;
	struct media_desc desc;
	char got[128];
	unsigned int i;
	int rc;

	unit_case("media_desc_from_sdp: %s", c->name);
	if (!CHECK_MSG(parse_sdp(c->sdp, &sdp) == 0, "sdp_parse failed"))
		return;
	memset(&desc, 0xa5, sizeof(desc));
	rc = media_desc_from_sdp(&sdp, &desc);
	CHECK_INT(rc, c->rc);
	if (rc)
		return;
	CHECK_INT(desc.n, c->n);
	for (i = 0; i < c->n && i < DIALOG_MAX_STREAMS; i++) {
		ml_str(&desc.m[i], got, sizeof(got));
		CHECK_MSG(c->m[i] && !strcmp(got, c->m[i]),
			  "m[%u] is \"%s\", want \"%s\"", i, got,
			  c->m[i] ? c->m[i] : "(none)");
	}
	/* what lies past n is zero: nothing stale leaks into pinholes */
	for (; i < DIALOG_MAX_STREAMS; i++)
		CHECK_MSG(!desc.m[i].family && !desc.m[i].rtp_port,
			  "m[%u] past n is not empty", i);
}

/* ---- dialog_pinholes ------------------------------------------------------ */

/* A dialog whose active session is @offer (from A) answered by @answer. */
static struct dialog *session(struct dialog_table *t, const char *call_id,
			      const char *offer, const char *answer)
{
	static struct sdp sdp;
	struct dialog_key k = key_of(call_id);
	struct dialog *d = dialog_find(t, &k);
	struct media_desc act[2];

	if (!d)
		d = dialog_create(t, &k);
	if (!d)
		return NULL;
	if (parse_sdp(offer, &sdp) || media_desc_from_sdp(&sdp, &act[0]) ||
	    parse_sdp(answer, &sdp) || media_desc_from_sdp(&sdp, &act[1]) ||
	    dialog_set_session(t, d, act))
		return NULL;
	d->active_offerer = DIALOG_CALLER;
	d->has_active = true;
	return d;
}

static const char *const dir_names[] = {
	"sendrecv", "sendonly", "recvonly", "inactive",
};

/**
 * struct dir_case - offer direction x answer direction, and who may
 * receive (RFC 3264 6.1: a side receives when it says so and the other
 * side sends).
 */
struct dir_case {
	unsigned int	offer, answer;	/* index into dir_names */
	bool		a_rx, b_rx;
};

enum { SR, SO, RO, IN };

static const struct dir_case dir_cases[] = {
	{ SR, SR, true,  true  },
	{ SR, SO, true,  false },
	{ SR, RO, false, true  },
	{ SR, IN, false, false },
	/* answers that do not mirror the offer are taken as they are */
	{ SO, SR, false, true  },
	{ SO, SO, false, false },
	{ SO, RO, false, true  },
	{ SO, IN, false, false },
	{ RO, SR, true,  false },
	{ RO, SO, true,  false },
	{ RO, RO, false, false },
	{ RO, IN, false, false },
	{ IN, SR, false, false },
	{ IN, SO, false, false },
	{ IN, RO, false, false },
	{ IN, IN, false, false },
};

static void run_dir_case(const struct dir_case *c)
{
	static char offer[512], answer[512];
	struct pinhole out[DIALOG_MAX_PINHOLES];
	struct dialog_table *t = dialog_table_new(1);
	unsigned int n, i, to_a = 0, to_b = 0;
	uint8_t a4[4], b4[4];
	struct dialog *d;

	unit_case("dialog_pinholes: offer %s, answer %s", dir_names[c->offer],
		  dir_names[c->answer]);
	if (!CHECK(t))
		return;
	snprintf(offer, sizeof(offer), "%sa=%s" CRLF, SDP_A,
		 dir_names[c->offer]);
	snprintf(answer, sizeof(answer), "%sa=%s" CRLF, SDP_B,
		 dir_names[c->answer]);
	d = session(t, "dir@x", offer, answer);
	if (!CHECK(d))
		goto out;
	inet_pton(AF_INET, A_IP, a4);
	inet_pton(AF_INET, B_IP, b4);
	n = dialog_pinholes(d, PINHOLE_MATCH_DST_PEER, 1000, out);
	CHECK_INT(n, 2 * (c->a_rx + c->b_rx));
	for (i = 0; i < n && i < DIALOG_MAX_PINHOLES; i++) {
		bool at_a = !memcmp(out[i].daddr, a4, 4);

		if (at_a)
			to_a++;
		else
			to_b++;
		/* side 0 is the offerer, A */
		CHECK_INT(out[i].tag.side, at_a ? 0 : 1);
		CHECK(out[i].has_peer);
		CHECK(!memcmp(out[i].saddr, at_a ? b4 : a4, 4));
	}
	CHECK_INT(to_a, c->a_rx ? 2 : 0);
	CHECK_INT(to_b, c->b_rx ? 2 : 0);
out:
	dialog_table_free(t);
}

static void test_pinholes_misc(void)
{
	static struct pinhole out[DIALOG_MAX_PINHOLES + 1];
	struct dialog_table *t = dialog_table_new(8);
	struct dialog *d;
	unsigned int n, i;
	bool seen[DIALOG_MAX_STREAMS][2][2];

	if (!t) {
		CHECK_MSG(0, "dialog_table_new");
		return;
	}

	unit_case("dialog_pinholes: no active session, none");
	{
		struct dialog_key k = key_of("none@x");

		d = dialog_create(t, &k);
		CHECK(d && dialog_pinholes(d, PINHOLE_MATCH_DST, 0, out) == 0);
	}

	unit_case("dialog_pinholes: destination match has no peer");
	d = session(t, "dst@x", SDP_A, SDP_B);
	if (CHECK(d)) {
		n = dialog_pinholes(d, PINHOLE_MATCH_DST, 30000, out);
		CHECK_INT(n, 4);
		for (i = 0; i < n; i++) {
			CHECK(!out[i].has_peer);
			CHECK_INT(out[i].timeout_ms, 30000);
			CHECK_INT(out[i].family, 4);
			CHECK_INT(out[i].tag.call_id_len, 5);
			CHECK(!memcmp(out[i].tag.call_id, "dst@x", 5));
		}
	}

	unit_case("dialog_pinholes: DIALOG_MAX_PINHOLES, each tag once");
	d = session(t, "max@x",
		    SDP4(A_IP, AUDIO("4000") AUDIO("4010") AUDIO("4020") AUDIO("4030")),
		    SDP4(B_IP, AUDIO("5000") AUDIO("5010") AUDIO("5020") AUDIO("5030")));
	if (CHECK(d)) {
		memset(seen, 0, sizeof(seen));
		memset(&out[DIALOG_MAX_PINHOLES], 0x5a, sizeof(out[0]));
		n = dialog_pinholes(d, PINHOLE_MATCH_DST_PEER, 0, out);
		CHECK_INT(n, DIALOG_MAX_PINHOLES);
		for (i = 0; i < n; i++) {
			const struct pinhole_tag *tg = &out[i].tag;
			unsigned int base = tg->side ? 5000 : 4000;

			if (!CHECK(tg->stream < DIALOG_MAX_STREAMS && tg->side < 2))
				continue;
			CHECK_MSG(!seen[tg->stream][tg->side][tg->rtcp],
				  "stream %u side %u rtcp %u twice", tg->stream,
				  tg->side, tg->rtcp);
			seen[tg->stream][tg->side][tg->rtcp] = true;
			CHECK_INT(out[i].dport, base + 10 * tg->stream + tg->rtcp);
		}
		CHECK_INT(out[DIALOG_MAX_PINHOLES].family, 0x5a);
	}

	unit_case("dialog_pinholes: answer with fewer m= lines");
	d = session(t, "fewer@x", SDP4(A_IP, AUDIO("4000") VIDEO("4002")), SDP_B);
	CHECK(d && dialog_pinholes(d, PINHOLE_MATCH_DST, 0, out) == 4);

	/*
	 * BUG: one port in two roles (audio RTCP = video RTP, 4001) gives
	 * two pinholes with one key: the backend gets the element twice, and
	 * the engine counts and later deletes it twice.
	 */
	unit_case("dialog_pinholes: no two pinholes with one key");
	d = session(t, "dup@x", SDP4(A_IP, AUDIO("4000") VIDEO("4001")),
		    SDP4(B_IP, AUDIO("5000") VIDEO("5002")));
	if (CHECK(d)) {
		unsigned int j;

		n = dialog_pinholes(d, PINHOLE_MATCH_DST_PEER, 0, out);
		CHECK_INT(n, 7);
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++)
				CHECK_MSG(!pinhole_same_key(&out[i], &out[j]),
					  "pinholes %u and %u: one key (port %u)",
					  i, j, out[i].dport);
	}
	dialog_table_free(t);
}

/* ---- pinhole keys ----------------------------------------------------------- */

static void test_pinhole_keys(void)
{
	struct pinhole a = { .family = 4, .dport = 4000, .has_peer = true };
	struct pinhole b;
	char txt[256];

	unit_case("pinhole_same_key: the key is family, destination, peer");
	inet_pton(AF_INET, A_IP, a.daddr);
	inet_pton(AF_INET, B_IP, a.saddr);
	b = a;
	/* not the key: the owner, the timeout, unused address bytes */
	b.timeout_ms = 1234;
	b.tag.stream = 3;
	b.tag.side = 1;
	b.daddr[10] = 0xff;
	b.saddr[10] = 0xff;
	CHECK(pinhole_same_key(&a, &b));
	b = a;
	b.dport = 4001;
	CHECK(!pinhole_same_key(&a, &b));
	b = a;
	b.saddr[3] ^= 1;
	CHECK(!pinhole_same_key(&a, &b));
	b = a;
	b.has_peer = false;
	CHECK(!pinhole_same_key(&a, &b));
	a.has_peer = false;
	b.saddr[3] ^= 1;
	CHECK(pinhole_same_key(&a, &b));
	b = a;
	b.family = 6;
	CHECK(!pinhole_same_key(&a, &b));

	unit_case("pinhole_format");
	a.has_peer = true;
	memcpy(a.tag.call_id, "abc@x", 5);
	a.tag.call_id_len = 5;
	CHECK_STR(pinhole_format(&a, txt, sizeof(txt)),
		  "udp " A_IP " 4000 from " B_IP " call abc@x");
	a.has_peer = false;
	CHECK_STR(pinhole_format(&a, txt, sizeof(txt)),
		  "udp " A_IP " 4000 call abc@x");
	memset(&a, 0, sizeof(a));
	a.family = 6;
	a.dport = 5;
	inet_pton(AF_INET6, A_IP6, a.daddr);
	CHECK_STR(pinhole_format(&a, txt, sizeof(txt)),
		  "udp " A_IP6 " 5 call ");
	CHECK_STR(pinhole_format(&a, txt, 8), "udp 200");
}

/* ---- session and offer storage ---------------------------------------------- */

/**
 * struct store_case - a session (@offer answered by @answer) stored with
 * dialog_set_session(): read back it must be the same bytes, and it takes
 * the compact form (in the call) when @compact, else a session pool entry.
 */
struct store_case {
	const char	*name;
	const char	*offer;
	const char	*answer;
	bool		compact;
};

static const struct store_case store_cases[] = {
	{ "one stream each", SDP_A, SDP_B, true },
	{ "rtcp-mux", SDP4(A_IP, AUDIO("4000") ATTR("rtcp-mux")),
	  SDP4(B_IP, AUDIO("5000") ATTR("rtcp-mux")), true },
	{ "a=rtcp port", SDP4(A_IP, AUDIO("4000") ATTR("rtcp:4999")), SDP_B,
	  true },
	{ "IPv6", SDP6(A_IP6, AUDIO("4000")), SDP6(B_IP6, AUDIO("5000")), true },
	{ "on hold", SDP4("0.0.0.0", AUDIO("4000")),
	  SDP4(B_IP, AUDIO("5000") ATTR("inactive")), true },
	{ "stream disabled", SDP4(A_IP, AUDIO("0")), SDP4(B_IP, AUDIO("0")),
	  true },
	{ "a=rtcp address of its own (answer)", SDP_A,
	  SDP4(B_IP, AUDIO("5000") ATTR("rtcp:5999 IN IP4 198.51.100.21")),
	  false },
	{ "a=rtcp address of its own (offer)",
	  SDP4(A_IP, AUDIO("4000") ATTR("rtcp:4999 IN IP4 192.0.2.99")), SDP_B,
	  false },
	{ "two streams", SDP4(A_IP, AUDIO("4000") VIDEO("4002")),
	  SDP4(B_IP, AUDIO("5000") VIDEO("5002")), false },
	{ "second stream disabled", SDP4(A_IP, AUDIO("4000") VIDEO("0")),
	  SDP4(B_IP, AUDIO("5000") VIDEO("0")), false },
	{ "DIALOG_MAX_STREAMS streams",
	  SDP4(A_IP, AUDIO("4000") VIDEO("4002") AUDIO("4004") VIDEO("4006")),
	  SDP6(B_IP6, AUDIO("5000") VIDEO("5002") AUDIO("5004") VIDEO("5006")),
	  false },
};

static void run_store_case(const struct store_case *c)
{
	static struct sdp sdp;
	struct media_desc act[2], got[2];
	struct dialog_table *t = dialog_table_new(1);
	struct dialog_key k = key_of("store@x");
	struct dialog *d;

	unit_case("dialog_set_session: %s", c->name);
	if (!CHECK(t))
		return;
	d = dialog_create(t, &k);
	if (!CHECK(d) ||
	    !CHECK(parse_sdp(c->offer, &sdp) == 0 &&
		   media_desc_from_sdp(&sdp, &act[0]) == 0 &&
		   parse_sdp(c->answer, &sdp) == 0 &&
		   media_desc_from_sdp(&sdp, &act[1]) == 0))
		goto out;
	CHECK_INT(dialog_set_session(t, d, act), 0);
	CHECK_MSG(!d->act_full == c->compact, "%s form",
		  d->act_full ? "pool" : "compact");
	memset(got, 0x5a, sizeof(got));
	dialog_session(d, got);
	CHECK_MSG(!memcmp(got, act, sizeof(act)), "read back differs");
	/* and again over whatever form it had: one call, one pool entry */
	CHECK_INT(dialog_set_session(t, d, act), 0);
	dialog_session(d, got);
	CHECK(!memcmp(got, act, sizeof(act)));
	/* the empty session is compact and gives any pool entry back */
	memset(got, 0, sizeof(got));
	CHECK_INT(dialog_set_session(t, d, got), 0);
	CHECK(!d->act_full);
	dialog_session(d, act);
	CHECK(!memcmp(got, act, sizeof(act)));
out:
	dialog_table_free(t);
}

/*
 * Every call holds at most one pending offer and one pooled session; the
 * pools have an entry per call, so storing never fails, and what a call
 * held goes back with it.
 */
static void test_store_pools(void)
{
	static struct sdp sdp;
	static char ids[4][16];
	struct media_desc full[2], offer;
	struct dialog_table *t = dialog_table_new(3);
	struct dialog *d[4] = { NULL };
	struct dialog_key k[4];
	unsigned int i, round;

	unit_case("offer and session pools: one entry per call, reused");
	if (!CHECK(t))
		return;
	if (!CHECK(parse_sdp(SDP4(A_IP, AUDIO("4000") VIDEO("4002")), &sdp) == 0 &&
		   media_desc_from_sdp(&sdp, &full[0]) == 0 &&
		   parse_sdp(SDP_B, &sdp) == 0 &&
		   media_desc_from_sdp(&sdp, &full[1]) == 0))
		goto out;
	offer = full[0];
	for (i = 0; i < 4; i++) {
		snprintf(ids[i], sizeof(ids[i]), "pool%u@x", i);
		k[i] = key_of(ids[i]);
	}
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 3; i++) {
			d[i] = dialog_create(t, &k[i]);
			if (!CHECK(d[i]))
				goto out;
			CHECK_INT(dialog_set_offer(t, d[i], DIALOG_CALLEE,
						   &offer), 0);
			/* a new offer replaces the pending one in place */
			CHECK_INT(dialog_set_offer(t, d[i], DIALOG_CALLER,
						   &full[1]), 0);
			CHECK_INT(d[i]->offer_side, DIALOG_CALLER);
			CHECK(!memcmp(d[i]->offer, &full[1], sizeof(full[1])));
			CHECK_INT(dialog_set_session(t, d[i], full), 0);
			CHECK(d[i]->act_full != NULL);
		}
		CHECK(!dialog_create(t, &k[3]));
		/* dropped and destroyed: the entries come back */
		dialog_drop_offer(t, d[0]);
		CHECK(!d[0]->offer);
		dialog_drop_offer(t, d[0]);
		for (i = 0; i < 3; i++)
			dialog_destroy(t, d[i]);
		CHECK_INT(dialog_count(t), 0);
	}
out:
	dialog_table_free(t);
}

/* ---- memory -------------------------------------------------------------- */

#define MEM_CALLS	100000u
#define MEM_BUDGET	(64ull << 20)

/*
 * 100k concurrent calls fit in well under 64 MB.  The pool and the
 * buckets are the table's memory (n_buckets as dialog_table_new() sizes
 * it: a power of two >= max, at least 64); pending offers and sessions
 * beyond the compact form come from side pools touched only while used.
 */
static void test_memory(void)
{
	static char id[32];
	struct dialog_table *t;
	struct dialog_key k;
	unsigned long long buckets = 64, bytes;
	unsigned int i, made = 0;

	unit_case("memory: %u calls", MEM_CALLS);
	t = dialog_table_new(MEM_CALLS);
	if (!CHECK(t))
		return;
	for (i = 0; i < MEM_CALLS; i++) {
		int n = snprintf(id, sizeof(id), "%08x-mem@voipfw", i * 2654435761u);

		if (dialog_key_of(span_make(id, (size_t)n), &k) == 0 &&
		    dialog_create(t, &k))
			made++;
	}
	CHECK_INT(made, MEM_CALLS);
	CHECK_INT(dialog_count(t), MEM_CALLS);
	CHECK(!dialog_create(t, &k));
	/* the last one is still there */
	CHECK(dialog_find(t, &k) != NULL);
	while (buckets < MEM_CALLS)
		buckets <<= 1;
	bytes = (unsigned long long)sizeof(struct dialog) * MEM_CALLS +
		buckets * sizeof(uint32_t);
	printf("dialog table for %u calls: sizeof(struct dialog) %zu, "
	       "%llu bytes = %.2f MiB (budget 64 MiB)\n", MEM_CALLS,
	       sizeof(struct dialog), bytes, bytes / 1048576.0);
	CHECK_MSG(bytes < MEM_BUDGET, "%llu bytes, want < %llu", bytes,
		  MEM_BUDGET);
	dialog_table_free(t);
}

int main(void)
{
	size_t i;

	test_keys();
	test_table_new();
	test_create_find_destroy();
	test_capacity();
	test_collisions();
	test_long_call_ids();
	test_next();
	test_tag();
	for (i = 0; i < ARRAY_SIZE(desc_cases); i++)
		run_desc_case(&desc_cases[i]);
	for (i = 0; i < ARRAY_SIZE(dir_cases); i++)
		run_dir_case(&dir_cases[i]);
	for (i = 0; i < ARRAY_SIZE(store_cases); i++)
		run_store_case(&store_cases[i]);
	test_store_pools();
	test_pinholes_misc();
	test_pinhole_keys();
	test_memory();
	return unit_summary("dialog");
}
