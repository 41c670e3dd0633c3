// SPDX-License-Identifier: GPL-2.0
/*
 * guest_memfd files backed by the gmem carveout.
 *
 * Copyright (C) 2026 gmem-pool authors
 */

#define pr_fmt(fmt) "kvm_gmem_pool: " fmt

#include <linux/bitmap.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <linux/gmem_carveout.h>
#include <linux/gmem_handover.h>
#include <linux/idr.h>
#include <linux/kvm_host.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/pagemap.h>
#include <linux/pfn_t.h>
#include <linux/slab.h>
#include <linux/module.h>
#include <kunit/static_stub.h>

#include "kvm_mm.h"

/**
 * DOC: pool-backed guest_memfd
 *
 * A guest_memfd created with %GUEST_MEMFD_FLAG_POOL takes its memory from the
 * boot-time carveout of one NUMA node instead of the page cache.  The file is
 * an array of chunks (2 MiB or 1 GiB, fixed at boot); each slot of the chunk
 * table holds the first pfn of the chunk backing that part of the file, or
 * %KVM_GMEM_POOL_HOLE.  Chunks are taken on fallocate() or lazily on the first
 * guest fault, arrive zeroed from the carveout, and are given back on
 * FALLOC_FL_PUNCH_HOLE and when the file is released.
 *
 * Pool pfns have no struct page.  kvm_gmem_pool_get_pfn() therefore takes no
 * reference: the caller's kvm_release_pfn_clean() finds no refcounted page
 * and does nothing, which kvm_gmem_pool_chunk_sane() checks once per chunk.
 * What keeps a pfn valid between the lookup and the SPTE install is the
 * mmu_invalidate_seq protocol: every chunk is freed between
 * kvm_gmem_invalidate_begin() and kvm_gmem_invalidate_end(), so a fault that
 * raced with the free retries instead of installing a stale pfn.
 *
 * Confidential VMs: kvm_arch_gmem_prepare() runs exactly once per chunk, on
 * the first fault, and is tracked by the prepared bitmap; a chunk written by
 * kvm_gmem_populate() in full counts as prepared.  kvm_arch_gmem_invalidate()
 * runs on every chunk before it returns to the carveout.
 *
 * A file created with %GUEST_MEMFD_FLAG_POOL_MMAP can be mapped shared
 * instead, for VMs whose memory the VMM reaches (KVM then maps it through an
 * ordinary memslot, from the host page tables).  The mapping is a VM_PFNMAP
 * of pool pfns, at PUD or PMD size wherever the chunk and the VMA allow.
 * Punch hole unmaps the range from every process and, through the MMU
 * notifiers, from KVM before it frees a chunk; a later access takes a new,
 * zeroed chunk, like a first guest fault does.
 */

/*
 * Lock order (outermost first):
 *
 *   kvm->slots_lock or mm->mmap_lock	(a user fault on a mapping of the file)
 *     mapping->invalidate_lock
 *       mapping->i_mmap_rwsem		(unmap_mapping_range() in punch hole)
 *         kvm->mmu_lock		(its MMU notifiers)
 *       kvm->mmu_lock			(kvm_gmem_invalidate_begin/end)
 *       kvm_gmem_pool.lock
 *         the carveout's own lock	(gmem_carveout_alloc/free)
 *
 * kvm->mmu_lock and kvm_gmem_pool.lock are never held together, and nothing
 * touches user memory under the invalidate lock of a mappable file.
 */

/* Chunk table entry of a hole.  pfn 0 is real-mode memory, never pooled. */
#define KVM_GMEM_POOL_HOLE	0UL

/**
 * struct kvm_gmem_pool - pool state of one pool-backed guest_memfd inode
 * @nid: NUMA node whose carveout backs the file
 * @owner: carveout owner id of every chunk of this file, never
 *	%GMEM_CHUNK_OWNER_NONE
 * @order: chunk order, in pages
 * @nr_chunks: number of entries of @chunks (file size / chunk size)
 * @lock: protects @prepared and @chunks.  Paths that add chunks while
 *	guest faults may run (the fault path) hold the invalidate lock shared;
 *	paths that remove chunks hold it exclusive and invalidate the range
 *	first, so a reader holding either lock sees a stable entry.
 * @frozen: the file is preserved for a kexec: no chunk may be added or
 *	removed.  Set and cleared under the invalidate lock (exclusive) and
 *	@lock, so holding either one keeps it stable.
 * @prepared: bit per chunk, set once kvm_arch_gmem_prepare() or a full-chunk
 *	kvm_gmem_populate() step succeeded on it
 * @chunks: first pfn of each chunk, or %KVM_GMEM_POOL_HOLE
 */
struct kvm_gmem_pool {
	int nid;
	u32 owner;
	unsigned int order;
	pgoff_t nr_chunks;
	bool frozen;
	/* Protects @chunks, @prepared and @frozen; see the rules above. */
	struct mutex lock;
	unsigned long *prepared;
	unsigned long chunks[] __counted_by(nr_chunks);
};

/* Owner ids of live pool files; 0 is GMEM_CHUNK_OWNER_NONE, never handed out. */
static DEFINE_IDA(kvm_gmem_pool_owner_ida);

static unsigned long kvm_gmem_pool_chunk_pages(const struct kvm_gmem_pool *pool)
{
	return 1UL << pool->order;
}

/*
 * Thin wrappers around the carveout and the arch hooks.  They are the seams
 * the KUnit suite redirects to test doubles, so keep them free of policy.
 */
