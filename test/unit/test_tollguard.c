// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_tollguard.c - the toll-fraud decisions: each limit trips at the
 * call that is one too many and not before, the breaker's cool-down and
 * the calls it ends, durations at a tick, time windows at their edges,
 * manual blocks with and without expiry, exempt and internal classes,
 * full tables (fail closed, idle extensions evicted), retransmitted
 * INVITEs; then long random runs against a plain model.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "toll/tollconf.h"
#include "toll/tollguard.h"

static const char conf_text[] =
	"country-code 44\n"
	"class emergency =112\n"
	"class internal short name\n"
	"class bad invalid\n"
	"class national home\n"
	"class intl +\n"
	"class prem +449\n"
	"exempt emergency\n"
	"internal internal\n"
	"limit intl per-hour 3 concurrent 2 duration 600 cooldown 300\n"
	"limit prem per-hour 2 cooldown 0\n"
	"limit bad per-hour 0 cooldown 0\n"
	"window prem mon-fri 08:00-19:00\n";

static struct tollconf *conf;
static unsigned int EMERG, INTERNAL, BAD, NATIONAL, INTL, PREM;
static const struct siphash_key key0 = { 7, 9 };

/* Monday 10:00, inside every window */
#define MON10	(10u * 60)
#define SAT10	(5u * 1440 + 10 * 60)

#define EV_MAX	64
static struct {
	struct tollguard_event	ev;
	char			ext[TOLLGUARD_NAME_MAX + 1];
} evs[EV_MAX];
static unsigned int n_evs;

static void record(const struct tollguard_event *ev, void *arg)
{
	(void)arg;
	if (n_evs == EV_MAX)
		return;
	evs[n_evs].ev = *ev;
	snprintf(evs[n_evs].ext, sizeof(evs[n_evs].ext), "%s", ev->ext ? ev->ext : "");
	n_evs++;
}

static unsigned int count_ev(enum tollguard_event_type type)
{
	unsigned int i, n = 0;

	for (i = 0; i < n_evs; i++)
		n += evs[i].ev.type == type;
	return n;
}

static bool killed(uint64_t ref)
{
	unsigned int i;

	for (i = 0; i < n_evs; i++)
		if ((evs[i].ev.type == TOLLGUARD_EV_KILL ||
		     evs[i].ev.type == TOLLGUARD_EV_DURATION) && evs[i].ev.call_ref == ref)
			return true;
	return false;
}

static struct span S(const char *s)
{
	return span_make(s, strlen(s));
}

static struct tollguard_verdict start(struct tollguard *tg, const char *ext,
				      unsigned int cls, uint64_t ref, uint64_t now,
				      uint32_t wmin)
{
	return tollguard_call_start(tg, S(ext), cls, ref, now, wmin, record, NULL);
}

static enum tollguard_reason why(struct tollguard *tg, const char *ext,
				 unsigned int cls, uint64_t ref, uint64_t now)
{
	return start(tg, ext, cls, ref, now, MON10).reason;
}

static struct tollguard *fresh(uint32_t exts, uint32_t calls)
{
	n_evs = 0;
	return tollguard_new(conf, exts, calls, &key0);
}

