// SPDX-License-Identifier: GPL-2.0
/*
 * gmem_pool_liveupdate_test: pool-backed guest memory across kexec, through
 * the sessions of /dev/liveupdate.  Each mode is one step of a boot plan
 * (tests/boots/lu*.boot); the sessions a step preserves are kept open by a
 * child it leaves behind (gmem_pool_luo_hold()) until the kexec.
 *
 * Before the kexec:
 *   preserve SESSION NODE TOKEN MIB SEED
 *	a KVM_X86_SW_PROTECTED_VM guest fills MIB of pool-backed private
 *	memory on NODE with a pattern seeded by SEED; the file is preserved
 *	in a new session SESSION under TOKEN, with a one-chunk file under
 *	TOKEN + 1 that the next kernel leaves unretrieved.
 *   preserve-mmap SESSION TOKEN MIB SEED
 *	a default-type VM fills MIB of a mapped pool file on node 0
 *	(GUEST_MEMFD_FLAG_POOL_MMAP), the VMM checks it through its mapping,
 *	and it is preserved under TOKEN in a new session SESSION.
 *   preserve-hole SESSION NODE TOKEN MIB ALLOC_MIB UID
 *	a pool file of MIB on NODE with its first ALLOC_MIB allocated is
 *	preserved under TOKEN in a new session SESSION; with a UID other than
 *	0, root only makes the VM and the session and hands both to UID,
 *	which makes and preserves the file.
 *   limits PREFIX NR
 *	NR new sessions PREFIX-00...: the first takes 128 files, the 129th
 *	gets ENOSPC and goes to the second session; the session past the
 *	64 of the kernel gets ENOMEM, and a closed one gives its place back.
 *   fill-pools SESSION
 *	every chunk of every pool goes into two mapped files per node, taken
 *	in turn (one record extent per chunk, the worst case), each chunk
 *	marked in its first word, and all of them are preserved in SESSION.
 *   kexec KERNEL INITRD CMDLINE
 *	kexec_file_load() and reboot into it.
 *
 * After the kexec:
 *   retrieve SESSION NODE TOKEN MIB SEED
 *	the bad cases of retrieve, then TOKEN is retrieved, a new VM adopts
 *	it and its guest checks every word and writes over them; another VM
 *	cannot take it; FINISH frees TOKEN + 1's chunk, and closing the file
 *	frees the rest.
 *   retrieve-keep SESSION NODE TOKEN MIB SEED NEW NEW_TOKEN
 *	as retrieve, ended by closing the session; then the file loses its
 *	last chunk and is preserved again under NEW_TOKEN in a new session
 *	NEW, where it is frozen: fallocate and punch hole get EBUSY, the
 *	guest reads the chunks it holds and faults on the hole with EBUSY.
 *   retrieve-mmap SESSION TOKEN MIB SEED
 *	the new VMM maps the retrieved file and reads the same bytes, then a
 *	new default-type VM checks and overwrites them.
 *   retrieve-hole SESSION NODE TOKEN MIB
 *	the retrieved file has its size, holds no chunk, and can take one.
 *   limits-back PREFIX NR
 *	the sessions of "limits" came back with their 129 files.
 *   check-pools SESSION
 *	after fill-pools: restored, no chunk free, every chunk back at its
 *	offset with its mark, and every chunk free once the files are closed.
 *   drop SESSION NODE TOKEN CHUNKS
 *	FINISH on a session nobody took a file from frees its CHUNKS chunks.
 *   absent SESSION
 *	the session did not come back: RETRIEVE_SESSION gets ENOENT.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <linux/falloc.h>
#include <linux/liveupdate.h>
#include <linux/sizes.h>

#include "gmem_pool_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "test_util.h"

#define LU_SLOT		10
#define LU_GPA		SZ_4G
#define LU_STAGE_DONE	1
#define LU_STAGE_HELD	2
#define LU_GOLDEN	0x9e3779b97f4a7c15ULL
#define LU_NO_TOKEN	0x4242424242424242ULL

static uint64_t chunk;

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

/* Read a chunk the file holds, then one it does not. */
static void guest_touch(uint64_t held, uint64_t hole, uint64_t want)
{
	GUEST_ASSERT_EQ(READ_ONCE(*(uint64_t *)held), want);
	GUEST_SYNC(LU_STAGE_HELD);
	READ_ONCE(*(uint64_t *)hole);
	GUEST_DONE();
}

