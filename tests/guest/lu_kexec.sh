#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lu_kexec.sh NEXT_PLAN [FILLER_MIB [SED]]: kexec into this same kernel,
# running boot plan NEXT_PLAN, with the gmem pool hand-over parameters on its
# command line, edited by the sed expression SED if one is given (to boot
# the next kernel with another pool layout).  The initramfs is this one repacked (uncompressed: gzip and the next
# kernel's gunzip cost tens of seconds under TCG), plus FILLER_MIB MiB of
# random filler so that kexec has tens of MiB to place, never in pool memory.
set -e
next=$1
filler_mib=${2:-0}
ho=$(cat /sys/kernel/mm/gmem_pool/handover/handover_cmdline)
[ -n "$ho" ] || { echo "no handover_cmdline"; exit 1; }
if [ -n "${3:-}" ]; then
	changed=$(echo "$ho" | sed -e "$3")
	[ "$changed" != "$ho" ] || { echo "'$3' left '$ho' as it was"; exit 1; }
	ho=$changed
fi
rm -f /lu-filler
if [ "$filler_mib" -gt 0 ]; then
	dd if=/dev/urandom of=/lu-filler bs=1M count="$filler_mib" 2>/dev/null
fi
(cd / && find . -xdev | cpio -o -H newc 2>/dev/null > /tmp/next.cpio)
ls -l /tmp/next.cpio
grep -i "gmem pool" /proc/iomem
cmdline="console=ttyS0 panic=-1 oops=panic kunit.enable=0 gmemtest.boot=$next $ho"
echo "kexec: $cmdline"
exec /kvm/gmem_pool_liveupdate_test kexec /boot/bzImage /tmp/next.cpio "$cmdline"