static unsigned int kvm_gmem_pool_chunk_order(void)
{
	KUNIT_STATIC_STUB_REDIRECT(kvm_gmem_pool_chunk_order);
	return gmem_carveout_chunk_order();
}

static bool kvm_gmem_pool_node_ok(int nid)
{
	KUNIT_STATIC_STUB_REDIRECT(kvm_gmem_pool_node_ok, nid);
	return gmem_carveout_node_has_pool(nid);
}

static int kvm_gmem_pool_carve(int nid, u32 owner, unsigned long *pfn)
{
	KUNIT_STATIC_STUB_REDIRECT(kvm_gmem_pool_carve, nid, owner, pfn);
	return gmem_carveout_alloc(nid, owner, pfn);
}

static void kvm_gmem_pool_uncarve(unsigned long pfn, u32 owner)
{
	KUNIT_STATIC_STUB_REDIRECT(kvm_gmem_pool_uncarve, pfn, owner);
	gmem_carveout_free(pfn, owner);
}

static int kvm_gmem_pool_arch_prepare(struct kvm *kvm, gfn_t gfn,
				      kvm_pfn_t pfn, int order)
{
	KUNIT_STATIC_STUB_REDIRECT(kvm_gmem_pool_arch_prepare, kvm, gfn, pfn,
				   order);
#ifdef CONFIG_HAVE_KVM_ARCH_GMEM_PREPARE
	return kvm_arch_gmem_prepare(kvm, gfn, pfn, order);
#else
	return 0;
#endif
}

static void kvm_gmem_pool_arch_invalidate(kvm_pfn_t start, kvm_pfn_t end)
{
	KUNIT_STATIC_STUB_REDIRECT(kvm_gmem_pool_arch_invalidate, start, end);
#ifdef CONFIG_HAVE_KVM_ARCH_GMEM_INVALIDATE
	kvm_arch_gmem_invalidate(start, end);
#endif
}

static bool kvm_gmem_pool_range_private(struct kvm *kvm, gfn_t start,
					gfn_t end)
{
	KUNIT_STATIC_STUB_REDIRECT(kvm_gmem_pool_range_private, kvm, start, end);
#ifdef CONFIG_KVM_GENERIC_MEMORY_ATTRIBUTES
	return kvm_range_has_memory_attributes(kvm, start, end,
					       KVM_MEMORY_ATTRIBUTE_PRIVATE,
					       KVM_MEMORY_ATTRIBUTE_PRIVATE);
#else
	return false;
#endif
}

/*
 * kvm_release_pfn_clean() puts a page only if kvm_pfn_to_refcounted_page()
 * finds one: a valid pfn whose page is not PageReserved (pool pfns are never
 * the zero page nor ZONE_DEVICE).  Test that directly rather than through
 * kvm_pfn_to_refcounted_page(), which warns on reserved pages with a zero
 * refcount.
 */
static bool kvm_gmem_pool_pfn_refcounted(unsigned long pfn)
{
	return pfn_valid(pfn) && !PageReserved(pfn_to_page(pfn));
}

/*
 * The callers of kvm_gmem_get_pfn() drop a reference with
 * kvm_release_pfn_clean(), and huge SPTEs need naturally aligned chunks.
 * Both hold for carveout memory by construction; check it anyway, once per
 * chunk, because a pool edge that shares a memory section with normal RAM has
 * (reserved) struct pages and a wrong carveout would corrupt refcounts.
 */
static bool kvm_gmem_pool_chunk_sane(const struct kvm_gmem_pool *pool,
				     unsigned long pfn)
{
	unsigned long last = pfn + kvm_gmem_pool_chunk_pages(pool) - 1;

	if (WARN_ON_ONCE(!IS_ALIGNED(pfn, kvm_gmem_pool_chunk_pages(pool))))
		return false;
	return !WARN_ON_ONCE(kvm_gmem_pool_pfn_refcounted(pfn) ||
			     kvm_gmem_pool_pfn_refcounted(last));
}

/*
 * Take one chunk for @pool.  gmem_carveout_alloc() hands chunks out zeroed,
 * so the file never sees what a previous owner left behind.
 */
static int kvm_gmem_pool_take(struct kvm_gmem_pool *pool, unsigned long *pfn)
{
	unsigned long new;
	int r;

	KUNIT_STATIC_STUB_REDIRECT(kvm_gmem_pool_take, pool, pfn);

	r = kvm_gmem_pool_carve(pool->nid, pool->owner, &new);
	if (r)
		return r;

	if (!kvm_gmem_pool_chunk_sane(pool, new)) {
		kvm_gmem_pool_uncarve(new, pool->owner);
		return -EIO;
	}

	*pfn = new;
	return 0;
}

/*
 * Give chunk @idx back; the caller has zapped every SPTE and every user
 * mapping of it.
 */
static void kvm_gmem_pool_put_chunk(struct kvm_gmem_pool *pool, pgoff_t idx)
{
	unsigned long pfn = pool->chunks[idx];

	lockdep_assert_held(&pool->lock);

	if (pfn == KVM_GMEM_POOL_HOLE)
		return;

	kvm_gmem_pool_arch_invalidate(pfn, pfn + kvm_gmem_pool_chunk_pages(pool));
	kvm_gmem_pool_uncarve(pfn, pool->owner);
	pool->chunks[idx] = KVM_GMEM_POOL_HOLE;
	__clear_bit(idx, pool->prepared);
}

