// SPDX-License-Identifier: GPL-2.0
/*
 * gmem_pool_attr_test: single pages converted inside a large private range,
 * checked page by page at their edges by what KVM's faults see.
 *
 * KVM keeps memory attributes as ranges, split and merged at 4 KiB.  Each
 * case sets a large range private (or shared), converts single pages (the
 * first, the last, pages on both sides of 2 MiB and 1 GiB boundaries, one in
 * the middle) to the other attribute, and runs the guest over the converted
 * pages and their neighbours, one page per run:
 *
 * - exits: a memslot without guest_memfd, so a private fault cannot be
 *   served: a private page must exit with KVM_EXIT_MEMORY_FAULT (flag
 *   PRIVATE, that page's gpa, 4 KiB), a shared page must be read;
 * - contents: a memslot with guest_memfd (pool-backed, 2 MiB chunks, when
 *   the kernel has a pool), whose shared side holds a pattern: a private
 *   page must read 0 (fresh guest_memfd memory), a shared page the pattern.
 *   The private neighbour is faulted first, so a huge private mapping that
 *   wrongly covered the shared page (a wrong "mixed" flag) would be read
 *   through: the test would see 0 where the pattern belongs.
 *
 * Then the range is converted back in one call and the same pages are
 * checked again: the ranges merged and every page has the range's
 * attribute.  Each case also runs with the attributes set before the
 * memslot is created, where KVM computes the slot's huge-page bookkeeping
 * from the ranges at creation.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/sizes.h>

#include "kvm_util.h"
#include "processor.h"
#include "test_util.h"
#include "ucall_common.h"
#include "gmem_pool_util.h"

#define ATTR_TEST_GPA		(4ULL << 30)
#define ATTR_TEST_SLOT		10
/* The exits case needs no memory behind its range: a whole GiB and more. */
#define ATTR_EXITS_SIZE		(SZ_1G + SZ_64M)
/* The contents case backs its range; within the pool-2m boot's pools. */
#define ATTR_CONTENTS_SIZE	SZ_64M
/* Guest page tables for the pages probed. */
#define ATTR_EXTRA_PAGES	64
#define ATTR_PATTERN		0x5a5a5a5a5a5a5a5aULL
#define ATTR_MAX_PROBES		64

static void guest_read(uint64_t gpa)
{
	GUEST_SYNC(READ_ONCE(*(uint64_t *)gpa));
	GUEST_DONE();
}

struct attr_case {
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpu;
	struct kvm_regs regs0;
	uint64_t size;
	bool backed;		/* guest_memfd behind the range: contents case */
	uint8_t *shared;	/* host view of the shared side */
	/* Page offsets converted away from the range's attribute. */
	uint64_t conv[ATTR_MAX_PROBES];
	int nr_conv;
	/* Pages the guest's page tables map, each once. */
	uint64_t mapped[3 * ATTR_MAX_PROBES];
	int nr_mapped;
};

static bool is_converted(struct attr_case *c, uint64_t pg)
{
	int i;

	for (i = 0; i < c->nr_conv; i++)
		if (c->conv[i] == pg)
			return true;
	return false;
}

