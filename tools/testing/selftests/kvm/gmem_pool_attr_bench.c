// SPDX-License-Identifier: GPL-2.0
/*
 * gmem_pool_attr_bench: the cost of KVM_SET_MEMORY_ATTRIBUTES(PRIVATE) over
 * large ranges, as a VMM pays it when it reattaches preserved guest memory.
 *
 * A benchmark, not a test: it prints figures and fails only if it cannot
 * measure.  For each size (-s, a comma-separated list; 1G,4G,16G,64G by
 * default) it creates a KVM_X86_SW_PROTECTED_VM without memslots (none are
 * needed to set attributes), makes [0, size) private in one call, and prints
 * one line while the VM still holds its attributes:
 *
 *   BENCH reattach-attr size=<bytes> ns=<ns> stime_ns=<ns> avg_ns=<ns>
 *         slab_kib=<n> vmalloc_kib=<n> maple_nodes=<n> radix_nodes=<n>
 *         kmem_bytes=<n>
 *
 * ns is the wall time of the call, stime_ns the kernel time the process was
 * charged for it; avg_ns, when the first call took under a millisecond, the
 * mean over rounds of shared-then-private calls over the same range (0
 * otherwise).  slab_kib and vmalloc_kib are the deltas of Slab and
 * VmallocUsed in /proc/meminfo; maple_nodes and radix_nodes the deltas of
 * the active objects of the maple_node and radix_tree_node caches in
 * /proc/slabinfo (the attribute store's nodes, ranges or xarray), and
 * kmem_bytes those deltas times the objects' sizes: meminfo moves by whole
 * slab pages and with everything else the kernel does meanwhile.
 *
 * A first call, over the first size, warms up and is not printed.  Memory
 * is read once the store's slab counts are stable across RCU grace
 * periods, so that nodes being freed by RCU are not counted as held; boot
 * with slab_nomerge, or maple_node shares a cache with others and is
 * missing from /proc/slabinfo.
 *
 * A size whose cost, extrapolated linearly from the previous one, would
 * take more than -t seconds (60 by default) or half of MemAvailable is not
 * run: "BENCH reattach-attr size=<bytes> skipped predicted_ns=<ns>
 * predicted_kib=<n>".  A closing line gives the growth from the smallest to
 * the largest size run:
 *
 *   BENCH reattach-attr-growth from=<bytes> to=<bytes> size_x=<r>
 *         time_x=<r> kmem_x=<r>
 *
 * Then (-a N, 0 for none) the worst layout for the store: N single private
 * pages with a shared page between each two, one call each, and the kernel
 * memory they hold:
 *
 *   BENCH reattach-attr-alternating ranges=<n> kmem_bytes=<n>
 *         bytes_per_range=<r> slab_kib=<n>
 *
 * Timings come from TCG here: only counts and ratios mean something.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/membarrier.h>
#include <linux/sizes.h>
#include <sys/syscall.h>

#include "kvm_util.h"
#include "processor.h"
#include "test_util.h"

#define BENCH_MAX_SIZES		16
#define BENCH_DEFAULT_SIZES	"1G,4G,16G,64G"
#define BENCH_DEFAULT_BUDGET_S	60
/* Rounds of shared+private for avg_ns, when one call is this cheap. */
#define BENCH_CHEAP_NS		1000000ULL
#define BENCH_ROUNDS		64
#define BENCH_DEFAULT_ALTERNATING	16384
#define BENCH_SETTLE_US		200000
#define BENCH_SETTLE_ROUNDS	50

struct kmem {
	long slab_kib;
	long vmalloc_kib;
	long avail_kib;
	long maple_nodes;
	long maple_size;
	long radix_nodes;
	long radix_size;
};

struct attr_result {
	uint64_t size;
	uint64_t ns;
	uint64_t stime_ns;
	uint64_t avg_ns;
	struct kmem d;
	long kmem_bytes;
};

static long meminfo_kib(const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	TEST_ASSERT(f, "open /proc/meminfo");
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':') {
			v = strtol(line + strlen(key) + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	TEST_ASSERT(v >= 0, "no %s in /proc/meminfo", key);
	return v;
}

/* Active objects and object size of one cache; 0 if slabinfo lacks it. */
static void slab_objs(const char *cache, long *objs, long *size)
{
	char line[512], name[64];
	long active, num, objsize;
	FILE *f = fopen("/proc/slabinfo", "r");

	*objs = 0;
	*size = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %ld %ld %ld", name, &active, &num, &objsize) != 4)
			continue;
		if (!strcmp(name, cache)) {
			*objs = active;
			*size = objsize;
			break;
		}
	}
	fclose(f);
}

