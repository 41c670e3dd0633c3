// SPDX-License-Identifier: GPL-2.0
/*
 * gmem_pool_demo: a live update of a running guest, narrated.
 *
 *   start TOKEN MIB SECONDS KERNEL INITRD CMDLINE
 *	A KVM_X86_SW_PROTECTED_VM guest counts in MIB of pool-backed private
 *	memory for SECONDS; the VMM pauses it, preserves its memory under
 *	TOKEN in the /dev/liveupdate session "demo" and kexecs KERNEL with
 *	INITRD and CMDLINE, to which it adds only its own state
 *	(gmemdemo=...): the kernel hands the pools over by itself.  The VMM
 *	keeps the session open until the kexec; closing it would unpreserve.
 *   resume
 *	After the kexec: take the state from gmemdemo= on the command line,
 *	retrieve the session and the memory, reattach it to a new VM (which
 *	adopts the file) and let the guest go on counting.  Fails unless the
 *	guest continues from where it stopped.
 *
 * Times are CLOCK_REALTIME, the only clock that runs across kexec: each
 * kernel sets it from the RTC at boot, which has one-second resolution, so
 * the figures spanning the kexec are good to about a second.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#include <linux/sizes.h>

#include "gmem_pool_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "test_util.h"

#define DEMO_SLOT	10
#define DEMO_GPA	SZ_4G
#define DEMO_MAGIC	0x676d656d64656d6fULL	/* "gmemdemo" */
#define DEMO_GOLDEN	0x9e3779b97f4a7c15ULL
#define DEMO_STEP	BIT(16)	/* increments between two reports */
#define DEMO_ENTRY	1		/* guest: this is what I found */
#define DEMO_TICK	2		/* guest: I counted DEMO_STEP more */
#define DEMO_RESUME_S	3		/* seconds to watch after resume */
#define DEMO_SESSION	"demo"
#define HANDOVER_STATUS	"/sys/kernel/mm/gmem_pool/handover/status"

/* The guest's whole state lives in its pool-backed private memory. */
struct demo_mem {
	uint64_t magic;
	uint64_t counter;
	uint64_t hash;		/* folds in every value counter took */
};

/* What the old VMM hands to the new one on the kexec command line. */
struct demo_state {
	uint64_t token, mib, counter, hash;
	uint64_t t_last;	/* ns: the last counter report before pause */
	uint64_t t_kexec;	/* ns: just before kexec_file_load() */
};