static uint64_t num(const char *arg)
{
	char *end;
	uint64_t v = strtoull(arg, &end, 0);

	TEST_ASSERT(*arg && !*end, "not a number: '%s'", arg);
	return v;
}

static void expect_errno(int ret, int err, const char *what)
{
	TEST_ASSERT(ret == -1 && errno == err, "%s: got %d errno %d, want %s",
		    what, ret, errno, strerror(err));
	printf("ok: %s -> %s\n", what, strerror(err));
}

static void expect_free(int node, long want, const char *when)
{
	long free = gmem_pool_free_chunks(node);

	TEST_ASSERT(free == want, "node %d %s: %ld chunks free, want %ld",
		    node, when, free, want);
	printf("ok: node %d %s: %ld chunks free\n", node, when, free);
}

static uint64_t file_size(int fd)
{
	struct stat st;

	TEST_ASSERT(!fstat(fd, &st), "fstat: %s", strerror(errno));
	return st.st_size;
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

/* Bind @fd as private memory at LU_GPA and run the guest program on it. */
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

/* A default-type VM whose memory at LU_GPA is the VMM's mapping @mem. */
static void run_mapped_guest(struct kvm_vm *vm, struct kvm_vcpu *vcpu,
			     void *mem, uint64_t size, uint64_t seed)
{
	vm_set_user_memory_region(vm, LU_SLOT, 0, LU_GPA, size, mem);
	run_lu_guest(vm, vcpu, size, seed);
}

/* The VMM's own view: every word is the pattern, or its inverse. */
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

/* Hand @session to a holder, close this process's copy of it. */
static void hold_and_close(int session)
{
	gmem_pool_luo_hold(&session, 1);
	close(session);
}

static int do_preserve(char **argv)
{
	int node = num(argv[1]);
	uint64_t token = num(argv[2]), size = num(argv[3]) << 20;
	long before = gmem_pool_free_chunks(node);
	long held = size / chunk + 1;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	int fd, extra, session;

	vm = gmem_pool_create_private_vm(&vcpu, guest_fill);
	fd = gmem_pool_create(vm, size, GUEST_MEMFD_FLAG_POOL, node);
	run_guest(vm, vcpu, fd, size, num(argv[4]));
	printf("ok: guest filled %lu MiB on node %d\n", size >> 20, node);
	extra = gmem_pool_create(vm, chunk, GUEST_MEMFD_FLAG_POOL, node);
	TEST_ASSERT(!fallocate(extra, FALLOC_FL_KEEP_SIZE, 0, chunk),
		    "fallocate: %s", strerror(errno));

	session = gmem_pool_luo_new_session(argv[0]);
	gmem_pool_luo_preserve(session, fd, token);
	gmem_pool_luo_preserve(session, extra, token + 1);
	printf("ok: session %s: %#lx and %#lx preserved\n", argv[0], token,
	       token + 1);
	hold_and_close(session);
	/* The session alone keeps the files, and their chunks, from now on. */
	kvm_vm_free(vm);
	close(fd);
	close(extra);
	expect_free(node, before - held, "with the VM and its fds gone");
	return 0;
}

static int do_preserve_mmap(char **argv)
{
	uint64_t token = num(argv[1]), size = num(argv[2]) << 20;
	uint64_t seed = num(argv[3]);
	long before = gmem_pool_free_chunks(0);
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	int fd, session;
	uint64_t *mem;

	vm = vm_create_with_one_vcpu(&vcpu, guest_fill);
	fd = gmem_pool_create(vm, size, GUEST_MEMFD_FLAG_POOL |
			      GUEST_MEMFD_FLAG_POOL_MMAP, 0);
	mem = gmem_pool_map(fd, size);
	run_mapped_guest(vm, vcpu, mem, size, seed);
	check_words(mem, size, seed, false);
	printf("ok: default-type guest filled %lu MiB of a mapped file, the VMM read it\n",
	       size >> 20);
	session = gmem_pool_luo_new_session(argv[0]);
	gmem_pool_luo_preserve(session, fd, token);
	hold_and_close(session);
	/* Preserved while mapped; the mapping goes before the kexec. */
	kvm_vm_free(vm);
	munmap(mem, size);
	close(fd);
	expect_free(0, before - size / chunk, "with the mapping gone");
	return 0;
}

/*
 * The VMM of a tenant, as uid @uid, in a child: the agent (root) opened
 * /dev/kvm and made @session for it; the VMM makes its VM and a pool file
 * of @size bytes on @node with its first @alloc bytes allocated, and
 * preserves the file under @token.  Whoever holds a session fd owns it.
 */
static void tenant_preserve(int session, uid_t uid, int node, uint64_t size,
			    uint64_t alloc, uint64_t token)
{
	struct kvm_create_guest_memfd args = {
		.size = size,
		.flags = GUEST_MEMFD_FLAG_POOL,
		.pool_node = node,
	};
	int kvm, vm, fd, status;
	pid_t pid = fork();

	TEST_ASSERT(pid >= 0, "fork: %s", strerror(errno));
	if (pid) {
		TEST_ASSERT(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
			    !WEXITSTATUS(status), "the tenant failed: %#x", status);
		return;
	}
	kvm = open(KVM_DEV_PATH, O_RDWR);
	TEST_ASSERT(kvm >= 0, "open " KVM_DEV_PATH ": %s", strerror(errno));
	TEST_ASSERT(!setgroups(0, NULL) && !setresgid(uid, uid, uid) &&
		    !setresuid(uid, uid, uid), "setresuid %u: %s", uid,
		    strerror(errno));
	if (uid)
		expect_errno(__gmem_pool_luo_open(), EACCES,
			     "the tenant's own open of " GMEM_POOL_LUO_DEV);
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	TEST_ASSERT(vm >= 0, "KVM_CREATE_VM: %s", strerror(errno));
	fd = ioctl(vm, KVM_CREATE_GUEST_MEMFD, &args);
	TEST_ASSERT(fd >= 0, "KVM_CREATE_GUEST_MEMFD: %s", strerror(errno));
	if (alloc)
		TEST_ASSERT(!fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, alloc),
			    "fallocate: %s", strerror(errno));
	gmem_pool_luo_preserve(session, fd, token);
	printf("ok: uid %u preserved %#lx (%lu MiB, %lu MiB allocated)\n",
	       getuid(), token, size >> 20, alloc >> 20);
	exit(0);
}

