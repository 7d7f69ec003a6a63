// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_lrutab.c - the keyed LRU table: sizes refused, values zeroed when
 * created, the oldest evicted when full, expiry oldest first, removal,
 * walking order; then random runs of get/peek/remove/expire against a
 * model (an array with a sequence number per key), tiny tables so that
 * keys share buckets.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "hash/lrutab.h"

static const struct siphash_key hk = { 3, 4 };

struct val {
	uint32_t	n;
	uint8_t		pad[13];
};

static bool count_walk(const void *key, const void *val, uint32_t last_ms,
		       void *arg)
{
	char *order = arg;
	size_t l = strlen(order);

	(void)val;
	(void)last_ms;
	order[l] = *(const char *)key;
	order[l + 1] = '\0';
	return true;
}

static void test_basics(void)
{
	struct lrutab *t;
	struct lrutab_stats st;
	struct val *v;
	bool created;
	char order[16] = "";
	char k[4] = "a";

	unit_case("sizes out of range");
	CHECK(!lrutab_new(0, 4, 4, &hk));
	CHECK(!lrutab_new(LRUTAB_CAPACITY_MAX + 1, 4, 4, &hk));
	CHECK(!lrutab_new(4, 0, 4, &hk));
	CHECK(!lrutab_new(4, LRUTAB_KEY_MAX + 1, 4, &hk));
	CHECK(!lrutab_new(4, 4, LRUTAB_VAL_MAX + 1, &hk));

	unit_case("create, find, zeroed, evict the oldest");
	t = lrutab_new(3, 4, sizeof(struct val), &hk);
	CHECK(t);
	if (!t)
		return;
	CHECK(!lrutab_get(t, k, 0, false, &created) && !created);
	v = lrutab_get(t, k, 1, true, &created);
	CHECK(v && created && v->n == 0);
	v->n = 7;
	CHECK(((struct val *)lrutab_get(t, k, 2, true, &created))->n == 7 && !created);
	k[0] = 'b';
	((struct val *)lrutab_get(t, k, 3, true, NULL))->n = 8;
	k[0] = 'c';
	lrutab_get(t, k, 4, true, NULL);
	k[0] = 'a';
	lrutab_get(t, k, 5, true, NULL);	/* a is newest now: b oldest */
	k[0] = 'd';
	v = lrutab_get(t, k, 6, true, &created);
	CHECK(created && v->n == 0);
	k[0] = 'b';
	CHECK(!lrutab_peek(t, k));
	k[0] = 'a';
	v = lrutab_peek(t, k);
	CHECK(v && v->n == 7 && lrutab_last_ms(t, v) == 5);
	lrutab_walk(t, count_walk, order);
	CHECK_STR(order, "dac");
	lrutab_stats(t, &st);
	CHECK_INT(st.entries, 3);
	CHECK_INT(st.evicted, 1);

	unit_case("remove and expire");
	lrutab_remove(t, v);
	CHECK(!lrutab_peek(t, k));
	CHECK_INT(lrutab_expire(t, 10, 5), 1);	/* c (4) */
	CHECK_INT(lrutab_expire(t, 10, 5), 0);	/* d (6) stays */
	CHECK_INT(lrutab_expire(t, 11, 5), 1);
	lrutab_stats(t, &st);
	CHECK_INT(st.entries, 0);
	CHECK_INT(st.expired, 2);
	lrutab_free(t);
	lrutab_free(NULL);
}

#define CAP	6
#define KEYS	10

static void test_model(void)
{
	unsigned int run;

	for (run = 0; run < 50; run++) {
		struct lrutab *t = lrutab_new(CAP, 3, sizeof(uint32_t), &hk);
		uint64_t seen[KEYS] = { 0 }, seq = 0;
		uint32_t val[KEYS] = { 0 }, last[KEYS] = { 0 }, now = 0;
		bool in[KEYS] = { false };
		int step, bad = 0, i;

		unit_case("model: run %u", run);
		srand(run + 11);
		for (step = 0; step < 5000 && !bad; step++) {
			char key[3] = { 'k', 0, 0 };
			int op = rand() % 10, n = 0, old = -1;
			uint32_t *v;

			i = rand() % KEYS;
			key[1] = (char)i;
			now += (uint32_t)(rand() % 50);
			for (int j = 0; j < KEYS; j++)
				n += in[j];
			if (op < 6) {		/* get, create */
				if (!in[i] && n == CAP) {
					for (int j = 0; j < KEYS; j++)
						if (in[j] && (old < 0 || seen[j] < seen[old]))
							old = j;
					in[old] = false;
				}
				if (!in[i])
					val[i] = 0;
				in[i] = true;
				seen[i] = ++seq;
				last[i] = now;
				v = lrutab_get(t, key, now, true, NULL);
				if (!v || *v != val[i])
					bad = 1;
				else
					*v = val[i] = (uint32_t)rand();
			} else if (op < 8) {	/* peek */
				v = lrutab_peek(t, key);
				if (!v != !in[i] || (v && (*v != val[i] ||
					lrutab_last_ms(t, v) != last[i])))
					bad = 2;
			} else if (op < 9) {	/* remove */
				v = lrutab_peek(t, key);
				if (v)
					lrutab_remove(t, v);
				in[i] = false;
			} else {		/* expire */
				uint32_t idle = (uint32_t)(rand() % 400), want = 0, got;

				/* oldest first: stops at the first one not idle */
				for (;;) {
					old = -1;
					for (int j = 0; j < KEYS; j++)
						if (in[j] && (old < 0 || seen[j] < seen[old]))
							old = j;
					if (old < 0 || now - last[old] < idle)
						break;
					in[old] = false;
					want++;
				}
				got = lrutab_expire(t, now, idle);
				if (got != want)
					bad = 3;
			}
		}
		CHECK_MSG(!bad, "step %d: mismatch %d", step, bad);
		lrutab_free(t);
	}
}

int main(void)
{
	test_basics();
	test_model();
	return unit_summary("lrutab");
}
