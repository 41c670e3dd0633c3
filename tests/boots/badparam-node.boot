# Malformed gmem_pool= and gmem_pool_chunk=, unaligned @phys, too large, unknown node: boots, no pool.
BOOT_CMDLINE="gmem_pool=0:512M,,1:1G gmem_pool=0:256M@0x8100000,1:64G,7:256M gmem_pool_chunk=3M gmem_pool_chunk=2M"
BOOT_KUNIT=""
boot_tests() {
	t badparam-node /tests/guest/pool_badparam.sh none \
		'gmem_pool=: missing size at' \
		'gmem_pool_chunk=3M: must be 2M or 1G' \
		'node 0: @0x0*8100000 is not aligned to 128 MiB, pool skipped' \
		'node 1: no free [0-9]+ MiB range for 65536 MiB of chunks, pool skipped' \
		'node 7: no such node, pool skipped'
}
