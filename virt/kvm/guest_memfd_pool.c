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
#include <linux/kvm_host.h>
#include <linux/mm.h>
#include <linux/misc_cgroup.h>
#include <linux/mman.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/pagemap.h>
#include <linux/pfn_t.h>
#include <linux/slab.h>
#include <linux/module.h>
#include <linux/wait_bit.h>
#include <linux/xarray.h>
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
 * Conversions: a punch hole may be any page-aligned range.  Whole chunks in
 * it go back to the carveout; a chunk the range covers in part stays in the
 * file, and the punched pages are invalidated for the VM, zeroed and marked
 * in the chunk's punched bitmap (see &struct kvm_gmem_pool).  A fault on a
 * punched page clears its bit, and prepares just that page again if the
 * chunk was prepared.  A huge mapping never covers a punched page: a fault
 * maps at most 4 KiB in a 2 MiB range that has other punched pages, and at
 * most 2 MiB in a chunk that has any.  When the last page of a chunk is
 * punched, the chunk goes back to the carveout.
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
 *   kvm_gmem_pool_owners_lock		(memory failure: kvm_gmem_pool_poisoned_cb())
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
 *
 * A chunk is taken and zeroed with only the invalidate lock held (shared by
 * faults and by fallocate(), exclusive by kvm_gmem_populate()): its slot is
 * marked in kvm_gmem_pool.filling meanwhile, and a task that finds the bit
 * set waits for it to clear (wait_var_event() on the pool) with no lock of
 * the file held but the invalidate lock, shared.  A task fills slots in
 * increasing order and never waits for a slot while it fills a higher one,
 * so two fillers cannot wait for each other.
 */

/* Chunk table entry of a hole.  pfn 0 is real-mode memory, never pooled. */
#define KVM_GMEM_POOL_HOLE	0UL

/*
 * Every allocation a pool file makes for its bookkeeping is charged to the
 * caller's memory cgroup, and fails quietly: its size follows from what
 * userspace asked for, and an ENOMEM is the answer, not a warning.
 */
#define KVM_GMEM_POOL_GFP	(GFP_KERNEL_ACCOUNT | __GFP_NOWARN)

/**
 * struct kvm_gmem_pool - pool state of one pool-backed guest_memfd inode
 * @nid: NUMA node whose carveout backs the file
 * @owner: carveout owner id of every chunk of this file, never
 *	%GMEM_CHUNK_OWNER_NONE
 * @order: chunk order, in pages
 * @nr_chunks: number of entries of @chunks (file size / chunk size)
 * @lock: protects @prepared, @filling and @chunks.  Paths that add chunks
 *	while guest faults may run (faults, fallocate()) hold the invalidate
 *	lock shared; paths that remove chunks hold it exclusive and invalidate
 *	the range first, so a reader holding either lock sees a stable entry
 *	(a slot being filled reads as not there yet: see @filling).
 * @frozen: the file is preserved for a kexec: no chunk may be added or
 *	removed.  Set and cleared under the invalidate lock (exclusive) and
 *	@lock, so holding either one keeps it stable.
 * @prepared: bit per chunk, set once kvm_arch_gmem_prepare() or a full-chunk
 *	kvm_gmem_populate() step succeeded on it
 * @filling: bit per slot, set while a task (the filler) takes and zeroes
 *	the slot's chunk with @lock dropped, which for a 1 GiB chunk takes
 *	long: faults on the file's other slots go on meanwhile.  The slot and
 *	its @chunks and @charged entries are the filler's until it clears the
 *	bit under @lock and wakes the waiters (wake_up_var() on the pool);
 *	everyone else treats the slot as not there yet and waits before
 *	using it.  Set and cleared under @lock, with the invalidate lock held
 *	from set to clear, so paths that hold it exclusive (punch hole,
 *	populate, freeze, carve) never see a bit set but their own.  Read
 *	without @lock by the waiters, hence the atomic bit operations.
 * @punched: for each chunk punched in part, indexed by chunk, a bitmap of
 *	its pages (one bit a page) that were punched and not faulted in since:
 *	zeroed, mapped by no SPTE and no process, and given back by
 *	kvm_arch_gmem_invalidate().  A chunk with no punched page has no entry,
 *	so the state costs nothing until a conversion.  Under @lock; bits are
 *	set only with the invalidate lock held exclusive, cleared with it held
 *	at least shared.
 * @charged: misc cgroup charged for the chunk of each slot (one reference
 *	each), NULL for a hole; NULL as a whole without CONFIG_CGROUP_MISC
 * @mapping: the file's address space, once the file exists; written once,
 *	under kvm_gmem_pool_owners_lock, which memory failure reads it under
 * @chunks: first pfn of each chunk, or %KVM_GMEM_POOL_HOLE
 */
struct kvm_gmem_pool {
	int nid;
	u32 owner;
	unsigned int order;
	pgoff_t nr_chunks;
	bool frozen;
	/* Protects @chunks, @prepared, @filling, @punched and @frozen; see above. */
	struct mutex lock;
	unsigned long *prepared;
	unsigned long *filling;
	struct xarray punched;
	struct misc_cg **charged;
	struct address_space *mapping;
	unsigned long chunks[] __counted_by(nr_chunks);
};

/*
 * The pool state of every live pool file, by owner id, so that the carveout's
 * memory failure callback finds the file that holds a chunk.  0 is
 * GMEM_CHUNK_OWNER_NONE and never handed out.  Ids are allocated under the
 * xarray's own lock; kvm_gmem_pool_owners_lock orders the callback against
 * kvm_gmem_pool_destroy(), which erases an id under it before it gives any
 * chunk back, so the callback never sees a pool, or a mapping, being freed.
 */
static DEFINE_XARRAY_ALLOC1(kvm_gmem_pool_owners);
static DEFINE_MUTEX(kvm_gmem_pool_owners_lock);

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

static u64 kvm_gmem_pool_node_bytes(int nid)
{
	KUNIT_STATIC_STUB_REDIRECT(kvm_gmem_pool_node_bytes, nid);
	return gmem_carveout_node_bytes(nid);
}

