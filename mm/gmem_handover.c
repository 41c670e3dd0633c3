// SPDX-License-Identifier: GPL-2.0
/*
 * Hand-over of pool-backed guest_memfd files across kexec: sessions, files
 * and the record.
 */

/**
 * DOC: gmem pool hand-over
 *
 * Userspace groups the files it wants to keep in named sessions
 * (/dev/liveupdate, gmem_handover_luo.c, mainline LUO's interface).  A
 * session of this kernel is "outgoing": PRESERVE_FD freezes a pool file
 * (KVM's &struct gmem_handover_file_ops), turns its chunk table into
 * extents and charges their cost to the record room, so that the record
 * can never run out of room at kexec time.  Closing the session before the
 * kexec unpreserves (thaws) its files.
 *
 * kernel_kexec() seals the hand-over before the point of no return
 * (gmem_handover_seal()): the record of every outgoing session is written
 * into the room the carveout keeps for it, with the key that
 * kexec_file_load() gave the image (gmem_handover_boot.c), together with
 * every chunk memory_failure() retired, and the pools stop handing out
 * chunks.  A kexec with more retired chunks than a record carries
 * (%GMEM_HANDOVER_MAX_POISONED) is refused rather than forget one; a chunk
 * retired after the seal is not carried.  From then on nothing changes
 * chunk ownership: preserved files are frozen and referenced, no file is
 * retrieved, no session is thawed, and a chunk freed by anyone stays free.
 *
 * The next kernel trusts the record only if it carries the key that its
 * kexec carried (gmem_handover_restore_init()).  A good record becomes
 * "incoming" sessions whose files own their chunks under hand-over owner
 * ids, and the chunks of its poisoned table are retired again
 * (gmem_handover_restore.c); RETRIEVE_FD gives a file its chunks back
 * (O(chunks), contents untouched, retired ones still retired), FINISH (or
 * closing the retrieved session) zeroes and frees what was not retrieved,
 * a retired chunk passing to the carveout's poisoned owner unzeroed.  A
 * keyed record that fails validation is rejected whole and every chunk it
 * names is quarantined, those of its poisoned table too.  Incoming
 * sessions are not carried over by the next kexec: what nobody retrieves
 * returns to the pool then.
 *
 * Locking: gmem_ho_lock (a mutex) protects every session and file, the
 * lists, the room accounting, the sealed flag, the file operations and the
 * status.  Under it, KVM's callbacks take the file's invalidate lock and
 * its pool lock, and the carveout takes its pool spinlocks: gmem_ho_lock is
 * the outermost lock, and KVM never calls in here with a lock of its own
 * held except gmem_handover_fill() from its retrieve callback.
 */

#define pr_fmt(fmt) "gmem_pool: handover: " fmt

#include <linux/bitmap.h>
#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/gmem_carveout.h>
#include <linux/gmem_handover.h>
#include <linux/init.h>
#include <linux/kexec.h>
#include <linux/list.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/visibility.h>
#include <uapi/linux/liveupdate.h>

#include "gmem_carveout.h"
#include "gmem_handover.h"
#include "gmem_handover_record.h"

/*
 * Room the poisoned table may take: kept from the start, since
 * memory_failure() retires chunks without asking the hand-over.
 */
#define GMEM_HO_POISONED_ROOM	(GMEM_HANDOVER_MAX_POISONED * \
				 sizeof(struct gmem_handover_poisoned))

/* The record fits the room the carveout keeps, whatever the limits allow. */
static_assert(sizeof(struct gmem_handover_header) +
	      GMEM_HANDOVER_MAX_NODES * sizeof(struct gmem_handover_node) +
	      GMEM_HANDOVER_MAX_SESSIONS * sizeof(struct gmem_handover_session) +
	      GMEM_HANDOVER_MAX_FILES * sizeof(struct gmem_handover_file) +
	      GMEM_HO_POISONED_ROOM <= GMEM_POOL_RECORD_FIXED);
static_assert(sizeof(struct gmem_handover_extent) <= GMEM_POOL_RECORD_PER_CHUNK);
static_assert(GMEM_HANDOVER_MAX_SESSIONS * GMEM_HANDOVER_MAX_SESSION_FILES <=
	      GMEM_HANDOVER_MAX_FILES);
static_assert(LIVEUPDATE_SESSION_NAME_LENGTH == GMEM_HANDOVER_NAME_LEN);

/* Slots scanned between two cond_resched() while a file is described. */
#define GMEM_HO_SCAN_BATCH	4096
/* Chunks claimed per hold of a pool lock while a record is adopted. */
#define GMEM_HO_CLAIM_BATCH	1024

/**
 * struct gmem_ho_extent - file slots [@slot, @slot + @nr) are chunks
 *	[@chunk, @chunk + @nr) of the file's node
 * @slot: first slot
 * @chunk: first chunk index in the node's pool
 * @nr: number of slots and chunks
 */
struct gmem_ho_extent {
	u64 slot;
	u32 chunk;
	u32 nr;
};

/**
 * struct gmem_ho_file - a file of a session
 * @node: link in the session's @files, by ascending @token
 * @token: userspace's name of the file in the session
 * @file: outgoing: the preserved file; incoming: the retrieved file, or
 *	NULL until it is retrieved; the session holds a reference
 * @desc: size, flags, node and slot count of the file
 * @extents: outgoing: the chunks of the frozen file
 * @nr_extents: entries of @extents
 * @cost: outgoing: bytes of record room charged for the file
 * @rec_file: incoming: index of the file in the record
 * @owner: incoming: carveout owner id of its chunks until it is retrieved
 */
