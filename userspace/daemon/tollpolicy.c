// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tollpolicy.c - the toll class file in the workers' engines, and the
 * operator's blocks (see tollpolicy.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "fileid.h"
#include "tollpolicy.h"
#include "policy/policy.h"
#include "toll/tollconf.h"
#include "toll/tollguard.h"

/* Extensions each worker counts (an idle one, no call for an hour, gives
 * its place to a new one; see tollguard.c) and live outbound calls. */
#define TOLLPOLICY_EXTS		4096
#define TOLLPOLICY_CALLS_MAX	65536
/* The longest block voipfwctl takes: a year (without SECONDS: until
 * unblocked). */
#define TOLLPOLICY_BLOCK_MAX_S	31536000UL


struct tollpolicy {
	struct voipfwd_state	*st;
	struct tollconf		*conf;		/* NULL: toll fraud off */
	struct tollguard	**guards;	/* one per worker */
	struct file_id	file;
	bool			looked;
};

static uint64_t now_s(void)
{
	return voipfwd_now_ms() / 1000;
}

/* The classes' windows are in local time */
static uint32_t week_min(void *arg)
{
	struct tm tm;
	time_t t = time(NULL);

	(void)arg;
	if (!localtime_r(&t, &tm))
		return 0;
	return tollguard_week_min(tm.tm_wday, tm.tm_hour, tm.tm_min);
}

struct tollpolicy *tollpolicy_new(struct voipfwd_state *st)
{
	struct tollpolicy *tp = calloc(1, sizeof(*tp));

	if (!tp)
		return NULL;
	tp->st = st;
	tp->guards = calloc(st->n_workers, sizeof(*tp->guards));
	if (!tp->guards) {
		free(tp);
		return NULL;
	}
	return tp;
}

/* Put @conf and @guards (NULL: off) in force; the old ones go once no
 * worker can be using them (each is swapped under its worker's lock). */
static void install(struct tollpolicy *tp, struct tollconf *conf,
		    struct tollguard **guards)
{
	struct tollconf *old_conf = tp->conf;
	unsigned int i;

	for (i = 0; i < tp->st->n_workers; i++) {
		struct voipfwd_worker *w = &tp->st->workers[i];
		struct tollguard *old = tp->guards[i];
		struct engine_toll t = {
			.tg = guards ? guards[i] : NULL, .conf = conf,
			.week_min = week_min,
		};

		pthread_mutex_lock(&w->lock);
		engine_set_toll(w->engine, &t);
		pthread_mutex_unlock(&w->lock);
		tp->guards[i] = t.tg;
		tollguard_free(old);
	}
	tp->conf = guards ? conf : NULL;
	tollconf_free(old_conf);
}

struct carry {
	struct tollpolicy	*tp;
	struct tollconf		*conf;
	struct tollguard	**guards;
	unsigned int		worker;
	unsigned int		lost;
};

static void carry_block(const struct tollguard_block *b, void *arg)
{
	struct carry *c = arg;
	struct span name = span_make(b->name, strlen(b->name));
	unsigned int i;
	int cls, rc = 0;

	for (i = 0; i < c->tp->st->n_workers; i++) {
		switch (b->kind) {
		case TOLLGUARD_BLOCK_EXT:
			rc |= tollguard_block_ext(c->guards[i], name, b->expiry);
			break;
		case TOLLGUARD_BLOCK_USER:
			rc |= tollguard_block_user(c->guards[i], name, b->expiry);
			break;
		case TOLLGUARD_BLOCK_CLASS:
			cls = tollconf_class_find(c->conf, name);
			rc |= cls < 0 ? -1 :
			      tollguard_block_class(c->guards[i], (unsigned int)cls,
						    b->expiry);
			break;
		}
	}
	if (rc) {
		c->lost++;
		voipfwd_log(NULL, LOG_WARNING, "toll classes: block of %s %s not "
			    "carried over (the new file has no such class, or "
			    "it is exempt)", b->kind == TOLLGUARD_BLOCK_CLASS ?
			    "class" : b->kind == TOLLGUARD_BLOCK_EXT ? "ext" :
			    "user", b->name);
	}
}

static void carry_breaker(const char *ext, uint64_t until, void *arg)
{
	struct carry *c = arg;

	if (tollguard_breaker_set(c->guards[c->worker],
				  span_make(ext, strlen(ext)), until, now_s()))
		c->lost++;
}

