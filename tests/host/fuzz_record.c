// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for gmem_handover_validate().  The input is taken as a
 * record as is; the mutator also rewrites the checksum of half of its
 * outputs so that mutations reach the rules behind the checksum instead of
 * being stopped by it.  Accepted records are read back through every
 * accessor, and must match the layout they describe.
 */
#include <stdlib.h>
#include <linux/bitops.h>

#include "gmem_handover_record_test.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

#define FUZZ_MAX_LEN	(1 << 20)
#define FUZZ_MAX_BITS	(1 << 20)

static unsigned long bits[FUZZ_MAX_BITS / BITS_PER_LONG];
static unsigned long seen[FUZZ_MAX_BITS / BITS_PER_LONG];

/* The oracle: what an accepted record promises, checked the naive way. */
struct oracle {
	u64 first_bit;
	u64 nr_chunks;
	u64 nr_slots;
};

static int oracle_fn(u64 slot, u32 chunk, void *arg)
{
	struct oracle *o = arg;

	if (slot >= o->nr_slots || chunk >= o->nr_chunks ||
	    __test_and_set_bit(o->first_bit + chunk, seen))
		abort();
	return 0;
}

static void read_back(const struct gmem_handover_view *v)
{
	struct gmem_handover_pool pools[GMEM_HANDOVER_MAX_NODES];
	u64 first_bit[GMEM_HANDOVER_MAX_NODES], total = 0;
	struct gmem_handover_file_info fi;
	struct gmem_handover_error err;
	struct oracle o;
	u32 i, j;

	for (i = 0; i < v->nr_nodes; i++) {
		gmem_handover_node(v, i, &pools[i]);
		first_bit[i] = total;
		total += pools[i].nr_chunks;
	}
	if (gmem_handover_match_layout(v, pools, v->nr_nodes, &err))
		abort();
	memset(seen, 0, BITS_TO_LONGS(total) * sizeof(long));
	for (i = 0; i < v->nr_files; i++) {
		gmem_handover_file(v, i, &fi);
		for (j = 0; j < v->nr_nodes && pools[j].nid != fi.nid; j++)
			;
		if (j == v->nr_nodes || !fi.token ||
		    fi.size != fi.nr_slots << pools[j].chunk_shift)
			abort();
		o.first_bit = first_bit[j];
		o.nr_chunks = pools[j].nr_chunks;
		o.nr_slots = fi.nr_slots;
		gmem_handover_walk_file(v, i, oracle_fn, &o);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gmem_handover_scratch s = { bits, FUZZ_MAX_BITS };
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	char msg[160];
	void *buf;

	if (size > FUZZ_MAX_LEN)
		return 0;
	/* An exact-size heap copy: ASan catches any read past the end. */
	buf = malloc(size ? size : 1);
	memcpy(buf, data, size);
	if (!gmem_handover_validate(buf, size, &s, &v, &err))
		read_back(&v);
	else if (err.reason == GMEM_HO_OK)
		abort();
	gmem_handover_format_error(&err, msg, sizeof(msg));
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
