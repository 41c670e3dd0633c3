/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test data shared by the KUnit suite (mm/gmem_handover_record_kunit.c) and
 * the userspace tests and fuzzer (tests/host): a reference record, the table
 * of ways to corrupt it with the reason each one must be refused for, and a
 * synthetic record of any number of 2 MiB chunks.  Include it from tests
 * only.
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
 * node 1) and three files, sparse ones included.
 */
#define HO_T_NR_NODES	2
#define HO_T_NR_FILES	3
#define HO_T_NR_SLOTS	9
#define HO_T_HOLE	GMEM_HANDOVER_HOLE

static const struct gmem_handover_pool ho_t_pools[HO_T_NR_NODES] = {
	{ .nid = 0, .chunk_shift = 21, .base = SZ_1G, .size = SZ_256M,
	  .chunk_base = SZ_1G + SZ_2M, .nr_chunks = 64 },
	{ .nid = 1, .chunk_shift = 30, .base = SZ_4G, .size = SZ_4G,
	  .chunk_base = SZ_4G + SZ_1G, .nr_chunks = 2 },
};

static const struct gmem_handover_file_info ho_t_files[HO_T_NR_FILES] = {
	{ .token = 0x1000, .size = 4 * SZ_2M, .uid = 1000, .gid = 100,
	  .flags = 0x8, .nid = 0 },
	{ .token = 0x2000, .size = 2ULL * SZ_1G, .uid = 0, .gid = 0,
	  .flags = 0x9, .nid = 1 },
	{ .token = 0x3000, .size = 3 * SZ_2M, .uid = 1001, .gid = 1001,
	  .flags = 0x8, .nid = 0 },
};

/* Slots of the three files, back to back: 4, 2 and 3 of them. */
static const u32 ho_t_slots[HO_T_NR_SLOTS] = {
	3, HO_T_HOLE, 5, 6,
	1, HO_T_HOLE,
	0, 1, 63,
};

#define HO_T_NODES_OFF	sizeof(struct gmem_handover_header)
#define HO_T_FILES_OFF	(HO_T_NODES_OFF + \
			 HO_T_NR_NODES * sizeof(struct gmem_handover_node))
#define HO_T_SLOTS_OFF	(HO_T_FILES_OFF + \
			 HO_T_NR_FILES * sizeof(struct gmem_handover_file))
#define HO_T_LEN	(HO_T_SLOTS_OFF + HO_T_NR_SLOTS * sizeof(__le32))

#define HO_T_NODE_AT(i)	(HO_T_NODES_OFF + (i) * sizeof(struct gmem_handover_node))
#define HO_T_FILE_AT(i)	(HO_T_FILES_OFF + (i) * sizeof(struct gmem_handover_file))
#define HO_T_SLOT(i)	(HO_T_SLOTS_OFF + (i) * sizeof(__le32))

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
 */
struct ho_t_case {
	const char *name;
	struct ho_t_field field;
	u64 value;
	bool reseal;
	enum gmem_handover_reason reason;
};

/* Field @f, @w bytes wide, of the header, of node entry @i, of file entry @i. */
#define HO_T_H(f, w)	{ offsetof(struct gmem_handover_header, f), w }
#define HO_T_N(i, f, w)	{ HO_T_NODE_AT(i) + offsetof(struct gmem_handover_node, f), w }
#define HO_T_F(i, f, w)	{ HO_T_FILE_AT(i) + offsetof(struct gmem_handover_file, f), w }
#define HO_T_S(i)	{ HO_T_SLOT(i), sizeof(__le32) }
#define HO_T_B(off)	{ (off), 1 }
#define HO_T_COMPAT	offsetof(struct gmem_handover_header, compatible)

