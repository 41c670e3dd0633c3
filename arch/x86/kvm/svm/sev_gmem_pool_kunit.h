/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests for SEV-SNP on pool-backed guest_memfd.
 *
 * Copyright (C) 2026 gmem-pool authors
 */

/**
 * DOC: gmem_pool_sev KUnit suite
 *
 * Included at the end of sev.c so that its static functions can be tested.
 * SNP hardware is not needed: the snp_gmem_*() seams are redirected to test
 * doubles.  The doubles keep a small RMP of their own, one entry per fake
 * pool pfn, with the rules of the real one that these paths rely on
 * (a 2M entry needs an aligned pfn and a piece with nothing assigned, a 4K
 * update inside a 2M entry fails until PSMASH splits it), and record every
 * mapping, cache flush and firmware call, so each case can check the exact
 * sequence.  Fake pfns are never dereferenced, except those that the launch
 * data test maps to real pages of its own.  One case runs on the real
 * carveout instead, when the boot has a pool: a borrowed chunk, written and
 * flushed through real temporary mappings.
 */

#ifndef _SEV_GMEM_POOL_KUNIT_H
#define _SEV_GMEM_POOL_KUNIT_H

#include <kunit/test.h>
#include <kunit/static_stub.h>
#include <linux/mman.h>

/* The fake pool: one 1 GiB chunk or 512 2 MiB ones, at a 1 GiB aligned pfn. */
#define SNP_TEST_BASE		BIT(30)
#define SNP_TEST_PAGES		BIT(PUD_ORDER)
#define SNP_TEST_ASID		7
/* A gfn congruent to SNP_TEST_BASE modulo 1 GiB. */
#define SNP_TEST_GFN		BIT(20)
/* Pages of the fake pool that the launch data test backs with memory. */
#define SNP_TEST_MEM_PAGES	4
#define SNP_TEST_MAX_CALLS	8
/* Owner id of the chunk the real-carveout case borrows ("snpt"). */
#define SNP_TEST_OWNER		0x736e7074U
/* Error codes that no real path returns, so a case can tell them apart. */
#define SNP_TEST_FW_ERR		-EPROTO
#define SNP_TEST_RMP_ERR	-EFAULT

/* RMP state of one fake pfn. */
#define SNP_RMP_ASSIGNED	BIT(0)
#define SNP_RMP_LARGE		BIT(1)	/* on the first entry of a 2M page */
#define SNP_RMP_IMMUTABLE	BIT(2)

struct snp_test_call {
	kvm_pfn_t pfn;
	unsigned long nr;
	u64 gpa;
	int level;
	void *va;
};

/**
 * struct snp_test_ctx - state of the doubles of one case
 * @rmp: fake RMP, SNP_RMP_* bits per pfn of the fake pool
 * @chunk_pages: chunk size of the fake pool, in pages
 * @fail_private_at: rmp_make_private() call (from 1) that fails, or 0
 * @fail_fw_at: SNP_LAUNCH_UPDATE call (from 1) that fails, or 0
 * @fw_error: firmware error code the failing SNP_LAUNCH_UPDATE reports
 * @fail_map: every temporary mapping fails
 * @nr_private: rmp_make_private() calls at 2M and at 4K
 * @nr_private_2m: of which at 2M
 * @nr_shared: rmp_make_shared() calls
 * @nr_shared_2m: of which at 2M
 * @nr_psmash: PSMASH calls
 * @nr_fw: SNP_LAUNCH_UPDATE calls
 * @nr_reclaim: SNP_PAGE_RECLAIM calls
 * @nr_map: temporary mappings made
 * @nr_unmap: temporary mappings undone
 * @nr_flush: cache flushes by address
 * @nr_wbinvd: WBINVD fallbacks
 * @nr_put: page references dropped
 * @private: first recorded rmp_make_private() calls
 * @psmash: first recorded PSMASH calls
 * @map: first recorded temporary mappings
 * @flush: first recorded cache flushes
 * @fw: first recorded SNP_LAUNCH_UPDATE addresses, in @fw[].gpa
 * @mem: the pages behind the first SNP_TEST_MEM_PAGES fake pfns
 * @kvm: a zeroed VM whose SEV state holds the test ASID
 */
struct snp_test_ctx {
	u8 *rmp;
	unsigned long chunk_pages;
	int fail_private_at, fail_fw_at, fw_error;
	bool fail_map;
	int nr_private, nr_private_2m, nr_shared, nr_shared_2m, nr_psmash;
	int nr_fw, nr_reclaim, nr_map, nr_unmap, nr_flush, nr_wbinvd, nr_put;
	struct snp_test_call private[SNP_TEST_MAX_CALLS];
	struct snp_test_call psmash[SNP_TEST_MAX_CALLS];
	struct snp_test_call map[SNP_TEST_MAX_CALLS];
	struct snp_test_call flush[SNP_TEST_MAX_CALLS];
	struct snp_test_call fw[SNP_TEST_MAX_CALLS];
	u8 *mem;
	struct kvm *kvm;
};

/* Firmware's verdict on a CPUID page it rejects, copied back to the VMM. */
#define SNP_TEST_FW_BYTE	0x99

static struct snp_test_ctx *snp_test_ctx(void)
{
	return kunit_get_current_test()->priv;
}

