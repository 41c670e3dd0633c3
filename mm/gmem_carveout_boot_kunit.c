// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the gmem pools of the running kernel.
 *
 * DOC: gmem_pool_boot KUnit suite
 *
 * These cases check what only a real boot can show: that the pools set up
 * from the command line have no struct page, no direct-map alias, an iomem
 * resource that is not System RAM, and that chunks come out zeroed.  Every
 * case is skipped when the kernel booted without pools.
 */

#include <kunit/test.h>
#include <linux/gmem_carveout.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <asm/pgtable_types.h>
#include <asm/sections.h>

#include "gmem_carveout.h"

#define GMEM_TEST_OWNER		0x6b756e74U	/* "kunt" */
#define GMEM_TEST_PATTERN	0x5a

static int gmem_boot_test_init(struct kunit *test)
{
	int nid;

	for (nid = 0; nid < MAX_NUMNODES; nid++)
		if (gmem_pool_get(nid))
			return 0;
	kunit_skip(test, "booted without gmem_pool=");
	return 0;
}

/* Next node at or after *@nid with a live pool, or NULL; *@nid is updated. */
static struct gmem_pool *gmem_test_next_pool(int *nid)
{
	struct gmem_pool *pool;

	for (; *nid < MAX_NUMNODES; ++*nid) {
		pool = gmem_pool_get(*nid);
		if (pool)
			return pool;
	}
	return NULL;
}

static void gmem_pool_test_no_struct_page(struct kunit *test)
{
	const unsigned long section_pages = GMEM_POOL_SECTION_SIZE >> PAGE_SHIFT;
	struct gmem_pool *pool;
	unsigned long pfn, i, first, last;
	int nid;

	for (nid = 0; (pool = gmem_test_next_pool(&nid)); nid++) {
		first = PHYS_PFN(pool->layout.base);
		last = PHYS_PFN(pool->layout.base + pool->layout.size) - 1;
		KUNIT_EXPECT_FALSE_MSG(test, pfn_valid(first), "node %d", nid);
		KUNIT_EXPECT_FALSE_MSG(test, pfn_valid(last), "node %d", nid);
		for (pfn = first; pfn <= last; pfn += section_pages) {
			KUNIT_EXPECT_FALSE_MSG(test, pfn_valid(pfn),
					       "node %d pfn %#lx", nid, pfn);
			KUNIT_EXPECT_FALSE_MSG(test, pfn_valid(pfn + section_pages - 1),
					       "node %d pfn %#lx", nid,
					       pfn + section_pages - 1);
		}
		for (i = 0; i < pool->layout.nchunks; i++) {
			pfn = gmem_pool_chunk_pfn(pool, i);
			KUNIT_EXPECT_FALSE_MSG(test, pfn_valid(pfn),
					       "node %d chunk %lu", nid, i);
		}
	}
}

static bool gmem_test_direct_mapped(phys_addr_t phys)
{
	unsigned int level;
	pte_t *pte = lookup_address((unsigned long)__va(phys), &level);

	return pte && pte_present(*pte);
}

static void gmem_pool_test_no_direct_map(struct kunit *test)
{
	const struct gmem_pool_layout *l;
	struct gmem_pool *pool;
	phys_addr_t off;
	int nid;

	for (nid = 0; (pool = gmem_test_next_pool(&nid)); nid++) {
		l = &pool->layout;
		for (off = 0; off < l->size; off += GMEM_POOL_SECTION_SIZE)
			KUNIT_EXPECT_FALSE_MSG(test,
					       gmem_test_direct_mapped(l->base + off),
					       "node %d at %pa", nid, &off);
		KUNIT_EXPECT_FALSE(test, gmem_test_direct_mapped(l->chunk_base));
		KUNIT_EXPECT_FALSE(test,
				   gmem_test_direct_mapped(l->base + l->size -
							   PAGE_SIZE));
	}
}

static void gmem_pool_test_iomem(struct kunit *test)
{
	char name[GMEM_POOL_RES_NAME_LEN];
	const struct gmem_pool_layout *l;
	struct gmem_pool *pool;
	int nid;

	for (nid = 0; (pool = gmem_test_next_pool(&nid)); nid++) {
		l = &pool->layout;
		KUNIT_EXPECT_EQ_MSG(test, region_intersects(l->base, l->size,
							    IORESOURCE_SYSTEM_RAM,
							    IORES_DESC_NONE),
				    REGION_DISJOINT, "node %d", nid);
		snprintf(name, sizeof(name), "gmem pool node %d", nid);
		/* In the iomem tree, under its name, over the whole range. */
		KUNIT_EXPECT_NOT_NULL_MSG(test, pool->res.parent, "node %d", nid);
		KUNIT_EXPECT_STREQ(test, pool->res.name, name);
		KUNIT_EXPECT_EQ(test, pool->res.start, l->base);
		KUNIT_EXPECT_EQ(test, pool->res.end, l->base + l->size - 1);
		KUNIT_EXPECT_EQ(test, pool->res.desc, IORES_DESC_RESERVED);
		KUNIT_EXPECT_EQ_MSG(test, region_intersects(l->base, l->size,
							    IORESOURCE_MEM,
							    IORES_DESC_RESERVED),
				    REGION_INTERSECTS, "node %d", nid);
	}
}

