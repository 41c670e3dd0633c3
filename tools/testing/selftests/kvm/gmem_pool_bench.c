// SPDX-License-Identifier: GPL-2.0
/*
 * gmem_pool_bench: how guest memory backed by the gmem pool is mapped,
 * compared with stock guest_memfd.
 *
 * A benchmark, not a test: it prints figures and fails only if it cannot
 * measure.  For each backing (stock guest_memfd, then the pool if the
 * kernel has one) it creates a KVM_X86_SW_PROTECTED_VM, backs SIZE bytes of
 * private guest memory with a new guest_memfd, preallocates it with
 * fallocate(), lets the guest write one word to every 4 KiB page of it, and
 * prints one line:
 *
 *   BENCH gmem backing=<stock|pool> chunk=<bytes> size=<bytes>
 *         pages_4k=<n> pages_2m=<n> pages_1g=<n> faults=<n>
 *         fallocate_ns=<ns> touch_ns=<ns> at_chunk_pct=<0..100>
 *
 * pages_* are deltas of the VM's KVM stats while the guest runs (slot 0 is
 * prefaulted first, so only the measured region faults), faults is the
 * vCPU's pf_taken delta, at_chunk_pct the share of the region that the
 * largest mapping level the backing allows covers (4K for stock).  A
 * closing "BENCH gmem-ratio" line gives pool/stock fallocate and touch
 * times: run both in the same boot, timings under TCG are only comparable
 * within one run.
 *
 * Then a default-type VM (no private memory) runs the same guest over an
 * ordinary memslot backed by a mapped pool file (GUEST_MEMFD_FLAG_POOL_MMAP),
 * by anonymous memory and by hugetlbfs 2M pages (allocated through
 * nr_hugepages for the run), one line each:
 *
 *   BENCH gmem-default backing=<pool-mmap|anon|hugetlb-2m> chunk=<bytes>
 *         size=<bytes> pages_4k=<n> pages_2m=<n> pages_1g=<n> faults=<n>
 *         host_4k=<n> host_2m=<n> host_1g=<n>
 *
 * host_* count the VMM's page-table entries of each size over the region
 * after the run (from CONFIG_PTDUMP_DEBUGFS); a closing
 * "BENCH gmem-default-ratio" line gives the pool's faults over anon's and
 * over hugetlbfs's.
 *
 * Then conversions: for each backing, a KVM_X86_SW_PROTECTED_VM guest writes
 * every page, then converts one page of every 2 MiB (1 in 512) to shared and
 * back, as a confidential guest would, through KVM_HC_MAP_GPA_RANGE; the
 * VMM sets the attributes and punches the page out of the guest_memfd when
 * it goes shared, as QEMU does; the guest then writes every page again:
 *
 *   BENCH gmem-convert backing=<stock|pool> chunk=<bytes> size=<bytes>
 *         conversions=<n> before_4k=<n> before_2m=<n> before_1g=<n>
 *         after_4k=<n> after_2m=<n> after_1g=<n> convert_ns=<ns>
 *
 * before_* are KVM's entries over the region after the first pass, after_*
 * after the second; convert_ns is the time of one round trip (shared and
 * back), and a "BENCH gmem-convert-ratio" line gives pool over stock.
 *
 * With -f, fault-in instead (issue 16), and nothing else: no fallocate, the
 * guest's first write to each 2 MiB takes the fault that allocates, zeroes
 * and maps the backing's page, for the pool's private guest_memfd
 * (KVM_X86_SW_PROTECTED_VM), a mapped pool file (default VM, ordinary
 * memslot) and hugetlbfs pages of the pool's chunk size (default VM,
 * ordinary memslot; the boot reserves them), one line per backing:
 *
 *   BENCH fault backing=<pool|pool-mmap|hugetlb> chunk=<bytes> size=<bytes>
 *         faults=<n> pages_4k=<n> pages_2m=<n> pages_1g=<n> ns=<ns>
 *         mib_per_s=<n>
 *
 * Each backing runs BENCH_FAULT_ROUNDS times, the backings taking turns,
 * and the fastest round is printed; "BENCH fault-ratio" gives the pool
 * backings' throughput over hugetlbfs's (above 1: the pool is faster).
 *
 * Usage: gmem_pool_bench [-f] [-s SIZE]   (default 1G; suffixes as
 * parse_size() takes them; a multiple of the pool's chunk size)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#include <linux/falloc.h>
#include <linux/sizes.h>

#include "gmem_pool_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "test_util.h"

#define BENCH_SLOT		10
#define BENCH_GPA		SZ_4G
#define BENCH_DEFAULT_SIZE	SZ_1G
#define PCT			100
/* The page of each 2 MiB range that the conversion benchmark converts. */
#define BENCH_CONVERT_PAGE	(SZ_1M + PAGE_SIZE)
/* KVM_HC_MAP_GPA_RANGE attribute flags, between guest and VMM only. */
#define BENCH_MAP_SHARED	BIT(0)

