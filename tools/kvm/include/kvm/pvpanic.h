/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__PVPANIC_H
#define KVM__PVPANIC_H

#include <stdbool.h>

struct kvm;

/*
 * The pvpanic PCI device (INIT_DEV, unless --no-pvpanic): a guest panic
 * it reports ends the VM with LKVM_EXIT_PANIC.  Public for the unit
 * tests, as is the switch that --[no-]pvpanic sets (on by default).
 */
int pvpanic__init(struct kvm *kvm);
void pvpanic__set_enabled(bool enabled);

#endif /* KVM__PVPANIC_H */
