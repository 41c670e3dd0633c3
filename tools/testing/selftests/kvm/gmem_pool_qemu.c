// SPDX-License-Identifier: GPL-2.0
/*
 * gmem_pool_qemu: run an unmodified QEMU on pool memory, across a live
 * update.
 *
 *   new NODE MIB QEMU [ARG...]
 *	create a GUEST_MEMFD_FLAG_POOL | GUEST_MEMFD_FLAG_POOL_MMAP file of
 *	MIB on NODE's pool and exec QEMU with it as descriptor 3
 *   retrieve SESSION TOKEN QEMU [ARG...]
 *	after a kexec: retrieve the file preserved under TOKEN in the
 *	/dev/liveupdate session SESSION, finish the session, exec QEMU
 *	with it as descriptor 3
 *   preserve PID SESSION TOKEN
 *	take descriptor 3 of QEMU process PID (pidfd_getfd(2)), preserve it
 *	under TOKEN in a new session SESSION, and leave a child holding the
 *	session until the machine kexecs
 *   kexec KERNEL INITRD CMDLINE
 *	kexec_file_load(2) and reboot into it
 *   now
 *	print CLOCK_REALTIME in seconds, to the millisecond
 *
 * QEMU's arguments must map the file with
 *	-object memory-backend-file,id=ID,mem-path=/dev/fd/3,size=MIB,share=on
 * and gmem_pool_qemu_shim.so, preloaded, answers the open() of that path.
 * The arguments are checked first: the options under which guest memory
 * would be pinned or reached by others than QEMU (O_DIRECT disks, vhost)
 * are refused with the reason, before any file is made.  prealloc=on
 * works: QEMU touches every page, which takes every chunk of the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/kvm.h>

#include "gmem_pool_util.h"
#include "kvm_util.h"
#include "test_util.h"

#define QEMU_POOL_FD	3
#define QEMU_MEM_PATH	"mem-path=/dev/fd/3"
#define QEMU_SHIM	"gmem_pool_qemu_shim.so"
#define QEMU_SHIM_ENV	"GMEM_POOL_QEMU_SHIM"
#define EXIT_REFUSED	2
#define MSEC_PER_SEC	1000ULL

/* An option QEMU would use on guest memory that a pool mapping refuses. */
struct qemu_refusal {
	const char *key;	/* "key" of a key=value, or a whole argument */
	const char *value;	/* NULL: any value; "" for a whole argument */
	const char *why;
};

#define WHY_DIRECT \
	"O_DIRECT I/O into guest memory pins it with get_user_pages(), which a\n" \
	"pool mapping refuses (EFAULT: no struct page).  Use cache=writeback.\n"
#define WHY_VHOST \
	"vhost reaches guest memory outside QEMU's own accesses (the kernel's\n" \
	"worker, or another process given the file): not supported here.\n"

static const struct qemu_refusal refusals[] = {
	{ "cache", "none", WHY_DIRECT },
	{ "cache", "directsync", WHY_DIRECT },
	{ "cache.direct", "on", WHY_DIRECT },
	{ "aio", "native", WHY_DIRECT },
	{ "vhost", "on", WHY_VHOST },
	{ "vhostfd", NULL, WHY_VHOST },
	{ "vhostfds", NULL, WHY_VHOST },
	{ "vhost-user", NULL, WHY_VHOST },
};

static bool qemu_bool_on(const char *v)
{
	return !strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true") ||
	       !strcmp(v, "y");
}

static bool refusal_matches(const struct qemu_refusal *r, const char *elem)
{
	size_t klen = strlen(r->key);
	const char *v;

	if (r->value && !*r->value)
		return !strcmp(elem, r->key);
	/* A device or backend named after the option: vhost-user-blk-pci... */
	if (!strncmp(elem, r->key, klen) && elem[klen] == '-')
		return !strchr(elem, '=');
	if (strncmp(elem, r->key, klen) || elem[klen] != '=')
		return false;
	v = elem + klen + 1;
	if (!r->value)
		return true;
	return !strcmp(v, r->value) ||
	       (!strcmp(r->value, "on") && qemu_bool_on(v));
}

/* The value of @key in a comma-separated QEMU option list, or NULL. */
static const char *opt_value(const char *arg, const char *key, char *buf,
			     size_t len)
{
	size_t klen = strlen(key);
	const char *p = arg, *end;

	while (p && *p) {
		end = strchrnul(p, ',');
		if ((size_t)(end - p) > klen && !strncmp(p, key, klen) &&
		    p[klen] == '=') {
			snprintf(buf, len, "%.*s", (int)(end - p - klen - 1),
				 p + klen + 1);
			return buf;
		}
		p = *end ? end + 1 : NULL;
	}
	return NULL;
}

