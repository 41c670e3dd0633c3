# dev only (not in the plan): the new cases of issue 14
BOOT_CMDLINE="gmem_pool=0:512M,1:512M gmem_pool_chunk=2M"
BOOT_MEM_PER_NODE=2G
BOOT_KUNIT="gmem_pool*"
boot_tests() {
	t gmem_pool_test-new /kvm/gmem_pool_test -t mmap_pagemap -t nested_vmcb_in_pool
	t gmem_pool_poison_test /kvm/gmem_pool_poison_test
}
