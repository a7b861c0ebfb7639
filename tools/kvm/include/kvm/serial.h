/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__SERIAL_H
#define KVM__SERIAL_H

#include <linux/types.h>

struct kvm;

/*
 * The 16550A UARTs, at the addresses and lines of kvm-arch.h
 * (KVM_SERIAL_BUS, KVM_SERIAL_BASES, KVM_SERIAL_IRQS): ttyS0 is the
 * host terminal, ttyS1-3 are present and unconnected.  x86: ttyS0 0x3f8
 * IRQ 4, ttyS1 0x2f8 IRQ 3, ttyS2 0x3e8 IRQ 4, ttyS3 0x2e8 IRQ 3.
 * Initcalls (INIT_DEV), public for the unit tests.
 */
#define SERIAL_NR_PORTS		4

int serial8250__init(struct kvm *kvm);
int serial8250__exit(struct kvm *kvm);

/*
 * A BREAK then @key on ttyS0, ahead of the terminal's input: Magic SysRq
 * for a guest whose serial console it is (CONFIG_MAGIC_SYSRQ_SERIAL).
 * 0, -EBUSY while the last one is still to be read, -ENODEV without
 * the ports.
 */
int serial8250__sysrq(struct kvm *kvm, u8 key);

#endif /* KVM__SERIAL_H */
