// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctl_state.c - the state directory of apply and rollback (see
 * ctl_state.h).  Library code: errno, never prints.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctl/ctl_state.h"

static char *st_path(const struct ctl_state *st, const char *slot,
		     const char *ext)
{
	char *p;

	if (asprintf(&p, "%s/%s%s", st->dir, slot, ext) < 0)
		return NULL;
	return p;
}

int ctl_state_open(struct ctl_state *st, const char *dir, bool create)
{
	struct stat sb;
	char *lock;

	st->lockfd = -1;
	st->dir = strdup(dir);
	if (!st->dir)
		return -1;
	if (create && mkdir(dir, 0700) && errno != EEXIST)
		goto err;
	if (stat(dir, &sb)) {
		if (errno == ENOENT && !create)
			return 0;	/* no state yet */
		goto err;
	}
	if (!S_ISDIR(sb.st_mode)) {
		errno = ENOTDIR;
		goto err;
	}
	/* absolute: the confirm watcher works from "/" */
	free(st->dir);
	st->dir = realpath(dir, NULL);
	if (!st->dir)
		goto err;
	lock = st_path(st, "lock", "");
	if (!lock)
		goto err;
	st->lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(lock);
	if (st->lockfd < 0)
		goto err;
	while (flock(st->lockfd, LOCK_EX))
		if (errno != EINTR)
			goto err;
	return 0;
err:
	ctl_state_close(st);
	return -1;
}

void ctl_state_close(struct ctl_state *st)
{
	int e = errno;

	if (st->lockfd >= 0)
		close(st->lockfd);	/* releases the lock */
	st->lockfd = -1;
	free(st->dir);
	st->dir = NULL;
	errno = e;
}

