// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_engine_toll.c - the engine with toll fraud (engine_set_toll), over
 * a fake backend that keeps the pinholes each commit made live: an
 * extension calling premium numbers trips the breaker at exactly its
 * per-hour limit, the INVITE that is one too many is dropped, its live
 * calls end and their pinholes close in the next commit; the breaker
 * refuses until reset; internal calls and other extensions go on; a
 * challenged INVITE (407) counts once; manual blocks of extensions,
 * classes and users, with expiry; a call past its duration ends at a
 * tick; and the counters add up.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "engine/engine.h"
#include "toll/tollconf.h"

/* The fake kernel: pending adds and deletes, and what is live. */
#define LIVE_MAX	64
struct fake {
	struct pinhole	live[LIVE_MAX];
	unsigned int	n_live;
	int		pend[LIVE_MAX];		/* +1 add, -1 del */
	struct pinhole	pend_ph[LIVE_MAX];
	unsigned int	n_pend;
	unsigned int	commits;
};

static struct fake fk;

static int f_add(void *ctx, const struct pinhole *ph)
{
	(void)ctx;
	if (fk.n_pend < LIVE_MAX) {
		fk.pend[fk.n_pend] = 1;
		fk.pend_ph[fk.n_pend++] = *ph;
	}
	return 0;
}

static int f_del(void *ctx, const struct pinhole *ph)
{
	(void)ctx;
	if (fk.n_pend < LIVE_MAX) {
		fk.pend[fk.n_pend] = -1;
		fk.pend_ph[fk.n_pend++] = *ph;
	}
	return 0;
}

static int f_commit(void *ctx)
{
	unsigned int i, j;

	(void)ctx;
	fk.commits++;
	for (i = 0; i < fk.n_pend; i++) {
		for (j = 0; j < fk.n_live; j++)
			if (pinhole_same_key(&fk.live[j], &fk.pend_ph[i]))
				break;
		if (fk.pend[i] > 0 && j == fk.n_live && fk.n_live < LIVE_MAX)
			fk.live[fk.n_live++] = fk.pend_ph[i];
		else if (fk.pend[i] < 0 && j < fk.n_live)
			fk.live[j] = fk.live[--fk.n_live];
	}
	fk.n_pend = 0;
	return 0;
}

static const struct pinhole_backend_ops ops = {
	.add = f_add, .del = f_del, .commit = f_commit,
};

static const char conf_text[] =
	"country-code 44\n"
	"international-prefix 00\n"
	"national-prefix 0\n"
	"short-max 4\n"
	"class emergency =112\n"
	"class internal short name\n"
	"class unreadable invalid\n"
	"class national home\n"
	"class premium +449\n"
	"class satellite +881\n"
	"class international +\n"
	"exempt emergency\n"
	"internal internal\n"
	"limit premium per-hour 2 cooldown 60\n"
	"limit satellite per-hour 5 duration 30 cooldown 60\n"
	"limit unreadable per-hour 0 cooldown 0\n";

static char buf[2048];
static const char *logged_trip;
static char last_log[512];
static unsigned int n_warnings;

static void log_fn(void *arg, int prio, const char *fmt, ...)
{
	va_list ap;

	(void)arg;
	va_start(ap, fmt);
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
	va_end(ap);
	if (prio <= 4) {	/* LOG_WARNING */
		n_warnings++;
		if (strstr(last_log, "breaker tripped ext"))
			logged_trip = "yes";
	}
}

static struct pkt_meta meta_phone(void)
{
	struct pkt_meta m = { .family = 4, .proto = IPPROTO_UDP,
			      .sport = 5060, .dport = 5060 };

	inet_pton(AF_INET, "10.1.0.2", m.saddr);
	inet_pton(AF_INET, "10.2.0.2", m.daddr);
	return m;
}

static struct pkt_meta meta_pbx(void)
{
	struct pkt_meta m = meta_phone();

	inet_pton(AF_INET, "10.2.0.2", m.saddr);
	inet_pton(AF_INET, "10.1.0.2", m.daddr);
	return m;
}

/* INVITE call @n from @from to @to (user parts), with an offer; a
 * digest username @auth if not NULL */
