// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_engine_guard.c - the engine with a zone's SIP policy (a guard):
 * a request the guard refuses is dropped with reason "guard" (the text
 * says which: rate-limit, scanner...), its ban goes to the backend's ban
 * op with the commit (group commit: with the batch), answers ban the
 * requester (their destination), sources in no zone are left alone, and
 * the counters add up.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "engine/engine.h"
#include "sip/sip_rewrite.h"

struct rec {
	bool		fail;	/* commits fail */
	unsigned int	bans, committed_bans, pending_bans, commits;
	uint8_t		family, addr[16];
	uint32_t	ms;
	char		why[32];
};

static int r_add(void *ctx, const struct pinhole *ph)
{
	(void)ctx;
	(void)ph;
	return 0;
}

static int r_commit(void *ctx)
{
	struct rec *r = ctx;

	if (r->fail) {
		r->pending_bans = 0;	/* nothing of the batch is live */
		return -1;
	}
	r->commits++;
	r->committed_bans += r->pending_bans;
	r->pending_bans = 0;
	return 0;
}

static int r_ban(void *ctx, uint8_t family, const uint8_t *addr, uint32_t ms,
		 const char *why)
{
	struct rec *r = ctx;

	snprintf(r->why, sizeof(r->why), "%s", why ? why : "");
	r->bans++;
	r->pending_bans++;
	r->family = family;
	memcpy(r->addr, addr, 16);
	r->ms = ms;
	return 0;
}

static const struct pinhole_backend_ops ops = {
	.add = r_add, .del = r_add, .commit = r_commit, .ban = r_ban,
};

static unsigned int no_ifindex(const char *name)
{
	(void)name;
	return 0;
}

static const char conf[] =
	"zone out { subnet 198.51.100.0/24; sip { rate invite 1/s burst 2; "
	"flood 3 per 10s; brute-force 3 per 1m; ban 5m } }\n"
	"zone pbx { subnet 10.0.0.0/24 }\n";

static char buf[2048];

static size_t request(const char *method, unsigned int n, bool auth)
{
	snprintf(buf, sizeof(buf),
		 "%s sip:100@10.0.0.1 SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK%u\r\n"
		 "Max-Forwards: 70\r\n"
		 "From: <sip:x@198.51.100.7>;tag=%u\r\n"
		 "To: <sip:100@10.0.0.1>\r\n"
		 "Call-ID: g%u@x\r\n"
		 "CSeq: 1 %s\r\n%s"
		 "Content-Length: 0\r\n\r\n",
		 method, n, n, n, method,
		 auth ? "Authorization: Digest username=\"100\", realm=\"r\", "
			"nonce=\"n\", uri=\"sip:x\", response=\"0\"\r\n" : "");
	return strlen(buf);
}

static size_t answer(unsigned int status, const char *method, unsigned int n)
{
	snprintf(buf, sizeof(buf),
		 "SIP/2.0 %u X\r\n"
		 "Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK%u\r\n"
		 "From: <sip:x@198.51.100.7>;tag=%u\r\n"
		 "To: <sip:100@10.0.0.1>;tag=t\r\n"
		 "Call-ID: g%u@x\r\n"
		 "CSeq: 1 %s\r\n"
		 "Content-Length: 0\r\n\r\n", status, n, n, n, method);
	return strlen(buf);
}

static struct pkt_meta meta(const char *src, const char *dst)
{
	struct pkt_meta m = { .family = 4, .proto = IPPROTO_UDP,
			      .sport = 5060, .dport = 5060 };

	inet_pton(AF_INET, src, m.saddr);
	inet_pton(AF_INET, dst, m.daddr);
	return m;
}

/*
 * An engine with a guard of conf[] on the recorder @r (committing each
 * batch with @group); false (checked) if either cannot be made.
 */
static bool setup(bool group, struct rec *r, struct guard **g,
		  struct engine **e)
{
	struct policy_error perr;
	struct policy *pol = policy_parse(conf, strlen(conf), "t.conf", &perr);
	struct pinhole_backend be = { .ops = &ops };	/* copied */
	struct siphash_key key = { 1, 2 };
	struct engine_config cfg;
	char err[128];

	*g = NULL;
	*e = NULL;
	if (!CHECK_MSG(pol, "%s", perr.text))
		return false;
	*g = guard_new(pol, NULL, no_ifindex, NULL, &key, err, sizeof(err));
	policy_free(pol);
	engine_config_defaults(&cfg);
	cfg.group_commit = group;
	be.ctx = r;
	*e = engine_new(&cfg, &be, NULL, NULL);
	if (!CHECK(*g && *e)) {
		engine_free(*e);
		guard_free(*g);
		return false;
	}
	engine_set_guard(*e, *g);
	return true;
}

