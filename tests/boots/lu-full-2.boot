# Live update with every chunk held, boot 2 of 2 (kexec'ed from lu-full): the whole pools come back, every chunk at its offset with its mark, none free before the retrieve and all free after.
BOOT_CMDLINE=""
BOOT_KUNIT=""
LU=/kvm/gmem_pool_liveupdate_test
boot_tests() {
	t lu-full-back $LU check-pools full
}
