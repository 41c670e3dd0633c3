# Retired chunks across the hand-over, boot 2 of 2: the record carried the 3 retired chunks, which are retired again (2 on node 0, one of them the preserved file's, 1 on node 1) and counted in the status line; FINISH without retrieving frees the file's good chunk and passes its retired one, unzeroed, to the pool's retired chunks.
BOOT_CMDLINE=""
BOOT_KUNIT=""
LU=/kvm/gmem_pool_liveupdate_test
HP=/tests/guest/ho_poison.sh
boot_tests() {
	t hop-restored /tests/guest/lu_check.sh restored 1 1 2 3 1 3
	t hop-carried-0 $HP carried 0 2 3
	t hop-carried-1 $HP carried 1 1 1
	t hop-drop $LU drop ho-poison 0 0x70 1
	t hop-after-finish-0 $HP carried 0 2 2
}
