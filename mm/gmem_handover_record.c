// SPDX-License-Identifier: GPL-2.0
/*
 * gmem pool hand-over record: writer, validator and readers.
 */

/**
 * DOC: gmem pool hand-over record
 *
 * The kernel that kexecs writes the record with gmem_handover_begin(),
 * which is told every count up front, then gmem_handover_add_node() for
 * each pool, gmem_handover_add_session() for each session followed by
 * gmem_handover_add_file() for each of its files, each of them followed by
 * its gmem_handover_add_extent() calls, then gmem_handover_add_poisoned()
 * for each retired chunk, and gmem_handover_finish().  The
 * encoder refuses anything out of order or out of bounds and never writes
 * past the buffer, but it does not look for a chunk given twice: that
 * takes a bitmap, which only the validator has.
 *
 * The next kernel checks that the record carries the key of its kexec
 * (gmem_handover_check_key() before validation, gmem_handover_key_eq()
 * after), calls gmem_handover_validate() on the whole record, then
 * gmem_handover_match_layout() against the pools it reserved, and only
 * then reads sessions, files, extents and poisoned chunks through the
 * validated view.  A record that breaks any rule is refused as a whole,
 * with a reason the caller can log.  Records of version 2, which have no
 * poisoned table, are read as well: their view has no poisoned chunk.
 *
 * Validation is O(nodes^2 + sessions^2 + (files + poisoned) * nodes +
 * extents), plus
 * one pass over the scratch bitmap's words; nothing here allocates or
 * takes a lock: the caller owns the buffers and serialises access to them.
 * The same source builds in userspace for the host unit tests and the
 * fuzzer, so it only uses headers that tests/host/include provides.
 */

#include <linux/bitops.h>
#include <linux/crc32.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "gmem_handover_record.h"

#define HO_HDR_SIZE	sizeof(struct gmem_handover_header)
#define HO_HDR_V2_SIZE	GMEM_HANDOVER_HEADER_V2_BYTES
#define HO_NODE_SIZE	sizeof(struct gmem_handover_node)
#define HO_SESSION_SIZE	sizeof(struct gmem_handover_session)
#define HO_FILE_SIZE	sizeof(struct gmem_handover_file)
#define HO_EXTENT_SIZE	sizeof(struct gmem_handover_extent)
#define HO_POISONED_SIZE	sizeof(struct gmem_handover_poisoned)
#define HO_CRC_SEED	(~0U)
/* What ho_claim_chunks() returns when no chunk was taken already. */
#define HO_NO_BIT	U64_MAX

static_assert(HO_HDR_SIZE % GMEM_HANDOVER_ALIGN == 0);
static_assert(HO_NODE_SIZE % GMEM_HANDOVER_ALIGN == 0);
static_assert(HO_SESSION_SIZE % GMEM_HANDOVER_ALIGN == 0);
static_assert(HO_FILE_SIZE % GMEM_HANDOVER_ALIGN == 0);
static_assert(HO_EXTENT_SIZE % GMEM_HANDOVER_ALIGN == 0);
static_assert(HO_POISONED_SIZE % GMEM_HANDOVER_ALIGN == 0);
static_assert(HO_HDR_V2_SIZE % GMEM_HANDOVER_ALIGN == 0);

/* The compatible field as written: the string, NUL padded. */
static const char ho_compatible[GMEM_HANDOVER_COMPATIBLE_LEN] =
	GMEM_HANDOVER_COMPATIBLE;
static const char ho_compatible_v2[GMEM_HANDOVER_COMPATIBLE_LEN] =
	GMEM_HANDOVER_COMPATIBLE_V2;

static const char * const ho_reason_str[] = {
	[GMEM_HO_OK]			= "valid",
	[GMEM_HO_BAD_BUFFER]		= "record buffer misaligned",
	[GMEM_HO_TOO_SHORT]		= "buffer shorter than the header",
	[GMEM_HO_BAD_MAGIC]		= "bad magic",
	[GMEM_HO_BAD_VERSION]		= "unknown version",
	[GMEM_HO_BAD_COMPATIBLE]	= "compatible string mismatch",
	[GMEM_HO_BAD_HEADER_SIZE]	= "bad header size",
	[GMEM_HO_BAD_FLAGS]		= "unknown header flags or reserved field set",
	[GMEM_HO_BAD_LENGTH]		= "total length out of bounds",
	[GMEM_HO_BAD_CHECKSUM]		= "checksum mismatch",
	[GMEM_HO_BAD_COUNTS]		= "table count out of bounds",
	[GMEM_HO_BAD_SECTION]		= "section misaligned, overlapping or out of bounds",
	[GMEM_HO_BAD_NODE]		= "malformed node entry",
	[GMEM_HO_NODE_OVERLAP]		= "pools overlap",
	[GMEM_HO_DUP_NID]		= "node ids repeated or unsorted",
	[GMEM_HO_SCRATCH_SMALL]		= "scratch bitmap too small",
	[GMEM_HO_BAD_SESSION]		= "malformed session entry",
	[GMEM_HO_DUP_SESSION]		= "session name repeated",
	[GMEM_HO_BAD_SESSION_FILES]	= "session file range invalid",
	[GMEM_HO_DUP_TOKEN]		= "tokens repeated or unsorted in a session",
	[GMEM_HO_BAD_FILE_NODE]		= "file on a node without pool",
	[GMEM_HO_BAD_FILE_SIZE]		= "file size does not match its slots",
	[GMEM_HO_BAD_FILE_EXTENTS]	= "file extent range invalid",
	[GMEM_HO_BAD_EXTENT]		= "extent empty, unsorted or out of bounds",
	[GMEM_HO_DUP_CHUNK]		= "chunk held twice",
	[GMEM_HO_POISON_UNSORTED]	= "poisoned chunks unsorted",
	[GMEM_HO_DUP_POISON]		= "poisoned chunk repeated",
	[GMEM_HO_BAD_POISON_NODE]	= "poisoned chunk on a node without pool",
	[GMEM_HO_BAD_POISON_CHUNK]	= "poisoned chunk past its pool",
	[GMEM_HO_LAYOUT_NODE_MISSING]	= "node of the record has no pool",
	[GMEM_HO_LAYOUT_CHUNK_SIZE]	= "pool chunk size changed",
	[GMEM_HO_LAYOUT_PLACEMENT]	= "pool placement changed",
};

static_assert(ARRAY_SIZE(ho_reason_str) == GMEM_HO_NR_REASONS);

/**
 * gmem_handover_reason_str() - human-readable text of a reason code
 * @reason: a reason gmem_handover_validate() or
 *	gmem_handover_match_layout() reported.
 *
 * Return: a static string; "unknown reason" for a value out of range.
 */
const char *gmem_handover_reason_str(enum gmem_handover_reason reason)
{
	if ((unsigned int)reason >= GMEM_HO_NR_REASONS)
		return "unknown reason";
	return ho_reason_str[reason];
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_reason_str);

/**
 * gmem_handover_format_error() - describe a refusal in one line
 * @err: filled by gmem_handover_validate() or gmem_handover_match_layout().
 * @buf: where to write the text, NUL terminated, truncated to @size.
 * @size: bytes at @buf.
 *
 * Return: the length of the full text, as snprintf() returns it.
 */
