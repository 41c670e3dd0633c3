#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lu_check.sh WHAT: check the gmem pool hand-over state in sysfs.
#   preserved  boot 1: tokens 0x1000 (128 chunks) and 0x1001 are preserved
#   restored   boot 2: the record was restored, both files are unclaimed
#   discard    boot 2: discarding 0x1001 empties the list, frees every chunk
#   rejected   boot 2 of a corrupted record: rejected, chunks quarantined
HO=/sys/kernel/mm/gmem_pool/handover
P=/sys/kernel/mm/gmem_pool

fail() { echo "FAIL: $*"; exit 1; }

show() {
	for f in status preserved unclaimed handover_cmdline; do
		echo "$f:"; cat "$HO/$f"
	done
	for n in "$P"/node*; do
		echo "$n: free $(cat "$n/free_chunks") of $(cat "$n/total_chunks")"
	done
}

all_free() {
	for n in "$P"/node*; do
		[ "$(cat "$n/free_chunks")" = "$(cat "$n/total_chunks")" ] ||
			fail "$n: not every chunk is free"
	done
}

show
case $1 in
preserved)
	grep -q "^0x1000 268435456 0 128$" "$HO/preserved" || fail "0x1000"
	grep -q "^0x1001 2097152 0 1$" "$HO/preserved" || fail "0x1001"
	;;
restored)
	grep -q "^restored: 2 files, 129 chunks" "$HO/status" || fail status
	grep -q "^0x1000 268435456 0 128$" "$HO/unclaimed" || fail "0x1000"
	grep -q "^0x1001 2097152 0 1$" "$HO/unclaimed" || fail "0x1001"
	;;
discard)
	echo 0x4242 > "$HO/discard" 2>/dev/null && fail "unknown token"
	echo garbage > "$HO/discard" 2>/dev/null && fail "garbage"
	echo 0x1001 > "$HO/discard" || fail "discard 0x1001"
	[ -z "$(cat "$HO/unclaimed")" ] || fail "still unclaimed"
	all_free
	;;
rejected)
	grep -q "^rejected: .*checksum" "$HO/status" || fail status
	[ -z "$(cat "$HO/unclaimed")" ] || fail "unclaimed after rejection"
	free=$(cat "$P/node0/free_chunks")
	total=$(cat "$P/node0/total_chunks")
	[ "$free" -eq $((total - 129)) ] || fail "129 chunks not quarantined"
	;;
*)
	fail "usage: $0 preserved|restored|discard|rejected"
	;;
esac
echo "ok: $1"
