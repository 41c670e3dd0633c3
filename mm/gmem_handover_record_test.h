/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test data shared by the KUnit suite (mm/gmem_handover_record_kunit.c) and
 * the userspace tests and fuzzer (tests/host): a reference record, the table
 * of ways to corrupt it with the reason each one must be refused for, a
 * script of encoder calls with the result each must have, and synthetic
 * records of any number of 2 MiB chunks.  Include it from tests only.
 */
#ifndef __MM_GMEM_HANDOVER_RECORD_TEST_H__
#define __MM_GMEM_HANDOVER_RECORD_TEST_H__

#include <linux/crc32.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "gmem_handover_record.h"

/*
 * The reference record: two pools (2 MiB chunks on node 0, 1 GiB chunks on
 * node 1), three sessions, one of them empty, and four files: sparse ones,
 * one with no chunk at all, the same token in two sessions; three poisoned
 * chunks, two held by files and one free.
 */
#define HO_T_NR_NODES		2
#define HO_T_NR_SESSIONS	3
#define HO_T_NR_FILES		4
#define HO_T_NR_EXTENTS		5
#define HO_T_NR_POISONED	3
#define HO_T_NR_CHUNKS		66	/* of both pools: the scratch bits */
#define HO_T_GENERATION		7

#define HO_T_POOL_2M(id)	{ .nid = (id), .chunk_shift = 21,	\
				  .base = SZ_1G, .size = SZ_256M,	\
				  .chunk_base = SZ_1G + SZ_2M,		\
				  .nr_chunks = 64 }
#define HO_T_POOL_1G(id)	{ .nid = (id), .chunk_shift = 30,	\
				  .base = SZ_4G, .size = SZ_4G,		\
				  .chunk_base = SZ_4G + SZ_1G,		\
				  .nr_chunks = 2 }

static const struct gmem_handover_pool ho_t_pools[HO_T_NR_NODES] = {
	HO_T_POOL_2M(0),
	HO_T_POOL_1G(1),
};

static const u64 ho_t_key[GMEM_HANDOVER_KEY_WORDS] = {
	0x0123456789abcdefULL, 0xfedcba9876543210ULL,
};

static const struct gmem_handover_session_info ho_t_sessions[] = {
	{ .name = "tenant-a", .first_file = 0, .nr_files = 2 },
	{ .name = "idle", .first_file = 2, .nr_files = 0 },
	{ .name = "tenant-b", .first_file = 2, .nr_files = 2 },
};

static const struct gmem_handover_file_info ho_t_files[] = {
	{ .token = 0, .size = 8 * SZ_2M, .flags = 0x8, .nid = 0,
	  .nr_slots = 8, .nr_extents = 3 },
	{ .token = 0x2000, .size = 2ULL * SZ_1G, .flags = 0x9, .nid = 1,
	  .nr_slots = 2, .nr_extents = 1 },
	/* 2 TiB of holes: no extent, and no room taken. */
	{ .token = 0x2000, .size = 2 * SZ_1T, .flags = 0x8, .nid = 0,
	  .nr_slots = 1ULL << 20, .nr_extents = 0 },
	{ .token = 0x3000, .size = 4 * SZ_2M, .flags = 0x8, .nid = 0,
	  .nr_slots = 4, .nr_extents = 1 },
};

/**
 * struct ho_t_extent - an extent in CPU byte order
 * @slot: first slot.
 * @chunk: first chunk.
 * @nr: slots and chunks.
 */
struct ho_t_extent {
	u64 slot;
	u32 chunk;
	u32 nr;
};

/* Extents of the files, back to back: 3, 1, 0 and 1 of them. */
static const struct ho_t_extent ho_t_extents[] = {
	{ 0, 3, 1 }, { 2, 5, 2 }, { 7, 10, 1 },
	{ 1, 0, 1 },
	{ 0, 60, 4 },
};

/*
 * Poisoned chunks: node 0's chunk 5 (in extent 1, file 0 of "tenant-a"),
 * its chunk 20 (free), node 1's chunk 0 (file 0x2000 of "tenant-a").
 */
static const struct gmem_handover_poisoned_info ho_t_poisoned[] = {
	{ .nid = 0, .chunk = 5 },
	{ .nid = 0, .chunk = 20 },
	{ .nid = 1, .chunk = 0 },
};

static_assert(ARRAY_SIZE(ho_t_poisoned) == HO_T_NR_POISONED);
static_assert(ARRAY_SIZE(ho_t_sessions) == HO_T_NR_SESSIONS);
static_assert(ARRAY_SIZE(ho_t_files) == HO_T_NR_FILES);
static_assert(ARRAY_SIZE(ho_t_extents) == HO_T_NR_EXTENTS);

#define HO_T_NODES_OFF		GMEM_HANDOVER_HEADER_BYTES
#define HO_T_SESSIONS_OFF	(HO_T_NODES_OFF + \
				 HO_T_NR_NODES * GMEM_HANDOVER_NODE_BYTES)
#define HO_T_FILES_OFF		(HO_T_SESSIONS_OFF + \
				 HO_T_NR_SESSIONS * GMEM_HANDOVER_SESSION_BYTES)
#define HO_T_EXTENTS_OFF	(HO_T_FILES_OFF + \
				 HO_T_NR_FILES * GMEM_HANDOVER_FILE_BYTES)
#define HO_T_POISONED_OFF	(HO_T_EXTENTS_OFF + \
				 HO_T_NR_EXTENTS * GMEM_HANDOVER_EXTENT_BYTES)
#define HO_T_LEN		(HO_T_POISONED_OFF + \
				 HO_T_NR_POISONED * GMEM_HANDOVER_POISONED_BYTES)

#define HO_T_NODE_AT(i)		(HO_T_NODES_OFF + (i) * GMEM_HANDOVER_NODE_BYTES)
#define HO_T_SESSION_AT(i)	(HO_T_SESSIONS_OFF + \
				 (i) * GMEM_HANDOVER_SESSION_BYTES)
#define HO_T_FILE_AT(i)		(HO_T_FILES_OFF + (i) * GMEM_HANDOVER_FILE_BYTES)
#define HO_T_EXTENT_AT(i)	(HO_T_EXTENTS_OFF + \
				 (i) * GMEM_HANDOVER_EXTENT_BYTES)