int gmem_handover_format_error(const struct gmem_handover_error *err,
			       char *buf, size_t size)
{
	const char *why = gmem_handover_reason_str(err->reason);

	/* Not %#llx: the kernel prints a zero token as 0x0, libc as 0. */
	switch (err->reason) {
	case GMEM_HO_DUP_CHUNK:
		return snprintf(buf, size,
				"chunk %llu of node %u held twice (file 0x%llx of session \"%s\" and file 0x%llx of session \"%s\")",
				err->item, err->node, err->token2,
				err->session2, err->token, err->session);
	case GMEM_HO_BAD_EXTENT:
		return snprintf(buf, size,
				"%s: extent %llu of file 0x%llx of session \"%s\"",
				why, err->item, err->token, err->session);
	case GMEM_HO_DUP_TOKEN:
	case GMEM_HO_BAD_FILE_NODE:
	case GMEM_HO_BAD_FILE_SIZE:
	case GMEM_HO_BAD_FILE_EXTENTS:
		return snprintf(buf, size,
				"%s: file %llu (token 0x%llx) of session \"%s\"",
				why, err->item, err->token, err->session);
	case GMEM_HO_BAD_SESSION:
	case GMEM_HO_DUP_SESSION:
	case GMEM_HO_BAD_SESSION_FILES:
		return snprintf(buf, size, "%s: session %llu (\"%s\")",
				why, err->item, err->session);
	case GMEM_HO_POISON_UNSORTED:
	case GMEM_HO_DUP_POISON:
	case GMEM_HO_BAD_POISON_NODE:
	case GMEM_HO_BAD_POISON_CHUNK:
		return snprintf(buf, size,
				"%s: poisoned entry %llu (chunk %u of node %u)",
				why, err->item, err->chunk, err->node);
	case GMEM_HO_BAD_NODE:
	case GMEM_HO_NODE_OVERLAP:
	case GMEM_HO_DUP_NID:
	case GMEM_HO_LAYOUT_NODE_MISSING:
	case GMEM_HO_LAYOUT_CHUNK_SIZE:
	case GMEM_HO_LAYOUT_PLACEMENT:
		return snprintf(buf, size, "%s: node entry %llu (nid %u)",
				why, err->item, err->node);
	default:
		return snprintf(buf, size, "%s", why);
	}
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_format_error);

static int ho_fail(struct gmem_handover_error *err,
		   enum gmem_handover_reason reason, u32 node, u64 item)
{
	memset(err, 0, sizeof(*err));
	err->reason = reason;
	err->node = node;
	err->item = item;
	return reason == GMEM_HO_SCRATCH_SMALL ? -ENOSPC : -EINVAL;
}

/*
 * A session name for a log line: the record may hold anything there, so
 * stop at the array's end and replace what a terminal could take as a
 * control sequence.
 */
static void ho_copy_name(char *dst, const char *src)
{
	unsigned int i;

	for (i = 0; i < GMEM_HANDOVER_NAME_LEN - 1 && src[i]; i++)
		dst[i] = src[i] >= ' ' && src[i] <= '~' ? src[i] : '?';
	dst[i] = '\0';
}

static int ho_fail_session(struct gmem_handover_error *err,
			   enum gmem_handover_reason reason,
			   const struct gmem_handover_session *se, u32 s)
{
	int ret = ho_fail(err, reason, 0, s);

	ho_copy_name(err->session, se->name);
	return ret;
}

static int ho_fail_file(struct gmem_handover_error *err,
			enum gmem_handover_reason reason,
			const struct gmem_handover_session *se,
			const struct gmem_handover_file *f, u64 item)
{
	int ret = ho_fail(err, reason, le32_to_cpu(f->nid), item);

	err->token = le64_to_cpu(f->token);
	ho_copy_name(err->session, se->name);
	return ret;
}

static u32 ho_crc(const void *buf, size_t total_len)
{
	static const u8 zero[sizeof(__le32)];
	const size_t at = offsetof(struct gmem_handover_header, checksum);
	u32 crc;

	crc = __crc32c_le(HO_CRC_SEED, buf, at);
	crc = __crc32c_le(crc, zero, sizeof(zero));
	return __crc32c_le(crc, (const u8 *)buf + at + sizeof(zero),
			   total_len - at - sizeof(zero));
}

/**
 * struct ho_layout - where the encoder puts each section: back to back
 * @nodes: offset of the node table.
 * @sessions: offset of the session table.
 * @files: offset of the file table.
 * @extents: offset of the extent table.
 * @poisoned: offset of the poisoned table.
 */
struct ho_layout {
	u64 nodes;
	u64 sessions;
	u64 files;
	u64 extents;
	u64 poisoned;
};

/*
 * The counts are bounded, and gmem_handover_record_size() checked that the
 * extents do not overflow the size: none of these sums can overflow.
 */
static void ho_layout(u32 nr_nodes, u32 nr_sessions, u32 nr_files,
		      u64 nr_extents, struct ho_layout *lo)
{
	lo->nodes = HO_HDR_SIZE;
	lo->sessions = lo->nodes + (u64)nr_nodes * HO_NODE_SIZE;
	lo->files = lo->sessions + (u64)nr_sessions * HO_SESSION_SIZE;
	lo->extents = lo->files + (u64)nr_files * HO_FILE_SIZE;
	lo->poisoned = lo->extents + nr_extents * HO_EXTENT_SIZE;
}

/**
 * gmem_handover_record_size() - bytes needed for a record
 * @nr_nodes: pools, 1 to %GMEM_HANDOVER_MAX_NODES.
 * @nr_sessions: sessions, up to %GMEM_HANDOVER_MAX_SESSIONS.
 * @nr_files: preserved files, up to %GMEM_HANDOVER_MAX_SESSION_FILES per
 *	session.
 * @nr_extents: extents of all files together; zero if there is no file.
 * @nr_poisoned: poisoned chunks, up to %GMEM_HANDOVER_MAX_POISONED.
 * @size: set to the record size in bytes on success: the header, then
 *	%GMEM_HANDOVER_NODE_BYTES per node, %GMEM_HANDOVER_SESSION_BYTES per
 *	session, %GMEM_HANDOVER_FILE_BYTES per file,
 *	%GMEM_HANDOVER_EXTENT_BYTES per extent and
 *	%GMEM_HANDOVER_POISONED_BYTES per poisoned chunk.
 *
 * Return: 0, or -EINVAL if a count is out of bounds or the size overflows.
 */
int gmem_handover_record_size(u32 nr_nodes, u32 nr_sessions, u32 nr_files,
			      u64 nr_extents, u32 nr_poisoned, size_t *size)
{
	struct ho_layout lo;
	u64 bytes;

	if (!nr_nodes || nr_nodes > GMEM_HANDOVER_MAX_NODES ||
	    nr_sessions > GMEM_HANDOVER_MAX_SESSIONS ||
	    nr_files > nr_sessions * GMEM_HANDOVER_MAX_SESSION_FILES ||
	    (!nr_files && nr_extents) ||
	    nr_poisoned > GMEM_HANDOVER_MAX_POISONED)
		return -EINVAL;
	ho_layout(nr_nodes, nr_sessions, nr_files, 0, &lo);
	if (check_mul_overflow(nr_extents, (u64)HO_EXTENT_SIZE, &bytes) ||
	    check_add_overflow(bytes, lo.extents, &bytes) ||
	    check_add_overflow(bytes, (u64)nr_poisoned * HO_POISONED_SIZE,
			       &bytes) ||
	    bytes > SIZE_MAX)
		return -EINVAL;
	*size = bytes;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_record_size);

