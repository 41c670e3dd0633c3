// SPDX-License-Identifier: GPL-2.0
/*
 * gmem_pool_liveupdate_test: pool-backed guest memory across kexec.
 *
 *   preserve TOKEN MIB SEED     a KVM_X86_SW_PROTECTED_VM guest fills MIB of
 *                               pool-backed private memory with a pattern
 *                               seeded by SEED; the file is preserved under
 *                               TOKEN (and TOKEN+1, one chunk, is preserved
 *                               to be left unclaimed); the bad cases of
 *                               preserve are checked.
 *   kexec KERNEL INITRD CMDLINE kexec_file_load() and reboot into it.
 *   retrieve TOKEN MIB SEED     the bad cases of retrieve are checked, then
 *                               the file is retrieved, a new VM reattaches it
 *                               and its guest checks every word, then
 *                               continues writing.
 *   absent TOKEN MIB            retrieving TOKEN fails with ENOENT (after a
 *                               rejected record).
 *   preserve-mmap TOKEN MIB SEED
 *                               a default-type VM fills MIB of a mapped pool
 *                               file (GUEST_MEMFD_FLAG_POOL_MMAP), the VMM
 *                               checks it through its mapping, and the file
 *                               is preserved under TOKEN.
 *   retrieve-mmap TOKEN MIB SEED
 *                               retrieving it without the mmap flag fails;
 *                               with it, the new VMM maps the file and reads
 *                               the same bytes, then a new default-type VM
 *                               checks and overwrites them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include <linux/sizes.h>

#include "gmem_pool_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "test_util.h"

#define LU_SLOT		10
#define LU_GPA		SZ_4G
#define LU_STAGE_DONE	1
#define LU_NOBODY	65534
#define LU_GOLDEN	0x9e3779b97f4a7c15ULL

static uint64_t lu_word(uint64_t seed, uint64_t off)
{
	return (seed ^ off) * LU_GOLDEN;
}

static void guest_fill(uint64_t gpa, uint64_t size, uint64_t seed)
{
	uint64_t *mem = (uint64_t *)gpa;
	uint64_t off;

	for (off = 0; off < size; off += 8)
		mem[off / 8] = lu_word(seed, off);
	GUEST_SYNC(LU_STAGE_DONE);
	GUEST_DONE();
}

static void guest_verify(uint64_t gpa, uint64_t size, uint64_t seed)
{
	uint64_t *mem = (uint64_t *)gpa;
	uint64_t off;

	for (off = 0; off < size; off += 8)
		GUEST_ASSERT_EQ(mem[off / 8], lu_word(seed, off));
	/* ...and the guest goes on with its work in the same memory. */
	for (off = 0; off < size; off += 8)
		mem[off / 8] = ~lu_word(seed, off);
	GUEST_ASSERT_EQ(mem[0], ~lu_word(seed, 0));
	GUEST_SYNC(LU_STAGE_DONE);
	GUEST_DONE();
}

/* Every file here is a pool file on node 0. */
static int create_gmem(struct kvm_vm *vm, uint64_t size, uint64_t flags,
		       uint64_t token)
{
	return __gmem_pool_create(vm, size, GUEST_MEMFD_FLAG_POOL | flags, 0,
				  token);
}

static void expect_errno(int ret, int err, const char *what)
{
	TEST_ASSERT(ret < 0 && errno == err, "%s: got %d errno %d, want %s",
		    what, ret, errno, strerror(err));
	printf("ok: %s -> %s\n", what, strerror(err));
}

/*
 * Map @size bytes at LU_GPA with 2M guest pages, run the guest program
 * with @seed to its LU_STAGE_DONE sync, and fail on anything else.
 */
static void run_lu_guest(struct kvm_vm *vm, struct kvm_vcpu *vcpu,
			 uint64_t size, uint64_t seed)
{
	struct ucall uc;

	virt_map_level(vm, LU_GPA, LU_GPA, size, PG_LEVEL_2M);
	vcpu_args_set(vcpu, 3, LU_GPA, size, seed);
	vcpu_run(vcpu);
	switch (get_ucall(vcpu, &uc)) {
	case UCALL_SYNC:
		TEST_ASSERT_EQ(uc.args[1], LU_STAGE_DONE);
		break;
	case UCALL_ABORT:
		REPORT_GUEST_ASSERT(uc);
	default:
		TEST_FAIL("unexpected ucall %lu", uc.cmd);
	}
}