static void run(bool group)
{
	struct pkt_meta att = meta("198.51.100.7", "10.0.0.1");
	struct pkt_meta back = meta("10.0.0.1", "198.51.100.7");
	struct pkt_meta stray = meta("203.0.113.9", "10.0.0.1");
	struct engine_verdict v;
	struct engine_stats st;
	struct rec r = { 0 };
	struct guard *g;
	struct engine *e;
	unsigned int i, passed = 0, rate = 0;
	size_t len;

	unit_case("engine + guard (%s): setup", group ? "group commit" : "commit each");
	if (!setup(group, &r, &g, &e))
		return;

	unit_case("engine + guard (%s): the flood is dropped, then banned once",
		  group ? "group commit" : "commit each");
	for (i = 0; i < 8; i++) {
		len = request("OPTIONS", i, false);
		engine_message(e, &att, buf, len, 1000, &v);
		if (v.accept) {
			passed++;
		} else {
			CHECK_INT(v.reason, ENGINE_R_GUARD);
			CHECK_STR(engine_verdict_reason(&v), "rate-limit");
			rate++;
		}
	}
	/* OPTIONS: the default 2/s burst 10 of the zone; INVITEs next */
	CHECK_INT(passed, 8);
	for (i = 0, passed = 0; i < 8; i++) {
		len = request("INVITE", 100 + i, false);
		engine_message(e, &att, buf, len, 1000, &v);
		passed += v.accept;
		rate += !v.accept && v.reason == ENGINE_R_GUARD;
		if (v.guard.ban)
			CHECK_INT(i, 4);	/* 2 pass, the 3rd over-limit bans */
	}
	CHECK_INT(passed, 2);
	CHECK_INT(rate, 6);
	CHECK_INT(r.bans, 1);
	CHECK_INT(r.ms, 300000);
	CHECK_STR(r.why, "flood");	/* kept with the ban in the kernel */
	CHECK(!memcmp(r.addr, att.saddr, 4));
	if (group) {
		CHECK_INT(r.committed_bans, 0);	/* waits for the batch */
		CHECK_INT(engine_commit(e), 0);
	}
	CHECK_INT(r.committed_bans, 1);

	unit_case("engine + guard (%s): answers ban the requester",
		  group ? "group commit" : "commit each");
	memset(&r, 0, sizeof(r));
	for (i = 0; i < 3; i++) {
		len = request("REGISTER", 200 + i, true);
		/* from the PBX's zone side: a phone of another source */
		engine_message(e, &att, buf, len, 700000 + i * 1000, &v);
		CHECK(v.accept);
		len = answer(401, "REGISTER", 200 + i);
		engine_message(e, &back, buf, len, 700000 + i * 1000, &v);
		CHECK(v.accept);
	}
	engine_commit(e);
	CHECK_INT(r.bans, 1);
	CHECK(!memcmp(r.addr, back.daddr, 4));
	CHECK_INT(r.ms, 600000);		/* the second ban: doubled */
	CHECK_STR(r.why, "brute-force");

	unit_case("engine + guard (%s): a source in no zone is not judged",
		  group ? "group commit" : "commit each");
	for (i = 0, passed = 0; i < 20; i++) {
		len = request("INVITE", 300 + i, false);
		engine_message(e, &stray, buf, len, 800000, &v);
		passed += v.accept;
	}
	CHECK_INT(passed, 20);

	unit_case("engine + guard (%s): counters", group ? "group commit" : "commit each");
	engine_get_stats(e, &st);
	CHECK_INT(st.by_reason[ENGINE_R_GUARD], 6);
	CHECK_INT(st.by_guard_reason[GUARD_R_RATE_LIMIT], 6);
	CHECK_INT(st.bans[GUARD_BAN_FLOOD], 1);
	CHECK_INT(st.bans[GUARD_BAN_BRUTE_FORCE], 1);
	CHECK_INT(st.ban_failures, 0);

	unit_case("engine + guard (%s): no guard, no judging", group ? "group commit" : "commit each");
	engine_set_guard(e, NULL);
	for (i = 0, passed = 0; i < 20; i++) {
		len = request("INVITE", 400 + i, false);
		engine_message(e, &att, buf, len, 900000, &v);
		passed += v.accept;
	}
	CHECK_INT(passed, 20);
	engine_free(e);
	guard_free(g);
}

