#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# configure.sh TREE FRAGMENT
#
# tinyconfig + FRAGMENT, then check that every option the fragment asks for
# survived olddefconfig (a dependency missing in Kconfig silently drops an
# option; here it fails the build instead).
set -euo pipefail

TREE=$1
FRAGMENT=$(realpath "$2")
cd "$TREE"

make -s ARCH=x86_64 tinyconfig >/dev/null
scripts/kconfig/merge_config.sh -m .config "$FRAGMENT" >/dev/null
make -s ARCH=x86_64 olddefconfig >/dev/null

bad=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=n)
		opt=${line%=n}
		if grep -q "^$opt=" .config; then
			echo "configure: $opt should be off but is $(grep "^$opt=" .config)" >&2
			bad=1
		fi
		;;
	CONFIG_*=*)
		if ! grep -qx "$line" .config; then
			echo "configure: $line requested, .config has: $(grep "^${line%%=*}=" .config || echo 'not set')" >&2
			bad=1
		fi
		;;
	esac
done < "$FRAGMENT"
exit $bad
