#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# series.sh PROJECT BUILD COMMAND [ARGS]
#
# The project as a git format-patch series against the base kernel tree.
# series/ defines it (series/README.md says how): one message file per
# patch, series/files assigning every project file to the patch that brings
# it to its final content, and series/early/ for files that an earlier
# patch already needs in a partial form.
#
#   export      check the manifest, build the series' commits on top of the
#               base tree and write BUILD/patches/: the cover letter and one
#               file per patch (git format-patch)
#   verify      export, then `git am` every patch in order onto a clean base
#               tree and check that the result is the base tree with the
#               whole project applied
#   bisect      verify, then build the kernel (config/gmem-pool.config over
#               tinyconfig) after each patch, incrementally, with ccache
#   checkpatch  export, then scripts/checkpatch.pl --strict on each patch,
#               commit message included: one PASS or FAIL line per patch
#   show PATH [SLUG]
#               print project file PATH as the kernel tree has it after the
#               patch SLUG (default: after the whole series)
#
# The base tree is a git repository made once, in BUILD/series/linux, from
# the same source as the test build (Debian's linux-source-6.12 or KSRC=).
# git am runs in a second worktree of it, BUILD/series/am, so that the
# first one changes only between the commits that bisect builds (kbuild
# then recompiles what a patch changed, and nothing else).  bisect builds
# in that first worktree, in-tree like make check's build: with the same
# relative paths, ccache serves it every object make check compiled whose
# preprocessed source a patch leaves unchanged.
# verify, bisect and checkpatch end with "N passed, N failed".
set -euo pipefail

PROJECT=$(cd "$1" && pwd)
mkdir -p "$2"
BUILD=$(cd "$2" && pwd)
CMD=${3:-}
SERIES=$PROJECT/series
WORK=$BUILD/series
REPO=$WORK/linux
AMTREE=$WORK/am
OUT=$BUILD/patches
FRAGMENT=$PROJECT/config/gmem-pool.config
JOBS=${JOBS:-2}
passed=0 failed=0

die() {
	echo "series: $*" >&2
	exit 1
}

judge() {
	if [ "$2" -eq 0 ]; then
		echo "PASS  $1"
		passed=$((passed + 1))
	else
		echo "FAIL  $1"
		failed=$((failed + 1))
	fi
}

summary() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

git_repo() {
	git -C "$REPO" "$@"
}

# --- the manifest ----------------------------------------------------------

