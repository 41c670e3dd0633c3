# Debian's QEMU in the test VM runs the test kernel as a guest on pool memory of 1 GiB chunks:
# a 1 GiB guest boots and counts on one chunk of node 0, mapped by QEMU with align=1G; the chunk
# comes back when QEMU exits; a smaller align= is refused (QEMU could not map the file).
# A 1 GiB pool needs 1152 MiB free around a 1 GiB boundary of its node (see pool-1g).
BOOT_CMDLINE="nokaslr gmem_pool=0:1G,1:1G gmem_pool_chunk=1G"
BOOT_MEM_PER_NODE=3G
BOOT_QEMU=1
BOOT_KUNIT=""
Q=/tests/guest/qemu_test.sh
boot_tests() {
	t qemu-boot-1g $Q boot 1024 1G 0
	t qemu-stop-1g $Q stop
	t qemu-refuse-align-1g env ALIGN=2M $Q refuse align=
}
