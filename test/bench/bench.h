/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench.h - the parsers bench_parse compares, and the allocation counter.
 *
 * Each parser lives in its own file (bench_voipfw.c, bench_osip.c,
 * bench_sofia.c) because their headers cannot share a translation unit:
 * sofia-sip's <sofia-sip/sip.h> defines SIP_METHOD_INVITE & co. as macros,
 * which breaks voipfw's enum sip_method, and libosip2's <sdp_message.h>
 * defines struct sdp_media, as voipfw's sdp.h does.
 */
#ifndef VOIPFW_BENCH_H
#define VOIPFW_BENCH_H

#include <stddef.h>

/**
 * struct bench_out - what one parse reports besides success.
 * @n_sdp: SDP bodies found and parsed (0 or 1): the harness checks that
 *         every parser found the same SDP, i.e. did the same work
 * @why:   on failure, a NUL-terminated reason; untouched on success
 */
struct bench_out {
	unsigned int	n_sdp;
	char		why[192];
};

/**
 * struct bench_parser_ops - one parser under test.
 * @name:  short name for the report
 * @work:  one line: what a single @parse call does
 * @init:  once, before anything else; 0 or -1 with @err filled
 * @parse: parse one message, its SDP included, and free everything it
 *         allocated.  @buf[@len] is a NUL that is not part of the
 *         message (libosip2 wants C strings).  Returns 0 when the
 *         message was parsed in full, -1 with @out->why when not.
 * @fini:  once, at exit; may be NULL
 */
struct bench_parser_ops {
	const char	*name;
	const char	*work;
	int		(*init)(char *err, size_t errlen);
	int		(*parse)(const char *buf, size_t len,
				 struct bench_out *out);
	void		(*fini)(void);
};

extern const struct bench_parser_ops bench_voipfw_ops;
extern const struct bench_parser_ops bench_osip_ops;
extern const struct bench_parser_ops bench_sofia_ops;

/**
 * struct bench_alloc - heap calls seen by the interposed allocator
 * (bench_alloc.c) since the program started.
 * @allocs:   calls that return a new block: malloc, calloc,
 *            realloc(NULL, n), memalign, posix_memalign, aligned_alloc,
 *            valloc, pvalloc
 * @reallocs: realloc() of a live block (resizes; not new blocks)
 * @frees:    free() with a non-NULL pointer
 */
struct bench_alloc {
	unsigned long	allocs;
	unsigned long	reallocs;
	unsigned long	frees;
};

/* A copy of the counters; a real call, so it is never cached. */
void bench_alloc_get(struct bench_alloc *out);

#endif /* VOIPFW_BENCH_H */
