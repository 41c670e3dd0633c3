// SPDX-License-Identifier: GPL-2.0
/*
 * gmem_pool_test: guest_memfd files backed by the boot-time gmem pool.
 *
 * Needs a kernel booted with gmem_pool=; skips otherwise.  Pool accounting
 * is read from /sys/kernel/mm/gmem_pool/node<N>/free_chunks, so the pool
 * must not be used by anything else while the test runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <linux/falloc.h>
#include <linux/sizes.h>

#include "gmem_pool_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "svm_util.h"
#include "test_util.h"
#include "kselftest_harness.h"

#define POOL_DATA_SLOT		10
#define POOL_DATA_GPA		SZ_4G
#define POOL_VM_CHUNKS		2
#define PATTERN_PRIVATE		0x5a5a5a5a00000000ULL
#define PATTERN_HOST		0xc0ffee00c0ffee00ULL
#define PATTERN_GUEST		0x1234567812345678ULL
#define PATTERN_OTHER		0xdeadbeefdeadbeefULL
#define POOL_MMAP		(GUEST_MEMFD_FLAG_POOL | GUEST_MEMFD_FLAG_POOL_MMAP)
#define CGROUP_ROOT		"/sys/fs/cgroup"
#define CGROUP_TEST		CGROUP_ROOT "/gmem_pool_test"
#define MISC_RES		"gmem_pool"

enum pool_stage {
	STAGE_FILLED = 1,
	STAGE_SHARED_WRITTEN,
	STAGE_PRIVATE_AGAIN,
};

static uint64_t chunk_size;
static int pool_node;

static int pool_create(struct kvm_vm *vm, uint64_t size)
{
	return gmem_pool_create(vm, size, GUEST_MEMFD_FLAG_POOL, pool_node);
}

/*
 * Chunks of the fallocate() tests' file: two, or one where the whole pool
 * is one chunk (the 1G boot), since a file cannot be larger than its pool.
 */
static uint64_t test_file_chunks(void)
{
	return gmem_pool_total_chunks(pool_node) >= 2 ? 2 : 1;
}

TEST(capability)
{
	ASSERT_EQ(kvm_check_cap(KVM_CAP_GUEST_MEMFD_POOL), chunk_size);
	ASSERT_TRUE(chunk_size == SZ_2M || chunk_size == SZ_1G);
}

/*
 * On a VM fd the capability answers for the VM's type, and creation agrees
 * with it.  Types this host cannot create (SEV and SNP under TCG) are left
 * to the gmem_pool_kvm KUnit suite.
 */
TEST(capability_per_vm_type)
{
	const struct {
		unsigned long type;
		bool pool;
	} types[] = {
		{ KVM_X86_DEFAULT_VM, true },
		{ KVM_X86_SW_PROTECTED_VM, true },
		{ KVM_X86_SEV_VM, false },
		{ KVM_X86_SEV_ES_VM, false },
		{ KVM_X86_SNP_VM, true },
	};
	uint64_t supported = kvm_check_cap(KVM_CAP_VM_TYPES);
	unsigned int i, tested = 0;
	struct kvm_vm *vm;
	int fd;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		if (!(supported & BIT(types[i].type))) {
			TH_LOG("VM type %lu: not supported here", types[i].type);
			continue;
		}
		vm = vm_create_barebones_type(types[i].type);
		EXPECT_EQ(vm_check_cap(vm, KVM_CAP_GUEST_MEMFD_POOL),
			  types[i].pool ? chunk_size : 0)
			TH_LOG("VM type %lu", types[i].type);
		errno = 0;
		fd = __gmem_pool_create(vm, chunk_size, GUEST_MEMFD_FLAG_POOL,
					pool_node);
		if (types[i].pool) {
			EXPECT_GE(fd, 0) TH_LOG("VM type %lu: errno %d",
						types[i].type, errno);
		} else {
			EXPECT_EQ(fd, -1) TH_LOG("VM type %lu", types[i].type);
			EXPECT_EQ(errno, EOPNOTSUPP);
		}
		if (fd >= 0)
			close(fd);
		kvm_vm_free(vm);
		tested++;
	}
	/* The default VM type is always there. */
	ASSERT_GE(tested, 1);
	/* /dev/kvm still reports the chunk size. */
	ASSERT_EQ(kvm_check_cap(KVM_CAP_GUEST_MEMFD_POOL), chunk_size);
}

struct bad_create {
	const char *name;
	uint64_t size;
	uint64_t flags;
	uint64_t node;
	bool any_node;	/* use the pool node instead of @node */
	int reserved;	/* index + 1 of a reserved[] word to set, 0: none */
};