static void test_per_hour(void)
{
	struct tollguard *tg = fresh(16, 16);
	struct tollguard_verdict v;
	uint64_t ref;

	unit_case("per-hour: the 3rd call passes, the 4th trips");
	for (ref = 1; ref <= 3; ref++) {
		CHECK_INT(why(tg, "201", INTL, ref, ref * 10), TOLLGUARD_OK);
		CHECK_INT(tollguard_call_end(tg, ref, ref * 10 + 1), 0);
	}
	v = start(tg, "201", INTL, 4, 40, MON10);
	CHECK(!v.allow);
	CHECK_INT(v.reason, TOLLGUARD_PER_HOUR);
	CHECK_STR(v.text, "per-hour limit");
	CHECK(v.tripped);
	CHECK_INT(count_ev(TOLLGUARD_EV_TRIP), 1);
	CHECK_INT(evs[0].ev.until, 340);
	CHECK_INT(evs[0].ev.reason, TOLLGUARD_PER_HOUR);
	CHECK_INT(evs[0].ev.cls, INTL);
	CHECK_STR(evs[0].ext, "201");

	unit_case("per-hour: other extensions and classes are apart");
	CHECK_INT(why(tg, "202", INTL, 10, 41), TOLLGUARD_OK);
	CHECK_INT(why(tg, "201", NATIONAL, 11, 42), TOLLGUARD_OK);

	unit_case("breaker: refuses guarded classes until the cool-down ends");
	CHECK_INT(why(tg, "201", INTL, 12, 339), TOLLGUARD_BREAKER);
	CHECK_INT(why(tg, "201", PREM, 13, 339), TOLLGUARD_BREAKER);
	CHECK_INT(tollguard_breaker_until(tg, S("201"), 339), 340);
	n_evs = 0;
	tollguard_tick(tg, 339, record, NULL);
	CHECK_INT(count_ev(TOLLGUARD_EV_RESET), 0);
	tollguard_tick(tg, 340, record, NULL);
	CHECK_INT(count_ev(TOLLGUARD_EV_RESET), 1);
	CHECK_STR(evs[0].ext, "201");
	CHECK_INT(tollguard_breaker_until(tg, S("201"), 340), 0);
	unit_case("breaker: closed again, the hour still counts");
	CHECK_INT(why(tg, "201", PREM, 14, 340), TOLLGUARD_OK);
	CHECK_INT(why(tg, "201", INTL, 15, 341), TOLLGUARD_PER_HOUR);
	tollguard_free(tg);

	/* prem: 2 an hour, cool-down 0: refused without a breaker */
	tg = fresh(16, 16);
	unit_case("per-hour: the window is the current minute and the 59 before");
	CHECK_INT(why(tg, "201", PREM, 1, 0), TOLLGUARD_OK);
	CHECK_INT(why(tg, "201", PREM, 2, 60), TOLLGUARD_OK);
	v = start(tg, "201", PREM, 3, 120, MON10);
	CHECK_INT(v.reason, TOLLGUARD_PER_HOUR);
	CHECK(!v.tripped);
	CHECK_INT(count_ev(TOLLGUARD_EV_TRIP), 0);
	CHECK_INT(why(tg, "201", PREM, 3, 3599), TOLLGUARD_PER_HOUR);
	CHECK_INT(why(tg, "201", PREM, 3, 3600), TOLLGUARD_OK);	/* t=0 left */
	CHECK_INT(why(tg, "201", PREM, 4, 3659), TOLLGUARD_PER_HOUR);
	CHECK_INT(why(tg, "201", PREM, 4, 3660), TOLLGUARD_OK);	/* t=60 left */
	CHECK_INT(why(tg, "201", PREM, 5, 3661), TOLLGUARD_PER_HOUR);
	unit_case("per-hour: a long silence forgets everything");
	CHECK_INT(why(tg, "201", PREM, 6, 100000), TOLLGUARD_OK);
	CHECK_INT(why(tg, "201", PREM, 7, 100001), TOLLGUARD_OK);
	CHECK_INT(why(tg, "201", PREM, 8, 100002), TOLLGUARD_PER_HOUR);
	unit_case("per-hour 0: every call is refused");
	CHECK_INT(why(tg, "201", BAD, 9, 100003), TOLLGUARD_PER_HOUR);
	tollguard_free(tg);
}

static void test_concurrent(void)
{
	struct tollguard *tg = fresh(16, 16);
	struct tollguard_verdict v;
	struct tollguard_stats st;

	unit_case("concurrent: 2 live pass, the 3rd trips and ends the live ones");
	CHECK_INT(why(tg, "201", INTL, 1, 0), TOLLGUARD_OK);
	CHECK_INT(why(tg, "201", INTL, 2, 1), TOLLGUARD_OK);
	CHECK_INT(why(tg, "201", NATIONAL, 3, 2), TOLLGUARD_OK);	/* unguarded */
	CHECK_INT(why(tg, "202", INTL, 4, 3), TOLLGUARD_OK);		/* another ext */
	v = start(tg, "201", INTL, 5, 4, MON10);
	CHECK_INT(v.reason, TOLLGUARD_CONCURRENT);
	CHECK(v.tripped);
	CHECK_INT(count_ev(TOLLGUARD_EV_TRIP), 1);
	CHECK_INT(count_ev(TOLLGUARD_EV_KILL), 2);
	CHECK(killed(1));
	CHECK(killed(2));
	CHECK(!killed(3));
	CHECK(!killed(4));
	CHECK_INT(evs[0].ev.type, TOLLGUARD_EV_TRIP);	/* TRIP before its KILLs */
	unit_case("concurrent: killed calls are forgotten, the rest live on");
	CHECK_INT(tollguard_call_end(tg, 1, 5), -1);
	CHECK_INT(tollguard_call_end(tg, 2, 5), -1);
	tollguard_stats(tg, &st);
	CHECK_INT(st.calls, 2);
	CHECK_INT(st.exts, 2);
	CHECK_INT(tollguard_call_end(tg, 3, 5), 0);
	CHECK_INT(tollguard_call_end(tg, 3, 5), -1);
	unit_case("concurrent: an ended call frees its place");
	CHECK_INT(why(tg, "202", INTL, 6, 6), TOLLGUARD_OK);
	CHECK_INT(why(tg, "202", INTL, 7, 7), TOLLGUARD_CONCURRENT);
	tollguard_free(tg);

	tg = fresh(16, 16);
	unit_case("concurrent: below the limit after an end, no trip");
	CHECK_INT(why(tg, "201", INTL, 1, 0), TOLLGUARD_OK);
	CHECK_INT(why(tg, "201", INTL, 2, 0), TOLLGUARD_OK);
	CHECK_INT(tollguard_call_end(tg, 1, 1), 0);
	CHECK_INT(why(tg, "201", INTL, 3, 2), TOLLGUARD_OK);
	CHECK_INT(count_ev(TOLLGUARD_EV_TRIP), 0);
	tollguard_free(tg);
}

