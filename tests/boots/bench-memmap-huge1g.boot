# Benchmark (make bench-memmap, not in tests/plan): memmap with one 1 GiB hugetlb page and HVO.
BOOT_CMDLINE="nokaslr hugepagesz=1G hugepages=1 hugetlb_free_vmemmap=on"
BOOT_MEM_PER_NODE=3G
BOOT_KUNIT=""
boot_tests() {
	t bench-memmap /tests/guest/bench_memmap.sh
}
