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
 *
 * x86: the ISA lines 0-15 are not allocated here: the legacy devices use
 * their fixed ISA numbers (serial 4 and 3, i8042 1 and 12, RTC 8).  PCI
 * INTx lines come from IOAPIC pins 16-23; once those are all taken, lines
 * are shared round-robin (irq__alloc_line() then returns a line it
 * returned before).  Sharers of a level-triggered line must combine their
 * levels: PCI devices do it through pci__set_irq().
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

/*
 * @resample_fd is -1 for an edge-triggered (MSI) irqfd; otherwise KVM
 * signals it when the guest EOIs the level-triggered line, and lowers the
 * line until @trigger_fd is signalled again.  0 or a negative errno.
 */
int irq__add_irqfd(struct kvm *kvm, u32 gsi, int trigger_fd, int resample_fd);
void irq__del_irqfd(struct kvm *kvm, u32 gsi, int trigger_fd);

/*
 * The GSI routing table is kept whole here (KVM_SET_GSI_ROUTING replaces
 * the whole table): the architecture's default routes plus the MSI routes.
 */
int irq__add_irqchip_route(struct kvm *kvm, u32 gsi, u32 irqchip, u32 pin);
int irq__nr_routes(struct kvm *kvm);

/* Initcalls (INIT_CORE), public for the unit tests. */
int irq__init(struct kvm *kvm);
int irq__exit(struct kvm *kvm);

/* Architecture hooks (ARCH/irq.c). */
int irq__arch_init_routing(struct kvm *kvm);
/* The range of lines irq__alloc_line() hands out. */
void irq__arch_line_range(int *first, int *last);
/* The first GSI past the irqchip pins, where MSI routes start. */
u32 irq__arch_first_msi_gsi(void);
/* Flags (KVM_MSI_VALID_DEVID) for an MSI route of @device_id. */
u32 irq__arch_msi_flags(struct kvm *kvm, u32 device_id);
/* KVM_IRQ_LINE's irq field for @line (arm64: type and INTID encoded). */
u32 irq__arch_kvm_irq_line(int line);

#endif /* KVM__IRQ_H */