static void kvm_gmem_pool_put_range(struct kvm_gmem_pool *pool, pgoff_t start,
				    pgoff_t end)
{
	pgoff_t idx;

	for (idx = start; idx < end; idx++) {
		mutex_lock(&pool->lock);
		kvm_gmem_pool_put_chunk(pool, idx);
		mutex_unlock(&pool->lock);
		cond_resched();
	}
}

/* Give back the chunks of [@start, @end) that @taken says this call took. */
static void kvm_gmem_pool_undo(struct kvm_gmem_pool *pool, pgoff_t start,
			       pgoff_t end, const unsigned long *taken)
{
	pgoff_t idx;

	mutex_lock(&pool->lock);
	for (idx = start; idx < end; idx++)
		if (test_bit(idx - start, taken))
			kvm_gmem_pool_put_chunk(pool, idx);
	mutex_unlock(&pool->lock);
}

/*
 * Fill every hole of chunks [@start, @end).  All or nothing: on failure the
 * chunks this call took go back, so the pool is exactly as it was.
 */
static int kvm_gmem_pool_fill(struct kvm_gmem_pool *pool, pgoff_t start,
			      pgoff_t end)
{
	unsigned long *taken;
	pgoff_t idx;
	int r = 0;

	taken = bitmap_zalloc(end - start, GFP_KERNEL);
	if (!taken)
		return -ENOMEM;

	for (idx = start; idx < end; idx++) {
		if (signal_pending(current)) {
			r = -EINTR;
			break;
		}

		mutex_lock(&pool->lock);
		if (pool->chunks[idx] == KVM_GMEM_POOL_HOLE) {
			r = kvm_gmem_pool_take(pool, &pool->chunks[idx]);
			if (!r)
				__set_bit(idx - start, taken);
		}
		mutex_unlock(&pool->lock);
		if (r)
			break;
		cond_resched();
	}

	if (r)
		kvm_gmem_pool_undo(pool, start, idx, taken);
	bitmap_free(taken);
	return r;
}

/**
 * kvm_gmem_pool_cap() - value of KVM_CAP_GUEST_MEMFD_POOL on /dev/kvm
 *
 * On a VM fd the capability is 0 where kvm_gmem_pool_vm_ok() says no, and
 * this value elsewhere.
 *
 * Return: the chunk size in bytes if at least one node has a pool, else 0.
 */
int kvm_gmem_pool_cap(void)
{
	int nid;

	for_each_node(nid)
		if (kvm_gmem_pool_node_ok(nid))
			return PAGE_SIZE << kvm_gmem_pool_chunk_order();
	return 0;
}

/*
 * On x86, pool files back the memory of:
 * - KVM_X86_DEFAULT_VM and KVM_X86_SW_PROTECTED_VM, private or not;
 * - KVM_X86_SNP_VM: its private memory through guest_memfd (the SEV code
 *   maps pool pfns temporarily where it needs to write or flush them, and
 *   takes no page reference on them), its shared memory through
 *   GUEST_MEMFD_FLAG_POOL_MMAP files.
 * Not KVM_X86_SEV_VM nor KVM_X86_SEV_ES_VM: they have no private memory,
 * so no guest_memfd can be bound, and their launch pins guest memory with
 * pin_user_pages(), which a VM_PFNMAP mapping of a pool file refuses.
 */
static bool kvm_gmem_pool_vm_type_ok(unsigned long type)
{
#ifdef CONFIG_X86
	switch (type) {
	case KVM_X86_DEFAULT_VM:
	case KVM_X86_SW_PROTECTED_VM:
	case KVM_X86_SNP_VM:
		return true;
	default:
		return false;
	}
#else
	return true;
#endif
}

/**
 * kvm_gmem_pool_vm_ok() - whether pool files can back a VM's memory
 * @kvm: the VM
 *
 * Answers for the VM's type.  A default VM that KVM_SEV_INIT later turns
 * into an SEV guest keeps its type; its launch fails on pool memory, which
 * cannot be pinned.
 *
 * Return: false for VM types whose memory pool files cannot back.
 */
bool kvm_gmem_pool_vm_ok(struct kvm *kvm)
{
#ifdef CONFIG_X86
	return kvm_gmem_pool_vm_type_ok(kvm->arch.vm_type);
#else
	return true;
#endif
}

/**
 * kvm_gmem_pool_check() - validate the pool part of KVM_CREATE_GUEST_MEMFD
 * @kvm: the VM the file is created for
 * @size: requested file size, in bytes
 * @pool_node: requested NUMA node (struct kvm_create_guest_memfd.pool_node)
 *
 * @kvm may be NULL for a file that belongs to no VM yet (a retrieved one):
 * the VM type is then checked when a VM adopts the file.
 *
 * Return: 0 if a pool file of @size bytes can be backed by @pool_node's
 * pool; -EINVAL if @size is zero or not a multiple of the chunk size, or if
 * @pool_node is not a node with a pool; -EOPNOTSUPP for VM types whose
 * memory pool files cannot back (kvm_gmem_pool_vm_ok()).
 */
int kvm_gmem_pool_check(struct kvm *kvm, loff_t size, u64 pool_node)
{
	u64 chunk_size;

	if (pool_node >= MAX_NUMNODES || !node_possible(pool_node) ||
	    !kvm_gmem_pool_node_ok(pool_node))
		return -EINVAL;

	chunk_size = PAGE_SIZE << kvm_gmem_pool_chunk_order();
	if (size <= 0 || !IS_ALIGNED((u64)size, chunk_size))
		return -EINVAL;

	if (kvm && !kvm_gmem_pool_vm_ok(kvm))
		return -EOPNOTSUPP;
	return 0;
}