static void snp_test_record(struct snp_test_call *log, int nr,
			    struct snp_test_call call)
{
	if (nr <= SNP_TEST_MAX_CALLS)
		log[nr - 1] = call;
}

static bool snp_test_in_pool(kvm_pfn_t pfn)
{
	return pfn >= SNP_TEST_BASE && pfn < SNP_TEST_BASE + SNP_TEST_PAGES;
}

static u8 *snp_test_entry(kvm_pfn_t pfn)
{
	return &snp_test_ctx()->rmp[pfn - SNP_TEST_BASE];
}

static u8 *snp_test_head(kvm_pfn_t pfn)
{
	return snp_test_entry(ALIGN_DOWN(pfn, PTRS_PER_PMD));
}

static unsigned long fake_pool_left(kvm_pfn_t pfn)
{
	unsigned long chunk = snp_test_ctx()->chunk_pages;

	if (!snp_test_in_pool(pfn))
		return 0;
	return chunk - ((pfn - SNP_TEST_BASE) & (chunk - 1));
}

static void *fake_pool_map(kvm_pfn_t pfn, unsigned long nr_pages)
{
	struct snp_test_ctx *ctx = snp_test_ctx();
	void *va;

	if (ctx->fail_map || !nr_pages || nr_pages > fake_pool_left(pfn))
		return NULL;
	/* Only the launch data pages are written through; others are tokens. */
	if (pfn - SNP_TEST_BASE < SNP_TEST_MEM_PAGES)
		va = ctx->mem + (pfn - SNP_TEST_BASE) * PAGE_SIZE;
	else
		va = ctx->mem + SNP_TEST_MEM_PAGES * PAGE_SIZE;
	ctx->nr_map++;
	snp_test_record(ctx->map, ctx->nr_map, (struct snp_test_call) {
		.pfn = pfn, .nr = nr_pages, .va = va,
	});
	return va;
}

static void fake_pool_unmap(void *va)
{
	snp_test_ctx()->nr_unmap++;
}

static int fake_rmp_lookup(kvm_pfn_t pfn, bool *assigned, int *level)
{
	if (!snp_test_in_pool(pfn))
		return SNP_TEST_RMP_ERR;
	*assigned = *snp_test_entry(pfn) & SNP_RMP_ASSIGNED;
	*level = *snp_test_head(pfn) & SNP_RMP_LARGE ? PG_LEVEL_2M : PG_LEVEL_4K;
	return 0;
}

static bool fake_rmp_piece_free(kvm_pfn_t pfn)
{
	int i;

	for (i = 0; i < PTRS_PER_PMD; i++)
		if (*snp_test_entry(pfn + i) & SNP_RMP_ASSIGNED)
			return false;
	return true;
}

static int fake_rmp_private(kvm_pfn_t pfn, gpa_t gpa, enum pg_level level,
			    u32 asid, bool immutable)
{
	struct snp_test_ctx *ctx = snp_test_ctx();
	u8 bits = SNP_RMP_ASSIGNED | (immutable ? SNP_RMP_IMMUTABLE : 0);
	int i;

	ctx->nr_private++;
	snp_test_record(ctx->private, ctx->nr_private, (struct snp_test_call) {
		.pfn = pfn, .gpa = gpa, .level = level,
	});
	if (ctx->nr_private == ctx->fail_private_at || asid != SNP_TEST_ASID ||
	    !snp_test_in_pool(pfn))
		return SNP_TEST_RMP_ERR;

	if (level == PG_LEVEL_2M) {
		if (!IS_ALIGNED(pfn, PTRS_PER_PMD) ||
		    !IS_ALIGNED(gpa, PMD_SIZE) || !fake_rmp_piece_free(pfn))
			return SNP_TEST_RMP_ERR;
		ctx->nr_private_2m++;
		for (i = 0; i < PTRS_PER_PMD; i++)
			*snp_test_entry(pfn + i) = bits;
		*snp_test_entry(pfn) |= SNP_RMP_LARGE;
		return 0;
	}
	if (*snp_test_head(pfn) & SNP_RMP_LARGE ||
	    *snp_test_entry(pfn) & SNP_RMP_ASSIGNED)
		return SNP_TEST_RMP_ERR;
	*snp_test_entry(pfn) = bits;
	return 0;
}

static int fake_rmp_shared(kvm_pfn_t pfn, enum pg_level level)
{
	struct snp_test_ctx *ctx = snp_test_ctx();
	bool large;

	ctx->nr_shared++;
	if (!snp_test_in_pool(pfn))
		return SNP_TEST_RMP_ERR;
	large = *snp_test_head(pfn) & SNP_RMP_LARGE;

	if (level == PG_LEVEL_2M) {
		if (!IS_ALIGNED(pfn, PTRS_PER_PMD) || !large)
			return SNP_TEST_RMP_ERR;
		ctx->nr_shared_2m++;
		memset(snp_test_entry(pfn), 0, PTRS_PER_PMD);
		return 0;
	}
	/* A 4K update inside a 2M page is a size mismatch: PSMASH first. */
	if (large)
		return SNP_TEST_RMP_ERR;
	*snp_test_entry(pfn) = 0;
	return 0;
}

