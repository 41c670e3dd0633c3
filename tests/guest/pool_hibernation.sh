#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# pool_hibernation.sh offered|refused
#
# With a pool the kernel must not offer hibernation: an image would not hold
# the pools, and the restoring kernel would format their metadata while the
# restored files still hold chunks.  "refused": /sys/power/state lists no
# "disk", /sys/power/disk says [disabled], and asking for it fails.
# "offered" (a boot without pools): "disk" is listed, so the check above
# means something.
set -u
want=$1
state=$(cat /sys/power/state)
echo "state: $state; disk: $(cat /sys/power/disk)"
case " $state " in
*" disk "*) offered=1 ;;
*) offered=0 ;;
esac

case $want in
offered)
	[ "$offered" = 1 ] || { echo "FAIL: no pool, but no disk in /sys/power/state"; exit 1; }
	;;
refused)
	[ "$offered" = 0 ] || { echo "FAIL: disk offered while pools exist"; exit 1; }
	grep -qx '\[disabled\]' /sys/power/disk ||
		{ echo "FAIL: /sys/power/disk is not [disabled]"; exit 1; }
	if echo disk > /sys/power/state 2>/dev/null; then
		echo "FAIL: echo disk > /sys/power/state succeeded"
		exit 1
	fi
	;;
*)
	echo "usage: $0 offered|refused"
	exit 2
	;;
esac
echo "hibernation $want as expected"
