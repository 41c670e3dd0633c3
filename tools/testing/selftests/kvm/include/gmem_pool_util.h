/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the gmem pool selftests and benchmarks.
 */
#ifndef SELFTEST_KVM_GMEM_POOL_UTIL_H
#define SELFTEST_KVM_GMEM_POOL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kvm_util.h"

#define GMEM_POOL_SYSFS		"/sys/kernel/mm/gmem_pool"
#define GMEM_POOL_MAX_NODES	64
#define GMEM_POOL_LUO_DEV	"/dev/liveupdate"
/* The kernel's limits (GMEM_HANDOVER_MAX_SESSIONS, _MAX_SESSION_FILES). */
#define GMEM_POOL_LUO_SESSIONS	64
#define GMEM_POOL_LUO_FILES	128
/* An unprivileged uid and gid (nobody) for the tests that drop root. */
#define GMEM_POOL_NOBODY	65534
#define GMEM_POOL_HARD_OFFLINE	"/sys/devices/system/memory/hard_offline_page"
#define GMEM_POOL_DEBUGFS_MAP	"/sys/kernel/debug/gmem_pool/node%d_map"
/* Chunks gmem_pool_chunk_map() can describe, NUL included. */
#define GMEM_POOL_MAP_MAX	65536

/* Host page-table levels gmem_pool_host_levels() counts. */
enum gmem_pool_level {
	GMEM_POOL_PTE,
	GMEM_POOL_PMD,
	GMEM_POOL_PUD,
	GMEM_POOL_NR_LEVELS,
};

bool gmem_pool_host_levels(const void *start, uint64_t len,
			   uint64_t bytes[GMEM_POOL_NR_LEVELS]);

long gmem_pool_free_chunks(int nid);
long gmem_pool_total_chunks(int nid);
long gmem_pool_poisoned_chunks(int nid);
long gmem_pool_chunk_base(int nid);
long gmem_pool_chunk_map(int nid, char *buf, size_t len);
int gmem_pool_hard_offline(uint64_t phys);
int gmem_pool_find_node(uint64_t nr);

int __gmem_pool_create(struct kvm_vm *vm, uint64_t size, uint64_t flags,
		       uint64_t node);
int gmem_pool_create(struct kvm_vm *vm, uint64_t size, uint64_t flags,
		     uint64_t node);
void *gmem_pool_map(int fd, uint64_t size);

struct kvm_vm *gmem_pool_create_private_vm(struct kvm_vcpu **vcpu,
					   void *guest_code);
void gmem_pool_prefault_slot0(struct kvm_vcpu *vcpu);
void gmem_pool_run_to(struct kvm_vcpu *vcpu, uint64_t stage);

void gmem_pool_read_line(const char *path, char *buf, size_t len);
bool gmem_pool_read_sigbus(const uint64_t *p, uint64_t *val);
int gmem_pool_read_sigbus_code(const uint64_t *p, uint64_t *val, void **addr);
int __gmem_pool_luo_session_unwritable(int luo, unsigned long cmd,
				       const char *name);
int __gmem_pool_luo_open(void);
int gmem_pool_luo_open(void);
int __gmem_pool_luo_create_session(int luo, const char *name);
int gmem_pool_luo_create_session(int luo, const char *name);
int __gmem_pool_luo_retrieve_session(int luo, const char *name);
int gmem_pool_luo_retrieve_session(int luo, const char *name);
int gmem_pool_luo_new_session(const char *name);
int gmem_pool_luo_get_session(const char *name);
int __gmem_pool_luo_preserve(int session, int fd, uint64_t token);
void gmem_pool_luo_preserve(int session, int fd, uint64_t token);
int __gmem_pool_luo_retrieve(int session, uint64_t token);
int gmem_pool_luo_retrieve(int session, uint64_t token);
int __gmem_pool_luo_finish(int session);
void gmem_pool_luo_finish(int session);
void gmem_pool_luo_hold(const int *fds, int nr);

void gmem_pool_kexec_load(const char *kernel, const char *initrd,
			  const char *cmdline);
void gmem_pool_kexec_reboot(void);

/* lib/gmem_pool_all.c, in stock tests linked with -Wl,--wrap=ioctl. */
int __real_ioctl(int fd, unsigned long request, ...);
int __wrap_ioctl(int fd, unsigned long request, ...);

#endif /* SELFTEST_KVM_GMEM_POOL_UTIL_H */