static int fake_psmash(kvm_pfn_t pfn)
{
	struct snp_test_ctx *ctx = snp_test_ctx();

	ctx->nr_psmash++;
	snp_test_record(ctx->psmash, ctx->nr_psmash, (struct snp_test_call) {
		.pfn = pfn,
	});
	if (!snp_test_in_pool(pfn) || !(*snp_test_head(pfn) & SNP_RMP_LARGE))
		return SNP_TEST_RMP_ERR;
	*snp_test_head(pfn) &= ~SNP_RMP_LARGE;
	return 0;
}

static int fake_launch_update(int sev_fd, struct sev_data_snp_launch_update *data,
			      int *fw_error)
{
	struct snp_test_ctx *ctx = snp_test_ctx();

	ctx->nr_fw++;
	snp_test_record(ctx->fw, ctx->nr_fw, (struct snp_test_call) {
		.gpa = data->address, .level = data->page_type,
	});
	if (ctx->nr_fw == ctx->fail_fw_at) {
		kvm_pfn_t pfn = PHYS_PFN(__sme_clr(data->address));

		if (pfn - SNP_TEST_BASE < SNP_TEST_MEM_PAGES)
			memset(ctx->mem + (pfn - SNP_TEST_BASE) * PAGE_SIZE,
			       SNP_TEST_FW_BYTE, PAGE_SIZE);
		*fw_error = ctx->fw_error;
		return SNP_TEST_FW_ERR;
	}
	return 0;
}

/* SNP_PAGE_RECLAIM of a pre-guest page, then back to shared. */
static int fake_reclaim(struct kvm *kvm, kvm_pfn_t pfn)
{
	snp_test_ctx()->nr_reclaim++;
	*snp_test_entry(pfn) = 0;
	return 0;
}

static void fake_clflush(void *va, unsigned long size)
{
	struct snp_test_ctx *ctx = snp_test_ctx();

	ctx->nr_flush++;
	snp_test_record(ctx->flush, ctx->nr_flush, (struct snp_test_call) {
		.va = va, .nr = size >> PAGE_SHIFT,
	});
}

static void fake_wbinvd(void)
{
	snp_test_ctx()->nr_wbinvd++;
}

static void fake_put_page(kvm_pfn_t pfn)
{
	snp_test_ctx()->nr_put++;
}

static int snp_test_init(struct kunit *test)
{
	struct snp_test_ctx *ctx;
	struct kvm_svm *kvm_svm;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx);
	ctx->rmp = kunit_kzalloc(test, SNP_TEST_PAGES, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx->rmp);
	ctx->mem = kunit_kzalloc(test, (SNP_TEST_MEM_PAGES + 1) * PAGE_SIZE,
				 GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx->mem);
	kvm_svm = kunit_kzalloc(test, sizeof(*kvm_svm), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kvm_svm);
	kvm_svm->sev_info.asid = SNP_TEST_ASID;
	kvm_svm->sev_info.snp_context = kunit_kzalloc(test, PAGE_SIZE,
						      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kvm_svm->sev_info.snp_context);
	ctx->kvm = &kvm_svm->kvm;
	/* 2 MiB chunks; the 1 GiB cases say so themselves. */
	ctx->chunk_pages = PTRS_PER_PMD;
	test->priv = ctx;

	kunit_activate_static_stub(test, snp_gmem_pool_left, fake_pool_left);
	kunit_activate_static_stub(test, snp_gmem_pool_map, fake_pool_map);
	kunit_activate_static_stub(test, snp_gmem_pool_unmap, fake_pool_unmap);
	kunit_activate_static_stub(test, snp_gmem_rmp_lookup, fake_rmp_lookup);
	kunit_activate_static_stub(test, snp_gmem_rmp_private,
				   fake_rmp_private);
	kunit_activate_static_stub(test, snp_gmem_rmp_shared, fake_rmp_shared);
	kunit_activate_static_stub(test, snp_gmem_psmash, fake_psmash);
	kunit_activate_static_stub(test, snp_gmem_launch_update,
				   fake_launch_update);
	kunit_activate_static_stub(test, snp_gmem_reclaim, fake_reclaim);
	kunit_activate_static_stub(test, snp_gmem_clflush, fake_clflush);
	kunit_activate_static_stub(test, snp_gmem_wbinvd, fake_wbinvd);
	kunit_activate_static_stub(test, snp_gmem_put_page, fake_put_page);
	return 0;
}

/* How many pages of [@pfn, @pfn + @nr) the fake RMP has assigned. */
static unsigned long snp_test_nr_assigned(kvm_pfn_t pfn, unsigned long nr)
{
	unsigned long i, n = 0;

	for (i = 0; i < nr; i++)
		n += !!(*snp_test_entry(pfn + i) & SNP_RMP_ASSIGNED);
	return n;
}

