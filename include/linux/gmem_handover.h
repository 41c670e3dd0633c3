/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gmem pool hand-over: what it needs from the code that owns pool-backed
 * files (KVM's guest_memfd), and what it gives the kexec path.
 *
 * Userspace drives the hand-over through /dev/liveupdate, the interface of
 * mainline's Live Update Orchestrator (include/uapi/linux/liveupdate.h).
 * The hand-over does not know how a pool file is built: KVM registers a
 * &struct gmem_handover_file_ops that freezes, describes and rebuilds its
 * files.
 */
#ifndef _LINUX_GMEM_HANDOVER_H
#define _LINUX_GMEM_HANDOVER_H

#include <linux/errno.h>
#include <linux/init.h>
#include <linux/types.h>

struct file;
struct kimage;
struct module;

/**
 * struct gmem_handover_file_desc - a pool-backed file, as its owner sees it
 * @size: file size in bytes, @nr_slots chunks
 * @flags: the file's creation flags, handed to the next kernel unchanged
 * @nid: node whose pool backs every chunk of the file
 * @nr_slots: chunk-sized ranges of the file
 * @chunks: first pfn of the chunk behind each range, 0 for a hole; only
 *	read during gmem_handover_file_ops.preserve(), while the file is
 *	frozen; NULL for a file being retrieved
 * @nr_held: for a file being retrieved, the number of chunks it holds (its
 *	owner charges them before gmem_handover_fill()); 0 otherwise
 */
struct gmem_handover_file_desc {
	u64 size;
	u32 flags;
	int nid;
	u64 nr_slots;
	const unsigned long *chunks;
	u64 nr_held;
};

/*
 * Callback of gmem_handover_fill(): range @slot of the file being retrieved
 * is backed by the chunk that starts at @pfn.
 */
typedef void (*gmem_handover_fill_fn)(u64 slot, unsigned long pfn, void *arg);

struct gmem_handover_fill;

/**
 * struct gmem_handover_file_ops - what the owner of pool files provides
 * @owner: module of the callbacks, pinned while a session uses them
 * @can_preserve: whether @file is a pool-backed file of this owner
 * @preserve: freeze @file (no chunk may be added to it or taken from it
 *	until @unpreserve) and describe it in @desc; -EBUSY if it is frozen
 *	already
 * @unpreserve: thaw a file @preserve froze
 * @retrieve: make a new file of @desc's size, node and flags, belonging to
 *	no VM, and give it its chunks with gmem_handover_fill(@fill, ...) as
 *	the last step that can fail; return the file or an ERR_PTR()
 */
struct gmem_handover_file_ops {
	struct module *owner;
	bool (*can_preserve)(struct file *file);
	int (*preserve)(struct file *file, struct gmem_handover_file_desc *desc);
	void (*unpreserve)(struct file *file);
	struct file *(*retrieve)(const struct gmem_handover_file_desc *desc,
				 struct gmem_handover_fill *fill);
};

#ifdef CONFIG_GMEM_HANDOVER
int gmem_handover_register(const struct gmem_handover_file_ops *ops);
void gmem_handover_unregister(const struct gmem_handover_file_ops *ops);
int gmem_handover_fill(struct gmem_handover_fill *fill, u32 new_owner,
		       gmem_handover_fill_fn fn, void *arg);

/* The kexec path: kexec_core.c, kexec.c and the arch's kexec_file loader. */
bool gmem_handover_busy(void);
int gmem_handover_seal(struct kimage *image);
size_t gmem_handover_kexec_reserve(struct kimage *image);
size_t gmem_handover_kexec_data(struct kimage *image, void *buf);

/* x86 setup_arch(): the hand-over data the kexec carried, at early boot. */
void __init gmem_handover_parse_boot_data(u64 pa, u32 len);
#else
static inline int gmem_handover_register(const struct gmem_handover_file_ops *ops)
{
	return 0;
}

static inline void gmem_handover_unregister(const struct gmem_handover_file_ops *ops)
{
}

static inline int gmem_handover_fill(struct gmem_handover_fill *fill,
				     u32 new_owner, gmem_handover_fill_fn fn,
				     void *arg)
{
	return -EOPNOTSUPP;
}

static inline bool gmem_handover_busy(void)
{
	return false;
}

static inline int gmem_handover_seal(struct kimage *image)
{
	return 0;
}

static inline size_t gmem_handover_kexec_reserve(struct kimage *image)
{
	return 0;
}

static inline size_t gmem_handover_kexec_data(struct kimage *image, void *buf)
{
	return 0;
}

static inline void gmem_handover_parse_boot_data(u64 pa, u32 len)
{
}
#endif /* CONFIG_GMEM_HANDOVER */

#endif /* _LINUX_GMEM_HANDOVER_H */
