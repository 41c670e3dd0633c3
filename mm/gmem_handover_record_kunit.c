// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the gmem pool hand-over record.
 *
 * The cases share their data with the userspace tests in tests/host through
 * gmem_handover_record_test.h: a reference record, a table of corruptions,
 * each with the reason it must be refused for, and a synthetic record of
 * 1 TiB of 2 MiB chunks whose validation is timed.
 */

#include <kunit/test.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "gmem_handover_record_test.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* 1 TiB of 2 MiB chunks, shared by four files. */
#define HO_T_BIG_CHUNKS		(SZ_1T >> GMEM_HANDOVER_SHIFT_2M)
#define HO_T_BIG_FILES		4

/* Record buffers must be 8-byte aligned: use u64 arrays. */
#define HO_T_WORDS		DIV_ROUND_UP(HO_T_LEN, sizeof(u64))

static_assert(HO_T_WORDS * sizeof(u64) >= HO_T_LEN);

struct ho_t_ctx {
	u64 rec[HO_T_WORDS];
	unsigned long bits[BITS_TO_LONGS(64 + 2)];
	struct gmem_handover_scratch scratch;
	struct gmem_handover_view view;
	struct gmem_handover_error err;
};

static struct ho_t_ctx *ho_t_setup(struct kunit *test)
{
	struct ho_t_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx);
	ctx->scratch.bits = ctx->bits;
	ctx->scratch.nbits = gmem_handover_scratch_bits(ho_t_pools,
							HO_T_NR_NODES);
	KUNIT_ASSERT_EQ(test, ho_t_build(ctx->rec, sizeof(ctx->rec)),
			(long)HO_T_LEN);
	return ctx;
}

static int ho_t_validate(struct ho_t_ctx *ctx)
{
	return gmem_handover_validate(ctx->rec, HO_T_LEN, &ctx->scratch,
				      &ctx->view, &ctx->err);
}

static int ho_t_collect(u64 slot, u32 chunk, void *arg)
{
	u32 *out = arg;

	out[slot] = chunk;
	return 0;
}

/* The check value of CRC-32C: the host tests assert the same. */
static void gmem_pool_test_crc32c(struct kunit *test)
{
	static const u8 check[] = "123456789";

	KUNIT_EXPECT_EQ(test, __crc32c_le(~0U, check, 9) ^ ~0U, 0xe3069283);
}

static void gmem_pool_test_round_trip(struct kunit *test)
{
	struct ho_t_ctx *ctx = ho_t_setup(test);
	struct gmem_handover_file_info fi;
	struct gmem_handover_pool pool;
	u32 chunks[4], i, k, s = 0;

	KUNIT_ASSERT_EQ(test, ho_t_validate(ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx->err.reason, GMEM_HO_OK);
	KUNIT_EXPECT_EQ(test, gmem_handover_generation(&ctx->view), 7ULL);
	KUNIT_ASSERT_EQ(test, ctx->view.nr_nodes, HO_T_NR_NODES);
	KUNIT_ASSERT_EQ(test, ctx->view.nr_files, HO_T_NR_FILES);
	for (i = 0; i < HO_T_NR_NODES; i++) {
		gmem_handover_node(&ctx->view, i, &pool);
		KUNIT_EXPECT_MEMEQ(test, &pool, &ho_t_pools[i], sizeof(pool));
	}
	for (i = 0; i < HO_T_NR_FILES; i++) {
		gmem_handover_file(&ctx->view, i, &fi);
		KUNIT_EXPECT_EQ(test, fi.token, ho_t_files[i].token);
		KUNIT_EXPECT_EQ(test, fi.size, ho_t_files[i].size);
		KUNIT_EXPECT_EQ(test, fi.uid, ho_t_files[i].uid);
		KUNIT_EXPECT_EQ(test, fi.gid, ho_t_files[i].gid);
		KUNIT_EXPECT_EQ(test, fi.flags, ho_t_files[i].flags);
		KUNIT_EXPECT_EQ(test, fi.nid, ho_t_files[i].nid);
		KUNIT_ASSERT_LE(test, fi.nr_slots, ARRAY_SIZE(chunks));
		memset(chunks, 0xff, sizeof(chunks));
		KUNIT_EXPECT_EQ(test,
				gmem_handover_walk_file(&ctx->view, i,
							ho_t_collect, chunks),
				0);
		for (k = 0; k < fi.nr_slots; k++, s++)
			KUNIT_EXPECT_EQ_MSG(test, chunks[k], ho_t_slots[s],
					    "file %u slot %u", i, k);
	}
	KUNIT_EXPECT_EQ(test, s, HO_T_NR_SLOTS);
}

static void gmem_pool_test_corruption(struct kunit *test)
{
	struct ho_t_ctx *ctx = ho_t_setup(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ho_t_cases); i++) {
		const struct ho_t_case *c = &ho_t_cases[i];

		KUNIT_ASSERT_EQ(test, ho_t_build(ctx->rec, sizeof(ctx->rec)),
				(long)HO_T_LEN);
		ho_t_corrupt(ctx->rec, HO_T_LEN, c);
		KUNIT_EXPECT_EQ_MSG(test, ho_t_validate(ctx), -EINVAL,
				    "case: %s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, ctx->err.reason, c->reason,
				    "case: %s, got \"%s\"", c->name,
				    gmem_handover_reason_str(ctx->err.reason));
	}
}