/* Read @path whole: 0, 1 when it does not exist, -1. */
static int st_read(const char *path, char **buf, size_t *len)
{
	size_t size = 4096, n = 0;
	char *b, *nb;
	ssize_t r;
	int fd;

	*buf = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 1 : -1;
	b = malloc(size);
	if (!b)
		goto err;
	for (;;) {
		if (n + 1 >= size) {
			nb = realloc(b, size * 2);
			if (!nb)
				goto err;
			b = nb;
			size *= 2;
		}
		r = read(fd, b + n, size - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto err;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	b[n] = '\0';
	*buf = b;
	if (len)
		*len = n;
	return 0;
err:
	free(b);
	close(fd);
	return -1;
}

static int st_fsync_dir(const struct ctl_state *st)
{
	int fd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Replace @path by @len bytes: temporary file, fsync, rename. */
static int st_write(const struct ctl_state *st, const char *path,
		    const char *buf, size_t len)
{
	char *tmp;
	size_t off = 0;
	ssize_t w;
	int fd, e;

	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		goto err_free;
	while (off < len) {
		w = write(fd, buf + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			goto err_close;
		off += (size_t)w;
	}
	if (fsync(fd))
		goto err_close;
	if (close(fd)) {
		fd = -1;
		goto err_close;
	}
	if (rename(tmp, path))
		goto err_unlink;
	free(tmp);
	return st_fsync_dir(st);
err_close:
	e = errno;
	if (fd >= 0)
		close(fd);
	errno = e;
err_unlink:
	e = errno;
	unlink(tmp);
	errno = e;
err_free:
	free(tmp);
	return -1;
}

static int st_unlink(const char *path)
{
	return unlink(path) && errno != ENOENT ? -1 : 0;
}

int ctl_state_load(const struct ctl_state *st, const char *slot,
		   struct ctl_version *v)
{
	char *info = NULL, *line, *save, *p;
	int rc;

	memset(v, 0, sizeof(*v));
	if (st->lockfd < 0)
		return 1;
	p = st_path(st, slot, ".conf");
	if (!p)
		return -1;
	rc = st_read(p, &v->conf, &v->len);
	free(p);
	if (rc)
		return rc;
	p = st_path(st, slot, ".info");
	if (!p)
		goto err;
	rc = st_read(p, &info, NULL);
	free(p);
	if (rc) {
		if (rc > 0)
			errno = ENOENT;	/* .conf without .info */
		goto err;
	}
	for (line = strtok_r(info, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "file ", 5)) {
			free(v->file);
			v->file = strdup(line + 5);
			if (!v->file)
				goto err;
		} else if (!strncmp(line, "version ", 8)) {
			v->version = strtoul(line + 8, NULL, 10);
		} else if (!strncmp(line, "time ", 5)) {
			snprintf(v->time, sizeof(v->time), "%s", line + 5);
		}
	}
	free(info);
	if (!v->file) {
		errno = EINVAL;	/* not an info file of ours */
		goto err_v;
	}
	return 0;
err:
	free(info);
err_v:
	ctl_state_version_free(v);
	return -1;
}

void ctl_state_version_free(struct ctl_version *v)
{
	free(v->conf);
	free(v->file);
	v->conf = v->file = NULL;
}

int ctl_state_save(const struct ctl_state *st, const char *slot,
		   const struct ctl_version *v)
{
	char *conf = st_path(st, slot, ".conf");
	char *info = st_path(st, slot, ".info");
	char *text = NULL;
	int rc = -1, n;

	if (!conf || !info)
		goto out;
	if (!v) {
		/* .info first: a .conf alone is an error, never a version */
		rc = st_unlink(info) || st_unlink(conf) ? -1 : 0;
		goto out;
	}
	n = asprintf(&text, "file %s\nversion %lu\ntime %s\n", v->file,
		     v->version, v->time);
	if (n < 0) {
		text = NULL;
		goto out;
	}
	if (st_write(st, conf, v->conf, v->len) ||
	    st_write(st, info, text, (size_t)n))
		goto out;
	rc = 0;
out:
	free(text);
	free(conf);
	free(info);
	return rc;
}

char *ctl_state_script(const struct ctl_state *st, const char *script)
{
	char *p = st_path(st, "apply", ".nft");

	if (p && st_write(st, p, script, strlen(script))) {
		free(p);
		return NULL;
	}
	return p;
}

int ctl_state_load_list(const struct ctl_state *st, char **text)
{
	char *p;
	int rc;

	*text = NULL;
	if (st->lockfd < 0)
		return 1;
	p = st_path(st, CTL_STATE_APPLIED, ".list");
	if (!p)
		return -1;
	rc = st_read(p, text, NULL);
	free(p);
	return rc;
}

int ctl_state_save_list(const struct ctl_state *st, const char *text)
{
	char *p = st_path(st, CTL_STATE_APPLIED, ".list");
	int rc;

	if (!p)
		return -1;
	rc = text ? st_write(st, p, text, strlen(text)) : st_unlink(p);
	free(p);
	return rc;
}

bool ctl_state_pid_alive(pid_t pid)
{
	char path[64], *buf, *p;
	bool alive;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (st_read(path, &buf, NULL))
		return false;
	/* a zombie is gone: it only waits for a parent to reap it */
	p = strrchr(buf, ')');
	alive = p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
	free(buf);
	return alive;
}

/* A process's start time (clock ticks since boot) and whether its comm
 * is the watcher's: 0, or -1 when it is gone. */
static int st_proc(pid_t pid, unsigned long long *start, bool *watcher)
{
	char path[64], *buf, *open_paren, *close_paren, *f, *save;
	int i, rc;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	rc = st_read(path, &buf, NULL);
	if (rc)
		return -1;
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');	/* comm may hold ')' */
	if (!open_paren || !close_paren || close_paren < open_paren) {
		free(buf);
		return -1;
	}
	*close_paren = '\0';
	*watcher = !strcmp(open_paren + 1, CTL_STATE_WATCHER_COMM);
	/* fields 3, 4, ... follow the comm; starttime is field 22 */
	f = strtok_r(close_paren + 1, " ", &save);
	for (i = 3; f && i < 22; i++)
		f = strtok_r(NULL, " ", &save);
	rc = f ? 0 : -1;
	if (f)
		*start = strtoull(f, NULL, 10);
	free(buf);
	return rc;
}

int ctl_state_watcher(const struct ctl_state *st, pid_t *pid,
		      long long *deadline)
{
	unsigned long long start, now_start;
	char *p, *text;
	bool watcher;
	int rc, ipid;

	if (st->lockfd < 0)
		return 0;
	p = st_path(st, "confirm", ".pid");
	if (!p)
		return -1;
	rc = st_read(p, &text, NULL);
	if (rc) {
		free(p);
		return rc > 0 ? 0 : -1;
	}
	rc = 0;
	if (sscanf(text, "%d %llu %lld", &ipid, &start, deadline) == 3 &&
	    ipid > 0 && !st_proc(ipid, &now_start, &watcher) && watcher &&
	    now_start == start) {
		*pid = ipid;
		rc = 1;
	} else if (st_unlink(p)) {	/* stale: the watcher is gone */
		rc = -1;
	}
	free(text);
	free(p);
	return rc;
}

int ctl_state_set_watcher(const struct ctl_state *st, pid_t pid,
			  long long deadline)
{
	unsigned long long start;
	char *p = st_path(st, "confirm", ".pid"), text[96];
	bool watcher;
	int rc = -1, n;

	if (!p)
		return -1;
	if (!pid) {
		rc = st_unlink(p);
	} else if (!st_proc(pid, &start, &watcher)) {
		n = snprintf(text, sizeof(text), "%d %llu %lld\n", (int)pid,
			     start, deadline);
		rc = st_write(st, p, text, (size_t)n);
	} else {
		errno = ESRCH;
	}
	free(p);
	return rc;
}

bool ctl_state_is_watcher(const struct ctl_state *st)
{
	long long deadline;
	pid_t pid;

	return ctl_state_watcher(st, &pid, &deadline) == 1 && pid == getpid();
}

void ctl_state_now(char buf[24])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
