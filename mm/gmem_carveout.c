// SPDX-License-Identifier: GPL-2.0
/*
 * Boot-time carveout of per-node memory pools for guest_memfd.
 *
 * DOC: gmem pool carveout
 *
 * Each pool asked for with gmem_pool= is taken out of memblock right after
 * the NUMA layout is known (gmem_carveout_reserve(), called by x86
 * setup_arch() after initmem_init()) and before sparse_init() builds the
 * memmap, so no struct page ever exists for it.  Pools cover whole memory
 * sections, so no section is shared with ordinary RAM.  The e820 table is
 * told the range is reserved, so /proc/iomem does not list it as System
 * RAM and kexec_file never places a segment in it.
 *
 * The direct map was built before NUMA was known and still maps the pool,
 * so activation (a core_initcall) unmaps that alias, claims an iomem
 * resource, maps the metadata area and formats it.  From then on chunks
 * are handed out zeroed, through a temporary mapping of their own.
 *
 * Lock order: the only lock is each pool's spinlock (gmem_chunk_alloc.c),
 * a leaf.  Pools are set up once, at boot, and never go away.
 */

#define pr_fmt(fmt) "gmem_pool: " fmt

#include <linux/bitmap.h>
#include <linux/cache.h>
#include <linux/gmem_carveout.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/nodemask.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/set_memory.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <asm/e820/api.h>
#include <asm/memtype.h>
#include <asm/sections.h>
#include <asm/tlbflush.h>

#include "gmem_carveout.h"

/*
 * One pool per node, indexed by nid.  A pool is reserved when
 * layout.size != 0 and usable once active; both are set during boot,
 * before anything that could call the API runs, and never change after.
 */
static struct gmem_pool gmem_pools[MAX_NUMNODES];
/*
 * The nodes whose pool is active, so that lookups by address (every KVM
 * mapping of a pool pfn goes through one) visit only those.
 */
static nodemask_t gmem_pool_nodes __ro_after_init;
/* Chunk size of every pool, 0 while no pool is active. */
static unsigned int gmem_pool_chunk_shift __ro_after_init;

static u64 gmem_mib(u64 bytes)
{
	return bytes >> 20;
}

static bool __init gmem_carveout_node_ok(int nid)
{
	if (!node_possible(nid)) {
		pr_err("node %d: no such node, pool skipped\n", nid);
		return false;
	}
	if (!node_online(nid)) {
		pr_err("node %d: node has no memory, pool skipped\n", nid);
		return false;
	}
	return true;
}

/* Is all of [base, end) memory of @nid (of any node if MAX_NUMNODES)? */
static bool __init gmem_carveout_covered(phys_addr_t base, phys_addr_t end,
					 int nid)
{
	unsigned long start_pfn, end_pfn;
	phys_addr_t cur = base;
	int i;

	for_each_mem_pfn_range(i, nid, &start_pfn, &end_pfn, NULL) {
		if (PFN_PHYS(start_pfn) <= cur && PFN_PHYS(end_pfn) > cur)
			cur = min_t(phys_addr_t, PFN_PHYS(end_pfn), end);
		if (cur >= end)
			return true;
	}
	return false;
}

static int __init gmem_carveout_pool_overlap(phys_addr_t base,
					     phys_addr_t end)
{
	int nid;

	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		const struct gmem_pool_layout *o = &gmem_pools[nid].layout;

		if (o->size && base < o->base + o->size && o->base < end)
			return nid;
	}
	return NUMA_NO_NODE;
}

/* Checks of a fixed placement, in the order that gives the clearest message. */
static int __init gmem_carveout_check_fixed(int nid,
					    const struct gmem_pool_layout *l)
{
	phys_addr_t base = l->base, end = l->base + l->size;
	phys_addr_t kstart = __pa_symbol(_text), kend = __pa_symbol(_end);
	int other = gmem_carveout_pool_overlap(base, end);

	if (other != NUMA_NO_NODE) {
		pr_err("node %d: @%pa overlaps the pool of node %d, pool skipped\n",
		       nid, &base, other);
		return -EBUSY;
	}
	if (base < kend && kstart < end) {
		pr_err("node %d: @%pa + %llu MiB overlaps the kernel image, pool skipped\n",
		       nid, &base, gmem_mib(l->size));
		return -EBUSY;
	}
	if (!gmem_carveout_covered(base, end, MAX_NUMNODES)) {
		pr_err("node %d: @%pa + %llu MiB is not all RAM, pool skipped\n",
		       nid, &base, gmem_mib(l->size));
		return -EINVAL;
	}
	if (!gmem_carveout_covered(base, end, nid)) {
		pr_err("node %d: @%pa + %llu MiB is not all on node %d, pool skipped\n",
		       nid, &base, gmem_mib(l->size), nid);
		return -EINVAL;
	}
	if (memblock_is_region_reserved(base, l->size)) {
		pr_err("node %d: @%pa + %llu MiB overlaps reserved memory (initrd, firmware or early allocations), pool skipped\n",
		       nid, &base, gmem_mib(l->size));
		return -EBUSY;
	}
	return 0;
}

