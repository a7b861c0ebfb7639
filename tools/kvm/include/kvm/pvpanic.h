/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__PVPANIC_H
#define KVM__PVPANIC_H

#include <stdbool.h>
#include <linux/types.h>

struct kvm;

/*
 * The pvpanic device, on PCI or MMIO (INIT_DEV, unless --no-pvpanic): a guest panic
 * it reports ends the VM with LKVM_EXIT_PANIC.  Public for the unit
 * tests, as is the switch that --[no-]pvpanic sets (on by default).
 */
int pvpanic__init(struct kvm *kvm);
void pvpanic__set_enabled(bool enabled);
/*
 * Where the MMIO device is (the arch's device tree describes it): false
 * when there is none (disabled, or a PCI device on this architecture).
 */
bool pvpanic__mmio_info(u64 *addr, u64 *size);

#endif /* KVM__PVPANIC_H */
