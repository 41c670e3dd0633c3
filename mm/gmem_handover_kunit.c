// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the gmem pool preserved-file table (mm/gmem_handover.c).
 *
 * DOC: gmem pool preserved-file table tests
 *
 * The cases drive the table through its exported interface, the one
 * guest_memfd uses: preserve, unpreserve, lookup and retrieve, with their
 * error paths (bad arguments, a token in use, a file preserved twice, a
 * token of another file, a full table, live files that cannot be
 * retrieved).  They need a pool on node 0 and skip without one.  Every
 * token they add is taken out again by the exit hook, so a failed case
 * leaves nothing behind for the record written at kexec.
 */

#include <kunit/test.h>
#include <linux/gmem_carveout.h>
#include <linux/gmem_handover.h>
#include <linux/nodemask.h>
#include <linux/sizes.h>

#include "gmem_handover.h"

/* Tokens of this suite: high enough not to meet a VMM's. */
#define HO_K_TOKEN		0x6b756e6974000000ULL
#define HO_K_NR_FILES		(GMEM_HANDOVER_MAX_PRESERVED + 1)
#define HO_K_SLOTS		4

/*
 * Stand-ins for the chunk tables of live files: the table only compares
 * these pointers until a record is written, and nothing here is left
 * preserved by then.  Static, so a pointer outlives a failed case.
 */
static unsigned long ho_k_chunks[HO_K_NR_FILES][HO_K_SLOTS];

static struct gmem_handover_desc ho_k_desc(unsigned int i)
{
	return (struct gmem_handover_desc) {
		.token = HO_K_TOKEN + i,
		.size = HO_K_SLOTS * SZ_2M,
		.nid = 0,
		.nr_slots = HO_K_SLOTS,
		.chunks = ho_k_chunks[i],
	};
}

static int ho_k_preserve(unsigned int i)
{
	struct gmem_handover_desc d = ho_k_desc(i);

	return gmem_handover_preserve(&d);
}

static void ho_k_fill(u64 slot, unsigned long pfn, void *arg)
{
	*(bool *)arg = true;
}

static int ho_k_init(struct kunit *test)
{
	if (!gmem_carveout_node_has_pool(0))
		kunit_skip(test, "no gmem pool on node 0");
	return 0;
}

static void ho_k_exit(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < HO_K_NR_FILES; i++)
		gmem_handover_unpreserve(HO_K_TOKEN + i, ho_k_chunks[i]);
}

static void gmem_pool_test_ho_bad_args(struct kunit *test)
{
	struct gmem_handover_desc d = ho_k_desc(0);
	int nid;

	d.token = 0;
	KUNIT_EXPECT_EQ_MSG(test, gmem_handover_preserve(&d), -EINVAL,
			    "token 0 is reserved");
	d = ho_k_desc(0);
	d.nr_slots = 0;
	KUNIT_EXPECT_EQ_MSG(test, gmem_handover_preserve(&d), -EINVAL,
			    "an empty file");
	for (nid = 0; nid < MAX_NUMNODES && gmem_carveout_node_has_pool(nid); nid++)
		;
	if (nid < MAX_NUMNODES) {
		d = ho_k_desc(0);
		d.nid = nid;
		KUNIT_EXPECT_EQ_MSG(test, gmem_handover_preserve(&d), -EINVAL,
				    "node %d has no pool", nid);
	}
	KUNIT_EXPECT_EQ(test, gmem_handover_unpreserve(HO_K_TOKEN,
						       ho_k_chunks[0]),
			-ENOENT);
}

