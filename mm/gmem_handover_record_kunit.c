// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the gmem pool hand-over record.
 *
 * The cases share their data with the userspace tests in tests/host through
 * gmem_handover_record_test.h: a reference record, a table of corruptions,
 * each with the reason it must be refused for, a version 2 record that must
 * still be accepted, a script of encoder calls, and synthetic records of
 * 1 TiB of 2 MiB chunks.
 */

#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "gmem_handover_record_test.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* 1 TiB of 2 MiB chunks. */
#define HO_T_BIG_CHUNKS		(SZ_1T >> GMEM_HANDOVER_SHIFT_2M)

/* Record buffers must be 8-byte aligned: use u64 arrays. */
#define HO_T_WORDS		DIV_ROUND_UP(HO_T_LEN, sizeof(u64))

static_assert(HO_T_WORDS * sizeof(u64) >= HO_T_LEN);

struct ho_t_ctx {
	u64 rec[HO_T_WORDS];
	unsigned long bits[BITS_TO_LONGS(HO_T_NR_CHUNKS)];
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

KUNIT_DEFINE_ACTION_WRAPPER(ho_t_vfree, vfree, const void *);

static void *ho_t_vmalloc(struct kunit *test, size_t size)
{
	void *p = vmalloc(size);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ho_t_vfree, p),
			0);
	return p;
}

struct ho_t_walk {
	struct ho_t_extent x[HO_T_NR_EXTENTS];
	unsigned int n;
};

static int ho_t_collect(u64 slot, u32 chunk, u32 nr, void *arg)
{
	struct ho_t_walk *w = arg;

	if (w->n == ARRAY_SIZE(w->x))
		return -E2BIG;
	w->x[w->n].slot = slot;
	w->x[w->n].chunk = chunk;
	w->x[w->n++].nr = nr;
	return 0;
}

/* The check value of CRC-32C: the host tests assert the same. */
static void gmem_pool_test_crc32c(struct kunit *test)
{
	static const u8 check[] = "123456789";

	KUNIT_EXPECT_EQ(test, __crc32c_le(~0U, check, 9) ^ ~0U, 0xe3069283);
}

static void ho_t_expect_files(struct kunit *test, struct ho_t_ctx *ctx)
{
	struct gmem_handover_file_info fi;
	struct ho_t_walk w = { };
	u32 i, k, e = 0;

	for (i = 0; i < HO_T_NR_FILES; i++) {
		gmem_handover_file(&ctx->view, i, &fi);
		KUNIT_EXPECT_MEMEQ(test, &fi, &ho_t_files[i], sizeof(fi));
		w.n = 0;
		KUNIT_EXPECT_EQ(test, gmem_handover_walk_file(&ctx->view, i,
							      ho_t_collect, &w),
				0);
		KUNIT_ASSERT_EQ(test, w.n, fi.nr_extents);
		for (k = 0; k < w.n; k++, e++)
			KUNIT_EXPECT_MEMEQ_MSG(test, &w.x[k], &ho_t_extents[e],
					       sizeof(w.x[k]),
					       "file %u extent %u", i, k);
	}
	KUNIT_EXPECT_EQ(test, e, HO_T_NR_EXTENTS);
}

static void ho_t_expect_poisoned(struct kunit *test,
				 const struct gmem_handover_view *view,
				 const struct gmem_handover_poisoned_info *want,
				 u32 nr)
{
	struct gmem_handover_poisoned_info pi;
	u32 i;

	KUNIT_ASSERT_EQ(test, gmem_handover_nr_poisoned(view), nr);
	for (i = 0; i < nr; i++) {
		gmem_handover_poisoned(view, i, &pi);
		KUNIT_EXPECT_EQ_MSG(test, pi.nid, want[i].nid, "entry %u", i);
		KUNIT_EXPECT_EQ_MSG(test, pi.chunk, want[i].chunk, "entry %u",
				    i);
	}
}

