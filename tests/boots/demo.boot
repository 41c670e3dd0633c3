# The main job (make demo), boot 1: a guest counts in pool memory; the VMM pauses it, preserves its memory in the /dev/liveupdate session "demo" and kexecs into demo-resume.
BOOT_CMDLINE="gmem_pool=0:512M,1:512M gmem_pool_chunk=2M"
BOOT_KUNIT=""
boot_tests() {
	t show-pool /tests/guest/demo_show_pool.sh
	t live-update /tests/guest/demo_live_update.sh demo-resume
}
