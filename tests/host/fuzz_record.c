// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for gmem_handover_validate().  The input is taken as a
 * record as is; the mutator also rewrites the checksum of half of its
 * outputs so that mutations reach the rules behind the checksum instead of
 * being stopped by it.  Every accepted record is read back through every
 * accessor and checked the naive way: sessions named, unique and chained,
 * tokens ascending within a session, file sizes, and every extent inside
 * its file and its pool, after the previous one, with no chunk held twice;
 * poisoned chunks ascending, unique, each inside a pool of the record, and
 * none at all in a version 2 record.  Any broken promise aborts.
 */
#include <stdlib.h>
#include <linux/bitops.h>

#include "gmem_handover_record_test.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

#define FUZZ_MAX_LEN	(1 << 20)
#define FUZZ_MAX_BITS	(1 << 20)

static unsigned long bits[FUZZ_MAX_BITS / BITS_PER_LONG];
static unsigned long seen[FUZZ_MAX_BITS / BITS_PER_LONG];

#define expect(cond) do { if (!(cond)) abort(); } while (0)

/* What a file's extents must respect. */
struct oracle {
	u64 first_bit;
	u64 nr_chunks;
	u64 nr_slots;
	u64 next_slot;
	u64 extents;
};

static int oracle_fn(u64 slot, u32 chunk, u32 nr, void *arg)
{
	struct oracle *o = arg;
	u32 i;

	expect(nr && slot >= o->next_slot && nr <= o->nr_slots &&
	       slot <= o->nr_slots - nr && (u64)chunk + nr <= o->nr_chunks);
	for (i = 0; i < nr; i++)
		expect(!__test_and_set_bit(o->first_bit + chunk + i, seen));
	o->next_slot = slot + nr;
	o->extents++;
	return 0;
}

static void check_sessions(const struct gmem_handover_view *v)
{
	struct gmem_handover_session_info si, sj;
	u32 i, j, next_file = 0;
	size_t len;

	for (i = 0; i < v->nr_sessions; i++) {
		gmem_handover_session(v, i, &si);
		len = strnlen(si.name, sizeof(si.name));
		expect(len > 0 && len < sizeof(si.name));
		expect(si.first_file == next_file &&
		       si.nr_files <= GMEM_HANDOVER_MAX_SESSION_FILES);
		for (j = 0; j < i; j++) {
			gmem_handover_session(v, j, &sj);
			expect(strcmp(si.name, sj.name));
		}
		next_file += si.nr_files;
	}
	expect(next_file == v->nr_files);
}

static void check_file(const struct gmem_handover_view *v, u32 i,
		       const struct gmem_handover_pool *pools,
		       const u64 *first_bit, u64 *extents)
{
	struct gmem_handover_file_info fi;
	struct oracle o = { 0 };
	u32 j;

	gmem_handover_file(v, i, &fi);
	for (j = 0; j < v->nr_nodes && pools[j].nid != fi.nid; j++)
		;
	expect(j < v->nr_nodes && fi.nr_slots &&
	       fi.size == fi.nr_slots << pools[j].chunk_shift &&
	       fi.size >> pools[j].chunk_shift == fi.nr_slots);
	o.first_bit = first_bit[j];
	o.nr_chunks = pools[j].nr_chunks;
	o.nr_slots = fi.nr_slots;
	expect(!gmem_handover_walk_file(v, i, oracle_fn, &o));
	expect(o.extents == fi.nr_extents);
	*extents += o.extents;
}

static void check_tokens(const struct gmem_handover_view *v)
{
	struct gmem_handover_file_info fi, prev;
	struct gmem_handover_session_info si;
	u32 s, i;

	for (s = 0; s < v->nr_sessions; s++) {
		gmem_handover_session(v, s, &si);
		for (i = si.first_file + 1; i < si.first_file + si.nr_files;
		     i++) {
			gmem_handover_file(v, i - 1, &prev);
			gmem_handover_file(v, i, &fi);
			expect(fi.token > prev.token);
		}
	}
}

