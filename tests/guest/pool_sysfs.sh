#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# pool_sysfs.sh CHUNK NID:SIZE...
#
# Checks the live gmem pools against what the command line asked for:
# sysfs values (chunk size, section-aligned base and size, enough chunks,
# all free again after the KUnit suites), the pool's own /proc/iomem
# resource with no System RAM over it, and the debugfs map's shape.
# Exactly the listed nodes must have a pool.

SYS=/sys/kernel/mm/gmem_pool
DBG=/sys/kernel/debug/gmem_pool
SECTION=$((128 << 20))
META_SPAN=$((2 << 20))
fail=0

bad() {
	echo "pool_sysfs: $*"
	fail=1
}

bytes() {
	n=${1%[KMG]}
	case $1 in
	*K) echo $((n << 10)) ;;
	*M) echo $((n << 20)) ;;
	*G) echo $((n << 30)) ;;
	*) echo "$n" ;;
	esac
}

chunk=$(bytes "$1")
shift
[ -d $SYS ] || { echo "pool_sysfs: no $SYS"; exit 1; }
[ "$(cat $SYS/chunk_size)" = "$chunk" ] ||
	bad "chunk_size is $(cat $SYS/chunk_size), want $chunk"

# iomem_check NID START END: own resource, no System RAM overlapping it.
iomem_check() {
	name="gmem pool node $1"
	line=$(grep -F ": $name" /proc/iomem | head -n 1)
	[ -n "$line" ] || { bad "node $1: no '$name' in /proc/iomem"; return; }
	range=$(echo "$line" | sed 's/^ *//; s/ : .*//')
	[ $((0x${range%-*})) -eq "$2" ] && [ $((0x${range#*-})) -eq "$3" ] ||
		bad "node $1: iomem range $range, want $2-$3"
	grep ': System RAM$' /proc/iomem | sed 's/^ *//; s/ : .*//' |
	while read -r r; do
		s=$((0x${r%-*})) e=$((0x${r#*-}))
		if [ "$s" -le "$3" ] && [ "$e" -ge "$2" ]; then
			echo "pool_sysfs: node $1: System RAM $r overlaps the pool"
			exit 1
		fi
	done || fail=1
}

# map_check NID TOTAL FREE: one char per chunk-sized unit, 64 per line.
map_check() {
	map=$DBG/node$1_map
	[ -r "$map" ] || { bad "node $1: no $map"; return; }
	head -n 2 "$map" | sed "s/^/pool_sysfs: node$1_map: /"
	dots=$(awk '{ print $2 }' "$map" | tr -cd '.' | wc -c)
	used=$(awk '{ print $2 }' "$map" | tr -cd 'U' | wc -c)
	meta=$(awk '{ print $2 }' "$map" | tr -cd 'M' | wc -c)
	[ "$dots" -eq "$3" ] || bad "node $1: map shows $dots free, sysfs $3"
	[ "$used" -eq $(($2 - $3)) ] || bad "node $1: map shows $used used"
	[ "$meta" -ge 1 ] || bad "node $1: map shows no metadata"
	head -n 1 "$map" | grep -q '^ *0 M' || bad "node $1: map starts oddly"
	awk '{ if (length($2) > 64) exit 1 }' "$map" ||
		bad "node $1: map line longer than 64"
}

seen=""
for want in "$@"; do
	nid=${want%%:*}
	size=$(bytes "${want#*:}")
	d=$SYS/node$nid
	seen="$seen node$nid"
	[ -d "$d" ] || { bad "node $nid: no $d"; continue; }
	base=$(($(cat "$d/base")))
	psize=$(cat "$d/size")
	total=$(cat "$d/total_chunks")
	free=$(cat "$d/free_chunks")
	meta=$(cat "$d/metadata_bytes")
	echo "pool_sysfs: node $nid base $base size $psize chunks $total free $free metadata $meta"
	[ $((base % SECTION)) -eq 0 ] || bad "node $nid: base not section aligned"
	[ $((psize % SECTION)) -eq 0 ] || bad "node $nid: size not sections"
	[ $((total * chunk)) -ge "$size" ] || bad "node $nid: $total chunks < $size bytes"
	[ $((total * chunk)) -lt "$psize" ] || bad "node $nid: chunks exceed reservation"
	[ "$free" -eq "$total" ] || bad "node $nid: $free of $total chunks free"
	[ "$meta" -gt 0 ] && [ "$meta" -le $META_SPAN ] || bad "node $nid: metadata $meta"
	iomem_check "$nid" "$base" $((base + psize - 1))
	map_check "$nid" "$total" "$free"
done

for d in $SYS/node*; do
	[ -d "$d" ] || continue
	case " $seen " in
	*" ${d##*/} "*) ;;
	*) bad "unexpected pool ${d##*/}" ;;
	esac
done
exit $fail