static int do_preserve_hole(char **argv)
{
	int node = num(argv[1]), session = gmem_pool_luo_new_session(argv[0]);
	uint64_t alloc = num(argv[4]) << 20;
	long before = gmem_pool_free_chunks(node);

	tenant_preserve(session, num(argv[5]), node, num(argv[3]) << 20, alloc,
			num(argv[2]));
	hold_and_close(session);
	expect_free(node, before - alloc / chunk,
		    "with the tenant gone, its session held");
	return 0;
}

static void limit_name(char *buf, size_t len, const char *prefix, int i)
{
	snprintf(buf, len, "%s-%02d", prefix, i);
}

/* @session takes GMEM_POOL_LUO_FILES one-chunk holes; the next is @fd. */
static void fill_session(struct kvm_vm *vm, int session, int *fd)
{
	int i;

	for (i = 0; i < GMEM_POOL_LUO_FILES; i++) {
		*fd = gmem_pool_create(vm, chunk, GUEST_MEMFD_FLAG_POOL, 0);
		gmem_pool_luo_preserve(session, *fd, i);
		close(*fd);
	}
	*fd = gmem_pool_create(vm, chunk, GUEST_MEMFD_FLAG_POOL, 0);
	expect_errno(__gmem_pool_luo_preserve(session, *fd, i), ENOSPC,
		     "file 129 of a session");
}

