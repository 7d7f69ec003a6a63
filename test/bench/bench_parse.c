/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench_parse.c - SIP + SDP parse throughput of voipfw against libosip2
 * and sofia-sip, on the same messages, in one run.
 *
 *   bench_parse FILE...          (make bench-parse passes the corpus)
 *   BENCH_SECONDS=S              time per parser, default 1
 *
 * Method.
 *  - Each FILE is one message.  It is read once into a buffer of its
 *    length plus a NUL that is not part of the message (libosip2 needs C
 *    strings); every parser gets exactly these buffers, (ptr, len).
 *  - Check pass, untimed: every parser parses every message once.  A
 *    message some parser cannot parse in full, or on which the parsers
 *    disagree about carrying SDP, is excluded from the timed set for all
 *    parsers, and reported, so that all of them do the same job.
 *  - Each parse call does the whole job for its library: the SIP message,
 *    the multipart body if any, and the SDP; then it frees what it
 *    allocated (see bench_voipfw.c, bench_osip.c, bench_sofia.c).
 *  - Timing: a warm-up of a tenth of the budget per parser, then
 *    BENCH_TRIALS trials per parser of BENCH_SECONDS / BENCH_TRIALS each,
 *    interleaved (voipfw, osip, sofia, voipfw, ...) so that a change of
 *    CPU clock hits all alike.  A trial repeats whole rounds over the
 *    timed set until its time is up, reading CLOCK_MONOTONIC once per
 *    round.  The best trial's messages/s is reported.
 *  - Heap: bench_alloc.c interposes malloc & co. for the whole process
 *    and counts calls.  Allocations per message are reported for every
 *    parser over the timed trials; voipfw must make none (its parsers are
 *    zero-allocation by design), else the bench fails.
 *  - The goals (voipfw >= 5x libosip2, >= 3x sofia-sip) are printed as
 *    met or not; a miss is not an error.  Exit status 1 means the bench
 *    itself could not run or voipfw allocated.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define BENCH_TRIALS		3
#define BENCH_DEFAULT_SECONDS	1.0
#define BENCH_MAX_SECONDS	600.0
#define BENCH_WARMUP_SHARE	0.1
/* Larger files are not single SIP datagrams. */
#define BENCH_MAX_FILE		(1 << 20)

/**
 * struct bench_entry - a parser and voipfw's speed goal against it.
 * @goal: voipfw must parse this many times as many messages per second;
 *        0 for voipfw itself
 */
struct bench_entry {
	const struct bench_parser_ops	*ops;
	double				goal;
};

static const struct bench_entry parsers[] = {
	{ .ops = &bench_voipfw_ops,	.goal = 0 },
	{ .ops = &bench_osip_ops,	.goal = 5.0 },
	{ .ops = &bench_sofia_ops,	.goal = 3.0 },
};
#define N_PARSERS	(sizeof(parsers) / sizeof(parsers[0]))
/* parsers[] index of voipfw, the one compared with the others. */
#define VOIPFW		0

/**
 * struct bench_msg - one corpus message.
 * @data:     @len message bytes followed by a NUL
 * @excluded: not timed, for the reasons in @why
 */
struct bench_msg {
	const char	*path;
	char		*data;
	size_t		len;
	bool		has_sdp;
	bool		excluded;
	char		why[384];
};

/**
 * struct bench_result - one parser's numbers.
 * @best_rate:  messages/s of the best trial
 * @best_bytes: bytes/s of that trial
 * @msgs:       messages parsed in all timed trials
 * @heap:       heap calls made during all timed trials
 * @check_calls: heap calls (of any kind) during the check pass
 * @failed:     messages it could not parse in the check pass
 */
struct bench_result {
	double			best_rate;
	double			best_bytes;
	unsigned long		msgs;
	struct bench_alloc	heap;
	unsigned long		check_calls;
	unsigned int		failed;
};

static double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int bench_seconds(double *out)
{
	const char *s = getenv("BENCH_SECONDS");
	char *end;
	double v;

	*out = BENCH_DEFAULT_SECONDS;
	if (!s || !*s)
		return 0;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !(v > 0) || v > BENCH_MAX_SECONDS) {
		fprintf(stderr, "bench_parse: BENCH_SECONDS=%s: want a number "
			"of seconds in (0, %.0f]\n", s, BENCH_MAX_SECONDS);
		return -1;
	}
	*out = v;
	return 0;
}

