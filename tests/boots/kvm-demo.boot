# The raw-KVM live update (make demo before QEMU took it over), boot 1: a guest of the project's own VMM counts in pool memory; the VMM pauses it, preserves its memory in the /dev/liveupdate session "demo" and kexecs into kvm-demo-resume.
BOOT_CMDLINE="gmem_pool=0:512M,1:512M gmem_pool_chunk=2M"
BOOT_KUNIT=""
boot_tests() {
	t kvm-demo-show-pool /tests/guest/demo_show_pool.sh
	t kvm-demo-live-update /tests/guest/demo_live_update.sh kvm-demo-resume
}