TEST(create_invalid)
{
	const uint64_t pool = GUEST_MEMFD_FLAG_POOL;
	const uint64_t pool_bytes = gmem_pool_total_chunks(pool_node) * chunk_size;
	const struct bad_create cases[] = {
		{ "size 0", 0, pool, 0, true, 0 },
		{ "size one page", getpagesize(), pool, 0, true, 0 },
		{ "size chunk + page", chunk_size + getpagesize(), pool, 0, true, 0 },
		{ "size of the pool + chunk", pool_bytes + chunk_size, pool, 0, true, 0 },
		{ "size 1 << 47", 1ULL << 47, pool, 0, true, 0 },
		{ "size 1 << 62", 1ULL << 62, pool, 0, true, 0 },
		{ "size U64_MAX rounded to a page", ~0ULL & ~(getpagesize() - 1ULL),
		  pool, 0, true, 0 },
		{ "size 1 << 63 (negative loff_t)", 1ULL << 63, pool, 0, true, 0 },
		{ "size half chunk", chunk_size / 2, pool, 0, true, 0 },
		{ "node 1024", chunk_size, pool, 1024, false, 0 },
		{ "node ~0", chunk_size, pool, ~0ULL, false, 0 },
		{ "node without pool flag", chunk_size, 0, 1, false, 0 },
		{ "unknown flag bit 10 (once POOL_RESTORE)", chunk_size,
		  pool | BIT_ULL(10), 0, true, 0 },
		{ "unknown flag bit 11", chunk_size, pool | BIT_ULL(11), 0, true, 0 },
		{ "mmap flag without pool flag", chunk_size,
		  GUEST_MEMFD_FLAG_POOL_MMAP, 0, false, 0 },
		{ "unknown flag bit 63", chunk_size, pool | BIT_ULL(63), 0, true, 0 },
		{ "reserved[0] (once pool_token)", chunk_size, pool, 0, true, 1 },
		{ "reserved[4]", chunk_size, pool, 0, true, 5 },
		{ "reserved[4] without pool", chunk_size, 0, 0, false, 5 },
	};
	struct kvm_vm *vm = vm_create_barebones();
	struct kvm_create_guest_memfd args;
	unsigned int i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(&args, 0, sizeof(args));
		args.size = cases[i].size;
		args.flags = cases[i].flags;
		args.pool_node = cases[i].node;
		if (cases[i].any_node)
			args.pool_node = pool_node;
		if (cases[i].reserved)
			args.reserved[cases[i].reserved - 1] = 1;
		fd = __vm_ioctl(vm, KVM_CREATE_GUEST_MEMFD, &args);
		EXPECT_EQ(fd, -1) TH_LOG("case '%s' created fd %d", cases[i].name, fd);
		EXPECT_EQ(errno, EINVAL) TH_LOG("case '%s': errno %d", cases[i].name, errno);
		if (fd >= 0)
			close(fd);
	}
	kvm_vm_free(vm);
}

/*
 * A file as large as its node's whole pool is fine (it takes nothing yet);
 * one chunk more is refused, whatever the other nodes have.
 */
TEST(create_whole_pool)
{
	struct kvm_vm *vm = vm_create_barebones();
	uint64_t total = gmem_pool_total_chunks(pool_node);
	int fd;

	ASSERT_GT(total, 0);
	fd = pool_create(vm, total * chunk_size);
	EXPECT_GE(fd, 0);
	close(fd);
	EXPECT_EQ(__gmem_pool_create(vm, (total + 1) * chunk_size,
				     GUEST_MEMFD_FLAG_POOL, pool_node), -1);
	EXPECT_EQ(errno, EINVAL);
	kvm_vm_free(vm);
}

TEST(create_poolless_node)
{
	struct kvm_vm *vm = vm_create_barebones();
	int nid, fd;

	for (nid = 0; nid < GMEM_POOL_MAX_NODES; nid++) {
		if (gmem_pool_free_chunks(nid) >= 0)
			continue;
		fd = __gmem_pool_create(vm, chunk_size, GUEST_MEMFD_FLAG_POOL,
					nid);
		EXPECT_EQ(fd, -1);
		EXPECT_EQ(errno, EINVAL) TH_LOG("node %d", nid);
	}
	kvm_vm_free(vm);
}

TEST(no_read_write_mmap)
{
	struct kvm_vm *vm = vm_create_barebones();
	int fd = pool_create(vm, chunk_size);
	struct stat sb;
	char buf[64];

	EXPECT_LT(read(fd, buf, sizeof(buf)), 0);
	EXPECT_LT(write(fd, buf, sizeof(buf)), 0);
	EXPECT_LT(pread(fd, buf, sizeof(buf), 0), 0);
	EXPECT_LT(pwrite(fd, buf, sizeof(buf), 0), 0);
	EXPECT_EQ(mmap(NULL, getpagesize(), PROT_READ, MAP_SHARED, fd, 0),
		  MAP_FAILED);
	ASSERT_EQ(fstat(fd, &sb), 0);
	EXPECT_EQ(sb.st_size, chunk_size);
	close(fd);
	kvm_vm_free(vm);
}

/*
 * Works from a single free chunk up: the 1G-chunk boot has one chunk per
 * node.  The file is two chunks long where the pool allows (one in the
 * 1G boot, whose pools are one chunk each); creating it takes nothing.
 */
TEST(fallocate_punch_release)
{
	struct kvm_vm *vm = vm_create_barebones();
	long before = gmem_pool_free_chunks(pool_node);
	uint64_t nr = test_file_chunks(), last = (nr - 1) * chunk_size;
	int fd;

	ASSERT_GE(before, 1);
	fd = pool_create(vm, nr * chunk_size);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before);

	ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE, last, chunk_size), 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - 1);
	/* Allocating what the file already holds takes nothing more. */
	ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE, last, chunk_size), 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - 1);

	ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
			    last, chunk_size), 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before);

	/* The punched chunk is free again: the other half can take it. */
	ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, chunk_size), 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - 1);

	if (nr == 2 && before >= 2) {
		ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 2 * chunk_size), 0);
		EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - 2);
		ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
				    chunk_size, chunk_size), 0);
		EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - 1);
	}

	close(fd);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before);
	kvm_vm_free(vm);
}

TEST(fallocate_invalid)
{
	struct kvm_vm *vm = vm_create_barebones();
	long before = gmem_pool_free_chunks(pool_node);
	const size_t page = getpagesize();
	const off_t fsize = test_file_chunks() * chunk_size;
	int fd = pool_create(vm, fsize);
	const struct {
		int mode;
		off_t offset, len;
		int err;
	} cases[] = {
		{ FALLOC_FL_KEEP_SIZE, 1, page, EINVAL },
		{ FALLOC_FL_KEEP_SIZE, 0, page + 1, EINVAL },
		{ FALLOC_FL_KEEP_SIZE, page / 2, chunk_size, EINVAL },
		{ FALLOC_FL_KEEP_SIZE, fsize - chunk_size, 2 * chunk_size, EINVAL },
		{ FALLOC_FL_KEEP_SIZE, fsize, page, EINVAL },
		{ FALLOC_FL_KEEP_SIZE, fsize - page, 2 * page, EINVAL },
		{ FALLOC_FL_KEEP_SIZE, -(off_t)page, 2 * page, EINVAL },
		{ FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, page / 2, page, EINVAL },
		{ FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, page, page - 1, EINVAL },
		{ FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, 0, fsize + chunk_size,
		  EINVAL },
		{ FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, fsize - page,
		  2 * page, EINVAL },
		{ 0, 0, chunk_size, EOPNOTSUPP },
		{ FALLOC_FL_KEEP_SIZE | FALLOC_FL_ZERO_RANGE, 0, chunk_size, EOPNOTSUPP },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		errno = 0;
		EXPECT_EQ(fallocate(fd, cases[i].mode, cases[i].offset,
				    cases[i].len), -1) TH_LOG("case %u", i);
		EXPECT_EQ(errno, cases[i].err) TH_LOG("case %u", i);
	}
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before);
	close(fd);
	kvm_vm_free(vm);
}