/* A whole, aligned 2 MiB chunk at an aligned gfn: one 2M entry. */
static void gmem_pool_sev_test_prepare_2m(struct kunit *test)
{
	struct snp_test_ctx *ctx = test->priv;
	kvm_pfn_t pfn = SNP_TEST_BASE + PTRS_PER_PMD;

	KUNIT_ASSERT_EQ(test, snp_gmem_pool_prepare(ctx->kvm, pfn, SNP_TEST_GFN,
						    PMD_ORDER), 0);
	KUNIT_EXPECT_EQ(test, ctx->nr_private, 1);
	KUNIT_EXPECT_EQ(test, ctx->nr_private_2m, 1);
	KUNIT_EXPECT_EQ(test, ctx->private[0].pfn, pfn);
	KUNIT_EXPECT_EQ(test, ctx->private[0].gpa, gfn_to_gpa(SNP_TEST_GFN));
	KUNIT_EXPECT_TRUE(test, *snp_test_entry(pfn) & SNP_RMP_LARGE);
	KUNIT_EXPECT_EQ(test, snp_test_nr_assigned(pfn, PTRS_PER_PMD),
			(unsigned long)PTRS_PER_PMD);
	/* Nothing else was touched. */
	KUNIT_EXPECT_EQ(test, snp_test_nr_assigned(SNP_TEST_BASE, PTRS_PER_PMD),
			0UL);

	/* Preparing it again changes nothing. */
	KUNIT_EXPECT_EQ(test, snp_gmem_pool_prepare(ctx->kvm, pfn, SNP_TEST_GFN,
						    PMD_ORDER), 0);
	KUNIT_EXPECT_EQ(test, ctx->nr_private, 1);
}

/* One page (re-faulted after a punch inside its chunk): one 4K entry. */
static void gmem_pool_sev_test_prepare_4k(struct kunit *test)
{
	struct snp_test_ctx *ctx = test->priv;
	kvm_pfn_t pfn = SNP_TEST_BASE + 5;

	KUNIT_ASSERT_EQ(test, snp_gmem_pool_prepare(ctx->kvm, pfn,
						    SNP_TEST_GFN + 5, 0), 0);
	KUNIT_EXPECT_EQ(test, ctx->nr_private, 1);
	KUNIT_EXPECT_EQ(test, ctx->nr_private_2m, 0);
	KUNIT_EXPECT_EQ(test, ctx->private[0].level, PG_LEVEL_4K);
	KUNIT_EXPECT_EQ(test, ctx->private[0].gpa,
			gfn_to_gpa(SNP_TEST_GFN + 5));
	KUNIT_EXPECT_EQ(test, snp_test_nr_assigned(SNP_TEST_BASE, PTRS_PER_PMD),
			1UL);
}

/* A 1 GiB chunk: 512 2M entries, each at its own gpa. */
static void gmem_pool_sev_test_prepare_1g(struct kunit *test)
{
	struct snp_test_ctx *ctx = test->priv;
	unsigned long i;

	ctx->chunk_pages = SNP_TEST_PAGES;
	KUNIT_ASSERT_EQ(test, snp_gmem_pool_prepare(ctx->kvm, SNP_TEST_BASE,
						    SNP_TEST_GFN, PUD_ORDER), 0);
	KUNIT_EXPECT_EQ(test, ctx->nr_private, PTRS_PER_PMD);
	KUNIT_EXPECT_EQ(test, ctx->nr_private_2m, PTRS_PER_PMD);
	KUNIT_EXPECT_EQ(test, ctx->private[1].pfn,
			(kvm_pfn_t)SNP_TEST_BASE + PTRS_PER_PMD);
	KUNIT_EXPECT_EQ(test, ctx->private[1].gpa,
			gfn_to_gpa(SNP_TEST_GFN + PTRS_PER_PMD));
	for (i = 0; i < SNP_TEST_PAGES; i += PTRS_PER_PMD)
		KUNIT_EXPECT_TRUE(test, *snp_test_entry(SNP_TEST_BASE + i) &
					SNP_RMP_LARGE);
	KUNIT_EXPECT_EQ(test, snp_test_nr_assigned(SNP_TEST_BASE,
						   SNP_TEST_PAGES),
			(unsigned long)SNP_TEST_PAGES);
}

/* A memslot that is not 2 MiB aligned in the file: 4K entries only. */
static void gmem_pool_sev_test_prepare_unaligned_gfn(struct kunit *test)
{
	struct snp_test_ctx *ctx = test->priv;

	KUNIT_ASSERT_EQ(test, snp_gmem_pool_prepare(ctx->kvm, SNP_TEST_BASE,
						    SNP_TEST_GFN + 1, PMD_ORDER),
			0);
	KUNIT_EXPECT_EQ(test, ctx->nr_private, PTRS_PER_PMD);
	KUNIT_EXPECT_EQ(test, ctx->nr_private_2m, 0);
	KUNIT_EXPECT_EQ(test, ctx->private[3].gpa,
			gfn_to_gpa(SNP_TEST_GFN + 1 + 3));
}

/* Pages SNP_LAUNCH_UPDATE made private stay; the others get 4K entries. */
static void gmem_pool_sev_test_prepare_populated(struct kunit *test)
{
	struct snp_test_ctx *ctx = test->priv;

	*snp_test_entry(SNP_TEST_BASE + 2) = SNP_RMP_ASSIGNED | SNP_RMP_IMMUTABLE;

	KUNIT_ASSERT_EQ(test, snp_gmem_pool_prepare(ctx->kvm, SNP_TEST_BASE,
						    SNP_TEST_GFN, PMD_ORDER), 0);
	KUNIT_EXPECT_EQ(test, ctx->nr_private, PTRS_PER_PMD - 1);
	KUNIT_EXPECT_EQ(test, ctx->nr_private_2m, 0);
	KUNIT_EXPECT_EQ(test, *snp_test_entry(SNP_TEST_BASE + 2),
			(u8)(SNP_RMP_ASSIGNED | SNP_RMP_IMMUTABLE));
	KUNIT_EXPECT_EQ(test, snp_test_nr_assigned(SNP_TEST_BASE, PTRS_PER_PMD),
			(unsigned long)PTRS_PER_PMD);
}

