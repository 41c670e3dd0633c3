/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the gmem pool selftests and benchmarks.
 */
#ifndef SELFTEST_KVM_GMEM_POOL_UTIL_H
#define SELFTEST_KVM_GMEM_POOL_UTIL_H

#include <stdbool.h>
#include <stdint.h>

/* Host page-table levels gmem_pool_host_levels() counts. */
enum gmem_pool_level {
	GMEM_POOL_PTE,
	GMEM_POOL_PMD,
	GMEM_POOL_PUD,
	GMEM_POOL_NR_LEVELS,
};

/*
 * Bytes of [@start, @start + @len) of the calling process that are mapped,
 * present, by page-table entries of each level, read from
 * /sys/kernel/debug/page_tables/current_kernel (CONFIG_PTDUMP_DEBUGFS;
 * smaps does not count VM_PFNMAP mappings).  Returns false if that file
 * cannot be read.
 */
bool gmem_pool_host_levels(const void *start, uint64_t len,
			   uint64_t bytes[GMEM_POOL_NR_LEVELS]);

#endif /* SELFTEST_KVM_GMEM_POOL_UTIL_H */
