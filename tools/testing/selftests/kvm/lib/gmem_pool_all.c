// SPDX-License-Identifier: GPL-2.0
/*
 * gmem_pool_all: run a stock KVM selftest on pool memory.
 *
 * Linked into a copy of a stock test with -Wl,--wrap=ioctl, this object sees
 * every ioctl() the test and its library make.  It changes one thing: each
 * KVM_CREATE_GUEST_MEMFD gets GUEST_MEMFD_FLAG_POOL, the first node that has
 * a pool, and a size rounded up to a whole number of chunks, since a pool
 * file is made of chunks.  The test's memslots cover only the size it asked
 * for, so the rest of the file is never touched.  Everything else, and every
 * other ioctl, goes to the kernel unchanged.  A test that made no pool file
 * fails at exit, so a build without the wrap cannot pass for one with it.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "gmem_pool_util.h"
#include "test_util.h"

static unsigned int gmem_pool_all_files;

/* The chunk size, from KVM_CAP_GUEST_MEMFD_POOL on /dev/kvm. */
static uint64_t gmem_pool_all_chunk(void)
{
	static uint64_t chunk;
	int kvm;

	if (chunk)
		return chunk;
	kvm = open("/dev/kvm", O_RDWR);
	TEST_ASSERT(kvm >= 0, "open /dev/kvm");
	chunk = __real_ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_GUEST_MEMFD_POOL);
	close(kvm);
	TEST_ASSERT(chunk > 0, "no gmem pool: boot with gmem_pool=");
	return chunk;
}

static void gmem_pool_all_adjust(struct kvm_create_guest_memfd *args)
{
	uint64_t chunk = gmem_pool_all_chunk();
	int node;

	args->size = (args->size + chunk - 1) / chunk * chunk;
	node = gmem_pool_find_node(args->size / chunk);
	TEST_ASSERT(node >= 0, "no pool has %llu free chunks",
		    (unsigned long long)(args->size / chunk));
	args->flags |= GUEST_MEMFD_FLAG_POOL;
	args->pool_node = node;
}

int __wrap_ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);

	if (request == KVM_CREATE_GUEST_MEMFD && arg) {
		int r;

		gmem_pool_all_adjust(arg);
		r = __real_ioctl(fd, request, arg);
		if (r >= 0)
			gmem_pool_all_files++;
		return r;
	}
	return __real_ioctl(fd, request, arg);
}

static void __attribute__((destructor)) gmem_pool_all_check(void)
{
	if (gmem_pool_all_files)
		return;
	fprintf(stderr, "gmem_pool_all: the test created no pool file\n");
	_exit(1);
}
