# SPDX-License-Identifier: GPL-2.0
#
# qemu_lib.sh: sourced by the scripts that run Debian's QEMU inside the test
# VM on pool memory (boots with BOOT_QEMU=1).  The guest is the test kernel
# with tests/qemu/guest-init; QEMU gets its pool file from gmem_pool_qemu
# as descriptor 3, its console goes to $QDIR/serial.log and its QMP monitor
# to the FIFOs $QDIR/qmp.in and $QDIR/qmp.out (the test kernel has no
# sockets), which qmp() drives.

QDIR=/tmp/qemu
HELPER=/kvm/gmem_pool_qemu
QEMU=/usr/bin/qemu-system-x86_64
# The guest prints a line a second once up; TCG runs the L1 that runs it.
GUEST_BOOT_TIMEOUT=${GUEST_BOOT_TIMEOUT:-180}
QMP_TIMEOUT=${QMP_TIMEOUT:-120}
LINE_RE='^guest: boot_id [0-9a-f-]* uptime [0-9.]* counter [0-9]*$'

fail() {
	echo "FAIL: $*"
	exit 1
}

# The selftests' library prints its random seed first: skip it.
now() {
	"$HELPER" now | tail -n 1
}

# ms FROM TO: milliseconds between two now() readings.
ms() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'
}

free_chunks() {
	cat "/sys/kernel/mm/gmem_pool/node$1/free_chunks"
}

# qemu_args MIB ALIGN: QEMU's command line for a guest of MIB on the pool
# file; BACKEND_OPTS replaces the backend's share=on, BACKEND_EXTRA adds to it.
qemu_args() {
	echo "-accel kvm -cpu host -M microvm,isa-serial=on -bios /usr/share/qemu/qboot.rom" \
		"-m $1M -smp 1 -nodefaults -no-user-config -display none" \
		"-object memory-backend-file,id=ram0,size=$1M,mem-path=/dev/fd/3,${BACKEND_OPTS:-share=on},align=$2${BACKEND_EXTRA:-}" \
		"-machine memory-backend=ram0" \
		"-kernel /boot/bzImage -initrd /qemu/guest.cpio.gz" \
		"-serial file:$QDIR/serial.log" \
		"-chardev pipe,id=qmp,path=$QDIR/qmp -mon chardev=qmp,mode=control"
}

# The guest's kernel command line (one argument, so not in qemu_args).
GUEST_APPEND="console=ttyS0 panic=-1 oops=panic kunit.enable=0 quiet"

# qemu_start HELPER_ARGS... -- EXTRA_QEMU_ARGS...: start QEMU through the
# helper in the background ($QEMU_PID), connect to QMP.
qemu_start() {
	local pre=""
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		pre="$pre $1"
		shift
	done
	[ "${1:-}" = -- ] && shift
	mkdir -p "$QDIR"
	rm -f "$QDIR/qmp.in" "$QDIR/qmp.out" "$QDIR/serial.log"
	mkfifo "$QDIR/qmp.in" "$QDIR/qmp.out"
	[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
	# shellcheck disable=SC2086,SC2046
	"$HELPER" $pre "$QEMU" $(qemu_args "$MIB" "$ALIGN") \
		-append "$GUEST_APPEND" "$@" > "$QDIR/qemu.out" 2>&1 &
	QEMU_PID=$!
	echo "$QEMU_PID" > "$QDIR/pid"
	exec 5<> "$QDIR/qmp.in" 6<> "$QDIR/qmp.out"
	qmp_wait '"QMP"' || { cat "$QDIR/qemu.out"; fail "no QMP greeting from QEMU"; }
	qmp '{"execute":"qmp_capabilities"}' || fail "qmp_capabilities"
}

# qmp_attach: connect to the QMP of a QEMU that qemu_start started in an
# earlier script (the session is negotiated already).
qmp_attach() {
	QEMU_PID=$(cat "$QDIR/pid")
	exec 5<> "$QDIR/qmp.in" 6<> "$QDIR/qmp.out"
}

# qmp_wait PATTERN: read QMP until a line matches PATTERN ($QMP_LINE);
# fails at once if QEMU is gone.
qmp_wait() {
	local i=0
	while [ "$i" -lt "$QMP_TIMEOUT" ]; do
		if read -r -t 1 QMP_LINE <&6; then
			case $QMP_LINE in *$1*) return 0 ;; esac
			continue
		fi
		kill -0 "$QEMU_PID" 2>/dev/null || return 1
		i=$((i + 1))
	done
	return 1
}

# qmp JSON: send a command; 0 if it returned, 1 on an error ($QMP_LINE).
qmp() {
	printf '%s\n' "$1" >&5
	while read -r -t "$QMP_TIMEOUT" QMP_LINE <&6; do
		case $QMP_LINE in
		*'"return"'*) return 0 ;;
		*'"error"'*) echo "qmp: $1: $QMP_LINE"; return 1 ;;
		esac
	done
	echo "qmp: $1: no reply"
	return 1
}

# qmp_migration_done: wait until query-migrate says completed.
qmp_migration_done() {
	local i
	for i in $(seq 1 "$QMP_TIMEOUT"); do
		qmp '{"execute":"query-migrate"}' || return 1
		case $QMP_LINE in
		*'"completed"'*) return 0 ;;
		*'"failed"'*|*'"cancelled"'*) echo "migration: $QMP_LINE"; return 1 ;;
		esac
		usleep 100000
	done
	return 1
}

# guest_lines: the guest's complete status lines so far.
guest_lines() {
	tr -d '\r' < "$QDIR/serial.log" 2>/dev/null | grep -E "$LINE_RE"
}

# wait_guest N: wait until the guest printed N status lines.
wait_guest() {
	local i=0
	while [ "$(guest_lines | wc -l)" -lt "$1" ]; do
		kill -0 "$QEMU_PID" 2>/dev/null || {
			cat "$QDIR/qemu.out"
			fail "QEMU exited"
		}
		i=$((i + 1))
		[ "$i" -le "$((GUEST_BOOT_TIMEOUT * 10))" ] ||
			{ tail -n 20 "$QDIR/serial.log"; fail "the guest printed fewer than $1 lines in ${GUEST_BOOT_TIMEOUT}s"; }
		usleep 100000
	done
}

# guest_field LINE NAME: a field of a status line.
guest_field() {
	echo "$1" | awk -v k="$2" '{ for (i = 2; i < NF; i += 2) if ($i == k) print $(i + 1) }'
}

qemu_quit() {
	qmp '{"execute":"quit"}' || true
	wait "$QEMU_PID" 2>/dev/null || true
}
