// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the gmem pool hand-over sessions (mm/gmem_handover.c).
 *
 * DOC: gmem pool hand-over session tests
 *
 * The cases drive sessions and files through the interface the
 * /dev/liveupdate device uses, with a test double standing in for KVM: its
 * "pool files" are anonymous files whose chunk tables name real chunks of
 * node 0's pool (the hand-over only reads them while the file is frozen,
 * and nothing here is left preserved when a case ends).  They check the
 * session and file limits, tokens and names in use, a file preserved twice,
 * the extents and the record room a file costs, running out of room, the
 * room kept for the largest poisoned table, the thaw on release, and the
 * calls that only retrieved sessions take.  The suite needs a pool on node
 * 0 and skips without one.
 */

#include <kunit/test.h>
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/gmem_handover.h>
#include <linux/module.h>
#include <linux/sizes.h>

#include "gmem_carveout.h"
#include "gmem_handover.h"
#include "gmem_handover_record.h"

#define HO_K_SLOTS		8
#define HO_K_FILE_COST		GMEM_HANDOVER_FILE_BYTES
#define HO_K_EXTENT_COST	GMEM_HANDOVER_EXTENT_BYTES

/**
 * struct ho_k_file - a stand-in pool file
 * @frozen: set by the double's preserve, cleared by its unpreserve
 * @chunks: its chunk table: first pfn of a chunk of node 0, or 0
 */
struct ho_k_file {
	bool frozen;
	unsigned long chunks[HO_K_SLOTS];
};

static const struct file_operations ho_k_fops = {
	.owner = THIS_MODULE,
};

static const struct file_operations ho_k_other_fops = {
	.owner = THIS_MODULE,
};

static bool ho_k_can_preserve(struct file *file)
{
	return file->f_op == &ho_k_fops;
}

static int ho_k_preserve(struct file *file, struct gmem_handover_file_desc *d)
{
	struct ho_k_file *f = file->private_data;
	struct gmem_pool *pool = gmem_pool_get(0);

	if (f->frozen)
		return -EBUSY;
	f->frozen = true;
	*d = (struct gmem_handover_file_desc) {
		.size = (u64)HO_K_SLOTS << pool->layout.chunk_shift,
		.nid = 0,
		.nr_slots = HO_K_SLOTS,
		.chunks = f->chunks,
	};
	return 0;
}

static void ho_k_unpreserve(struct file *file)
{
	struct ho_k_file *f = file->private_data;

	f->frozen = false;
}

static struct file *ho_k_retrieve(const struct gmem_handover_file_desc *d,
				  struct gmem_handover_fill *fill)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static const struct gmem_handover_file_ops ho_k_ops = {
	.owner = THIS_MODULE,
	.can_preserve = ho_k_can_preserve,
	.preserve = ho_k_preserve,
	.unpreserve = ho_k_unpreserve,
	.retrieve = ho_k_retrieve,
};

/**
 * struct ho_k_ctx - what a case set up, undone by the exit hook
 * @saved_ops: the registered owner's callbacks (KVM's)
 * @saved_room: the record room before the case
 */
struct ho_k_ctx {
	const struct gmem_handover_file_ops *saved_ops;
	size_t saved_room;
};

static int ho_k_init(struct kunit *test)
{
	struct ho_k_ctx *ctx;

	if (!gmem_pool_get(0) || !gmem_carveout_record_pool())
		kunit_skip(test, "no gmem pool with record room on node 0");
	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->saved_ops = gmem_ho_test_swap_ops(&ho_k_ops);
	ctx->saved_room = gmem_ho_test_set_room(0);
	gmem_ho_test_set_room(ctx->saved_room);
	test->priv = ctx;
	return 0;
}

static void ho_k_exit(struct kunit *test)
{
	struct ho_k_ctx *ctx = test->priv;

	gmem_ho_test_set_room(ctx->saved_room);
	gmem_ho_test_swap_ops(ctx->saved_ops);
}

/* A stand-in file whose slots hold chunks @idx[0..n) of node 0, or holes. */
static struct file *ho_k_file(struct kunit *test, const int *idx, int n)
{
	struct gmem_pool *pool = gmem_pool_get(0);
	struct ho_k_file *f;
	struct file *file;
	int i;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	for (i = 0; i < n && i < HO_K_SLOTS; i++)
		if (idx[i] >= 0)
			f->chunks[i] = gmem_pool_chunk_pfn(pool, idx[i]);
	file = anon_inode_getfile("[ho-kunit]", &ho_k_fops, f, O_RDWR);
	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	return file;
}

