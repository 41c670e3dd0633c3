/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests for pool-backed guest_memfd.
 *
 * Copyright (C) 2026 gmem-pool authors
 */

/**
 * DOC: gmem_pool_kvm KUnit suite
 *
 * Included at the end of guest_memfd_pool.c so that the static functions
 * can be tested.  The carveout and the confidential-VM hooks are replaced by
 * test doubles through the KUNIT_STATIC_STUB_REDIRECT() seams: the doubles
 * hand out fake, never dereferenced pfns from a budget and record every call,
 * so each case can assert the exact sequence of prepare, invalidate and
 * free calls.  No pool memory and no real VM are needed.
 */

#ifndef _KVM_GUEST_MEMFD_POOL_KUNIT_H
#define _KVM_GUEST_MEMFD_POOL_KUNIT_H

#include <kunit/test.h>
#include <kunit/static_stub.h>
#include <linux/completion.h>
#include <linux/kthread.h>

#define POOL_TEST_ORDER		9
#define POOL_TEST_PAGES		BIT(POOL_TEST_ORDER)
#define POOL_TEST_CHUNKS	4
#define POOL_TEST_SIZE		((loff_t)POOL_TEST_CHUNKS * POOL_TEST_PAGES * PAGE_SIZE)
/* Fake pfns start here; they are only compared, never dereferenced. */
#define POOL_TEST_PFN_BASE	BIT(30)
#define POOL_TEST_MAX_CALLS	16
#define POOL_TEST_NODE		1
/* The fake node's whole pool: twice the test file. */
#define POOL_TEST_NODE_BYTES	(2 * POOL_TEST_SIZE)
#define POOL_TEST_CHUNK_BYTES	((loff_t)POOL_TEST_PAGES * PAGE_SIZE)
/*
 * How long a fault on a present chunk may take while another fault is held
 * inside the zeroing of its chunk.  Only a bound on a failure: a fault that
 * waits for the other one never completes before it is released.
 */
#define POOL_TEST_FAULT_WAIT	(20 * HZ)

struct pool_test_call {
	unsigned long pfn;
	unsigned long end;
	gfn_t gfn;
	int order;
};

/**
 * struct pool_test_ctx - state shared by the test doubles of one case
 * @budget: chunks the fake carveout still hands out
 * @next_pfn: pfn of the next fake chunk
 * @taken: chunks taken and not given back
 * @prepare_ret: what the fake kvm_arch_gmem_prepare() returns
 * @private: what the fake memory attribute check answers
 * @nr_prepare: number of entries of @prepare
 * @nr_invalidate: number of entries of @invalidate
 * @nr_free: number of entries of @freed
 * @nr_populate: number of entries of @populate
 * @nr_zero: number of entries of @zero
 * @nr_chown: number of ownership changes
 * @chown_to: the owner of the last one
 * @zero_ret: what the fake range zeroing returns
 * @poisoned_pfn: first pfn of the chunk the carveout says is retired, 0 for
 *	none
 * @prepare: recorded prepare calls
 * @invalidate: recorded invalidate calls
 * @freed: recorded pfns given back
 * @populate: recorded post_populate calls
 * @zero: recorded range zeroing calls (@pfn, @end)
 * @nr_take: number of chunks the fake carveout was asked for
 * @gate: whether the fake take of slot @gate_idx holds until @take_release
 * @gate_idx: the slot whose take @gate holds
 * @take_entered: completed when the held take starts (the chunk "zeroes")
 * @take_release: completed by the case to let the held take finish
 * @pool: the pool under test
 * @slot: a fake memslot bound at file offset 0
 * @kvm: a zeroed struct kvm that is only passed around
 */
struct pool_test_ctx {
	int budget;
	unsigned long next_pfn;
	int taken;
	int prepare_ret;
	bool private;
	int nr_prepare, nr_invalidate, nr_free, nr_populate, nr_zero;
	int nr_chown;
	u32 chown_to;
	int zero_ret;
	unsigned long poisoned_pfn;
	struct pool_test_call prepare[POOL_TEST_MAX_CALLS];
	struct pool_test_call invalidate[POOL_TEST_MAX_CALLS];
	unsigned long freed[POOL_TEST_MAX_CALLS];
	struct pool_test_call populate[POOL_TEST_MAX_CALLS];
	struct pool_test_call zero[POOL_TEST_MAX_CALLS];
	int nr_take;
	bool gate;
	pgoff_t gate_idx;
	struct completion take_entered;
	struct completion take_release;
	struct kvm_gmem_pool *pool;
	struct kvm_memory_slot slot;
	struct kvm *kvm;
};

static struct pool_test_ctx *pool_test_ctx(void)
{
	return kunit_get_current_test()->priv;
}

static int fake_take(struct kvm_gmem_pool *pool, pgoff_t idx)
{
	struct pool_test_ctx *ctx = pool_test_ctx();

	ctx->nr_take++;
	if (ctx->gate && idx == ctx->gate_idx) {
		complete(&ctx->take_entered);
		wait_for_completion(&ctx->take_release);
	}
	if (!ctx->budget)
		return -ENOSPC;
	ctx->budget--;
	ctx->taken++;
	pool->chunks[idx] = ctx->next_pfn;
	ctx->next_pfn += 1UL << pool->order;
	return 0;
}

static int fake_chown(unsigned long pfn, u32 from, u32 to)
{
	struct pool_test_ctx *ctx = pool_test_ctx();

	ctx->nr_chown++;
	ctx->chown_to = to;
	return 0;
}

static int fake_zero(unsigned long pfn, unsigned long nr_pages)
{
	struct pool_test_ctx *ctx = pool_test_ctx();

	if (ctx->zero_ret)
		return ctx->zero_ret;
	if (ctx->nr_zero < POOL_TEST_MAX_CALLS)
		ctx->zero[ctx->nr_zero] = (struct pool_test_call) {
			.pfn = pfn, .end = pfn + nr_pages,
		};
	ctx->nr_zero++;
	return 0;
}

static void fake_uncarve(unsigned long pfn, u32 owner)
{
	struct pool_test_ctx *ctx = pool_test_ctx();

	if (ctx->nr_free < POOL_TEST_MAX_CALLS)
		ctx->freed[ctx->nr_free] = pfn;
	ctx->nr_free++;
	ctx->taken--;
	ctx->budget++;
}

static int fake_prepare(struct kvm *kvm, gfn_t gfn, kvm_pfn_t pfn, int order)
{
	struct pool_test_ctx *ctx = pool_test_ctx();

	if (ctx->nr_prepare < POOL_TEST_MAX_CALLS)
		ctx->prepare[ctx->nr_prepare] = (struct pool_test_call) {
			.pfn = pfn, .gfn = gfn, .order = order,
		};
	ctx->nr_prepare++;
	return ctx->prepare_ret;
}

static void fake_invalidate(kvm_pfn_t start, kvm_pfn_t end)
{
	struct pool_test_ctx *ctx = pool_test_ctx();

	if (ctx->nr_invalidate < POOL_TEST_MAX_CALLS)
		ctx->invalidate[ctx->nr_invalidate] = (struct pool_test_call) {
			.pfn = start, .end = end,
		};
	ctx->nr_invalidate++;
}

static bool __maybe_unused fake_range_private(struct kvm *kvm, gfn_t start, gfn_t end)
{
	return pool_test_ctx()->private;
}

static bool fake_pfn_poisoned(unsigned long pfn)
{
	unsigned long bad = pool_test_ctx()->poisoned_pfn;

	return bad && pfn >= bad && pfn < bad + POOL_TEST_PAGES;
}