static void gmem_test_fill(struct kunit *test, unsigned long pfn, int c)
{
	void *va = memremap(PFN_PHYS(pfn), PAGE_SIZE, MEMREMAP_WB);

	KUNIT_ASSERT_NOT_NULL(test, va);
	memset(va, c, PAGE_SIZE);
	memunmap(va);
}

static bool gmem_test_chunk_is_zero(struct kunit *test, unsigned long pfn)
{
	u64 chunk = PAGE_SIZE << gmem_carveout_chunk_order(), off;
	bool zero = true;
	void *va;

	for (off = 0; off < chunk && zero; off += GMEM_POOL_ZERO_PIECE) {
		va = memremap(PFN_PHYS(pfn) + off, GMEM_POOL_ZERO_PIECE,
			      MEMREMAP_WB);
		KUNIT_ASSERT_NOT_NULL(test, va);
		zero = !memchr_inv(va, 0, GMEM_POOL_ZERO_PIECE);
		memunmap(va);
	}
	return zero;
}

static void gmem_pool_test_chunk_zeroed(struct kunit *test)
{
	unsigned long pfn, pfn2, last;
	struct gmem_pool *pool;
	int nid;

	for (nid = 0; (pool = gmem_test_next_pool(&nid)); nid++) {
		KUNIT_ASSERT_EQ(test, gmem_carveout_alloc(nid, GMEM_TEST_OWNER,
							  &pfn), 0);
		KUNIT_EXPECT_TRUE_MSG(test, gmem_test_chunk_is_zero(test, pfn),
				      "node %d: fresh chunk not zero", nid);
		/* Dirty both ends; the next owner must not see it. */
		last = pfn + (1UL << gmem_carveout_chunk_order()) - 1;
		gmem_test_fill(test, pfn, GMEM_TEST_PATTERN);
		gmem_test_fill(test, last, GMEM_TEST_PATTERN);
		gmem_carveout_free(pfn, GMEM_TEST_OWNER);

		KUNIT_ASSERT_EQ(test, gmem_carveout_alloc(nid, GMEM_TEST_OWNER,
							  &pfn2), 0);
		KUNIT_EXPECT_EQ(test, pfn2, pfn);
		KUNIT_EXPECT_TRUE_MSG(test, gmem_test_chunk_is_zero(test, pfn2),
				      "node %d: reused chunk not zero", nid);
		gmem_carveout_free(pfn2, GMEM_TEST_OWNER);
	}
}

static void gmem_pool_test_alloc_free_count(struct kunit *test)
{
	unsigned long before, pfn;
	struct gmem_pool *pool;
	int nid;

	for (nid = 0; (pool = gmem_test_next_pool(&nid)); nid++) {
		before = gmem_pool_nr_free(pool);
		KUNIT_ASSERT_EQ(test, gmem_carveout_alloc(nid, GMEM_TEST_OWNER,
							  &pfn), 0);
		KUNIT_EXPECT_EQ(test, gmem_pool_nr_free(pool), before - 1);
		KUNIT_EXPECT_TRUE(test, gmem_carveout_pfn_in_pool(pfn));
		KUNIT_EXPECT_EQ(test, gmem_carveout_pfn_to_nid(pfn), nid);
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED(pfn,
						   1UL << gmem_carveout_chunk_order()));
		gmem_carveout_free(pfn, GMEM_TEST_OWNER);
		KUNIT_EXPECT_EQ(test, gmem_pool_nr_free(pool), before);
	}
}

static void gmem_pool_test_api_invalid(struct kunit *test)
{
	unsigned long pfn;
	int nid;

	KUNIT_EXPECT_EQ(test, gmem_carveout_alloc(-1, GMEM_TEST_OWNER, &pfn),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, gmem_carveout_alloc(MAX_NUMNODES,
						  GMEM_TEST_OWNER, &pfn),
			-EINVAL);
	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		if (!gmem_carveout_node_has_pool(nid))
			continue;
		KUNIT_EXPECT_EQ(test, gmem_carveout_alloc(nid,
							  GMEM_CHUNK_OWNER_NONE,
							  &pfn), -EINVAL);
	}
	/* The kernel image is never pool memory. */
	pfn = PHYS_PFN(__pa_symbol(_text));
	KUNIT_EXPECT_FALSE(test, gmem_carveout_pfn_in_pool(pfn));
	KUNIT_EXPECT_EQ(test, gmem_carveout_pfn_to_nid(pfn), -EINVAL);
	KUNIT_EXPECT_EQ(test, gmem_carveout_zero_chunk(pfn), -EINVAL);
}

static struct kunit_case gmem_pool_boot_cases[] = {
	KUNIT_CASE(gmem_pool_test_no_struct_page),
	KUNIT_CASE(gmem_pool_test_no_direct_map),
	KUNIT_CASE(gmem_pool_test_iomem),
	/* A 1 GiB chunk is zeroed and scanned twice: seconds under TCG. */
	KUNIT_CASE_SLOW(gmem_pool_test_chunk_zeroed),
	KUNIT_CASE(gmem_pool_test_alloc_free_count),
	KUNIT_CASE(gmem_pool_test_api_invalid),
	{}
};

static struct kunit_suite gmem_pool_boot_suite = {
	.name = "gmem_pool_boot",
	.init = gmem_boot_test_init,
	.test_cases = gmem_pool_boot_cases,
};

kunit_test_suite(gmem_pool_boot_suite);

MODULE_DESCRIPTION("KUnit tests of the gmem pools of the running kernel");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
