// SPDX-License-Identifier: GPL-2.0
/*
 * gmem_pool_poison_test: memory errors in pool chunks.
 *
 * Injects errors with /sys/devices/system/memory/hard_offline_page
 * (memory_failure(), MF_SW_SIMULATED) and checks that the chunk is retired:
 * counted in node<N>/poisoned_chunks, never handed out again, and failing
 * every access of the file that holds it: -EHWPOISON from KVM_RUN for a
 * guest, SIGBUS with BUS_MCEERR_AR for a process mapping or a VM whose
 * memslot is such a mapping.  Each case retires a chunk for the rest of the
 * boot, so this program runs last in its boot, as root.
 *
 * Across a live update (two boots, not the harness):
 *
 *   preserve-poison SESSION TOKEN
 *	retire a free chunk of node 0, and chunk 1 of a two-chunk mapped file
 *	that is then preserved in SESSION under TOKEN (the session is held
 *	until the kexec); the addresses go to POISON_STATE, which the kexec
 *	carries in the next initramfs.
 *   retrieve-poison SESSION TOKEN
 *	in the next kernel: both chunks are retired again, the file's chunk 0
 *	is whole and chunk 1 raises BUS_MCEERR_AR, for the VMM and for a VM,
 *	and no file is handed either chunk.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include <linux/falloc.h>
#include <linux/sizes.h>

#include "gmem_pool_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "test_util.h"
#include "kselftest_harness.h"

#define POISON_SLOT		10
#define POISON_GPA		SZ_4G
#define POISON_PATTERN		0x5a5a5a5a5a5a5a5aULL
#define POISON_PAGE		3
#define POOL_MMAP		(GUEST_MEMFD_FLAG_POOL | GUEST_MEMFD_FLAG_POOL_MMAP)
#define POISON_STATE		"/poison-state"
#define LU_CHUNKS		2

enum poison_stage {
	STAGE_WRITTEN = 1,
	STAGE_OTHER_READ,
};

static uint64_t chunk_size;
static int pool_node;

/*
 * Each case retires a chunk: take the lowest node that still has one free
 * (the 1G boot has one chunk a node).
 */
static bool pick_node(void)
{
	pool_node = gmem_pool_find_node(1);
	return pool_node >= 0;
}

/* Chunks a case may use: two where the pool has them, else one. */
static uint64_t case_chunks(void)
{
	return gmem_pool_free_chunks(pool_node) >= 3 ? 2 : 1;
}

static uint64_t *map_file(int fd, uint64_t size)
{
	return gmem_pool_map(fd, size);
}

static char chunk_map[GMEM_POOL_MAP_MAX];

/* What node @nid's debugfs map shows for chunk @idx. */
static char chunk_state(int nid, long idx)
{
	long nr = gmem_pool_chunk_map(nid, chunk_map, sizeof(chunk_map));

	TEST_ASSERT(idx >= 0 && idx < nr, "chunk %ld of %ld", idx, nr);
	return chunk_map[idx];
}

/*
 * The index of the @n-th free chunk of node @nid (from 0): the carveout
 * hands out the lowest free chunk first, so the next allocations take these
 * in order.
 */
static long nth_free(int nid, int n)
{
	long nr = gmem_pool_chunk_map(nid, chunk_map, sizeof(chunk_map)), i;

	for (i = 0; i < nr; i++)
		if (chunk_map[i] == '.' && !n--)
			return i;
	TEST_FAIL("node %d has no free chunk left", nid);
	return -1;
}

/* The physical address of page @page of chunk @idx of node @nid. */
static uint64_t chunk_phys(int nid, long idx, uint64_t page)
{
	return gmem_pool_chunk_base(nid) + idx * chunk_size +
	       page * getpagesize();
}

/* A pool file of @nr chunks on @pool_node, allocated now. */
static int allocated_file(struct kvm_vm *vm, uint64_t nr, uint64_t flags)
{
	int fd = gmem_pool_create(vm, nr * chunk_size, flags, pool_node);

	TEST_ASSERT(!fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, nr * chunk_size),
		    "fallocate: %s", strerror(errno));
	return fd;
}

/*
 * A free chunk hit by an error leaves the free count for good, is not handed
 * out again, and a second error in it is reported as already handled.
 */
