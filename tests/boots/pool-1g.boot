# Two 1 GiB pools of 1 GiB chunks: chunk alignment, one-section metadata, live-pool KUnit,
# pool-backed guest_memfd mapped with 1G NPT entries, and memory errors in 1 GiB chunks.
# A 1 GiB pool needs 1152 MiB free around a 1 GiB boundary of its node; on
# 3 GiB nodes a randomly placed kernel (KASLR) can take the only room.
BOOT_CMDLINE="nokaslr gmem_pool=0:1G,1:1G gmem_pool_chunk=1G"
BOOT_MEM_PER_NODE=3G
BOOT_KUNIT="gmem_pool_boot"
boot_tests() {
	t pool-sysfs-1g /tests/guest/pool_sysfs.sh 1G 0:1G 1:1G
	t pool-memmap-1g /tests/guest/pool_memmap.sh 6144
	t gmem_pool_test_1g /kvm/gmem_pool_test
	t private_mem_conversions_test_pool-1g-1v1s /kvm/x86_64/private_mem_conversions_test_pool -n 1 -m 1
	t private_mem_conversions_test_pool-1g-2v1s /kvm/x86_64/private_mem_conversions_test_pool -n 2 -m 1
	t private_mem_conversions_test_pool-1g-1v2s /kvm/x86_64/private_mem_conversions_test_pool -n 1 -m 2
	t private_mem_conversions_test_pool-1g-2v2s /kvm/x86_64/private_mem_conversions_test_pool -n 2 -m 2
	# Last: a 1 GiB chunk retired under a process mapping (node 0) and under a guest (node 1).
	t gmem_pool_poison_test_1g /kvm/gmem_pool_poison_test -t mapped_chunk -t guest_private_chunk
}
