// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the hand-over record in the kernel a kexec started.
 */

/**
 * DOC: gmem pool hand-over restore
 *
 * Once the pools are active, and before anything can take a chunk, the
 * record the previous kernel left in the record room is looked at, in this
 * order:
 *
 * - no hand-over data came with the kexec (cold boot, plain reboot,
 *   kexec_load(), data dropped): whatever the room holds is ignored and
 *   wiped, and every chunk is free;
 * - the room holds no record, or one whose key is not the one the kexec
 *   carried (a leftover of an older boot, bytes written by anybody while
 *   the range was ordinary RAM): ignored and wiped, every chunk free;
 * - the key matches: the record is copied out, wiped in place, and
 *   validated whole; a record that breaks any rule, or whose pools are not
 *   the running ones, is rejected and every chunk it names is quarantined
 *   (never handed out until the next boot), since it was written by our
 *   own previous kernel and its chunks may hold guest memory; so is every
 *   chunk of its poisoned table;
 * - otherwise its sessions are adopted (gmem_ho_adopt()), then every chunk
 *   of its poisoned table is retired (gmem_pool_poison_chunk()): a free one
 *   is taken by %GMEM_CHUNK_OWNER_POISONED at once, one a file holds stays
 *   the file's, which finds it poisoned after retrieval, and passes to
 *   %GMEM_CHUNK_OWNER_POISONED when freed.  Version 2 records, which carry
 *   no poisoned table, are taken as well.
 */

#define pr_fmt(fmt) "gmem_pool: handover: " fmt

#include <linux/bitmap.h>
#include <linux/init.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "gmem_carveout.h"
#include "gmem_handover.h"
#include "gmem_handover_record.h"

#define HO_HDR	sizeof(struct gmem_handover_header)

/* The status line of an adopted record (sysfs-kernel-mm-gmem_pool). */
#define GMEM_HO_STATUS_RESTORED \
	"restored: %u sessions, %u files, %llu chunks, %u poisoned, generation %llu, %llu us"

static struct gmem_handover_pool gmem_ho_rpools[MAX_NUMNODES] __initdata;

static u64 __init gmem_ho_quarantine_range(int nid, u64 phys, u64 len)
{
	struct gmem_pool *pool = gmem_pool_get(nid);
	const struct gmem_pool_layout *l;
	u64 first, last, i, n = 0;

	if (!pool || !len)
		return 0;
	l = &pool->layout;
	if (phys + len <= l->chunk_base)
		return 0;
	first = phys > l->chunk_base ?
		(phys - l->chunk_base) >> l->chunk_shift : 0;
	last = min_t(u64, (phys + len - 1 - l->chunk_base) >> l->chunk_shift,
		     l->nchunks - 1);
	for (i = first; i <= last; i++)
		n += !gmem_pool_claim_chunk(pool, i,
					    GMEM_HANDOVER_OWNER_QUARANTINE);
	return n;
}

static u64 __init gmem_ho_quarantine_all(void)
{
	struct gmem_pool *pool;
	u64 n = 0;

	for (pool = gmem_pool_next(NULL); pool; pool = gmem_pool_next(pool))
		n += gmem_ho_quarantine_range(pool->nid, pool->layout.base,
					      pool->layout.size);
	return n;
}

/* Is [@off, @off + @count * @size) inside the @len bytes of the record? */
static bool __init gmem_ho_in(u64 off, u64 count, u64 size, size_t len)
{
	return off <= len && count <= (len - off) / size;
}

static const struct gmem_handover_node *__init
gmem_ho_raw_node(const void *rec, u32 nid)
{
	const struct gmem_handover_header *h = rec;
	const struct gmem_handover_node *n = rec + le64_to_cpu(h->nodes_off);
	u32 i;

	for (i = 0; i < le32_to_cpu(h->nr_nodes); i++)
		if (le32_to_cpu(n[i].nid) == nid)
			return &n[i];
	return NULL;
}

/* The extents of file @f of a rejected record, or -EINVAL if unreadable. */
static int __init gmem_ho_quarantine_file(const void *rec,
					  const struct gmem_handover_file *f,
					  u64 *count)
{
	const struct gmem_handover_header *h = rec;
	const struct gmem_handover_extent *x = rec + le64_to_cpu(h->extents_off);
	const struct gmem_handover_node *n;
	u64 first = le64_to_cpu(f->first_extent), nr = le64_to_cpu(f->nr_extents);
	u64 total = le64_to_cpu(h->nr_extents), e, base;
	u32 shift, nid = le32_to_cpu(f->nid);

	n = gmem_ho_raw_node(rec, nid);
	if (!n || first > total || nr > total - first)
		return -EINVAL;
	shift = min_t(u32, le32_to_cpu(n->chunk_shift), GMEM_HANDOVER_SHIFT_1G);
	base = le64_to_cpu(n->chunk_base);
	for (e = first; e < first + nr; e++)
		*count += gmem_ho_quarantine_range(nid,
				base + ((u64)le32_to_cpu(x[e].chunk) << shift),
				(u64)le32_to_cpu(x[e].nr) << shift);
	return 0;
}