static void test_duration(void)
{
	struct tollguard *tg = fresh(16, 16);

	unit_case("duration: not at 599 s, at 600 s: ended, breaker trips");
	CHECK_INT(why(tg, "201", INTL, 1, 0), TOLLGUARD_OK);
	CHECK_INT(why(tg, "201", INTL, 2, 100), TOLLGUARD_OK);
	CHECK_INT(why(tg, "202", INTL, 3, 0), TOLLGUARD_OK);
	CHECK_INT(why(tg, "201", NATIONAL, 4, 0), TOLLGUARD_OK);	/* no duration */
	n_evs = 0;
	tollguard_tick(tg, 599, record, NULL);
	CHECK_INT(n_evs, 0);
	tollguard_tick(tg, 600, record, NULL);
	CHECK_INT(count_ev(TOLLGUARD_EV_DURATION), 2);	/* 201's and 202's */
	CHECK(killed(1));
	CHECK(killed(3));
	CHECK_INT(count_ev(TOLLGUARD_EV_TRIP), 2);
	CHECK_INT(count_ev(TOLLGUARD_EV_KILL), 1);	/* 201's second call */
	CHECK(killed(2));
	CHECK(!killed(4));
	CHECK_INT(tollguard_breaker_until(tg, S("201"), 600), 900);
	CHECK_INT(why(tg, "201", INTL, 5, 899), TOLLGUARD_BREAKER);
	unit_case("breaker: closes at its time without waiting for a tick");
	CHECK_INT(why(tg, "201", INTL, 6, 900), TOLLGUARD_OK);
	CHECK_INT(tollguard_call_end(tg, 4, 900), 0);
	tollguard_free(tg);
}

static void test_windows(void)
{
	struct tollguard *tg = fresh(16, 16);
	struct tollguard_verdict v;

	unit_case("window: outside refuses without a trip");
	v = start(tg, "201", PREM, 1, 0, SAT10);
	CHECK_INT(v.reason, TOLLGUARD_WINDOW);
	CHECK(!v.tripped);
	CHECK_INT(n_evs, 0);
	CHECK_INT(start(tg, "201", PREM, 1, 0, 7 * 60 + 59).reason, TOLLGUARD_WINDOW);
	CHECK_INT(start(tg, "201", PREM, 1, 0, 8 * 60).reason, TOLLGUARD_OK);
	CHECK_INT(start(tg, "201", PREM, 2, 0, 4 * 1440 + 18 * 60 + 59).reason,
		  TOLLGUARD_OK);
	CHECK_INT(start(tg, "201", PREM, 3, 0, 4 * 1440 + 19 * 60).reason,
		  TOLLGUARD_WINDOW);
	unit_case("window: refused calls do not count against the hour");
	CHECK_INT(start(tg, "202", PREM, 4, 0, SAT10).reason, TOLLGUARD_WINDOW);
	CHECK_INT(start(tg, "202", PREM, 4, 0, SAT10).reason, TOLLGUARD_WINDOW);
	CHECK_INT(start(tg, "202", PREM, 4, 0, MON10).reason, TOLLGUARD_OK);
	CHECK_INT(start(tg, "202", PREM, 5, 0, MON10).reason, TOLLGUARD_OK);
	unit_case("window: tollguard_week_min");
	CHECK_INT(tollguard_week_min(1, 0, 0), 0);		/* Monday */
	CHECK_INT(tollguard_week_min(0, 23, 59), 10079);	/* Sunday */
	CHECK_INT(tollguard_week_min(5, 19, 0), 4 * 1440 + 19 * 60);
	tollguard_free(tg);
}

static unsigned int n_dumped;
static char dumped[8][80];

static void dump_fn(const struct tollguard_block *b, void *arg)
{
	static const char *const kinds[] = { "ext", "class", "user" };

	(void)arg;
	if (n_dumped < 8)
		snprintf(dumped[n_dumped], sizeof(dumped[0]), "%s %s %llu",
			 kinds[b->kind], b->name, (unsigned long long)b->expiry);
	n_dumped++;
}