#define HO_T_POISONED_AT(i)	(HO_T_POISONED_OFF + \
				 (i) * GMEM_HANDOVER_POISONED_BYTES)

/**
 * struct ho_t_field - where a field of the reference record is
 * @off: byte offset from the start of the record.
 * @width: field width in bytes: 1, 4 or 8.
 */
struct ho_t_field {
	u32 off;
	u32 width;
};

/**
 * struct ho_t_case - one corruption of the reference record
 * @name: what is wrong.
 * @field: the field to overwrite.
 * @value: new value, stored little endian.
 * @reseal: recompute the checksum afterwards, so that the rule behind the
 *	checksum is the one tested.
 * @reason: reason the validator must give.
 * @field2: a second field to overwrite, if its width is not zero.
 * @value2: its new value.
 */
struct ho_t_case {
	const char *name;
	struct ho_t_field field;
	u64 value;
	bool reseal;
	enum gmem_handover_reason reason;
	struct ho_t_field field2;
	u64 value2;
};

/* Field @f, @w bytes wide, of the header or of entry @i of a table. */
#define HO_T_H(f, w)	{ offsetof(struct gmem_handover_header, f), w }
#define HO_T_N(i, f, w)	{ HO_T_NODE_AT(i) + \
			  offsetof(struct gmem_handover_node, f), w }
#define HO_T_S(i, f, w)	{ HO_T_SESSION_AT(i) + \
			  offsetof(struct gmem_handover_session, f), w }
#define HO_T_F(i, f, w)	{ HO_T_FILE_AT(i) + \
			  offsetof(struct gmem_handover_file, f), w }
#define HO_T_X(i, f, w)	{ HO_T_EXTENT_AT(i) + \
			  offsetof(struct gmem_handover_extent, f), w }
#define HO_T_P(i, f, w)	{ HO_T_POISONED_AT(i) + \
			  offsetof(struct gmem_handover_poisoned, f), w }
/* Byte @b of the name of session @i, and byte @b of the compatible. */
#define HO_T_NAME(i, b)	{ HO_T_SESSION_AT(i) + (b), 1 }
#define HO_T_COMPAT(b)	{ offsetof(struct gmem_handover_header, \
				   compatible) + (b), 1 }

