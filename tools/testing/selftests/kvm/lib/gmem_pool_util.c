// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the gmem pool selftests and benchmarks.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <linux/liveupdate.h>
#include <linux/reboot.h>

#include "gmem_pool_util.h"
#include "kvm_util.h"
#include "test_util.h"
#include "ucall_common.h"

#define PTDUMP_FILE	"/sys/kernel/debug/page_tables/current_kernel"
/* gmem_pool_luo_hold() closes the descriptors below this. */
#define GMEM_POOL_HOLD_FDS	4096

static int ptdump_level(const char *line)
{
	static const char * const names[GMEM_POOL_NR_LEVELS] = {
		[GMEM_POOL_PTE] = " pte\n",
		[GMEM_POOL_PMD] = " pmd\n",
		[GMEM_POOL_PUD] = " pud\n",
	};
	size_t len = strlen(line);
	int i;

	for (i = 0; i < GMEM_POOL_NR_LEVELS; i++)
		if (len > strlen(names[i]) &&
		    !strcmp(line + len - strlen(names[i]), names[i]))
			return i;
	return -1;
}

/**
 * gmem_pool_host_levels() - Count how the caller maps a range, by level.
 * @start: first byte of the range in the calling process.
 * @len: length of the range, in bytes.
 * @bytes: filled with the bytes of the range mapped, present, by page-table
 *	entries of each &enum gmem_pool_level.
 *
 * Reads /sys/kernel/debug/page_tables/current_kernel
 * (CONFIG_PTDUMP_DEBUGFS), because smaps does not count VM_PFNMAP
 * mappings.  It has one line per run of entries with the same level and
 * protection: "0x<start>-0x<end>   <size> <prot...> <level>"; a run that is
 * not present has no "RW" or "ro" in its protection.
 *
 * Return: true, or false if that file cannot be read.
 */
bool gmem_pool_host_levels(const void *start, uint64_t len,
			   uint64_t bytes[GMEM_POOL_NR_LEVELS])
{
	uint64_t lo = (uintptr_t)start, hi = lo + len, s, e;
	char line[256];
	bool user = false;
	FILE *f;
	int lvl;

	memset(bytes, 0, sizeof(*bytes) * GMEM_POOL_NR_LEVELS);
	f = fopen(PTDUMP_FILE, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "---[ ", 5)) {
			user = !!strstr(line, "User Space");
			continue;
		}
		if (!user || sscanf(line, "0x%lx-0x%lx", &s, &e) != 2)
			continue;
		lvl = ptdump_level(line);
		if (lvl < 0 || (!strstr(line, " RW ") && !strstr(line, " ro ")))
			continue;
		if (e > lo && s < hi)
			bytes[lvl] += (e < hi ? e : hi) - (s > lo ? s : lo);
	}
	fclose(f);
	return true;
}

/* GMEM_POOL_SYSFS/node<@nid>/@name as a number, or -1 if @nid has no pool. */
static long gmem_pool_node_value(int nid, const char *name)
{
	char path[128], buf[32];
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), GMEM_POOL_SYSFS "/node%d/%s", nid, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	TEST_ASSERT(len > 0, "read %s", path);
	buf[len] = '\0';
	return strtol(buf, NULL, 0);
}

/**
 * gmem_pool_free_chunks() - Read how many chunks a node's pool has free.
 * @nid: NUMA node.
 *
 * Reads GMEM_POOL_SYSFS/node<@nid>/free_chunks; fails the test if the file
 * exists but cannot be read.
 *
 * Return: the number of free chunks, or -1 if @nid has no pool.
 */
long gmem_pool_free_chunks(int nid)
{
	return gmem_pool_node_value(nid, "free_chunks");
}

/**
 * gmem_pool_total_chunks() - Read how many chunks a node's pool has.
 * @nid: NUMA node.
 *
 * Return: the number of chunks, free or not, or -1 if @nid has no pool.
 */
long gmem_pool_total_chunks(int nid)
{
	return gmem_pool_node_value(nid, "total_chunks");
}

/**
 * gmem_pool_poisoned_chunks() - Read how many chunks memory errors retired.
 * @nid: NUMA node.
 *
 * Return: node<@nid>/poisoned_chunks, or -1 if @nid has no pool.
 */
