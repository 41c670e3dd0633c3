# Side-car carve-out, boot 2 of 2 (kexec'ed from carve): the source and the carved file come back; the source's guest finds its data with zeroes where it was carved, and a side-car VM bound at the same guest addresses finds the carved data.  Both retired chunks are retired again; the retrieved file's good chunk is whole, its retired one raises BUS_MCEERR_AR, and neither is handed out.
BOOT_CMDLINE=""
BOOT_KUNIT=""
CARVE=/kvm/gmem_pool_carve_test
boot_tests() {
	t carve-retrieve $CARVE retrieve carve 0xca00
	t poison-retrieve /kvm/gmem_pool_poison_test retrieve-poison poison 0xbad0
}