/* A QEMU size: a number with an optional K, M, G or T suffix (bytes). */
static uint64_t qemu_size(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 0);

	switch (*end) {
	case 'T': case 't':
		v <<= 10;
		fallthrough;
	case 'G': case 'g':
		v <<= 10;
		fallthrough;
	case 'M': case 'm':
		v <<= 10;
		fallthrough;
	case 'K': case 'k':
		v <<= 10;
		break;
	case 'B': case 'b': case '\0':
		break;
	default:
		return 0;
	}
	return v;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * (double)MSEC_PER_SEC +
	       ts.tv_nsec / (double)(NSEC_PER_SEC / MSEC_PER_SEC);
}

static int refuse(const char *opt, const char *why)
{
	fprintf(stderr, "gmem_pool_qemu: refused: %s\n%s", opt, why);
	return EXIT_REFUSED;
}

/* Refuse one argument (a comma-separated list) that has a refused option. */
static int check_arg(const char *arg)
{
	char elem[256];
	const char *p = arg, *end;
	unsigned int i;

	while (p && *p) {
		end = strchrnul(p, ',');
		snprintf(elem, sizeof(elem), "%.*s", (int)(end - p), p);
		for (i = 0; i < ARRAY_SIZE(refusals); i++)
			if (refusal_matches(&refusals[i], elem))
				return refuse(elem, refusals[i].why);
		p = *end ? end + 1 : NULL;
	}
	return 0;
}

/* The memory backend that maps the pool file must fit the file. */
static int check_backend(const char *arg, uint64_t size, uint64_t chunk)
{
	char buf[64];
	const char *v;

	v = opt_value(arg, "share", buf, sizeof(buf));
	if (!v || !qemu_bool_on(v))
		return refuse(arg, "A pool file has no private mapping: use share=on\n"
			      "(x-ignore-shared also leaves only shared memory behind).\n");
	v = opt_value(arg, "size", buf, sizeof(buf));
	if (!v || qemu_size(v) != size) {
		fprintf(stderr, "gmem_pool_qemu: the pool file has %lu MiB\n",
			size >> 20);
		return refuse(arg, "size= must be the pool file's size.\n");
	}
	v = opt_value(arg, "align", buf, sizeof(buf));
	if (!v || qemu_size(v) < chunk) {
		fprintf(stderr, "gmem_pool_qemu: the pool's chunks are %lu MiB\n",
			chunk >> 20);
		return refuse(arg, "align= must be at least the chunk size, or QEMU maps the\n"
			      "pool with small pages (2 MiB chunks) or not at all (1 GiB).\n");
	}
	return 0;
}

static int check_qemu_args(char **argv, uint64_t size, uint64_t chunk)
{
	int i, r, backends = 0;

	for (i = 0; argv[i]; i++) {
		r = check_arg(argv[i]);
		if (r)
			return r;
		if (!strstr(argv[i], QEMU_MEM_PATH))
			continue;
		r = check_backend(argv[i], size, chunk);
		if (r)
			return r;
		backends++;
	}
	if (backends != 1)
		return refuse(QEMU_MEM_PATH, "One memory-backend-file must map the pool file.\n");
	return 0;
}

/* Preload the shim that lives beside this program, unless one is named. */
static void set_shim(void)
{
	char self[PATH_MAX], shim[PATH_MAX + sizeof(QEMU_SHIM)];
	const char *env = getenv(QEMU_SHIM_ENV);
	ssize_t len;

	if (env) {
		snprintf(shim, sizeof(shim), "%s", env);
	} else {
		len = readlink("/proc/self/exe", self, sizeof(self) - 1);
		TEST_ASSERT(len > 0, "readlink /proc/self/exe: %s",
			    strerror(errno));
		self[len] = '\0';
		*strrchr(self, '/') = '\0';
		snprintf(shim, sizeof(shim), "%s/%s", self, QEMU_SHIM);
	}
	TEST_ASSERT(!access(shim, R_OK), "no %s: %s", shim, strerror(errno));
	TEST_ASSERT(!setenv("LD_PRELOAD", shim, 1), "setenv");
}

static int exec_qemu(int fd, char **argv)
{
	/* dup2() onto itself would keep a close-on-exec flag: clear it. */
	if (fd != QEMU_POOL_FD) {
		TEST_ASSERT(dup2(fd, QEMU_POOL_FD) == QEMU_POOL_FD, "dup2: %s",
			    strerror(errno));
		close(fd);
	}
	TEST_ASSERT(!fcntl(QEMU_POOL_FD, F_SETFD, 0), "fcntl: %s",
		    strerror(errno));
	set_shim();
	fflush(stdout);
	execvp(argv[0], argv);
	TEST_FAIL("exec %s: %s", argv[0], strerror(errno));
	return 1;
}

static uint64_t pool_chunk(void)
{
	uint64_t chunk = kvm_check_cap(KVM_CAP_GUEST_MEMFD_POOL);

	TEST_REQUIRE(chunk);
	return chunk;
}

/*
 * KVM_CREATE_GUEST_MEMFD needs a VM: the file is made on one of its own,
 * which the file keeps alive.  QEMU's VM never binds the file; it maps it
 * and gives KVM an ordinary memslot of that mapping.
 */
