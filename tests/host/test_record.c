// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace unit tests of mm/gmem_handover_record.c, built with ASan and
 * UBSan.  One "PASS name" or "FAIL name" line per case, then
 * "N passed, N failed" as the last line; the exit status is non-zero if any
 * case failed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "gmem_handover_record_test.h"

static int passed, failed;
static const char *cur;
static int cur_failed;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		printf("  %s: %s:%d: %s\n", cur, __FILE__, __LINE__, #cond); \
		cur_failed = 1;						\
	}								\
} while (0)

static void begin_case(const char *name)
{
	cur = name;
	cur_failed = 0;
}

static void end_case(void)
{
	printf("%s %s\n", cur_failed ? "FAIL" : "PASS", cur);
	if (cur_failed)
		failed++;
	else
		passed++;
}

/* Record buffers are 8-byte aligned; the scratch covers the reference pools. */
static u64 rec[64];
static unsigned long scratch_bits[4];

static struct gmem_handover_scratch scratch(void)
{
	struct gmem_handover_scratch s = { scratch_bits, 66 };

	return s;
}

static int validate(const void *buf, size_t len, struct gmem_handover_view *v,
		    struct gmem_handover_error *err)
{
	struct gmem_handover_scratch s = scratch();

	return gmem_handover_validate(buf, len, &s, v, err);
}

struct walk {
	u64 slots[16];
	u32 chunks[16];
	int n;
};

static int walk_fn(u64 slot, u32 chunk, void *arg)
{
	struct walk *w = arg;

	w->slots[w->n] = slot;
	w->chunks[w->n++] = chunk;
	return 0;
}

/* CRC-32C check value: the host shim computes what lib/crc32.c does. */
static void test_crc32c(void)
{
	static const char check[] = "123456789";
	u8 odd[40];
	u32 i;

	begin_case("crc32c check value");
	CHECK((__crc32c_le(~0U, (const u8 *)check, 9) ^ ~0U) == 0xe3069283);
	for (i = 0; i < sizeof(odd); i++)
		odd[i] = i * 37;
	/* Unaligned start and odd tail agree with two halves. */
	CHECK(__crc32c_le(__crc32c_le(~0U, odd + 1, 13), odd + 14, 26) ==
	      __crc32c_le(~0U, odd + 1, 39));
	end_case();
}

static void test_round_trip(void)
{
	struct gmem_handover_file_info fi;
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	struct gmem_handover_pool p;
	struct walk w = { 0 };
	u32 i, s = 0;
	long len;

	begin_case("round-trip");
	len = ho_t_build(rec, sizeof(rec));
	CHECK(len == (long)HO_T_LEN);
	CHECK(validate(rec, len, &v, &err) == 0 && err.reason == GMEM_HO_OK);
	CHECK(v.nr_nodes == HO_T_NR_NODES && v.nr_files == HO_T_NR_FILES);
	CHECK(gmem_handover_generation(&v) == 7);
	for (i = 0; i < HO_T_NR_NODES; i++) {
		gmem_handover_node(&v, i, &p);
		CHECK(!memcmp(&p, &ho_t_pools[i], sizeof(p)));
	}
	for (i = 0; i < HO_T_NR_FILES; i++) {
		gmem_handover_file(&v, i, &fi);
		CHECK(fi.token == ho_t_files[i].token);
		CHECK(fi.size == ho_t_files[i].size);
		CHECK(fi.uid == ho_t_files[i].uid && fi.gid == ho_t_files[i].gid);
		CHECK(fi.flags == ho_t_files[i].flags && fi.nid == ho_t_files[i].nid);
		w.n = 0;
		CHECK(gmem_handover_walk_file(&v, i, walk_fn, &w) == 0);
		for (u64 k = 0; k < fi.nr_slots; k++, s++) {
			if (ho_t_slots[s] == HO_T_HOLE)
				continue;
			CHECK(w.n > 0);
			CHECK(w.slots[0] == k && w.chunks[0] == ho_t_slots[s]);
			memmove(w.slots, w.slots + 1, sizeof(w.slots) - 8);
			memmove(w.chunks, w.chunks + 1, sizeof(w.chunks) - 4);
			w.n--;
		}
		CHECK(w.n == 0);
	}
	CHECK(s == HO_T_NR_SLOTS);
	end_case();
}

