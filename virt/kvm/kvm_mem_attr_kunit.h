/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests for KVM's memory attribute ranges.
 *
 * Copyright (C) 2026 gmem-pool authors
 */

/**
 * DOC: gmem_pool_mem_attr KUnit suite
 *
 * Included at the end of kvm_main.c so that the static functions of the
 * attribute store can be tested on a maple tree of the test's own, locked
 * by a mutex of its own as kvm->slots_lock locks a VM's: no VM is needed.
 * Each case sets attributes through kvm_mem_attr_prepare() and
 * kvm_mem_attr_commit(), as kvm_vm_set_mem_attributes() does, then compares
 * the whole tree with the ranges it expects and checks that no two adjacent
 * ranges are equal (ranges stay maximal).  A test double of
 * kvm_mem_attr_prealloc() makes the allocation fail after it allocated part
 * of what the store needs, and records the gfp flags it was given.
 */

#ifndef _KVM_MEM_ATTR_KUNIT_H
#define _KVM_MEM_ATTR_KUNIT_H

#include <kunit/test.h>
#include <kunit/static_stub.h>
#include <kunit/test-bug.h>
#include <linux/kthread.h>

#define ATTR_P			KVM_MEMORY_ATTRIBUTE_PRIVATE
/* The store keeps any value; two more to tell ranges apart. */
#define ATTR_A			BIT(0)
#define ATTR_B			BIT(1)
/* One past the last gfn KVM_SET_MEMORY_ATTRIBUTES can name. */
#define ATTR_GFN_END		(1ULL << (64 - PAGE_SHIFT))
#define ATTR_PAGES_1G		(1UL << (30 - PAGE_SHIFT))
#define ATTR_PAGES_1T		(1UL << (40 - PAGE_SHIFT))
#define ATTR_PAGES_2M		(1UL << (21 - PAGE_SHIFT))
#define ATTR_MAX_RANGES		8192
#define ATTR_RACE_ROUNDS	2000
/* Ranges for a tree four levels deep. */
#define ATTR_DEEP_RANGES	16384

struct attr_range {
	unsigned long first;
	unsigned long last;
	unsigned long attrs;
};

struct attr_test {
	struct maple_tree mt;
	/* The tree's external lock, as kvm->slots_lock is a VM's. */
	struct mutex lock;
	/* The test double: fail or not, and what it was asked. */
	bool fail_alloc;
	int alloc_calls;
	gfp_t alloc_gfp;
	struct attr_range *snap;
};

static int attr_fake_prealloc(struct ma_state *mas, void *entry, gfp_t gfp)
{
	struct attr_test *t = kunit_get_current_test()->priv;
	int r;

	t->alloc_calls++;
	t->alloc_gfp = gfp;
	if (!t->fail_alloc)
		return mas_preallocate(mas, entry, gfp);

	/*
	 * Fail midway: the nodes are allocated, then the allocation "fails"
	 * before the store, as a failure of the last of several nodes would.
	 */
	r = mas_preallocate(mas, entry, gfp);
	mas_destroy(mas);
	return r ? r : -ENOMEM;
}

static int attr_test_init(struct kunit *test)
{
	struct attr_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	if (!t)
		return -ENOMEM;
	t->snap = kunit_kcalloc(test, ATTR_MAX_RANGES, sizeof(*t->snap),
				GFP_KERNEL);
	if (!t->snap)
		return -ENOMEM;
	mutex_init(&t->lock);
	kvm_mem_attr_init(&t->mt, &t->lock);
	test->priv = t;
	kunit_activate_static_stub(test, kvm_mem_attr_prealloc,
				   attr_fake_prealloc);
	return 0;
}

static void attr_test_exit(struct kunit *test)
{
	struct attr_test *t = test->priv;

	mutex_lock(&t->lock);
	kvm_mem_attr_destroy(&t->mt);
	mutex_unlock(&t->lock);
}

/* Set @attrs over [@start, @end) as kvm_vm_set_mem_attributes() does. */
static int attr_set(struct attr_test *t, gfn_t start, gfn_t end,
		    unsigned long attrs)
{
	MA_STATE(mas, &t->mt, start, end - 1);
	int r;

	mutex_lock(&t->lock);
	r = kvm_mem_attr_prepare(&mas, start, end, attrs);
	if (!r)
		kvm_mem_attr_commit(&mas, attrs);
	mutex_unlock(&t->lock);
	return r;
}

static unsigned long attr_get(struct attr_test *t, gfn_t gfn)
{
	return xa_to_value(mtree_load(&t->mt, gfn));
}