/*
 * Page-aligned ranges: allocating takes the whole chunk around them and
 * nothing where the file already holds one; punching part of a chunk keeps
 * it, and the chunk goes back only when its last page is punched.
 */
TEST(fallocate_sub_chunk)
{
	struct kvm_vm *vm = vm_create_barebones();
	long before = gmem_pool_free_chunks(pool_node);
	const size_t page = getpagesize();
	uint64_t nr = test_file_chunks(), off, step, last;
	int fd;

	ASSERT_GE(before, 1);
	fd = pool_create(vm, nr * chunk_size);
	ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE, page, page), 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - 1);
	ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE, chunk_size - page, page), 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - 1);

	/*
	 * A punch across the chunk's end touches only the chunk it holds (the
	 * next one is a hole); a one-chunk file punches its last page.
	 */
	ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
			    chunk_size - page, nr * page), 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - 1);

	/*
	 * Every page but the last two, one at a time (the 1G boot punches
	 * 2 MiB at a time up to the last 2 MiB, then page by page).  The very
	 * last page went with the punch above, so the chunk stays until the
	 * page before it goes; a page punched twice counts once.
	 */
	last = chunk_size - 2 * page;
	for (off = 0; off < last; off += step) {
		step = last - off > SZ_2M ? SZ_2M : page;
		ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
				    off, step), 0) TH_LOG("offset %#lx", off);
		ASSERT_EQ(gmem_pool_free_chunks(pool_node), before - 1)
			TH_LOG("offset %#lx", off);
	}
	ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
			    0, page), 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - 1);
	ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
			    last, page), 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before);

	close(fd);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before);
	kvm_vm_free(vm);
}

TEST(enospc_gives_back)
{
	struct kvm_vm *vm = vm_create_barebones();
	long before = gmem_pool_free_chunks(pool_node);
	int fd, held;

	/* One chunk held by another file must survive the failed call. */
	held = pool_create(vm, chunk_size);
	ASSERT_EQ(fallocate(held, FALLOC_FL_KEEP_SIZE, 0, chunk_size), 0);
	ASSERT_EQ(gmem_pool_free_chunks(pool_node), before - 1);

	fd = pool_create(vm, before * chunk_size);
	errno = 0;
	EXPECT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, before * chunk_size), -1);
	EXPECT_EQ(errno, ENOSPC);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - 1);

	/* What is free can still be taken, exactly. */
	if (before > 1) {
		EXPECT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0,
				    (before - 1) * chunk_size), 0);
		EXPECT_EQ(gmem_pool_free_chunks(pool_node), 0);
	}

	close(fd);
	close(held);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before);
	kvm_vm_free(vm);
}

static void guest_code(uint64_t gpa, uint64_t size)
{
	uint64_t *mem = (uint64_t *)gpa;
	uint64_t off;

	for (off = 0; off < size; off += PAGE_SIZE)
		WRITE_ONCE(mem[off / 8], PATTERN_PRIVATE | off);
	for (off = 0; off < size; off += PAGE_SIZE)
		GUEST_ASSERT_EQ(READ_ONCE(mem[off / 8]), PATTERN_PRIVATE | off);
	GUEST_SYNC(STAGE_FILLED);

	/* The host made the first page shared and wrote into it. */
	GUEST_ASSERT_EQ(READ_ONCE(mem[0]), PATTERN_HOST);
	WRITE_ONCE(mem[0], PATTERN_GUEST);
	GUEST_SYNC(STAGE_SHARED_WRITTEN);

	/* Private again: the private contents are still there. */
	GUEST_ASSERT_EQ(READ_ONCE(mem[0]), PATTERN_PRIVATE);
	GUEST_SYNC(STAGE_PRIVATE_AGAIN);

	/* The host punched every chunk: new chunks read as zeros. */
	for (off = 0; off < size; off += PAGE_SIZE)
		GUEST_ASSERT_EQ(READ_ONCE(mem[off / 8]), 0);
	GUEST_DONE();
}

struct stats {
	uint64_t p4k, p2m, p1g;
};

static struct stats read_stats(struct kvm_vm *vm)
{
	return (struct stats) {
		vm_get_stat(vm, "pages_4k"),
		vm_get_stat(vm, "pages_2m"),
		vm_get_stat(vm, "pages_1g"),
	};
}

/*
 * Map [@gpa, @gpa + @size) 2M in the guest and run it to STAGE_FILLED;
 * slot 0 is prefaulted first, so that between @before and @after only the
 * range under test adds entries to KVM's page counts.
 */
static void fill_and_measure(struct kvm_vm *vm, struct kvm_vcpu *vcpu,
			     uint64_t gpa, uint64_t size,
			     struct stats *before, struct stats *after)
{
	virt_map_level(vm, gpa, gpa, size, PG_LEVEL_2M);
	vcpu_args_set(vcpu, 2, gpa, size);
	gmem_pool_prefault_slot0(vcpu);
	*before = read_stats(vm);
	gmem_pool_run_to(vcpu, STAGE_FILLED);
	*after = read_stats(vm);
}

