# Debian's QEMU in the test VM runs the test kernel as a guest on pool memory (2 MiB chunks):
# the guest boots and counts on chunks of node 0; what the VMM side sees of its memory; its
# chunks come back when QEMU exits; the same with -overcommit mem-lock=on (mlockall) on node 1;
# prealloc=on takes every chunk of the file before the guest runs; the options that would pin
# or O_DIRECT the pool, and a backend that does not fit it, are refused by gmem_pool_qemu
# before it takes a chunk.
BOOT_CMDLINE="gmem_pool=0:512M,1:512M gmem_pool_chunk=2M"
BOOT_QEMU=1
BOOT_KUNIT=""
Q=/tests/guest/qemu_test.sh
DISK=file=/tmp/qemu/disk.img,if=none,id=disk0,format=raw
boot_tests() {
	t qemu-boot-2m $Q boot 256 2M 0
	t qemu-vmm-view $Q vmm-view
	t qemu-stop-2m $Q stop
	t qemu-mem-lock $Q boot 256 2M 1 -- -overcommit mem-lock=on
	t qemu-stop-mem-lock $Q stop
	t qemu-prealloc $Q prealloc 64
	t qemu-stop-prealloc $Q stop
	t qemu-refuse-cache-none $Q refuse cache=none "" -drive $DISK,cache=none
	t qemu-refuse-aio-native $Q refuse aio=native "" -drive $DISK,aio=native
	t qemu-refuse-vhost $Q refuse vhost-vsock "" -device vhost-vsock-device,guest-cid=3
	t qemu-refuse-share-off env BACKEND_OPTS=share=off $Q refuse share=off
	t qemu-refuse-size env QEMU_MIB=32 $Q refuse size=
}