static int bench_load(struct bench_msg *m, const char *path)
{
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int fd;

	m->path = path;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto err;
	if (fstat(fd, &st) < 0)
		goto err_fd;
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    st.st_size > BENCH_MAX_FILE) {
		fprintf(stderr, "bench_parse: %s: not a message file (empty, "
			"over %d bytes or not regular)\n", path, BENCH_MAX_FILE);
		close(fd);
		return -1;
	}
	m->len = (size_t)st.st_size;
	m->data = malloc(m->len + 1);
	if (!m->data)
		goto err_fd;
	while (got < m->len) {
		n = read(fd, m->data + got, m->len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto err_fd;
		if (n == 0) {
			errno = EIO;	/* shrank under us */
			goto err_fd;
		}
		got += (size_t)n;
	}
	m->data[m->len] = '\0';
	close(fd);
	return 0;

err_fd:
	close(fd);
err:
	fprintf(stderr, "bench_parse: %s: %s\n", path, strerror(errno));
	return -1;
}

/*
 * Prove the counter sees glibc-internal allocations too: strdup() and
 * reallocarray() allocate inside libc, through the interposable symbols.
 * The results go through volatile pointers so the compiler cannot drop
 * the calls.
 */
static int bench_alloc_selftest(const char *s)
{
	struct bench_alloc a, b;
	char *volatile p;
	void *volatile q;

	bench_alloc_get(&a);
	p = strdup(s);
	q = reallocarray(NULL, 4, 4);
	free(q);
	free(p);
	bench_alloc_get(&b);
	if (b.allocs - a.allocs != 2 || b.frees - a.frees != 2) {
		fprintf(stderr, "bench_parse: malloc interposition is not in "
			"effect (strdup+reallocarray: %lu allocs, %lu frees); "
			"allocation counts would be wrong\n",
			b.allocs - a.allocs, b.frees - a.frees);
		return -1;
	}
	return 0;
}

/* Exclude @m from the timed set, adding a reason to the ones it has. */
__attribute__((format(printf, 2, 3)))
static void bench_exclude(struct bench_msg *m, const char *fmt, ...)
{
	size_t off = strlen(m->why);
	va_list ap;

	if (m->excluded && off + 2 < sizeof(m->why)) {
		memcpy(m->why + off, "; ", 3);
		off += 2;
	}
	m->excluded = true;
	va_start(ap, fmt);
	vsnprintf(m->why + off, sizeof(m->why) - off, fmt, ap);
	va_end(ap);
}

/*
 * Check pass: every parser on every message, once, untimed.  Excludes
 * what any parser fails on, or where they disagree about SDP.
 */
static void bench_check(struct bench_msg *msgs, size_t n_msgs,
			struct bench_result *res)
{
	unsigned int sdp[N_PARSERS];
	struct bench_alloc a, b;
	struct bench_out out;
	size_t i, p;
	bool agree;

	for (i = 0; i < n_msgs; i++) {
		struct bench_msg *m = &msgs[i];

		for (p = 0; p < N_PARSERS; p++) {
			out.n_sdp = 0;
			out.why[0] = '\0';
			bench_alloc_get(&a);
			if (parsers[p].ops->parse(m->data, m->len, &out) < 0) {
				res[p].failed++;
				bench_exclude(m, "%s: %s",
					      parsers[p].ops->name, out.why);
			}
			bench_alloc_get(&b);
			res[p].check_calls += (b.allocs - a.allocs) +
					      (b.reallocs - a.reallocs) +
					      (b.frees - a.frees);
			sdp[p] = out.n_sdp;
		}
		if (m->excluded)
			continue;
		agree = true;
		for (p = 1; p < N_PARSERS; p++)
			if (sdp[p] != sdp[0])
				agree = false;
		if (!agree) {
			char found[128];
			size_t off = 0;

			for (p = 0; p < N_PARSERS && off < sizeof(found); p++)
				off += (size_t)snprintf(found + off,
							sizeof(found) - off,
							"%s%s %u", p ? ", " : "",
							parsers[p].ops->name,
							sdp[p]);
			bench_exclude(m, "SDP bodies found disagree: %s",
				      found);
		}
		m->has_sdp = sdp[0] != 0;
	}
}