/* One new entry of the chunk's size per chunk, nothing smaller. */
static void check_chunk_entries(struct __test_metadata *_metadata,
				const struct stats *s0, const struct stats *s1,
				uint64_t nr)
{
	EXPECT_EQ(s1->p4k, s0->p4k);
	EXPECT_EQ(chunk_size == SZ_1G ? s1->p1g - s0->p1g : s1->p2m - s0->p2m,
		  nr);
}

/*
 * Bind @fd as @size bytes of private memory at @gpa in slot POOL_DATA_SLOT,
 * its shared half backed by anonymous memory aligned like the gpa so that
 * large pages are allowed.  Returns the mapping to munmap(), @size plus a
 * chunk long; *@shared is its aligned start.
 */
static uint8_t *bind_private(struct kvm_vm *vm, int fd, uint64_t gpa,
			     uint64_t size, uint64_t **shared)
{
	uint8_t *raw;

	raw = mmap(NULL, size + chunk_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	TEST_ASSERT(raw != MAP_FAILED, "mmap: %s", strerror(errno));
	*shared = (uint64_t *)align_ptr_up(raw, chunk_size);
	vm_set_user_memory_region2(vm, POOL_DATA_SLOT, KVM_MEM_GUEST_MEMFD, gpa,
				   size, *shared, fd, 0);
	vm_mem_set_private(vm, gpa, size);
	return raw;
}

/*
 * A KVM_X86_SW_PROTECTED_VM runs from pool-backed private memory: large NPT
 * entries only, conversion to shared and back, zeros after punch.
 */
TEST(private_memory_guest)
{
	long before = gmem_pool_free_chunks(pool_node);
	uint64_t nr = before >= POOL_VM_CHUNKS ? POOL_VM_CHUNKS : 1;
	uint64_t size = nr * chunk_size, gpa = POOL_DATA_GPA;
	struct kvm_vcpu *vcpu;
	struct stats s0, s1;
	struct kvm_vm *vm;
	uint64_t *shared;
	uint8_t *raw;
	int fd;

	/* SKIP() is a do-while statement: no braces needed around it. */
	if (!(kvm_check_cap(KVM_CAP_VM_TYPES) & BIT(KVM_X86_SW_PROTECTED_VM)))
		SKIP(return, "KVM_X86_SW_PROTECTED_VM not supported");
	ASSERT_GE(before, 1);

	vm = gmem_pool_create_private_vm(&vcpu, guest_code);
	fd = pool_create(vm, size);
	raw = bind_private(vm, fd, gpa, size, &shared);
	fill_and_measure(vm, vcpu, gpa, size, &s0, &s1);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - nr);
	TH_LOG("chunk %lu KiB: pages_4k +%lu, pages_2m +%lu, pages_1g +%lu",
	       chunk_size >> 10, s1.p4k - s0.p4k, s1.p2m - s0.p2m,
	       s1.p1g - s0.p1g);
	check_chunk_entries(_metadata, &s0, &s1, nr);

	vm_mem_set_shared(vm, gpa, getpagesize());
	shared[0] = PATTERN_HOST;
	gmem_pool_run_to(vcpu, STAGE_SHARED_WRITTEN);
	EXPECT_EQ(shared[0], PATTERN_GUEST);
	vm_mem_set_private(vm, gpa, getpagesize());
	gmem_pool_run_to(vcpu, STAGE_PRIVATE_AGAIN);

	ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, 0,
			    size), 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before);
	gmem_pool_run_to(vcpu, 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - nr);

	kvm_vm_free(vm);
	close(fd);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before);
	munmap(raw, size + chunk_size);
}

/* The page converted in the middle of the first chunk: not 2M-aligned. */
static uint64_t convert_offset(void)
{
	return chunk_size / 2 + PAGE_SIZE;
}

static void guest_check_all(uint64_t *mem, uint64_t size, uint64_t skip,
			    uint64_t at_skip)
{
	uint64_t off;

	for (off = 0; off < size; off += PAGE_SIZE)
		GUEST_ASSERT_EQ(READ_ONCE(mem[off / 8]),
				off == skip ? at_skip : PATTERN_PRIVATE | off);
}

static void guest_convert_code(uint64_t gpa, uint64_t size, uint64_t conv)
{
	uint64_t *mem = (uint64_t *)gpa;
	uint64_t off;

	for (off = 0; off < size; off += PAGE_SIZE)
		WRITE_ONCE(mem[off / 8], PATTERN_PRIVATE | off);
	GUEST_SYNC(STAGE_FILLED);

	/* The page went shared (the host wrote it) and its private part was punched. */
	guest_check_all(mem, size, conv, PATTERN_HOST);
	GUEST_SYNC(STAGE_SHARED_WRITTEN);

	/* Private again: a zeroed page, everything else as it was. */
	guest_check_all(mem, size, conv, 0);
	WRITE_ONCE(mem[conv / 8], PATTERN_PRIVATE | conv);
	GUEST_SYNC(STAGE_PRIVATE_AGAIN);

	/* Punched while private, no conversion: zeroes again. */
	guest_check_all(mem, size, conv, 0);
	GUEST_DONE();
}

/*
 * A 4 KiB conversion in the middle of a chunk, as a VMM does it: the page
 * goes shared and its private part is punched.  The file keeps the chunk,
 * the guest sees its data everywhere else, the 2M range around the page
 * maps at 4K and every other 2M range of the file at 2M.
 */
