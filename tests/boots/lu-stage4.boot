# Live update, boot 4 of 5: the record's key is not the kexec's, so it is ignored and the pools formatted: every chunk free, lu-key absent; the pools keep the placement the kexec carried (512 MiB), not the command line's 256 MiB.  Then a file is preserved and the hand-over data left out of the kexec into lu-stage5.
BOOT_CMDLINE=""
BOOT_KUNIT=""
LU=/kvm/gmem_pool_liveupdate_test
boot_tests() {
	t lu-ignored /tests/guest/lu_check.sh ignored
	t lu-placement /tests/guest/pool_sysfs.sh 2M 0:512M 1:512M
	t lu-absent-4 $LU absent lu-key
	t lu-preserve-4 $LU preserve-hole lu-lost 0 0xf000 8 8 0
	t lu-sabotage-3 /tests/guest/lu_check.sh sabotage 3
	t lu-kexec-4 /tests/guest/lu_kexec.sh lu-stage5 0 \
		"gmem_pool=0:256M,1:256M gmem_pool_chunk=2M"
}