static const char norm_conf[] =
	"zone out { subnet 198.51.100.0/24; sip { strip-identity; "
	"trusted 198.51.100.5; hide-agent Edge/1 } }\n"
	"zone pbx { subnet 10.0.0.0/24; sip { strip-identity } }\n";

/* An OPTIONS with a PAI and a User-Agent from @n's own address block. */
static size_t identity_request(unsigned int n)
{
	snprintf(buf, sizeof(buf),
		 "OPTIONS sip:100@10.0.0.1 SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKn%u\r\n"
		 "Max-Forwards: 70\r\n"
		 "From: <sip:x@198.51.100.7>;tag=%u\r\n"
		 "To: <sip:100@10.0.0.1>\r\n"
		 "Call-ID: n%u@x\r\n"
		 "CSeq: 1 OPTIONS\r\n"
		 "P-Asserted-Identity: <sip:ceo@example.com>\r\n"
		 "User-Agent: Secret/9.9\r\n"
		 "Content-Length: 0\r\n\r\n", n, n, n);
	return strlen(buf);
}

static bool has(const char *p, size_t len, const char *what)
{
	return memmem(p, len, what, strlen(what)) != NULL;
}

static void test_normalize(void)
{
	struct policy_error perr;
	struct policy *pol = policy_parse(norm_conf, strlen(norm_conf), "n.conf",
					  &perr);
	struct siphash_key key = { 1, 2 };
	struct engine_config cfg;
	struct pinhole_backend be = { .ops = &ops };
	struct pkt_meta in = meta("198.51.100.7", "10.0.0.1");
	struct pkt_meta trusted = meta("198.51.100.5", "10.0.0.1");
	struct pkt_meta outward = meta("10.0.0.1", "198.51.100.7");
	struct pkt_meta tcp = in;
	struct engine_verdict v;
	struct engine_stats st;
	struct rec r = { 0 };
	struct guard *g;
	struct engine *e;
	char err[128];
	size_t len;

	unit_case("engine normalize: setup");
	if (!CHECK_MSG(pol, "%s", perr.text))
		return;
	g = guard_new(pol, NULL, no_ifindex, NULL, &key, err, sizeof(err));
	policy_free(pol);
	engine_config_defaults(&cfg);
	be.ctx = &r;
	e = engine_new(&cfg, &be, NULL, NULL);
	if (!CHECK(g && e))
		return;
	engine_set_guard(e, g);

	unit_case("engine normalize: an untrusted source's PAI is removed");
	len = identity_request(1);
	engine_message(e, &in, buf, len, 1000, &v);
	CHECK(v.accept);
	if (CHECK(v.rewrite)) {
		CHECK(!has(v.rewrite, v.rewrite_len, "P-Asserted-Identity"));
		/* to pbx, which has no hide-agent: the User-Agent stays */
		CHECK(has(v.rewrite, v.rewrite_len, "User-Agent: Secret/9.9\r\n"));
		CHECK_INT(v.rewrite_len, len - strlen("P-Asserted-Identity: "
						      "<sip:ceo@example.com>\r\n"));
		CHECK_INT(v.rewrote, SIP_RW_IDENTITY);
	}

	unit_case("engine normalize: a trusted source's PAI stays: no rewrite");
	len = identity_request(2);
	engine_message(e, &trusted, buf, len, 1000, &v);
	CHECK(v.accept);
	CHECK(!v.rewrite);
	CHECK_INT(v.rewrote, 0);

	unit_case("engine normalize: towards out, PAI stripped (pbx) and "
		  "User-Agent replaced (out)");
	len = identity_request(3);
	engine_message(e, &outward, buf, len, 1000, &v);
	CHECK(v.accept);
	if (CHECK(v.rewrite)) {
		CHECK(!has(v.rewrite, v.rewrite_len, "P-Asserted-Identity"));
		CHECK(has(v.rewrite, v.rewrite_len, "User-Agent: Edge/1\r\n"));
		CHECK(!has(v.rewrite, v.rewrite_len, "Secret"));
		CHECK_INT(v.rewrote, SIP_RW_IDENTITY | SIP_RW_AGENT);
	}

	unit_case("engine normalize: TCP is passed unchanged and counted");
	tcp.proto = IPPROTO_TCP;
	len = identity_request(4);
	engine_message(e, &tcp, buf, len, 1000, &v);
	CHECK(v.accept);
	CHECK(!v.rewrite);

	unit_case("engine normalize: a rewrite the caller cannot carry is a drop");
	len = identity_request(5);
	engine_message(e, &in, buf, len, 1000, &v);
	CHECK(v.rewrite);
	engine_rewrite_failed(e, &v);
	CHECK(!v.accept);
	CHECK_STR(engine_verdict_reason(&v), "rewrite-failed");

	unit_case("engine normalize: the counters");
	engine_get_stats(e, &st);
	CHECK_INT(st.rewrite_identity, 2);
	CHECK_INT(st.rewrite_agent, 1);
	CHECK_INT(st.rewrite_not_udp, 1);
	CHECK_INT(st.by_reason[ENGINE_R_REWRITE_FAILED], 1);
	CHECK_INT(st.dropped, 1);
	CHECK_INT(st.accepted, 4);
	engine_free(e);
	guard_free(g);
}

