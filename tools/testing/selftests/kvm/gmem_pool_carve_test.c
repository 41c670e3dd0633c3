// SPDX-License-Identifier: GPL-2.0
/*
 * gmem_pool_carve_test: KVM_GMEM_POOL_CARVE, chunks of a running VM's
 * pool-backed guest_memfd moved into a new file for a side-car VM, without
 * a copy.
 *
 * With no argument, the kselftest harness runs every case below.  Two
 * modes make the steps of a live update (tests/boots/carve*.boot):
 *   preserve SESSION TOKEN
 *	VM A's guest fills four chunks but the third; chunks 1 and 2 are
 *	carved into a new file, and both files are preserved in a new
 *	session SESSION, the source under TOKEN and the carved file under
 *	TOKEN + 1, held open until the kexec.
 *   retrieve SESSION TOKEN
 *	after the kexec: both come back; a new VM's guest finds the source's
 *	data with zeroes where it was carved, and a side-car VM's guest
 *	finds the carved data at the same guest addresses, then a hole.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <linux/falloc.h>
#include <linux/sizes.h>

#include "gmem_pool_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "test_util.h"
#include "kselftest_harness.h"

#define CARVE_SLOT		10
#define CARVE_GPA		SZ_4G
#define CARVE_CHUNKS		4
#define CARVE_GOLDEN		0x9e3779b97f4a7c15ULL
/* Chunk 2 of the source stays a hole; chunks 1 and 2 are carved. */
#define CARVE_HOLE		2
#define CARVE_FIRST		1
#define CARVE_NR		2
/* Passes the running guest makes over its first chunk while the VMM carves. */
#define CARVE_PASSES		64

enum carve_stage {
	CARVE_FILLED = 1,
	CARVE_CHECKED,
};

static uint64_t chunk;
static int node;

/* The word at source offset @off: the same wherever the chunk goes. */
static uint64_t carve_word(uint64_t off)
{
	return (off + 1) * CARVE_GOLDEN;
}

static void guest_fill(uint64_t gpa, uint64_t chunk_size)
{
	uint64_t off;

	for (off = 0; off < CARVE_CHUNKS * chunk_size; off += PAGE_SIZE)
		if (off / chunk_size != CARVE_HOLE)
			WRITE_ONCE(*(uint64_t *)(gpa + off), carve_word(off));
	GUEST_SYNC(CARVE_FILLED);
}

/* What the source reads after the carve: its data, zeroes where carved. */
static void guest_check_source(uint64_t gpa, uint64_t chunk_size)
{
	uint64_t off, idx;

	for (off = 0; off < CARVE_CHUNKS * chunk_size; off += PAGE_SIZE) {
		idx = off / chunk_size;
		GUEST_ASSERT_EQ(READ_ONCE(*(uint64_t *)(gpa + off)),
				idx >= CARVE_FIRST && idx < CARVE_FIRST + CARVE_NR ?
				0 : carve_word(off));
	}
	GUEST_SYNC(CARVE_CHECKED);
}

static void guest_source(uint64_t gpa, uint64_t chunk_size)
{
	guest_fill(gpa, chunk_size);
	guest_check_source(gpa, chunk_size);
	GUEST_DONE();
}

/*
 * The side-car, bound at the carved range's own guest addresses: the
 * source's data in the first chunk, a hole (zeroes) in the second.
 */
static void guest_sidecar(uint64_t gpa, uint64_t chunk_size)
{
	uint64_t base = gpa + CARVE_FIRST * chunk_size, off;

	for (off = 0; off < CARVE_NR * chunk_size; off += PAGE_SIZE)
		GUEST_ASSERT_EQ(READ_ONCE(*(uint64_t *)(base + off)),
				off / chunk_size + CARVE_FIRST == CARVE_HOLE ?
				0 : carve_word(off + CARVE_FIRST * chunk_size));
	GUEST_SYNC(CARVE_CHECKED);
	GUEST_DONE();
}

/* Runs on chunk 0 only, CARVE_PASSES times, while the VMM carves. */
static void guest_busy(uint64_t gpa, uint64_t chunk_size)
{
	uint64_t pass, off;

	guest_fill(gpa, chunk_size);
	for (pass = 0; pass < CARVE_PASSES; pass++)
		for (off = 0; off < chunk_size; off += PAGE_SIZE) {
			GUEST_ASSERT_EQ(READ_ONCE(*(uint64_t *)(gpa + off)),
					carve_word(off));
			WRITE_ONCE(*(uint64_t *)(gpa + off), carve_word(off));
		}
	GUEST_DONE();
}

