#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-memmap.sh PROJECT BUILD
#
# make bench-memmap (issue 3): boot the same 6 GiB VM (2 nodes x 3 GiB) four
# ways -- no pool, a 1 GiB gmem pool of 2 MiB chunks, 1 GiB of 2 MiB hugetlb
# pages with HVO, one 1 GiB hugetlb page with HVO -- and print, per GiB set
# aside, the memmap it costs and the pool's own metadata.
#
# memmap = nr_memmap_boot_pages + nr_memmap_pages (/proc/vmstat), in bytes.
# "delta/GiB" is (memmap of the boot - memmap of the no-pool boot) / GiB set
# aside; "memmap/GiB" adds back what that GiB costs as buddy RAM in the
# no-pool boot (its memmap bytes per GiB of present RAM), i.e. what the set
# aside memory itself still costs.  Counts and ratios only, no timings.
#
# 3 GiB nodes, not 2: with KASAN's shadow carved from each node at boot, a
# 2 GiB node has no free naturally aligned GiB left for a gigantic page.
set -uo pipefail

PROJECT=$1
BUILD=$2
BOOTS="bench-memmap-none bench-memmap-pool bench-memmap-huge2m bench-memmap-huge1g"
GIB=$((1 << 30))
# The VM's RAM, in GiB, from the boot plans (all four use the same size).
# shellcheck source=/dev/null
VM_GIB=$(. "$PROJECT/tests/boots/bench-memmap-none.boot" &&
	echo $((2 * $(numfmt --from=iec "$BOOT_MEM_PER_NODE") / GIB)))
PAGE=4096

declare -A line

# shellcheck source=scripts/lib-bench.sh
. "$PROJECT/scripts/lib-bench.sh"
for b in $BOOTS; do
	# A boot that splats or does not finish gives no figures.
	bench_boot "$PROJECT" "$BUILD" "$b" 'BENCH memmap .*'
	line[$b]=$(tail -n 1 <<< "$BENCH_LINES")
done

# field BOOT KEY: value of KEY= in BOOT's BENCH line.
field() {
	tr ' ' '\n' <<< "${line[$1]}" | sed -n "s/^$2=//p"
}

memmap() {
	echo $((($(field "$1" boot_pages) + $(field "$1" pages)) * PAGE))
}

[ -n "${line[bench-memmap-none]}" ] || { echo "no baseline: giving up"; exit 1; }
base=$(memmap bench-memmap-none)
present=$(field bench-memmap-none present_pages)
# Buddy RAM's memmap per GiB in the baseline boot, in bytes.  The memmap is
# built per 128 MiB section, holes included, so divide by the VM's RAM (all
# of it in whole sections: QEMU puts at most 3 GiB below 4 GiB, the rest
# above),
# not by the present pages.
per_gib=$((base / VM_GIB))

echo
echo "VM: 2 nodes, $VM_GIB GiB, nokaslr.  Baseline (no pool): memmap $base bytes ($present present pages) = $per_gib bytes per GiB of RAM."
printf '%-22s %10s %14s %16s %14s %16s\n' boot "set aside" "memmap bytes" "delta/GiB" "memmap/GiB" "metadata/GiB"

row() {
	local b=$1 label=$2 aside=$3 meta=$4 m delta
	if [ -z "${line[$b]}" ] || [ "$aside" -eq 0 ]; then
		printf '%-22s %10s %14s %16s %14s %16s\n' "$label" "-" "-" "-" "not measured" "-"
		return
	fi
	m=$(memmap "$b")
	delta=$(((m - base) * GIB / aside))
	printf '%-22s %9dM %14d %16d %14d %16s\n' "$label" $((aside >> 20)) "$m" \
		"$delta" $((per_gib + delta)) "$meta"
}

printf '%-22s %10s %14d %16s %14s %16s\n' "no pool" "0" "$base" "-" "-" "-"
if [ -n "${line[bench-memmap-pool]}" ]; then
	aside=$(field bench-memmap-pool pool_bytes)
	meta=$(field bench-memmap-pool metadata_bytes)
	row bench-memmap-pool "gmem_pool 2M chunks" "$aside" $((meta * GIB / (aside ? aside : 1)))
fi
if [ -n "${line[bench-memmap-huge2m]}" ]; then
	row bench-memmap-huge2m "hugetlb 2M + HVO" \
		$(($(field bench-memmap-huge2m huge_2m) << 21)) "-"
fi
if [ -n "${line[bench-memmap-huge1g]}" ]; then
	row bench-memmap-huge1g "hugetlb 1G + HVO" \
		$(($(field bench-memmap-huge1g huge_1g) << 30)) "-"
fi
echo
echo "Goal (issue 3): gmem_pool memmap/GiB 0 bytes, metadata/GiB <= 4096 bytes with 2M chunks."
