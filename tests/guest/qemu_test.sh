#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# qemu_test.sh MODE ...: Debian's QEMU runs the test kernel as a guest on
# pool memory, given to it by gmem_pool_qemu.
#
#   boot MIB ALIGN NODE [-- QEMU_ARGS...]
#	start QEMU on a new pool file of MIB on NODE (left running); the
#	guest must print three status lines with one boot_id and a counter
#	going up by one, and NODE's pool must lend it between one chunk and
#	MIB's worth while it runs
#   vmm-view
#	what the VMM side can see of the running guest's memory
#	(gmem_pool_qemu_test vmm-view)
#   stop
#	stop QEMU; every chunk goes back to the pool
#   prealloc MIB
#	QEMU, paused before the guest runs (-S), preallocates its backend
#	(prealloc=on): every chunk of the file is taken at once (left
#	running, for stop)
#   refuse OPTION [BACKEND_EXTRA] [QEMU_ARGS...]
#	the helper refuses QEMU_ARGS (or the backend with BACKEND_EXTRA), with
#	a message naming OPTION, before it takes a chunk or starts QEMU
. /tests/guest/qemu_lib.sh

mode=$1
shift
case $mode in
boot)
	MIB=$1 ALIGN=$2 node=$3
	shift 3
	[ "${1:-}" = -- ] && shift
	chunk_mib=$(($(cat /sys/kernel/mm/gmem_pool/chunk_size) >> 20))
	before=$(free_chunks "$node")
	echo "node $node: $before chunks of $chunk_mib MiB free"
	qemu_start new "$node" "$MIB" -- "$@"
	echo "$MIB $node $before" > "$QDIR/boot"
	wait_guest 3
	guest_lines | tail -n 3
	during=$(free_chunks "$node")
	used=$((before - during))
	echo "node $node: $during chunks free while the guest runs: $used chunks ($((used * chunk_mib)) MiB) back its $MIB MiB"
	[ "$used" -ge 1 ] || fail "the guest runs on no pool chunk"
	[ "$((used * chunk_mib))" -le "$MIB" ] || fail "more chunks than the guest has memory"
	[ "$(guest_lines | awk '{ print $3 }' | sort -u | wc -l)" -eq 1 ] ||
		fail "the guest's boot_id changed"
	guest_lines | awk '{ if (NR > 1 && $7 != last + 1) exit 1; last = $7 }' ||
		fail "the guest's counter did not go up by one a line"
	;;
vmm-view)
	read -r MIB node before < "$QDIR/boot"
	pid=$(cat "$QDIR/pid")
	boot_id=$(guest_field "$(guest_lines | tail -n 1)" boot_id)
	/kvm/gmem_pool_qemu_test vmm-view "$pid" "$MIB" "gmem-pool-qemu-marker-$boot_id"
	;;
stop)
	read -r MIB node before < "$QDIR/boot"
	pid=$(cat "$QDIR/pid")
	kill "$pid"
	i=0
	while [ -d "/proc/$pid" ] && [ "$i" -lt 600 ]; do
		usleep 100000
		i=$((i + 1))
	done
	[ ! -d "/proc/$pid" ] || fail "QEMU did not exit"
	after=$(free_chunks "$node")
	echo "node $node: $after chunks free after QEMU exited (before it: $before)"
	[ "$after" -eq "$before" ] || fail "QEMU's chunks did not all come back"
	;;
prealloc)
	MIB=$1 ALIGN=2M node=0
	chunk_mib=$(($(cat /sys/kernel/mm/gmem_pool/chunk_size) >> 20))
	before=$(free_chunks "$node")
	BACKEND_EXTRA=,prealloc=on
	qemu_start new "$node" "$MIB" -- -S
	echo "$MIB $node $before" > "$QDIR/boot"
	qmp '{"execute":"query-status"}' || fail "QEMU does not answer"
	during=$(free_chunks "$node")
	echo "node $node: $before chunks free before QEMU, $during with QEMU paused before the guest ran"
	[ "$((before - during))" -eq "$((MIB / chunk_mib))" ] ||
		fail "prealloc=on took $((before - during)) chunks, not the file's $((MIB / chunk_mib))"
	;;
refuse)
	opt=$1 BACKEND_EXTRA=${2:-}
	shift 2
	MIB=64 ALIGN=${ALIGN:-2M}
	mkdir -p "$QDIR"
	rm -f "$QDIR/serial.log"
	before=$(free_chunks 0)
	# shellcheck disable=SC2046
	BACKEND_EXTRA=$BACKEND_EXTRA "$HELPER" new 0 "$MIB" "$QEMU" \
		$(BACKEND_EXTRA=$BACKEND_EXTRA qemu_args "${QEMU_MIB:-$MIB}" "$ALIGN") "$@" \
		> "$QDIR/refuse.out" 2>&1
	rc=$?
	cat "$QDIR/refuse.out"
	[ "$rc" -eq 2 ] || fail "gmem_pool_qemu exited $rc, not 2 (refused)"
	grep -q "refused: .*$opt" "$QDIR/refuse.out" || fail "no refusal naming $opt"
	[ ! -e "$QDIR/serial.log" ] || fail "QEMU was started"
	[ "$(free_chunks 0)" -eq "$before" ] || fail "a chunk was taken"
	;;
*)
	fail "unknown mode $mode"
	;;
esac
