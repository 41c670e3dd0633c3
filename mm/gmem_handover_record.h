/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Encoder, validator and accessors of the gmem pool hand-over record, whose
 * format is in include/linux/gmem_handover_abi.h.  The code allocates
 * nothing and prints nothing: callers pass every buffer and decide what to
 * log, so the same file also builds in userspace (tests/host).
 */
#ifndef __MM_GMEM_HANDOVER_RECORD_H__
#define __MM_GMEM_HANDOVER_RECORD_H__

#include <linux/gmem_handover_abi.h>
#include <linux/types.h>

/**
 * enum gmem_handover_reason - why a record was refused
 * @GMEM_HO_OK: nothing wrong.
 * @GMEM_HO_BAD_BUFFER: the buffer does not start on an 8-byte boundary.
 * @GMEM_HO_TOO_SHORT: the buffer cannot hold the header.
 * @GMEM_HO_BAD_MAGIC: wrong magic.
 * @GMEM_HO_BAD_VERSION: unknown format version.
 * @GMEM_HO_BAD_COMPATIBLE: compatible string differs from the version's.
 * @GMEM_HO_BAD_HEADER_SIZE: header size is not the one of the version.
 * @GMEM_HO_BAD_FLAGS: unknown header flags, or a version 2 record has its
 *	reserved field set.
 * @GMEM_HO_BAD_LENGTH: total length below the header or past the buffer.
 * @GMEM_HO_BAD_CHECKSUM: checksum mismatch.
 * @GMEM_HO_BAD_COUNTS: node, session, file, extent or poisoned count out of
 *	bounds.
 * @GMEM_HO_BAD_SECTION: a section is misaligned, overlaps another or runs
 *	past the total length.
 * @GMEM_HO_BAD_NODE: a node entry is malformed (shift, alignment, bounds).
 * @GMEM_HO_NODE_OVERLAP: two pools overlap.
 * @GMEM_HO_DUP_NID: node ids repeat or are not in ascending order.
 * @GMEM_HO_SCRATCH_SMALL: the caller's scratch bitmap is too small.
 * @GMEM_HO_BAD_SESSION: a session name is empty, not NUL terminated or not
 *	NUL padded, or the session has too many files.
 * @GMEM_HO_DUP_SESSION: two sessions have the same name.
 * @GMEM_HO_BAD_SESSION_FILES: a session's file range does not follow the
 *	previous session's, or the sessions' files are not the file table.
 * @GMEM_HO_DUP_TOKEN: tokens repeat or are not in ascending order within a
 *	session.
 * @GMEM_HO_BAD_FILE_NODE: a file names a node the record does not have.
 * @GMEM_HO_BAD_FILE_SIZE: file size is zero or not its slot count times
 *	the chunk size.
 * @GMEM_HO_BAD_FILE_EXTENTS: a file's extent range does not follow the
 *	previous file's, or the files' extents are not the extent table.
 * @GMEM_HO_BAD_EXTENT: an extent is empty, runs past its file or its pool,
 *	or is not after the previous extent of its file.
 * @GMEM_HO_DUP_CHUNK: a chunk is in two extents.
 * @GMEM_HO_POISON_UNSORTED: a poisoned entry is below the previous one.
 * @GMEM_HO_DUP_POISON: a poisoned entry repeats the previous one.
 * @GMEM_HO_BAD_POISON_NODE: a poisoned chunk is on a node the record does
 *	not have.
 * @GMEM_HO_BAD_POISON_CHUNK: a poisoned chunk is past its node's chunks.
 * @GMEM_HO_LAYOUT_NODE_MISSING: a node of the record has no pool now.
 * @GMEM_HO_LAYOUT_CHUNK_SIZE: a pool's chunk size changed.
 * @GMEM_HO_LAYOUT_PLACEMENT: a pool's base, size or chunks changed.
 * @GMEM_HO_NR_REASONS: number of reasons.
 */
enum gmem_handover_reason {
	GMEM_HO_OK,
	GMEM_HO_BAD_BUFFER,
	GMEM_HO_TOO_SHORT,
	GMEM_HO_BAD_MAGIC,
	GMEM_HO_BAD_VERSION,
	GMEM_HO_BAD_COMPATIBLE,
	GMEM_HO_BAD_HEADER_SIZE,
	GMEM_HO_BAD_FLAGS,
	GMEM_HO_BAD_LENGTH,
	GMEM_HO_BAD_CHECKSUM,
	GMEM_HO_BAD_COUNTS,
	GMEM_HO_BAD_SECTION,
	GMEM_HO_BAD_NODE,
	GMEM_HO_NODE_OVERLAP,
	GMEM_HO_DUP_NID,
	GMEM_HO_SCRATCH_SMALL,
	GMEM_HO_BAD_SESSION,
	GMEM_HO_DUP_SESSION,
	GMEM_HO_BAD_SESSION_FILES,
	GMEM_HO_DUP_TOKEN,
	GMEM_HO_BAD_FILE_NODE,
	GMEM_HO_BAD_FILE_SIZE,
	GMEM_HO_BAD_FILE_EXTENTS,
	GMEM_HO_BAD_EXTENT,
	GMEM_HO_DUP_CHUNK,
	GMEM_HO_POISON_UNSORTED,
	GMEM_HO_DUP_POISON,
	GMEM_HO_BAD_POISON_NODE,
	GMEM_HO_BAD_POISON_CHUNK,
	GMEM_HO_LAYOUT_NODE_MISSING,
	GMEM_HO_LAYOUT_CHUNK_SIZE,
	GMEM_HO_LAYOUT_PLACEMENT,
	GMEM_HO_NR_REASONS
};

