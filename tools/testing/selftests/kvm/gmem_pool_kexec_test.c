// SPDX-License-Identifier: GPL-2.0
/*
 * gmem_pool_kexec_test: kexec_load() may not place a segment on a gmem pool.
 *
 * kexec_load() takes its segments' destinations from userspace, and
 * kexec-tools reads them off /sys/firmware/memmap, which still calls the
 * pools RAM.  The kernel must refuse every segment that touches a pool's
 * reservation (chunks and metadata, from /proc/iomem) with EADDRNOTAVAIL,
 * and still load a segment in ordinary RAM.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/kexec.h>

#include "gmem_pool_util.h"
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
	TEST_ASSERT(!syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0UL),
		    "unload: %s", strerror(errno));
	printf("segment in RAM at %#lx loaded and unloaded\n", RAM_DEST);
	return 0;
}
