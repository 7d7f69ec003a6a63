// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_guard.c - the zones' SIP security policy per message: zones by
 * interface before zones by subnet, rate limits and the flood ban with
 * its escalation, trusted sources, scanners, methods, size, the header
 * checks (max-headers, max-forwards, require), and from
 * answers brute force (only wrong passwords: challenges to requests with
 * credentials), enumeration and a locked username.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "detect/regwatch.h"
#include "guard/guard.h"
#include "sip/sip_error.h"

static const struct siphash_key key = { 7, 8 };

static unsigned int fake_ifindex(const char *name)
{
	if (!strcmp(name, "eth0"))
		return 2;
	if (!strcmp(name, "eth1"))
		return 3;
	return 0;
}

static const char conf[] =
	"zone lan { interface eth0 }\n"
	"zone wan {\n"
	"  interface eth1\n"
	"  sip {\n"
	"    rate invite 1/s burst 3; rate register 1/s burst 3\n"
	"    flood 5 per 10s; ban 10m max 25m\n"
	"    trusted 203.0.113.10 198.51.100.0/24\n"
	"    brute-force 4 per 1m; enumeration 10 per 1m\n"
	"    user-lock 6 per 10m for 30m\n"
	"  }\n"
	"}\n"
	"zone vpn { subnet 10.8.0.0/16; sip { methods REGISTER OPTIONS; max-size 600 } }\n";

static struct sip_msg msg;

/* a request; @auth adds an Authorization header */
static const struct sip_msg *req(const char *method, const char *user,
				 const char *ua, bool auth, unsigned int cseq,
				 size_t *len)
{
	static char buf[2048];
	struct sip_diag diag;

	snprintf(buf, sizeof(buf),
		 "%s sip:%s@example.com SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bK%u\r\n"
		 "Max-Forwards: 70\r\n"
		 "From: <sip:%s@example.com>;tag=1\r\n"
		 "To: <sip:%s@example.com>\r\n"
		 "Call-ID: c%s@x\r\n"
		 "CSeq: %u %s\r\n"
		 "%s%s%s"
		 "%s"
		 "Content-Length: 0\r\n\r\n",
		 method, user, cseq, user, user, user, cseq, method,
		 ua ? "User-Agent: " : "", ua ? ua : "", ua ? "\r\n" : "",
		 auth ? "Authorization: Digest username=\"x\", realm=\"r\", "
			"nonce=\"n\", uri=\"sip:x\", response=\"0\"\r\n" : "");
	memset(&diag, 0, sizeof(diag));
	if (sip_parse(buf, strlen(buf), &msg, &diag))
		abort();
	if (len)
		*len = strlen(buf);
	return &msg;
}

/* judge req(...) from @s at @now */
static void judge(struct guard *g, const struct guard_source *s,
		  const char *method, const char *user, const char *ua,
		  bool auth, unsigned int cseq, uint32_t now,
		  struct guard_verdict *v, size_t *lenp)
{
	size_t len;
	const struct sip_msg *m = req(method, user, ua, auth, cseq, &len);

	guard_request(g, s, m, len, now, v);
	if (lenp)
		*lenp = len;
}

/* the answer @status to req(method, user, ..., cseq) */
static const struct sip_msg *ans(unsigned int status, const char *method,
				 const char *user, unsigned int cseq)
{
	static char buf[1024];
	struct sip_diag diag;

	snprintf(buf, sizeof(buf),
		 "SIP/2.0 %u X\r\n"
		 "Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bK%u\r\n"
		 "From: <sip:%s@example.com>;tag=1\r\n"
		 "To: <sip:%s@example.com>;tag=2\r\n"
		 "Call-ID: c%s@x\r\n"
		 "CSeq: %u %s\r\n"
		 "Content-Length: 0\r\n\r\n",
		 status, cseq, user, user, user, cseq, method);
	memset(&diag, 0, sizeof(diag));
	if (sip_parse(buf, strlen(buf), &msg, &diag))
		abort();
	return &msg;
}

static struct guard_source src(const char *addr, uint32_t ifindex)
{
	struct guard_source s = { .ifindex = ifindex };

	s.family = strchr(addr, ':') ? 6 : 4;
	inet_pton(s.family == 6 ? AF_INET6 : AF_INET, addr, s.addr);
	return s;
}

static struct guard *make(void)
{
	struct policy_error perr;
	struct policy *pol = policy_parse(conf, strlen(conf), "t.conf", &perr);
	struct scanner_list sl;
	struct guard *g;
	char err[128];
	const char *list = "friendly-scanner\nsipvicious\n";

