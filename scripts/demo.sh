#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh PROJECT BUILD: the main job, a live update.  Boots the patched
# kernel (plan tests/boots/demo.boot), streams the guest's console: a VM
# counts in pool-backed private memory, is paused, its memory preserved, the
# host kexecs (into demo-resume.boot), retrieves the memory, reattaches it,
# and the guest continues counting.  Ends with the phase times; exits
# non-zero unless the guest continued from where it was.
set -euo pipefail
PROJECT=$1
BUILD=$2
LOG=$BUILD/logs/demo.log
echo "==> booting the patched kernel in QEMU (TCG); console follows"
STREAM=1 "$PROJECT/scripts/run-boot.sh" "$PROJECT" "$BUILD" demo
python3 "$PROJECT/scripts/summarize-boot.py" "$LOG" demo \
	"$BUILD/linux" "$BUILD/logs/demo.result" | grep -v '^PASS' || true
read -r p f s < "$BUILD/logs/demo.result"
echo
echo "==> live update summary (CLOCK_REALTIME; across kexec it is set from the RTC: +-1 s)"
tr -d '\r' < "$LOG" | sed -n 's/^\[demo\] *//p' |
	grep -E 'PHASE|^RESULT|^step 3|downtime,' | sed 's/^/    /'
if [ "$f" -eq 0 ] && grep -q '^GMEMTEST: ok resume' "$LOG"; then
	echo "==> demo finished: the guest continued after the live update ($p checks passed)"
else
	echo "==> demo FAILED ($f checks failed; log: $LOG)"
	exit 1
fi