enum bench_convert_stage {
	BENCH_TOUCHED = 1,
	BENCH_CONVERTED,
};

#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB		(21 << MAP_HUGE_SHIFT)
#endif
#ifndef MAP_HUGE_1GB
#define MAP_HUGE_1GB		(30 << MAP_HUGE_SHIFT)
#endif
/* Rounds of the fault-in benchmark; the fastest of each backing counts. */
#define BENCH_FAULT_ROUNDS	3
#define BENCH_MIB_SHIFT		20

struct bench_result {
	const char *backing;
	uint64_t chunk, size;
	uint64_t p4k, p2m, p1g, faults;
	uint64_t fallocate_ns, touch_ns;
	uint64_t at_chunk_pct;
};

struct bench_counters {
	uint64_t p4k, p2m, p1g, faults;
};

static void guest_touch(uint64_t gpa, uint64_t size)
{
	uint64_t off;

	for (off = 0; off < size; off += PAGE_SIZE)
		WRITE_ONCE(*(uint64_t *)(gpa + off), off | 1);
	GUEST_DONE();
}

static void guest_convert(uint64_t gpa, uint64_t size)
{
	uint64_t off;

	for (off = 0; off < size; off += PAGE_SIZE)
		WRITE_ONCE(*(uint64_t *)(gpa + off), off | 1);
	GUEST_SYNC(BENCH_TOUCHED);

	for (off = BENCH_CONVERT_PAGE; off < size; off += SZ_2M) {
		kvm_hypercall_map_gpa_range(gpa + off, PAGE_SIZE,
					    BENCH_MAP_SHARED);
		WRITE_ONCE(*(uint64_t *)(gpa + off), off | 2);
		kvm_hypercall_map_gpa_range(gpa + off, PAGE_SIZE, 0);
	}
	GUEST_SYNC(BENCH_CONVERTED);

	for (off = 0; off < size; off += PAGE_SIZE)
		WRITE_ONCE(*(uint64_t *)(gpa + off), off | 3);
	GUEST_DONE();
}