/* Run the guest over one page and check what its fault saw. */
static void probe(struct attr_case *c, uint64_t pg, bool private)
{
	uint64_t gpa = ATTR_TEST_GPA + pg * PAGE_SIZE;
	struct kvm_run *run = c->vcpu->run;
	struct ucall uc;
	int r;

	vcpu_regs_set(c->vcpu, &c->regs0);
	vcpu_args_set(c->vcpu, 1, gpa);
	r = _vcpu_run(c->vcpu);

	if (private && !c->backed) {
		TEST_ASSERT(r && errno == EFAULT,
			    "page %lu: private fault not refused: r %d errno %d",
			    pg, r, errno);
		TEST_ASSERT_EQ(run->exit_reason, KVM_EXIT_MEMORY_FAULT);
		TEST_ASSERT_EQ(run->memory_fault.flags, KVM_MEMORY_EXIT_FLAG_PRIVATE);
		TEST_ASSERT_EQ(run->memory_fault.gpa, gpa);
		TEST_ASSERT_EQ(run->memory_fault.size, PAGE_SIZE);
		return;
	}
	TEST_ASSERT(!r, "page %lu (%s): KVM_RUN failed: exit %u errno %d", pg,
		    private ? "private" : "shared", run->exit_reason, errno);
	TEST_ASSERT_KVM_EXIT_REASON(c->vcpu, KVM_EXIT_IO);
	switch (get_ucall(c->vcpu, &uc)) {
	case UCALL_SYNC:
		break;
	case UCALL_ABORT:
		REPORT_GUEST_ASSERT(uc);
	default:
		TEST_FAIL("page %lu: unexpected ucall %lu", pg, uc.cmd);
	}
	if (c->backed)
		TEST_ASSERT(uc.args[1] == (private ? 0 : ATTR_PATTERN),
			    "page %lu is %s but the guest read %#lx", pg,
			    private ? "private" : "shared", uc.args[1]);
}

static void probe_neighbours(struct attr_case *c, uint64_t pg,
			     bool range_private)
{
	uint64_t last = c->size / PAGE_SIZE - 1;

	if (pg)
		probe(c, pg - 1, range_private ^ is_converted(c, pg - 1));
	if (pg < last)
		probe(c, pg + 1, range_private ^ is_converted(c, pg + 1));
}

/*
 * A converted page and its neighbours: the neighbours, the page, the
 * neighbours again, so that whichever of the two is mapped first (maybe
 * huge) the other is still checked.
 */
static void probe_edges(struct attr_case *c, uint64_t pg, bool range_private)
{
	probe_neighbours(c, pg, range_private);
	probe(c, pg, range_private ^ is_converted(c, pg));
	probe_neighbours(c, pg, range_private);
}

static void set_attr(struct attr_case *c, uint64_t pg, uint64_t npages,
		     bool private)
{
	uint64_t gpa = ATTR_TEST_GPA + pg * PAGE_SIZE;

	if (private)
		vm_mem_set_private(c->vm, gpa, npages * PAGE_SIZE);
	else
		vm_mem_set_shared(c->vm, gpa, npages * PAGE_SIZE);
}

/* Map @pg in the guest, and give it what a shared read must find. */
static void map_page(struct attr_case *c, uint64_t pg)
{
	uint64_t gpa = ATTR_TEST_GPA + pg * PAGE_SIZE;
	int i;

	if (c->shared)
		*(uint64_t *)(c->shared + pg * PAGE_SIZE) = ATTR_PATTERN;
	for (i = 0; i < c->nr_mapped; i++)
		if (c->mapped[i] == pg)
			return;
	TEST_ASSERT(c->nr_mapped < ARRAY_SIZE(c->mapped), "too many pages");
	c->mapped[c->nr_mapped++] = pg;
	virt_pg_map(c->vm, gpa, gpa);
}

/* The pages converted: both ends, around 2 MiB and 1 GiB boundaries, middle. */
static void pick_pages(struct attr_case *c)
{
	const uint64_t p2m = SZ_2M / PAGE_SIZE, p1g = SZ_1G / PAGE_SIZE;
	uint64_t last = c->size / PAGE_SIZE - 1;
	uint64_t pick[] = {
		0, last, p2m - 1, 2 * p2m, 3 * p2m + 1, 5 * p2m - 1, 5 * p2m,
		last / 2, last - p2m,
		p1g - 1, p1g, p1g + 1,
	};
	int i;

	c->nr_conv = 0;
	for (i = 0; i < ARRAY_SIZE(pick); i++)
		if (pick[i] <= last)
			c->conv[c->nr_conv++] = pick[i];
}

