/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of the gmem pool carveout, shared by the reservation
 * code, the chunk allocator, sysfs, debugfs and the KUnit suites.
 */
#ifndef __MM_GMEM_CARVEOUT_H__
#define __MM_GMEM_CARVEOUT_H__

#include <linux/bits.h>
#include <linux/gmem_carveout.h>
#include <linux/ioport.h>
#include <linux/mmzone.h>
#include <linux/numa.h>
#include <linux/pfn.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/xarray.h>
#include <kunit/visibility.h>

/* Memory sections are the unit of memmap: pools cover whole sections. */
#define GMEM_POOL_SECTION_SIZE		BIT_ULL(SECTION_SIZE_BITS)
/* The metadata area at the start of a pool is a multiple of this. */
#define GMEM_POOL_META_ALIGN		SZ_2M
/* Zeroing a chunk yields the CPU once per piece of this size. */
#define GMEM_POOL_ZERO_PIECE		SZ_2M
#define GMEM_POOL_CHUNK_SHIFT_2M	21
#define GMEM_POOL_CHUNK_SHIFT_1G	30
#define GMEM_POOL_MAX_REQUESTS		MAX_NUMNODES
/*
 * Room the pool of the lowest requested node keeps for the hand-over
 * record (include/linux/gmem_handover_abi.h): a fixed part for the header
 * and the node, session and file tables, and per chunk of every pool the
 * most a chunk can cost in the record.  gmem_handover.c checks that its
 * largest record fits.
 */
#define GMEM_POOL_RECORD_FIXED		SZ_512K
#define GMEM_POOL_RECORD_PER_CHUNK	16

/* Room for "gmem pool node <nid>" in /proc/iomem. */
#define GMEM_POOL_RES_NAME_LEN		24

#define GMEM_POOL_MAGIC			0x4c4f4f504d454d47ULL /* "GMEMPOOL" */
#define GMEM_POOL_VERSION		1

/**
 * struct gmem_pool_header - persistent header at the start of a pool
 * @magic: %GMEM_POOL_MAGIC
 * @version: %GMEM_POOL_VERSION, bumped on any change of this layout
 * @nid: NUMA node of the pool
 * @chunk_shift: log2 of the chunk size in bytes
 * @reserved: zero
 * @base: physical address of the reservation (and of this header)
 * @size: size of the reservation in bytes
 * @chunk_base: physical address of chunk 0
 * @nchunks: number of chunks
 * @nfree: number of free chunks
 *
 * The free bitmap (one bit per chunk, set = used, in unsigned longs) follows
 * the header, then one u32 owner per chunk.  Everything the allocator needs
 * lives here, in the carveout itself, so that a later kernel can take the
 * pool over after kexec without any slab state.
 */
struct gmem_pool_header {
	u64 magic;
	u32 version;
	u32 nid;
	u32 chunk_shift;
	u32 reserved;
	u64 base;
	u64 size;
	u64 chunk_base;
	u64 nchunks;
	u64 nfree;
} __packed;

/**
 * struct gmem_pool_layout - where things are in one node's pool
 * @base: physical start of the reservation, section aligned
 * @size: bytes reserved, a multiple of the section size
 * @want: chunk capacity asked for; laid out again from @base, @want, the
 *	chunk size and @record_room, a pool comes out exactly the same
 * @meta_span: bytes at @base set aside for metadata, 2 MiB aligned
 * @meta_bytes: bytes of metadata actually used: header, bitmap, owners
 * @record_off: offset from @base of the room kept for the hand-over
 *	record, the last @record_room bytes of the metadata span
 * @record_room: bytes of that room, page aligned; 0 in every pool but the
 *	one that holds the record
 * @chunk_base: physical address of chunk 0, aligned to the chunk size
 * @nchunks: number of whole chunks between @chunk_base and the end
 * @chunk_shift: log2 of the chunk size in bytes
 */
struct gmem_pool_layout {
	phys_addr_t base;
	u64 size;
	u64 want;
	u64 meta_span;
	u64 meta_bytes;
	u64 record_off;
	u64 record_room;
	phys_addr_t chunk_base;
	unsigned long nchunks;
	unsigned int chunk_shift;
};

/**
 * struct gmem_pool - one node's pool as the running kernel sees it
 * @layout: placement, fixed at boot
 * @nid: NUMA node
 * @active: the pool's metadata is mapped and chunks can be handed out;
 *	set once at activation, before any user can look
 * @stopped: no chunk may be allocated any more (a kexec is under way);
 *	written and read under @lock
 * @lock: protects @hdr->nfree, @bitmap, @owners, @stopped, @poisoned and
 *	@nr_poisoned; it is only taken in process context and is never held
 *	while a chunk is zeroed or a caller's callback runs
 * @hdr: persistent header (mapped metadata area)
 * @bitmap: free bitmap inside the metadata area, bit set = chunk in use
 * @owners: owner id of each chunk, %GMEM_CHUNK_OWNER_NONE when free
 * @poisoned: bit per chunk, set when memory_failure() retired the chunk
 *	(or the hand-over said the previous kernel had); never cleared.  A
 *	retired chunk is in use for as long as the pool lives: by the file
 *	that held it until that file lets it go, then by
 *	%GMEM_CHUNK_OWNER_POISONED.  Kernel memory, not part of the
 *	persistent metadata, so that the layout does not change; NULL in
 *	pools that KUnit lays out without one
 * @nr_poisoned: number of bits set in @poisoned
 * @pins: pin count of each chunk a kernel mapping holds (gmem_carveout_pin()),
 *	as an xarray value entry by chunk index; no entry for the others.
 *	Changed under @lock (the xarray's own lock nests inside it).  A chunk
 *	freed while pinned passes to %GMEM_CHUNK_OWNER_PINNED and is freed by
 *	the last unpin
 * @res: the pool's /proc/iomem entry, inserted at activation
 * @res_name: name of @res
 */
