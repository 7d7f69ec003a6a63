// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * acctdb.c - when each SIP account last registered, across reloads and
 * restarts (see acctdb.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detect/acctdb.h"
#include "hash/lrutab.h"

#define ACCTDB_MAGIC	"voipfw-accounts 1"

struct acctdb {
	pthread_mutex_t		lock;
	struct lrutab		*tab;	/* key: the name's hash; value: when */
	struct siphash_key	key;	/* of the names' hashes: the file's */
	struct siphash_key	tab_key;	/* the table's own */
	uint32_t		max;
	uint64_t		changes;
};

struct acctdb *acctdb_new(uint32_t max)
{
	struct acctdb *db = calloc(1, sizeof(*db));

	if (!db)
		return NULL;
	if (siphash_key_random(&db->key) || siphash_key_random(&db->tab_key))
		goto err;
	db->max = max;
	db->tab = lrutab_new(max, sizeof(uint64_t), sizeof(uint64_t),
			     &db->tab_key);
	if (!db->tab)
		goto err;
	if (pthread_mutex_init(&db->lock, NULL))
		goto err_tab;
	return db;
err_tab:
	lrutab_free(db->tab);
err:
	free(db);
	errno = errno ? errno : ENOMEM;
	return NULL;
}

void acctdb_free(struct acctdb *db)
{
	if (!db)
		return;
	lrutab_free(db->tab);
	pthread_mutex_destroy(&db->lock);
	free(db);
}

/* the table's clock only orders its LRU list: seconds suffice */
static uint32_t lru_ms(uint64_t now_s)
{
	return (uint32_t)(now_s * 1000);
}

/* one account as the file and a save's snapshot hold it */
struct acct {
	uint64_t	h;
	uint64_t	when;
};

static int acct_cmp(const void *a, const void *b)
{
	const struct acct *x = a, *y = b;

	return x->when < y->when ? -1 : x->when > y->when;
}

uint64_t acctdb_touch(struct acctdb *db, const char *user, size_t ulen,
		      uint64_t now_s)
{
	uint64_t h, *last, prev;

	pthread_mutex_lock(&db->lock);
	h = siphash(&db->key, user, ulen);
	last = lrutab_get(db->tab, &h, lru_ms(now_s), true, NULL);
	prev = *last;
	*last = now_s;
	db->changes++;
	pthread_mutex_unlock(&db->lock);
	return prev;
}

uint32_t acctdb_count(struct acctdb *db)
{
	struct lrutab_stats st;

	pthread_mutex_lock(&db->lock);
	lrutab_stats(db->tab, &st);
	pthread_mutex_unlock(&db->lock);
	return (uint32_t)st.entries;
}

uint64_t acctdb_changes(struct acctdb *db)
{
	uint64_t n;

	pthread_mutex_lock(&db->lock);
	n = db->changes;
	pthread_mutex_unlock(&db->lock);
	return n;
}

/* @n hex digits at @s into @out (big-endian); false if they are not */
static bool hex_u64(const char *s, unsigned int n, uint64_t *out)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		char c = s[i];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

/* The file is at most this large: 65536 accounts take about 2.3 MB. */
#define ACCTDB_FILE_MAX	(16u << 20)

int acctdb_parse(struct acctdb *db, const char *buf, size_t len,
		 const char *name, char *err, size_t errlen)
{
	struct siphash_key key = { 0, 0 };
	const char *p = buf, *end = buf + len;
	struct acct *v = NULL;
	struct lrutab *tab;
	unsigned int lineno = 0;
	bool magic = false, have_key = false;
	size_t n = 0, cap = 0, i;

	tab = lrutab_new(db->max, sizeof(uint64_t), sizeof(uint64_t),
			 &db->tab_key);
	if (!tab) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		return -1;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		uint64_t h, when = 0;
		char line[64];

		lineno++;
		if (ll && p[0] == '#') {
			p += ll + (nl != NULL);
			continue;
		}
		if (ll >= sizeof(line))
			goto bad_line;	/* longer than any line we write */
		memcpy(line, p, ll);
		line[ll] = '\0';
		p += ll + (nl != NULL);
		if (!ll || memchr(line, '\0', ll))
			goto bad_line;
		if (!magic) {
			if (strcmp(line, ACCTDB_MAGIC))
				goto bad_magic;
			magic = true;
			continue;
		}
		if (!have_key) {
			if (ll != 4 + 32 || strncmp(line, "key ", 4) ||
			    !hex_u64(line + 4, 16, &key.k0) ||
			    !hex_u64(line + 20, 16, &key.k1))
				goto bad_line;
			have_key = true;
			continue;
		}
		/* HASH SECONDS: 16 hex digits, a space, 1-19 digits */
		if (ll < 18 || ll > 17 + 19 || line[16] != ' ' ||
		    !hex_u64(line, 16, &h))
			goto bad_line;
		for (i = 17; i < ll; i++) {
			if (line[i] < '0' || line[i] > '9')
				goto bad_line;
			when = when * 10 + (uint64_t)(line[i] - '0');
		}
		if (!when)
			goto bad_line;
		if (n == cap) {
			struct acct *nv;

			cap = cap ? 2 * cap : 256;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				snprintf(err, errlen, "%s: %s", name,
					 strerror(ENOMEM));
				goto err;
			}
			v = nv;
		}
		v[n].h = h;
		v[n++].when = when;
	}
	if (!magic || !have_key) {
		snprintf(err, errlen, "%s: %s", name, !magic ?
			 "empty (no \"" ACCTDB_MAGIC "\" line)" : "no key line");
		goto err;
	}
	/* oldest first: the table's LRU order is then the registrations'
	 * (the file may list them in any order) */
	if (n)
		qsort(v, n, sizeof(*v), acct_cmp);
	for (i = 0; i < n; i++) {
		uint64_t *when = lrutab_get(tab, &v[i].h, lru_ms(v[i].when),
					    true, NULL);

		if (*when < v[i].when)
			*when = v[i].when;
	}
	free(v);
	pthread_mutex_lock(&db->lock);
	lrutab_free(db->tab);
	db->tab = tab;
	db->key = key;
	db->changes = 0;
	pthread_mutex_unlock(&db->lock);
	return n > INT32_MAX ? INT32_MAX : (int)n;

