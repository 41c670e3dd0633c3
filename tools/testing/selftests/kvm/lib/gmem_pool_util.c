// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the gmem pool selftests and benchmarks.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <linux/reboot.h>

#include "gmem_pool_util.h"
#include "kvm_util.h"
#include "test_util.h"

#define PTDUMP_FILE	"/sys/kernel/debug/page_tables/current_kernel"

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
	char path[128], buf[32];
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), GMEM_POOL_SYSFS "/node%d/free_chunks", nid);
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
 * @token: token of a preserved file to retrieve
 *	(&kvm_create_guest_memfd.pool_token).
 *
 * Return: the new file descriptor, or -1 with errno set by
 * KVM_CREATE_GUEST_MEMFD.
 */
int __gmem_pool_create(struct kvm_vm *vm, uint64_t size, uint64_t flags,
		       uint64_t node, uint64_t token)
{
	struct kvm_create_guest_memfd args = {
		.size = size,
		.flags = flags,
		.pool_node = node,
		.pool_token = token,
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
	int fd = __gmem_pool_create(vm, size, flags, node, 0);

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

static int gmem_pool_token_ioctl(int fd, unsigned long cmd, uint64_t token)
{
	struct kvm_gmem_pool_preserve args = { .token = token };

	return ioctl(fd, cmd, &args);
}

/**
 * __gmem_pool_preserve() - Preserve a pool file across kexec.
 * @fd: the pool file.
 * @token: the token to preserve it under (KVM_GMEM_POOL_PRESERVE).
 *
 * Return: 0, or -1 with errno set by the ioctl.
 */
int __gmem_pool_preserve(int fd, uint64_t token)
{
	return gmem_pool_token_ioctl(fd, KVM_GMEM_POOL_PRESERVE, token);
}

/**
 * __gmem_pool_unpreserve() - Undo __gmem_pool_preserve().
 * @fd: the pool file.
 * @token: the token it was preserved under (KVM_GMEM_POOL_UNPRESERVE).
 *
 * Return: 0, or -1 with errno set by the ioctl.
 */
int __gmem_pool_unpreserve(int fd, uint64_t token)
{
	return gmem_pool_token_ioctl(fd, KVM_GMEM_POOL_UNPRESERVE, token);
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
 * gmem_pool_kexec_load() - Load a kernel for kexec or fail the test.
 * @kernel: path of the kernel image.
 * @initrd: path of its initramfs.
 * @cmdline: its command line.
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