static struct gmem_ho_session *ho_k_session(struct kunit *test,
					    const char *name)
{
	struct gmem_ho_session *s;

	KUNIT_ASSERT_EQ(test, gmem_ho_session_create(name, &s), 0);
	return s;
}

static void gmem_pool_test_ho_session_names(struct kunit *test)
{
	struct gmem_ho_session *a, *b;

	a = ho_k_session(test, "ho-kunit-a");
	KUNIT_EXPECT_EQ(test, gmem_ho_session_create("ho-kunit-a", &b), -EEXIST);
	KUNIT_EXPECT_STREQ(test, gmem_ho_session_name(a), "ho-kunit-a");
	KUNIT_EXPECT_EQ(test, gmem_ho_session_retrieve("ho-kunit-a", &b),
			-ENOENT);
	gmem_ho_session_release(a);
	a = ho_k_session(test, "ho-kunit-a");
	gmem_ho_session_release(a);
}

static void gmem_pool_test_ho_session_limit(struct kunit *test)
{
	struct gmem_ho_session **s;
	size_t used = gmem_ho_test_room_used();
	char name[GMEM_HANDOVER_NAME_LEN];
	int i, n = 0, ret = 0;

	s = kunit_kcalloc(test, GMEM_HANDOVER_MAX_SESSIONS + 1, sizeof(*s),
			  GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	for (i = 0; i <= GMEM_HANDOVER_MAX_SESSIONS && !ret; i++) {
		snprintf(name, sizeof(name), "ho-kunit-%d", i);
		ret = gmem_ho_session_create(name, &s[n]);
		if (!ret)
			n++;
	}
	KUNIT_EXPECT_EQ(test, ret, -ENOMEM);
	KUNIT_EXPECT_LE(test, n, GMEM_HANDOVER_MAX_SESSIONS);
	KUNIT_EXPECT_EQ(test, gmem_ho_test_room_used(),
			used + n * GMEM_HANDOVER_SESSION_BYTES);
	for (i = 0; i < n; i++)
		gmem_ho_session_release(s[i]);
	KUNIT_EXPECT_EQ(test, gmem_ho_test_room_used(), used);
}

static void gmem_pool_test_ho_preserve_errors(struct kunit *test)
{
	static const int idx[] = { 0, 1 };
	struct gmem_ho_session *s = ho_k_session(test, "ho-kunit-err");
	struct file *file = ho_k_file(test, idx, ARRAY_SIZE(idx));
	struct file *other;

	other = anon_inode_getfile("[ho-kunit-other]", &ho_k_other_fops, NULL,
				   O_RDWR);
	KUNIT_ASSERT_FALSE(test, IS_ERR(other));
	KUNIT_EXPECT_EQ(test, gmem_ho_preserve(s, 1, other), -ENOENT);
	KUNIT_EXPECT_EQ(test, gmem_ho_preserve(s, 1, file), 0);
	KUNIT_EXPECT_EQ(test, gmem_ho_preserve(s, 1, file), -EEXIST);
	KUNIT_EXPECT_EQ(test, gmem_ho_preserve(s, 2, file), -EBUSY);
	KUNIT_EXPECT_TRUE(test, gmem_handover_busy());
	KUNIT_EXPECT_EQ(test, gmem_ho_finish(s), -EINVAL);
	KUNIT_EXPECT_EQ(test, gmem_ho_retrieve_fd(s, 1, &other), -EINVAL);
	gmem_ho_session_release(s);
	KUNIT_EXPECT_FALSE(test, ((struct ho_k_file *)file->private_data)->frozen);
	KUNIT_EXPECT_FALSE(test, gmem_handover_busy());
	fput(file);
	fput(other);
}

static void gmem_pool_test_ho_session_files(struct kunit *test)
{
	struct gmem_ho_session *s = ho_k_session(test, "ho-kunit-files");
	struct file **files;
	int i, ret = 0;

	files = kunit_kcalloc(test, GMEM_HANDOVER_MAX_SESSION_FILES + 1,
			      sizeof(*files), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, files);
	for (i = 0; i <= GMEM_HANDOVER_MAX_SESSION_FILES; i++) {
		files[i] = ho_k_file(test, NULL, 0);
		ret = gmem_ho_preserve(s, i, files[i]);
		if (i < GMEM_HANDOVER_MAX_SESSION_FILES)
			KUNIT_EXPECT_EQ(test, ret, 0);
	}
	KUNIT_EXPECT_EQ(test, ret, -ENOSPC);
	gmem_ho_session_release(s);
	for (i = 0; i <= GMEM_HANDOVER_MAX_SESSION_FILES; i++)
		fput(files[i]);
}

/* Runs of consecutive chunks at consecutive slots are one extent each. */
static void gmem_pool_test_ho_extents(struct kunit *test)
{
	static const int idx[] = { 0, 1, 2, -1, 5, 4, 6, 7 };
	struct gmem_ho_session *s = ho_k_session(test, "ho-kunit-ext");
	struct file *file = ho_k_file(test, idx, ARRAY_SIZE(idx));
	size_t used = gmem_ho_test_room_used();

	KUNIT_ASSERT_EQ(test, gmem_ho_preserve(s, 7, file), 0);
	/* {0,1,2} at 0, {5} at 4, {4} at 5, {6,7} at 6: four extents. */
	KUNIT_EXPECT_EQ(test, gmem_ho_test_room_used(),
			used + HO_K_FILE_COST + 4 * HO_K_EXTENT_COST);
	gmem_ho_session_release(s);
	KUNIT_EXPECT_EQ(test, gmem_ho_test_room_used(),
			used - GMEM_HANDOVER_SESSION_BYTES);
	fput(file);
}

/* A file whose record entry does not fit is refused, and thawed. */
static void gmem_pool_test_ho_room(struct kunit *test)
{
	static const int idx[] = { 3 };
	struct gmem_ho_session *s = ho_k_session(test, "ho-kunit-room");
	struct file *file = ho_k_file(test, idx, ARRAY_SIZE(idx));
	size_t used = gmem_ho_test_room_used();

	gmem_ho_test_set_room(used + HO_K_FILE_COST + HO_K_EXTENT_COST - 1);
	KUNIT_EXPECT_EQ(test, gmem_ho_preserve(s, 1, file), -ENOSPC);
	KUNIT_EXPECT_FALSE(test, ((struct ho_k_file *)file->private_data)->frozen);
	KUNIT_EXPECT_EQ(test, gmem_ho_test_room_used(), used);
	gmem_ho_test_set_room(used + HO_K_FILE_COST + HO_K_EXTENT_COST);
	KUNIT_EXPECT_EQ(test, gmem_ho_preserve(s, 1, file), 0);
	gmem_ho_session_release(s);
	fput(file);
}

/*
 * memory_failure() retires chunks without asking the hand-over, so the
 * room of the largest poisoned table is promised from boot on, beside the
 * header and the node table: the seal can always write every retired chunk.
 */
static void gmem_pool_test_ho_room_poisoned(struct kunit *test)
{
	struct ho_k_ctx *ctx = test->priv;
	struct gmem_pool *pool;
	size_t boot = sizeof(struct gmem_handover_header);

	for (pool = gmem_pool_next(NULL); pool; pool = gmem_pool_next(pool))
		boot += sizeof(struct gmem_handover_node);
	boot += GMEM_HANDOVER_MAX_POISONED * sizeof(struct gmem_handover_poisoned);
	KUNIT_EXPECT_GE(test, gmem_ho_test_room_used(), boot);
	KUNIT_EXPECT_LE(test, gmem_ho_test_room_used(), ctx->saved_room);
}

static struct kunit_case gmem_pool_ho_cases[] = {
	KUNIT_CASE(gmem_pool_test_ho_session_names),
	KUNIT_CASE(gmem_pool_test_ho_session_limit),
	KUNIT_CASE(gmem_pool_test_ho_preserve_errors),
	KUNIT_CASE(gmem_pool_test_ho_session_files),
	KUNIT_CASE(gmem_pool_test_ho_extents),
	KUNIT_CASE(gmem_pool_test_ho_room),
	KUNIT_CASE(gmem_pool_test_ho_room_poisoned),
	{}
};

static struct kunit_suite gmem_pool_ho_suite = {
	.name = "gmem_pool_handover_sessions",
	.init = ho_k_init,
	.exit = ho_k_exit,
	.test_cases = gmem_pool_ho_cases,
};

kunit_test_suite(gmem_pool_ho_suite);

MODULE_DESCRIPTION("KUnit tests of the gmem pool hand-over sessions");
MODULE_LICENSE("GPL");
