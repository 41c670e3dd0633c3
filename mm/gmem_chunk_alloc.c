// SPDX-License-Identifier: GPL-2.0
/*
 * Layout and chunk allocator of one gmem pool.
 *
 * DOC: gmem pool layout and chunk allocator
 *
 * A pool is a section-aligned physical range [base, base + size) that has
 * no struct page and no direct-map alias.  Its first bytes hold the
 * metadata area, rounded up to 2 MiB::
 *
 *   base                  chunk_base                          base + size
 *   | header|bitmap|owners | slack | chunk 0 | chunk 1 | ... | chunk n-1 |
 *
 * The header (struct gmem_pool_header) describes the pool, the bitmap has
 * one bit per chunk (set = in use) and the owner array one u32 per chunk
 * (GMEM_CHUNK_OWNER_NONE when free).  With 2 MiB chunks a GiB of pool needs
 * 512 owners (2 KiB) and 512 bits (64 bytes): about 2.1 KiB per GiB plus a
 * 64-byte header, so the 2 MiB metadata span covers pools up to ~1 TiB.
 *
 * Nothing here touches memory outside the metadata area, and nothing
 * depends on where that area lives, so the KUnit suite drives the same
 * code on a kmalloc'd buffer and made-up physical addresses.
 *
 * Locking: pool->lock (a spinlock, process context only) protects the
 * bitmap, the owners, the free count and the poisoned bitmap; it is a leaf
 * lock.
 *
 * A poisoned chunk (gmem_pool_poison_chunk()) stays in use for the life of
 * the pool: a free one is taken by %GMEM_CHUNK_OWNER_POISONED at once, a
 * used one when its owner frees it.  So the allocator never sees it.
 *
 * A pinned chunk (gmem_pool_pin_chunk(): a kernel mapping of it lives) that
 * its owner frees passes to %GMEM_CHUNK_OWNER_PINNED, and is freed by the
 * last unpin: no other owner gets a chunk that mapping can still reach.
 */

#define pr_fmt(fmt) "gmem_pool: " fmt

#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/math.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "gmem_carveout.h"

/* Largest pool we lay out; keeps every size computation below far from overflow. */
#define GMEM_POOL_MAX_BYTES	BIT_ULL(50)

static unsigned long gmem_pool_bitmap_longs(unsigned long nchunks)
{
	return BITS_TO_LONGS(nchunks);
}

/**
 * gmem_pool_meta_bytes() - bytes of metadata a pool of @nchunks chunks uses
 * @nchunks: number of chunks
 *
 * Return: size of the header, free bitmap and owner array, in bytes.
 */
u64 gmem_pool_meta_bytes(unsigned long nchunks)
{
	return sizeof(struct gmem_pool_header) +
	       gmem_pool_bitmap_longs(nchunks) * sizeof(unsigned long) +
	       (u64)nchunks * sizeof(u32);
}
EXPORT_SYMBOL_IF_KUNIT(gmem_pool_meta_bytes);

/**
 * gmem_pool_layout_room() - compute where metadata, record room and chunks
 *	of a pool go
 * @base: physical start of the reservation, section aligned
 * @want: usable chunk capacity wanted, in bytes
 * @chunk_shift: log2 of the chunk size, 21 (2 MiB) or 30 (1 GiB)
 * @room: bytes to keep after the allocator metadata for the hand-over
 *	record, 0 for none; rounded up to a page
 * @l: the layout, filled in on success
 *
 * The reservation is the smallest whole number of sections from @base
 * that holds the metadata, the record room and at least @want bytes of
 * chunks; every whole chunk up to its end is usable, so @l->nchunks may
 * exceed what @want asks.  The record room is the last @room bytes of the
 * metadata span, at @l->record_off from @base.
 *
 * Return: 0, or -EINVAL if @base is not section aligned, @want is 0 or
 * absurdly large, @room is absurdly large or @chunk_shift is not
 * supported.
 */
