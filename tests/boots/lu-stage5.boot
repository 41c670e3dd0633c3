# Live update, boot 5 of 5: the kexec carried no hand-over data: status "none", the pools placed from the command line (256 MiB) as on a cold boot, every chunk free, lu-lost absent.
BOOT_CMDLINE=""
BOOT_KUNIT=""
LU=/kvm/gmem_pool_liveupdate_test
boot_tests() {
	t lu-none /tests/guest/lu_check.sh none
	t lu-placement-5 /tests/guest/pool_sysfs.sh 2M 0:256M 1:256M
	t lu-absent-5 $LU absent lu-lost
}