/* Fault-in: one write per 2 MiB, each the first touch of its page. */
static void guest_fault_in(uint64_t gpa, uint64_t size)
{
	uint64_t off;

	for (off = 0; off < size; off += SZ_2M)
		WRITE_ONCE(*(uint64_t *)(gpa + off), off | 1);
	GUEST_DONE();
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static uint64_t vcpu_stat(struct kvm_vcpu *vcpu, const char *name)
{
	struct kvm_stats_header header;
	struct kvm_stats_desc *descs, *desc;
	uint64_t val = 0;
	int fd, i;

	fd = vcpu_get_stats_fd(vcpu);
	read_stats_header(fd, &header);
	descs = read_stats_descriptors(fd, &header);
	for (i = 0; i < header.num_desc; i++) {
		desc = get_stats_descriptor(descs, i, &header);
		if (!strcmp(desc->name, name)) {
			read_stat_data(fd, &header, desc, &val, 1);
			break;
		}
	}
	TEST_ASSERT(i < header.num_desc, "no vCPU stat %s", name);
	free(descs);
	close(fd);
	return val;
}

static struct bench_counters read_counters(struct kvm_vm *vm,
					   struct kvm_vcpu *vcpu)
{
	return (struct bench_counters) {
		.p4k = vm_get_stat(vm, "pages_4k"),
		.p2m = vm_get_stat(vm, "pages_2m"),
		.p1g = vm_get_stat(vm, "pages_1g"),
		.faults = vcpu_stat(vcpu, "pf_taken"),
	};
}

static void run_guest(struct kvm_vcpu *vcpu)
{
	struct ucall uc;

	vcpu_run(vcpu);
	TEST_ASSERT_KVM_EXIT_REASON(vcpu, KVM_EXIT_IO);
	switch (get_ucall(vcpu, &uc)) {
	case UCALL_DONE:
		break;
	case UCALL_ABORT:
		REPORT_GUEST_ASSERT(uc);
	default:
		TEST_FAIL("unexpected ucall %lu", uc.cmd);
	}
}

/* Share of @r's region mapped at its chunk size, in percent. */
static uint64_t at_chunk_pct(const struct bench_result *r)
{
	uint64_t mapped;

	switch (r->chunk) {
	case SZ_1G:
		mapped = r->p1g * SZ_1G;
		break;
	case SZ_2M:
		mapped = r->p2m * SZ_2M;
		break;
	default:
		mapped = r->p4k * PAGE_SIZE;
		break;
	}
	return mapped * PCT / r->size;
}

/* Shared backing aligned like the gpa, so that nothing forces 4K there. */
static void *map_shared(uint64_t size, uint64_t align, void **raw)
{
	*raw = mmap(NULL, size + align, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	TEST_ASSERT(*raw != MAP_FAILED, "mmap: %s", strerror(errno));
	return align_ptr_up(*raw, align);
}

/*
 * Bind @fd as @size bytes of private memory at BENCH_GPA, map it 2M in the
 * guest, pass the guest its range, and map slot 0 up front: only the
 * measured region may fault after this.  Returns the shared backing to
 * munmap() (@size + 1 GiB).
 */
static void *bench_bind(struct kvm_vm *vm, struct kvm_vcpu *vcpu, int fd,
			uint64_t size)
{
	void *shared, *raw;

	shared = map_shared(size, SZ_1G, &raw);
	vm_set_user_memory_region2(vm, BENCH_SLOT, KVM_MEM_GUEST_MEMFD,
				   BENCH_GPA, size, shared, fd, 0);
	vm_mem_set_private(vm, BENCH_GPA, size);
	virt_map_level(vm, BENCH_GPA, BENCH_GPA, size, PG_LEVEL_2M);
	vcpu_args_set(vcpu, 2, BENCH_GPA, size);
	gmem_pool_prefault_slot0(vcpu);
	return raw;
}

/* What the counters gained since @c0. */
static struct bench_counters counters_since(const struct bench_counters *c0,
					    struct kvm_vm *vm,
					    struct kvm_vcpu *vcpu)
{
	struct bench_counters c1 = read_counters(vm, vcpu);

	return (struct bench_counters) {
		.p4k = c1.p4k - c0->p4k,
		.p2m = c1.p2m - c0->p2m,
		.p1g = c1.p1g - c0->p1g,
		.faults = c1.faults - c0->faults,
	};
}

static void bench_one(struct bench_result *r, bool pool, int nid)
{
	struct bench_counters c0, d;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	uint64_t t0;
	void *raw;
	int fd;

	vm = gmem_pool_create_private_vm(&vcpu, guest_touch);
	fd = gmem_pool_create(vm, r->size, pool ? GUEST_MEMFD_FLAG_POOL : 0,
			      pool ? nid : 0);

	t0 = now_ns();
	TEST_ASSERT(!fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, r->size),
		    "fallocate: %s", strerror(errno));
	r->fallocate_ns = now_ns() - t0;
	raw = bench_bind(vm, vcpu, fd, r->size);

	c0 = read_counters(vm, vcpu);
	t0 = now_ns();
	run_guest(vcpu);
	r->touch_ns = now_ns() - t0;
	d = counters_since(&c0, vm, vcpu);

	r->p4k = d.p4k;
	r->p2m = d.p2m;
	r->p1g = d.p1g;
	r->faults = d.faults;
	r->at_chunk_pct = at_chunk_pct(r);

	kvm_vm_free(vm);
	close(fd);
	munmap(raw, r->size + SZ_1G);
}

struct convert_result {
	const char *backing;
	uint64_t chunk, size, conversions;
	struct bench_counters before, after;
	uint64_t convert_ns;
};

/* The VMM's half of a conversion: attributes, and a punch when shared. */
static void convert_handle(struct kvm_vcpu *vcpu, int fd)
{
	struct kvm_run *run = vcpu->run;
	uint64_t gpa = run->hypercall.args[0];
	uint64_t len = run->hypercall.args[1] * PAGE_SIZE;
	bool shared = run->hypercall.args[2] & BENCH_MAP_SHARED;

	TEST_ASSERT_EQ(run->hypercall.nr, KVM_HC_MAP_GPA_RANGE);
	vm_set_memory_attributes(vcpu->vm, gpa, len,
				 shared ? 0 : KVM_MEMORY_ATTRIBUTE_PRIVATE);
	if (shared)
		TEST_ASSERT(!fallocate(fd, FALLOC_FL_KEEP_SIZE |
				       FALLOC_FL_PUNCH_HOLE, gpa - BENCH_GPA,
				       len), "punch: %s", strerror(errno));
	run->hypercall.ret = 0;
}

/* Run until the next ucall, serving conversions; returns the ucall. */
static uint64_t convert_run(struct kvm_vcpu *vcpu, int fd)
{
	struct ucall uc;

	for (;;) {
		vcpu_run(vcpu);
		if (vcpu->run->exit_reason == KVM_EXIT_HYPERCALL) {
			convert_handle(vcpu, fd);
			continue;
		}
		TEST_ASSERT_KVM_EXIT_REASON(vcpu, KVM_EXIT_IO);
		switch (get_ucall(vcpu, &uc)) {
		case UCALL_SYNC:
			return uc.args[1];
		case UCALL_DONE:
			return 0;
		case UCALL_ABORT:
			REPORT_GUEST_ASSERT(uc);
		default:
			TEST_FAIL("unexpected ucall %lu", uc.cmd);
		}
	}
}

static void bench_convert(struct convert_result *r, bool pool, int nid)
{
	struct bench_counters c0;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	uint64_t t0;
	void *raw;
	int fd;

	vm = gmem_pool_create_private_vm(&vcpu, guest_convert);
	vm_enable_cap(vm, KVM_CAP_EXIT_HYPERCALL, BIT(KVM_HC_MAP_GPA_RANGE));
	fd = gmem_pool_create(vm, r->size, pool ? GUEST_MEMFD_FLAG_POOL : 0,
			      pool ? nid : 0);
	TEST_ASSERT(!fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, r->size),
		    "fallocate: %s", strerror(errno));
	raw = bench_bind(vm, vcpu, fd, r->size);

	c0 = read_counters(vm, vcpu);
	TEST_ASSERT_EQ(convert_run(vcpu, fd), BENCH_TOUCHED);
	r->before = counters_since(&c0, vm, vcpu);

	t0 = now_ns();
	TEST_ASSERT_EQ(convert_run(vcpu, fd), BENCH_CONVERTED);
	r->conversions = r->size / SZ_2M;
	r->convert_ns = (now_ns() - t0) / r->conversions;

	TEST_ASSERT_EQ(convert_run(vcpu, fd), 0);
	r->after = counters_since(&c0, vm, vcpu);

	kvm_vm_free(vm);
	close(fd);
	munmap(raw, r->size + SZ_1G);
}

