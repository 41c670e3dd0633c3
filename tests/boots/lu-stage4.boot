# Live update, boot 4 of 5: the corrupted record is rejected as a whole, its 18 chunks quarantined, and its tokens cannot be retrieved; then a file is preserved and the next kernel gets node 0's pool smaller (384 MiB asked for instead of 512 MiB).
BOOT_CMDLINE=""
BOOT_KUNIT=""
boot_tests() {
	t lu-rejected /tests/guest/lu_check.sh rejected 18
	t lu-absent /kvm/gmem_pool_liveupdate_test absent 0x3000 32
	t lu-absent-2 /kvm/gmem_pool_liveupdate_test absent 0x2001 2
	t lu-preserve-4 /kvm/gmem_pool_liveupdate_test preserve 0x4000 32 11
	t lu-kexec-4 /tests/guest/lu_kexec.sh lu-stage5 0 \
		's/^gmem_pool=0:[0-9]*M@/gmem_pool=0:384M@/'
}