TEST(sub_chunk_conversion)
{
	long before = gmem_pool_free_chunks(pool_node);
	uint64_t nr = before >= POOL_VM_CHUNKS ? POOL_VM_CHUNKS : 1;
	uint64_t size = nr * chunk_size, gpa = POOL_DATA_GPA;
	uint64_t conv = convert_offset(), ranges_2m = size / SZ_2M;
	struct kvm_vcpu *vcpu;
	struct stats s0, s1;
	struct kvm_vm *vm;
	uint64_t *shared;
	uint8_t *raw;
	int fd;

	if (!(kvm_check_cap(KVM_CAP_VM_TYPES) & BIT(KVM_X86_SW_PROTECTED_VM)))
		SKIP(return, "KVM_X86_SW_PROTECTED_VM not supported");
	ASSERT_GE(before, 1);

	vm = gmem_pool_create_private_vm(&vcpu, guest_convert_code);
	fd = pool_create(vm, size);
	raw = bind_private(vm, fd, gpa, size, &shared);
	virt_map_level(vm, gpa, gpa, size, PG_LEVEL_2M);
	vcpu_args_set(vcpu, 3, gpa, size, conv);
	gmem_pool_prefault_slot0(vcpu);
	s0 = read_stats(vm);
	gmem_pool_run_to(vcpu, STAGE_FILLED);
	ASSERT_EQ(gmem_pool_free_chunks(pool_node), before - nr);

	vm_mem_set_shared(vm, gpa + conv, PAGE_SIZE);
	ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
			    conv, PAGE_SIZE), 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - nr);
	shared[conv / 8] = PATTERN_HOST;
	gmem_pool_run_to(vcpu, STAGE_SHARED_WRITTEN);
	s1 = read_stats(vm);
	TH_LOG("4K conversion: pages_4k +%lu, pages_2m +%lu, pages_1g +%lu",
	       s1.p4k - s0.p4k, s1.p2m - s0.p2m, s1.p1g - s0.p1g);
	/* The page's 2M range at 4K; the file's other 2M ranges at 2M. */
	EXPECT_EQ(s1.p4k - s0.p4k, SZ_2M / PAGE_SIZE);
	EXPECT_EQ(s1.p2m - s0.p2m, ranges_2m - 1);
	EXPECT_EQ(s1.p1g, s0.p1g);

	vm_mem_set_private(vm, gpa + conv, PAGE_SIZE);
	gmem_pool_run_to(vcpu, STAGE_PRIVATE_AGAIN);
	ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
			    conv, PAGE_SIZE), 0);
	gmem_pool_run_to(vcpu, 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - nr);

	kvm_vm_free(vm);
	close(fd);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before);
	munmap(raw, size + chunk_size);
}

static int pool_create_mmap(struct kvm_vm *vm, uint64_t size)
{
	return gmem_pool_create(vm, size, POOL_MMAP, pool_node);
}

/* The kernel places the mapping congruent to the file offset. */
static uint64_t *pool_map(int fd, uint64_t size)
{
	void *p = gmem_pool_map(fd, size);

	TEST_ASSERT(!((uintptr_t)p % chunk_size), "mapping %p not chunk aligned", p);
	return p;
}

/* A child does not inherit the mapping: its access faults. */
static void check_fork_drops_mapping(struct __test_metadata *_metadata,
				     uint64_t *mem)
{
	int status;
	pid_t pid;

	WRITE_ONCE(mem[0], PATTERN_HOST);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid)
		_exit(READ_ONCE(mem[0]) == PATTERN_HOST ? 0 : 1);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV)
		TH_LOG("child status %#x", status);
	EXPECT_EQ(mem[0], PATTERN_HOST);
}

/* With 1 GiB chunks no split or placement may cut a PUD of the file. */
static void check_1g_placement(struct __test_metadata *_metadata, int fd,
			       uint8_t *mem)
{
	uint8_t *area, *target;

	errno = 0;
	EXPECT_EQ(munmap(mem + SZ_2M, getpagesize()), -1);
	EXPECT_EQ(errno, EINVAL);
	errno = 0;
	EXPECT_EQ(mmap(mem + SZ_2M, chunk_size, PROT_READ, MAP_SHARED | MAP_FIXED,
		       fd, 0), MAP_FAILED);
	EXPECT_EQ(errno, EINVAL);

	area = mmap(NULL, 3 * chunk_size, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(area, MAP_FAILED);
	target = align_ptr_up(area, chunk_size) + SZ_2M;
	errno = 0;
	EXPECT_EQ(mremap(mem, chunk_size, chunk_size,
			 MREMAP_MAYMOVE | MREMAP_FIXED, target), MAP_FAILED);
	EXPECT_EQ(errno, EINVAL);
	munmap(area, 3 * chunk_size);
}

/* What a mapping of a GUEST_MEMFD_FLAG_POOL_MMAP file refuses, and why. */
TEST(mmap_refusals)
{
	struct kvm_vm *vm = vm_create_barebones();
	long before = gmem_pool_free_chunks(pool_node);
	int fd = pool_create_mmap(vm, chunk_size);
	int plain = pool_create(vm, chunk_size);
	const int rw = PROT_READ | PROT_WRITE;
	uint8_t *mem;
	char buf[64];

	errno = 0;
	EXPECT_EQ(mmap(NULL, chunk_size, rw, MAP_SHARED, plain, 0), MAP_FAILED);
	EXPECT_EQ(errno, ENODEV);
	errno = 0;
	EXPECT_EQ(mmap(NULL, chunk_size, rw, MAP_PRIVATE, fd, 0), MAP_FAILED);
	EXPECT_EQ(errno, EINVAL);
	errno = 0;
	EXPECT_EQ(mmap(NULL, chunk_size, rw | PROT_EXEC, MAP_SHARED, fd, 0),
		  MAP_FAILED);
	EXPECT_EQ(errno, EPERM);
	errno = 0;
	EXPECT_EQ(mmap(NULL, 2 * chunk_size, rw, MAP_SHARED, fd, 0), MAP_FAILED);
	EXPECT_EQ(errno, EINVAL);
	errno = 0;
	EXPECT_EQ(mmap(NULL, getpagesize(), rw, MAP_SHARED, fd, chunk_size),
		  MAP_FAILED);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_LT(read(fd, buf, sizeof(buf)), 0);
	EXPECT_LT(write(fd, buf, sizeof(buf)), 0);

	mem = (uint8_t *)pool_map(fd, chunk_size);
	errno = 0;
	EXPECT_EQ(mprotect(mem, getpagesize(), PROT_READ | PROT_EXEC), -1);
	EXPECT_EQ(errno, EACCES);
	errno = 0;
	EXPECT_EQ(mremap(mem, chunk_size, 2 * chunk_size, 0), MAP_FAILED);
	EXPECT_EQ(errno, EFAULT);
	errno = 0;
	EXPECT_EQ(mremap(mem, chunk_size, 2 * chunk_size, MREMAP_MAYMOVE),
		  MAP_FAILED);
	EXPECT_EQ(errno, EFAULT);
	errno = 0;
	EXPECT_EQ(madvise(mem, chunk_size, MADV_DOFORK), -1);
	EXPECT_EQ(errno, EINVAL);
	check_fork_drops_mapping(_metadata, (uint64_t *)mem);
	if (chunk_size == SZ_1G)
		check_1g_placement(_metadata, fd, mem);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - 1);

	munmap(mem, chunk_size);
	close(plain);
	close(fd);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before);
	kvm_vm_free(vm);
}

