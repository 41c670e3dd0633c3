#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh PROJECT BUILD: the main job, a live update of a host that runs
# Debian's QEMU with a Linux guest on pool memory.  Boots the patched
# kernel with boot plan tests/boots/qemu-lu.boot (the test VM, under TCG)
# and streams its console: QEMU boots the guest on a pool file, the guest
# prints its boot_id, uptime and counter every second; QEMU pauses it and
# saves its device and CPU state, the pool file is preserved in a
# /dev/liveupdate session, the host kexecs (into qemu-lu-resume.boot), a
# new QEMU retrieves the file, loads the state and continues the guest.
# Ends with the phase times and one line "demo: PASS: ..." or
# "demo: FAIL: ..."; exits non-zero unless the guest kept running.
set -euo pipefail
PROJECT=$1
BUILD=$2
PLAN=qemu-lu
LOG=$BUILD/logs/$PLAN.log
echo "==> booting the patched kernel in QEMU (TCG); its console follows"
echo "    (an L2 guest runs in it under nested KVM: expect a few minutes)"
STREAM=1 "$PROJECT/scripts/run-boot.sh" "$PROJECT" "$BUILD" "$PLAN"
python3 "$PROJECT/scripts/summarize-boot.py" "$LOG" "$PLAN" \
	"$BUILD/linux" "$BUILD/logs/$PLAN.result" | grep -v '^PASS' || true
read -r _ f _ < "$BUILD/logs/$PLAN.result"
echo
echo "==> live update summary (CLOCK_REALTIME; across kexec it is set from the RTC: +-1 s)"
tr -d '\r' < "$LOG" | sed -n 's/^qemu-lu: *//p' | grep '^PHASE' | sed 's/^PHASE /    /'
result=$(tr -d '\r' < "$LOG" | sed -n 's/^qemu-lu: RESULT //p' | tail -n 1)
if [ "$f" -eq 0 ] && [ -n "$result" ]; then
	# RESULT boot_id ID uptime A B counter C D
	read -r _ id _ a b _ c d <<< "$result"
	echo "    guest counter: $c before the pause, $d first after"
	echo "demo: PASS: the guest kernel kept running across the host kexec (boot_id $id before and after, uptime $a s -> $b s)"
else
	why=$(tr -d '\r' < "$LOG" | grep -E '^(FAIL: |GMEMTEST-HOST: )' | head -n 1)
	[ -n "$why" ] || why=$(tr -d '\r' < "$LOG" | grep '^GMEMTEST: not ok' | head -n 1)
	[ -n "$why" ] || why="no result from the resumed guest"
	why=${why#FAIL: }
	echo "demo: FAIL: $why (log: $LOG)"
	exit 1
fi
