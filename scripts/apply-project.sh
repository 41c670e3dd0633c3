#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# apply-project.sh PROJECT TREE
#
# Make TREE equal to the base source plus the project: every new file of the
# project is copied to its kernel path, every <path>.patch is applied to a
# pristine copy of <path>.  A file in TREE is rewritten only when its content
# changes, so kbuild rebuilds only what was edited; re-running is a no-op.
# Files the project stopped shipping get their pristine content back.
set -euo pipefail

PROJECT=$(cd "$1" && pwd)
TREE=$(cd "$2" && pwd)
BUILD=$(dirname "$TREE")
PRISTINE=$BUILD/pristine
OLDLIST=$BUILD/applied.list
NEWLIST=$BUILD/applied.list.new

# install_if_changed SRC DST: copy SRC over DST only if their bytes differ.
install_if_changed() {
	if ! cmp -s "$1" "$2"; then
		mkdir -p "$(dirname "$2")"
		cp "$1" "$2"
		echo "  update $3"
	fi
}

# save_pristine PATH: keep the base version of PATH before the first change.
save_pristine() {
	if [ ! -e "$PRISTINE/$1" ] && [ ! -e "$PRISTINE/$1.absent" ]; then
		mkdir -p "$(dirname "$PRISTINE/$1")"
		if [ -e "$TREE/$1" ]; then
			cp -p "$TREE/$1" "$PRISTINE/$1"
		else
			touch "$PRISTINE/$1.absent"
		fi
	fi
}

restore_pristine() {
	if [ -e "$PRISTINE/$1" ]; then
		install_if_changed "$PRISTINE/$1" "$TREE/$1" "$1 (restored)"
	elif [ -e "$PRISTINE/$1.absent" ]; then
		rm -f "$TREE/$1"
		echo "  remove $1"
	fi
}

apply_patch() {
	local target=$1 out
	out=$(mktemp)
	save_pristine "$target"
	if [ ! -e "$PRISTINE/$target" ]; then
		echo "apply: $target.patch: $target does not exist in the base tree" >&2
		return 1
	fi
	if ! patch -s -p1 --no-backup-if-mismatch -r - -o "$out" \
		"$PRISTINE/$target" < "$PROJECT/$target.patch" >"$out.log" 2>&1; then
		echo "apply: $target.patch does not apply to $target:" >&2
		sed 's/^/  /' "$out.log" >&2
		rm -f "$out" "$out.log"
		return 1
	fi
	install_if_changed "$out" "$TREE/$target" "$target"
	rm -f "$out" "$out.log"
}

: > "$NEWLIST"
# The kernel files of the project: see project-files.sh.
files=$("$(dirname "$0")/project-files.sh" "$PROJECT")
while IFS= read -r f; do
	case $f in
	*.patch)
		apply_patch "${f%.patch}"
		echo "${f%.patch}" >> "$NEWLIST"
		;;
	*)
		save_pristine "$f"
		install_if_changed "$PROJECT/$f" "$TREE/$f" "$f"
		echo "$f" >> "$NEWLIST"
		;;
	esac
done <<< "$files"

if [ -f "$OLDLIST" ]; then
	LC_ALL=C sort -u "$NEWLIST" -o "$NEWLIST"
	LC_ALL=C sort -u "$OLDLIST" | comm -23 - "$NEWLIST" |
		while IFS= read -r f; do restore_pristine "$f"; done
fi
mv "$NEWLIST" "$OLDLIST"