static int do_new(char **argv)
{
	struct kvm_create_guest_memfd args = {
		.size = strtoull(argv[1], NULL, 0) << 20,
		.flags = GUEST_MEMFD_FLAG_POOL | GUEST_MEMFD_FLAG_POOL_MMAP,
		.pool_node = strtoull(argv[0], NULL, 0),
	};
	uint64_t chunk = pool_chunk();
	int kvm, vm, fd, r;

	r = check_qemu_args(argv + 2, args.size, chunk);
	if (r)
		return r;
	kvm = open_kvm_dev_path_or_exit();
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	TEST_ASSERT(vm >= 0, "KVM_CREATE_VM: %s", strerror(errno));
	fd = ioctl(vm, KVM_CREATE_GUEST_MEMFD, &args);
	TEST_ASSERT(fd >= 0, "KVM_CREATE_GUEST_MEMFD (%lu MiB on node %llu): %s",
		    (unsigned long)(args.size >> 20), args.pool_node, strerror(errno));
	close(vm);
	close(kvm);
	printf("gmem_pool_qemu: pool file of %lu MiB on node %llu (%lu MiB chunks) as fd %d\n",
	       (unsigned long)(args.size >> 20), args.pool_node, chunk >> 20, QEMU_POOL_FD);
	return exec_qemu(fd, argv + 2);
}

static int do_retrieve(char **argv)
{
	uint64_t token = strtoull(argv[1], NULL, 0), chunk = pool_chunk();
	int session, fd, r, i;
	struct stat st;
	double t0;

	/* Refuse what needs no file before the session is touched. */
	for (i = 2; argv[i]; i++) {
		r = check_arg(argv[i]);
		if (r)
			return r;
	}
	t0 = now_ms();
	session = gmem_pool_luo_get_session(argv[0]);
	fd = gmem_pool_luo_retrieve(session, token);
	TEST_ASSERT(!fstat(fd, &st), "fstat: %s", strerror(errno));
	r = check_qemu_args(argv + 2, st.st_size, chunk);
	if (r)
		return r;
	gmem_pool_luo_finish(session);
	close(session);
	printf("gmem_pool_qemu: retrieved token %#lx of session \"%s\" (%ld MiB) as fd %d\n",
	       token, argv[0], (long)st.st_size >> 20, QEMU_POOL_FD);
	printf("gmem_pool_qemu: RETRIEVE_SESSION + RETRIEVE_FD + FINISH: %.3f ms\n",
	       now_ms() - t0);
	return exec_qemu(fd, argv + 2);
}

static int do_preserve(char **argv)
{
	pid_t pid = strtol(argv[0], NULL, 0);
	uint64_t token = strtoull(argv[2], NULL, 0);
	int pidfd, fd, session;
	double t0 = now_ms(), t1;

	pidfd = syscall(__NR_pidfd_open, pid, 0);
	TEST_ASSERT(pidfd >= 0, "pidfd_open %d: %s", pid, strerror(errno));
	fd = syscall(__NR_pidfd_getfd, pidfd, QEMU_POOL_FD, 0);
	TEST_ASSERT(fd >= 0, "pidfd_getfd %d of %d: %s", QEMU_POOL_FD, pid,
		    strerror(errno));
	t1 = now_ms();
	session = gmem_pool_luo_new_session(argv[1]);
	gmem_pool_luo_preserve(session, fd, token);
	printf("gmem_pool_qemu: pidfd_getfd %.3f ms, create session + PRESERVE_FD %.3f ms\n",
	       t1 - t0, now_ms() - t1);
	/* The session holds the file; a child holds the session. */
	gmem_pool_luo_hold(&session, 1);
	close(session);
	close(fd);
	close(pidfd);
	printf("gmem_pool_qemu: fd %d of pid %d preserved as token %#lx in session \"%s\"\n",
	       QEMU_POOL_FD, pid, token, argv[1]);
	return 0;
}

static int do_kexec(char **argv)
{
	gmem_pool_kexec_load(argv[0], argv[1], argv[2]);
	gmem_pool_kexec_reboot();
	return 1;
}

static int do_now(char **argv)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	printf("%ld.%03ld\n", (long)ts.tv_sec,
	       (long)(ts.tv_nsec / (NSEC_PER_SEC / MSEC_PER_SEC)));
	return 0;
}

static const struct {
	const char *name;
	int min_args;
	int (*fn)(char **argv);
} modes[] = {
	{ "new", 3, do_new },
	{ "retrieve", 3, do_retrieve },
	{ "preserve", 3, do_preserve },
	{ "kexec", 3, do_kexec },
	{ "now", 0, do_now },
};

int main(int argc, char **argv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(modes); i++)
		if (argc > 1 && !strcmp(argv[1], modes[i].name))
			break;
	TEST_ASSERT(i < ARRAY_SIZE(modes) && argc >= modes[i].min_args + 2,
		    "usage: see the comment at the top of %s", __FILE__);
	return modes[i].fn(argv + 2);
}