int gmem_pool_layout_room(phys_addr_t base, u64 want, unsigned int chunk_shift,
			  u64 room, struct gmem_pool_layout *l)
{
	unsigned long want_chunks;
	phys_addr_t end;

	if (chunk_shift != GMEM_POOL_CHUNK_SHIFT_2M &&
	    chunk_shift != GMEM_POOL_CHUNK_SHIFT_1G)
		return -EINVAL;
	if (!want || want > GMEM_POOL_MAX_BYTES || room > GMEM_POOL_MAX_BYTES ||
	    !IS_ALIGNED(base, GMEM_POOL_SECTION_SIZE))
		return -EINVAL;

	want_chunks = DIV_ROUND_UP_ULL(want, 1ULL << chunk_shift);
	l->base = base;
	l->want = want;
	l->chunk_shift = chunk_shift;
	l->record_room = PAGE_ALIGN(room);
	l->meta_span = ALIGN(PAGE_ALIGN(gmem_pool_meta_bytes(want_chunks)) +
			     l->record_room, GMEM_POOL_META_ALIGN);
	/* The room ends the span: without it the layout is as it always was. */
	l->record_off = l->meta_span - l->record_room;
	l->chunk_base = ALIGN(base + l->meta_span, 1ULL << chunk_shift);
	end = ALIGN(l->chunk_base + ((u64)want_chunks << chunk_shift),
		    GMEM_POOL_SECTION_SIZE);
	l->size = end - base;
	l->nchunks = (end - l->chunk_base) >> chunk_shift;
	/* Chunks gained by rounding up to a section need metadata too. */
	while (gmem_pool_meta_bytes(l->nchunks) > l->record_off)
		l->nchunks--;
	l->meta_bytes = gmem_pool_meta_bytes(l->nchunks);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_pool_layout_room);

/**
 * gmem_pool_layout() - gmem_pool_layout_room() without record room
 * @base: physical start of the reservation, section aligned
 * @want: usable chunk capacity wanted, in bytes
 * @chunk_shift: log2 of the chunk size, 21 (2 MiB) or 30 (1 GiB)
 * @l: the layout, filled in on success
 *
 * Return: as gmem_pool_layout_room().
 */
int gmem_pool_layout(phys_addr_t base, u64 want, unsigned int chunk_shift,
		     struct gmem_pool_layout *l)
{
	return gmem_pool_layout_room(base, want, chunk_shift, 0, l);
}
EXPORT_SYMBOL_IF_KUNIT(gmem_pool_layout);

/**
 * gmem_pool_init_meta() - format a pool's metadata area, all chunks free
 * @pool: the pool, with @pool->layout and @pool->nid set
 * @meta: kernel mapping of the metadata area, @pool->layout.meta_bytes long
 *
 * Clears @pool->poisoned too, if the caller gave the pool one.  Must run
 * before @pool is visible to any other thread.
 */
void gmem_pool_init_meta(struct gmem_pool *pool, void *meta)
{
	const struct gmem_pool_layout *l = &pool->layout;
	struct gmem_pool_header *hdr = meta;

	spin_lock_init(&pool->lock);
	pool->stopped = false;
	pool->hdr = hdr;
	pool->bitmap = meta + sizeof(*hdr);
	pool->owners = (u32 *)(pool->bitmap +
			       gmem_pool_bitmap_longs(l->nchunks));

	memset(hdr, 0, sizeof(*hdr));
	hdr->magic = GMEM_POOL_MAGIC;
	hdr->version = GMEM_POOL_VERSION;
	hdr->nid = pool->nid;
	hdr->chunk_shift = l->chunk_shift;
	hdr->base = l->base;
	hdr->size = l->size;
	hdr->chunk_base = l->chunk_base;
	hdr->nchunks = l->nchunks;
	hdr->nfree = l->nchunks;
	bitmap_zero(pool->bitmap, l->nchunks);
	memset(pool->owners, 0, l->nchunks * sizeof(u32));
	if (pool->poisoned)
		bitmap_zero(pool->poisoned, l->nchunks);
	pool->nr_poisoned = 0;
	xa_init(&pool->pins);
}
EXPORT_SYMBOL_IF_KUNIT(gmem_pool_init_meta);