/*
 * Fixed placements held in memblock.reserved from e820__memblock_setup()
 * until gmem_carveout_reserve() takes them.  In between, before NUMA is
 * known, early allocations (page tables of the direct map, ACPI copies, a
 * relocated initrd) are served top-down from memblock and could land in a
 * pool that a kexec'ed kernel must find untouched.
 */
static struct gmem_pool_hold {
	phys_addr_t base;
	phys_addr_t size;
} gmem_carveout_holds[MAX_NUMNODES] __initdata;

/**
 * gmem_carveout_hold_fixed() - keep early allocations out of fixed pools
 *
 * Called once by the architecture's setup code as soon as memblock knows
 * the memory, before any early allocation.  Holds every ``@<phys>``
 * placement of gmem_pool= that is laid out well, all memory and not yet
 * reserved; gmem_carveout_reserve() checks and reports every placement,
 * held or not, and releases each hold before it takes the pool.
 */
void __init gmem_carveout_hold_fixed(void)
{
	unsigned int chunk_shift = gmem_pool_requested_chunk_shift();
	const struct gmem_pool_request *reqs;
	struct gmem_pool_layout l;
	int i, n = gmem_pool_requests(&reqs);

	for (i = 0; i < n && chunk_shift; i++) {
		if (!reqs[i].fixed ||
		    !IS_ALIGNED(reqs[i].phys, GMEM_POOL_SECTION_SIZE) ||
		    gmem_pool_layout_room(reqs[i].phys, reqs[i].size,
					  chunk_shift, reqs[i].record_room,
					  &l) ||
		    !memblock_is_region_memory(l.base, l.size) ||
		    memblock_is_region_reserved(l.base, l.size))
			continue;
		memblock_reserve(l.base, l.size);
		gmem_carveout_holds[reqs[i].nid].base = l.base;
		gmem_carveout_holds[reqs[i].nid].size = l.size;
	}
}

static void __init gmem_carveout_release_hold(int nid)
{
	struct gmem_pool_hold *hold = &gmem_carveout_holds[nid];

	if (hold->size)
		memblock_phys_free(hold->base, hold->size);
	hold->size = 0;
}

static int __init gmem_carveout_place_fixed(const struct gmem_pool_request *req,
					    unsigned int chunk_shift,
					    struct gmem_pool_layout *l)
{
	if (!IS_ALIGNED(req->phys, GMEM_POOL_SECTION_SIZE)) {
		pr_err("node %d: @%pa is not aligned to %llu MiB, pool skipped\n",
		       req->nid, &req->phys, gmem_mib(GMEM_POOL_SECTION_SIZE));
		return -EINVAL;
	}
	if (gmem_pool_layout_room(req->phys, req->size, chunk_shift,
				  req->record_room, l)) {
		pr_err("node %d: %llu MiB at @%pa cannot be laid out, pool skipped\n",
		       req->nid, gmem_mib(req->size), &req->phys);
		return -EINVAL;
	}
	return gmem_carveout_check_fixed(req->nid, l);
}

/*
 * A 1 GiB-chunk pool starts one metadata head below a 1 GiB boundary, so
 * the metadata costs a section instead of a gigabyte.  Try every boundary
 * of every range of the node until one whole placement is free.
 */
static phys_addr_t __init gmem_carveout_find_1g(int nid,
						const struct gmem_pool_layout *l)
{
	phys_addr_t head = l->chunk_base - l->base, start, end, x, base;
	unsigned long start_pfn, end_pfn;
	int i;

	for_each_mem_pfn_range(i, nid, &start_pfn, &end_pfn, NULL) {
		start = PFN_PHYS(start_pfn);
		end = PFN_PHYS(end_pfn);
		if (end - start < l->size)
			continue;
		for (x = ALIGN_DOWN(end - l->size + head, SZ_1G);
		     x >= start + head; x -= SZ_1G) {
			base = memblock_alloc_range_nid(l->size,
							GMEM_POOL_SECTION_SIZE,
							x - head,
							x - head + l->size,
							nid, true);
			if (base)
				return base;
			if (x < SZ_1G)
				break;
		}
	}
	return 0;
}

static int __init gmem_carveout_place_auto(const struct gmem_pool_request *req,
					   unsigned int chunk_shift,
					   struct gmem_pool_layout *l)
{
	/* The layout only depends on the base modulo the chunk size. */
	phys_addr_t model = chunk_shift == GMEM_POOL_CHUNK_SHIFT_1G ?
			    SZ_1G - GMEM_POOL_SECTION_SIZE : 0;
	phys_addr_t base;

	if (gmem_pool_layout_room(model, req->size, chunk_shift,
				  req->record_room, l)) {
		pr_err("node %d: %llu MiB cannot be laid out, pool skipped\n",
		       req->nid, gmem_mib(req->size));
		return -EINVAL;
	}
	if (chunk_shift == GMEM_POOL_CHUNK_SHIFT_1G)
		base = gmem_carveout_find_1g(req->nid, l);
	else
		base = memblock_alloc_range_nid(l->size, GMEM_POOL_SECTION_SIZE,
						0, MEMBLOCK_ALLOC_ACCESSIBLE,
						req->nid, true);
	if (!base) {
		pr_err("node %d: no free %llu MiB range for %llu MiB of chunks, pool skipped\n",
		       req->nid, gmem_mib(l->size), gmem_mib(req->size));
		return -ENOMEM;
	}
	/* Only held to find the place; gmem_carveout_take() removes it. */
	memblock_phys_free(base, l->size);
	return gmem_pool_layout_room(base, req->size, chunk_shift,
				     req->record_room, l);
}