static void slab_shrink(const char *cache)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", cache);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return;
	if (write(fd, "1", 1) != 1)
		perror(path);
	close(fd);
}

/*
 * Let the nodes freed after an RCU grace period (replaced by a store, or
 * of the VM closed before) go back to their slab, then shrink the caches:
 * that also empties KASAN's quarantine of their objects and the per-CPU
 * slabs, so that the active objects of /proc/slabinfo are the objects
 * held, not a slab's worth off.  Until two rounds agree: freeing a large
 * xarray takes many RCU callback batches.
 */
static void kmem_settle(void)
{
	long maple = -1, radix = -1, m, r, size;
	int i;

	for (i = 0; i < BENCH_SETTLE_ROUNDS; i++) {
		syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
		usleep(BENCH_SETTLE_US);
		slab_shrink("maple_node");
		slab_shrink("radix_tree_node");
		slab_objs("maple_node", &m, &size);
		slab_objs("radix_tree_node", &r, &size);
		if (m == maple && r == radix)
			return;
		maple = m;
		radix = r;
	}
}

static void kmem_read(struct kmem *m)
{
	m->slab_kib = meminfo_kib("Slab");
	m->vmalloc_kib = meminfo_kib("VmallocUsed");
	m->avail_kib = meminfo_kib("MemAvailable");
	slab_objs("maple_node", &m->maple_nodes, &m->maple_size);
	slab_objs("radix_tree_node", &m->radix_nodes, &m->radix_size);
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint64_t stime_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_stime.tv_sec * 1000000000ULL + ru.ru_stime.tv_usec * 1000ULL;
}

static void set_attr_at(int vm_fd, uint64_t gpa, uint64_t size, uint64_t attrs)
{
	struct kvm_memory_attributes a = {
		.address = gpa,
		.size = size,
		.attributes = attrs,
	};
	int r = ioctl(vm_fd, KVM_SET_MEMORY_ATTRIBUTES, &a);

	TEST_ASSERT(!r, "KVM_SET_MEMORY_ATTRIBUTES(%#lx) over %lu bytes: %s",
		    attrs, size, strerror(errno));
}

static void set_attr(int vm_fd, uint64_t size, uint64_t attrs)
{
	set_attr_at(vm_fd, 0, size, attrs);
}

static long kmem_bytes(const struct kmem *b, const struct kmem *a)
{
	return (a->maple_nodes - b->maple_nodes) * a->maple_size +
	       (a->radix_nodes - b->radix_nodes) * a->radix_size;
}

/* @nr private pages, each between two shared ones: one range each. */
static void bench_alternating(int kvm_fd, long nr)
{
	struct kmem before, after;
	int vm_fd;
	long i, bytes;

	vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, KVM_X86_SW_PROTECTED_VM);
	TEST_ASSERT(vm_fd >= 0, "KVM_CREATE_VM(SW_PROTECTED): %s", strerror(errno));
	kmem_settle();
	kmem_read(&before);
	for (i = 0; i < nr; i++)
		set_attr_at(vm_fd, 2 * i * PAGE_SIZE, PAGE_SIZE,
			    KVM_MEMORY_ATTRIBUTE_PRIVATE);
	kmem_settle();
	kmem_read(&after);
	bytes = kmem_bytes(&before, &after);
	printf("BENCH reattach-attr-alternating ranges=%ld kmem_bytes=%ld", nr, bytes);
	printf(" bytes_per_range=%.1f slab_kib=%ld\n", (double)bytes / nr,
	       after.slab_kib - before.slab_kib);
	close(vm_fd);
}