/**
 * struct gmem_handover_error - what was wrong, and where
 * @reason: the first rule the record broke.
 * @node: nid of the node involved, for node, layout and chunk errors.
 * @item: index of the offending entry (node, session, file, extent or
 *	poisoned entry, depending on @reason); for a duplicate chunk, the
 *	chunk.
 * @token: token of the offending file; for a duplicate chunk, of the file
 *	whose extent was found to hold it a second time.
 * @token2: for a duplicate chunk, the token of the file that held it first.
 * @session: name of the offending session, or of the session of the
 *	offending file; unprintable bytes replaced, always NUL terminated.
 * @session2: for a duplicate chunk, the session of the file of @token2.
 * @chunk: for a poisoned entry, its chunk.
 */
struct gmem_handover_error {
	enum gmem_handover_reason reason;
	u32 node;
	u64 item;
	u64 token;
	u64 token2;
	char session[GMEM_HANDOVER_NAME_LEN];
	char session2[GMEM_HANDOVER_NAME_LEN];
	u32 chunk;
};

/**
 * struct gmem_handover_pool - one pool, in CPU byte order
 * @nid: NUMA node.
 * @chunk_shift: log2 of the chunk size in bytes.
 * @base: physical address of the reservation.
 * @size: bytes reserved.
 * @chunk_base: physical address of chunk 0.
 * @nr_chunks: number of chunks.
 */
struct gmem_handover_pool {
	u32 nid;
	u32 chunk_shift;
	u64 base;
	u64 size;
	u64 chunk_base;
	u64 nr_chunks;
};

/**
 * struct gmem_handover_session_info - one session, in CPU byte order
 * @name: its name, NUL terminated.
 * @first_file: index of its first file in the record.
 * @nr_files: number of its files.
 */
struct gmem_handover_session_info {
	char name[GMEM_HANDOVER_NAME_LEN];
	u32 first_file;
	u32 nr_files;
};

/**
 * struct gmem_handover_file_info - one preserved file, in CPU byte order
 * @token: userspace's token, unique in its session.
 * @size: bytes.
 * @flags: guest_memfd creation flags.
 * @nid: node of its chunks.
 * @nr_slots: number of chunk-sized slots: @size >> the node's chunk shift.
 * @nr_extents: number of extents, each a run of chunks the file holds.
 */
struct gmem_handover_file_info {
	u64 token;
	u64 size;
	u32 flags;
	u32 nid;
	u64 nr_slots;
	u64 nr_extents;
};

/**
 * struct gmem_handover_poisoned_info - one poisoned chunk, in CPU byte order
 * @nid: its node.
 * @chunk: its index in the node's pool.
 */
struct gmem_handover_poisoned_info {
	u32 nid;
	u32 chunk;
};

/**
 * struct gmem_handover_scratch - caller memory for the ownership check
 * @bits: bitmap, one bit per chunk of every pool of the record.
 * @nbits: bits available at @bits.
 *
 * gmem_handover_scratch_bits() of the running kernel's pools is enough for
 * any record that gmem_handover_match_layout() can accept.
 */
struct gmem_handover_scratch {
	unsigned long *bits;
	u64 nbits;
};

/**
 * struct gmem_handover_enc - state of a record being written
 * @buf: start of the record.
 * @size: bytes the record takes, as announced to gmem_handover_begin().
 * @nodes: node table.
 * @sessions: session table.
 * @files: file table.
 * @extents: extent table.
 * @poisoned: poisoned table.
 * @max_nodes: nodes announced.
 * @max_sessions: sessions announced.
 * @max_files: files announced.
 * @max_extents: extents announced.
 * @max_poisoned: poisoned chunks announced.
 * @nr_nodes: nodes added so far.
 * @nr_sessions: sessions added so far.
 * @nr_files: files added so far.
 * @nr_extents: extents added so far.
 * @nr_poisoned: poisoned chunks added so far.
 * @session_first: index of the current session's first file.
 * @session_end: value @nr_files must reach before the next session.
 * @file_end: value @nr_extents must reach before the next file.
 * @next_slot: first slot the next extent of the current file may use.
 * @file_slots: slots of the current file.
 * @chunk_limit: chunks of the current file's node.
 * @last_token: token of the last file added.
 * @last_poisoned: (nid << 32) | chunk of the last poisoned chunk added.
 */