static void __init gmem_carveout_take(const struct gmem_pool_layout *l)
{
	/* Out of memblock.memory: sparse_init() builds no memmap for it. */
	memblock_remove(l->base, l->size);
	/*
	 * /proc/iomem is built from e820_table later in setup_arch(): marking
	 * the range reserved keeps it out of "System RAM", so kexec never
	 * loads a segment into it.  e820_table_kexec, the map handed to the
	 * next kernel, is left alone on purpose: whether the next kernel sees
	 * the pool as RAM is the live-update code's decision.
	 */
	e820__range_update(l->base, l->size, E820_TYPE_RAM, E820_TYPE_RESERVED);
	e820__update_table(e820_table);
}

static void __init gmem_carveout_reserve_one(const struct gmem_pool_request *req,
					     unsigned int chunk_shift)
{
	struct gmem_pool *pool = &gmem_pools[req->nid];
	struct gmem_pool_layout l;
	int ret;

	/* Nothing allocates between this release and the checks below. */
	gmem_carveout_release_hold(req->nid);
	if (!gmem_carveout_node_ok(req->nid))
		return;
	if (req->fixed)
		ret = gmem_carveout_place_fixed(req, chunk_shift, &l);
	else
		ret = gmem_carveout_place_auto(req, chunk_shift, &l);
	if (ret)
		return;

	gmem_carveout_take(&l);
	pool->layout = l;
	pool->nid = req->nid;
	if (l.size != req->size)
		pr_info("node %d: requested %llu MiB, reserved %llu MiB, %lu chunks, because sections are %llu MiB\n",
			req->nid, gmem_mib(req->size), gmem_mib(l.size),
			l.nchunks, gmem_mib(GMEM_POOL_SECTION_SIZE));
}

/**
 * gmem_carveout_reserve() - carve the pools asked for by gmem_pool=
 *
 * Called once by the architecture's setup code after the NUMA layout is
 * known and before the memmap is built.  Entries that cannot be honoured
 * are reported and skipped; the others are reserved.
 */
void __init gmem_carveout_reserve(void)
{
	unsigned int chunk_shift = gmem_pool_requested_chunk_shift();
	const struct gmem_pool_request *reqs;
	int i, n = gmem_pool_requests(&reqs);

	if (!n || !chunk_shift)
		return;

	/* Fixed placements first, so that no automatic one takes their room. */
	for (i = 0; i < n; i++)
		if (reqs[i].fixed)
			gmem_carveout_reserve_one(&reqs[i], chunk_shift);
	for (i = 0; i < n; i++)
		if (!reqs[i].fixed)
			gmem_carveout_reserve_one(&reqs[i], chunk_shift);
	gmem_pool_chunk_shift = chunk_shift;
}

static int __init gmem_carveout_unmap_direct(const struct gmem_pool_layout *l)
{
	unsigned long addr = (unsigned long)__va(l->base);
	phys_addr_t off;
	int ret;

	/* A section at a time: set_memory_np() counts pages in an int. */
	for (off = 0; off < l->size; off += GMEM_POOL_SECTION_SIZE) {
		ret = set_memory_np(addr + off,
				    GMEM_POOL_SECTION_SIZE >> PAGE_SHIFT);
		if (ret)
			return ret;
	}
	return 0;
}

static int __init gmem_carveout_add_resource(struct gmem_pool *pool)
{
	const struct gmem_pool_layout *l = &pool->layout;
	struct resource *res = &pool->res;

	snprintf(pool->res_name, sizeof(pool->res_name), "gmem pool node %d",
		 pool->nid);
	res->name = pool->res_name;
	res->start = l->base;
	res->end = l->base + l->size - 1;
	/*
	 * Exclusive: with STRICT_DEVMEM alone /dev/mem would still map a
	 * busy range that is not System RAM, i.e. guest memory.
	 */
	res->flags = IORESOURCE_MEM | IORESOURCE_BUSY | IORESOURCE_EXCLUSIVE;
	res->desc = IORES_DESC_RESERVED;
	return insert_resource(&iomem_resource, res);
}

/*
 * Once the pool is no longer System RAM, PAT has no memtype for it and
 * would make a user mapping of a chunk (GUEST_MEMFD_FLAG_POOL_MMAP) UC-:
 * vmf_insert_pfn() and vmf_insert_pfn_pmd() look the memtype up.  Say once
 * that the whole pool is write-back RAM; memremap() of a part of it
 * reserves the same type and does not conflict.
 */
static int __init gmem_carveout_reserve_memtype(const struct gmem_pool_layout *l)
{
	return memtype_reserve(l->base, l->base + l->size, _PAGE_CACHE_MODE_WB,
			       NULL);
}