static bool fake_node_ok(int nid)
{
	return nid == POOL_TEST_NODE;
}

static u64 fake_node_bytes(int nid)
{
	return nid == POOL_TEST_NODE ? POOL_TEST_NODE_BYTES : 0;
}

static unsigned int fake_chunk_order(void)
{
	return POOL_TEST_ORDER;
}

static int pool_test_init(struct kunit *test)
{
	struct pool_test_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx);
	ctx->kvm = kunit_kzalloc(test, sizeof(*ctx->kvm), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx->kvm);
	test->priv = ctx;

	ctx->budget = POOL_TEST_CHUNKS;
	ctx->next_pfn = POOL_TEST_PFN_BASE;
	ctx->private = true;
	ctx->slot.base_gfn = 0;
	ctx->slot.npages = POOL_TEST_CHUNKS * POOL_TEST_PAGES;
	init_completion(&ctx->take_entered);
	init_completion(&ctx->take_release);

	kunit_activate_static_stub(test, kvm_gmem_pool_take, fake_take);
	kunit_activate_static_stub(test, kvm_gmem_pool_uncarve, fake_uncarve);
	kunit_activate_static_stub(test, kvm_gmem_pool_zero, fake_zero);
	kunit_activate_static_stub(test, kvm_gmem_pool_chown, fake_chown);
	kunit_activate_static_stub(test, kvm_gmem_pool_arch_prepare,
				   fake_prepare);
	kunit_activate_static_stub(test, kvm_gmem_pool_arch_invalidate,
				   fake_invalidate);
	kunit_activate_static_stub(test, kvm_gmem_pool_range_private,
				   fake_range_private);
	kunit_activate_static_stub(test, kvm_gmem_pool_node_ok, fake_node_ok);
	kunit_activate_static_stub(test, kvm_gmem_pool_pfn_poisoned,
				   fake_pfn_poisoned);
	kunit_activate_static_stub(test, kvm_gmem_pool_node_bytes,
				   fake_node_bytes);
	kunit_activate_static_stub(test, kvm_gmem_pool_chunk_order,
				   fake_chunk_order);

	ctx->pool = __kvm_gmem_pool_create(POOL_TEST_SIZE, POOL_TEST_NODE,
					   POOL_TEST_ORDER);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx->pool);
	return 0;
}

static void pool_test_exit(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;

	/* Destroy with the doubles still active: no fake pfn reaches the carveout. */
	kvm_gmem_pool_destroy(ctx->pool);
}

static int pool_test_lookup(struct pool_test_ctx *ctx, pgoff_t index,
			    bool prepare, kvm_pfn_t *pfn, int *order)
{
	return kvm_gmem_pool_lookup(ctx->kvm, ctx->pool, &ctx->slot, index,
				    prepare, pfn, order);
}

/* First fault takes and prepares the chunk; later faults in it do neither. */
static void gmem_pool_test_prepare_once(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	kvm_pfn_t pfn;
	int order;

	KUNIT_ASSERT_EQ(test, pool_test_lookup(ctx, POOL_TEST_PAGES + 3, true,
					       &pfn, &order), 0);
	KUNIT_EXPECT_EQ(test, pfn, POOL_TEST_PFN_BASE + 3);
	KUNIT_EXPECT_EQ(test, order, POOL_TEST_ORDER);
	KUNIT_EXPECT_EQ(test, ctx->taken, 1);
	KUNIT_ASSERT_EQ(test, ctx->nr_prepare, 1);
	KUNIT_EXPECT_EQ(test, ctx->prepare[0].pfn, POOL_TEST_PFN_BASE);
	KUNIT_EXPECT_EQ(test, ctx->prepare[0].gfn, (gfn_t)POOL_TEST_PAGES);
	KUNIT_EXPECT_EQ(test, ctx->prepare[0].order, POOL_TEST_ORDER);

	KUNIT_ASSERT_EQ(test, pool_test_lookup(ctx, 2 * POOL_TEST_PAGES - 1,
					       true, &pfn, &order), 0);
	KUNIT_EXPECT_EQ(test, pfn, POOL_TEST_PFN_BASE + POOL_TEST_PAGES - 1);
	KUNIT_EXPECT_EQ(test, ctx->taken, 1);
	KUNIT_EXPECT_EQ(test, ctx->nr_prepare, 1);
}

/* A failed prepare is reported and retried by the next fault. */
static void gmem_pool_test_prepare_error(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	kvm_pfn_t pfn;

	ctx->prepare_ret = -EIO;
	KUNIT_EXPECT_EQ(test, pool_test_lookup(ctx, 0, true, &pfn, NULL), -EIO);
	KUNIT_EXPECT_FALSE(test, test_bit(0, ctx->pool->prepared));

	ctx->prepare_ret = 0;
	KUNIT_EXPECT_EQ(test, pool_test_lookup(ctx, 0, true, &pfn, NULL), 0);
	KUNIT_EXPECT_EQ(test, ctx->nr_prepare, 2);
	KUNIT_EXPECT_EQ(test, ctx->taken, 1);
	KUNIT_EXPECT_TRUE(test, test_bit(0, ctx->pool->prepared));
}

/* A fault on an exhausted pool fails with -ENOSPC and leaves a hole. */
static void gmem_pool_test_fault_enospc(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	kvm_pfn_t pfn;

	ctx->budget = 0;
	KUNIT_EXPECT_EQ(test, pool_test_lookup(ctx, 0, true, &pfn, NULL),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, ctx->pool->chunks[0], KVM_GMEM_POOL_HOLE);
	KUNIT_EXPECT_EQ(test, ctx->nr_prepare, 0);
}

struct pool_test_order_case {
	const char *name;
	gfn_t base_gfn;
	pgoff_t pgoff;
	gfn_t gfn;
	int order;
};

static const struct pool_test_order_case pool_test_order_cases[] = {
	{ "aligned", 0, 0, 5, POOL_TEST_ORDER },
	{ "slot_shifted_by_chunk", 4 * POOL_TEST_PAGES, 0,
	  4 * POOL_TEST_PAGES + 7, POOL_TEST_ORDER },
	{ "gfn_off_by_one_page", 1, 0, 1, 0 },
	{ "gfn_off_by_64k", 16, 0, 20, 0 },
	{ "pgoff_off_by_8k", 0, 2, 0, 0 },
};

static_assert(ARRAY_SIZE(pool_test_order_cases) == 5);

/* The mapping order follows the alignment of gfn against the file index. */
static void gmem_pool_test_max_order(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	const struct pool_test_order_case *c;
	pgoff_t index;
	kvm_pfn_t pfn;
	int i, order;

	for (i = 0; i < ARRAY_SIZE(pool_test_order_cases); i++) {
		c = &pool_test_order_cases[i];
		ctx->slot.base_gfn = c->base_gfn;
		ctx->slot.gmem.pgoff = c->pgoff;
		index = c->gfn - c->base_gfn + c->pgoff;
		KUNIT_ASSERT_EQ_MSG(test, pool_test_lookup(ctx, index, true,
							   &pfn, &order),
				    0, "case %s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, order, c->order, "case %s", c->name);
	}
}

/* fallocate is all or nothing: an exhausted pool gets every chunk back. */
static void gmem_pool_test_fill_enospc(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	pgoff_t idx;

	ctx->budget = 2;
	KUNIT_EXPECT_EQ(test, kvm_gmem_pool_fill(ctx->pool, 0, POOL_TEST_CHUNKS),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, ctx->taken, 0);
	KUNIT_EXPECT_EQ(test, ctx->budget, 2);
	KUNIT_EXPECT_EQ(test, ctx->nr_free, 2);
	KUNIT_EXPECT_EQ(test, ctx->nr_invalidate, 2);
	for (idx = 0; idx < POOL_TEST_CHUNKS; idx++)
		KUNIT_EXPECT_EQ(test, ctx->pool->chunks[idx], KVM_GMEM_POOL_HOLE);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(ctx->pool->filling,
					     POOL_TEST_CHUNKS));
}

