// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_noalloc.c - the parse path allocates nothing.
 *
 * This binary defines malloc, calloc, realloc, free and the aligned family
 * itself.  The executable's definitions interpose on glibc's for the whole
 * process (glibc manual, "Replacing malloc"), including glibc's internal
 * callers such as strdup; each bumps a counter and forwards to glibc's
 * allocator under its __libc_* name.  Self-test cases first prove that a
 * deliberate allocation moves the counter, so a zero delta cannot come
 * from a counter that never runs.
 *
 * Then every message of the RFC 4475 set and test/corpus/sip is read into
 * memory (before counting starts) and run through inspect_message() under
 * both policies and through sip_frame_length(); the counter must not move.
 * One case per file.
 *
 * Usage: test_noalloc [CORPUS_DIR]; CORPUS_DIR defaults to $VOIPFW_CORPUS,
 * then to test/corpus (the test runner runs from the top of the tree).
 *
 * Under AddressSanitizer the sanitizer owns malloc: interposing on it
 * would break ASan, so the counting is skipped (and says so) and the
 * corpus is only parsed.
 */
#include <errno.h>
#include <glob.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "inspect/inspect.h"

#if defined(__SANITIZE_ADDRESS__)
#define NOALLOC_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NOALLOC_ASAN	1
#endif
#endif

#ifndef NOALLOC_ASAN
/* glibc's allocator under its own names (exported, GLIBC_2.2.5). */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t nmemb, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);
extern void *__libc_memalign(size_t alignment, size_t size);

/* single-threaded: a plain counter of every heap call, free(NULL) aside */
static unsigned long heap_calls;

void *malloc(size_t size)
{
	heap_calls++;
	return __libc_malloc(size);
}

void *calloc(size_t nmemb, size_t size)
{
	heap_calls++;
	return __libc_calloc(nmemb, size);
}

void *realloc(void *ptr, size_t size)
{
	heap_calls++;
	return __libc_realloc(ptr, size);
}

void free(void *ptr)
{
	if (ptr)
		heap_calls++;
	__libc_free(ptr);
}

void *memalign(size_t alignment, size_t size)
{
	heap_calls++;
	return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size)
{
	heap_calls++;
	return __libc_memalign(alignment, size);
}

int posix_memalign(void **memptr, size_t alignment, size_t size)
{
	void *p;

	heap_calls++;
	if (alignment == 0 || alignment % sizeof(void *) != 0 ||
	    (alignment & (alignment - 1)) != 0)
		return EINVAL;
	p = __libc_memalign(alignment, size);
	if (!p)
		return ENOMEM;
	*memptr = p;
	return 0;
}

static unsigned long heap_count(void)
{
	return *(volatile unsigned long *)&heap_calls;
}

/* Called through volatile pointers so the compiler cannot elide them. */
static void *(*volatile do_malloc)(size_t) = malloc;
static void *(*volatile do_calloc)(size_t, size_t) = calloc;
static void *(*volatile do_realloc)(void *, size_t) = realloc;
static void (*volatile do_free)(void *) = free;
static char *(*volatile do_strdup)(const char *) = strdup;

/* The self-tests: each must move the counter by @want (at least). */
static void self_test(void)
{
	unsigned long before;
	void *p;
	char *s;

	unit_case("self-test: malloc and free are counted");
	before = heap_count();
	p = do_malloc(32);
	do_free(p);
	CHECK_INT(heap_count() - before, 2);

	unit_case("self-test: calloc and realloc are counted");
	before = heap_count();
	p = do_calloc(4, 8);
	p = do_realloc(p, 64);
	do_free(p);
	CHECK_INT(heap_count() - before, 3);

	unit_case("self-test: glibc-internal allocation (strdup) is counted");
	before = heap_count();
	s = do_strdup("voipfw");
	do_free(s);
	CHECK_MSG(heap_count() - before >= 2,
		  "strdup + free moved the counter by %lu",
		  heap_count() - before);
}
#else
static unsigned long heap_count(void)
{
	return 0;
}
#endif /* NOALLOC_ASAN */

struct corpus_file {
	char	*path;
	char	*buf;
	size_t	len;
};

/* Read a whole file into a heap block of exactly its size. */
static int read_whole(const char *path, char **out, size_t *outlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long size;

	if (!f)
		return -1;
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET))
		goto err;
	buf = malloc(size ? (size_t)size : 1);
	if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size)
		goto err;
	fclose(f);
	*out = buf;
	*outlen = (size_t)size;
	return 0;
err:
	free(buf);
	fclose(f);
	return -1;
}

/* Every corpus message, read before any counting starts. */
static struct corpus_file *load_corpus(const char *dir, size_t *n)
{
	static const char *const patterns[] = { "rfc4475/*.dat", "sip/*.sip" };
	struct corpus_file *files = NULL;
	size_t i, k, count = 0;

	for (i = 0; i < ARRAY_SIZE(patterns); i++) {
		char pat[4096];
		glob_t g;

		snprintf(pat, sizeof(pat), "%s/%s", dir, patterns[i]);
		if (glob(pat, 0, NULL, &g))
			continue;
		files = realloc(files, (count + g.gl_pathc) * sizeof(*files));
		if (!files) {
			globfree(&g);
			return NULL;
		}
		for (k = 0; k < g.gl_pathc; k++) {
			struct corpus_file *cf = &files[count];

			cf->path = strdup(g.gl_pathv[k]);
			if (!cf->path || read_whole(cf->path, &cf->buf, &cf->len)) {
				unit_case("read %s", g.gl_pathv[k]);
				CHECK_MSG(0, "cannot read %s", g.gl_pathv[k]);
				free(cf->path);
				continue;
			}
			count++;
		}
		globfree(&g);
	}
	*n = count;
	return files;
}

static void run_file(const struct corpus_file *cf)
{
	static struct inspect_result res;
	unsigned long before, after;
	const char *name = strrchr(cf->path, '/');

	unit_case("no allocation: %s", name ? name + 1 : cf->path);
	before = heap_count();
	inspect_message(cf->buf, cf->len, SIP_POLICY_DEFAULT, &res);
	inspect_message(cf->buf, cf->len, SIP_POLICY_STRICT, &res);
	sip_frame_length(cf->buf, cf->len, 65535);
	after = heap_count();
	CHECK_MSG(after == before, "%lu heap calls while inspecting",
		  after - before);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : getenv("VOIPFW_CORPUS");
	struct corpus_file *files;
	size_t i, n = 0;

	if (!dir || !*dir)
		dir = "test/corpus";
#ifdef NOALLOC_ASAN
	printf("noalloc: SKIP heap counting: built with AddressSanitizer, "
	       "which owns malloc; the corpus is parsed only\n");
#else
	self_test();
#endif
	files = load_corpus(dir, &n);
	unit_case("corpus found in %s", dir);
	CHECK_MSG(files && n >= 40,
		  "%zu messages under %s/rfc4475 and %s/sip, want at least 40",
		  n, dir, dir);
		for (i = 0; i < n; i++)
		run_file(&files[i]);
	for (i = 0; i < n; i++) {
		free(files[i].buf);
		free(files[i].path);
	}
	free(files);
	return unit_summary("noalloc");
}
