/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gmem pool hand-over: the table of preserved pool-backed guest_memfd files
 * and its interface to KVM.
 *
 * The model is LUO's (Live Update Orchestrator): preserving a file under a
 * 64-bit token is LUO's PRESERVE_FD, retrieving it in the next kernel is
 * RETRIEVE_FD, and discarding what nobody retrieved is the finish step.
 */
#ifndef _LINUX_GMEM_HANDOVER_H
#define _LINUX_GMEM_HANDOVER_H

#include <linux/errno.h>
#include <linux/types.h>

/**
 * struct gmem_handover_desc - a preserved file, as KVM describes it
 * @token: userspace's token, non-zero
 * @size: file size in bytes, @nr_slots chunks
 * @flags: the file's KVM_CREATE_GUEST_MEMFD flags
 * @nid: node whose pool backs every chunk of the file
 * @nr_slots: number of chunk-sized ranges of the file
 * @chunks: first pfn of the chunk behind each range, 0 for a hole; the
 *	array belongs to the caller and must stay valid until the file is
 *	unpreserved (KVM holds a file reference for that)
 */
struct gmem_handover_desc {
	u64 token;
	u64 size;
	u32 flags;
	int nid;
	u64 nr_slots;
	const unsigned long *chunks;
};

/*
 * Callback of gmem_handover_retrieve(): range @slot of the file is backed by
 * the chunk that starts at @pfn.
 */
typedef void (*gmem_handover_fill_fn)(u64 slot, unsigned long pfn, void *arg);

#ifdef CONFIG_GMEM_HANDOVER
int gmem_handover_preserve(const struct gmem_handover_desc *desc);
int gmem_handover_unpreserve(u64 token, const unsigned long *chunks);
int gmem_handover_lookup(u64 token, u64 *size, int *nid, u32 *flags);
int gmem_handover_retrieve(u64 token, u32 new_owner, gmem_handover_fill_fn fn,
			   void *arg);
#else
static inline int gmem_handover_preserve(const struct gmem_handover_desc *desc)
{
	return -EOPNOTSUPP;
}

static inline int gmem_handover_unpreserve(u64 token,
					   const unsigned long *chunks)
{
	return -ENOENT;
}

static inline int gmem_handover_lookup(u64 token, u64 *size, int *nid,
				       u32 *flags)
{
	return -ENOENT;
}

static inline int gmem_handover_retrieve(u64 token, u32 new_owner,
					 gmem_handover_fill_fn fn, void *arg)
{
	return -ENOENT;
}
#endif /* CONFIG_GMEM_HANDOVER */

#endif /* _LINUX_GMEM_HANDOVER_H */
