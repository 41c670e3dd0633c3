// SPDX-License-Identifier: GPL-2.0
/*
 * The work of a restore at boot, on synthetic records of NR_CHUNKS 2 MiB
 * chunks (default 524288: 1 TiB) held by one file, done REPEAT times, for
 * each layout of the record: "one" (one extent) and "per-chunk" (one
 * extent per chunk, the worst case):
 *
 *   validate  gmem_handover_validate(), the kernel's own code;
 *   claim     gmem_handover_file() and gmem_handover_walk_file() over every
 *             file (the kernel's own code) with bench_claim_extent(), a
 *             model of what the restore does with each chunk of an extent:
 *             the pool lock is held for batches of BENCH_CLAIM_BATCH
 *             chunks; per chunk a bounds check, bit test and set, owner and
 *             free count.  The lock is a compare-and-swap and a release
 *             store, as an uncontended spin_lock()/spin_unlock() pair is.
 *
 * Prints one "record" line per layout with the time per chunk of both.
 * Built without sanitizers, for `make bench` and for callgrind, which
 * counts the instructions of each phase exactly (`make callgrind`: one run
 * per phase, --toggle-collect).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gmem_handover_record_test.h"

#define BENCH_DEFAULT_CHUNKS	524288	/* 1 TiB of 2 MiB chunks */
#ifndef BENCH_CLAIM_BATCH
#define BENCH_CLAIM_BATCH	1024
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

static int bench_claim_chunk(struct bench_claim *c, u32 chunk)
{
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

static int bench_claim_extent(u64 slot, u32 chunk, u32 nr, void *arg)
{
	u32 i;
	int ret;

	for (i = 0; i < nr; i++) {
		ret = bench_claim_chunk(arg, chunk + i);
		if (ret)
			return ret;
	}
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
		ret = gmem_handover_walk_file(v, i, bench_claim_extent, &c);
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

static const char * const bench_layouts[] = {
	[HO_T_ONE_EXTENT] = "one",
	[HO_T_PER_CHUNK] = "per-chunk",
};

/* Build the record of @layout, restore it @repeat times, print a line. */
static int bench_layout(enum ho_t_big_layout layout, int repeat,
			struct gmem_handover_scratch *s, struct bench_pool *pool)
{
	u64 nr_extents = ho_t_big_extents(pool->nchunks, layout);
	double validate_ns = 0, claim_ns = 0, chunks = pool->nchunks;
	struct gmem_handover_error err;
	struct gmem_handover_view v;
	struct timespec t0, t1, t2;
	size_t need;
	void *buf;
	long len;
	int i;

	if (gmem_handover_record_size(1, 1, 1, nr_extents, 0, &need))
		return 1;
	buf = aligned_alloc(8, (need + 7) & ~7UL);
	len = buf ? ho_t_build_big(buf, need, pool->nchunks, layout) : -1;
	for (i = 0; len > 0 && i < repeat; i++) {
		bench_pool_reset(pool);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (gmem_handover_validate(buf, len, s, &v, &err))
			len = -EINVAL;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (len > 0 && bench_claim_all(&v, pool))
			len = -EIO;
		clock_gettime(CLOCK_MONOTONIC, &t2);
		validate_ns += elapsed_ns(&t0, &t1);
		claim_ns += elapsed_ns(&t1, &t2);
	}
	free(buf);
	if (len < 0) {
		fprintf(stderr, "%s: record failed (%ld)\n",
			bench_layouts[layout], len);
		return 1;
	}
	printf("record %s: %ld bytes, %llu chunks, %llu extents: validate %.2f ns/chunk (%.3f ms), claim %.2f ns/chunk (%.3f ms)\n",
	       bench_layouts[layout], len, (unsigned long long)pool->nchunks,
	       (unsigned long long)nr_extents,
	       validate_ns / repeat / chunks, validate_ns / repeat / 1e6,
	       claim_ns / repeat / chunks, claim_ns / repeat / 1e6);
	return 0;
}

int main(int argc, char **argv)
{
	int repeat = argc > 1 ? atoi(argv[1]) : 1;
	u64 nr_chunks = argc > 2 ? strtoull(argv[2], NULL, 0) :
				   BENCH_DEFAULT_CHUNKS;
	const char *only = argc > 3 ? argv[3] : NULL;
	unsigned long *bits = calloc(nr_chunks / 8 + 8, 1);
	struct gmem_handover_scratch s = { bits, nr_chunks };
	struct bench_pool pool = {
		.bitmap = calloc(nr_chunks / 8 + 8, 1),
		.owners = calloc(nr_chunks, sizeof(u32)),
		.nchunks = nr_chunks,
	};
	unsigned int l, done = 0;
	int ret = 0;

	if (repeat < 1 || nr_chunks < 2 || nr_chunks % 2 ||
	    nr_chunks > U32_MAX || !bits || !pool.bitmap || !pool.owners) {
		fprintf(stderr, "usage: %s [REPEAT [NR_CHUNKS, even [one|per-chunk]]]\n",
			argv[0]);
		return 2;
	}
	for (l = 0; l < ARRAY_SIZE(bench_layouts); l++) {
		if (only && strcmp(only, bench_layouts[l]))
			continue;
		ret |= bench_layout(l, repeat, &s, &pool);
		done++;
	}
	free(bits);
	free(pool.bitmap);
	free(pool.owners);
	if (!done)
		fprintf(stderr, "%s: no layout %s\n", argv[0], only);
	return done ? ret : 2;
}