	if (!pol || scanner_list_parse(&sl, list, strlen(list), "s", err, sizeof(err)))
		abort();
	g = guard_new(pol, &sl, fake_ifindex, NULL, &key, err, sizeof(err));
	policy_free(pol);
	return g;
}

static void test_zones(void)
{
	struct guard *g = make();
	struct guard_source s;

	unit_case("zones: by subnet only first, then by interface");
	CHECK(g);
	if (!g)
		return;
	s = src("10.8.1.1", 2);
	CHECK_INT(guard_zone_of(g, &s), 2);	/* vpn, though it came on eth0 */
	s = src("10.9.1.1", 2);
	CHECK_INT(guard_zone_of(g, &s), 0);	/* eth0: lan */
	s = src("10.8.1.1", 9);
	CHECK_INT(guard_zone_of(g, &s), 2);	/* vpn */
	s = src("192.0.2.1", 9);
	CHECK_INT(guard_zone_of(g, &s), -1);
	s = src("192.0.2.1", 0);
	CHECK_INT(guard_zone_of(g, &s), -1);
	CHECK_STR(guard_zone_name(g, 1), "wan");
	guard_free(g);
}

static void test_rate_and_flood(void)
{
	struct guard *g = make();
	struct guard_source s = src("192.0.2.66", 3), t = src("203.0.113.10", 3);
	struct guard_source n = src("192.0.2.77", 9);
	struct guard_verdict v;
	unsigned int i, passed = 0, bans = 0;
	size_t len;

	unit_case("rate: the burst, then drops; the fifth over-limit bans");
	for (i = 0; i < 8; i++) {
		judge(g, &s, "INVITE", "100", NULL, false, i, 1000, &v, &len);
		CHECK_INT(v.zone, 1);
		passed += !v.drop;
		if (v.drop)
			CHECK_STR(guard_reason_str(v.reason), "rate-limit");
		if (v.ban) {
			bans++;
			CHECK_INT(v.ban_ms, 600000);
			CHECK_STR(guard_ban_why_str(v.why), "flood");
			CHECK_INT(i, 7);	/* 3 passed, the 5th over-limit */
		}
	}
	CHECK_INT(passed, 3);
	CHECK_INT(bans, 1);

	unit_case("rate: banned once while the ban lasts");
	judge(g, &s, "INVITE", "100", NULL, false, 9, 1500, &v, &len);
	CHECK(v.drop && !v.ban);

	unit_case("rate: a repeat offender's ban doubles, up to max");
	for (i = 0, bans = 0; i < 20 && !bans; i++) {
		judge(g, &s, "INVITE", "100", NULL, false, i, 700000, &v, &len);
		if (v.ban) {
			bans++;
			CHECK_INT(v.ban_ms, 1200000);
		}
	}
	CHECK_INT(bans, 1);
	for (i = 0, bans = 0; i < 20 && !bans; i++) {
		judge(g, &s, "INVITE", "100", NULL, false, i, 2000000, &v, &len);
		if (v.ban) {
			bans++;
			CHECK_INT(v.ban_ms, 1500000);	/* 40m capped at 25m */
		}
	}
	CHECK_INT(bans, 1);

	unit_case("rate: a trusted source is unlimited and never banned");
	for (i = 0, passed = 0; i < 500; i++) {
		judge(g, &t, "INVITE", "100", NULL, false, i, 1000, &v, &len);
		passed += !v.drop && !v.ban;
	}
	CHECK_INT(passed, 500);

	unit_case("rate: a source in no zone is not judged");
	for (i = 0, passed = 0; i < 50; i++) {
		judge(g, &n, "INVITE", "100", NULL, false, i, 1000, &v, &len);
		passed += !v.drop && v.zone == -1;
	}
	CHECK_INT(passed, 50);
	guard_free(g);
}

/* a ban lifted by the operator (voipfwctl unban): the next offence bans
 * again, as a repeat offender; other sources are not affected */
static void test_unbanned(void)
{
	struct guard *g = make();
	struct guard_source s = src("192.0.2.68", 3), o = src("192.0.2.69", 3);
	struct guard_verdict v;
	unsigned int i, bans = 0;
	size_t len;

	unit_case("unbanned: the next flood bans again, doubled");
	for (i = 0; i < 8; i++) {
		judge(g, &s, "INVITE", "100", NULL, false, i, 1000, &v, &len);
		bans += v.ban;
	}
	CHECK_INT(bans, 1);
	guard_unbanned(g, 4, o.addr);		/* never banned: nothing */
	guard_unbanned(g, 4, s.addr);
	for (i = 0, bans = 0; i < 8 && !bans; i++) {
		judge(g, &s, "INVITE", "100", NULL, false, 20 + i, 2000, &v, &len);
		if (v.ban) {
			bans++;
			CHECK_INT(v.ban_ms, 1200000);
			CHECK_STR(guard_ban_why_str(v.why), "flood");
		}
	}
	CHECK_INT(bans, 1);

	unit_case("unbanned: banned once again while that ban lasts");
	judge(g, &s, "INVITE", "100", NULL, false, 40, 2500, &v, &len);
	CHECK(v.drop && !v.ban);
	guard_free(g);
}

