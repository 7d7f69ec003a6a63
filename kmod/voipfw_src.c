// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * voipfw_src.c - per-source token buckets, one per method class, in a
 * hash table read under RCU.
 *
 * Size: the table has a hard cap (module parameter max_sources, fixed at
 * load: the bucket array is allocated once).  An entry is allocated
 * (GFP_ATOMIC, from a kmem_cache of its own) only while fewer than the
 * cap are held, so a spoofed-source flood costs at most max_sources
 * allocations per idle period, never an allocation storm.
 *
 * Fail mode when the table is full (or an allocation fails): the source
 * gets no bucket of its own but is not passed unjudged either; every such
 * source shares one overflow bucket per class (struct voipfw_config
 * .overflow).  Fail-closed for the excess: a full table means a flood from
 * many sources is under way, and passing what the table cannot follow
 * would hand that flood to the queue, which the module exists to prevent.
 * Sources already in the table keep their own buckets.
 *
 * Idle entries: a delayed work item runs every second and frees entries
 * not seen for idle_ms (after an RCU grace period); a forgotten source
 * comes back with a full bucket, which it would have by then anyway when
 * idle_ms >= burst / rate.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/netfilter.h>
#include <linux/random.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "voipfw.h"

/* bucket units per message: exact integer refill (ns x milli/s) */
#define VF_PICO		1000000000000ULL
/* lock stripes for the buckets' chains */
#define VF_LOCKS	256
#define VF_GC_PERIOD	HZ
#define VF_IDLE_DEFAULT_MS 60000

/**
 * struct vf_bucket - a token bucket
 * @tokens: VF_PICO units per message
 * @stamp: ktime_get_ns() of the last refill; 0: never used (full)
 */
struct vf_bucket {
	u64	tokens;
	u64	stamp;
};

/**
 * struct vf_src - one source address
 * @node: in its chain (RCU)
 * @rcu: freed after a grace period
 * @lock: serialises the buckets
 * @last_seen: jiffies of the last request
 * @addr: the key
 * @b: a bucket per class
 */
struct vf_src {
	struct hlist_node	node;
	struct rcu_head		rcu;
	spinlock_t		lock;
	unsigned long		last_seen;
	struct vf_addr		addr;
	struct vf_bucket	b[__VOIPFW_CLASS_MAX];
};

static struct kmem_cache *vf_src_cache;
static struct hlist_head *vf_tab;
static unsigned int vf_tab_mask;
static unsigned int vf_max;
static atomic_t vf_nsrc = ATOMIC_INIT(0);
static spinlock_t vf_locks[VF_LOCKS];
static siphash_key_t vf_key;
static DEFINE_SPINLOCK(vf_overflow_lock);
static struct vf_bucket vf_overflow[__VOIPFW_CLASS_MAX];
static void vf_gc_work(struct work_struct *w);
static DECLARE_DELAYED_WORK(vf_gc, vf_gc_work);

static u32 vf_hash(const struct vf_addr *a)
{
	return (u32)siphash(&a->a, sizeof(a->a), &vf_key) & vf_tab_mask;
}

static bool vf_addr_eq(const struct vf_addr *x, const struct vf_addr *y)
{
	return x->family == y->family && !memcmp(&x->a, &y->a, sizeof(x->a));
}

/* Take a token from @b under @l at @now, refilling first; the caller
 * holds the bucket's lock. */
static bool vf_bucket_take(struct vf_bucket *b, const struct voipfw_limit *l, u64 now)
{
	u64 cap = (u64)min(l->burst, VOIPFW_BURST_MAX) * VF_PICO;
	u64 rate = min(l->milli_per_sec, VOIPFW_RATE_MAX);

	if (!b->stamp) {
		b->tokens = cap;
	} else if (now > b->stamp) {
		u64 dt = now - b->stamp;

		/* dt * rate < cap when not full: no overflow */
		if (rate && dt >= div64_u64(cap, rate))
			b->tokens = cap;
		else
			b->tokens = min(b->tokens + dt * rate, cap);
	}
	if (b->tokens > cap)	/* the limit shrank */
		b->tokens = cap;
	b->stamp = now;
	if (b->tokens < VF_PICO)
		return false;
	b->tokens -= VF_PICO;
	return true;
}

static void vf_src_free_rcu(struct rcu_head *r)
{
	kmem_cache_free(vf_src_cache, container_of(r, struct vf_src, rcu));
	vf_stat_inc(VOIPFW_S_SRC_FREE);
}

/* A new entry for @a in chain @h, or the one another CPU just added; NULL
 * when the table is full or memory is short. */
static struct vf_src *vf_src_insert(const struct vf_addr *a, u32 h)
{
	spinlock_t *lock = &vf_locks[h % VF_LOCKS];
	struct vf_src *s, *o;

