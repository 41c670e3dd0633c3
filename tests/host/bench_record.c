// SPDX-License-Identifier: GPL-2.0
/*
 * The work of a restore at boot, on a synthetic record of NR_CHUNKS 2 MiB
 * chunks in 4 files (default 524288: 1 TiB), done REPEAT times:
 *
 *   validate  gmem_handover_validate(), the kernel's own code;
 *   claim     gmem_handover_file() and gmem_handover_walk_file() over every
 *             file (the kernel's own code) with bench_claim_chunk(), a copy
 *             of what gmem_ho_adopt(), gmem_ho_claim_chunk() and
 *             __gmem_pool_claim_chunk() do: the pool lock is held for
 *             batches of GMEM_HO_CLAIM_BATCH chunks; per chunk a bounds
 *             check, bit test and set, owner and free count.  The lock is a
 *             compare-and-swap and a release store, as an uncontended
 *             spin_lock()/spin_unlock() pair is.
 *
 * Prints the time per chunk of both.  Built without sanitizers, for `make
 * bench` and for callgrind, which counts the instructions of each phase
 * exactly (`make callgrind`: one run per phase, --toggle-collect).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "gmem_handover_record_test.h"

#define BENCH_FILES		4
#define BENCH_DEFAULT_CHUNKS	524288	/* 1 TiB of 2 MiB chunks */
#ifndef BENCH_CLAIM_BATCH
#define BENCH_CLAIM_BATCH	1024	/* GMEM_HO_CLAIM_BATCH */
#endif

/* The pool side of a claim: what struct gmem_pool holds for it. */
struct bench_pool {
	int lock;
	unsigned long *bitmap;
	u32 *owners;
	u64 nchunks;
	u64 nfree;
};

struct bench_claim {
	struct bench_pool *pool;
	u32 owner;
	u64 nr;
};

static void bench_lock(int *lock)
{
	int unlocked = 0;

	while (!__atomic_compare_exchange_n(lock, &unlocked, 1, false,
					    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		unlocked = 0;
}

static void bench_unlock(int *lock)
{
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

static int bench_claim_chunk(u64 slot, u32 chunk, void *arg)
{
	struct bench_claim *c = arg;
	struct bench_pool *p = c->pool;
	unsigned long *word = &p->bitmap[chunk / BITS_PER_LONG];
	unsigned long bit = 1UL << (chunk % BITS_PER_LONG);

	if (c->nr && !(c->nr % BENCH_CLAIM_BATCH)) {
		bench_unlock(&p->lock);
		bench_lock(&p->lock);
	}
	if (chunk >= p->nchunks || (*word & bit))
		return -EIO;
	*word |= bit;
	p->owners[chunk] = c->owner;
	p->nfree--;
	c->nr++;
	return 0;
}

/* Every file of the validated record claims its chunks, as at boot. */
static __attribute__((noinline)) int
bench_claim_all(const struct gmem_handover_view *v, struct bench_pool *p)
{
	struct gmem_handover_file_info fi;
	struct bench_claim c = { .pool = p };
	u32 i;
	int ret;

	for (i = 0; i < v->nr_files; i++) {
		gmem_handover_file(v, i, &fi);
		c.owner = i + 1;
		bench_lock(&p->lock);
		ret = gmem_handover_walk_file(v, i, bench_claim_chunk, &c);
		bench_unlock(&p->lock);
		if (ret)
			return ret;
	}
	return c.nr == p->nchunks ? 0 : -EIO;
}

static void bench_pool_reset(struct bench_pool *p)
{
	memset(p->bitmap, 0, (p->nchunks + 7) / 8);
	p->nfree = p->nchunks;
}

static double elapsed_ns(const struct timespec *t0, const struct timespec *t1)
{
	return (t1->tv_sec - t0->tv_sec) * 1e9 + (t1->tv_nsec - t0->tv_nsec);
}

int main(int argc, char **argv)
{
	int i, repeat = argc > 1 ? atoi(argv[1]) : 1;
	u64 nr_chunks = argc > 2 ? strtoull(argv[2], NULL, 0) :
				   BENCH_DEFAULT_CHUNKS;
	unsigned long *bits = calloc(nr_chunks / 8 + 8, 1);
	struct gmem_handover_scratch s = { bits, nr_chunks };
	struct bench_pool pool = {
		.bitmap = calloc(nr_chunks / 8 + 8, 1),
		.owners = calloc(nr_chunks, sizeof(u32)),
		.nchunks = nr_chunks,
	};
	struct gmem_handover_view v;
	struct gmem_handover_error err;
	struct timespec t0, t1, t2;
	double validate_ns = 0, claim_ns = 0;
	size_t need;
	long len;
	void *buf;

	if (repeat < 1 || nr_chunks < BENCH_FILES || nr_chunks % BENCH_FILES ||
	    !bits || !pool.bitmap || !pool.owners) {
		fprintf(stderr, "usage: %s [REPEAT [NR_CHUNKS, a multiple of %d]]\n",
			argv[0], BENCH_FILES);
		return 2;
	}
	if (gmem_handover_record_size(1, BENCH_FILES, nr_chunks + BENCH_FILES,
				      &need))
		return 1;
	buf = aligned_alloc(8, (need + 7) & ~7UL);
	len = buf ? ho_t_build_big(buf, need, nr_chunks, BENCH_FILES) : -1;
	if (len < 0)
		return 1;
	for (i = 0; i < repeat; i++) {
		bench_pool_reset(&pool);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (gmem_handover_validate(buf, len, &s, &v, &err))
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (bench_claim_all(&v, &pool)) {
			fprintf(stderr, "claim failed\n");
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t2);
		validate_ns += elapsed_ns(&t0, &t1);
		claim_ns += elapsed_ns(&t1, &t2);
	}
	printf("record %ld bytes, %llu chunks: validate %.2f ns/chunk (%.3f ms), claim %.2f ns/chunk (%.3f ms)\n",
	       len, (unsigned long long)nr_chunks,
	       validate_ns / repeat / nr_chunks, validate_ns / repeat / 1e6,
	       claim_ns / repeat / nr_chunks, claim_ns / repeat / 1e6);
	free(buf);
	free(bits);
	free(pool.bitmap);
	free(pool.owners);
	return 0;
}
