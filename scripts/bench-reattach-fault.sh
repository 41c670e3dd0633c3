#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-reattach-fault.sh PROJECT BUILD
#
# The fault-in part of make bench-reattach (issue 16), runnable alone as
# make bench-reattach-fault: boots every tests/boots/bench-reattach-fault-*.boot
# (one per pool chunk size: a boot has one), where gmem_pool_bench -f lets a
# guest touch 1 GiB for the first time, one write per 2 MiB, backed by the
# pool's private guest_memfd, by a mapped pool file and by hugetlbfs pages
# of the chunk size.  Prints the fastest of three rounds per backing, the
# faults and KVM mappings it took, and the throughput relative to hugetlbfs
# in the same boot.  Timings come from TCG (nested SVM emulated): only the
# ratios within one boot mean anything.
set -uo pipefail

PROJECT=$1
BUILD=$2

declare -A lines

# shellcheck source=scripts/lib-bench.sh
. "$PROJECT/scripts/lib-bench.sh"
boots=()
for f in "$PROJECT"/tests/boots/bench-reattach-fault-*.boot; do
	b=$(basename "$f" .boot)
	boots+=("$b")
	bench_boot "$PROJECT" "$BUILD" "$b" 'BENCH fault.*'
	lines[$b]=$BENCH_LINES
done

# field LINE KEY
field() {
	tr ' ' '\n' <<< "$1" | sed -n "s/^$2=//p"
}

echo
echo "Fault-in of 1 GiB: the guest's first write to each 2 MiB (no fallocate); fastest of 3 rounds."
printf '%-6s %-10s %9s %8s %8s %8s %10s %14s\n' boot backing chunk faults \
	kvm_2m kvm_1g "MiB/s" "x hugetlbfs"
for b in "${boots[@]}"; do
	ratio=$(grep '^BENCH fault-ratio' <<< "${lines[$b]}")
	while read -r l; do
		[ -n "$l" ] || continue
		bk=$(field "$l" backing)
		if grep -q ' skipped' <<< "$l"; then
			printf '%-6s %-10s skipped\n' "${b#bench-reattach-fault-}" "$bk"
			continue
		fi
		case $bk in
		pool) x=$(field "$ratio" pool_over_hugetlb) ;;
		pool-mmap) x=$(field "$ratio" pool_mmap_over_hugetlb) ;;
		*) x=1 ;;
		esac
		printf '%-6s %-10s %8sM %8s %8s %8s %10s %14s\n' \
			"${b#bench-reattach-fault-}" "$bk" \
			"$(($(field "$l" chunk) >> 20))" "$(field "$l" faults)" \
			"$(field "$l" pages_2m)" "$(field "$l" pages_1g)" \
			"$(field "$l" mib_per_s)" "$x"
	done < <(grep '^BENCH fault backing=' <<< "${lines[$b]}")
done
echo
echo "x hugetlbfs: throughput relative to hugetlbfs pages of the same size in the same boot (TCG: ratios only)."
echo "Goal (issue 16): pool fault-in at least as fast as hugetlbfs at the same page size (x >= 1)."