static void ho_init_header(const struct gmem_handover_enc *enc,
			   const struct ho_layout *lo, u64 generation,
			   const u64 key[GMEM_HANDOVER_KEY_WORDS])
{
	struct gmem_handover_header *hdr = enc->buf;
	unsigned int i;

	memset(hdr, 0, HO_HDR_SIZE);
	hdr->magic = cpu_to_le64(GMEM_HANDOVER_MAGIC);
	hdr->version = cpu_to_le32(GMEM_HANDOVER_VERSION);
	hdr->header_size = cpu_to_le32(HO_HDR_SIZE);
	memcpy(hdr->compatible, ho_compatible, sizeof(hdr->compatible));
	hdr->total_len = cpu_to_le64(enc->size);
	hdr->generation = cpu_to_le64(generation);
	for (i = 0; i < GMEM_HANDOVER_KEY_WORDS; i++)
		hdr->key[i] = cpu_to_le64(key[i]);
	hdr->nr_nodes = cpu_to_le32(enc->max_nodes);
	hdr->nr_sessions = cpu_to_le32(enc->max_sessions);
	hdr->nr_files = cpu_to_le32(enc->max_files);
	hdr->nr_poisoned = cpu_to_le32(enc->max_poisoned);
	hdr->nr_extents = cpu_to_le64(enc->max_extents);
	hdr->nodes_off = cpu_to_le64(lo->nodes);
	hdr->sessions_off = cpu_to_le64(lo->sessions);
	hdr->files_off = cpu_to_le64(lo->files);
	hdr->extents_off = cpu_to_le64(lo->extents);
	hdr->poisoned_off = cpu_to_le64(lo->poisoned);
}

/**
 * gmem_handover_begin() - start writing a record
 * @enc: encoder state, owned by the caller.
 * @buf: where the record goes, 8-byte aligned.
 * @len: bytes available at @buf; nothing past them is ever written.
 * @nr_nodes: pools that gmem_handover_add_node() will add.
 * @nr_sessions: sessions that gmem_handover_add_session() will add.
 * @nr_files: files that gmem_handover_add_file() will add, all sessions
 *	together.
 * @nr_extents: extents that gmem_handover_add_extent() will add, all files
 *	together.
 * @nr_poisoned: poisoned chunks that gmem_handover_add_poisoned() will add.
 * @generation: hand-over counter to store.
 * @key: the key of the kexec that will carry the record.
 *
 * The whole record is laid out now, in the format of
 * %GMEM_HANDOVER_VERSION: its size is gmem_handover_record_size() of the
 * counts.
 *
 * Return: 0; -EINVAL for a misaligned @buf or counts out of bounds;
 * -ENOSPC if @len cannot hold the record.
 */
int gmem_handover_begin(struct gmem_handover_enc *enc, void *buf, size_t len,
			u32 nr_nodes, u32 nr_sessions, u32 nr_files,
			u64 nr_extents, u32 nr_poisoned, u64 generation,
			const u64 key[GMEM_HANDOVER_KEY_WORDS])
{
	struct ho_layout lo;
	size_t need;

	if ((uintptr_t)buf % GMEM_HANDOVER_ALIGN ||
	    gmem_handover_record_size(nr_nodes, nr_sessions, nr_files,
				      nr_extents, nr_poisoned, &need))
		return -EINVAL;
	if (need > len)
		return -ENOSPC;
	ho_layout(nr_nodes, nr_sessions, nr_files, nr_extents, &lo);

	memset(enc, 0, sizeof(*enc));
	enc->buf = buf;
	enc->size = need;
	enc->nodes = buf + lo.nodes;
	enc->sessions = buf + lo.sessions;
	enc->files = buf + lo.files;
	enc->extents = buf + lo.extents;
	enc->poisoned = buf + lo.poisoned;
	enc->max_nodes = nr_nodes;
	enc->max_sessions = nr_sessions;
	enc->max_files = nr_files;
	enc->max_extents = nr_extents;
	enc->max_poisoned = nr_poisoned;
	ho_init_header(enc, &lo, generation, key);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_begin);

/* The rules of one node entry on its own; see struct gmem_handover_node. */
static bool ho_pool_ok(const struct gmem_handover_pool *p)
{
	u64 end, chunks_len, chunks_end;

	if (p->nid >= GMEM_HANDOVER_MAX_NID)
		return false;
	if (p->chunk_shift != GMEM_HANDOVER_SHIFT_2M &&
	    p->chunk_shift != GMEM_HANDOVER_SHIFT_1G)
		return false;
	if (!p->size || p->base % GMEM_HANDOVER_NODE_ALIGN ||
	    p->size % GMEM_HANDOVER_NODE_ALIGN ||
	    check_add_overflow(p->base, p->size, &end))
		return false;
	if (!p->nr_chunks || p->nr_chunks > GMEM_HANDOVER_MAX_CHUNKS ||
	    p->chunk_base & ((1ULL << p->chunk_shift) - 1))
		return false;
	/* nr_chunks < 2^32 and shift <= 30: the shift cannot overflow. */
	chunks_len = p->nr_chunks << p->chunk_shift;
	return p->chunk_base >= p->base &&
	       !check_add_overflow(p->chunk_base, chunks_len, &chunks_end) &&
	       chunks_end <= end;
}

static bool ho_pools_overlap(const struct gmem_handover_pool *a,
			     const struct gmem_handover_pool *b)
{
	return a->base < b->base + b->size && b->base < a->base + a->size;
}

static void ho_get_node(const struct gmem_handover_node *n,
			struct gmem_handover_pool *p)
{
	p->nid = le32_to_cpu(n->nid);
	p->chunk_shift = le32_to_cpu(n->chunk_shift);
	p->base = le64_to_cpu(n->base);
	p->size = le64_to_cpu(n->size);
	p->chunk_base = le64_to_cpu(n->chunk_base);
	p->nr_chunks = le64_to_cpu(n->nr_chunks);
}

/**
 * gmem_handover_add_node() - describe one pool
 * @enc: encoder after gmem_handover_begin().
 * @pool: the pool; nodes go by ascending nid, before any session.
 *
 * Return: 0; -EINVAL for a malformed pool, a nid not above the previous
 * one or a pool overlapping an earlier one; -ENOSPC if all announced
 * nodes were added already.
 */
int gmem_handover_add_node(struct gmem_handover_enc *enc,
			   const struct gmem_handover_pool *pool)
{
	struct gmem_handover_node *n = &enc->nodes[enc->nr_nodes];
	struct gmem_handover_pool prev;
	u32 i;

	if (enc->nr_nodes == enc->max_nodes)
		return -ENOSPC;
	if (!ho_pool_ok(pool))
		return -EINVAL;
	for (i = 0; i < enc->nr_nodes; i++) {
		ho_get_node(&enc->nodes[i], &prev);
		if (prev.nid >= pool->nid || ho_pools_overlap(&prev, pool))
			return -EINVAL;
	}
	n->nid = cpu_to_le32(pool->nid);
	n->chunk_shift = cpu_to_le32(pool->chunk_shift);
	n->base = cpu_to_le64(pool->base);
	n->size = cpu_to_le64(pool->size);
	n->chunk_base = cpu_to_le64(pool->chunk_base);
	n->nr_chunks = cpu_to_le64(pool->nr_chunks);
	enc->nr_nodes++;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_add_node);

/* Sessions may start once every node is in and the last file is whole. */
static bool ho_session_may_start(const struct gmem_handover_enc *enc)
{
	return enc->nr_nodes == enc->max_nodes && !enc->nr_poisoned &&
	       enc->nr_files == enc->session_end &&
	       enc->nr_extents == enc->file_end;
}

static bool ho_name_taken(const struct gmem_handover_enc *enc,
			  const char *name, size_t len)
{
	u32 i;

	/* Names are NUL padded: compare the terminator too. */
	for (i = 0; i < enc->nr_sessions; i++)
		if (!memcmp(enc->sessions[i].name, name, len + 1))
			return true;
	return false;
}

