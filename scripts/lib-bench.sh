#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the bench-*.sh scripts: boot a benchmark VM and collect its
# figures.

# bench_boot PROJECT BUILD BOOT PATTERN
#
# Run the boot plan tests/boots/BOOT.boot, judge its log as make check
# would (a splat or an unfinished boot is printed, and its figures are not
# to be trusted), and set BENCH_LINES to the lines of the log that match
# the grep PATTERN, e.g. 'BENCH gmem.*'.  Says so when there are none.
bench_boot() {
	local project=$1 build=$2 boot=$3 pattern=$4
	local log=$build/logs/$boot.log summary=$build/logs/$boot.summary

	echo "==> boot $boot"
	"$project/scripts/run-boot.sh" "$project" "$build" "$boot"
	if ! python3 "$project/scripts/summarize-boot.py" "$log" "$boot" \
		"$build/linux" "$build/logs/$boot.result" > "$summary"; then
		sed 's/^/    /' "$summary"
	fi
	BENCH_LINES=$(grep -o "$pattern" "$log" | tr -d '\r')
	[ -n "$BENCH_LINES" ] || echo "    no figures from $boot (log: $log)"
}
