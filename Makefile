# SPDX-License-Identifier: GPL-2.0
#
# Top-level convenience Makefile: everything is built by tools/kvm/Makefile,
# exactly as it would be inside a kernel tree (make -C tools/kvm).

KVM_DIR := tools/kvm

.PHONY: all lkvm check check-unit check-lab check-features install clean help kvmconfig bench bench-boot \
	install-tree fuzz fuzz-build fuzz-smoke fuzz-seeds

all lkvm check check-unit check-lab check-features install clean bench bench-boot \
fuzz fuzz-build fuzz-smoke fuzz-seeds:
	@$(MAKE) --no-print-directory -C $(KVM_DIR) $@

kvmconfig:
	@scripts/kvmconfig $(if $(TINY),--tiny) $(KSRC)

# Put lkvm into the kernel tree KSRC, as new files only.
install-tree:
	@$(if $(KSRC),tools/kvm/scripts/install-tree '$(KSRC)',echo 'usage: make install-tree KSRC=/path/to/linux' >&2; exit 2)

help:
	@echo 'lkvm: a native Linux KVM tool for kernel developers'
	@echo
	@echo 'Targets:'
	@echo '  all (default) - build tools/kvm/lkvm'
	@echo '  check         - build and run every test (unit, host-side and lab boots)'
	@echo '  check-unit    - run the tests that need no guest kernel'
	@echo '  check-lab     - run the tests that boot real kernels (nested lab if needed)'
	@echo '  check-features - fail unless every optional library is found (CI)'
	@echo '  bench         - run the benchmarks: boot, virtio-blk, 9p, virtio-net (lkvm against QEMU)'
	@echo '  bench-boot    - boot-to-init time, lkvm against QEMU microvm (BENCH_RUNS=5)'
	@echo '  fuzz          - run every libFuzzer harness FUZZ_TIME seconds (120; FUZZ=name: one)'
	@echo '  fuzz-smoke    - run each harness a few seconds from its seeds, fail on a crash'
	@echo '  fuzz-seeds    - record real guests (LKVM_RECORD=DIR) into the seeds (lab)'
	@echo '  install       - install lkvm (PREFIX=/usr/local, DESTDIR=)'
	@echo '  kvmconfig     - make a kernel tree boot under lkvm (KSRC=tree, TINY=1)'
	@echo '  install-tree  - put lkvm into a kernel tree as new files (KSRC=tree)'
	@echo '  clean         - remove build output'
	@echo
	@echo 'Variables: V=1 (full commands), O=dir (output directory), WERROR=1,'
	@echo '           NO_LIBFDT=1 NO_LIBELF=1 NO_LIBDW=1 ... (turn features off)'