/**
 * gmem_handover_add_session() - start the description of one session
 * @enc: encoder whose nodes are all added, and the files of the previous
 *	session with all their extents.
 * @name: the session's name, NUL terminated, 1 to
 *	%GMEM_HANDOVER_NAME_LEN - 1 characters, unique in the record.
 * @nr_files: files of the session, up to %GMEM_HANDOVER_MAX_SESSION_FILES;
 *	exactly that many gmem_handover_add_file() calls follow.
 *
 * Return: 0; -EINVAL if a node, a file or an extent before is missing, or
 * for an empty or too long @name or too many files for a session; -EEXIST
 * if another session has @name; -ENOSPC if all announced sessions were
 * added already or @nr_files is more than the files announced and left.
 */
int gmem_handover_add_session(struct gmem_handover_enc *enc,
			      const char *name, u32 nr_files)
{
	struct gmem_handover_session *se = &enc->sessions[enc->nr_sessions];
	size_t len;

	if (!ho_session_may_start(enc))
		return -EINVAL;
	if (enc->nr_sessions == enc->max_sessions)
		return -ENOSPC;
	len = strnlen(name, GMEM_HANDOVER_NAME_LEN);
	if (!len || len == GMEM_HANDOVER_NAME_LEN ||
	    nr_files > GMEM_HANDOVER_MAX_SESSION_FILES)
		return -EINVAL;
	if (nr_files > enc->max_files - enc->session_end)
		return -ENOSPC;
	if (ho_name_taken(enc, name, len))
		return -EEXIST;

	memset(se->name, 0, sizeof(se->name));
	memcpy(se->name, name, len);
	se->first_file = cpu_to_le32(enc->session_end);
	se->nr_files = cpu_to_le32(nr_files);
	enc->session_first = enc->session_end;
	enc->session_end += nr_files;
	enc->nr_sessions++;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_add_session);

/* Index of the node entry with @nid among the first @nr, or -1. */
static int ho_find_nid(const struct gmem_handover_node *nodes, u32 nr, u32 nid)
{
	u32 i;

	for (i = 0; i < nr; i++)
		if (le32_to_cpu(nodes[i].nid) == nid)
			return i;
	return -1;
}

/* @fi on its own, against the node @n it names. */
static bool ho_file_ok(const struct gmem_handover_file_info *fi,
		       const struct gmem_handover_node *n)
{
	u32 shift = le32_to_cpu(n->chunk_shift);

	/* Extents are disjoint runs of at least one slot and one chunk. */
	return fi->size && !(fi->size & ((1ULL << shift) - 1)) &&
	       fi->nr_slots == fi->size >> shift &&
	       fi->nr_extents <= fi->nr_slots &&
	       fi->nr_extents <= le64_to_cpu(n->nr_chunks);
}

/**
 * gmem_handover_add_file() - start the description of one preserved file
 * @enc: encoder inside a session that has files left to add, whose
 *	previous file has all its extents.
 * @fi: the file: @fi->nr_slots must be @fi->size divided by the chunk size
 *	of @fi->nid, and exactly @fi->nr_extents gmem_handover_add_extent()
 *	calls follow.  Within a session, files go by ascending token.
 *
 * Return: 0; -EINVAL out of order (no session with files left, extents of
 * the previous file missing, a token not above the previous one of the
 * session), for a node without pool, a size that is zero or not a multiple
 * of the chunk size, a wrong @fi->nr_slots, or more extents than slots or
 * chunks; -ENOSPC if the extents are more than announced and left.
 */
int gmem_handover_add_file(struct gmem_handover_enc *enc,
			   const struct gmem_handover_file_info *fi)
{
	struct gmem_handover_file *f = &enc->files[enc->nr_files];
	const struct gmem_handover_node *n;
	int idx;

	if (enc->nr_files == enc->session_end ||
	    enc->nr_extents != enc->file_end || enc->nr_poisoned)
		return -EINVAL;
	if (enc->nr_files > enc->session_first && fi->token <= enc->last_token)
		return -EINVAL;
	idx = ho_find_nid(enc->nodes, enc->nr_nodes, fi->nid);
	if (idx < 0)
		return -EINVAL;
	n = &enc->nodes[idx];
	if (!ho_file_ok(fi, n))
		return -EINVAL;
	if (fi->nr_extents > enc->max_extents - enc->nr_extents)
		return -ENOSPC;

	f->token = cpu_to_le64(fi->token);
	f->size = cpu_to_le64(fi->size);
	f->flags = cpu_to_le32(fi->flags);
	f->nid = cpu_to_le32(fi->nid);
	f->nr_slots = cpu_to_le64(fi->nr_slots);
	f->first_extent = cpu_to_le64(enc->nr_extents);
	f->nr_extents = cpu_to_le64(fi->nr_extents);
	enc->file_end = enc->nr_extents + fi->nr_extents;
	enc->next_slot = 0;
	enc->file_slots = fi->nr_slots;
	enc->chunk_limit = le64_to_cpu(n->nr_chunks);
	enc->last_token = fi->token;
	enc->nr_files++;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_add_file);

/*
 * Slots [@slot, @slot + @nr) after @next_slot and within @nr_slots, chunks
 * [@chunk, @chunk + @nr) within @nr_chunks: the rules of an extent that
 * need no bitmap.
 */
static bool ho_extent_ok(u64 slot, u32 chunk, u32 nr, u64 next_slot,
			 u64 nr_slots, u64 nr_chunks)
{
	return nr && slot >= next_slot && nr <= nr_slots &&
	       slot <= nr_slots - nr && (u64)chunk + nr <= nr_chunks;
}

/**
 * gmem_handover_add_extent() - give the next run of chunks of the file
 * @enc: encoder after gmem_handover_add_file(), with extents of the file
 *	left to add.
 * @slot: first slot of the run, at or after the end of the file's previous
 *	extent.
 * @chunk: chunk index of @slot in the file's node.
 * @nr: slots and chunks of the run, at least 1.
 *
 * Return: 0; -EINVAL if the file has all its extents already, @nr is zero,
 * or the run starts before the end of the previous one, or runs past the
 * file or the node's pool.
 */
int gmem_handover_add_extent(struct gmem_handover_enc *enc, u64 slot,
			     u32 chunk, u32 nr)
{
	struct gmem_handover_extent *x = &enc->extents[enc->nr_extents];

	if (enc->nr_extents == enc->file_end ||
	    !ho_extent_ok(slot, chunk, nr, enc->next_slot, enc->file_slots,
			  enc->chunk_limit))
		return -EINVAL;
	x->slot = cpu_to_le64(slot);
	x->chunk = cpu_to_le32(chunk);
	x->nr = cpu_to_le32(nr);
	enc->next_slot = slot + nr;
	enc->nr_extents++;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_add_extent);

/* Every node, session, file and extent is in: the poisoned table may start. */
static bool ho_poisoned_may_start(const struct gmem_handover_enc *enc)
{
	return enc->nr_nodes == enc->max_nodes &&
	       enc->nr_sessions == enc->max_sessions &&
	       enc->nr_files == enc->max_files &&
	       enc->nr_files == enc->session_end &&
	       enc->nr_extents == enc->max_extents &&
	       enc->nr_extents == enc->file_end;
}

/**
 * gmem_handover_add_poisoned() - give the next retired chunk
 * @enc: encoder with every announced node, session, file and extent added.
 * @nid: node of the chunk; a node of the record.
 * @chunk: index of the chunk in that node's pool.
 *
 * Chunks go by ascending (@nid, @chunk), each once; a chunk may or may not
 * be in an extent.
 *
 * Return: 0; -EINVAL if a node, a session, a file or an extent is missing,
 * for a node without pool, a chunk past the pool, or a chunk not above the
 * previous one; -ENOSPC if all announced poisoned chunks were added
 * already.
 */