static int do_limits(char **argv)
{
	int nr = num(argv[1]), s[GMEM_POOL_LUO_SESSIONS], luo, fd, i;
	struct kvm_vm *vm = vm_create_barebones();
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];

	TEST_ASSERT(nr >= 2 && nr <= GMEM_POOL_LUO_SESSIONS, "bad NR %d", nr);
	luo = gmem_pool_luo_open();
	for (i = 0; i < nr; i++) {
		limit_name(name, sizeof(name), argv[0], i);
		s[i] = gmem_pool_luo_create_session(luo, name);
	}
	limit_name(name, sizeof(name), argv[0], nr);
	expect_errno(__gmem_pool_luo_create_session(luo, name), ENOMEM,
		     "session 65 of the kernel");
	close(s[nr - 1]);
	limit_name(name, sizeof(name), argv[0], nr - 1);
	s[nr - 1] = gmem_pool_luo_create_session(luo, name);
	printf("ok: a closed session gave its place back\n");
	close(luo);

	fill_session(vm, s[0], &fd);
	gmem_pool_luo_preserve(s[1], fd, 0);
	close(fd);
	printf("ok: another session takes the file\n");
	gmem_pool_luo_hold(s, nr);
	for (i = 0; i < nr; i++)
		close(s[i]);
	kvm_vm_free(vm);
	return 0;
}

static int do_kexec(char **argv)
{
	gmem_pool_kexec_load(argv[0], argv[1], argv[2]);
	gmem_pool_kexec_reboot();
	return 1;
}

/* RETRIEVE_FD with a larger structure than the kernel's, zero past it. */
static int retrieve_long(int session, uint64_t token)
{
	struct {
		struct liveupdate_session_retrieve_fd args;
		uint64_t tail[2];
	} big = {
		.args = { .size = sizeof(big), .fd = -1, .token = token },
	};

	TEST_ASSERT(!ioctl(session, LIVEUPDATE_SESSION_RETRIEVE_FD, &big),
		    "retrieve %#lx with a zero tail: %s", token, strerror(errno));
	return big.args.fd;
}

/* The bad cases of a retrieved session, before anything is taken. */
static int open_incoming(struct kvm_vm *vm, const char *name, int node,
			 uint64_t token)
{
	const unsigned long cmd = LIVEUPDATE_IOCTL_RETRIEVE_SESSION;
	int luo = gmem_pool_luo_open(), session, probe;

	/*
	 * A retrieve whose reply cannot be written back must leave the
	 * session whole: every check below runs on it afterwards.
	 */
	expect_errno(__gmem_pool_luo_session_unwritable(luo, cmd, name),
		     EFAULT, "retrieve the session into an unwritable reply");
	session = gmem_pool_luo_retrieve_session(luo, name);
	expect_errno(__gmem_pool_luo_retrieve_session(luo, name), EINVAL,
		     "retrieve the session twice");
	close(luo);
	probe = gmem_pool_create(vm, chunk, GUEST_MEMFD_FLAG_POOL, node);
	expect_errno(__gmem_pool_luo_preserve(session, probe, LU_NO_TOKEN),
		     EINVAL, "preserve into a retrieved session");
	close(probe);
	expect_errno(__gmem_pool_luo_retrieve(session, LU_NO_TOKEN), ENOENT,
		     "retrieve an unknown token");
	expect_errno(__gmem_pool_luo_retrieve(session, token + 2), ENOENT,
		     "retrieve the token after the last");
	return session;
}

/* Retrieved twice: two fds of one file, of the size preserved. */
static int retrieve_checked(int session, uint64_t token, uint64_t size,
			    int *again)
{
	int fd = retrieve_long(session, token);
	struct stat a, b;

	*again = gmem_pool_luo_retrieve(session, token);
	TEST_ASSERT(!fstat(fd, &a) && !fstat(*again, &b), "fstat");
	TEST_ASSERT(a.st_ino == b.st_ino && a.st_dev == b.st_dev,
		    "a second retrieve gave another file");
	TEST_ASSERT(a.st_size == size, "retrieved size %ld, want %lu",
		    a.st_size, size);
	printf("ok: %#lx retrieved twice: one file of %lu MiB\n", token,
	       size >> 20);
	return fd;
}