static const struct ho_t_case ho_t_cases[] = {
	{ "magic", HO_T_H(magic, 8), 0, false, GMEM_HO_BAD_MAGIC },
	{ "version 1", HO_T_H(version, 4), 1, false, GMEM_HO_BAD_VERSION },
	{ "version 4", HO_T_H(version, 4), 4, false, GMEM_HO_BAD_VERSION },
	{ "version 2 with the compatible of 3", HO_T_H(version, 4), 2, true,
	  GMEM_HO_BAD_COMPATIBLE },
	{ "compatible", HO_T_COMPAT(20), '1', false, GMEM_HO_BAD_COMPATIBLE },
	{ "compatible padding", HO_T_COMPAT(31), 'x', false,
	  GMEM_HO_BAD_COMPATIBLE },
	{ "header size", HO_T_H(header_size, 4), 128, false,
	  GMEM_HO_BAD_HEADER_SIZE },
	{ "version 3 with the header size of 2", HO_T_H(header_size, 4),
	  GMEM_HANDOVER_HEADER_V2_BYTES, true, GMEM_HO_BAD_HEADER_SIZE },
	{ "header flags", HO_T_H(flags, 4), 1, false, GMEM_HO_BAD_FLAGS },
	{ "length zero", HO_T_H(total_len, 8), 0, false, GMEM_HO_BAD_LENGTH },
	{ "length below header", HO_T_H(total_len, 8),
	  GMEM_HANDOVER_HEADER_BYTES - 1, false, GMEM_HO_BAD_LENGTH },
	{ "length past buffer", HO_T_H(total_len, 8), HO_T_LEN + 8, false,
	  GMEM_HO_BAD_LENGTH },
	{ "stale checksum", HO_T_X(0, chunk, 4), 4, false,
	  GMEM_HO_BAD_CHECKSUM },
	{ "checksum field", HO_T_H(checksum, 4), 0x12345678, false,
	  GMEM_HO_BAD_CHECKSUM },
	{ "key changed", HO_T_H(key[1], 8), 1, false, GMEM_HO_BAD_CHECKSUM },
	{ "no node", HO_T_H(nr_nodes, 4), 0, true, GMEM_HO_BAD_COUNTS },
	{ "too many nodes", HO_T_H(nr_nodes, 4), GMEM_HANDOVER_MAX_NODES + 1,
	  true, GMEM_HO_BAD_COUNTS },
	{ "too many sessions", HO_T_H(nr_sessions, 4),
	  GMEM_HANDOVER_MAX_SESSIONS + 1, true, GMEM_HO_BAD_COUNTS },
	{ "too many files", HO_T_H(nr_files, 4), GMEM_HANDOVER_MAX_FILES + 1,
	  true, GMEM_HO_BAD_COUNTS },
	{ "files without session", HO_T_H(nr_sessions, 4), 0, true,
	  GMEM_HO_BAD_COUNTS },
	{ "more files than sessions hold", HO_T_H(nr_files, 4),
	  HO_T_NR_SESSIONS * GMEM_HANDOVER_MAX_SESSION_FILES + 1, true,
	  GMEM_HO_BAD_COUNTS },
	{ "extents without file", HO_T_H(nr_files, 4), 0, true,
	  GMEM_HO_BAD_COUNTS },
	{ "nodes misaligned", HO_T_H(nodes_off, 8), HO_T_NODES_OFF + 4, true,
	  GMEM_HO_BAD_SECTION },
	{ "nodes in header", HO_T_H(nodes_off, 8), HO_T_NODES_OFF - 8, true,
	  GMEM_HO_BAD_SECTION },
	{ "sessions over nodes", HO_T_H(sessions_off, 8), HO_T_SESSIONS_OFF - 8,
	  true, GMEM_HO_BAD_SECTION },
	{ "files over sessions", HO_T_H(files_off, 8), HO_T_FILES_OFF - 8, true,
	  GMEM_HO_BAD_SECTION },
	{ "extents over files", HO_T_H(extents_off, 8), HO_T_EXTENTS_OFF - 8,
	  true, GMEM_HO_BAD_SECTION },
	{ "extents past end", HO_T_H(extents_off, 8), HO_T_EXTENTS_OFF + 8,
	  true, GMEM_HO_BAD_SECTION },
	{ "extent count overflow", HO_T_H(nr_extents, 8), 1ULL << 62, true,
	  GMEM_HO_BAD_SECTION },
	{ "extent count past end", HO_T_H(nr_extents, 8), HO_T_NR_EXTENTS + 1,
	  true, GMEM_HO_BAD_SECTION },
	{ "chunk shift", HO_T_N(0, chunk_shift, 4), 22, true, GMEM_HO_BAD_NODE },
	{ "nid too large", HO_T_N(1, nid, 4), GMEM_HANDOVER_MAX_NID, true,
	  GMEM_HO_BAD_NODE },
	{ "base misaligned", HO_T_N(0, base, 8), SZ_1G + SZ_4K, true,
	  GMEM_HO_BAD_NODE },
	{ "size zero", HO_T_N(0, size, 8), 0, true, GMEM_HO_BAD_NODE },
	{ "size overflow", HO_T_N(1, size, 8), 0ULL - SZ_2M, true,
	  GMEM_HO_BAD_NODE },
	{ "chunk base misaligned", HO_T_N(0, chunk_base, 8), SZ_1G + SZ_4K, true,
	  GMEM_HO_BAD_NODE },
	{ "chunk base below pool", HO_T_N(0, chunk_base, 8), SZ_1G - SZ_2M, true,
	  GMEM_HO_BAD_NODE },
	{ "no chunk", HO_T_N(0, nr_chunks, 8), 0, true, GMEM_HO_BAD_NODE },
	{ "chunks past pool", HO_T_N(0, nr_chunks, 8), 128, true,
	  GMEM_HO_BAD_NODE },
	/* A pool of 8 PiB and more, so that only the chunk count is wrong. */
	{ "chunk count too large", HO_T_N(0, nr_chunks, 8),
	  GMEM_HANDOVER_MAX_CHUNKS + 1, true, GMEM_HO_BAD_NODE,
	  HO_T_N(0, size, 8), 1ULL << 54 },
	{ "pools overlap", HO_T_N(0, size, 8), SZ_4G, true,
	  GMEM_HO_NODE_OVERLAP },
	{ "nid repeated", HO_T_N(1, nid, 4), 0, true, GMEM_HO_DUP_NID },
	{ "nids unsorted", HO_T_N(0, nid, 4), 2, true, GMEM_HO_DUP_NID },
	{ "empty session name", HO_T_NAME(0, 0), 0, true, GMEM_HO_BAD_SESSION },
	{ "session name not padded at the end", HO_T_NAME(1, 63), 'x', true,
	  GMEM_HO_BAD_SESSION },
	{ "session name not padded", HO_T_NAME(1, 40), 'x', true,
	  GMEM_HO_BAD_SESSION },
	{ "too many files in a session", HO_T_S(2, nr_files, 4),
	  GMEM_HANDOVER_MAX_SESSION_FILES + 1, true, GMEM_HO_BAD_SESSION },
	{ "session name repeated", HO_T_NAME(2, 7), 'a', true,
	  GMEM_HO_DUP_SESSION },
	{ "session files elsewhere", HO_T_S(1, first_file, 4), 1, true,
	  GMEM_HO_BAD_SESSION_FILES },
	{ "session files past table", HO_T_S(2, nr_files, 4), 3, true,
	  GMEM_HO_BAD_SESSION_FILES },
	{ "session files short of table", HO_T_S(2, nr_files, 4), 1, true,
	  GMEM_HO_BAD_SESSION_FILES },
	{ "token repeated", HO_T_F(3, token, 8), 0x2000, true,
	  GMEM_HO_DUP_TOKEN },
	{ "tokens unsorted", HO_T_F(3, token, 8), 0x1000, true,
	  GMEM_HO_DUP_TOKEN },
	{ "file on unknown node", HO_T_F(0, nid, 4), 2, true,
	  GMEM_HO_BAD_FILE_NODE },
	{ "file size not chunks", HO_T_F(0, size, 8), 8 * SZ_2M + SZ_4K, true,
	  GMEM_HO_BAD_FILE_SIZE },
	{ "file size of other node", HO_T_F(1, size, 8), 2 * SZ_2M, true,
	  GMEM_HO_BAD_FILE_SIZE },
	{ "file size zero", HO_T_F(0, size, 8), 0, true, GMEM_HO_BAD_FILE_SIZE },
	{ "file without slot", HO_T_F(0, nr_slots, 8), 0, true,
	  GMEM_HO_BAD_FILE_SIZE },
	{ "file fewer slots", HO_T_F(3, nr_slots, 8), 3, true,
	  GMEM_HO_BAD_FILE_SIZE },
	{ "file slot count overflow", HO_T_F(2, nr_slots, 8), 1ULL << 60, true,
	  GMEM_HO_BAD_FILE_SIZE },
	{ "file extents elsewhere", HO_T_F(1, first_extent, 8), 2, true,
	  GMEM_HO_BAD_FILE_EXTENTS },
	{ "file extents past table", HO_T_F(3, nr_extents, 8), 2, true,
	  GMEM_HO_BAD_FILE_EXTENTS },
	{ "file extents short of table", HO_T_F(3, nr_extents, 8), 0, true,
	  GMEM_HO_BAD_FILE_EXTENTS },
	{ "empty extent", HO_T_X(0, nr, 4), 0, true, GMEM_HO_BAD_EXTENT },
	{ "extent past file", HO_T_X(4, slot, 8), 1, true, GMEM_HO_BAD_EXTENT },
	{ "extent past pool", HO_T_X(4, chunk, 4), 61, true,
	  GMEM_HO_BAD_EXTENT },
	{ "1G extent past pool", HO_T_X(3, chunk, 4), 2, true,
	  GMEM_HO_BAD_EXTENT },
	{ "extents overlap", HO_T_X(1, slot, 8), 0, true, GMEM_HO_BAD_EXTENT },
	{ "extents unsorted", HO_T_X(2, slot, 8), 1, true, GMEM_HO_BAD_EXTENT },
	{ "extent longer than its file", HO_T_X(2, nr, 4), 9, true,
	  GMEM_HO_BAD_EXTENT },
	{ "extent run too long", HO_T_X(2, nr, 4), U32_MAX, true,
	  GMEM_HO_BAD_EXTENT },
	{ "extent slot overflow", HO_T_X(2, slot, 8), 1ULL << 63, true,
	  GMEM_HO_BAD_EXTENT },
	{ "chunk of two files", HO_T_X(4, chunk, 4), 3, true,
	  GMEM_HO_DUP_CHUNK },
	{ "chunk twice in a file", HO_T_X(1, chunk, 4), 3, true,
	  GMEM_HO_DUP_CHUNK },
	{ "runs overlap in the pool", HO_T_X(2, chunk, 4), 6, true,
	  GMEM_HO_DUP_CHUNK },
	{ "too many poisoned", HO_T_H(nr_poisoned, 4),
	  GMEM_HANDOVER_MAX_POISONED + 1, true, GMEM_HO_BAD_COUNTS },
	{ "poisoned count past end", HO_T_H(nr_poisoned, 4),
	  HO_T_NR_POISONED + 1, true, GMEM_HO_BAD_SECTION },
	{ "poisoned misaligned", HO_T_H(poisoned_off, 8), HO_T_POISONED_OFF + 4,
	  true, GMEM_HO_BAD_SECTION },
	{ "poisoned over extents", HO_T_H(poisoned_off, 8),
	  HO_T_POISONED_OFF - 8, true, GMEM_HO_BAD_SECTION },
	{ "poisoned past end", HO_T_H(poisoned_off, 8), HO_T_POISONED_OFF + 8,
	  true, GMEM_HO_BAD_SECTION },
	{ "poisoned past total length", HO_T_H(total_len, 8), HO_T_LEN - 8,
	  true, GMEM_HO_BAD_SECTION },
	{ "poisoned offset overflow", HO_T_H(poisoned_off, 8), U64_MAX - 7,
	  true, GMEM_HO_BAD_SECTION },
	{ "poisoned repeated", HO_T_P(1, chunk, 4), 5, true,
	  GMEM_HO_DUP_POISON },
	{ "poisoned unsorted", HO_T_P(1, chunk, 4), 4, true,
	  GMEM_HO_POISON_UNSORTED },
	/* (0, 5), (1, 1), (1, 0): the nid sorts first, the third is wrong. */
	{ "poisoned by nid, then chunk", HO_T_P(1, nid, 4), 1, true,
	  GMEM_HO_POISON_UNSORTED, HO_T_P(1, chunk, 4), 1 },
	{ "poisoned on unknown node", HO_T_P(2, nid, 4), 2, true,
	  GMEM_HO_BAD_POISON_NODE },
	{ "poisoned nid too large", HO_T_P(2, nid, 4), U32_MAX, true,
	  GMEM_HO_BAD_POISON_NODE },
	{ "poisoned past pool", HO_T_P(1, chunk, 4), 64, true,
	  GMEM_HO_BAD_POISON_CHUNK },
	{ "poisoned 1G past pool", HO_T_P(2, chunk, 4), 2, true,
	  GMEM_HO_BAD_POISON_CHUNK },
};