/*
 * A fault of another vCPU, run by a kthread that the test doubles serve
 * (they find the case through current->kunit_test).
 */
struct pool_test_fault {
	struct kunit *test;
	pgoff_t index;
	kvm_pfn_t pfn;
	int ret;
	struct completion done;
};

static int pool_test_fault_fn(void *arg)
{
	struct pool_test_fault *f = arg;

	current->kunit_test = f->test;
	f->ret = pool_test_lookup(f->test->priv, f->index, true, &f->pfn, NULL);
	current->kunit_test = NULL;
	complete(&f->done);
	return 0;
}

static void pool_test_fault_start(struct kunit *test, struct pool_test_fault *f,
				  pgoff_t index)
{
	struct task_struct *task;

	f->test = test;
	f->index = index;
	init_completion(&f->done);
	task = kthread_run(pool_test_fault_fn, f, "gmem_pool_test/%lu", index);
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
}

/*
 * A fault that zeroes a fresh chunk holds no lock of the file: while fault A
 * is held inside the zeroing of chunk 0, fault B on present chunk 1
 * completes, and fault C on chunk 0 takes no chunk of its own but gets A's.
 * With the file's lock held across the zeroing, B would wait for A.
 */
static void gmem_pool_test_fill_unlocked(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	struct pool_test_fault a, b, c;
	bool b_done, a_done;
	kvm_pfn_t pfn;

	KUNIT_ASSERT_EQ(test, pool_test_lookup(ctx, POOL_TEST_PAGES, true,
					       &pfn, NULL), 0);
	ctx->gate = true;
	ctx->gate_idx = 0;
	pool_test_fault_start(test, &a, 3);
	if (!wait_for_completion_timeout(&ctx->take_entered,
					 POOL_TEST_FAULT_WAIT)) {
		complete(&ctx->take_release);
		wait_for_completion(&a.done);
		KUNIT_FAIL(test, "the fault on a hole took no chunk");
		return;
	}
	pool_test_fault_start(test, &c, 5);
	pool_test_fault_start(test, &b, POOL_TEST_PAGES + 7);

	b_done = wait_for_completion_timeout(&b.done, POOL_TEST_FAULT_WAIT);
	a_done = completion_done(&a.done);
	complete(&ctx->take_release);
	wait_for_completion(&a.done);
	/* A completion counts: b.done was used up if B ended in time. */
	if (!b_done)
		wait_for_completion(&b.done);
	wait_for_completion(&c.done);

	KUNIT_EXPECT_TRUE_MSG(test, b_done, "a fault on a present chunk waited for a zeroing");
	KUNIT_EXPECT_FALSE(test, a_done);
	KUNIT_EXPECT_EQ(test, b.ret, 0);
	KUNIT_EXPECT_EQ(test, b.pfn, POOL_TEST_PFN_BASE + 7);
	KUNIT_EXPECT_EQ(test, a.ret, 0);
	KUNIT_EXPECT_EQ(test, c.ret, 0);
	KUNIT_EXPECT_EQ(test, a.pfn, ctx->pool->chunks[0] + 3);
	KUNIT_EXPECT_EQ(test, c.pfn, ctx->pool->chunks[0] + 5);
	KUNIT_EXPECT_EQ(test, ctx->nr_take, 2);
	KUNIT_EXPECT_EQ(test, ctx->taken, 2);
	KUNIT_EXPECT_EQ(test, ctx->nr_prepare, 2);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(ctx->pool->filling,
					     POOL_TEST_CHUNKS));
}

/*
 * A fault on a slot that fails to fill leaves it a hole, marked by nobody:
 * the next fault fills it.
 */
static void gmem_pool_test_fill_error_unmarks(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	kvm_pfn_t pfn;

	ctx->budget = 0;
	KUNIT_EXPECT_EQ(test, pool_test_lookup(ctx, 0, true, &pfn, NULL),
			-ENOSPC);
	KUNIT_EXPECT_FALSE(test, test_bit(0, ctx->pool->filling));
	ctx->budget = 1;
	KUNIT_EXPECT_EQ(test, pool_test_lookup(ctx, 0, true, &pfn, NULL), 0);
	KUNIT_EXPECT_EQ(test, pfn, POOL_TEST_PFN_BASE);
	KUNIT_EXPECT_FALSE(test, test_bit(0, ctx->pool->filling));
}

/* Chunks the file held before a failed fallocate stay with the file. */
static void gmem_pool_test_fill_keeps_existing(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	unsigned long held;
	kvm_pfn_t pfn;

	KUNIT_ASSERT_EQ(test, pool_test_lookup(ctx, POOL_TEST_PAGES, true,
					       &pfn, NULL), 0);
	held = ctx->pool->chunks[1];
	ctx->budget = 1;
	KUNIT_EXPECT_EQ(test, kvm_gmem_pool_fill(ctx->pool, 0, POOL_TEST_CHUNKS),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, ctx->pool->chunks[1], held);
	KUNIT_EXPECT_TRUE(test, test_bit(1, ctx->pool->prepared));
	KUNIT_EXPECT_EQ(test, ctx->taken, 1);
	KUNIT_EXPECT_EQ(test, ctx->budget, 1);
}

/* Punching invalidates each chunk, frees it and forgets it was prepared. */
static void gmem_pool_test_punch_invalidates(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	kvm_pfn_t pfn;

	KUNIT_ASSERT_EQ(test, kvm_gmem_pool_fill(ctx->pool, 0, 2), 0);
	KUNIT_ASSERT_EQ(test, pool_test_lookup(ctx, 0, true, &pfn, NULL), 0);
	KUNIT_ASSERT_EQ(test, ctx->nr_prepare, 1);

	kvm_gmem_pool_put_range(ctx->pool, 0, 1);
	KUNIT_EXPECT_EQ(test, ctx->nr_invalidate, 1);
	KUNIT_EXPECT_EQ(test, ctx->invalidate[0].pfn, POOL_TEST_PFN_BASE);
	KUNIT_EXPECT_EQ(test, ctx->invalidate[0].end,
			POOL_TEST_PFN_BASE + POOL_TEST_PAGES);
	KUNIT_EXPECT_EQ(test, ctx->nr_free, 1);
	KUNIT_EXPECT_EQ(test, ctx->freed[0], POOL_TEST_PFN_BASE);
	KUNIT_EXPECT_EQ(test, ctx->pool->chunks[0], KVM_GMEM_POOL_HOLE);
	KUNIT_EXPECT_FALSE(test, test_bit(0, ctx->pool->prepared));
	KUNIT_EXPECT_EQ(test, ctx->taken, 1);

	/* The next fault takes a new chunk and prepares it again. */
	KUNIT_ASSERT_EQ(test, pool_test_lookup(ctx, 0, true, &pfn, NULL), 0);
	KUNIT_EXPECT_EQ(test, ctx->nr_prepare, 2);
	KUNIT_EXPECT_EQ(test, ctx->prepare[1].pfn, pfn);
}