/* A VM other than the one that adopted @fd cannot bind it. */
static void check_adopted(int fd, uint64_t size)
{
	struct kvm_vm *other = vm_create_barebones_type(KVM_X86_SW_PROTECTED_VM);
	void *shared = mmap(NULL, size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	TEST_ASSERT(shared != MAP_FAILED, "mmap");
	expect_errno(__vm_set_user_memory_region2(other, LU_SLOT,
						  KVM_MEM_GUEST_MEMFD, LU_GPA,
						  size, shared, fd, 0),
		     EINVAL, "bind the file to a second VM");
	kvm_vm_free(other);
	munmap(shared, size);
}

static int do_retrieve(char **argv)
{
	int node = num(argv[1]), session, fd, again;
	uint64_t token = num(argv[2]), size = num(argv[3]) << 20;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	long before;

	vm = gmem_pool_create_private_vm(&vcpu, guest_verify);
	session = open_incoming(vm, argv[0], node, token);
	before = gmem_pool_free_chunks(node);
	fd = retrieve_checked(session, token, size, &again);
	expect_free(node, before, "after the retrieve");
	run_guest(vm, vcpu, fd, size, num(argv[4]));
	printf("ok: a new VM adopted it, its guest verified %lu MiB and went on\n",
	       size >> 20);
	check_adopted(again, size);

	gmem_pool_luo_finish(session);
	expect_free(node, before + 1, "after FINISH freed the unretrieved file");
	TEST_ASSERT(!__gmem_pool_luo_finish(session), "FINISH twice: %s",
		    strerror(errno));
	expect_errno(__gmem_pool_luo_retrieve(session, token), ENOENT,
		     "retrieve after FINISH");
	close(session);
	kvm_vm_free(vm);
	close(fd);
	close(again);
	expect_free(node, before + 1 + size / chunk, "with the file closed");
	return 0;
}

/*
 * @fd is frozen: no fallocate; its guest reads @want at offset 0 and
 * faults on the hole at @hole.
 */
static void check_frozen(struct kvm_vm *vm, int fd, uint64_t hole,
			 uint64_t want)
{
	struct kvm_vcpu *vcpu = vm_vcpu_add(vm, 1, guest_touch);
	struct kvm_run *run = vcpu->run;
	struct ucall uc;
	int ret;

	expect_errno(fallocate(fd, FALLOC_FL_KEEP_SIZE, hole, chunk), EBUSY,
		     "fallocate a frozen file");
	expect_errno(fallocate(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
			       0, chunk), EBUSY, "punch a frozen file");
	vcpu_args_set(vcpu, 3, LU_GPA, LU_GPA + hole, want);
	vcpu_run(vcpu);
	TEST_ASSERT(get_ucall(vcpu, &uc) == UCALL_SYNC &&
		    uc.args[1] == LU_STAGE_HELD, "guest read of a held chunk");
	printf("ok: the guest reads a chunk the frozen file holds\n");
	ret = _vcpu_run(vcpu);
	TEST_ASSERT(ret == -1 && errno == EBUSY &&
		    run->exit_reason == KVM_EXIT_MEMORY_FAULT,
		    "guest access to a hole: KVM_RUN %d errno %d exit %u",
		    ret, errno, run->exit_reason);
	TEST_ASSERT(run->memory_fault.gpa >= LU_GPA + hole &&
		    run->memory_fault.gpa < LU_GPA + hole + chunk,
		    "memory fault at %#llx", run->memory_fault.gpa);
	printf("ok: guest access to the hole -> EBUSY, memory fault exit\n");
}

static int do_retrieve_keep(char **argv)
{
	int node = num(argv[1]), session, fd, again;
	uint64_t token = num(argv[2]), size = num(argv[3]) << 20;
	uint64_t seed = num(argv[4]), hole = size - chunk;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	long before;

	vm = gmem_pool_create_private_vm(&vcpu, guest_verify);
	session = open_incoming(vm, argv[0], node, token);
	before = gmem_pool_free_chunks(node);
	fd = retrieve_checked(session, token, size, &again);
	close(again);
	close(session);
	expect_free(node, before + 1, "after closing the session");
	run_guest(vm, vcpu, fd, size, seed);
	printf("ok: guest verified %lu MiB and went on\n", size >> 20);
	TEST_ASSERT(!fallocate(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
			       hole, chunk), "punch: %s", strerror(errno));
	expect_free(node, before + 2, "after the punch");

	session = gmem_pool_luo_new_session(argv[5]);
	gmem_pool_luo_preserve(session, fd, num(argv[6]));
	printf("ok: preserved again in %s\n", argv[5]);
	/* The guest finds what guest_verify() left at offset 0. */
	check_frozen(vm, fd, hole, ~lu_word(seed, 0));
	expect_free(node, before + 2, "after the refused calls");
	hold_and_close(session);
	kvm_vm_free(vm);
	close(fd);
	expect_free(node, before + 2, "with the VM and the fd gone");
	return 0;
}

static int do_retrieve_mmap(char **argv)
{
	uint64_t token = num(argv[1]), size = num(argv[2]) << 20;
	uint64_t seed = num(argv[3]), *mem;
	long before = gmem_pool_free_chunks(0);
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	int session, fd;

	session = gmem_pool_luo_get_session(argv[0]);
	fd = gmem_pool_luo_retrieve(session, token);
	TEST_ASSERT_EQ(file_size(fd), size);
	mem = gmem_pool_map(fd, size);
	check_words(mem, size, seed, false);
	printf("ok: the new VMM maps the retrieved file and reads the same %lu MiB\n",
	       size >> 20);
	vm = vm_create_with_one_vcpu(&vcpu, guest_verify);
	run_mapped_guest(vm, vcpu, mem, size, seed);
	check_words(mem, size, seed, true);
	printf("ok: a default-type guest verified it and went on; the VMM sees its writes\n");
	gmem_pool_luo_finish(session);
	close(session);
	kvm_vm_free(vm);
	munmap(mem, size);
	close(fd);
	expect_free(0, before + size / chunk, "with the file closed");
	return 0;
}

static int do_retrieve_hole(char **argv)
{
	int node = num(argv[1]), session, fd;
	uint64_t size = num(argv[3]) << 20;
	long before = gmem_pool_free_chunks(node);

	session = gmem_pool_luo_get_session(argv[0]);
	fd = gmem_pool_luo_retrieve(session, num(argv[2]));
	TEST_ASSERT_EQ(file_size(fd), size);
	expect_free(node, before, "after retrieving a file of holes");
	TEST_ASSERT(!fallocate(fd, FALLOC_FL_KEEP_SIZE, size - chunk, chunk),
		    "fallocate the last chunk: %s", strerror(errno));
	expect_free(node, before - 1, "after fallocate");
	gmem_pool_luo_finish(session);
	close(session);
	close(fd);
	expect_free(node, before, "with the file closed");
	return 0;
}

static int do_limits_back(char **argv)
{
	int nr = num(argv[1]), s[GMEM_POOL_LUO_SESSIONS], luo, fd, i;
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];

	TEST_ASSERT(nr >= 2 && nr <= GMEM_POOL_LUO_SESSIONS, "bad NR %d", nr);
	luo = gmem_pool_luo_open();
	for (i = 0; i < nr; i++) {
		limit_name(name, sizeof(name), argv[0], i);
		s[i] = gmem_pool_luo_retrieve_session(luo, name);
	}
	close(luo);
	for (i = 0; i < GMEM_POOL_LUO_FILES; i++) {
		fd = gmem_pool_luo_retrieve(s[0], i);
		TEST_ASSERT_EQ(file_size(fd), chunk);
		close(fd);
	}
	expect_errno(__gmem_pool_luo_retrieve(s[0], i), ENOENT,
		     "the file the full session refused");
	fd = gmem_pool_luo_retrieve(s[1], 0);
	close(fd);
	for (i = 0; i < nr; i++) {
		gmem_pool_luo_finish(s[i]);
		close(s[i]);
	}
	printf("ok: %d sessions and %d files came back\n", nr,
	       GMEM_POOL_LUO_FILES + 1);
	return 0;
}

