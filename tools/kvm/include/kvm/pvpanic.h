/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__PVPANIC_H
#define KVM__PVPANIC_H

struct kvm;

/*
 * The pvpanic PCI device (INIT_DEV, unless cfg.no_pvpanic): a guest
 * panic it reports ends the VM with LKVM_EXIT_PANIC.  Public for the
 * unit tests.
 */
int pvpanic__init(struct kvm *kvm);

#endif /* KVM__PVPANIC_H */