static void test_scanner_method_size(void)
{
	struct guard *g = make();
	struct guard_source s = src("192.0.2.5", 3), t = src("198.51.100.9", 3);
	struct guard_source vpn = src("10.8.0.7", 5);
	struct guard_verdict v;
	struct guard_stats st;
	size_t len;

	unit_case("scanner: dropped and banned");
	judge(g, &s, "OPTIONS", "100", "friendly-scanner", false, 1, 1000, &v, &len);
	CHECK(v.drop && v.ban);
	CHECK_STR(guard_reason_str(v.reason), "scanner");
	CHECK_STR(guard_ban_why_str(v.why), "scanner");
	unit_case("scanner: not from a trusted source");
	judge(g, &t, "OPTIONS", "100", "friendly-scanner", false, 1, 1000, &v, &len);
	CHECK(!v.drop && !v.ban);
	unit_case("scanner: a phone's User-Agent passes");
	judge(g, &s, "OPTIONS", "101", "Yealink SIP-T46S", false, 1, 1000, &v, &len);
	CHECK(!v.drop);

	unit_case("methods: INVITE is not allowed from the vpn zone");
	judge(g, &vpn, "INVITE", "100", NULL, false, 1, 1000, &v, &len);
	CHECK(v.drop && !v.ban);
	CHECK_STR(guard_reason_str(v.reason), "method-not-allowed");
	judge(g, &vpn, "REGISTER", "100", NULL, false, 2, 1000, &v, &len);
	CHECK(!v.drop);
	unit_case("size: over max-size");
	{
		char ua[400];

		memset(ua, 'a', sizeof(ua) - 1);
		ua[sizeof(ua) - 1] = '\0';
		judge(g, &vpn, "REGISTER", "100", ua, true, 3, 1000, &v, &len);
	}
	CHECK_MSG(len > 600, "message of %zu bytes", len);
	CHECK(v.drop);
	CHECK_STR(guard_reason_str(v.reason), "too-large");
	guard_get_stats(g, &st);
	CHECK_INT(st.dropped[GUARD_R_SCANNER], 1);
	CHECK_INT(st.dropped[GUARD_R_METHOD], 1);
	CHECK_INT(st.bans[GUARD_BAN_SCANNER], 1);
	guard_free(g);
}

static void test_answers(void)
{
	struct guard *g = make();
	struct guard_source s = src("192.0.2.40", 3), e = src("192.0.2.41", 3);
	struct guard_source t = src("203.0.113.10", 3);
	struct guard_verdict v;
	unsigned int i, bans = 0, at = 0;
	char user[16];
	size_t len;

	unit_case("brute force: challenges to requests without credentials do not count");
	for (i = 0; i < 30; i++) {
		judge(g, &s, "REGISTER", "200", NULL, false, i, 1000 + i * 1000, &v, &len);
		guard_answer(g, &s, ans(401, "REGISTER", "200", i), 1000 + i * 1000, &v);
		bans += v.ban;
	}
	CHECK_INT(bans, 0);

	unit_case("brute force: the 4th wrong password bans");
	for (i = 100; i < 110 && !bans; i++) {
		judge(g, &s, "REGISTER", "200", NULL, true, i, 40000 + i * 1000, &v, &len);
		CHECK(!v.drop);
		guard_answer(g, &s, ans(401, "REGISTER", "200", i), 40000 + i * 1000, &v);
		if (v.ban) {
			bans++;
			at = i - 99;
			CHECK_STR(guard_ban_why_str(v.why), "brute-force");
		}
	}
	CHECK_INT(at, 4);

	unit_case("enumeration: many users answered 404");
	for (i = 0, bans = 0, at = 0; i < 40 && !bans; i++) {
		snprintf(user, sizeof(user), "%u", 300 + i);
		judge(g, &e, "OPTIONS", user, NULL, false, 1, 100000 + i * 300, &v, &len);
		guard_answer(g, &e, ans(404, "OPTIONS", user, 1), 100000 + i * 300, &v);
		if (v.ban) {
			bans++;
			at = i + 1;
			CHECK_STR(guard_ban_why_str(v.why), "enumeration");
		}
	}
	CHECK_MSG(at >= 8 && at <= 13, "banned at the %u-th user", at);

	unit_case("user lock: wrong passwords for one user from many sources");
	for (i = 0, at = 0; i < 6; i++) {
		char a[32];
		struct guard_source m;

		snprintf(a, sizeof(a), "192.0.2.%u", 150 + i);
		m = src(a, 3);
		judge(g, &m, "REGISTER", "777", NULL, true, 5, 200000, &v, &len);
		guard_answer(g, &m, ans(403, "REGISTER", "777", 5), 200000, &v);
		if (v.user_locked)
			at = i + 1;
		CHECK(!v.ban);
	}
	CHECK_INT(at, 6);
	judge(g, &s, "REGISTER", "777", NULL, false, 6, 200001, &v, &len);
	CHECK(v.drop);
	CHECK_STR(guard_reason_str(v.reason), "user-locked");
	unit_case("user lock: a trusted source still registers the user");
	judge(g, &t, "REGISTER", "777", NULL, false, 7, 200001, &v, &len);
	CHECK(!v.drop);
	unit_case("user lock: over after 30m");
	judge(g, &e, "REGISTER", "777", NULL, false, 8, 200000 + 1800000, &v, &len);
	CHECK(!v.drop);
	guard_free(g);
}

