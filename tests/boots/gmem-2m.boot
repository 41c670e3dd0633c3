# Pool-backed guest_memfd on 2M chunks: KUnit gmem_pool_kvm and gmem_pool_test.
BOOT_CMDLINE="gmem_pool=0:256M,1:256M gmem_pool_chunk=2M"
BOOT_KUNIT="gmem_pool_kvm"
boot_tests() {
	t gmem_pool_test /kvm/gmem_pool_test
}