/* Copy the tree's ranges into @out; fail the test if two adjacent are equal. */
static int attr_ranges(struct kunit *test, struct attr_range *out)
{
	struct attr_test *t = test->priv;
	struct attr_range prev = { };
	int n = 0;
	void *entry;

	MA_STATE(mas, &t->mt, 0, 0);
	mutex_lock(&t->lock);
	mas_for_each(&mas, entry, ULONG_MAX) {
		struct attr_range r = {
			.first = mas.index,
			.last = mas.last,
			.attrs = xa_to_value(entry),
		};

		KUNIT_EXPECT_NE_MSG(test, r.attrs, 0, "zero entry at %lx", r.first);
		if (n && prev.last + 1 == r.first)
			KUNIT_EXPECT_NE_MSG(test, prev.attrs, r.attrs,
					    "ranges not merged at %lx", r.first);
		if (out && n < ATTR_MAX_RANGES)
			out[n] = r;
		prev = r;
		n++;
	}
	mutex_unlock(&t->lock);
	return n;
}

static void attr_expect(struct kunit *test, const struct attr_range *want,
			int nr)
{
	struct attr_test *t = test->priv;
	int i, n = attr_ranges(test, t->snap);

	KUNIT_ASSERT_EQ(test, n, nr);
	for (i = 0; i < nr; i++) {
		KUNIT_EXPECT_EQ_MSG(test, t->snap[i].first, want[i].first, "range %d", i);
		KUNIT_EXPECT_EQ_MSG(test, t->snap[i].last, want[i].last, "range %d", i);
		KUNIT_EXPECT_EQ_MSG(test, t->snap[i].attrs, want[i].attrs, "range %d", i);
	}
}

static bool attr_has(struct attr_test *t, gfn_t start, gfn_t end,
		     unsigned long attrs)
{
	return kvm_mem_attr_range_has(&t->mt, start, end, ~0UL, attrs);
}

/* Single pages out of a private GiB: the first, one inside, the last. */
static void gmem_pool_test_attr_split(struct kunit *test)
{
	const gfn_t base = ATTR_PAGES_1G, end = base + ATTR_PAGES_1G;
	const gfn_t mid = base + ATTR_PAGES_2M + 1;
	struct attr_test *t = test->priv;
	const struct attr_range want[] = {
		{ base + 1, mid - 1, ATTR_P },
		{ mid + 1, end - 2, ATTR_P },
	};

	KUNIT_ASSERT_EQ(test, attr_set(t, base, end, ATTR_P), 0);
	KUNIT_ASSERT_EQ(test, attr_ranges(test, NULL), 1);
	KUNIT_ASSERT_EQ(test, attr_set(t, mid, mid + 1, 0), 0);
	KUNIT_ASSERT_EQ(test, attr_set(t, base, base + 1, 0), 0);
	KUNIT_ASSERT_EQ(test, attr_set(t, end - 1, end, 0), 0);
	attr_expect(test, want, ARRAY_SIZE(want));

	KUNIT_EXPECT_EQ(test, attr_get(t, base - 1), 0);
	KUNIT_EXPECT_EQ(test, attr_get(t, base), 0);
	KUNIT_EXPECT_EQ(test, attr_get(t, base + 1), ATTR_P);
	KUNIT_EXPECT_EQ(test, attr_get(t, mid - 1), ATTR_P);
	KUNIT_EXPECT_EQ(test, attr_get(t, mid), 0);
	KUNIT_EXPECT_EQ(test, attr_get(t, mid + 1), ATTR_P);
	KUNIT_EXPECT_EQ(test, attr_get(t, end - 2), ATTR_P);
	KUNIT_EXPECT_EQ(test, attr_get(t, end - 1), 0);

	/* The 2M page holding @mid is mixed, its neighbours are not. */
	KUNIT_EXPECT_TRUE(test, attr_has(t, base + 1, base + ATTR_PAGES_2M, ATTR_P));
	KUNIT_EXPECT_FALSE(test, attr_has(t, base + ATTR_PAGES_2M,
					  base + 2 * ATTR_PAGES_2M, ATTR_P));
	KUNIT_EXPECT_FALSE(test, attr_has(t, base + ATTR_PAGES_2M,
					  base + 2 * ATTR_PAGES_2M, 0));
	KUNIT_EXPECT_TRUE(test, attr_has(t, mid + 1, end - 1, ATTR_P));
	KUNIT_EXPECT_TRUE(test, attr_has(t, mid, mid + 1, 0));
	KUNIT_EXPECT_FALSE(test, attr_has(t, base, end, ATTR_P));
	KUNIT_EXPECT_TRUE(test, attr_has(t, 0, base + 1, 0));
}

