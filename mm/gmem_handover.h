/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interface between the gmem carveout and the hand-over code
 * (mm/gmem_handover.c).
 */
#ifndef __MM_GMEM_HANDOVER_H__
#define __MM_GMEM_HANDOVER_H__

#include <linux/init.h>

struct gmem_pool;

/* Files one kernel can preserve, and hand over, at most. */
#define GMEM_HANDOVER_MAX_PRESERVED	256

/*
 * Carveout owner ids above GMEM_CHUNK_OWNER_FILE_MAX belong to the
 * hand-over: one per table entry for chunks of unclaimed files, and one for
 * chunks quarantined because a rejected record named them.
 */
#define GMEM_HANDOVER_OWNER_BASE	0x80000000U
#define GMEM_HANDOVER_OWNER_QUARANTINE	0xfffffffeU

#ifdef CONFIG_GMEM_HANDOVER
void __init gmem_handover_probe(struct gmem_pool *pool, void *meta);
void __init gmem_handover_restore(void);
#else
static inline void gmem_handover_probe(struct gmem_pool *pool, void *meta)
{
}

static inline void gmem_handover_restore(void)
{
}
#endif

#endif /* __MM_GMEM_HANDOVER_H__ */
