# Benchmark (make bench-memmap, not in tests/plan): memmap with 1 GiB of 2 MiB hugetlb pages and HVO.
BOOT_CMDLINE="nokaslr hugepagesz=2M hugepages=512 hugetlb_free_vmemmap=on"
BOOT_MEM_PER_NODE=3G
BOOT_KUNIT=""
boot_tests() {
	t bench-memmap /tests/guest/bench_memmap.sh
}