static int __init gmem_carveout_activate_one(int nid)
{
	struct gmem_pool *pool = &gmem_pools[nid];
	const struct gmem_pool_layout *l = &pool->layout;
	void *meta;
	int ret;

	/* Before anything else, so that failing here leaves the RAM as it is. */
	pool->poisoned = bitmap_zalloc(l->nchunks, GFP_KERNEL);
	if (!pool->poisoned)
		return -ENOMEM;
	ret = gmem_carveout_unmap_direct(l);
	if (ret)
		goto free_poisoned;
	ret = gmem_carveout_add_resource(pool);
	if (ret)
		goto free_poisoned;
	ret = gmem_carveout_reserve_memtype(l);
	if (ret)
		goto release_resource;
	/* Not System RAM any more: memremap() takes the ioremap path. */
	meta = memremap(l->base, l->meta_span, MEMREMAP_WB);
	if (!meta) {
		ret = -ENOMEM;
		goto free_memtype;
	}
	/* Formats the allocator metadata only: the record room is not touched. */
	gmem_pool_init_meta(pool, meta);
	pool->active = true;
	node_set(nid, gmem_pool_nodes);
	pr_info("node %d: %llu MiB at %pa, %lu chunks of %llu MiB\n",
		nid, gmem_mib(l->size), &l->base, l->nchunks,
		gmem_mib(1ULL << l->chunk_shift));
	return 0;

free_memtype:
	memtype_free(l->base, l->base + l->size);
release_resource:
	release_resource(&pool->res);
free_poisoned:
	bitmap_free(pool->poisoned);
	pool->poisoned = NULL;
	return ret;
}

/*
 * A lone, aligned 2 MiB piece (a 2 MiB chunk) is zeroed through a window of
 * the zeroing CPU: 2 MiB of kernel address space, reserved at boot, whose
 * PMD entry is pointed at the piece with preemption off, and cleared and
 * flushed from that CPU's TLB only afterwards, as kmap_local() flushes its
 * per-CPU slots.  No other CPU ever uses the window, so no other TLB holds
 * its entry: zeroing costs no vmap area, no memtype lookup and no TLB flush
 * on other CPUs, as hugetlbfs's zeroing through the direct map costs none.
 * The entry covers exactly the piece being zeroed (see gmem_carveout_map()
 * for why SEV-SNP needs that) and is write-back and encrypted like the
 * direct map (PAGE_KERNEL_LARGE).  Each window is set up once and never
 * freed; @pmd stays NULL on a CPU whose window could not be made.
 */
struct gmem_zero_window {
	unsigned long addr;
	pmd_t *pmd;
};

static DEFINE_PER_CPU(struct gmem_zero_window, gmem_zero_windows);
/* Set once every possible CPU has a window. */
static bool gmem_zero_windows_ready __ro_after_init;

static pmd_t * __init gmem_carveout_window_pmd(unsigned long addr)
{
	pgd_t *pgd = pgd_offset_k(addr);
	p4d_t *p4d;
	pud_t *pud;

	p4d = p4d_alloc(&init_mm, pgd, addr);
	pud = p4d ? pud_alloc(&init_mm, p4d, addr) : NULL;
	return pud ? pmd_alloc(&init_mm, pud, addr) : NULL;
}

static void __init gmem_carveout_init_windows(void)
{
	struct gmem_zero_window *w;
	struct vm_struct *area;
	int cpu;

	for_each_possible_cpu(cpu) {
		/* VM_IOREMAP areas are aligned to their size: one PMD. */
		area = get_vm_area(GMEM_POOL_ZERO_PIECE, VM_IOREMAP);
		if (!area)
			return;
		w = per_cpu_ptr(&gmem_zero_windows, cpu);
		w->addr = (unsigned long)area->addr;
		if (!IS_ALIGNED(w->addr, GMEM_POOL_ZERO_PIECE))
			return;
		w->pmd = gmem_carveout_window_pmd(w->addr);
		if (!w->pmd || !pmd_none(*w->pmd))
			return;
	}
	gmem_zero_windows_ready = true;
}

static int __init gmem_carveout_activate(void)
{
	int nid, ret;
	bool any = false;

	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		if (!gmem_pools[nid].layout.size)
			continue;
		ret = gmem_carveout_activate_one(nid);
		if (ret)
			/* The range stays out of the kernel's hands: leaked. */
			pr_err("node %d: pool cannot be activated (%pe), its memory is lost\n",
			       nid, ERR_PTR(ret));
		else
			any = true;
	}
	if (!any)
		gmem_pool_chunk_shift = 0;
	else
		gmem_carveout_init_windows();
	return 0;
}
core_initcall(gmem_carveout_activate);

/**
 * gmem_pool_get() - the active pool of a node
 * @nid: NUMA node id
 *
 * Return: the pool, or NULL if @nid has no active pool.
 */
struct gmem_pool *gmem_pool_get(int nid)
{
	if (nid < 0 || nid >= MAX_NUMNODES || !gmem_pools[nid].active)
		return NULL;
	return &gmem_pools[nid];
}
EXPORT_SYMBOL_IF_KUNIT(gmem_pool_get);

