// SPDX-License-Identifier: GPL-2.0
/*
 * gmem_pool_luo_test: /dev/liveupdate in one kernel, no kexec.
 *
 * The device node, its one opener, bad input to every ioctl (the size
 * field, bytes past the structure, unknown numbers, names, tokens, fds of
 * other types), what a session of this kernel refuses, and the freeze of a
 * preserved pool file: fallocate, punch hole, a guest fault on a hole and a
 * VMM fault on a hole of a mapped file all fail while it is preserved, and
 * closing its session thaws it.  Needs a pool (gmem_pool=); skips without.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stddef.h>
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
#include "kselftest_harness.h"

#define LUO_SLOT	10
#define LUO_GPA		SZ_4G
#define LUO_PATTERN	0x1badb002c0ffee00ULL
#define LUO_STAGE_HELD	1
#define POOL_FLAGS	GUEST_MEMFD_FLAG_POOL

static uint64_t chunk_size;
static int pool_node;

/* The largest structure of any ioctl here, and room past it. */
union luo_args {
	struct liveupdate_ioctl_create_session create;
	struct liveupdate_ioctl_retrieve_session retrieve;
	struct liveupdate_session_preserve_fd preserve;
	struct liveupdate_session_retrieve_fd retrieve_fd;
	struct liveupdate_session_finish finish;
	uint8_t bytes[128];
};

static int pool_file(struct kvm_vm *vm, uint64_t nr_chunks, uint64_t flags)
{
	return gmem_pool_create(vm, nr_chunks * chunk_size, POOL_FLAGS | flags,
				pool_node);
}

/* The device's one descriptor, for as long as one test runs. */
static int luo_open(struct __test_metadata *_metadata)
{
	int fd = __gmem_pool_luo_open();

	if (fd < 0)
		TH_LOG("open " GMEM_POOL_LUO_DEV ": %s", strerror(errno));
	return fd;
}

TEST(device_node)
{
	struct stat st;

	ASSERT_EQ(stat(GMEM_POOL_LUO_DEV, &st), 0);
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(st.st_mode & 07777, 0600);
	EXPECT_EQ(st.st_uid, 0);
	EXPECT_EQ(st.st_gid, 0);
}

TEST(one_opener)
{
	int luo = luo_open(_metadata), again;

	ASSERT_GE(luo, 0);
	again = __gmem_pool_luo_open();
	EXPECT_EQ(again, -1);
	EXPECT_EQ(errno, EBUSY);
	close(luo);
	luo = luo_open(_metadata);
	EXPECT_GE(luo, 0);
	close(luo);
}

/* A child that drops root cannot open the device: EACCES. */
TEST(nonroot_open)
{
	int status;
	pid_t pid = fork();

	ASSERT_GE(pid, 0);
	if (!pid) {
		if (setgroups(0, NULL) ||
		    setresgid(GMEM_POOL_NOBODY, GMEM_POOL_NOBODY, GMEM_POOL_NOBODY) ||
		    setresuid(GMEM_POOL_NOBODY, GMEM_POOL_NOBODY, GMEM_POOL_NOBODY))
			_exit(2);
		_exit(__gmem_pool_luo_open() == -1 && errno == EACCES ? 0 : 1);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("uid %d: status %#x (1: not EACCES, 2: setresuid)",
		       GMEM_POOL_NOBODY, status);
}

struct size_case {
	const char *what;
	uint32_t size;
	bool tail;	/* a non-zero byte just past the kernel's structure */
	int err;	/* 0: the ioctl gets past its size checks */
};

/*
 * One ioctl with each size case: smaller than its structure, every field
 * of which it needs (EINVAL), larger with a non-zero tail (E2BIG), larger
 * with a zero tail (as the exact size).  @fill sets up the fields past
 * size; @ok_err is what the exact size gives (0: success, and @cleanup
 * takes the result).
 */
static void check_sizes(struct __test_metadata *_metadata, int fd,
			unsigned long cmd, size_t kernel_size,
			void (*fill)(union luo_args *a), int ok_err,
			void (*cleanup)(union luo_args *a))
{
	const struct size_case cases[] = {
		{ "size 0", 0, false, EINVAL },
		{ "size 4", 4, false, EINVAL },
		{ "one byte short", kernel_size - 1, false, EINVAL },
		{ "exact", kernel_size, false, 0 },
		{ "8 more, zero", kernel_size + 8, false, 0 },
		{ "8 more, non-zero", kernel_size + 8, true, E2BIG },
		{ "1 more, non-zero", kernel_size + 1, true, E2BIG },
	};
	union luo_args a;
	unsigned int i;
	int ret, want;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(&a, 0, sizeof(a));
		fill(&a);
		a.create.size = cases[i].size;
		if (cases[i].tail)
			a.bytes[cases[i].size - 1] = 1;
		want = cases[i].err;
		if (!want)
			want = ok_err;
		errno = 0;
		ret = ioctl(fd, cmd, &a);
		if (!want) {
			EXPECT_EQ(ret, 0) TH_LOG("%s: errno %d", cases[i].what, errno);
			if (!ret)
				cleanup(&a);
			continue;
		}
		EXPECT_EQ(ret, -1) TH_LOG("%s: succeeded", cases[i].what);
		EXPECT_EQ(errno, want) TH_LOG("%s: errno %d, want %d",
					      cases[i].what, errno, want);
		if (!ret)
			cleanup(&a);
	}
}

