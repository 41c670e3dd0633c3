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
int gmem_pool_find_node(uint64_t nr);

int __gmem_pool_create(struct kvm_vm *vm, uint64_t size, uint64_t flags,
		       uint64_t node, uint64_t token);
int gmem_pool_create(struct kvm_vm *vm, uint64_t size, uint64_t flags,
		     uint64_t node);
void *gmem_pool_map(int fd, uint64_t size);
int __gmem_pool_preserve(int fd, uint64_t token);
int __gmem_pool_unpreserve(int fd, uint64_t token);

struct kvm_vm *gmem_pool_create_private_vm(struct kvm_vcpu **vcpu,
					   void *guest_code);
void gmem_pool_prefault_slot0(struct kvm_vcpu *vcpu);

void gmem_pool_read_line(const char *path, char *buf, size_t len);
void gmem_pool_kexec_load(const char *kernel, const char *initrd,
			  const char *cmdline);
void gmem_pool_kexec_reboot(void);

#endif /* SELFTEST_KVM_GMEM_POOL_UTIL_H */
