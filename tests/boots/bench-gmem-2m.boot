# Benchmark (make bench-gmem, not in tests/plan): 1 GiB of private guest memory
# backed by stock guest_memfd, then by a pool of 2 MiB chunks, in one boot.
BOOT_CMDLINE="nokaslr gmem_pool=0:1G gmem_pool_chunk=2M"
BOOT_MEM_PER_NODE=2G
BOOT_KUNIT=""
boot_tests() {
	t bench-gmem-2m /kvm/gmem_pool_bench -s 1G
}
