#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-boot.sh PROJECT BUILD NAME
#
# Boot the test kernel once in QEMU (TCG, -cpu max: nested SVM with NPT, so
# /dev/kvm exists in the guest; 2 vCPUs on two NUMA nodes) with the boot
# plan tests/boots/NAME.boot, the serial console going to
# BUILD/logs/NAME.log.  A guest that does not power off within the plan's
# time limit is killed.  BOOT_KERNEL=bzImage boots another kernel with the
# same initramfs (make bench-reattach STOCK_BZIMAGE=: a kernel without the
# project, for figures side by side); LOG_SUFFIX keeps its log apart.
set -uo pipefail

PROJECT=$1
BUILD=$2
NAME=$3
PLAN=$PROJECT/tests/boots/$NAME.boot
LOG=$BUILD/logs/$NAME${LOG_SUFFIX:-}.log
KERNEL=${BOOT_KERNEL:-$BUILD/linux/arch/x86/boot/bzImage}

[ -f "$PLAN" ] || { echo "run-boot: no boot plan $PLAN" >&2; exit 2; }

BOOT_CMDLINE=""
BOOT_KUNIT=""
BOOT_MEM_PER_NODE=2G
BOOT_TIMEOUT=1200
# 1: boot with the initramfs that also holds QEMU (scripts/mkinitramfs-qemu.sh)
BOOT_QEMU=0
# shellcheck source=/dev/null
. "$PLAN"

if [ -n "$BOOT_KUNIT" ]; then
	kunit="kunit.filter_glob=$BOOT_KUNIT"
else
	kunit="kunit.enable=0"
fi
per_node_mib=$(numfmt --from=iec "$BOOT_MEM_PER_NODE")
per_node_mib=$((per_node_mib >> 20))

initrd=$BUILD/initramfs.cpio.gz
[ "$BOOT_QEMU" = 1 ] && initrd=$BUILD/initramfs-qemu.cpio

mkdir -p "$BUILD/logs"
if [ "${STREAM:-0}" = 1 ]; then
	serial=(-serial stdio)
else
	serial=(-serial "file:$LOG")
fi
# shellcheck disable=SC2086
timeout -k 10 "$BOOT_TIMEOUT" qemu-system-x86_64 \
	-accel tcg -cpu max -smp 2,sockets=2,cores=1,threads=1 -m $((2 * per_node_mib))M \
	-object memory-backend-ram,id=m0,size=${per_node_mib}M \
	-object memory-backend-ram,id=m1,size=${per_node_mib}M \
	-numa node,nodeid=0,cpus=0,memdev=m0 \
	-numa node,nodeid=1,cpus=1,memdev=m1 \
	-display none -monitor none -no-reboot \
	"${serial[@]}" \
	-kernel "$KERNEL" \
	-initrd "$initrd" \
	-append "console=ttyS0 panic=-1 oops=panic $kunit gmemtest.boot=$NAME $BOOT_CMDLINE" \
	< /dev/null | if [ "${STREAM:-0}" = 1 ]; then tee "$LOG"; else cat; fi
rc=${PIPESTATUS[0]}
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	echo "GMEMTEST-HOST: timeout after ${BOOT_TIMEOUT}s" >> "$LOG"
fi
exit 0
