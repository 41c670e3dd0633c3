// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace unit tests of mm/gmem_handover_record.c, built with ASan and
 * UBSan.  One "PASS name" or "FAIL name" line per case, then
 * "N passed, N failed" as the last line; the exit status is non-zero if any
 * case failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <linux/bitops.h>

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
static u64 rec[(HO_T_LEN + 7) / 8];
static unsigned long scratch_bits[BITS_TO_LONGS(HO_T_NR_CHUNKS)];

static int validate(const void *buf, size_t len, struct gmem_handover_view *v,
		    struct gmem_handover_error *err)
{
	struct gmem_handover_scratch s = { scratch_bits, HO_T_NR_CHUNKS };

	return gmem_handover_validate(buf, len, &s, v, err);
}

static void build(void)
{
	CHECK(ho_t_build(rec, sizeof(rec)) == (long)HO_T_LEN);
}

struct walk {
	struct ho_t_extent x[HO_T_NR_EXTENTS];
	unsigned int n;
};

static int walk_fn(u64 slot, u32 chunk, u32 nr, void *arg)
{
	struct walk *w = arg;

	if (w->n == ARRAY_SIZE(w->x))
		return -E2BIG;
	w->x[w->n].slot = slot;
	w->x[w->n].chunk = chunk;
	w->x[w->n++].nr = nr;
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

static void check_files(const struct gmem_handover_view *v)
{
	struct gmem_handover_file_info fi;
	struct walk w;
	u32 i, k, e = 0;

	for (i = 0; i < HO_T_NR_FILES; i++) {
		gmem_handover_file(v, i, &fi);
		CHECK(!memcmp(&fi, &ho_t_files[i], sizeof(fi)));
		w.n = 0;
		CHECK(gmem_handover_walk_file(v, i, walk_fn, &w) == 0);
		CHECK(w.n == fi.nr_extents);
		for (k = 0; k < w.n && e < HO_T_NR_EXTENTS; k++, e++)
			CHECK(!memcmp(&w.x[k], &ho_t_extents[e], sizeof(w.x[k])));
	}
	CHECK(e == HO_T_NR_EXTENTS);
}

static void check_poisoned(const struct gmem_handover_view *v,
			   const struct gmem_handover_poisoned_info *want,
			   u32 nr)
{
	struct gmem_handover_poisoned_info pi;
	u32 i;

	CHECK(v->nr_poisoned == nr && gmem_handover_nr_poisoned(v) == nr);
	for (i = 0; i < nr && i < gmem_handover_nr_poisoned(v); i++) {
		gmem_handover_poisoned(v, i, &pi);
		CHECK(pi.nid == want[i].nid && pi.chunk == want[i].chunk);
	}
}

static void test_round_trip(void)
{
	struct gmem_handover_session_info si;
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	struct gmem_handover_pool p;
	u32 i;

	begin_case("round trip");
	build();
	CHECK(validate(rec, HO_T_LEN, &v, &err) == 0 && err.reason == GMEM_HO_OK);
	CHECK(v.nr_nodes == HO_T_NR_NODES && v.nr_sessions == HO_T_NR_SESSIONS);
	CHECK(v.nr_files == HO_T_NR_FILES && v.nr_extents == HO_T_NR_EXTENTS);
	CHECK(gmem_handover_generation(&v) == HO_T_GENERATION);
	CHECK(gmem_handover_key_eq(&v, ho_t_key));
	for (i = 0; i < HO_T_NR_NODES; i++) {
		gmem_handover_node(&v, i, &p);
		CHECK(!memcmp(&p, &ho_t_pools[i], sizeof(p)));
	}
	for (i = 0; i < HO_T_NR_SESSIONS; i++) {
		gmem_handover_session(&v, i, &si);
		CHECK(!memcmp(&si, &ho_t_sessions[i], sizeof(si)));
	}
	check_files(&v);
	check_poisoned(&v, ho_t_poisoned, HO_T_NR_POISONED);
	end_case();
}

static int stop_fn(u64 slot, u32 chunk, u32 nr, void *arg)
{
	(*(int *)arg)++;
	return 42;
}

static void test_walk_stops(void)
{
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	int calls = 0;

	begin_case("walk stops at the callback's value");
	build();
	CHECK(validate(rec, HO_T_LEN, &v, &err) == 0);
	CHECK(gmem_handover_walk_file(&v, 0, stop_fn, &calls) == 42);
	CHECK(calls == 1);
	CHECK(gmem_handover_walk_file(&v, 2, stop_fn, &calls) == 0);
	CHECK(calls == 1);
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
		build();
		ho_t_corrupt(rec, HO_T_LEN, c);
		memset(&v, 0, sizeof(v));
		CHECK(validate(rec, HO_T_LEN, &v, &err) == -EINVAL);
		if (err.reason != c->reason)
			printf("  got \"%s\", want \"%s\"\n",
			       gmem_handover_reason_str(err.reason),
			       gmem_handover_reason_str(c->reason));
		CHECK(err.reason == c->reason);
		CHECK(!v.hdr);
		end_case();
	}
}

