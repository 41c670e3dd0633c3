/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_GMEM_HANDOVER_ABI_H
#define _LINUX_GMEM_HANDOVER_ABI_H

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/compiler_attributes.h>
#include <linux/stddef.h>
#include <linux/types.h>

/**
 * DOC: gmem pool hand-over ABI
 *
 * Before a kexec, the running kernel describes its gmem pools and every
 * pool-backed guest_memfd file its live update sessions preserve in one
 * record, written in a record area of the carveout.  The kexec carries, in
 * the next kernel's boot data (&struct gmem_handover_boot), the placement
 * of every pool, the address of the record and a random 128-bit key made
 * for this kexec alone.  The next kernel trusts the record only if the key
 * stored in it equals the key the kexec carried; checking that is the
 * caller's job, not the record code's.  It then validates the whole record
 * before it uses any part of it.
 *
 * The record is one contiguous blob, little endian, with no padding between
 * fields and no pointers: sections are found through byte offsets from the
 * start of the record.  In order:
 *
 * - &struct gmem_handover_header, at offset 0;
 * - @nr_nodes &struct gmem_handover_node, one per pool, by ascending nid;
 * - @nr_sessions &struct gmem_handover_session, one per live update session,
 *   each with a name unique in the record;
 * - @nr_files &struct gmem_handover_file, in session order: the files of
 *   session 0 by ascending token, then those of session 1, and so on;
 * - @nr_extents &struct gmem_handover_extent, in file order: the extents of
 *   file 0 by ascending slot, then those of file 1, and so on;
 * - @nr_poisoned &struct gmem_handover_poisoned, the chunks that a memory
 *   failure retired, by ascending (nid, chunk), each at most once.
 *
 * An extent maps a run of chunk-sized ranges of a file (slots) to a run of
 * chunks of the file's node.  A slot that no extent covers is a hole, and
 * holes take no room: a record costs 16 bytes per run of chunks held, not
 * per byte of file size.  No chunk is in two extents of the record.
 *
 * A retired (poisoned) chunk is never handed out again, by the writing
 * kernel nor by the next one: the next kernel retires every chunk of the
 * poisoned table as soon as it has adopted the files.  A poisoned chunk may
 * also be in an extent (the file still holds it, and sees it as poisoned
 * after retrieval) or in none (it was free, or its file let it go).  The
 * table holds at most %GMEM_HANDOVER_MAX_POISONED entries, so that the
 * room the writing kernel keeps for the record always suffices.
 *
 * The record itself starts on an 8-byte boundary, and so does each
 * section.  The crc32c (initial value ~0, no final inversion, as
 * __crc32c_le(~0, ...) computes it) of the first @total_len bytes, taken
 * with @checksum set to zero, is stored in @checksum.  The checksum catches
 * damage; only the key tells a record of this kexec from any other.
 *
 * This interface is a contract between two kernels that may be of different
 * versions.  Any change of a structure, of the meaning of a field or of a
 * rule above is a breaking change and requires a new version number and a
 * new compatible string.
 *
 * Versions: 2 ("gmem-pool-handover-v2") had no poisoned table, a header of
 * %GMEM_HANDOVER_HEADER_V2_BYTES that ends at @extents_off, and zero in
 * the field that version 3 calls @nr_poisoned.  Version 3 appends
 * @poisoned_off to the header (%GMEM_HANDOVER_HEADER_BYTES) and the
 * poisoned table to the record; every other field, section and rule is
 * the same.  A kernel writes version 3 and reads both, so that a live
 * update from a kernel that writes version 2 keeps its files.
 */

/* "GMEMHOVR" read as a little-endian 64-bit value. */
#define GMEM_HANDOVER_MAGIC		0x52564f484d454d47ULL
#define GMEM_HANDOVER_VERSION		3
#define GMEM_HANDOVER_COMPATIBLE	"gmem-pool-handover-v3"
/* The previous version, which a kernel still reads. */
#define GMEM_HANDOVER_VERSION_V2	2
#define GMEM_HANDOVER_COMPATIBLE_V2	"gmem-pool-handover-v2"
#define GMEM_HANDOVER_COMPATIBLE_LEN	32

/* The key is this many 64-bit words. */
#define GMEM_HANDOVER_KEY_WORDS		2

/* Bytes of a session name, its terminating NUL included. */
#define GMEM_HANDOVER_NAME_LEN		64

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
 * them, chunk indexes that fit the 32-bit chunk field of an extent.
 */
#define GMEM_HANDOVER_MAX_NID		1024
#define GMEM_HANDOVER_MAX_NODES		64
#define GMEM_HANDOVER_MAX_CHUNKS	0xffffffffULL
#define GMEM_HANDOVER_MAX_SESSIONS	64
#define GMEM_HANDOVER_MAX_SESSION_FILES	128
#define GMEM_HANDOVER_MAX_FILES		(GMEM_HANDOVER_MAX_SESSIONS * \
					 GMEM_HANDOVER_MAX_SESSION_FILES)
/*
 * Poisoned chunks one record carries: 64 KiB of table.  Memory failures
 * retire a handful of chunks in a machine's life; a host with more than
 * this many bad chunks needs repair, not a live update.
 */
