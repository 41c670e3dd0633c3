// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for gmem_handover_validate().  The input is taken as a
 * record as is; the mutator also rewrites the checksum of half of its
 * outputs so that mutations reach the rules behind the checksum instead of
 * being stopped by it.  Accepted records are read back through every
 * accessor, and must match the layout they describe.
 */
#include <stdlib.h>

#include "gmem_handover_record_test.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

#define FUZZ_MAX_LEN	(1 << 20)
#define FUZZ_MAX_BITS	(1 << 20)

static unsigned long bits[FUZZ_MAX_BITS / BITS_PER_LONG];

static int count_fn(u64 slot, u32 chunk, void *arg)
{
	(*(u64 *)arg)++;
	return 0;
}

static void read_back(const struct gmem_handover_view *v)
{
	struct gmem_handover_pool pools[GMEM_HANDOVER_MAX_NODES];
	struct gmem_handover_file_info fi;
	struct gmem_handover_error err;
	u64 n = 0;
	u32 i;

	for (i = 0; i < v->nr_nodes; i++)
		gmem_handover_node(v, i, &pools[i]);
	if (gmem_handover_match_layout(v, pools, v->nr_nodes, &err))
		abort();
	for (i = 0; i < v->nr_files; i++) {
		gmem_handover_file(v, i, &fi);
		gmem_handover_walk_file(v, i, count_fn, &n);
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