static void test_error_where(void)
{
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	const struct ho_t_where *w;
	const struct ho_t_case *c;
	char name[96];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ho_t_wheres); i++) {
		w = &ho_t_wheres[i];
		snprintf(name, sizeof(name), "error points at: %s", w->name);
		begin_case(name);
		c = ho_t_find_case(w->name);
		CHECK(c);
		if (c) {
			build();
			ho_t_corrupt(rec, HO_T_LEN, c);
			CHECK(validate(rec, HO_T_LEN, &v, &err) == -EINVAL);
			CHECK(err.node == w->node && err.item == w->item);
			CHECK(err.token == w->token);
			CHECK(!strcmp(err.session, w->session));
		}
		end_case();
	}
}

static void test_reasons(void)
{
	enum gmem_handover_reason r = ho_t_untested_reason();
	int i;

	begin_case("every reason has a test and a text");
	if (r != GMEM_HO_OK)
		printf("  no test for \"%s\"\n", gmem_handover_reason_str(r));
	CHECK(r == GMEM_HO_OK);
	for (i = 0; i < GMEM_HO_NR_REASONS; i++)
		CHECK(strcmp(gmem_handover_reason_str(i), "unknown reason"));
	CHECK(!strcmp(gmem_handover_reason_str(GMEM_HO_NR_REASONS),
		      "unknown reason"));
	end_case();
}

static void test_dup_chunk_detail(void)
{
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	char msg[160];

	begin_case("duplicate chunk names both files and sessions");
	build();
	ho_t_put((u8 *)rec + HO_T_EXTENT_AT(4) +
		 offsetof(struct gmem_handover_extent, chunk), 4, 5);
	ho_t_reseal(rec, HO_T_LEN);
	CHECK(validate(rec, HO_T_LEN, &v, &err) == -EINVAL);
	gmem_handover_format_error(&err, msg, sizeof(msg));
	printf("  %s\n", msg);
	CHECK(!strcmp(msg, "chunk 5 of node 0 held twice (file 0x0 of session \"tenant-a\" and file 0x3000 of session \"tenant-b\")"));
	end_case();
}