/* 192.0.2.0/24 is in the US, 198.51.100.0/24 in CN, the rest unknown */
static uint16_t fake_country(void *arg, int family, const uint8_t *a)
{
	unsigned int *calls = arg;

	(*calls)++;
	if (family == 4 && a[0] == 192 && a[1] == 0 && a[2] == 2)
		return (uint16_t)('U' << 8 | 'S');
	if (family == 4 && a[0] == 198 && a[1] == 51 && a[2] == 100)
		return (uint16_t)('C' << 8 | 'N');
	return POLICY_COUNTRY_UNKNOWN;
}

static void test_countries(void)
{
	static const char c[] =
		"zone allow { interface eth0; sip { countries allow US DE "
		"unknown; trusted 198.51.100.9 } }\n"
		"zone deny { interface eth1; sip { countries deny CN } }\n";
	struct policy_error perr;
	struct policy *pol = policy_parse(c, strlen(c), "t.conf", &perr);
	unsigned int calls = 0;
	struct guard_geo geo = { fake_country, &calls };
	struct guard_verdict v;
	struct guard_source s;
	struct guard *g;
	char err[128];
	size_t len;

	unit_case("countries: the policy");
	if (!CHECK_MSG(pol, "%s", perr.text))
		return;
	CHECK(guard_needs_geo(pol));
	g = guard_new(pol, NULL, fake_ifindex, &geo, &key, err, sizeof(err));
	policy_free(pol);
	if (!CHECK(g))
		return;
	unit_case("countries: allow US DE unknown");
	s = src("192.0.2.1", 2);
	judge(g, &s, "INVITE", "1", NULL, false, 1, 1000, &v, &len);
	CHECK(!v.drop);
	s = src("203.0.113.1", 2);
	judge(g, &s, "INVITE", "1", NULL, false, 1, 1000, &v, &len);
	CHECK(!v.drop);			/* unknown is listed */
	s = src("198.51.100.1", 2);
	judge(g, &s, "INVITE", "1", NULL, false, 1, 1000, &v, &len);
	CHECK(v.drop && !v.ban);
	CHECK_STR(guard_reason_str(v.reason), "country");
	unit_case("countries: a trusted source is not asked");
	calls = 0;
	s = src("198.51.100.9", 2);
	judge(g, &s, "INVITE", "1", NULL, false, 1, 1000, &v, &len);
	CHECK(!v.drop);
	CHECK_INT(calls, 0);
	unit_case("countries: deny CN");
	s = src("198.51.100.1", 3);
	judge(g, &s, "INVITE", "1", NULL, false, 1, 1000, &v, &len);
	CHECK(v.drop);
	s = src("203.0.113.1", 3);
	judge(g, &s, "INVITE", "1", NULL, false, 1, 1000, &v, &len);
	CHECK(!v.drop);
	guard_free(g);

	unit_case("countries: without a database every source is unknown");
	pol = policy_parse(c, strlen(c), "t.conf", &perr);
	g = guard_new(pol, NULL, fake_ifindex, NULL, &key, err, sizeof(err));
	policy_free(pol);
	s = src("198.51.100.1", 2);
	judge(g, &s, "INVITE", "1", NULL, false, 1, 1000, &v, &len);
	CHECK(!v.drop);			/* unknown is allowed there */
	guard_free(g);
}