TEST(free_chunk)
{
	long free0, bad0, idx, other;
	struct kvm_vm *vm;
	int fd;

	if (!pick_node())
		SKIP(return, "no pool has a free chunk left");
	free0 = gmem_pool_free_chunks(pool_node);
	bad0 = gmem_pool_poisoned_chunks(pool_node);
	idx = nth_free(pool_node, 0);

	ASSERT_EQ(gmem_pool_hard_offline(chunk_phys(pool_node, idx,
						    POISON_PAGE)), 0);
	EXPECT_EQ(gmem_pool_poisoned_chunks(pool_node), bad0 + 1);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), free0 - 1);
	EXPECT_EQ(chunk_state(pool_node, idx), 'X');

	EXPECT_EQ(gmem_pool_hard_offline(chunk_phys(pool_node, idx, 0)),
		  EHWPOISON);
	EXPECT_EQ(gmem_pool_poisoned_chunks(pool_node), bad0 + 1);

	if (free0 >= 2) {
		vm = vm_create_barebones();
		other = nth_free(pool_node, 0);
		fd = allocated_file(vm, 1, GUEST_MEMFD_FLAG_POOL);
		EXPECT_EQ(chunk_state(pool_node, other), 'U');
		EXPECT_EQ(chunk_state(pool_node, idx), 'X');
		close(fd);
		kvm_vm_free(vm);
	}
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), free0 - 1);
}

/* The pool's metadata is not a chunk: memory_failure() cannot handle it. */
TEST(metadata_not_a_chunk)
{
	uint64_t base;
	long bad0;

	if (!pick_node())
		SKIP(return, "no pool has a free chunk left");
	bad0 = gmem_pool_poisoned_chunks(pool_node);
	base = gmem_pool_chunk_base(pool_node);
	EXPECT_EQ(gmem_pool_hard_offline(base - getpagesize()), ENXIO);
	EXPECT_EQ(gmem_pool_poisoned_chunks(pool_node), bad0);
}

/*
 * A chunk under a process mapping: reads of it get SIGBUS with
 * BUS_MCEERR_AR at the address read, the file's other chunk is untouched,
 * and a punch gives the slot a new, zeroed chunk while the bad one stays
 * out of the pool.
 */
TEST(mapped_chunk)
{
	uint64_t nr, size, val, *mem, *bad;
	long free0, bad0, idx;
	struct kvm_vm *vm;
	void *addr = NULL;
	int fd;

	if (!pick_node())
		SKIP(return, "no pool has a free chunk left");
	nr = case_chunks();
	size = nr * chunk_size;
	free0 = gmem_pool_free_chunks(pool_node);
	bad0 = gmem_pool_poisoned_chunks(pool_node);
	vm = vm_create_barebones();
	idx = nth_free(pool_node, 0);

	fd = allocated_file(vm, nr, POOL_MMAP);
	mem = map_file(fd, size);
	mem[0] = POISON_PATTERN;
	if (nr > 1)
		mem[chunk_size / 8] = POISON_PATTERN;

	bad = mem + POISON_PAGE * getpagesize() / 8;
	ASSERT_EQ(gmem_pool_hard_offline(chunk_phys(pool_node, idx,
						    POISON_PAGE)), 0);
	EXPECT_EQ(gmem_pool_poisoned_chunks(pool_node), bad0 + 1);
	EXPECT_EQ(chunk_state(pool_node, idx), 'x');

	EXPECT_EQ(gmem_pool_read_sigbus_code(bad, &val, &addr), BUS_MCEERR_AR);
	EXPECT_EQ(addr, (void *)bad);
	EXPECT_EQ(gmem_pool_read_sigbus_code(mem, &val, &addr), BUS_MCEERR_AR);
	if (nr > 1) {
		EXPECT_EQ(gmem_pool_read_sigbus_code(mem + chunk_size / 8, &val,
						     &addr), 0);
		EXPECT_EQ(val, POISON_PATTERN);
	}

	ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, 0,
			    chunk_size), 0);
	EXPECT_EQ(chunk_state(pool_node, idx), 'X');
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), free0 - nr);
	if (free0 > (long)nr) {
		EXPECT_EQ(gmem_pool_read_sigbus_code(mem, &val, &addr), 0);
		EXPECT_EQ(val, 0);
		EXPECT_EQ(chunk_state(pool_node, idx), 'X');
	}

	munmap(mem, size);
	close(fd);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), free0 - 1);
	EXPECT_EQ(gmem_pool_poisoned_chunks(pool_node), bad0 + 1);
	kvm_vm_free(vm);
}

static void guest_private_code(uint64_t gpa, uint64_t stride, uint64_t nr)
{
	uint64_t i;

	for (i = 0; i < nr; i++)
		WRITE_ONCE(*(uint64_t *)(gpa + i * stride), POISON_PATTERN);
	GUEST_SYNC(STAGE_WRITTEN);
	if (nr > 1)
		GUEST_ASSERT_EQ(READ_ONCE(*(uint64_t *)(gpa + stride)),
				POISON_PATTERN);
	GUEST_SYNC(STAGE_OTHER_READ);
	GUEST_ASSERT_EQ(READ_ONCE(*(uint64_t *)(gpa + POISON_PAGE * PAGE_SIZE)),
			POISON_PATTERN);
	GUEST_DONE();
}