/**
 * gmem_pool_next() - walk the active pools, by ascending node
 * @pool: the pool the walk is at, or NULL to start it
 *
 * ``for (pool = gmem_pool_next(NULL); pool; pool = gmem_pool_next(pool))``
 * visits every active pool once.
 *
 * Return: the active pool of the lowest node above @pool's, or NULL.
 */
struct gmem_pool *gmem_pool_next(const struct gmem_pool *pool)
{
	int nid = pool ? next_node(pool->nid, gmem_pool_nodes) :
			 first_node(gmem_pool_nodes);

	return nid < MAX_NUMNODES ? &gmem_pools[nid] : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_pool_next);

/**
 * gmem_carveout_record_pool() - the pool that keeps the hand-over record
 *
 * Return: the active pool with room for the record, or NULL if there is
 * none (no pool, or the pool of the lowest requested node could not be
 * reserved).
 */
struct gmem_pool *gmem_carveout_record_pool(void)
{
	int nid;

	for_each_node_mask(nid, gmem_pool_nodes)
		if (gmem_pools[nid].layout.record_room)
			return &gmem_pools[nid];
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_carveout_record_pool);

/**
 * gmem_carveout_stop_alloc() - allocate no chunk any more
 *
 * Called by the hand-over when it seals the record for a kexec: from then
 * on gmem_carveout_alloc() fails with -EBUSY, so no chunk freed after the
 * seal is handed out again before the machine is down.  There is no way
 * back: the kexec cannot fail past that point.
 */
void gmem_carveout_stop_alloc(void)
{
	int nid;

	for_each_node_mask(nid, gmem_pool_nodes) {
		spin_lock(&gmem_pools[nid].lock);
		gmem_pools[nid].stopped = true;
		spin_unlock(&gmem_pools[nid].lock);
	}
}

/**
 * gmem_carveout_pool_of() - the active pool whose chunks contain a pfn
 * @pfn: page frame number, any value
 *
 * Return: the pool, or NULL if @pfn is in no chunk of an active pool.
 */
struct gmem_pool *gmem_carveout_pool_of(unsigned long pfn)
{
	phys_addr_t phys = PFN_PHYS(pfn);
	int nid;

	for_each_node_mask(nid, gmem_pool_nodes) {
		struct gmem_pool *pool = &gmem_pools[nid];
		const struct gmem_pool_layout *l = &pool->layout;

		if (phys >= l->chunk_base &&
		    phys < l->chunk_base + ((u64)l->nchunks << l->chunk_shift))
			return pool;
	}
	return NULL;
}

/**
 * gmem_carveout_chunk_order() - page order of the pools' chunks
 *
 * Return: 9 for 2 MiB chunks, 18 for 1 GiB chunks, 0 if no pool is active.
 */
unsigned int gmem_carveout_chunk_order(void)
{
	return gmem_pool_chunk_shift ? gmem_pool_chunk_shift - PAGE_SHIFT : 0;
}
EXPORT_SYMBOL_GPL(gmem_carveout_chunk_order);

/**
 * gmem_carveout_active() - whether any pool is active
 *
 * Hibernation asks: an image of the kernel would not contain the pools,
 * and the kernel that restores it would format their metadata anew while
 * the restored files still hold chunks.
 *
 * Return: true once a pool has been activated; pools never go away.
 */
bool gmem_carveout_active(void)
{
	return gmem_pool_chunk_shift;
}

/**
 * gmem_carveout_node_bytes() - size of a node's pool, in bytes of chunks
 * @nid: NUMA node id
 *
 * Return: the number of chunks of @nid's active pool times the chunk size,
 * free or not; 0 if @nid has no active pool.
 */
u64 gmem_carveout_node_bytes(int nid)
{
	struct gmem_pool *pool = gmem_pool_get(nid);

	if (!pool)
		return 0;
	return (u64)pool->layout.nchunks << pool->layout.chunk_shift;
}
EXPORT_SYMBOL_GPL(gmem_carveout_node_bytes);

/**
 * gmem_carveout_node_has_pool() - whether a node has an active pool
 * @nid: NUMA node id, any value
 *
 * Return: true if chunks can be allocated on @nid.
 */
bool gmem_carveout_node_has_pool(int nid)
{
	return gmem_pool_get(nid);
}
EXPORT_SYMBOL_GPL(gmem_carveout_node_has_pool);

/*
 * A kernel mapping of pool memory, with the attributes the direct map gave
 * it before activation: write-back, and encrypted when the host encrypts its
 * memory (SME: pgprot_encrypted() sets the C-bit, a no-op without SME).  The
 * pool is not System RAM any more, so memremap() would take ioremap_cache(),
 * which maps it decrypted and ignores MEMREMAP_ENC on that path: what the
 * kernel writes would not be what a guest (whose NPT entries carry the
 * C-bit), a VMM (whose user mappings do) or the SEV firmware (given
 * __sme_set() addresses) reads back.
 */
static void *gmem_carveout_remap(phys_addr_t phys, size_t size)
{
#ifdef ioremap_encrypted
	return (void __force *)ioremap_encrypted(phys, size);
#else
	return memremap(phys, size, MEMREMAP_WB);
#endif
}

/*
 * Zero the 2 MiB piece at @phys, 2 MiB aligned, through this CPU's window;
 * preemption stays off meanwhile, so nothing else runs on the window.
 */