#define GMEM_HANDOVER_MAX_POISONED	8192

/* Sizes of the entries, which gmem_handover_record_size() adds up. */
#define GMEM_HANDOVER_HEADER_BYTES	152
#define GMEM_HANDOVER_HEADER_V2_BYTES	144
#define GMEM_HANDOVER_NODE_BYTES	40
#define GMEM_HANDOVER_SESSION_BYTES	72
#define GMEM_HANDOVER_FILE_BYTES	48
#define GMEM_HANDOVER_EXTENT_BYTES	16
#define GMEM_HANDOVER_POISONED_BYTES	8

/**
 * struct gmem_handover_header - start of the hand-over record
 * @magic: %GMEM_HANDOVER_MAGIC.
 * @version: %GMEM_HANDOVER_VERSION (or %GMEM_HANDOVER_VERSION_V2).
 * @header_size: sizeof(struct gmem_handover_header) of this version:
 *               %GMEM_HANDOVER_HEADER_BYTES (version 2:
 *               %GMEM_HANDOVER_HEADER_V2_BYTES).
 * @compatible: %GMEM_HANDOVER_COMPATIBLE (version 2:
 *              %GMEM_HANDOVER_COMPATIBLE_V2), NUL padded to the end of the
 *              array.
 * @checksum: crc32c of the first @total_len bytes, this field taken as zero.
 * @flags: zero; no flag is defined in this version.
 * @total_len: bytes covered by the record and its checksum.
 * @generation: hand-over counter, one more than in the record the writing
 *              kernel booted from (informative, not checked).
 * @key: the key of the kexec that carries the record, as two
 *       little-endian words.
 * @nr_nodes: number of entries in the node table, 1 to
 *            %GMEM_HANDOVER_MAX_NODES.
 * @nr_sessions: number of entries in the session table, up to
 *               %GMEM_HANDOVER_MAX_SESSIONS.
 * @nr_files: number of entries in the file table, up to
 *            %GMEM_HANDOVER_MAX_SESSION_FILES per session: the sum of the
 *            sessions' @nr_files.
 * @nr_poisoned: number of entries in the poisoned table, up to
 *               %GMEM_HANDOVER_MAX_POISONED (version 2: reserved, zero).
 * @nr_extents: number of entries in the extent table: the sum of the
 *              files' @nr_extents.
 * @nodes_off: offset of the node table from the start of the record, at or
 *             after the end of the header.
 * @sessions_off: offset of the session table, at or after the end of the
 *                node table.
 * @files_off: offset of the file table, at or after the end of the session
 *             table.
 * @extents_off: offset of the extent table, at or after the end of the file
 *               table; the table ends at or before @total_len.
 * @poisoned_off: offset of the poisoned table, at or after the end of the
 *                extent table; the table ends at or before @total_len.
 *                Not in version 2, whose header ends before it.
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
	__le64 key[GMEM_HANDOVER_KEY_WORDS];
	__le32 nr_nodes;
	__le32 nr_sessions;
	__le32 nr_files;
	__le32 nr_poisoned;
	__le64 nr_extents;
	__le64 nodes_off;
	__le64 sessions_off;
	__le64 files_off;
	__le64 extents_off;
	__le64 poisoned_off;
} __packed;
static_assert(sizeof(struct gmem_handover_header) == GMEM_HANDOVER_HEADER_BYTES);
static_assert(offsetof(struct gmem_handover_header, poisoned_off) ==
	      GMEM_HANDOVER_HEADER_V2_BYTES);

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
 * @nr_chunks: number of chunks, 1 to %GMEM_HANDOVER_MAX_CHUNKS; chunks
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
static_assert(sizeof(struct gmem_handover_node) == GMEM_HANDOVER_NODE_BYTES);

/**
 * struct gmem_handover_session - one live update session
 * @name: the name userspace gave the session: not empty, NUL terminated,
 *        NUL padded to the end of the array, unique in the record.
 * @first_file: index in the file table of the session's first file: the
 *              sum of @nr_files of the sessions before it.
 * @nr_files: number of files the session preserves, up to
 *            %GMEM_HANDOVER_MAX_SESSION_FILES; zero is allowed.
 */
struct gmem_handover_session {
	char name[GMEM_HANDOVER_NAME_LEN];
	__le32 first_file;
	__le32 nr_files;
} __packed;
static_assert(sizeof(struct gmem_handover_session) == GMEM_HANDOVER_SESSION_BYTES);

/**
 * struct gmem_handover_file - one preserved guest_memfd file
 * @token: identifier userspace chose when it preserved the file; any
 *         value, strictly ascending within its session.
 * @size: file size in bytes: @nr_slots times the chunk size of its node.
 * @flags: the file's KVM_CREATE_GUEST_MEMFD flags; the record code carries
 *         them unchanged and the restore path checks them.
 * @nid: node whose pool holds every chunk of the file; a node of the table.
 * @nr_slots: number of chunk-sized ranges of the file, at least 1.
 * @first_extent: index in the extent table of the file's first extent: the
 *                sum of @nr_extents of the files before it.
 * @nr_extents: number of extents of the file; zero for a file that holds
 *              no chunk.
 */