int gmem_handover_add_poisoned(struct gmem_handover_enc *enc, u32 nid,
			       u32 chunk)
{
	u64 key = (u64)nid << 32 | chunk;
	int idx;

	if (!ho_poisoned_may_start(enc))
		return -EINVAL;
	if (enc->nr_poisoned == enc->max_poisoned)
		return -ENOSPC;
	if (enc->nr_poisoned && key <= enc->last_poisoned)
		return -EINVAL;
	idx = ho_find_nid(enc->nodes, enc->nr_nodes, nid);
	if (idx < 0 || chunk >= le64_to_cpu(enc->nodes[idx].nr_chunks))
		return -EINVAL;
	enc->poisoned[enc->nr_poisoned].nid = cpu_to_le32(nid);
	enc->poisoned[enc->nr_poisoned].chunk = cpu_to_le32(chunk);
	enc->last_poisoned = key;
	enc->nr_poisoned++;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_add_poisoned);

/**
 * gmem_handover_finish() - seal the record
 * @enc: encoder with every announced node, session, file, extent and
 *	poisoned chunk added.
 * @len: set to the record's total length in bytes on success.
 *
 * Stores the checksum.  The record still has to pass
 * gmem_handover_validate(): the encoder does not look for chunks held
 * twice.
 *
 * Return: 0, or -EINVAL if a node, a session, a file, an extent or a
 * poisoned chunk is missing.
 */
int gmem_handover_finish(struct gmem_handover_enc *enc, size_t *len)
{
	struct gmem_handover_header *hdr = enc->buf;

	if (!ho_poisoned_may_start(enc) ||
	    enc->nr_poisoned != enc->max_poisoned)
		return -EINVAL;
	hdr->checksum = 0;
	hdr->checksum = cpu_to_le32(ho_crc(enc->buf, enc->size));
	*len = enc->size;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_finish);

/**
 * gmem_handover_scratch_bits() - scratch needed to validate a record
 * @pools: the pools of the running kernel.
 * @nr_pools: entries in @pools.
 *
 * Return: bits of &struct gmem_handover_scratch enough for any record whose
 * layout matches @pools: one per chunk.
 */
u64 gmem_handover_scratch_bits(const struct gmem_handover_pool *pools,
			       unsigned int nr_pools)
{
	u64 bits = 0;
	unsigned int i;

	for (i = 0; i < nr_pools; i++)
		bits += pools[i].nr_chunks;
	return bits;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_scratch_bits);

/*
 * Both words are always compared, so that the time taken does not tell how
 * much of a guessed key was right.
 */
static bool ho_key_match(const struct gmem_handover_header *hdr,
			 const u64 key[GMEM_HANDOVER_KEY_WORDS])
{
	u64 diff = 0;
	unsigned int i;

	for (i = 0; i < GMEM_HANDOVER_KEY_WORDS; i++)
		diff |= le64_to_cpu(hdr->key[i]) ^ key[i];
	return !diff;
}

/* Header size of format @version, or 0 for a version this code cannot read. */
static size_t ho_header_size(u32 version)
{
	switch (version) {
	case GMEM_HANDOVER_VERSION:
		return HO_HDR_SIZE;
	case GMEM_HANDOVER_VERSION_V2:
		return HO_HDR_V2_SIZE;
	default:
		return 0;
	}
}

/**
 * gmem_handover_check_key() - whether a record, valid or not, carries a key
 * @buf: the record, not validated yet.
 * @len: bytes readable at @buf.
 * @key: the key the kexec carried.
 *
 * Tells a record meant for this boot, which is to be validated and, if it
 * fails, rejected, from one that is not, which is to be ignored.  Only the
 * header's magic, version (%GMEM_HANDOVER_VERSION or
 * %GMEM_HANDOVER_VERSION_V2) and size are checked, and the key is compared
 * in constant time.
 *
 * Return: 0 if the record carries @key; -ENOENT if @buf holds no record
 * (misaligned, without the magic, or too short for the header of its
 * version); -EKEYREJECTED if it is a record of another version or with
 * another key.
 */
int gmem_handover_check_key(const void *buf, size_t len,
			    const u64 key[GMEM_HANDOVER_KEY_WORDS])
{
	const struct gmem_handover_header *hdr = buf;
	size_t size;

	if ((uintptr_t)buf % GMEM_HANDOVER_ALIGN || len < HO_HDR_V2_SIZE ||
	    le64_to_cpu(hdr->magic) != GMEM_HANDOVER_MAGIC)
		return -ENOENT;
	size = ho_header_size(le32_to_cpu(hdr->version));
	if (size && len < size)
		return -ENOENT;
	if (!size || le32_to_cpu(hdr->header_size) != size ||
	    !ho_key_match(hdr, key))
		return -EKEYREJECTED;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_check_key);

/*
 * Magic, version, compatible, sizes, flags, then the checksum.  The fields
 * up to @extents_off are where version 2 has them; @poisoned_off is read
 * only once the header is known to be a version 3 one, inside @len.
 */
static int ho_check_header(const void *buf, size_t len,
			   struct gmem_handover_error *err)
{
	const struct gmem_handover_header *hdr = buf;
	u32 version;
	size_t size;
	u64 total;

	if ((uintptr_t)buf % GMEM_HANDOVER_ALIGN)
		return ho_fail(err, GMEM_HO_BAD_BUFFER, 0, 0);
	if (len < HO_HDR_V2_SIZE)
		return ho_fail(err, GMEM_HO_TOO_SHORT, 0, len);
	if (le64_to_cpu(hdr->magic) != GMEM_HANDOVER_MAGIC)
		return ho_fail(err, GMEM_HO_BAD_MAGIC, 0, 0);
	version = le32_to_cpu(hdr->version);
	size = ho_header_size(version);
	if (!size)
		return ho_fail(err, GMEM_HO_BAD_VERSION, 0, version);
	if (memcmp(hdr->compatible, version == GMEM_HANDOVER_VERSION ?
		   ho_compatible : ho_compatible_v2, sizeof(ho_compatible)))
		return ho_fail(err, GMEM_HO_BAD_COMPATIBLE, 0, 0);
	if (le32_to_cpu(hdr->header_size) != size)
		return ho_fail(err, GMEM_HO_BAD_HEADER_SIZE, 0,
			       le32_to_cpu(hdr->header_size));
	if (len < size)
		return ho_fail(err, GMEM_HO_TOO_SHORT, 0, len);
	/* Version 2 calls nr_poisoned "reserved", and wants it zero. */
	if (hdr->flags || (version == GMEM_HANDOVER_VERSION_V2 &&
			   hdr->nr_poisoned))
		return ho_fail(err, GMEM_HO_BAD_FLAGS, 0,
			       le32_to_cpu(hdr->flags));
	total = le64_to_cpu(hdr->total_len);
	if (total < size || total > len)
		return ho_fail(err, GMEM_HO_BAD_LENGTH, 0, total);
	if (ho_crc(buf, total) != le32_to_cpu(hdr->checksum))
		return ho_fail(err, GMEM_HO_BAD_CHECKSUM, 0, 0);
	return 0;
}

/* @off + @nr * @size must be aligned, at or after @start, within @total. */
static bool ho_section_ok(u64 off, u64 nr, u64 size, u64 start, u64 total,
			  u64 *end)
{
	u64 bytes;

	return off % GMEM_HANDOVER_ALIGN == 0 && off >= start &&
	       !check_mul_overflow(nr, size, &bytes) &&
	       !check_add_overflow(off, bytes, end) && *end <= total;
}

