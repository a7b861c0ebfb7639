/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__IRQ_H
#define KVM__IRQ_H

#include <stdbool.h>
#include <linux/types.h>

struct kvm;

/* An MSI message as a device (an MSI-X table entry) holds it. */
struct msi_msg {
	u32 address_lo;
	u32 address_hi;
	u32 data;
};

enum irq_trigger {
	IRQ_TYPE_EDGE,
	IRQ_TYPE_LEVEL,
};

/*
 * Legacy interrupt lines (x86: IOAPIC pins) handed to devices.  The
 * firmware tables (MP table / FDT) describe every line allocated here, so
 * all lines must be allocated before INIT_FIRMWARE.
 */
int irq__alloc_line(struct kvm *kvm, enum irq_trigger trigger);
int irq__nr_lines(struct kvm *kvm);
bool irq__line_info(struct kvm *kvm, int index, int *line, enum irq_trigger *trigger);

/*
 * MSI routes in KVM's GSI routing table.  Each returns the GSI (>= 0) or a
 * negative errno; an irqfd on the GSI then injects the MSI without any
 * exit to lkvm.
 */
int irq__add_msi_route(struct kvm *kvm, struct msi_msg *msg, u32 device_id);
int irq__update_msi_route(struct kvm *kvm, u32 gsi, struct msi_msg *msg);
void irq__free_msi_route(struct kvm *kvm, u32 gsi);

int irq__add_irqfd(struct kvm *kvm, u32 gsi, int trigger_fd, int resample_fd);
void irq__del_irqfd(struct kvm *kvm, u32 gsi, int trigger_fd);

/* Architecture hooks (ARCH/irq.c). */
int irq__arch_init_routing(struct kvm *kvm);

#endif /* KVM__IRQ_H */