/**
 * struct ho_t_where - where the error of a case of ho_t_cases[] must point
 * @name: the case.
 * @node: &gmem_handover_error.node.
 * @item: &gmem_handover_error.item.
 * @token: &gmem_handover_error.token.
 * @session: &gmem_handover_error.session.
 */
struct ho_t_where {
	const char *name;
	u32 node;
	u64 item;
	u64 token;
	const char *session;
};

static const struct ho_t_where ho_t_wheres[] = {
	{ "nid too large", GMEM_HANDOVER_MAX_NID, 1, 0, "" },
	{ "nids unsorted", 1, 1, 0, "" },
	{ "session name not padded", 0, 1, 0, "idle" },
	{ "session name repeated", 0, 2, 0, "tenant-a" },
	{ "session files past table", 0, 2, 0, "tenant-b" },
	{ "session files short of table", 0, HO_T_NR_SESSIONS, 0, "" },
	{ "token repeated", 0, 3, 0x2000, "tenant-b" },
	{ "file size of other node", 1, 1, 0x2000, "tenant-a" },
	{ "file extents past table", 0, 3, 0x3000, "tenant-b" },
	{ "file extents short of table", 0, HO_T_NR_FILES, 0, "" },
	{ "extent past pool", 0, 4, 0x3000, "tenant-b" },
	{ "1G extent past pool", 1, 3, 0x2000, "tenant-a" },
	{ "chunk of two files", 0, 3, 0x3000, "tenant-b" },
	{ "poisoned repeated", 0, 1, 0, "" },
	{ "poisoned by nid, then chunk", 1, 2, 0, "" },
	{ "poisoned on unknown node", 2, 2, 0, "" },
	{ "poisoned 1G past pool", 1, 2, 0, "" },
};

/*
 * A version 2 record, as the encoder of the release before version 3 wrote
 * the reference record without its poisoned chunks (ho_t_build() of that
 * tree, byte for byte).  It must stay valid: a live update starts from a
 * kernel that writes version 2.  Never regenerate it; copy it to an 8-byte
 * aligned buffer before use.
 */
#define HO_T_V2_LEN		712

static const u8 ho_t_v2_record[HO_T_V2_LEN] = {
	0x47, 0x4d, 0x45, 0x4d, 0x48, 0x4f, 0x56, 0x52,
	0x02, 0x00, 0x00, 0x00, 0x90, 0x00, 0x00, 0x00,
	0x67, 0x6d, 0x65, 0x6d, 0x2d, 0x70, 0x6f, 0x6f,
	0x6c, 0x2d, 0x68, 0x61, 0x6e, 0x64, 0x6f, 0x76,
	0x65, 0x72, 0x2d, 0x76, 0x32, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x5e, 0xf8, 0xdc, 0x76, 0x00, 0x00, 0x00, 0x00,
	0xc8, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01,
	0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe,
	0x02, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x90, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xb8, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x78, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x15, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x20, 0x40, 0x00, 0x00, 0x00, 0x00,
	0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x1e, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x40, 0x01, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x74, 0x65, 0x6e, 0x61, 0x6e, 0x74, 0x2d, 0x61,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x69, 0x64, 0x6c, 0x65, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x74, 0x65, 0x6e, 0x61, 0x6e, 0x74, 0x2d, 0x62,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00,
	0x09, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
	0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x30, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x05, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x3c, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
};