static void guest_count(uint64_t gpa)
{
	struct demo_mem *m = (struct demo_mem *)gpa;

	/* Fresh pool memory is zeroed: a new guest starts from 0. */
	if (m->magic != DEMO_MAGIC) {
		m->counter = 0;
		m->hash = 0;
		m->magic = DEMO_MAGIC;
	}
	GUEST_SYNC_ARGS(DEMO_ENTRY, m->counter, m->hash, 0, 0);
	for (;;) {
		m->counter++;
		m->hash = (m->hash ^ m->counter) * DEMO_GOLDEN;
		if (!(m->counter % DEMO_STEP))
			GUEST_SYNC_ARGS(DEMO_TICK, m->counter, m->hash, 0, 0);
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static double ms(uint64_t from, uint64_t to)
{
	return (double)(int64_t)(to - from) / 1e6;
}

static void say(const char *fmt, ...)
{
	va_list ap;

	printf("[demo] ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

/* Run the guest until its next report; return the report's stage. */
static uint64_t run_until_report(struct kvm_vcpu *vcpu, uint64_t *counter,
				 uint64_t *hash, uint64_t *when)
{
	struct ucall uc;

	vcpu_run(vcpu);
	*when = now_ns();
	switch (get_ucall(vcpu, &uc)) {
	case UCALL_SYNC:
		*counter = uc.args[2];
		*hash = uc.args[3];
		return uc.args[1];
	case UCALL_ABORT:
		REPORT_GUEST_ASSERT(uc);
	default:
		TEST_FAIL("unexpected ucall %lu", uc.cmd);
	}
	return 0;
}

/* Put @fd's memory at DEMO_GPA, private, mapped 2M in the guest. */
static void attach(struct kvm_vm *vm, struct kvm_vcpu *vcpu, int fd,
		   uint64_t size)
{
	uint64_t t0, t1, t2;
	void *shared;

	shared = mmap(NULL, size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	TEST_ASSERT(shared != MAP_FAILED, "mmap");
	t0 = now_ns();
	vm_set_user_memory_region2(vm, DEMO_SLOT, KVM_MEM_GUEST_MEMFD, DEMO_GPA,
				   size, shared, fd, 0);
	t1 = now_ns();
	/* KVM keeps memory attributes per 4K page: this part is O(pages). */
	vm_mem_set_private(vm, DEMO_GPA, size);
	t2 = now_ns();
	virt_map_level(vm, DEMO_GPA, DEMO_GPA, size, PG_LEVEL_2M);
	vcpu_args_set(vcpu, 1, DEMO_GPA);
	say("        (memslot %.3f ms, private attributes %.1f ms, page tables %.1f ms)\n",
	    ms(t0, t1), ms(t1, t2), ms(t2, now_ns()));
}

/* Let the guest count for @seconds; the last report is left in @st. */
static void count_for(struct kvm_vcpu *vcpu, unsigned int seconds,
		      struct demo_state *st)
{
	uint64_t stage, start = now_ns(), shown = start;

	do {
		stage = run_until_report(vcpu, &st->counter, &st->hash,
					 &st->t_last);
		TEST_ASSERT_EQ(stage, DEMO_TICK);
		if (st->t_last - shown >= NSEC_PER_SEC) {
			say("  guest counter = %lu\n", st->counter);
			shown = st->t_last;
		}
	} while (st->t_last - start < seconds * NSEC_PER_SEC);
}

static void kexec_into(const char *kernel, const char *initrd,
		       const char *base, struct demo_state *st)
{
	char cmdline[2048];
	uint64_t t1;

	st->t_kexec = now_ns();
	snprintf(cmdline, sizeof(cmdline),
		 "%s gmemdemo=%#lx,%lu,%lu,%#lx,%lu,%lu", base, st->token, st->mib,
		 st->counter, st->hash, st->t_last, st->t_kexec);
	say("step 4: kexec into the new kernel with: %s\n", cmdline);
	say("        (kexec_file_load adds the pools' hand-over by itself)\n");
	gmem_pool_kexec_load(kernel, initrd, cmdline);
	t1 = now_ns();
	say("        kexec_file_load took %.1f ms; rebooting now\n",
	    ms(st->t_kexec, t1));
	gmem_pool_kexec_reboot();
}

static int demo_start(char **argv)
{
	struct demo_state st = {
		.token = strtoull(argv[0], NULL, 0),
		.mib = strtoull(argv[1], NULL, 0),
	};
	unsigned int seconds = strtoul(argv[2], NULL, 0);
	uint64_t size = st.mib << 20, stage, t0, t1;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	int fd, session;

	say("step 1: start a KVM_X86_SW_PROTECTED_VM with %lu MiB\n", st.mib);
	say("        of private memory from the gmem pool\n");
	vm = gmem_pool_create_private_vm(&vcpu, guest_count);
	fd = gmem_pool_create(vm, size, GUEST_MEMFD_FLAG_POOL, 0);
	/* Back all of it now, so that every chunk goes through the update. */
	TEST_ASSERT(!fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, size),
		    "fallocate: %s", strerror(errno));
	attach(vm, vcpu, fd, size);
	stage = run_until_report(vcpu, &st.counter, &st.hash, &t0);
	TEST_ASSERT(stage == DEMO_ENTRY && !st.counter, "a new guest at 0");
	say("step 2: the guest counts in its memory for %u s\n", seconds);
	count_for(vcpu, seconds, &st);
	say("step 3: pause the guest (its vCPU is not run again): counter = %lu\n",
	    st.counter);
	t0 = now_ns();
	session = gmem_pool_luo_new_session(DEMO_SESSION);
	gmem_pool_luo_preserve(session, fd, st.token);
	t1 = now_ns();
	say("        preserve its memory: session \"%s\", token %#lx\n",
	    DEMO_SESSION, st.token);
	say("        create session + PRESERVE_FD: %.3f ms (PHASE preserve)\n",
	    ms(t0, t1));
	say("        (from now on the file is frozen: no chunk can come or go)\n");
	/* The session stays open: this process is the one that kexecs. */
	kexec_into(argv[3], argv[4], argv[5], &st);
	close(session);
	return 1;
}

static void parse_state(struct demo_state *st)
{
	char buf[4096], *p;

	gmem_pool_read_line("/proc/cmdline", buf, sizeof(buf));
	p = strstr(buf, "gmemdemo=");
	TEST_ASSERT(p, "no gmemdemo= on the command line: not a resumed boot");
	TEST_ASSERT(sscanf(p, "gmemdemo=%lx,%lu,%lu,%lx,%lu,%lu", &st->token,
			   &st->mib, &st->counter, &st->hash, &st->t_last,
			   &st->t_kexec) == 6, "bad gmemdemo=");
}

static int demo_resume(void)
{
	uint64_t t_up = now_ns(), t0, t1, t2, counter, hash, t_first, stage;
	struct demo_state st, last;
	struct kvm_vcpu *vcpu;
	char status[256];
	struct kvm_vm *vm;
	int fd, session;

	parse_state(&st);
	say("step 5: the new kernel is up; the guest was paused at counter = %lu\n",
	    st.counter);
	say("        kexec, from kexec_file_load to here: %.0f ms (PHASE kexec)\n",
	    ms(st.t_kexec, t_up));
	gmem_pool_read_line(HANDOVER_STATUS, status, sizeof(status));
	say("        hand-over status: %s\n", status);
	TEST_ASSERT(!strncmp(status, "restored: ", 10),
		    "FAILED: the kernel did not restore the hand-over");
	vm = gmem_pool_create_private_vm(&vcpu, guest_count);
	t0 = now_ns();
	session = gmem_pool_luo_get_session(DEMO_SESSION);
	fd = gmem_pool_luo_retrieve(session, st.token);
	gmem_pool_luo_finish(session);
	t1 = now_ns();
	close(session);
	say("step 6: retrieve session \"%s\", token %#lx (%lu MiB), finish it\n",
	    DEMO_SESSION, st.token, st.mib);
	say("        RETRIEVE_SESSION + RETRIEVE_FD + FINISH: %.3f ms (PHASE retrieve)\n",
	    ms(t0, t1));
	attach(vm, vcpu, fd, st.mib << 20);
	t2 = now_ns();
	say("step 7: reattach it to a new VM, which adopts the file: %.3f ms (PHASE reattach)\n",
	    ms(t1, t2));
	stage = run_until_report(vcpu, &counter, &hash, &t0);
	say("step 8: the guest runs again and finds counter = %lu\n",
	    counter);
	TEST_ASSERT(stage == DEMO_ENTRY && counter == st.counter &&
		    hash == st.hash,
		    "FAILED: guest found counter %lu hash %#lx, paused at %lu hash %#lx",
		    counter, hash,
		    st.counter, st.hash);
	stage = run_until_report(vcpu, &counter, &hash, &t_first);
	TEST_ASSERT(stage == DEMO_TICK && counter == st.counter + DEMO_STEP,
		    "FAILED: guest did not continue: %lu after %lu",
		    counter, st.counter);
	say("        and continues: %lu -> %lu\n", st.counter,
	    counter);
	say("        guest downtime, from its last count before the pause\n");
	say("        to its first after resume: %.0f ms (PHASE downtime)\n",
	    ms(st.t_last, t_first));
	last = st;
	count_for(vcpu, DEMO_RESUME_S, &last);
	TEST_ASSERT(last.counter > counter, "the guest stopped counting");
	say("RESULT: counter before kexec %lu, after %lu: the guest continued from where it was\n",
	    st.counter,
	    last.counter);
	kvm_vm_free(vm);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	TEST_REQUIRE(kvm_check_cap(KVM_CAP_GUEST_MEMFD_POOL));
	TEST_REQUIRE(kvm_check_cap(KVM_CAP_VM_TYPES) &
		     BIT(KVM_X86_SW_PROTECTED_VM));
	TEST_REQUIRE(!access(GMEM_POOL_LUO_DEV, F_OK));
	if (argc == 8 && !strcmp(argv[1], "start"))
		return demo_start(argv + 2);
	if (argc == 2 && !strcmp(argv[1], "resume"))
		return demo_resume();
	TEST_FAIL("usage: %s start TOKEN MIB SECONDS KERNEL INITRD CMDLINE | resume",
		  argv[0]);
	return 1;
}
