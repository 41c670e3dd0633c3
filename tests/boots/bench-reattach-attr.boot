# Benchmark (make bench-reattach, not in tests/plan): KVM_SET_MEMORY_ATTRIBUTES(PRIVATE)
# over 1, 4, 16 and 64 GiB and 1 TiB of a SW_PROTECTED VM without memslots: time and
# kernel memory per size, and the growth.  A size the previous one predicts to take
# more than 240 s or half the free memory (stock KVM at 1 TiB) is skipped.
BOOT_CMDLINE="nokaslr"
BOOT_MEM_PER_NODE=2G
BOOT_KUNIT=""
boot_tests() {
	t bench-reattach-attr /kvm/gmem_pool_attr_bench -s 1G,4G,16G,64G,1T -t 240
}
