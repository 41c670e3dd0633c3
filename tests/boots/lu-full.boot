# Live update with every chunk of the largest pools the test VM allows (2 GiB on each 3 GiB node) held by preserved files, each file's chunks apart in the pool: the record needs its most room, and the seal cannot run out of it.  kexec into lu-full-2.  nokaslr: see pool-1g.boot.
BOOT_CMDLINE="nokaslr gmem_pool=0:2G,1:2G gmem_pool_chunk=2M"
BOOT_MEM_PER_NODE=3G
BOOT_KUNIT=""
LU=/kvm/gmem_pool_liveupdate_test
boot_tests() {
	t lu-full-fill $LU fill-pools full
	t lu-full-kexec /tests/guest/lu_kexec.sh lu-full-2
}