static int __carve(int fd, uint64_t offset, uint64_t size, uint64_t flags,
		   int reserved)
{
	struct kvm_gmem_pool_carve args = {
		.offset = offset, .size = size, .flags = flags,
	};

	if (reserved)
		args.reserved[reserved - 1] = 1;
	return ioctl(fd, KVM_GMEM_POOL_CARVE, &args);
}

static int carve(int fd, uint64_t offset, uint64_t size)
{
	int nfd = __carve(fd, offset, size, 0, 0);

	TEST_ASSERT(nfd >= 0, "KVM_GMEM_POOL_CARVE: %s", strerror(errno));
	return nfd;
}

/*
 * A SW-protected VM running @guest with *@fd as private memory at
 * [@gpa, @gpa + @size), file offset 0 there; a negative *@fd gets a new
 * pool file of that VM.
 */
static struct kvm_vm *carve_vm(struct kvm_vcpu **vcpu, void *guest, int *fd,
			       uint64_t gpa, uint64_t size)
{
	struct kvm_vm *vm = gmem_pool_create_private_vm(vcpu, guest);
	void *shared;

	if (*fd < 0)
		*fd = gmem_pool_create(vm, size, GUEST_MEMFD_FLAG_POOL, node);

	shared = mmap(NULL, size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	TEST_ASSERT(shared != MAP_FAILED, "mmap");
	vm_set_user_memory_region2(vm, CARVE_SLOT, KVM_MEM_GUEST_MEMFD, gpa,
				   size, shared, *fd, 0);
	vm_mem_set_private(vm, gpa, size);
	virt_map_level(vm, CARVE_GPA, CARVE_GPA, CARVE_CHUNKS * chunk,
		       PG_LEVEL_2M);
	vcpu_args_set(*vcpu, 2, CARVE_GPA, chunk);
	return vm;
}

static uint64_t file_size(int fd)
{
	struct stat st;

	TEST_ASSERT(!fstat(fd, &st), "fstat: %s", strerror(errno));
	return st.st_size;
}

/* The side-car binds @nfd at the carved range's addresses and checks it. */
static void run_sidecar(int nfd)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;

	vm = carve_vm(&vcpu, guest_sidecar, &nfd,
		      CARVE_GPA + CARVE_FIRST * chunk, CARVE_NR * chunk);
	gmem_pool_run_to(vcpu, CARVE_CHECKED);
	gmem_pool_run_to(vcpu, 0);
	kvm_vm_free(vm);
}

static bool carve_supported(void)
{
	return kvm_check_cap(KVM_CAP_VM_TYPES) & BIT(KVM_X86_SW_PROTECTED_VM) &&
	       gmem_pool_free_chunks(node) >= CARVE_CHUNKS + CARVE_NR;
}

/*
 * Carved while A is paused: the chunks move with their data and their
 * holes, the free count does not change, the side-car finds the data at
 * the same addresses, and A sees new, zeroed memory there.
 */
TEST(carve_paused)
{
	long before = gmem_pool_free_chunks(node);
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	int fd = -1, nfd;

	if (!carve_supported())
		SKIP(return, "needs SW-protected VMs and six free chunks");
	vm = carve_vm(&vcpu, guest_source, &fd, CARVE_GPA, CARVE_CHUNKS * chunk);
	gmem_pool_run_to(vcpu, CARVE_FILLED);
	ASSERT_EQ(gmem_pool_free_chunks(node), before - (CARVE_CHUNKS - 1));

	nfd = carve(fd, CARVE_FIRST * chunk, CARVE_NR * chunk);
	EXPECT_EQ(gmem_pool_free_chunks(node), before - (CARVE_CHUNKS - 1));
	EXPECT_EQ(file_size(nfd), CARVE_NR * chunk);
	EXPECT_EQ(file_size(fd), CARVE_CHUNKS * chunk);

	run_sidecar(nfd);
	/* The side-car's hole took a chunk; the source's range is now holes. */
	EXPECT_EQ(gmem_pool_free_chunks(node), before - CARVE_CHUNKS);
	gmem_pool_run_to(vcpu, CARVE_CHECKED);
	EXPECT_EQ(gmem_pool_free_chunks(node), before - CARVE_CHUNKS - CARVE_NR);
	gmem_pool_run_to(vcpu, 0);

	kvm_vm_free(vm);
	close(fd);
	close(nfd);
	EXPECT_EQ(gmem_pool_free_chunks(node), before);
}

