/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench_alloc.c - count every heap call made in the bench process.
 *
 * The bench binary defines the allocator entry points itself.  The
 * executable's definitions interpose on glibc's for the whole process:
 * libosip2, sofia-sip, libvoipfw.a and glibc's own internal allocations
 * (strdup, fopen, ... call malloc through the interposable symbol; see
 * "Replacing malloc" in the glibc manual) all land here.  Each entry point
 * bumps a counter and forwards to glibc's allocator under its __libc_*
 * name, so the heap itself is unchanged and pointers from either side may
 * be freed by the other.
 *
 * glibc lets a program replace only malloc/free/calloc/realloc, leaving
 * the aligned family to glibc, whose versions do not go through malloc;
 * they are defined here too so that nothing escapes the count.
 * bench_parse.c checks at start-up that the interposition is in effect
 * (strdup and reallocarray must move the counter), so a zero count for
 * voipfw cannot come from a counter that never runs.
 *
 * Single-threaded process: plain counters, no atomics.
 */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>

#include "bench.h"

/* glibc's allocator under its own names (exported, GLIBC_2.2.5). */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t nmemb, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);

static struct bench_alloc counters;

void bench_alloc_get(struct bench_alloc *out)
{
	*out = counters;
}

void *malloc(size_t size)
{
	counters.allocs++;
	return __libc_malloc(size);
}

void *calloc(size_t nmemb, size_t size)
{
	counters.allocs++;
	return __libc_calloc(nmemb, size);
}

void *realloc(void *ptr, size_t size)
{
	if (ptr)
		counters.reallocs++;
	else
		counters.allocs++;
	return __libc_realloc(ptr, size);
}

void free(void *ptr)
{
	if (ptr)
		counters.frees++;
	__libc_free(ptr);
}

void *memalign(size_t alignment, size_t size)
{
	counters.allocs++;
	return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size)
{
	counters.allocs++;
	return __libc_memalign(alignment, size);
}

int posix_memalign(void **memptr, size_t alignment, size_t size)
{
	void *p;

	counters.allocs++;
	/* POSIX: a power of two multiple of sizeof(void *). */
	if (alignment % sizeof(void *) != 0 ||
	    (alignment & (alignment - 1)) != 0 || alignment == 0)
		return EINVAL;
	p = __libc_memalign(alignment, size);
	if (!p)
		return ENOMEM;
	*memptr = p;
	return 0;
}

void *valloc(size_t size)
{
	counters.allocs++;
	return __libc_valloc(size);
}

void *pvalloc(size_t size)
{
	counters.allocs++;
	return __libc_pvalloc(size);
}
