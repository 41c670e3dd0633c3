#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# demo_live_update.sh NEXT_PLAN [MIB [SECONDS]]: the first half of the live update.  Packs
# the next kernel's initramfs (this one) while nothing runs yet, then the
# demo VMM starts a counting guest, pauses it, preserves its memory (in the
# /dev/liveupdate session "demo", which it holds open) and
# kexecs into this same kernel running boot plan NEXT_PLAN.
set -e
next=$1
echo "[demo] step 0: pack the initramfs for the next kernel (before any guest runs)"
(cd / && find . -xdev | cpio -o -H newc 2>/dev/null | gzip -1 > /tmp/next.cpio.gz)
ls -l /tmp/next.cpio.gz
cmdline="console=ttyS0 panic=-1 oops=panic kunit.enable=0 gmemtest.boot=$next"
exec /kvm/gmem_pool_demo start 0xd3e0 "${2:-256}" "${3:-5}" /boot/bzImage \
	/tmp/next.cpio.gz \
	"$cmdline"