long gmem_pool_poisoned_chunks(int nid)
{
	return gmem_pool_node_value(nid, "poisoned_chunks");
}

/**
 * gmem_pool_chunk_base() - Read where chunk 0 of a node's pool starts.
 * @nid: NUMA node.
 *
 * Return: the physical address, or -1 if @nid has no pool.
 */
long gmem_pool_chunk_base(int nid)
{
	return gmem_pool_node_value(nid, "chunk_base");
}

/**
 * gmem_pool_chunk_map() - The state of each chunk of a node's pool.
 * @nid: NUMA node.
 * @buf: filled with one character a chunk, NUL terminated: '.' free, 'U'
 *	used, 'x' retired and still held, 'X' retired and held by no one.
 * @len: size of @buf.
 *
 * Reads /sys/kernel/debug/gmem_pool/node<@nid>_map and drops the units
 * before chunk 0 (metadata, 'M') and after the last chunk.
 *
 * Return: the number of chunks.
 */
long gmem_pool_chunk_map(int nid, char *buf, size_t len)
{
	long nr = gmem_pool_total_chunks(nid), head = 0, n = 0;
	char path[128], line[256], units[128];
	unsigned long first;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), GMEM_POOL_DEBUGFS_MAP, nid);
	f = fopen(path, "r");
	TEST_ASSERT(f, "open %s: %s", path, strerror(errno));
	TEST_ASSERT(nr > 0 && (size_t)nr < len, "node %d: %ld chunks", nid, nr);
	while (fgets(line, sizeof(line), f)) {
		TEST_ASSERT(sscanf(line, "%lu %127s", &first, units) == 2,
			    "%s: bad line '%s'", path, line);
		for (i = 0; units[i]; i++) {
			if (!n && units[i] == 'M')
				head++;
			else if (n < nr)
				buf[n++] = units[i];
		}
	}
	fclose(f);
	TEST_ASSERT(n == nr, "%s: %ld chunks after %ld units, want %ld", path,
		    n, head, nr);
	buf[n] = '\0';
	return nr;
}

/**
 * gmem_pool_hard_offline() - Inject a memory error, as memory_failure() sees one.
 * @phys: a physical address in the page to fail.
 *
 * Writes @phys to /sys/devices/system/memory/hard_offline_page
 * (CONFIG_MEMORY_FAILURE).
 *
 * Return: 0, or the errno of the write (EHWPOISON if already failed).
 */
int gmem_pool_hard_offline(uint64_t phys)
{
	char buf[32];
	int fd, len, r = 0;

	fd = open(GMEM_POOL_HARD_OFFLINE, O_WRONLY);
	TEST_ASSERT(fd >= 0, "open %s: %s", GMEM_POOL_HARD_OFFLINE,
		    strerror(errno));
	len = snprintf(buf, sizeof(buf), "%#lx", (unsigned long)phys);
	if (write(fd, buf, len) != len)
		r = errno;
	close(fd);
	return r;
}

/**
 * gmem_pool_find_node() - Find a pool that can back @nr chunks now.
 * @nr: free chunks the pool must have, at least.
 *
 * Return: the lowest node below GMEM_POOL_MAX_NODES whose pool has @nr
 * chunks free, or -1 if there is none.
 */
int gmem_pool_find_node(uint64_t nr)
{
	int nid;

	for (nid = 0; nid < GMEM_POOL_MAX_NODES; nid++)
		if (gmem_pool_free_chunks(nid) >= (long)nr)
			return nid;
	return -1;
}

/**
 * __gmem_pool_create() - Try to create a guest_memfd, pool-backed or not.
 * @vm: VM the file belongs to.
 * @size: file size, in bytes.
 * @flags: GUEST_MEMFD_FLAG_* as given; GUEST_MEMFD_FLAG_POOL is not added.
 * @node: the pool's NUMA node (&kvm_create_guest_memfd.pool_node).
 *
 * Return: the new file descriptor, or -1 with errno set by
 * KVM_CREATE_GUEST_MEMFD.
 */
int __gmem_pool_create(struct kvm_vm *vm, uint64_t size, uint64_t flags,
		       uint64_t node)
{
	struct kvm_create_guest_memfd args = {
		.size = size,
		.flags = flags,
		.pool_node = node,
	};

	return __vm_ioctl(vm, KVM_CREATE_GUEST_MEMFD, &args);
}