/* Run a guest over @fd's memory at LU_GPA until it reports it is done. */
static void run_guest(struct kvm_vm *vm, struct kvm_vcpu *vcpu, int fd,
		      uint64_t size, uint64_t seed)
{
	void *shared;

	shared = mmap(NULL, size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	TEST_ASSERT(shared != MAP_FAILED, "mmap");
	vm_set_user_memory_region2(vm, LU_SLOT, KVM_MEM_GUEST_MEMFD, LU_GPA,
				   size, shared, fd, 0);
	vm_mem_set_private(vm, LU_GPA, size);
	run_lu_guest(vm, vcpu, size, seed);
}

static int do_preserve(uint64_t token, uint64_t size, uint64_t seed)
{
	uint64_t chunk = kvm_check_cap(KVM_CAP_GUEST_MEMFD_POOL);
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = gmem_pool_create_private_vm(&vcpu, guest_fill);
	int fd = create_gmem(vm, size, 0, 0), fd2;

	TEST_ASSERT(fd >= 0, "pool guest_memfd: %s", strerror(errno));
	run_guest(vm, vcpu, fd, size, seed);
	printf("ok: guest filled %lu MiB\n", size >> 20);

	expect_errno(__gmem_pool_preserve(fd, 0), EINVAL,
		     "preserve token 0");
	TEST_ASSERT(!__gmem_pool_preserve(fd, token), "preserve");
	expect_errno(__gmem_pool_preserve(fd, token + 2), EBUSY,
		     "preserve the same file twice");
	fd2 = create_gmem(vm, chunk, 0, 0);
	TEST_ASSERT(fd2 >= 0, "second file");
	expect_errno(__gmem_pool_preserve(fd2, token), EEXIST,
		     "preserve a token in use");
	expect_errno(__gmem_pool_unpreserve(fd2, token), EINVAL,
		     "unpreserve another file's token");
	TEST_ASSERT(!__gmem_pool_unpreserve(fd, token), "unpreserve");
	expect_errno(__gmem_pool_unpreserve(fd, token), ENOENT,
		     "unpreserve twice");
	TEST_ASSERT(!__gmem_pool_preserve(fd, token), "preserve");
	TEST_ASSERT(!fallocate(fd2, FALLOC_FL_KEEP_SIZE, 0, chunk), "fallocate");
	TEST_ASSERT(!__gmem_pool_preserve(fd2, token + 1),
		    "preserve the file to leave unclaimed");
	/* The files stay preserved (and alive) after this process exits. */
	return 0;
}

static int do_kexec(const char *kernel, const char *initrd, const char *cmdline)
{
	gmem_pool_kexec_load(kernel, initrd, cmdline);
	gmem_pool_kexec_reboot();
	return 1;
}

/* KVM refuses VM ioctls from another mm: the child makes its own VM. */
static void retrieve_as_nobody(uint64_t size, uint64_t token)
{
	struct kvm_vm *vm;
	int status;
	pid_t pid = fork();

	if (!pid) {
		vm = vm_create_barebones_type(KVM_X86_SW_PROTECTED_VM);
		if (setresuid(LU_NOBODY, LU_NOBODY, LU_NOBODY))
			_exit(2);
		_exit(create_gmem(vm, size, GUEST_MEMFD_FLAG_POOL_RESTORE,
				  token) < 0 && errno == EPERM ? 0 : 1);
	}
	TEST_ASSERT(waitpid(pid, &status, 0) == pid, "waitpid");
	TEST_ASSERT(WIFEXITED(status) && !WEXITSTATUS(status),
		    "retrieve as another uid: not EPERM (%d)", status);
	printf("ok: retrieve as uid %d -> EPERM\n", LU_NOBODY);
}

static int do_retrieve(uint64_t token, uint64_t size, uint64_t seed)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = gmem_pool_create_private_vm(&vcpu, guest_verify);
	int fd;

	expect_errno(create_gmem(vm, size, GUEST_MEMFD_FLAG_POOL_RESTORE,
				 token + 100), ENOENT, "retrieve unknown token");
	expect_errno(create_gmem(vm, size, 0, token), EINVAL,
		     "token without the restore flag");
	expect_errno(create_gmem(vm, size * 2, GUEST_MEMFD_FLAG_POOL_RESTORE,
				 token), EINVAL, "retrieve with the wrong size");
	retrieve_as_nobody(size, token);
	fd = create_gmem(vm, size, GUEST_MEMFD_FLAG_POOL_RESTORE, token);
	TEST_ASSERT(fd >= 0, "retrieve: %s", strerror(errno));
	expect_errno(create_gmem(vm, size, GUEST_MEMFD_FLAG_POOL_RESTORE,
				 token), EBUSY, "retrieve twice");
	run_guest(vm, vcpu, fd, size, seed);
	printf("ok: guest verified %lu MiB and went on\n", size >> 20);
	kvm_vm_free(vm);
	close(fd);
	return 0;
}