static int do_drop(char **argv)
{
	int node = num(argv[1]), session = gmem_pool_luo_get_session(argv[0]);
	long before = gmem_pool_free_chunks(node);

	gmem_pool_luo_finish(session);
	expect_free(node, before + num(argv[3]), "after FINISH");
	expect_errno(__gmem_pool_luo_retrieve(session, num(argv[2])), ENOENT,
		     "retrieve a dropped file");
	close(session);
	return 0;
}

static int do_absent(char **argv)
{
	int luo = gmem_pool_luo_open();

	expect_errno(__gmem_pool_luo_retrieve_session(luo, argv[0]), ENOENT,
		     "retrieve a session the last kernel did not hand over");
	close(luo);
	return 0;
}

/* Two files per node that has a pool: tokens node << 1 and node << 1 | 1. */
#define FULL_FILES(nid)	((uint64_t)(nid) << 1)

static uint64_t full_marker(int nid, int which, uint64_t slot)
{
	return ((uint64_t)nid << 40 ^ (uint64_t)which << 32 ^ slot) * LU_GOLDEN;
}

static long node_total(int nid)
{
	char path[128], buf[32];

	snprintf(path, sizeof(path), GMEM_POOL_SYSFS "/node%d/total_chunks", nid);
	gmem_pool_read_line(path, buf, sizeof(buf));
	return strtol(buf, NULL, 0);
}