/* A mappable file cannot back private memory: the VMM could read it. */
TEST(mmap_not_private)
{
	struct kvm_vm *vm;
	void *shared;
	int fd;

	if (!(kvm_check_cap(KVM_CAP_VM_TYPES) & BIT(KVM_X86_SW_PROTECTED_VM)))
		SKIP(return, "KVM_X86_SW_PROTECTED_VM not supported");
	vm = vm_create_barebones_type(KVM_X86_SW_PROTECTED_VM);
	fd = pool_create_mmap(vm, chunk_size);
	shared = mmap(NULL, chunk_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(shared, MAP_FAILED);
	errno = 0;
	EXPECT_EQ(__vm_set_user_memory_region2(vm, POOL_DATA_SLOT,
					       KVM_MEM_GUEST_MEMFD, POOL_DATA_GPA,
					       chunk_size, shared, fd, 0), -1);
	EXPECT_EQ(errno, EINVAL);
	munmap(shared, chunk_size);
	close(fd);
	kvm_vm_free(vm);
}

static void guest_mmap_code(uint64_t gpa, uint64_t size)
{
	uint64_t *mem = (uint64_t *)gpa;
	uint64_t off;

	for (off = 0; off < size; off += PAGE_SIZE) {
		GUEST_ASSERT_EQ(READ_ONCE(mem[off / 8]), PATTERN_HOST ^ off);
		WRITE_ONCE(mem[off / 8], PATTERN_GUEST ^ off);
	}
	GUEST_SYNC(STAGE_FILLED);

	/* The host punched the file and another file took its chunks. */
	for (off = 0; off < size; off += PAGE_SIZE)
		GUEST_ASSERT_EQ(READ_ONCE(mem[off / 8]), 0);
	GUEST_DONE();
}

/* Every byte of [@mem, @mem + @size) is mapped at the chunk size. */
static void check_host_levels(struct __test_metadata *_metadata,
			      const void *mem, uint64_t size)
{
	uint64_t b[GMEM_POOL_NR_LEVELS];

	ASSERT_TRUE(gmem_pool_host_levels(mem, size, b));
	TH_LOG("host page tables: 4K %lu KiB, 2M %lu KiB, 1G %lu KiB",
	       b[GMEM_POOL_PTE] >> 10, b[GMEM_POOL_PMD] >> 10,
	       b[GMEM_POOL_PUD] >> 10);
	EXPECT_EQ(b[chunk_size == SZ_1G ? GMEM_POOL_PUD : GMEM_POOL_PMD], size);
}

/*
 * Another mappable file takes the chunks a punch freed and writes over
 * them: a stale mapping of the punched file would show its pattern.
 */
static int take_and_scribble(struct kvm_vm *vm, uint64_t size)
{
	int fd = pool_create_mmap(vm, size);
	uint64_t *mem = pool_map(fd, size), off;

	for (off = 0; off < size; off += PAGE_SIZE)
		mem[off / 8] = PATTERN_OTHER;
	munmap(mem, size);
	return fd;
}

/*
 * A default-type VM whose memory is a mapped pool file: the VMM and the
 * guest see each other's writes, host and KVM map whole chunks, and a
 * punched range reads as zeroes on both sides.
 */
TEST(mmap_default_vm)
{
	long before = gmem_pool_free_chunks(pool_node);
	uint64_t nr = before >= POOL_VM_CHUNKS ? POOL_VM_CHUNKS : 1;
	uint64_t size = nr * chunk_size, off, *mem;
	struct kvm_vcpu *vcpu;
	struct stats s0, s1;
	struct kvm_vm *vm;
	int fd, other = -1;

	vm = vm_create_with_one_vcpu(&vcpu, guest_mmap_code);
	fd = pool_create_mmap(vm, size);
	mem = pool_map(fd, size);
	for (off = 0; off < size; off += PAGE_SIZE)
		mem[off / 8] = PATTERN_HOST ^ off;
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - nr);
	check_host_levels(_metadata, mem, size);

	vm_set_user_memory_region(vm, POOL_DATA_SLOT, 0, POOL_DATA_GPA, size, mem);
	fill_and_measure(vm, vcpu, POOL_DATA_GPA, size, &s0, &s1);
	TH_LOG("KVM: pages_4k +%lu, pages_2m +%lu, pages_1g +%lu",
	       s1.p4k - s0.p4k, s1.p2m - s0.p2m, s1.p1g - s0.p1g);
	check_chunk_entries(_metadata, &s0, &s1, nr);
	for (off = 0; off < size; off += PAGE_SIZE)
		ASSERT_EQ(mem[off / 8], PATTERN_GUEST ^ off) TH_LOG("offset %#lx", off);

	ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, 0,
			    size), 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before);
	/* Only where the pool has room for both files (not on 1G nodes). */
	if (before >= 2 * (long)nr)
		other = take_and_scribble(vm, size);
	gmem_pool_run_to(vcpu, 0);
	for (off = 0; off < size; off += PAGE_SIZE)
		ASSERT_EQ(mem[off / 8], 0) TH_LOG("offset %#lx", off);

	kvm_vm_free(vm);
	munmap(mem, size);
	close(fd);
	if (other >= 0)
		close(other);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before);
}