/*
 * A default-type VM whose memory is a mapped pool file
 * (GUEST_MEMFD_FLAG_POOL_MMAP): the VMM reaches the memory through the
 * mapping, KVM through an ordinary memslot pointing at it.
 */
static void run_mapped_guest(struct kvm_vm *vm, struct kvm_vcpu *vcpu,
			     void *mem, uint64_t size, uint64_t seed)
{
	vm_set_user_memory_region(vm, LU_SLOT, 0, LU_GPA, size, mem);
	run_lu_guest(vm, vcpu, size, seed);
}

/* The VMM's own view: every word is what @want says. */
static void check_words(const uint64_t *mem, uint64_t size, uint64_t seed,
			bool inverted)
{
	uint64_t off, want;

	for (off = 0; off < size; off += 8) {
		want = inverted ? ~lu_word(seed, off) : lu_word(seed, off);
		TEST_ASSERT(mem[off / 8] == want, "offset %#lx: %#lx, want %#lx",
			    off, mem[off / 8], want);
	}
}

static int do_preserve_mmap(uint64_t token, uint64_t size, uint64_t seed)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guest_fill);
	int fd = create_gmem(vm, size, GUEST_MEMFD_FLAG_POOL_MMAP, 0);
	uint64_t *mem;

	TEST_ASSERT(fd >= 0, "mappable pool guest_memfd: %s", strerror(errno));
	mem = gmem_pool_map(fd, size);
	run_mapped_guest(vm, vcpu, mem, size, seed);
	check_words(mem, size, seed, false);
	printf("ok: default-type guest filled %lu MiB of a mapped file, the VMM read it\n",
	       size >> 20);
	TEST_ASSERT(!__gmem_pool_preserve(fd, token), "preserve");
	/* Preserved while mapped; the mapping goes when this process exits. */
	return 0;
}

static int do_retrieve_mmap(uint64_t token, uint64_t size, uint64_t seed)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guest_verify);
	uint64_t *mem;
	int fd;

	expect_errno(create_gmem(vm, size, GUEST_MEMFD_FLAG_POOL_RESTORE, token),
		     EINVAL, "retrieve a mappable file without the mmap flag");
	fd = create_gmem(vm, size, GUEST_MEMFD_FLAG_POOL_RESTORE |
			 GUEST_MEMFD_FLAG_POOL_MMAP, token);
	TEST_ASSERT(fd >= 0, "retrieve: %s", strerror(errno));
	mem = gmem_pool_map(fd, size);
	check_words(mem, size, seed, false);
	printf("ok: the new VMM maps the retrieved file and reads the same %lu MiB\n",
	       size >> 20);
	run_mapped_guest(vm, vcpu, mem, size, seed);
	check_words(mem, size, seed, true);
	printf("ok: default-type guest verified it and went on; the VMM sees its writes\n");
	kvm_vm_free(vm);
	munmap(mem, size);
	close(fd);
	return 0;
}

static int do_absent(uint64_t token, uint64_t size)
{
	struct kvm_vm *vm = vm_create_barebones_type(KVM_X86_SW_PROTECTED_VM);

	expect_errno(create_gmem(vm, size, GUEST_MEMFD_FLAG_POOL_RESTORE,
				 token), ENOENT, "retrieve a token of a rejected record");
	kvm_vm_free(vm);
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t token, size, seed;

	if (argc == 5 && !strcmp(argv[1], "kexec"))
		return do_kexec(argv[2], argv[3], argv[4]);
	TEST_REQUIRE(kvm_check_cap(KVM_CAP_GUEST_MEMFD_POOL));
	TEST_REQUIRE(kvm_check_cap(KVM_CAP_VM_TYPES) &
		     BIT(KVM_X86_SW_PROTECTED_VM));
	if (argc == 4 && !strcmp(argv[1], "absent"))
		return do_absent(strtoull(argv[2], NULL, 0),
				 strtoull(argv[3], NULL, 0) << 20);
	TEST_ASSERT(argc == 5,
		    "usage: preserve|retrieve|preserve-mmap|retrieve-mmap TOKEN MIB SEED");
	token = strtoull(argv[2], NULL, 0);
	size = strtoull(argv[3], NULL, 0) << 20;
	seed = strtoull(argv[4], NULL, 0);
	if (!strcmp(argv[1], "preserve"))
		return do_preserve(token, size, seed);
	if (!strcmp(argv[1], "retrieve"))
		return do_retrieve(token, size, seed);
	if (!strcmp(argv[1], "preserve-mmap"))
		return do_preserve_mmap(token, size, seed);
	if (!strcmp(argv[1], "retrieve-mmap"))
		return do_retrieve_mmap(token, size, seed);
	TEST_FAIL("unknown mode %s", argv[1]);
	return 1;
}
