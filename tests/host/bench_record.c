// SPDX-License-Identifier: GPL-2.0
/*
 * Validates a synthetic record of 1 TiB of 2 MiB chunks (524288 chunks,
 * 4 files) REPEAT times and prints the time per chunk.  Built without
 * sanitizers, for `make bench` and for callgrind, which counts the
 * instructions of one validation exactly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "gmem_handover_record_test.h"

int main(int argc, char **argv)
{
	u64 nr_chunks = 524288;
	int i, repeat = argc > 1 ? atoi(argv[1]) : 1;
	unsigned long *bits = calloc(nr_chunks / 8, 1);
	struct gmem_handover_scratch s = { bits, nr_chunks };
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	struct timespec t0, t1;
	size_t need;
	long len;
	void *buf;

	if (gmem_handover_record_size(1, 4, nr_chunks + 4, &need))
		return 1;
	buf = aligned_alloc(8, (need + 7) & ~7UL);
	len = ho_t_build_big(buf, need, nr_chunks, 4);
	if (len < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < repeat; i++)
		if (gmem_handover_validate(buf, len, &s, &v, &err))
			return 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("record %ld bytes, %llu chunks: %.2f ns per chunk, %.3f ms per validation\n",
	       len, (unsigned long long)nr_chunks,
	       ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) /
	       repeat / nr_chunks,
	       ((t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6) /
	       repeat);
	free(buf);
	free(bits);
	return 0;
}