static void guest_read_zero(uint64_t gpa)
{
	GUEST_ASSERT_EQ(READ_ONCE(*(uint64_t *)gpa), 0);
	GUEST_DONE();
}

/*
 * Once punched, a range takes a new chunk on the next access; with the
 * pool empty that access gets SIGBUS in the VMM and EFAULT from KVM_RUN,
 * never a stale view of the chunk another file now holds.
 */
TEST(mmap_punch_empty_pool)
{
	long before = gmem_pool_free_chunks(pool_node);
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	uint64_t *mem, val;
	int fd, other;

	vm = vm_create_with_one_vcpu(&vcpu, guest_read_zero);
	fd = pool_create_mmap(vm, chunk_size);
	mem = pool_map(fd, chunk_size);
	mem[0] = PATTERN_HOST;
	vm_set_user_memory_region(vm, POOL_DATA_SLOT, 0, POOL_DATA_GPA,
				  chunk_size, mem);
	virt_map_level(vm, POOL_DATA_GPA, POOL_DATA_GPA, chunk_size, PG_LEVEL_2M);
	vcpu_args_set(vcpu, 1, POOL_DATA_GPA);

	ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, 0,
			    chunk_size), 0);
	other = take_and_scribble(vm, before * chunk_size);
	ASSERT_EQ(gmem_pool_free_chunks(pool_node), 0);

	EXPECT_TRUE(gmem_pool_read_sigbus(mem, &val)) TH_LOG("read %#lx", val);
	errno = 0;
	EXPECT_EQ(_vcpu_run(vcpu), -1);
	EXPECT_EQ(errno, EFAULT);

	close(other);
	EXPECT_FALSE(gmem_pool_read_sigbus(mem, &val));
	EXPECT_EQ(val, 0);
	gmem_pool_run_to(vcpu, 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - 1);

	kvm_vm_free(vm);
	munmap(mem, chunk_size);
	close(fd);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before);
}

#define NESTED_ROUNDS		3
#define NESTED_STACK_WORDS	64

static void l2_vmmcall(void)
{
	vmmcall();
}

/* L1: VMRUN an L2 that exits at once, @rounds times, with the VMCB @svm names. */
static void l1_nested_code(struct svm_test_data *svm, uint64_t rounds)
{
	unsigned long l2_stack[NESTED_STACK_WORDS];
	uint64_t i;

	for (i = 1; i <= rounds; i++) {
		generic_svm_setup(svm, l2_vmmcall, &l2_stack[NESTED_STACK_WORDS]);
		run_guest(svm->vmcb, svm->vmcb_gpa);
		GUEST_ASSERT_EQ(svm->vmcb->control.exit_code, SVM_EXIT_VMMCALL);
		GUEST_SYNC(i);
	}
	GUEST_DONE();
}

/*
 * KVM maps an L1 VMCB (vmcb12) with kvm_vcpu_map() on every nested VMRUN
 * and VM-exit.  In a page of a mapped pool file there is no struct page to
 * hold: KVM pins the chunk in the carveout while the mapping lives.  The
 * nested guest runs with its VMCB in pool memory, KVM's writes reach the
 * file, a punch between runs gives the chunk back (no pin outlives the
 * mapping), and closing everything leaves the pool as it was.
 */
TEST(nested_vmcb_in_pool)
{
	long before = gmem_pool_free_chunks(pool_node);
	struct svm_test_data *svm;
	struct kvm_vcpu *vcpu;
	vm_vaddr_t svm_gva;
	struct kvm_vm *vm;
	struct vmcb *vmcb;
	uint64_t i;
	int fd;

	if (!kvm_cpu_has(X86_FEATURE_SVM))
		SKIP(return, "no nested SVM");

	vm = vm_create_with_one_vcpu(&vcpu, l1_nested_code);
	svm = vcpu_alloc_svm(vm, &svm_gva);
	fd = pool_create_mmap(vm, chunk_size);
	vmcb = (struct vmcb *)pool_map(fd, chunk_size);
	vm_set_user_memory_region(vm, POOL_DATA_SLOT, 0, POOL_DATA_GPA,
				  chunk_size, vmcb);
	virt_map_level(vm, POOL_DATA_GPA, POOL_DATA_GPA, chunk_size, PG_LEVEL_2M);
	svm->vmcb = (struct vmcb *)POOL_DATA_GPA;
	svm->vmcb_hva = vmcb;
	svm->vmcb_gpa = POOL_DATA_GPA;
	vcpu_args_set(vcpu, 2, svm_gva, NESTED_ROUNDS);

	for (i = 1; i <= NESTED_ROUNDS; i++) {
		gmem_pool_run_to(vcpu, i);
		/* KVM's nested VM-exit wrote the exit code through its mapping. */
		EXPECT_EQ(READ_ONCE(vmcb->control.exit_code), SVM_EXIT_VMMCALL);
		EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - 1);
		ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
				    0, chunk_size), 0);
		EXPECT_EQ(gmem_pool_free_chunks(pool_node), before)
			TH_LOG("round %lu: a pin outlived kvm_vcpu_unmap()", i);
	}
	gmem_pool_run_to(vcpu, 0);

	kvm_vm_free(vm);
	munmap(vmcb, chunk_size);
	close(fd);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before);
}

/* Write @val to cgroup file @dir/@file, or fail the test. */
static void cg_write(const char *dir, const char *file, const char *val)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY);
	TEST_ASSERT(fd >= 0, "open %s: %s", path, strerror(errno));
	TEST_ASSERT(write(fd, val, strlen(val)) == (ssize_t)strlen(val),
		    "write '%s' to %s: %s", val, path, strerror(errno));
	close(fd);
}

