/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl_state.h - the state directory of apply, rollback and confirm
 * (default /var/lib/voipfw, mode 0700):
 *
 *   applied.conf   the voipfw.conf(5) applied last, byte for byte
 *   applied.info   "file PATH", "version N", "time UTC" lines: the path
 *                  it was applied from (its base name is in the rule
 *                  comments, so a rollback recompiles it under that
 *                  name), a version that grows by one per apply, and when
 *   applied.list   the kernel's stateless listing of the policy chains
 *                  right after that apply: how `diff` notices chains
 *                  changed by hand
 *   previous.conf, previous.info   the version before; rotated on every
 *                  successful apply, swapped with applied.* on rollback
 *   apply.nft      the script of the last apply or rollback tried: nft
 *                  reads it from there, so its errors name its lines
 *   confirm.pid    "PID STARTTIME DEADLINE": the pending --confirm
 *                  watcher, its start time in clock ticks since boot
 *                  (/proc/PID/stat field 22, so a reused pid is not
 *                  mistaken for it) and when it rolls back (epoch s)
 *   lock           flock()ed by every verb that reads or changes the
 *                  state, and by the watcher when it rolls back
 *
 * Each file is replaced atomically (temporary file, fsync, rename, fsync
 * of the directory).  A rotation is two such replacements, previous
 * first: a crash between them leaves previous == applied, never a lost
 * applied version.
 */
#ifndef VOIPFW_CTL_STATE_H
#define VOIPFW_CTL_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define CTL_STATE_DIR		"/var/lib/voipfw"
#define CTL_STATE_APPLIED	"applied"
#define CTL_STATE_PREVIOUS	"previous"
/* the watcher's name in /proc/PID/comm (at most 15 bytes) */
#define CTL_STATE_WATCHER_COMM	"voipfw-confirm"

/**
 * struct ctl_state - an open, locked state directory.
 * @dir:    its absolute path (as given when it is absent)
 * @lockfd: the flock()ed lock file, or -1 when the directory is absent
 *          (opened without creating it: the state is empty)
 */
struct ctl_state {
	char	*dir;
	int	lockfd;
};

/**
 * struct ctl_version - one saved configuration.
 * @conf, @len: the file's bytes (malloc'ed)
 * @file:       the path it was applied from
 * @version:    1, 2, ...
 * @time:       "YYYY-MM-DDTHH:MM:SSZ"
 */
struct ctl_version {
	char		*conf;
	size_t		len;
	char		*file;
	unsigned long	version;
	char		time[24];
};

/*
 * ctl_state_open - open and lock @dir (exclusive, waits).  With @create
 * the directory is created (0700) when missing, else a missing one is
 * an empty state.  Returns 0, or -1 with errno.
 */
int ctl_state_open(struct ctl_state *st, const char *dir, bool create);
void ctl_state_close(struct ctl_state *st);

/* Load @slot (CTL_STATE_APPLIED or _PREVIOUS): 0, 1 when there is none,
 * -1 with errno. */
int ctl_state_load(const struct ctl_state *st, const char *slot,
		   struct ctl_version *v);
void ctl_state_version_free(struct ctl_version *v);

/* Replace @slot by @v (@v NULL: remove it).  0 or -1 with errno. */
int ctl_state_save(const struct ctl_state *st, const char *slot,
		   const struct ctl_version *v);

/* Write @script to apply.nft; returns its malloc'ed path, or NULL. */
char *ctl_state_script(const struct ctl_state *st, const char *script);

/* applied.list: read (0, 1 none, -1) or replace (@text NULL: remove). */
int ctl_state_load_list(const struct ctl_state *st, char **text);
int ctl_state_save_list(const struct ctl_state *st, const char *text);

/*
 * ctl_state_watcher - the pending confirm watcher: 1 with *@pid and
 * *@deadline when confirm.pid names a live watcher, 0 when there is none
 * (a stale pidfile is removed), -1 with errno.
 */
int ctl_state_watcher(const struct ctl_state *st, pid_t *pid,
		      long long *deadline);
/* Write or remove (@pid 0) confirm.pid; the process must be @pid. */
int ctl_state_set_watcher(const struct ctl_state *st, pid_t pid,
			  long long deadline);
/* Whether confirm.pid names this very process (the watcher asks). */
bool ctl_state_is_watcher(const struct ctl_state *st);

/* Whether @pid runs (a zombie does not). */
bool ctl_state_pid_alive(pid_t pid);

/* The current time as "YYYY-MM-DDTHH:MM:SSZ". */
void ctl_state_now(char buf[24]);

#endif /* VOIPFW_CTL_STATE_H */