static void fill_size_name(union luo_args *a)
{
	snprintf((char *)a->create.name, sizeof(a->create.name), "sizes");
}

static void close_out_fd(union luo_args *a)
{
	close(a->create.fd);
}

/* PRESERVE_FD's cases: each one that passes takes a new file and token. */
static struct kvm_vm *size_vm;
static int size_file = -1;
static uint64_t size_token;

static void fill_preserve(union luo_args *a)
{
	a->preserve.fd = size_file;
	a->preserve.token = size_token;
}

static void next_file(union luo_args *a)
{
	close(size_file);
	size_file = pool_file(size_vm, 1, 0);
	size_token++;
}

static void fill_token(union luo_args *a)
{
	a->retrieve_fd.token = 7;
}

static void fill_nothing(union luo_args *a)
{
}

TEST(size_field)
{
	int luo = luo_open(_metadata), session;

	ASSERT_GE(luo, 0);
	check_sizes(_metadata, luo, LIVEUPDATE_IOCTL_CREATE_SESSION,
		    sizeof(struct liveupdate_ioctl_create_session),
		    fill_size_name, 0, close_out_fd);
	/* No session of the last kernel has that name: past the checks. */
	check_sizes(_metadata, luo, LIVEUPDATE_IOCTL_RETRIEVE_SESSION,
		    sizeof(struct liveupdate_ioctl_retrieve_session),
		    fill_size_name, ENOENT, close_out_fd);
	close(luo);

	size_vm = vm_create_barebones();
	size_file = pool_file(size_vm, 1, 0);
	session = gmem_pool_luo_new_session("sizes");
	check_sizes(_metadata, session, LIVEUPDATE_SESSION_PRESERVE_FD,
		    sizeof(struct liveupdate_session_preserve_fd),
		    fill_preserve, 0, next_file);
	/* A session of this kernel refuses both, once past the checks. */
	check_sizes(_metadata, session, LIVEUPDATE_SESSION_RETRIEVE_FD,
		    sizeof(struct liveupdate_session_retrieve_fd),
		    fill_token, EINVAL, close_out_fd);
	check_sizes(_metadata, session, LIVEUPDATE_SESSION_FINISH,
		    sizeof(struct liveupdate_session_finish),
		    fill_nothing, EINVAL, close_out_fd);
	close(session);
	close(size_file);
	kvm_vm_free(size_vm);
}

struct ioctl_case {
	const char *what;
	unsigned long cmd;
	int err;
};

