# Benchmark (make bench-memmap, not in tests/plan): memmap of a 6 GiB VM without any pool.
BOOT_CMDLINE="nokaslr"
BOOT_MEM_PER_NODE=3G
BOOT_KUNIT=""
boot_tests() {
	t bench-memmap /tests/guest/bench_memmap.sh
}