static const struct ho_t_case ho_t_cases[] = {
	{ "magic", HO_T_H(magic, 8), 0, false, GMEM_HO_BAD_MAGIC },
	{ "version", HO_T_H(version, 4), 2, false, GMEM_HO_BAD_VERSION },
	{ "compatible", HO_T_B(HO_T_COMPAT + 20), '2', false,
	  GMEM_HO_BAD_COMPATIBLE },
	{ "compatible padding", HO_T_B(HO_T_COMPAT + 31), 'x', false,
	  GMEM_HO_BAD_COMPATIBLE },
	{ "header size", HO_T_H(header_size, 4), 120, false,
	  GMEM_HO_BAD_HEADER_SIZE },
	{ "header flags", HO_T_H(flags, 4), 1, false, GMEM_HO_BAD_FLAGS },
	{ "length zero", HO_T_H(total_len, 8), 0, false, GMEM_HO_BAD_LENGTH },
	{ "length past buffer", HO_T_H(total_len, 8), HO_T_LEN + 8, false,
	  GMEM_HO_BAD_LENGTH },
	{ "stale checksum", HO_T_S(0), 4, false, GMEM_HO_BAD_CHECKSUM },
	{ "checksum field", HO_T_H(checksum, 4), 0x12345678, false,
	  GMEM_HO_BAD_CHECKSUM },
	{ "no node", HO_T_H(nr_nodes, 4), 0, true, GMEM_HO_BAD_COUNTS },
	{ "too many nodes", HO_T_H(nr_nodes, 4), GMEM_HANDOVER_MAX_NODES + 1,
	  true, GMEM_HO_BAD_COUNTS },
	{ "too many files", HO_T_H(nr_files, 4), GMEM_HANDOVER_MAX_FILES + 1,
	  true, GMEM_HO_BAD_COUNTS },
	{ "slots without file", HO_T_H(nr_files, 4), 0, true,
	  GMEM_HO_BAD_COUNTS },
	{ "slots of no file", HO_T_H(nr_files, 4), 2, true, GMEM_HO_BAD_COUNTS },
	{ "nodes misaligned", HO_T_H(nodes_off, 8), HO_T_NODES_OFF + 4, true,
	  GMEM_HO_BAD_SECTION },
	{ "nodes in header", HO_T_H(nodes_off, 8), HO_T_NODES_OFF - 8, true,
	  GMEM_HO_BAD_SECTION },
	{ "files over nodes", HO_T_H(files_off, 8), HO_T_FILES_OFF - 8, true,
	  GMEM_HO_BAD_SECTION },
	{ "slots past end", HO_T_H(slots_off, 8), HO_T_SLOTS_OFF + 8, true,
	  GMEM_HO_BAD_SECTION },
	{ "slot count overflow", HO_T_H(nr_slots, 8), 1ULL << 62, true,
	  GMEM_HO_BAD_SECTION },
	{ "slot count past end", HO_T_H(nr_slots, 8), HO_T_NR_SLOTS + 1, true,
	  GMEM_HO_BAD_SECTION },
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
	{ "chunk count too large", HO_T_N(0, nr_chunks, 8), 1ULL << 32, true,
	  GMEM_HO_BAD_NODE },
	{ "pools overlap", HO_T_N(0, size, 8), SZ_4G, true,
	  GMEM_HO_NODE_OVERLAP },
	{ "nid repeated", HO_T_N(1, nid, 4), 0, true, GMEM_HO_DUP_NID },
	{ "nids unsorted", HO_T_N(0, nid, 4), 2, true, GMEM_HO_DUP_NID },
	{ "zero token", HO_T_F(0, token, 8), 0, true, GMEM_HO_BAD_TOKEN },
	{ "token repeated", HO_T_F(1, token, 8), 0x1000, true,
	  GMEM_HO_DUP_TOKEN },
	{ "tokens unsorted", HO_T_F(2, token, 8), 0x1800, true,
	  GMEM_HO_DUP_TOKEN },
	{ "file on unknown node", HO_T_F(0, nid, 4), 2, true,
	  GMEM_HO_BAD_FILE_NODE },
	{ "file size not chunks", HO_T_F(0, size, 8), 4 * SZ_2M + SZ_4K, true,
	  GMEM_HO_BAD_FILE_SIZE },
	{ "file size of other node", HO_T_F(1, size, 8), 2 * SZ_2M, true,
	  GMEM_HO_BAD_FILE_SIZE },
	{ "file fewer slots", HO_T_F(2, nr_slots, 8), 2, true,
	  GMEM_HO_BAD_FILE_SIZE },
	{ "file without slot", HO_T_F(0, nr_slots, 8), 0, true,
	  GMEM_HO_BAD_FILE_SLOTS },
	{ "file slots elsewhere", HO_T_F(1, first_slot, 8), 3, true,
	  GMEM_HO_BAD_FILE_SLOTS },
	{ "file slots past table", HO_T_F(2, nr_slots, 8), 4, true,
	  GMEM_HO_BAD_FILE_SLOTS },
	{ "chunk past pool", HO_T_S(0), 64, true, GMEM_HO_BAD_CHUNK },
	{ "1G chunk past pool", HO_T_S(4), 2, true, GMEM_HO_BAD_CHUNK },
	{ "chunk of two files", HO_T_S(6), 3, true, GMEM_HO_DUP_CHUNK },
	{ "chunk twice in a file", HO_T_S(7), 0, true, GMEM_HO_DUP_CHUNK },
};

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
	if (c->reseal)
		ho_t_reseal(buf, len);
}