/*
 * `voipfwctl stats` (ctlsock.c) and the log print the drop reasons of the
 * engine, the SIP parser, the guard and the toll guard as one list of
 * bare tokens: a token in two sets would make two counts that read alike.
 */
static void test_reason_tokens(void)
{
	const char *tok[__ENGINE_R_MAX + __SIP_REASON_MAX + __GUARD_R_MAX +
			__TOLLGUARD_REASON_MAX];
	unsigned int n = 0, r, i, j, dups = 0;

	unit_case("reason tokens: every set's names, none in two sets");
	for (r = 0; r < __ENGINE_R_MAX; r++)
		tok[n++] = engine_reason_str(r);
	for (r = 0; r < __SIP_REASON_MAX; r++)
		tok[n++] = sip_reason_str(r);
	for (r = 0; r < __GUARD_R_MAX; r++)
		tok[n++] = guard_reason_str(r);
	for (r = 0; r < __TOLLGUARD_REASON_MAX; r++)
		tok[n++] = engine_toll_reason_str(r);
	for (i = 0; i < n; i++) {
		if (!CHECK_MSG(tok[i] && tok[i][0] && strcmp(tok[i], "?") &&
			       strcmp(tok[i], "unknown"), "reason %u has no name", i))
			continue;
		for (j = 0; j < i; j++) {
			/* "ok" stands for no drop in every set */
			if (tok[j] && !strcmp(tok[i], tok[j]) && strcmp(tok[i], "ok")) {
				CHECK_MSG(0, "'%s' twice", tok[i]);
				dups++;
			}
		}
	}
	CHECK_INT(dups, 0);
}

/*
 * A ban whose group commit fails is not in force: it counts as failed,
 * the guard does not take the source for banned (its next offence bans it
 * again) nor the lost ban for a repeat (the new one is not doubled).
 */
static void failed_ban_commit(void)
{
	struct pkt_meta att = meta("198.51.100.7", "10.0.0.1");
	struct engine_verdict v;
	struct engine_stats st;
	struct rec r = { 0 };
	struct guard *g;
	struct engine *e;
	unsigned int i;
	size_t len;

	unit_case("engine + guard: a ban whose commit fails");
	if (!setup(true, &r, &g, &e))
		return;
	r.fail = true;
	for (i = 0; i < 5; i++) {	/* 2 pass, the 3rd over the limit bans */
		len = request("INVITE", 500 + i, false);
		engine_message(e, &att, buf, len, 1000, &v);
	}
	CHECK_INT(r.bans, 1);
	CHECK_INT(engine_commit(e), -1);
	engine_get_stats(e, &st);
	CHECK_INT(st.ban_failures, 1);
	CHECK_INT(r.committed_bans, 0);

	r.fail = false;
	len = request("INVITE", 510, false);
	engine_message(e, &att, buf, len, 1100, &v);
	CHECK(!v.accept);
	CHECK_MSG(v.guard.ban, "the next offence bans again");
	CHECK_INT(r.bans, 2);
	CHECK_INT(r.ms, 300000);	/* the first ban's 5 m: no repeat */
	CHECK_INT(engine_commit(e), 0);
	CHECK_INT(r.committed_bans, 1);
	engine_get_stats(e, &st);
	CHECK_INT(st.ban_failures, 1);
	engine_free(e);
	guard_free(g);
}

int main(void)
{
	test_reason_tokens();
	test_normalize();
	run(false);
	run(true);
	failed_ban_commit();
	return unit_summary("engine_guard");
}
