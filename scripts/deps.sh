#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh [PACKAGE...]
#
# Install Debian 12 packages: the ones named, or with no argument all that
# the build, the test VM and the documentation need.  As root, missing
# packages are installed; otherwise the exact apt-get line is printed and
# the script fails.
set -euo pipefail

PKGS=(
	build-essential bc bison flex libelf-dev libssl-dev kmod cpio xz-utils
	rsync python3 ccache busybox-static qemu-system-x86 linux-source-6.12
	patch perl git clang llvm libclang-rt-14-dev valgrind liburcu-dev
	python3-sphinx python3-alabaster python3-yaml
	python3-ply python3-git
)
# Only needed when the user does not name a tree of their own.
[ -n "${KSRC:-}" ] && PKGS=("${PKGS[@]/linux-source-6.12/}")
[ $# -gt 0 ] && PKGS=("$@")

missing=()
for p in "${PKGS[@]}"; do
	[ -n "$p" ] || continue
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: run as root:  apt-get install -y ${missing[*]}" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; then
	apt-get update >/dev/null
	apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
fi