struct gmem_pool {
	struct gmem_pool_layout layout;
	int nid;
	bool active;
	bool stopped;
	/* Protects the free count, @bitmap, @owners, @stopped, @poisoned. */
	spinlock_t lock;
	struct gmem_pool_header *hdr;
	unsigned long *bitmap;
	u32 *owners;
	unsigned long *poisoned;
	unsigned long nr_poisoned;
	struct xarray pins;
	struct resource res;
	char res_name[GMEM_POOL_RES_NAME_LEN];
};

/**
 * struct gmem_pool_request - one entry of the gmem_pool= boot parameter
 * @nid: NUMA node
 * @size: usable chunk capacity wanted, in bytes
 * @phys: physical base asked for, valid if @fixed
 * @fixed: the entry had an @<phys> part
 * @record_room: bytes to keep in this pool for the hand-over record, see
 *	%GMEM_POOL_RECORD_FIXED; 0 but for one pool
 */
struct gmem_pool_request {
	int nid;
	u64 size;
	phys_addr_t phys;
	bool fixed;
	u64 record_room;
};

/* gmem_carveout_param.c; the pure parsers are static unless KUnit is on. */
#if IS_ENABLED(CONFIG_KUNIT)
int gmem_pool_parse(const char *s, struct gmem_pool_request *reqs, int max);
int gmem_pool_parse_chunk(const char *s, unsigned int *chunk_shift);
#endif
int __init gmem_pool_requests(const struct gmem_pool_request **reqs);
unsigned int __init gmem_pool_requested_chunk_shift(void);
void __init gmem_pool_set_requests(const struct gmem_pool_request *reqs,
				   int n, unsigned int chunk_shift);

/* gmem_chunk_alloc.c */
u64 gmem_pool_meta_bytes(unsigned long nchunks);
int gmem_pool_layout_room(phys_addr_t base, u64 want, unsigned int chunk_shift,
			  u64 room, struct gmem_pool_layout *l);
int gmem_pool_layout(phys_addr_t base, u64 want, unsigned int chunk_shift,
		     struct gmem_pool_layout *l);
void gmem_pool_init_meta(struct gmem_pool *pool, void *meta);
int gmem_pool_alloc_chunk(struct gmem_pool *pool, u32 owner,
			  unsigned long *idx);
int gmem_pool_free_chunk(struct gmem_pool *pool, unsigned long idx,
			 u32 owner);
unsigned long gmem_pool_nr_free(struct gmem_pool *pool);
int __gmem_pool_claim_chunk(struct gmem_pool *pool, unsigned long idx,
			    u32 owner);
int gmem_pool_claim_chunk(struct gmem_pool *pool, unsigned long idx,
			  u32 owner);
int gmem_pool_chown_chunk(struct gmem_pool *pool, unsigned long idx,
			  u32 from, u32 to);
int gmem_pool_for_each(struct gmem_pool *pool, u32 owner, gmem_chunk_fn fn,
		       void *arg);
int gmem_pool_poison_chunk(struct gmem_pool *pool, unsigned long idx,
			   u32 *owner);
bool gmem_pool_chunk_poisoned(struct gmem_pool *pool, unsigned long idx);
unsigned long gmem_pool_nr_poisoned(struct gmem_pool *pool);
int gmem_pool_walk_poisoned(struct gmem_pool *pool, gmem_chunk_fn fn,
			    void *arg);
int gmem_pool_pin_chunk(struct gmem_pool *pool, unsigned long idx);
int gmem_pool_unpin_chunk(struct gmem_pool *pool, unsigned long idx);

static inline unsigned long gmem_pool_chunk_pfn(const struct gmem_pool *pool,
						unsigned long idx)
{
	return PHYS_PFN(pool->layout.chunk_base) +
	       (idx << (pool->layout.chunk_shift - PAGE_SHIFT));
}

static inline unsigned long gmem_pool_chunk_idx(const struct gmem_pool *pool,
						unsigned long pfn)
{
	return (PFN_PHYS(pfn) - pool->layout.chunk_base) >>
	       pool->layout.chunk_shift;
}

/* gmem_carveout.c */
struct gmem_pool *gmem_pool_get(int nid);
struct gmem_pool *gmem_carveout_pool_of(unsigned long pfn);
struct gmem_pool *gmem_pool_next(const struct gmem_pool *pool);

struct gmem_pool *gmem_carveout_record_pool(void);
void gmem_carveout_stop_alloc(void);

/* gmem_carveout_sysfs.c: /sys/kernel/mm/gmem_pool, NULL without sysfs. */
extern struct kobject *gmem_pool_sysfs_root;

#endif /* __MM_GMEM_CARVEOUT_H__ */
