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
#include <sys/stat.h>
#include <sys/wait.h>

#include <linux/falloc.h>
#include <linux/sizes.h>

#include "gmem_pool_util.h"
#include "kvm_util.h"
#include "processor.h"
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
	const struct bad_create cases[] = {
		{ "size 0", 0, pool, 0, true, 0 },
		{ "size one page", getpagesize(), pool, 0, true, 0 },
		{ "size chunk + page", chunk_size + getpagesize(), pool, 0, true, 0 },
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
 * node.  The file is two chunks long either way; creating it takes nothing.
 */
TEST(fallocate_punch_release)
{
	struct kvm_vm *vm = vm_create_barebones();
	long before = gmem_pool_free_chunks(pool_node);
	int fd;

	ASSERT_GE(before, 1);
	fd = pool_create(vm, 2 * chunk_size);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before);

	ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE, chunk_size, chunk_size), 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - 1);
	/* Allocating what the file already holds takes nothing more. */
	ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE, chunk_size, chunk_size), 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - 1);

	ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
			    chunk_size, chunk_size), 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before);

	/* The punched chunk is free again: the other half can take it. */
	ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, chunk_size), 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - 1);

	if (before >= 2) {
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
	int fd = pool_create(vm, 2 * chunk_size);
	const struct {
		int mode;
		off_t offset, len;
		int err;
	} cases[] = {
		{ FALLOC_FL_KEEP_SIZE, page, chunk_size, EINVAL },
		{ FALLOC_FL_KEEP_SIZE, 0, page, EINVAL },
		{ FALLOC_FL_KEEP_SIZE, 0, chunk_size + page, EINVAL },
		{ FALLOC_FL_KEEP_SIZE, chunk_size, 2 * chunk_size, EINVAL },
		{ FALLOC_FL_KEEP_SIZE, 2 * chunk_size, chunk_size, EINVAL },
		{ FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, page, page, EINVAL },
		{ FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, 0, 3 * chunk_size, EINVAL },
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

static void run_to(struct kvm_vcpu *vcpu, uint64_t stage)
{
	struct ucall uc;

	vcpu_run(vcpu);
	TEST_ASSERT_KVM_EXIT_REASON(vcpu, KVM_EXIT_IO);
	switch (get_ucall(vcpu, &uc)) {
	case UCALL_SYNC:
		TEST_ASSERT_EQ(uc.args[1], stage);
		break;
	case UCALL_DONE:
		TEST_ASSERT_EQ(stage, 0);
		break;
	case UCALL_ABORT:
		REPORT_GUEST_ASSERT(uc);
	default:
		TEST_FAIL("unexpected ucall %lu", uc.cmd);
	}
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
	run_to(vcpu, STAGE_FILLED);
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

	/* Shared backing aligned like the gpa, so large pages are allowed. */
	raw = mmap(NULL, size + chunk_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(raw, MAP_FAILED);
	shared = (uint64_t *)align_ptr_up(raw, chunk_size);
	vm_set_user_memory_region2(vm, POOL_DATA_SLOT, KVM_MEM_GUEST_MEMFD, gpa,
				   size, shared, fd, 0);
	vm_mem_set_private(vm, gpa, size);
	fill_and_measure(vm, vcpu, gpa, size, &s0, &s1);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - nr);
	TH_LOG("chunk %lu KiB: pages_4k +%lu, pages_2m +%lu, pages_1g +%lu",
	       chunk_size >> 10, s1.p4k - s0.p4k, s1.p2m - s0.p2m,
	       s1.p1g - s0.p1g);
	check_chunk_entries(_metadata, &s0, &s1, nr);

	vm_mem_set_shared(vm, gpa, getpagesize());
	shared[0] = PATTERN_HOST;
	run_to(vcpu, STAGE_SHARED_WRITTEN);
	EXPECT_EQ(shared[0], PATTERN_GUEST);
	vm_mem_set_private(vm, gpa, getpagesize());
	run_to(vcpu, STAGE_PRIVATE_AGAIN);

	ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, 0,
			    size), 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before);
	run_to(vcpu, 0);
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
	run_to(vcpu, 0);
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
	run_to(vcpu, 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - 1);

	kvm_vm_free(vm);
	munmap(mem, chunk_size);
	close(fd);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before);
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
