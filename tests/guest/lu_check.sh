#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lu_check.sh WHAT [ARGS]: check the gmem pool hand-over state in sysfs.
#   preserved            boot 1: 0x1000 (128 chunks), 0x1001, 0x2000 (16
#                        chunks), 0x2001 and the mapped file 0x5000 (4
#                        chunks) are preserved
#   restored FILES CHUNKS
#                        the record was restored: FILES files holding CHUNKS
#                        chunks, all of them unclaimed
#   discard TOKEN HELD   discarding TOKEN unlists it and frees its chunks:
#                        HELD chunks of node 0 stay in use, node 1 is free
#   corrupt              make the next record fail its checksum (debugfs)
#   rejected QUARANTINED the corrupted record was rejected: nothing is
#                        unclaimed, QUARANTINED chunks of node 0 are withheld
#   layout QUARANTINED   the record was rejected because node 0's pool has
#                        another size now; its QUARANTINED chunks are withheld
HO=/sys/kernel/mm/gmem_pool/handover
P=/sys/kernel/mm/gmem_pool
KNOB=/sys/kernel/debug/gmem_pool/handover_corrupt_record

fail() { echo "FAIL: $*"; exit 1; }

show() {
	for f in status preserved unclaimed handover_cmdline; do
		echo "$f:"; cat "$HO/$f"
	done
	for n in "$P"/node*; do
		echo "$n: free $(cat "$n/free_chunks") of $(cat "$n/total_chunks")"
	done
}

# free_is NODE HELD: exactly HELD chunks of NODE are not free.
free_is() {
	free=$(cat "$P/$1/free_chunks")
	total=$(cat "$P/$1/total_chunks")
	[ "$free" -eq $((total - $2)) ] ||
		fail "$1: $free of $total chunks free, want $2 in use"
}

show
case $1 in
preserved)
	grep -q "^0x1000 268435456 0 128$" "$HO/preserved" || fail "0x1000"
	grep -q "^0x1001 2097152 0 1$" "$HO/preserved" || fail "0x1001"
	grep -q "^0x2000 33554432 0 16$" "$HO/preserved" || fail "0x2000"
	grep -q "^0x2001 2097152 0 1$" "$HO/preserved" || fail "0x2001"
	grep -q "^0x5000 8388608 0 4$" "$HO/preserved" || fail "0x5000"
	;;
restored)
	grep -q "^restored: $2 files, $3 chunks" "$HO/status" || fail status
	[ "$(grep -c . "$HO/unclaimed")" -eq "$2" ] || fail "unclaimed"
	[ -z "$(cat "$HO/preserved")" ] || fail "preserved before any preserve"
	;;
discard)
	echo 0x4242 > "$HO/discard" 2>/dev/null && fail "unknown token"
	echo garbage > "$HO/discard" 2>/dev/null && fail "garbage"
	grep -q "^$2 " "$HO/unclaimed" || fail "$2 not unclaimed"
	echo "$2" > "$HO/discard" || fail "discard $2"
	grep -q "^$2 " "$HO/unclaimed" && fail "$2 still unclaimed"
	echo "$2" > "$HO/discard" 2>/dev/null && fail "discard $2 twice"
	free_is node0 "$3"
	free_is node1 0
	;;
corrupt)
	echo 1 > "$KNOB" || fail "no $KNOB"
	;;
rejected)
	grep -q "^rejected: .*checksum" "$HO/status" || fail status
	[ -z "$(cat "$HO/unclaimed")" ] || fail "unclaimed after rejection"
	free_is node0 "$2"
	free_is node1 0
	;;
layout)
	grep -q "^rejected: pool layout changed: the record.s pools hold [0-9]* chunks, more than" "$HO/status" ||
		fail status
	[ -z "$(cat "$HO/unclaimed")" ] || fail "unclaimed after rejection"
	free_is node0 "$2"
	free_is node1 0
	;;
*)
	fail "usage: $0 preserved|restored|discard|corrupt|rejected|layout ..."
	;;
esac
echo "ok: $1"