	if (atomic_inc_return(&vf_nsrc) > vf_max) {
		atomic_dec(&vf_nsrc);
		pr_warn_ratelimited("source table full (%u sources): the rest share the overflow buckets\n",
				    vf_max);
		return NULL;
	}
	s = kmem_cache_zalloc(vf_src_cache, GFP_ATOMIC | __GFP_NOWARN);
	if (!s) {
		atomic_dec(&vf_nsrc);
		vf_stat_inc(VOIPFW_S_SRC_ALLOC_FAIL);
		return NULL;
	}
	vf_stat_inc(VOIPFW_S_SRC_ALLOC);
	spin_lock_init(&s->lock);
	s->addr = *a;
	s->last_seen = jiffies;

	spin_lock_bh(lock);
	hlist_for_each_entry(o, &vf_tab[h], node)
		if (vf_addr_eq(&o->addr, a)) {
			spin_unlock_bh(lock);
			/* never published: no grace period needed */
			kmem_cache_free(vf_src_cache, s);
			vf_stat_inc(VOIPFW_S_SRC_FREE);
			atomic_dec(&vf_nsrc);
			return o;
		}
	hlist_add_head_rcu(&s->node, &vf_tab[h]);
	spin_unlock_bh(lock);
	return s;
}

bool vf_src_allow(const struct vf_cfg *cfg, const struct vf_addr *src,
		  enum voipfw_class cls)
{
	u64 now = ktime_get_ns();
	u32 h = vf_hash(src);
	struct vf_src *s;
	bool ok;

	hlist_for_each_entry_rcu(s, &vf_tab[h], node)
		if (vf_addr_eq(&s->addr, src))
			goto found;
	s = vf_src_insert(src, h);
	if (!s) {
		vf_stat_inc(VOIPFW_S_OVERFLOW);
		spin_lock_bh(&vf_overflow_lock);
		ok = vf_bucket_take(&vf_overflow[cls], &cfg->c.overflow[cls], now);
		spin_unlock_bh(&vf_overflow_lock);
		return ok;
	}
found:
	if (READ_ONCE(s->last_seen) != jiffies)
		WRITE_ONCE(s->last_seen, jiffies);
	spin_lock_bh(&s->lock);
	ok = vf_bucket_take(&s->b[cls], &cfg->c.limit[cls], now);
	spin_unlock_bh(&s->lock);
	return ok;
}

/* Free entries idle for @idle jiffies (all of them when @idle is 0 and
 * the hooks are gone: module exit). */
static unsigned int vf_src_expire(unsigned long idle, bool all)
{
	unsigned int i, n = 0;

	for (i = 0; i <= vf_tab_mask; i++) {
		spinlock_t *lock = &vf_locks[i % VF_LOCKS];
		struct hlist_node *tmp;
		struct vf_src *s;

		if (hlist_empty(&vf_tab[i]))
			goto next;
		spin_lock_bh(lock);
		hlist_for_each_entry_safe(s, tmp, &vf_tab[i], node) {
			if (!all && time_before(jiffies, READ_ONCE(s->last_seen) + idle))
				continue;
			hlist_del_rcu(&s->node);
			atomic_dec(&vf_nsrc);
			call_rcu(&s->rcu, vf_src_free_rcu);
			n++;
		}
		spin_unlock_bh(lock);
next:
		if ((i & 1023) == 1023)
			cond_resched();
	}
	return n;
}

static void vf_gc_work(struct work_struct *w)
{
	unsigned long idle = msecs_to_jiffies(VF_IDLE_DEFAULT_MS);
	const struct vf_cfg *cfg;
	unsigned int i, n;

	rcu_read_lock();
	cfg = rcu_dereference(vf_cfg);
	if (cfg)
		idle = msecs_to_jiffies(cfg->c.idle_ms);
	rcu_read_unlock();
	n = vf_src_expire(idle, false);
	for (i = 0; i < n; i++)
		vf_stat_inc(VOIPFW_S_SRC_EXPIRED);
	schedule_delayed_work(&vf_gc, VF_GC_PERIOD);
}

unsigned int vf_src_max(void)
{
	return vf_max;
}

unsigned int vf_src_count(void)
{
	return atomic_read(&vf_nsrc);
}

int vf_src_init(unsigned int max_sources)
{
	unsigned int i, n = roundup_pow_of_two(max_sources);

	vf_src_cache = kmem_cache_create("voipfw_src", sizeof(struct vf_src),
					 0, 0, NULL);
	if (!vf_src_cache)
		return -ENOMEM;
	vf_tab = kvcalloc(n, sizeof(*vf_tab), GFP_KERNEL);
	if (!vf_tab) {
		kmem_cache_destroy(vf_src_cache);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		INIT_HLIST_HEAD(&vf_tab[i]);
	for (i = 0; i < VF_LOCKS; i++)
		spin_lock_init(&vf_locks[i]);
	vf_tab_mask = n - 1;
	vf_max = max_sources;
	get_random_bytes(&vf_key, sizeof(vf_key));
	schedule_delayed_work(&vf_gc, VF_GC_PERIOD);
	return 0;
}

/* After the hooks are unregistered (nothing looks entries up any more). */
void vf_src_exit(void)
{
	cancel_delayed_work_sync(&vf_gc);
	vf_src_expire(0, true);
	rcu_barrier();		/* every vf_src_free_rcu has run */
	kvfree(vf_tab);
	kmem_cache_destroy(vf_src_cache);
}