/* Equal neighbours merge, from the left, the right and both sides. */
static void gmem_pool_test_attr_merge(struct kunit *test)
{
	struct attr_test *t = test->priv;
	const struct attr_range two[] = {
		{ 10, 19, ATTR_P },
		{ 30, 39, ATTR_P },
	};
	const struct attr_range one[] = { { 5, 49, ATTR_P } };

	KUNIT_ASSERT_EQ(test, attr_set(t, 10, 20, ATTR_P), 0);
	KUNIT_ASSERT_EQ(test, attr_set(t, 30, 40, ATTR_P), 0);
	attr_expect(test, two, ARRAY_SIZE(two));
	KUNIT_ASSERT_EQ(test, attr_set(t, 20, 30, ATTR_P), 0);	/* both */
	KUNIT_ASSERT_EQ(test, attr_set(t, 40, 50, ATTR_P), 0);	/* left */
	KUNIT_ASSERT_EQ(test, attr_set(t, 5, 10, ATTR_P), 0);	/* right */
	attr_expect(test, one, ARRAY_SIZE(one));

	/* A page converted and converted back leaves one range again. */
	KUNIT_ASSERT_EQ(test, attr_set(t, 27, 28, 0), 0);
	KUNIT_EXPECT_EQ(test, attr_ranges(test, NULL), 2);
	KUNIT_ASSERT_EQ(test, attr_set(t, 27, 28, ATTR_P), 0);
	attr_expect(test, one, ARRAY_SIZE(one));

	/* A different value next door does not merge. */
	KUNIT_ASSERT_EQ(test, attr_set(t, 50, 60, ATTR_A), 0);
	KUNIT_EXPECT_EQ(test, attr_ranges(test, NULL), 2);

	KUNIT_ASSERT_EQ(test, attr_set(t, 0, 100, 0), 0);
	KUNIT_EXPECT_TRUE(test, mtree_empty(&t->mt));
}

/* A range over parts of two others, and over many whole ones. */
static void gmem_pool_test_attr_overlap(struct kunit *test)
{
	struct attr_test *t = test->priv;
	const struct attr_range ends[] = {
		{ 100, 149, ATTR_P },
		{ 150, 349, ATTR_B },
		{ 350, 399, ATTR_A },
	};
	const struct attr_range span[] = {
		{ 1000, 1000, ATTR_P },
		{ 1001, 1100, ATTR_A },
		{ 1102, 1102, ATTR_P },
	};
	int i;

	KUNIT_ASSERT_EQ(test, attr_set(t, 100, 200, ATTR_P), 0);
	KUNIT_ASSERT_EQ(test, attr_set(t, 300, 400, ATTR_A), 0);
	KUNIT_ASSERT_EQ(test, attr_set(t, 150, 350, ATTR_B), 0);
	attr_expect(test, ends, ARRAY_SIZE(ends));

	/* Clearing over both ends leaves the outer parts. */
	KUNIT_ASSERT_EQ(test, attr_set(t, 120, 380, 0), 0);
	KUNIT_EXPECT_EQ(test, attr_ranges(test, NULL), 2);
	KUNIT_EXPECT_EQ(test, attr_get(t, 119), ATTR_P);
	KUNIT_EXPECT_EQ(test, attr_get(t, 120), 0);
	KUNIT_EXPECT_EQ(test, attr_get(t, 379), 0);
	KUNIT_EXPECT_EQ(test, attr_get(t, 380), ATTR_A);
	KUNIT_ASSERT_EQ(test, attr_set(t, 0, 1000, 0), 0);

	/* 52 one-page ranges; one store replaces all but its two ends. */
	for (i = 0; i < 52; i++)
		KUNIT_ASSERT_EQ(test, attr_set(t, 1000 + 2 * i, 1001 + 2 * i, ATTR_P), 0);
	KUNIT_EXPECT_EQ(test, attr_ranges(test, NULL), 52);
	KUNIT_ASSERT_EQ(test, attr_set(t, 1001, 1101, ATTR_A), 0);
	attr_expect(test, span, ARRAY_SIZE(span));
}