static void test_blocks(void)
{
	struct tollguard *tg = fresh(16, 16);
	char name[TOLLGUARD_NAME_MAX + 2];
	unsigned int i;

	unit_case("block-ext: every outbound class until the expiry");
	CHECK_INT(tollguard_block_ext(tg, S("201"), 100), 0);
	CHECK_INT(why(tg, "201", INTL, 1, 99), TOLLGUARD_EXT_BLOCKED);
	CHECK_INT(why(tg, "201", NATIONAL, 2, 99), TOLLGUARD_EXT_BLOCKED);
	CHECK_INT(why(tg, "201", INTERNAL, 3, 99), TOLLGUARD_OK);
	CHECK_INT(why(tg, "201", EMERG, 4, 99), TOLLGUARD_OK);
	CHECK_INT(why(tg, "2010", INTL, 5, 99), TOLLGUARD_OK);
	CHECK_INT(why(tg, "201", INTL, 6, 100), TOLLGUARD_OK);
	CHECK_INT(tollguard_call_end(tg, 6, 100), 0);
	n_evs = 0;
	tollguard_tick(tg, 99, record, NULL);
	CHECK_INT(count_ev(TOLLGUARD_EV_UNBLOCK), 0);
	tollguard_tick(tg, 100, record, NULL);
	CHECK_INT(count_ev(TOLLGUARD_EV_UNBLOCK), 1);
	CHECK_STR(evs[0].ext, "201");
	CHECK_INT(evs[0].ev.block, TOLLGUARD_BLOCK_EXT);
	CHECK_INT(tollguard_unblock_ext(tg, S("201")), -1);	/* expired: gone */
	CHECK_INT(errno, ENOENT);

	unit_case("block-ext: forever until unblocked; blocking again replaces");
	CHECK_INT(tollguard_block_ext(tg, S("203"), TOLLGUARD_FOREVER), 0);
	CHECK_INT(why(tg, "203", INTL, 7, 1000000000), TOLLGUARD_EXT_BLOCKED);
	CHECK_INT(tollguard_block_ext(tg, S("203"), 200), 0);
	CHECK_INT(why(tg, "203", INTL, 7, 200), TOLLGUARD_OK);
	CHECK_INT(tollguard_block_ext(tg, S("203"), TOLLGUARD_FOREVER), 0);
	CHECK_INT(tollguard_unblock_ext(tg, S("203")), 0);
	CHECK_INT(why(tg, "203", INTL, 8, 201), TOLLGUARD_OK);
	CHECK_INT(tollguard_block_ext(tg, S(""), 0), -1);
	CHECK_INT(errno, EINVAL);

	unit_case("block-class: every extension; exempt cannot be blocked");
	CHECK_INT(tollguard_block_class(tg, INTL, 500), 0);
	CHECK_INT(why(tg, "204", INTL, 9, 499), TOLLGUARD_CLASS_BLOCKED);
	CHECK_INT(why(tg, "205", INTL, 10, 499), TOLLGUARD_CLASS_BLOCKED);
	CHECK_INT(why(tg, "204", NATIONAL, 11, 499), TOLLGUARD_OK);
	CHECK_INT(tollguard_block_class(tg, INTERNAL, TOLLGUARD_FOREVER), 0);
	CHECK_INT(why(tg, "204", INTERNAL, 12, 499), TOLLGUARD_CLASS_BLOCKED);
	CHECK_INT(tollguard_block_class(tg, EMERG, TOLLGUARD_FOREVER), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(tollguard_block_class(tg, 99, TOLLGUARD_FOREVER), -1);
	CHECK_INT(why(tg, "204", EMERG, 13, 499), TOLLGUARD_OK);
	CHECK_INT(why(tg, "204", INTL, 14, 500), TOLLGUARD_OK);
	CHECK_INT(tollguard_unblock_class(tg, INTERNAL), 0);
	CHECK_INT(tollguard_unblock_class(tg, INTERNAL), -1);
	CHECK_INT(why(tg, "204", INTERNAL, 15, 500), TOLLGUARD_OK);

	unit_case("block-user: with expiry; a name too long counts as blocked");
	CHECK_INT(tollguard_block_user(tg, S("alice"), 1000), 0);
	CHECK(tollguard_user_blocked(tg, S("alice"), 999));
	CHECK(!tollguard_user_blocked(tg, S("alice"), 1000));
	CHECK(!tollguard_user_blocked(tg, S("alicf"), 999));
	CHECK(!tollguard_user_blocked(tg, S(""), 999));
	memset(name, 'a', sizeof(name));
	CHECK(tollguard_user_blocked(tg, span_make(name, TOLLGUARD_NAME_MAX + 1), 0));
	CHECK(!tollguard_user_blocked(tg, span_make(name, TOLLGUARD_NAME_MAX), 0));
	CHECK_INT(tollguard_block_user(tg, span_make(name, TOLLGUARD_NAME_MAX + 1), 0), -1);

	unit_case("dump: what is in force, nothing expired");
	CHECK_INT(tollguard_block_ext(tg, S("206"), TOLLGUARD_FOREVER), 0);
	CHECK_INT(tollguard_block_class(tg, PREM, 2000), 0);
	n_dumped = 0;
	CHECK_INT(tollguard_dump(tg, 600, dump_fn, NULL), 3);
	CHECK_INT(n_dumped, 3);
	CHECK_STR(dumped[0], "class prem 2000");
	CHECK_STR(dumped[1], "ext 206 0");
	CHECK_STR(dumped[2], "user alice 1000");
	n_dumped = 0;
	CHECK_INT(tollguard_dump(tg, 1000, dump_fn, NULL), 2);
	n_evs = 0;
	tollguard_tick(tg, 2000, record, NULL);
	CHECK_INT(count_ev(TOLLGUARD_EV_UNBLOCK), 3);	/* intl, prem, alice */
	n_dumped = 0;
	CHECK_INT(tollguard_dump(tg, 2000, dump_fn, NULL), 1);

	unit_case("blocks: the table has room for %d of each", TOLLGUARD_BLOCKS_MAX);
	for (i = 1; i < TOLLGUARD_BLOCKS_MAX; i++) {
		snprintf(name, sizeof(name), "x%u", i);
		if (!CHECK_INT(tollguard_block_ext(tg, S(name), 0), 0))
			break;
	}
	CHECK_INT(tollguard_block_ext(tg, S("one-too-many"), 0), -1);
	CHECK_INT(errno, ENOSPC);
	CHECK_INT(tollguard_block_ext(tg, S("x7"), 5), 0);	/* replace: room */
	CHECK_INT(tollguard_unblock_ext(tg, S("x7")), 0);
	CHECK_INT(tollguard_block_ext(tg, S("one-too-many"), 0), 0);
	tollguard_free(tg);
}

static void test_edges(void)
{
	struct tollguard *tg = fresh(16, 16);
	char name[TOLLGUARD_NAME_MAX + 1];
	struct tollguard_stats st;
	uint64_t ref;

	unit_case("exempt: emergency passes an open breaker, a block, a bad ext");
	CHECK_INT(why(tg, "201", INTL, 1, 0), TOLLGUARD_OK);
	CHECK_INT(why(tg, "201", INTL, 2, 0), TOLLGUARD_OK);
	CHECK_INT(why(tg, "201", INTL, 3, 0), TOLLGUARD_CONCURRENT);
	CHECK_INT(why(tg, "201", EMERG, 4, 1), TOLLGUARD_OK);
	CHECK_INT(tollguard_block_ext(tg, S("201"), 0), 0);
	CHECK_INT(why(tg, "201", EMERG, 5, 1), TOLLGUARD_OK);
	CHECK_INT(why(tg, "", EMERG, 6, 1), TOLLGUARD_OK);
	tollguard_stats(tg, &st);
	CHECK_INT(st.calls, 0);		/* exempt calls are not followed */

	unit_case("bad ext: empty or longer than %d is refused", TOLLGUARD_NAME_MAX);
	memset(name, 'e', sizeof(name));
	CHECK_INT(why(tg, "", NATIONAL, 7, 1), TOLLGUARD_BAD_EXT);
	CHECK_INT(tollguard_call_start(tg, span_make(name, TOLLGUARD_NAME_MAX + 1),
				       NATIONAL, 8, 1, MON10, NULL, NULL).reason,
		  TOLLGUARD_BAD_EXT);
	CHECK_INT(tollguard_call_start(tg, span_make(name, TOLLGUARD_NAME_MAX),
				       NATIONAL, 8, 1, MON10, NULL, NULL).reason,
		  TOLLGUARD_OK);
	CHECK_INT(why(tg, "", INTERNAL, 9, 1), TOLLGUARD_OK);	/* not outbound */

	unit_case("unknown class: judged as the invalid numbers' class");
	CHECK_INT(why(tg, "207", 99, 10, 1), TOLLGUARD_PER_HOUR);
	CHECK_INT(why(tg, "207", TOLLCONF_CLASS_MAX, 10, 1), TOLLGUARD_PER_HOUR);

	unit_case("retransmission: the same call counts once");
	for (ref = 0; ref < 5; ref++)
		CHECK_INT(why(tg, "208", INTL, 100, 10 + ref), TOLLGUARD_OK);
	CHECK_INT(why(tg, "208", INTL, 101, 20), TOLLGUARD_OK);
	CHECK_INT(tollguard_call_end(tg, 100, 21), 0);
	CHECK_INT(tollguard_call_end(tg, 101, 21), 0);
	CHECK_INT(why(tg, "208", INTL, 102, 22), TOLLGUARD_OK);	/* the 3rd */
	CHECK_INT(why(tg, "208", INTL, 103, 23), TOLLGUARD_PER_HOUR);

	unit_case("reason texts");
	CHECK_STR(tollguard_reason_text(TOLLGUARD_BREAKER), "breaker open");
	CHECK_STR(tollguard_reason_text(__TOLLGUARD_REASON_MAX), "unknown");
	CHECK(!tollguard_new(conf, 0, 1, &key0));
	CHECK(!tollguard_new(conf, 1, 0, &key0));
	tollguard_free(tg);
	tollguard_free(NULL);
}

static void test_full(void)
{
	struct tollguard *tg = fresh(2, 8);
	struct tollguard_stats st;

	unit_case("full: a third extension is refused while two are busy");
	CHECK_INT(why(tg, "a", NATIONAL, 1, 0), TOLLGUARD_OK);
	CHECK_INT(why(tg, "b", NATIONAL, 2, 0), TOLLGUARD_OK);
	CHECK_INT(why(tg, "c", NATIONAL, 3, 10), TOLLGUARD_TABLE_FULL);
	CHECK_INT(why(tg, "c", INTERNAL, 3, 10), TOLLGUARD_OK);	/* no slot needed */
	unit_case("full: an ended call is not idle for an hour");
	CHECK_INT(tollguard_call_end(tg, 1, 20), 0);
	CHECK_INT(why(tg, "c", NATIONAL, 3, 3599), TOLLGUARD_TABLE_FULL);
	unit_case("full: after an hour its slot goes to the new one");
	CHECK_INT(why(tg, "c", NATIONAL, 3, 3600), TOLLGUARD_OK);
	tollguard_stats(tg, &st);
	CHECK_INT(st.evicted, 1);
	CHECK_INT(st.refused_full, 2);
	CHECK_INT(st.exts, 2);
	unit_case("full: the evicted one comes back fresh, b is still busy");
	CHECK_INT(why(tg, "a", NATIONAL, 4, 3700), TOLLGUARD_TABLE_FULL);
	tollguard_free(tg);

	tg = fresh(8, 2);
	unit_case("full: the call table refuses the one too many");
	CHECK_INT(why(tg, "a", NATIONAL, 1, 0), TOLLGUARD_OK);
	CHECK_INT(why(tg, "b", NATIONAL, 2, 0), TOLLGUARD_OK);
	CHECK_INT(why(tg, "c", NATIONAL, 3, 0), TOLLGUARD_TABLE_FULL);
	CHECK_INT(tollguard_call_end(tg, 2, 1), 0);
	CHECK_INT(why(tg, "c", NATIONAL, 3, 1), TOLLGUARD_OK);
	tollguard_stats(tg, &st);
	CHECK_INT(st.refused_full, 1);
	CHECK_INT(st.calls, 2);
	tollguard_free(tg);
}

static void test_breaker_eviction(void)
{
	static const char text[] =
		"country-code 44\nclass all + short name invalid\n"
		"limit all concurrent 0 cooldown 2d\n";
	char err[256];
	struct tollconf *c2 = tollconf_parse(text, sizeof(text) - 1, "t", err,
					     sizeof(err));
	struct tollguard *tg;

	unit_case("full: an extension with an open breaker keeps its slot");
	if (!CHECK_MSG(c2, "%s", err))
		return;
	tg = tollguard_new(c2, 1, 4, &key0);
	CHECK_INT(tollguard_call_start(tg, S("a"), 0, 1, 0, MON10, NULL, NULL).reason,
		  TOLLGUARD_CONCURRENT);
	CHECK_INT(tollguard_call_start(tg, S("b"), 0, 2, 7200, MON10, NULL,
				       NULL).reason, TOLLGUARD_TABLE_FULL);
	CHECK_INT(tollguard_call_start(tg, S("a"), 0, 3, 7200, MON10, NULL,
				       NULL).reason, TOLLGUARD_BREAKER);
	CHECK_INT(tollguard_call_start(tg, S("b"), 0, 2, 2 * 86400, MON10, NULL,
				       NULL).reason, TOLLGUARD_CONCURRENT);
	tollguard_free(tg);
	tollconf_free(c2);
}

/* ---- against a model ------------------------------------------------------ */

#define M_EXTS		3
#define M_CALLS		64
#define M_PER_HOUR	4
#define M_CONC		2
#define M_COOL		120
#define M_DUR		300

struct m_call {
	uint64_t	ref, start;
	int		ext;
	bool		live;
};

static struct {
	uint64_t	starts[4096];
	unsigned int	n_starts;
	uint64_t	until;
} m_ext[M_EXTS];
static struct m_call m_calls[M_CALLS];
static unsigned int m_n;

static unsigned int m_live(int e)
{
	unsigned int i, n = 0;

	for (i = 0; i < m_n; i++)
		n += m_calls[i].live && m_calls[i].ext == e;
	return n;
}

static void m_trip(int e, uint64_t now)
{
	unsigned int i;

	if (m_ext[e].until < now + M_COOL)
		m_ext[e].until = now + M_COOL;
	for (i = 0; i < m_n; i++)
		if (m_calls[i].ext == e)
			m_calls[i].live = false;
}

static enum tollguard_reason m_start(int e, uint64_t now)
{
	unsigned int i, hour = 0;

	if (m_ext[e].until > now)
		return TOLLGUARD_BREAKER;
	if (m_live(e) >= M_CONC) {
		m_trip(e, now);
		return TOLLGUARD_CONCURRENT;
	}
	for (i = 0; i < m_ext[e].n_starts; i++)
		hour += now / 60 - m_ext[e].starts[i] / 60 < 60;
	if (hour >= M_PER_HOUR) {
		m_trip(e, now);
		return TOLLGUARD_PER_HOUR;
	}
	m_ext[e].starts[m_ext[e].n_starts++ % 4096] = now;
	return TOLLGUARD_OK;
}

static void m_tick(uint64_t now)
{
	unsigned int i;

	for (i = 0; i < m_n; i++)
		if (m_calls[i].live && now - m_calls[i].start >= M_DUR) {
			m_calls[i].live = false;
			m_trip(m_calls[i].ext, now);
		}
}

static void test_model(void)
{
	static const char text[] =
		"country-code 44\nclass all + short name invalid\n"
		"limit all per-hour 4 concurrent 2 duration 300 cooldown 120\n";
	static const char *const names[M_EXTS] = { "201", "202", "203" };
	char err[256];
	struct tollconf *c2 = tollconf_parse(text, sizeof(text) - 1, "t", err,
					     sizeof(err));
	unsigned int run, step, bad = 0, seen[__TOLLGUARD_REASON_MAX] = { 0 };

	unit_case("model: 200 random runs of 300 steps agree");
	if (!CHECK_MSG(c2, "%s", err))
		return;
	srandom(1);
	for (run = 0; run < 200 && !bad; run++) {
		struct tollguard *tg = tollguard_new(c2, M_EXTS, M_CALLS, &key0);
		uint64_t now = 1000, ref = 1;

		memset(m_ext, 0, sizeof(m_ext));
		m_n = 0;
		for (step = 0; step < 300 && m_n < M_CALLS && !bad; step++) {
			int op = (int)(random() % 4), e = (int)(random() % M_EXTS);
			unsigned int i;

			if (op == 0) {
				now += (uint64_t)(random() % 400);
				tollguard_tick(tg, now, NULL, NULL);
				m_tick(now);
			} else if (op == 1 && m_n) {
				i = (unsigned int)random() % m_n;
				if (tollguard_call_end(tg, m_calls[i].ref, now) !=
				    (m_calls[i].live ? 0 : -1))
					bad++;
				m_calls[i].live = false;
			} else {
				enum tollguard_reason got, want = m_start(e, now);

				got = tollguard_call_start(tg, S(names[e]), 0, ref, now,
							   MON10, NULL, NULL).reason;
				if (!CHECK_MSG(got == want, "run %u step %u: %s at %llu: "
					       "got %s, want %s", run, step, names[e],
					       (unsigned long long)now,
					       tollguard_reason_text(got),
					       tollguard_reason_text(want)))
					bad++;
				seen[want]++;
				if (want == TOLLGUARD_OK)
					m_calls[m_n++] = (struct m_call){ ref, now, e, true };
				ref++;
			}
			for (e = 0; e < M_EXTS; e++) {
				uint64_t u = tollguard_breaker_until(tg, S(names[e]), now);

				if (!CHECK_MSG(u == (m_ext[e].until > now ? m_ext[e].until : 0),
					       "run %u step %u: breaker of %s", run, step,
					       names[e]))
					bad++;
			}
		}
		tollguard_free(tg);
	}
	CHECK_INT(bad, 0);
	unit_case("model: the runs met every limit and the breaker");
	CHECK(seen[TOLLGUARD_OK] > 1000);
	CHECK(seen[TOLLGUARD_PER_HOUR] > 100);
	CHECK(seen[TOLLGUARD_CONCURRENT] > 100);
	CHECK(seen[TOLLGUARD_BREAKER] > 100);
	printf("model: %u ok, %u per-hour, %u concurrent, %u breaker\n",
	       seen[TOLLGUARD_OK], seen[TOLLGUARD_PER_HOUR],
	       seen[TOLLGUARD_CONCURRENT], seen[TOLLGUARD_BREAKER]);
	tollconf_free(c2);
}

static unsigned int n_brk;
static char brk_ext[8][TOLLGUARD_NAME_MAX + 1];
static uint64_t brk_until[8];

static void brk_fn(const char *ext, uint64_t until, void *arg)
{
	(void)arg;
	if (n_brk < 8) {
		snprintf(brk_ext[n_brk], sizeof(brk_ext[0]), "%s", ext);
		brk_until[n_brk] = until;
	}
	n_brk++;
}

static void test_breaker_ops(void)
{
	struct tollguard *tg = fresh(16, 16), *tg2;
	uint64_t ref;

	unit_case("breaker reset: closes an open breaker, the hour starts afresh");
	for (ref = 1; ref <= 2; ref++)
		CHECK_INT(why(tg, "301", INTL, ref, 10), TOLLGUARD_OK);
	CHECK_INT(why(tg, "301", INTL, 3, 11), TOLLGUARD_CONCURRENT);
	CHECK_INT(tollguard_breaker_until(tg, S("301"), 12), 311);
	CHECK_INT(tollguard_breaker_reset(tg, S("301"), 12), 0);
	CHECK_INT(tollguard_breaker_until(tg, S("301"), 12), 0);
	/* the trip ended the two live ones; the count starts again */
	CHECK_INT(why(tg, "301", INTL, 4, 13), TOLLGUARD_OK);
	CHECK_INT(tollguard_call_end(tg, 4, 13), 0);
	CHECK_INT(why(tg, "301", INTL, 5, 13), TOLLGUARD_OK);
	CHECK_INT(tollguard_call_end(tg, 5, 13), 0);
	CHECK_INT(why(tg, "301", INTL, 51, 13), TOLLGUARD_OK);
	CHECK_INT(tollguard_call_end(tg, 51, 13), 0);
	CHECK_INT(why(tg, "301", INTL, 52, 13), TOLLGUARD_PER_HOUR);
	CHECK_INT(tollguard_breaker_reset(tg, S("301"), 14), 0);

	unit_case("breaker reset: not open, unknown, bad name: ENOENT");
	errno = 0;
	CHECK_INT(tollguard_breaker_reset(tg, S("301"), 14), -1);
	CHECK_INT(errno, ENOENT);
	CHECK_INT(tollguard_breaker_reset(tg, S("nobody"), 14), -1);
	CHECK_INT(tollguard_breaker_reset(tg, S(""), 14), -1);

	unit_case("breakers: listed, and carried into another guard");
	for (ref = 60; ref < 63; ref++) {
		CHECK_INT(why(tg, "301", INTL, ref, 20), TOLLGUARD_OK);
		CHECK_INT(tollguard_call_end(tg, ref, 20), 0);
	}
	CHECK_INT(why(tg, "301", INTL, 6, 20), TOLLGUARD_PER_HOUR);
	CHECK_INT(why(tg, "302", INTL, 7, 21), TOLLGUARD_OK);
	n_brk = 0;
	CHECK_INT(tollguard_breakers(tg, 21, brk_fn, NULL), 1);
	CHECK_STR(brk_ext[0], "301");
	CHECK_INT(brk_until[0], 320);
	tg2 = tollguard_new(conf, 16, 16, &key0);
	if (CHECK(tg2)) {
		CHECK_INT(tollguard_breaker_set(tg2, S("301"), 320, 21), 0);
		CHECK_INT(why(tg2, "301", INTL, 8, 22), TOLLGUARD_BREAKER);
		CHECK_INT(why(tg2, "302", INTL, 9, 22), TOLLGUARD_OK);
		CHECK_INT(tollguard_breaker_set(tg2, S("303"), 21, 21), -1);
		CHECK_INT(errno, EINVAL);
		CHECK_INT(why(tg2, "301", INTL, 10, 320), TOLLGUARD_OK);
		tollguard_free(tg2);
	}
	tollguard_free(tg);
}

static void test_forget(void)
{
	struct tollguard *tg = fresh(16, 16);

	unit_case("forget: a challenged INVITE does not count against the hour");
	CHECK_INT(why(tg, "401", INTL, 1, 100), TOLLGUARD_OK);
	CHECK_INT(tollguard_call_forget(tg, 1, 101), 0);
	CHECK_INT(tollguard_call_forget(tg, 1, 101), -1);
	CHECK_INT(why(tg, "401", INTL, 2, 102), TOLLGUARD_OK);
	CHECK_INT(tollguard_call_end(tg, 2, 103), 0);
	CHECK_INT(why(tg, "401", INTL, 3, 104), TOLLGUARD_OK);
	CHECK_INT(tollguard_call_end(tg, 3, 105), 0);
	CHECK_INT(why(tg, "401", INTL, 4, 106), TOLLGUARD_OK);
	CHECK_INT(tollguard_call_end(tg, 4, 107), 0);
	/* three counted (2, 3, 4): the fourth is one too many */
	CHECK_INT(why(tg, "401", INTL, 5, 108), TOLLGUARD_PER_HOUR);

	unit_case("forget: a start older than the hour takes nothing off");
	CHECK_INT(why(tg, "402", INTL, 10, 200), TOLLGUARD_OK);
	CHECK_INT(why(tg, "402", INTL, 11, 3700), TOLLGUARD_OK);
	CHECK_INT(why(tg, "402", INTL, 12, 3701), TOLLGUARD_CONCURRENT);
	tollguard_free(tg);
	tg = fresh(16, 16);
	CHECK_INT(why(tg, "402", INTL, 10, 200), TOLLGUARD_OK);
	CHECK_INT(why(tg, "402", INTL, 11, 3700), TOLLGUARD_OK);
	CHECK_INT(tollguard_call_forget(tg, 10, 3900), 0);
	CHECK_INT(why(tg, "402", INTL, 13, 3901), TOLLGUARD_OK);
	CHECK_INT(tollguard_call_end(tg, 13, 3902), 0);
	CHECK_INT(why(tg, "402", INTL, 14, 3903), TOLLGUARD_OK);
	CHECK_INT(tollguard_call_end(tg, 14, 3904), 0);
	CHECK_INT(why(tg, "402", INTL, 15, 3905), TOLLGUARD_PER_HOUR);
	tollguard_free(tg);
}

int main(void)
{
	char err[256];

	conf = tollconf_parse(conf_text, sizeof(conf_text) - 1, "conf", err, sizeof(err));
	if (!conf) {
		printf("%s\n", err);
		unit_case("setup");
		CHECK(conf);
		return unit_summary("tollguard");
	}
	EMERG = (unsigned int)tollconf_class_find(conf, SPAN_LIT("emergency"));
	INTERNAL = (unsigned int)tollconf_class_find(conf, SPAN_LIT("internal"));
	BAD = (unsigned int)tollconf_class_find(conf, SPAN_LIT("bad"));
	NATIONAL = (unsigned int)tollconf_class_find(conf, SPAN_LIT("national"));
	INTL = (unsigned int)tollconf_class_find(conf, SPAN_LIT("intl"));
	PREM = (unsigned int)tollconf_class_find(conf, SPAN_LIT("prem"));
	test_per_hour();
	test_concurrent();
	test_duration();
	test_windows();
	test_blocks();
	test_edges();
	test_full();
	test_breaker_eviction();
	test_breaker_ops();
	test_forget();
	test_model();
	tollconf_free(conf);
	return unit_summary("tollguard");
}