static void gmem_pool_test_round_trip(struct kunit *test)
{
	struct ho_t_ctx *ctx = ho_t_setup(test);
	struct gmem_handover_session_info si;
	struct gmem_handover_pool pool;
	u32 i;

	KUNIT_ASSERT_EQ(test, ho_t_validate(ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx->err.reason, GMEM_HO_OK);
	KUNIT_EXPECT_EQ(test, gmem_handover_generation(&ctx->view),
			(u64)HO_T_GENERATION);
	KUNIT_EXPECT_TRUE(test, gmem_handover_key_eq(&ctx->view, ho_t_key));
	KUNIT_ASSERT_EQ(test, ctx->view.nr_nodes, HO_T_NR_NODES);
	KUNIT_ASSERT_EQ(test, ctx->view.nr_sessions, HO_T_NR_SESSIONS);
	KUNIT_ASSERT_EQ(test, ctx->view.nr_files, HO_T_NR_FILES);
	KUNIT_ASSERT_EQ(test, ctx->view.nr_extents, HO_T_NR_EXTENTS);
	for (i = 0; i < HO_T_NR_NODES; i++) {
		gmem_handover_node(&ctx->view, i, &pool);
		KUNIT_EXPECT_MEMEQ(test, &pool, &ho_t_pools[i], sizeof(pool));
	}
	for (i = 0; i < HO_T_NR_SESSIONS; i++) {
		gmem_handover_session(&ctx->view, i, &si);
		KUNIT_EXPECT_MEMEQ(test, &si, &ho_t_sessions[i], sizeof(si));
	}
	ho_t_expect_files(test, ctx);
	ho_t_expect_poisoned(test, &ctx->view, ho_t_poisoned,
			     HO_T_NR_POISONED);
}

static int ho_t_stop(u64 slot, u32 chunk, u32 nr, void *arg)
{
	(*(int *)arg)++;
	return 42;
}

static void gmem_pool_test_walk_stops(struct kunit *test)
{
	struct ho_t_ctx *ctx = ho_t_setup(test);
	int calls = 0;

	KUNIT_ASSERT_EQ(test, ho_t_validate(ctx), 0);
	KUNIT_EXPECT_EQ(test, gmem_handover_walk_file(&ctx->view, 0, ho_t_stop,
						      &calls), 42);
	KUNIT_EXPECT_EQ(test, calls, 1);
	/* The file of holes only: no call at all. */
	KUNIT_EXPECT_EQ(test, gmem_handover_walk_file(&ctx->view, 2, ho_t_stop,
						      &calls), 0);
	KUNIT_EXPECT_EQ(test, calls, 1);
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

static void gmem_pool_test_error_where(struct kunit *test)
{
	struct ho_t_ctx *ctx = ho_t_setup(test);
	const struct ho_t_where *w;
	const struct ho_t_case *c;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ho_t_wheres); i++) {
		w = &ho_t_wheres[i];
		c = ho_t_find_case(w->name);
		KUNIT_ASSERT_NOT_NULL_MSG(test, c, "no case %s", w->name);
		KUNIT_ASSERT_EQ(test, ho_t_build(ctx->rec, sizeof(ctx->rec)),
				(long)HO_T_LEN);
		ho_t_corrupt(ctx->rec, HO_T_LEN, c);
		KUNIT_EXPECT_EQ(test, ho_t_validate(ctx), -EINVAL);
		KUNIT_EXPECT_EQ_MSG(test, ctx->err.node, w->node, "%s", w->name);
		KUNIT_EXPECT_EQ_MSG(test, ctx->err.item, w->item, "%s", w->name);
		KUNIT_EXPECT_EQ_MSG(test, ctx->err.token, w->token, "%s",
				    w->name);
		KUNIT_EXPECT_STREQ_MSG(test, ctx->err.session, w->session, "%s",
				       w->name);
	}
}

