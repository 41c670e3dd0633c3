#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ho_poison.sh WHAT ARGS: retired (poisoned) chunks across the hand-over,
# seen through sysfs and the debugfs map.
#   retire NODE free|held  retire the first free (".") or used ("U") chunk
#                          of NODE's map with hard_offline_page:
#                          poisoned_chunks goes up by one, free_chunks down
#                          by one for a free chunk and not at all for a
#                          held one
#   carried NODE P USED    NODE counts P poisoned chunks and USED chunks
#                          not free
SYS=/sys/kernel/mm/gmem_pool
DBG=/sys/kernel/debug/gmem_pool

fail() { echo "ho_poison: FAIL: $*"; exit 1; }

# first_unit NODE CHAR: the first unit of NODE's map that shows CHAR.
first_unit() {
	awk -v c="$2" '{ i = index($2, c); if (i) { print $1 + i - 1; exit } }' \
		"$DBG/node$1_map"
}

counts() {
	echo "node $1: $(cat "$SYS/node$1/poisoned_chunks") poisoned, $(cat "$SYS/node$1/free_chunks") of $(cat "$SYS/node$1/total_chunks") free"
}

case $1 in
retire)
	d=$SYS/node$2
	case $3 in
	free) c=. ;;
	held) c=U ;;
	*) fail "no chunk kind $3" ;;
	esac
	unit=$(first_unit "$2" "$c")
	[ -n "$unit" ] || fail "node $2: no '$c' chunk in the map"
	addr=$(($(cat "$d/base") + unit * $(cat $SYS/chunk_size)))
	p=$(cat "$d/poisoned_chunks")
	f=$(cat "$d/free_chunks")
	printf 'node %s: retire unit %s at 0x%x\n' "$2" "$unit" "$addr"
	printf '0x%x\n' "$addr" > /sys/devices/system/memory/hard_offline_page ||
		fail "hard_offline_page 0x$addr"
	counts "$2"
	[ "$(cat "$d/poisoned_chunks")" -eq $((p + 1)) ] ||
		fail "node $2: poisoned_chunks did not go up by one"
	[ "$3" = held ] && want=$f || want=$((f - 1))
	[ "$(cat "$d/free_chunks")" -eq "$want" ] ||
		fail "node $2: $(cat "$d/free_chunks") chunks free, want $want"
	;;
carried)
	d=$SYS/node$2
	counts "$2"
	[ "$(cat "$d/poisoned_chunks")" -eq "$3" ] ||
		fail "node $2: $(cat "$d/poisoned_chunks") poisoned chunks, want $3"
	used=$(($(cat "$d/total_chunks") - $(cat "$d/free_chunks")))
	[ "$used" -eq "$4" ] || fail "node $2: $used chunks in use, want $4"
	;;
*)
	fail "unknown check $1"
	;;
esac
echo "ok: $1"
