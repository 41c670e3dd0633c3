// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the gmem pool layout and chunk allocator.
 *
 * DOC: gmem_pool_alloc KUnit suite
 *
 * The allocator only ever touches a pool's metadata area, so these tests
 * lay out pools at made-up physical addresses and give them a kmalloc'd
 * metadata area: no memory is reserved and nothing needs a booted pool.
 */

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "gmem_carveout.h"

#define GMEM_TEST_OWNER_A	1U
#define GMEM_TEST_OWNER_B	2U
/* Made-up, section-aligned bases of two fake pools on two "nodes". */
#define GMEM_TEST_BASE_0	(4ULL * SZ_1G)
#define GMEM_TEST_BASE_1	(64ULL * SZ_1G)
/* Usable capacity asked for a small 2 MiB-chunk test pool. */
#define GMEM_TEST_WANT		(64ULL * SZ_2M)
/* Chunks the small test pool ends up with: one section minus metadata. */
#define GMEM_TEST_NCHUNKS	(GMEM_POOL_SECTION_SIZE / SZ_2M * 2 - 1)
#define GMEM_TEST_MIB		SZ_1M

static struct gmem_pool *gmem_test_pool(struct kunit *test, phys_addr_t base,
					u64 want, unsigned int shift, int nid)
{
	struct gmem_pool *pool;
	void *meta;

	pool = kunit_kzalloc(test, sizeof(*pool), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pool);
	KUNIT_ASSERT_EQ(test, gmem_pool_layout(base, want, shift,
					       &pool->layout), 0);
	pool->nid = nid;
	/* Poison the area so that init must write every byte it relies on. */
	meta = kunit_kmalloc(test, pool->layout.meta_bytes, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, meta);
	memset(meta, 0xa5, pool->layout.meta_bytes);
	pool->poisoned = kunit_kmalloc(test,
				       BITS_TO_LONGS(pool->layout.nchunks) *
				       sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pool->poisoned);
	memset(pool->poisoned, 0xa5,
	       BITS_TO_LONGS(pool->layout.nchunks) * sizeof(long));
	gmem_pool_init_meta(pool, meta);
	pool->active = true;
	return pool;
}

static void gmem_pool_test_layout_2m(struct kunit *test)
{
	struct gmem_pool_layout l;

	/* 512 MiB of chunks + 2 MiB metadata round up to five sections. */
	KUNIT_ASSERT_EQ(test, gmem_pool_layout(GMEM_TEST_BASE_0, SZ_512M,
					       GMEM_POOL_CHUNK_SHIFT_2M, &l), 0);
	KUNIT_EXPECT_EQ(test, l.base, GMEM_TEST_BASE_0);
	KUNIT_EXPECT_EQ(test, l.size, 5 * GMEM_POOL_SECTION_SIZE);
	KUNIT_EXPECT_EQ(test, l.meta_span, (u64)GMEM_POOL_META_ALIGN);
	KUNIT_EXPECT_EQ(test, l.chunk_base, GMEM_TEST_BASE_0 + SZ_2M);
	KUNIT_EXPECT_EQ(test, l.nchunks, (l.size - SZ_2M) / SZ_2M);
	KUNIT_EXPECT_GE(test, (u64)l.nchunks * SZ_2M, (u64)SZ_512M);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(l.base + l.size,
					   GMEM_POOL_SECTION_SIZE));
}

static void gmem_pool_test_layout_exact(struct kunit *test)
{
	struct gmem_pool_layout l;

	/* 126 MiB of chunks and 2 MiB of metadata fill one section exactly. */
	KUNIT_ASSERT_EQ(test, gmem_pool_layout(0, 126 * GMEM_TEST_MIB,
					       GMEM_POOL_CHUNK_SHIFT_2M, &l), 0);
	KUNIT_EXPECT_EQ(test, l.size, GMEM_POOL_SECTION_SIZE);
	KUNIT_EXPECT_EQ(test, l.nchunks, 63UL);
	/* One byte more needs another section. */
	KUNIT_ASSERT_EQ(test, gmem_pool_layout(0, 126 * GMEM_TEST_MIB + 1,
					       GMEM_POOL_CHUNK_SHIFT_2M, &l), 0);
	KUNIT_EXPECT_EQ(test, l.size, 2 * GMEM_POOL_SECTION_SIZE);
}