/* Slots of file @which (0, 1) when the node's @total chunks alternate. */
static uint64_t full_slots(long total, int which)
{
	return (total + 1 - which) / 2;
}

/* Write or check the marker in the first word of every slot of @fd. */
static void full_marks(int fd, int nid, int which, uint64_t slots, bool check)
{
	uint64_t *mem = gmem_pool_map(fd, slots * chunk), slot, *word;

	for (slot = 0; slot < slots; slot++) {
		word = mem + slot * chunk / sizeof(*mem);
		if (!check) {
			*word = full_marker(nid, which, slot);
			continue;
		}
		TEST_ASSERT(*word == full_marker(nid, which, slot),
			    "node %d file %d slot %lu: %#lx, want %#lx", nid,
			    which, slot, *word, full_marker(nid, which, slot));
	}
	munmap(mem, slots * chunk);
}

/*
 * Every chunk of every pool in two mapped files per node, taken in turn,
 * so that no two chunks of a file are adjacent in the pool: one extent
 * per chunk, the most room a record can need.  All of it is preserved.
 */
static int do_fill_pools(char **argv)
{
	int session = gmem_pool_luo_new_session(argv[0]), nid, fd[2], w;
	struct kvm_vm *vm = vm_create_barebones();
	uint64_t flags = GUEST_MEMFD_FLAG_POOL | GUEST_MEMFD_FLAG_POOL_MMAP;
	long total, i, nodes = 0;

	for (nid = 0; nid < GMEM_POOL_MAX_NODES; nid++) {
		total = gmem_pool_free_chunks(nid);
		if (total < 0)
			continue;
		TEST_ASSERT(total == node_total(nid) && total >= 2,
			    "node %d: %ld chunks free", nid, total);
		for (w = 0; w < 2; w++)
			fd[w] = gmem_pool_create(vm, full_slots(total, w) * chunk,
						 flags, nid);
		for (i = 0; i < total; i++)
			TEST_ASSERT(!fallocate(fd[i & 1], FALLOC_FL_KEEP_SIZE,
					       i / 2 * chunk, chunk),
				    "node %d chunk %ld: %s", nid, i, strerror(errno));
		for (w = 0; w < 2; w++) {
			full_marks(fd[w], nid, w, full_slots(total, w), false);
			gmem_pool_luo_preserve(session, fd[w], FULL_FILES(nid) | w);
			close(fd[w]);
		}
		expect_free(nid, 0, "with every chunk preserved");
		nodes++;
	}
	TEST_ASSERT(nodes, "no pool");
	hold_and_close(session);
	kvm_vm_free(vm);
	return 0;
}