/* A range past the end of its chunk, or not aligned to its order. */
static void gmem_pool_sev_test_prepare_bad_range(struct kunit *test)
{
	struct snp_test_ctx *ctx = test->priv;

	/* 2 MiB chunks: an order-10 range crosses a chunk end. */
	KUNIT_EXPECT_EQ(test, snp_gmem_pool_prepare(ctx->kvm, SNP_TEST_BASE,
						    SNP_TEST_GFN, PMD_ORDER + 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, snp_gmem_pool_prepare(ctx->kvm, SNP_TEST_BASE + 1,
						    SNP_TEST_GFN, PMD_ORDER),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, snp_gmem_pool_prepare(ctx->kvm, SNP_TEST_BASE,
						    SNP_TEST_GFN, -1), -EINVAL);
	KUNIT_EXPECT_EQ(test, snp_gmem_pool_prepare(ctx->kvm, SNP_TEST_BASE,
						    SNP_TEST_GFN, PUD_ORDER + 1),
			-EINVAL);
	/* The last page of the pool and one past it. */
	KUNIT_EXPECT_EQ(test, snp_gmem_pool_prepare(ctx->kvm,
						    SNP_TEST_BASE + SNP_TEST_PAGES - 1,
						    SNP_TEST_GFN, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, ctx->nr_private, 0);
}

/* A failing RMPUPDATE: every entry the call made goes back, others stay. */
static void gmem_pool_sev_test_prepare_rollback(struct kunit *test)
{
	struct snp_test_ctx *ctx = test->priv;
	kvm_pfn_t piece = SNP_TEST_BASE + 3 * PTRS_PER_PMD;

	/* One populated page makes piece 3 of the 1 GiB chunk take 4K entries. */
	ctx->chunk_pages = SNP_TEST_PAGES;
	*snp_test_entry(piece + 7) = SNP_RMP_ASSIGNED | SNP_RMP_IMMUTABLE;
	/* 3 pieces at 2M, then 4K entries: fail the 20th of those. */
	ctx->fail_private_at = 3 + 20;

	KUNIT_EXPECT_EQ(test, snp_gmem_pool_prepare(ctx->kvm, SNP_TEST_BASE,
						    SNP_TEST_GFN, PUD_ORDER),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ctx->nr_private, 3 + 20);
	KUNIT_EXPECT_EQ(test, ctx->nr_shared, 3 + 19);
	KUNIT_EXPECT_EQ(test, ctx->nr_shared_2m, 3);
	KUNIT_EXPECT_EQ(test, snp_test_nr_assigned(SNP_TEST_BASE,
						   SNP_TEST_PAGES), 1UL);
	KUNIT_EXPECT_TRUE(test, *snp_test_entry(piece + 7) & SNP_RMP_ASSIGNED);
}

/* Invalidating a whole 2M entry: one update, one flush through a mapping. */
static void gmem_pool_sev_test_invalidate_2m(struct kunit *test)
{
	struct snp_test_ctx *ctx = test->priv;
	kvm_pfn_t pfn = SNP_TEST_BASE + PTRS_PER_PMD;

	KUNIT_ASSERT_EQ(test, snp_gmem_pool_prepare(ctx->kvm, pfn, SNP_TEST_GFN,
						    PMD_ORDER), 0);
	__sev_gmem_invalidate(pfn, pfn + PTRS_PER_PMD);

	KUNIT_EXPECT_EQ(test, ctx->nr_shared, 1);
	KUNIT_EXPECT_EQ(test, ctx->nr_shared_2m, 1);
	KUNIT_EXPECT_EQ(test, ctx->nr_psmash, 0);
	KUNIT_EXPECT_EQ(test, snp_test_nr_assigned(pfn, PTRS_PER_PMD), 0UL);
	/* The flush went through the pool's mapping, never the direct map. */
	KUNIT_ASSERT_EQ(test, ctx->nr_map, 1);
	KUNIT_EXPECT_EQ(test, ctx->map[0].pfn, pfn);
	KUNIT_EXPECT_EQ(test, ctx->map[0].nr, (unsigned long)PTRS_PER_PMD);
	KUNIT_ASSERT_EQ(test, ctx->nr_flush, 1);
	KUNIT_EXPECT_PTR_EQ(test, ctx->flush[0].va, ctx->map[0].va);
	KUNIT_EXPECT_EQ(test, ctx->flush[0].nr, (unsigned long)PTRS_PER_PMD);
	KUNIT_EXPECT_EQ(test, ctx->nr_unmap, 1);
	KUNIT_EXPECT_EQ(test, ctx->nr_wbinvd, 0);
}

/* A 4 KiB punch inside a 2M entry: PSMASH, then one 4K update. */
static void gmem_pool_sev_test_invalidate_psmash(struct kunit *test)
{
	struct snp_test_ctx *ctx = test->priv;
	kvm_pfn_t pfn = SNP_TEST_BASE;

	KUNIT_ASSERT_EQ(test, snp_gmem_pool_prepare(ctx->kvm, pfn, SNP_TEST_GFN,
						    PMD_ORDER), 0);
	__sev_gmem_invalidate(pfn + 5, pfn + 6);

	KUNIT_ASSERT_EQ(test, ctx->nr_psmash, 1);
	KUNIT_EXPECT_EQ(test, ctx->psmash[0].pfn, pfn + 5);
	KUNIT_EXPECT_EQ(test, ctx->nr_shared, 1);
	KUNIT_EXPECT_EQ(test, ctx->nr_shared_2m, 0);
	KUNIT_EXPECT_EQ(test, snp_test_nr_assigned(pfn, PTRS_PER_PMD),
			(unsigned long)PTRS_PER_PMD - 1);
	KUNIT_EXPECT_FALSE(test, *snp_test_entry(pfn + 5) & SNP_RMP_ASSIGNED);
	KUNIT_ASSERT_EQ(test, ctx->nr_map, 1);
	KUNIT_EXPECT_EQ(test, ctx->map[0].pfn, pfn + 5);
	KUNIT_EXPECT_EQ(test, ctx->map[0].nr, 1UL);
	KUNIT_EXPECT_EQ(test, ctx->nr_flush, 1);

	/* The page comes back: a 4K entry among the split ones. */
	KUNIT_ASSERT_EQ(test, snp_gmem_pool_prepare(ctx->kvm, pfn + 5,
						    SNP_TEST_GFN + 5, 0), 0);
	KUNIT_EXPECT_EQ(test, ctx->private[1].level, PG_LEVEL_4K);
	KUNIT_EXPECT_EQ(test, snp_test_nr_assigned(pfn, PTRS_PER_PMD),
			(unsigned long)PTRS_PER_PMD);

	/* Then the whole chunk goes: 512 4K updates, still one mapping. */
	__sev_gmem_invalidate(pfn, pfn + PTRS_PER_PMD);
	KUNIT_EXPECT_EQ(test, ctx->nr_psmash, 1);
	KUNIT_EXPECT_EQ(test, ctx->nr_shared, 1 + PTRS_PER_PMD);
	KUNIT_EXPECT_EQ(test, ctx->nr_map, 2);
	KUNIT_EXPECT_EQ(test, ctx->map[1].nr, (unsigned long)PTRS_PER_PMD);
	KUNIT_EXPECT_EQ(test, snp_test_nr_assigned(pfn, PTRS_PER_PMD), 0UL);
}

/* A 1 GiB chunk goes back as 512 2M updates, one mapping per 2 MiB. */
static void gmem_pool_sev_test_invalidate_1g(struct kunit *test)
{
	struct snp_test_ctx *ctx = test->priv;

	ctx->chunk_pages = SNP_TEST_PAGES;
	KUNIT_ASSERT_EQ(test, snp_gmem_pool_prepare(ctx->kvm, SNP_TEST_BASE,
						    SNP_TEST_GFN, PUD_ORDER), 0);
	__sev_gmem_invalidate(SNP_TEST_BASE, SNP_TEST_BASE + SNP_TEST_PAGES);

	KUNIT_EXPECT_EQ(test, ctx->nr_shared_2m, PTRS_PER_PMD);
	KUNIT_EXPECT_EQ(test, ctx->nr_shared, PTRS_PER_PMD);
	KUNIT_EXPECT_EQ(test, ctx->nr_map, PTRS_PER_PMD);
	KUNIT_EXPECT_EQ(test, ctx->nr_flush, PTRS_PER_PMD);
	KUNIT_EXPECT_EQ(test, ctx->nr_unmap, PTRS_PER_PMD);
	KUNIT_EXPECT_EQ(test, snp_test_nr_assigned(SNP_TEST_BASE,
						   SNP_TEST_PAGES), 0UL);
}

/* No temporary mapping to flush by: WBINVD, and the pages are still shared. */
static void gmem_pool_sev_test_invalidate_no_map(struct kunit *test)
{
	struct snp_test_ctx *ctx = test->priv;

	KUNIT_ASSERT_EQ(test, snp_gmem_pool_prepare(ctx->kvm, SNP_TEST_BASE,
						    SNP_TEST_GFN, PMD_ORDER), 0);
	ctx->fail_map = true;
	__sev_gmem_invalidate(SNP_TEST_BASE, SNP_TEST_BASE + PTRS_PER_PMD);

	KUNIT_EXPECT_EQ(test, ctx->nr_shared, 1);
	KUNIT_EXPECT_EQ(test, ctx->nr_flush, 0);
	KUNIT_EXPECT_EQ(test, ctx->nr_wbinvd, 1);
	KUNIT_EXPECT_EQ(test, snp_test_nr_assigned(SNP_TEST_BASE, PTRS_PER_PMD),
			0UL);
}

/* A user buffer of @pages pages, filled with 0x40 + page index. */
static void __user *snp_test_user_src(struct kunit *test, int pages)
{
	unsigned long addr;
	u8 *buf;
	int i;

	addr = kunit_vm_mmap(test, NULL, 0, pages * PAGE_SIZE,
			     PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE,
			     0);
	if (!addr || IS_ERR_VALUE(addr))
		kunit_skip(test, "no user memory for the launch data");
	buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < pages; i++) {
		memset(buf, 0x40 + i, PAGE_SIZE);
		KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)addr +
						   i * PAGE_SIZE, buf, PAGE_SIZE),
				0UL);
	}
	return (void __user *)addr;
}