static void gmem_carveout_zero_piece(phys_addr_t phys)
{
	struct gmem_zero_window *w;

	preempt_disable();
	w = this_cpu_ptr(&gmem_zero_windows);
	set_pmd(w->pmd, pfn_pmd(PHYS_PFN(phys), PAGE_KERNEL_LARGE));
	memset((void *)w->addr, 0, GMEM_POOL_ZERO_PIECE);
	pmd_clear(w->pmd);
	flush_tlb_one_kernel(w->addr);
	preempt_enable();
}

/*
 * Zero [@phys, @phys + @len), which lies in one chunk.  A single aligned
 * 2 MiB piece (a 2 MiB chunk) goes through the CPU's window
 * (gmem_zero_windows).  Any other range (a 1 GiB chunk, a punch inside a
 * chunk) is mapped once, all of it and never more, and cleared a piece at a
 * time, yielding the CPU between pieces: a mapping costs a vmap area, a
 * memtype entry and page-table writes, and its unmapping a kernel TLB flush
 * on every CPU (when the lazy vunmap purge runs), once per range instead of
 * once per 2 MiB; the window would flush this CPU's TLB 512 times for a
 * 1 GiB chunk.
 */
static int gmem_carveout_zero(phys_addr_t phys, u64 len)
{
	u64 off;
	void *va;

	if (gmem_zero_windows_ready && len == GMEM_POOL_ZERO_PIECE &&
	    IS_ALIGNED(phys, GMEM_POOL_ZERO_PIECE)) {
		gmem_carveout_zero_piece(phys);
		return 0;
	}

	va = gmem_carveout_remap(phys, len);
	if (!va)
		return -ENOMEM;
	for (off = 0; off < len; off += GMEM_POOL_ZERO_PIECE) {
		memset(va + off, 0, min_t(u64, len - off, GMEM_POOL_ZERO_PIECE));
		cond_resched();
	}
	memunmap(va);
	return 0;
}

/**
 * gmem_carveout_chunk_left() - pages from a pfn to the end of its chunk
 * @pfn: page frame number, any value
 *
 * Lets a user of pool pfns tell them from memory with a struct page, and
 * check that a range of them stays inside one chunk.
 *
 * Return: the number of pages from @pfn (included) to the end of the chunk
 * that holds it, at least 1; 0 if @pfn is not in a chunk of an active pool.
 */
unsigned long gmem_carveout_chunk_left(unsigned long pfn)
{
	struct gmem_pool *pool = gmem_carveout_pool_of(pfn);
	u64 chunk, off;

	if (!pool)
		return 0;
	chunk = 1ULL << pool->layout.chunk_shift;
	off = (PFN_PHYS(pfn) - pool->layout.chunk_base) & (chunk - 1);
	return (chunk - off) >> PAGE_SHIFT;
}
EXPORT_SYMBOL_GPL(gmem_carveout_chunk_left);

/**
 * gmem_carveout_map() - map pages of one chunk into the kernel
 * @pfn: first pfn of the range
 * @nr_pages: number of pages, not zero, at most 2 MiB worth
 *
 * Pool memory has no direct map alias and no struct page, so kmap() and
 * __va() cannot reach it; this is the temporary mapping to use instead
 * (SEV writes launch data and flushes caches through it).  The mapping is
 * write-back and carries the direct map's encryption attribute (see
 * gmem_carveout_remap()), so it sees what the zeroing wrote.  A range of
 * 2 MiB that is 2 MiB aligned may be mapped with one PMD entry, never a
 * larger one: SEV-SNP faults a write through a mapping whose 2 MiB range
 * holds a guest-private page, so the caller must know what one entry
 * covers.  Undo with gmem_carveout_unmap().
 *
 * Context: process context, may sleep.
 * Return: the kernel address of @pfn, or NULL if the range is empty, larger
 * than 2 MiB, not inside one chunk of an active pool, in a retired chunk
 * (gmem_carveout_memory_failure()), or cannot be mapped.
 */
void *gmem_carveout_map(unsigned long pfn, unsigned long nr_pages)
{
	if (!nr_pages || nr_pages > GMEM_POOL_ZERO_PIECE >> PAGE_SHIFT ||
	    nr_pages > gmem_carveout_chunk_left(pfn) ||
	    gmem_carveout_pfn_poisoned(pfn))
		return NULL;
	return gmem_carveout_remap(PFN_PHYS(pfn), nr_pages << PAGE_SHIFT);
}
EXPORT_SYMBOL_GPL(gmem_carveout_map);

/**
 * gmem_carveout_unmap() - undo gmem_carveout_map()
 * @addr: the address gmem_carveout_map() returned, or NULL
 *
 * Context: process context, may sleep.
 */
void gmem_carveout_unmap(void *addr)
{
	if (addr)
		memunmap(addr);
}
EXPORT_SYMBOL_GPL(gmem_carveout_unmap);

