# Live update, boot 4 of 4: the corrupted record is rejected as a whole, its 18 chunks quarantined, and its tokens cannot be retrieved.
BOOT_CMDLINE=""
BOOT_KUNIT=""
boot_tests() {
	t lu-rejected /tests/guest/lu_check.sh rejected 18
	t lu-absent /kvm/gmem_pool_liveupdate_test absent 0x3000 32
	t lu-absent-2 /kvm/gmem_pool_liveupdate_test absent 0x2001 2
}
