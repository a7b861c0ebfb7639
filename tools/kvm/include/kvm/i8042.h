/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__I8042_H
#define KVM__I8042_H

struct kvm;

/*
 * The PS/2 controller at 0x60/0x64 (keyboard IRQ 1, no AUX port), port
 * 0x61 and port 0x92.  A guest reset through any of them ends the VM with
 * status 0.  Initcalls (INIT_DEV), public for the unit tests.
 */
int i8042__init(struct kvm *kvm);
int i8042__exit(struct kvm *kvm);

#endif /* KVM__I8042_H */