#define HO_T_V2_EXTENTS_OFF	(GMEM_HANDOVER_HEADER_V2_BYTES + \
				 HO_T_NR_NODES * GMEM_HANDOVER_NODE_BYTES + \
				 HO_T_NR_SESSIONS * GMEM_HANDOVER_SESSION_BYTES + \
				 HO_T_NR_FILES * GMEM_HANDOVER_FILE_BYTES)
static_assert(HO_T_V2_EXTENTS_OFF + HO_T_NR_EXTENTS *
	      GMEM_HANDOVER_EXTENT_BYTES == HO_T_V2_LEN);

/* Ways to break the version 2 record; its fields up to extents_off are v3's. */
static const struct ho_t_case ho_t_v2_cases[] = {
	{ "v2: reserved field", HO_T_H(nr_poisoned, 4), 1, true,
	  GMEM_HO_BAD_FLAGS },
	{ "v2: header size of 3", HO_T_H(header_size, 4),
	  GMEM_HANDOVER_HEADER_BYTES, true, GMEM_HO_BAD_HEADER_SIZE },
	{ "v2: compatible of 3", HO_T_COMPAT(20), '3', true,
	  GMEM_HO_BAD_COMPATIBLE },
	{ "v2: version 3", HO_T_H(version, 4), 3, true,
	  GMEM_HO_BAD_COMPATIBLE },
	{ "v2: length below its header", HO_T_H(total_len, 8),
	  GMEM_HANDOVER_HEADER_V2_BYTES - 8, true, GMEM_HO_BAD_LENGTH },
	{ "v2: nodes in its header", HO_T_H(nodes_off, 8),
	  GMEM_HANDOVER_HEADER_V2_BYTES - 8, true, GMEM_HO_BAD_SECTION },
	{ "v2: extent past pool", { HO_T_V2_EXTENTS_OFF + 4 * 16 + 8, 4 }, 61,
	  true, GMEM_HO_BAD_EXTENT },
	{ "v2: stale checksum", { HO_T_V2_EXTENTS_OFF + 8, 4 }, 4, false,
	  GMEM_HO_BAD_CHECKSUM },
};

/* The case of ho_t_cases[] called @name, or NULL. */
static inline const struct ho_t_case *ho_t_find_case(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ho_t_cases); i++)
		if (!strcmp(ho_t_cases[i].name, name))
			return &ho_t_cases[i];
	return NULL;
}

/*
 * Reasons that no corruption of a well-aligned, whole record can give:
 * each has its own test, in both suites.
 */
static const enum gmem_handover_reason ho_t_reasons_elsewhere[] = {
	GMEM_HO_BAD_BUFFER,
	GMEM_HO_TOO_SHORT,
	GMEM_HO_SCRATCH_SMALL,
	GMEM_HO_LAYOUT_NODE_MISSING,
	GMEM_HO_LAYOUT_CHUNK_SIZE,
	GMEM_HO_LAYOUT_PLACEMENT,
};

/* The first reason that no test asks for, or GMEM_HO_OK if there is none. */
static inline enum gmem_handover_reason ho_t_untested_reason(void)
{
	bool seen[GMEM_HO_NR_REASONS] = { false };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ho_t_cases); i++)
		seen[ho_t_cases[i].reason] = true;
	for (i = 0; i < ARRAY_SIZE(ho_t_v2_cases); i++)
		seen[ho_t_v2_cases[i].reason] = true;
	for (i = 0; i < ARRAY_SIZE(ho_t_reasons_elsewhere); i++)
		seen[ho_t_reasons_elsewhere[i]] = true;
	for (i = GMEM_HO_OK + 1; i < GMEM_HO_NR_REASONS; i++)
		if (!seen[i])
			return i;
	return GMEM_HO_OK;
}

/* Store @value, little endian, in the @width bytes at @p. */
static inline void ho_t_put(u8 *p, u32 width, u64 value)
{
	u32 i;

	for (i = 0; i < width; i++)
		p[i] = value >> (8 * i);
}

/* Recompute the checksum of the record at @buf as the encoder would. */
static inline void ho_t_reseal(void *buf, size_t len)
{
	struct gmem_handover_header *hdr = buf;
	u64 total = le64_to_cpu(hdr->total_len);

	hdr->checksum = 0;
	hdr->checksum = cpu_to_le32(__crc32c_le(~0U, buf, min_t(u64, total, len)));
}

static inline void ho_t_corrupt(void *buf, size_t len, const struct ho_t_case *c)
{
	ho_t_put((u8 *)buf + c->field.off, c->field.width, c->value);
	ho_t_put((u8 *)buf + c->field2.off, c->field2.width, c->value2);
	if (c->reseal)
		ho_t_reseal(buf, len);
}

static inline int ho_t_add_files(struct gmem_handover_enc *enc, u32 s,
				 u32 *e)
{
	const struct gmem_handover_session_info *si = &ho_t_sessions[s];
	const struct ho_t_extent *x;
	u32 i, k;
	int ret;

	ret = gmem_handover_add_session(enc, si->name, si->nr_files);
	for (i = si->first_file; !ret && i < si->first_file + si->nr_files;
	     i++) {
		ret = gmem_handover_add_file(enc, &ho_t_files[i]);
		for (k = 0; !ret && k < ho_t_files[i].nr_extents; k++) {
			x = &ho_t_extents[(*e)++];
			ret = gmem_handover_add_extent(enc, x->slot, x->chunk,
						       x->nr);
		}
	}
	return ret;
}

