// SPDX-License-Identifier: GPL-2.0
/*
 * Hand-over of preserved pool-backed guest_memfd files across kexec.
 *
 * DOC: gmem pool hand-over
 *
 * A VMM preserves a pool-backed guest_memfd under a 64-bit token of its
 * choice (KVM_GMEM_POOL_PRESERVE; LUO's PRESERVE_FD).  The preserved-file
 * table below is a fixed array: nothing in it has to survive the kexec, it
 * only says what to write.  When a kexec is executed, the reboot notifier
 * writes the hand-over record (gmem_handover_record.c) into the metadata
 * area of the lowest-numbered pool, right after the allocator metadata.
 * That is the last point where the chunk lists are final (the VMMs are
 * paused and userspace has asked for the kexec) and where we may still
 * sleep and take locks; a kexec that is only loaded may never run, and
 * chunks keep changing until it does.
 *
 * The next kernel reserves the same ranges (handover_cmdline says how),
 * copies the record out of the metadata area before the allocator formats
 * it, and once every pool is formatted validates the whole record (checksum,
 * bounds, duplicates, layout match).  A good record turns each file into an
 * "unclaimed" entry whose chunks are owned by the entry; a bad one is
 * rejected whole and every chunk it names is quarantined, never handed out.
 * A VMM retrieves an entry with KVM_CREATE_GUEST_MEMFD and
 * GUEST_MEMFD_FLAG_POOL_RESTORE (LUO's RETRIEVE_FD); writing to
 * handover/discard zeroes and frees what nobody will retrieve (LUO's
 * finish).  Unclaimed entries are carried over by the next kexec.
 *
 * Locking: gmem_ho_lock (a mutex) protects the table, the old record and
 * the status; the pools' spinlocks nest inside it.
 */

#define pr_fmt(fmt) "gmem_pool: handover: " fmt

#include <linux/bitmap.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/debugfs.h>
#include <linux/gmem_carveout.h>
#include <linux/gmem_handover.h>
#include <linux/init.h>
#include <linux/kexec.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/reboot.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "gmem_carveout.h"
#include "gmem_handover.h"
#include "gmem_handover_record.h"

enum gmem_ho_state {
	GMEM_HO_FREE,		/* slot unused */
	GMEM_HO_PRESERVED,	/* live file of this kernel, to be handed over */
	GMEM_HO_UNCLAIMED,	/* from the record, chunks owned by the entry */
	GMEM_HO_RETRIEVED,	/* from the record, now a file again */
};

/**
 * struct gmem_ho_entry - one slot of the preserved-file table
 * @state: what the slot holds
 * @token: userspace's token
 * @size: file size in bytes
 * @uid: preserving (or, for unclaimed entries, recorded) uid, init_user_ns
 * @gid: same for the gid
 * @flags: guest_memfd creation flags
 * @nid: node of the file's chunks
 * @nr_slots: chunk-sized ranges of the file
 * @chunks: %GMEM_HO_PRESERVED: the live file's chunk table (pfns)
 * @rec_file: %GMEM_HO_UNCLAIMED: index in the old record's file table
 */
struct gmem_ho_entry {
	enum gmem_ho_state state;
	u64 token;
	u64 size;
	u32 uid;
	u32 gid;
	u32 flags;
	int nid;
	u64 nr_slots;
	const unsigned long *chunks;
	u32 rec_file;
};

/* Serialises everything below; see the locking rule at the top. */
static DEFINE_MUTEX(gmem_ho_lock);
static struct gmem_ho_entry gmem_ho_table[GMEM_HANDOVER_MAX_PRESERVED];
/* Copy of the record this kernel booted from, and its validated view. */
static void *gmem_ho_old;
static size_t gmem_ho_old_len;
static struct gmem_handover_view gmem_ho_view;
static bool gmem_ho_old_valid;
/* Set once the record for the next kernel is written: no more changes. */
static bool gmem_ho_sealed;
static char gmem_ho_status[GMEM_HANDOVER_STATUS_LEN] = "none";
/* Debug knob: damage the record after it is written (negative tests). */
static bool gmem_ho_corrupt;

static int gmem_ho_pools(struct gmem_handover_pool *out, struct gmem_pool **p)
{
	struct gmem_pool *pool;
	int nid, n = 0;

	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		pool = gmem_pool_get(nid);
		if (!pool)
			continue;
		out[n].nid = nid;
		out[n].chunk_shift = pool->layout.chunk_shift;
		out[n].base = pool->layout.base;
		out[n].size = pool->layout.size;
		out[n].chunk_base = pool->layout.chunk_base;
		out[n].nr_chunks = pool->layout.nchunks;
		if (p)
			p[n] = pool;
		n++;
	}
	return n;
}