/**
 * gmem_pool_create() - Create a guest_memfd or fail the test.
 * @vm: VM the file belongs to.
 * @size: file size, in bytes.
 * @flags: GUEST_MEMFD_FLAG_* as given; GUEST_MEMFD_FLAG_POOL is not added.
 * @node: the pool's NUMA node.
 *
 * Return: the new file descriptor.
 */
int gmem_pool_create(struct kvm_vm *vm, uint64_t size, uint64_t flags,
		     uint64_t node)
{
	int fd = __gmem_pool_create(vm, size, flags, node);

	TEST_ASSERT(fd >= 0, KVM_IOCTL_ERROR(KVM_CREATE_GUEST_MEMFD, fd));
	return fd;
}

/**
 * gmem_pool_map() - Map a GUEST_MEMFD_FLAG_POOL_MMAP file or fail the test.
 * @fd: the file.
 * @size: bytes to map from offset 0.
 *
 * Return: the start of a shared, readable and writable mapping.
 */
void *gmem_pool_map(int fd, uint64_t size)
{
	void *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	TEST_ASSERT(mem != MAP_FAILED, "mmap: %s", strerror(errno));
	return mem;
}

/**
 * gmem_pool_create_private_vm() - Create a VM with private memory.
 * @vcpu: set to the VM's only vCPU.
 * @guest_code: where that vCPU starts.
 *
 * The VM is a KVM_X86_SW_PROTECTED_VM, so that a pool-backed guest_memfd
 * can back its private memory; the caller checks KVM_CAP_VM_TYPES first.
 *
 * Return: the new VM.
 */
struct kvm_vm *gmem_pool_create_private_vm(struct kvm_vcpu **vcpu,
					   void *guest_code)
{
	const struct vm_shape shape = {
		.mode = VM_MODE_DEFAULT,
		.type = KVM_X86_SW_PROTECTED_VM,
	};

	return __vm_create_shape_with_one_vcpu(shape, vcpu, 0, guest_code);
}

/**
 * gmem_pool_run_to() - Run a vCPU to its next ucall and check it.
 * @vcpu: the vCPU.
 * @stage: the GUEST_SYNC() stage the guest must reach, or 0 for GUEST_DONE().
 *
 * Fails the test on a guest assertion, another ucall or another stage.
 */
void gmem_pool_run_to(struct kvm_vcpu *vcpu, uint64_t stage)
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

/**
 * gmem_pool_prefault_slot0() - Map all of memslot 0 in the guest's NPT.
 * @vcpu: a vCPU of the VM.
 *
 * Done before measuring, so that only the memory under test faults while
 * the guest runs and KVM's page counts and fault counts are its own.
 */
void gmem_pool_prefault_slot0(struct kvm_vcpu *vcpu)
{
	struct kvm_userspace_memory_region2 *slot0;
	struct kvm_pre_fault_memory range;

	slot0 = &memslot2region(vcpu->vm, 0)->region;
	range = (struct kvm_pre_fault_memory) {
		.gpa = slot0->guest_phys_addr,
		.size = slot0->memory_size,
	};
	while (range.size)
		TEST_ASSERT(!__vcpu_ioctl(vcpu, KVM_PRE_FAULT_MEMORY, &range) ||
			    errno == EAGAIN || errno == EINTR,
			    "KVM_PRE_FAULT_MEMORY: %s", strerror(errno));
}

/**
 * gmem_pool_read_line() - Read the first line of a file or fail the test.
 * @path: the file.
 * @buf: filled with the line, without its newline.
 * @len: size of @buf, in bytes; a longer line is cut.
 */
void gmem_pool_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	TEST_ASSERT(f && fgets(buf, len, f), "read %s", path);
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

/**
 * __gmem_pool_luo_open() - Open /dev/liveupdate.
 *
 * Return: the file descriptor, or -1 with errno set by open(2) (EBUSY
 * while another descriptor of the device is open).
 */
int __gmem_pool_luo_open(void)
{
	return open(GMEM_POOL_LUO_DEV, O_RDWR | O_CLOEXEC);
}

