#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Narrate what the boot-time carveout did: kernel messages, sysfs, iomem and
# the chunk map.  Fails if the kernel has no pool.
say() { printf '\n### %s\n' "$*"; }

say "kernel command line"
cat /proc/cmdline
say "what the kernel said about the pool at boot"
dmesg | grep 'gmem_pool' || echo "(nothing)"
P=/sys/kernel/mm/gmem_pool
[ -d "$P" ] || { echo "no $P: this kernel has no gmem pool"; exit 1; }
say "sysfs: $P"
echo "chunk_size: $(cat $P/chunk_size)"
for n in "$P"/node*; do
	[ -d "$n" ] || continue
	printf '%s:' "${n##*/}"
	for f in base size total_chunks free_chunks; do
		printf ' %s=%s' "$f" "$(cat "$n/$f")"
	done
	echo
done
say "/proc/iomem: the pool is not System RAM, so kexec never loads into it"
grep -i -B1 'gmem' /proc/iomem
say "memmap cost (/proc/vmstat)"
grep memmap /proc/vmstat
say "chunk map (debugfs)"
for m in /sys/kernel/debug/gmem_pool/*; do
	echo "$m:"
	head -n 8 "$m"
done