struct gmem_ho_file {
	struct list_head node;
	u64 token;
	struct file *file;
	struct gmem_handover_file_desc desc;
	struct gmem_ho_extent *extents;
	u64 nr_extents;
	size_t cost;
	u32 rec_file;
	u32 owner;
};

/**
 * struct gmem_ho_session - a named group of files
 * @node: link in gmem_ho_outgoing or gmem_ho_incoming
 * @name: unique name, NUL terminated
 * @incoming: handed over by the previous kernel
 * @retrieved: incoming: a descriptor of it was given to userspace
 * @finished: incoming: FINISH ran; its files are gone from it
 * @nr_files: entries of @files
 * @files: &struct gmem_ho_file, by ascending token
 */
struct gmem_ho_session {
	struct list_head node;
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	bool incoming;
	bool retrieved;
	bool finished;
	u32 nr_files;
	struct list_head files;
};

/**
 * struct gmem_handover_fill - what gmem_handover_fill() needs
 * @f: the incoming file being retrieved
 */
struct gmem_handover_fill {
	struct gmem_ho_file *f;
};

/* Protects everything below; see the locking rule at the top. */
static DEFINE_MUTEX(gmem_ho_lock);
static LIST_HEAD(gmem_ho_outgoing);
static LIST_HEAD(gmem_ho_incoming);
static unsigned int gmem_ho_nr_outgoing;
static u64 gmem_ho_nr_preserved;
static const struct gmem_handover_file_ops *gmem_ho_ops;
/* Record room of the record pool, and how much of it is promised. */
static size_t gmem_ho_room;
static size_t gmem_ho_room_used;
static bool gmem_ho_sealed;
/* The record this kernel booted from, copied out, and its view. */
static void *gmem_ho_old;
static struct gmem_handover_view gmem_ho_view;
static bool gmem_ho_old_valid;
static char gmem_ho_status[GMEM_HANDOVER_STATUS_LEN] = "none";
/* Debugfs knob, enum gmem_handover_sabotage. */
static u32 gmem_ho_sabotage;

/**
 * gmem_ho_sabotage_mode() - the value of the handover_sabotage knob
 *
 * Return: an &enum gmem_handover_sabotage; %GMEM_HO_SABOTAGE_NONE for a
 * value out of range.
 */
unsigned int gmem_ho_sabotage_mode(void)
{
	u32 v = READ_ONCE(gmem_ho_sabotage);

	return v < GMEM_HO_SABOTAGE_MAX ? v : GMEM_HO_SABOTAGE_NONE;
}

/**
 * gmem_ho_pools() - the running kernel's pools, as the record describes them
 * @out: one entry per active pool, by ascending nid; MAX_NUMNODES entries
 *
 * Return: the number of entries filled.
 */
int gmem_ho_pools(struct gmem_handover_pool *out)
{
	struct gmem_pool *pool;
	int n = 0;

	for (pool = gmem_pool_next(NULL); pool; pool = gmem_pool_next(pool)) {
		out[n].nid = pool->nid;
		out[n].chunk_shift = pool->layout.chunk_shift;
		out[n].base = pool->layout.base;
		out[n].size = pool->layout.size;
		out[n].chunk_base = pool->layout.chunk_base;
		out[n].nr_chunks = pool->layout.nchunks;
		n++;
	}
	return n;
}

/* Bytes a file costs in the record. */
static size_t gmem_ho_file_cost(u64 nr_extents)
{
	return sizeof(struct gmem_handover_file) +
	       nr_extents * sizeof(struct gmem_handover_extent);
}

static int __gmem_ho_charge(size_t cost)
{
	lockdep_assert_held(&gmem_ho_lock);
	if (cost > gmem_ho_room - gmem_ho_room_used)
		return -ENOSPC;
	gmem_ho_room_used += cost;
	return 0;
}

/* ---- sessions ---- */

static void __gmem_ho_release_outgoing(struct gmem_ho_session *s);

static struct gmem_ho_session *__gmem_ho_find_session(struct list_head *list,
						      const char *name)
{
	struct gmem_ho_session *s;

	lockdep_assert_held(&gmem_ho_lock);
	list_for_each_entry(s, list, node)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

static struct gmem_ho_session *gmem_ho_alloc_session(const char *name,
						     bool incoming)
{
	struct gmem_ho_session *s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);

	if (!s)
		return NULL;
	strscpy(s->name, name, sizeof(s->name));
	s->incoming = incoming;
	INIT_LIST_HEAD(&s->files);
	return s;
}

/**
 * gmem_ho_session_create() - start a session for the next kernel
 * @name: its name, non-empty and NUL terminated within
 *	%LIVEUPDATE_SESSION_NAME_LENGTH bytes (checked by the caller)
 * @out: the new session
 *
 * Return: 0; -EEXIST if an outgoing session has @name; -ENOMEM without
 * memory, past %GMEM_HANDOVER_MAX_SESSIONS sessions or when the record
 * room is gone; -EBUSY once the hand-over is sealed.
 */
