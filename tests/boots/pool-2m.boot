# Two 512 MiB pools of 2 MiB chunks: every KUnit suite, sysfs, iomem, debugfs map, no memmap,
# pool-backed guest_memfd (gmem_pool_test), /dev/liveupdate without a kexec (gmem_pool_luo_test),
# kexec_load refusals (gmem_pool_kexec_test), the stock guest_memfd and attribute selftests next
# to the pools, single-page conversions inside large private ranges (gmem_pool_attr_test) and,
# last, memory errors in chunks (gmem_pool_poison_test).
BOOT_CMDLINE="gmem_pool=0:512M,1:512M gmem_pool_chunk=2M"
BOOT_MEM_PER_NODE=2G
BOOT_KUNIT="gmem_pool*"
boot_tests() {
	t pool-sysfs-2m /tests/guest/pool_sysfs.sh 2M 0:512M 1:512M
	t pool-memmap-2m /tests/guest/pool_memmap.sh 4096
	t gmem_pool_test /kvm/gmem_pool_test
	t gmem_pool_luo_test /kvm/gmem_pool_luo_test
	t gmem_pool_kexec_test /kvm/gmem_pool_kexec_test
	t guest_memfd_test /kvm/guest_memfd_test
	t set_memory_region_test /kvm/set_memory_region_test
	t private_mem_conversions_test /kvm/x86_64/private_mem_conversions_test
	t private_mem_conversions_test-2v1s /kvm/x86_64/private_mem_conversions_test -n 2 -m 1
	t private_mem_conversions_test-1v2s /kvm/x86_64/private_mem_conversions_test -n 1 -m 2
	t private_mem_conversions_test-2v2s /kvm/x86_64/private_mem_conversions_test -n 2 -m 2
	t private_mem_kvm_exits_test /kvm/x86_64/private_mem_kvm_exits_test
	t gmem_pool_attr_test /kvm/gmem_pool_attr_test
	t private_mem_conversions_test_pool-1v1s /kvm/x86_64/private_mem_conversions_test_pool -n 1 -m 1
	t private_mem_conversions_test_pool-2v1s /kvm/x86_64/private_mem_conversions_test_pool -n 2 -m 1
	t private_mem_conversions_test_pool-1v2s /kvm/x86_64/private_mem_conversions_test_pool -n 1 -m 2
	t private_mem_conversions_test_pool-2v2s /kvm/x86_64/private_mem_conversions_test_pool -n 2 -m 2
	t hibernation-refused /tests/guest/pool_hibernation.sh refused
	# Last: every case retires a chunk for the rest of the boot.
	t gmem_pool_poison_test /kvm/gmem_pool_poison_test
}
