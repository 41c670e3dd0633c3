// SPDX-License-Identifier: GPL-2.0
/*
 * attr_host: the work of KVM_SET_MEMORY_ATTRIBUTES(PRIVATE) over [0, size)
 * in one call, on the kernel's own maple tree and xarray built for
 * userspace (the shims of tools/testing/shared), for instruction counts
 * with callgrind and exact node counts.
 *
 *   attr_host ranges|stock SIZE [ALTERNATING]
 *   attr_host query SIZE
 *
 * "ranges" does what kvm_vm_set_mem_attributes() does with this project
 * (virt/kvm/kvm_main.c.patch): the "nothing to do" range check, then
 * kvm_mem_attr_prepare() and kvm_mem_attr_commit(); "stock" what 6.12 does:
 * one xa_reserve() and one xa_store() per gfn.  With ALTERNATING, that many
 * single pages are made private first, every other gfn, above the range.
 * The KVM glue around the store (copy_from_user(), the argument checks,
 * slots_lock, and kvm_handle_gfn_range() over a VM without memslots) is not
 * modelled.  Prints one line:
 *
 *   HOST attr store=<ranges|stock> size=<bytes> nodes=<n> node_bytes=<n>
 *        kmem_bytes=<n>
 *
 * and callgrind, run with --toggle-collect=bench_set, counts the
 * instructions of the call alone.  "query" makes [0, SIZE) private, then
 * asks, for every 2 MiB huge page of it, whether all its gfns are private,
 * as x86's hugepage_has_attrs() does when a memslot is created over
 * private memory (callgrind: --toggle-collect=bench_query):
 *
 *   HOST attr-query size=<bytes> queries=<n>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared.h"
#include <linux/maple_tree.h>
#include <linux/xarray.h>
#include <linux/radix-tree.h>

#define ATTR_PRIVATE	(1UL << 3)
/* Node sizes in the kernel (x86_64); the build must match them. */
#define KERNEL_MAPLE_NODE_BYTES	256
#define KERNEL_XA_NODE_BYTES	576

extern int nr_allocated;
/* The shims' switch for tracing allocations (off). */
int kmalloc_verbose;

/* kvm_mem_attr_range_has() */
static bool ranges_has(struct maple_tree *mt, unsigned long start,
		       unsigned long end, unsigned long attrs)
{
	MA_STATE(mas, mt, start, start);
	void *entry;

	rcu_read_lock();
	for (;;) {
		entry = mas_walk(&mas);
		if (xa_to_value(entry) != attrs)
			break;
		if (mas.last >= end - 1) {
			rcu_read_unlock();
			return true;
		}
		mas_set(&mas, mas.last + 1);
	}
	rcu_read_unlock();
	return false;
}

/* kvm_mem_attr_prepare() and kvm_mem_attr_commit() */
static int ranges_set(struct maple_tree *mt, unsigned long start,
		      unsigned long end, unsigned long attrs)
{
	void *entry = attrs ? xa_mk_value(attrs) : NULL;
	unsigned long first = start, last = end - 1;
	MA_STATE(mas, mt, start, last);
	int r;

	if (ranges_has(mt, start, end, attrs))
		return 0;
	if (start) {
		mas_set(&mas, start - 1);
		if (mas_walk(&mas) == entry)
			first = mas.index;
	}
	if (last != ULONG_MAX) {
		mas_set(&mas, last + 1);
		if (mas_walk(&mas) == entry)
			last = mas.last;
	}
	mas_set_range(&mas, first, last);
	r = mas_preallocate(&mas, entry, GFP_KERNEL);
	if (r)
		return r;
	mas_store_prealloc(&mas, entry);
	return 0;
}