struct busy_vcpu {
	struct kvm_vcpu *vcpu;
};

static void *busy_run(void *arg)
{
	struct busy_vcpu *b = arg;

	gmem_pool_run_to(b->vcpu, 0);
	return NULL;
}

/* Carved while A's vCPU runs on other chunks: A goes on untouched. */
TEST(carve_running)
{
	long before = gmem_pool_free_chunks(node);
	struct busy_vcpu b;
	struct kvm_vm *vm;
	pthread_t thread;
	int fd = -1, nfd[2];

	if (!carve_supported())
		SKIP(return, "needs SW-protected VMs and six free chunks");
	vm = carve_vm(&b.vcpu, guest_busy, &fd, CARVE_GPA, CARVE_CHUNKS * chunk);
	gmem_pool_run_to(b.vcpu, CARVE_FILLED);

	ASSERT_EQ(pthread_create(&thread, NULL, busy_run, &b), 0);
	nfd[0] = carve(fd, chunk, chunk);
	nfd[1] = carve(fd, 3 * chunk, chunk);
	ASSERT_EQ(pthread_join(thread, NULL), 0);
	EXPECT_EQ(gmem_pool_free_chunks(node), before - (CARVE_CHUNKS - 1));

	kvm_vm_free(vm);
	close(fd);
	EXPECT_EQ(gmem_pool_free_chunks(node), before - 2);
	close(nfd[0]);
	close(nfd[1]);
	EXPECT_EQ(gmem_pool_free_chunks(node), before);
}

/*
 * A mappable file: the VMM's mapping of the carved range is gone before the
 * chunks move (it reads new zeroes), and the new file maps the old data.
 */
TEST(carve_mapped)
{
	const uint64_t flags = GUEST_MEMFD_FLAG_POOL | GUEST_MEMFD_FLAG_POOL_MMAP;
	long before = gmem_pool_free_chunks(node);
	struct kvm_vm *vm = vm_create_barebones();
	uint64_t *mem, *carved;
	int fd, nfd;

	if (before < 3)
		SKIP(return, "needs three free chunks");
	fd = gmem_pool_create(vm, 2 * chunk, flags, node);
	mem = gmem_pool_map(fd, 2 * chunk);
	mem[chunk / 8] = carve_word(chunk);
	mem[0] = carve_word(0);

	nfd = carve(fd, chunk, chunk);
	carved = gmem_pool_map(nfd, chunk);
	EXPECT_EQ(carved[0], carve_word(chunk));
	EXPECT_EQ(mem[0], carve_word(0));
	EXPECT_EQ(gmem_pool_free_chunks(node), before - 2);
	EXPECT_EQ(mem[chunk / 8], 0);
	EXPECT_EQ(gmem_pool_free_chunks(node), before - 3);

	munmap(carved, chunk);
	munmap(mem, 2 * chunk);
	close(nfd);
	close(fd);
	kvm_vm_free(vm);
	EXPECT_EQ(gmem_pool_free_chunks(node), before);
}