/* Whole rounds over @set until @seconds have passed. */
static int bench_trial(const struct bench_parser_ops *ops,
		       const struct bench_msg *set, size_t n, double seconds,
		       unsigned long *rounds, double *elapsed)
{
	struct bench_out out;
	double t0, t;
	size_t i;

	*rounds = 0;
	t0 = bench_now();
	do {
		for (i = 0; i < n; i++) {
			out.n_sdp = 0;
			if (ops->parse(set[i].data, set[i].len, &out) < 0) {
				fprintf(stderr, "bench_parse: %s failed on %s "
					"in a timed round after passing the "
					"check: %s\n", ops->name, set[i].path,
					out.why);
				return -1;
			}
		}
		(*rounds)++;
		t = bench_now();
	} while (t - t0 < seconds);
	*elapsed = t - t0;
	return 0;
}

static int bench_run(const struct bench_msg *set, size_t n, size_t bytes,
		     double seconds, struct bench_result *res)
{
	double per_trial = seconds / BENCH_TRIALS, elapsed, rate;
	struct bench_alloc a, b;
	unsigned long rounds;
	size_t p;
	int t;

	for (p = 0; p < N_PARSERS; p++)
		if (bench_trial(parsers[p].ops, set, n,
				seconds * BENCH_WARMUP_SHARE, &rounds,
				&elapsed) < 0)
			return -1;

	for (t = 0; t < BENCH_TRIALS; t++) {
		for (p = 0; p < N_PARSERS; p++) {
			bench_alloc_get(&a);
			if (bench_trial(parsers[p].ops, set, n, per_trial,
					&rounds, &elapsed) < 0)
				return -1;
			bench_alloc_get(&b);
			res[p].heap.allocs += b.allocs - a.allocs;
			res[p].heap.reallocs += b.reallocs - a.reallocs;
			res[p].heap.frees += b.frees - a.frees;
			res[p].msgs += rounds * n;
			rate = (double)(rounds * n) / elapsed;
			if (rate > res[p].best_rate) {
				res[p].best_rate = rate;
				res[p].best_bytes =
					(double)(rounds * bytes) / elapsed;
			}
		}
	}
	return 0;
}

static void bench_report(const struct bench_result *res, double seconds)
{
	const struct bench_result *v = &res[VOIPFW];
	double ratio;
	size_t p;

	printf("\nmethod: best of %d trials of %.2f s per parser, trials "
	       "interleaved, after %.2f s warm-up each; CLOCK_MONOTONIC\n",
	       BENCH_TRIALS, seconds / BENCH_TRIALS,
	       seconds * BENCH_WARMUP_SHARE);
	printf("heap: malloc & co. interposed in this binary (bench_alloc.c; "
	       "self-test: glibc-internal strdup\n      and reallocarray are "
	       "counted), counted over all timed trials; allocs = new blocks,"
	       "\n      reallocs = resizes of a live block, frees = "
	       "free(non-NULL)\n\n");
	printf("%-10s %12s %9s %11s %13s %10s\n", "parser", "msgs/s",
	       "MB/s", "allocs/msg", "reallocs/msg", "frees/msg");
	for (p = 0; p < N_PARSERS; p++) {
		double msgs = res[p].msgs ? (double)res[p].msgs : 1;

		printf("%-10s %12.0f %9.1f %11.2f %13.2f %10.2f\n",
		       parsers[p].ops->name, res[p].best_rate,
		       res[p].best_bytes / 1e6,
		       (double)res[p].heap.allocs / msgs,
		       (double)res[p].heap.reallocs / msgs,
		       (double)res[p].heap.frees / msgs);
	}
	printf("\n");
	for (p = 0; p < N_PARSERS; p++) {
		if (p == VOIPFW)
			continue;
		ratio = res[p].best_rate > 0 ? v->best_rate / res[p].best_rate
					     : 0;
		printf("ratio: %s/%s = %.1fx (goal >= %gx: %s)\n",
		       parsers[VOIPFW].ops->name, parsers[p].ops->name, ratio,
		       parsers[p].goal,
		       ratio >= parsers[p].goal ? "met" : "NOT met");
	}
}