/* Every gfn KVM can name, then its first and last pages alone. */
static void gmem_pool_test_attr_whole_space(struct kunit *test)
{
	struct attr_test *t = test->priv;
	const struct attr_range all[] = { { 0, ATTR_GFN_END - 1, ATTR_P } };
	const struct attr_range inner[] = { { 1, ATTR_GFN_END - 2, ATTR_P } };
	const struct attr_range top[] = { { 0, ULONG_MAX, ATTR_A } };

	KUNIT_ASSERT_EQ(test, attr_set(t, 0, ATTR_GFN_END, ATTR_P), 0);
	attr_expect(test, all, ARRAY_SIZE(all));
	KUNIT_EXPECT_TRUE(test, attr_has(t, 0, ATTR_GFN_END, ATTR_P));
	KUNIT_EXPECT_EQ(test, attr_get(t, ATTR_GFN_END), 0);

	KUNIT_ASSERT_EQ(test, attr_set(t, 0, 1, 0), 0);
	KUNIT_ASSERT_EQ(test, attr_set(t, ATTR_GFN_END - 1, ATTR_GFN_END, 0), 0);
	attr_expect(test, inner, ARRAY_SIZE(inner));
	KUNIT_EXPECT_FALSE(test, attr_has(t, 0, ATTR_GFN_END, ATTR_P));
	KUNIT_EXPECT_TRUE(test, attr_has(t, 1, ATTR_GFN_END - 1, ATTR_P));

	KUNIT_ASSERT_EQ(test, attr_set(t, 0, ATTR_GFN_END, 0), 0);
	KUNIT_EXPECT_TRUE(test, mtree_empty(&t->mt));

	/* The store itself reaches ULONG_MAX (end 0 wraps to it). */
	KUNIT_ASSERT_EQ(test, attr_set(t, 0, 0, ATTR_A), 0);
	attr_expect(test, top, ARRAY_SIZE(top));
	KUNIT_EXPECT_EQ(test, attr_get(t, ULONG_MAX), ATTR_A);
}