static void test_corruptions(void)
{
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	char name[96];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ho_t_cases); i++) {
		const struct ho_t_case *c = &ho_t_cases[i];

		snprintf(name, sizeof(name), "corrupt: %s", c->name);
		begin_case(name);
		CHECK(ho_t_build(rec, sizeof(rec)) == (long)HO_T_LEN);
		ho_t_corrupt(rec, HO_T_LEN, c);
		memset(&v, 0, sizeof(v));
		CHECK(validate(rec, HO_T_LEN, &v, &err) == -EINVAL);
		if (err.reason != c->reason)
			printf("  got \"%s\", want \"%s\"\n",
			       gmem_handover_reason_str(err.reason),
			       gmem_handover_reason_str(c->reason));
		CHECK(err.reason == c->reason);
		CHECK(v.hdr == NULL);
		end_case();
	}
}

static void test_dup_chunk_detail(void)
{
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	char msg[128];

	begin_case("duplicate chunk names both files");
	CHECK(ho_t_build(rec, sizeof(rec)) == (long)HO_T_LEN);
	ho_t_put((u8 *)rec + HO_T_SLOT(8), 4, 5);
	ho_t_reseal(rec, HO_T_LEN);
	CHECK(validate(rec, HO_T_LEN, &v, &err) == -EINVAL);
	gmem_handover_format_error(&err, msg, sizeof(msg));
	CHECK(!strcmp(msg, "chunk 5 of node 0 owned twice (files 0x1000 and 0x3000)"));
	printf("  %s\n", msg);
	end_case();
}

static void test_every_bit_flip(void)
{
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	size_t bit;

	begin_case("every single-bit flip is refused");
	for (bit = 0; bit < HO_T_LEN * 8; bit++) {
		CHECK(ho_t_build(rec, sizeof(rec)) == (long)HO_T_LEN);
		((u8 *)rec)[bit / 8] ^= 1 << (bit % 8);
		CHECK(validate(rec, HO_T_LEN, &v, &err) == -EINVAL);
	}
	end_case();
}

static void test_truncated(void)
{
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	size_t len;

	begin_case("every truncation is refused");
	CHECK(ho_t_build(rec, sizeof(rec)) == (long)HO_T_LEN);
	for (len = 0; len < HO_T_LEN; len++) {
		/* A heap copy of exactly len bytes, so ASan sees any overread. */
		void *copy = len ? malloc(len) : NULL;

		if (len)
			memcpy(copy, rec, len);
		CHECK(validate(copy, len, &v, &err) == -EINVAL);
		CHECK(err.reason == (len < sizeof(struct gmem_handover_header) ?
				     GMEM_HO_TOO_SHORT : GMEM_HO_BAD_LENGTH));
		free(copy);
	}
	end_case();
}

static void test_misaligned(void)
{
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	struct gmem_handover_enc enc;

	begin_case("misaligned buffer");
	CHECK(ho_t_build(rec, sizeof(rec)) == (long)HO_T_LEN);
	memmove((u8 *)rec + 4, rec, HO_T_LEN);
	CHECK(validate((u8 *)rec + 4, HO_T_LEN, &v, &err) == -EINVAL);
	CHECK(err.reason == GMEM_HO_BAD_BUFFER);
	CHECK(gmem_handover_begin(&enc, (u8 *)rec + 4, 256, 1, 0, 1) == -EINVAL);
	end_case();
}

static void test_scratch_small(void)
{
	struct gmem_handover_scratch s = { scratch_bits, 65 };
	struct gmem_handover_view v;
	struct gmem_handover_error err;

	begin_case("scratch too small");
	CHECK(gmem_handover_scratch_bits(ho_t_pools, HO_T_NR_NODES) == 66);
	CHECK(ho_t_build(rec, sizeof(rec)) == (long)HO_T_LEN);
	CHECK(gmem_handover_validate(rec, HO_T_LEN, &s, &v, &err) == -ENOSPC);
	CHECK(err.reason == GMEM_HO_SCRATCH_SMALL);
	end_case();
}

