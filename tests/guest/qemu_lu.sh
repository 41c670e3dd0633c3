#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# qemu_lu.sh MODE: the live update of a host that runs Debian's QEMU with a
# Linux guest on pool memory (make demo, and the qemu-lu test).
#
#   start
#	QEMU starts the guest on a new pool file (256 MiB on node 0, 2 MiB
#	chunks) through gmem_pool_qemu and the guest counts (left running)
#   update NEXT_PLAN
#	pause the guest (QMP stop), save its device and CPU state only
#	(x-ignore-shared: the shared RAM block, the pool file, stays where it
#	is), preserve the pool file in the /dev/liveupdate session
#	"qemu-lu" (gmem_pool_qemu preserve takes it from QEMU with
#	pidfd_getfd and leaves a child holding the session), and kexec into
#	this kernel with boot plan NEXT_PLAN.  The next initramfs is this
#	one (kept by retain_initrd, read from /sys/firmware/initrd) with a
#	cpio of /qemu-lu (the state file and what the next kernel needs to
#	know) put in front of it.
#   resume
#	in the next kernel: a new QEMU retrieves the file from the session
#	(gmem_pool_qemu retrieve), loads the state (-incoming defer,
#	migrate-incoming) and continues the guest (cont); the guest must go
#	on: same boot_id, uptime and counter continuing from where they were,
#	and the same chunks under it.
#
# Every phase is timed with CLOCK_REALTIME (gmem_pool_qemu now); across the
# kexec that clock comes from the RTC, so the kexec and downtime figures
# are good to about a second.  Narration lines start with "qemu-lu:".
. /tests/guest/qemu_lib.sh

SESSION=qemu-lu
TOKEN=0x9e40
STATE=/qemu-lu
MIB=256 ALIGN=2M NODE=0
CAPS='{"execute":"migrate-set-capabilities","arguments":{"capabilities":[{"capability":"x-ignore-shared","state":true}]}}'

say() {
	echo "qemu-lu: $*"
}

# phase NAME FROM TO: one timed phase, as the demo's summary collects it.
phase() {
	say "PHASE $1: $(ms "$2" "$3") ms"
}

used_chunks() {
	echo $(($(cat "/sys/kernel/mm/gmem_pool/node$NODE/total_chunks") - $(free_chunks "$NODE")))
}

do_start() {
	say "step 1: QEMU $("$QEMU" --version | head -n 1 | awk '{ print $4 }') starts a Linux guest with $MIB MiB of pool memory"
	qemu_start new "$NODE" "$MIB"
	cat "$QDIR/qemu.out"
	wait_guest 3
	say "step 2: the guest runs and counts (its console):"
	guest_lines | tail -n 3 | sed 's/^/    /'
	say "        chunks of node $NODE in use: $(used_chunks)"
}

do_update() {
	local next=$1 t0 t1 t2 t3 t4 last used pad
	qmp_attach
	# The next initramfs is this one, copied while the guest still runs,
	# padded so that the state's uncompressed cpio can follow a gzip one.
	cp /sys/firmware/initrd /tmp/next.cpio
	pad=$(((4 - $(wc -c < /tmp/next.cpio) % 4) % 4))
	head -c "$pad" /dev/zero >> /tmp/next.cpio
	say "step 3: while the guest runs, copy this initramfs (retain_initrd) for the next kernel: $(($(wc -c < /tmp/next.cpio) >> 20)) MiB"
	wait_guest 4
	t0=$(now)
	qmp '{"execute":"stop"}' || fail "stop"
	t1=$(now)
	last=$(guest_lines | tail -n 1)
	used=$(used_chunks)
	say "step 4: pause the guest (QMP stop); its last line: $last"
	phase pause "$t0" "$t1"
	qmp "$CAPS" || fail "x-ignore-shared"
	qmp '{"execute":"migrate","arguments":{"uri":"exec:cat > '"$QDIR"'/vm.state"}}' ||
		fail "migrate"
	qmp_migration_done || fail "saving the state"
	t2=$(now)
	say "step 5: save device and CPU state only (x-ignore-shared): $(wc -c < "$QDIR/vm.state") bytes"
	phase save-state "$t1" "$t2"
	"$HELPER" preserve "$QEMU_PID" "$SESSION" "$TOKEN" > "$QDIR/preserve.out" ||
		{ cat "$QDIR/preserve.out"; fail "preserve"; }
	t3=$(now)
	say "step 6: preserve the pool file ($used chunks) in /dev/liveupdate session \"$SESSION\""
	grep -v "^Random seed" "$QDIR/preserve.out"
	say "PHASE preserve: $(sed -n 's/.*PRESERVE_FD //p' "$QDIR/preserve.out") (create session + PRESERVE_FD; $(ms "$t2" "$t3") ms with the helper's start)"
	mkdir -p "/tmp/lu$STATE"
	cp "$QDIR/vm.state" "/tmp/lu$STATE/vm.state"
	cat > "/tmp/lu$STATE/info" <<-INFO
	last="$last"
	used=$used
	t_stop=$t0
	INFO
	(cd /tmp/lu && find . | cpio -o -H newc 2>/dev/null) >> /tmp/next.cpio
	t4=$(now)
	say "step 7: add the state to the next initramfs"
	phase pack "$t3" "$t4"
	say "step 8: kexec_file_load and reboot into the next kernel (the guest stays paused)"
	"$HELPER" kexec /boot/bzImage /tmp/next.cpio \
		"console=ttyS0 panic=-1 oops=panic kunit.enable=0 gmemtest.boot=$next gmemqemu.kexec=$t4"
	fail "kexec returned"
}