/* Release invalidates and frees exactly the chunks the file holds. */
static void gmem_pool_test_release_invalidates(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	kvm_pfn_t pfn;

	KUNIT_ASSERT_EQ(test, pool_test_lookup(ctx, 0, true, &pfn, NULL), 0);
	KUNIT_ASSERT_EQ(test, pool_test_lookup(ctx, 3 * POOL_TEST_PAGES, false,
					       &pfn, NULL), 0);
	KUNIT_ASSERT_EQ(test, ctx->taken, 2);

	kvm_gmem_pool_destroy(ctx->pool);
	ctx->pool = NULL;
	KUNIT_EXPECT_EQ(test, ctx->taken, 0);
	KUNIT_EXPECT_EQ(test, ctx->nr_invalidate, 2);
	KUNIT_EXPECT_EQ(test, ctx->nr_free, 2);
	KUNIT_EXPECT_EQ(test, ctx->invalidate[0].pfn, ctx->freed[0]);
	KUNIT_EXPECT_EQ(test, ctx->invalidate[1].pfn, ctx->freed[1]);
}

#ifdef CONFIG_KVM_GENERIC_PRIVATE_MEM
static int fake_post_populate(struct kvm *kvm, gfn_t gfn, kvm_pfn_t pfn,
			      void __user *src, int order, void *opaque)
{
	struct pool_test_ctx *ctx = pool_test_ctx();

	if (ctx->nr_populate < POOL_TEST_MAX_CALLS)
		ctx->populate[ctx->nr_populate] = (struct pool_test_call) {
			.pfn = pfn, .gfn = gfn, .order = order,
		};
	ctx->nr_populate++;
	return opaque ? *(int *)opaque : 0;
}

static int pool_test_populate(struct pool_test_ctx *ctx, gfn_t gfn,
			      long npages, void *opaque, int *order)
{
	return kvm_gmem_pool_populate_one(ctx->kvm, ctx->pool, &ctx->slot, gfn,
					  NULL, npages, fake_post_populate,
					  opaque, order);
}

/* A full-chunk populate is the chunk's preparation: no prepare, no repeat. */
static void gmem_pool_test_populate(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	kvm_pfn_t pfn;
	int order;

	KUNIT_ASSERT_EQ(test, pool_test_populate(ctx, POOL_TEST_PAGES,
						 POOL_TEST_PAGES, NULL, &order), 0);
	KUNIT_EXPECT_EQ(test, order, POOL_TEST_ORDER);
	KUNIT_ASSERT_EQ(test, ctx->nr_populate, 1);
	KUNIT_EXPECT_EQ(test, ctx->populate[0].pfn, POOL_TEST_PFN_BASE);
	KUNIT_EXPECT_EQ(test, ctx->populate[0].gfn, (gfn_t)POOL_TEST_PAGES);
	KUNIT_EXPECT_EQ(test, ctx->populate[0].order, POOL_TEST_ORDER);

	KUNIT_EXPECT_EQ(test, pool_test_populate(ctx, POOL_TEST_PAGES,
						 POOL_TEST_PAGES, NULL, &order),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, ctx->nr_populate, 1);

	KUNIT_ASSERT_EQ(test, pool_test_lookup(ctx, POOL_TEST_PAGES, true, &pfn,
					       NULL), 0);
	KUNIT_EXPECT_EQ(test, ctx->nr_prepare, 0);
}

/* A partial populate uses a smaller order and leaves the chunk unprepared. */
static void gmem_pool_test_populate_partial(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	int order;

	KUNIT_ASSERT_EQ(test, pool_test_populate(ctx, 0, 6, NULL, &order), 0);
	KUNIT_EXPECT_EQ(test, order, 2);
	KUNIT_ASSERT_EQ(test, pool_test_populate(ctx, 8, 4, NULL, &order), 0);
	KUNIT_EXPECT_EQ(test, order, 2);
	KUNIT_EXPECT_EQ(test, ctx->populate[1].pfn, POOL_TEST_PFN_BASE + 8);
	KUNIT_EXPECT_FALSE(test, test_bit(0, ctx->pool->prepared));
	KUNIT_EXPECT_EQ(test, ctx->taken, 1);
}

/* Shared ranges cannot be populated; callback errors are passed through. */
static void gmem_pool_test_populate_errors(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	int cb_err = -EFAULT;
	int order;

	ctx->private = false;
	KUNIT_EXPECT_EQ(test, pool_test_populate(ctx, 0, POOL_TEST_PAGES, NULL,
						 &order), -EINVAL);
	KUNIT_EXPECT_EQ(test, ctx->nr_populate, 0);

	ctx->private = true;
	KUNIT_EXPECT_EQ(test, pool_test_populate(ctx, 0, POOL_TEST_PAGES,
						 &cb_err, &order), -EFAULT);
	KUNIT_EXPECT_FALSE(test, test_bit(0, ctx->pool->prepared));

	ctx->budget = 0;
	KUNIT_EXPECT_EQ(test, pool_test_populate(ctx, POOL_TEST_PAGES,
						 POOL_TEST_PAGES, NULL, &order),
			-ENOSPC);
}

#endif /* CONFIG_KVM_GENERIC_PRIVATE_MEM */

struct pool_test_check_case {
	const char *name;
	loff_t size;
	u64 node;
	int ret;
};

static const struct pool_test_check_case pool_test_check_cases[] = {
	{ "valid", POOL_TEST_SIZE, POOL_TEST_NODE, 0 },
	{ "size_zero", 0, POOL_TEST_NODE, -EINVAL },
	{ "size_negative", -POOL_TEST_SIZE, POOL_TEST_NODE, -EINVAL },
	{ "size_one_page", PAGE_SIZE, POOL_TEST_NODE, -EINVAL },
	{ "size_chunk_plus_page", POOL_TEST_PAGES * PAGE_SIZE + PAGE_SIZE,
	  POOL_TEST_NODE, -EINVAL },
	{ "node_without_pool", POOL_TEST_SIZE, 0, -EINVAL },
	{ "node_max", POOL_TEST_SIZE, MAX_NUMNODES, -EINVAL },
	{ "node_huge", POOL_TEST_SIZE, U64_MAX, -EINVAL },
	{ "size_whole_pool", POOL_TEST_NODE_BYTES, POOL_TEST_NODE, 0 },
	{ "size_pool_plus_chunk", POOL_TEST_NODE_BYTES + POOL_TEST_CHUNK_BYTES,
	  POOL_TEST_NODE, -EINVAL },
	{ "size_2_47", 1LL << 47, POOL_TEST_NODE, -EINVAL },
	{ "size_2_62", 1LL << 62, POOL_TEST_NODE, -EINVAL },
	{ "size_max_chunks", ALIGN_DOWN(LLONG_MAX, POOL_TEST_CHUNK_BYTES),
	  POOL_TEST_NODE, -EINVAL },
};

static_assert(ARRAY_SIZE(pool_test_check_cases) == 13);

/*
 * Creation arguments: every bad size and node is -EINVAL, a file larger
 * than its node's whole pool included, before anything is allocated.
 */
static void gmem_pool_test_check_args(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	const struct pool_test_check_case *c;
	int i;

	for (i = 0; i < ARRAY_SIZE(pool_test_check_cases); i++) {
		c = &pool_test_check_cases[i];
		if (c->node < MAX_NUMNODES && !node_possible(c->node))
			continue;
		KUNIT_EXPECT_EQ_MSG(test, kvm_gmem_pool_check(ctx->kvm, c->size,
							      c->node),
				    c->ret, "case %s", c->name);
	}
}

