#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# prepare-tree.sh TREE
#
# Make TREE a private copy of the base kernel source, once.  The source is
# Debian's linux-source-6.12 tarball, or the user's tree named by KSRC=,
# which is copied (never modified in place).  A stamp records where TREE
# came from; naming another source later starts over from a fresh copy.
set -euo pipefail

TREE=$1
TARBALL=${TARBALL:-/usr/src/linux-source-6.12.tar.xz}
STAMP=$TREE/.gmem-pool-source
BUILD=$(dirname "$TREE")

if [ -n "${KSRC:-}" ]; then
	[ -f "$KSRC/Makefile" ] && [ -d "$KSRC/virt/kvm" ] ||
		{ echo "prepare-tree: KSRC=$KSRC is not a kernel tree" >&2; exit 1; }
	src=$(cd "$KSRC" && pwd)
else
	[ -f "$TARBALL" ] ||
		{ echo "prepare-tree: $TARBALL missing (apt-get install linux-source-6.12)" >&2; exit 1; }
	src=$TARBALL
fi

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$src" ]; then
	exit 0
fi

echo "prepare-tree: new copy of $src in $TREE"
rm -rf "$TREE" "$BUILD/pristine" "$BUILD/applied"
mkdir -p "$TREE"
if [ -n "${KSRC:-}" ]; then
	rsync -a --exclude=/.git "$src/" "$TREE/"
	make -s -C "$TREE" mrproper
else
	tar -C "$TREE" --strip-components=1 -xf "$src"
fi

version=$(make -s -C "$TREE" kernelversion)
case $version in
6.12*) ;;
*) echo "prepare-tree: warning: $src is $version, the project targets 6.12" >&2 ;;
esac
echo "$src" > "$STAMP"