static void check_unknown(struct __test_metadata *_metadata, int fd,
			  const struct ioctl_case *cases, unsigned int nr)
{
	union luo_args a;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		memset(&a, 0, sizeof(a));
		a.create.size = sizeof(a.create);
		errno = 0;
		EXPECT_EQ(ioctl(fd, cases[i].cmd, &a), -1) TH_LOG("%s", cases[i].what);
		EXPECT_EQ(errno, cases[i].err) TH_LOG("%s: errno %d",
						      cases[i].what, errno);
	}
}

/* Numbers out of the table: EINVAL; in it but not the same ioctl: ENOTTY. */
TEST(unknown_ioctls)
{
	const struct ioctl_case dev_cases[] = {
		{ "nr 2", _IO(LIVEUPDATE_IOCTL_TYPE, 2), EINVAL },
		{ "nr 0xff", _IO(LIVEUPDATE_IOCTL_TYPE, 0xff), EINVAL },
		{ "a session ioctl", LIVEUPDATE_SESSION_PRESERVE_FD, EINVAL },
		{ "nr 0 with a size", _IOWR(LIVEUPDATE_IOCTL_TYPE, 0,
					    struct liveupdate_ioctl_create_session),
		  ENOTTY },
		{ "nr 1 of another type", _IO(KVMIO, 1), ENOTTY },
		{ "KVM_GET_API_VERSION", KVM_GET_API_VERSION, ENOTTY },
	};
	const struct ioctl_case session_cases[] = {
		{ "nr 0x43", _IO(LIVEUPDATE_IOCTL_TYPE, 0x43), EINVAL },
		{ "nr 0x3f", _IO(LIVEUPDATE_IOCTL_TYPE, 0x3f), EINVAL },
		{ "a device ioctl", LIVEUPDATE_IOCTL_CREATE_SESSION, EINVAL },
		{ "nr 0x40 with a size", _IOW(LIVEUPDATE_IOCTL_TYPE, 0x40,
					      struct liveupdate_session_preserve_fd),
		  ENOTTY },
		{ "nr 0x42 of another type", _IO(KVMIO, 0x42), ENOTTY },
	};
	int luo = luo_open(_metadata), session;

	ASSERT_GE(luo, 0);
	check_unknown(_metadata, luo, dev_cases, ARRAY_SIZE(dev_cases));
	session = gmem_pool_luo_create_session(luo, "unknown-ioctls");
	check_unknown(_metadata, session, session_cases,
		      ARRAY_SIZE(session_cases));
	close(session);
	close(luo);
}