void tollpolicy_check(struct tollpolicy *tp, bool force)
{
	const char *path = tp->st->cfg->toll_classes;
	struct tollguard **guards = NULL;
	struct tollconf *conf = NULL;
	struct file_id id;
	struct siphash_key key;
	struct carry carry;
	char err[512], *buf = NULL;
	uint32_t max_calls;
	unsigned int i;
	size_t len;

	if (!strcmp(path, "none"))
		return;
	file_id_of(path, &id);
	if (tp->looked && !force && file_id_same(&id, &tp->file))
		return;
	tp->looked = true;
	tp->file = id;
	if (!id.exists) {
		if (tp->conf || force)
			voipfwd_log(NULL, LOG_WARNING, "no toll class file at %s: "
				    "toll fraud is not checked", path);
		install(tp, NULL, NULL);
		return;
	}
	if (policy_read_file(path, &buf, &len)) {
		voipfwd_log(NULL, LOG_ERR, "toll classes %s: %s; the toll classes "
			    "in force stay", path, strerror(errno));
		return;
	}
	conf = tollconf_parse(buf, len, path, err, sizeof(err));
	free(buf);
	if (!conf) {
		voipfwd_log(NULL, LOG_ERR, "%s; the toll classes in force stay",
			    err);
		return;
	}
	guards = calloc(tp->st->n_workers, sizeof(*guards));
	if (!guards || siphash_key_random(&key))
		goto err;
	max_calls = tp->st->cfg->engine.max_dialogs;
	if (max_calls > TOLLPOLICY_CALLS_MAX)
		max_calls = TOLLPOLICY_CALLS_MAX;
	for (i = 0; i < tp->st->n_workers; i++) {
		guards[i] = tollguard_new(conf, TOLLPOLICY_EXTS,
					  max_calls ? max_calls : 1, &key);
		if (!guards[i])
			goto err;
	}
	/* what the operator and the breakers decided outlives the file */
	carry = (struct carry){ .tp = tp, .conf = conf, .guards = guards };
	for (i = 0; tp->conf && i < tp->st->n_workers; i++) {
		struct voipfwd_worker *w = &tp->st->workers[i];

		carry.worker = i;
		pthread_mutex_lock(&w->lock);
		if (!i)
			tollguard_dump(tp->guards[0], now_s(), carry_block, &carry);
		tollguard_breakers(tp->guards[i], now_s(), carry_breaker, &carry);
		pthread_mutex_unlock(&w->lock);
	}
	install(tp, conf, guards);
	voipfwd_log(NULL, LOG_INFO, "toll classes %s: %u classes in force%s",
		    path, conf->n_classes, carry.lost ?
		    " (some blocks or breakers not carried over)" : "");
	free(guards);
	return;
err:
	voipfwd_log(NULL, LOG_ERR, "toll classes %s: %s; the toll classes in "
		    "force stay", path, strerror(errno ? errno : ENOMEM));
	for (i = 0; guards && i < tp->st->n_workers; i++)
		tollguard_free(guards[i]);
	free(guards);
	tollconf_free(conf);
}

void tollpolicy_free(struct tollpolicy *tp)
{
	if (!tp)
		return;
	install(tp, NULL, NULL);
	free(tp->guards);
	free(tp);
}

/* ---- the control socket's verbs ---------------------------------------- */

enum toll_verb_kind { TV_EXT, TV_CLASS, TV_USER };

/* SECONDS (1 .. a year) into *@secs; false with the error printed */
static bool parse_secs(const char *s, unsigned long *secs, FILE *out)
{
	char *end;

	errno = 0;
	*secs = strtoul(s, &end, 10);
	if (errno || *end || s[0] < '0' || s[0] > '9' || !*secs ||
	    *secs > TOLLPOLICY_BLOCK_MAX_S) {
		fprintf(out, "error: usage: SECONDS '%s': 1 to %lu\n", s,
			TOLLPOLICY_BLOCK_MAX_S);
		return false;
	}
	return true;
}