int main(int argc, char **argv)
{
	struct bench_result res[N_PARSERS];
	struct bench_msg *msgs, *set;
	size_t n_msgs, n_set = 0, bytes = 0, set_bytes = 0, n_sdp = 0;
	size_t i, p, inited = 0;
	char err[256];
	double seconds;
	int rc = 1;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE...  (one SIP message per "
			"file; BENCH_SECONDS=S sets the time per parser)\n",
			argv[0]);
		return 1;
	}
	if (bench_seconds(&seconds) < 0)
		return 1;
	if (bench_alloc_selftest(argv[0]) < 0)
		return 1;

	n_msgs = (size_t)argc - 1;
	msgs = calloc(n_msgs, sizeof(*msgs));
	set = calloc(n_msgs, sizeof(*set));
	if (!msgs || !set) {
		fprintf(stderr, "bench_parse: out of memory\n");
		goto out_free;
	}
	for (i = 0; i < n_msgs; i++) {
		if (bench_load(&msgs[i], argv[i + 1]) < 0)
			goto out_msgs;
		bytes += msgs[i].len;
	}

	for (inited = 0; inited < N_PARSERS; inited++) {
		err[0] = '\0';
		if (parsers[inited].ops->init(err, sizeof(err)) < 0) {
			fprintf(stderr, "bench_parse: %s: %s\n",
				parsers[inited].ops->name, err);
			goto out_fini;
		}
	}

	printf("corpus: %zu messages, %zu bytes\n", n_msgs, bytes);
	printf("each parse call does, then frees everything:\n");
	for (p = 0; p < N_PARSERS; p++)
		printf("  %-10s %s\n", parsers[p].ops->name,
		       parsers[p].ops->work);

	memset(res, 0, sizeof(res));
	bench_check(msgs, n_msgs, res);
	printf("check:");
	for (p = 0; p < N_PARSERS; p++)
		printf("%s %s parsed %zu/%zu", p ? "," : "",
		       parsers[p].ops->name, n_msgs - res[p].failed, n_msgs);
	printf("\n");
	for (i = 0; i < n_msgs; i++) {
		if (!msgs[i].excluded) {
			set[n_set++] = msgs[i];
			set_bytes += msgs[i].len;
			n_sdp += msgs[i].has_sdp;
			continue;
		}
		printf("  excluded %s: %s\n", msgs[i].path, msgs[i].why);
	}
	if (res[VOIPFW].check_calls) {
		fprintf(stderr, "bench_parse: FAIL: %s made %lu heap calls "
			"in the check pass; its parse path must make none\n",
			parsers[VOIPFW].ops->name, res[VOIPFW].check_calls);
		goto out_fini;
	}
	if (n_set == 0) {
		fprintf(stderr, "bench_parse: no message is parsed by every "
			"parser; nothing to time\n");
		goto out_fini;
	}
	printf("timed set: %zu messages (%zu with SDP), %zu bytes; %zu "
	       "excluded\n", n_set, n_sdp, set_bytes, n_msgs - n_set);
	fflush(stdout);

	if (bench_run(set, n_set, set_bytes, seconds, res) < 0)
		goto out_fini;
	bench_report(res, seconds);

	if (res[VOIPFW].heap.allocs || res[VOIPFW].heap.reallocs ||
	    res[VOIPFW].heap.frees) {
		fprintf(stderr, "bench_parse: FAIL: %s made %lu allocations, "
			"%lu reallocs and %lu frees in %lu parses; its parse "
			"path must make none\n", parsers[VOIPFW].ops->name,
			res[VOIPFW].heap.allocs, res[VOIPFW].heap.reallocs,
			res[VOIPFW].heap.frees, res[VOIPFW].msgs);
		goto out_fini;
	}
	printf("%s heap allocations in the parse loop: 0 (required)\n",
	       parsers[VOIPFW].ops->name);
	rc = 0;

out_fini:
	while (inited-- > 0)
		if (parsers[inited].ops->fini)
			parsers[inited].ops->fini();
out_msgs:
	for (i = 0; i < n_msgs; i++)
		free(msgs[i].data);
out_free:
	free(set);
	free(msgs);
	return rc;
}