static void test_error_texts(void)
{
	static const char want[] = "malformed session entry: session 1 (\"x?xxx";
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	u8 *name = (u8 *)rec + HO_T_SESSION_AT(1);
	char msg[160];

	begin_case("error texts: names cut and cleaned, short buffers");
	build();
	memset(name, 'x', GMEM_HANDOVER_NAME_LEN);
	name[1] = 0x1b;
	ho_t_reseal(rec, HO_T_LEN);
	CHECK(validate(rec, HO_T_LEN, &v, &err) == -EINVAL);
	CHECK(err.reason == GMEM_HO_BAD_SESSION);
	CHECK(strlen(err.session) == GMEM_HANDOVER_NAME_LEN - 1);
	gmem_handover_format_error(&err, msg, sizeof(msg));
	CHECK(!strncmp(msg, want, strlen(want)));
	CHECK(gmem_handover_format_error(&err, msg, 8) > 8);
	CHECK(!strcmp(msg, "malform"));

	build();
	ho_t_put((u8 *)rec + HO_T_EXTENT_AT(2) +
		 offsetof(struct gmem_handover_extent, slot), 8, 1);
	ho_t_reseal(rec, HO_T_LEN);
	CHECK(validate(rec, HO_T_LEN, &v, &err) == -EINVAL);
	gmem_handover_format_error(&err, msg, sizeof(msg));
	CHECK(!strcmp(msg, "extent empty, unsorted or out of bounds: extent 2 of file 0x0 of session \"tenant-a\""));
	build();
	ho_t_put((u8 *)rec + HO_T_FILE_AT(3), 8, 0x1000);
	ho_t_reseal(rec, HO_T_LEN);
	CHECK(validate(rec, HO_T_LEN, &v, &err) == -EINVAL);
	gmem_handover_format_error(&err, msg, sizeof(msg));
	CHECK(!strcmp(msg, "tokens repeated or unsorted in a session: file 3 (token 0x1000) of session \"tenant-b\""));
	end_case();
}

