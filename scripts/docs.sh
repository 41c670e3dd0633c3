#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# docs.sh PROJECT TREE
#
# Build the project's documentation with Sphinx from Debian's packages in
# TREE (a kernel tree with the project applied): `make htmldocs` on
# Documentation/virt/kvm (gmem-pool.rst, api.rst and the kernel-doc of
# include/linux/gmem_handover_abi.h) and Documentation/admin-guide
# (kernel-parameters.txt, and our sysfs ABI file through abi-testing), then
# the ABI check of our sysfs file.  About 20 s on two cores when only our
# documents changed since the last run, a few minutes on a new tree.
# Any Sphinx, docutils or kernel-doc warning that names one of our files,
# or a line that our api.rst.patch adds, fails the run; warnings about
# upstream text are counted but do not fail it.
#
# Prints "N passed, N failed" as its last line: one test per check.
set -uo pipefail

PROJECT=$(cd "$1" && pwd)
TREE=$(cd "$2" && pwd)
JOBS=${JOBS:-2}
[ "$JOBS" -gt 2 ] && JOBS=2
PKGS=(python3-sphinx python3-alabaster python3-yaml)
SPHINXDIRS="virt/kvm admin-guide"
FED_BY_US="virt/kvm/gmem-pool.rst virt/kvm/api.rst virt/kvm/index.rst
	admin-guide/kernel-parameters.rst"
# abi-testing.rst renders every ABI file (about 50 s): it is re-read only
# when our ABI file changed since the last run that passed.
ABI_DOC=admin-guide/abi-testing.rst
ABI_OURS=Documentation/ABI/testing/sysfs-kernel-mm-gmem_pool
OUT=$TREE/Documentation/output
LOG=$OUT/gmem-docs.log
ABI_STAMP=$OUT/.gmem-docs-passed
# Our documents and the sources they pull kernel-doc from.
OURS='gmem-pool\.rst|gmem_handover|gmem_carveout|liveupdate\.h'
OURS+='|guest_memfd_pool|sysfs-kernel-mm-gmem_pool|kernel-parameters\.txt'
passed=0 failed=0

judge() {
	if [ "$2" -eq 0 ]; then
		echo "PASS  docs: $1"
		passed=$((passed + 1))
	else
		echo "FAIL  docs: $1"
		failed=$((failed + 1))
	fi
}

finish() {
	[ "$failed" -eq 0 ] && touch "$ABI_STAMP"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

# Line numbers of api.rst that api.rst.patch adds, one per line.
api_added_lines() {
	awk -f "$PROJECT/scripts/added-lines.awk" \
		"$PROJECT/Documentation/virt/kvm/api.rst.patch"
}

# Warnings that are ours: they name one of our files, or api.rst at a line
# our patch adds (docutils reports a table at its first line: one line of
# slack on each side).
our_warnings() {
	local added

	added=$(api_added_lines | tr '\n' ' ')
	grep -E -i 'warning|error|severe|critical' "$1" |
	awk -v added="$added" -v ours="$OURS" '
		BEGIN { n = split(added, a, " "); for (i = 1; i <= n; i++) {
			own[a[i]] = 1; own[a[i] - 1] = 1; own[a[i] + 1] = 1 } }
		$0 ~ ours { print; next }
		match($0, /api\.rst:[0-9]+/) {
			l = substr($0, RSTART + 8, RLENGTH - 8)
			if (l in own) print
		}'
}

"$PROJECT/scripts/deps.sh" "${PKGS[@]}" ||
	{ judge "sphinx packages installed" 1; finish; }
judge "sphinx packages installed" 0

mkdir -p "$(dirname "$LOG")"
# Sphinx re-reads only the sources whose mtime changed and repeats no
# warning of the others.  Touch the documents our files feed (directly, by
# include or through the kernel-doc and ABI directives) so that each run
# reports every warning about them, and the rest of the doctrees is reused.
for d in $FED_BY_US; do
	touch "$TREE/Documentation/$d"
done
[ "$TREE/$ABI_OURS" -nt "$ABI_STAMP" ] && touch "$TREE/Documentation/$ABI_DOC"
rm -f "$ABI_STAMP"
start=$(date +%s)
# htmldocs is a no-dot-config target: the configured tree is not touched.
make -C "$TREE" -j"$JOBS" htmldocs SPHINXDIRS="$SPHINXDIRS" > "$LOG" 2>&1
rc=$?
echo "docs: htmldocs SPHINXDIRS=\"$SPHINXDIRS\" took $(($(date +%s) - start)) s," \
	"output in $OUT"
[ "$rc" -eq 0 ] || tail -n 20 "$LOG" | sed 's/^/      | /'
judge "htmldocs $SPHINXDIRS builds" "$rc"

ours=$(our_warnings "$LOG")
total=$(grep -E -c -i 'warning|error' "$LOG")
echo "docs: $total warning lines in all, $(echo -n "$ours" | grep -c .) about our files"
[ -z "$ours" ] || sed 's/^/      | /' <<< "$ours"
judge "no Sphinx warning about our documents" "$([ -z "$ours" ]; echo $?)"

grep -q 'gmem-pool.html' "$OUT/virt/kvm/index.html" 2>/dev/null
judge "gmem-pool.html is in the virt/kvm index" $?

grep -q 'gmem_pool_chunk=' "$OUT/admin-guide/kernel-parameters.html" 2>/dev/null
judge "kernel-parameters.html lists gmem_pool_chunk=" $?

abi=$(cd "$TREE" && scripts/get_abi.pl validate --dir Documentation/ABI 2>&1 |
      grep -i 'gmem_pool')
[ -z "$abi" ] || sed 's/^/      | /' <<< "$abi"
judge "ABI file sysfs-kernel-mm-gmem_pool validates" "$([ -z "$abi" ]; echo $?)"

finish
