# The live update of a host running QEMU (make demo), boot 1 of 2: Debian's QEMU runs the test
# kernel as a guest on a pool file (256 MiB, 2 MiB chunks); the guest is paused, its device
# and CPU state saved (x-ignore-shared), the pool file preserved in /dev/liveupdate session
# "qemu-lu", and the host kexecs into qemu-lu-resume with the state in the next initramfs.
BOOT_CMDLINE="gmem_pool=0:512M,1:512M gmem_pool_chunk=2M retain_initrd"
BOOT_QEMU=1
BOOT_KUNIT=""
boot_tests() {
	t qemu-lu-start /tests/guest/qemu_lu.sh start
	t qemu-lu-update /tests/guest/qemu_lu.sh update qemu-lu-resume
}
