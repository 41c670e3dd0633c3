# Live update, boot 2 of 5 (kexec'ed from lu): the record is restored, 0x1000 retrieved and reattached, the guest checks every word; the mapped file 0x5000 is retrieved, mapped by the new VMM and checked by it and by a default-type guest; 0x1001 is discarded; 0x2000 and 0x2001 stay unclaimed across the next kexec.
BOOT_CMDLINE=""
BOOT_KUNIT=""
boot_tests() {
	t lu-restored /tests/guest/lu_check.sh restored 5 150
	t lu-retrieve /kvm/gmem_pool_liveupdate_test retrieve 0x1000 256 42
	t lu-retrieve-mmap /kvm/gmem_pool_liveupdate_test retrieve-mmap 0x5000 8 5
	t lu-discard /tests/guest/lu_check.sh discard 0x1001 17
	t lu-kexec-2 /tests/guest/lu_kexec.sh lu-stage3
}