/* Every bad argument, a preserved source, a file that is not pool-backed. */
TEST(carve_invalid)
{
	const struct {
		const char *name;
		uint64_t offset, size, flags;
		int reserved;
	} cases[] = {
		{ "size 0", 0, 0, 0, 0 },
		{ "offset one page", getpagesize(), chunk, 0, 0 },
		{ "size chunk + page", 0, chunk + getpagesize(), 0, 0 },
		{ "size half a chunk", 0, chunk / 2, 0, 0 },
		{ "past the end", chunk, 2 * chunk, 0, 0 },
		{ "at the end", 2 * chunk, chunk, 0, 0 },
		{ "offset wraps", -chunk, 2 * chunk, 0, 0 },
		{ "flags 1", 0, chunk, 1, 0 },
		{ "flags bit 63", 0, chunk, 1ULL << 63, 0 },
		{ "reserved[0]", 0, chunk, 0, 1 },
		{ "reserved[4]", 0, chunk, 0, 5 },
	};
	struct kvm_vm *vm = vm_create_barebones_type(KVM_X86_SW_PROTECTED_VM);
	long before = gmem_pool_free_chunks(node);
	int fd, stock, session, nfd;
	unsigned int i;

	fd = gmem_pool_create(vm, 2 * chunk, GUEST_MEMFD_FLAG_POOL, node);
	ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 2 * chunk), 0);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		errno = 0;
		EXPECT_EQ(__carve(fd, cases[i].offset, cases[i].size,
				  cases[i].flags, cases[i].reserved), -1)
			TH_LOG("case '%s'", cases[i].name);
		EXPECT_EQ(errno, EINVAL) TH_LOG("case '%s'", cases[i].name);
	}
	errno = 0;
	EXPECT_EQ(ioctl(fd, KVM_GMEM_POOL_CARVE, (void *)8), -1);
	EXPECT_EQ(errno, EFAULT);
	errno = 0;
	EXPECT_EQ(ioctl(fd, _IO(KVMIO, 0xf3)), -1);
	EXPECT_EQ(errno, ENOTTY);

	stock = vm_create_guest_memfd(vm, chunk, 0);
	errno = 0;
	EXPECT_EQ(__carve(stock, 0, chunk, 0, 0), -1);
	EXPECT_EQ(errno, ENOTTY);
	close(stock);

	/* Preserved, the file is frozen; the session's close thaws it. */
	session = gmem_pool_luo_new_session("carve-invalid");
	gmem_pool_luo_preserve(session, fd, 1);
	errno = 0;
	EXPECT_EQ(__carve(fd, 0, chunk, 0, 0), -1);
	EXPECT_EQ(errno, EBUSY);
	close(session);
	nfd = carve(fd, 0, chunk);
	close(nfd);

	EXPECT_EQ(gmem_pool_free_chunks(node), before - 1);
	close(fd);
	kvm_vm_free(vm);
	EXPECT_EQ(gmem_pool_free_chunks(node), before);
}

/* preserve SESSION TOKEN: see the comment at the top. */
static int do_preserve(char **argv)
{
	uint64_t token = strtoull(argv[1], NULL, 0);
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	int fd = -1, nfd, session;

	vm = carve_vm(&vcpu, guest_source, &fd, CARVE_GPA, CARVE_CHUNKS * chunk);
	gmem_pool_run_to(vcpu, CARVE_FILLED);
	nfd = carve(fd, CARVE_FIRST * chunk, CARVE_NR * chunk);
	printf("ok: chunks %d-%d carved from a running guest's file\n",
	       CARVE_FIRST, CARVE_FIRST + CARVE_NR - 1);

	session = gmem_pool_luo_new_session(argv[0]);
	gmem_pool_luo_preserve(session, fd, token);
	gmem_pool_luo_preserve(session, nfd, token + 1);
	gmem_pool_luo_hold(&session, 1);
	printf("ok: session %s: source %#lx and carved file %#lx preserved\n",
	       argv[0], token, token + 1);
	kvm_vm_free(vm);
	close(session);
	close(fd);
	close(nfd);
	return 0;
}

/* retrieve SESSION TOKEN: see the comment at the top. */
static int do_retrieve(char **argv)
{
	uint64_t token = strtoull(argv[1], NULL, 0);
	int luo = gmem_pool_luo_open(), session, fd, nfd;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;

	session = gmem_pool_luo_retrieve_session(luo, argv[0]);
	close(luo);
	fd = gmem_pool_luo_retrieve(session, token);
	nfd = gmem_pool_luo_retrieve(session, token + 1);
	TEST_ASSERT_EQ(file_size(fd), CARVE_CHUNKS * chunk);
	TEST_ASSERT_EQ(file_size(nfd), CARVE_NR * chunk);
	gmem_pool_luo_finish(session);
	close(session);

	vm = carve_vm(&vcpu, guest_check_source, &fd, CARVE_GPA,
		      CARVE_CHUNKS * chunk);
	gmem_pool_run_to(vcpu, CARVE_CHECKED);
	kvm_vm_free(vm);
	printf("ok: the source came back with its data and the carved holes\n");
	run_sidecar(nfd);
	printf("ok: the carved file came back, and a side-car VM read it\n");
	close(fd);
	close(nfd);
	return 0;
}

int main(int argc, char **argv)
{
	TEST_REQUIRE(kvm_has_cap(KVM_CAP_GUEST_MEMFD));
	chunk = kvm_check_cap(KVM_CAP_GUEST_MEMFD_POOL);
	TEST_REQUIRE(chunk);
	node = gmem_pool_find_node(1);
	TEST_REQUIRE(node >= 0);
	if (argc == 4 && !strcmp(argv[1], "preserve"))
		return do_preserve(argv + 2);
	if (argc == 4 && !strcmp(argv[1], "retrieve"))
		return do_retrieve(argv + 2);
	return test_harness_run(argc, argv);
}
