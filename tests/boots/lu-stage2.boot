# Live update, boot 2 of 5 (kexec'ed from lu): the record is restored, 0x1000 retrieved and reattached, the guest checks every word; 0x1001 is discarded; 0x2000 and 0x2001 stay unclaimed across the next kexec.
BOOT_CMDLINE=""
BOOT_KUNIT=""
boot_tests() {
	t lu-restored /tests/guest/lu_check.sh restored 4 146
	t lu-retrieve /kvm/gmem_pool_liveupdate_test retrieve 0x1000 256 42
	t lu-discard /tests/guest/lu_check.sh discard 0x1001 17
	t lu-kexec-2 /tests/guest/lu_kexec.sh lu-stage3
}