/* Every buffer shorter than the record: -ENOSPC, and not a byte past it. */
static void test_encoder_short_buffer(void)
{
	size_t len;

	begin_case("encoder: buffer too small");
	for (len = 0; len < HO_T_LEN; len++) {
		/* malloc() aligns to 16; ASan sees any byte written past len. */
		u8 *buf = malloc(len);

		CHECK(ho_t_build(buf, len) == -ENOSPC);
		free(buf);
	}
	end_case();
}

static void test_encoder_bad_input(void)
{
	struct gmem_handover_pool bad = ho_t_pools[0];
	struct gmem_handover_file_info fi = ho_t_files[0];
	struct gmem_handover_enc enc;
	size_t len;

	begin_case("encoder: bad input");
	CHECK(gmem_handover_begin(&enc, rec, sizeof(rec), 0, 0, 1) == -EINVAL);
	CHECK(gmem_handover_begin(&enc, rec, sizeof(rec),
				  GMEM_HANDOVER_MAX_NODES + 1, 0, 1) == -EINVAL);
	CHECK(gmem_handover_begin(&enc, rec, sizeof(rec), 2, 2, 1) == 0);
	bad.chunk_shift = 20;
	CHECK(gmem_handover_add_node(&enc, &bad) == -EINVAL);
	CHECK(gmem_handover_add_file(&enc, &fi) == -EINVAL);	/* nodes missing */
	CHECK(gmem_handover_add_node(&enc, &ho_t_pools[1]) == 0);
	CHECK(gmem_handover_add_node(&enc, &ho_t_pools[0]) == -EINVAL);	/* nid order */
	bad = ho_t_pools[1];
	bad.nid = 3;
	CHECK(gmem_handover_add_node(&enc, &bad) == -EINVAL);	/* overlap */
	bad = ho_t_pools[0];
	bad.nid = 2;
	CHECK(gmem_handover_add_node(&enc, &bad) == 0);
	CHECK(gmem_handover_add_node(&enc, &bad) == -ENOSPC);
	CHECK(gmem_handover_finish(&enc, &len) == -EINVAL);	/* files missing */
	fi.token = 0;
	CHECK(gmem_handover_add_file(&enc, &fi) == -EINVAL);
	fi.token = 5;
	fi.nid = 0;
	CHECK(gmem_handover_add_file(&enc, &fi) == -EINVAL);	/* no such node */
	fi.nid = 1;
	fi.size = SZ_2M;
	CHECK(gmem_handover_add_file(&enc, &fi) == -EINVAL);	/* not 1G chunks */
	fi.size = SZ_1G;
	CHECK(gmem_handover_add_file(&enc, &fi) == 0);
	CHECK(gmem_handover_add_slot(&enc, 2) == -EINVAL);	/* past the pool */
	CHECK(gmem_handover_add_file(&enc, &fi) == -EINVAL);	/* slot missing */
	CHECK(gmem_handover_add_slot(&enc, 1) == 0);
	CHECK(gmem_handover_add_slot(&enc, 0) == -EINVAL);	/* file is full */
	CHECK(gmem_handover_add_file(&enc, &fi) == -EINVAL);	/* same token */
	fi.token = 6;
	fi.size = 1ULL << 50;
	CHECK(gmem_handover_add_file(&enc, &fi) == -ENOSPC);	/* slots won't fit */
	end_case();
}

static void test_record_size(void)
{
	size_t size;

	begin_case("record size");
	CHECK(gmem_handover_record_size(2, 3, 9, &size) == 0 && size == HO_T_LEN);
	CHECK(gmem_handover_record_size(1, 0, 0, &size) == 0 && size == 152);
	CHECK(gmem_handover_record_size(0, 0, 0, &size) == -EINVAL);
	CHECK(gmem_handover_record_size(1, GMEM_HANDOVER_MAX_FILES + 1, 0,
					&size) == -EINVAL);
	CHECK(gmem_handover_record_size(1, 1, 1ULL << 62, &size) == -EINVAL);
	CHECK(gmem_handover_record_size(1, 1, ~0ULL / 4 - 10, &size) == -EINVAL);
	end_case();
}