/* block-ext|class|user NAME [SECONDS]: in every worker's guard */
static void cmd_block(struct tollpolicy *tp, enum toll_verb_kind k,
		      char *const argv[], int argc, uid_t uid, FILE *out)
{
	static const char *const what[] = { "ext", "class", "user" };
	struct span name = span_make(argv[0], strlen(argv[0]));
	unsigned long secs = 0;
	uint64_t expiry = TOLLGUARD_FOREVER;
	unsigned int i;
	int cls = -1, rc = 0, e = 0;

	if (argc > 1 && !parse_secs(argv[1], &secs, out))
		return;
	if (secs)
		expiry = now_s() + secs;
	if (k == TV_CLASS) {
		cls = tollconf_class_find(tp->conf, name);
		if (cls < 0) {
			fprintf(out, "error: not found: no class '%s' in %s\n",
				argv[0], tp->st->cfg->toll_classes);
			return;
		}
	}
	for (i = 0; i < tp->st->n_workers; i++) {
		struct voipfwd_worker *w = &tp->st->workers[i];

		pthread_mutex_lock(&w->lock);
		if (k == TV_EXT)
			rc = tollguard_block_ext(tp->guards[i], name, expiry);
		else if (k == TV_USER)
			rc = tollguard_block_user(tp->guards[i], name, expiry);
		else
			rc = tollguard_block_class(tp->guards[i], (unsigned int)cls,
						   expiry);
		e = errno;
		pthread_mutex_unlock(&w->lock);
		if (rc)
			break;
	}
	if (rc) {
		/* a partly applied block is undone: all workers or none */
		while (i--) {
			struct voipfwd_worker *w = &tp->st->workers[i];

			pthread_mutex_lock(&w->lock);
			if (k == TV_EXT)
				tollguard_unblock_ext(tp->guards[i], name);
			else if (k == TV_USER)
				tollguard_unblock_user(tp->guards[i], name);
			else
				tollguard_unblock_class(tp->guards[i], (unsigned int)cls);
			pthread_mutex_unlock(&w->lock);
		}
		fprintf(out, "error: usage: %s '%s' not blocked: %s\n", what[k],
			argv[0], e == ENOSPC ? "no room for more blocks" :
			k == TV_CLASS ? "the class is exempt" :
			"empty or longer than 64 bytes");
		return;
	}
	voipfwd_log(NULL, LOG_NOTICE, "uid %u: block-%s %s%s%s%s", (unsigned)uid,
		    what[k], argv[0], secs ? " for " : "", secs ? argv[1] : "",
		    secs ? " s" : "");
	if (secs)
		fprintf(out, "blocked %s %s for %lu s\n", what[k], argv[0], secs);
	else
		fprintf(out, "blocked %s %s\n", what[k], argv[0]);
}

/* unblock-ext also closes the extension's breaker */
static void cmd_unblock(struct tollpolicy *tp, enum toll_verb_kind k,
			char *const argv[], uid_t uid, FILE *out)
{
	static const char *const what[] = { "ext", "class", "user" };
	struct span name = span_make(argv[0], strlen(argv[0]));
	unsigned int i, unblocked = 0, reset = 0;
	int cls = -1;

	if (k == TV_CLASS) {
		cls = tollconf_class_find(tp->conf, name);
		if (cls < 0) {
			fprintf(out, "error: not found: no class '%s' in %s\n",
				argv[0], tp->st->cfg->toll_classes);
			return;
		}
	}
	for (i = 0; i < tp->st->n_workers; i++) {
		struct voipfwd_worker *w = &tp->st->workers[i];

		pthread_mutex_lock(&w->lock);
		if (k == TV_EXT) {
			unblocked += !tollguard_unblock_ext(tp->guards[i], name);
			reset += !tollguard_breaker_reset(tp->guards[i], name,
							  now_s());
		} else if (k == TV_USER) {
			unblocked += !tollguard_unblock_user(tp->guards[i], name);
		} else {
			unblocked += !tollguard_unblock_class(tp->guards[i],
							      (unsigned int)cls);
		}
		pthread_mutex_unlock(&w->lock);
	}
	if (!unblocked && !reset) {
		fprintf(out, "error: not blocked: %s %s\n", what[k], argv[0]);
		return;
	}
	voipfwd_log(NULL, LOG_NOTICE, "uid %u: unblock-%s %s%s", (unsigned)uid,
		    what[k], argv[0], reset ? " (breaker reset)" : "");
	fprintf(out, "unblocked %s %s%s\n", what[k], argv[0],
		reset ? " (breaker reset)" : "");
}