static void test_every_bit_flip(void)
{
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	size_t bit;

	begin_case("every single-bit flip is refused");
	for (bit = 0; bit < HO_T_LEN * 8; bit++) {
		build();
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
	build();
	for (len = 0; len < HO_T_LEN; len++) {
		/* A heap copy of exactly len bytes, so ASan sees any overread. */
		void *copy = len ? malloc(len) : NULL;

		if (len)
			memcpy(copy, rec, len);
		CHECK(validate(copy, len, &v, &err) == -EINVAL);
		CHECK(err.reason == (len < GMEM_HANDOVER_HEADER_BYTES ?
				     GMEM_HO_TOO_SHORT : GMEM_HO_BAD_LENGTH));
		free(copy);
	}
	end_case();
}

static void test_misaligned(void)
{
	static u64 big[(HO_T_LEN + 15) / 8];
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	struct gmem_handover_enc enc;

	begin_case("misaligned buffer");
	build();
	memcpy((u8 *)big + 4, rec, HO_T_LEN);
	CHECK(validate((u8 *)big + 4, HO_T_LEN, &v, &err) == -EINVAL);
	CHECK(err.reason == GMEM_HO_BAD_BUFFER);
	CHECK(gmem_handover_check_key((u8 *)big + 4, HO_T_LEN, ho_t_key) ==
	      -ENOENT);
	CHECK(gmem_handover_begin(&enc, (u8 *)big + 4, 256, 1, 0, 0, 0, 0, 1,
				  ho_t_key) == -EINVAL);
	end_case();
}

static void test_scratch_small(void)
{
	struct gmem_handover_scratch s = { scratch_bits, HO_T_NR_CHUNKS - 1 };
	struct gmem_handover_view v;
	struct gmem_handover_error err;

	begin_case("scratch too small");
	CHECK(gmem_handover_scratch_bits(ho_t_pools, HO_T_NR_NODES) ==
	      HO_T_NR_CHUNKS);
	build();
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

static void test_encoder_script(void)
{
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	size_t len = 0;
	int step, got;

	begin_case("encoder: every refusal of the script");
	memset(rec, 0, sizeof(rec));
	step = ho_t_run_script(rec, sizeof(rec), &got, &len);
	if (step >= 0)
		printf("  step \"%s\": got %d, want %d\n",
		       ho_t_script[step].what, got, ho_t_script[step].ret);
	CHECK(step == -1);
	CHECK(validate(rec, len, &v, &err) == 0);
	CHECK(v.nr_sessions == 2 && v.nr_files == 3 && v.nr_extents == 4);
	CHECK(v.nr_poisoned == 2);
	end_case();
}

static void test_encoder_no_dup_check(void)
{
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	long len;

	begin_case("encoder: a chunk twice is for the validator to find");
	len = ho_t_build_dup(rec, sizeof(rec));
	CHECK(len > 0);
	CHECK(validate(rec, len, &v, &err) == -EINVAL);
	CHECK(err.reason == GMEM_HO_DUP_CHUNK && err.node == 1 && err.item == 0);
	CHECK(err.token == HO_T_DUP_TOKEN2 && err.token2 == HO_T_DUP_TOKEN1);
	CHECK(!strcmp(err.session, "t") && !strcmp(err.session2, "t"));
	end_case();
}

static void test_record_size(void)
{
	size_t size;

	begin_case("record size");
	CHECK(gmem_handover_record_size(HO_T_NR_NODES, HO_T_NR_SESSIONS,
					HO_T_NR_FILES, HO_T_NR_EXTENTS,
					HO_T_NR_POISONED, &size) == 0 &&
	      size == HO_T_LEN);
	CHECK(gmem_handover_record_size(1, 0, 0, 0, 0, &size) == 0 &&
	      size == 192);
	CHECK(gmem_handover_record_size(GMEM_HANDOVER_MAX_NODES,
					GMEM_HANDOVER_MAX_SESSIONS,
					GMEM_HANDOVER_MAX_FILES, 1,
					GMEM_HANDOVER_MAX_POISONED, &size) == 0);
	CHECK(size == 152 + 64 * 40 + 64 * 72 + 8192 * 48 + 16 + 8192 * 8);
	CHECK(gmem_handover_record_size(0, 0, 0, 0, 0, &size) == -EINVAL);
	CHECK(gmem_handover_record_size(1, 1, GMEM_HANDOVER_MAX_SESSION_FILES + 1,
					0, 0, &size) == -EINVAL);
	CHECK(gmem_handover_record_size(1, 0, 0, 1, 0, &size) == -EINVAL);
	CHECK(gmem_handover_record_size(1, 1, 1, 1ULL << 60, 0, &size) ==
	      -EINVAL);
	CHECK(gmem_handover_record_size(1, 1, 1, ~0ULL / 16 - 10, 0, &size) ==
	      -EINVAL);
	CHECK(gmem_handover_record_size(1, 0, 0, 0,
					GMEM_HANDOVER_MAX_POISONED + 1,
					&size) == -EINVAL);
	end_case();
}

static void test_key(void)
{
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	u64 key[GMEM_HANDOVER_KEY_WORDS];
	unsigned int i;

	begin_case("key: compare, and tell records of this kexec");
	build();
	CHECK(validate(rec, HO_T_LEN, &v, &err) == 0);
	CHECK(gmem_handover_check_key(rec, HO_T_LEN, ho_t_key) == 0);
	for (i = 0; i < GMEM_HANDOVER_KEY_WORDS; i++) {
		memcpy(key, ho_t_key, sizeof(key));
		key[i] ^= 1ULL << 63;
		CHECK(!gmem_handover_key_eq(&v, key));
		CHECK(gmem_handover_check_key(rec, HO_T_LEN, key) ==
		      -EKEYREJECTED);
	}
	CHECK(gmem_handover_check_key(rec, HO_T_NODES_OFF - 1, ho_t_key) ==
	      -ENOENT);
	CHECK(gmem_handover_check_key(rec, GMEM_HANDOVER_HEADER_V2_BYTES - 1,
				      ho_t_key) == -ENOENT);
	((u8 *)rec)[HO_T_EXTENT_AT(0)] ^= 0xff;
	CHECK(gmem_handover_check_key(rec, HO_T_LEN, ho_t_key) == 0);
	ho_t_put((u8 *)rec + offsetof(struct gmem_handover_header, version),
		 4, 1);
	CHECK(gmem_handover_check_key(rec, HO_T_LEN, ho_t_key) ==
	      -EKEYREJECTED);
	rec[0] = 0;
	CHECK(gmem_handover_check_key(rec, HO_T_LEN, ho_t_key) == -ENOENT);
	end_case();
}

static void test_layout(void)
{
	struct gmem_handover_pool run[3];
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	char msg[128];

	begin_case("layout match and mismatches");
	build();
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

static void test_boot_data(void)
{
	begin_case("boot data layout");
	CHECK(gmem_handover_boot_size(0) == 56);
	CHECK(gmem_handover_boot_size(GMEM_HANDOVER_MAX_NODES) ==
	      56 + 64 * 24);
	CHECK(offsetof(struct gmem_handover_boot, key) == 16);
	CHECK(offsetof(struct gmem_handover_boot, pools) == 56);
	CHECK(!memcmp("GMEMHOBD", &(u64){ cpu_to_le64(GMEM_HANDOVER_BOOT_MAGIC) },
		      8));
	CHECK(!memcmp("GMEMHOVR", &(u64){ cpu_to_le64(GMEM_HANDOVER_MAGIC) }, 8));
	end_case();
}

struct count {
	u64 extents, chunks;
};

static int count_fn(u64 slot, u32 chunk, u32 nr, void *arg)
{
	struct count *c = arg;

	c->extents++;
	c->chunks += nr;
	return 0;
}

static void test_big(enum ho_t_big_layout layout, const char *name)
{
	const u64 nr_chunks = 524288;	/* 1 TiB of 2 MiB chunks */
	u64 nr_extents = ho_t_big_extents(nr_chunks, layout);
	unsigned long *bits = calloc(nr_chunks / 8, 1);
	struct gmem_handover_scratch s = { bits, nr_chunks };
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	struct count c = { 0 };
	size_t need = 0;
	void *buf;
	u8 *last;

	begin_case(name);
	CHECK(gmem_handover_record_size(1, 1, 1, nr_extents, 0, &need) == 0);
	CHECK(need == HO_T_BIG_SIZE(nr_extents));
	buf = aligned_alloc(8, need);
	CHECK(ho_t_build_big(buf, need, nr_chunks, layout) == (long)need);
	CHECK(gmem_handover_validate(buf, need, &s, &v, &err) == 0);
	CHECK(gmem_handover_walk_file(&v, 0, count_fn, &c) == 0);
	CHECK(c.extents == nr_extents && c.chunks == nr_chunks);
	/* The last extent also takes chunk 0, or runs past the pool. */
	last = (u8 *)buf + need - GMEM_HANDOVER_EXTENT_BYTES;
	if (layout == HO_T_PER_CHUNK)
		ho_t_put(last + offsetof(struct gmem_handover_extent, chunk),
			 4, 0);
	else
		ho_t_put(last + offsetof(struct gmem_handover_extent, nr), 4,
			 nr_chunks + 1);
	ho_t_reseal(buf, need);
	CHECK(gmem_handover_validate(buf, need, &s, &v, &err) == -EINVAL);
	CHECK(err.reason == (layout == HO_T_PER_CHUNK ? GMEM_HO_DUP_CHUNK :
							GMEM_HO_BAD_EXTENT));
	CHECK(err.token == HO_T_BIG_TOKEN);
	if (layout == HO_T_PER_CHUNK)
		CHECK(err.item == 0 && err.token2 == HO_T_BIG_TOKEN);
	free(buf);
	free(bits);
	end_case();
}

/* The version 2 record, copied to an aligned buffer of its own size. */
static u64 rec_v2[HO_T_V2_LEN / 8];

static void load_v2(void)
{
	memcpy(rec_v2, ho_t_v2_record, HO_T_V2_LEN);
}

static void test_v2_accepted(void)
{
	struct gmem_handover_session_info si;
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	struct gmem_handover_pool p;
	u32 i;

	begin_case("version 2 record accepted, without poisoned chunks");
	load_v2();
	CHECK(le32_to_cpu(((struct gmem_handover_header *)rec_v2)->version) ==
	      GMEM_HANDOVER_VERSION_V2);
	CHECK(gmem_handover_check_key(rec_v2, HO_T_V2_LEN, ho_t_key) == 0);
	CHECK(validate(rec_v2, HO_T_V2_LEN, &v, &err) == 0 &&
	      err.reason == GMEM_HO_OK);
	CHECK(v.nr_nodes == HO_T_NR_NODES && v.nr_sessions == HO_T_NR_SESSIONS);
	CHECK(v.nr_files == HO_T_NR_FILES && v.nr_extents == HO_T_NR_EXTENTS);
	CHECK(!v.poisoned);
	CHECK(gmem_handover_generation(&v) == HO_T_GENERATION);
	CHECK(gmem_handover_key_eq(&v, ho_t_key));
	CHECK(gmem_handover_match_layout(&v, ho_t_pools, HO_T_NR_NODES,
					 &err) == 0);
	for (i = 0; i < HO_T_NR_NODES; i++) {
		gmem_handover_node(&v, i, &p);
		CHECK(!memcmp(&p, &ho_t_pools[i], sizeof(p)));
	}
	for (i = 0; i < HO_T_NR_SESSIONS; i++) {
		gmem_handover_session(&v, i, &si);
		CHECK(!memcmp(&si, &ho_t_sessions[i], sizeof(si)));
	}
	check_files(&v);
	check_poisoned(&v, NULL, 0);
	end_case();
}

static void test_v2_corruptions(void)
{
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	char name[96];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ho_t_v2_cases); i++) {
		const struct ho_t_case *c = &ho_t_v2_cases[i];

		snprintf(name, sizeof(name), "corrupt: %s", c->name);
		begin_case(name);
		load_v2();
		ho_t_corrupt(rec_v2, HO_T_V2_LEN, c);
		memset(&v, 0, sizeof(v));
		CHECK(validate(rec_v2, HO_T_V2_LEN, &v, &err) == -EINVAL);
		if (err.reason != c->reason)
			printf("  got \"%s\", want \"%s\"\n",
			       gmem_handover_reason_str(err.reason),
			       gmem_handover_reason_str(c->reason));
		CHECK(err.reason == c->reason);
		CHECK(!v.hdr);
		end_case();
	}
}

static void test_v2_bit_flips_and_truncations(void)
{
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	size_t bit, len;

	begin_case("version 2: every bit flip and truncation is refused");
	for (bit = 0; bit < HO_T_V2_LEN * 8; bit++) {
		load_v2();
		((u8 *)rec_v2)[bit / 8] ^= 1 << (bit % 8);
		CHECK(validate(rec_v2, HO_T_V2_LEN, &v, &err) == -EINVAL);
	}
	load_v2();
	for (len = 0; len < HO_T_V2_LEN; len++) {
		void *copy = len ? malloc(len) : NULL;

		if (len)
			memcpy(copy, rec_v2, len);
		CHECK(validate(copy, len, &v, &err) == -EINVAL);
		CHECK(err.reason == (len < GMEM_HANDOVER_HEADER_V2_BYTES ?
				     GMEM_HO_TOO_SHORT : GMEM_HO_BAD_LENGTH));
		free(copy);
	}
	end_case();
}

static void test_poisoned_texts(void)
{
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	char msg[160];

	begin_case("poisoned table: error texts");
	build();
	ho_t_corrupt(rec, HO_T_LEN, ho_t_find_case("poisoned 1G past pool"));
	CHECK(validate(rec, HO_T_LEN, &v, &err) == -EINVAL);
	CHECK(err.chunk == 2);
	gmem_handover_format_error(&err, msg, sizeof(msg));
	CHECK(!strcmp(msg, "poisoned chunk past its pool: poisoned entry 2 (chunk 2 of node 1)"));
	build();
	ho_t_corrupt(rec, HO_T_LEN, ho_t_find_case("poisoned repeated"));
	CHECK(validate(rec, HO_T_LEN, &v, &err) == -EINVAL);
	gmem_handover_format_error(&err, msg, sizeof(msg));
	CHECK(!strcmp(msg, "poisoned chunk repeated: poisoned entry 1 (chunk 5 of node 0)"));
	end_case();
}

/* The most poisoned chunks a record may carry, and one more. */
static void test_poisoned_bound(void)
{
	const u32 nr = GMEM_HANDOVER_MAX_POISONED;
	struct gmem_handover_pool pool = {
		.nid = 3, .chunk_shift = GMEM_HANDOVER_SHIFT_2M, .base = SZ_1T,
		.size = (u64)(nr + 1) * SZ_2M, .chunk_base = SZ_1T + SZ_2M,
		.nr_chunks = nr,
	};
	unsigned long *bits = calloc(BITS_TO_LONGS(nr), sizeof(long));
	struct gmem_handover_scratch s = { bits, nr };
	struct gmem_handover_poisoned_info pi;
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	struct gmem_handover_enc enc;
	size_t need = 0, out = 0;
	void *buf;
	u32 i;
	int ret;

	begin_case("poisoned table: the bound, and past it");
	CHECK(gmem_handover_record_size(1, 0, 0, 0, nr, &need) == 0);
	buf = aligned_alloc(8, need + 8);
	CHECK(gmem_handover_begin(&enc, buf, need + 8, 1, 0, 0, 0, nr + 1, 1,
				  ho_t_key) == -EINVAL);
	CHECK(gmem_handover_begin(&enc, buf, need - 1, 1, 0, 0, 0, nr, 1,
				  ho_t_key) == -ENOSPC);
	ret = gmem_handover_begin(&enc, buf, need, 1, 0, 0, 0, nr, 1, ho_t_key);
	if (!ret)
		ret = gmem_handover_add_node(&enc, &pool);
	for (i = 0; !ret && i < nr; i++)
		ret = gmem_handover_add_poisoned(&enc, 3, i);
	CHECK(ret == 0);
	CHECK(gmem_handover_add_poisoned(&enc, 3, nr) == -ENOSPC);
	CHECK(gmem_handover_finish(&enc, &out) == 0 && out == need);
	CHECK(gmem_handover_validate(buf, need, &s, &v, &err) == 0);
	CHECK(gmem_handover_nr_poisoned(&v) == nr);
	gmem_handover_poisoned(&v, nr - 1, &pi);
	CHECK(pi.nid == 3 && pi.chunk == nr - 1);
	ho_t_put((u8 *)buf + offsetof(struct gmem_handover_header, nr_poisoned),
		 4, nr + 1);
	ho_t_reseal(buf, need);
	CHECK(gmem_handover_validate(buf, need, &s, &v, &err) == -EINVAL);
	CHECK(err.reason == GMEM_HO_BAD_COUNTS);
	free(buf);
	free(bits);
	end_case();
}

int main(void)
{
	test_crc32c();
	test_round_trip();
	test_walk_stops();
	test_corruptions();
	test_error_where();
	test_reasons();
	test_dup_chunk_detail();
	test_error_texts();
	test_every_bit_flip();
	test_truncated();
	test_misaligned();
	test_scratch_small();
	test_encoder_short_buffer();
	test_encoder_script();
	test_encoder_no_dup_check();
	test_record_size();
	test_key();
	test_layout();
	test_boot_data();
	test_v2_accepted();
	test_v2_corruptions();
	test_v2_bit_flips_and_truncations();
	test_poisoned_texts();
	test_poisoned_bound();
	test_big(HO_T_ONE_EXTENT, "1 TiB of 2 MiB chunks in one extent");
	test_big(HO_T_PER_CHUNK, "1 TiB of 2 MiB chunks, one extent each");
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
