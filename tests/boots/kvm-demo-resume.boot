# The raw-KVM live update, boot 2 (kexec'ed from kvm-demo): retrieve session "demo" and the guest's memory, reattach it, and the guest goes on counting.
BOOT_CMDLINE=""
BOOT_KUNIT=""
boot_tests() {
	t kvm-demo-resume /kvm/gmem_pool_demo resume
}
