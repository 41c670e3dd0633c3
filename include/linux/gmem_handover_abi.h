/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_GMEM_HANDOVER_ABI_H
#define _LINUX_GMEM_HANDOVER_ABI_H

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/compiler_attributes.h>
#include <linux/types.h>

/**
 * DOC: gmem pool hand-over ABI
 *
 * Before a kexec, the running kernel describes its gmem pools and every
 * preserved pool-backed guest_memfd file in one record, written inside the
 * metadata area of the carveout.  The next kernel finds the record once it
 * has reserved the same pools again and validates the whole record before
 * it trusts any part of it.
 *
 * The record is one contiguous blob, little endian, with no padding between
 * fields and no pointers: sections are found through byte offsets from the
 * start of the record.  In order:
 *
 * - &struct gmem_handover_header, at offset 0;
 * - @nr_nodes &struct gmem_handover_node, one per pool, by ascending nid;
 * - @nr_files &struct gmem_handover_file, by ascending token;
 * - @nr_slots __le32 chunk slots: the slots of file 0 in file order, then
 *   those of file 1, and so on.  A slot holds the index of a chunk in the
 *   file's node, counted from that node's @chunk_base, or
 *   %GMEM_HANDOVER_HOLE where the file has no chunk.
 *
 * The record itself starts on an 8-byte boundary, and so does each
 * section.  The crc32c (initial value ~0, no final inversion, as
 * __crc32c_le(~0, ...) computes it) of the first @total_len bytes, taken
 * with @checksum set to zero, is stored in @checksum.
 *
 * This interface is a contract between two kernels that may be of different
 * versions.  Any change of a structure, of the meaning of a field or of a
 * rule above is a breaking change and requires a new version number and a
 * new compatible string.
 */

/* "GMEMHOVR" read as a little-endian 64-bit value. */
#define GMEM_HANDOVER_MAGIC		0x52564f484d454d47ULL
#define GMEM_HANDOVER_VERSION		1
#define GMEM_HANDOVER_COMPATIBLE	"gmem-pool-handover-v1"
#define GMEM_HANDOVER_COMPATIBLE_LEN	32

/* Slot value of a chunk-sized range of a file that has no chunk. */
#define GMEM_HANDOVER_HOLE		0xffffffffU

/* Every section of the record starts on a multiple of this. */
#define GMEM_HANDOVER_ALIGN		8

/* The chunk sizes a pool can have, as log2 of bytes: 2 MiB and 1 GiB. */
#define GMEM_HANDOVER_SHIFT_2M		21
#define GMEM_HANDOVER_SHIFT_1G		30

/* Pool base and size are multiples of the smallest chunk size. */
#define GMEM_HANDOVER_NODE_ALIGN	BIT_ULL(GMEM_HANDOVER_SHIFT_2M)

/*
 * Bounds on what one record may describe, independent of the kernel config:
 * node ids as large as the largest MAX_NUMNODES, pools on at most 64 of
 * them.
 */
#define GMEM_HANDOVER_MAX_NID		1024
#define GMEM_HANDOVER_MAX_NODES		64
#define GMEM_HANDOVER_MAX_FILES		65536

/**
 * struct gmem_handover_header - start of the hand-over record
 * @magic: %GMEM_HANDOVER_MAGIC.
 * @version: %GMEM_HANDOVER_VERSION.
 * @header_size: sizeof(struct gmem_handover_header) of this version.
 * @compatible: %GMEM_HANDOVER_COMPATIBLE, NUL padded to the end of the array.
 * @checksum: crc32c of the first @total_len bytes, this field taken as zero.
 * @flags: zero; no flag is defined in this version.
 * @total_len: bytes covered by the record and its checksum.
 * @generation: hand-over counter, one more than in the record the writing
 *              kernel booted from (informative, not checked).
 * @nr_nodes: number of entries in the node table, 1 to
 *            %GMEM_HANDOVER_MAX_NODES.
 * @nr_files: number of entries in the file table, up to
 *            %GMEM_HANDOVER_MAX_FILES.
 * @nr_slots: number of entries in the slot table: the sum of the files'
 *            @nr_slots.
 * @nodes_off: offset of the node table from the start of the record.
 * @files_off: offset of the file table, at or after the end of the node table.
 * @slots_off: offset of the slot table, at or after the end of the file table.
 */
struct gmem_handover_header {
	__le64 magic;
	__le32 version;
	__le32 header_size;
	char compatible[GMEM_HANDOVER_COMPATIBLE_LEN];
	__le32 checksum;
	__le32 flags;
	__le64 total_len;
	__le64 generation;
	__le32 nr_nodes;
	__le32 nr_files;
	__le64 nr_slots;
	__le64 nodes_off;
	__le64 files_off;
	__le64 slots_off;
} __packed;
static_assert(sizeof(struct gmem_handover_header) == 112);

/**
 * struct gmem_handover_node - one node's pool, as the old kernel laid it out
 * @nid: NUMA node id, below %GMEM_HANDOVER_MAX_NID, unique in the record.
 * @chunk_shift: log2 of the chunk size in bytes: %GMEM_HANDOVER_SHIFT_2M or
 *               %GMEM_HANDOVER_SHIFT_1G.
 * @base: physical address of the reservation, a multiple of
 *        %GMEM_HANDOVER_NODE_ALIGN.
 * @size: size of the reservation in bytes, a non-zero multiple of
 *        %GMEM_HANDOVER_NODE_ALIGN.
 * @chunk_base: physical address of chunk 0, a multiple of the chunk size.
 * @nr_chunks: number of chunks, 1 to %GMEM_HANDOVER_HOLE - 1; chunks
 *             [0, @nr_chunks) lie inside [@base, @base + @size).
 *
 * Pools never overlap one another.
 */
struct gmem_handover_node {
	__le32 nid;
	__le32 chunk_shift;
	__le64 base;
	__le64 size;
	__le64 chunk_base;
	__le64 nr_chunks;
} __packed;
static_assert(sizeof(struct gmem_handover_node) == 40);

/**
 * struct gmem_handover_file - one preserved guest_memfd file
 * @token: identifier chosen by userspace when it preserved the file;
 *         non-zero, unique in the record.
 * @size: file size in bytes: @nr_slots times the chunk size of its node.
 * @uid: owner uid in the initial user namespace.
 * @gid: owner gid in the initial user namespace.
 * @flags: the file's KVM_CREATE_GUEST_MEMFD flags; the record code carries
 *         them unchanged and the restore path checks them.
 * @nid: node whose pool holds every chunk of the file; a node of the table.
 * @first_slot: index in the slot table of the file's first slot: the sum of
 *              @nr_slots of the files before it.
 * @nr_slots: number of chunk-sized ranges of the file, at least 1.
 */
struct gmem_handover_file {
	__le64 token;
	__le64 size;
	__le32 uid;
	__le32 gid;
	__le32 flags;
	__le32 nid;
	__le64 first_slot;
	__le64 nr_slots;
} __packed;
static_assert(sizeof(struct gmem_handover_file) == 48);

#endif /* _LINUX_GMEM_HANDOVER_ABI_H */