static void gmem_pool_test_layout_1g_alignment(struct kunit *test)
{
	phys_addr_t base = 5ULL * SZ_1G - GMEM_POOL_SECTION_SIZE;
	struct gmem_pool_layout l;

	/* Metadata in the section below the boundary: one section of slack. */
	KUNIT_ASSERT_EQ(test, gmem_pool_layout(base, 2ULL * SZ_1G,
					       GMEM_POOL_CHUNK_SHIFT_1G, &l), 0);
	KUNIT_EXPECT_EQ(test, l.chunk_base, 5ULL * SZ_1G);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(l.chunk_base, SZ_1G));
	KUNIT_EXPECT_EQ(test, l.nchunks, 2UL);
	KUNIT_EXPECT_EQ(test, l.size, GMEM_POOL_SECTION_SIZE + 2ULL * SZ_1G);

	/* A base on a 1 GiB boundary wastes a whole gigabyte on metadata. */
	KUNIT_ASSERT_EQ(test, gmem_pool_layout(4ULL * SZ_1G, SZ_1G,
					       GMEM_POOL_CHUNK_SHIFT_1G, &l), 0);
	KUNIT_EXPECT_EQ(test, l.chunk_base, 5ULL * SZ_1G);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(l.chunk_base, SZ_1G));
}

static void gmem_pool_test_layout_invalid(struct kunit *test)
{
	struct gmem_pool_layout l;

	KUNIT_EXPECT_EQ(test, gmem_pool_layout(0, 0, GMEM_POOL_CHUNK_SHIFT_2M,
					       &l), -EINVAL);
	KUNIT_EXPECT_EQ(test, gmem_pool_layout(SZ_2M, SZ_1G,
					       GMEM_POOL_CHUNK_SHIFT_2M, &l),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, gmem_pool_layout(0, SZ_1G, PAGE_SHIFT, &l),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, gmem_pool_layout(0, U64_MAX,
					       GMEM_POOL_CHUNK_SHIFT_2M, &l),
			-EINVAL);
}

/* Without record room, gmem_pool_layout_room() is gmem_pool_layout(). */
static void gmem_pool_test_layout_no_room(struct kunit *test)
{
	struct gmem_pool_layout a, b;

	KUNIT_ASSERT_EQ(test, gmem_pool_layout(GMEM_TEST_BASE_0, SZ_512M,
					       GMEM_POOL_CHUNK_SHIFT_2M, &a), 0);
	KUNIT_ASSERT_EQ(test, gmem_pool_layout_room(GMEM_TEST_BASE_0, SZ_512M,
						    GMEM_POOL_CHUNK_SHIFT_2M,
						    0, &b), 0);
	KUNIT_EXPECT_EQ(test, memcmp(&a, &b, sizeof(a)), 0);
	KUNIT_EXPECT_EQ(test, b.record_room, 0ULL);
	KUNIT_EXPECT_EQ(test, b.record_off, b.meta_span);
	KUNIT_EXPECT_EQ(test, b.want, (u64)SZ_512M);
}

/*
 * The record room ends the metadata span, page aligned, after the
 * allocator metadata; a room that does not fit the 2 MiB span grows it and
 * moves chunk 0.  The largest room of a 1 TiB pool of 2 MiB chunks: the
 * fixed part and 16 bytes per chunk.
 */
static void gmem_pool_test_layout_room(struct kunit *test)
{
	u64 room = GMEM_POOL_RECORD_FIXED +
		   (SZ_1T / SZ_2M) * GMEM_POOL_RECORD_PER_CHUNK;
	struct gmem_pool_layout l;

	KUNIT_ASSERT_EQ(test, gmem_pool_layout_room(GMEM_TEST_BASE_0, SZ_1T,
						    GMEM_POOL_CHUNK_SHIFT_2M,
						    room + 1, &l), 0);
	KUNIT_EXPECT_EQ(test, l.record_room, (u64)PAGE_ALIGN(room + 1));
	KUNIT_EXPECT_EQ(test, l.record_off + l.record_room, l.meta_span);
	KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(l.record_off));
	KUNIT_EXPECT_LE(test, l.meta_bytes, l.record_off);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(l.meta_span, GMEM_POOL_META_ALIGN));
	KUNIT_EXPECT_GT(test, l.meta_span, (u64)GMEM_POOL_META_ALIGN);
	KUNIT_EXPECT_GE(test, l.chunk_base, GMEM_TEST_BASE_0 + l.meta_span);
	KUNIT_EXPECT_GE(test, (u64)l.nchunks, SZ_1T / SZ_2M);

	/* A small pool: the room fits the 2 MiB span beside the metadata. */
	KUNIT_ASSERT_EQ(test, gmem_pool_layout_room(GMEM_TEST_BASE_0, SZ_512M,
						    GMEM_POOL_CHUNK_SHIFT_2M,
						    GMEM_POOL_RECORD_FIXED, &l), 0);
	KUNIT_EXPECT_EQ(test, l.meta_span, (u64)GMEM_POOL_META_ALIGN);
	KUNIT_EXPECT_EQ(test, l.record_off,
			(u64)GMEM_POOL_META_ALIGN - GMEM_POOL_RECORD_FIXED);
	KUNIT_EXPECT_LE(test, l.meta_bytes, l.record_off);

	KUNIT_EXPECT_EQ(test, gmem_pool_layout_room(GMEM_TEST_BASE_0, SZ_512M,
						    GMEM_POOL_CHUNK_SHIFT_2M,
						    U64_MAX, &l), -EINVAL);
}

