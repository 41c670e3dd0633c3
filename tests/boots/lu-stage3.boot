# Live update, boot 3 of 5: 0x2000, preserved in boot 1 and unclaimed in boot 2, is retrieved and verified after a second kexec; then a new file is preserved and the record corrupted on purpose before kexec into lu-stage4.
BOOT_CMDLINE=""
BOOT_KUNIT=""
boot_tests() {
	t lu-restored-3 /tests/guest/lu_check.sh restored 2 17
	t lu-retrieve-3 /kvm/gmem_pool_liveupdate_test retrieve 0x2000 32 7
	t lu-preserve-3 /kvm/gmem_pool_liveupdate_test preserve 0x3000 32 9
	t lu-corrupt /tests/guest/lu_check.sh corrupt
	t lu-kexec-3 /tests/guest/lu_kexec.sh lu-stage4
}
