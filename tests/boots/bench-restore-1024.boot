# make bench-restore: preserve a 1024 MiB pool file (all chunks allocated) in session "demo", kexec, retrieve and reattach it; the 1 TiB synthetic record is validated by KUnit.
BOOT_CMDLINE="gmem_pool=0:1040M,1:256M gmem_pool_chunk=2M"
BOOT_MEM_PER_NODE=3G
BOOT_KUNIT="gmem_pool_record"
boot_tests() {
	t bench-restore /tests/guest/demo_live_update.sh bench-restore-resume 1024 1
}
