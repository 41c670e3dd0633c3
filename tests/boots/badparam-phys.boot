# @phys over the kernel image and @phys outside RAM: both skipped, the kernel boots.
# nokaslr: the kernel image must sit at its link address, inside the first section.
BOOT_CMDLINE="nokaslr gmem_pool=0:256M@0,1:256M@0x4000000000"
BOOT_KUNIT=""
boot_tests() {
	t badparam-phys /tests/guest/pool_badparam.sh none \
		'node 0: @0x0+ \+ 384 MiB overlaps the kernel image, pool skipped' \
		'node 1: @0x0*4000000000 \+ 384 MiB is not all RAM, pool skipped'
}
