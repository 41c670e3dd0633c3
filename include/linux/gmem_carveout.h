/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gmem carveout: boot-time pools of host RAM for guest_memfd.
 *
 * The pools are carved out of memblock before the memmap is built, so their
 * memory has no struct page, is absent from the kernel direct map and is only
 * ever handed out in whole chunks (2 MiB or 1 GiB, chosen at boot).  A chunk
 * is named by its first pfn; users must treat those pfns as non-refcounted.
 */
#ifndef _LINUX_GMEM_CARVEOUT_H
#define _LINUX_GMEM_CARVEOUT_H

#include <linux/types.h>
#include <linux/errno.h>

/* Owner id of a chunk that no file holds. */
#define GMEM_CHUNK_OWNER_NONE	0U
/* Largest owner id of a file; the ids above belong to the hand-over. */
#define GMEM_CHUNK_OWNER_FILE_MAX	0x7fffffffU
/*
 * Owner id of a chunk that memory_failure() retired and no file holds any
 * more: in use for good, never handed out, never zeroed.
 */
#define GMEM_CHUNK_OWNER_POISONED	0xffffffffU
/*
 * Owner id of a chunk its file let go while a kernel mapping still pinned
 * it (gmem_carveout_pin()): freed when the last pin goes.
 */
#define GMEM_CHUNK_OWNER_PINNED		0xfffffffdU

/**
 * typedef gmem_chunk_fn - callback of gmem_carveout_for_each_chunk()
 * @pfn: first pfn of a chunk that @owner holds
 * @owner: owner id the chunk was allocated with
 * @arg: the caller's cookie
 *
 * Return: 0 to continue, anything else stops the walk and is returned.
 */
typedef int (*gmem_chunk_fn)(unsigned long pfn, u32 owner, void *arg);

/**
 * struct gmem_carveout_owner_ops - what the carveout tells the chunks' owner
 * @memory_failure: memory_failure() retired the chunk at @chunk_pfn, which
 *	@owner held when it was retired (it may have let it go since).  The
 *	owner drops every mapping of the chunk, so that the next access finds
 *	it retired (gmem_carveout_pfn_poisoned()).  Process context, may
 *	sleep.  Returns 0 or a negative errno, which is logged.
 */
struct gmem_carveout_owner_ops {
	int (*memory_failure)(unsigned long chunk_pfn, u32 owner, int flags);
};

#ifdef CONFIG_GMEM_CARVEOUT

void gmem_carveout_hold_fixed(void);
void gmem_carveout_reserve(void);
unsigned int gmem_carveout_chunk_order(void);
bool gmem_carveout_node_has_pool(int nid);
u64 gmem_carveout_node_bytes(int nid);
bool gmem_carveout_active(void);
int gmem_carveout_alloc(int nid, u32 owner, unsigned long *pfn);
void gmem_carveout_free(unsigned long pfn, u32 owner);
int gmem_carveout_chown(unsigned long pfn, u32 from, u32 to);
int gmem_carveout_zero_chunk(unsigned long pfn);
int gmem_carveout_zero_range(unsigned long pfn, unsigned long nr_pages);
unsigned long gmem_carveout_chunk_left(unsigned long pfn);
void *gmem_carveout_map(unsigned long pfn, unsigned long nr_pages);
void gmem_carveout_unmap(void *addr);
int gmem_carveout_pin(unsigned long pfn);
void gmem_carveout_unpin(unsigned long pfn);
bool gmem_carveout_pfn_in_pool(unsigned long pfn);
bool gmem_carveout_range_in_pool(phys_addr_t start, phys_addr_t end);
int gmem_carveout_pfn_to_nid(unsigned long pfn);
bool gmem_carveout_pfn_poisoned(unsigned long pfn);
unsigned long gmem_carveout_nr_poisoned(int nid);
int gmem_carveout_memory_failure(unsigned long pfn, int flags);
void gmem_carveout_register_owner(const struct gmem_carveout_owner_ops *ops);
void gmem_carveout_unregister_owner(const struct gmem_carveout_owner_ops *ops);

/**
 * gmem_carveout_for_each_chunk() - walk the used chunks of a node's pool
 * @nid: NUMA node id
 * @owner: owner id to match, %GMEM_CHUNK_OWNER_NONE for every used chunk
 * @fn: called with each chunk's first pfn and owner, without locks held
 * @arg: passed to @fn
 *
 * Chunks are visited in address order; a chunk allocated or freed during
 * the walk may or may not be visited.
 *
 * Context: process context; @fn may sleep.
 * Return: 0 after a full walk, the first non-zero value returned by @fn,
 * or -EINVAL if @nid has no pool.
 */
int gmem_carveout_for_each_chunk(int nid, u32 owner, gmem_chunk_fn fn,
				 void *arg);

#else /* !CONFIG_GMEM_CARVEOUT */

static inline void gmem_carveout_hold_fixed(void)
{
}

static inline void gmem_carveout_reserve(void)
{
}

static inline unsigned int gmem_carveout_chunk_order(void)
{
	return 0;
}

static inline bool gmem_carveout_node_has_pool(int nid)
{
	return false;
}

static inline u64 gmem_carveout_node_bytes(int nid)
{
	return 0;
}

static inline bool gmem_carveout_active(void)
{
	return false;
}

static inline int gmem_carveout_alloc(int nid, u32 owner, unsigned long *pfn)
{
	return -EOPNOTSUPP;
}

static inline void gmem_carveout_free(unsigned long pfn, u32 owner)
{
}

static inline int gmem_carveout_chown(unsigned long pfn, u32 from, u32 to)
{
	return -EINVAL;
}

static inline int gmem_carveout_zero_chunk(unsigned long pfn)
{
	return -EOPNOTSUPP;
}

static inline int gmem_carveout_zero_range(unsigned long pfn,
					   unsigned long nr_pages)
{
	return -EOPNOTSUPP;
}

static inline unsigned long gmem_carveout_chunk_left(unsigned long pfn)
{
	return 0;
}

static inline void *gmem_carveout_map(unsigned long pfn,
				      unsigned long nr_pages)
{
	return NULL;
}

static inline void gmem_carveout_unmap(void *addr)
{
}

static inline int gmem_carveout_pin(unsigned long pfn)
{
	return -EINVAL;
}

static inline void gmem_carveout_unpin(unsigned long pfn)
{
}

static inline bool gmem_carveout_pfn_in_pool(unsigned long pfn)
{
	return false;
}

static inline bool gmem_carveout_range_in_pool(phys_addr_t start,
					       phys_addr_t end)
{
	return false;
}

static inline int gmem_carveout_pfn_to_nid(unsigned long pfn)
{
	return -EINVAL;
}

static inline bool gmem_carveout_pfn_poisoned(unsigned long pfn)
{
	return false;
}

static inline unsigned long gmem_carveout_nr_poisoned(int nid)
{
	return 0;
}

static inline int gmem_carveout_memory_failure(unsigned long pfn, int flags)
{
	return -ENXIO;
}

static inline void
gmem_carveout_register_owner(const struct gmem_carveout_owner_ops *ops)
{
}

static inline void
gmem_carveout_unregister_owner(const struct gmem_carveout_owner_ops *ops)
{
}

/* Name in parentheses: checkpatch takes "*for_each_*(" for a loop. */
static inline int (gmem_carveout_for_each_chunk)(int nid, u32 owner,
						 gmem_chunk_fn fn, void *arg)
{
	return 0;
}

#endif /* CONFIG_GMEM_CARVEOUT */

#endif /* _LINUX_GMEM_CARVEOUT_H */