/* Launch data reaches pool pages through a one-page temporary mapping. */
static void gmem_pool_sev_test_populate(struct kunit *test)
{
	struct snp_test_ctx *ctx = test->priv;
	struct sev_gmem_populate_args args = {
		.type = KVM_SEV_SNP_PAGE_TYPE_NORMAL,
	};
	void __user *src = snp_test_user_src(test, SNP_TEST_MEM_PAGES);
	int i;

	KUNIT_ASSERT_EQ(test, sev_gmem_post_populate(ctx->kvm, SNP_TEST_GFN,
						     SNP_TEST_BASE, src, 2,
						     &args), 0);
	KUNIT_EXPECT_EQ(test, ctx->nr_map, SNP_TEST_MEM_PAGES);
	KUNIT_EXPECT_EQ(test, ctx->nr_unmap, SNP_TEST_MEM_PAGES);
	KUNIT_EXPECT_EQ(test, ctx->nr_fw, SNP_TEST_MEM_PAGES);
	KUNIT_EXPECT_EQ(test, ctx->nr_private, SNP_TEST_MEM_PAGES);
	for (i = 0; i < SNP_TEST_MEM_PAGES; i++) {
		KUNIT_EXPECT_EQ(test, ctx->map[i].pfn,
				(kvm_pfn_t)SNP_TEST_BASE + i);
		KUNIT_EXPECT_EQ(test, ctx->map[i].nr, 1UL);
		KUNIT_EXPECT_EQ(test, ctx->mem[i * PAGE_SIZE], 0x40 + i);
		KUNIT_EXPECT_EQ(test, ctx->mem[i * PAGE_SIZE + PAGE_SIZE - 1],
				0x40 + i);
		KUNIT_EXPECT_EQ(test, ctx->fw[i].gpa,
				__sme_set(pfn_to_hpa(SNP_TEST_BASE + i)));
		KUNIT_EXPECT_EQ(test, ctx->private[i].gpa,
				gfn_to_gpa(SNP_TEST_GFN + i));
		KUNIT_EXPECT_EQ(test, *snp_test_entry(SNP_TEST_BASE + i),
				(u8)(SNP_RMP_ASSIGNED | SNP_RMP_IMMUTABLE));
	}
}

