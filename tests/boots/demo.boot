# The main job (make demo): boot the patched kernel and show the pools.
BOOT_CMDLINE="gmem_pool=0:512M,1:512M gmem_pool_chunk=2M"
BOOT_KUNIT=""
boot_tests() {
	t show-pool /tests/guest/demo_show_pool.sh
}
