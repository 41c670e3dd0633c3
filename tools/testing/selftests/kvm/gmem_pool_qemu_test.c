// SPDX-License-Identifier: GPL-2.0
/*
 * gmem_pool_qemu_test: what the VMM side of a QEMU on pool memory can see.
 *
 *   vmm-view PID MIB MARKER
 *	QEMU process PID runs a guest on a pool file of MIB, which it got
 *	from gmem_pool_qemu as descriptor 3, and the guest wrote MARKER into
 *	its memory.  Checks that QEMU maps the file exactly once, with the
 *	guest's size; that nothing else reaches guest memory: not
 *	/proc/PID/mem (ptrace), not read() of the file, not a reopen of
 *	/proc/PID/fd/3; and that a process given the descriptor
 *	(pidfd_getfd(2), which needs ptrace rights over QEMU) finds MARKER
 *	through a mapping of its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "gmem_pool_util.h"
#include "kvm_util.h"
#include "test_util.h"

#define QEMU_POOL_FD	3
/* The name /proc/PID/maps gives a mapping of a guest_memfd. */
#define GMEM_MAP_NAME	"kvm-gmem"

/* The one mapping of the pool file in @pid: its start and length. */
static void find_mapping(pid_t pid, uint64_t *start, uint64_t *len)
{
	char path[64], line[512];
	uint64_t s, e;
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	TEST_ASSERT(f, "open %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, GMEM_MAP_NAME) ||
		    sscanf(line, "%lx-%lx", &s, &e) != 2)
			continue;
		printf("qemu maps the pool file: %s", line);
		*start = s;
		*len = e - s;
		found++;
	}
	fclose(f);
	TEST_ASSERT(found == 1, "%d mappings of the pool file in pid %d",
		    found, pid);
}

static void check_no_ptrace(pid_t pid, uint64_t start)
{
	char path[64], buf[64];
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_RDONLY);
	TEST_ASSERT(fd >= 0, "open %s: %s", path, strerror(errno));
	r = pread(fd, buf, sizeof(buf), start);
	TEST_ASSERT(r < 0 && errno == EIO,
		    "/proc/%d/mem read the guest's memory (%zd, %s)", pid, r,
		    strerror(errno));
	printf("/proc/%d/mem at the guest's memory: %s (no struct page to pin)\n",
	       pid, strerror(errno));
	close(fd);
}

static void check_no_reopen(pid_t pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, QEMU_POOL_FD);
	fd = open(path, O_RDWR);
	TEST_ASSERT(fd < 0, "%s could be reopened", path);
	printf("reopen %s: %s\n", path, strerror(errno));
}

static int take_fd(pid_t pid)
{
	int pidfd = syscall(__NR_pidfd_open, pid, 0), fd;

	TEST_ASSERT(pidfd >= 0, "pidfd_open: %s", strerror(errno));
	fd = syscall(__NR_pidfd_getfd, pidfd, QEMU_POOL_FD, 0);
	TEST_ASSERT(fd >= 0, "pidfd_getfd: %s", strerror(errno));
	close(pidfd);
	return fd;
}

static int do_vmm_view(char **argv)
{
	pid_t pid = strtol(argv[0], NULL, 0);
	uint64_t size = strtoull(argv[1], NULL, 0) << 20, start = 0, len = 0;
	const char *marker = argv[2];
	struct stat st;
	char buf[64];
	void *mem;
	int fd;

	find_mapping(pid, &start, &len);
	TEST_ASSERT(len == size, "QEMU maps %lu MiB of the pool file, not %lu",
		    len >> 20, size >> 20);
	check_no_ptrace(pid, start);
	check_no_reopen(pid);

	fd = take_fd(pid);
	TEST_ASSERT(!fstat(fd, &st) && st.st_size == (off_t)size,
		    "the pool file has %ld bytes", (long)st.st_size);
	TEST_ASSERT(read(fd, buf, sizeof(buf)) < 0,
		    "read() of the pool file succeeded");
	printf("read() of the pool file: %s\n", strerror(errno));

	/* Faulting the file's holes in takes chunks; closing gives them back. */
	mem = gmem_pool_map(fd, size);
	TEST_ASSERT(memmem(mem, size, marker, strlen(marker)),
		    "the guest's marker \"%s\" is not in the pool file", marker);
	printf("a mapping of the descriptor (pidfd_getfd) finds \"%s\"\n",
	       marker);
	munmap(mem, size);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "vmm-view"))
		return do_vmm_view(argv + 2);
	TEST_FAIL("usage: %s vmm-view PID MIB MARKER", argv[0]);
	return 1;
}