static void gmem_pool_test_metadata_bounds(struct kunit *test)
{
	struct gmem_pool *pool = gmem_test_pool(test, GMEM_TEST_BASE_0, SZ_1G,
						GMEM_POOL_CHUNK_SHIFT_2M, 0);
	const struct gmem_pool_layout *l = &pool->layout;
	void *meta = pool->hdr;
	u64 per_gib = gmem_pool_meta_bytes(SZ_1G / SZ_2M);

	/* Bitmap and owners sit inside the metadata bytes, which fit the span. */
	KUNIT_EXPECT_PTR_EQ(test, (void *)pool->bitmap, meta + sizeof(*pool->hdr));
	KUNIT_EXPECT_EQ(test, (u64)((void *)(pool->owners + l->nchunks) - meta),
			l->meta_bytes);
	KUNIT_EXPECT_LE(test, l->meta_bytes, l->meta_span);
	KUNIT_EXPECT_LE(test, per_gib, (u64)SZ_4K);
	KUNIT_EXPECT_EQ(test, pool->hdr->magic, GMEM_POOL_MAGIC);
	KUNIT_EXPECT_EQ(test, pool->hdr->nchunks, (u64)l->nchunks);
	KUNIT_EXPECT_EQ(test, pool->hdr->nfree, (u64)l->nchunks);
	KUNIT_EXPECT_EQ(test, pool->hdr->chunk_base, (u64)l->chunk_base);
	KUNIT_EXPECT_EQ(test, pool->owners[l->nchunks - 1], GMEM_CHUNK_OWNER_NONE);
	KUNIT_EXPECT_EQ(test, sizeof(struct gmem_pool_header), (size_t)64);
}

static void gmem_pool_test_exhaustion(struct kunit *test)
{
	struct gmem_pool *pool = gmem_test_pool(test, GMEM_TEST_BASE_0,
						GMEM_TEST_WANT,
						GMEM_POOL_CHUNK_SHIFT_2M, 0);
	unsigned long n = pool->layout.nchunks, i, idx;

	KUNIT_ASSERT_EQ(test, n, (unsigned long)GMEM_TEST_NCHUNKS);
	for (i = 0; i < n; i++) {
		KUNIT_ASSERT_EQ(test, gmem_pool_alloc_chunk(pool,
							    GMEM_TEST_OWNER_A,
							    &idx), 0);
		/* Lowest free first: a fresh pool hands out in order. */
		KUNIT_EXPECT_EQ(test, idx, i);
	}
	KUNIT_EXPECT_EQ(test, gmem_pool_nr_free(pool), 0UL);
	KUNIT_EXPECT_EQ(test, gmem_pool_alloc_chunk(pool, GMEM_TEST_OWNER_A,
						    &idx), -ENOSPC);
	KUNIT_EXPECT_EQ(test, gmem_pool_alloc_chunk(pool, GMEM_CHUNK_OWNER_NONE,
						    &idx), -EINVAL);
}

/* Once a kexec stopped allocation, nothing is handed out; frees still work. */
static void gmem_pool_test_stopped(struct kunit *test)
{
	struct gmem_pool *pool = gmem_test_pool(test, GMEM_TEST_BASE_0,
						GMEM_TEST_WANT,
						GMEM_POOL_CHUNK_SHIFT_2M, 0);
	unsigned long idx, nfree;

	KUNIT_ASSERT_EQ(test, gmem_pool_alloc_chunk(pool, GMEM_TEST_OWNER_A,
						    &idx), 0);
	nfree = gmem_pool_nr_free(pool);
	spin_lock(&pool->lock);
	pool->stopped = true;
	spin_unlock(&pool->lock);
	KUNIT_EXPECT_EQ(test, gmem_pool_alloc_chunk(pool, GMEM_TEST_OWNER_A,
						    &idx), -EBUSY);
	KUNIT_EXPECT_EQ(test, gmem_pool_nr_free(pool), nfree);
	KUNIT_EXPECT_EQ(test, gmem_pool_free_chunk(pool, 0, GMEM_TEST_OWNER_A),
			0);
	KUNIT_EXPECT_EQ(test, gmem_pool_nr_free(pool), nfree + 1);
	KUNIT_EXPECT_EQ(test, gmem_pool_alloc_chunk(pool, GMEM_TEST_OWNER_A,
						    &idx), -EBUSY);
}

