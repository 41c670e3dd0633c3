# Benchmark (make bench-reattach, not in tests/plan): fault-in of 1 GiB of
# guest memory backed by a pool 1 GiB chunk (private guest_memfd, and a
# mapped pool file) beside a hugetlbfs 1 GiB page, in one boot.  The
# hugetlbfs page is reserved on node 1, away from the pool on node 0;
# nokaslr and 3 GiB nodes: see pool-1g.boot.
BOOT_CMDLINE="nokaslr gmem_pool=0:1G gmem_pool_chunk=1G hugepagesz=1G hugepages=1:1"
BOOT_MEM_PER_NODE=3G
BOOT_KUNIT=""
boot_tests() {
	t bench-reattach-fault-1g /kvm/gmem_pool_bench -f -s 1G
}
