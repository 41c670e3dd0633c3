# An @phys pool overlapping another pool is skipped; the other pool comes up.
BOOT_CMDLINE="gmem_pool=1:256M@0x80000000,0:256M@0x90000000 gmem_pool_chunk=2M"
BOOT_KUNIT=""
boot_tests() {
	t badparam-overlap /tests/guest/pool_badparam.sh 1 \
		'node 0: @0x0*90000000 overlaps the pool of node 1, pool skipped' \
		'node 1: 384 MiB at 0x0*80000000, 191 chunks of 2 MiB'
	t pool-sysfs-fixed /tests/guest/pool_sysfs.sh 2M 1:256M
}
