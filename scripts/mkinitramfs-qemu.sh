#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs-qemu.sh PROJECT BUILD
#
# The initramfs of the boots that run QEMU inside the test VM
# (BOOT_QEMU=1): an uncompressed cpio with Debian's qemu-system-x86_64, the
# libraries ldd names for it, the firmware the microvm machine loads
# (qboot.rom, and linuxboot_dma.bin, which it looks for with -kernel), and the L2 guest's own initramfs (busybox and
# tests/qemu/guest-init) as /qemu/guest.cpio.gz; then the test initramfs
# appended (cpio archives concatenate, and the kernel unpacks a compressed
# one after an uncompressed one).  Only these boots pay for QEMU's ~51 MB;
# uncompressed, because gunzip of that much costs seconds under TCG.
#
# Writes BUILD/initramfs-qemu.part (remade only when QEMU or the guest's
# init changed) and BUILD/initramfs-qemu.cpio.
set -euo pipefail

PROJECT=$(cd "$1" && pwd)
BUILD=$(cd "$2" && pwd)
QEMU=/usr/bin/qemu-system-x86_64
FIRMWARE="/usr/share/qemu/qboot.rom /usr/share/qemu/linuxboot_dma.bin"
PART=$BUILD/initramfs-qemu.part
OUT=$BUILD/initramfs-qemu.cpio
STAGE=$PART.d

if [ ! -f "$PART" ] || [ "$QEMU" -nt "$PART" ] ||
	[ "$PROJECT/tests/qemu/guest-init" -nt "$PART" ] ||
	[ "$0" -nt "$PART" ]; then
	echo "  CPIO    QEMU and its guest for the QEMU boots"
	rm -rf "$STAGE"
	mkdir -p "$STAGE/guest/bin" "$STAGE/guest/proc" "$STAGE/guest/tmp" \
		"$STAGE/guest/dev" "$STAGE/qemu"
	# The files at the paths the dynamic loader looks them up by.
	for f in "$QEMU" $FIRMWARE $(ldd "$QEMU" | grep -o '/[^ ]*'); do
		install -D -m 755 "$(readlink -f "$f")" "$STAGE$f"
	done
	cp /bin/busybox "$STAGE/guest/bin/busybox"
	install -m 755 "$PROJECT/tests/qemu/guest-init" "$STAGE/guest/init"
	(cd "$STAGE/guest" && find . | LC_ALL=C sort |
		cpio -o -H newc --quiet -R 0:0) | gzip -1 > "$STAGE/qemu/guest.cpio.gz"
	rm -rf "$STAGE/guest"
	(cd "$STAGE" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --quiet -R 0:0) > "$PART.tmp"
	mv "$PART.tmp" "$PART"
	rm -rf "$STAGE"
fi
cat "$PART" "$BUILD/initramfs.cpio.gz" > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