# Patches in order: series/NNN-SLUG.msg.
SLUGS=()
declare -A SLUG_INDEX=() SLUG_MSG=()
load_patches() {
	local m slug i=0

	for m in "$SERIES"/[0-9][0-9][0-9]-*.msg; do
		[ -e "$m" ] || die "no patch message in $SERIES (NNN-SLUG.msg)"
		slug=$(basename "$m" .msg)
		slug=${slug#[0-9][0-9][0-9]-}
		[ -z "${SLUG_INDEX[$slug]:-}" ] || die "$m: slug $slug used twice"
		SLUGS+=("$slug")
		SLUG_INDEX[$slug]=$i
		SLUG_MSG[$slug]=$m
		i=$((i + 1))
	done
}

# series/files: "SLUG PATH" lines; every project file exactly once.
declare -A FINAL=()
load_files() {
	local slug path n=0 bad=0 f

	while read -r slug path; do
		n=$((n + 1))
		case $slug in ''|\#*) continue ;; esac
		if [ -z "${SLUG_INDEX[$slug]:-}" ]; then
			echo "series: $SERIES/files:$n: no patch $slug (no series/NNN-$slug.msg)" >&2
			bad=1
		elif [ ! -f "$PROJECT/$path" ]; then
			echo "series: $SERIES/files:$n: $path is not a project file" >&2
			bad=1
		elif [ -n "${FINAL[$path]:-}" ]; then
			echo "series: $SERIES/files:$n: $path assigned twice (${FINAL[$path]}, $slug)" >&2
			bad=1
		else
			FINAL[$path]=$slug
		fi
	done < "$SERIES/files"
	while IFS= read -r f; do
		if [ -z "${FINAL[$f]:-}" ]; then
			echo "series: project file $f is in no patch: assign it in $SERIES/files" >&2
			bad=1
		fi
	done < <("$PROJECT/scripts/project-files.sh" "$PROJECT")
	[ "$bad" -eq 0 ] || die "the manifest does not cover the project (see above)"
}

# series/early/SLUG/PATH.diff: PATH as patch SLUG has it, as a diff from its
# final kernel content.  EARLY[PATH] lists the SLUGs.
declare -A EARLY=()
load_early() {
	local d slug path bad=0

	[ -d "$SERIES/early" ] || return 0
	while IFS= read -r d; do
		slug=${d#"$SERIES"/early/}
		slug=${slug%%/*}
		path=${d#"$SERIES"/early/"$slug"/}
		path=${path%.diff}
		if [ -z "${SLUG_INDEX[$slug]:-}" ]; then
			echo "series: $d: no patch $slug" >&2
			bad=1
		elif [ -z "${FINAL[$path]:-}" ]; then
			echo "series: $d: $path is not assigned in $SERIES/files" >&2
			bad=1
		elif [ "${SLUG_INDEX[$slug]}" -ge "${SLUG_INDEX[${FINAL[$path]}]}" ]; then
			echo "series: $d: patch $slug is not before ${FINAL[$path]}, where $path is final" >&2
			bad=1
		else
			EARLY[$path]="${EARLY[$path]:-} $slug"
		fi
	done < <(find "$SERIES/early" -type f -name '*.diff' | LC_ALL=C sort)
	[ "$bad" -eq 0 ] || die "bad early versions (see above)"
}

# New project files that MAINTAINERS.patch adds no F: line for.
check_maintainers() {
	local f pat ok bad=0 pats

	[ -f "$PROJECT/MAINTAINERS.patch" ] || return 0
	pats=$(sed -n 's/^+F:[[:space:]]*//p' "$PROJECT/MAINTAINERS.patch")
	for f in "${!FINAL[@]}"; do
		case $f in *.patch) continue ;; esac
		ok=0
		for pat in $pats; do
			# shellcheck disable=SC2053
			[[ $f == $pat || ( $pat == */ && $f == "$pat"* ) ]] && ok=1
		done
		if [ "$ok" -eq 0 ]; then
			echo "series: $f has no F: line in MAINTAINERS.patch" >&2
			bad=1
		fi
	done
	[ "$bad" -eq 0 ] || die "MAINTAINERS.patch does not cover the project (see above)"
}

load_manifest() {
	[ -f "$SERIES/files" ] || die "$SERIES/files missing"
	load_patches
	load_files
	load_early
	load_first
	check_maintainers
}

# --- the base tree ---------------------------------------------------------

# A git repository of the base source with one commit, branch "base".
base_repo() {
	local src=${KSRC:-${TARBALL:-/usr/src/linux-source-6.12.tar.xz}}

	KSRC=${KSRC:-} "$PROJECT/scripts/prepare-tree.sh" "$REPO"
	if git_repo rev-parse -q --verify refs/heads/base >/dev/null 2>&1 &&
	   [ "$(git_repo config gmem.source 2>/dev/null)" = "$src" ]; then
		return 0
	fi
	echo "series: making a git repository of the base tree in $REPO (once)"
	rm -rf "$REPO/.git"
	git_repo init -q -b base
	git_repo config gc.auto 0
	git_repo config core.autocrlf false
	printf '%s\n' /.gmem-pool-source '/.checkpatch-camelcase.*' \
		>> "$REPO/.git/info/exclude"
	# -f: the Debian tarball's .gitignore ignores everything at the top.
	git_repo add -A -f
	GIT_AUTHOR_NAME=base GIT_AUTHOR_EMAIL=base@localhost \
	GIT_COMMITTER_NAME=base GIT_COMMITTER_EMAIL=base@localhost \
	GIT_AUTHOR_DATE="@0 +0000" GIT_COMMITTER_DATE="@0 +0000" \
		git_repo commit -q -m "Linux $(base_version)"
	git_repo config gmem.source "$src"
}

base_version() {
	awk -F' *= *' '$1 == "VERSION" { v = $2 } $1 == "PATCHLEVEL" { p = $2 }
		$1 == "SUBLEVEL" { s = $2 } END { print v "." p "." s }' \
		"$REPO/Makefile"
}

# --- file contents ---------------------------------------------------------

# kpath PATH: the kernel path a project file changes.
kpath() {
	echo "${1%.patch}"
}

# final_content PATH OUT: the kernel file after the whole project.
final_content() {
	local path=$1 out=$2 k

	case $path in
	*.patch)
		k=$(kpath "$path")
		git_repo show "base:$k" > "$out.base" 2>/dev/null ||
			die "$path: $k is not in the base tree"
		patch -s -p1 --no-backup-if-mismatch -r - -o "$out" "$out.base" \
			< "$PROJECT/$path" > "$out.log" 2>&1 ||
			die "$path does not apply to the base tree: $(cat "$out.log")"
		rm -f "$out.base" "$out.log"
		;;
	*)
		cp "$PROJECT/$path" "$out"
		;;
	esac
}

