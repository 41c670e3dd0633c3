# Side-car carve-out (KVM_GMEM_POOL_CARVE), boot 1 of 2: every case of gmem_pool_carve_test (carved while the VM is paused and while it runs, a mapped file, every bad input), then a running guest's file is carved and both files are preserved in the session "carve"; a free chunk and a chunk of a mapped file are retired by memory errors and the file is preserved in the session "poison"; kexec into carve-2.
BOOT_CMDLINE="gmem_pool=0:512M,1:512M gmem_pool_chunk=2M"
BOOT_MEM_PER_NODE=2G
BOOT_KUNIT=""
CARVE=/kvm/gmem_pool_carve_test
boot_tests() {
	t gmem_pool_carve_test $CARVE
	t carve-preserve $CARVE preserve carve 0xca00
	t poison-preserve /kvm/gmem_pool_poison_test preserve-poison poison 0xbad0
	t carve-kexec /tests/guest/lu_kexec.sh carve-2
}