static void test_domains_sweep(void)
{
	static const char c[] =
		"zone wan { interface eth1; sip { domains example.com 203.0.113.5; "
		"sweep 5 per 1m; trusted 198.51.100.9 } }\n";
	struct policy_error perr;
	struct policy *pol = policy_parse(c, strlen(c), "t.conf", &perr);
	struct guard_verdict v;
	struct guard_source s;
	struct guard *g;
	char err[128];
	struct sip_diag diag;
	static char buf[1024];
	unsigned int i, bans = 0, at = 0;

	unit_case("domains: the policy");
	if (!CHECK_MSG(pol, "%s", perr.text))
		return;
	g = guard_new(pol, NULL, fake_ifindex, NULL, &key, err, sizeof(err));
	policy_free(pol);
	if (!CHECK(g))
		return;
	unit_case("domains: example.com (any case) and 203.0.113.5 pass, others dropped");
	{
		static const char *const hosts[] = {
			"example.com", "EXAMPLE.com", "203.0.113.5", "evil.example",
			"203.0.113.6", "example.com.evil",
		};
		static const bool want[] = { true, true, true, false, false, false };

		for (i = 0; i < ARRAY_SIZE(hosts); i++) {
			snprintf(buf, sizeof(buf),
				 "OPTIONS sip:100@%s SIP/2.0\r\n"
				 "Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKd%u\r\n"
				 "Max-Forwards: 70\r\nFrom: <sip:a@b>;tag=1\r\n"
				 "To: <sip:100@%s>\r\nCall-ID: d%u@x\r\nCSeq: 1 OPTIONS\r\n"
				 "Content-Length: 0\r\n\r\n", hosts[i], i, hosts[i], i);
			memset(&diag, 0, sizeof(diag));
			if (sip_parse(buf, strlen(buf), &msg, &diag))
				abort();
			s = src("192.0.2.1", 3);
			memcpy(s.dst, (uint8_t[]){ 203, 0, 113, 5 }, 4);
			guard_request(g, &s, &msg, strlen(buf), 1000 + i * 1000, &v);
			CHECK_MSG(v.drop != want[i], "%s: drop %d", hosts[i], v.drop);
			if (v.drop)
				CHECK_STR(guard_reason_str(v.reason), "not-our-domain");
		}
	}
	unit_case("sweep: requests to 5 distinct hosts ban");
	s = src("192.0.2.2", 3);
	for (i = 0; i < 10 && !bans; i++) {
		size_t len;
		const struct sip_msg *m = req("OPTIONS", "100", NULL, false, i, &len);

		/* req() names example.com: a domain of the zone */
		memcpy(s.dst, (uint8_t[]){ 10, 0, 0, (uint8_t)(1 + i) }, 4);
		guard_request(g, &s, m, len, 100000 + i * 1000, &v);
		if (v.ban) {
			bans++;
			at = i + 1;
			CHECK_STR(guard_ban_why_str(v.why), "sweep");
			CHECK_STR(guard_reason_str(v.reason), "sweep");
		}
	}
	CHECK_MSG(at >= 4 && at <= 6, "banned at the %u-th host", at);
	unit_case("sweep: one host many times is not a sweep");
	s = src("192.0.2.3", 3);
	memcpy(s.dst, (uint8_t[]){ 10, 0, 0, 1 }, 4);
	for (i = 0, bans = 0; i < 30; i++) {
		size_t len;
		const struct sip_msg *m = req("OPTIONS", "100", NULL, false, i, &len);

		guard_request(g, &s, m, len, 200000 + i * 1000, &v);
		bans += v.ban;
	}
	CHECK_INT(bans, 0);
	unit_case("sweep: not a trusted source");
	s = src("198.51.100.9", 3);
	for (i = 0, bans = 0; i < 20; i++) {
		size_t len;
		const struct sip_msg *m = req("OPTIONS", "100", NULL, false, i, &len);

		memcpy(s.dst, (uint8_t[]){ 10, 0, 1, (uint8_t)(1 + i) }, 4);
		guard_request(g, &s, m, len, 300000 + i * 1000, &v);
		bans += v.ban;
	}
	CHECK_INT(bans, 0);
	guard_free(g);
}

/* the registrar's 200 to a REGISTER of @user, binding for @exp s */
static const struct sip_msg *reg_ok(const char *user, unsigned int exp)
{
	static char b[1024];
	struct sip_diag diag;

	snprintf(b, sizeof(b),
		 "SIP/2.0 200 OK\r\n"
		 "Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKr\r\n"
		 "From: <sip:%s@example.com>;tag=1\r\n"
		 "To: <sip:%s@example.com>;tag=2\r\n"
		 "Call-ID: r%s@x\r\nCSeq: 2 REGISTER\r\n"
		 "Contact: <sip:%s@192.0.2.9:5060>;expires=%u\r\n"
		 "Content-Length: 0\r\n\r\n", user, user, user, user, exp);
	memset(&diag, 0, sizeof(diag));
	if (sip_parse(b, strlen(b), &msg, &diag))
		abort();
	return &msg;
}

