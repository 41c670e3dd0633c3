# Benchmark (make bench-reattach, not in tests/plan): KVM_SET_MEMORY_ATTRIBUTES(PRIVATE)
# over 1, 4, 16 and 64 GiB and 1 TiB of a SW_PROTECTED VM without memslots: time and
# kernel memory per size, and the growth.  A size the previous one predicts to take
# more than 600 s or half the free memory (stock KVM at 1 TiB) is skipped.  slab_nomerge:
# the maple tree's nodes have a cache of their own in /proc/slabinfo.
BOOT_CMDLINE="nokaslr slab_nomerge"
BOOT_MEM_PER_NODE=2G
BOOT_KUNIT=""
boot_tests() {
	t bench-reattach-attr /kvm/gmem_pool_attr_bench -s 1G,4G,16G,64G,1T -t 600
}
