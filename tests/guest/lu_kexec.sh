#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lu_kexec.sh NEXT_PLAN [FILLER_MIB [EXTRA]]: kexec into this same kernel,
# running boot plan NEXT_PLAN.  kexec_file_load() carries the pools'
# placement and the hand-over key to the next kernel by itself, so the
# command line names nothing of the hand-over; EXTRA is added to it (a
# gmem_pool= that the hand-over must override, or that places the pools
# when the hand-over data was left out).  The initramfs is this one
# repacked (uncompressed: gzip and the next kernel's gunzip cost tens of
# seconds under TCG), plus FILLER_MIB MiB of random filler so that kexec
# has tens of MiB to place, never in pool memory.  The sessions to hand
# over are held open by the processes that preserved them.
set -e
next=$1
filler_mib=${2:-0}
extra=${3:-}
rm -f /lu-filler
if [ "$filler_mib" -gt 0 ]; then
	dd if=/dev/urandom of=/lu-filler bs=1M count="$filler_mib" 2>/dev/null
fi
(cd / && find . -xdev | cpio -o -H newc 2>/dev/null > /tmp/next.cpio)
ls -l /tmp/next.cpio
grep -i "gmem pool" /proc/iomem
cmdline="console=ttyS0 panic=-1 oops=panic kunit.enable=0 gmemtest.boot=$next${extra:+ $extra}"
echo "kexec: $cmdline"
exec /kvm/gmem_pool_liveupdate_test kexec /boot/bzImage /tmp/next.cpio "$cmdline"
