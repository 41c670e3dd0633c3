# Pool-backed guest_memfd on 1G chunks: the guest is mapped with 1G NPT entries.
BOOT_CMDLINE="gmem_pool=1:1G gmem_pool_chunk=1G"
BOOT_KUNIT=""
boot_tests() {
	t gmem_pool_test_1g /kvm/gmem_pool_test
}