static int ho_check_counts(const struct gmem_handover_header *hdr,
			   struct gmem_handover_view *v,
			   struct gmem_handover_error *err)
{
	v->nr_nodes = le32_to_cpu(hdr->nr_nodes);
	v->nr_sessions = le32_to_cpu(hdr->nr_sessions);
	v->nr_files = le32_to_cpu(hdr->nr_files);
	v->nr_extents = le64_to_cpu(hdr->nr_extents);
	/* Zero in a version 2 record: ho_check_header() made sure. */
	v->nr_poisoned = le32_to_cpu(hdr->nr_poisoned);
	/* nr_sessions is bounded first: the product cannot overflow. */
	if (!v->nr_nodes || v->nr_nodes > GMEM_HANDOVER_MAX_NODES ||
	    v->nr_sessions > GMEM_HANDOVER_MAX_SESSIONS ||
	    v->nr_files > v->nr_sessions * GMEM_HANDOVER_MAX_SESSION_FILES ||
	    (!v->nr_files && v->nr_extents) ||
	    v->nr_poisoned > GMEM_HANDOVER_MAX_POISONED)
		return ho_fail(err, GMEM_HO_BAD_COUNTS, 0, 0);
	return 0;
}

static int ho_check_sections(const void *buf, struct gmem_handover_view *v,
			     struct gmem_handover_error *err)
{
	const struct gmem_handover_header *hdr = buf;
	u64 hdr_size = le32_to_cpu(hdr->header_size);
	u64 total = le64_to_cpu(hdr->total_len);
	u64 nodes_off = le64_to_cpu(hdr->nodes_off);
	u64 sessions_off = le64_to_cpu(hdr->sessions_off);
	u64 files_off = le64_to_cpu(hdr->files_off);
	u64 extents_off = le64_to_cpu(hdr->extents_off);
	u64 poisoned_off = 0, end;

	if (ho_check_counts(hdr, v, err))
		return -EINVAL;
	if (hdr_size == HO_HDR_SIZE)
		poisoned_off = le64_to_cpu(hdr->poisoned_off);
	if (!ho_section_ok(nodes_off, v->nr_nodes, HO_NODE_SIZE, hdr_size,
			   total, &end) ||
	    !ho_section_ok(sessions_off, v->nr_sessions, HO_SESSION_SIZE, end,
			   total, &end) ||
	    !ho_section_ok(files_off, v->nr_files, HO_FILE_SIZE, end, total,
			   &end) ||
	    !ho_section_ok(extents_off, v->nr_extents, HO_EXTENT_SIZE, end,
			   total, &end) ||
	    (hdr_size == HO_HDR_SIZE &&
	     !ho_section_ok(poisoned_off, v->nr_poisoned, HO_POISONED_SIZE, end,
			    total, &end)))
		return ho_fail(err, GMEM_HO_BAD_SECTION, 0, 0);
	v->hdr = hdr;
	v->nodes = buf + nodes_off;
	v->sessions = buf + sessions_off;
	v->files = buf + files_off;
	v->extents = buf + extents_off;
	v->poisoned = hdr_size == HO_HDR_SIZE ? buf + poisoned_off : NULL;
	return 0;
}

/*
 * Node rules; also gives each node its first bit in the scratch bitmap.
 * Nodes are few (GMEM_HANDOVER_MAX_NODES), so the overlap check compares
 * every pair.
 */
static int ho_check_nodes(const struct gmem_handover_view *v,
			  const struct gmem_handover_scratch *scratch,
			  u64 *first_bit, struct gmem_handover_error *err)
{
	struct gmem_handover_pool p, q;
	u64 bits = 0;
	u32 i, j;

	for (i = 0; i < v->nr_nodes; i++) {
		ho_get_node(&v->nodes[i], &p);
		if (!ho_pool_ok(&p))
			return ho_fail(err, GMEM_HO_BAD_NODE, p.nid, i);
		for (j = 0; j < i; j++) {
			ho_get_node(&v->nodes[j], &q);
			if (q.nid >= p.nid)
				return ho_fail(err, GMEM_HO_DUP_NID, p.nid, i);
			if (ho_pools_overlap(&p, &q))
				return ho_fail(err, GMEM_HO_NODE_OVERLAP, p.nid,
					       i);
		}
		first_bit[i] = bits;
		bits += p.nr_chunks;
	}
	if (bits > scratch->nbits)
		return ho_fail(err, GMEM_HO_SCRATCH_SMALL, 0, bits);
	/* bitmap_zero() takes an unsigned int: too small for 2^38 bits. */
	memset(scratch->bits, 0, BITS_TO_LONGS(bits) * sizeof(unsigned long));
	return 0;
}

/* Not empty, NUL terminated, and only NULs after the terminator. */
static bool ho_name_ok(const char *name)
{
	size_t len = strnlen(name, GMEM_HANDOVER_NAME_LEN);
	size_t i;

	if (!len || len == GMEM_HANDOVER_NAME_LEN)
		return false;
	for (i = len; i < GMEM_HANDOVER_NAME_LEN; i++)
		if (name[i])
			return false;
	return true;
}

/*
 * Session rules.  Sessions are few (GMEM_HANDOVER_MAX_SESSIONS), so the
 * name check compares every pair.
 */
static int ho_check_sessions(const struct gmem_handover_view *v,
			     struct gmem_handover_error *err)
{
	const struct gmem_handover_session *se;
	u32 next_file = 0, nr, s, j;

	for (s = 0; s < v->nr_sessions; s++) {
		se = &v->sessions[s];
		nr = le32_to_cpu(se->nr_files);
		if (!ho_name_ok(se->name) ||
		    nr > GMEM_HANDOVER_MAX_SESSION_FILES)
			return ho_fail_session(err, GMEM_HO_BAD_SESSION, se, s);
		for (j = 0; j < s; j++)
			if (!memcmp(v->sessions[j].name, se->name,
				    sizeof(se->name)))
				return ho_fail_session(err, GMEM_HO_DUP_SESSION,
						       se, s);
		if (le32_to_cpu(se->first_file) != next_file ||
		    nr > v->nr_files - next_file)
			return ho_fail_session(err, GMEM_HO_BAD_SESSION_FILES,
					       se, s);
		next_file += nr;
	}
	if (next_file != v->nr_files)
		return ho_fail(err, GMEM_HO_BAD_SESSION_FILES, 0, s);
	return 0;
}

/*
 * Set bits [@start, @start + @nr) of @bits a word at a time.  Return the
 * first of them that was set already, or HO_NO_BIT; on a hit, some of the
 * bits before it may be set, which is fine since validation stops there.
 */
static u64 ho_claim_chunks(unsigned long *bits, u64 start, u64 nr)
{
	u64 pos = start, end = start + nr;
	unsigned long mask, *word;
	unsigned int lo, n;

	while (pos < end) {
		word = &bits[pos / BITS_PER_LONG];
		lo = pos % BITS_PER_LONG;
		n = min_t(u64, end - pos, BITS_PER_LONG - lo);
		/* 1 <= n <= BITS_PER_LONG: neither shift reaches the width. */
		mask = (~0UL >> (BITS_PER_LONG - n)) << lo;
		if (*word & mask)
			return pos - lo + __ffs(*word & mask);
		*word |= mask;
		pos += n;
	}
	return HO_NO_BIT;
}

/* Index of the session whose file range holds file @i. */
static u32 ho_session_of(const struct gmem_handover_view *v, u32 i)
{
	u32 s;

	for (s = 0; s + 1 < v->nr_sessions; s++)
		if (i < le32_to_cpu(v->sessions[s + 1].first_file))
			break;
	return s;
}

/*
 * File up to @last whose extent before extent @stop holds @chunk of node
 * @nid: the first owner of a chunk found twice.  Only files up to @last
 * are checked yet, and they hold every extent before @stop.  Error path
 * only, O(files + extents).
 */