static int kvm_gmem_pool_chown(unsigned long pfn, u32 from, u32 to)
{
	KUNIT_STATIC_STUB_REDIRECT(kvm_gmem_pool_chown, pfn, from, to);
	return gmem_carveout_chown(pfn, from, to);
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

static int kvm_gmem_pool_zero(unsigned long pfn, unsigned long nr_pages)
{
	KUNIT_STATIC_STUB_REDIRECT(kvm_gmem_pool_zero, pfn, nr_pages);
	return gmem_carveout_zero_range(pfn, nr_pages);
}

static bool kvm_gmem_pool_pfn_poisoned(unsigned long pfn)
{
	KUNIT_STATIC_STUB_REDIRECT(kvm_gmem_pool_pfn_poisoned, pfn);
	return gmem_carveout_pfn_poisoned(pfn);
}

static int kvm_gmem_pool_pin(unsigned long pfn)
{
	KUNIT_STATIC_STUB_REDIRECT(kvm_gmem_pool_pin, pfn);
	return gmem_carveout_pin(pfn);
}

static void kvm_gmem_pool_unpin(unsigned long pfn)
{
	KUNIT_STATIC_STUB_REDIRECT(kvm_gmem_pool_unpin, pfn);
	gmem_carveout_unpin(pfn);
}

static void *kvm_gmem_pool_kmap(unsigned long pfn)
{
	KUNIT_STATIC_STUB_REDIRECT(kvm_gmem_pool_kmap, pfn);
	return gmem_carveout_map(pfn, 1);
}

static void kvm_gmem_pool_kunmap(void *hva)
{
	KUNIT_STATIC_STUB_REDIRECT(kvm_gmem_pool_kunmap, hva);
	gmem_carveout_unmap(hva);
}

/* gfn_to_pfn() without a page reference left behind. */
static kvm_pfn_t kvm_gmem_pool_gfn_to_pfn(struct kvm *kvm, gfn_t gfn)
{
	kvm_pfn_t pfn;

	KUNIT_STATIC_STUB_REDIRECT(kvm_gmem_pool_gfn_to_pfn, kvm, gfn);
	pfn = gfn_to_pfn(kvm, gfn);
	/* Pool pfns hold nothing; a page found if the memslot changed does. */
	kvm_release_pfn_clean(pfn);
	return pfn;
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

static u64 kvm_gmem_pool_chunk_bytes(const struct kvm_gmem_pool *pool)
{
	return PAGE_SIZE << pool->order;
}

/*
 * Charge @nr chunks to the misc cgroup of the current task, the one that
 * takes them (fallocate(), the VMM whose guest or mapping faulted, or the
 * retriever of a preserved file).  Over misc.max: -ENOSPC, counted in that
 * cgroup's misc.events.  The caller keeps the reference in *@cg.
 */
static int kvm_gmem_pool_charge(struct kvm_gmem_pool *pool, u64 nr,
				struct misc_cg **cg)
{
	*cg = NULL;
	if (!pool->charged)
		return 0;
	*cg = get_current_misc_cg();
	if (misc_cg_try_charge(MISC_CG_RES_GMEM_POOL, *cg,
			       nr * kvm_gmem_pool_chunk_bytes(pool))) {
		put_misc_cg(*cg);
		*cg = NULL;
		return -ENOSPC;
	}
	return 0;
}

static void kvm_gmem_pool_uncharge(struct kvm_gmem_pool *pool, pgoff_t idx)
{
	struct misc_cg *cg;

	if (!pool->charged || !pool->charged[idx])
		return;
	cg = pool->charged[idx];
	pool->charged[idx] = NULL;
	misc_cg_uncharge(MISC_CG_RES_GMEM_POOL, cg,
			 kvm_gmem_pool_chunk_bytes(pool));
	put_misc_cg(cg);
}

/*
 * Take one chunk for slot @idx of @pool, a hole the caller marked in
 * @filling: this runs without @lock, and the slot's entries are the
 * caller's until it clears the bit.  gmem_carveout_alloc() hands chunks out
 * zeroed, so the file never sees what a previous owner left behind.
 */
static int kvm_gmem_pool_take(struct kvm_gmem_pool *pool, pgoff_t idx)
{
	struct misc_cg *cg;
	unsigned long new;
	int r;

	KUNIT_STATIC_STUB_REDIRECT(kvm_gmem_pool_take, pool, idx);

	r = kvm_gmem_pool_charge(pool, 1, &cg);
	if (r)
		return r;

	r = kvm_gmem_pool_carve(pool->nid, pool->owner, &new);
	if (!r && !kvm_gmem_pool_chunk_sane(pool, new)) {
		kvm_gmem_pool_uncarve(new, pool->owner);
		r = -EIO;
	}
	if (r) {
		if (cg) {
			misc_cg_uncharge(MISC_CG_RES_GMEM_POOL, cg,
					 kvm_gmem_pool_chunk_bytes(pool));
			put_misc_cg(cg);
		}
		return r;
	}

	pool->chunks[idx] = new;
	if (pool->charged)
		pool->charged[idx] = cg;
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
	kvm_gmem_pool_uncharge(pool, idx);
	pool->chunks[idx] = KVM_GMEM_POOL_HOLE;
	__clear_bit(idx, pool->prepared);
	kvfree(xa_erase(&pool->punched, idx));
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

static bool kvm_gmem_pool_filling(struct kvm_gmem_pool *pool, pgoff_t idx)
{
	return test_bit(idx, pool->filling);
}

/* Slot @idx, a hole, is the caller's to fill from now on. */
static void kvm_gmem_pool_begin_fill(struct kvm_gmem_pool *pool, pgoff_t idx)
{
	lockdep_assert_held(&pool->lock);
	set_bit(idx, pool->filling);
}

/* Publish slot @idx: the chunk the filler took, or the hole it left. */
static void kvm_gmem_pool_end_fill(struct kvm_gmem_pool *pool, pgoff_t idx)
{
	lockdep_assert_held(&pool->lock);
	clear_bit(idx, pool->filling);
	/*
	 * The waiters test the bit without @lock: order its clearing before
	 * wake_up_var() looks for waiters, as wait_var_event() requires.
	 */
	smp_mb__after_atomic();
	wake_up_var(pool);
}

/*
 * Wait until slot @idx is filled by another task, with @lock dropped.
 * Called and returns with @lock held; the caller must read the slot again.
 * The filler may take long (it zeroes a chunk) but always ends: a filler
 * only waits for a slot above every slot it holds (see the lock order
 * above), so no two wait for each other.
 */
static int kvm_gmem_pool_wait_fill(struct kvm_gmem_pool *pool, pgoff_t idx)
{
	int r;

	lockdep_assert_held(&pool->lock);
	mutex_unlock(&pool->lock);
	r = wait_var_event_killable(pool, !kvm_gmem_pool_filling(pool, idx));
	mutex_lock(&pool->lock);
	return r ? -EINTR : 0;
}

/*
 * Make sure slot @idx has a chunk, or is the caller's to fill: wait while
 * another task fills it, and if it is a hole, mark it in @filling and take
 * a chunk for it with @lock dropped.  Called and returns with @lock held.
 * *@took says whether the caller now owns the slot (it must end the fill);
 * on an error it owns nothing.
 */
static int kvm_gmem_pool_fill_one(struct kvm_gmem_pool *pool, pgoff_t idx,
				  bool *took)
{
	int r;

	lockdep_assert_held(&pool->lock);

	*took = false;
	while (kvm_gmem_pool_filling(pool, idx)) {
		r = kvm_gmem_pool_wait_fill(pool, idx);
		if (r)
			return r;
	}
	if (pool->chunks[idx] != KVM_GMEM_POOL_HOLE)
		return 0;
	if (pool->frozen)
		return -EBUSY;

	kvm_gmem_pool_begin_fill(pool, idx);
	mutex_unlock(&pool->lock);
	r = kvm_gmem_pool_take(pool, idx);
	mutex_lock(&pool->lock);
	if (r)
		kvm_gmem_pool_end_fill(pool, idx);
	else
		*took = true;
	return r;
}

/*
 * End the fill of the slots of [@start, @end) that @taken says this call
 * took: publish them, or give them back if @undo.  Nobody has seen them
 * yet, so nothing maps them.
 */
static void kvm_gmem_pool_end_range(struct kvm_gmem_pool *pool, pgoff_t start,
				    pgoff_t end, const unsigned long *taken,
				    bool undo)
{
	pgoff_t idx;

	mutex_lock(&pool->lock);
	for (idx = start; idx < end; idx++) {
		if (!test_bit(idx - start, taken))
			continue;
		if (undo)
			kvm_gmem_pool_put_chunk(pool, idx);
		kvm_gmem_pool_end_fill(pool, idx);
	}
	mutex_unlock(&pool->lock);
}

/*
 * Fill every hole of chunks [@start, @end); the caller holds the invalidate
 * lock, shared.  All or nothing: the chunks this call takes stay marked in
 * @filling until the last one is zeroed, so no fault maps one that a later
 * failure gives back, and on failure the pool is exactly as it was.  Faults
 * on the other slots of the file go on meanwhile.
 */
static int kvm_gmem_pool_fill(struct kvm_gmem_pool *pool, pgoff_t start,
			      pgoff_t end)
{
	unsigned long *taken;
	pgoff_t idx;
	bool took;
	int r = 0;

	taken = kvcalloc(BITS_TO_LONGS(end - start), sizeof(long),
			 KVM_GMEM_POOL_GFP);
	if (!taken)
		return -ENOMEM;

	for (idx = start; idx < end && !r; idx++) {
		if (signal_pending(current)) {
			r = -EINTR;
			break;
		}

		mutex_lock(&pool->lock);
		r = kvm_gmem_pool_fill_one(pool, idx, &took);
		if (took)
			__set_bit(idx - start, taken);
		mutex_unlock(&pool->lock);
		cond_resched();
	}

	kvm_gmem_pool_end_range(pool, start, idx, taken, r);
	kvfree(taken);
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
 * pool; -EINVAL if @size is zero, not a multiple of the chunk size or larger
 * than the whole pool, or if @pool_node is not a node with a pool;
 * -EOPNOTSUPP for VM types whose memory pool files cannot back
 * (kvm_gmem_pool_vm_ok()).
 */
int kvm_gmem_pool_check(struct kvm *kvm, loff_t size, u64 pool_node)
{
	u64 chunk_size;

	if (pool_node >= MAX_NUMNODES || !node_possible(pool_node) ||
	    !kvm_gmem_pool_node_ok(pool_node))
		return -EINVAL;

	chunk_size = PAGE_SIZE << kvm_gmem_pool_chunk_order();
	if (size <= 0 || !IS_ALIGNED((u64)size, chunk_size) ||
	    (u64)size > kvm_gmem_pool_node_bytes(pool_node))
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
	u32 owner;

	pool = kvzalloc(struct_size(pool, chunks, nr_chunks),
			KVM_GMEM_POOL_GFP);
	if (!pool)
		return ERR_PTR(-ENOMEM);
	pool->nr_chunks = nr_chunks;

	pool->prepared = kvcalloc(BITS_TO_LONGS(nr_chunks), sizeof(long),
				  KVM_GMEM_POOL_GFP);
	if (!pool->prepared)
		goto err_pool;
	pool->filling = kvcalloc(BITS_TO_LONGS(nr_chunks), sizeof(long),
				 KVM_GMEM_POOL_GFP);
	if (!pool->filling)
		goto err_prepared;

	if (IS_ENABLED(CONFIG_CGROUP_MISC)) {
		pool->charged = kvcalloc(nr_chunks, sizeof(*pool->charged),
					 KVM_GMEM_POOL_GFP);
		if (!pool->charged)
			goto err_prepared;
	}

	BUILD_BUG_ON(GMEM_CHUNK_OWNER_NONE != 0);
	/* Owner ids above the file range belong to the hand-over. */
	if (xa_alloc(&kvm_gmem_pool_owners, &owner, pool,
		     XA_LIMIT(1, GMEM_CHUNK_OWNER_FILE_MAX), KVM_GMEM_POOL_GFP))
		goto err_prepared;

	pool->owner = owner;
	pool->nid = nid;
	pool->order = order;
	mutex_init(&pool->lock);
	xa_init_flags(&pool->punched, XA_FLAGS_ACCOUNT);
	return pool;

err_prepared:
	kvfree(pool->charged);
	kvfree(pool->filling);
	kvfree(pool->prepared);
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
 * kvm_gmem_pool_attach() - tell the pool state which file it backs
 * @pool: state from kvm_gmem_pool_create(), or NULL
 * @mapping: the address space of the file's inode
 *
 * From here on memory failure in one of its chunks reaches the file.
 */
void kvm_gmem_pool_attach(struct kvm_gmem_pool *pool,
			  struct address_space *mapping)
{
	if (!pool)
		return;
	mutex_lock(&kvm_gmem_pool_owners_lock);
	pool->mapping = mapping;
	mutex_unlock(&kvm_gmem_pool_owners_lock);
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
	unsigned long idx;
	void *bitmap;

	if (!pool)
		return;

	mutex_lock(&kvm_gmem_pool_owners_lock);
	xa_erase(&kvm_gmem_pool_owners, pool->owner);
	mutex_unlock(&kvm_gmem_pool_owners_lock);

	kvm_gmem_pool_put_range(pool, 0, pool->nr_chunks);
	/*
	 * Every chunk is gone, and with it every punched bitmap; what may be
	 * left are slots a failed carve reserved, which hold nothing.
	 */
	xa_for_each(&pool->punched, idx, bitmap) {
		WARN_ON_ONCE(1);
		kvfree(bitmap);
	}
	xa_destroy(&pool->punched);
	kvfree(pool->charged);
	kvfree(pool->filling);
	kvfree(pool->prepared);
	kvfree(pool);
}

static unsigned long *kvm_gmem_pool_punched_of(struct kvm_gmem_pool *pool,
					       pgoff_t idx)
{
	lockdep_assert_held(&pool->lock);
	return xa_load(&pool->punched, idx);
}

/*
 * Give chunk @idx a punched bitmap before a punch covers it in part, so that
 * nothing can fail for want of memory once the range is invalidated.  A hole
 * needs none.  A bitmap left empty by a punch that failed later is allowed.
 */
static int kvm_gmem_pool_reserve_punched(struct kvm_gmem_pool *pool,
					 pgoff_t idx)
{
	size_t size = BITS_TO_LONGS(kvm_gmem_pool_chunk_pages(pool)) *
		      sizeof(unsigned long);
	unsigned long *bitmap;
	int r;

	lockdep_assert_held(&pool->lock);

	if (pool->chunks[idx] == KVM_GMEM_POOL_HOLE ||
	    kvm_gmem_pool_punched_of(pool, idx))
		return 0;

	bitmap = kvzalloc(size, KVM_GMEM_POOL_GFP);
	if (!bitmap)
		return -ENOMEM;
	r = xa_err(xa_store(&pool->punched, idx, bitmap, KVM_GMEM_POOL_GFP));
	if (r)
		kvfree(bitmap);
	return r;
}

/*
 * Punch pages [@off, @off + @nr) of chunk @idx, which the file keeps; the
 * caller has invalidated them for every VM and process.  Each run of pages
 * not punched yet is given back by the arch first (a confidential VM's page
 * becomes the host's again) and zeroed only then: the host must not write a
 * page the VM still owns.  The chunk goes back to the carveout once all its
 * pages are punched.
 */
static int kvm_gmem_pool_punch_pages(struct kvm_gmem_pool *pool, pgoff_t idx,
				     unsigned long off, unsigned long nr)
{
	unsigned long pages = kvm_gmem_pool_chunk_pages(pool);
	unsigned long end = off + nr, run, run_end, pfn;
	unsigned long *bitmap;
	int r;

	lockdep_assert_held(&pool->lock);

	if (pool->chunks[idx] == KVM_GMEM_POOL_HOLE)
		return 0;
	bitmap = kvm_gmem_pool_punched_of(pool, idx);
	if (WARN_ON_ONCE(!bitmap || end > pages))
		return -EIO;

	for (run = find_next_zero_bit(bitmap, end, off); run < end;
	     run = find_next_zero_bit(bitmap, end, run_end)) {
		run_end = find_next_bit(bitmap, end, run);
		pfn = pool->chunks[idx] + run;
		kvm_gmem_pool_arch_invalidate(pfn, pfn + run_end - run);
		/* A retired chunk is never written: it reads as poisoned. */
		r = kvm_gmem_pool_zero(pfn, run_end - run);
		if (r && r != -EHWPOISON)
			return r;
		bitmap_set(bitmap, run, run_end - run);
	}

	if (bitmap_full(bitmap, pages))
		kvm_gmem_pool_put_chunk(pool, idx);
	return 0;
}

/*
 * Whether a page other than @off is punched in [@start, @end) of @bitmap.
 */
static bool kvm_gmem_pool_other_punched(const unsigned long *bitmap,
					unsigned long start, unsigned long end,
					unsigned long off)
{
	unsigned long bit = find_next_bit(bitmap, end, start);

	if (bit == off)
		bit = find_next_bit(bitmap, end, off + 1);
	return bit < end;
}

/*
 * The largest order, at most @order, at which file page @index of chunk
 * @idx can be mapped without covering a punched page other than @index: a
 * punched page must stay unmapped until its own fault.
 */
static int kvm_gmem_pool_punched_order(struct kvm_gmem_pool *pool,
				       pgoff_t idx, pgoff_t index, int order)
{
	unsigned long off = index & (kvm_gmem_pool_chunk_pages(pool) - 1);
	unsigned long *bitmap = kvm_gmem_pool_punched_of(pool, idx);
	unsigned long pmd = ALIGN_DOWN(off, 1UL << PMD_ORDER);

	if (!bitmap || !order)
		return order;
	if (kvm_gmem_pool_other_punched(bitmap, pmd, pmd + (1UL << PMD_ORDER),
					off))
		return 0;
	if (order > PMD_ORDER &&
	    kvm_gmem_pool_other_punched(bitmap, 0,
					kvm_gmem_pool_chunk_pages(pool), off))
		return PMD_ORDER;
	return order;
}

/* Whether page @off of chunk @idx is punched. */
static bool kvm_gmem_pool_page_punched(struct kvm_gmem_pool *pool,
				       pgoff_t idx, unsigned long off)
{
	unsigned long *bitmap = kvm_gmem_pool_punched_of(pool, idx);

	return bitmap && test_bit(off, bitmap);
}

/* Page @off of chunk @idx is about to be mapped: it is in use again. */
static void kvm_gmem_pool_unpunch(struct kvm_gmem_pool *pool, pgoff_t idx,
				  unsigned long off)
{
	unsigned long *bitmap = kvm_gmem_pool_punched_of(pool, idx);

	if (!bitmap)
		return;
	__clear_bit(off, bitmap);
	if (bitmap_empty(bitmap, kvm_gmem_pool_chunk_pages(pool)))
		kvfree(xa_erase(&pool->punched, idx));
}

/* Punch the part [@first, @last) of chunk @idx, whole or in part. */
static int kvm_gmem_pool_punch_chunk(struct kvm_gmem_pool *pool, pgoff_t idx,
				     pgoff_t first, pgoff_t last)
{
	pgoff_t base = idx << pool->order;
	pgoff_t start = max(first, base);
	pgoff_t end = min(last, base + kvm_gmem_pool_chunk_pages(pool));
	int r = 0;

	mutex_lock(&pool->lock);
	if (end - start == kvm_gmem_pool_chunk_pages(pool))
		kvm_gmem_pool_put_chunk(pool, idx);
	else
		r = kvm_gmem_pool_punch_pages(pool, idx, start - base,
					      end - start);
	mutex_unlock(&pool->lock);
	return r;
}

/* Reserve the punched bitmaps of the chunks [@first, @last) covers in part. */
static int kvm_gmem_pool_reserve_edges(struct kvm_gmem_pool *pool,
				       pgoff_t first, pgoff_t last)
{
	unsigned long mask = kvm_gmem_pool_chunk_pages(pool) - 1;
	int r = 0;

	mutex_lock(&pool->lock);
	if (first & mask)
		r = kvm_gmem_pool_reserve_punched(pool, first >> pool->order);
	if (!r && (last & mask))
		r = kvm_gmem_pool_reserve_punched(pool, last >> pool->order);
	mutex_unlock(&pool->lock);
	return r;
}

/*
 * Same discipline as kvm_gmem_punch_hole(): zap, free, then end; the caller
 * holds the invalidate lock exclusive.  [@first, @last) are file pages.
 */
static long kvm_gmem_pool_punch_hole(struct inode *inode,
				     struct kvm_gmem_pool *pool,
				     pgoff_t first, pgoff_t last)
{
	struct list_head *gmem_list = &inode->i_mapping->i_private_list;
	pgoff_t idx, end = DIV_ROUND_UP(last, kvm_gmem_pool_chunk_pages(pool));
	struct kvm_gmem *gmem;
	int r;

	lockdep_assert_held_write(&inode->i_mapping->invalidate_lock);

	r = kvm_gmem_pool_reserve_edges(pool, first, last);
	if (r)
		return r;

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

	for (idx = first >> pool->order; idx < end && !r; idx++) {
		r = kvm_gmem_pool_punch_chunk(pool, idx, first, last);
		cond_resched();
	}

	list_for_each_entry(gmem, gmem_list, entry)
		kvm_gmem_invalidate_end(gmem, first, last);
	return r;
}

/**
 * kvm_gmem_pool_fallocate() - fallocate() of a pool-backed guest_memfd
 * @inode: the file's inode
 * @mode: 0 (with FALLOC_FL_KEEP_SIZE) to allocate, or
 *	FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE to punch
 * @offset: start of the range, in bytes, page-aligned
 * @len: length of the range, in bytes, page-aligned
 *
 * Allocating takes every chunk the range touches that is a hole, and leaves
 * present chunks as they are.  Punching gives back the chunks the range
 * covers whole and clears the pages of those it covers in part: they read
 * as zeroes at their next use, and the chunk goes back once all its pages
 * are punched.
 *
 * Return: 0 on success; -EOPNOTSUPP for any other mode; -EINVAL if the range
 * is empty, not page-aligned or goes past the end of the file; -EBUSY if
 * the file is preserved for a kexec; -ENOSPC if the pool ran out (no chunk
 * taken by the call is kept); -EINTR on a signal; -ENOMEM (a punch that
 * fails so has unmapped the range but left its pages as they were).
 */
long kvm_gmem_pool_fallocate(struct inode *inode, int mode, loff_t offset,
			     loff_t len)
{
	struct kvm_gmem_pool *pool = kvm_gmem_pool_of(inode);
	pgoff_t first, last;
	long r;

	if (mode != FALLOC_FL_KEEP_SIZE &&
	    mode != (FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;

	if (offset < 0 || len <= 0 || !PAGE_ALIGNED(offset) ||
	    !PAGE_ALIGNED(len) || len > i_size_read(inode) - offset)
		return -EINVAL;

	first = offset >> PAGE_SHIFT;
	last = first + (len >> PAGE_SHIFT);

	if (mode & FALLOC_FL_PUNCH_HOLE) {
		filemap_invalidate_lock(inode->i_mapping);
		r = pool->frozen ? -EBUSY :
		    kvm_gmem_pool_punch_hole(inode, pool, first, last);
		filemap_invalidate_unlock(inode->i_mapping);
		return r;
	}

	/*
	 * Filling holes invalidates nothing: shared, like a fault, so that
	 * faults on the file's present chunks go on while the range is zeroed.
	 */
	filemap_invalidate_lock_shared(inode->i_mapping);
	r = pool->frozen ? -EBUSY :
	    kvm_gmem_pool_fill(pool, first >> pool->order,
			       DIV_ROUND_UP(last, kvm_gmem_pool_chunk_pages(pool)));
	filemap_invalidate_unlock_shared(inode->i_mapping);
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
 * frozen (preserved) file cannot take one: -EBUSY.  Drops @lock while it
 * zeroes the chunk or waits for another fault to (see @filling), so the
 * caller reads the slot only after this returns; the invalidate lock the
 * caller holds keeps the chunk in the file from then on.
 */
static int __kvm_gmem_pool_fault_in(struct kvm_gmem_pool *pool, pgoff_t idx)
{
	bool took;
	int r;

	lockdep_assert_held(&pool->lock);

	r = kvm_gmem_pool_fill_one(pool, idx, &took);
	if (took)
		kvm_gmem_pool_end_fill(pool, idx);
	return r;
}

static gfn_t kvm_gmem_pool_index_to_gfn(const struct kvm_memory_slot *slot,
					pgoff_t index)
{
	return slot->base_gfn + index - slot->gmem.pgoff;
}

/*
 * Prepare the 2^@order pages at file page @index for the VM: the whole chunk
 * on its first fault, or one page punched since the chunk was prepared.
 */
static int kvm_gmem_pool_prepare(struct kvm *kvm, struct kvm_gmem_pool *pool,
				 const struct kvm_memory_slot *slot,
				 pgoff_t index, int order)
{
	gfn_t gfn = kvm_gmem_pool_index_to_gfn(slot, index);
	pgoff_t idx = index >> pool->order;
	kvm_pfn_t pfn = pool->chunks[idx] +
			(index & (kvm_gmem_pool_chunk_pages(pool) - 1));
	int r;

	lockdep_assert_held(&pool->lock);

	r = kvm_gmem_pool_arch_prepare(kvm, gfn, pfn, order);
	if (r) {
		pr_warn_ratelimited("failed to prepare chunk %lu (gfn %llx, pfn %llx, order %d): %pe\n",
				    idx, gfn, pfn, order, ERR_PTR(r));
		return r;
	}
	if (order == pool->order)
		__set_bit(idx, pool->prepared);
	return 0;
}

/*
 * Find (or take) the chunk behind @index and return the pfn and the mapping
 * order for it; prepare the chunk (or the page, if it was punched since the
 * chunk was prepared) first if @prepare.  The caller holds the invalidate
 * lock, at least shared.
 */
static int kvm_gmem_pool_lookup(struct kvm *kvm, struct kvm_gmem_pool *pool,
				const struct kvm_memory_slot *slot,
				pgoff_t index, bool prepare, kvm_pfn_t *pfn,
				int *max_order)
{
	gfn_t gfn = kvm_gmem_pool_index_to_gfn(slot, index);
	unsigned long off = index & (kvm_gmem_pool_chunk_pages(pool) - 1);
	pgoff_t idx = index >> pool->order;
	bool punched;
	int r = 0;

	if (WARN_ON_ONCE(idx >= pool->nr_chunks))
		return -EIO;

	mutex_lock(&pool->lock);
	r = __kvm_gmem_pool_fault_in(pool, idx);
	if (r)
		goto out_unlock;
	if (kvm_gmem_pool_pfn_poisoned(pool->chunks[idx])) {
		r = -EHWPOISON;
		goto out_unlock;
	}

	punched = kvm_gmem_pool_page_punched(pool, idx, off);
	if (prepare && !test_bit(idx, pool->prepared))
		r = kvm_gmem_pool_prepare(kvm, pool, slot, idx << pool->order,
					  pool->order);
	else if (prepare && punched)
		r = kvm_gmem_pool_prepare(kvm, pool, slot, index, 0);
	if (r)
		goto out_unlock;
	if (punched)
		kvm_gmem_pool_unpunch(pool, idx, off);

	*pfn = pool->chunks[idx] + off;
	if (max_order)
		*max_order = kvm_gmem_pool_punched_order(pool, idx, index,
							 kvm_gmem_pool_max_order(pool, gfn, index));
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
 * to @file at @gfn; -ENOSPC if the pool is exhausted; -EHWPOISON if
 * memory_failure() retired the chunk; the error of kvm_arch_gmem_prepare().
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
 * The pfn behind file page @index, to be mapped with an entry of @order,
 * taking the chunk if the file has a hole there (a punched range reads as
 * zeroes again).  -EAGAIN if an entry of @order would cover a punched page
 * other than @index, -EHWPOISON if the chunk was retired.  The caller holds
 * the invalidate lock shared, so the chunk stays until its entry is
 * inserted.
 */
static int kvm_gmem_pool_user_pfn(struct kvm_gmem_pool *pool, pgoff_t index,
				  unsigned int order, unsigned long *pfn)
{
	unsigned long off = index & (kvm_gmem_pool_chunk_pages(pool) - 1);
	pgoff_t idx = index >> pool->order;
	int r;

	mutex_lock(&pool->lock);
	r = __kvm_gmem_pool_fault_in(pool, idx);
	if (!r && kvm_gmem_pool_pfn_poisoned(pool->chunks[idx]))
		r = -EHWPOISON;
	if (!r && kvm_gmem_pool_punched_order(pool, idx, index, order) < order)
		r = -EAGAIN;
	if (!r) {
		kvm_gmem_pool_unpunch(pool, idx, off);
		*pfn = pool->chunks[idx] + off;
	}
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
	int r;

	/* A large entry maps part of one chunk, all inside the VMA. */
	if (order && (order > pool->order || addr < vma->vm_start ||
		      addr + size > vma->vm_end ||
		      !IS_ALIGNED(index, 1UL << order)))
		return VM_FAULT_FALLBACK;
	if (index >= i_size_read(inode) >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;

	filemap_invalidate_lock_shared(inode->i_mapping);
	r = kvm_gmem_pool_user_pfn(pool, index, order, &pfn);
	/*
	 * A punched page nearby: map smaller.  A retired chunk: SIGBUS with
	 * BUS_MCEERR_AR, as for any poisoned page.  No free chunk: nothing
	 * to map.
	 */
	if (r == -EAGAIN)
		ret = VM_FAULT_FALLBACK;
	else if (r == -EHWPOISON)
		ret = VM_FAULT_HWPOISON;
	else if (r)
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
 * kvm_gmem_pool_vma_poisoned() - whether a mapped pool file's page is retired
 * @vma: a VMA of the caller's mm, mmap_lock held
 * @addr: an address in @vma
 *
 * KVM asks when it could not resolve @addr of a VM_PFNMAP memslot: the
 * fault path gives a pfnmap no way to say "poisoned", and a retired chunk
 * must reach the vCPU thread as SIGBUS with BUS_MCEERR_AR, as a poisoned
 * page of ordinary memory does.
 *
 * Return: true if @vma maps a pool file and the chunk behind @addr was
 * retired by a memory error.
 */
bool kvm_gmem_pool_vma_poisoned(struct vm_area_struct *vma, unsigned long addr)
{
	struct kvm_gmem_pool *pool;
	unsigned long pfn;
	pgoff_t idx;

	if (vma->vm_ops != &kvm_gmem_pool_vm_ops)
		return false;
	pool = kvm_gmem_pool_of(file_inode(vma->vm_file));
	idx = (vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT)) >>
	      pool->order;
	if (idx >= pool->nr_chunks)
		return false;
	mutex_lock(&pool->lock);
	pfn = pool->chunks[idx];
	mutex_unlock(&pool->lock);
	return pfn != KVM_GMEM_POOL_HOLE && kvm_gmem_pool_pfn_poisoned(pfn);
}

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
 * KVM_GMEM_POOL_CARVE: chunks change owner, not place.  Everything that can
 * fail (the new file, its bitmaps' slots) happens before the source range is
 * invalidated; after that, only the chunk table entries, the prepared and
 * punched state and the cgroup charges move, under the source's pool lock.
 */

/* Reserve, in @dst, the punched-bitmap slots the chunks of @src will need. */
static int kvm_gmem_pool_carve_reserve(struct kvm_gmem_pool *src,
				       struct kvm_gmem_pool *dst, pgoff_t start)
{
	unsigned long idx;
	void *bitmap;
	int r;

	lockdep_assert_held(&src->lock);
	xa_for_each_range(&src->punched, idx, bitmap, start,
			  start + dst->nr_chunks - 1) {
		r = xa_reserve(&dst->punched, idx - start, KVM_GMEM_POOL_GFP);
		if (r)
			return r;
	}
	return 0;
}

/* Move chunk @idx of @src, if any, to slot @idx - @start of @dst. */
static void kvm_gmem_pool_carve_one(struct kvm_gmem_pool *src,
				    struct kvm_gmem_pool *dst, pgoff_t start,
				    pgoff_t idx)
{
	pgoff_t slot = idx - start;
	unsigned long pfn = src->chunks[idx];

	lockdep_assert_held(&src->lock);

	if (pfn == KVM_GMEM_POOL_HOLE)
		return;
	/* The owner is the file's own id, and the chunk is in use: a bug. */
	if (WARN_ON_ONCE(kvm_gmem_pool_chown(pfn, src->owner, dst->owner)))
		return;

	dst->chunks[slot] = pfn;
	src->chunks[idx] = KVM_GMEM_POOL_HOLE;
	if (__test_and_clear_bit(idx, src->prepared))
		__set_bit(slot, dst->prepared);
	if (xa_load(&src->punched, idx))
		xa_store(&dst->punched, slot, xa_erase(&src->punched, idx), 0);
	/* The chunk stays charged to whoever took it. */
	if (src->charged) {
		dst->charged[slot] = src->charged[idx];
		src->charged[idx] = NULL;
	}
}

/*
 * On SEV-SNP, a prepared chunk is assigned to the source VM in the RMP and
 * encrypted with its key: no other VM can use it.
 */
static bool kvm_gmem_pool_can_carve(struct inode *inode)
{
	struct kvm_gmem *gmem;

	list_for_each_entry(gmem, &inode->i_mapping->i_private_list, entry) {
#ifdef CONFIG_X86
		if (gmem->kvm && gmem->kvm->arch.vm_type == KVM_X86_SNP_VM)
			return false;
#endif
	}
	return true;
}

static int kvm_gmem_pool_carve_check(struct inode *inode,
				     const struct kvm_gmem_pool *pool,
				     const struct kvm_gmem_pool_carve *args)
{
	u64 chunk_size = kvm_gmem_pool_chunk_bytes(pool);
	u64 isize = i_size_read(inode);

	if (args->flags || memchr_inv(args->reserved, 0, sizeof(args->reserved)))
		return -EINVAL;
	if (!args->size || !IS_ALIGNED(args->offset, chunk_size) ||
	    !IS_ALIGNED(args->size, chunk_size) || args->offset >= isize ||
	    args->size > isize - args->offset)
		return -EINVAL;
	return 0;
}

/* Move the chunks of [@start, @start + @dst->nr_chunks) of @inode to @dst. */
static int kvm_gmem_pool_carve_move(struct inode *inode,
				    struct kvm_gmem_pool *src,
				    struct kvm_gmem_pool *dst, pgoff_t start)
{
	struct list_head *gmem_list = &inode->i_mapping->i_private_list;
	pgoff_t first = start << src->order;
	pgoff_t last = (start + dst->nr_chunks) << src->order;
	struct kvm_gmem *gmem;
	pgoff_t idx;
	int r;

	filemap_invalidate_lock(inode->i_mapping);
	r = -EBUSY;
	if (src->frozen)
		goto out;
	r = -EOPNOTSUPP;
	if (!kvm_gmem_pool_can_carve(inode))
		goto out;

	mutex_lock(&src->lock);
	r = kvm_gmem_pool_carve_reserve(src, dst, start);
	mutex_unlock(&src->lock);
	if (r)
		goto out;

	list_for_each_entry(gmem, gmem_list, entry)
		kvm_gmem_invalidate_begin(gmem, first, last);
	if (kvm_gmem_pool_mappable(inode))
		unmap_mapping_range(inode->i_mapping, (loff_t)first << PAGE_SHIFT,
				    (loff_t)(last - first) << PAGE_SHIFT, true);

	mutex_lock(&src->lock);
	for (idx = start; idx < start + dst->nr_chunks; idx++)
		kvm_gmem_pool_carve_one(src, dst, start, idx);
	mutex_unlock(&src->lock);

	list_for_each_entry(gmem, gmem_list, entry)
		kvm_gmem_invalidate_end(gmem, first, last);
out:
	filemap_invalidate_unlock(inode->i_mapping);
	return r;
}

/**
 * kvm_gmem_pool_carve_out() - KVM_GMEM_POOL_CARVE on a pool-backed file
 * @file: the source guest_memfd, pool-backed
 * @argp: the user's struct kvm_gmem_pool_carve
 *
 * Moves the chunks of the range into a new pool-backed guest_memfd of the
 * range's size, node and flags, that belongs to no VM until one binds it.
 * Every KVM mapping of the range, and every process mapping of a mappable
 * file, is gone before a chunk changes owner; the source keeps its size
 * with holes there.  Contents, holes and prepared state move as they are;
 * the pool's free count does not change.
 *
 * Return: the new file's descriptor; -EFAULT; -EINVAL for a range that is
 * empty, not made of whole chunks or not inside the file, or a non-zero
 * flags or reserved word; -EBUSY if the source is preserved for a kexec;
 * -EOPNOTSUPP if an SEV-SNP VM uses the source; -ENOMEM, -EMFILE.
 */
long kvm_gmem_pool_carve_out(struct file *file, void __user *argp)
{
	struct inode *inode = file_inode(file);
	struct kvm_gmem_pool *src = kvm_gmem_pool_of(inode), *dst;
	struct kvm_gmem_pool_carve args;
	struct file *nfile;
	int fd, r;

	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	r = kvm_gmem_pool_carve_check(inode, src, &args);
	if (r)
		return r;

	dst = kvm_gmem_pool_create(args.size, src->nid);
	if (IS_ERR(dst))
		return PTR_ERR(dst);
	fd = get_unused_fd_flags(0);
	if (fd < 0) {
		kvm_gmem_pool_destroy(dst);
		return fd;
	}
	nfile = kvm_gmem_create_file(args.size, (unsigned long)inode->i_private,
				     dst);
	if (IS_ERR(nfile)) {
		put_unused_fd(fd);
		return PTR_ERR(nfile);
	}

	r = kvm_gmem_pool_carve_move(inode, src, dst,
				     args.offset >> (PAGE_SHIFT + src->order));
	if (r) {
		fput(nfile);
		put_unused_fd(fd);
		return r;
	}
	fd_install(fd, nfile);
	return fd;
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

struct kvm_gmem_pool_fill {
	struct kvm_gmem_pool *pool;
	u64 given;
};

static void kvm_gmem_pool_fill_slot(u64 slot, unsigned long pfn, void *arg)
{
	struct kvm_gmem_pool_fill *f = arg;
	struct kvm_gmem_pool *pool = f->pool;

	if (WARN_ON_ONCE(slot >= pool->nr_chunks))
		return;
	pool->chunks[slot] = pfn;
	f->given++;
	/* Charged up front by the retrieve: one reference per chunk. */
	if (pool->charged)
		pool->charged[slot] = get_current_misc_cg();
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
	struct kvm_gmem_pool_fill f = {};
	struct kvm_gmem_pool *pool;
	struct misc_cg *cg;
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
	/* The retriever's VMM owns the memory now: its cgroup pays, or no one. */
	r = kvm_gmem_pool_charge(pool, desc->nr_held, &cg);
	if (r) {
		fput(file);
		return ERR_PTR(r);
	}
	f.pool = pool;
	r = gmem_handover_fill(fill, pool->owner, kvm_gmem_pool_fill_slot, &f);
	if (cg) {
		/* Only a bug gives fewer chunks than the record said. */
		if (f.given < desc->nr_held)
			misc_cg_uncharge(MISC_CG_RES_GMEM_POOL, cg,
					 (desc->nr_held - f.given) *
					 kvm_gmem_pool_chunk_bytes(pool));
		put_misc_cg(cg);
	}
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

/*
 * Host mappings of guest pages (kvm_vcpu_map()).
 *
 * kvm_vcpu_map() finds the pfn of a gfn through the memslot's process
 * mapping and keeps a kernel mapping of it for as long as its caller wants:
 * nested VMX keeps the virtual-APIC, APIC-access and posted-interrupt pages
 * until the nested VM-exit, and gives their host addresses to the hardware.
 * A page of ordinary memory is held by a reference; a chunk of a mapped pool
 * file has no struct page, so its chunk is pinned in the carveout instead:
 * a punch of the range then leaves the chunk out of the pool
 * (GMEM_CHUNK_OWNER_PINNED) until kvm_vcpu_unmap(), and no other file can be
 * handed memory that the mapping, or the hardware, still writes.
 */

/**
 * kvm_gmem_pool_map_pfn() - kvm_vcpu_map() of a page of pool memory
 * @kvm: the VM
 * @gfn: the guest frame, in a memslot that maps a pool file
 * @pfn: the pool pfn that kvm_vcpu_map() found for @gfn
 *
 * Pins the chunk, then looks @gfn up again: the first lookup held nothing,
 * so the chunk may have been punched and handed out since; only if @gfn
 * still maps @pfn is the pin the right one.  The mapping carries the
 * carveout's attributes (write-back, encrypted where the host is).
 *
 * Context: process context, may sleep.
 * Return: the kernel address of @pfn, or NULL if the chunk is not in use,
 * was retired or changed hands, or cannot be mapped.
 */
void *kvm_gmem_pool_map_pfn(struct kvm *kvm, gfn_t gfn, kvm_pfn_t pfn)
{
	void *hva;

	if (kvm_gmem_pool_pin(pfn))
		return NULL;
	if (kvm_gmem_pool_gfn_to_pfn(kvm, gfn) != pfn) {
		kvm_gmem_pool_unpin(pfn);
		return NULL;
	}
	hva = kvm_gmem_pool_kmap(pfn);
	if (!hva)
		kvm_gmem_pool_unpin(pfn);
	return hva;
}

/**
 * kvm_gmem_pool_unmap_pfn() - undo kvm_gmem_pool_map_pfn()
 * @pfn: the pfn it mapped
 * @hva: the address it returned
 *
 * The chunk's last unpin frees it if its file let it go meanwhile.
 */
void kvm_gmem_pool_unmap_pfn(kvm_pfn_t pfn, void *hva)
{
	kvm_gmem_pool_kunmap(hva);
	kvm_gmem_pool_unpin(pfn);
}

/*
 * Drop every mapping of the chunk at @chunk_pfn, if @pool holds it: SPTEs of
 * every VM bound to the file and, for a mappable file, every process mapping
 * (and through the MMU notifiers the SPTEs built from it).  The carveout set
 * the chunk's poisoned bit first, so every later fault finds it and fails.
 */
static void kvm_gmem_pool_drop_chunk(struct kvm_gmem_pool *pool,
				     unsigned long chunk_pfn)
{
	struct address_space *mapping = pool->mapping;
	pgoff_t idx, first, last;
	struct kvm_gmem *gmem;

	filemap_invalidate_lock(mapping);
	mutex_lock(&pool->lock);
	for (idx = 0; idx < pool->nr_chunks; idx++)
		if (pool->chunks[idx] == chunk_pfn)
			break;
	mutex_unlock(&pool->lock);
	if (idx == pool->nr_chunks)
		goto out;

	first = idx << pool->order;
	last = first + kvm_gmem_pool_chunk_pages(pool);
	list_for_each_entry(gmem, &mapping->i_private_list, entry)
		kvm_gmem_invalidate_begin(gmem, first, last);
	if (kvm_gmem_pool_mappable(mapping->host))
		unmap_mapping_range(mapping, (loff_t)first << PAGE_SHIFT,
				    (loff_t)(last - first) << PAGE_SHIFT, true);
	list_for_each_entry(gmem, &mapping->i_private_list, entry)
		kvm_gmem_invalidate_end(gmem, first, last);
out:
	filemap_invalidate_unlock(mapping);
}

/*
 * The carveout retired a chunk that the file of @owner held: find the file,
 * if it still exists, and drop the chunk's mappings.  A file that gave the
 * chunk up (or was preserved: its owner id is the hand-over's) has none.
 */
static int kvm_gmem_pool_poisoned_cb(unsigned long chunk_pfn, u32 owner,
				     int flags)
{
	struct kvm_gmem_pool *pool;

	mutex_lock(&kvm_gmem_pool_owners_lock);
	pool = xa_load(&kvm_gmem_pool_owners, owner);
	if (pool && pool->mapping)
		kvm_gmem_pool_drop_chunk(pool, chunk_pfn);
	mutex_unlock(&kvm_gmem_pool_owners_lock);
	return 0;
}

static const struct gmem_carveout_owner_ops kvm_gmem_pool_owner_ops = {
	.memory_failure	= kvm_gmem_pool_poisoned_cb,
};

/**
 * kvm_gmem_pool_init() - set the pool's cgroup capacity, and let the
 *	hand-over preserve pool files
 * @module: KVM's module, pinned while a session holds a pool file
 *
 * The capacity of the misc cgroup resource ``gmem_pool`` is the size of
 * every pool, in bytes of chunks.
 */
void kvm_gmem_pool_init(struct module *module)
{
	u64 total = 0;
	int nid, r;

	for_each_node(nid)
		total += kvm_gmem_pool_node_bytes(nid);
	misc_cg_set_capacity(MISC_CG_RES_GMEM_POOL, total);

	kvm_gmem_pool_handover_ops.owner = module;
	r = gmem_handover_register(&kvm_gmem_pool_handover_ops);
	if (r)
		pr_err("pool files cannot be preserved: %pe\n", ERR_PTR(r));
	gmem_carveout_register_owner(&kvm_gmem_pool_owner_ops);
}

/**
 * kvm_gmem_pool_exit() - undo kvm_gmem_pool_init()
 */
void kvm_gmem_pool_exit(void)
{
	gmem_carveout_unregister_owner(&kvm_gmem_pool_owner_ops);
	gmem_handover_unregister(&kvm_gmem_pool_handover_ops);
}

#ifdef CONFIG_KVM_GUEST_MEMFD_POOL_KUNIT_TEST
#include "guest_memfd_pool_kunit.h"
#endif