struct gmem_handover_enc {
	void *buf;
	size_t size;
	struct gmem_handover_node *nodes;
	struct gmem_handover_session *sessions;
	struct gmem_handover_file *files;
	struct gmem_handover_extent *extents;
	struct gmem_handover_poisoned *poisoned;
	u32 max_nodes;
	u32 max_sessions;
	u32 max_files;
	u64 max_extents;
	u32 max_poisoned;
	u32 nr_nodes;
	u32 nr_sessions;
	u32 nr_files;
	u64 nr_extents;
	u32 nr_poisoned;
	u32 session_first;
	u32 session_end;
	u64 file_end;
	u64 next_slot;
	u64 file_slots;
	u64 chunk_limit;
	u64 last_token;
	u64 last_poisoned;
};

/**
 * struct gmem_handover_view - a validated record
 * @hdr: its header.
 * @nodes: node table.
 * @sessions: session table.
 * @files: file table.
 * @extents: extent table.
 * @poisoned: poisoned table; NULL in a version 2 record.
 * @nr_nodes: node count.
 * @nr_sessions: session count.
 * @nr_files: file count.
 * @nr_extents: extent count.
 * @nr_poisoned: poisoned chunk count; 0 in a version 2 record.
 *
 * Only gmem_handover_validate() fills a view, and only on success: the
 * accessors below trust every offset and count they find through it.
 */
struct gmem_handover_view {
	const struct gmem_handover_header *hdr;
	const struct gmem_handover_node *nodes;
	const struct gmem_handover_session *sessions;
	const struct gmem_handover_file *files;
	const struct gmem_handover_extent *extents;
	const struct gmem_handover_poisoned *poisoned;
	u32 nr_nodes;
	u32 nr_sessions;
	u32 nr_files;
	u64 nr_extents;
	u32 nr_poisoned;
};

/*
 * Callback of gmem_handover_walk_file(), once per extent: slots [@slot,
 * @slot + @nr) of the file are chunks [@chunk, @chunk + @nr) of its node.
 * A non-zero return stops the walk and is returned.
 */
typedef int (*gmem_handover_extent_fn)(u64 slot, u32 chunk, u32 nr,
				       void *arg);

int gmem_handover_record_size(u32 nr_nodes, u32 nr_sessions, u32 nr_files,
			      u64 nr_extents, u32 nr_poisoned, size_t *size);
int gmem_handover_begin(struct gmem_handover_enc *enc, void *buf, size_t len,
			u32 nr_nodes, u32 nr_sessions, u32 nr_files,
			u64 nr_extents, u32 nr_poisoned, u64 generation,
			const u64 key[GMEM_HANDOVER_KEY_WORDS]);
int gmem_handover_add_node(struct gmem_handover_enc *enc,
			   const struct gmem_handover_pool *pool);
int gmem_handover_add_session(struct gmem_handover_enc *enc,
			      const char *name, u32 nr_files);
int gmem_handover_add_file(struct gmem_handover_enc *enc,
			   const struct gmem_handover_file_info *fi);
int gmem_handover_add_extent(struct gmem_handover_enc *enc, u64 slot,
			     u32 chunk, u32 nr);
int gmem_handover_add_poisoned(struct gmem_handover_enc *enc, u32 nid,
			       u32 chunk);
int gmem_handover_finish(struct gmem_handover_enc *enc, size_t *len);

u64 gmem_handover_scratch_bits(const struct gmem_handover_pool *pools,
			       unsigned int nr_pools);
int gmem_handover_check_key(const void *buf, size_t len,
			    const u64 key[GMEM_HANDOVER_KEY_WORDS]);
int gmem_handover_validate(const void *buf, size_t len,
			   struct gmem_handover_scratch *scratch,
			   struct gmem_handover_view *view,
			   struct gmem_handover_error *err);
int gmem_handover_match_layout(const struct gmem_handover_view *view,
			       const struct gmem_handover_pool *pools,
			       unsigned int nr_pools,
			       struct gmem_handover_error *err);
const char *gmem_handover_reason_str(enum gmem_handover_reason reason);
int gmem_handover_format_error(const struct gmem_handover_error *err,
			       char *buf, size_t size);

bool gmem_handover_key_eq(const struct gmem_handover_view *view,
			  const u64 key[GMEM_HANDOVER_KEY_WORDS]);
u64 gmem_handover_generation(const struct gmem_handover_view *view);
void gmem_handover_node(const struct gmem_handover_view *view, u32 i,
			struct gmem_handover_pool *pool);
void gmem_handover_session(const struct gmem_handover_view *view, u32 i,
			   struct gmem_handover_session_info *si);
void gmem_handover_file(const struct gmem_handover_view *view, u32 i,
			struct gmem_handover_file_info *fi);
int gmem_handover_walk_file(const struct gmem_handover_view *view, u32 i,
			    gmem_handover_extent_fn fn, void *arg);
u32 gmem_handover_nr_poisoned(const struct gmem_handover_view *view);
void gmem_handover_poisoned(const struct gmem_handover_view *view, u32 i,
			    struct gmem_handover_poisoned_info *pi);

#endif /* __MM_GMEM_HANDOVER_RECORD_H__ */