/* A failed allocation, midway through what the store needs, changes nothing. */
static void gmem_pool_test_attr_alloc_failure(struct kunit *test)
{
	struct attr_test *t = test->priv;
	struct attr_range *before;
	int i, n;

	before = kunit_kcalloc(test, ATTR_MAX_RANGES, sizeof(*before), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	for (i = 0; i < 256; i++)
		KUNIT_ASSERT_EQ(test, attr_set(t, 2 * i, 2 * i + 1, ATTR_P), 0);
	n = attr_ranges(test, before);
	KUNIT_ASSERT_EQ(test, n, 256);
	/* The nodes are charged to the caller's memory cgroup. */
	KUNIT_EXPECT_TRUE(test, t->alloc_gfp & __GFP_ACCOUNT);

	t->fail_alloc = true;
	t->alloc_calls = 0;
	KUNIT_EXPECT_EQ(test, attr_set(t, 1, 301, ATTR_A), -ENOMEM);
	KUNIT_EXPECT_EQ(test, attr_set(t, 0, ATTR_PAGES_1T, ATTR_P), -ENOMEM);
	KUNIT_EXPECT_EQ(test, attr_set(t, 100, 101, 0), -ENOMEM);
	KUNIT_EXPECT_EQ(test, attr_set(t, 511, 1024, ATTR_P), -ENOMEM);
	KUNIT_EXPECT_EQ(test, t->alloc_calls, 4);
	attr_expect(test, before, n);
	for (i = 0; i < 512; i++)
		KUNIT_EXPECT_EQ(test, attr_get(t, i), i & 1 ? 0 : ATTR_P);

	t->fail_alloc = false;
	KUNIT_EXPECT_EQ(test, attr_set(t, 0, ATTR_PAGES_1T, ATTR_P), 0);
	KUNIT_EXPECT_EQ(test, attr_ranges(test, NULL), 1);
}

/* A TiB in one range; alternating 4K pages cost one range each. */
static void gmem_pool_test_attr_scale(struct kunit *test)
{
	const gfn_t base = ATTR_PAGES_1T;
	struct attr_test *t = test->priv;
	int i;

	KUNIT_ASSERT_EQ(test, attr_set(t, base, base + ATTR_PAGES_1T, ATTR_P), 0);
	KUNIT_EXPECT_EQ(test, attr_ranges(test, NULL), 1);
	KUNIT_EXPECT_TRUE(test, attr_has(t, base, base + ATTR_PAGES_1T, ATTR_P));

	for (i = 0; i < ATTR_MAX_RANGES / 2; i++) {
		gfn_t g = base + 2 * i + 1;

		KUNIT_ASSERT_EQ(test, attr_set(t, g, g + 1, 0), 0);
	}
	KUNIT_EXPECT_EQ(test, attr_ranges(test, NULL), ATTR_MAX_RANGES / 2 + 1);
	for (i = 0; i < ATTR_MAX_RANGES + 2; i++)
		KUNIT_EXPECT_EQ(test, attr_get(t, base + i),
				i & 1 && i < ATTR_MAX_RANGES ? 0 : ATTR_P);
	KUNIT_EXPECT_EQ(test, attr_get(t, base - 1), 0);

	KUNIT_ASSERT_EQ(test, attr_set(t, base, base + ATTR_PAGES_1T, ATTR_P), 0);
	KUNIT_EXPECT_EQ(test, attr_ranges(test, NULL), 1);
}

/*
 * A deep tree freed as kvm_destroy_vm() frees it: the nodes go at once,
 * not through a walk in an RCU callback (which crashed on such a tree);
 * rcu_barrier() runs any callback left inside this case.
 */
static void gmem_pool_test_attr_destroy_deep(struct kunit *test)
{
	struct attr_test *t = test->priv;
	int i;

	for (i = 0; i < ATTR_DEEP_RANGES; i++)
		KUNIT_ASSERT_EQ(test, attr_set(t, 2 * i, 2 * i + 1, ATTR_P), 0);
	KUNIT_EXPECT_EQ(test, attr_ranges(test, NULL), ATTR_DEEP_RANGES);
	mutex_lock(&t->lock);
	kvm_mem_attr_destroy(&t->mt);
	mutex_unlock(&t->lock);
	KUNIT_EXPECT_TRUE(test, mtree_empty(&t->mt));
	rcu_barrier();
}

struct attr_race {
	struct attr_test *t;
	atomic_t bad;
	atomic_t reads;
};

/* Lockless reader: gfns outside the writer's pages never change. */
static int attr_race_reader(void *arg)
{
	struct attr_race *race = arg;
	gfn_t g = 0;

	while (!kthread_should_stop()) {
		if (!attr_has(race->t, 0, ATTR_PAGES_2M, ATTR_P) ||
		    attr_get(race->t, g) != ATTR_P ||
		    attr_get(race->t, 2 * ATTR_PAGES_2M + g) != ATTR_P)
			atomic_inc(&race->bad);
		g = (g + 1) % ATTR_PAGES_2M;
		atomic_inc(&race->reads);
		cond_resched();
	}
	return 0;
}

/*
 * The writer splits and merges the ranges next to the reader's, whose
 * nodes it replaces: the reader, under RCU only, must see them unchanged.
 */
static void gmem_pool_test_attr_race(struct kunit *test)
{
	struct attr_test *t = test->priv;
	struct attr_race race = { .t = t };
	struct task_struct *reader;
	int i;

	KUNIT_ASSERT_EQ(test, attr_set(t, 0, 3 * ATTR_PAGES_2M, ATTR_P), 0);
	reader = kthread_run(attr_race_reader, &race, "kvm_attr_reader");
	KUNIT_ASSERT_FALSE(test, IS_ERR(reader));

	for (i = 0; i < ATTR_RACE_ROUNDS; i++) {
		gfn_t g = ATTR_PAGES_2M + (i * 7) % ATTR_PAGES_2M;

		KUNIT_EXPECT_EQ(test, attr_set(t, g, g + 1, i & 1 ? ATTR_P : 0), 0);
		if (i % 64 == 63)
			KUNIT_EXPECT_EQ(test, attr_set(t, ATTR_PAGES_2M,
						       2 * ATTR_PAGES_2M, ATTR_P), 0);
		cond_resched();
	}
	kthread_stop(reader);
	KUNIT_EXPECT_EQ(test, atomic_read(&race.bad), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&race.reads), 0);
}

static struct kunit_case gmem_pool_mem_attr_cases[] = {
	KUNIT_CASE(gmem_pool_test_attr_split),
	KUNIT_CASE(gmem_pool_test_attr_merge),
	KUNIT_CASE(gmem_pool_test_attr_overlap),
	KUNIT_CASE(gmem_pool_test_attr_whole_space),
	KUNIT_CASE(gmem_pool_test_attr_alloc_failure),
	KUNIT_CASE_SLOW(gmem_pool_test_attr_scale),
	KUNIT_CASE(gmem_pool_test_attr_race),
	KUNIT_CASE_SLOW(gmem_pool_test_attr_destroy_deep),
	{}
};

static struct kunit_suite gmem_pool_mem_attr_suite = {
	.name = "gmem_pool_mem_attr",
	.init = attr_test_init,
	.exit = attr_test_exit,
	.test_cases = gmem_pool_mem_attr_cases,
};

kunit_test_suite(gmem_pool_mem_attr_suite);

#endif /* _KVM_MEM_ATTR_KUNIT_H */
