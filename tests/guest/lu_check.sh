#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lu_check.sh WHAT [ARGS]: check the gmem pool hand-over state in sysfs.
#   held N0 N1           exactly N0 chunks of node 0 and N1 of node 1 are
#                        not free (held by files, preserved or retrieved)
#   cold N0 N1           a cold boot: status "none", and held N0 N1
#   restored S F C N0 N1 [P]
#                        the record came back: S sessions, F files, C chunks,
#                        P poisoned chunks retired again (default 0);
#                        nothing quarantined: held N0 N1
#   sabotage N           spoil the next hand-over (debugfs knob: 1 corrupt
#                        the record, 2 seal it with a wrong key, 3 leave
#                        the hand-over data out of kexec_file_load)
#   rejected C N0 N1     the record failed validation: rejected, C chunks
#                        quarantined, held N0 N1
#   ignored              the record's key was not the kexec's: every chunk
#                        is free
#   none                 the kexec carried no hand-over data: every chunk
#                        is free
HO=/sys/kernel/mm/gmem_pool/handover
P=/sys/kernel/mm/gmem_pool
KNOB=/sys/kernel/debug/gmem_pool/handover_sabotage

fail() { echo "FAIL: $*"; exit 1; }

show() {
	echo "status: $(cat "$HO/status")"
	for n in "$P"/node*; do
		echo "$n: free $(cat "$n/free_chunks") of $(cat "$n/total_chunks")"
	done
}

# held_is NODE HELD: exactly HELD chunks of NODE are not free.
held_is() {
	free=$(cat "$P/$1/free_chunks")
	total=$(cat "$P/$1/total_chunks")
	[ "$free" -eq $((total - $2)) ] ||
		fail "$1: $free of $total chunks free, want $2 in use"
}

held() {
	held_is node0 "$1"
	held_is node1 "$2"
}

# status_is ERE: the status file is one line that matches ERE.
status_is() {
	[ "$(grep -c . "$HO/status")" -eq 1 ] || fail "status is not one line"
	grep -Eq "$1" "$HO/status" || fail "status does not match '$1'"
}

[ -f "$HO/status" ] || fail "no $HO/status"
[ "$(stat -c %a "$HO/status")" = 400 ] || fail "status is not mode 0400"
for f in preserved unclaimed discard handover_cmdline; do
	[ ! -e "$HO/$f" ] || fail "$HO/$f is still there"
done
show
case $1 in
held)
	held "$2" "$3"
	;;
cold)
	status_is '^none: no hand-over data from the kexec$'
	held "$2" "$3"
	;;
restored)
	status_is "^restored: $2 sessions, $3 files, $4 chunks, ${7:-0} poisoned, generation [0-9]+, [0-9]+ us$"
	held "$5" "$6"
	;;
sabotage)
	[ -w "$KNOB" ] || fail "no $KNOB"
	echo "$2" > "$KNOB" || fail "write $2 to $KNOB"
	;;
rejected)
	status_is "^rejected: .*checksum.*; $2 chunks quarantined$"
	held "$3" "$4"
	;;
ignored)
	status_is '^ignored: record key mismatch$'
	held 0 0
	;;
none)
	status_is '^none: no hand-over data from the kexec$'
	held 0 0
	;;
*)
	fail "usage: $0 held|cold|restored|sabotage|rejected|ignored|none ..."
	;;
esac
echo "ok: $1"