static void gmem_pool_test_reasons_covered(struct kunit *test)
{
	enum gmem_handover_reason r = ho_t_untested_reason();
	unsigned int i;

	KUNIT_EXPECT_EQ_MSG(test, r, GMEM_HO_OK, "no test for \"%s\"",
			    gmem_handover_reason_str(r));
	for (i = 0; i < GMEM_HO_NR_REASONS; i++)
		KUNIT_EXPECT_STRNEQ(test, gmem_handover_reason_str(i),
				    "unknown reason");
	KUNIT_EXPECT_STREQ(test, gmem_handover_reason_str(GMEM_HO_NR_REASONS),
			   "unknown reason");
}

static void gmem_pool_test_dup_chunk_detail(struct kunit *test)
{
	struct ho_t_ctx *ctx = ho_t_setup(test);
	char msg[160];

	/* Extent 4 (0x3000 of tenant-b) takes chunks 5-6 of file 0 too. */
	ho_t_put((u8 *)ctx->rec + HO_T_EXTENT_AT(4) +
		 offsetof(struct gmem_handover_extent, chunk), 4, 5);
	ho_t_reseal(ctx->rec, HO_T_LEN);
	KUNIT_ASSERT_EQ(test, ho_t_validate(ctx), -EINVAL);
	gmem_handover_format_error(&ctx->err, msg, sizeof(msg));
	KUNIT_EXPECT_STREQ(test, msg,
			   "chunk 5 of node 0 held twice (file 0x0 of session \"tenant-a\" and file 0x3000 of session \"tenant-b\")");
}

/* An unterminated name with a control byte: cut, replaced, still logged. */
static void gmem_pool_test_session_name_text(struct kunit *test)
{
	static const char want[] =
		"malformed session entry: session 1 (\"x?xxx";
	struct ho_t_ctx *ctx = ho_t_setup(test);
	u8 *name = (u8 *)ctx->rec + HO_T_SESSION_AT(1);
	char msg[160];

	memset(name, 'x', GMEM_HANDOVER_NAME_LEN);
	name[1] = 0x1b;
	ho_t_reseal(ctx->rec, HO_T_LEN);
	KUNIT_ASSERT_EQ(test, ho_t_validate(ctx), -EINVAL);
	KUNIT_EXPECT_EQ(test, ctx->err.reason, GMEM_HO_BAD_SESSION);
	KUNIT_EXPECT_EQ(test, strlen(ctx->err.session),
			(size_t)GMEM_HANDOVER_NAME_LEN - 1);
	KUNIT_EXPECT_EQ(test, ctx->err.session[1], '?');
	gmem_handover_format_error(&ctx->err, msg, sizeof(msg));
	KUNIT_EXPECT_EQ(test, strncmp(msg, want, strlen(want)), 0);
	/* A short buffer gets a cut, terminated line and the full length. */
	KUNIT_EXPECT_GT(test, gmem_handover_format_error(&ctx->err, msg, 8), 8);
	KUNIT_EXPECT_STREQ(test, msg, "malform");
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
	enum gmem_handover_reason want;
	size_t len;

	for (len = 0; len < HO_T_LEN; len++) {
		want = len < GMEM_HANDOVER_HEADER_BYTES ? GMEM_HO_TOO_SHORT :
							  GMEM_HO_BAD_LENGTH;
		KUNIT_EXPECT_EQ_MSG(test,
				    gmem_handover_validate(ctx->rec, len,
							   &ctx->scratch,
							   &ctx->view,
							   &ctx->err),
				    -EINVAL, "len %zu", len);
		KUNIT_EXPECT_EQ_MSG(test, ctx->err.reason, want, "len %zu", len);
	}
}