int gmem_ho_session_create(const char *name, struct gmem_ho_session **out)
{
	struct gmem_ho_session *s;
	int ret = 0;

	mutex_lock(&gmem_ho_lock);
	if (gmem_ho_sealed) {
		ret = -EBUSY;
	} else if (__gmem_ho_find_session(&gmem_ho_outgoing, name)) {
		ret = -EEXIST;
	} else if (gmem_ho_nr_outgoing >= GMEM_HANDOVER_MAX_SESSIONS ||
		   __gmem_ho_charge(sizeof(struct gmem_handover_session))) {
		ret = -ENOMEM;
	} else {
		s = gmem_ho_alloc_session(name, false);
		if (!s) {
			gmem_ho_room_used -= sizeof(struct gmem_handover_session);
			ret = -ENOMEM;
		} else {
			list_add_tail(&s->node, &gmem_ho_outgoing);
			gmem_ho_nr_outgoing++;
			*out = s;
		}
	}
	mutex_unlock(&gmem_ho_lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_ho_session_create);

/**
 * gmem_ho_session_retrieve() - claim a session of the previous kernel
 * @name: its name
 * @out: the session
 *
 * Return: 0; -ENOENT if the previous kernel handed over no session of
 * that name (or it was released); -EINVAL if it was retrieved already.
 */
int gmem_ho_session_retrieve(const char *name, struct gmem_ho_session **out)
{
	struct gmem_ho_session *s;
	int ret = 0;

	mutex_lock(&gmem_ho_lock);
	s = __gmem_ho_find_session(&gmem_ho_incoming, name);
	if (!s)
		ret = -ENOENT;
	else if (s->retrieved)
		ret = -EINVAL;
	else
		s->retrieved = true;
	if (!ret)
		*out = s;
	mutex_unlock(&gmem_ho_lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_ho_session_retrieve);

/**
 * gmem_ho_session_undo() - no descriptor could be made for a session
 * @session: a session gmem_ho_session_create() or
 *	gmem_ho_session_retrieve() just gave
 *
 * A new outgoing session is dropped; an incoming one can be retrieved
 * again, with all its files.
 */
void gmem_ho_session_undo(struct gmem_ho_session *session)
{
	mutex_lock(&gmem_ho_lock);
	if (session->incoming)
		session->retrieved = false;
	else
		__gmem_ho_release_outgoing(session);
	mutex_unlock(&gmem_ho_lock);
}

/**
 * gmem_ho_session_name() - a session's name
 * @session: the session
 *
 * Return: the NUL-terminated name; it lives as long as the session.
 */
const char *gmem_ho_session_name(const struct gmem_ho_session *session)
{
	return session->name;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_ho_session_name);

/* Thaw and drop one outgoing file; the caller unlinks it. */
static void __gmem_ho_unpreserve(struct gmem_ho_file *f)
{
	lockdep_assert_held(&gmem_ho_lock);
	gmem_ho_ops->unpreserve(f->file);
	fput(f->file);
	module_put(gmem_ho_ops->owner);
	gmem_ho_room_used -= f->cost;
	gmem_ho_nr_preserved--;
	kvfree(f->extents);
	kfree(f);
}

static void __gmem_ho_release_outgoing(struct gmem_ho_session *s)
{
	struct gmem_ho_file *f, *tmp;

	list_for_each_entry_safe(f, tmp, &s->files, node) {
		list_del(&f->node);
		__gmem_ho_unpreserve(f);
	}
	list_del(&s->node);
	gmem_ho_nr_outgoing--;
	gmem_ho_room_used -= sizeof(struct gmem_handover_session);
	kfree(s);
}

/**
 * gmem_ho_session_release() - the last descriptor of a session is closed
 * @session: the session
 *
 * An outgoing session unpreserves its files, unless the hand-over is
 * sealed: then they stay preserved and referenced until the machine is
 * down, as the record says.  An incoming session finishes (see
 * gmem_ho_finish()) and is forgotten.
 */
void gmem_ho_session_release(struct gmem_ho_session *session)
{
	if (session->incoming) {
		if (gmem_ho_finish(session))
			pr_warn_ratelimited("session %s: some chunks could not be zeroed; they return to the pool at the next kexec\n",
					    session->name);
		mutex_lock(&gmem_ho_lock);
		list_del(&session->node);
		mutex_unlock(&gmem_ho_lock);
		kfree(session);
		return;
	}
	mutex_lock(&gmem_ho_lock);
	if (!gmem_ho_sealed)
		__gmem_ho_release_outgoing(session);
	mutex_unlock(&gmem_ho_lock);
}
EXPORT_SYMBOL_IF_KUNIT(gmem_ho_session_release);

/* ---- preserving a file ---- */

static struct gmem_ho_file *__gmem_ho_find_file(struct gmem_ho_session *s,
						u64 token)
{
	struct gmem_ho_file *f;

	list_for_each_entry(f, &s->files, node)
		if (f->token == token)
			return f;
	return NULL;
}

/* Keep the session's files by ascending token, as the record wants them. */
static void __gmem_ho_add_file(struct gmem_ho_session *s, struct gmem_ho_file *f)
{
	struct gmem_ho_file *pos;

	list_for_each_entry(pos, &s->files, node)
		if (pos->token > f->token)
			break;
	list_add_tail(&f->node, &pos->node);
	s->nr_files++;
}

/* Chunk index of @pfn in @pool, or -EIO if it is not a chunk of it. */
static int gmem_ho_chunk_index(const struct gmem_pool *pool, unsigned long pfn,
			       u32 *idx)
{
	const struct gmem_pool_layout *l = &pool->layout;
	u64 phys = PFN_PHYS(pfn), i;

	if (phys < l->chunk_base)
		return -EIO;
	i = (phys - l->chunk_base) >> l->chunk_shift;
	if (i >= l->nchunks || gmem_pool_chunk_pfn(pool, i) != pfn)
		return -EIO;
	*idx = i;
	return 0;
}

/*
 * One pass over the frozen chunk table: count the runs of consecutive
 * chunks, or store them if @out is not NULL.
 */
static int gmem_ho_scan(const struct gmem_handover_file_desc *d,
			const struct gmem_pool *pool, struct gmem_ho_extent *out,
			u64 *nr)
{
	struct gmem_ho_extent cur = { };
	u64 s, n = 0;
	u32 idx;

	for (s = 0; s < d->nr_slots; s++) {
		if (!(s % GMEM_HO_SCAN_BATCH))
			cond_resched();
		if (!d->chunks[s])
			continue;
		if (WARN_ON_ONCE(gmem_ho_chunk_index(pool, d->chunks[s], &idx)))
			return -EIO;
		if (cur.nr && s == cur.slot + cur.nr && idx == cur.chunk + cur.nr &&
		    cur.nr < U32_MAX) {
			cur.nr++;
			continue;
		}
		if (cur.nr && out)
			out[n - 1] = cur;
		cur = (struct gmem_ho_extent) { .slot = s, .chunk = idx, .nr = 1 };
		n++;
	}
	if (cur.nr && out)
		out[n - 1] = cur;
	*nr = n;
	return 0;
}

/* Turn the frozen file's chunk table into extents. */
static int gmem_ho_describe(struct gmem_ho_file *f)
{
	struct gmem_pool *pool = gmem_pool_get(f->desc.nid);
	u64 nr, again;
	int ret;

	if (!pool || !f->desc.nr_slots)
		return -EINVAL;
	ret = gmem_ho_scan(&f->desc, pool, NULL, &nr);
	if (ret || !nr)
		return ret;
	f->extents = kvmalloc_array(nr, sizeof(*f->extents), GFP_KERNEL_ACCOUNT);
	if (!f->extents)
		return -ENOMEM;
	ret = gmem_ho_scan(&f->desc, pool, f->extents, &again);
	if (!ret && WARN_ON_ONCE(again != nr))
		ret = -EIO;
	if (ret) {
		kvfree(f->extents);
		f->extents = NULL;
		return ret;
	}
	f->nr_extents = nr;
	return 0;
}

/* Freeze @file, describe it and charge its room; undone on failure. */
static int __gmem_ho_freeze(struct gmem_ho_file *f, struct file *file)
{
	int ret;

	lockdep_assert_held(&gmem_ho_lock);
	ret = gmem_ho_ops->preserve(file, &f->desc);
	if (ret)
		return ret;
	ret = gmem_ho_describe(f);
	f->desc.chunks = NULL;
	if (!ret) {
		f->cost = gmem_ho_file_cost(f->nr_extents);
		ret = __gmem_ho_charge(f->cost);
	}
	if (ret) {
		kvfree(f->extents);
		gmem_ho_ops->unpreserve(file);
	}
	return ret;
}

static int __gmem_ho_check_preserve(struct gmem_ho_session *s, u64 token)
{
	lockdep_assert_held(&gmem_ho_lock);
	if (gmem_ho_sealed)
		return -EBUSY;
	if (s->incoming)
		return -EINVAL;
	if (__gmem_ho_find_file(s, token))
		return -EEXIST;
	if (s->nr_files >= GMEM_HANDOVER_MAX_SESSION_FILES)
		return -ENOSPC;
	return 0;
}

static int __gmem_ho_preserve(struct gmem_ho_session *s, u64 token,
			      struct file *file)
{
	struct gmem_ho_file *f;
	int ret;

	if (!gmem_ho_ops || !gmem_ho_ops->can_preserve(file))
		return -ENOENT;
	if (!try_module_get(gmem_ho_ops->owner))
		return -ENOENT;
	f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	ret = f ? __gmem_ho_freeze(f, file) : -ENOMEM;
	if (ret) {
		kfree(f);
		module_put(gmem_ho_ops->owner);
		return ret;
	}
	get_file(file);
	f->token = token;
	f->file = file;
	__gmem_ho_add_file(s, f);
	gmem_ho_nr_preserved++;
	return 0;
}

/**
 * gmem_ho_preserve() - add a file to an outgoing session
 * @session: the session
 * @token: name of the file in the session
 * @file: the file; on success the session takes a reference of its own
 *
 * The file is frozen from now on.  Preserving costs O(slots of the file)
 * once, and the record room the file's chunks need.
 *
 * Return: 0; -ENOENT if @file is not a pool-backed guest_memfd; -EEXIST
 * if @token is in use in the session; -ENOSPC past
 * %GMEM_HANDOVER_MAX_SESSION_FILES files or when the record room is gone;
 * -EBUSY if the file is preserved already or the hand-over is sealed;
 * -EINVAL for an incoming session; -ENOMEM.
 */
int gmem_ho_preserve(struct gmem_ho_session *session, u64 token,
		     struct file *file)
{
	int ret;

	mutex_lock(&gmem_ho_lock);
	ret = __gmem_ho_check_preserve(session, token);
	if (!ret)
		ret = __gmem_ho_preserve(session, token, file);
	mutex_unlock(&gmem_ho_lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_ho_preserve);

/* ---- retrieving and finishing ---- */

struct gmem_ho_give {
	struct gmem_pool *pool;
	u32 from;
	u32 to;
	gmem_handover_fill_fn fn;
	void *arg;
};

static int gmem_ho_give_extent(u64 slot, u32 chunk, u32 nr, void *arg)
{
	struct gmem_ho_give *g = arg;
	u32 i;

	for (i = 0; i < nr; i++) {
		if (WARN_ON_ONCE(gmem_pool_chown_chunk(g->pool, chunk + i,
						       g->from, g->to)))
			return -EIO;
		g->fn(slot + i, gmem_pool_chunk_pfn(g->pool, chunk + i), g->arg);
	}
	cond_resched();
	return 0;
}

/**
 * gmem_handover_fill() - give a file being retrieved its chunks
 * @fill: the cookie gmem_handover_file_ops.retrieve() was given
 * @new_owner: carveout owner id of the new file
 * @fn: called for every chunk, in file order
 * @arg: passed to @fn
 *
 * Only ownership changes: contents are untouched, holes stay holes, and
 * the cost is O(chunks).  Called with the hand-over lock held, by the
 * retrieve callback, once nothing else can fail.
 *
 * Return: 0, or -EIO if the pool's ownership does not match the record (a
 * bug, warned about).
 */
int gmem_handover_fill(struct gmem_handover_fill *fill, u32 new_owner,
		       gmem_handover_fill_fn fn, void *arg)
{
	struct gmem_ho_file *f = fill->f;
	struct gmem_ho_give g = {
		.pool = gmem_pool_get(f->desc.nid), .from = f->owner,
		.to = new_owner, .fn = fn, .arg = arg,
	};

	lockdep_assert_held(&gmem_ho_lock);
	return gmem_handover_walk_file(&gmem_ho_view, f->rec_file,
				       gmem_ho_give_extent, &g);
}
EXPORT_SYMBOL_GPL(gmem_handover_fill);

static int __gmem_ho_retrieve(struct gmem_ho_file *f)
{
	struct gmem_handover_fill fill = { .f = f };
	struct file *file;

	lockdep_assert_held(&gmem_ho_lock);
	if (gmem_ho_sealed)
		return -EBUSY;
	if (!gmem_ho_ops || !try_module_get(gmem_ho_ops->owner))
		return -ENOENT;
	file = gmem_ho_ops->retrieve(&f->desc, &fill);
	module_put(gmem_ho_ops->owner);
	if (IS_ERR(file))
		return PTR_ERR(file);
	f->file = file;
	return 0;
}

/**
 * gmem_ho_retrieve_fd() - get a file of an incoming session
 * @session: the session
 * @token: the token the file was preserved under
 * @filep: a new reference to the file, for the caller's descriptor
 *
 * The first call rebuilds the file; later calls return the same file.
 *
 * Return: 0; -ENOENT for an unknown token, a finished session or a kernel
 * without the file's owner; -EINVAL for an outgoing session; -EBUSY once
 * the hand-over is sealed; an error of the owner's retrieve callback.
 */
int gmem_ho_retrieve_fd(struct gmem_ho_session *session, u64 token,
			struct file **filep)
{
	struct gmem_ho_file *f;
	int ret = 0;

	mutex_lock(&gmem_ho_lock);
	if (!session->incoming) {
		ret = -EINVAL;
		goto unlock;
	}
	f = __gmem_ho_find_file(session, token);
	if (!f) {
		ret = -ENOENT;
		goto unlock;
	}
	if (!f->file)
		ret = __gmem_ho_retrieve(f);
	if (!ret)
		*filep = get_file(f->file);
unlock:
	mutex_unlock(&gmem_ho_lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_ho_retrieve_fd);

struct gmem_ho_drop {
	struct gmem_pool *pool;
	u32 owner;
	int err;
};

static int gmem_ho_drop_extent(u64 slot, u32 chunk, u32 nr, void *arg)
{
	struct gmem_ho_drop *d = arg;
	unsigned long pfn;
	u32 i;
	int ret;

	for (i = 0; i < nr; i++) {
		pfn = gmem_pool_chunk_pfn(d->pool, chunk + i);
		ret = gmem_carveout_zero_chunk(pfn);
		/*
		 * A retired chunk is never zeroed: freed, it passes to
		 * GMEM_CHUNK_OWNER_POISONED, never to another file.  One that
		 * could not be zeroed is not freed: it stays the entry's, out
		 * of the pool.
		 */
		if (ret && ret != -EHWPOISON)
			d->err = ret;
		else
			gmem_carveout_free(pfn, d->owner);
	}
	return 0;
}

/* Zero and free the chunks an unretrieved file still owns. */
static int gmem_ho_drop_chunks(struct gmem_ho_file *f)
{
	struct gmem_ho_drop d = {
		.pool = gmem_pool_get(f->desc.nid), .owner = f->owner,
	};

	gmem_handover_walk_file(&gmem_ho_view, f->rec_file,
				gmem_ho_drop_extent, &d);
	return d.err;
}

/**
 * gmem_ho_finish() - end the restore of an incoming session
 * @session: the session
 *
 * Retrieved files now belong to their descriptors alone.  The chunks of
 * files nobody retrieved are zeroed, then freed, outside the hand-over
 * lock: the session is empty before the first chunk is touched.
 *
 * Return: 0 (also for a session finished already); -EINVAL for an
 * outgoing session; -ENOMEM if a chunk could not be mapped to be zeroed
 * (it stays out of the pool until the next kexec).
 */
int gmem_ho_finish(struct gmem_ho_session *session)
{
	struct gmem_ho_file *f, *tmp;
	LIST_HEAD(files);
	int ret, err = 0;

	mutex_lock(&gmem_ho_lock);
	if (!session->incoming) {
		mutex_unlock(&gmem_ho_lock);
		return -EINVAL;
	}
	list_splice_init(&session->files, &files);
	session->nr_files = 0;
	session->finished = true;
	mutex_unlock(&gmem_ho_lock);

	list_for_each_entry_safe(f, tmp, &files, node) {
		if (f->file) {
			fput(f->file);
		} else {
			ret = gmem_ho_drop_chunks(f);
			if (ret)
				err = ret;
		}
		kfree(f);
	}
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_ho_finish);

/* ---- sealing: the record for the next kernel ---- */

static int gmem_ho_encode_file(struct gmem_handover_enc *enc,
			       const struct gmem_ho_file *f)
{
	struct gmem_handover_file_info fi = {
		.token = f->token, .size = f->desc.size, .flags = f->desc.flags,
		.nid = f->desc.nid, .nr_slots = f->desc.nr_slots,
		.nr_extents = f->nr_extents,
	};
	u64 e;
	int ret;

	ret = gmem_handover_add_file(enc, &fi);
	for (e = 0; !ret && e < f->nr_extents; e++)
		ret = gmem_handover_add_extent(enc, f->extents[e].slot,
					       f->extents[e].chunk,
					       f->extents[e].nr);
	return ret;
}

static int gmem_ho_encode_sessions(struct gmem_handover_enc *enc)
{
	const struct gmem_ho_session *s;
	const struct gmem_ho_file *f;
	int ret;

	list_for_each_entry(s, &gmem_ho_outgoing, node) {
		ret = gmem_handover_add_session(enc, s->name, s->nr_files);
		if (ret)
			return ret;
		list_for_each_entry(f, &s->files, node) {
			ret = gmem_ho_encode_file(enc, f);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static u64 __gmem_ho_nr_extents(void)
{
	const struct gmem_ho_session *s;
	const struct gmem_ho_file *f;
	u64 n = 0;

	list_for_each_entry(s, &gmem_ho_outgoing, node)
		list_for_each_entry(f, &s->files, node)
			n += f->nr_extents;
	return n;
}

/* Static: written once, at kexec time, when a large stack frame is unwelcome. */
static struct gmem_handover_pool gmem_ho_pool_buf[MAX_NUMNODES];

/* Retired chunks of every pool, now. */
static u64 gmem_ho_nr_poisoned(void)
{
	struct gmem_pool *pool;
	u64 n = 0;

	for (pool = gmem_pool_next(NULL); pool; pool = gmem_pool_next(pool))
		n += gmem_pool_nr_poisoned(pool);
	return n;
}

struct gmem_ho_poison_walk {
	struct gmem_handover_enc *enc;
	struct gmem_pool *pool;
};

static int gmem_ho_encode_poisoned_fn(unsigned long pfn, u32 owner, void *arg)
{
	struct gmem_ho_poison_walk *w = arg;
	int ret;

	ret = gmem_handover_add_poisoned(w->enc, w->pool->nid,
					 gmem_pool_chunk_idx(w->pool, pfn));
	/* More than counted: one was retired since; count again. */
	return ret == -ENOSPC ? -EAGAIN : ret;
}

/* Pools go by ascending nid, their chunks by address: the table's order. */
static int gmem_ho_encode_poisoned(struct gmem_handover_enc *enc)
{
	struct gmem_ho_poison_walk w = { .enc = enc };
	int ret;

	for (w.pool = gmem_pool_next(NULL); w.pool;
	     w.pool = gmem_pool_next(w.pool)) {
		ret = gmem_pool_walk_poisoned(w.pool,
					      gmem_ho_encode_poisoned_fn, &w);
		if (ret)
			return ret;
	}
	return 0;
}

static int __gmem_ho_encode_once(void *buf, const u64 *key, u32 nr_poisoned,
				 size_t *len)
{
	u64 gen = gmem_ho_old_valid ? gmem_handover_generation(&gmem_ho_view) : 0;
	struct gmem_handover_enc enc;
	int i, nr_pools = gmem_ho_pools(gmem_ho_pool_buf);
	int ret;

	ret = gmem_handover_begin(&enc, buf, gmem_ho_room, nr_pools,
				  gmem_ho_nr_outgoing, gmem_ho_nr_preserved,
				  __gmem_ho_nr_extents(), nr_poisoned, gen + 1,
				  key);
	for (i = 0; !ret && i < nr_pools; i++)
		ret = gmem_handover_add_node(&enc, &gmem_ho_pool_buf[i]);
	if (!ret)
		ret = gmem_ho_encode_sessions(&enc);
	if (!ret)
		ret = gmem_ho_encode_poisoned(&enc);
	if (!ret)
		ret = gmem_handover_finish(&enc, len);
	return ret;
}

/*
 * Poisoned bits are never cleared, so a walk finds at least the chunks
 * counted before it; finding more means memory_failure() retired one in
 * between, and the record is written again.  Each retry takes a new
 * retirement: the loop ends within GMEM_HANDOVER_MAX_POISONED rounds.
 */
static int __gmem_ho_encode(struct gmem_pool *home, const u64 *key, size_t *len,
			    u32 *nr_poisoned)
{
	void *buf = (void *)home->hdr + home->layout.record_off;
	u64 nr;
	int ret;

	lockdep_assert_held(&gmem_ho_lock);
	do {
		nr = gmem_ho_nr_poisoned();
		if (nr > GMEM_HANDOVER_MAX_POISONED) {
			pr_err("%llu chunks are retired, more than the %u a record carries: kexec refused\n",
			       nr, GMEM_HANDOVER_MAX_POISONED);
			return -E2BIG;
		}
		ret = __gmem_ho_encode_once(buf, key, nr, len);
	} while (ret == -EAGAIN);
	*nr_poisoned = nr;
	if (!ret && gmem_ho_sabotage_mode() == GMEM_HO_SABOTAGE_CORRUPT) {
		struct gmem_handover_header *h = buf;

		/* Covered by the checksum, used by nothing else. */
		h->generation ^= cpu_to_le64(1);
		pr_warn("record corrupted on purpose (debugfs knob)\n");
	}
	return ret;
}

/* Only a kexec_file_load() image carries the key the record needs. */
static bool gmem_ho_image_keyed(const struct kimage *image)
{
	return image->file_mode && !image->preserve_context &&
	       image->gmem_handover_armed;
}

static int __gmem_ho_seal(struct kimage *image)
{
	struct gmem_pool *home = gmem_carveout_record_pool();
	u64 key[2] = { image->gmem_handover_key[0], image->gmem_handover_key[1] };
	u32 nr_poisoned = 0;
	size_t len = 0;
	int ret;

	if (gmem_ho_sabotage_mode() == GMEM_HO_SABOTAGE_KEY)
		key[0] = ~key[0];
	ret = __gmem_ho_encode(home, key, &len, &nr_poisoned);
	memzero_explicit(key, sizeof(key));
	if (ret == -E2BIG)
		return -ENOSPC;
	if (ret) {
		/* A bug: the room was promised.  Refuse the kexec, lose nothing. */
		pr_err("cannot write the record (%pe): kexec refused\n",
		       ERR_PTR(ret));
		return -EIO;
	}
	gmem_ho_sealed = true;
	gmem_carveout_stop_alloc();
	pr_info("record sealed: %u sessions, %llu files, %u poisoned chunks, %zu bytes\n",
		gmem_ho_nr_outgoing, gmem_ho_nr_preserved, nr_poisoned, len);
	return 0;
}

/**
 * gmem_handover_seal() - write the record for the kexec about to happen
 * @image: the image kernel_kexec() is about to start
 *
 * Called by kernel_kexec() with the kexec lock held, after the last check
 * that can fail and before anything is shut down.  An image made by
 * kexec_file_load() carries the key the record is written with; with
 * files preserved, any other image is refused, so that the next kernel
 * never boots on guest memory it does not know about.
 *
 * Return: 0, also when there is nothing to hand over; -EBUSY if files are
 * preserved and @image carries no key; -ENOSPC if more chunks are retired
 * than a record carries (%GMEM_HANDOVER_MAX_POISONED); -EIO if the record
 * cannot be written (a bug).
 */
int gmem_handover_seal(struct kimage *image)
{
	int ret = 0;

	mutex_lock(&gmem_ho_lock);
	if (gmem_ho_sealed || !gmem_carveout_record_pool())
		goto unlock;
	if (!gmem_ho_image_keyed(image)) {
		if (gmem_ho_nr_preserved) {
			pr_warn("kexec refused: files are preserved and the image was not loaded with kexec_file_load()\n");
			ret = -EBUSY;
		}
		goto unlock;
	}
	ret = __gmem_ho_seal(image);
unlock:
	mutex_unlock(&gmem_ho_lock);
	return ret;
}

/**
 * gmem_handover_busy() - whether any file is preserved
 *
 * kexec_load() refuses to load an image while this is true: its image
 * could not carry the record's key.
 *
 * Return: true if a session of this kernel holds a file, or the
 * hand-over is sealed.
 */
bool gmem_handover_busy(void)
{
	bool busy;

	mutex_lock(&gmem_ho_lock);
	busy = gmem_ho_nr_preserved || gmem_ho_sealed;
	mutex_unlock(&gmem_ho_lock);
	return busy;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_busy);

/**
 * gmem_handover_register() - let a file owner's files be preserved
 * @ops: its callbacks; they stay in use until unregistered
 *
 * Return: 0, or -EBUSY if another owner is registered.
 */
int gmem_handover_register(const struct gmem_handover_file_ops *ops)
{
	int ret = 0;

	mutex_lock(&gmem_ho_lock);
	if (gmem_ho_ops)
		ret = -EBUSY;
	else
		gmem_ho_ops = ops;
	mutex_unlock(&gmem_ho_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(gmem_handover_register);

/**
 * gmem_handover_unregister() - undo gmem_handover_register()
 * @ops: the callbacks given to it
 *
 * The owner's module is pinned while any of its files is preserved, so no
 * file of @ops can be left in a session here.
 */
void gmem_handover_unregister(const struct gmem_handover_file_ops *ops)
{
	mutex_lock(&gmem_ho_lock);
	if (gmem_ho_ops == ops)
		gmem_ho_ops = NULL;
	mutex_unlock(&gmem_ho_lock);
}
EXPORT_SYMBOL_GPL(gmem_handover_unregister);

#if IS_ENABLED(CONFIG_GMEM_HANDOVER_KUNIT_TEST)
/**
 * gmem_ho_test_swap_ops() - put a test double in KVM's place
 * @ops: the callbacks to use from now on
 *
 * Return: the callbacks used until now.
 */
const struct gmem_handover_file_ops *
gmem_ho_test_swap_ops(const struct gmem_handover_file_ops *ops)
{
	const struct gmem_handover_file_ops *old;

	mutex_lock(&gmem_ho_lock);
	old = gmem_ho_ops;
	gmem_ho_ops = ops;
	mutex_unlock(&gmem_ho_lock);
	return old;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_ho_test_swap_ops);

/**
 * gmem_ho_test_set_room() - change the record room, to run out of it
 * @room: bytes of room from now on
 *
 * Return: the room until now.
 */
size_t gmem_ho_test_set_room(size_t room)
{
	size_t old;

	mutex_lock(&gmem_ho_lock);
	old = gmem_ho_room;
	gmem_ho_room = room;
	mutex_unlock(&gmem_ho_lock);
	return old;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_ho_test_set_room);

/**
 * gmem_ho_test_room_used() - bytes of record room promised
 *
 * Return: the header, the nodes and every session and file of this kernel.
 */
size_t gmem_ho_test_room_used(void)
{
	size_t used;

	mutex_lock(&gmem_ho_lock);
	used = gmem_ho_room_used;
	mutex_unlock(&gmem_ho_lock);
	return used;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_ho_test_room_used);
#endif

/**
 * gmem_handover_status() - this boot's hand-over status line
 * @buf: where to copy it
 * @size: size of @buf
 *
 * Return: the length of the line, without the NUL; it is cut short if
 * @size is less than %GMEM_HANDOVER_STATUS_LEN.
 */
size_t gmem_handover_status(char *buf, size_t size)
{
	ssize_t len;

	mutex_lock(&gmem_ho_lock);
	len = strscpy(buf, gmem_ho_status, size);
	mutex_unlock(&gmem_ho_lock);
	return len < 0 ? size - 1 : len;
}

/**
 * gmem_ho_set_status() - set this boot's hand-over status line
 * @fmt: printf format of the line
 */
void gmem_ho_set_status(const char *fmt, ...)
{
	va_list args;

	mutex_lock(&gmem_ho_lock);
	va_start(args, fmt);
	vscnprintf(gmem_ho_status, sizeof(gmem_ho_status), fmt, args);
	va_end(args);
	mutex_unlock(&gmem_ho_lock);
}

/* ---- adopting the record this kernel booted from ---- */

struct gmem_ho_claim {
	struct gmem_pool *pool;
	u32 owner;
	u64 nr;
};

static int __init gmem_ho_claim_extent(u64 slot, u32 chunk, u32 nr, void *arg)
{
	struct gmem_ho_claim *c = arg;
	u32 i;

	for (i = 0; i < nr; i++, c->nr++) {
		/*
		 * The lock is uncontended at boot, but holding it for a whole
		 * file of a 1 TiB pool would keep preemption off for ms.
		 */
		if (c->nr && !(c->nr % GMEM_HO_CLAIM_BATCH)) {
			spin_unlock(&c->pool->lock);
			spin_lock(&c->pool->lock);
		}
		/* The validator ruled out duplicates and chunks past the pool. */
		if (WARN_ON_ONCE(__gmem_pool_claim_chunk(c->pool, chunk + i,
							 c->owner)))
			return -EIO;
	}
	return 0;
}

static int __init gmem_ho_adopt_file(struct gmem_ho_session *s, u32 i,
				     struct gmem_ho_claim *c)
{
	struct gmem_handover_file_info fi;
	struct gmem_ho_file *f;
	u64 held;
	int ret;

	gmem_handover_file(&gmem_ho_view, i, &fi);
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->token = fi.token;
	f->desc = (struct gmem_handover_file_desc) {
		.size = fi.size, .flags = fi.flags, .nid = fi.nid,
		.nr_slots = fi.nr_slots,
	};
	f->rec_file = i;
	f->owner = GMEM_HANDOVER_OWNER_BASE + i;
	list_add_tail(&f->node, &s->files);
	s->nr_files++;
	c->pool = gmem_pool_get(fi.nid);
	c->owner = f->owner;
	held = c->nr;
	spin_lock(&c->pool->lock);
	ret = gmem_handover_walk_file(&gmem_ho_view, i, gmem_ho_claim_extent, c);
	spin_unlock(&c->pool->lock);
	f->desc.nr_held = c->nr - held;
	return ret;
}

/**
 * gmem_ho_adopt() - turn a validated record into incoming sessions
 * @old: the record, copied out of the pool; kept for the kernel's lifetime
 * @view: its validated view, layout matched against the running pools
 * @nr_chunks: set to the number of chunks the record's files hold
 *
 * Every chunk of every file is claimed under the file's hand-over owner
 * id, so that no other file can be given it.  Called once, at boot,
 * before any chunk can be allocated.
 *
 * Return: 0, -ENOMEM, or -EIO if the pools disagree with the validated
 * record (a bug, warned about).
 */
int __init gmem_ho_adopt(void *old, const struct gmem_handover_view *view,
			 u64 *nr_chunks)
{
	struct gmem_handover_session_info si;
	struct gmem_ho_claim c = { };
	struct gmem_ho_session *s;
	u32 i, j;
	int ret = 0;

	mutex_lock(&gmem_ho_lock);
	gmem_ho_old = old;
	gmem_ho_view = *view;
	gmem_ho_old_valid = true;
	for (i = 0; !ret && i < view->nr_sessions; i++) {
		gmem_handover_session(view, i, &si);
		s = gmem_ho_alloc_session(si.name, true);
		if (!s) {
			ret = -ENOMEM;
			break;
		}
		list_add_tail(&s->node, &gmem_ho_incoming);
		for (j = 0; !ret && j < si.nr_files; j++)
			ret = gmem_ho_adopt_file(s, si.first_file + j, &c);
	}
	mutex_unlock(&gmem_ho_lock);
	*nr_chunks = c.nr;
	return ret;
}

static int __init gmem_handover_init(void)
{
	struct gmem_pool *home = gmem_carveout_record_pool();
	int nr_pools;

	if (!home)
		return 0;
	nr_pools = gmem_ho_pools(gmem_ho_pool_buf);
	mutex_lock(&gmem_ho_lock);
	gmem_ho_room = home->layout.record_room;
	gmem_ho_room_used = sizeof(struct gmem_handover_header) +
			    nr_pools * sizeof(struct gmem_handover_node) +
			    GMEM_HO_POISONED_ROOM;
	mutex_unlock(&gmem_ho_lock);
	return 0;
}

/* After the pools are active (core_initcall), before anyone can use them. */
core_initcall_sync(gmem_handover_init);

/* The pools' debugfs directory appears at late_initcall. */
static int __init gmem_handover_debugfs_init(void)
{
	struct dentry *dir;

	if (!IS_ENABLED(CONFIG_GMEM_CARVEOUT_DEBUGFS) ||
	    !gmem_carveout_record_pool())
		return 0;
	dir = debugfs_lookup("gmem_pool", NULL);
	debugfs_create_u32("handover_sabotage", 0600, dir, &gmem_ho_sabotage);
	dput(dir);
	return 0;
}
late_initcall_sync(gmem_handover_debugfs_init);
