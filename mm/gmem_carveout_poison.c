// SPDX-License-Identifier: GPL-2.0
/*
 * Hardware memory errors in the gmem pools.
 *
 * DOC: gmem pool memory failure
 *
 * Pool memory has no struct page, so memory_failure() cannot mark a page
 * HWPoison, unmap it through the rmap or kill its users; without help it
 * would log "memory outside kernel control" and the next owner of the chunk
 * would be handed the bad memory, zeroed by the kernel on the way (a second
 * machine check).  memory_failure() asks gmem_carveout_memory_failure()
 * about every pfn of a pool instead, which retires the chunk that holds it:
 *
 * - the chunk is marked in its pool's poisoned bitmap, for good;
 * - a free chunk is taken by %GMEM_CHUNK_OWNER_POISONED at once; a chunk a
 *   file holds stays the file's, and passes to %GMEM_CHUNK_OWNER_POISONED
 *   when the file lets it go, so it is never handed out again;
 * - the kernel never zeroes or maps it again (gmem_carveout_zero_range(),
 *   gmem_carveout_zero_chunk() and gmem_carveout_map() refuse it);
 * - the owner of the chunk, if it registered &struct gmem_carveout_owner_ops,
 *   is told, after the bit is set, so that it can drop every mapping of the
 *   chunk: a later access then finds the bit and fails (KVM: -EHWPOISON
 *   from KVM_RUN, SIGBUS with BUS_MCEERR_AR for a process mapping).
 *
 * The whole chunk is retired, not the page: a chunk is the unit every user
 * of the pool maps and moves.  The hand-over carries the retired chunks
 * over a kexec, so the next kernel retires them too.
 *
 * Locking: the poisoned bitmap is under the pool's lock (gmem_chunk_alloc.c).
 * gmem_carveout_owner_lock serializes the owner's callback with its
 * unregistration; it is taken inside memory_failure()'s mutex, and the
 * callback may sleep and take the owner's locks.
 */

#define pr_fmt(fmt) "gmem_pool: " fmt

#include <linux/gmem_carveout.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pfn.h>

#include "gmem_carveout.h"

/* Serializes gmem_carveout_owner_ops calls with their unregistration. */
static DEFINE_MUTEX(gmem_carveout_owner_lock);
/* The registered owner's callbacks, NULL if none; under the lock above. */
static const struct gmem_carveout_owner_ops *gmem_carveout_owner;

/**
 * gmem_carveout_register_owner() - let the chunks' owner hear of failures
 * @ops: callbacks; a later call replaces them
 *
 * The owner (KVM's guest_memfd) hooks in from its side; the carveout never
 * calls into a user of the pool otherwise.
 */
void gmem_carveout_register_owner(const struct gmem_carveout_owner_ops *ops)
{
	mutex_lock(&gmem_carveout_owner_lock);
	gmem_carveout_owner = ops;
	mutex_unlock(&gmem_carveout_owner_lock);
}
EXPORT_SYMBOL_GPL(gmem_carveout_register_owner);

/**
 * gmem_carveout_unregister_owner() - undo gmem_carveout_register_owner()
 * @ops: the callbacks registered before
 *
 * When it returns, no callback of @ops runs or will run.
 */
void gmem_carveout_unregister_owner(const struct gmem_carveout_owner_ops *ops)
{
	mutex_lock(&gmem_carveout_owner_lock);
	if (gmem_carveout_owner == ops)
		gmem_carveout_owner = NULL;
	mutex_unlock(&gmem_carveout_owner_lock);
}
EXPORT_SYMBOL_GPL(gmem_carveout_unregister_owner);

/**
 * gmem_carveout_pfn_poisoned() - whether a pfn lies in a retired chunk
 * @pfn: page frame number, any value
 *
 * A user of pool pfns asks before it maps a chunk: a bit once set stays
 * set, and the owner's memory_failure callback runs after it is set, so a
 * mapping made before that is dropped by the callback.
 *
 * Return: true if @pfn is in a chunk that memory_failure() retired (in this
 * kernel or, through the hand-over, in the one before).
 */
bool gmem_carveout_pfn_poisoned(unsigned long pfn)
{
	struct gmem_pool *pool = gmem_carveout_pool_of(pfn);

	return pool && gmem_pool_chunk_poisoned(pool,
						gmem_pool_chunk_idx(pool, pfn));
}
EXPORT_SYMBOL_GPL(gmem_carveout_pfn_poisoned);

static void gmem_carveout_tell_owner(unsigned long chunk_pfn, u32 owner,
				     int flags)
{
	int ret = 0;

	mutex_lock(&gmem_carveout_owner_lock);
	if (gmem_carveout_owner && gmem_carveout_owner->memory_failure)
		ret = gmem_carveout_owner->memory_failure(chunk_pfn, owner,
							  flags);
	mutex_unlock(&gmem_carveout_owner_lock);
	if (ret)
		pr_err("%#lx: the chunk's owner %u could not drop its mappings: %pe\n",
		       chunk_pfn, owner, ERR_PTR(ret));
}

/**
 * gmem_carveout_memory_failure() - memory_failure() of a pool pfn
 * @pfn: the failed page frame, in a chunk of an active pool
 * @flags: memory_failure()'s MF_* flags
 *
 * Retires the chunk that holds @pfn (see "gmem pool memory failure" above)
 * and tells its owner.  Nothing is killed here: an owner that drops its
 * mappings makes the next access fail with the right error for its user,
 * which also answers an action-required error once the access is retried.
 *
 * Context: process context, memory_failure()'s mutex held; may sleep.
 * Return: 0 when the chunk is retired; -EHWPOISON if it was already;
 * -ENXIO if @pfn is in no pool; -ENOMEM if the pool cannot record it.
 */
int gmem_carveout_memory_failure(unsigned long pfn, int flags)
{
	struct gmem_pool *pool = gmem_carveout_pool_of(pfn);
	unsigned long idx, chunk_pfn;
	u32 owner;
	int ret;

	if (!pool)
		return -ENXIO;
	idx = gmem_pool_chunk_idx(pool, pfn);
	chunk_pfn = gmem_pool_chunk_pfn(pool, idx);
	ret = gmem_pool_poison_chunk(pool, idx, &owner);
	if (ret == -EHWPOISON) {
		pr_info("%#lx: chunk %lu of node %d was retired already\n",
			pfn, idx, pool->nid);
		return ret;
	}
	if (ret) {
		pr_err("%#lx: chunk %lu of node %d cannot be retired: %pe\n",
		       pfn, idx, pool->nid, ERR_PTR(ret));
		return ret;
	}

	pr_err("%#lx: memory error, chunk %lu of node %d retired (%s)\n",
	       pfn, idx, pool->nid,
	       owner == GMEM_CHUNK_OWNER_NONE ? "it was free" : "in use");
	if (owner != GMEM_CHUNK_OWNER_NONE)
		gmem_carveout_tell_owner(chunk_pfn, owner, flags);
	return 0;
}

/**
 * gmem_carveout_nr_poisoned() - retired chunks of a node's pool
 * @nid: NUMA node id
 *
 * Return: the number of chunks retired so far, 0 if @nid has no pool.
 */
unsigned long gmem_carveout_nr_poisoned(int nid)
{
	struct gmem_pool *pool = gmem_pool_get(nid);

	return pool ? gmem_pool_nr_poisoned(pool) : 0;
}
EXPORT_SYMBOL_GPL(gmem_carveout_nr_poisoned);
