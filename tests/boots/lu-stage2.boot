# Live update, boot 2 of 5 (kexec'ed from lu): 64 sessions, 138 files and 186 chunks restored, none quarantined; every file retrieved and adopted by a new VM, its words checked by a guest (and by the VMM for the mapped file); FINISH and close free the unretrieved files, lu-drop is dropped whole; tenant A's memory is whole, tenant B's 512 MiB file holds nothing; lu-b's file, retrieved, is preserved again in lu-again and frozen; the record is corrupted on purpose before the kexec into lu-stage3.
BOOT_CMDLINE=""
BOOT_KUNIT=""
LU=/kvm/gmem_pool_liveupdate_test
boot_tests() {
	t lu-restored /tests/guest/lu_check.sh restored 64 138 186 153 33
	t lu-limits-back $LU limits-back limit 58
	t lu-retrieve $LU retrieve lu-a 0 0x1000 256 42
	t lu-retrieve-mmap $LU retrieve-mmap lu-mmap 0x5000 8 5
	t lu-tenant-a-back $LU retrieve tenant-a 1 0xa000 64 10
	t lu-tenant-b-back $LU retrieve-hole tenant-b 1 0xb000 512
	t lu-drop $LU drop lu-drop 0 0xd000 3
	t lu-represerve $LU retrieve-keep lu-b 0 0x2000 32 7 lu-again 0x3000
	t lu-held /tests/guest/lu_check.sh held 15 0
	t lu-sabotage-1 /tests/guest/lu_check.sh sabotage 1
	t lu-kexec-2 /tests/guest/lu_kexec.sh lu-stage3
}
