# Retired chunks across the hand-over, boot 1 of 2: a file holding 2 chunks of node 0 is preserved in session ho-poison, then memory_failure() (hard_offline_page) retires its first chunk, a free chunk of node 0 and one of node 1; kexec into ho-poison-2.
BOOT_CMDLINE="gmem_pool=0:256M,1:256M gmem_pool_chunk=2M"
BOOT_KUNIT=""
LU=/kvm/gmem_pool_liveupdate_test
HP=/tests/guest/ho_poison.sh
boot_tests() {
	t hop-preserve $LU preserve-hole ho-poison 0 0x70 8 4 0
	t hop-retire-held $HP retire 0 held
	t hop-retire-free-0 $HP retire 0 free
	t hop-retire-free-1 $HP retire 1 free
	t hop-kexec /tests/guest/lu_kexec.sh ho-poison-2
}
