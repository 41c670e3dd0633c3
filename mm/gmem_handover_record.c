// SPDX-License-Identifier: GPL-2.0
/*
 * gmem pool hand-over record: writer, validator and readers.
 */

/**
 * DOC: gmem pool hand-over record
 *
 * The kernel that kexecs writes the record with gmem_handover_begin(),
 * gmem_handover_add_node(), gmem_handover_add_file() with its
 * gmem_handover_add_slot() calls, and gmem_handover_finish().  The next
 * kernel calls gmem_handover_validate() on the whole record, then
 * gmem_handover_match_layout() against the pools it reserved, and only then
 * reads files and chunks through the validated view.  A record that breaks
 * any rule is refused as a whole, with a reason the caller can log.
 *
 * Everything here is O(nodes + files + chunks), allocates nothing and takes
 * no lock: the caller owns the buffers and serialises access to them.  The
 * same source builds in userspace for the host unit tests and the fuzzer,
 * so it only uses headers that tests/host/include provides.
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
#define HO_NODE_SIZE	sizeof(struct gmem_handover_node)
#define HO_FILE_SIZE	sizeof(struct gmem_handover_file)
#define HO_SLOT_SIZE	sizeof(__le32)
#define HO_CRC_SEED	(~0U)

static_assert(HO_HDR_SIZE % GMEM_HANDOVER_ALIGN == 0);
static_assert(HO_NODE_SIZE % GMEM_HANDOVER_ALIGN == 0);
static_assert(HO_FILE_SIZE % GMEM_HANDOVER_ALIGN == 0);

/* The compatible field as written: the string, NUL padded. */
static const char ho_compatible[GMEM_HANDOVER_COMPATIBLE_LEN] =
	GMEM_HANDOVER_COMPATIBLE;

