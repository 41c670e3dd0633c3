// SPDX-License-Identifier: GPL-2.0
/*
 * gmem_pool_qemu_shim.so: let a QEMU without guest_memfd support open a
 * pool file it was given as a descriptor.
 *
 * QEMU 7.2's memory-backend-file opens its mem-path with open(2) and takes
 * no descriptor.  A pool file is an anonymous inode: no path names it, and
 * /proc/self/fd/N cannot reopen it.  gmem_pool_qemu execs QEMU with the
 * file as descriptor GMEM_POOL_QEMU_FD and this library preloaded; the
 * library answers an open() of exactly GMEM_POOL_QEMU_PATH with a new
 * descriptor of that file (close-on-exec) and passes every other open() to
 * the C library.  It also makes GMEM_POOL_QEMU_FD itself close-on-exec and
 * drops itself from LD_PRELOAD, so that the programs QEMU starts (exec:
 * migration) inherit neither the file nor the library.
 * The descriptor stays open in QEMU, where the live update's agent takes
 * it with pidfd_getfd(2).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GMEM_POOL_QEMU_FD	3
#define GMEM_POOL_QEMU_PATH	"/dev/fd/3"

typedef int (*open_fn)(const char *path, int flags, ...);

/* A new descriptor of the pool file, for a path that names it. */
static int shim_dup(const char *path, int *fd)
{
	if (strcmp(path, GMEM_POOL_QEMU_PATH))
		return 0;
	*fd = fcntl(GMEM_POOL_QEMU_FD, F_DUPFD_CLOEXEC, 0);
	return 1;
}

static mode_t shim_mode(int flags, va_list ap)
{
	return (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
}

static int shim_open(const char *sym, const char *path, int flags,
		     mode_t mode)
{
	open_fn next;
	int fd;

	if (shim_dup(path, &fd))
		return fd;
	next = (open_fn)dlsym(RTLD_NEXT, sym);
	if (!next) {
		errno = ELIBBAD;
		return -1;
	}
	return next(path, flags, mode);
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = shim_mode(flags, ap);
	va_end(ap);
	return shim_open("open", path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = shim_mode(flags, ap);
	va_end(ap);
	return shim_open("open64", path, flags, mode);
}

/* What _FORTIFY_SOURCE builds call for open() without a mode. */
int __open64_2(const char *path, int flags)
{
	return shim_open("open64", path, flags, 0);
}

int __open_2(const char *path, int flags)
{
	return shim_open("open", path, flags, 0);
}

/* Neither the file nor this library goes to the programs QEMU starts. */
__attribute__((constructor)) static void shim_init(void)
{
	int flags = fcntl(GMEM_POOL_QEMU_FD, F_GETFD);

	if (flags >= 0)
		fcntl(GMEM_POOL_QEMU_FD, F_SETFD, flags | FD_CLOEXEC);
	unsetenv("LD_PRELOAD");
}