static void gmem_pool_test_misaligned(struct kunit *test)
{
	struct ho_t_ctx *ctx = ho_t_setup(test);
	u8 *buf = kunit_kzalloc(test, HO_T_LEN + sizeof(u64), GFP_KERNEL);
	struct gmem_handover_enc enc;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	memcpy(buf + 4, ctx->rec, HO_T_LEN);
	KUNIT_EXPECT_EQ(test, gmem_handover_validate(buf + 4, HO_T_LEN,
						     &ctx->scratch, &ctx->view,
						     &ctx->err), -EINVAL);
	KUNIT_EXPECT_EQ(test, ctx->err.reason, GMEM_HO_BAD_BUFFER);
	KUNIT_EXPECT_EQ(test, gmem_handover_begin(&enc, buf + 4, HO_T_LEN, 1,
						  0, 0, 0, 0, 1, ho_t_key),
			-EINVAL);
}

static void gmem_pool_test_scratch_small(struct kunit *test)
{
	struct ho_t_ctx *ctx = ho_t_setup(test);

	KUNIT_EXPECT_EQ(test, ctx->scratch.nbits, (u64)HO_T_NR_CHUNKS);
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

static void gmem_pool_test_encoder_script(struct kunit *test)
{
	struct ho_t_ctx *ctx = ho_t_setup(test);
	size_t len = 0;
	int step, got;

	memset(ctx->rec, 0, sizeof(ctx->rec));
	step = ho_t_run_script(ctx->rec, sizeof(ctx->rec), &got, &len);
	KUNIT_ASSERT_EQ_MSG(test, step, -1, "step \"%s\": got %d, want %d",
			    step < 0 ? "" : ho_t_script[step].what, got,
			    step < 0 ? 0 : ho_t_script[step].ret);
	KUNIT_EXPECT_EQ(test, gmem_handover_validate(ctx->rec, len,
						     &ctx->scratch, &ctx->view,
						     &ctx->err), 0);
	KUNIT_EXPECT_EQ(test, ctx->view.nr_files, 3);
	KUNIT_EXPECT_EQ(test, gmem_handover_nr_poisoned(&ctx->view), 2);
}

/* The encoder takes a chunk twice; only the validator can tell. */
static void gmem_pool_test_encoder_no_dup_check(struct kunit *test)
{
	struct ho_t_ctx *ctx = ho_t_setup(test);
	long len = ho_t_build_dup(ctx->rec, sizeof(ctx->rec));

	KUNIT_ASSERT_GT(test, len, 0);
	KUNIT_EXPECT_EQ(test, gmem_handover_validate(ctx->rec, len,
						     &ctx->scratch, &ctx->view,
						     &ctx->err), -EINVAL);
	KUNIT_EXPECT_EQ(test, ctx->err.reason, GMEM_HO_DUP_CHUNK);
	KUNIT_EXPECT_EQ(test, ctx->err.node, 1);
	KUNIT_EXPECT_EQ(test, ctx->err.item, 0);
	KUNIT_EXPECT_EQ(test, ctx->err.token, HO_T_DUP_TOKEN2);
	KUNIT_EXPECT_EQ(test, ctx->err.token2, HO_T_DUP_TOKEN1);
	KUNIT_EXPECT_STREQ(test, ctx->err.session, "t");
	KUNIT_EXPECT_STREQ(test, ctx->err.session2, "t");
}

static void gmem_pool_test_record_size(struct kunit *test)
{
	size_t size;

	KUNIT_EXPECT_EQ(test, gmem_handover_record_size(HO_T_NR_NODES,
							HO_T_NR_SESSIONS,
							HO_T_NR_FILES,
							HO_T_NR_EXTENTS,
							HO_T_NR_POISONED,
							&size), 0);
	KUNIT_EXPECT_EQ(test, size, (size_t)HO_T_LEN);
	KUNIT_EXPECT_EQ(test, gmem_handover_record_size(1, 0, 0, 0, 0, &size),
			0);
	KUNIT_EXPECT_EQ(test, size, (size_t)GMEM_HANDOVER_HEADER_BYTES +
				    GMEM_HANDOVER_NODE_BYTES);
	KUNIT_EXPECT_EQ(test, gmem_handover_record_size(1, 0, 0, 0,
							GMEM_HANDOVER_MAX_POISONED,
							&size), 0);
	KUNIT_EXPECT_EQ(test, size, (size_t)GMEM_HANDOVER_HEADER_BYTES +
				    GMEM_HANDOVER_NODE_BYTES +
				    GMEM_HANDOVER_MAX_POISONED *
				    GMEM_HANDOVER_POISONED_BYTES);
	KUNIT_EXPECT_EQ(test, gmem_handover_record_size(1, 0, 0, 0,
							GMEM_HANDOVER_MAX_POISONED + 1,
							&size), -EINVAL);
	KUNIT_EXPECT_EQ(test, gmem_handover_record_size(0, 0, 0, 0, 0, &size),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, gmem_handover_record_size(1, 1, 1, U64_MAX / 2, 0,
							&size), -EINVAL);
}

/* The version 2 record of the release before: still accepted, whole. */
static void gmem_pool_test_v2_accepted(struct kunit *test)
{
	struct ho_t_ctx *ctx = ho_t_setup(test);
	struct gmem_handover_session_info si;
	u32 i;

	memcpy(ctx->rec, ho_t_v2_record, HO_T_V2_LEN);
	KUNIT_EXPECT_EQ(test, gmem_handover_check_key(ctx->rec, HO_T_V2_LEN,
						      ho_t_key), 0);
	KUNIT_ASSERT_EQ(test, gmem_handover_validate(ctx->rec, HO_T_V2_LEN,
						     &ctx->scratch, &ctx->view,
						     &ctx->err), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(ctx->view.hdr->version),
			GMEM_HANDOVER_VERSION_V2);
	KUNIT_EXPECT_EQ(test, gmem_handover_match_layout(&ctx->view, ho_t_pools,
							 HO_T_NR_NODES,
							 &ctx->err), 0);
	KUNIT_ASSERT_EQ(test, ctx->view.nr_sessions, HO_T_NR_SESSIONS);
	KUNIT_ASSERT_EQ(test, ctx->view.nr_files, HO_T_NR_FILES);
	for (i = 0; i < HO_T_NR_SESSIONS; i++) {
		gmem_handover_session(&ctx->view, i, &si);
		KUNIT_EXPECT_MEMEQ(test, &si, &ho_t_sessions[i], sizeof(si));
	}
	ho_t_expect_files(test, ctx);
	ho_t_expect_poisoned(test, &ctx->view, NULL, 0);
	KUNIT_EXPECT_NULL(test, ctx->view.poisoned);
}

static void gmem_pool_test_v2_corruption(struct kunit *test)
{
	struct ho_t_ctx *ctx = ho_t_setup(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ho_t_v2_cases); i++) {
		const struct ho_t_case *c = &ho_t_v2_cases[i];

		memcpy(ctx->rec, ho_t_v2_record, HO_T_V2_LEN);
		ho_t_corrupt(ctx->rec, HO_T_V2_LEN, c);
		KUNIT_EXPECT_EQ_MSG(test,
				    gmem_handover_validate(ctx->rec,
							   HO_T_V2_LEN,
							   &ctx->scratch,
							   &ctx->view,
							   &ctx->err),
				    -EINVAL, "case: %s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, ctx->err.reason, c->reason,
				    "case: %s, got \"%s\"", c->name,
				    gmem_handover_reason_str(ctx->err.reason));
	}
}