do_resume() {
	local t5 t6 t7 t8 t9 t_kexec first boot_id a b c0 c1 id1
	t5=$(now)
	. "$STATE/info"
	t_kexec=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^gmemqemu.kexec=//p')
	say "step 9: the new kernel is up: $(cat /sys/kernel/mm/gmem_pool/handover/status)"
	phase kexec "$t_kexec" "$t5"
	qemu_start retrieve "$SESSION" "$TOKEN" -- -incoming defer
	grep -v '^Random seed' "$QDIR/qemu.out"
	t6=$(now)
	say "step 10: retrieve the pool file, start a new QEMU on it (-incoming defer): $(used_chunks) chunks in use (before: $used)"
	say "PHASE retrieve: $(sed -n 's/.*FINISH: //p' "$QDIR/qemu.out") (RETRIEVE_SESSION + RETRIEVE_FD + FINISH)"
	phase qemu-start "$t5" "$t6"
	[ "$(used_chunks)" -eq "$used" ] || fail "the pool file came back with other chunks"
	qmp "$CAPS" || fail "x-ignore-shared"
	qmp '{"execute":"migrate-incoming","arguments":{"uri":"exec:cat '"$STATE"'/vm.state"}}' ||
		fail "migrate-incoming"
	qmp_migration_done || fail "loading the state"
	t7=$(now)
	say "step 11: QEMU loads the device and CPU state"
	phase qemu-restore "$t5" "$t7"
	qmp '{"execute":"cont"}' || fail "cont"
	t8=$(now)
	wait_guest 3
	t9=$(now)
	say "step 12: cont; the guest goes on (its console):"
	guest_lines | head -n 3 | sed 's/^/    /'
	phase downtime "$t_stop" "$t8"
	say "        (to its first line after cont: $(ms "$t_stop" "$t9") ms, counting the guest's 1 s sleep)"

	first=$(guest_lines | head -n 1)
	boot_id=$(guest_field "$last" boot_id)
	id1=$(guest_field "$first" boot_id)
	a=$(guest_field "$last" uptime)
	b=$(guest_field "$first" uptime)
	c0=$(guest_field "$last" counter)
	c1=$(guest_field "$first" counter)
	[ "$id1" = "$boot_id" ] || fail "boot_id $boot_id before, $id1 after: the guest rebooted"
	[ "$c1" -gt "$c0" ] && [ "$c1" -le "$((c0 + 2))" ] ||
		fail "counter $c0 before, $c1 after: not continuing"
	awk -v a="$a" -v b="$b" 'BEGIN { exit !(b > a && b - a < 30) }' ||
		fail "uptime $a s before, $b s after: not continuing"
	guest_lines | awk '{ if (NR > 1 && $7 != last + 1) exit 1; last = $7 }' ||
		fail "the guest's counter did not go up by one a line after resume"
	say "RESULT boot_id $boot_id uptime $a $b counter $c0 $c1"
}

case $1 in
start) do_start ;;
update) do_update "$2" ;;
resume) do_resume ;;
*) fail "unknown mode $1" ;;
esac
