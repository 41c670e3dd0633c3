# Benchmark (make bench-reattach, not in tests/plan): fault-in of 1 GiB of
# guest memory backed by pool 2 MiB chunks (private guest_memfd, and a
# mapped pool file) beside hugetlbfs 2 MiB pages, in one boot.  The
# hugetlbfs pages are reserved on node 1, away from the pool on node 0.
BOOT_CMDLINE="nokaslr gmem_pool=0:1G gmem_pool_chunk=2M hugepagesz=2M hugepages=1:512"
BOOT_MEM_PER_NODE=2G
BOOT_KUNIT=""
boot_tests() {
	t bench-reattach-fault-2m /kvm/gmem_pool_bench -f -s 1G
}