/*
 * A chunk under a running guest's private memory: its SPTEs go, and the
 * guest's next access to it ends KVM_RUN with -EHWPOISON and a memory fault
 * exit at the page, as stock guest_memfd does for a poisoned folio; the
 * file's other chunk keeps working.
 */
TEST(guest_private_chunk)
{
	uint64_t nr, size, gpa = POISON_GPA;
	long free0, bad0, idx;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	uint8_t *raw;
	void *shared;
	int fd;

	if (!(kvm_check_cap(KVM_CAP_VM_TYPES) & BIT(KVM_X86_SW_PROTECTED_VM)))
		SKIP(return, "KVM_X86_SW_PROTECTED_VM not supported");
	if (!pick_node())
		SKIP(return, "no pool has a free chunk left");
	nr = case_chunks();
	size = nr * chunk_size;
	free0 = gmem_pool_free_chunks(pool_node);
	bad0 = gmem_pool_poisoned_chunks(pool_node);

	vm = gmem_pool_create_private_vm(&vcpu, guest_private_code);
	idx = nth_free(pool_node, 0);
	fd = allocated_file(vm, nr, GUEST_MEMFD_FLAG_POOL);

	raw = mmap(NULL, size + chunk_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(raw, MAP_FAILED);
	shared = align_ptr_up(raw, chunk_size);
	vm_set_user_memory_region2(vm, POISON_SLOT, KVM_MEM_GUEST_MEMFD, gpa,
				   size, shared, fd, 0);
	vm_mem_set_private(vm, gpa, size);
	virt_map_level(vm, gpa, gpa, size, PG_LEVEL_2M);
	vcpu_args_set(vcpu, 3, gpa, chunk_size, nr);

	gmem_pool_run_to(vcpu, STAGE_WRITTEN);
	ASSERT_EQ(gmem_pool_hard_offline(chunk_phys(pool_node, idx,
						    POISON_PAGE)), 0);
	EXPECT_EQ(gmem_pool_poisoned_chunks(pool_node), bad0 + 1);
	EXPECT_EQ(chunk_state(pool_node, idx), 'x');
	gmem_pool_run_to(vcpu, STAGE_OTHER_READ);

	errno = 0;
	EXPECT_EQ(_vcpu_run(vcpu), -1);
	EXPECT_EQ(errno, EHWPOISON);
	EXPECT_EQ(vcpu->run->exit_reason, KVM_EXIT_MEMORY_FAULT);
	EXPECT_EQ(vcpu->run->memory_fault.gpa, gpa + POISON_PAGE * PAGE_SIZE);
	EXPECT_TRUE(vcpu->run->memory_fault.flags &
		    KVM_MEMORY_EXIT_FLAG_PRIVATE);
	/* Again: the chunk stays retired, nothing was handed out meanwhile. */
	errno = 0;
	EXPECT_EQ(_vcpu_run(vcpu), -1);
	EXPECT_EQ(errno, EHWPOISON);

	kvm_vm_free(vm);
	close(fd);
	munmap(raw, size + chunk_size);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), free0 - 1);
	EXPECT_EQ(chunk_state(pool_node, idx), 'X');
}

static sigjmp_buf run_jmp;
static int run_code;
static void *run_addr;

static void run_sigbus(int sig, siginfo_t *info, void *ctx)
{
	run_code = info->si_code;
	run_addr = info->si_addr;
	siglongjmp(run_jmp, 1);
}

/* KVM_RUN once; the SIGBUS code it raised in this thread, or 0. */
static int run_sigbus_code(struct kvm_vcpu *vcpu)
{
	struct sigaction sa = {
		.sa_sigaction = run_sigbus,
		.sa_flags = SA_SIGINFO,
	}, old;
	int code = 0;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(run_jmp, 1))
		code = run_code;
	else
		_vcpu_run(vcpu);
	sigaction(SIGBUS, &old, NULL);
	return code;
}

static void guest_read_code(uint64_t gpa)
{
	GUEST_ASSERT_EQ(READ_ONCE(*(uint64_t *)gpa), POISON_PATTERN);
	GUEST_SYNC(STAGE_WRITTEN);
	GUEST_ASSERT_EQ(READ_ONCE(*(uint64_t *)gpa), POISON_PATTERN);
	GUEST_DONE();
}

