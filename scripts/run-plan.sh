#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-plan.sh PROJECT BUILD PLANFILE [ONLY]
#
# Run every entry of a test plan (see tests/plan), one line per test, and
# end with "N passed, N failed[, N skipped]".  Exits non-zero if any test
# failed.  ONLY restricts the run to entries whose name matches it.
set -uo pipefail

PROJECT=$1
BUILD=$2
PLANFILE=$3
ONLY=${4:-}
TREE=$BUILD/linux
passed=0 failed=0 skipped=0

add_result() {
	local p f s
	read -r p f s < "$1"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

run_boot() {
	local name=$1 kunit=""
	local start=$SECONDS
	echo "==> boot $name"
	"$PROJECT/scripts/run-boot.sh" "$PROJECT" "$BUILD" "$name"
	if grep -q '^BOOT_KUNIT="..*"' "$PROJECT/tests/boots/$name.boot"; then
		kunit=--kunit
	fi
	python3 "$PROJECT/scripts/summarize-boot.py" $kunit \
		"$BUILD/logs/$name.log" "$name" "$TREE" "$BUILD/logs/$name.result"
	add_result "$BUILD/logs/$name.result"
	echo "    ($((SECONDS - start)) s, log: $BUILD/logs/$name.log)"
}

run_host() {
	local name=$1
	shift
	local log=$BUILD/logs/host-$name.log
	echo "==> host $name"
	mkdir -p "$BUILD/logs"
	if (cd "$PROJECT" && BUILD="$BUILD" TREE="$TREE" "$@") > "$log" 2>&1; then
		# A host suite may report its own counts on its last line.
		if tail -n 1 "$log" | grep -Eq '^[0-9]+ passed, [0-9]+ failed'; then
			tail -n 1 "$log" | awk '{print $1, $3, ($5 == "" ? 0 : $5)}' \
				> "$log.result"
			grep -E '^(PASS|FAIL|SKIP) ' "$log" || true
			add_result "$log.result"
		else
			echo "PASS  host: $name"
			passed=$((passed + 1))
		fi
	else
		grep -E '^(PASS|FAIL|SKIP) ' "$log" || true
		echo "FAIL  host: $name (log: $log)"
		tail -n 40 "$log" | sed 's/^/      | /'
		failed=$((failed + 1))
	fi
}

while read -r kind name rest; do
	case $kind in ''|\#*) continue ;; esac
	if [ -n "$ONLY" ] && [[ $name != $ONLY ]]; then
		continue
	fi
	case $kind in
	boot) run_boot "$name" ;;
	host) eval "run_host \"\$name\" $rest" ;;
	*) echo "FAIL  plan: unknown entry '$kind $name'"; failed=$((failed + 1)) ;;
	esac
done < "$PLANFILE"

echo
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
