#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# pool_memmap.sh RAM_MIB
#
# Pool memory must have no struct page: the boot memmap may only cover the
# RAM outside the pools.  A struct page is 64 bytes per 4 KiB page, so each
# MiB of RAM costs 4 memmap pages; a kernel without pools would need
# RAM_MIB * 4 and fail this check.

SYS=/sys/kernel/mm/gmem_pool
PAGES_PER_MIB=4
SLACK=512

pool_mib=0
for d in $SYS/node*; do
	[ -d "$d" ] || continue
	pool_mib=$((pool_mib + ($(cat "$d/size") >> 20)))
done
boot=$(awk '$1 == "nr_memmap_boot_pages" { print $2 }' /proc/vmstat)
run=$(awk '$1 == "nr_memmap_pages" { print $2 }' /proc/vmstat)
limit=$((($1 - pool_mib) * PAGES_PER_MIB + SLACK))
echo "pool_memmap: RAM $1 MiB, pools $pool_mib MiB, nr_memmap_boot_pages $boot, nr_memmap_pages $run, limit $limit"
[ -n "$boot" ] || { echo "pool_memmap: no nr_memmap_boot_pages"; exit 1; }
[ "$pool_mib" -gt 0 ] || { echo "pool_memmap: no pool"; exit 1; }
[ $((boot + run)) -le "$limit" ]