/* Owner ids are unique per file and never GMEM_CHUNK_OWNER_NONE. */
static void gmem_pool_test_owner_ids(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	struct kvm_gmem_pool *other;

	other = __kvm_gmem_pool_create(POOL_TEST_SIZE, POOL_TEST_NODE,
				       POOL_TEST_ORDER);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, other);
	KUNIT_EXPECT_NE(test, ctx->pool->owner, GMEM_CHUNK_OWNER_NONE);
	KUNIT_EXPECT_NE(test, other->owner, GMEM_CHUNK_OWNER_NONE);
	KUNIT_EXPECT_NE(test, other->owner, ctx->pool->owner);
	KUNIT_EXPECT_EQ(test, other->nr_chunks, (pgoff_t)POOL_TEST_CHUNKS);
	kvm_gmem_pool_destroy(other);
}

/*
 * A user fault on a mapping takes the chunk once, resolves any page of it,
 * never prepares it for a VM, and takes nothing when the pool is empty.
 */
static void gmem_pool_test_user_pfn(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	unsigned long pfn;

	KUNIT_ASSERT_EQ(test, kvm_gmem_pool_user_pfn(ctx->pool,
						     POOL_TEST_PAGES + 7, 0, &pfn),
			0);
	KUNIT_EXPECT_EQ(test, pfn, POOL_TEST_PFN_BASE + 7);
	KUNIT_ASSERT_EQ(test, kvm_gmem_pool_user_pfn(ctx->pool,
						     2 * POOL_TEST_PAGES - 1, 0,
						     &pfn), 0);
	KUNIT_EXPECT_EQ(test, pfn, POOL_TEST_PFN_BASE + POOL_TEST_PAGES - 1);
	KUNIT_EXPECT_EQ(test, ctx->taken, 1);
	KUNIT_EXPECT_EQ(test, ctx->nr_prepare, 0);
	KUNIT_EXPECT_FALSE(test, test_bit(1, ctx->pool->prepared));

	ctx->budget = 0;
	KUNIT_EXPECT_EQ(test, kvm_gmem_pool_user_pfn(ctx->pool, 0, 0, &pfn),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, ctx->pool->chunks[0], KVM_GMEM_POOL_HOLE);
	KUNIT_EXPECT_EQ(test, ctx->taken, 1);
}

/* Punch pages [@first, @last) of the test pool, as fallocate() would. */
static int pool_test_punch(struct kvm_gmem_pool *pool, pgoff_t first,
			   pgoff_t last)
{
	pgoff_t idx, end = DIV_ROUND_UP(last, 1UL << pool->order);
	int r;

	r = kvm_gmem_pool_reserve_edges(pool, first, last);
	for (idx = first >> pool->order; idx < end && !r; idx++)
		r = kvm_gmem_pool_punch_chunk(pool, idx, first, last);
	return r;
}

static unsigned long *pool_test_punched(struct kvm_gmem_pool *pool,
					pgoff_t idx)
{
	return xa_load(&pool->punched, idx);
}

/*
 * A punch inside a chunk keeps the chunk: exactly the punched pages are
 * invalidated, then zeroed, and marked; a second punch of them does nothing.
 */
static void gmem_pool_test_punch_sub_chunk(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	unsigned long *punched;
	kvm_pfn_t pfn;

	KUNIT_ASSERT_EQ(test, pool_test_lookup(ctx, 0, true, &pfn, NULL), 0);
	KUNIT_ASSERT_EQ(test, pool_test_punch(ctx->pool, 3, 5), 0);

	KUNIT_EXPECT_EQ(test, ctx->pool->chunks[0], POOL_TEST_PFN_BASE);
	KUNIT_EXPECT_EQ(test, ctx->nr_free, 0);
	KUNIT_ASSERT_EQ(test, ctx->nr_invalidate, 1);
	KUNIT_EXPECT_EQ(test, ctx->invalidate[0].pfn, POOL_TEST_PFN_BASE + 3);
	KUNIT_EXPECT_EQ(test, ctx->invalidate[0].end, POOL_TEST_PFN_BASE + 5);
	KUNIT_ASSERT_EQ(test, ctx->nr_zero, 1);
	KUNIT_EXPECT_EQ(test, ctx->zero[0].pfn, POOL_TEST_PFN_BASE + 3);
	KUNIT_EXPECT_EQ(test, ctx->zero[0].end, POOL_TEST_PFN_BASE + 5);
	punched = pool_test_punched(ctx->pool, 0);
	KUNIT_ASSERT_NOT_NULL(test, punched);
	KUNIT_EXPECT_EQ(test, bitmap_weight(punched, POOL_TEST_PAGES), 2);
	KUNIT_EXPECT_TRUE(test, test_bit(3, punched) && test_bit(4, punched));
	KUNIT_EXPECT_TRUE(test, test_bit(0, ctx->pool->prepared));

	/* Again, and one page more: only the new page is cleared. */
	KUNIT_ASSERT_EQ(test, pool_test_punch(ctx->pool, 3, 6), 0);
	KUNIT_ASSERT_EQ(test, ctx->nr_zero, 2);
	KUNIT_EXPECT_EQ(test, ctx->zero[1].pfn, POOL_TEST_PFN_BASE + 5);
	KUNIT_EXPECT_EQ(test, ctx->zero[1].end, POOL_TEST_PFN_BASE + 6);

	/* A hole has nothing to punch and gets no bitmap. */
	KUNIT_ASSERT_EQ(test, pool_test_punch(ctx->pool, POOL_TEST_PAGES + 1,
					      POOL_TEST_PAGES + 2), 0);
	KUNIT_EXPECT_NULL(test, pool_test_punched(ctx->pool, 1));
	KUNIT_EXPECT_EQ(test, ctx->nr_zero, 2);
}

/* Punching every page of a chunk, one at a time, gives the chunk back. */
static void gmem_pool_test_punch_every_page(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	pgoff_t page;

	KUNIT_ASSERT_EQ(test, kvm_gmem_pool_fill(ctx->pool, 0, 1), 0);
	for (page = 0; page < POOL_TEST_PAGES - 1; page++)
		KUNIT_ASSERT_EQ(test, pool_test_punch(ctx->pool, page, page + 1),
				0);
	KUNIT_EXPECT_EQ(test, ctx->nr_free, 0);
	KUNIT_EXPECT_EQ(test, ctx->pool->chunks[0], POOL_TEST_PFN_BASE);

	KUNIT_ASSERT_EQ(test, pool_test_punch(ctx->pool, POOL_TEST_PAGES - 1,
					      POOL_TEST_PAGES), 0);
	KUNIT_EXPECT_EQ(test, ctx->nr_free, 1);
	KUNIT_EXPECT_EQ(test, ctx->taken, 0);
	KUNIT_EXPECT_EQ(test, ctx->pool->chunks[0], KVM_GMEM_POOL_HOLE);
	KUNIT_EXPECT_NULL(test, pool_test_punched(ctx->pool, 0));
}

/*
 * A range that covers one chunk whole and two in part frees the whole one
 * only, and clears the edges of the others.
 */