static void gmem_pool_test_free_reuse(struct kunit *test)
{
	struct gmem_pool *pool = gmem_test_pool(test, GMEM_TEST_BASE_0,
						GMEM_TEST_WANT,
						GMEM_POOL_CHUNK_SHIFT_2M, 0);
	unsigned long idx, i, nfree = gmem_pool_nr_free(pool);

	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, gmem_pool_alloc_chunk(pool,
							    GMEM_TEST_OWNER_A,
							    &idx), 0);
	KUNIT_EXPECT_EQ(test, gmem_pool_nr_free(pool), nfree - 3);
	KUNIT_EXPECT_EQ(test, pool->owners[1], GMEM_TEST_OWNER_A);

	/* Wrong owner, double free and out of range are all refused. */
	KUNIT_EXPECT_EQ(test, gmem_pool_free_chunk(pool, 1, GMEM_TEST_OWNER_B),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, gmem_pool_free_chunk(pool, 1, GMEM_TEST_OWNER_A),
			0);
	KUNIT_EXPECT_EQ(test, gmem_pool_free_chunk(pool, 1, GMEM_TEST_OWNER_A),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, gmem_pool_free_chunk(pool, pool->layout.nchunks,
						   GMEM_TEST_OWNER_A), -EINVAL);
	KUNIT_EXPECT_EQ(test, gmem_pool_free_chunk(pool, 5, GMEM_TEST_OWNER_A),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, pool->owners[1], GMEM_CHUNK_OWNER_NONE);
	KUNIT_EXPECT_EQ(test, gmem_pool_nr_free(pool), nfree - 2);

	/* The freed chunk is the next one handed out, to its new owner. */
	KUNIT_ASSERT_EQ(test, gmem_pool_alloc_chunk(pool, GMEM_TEST_OWNER_B,
						    &idx), 0);
	KUNIT_EXPECT_EQ(test, idx, 1UL);
	KUNIT_EXPECT_EQ(test, pool->owners[1], GMEM_TEST_OWNER_B);
	KUNIT_EXPECT_EQ(test, pool->hdr->nfree, (u64)(nfree - 3));
}

static void gmem_pool_test_fragmentation(struct kunit *test)
{
	struct gmem_pool *pool = gmem_test_pool(test, GMEM_TEST_BASE_0,
						GMEM_TEST_WANT,
						GMEM_POOL_CHUNK_SHIFT_2M, 0);
	unsigned long n = pool->layout.nchunks, i, idx;

	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, gmem_pool_alloc_chunk(pool,
							    GMEM_TEST_OWNER_A,
							    &idx), 0);
	/* Free every other chunk: the holes come back lowest first. */
	for (i = 0; i < n; i += 2)
		KUNIT_ASSERT_EQ(test, gmem_pool_free_chunk(pool, i,
							   GMEM_TEST_OWNER_A),
				0);
	KUNIT_EXPECT_EQ(test, gmem_pool_nr_free(pool), DIV_ROUND_UP(n, 2));
	for (i = 0; i < n; i += 2) {
		KUNIT_ASSERT_EQ(test, gmem_pool_alloc_chunk(pool,
							    GMEM_TEST_OWNER_B,
							    &idx), 0);
		KUNIT_EXPECT_EQ(test, idx, i);
	}
	KUNIT_EXPECT_EQ(test, gmem_pool_alloc_chunk(pool, GMEM_TEST_OWNER_B,
						    &idx), -ENOSPC);
	KUNIT_EXPECT_EQ(test, pool->owners[0], GMEM_TEST_OWNER_B);
	KUNIT_EXPECT_EQ(test, pool->owners[1], GMEM_TEST_OWNER_A);
}

static void gmem_pool_test_node_separation(struct kunit *test)
{
	struct gmem_pool *p0 = gmem_test_pool(test, GMEM_TEST_BASE_0,
					      GMEM_TEST_WANT,
					      GMEM_POOL_CHUNK_SHIFT_2M, 0);
	struct gmem_pool *p1 = gmem_test_pool(test, GMEM_TEST_BASE_1,
					      GMEM_TEST_WANT,
					      GMEM_POOL_CHUNK_SHIFT_2M, 1);
	unsigned long free1 = gmem_pool_nr_free(p1), idx, pfn;

	KUNIT_ASSERT_EQ(test, gmem_pool_alloc_chunk(p0, GMEM_TEST_OWNER_A,
						    &idx), 0);
	pfn = gmem_pool_chunk_pfn(p0, idx);
	KUNIT_EXPECT_GE(test, PFN_PHYS(pfn), p0->layout.chunk_base);
	KUNIT_EXPECT_LT(test, PFN_PHYS(pfn), p0->layout.base + p0->layout.size);
	KUNIT_EXPECT_EQ(test, gmem_pool_nr_free(p1), free1);
	KUNIT_EXPECT_FALSE(test, test_bit(idx, p1->bitmap));
	KUNIT_EXPECT_EQ(test, p1->hdr->nid, 1U);

	KUNIT_ASSERT_EQ(test, gmem_pool_alloc_chunk(p1, GMEM_TEST_OWNER_A,
						    &idx), 0);
	pfn = gmem_pool_chunk_pfn(p1, idx);
	KUNIT_EXPECT_GE(test, PFN_PHYS(pfn), p1->layout.chunk_base);
	KUNIT_EXPECT_LT(test, PFN_PHYS(pfn), p1->layout.base + p1->layout.size);
}