static size_t invite(unsigned int n, const char *from, const char *to,
		     const char *auth, unsigned int cseq)
{
	static const char sdp[] =
		"v=0\r\no=- 1 1 IN IP4 10.1.0.2\r\ns=-\r\nc=IN IP4 10.1.0.2\r\n"
		"t=0 0\r\nm=audio %u RTP/AVP 0\r\n";
	char ah[160] = "", body[256];

	snprintf(body, sizeof(body), sdp, 4000 + 2 * n);
	if (auth)
		snprintf(ah, sizeof(ah), "Proxy-Authorization: Digest username=\"%s\", "
			 "realm=\"r\", nonce=\"n\", uri=\"sip:x\", response=\"0\"\r\n",
			 auth);
	snprintf(buf, sizeof(buf),
		 "INVITE sip:%s@10.2.0.2 SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 10.1.0.2:5060;branch=z9hG4bK%u.%u\r\n"
		 "Max-Forwards: 70\r\n"
		 "From: <sip:%s@10.1.0.2>;tag=f%u\r\n"
		 "To: <sip:%s@10.2.0.2>\r\n"
		 "Call-ID: toll%u@x\r\n"
		 "CSeq: %u INVITE\r\n%s"
		 "Content-Type: application/sdp\r\n"
		 "Content-Length: %zu\r\n\r\n%s",
		 to, n, cseq, from, n, to, n, cseq, ah, strlen(body), body);
	return strlen(buf);
}

/* A response @status to call @n's INVITE; 200 with an answer */
static size_t answer(unsigned int n, unsigned int status, unsigned int cseq)
{
	static const char sdp[] =
		"v=0\r\no=- 2 2 IN IP4 10.2.0.2\r\ns=-\r\nc=IN IP4 10.2.0.2\r\n"
		"t=0 0\r\nm=audio %u RTP/AVP 0\r\n";
	bool ok = status == 200;
	char body[256];

	snprintf(body, sizeof(body), sdp, 6000 + 2 * n);

	snprintf(buf, sizeof(buf),
		 "SIP/2.0 %u X\r\n"
		 "Via: SIP/2.0/UDP 10.1.0.2:5060;branch=z9hG4bK%u.%u\r\n"
		 "From: <sip:x@10.1.0.2>;tag=f%u\r\n"
		 "To: <sip:y@10.2.0.2>;tag=t%u\r\n"
		 "Call-ID: toll%u@x\r\n"
		 "CSeq: %u INVITE\r\n"
		 "%s"
		 "Content-Length: %zu\r\n\r\n%s",
		 status, n, cseq, n, n, n, cseq,
		 ok ? "Content-Type: application/sdp\r\n" :
		 status == 407 ? "Proxy-Authenticate: Digest realm=\"r\", nonce=\"n\"\r\n" : "",
		 ok ? strlen(body) : (size_t)0, ok ? body : "");
	return strlen(buf);
}

static size_t bye(unsigned int n)
{
	snprintf(buf, sizeof(buf),
		 "BYE sip:y@10.2.0.2 SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 10.1.0.2:5060;branch=z9hG4bKbye%u\r\n"
		 "Max-Forwards: 70\r\n"
		 "From: <sip:x@10.1.0.2>;tag=f%u\r\n"
		 "To: <sip:y@10.2.0.2>;tag=t%u\r\n"
		 "Call-ID: toll%u@x\r\n"
		 "CSeq: 9 BYE\r\n"
		 "Content-Length: 0\r\n\r\n", n, n, n, n);
	return strlen(buf);
}

static size_t reg(const char *user)
{
	snprintf(buf, sizeof(buf),
		 "REGISTER sip:10.2.0.2 SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 10.1.0.2:5060;branch=z9hG4bKreg%s\r\n"
		 "Max-Forwards: 70\r\n"
		 "From: <sip:%s@10.2.0.2>;tag=r\r\n"
		 "To: <sip:%s@10.2.0.2>\r\n"
		 "Call-ID: reg-%s@x\r\n"
		 "CSeq: 1 REGISTER\r\n"
		 "Contact: <sip:%s@10.1.0.2>\r\n"
		 "Content-Length: 0\r\n\r\n", user, user, user, user, user);
	return strlen(buf);
}

static struct engine *e;
static struct tollguard *tg;
static struct tollconf *conf;
static uint64_t now_ms = 1000000;

/* one message, then the batch's commit, as voipfwd does */
static struct engine_verdict msg(bool from_phone, size_t len)
{
	struct pkt_meta m = from_phone ? meta_phone() : meta_pbx();
	struct engine_verdict v;

	now_ms += 10;
	engine_message(e, &m, buf, len, now_ms, &v);
	engine_commit(e);
	return v;
}