/**
 * gmem_pool_luo_open() - Open /dev/liveupdate or fail the test.
 *
 * Return: the file descriptor.
 */
int gmem_pool_luo_open(void)
{
	int fd = __gmem_pool_luo_open();

	TEST_ASSERT(fd >= 0, "open %s: %s", GMEM_POOL_LUO_DEV, strerror(errno));
	return fd;
}

/* The name into a zeroed name field, cut to the field if longer. */
static void luo_set_name(__u8 *field, const char *name)
{
	size_t len = strlen(name);

	memset(field, 0, LIVEUPDATE_SESSION_NAME_LENGTH);
	memcpy(field, name, len < LIVEUPDATE_SESSION_NAME_LENGTH ?
	       len : LIVEUPDATE_SESSION_NAME_LENGTH);
}

static sigjmp_buf sigbus_jmp;

static void sigbus_handler(int sig)
{
	siglongjmp(sigbus_jmp, 1);
}

static int sigbus_code;
static void *sigbus_addr;

static void sigbus_info_handler(int sig, siginfo_t *info, void *ctx)
{
	sigbus_code = info->si_code;
	sigbus_addr = info->si_addr;
	siglongjmp(sigbus_jmp, 1);
}

/**
 * gmem_pool_read_sigbus_code() - Read a word; say how SIGBUS refused it.
 * @p: the word, in a mapping of a pool file.
 * @val: set to the word if it could be read.
 * @addr: set to the signal's si_addr if SIGBUS was raised.
 *
 * Return: 0 if the read succeeded, else the SIGBUS si_code (BUS_ADRERR,
 * BUS_MCEERR_AR, ...).
 */
int gmem_pool_read_sigbus_code(const uint64_t *p, uint64_t *val, void **addr)
{
	struct sigaction sa = {
		.sa_sigaction = sigbus_info_handler,
		.sa_flags = SA_SIGINFO,
	}, old;
	int code = 0;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(sigbus_jmp, 1)) {
		code = sigbus_code;
		*addr = sigbus_addr;
	} else {
		*val = READ_ONCE(*p);
	}
	sigaction(SIGBUS, &old, NULL);
	return code;
}

/**
 * gmem_pool_read_sigbus() - Read a word that may raise SIGBUS.
 * @p: the word, in a mapping of a pool file.
 * @val: set to the word if it could be read.
 *
 * Return: true if the read raised SIGBUS (nothing was read).
 */
bool gmem_pool_read_sigbus(const uint64_t *p, uint64_t *val)
{
	struct sigaction sa = { .sa_handler = sigbus_handler }, old;
	bool bus = false;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(sigbus_jmp, 1))
		bus = true;
	else
		*val = READ_ONCE(*p);
	sigaction(SIGBUS, &old, NULL);
	return bus;
}

/*
 * LIVEUPDATE_IOCTL_CREATE_SESSION and _RETRIEVE_SESSION share their
 * structure: a name in, a descriptor out.
 */
static_assert(sizeof(struct liveupdate_ioctl_create_session) ==
	      sizeof(struct liveupdate_ioctl_retrieve_session));

static int luo_open_session(int luo, unsigned long cmd, const char *name)
{
	struct liveupdate_ioctl_create_session args = {
		.size = sizeof(args),
		.fd = -1,
	};

	luo_set_name(args.name, name);
	if (ioctl(luo, cmd, &args))
		return -1;
	return args.fd;
}

/**
 * __gmem_pool_luo_session_unwritable() - Open a session with a structure
 *	the kernel can read but cannot write its reply into.
 * @luo: a descriptor of /dev/liveupdate.
 * @cmd: LIVEUPDATE_IOCTL_CREATE_SESSION or LIVEUPDATE_IOCTL_RETRIEVE_SESSION.
 * @name: the session's name.
 *
 * Return: the ioctl's return value, with its errno (EFAULT is expected).
 */