/* Write the reference record; return its length or a negative errno. */
static inline long ho_t_build(void *buf, size_t len)
{
	struct gmem_handover_enc enc;
	u32 i, e = 0;
	size_t out;
	int ret;

	ret = gmem_handover_begin(&enc, buf, len, HO_T_NR_NODES,
				  HO_T_NR_SESSIONS, HO_T_NR_FILES,
				  HO_T_NR_EXTENTS, HO_T_NR_POISONED,
				  HO_T_GENERATION, ho_t_key);
	for (i = 0; !ret && i < HO_T_NR_NODES; i++)
		ret = gmem_handover_add_node(&enc, &ho_t_pools[i]);
	for (i = 0; !ret && i < HO_T_NR_SESSIONS; i++)
		ret = ho_t_add_files(&enc, i, &e);
	for (i = 0; !ret && i < HO_T_NR_POISONED; i++)
		ret = gmem_handover_add_poisoned(&enc, ho_t_poisoned[i].nid,
						 ho_t_poisoned[i].chunk);
	if (!ret)
		ret = gmem_handover_finish(&enc, &out);
	return ret ? ret : (long)out;
}

/*
 * A record the encoder takes although two files hold a chunk: session "s"
 * with a file on node 0, then session "t" with two files on node 1 that
 * both hold chunk 0 there, so that the first owner is neither the first
 * file nor in the first session.
 */
#define HO_T_DUP_TOKEN1		0x2000
#define HO_T_DUP_TOKEN2		0x2001

static inline long ho_t_build_dup(void *buf, size_t len)
{
	struct gmem_handover_file_info fi[] = {
		ho_t_files[0], ho_t_files[1], ho_t_files[1],
	};
	static const struct ho_t_extent x[] = {
		{ 0, 1, 1 }, { 0, 0, 1 }, { 1, 0, 1 },
	};
	struct gmem_handover_enc enc;
	u32 i;
	size_t out;
	int ret;

	for (i = 0; i < ARRAY_SIZE(fi); i++)
		fi[i].nr_extents = 1;
	fi[1].token = HO_T_DUP_TOKEN1;
	fi[2].token = HO_T_DUP_TOKEN2;
	ret = gmem_handover_begin(&enc, buf, len, HO_T_NR_NODES, 2, 3, 3, 0, 1,
				  ho_t_key);
	for (i = 0; !ret && i < HO_T_NR_NODES; i++)
		ret = gmem_handover_add_node(&enc, &ho_t_pools[i]);
	for (i = 0; !ret && i < ARRAY_SIZE(fi); i++) {
		if (i < 2)
			ret = gmem_handover_add_session(&enc, i ? "t" : "s",
							i ? 2 : 1);
		if (!ret)
			ret = gmem_handover_add_file(&enc, &fi[i]);
		if (!ret)
			ret = gmem_handover_add_extent(&enc, x[i].slot,
						       x[i].chunk, x[i].nr);
	}
	if (!ret)
		ret = gmem_handover_finish(&enc, &out);
	return ret ? ret : (long)out;
}

/*
 * Synthetic records: one node of @nr_chunks 2 MiB chunks at 1 TiB, every
 * chunk held by one file of session "synthetic" twice as large as the pool
 * (its second half is holes).  HO_T_ONE_EXTENT maps them in one extent;
 * HO_T_PER_CHUNK in one extent per chunk, the worst case: slot s holds
 * chunk s / 2 of the lower half of the pool if s is even, of the upper half
 * if it is odd, so that no two extents can merge.  @nr_chunks must be even.
 */
enum ho_t_big_layout {
	HO_T_ONE_EXTENT,
	HO_T_PER_CHUNK,
};

#define HO_T_BIG_TOKEN		0xabc000
#define HO_T_BIG_SIZE(nr_extents)					\
	(GMEM_HANDOVER_HEADER_BYTES + GMEM_HANDOVER_NODE_BYTES +	\
	 GMEM_HANDOVER_SESSION_BYTES + GMEM_HANDOVER_FILE_BYTES +	\
	 (u64)(nr_extents) * GMEM_HANDOVER_EXTENT_BYTES)

static inline u64 ho_t_big_extents(u64 nr_chunks,
				   enum ho_t_big_layout layout)
{
	return layout == HO_T_ONE_EXTENT ? 1 : nr_chunks;
}

static inline u32 ho_t_big_chunk(u64 slot, u64 nr_chunks)
{
	return (slot % 2) * (nr_chunks / 2) + slot / 2;
}

static inline int ho_t_big_extents_add(struct gmem_handover_enc *enc,
				       u64 nr_chunks,
				       enum ho_t_big_layout layout)
{
	u64 s;
	int ret = 0;

	if (layout == HO_T_ONE_EXTENT)
		return gmem_handover_add_extent(enc, 0, 0, nr_chunks);
	for (s = 0; !ret && s < nr_chunks; s++)
		ret = gmem_handover_add_extent(enc, s,
					       ho_t_big_chunk(s, nr_chunks), 1);
	return ret;
}

static inline long ho_t_build_big(void *buf, size_t len, u64 nr_chunks,
				  enum ho_t_big_layout layout)
{
	struct gmem_handover_pool pool = {
		.nid = 0, .chunk_shift = GMEM_HANDOVER_SHIFT_2M, .base = SZ_1T,
		.size = nr_chunks * SZ_2M + SZ_128M,
		.chunk_base = SZ_1T + SZ_2M, .nr_chunks = nr_chunks,
	};
	struct gmem_handover_file_info fi = {
		.token = HO_T_BIG_TOKEN, .size = 2 * nr_chunks * SZ_2M,
		.nid = 0, .nr_slots = 2 * nr_chunks,
		.nr_extents = ho_t_big_extents(nr_chunks, layout),
	};
	struct gmem_handover_enc enc;
	size_t out;
	int ret;

	ret = gmem_handover_begin(&enc, buf, len, 1, 1, 1, fi.nr_extents, 0, 1,
				  ho_t_key);
	if (!ret)
		ret = gmem_handover_add_node(&enc, &pool);
	if (!ret)
		ret = gmem_handover_add_session(&enc, "synthetic", 1);
	if (!ret)
		ret = gmem_handover_add_file(&enc, &fi);
	if (!ret)
		ret = ho_t_big_extents_add(&enc, nr_chunks, layout);
	if (!ret)
		ret = gmem_handover_finish(&enc, &out);
	return ret ? ret : (long)out;
}

