# Live update, boot 5 of 5: booted with another size for node 0's pool than the record was written for, the kernel rejects the record (layout mismatch), quarantines the 17 chunks of 0x4000 and 0x4001 and boots on.
BOOT_CMDLINE=""
BOOT_KUNIT=""
boot_tests() {
	t lu-layout /tests/guest/lu_check.sh layout 17
	t lu-absent-5 /kvm/gmem_pool_liveupdate_test absent 0x4000 32
}