# content_at PATH SLUG OUT: the kernel file as patch SLUG leaves it, for a
# patch that changes it (its final patch or one with an early version).
content_at() {
	local path=$1 slug=$2 out=$3 diff

	final_content "$path" "$out"
	[ "${FINAL[$path]}" = "$slug" ] && return 0
	diff=$SERIES/early/$slug/$path.diff
	patch -s -p1 --no-backup-if-mismatch -r - "$out" < "$diff" \
		> "$out.log" 2>&1 ||
		die "$diff does not apply to the final $(kpath "$path"), update it: $(cat "$out.log")"
	rm -f "$out.log"
}

# FIRST[PATH]: the index of the first patch that has PATH.
declare -A FIRST=()
load_first() {
	local path s i

	for path in "${!FINAL[@]}"; do
		i=${SLUG_INDEX[${FINAL[$path]}]}
		for s in ${EARLY[$path]:-}; do
			[ "${SLUG_INDEX[$s]}" -lt "$i" ] && i=${SLUG_INDEX[$s]}
		done
		FIRST[$path]=$i
	done
}

# maintainers_at SLUG OUT: MAINTAINERS after patch SLUG.  Its F: lines come
# with the patch that adds the first file they match, so that every patch
# adding files updates MAINTAINERS too (checkpatch's FILE_PATH_CHANGES).
maintainers_at() {
	local slug=$1 out=$2 f pat keep drop=()

	final_content MAINTAINERS.patch "$out"
	while IFS= read -r pat; do
		keep=0
		for f in "${!FINAL[@]}"; do
			case $f in *.patch) continue ;; esac
			[ "${FIRST[$f]}" -le "${SLUG_INDEX[$slug]}" ] ||
				continue
			# shellcheck disable=SC2053
			[[ $f == $pat || ( $pat == */ && $f == "$pat"* ) ]] && keep=1
		done
		[ "$keep" -eq 1 ] || drop+=("F:	$pat")
	done < <(sed -n 's/^+F:[[:space:]]*//p' "$PROJECT/MAINTAINERS.patch")
	if [ ${#drop[@]} -gt 0 ]; then
		printf '%s\n' "${drop[@]}" > "$out.drop"
		grep -vxF -f "$out.drop" "$out" > "$out.new" || true
		mv "$out.new" "$out"
		rm -f "$out.drop"
	fi
}

# --- export ----------------------------------------------------------------

author() {
	local name email

	if [ -n "${SERIES_AUTHOR:-}" ]; then
		echo "$SERIES_AUTHOR"
		return
	fi
	name=$(git -C "$PROJECT" config user.name 2>/dev/null || true)
	email=$(git -C "$PROJECT" config user.email 2>/dev/null || true)
	[ -n "$name" ] && [ -n "$email" ] ||
		die "no author: set git user.name and user.email, or SERIES_AUTHOR=\"Name <email>\""
	echo "$name <$email>"
}

# stage PATH SLUG: put PATH as patch SLUG has it into the temporary index.
stage() {
	local path=$1 slug=$2 k mode sha tmp

	k=$(kpath "$path")
	tmp=$WORK/stage.tmp
	if [ "$path" = MAINTAINERS.patch ]; then
		maintainers_at "$slug" "$tmp"
	else
		content_at "$path" "$slug" "$tmp"
	fi
	mode=$(git_repo ls-tree base -- "$k" | awk '{ print $1 }')
	if [ -z "$mode" ]; then
		mode=100644
		[ -x "$PROJECT/$path" ] && mode=100755
	fi
	sha=$(git_repo hash-object -w "$tmp")
	# One update-index per patch: the index of a kernel tree is large.
	printf '%s %s\t%s\n' "$mode" "$sha" "$k" >> "$WORK/index-info"
	rm -f "$tmp"
}

export_series() {
	local who date parent tree commit slug path msg

	load_manifest
	base_repo
	who=$(author)
	date=$(git -C "$PROJECT" log -1 --format='%ad' --date=raw 2>/dev/null ||
	       echo "@0 +0000")
	export GIT_AUTHOR_NAME=${who% <*} GIT_AUTHOR_EMAIL=${who##*<}
	GIT_AUTHOR_EMAIL=${GIT_AUTHOR_EMAIL%>}
	export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
	export GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date
	export GIT_INDEX_FILE=$WORK/export.index
	rm -f "$GIT_INDEX_FILE"
	git_repo read-tree base
	parent=$(git_repo rev-parse base)
	for slug in "${SLUGS[@]}"; do
		: > "$WORK/index-info"
		for path in "${!FINAL[@]}"; do
			if [ "${FINAL[$path]}" = "$slug" ] ||
			   [[ " ${EARLY[$path]:-} " == *" $slug "* ]] ||
			   [ "$path" = MAINTAINERS.patch ]; then
				stage "$path" "$slug"
			fi
		done
		git_repo update-index --index-info < "$WORK/index-info"
		tree=$(git_repo write-tree)
		if [ "$tree" = "$(git_repo rev-parse "$parent^{tree}")" ]; then
			die "patch $slug (${SLUG_MSG[$slug]}) changes nothing"
		fi
		msg=$WORK/msg.tmp
		sed -e '/^#/d' "${SLUG_MSG[$slug]}" > "$msg"
		grep -qxF "Signed-off-by: $who" "$msg" ||
			printf '\nSigned-off-by: %s\n' "$who" >> "$msg"
		commit=$(git_repo commit-tree "$tree" -p "$parent" -F "$msg")
		parent=$commit
	done
	unset GIT_INDEX_FILE
	rm -f "$WORK/export.index" "$WORK/index-info" "$msg"
	git_repo update-ref refs/heads/series "$parent"

	rm -rf "$OUT"
	git_repo format-patch -q --cover-letter --no-signature -o "$OUT" base..series
	fill_cover "$OUT/0000-cover-letter.patch"
	echo "series: ${#SLUGS[@]} patches and a cover letter in $OUT"
}

# fill_cover FILE: series/cover-letter.msg as the cover letter's subject
# and text; @BASE@ in it becomes the base kernel version.
fill_cover() {
	python3 - "$1" "$SERIES/cover-letter.msg" "$(base_version)" <<'EOF'
import sys
path, src, base = sys.argv[1:]
lines = [l for l in open(src).read().split("\n") if not l.startswith("#")]
subject, body = lines[0], "\n".join(lines[1:]).strip("\n")
text = open(path).read()
for old, new in (("*** SUBJECT HERE ***", subject),
                 ("*** BLURB HERE ***", body.replace("@BASE@", base))):
    if old not in text:
        sys.exit("series: %s: no '%s' to replace" % (path, old))
    text = text.replace(old, new, 1)
open(path, "w").write(text)
EOF
}

# --- verify ----------------------------------------------------------------

patch_files() {
	find "$OUT" -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-*' | LC_ALL=C sort
}

verify_series() {
	local who rc path k tmp bad=0

	export_series
	who=$(author)
	export GIT_COMMITTER_NAME=${who% <*} GIT_COMMITTER_EMAIL=${who##*<}
	GIT_COMMITTER_EMAIL=${GIT_COMMITTER_EMAIL%>}
	if [ ! -e "$AMTREE/.git" ]; then
		git_repo worktree prune
		git_repo worktree add -q -f --detach "$AMTREE" base
	fi
	git -C "$AMTREE" am --abort >/dev/null 2>&1 || true
	git -C "$AMTREE" checkout -q -f -B am base
	git -C "$AMTREE" clean -q -f -d
	rc=0
	# shellcheck disable=SC2046
	git -C "$AMTREE" am -q --whitespace=error-all $(patch_files) \
		> "$WORK/am.log" 2>&1 || rc=$?
	judge "series: git am of $(patch_files | wc -l) patches onto a clean $(base_version)" "$rc"
	if [ "$rc" -ne 0 ]; then
		sed 's/^/      | /' "$WORK/am.log"
		git -C "$AMTREE" am --abort >/dev/null 2>&1 || true
	fi
	[ "$rc" -eq 0 ] || return 0

	git_repo diff --quiet series am -- || bad=1
	judge "series: git am gives the same tree as the export" "$bad"

	# The end of the series must be the project itself, not what the
	# manifest made of it.
	tmp=$WORK/final.tmp
	bad=0
	while IFS= read -r path; do
		k=$(kpath "$path")
		final_content "$path" "$tmp"
		if [ "$(git_repo hash-object "$tmp")" != "$(git_repo rev-parse "am:$k" 2>/dev/null)" ]; then
			echo "      | $k differs from the project's at the end of the series"
			bad=1
		fi
	done < <("$PROJECT/scripts/project-files.sh" "$PROJECT")
	rm -f "$tmp"
	judge "series: the last patch leaves the base tree with the whole project" "$bad"
}

# --- bisect ----------------------------------------------------------------

# configure LAST: tinyconfig + the fragment.  Options a patch has
# not introduced yet are dropped by olddefconfig; after the last patch
# every option of the fragment must be there.
configure() {
	local last=$1 line missing=""

	make -s -C "$REPO" ARCH=x86_64 tinyconfig > /dev/null
	(cd "$REPO" && scripts/kconfig/merge_config.sh -m .config "$FRAGMENT" \
		> /dev/null)
	make -s -C "$REPO" ARCH=x86_64 olddefconfig > /dev/null
	while IFS= read -r line; do
		case $line in
		CONFIG_*=n) ;;
		CONFIG_*=*) grep -qxF "$line" "$REPO/.config" || missing+=" ${line%%=*}" ;;
		esac
	done < "$FRAGMENT"
	if [ -n "$missing" ]; then
		echo "      not yet in the tree:$missing"
		[ "$last" -eq 0 ] || return 1
	fi
}

bisect_series() {
	local commits c prev="" n=0 total start rc subject t0 last

	verify_series
	[ "$failed" -eq 0 ] || return 0
	commits=$(git_repo rev-list --reverse base..am)
	total=$(echo "$commits" | wc -l)
	t0=$SECONDS
	for c in $commits; do
		n=$((n + 1))
		start=$SECONDS
		subject=$(git_repo log -1 --format=%s "$c")
		git_repo checkout -q "$c"
		last=0
		[ "$n" -eq "$total" ] && last=1
		rc=0
		if [ -z "$prev" ] || [ ! -f "$REPO/.config" ] || [ "$last" -eq 1 ] ||
		   git_repo diff --name-only "$prev" "$c" | grep -q 'Kconfig'; then
			configure "$last" || rc=$?
		fi
		if [ "$rc" -eq 0 ]; then
			make -s -C "$REPO" ARCH=x86_64 CC="ccache gcc" \
				-j"$JOBS" bzImage > "$WORK/build-$n.log" 2>&1 || rc=$?
			grep -E '(warning|error):' "$WORK/build-$n.log" |
				sed 's/^/      | /' | head -n 20 || true
		fi
		[ "$rc" -eq 0 ] || tail -n 20 "$WORK/build-$n.log" 2>/dev/null |
			sed 's/^/      | /'
		judge "bisect: $(printf '%04d' "$n") $subject ($((SECONDS - start)) s)" "$rc"
		prev=$c
	done
	echo "series: built after each of $total patches in $((SECONDS - t0)) s"
}

# --- checkpatch ------------------------------------------------------------

# checkpatch checks SPDX lines with scripts/spdxcheck.py, through the
# python3 on PATH, and silently skips the check if that python lacks ply
# or GitPython.  Debian's python has them (deps.sh installs python3-ply and
# python3-git), a python3 of pyenv or a venv earlier on PATH may not.
export PATH=/usr/bin:$PATH

# spdxcheck.py accepts a known licence and rejects an unknown one.
spdxcheck_works() {
	local good bad

	good=$(cd "$REPO" && echo "SPDX-License-Identifier: GPL-2.0" |
		scripts/spdxcheck.py - 2>&1) &&
	bad=$(cd "$REPO" && echo "SPDX-License-Identifier: GPL-9.9" |
		scripts/spdxcheck.py - 2>&1) &&
	[ -z "$good" ] && [[ $bad == *"Invalid License ID: GPL-9.9"* ]]
}

checkpatch_series() {
	local p rc out

	export_series > /dev/null
	judge "series: export of ${#SLUGS[@]} patches, every project file in one" 0
	rc=0
	spdxcheck_works || rc=1
	judge "series: checkpatch's spdxcheck.py rejects an unknown licence" "$rc"
	out=$WORK/checkpatch.out
	while IFS= read -r p; do
		rc=0
		(cd "$REPO" && ./scripts/checkpatch.pl --strict --quiet --no-summary \
			--show-types "$p") > "$out" 2>&1 || rc=$?
		judge "checkpatch --strict $(basename "$p")" "$rc"
		[ "$rc" -eq 0 ] || sed 's/^/      | /' "$out"
	done < <(patch_files)
	rm -f "$out"
}

# --- show ------------------------------------------------------------------

show_file() {
	local path=$1 slug=${2:-} s have="" tmp

	load_manifest
	base_repo > /dev/null
	[ -n "${FINAL[$path]:-}" ] || die "$path is not a project file"
	[ -n "$slug" ] || slug=${FINAL[$path]}
	[ -n "${SLUG_INDEX[$slug]:-}" ] || die "no patch $slug"
	# The last patch up to SLUG that changes PATH.
	for s in "${SLUGS[@]}"; do
		if [ "${FINAL[$path]}" = "$s" ] ||
		   [[ " ${EARLY[$path]:-} " == *" $s "* ]] ||
		   [ "$path" = MAINTAINERS.patch ]; then
			have=$s
		fi
		[ "$s" = "$slug" ] && break
	done
	tmp=$WORK/show.tmp
	if [ -z "$have" ]; then
		git_repo show "base:$(kpath "$path")" 2>/dev/null ||
			die "$path: not in the tree before patch ${EARLY[$path]:-${FINAL[$path]}}"
	elif [ "$path" = MAINTAINERS.patch ]; then
		maintainers_at "$have" "$tmp" && cat "$tmp"
	else
		content_at "$path" "$have" "$tmp" && cat "$tmp"
	fi
	rm -f "$tmp"
}

mkdir -p "$WORK"
exec 9> "$WORK/lock"
flock 9
case $CMD in
export) export_series ;;
verify) verify_series; summary ;;
bisect) bisect_series; summary ;;
checkpatch) checkpatch_series; summary ;;
show) show_file "${4:?show PATH [SLUG]}" "${5:-}" ;;
*) die "usage: series.sh PROJECT BUILD export|verify|bisect|checkpatch|show PATH [SLUG]" ;;
esac
