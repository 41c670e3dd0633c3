# Live update, boot 2 (kexec'ed from lu): the record is restored, the file retrieved and reattached, the guest checks every word; the unclaimed file is discarded.
BOOT_CMDLINE=""
BOOT_KUNIT=""
boot_tests() {
	t lu-restored /tests/guest/lu_check.sh restored
	t lu-retrieve /kvm/gmem_pool_liveupdate_test retrieve 0x1000 256 42
	t lu-discard /tests/guest/lu_check.sh discard
}
