#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench_memmap.sh: print the figures make bench-memmap needs from one boot,
# as one "BENCH memmap key=value..." line: the memmap pages /proc/vmstat
# counts, the present RAM, the gmem pools (size and own metadata) and the
# hugetlb pages of each size.  Prints figures only; never fails a boot.

SYS=/sys/kernel/mm/gmem_pool
HUGE=/sys/kernel/mm/hugepages

vmstat() {
	awk -v k="$1" '$1 == k { print $2; found = 1 } END { if (!found) print 0 }' /proc/vmstat
}

present=$(awk '$1 == "present" { s += $2 } END { print s + 0 }' /proc/zoneinfo)
pool_bytes=0
meta_bytes=0
for d in "$SYS"/node*; do
	[ -d "$d" ] || continue
	pool_bytes=$((pool_bytes + $(cat "$d/size")))
	meta_bytes=$((meta_bytes + $(cat "$d/metadata_bytes")))
done
huge_2m=0
huge_1g=0
[ -r $HUGE/hugepages-2048kB/nr_hugepages ] &&
	huge_2m=$(cat $HUGE/hugepages-2048kB/nr_hugepages)
[ -r $HUGE/hugepages-1048576kB/nr_hugepages ] &&
	huge_1g=$(cat $HUGE/hugepages-1048576kB/nr_hugepages)
hvo=$(cat /proc/sys/vm/hugetlb_optimize_vmemmap 2>/dev/null || echo -)

echo "BENCH memmap boot_pages=$(vmstat nr_memmap_boot_pages)" \
	"pages=$(vmstat nr_memmap_pages) present_pages=$present" \
	"pool_bytes=$pool_bytes metadata_bytes=$meta_bytes" \
	"huge_2m=$huge_2m huge_1g=$huge_1g hvo=$hvo"
