# SPDX-License-Identifier: GPL-2.0
#
# gmem-pool: build a 6.12 kernel with the project applied and test it in QEMU.
#
#   make check   build everything, run every test, print "N passed, N failed"
#   make demo    the live update of a QEMU guest, narrated step by step
#   make bench-NAME  run the benchmark scripts/bench-NAME.sh
#   make patches the project as a git format-patch series in BUILD/patches,
#                checked with git am onto a clean tree (series/README.md)
#   make patches-bisect  the same, then build the kernel after each patch
#   make lint    checkpatch --strict on each patch, kernel-doc, W=1 build
#
# Variables: KSRC=/path/to/6.12 tree (copied, never modified; default:
# Debian's linux-source-6.12), BUILD=dir (default ./build), JOBS=n,
# ONLY=glob (run only the plan entries whose name matches), PLAN_JOBS=n
# (plan entries run at once; default: the number of CPUs).

PROJECT  := $(CURDIR)
BUILD    ?= $(CURDIR)/build
TREE     := $(BUILD)/linux
JOBS     ?= $(shell nproc)
PLAN_JOBS ?= $(JOBS)
FRAGMENT := $(PROJECT)/config/gmem-pool.config
INITRD   := $(BUILD)/initramfs.cpio.gz
KVMST    := $(TREE)/tools/testing/selftests/kvm
SELFTESTS = $(shell sed -e '/^\#/d' -e '/^$$/d' $(PROJECT)/tests/selftests)
KMAKE    := $(MAKE) -C $(TREE) ARCH=x86_64 CC="ccache gcc" -j$(JOBS)
export KSRC

.PHONY: all build deps tree apply config kernel headers selftests initramfs \
	check demo docs clean help patches patches-bisect lint

all: build

help:
	@sed -n '3,17p' Makefile | sed 's/^# \{0,1\}//'

deps:
	@$(PROJECT)/scripts/deps.sh

tree: deps
	@$(PROJECT)/scripts/prepare-tree.sh $(TREE)

apply: tree
	@$(PROJECT)/scripts/apply-project.sh $(PROJECT) $(TREE)

# Re-merge the fragment whenever it (or a Kconfig file we patch) changed.
$(TREE)/.config: $(FRAGMENT) $(wildcard $(PROJECT)/*/Kconfig* $(PROJECT)/*/*/Kconfig* $(PROJECT)/*/*/*/Kconfig*) | apply
	@echo "  CONFIG  tinyconfig + $(notdir $(FRAGMENT))"
	@$(PROJECT)/scripts/configure.sh $(TREE) $(FRAGMENT)

config: apply $(TREE)/.config

kernel: config
	@echo "  BUILD   bzImage"
	@+$(KMAKE) -s bzImage

headers: kernel
	@+$(MAKE) -C $(TREE) -s ARCH=x86_64 headers_install

selftests: headers
	@echo "  BUILD   kvm selftests: $(SELFTESTS)"
	@+$(MAKE) -C $(KVMST) -s -j$(JOBS) OUTPUT=$(KVMST) EXTRA_CFLAGS=-static \
		$(addprefix $(KVMST)/,$(SELFTESTS))

initramfs: selftests
	@$(PROJECT)/scripts/mkinitramfs.sh $(PROJECT) $(TREE) $(INITRD)
	@$(PROJECT)/scripts/mkinitramfs-qemu.sh $(PROJECT) $(BUILD)

build: initramfs

# A build that fails is one failed test, so the summary line is always last.
check:
	@$(MAKE) --no-print-directory build || \
		{ echo "FAIL  build (see the messages above)"; echo "0 passed, 1 failed"; exit 1; }
	@PLAN_JOBS=$(PLAN_JOBS) $(PROJECT)/scripts/run-plan.sh $(PROJECT) $(BUILD) \
		$(PROJECT)/tests/plan "$(ONLY)"

demo: build
	@$(PROJECT)/scripts/demo.sh $(PROJECT) $(BUILD)

# Benchmarks print figures; they are not tests and make check does not run
# them.  make bench-NAME runs scripts/bench-NAME.sh PROJECT BUILD.
bench-%: build
	@test -x $(PROJECT)/scripts/bench-$*.sh || \
		{ echo "no benchmark $*: scripts/bench-$*.sh missing"; exit 2; }
	@$(PROJECT)/scripts/bench-$*.sh $(PROJECT) $(BUILD)

# The series is defined by series/ and made in BUILD/patches against a git
# repository of the base tree (BUILD/series/linux, made once); it needs no
# kernel build.  patches-bisect builds in that repository's worktree, with
# ccache (make check's objects serve every file a patch leaves unchanged).
patches: deps
	@$(PROJECT)/scripts/series.sh $(PROJECT) $(BUILD) verify

patches-bisect: deps
	@JOBS=$(JOBS) $(PROJECT)/scripts/series.sh $(PROJECT) $(BUILD) bisect

# The lint-* entries of the plan: checkpatch on the series and per file,
# kernel-doc, the W=1 build (which needs the kernel built first).
lint:
	@$(MAKE) --no-print-directory check ONLY='lint-*'

# Sphinx from Debian's packages, our documents only; no kernel build needed.
docs: apply
	@$(PROJECT)/scripts/docs.sh $(PROJECT) $(TREE)

clean:
	rm -rf $(BUILD)