struct gmem_test_walk {
	unsigned long count;
	unsigned long last_pfn;
	u32 owner_seen;
};

static int gmem_test_walk_fn(unsigned long pfn, u32 owner, void *arg)
{
	struct gmem_test_walk *w = arg;

	w->count++;
	w->last_pfn = pfn;
	w->owner_seen |= owner;
	return 0;
}

static int gmem_test_walk_stop(unsigned long pfn, u32 owner, void *arg)
{
	return -EEXIST;
}

static void gmem_pool_test_for_each(struct kunit *test)
{
	struct gmem_pool *pool = gmem_test_pool(test, GMEM_TEST_BASE_0,
						GMEM_TEST_WANT,
						GMEM_POOL_CHUNK_SHIFT_2M, 0);
	struct gmem_test_walk w = { };
	unsigned long idx, i;

	for (i = 0; i < 5; i++) {
		u32 owner = i % 2 ? GMEM_TEST_OWNER_B : GMEM_TEST_OWNER_A;

		KUNIT_ASSERT_EQ(test, gmem_pool_alloc_chunk(pool, owner, &idx),
				0);
	}

	KUNIT_EXPECT_EQ(test, gmem_pool_for_each(pool, GMEM_TEST_OWNER_A,
						 gmem_test_walk_fn, &w), 0);
	KUNIT_EXPECT_EQ(test, w.count, 3UL);
	KUNIT_EXPECT_EQ(test, w.owner_seen, GMEM_TEST_OWNER_A);
	KUNIT_EXPECT_EQ(test, w.last_pfn, gmem_pool_chunk_pfn(pool, 4));

	memset(&w, 0, sizeof(w));
	KUNIT_EXPECT_EQ(test, gmem_pool_for_each(pool, GMEM_CHUNK_OWNER_NONE,
						 gmem_test_walk_fn, &w), 0);
	KUNIT_EXPECT_EQ(test, w.count, 5UL);
	KUNIT_EXPECT_EQ(test, w.owner_seen,
			GMEM_TEST_OWNER_A | GMEM_TEST_OWNER_B);

	KUNIT_EXPECT_EQ(test, gmem_pool_for_each(pool, GMEM_CHUNK_OWNER_NONE,
						 gmem_test_walk_stop, NULL),
			-EEXIST);
}

static void gmem_pool_test_1g_pool(struct kunit *test)
{
	phys_addr_t base = 5ULL * SZ_1G - GMEM_POOL_SECTION_SIZE;
	struct gmem_pool *pool = gmem_test_pool(test, base, 2ULL * SZ_1G,
						GMEM_POOL_CHUNK_SHIFT_1G, 0);
	unsigned long idx, pfn;

	KUNIT_ASSERT_EQ(test, gmem_pool_alloc_chunk(pool, GMEM_TEST_OWNER_A,
						    &idx), 0);
	pfn = gmem_pool_chunk_pfn(pool, idx);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(PFN_PHYS(pfn), SZ_1G));
	KUNIT_ASSERT_EQ(test, gmem_pool_alloc_chunk(pool, GMEM_TEST_OWNER_A,
						    &idx), 0);
	KUNIT_EXPECT_EQ(test, PFN_PHYS(gmem_pool_chunk_pfn(pool, idx)),
			PFN_PHYS(pfn) + SZ_1G);
	KUNIT_EXPECT_EQ(test, gmem_pool_alloc_chunk(pool, GMEM_TEST_OWNER_A,
						    &idx), -ENOSPC);
}