static struct kvm_gmem_pool *__kvm_gmem_pool_create(loff_t size, int nid,
						    unsigned int order)
{
	pgoff_t nr_chunks = (size >> PAGE_SHIFT) >> order;
	struct kvm_gmem_pool *pool;
	int owner;

	pool = kvzalloc(struct_size(pool, chunks, nr_chunks), GFP_KERNEL);
	if (!pool)
		return ERR_PTR(-ENOMEM);
	pool->nr_chunks = nr_chunks;

	pool->prepared = bitmap_zalloc(nr_chunks, GFP_KERNEL);
	if (!pool->prepared)
		goto err_pool;

	BUILD_BUG_ON(GMEM_CHUNK_OWNER_NONE != 0);
	/* Owner ids above the file range belong to the hand-over. */
	owner = ida_alloc_range(&kvm_gmem_pool_owner_ida, 1,
				GMEM_CHUNK_OWNER_FILE_MAX, GFP_KERNEL);
	if (owner < 0)
		goto err_prepared;

	pool->owner = owner;
	pool->nid = nid;
	pool->order = order;
	mutex_init(&pool->lock);
	return pool;

err_prepared:
	bitmap_free(pool->prepared);
err_pool:
	kvfree(pool);
	return ERR_PTR(-ENOMEM);
}

/**
 * kvm_gmem_pool_create() - allocate the pool state of a new file
 * @size: file size in bytes, checked by kvm_gmem_pool_check()
 * @nid: NUMA node of the pool, checked by kvm_gmem_pool_check()
 *
 * The file starts as one big hole: no chunk is taken here.
 *
 * Return: the new state, or ERR_PTR(-ENOMEM).
 */
struct kvm_gmem_pool *kvm_gmem_pool_create(loff_t size, int nid)
{
	return __kvm_gmem_pool_create(size, nid, kvm_gmem_pool_chunk_order());
}

/**
 * kvm_gmem_pool_destroy() - give back every chunk and free the pool state
 * @pool: state from kvm_gmem_pool_create(), or NULL
 *
 * Called when the last file of the inode is released, after every binding
 * has been invalidated, so no SPTE can still map a chunk.
 */
void kvm_gmem_pool_destroy(struct kvm_gmem_pool *pool)
{
	if (!pool)
		return;

	kvm_gmem_pool_put_range(pool, 0, pool->nr_chunks);
	ida_free(&kvm_gmem_pool_owner_ida, pool->owner);
	bitmap_free(pool->prepared);
	kvfree(pool);
}

/*
 * Same discipline as kvm_gmem_punch_hole(): zap, free, then end; the caller
 * holds the invalidate lock exclusive.
 */
static long kvm_gmem_pool_punch_hole(struct inode *inode,
				     struct kvm_gmem_pool *pool,
				     pgoff_t start, pgoff_t end)
{
	struct list_head *gmem_list = &inode->i_mapping->i_private_list;
	pgoff_t first = start << pool->order, last = end << pool->order;
	struct kvm_gmem *gmem;

	lockdep_assert_held_write(&inode->i_mapping->invalidate_lock);

	list_for_each_entry(gmem, gmem_list, entry)
		kvm_gmem_invalidate_begin(gmem, first, last);

	/*
	 * Every process mapping of the range goes, and with it, through the
	 * MMU notifiers, every SPTE that KVM built from those mappings.  User
	 * faults wait on the invalidate lock, so none can map a chunk again
	 * before it is back in the pool.
	 */
	if (kvm_gmem_pool_mappable(inode))
		unmap_mapping_range(inode->i_mapping,
				    (loff_t)first << PAGE_SHIFT,
				    (loff_t)(last - first) << PAGE_SHIFT, true);

	kvm_gmem_pool_put_range(pool, start, end);

	list_for_each_entry(gmem, gmem_list, entry)
		kvm_gmem_invalidate_end(gmem, first, last);
	return 0;
}

/**
 * kvm_gmem_pool_fallocate() - fallocate() of a pool-backed guest_memfd
 * @inode: the file's inode
 * @mode: 0 (with FALLOC_FL_KEEP_SIZE) to allocate, or
 *	FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE to give chunks back
 * @offset: start of the range, in bytes, a multiple of the chunk size
 * @len: length of the range, in bytes, a multiple of the chunk size
 *
 * Return: 0 on success; -EOPNOTSUPP for any other mode; -EINVAL if the range
 * is not made of whole chunks or goes past the end of the file; -EBUSY if
 * the file is preserved for a kexec; -ENOSPC if the pool ran out (no chunk
 * taken by the call is kept); -EINTR on a signal; -ENOMEM.
 */