TEST(session_names)
{
	char longest[LIVEUPDATE_SESSION_NAME_LENGTH], unterminated[80];
	struct liveupdate_ioctl_create_session args = { .size = sizeof(args) };
	int luo = luo_open(_metadata), a, b, c;

	ASSERT_GE(luo, 0);
	memset(longest, 'n', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	memset(unterminated, 'u', sizeof(unterminated) - 1);
	unterminated[sizeof(unterminated) - 1] = '\0';

	EXPECT_EQ(__gmem_pool_luo_create_session(luo, ""), -1);
	EXPECT_EQ(errno, EINVAL);
	/* Cut to the 64 bytes of the field: no NUL in it. */
	EXPECT_EQ(__gmem_pool_luo_create_session(luo, unterminated), -1);
	EXPECT_EQ(errno, EINVAL);
	/* An empty name with bytes after its NUL is still empty. */
	args.name[1] = 'x';
	EXPECT_EQ(ioctl(luo, LIVEUPDATE_IOCTL_CREATE_SESSION, &args), -1);
	EXPECT_EQ(errno, EINVAL);

	a = __gmem_pool_luo_create_session(luo, longest);
	EXPECT_GE(a, 0) TH_LOG("63-byte name: %s", strerror(errno));
	b = gmem_pool_luo_create_session(luo, "names");
	EXPECT_EQ(__gmem_pool_luo_create_session(luo, "names"), -1);
	EXPECT_EQ(errno, EEXIST);
	/* The session fd is close-on-exec. */
	EXPECT_TRUE(fcntl(b, F_GETFD) & FD_CLOEXEC);
	/* Outgoing sessions are not there to retrieve. */
	EXPECT_EQ(__gmem_pool_luo_retrieve_session(luo, "names"), -1);
	EXPECT_EQ(errno, ENOENT);
	EXPECT_EQ(__gmem_pool_luo_retrieve_session(luo, "no-such-session"), -1);
	EXPECT_EQ(errno, ENOENT);
	/* A reply that cannot be written back leaves no session behind. */
	c = __gmem_pool_luo_session_unwritable(luo,
					       LIVEUPDATE_IOCTL_CREATE_SESSION,
					       "unwritable");
	EXPECT_EQ(c, -1);
	EXPECT_EQ(errno, EFAULT);
	c = __gmem_pool_luo_create_session(luo, "unwritable");
	EXPECT_GE(c, 0) TH_LOG("name kept by a failed create: %s",
			       strerror(errno));
	close(c);

	/* Closing the device ends no session; closing the session does. */
	close(luo);
	luo = luo_open(_metadata);
	ASSERT_GE(luo, 0);
	EXPECT_EQ(__gmem_pool_luo_create_session(luo, "names"), -1);
	EXPECT_EQ(errno, EEXIST);
	close(b);
	c = __gmem_pool_luo_create_session(luo, "names");
	EXPECT_GE(c, 0) TH_LOG("name of a closed session: %s", strerror(errno));
	close(c);
	close(a);
	close(luo);
}

/* Descriptors no handler takes: ENOENT; no descriptor: EBADF. */
TEST(preserve_other_fds)
{
	struct kvm_vm *vm = vm_create_barebones();
	struct kvm_create_guest_memfd plain = { .size = chunk_size };
	int session = gmem_pool_luo_new_session("other-fds");
	int luo = luo_open(_metadata);
	const struct {
		const char *what;
		int fd;
		int err;
	} cases[] = {
		{ "memfd", memfd_create("luo-test", 0), ENOENT },
		{ "/dev/null", open("/dev/null", O_RDWR), ENOENT },
		{ "guest_memfd without the pool",
		  __vm_ioctl(vm, KVM_CREATE_GUEST_MEMFD, &plain), ENOENT },
		{ "a VM", vm->fd, ENOENT },
		{ "/dev/liveupdate", luo, ENOENT },
		{ "the session itself", session, ENOENT },
		{ "fd -1", -1, EBADF },
		{ "a closed fd", 1000, EBADF },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (cases[i].err != EBADF)
			ASSERT_GE(cases[i].fd, 0) TH_LOG("%s", cases[i].what);
		errno = 0;
		EXPECT_EQ(__gmem_pool_luo_preserve(session, cases[i].fd, i), -1)
			TH_LOG("%s preserved", cases[i].what);
		EXPECT_EQ(errno, cases[i].err) TH_LOG("%s: errno %d",
						      cases[i].what, errno);
	}
	for (i = 0; i < 3; i++)
		close(cases[i].fd);
	close(luo);
	close(session);
	kvm_vm_free(vm);
}

/* Tokens are any u64 and per session; a file is in one session at most. */
TEST(preserve_tokens)
{
	struct kvm_vm *vm = vm_create_barebones();
	int a = pool_file(vm, 1, 0), b = pool_file(vm, 1, 0);
	int c = pool_file(vm, 1, 0);
	int s1 = gmem_pool_luo_new_session("tokens-1");
	int s2 = gmem_pool_luo_new_session("tokens-2");

	EXPECT_EQ(__gmem_pool_luo_preserve(s1, a, 0), 0);
	EXPECT_EQ(__gmem_pool_luo_preserve(s1, b, 0), -1);
	EXPECT_EQ(errno, EEXIST);
	EXPECT_EQ(__gmem_pool_luo_preserve(s1, a, 1), -1);
	EXPECT_EQ(errno, EBUSY);
	EXPECT_EQ(__gmem_pool_luo_preserve(s2, a, 2), -1);
	EXPECT_EQ(errno, EBUSY);
	EXPECT_EQ(__gmem_pool_luo_preserve(s1, b, ~0ULL), 0);
	EXPECT_EQ(__gmem_pool_luo_preserve(s2, c, 0), 0);

	/* A closed session lets its files go: another may take them. */
	close(s1);
	EXPECT_EQ(__gmem_pool_luo_preserve(s2, a, 1), 0);
	close(s2);
	close(a);
	close(b);
	close(c);
	kvm_vm_free(vm);
}

/* RETRIEVE_FD and FINISH are for sessions of the last kernel. */
TEST(outgoing_session)
{
	struct kvm_vm *vm = vm_create_barebones();
	int fd = pool_file(vm, 1, 0);
	int session = gmem_pool_luo_new_session("outgoing");

	gmem_pool_luo_preserve(session, fd, 5);
	EXPECT_EQ(__gmem_pool_luo_retrieve(session, 5), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(__gmem_pool_luo_retrieve(session, 6), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(__gmem_pool_luo_finish(session), -1);
	EXPECT_EQ(errno, EINVAL);
	close(session);
	close(fd);
	kvm_vm_free(vm);
}

static const int falloc_punch = FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE;

/* Every fallocate of @fd fails with EBUSY, and no chunk moves. */
static void check_no_fallocate(struct __test_metadata *_metadata, int fd)
{
	const struct {
		int mode;
		uint64_t chunk;
	} cases[] = {
		{ FALLOC_FL_KEEP_SIZE, 1 },	/* a hole */
		{ FALLOC_FL_KEEP_SIZE, 0 },	/* a held chunk */
		{ falloc_punch, 0 },
		{ falloc_punch, 1 },
	};
	long before = gmem_pool_free_chunks(pool_node);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		errno = 0;
		EXPECT_EQ(fallocate(fd, cases[i].mode, cases[i].chunk * chunk_size,
				    chunk_size), -1) TH_LOG("case %u", i);
		EXPECT_EQ(errno, EBUSY) TH_LOG("case %u", i);
	}
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before);
}

TEST(freeze_fallocate)
{
	struct kvm_vm *vm = vm_create_barebones();
	int fd = pool_file(vm, 2, 0), session;
	long before = gmem_pool_free_chunks(pool_node);

	if (before < 2)
		SKIP(goto out, "needs 2 free chunks");
	ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, chunk_size), 0);
	session = gmem_pool_luo_new_session("freeze");
	gmem_pool_luo_preserve(session, fd, 0);
	check_no_fallocate(_metadata, fd);
	close(session);

	EXPECT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE, chunk_size, chunk_size), 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - 2);
	EXPECT_EQ(fallocate(fd, falloc_punch, 0, 2 * chunk_size), 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before);
