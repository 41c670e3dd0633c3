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
# WHAT=w1: rebuild the directories that hold our C files with W=1 (kbuild's
#   extra warnings); any warning in one of our files fails.  Needs the
#   kernel built (make check builds it first).
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
	# The kbuild directories that compile our .c files: virt/kvm is built
	# from arch/x86/kvm, everything else from its own directory.
	sources=$(project_files | grep -E '^(arch|mm|virt|kernel|lib)/.*\.c$' || true)
	dirs=$(echo "$sources" | sed -e 's|^virt/kvm/.*|arch/x86/kvm/|' \
		-e 's|/[^/]*\.c$|/|' | sort -u)
	# shellcheck disable=SC2086
	make -s ARCH=x86_64 CC="ccache gcc" -j"$(nproc)" W=1 $dirs > "$out.log" 2>&1
	status=$?
	for f in $sources; do
		grep -E "(^|/)$f:[0-9]+(:[0-9]+)?: (warning|error):" "$out.log" -A3 > "$out" || true
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
