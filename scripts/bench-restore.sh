#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-restore.sh PROJECT BUILD: the cost of preserve and retrieve as the
# preserved memory grows.  Real boots (TCG) preserve a 256 MiB and a 1 GiB
# pool file with every chunk allocated in a /dev/liveupdate session, kexec,
# and retrieve it; the kernel's own restore time (record validation and
# chunk adoption at boot) comes from its hand-over status, which the
# resumed demo prints.  The KUnit case gmem_pool_record.gmem_pool_test_1tib
# validates a synthetic record of 1 TiB of 2 MiB chunks; tests/host counts
# the instructions of validating and claiming records of 1 GiB to 1 TiB.
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
	# The status line the resumed demo printed (handover/status, SPEC):
	# "restored: S sessions, F files, C chunks, P poisoned, generation G, T us".
	restore=$(tr -d '\r' < "$log" | sed -n 's/.*hand-over status: restored: .* chunks, [0-9]* poisoned, generation [0-9]*, \([0-9]*\) us.*/\1 us/p')
	printf '%-8s %8s %12s %12s %14s %14s\n' "${mib}M" $((mib / 2)) \
		"$(phase preserve)" "$(phase retrieve)" "$restore" "$(phase reattach)"
	[ "$mib" = 256 ] && tr -d '\r' < "$log" | grep -o 'gmem_pool_test_1tib: .*' |
		sed 's/^/KUnit synthetic record: /'
done
echo "(TCG with KASAN: compare the rows, not the figures; 'boot restore' is the"
echo " kernel's own time for validating the record and claiming its chunks)"

# The same restore work natively, on synthetic records: the kernel's record
# code built for userspace (tests/host), with the claim loop modelled on
# gmem_ho_adopt().  callgrind counts instructions exactly; the times are
# this machine's.
echo
echo "Restore of synthetic records of 2 MiB chunks, natively (tests/host):"
host=$BUILD/host-bench
if ! make -s --no-print-directory -C "$PROJECT/tests/host" O="$host" bench > "$host.log" 2>&1 ||
   ! make -s --no-print-directory -C "$PROJECT/tests/host" O="$host" callgrind >> "$host.log" 2>&1; then
	echo "host restore benchmark failed:"
	sed 's/^/  | /' "$host.log"
	exit 1
fi
grep '^record' "$host.log" | sed 's/^/  1 TiB, 20 runs: /'
printf '  %-10s %10s %16s %16s %12s\n' "pool" "chunks" "validate instr" "claim instr" "per chunk"
awk '/^chunks/ {
	printf "  %-10s %10d %16d %16d %12.1f\n", ($2 * 2 >= 1024 ? $2 * 2 / 1024 " GiB" : $2 * 2 " MiB"),
		$2, $4, $6, ($4 + $6) / $2
}' "$host.log"
exit $rc