struct list_out {
	FILE		*out;
	bool		json;
	unsigned int	n;
	uint64_t	now;
	unsigned int	queue;
};

static void list_line(struct list_out *l, const char *kind, const char *name,
		      uint64_t expiry, bool queue)
{
	unsigned long long left = expiry > l->now ? expiry - l->now : 0;

	if (l->json) {
		fprintf(l->out, "%s{\"kind\":\"%s\",\"name\":\"", l->n++ ? "," : "",
			kind);
		/* names are one word of printable ASCII (voipfwctl) or an
		 * extension out of a packet: escape what JSON needs */
		for (; *name; name++)
			fprintf(l->out, *name == '"' || *name == '\\' ? "\\%c" :
				(unsigned char)*name < 0x20 ||
				(unsigned char)*name >= 0x7f ? "\\u%04x" : "%c",
				(unsigned char)*name);
		fprintf(l->out, "\",\"expires\":");
		if (expiry == TOLLGUARD_FOREVER)
			fprintf(l->out, "null");
		else
			fprintf(l->out, "%llu", left);
		if (queue)
			fprintf(l->out, ",\"queue\":%u", l->queue);
		fputc('}', l->out);
		return;
	}
	fprintf(l->out, "%s %s ", kind, name);
	if (expiry == TOLLGUARD_FOREVER)
		fprintf(l->out, "permanent");
	else
		fprintf(l->out, "expires %llu", left);
	if (queue)
		fprintf(l->out, " queue %u", l->queue);
	fputc('\n', l->out);
}

static void list_block(const struct tollguard_block *b, void *arg)
{
	list_line(arg, b->kind == TOLLGUARD_BLOCK_EXT ? "ext" :
		  b->kind == TOLLGUARD_BLOCK_CLASS ? "class" : "user",
		  b->name, b->expiry, false);
}

static void list_breaker(const char *ext, uint64_t until, void *arg)
{
	list_line(arg, "breaker", ext, until, true);
}

/* blocks: the manual blocks (the same in every worker), then the open
 * breakers, each with the queue whose thread counted it */
static void cmd_blocks(struct tollpolicy *tp, bool json, FILE *out)
{
	struct list_out l = { .out = out, .json = json, .now = now_s() };
	unsigned int i;

	if (json)
		fputc('[', out);
	for (i = 0; i < tp->st->n_workers; i++) {
		struct voipfwd_worker *w = &tp->st->workers[i];

		l.queue = w->queue_num;
		pthread_mutex_lock(&w->lock);
		if (!i)
			tollguard_dump(tp->guards[0], l.now, list_block, &l);
		tollguard_breakers(tp->guards[i], l.now, list_breaker, &l);
		pthread_mutex_unlock(&w->lock);
	}
	if (json)
		fprintf(out, "]\n");
}

static const struct toll_verb {
	const char		*name;
	enum toll_verb_kind	kind;
	bool			block;
} toll_verbs[] = {
	{ "block-ext",		TV_EXT,		true },
	{ "unblock-ext",	TV_EXT,		false },
	{ "block-class",	TV_CLASS,	true },
	{ "unblock-class",	TV_CLASS,	false },
	{ "block-user",		TV_USER,	true },
	{ "unblock-user",	TV_USER,	false },
};

void tollpolicy_command(struct tollpolicy *tp, const char *verb,
			char *const argv[], int argc, bool json, uid_t uid,
			FILE *out)
{
	unsigned int i;

	/* the class file names the classes: without one there is nothing
	 * to block (the main thread alone changes tp->conf) */
	if (!tp || !tp->conf) {
		fprintf(out, "error: toll fraud is off: no toll class file "
			"(voipfwd.conf(5) toll-classes)\n");
		return;
	}
	if (!strcmp(verb, "blocks")) {
		cmd_blocks(tp, json, out);
		return;
	}
	for (i = 0; i < sizeof(toll_verbs) / sizeof(toll_verbs[0]); i++) {
		if (strcmp(verb, toll_verbs[i].name))
			continue;
		if (toll_verbs[i].block)
			cmd_block(tp, toll_verbs[i].kind, argv, argc, uid, out);
		else
			cmd_unblock(tp, toll_verbs[i].kind, argv, uid, out);
		return;
	}
	fprintf(out, "error: unknown command '%s'\n", verb);
}