static void print_convert(const struct convert_result *r)
{
	printf("BENCH gmem-convert backing=%s chunk=%lu size=%lu conversions=%lu",
	       r->backing, r->chunk, r->size, r->conversions);
	printf(" before_4k=%lu before_2m=%lu before_1g=%lu", r->before.p4k,
	       r->before.p2m, r->before.p1g);
	printf(" after_4k=%lu after_2m=%lu after_1g=%lu convert_ns=%lu\n",
	       r->after.p4k, r->after.p2m, r->after.p1g, r->convert_ns);
}

static void print_result(const struct bench_result *r)
{
	printf("BENCH gmem backing=%s chunk=%lu size=%lu", r->backing, r->chunk,
	       r->size);
	printf(" pages_4k=%lu pages_2m=%lu pages_1g=%lu faults=%lu", r->p4k,
	       r->p2m, r->p1g, r->faults);
	printf(" fallocate_ns=%lu touch_ns=%lu at_chunk_pct=%lu\n",
	       r->fallocate_ns, r->touch_ns, r->at_chunk_pct);
}

/* Ratio pool/stock in thousandths, printed as a decimal. */
static void print_ratio(const char *what, uint64_t pool, uint64_t stock)
{
	uint64_t milli = stock ? pool * 1000 / stock : 0;

	printf(" %s=%lu.%03lu", what, milli / 1000, milli % 1000);
}

