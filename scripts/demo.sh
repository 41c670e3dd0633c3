#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh PROJECT BUILD: the main job.  Boots the patched kernel with the
# demo plan and streams the guest's console.
set -euo pipefail
PROJECT=$1
BUILD=$2
echo "==> booting the patched kernel in QEMU (TCG); console follows"
STREAM=1 "$PROJECT/scripts/run-boot.sh" "$PROJECT" "$BUILD" demo
python3 "$PROJECT/scripts/summarize-boot.py" "$BUILD/logs/demo.log" demo \
	"$BUILD/linux" "$BUILD/logs/demo.result" | grep -v '^PASS' || true
read -r p f s < "$BUILD/logs/demo.result"
[ "$f" -eq 0 ] && echo "==> demo finished ($p checks passed)" ||
	{ echo "==> demo FAILED ($f checks failed)"; exit 1; }