static void gmem_pool_test_poisoned_text(struct kunit *test)
{
	struct ho_t_ctx *ctx = ho_t_setup(test);
	char msg[160];

	ho_t_corrupt(ctx->rec, HO_T_LEN,
		     ho_t_find_case("poisoned 1G past pool"));
	KUNIT_ASSERT_EQ(test, ho_t_validate(ctx), -EINVAL);
	KUNIT_EXPECT_EQ(test, ctx->err.chunk, 2);
	gmem_handover_format_error(&ctx->err, msg, sizeof(msg));
	KUNIT_EXPECT_STREQ(test, msg,
			   "poisoned chunk past its pool: poisoned entry 2 (chunk 2 of node 1)");
}

static void gmem_pool_test_key(struct kunit *test)
{
	struct ho_t_ctx *ctx = ho_t_setup(test);
	u64 key[GMEM_HANDOVER_KEY_WORDS];
	unsigned int i;

	KUNIT_ASSERT_EQ(test, ho_t_validate(ctx), 0);
	KUNIT_EXPECT_EQ(test, gmem_handover_check_key(ctx->rec, HO_T_LEN,
						      ho_t_key), 0);
	for (i = 0; i < GMEM_HANDOVER_KEY_WORDS; i++) {
		memcpy(key, ho_t_key, sizeof(key));
		key[i] ^= BIT_ULL(63);
		KUNIT_EXPECT_FALSE(test, gmem_handover_key_eq(&ctx->view, key));
		KUNIT_EXPECT_EQ(test, gmem_handover_check_key(ctx->rec, HO_T_LEN,
							      key),
				-EKEYREJECTED);
	}
	KUNIT_EXPECT_EQ(test, gmem_handover_check_key(ctx->rec,
						      HO_T_NODES_OFF - 1,
						      ho_t_key), -ENOENT);
	/* A damaged record of this kexec is still this kexec's. */
	ho_t_put((u8 *)ctx->rec + HO_T_EXTENT_AT(0), 1, 0xff);
	KUNIT_EXPECT_EQ(test, gmem_handover_check_key(ctx->rec, HO_T_LEN,
						      ho_t_key), 0);
	ctx->rec[0] = 0;
	KUNIT_EXPECT_EQ(test, gmem_handover_check_key(ctx->rec, HO_T_LEN,
						      ho_t_key), -ENOENT);
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

struct ho_t_big_case {
	const char *name;
	enum ho_t_big_layout layout;
};

static const struct ho_t_big_case ho_t_big_cases[] = {
	{ "one extent", HO_T_ONE_EXTENT },
	{ "one extent per chunk", HO_T_PER_CHUNK },
};

KUNIT_ARRAY_PARAM_DESC(ho_t_big, ho_t_big_cases, name);

struct ho_t_count {
	u64 extents;
	u64 chunks;
};

static int ho_t_count_fn(u64 slot, u32 chunk, u32 nr, void *arg)
{
	struct ho_t_count *c = arg;

	c->extents++;
	c->chunks += nr;
	return 0;
}

/*
 * Break the last extent: in one extent per chunk, give it chunk 0, which
 * the first extent holds; in one extent, make it one chunk longer than
 * the pool.
 */
static void ho_t_big_break(void *buf, size_t len, enum ho_t_big_layout layout)
{
	u8 *last = (u8 *)buf + len - GMEM_HANDOVER_EXTENT_BYTES;

	if (layout == HO_T_PER_CHUNK)
		ho_t_put(last + offsetof(struct gmem_handover_extent, chunk),
			 4, 0);
	else
		ho_t_put(last + offsetof(struct gmem_handover_extent, nr), 4,
			 HO_T_BIG_CHUNKS + 1);
	ho_t_reseal(buf, len);
}

/*
 * A record of 1 TiB of 2 MiB chunks held by one file twice that size:
 * its size is the formula, which holes do not enter, and it validates.
 * The worst case, an extent per chunk, is 8 MiB of record; the scratch
 * bitmap is 64 KiB.  Timing is for tests/host/bench_record.c.
 */
static void gmem_pool_test_1tib(struct kunit *test)
{
	const struct ho_t_big_case *c = test->param_value;
	u64 nr_extents = ho_t_big_extents(HO_T_BIG_CHUNKS, c->layout);
	enum gmem_handover_reason want = c->layout == HO_T_PER_CHUNK ?
		GMEM_HO_DUP_CHUNK : GMEM_HO_BAD_EXTENT;
	struct gmem_handover_scratch scratch;
	struct gmem_handover_view view;
	struct gmem_handover_error err;
	struct ho_t_count count = { };
	size_t need;
	void *buf;

	KUNIT_ASSERT_EQ(test, gmem_handover_record_size(1, 1, 1, nr_extents, 0,
							&need), 0);
	KUNIT_ASSERT_EQ(test, (u64)need, HO_T_BIG_SIZE(nr_extents));
	buf = ho_t_vmalloc(test, need);
	scratch.nbits = HO_T_BIG_CHUNKS;
	scratch.bits = ho_t_vmalloc(test, BITS_TO_LONGS(scratch.nbits) *
					  sizeof(long));
	KUNIT_ASSERT_EQ(test, ho_t_build_big(buf, need, HO_T_BIG_CHUNKS,
					     c->layout), (long)need);
	KUNIT_ASSERT_EQ(test, gmem_handover_validate(buf, need, &scratch,
						     &view, &err), 0);
	KUNIT_EXPECT_EQ(test, gmem_handover_walk_file(&view, 0, ho_t_count_fn,
						      &count), 0);
	KUNIT_EXPECT_EQ(test, count.extents, nr_extents);
	KUNIT_EXPECT_EQ(test, count.chunks, HO_T_BIG_CHUNKS);

	ho_t_big_break(buf, need, c->layout);
	KUNIT_EXPECT_EQ(test, gmem_handover_validate(buf, need, &scratch,
						     &view, &err), -EINVAL);
	KUNIT_EXPECT_EQ(test, err.reason, want);
	KUNIT_EXPECT_EQ(test, err.token, HO_T_BIG_TOKEN);
}

static struct kunit_case gmem_pool_record_cases[] = {
	KUNIT_CASE(gmem_pool_test_crc32c),
	KUNIT_CASE(gmem_pool_test_round_trip),
	KUNIT_CASE(gmem_pool_test_walk_stops),
	KUNIT_CASE(gmem_pool_test_corruption),
	KUNIT_CASE(gmem_pool_test_error_where),
	KUNIT_CASE(gmem_pool_test_reasons_covered),
	KUNIT_CASE(gmem_pool_test_dup_chunk_detail),
	KUNIT_CASE(gmem_pool_test_session_name_text),
	KUNIT_CASE(gmem_pool_test_bit_flips),
	KUNIT_CASE(gmem_pool_test_truncated),
	KUNIT_CASE(gmem_pool_test_misaligned),
	KUNIT_CASE(gmem_pool_test_scratch_small),
	KUNIT_CASE(gmem_pool_test_buffer_too_small),
	KUNIT_CASE(gmem_pool_test_encoder_script),
	KUNIT_CASE(gmem_pool_test_encoder_no_dup_check),
	KUNIT_CASE(gmem_pool_test_record_size),
	KUNIT_CASE(gmem_pool_test_key),
	KUNIT_CASE(gmem_pool_test_layout),
	KUNIT_CASE(gmem_pool_test_v2_accepted),
	KUNIT_CASE(gmem_pool_test_v2_corruption),
	KUNIT_CASE(gmem_pool_test_poisoned_text),
	KUNIT_CASE_PARAM(gmem_pool_test_1tib, ho_t_big_gen_params),
	{}
};

static struct kunit_suite gmem_pool_record_suite = {
	.name = "gmem_pool_record",
	.test_cases = gmem_pool_record_cases,
};

kunit_test_suite(gmem_pool_record_suite);

MODULE_DESCRIPTION("KUnit tests of the gmem pool hand-over record");
MODULE_LICENSE("GPL");