/*
 * Default-type VMs: guest memory is an ordinary memslot whose
 * userspace_addr points at a mapped pool file (GUEST_MEMFD_FLAG_POOL_MMAP),
 * at anonymous memory (THP as configured) or at hugetlbfs 2M pages.
 */
enum default_backing {
	DEF_POOL_MMAP,
	DEF_ANON,
	DEF_HUGETLB_2M,
	DEF_NR,
};

static const char * const default_names[DEF_NR] = {
	[DEF_POOL_MMAP] = "pool-mmap",
	[DEF_ANON] = "anon",
	[DEF_HUGETLB_2M] = "hugetlb-2m",
};

struct default_result {
	struct bench_counters c;
	uint64_t host[GMEM_POOL_NR_LEVELS];
	bool ran;
};

struct default_mem {
	void *mem, *raw;
	uint64_t raw_len;
	int fd;
};

#define HUGETLB_NR_FILE	"/proc/sys/vm/nr_hugepages"

static long hugetlb_set_pages(long nr)
{
	FILE *f = fopen(HUGETLB_NR_FILE, "r+");
	long got = -1;

	if (!f)
		return -1;
	fprintf(f, "%ld\n", nr);
	fflush(f);
	rewind(f);
	if (fscanf(f, "%ld", &got) != 1)
		got = -1;
	fclose(f);
	return got;
}

/* Map @size bytes of backing @b, 1 GiB-aligned where the backing lets us. */
static bool default_map(struct default_mem *m, enum default_backing b,
			struct kvm_vm *vm, uint64_t size, int nid)
{
	m->fd = -1;
	switch (b) {
	case DEF_POOL_MMAP:
		m->fd = gmem_pool_create(vm, size, GUEST_MEMFD_FLAG_POOL |
					 GUEST_MEMFD_FLAG_POOL_MMAP, nid);
		m->raw_len = size;
		m->raw = gmem_pool_map(m->fd, size);
		m->mem = m->raw;
		return true;
	case DEF_ANON:
		m->raw_len = size + SZ_1G;
		m->mem = map_shared(size, SZ_1G, &m->raw);
		return true;
	case DEF_HUGETLB_2M:
		if (hugetlb_set_pages(size / SZ_2M) < (long)(size / SZ_2M))
			return false;
		m->raw_len = size;
		m->raw = mmap(NULL, size, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
			      MAP_HUGE_2MB, -1, 0);
		m->mem = m->raw;
		return m->raw != MAP_FAILED;
	default:
		return false;
	}
}

static void default_unmap(struct default_mem *m, enum default_backing b)
{
	munmap(m->raw, m->raw_len);
	if (m->fd >= 0)
		close(m->fd);
	if (b == DEF_HUGETLB_2M)
		hugetlb_set_pages(0);
}

