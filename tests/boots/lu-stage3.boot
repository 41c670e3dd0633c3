# Live update, boot 3 of 5: the corrupted record is rejected as a whole, lu-again's 15 chunks quarantined, and lu-again cannot be retrieved; then a file is preserved and the record sealed with a key other than the kexec's, and the kexec into lu-stage4 asks for smaller pools on its command line.
BOOT_CMDLINE=""
BOOT_KUNIT=""
LU=/kvm/gmem_pool_liveupdate_test
boot_tests() {
	t lu-rejected /tests/guest/lu_check.sh rejected 15 15 0
	t lu-absent $LU absent lu-again
	t lu-preserve-3 $LU preserve-hole lu-key 0 0xe000 8 8 0
	t lu-sabotage-2 /tests/guest/lu_check.sh sabotage 2
	t lu-kexec-3 /tests/guest/lu_kexec.sh lu-stage4 0 \
		"gmem_pool=0:256M,1:256M gmem_pool_chunk=2M"
}