/* a whole call set up: INVITE passes, 200 opens its pinholes */
static bool call_up(unsigned int n, const char *from, const char *to)
{
	struct engine_verdict v = msg(true, invite(n, from, to, NULL, 1));

	if (!v.accept)
		return false;
	v = msg(false, answer(n, 200, 1));
	return v.accept && v.opened > 0;
}

static const char *reason(unsigned int n, const char *from, const char *to)
{
	struct engine_verdict v = msg(true, invite(n, from, to, NULL, 1));

	return v.accept ? "pass" : engine_verdict_reason(&v);
}

static uint32_t monday(void *arg)
{
	(void)arg;
	return 600;
}

static unsigned int calls_followed(void)
{
	struct engine_stats st;

	engine_get_stats(e, &st);
	return st.dialogs;
}

static struct span S(const char *s)
{
	return span_make(s, strlen(s));
}

static void test_breaker(void)
{
	struct engine_stats st;
	unsigned int live2;

	unit_case("premium: the calls up to the limit pass, with media");
	CHECK(call_up(1, "100", "0909111222"));
	CHECK(call_up(2, "100", "+449092223333"));
	CHECK_INT(calls_followed(), 2);
	live2 = fk.n_live;
	CHECK(live2 >= 4);

	unit_case("premium: the 3rd within the hour is dropped and trips the breaker");
	logged_trip = NULL;
	CHECK_STR(reason(3, "100", "0909333444"), "toll-per-hour");
	CHECK(logged_trip != NULL);
	CHECK_MSG(strstr(last_log, "ended") || logged_trip, "%s", last_log);

	unit_case("breaker: the live calls ended, their pinholes gone in the commit");
	CHECK_INT(calls_followed(), 0);
	CHECK_INT(fk.n_live, 0);
	CHECK_INT(fk.n_pend, 0);
	engine_get_stats(e, &st);
	CHECK_INT(st.toll_trips, 1);
	CHECK_INT(st.toll_calls_ended, 2);
	CHECK_INT(st.by_toll_reason[TOLLGUARD_PER_HOUR], 1);
	CHECK_INT(st.pinholes, 0);

	unit_case("breaker: premium and the other guarded classes refused, internal passes");
	CHECK_STR(reason(4, "100", "0909444555"), "toll-breaker");
	CHECK_STR(reason(5, "100", "+881612345678"), "toll-breaker");
	CHECK(call_up(6, "100", "201"));
	CHECK_INT(msg(true, bye(6)).accept, 1);
	CHECK_STR(reason(61, "100", "112"), "pass");

	unit_case("breaker: another extension is apart");
	CHECK(call_up(7, "101", "0909777888"));
	CHECK_INT(msg(true, bye(7)).accept, 1);
	CHECK_INT(fk.n_live, 0);

	unit_case("breaker reset (unblock-ext) restores service");
	CHECK_INT(tollguard_breaker_reset(tg, S("100"), now_ms / 1000), 0);
	CHECK(call_up(8, "100", "0909888999"));
	CHECK_INT(msg(true, bye(8)).accept, 1);

	unit_case("breaker: closes by itself after the cool-down (a tick)");
	CHECK(call_up(9, "100", "0909999000"));
	CHECK_STR(reason(10, "100", "0909000111"), "toll-per-hour");
	CHECK_INT(fk.n_live, 0);
	now_ms += 61000;
	engine_tick(e, now_ms, NULL, NULL);
	engine_commit(e);
	CHECK_MSG(strstr(last_log, "breaker of ext 100 closed"), "%s", last_log);
	/* the hour still counts two: the next is one too many again */
	CHECK_STR(reason(11, "100", "0909000222"), "toll-per-hour");
}

static void test_challenge(void)
{
	unsigned int i;

	unit_case("407: a challenged INVITE does not count; the authenticated one does");
	for (i = 0; i < 2; i++) {
		unsigned int n = 20 + i;
		struct engine_verdict v = msg(true, invite(n, "200", "0909123456", NULL, 1));

		CHECK(v.accept);
		CHECK(msg(false, answer(n, 407, 1)).accept);
		v = msg(true, invite(n, "200", "0909123456", "200", 2));
		CHECK(v.accept);
		CHECK(msg(false, answer(n, 200, 2)).accept);
		CHECK(msg(true, bye(n)).accept);
	}
	CHECK_STR(reason(22, "200", "0909123456"), "toll-per-hour");

	unit_case("extension: the digest username, not From");
	{
		struct engine_verdict v = msg(true, invite(23, "999", "0909123456", "200", 1));

		CHECK(!v.accept);
		CHECK_STR(engine_verdict_reason(&v), "toll-breaker");
	}
}