static u32 ho_first_owner(const struct gmem_handover_view *v, u32 nid,
			  u32 chunk, u32 last, u64 stop)
{
	const struct gmem_handover_extent *x;
	const struct gmem_handover_file *f;
	u64 e, end;
	u32 i;

	for (i = 0; i <= last; i++) {
		f = &v->files[i];
		if (le32_to_cpu(f->nid) != nid)
			continue;
		e = le64_to_cpu(f->first_extent);
		end = min_t(u64, e + le64_to_cpu(f->nr_extents), stop);
		for (x = &v->extents[e]; e < end; e++, x++)
			if (chunk >= le32_to_cpu(x->chunk) &&
			    chunk - le32_to_cpu(x->chunk) < le32_to_cpu(x->nr))
				return i;
	}
	return 0;
}

static int ho_fail_dup_chunk(const struct gmem_handover_view *v, u32 s,
			     u32 i, u32 chunk, u64 e,
			     struct gmem_handover_error *err)
{
	const struct gmem_handover_file *f = &v->files[i];
	u32 first = ho_first_owner(v, le32_to_cpu(f->nid), chunk, i, e);

	ho_fail_file(err, GMEM_HO_DUP_CHUNK, &v->sessions[s], f, chunk);
	err->token2 = le64_to_cpu(v->files[first].token);
	ho_copy_name(err->session2,
		     v->sessions[ho_session_of(v, first)].name);
	return -EINVAL;
}

/* Every extent of file @i of session @s, whose chunks are on @node. */
static int ho_check_extents(const struct gmem_handover_view *v, u32 s, u32 i,
			    u32 node, u64 first_bit,
			    struct gmem_handover_scratch *scratch,
			    struct gmem_handover_error *err)
{
	const struct gmem_handover_file *f = &v->files[i];
	u64 nr_chunks = le64_to_cpu(v->nodes[node].nr_chunks);
	u64 nr_slots = le64_to_cpu(f->nr_slots);
	u64 e = le64_to_cpu(f->first_extent);
	u64 end = e + le64_to_cpu(f->nr_extents);
	const struct gmem_handover_extent *x;
	u64 slot, next_slot = 0, dup;
	u32 chunk, nr;

	for (x = &v->extents[e]; e < end; e++, x++) {
		slot = le64_to_cpu(x->slot);
		chunk = le32_to_cpu(x->chunk);
		nr = le32_to_cpu(x->nr);
		if (!ho_extent_ok(slot, chunk, nr, next_slot, nr_slots,
				  nr_chunks))
			return ho_fail_file(err, GMEM_HO_BAD_EXTENT,
					    &v->sessions[s], f, e);
		dup = ho_claim_chunks(scratch->bits, first_bit + chunk, nr);
		if (dup != HO_NO_BIT)
			return ho_fail_dup_chunk(v, s, i, dup - first_bit, e,
						 err);
		next_slot = slot + nr;
	}
	return 0;
}

/* The rules of file @i of session @s on its own. */
static int ho_check_file(const struct gmem_handover_view *v, u32 s, u32 i,
			 u64 next_extent, int *node,
			 struct gmem_handover_error *err)
{
	const struct gmem_handover_session *se = &v->sessions[s];
	const struct gmem_handover_file *f = &v->files[i];
	u64 nr_slots = le64_to_cpu(f->nr_slots);
	u64 bytes;
	u32 shift;

	if (i > le32_to_cpu(se->first_file) &&
	    le64_to_cpu(f->token) <= le64_to_cpu(v->files[i - 1].token))
		return ho_fail_file(err, GMEM_HO_DUP_TOKEN, se, f, i);
	*node = ho_find_nid(v->nodes, v->nr_nodes, le32_to_cpu(f->nid));
	if (*node < 0)
		return ho_fail_file(err, GMEM_HO_BAD_FILE_NODE, se, f, i);
	shift = le32_to_cpu(v->nodes[*node].chunk_shift);
	if (!nr_slots || check_shl_overflow(nr_slots, shift, &bytes) ||
	    bytes != le64_to_cpu(f->size))
		return ho_fail_file(err, GMEM_HO_BAD_FILE_SIZE, se, f, i);
	if (le64_to_cpu(f->first_extent) != next_extent ||
	    le64_to_cpu(f->nr_extents) > v->nr_extents - next_extent)
		return ho_fail_file(err, GMEM_HO_BAD_FILE_EXTENTS, se, f, i);
	return 0;
}

static int ho_check_files(const struct gmem_handover_view *v,
			  const u64 *first_bit,
			  struct gmem_handover_scratch *scratch,
			  struct gmem_handover_error *err)
{
	u64 next_extent = 0;
	u32 s, i, end;
	int node, ret;

	for (s = 0; s < v->nr_sessions; s++) {
		i = le32_to_cpu(v->sessions[s].first_file);
		end = i + le32_to_cpu(v->sessions[s].nr_files);
		for (; i < end; i++) {
			ret = ho_check_file(v, s, i, next_extent, &node, err);
			if (!ret)
				ret = ho_check_extents(v, s, i, node,
						       first_bit[node],
						       scratch, err);
			if (ret)
				return ret;
			next_extent += le64_to_cpu(v->files[i].nr_extents);
		}
	}
	if (next_extent != v->nr_extents)
		return ho_fail(err, GMEM_HO_BAD_FILE_EXTENTS, 0, v->nr_files);
	return 0;
}

static int ho_fail_poisoned(struct gmem_handover_error *err,
			    enum gmem_handover_reason reason, u32 nid,
			    u32 chunk, u32 i)
{
	int ret = ho_fail(err, reason, nid, i);

	err->chunk = chunk;
	return ret;
}

/*
 * The poisoned table: ascending, no repeat, every chunk in its node's
 * pool.  Whether a file holds the chunk does not matter.
 */
static int ho_check_poisoned(const struct gmem_handover_view *v,
			     struct gmem_handover_error *err)
{
	u64 key, prev = 0;
	u32 i, nid, chunk;
	int node;

	for (i = 0; i < v->nr_poisoned; i++) {
		nid = le32_to_cpu(v->poisoned[i].nid);
		chunk = le32_to_cpu(v->poisoned[i].chunk);
		key = (u64)nid << 32 | chunk;
		if (i && key == prev)
			return ho_fail_poisoned(err, GMEM_HO_DUP_POISON, nid,
						chunk, i);
		if (i && key < prev)
			return ho_fail_poisoned(err, GMEM_HO_POISON_UNSORTED,
						nid, chunk, i);
		node = ho_find_nid(v->nodes, v->nr_nodes, nid);
		if (node < 0)
			return ho_fail_poisoned(err, GMEM_HO_BAD_POISON_NODE,
						nid, chunk, i);
		if (chunk >= le64_to_cpu(v->nodes[node].nr_chunks))
			return ho_fail_poisoned(err, GMEM_HO_BAD_POISON_CHUNK,
						nid, chunk, i);
		prev = key;
	}
	return 0;
}

/**
 * gmem_handover_validate() - check a whole record before trusting it
 * @buf: the record, 8-byte aligned.
 * @len: bytes readable at @buf; nothing past them is read.
 * @scratch: bitmap for the ownership check, gmem_handover_scratch_bits() of
 *	the running kernel's pools; its content is overwritten.
 * @view: filled on success, for gmem_handover_match_layout() and the
 *	accessors; left untouched on failure.
 * @err: set to the first rule the record breaks (%GMEM_HO_OK on success).
 *
 * Checks, in order: header (magic, version 3 or 2, compatible and header
 * size of that version, flags, total length), checksum, counts and section
 * offsets, every node, every session (name, uniqueness, file range), every
 * file in session order (token order, node, size, extent range) with its
 * extents (bounds, order, and that no chunk is in two extents), then the
 * poisoned table (order, uniqueness, node, bounds).  It does not check the
 * key: see gmem_handover_check_key() and gmem_handover_key_eq().  It reads
 * each byte of the record a bounded number of times: O(nodes^2 +
 * sessions^2 + (files + poisoned) * nodes + extents), plus the bitmap's
 * words.
 *
 * Return: 0 if the record can be trusted; -EINVAL if it breaks a rule;
 * -ENOSPC if @scratch is too small for the record's pools.
 */