static void gmem_pool_test_dup_chunk_detail(struct kunit *test)
{
	struct ho_t_ctx *ctx = ho_t_setup(test);
	char msg[96];

	ho_t_put((u8 *)ctx->rec + HO_T_SLOT(8), sizeof(__le32), 5);
	ho_t_reseal(ctx->rec, HO_T_LEN);
	KUNIT_ASSERT_EQ(test, ho_t_validate(ctx), -EINVAL);
	gmem_handover_format_error(&ctx->err, msg, sizeof(msg));
	KUNIT_EXPECT_STREQ(test, msg,
			   "chunk 5 of node 0 owned twice (files 0x1000 and 0x3000)");
}

static void gmem_pool_test_bit_flips(struct kunit *test)
{
	struct ho_t_ctx *ctx = ho_t_setup(test);
	unsigned int bit;

	for (bit = 0; bit < HO_T_LEN * BITS_PER_BYTE; bit++) {
		KUNIT_ASSERT_EQ(test, ho_t_build(ctx->rec, sizeof(ctx->rec)),
				(long)HO_T_LEN);
		((u8 *)ctx->rec)[bit / BITS_PER_BYTE] ^= BIT(bit % BITS_PER_BYTE);
		KUNIT_EXPECT_EQ_MSG(test, ho_t_validate(ctx), -EINVAL,
				    "bit %u", bit);
	}
}

static void gmem_pool_test_truncated(struct kunit *test)
{
	struct ho_t_ctx *ctx = ho_t_setup(test);
	size_t len;

	for (len = 0; len < HO_T_LEN; len++) {
		KUNIT_EXPECT_EQ_MSG(test,
				    gmem_handover_validate(ctx->rec, len,
							   &ctx->scratch,
							   &ctx->view,
							   &ctx->err),
				    -EINVAL, "len %zu", len);
		KUNIT_EXPECT_NE(test, ctx->err.reason, GMEM_HO_OK);
	}
}

static void gmem_pool_test_scratch_small(struct kunit *test)
{
	struct ho_t_ctx *ctx = ho_t_setup(test);

	ctx->scratch.nbits--;
	KUNIT_EXPECT_EQ(test, ho_t_validate(ctx), -ENOSPC);
	KUNIT_EXPECT_EQ(test, ctx->err.reason, GMEM_HO_SCRATCH_SMALL);
}