static bool bench_default(struct default_result *r, enum default_backing b,
			  uint64_t size, int nid)
{
	struct bench_counters c0;
	struct default_mem m;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;

	vm = vm_create_with_one_vcpu(&vcpu, guest_touch);
	if (!default_map(&m, b, vm, size, nid)) {
		hugetlb_set_pages(0);
		kvm_vm_free(vm);
		return false;
	}
	vm_set_user_memory_region(vm, BENCH_SLOT, 0, BENCH_GPA, size, m.mem);
	virt_map_level(vm, BENCH_GPA, BENCH_GPA, size, PG_LEVEL_2M);
	vcpu_args_set(vcpu, 2, BENCH_GPA, size);
	gmem_pool_prefault_slot0(vcpu);

	c0 = read_counters(vm, vcpu);
	run_guest(vcpu);
	r->c = counters_since(&c0, vm, vcpu);
	TEST_ASSERT(gmem_pool_host_levels(m.mem, size, r->host),
		    "cannot read the host page tables (CONFIG_PTDUMP_DEBUGFS)");
	r->ran = true;

	kvm_vm_free(vm);
	default_unmap(&m, b);
	return true;
}

static void print_default(enum default_backing b, const struct default_result *r,
			  uint64_t chunk, uint64_t size)
{
	uint64_t unit = b == DEF_POOL_MMAP ? chunk :
			b == DEF_HUGETLB_2M ? SZ_2M : PAGE_SIZE;

	if (!r->ran) {
		printf("BENCH gmem-default backing=%s skipped\n", default_names[b]);
		return;
	}
	printf("BENCH gmem-default backing=%s chunk=%lu size=%lu",
	       default_names[b], unit, size);
	printf(" pages_4k=%lu pages_2m=%lu pages_1g=%lu faults=%lu", r->c.p4k,
	       r->c.p2m, r->c.p1g, r->c.faults);
	printf(" host_4k=%lu host_2m=%lu host_1g=%lu\n",
	       r->host[GMEM_POOL_PTE] >> 12, r->host[GMEM_POOL_PMD] >> 21,
	       r->host[GMEM_POOL_PUD] >> 30);
}

/* Every default-type backing the kernel offers, then faults relative to anon. */
static void bench_default_all(uint64_t chunk, uint64_t size)
{
	struct default_result r[DEF_NR] = {};
	int b, nid = chunk ? gmem_pool_find_node(size / chunk) : -1;

	for (b = 0; b < DEF_NR; b++) {
		if (b != DEF_POOL_MMAP || nid >= 0)
			bench_default(&r[b], b, size, nid);
		print_default(b, &r[b], chunk, size);
	}
	printf("BENCH gmem-default-ratio chunk=%lu", chunk);
	print_ratio("faults_pool_over_anon", r[DEF_POOL_MMAP].c.faults,
		    r[DEF_ANON].c.faults);
	print_ratio("faults_pool_over_hugetlb", r[DEF_POOL_MMAP].c.faults,
		    r[DEF_HUGETLB_2M].c.faults);
	printf("\n");
}

/* Conversions on stock guest_memfd and on the pool, side by side. */
static void bench_convert_all(uint64_t chunk, uint64_t size)
{
	struct convert_result stock = {
		.backing = "stock", .chunk = PAGE_SIZE, .size = size,
	};
	struct convert_result pool = {
		.backing = "pool", .chunk = chunk, .size = size,
	};
	int nid = gmem_pool_find_node(size / chunk);

	TEST_ASSERT(nid >= 0, "no pool node with %lu free chunks", size / chunk);
	bench_convert(&stock, false, 0);
	print_convert(&stock);
	bench_convert(&pool, true, nid);
	print_convert(&pool);
	printf("BENCH gmem-convert-ratio chunk=%lu", chunk);
	print_ratio("convert_pool_over_stock", pool.convert_ns, stock.convert_ns);
	printf("\n");
}

enum fault_backing {
	FAULT_POOL,
	FAULT_POOL_MMAP,
	FAULT_HUGETLB,
	FAULT_NR,
};

static const char * const fault_names[FAULT_NR] = {
	[FAULT_POOL] = "pool",
	[FAULT_POOL_MMAP] = "pool-mmap",
	[FAULT_HUGETLB] = "hugetlb",
};

