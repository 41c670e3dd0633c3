# The live update of a host running QEMU (make demo), boot 2 of 2 (kexec'ed from qemu-lu): a new
# QEMU retrieves the pool file, loads the saved state and continues the guest, which goes on
# with the same boot_id, its uptime and its counter continuing.
BOOT_CMDLINE=""
BOOT_KUNIT=""
boot_tests() {
	t qemu-lu-resume /tests/guest/qemu_lu.sh resume
}
