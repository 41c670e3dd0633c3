# No pool: the stock guest_memfd_test passes and gmem_pool_test skips (no capability).  The
# other stock selftests run once, in pool-2m, next to the pools: set_memory_region_test alone
# takes 1.5-2.5 minutes under TCG (it adds 32764 memslots), and guest_memfd.c's code for
# files without the pool flag is the same whether or not a pool exists.
BOOT_CMDLINE=""
BOOT_KUNIT=""
boot_tests() {
	t guest_memfd_test /kvm/guest_memfd_test
	t gmem_pool_test_nopool /kvm/gmem_pool_test
	t hibernation-offered /tests/guest/pool_hibernation.sh offered
}