static void bench_one(int kvm_fd, struct attr_result *res)
{
	struct kmem before, after;
	uint64_t t0, s0;
	int vm_fd, i;

	vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, KVM_X86_SW_PROTECTED_VM);
	TEST_ASSERT(vm_fd >= 0, "KVM_CREATE_VM(SW_PROTECTED): %s", strerror(errno));

	kmem_settle();
	kmem_read(&before);
	s0 = stime_ns();
	t0 = now_ns(CLOCK_MONOTONIC);
	set_attr(vm_fd, res->size, KVM_MEMORY_ATTRIBUTE_PRIVATE);
	res->ns = now_ns(CLOCK_MONOTONIC) - t0;
	res->stime_ns = stime_ns() - s0;
	kmem_settle();
	kmem_read(&after);

	res->d.slab_kib = after.slab_kib - before.slab_kib;
	res->d.vmalloc_kib = after.vmalloc_kib - before.vmalloc_kib;
	res->d.maple_nodes = after.maple_nodes - before.maple_nodes;
	res->d.radix_nodes = after.radix_nodes - before.radix_nodes;
	res->kmem_bytes = kmem_bytes(&before, &after);

	res->avg_ns = 0;
	if (res->ns < BENCH_CHEAP_NS) {
		t0 = now_ns(CLOCK_MONOTONIC);
		for (i = 0; i < BENCH_ROUNDS; i++) {
			set_attr(vm_fd, res->size, 0);
			set_attr(vm_fd, res->size, KVM_MEMORY_ATTRIBUTE_PRIVATE);
		}
		res->avg_ns = (now_ns(CLOCK_MONOTONIC) - t0) / (2 * BENCH_ROUNDS);
	}
	close(vm_fd);
}

static int parse_sizes(const char *arg, uint64_t *sizes)
{
	char *s = strdup(arg), *tok, *save;
	int n = 0;

	TEST_ASSERT(s, "strdup");
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		TEST_ASSERT(n < BENCH_MAX_SIZES, "at most %d sizes", BENCH_MAX_SIZES);
		sizes[n] = parse_size(tok);
		TEST_ASSERT(sizes[n] && !(sizes[n] % PAGE_SIZE),
			    "size %s is not a multiple of 4 KiB", tok);
		n++;
	}
	free(s);
	return n;
}

static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

int main(int argc, char *argv[])
{
	struct attr_result res[BENCH_MAX_SIZES] = { };
	const char *list = BENCH_DEFAULT_SIZES;
	uint64_t sizes[BENCH_MAX_SIZES];
	long budget_s = BENCH_DEFAULT_BUDGET_S;
	long alternating = BENCH_DEFAULT_ALTERNATING;
	int kvm_fd, opt, n, i, done = 0;

	while ((opt = getopt(argc, argv, "a:s:t:")) != -1) {
		switch (opt) {
		case 'a':
			alternating = atol(optarg);
			break;
		case 's':
			list = optarg;
			break;
		case 't':
			budget_s = atol(optarg);
			break;
		default:
			printf("usage: %s [-s SIZE[,SIZE...]] [-t SECONDS] [-a PAGES]\n",
			       argv[0]);
			exit(KSFT_FAIL);
		}
	}
	n = parse_sizes(list, sizes);

	TEST_REQUIRE(kvm_check_cap(KVM_CAP_VM_TYPES) & BIT(KVM_X86_SW_PROTECTED_VM));
	kvm_fd = open_kvm_dev_path_or_exit();

	/* A first VM and call, not counted: caches, and the code paged in. */
	res[0].size = sizes[0];
	bench_one(kvm_fd, &res[0]);

	for (i = 0; i < n; i++) {
		struct attr_result *r = &res[done];

		r->size = sizes[i];
		if (done) {
			struct attr_result *p = &res[done - 1];
			double x = ratio(r->size, p->size);
			double ns = p->ns * x, kib = p->kmem_bytes / 1024.0 * x;

			if (ns > budget_s * 1e9 || kib > meminfo_kib("MemAvailable") / 2) {
				printf("BENCH reattach-attr size=%lu skipped ", r->size);
				printf("predicted_ns=%.0f predicted_kib=%.0f\n", ns, kib);
				continue;
			}
		}
		bench_one(kvm_fd, r);
		printf("BENCH reattach-attr size=%lu ns=%lu stime_ns=%lu avg_ns=%lu",
		       r->size, r->ns, r->stime_ns, r->avg_ns);
		printf(" slab_kib=%ld vmalloc_kib=%ld maple_nodes=%ld radix_nodes=%ld",
		       r->d.slab_kib, r->d.vmalloc_kib, r->d.maple_nodes,
		       r->d.radix_nodes);
		printf(" kmem_bytes=%ld\n", r->kmem_bytes);
		fflush(stdout);
		done++;
	}
	TEST_ASSERT(done, "no size measured");
	printf("BENCH reattach-attr-growth from=%lu to=%lu size_x=%.1f time_x=%.2f kmem_x=%.2f\n",
	       res[0].size, res[done - 1].size,
	       ratio(res[done - 1].size, res[0].size),
	       ratio(res[done - 1].ns, res[0].ns),
	       ratio(res[done - 1].kmem_bytes, res[0].kmem_bytes));
	if (alternating > 0)
		bench_alternating(kvm_fd, alternating);
	close(kvm_fd);
	return 0;
}
