#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh PROJECT TREE OUT
#
# Pack the test initramfs: static busybox, tests/init as /init, the boot
# plans and guest scripts under /tests, the static kvm selftests under /kvm,
# and the kernel itself as /boot/bzImage (the live-update tests kexec it).
set -euo pipefail

PROJECT=$(cd "$1" && pwd)
TREE=$(cd "$2" && pwd)
OUT=$3
STAGE=$OUT.d
KVMST=$TREE/tools/testing/selftests/kvm

rm -rf "$STAGE"
mkdir -p "$STAGE"/{bin,sbin,proc,sys,dev,tmp,kvm/x86_64,boot,tests}
cp /bin/busybox "$STAGE/bin/busybox"
cp "$PROJECT/tests/init" "$STAGE/init"
chmod 755 "$STAGE/init"
cp -r "$PROJECT/tests/boots" "$PROJECT/tests/guest" "$STAGE/tests/"
cp "$TREE/arch/x86/boot/bzImage" "$STAGE/boot/bzImage"

while read -r t; do
	case $t in ''|\#*) continue ;; esac
	install -D -m 755 "$KVMST/$t" "$STAGE/kvm/$t"
done < "$PROJECT/tests/selftests"

(cd "$STAGE" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet -R 0:0) | gzip -1 > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
