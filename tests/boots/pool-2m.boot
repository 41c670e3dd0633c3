# Two 512 MiB pools of 2 MiB chunks: sysfs, iomem, debugfs map, no memmap, live-pool KUnit.
BOOT_CMDLINE="gmem_pool=0:512M,1:512M gmem_pool_chunk=2M"
BOOT_MEM_PER_NODE=2G
BOOT_KUNIT="gmem_pool_[pab]*"
boot_tests() {
	t pool-sysfs-2m /tests/guest/pool_sysfs.sh 2M 0:512M 1:512M
	t pool-memmap-2m /tests/guest/pool_memmap.sh 4096
}