static int do_check_pools(char **argv)
{
	unsigned int sessions, files;
	uint64_t chunks, want = 0;
	int session, nid, fd[2], w;
	long total, nodes = 0;
	char status[256];

	gmem_pool_read_line(GMEM_POOL_SYSFS "/handover/status", status,
			    sizeof(status));
	printf("status: %s\n", status);
	TEST_ASSERT(sscanf(status, "restored: %u sessions, %u files, %lu chunks",
			   &sessions, &files, &chunks) == 3, "not restored");
	session = gmem_pool_luo_get_session(argv[0]);
	for (nid = 0; nid < GMEM_POOL_MAX_NODES; nid++) {
		if (gmem_pool_free_chunks(nid) < 0)
			continue;
		total = node_total(nid);
		expect_free(nid, 0, "before the retrieve: no chunk lost");
		for (w = 0; w < 2; w++) {
			fd[w] = gmem_pool_luo_retrieve(session, FULL_FILES(nid) | w);
			TEST_ASSERT_EQ(file_size(fd[w]), full_slots(total, w) * chunk);
			full_marks(fd[w], nid, w, full_slots(total, w), true);
		}
		printf("ok: node %d: all %ld chunks back at their offsets\n", nid,
		       total);
		for (w = 0; w < 2; w++)
			close(fd[w]);
		want += total;
		nodes++;
	}
	TEST_ASSERT(sessions == 1 && files == 2 * nodes && chunks == want,
		    "restored %u sessions, %u files, %lu chunks; want 1, %ld, %lu",
		    sessions, files, chunks, 2 * nodes, want);
	gmem_pool_luo_finish(session);
	close(session);
	for (nid = 0; nid < GMEM_POOL_MAX_NODES; nid++)
		if (gmem_pool_free_chunks(nid) >= 0)
			expect_free(nid, node_total(nid), "with the files closed");
	return 0;
}

static const struct lu_mode {
	const char *name;
	int nr_args;
	int (*fn)(char **argv);
} lu_modes[] = {
	{ "preserve", 5, do_preserve },
	{ "preserve-mmap", 4, do_preserve_mmap },
	{ "preserve-hole", 6, do_preserve_hole },
	{ "limits", 2, do_limits },
	{ "fill-pools", 1, do_fill_pools },
	{ "retrieve", 5, do_retrieve },
	{ "retrieve-keep", 7, do_retrieve_keep },
	{ "retrieve-mmap", 4, do_retrieve_mmap },
	{ "retrieve-hole", 4, do_retrieve_hole },
	{ "limits-back", 2, do_limits_back },
	{ "drop", 4, do_drop },
	{ "check-pools", 1, do_check_pools },
	{ "absent", 1, do_absent },
};

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc == 5 && !strcmp(argv[1], "kexec"))
		return do_kexec(argv + 2);
	TEST_REQUIRE(kvm_has_cap(KVM_CAP_GUEST_MEMFD));
	chunk = kvm_check_cap(KVM_CAP_GUEST_MEMFD_POOL);
	TEST_REQUIRE(chunk);
	TEST_REQUIRE(kvm_check_cap(KVM_CAP_VM_TYPES) &
		     BIT(KVM_X86_SW_PROTECTED_VM));
	TEST_REQUIRE(!access(GMEM_POOL_LUO_DEV, F_OK));
	for (i = 0; i < ARRAY_SIZE(lu_modes); i++)
		if (argc > 1 && !strcmp(argv[1], lu_modes[i].name))
			break;
	TEST_ASSERT(i < ARRAY_SIZE(lu_modes) &&
		    argc == lu_modes[i].nr_args + 2,
		    "usage: see the comment at the top of %s", __FILE__);
	return lu_modes[i].fn(argv + 2);
}