static void test_accounts(void)
{
	static const char c[] =
		"zone lan { interface eth0; sip { dormant 1d } }\n";
	struct policy_error perr;
	struct policy *pol = policy_parse(c, strlen(c), "t.conf", &perr);
	struct guard_verdict v;
	struct guard_stats st;
	struct guard_source a, b;
	struct guard *g;
	char err[128];

	unit_case("accounts: a name registered from two addresses at once");
	if (!CHECK_MSG(pol, "%s", perr.text))
		return;
	g = guard_new(pol, NULL, fake_ifindex, NULL, &key, err, sizeof(err));
	policy_free(pol);
	if (!CHECK(g))
		return;
	a = src("10.0.0.10", 2);
	b = src("10.0.0.11", 2);
	guard_answer(g, &a, reg_ok("300", 3600), 1000, &v);
	CHECK_INT(v.reg_events, 0);
	guard_answer(g, &b, reg_ok("300", 3600), 2000, &v);
	CHECK_INT(v.reg_events, REGWATCH_SHARED);
	CHECK(!memcmp(v.reg_other, a.addr, 4));
	CHECK(!v.drop && !v.ban);
	unit_case("accounts: a dormant one wakes after a day");
	guard_answer(g, &a, reg_ok("301", 60), 3000, &v);
	guard_answer(g, &a, reg_ok("301", 60), 3000 + 86400 * 1000 + 5000, &v);
	CHECK_INT(v.reg_events, REGWATCH_WOKE);
	guard_get_stats(g, &st);
	CHECK_INT(st.accounts_shared, 1);
	CHECK_INT(st.accounts_woke, 1);
	guard_free(g);
}

static const char norm_conf[] =
	"zone lan { interface eth0; sip { strip-identity; trusted 10.0.0.5 } }\n"
	"zone wan { interface eth1; sip { hide-agent PBX/2 } }\n"
	"zone trunk { subnet 192.0.2.0/24; sip { hide-agent; strip-identity } }\n";

static void test_normalize(void)
{
	struct guard_source lan = src("10.0.0.9", 2), pbx = src("10.0.0.5", 2);
	struct guard_source wan = src("198.51.100.7", 3), lan2 = src("10.0.0.7", 2);
	struct guard_source trunk = src("192.0.2.1", 3), none = src("10.9.9.9", 9);
	struct policy_error perr;
	struct policy *pol;
	struct guard_norm n;
	struct guard *g;
	char err[128];

	unit_case("normalize: strip-identity by the sender's zone, trusted kept; "
		  "hide-agent by the receiver's zone from elsewhere");
	pol = policy_parse(norm_conf, strlen(norm_conf), "n.conf", &perr);
	if (!CHECK_MSG(pol, "%s", perr.text))
		return;
	g = guard_new(pol, NULL, fake_ifindex, NULL, &key, err, sizeof(err));
	policy_free(pol);
	if (!CHECK_MSG(g, "%s", err))
		return;
	guard_normalize(g, &lan, &wan, &n);
	CHECK(n.strip_identity);
	CHECK(n.hide_agent);
	CHECK_STR(n.agent, "PBX/2");
	guard_normalize(g, &pbx, &wan, &n);	/* trusted: its PAI stays */
	CHECK(!n.strip_identity);
	CHECK(n.hide_agent);
	guard_normalize(g, &wan, &lan, &n);	/* wan strips nothing */
	CHECK(!n.strip_identity);
	CHECK(!n.hide_agent);
	guard_normalize(g, &lan, &lan2, &n);	/* within lan: nothing leaves */
	CHECK(n.strip_identity);
	CHECK(!n.hide_agent);
	guard_normalize(g, &lan, &trunk, &n);	/* trunk by subnet, on eth1 */
	CHECK(n.hide_agent);
	CHECK_STR(n.agent, "");
	guard_normalize(g, &trunk, &none, &n);
	CHECK(n.strip_identity);
	CHECK(!n.hide_agent);
	guard_normalize(g, &none, &none, &n);	/* no zone: nothing */
	CHECK(!n.strip_identity);
	CHECK(!n.hide_agent);
	CHECK_STR(n.agent, "");
	guard_free(g);
}

