# Stock 6.12 guest_memfd selftests on the debug kernel, without any pool.
BOOT_CMDLINE=""
BOOT_KUNIT=""
boot_tests() {
	t guest_memfd_test /kvm/guest_memfd_test
	t set_memory_region_test /kvm/set_memory_region_test
	t private_mem_conversions_test /kvm/x86_64/private_mem_conversions_test
}
