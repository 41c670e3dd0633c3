/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interface of the hand-over code (mm/gmem_handover.c): to the gmem
 * carveout, and to the hand-over's sysfs files (mm/gmem_handover_sysfs.c).
 */
#ifndef __MM_GMEM_HANDOVER_H__
#define __MM_GMEM_HANDOVER_H__

#include <linux/init.h>
#include <linux/types.h>

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

/* Room for the status line, NUL included. */
#define GMEM_HANDOVER_STATUS_LEN	160

/**
 * struct gmem_handover_listing - a preserved or unclaimed file, as listed
 * @token: userspace's token
 * @size: file size in bytes
 * @uid: uid that preserved the file, in the initial user namespace
 * @nr_chunks: chunks the file holds
 */
struct gmem_handover_listing {
	u64 token;
	u64 size;
	u32 uid;
	u64 nr_chunks;
};

typedef void (*gmem_handover_file_fn)(const struct gmem_handover_listing *info,
				      void *arg);

#ifdef CONFIG_GMEM_HANDOVER
void __init gmem_handover_probe(struct gmem_pool *pool, void *meta);
void __init gmem_handover_restore(void);

/* For gmem_handover_sysfs.c, the hand-over's control files. */
int gmem_handover_discard(u64 token, bool all);
void gmem_handover_list_files(bool unclaimed, gmem_handover_file_fn fn,
			      void *arg);
size_t gmem_handover_status(char *buf, size_t size);
#else
static inline void gmem_handover_probe(struct gmem_pool *pool, void *meta)
{
}

static inline void gmem_handover_restore(void)
{
}
#endif

#endif /* __MM_GMEM_HANDOVER_H__ */