/* Stock 6.12 kvm_vm_set_mem_attributes(): per gfn, reserve then store. */
static int stock_set(struct xarray *xa, unsigned long start,
		     unsigned long end, unsigned long attrs)
{
	void *entry = attrs ? xa_mk_value(attrs) : NULL;
	unsigned long i;
	int r;

	if (xa_to_value(xa_load(xa, start)) == attrs && end == start + 1)
		return 0;
	for (i = start; i < end; i++) {
		r = xa_reserve(xa, i, GFP_KERNEL);
		if (r)
			return r;
	}
	for (i = start; i < end; i++)
		xa_store(xa, i, entry, GFP_KERNEL);
	return 0;
}

/* 2 MiB huge pages, in gfns. */
#define PAGES_2M	512

static struct maple_tree mt;
static DEFINE_XARRAY(xa);

/* The one call that callgrind counts (--toggle-collect=bench_set). */
noinline
int bench_set(bool ranges, unsigned long start, unsigned long end)
{
	return ranges ? ranges_set(&mt, start, end, ATTR_PRIVATE) :
			stock_set(&xa, start, end, ATTR_PRIVATE);
}

/* One range query per huge page, as a memslot's creation makes them. */
noinline
unsigned long bench_query(unsigned long npages)
{
	unsigned long g, n = 0;

	for (g = 0; g + PAGES_2M <= npages; g += PAGES_2M)
		n += ranges_has(&mt, g, g + PAGES_2M, ATTR_PRIVATE);
	return n;
}

static unsigned long parse(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	switch (*end) {
	case 'T': v <<= 10; /* fall through */
	case 'G': v <<= 10; /* fall through */
	case 'M': v <<= 10; /* fall through */
	case 'K': v <<= 10;
	}
	return v;
}

int main(int argc, char *argv[])
{
	unsigned long npages, alt = 0, i, base;
	bool ranges;
	int before, node;

	if (argc < 3 || (strcmp(argv[1], "ranges") && strcmp(argv[1], "stock") &&
			 strcmp(argv[1], "query"))) {
		fprintf(stderr, "usage: %s ranges|stock|query SIZE [ALTERNATING]\n",
			argv[0]);
		return 2;
	}
	ranges = strcmp(argv[1], "stock");
	npages = parse(argv[2]) >> 12;
	if (argc > 3)
		alt = parse(argv[3]);

	rcu_register_thread();
	maple_tree_init();
	radix_tree_init();
	mt_init_flags(&mt, MT_FLAGS_LOCK_EXTERN | MT_FLAGS_USE_RCU);

	base = npages + 1;
	for (i = 0; i < alt; i++) {
		unsigned long g = base + 2 * i;

		if (ranges ? ranges_set(&mt, g, g + 1, ATTR_PRIVATE) :
			     stock_set(&xa, g, g + 1, ATTR_PRIVATE))
			return 1;
	}

	node = ranges ? KERNEL_MAPLE_NODE_BYTES : KERNEL_XA_NODE_BYTES;
	if (sizeof(struct maple_node) != KERNEL_MAPLE_NODE_BYTES ||
	    sizeof(struct xa_node) != KERNEL_XA_NODE_BYTES) {
		fprintf(stderr, "node sizes %zu and %zu are not the kernel's\n",
			sizeof(struct maple_node), sizeof(struct xa_node));
		return 1;
	}
	/* Nodes a store replaced are freed after a grace period. */
	rcu_barrier();
	before = nr_allocated;
	if (bench_set(ranges, 0, npages))
		return 1;
	rcu_barrier();
	if (!strcmp(argv[1], "query")) {
		printf("HOST attr-query size=%lu queries=%lu\n", npages << 12,
		       bench_query(npages));
		return 0;
	}
	printf("HOST attr store=%s size=%lu alternating=%lu nodes=%d kmem_bytes=%d\n",
	       argv[1], npages << 12, alt, nr_allocated - before,
	       (nr_allocated - before) * node);
	if (alt)
		printf("HOST attr-alternating store=%s ranges=%lu nodes=%d bytes_per_range=%.1f\n",
		       argv[1], alt, before, (double)before * node / alt);
	return 0;
}