/**
 * gmem_pool_alloc_chunk() - take the lowest free chunk of a pool
 * @pool: the pool
 * @owner: owner id to record, not %GMEM_CHUNK_OWNER_NONE
 * @idx: index of the chunk taken
 *
 * The chunk is not zeroed here; that is the caller's job.
 *
 * Return: 0, -EINVAL if @owner is %GMEM_CHUNK_OWNER_NONE, -ENOSPC if every
 * chunk is in use, -EBUSY once allocation is stopped for a kexec.
 */
int gmem_pool_alloc_chunk(struct gmem_pool *pool, u32 owner,
			  unsigned long *idx)
{
	unsigned long nchunks = pool->layout.nchunks;
	unsigned long i;

	if (owner == GMEM_CHUNK_OWNER_NONE)
		return -EINVAL;

	spin_lock(&pool->lock);
	if (pool->stopped) {
		spin_unlock(&pool->lock);
		return -EBUSY;
	}
	i = find_first_zero_bit(pool->bitmap, nchunks);
	if (i >= nchunks) {
		spin_unlock(&pool->lock);
		return -ENOSPC;
	}
	__set_bit(i, pool->bitmap);
	pool->owners[i] = owner;
	pool->hdr->nfree--;
	spin_unlock(&pool->lock);

	*idx = i;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_pool_alloc_chunk);

/*
 * Chunk @idx, in use, loses its owner: it becomes free, unless it was
 * retired (it passes to GMEM_CHUNK_OWNER_POISONED for good) or a kernel
 * mapping still pins it (GMEM_CHUNK_OWNER_PINNED until the last unpin).
 */
static void __gmem_pool_let_go(struct gmem_pool *pool, unsigned long idx)
{
	lockdep_assert_held(&pool->lock);
	if (pool->poisoned && test_bit(idx, pool->poisoned)) {
		pool->owners[idx] = GMEM_CHUNK_OWNER_POISONED;
	} else if (xa_load(&pool->pins, idx)) {
		pool->owners[idx] = GMEM_CHUNK_OWNER_PINNED;
	} else {
		__clear_bit(idx, pool->bitmap);
		pool->owners[idx] = GMEM_CHUNK_OWNER_NONE;
		pool->hdr->nfree++;
	}
}

/**
 * gmem_pool_free_chunk() - give a chunk back to its pool
 * @pool: the pool
 * @idx: index of the chunk
 * @owner: owner id the chunk was allocated with
 *
 * A chunk that is free or held by another owner is left alone: the caller
 * decides how loudly to complain.  A poisoned chunk does not become free:
 * it passes to %GMEM_CHUNK_OWNER_POISONED; nor does a pinned one, which
 * passes to %GMEM_CHUNK_OWNER_PINNED until its last unpin.
 *
 * Return: 0, or -EINVAL if @idx is out of range, free, or not @owner's.
 */