static void test_layout(void)
{
	struct gmem_handover_pool run[3];
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	char msg[128];

	begin_case("layout match and mismatches");
	CHECK(ho_t_build(rec, sizeof(rec)) == (long)HO_T_LEN);
	CHECK(validate(rec, HO_T_LEN, &v, &err) == 0);
	memcpy(run, ho_t_pools, sizeof(ho_t_pools));
	run[2] = run[0];
	run[2].nid = 5;
	CHECK(gmem_handover_match_layout(&v, run, 3, &err) == 0);	/* extra pool */
	CHECK(gmem_handover_match_layout(&v, run + 1, 2, &err) == -EINVAL);
	CHECK(err.reason == GMEM_HO_LAYOUT_NODE_MISSING && err.node == 0);
	run[1].chunk_shift = 21;
	CHECK(gmem_handover_match_layout(&v, run, 2, &err) == -EINVAL);
	CHECK(err.reason == GMEM_HO_LAYOUT_CHUNK_SIZE && err.node == 1);
	run[1] = ho_t_pools[1];
	run[1].size += SZ_2M;
	CHECK(gmem_handover_match_layout(&v, run, 2, &err) == -EINVAL);
	CHECK(err.reason == GMEM_HO_LAYOUT_PLACEMENT);
	run[1] = ho_t_pools[1];
	run[1].nr_chunks--;
	CHECK(gmem_handover_match_layout(&v, run, 2, &err) == -EINVAL);
	CHECK(err.reason == GMEM_HO_LAYOUT_PLACEMENT);
	gmem_handover_format_error(&err, msg, sizeof(msg));
	CHECK(!strcmp(msg, "pool placement changed: node entry 1 (nid 1)"));
	end_case();
}

static void test_reason_strings(void)
{
	int r;

	begin_case("reason strings");
	for (r = 0; r < GMEM_HO_NR_REASONS; r++)
		CHECK(gmem_handover_reason_str(r) && *gmem_handover_reason_str(r));
	CHECK(!strcmp(gmem_handover_reason_str(GMEM_HO_BAD_CHECKSUM),
		      "checksum mismatch"));
	CHECK(!strcmp(gmem_handover_reason_str(GMEM_HO_NR_REASONS),
		      "unknown reason"));
	end_case();
}

static void test_big(void)
{
	u64 nr_chunks = 524288, nbits = nr_chunks;
	size_t need, len = 0;
	unsigned long *bits = calloc(nbits / 8, 1);
	struct gmem_handover_scratch s = { bits, nbits };
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	void *buf;

	begin_case("1 TiB of 2 MiB chunks");
	CHECK(gmem_handover_record_size(1, 4, nr_chunks + 4, &need) == 0);
	buf = aligned_alloc(8, need);
	len = ho_t_build_big(buf, need, nr_chunks, 4);
	CHECK(len == need);
	CHECK(gmem_handover_validate(buf, len, &s, &v, &err) == 0);
	/* The last chunk also owned by the first file: found and named. */
	ho_t_put((u8 *)buf + len - 8, 4, 0);
	ho_t_reseal(buf, len);
	CHECK(gmem_handover_validate(buf, len, &s, &v, &err) == -EINVAL);
	CHECK(err.reason == GMEM_HO_DUP_CHUNK && err.item == 0 &&
	      err.token2 == 0xabc000 && err.token == 0xabc003);
	free(buf);
	free(bits);
	end_case();
}

int main(void)
{
	test_crc32c();
	test_round_trip();
	test_corruptions();
	test_dup_chunk_detail();
	test_every_bit_flip();
	test_truncated();
	test_misaligned();
	test_scratch_small();
	test_encoder_short_buffer();
	test_encoder_bad_input();
	test_record_size();
	test_layout();
	test_reason_strings();
	test_big();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