/* The encoder script: calls, in order, and what each must return. */
enum ho_t_op {
	HO_T_BEGIN,
	HO_T_NODE,
	HO_T_SESSION,
	HO_T_FILE,
	HO_T_EXTENT,
	HO_T_POISONED,
	HO_T_FINISH,
};

/**
 * struct ho_t_step - one encoder call of the script
 * @what: what the call tests.
 * @op: which call.
 * @ret: what it must return.
 * @nodes: %HO_T_BEGIN: nodes announced.
 * @sessions: %HO_T_BEGIN: sessions announced.
 * @files: %HO_T_BEGIN: files announced.
 * @extents: %HO_T_BEGIN: extents announced.
 * @poisoned: %HO_T_BEGIN: poisoned chunks announced.
 * @pool: %HO_T_NODE: the pool.
 * @name: %HO_T_SESSION: the name.
 * @nr_files: %HO_T_SESSION: its files.
 * @fi: %HO_T_FILE: the file.
 * @slot: %HO_T_EXTENT: first slot.
 * @chunk: %HO_T_EXTENT: first chunk; %HO_T_POISONED: the chunk.
 * @nr: %HO_T_EXTENT: length.
 * @nid: %HO_T_POISONED: node of the chunk.
 */
struct ho_t_step {
	const char *what;
	enum ho_t_op op;
	int ret;
	u32 nodes, sessions, files;
	u64 extents;
	u32 poisoned;
	struct gmem_handover_pool pool;
	const char *name;
	u32 nr_files;
	struct gmem_handover_file_info fi;
	u64 slot;
	u32 chunk, nr;
	u32 nid;
};

#define HO_T_DO_BEGIN(w, r, n, s, f, e, p) { .what = w,			\
	.op = HO_T_BEGIN, .ret = r, .nodes = n, .sessions = s,		\
	.files = f, .extents = e, .poisoned = p }
#define HO_T_DO_NODE(w, r, ...) { .what = w, .op = HO_T_NODE, .ret = r, \
	.pool = __VA_ARGS__ }
#define HO_T_DO_SESSION(w, r, nm, n) { .what = w, .op = HO_T_SESSION,	\
	.ret = r, .name = nm, .nr_files = n }
#define HO_T_DO_FILE(w, r, t, id, sz, slots, ext) { .what = w,		\
	.op = HO_T_FILE, .ret = r, .fi = { .token = t, .nid = id,	\
	.size = sz, .nr_slots = slots, .nr_extents = ext } }
#define HO_T_DO_EXTENT(w, r, s, c, n) { .what = w, .op = HO_T_EXTENT,	\
	.ret = r, .slot = s, .chunk = c, .nr = n }
#define HO_T_DO_POISONED(w, r, id, c) { .what = w, .op = HO_T_POISONED, \
	.ret = r, .nid = id, .chunk = c }
#define HO_T_DO_FINISH(w, r) { .what = w, .op = HO_T_FINISH, .ret = r }

#define HO_T_LONG_NAME	"0123456789abcdef0123456789abcdef" \
			"0123456789abcdef0123456789abcdef"
static_assert(sizeof(HO_T_LONG_NAME) == GMEM_HANDOVER_NAME_LEN + 1);

/*
 * Nodes 1 (two 1 GiB chunks) and 2 (64 chunks of 2 MiB); sessions s0 with
 * one file and s1 with two; four extents; two poisoned chunks.
 */