static u32 gmem_ho_owner(const struct gmem_ho_entry *e)
{
	return GMEM_HANDOVER_OWNER_BASE + (e - gmem_ho_table);
}

static struct gmem_ho_entry *__gmem_ho_find(u64 token)
{
	int i;

	lockdep_assert_held(&gmem_ho_lock);
	for (i = 0; i < GMEM_HANDOVER_MAX_PRESERVED; i++)
		if (gmem_ho_table[i].state != GMEM_HO_FREE &&
		    gmem_ho_table[i].token == token)
			return &gmem_ho_table[i];
	return NULL;
}

static struct gmem_ho_entry *__gmem_ho_free_slot(void)
{
	int i;

	lockdep_assert_held(&gmem_ho_lock);
	for (i = 0; i < GMEM_HANDOVER_MAX_PRESERVED; i++)
		if (gmem_ho_table[i].state == GMEM_HO_FREE)
			return &gmem_ho_table[i];
	/* Forget a retrieved token rather than refuse a new file. */
	for (i = 0; i < GMEM_HANDOVER_MAX_PRESERVED; i++)
		if (gmem_ho_table[i].state == GMEM_HO_RETRIEVED)
			return &gmem_ho_table[i];
	return NULL;
}

/**
 * gmem_handover_preserve() - add a live pool file to the hand-over
 * @desc: the file; @desc->chunks must stay valid until unpreserved
 *
 * Return: 0; -EINVAL for a zero token or a node without a pool; -EEXIST if
 * the token is in use (preserved or not yet retrieved); -EBUSY if the file
 * is already preserved or a kexec is under way; -ENOSPC if the table is
 * full.
 */
