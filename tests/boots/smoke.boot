# No pool: the stock guest_memfd selftests pass and gmem_pool_test skips (no capability).
BOOT_CMDLINE=""
BOOT_KUNIT=""
boot_tests() {
	t guest_memfd_test /kvm/guest_memfd_test
	t set_memory_region_test /kvm/set_memory_region_test
	t private_mem_conversions_test /kvm/x86_64/private_mem_conversions_test
	t gmem_pool_test_nopool /kvm/gmem_pool_test
}