/* The value of the MISC_RES line (or of field @key) of @dir/@file, or -1. */
static long long cg_read(const char *dir, const char *file, const char *key)
{
	char path[256], name[64];
	long long val, found = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "r");
	TEST_ASSERT(f, "open %s: %s", path, strerror(errno));
	while (fscanf(f, "%63s %lld", name, &val) == 2)
		if (!strcmp(name, key))
			found = val;
	fclose(f);
	return found;
}

static uint64_t all_pools_bytes(void)
{
	uint64_t total = 0;
	int nid;

	for (nid = 0; nid < GMEM_POOL_MAX_NODES; nid++)
		if (gmem_pool_total_chunks(nid) > 0)
			total += gmem_pool_total_chunks(nid) * chunk_size;
	return total;
}

static void guest_touch_two(uint64_t gpa, uint64_t stride)
{
	WRITE_ONCE(*(uint64_t *)gpa, PATTERN_GUEST);
	WRITE_ONCE(*(uint64_t *)(gpa + stride), PATTERN_GUEST);
	GUEST_DONE();
}

/*
 * A guest whose second chunk would go over misc.max: KVM_RUN fails with
 * ENOSPC and a memory fault exit at that chunk, as for any failed
 * guest_memfd fault.
 */
static void check_guest_over_limit(struct __test_metadata *_metadata)
{
	uint64_t gpa = POOL_DATA_GPA, *shared;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	uint8_t *raw;
	int fd;

	if (!(kvm_check_cap(KVM_CAP_VM_TYPES) & BIT(KVM_X86_SW_PROTECTED_VM)))
		return;
	vm = gmem_pool_create_private_vm(&vcpu, guest_touch_two);
	fd = pool_create(vm, 2 * chunk_size);
	raw = bind_private(vm, fd, gpa, 2 * chunk_size, &shared);
	virt_map_level(vm, gpa, gpa, 2 * chunk_size, PG_LEVEL_4K);
	vcpu_args_set(vcpu, 2, gpa, chunk_size);

	errno = 0;
	EXPECT_EQ(_vcpu_run(vcpu), -1);
	EXPECT_EQ(errno, ENOSPC);
	EXPECT_EQ(vcpu->run->exit_reason, KVM_EXIT_MEMORY_FAULT);
	EXPECT_EQ(vcpu->run->memory_fault.gpa, gpa + chunk_size);
	EXPECT_EQ(cg_read(CGROUP_TEST, "misc.current", MISC_RES), chunk_size);
	EXPECT_EQ(cg_read(CGROUP_TEST, "misc.events", MISC_RES ".max"), 2);

	kvm_vm_free(vm);
	close(fd);
	munmap(raw, 3 * chunk_size);
}

/*
 * The misc cgroup resource gmem_pool: its capacity is every pool, in bytes;
 * a file's chunks are charged to the cgroup of the task that takes them and
 * uncharged when they go back; over misc.max a take fails with ENOSPC and
 * misc.events counts it.
 */
TEST(misc_cgroup_limit)
{
	long before = gmem_pool_free_chunks(pool_node);
	char max[64];
	struct kvm_vm *vm;
	int fd;

	if (gmem_pool_total_chunks(pool_node) < 2 || before < 2)
		SKIP(return, "needs a pool with two free chunks");
	if (access(CGROUP_ROOT "/cgroup.controllers", F_OK))
		ASSERT_EQ(mount("none", CGROUP_ROOT, "cgroup2", 0, NULL), 0);
	/* The root shows the misc files once the controller is enabled. */
	cg_write(CGROUP_ROOT, "cgroup.subtree_control", "+misc");
	ASSERT_EQ(cg_read(CGROUP_ROOT, "misc.capacity", MISC_RES),
		  all_pools_bytes());
	rmdir(CGROUP_TEST);
	ASSERT_EQ(mkdir(CGROUP_TEST, 0755), 0);
	snprintf(max, sizeof(max), MISC_RES " %lu", chunk_size);
	cg_write(CGROUP_TEST, "misc.max", max);
	cg_write(CGROUP_TEST, "cgroup.procs", "0");

	vm = vm_create_barebones();
	fd = pool_create(vm, 2 * chunk_size);
	ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, chunk_size), 0);
	EXPECT_EQ(cg_read(CGROUP_TEST, "misc.current", MISC_RES), chunk_size);
	errno = 0;
	EXPECT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 2 * chunk_size), -1);
	EXPECT_EQ(errno, ENOSPC);
	EXPECT_EQ(cg_read(CGROUP_TEST, "misc.events", MISC_RES ".max"), 1);
	/* The limit, not the pool, said no: the pool still has the chunk. */
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - 1);

	/* A punch gives the budget back, and the other half can be taken. */
	ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, 0,
			    chunk_size), 0);
	EXPECT_EQ(cg_read(CGROUP_TEST, "misc.current", MISC_RES), 0);
	EXPECT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE, chunk_size, chunk_size), 0);
	EXPECT_EQ(cg_read(CGROUP_TEST, "misc.current", MISC_RES), chunk_size);
	close(fd);
	kvm_vm_free(vm);
	EXPECT_EQ(cg_read(CGROUP_TEST, "misc.current", MISC_RES), 0);

	check_guest_over_limit(_metadata);
	EXPECT_EQ(cg_read(CGROUP_TEST, "misc.current", MISC_RES), 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before);

	cg_write(CGROUP_ROOT, "cgroup.procs", "0");
	EXPECT_EQ(rmdir(CGROUP_TEST), 0);
}

int main(int argc, char **argv)
{
	TEST_REQUIRE(kvm_has_cap(KVM_CAP_GUEST_MEMFD));
	chunk_size = kvm_check_cap(KVM_CAP_GUEST_MEMFD_POOL);
	TEST_REQUIRE(chunk_size);
	pool_node = gmem_pool_find_node(1);
	TEST_REQUIRE(pool_node >= 0);
	return test_harness_run(argc, argv);
}
