# Live update, boot 1 of 5: sessions of /dev/liveupdate, each held open by the process that preserved it.  lu-a: a SW-protected guest's 256 MiB and one chunk; lu-b: 32 MiB and one chunk; lu-mmap: 8 MiB of a mapped pool file a default-type guest wrote; lu-drop: 6 of 8 MiB, to be dropped; tenant-a: 64 MiB and one chunk on node 1; tenant-b (uid 65534): a 512 MiB file (its whole pool) with no chunk; limit-00..57 fill the 64 sessions, limit-00 its 128 files; kexec into lu-stage2.
BOOT_CMDLINE="gmem_pool=0:512M,1:512M gmem_pool_chunk=2M"
BOOT_MEM_PER_NODE=2G
BOOT_KUNIT=""
LU=/kvm/gmem_pool_liveupdate_test
boot_tests() {
	t lu-cold /tests/guest/lu_check.sh cold 0 0
	t lu-preserve $LU preserve lu-a 0 0x1000 256 42
	t lu-preserve-2 $LU preserve lu-b 0 0x2000 32 7
	t lu-preserve-mmap $LU preserve-mmap lu-mmap 0x5000 8 5
	t lu-preserve-drop $LU preserve-hole lu-drop 0 0xd000 8 6 0
	t lu-tenant-a $LU preserve tenant-a 1 0xa000 64 10
	t lu-tenant-b $LU preserve-hole tenant-b 1 0xb000 512 0 65534
	t lu-limits $LU limits limit 58
	t lu-preserved /tests/guest/lu_check.sh held 153 33
	t lu-kexec /tests/guest/lu_kexec.sh lu-stage2 32
}