int gmem_handover_preserve(const struct gmem_handover_desc *desc)
{
	struct gmem_ho_entry *e;
	int i, ret = 0;

	if (!desc->token || !gmem_pool_get(desc->nid) || !desc->nr_slots)
		return -EINVAL;

	mutex_lock(&gmem_ho_lock);
	e = __gmem_ho_find(desc->token);
	if (gmem_ho_sealed) {
		ret = -EBUSY;
		goto unlock;
	}
	if (e && e->state != GMEM_HO_RETRIEVED) {
		ret = -EEXIST;
		goto unlock;
	}
	for (i = 0; i < GMEM_HANDOVER_MAX_PRESERVED; i++) {
		if (gmem_ho_table[i].state == GMEM_HO_PRESERVED &&
		    gmem_ho_table[i].chunks == desc->chunks) {
			ret = -EBUSY;
			goto unlock;
		}
	}
	if (!e)
		e = __gmem_ho_free_slot();
	if (!e) {
		ret = -ENOSPC;
		goto unlock;
	}
	*e = (struct gmem_ho_entry) {
		.state = GMEM_HO_PRESERVED,
		.token = desc->token,
		.size = desc->size,
		.uid = from_kuid_munged(&init_user_ns, current_euid()),
		.gid = from_kgid_munged(&init_user_ns, current_egid()),
		.flags = desc->flags,
		.nid = desc->nid,
		.nr_slots = desc->nr_slots,
		.chunks = desc->chunks,
	};
unlock:
	mutex_unlock(&gmem_ho_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(gmem_handover_preserve);

/**
 * gmem_handover_unpreserve() - take a live file out of the hand-over
 * @token: the token it was preserved under
 * @chunks: its chunk table, to check that the token is this file's
 *
 * Return: 0; -ENOENT if no live file is preserved under @token; -EINVAL if
 * @token belongs to another file; -EBUSY if a kexec is under way.
 */
int gmem_handover_unpreserve(u64 token, const unsigned long *chunks)
{
	struct gmem_ho_entry *e;
	int ret = 0;

	mutex_lock(&gmem_ho_lock);
	e = __gmem_ho_find(token);
	if (gmem_ho_sealed)
		ret = -EBUSY;
	else if (!e || e->state != GMEM_HO_PRESERVED)
		ret = -ENOENT;
	else if (e->chunks != chunks)
		ret = -EINVAL;
	else
		e->state = GMEM_HO_FREE;
	mutex_unlock(&gmem_ho_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(gmem_handover_unpreserve);

/* May the caller retrieve @e?  Errors as gmem_handover_lookup() says. */
static int __gmem_ho_check_claim(const struct gmem_ho_entry *e)
{
	lockdep_assert_held(&gmem_ho_lock);
	if (!e)
		return -ENOENT;
	if (e->state != GMEM_HO_UNCLAIMED)
		return -EBUSY;
	if (!uid_eq(current_euid(), make_kuid(&init_user_ns, e->uid)) &&
	    !capable(CAP_SYS_ADMIN))
		return -EPERM;
	return 0;
}

/**
 * gmem_handover_lookup() - describe a file handed over by the last kernel
 * @token: the token it was preserved under
 * @size: its size in bytes
 * @nid: node of its chunks
 * @flags: its guest_memfd creation flags
 *
 * Return: 0; -ENOENT for an unknown token; -EBUSY if the file was already
 * retrieved (or is a live file of this kernel); -EPERM if the caller is
 * neither the preserving uid nor has CAP_SYS_ADMIN.
 */
int gmem_handover_lookup(u64 token, u64 *size, int *nid, u32 *flags)
{
	struct gmem_ho_entry *e;
	int ret;

	mutex_lock(&gmem_ho_lock);
	e = __gmem_ho_find(token);
	ret = __gmem_ho_check_claim(e);
	if (!ret) {
		*size = e->size;
		*nid = e->nid;
		*flags = e->flags;
	}
	mutex_unlock(&gmem_ho_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(gmem_handover_lookup);

struct gmem_ho_give {
	struct gmem_pool *pool;
	u32 from;
	u32 to;
	gmem_handover_fill_fn fn;
	void *arg;
};

static int gmem_ho_give_chunk(u64 slot, u32 chunk, void *arg)
{
	struct gmem_ho_give *g = arg;

	if (WARN_ON_ONCE(gmem_pool_chown_chunk(g->pool, chunk, g->from, g->to)))
		return -EIO;
	g->fn(slot, gmem_pool_chunk_pfn(g->pool, chunk), g->arg);
	return 0;
}

/**
 * gmem_handover_retrieve() - hand a file's chunks to a new owner
 * @token: the token it was preserved under
 * @new_owner: carveout owner id of the new file
 * @fn: called for every chunk of the file, in file order
 * @arg: passed to @fn
 *
 * Only chunk ownership changes: contents are untouched and the cost is
 * O(chunks).  Holes of the file stay holes.
 *
 * Return: as gmem_handover_lookup(), or -EIO if the pool's ownership does
 * not match the entry (a bug, warned about).
 */
int gmem_handover_retrieve(u64 token, u32 new_owner, gmem_handover_fill_fn fn,
			   void *arg)
{
	struct gmem_ho_give g = { .to = new_owner, .fn = fn, .arg = arg };
	struct gmem_ho_entry *e;
	int ret;

	mutex_lock(&gmem_ho_lock);
	e = __gmem_ho_find(token);
	ret = __gmem_ho_check_claim(e);
	if (ret)
		goto unlock;
	g.pool = gmem_pool_get(e->nid);
	g.from = gmem_ho_owner(e);
	ret = gmem_handover_walk_file(&gmem_ho_view, e->rec_file,
				      gmem_ho_give_chunk, &g);
	if (!ret)
		e->state = GMEM_HO_RETRIEVED;
unlock:
	mutex_unlock(&gmem_ho_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(gmem_handover_retrieve);

/* ---- writing the record at kexec time ---- */

struct gmem_ho_copy {
	struct gmem_handover_enc *enc;
	u64 next;
};

static int gmem_ho_copy_chunk(u64 slot, u32 chunk, void *arg)
{
	struct gmem_ho_copy *c = arg;
	int ret;

	for (; c->next < slot; c->next++) {
		ret = gmem_handover_add_slot(c->enc, GMEM_HANDOVER_HOLE);
		if (ret)
			return ret;
	}
	c->next++;
	return gmem_handover_add_slot(c->enc, chunk);
}

static int gmem_ho_write_live(struct gmem_handover_enc *enc,
			      const struct gmem_ho_entry *e)
{
	struct gmem_pool *pool = gmem_pool_get(e->nid);
	const struct gmem_pool_layout *l = &pool->layout;
	unsigned long pfn;
	u64 s, idx;
	u32 chunk;
	int ret;

	for (s = 0; s < e->nr_slots; s++) {
		/* VMMs are paused; a racing fault only adds a chunk we miss. */
		pfn = READ_ONCE(e->chunks[s]);
		chunk = GMEM_HANDOVER_HOLE;
		if (pfn) {
			idx = (PFN_PHYS(pfn) - l->chunk_base) >> l->chunk_shift;
			if (WARN_ON_ONCE(PFN_PHYS(pfn) < l->chunk_base ||
					 idx >= l->nchunks))
				return -EIO;
			chunk = idx;
		}
		ret = gmem_handover_add_slot(enc, chunk);
		if (ret)
			return ret;
	}
	return 0;
}

static int gmem_ho_write_file(struct gmem_handover_enc *enc,
			      const struct gmem_ho_entry *e)
{
	struct gmem_handover_file_info fi = {
		.token = e->token, .size = e->size, .uid = e->uid,
		.gid = e->gid, .flags = e->flags, .nid = e->nid,
	};
	struct gmem_ho_copy c = { .enc = enc };
	int ret;

	ret = gmem_handover_add_file(enc, &fi);
	if (ret)
		return ret;
	if (e->state == GMEM_HO_PRESERVED)
		return gmem_ho_write_live(enc, e);
	ret = gmem_handover_walk_file(&gmem_ho_view, e->rec_file,
				      gmem_ho_copy_chunk, &c);
	for (; !ret && c.next < e->nr_slots; c.next++)
		ret = gmem_handover_add_slot(enc, GMEM_HANDOVER_HOLE);
	return ret;
}

static int gmem_ho_cmp_token(const void *a, const void *b)
{
	const struct gmem_ho_entry *x = *(const struct gmem_ho_entry **)a;
	const struct gmem_ho_entry *y = *(const struct gmem_ho_entry **)b;

	return x->token < y->token ? -1 : x->token > y->token;
}

/* Files to hand over, by ascending token as the record wants them. */
static u32 __gmem_ho_sorted(struct gmem_ho_entry **out)
{
	u32 i, n = 0;

	for (i = 0; i < GMEM_HANDOVER_MAX_PRESERVED; i++)
		if (gmem_ho_table[i].state == GMEM_HO_PRESERVED ||
		    gmem_ho_table[i].state == GMEM_HO_UNCLAIMED)
			out[n++] = &gmem_ho_table[i];
	sort(out, n, sizeof(*out), gmem_ho_cmp_token, NULL);
	return n;
}

/* Static: called once, at kexec, when a large stack frame is unwelcome. */
static struct gmem_handover_pool gmem_ho_pool_buf[MAX_NUMNODES];
static struct gmem_pool *gmem_ho_pool_ptr[MAX_NUMNODES];
static struct gmem_ho_entry *gmem_ho_sorted_buf[GMEM_HANDOVER_MAX_PRESERVED];

static int __gmem_ho_encode(struct gmem_pool *dst, u32 nr_pools, u32 nr_files,
			    size_t *len)
{
	size_t off = ALIGN(dst->layout.meta_bytes, PAGE_SIZE);
	struct gmem_handover_enc enc;
	u64 gen = gmem_ho_old_valid ? gmem_handover_generation(&gmem_ho_view) : 0;
	u32 i;
	int ret;

	if (off >= dst->layout.meta_span)
		return -ENOSPC;
	ret = gmem_handover_begin(&enc, (void *)dst->hdr + off,
				  dst->layout.meta_span - off, nr_pools,
				  nr_files, gen + 1);
	for (i = 0; !ret && i < nr_pools; i++)
		ret = gmem_handover_add_node(&enc, &gmem_ho_pool_buf[i]);
	for (i = 0; !ret && i < nr_files; i++)
		ret = gmem_ho_write_file(&enc, gmem_ho_sorted_buf[i]);
	if (!ret)
		ret = gmem_handover_finish(&enc, len);
	if (!ret && gmem_ho_corrupt) {
		struct gmem_handover_header *h = (void *)dst->hdr + off;

		/* Covered by the checksum, not used by anything else. */
		h->generation ^= cpu_to_le64(1);
		pr_warn("record corrupted on purpose (debugfs knob)\n");
	}
	return ret;
}

static int gmem_ho_write_record(void)
{
	u32 nr_pools, nr_files;
	size_t len = 0;
	int ret;

	mutex_lock(&gmem_ho_lock);
	gmem_ho_sealed = true;
	nr_pools = gmem_ho_pools(gmem_ho_pool_buf, gmem_ho_pool_ptr);
	if (!nr_pools) {
		mutex_unlock(&gmem_ho_lock);
		return 0;
	}
	nr_files = __gmem_ho_sorted(gmem_ho_sorted_buf);
	ret = __gmem_ho_encode(gmem_ho_pool_ptr[0], nr_pools, nr_files, &len);
	mutex_unlock(&gmem_ho_lock);
	if (ret)
		pr_err("cannot write the record (%pe): preserved files are lost\n",
		       ERR_PTR(ret));
	else
		pr_info("record written: %u files, %zu bytes, node %d\n",
			nr_files, len, gmem_ho_pool_ptr[0]->nid);
	return ret;
}

static int gmem_ho_reboot(struct notifier_block *nb, unsigned long action,
			  void *data)
{
	/* A plain reboot hands nothing over; only kexec reuses the memory. */
	if (action == SYS_RESTART && kexec_in_progress)
		gmem_ho_write_record();
	return NOTIFY_DONE;
}

static struct notifier_block gmem_ho_reboot_nb = {
	.notifier_call = gmem_ho_reboot,
};

/* ---- reading the record in the next kernel ---- */

/**
 * gmem_handover_probe() - look for a record in a pool before it is formatted
 * @pool: the pool, reserved but not yet formatted
 * @meta: mapping of its metadata area, as the last kernel left it
 *
 * The record sits after the last kernel's allocator metadata, whose size
 * the old pool header still tells.  It is copied out and wiped, so that
 * neither the allocator nor a later cold boot can trust it again.
 */
void __init gmem_handover_probe(struct gmem_pool *pool, void *meta)
{
	const struct gmem_pool_header *old = meta;
	const struct gmem_handover_header *rec;
	u64 span = pool->layout.meta_span, off, len;

	if (gmem_ho_old || old->magic != GMEM_POOL_MAGIC ||
	    old->version != GMEM_POOL_VERSION || old->base != pool->layout.base)
		return;
	off = ALIGN(gmem_pool_meta_bytes(old->nchunks), PAGE_SIZE);
	if (old->nchunks > U32_MAX || off + sizeof(*rec) > span) {
		scnprintf(gmem_ho_status, sizeof(gmem_ho_status),
			  "rejected: node %d: old pool of %llu chunks does not fit this layout",
			  pool->nid, old->nchunks);
		pr_err("%s\n", gmem_ho_status);
		return;
	}
	rec = meta + off;
	if (le64_to_cpu(rec->magic) != GMEM_HANDOVER_MAGIC)
		return;
	len = min_t(u64, le64_to_cpu(rec->total_len), span - off);
	len = max_t(u64, len, sizeof(*rec));
	gmem_ho_old = kvmalloc(len, GFP_KERNEL);
	if (!gmem_ho_old) {
		pr_err("no memory to copy the record of node %d: record dropped\n",
		       pool->nid);
		return;
	}
	memcpy(gmem_ho_old, rec, len);
	gmem_ho_old_len = len;
	memset(meta + off, 0, sizeof(*rec));
}

/*
 * Chunks claimed per hold of the pool lock while a record is adopted: the
 * lock is uncontended at boot, but taking it per chunk doubles the cost of
 * the restore, and holding it for a whole file of a 1 TiB pool would keep
 * preemption off for milliseconds.
 */
#define GMEM_HO_CLAIM_BATCH	1024

struct gmem_ho_claim {
	struct gmem_pool *pool;
	u32 owner;
	u64 nr;
};

static int gmem_ho_claim_chunk(u64 slot, u32 chunk, void *arg)
{
	struct gmem_ho_claim *c = arg;

	if (c->nr && !(c->nr % GMEM_HO_CLAIM_BATCH)) {
		spin_unlock(&c->pool->lock);
		spin_lock(&c->pool->lock);
	}
	/* The validator ruled out duplicates and chunks past the pool. */
	if (WARN_ON_ONCE(__gmem_pool_claim_chunk(c->pool, chunk, c->owner)))
		return -EIO;
	c->nr++;
	return 0;
}

/* Turn every file of the validated record into an unclaimed entry. */
static int __init gmem_ho_adopt(u64 *nr_chunks)
{
	struct gmem_handover_file_info fi;
	struct gmem_ho_claim c = { };
	struct gmem_ho_entry *e;
	u32 i;
	int ret;

	for (i = 0; i < gmem_ho_view.nr_files; i++) {
		gmem_handover_file(&gmem_ho_view, i, &fi);
		e = &gmem_ho_table[i];
		*e = (struct gmem_ho_entry) {
			.state = GMEM_HO_UNCLAIMED, .token = fi.token,
			.size = fi.size, .uid = fi.uid, .gid = fi.gid,
			.flags = fi.flags, .nid = fi.nid,
			.nr_slots = fi.nr_slots, .rec_file = i,
		};
		c.pool = gmem_pool_get(fi.nid);
		c.owner = gmem_ho_owner(e);
		spin_lock(&c.pool->lock);
		ret = gmem_handover_walk_file(&gmem_ho_view, i,
					      gmem_ho_claim_chunk, &c);
		spin_unlock(&c.pool->lock);
		if (ret)
			return ret;
	}
	*nr_chunks = c.nr;
	return 0;
}

/* Quarantine one chunk named by a rejected record, if it is ours at all. */
static void __init gmem_ho_quarantine_phys(int nid, u64 phys)
{
	struct gmem_pool *pool = gmem_pool_get(nid);
	const struct gmem_pool_layout *l;
	u64 idx;

	if (!pool)
		return;
	l = &pool->layout;
	if (phys < l->chunk_base)
		return;
	idx = (phys - l->chunk_base) >> l->chunk_shift;
	if (idx < l->nchunks)
		gmem_pool_claim_chunk(pool, idx, GMEM_HANDOVER_OWNER_QUARANTINE);
}

static void __init gmem_ho_quarantine_all(void)
{
	struct gmem_pool *pool;
	unsigned long i;
	int nid;

	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		pool = gmem_pool_get(nid);
		for (i = 0; pool && i < pool->layout.nchunks; i++)
			gmem_pool_claim_chunk(pool, i,
					      GMEM_HANDOVER_OWNER_QUARANTINE);
	}
	pr_err("record unreadable: every pool chunk quarantined\n");
}

static bool __init gmem_ho_in(u64 off, u64 count, u64 size)
{
	return off <= gmem_ho_old_len && count <= (gmem_ho_old_len - off) / size;
}

/* The file's node entry of a rejected record, or NULL if out of bounds. */
static const struct gmem_handover_node *__init
gmem_ho_raw_node(const struct gmem_handover_header *h, u32 nid)
{
	const struct gmem_handover_node *n = gmem_ho_old +
					     le64_to_cpu(h->nodes_off);
	u32 i;

	for (i = 0; i < le32_to_cpu(h->nr_nodes); i++)
		if (le32_to_cpu(n[i].nid) == nid)
			return &n[i];
	return NULL;
}

/*
 * Quarantine what a rejected record names, trusting nothing: every offset
 * and count is checked against the copy; if the tables themselves cannot be
 * read, no chunk can be told safe and the whole pools are quarantined.
 */
static void __init gmem_ho_quarantine(void)
{
	const struct gmem_handover_header *h = gmem_ho_old;
	const struct gmem_handover_file *f;
	const struct gmem_handover_node *n;
	const __le32 *slots;
	u64 nr_slots, first, cnt, s, base;
	u32 i, chunk, shift;

	nr_slots = le64_to_cpu(h->nr_slots);
	if (!gmem_ho_in(le64_to_cpu(h->nodes_off), le32_to_cpu(h->nr_nodes),
			sizeof(*n)) ||
	    !gmem_ho_in(le64_to_cpu(h->files_off), le32_to_cpu(h->nr_files),
			sizeof(*f)) ||
	    !gmem_ho_in(le64_to_cpu(h->slots_off), nr_slots, sizeof(*slots)))
		return gmem_ho_quarantine_all();
	f = gmem_ho_old + le64_to_cpu(h->files_off);
	slots = gmem_ho_old + le64_to_cpu(h->slots_off);
	for (i = 0; i < le32_to_cpu(h->nr_files); i++, f++) {
		n = gmem_ho_raw_node(h, le32_to_cpu(f->nid));
		first = le64_to_cpu(f->first_slot);
		cnt = le64_to_cpu(f->nr_slots);
		if (!n || first > nr_slots || cnt > nr_slots - first)
			return gmem_ho_quarantine_all();
		shift = min(le32_to_cpu(n->chunk_shift), 63U);
		base = le64_to_cpu(n->chunk_base);
		for (s = first; s < first + cnt; s++) {
			chunk = le32_to_cpu(slots[s]);
			if (chunk != GMEM_HANDOVER_HOLE)
				gmem_ho_quarantine_phys(le32_to_cpu(f->nid),
							base + ((u64)chunk << shift));
		}
	}
}

static int __init gmem_ho_check(struct gmem_handover_error *err)
{
	struct gmem_handover_scratch scratch;
	int nr_pools, ret;

	nr_pools = gmem_ho_pools(gmem_ho_pool_buf, NULL);
	scratch.nbits = gmem_handover_scratch_bits(gmem_ho_pool_buf, nr_pools);
	scratch.bits = bitmap_zalloc(scratch.nbits, GFP_KERNEL);
	if (!scratch.bits)
		return -ENOMEM;
	ret = gmem_handover_validate(gmem_ho_old, gmem_ho_old_len, &scratch,
				     &gmem_ho_view, err);
	if (!ret)
		ret = gmem_handover_match_layout(&gmem_ho_view, gmem_ho_pool_buf,
						 nr_pools, err);
	bitmap_free(scratch.bits);
	if (!ret && gmem_ho_view.nr_files > GMEM_HANDOVER_MAX_PRESERVED)
		ret = -E2BIG;
	return ret;
}

static void __init gmem_ho_reject(int ret, struct gmem_handover_error *err)
{
	int n = scnprintf(gmem_ho_status, sizeof(gmem_ho_status),
			  "rejected: ");

	if (ret == -ENOMEM || ret == -E2BIG)
		scnprintf(gmem_ho_status + n, sizeof(gmem_ho_status) - n,
			  "%s", ret == -ENOMEM ? "out of memory" :
			  "more files than the table holds");
	else if (ret == -ENOSPC)
		/*
		 * The scratch bitmap has a bit per chunk of this kernel's
		 * pools, so a record that needs more names bigger pools.
		 */
		scnprintf(gmem_ho_status + n, sizeof(gmem_ho_status) - n,
			  "pool layout changed: the record's pools hold %llu chunks, more than this kernel's",
			  err->item);
	else
		gmem_handover_format_error(err, gmem_ho_status + n,
					   sizeof(gmem_ho_status) - n);
	pr_err("%s; its chunks are quarantined\n", gmem_ho_status);
	gmem_ho_quarantine();
}

/**
 * gmem_handover_restore() - adopt the record found by gmem_handover_probe()
 *
 * Called once every pool is formatted, before any file can take a chunk.
 * The record is validated whole before any chunk is marked; on rejection
 * its chunks are quarantined and the boot goes on.
 */
void __init gmem_handover_restore(void)
{
	struct gmem_handover_error err = { };
	u64 nr_chunks = 0, t0;
	int ret;

	if (!gmem_ho_old)
		return;
	/*
	 * local_clock(), not ktime: at core_initcall time the clocksource
	 * may still be jiffies, and the restore takes less than one tick.
	 */
	t0 = local_clock();
	mutex_lock(&gmem_ho_lock);
	ret = gmem_ho_check(&err);
	if (ret) {
		gmem_ho_reject(ret, &err);
		goto unlock;
	}
	gmem_ho_old_valid = true;
	ret = gmem_ho_adopt(&nr_chunks);
	if (ret) {
		/* Validated, yet the pools disagree: a bug; keep the chunks. */
		scnprintf(gmem_ho_status, sizeof(gmem_ho_status),
			  "rejected: chunk ownership conflict");
		goto unlock;
	}
	scnprintf(gmem_ho_status, sizeof(gmem_ho_status),
		  "restored: %u files, %llu chunks, generation %llu, %llu us",
		  gmem_ho_view.nr_files, nr_chunks,
		  gmem_handover_generation(&gmem_ho_view),
		  div_u64(local_clock() - t0, NSEC_PER_USEC));
	pr_info("%s\n", gmem_ho_status);
unlock:
	mutex_unlock(&gmem_ho_lock);
}

/* ---- discard and the state shown in sysfs ---- */

static int gmem_ho_zero_free(unsigned long pfn, u32 owner, void *arg)
{
	int ret = gmem_carveout_zero_chunk(pfn);

	/* A chunk that cannot be cleared stays with its entry, not leaked. */
	if (!ret)
		gmem_carveout_free(pfn, owner);
	return ret;
}

static int __gmem_ho_discard(struct gmem_ho_entry *e)
{
	int ret;

	lockdep_assert_held(&gmem_ho_lock);
	ret = gmem_carveout_for_each_chunk(e->nid, gmem_ho_owner(e),
					   gmem_ho_zero_free, NULL);
	if (!ret)
		e->state = GMEM_HO_FREE;
	return ret;
}

/**
 * gmem_handover_discard() - zero and free what nobody will retrieve
 * @token: token of the unclaimed file to discard
 * @all: discard every unclaimed file instead; @token is ignored
 *
 * The chunks are zeroed before they go back to the pool, so the next owner
 * never sees the discarded guest's memory.  A chunk that cannot be zeroed
 * stays with its entry, which stays unclaimed.
 *
 * Return: 0; -ENOENT if no unclaimed file has @token; -EBUSY once the
 * record for the next kernel is written; an error from zeroing.
 */
int gmem_handover_discard(u64 token, bool all)
{
	struct gmem_ho_entry *e;
	int i, ret = 0;

	mutex_lock(&gmem_ho_lock);
	if (gmem_ho_sealed) {
		ret = -EBUSY;
		goto unlock;
	}
	if (!all) {
		e = __gmem_ho_find(token);
		if (!e || e->state != GMEM_HO_UNCLAIMED)
			ret = -ENOENT;
		else
			ret = __gmem_ho_discard(e);
		goto unlock;
	}
	for (i = 0; i < GMEM_HANDOVER_MAX_PRESERVED && !ret; i++)
		if (gmem_ho_table[i].state == GMEM_HO_UNCLAIMED)
			ret = __gmem_ho_discard(&gmem_ho_table[i]);
unlock:
	mutex_unlock(&gmem_ho_lock);
	return ret;
}

static u64 gmem_ho_nr_chunks(const struct gmem_ho_entry *e)
{
	u64 s, n = 0;

	if (e->state == GMEM_HO_UNCLAIMED) {
		struct gmem_pool *pool = gmem_pool_get(e->nid);

		spin_lock(&pool->lock);
		for (s = 0; s < pool->layout.nchunks; s++)
			n += pool->owners[s] == gmem_ho_owner(e);
		spin_unlock(&pool->lock);
		return n;
	}
	for (s = 0; s < e->nr_slots; s++)
		n += READ_ONCE(e->chunks[s]) != 0;
	return n;
}

/**
 * gmem_handover_list_files() - report the preserved or unclaimed files
 * @unclaimed: report the files handed over by the previous kernel and not
 *	yet retrieved, instead of the files this kernel preserves
 * @fn: called for each file, in table order, with the hand-over lock held
 * @arg: passed to @fn
 */
void gmem_handover_list_files(bool unclaimed, gmem_handover_file_fn fn,
			      void *arg)
{
	enum gmem_ho_state state = unclaimed ? GMEM_HO_UNCLAIMED :
					       GMEM_HO_PRESERVED;
	struct gmem_handover_listing info;
	const struct gmem_ho_entry *e;
	int i;

	mutex_lock(&gmem_ho_lock);
	for (i = 0; i < GMEM_HANDOVER_MAX_PRESERVED; i++) {
		e = &gmem_ho_table[i];
		if (e->state != state)
			continue;
		info.token = e->token;
		info.size = e->size;
		info.uid = e->uid;
		info.nr_chunks = gmem_ho_nr_chunks(e);
		fn(&info, arg);
	}
	mutex_unlock(&gmem_ho_lock);
}

/**
 * gmem_handover_status() - this boot's hand-over status line
 * @buf: where to copy it
 * @size: size of @buf
 *
 * The line is cut short if @size is less than %GMEM_HANDOVER_STATUS_LEN.
 *
 * Return: the length of the line, without the NUL.
 */
size_t gmem_handover_status(char *buf, size_t size)
{
	ssize_t len;

	mutex_lock(&gmem_ho_lock);
	len = strscpy(buf, gmem_ho_status, size);
	mutex_unlock(&gmem_ho_lock);
	return len < 0 ? size - 1 : len;
}

static int __init gmem_handover_init(void)
{
	int ret;

	if (!gmem_carveout_chunk_order())
		return 0;
	ret = register_reboot_notifier(&gmem_ho_reboot_nb);
	if (ret)
		return ret;
	if (IS_ENABLED(CONFIG_GMEM_CARVEOUT_DEBUGFS)) {
		struct dentry *dir = debugfs_lookup("gmem_pool", NULL);

		debugfs_create_bool("handover_corrupt_record", 0600, dir,
				    &gmem_ho_corrupt);
		dput(dir);
	}
	return 0;
}
late_initcall_sync(gmem_handover_init);