/**
 * gmem_carveout_pin() - keep a chunk from other owners while it is mapped
 * @pfn: any pfn of a chunk in use
 *
 * For a kernel mapping of pool memory that lives longer than the locks of
 * the chunk's owner (KVM's kvm_vcpu_map()): until gmem_carveout_unpin(),
 * a free of the chunk is deferred, so no other owner is handed memory the
 * mapping can still reach.  The caller must check, after pinning, that the
 * pfn it looked up is still the one it wants: the chunk may have changed
 * hands before the pin.
 *
 * Context: process context, may sleep.
 * Return: 0; -EINVAL if @pfn is not in a chunk in use, or in one retired or
 * let go; -ENOMEM.
 */
int gmem_carveout_pin(unsigned long pfn)
{
	struct gmem_pool *pool = gmem_carveout_pool_of(pfn);

	if (!pool)
		return -EINVAL;
	return gmem_pool_pin_chunk(pool, gmem_pool_chunk_idx(pool, pfn));
}
EXPORT_SYMBOL_GPL(gmem_carveout_pin);

/**
 * gmem_carveout_unpin() - undo gmem_carveout_pin()
 * @pfn: the pfn given to gmem_carveout_pin()
 *
 * An unpin without a pin is a bug: it warns once and changes nothing.
 */
void gmem_carveout_unpin(unsigned long pfn)
{
	struct gmem_pool *pool = gmem_carveout_pool_of(pfn);

	if (WARN_ON_ONCE(!pool))
		return;
	WARN_ON_ONCE(gmem_pool_unpin_chunk(pool,
					   gmem_pool_chunk_idx(pool, pfn)));
}
EXPORT_SYMBOL_GPL(gmem_carveout_unpin);

/**
 * gmem_carveout_zero_range() - fill pages of one chunk with zeroes
 * @pfn: first pfn of the range
 * @nr_pages: number of pages, not zero
 *
 * The range is mapped only while it is cleared (one aligned 2 MiB piece
 * through a per-CPU window, anything else with one mapping); the direct
 * map is never restored.  A guest_memfd uses it to clear part of a chunk it keeps
 * (a punch hole smaller than a chunk).
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL if the range is empty or not inside one chunk of an
 * active pool, -EHWPOISON if the chunk was retired (its memory is never
 * touched again), -ENOMEM if no temporary mapping could be made.
 */
int gmem_carveout_zero_range(unsigned long pfn, unsigned long nr_pages)
{
	struct gmem_pool *pool = gmem_carveout_pool_of(pfn);
	phys_addr_t phys = PFN_PHYS(pfn);
	u64 chunk, off;

	if (!pool || !nr_pages)
		return -EINVAL;
	chunk = 1ULL << pool->layout.chunk_shift;
	off = (phys - pool->layout.chunk_base) & (chunk - 1);
	if (nr_pages > (chunk - off) >> PAGE_SHIFT)
		return -EINVAL;
	if (gmem_pool_chunk_poisoned(pool, gmem_pool_chunk_idx(pool, pfn)))
		return -EHWPOISON;
	return gmem_carveout_zero(phys, (u64)nr_pages << PAGE_SHIFT);
}
EXPORT_SYMBOL_GPL(gmem_carveout_zero_range);

/**
 * gmem_carveout_zero_chunk() - fill a chunk with zeroes
 * @pfn: first pfn of a chunk
 *
 * The chunk is mapped only while it is cleared (a 2 MiB chunk through a
 * per-CPU window, a 1 GiB chunk with one mapping); the direct map is never
 * restored.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL if @pfn does not start a chunk of an active pool,
 * -EHWPOISON if the chunk was retired, -ENOMEM if no temporary mapping
 * could be made.
 */
int gmem_carveout_zero_chunk(unsigned long pfn)
{
	struct gmem_pool *pool = gmem_carveout_pool_of(pfn);
	phys_addr_t phys = PFN_PHYS(pfn);
	u64 chunk;

	if (!pool)
		return -EINVAL;
	chunk = 1ULL << pool->layout.chunk_shift;
	if (!IS_ALIGNED(phys - pool->layout.chunk_base, chunk))
		return -EINVAL;
	if (gmem_pool_chunk_poisoned(pool, gmem_pool_chunk_idx(pool, pfn)))
		return -EHWPOISON;
	return gmem_carveout_zero(phys, chunk);
}
EXPORT_SYMBOL_GPL(gmem_carveout_zero_chunk);

/**
 * gmem_carveout_alloc() - allocate one zeroed chunk on a node
 * @nid: NUMA node id
 * @owner: owner id to record, not %GMEM_CHUNK_OWNER_NONE
 * @pfn: first pfn of the chunk; the chunk spans
 *	1 << gmem_carveout_chunk_order() pages
 *
 * The lowest free chunk is taken and zeroed before it is returned.  A chunk
 * that memory_failure() retires before it is zeroed is never returned:
 * the next free one is taken instead.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL if @nid has no pool or @owner is
 * %GMEM_CHUNK_OWNER_NONE, -ENOSPC if the pool is full, -EBUSY once a kexec
 * has stopped allocation, -ENOMEM if the chunk could not be mapped for
 * zeroing.
 */