/* A free chunk that memory failure retires is never handed out again. */
static void gmem_pool_test_poison_free(struct kunit *test)
{
	struct gmem_pool *pool = gmem_test_pool(test, GMEM_TEST_BASE_0,
						GMEM_TEST_WANT,
						GMEM_POOL_CHUNK_SHIFT_2M, 0);
	unsigned long nfree = gmem_pool_nr_free(pool), idx, i;
	u32 owner = GMEM_TEST_OWNER_B;

	KUNIT_EXPECT_EQ(test, gmem_pool_nr_poisoned(pool), 0);
	KUNIT_ASSERT_EQ(test, gmem_pool_poison_chunk(pool, 0, &owner), 0);
	KUNIT_EXPECT_EQ(test, owner, GMEM_CHUNK_OWNER_NONE);
	KUNIT_EXPECT_TRUE(test, gmem_pool_chunk_poisoned(pool, 0));
	KUNIT_EXPECT_FALSE(test, gmem_pool_chunk_poisoned(pool, 1));
	KUNIT_EXPECT_EQ(test, gmem_pool_nr_poisoned(pool), 1);
	KUNIT_EXPECT_EQ(test, gmem_pool_nr_free(pool), nfree - 1);
	KUNIT_EXPECT_EQ(test, pool->owners[0], GMEM_CHUNK_OWNER_POISONED);

	/* Every other chunk can be taken, chunk 0 never. */
	for (i = 1; i < nfree; i++) {
		KUNIT_ASSERT_EQ(test,
				gmem_pool_alloc_chunk(pool, GMEM_TEST_OWNER_A,
						      &idx), 0);
		KUNIT_EXPECT_NE(test, idx, 0);
	}
	KUNIT_EXPECT_EQ(test, gmem_pool_alloc_chunk(pool, GMEM_TEST_OWNER_A,
						    &idx), -ENOSPC);
	/* Nobody can claim it, nor free it as its owner. */
	KUNIT_EXPECT_EQ(test, gmem_pool_claim_chunk(pool, 0, GMEM_TEST_OWNER_A),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, gmem_pool_free_chunk(pool, 0, GMEM_TEST_OWNER_A),
			-EINVAL);
}

/* A used chunk stays its owner's, and passes to POISONED when freed. */
static void gmem_pool_test_poison_used(struct kunit *test)
{
	struct gmem_pool *pool = gmem_test_pool(test, GMEM_TEST_BASE_0,
						GMEM_TEST_WANT,
						GMEM_POOL_CHUNK_SHIFT_2M, 0);
	unsigned long nfree = gmem_pool_nr_free(pool), idx, again;
	u32 owner;

	KUNIT_ASSERT_EQ(test, gmem_pool_alloc_chunk(pool, GMEM_TEST_OWNER_A,
						    &idx), 0);
	KUNIT_ASSERT_EQ(test, gmem_pool_poison_chunk(pool, idx, &owner), 0);
	KUNIT_EXPECT_EQ(test, owner, GMEM_TEST_OWNER_A);
	KUNIT_EXPECT_EQ(test, pool->owners[idx], GMEM_TEST_OWNER_A);
	KUNIT_EXPECT_EQ(test, gmem_pool_nr_free(pool), nfree - 1);

	/* Retired twice: refused, still counted once. */
	KUNIT_EXPECT_EQ(test, gmem_pool_poison_chunk(pool, idx, &owner),
			-EHWPOISON);
	KUNIT_EXPECT_EQ(test, gmem_pool_nr_poisoned(pool), 1);

	KUNIT_EXPECT_EQ(test, gmem_pool_free_chunk(pool, idx,
						   GMEM_TEST_OWNER_A), 0);
	KUNIT_EXPECT_EQ(test, pool->owners[idx], GMEM_CHUNK_OWNER_POISONED);
	KUNIT_EXPECT_EQ(test, gmem_pool_nr_free(pool), nfree - 1);
	KUNIT_ASSERT_EQ(test, gmem_pool_alloc_chunk(pool, GMEM_TEST_OWNER_B,
						    &again), 0);
	KUNIT_EXPECT_NE(test, again, idx);
}

static int gmem_test_collect(unsigned long pfn, u32 owner, void *arg)
{
	unsigned long *seen = arg;

	seen[seen[0] + 1] = pfn;
	seen[0]++;
	return 0;
}

/* The walk visits retired chunks in order; formatting forgets them. */
static void gmem_pool_test_poison_walk(struct kunit *test)
{
	struct gmem_pool *pool = gmem_test_pool(test, GMEM_TEST_BASE_0,
						GMEM_TEST_WANT,
						GMEM_POOL_CHUNK_SHIFT_2M, 0);
	unsigned long seen[4] = { };
	u32 owner;

	KUNIT_ASSERT_EQ(test, gmem_pool_poison_chunk(pool, 5, &owner), 0);
	KUNIT_ASSERT_EQ(test, gmem_pool_poison_chunk(pool, 2, &owner), 0);
	KUNIT_EXPECT_EQ(test, gmem_pool_poison_chunk(pool,
						     pool->layout.nchunks,
						     &owner), -EINVAL);
	KUNIT_ASSERT_EQ(test, gmem_pool_walk_poisoned(pool, gmem_test_collect,
						      seen), 0);
	KUNIT_ASSERT_EQ(test, seen[0], 2);
	KUNIT_EXPECT_EQ(test, seen[1], gmem_pool_chunk_pfn(pool, 2));
	KUNIT_EXPECT_EQ(test, seen[2], gmem_pool_chunk_pfn(pool, 5));

	gmem_pool_init_meta(pool, pool->hdr);
	KUNIT_EXPECT_EQ(test, gmem_pool_nr_poisoned(pool), 0);
	KUNIT_EXPECT_FALSE(test, gmem_pool_chunk_poisoned(pool, 2));
}