long kvm_gmem_pool_fallocate(struct inode *inode, int mode, loff_t offset,
			     loff_t len)
{
	struct kvm_gmem_pool *pool = kvm_gmem_pool_of(inode);
	u64 chunk_size = PAGE_SIZE << pool->order;
	pgoff_t start, end;
	long r;

	if (mode != FALLOC_FL_KEEP_SIZE &&
	    mode != (FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;

	if (offset < 0 || len <= 0 || !IS_ALIGNED((u64)offset, chunk_size) ||
	    !IS_ALIGNED((u64)len, chunk_size) ||
	    len > i_size_read(inode) - offset)
		return -EINVAL;

	start = offset >> (PAGE_SHIFT + pool->order);
	end = start + (len >> (PAGE_SHIFT + pool->order));

	filemap_invalidate_lock(inode->i_mapping);
	if (pool->frozen)
		r = -EBUSY;
	else if (mode & FALLOC_FL_PUNCH_HOLE)
		r = kvm_gmem_pool_punch_hole(inode, pool, start, end);
	else
		r = kvm_gmem_pool_fill(pool, start, end);
	filemap_invalidate_unlock(inode->i_mapping);
	return r;
}

/*
 * Largest order, up to the chunk order, at which the gfn->pfn mapping is
 * linear: huge SPTEs need (gfn ^ pfn) aligned, and pfn and index share their
 * low bits because chunks are naturally aligned.
 */
static int kvm_gmem_pool_max_order(const struct kvm_gmem_pool *pool, gfn_t gfn,
				   pgoff_t index)
{
	u64 diff = gfn ^ index;
	int aligned = diff ? __ffs64(diff) : pool->order;

	/*
	 * Only orders the MMU maps are worth reporting (x86 warns about
	 * others with CONFIG_KVM_PROVE_MMU): the chunk, a PMD, a page.
	 */
	if (aligned >= pool->order)
		return pool->order;
	if (aligned >= PMD_ORDER)
		return PMD_ORDER;
	return 0;
}

/*
 * Take the chunk at @idx from the carveout if the file has a hole there; a
 * frozen (preserved) file cannot take one: -EBUSY.
 */
static int __kvm_gmem_pool_fault_in(struct kvm_gmem_pool *pool, pgoff_t idx)
{
	lockdep_assert_held(&pool->lock);

	if (pool->chunks[idx] != KVM_GMEM_POOL_HOLE)
		return 0;
	if (pool->frozen)
		return -EBUSY;
	return kvm_gmem_pool_take(pool, &pool->chunks[idx]);
}

static gfn_t kvm_gmem_pool_index_to_gfn(const struct kvm_memory_slot *slot,
					pgoff_t index)
{
	return slot->base_gfn + index - slot->gmem.pgoff;
}

static int kvm_gmem_pool_prepare(struct kvm *kvm, struct kvm_gmem_pool *pool,
				 const struct kvm_memory_slot *slot,
				 pgoff_t idx)
{
	gfn_t gfn = kvm_gmem_pool_index_to_gfn(slot, idx << pool->order);
	int r;

	lockdep_assert_held(&pool->lock);

	r = kvm_gmem_pool_arch_prepare(kvm, gfn, pool->chunks[idx], pool->order);
	if (r) {
		pr_warn_ratelimited("failed to prepare chunk %lu (gfn %llx, pfn %lx): %pe\n",
				    idx, gfn, pool->chunks[idx], ERR_PTR(r));
		return r;
	}
	__set_bit(idx, pool->prepared);
	return 0;
}

/*
 * Find (or take) the chunk behind @index and return the pfn and the mapping
 * order for it; prepare the chunk first if @prepare.  The caller holds the
 * invalidate lock, at least shared.
 */
static int kvm_gmem_pool_lookup(struct kvm *kvm, struct kvm_gmem_pool *pool,
				const struct kvm_memory_slot *slot,
				pgoff_t index, bool prepare, kvm_pfn_t *pfn,
				int *max_order)
{
	gfn_t gfn = kvm_gmem_pool_index_to_gfn(slot, index);
	pgoff_t idx = index >> pool->order;
	int r = 0;

	if (WARN_ON_ONCE(idx >= pool->nr_chunks))
		return -EIO;

	mutex_lock(&pool->lock);
	r = __kvm_gmem_pool_fault_in(pool, idx);
	if (r)
		goto out_unlock;

	if (prepare && !test_bit(idx, pool->prepared)) {
		r = kvm_gmem_pool_prepare(kvm, pool, slot, idx);
		if (r)
			goto out_unlock;
	}

	*pfn = pool->chunks[idx] + (index & (kvm_gmem_pool_chunk_pages(pool) - 1));
	if (max_order)
		*max_order = kvm_gmem_pool_max_order(pool, gfn, index);
out_unlock:
	mutex_unlock(&pool->lock);
	return r;
}

/**
 * kvm_gmem_pool_get_pfn() - kvm_gmem_get_pfn() for a pool-backed file
 * @kvm: the VM
 * @file: the guest_memfd, with a reference held by the caller
 * @slot: the memslot @gfn belongs to, bound to @file
 * @gfn: the faulting gfn
 * @pfn: returns the host pfn backing @gfn
 * @max_order: returns the largest mapping order allowed, or NULL
 *
 * Takes the chunk on first use and prepares it for the VM exactly once.  No
 * reference is taken on the returned pfn (it has no struct page).
 *
 * Return: 0 on success; -EFAULT or -EIO if @slot is not (or no longer) bound
 * to @file at @gfn; -ENOSPC if the pool is exhausted; the error of
 * kvm_arch_gmem_prepare().
 */
int kvm_gmem_pool_get_pfn(struct kvm *kvm, struct file *file,
			  struct kvm_memory_slot *slot, gfn_t gfn,
			  kvm_pfn_t *pfn, int *max_order)
{
	struct inode *inode = file_inode(file);
	pgoff_t index = gfn - slot->base_gfn + slot->gmem.pgoff;
	int r;

	filemap_invalidate_lock_shared(inode->i_mapping);
	r = kvm_gmem_check_binding(file, slot, index);
	if (!r)
		r = kvm_gmem_pool_lookup(kvm, kvm_gmem_pool_of(inode), slot,
					 index, true, pfn, max_order);
	filemap_invalidate_unlock_shared(inode->i_mapping);
	return r;
}

#ifdef CONFIG_KVM_GENERIC_PRIVATE_MEM
/*
 * One kvm_gmem_populate() step at @gfn: at most @npages pages, never more
 * than one chunk.  Returns the order of the step in @order.
 */
static int kvm_gmem_pool_populate_one(struct kvm *kvm,
				      struct kvm_gmem_pool *pool,
				      const struct kvm_memory_slot *slot,
				      gfn_t gfn, void __user *src, long npages,
				      kvm_gmem_populate_cb post_populate,
				      void *opaque, int *order)
{
	pgoff_t index = gfn - slot->base_gfn + slot->gmem.pgoff;
	pgoff_t idx = index >> pool->order;
	kvm_pfn_t pfn;
	int r;

	r = kvm_gmem_pool_lookup(kvm, pool, slot, index, false, &pfn, order);
	if (r)
		return r;

	/* Only this path and writers under the exclusive lock touch the bit. */
	if (test_bit(idx, pool->prepared))
		return -EEXIST;

	if (gfn)
		*order = min_t(int, *order, __ffs64(gfn));
	while (*order && (1L << *order) > npages)
		(*order)--;
	while (!kvm_gmem_pool_range_private(kvm, gfn, gfn + (1UL << *order))) {
		if (!*order)
			return -EINVAL;
		(*order)--;
	}

	r = post_populate(kvm, gfn, pfn, src, *order, opaque);
	if (!r && *order == pool->order)
		__set_bit(idx, pool->prepared);
	return r;
}

/**
 * kvm_gmem_pool_populate() - kvm_gmem_populate() for a pool-backed file
 * @kvm: the VM, with slots_lock held
 * @file: the guest_memfd, with its invalidate lock held exclusive
 * @slot: the memslot of @start_gfn, bound to @file
 * @start_gfn: first gfn to populate
 * @src: user buffer with the initial contents, or NULL
 * @npages: number of pages, already clamped to @slot
 * @post_populate: arch callback that fills and prepares each step
 * @opaque: cookie for @post_populate
 *
 * Steps are as large as a chunk allows; a chunk populated in full counts as
 * prepared and kvm_arch_gmem_prepare() will not run on it.
 *
 * Return: number of pages populated, or a negative error if none was:
 * -EEXIST for a chunk already prepared, -EINVAL for a range that is not
 * private, -EINTR, -ENOSPC, or the callback's error.
 */
long kvm_gmem_pool_populate(struct kvm *kvm, struct file *file,
			    struct kvm_memory_slot *slot, gfn_t start_gfn,
			    void __user *src, long npages,
			    kvm_gmem_populate_cb post_populate, void *opaque)
{
	struct kvm_gmem_pool *pool = kvm_gmem_pool_of(file_inode(file));
	void __user *p;
	int order = 0;
	long i;
	int r;

	lockdep_assert_held(&kvm->slots_lock);
	lockdep_assert_held_write(&file->f_mapping->invalidate_lock);

	r = kvm_gmem_check_binding(file, slot,
				   start_gfn - slot->base_gfn + slot->gmem.pgoff);
	if (r)
		return r;

	for (i = 0; i < npages; i += 1L << order) {
		if (signal_pending(current)) {
			r = -EINTR;
			break;
		}
		p = src ? src + i * PAGE_SIZE : NULL;
		r = kvm_gmem_pool_populate_one(kvm, pool, slot, start_gfn + i,
					       p, npages - i, post_populate,
					       opaque, &order);
		if (r)
			break;
	}
	return r && !i ? r : i;
}
#endif /* CONFIG_KVM_GENERIC_PRIVATE_MEM */

/*
 * User mappings of GUEST_MEMFD_FLAG_POOL_MMAP files.
 *
 * The VMA is a VM_PFNMAP of pool pfns, which have no struct page: GUP,
 * /proc/pid/mem and ptrace cannot reach them, only the mapping's own page
 * tables can.  x86 keeps a WB memtype entry for every pool (see the
 * carveout), so the inserted entries are cacheable.
 */

/* Map @pfn at the fault's address with an entry of @order. */
static vm_fault_t kvm_gmem_pool_insert(struct vm_fault *vmf,
				       unsigned int order, unsigned long pfn)
{
	bool write = vmf->flags & FAULT_FLAG_WRITE;

	switch (order) {
	case 0:
		return vmf_insert_pfn(vmf->vma, vmf->address, pfn);
#ifdef CONFIG_ARCH_SUPPORTS_PMD_PFNMAP
	case PMD_ORDER:
		return vmf_insert_pfn_pmd(vmf, __pfn_to_pfn_t(pfn, PFN_DEV),
					  write);
#endif
#ifdef CONFIG_ARCH_SUPPORTS_PUD_PFNMAP
	case PUD_ORDER:
		return vmf_insert_pfn_pud(vmf, __pfn_to_pfn_t(pfn, PFN_DEV),
					  write);
#endif
	default:
		return VM_FAULT_FALLBACK;
	}
}

/*
 * The pfn behind file page @index, taking the chunk if the file has a hole
 * there (a punched range reads as zeroes again).  The caller holds the
 * invalidate lock shared, so the chunk stays until its entry is inserted.
 */
static int kvm_gmem_pool_user_pfn(struct kvm_gmem_pool *pool, pgoff_t index,
				  unsigned long *pfn)
{
	pgoff_t idx = index >> pool->order;
	int r;

	mutex_lock(&pool->lock);
	r = __kvm_gmem_pool_fault_in(pool, idx);
	if (!r)
		*pfn = pool->chunks[idx] +
		       (index & (kvm_gmem_pool_chunk_pages(pool) - 1));
	mutex_unlock(&pool->lock);
	return r;
}

static vm_fault_t kvm_gmem_pool_huge_fault(struct vm_fault *vmf,
					   unsigned int order)
{
	struct vm_area_struct *vma = vmf->vma;
	struct inode *inode = file_inode(vma->vm_file);
	struct kvm_gmem_pool *pool = kvm_gmem_pool_of(inode);
	unsigned long size = PAGE_SIZE << order;
	unsigned long addr = ALIGN_DOWN(vmf->address, size);
	pgoff_t index = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
	unsigned long pfn;
	vm_fault_t ret;

	/* A large entry maps part of one chunk, all inside the VMA. */
	if (order && (order > pool->order || addr < vma->vm_start ||
		      addr + size > vma->vm_end ||
		      !IS_ALIGNED(index, 1UL << order)))
		return VM_FAULT_FALLBACK;
	if (index >= i_size_read(inode) >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;

	filemap_invalidate_lock_shared(inode->i_mapping);
	/* No free chunk (or no way to zero it): nothing to map. */
	if (kvm_gmem_pool_user_pfn(pool, index, &pfn))
		ret = VM_FAULT_SIGBUS;
	else
		ret = kvm_gmem_pool_insert(vmf, order, pfn);
	filemap_invalidate_unlock_shared(inode->i_mapping);
	return ret;
}

static vm_fault_t kvm_gmem_pool_fault(struct vm_fault *vmf)
{
	return kvm_gmem_pool_huge_fault(vmf, 0);
}

/*
 * 6.12 splits a PMD leaf wherever a VMA is split or partly moved, but moves
 * a PUD leaf only whole: vma_adjust_trans_huge() does not split PUDs, and
 * move_page_tables() would walk into a PUD leaf that it moves in part as if
 * it were a page table.  So with 1 GiB chunks, as hugetlbfs does for its
 * 1 GiB pages, a VMA may only be split at a 1 GiB boundary of the file, and
 * kvm_gmem_pool_get_unmapped_area() keeps every placement congruent.
 */
static int kvm_gmem_pool_may_split(struct vm_area_struct *vma,
				   unsigned long addr)
{
	struct kvm_gmem_pool *pool = kvm_gmem_pool_of(file_inode(vma->vm_file));
	unsigned long off = (vma->vm_pgoff << PAGE_SHIFT) + addr - vma->vm_start;

	if (pool->order >= PUD_ORDER && !IS_ALIGNED(off, PUD_SIZE))
		return -EINVAL;
	return 0;
}

static const struct vm_operations_struct kvm_gmem_pool_vm_ops = {
	.fault		= kvm_gmem_pool_fault,
	.huge_fault	= kvm_gmem_pool_huge_fault,
	.may_split	= kvm_gmem_pool_may_split,
};

/**
 * kvm_gmem_pool_mmap() - mmap() of a GUEST_MEMFD_FLAG_POOL_MMAP file
 * @file: the guest_memfd
 * @vma: the new mapping
 *
 * The mapping is shared, never executable, not inherited by fork() and
 * cannot grow: VM_DONTCOPY, with VM_IO so that MADV_DOFORK cannot undo it,
 * and VM_DONTEXPAND.  VM_DONTDUMP keeps guest memory out of core dumps.
 *
 * Return: 0; -EINVAL for a private mapping or one that goes past the end of
 * the file; -EPERM for PROT_EXEC.
 */
int kvm_gmem_pool_mmap(struct file *file, struct vm_area_struct *vma)
{
	pgoff_t npages = i_size_read(file_inode(file)) >> PAGE_SHIFT;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
	if (vma->vm_pgoff >= npages || vma_pages(vma) > npages - vma->vm_pgoff)
		return -EINVAL;

	vm_flags_mod(vma, VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP |
		     VM_DONTCOPY, VM_MAYEXEC);
	vma->vm_ops = &kvm_gmem_pool_vm_ops;
	return 0;
}

/**
 * kvm_gmem_pool_get_unmapped_area() - placement of a mapping of a
 *	GUEST_MEMFD_FLAG_POOL_MMAP file
 * @file: the guest_memfd
 * @addr: the caller's address, a hint unless @flags has MAP_FIXED
 * @len: length of the mapping, in bytes
 * @pgoff: file offset of the mapping, in pages
 * @flags: the mmap() or mremap() flags
 *
 * Places the mapping congruent to @pgoff modulo the chunk size, so that
 * every whole chunk it covers can be mapped with one PMD or PUD entry.
 *
 * Return: the address; -EINVAL for a MAP_FIXED address (mmap() or
 * mremap()) that is not congruent to @pgoff modulo 1 GiB when the chunks
 * are 1 GiB (see kvm_gmem_pool_may_split()); -ENOMEM if there is no room.
 */
unsigned long kvm_gmem_pool_get_unmapped_area(struct file *file,
					      unsigned long addr,
					      unsigned long len,
					      unsigned long pgoff,
					      unsigned long flags)
{
	struct kvm_gmem_pool *pool = kvm_gmem_pool_of(file_inode(file));
	unsigned long align = PAGE_SIZE << pool->order;
	unsigned long off = (pgoff << PAGE_SHIFT) & (align - 1);
	unsigned long ret;

	if (flags & MAP_FIXED) {
		if (pool->order >= PUD_ORDER && !IS_ALIGNED(addr - off, align))
			return -EINVAL;
		return addr;
	}

	if (len <= TASK_SIZE - align) {
		ret = mm_get_unmapped_area(current->mm, file, 0, len + align,
					   pgoff, flags);
		if (!IS_ERR_VALUE(ret))
			return ret + ((off - ret) & (align - 1));
	}
	/* No room to align: smaller entries will do. */
	return mm_get_unmapped_area(current->mm, file, addr, len, pgoff, flags);
}

/*
 * The hand-over's view of pool files (include/linux/gmem_handover.h).
 * Preserving freezes the file: its chunk table cannot change until it is
 * thawed, so the hand-over reads it without the pool lock.  Freezing takes
 * the invalidate lock exclusive, so it waits for a fallocate or a fault
 * under way, and those that come after see the flag.
 */
static bool kvm_gmem_pool_can_preserve(struct file *file)
{
	return kvm_gmem_is_pool_file(file);
}

static int kvm_gmem_pool_freeze(struct file *file,
				struct gmem_handover_file_desc *desc)
{
	struct inode *inode = file_inode(file);
	struct kvm_gmem_pool *pool = kvm_gmem_pool_of(inode);
	int r = 0;

	filemap_invalidate_lock(inode->i_mapping);
	mutex_lock(&pool->lock);
	if (pool->frozen) {
		r = -EBUSY;
	} else {
		pool->frozen = true;
		*desc = (struct gmem_handover_file_desc) {
			.size = i_size_read(inode),
			.flags = (unsigned long)inode->i_private,
			.nid = pool->nid,
			.nr_slots = pool->nr_chunks,
			.chunks = pool->chunks,
		};
	}
	mutex_unlock(&pool->lock);
	filemap_invalidate_unlock(inode->i_mapping);
	return r;
}

static void kvm_gmem_pool_thaw(struct file *file)
{
	struct inode *inode = file_inode(file);
	struct kvm_gmem_pool *pool = kvm_gmem_pool_of(inode);

	filemap_invalidate_lock(inode->i_mapping);
	mutex_lock(&pool->lock);
	pool->frozen = false;
	mutex_unlock(&pool->lock);
	filemap_invalidate_unlock(inode->i_mapping);
}

static void kvm_gmem_pool_fill_slot(u64 slot, unsigned long pfn, void *arg)
{
	struct kvm_gmem_pool *pool = arg;

	if (!WARN_ON_ONCE(slot >= pool->nr_chunks))
		pool->chunks[slot] = pfn;
}

/* The flags a retrieved file may have: those of a file we could create. */
#define KVM_GMEM_POOL_RETRIEVE_FLAGS	(GUEST_MEMFD_FLAG_POOL | \
					 GUEST_MEMFD_FLAG_POOL_MMAP)

static int kvm_gmem_pool_check_retrieve(const struct gmem_handover_file_desc *d)
{
	u64 chunk_size = PAGE_SIZE << kvm_gmem_pool_chunk_order();

	if (!(d->flags & GUEST_MEMFD_FLAG_POOL) ||
	    (d->flags & ~KVM_GMEM_POOL_RETRIEVE_FLAGS))
		return -EINVAL;
	/* A negative nid becomes a huge u64, refused like any other. */
	if (d->size > MAX_LFS_FILESIZE ||
	    kvm_gmem_pool_check(NULL, d->size, (u64)(s64)d->nid) ||
	    d->size / chunk_size != d->nr_slots)
		return -EINVAL;
	return 0;
}

/*
 * A new file that belongs to no VM, with the preserved file's chunks at the
 * same offsets.  The chunks move last, when nothing can fail any more; the
 * file's release path gives them back if the caller drops it.
 */
static struct file *kvm_gmem_pool_retrieve(const struct gmem_handover_file_desc *desc,
					   struct gmem_handover_fill *fill)
{
	struct kvm_gmem_pool *pool;
	struct file *file;
	int r;

	r = kvm_gmem_pool_check_retrieve(desc);
	if (r)
		return ERR_PTR(r);
	pool = kvm_gmem_pool_create(desc->size, desc->nid);
	if (IS_ERR(pool))
		return ERR_CAST(pool);
	file = kvm_gmem_create_file(desc->size, desc->flags, pool);
	if (IS_ERR(file))
		return file;
	r = gmem_handover_fill(fill, pool->owner, kvm_gmem_pool_fill_slot, pool);
	if (r) {
		fput(file);
		return ERR_PTR(r);
	}
	return file;
}

static struct gmem_handover_file_ops kvm_gmem_pool_handover_ops = {
	.can_preserve	= kvm_gmem_pool_can_preserve,
	.preserve	= kvm_gmem_pool_freeze,
	.unpreserve	= kvm_gmem_pool_thaw,
	.retrieve	= kvm_gmem_pool_retrieve,
};

/**
 * kvm_gmem_pool_init() - let the hand-over preserve pool files
 * @module: KVM's module, pinned while a session holds a pool file
 */
void kvm_gmem_pool_init(struct module *module)
{
	int r;

	kvm_gmem_pool_handover_ops.owner = module;
	r = gmem_handover_register(&kvm_gmem_pool_handover_ops);
	if (r)
		pr_err("pool files cannot be preserved: %pe\n", ERR_PTR(r));
}

/**
 * kvm_gmem_pool_exit() - undo kvm_gmem_pool_init()
 */
void kvm_gmem_pool_exit(void)
{
	gmem_handover_unregister(&kvm_gmem_pool_handover_ops);
}

#ifdef CONFIG_KVM_GUEST_MEMFD_POOL_KUNIT_TEST
#include "guest_memfd_pool_kunit.h"
#endif