static void test_blocks(void)
{
	uint64_t now_s;

	unit_case("block-ext with expiry: refused until then, then passes");
	now_s = now_ms / 1000;
	CHECK_INT(tollguard_block_ext(tg, S("300"), now_s + 10), 0);
	CHECK_STR(reason(30, "300", "0209460000"), "toll-ext-blocked");
	CHECK_STR(reason(31, "300", "201"), "pass");
	now_ms += 10000;
	engine_tick(e, now_ms, NULL, NULL);
	engine_commit(e);
	CHECK_MSG(strstr(last_log, "block-ext 300 expired"), "%s", last_log);
	CHECK(call_up(32, "300", "0209460000"));
	CHECK(msg(true, bye(32)).accept);

	unit_case("block-class: every extension; unblock restores");
	CHECK_INT(tollguard_block_class(tg, (unsigned int)tollconf_class_find(conf,
				SPAN_LIT("international")), TOLLGUARD_FOREVER), 0);
	CHECK_STR(reason(33, "301", "0033123456789"), "toll-class-blocked");
	CHECK_STR(reason(34, "302", "+33123456789"), "toll-class-blocked");
	CHECK_INT(tollguard_unblock_class(tg, (unsigned int)tollconf_class_find(conf,
				SPAN_LIT("international"))), 0);
	CHECK(call_up(35, "301", "0033123456789"));
	CHECK(msg(true, bye(35)).accept);

	unit_case("block-user: REGISTER and INVITE dropped; unblock restores");
	CHECK_INT(tollguard_block_user(tg, S("mallory"), TOLLGUARD_FOREVER), 0);
	{
		struct engine_verdict v = msg(true, reg("mallory"));

		CHECK(!v.accept);
		CHECK_STR(engine_verdict_reason(&v), "user-blocked");
		v = msg(true, invite(36, "x", "201", "mallory", 1));
		CHECK(!v.accept);
		CHECK_STR(engine_verdict_reason(&v), "user-blocked");
		CHECK(msg(true, reg("alice")).accept);
	}
	CHECK_INT(tollguard_unblock_user(tg, S("mallory")), 0);
	CHECK(msg(true, reg("mallory")).accept);
}

static void test_duration(void)
{
	struct engine_stats st, st2;
	unsigned int before = calls_followed();

	unit_case("duration: a satellite call past 30 s ends at a tick, media closed");
	engine_get_stats(e, &st);
	CHECK(call_up(40, "400", "+881612345678"));
	CHECK(fk.n_live > 0);
	now_ms += 29000;
	engine_tick(e, now_ms, NULL, NULL);
	engine_commit(e);
	CHECK(fk.n_live > 0);
	now_ms += 1000;
	engine_tick(e, now_ms, NULL, NULL);
	engine_commit(e);
	CHECK_INT(fk.n_live, 0);
	CHECK_INT(calls_followed(), before);
	engine_get_stats(e, &st2);
	CHECK_INT(st2.toll_calls_ended - st.toll_calls_ended, 1);
	CHECK_INT(st2.toll_trips - st.toll_trips, 1);
}

static void test_off(void)
{
	unit_case("off: engine_set_toll(NULL) judges nothing");
	engine_set_toll(e, NULL);
	CHECK(call_up(50, "100", "0909555666"));
	CHECK(msg(true, bye(50)).accept);
}

int main(void)
{
	struct pinhole_backend be = { .ops = &ops, .ctx = NULL };
	struct siphash_key key = { 3, 4 };
	struct engine_config cfg;
	struct engine_toll t;
	char err[256];

	unit_case("setup");
	conf = tollconf_parse(conf_text, sizeof(conf_text) - 1, "toll.conf", err,
			      sizeof(err));
	if (!CHECK_MSG(conf, "%s", err))
		return unit_summary("engine-toll");
	tg = tollguard_new(conf, 64, 64, &key);
	engine_config_defaults(&cfg);
	cfg.group_commit = true;
	e = engine_new(&cfg, &be, log_fn, NULL);
	if (!CHECK(tg && e))
		return unit_summary("engine-toll");
	t = (struct engine_toll){ .tg = tg, .conf = conf, .week_min = monday };
	engine_set_toll(e, &t);
	test_breaker();
	test_challenge();
	test_blocks();
	test_duration();
	test_off();
	engine_free(e);
	tollguard_free(tg);
	tollconf_free(conf);
	return unit_summary("engine-toll");
}