int gmem_carveout_alloc(int nid, u32 owner, unsigned long *pfn)
{
	struct gmem_pool *pool = gmem_pool_get(nid);
	unsigned long idx, first;
	int ret;

	if (!pool)
		return -EINVAL;
	do {
		ret = gmem_pool_alloc_chunk(pool, owner, &idx);
		if (ret)
			return ret;

		first = gmem_pool_chunk_pfn(pool, idx);
		ret = gmem_carveout_zero_chunk(first);
		if (ret)
			/* A retired chunk passes to GMEM_CHUNK_OWNER_POISONED. */
			gmem_pool_free_chunk(pool, idx, owner);
	} while (ret == -EHWPOISON);
	if (ret)
		return ret;
	*pfn = first;
	return 0;
}
EXPORT_SYMBOL_GPL(gmem_carveout_alloc);

/**
 * gmem_carveout_free() - give a chunk back to its pool
 * @pfn: first pfn of the chunk, as returned by gmem_carveout_alloc()
 * @owner: owner id the chunk was allocated with
 *
 * Freeing a chunk that is not @owner's (a double free, a wrong owner or a
 * pfn that does not start a chunk) is a bug: it warns once and the chunk
 * is left as it is.  The content is not cleared here; the next
 * gmem_carveout_alloc() of the chunk does that.
 */
void gmem_carveout_free(unsigned long pfn, u32 owner)
{
	struct gmem_pool *pool = gmem_carveout_pool_of(pfn);
	unsigned long idx;

	if (WARN_ON_ONCE(!pool))
		return;
	idx = (PFN_PHYS(pfn) - pool->layout.chunk_base) >>
	      pool->layout.chunk_shift;
	if (WARN_ON_ONCE(gmem_pool_chunk_pfn(pool, idx) != pfn))
		return;
	WARN_ON_ONCE(gmem_pool_free_chunk(pool, idx, owner));
}
EXPORT_SYMBOL_GPL(gmem_carveout_free);

/**
 * gmem_carveout_chown() - give a chunk in use to another owner
 * @pfn: first pfn of the chunk
 * @from: the owner that holds it
 * @to: the new owner, not %GMEM_CHUNK_OWNER_NONE
 *
 * The chunk stays in use and keeps its contents: a guest_memfd moves chunks
 * to a new file this way (KVM_GMEM_POOL_CARVE).
 *
 * Return: 0; -EINVAL if @pfn does not start a chunk of an active pool, or
 * the chunk is free or not @from's.
 */
int gmem_carveout_chown(unsigned long pfn, u32 from, u32 to)
{
	struct gmem_pool *pool = gmem_carveout_pool_of(pfn);
	unsigned long idx;

	if (!pool)
		return -EINVAL;
	idx = (PFN_PHYS(pfn) - pool->layout.chunk_base) >>
	      pool->layout.chunk_shift;
	if (gmem_pool_chunk_pfn(pool, idx) != pfn)
		return -EINVAL;
	return gmem_pool_chown_chunk(pool, idx, from, to);
}
EXPORT_SYMBOL_GPL(gmem_carveout_chown);

/**
 * gmem_carveout_pfn_in_pool() - whether a pfn belongs to a pool's chunks
 * @pfn: page frame number
 *
 * Return: true if @pfn lies in a chunk of an active pool, used or not.
 */
bool gmem_carveout_pfn_in_pool(unsigned long pfn)
{
	return gmem_carveout_pool_of(pfn);
}
EXPORT_SYMBOL_GPL(gmem_carveout_pfn_in_pool);

/**
 * gmem_carveout_range_in_pool() - whether a physical range touches a pool
 * @start: first byte of the range
 * @end: first byte after the range (exclusive end)
 *
 * Covers each active pool's whole reservation: its chunks and the metadata
 * area that holds the allocator state and the hand-over record.  kexec uses
 * it to refuse segments that would overwrite guest memory.
 *
 * Return: true if [@start, @end) overlaps an active pool.
 */
bool gmem_carveout_range_in_pool(phys_addr_t start, phys_addr_t end)
{
	int nid;

	for_each_node_mask(nid, gmem_pool_nodes) {
		const struct gmem_pool_layout *l = &gmem_pools[nid].layout;

		if (start < l->base + l->size && end > l->base)
			return true;
	}
	return false;
}

/**
 * gmem_carveout_pfn_to_nid() - node of the pool a pfn belongs to
 * @pfn: page frame number
 *
 * Return: the node id, or -EINVAL if @pfn is not in a pool's chunks.
 */
int gmem_carveout_pfn_to_nid(unsigned long pfn)
{
	struct gmem_pool *pool = gmem_carveout_pool_of(pfn);

	return pool ? pool->nid : -EINVAL;
}
EXPORT_SYMBOL_GPL(gmem_carveout_pfn_to_nid);

/*
 * Documented at its declaration in <linux/gmem_carveout.h>.  The name is in
 * parentheses because checkpatch reads "*for_each_*(" as a loop and wants
 * the function's brace on the line above.
 */
int (gmem_carveout_for_each_chunk)(int nid, u32 owner, gmem_chunk_fn fn,
				   void *arg)
{
	struct gmem_pool *pool = gmem_pool_get(nid);

	if (!pool)
		return -EINVAL;
	return gmem_pool_for_each(pool, owner, fn, arg);
}
EXPORT_SYMBOL_GPL(gmem_carveout_for_each_chunk);