/*
 * A default VM whose memslot is a process mapping of a pool file: KVM
 * follows the mapping, finds the chunk retired and sends the VMM thread
 * SIGBUS with BUS_MCEERR_AR at the memslot's address, as for any poisoned
 * page of a VMM.
 */
TEST(guest_mapped_chunk)
{
	struct kvm_vcpu *vcpu;
	long free0, idx;
	struct kvm_vm *vm;
	uint64_t *mem;
	int fd;

	if (!pick_node())
		SKIP(return, "no pool has a free chunk left");
	free0 = gmem_pool_free_chunks(pool_node);
	vm = vm_create_with_one_vcpu(&vcpu, guest_read_code);
	idx = nth_free(pool_node, 0);
	fd = allocated_file(vm, 1, POOL_MMAP);
	mem = map_file(fd, chunk_size);
	mem[0] = POISON_PATTERN;
	vm_set_user_memory_region(vm, POISON_SLOT, 0, POISON_GPA, chunk_size,
				  mem);
	virt_map_level(vm, POISON_GPA, POISON_GPA, chunk_size, PG_LEVEL_2M);
	vcpu_args_set(vcpu, 1, POISON_GPA);

	gmem_pool_run_to(vcpu, STAGE_WRITTEN);
	ASSERT_EQ(gmem_pool_hard_offline(chunk_phys(pool_node, idx, 0)), 0);
	EXPECT_EQ(run_sigbus_code(vcpu), BUS_MCEERR_AR);
	EXPECT_EQ(run_addr, (void *)mem);

	kvm_vm_free(vm);
	munmap(mem, chunk_size);
	close(fd);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), free0 - 1);
}

/* Word @i of the preserved file's chunk 0. */
static uint64_t lu_word(uint64_t token, uint64_t i)
{
	return POISON_PATTERN ^ (token << 32) ^ i;
}

static int do_preserve_poison(const char *name, uint64_t token)
{
	uint64_t size = LU_CHUNKS * chunk_size, val, i, *mem, *second;
	long free0, bad0, free_idx, idx0, idx1;
	struct kvm_vm *vm = vm_create_barebones();
	int fd, session;
	void *addr;
	FILE *f;

	pool_node = 0;
	free0 = gmem_pool_free_chunks(0);
	bad0 = gmem_pool_poisoned_chunks(0);
	free_idx = nth_free(0, 0);
	TEST_ASSERT_EQ(gmem_pool_hard_offline(chunk_phys(0, free_idx, 0)), 0);

	idx0 = nth_free(0, 0);
	idx1 = nth_free(0, 1);
	fd = allocated_file(vm, LU_CHUNKS, POOL_MMAP);
	mem = map_file(fd, size);
	second = mem + chunk_size / 8;
	for (i = 0; i < chunk_size / 8; i += getpagesize() / 8)
		mem[i] = lu_word(token, i);
	*second = POISON_PATTERN;
	TEST_ASSERT_EQ(gmem_pool_hard_offline(chunk_phys(0, idx1, POISON_PAGE)),
		       0);
	TEST_ASSERT_EQ(gmem_pool_read_sigbus_code(second, &val, &addr),
		       BUS_MCEERR_AR);
	TEST_ASSERT_EQ(chunk_state(0, free_idx), 'X');
	TEST_ASSERT_EQ(chunk_state(0, idx1), 'x');
	printf("ok: free chunk %ld and the file's chunk %ld retired\n",
	       free_idx, idx1);

	session = gmem_pool_luo_new_session(name);
	gmem_pool_luo_preserve(session, fd, token);
	gmem_pool_luo_hold(&session, 1);
	close(session);
	munmap(mem, size);
	close(fd);
	kvm_vm_free(vm);

	TEST_ASSERT_EQ(gmem_pool_poisoned_chunks(0), bad0 + 2);
	TEST_ASSERT_EQ(gmem_pool_free_chunks(0), free0 - 1 - LU_CHUNKS);
	f = fopen(POISON_STATE, "w");
	TEST_ASSERT(f, "open %s: %s", POISON_STATE, strerror(errno));
	fprintf(f, "%ld %ld %ld\n", free_idx, idx0, idx1);
	fclose(f);
	printf("ok: the file with a retired chunk is preserved in %s\n", name);
	return 0;
}

static void guest_read_second(uint64_t gpa)
{
	READ_ONCE(*(uint64_t *)gpa);
	GUEST_DONE();
}

