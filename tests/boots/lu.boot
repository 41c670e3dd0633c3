# Live update, boot 1 of 5: a SW-protected guest fills 256 MiB of pool memory, then 32 MiB more; a default-type guest fills 8 MiB of a mapped pool file (GUEST_MEMFD_FLAG_POOL_MMAP); all three are preserved; kexec (a 32+ MiB initramfs) into lu-stage2.
BOOT_CMDLINE="gmem_pool=0:512M,1:512M gmem_pool_chunk=2M"
BOOT_MEM_PER_NODE=2G
BOOT_KUNIT=""
boot_tests() {
	t lu-preserve /kvm/gmem_pool_liveupdate_test preserve 0x1000 256 42
	t lu-preserve-2 /kvm/gmem_pool_liveupdate_test preserve 0x2000 32 7
	t lu-preserve-mmap /kvm/gmem_pool_liveupdate_test preserve-mmap 0x5000 8 5
	t lu-preserved /tests/guest/lu_check.sh preserved
	t lu-kexec /tests/guest/lu_kexec.sh lu-stage2 32
}
