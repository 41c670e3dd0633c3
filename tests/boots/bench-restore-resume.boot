# make bench-restore, second boot: retrieve session "demo" and its file, reattach it, and time it.
BOOT_CMDLINE=""
BOOT_KUNIT=""
boot_tests() {
	t resume /kvm/gmem_pool_demo resume
}