static const char * const ho_reason_str[] = {
	[GMEM_HO_OK]			= "valid",
	[GMEM_HO_BAD_BUFFER]		= "record buffer misaligned",
	[GMEM_HO_TOO_SHORT]		= "buffer shorter than the header",
	[GMEM_HO_BAD_MAGIC]		= "bad magic",
	[GMEM_HO_BAD_VERSION]		= "unknown version",
	[GMEM_HO_BAD_COMPATIBLE]	= "compatible string mismatch",
	[GMEM_HO_BAD_HEADER_SIZE]	= "bad header size",
	[GMEM_HO_BAD_FLAGS]		= "unknown header flags",
	[GMEM_HO_BAD_LENGTH]		= "total length out of bounds",
	[GMEM_HO_BAD_CHECKSUM]		= "checksum mismatch",
	[GMEM_HO_BAD_COUNTS]		= "node, file or slot count out of bounds",
	[GMEM_HO_BAD_SECTION]		= "section misaligned, overlapping or out of bounds",
	[GMEM_HO_BAD_NODE]		= "malformed node entry",
	[GMEM_HO_NODE_OVERLAP]		= "pools overlap",
	[GMEM_HO_DUP_NID]		= "node ids repeated or unsorted",
	[GMEM_HO_SCRATCH_SMALL]		= "scratch bitmap too small",
	[GMEM_HO_BAD_TOKEN]		= "zero token",
	[GMEM_HO_DUP_TOKEN]		= "tokens repeated or unsorted",
	[GMEM_HO_BAD_FILE_NODE]		= "file on a node without pool",
	[GMEM_HO_BAD_FILE_SIZE]		= "file size does not match its slots",
	[GMEM_HO_BAD_FILE_SLOTS]	= "file slot range invalid",
	[GMEM_HO_BAD_CHUNK]		= "chunk index beyond its pool",
	[GMEM_HO_DUP_CHUNK]		= "chunk owned twice",
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
 * @buf: where to write the text, NUL terminated.
 * @size: bytes at @buf.
 *
 * Return: the length of the full text, as snprintf() returns it.
 */
int gmem_handover_format_error(const struct gmem_handover_error *err,
			       char *buf, size_t size)
{
	const char *why = gmem_handover_reason_str(err->reason);

	switch (err->reason) {
	case GMEM_HO_DUP_CHUNK:
		return snprintf(buf, size,
				"chunk %llu of node %u owned twice (files %#llx and %#llx)",
				err->item, err->node, err->token2, err->token);
	case GMEM_HO_BAD_CHUNK:
		return snprintf(buf, size,
				"%s: chunk %llu of node %u in file %#llx",
				why, err->item, err->node, err->token);
	case GMEM_HO_BAD_TOKEN:
	case GMEM_HO_DUP_TOKEN:
	case GMEM_HO_BAD_FILE_NODE:
	case GMEM_HO_BAD_FILE_SIZE:
	case GMEM_HO_BAD_FILE_SLOTS:
		return snprintf(buf, size, "%s: file %llu (token %#llx)",
				why, err->item, err->token);
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
		   enum gmem_handover_reason reason, u32 node, u64 item,
		   u64 token)
{
	err->reason = reason;
	err->node = node;
	err->item = item;
	err->token = token;
	err->token2 = 0;
	return reason == GMEM_HO_SCRATCH_SMALL ? -ENOSPC : -EINVAL;
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

/* Offsets of the sections as the encoder places them: back to back. */
static void ho_layout(u32 nr_nodes, u32 nr_files, u64 *nodes_off,
		      u64 *files_off, u64 *slots_off)
{
	*nodes_off = HO_HDR_SIZE;
	*files_off = *nodes_off + (u64)nr_nodes * HO_NODE_SIZE;
	*slots_off = *files_off + (u64)nr_files * HO_FILE_SIZE;
}

/**
 * gmem_handover_record_size() - bytes needed for a record
 * @nr_nodes: pools, 1 to %GMEM_HANDOVER_MAX_NODES.
 * @nr_files: preserved files, up to %GMEM_HANDOVER_MAX_FILES.
 * @nr_slots: chunk slots of all files together.
 * @size: set to the record size in bytes on success.
 *
 * Return: 0, or -EINVAL if a count is out of bounds or the size overflows.
 */
int gmem_handover_record_size(u32 nr_nodes, u32 nr_files, u64 nr_slots,
			      size_t *size)
{
	u64 nodes_off, files_off, slots_off, bytes;

	if (!nr_nodes || nr_nodes > GMEM_HANDOVER_MAX_NODES ||
	    nr_files > GMEM_HANDOVER_MAX_FILES)
		return -EINVAL;
	ho_layout(nr_nodes, nr_files, &nodes_off, &files_off, &slots_off);
	if (check_mul_overflow(nr_slots, (u64)HO_SLOT_SIZE, &bytes) ||
	    check_add_overflow(bytes, slots_off, &bytes) || bytes > SIZE_MAX)
		return -EINVAL;
	*size = bytes;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_record_size);

/**
 * gmem_handover_begin() - start writing a record
 * @enc: encoder state, owned by the caller.
 * @buf: where the record goes, 8-byte aligned.
 * @len: bytes available at @buf; nothing past them is ever written.
 * @nr_nodes: pools that gmem_handover_add_node() will add.
 * @nr_files: files that gmem_handover_add_file() will add.
 * @generation: hand-over counter to store.
 *
 * Return: 0; -EINVAL for a misaligned @buf or counts out of bounds;
 * -ENOSPC if @len cannot hold the header and both tables.
 */
int gmem_handover_begin(struct gmem_handover_enc *enc, void *buf, size_t len,
			u32 nr_nodes, u32 nr_files, u64 generation)
{
	struct gmem_handover_header *hdr = buf;
	u64 nodes_off, files_off, slots_off;
	size_t need;

	if ((uintptr_t)buf % GMEM_HANDOVER_ALIGN ||
	    gmem_handover_record_size(nr_nodes, nr_files, 0, &need))
		return -EINVAL;
	if (need > len)
		return -ENOSPC;
	ho_layout(nr_nodes, nr_files, &nodes_off, &files_off, &slots_off);
	memset(buf, 0, need);

	hdr->magic = cpu_to_le64(GMEM_HANDOVER_MAGIC);
	hdr->version = cpu_to_le32(GMEM_HANDOVER_VERSION);
	hdr->header_size = cpu_to_le32(HO_HDR_SIZE);
	memcpy(hdr->compatible, ho_compatible, sizeof(hdr->compatible));
	hdr->generation = cpu_to_le64(generation);
	hdr->nr_nodes = cpu_to_le32(nr_nodes);
	hdr->nr_files = cpu_to_le32(nr_files);
	hdr->nodes_off = cpu_to_le64(nodes_off);
	hdr->files_off = cpu_to_le64(files_off);
	hdr->slots_off = cpu_to_le64(slots_off);

	memset(enc, 0, sizeof(*enc));
	enc->buf = buf;
	enc->len = len;
	enc->nodes = buf + nodes_off;
	enc->files = buf + files_off;
	enc->slots = buf + slots_off;
	enc->max_nodes = nr_nodes;
	enc->max_files = nr_files;
	enc->max_slots = (len - slots_off) / HO_SLOT_SIZE;
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
	if (!p->nr_chunks || p->nr_chunks >= GMEM_HANDOVER_HOLE ||
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
 * @pool: the pool; nodes go by ascending nid, before any file.
 *
 * Return: 0; -EINVAL for a malformed pool, a nid not above the previous
 * one, a pool overlapping an earlier one, or a call after a file;
 * -ENOSPC if all announced nodes were added already.
 */
int gmem_handover_add_node(struct gmem_handover_enc *enc,
			   const struct gmem_handover_pool *pool)
{
	struct gmem_handover_node *n = &enc->nodes[enc->nr_nodes];
	struct gmem_handover_pool prev;
	u32 i;

	if (enc->nr_nodes == enc->max_nodes)
		return -ENOSPC;
	if (enc->nr_files || !ho_pool_ok(pool))
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

/* Index of the node entry with @nid among the first @nr, or -1. */
static int ho_find_nid(const struct gmem_handover_node *nodes, u32 nr, u32 nid)
{
	u32 i;

	for (i = 0; i < nr; i++)
		if (le32_to_cpu(nodes[i].nid) == nid)
			return i;
	return -1;
}

/**
 * gmem_handover_add_file() - start the description of one preserved file
 * @enc: encoder whose nodes are all added.
 * @fi: the file; @fi->nr_slots is ignored, the slot count is @fi->size
 *	divided by the chunk size of @fi->nid.  Files go by ascending token.
 *
 * The file's slots follow with exactly that many gmem_handover_add_slot()
 * calls.
 *
 * Return: 0; -EINVAL for a zero token, a token not above the previous
 * one, a node without pool, a size that is zero or not a multiple of the
 * chunk size, or missing slots of the previous file; -ENOSPC if all
 * announced files were added or the slots cannot fit in the buffer.
 */
int gmem_handover_add_file(struct gmem_handover_enc *enc,
			   const struct gmem_handover_file_info *fi)
{
	struct gmem_handover_file *f = &enc->files[enc->nr_files];
	const struct gmem_handover_node *n;
	u32 shift;
	int idx;

	if (enc->nr_slots != enc->file_end || enc->nr_nodes != enc->max_nodes)
		return -EINVAL;
	if (enc->nr_files == enc->max_files)
		return -ENOSPC;
	if (!fi->token || (enc->nr_files && fi->token <= enc->last_token))
		return -EINVAL;
	idx = ho_find_nid(enc->nodes, enc->nr_nodes, fi->nid);
	if (idx < 0)
		return -EINVAL;
	n = &enc->nodes[idx];
	shift = le32_to_cpu(n->chunk_shift);
	if (!fi->size || fi->size & ((1ULL << shift) - 1))
		return -EINVAL;
	if (fi->size >> shift > enc->max_slots - enc->nr_slots)
		return -ENOSPC;

	f->token = cpu_to_le64(fi->token);
	f->size = cpu_to_le64(fi->size);
	f->uid = cpu_to_le32(fi->uid);
	f->gid = cpu_to_le32(fi->gid);
	f->flags = cpu_to_le32(fi->flags);
	f->nid = cpu_to_le32(fi->nid);
	f->first_slot = cpu_to_le64(enc->nr_slots);
	f->nr_slots = cpu_to_le64(fi->size >> shift);
	enc->file_end = enc->nr_slots + (fi->size >> shift);
	enc->chunk_limit = le64_to_cpu(n->nr_chunks);
	enc->last_token = fi->token;
	enc->nr_files++;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_add_file);

/**
 * gmem_handover_add_slot() - give the next slot of the current file
 * @enc: encoder after gmem_handover_add_file().
 * @chunk: chunk index in the file's node, or %GMEM_HANDOVER_HOLE.
 *
 * Return: 0; -EINVAL if the file has all its slots already or @chunk is
 * beyond the node's pool.
 */
int gmem_handover_add_slot(struct gmem_handover_enc *enc, u32 chunk)
{
	if (enc->nr_slots == enc->file_end)
		return -EINVAL;
	if (chunk != GMEM_HANDOVER_HOLE && chunk >= enc->chunk_limit)
		return -EINVAL;
	enc->slots[enc->nr_slots++] = cpu_to_le32(chunk);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_add_slot);

/**
 * gmem_handover_finish() - seal the record
 * @enc: encoder with every announced node and file, and every slot, added.
 * @len: set to the record's total length in bytes on success.
 *
 * Stores the slot count, the total length and the checksum.  The record
 * still has to pass gmem_handover_validate(): the encoder does not look
 * for chunks owned twice.
 *
 * Return: 0, or -EINVAL if a node, a file or a slot is missing.
 */
int gmem_handover_finish(struct gmem_handover_enc *enc, size_t *len)
{
	struct gmem_handover_header *hdr = enc->buf;
	size_t total;

	if (enc->nr_nodes != enc->max_nodes ||
	    enc->nr_files != enc->max_files || enc->nr_slots != enc->file_end)
		return -EINVAL;
	total = (u8 *)&enc->slots[enc->nr_slots] - (u8 *)enc->buf;
	hdr->nr_slots = cpu_to_le64(enc->nr_slots);
	hdr->total_len = cpu_to_le64(total);
	hdr->checksum = 0;
	hdr->checksum = cpu_to_le32(ho_crc(enc->buf, total));
	*len = total;
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

/* Magic, version, compatible, sizes, flags, then the checksum. */
static int ho_check_header(const void *buf, size_t len,
			   struct gmem_handover_error *err)
{
	const struct gmem_handover_header *hdr = buf;
	u64 total;

	if ((uintptr_t)buf % GMEM_HANDOVER_ALIGN)
		return ho_fail(err, GMEM_HO_BAD_BUFFER, 0, 0, 0);
	if (len < HO_HDR_SIZE)
		return ho_fail(err, GMEM_HO_TOO_SHORT, 0, len, 0);
	if (le64_to_cpu(hdr->magic) != GMEM_HANDOVER_MAGIC)
		return ho_fail(err, GMEM_HO_BAD_MAGIC, 0, 0, 0);
	if (le32_to_cpu(hdr->version) != GMEM_HANDOVER_VERSION)
		return ho_fail(err, GMEM_HO_BAD_VERSION, 0,
			       le32_to_cpu(hdr->version), 0);
	if (memcmp(hdr->compatible, ho_compatible, sizeof(ho_compatible)))
		return ho_fail(err, GMEM_HO_BAD_COMPATIBLE, 0, 0, 0);
	if (le32_to_cpu(hdr->header_size) != HO_HDR_SIZE)
		return ho_fail(err, GMEM_HO_BAD_HEADER_SIZE, 0,
			       le32_to_cpu(hdr->header_size), 0);
	if (hdr->flags)
		return ho_fail(err, GMEM_HO_BAD_FLAGS, 0,
			       le32_to_cpu(hdr->flags), 0);
	total = le64_to_cpu(hdr->total_len);
	if (total < HO_HDR_SIZE || total > len)
		return ho_fail(err, GMEM_HO_BAD_LENGTH, 0, total, 0);
	if (ho_crc(buf, total) != le32_to_cpu(hdr->checksum))
		return ho_fail(err, GMEM_HO_BAD_CHECKSUM, 0, 0, 0);
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

static int ho_check_sections(const void *buf, struct gmem_handover_view *v,
			     struct gmem_handover_error *err)
{
	const struct gmem_handover_header *hdr = buf;
	u64 total = le64_to_cpu(hdr->total_len);
	u64 nodes_off = le64_to_cpu(hdr->nodes_off);
	u64 files_off = le64_to_cpu(hdr->files_off);
	u64 slots_off = le64_to_cpu(hdr->slots_off);
	u64 nr_slots = le64_to_cpu(hdr->nr_slots);
	u64 end;

	v->nr_nodes = le32_to_cpu(hdr->nr_nodes);
	v->nr_files = le32_to_cpu(hdr->nr_files);
	if (!v->nr_nodes || v->nr_nodes > GMEM_HANDOVER_MAX_NODES ||
	    v->nr_files > GMEM_HANDOVER_MAX_FILES ||
	    (!v->nr_files && nr_slots))
		return ho_fail(err, GMEM_HO_BAD_COUNTS, 0, 0, 0);
	if (!ho_section_ok(nodes_off, v->nr_nodes, HO_NODE_SIZE, HO_HDR_SIZE,
			   total, &end) ||
	    !ho_section_ok(files_off, v->nr_files, HO_FILE_SIZE, end, total,
			   &end) ||
	    !ho_section_ok(slots_off, nr_slots, HO_SLOT_SIZE, end, total, &end))
		return ho_fail(err, GMEM_HO_BAD_SECTION, 0, 0, 0);
	v->hdr = hdr;
	v->nodes = buf + nodes_off;
	v->files = buf + files_off;
	v->slots = buf + slots_off;
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
			return ho_fail(err, GMEM_HO_BAD_NODE, p.nid, i, 0);
		for (j = 0; j < i; j++) {
			ho_get_node(&v->nodes[j], &q);
			if (q.nid >= p.nid)
				return ho_fail(err, GMEM_HO_DUP_NID, p.nid, i, 0);
			if (ho_pools_overlap(&p, &q))
				return ho_fail(err, GMEM_HO_NODE_OVERLAP, p.nid,
					       i, 0);
		}
		first_bit[i] = bits;
		bits += p.nr_chunks;
	}
	if (bits > scratch->nbits)
		return ho_fail(err, GMEM_HO_SCRATCH_SMALL, 0, bits, 0);
	/* bitmap_zero() takes an unsigned int: too small for 2^42 bits. */
	memset(scratch->bits, 0, BITS_TO_LONGS(bits) * sizeof(unsigned long));
	return 0;
}

/*
 * Token of the file that owned @chunk of node entry @node before slot
 * @stop of file @last: only files up to @last are checked yet.  Error path
 * only, O(slots).
 */
static u64 ho_first_owner(const struct gmem_handover_view *v, u32 node,
			  u32 chunk, u32 last, u64 stop)
{
	u32 nid = le32_to_cpu(v->nodes[node].nid);
	u64 s, first, nr;
	u32 i;

	for (i = 0; i <= last; i++) {
		if (le32_to_cpu(v->files[i].nid) != nid)
			continue;
		first = le64_to_cpu(v->files[i].first_slot);
		nr = le64_to_cpu(v->files[i].nr_slots);
		for (s = first; s < first + nr && s < stop; s++)
			if (le32_to_cpu(v->slots[s]) == chunk)
				return le64_to_cpu(v->files[i].token);
	}
	return 0;
}

/* Every slot of file @i: inside its pool and owned by nobody else. */
static int ho_check_chunks(const struct gmem_handover_view *v, u32 i, u32 node,
			   u64 first_bit, struct gmem_handover_scratch *scratch,
			   struct gmem_handover_error *err)
{
	const struct gmem_handover_file *f = &v->files[i];
	u64 nr_chunks = le64_to_cpu(v->nodes[node].nr_chunks);
	u64 first = le64_to_cpu(f->first_slot);
	u64 end = first + le64_to_cpu(f->nr_slots);
	u64 token = le64_to_cpu(f->token);
	u32 nid = le32_to_cpu(f->nid);
	u64 s;
	u32 c;

	for (s = first; s < end; s++) {
		c = le32_to_cpu(v->slots[s]);
		if (c == GMEM_HANDOVER_HOLE)
			continue;
		if (c >= nr_chunks)
			return ho_fail(err, GMEM_HO_BAD_CHUNK, nid, c, token);
		if (__test_and_set_bit(first_bit + c, scratch->bits)) {
			ho_fail(err, GMEM_HO_DUP_CHUNK, nid, c, token);
			err->token2 = ho_first_owner(v, node, c, i, s);
			return -EINVAL;
		}
	}
	return 0;
}

/* The rules of file @i on its own, given where the previous file ended. */
static int ho_check_file(const struct gmem_handover_view *v, u32 i,
			 u64 prev_token, u64 next_slot, int *node,
			 struct gmem_handover_error *err)
{
	const struct gmem_handover_file *f = &v->files[i];
	u64 token = le64_to_cpu(f->token);
	u64 nr = le64_to_cpu(f->nr_slots);
	u64 bytes;
	u32 shift;

	if (!token)
		return ho_fail(err, GMEM_HO_BAD_TOKEN, 0, i, token);
	if (i && token <= prev_token)
		return ho_fail(err, GMEM_HO_DUP_TOKEN, 0, i, token);
	*node = ho_find_nid(v->nodes, v->nr_nodes, le32_to_cpu(f->nid));
	if (*node < 0)
		return ho_fail(err, GMEM_HO_BAD_FILE_NODE, 0, i, token);
	if (!nr || le64_to_cpu(f->first_slot) != next_slot ||
	    nr > le64_to_cpu(v->hdr->nr_slots) - next_slot)
		return ho_fail(err, GMEM_HO_BAD_FILE_SLOTS, 0, i, token);
	shift = le32_to_cpu(v->nodes[*node].chunk_shift);
	if (check_shl_overflow(nr, shift, &bytes) ||
	    bytes != le64_to_cpu(f->size))
		return ho_fail(err, GMEM_HO_BAD_FILE_SIZE, 0, i, token);
	return 0;
}

static int ho_check_files(const struct gmem_handover_view *v,
			  const u64 *first_bit,
			  struct gmem_handover_scratch *scratch,
			  struct gmem_handover_error *err)
{
	u64 next_slot = 0, prev_token = 0;
	int node, ret;
	u32 i;

	for (i = 0; i < v->nr_files; i++) {
		ret = ho_check_file(v, i, prev_token, next_slot, &node, err);
		if (ret)
			return ret;
		ret = ho_check_chunks(v, i, node, first_bit[node], scratch,
				      err);
		if (ret)
			return ret;
		prev_token = le64_to_cpu(v->files[i].token);
		next_slot += le64_to_cpu(v->files[i].nr_slots);
	}
	if (next_slot != le64_to_cpu(v->hdr->nr_slots))
		return ho_fail(err, GMEM_HO_BAD_COUNTS, 0, next_slot, 0);
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
 * Checks, in order: header (magic, version, compatible, header size, flags,
 * total length), checksum, section offsets and counts, every node, every
 * file and every chunk slot, including that no chunk is owned twice.  It
 * reads each byte of the record a bounded number of times: O(nodes^2 +
 * files * nodes + slots).
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
		ret = ho_check_files(&v, first_bit, scratch, err);
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
 * does not describe is no mismatch: none of its chunks can be owned.
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
				       rec.nid, i, 0);
		run = &pools[j];
		if (run->chunk_shift != rec.chunk_shift)
			return ho_fail(err, GMEM_HO_LAYOUT_CHUNK_SIZE, rec.nid,
				       i, 0);
		if (run->base != rec.base || run->size != rec.size ||
		    run->chunk_base != rec.chunk_base ||
		    run->nr_chunks != rec.nr_chunks)
			return ho_fail(err, GMEM_HO_LAYOUT_PLACEMENT, rec.nid,
				       i, 0);
	}
	memset(err, 0, sizeof(*err));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_match_layout);

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
 * gmem_handover_file() - read one file of a validated record
 * @view: a record gmem_handover_validate() accepted.
 * @i: file entry, below @view->nr_files; files are by ascending token.
 * @fi: filled with the entry, in CPU byte order.
 */
void gmem_handover_file(const struct gmem_handover_view *view, u32 i,
			struct gmem_handover_file_info *fi)
{
	const struct gmem_handover_file *f = &view->files[i];

	fi->token = le64_to_cpu(f->token);
	fi->size = le64_to_cpu(f->size);
	fi->uid = le32_to_cpu(f->uid);
	fi->gid = le32_to_cpu(f->gid);
	fi->flags = le32_to_cpu(f->flags);
	fi->nid = le32_to_cpu(f->nid);
	fi->nr_slots = le64_to_cpu(f->nr_slots);
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_file);

/**
 * gmem_handover_walk_file() - walk the chunks of one file
 * @view: a record gmem_handover_validate() accepted.
 * @i: file entry, below @view->nr_files.
 * @fn: called for each slot that holds a chunk, in file order; holes are
 *	skipped.
 * @arg: passed to @fn.
 *
 * Return: 0 after the last chunk, or the first non-zero value @fn returned.
 */
int gmem_handover_walk_file(const struct gmem_handover_view *view, u32 i,
			    gmem_handover_chunk_fn fn, void *arg)
{
	const struct gmem_handover_file *f = &view->files[i];
	const __le32 *slots = view->slots + le64_to_cpu(f->first_slot);
	u64 nr = le64_to_cpu(f->nr_slots);
	u64 s;
	u32 c;
	int ret;

	for (s = 0; s < nr; s++) {
		c = le32_to_cpu(slots[s]);
		if (c == GMEM_HANDOVER_HOLE)
			continue;
		ret = fn(s, c, arg);
		if (ret)
			return ret;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(gmem_handover_walk_file);