/* A default VM reading @gpa, the retired chunk of @mem: SIGBUS, MCEERR_AR. */
static void check_vm_sigbus(uint64_t *mem, uint64_t size)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;

	vm = vm_create_with_one_vcpu(&vcpu, guest_read_second);
	vm_set_user_memory_region(vm, POISON_SLOT, 0, POISON_GPA, size, mem);
	virt_map_level(vm, POISON_GPA, POISON_GPA, size, PG_LEVEL_2M);
	vcpu_args_set(vcpu, 1, POISON_GPA + chunk_size);
	TEST_ASSERT_EQ(run_sigbus_code(vcpu), BUS_MCEERR_AR);
	TEST_ASSERT_EQ(run_addr, (void *)(mem + chunk_size / 8));
	kvm_vm_free(vm);
}

/* Take every free chunk of node 0: chunks @a and @b stay no one's. */
static void check_never_handed_out(long a, long b)
{
	long nr = gmem_pool_free_chunks(0);
	struct kvm_vm *vm = vm_create_barebones();
	int fd = -1;

	if (nr > 0)
		fd = allocated_file(vm, nr, GUEST_MEMFD_FLAG_POOL);
	TEST_ASSERT_EQ(gmem_pool_free_chunks(0), 0);
	TEST_ASSERT_EQ(chunk_state(0, a), 'X');
	TEST_ASSERT_EQ(chunk_state(0, b), 'X');
	if (fd >= 0)
		close(fd);
	kvm_vm_free(vm);
	printf("ok: %ld free chunks taken, neither retired chunk among them\n",
	       nr);
}

static int do_retrieve_poison(const char *name, uint64_t token)
{
	uint64_t size = LU_CHUNKS * chunk_size, val, i, *mem, *second;
	long free0, bad, free_idx, idx0, idx1;
	int session, fd;
	void *addr;
	FILE *f;

	pool_node = 0;
	f = fopen(POISON_STATE, "r");
	TEST_ASSERT(f, "open %s: %s", POISON_STATE, strerror(errno));
	TEST_ASSERT_EQ(fscanf(f, "%ld %ld %ld", &free_idx, &idx0, &idx1), 3);
	fclose(f);
	bad = gmem_pool_poisoned_chunks(0);
	TEST_ASSERT(bad == 2, "%ld chunks retired after the kexec, want 2", bad);
	TEST_ASSERT_EQ(chunk_state(0, free_idx), 'X');
	TEST_ASSERT_EQ(chunk_state(0, idx1), 'x');
	TEST_ASSERT_EQ(chunk_state(0, idx0), 'U');
	printf("ok: the next kernel retired both chunks again\n");

	free0 = gmem_pool_free_chunks(0);
	session = gmem_pool_luo_get_session(name);
	fd = gmem_pool_luo_retrieve(session, token);
	mem = map_file(fd, size);
	second = mem + chunk_size / 8;
	for (i = 0; i < chunk_size / 8; i += getpagesize() / 8)
		TEST_ASSERT_EQ(mem[i], lu_word(token, i));
	TEST_ASSERT_EQ(gmem_pool_read_sigbus_code(second, &val, &addr),
		       BUS_MCEERR_AR);
	TEST_ASSERT_EQ(addr, (void *)second);
	check_vm_sigbus(mem, size);
	printf("ok: chunk 0 is whole; chunk 1 raises BUS_MCEERR_AR for the VMM and a VM\n");

	TEST_ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
				 chunk_size, chunk_size), 0);
	TEST_ASSERT_EQ(gmem_pool_free_chunks(0), free0);
	TEST_ASSERT_EQ(chunk_state(0, idx1), 'X');
	gmem_pool_luo_finish(session);
	close(session);
	check_never_handed_out(free_idx, idx1);
	munmap(mem, size);
	close(fd);
	TEST_ASSERT_EQ(gmem_pool_free_chunks(0), free0 + 1);
	TEST_ASSERT_EQ(gmem_pool_poisoned_chunks(0), 2);
	printf("ok: closing the file gave back chunk 0 only\n");
	return 0;
}

int main(int argc, char **argv)
{
	TEST_REQUIRE(kvm_has_cap(KVM_CAP_GUEST_MEMFD));
	chunk_size = kvm_check_cap(KVM_CAP_GUEST_MEMFD_POOL);
	TEST_REQUIRE(chunk_size);
	TEST_REQUIRE(!access(GMEM_POOL_HARD_OFFLINE, W_OK));
	if (argc == 4 && !strcmp(argv[1], "preserve-poison"))
		return do_preserve_poison(argv[2], strtoull(argv[3], NULL, 0));
	if (argc == 4 && !strcmp(argv[1], "retrieve-poison"))
		return do_retrieve_poison(argv[2], strtoull(argv[3], NULL, 0));
	return test_harness_run(argc, argv);
}