/* The converted pages and their neighbours, in the guest's page tables. */
static void map_pages(struct attr_case *c)
{
	uint64_t last = c->size / PAGE_SIZE - 1;
	int i, j;

	for (i = 0; i < c->nr_conv; i++)
		for (j = -1; j <= 1; j++)
			if ((j >= 0 || c->conv[i]) && c->conv[i] + j <= last)
				map_page(c, c->conv[i] + j);
}

static void setup_vm(struct attr_case *c, uint64_t size, bool backed)
{
	const struct vm_shape shape = {
		.mode = VM_MODE_DEFAULT,
		.type = KVM_X86_SW_PROTECTED_VM,
	};

	memset(c, 0, sizeof(*c));
	c->size = size;
	c->backed = backed;
	c->vm = __vm_create_shape_with_one_vcpu(shape, &c->vcpu, ATTR_EXTRA_PAGES,
						guest_read);
	vcpu_regs_get(c->vcpu, &c->regs0);
}

static void add_slot(struct attr_case *c)
{
	uint64_t chunk = kvm_check_cap(KVM_CAP_GUEST_MEMFD_POOL);
	int fd = -1, nid;

	if (c->backed && chunk && !(c->size % chunk)) {
		nid = gmem_pool_find_node(c->size / chunk);
		if (nid >= 0)
			fd = gmem_pool_create(c->vm, c->size, GUEST_MEMFD_FLAG_POOL, nid);
	}
	vm_mem_add(c->vm, VM_MEM_SRC_ANONYMOUS_THP, ATTR_TEST_GPA, ATTR_TEST_SLOT,
		   c->size / PAGE_SIZE, c->backed ? KVM_MEM_GUEST_MEMFD : 0, fd, 0);
	/* The memslot holds a dup(): let the VM go with its last fd. */
	if (fd >= 0)
		close(fd);
	if (c->backed)
		c->shared = addr_gpa2hva(c->vm, ATTR_TEST_GPA);
	pr_info("%s: %lu MiB, guest_memfd %s\n", c->backed ? "contents" : "exits",
		c->size >> 20, !c->backed ? "none" : fd >= 0 ? "pool" : "stock");
}

/*
 * @attrs_first: set the attributes before the memslot exists, so that KVM
 * computes the slot's huge-page bookkeeping from the ranges when the slot
 * is created, rather than updating it when the attributes change.
 */
static void run_case(uint64_t size, bool backed, bool range_private,
		     bool attrs_first)
{
	uint64_t npages = size / PAGE_SIZE;
	struct attr_case c;
	int i, n;

	setup_vm(&c, size, backed);
	pick_pages(&c);
	if (!attrs_first)
		add_slot(&c);

	set_attr(&c, 0, npages, range_private);
	for (i = 0; i < c.nr_conv; i++)
		set_attr(&c, c.conv[i], 1, !range_private);
	if (attrs_first)
		add_slot(&c);
	map_pages(&c);
	for (i = 0; i < c.nr_conv; i++)
		probe_edges(&c, c.conv[i], range_private);

	/* One call over the whole range merges it back. */
	set_attr(&c, 0, npages, range_private);
	n = c.nr_conv;
	c.nr_conv = 0;
	for (i = 0; i < n; i++)
		probe(&c, c.conv[i], range_private);

	kvm_vm_free(c.vm);
}

int main(int argc, char *argv[])
{
	TEST_REQUIRE(kvm_check_cap(KVM_CAP_VM_TYPES) & BIT(KVM_X86_SW_PROTECTED_VM));
	TEST_REQUIRE(kvm_has_cap(KVM_CAP_GUEST_MEMFD));

	run_case(ATTR_EXITS_SIZE, false, true, false);
	run_case(ATTR_EXITS_SIZE, false, false, false);
	run_case(ATTR_EXITS_SIZE, false, true, true);
	run_case(ATTR_CONTENTS_SIZE, true, true, false);
	run_case(ATTR_CONTENTS_SIZE, true, false, false);
	run_case(ATTR_CONTENTS_SIZE, true, true, true);
	pr_info("attribute edges: all pages as expected\n");
	return 0;
}