int __gmem_pool_luo_session_unwritable(int luo, unsigned long cmd,
				       const char *name)
{
	long page = getpagesize();
	struct liveupdate_ioctl_create_session *args;
	int ret, err;

	args = mmap(NULL, page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(args != MAP_FAILED, "mmap: %s", strerror(errno));
	args->size = sizeof(*args);
	args->fd = -1;
	luo_set_name(args->name, name);
	TEST_ASSERT(!mprotect(args, page, PROT_READ), "mprotect: %s",
		    strerror(errno));
	ret = ioctl(luo, cmd, args);
	err = errno;
	munmap(args, page);
	errno = err;
	return ret;
}

/**
 * __gmem_pool_luo_create_session() - Start a session for the next kernel.
 * @luo: a descriptor of /dev/liveupdate.
 * @name: the session's name; cut to LIVEUPDATE_SESSION_NAME_LENGTH bytes
 *	(so unterminated) if longer.
 *
 * Return: the session's file descriptor, or -1 with errno set by
 * LIVEUPDATE_IOCTL_CREATE_SESSION.
 */
int __gmem_pool_luo_create_session(int luo, const char *name)
{
	return luo_open_session(luo, LIVEUPDATE_IOCTL_CREATE_SESSION, name);
}

/**
 * gmem_pool_luo_create_session() - Start a session or fail the test.
 * @luo: a descriptor of /dev/liveupdate.
 * @name: the session's name.
 *
 * Return: the session's file descriptor.
 */
int gmem_pool_luo_create_session(int luo, const char *name)
{
	int fd = __gmem_pool_luo_create_session(luo, name);

	TEST_ASSERT(fd >= 0, "create session '%s': %s", name, strerror(errno));
	return fd;
}

/**
 * __gmem_pool_luo_retrieve_session() - Take a session of the last kernel.
 * @luo: a descriptor of /dev/liveupdate.
 * @name: the name the session had, cut as by
 *	__gmem_pool_luo_create_session().
 *
 * Return: the session's file descriptor, or -1 with errno set by
 * LIVEUPDATE_IOCTL_RETRIEVE_SESSION.
 */
int __gmem_pool_luo_retrieve_session(int luo, const char *name)
{
	return luo_open_session(luo, LIVEUPDATE_IOCTL_RETRIEVE_SESSION, name);
}

/**
 * gmem_pool_luo_retrieve_session() - Take a session or fail the test.
 * @luo: a descriptor of /dev/liveupdate.
 * @name: the name the session had in the last kernel.
 *
 * Return: the session's file descriptor.
 */
int gmem_pool_luo_retrieve_session(int luo, const char *name)
{
	int fd = __gmem_pool_luo_retrieve_session(luo, name);

	TEST_ASSERT(fd >= 0, "retrieve session '%s': %s", name,
		    strerror(errno));
	return fd;
}

/**
 * gmem_pool_luo_new_session() - Open the device, start a session, close it.
 * @name: the session's name.
 *
 * /dev/liveupdate has one opener at a time and its sessions outlive it:
 * closing it at once leaves it to the next program.
 *
 * Return: the session's file descriptor.
 */
int gmem_pool_luo_new_session(const char *name)
{
	int luo = gmem_pool_luo_open();
	int fd = gmem_pool_luo_create_session(luo, name);

	close(luo);
	return fd;
}

/**
 * gmem_pool_luo_get_session() - Open the device, retrieve a session, close it.
 * @name: the name the session had in the last kernel.
 *
 * Return: the session's file descriptor.
 */
int gmem_pool_luo_get_session(const char *name)
{
	int luo = gmem_pool_luo_open();
	int fd = gmem_pool_luo_retrieve_session(luo, name);

	close(luo);
	return fd;
}

/**
 * __gmem_pool_luo_preserve() - Add a file to a session of this kernel.
 * @session: the session's file descriptor.
 * @fd: the file to preserve.
 * @token: its name in the session.
 *
 * Return: 0, or -1 with errno set by LIVEUPDATE_SESSION_PRESERVE_FD.
 */
int __gmem_pool_luo_preserve(int session, int fd, uint64_t token)
{
	struct liveupdate_session_preserve_fd args = {
		.size = sizeof(args),
		.fd = fd,
		.token = token,
	};

	return ioctl(session, LIVEUPDATE_SESSION_PRESERVE_FD, &args);
}

/**
 * gmem_pool_luo_preserve() - Add a file to a session or fail the test.
 * @session: the session's file descriptor.
 * @fd: the file to preserve.
 * @token: its name in the session.
 */
void gmem_pool_luo_preserve(int session, int fd, uint64_t token)
{
	TEST_ASSERT(!__gmem_pool_luo_preserve(session, fd, token),
		    "preserve token %#lx: %s", token, strerror(errno));
}

/**
 * __gmem_pool_luo_retrieve() - Take a file of a retrieved session.
 * @session: the session's file descriptor.
 * @token: the token the file was preserved under.
 *
 * Return: a new file descriptor of the file, or -1 with errno set by
 * LIVEUPDATE_SESSION_RETRIEVE_FD.
 */
int __gmem_pool_luo_retrieve(int session, uint64_t token)
{
	struct liveupdate_session_retrieve_fd args = {
		.size = sizeof(args),
		.fd = -1,
		.token = token,
	};

	if (ioctl(session, LIVEUPDATE_SESSION_RETRIEVE_FD, &args))
		return -1;
	return args.fd;
}

/**
 * gmem_pool_luo_retrieve() - Take a file of a session or fail the test.
 * @session: the session's file descriptor.
 * @token: the token the file was preserved under.
 *
 * Return: a new file descriptor of the file.
 */
int gmem_pool_luo_retrieve(int session, uint64_t token)
{
	int fd = __gmem_pool_luo_retrieve(session, token);

	TEST_ASSERT(fd >= 0, "retrieve token %#lx: %s", token, strerror(errno));
	return fd;
}

/**
 * __gmem_pool_luo_finish() - End a retrieved session.
 * @session: the session's file descriptor.
 *
 * Return: 0, or -1 with errno set by LIVEUPDATE_SESSION_FINISH.
 */
int __gmem_pool_luo_finish(int session)
{
	struct liveupdate_session_finish args = { .size = sizeof(args) };

	return ioctl(session, LIVEUPDATE_SESSION_FINISH, &args);
}

/**
 * gmem_pool_luo_finish() - End a retrieved session or fail the test.
 * @session: the session's file descriptor.
 */
void gmem_pool_luo_finish(int session)
{
	TEST_ASSERT(!__gmem_pool_luo_finish(session), "finish: %s",
		    strerror(errno));
}

/**
 * gmem_pool_luo_hold() - Keep session descriptors open until the kexec.
 * @fds: the descriptors to keep.
 * @nr: how many.
 *
 * Closing a session before the kexec unpreserves its files, so a program
 * that preserves and then exits leaves its sessions to a child: the child
 * starts a session of its own (no signal of the caller's group reaches
 * it), closes every other descriptor it inherited and sleeps until the
 * machine kexecs.  The caller goes on and may exit.
 */
void gmem_pool_luo_hold(const int *fds, int nr)
{
	pid_t pid = fork();
	int fd, i;

	TEST_ASSERT(pid >= 0, "fork: %s", strerror(errno));
	if (pid)
		return;
	setsid();
	for (fd = 0; fd < GMEM_POOL_HOLD_FDS; fd++) {
		for (i = 0; i < nr && fds[i] != fd; i++)
			;
		if (i == nr)
			close(fd);
	}
	for (;;)
		pause();
}

/**
 * gmem_pool_kexec_load() - Load a kernel for kexec or fail the test.
 * @kernel: path of the kernel image.
 * @initrd: path of its initramfs.
 * @cmdline: its command line.
 *
 * kexec_file_load(2): the kernel adds the hand-over data of the preserved
 * files to the image itself; kexec_load(2) is refused while any file is
 * preserved.
 */
void gmem_pool_kexec_load(const char *kernel, const char *initrd,
			  const char *cmdline)
{
	int kfd = open(kernel, O_RDONLY), ifd = open(initrd, O_RDONLY);

	TEST_ASSERT(kfd >= 0 && ifd >= 0, "open kernel/initrd");
	TEST_ASSERT(!syscall(SYS_kexec_file_load, kfd, ifd, strlen(cmdline) + 1,
			     cmdline, 0UL), "kexec_file_load: %s",
		    strerror(errno));
}

/**
 * gmem_pool_kexec_reboot() - Reboot into the kernel kexec loaded.
 *
 * Syncs first; returns only by failing the test.
 */
void gmem_pool_kexec_reboot(void)
{
	sync();
	reboot(LINUX_REBOOT_CMD_KEXEC);
	TEST_FAIL("reboot(KEXEC): %s", strerror(errno));
}