bad_magic:
	snprintf(err, errlen, "%s:%u: not a voipfw accounts file (want \"%s\")",
		 name, lineno, ACCTDB_MAGIC);
	goto err;
bad_line:
	snprintf(err, errlen, "%s:%u: %s", name, lineno, !magic ?
		 "not a voipfw accounts file (want \"" ACCTDB_MAGIC "\")" :
		 !have_key ? "want \"key\" and 32 lowercase hex digits" :
		 "want 16 lowercase hex digits, a space and the seconds");
err:
	free(v);
	lrutab_free(tab);
	return -1;
}

int acctdb_load(struct acctdb *db, const char *path, char *err,
		size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc = -1;

	f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf = malloc(ACCTDB_FILE_MAX + 1);
	if (!buf) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		goto out;
	}
	len = fread(buf, 1, ACCTDB_FILE_MAX + 1, f);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (len > ACCTDB_FILE_MAX) {
		snprintf(err, errlen, "%s: larger than %u bytes", path,
			 ACCTDB_FILE_MAX);
		goto out;
	}
	rc = acctdb_parse(db, buf, len, path, err, errlen);
out:
	free(buf);
	fclose(f);
	return rc;
}

struct snapshot {
	struct acct	*v;
	size_t		n;
};

static bool snap_one(const void *key, const void *val, uint32_t last_ms,
		     void *arg)
{
	struct snapshot *sn = arg;

	(void)last_ms;
	memcpy(&sn->v[sn->n].h, key, sizeof(uint64_t));
	memcpy(&sn->v[sn->n].when, val, sizeof(uint64_t));
	if (sn->v[sn->n].when)
		sn->n++;
	return true;
}

int acctdb_save(struct acctdb *db, const char *path, char *err,
		size_t errlen)
{
	struct snapshot sn = { 0 };
	struct siphash_key key;
	uint64_t changes;
	char tmp[4096];
	size_t i;
	FILE *f;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: name too long", path);
		return -1;
	}
	/* a copy under the lock (workers wait for no disk), written after */
	sn.v = malloc((size_t)db->max * sizeof(*sn.v));
	if (!sn.v) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return -1;
	}
	pthread_mutex_lock(&db->lock);
	lrutab_walk(db->tab, snap_one, &sn);
	key = db->key;
	changes = db->changes;
	pthread_mutex_unlock(&db->lock);
	qsort(sn.v, sn.n, sizeof(*sn.v), acct_cmp);

	f = fopen(tmp, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		free(sn.v);
		return -1;
	}
	fprintf(f, "# when each SIP username last registered, as voipfwd saw "
		"it (the usernames'\n# SipHash-2-4 under the key below, Unix "
		"seconds, oldest first); see voipfwd(8)\n%s\nkey %016" PRIx64
		"%016" PRIx64 "\n", ACCTDB_MAGIC, key.k0, key.k1);
	for (i = 0; i < sn.n; i++)
		fprintf(f, "%016" PRIx64 " %" PRIu64 "\n", sn.v[i].h,
			sn.v[i].when);
	free(sn.v);
	if (fflush(f) || fsync(fileno(f)) || ferror(f)) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		fclose(f);
		goto err;
	}
	if (fclose(f)) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto err;
	}
	if (rename(tmp, path)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto err;
	}
	/* what came in while it was written is for the next save */
	pthread_mutex_lock(&db->lock);
	db->changes -= changes < db->changes ? changes : db->changes;
	pthread_mutex_unlock(&db->lock);
	return 0;
err:
	unlink(tmp);
	return -1;
}