static void gmem_pool_test_punch_edges(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;

	KUNIT_ASSERT_EQ(test, kvm_gmem_pool_fill(ctx->pool, 0, 3), 0);
	KUNIT_ASSERT_EQ(test, pool_test_punch(ctx->pool, POOL_TEST_PAGES - 1,
					      2 * POOL_TEST_PAGES + 1), 0);
	KUNIT_EXPECT_EQ(test, ctx->nr_free, 1);
	KUNIT_EXPECT_EQ(test, ctx->freed[0], POOL_TEST_PFN_BASE + POOL_TEST_PAGES);
	KUNIT_EXPECT_EQ(test, ctx->pool->chunks[1], KVM_GMEM_POOL_HOLE);
	KUNIT_ASSERT_EQ(test, ctx->nr_zero, 2);
	KUNIT_EXPECT_EQ(test, ctx->zero[0].pfn,
			POOL_TEST_PFN_BASE + POOL_TEST_PAGES - 1);
	KUNIT_EXPECT_EQ(test, ctx->zero[1].pfn,
			POOL_TEST_PFN_BASE + 2 * POOL_TEST_PAGES);
	KUNIT_EXPECT_EQ(test, ctx->zero[1].end,
			POOL_TEST_PFN_BASE + 2 * POOL_TEST_PAGES + 1);
	KUNIT_EXPECT_NOT_NULL(test, pool_test_punched(ctx->pool, 0));
	KUNIT_EXPECT_NOT_NULL(test, pool_test_punched(ctx->pool, 2));
}

/* A punch whose zeroing fails keeps the pages as they were, unmarked. */
static void gmem_pool_test_punch_zero_error(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	unsigned long *punched;

	KUNIT_ASSERT_EQ(test, kvm_gmem_pool_fill(ctx->pool, 0, 1), 0);
	ctx->zero_ret = -ENOMEM;
	KUNIT_EXPECT_EQ(test, pool_test_punch(ctx->pool, 8, 9), -ENOMEM);
	KUNIT_EXPECT_EQ(test, ctx->pool->chunks[0], POOL_TEST_PFN_BASE);
	punched = pool_test_punched(ctx->pool, 0);
	KUNIT_EXPECT_TRUE(test, !punched ||
			  bitmap_empty(punched, POOL_TEST_PAGES));
	ctx->zero_ret = 0;
	KUNIT_EXPECT_EQ(test, pool_test_punch(ctx->pool, 8, 9), 0);
	KUNIT_EXPECT_EQ(test, ctx->nr_zero, 1);
}

/*
 * After a sub-chunk punch, no fault maps a punched page through a huge
 * entry: the 2M range around it maps 4K, the punched page itself is
 * prepared alone (the chunk was prepared) and is in use again after.
 */
static void gmem_pool_test_punched_refault(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	kvm_pfn_t pfn;
	int order;

	KUNIT_ASSERT_EQ(test, pool_test_lookup(ctx, 0, true, &pfn, &order), 0);
	KUNIT_EXPECT_EQ(test, order, POOL_TEST_ORDER);
	KUNIT_ASSERT_EQ(test, pool_test_punch(ctx->pool, 5, 6), 0);

	KUNIT_ASSERT_EQ(test, pool_test_lookup(ctx, 9, true, &pfn, &order), 0);
	KUNIT_EXPECT_EQ(test, order, 0);
	KUNIT_EXPECT_EQ(test, ctx->nr_prepare, 1);

	KUNIT_ASSERT_EQ(test, pool_test_lookup(ctx, 5, true, &pfn, &order), 0);
	KUNIT_EXPECT_EQ(test, pfn, POOL_TEST_PFN_BASE + 5);
	KUNIT_ASSERT_EQ(test, ctx->nr_prepare, 2);
	KUNIT_EXPECT_EQ(test, ctx->prepare[1].pfn, POOL_TEST_PFN_BASE + 5);
	KUNIT_EXPECT_EQ(test, ctx->prepare[1].gfn, 5);
	KUNIT_EXPECT_EQ(test, ctx->prepare[1].order, 0);
	KUNIT_EXPECT_EQ(test, order, POOL_TEST_ORDER);
	KUNIT_EXPECT_NULL(test, pool_test_punched(ctx->pool, 0));

	/* A failed prepare leaves the page punched. */
	KUNIT_ASSERT_EQ(test, pool_test_punch(ctx->pool, 7, 8), 0);
	ctx->prepare_ret = -EIO;
	KUNIT_EXPECT_EQ(test, pool_test_lookup(ctx, 7, true, &pfn, &order),
			-EIO);
	KUNIT_EXPECT_TRUE(test, test_bit(7, pool_test_punched(ctx->pool, 0)));
}

/*
 * In a 1 GiB chunk, a punched page limits the other 2M ranges of the chunk
 * to 2M entries and its own 2M range to 4K.
 */
static void gmem_pool_test_punched_order_1g(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	unsigned int order_1g = PUD_SHIFT - PAGE_SHIFT;
	struct kvm_gmem_pool *pool;
	unsigned long upfn;
	kvm_pfn_t pfn;
	int order;

	pool = __kvm_gmem_pool_create(PUD_SIZE, POOL_TEST_NODE, order_1g);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pool);
	ctx->next_pfn = ALIGN(POOL_TEST_PFN_BASE, 1UL << order_1g);

	KUNIT_ASSERT_EQ(test, kvm_gmem_pool_lookup(ctx->kvm, pool, &ctx->slot,
						   0, true, &pfn, &order), 0);
	KUNIT_EXPECT_EQ(test, order, order_1g);
	KUNIT_ASSERT_EQ(test, pool_test_punch(pool, 3, 4), 0);

	KUNIT_ASSERT_EQ(test, kvm_gmem_pool_lookup(ctx->kvm, pool, &ctx->slot,
						   5 * PTRS_PER_PMD, true, &pfn,
						   &order), 0);
	KUNIT_EXPECT_EQ(test, order, PMD_ORDER);
	KUNIT_ASSERT_EQ(test, kvm_gmem_pool_lookup(ctx->kvm, pool, &ctx->slot,
						   100, true, &pfn, &order), 0);
	KUNIT_EXPECT_EQ(test, order, 0);

	/* A user fault falls back rather than map the punched page big. */
	KUNIT_EXPECT_EQ(test, kvm_gmem_pool_user_pfn(pool, 100, PMD_ORDER,
						     &upfn), -EAGAIN);
	KUNIT_EXPECT_EQ(test, kvm_gmem_pool_user_pfn(pool, 3, PMD_ORDER,
						     &upfn), 0);
	KUNIT_EXPECT_EQ(test, kvm_gmem_pool_user_pfn(pool, 100, order_1g,
						     &upfn), 0);
	kvm_gmem_pool_destroy(pool);
	KUNIT_EXPECT_EQ(test, ctx->taken, 0);
}

/*
 * A carve moves chunk table entries, prepared bits and punched bitmaps to
 * the new file and leaves holes; holes stay holes, nothing is freed.
 */
