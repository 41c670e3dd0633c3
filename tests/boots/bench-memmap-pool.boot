# Benchmark (make bench-memmap, not in tests/plan): memmap and metadata with a 1 GiB gmem pool of 2 MiB chunks.
BOOT_CMDLINE="nokaslr gmem_pool=0:1G gmem_pool_chunk=2M"
BOOT_MEM_PER_NODE=3G
BOOT_KUNIT=""
boot_tests() {
	t bench-memmap /tests/guest/bench_memmap.sh
}
