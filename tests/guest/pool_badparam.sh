#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# pool_badparam.sh NODES PATTERN...
#
# After a boot with bad gmem_pool= input: every PATTERN (an extended regular
# expression) matches a "gmem_pool: " line of the kernel log, and exactly the
# pools of NODES (comma separated node ids, or "none") exist in sysfs.

SYS=/sys/kernel/mm/gmem_pool
fail=0
nodes=$1
shift

log=$(dmesg | grep 'gmem_pool: ')
for p in "$@"; do
	if echo "$log" | grep -Eq -- "$p"; then
		echo "pool_badparam: found: $p"
	else
		echo "pool_badparam: missing message: $p"
		fail=1
	fi
done

want=""
[ "$nodes" = none ] || want=$(echo "$nodes" | tr ',' ' ')
have=""
for d in $SYS/node*; do
	[ -d "$d" ] && have="$have ${d##*/node}"
done
if [ "$(echo $have)" != "$(echo $want)" ]; then
	echo "pool_badparam: pools on nodes '$(echo $have)', want '$(echo $want)'"
	fail=1
fi
exit $fail