int gmem_handover_validate(const void *buf, size_t len,
			   struct gmem_handover_scratch *scratch,
			   struct gmem_handover_view *view,
			   struct gmem_handover_error *err)
{
	u64 first_bit[GMEM_HANDOVER_MAX_NODES];
	struct gmem_handover_view v;
	int ret;

	ret = ho_check_header(buf, len, err);
	if (!ret)
		ret = ho_check_sections(buf, &v, err);
	if (!ret)
		ret = ho_check_nodes(&v, scratch, first_bit, err);
	if (!ret)
		ret = ho_check_sessions(&v, err);
	if (!ret)
		ret = ho_check_files(&v, first_bit, scratch, err);
	if (!ret)
		ret = ho_check_poisoned(&v, err);
	if (ret)
		return ret;
	*view = v;
	memset(err, 0, sizeof(*err));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_validate);

/**
 * gmem_handover_match_layout() - compare a record's pools to the running ones
 * @view: a record gmem_handover_validate() accepted.
 * @pools: the pools this kernel reserved.
 * @nr_pools: entries in @pools.
 * @err: set to the first difference found, %GMEM_HO_OK if none.
 *
 * Each node of the record needs a pool on the same nid with the same chunk
 * size, base, size, first chunk and chunk count.  A pool that the record
 * does not describe is no mismatch: none of its chunks can be held.
 *
 * Return: 0 if the layouts match, -EINVAL otherwise.
 */
int gmem_handover_match_layout(const struct gmem_handover_view *view,
			       const struct gmem_handover_pool *pools,
			       unsigned int nr_pools,
			       struct gmem_handover_error *err)
{
	const struct gmem_handover_pool *run;
	struct gmem_handover_pool rec;
	unsigned int j;
	u32 i;

	for (i = 0; i < view->nr_nodes; i++) {
		ho_get_node(&view->nodes[i], &rec);
		for (j = 0; j < nr_pools && pools[j].nid != rec.nid; j++)
			;
		if (j == nr_pools)
			return ho_fail(err, GMEM_HO_LAYOUT_NODE_MISSING,
				       rec.nid, i);
		run = &pools[j];
		if (run->chunk_shift != rec.chunk_shift)
			return ho_fail(err, GMEM_HO_LAYOUT_CHUNK_SIZE, rec.nid,
				       i);
		if (run->base != rec.base || run->size != rec.size ||
		    run->chunk_base != rec.chunk_base ||
		    run->nr_chunks != rec.nr_chunks)
			return ho_fail(err, GMEM_HO_LAYOUT_PLACEMENT, rec.nid,
				       i);
	}
	memset(err, 0, sizeof(*err));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_match_layout);

/**
 * gmem_handover_key_eq() - whether a validated record carries a key
 * @view: a record gmem_handover_validate() accepted.
 * @key: the key the kexec carried.
 *
 * Compares both words in constant time.
 *
 * Return: true if the record's key is @key, false otherwise.
 */
bool gmem_handover_key_eq(const struct gmem_handover_view *view,
			  const u64 key[GMEM_HANDOVER_KEY_WORDS])
{
	return ho_key_match(view->hdr, key);
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_key_eq);

/**
 * gmem_handover_generation() - hand-over counter of a validated record
 * @view: a record gmem_handover_validate() accepted.
 *
 * Return: the generation the writing kernel stored.
 */
u64 gmem_handover_generation(const struct gmem_handover_view *view)
{
	return le64_to_cpu(view->hdr->generation);
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_generation);

/**
 * gmem_handover_node() - read one pool of a validated record
 * @view: a record gmem_handover_validate() accepted.
 * @i: node entry, below @view->nr_nodes.
 * @pool: filled with the entry, in CPU byte order.
 */
void gmem_handover_node(const struct gmem_handover_view *view, u32 i,
			struct gmem_handover_pool *pool)
{
	ho_get_node(&view->nodes[i], pool);
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_node);

/**
 * gmem_handover_session() - read one session of a validated record
 * @view: a record gmem_handover_validate() accepted.
 * @i: session entry, below @view->nr_sessions.
 * @si: filled with the entry, in CPU byte order; its files are
 *	[@si->first_file, @si->first_file + @si->nr_files).
 */
void gmem_handover_session(const struct gmem_handover_view *view, u32 i,
			   struct gmem_handover_session_info *si)
{
	const struct gmem_handover_session *se = &view->sessions[i];

	memcpy(si->name, se->name, sizeof(si->name));
	si->first_file = le32_to_cpu(se->first_file);
	si->nr_files = le32_to_cpu(se->nr_files);
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_session);

/**
 * gmem_handover_file() - read one file of a validated record
 * @view: a record gmem_handover_validate() accepted.
 * @i: file entry, below @view->nr_files; files are in session order.
 * @fi: filled with the entry, in CPU byte order.
 */
void gmem_handover_file(const struct gmem_handover_view *view, u32 i,
			struct gmem_handover_file_info *fi)
{
	const struct gmem_handover_file *f = &view->files[i];

	fi->token = le64_to_cpu(f->token);
	fi->size = le64_to_cpu(f->size);
	fi->flags = le32_to_cpu(f->flags);
	fi->nid = le32_to_cpu(f->nid);
	fi->nr_slots = le64_to_cpu(f->nr_slots);
	fi->nr_extents = le64_to_cpu(f->nr_extents);
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_file);

/**
 * gmem_handover_walk_file() - walk the extents of one file
 * @view: a record gmem_handover_validate() accepted.
 * @i: file entry, below @view->nr_files.
 * @fn: called for each extent, by ascending slot; holes are not extents.
 * @arg: passed to @fn.
 *
 * Return: 0 after the last extent, or the first non-zero value @fn
 * returned.
 */
int gmem_handover_walk_file(const struct gmem_handover_view *view, u32 i,
			    gmem_handover_extent_fn fn, void *arg)
{
	const struct gmem_handover_file *f = &view->files[i];
	const struct gmem_handover_extent *x;
	u64 e = le64_to_cpu(f->first_extent);
	u64 end = e + le64_to_cpu(f->nr_extents);
	int ret;

	for (x = &view->extents[e]; e < end; e++, x++) {
		ret = fn(le64_to_cpu(x->slot), le32_to_cpu(x->chunk),
			 le32_to_cpu(x->nr), arg);
		if (ret)
			return ret;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_walk_file);

/**
 * gmem_handover_nr_poisoned() - retired chunks of a validated record
 * @view: a record gmem_handover_validate() accepted.
 *
 * Return: the number of entries of the poisoned table; 0 for a version 2
 * record.
 */
u32 gmem_handover_nr_poisoned(const struct gmem_handover_view *view)
{
	return view->nr_poisoned;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_nr_poisoned);

/**
 * gmem_handover_poisoned() - read one retired chunk of a validated record
 * @view: a record gmem_handover_validate() accepted.
 * @i: entry, below gmem_handover_nr_poisoned(); entries go by ascending
 *	(nid, chunk).
 * @pi: filled with the entry, in CPU byte order.
 */
void gmem_handover_poisoned(const struct gmem_handover_view *view, u32 i,
			    struct gmem_handover_poisoned_info *pi)
{
	pi->nid = le32_to_cpu(view->poisoned[i].nid);
	pi->chunk = le32_to_cpu(view->poisoned[i].chunk);
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_poisoned);