/* A pool laid out without a poisoned bitmap refuses to retire. */
static void gmem_pool_test_poison_no_bitmap(struct kunit *test)
{
	struct gmem_pool *pool = gmem_test_pool(test, GMEM_TEST_BASE_0,
						GMEM_TEST_WANT,
						GMEM_POOL_CHUNK_SHIFT_2M, 0);
	u32 owner;

	pool->poisoned = NULL;
	KUNIT_EXPECT_EQ(test, gmem_pool_poison_chunk(pool, 0, &owner),
			-ENOMEM);
	KUNIT_EXPECT_FALSE(test, gmem_pool_chunk_poisoned(pool, 0));
}

/*
 * A pinned chunk its owner frees is not free: it passes to PINNED, is never
 * handed out, and the last unpin frees it.
 */
static void gmem_pool_test_pin_defers_free(struct kunit *test)
{
	struct gmem_pool *pool = gmem_test_pool(test, GMEM_TEST_BASE_0,
						GMEM_TEST_WANT,
						GMEM_POOL_CHUNK_SHIFT_2M, 0);
	unsigned long nfree = gmem_pool_nr_free(pool), idx, other;

	KUNIT_ASSERT_EQ(test, gmem_pool_alloc_chunk(pool, GMEM_TEST_OWNER_A,
						    &idx), 0);
	KUNIT_ASSERT_EQ(test, gmem_pool_pin_chunk(pool, idx), 0);
	KUNIT_ASSERT_EQ(test, gmem_pool_pin_chunk(pool, idx), 0);
	KUNIT_EXPECT_EQ(test, gmem_pool_free_chunk(pool, idx,
						   GMEM_TEST_OWNER_A), 0);
	KUNIT_EXPECT_EQ(test, pool->owners[idx], GMEM_CHUNK_OWNER_PINNED);
	KUNIT_EXPECT_EQ(test, gmem_pool_nr_free(pool), nfree - 1);
	KUNIT_ASSERT_EQ(test, gmem_pool_alloc_chunk(pool, GMEM_TEST_OWNER_B,
						    &other), 0);
	KUNIT_EXPECT_NE(test, other, idx);
	/* Let go: a new pin from a stale lookup is refused. */
	KUNIT_EXPECT_EQ(test, gmem_pool_pin_chunk(pool, idx), -EINVAL);

	KUNIT_EXPECT_EQ(test, gmem_pool_unpin_chunk(pool, idx), 0);
	KUNIT_EXPECT_EQ(test, pool->owners[idx], GMEM_CHUNK_OWNER_PINNED);
	KUNIT_EXPECT_EQ(test, gmem_pool_unpin_chunk(pool, idx), 0);
	KUNIT_EXPECT_EQ(test, pool->owners[idx], GMEM_CHUNK_OWNER_NONE);
	KUNIT_EXPECT_FALSE(test, test_bit(idx, pool->bitmap));
	KUNIT_EXPECT_EQ(test, gmem_pool_nr_free(pool), nfree - 1);
	KUNIT_EXPECT_TRUE(test, xa_empty(&pool->pins));
}

/* Pins of a chunk still held change nothing when they go. */
static void gmem_pool_test_pin_held(struct kunit *test)
{
	struct gmem_pool *pool = gmem_test_pool(test, GMEM_TEST_BASE_0,
						GMEM_TEST_WANT,
						GMEM_POOL_CHUNK_SHIFT_2M, 0);
	unsigned long idx;

	KUNIT_ASSERT_EQ(test, gmem_pool_alloc_chunk(pool, GMEM_TEST_OWNER_A,
						    &idx), 0);
	KUNIT_ASSERT_EQ(test, gmem_pool_pin_chunk(pool, idx), 0);
	KUNIT_EXPECT_EQ(test, gmem_pool_unpin_chunk(pool, idx), 0);
	KUNIT_EXPECT_EQ(test, pool->owners[idx], GMEM_TEST_OWNER_A);
	KUNIT_EXPECT_TRUE(test, xa_empty(&pool->pins));
	KUNIT_EXPECT_EQ(test, gmem_pool_free_chunk(pool, idx,
						   GMEM_TEST_OWNER_A), 0);
	KUNIT_EXPECT_EQ(test, pool->owners[idx], GMEM_CHUNK_OWNER_NONE);
}