static void gmem_pool_test_carve_moves(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	struct kvm_gmem_pool *src = ctx->pool, *dst;
	kvm_pfn_t pfn;
	pgoff_t idx;

	KUNIT_ASSERT_EQ(test, kvm_gmem_pool_fill(src, 0, 3), 0);
	KUNIT_ASSERT_EQ(test, pool_test_lookup(ctx, POOL_TEST_PAGES, true, &pfn,
					       NULL), 0);
	KUNIT_ASSERT_EQ(test, pool_test_punch(src, 2 * POOL_TEST_PAGES + 5,
					      2 * POOL_TEST_PAGES + 6), 0);
	dst = __kvm_gmem_pool_create(3 * POOL_TEST_CHUNK_BYTES, POOL_TEST_NODE,
				     POOL_TEST_ORDER);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dst);

	mutex_lock(&src->lock);
	KUNIT_ASSERT_EQ(test, kvm_gmem_pool_carve_reserve(src, dst, 1), 0);
	for (idx = 1; idx < 4; idx++)
		kvm_gmem_pool_carve_one(src, dst, 1, idx);
	mutex_unlock(&src->lock);

	KUNIT_EXPECT_EQ(test, ctx->nr_chown, 2);
	KUNIT_EXPECT_EQ(test, ctx->chown_to, dst->owner);
	KUNIT_EXPECT_EQ(test, dst->chunks[0], POOL_TEST_PFN_BASE + POOL_TEST_PAGES);
	KUNIT_EXPECT_EQ(test, dst->chunks[1],
			POOL_TEST_PFN_BASE + 2 * POOL_TEST_PAGES);
	KUNIT_EXPECT_EQ(test, dst->chunks[2], KVM_GMEM_POOL_HOLE);
	KUNIT_EXPECT_TRUE(test, test_bit(0, dst->prepared));
	KUNIT_EXPECT_FALSE(test, test_bit(1, src->prepared));
	KUNIT_EXPECT_NOT_NULL(test, pool_test_punched(dst, 1));
	KUNIT_EXPECT_NULL(test, pool_test_punched(src, 2));
	for (idx = 1; idx < 4; idx++)
		KUNIT_EXPECT_EQ(test, src->chunks[idx], KVM_GMEM_POOL_HOLE);
	KUNIT_EXPECT_EQ(test, src->chunks[0], POOL_TEST_PFN_BASE);
	KUNIT_EXPECT_EQ(test, ctx->nr_free, 0);
	KUNIT_EXPECT_EQ(test, ctx->taken, 3);

	kvm_gmem_pool_destroy(dst);
	KUNIT_EXPECT_EQ(test, ctx->taken, 1);
}

/* The range checks of KVM_GMEM_POOL_CARVE, on a four-chunk file. */
static void gmem_pool_test_carve_check(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	const loff_t c = POOL_TEST_CHUNK_BYTES;
	const struct kvm_gmem_pool_carve cases[] = {
		{ .offset = 0, .size = c },
		{ .offset = 3 * c, .size = c },
		{ .offset = 0, .size = 4 * c },
		{ .offset = 0, .size = 0 },
		{ .offset = PAGE_SIZE, .size = c },
		{ .offset = 0, .size = c + PAGE_SIZE },
		{ .offset = 3 * c, .size = 2 * c },
		{ .offset = 4 * c, .size = c },
		{ .offset = -c, .size = 2 * c },
		{ .offset = 0, .size = c, .flags = 1 },
		{ .offset = 0, .size = c, .reserved[4] = 1 },
	};
	const int want[] = { 0, 0, 0, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
			     -EINVAL, -EINVAL, -EINVAL, -EINVAL };
	struct inode *inode;
	int i;

	static_assert(ARRAY_SIZE(cases) == ARRAY_SIZE(want));
	inode = kunit_kzalloc(test, sizeof(*inode), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, inode);
	i_size_write(inode, POOL_TEST_SIZE);
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KUNIT_EXPECT_EQ_MSG(test, kvm_gmem_pool_carve_check(inode,
								    ctx->pool,
								    &cases[i]),
				    want[i], "case %d", i);
}

#ifdef CONFIG_X86
/* KVM_CAP_GUEST_MEMFD_POOL and KVM_CREATE_GUEST_MEMFD per VM type. */
static void gmem_pool_test_vm_types(struct kunit *test)
{
	static const struct {
		unsigned long type;
		bool ok;
	} types[] = {
		{ KVM_X86_DEFAULT_VM, true },
		{ KVM_X86_SW_PROTECTED_VM, true },
		{ KVM_X86_SEV_VM, false },
		{ KVM_X86_SEV_ES_VM, false },
		{ KVM_X86_SNP_VM, true },
		{ KVM_X86_SNP_VM + 1, false },
	};
	struct pool_test_ctx *ctx = test->priv;
	int i;

	if (!node_possible(POOL_TEST_NODE))
		kunit_skip(test, "node %d is not possible", POOL_TEST_NODE);
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		ctx->kvm->arch.vm_type = types[i].type;
		KUNIT_EXPECT_EQ_MSG(test, kvm_gmem_pool_vm_ok(ctx->kvm),
				    types[i].ok, "type %lu", types[i].type);
		KUNIT_EXPECT_EQ_MSG(test, kvm_gmem_pool_check(ctx->kvm,
							      POOL_TEST_SIZE,
							      POOL_TEST_NODE),
				    types[i].ok ? 0 : -EOPNOTSUPP,
				    "type %lu", types[i].type);
	}
	/* A file that belongs to no VM yet is checked when one adopts it. */
	KUNIT_EXPECT_EQ(test, kvm_gmem_pool_check(NULL, POOL_TEST_SIZE,
						  POOL_TEST_NODE), 0);
}
#endif

/*
 * A retired chunk: faults of the VM and of a mapping fail with -EHWPOISON
 * and prepare nothing, other chunks are unaffected, and the file keeps the
 * chunk until it lets it go.
 */
static void gmem_pool_test_poisoned_fault(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	unsigned long upfn;
	kvm_pfn_t pfn;
	int order;

	KUNIT_ASSERT_EQ(test, pool_test_lookup(ctx, 3, false, &pfn, &order), 0);
	ctx->poisoned_pfn = POOL_TEST_PFN_BASE;
	KUNIT_EXPECT_EQ(test, pool_test_lookup(ctx, 3, true, &pfn, &order),
			-EHWPOISON);
	KUNIT_EXPECT_EQ(test, pool_test_lookup(ctx, 0, false, &pfn, NULL),
			-EHWPOISON);
	KUNIT_EXPECT_EQ(test, kvm_gmem_pool_user_pfn(ctx->pool, 5, 0, &upfn),
			-EHWPOISON);
	KUNIT_EXPECT_EQ(test, ctx->nr_prepare, 0);
	KUNIT_EXPECT_EQ(test, ctx->taken, 1);
	KUNIT_EXPECT_EQ(test, ctx->pool->chunks[0], POOL_TEST_PFN_BASE);

	/* The next chunk is a different one, and works. */
	KUNIT_ASSERT_EQ(test, pool_test_lookup(ctx, POOL_TEST_PAGES, true,
					       &pfn, &order), 0);
	KUNIT_EXPECT_EQ(test, pfn, POOL_TEST_PFN_BASE + POOL_TEST_PAGES);
	KUNIT_EXPECT_EQ(test, ctx->nr_prepare, 1);
}

/*
 * Punching pages of a retired chunk writes nothing (the carveout refuses)
 * and still succeeds; punching all of it gives it back to the carveout,
 * which keeps it retired.
 */
static void gmem_pool_test_poisoned_punch(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	kvm_pfn_t pfn;

	KUNIT_ASSERT_EQ(test, pool_test_lookup(ctx, 0, false, &pfn, NULL), 0);
	ctx->poisoned_pfn = POOL_TEST_PFN_BASE;
	ctx->zero_ret = -EHWPOISON;
	KUNIT_EXPECT_EQ(test, pool_test_punch(ctx->pool, 1, 2), 0);
	KUNIT_EXPECT_EQ(test, ctx->nr_zero, 0);
	KUNIT_EXPECT_EQ(test, ctx->pool->chunks[0], POOL_TEST_PFN_BASE);
	KUNIT_EXPECT_EQ(test, pool_test_punch(ctx->pool, 0, POOL_TEST_PAGES), 0);
	KUNIT_EXPECT_EQ(test, ctx->pool->chunks[0], KVM_GMEM_POOL_HOLE);
	KUNIT_ASSERT_EQ(test, ctx->nr_free, 1);
	KUNIT_EXPECT_EQ(test, ctx->freed[0], POOL_TEST_PFN_BASE);
	ctx->zero_ret = 0;
}