out:
	close(fd);
	kvm_vm_free(vm);
}

static void guest_touch(uint64_t held, uint64_t hole)
{
	WRITE_ONCE(*(uint64_t *)held, LUO_PATTERN);
	GUEST_ASSERT_EQ(READ_ONCE(*(uint64_t *)held), LUO_PATTERN);
	GUEST_SYNC(LUO_STAGE_HELD);
	GUEST_ASSERT_EQ(READ_ONCE(*(uint64_t *)hole), 0);
	GUEST_DONE();
}

static void run_expect(struct __test_metadata *_metadata,
		       struct kvm_vcpu *vcpu, int want)
{
	struct ucall uc;

	vcpu_run(vcpu);
	switch (get_ucall(vcpu, &uc)) {
	case UCALL_SYNC:
		EXPECT_EQ(uc.args[1], want);
		break;
	case UCALL_DONE:
		EXPECT_EQ(want, 0);
		break;
	case UCALL_ABORT:
		REPORT_GUEST_ASSERT(uc);
	default:
		TEST_FAIL("unexpected ucall %lu", uc.cmd);
	}
}

/*
 * A guest of a frozen file: its first touch of a chunk the file holds
 * maps it; a hole would take a chunk, so KVM_RUN fails with EBUSY and a
 * memory-fault exit, until the session closes.
 */
