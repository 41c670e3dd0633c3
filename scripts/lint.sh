#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lint.sh PROJECT TREE WHAT
#
# WHAT=checkpatch: scripts/checkpatch.pl --strict on the whole project as one
#   diff against the base tree (new files and every <path>.patch); any error,
#   warning or check fails.
# WHAT=kernel-doc: scripts/kernel-doc -none on every new C source and header;
#   any warning fails.
# WHAT=w1: rebuild each of our kernel objects with W=1 (kbuild's extra
#   warnings); any warning in one of our files fails.  Needs the kernel
#   configured and built (make check builds it first).
# Prints "N passed, N failed" as its last line (one test per file checked).
set -uo pipefail

PROJECT=$(cd "$1" && pwd)
TREE=$(cd "$2" && pwd)
WHAT=$3
BUILD=$(dirname "$TREE")
PRISTINE=$BUILD/pristine
passed=0 failed=0

# project_files: the kernel files the project adds or changes, as tree paths.
project_files() {
	sort -u "$BUILD/applied.list"
}

# Line numbers of TREE/FILE that the project adds, one per line: every line
# of a new file, the "+" lines of a patched one.
added_lines() {
	local f=$1

	if [ ! -e "$PRISTINE/$f" ]; then
		seq 1 "$(wc -l < "$TREE/$f")"
		return
	fi
	diff -U0 "$PRISTINE/$f" "$TREE/$f" |
		awk -f "$PROJECT/scripts/added-lines.awk"
}

# Filter compiler messages about FILE (on stdin) down to those at lines the
# project adds.
ours_at_added_lines() {
	awk -F: -v f="$1" 'NR == FNR { own[$1] = 1; next }
		{ for (i = 1; i < NF; i++) if ($i ~ ("(^|/)" f "$")) break
		  if (($(i + 1)) in own) print }' <(added_lines "$1") -
}

file_diff() {
	local f=$1 old=/dev/null
	[ -e "$PRISTINE/$f" ] && old=$PRISTINE/$f
	diff -u --label "a/$f" --label "b/$f" "$old" "$TREE/$f"
}

judge() {
	local name=$1 out=$2
	if [ -s "$out" ]; then
		echo "FAIL  lint: $WHAT $name"
		sed 's/^/      | /' "$out"
		failed=$((failed + 1))
	else
		echo "PASS  lint: $WHAT $name"
		passed=$((passed + 1))
	fi
}

out=$(mktemp)
cd "$TREE"
case $WHAT in
checkpatch)
	# Each file is checked as a bare diff: it has no commit message and a
	# new file never comes with its MAINTAINERS hunk, so COMMIT_MESSAGE and
	# FILE_PATH_CHANGES are the two checks left out here.  The patch
	# series (series.sh checkpatch, plan entry lint-series) is checked
	# whole, with both.
	while read -r f; do
		file_diff "$f" > "$out.diff"
		[ -s "$out.diff" ] || continue
		scripts/checkpatch.pl --strict --no-signoff --quiet --no-summary \
			--ignore FILE_PATH_CHANGES,COMMIT_MESSAGE "$out.diff" > "$out" 2>&1
		judge "$f" "$out"
	done < <(project_files)
	;;
kernel-doc)
	# In a file we patch, only the warnings its base version does not
	# have are ours (line numbers dropped to compare them).
	while read -r f; do
		scripts/kernel-doc -none -Wall "$f" 2>&1 |
			sed -E 's/:[0-9]+: /: /' > "$out.new"
		if [ -e "$PRISTINE/$f" ]; then
			scripts/kernel-doc -none -Wall "$PRISTINE/$f" 2>&1 |
				sed -E -e "s|$PRISTINE/||" -e 's/:[0-9]+: /: /' > "$out.old"
			grep -vxF -f "$out.old" "$out.new" > "$out" || true
		else
			mv "$out.new" "$out"
		fi
		judge "$f" "$out"
	done < <(project_files | grep -E '\.[ch]$' || true)
	rm -f "$out.new" "$out.old"
	;;
w1)
	# Each of our objects alone, with kbuild's single-object targets, in
	# the directory that builds it: virt/kvm is compiled from arch/x86/kvm
	# (its flags and includes), everything else from its own directory.
	sources=$(project_files | grep -E '^(arch|mm|virt|kernel|lib)/.*\.c$' || true)
	objs=$(echo "$sources" | sed -e 's|^virt/kvm/|arch/x86/kvm/../../../virt/kvm/|' \
		-e 's|\.c$|.o|')
	# shellcheck disable=SC2086
	make -s ARCH=x86_64 CC="ccache gcc" -j"$(nproc)" W=1 $objs > "$out.log" 2>&1
	status=$?
	# A single-object target builds the decompressor's objects
	# (arch/x86/boot/) with the kernel's flags, not their own: drop them,
	# so that the next build makes them again as the bzImage needs them.
	# shellcheck disable=SC2046
	rm -f $(echo "$objs" | grep '^arch/x86/boot/' || true)
	# In a file we patch, a warning is ours when it points at a line our
	# patch adds; base code we did not touch keeps its own warnings.
	for f in $sources; do
		grep -E "(^|/)$f:[0-9]+(:[0-9]+)?: (warning|error):" "$out.log" |
			ours_at_added_lines "$f" > "$out"
		judge "$f" "$out"
	done
	if [ $status -ne 0 ]; then
		echo "FAIL  lint: w1 build"
		tail -n 20 "$out.log" | sed 's/^/      | /'
		failed=$((failed + 1))
	fi
	rm -f "$out.log"
	;;
*)
	echo "lint: unknown check $WHAT" >&2
	exit 2
	;;
esac
rm -f "$out" "$out.diff"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
