# make bench-restore, second boot: retrieve and reattach the preserved file, and time it.
BOOT_CMDLINE=""
BOOT_KUNIT=""
boot_tests() {
	t resume /kvm/gmem_pool_demo resume
}