/* Every buffer shorter than the record: -ENOSPC, and not a byte past it. */
static void gmem_pool_test_buffer_too_small(struct kunit *test)
{
	size_t len;
	u8 *buf;

	for (len = 0; len < HO_T_LEN; len++) {
		/* kmalloc() aligns to 8; KASAN sees any byte past len. */
		buf = kunit_kmalloc(test, len ? len : 1, GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
		KUNIT_EXPECT_EQ_MSG(test, ho_t_build(buf, len), (long)-ENOSPC,
				    "len %zu", len);
		kunit_kfree(test, buf);
	}
}

static void gmem_pool_test_encoder_rejects(struct kunit *test)
{
	struct ho_t_ctx *ctx = ho_t_setup(test);
	struct gmem_handover_file_info fi = ho_t_files[1];
	struct gmem_handover_pool pool = ho_t_pools[0];
	struct gmem_handover_enc enc;
	size_t len;

	KUNIT_ASSERT_EQ(test, gmem_handover_begin(&enc, ctx->rec,
						  sizeof(ctx->rec), 1, 1, 1), 0);
	pool.chunk_shift = 20;
	KUNIT_EXPECT_EQ(test, gmem_handover_add_node(&enc, &pool), -EINVAL);
	KUNIT_EXPECT_EQ(test, gmem_handover_add_file(&enc, &fi), -EINVAL);
	KUNIT_EXPECT_EQ(test, gmem_handover_add_node(&enc, &ho_t_pools[1]), 0);
	KUNIT_EXPECT_EQ(test, gmem_handover_add_node(&enc, &ho_t_pools[0]),
			-ENOSPC);
	fi.token = 0;
	KUNIT_EXPECT_EQ(test, gmem_handover_add_file(&enc, &fi), -EINVAL);
	fi.token = 1;
	fi.size = SZ_2M;
	KUNIT_EXPECT_EQ(test, gmem_handover_add_file(&enc, &fi), -EINVAL);
	fi.size = SZ_1G;
	KUNIT_EXPECT_EQ(test, gmem_handover_add_file(&enc, &fi), 0);
	KUNIT_EXPECT_EQ(test, gmem_handover_finish(&enc, &len), -EINVAL);
	KUNIT_EXPECT_EQ(test, gmem_handover_add_slot(&enc, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, gmem_handover_add_slot(&enc, HO_T_HOLE), 0);
	KUNIT_EXPECT_EQ(test, gmem_handover_add_slot(&enc, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, gmem_handover_finish(&enc, &len), 0);
	KUNIT_EXPECT_EQ(test, gmem_handover_record_size(0, 0, 0, &len),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, gmem_handover_record_size(1, 1, U64_MAX / 2,
							&len), -EINVAL);
}

static void gmem_pool_test_layout(struct kunit *test)
{
	struct ho_t_ctx *ctx = ho_t_setup(test);
	struct gmem_handover_pool run[HO_T_NR_NODES];
	struct gmem_handover_error *err = &ctx->err;

	KUNIT_ASSERT_EQ(test, ho_t_validate(ctx), 0);
	memcpy(run, ho_t_pools, sizeof(run));
	KUNIT_EXPECT_EQ(test, gmem_handover_match_layout(&ctx->view, run, 2,
							 err), 0);
	KUNIT_EXPECT_EQ(test, gmem_handover_match_layout(&ctx->view, run, 1,
							 err), -EINVAL);
	KUNIT_EXPECT_EQ(test, err->reason, GMEM_HO_LAYOUT_NODE_MISSING);
	run[1].chunk_shift = GMEM_HANDOVER_SHIFT_2M;
	KUNIT_EXPECT_EQ(test, gmem_handover_match_layout(&ctx->view, run, 2,
							 err), -EINVAL);
	KUNIT_EXPECT_EQ(test, err->reason, GMEM_HO_LAYOUT_CHUNK_SIZE);
	run[1] = ho_t_pools[1];
	run[1].base += SZ_1G;
	KUNIT_EXPECT_EQ(test, gmem_handover_match_layout(&ctx->view, run, 2,
							 err), -EINVAL);
	KUNIT_EXPECT_EQ(test, err->reason, GMEM_HO_LAYOUT_PLACEMENT);
}

/*
 * A record for 1 TiB of 2 MiB chunks: 524288 slots, 2 MiB of record and
 * 64 KiB of scratch.  The time is informative (TCG, KASAN); the assertions
 * are about correctness only.
 */
static void gmem_pool_test_1tib(struct kunit *test)
{
	struct gmem_handover_scratch scratch;
	struct gmem_handover_view view;
	struct gmem_handover_error err;
	size_t need;
	ktime_t t0;
	u64 ns;
	void *buf;
	long len;

	KUNIT_ASSERT_EQ(test, gmem_handover_record_size(1, HO_T_BIG_FILES,
							HO_T_BIG_CHUNKS + HO_T_BIG_FILES,
							&need), 0);
	buf = vmalloc(need);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	scratch.nbits = HO_T_BIG_CHUNKS;
	scratch.bits = vmalloc(BITS_TO_LONGS(scratch.nbits) * sizeof(long));
	if (!scratch.bits) {
		vfree(buf);
		KUNIT_FAIL(test, "no memory for the scratch bitmap");
		return;
	}
	len = ho_t_build_big(buf, need, HO_T_BIG_CHUNKS, HO_T_BIG_FILES);
	KUNIT_EXPECT_EQ(test, len, (long)need);

	t0 = ktime_get();
	KUNIT_EXPECT_EQ(test, gmem_handover_validate(buf, need, &scratch,
						     &view, &err), 0);
	ns = ktime_to_ns(ktime_sub(ktime_get(), t0));
	kunit_info(test, "1 TiB record (%zu bytes, %llu chunks): validated in %llu us, %llu ns per chunk\n",
		   need, HO_T_BIG_CHUNKS, div_u64(ns, NSEC_PER_USEC),
		   div64_u64(ns, HO_T_BIG_CHUNKS));

	/* Give the last real chunk of the last file to the first file too. */
	ho_t_put((u8 *)buf + need - 2 * sizeof(__le32), sizeof(__le32), 0);
	ho_t_reseal(buf, need);
	KUNIT_EXPECT_EQ(test, gmem_handover_validate(buf, need, &scratch,
						     &view, &err), -EINVAL);
	KUNIT_EXPECT_EQ(test, err.reason, GMEM_HO_DUP_CHUNK);
	KUNIT_EXPECT_EQ(test, err.token2, 0xabc000ULL);
	vfree(scratch.bits);
	vfree(buf);
}

static struct kunit_case gmem_pool_record_cases[] = {
	KUNIT_CASE(gmem_pool_test_crc32c),
	KUNIT_CASE(gmem_pool_test_round_trip),
	KUNIT_CASE(gmem_pool_test_corruption),
	KUNIT_CASE(gmem_pool_test_dup_chunk_detail),
	KUNIT_CASE(gmem_pool_test_bit_flips),
	KUNIT_CASE(gmem_pool_test_truncated),
	KUNIT_CASE(gmem_pool_test_scratch_small),
	KUNIT_CASE(gmem_pool_test_buffer_too_small),
	KUNIT_CASE(gmem_pool_test_encoder_rejects),
	KUNIT_CASE(gmem_pool_test_layout),
	KUNIT_CASE(gmem_pool_test_1tib),
	{}
};

static struct kunit_suite gmem_pool_record_suite = {
	.name = "gmem_pool_record",
	.test_cases = gmem_pool_record_cases,
};

kunit_test_suite(gmem_pool_record_suite);

MODULE_DESCRIPTION("KUnit tests of the gmem pool hand-over record");
MODULE_LICENSE("GPL");