struct fault_result {
	struct bench_counters c;
	uint64_t ns;
	bool ran;
};

/* Make @nr hugetlbfs pages of @page_size free; the boot should have. */
static bool hugetlb_reserve(uint64_t page_size, uint64_t nr)
{
	char path[128];
	long free_pages = -1;
	FILE *f;

	snprintf(path, sizeof(path),
		 "/sys/kernel/mm/hugepages/hugepages-%lukB/free_hugepages",
		 page_size >> 10);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (fscanf(f, "%ld", &free_pages) != 1)
		free_pages = -1;
	fclose(f);
	if (free_pages >= (long)nr)
		return true;
	if (page_size == SZ_2M)
		return hugetlb_set_pages(nr) >= (long)nr;
	return false;
}

/* Map @size bytes of @b behind an ordinary memslot of @vm. */
static bool fault_map(struct default_mem *m, enum fault_backing b,
		      struct kvm_vm *vm, uint64_t chunk, uint64_t size, int nid)
{
	int huge = chunk == SZ_1G ? MAP_HUGE_1GB : MAP_HUGE_2MB;

	if (b == FAULT_POOL_MMAP)
		return default_map(m, DEF_POOL_MMAP, vm, size, nid);
	m->fd = -1;
	m->raw_len = size;
	if (!hugetlb_reserve(chunk, size / chunk))
		return false;
	m->raw = mmap(NULL, size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | huge, -1, 0);
	m->mem = m->raw;
	return m->raw != MAP_FAILED;
}

/* One round of backing @b: time the guest's first touch of @size bytes. */
static bool bench_fault_one(struct fault_result *r, enum fault_backing b,
			    uint64_t chunk, uint64_t size, int nid)
{
	struct bench_counters c0;
	struct default_mem m;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	void *raw = NULL;
	uint64_t t0, ns;
	int fd = -1;

	if (b == FAULT_POOL) {
		vm = gmem_pool_create_private_vm(&vcpu, guest_fault_in);
		fd = gmem_pool_create(vm, size, GUEST_MEMFD_FLAG_POOL, nid);
		raw = bench_bind(vm, vcpu, fd, size);
	} else {
		vm = vm_create_with_one_vcpu(&vcpu, guest_fault_in);
		if (!fault_map(&m, b, vm, chunk, size, nid)) {
			kvm_vm_free(vm);
			return false;
		}
		vm_set_user_memory_region(vm, BENCH_SLOT, 0, BENCH_GPA, size,
					  m.mem);
		virt_map_level(vm, BENCH_GPA, BENCH_GPA, size, PG_LEVEL_2M);
		vcpu_args_set(vcpu, 2, BENCH_GPA, size);
		gmem_pool_prefault_slot0(vcpu);
	}

	c0 = read_counters(vm, vcpu);
	t0 = now_ns();
	run_guest(vcpu);
	ns = now_ns() - t0;
	if (!r->ran || ns < r->ns) {
		r->ns = ns;
		r->c = counters_since(&c0, vm, vcpu);
	}
	r->ran = true;

	kvm_vm_free(vm);
	if (b == FAULT_POOL) {
		close(fd);
		munmap(raw, size + SZ_1G);
	} else {
		munmap(m.raw, m.raw_len);
		if (m.fd >= 0)
			close(m.fd);
	}
	return true;
}

static uint64_t fault_mib_per_s(const struct fault_result *r, uint64_t size)
{
	return r->ns ? (size >> BENCH_MIB_SHIFT) * NSEC_PER_SEC / r->ns : 0;
}

static void print_fault(enum fault_backing b, const struct fault_result *r,
			uint64_t chunk, uint64_t size)
{
	if (!r->ran) {
		printf("BENCH fault backing=%s chunk=%lu skipped\n",
		       fault_names[b], chunk);
		return;
	}
	printf("BENCH fault backing=%s chunk=%lu size=%lu faults=%lu",
	       fault_names[b], chunk, size, r->c.faults);
	printf(" pages_4k=%lu pages_2m=%lu pages_1g=%lu ns=%lu mib_per_s=%lu\n",
	       r->c.p4k, r->c.p2m, r->c.p1g, r->ns, fault_mib_per_s(r, size));
}