static void gmem_pool_test_ho_preserve_unpreserve(struct kunit *test)
{
	struct gmem_handover_desc d;

	KUNIT_ASSERT_EQ(test, ho_k_preserve(0), 0);
	KUNIT_EXPECT_EQ_MSG(test, ho_k_preserve(0), -EEXIST,
			    "the same token twice");
	d = ho_k_desc(1);
	d.token = HO_K_TOKEN;
	KUNIT_EXPECT_EQ_MSG(test, gmem_handover_preserve(&d), -EEXIST,
			    "another file under a token in use");
	d = ho_k_desc(0);
	d.token = HO_K_TOKEN + 1;
	KUNIT_EXPECT_EQ_MSG(test, gmem_handover_preserve(&d), -EBUSY,
			    "the same file under a second token");
	KUNIT_EXPECT_EQ_MSG(test, gmem_handover_unpreserve(HO_K_TOKEN,
							   ho_k_chunks[1]),
			    -EINVAL, "another file's token");
	KUNIT_EXPECT_EQ(test, gmem_handover_unpreserve(HO_K_TOKEN,
						       ho_k_chunks[0]), 0);
	KUNIT_EXPECT_EQ_MSG(test, gmem_handover_unpreserve(HO_K_TOKEN,
							   ho_k_chunks[0]),
			    -ENOENT, "unpreserve twice");
	/* The slot and the token are free again. */
	KUNIT_EXPECT_EQ(test, ho_k_preserve(0), 0);
}

static void gmem_pool_test_ho_live_not_retrievable(struct kunit *test)
{
	bool called = false;
	u64 size;
	u32 flags;
	int nid;

	KUNIT_EXPECT_EQ(test, gmem_handover_lookup(HO_K_TOKEN, &size, &nid,
						   &flags), -ENOENT);
	KUNIT_EXPECT_EQ(test, gmem_handover_retrieve(HO_K_TOKEN, 1, ho_k_fill,
						     &called), -ENOENT);
	KUNIT_ASSERT_EQ(test, ho_k_preserve(0), 0);
	KUNIT_EXPECT_EQ_MSG(test, gmem_handover_lookup(HO_K_TOKEN, &size, &nid,
						       &flags), -EBUSY,
			    "a live file of this kernel");
	KUNIT_EXPECT_EQ(test, gmem_handover_retrieve(HO_K_TOKEN, 1, ho_k_fill,
						     &called), -EBUSY);
	KUNIT_EXPECT_FALSE_MSG(test, called, "a refused retrieve gave chunks");
}

static void gmem_pool_test_ho_table_full(struct kunit *test)
{
	unsigned int n;
	int ret = 0;

	for (n = 0; n < HO_K_NR_FILES; n++) {
		ret = ho_k_preserve(n);
		if (ret)
			break;
	}
	KUNIT_ASSERT_EQ_MSG(test, ret, -ENOSPC, "after %u files", n);
	KUNIT_EXPECT_GE(test, n, 1U);
	KUNIT_EXPECT_LE(test, n, (unsigned int)GMEM_HANDOVER_MAX_PRESERVED);
	/* One slot freed is one more file. */
	KUNIT_ASSERT_EQ(test, gmem_handover_unpreserve(HO_K_TOKEN,
						       ho_k_chunks[0]), 0);
	KUNIT_EXPECT_EQ(test, ho_k_preserve(n), 0);
	KUNIT_EXPECT_EQ(test, ho_k_preserve(0), -ENOSPC);
}

static struct kunit_case gmem_pool_ho_cases[] = {
	KUNIT_CASE(gmem_pool_test_ho_bad_args),
	KUNIT_CASE(gmem_pool_test_ho_preserve_unpreserve),
	KUNIT_CASE(gmem_pool_test_ho_live_not_retrievable),
	KUNIT_CASE(gmem_pool_test_ho_table_full),
	{}
};

static struct kunit_suite gmem_pool_ho_suite = {
	.name = "gmem_pool_handover_table",
	.init = ho_k_init,
	.exit = ho_k_exit,
	.test_cases = gmem_pool_ho_cases,
};

kunit_test_suite(gmem_pool_ho_suite);

MODULE_DESCRIPTION("KUnit tests of the gmem pool preserved-file table");
MODULE_LICENSE("GPL");