/*
 * The memory failure callback finds a file by owner id, and only while the
 * file exists: an unknown id, or a pool with no file yet, is left alone.
 */
static void gmem_pool_test_poisoned_owner(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	struct kvm_gmem_pool *other;
	u32 gone;

	KUNIT_EXPECT_PTR_EQ(test, xa_load(&kvm_gmem_pool_owners,
					  ctx->pool->owner), ctx->pool);
	KUNIT_EXPECT_EQ(test, kvm_gmem_pool_poisoned_cb(POOL_TEST_PFN_BASE,
							ctx->pool->owner, 0),
			0);
	other = __kvm_gmem_pool_create(POOL_TEST_SIZE, POOL_TEST_NODE,
				       POOL_TEST_ORDER);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, other);
	gone = other->owner;
	kvm_gmem_pool_destroy(other);
	KUNIT_EXPECT_NULL(test, xa_load(&kvm_gmem_pool_owners, gone));
	KUNIT_EXPECT_EQ(test, kvm_gmem_pool_poisoned_cb(POOL_TEST_PFN_BASE,
							gone, 0), 0);
}

/* Doubles of the carveout's pins and mappings, for kvm_gmem_pool_map_pfn(). */
struct pool_test_map {
	int pins, pin_ret, maps;
	kvm_pfn_t lookup;
};

static struct pool_test_map pool_test_map_state;

static int fake_pin(unsigned long pfn)
{
	if (pool_test_map_state.pin_ret)
		return pool_test_map_state.pin_ret;
	pool_test_map_state.pins++;
	return 0;
}

static void fake_unpin(unsigned long pfn)
{
	pool_test_map_state.pins--;
}

static kvm_pfn_t fake_gfn_to_pfn(struct kvm *kvm, gfn_t gfn)
{
	return pool_test_map_state.lookup;
}

static void *fake_kmap(unsigned long pfn)
{
	pool_test_map_state.maps++;
	return (void *)0x1000;
}

static void fake_kunmap(void *hva)
{
	pool_test_map_state.maps--;
}

static void pool_test_map_init(struct kunit *test)
{
	pool_test_map_state = (struct pool_test_map) {
		.lookup = POOL_TEST_PFN_BASE,
	};
	kunit_activate_static_stub(test, kvm_gmem_pool_pin, fake_pin);
	kunit_activate_static_stub(test, kvm_gmem_pool_unpin, fake_unpin);
	kunit_activate_static_stub(test, kvm_gmem_pool_gfn_to_pfn,
				   fake_gfn_to_pfn);
	kunit_activate_static_stub(test, kvm_gmem_pool_kmap, fake_kmap);
	kunit_activate_static_stub(test, kvm_gmem_pool_kunmap, fake_kunmap);
}

/*
 * kvm_vcpu_map() of a pool pfn pins its chunk for as long as the mapping
 * lives, and only if the gfn still maps that pfn once it is pinned.
 */
static void gmem_pool_test_map_pfn(struct kunit *test)
{
	struct pool_test_ctx *ctx = test->priv;
	struct pool_test_map *m = &pool_test_map_state;
	void *hva;

	pool_test_map_init(test);
	hva = kvm_gmem_pool_map_pfn(ctx->kvm, 0, POOL_TEST_PFN_BASE);
	KUNIT_EXPECT_NOT_NULL(test, hva);
	KUNIT_EXPECT_EQ(test, m->pins, 1);
	KUNIT_EXPECT_EQ(test, m->maps, 1);
	kvm_gmem_pool_unmap_pfn(POOL_TEST_PFN_BASE, hva);
	KUNIT_EXPECT_EQ(test, m->pins, 0);
	KUNIT_EXPECT_EQ(test, m->maps, 0);

	/* The chunk changed hands between the lookup and the pin. */
	m->lookup = POOL_TEST_PFN_BASE + POOL_TEST_PAGES;
	KUNIT_EXPECT_NULL(test, kvm_gmem_pool_map_pfn(ctx->kvm, 0,
						      POOL_TEST_PFN_BASE));
	KUNIT_EXPECT_EQ(test, m->pins, 0);
	KUNIT_EXPECT_EQ(test, m->maps, 0);

	/* The carveout refuses the pin (free, retired or let go). */
	m->lookup = POOL_TEST_PFN_BASE;
	m->pin_ret = -EINVAL;
	KUNIT_EXPECT_NULL(test, kvm_gmem_pool_map_pfn(ctx->kvm, 0,
						      POOL_TEST_PFN_BASE));
	KUNIT_EXPECT_EQ(test, m->pins, 0);
	KUNIT_EXPECT_EQ(test, m->maps, 0);
}

static struct kunit_case gmem_pool_kvm_cases[] = {
	KUNIT_CASE(gmem_pool_test_prepare_once),
	KUNIT_CASE(gmem_pool_test_prepare_error),
	KUNIT_CASE(gmem_pool_test_fault_enospc),
	KUNIT_CASE(gmem_pool_test_max_order),
	KUNIT_CASE(gmem_pool_test_fill_enospc),
	KUNIT_CASE(gmem_pool_test_fill_keeps_existing),
	KUNIT_CASE(gmem_pool_test_fill_unlocked),
	KUNIT_CASE(gmem_pool_test_fill_error_unmarks),
	KUNIT_CASE(gmem_pool_test_punch_invalidates),
	KUNIT_CASE(gmem_pool_test_release_invalidates),
	KUNIT_CASE(gmem_pool_test_user_pfn),
	KUNIT_CASE(gmem_pool_test_punch_sub_chunk),
	KUNIT_CASE(gmem_pool_test_punch_every_page),
	KUNIT_CASE(gmem_pool_test_punch_edges),
	KUNIT_CASE(gmem_pool_test_punch_zero_error),
	KUNIT_CASE(gmem_pool_test_punched_refault),
	KUNIT_CASE(gmem_pool_test_punched_order_1g),
	KUNIT_CASE(gmem_pool_test_carve_moves),
	KUNIT_CASE(gmem_pool_test_carve_check),
#ifdef CONFIG_KVM_GENERIC_PRIVATE_MEM
	KUNIT_CASE(gmem_pool_test_populate),
	KUNIT_CASE(gmem_pool_test_populate_partial),
	KUNIT_CASE(gmem_pool_test_populate_errors),
#endif
	KUNIT_CASE(gmem_pool_test_check_args),
	KUNIT_CASE(gmem_pool_test_owner_ids),
	KUNIT_CASE(gmem_pool_test_poisoned_fault),
	KUNIT_CASE(gmem_pool_test_poisoned_punch),
	KUNIT_CASE(gmem_pool_test_poisoned_owner),
	KUNIT_CASE(gmem_pool_test_map_pfn),
#ifdef CONFIG_X86
	KUNIT_CASE(gmem_pool_test_vm_types),
#endif
	{}
};

static struct kunit_suite gmem_pool_kvm_suite = {
	.name = "gmem_pool_kvm",
	.init = pool_test_init,
	.exit = pool_test_exit,
	.test_cases = gmem_pool_kvm_cases,
};

kunit_test_suite(gmem_pool_kvm_suite);

#endif /* _KVM_GUEST_MEMFD_POOL_KUNIT_H */
