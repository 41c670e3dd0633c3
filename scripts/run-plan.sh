#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-plan.sh PROJECT BUILD PLANFILE [ONLY]
#
# Run every entry of a test plan (see tests/plan), one line per test, and
# end with "N passed, N failed[, N skipped]".  Exits non-zero if any test
# failed.  ONLY restricts the run to entries whose name matches it.
#
# Entries run PLAN_JOBS at a time (default: the number of CPUs): a TCG
# guest running one vCPU's test keeps about one core busy, so two boots,
# or a boot and a host test, share a 2-core machine well.  Each entry's
# lines are printed whole, in plan order, as soon as it and every entry
# before it have finished.  Host entries that must not run together (two
# kbuild runs in one tree) share a lock: "host:LOCK NAME CMD".
set -uo pipefail

PROJECT=$1
BUILD=$2
PLANFILE=$3
ONLY=${4:-}
TREE=$BUILD/linux
PLAN_JOBS=${PLAN_JOBS:-$(nproc)}
RUNDIR=$BUILD/logs/plan
passed=0 failed=0 skipped=0

# run_boot NAME: one QEMU boot, judged from its console log.  Writes
# "passed failed skipped" to $RUNDIR/NAME.result.
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
	cp "$BUILD/logs/$name.result" "$RUNDIR/$name.result"
	echo "    ($((SECONDS - start)) s, log: $BUILD/logs/$name.log)"
}

# run_host NAME CMD...: a test on the build machine; exit 0 passes.  A host
# suite may instead report its own counts on its last line.
run_host() {
	local name=$1
	shift
	local log=$BUILD/logs/host-$name.log
	local start=$SECONDS
	echo "==> host $name"
	if (cd "$PROJECT" && BUILD="$BUILD" TREE="$TREE" "$@") > "$log" 2>&1; then
		if tail -n 1 "$log" | grep -Eq '^[0-9]+ passed, [0-9]+ failed'; then
			tail -n 1 "$log" | awk '{print $1, $3, ($5 == "" ? 0 : $5)}' \
				> "$RUNDIR/$name.result"
			grep -E '^(PASS|FAIL|SKIP) ' "$log" || true
		else
			echo "PASS  host: $name"
			echo "1 0 0" > "$RUNDIR/$name.result"
		fi
	else
		grep -E '^(PASS|FAIL|SKIP) ' "$log" || true
		echo "FAIL  host: $name (log: $log)"
		tail -n 40 "$log" | sed 's/^/      | /'
		echo "0 1 0" > "$RUNDIR/$name.result"
	fi
	echo "    ($((SECONDS - start)) s)"
}

# run_entry I: run plan entry I; its output goes to $RUNDIR/I.out and
# $RUNDIR/I.done marks it finished, whatever happened to it.
run_entry() {
	local i=$1 kind name rest
	read -r kind name rest <<< "${entries[$i]}"
	(
		trap 'touch "$RUNDIR/$i.done"' EXIT
		case $kind in
		boot) run_boot "$name" ;;
		host)
			eval "run_host \"\$name\" $rest"
			;;
		host:*)
			exec 9> "$RUNDIR/${kind#host:}.lock"
			flock 9
			eval "run_host \"\$name\" $rest"
			;;
		*)
			echo "FAIL  plan: unknown entry '$kind $name'"
			echo "0 1 0" > "$RUNDIR/$name.result"
			;;
		esac
	) > "$RUNDIR/$i.out" 2>&1
}

# next_entry: the index of the next entry no worker has taken yet.
next_entry() {
	local i
	exec 8> "$RUNDIR/queue.lock"
	flock 8
	i=$(cat "$RUNDIR/queue")
	echo $((i + 1)) > "$RUNDIR/queue"
	exec 8>&-
	echo "$i"
}

worker() {
	local i
	while i=$(next_entry) && [ "$i" -lt ${#entries[@]} ]; do
		run_entry "$i"
	done
}

entries=()
while read -r kind name rest; do
	case $kind in ''|\#*) continue ;; esac
	if [ -n "$ONLY" ] && [[ $name != $ONLY ]]; then
		continue
	fi
	entries+=("$kind $name $rest")
done < "$PLANFILE"

rm -rf "$RUNDIR"
mkdir -p "$RUNDIR"
echo 0 > "$RUNDIR/queue"
trap 'kill $(jobs -p) 2> /dev/null' EXIT
for ((w = 0; w < PLAN_JOBS; w++)); do
	worker &
done

for i in "${!entries[@]}"; do
	while [ ! -e "$RUNDIR/$i.done" ]; do
		sleep 1
	done
	cat "$RUNDIR/$i.out"
	read -r _ name _ <<< "${entries[$i]}"
	if [ -r "$RUNDIR/$name.result" ]; then
		read -r p f s < "$RUNDIR/$name.result"
		passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	else
		echo "FAIL  plan: $name reported no result"
		failed=$((failed + 1))
	fi
done
wait

echo
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
