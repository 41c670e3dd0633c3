// SPDX-License-Identifier: GPL-2.0
/*
 * gmem_pool_kexec_test: kexec_load() may not place a segment on a gmem pool,
 * nor load anything while a pool file is preserved.
 *
 * kexec_load() takes its segments' destinations from userspace, and
 * kexec-tools reads them off /sys/firmware/memmap, which still calls the
 * pools RAM.  The kernel must refuse every segment that touches a pool's
 * reservation (chunks and metadata, from /proc/iomem) with EADDRNOTAVAIL,
 * and still load a segment in ordinary RAM.
 *
 * Only kexec_file_load() carries the hand-over to the next kernel, so with
 * a file preserved in a /dev/liveupdate session kexec_load() is refused
 * with EBUSY, and so is reboot(LINUX_REBOOT_CMD_KEXEC) into an image that
 * kexec_load() loaded before; closing the session lifts both.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <linux/kexec.h>
#include <linux/reboot.h>

#include "gmem_pool_util.h"
#include "kvm_util.h"
#include "test_util.h"

#define POOL_RES_NAME	"gmem pool node"
#define MAX_POOLS	8
#define SEG_SIZE	4096UL
/* Ordinary RAM for the load that must succeed: 16 MiB, below any pool. */
#define RAM_DEST	0x1000000UL

struct pool_range {
	unsigned long long start;
	unsigned long long end;		/* last byte, as /proc/iomem shows it */
};

static int read_pools(struct pool_range *pools)
{
	FILE *f = fopen("/proc/iomem", "r");
	char line[256];
	int n = 0;

	TEST_ASSERT(f, "open /proc/iomem");
	while (n < MAX_POOLS && fgets(line, sizeof(line), f)) {
		if (!strstr(line, POOL_RES_NAME))
			continue;
		TEST_ASSERT(sscanf(line, " %llx-%llx",
				   &pools[n].start, &pools[n].end) == 2,
			    "bad /proc/iomem line: %s", line);
		n++;
	}
	fclose(f);
	return n;
}

/* kexec_load() of one segment of @size bytes at @mem. */
static long load_segment(unsigned long long mem, unsigned long long size)
{
	static char buf[2 * SEG_SIZE];
	struct kexec_segment seg = {
		.buf = buf, .bufsz = size,
		.mem = (void *)(uintptr_t)mem, .memsz = size,
	};

	return syscall(SYS_kexec_load, mem, 1UL, &seg, KEXEC_ARCH_DEFAULT);
}

/* Whether this kernel was booted with pools asked for. */
static bool pools_requested(void)
{
	char cmdline[4096];

	gmem_pool_read_line("/proc/cmdline", cmdline, sizeof(cmdline));
	return strstr(cmdline, "gmem_pool=");
}

static void refused(unsigned long long mem, unsigned long long size, const char *what)
{
	long ret = load_segment(mem, size);

	TEST_ASSERT(ret < 0 && errno == EADDRNOTAVAIL,
		    "segment at %#llx (%s): got %ld errno %d, want EADDRNOTAVAIL",
		    mem, what, ret, errno);
}

static void check_pool(const struct pool_range *p)
{
	unsigned long long size = p->end + 1 - p->start;

	TEST_ASSERT(RAM_DEST + SEG_SIZE <= p->start || RAM_DEST > p->end,
		    "pool %#llx covers the RAM test address", p->start);
	refused(p->start, SEG_SIZE, "first page");
	refused(p->start + size / 2, SEG_SIZE, "middle");
	refused(p->end + 1 - SEG_SIZE, SEG_SIZE, "last page");
	refused(p->start - SEG_SIZE, 2 * SEG_SIZE, "across the start");
	refused(p->end + 1 - SEG_SIZE, 2 * SEG_SIZE, "across the end");
	printf("pool %#llx-%#llx: every segment on it refused\n",
	       p->start, p->end);
}

static void unload(void)
{
	TEST_ASSERT(!syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0UL),
		    "kexec_load of no segment: %s", strerror(errno));
}

/*
 * With a pool file (all holes) preserved, kexec_load() gets EBUSY, and an
 * image it loaded before the preserve cannot be booted: that reboot would
 * lose the file.  If the kernel let it through, the machine would kexec
 * into a page of zeros, and the boot plan would end right here.
 */
static void check_preserved_refusals(void)
{
	uint64_t chunk = kvm_check_cap(KVM_CAP_GUEST_MEMFD_POOL);
	struct kvm_vm *vm = vm_create_barebones();
	int fd, session;
	long ret;

	TEST_ASSERT(!load_segment(RAM_DEST, SEG_SIZE), "load: %s",
		    strerror(errno));
	fd = gmem_pool_create(vm, chunk, GUEST_MEMFD_FLAG_POOL,
			      gmem_pool_find_node(0));
	session = gmem_pool_luo_new_session("kexec-test");
	gmem_pool_luo_preserve(session, fd, 0);

	ret = load_segment(RAM_DEST, SEG_SIZE);
	TEST_ASSERT(ret == -1 && errno == EBUSY,
		    "kexec_load with a file preserved: %ld errno %d, want EBUSY",
		    ret, errno);
	ret = reboot(LINUX_REBOOT_CMD_KEXEC);
	TEST_ASSERT(ret == -1 && errno == EBUSY,
		    "reboot into a kexec_load image with a file preserved: %ld errno %d, want EBUSY",
		    ret, errno);
	printf("file preserved: kexec_load and reboot into its image refused\n");

	close(session);
	TEST_ASSERT(!load_segment(RAM_DEST, SEG_SIZE),
		    "kexec_load after the session closed: %s", strerror(errno));
	unload();
	printf("session closed: kexec_load works again\n");
	close(fd);
	kvm_vm_free(vm);
}

int main(void)
{
	struct pool_range pools[MAX_POOLS];
	int i, n = read_pools(pools);

	/* Skip without pools, but a pool that was asked for must be there. */
	if (pools_requested())
		TEST_ASSERT(n > 0, "gmem_pool= given, no \"%s\" in /proc/iomem",
			    POOL_RES_NAME);
	TEST_REQUIRE(n > 0);
	for (i = 0; i < n; i++)
		check_pool(&pools[i]);
	TEST_ASSERT(!load_segment(RAM_DEST, SEG_SIZE), "segment in RAM at %#lx: %s",
		    RAM_DEST, strerror(errno));
	unload();
	printf("segment in RAM at %#lx loaded and unloaded\n", RAM_DEST);
	if (kvm_check_cap(KVM_CAP_GUEST_MEMFD_POOL))
		check_preserved_refusals();
	return 0;
}
