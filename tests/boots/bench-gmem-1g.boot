# Benchmark (make bench-gmem, not in tests/plan): 1 GiB of private guest memory
# backed by stock guest_memfd, then by a pool of 1 GiB chunks, in one boot.
# nokaslr and 3 GiB nodes: see pool-1g.boot.
BOOT_CMDLINE="nokaslr gmem_pool=0:1G gmem_pool_chunk=1G"
BOOT_MEM_PER_NODE=3G
BOOT_KUNIT=""
boot_tests() {
	t bench-gmem-1g /kvm/gmem_pool_bench -s 1G
}