/* Free, retired and out-of-range chunks cannot be pinned or unpinned. */
static void gmem_pool_test_pin_invalid(struct kunit *test)
{
	struct gmem_pool *pool = gmem_test_pool(test, GMEM_TEST_BASE_0,
						GMEM_TEST_WANT,
						GMEM_POOL_CHUNK_SHIFT_2M, 0);
	unsigned long idx;
	u32 owner;

	KUNIT_EXPECT_EQ(test, gmem_pool_pin_chunk(pool, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, gmem_pool_pin_chunk(pool, pool->layout.nchunks),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, gmem_pool_unpin_chunk(pool, 0), -EINVAL);
	KUNIT_ASSERT_EQ(test, gmem_pool_poison_chunk(pool, 1, &owner), 0);
	KUNIT_EXPECT_EQ(test, gmem_pool_pin_chunk(pool, 1), -EINVAL);
	KUNIT_EXPECT_TRUE(test, xa_empty(&pool->pins));

	/* Pinned, then retired, then freed: retired wins, for good. */
	KUNIT_ASSERT_EQ(test, gmem_pool_alloc_chunk(pool, GMEM_TEST_OWNER_A,
						    &idx), 0);
	KUNIT_ASSERT_EQ(test, gmem_pool_pin_chunk(pool, idx), 0);
	KUNIT_ASSERT_EQ(test, gmem_pool_poison_chunk(pool, idx, &owner), 0);
	KUNIT_EXPECT_EQ(test, gmem_pool_free_chunk(pool, idx,
						   GMEM_TEST_OWNER_A), 0);
	KUNIT_EXPECT_EQ(test, gmem_pool_unpin_chunk(pool, idx), 0);
	KUNIT_EXPECT_EQ(test, pool->owners[idx], GMEM_CHUNK_OWNER_POISONED);
	KUNIT_EXPECT_TRUE(test, test_bit(idx, pool->bitmap));
	/* Pinned, freed, then retired: the last unpin does not free it. */
	KUNIT_ASSERT_EQ(test, gmem_pool_alloc_chunk(pool, GMEM_TEST_OWNER_A,
						    &idx), 0);
	KUNIT_ASSERT_EQ(test, gmem_pool_pin_chunk(pool, idx), 0);
	KUNIT_EXPECT_EQ(test, gmem_pool_free_chunk(pool, idx,
						   GMEM_TEST_OWNER_A), 0);
	KUNIT_EXPECT_EQ(test, pool->owners[idx], GMEM_CHUNK_OWNER_PINNED);
	KUNIT_ASSERT_EQ(test, gmem_pool_poison_chunk(pool, idx, &owner), 0);
	KUNIT_EXPECT_EQ(test, owner, GMEM_CHUNK_OWNER_PINNED);
	KUNIT_EXPECT_EQ(test, gmem_pool_unpin_chunk(pool, idx), 0);
	KUNIT_EXPECT_EQ(test, pool->owners[idx], GMEM_CHUNK_OWNER_POISONED);
	KUNIT_EXPECT_TRUE(test, test_bit(idx, pool->bitmap));
}

static struct kunit_case gmem_pool_alloc_cases[] = {
	KUNIT_CASE(gmem_pool_test_layout_2m),
	KUNIT_CASE(gmem_pool_test_layout_exact),
	KUNIT_CASE(gmem_pool_test_layout_1g_alignment),
	KUNIT_CASE(gmem_pool_test_layout_invalid),
	KUNIT_CASE(gmem_pool_test_layout_no_room),
	KUNIT_CASE(gmem_pool_test_layout_room),
	KUNIT_CASE(gmem_pool_test_metadata_bounds),
	KUNIT_CASE(gmem_pool_test_exhaustion),
	KUNIT_CASE(gmem_pool_test_stopped),
	KUNIT_CASE(gmem_pool_test_free_reuse),
	KUNIT_CASE(gmem_pool_test_fragmentation),
	KUNIT_CASE(gmem_pool_test_node_separation),
	KUNIT_CASE(gmem_pool_test_for_each),
	KUNIT_CASE(gmem_pool_test_1g_pool),
	KUNIT_CASE(gmem_pool_test_poison_free),
	KUNIT_CASE(gmem_pool_test_poison_used),
	KUNIT_CASE(gmem_pool_test_poison_walk),
	KUNIT_CASE(gmem_pool_test_poison_no_bitmap),
	KUNIT_CASE(gmem_pool_test_pin_defers_free),
	KUNIT_CASE(gmem_pool_test_pin_held),
	KUNIT_CASE(gmem_pool_test_pin_invalid),
	{}
};

static struct kunit_suite gmem_pool_alloc_suite = {
	.name = "gmem_pool_alloc",
	.test_cases = gmem_pool_alloc_cases,
};

kunit_test_suite(gmem_pool_alloc_suite);

MODULE_DESCRIPTION("KUnit tests of the gmem pool layout and chunk allocator");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