struct gmem_handover_file {
	__le64 token;
	__le64 size;
	__le32 flags;
	__le32 nid;
	__le64 nr_slots;
	__le64 first_extent;
	__le64 nr_extents;
} __packed;
static_assert(sizeof(struct gmem_handover_file) == GMEM_HANDOVER_FILE_BYTES);

/**
 * struct gmem_handover_extent - a run of chunks of a file
 * @slot: first slot (chunk-sized range of the file) of the run, at or
 *        after the end of the file's previous extent.
 * @chunk: chunk index of @slot in the file's node, counted from that
 *         node's @chunk_base.
 * @nr: number of slots and chunks in the run, at least 1; @slot + @nr is at
 *      most the file's @nr_slots and @chunk + @nr the node's @nr_chunks.
 *
 * Slots [@slot, @slot + @nr) of the file are chunks [@chunk, @chunk + @nr)
 * of its node.
 */
struct gmem_handover_extent {
	__le64 slot;
	__le32 chunk;
	__le32 nr;
} __packed;
static_assert(sizeof(struct gmem_handover_extent) == GMEM_HANDOVER_EXTENT_BYTES);

/**
 * struct gmem_handover_poisoned - a chunk that a memory failure retired
 * @nid: node of the chunk; a node of the table.
 * @chunk: chunk index in that node's pool, counted from its @chunk_base,
 *         below its @nr_chunks.
 *
 * Entries go by ascending @nid, then ascending @chunk, with no repeat.
 */
struct gmem_handover_poisoned {
	__le32 nid;
	__le32 chunk;
} __packed;
static_assert(sizeof(struct gmem_handover_poisoned) == GMEM_HANDOVER_POISONED_BYTES);

/* "GMEMHOBD" read as a little-endian 64-bit value. */
#define GMEM_HANDOVER_BOOT_MAGIC	0x44424f484d454d47ULL
#define GMEM_HANDOVER_BOOT_VERSION	1
#define GMEM_HANDOVER_BOOT_BYTES	56
#define GMEM_HANDOVER_BOOT_POOL_BYTES	24

/**
 * struct gmem_handover_boot_pool - where one pool of the boot data lies
 * @nid: NUMA node of the pool, below %GMEM_HANDOVER_MAX_NID.
 * @reserved: zero.
 * @base: physical address of the pool's reservation, a multiple of
 *        %GMEM_HANDOVER_NODE_ALIGN.
 * @capacity: bytes of the reservation, a non-zero multiple of
 *            %GMEM_HANDOVER_NODE_ALIGN.
 */
struct gmem_handover_boot_pool {
	__le32 nid;
	__le32 reserved;
	__le64 base;
	__le64 capacity;
} __packed;
static_assert(sizeof(struct gmem_handover_boot_pool) == GMEM_HANDOVER_BOOT_POOL_BYTES);

/**
 * struct gmem_handover_boot - hand-over data a kexec passes to the next kernel
 * @magic: %GMEM_HANDOVER_BOOT_MAGIC.
 * @version: %GMEM_HANDOVER_BOOT_VERSION.
 * @nr_pools: number of entries in @pools, 1 to %GMEM_HANDOVER_MAX_NODES.
 * @key: the key of this kexec, which the record at @record_phys must carry
 *       to be trusted.
 * @record_phys: physical address of the record, 8-byte aligned.
 * @record_room: bytes reserved for the record at @record_phys.
 * @chunk_shift: log2 of the pools' chunk size in bytes:
 *               %GMEM_HANDOVER_SHIFT_2M or %GMEM_HANDOVER_SHIFT_1G.
 * @flags: zero; no flag is defined in this version.
 * @pools: placement of every pool, by ascending nid; the next kernel
 *         reserves exactly these.
 *
 * The payload of the x86 setup_data entry that kexec_file_load() adds to
 * the next kernel's boot parameters, gmem_handover_boot_size(@nr_pools)
 * bytes long.  Both kernels must agree on it as on the record: a change of
 * layout or meaning needs a new @version.
 */
struct gmem_handover_boot {
	__le64 magic;
	__le32 version;
	__le32 nr_pools;
	__le64 key[GMEM_HANDOVER_KEY_WORDS];
	__le64 record_phys;
	__le64 record_room;
	__le32 chunk_shift;
	__le32 flags;
	struct gmem_handover_boot_pool pools[];
} __packed;
static_assert(sizeof(struct gmem_handover_boot) == GMEM_HANDOVER_BOOT_BYTES);

/**
 * gmem_handover_boot_size() - bytes of the boot data for some pools
 * @nr_pools: pools it describes, at most %GMEM_HANDOVER_MAX_NODES.
 *
 * Return: the size of &struct gmem_handover_boot with @nr_pools entries.
 */
static inline size_t gmem_handover_boot_size(unsigned int nr_pools)
{
	return sizeof(struct gmem_handover_boot) +
	       (size_t)nr_pools * sizeof(struct gmem_handover_boot_pool);
}

#endif /* _LINUX_GMEM_HANDOVER_ABI_H */