int gmem_pool_free_chunk(struct gmem_pool *pool, unsigned long idx,
			 u32 owner)
{
	int ret = -EINVAL;

	if (idx >= pool->layout.nchunks || owner == GMEM_CHUNK_OWNER_NONE)
		return -EINVAL;

	spin_lock(&pool->lock);
	if (test_bit(idx, pool->bitmap) && pool->owners[idx] == owner) {
		__gmem_pool_let_go(pool, idx);
		ret = 0;
	}
	spin_unlock(&pool->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_pool_free_chunk);

/**
 * gmem_pool_nr_free() - number of free chunks of a pool
 * @pool: the pool
 *
 * Return: the free count at the time of the call.
 */
unsigned long gmem_pool_nr_free(struct gmem_pool *pool)
{
	unsigned long nfree;

	spin_lock(&pool->lock);
	nfree = pool->hdr->nfree;
	spin_unlock(&pool->lock);
	return nfree;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_pool_nr_free);

/**
 * __gmem_pool_claim_chunk() - take one given free chunk, pool lock held
 * @pool: the pool, whose lock the caller holds
 * @idx: index of the chunk
 * @owner: owner id to record, not %GMEM_CHUNK_OWNER_NONE
 *
 * For callers that claim many chunks in a row and take the lock once for a
 * batch of them (the hand-over at boot).
 *
 * Return: 0, or -EBUSY if @idx is out of range or already in use.
 */
int __gmem_pool_claim_chunk(struct gmem_pool *pool, unsigned long idx,
			    u32 owner)
{
	lockdep_assert_held(&pool->lock);
	if (idx >= pool->layout.nchunks || owner == GMEM_CHUNK_OWNER_NONE ||
	    test_bit(idx, pool->bitmap))
		return -EBUSY;
	__set_bit(idx, pool->bitmap);
	pool->owners[idx] = owner;
	pool->hdr->nfree--;
	return 0;
}

/**
 * gmem_pool_claim_chunk() - take one given free chunk
 * @pool: the pool
 * @idx: index of the chunk
 * @owner: owner id to record, not %GMEM_CHUNK_OWNER_NONE
 *
 * Used by the hand-over to give back to preserved files the very chunks
 * they had before the kexec; the content is left as it is.
 *
 * Return: 0, or -EBUSY if @idx is out of range or already in use.
 */
int gmem_pool_claim_chunk(struct gmem_pool *pool, unsigned long idx,
			  u32 owner)
{
	int ret;

	spin_lock(&pool->lock);
	ret = __gmem_pool_claim_chunk(pool, idx, owner);
	spin_unlock(&pool->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_pool_claim_chunk);

/**
 * gmem_pool_chown_chunk() - move a used chunk from one owner to another
 * @pool: the pool
 * @idx: index of the chunk
 * @from: its current owner id
 * @to: its new owner id, not %GMEM_CHUNK_OWNER_NONE
 *
 * Return: 0, or -EINVAL if @idx is out of range, free or not @from's.
 */
int gmem_pool_chown_chunk(struct gmem_pool *pool, unsigned long idx,
			  u32 from, u32 to)
{
	int ret = -EINVAL;

	if (idx >= pool->layout.nchunks || to == GMEM_CHUNK_OWNER_NONE)
		return -EINVAL;

	spin_lock(&pool->lock);
	if (test_bit(idx, pool->bitmap) && pool->owners[idx] == from) {
		pool->owners[idx] = to;
		ret = 0;
	}
	spin_unlock(&pool->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_pool_chown_chunk);

/* Next used chunk at or after @idx held by @owner (any owner if NONE). */
static unsigned long __gmem_pool_next_used(struct gmem_pool *pool, u32 owner,
					   unsigned long idx, u32 *found)
{
	unsigned long nchunks = pool->layout.nchunks;

	lockdep_assert_held(&pool->lock);
	for_each_set_bit_from(idx, pool->bitmap, nchunks) {
		if (owner == GMEM_CHUNK_OWNER_NONE ||
		    pool->owners[idx] == owner) {
			*found = pool->owners[idx];
			return idx;
		}
	}
	return nchunks;
}

/**
 * gmem_pool_for_each() - call @fn on every used chunk of @owner
 * @pool: the pool
 * @owner: owner id, or %GMEM_CHUNK_OWNER_NONE for every used chunk
 * @fn: callback, called without @pool->lock held so it may sleep
 * @arg: passed to @fn
 *
 * Chunks are visited in address order.  A chunk allocated or freed while
 * the walk runs may or may not be visited.
 *
 * Return: 0 after a full walk, else the first non-zero value of @fn.
 */
int gmem_pool_for_each(struct gmem_pool *pool, u32 owner, gmem_chunk_fn fn,
		       void *arg)
{
	unsigned long idx = 0;
	u32 found = 0;
	int ret;

	for (;;) {
		spin_lock(&pool->lock);
		idx = __gmem_pool_next_used(pool, owner, idx, &found);
		spin_unlock(&pool->lock);
		if (idx >= pool->layout.nchunks)
			return 0;
		ret = fn(gmem_pool_chunk_pfn(pool, idx), found, arg);
		if (ret)
			return ret;
		idx++;
	}
}
EXPORT_SYMBOL_IF_KUNIT(gmem_pool_for_each);

/**
 * gmem_pool_poison_chunk() - retire a chunk for good
 * @pool: the pool, with a poisoned bitmap
 * @idx: index of the chunk
 * @owner: the owner id that holds the chunk now, %GMEM_CHUNK_OWNER_NONE if
 *	it was free (it is then %GMEM_CHUNK_OWNER_POISONED's)
 *
 * The chunk is never handed out again: a free chunk is taken at once, a
 * used one stays with its owner and passes to %GMEM_CHUNK_OWNER_POISONED
 * when the owner frees it.  Telling the owner is the caller's job.
 *
 * Return: 0; -EINVAL if @idx is out of range; -ENOMEM if @pool has no
 * poisoned bitmap; -EHWPOISON if the chunk was retired already.
 */
int gmem_pool_poison_chunk(struct gmem_pool *pool, unsigned long idx,
			   u32 *owner)
{
	int ret = 0;

	if (idx >= pool->layout.nchunks)
		return -EINVAL;
	if (!pool->poisoned)
		return -ENOMEM;

	spin_lock(&pool->lock);
	if (test_bit(idx, pool->poisoned)) {
		ret = -EHWPOISON;
		goto unlock;
	}
	__set_bit(idx, pool->poisoned);
	pool->nr_poisoned++;
	*owner = test_bit(idx, pool->bitmap) ? pool->owners[idx] :
					       GMEM_CHUNK_OWNER_NONE;
	if (*owner == GMEM_CHUNK_OWNER_NONE) {
		__set_bit(idx, pool->bitmap);
		pool->owners[idx] = GMEM_CHUNK_OWNER_POISONED;
		pool->hdr->nfree--;
	}
unlock:
	spin_unlock(&pool->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_pool_poison_chunk);

/**
 * gmem_pool_chunk_poisoned() - whether a chunk was retired
 * @pool: the pool
 * @idx: index of the chunk, below the pool's chunk count
 *
 * Lockless: a bit once set stays set, and whoever sets it makes every
 * user of the chunk look again afterwards (an invalidation).
 *
 * Return: true if gmem_pool_poison_chunk() retired the chunk.
 */
bool gmem_pool_chunk_poisoned(struct gmem_pool *pool, unsigned long idx)
{
	return pool->poisoned && idx < pool->layout.nchunks &&
	       test_bit(idx, pool->poisoned);
}
EXPORT_SYMBOL_IF_KUNIT(gmem_pool_chunk_poisoned);

/**
 * gmem_pool_nr_poisoned() - number of retired chunks of a pool
 * @pool: the pool
 *
 * Return: the count at the time of the call.
 */
unsigned long gmem_pool_nr_poisoned(struct gmem_pool *pool)
{
	unsigned long nr;

	spin_lock(&pool->lock);
	nr = pool->nr_poisoned;
	spin_unlock(&pool->lock);
	return nr;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_pool_nr_poisoned);

/**
 * gmem_pool_walk_poisoned() - call @fn on every retired chunk
 * @pool: the pool
 * @fn: called with the chunk's first pfn and its owner now (a file's, the
 *	hand-over's or %GMEM_CHUNK_OWNER_POISONED), without @pool->lock held
 * @arg: passed to @fn
 *
 * Chunks are visited in address order; one retired during the walk may or
 * may not be visited.
 *
 * Return: 0 after a full walk, else the first non-zero value of @fn.
 */
int gmem_pool_walk_poisoned(struct gmem_pool *pool, gmem_chunk_fn fn,
			    void *arg)
{
	unsigned long idx = 0, nchunks = pool->layout.nchunks;
	u32 owner;
	int ret;

	if (!pool->poisoned)
		return 0;
	for (;;) {
		spin_lock(&pool->lock);
		idx = find_next_bit(pool->poisoned, nchunks, idx);
		owner = idx < nchunks ? pool->owners[idx] : 0;
		spin_unlock(&pool->lock);
		if (idx >= nchunks)
			return 0;
		ret = fn(gmem_pool_chunk_pfn(pool, idx), owner, arg);
		if (ret)
			return ret;
		idx++;
	}
}
EXPORT_SYMBOL_IF_KUNIT(gmem_pool_walk_poisoned);

/* Pins of chunk @idx, from its xarray entry; @pool->lock held. */
static unsigned long __gmem_pool_pins(struct gmem_pool *pool,
				      unsigned long idx)
{
	void *entry = xa_load(&pool->pins, idx);

	return xa_is_value(entry) ? xa_to_value(entry) : 0;
}

/**
 * gmem_pool_pin_chunk() - keep a chunk from other owners while it is mapped
 * @pool: the pool
 * @idx: index of the chunk, which must be in use by a file or the hand-over
 *
 * For a kernel mapping of a chunk that outlives the caller's locks (KVM's
 * kvm_vcpu_map() of a mapped pool file): until gmem_pool_unpin_chunk(),
 * freeing the chunk does not make it free, so no other owner can get it.
 *
 * Context: process context, may sleep (the count may need memory).
 * Return: 0; -EINVAL if @idx is out of range, free, retired or already let
 * go by its owner; -ENOMEM.
 */
int gmem_pool_pin_chunk(struct gmem_pool *pool, unsigned long idx)
{
	unsigned long pins;
	u32 owner;
	int ret;

	if (idx >= pool->layout.nchunks)
		return -EINVAL;
	ret = xa_reserve(&pool->pins, idx, GFP_KERNEL);
	if (ret)
		return ret;

	spin_lock(&pool->lock);
	owner = pool->owners[idx];
	pins = __gmem_pool_pins(pool, idx);
	if (!test_bit(idx, pool->bitmap) || owner == GMEM_CHUNK_OWNER_PINNED ||
	    owner == GMEM_CHUNK_OWNER_POISONED) {
		ret = -EINVAL;
	} else {
		/* The slot is reserved: the store allocates nothing. */
		ret = xa_err(xa_store(&pool->pins, idx, xa_mk_value(pins + 1),
				      GFP_NOWAIT));
	}
	if (ret && !pins)
		xa_release(&pool->pins, idx);
	spin_unlock(&pool->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_pool_pin_chunk);

/**
 * gmem_pool_unpin_chunk() - undo gmem_pool_pin_chunk()
 * @pool: the pool
 * @idx: index of the chunk
 *
 * The last unpin of a chunk whose owner let it go meanwhile frees it, or
 * passes it to %GMEM_CHUNK_OWNER_POISONED if it was retired meanwhile.
 *
 * Return: 0, or -EINVAL if @idx is out of range or not pinned (the caller
 * decides how loudly to complain).
 */
int gmem_pool_unpin_chunk(struct gmem_pool *pool, unsigned long idx)
{
	unsigned long pins;
	int ret = 0;

	if (idx >= pool->layout.nchunks)
		return -EINVAL;

	spin_lock(&pool->lock);
	pins = __gmem_pool_pins(pool, idx);
	if (!pins) {
		ret = -EINVAL;
	} else if (pins > 1) {
		/* Replacing a value entry allocates nothing. */
		xa_store(&pool->pins, idx, xa_mk_value(pins - 1), GFP_NOWAIT);
	} else {
		xa_erase(&pool->pins, idx);
		/* Let go while pinned: the owner's free, done now. */
		if (pool->owners[idx] == GMEM_CHUNK_OWNER_PINNED)
			__gmem_pool_let_go(pool, idx);
	}
	spin_unlock(&pool->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_pool_unpin_chunk);