/*
 * The poisoned table of a rejected record, or -EINVAL if unreadable.  Only
 * a version 3 header has one; gmem_handover_check_key() made sure that the
 * header is whole, but the copy is checked again.
 */
static int __init gmem_ho_quarantine_poisoned(const void *rec, size_t len,
					      u64 *count)
{
	const struct gmem_handover_header *h = rec;
	const struct gmem_handover_poisoned *p;
	const struct gmem_handover_node *n;
	u64 off = le64_to_cpu(h->poisoned_off), i, nr;
	u32 shift, nid;

	if (le32_to_cpu(h->version) != GMEM_HANDOVER_VERSION ||
	    le32_to_cpu(h->header_size) != HO_HDR)
		return 0;
	nr = le32_to_cpu(h->nr_poisoned);
	if (!gmem_ho_in(off, nr, sizeof(*p), len))
		return -EINVAL;
	p = rec + off;
	for (i = 0; i < nr; i++) {
		nid = le32_to_cpu(p[i].nid);
		n = gmem_ho_raw_node(rec, nid);
		if (!n)
			return -EINVAL;
		shift = min_t(u32, le32_to_cpu(n->chunk_shift),
			      GMEM_HANDOVER_SHIFT_1G);
		*count += gmem_ho_quarantine_range(nid,
				le64_to_cpu(n->chunk_base) +
				((u64)le32_to_cpu(p[i].chunk) << shift),
				1ULL << shift);
	}
	return 0;
}

/*
 * Quarantine what a rejected record names, trusting nothing: every offset
 * and count is checked against the copy; if the tables themselves cannot
 * be read, no chunk can be told safe and the whole pools are quarantined.
 */
static u64 __init gmem_ho_quarantine(const void *rec, size_t len)
{
	const struct gmem_handover_header *h = rec;
	const struct gmem_handover_file *f;
	u64 count = 0;
	u32 i;

	if (len < HO_HDR ||
	    !gmem_ho_in(le64_to_cpu(h->nodes_off), le32_to_cpu(h->nr_nodes),
			sizeof(struct gmem_handover_node), len) ||
	    !gmem_ho_in(le64_to_cpu(h->files_off), le32_to_cpu(h->nr_files),
			sizeof(*f), len) ||
	    !gmem_ho_in(le64_to_cpu(h->extents_off), le64_to_cpu(h->nr_extents),
			sizeof(struct gmem_handover_extent), len))
		return gmem_ho_quarantine_all();
	f = rec + le64_to_cpu(h->files_off);
	for (i = 0; i < le32_to_cpu(h->nr_files); i++)
		if (gmem_ho_quarantine_file(rec, &f[i], &count))
			return count + gmem_ho_quarantine_all();
	if (gmem_ho_quarantine_poisoned(rec, len, &count))
		return count + gmem_ho_quarantine_all();
	return count;
}

/*
 * Retire every chunk the previous kernel retired, once the files hold
 * theirs.  A chunk that cannot be retired (a bug) is quarantined instead
 * if it is free, so that it is never handed out; @failed counts those.
 * Return: the number of chunks retired.
 */
static u32 __init gmem_ho_retire(const struct gmem_handover_view *view,
				 u32 *failed)
{
	struct gmem_handover_poisoned_info pi;
	struct gmem_pool *pool;
	u32 i, owner, n = 0;
	int ret;

	for (i = 0; i < gmem_handover_nr_poisoned(view); i++) {
		gmem_handover_poisoned(view, i, &pi);
		/* The layout matched: every node of the record has its pool. */
		pool = gmem_pool_get(pi.nid);
		ret = pool ? gmem_pool_poison_chunk(pool, pi.chunk, &owner) :
			     -EINVAL;
		if (!ret) {
			n++;
			continue;
		}
		pr_err("chunk %u of node %u, retired before the kexec, cannot be retired now: %pe\n",
		       pi.chunk, pi.nid, ERR_PTR(ret));
		if (pool)
			gmem_pool_claim_chunk(pool, pi.chunk,
					      GMEM_HANDOVER_OWNER_QUARANTINE);
		(*failed)++;
	}
	return n;
}

static int __init gmem_ho_check(const void *rec, size_t len,
				struct gmem_handover_view *view,
				struct gmem_handover_error *err)
{
	struct gmem_handover_scratch scratch;
	int nr_pools = gmem_ho_pools(gmem_ho_rpools), ret;

	scratch.nbits = gmem_handover_scratch_bits(gmem_ho_rpools, nr_pools);
	scratch.bits = bitmap_zalloc(scratch.nbits, GFP_KERNEL);
	if (!scratch.bits)
		return -ENOMEM;
	ret = gmem_handover_validate(rec, len, &scratch, view, err);
	if (!ret)
		ret = gmem_handover_match_layout(view, gmem_ho_rpools, nr_pools,
						 err);
	bitmap_free(scratch.bits);
	return ret;
}

