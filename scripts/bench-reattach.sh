#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-reattach.sh PROJECT BUILD
#
# make bench-reattach (issue 16): what a VMM pays to reattach preserved
# guest memory.  Runs every tests/boots/bench-reattach-*.boot and prints the
# "BENCH reattach..." lines of each.  bench-reattach-attr times
# KVM_SET_MEMORY_ATTRIBUTES(PRIVATE) over 1, 4, 16 and 64 GiB and 1 TiB on a
# SW_PROTECTED VM (gmem_pool_attr_bench) and gets a table: time, kernel
# memory held (the attribute store's slab objects, and the Slab + vmalloc
# delta of /proc/meminfo) and the growth from the smallest size to the
# largest.
#
# Then natively: tests/host-attr builds the kernel's own maple tree and
# xarray (lib/ of BUILD/linux) for userspace and replays the store's work
# for one call, with this project's ranges and stock's per-gfn entries;
# callgrind counts its instructions exactly, and the shims count nodes.
#
# STOCK_BZIMAGE=path (e.g. a build of main, or of 6.12 with this project
# before issue 16) runs bench-reattach-attr a second time on that kernel,
# with the same initramfs, and prints both side by side with ratios.
# Timings come from TCG: compare rows and ratios, not seconds.
set -uo pipefail

PROJECT=$1
BUILD=$2
STOCK_BZIMAGE=${STOCK_BZIMAGE:-}

# shellcheck source=scripts/lib-bench.sh
. "$PROJECT/scripts/lib-bench.sh"

# field LINE KEY
field() {
	tr ' ' '\n' <<< "$1" | sed -n "s/^$2=//p"
}

# table LABEL LINES: one row per measured size.
table() {
	local label=$1 lines=$2 l
	while read -r l; do
		[ -n "$l" ] || continue
		local size gib
		size=$(field "$l" size)
		gib=$(awk -v s="$size" 'BEGIN { printf "%g", s / 1073741824 }')
		if grep -q ' skipped' <<< "$l"; then
			printf '%-7s %7s GiB  skipped (predicted %s ms, %s KiB)\n' "$label" "$gib" \
				"$(awk -v n="$(field "$l" predicted_ns)" 'BEGIN { printf "%.0f", n / 1e6 }')" \
				"$(field "$l" predicted_kib)"
			continue
		fi
		printf '%-7s %7s GiB %12s %12s %12s %14s %12s %10s\n' "$label" "$gib" \
			"$(awk -v n="$(field "$l" ns)" 'BEGIN { printf "%.3f", n / 1e6 }')" \
			"$(awk -v n="$(field "$l" stime_ns)" 'BEGIN { printf "%.3f", n / 1e6 }')" \
			"$(awk -v n="$(field "$l" avg_ns)" 'BEGIN { printf "%.3f", n / 1e6 }')" \
			"$(field "$l" kmem_bytes)" \
			"$(( $(field "$l" slab_kib) + $(field "$l" vmalloc_kib) ))" \
			"$(( $(field "$l" maple_nodes) + $(field "$l" radix_nodes) ))"
	done < <(grep '^BENCH reattach-attr size=' <<< "$lines")
	l=$(grep '^BENCH reattach-attr-growth' <<< "$lines")
	[ -n "$l" ] && printf '%-7s growth %s -> %s GiB: size x%s, time x%s, store memory x%s\n' \
		"$label" "$(($(field "$l" from) >> 30))" "$(($(field "$l" to) >> 30))" \
		"$(field "$l" size_x)" "$(field "$l" time_x)" "$(field "$l" kmem_x)"
}

header() {
	printf '%-7s %11s %12s %12s %12s %14s %12s %10s\n' kernel size "call ms" \
		"kernel ms" "avg ms" "store bytes" "meminfo KiB" nodes
}

declare -A lines
boots=
for f in "$PROJECT"/tests/boots/bench-reattach-*.boot; do
	[ -e "$f" ] || continue
	f=${f##*/}
	boots="$boots ${f%.boot}"
done
[ -n "$boots" ] || { echo "no tests/boots/bench-reattach-*.boot"; exit 1; }
for b in $boots; do
	bench_boot "$PROJECT" "$BUILD" "$b" 'BENCH reattach.*'
	lines[$b]=$BENCH_LINES
done

stock=
if [ -n "$STOCK_BZIMAGE" ] && [ -n "${lines[bench-reattach-attr]+x}" ]; then
	echo "==> boot bench-reattach-attr on $STOCK_BZIMAGE"
	BOOT_KERNEL=$STOCK_BZIMAGE LOG_SUFFIX=-stock \
		"$PROJECT/scripts/run-boot.sh" "$PROJECT" "$BUILD" bench-reattach-attr
	slog=$BUILD/logs/bench-reattach-attr-stock.log
	grep -q 'GMEMTEST: ok bench-reattach-attr' "$slog" ||
		echo "    the stock boot did not finish its benchmark (log: $slog)"
	stock=$(grep -o 'BENCH reattach.*' "$slog" | tr -d '\r')
fi

for b in $boots; do
	echo
	echo "$b:"
	if [ -z "${lines[$b]}" ]; then
		echo "  (no figures)"
		continue
	fi
	sed 's/^/  /' <<< "${lines[$b]}"
done

if [ -n "${lines[bench-reattach-attr]+x}" ]; then
	echo
	echo "KVM_SET_MEMORY_ATTRIBUTES(PRIVATE) over [0, size) of a SW_PROTECTED VM, one call:"
	header
	[ -n "$stock" ] && table stock "$stock"
	table ranges "${lines[bench-reattach-attr]}"
	echo "call ms: wall time of the call; kernel ms: system time charged for it; avg ms: mean"
	echo "of repeated shared/private calls over the same range when one call is that cheap;"
	echo "store bytes: maple_node + radix_tree_node objects held after the call (slabinfo);"
	echo "meminfo KiB: Slab + VmallocUsed delta (moves by whole slab pages)."
	echo "Goal (issue 16): 1 TiB private in under 1 ms of kernel time and under 4 KiB."
fi

echo
echo "Natively (tests/host-attr): the store's work in one call, on the kernel's maple tree"
echo "and xarray built for userspace; instructions counted by callgrind, nodes by the shims"
echo "(kernel node sizes: maple 256 B, xarray 576 B).  Not counted: the ioctl around it."
hlog=$BUILD/host-attr.log
if ! make -s --no-print-directory -C "$PROJECT/tests/host-attr" KTREE="$BUILD/linux" \
	O="$BUILD/host-attr" callgrind > "$hlog" 2>&1; then
	echo "host benchmark failed:"
	sed 's/^/  | /' "$hlog"
	exit 1
fi
printf '%-7s %9s %16s %10s %14s %16s\n' store size instructions nodes "bytes held" "instr per GiB"
while read -r l; do
	st=$(field "$l" store)
	sz=$(field "$l" size)
	in=$(field "$l" instructions)
	printf '%-7s %5s GiB %16s %10s %14s %16s\n' "$st" "$((sz >> 30))" "$in" \
		"$(field "$l" nodes)" "$(field "$l" kmem_bytes)" \
		"$(awk -v i="$in" -v s="$sz" 'BEGIN { printf "%.0f", i / (s / 1073741824) }')"
done < <(grep '^HOST attr store=' "$hlog")
grep '^HOST attr-alternating' "$hlog" | while read -r l; do
	echo "alternating single pages, $(field "$l" store): $(field "$l" ranges) ranges," \
		"$(field "$l" nodes) nodes, $(field "$l" bytes_per_range) bytes per range"
done