TEST(freeze_guest)
{
	uint64_t size = 2 * chunk_size, hole = LUO_GPA + chunk_size;
	long before = gmem_pool_free_chunks(pool_node);
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	int fd, session, ret;
	void *shared;

	if (!(kvm_check_cap(KVM_CAP_VM_TYPES) & BIT(KVM_X86_SW_PROTECTED_VM)))
		SKIP(return, "KVM_X86_SW_PROTECTED_VM not supported");
	if (before < 2)
		SKIP(return, "needs 2 free chunks");
	vm = gmem_pool_create_private_vm(&vcpu, guest_touch);
	fd = pool_file(vm, 2, 0);
	ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, chunk_size), 0);
	shared = mmap(NULL, size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(shared, MAP_FAILED);
	vm_set_user_memory_region2(vm, LUO_SLOT, KVM_MEM_GUEST_MEMFD, LUO_GPA,
				   size, shared, fd, 0);
	vm_mem_set_private(vm, LUO_GPA, size);
	virt_map_level(vm, LUO_GPA, LUO_GPA, size, PG_LEVEL_2M);
	vcpu_args_set(vcpu, 2, LUO_GPA, hole);

	session = gmem_pool_luo_new_session("freeze-guest");
	gmem_pool_luo_preserve(session, fd, 0);
	run_expect(_metadata, vcpu, LUO_STAGE_HELD);
	errno = 0;
	ret = _vcpu_run(vcpu);
	EXPECT_EQ(ret, -1);
	EXPECT_EQ(errno, EBUSY);
	EXPECT_EQ(vcpu->run->exit_reason, KVM_EXIT_MEMORY_FAULT);
	EXPECT_GE(vcpu->run->memory_fault.gpa, hole);
	EXPECT_LT(vcpu->run->memory_fault.gpa, hole + chunk_size);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - 1);

	close(session);
	run_expect(_metadata, vcpu, 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - 2);
	kvm_vm_free(vm);
	close(fd);
	munmap(shared, size);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before);
}

/* The VMM's mapping of a frozen file: held chunks work, holes SIGBUS. */
TEST(freeze_mmap)
{
	struct kvm_vm *vm = vm_create_barebones();
	long before = gmem_pool_free_chunks(pool_node);
	uint64_t *mem, *hole, val = 0;
	int fd, session;

	if (before < 2)
		SKIP(goto out, "needs 2 free chunks");
	fd = pool_file(vm, 2, GUEST_MEMFD_FLAG_POOL_MMAP);
	mem = gmem_pool_map(fd, 2 * chunk_size);
	hole = mem + chunk_size / sizeof(*mem);
	mem[0] = LUO_PATTERN;
	session = gmem_pool_luo_new_session("freeze-mmap");
	gmem_pool_luo_preserve(session, fd, 0);
	check_no_fallocate(_metadata, fd);

	EXPECT_FALSE(gmem_pool_read_sigbus(mem, &val));
	EXPECT_EQ(val, LUO_PATTERN);
	EXPECT_TRUE(gmem_pool_read_sigbus(hole, &val)) TH_LOG("read %#lx", val);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - 1);

	close(session);
	EXPECT_FALSE(gmem_pool_read_sigbus(hole, &val));
	EXPECT_EQ(val, 0);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before - 2);
	munmap(mem, 2 * chunk_size);
	close(fd);
	EXPECT_EQ(gmem_pool_free_chunks(pool_node), before);
out:
	kvm_vm_free(vm);
}

int main(int argc, char **argv)
{
	TEST_REQUIRE(kvm_has_cap(KVM_CAP_GUEST_MEMFD));
	chunk_size = kvm_check_cap(KVM_CAP_GUEST_MEMFD_POOL);
	TEST_REQUIRE(chunk_size);
	pool_node = gmem_pool_find_node(1);
	TEST_REQUIRE(pool_node >= 0);
	/* A pool brings the device; without it nothing here can run. */
	TEST_ASSERT(!access(GMEM_POOL_LUO_DEV, F_OK), "a pool but no %s",
		    GMEM_POOL_LUO_DEV);
	return test_harness_run(argc, argv);
}