/* Write the reference record; return its length or a negative errno. */
static inline long ho_t_build(void *buf, size_t len)
{
	struct gmem_handover_enc enc;
	size_t out;
	u32 i, s = 0;
	u64 k, n;
	int ret;

	ret = gmem_handover_begin(&enc, buf, len, HO_T_NR_NODES, HO_T_NR_FILES, 7);
	for (i = 0; !ret && i < HO_T_NR_NODES; i++)
		ret = gmem_handover_add_node(&enc, &ho_t_pools[i]);
	for (i = 0; !ret && i < HO_T_NR_FILES; i++) {
		ret = gmem_handover_add_file(&enc, &ho_t_files[i]);
		n = ho_t_files[i].size >> ho_t_pools[ho_t_files[i].nid].chunk_shift;
		for (k = 0; !ret && k < n; k++)
			ret = gmem_handover_add_slot(&enc, ho_t_slots[s++]);
	}
	if (!ret)
		ret = gmem_handover_finish(&enc, &out);
	return ret ? ret : (long)out;
}

/*
 * A synthetic record: one node of @nr_chunks 2 MiB chunks at 1 TiB, all of
 * them owned by @nr_files files that interleave (file f, slot s owns chunk
 * s * nr_files + f), and one extra slot, a hole, at the end of each file.
 * @nr_chunks must be a multiple of @nr_files.
 */
static inline long ho_t_build_big(void *buf, size_t len, u64 nr_chunks,
				  u32 nr_files)
{
	struct gmem_handover_pool pool = {
		.nid = 0, .chunk_shift = 21, .base = SZ_1T,
		.size = nr_chunks * SZ_2M + SZ_128M,
		.chunk_base = SZ_1T + SZ_2M, .nr_chunks = nr_chunks,
	};
	struct gmem_handover_file_info fi = { .nid = 0 };
	u64 per_file = nr_chunks / nr_files, s;
	struct gmem_handover_enc enc;
	size_t out;
	int ret;
	u32 f;

	ret = gmem_handover_begin(&enc, buf, len, 1, nr_files, 1);
	if (!ret)
		ret = gmem_handover_add_node(&enc, &pool);
	for (f = 0; !ret && f < nr_files; f++) {
		fi.token = 0xabc000 + f;
		fi.size = (per_file + 1) * SZ_2M;
		ret = gmem_handover_add_file(&enc, &fi);
		for (s = 0; !ret && s < per_file; s++)
			ret = gmem_handover_add_slot(&enc, s * nr_files + f);
		if (!ret)
			ret = gmem_handover_add_slot(&enc, HO_T_HOLE);
	}
	if (!ret)
		ret = gmem_handover_finish(&enc, &out);
	return ret ? ret : (long)out;
}

#endif /* __MM_GMEM_HANDOVER_RECORD_TEST_H__ */