static void check_poisoned(const struct gmem_handover_view *v,
			   const struct gmem_handover_pool *pools)
{
	struct gmem_handover_poisoned_info pi, prev = { 0 };
	u32 i, j, nr = gmem_handover_nr_poisoned(v);

	expect(nr == v->nr_poisoned && nr <= GMEM_HANDOVER_MAX_POISONED);
	if (le32_to_cpu(v->hdr->version) == GMEM_HANDOVER_VERSION_V2)
		expect(!nr && !v->poisoned &&
		       le32_to_cpu(v->hdr->header_size) ==
		       GMEM_HANDOVER_HEADER_V2_BYTES);
	else
		expect(le32_to_cpu(v->hdr->version) == GMEM_HANDOVER_VERSION &&
		       le32_to_cpu(v->hdr->header_size) ==
		       GMEM_HANDOVER_HEADER_BYTES);
	for (i = 0; i < nr; i++) {
		gmem_handover_poisoned(v, i, &pi);
		for (j = 0; j < v->nr_nodes && pools[j].nid != pi.nid; j++)
			;
		expect(j < v->nr_nodes && pi.chunk < pools[j].nr_chunks);
		expect(!i || pi.nid > prev.nid ||
		       (pi.nid == prev.nid && pi.chunk > prev.chunk));
		prev = pi;
	}
}

static void check_key(const struct gmem_handover_view *v, const void *buf,
		      size_t len)
{
	u64 key[GMEM_HANDOVER_KEY_WORDS];
	unsigned int i;

	for (i = 0; i < GMEM_HANDOVER_KEY_WORDS; i++)
		key[i] = le64_to_cpu(v->hdr->key[i]);
	expect(gmem_handover_key_eq(v, key));
	expect(!gmem_handover_check_key(buf, len, key));
	key[1] ^= 1;
	expect(!gmem_handover_key_eq(v, key));
	expect(gmem_handover_check_key(buf, len, key) == -EKEYREJECTED);
}

static void read_back(const struct gmem_handover_view *v, const void *buf,
		      size_t len)
{
	struct gmem_handover_pool pools[GMEM_HANDOVER_MAX_NODES];
	u64 first_bit[GMEM_HANDOVER_MAX_NODES], total = 0, extents = 0;
	struct gmem_handover_error err;
	u32 i;

	for (i = 0; i < v->nr_nodes; i++) {
		gmem_handover_node(v, i, &pools[i]);
		first_bit[i] = total;
		total += pools[i].nr_chunks;
	}
	expect(!gmem_handover_match_layout(v, pools, v->nr_nodes, &err));
	memset(seen, 0, BITS_TO_LONGS(total) * sizeof(long));
	check_sessions(v);
	check_tokens(v);
	for (i = 0; i < v->nr_files; i++)
		check_file(v, i, pools, first_bit, &extents);
	expect(extents == v->nr_extents);
	check_poisoned(v, pools);
	check_key(v, buf, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gmem_handover_scratch s = { bits, FUZZ_MAX_BITS };
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	char msg[256];
	void *buf;

	if (size > FUZZ_MAX_LEN)
		return 0;
	/* An exact-size heap copy: ASan catches any read past the end. */
	buf = malloc(size ? size : 1);
	memcpy(buf, data, size);
	if (!gmem_handover_validate(buf, size, &s, &v, &err))
		read_back(&v, buf, size);
	else
		expect(err.reason != GMEM_HO_OK &&
		       memchr(err.session, 0, sizeof(err.session)) &&
		       memchr(err.session2, 0, sizeof(err.session2)));
	expect(gmem_handover_format_error(&err, msg, sizeof(msg)) > 0);
	free(buf);
	return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed)
{
	size = LLVMFuzzerMutate(data, size, max_size);
	if ((seed & 1) && size >= sizeof(struct gmem_handover_header) &&
	    !((uintptr_t)data % 8))
		ho_t_reseal(data, size);
	return size;
}
