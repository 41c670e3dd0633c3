#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-gmem.sh PROJECT BUILD
#
# make bench-gmem (issue 4): in a KVM_X86_SW_PROTECTED_VM inside the test VM,
# back 1 GiB of private guest memory with stock guest_memfd and with the
# gmem pool (2 MiB chunks in one boot, 1 GiB chunks in another; stock runs
# again in each boot), let the guest write every 4 KiB page, and print the
# KVM mapping counts, the faults taken and the fallocate cost.  Timings
# come from TCG (nested SVM emulated): only the pool/stock ratio measured
# within one boot means anything.
#
# Then (issue 6) a default-type VM runs the same guest over an ordinary
# memslot backed by a mapped pool file, by anonymous memory and by
# hugetlbfs 2M pages: KVM's mapping counts, the VMM's page-table entries
# over the region and the guest faults, as counts and ratios.
#
# Then (issue 15) conversions: the guest converts one page of every 2 MiB
# to shared and back while the VMM punches it out of the guest_memfd, on
# stock guest_memfd and on the pool: KVM's mapping counts before and after,
# and the time of a conversion relative to stock.
set -uo pipefail

PROJECT=$1
BUILD=$2
BOOTS="bench-gmem-2m bench-gmem-1g"

declare -A lines

# shellcheck source=scripts/lib-bench.sh
. "$PROJECT/scripts/lib-bench.sh"
for b in $BOOTS; do
	bench_boot "$PROJECT" "$BUILD" "$b" 'BENCH gmem.*'
	lines[$b]=$BENCH_LINES
done

# field LINE KEY
field() {
	tr ' ' '\n' <<< "$1" | sed -n "s/^$2=//p"
}

echo
echo "1 GiB of private memory per backing, guest writes one word per 4 KiB page."
printf '%-8s %-12s %10s %10s %10s %10s %10s %14s %12s\n' boot backing pages_4k \
	pages_2m pages_1g faults "@chunk %" "fallocate x" "touch x"
for b in $BOOTS; do
	ratio=$(grep '^BENCH gmem-ratio' <<< "${lines[$b]}")
	while read -r l; do
		[ -n "$l" ] || continue
		bk=$(field "$l" backing)
		if [ "$bk" = pool ]; then
			fr=$(field "$ratio" fallocate_pool_over_stock)
			tr_=$(field "$ratio" touch_pool_over_stock)
			bk="pool $(($(field "$l" chunk) >> 20))M"
		else
			fr=1 tr_=1
		fi
		printf '%-8s %-12s %10s %10s %10s %10s %10s %14s %12s\n' "${b#bench-gmem-}" \
			"$bk" "$(field "$l" pages_4k)" "$(field "$l" pages_2m)" \
			"$(field "$l" pages_1g)" "$(field "$l" faults)" \
			"$(field "$l" at_chunk_pct)" "$fr" "$tr_"
	done < <(grep '^BENCH gmem backing=' <<< "${lines[$b]}")
done
echo
echo "fallocate x / touch x: time relative to stock guest_memfd in the same boot (TCG: ratios only)."
echo "Goal (issue 4): 100% of pool-backed memory mapped at the chunk size; stock maps at 4K."

echo
echo "Default-type VM, 1 GiB through an ordinary memslot, guest writes one word per 4 KiB page."
echo "KVM: entries the run added; host: the VMM's page-table entries over the region."
printf '%-8s %-12s %9s %9s %9s %9s %8s %8s %8s %10s\n' boot backing kvm_4k kvm_2m \
	kvm_1g faults host_4k host_2m host_1g "faults x"
for b in $BOOTS; do
	anon=$(grep '^BENCH gmem-default backing=anon ' <<< "${lines[$b]}")
	anon_faults=$(field "$anon" faults)
	while read -r l; do
		[ -n "$l" ] || continue
		bk=$(field "$l" backing)
		if grep -q ' skipped' <<< "$l"; then
			printf '%-8s %-12s skipped\n' "${b#bench-gmem-}" "$bk"
			continue
		fi
		f=$(field "$l" faults)
		ratio=-
		if [ -n "$anon_faults" ] && [ "$anon_faults" -gt 0 ]; then
			ratio=$(awk -v a="$f" -v b="$anon_faults" 'BEGIN { printf "%.3f", a / b }')
		fi
		printf '%-8s %-12s %9s %9s %9s %9s %8s %8s %8s %10s\n' "${b#bench-gmem-}" \
			"$bk" "$(field "$l" pages_4k)" "$(field "$l" pages_2m)" \
			"$(field "$l" pages_1g)" "$f" "$(field "$l" host_4k)" \
			"$(field "$l" host_2m)" "$(field "$l" host_1g)" "$ratio"
	done < <(grep '^BENCH gmem-default backing=' <<< "${lines[$b]}")
done
echo
echo "faults x: guest faults (pf_taken) relative to anonymous memory in the same boot."
echo "Goal (issue 6): a mapped pool file is mapped at the chunk size by the VMM and by KVM."

echo
echo "Conversions: the guest writes 1 GiB, converts 1 page in 512 (one per 2 MiB) to shared and back"
echo "(the VMM punches it from the guest_memfd when shared, as QEMU does), then writes it all again."
echo "KVM entries over the region after the first pass (before) and after the second (after)."
printf '%-8s %-8s %11s %9s %9s %9s %9s %9s %9s %12s\n' boot backing conversions \
	before_4k before_2m before_1g after_4k after_2m after_1g "convert x"
for b in $BOOTS; do
	ratio=$(grep '^BENCH gmem-convert-ratio' <<< "${lines[$b]}")
	while read -r l; do
		[ -n "$l" ] || continue
		bk=$(field "$l" backing)
		cx=1
		[ "$bk" = pool ] && cx=$(field "$ratio" convert_pool_over_stock)
		printf '%-8s %-8s %11s %9s %9s %9s %9s %9s %9s %12s\n' "${b#bench-gmem-}" \
			"$bk" "$(field "$l" conversions)" "$(field "$l" before_4k)" \
			"$(field "$l" before_2m)" "$(field "$l" before_1g)" \
			"$(field "$l" after_4k)" "$(field "$l" after_2m)" \
			"$(field "$l" after_1g)" "$cx"
	done < <(grep '^BENCH gmem-convert backing=' <<< "${lines[$b]}")
done
echo
echo "convert x: time of one round trip (shared and back) relative to stock guest_memfd in the same boot."
echo "Goal (issue 15): a 4 KiB conversion keeps the chunk and leaves every other 2M range at 2M."