/* Fault-in of each backing, the backings taking turns round after round. */
static void bench_fault_all(uint64_t chunk, uint64_t size)
{
	struct fault_result r[FAULT_NR] = {};
	int b, round, nid = gmem_pool_find_node(size / chunk);

	TEST_ASSERT(nid >= 0, "no pool node with %lu free chunks", size / chunk);
	for (round = 0; round < BENCH_FAULT_ROUNDS; round++)
		for (b = 0; b < FAULT_NR; b++)
			bench_fault_one(&r[b], b, chunk, size, nid);
	for (b = 0; b < FAULT_NR; b++)
		print_fault(b, &r[b], chunk, size);

	/* Throughput ratios: hugetlbfs time over pool time. */
	printf("BENCH fault-ratio chunk=%lu", chunk);
	print_ratio("pool_over_hugetlb", r[FAULT_HUGETLB].ns, r[FAULT_POOL].ns);
	print_ratio("pool_mmap_over_hugetlb", r[FAULT_HUGETLB].ns,
		    r[FAULT_POOL_MMAP].ns);
	printf("\n");
}

static uint64_t bench_parse_args(int argc, char *argv[], bool *fault)
{
	uint64_t size = BENCH_DEFAULT_SIZE;
	int opt;

	while ((opt = getopt(argc, argv, "fs:")) != -1) {
		switch (opt) {
		case 'f':
			*fault = true;
			break;
		case 's':
			size = parse_size(optarg);
			break;
		default:
			printf("usage: %s [-f] [-s SIZE]\n", argv[0]);
			exit(KSFT_FAIL);
		}
	}
	TEST_ASSERT(size && !(size % SZ_2M), "size %lu is not a multiple of 2 MiB", size);
	return size;
}

int main(int argc, char *argv[])
{
	struct bench_result stock = { .backing = "stock", .chunk = PAGE_SIZE };
	struct bench_result pool = { .backing = "pool" };
	bool fault = false;
	uint64_t size = bench_parse_args(argc, argv, &fault);
	int nid;

	TEST_REQUIRE(kvm_has_cap(KVM_CAP_GUEST_MEMFD));
	TEST_REQUIRE(kvm_check_cap(KVM_CAP_VM_TYPES) &
		     BIT(KVM_X86_SW_PROTECTED_VM));

	pool.chunk = kvm_check_cap(KVM_CAP_GUEST_MEMFD_POOL);
	stock.size = size;
	pool.size = size;

	if (fault) {
		TEST_REQUIRE(pool.chunk);
		TEST_ASSERT(!(size % pool.chunk),
			    "size %lu is not a multiple of the chunk size %lu",
			    size, pool.chunk);
		bench_fault_all(pool.chunk, size);
		return 0;
	}

	bench_one(&stock, false, 0);
	print_result(&stock);

	if (!pool.chunk) {
		bench_default_all(0, size);
		printf("BENCH gmem no pool: KVM_CAP_GUEST_MEMFD_POOL is 0\n");
		return KSFT_SKIP;
	}
	TEST_ASSERT(!(size % pool.chunk), "size %lu is not a multiple of the chunk size %lu",
		    size, pool.chunk);
	nid = gmem_pool_find_node(size / pool.chunk);
	TEST_ASSERT(nid >= 0, "no pool node with %lu free chunks", size / pool.chunk);

	bench_one(&pool, true, nid);
	print_result(&pool);

	printf("BENCH gmem-ratio chunk=%lu", pool.chunk);
	print_ratio("fallocate_pool_over_stock", pool.fallocate_ns, stock.fallocate_ns);
	print_ratio("touch_pool_over_stock", pool.touch_ns, stock.touch_ns);
	print_ratio("faults_pool_over_stock", pool.faults, stock.faults);
	printf("\n");

	bench_default_all(pool.chunk, size);
	bench_convert_all(pool.chunk, size);
	return 0;
}