/*
 * SNP_LAUNCH_UPDATE fails on the third page: that page is reclaimed, the two
 * before it are shared again, and a CPUID page the firmware rejected is
 * copied back to the VMM through the mapping.
 */
static void gmem_pool_sev_test_populate_fw_error(struct kunit *test)
{
	struct snp_test_ctx *ctx = test->priv;
	struct sev_gmem_populate_args args = {
		.type = KVM_SEV_SNP_PAGE_TYPE_CPUID,
	};
	void __user *src = snp_test_user_src(test, SNP_TEST_MEM_PAGES);
	u8 back;

	ctx->fail_fw_at = 3;
	ctx->fw_error = SEV_RET_INVALID_PARAM;

	KUNIT_EXPECT_EQ(test, sev_gmem_post_populate(ctx->kvm, SNP_TEST_GFN,
						     SNP_TEST_BASE, src, 2,
						     &args), SNP_TEST_FW_ERR);
	KUNIT_EXPECT_EQ(test, args.fw_error, SEV_RET_INVALID_PARAM);
	KUNIT_EXPECT_EQ(test, ctx->nr_reclaim, 1);
	KUNIT_EXPECT_EQ(test, ctx->nr_shared, 2);
	KUNIT_EXPECT_EQ(test, snp_test_nr_assigned(SNP_TEST_BASE,
						   SNP_TEST_MEM_PAGES), 0UL);
	/* Three pages mapped in, the rejected one mapped again to copy out. */
	KUNIT_EXPECT_EQ(test, ctx->nr_map, 4);
	KUNIT_EXPECT_EQ(test, ctx->map[3].pfn, (kvm_pfn_t)SNP_TEST_BASE + 2);
	KUNIT_EXPECT_EQ(test, ctx->nr_unmap, ctx->nr_map);
	KUNIT_ASSERT_EQ(test, copy_from_user(&back, src + 2 * PAGE_SIZE, 1),
			0UL);
	KUNIT_EXPECT_EQ(test, back, SNP_TEST_FW_BYTE);
}

/* No mapping for the launch data: nothing stays private. */
static void gmem_pool_sev_test_populate_no_map(struct kunit *test)
{
	struct snp_test_ctx *ctx = test->priv;
	struct sev_gmem_populate_args args = {
		.type = KVM_SEV_SNP_PAGE_TYPE_NORMAL,
	};
	void __user *src = snp_test_user_src(test, SNP_TEST_MEM_PAGES);

	ctx->fail_map = true;
	KUNIT_EXPECT_EQ(test, sev_gmem_post_populate(ctx->kvm, SNP_TEST_GFN,
						     SNP_TEST_BASE, src, 2,
						     &args), -ENOMEM);
	KUNIT_EXPECT_EQ(test, ctx->nr_fw, 0);
	KUNIT_EXPECT_EQ(test, snp_test_nr_assigned(SNP_TEST_BASE,
						   SNP_TEST_MEM_PAGES), 0UL);
}