static const struct ho_t_step ho_t_script[] = {
	HO_T_DO_BEGIN("no node", -EINVAL, 0, 2, 3, 4, 2),
	HO_T_DO_BEGIN("too many nodes", -EINVAL,
		      GMEM_HANDOVER_MAX_NODES + 1, 2, 3, 4, 2),
	HO_T_DO_BEGIN("too many sessions", -EINVAL, 2,
		      GMEM_HANDOVER_MAX_SESSIONS + 1, 3, 4, 2),
	HO_T_DO_BEGIN("more files than sessions hold", -EINVAL, 2, 1,
		      GMEM_HANDOVER_MAX_SESSION_FILES + 1, 4, 2),
	HO_T_DO_BEGIN("extents without file", -EINVAL, 2, 2, 0, 4, 2),
	HO_T_DO_BEGIN("extent count overflow", -EINVAL, 2, 2, 3,
		      U64_MAX / 8, 2),
	HO_T_DO_BEGIN("too many poisoned", -EINVAL, 2, 2, 3, 4,
		      GMEM_HANDOVER_MAX_POISONED + 1),
	HO_T_DO_BEGIN("begin", 0, 2, 2, 3, 4, 2),
	HO_T_DO_SESSION("session before the nodes", -EINVAL, "s0", 1),
	HO_T_DO_NODE("bad chunk shift", -EINVAL,
		     { .nid = 1, .chunk_shift = 20, .base = SZ_4G,
		       .size = SZ_4G, .chunk_base = SZ_4G, .nr_chunks = 2 }),
	HO_T_DO_NODE("first node", 0, HO_T_POOL_1G(1)),
	HO_T_DO_NODE("nid below the previous", -EINVAL, HO_T_POOL_2M(0)),
	HO_T_DO_NODE("pool overlapping", -EINVAL, HO_T_POOL_1G(3)),
	HO_T_DO_NODE("second node", 0, HO_T_POOL_2M(2)),
	HO_T_DO_NODE("node past the count", -ENOSPC, HO_T_POOL_2M(4)),
	HO_T_DO_FILE("file before any session", -EINVAL, 1, 1, SZ_1G, 1, 0),
	HO_T_DO_EXTENT("extent before any file", -EINVAL, 0, 0, 1),
	HO_T_DO_FINISH("finish before the sessions", -EINVAL),
	HO_T_DO_SESSION("empty name", -EINVAL, "", 1),
	HO_T_DO_SESSION("name too long", -EINVAL, HO_T_LONG_NAME, 1),
	HO_T_DO_SESSION("too many files for a session", -EINVAL, "s0",
			GMEM_HANDOVER_MAX_SESSION_FILES + 1),
	HO_T_DO_SESSION("more files than announced", -ENOSPC, "s0", 4),
	HO_T_DO_SESSION("first session", 0, "s0", 1),
	HO_T_DO_SESSION("session before its files", -EINVAL, "s1", 2),
	HO_T_DO_FILE("file on a node without pool", -EINVAL, 5, 0, SZ_1G, 1,
		     0),
	HO_T_DO_FILE("size not chunks", -EINVAL, 5, 1, SZ_2M, 0, 0),
	HO_T_DO_FILE("size zero", -EINVAL, 5, 1, 0, 0, 0),
	HO_T_DO_FILE("slots not the size", -EINVAL, 5, 1, 2ULL * SZ_1G, 1, 1),
	HO_T_DO_FILE("more extents than slots", -EINVAL, 5, 1, 2ULL * SZ_1G, 2,
		     3),
	HO_T_DO_FILE("more extents than announced", -ENOSPC, 5, 2,
		     8 * SZ_2M, 8, 5),
	HO_T_DO_FILE("file of s0", 0, 5, 1, 2ULL * SZ_1G, 2, 1),
	HO_T_DO_FILE("file past the session's", -EINVAL, 6, 1, SZ_1G, 1, 0),
	HO_T_DO_SESSION("session before the extents", -EINVAL, "s1", 2),
	HO_T_DO_EXTENT("empty extent", -EINVAL, 0, 0, 0),
	HO_T_DO_EXTENT("extent past the file", -EINVAL, 2, 0, 1),
	HO_T_DO_EXTENT("run past the file", -EINVAL, 1, 0, 2),
	HO_T_DO_EXTENT("extent past the pool", -EINVAL, 0, 2, 1),
	HO_T_DO_EXTENT("run past the pool", -EINVAL, 0, 1, 2),
	HO_T_DO_EXTENT("extent of s0's file", 0, 1, 1, 1),
	HO_T_DO_EXTENT("extent past the file's count", -EINVAL, 0, 0, 1),
	HO_T_DO_SESSION("name taken", -EEXIST, "s0", 2),
	HO_T_DO_SESSION("second session", 0, "s1", 2),
	HO_T_DO_FINISH("finish before the files", -EINVAL),
	HO_T_DO_FILE("same token in another session", 0, 5, 2, 8 * SZ_2M, 8,
		     2),
	HO_T_DO_EXTENT("run longer than the file", -EINVAL, 0, 20, 9),
	HO_T_DO_EXTENT("first extent", 0, 2, 0, 2),
	HO_T_DO_EXTENT("extent before the previous", -EINVAL, 1, 5, 1),
	HO_T_DO_EXTENT("extent over the previous", -EINVAL, 3, 5, 1),
	HO_T_DO_EXTENT("slot overflow", -EINVAL, U64_MAX, 5, 1),
	HO_T_DO_EXTENT("chunk overflow", -EINVAL, 5, U32_MAX, 1),
	HO_T_DO_FILE("file before the extents", -EINVAL, 6, 1, SZ_1G, 1, 1),
	HO_T_DO_EXTENT("second extent", 0, 6, 10, 2),
	HO_T_DO_FILE("token repeated", -EINVAL, 5, 1, SZ_1G, 1, 1),
	HO_T_DO_FILE("token below the previous", -EINVAL, 4, 1, SZ_1G, 1, 1),
	HO_T_DO_FILE("second file of s1", 0, 6, 1, SZ_1G, 1, 1),
	HO_T_DO_FINISH("finish before the last extent", -EINVAL),
	HO_T_DO_POISONED("poisoned before the last extent", -EINVAL, 1, 1),
	HO_T_DO_EXTENT("last extent", 0, 0, 0, 1),
	HO_T_DO_FILE("file past the count", -EINVAL, 7, 1, SZ_1G, 1, 0),
	HO_T_DO_SESSION("session past the count", -ENOSPC, "s2", 0),
	HO_T_DO_FINISH("finish before the poisoned", -EINVAL),
	HO_T_DO_POISONED("poisoned on a node without pool", -EINVAL, 0, 0),
	HO_T_DO_POISONED("poisoned past the pool", -EINVAL, 1, 2),
	HO_T_DO_POISONED("poisoned chunk held by a file", 0, 1, 1),
	HO_T_DO_POISONED("poisoned repeated", -EINVAL, 1, 1),
	HO_T_DO_POISONED("poisoned below the previous", -EINVAL, 1, 0),
	HO_T_DO_SESSION("session after the poisoned", -EINVAL, "s2", 0),
	HO_T_DO_FINISH("finish before the last poisoned", -EINVAL),
	HO_T_DO_POISONED("free poisoned chunk", 0, 2, 63),
	HO_T_DO_POISONED("poisoned past the count", -ENOSPC, 2, 0),
	HO_T_DO_FINISH("finish", 0),
};

static inline int ho_t_do(struct gmem_handover_enc *enc, void *buf,
			  size_t len, const struct ho_t_step *st, size_t *out)
{
	switch (st->op) {
	case HO_T_BEGIN:
		return gmem_handover_begin(enc, buf, len, st->nodes,
					   st->sessions, st->files,
					   st->extents, st->poisoned, 1,
					   ho_t_key);
	case HO_T_NODE:
		return gmem_handover_add_node(enc, &st->pool);
	case HO_T_SESSION:
		return gmem_handover_add_session(enc, st->name, st->nr_files);
	case HO_T_FILE:
		return gmem_handover_add_file(enc, &st->fi);
	case HO_T_EXTENT:
		return gmem_handover_add_extent(enc, st->slot, st->chunk,
						st->nr);
	case HO_T_POISONED:
		return gmem_handover_add_poisoned(enc, st->nid, st->chunk);
	case HO_T_FINISH:
		return gmem_handover_finish(enc, out);
	}
	return -EINVAL;
}

/*
 * Run the script into @buf; return the index of the first step whose
 * result differs (the result in @got), or -1 with the record's length in
 * @out.
 */
static inline int ho_t_run_script(void *buf, size_t len, int *got,
				  size_t *out)
{
	struct gmem_handover_enc enc;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ho_t_script); i++) {
		*got = ho_t_do(&enc, buf, len, &ho_t_script[i], out);
		if (*got != ho_t_script[i].ret)
			return i;
	}
	return -1;
}

#endif /* __MM_GMEM_HANDOVER_RECORD_TEST_H__ */
