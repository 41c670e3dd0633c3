#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-restore.sh PROJECT BUILD: the cost of preserve and retrieve as the
# preserved memory grows.  Real boots (TCG) preserve a 256 MiB and a 1 GiB
# pool file with every chunk allocated, kexec, and retrieve it; the kernel's
# own restore time (record validation and chunk adoption at boot) comes
# from its log.  The KUnit case gmem_pool_record.gmem_pool_test_1tib
# validates a synthetic record of 1 TiB of 2 MiB chunks.
set -uo pipefail
PROJECT=$1
BUILD=$2
rc=0
printf '%-8s %8s %12s %12s %14s %14s\n' "file" "chunks" "preserve ms" \
	"retrieve ms" "boot restore" "reattach ms"
for mib in 256 1024; do
	name=bench-restore-$mib
	log=$BUILD/logs/$name.log
	"$PROJECT/scripts/run-boot.sh" "$PROJECT" "$BUILD" "$name"
	if ! grep -q '^GMEMTEST: ok resume' "$log"; then
		echo "$name: the live update failed (log: $log)"
		rc=1
		continue
	fi
	phase() { tr -d '\r' < "$log" | sed -n "s/.*: \([0-9.]*\) ms (PHASE $1).*/\1/p"; }
	restore=$(tr -d '\r' < "$log" | sed -n 's/.*handover: restored: .* chunks, generation [0-9]*, \([0-9]*\) us.*/\1 us/p')
	printf '%-8s %8s %12s %12s %14s %14s\n' "${mib}M" $((mib / 2)) \
		"$(phase preserve)" "$(phase retrieve)" "$restore" "$(phase reattach)"
	[ "$mib" = 256 ] && tr -d '\r' < "$log" | grep -o 'gmem_pool_test_1tib: .*' |
		sed 's/^/KUnit synthetic record: /'
done
echo "(TCG timings; 'boot restore' is measured in jiffies by the kernel: 4 ms resolution at HZ=250)"
exit $rc