/* A populate step that would run past the end of its pool chunk. */
static void gmem_pool_sev_test_populate_bad_range(struct kunit *test)
{
	struct snp_test_ctx *ctx = test->priv;
	struct sev_gmem_populate_args args = {
		.type = KVM_SEV_SNP_PAGE_TYPE_ZERO,
	};

	KUNIT_EXPECT_EQ(test, sev_gmem_post_populate(ctx->kvm, SNP_TEST_GFN,
						     SNP_TEST_BASE + 1, NULL,
						     PMD_ORDER, &args), -EINVAL);
	KUNIT_EXPECT_EQ(test, ctx->nr_private + ctx->nr_fw, 0);
}

/*
 * The real carveout, where the boot has a pool: launch data lands in a pool
 * page through gmem_carveout_map(), a real clflush through a 2 MiB
 * temporary mapping keeps it, and the mapping refuses what it must.  Only
 * the RMP and the firmware are not there.
 */
static void gmem_pool_sev_test_real_mapping(struct kunit *test)
{
	struct snp_test_ctx *ctx = test->priv;
	void __user *src = snp_test_user_src(test, 1);
	unsigned long pfn, chunk;
	u8 *va;
	int nid;

	for_each_node(nid)
		if (gmem_carveout_node_has_pool(nid))
			break;
	if (nid >= MAX_NUMNODES)
		kunit_skip(test, "no gmem pool in this boot");
	kunit_deactivate_static_stub(test, snp_gmem_pool_left);
	kunit_deactivate_static_stub(test, snp_gmem_pool_map);
	kunit_deactivate_static_stub(test, snp_gmem_pool_unmap);
	kunit_deactivate_static_stub(test, snp_gmem_clflush);
	if (gmem_carveout_alloc(nid, SNP_TEST_OWNER, &pfn))
		kunit_skip(test, "no free chunk on node %d", nid);

	chunk = 1UL << gmem_carveout_chunk_order();
	KUNIT_EXPECT_EQ(test, snp_gmem_pool_left(pfn), chunk);
	KUNIT_EXPECT_EQ(test, snp_gmem_pool_left(pfn + chunk - 1), 1UL);
	KUNIT_EXPECT_NULL(test, gmem_carveout_map(pfn + chunk - 1, 2));
	KUNIT_EXPECT_NULL(test, gmem_carveout_map(pfn, PTRS_PER_PMD + 1));
	KUNIT_EXPECT_NULL(test, gmem_carveout_map(pfn, 0));

	KUNIT_EXPECT_EQ(test, snp_gmem_copy_in(pfn + 1, src), 0);
	snp_gmem_flush(pfn, PTRS_PER_PMD);
	KUNIT_EXPECT_EQ(test, ctx->nr_wbinvd, 0);
	va = gmem_carveout_map(pfn + 1, 1);
	KUNIT_EXPECT_NOT_NULL(test, va);
	if (va) {
		KUNIT_EXPECT_EQ(test, va[0], 0x40);
		KUNIT_EXPECT_EQ(test, va[PAGE_SIZE - 1], 0x40);
		gmem_carveout_unmap(va);
	}
	gmem_carveout_free(pfn, SNP_TEST_OWNER);
}

/* The RMP fault path drops a page reference only for memory that has one. */
static void gmem_pool_sev_test_no_page_ref(struct kunit *test)
{
	struct snp_test_ctx *ctx = test->priv;

	snp_gmem_put_pfn(SNP_TEST_BASE + 3);
	KUNIT_EXPECT_EQ(test, ctx->nr_put, 0);
	/* Outside the fake pool the double stands in for put_page(). */
	snp_gmem_put_pfn(SNP_TEST_BASE - 1);
	KUNIT_EXPECT_EQ(test, ctx->nr_put, 1);
}

static struct kunit_case gmem_pool_sev_test_cases[] = {
	KUNIT_CASE(gmem_pool_sev_test_prepare_2m),
	KUNIT_CASE(gmem_pool_sev_test_prepare_4k),
	KUNIT_CASE(gmem_pool_sev_test_prepare_1g),
	KUNIT_CASE(gmem_pool_sev_test_prepare_unaligned_gfn),
	KUNIT_CASE(gmem_pool_sev_test_prepare_populated),
	KUNIT_CASE(gmem_pool_sev_test_prepare_bad_range),
	KUNIT_CASE(gmem_pool_sev_test_prepare_rollback),
	KUNIT_CASE(gmem_pool_sev_test_invalidate_2m),
	KUNIT_CASE(gmem_pool_sev_test_invalidate_psmash),
	KUNIT_CASE(gmem_pool_sev_test_invalidate_1g),
	KUNIT_CASE(gmem_pool_sev_test_invalidate_no_map),
	KUNIT_CASE(gmem_pool_sev_test_populate),
	KUNIT_CASE(gmem_pool_sev_test_populate_fw_error),
	KUNIT_CASE(gmem_pool_sev_test_populate_no_map),
	KUNIT_CASE(gmem_pool_sev_test_populate_bad_range),
	KUNIT_CASE(gmem_pool_sev_test_no_page_ref),
	KUNIT_CASE(gmem_pool_sev_test_real_mapping),
	{}
};

static struct kunit_suite gmem_pool_sev_test_suite = {
	.name = "gmem_pool_sev",
	.init = snp_test_init,
	.test_cases = gmem_pool_sev_test_cases,
};

kunit_test_suite(gmem_pool_sev_test_suite);

#endif /* _SEV_GMEM_POOL_KUNIT_H */