static void __init gmem_ho_reject(const void *rec, size_t len, int ret,
				  const struct gmem_handover_error *err)
{
	char why[GMEM_HANDOVER_STATUS_LEN];
	u64 n;

	if (ret == -ENOMEM)
		strscpy(why, "out of memory", sizeof(why));
	else if (ret == -ENOSPC)
		/* The scratch has a bit per chunk of this kernel's pools. */
		strscpy(why, "pool layout changed: the record's pools are larger",
			sizeof(why));
	else
		gmem_handover_format_error(err, why, sizeof(why));
	n = gmem_ho_quarantine(rec, len);
	gmem_ho_set_status("rejected: %s; %llu chunks quarantined", why, n);
	pr_err("record rejected: %s; %llu chunks quarantined\n", why, n);
}

/* Copy the keyed record out of the room and wipe it there. */
static void *__init gmem_ho_copy(void *area, size_t room, size_t *len)
{
	const struct gmem_handover_header *h = area;
	void *rec;

	*len = clamp_t(u64, le64_to_cpu(h->total_len), HO_HDR, room);
	rec = kvmalloc(*len, GFP_KERNEL);
	if (rec)
		memcpy(rec, area, *len);
	memset(area, 0, HO_HDR);
	return rec;
}

static void __init gmem_ho_trust(void *rec, size_t len, u64 t0)
{
	struct gmem_handover_error err = { };
	struct gmem_handover_view view;
	u64 nr_chunks = 0, n;
	u32 retired, failed = 0;
	int ret;

	ret = gmem_ho_check(rec, len, &view, &err);
	if (ret) {
		gmem_ho_reject(rec, len, ret, &err);
		kvfree(rec);
		return;
	}
	ret = gmem_ho_adopt(rec, &view, &nr_chunks);
	if (ret) {
		/*
		 * Out of memory, or the pools disagree with a validated record
		 * (a bug).  The sessions adopted so far stay; every chunk the
		 * others name is quarantined, never given to another file.
		 */
		n = gmem_ho_quarantine(rec, len);
		gmem_ho_set_status("adopted in part (%pe): %llu chunks quarantined",
				   ERR_PTR(ret), n);
		pr_err("record adopted in part (%pe): %llu chunks quarantined\n",
		       ERR_PTR(ret), n);
		return;
	}
	retired = gmem_ho_retire(&view, &failed);
	gmem_ho_set_status(GMEM_HO_STATUS_RESTORED, view.nr_sessions,
			   view.nr_files, nr_chunks, retired,
			   gmem_handover_generation(&view),
			   div_u64(local_clock() - t0, NSEC_PER_USEC));
	pr_info("restored: %u sessions, %u files, %llu chunks, %u poisoned chunks retired (record version %u)\n",
		view.nr_sessions, view.nr_files, nr_chunks, retired,
		le32_to_cpu(view.hdr->version));
	if (failed)
		pr_err("%u poisoned chunks not retired: quarantined if free\n",
		       failed);
}

static void __init gmem_ho_read(struct gmem_pool *home,
				const struct gmem_handover_boot_info *boot)
{
	const struct gmem_pool_layout *l = &home->layout;
	void *area = (void *)home->hdr + l->record_off;
	size_t len;
	void *rec;
	int ret;
	/*
	 * local_clock(), not ktime: at initcall time the clocksource may
	 * still be jiffies, and the restore takes less than one tick.
	 */
	u64 t0 = local_clock();

	if (boot->record_phys != l->base + l->record_off ||
	    boot->record_room != l->record_room) {
		gmem_ho_set_status("rejected: the record room moved; %llu chunks quarantined",
				   gmem_ho_quarantine_all());
		return;
	}
	ret = gmem_handover_check_key(area, l->record_room, boot->key);
	if (ret == -ENOENT) {
		gmem_ho_set_status("ignored: no record where the kexec said");
		return;
	}
	if (ret) {
		memset(area, 0, HO_HDR);
		gmem_ho_set_status("ignored: record key mismatch");
		pr_warn("record ignored: its key is not the one the kexec carried\n");
		return;
	}
	rec = gmem_ho_copy(area, l->record_room, &len);
	if (!rec) {
		gmem_ho_set_status("rejected: out of memory; %llu chunks quarantined",
				   gmem_ho_quarantine_all());
		return;
	}
	gmem_ho_trust(rec, len, t0);
}

static int __init gmem_handover_restore_init(void)
{
	struct gmem_handover_boot_info boot;
	struct gmem_pool *home = gmem_carveout_record_pool();

	gmem_handover_boot_info(&boot);
	if (!home && boot.present) {
		u64 n = gmem_ho_quarantine_all();

		gmem_ho_set_status("rejected: no record room; %llu chunks quarantined",
				   n);
		return 0;
	}
	if (!home)
		return 0;
	if (!boot.present) {
		memset((void *)home->hdr + home->layout.record_off, 0, HO_HDR);
		gmem_ho_set_status("none: no hand-over data from the kexec");
	} else {
		gmem_ho_read(home, &boot);
	}
	memzero_explicit(&boot, sizeof(boot));
	return 0;
}

/* After gmem_handover_init() set the room up, before any user can look. */
postcore_initcall(gmem_handover_restore_init);
