#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# project-files.sh PROJECT
#
# Print the project's kernel files, one per line, sorted, as paths inside
# PROJECT: new files at their kernel path and <path>.patch changes to
# existing ones, under the top-level directories that hold kernel paths,
# plus MAINTAINERS.patch.  The project's own scripts/, tests/ and config/
# are harness, not kernel.  apply-project.sh applies exactly these files
# and series.sh assigns each of them to one patch of the series.
set -euo pipefail

PROJECT=$(cd "$1" && pwd)
KERNEL_DIRS="arch block crypto Documentation drivers fs include init kernel lib mm security tools virt"
TOP_FILES="MAINTAINERS.patch"

cd "$PROJECT"
dirs=()
for d in $KERNEL_DIRS; do
	[ -d "$d" ] && dirs+=("$d")
done
{
	if [ ${#dirs[@]} -gt 0 ]; then
		find "${dirs[@]}" -type f ! -name '*~' ! -name '.*.swp' \
			! -name '*.o' ! -name '*.orig' ! -name '*.rej'
	fi
	for f in $TOP_FILES; do
		[ -f "$f" ] && echo "$f"
	done
} | LC_ALL=C sort