/* OPTIONS with @mf ("Max-Forwards: N\r\n" or "") and @extra header lines */
static const struct sip_msg *req_hdrs(const char *mf, const char *extra,
				      size_t *len)
{
	static char buf[2048];
	struct sip_diag diag;

	snprintf(buf, sizeof(buf),
		 "OPTIONS sip:100@example.com SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKh\r\n"
		 "%s"
		 "From: <sip:a@example.com>;tag=1\r\n"
		 "To: <sip:100@example.com>\r\n"
		 "Call-ID: h@x\r\n"
		 "CSeq: 1 OPTIONS\r\n"
		 "%s"
		 "Content-Length: 0\r\n\r\n", mf, extra);
	memset(&diag, 0, sizeof(diag));
	if (sip_parse(buf, strlen(buf), &msg, &diag))
		abort();
	*len = strlen(buf);
	return &msg;
}

static void test_header_checks(void)
{
	static const char c[] =
		"zone lan { interface eth0 }\n"
		"zone hdrs { subnet 10.1.0.0/16; sip { max-headers 10; trusted 10.1.0.1 } }\n"
		"zone hops { subnet 10.2.0.0/16; sip { max-forwards 1; trusted 10.2.0.1 } }\n"
		"zone hop0 { subnet 10.4.0.0/16; sip { max-forwards 0 } }\n"
		"zone req { subnet 10.3.0.0/16; sip { require Contact X-Tenant; trusted 10.3.0.1 } }\n";
	static const char mf70[] = "Max-Forwards: 70\r\n";
	struct guard_source lan = src("192.0.2.1", 2);
	struct guard_source hdrs = src("10.1.0.9", 0), hdrs_t = src("10.1.0.1", 0);
	struct guard_source hops = src("10.2.0.9", 0), hops_t = src("10.2.0.1", 0);
	struct guard_source hop0 = src("10.4.0.9", 0);
	struct guard_source rq = src("10.3.0.9", 0), rq_t = src("10.3.0.1", 0);
	struct policy_error perr;
	struct policy *pol = policy_parse(c, strlen(c), "t.conf", &perr);
	const struct sip_msg *m;
	struct guard_verdict v;
	struct guard_stats st;
	struct guard *g;
	char err[128];
	size_t len;
	unsigned int i;

	unit_case("header checks: the policy");
	if (!CHECK_MSG(pol, "%s", perr.text))
		return;
	g = guard_new(pol, NULL, fake_ifindex, NULL, &key, err, sizeof(err));
	policy_free(pol);
	if (!CHECK_MSG(g, "%s", err))
		return;

	unit_case("max-headers: 10 header lines pass, 11 are dropped");
	m = req_hdrs(mf70, "Accept: */*\r\nAllow: INVITE\r\nSupported: path\r\n", &len);
	CHECK_INT(m->n_hdrs, 10);
	guard_request(g, &hdrs, m, len, 1000, &v);
	CHECK(!v.drop);
	m = req_hdrs(mf70, "Accept: */*\r\nAllow: INVITE\r\nSupported: path\r\n"
		     "Subject: x\r\n", &len);
	CHECK_INT(m->n_hdrs, 11);
	guard_request(g, &hdrs, m, len, 1000, &v);
	CHECK(v.drop && !v.ban);
	CHECK_STR(guard_reason_str(v.reason), "max-headers");
	unit_case("max-headers: trusted sources too");
	guard_request(g, &hdrs_t, m, len, 1000, &v);
	CHECK(v.drop);
	CHECK_INT(v.reason, GUARD_R_TOO_MANY_HEADERS);
	unit_case("max-headers: not set, the parser's limit only");
	guard_request(g, &lan, m, len, 1000, &v);
	CHECK(!v.drop);

	unit_case("max-forwards 1: absent and 0 are dropped, 1 and 70 pass");
	{
		static const char *const mf[] = {
			"", "Max-Forwards: 0\r\n", "Max-Forwards: 1\r\n", mf70,
		};
		static const bool pass[] = { false, false, true, true };

		for (i = 0; i < ARRAY_SIZE(mf); i++) {
			m = req_hdrs(mf[i], "", &len);
			guard_request(g, &hops, m, len, 1000, &v);
			CHECK_MSG(v.drop != pass[i], "%s: drop %d", mf[i], v.drop);
			if (v.drop)
				CHECK_STR(guard_reason_str(v.reason), "max-forwards");
			guard_request(g, &hops_t, m, len, 1000, &v);
			CHECK_MSG(v.drop != pass[i], "trusted, %s: drop %d", mf[i],
				  v.drop);
		}
	}
	unit_case("max-forwards 0: absent is dropped, 0 passes");
	m = req_hdrs("", "", &len);
	CHECK_INT(m->max_forwards, -1);
	guard_request(g, &hop0, m, len, 1000, &v);
	CHECK(v.drop);
	CHECK_INT(v.reason, GUARD_R_MAX_FORWARDS);
	m = req_hdrs("Max-Forwards: 0\r\n", "", &len);
	guard_request(g, &hop0, m, len, 1000, &v);
	CHECK(!v.drop);
	unit_case("max-forwards: not set, absent passes");
	m = req_hdrs("", "", &len);
	guard_request(g, &lan, m, len, 1000, &v);
	CHECK(!v.drop);

	unit_case("require Contact X-Tenant: missing either is dropped");
	{
		static const char *const extra[] = {
			"",
			"Contact: <sip:a@192.0.2.9>\r\n",
			"X-Tenant: 7\r\n",
			"Contact: <sip:a@192.0.2.9>\r\nX-Tenant-Id: 7\r\n",
			"Contact: <sip:a@192.0.2.9>\r\nX-Tenan: 7\r\n",
		};

		for (i = 0; i < ARRAY_SIZE(extra); i++) {
			m = req_hdrs(mf70, extra[i], &len);
			guard_request(g, &rq, m, len, 1000, &v);
			CHECK_MSG(v.drop, "%s: passed", extra[i]);
			if (v.drop)
				CHECK_STR(guard_reason_str(v.reason),
					  "missing-required-header");
			guard_request(g, &rq_t, m, len, 1000, &v);
			CHECK_MSG(v.drop, "trusted, %s: passed", extra[i]);
		}
	}
	unit_case("require: long and compact forms, any case, pass");
	{
		static const char *const extra[] = {
			"Contact: <sip:a@192.0.2.9>\r\nX-Tenant: 7\r\n",
			"m: <sip:a@192.0.2.9>\r\nx-tenant: 7\r\n",
			"X-TENANT: 7\r\nCONTACT: <sip:a@192.0.2.9>\r\n",
			"M: <sip:a@192.0.2.9>\r\nx-Tenant:7\r\n",
		};

		for (i = 0; i < ARRAY_SIZE(extra); i++) {
			m = req_hdrs(mf70, extra[i], &len);
			guard_request(g, &rq, m, len, 1000, &v);
			CHECK_MSG(!v.drop, "%s: dropped as %s", extra[i],
				  guard_reason_str(v.reason));
		}
	}
	unit_case("require: not set, nothing required");
	m = req_hdrs(mf70, "", &len);
	guard_request(g, &lan, m, len, 1000, &v);
	CHECK(!v.drop);

	unit_case("header checks: responses are not judged by them");
	{
		static char buf[1024];
		struct sip_diag diag;
		struct guard_source *to[] = { &hdrs, &hops, &hop0, &rq };

		/* 11 header lines, no Max-Forwards, no Contact, no X-Tenant */
		snprintf(buf, sizeof(buf),
			 "SIP/2.0 200 OK\r\n"
			 "Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKh\r\n"
			 "From: <sip:a@example.com>;tag=1\r\n"
			 "To: <sip:100@example.com>;tag=2\r\n"
			 "Call-ID: h@x\r\nCSeq: 1 OPTIONS\r\n"
			 "Accept: */*\r\nAllow: INVITE\r\nSupported: path\r\n"
			 "Subject: x\r\nServer: PBX\r\n"
			 "Content-Length: 0\r\n\r\n");
		memset(&diag, 0, sizeof(diag));
		if (sip_parse(buf, strlen(buf), &msg, &diag))
			abort();
		CHECK_INT(msg.n_hdrs, 11);
		CHECK_INT(msg.max_forwards, -1);
		for (i = 0; i < ARRAY_SIZE(to); i++) {
			guard_answer(g, to[i], &msg, 1000, &v);
			CHECK_MSG(!v.drop && v.zone >= 0, "zone %d: drop %d",
				  v.zone, v.drop);
		}
	}
	unit_case("header checks: the counters");
	guard_get_stats(g, &st);
	CHECK_INT(st.dropped[GUARD_R_TOO_MANY_HEADERS], 2);
	CHECK_INT(st.dropped[GUARD_R_MAX_FORWARDS], 5);
	CHECK_INT(st.dropped[GUARD_R_MISSING_HEADER], 10);
	guard_free(g);
}

int main(void)
{
	test_accounts();
	test_domains_sweep();
	test_countries();
	test_zones();
	test_rate_and_flood();
	test_unbanned();
	test_scanner_method_size();
	test_answers();
	test_normalize();
	test_header_checks();
	return unit_summary("guard");
}
