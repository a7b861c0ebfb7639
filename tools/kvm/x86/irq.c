// SPDX-License-Identifier: GPL-2.0
/*
 * x86 interrupt routing: the in-kernel PIC pair and one 24-pin IOAPIC.
 *
 *   GSI 0-15   ISA: PIC master (0-7) or slave (8-15), and IOAPIC pin = GSI.
 *              Fixed legacy devices: i8042 1 and 12, serial 4 and 3,
 *              RTC 8; the PIT (in KVM) is GSI 0.
 *   GSI 16-23  IOAPIC only: PCI INTx lines, allocated by irq__alloc_line()
 *              and described by the MP table as level-triggered.
 *   GSI 24-    MSI routes.
 *
 * These are the routes KVM_CREATE_IRQCHIP installs by default; they are
 * rebuilt here because the first MSI route replaces KVM's whole table.
 */
#include <linux/kvm.h>

#include "kvm/irq.h"
#include "kvm/kvm.h"

#define X86_ISA_IRQS		16
#define X86_IOAPIC_PINS		24
#define X86_FIRST_PCI_LINE	16

int irq__arch_init_routing(struct kvm *kvm)
{
	u32 gsi, chip;
	int ret;

	for (gsi = 0; gsi < X86_IOAPIC_PINS; gsi++) {
		ret = irq__add_irqchip_route(kvm, gsi, KVM_IRQCHIP_IOAPIC, gsi);
		if (ret < 0)
			return ret;
		if (gsi >= X86_ISA_IRQS)
			continue;
		chip = gsi < 8 ? KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE;
		ret = irq__add_irqchip_route(kvm, gsi, chip, gsi % 8);
		if (ret < 0)
			return ret;
	}
	return 0;
}

void irq__arch_line_range(int *first, int *last)
{
	*first = X86_FIRST_PCI_LINE;
	*last = X86_IOAPIC_PINS - 1;
}

u32 irq__arch_first_msi_gsi(void)
{
	return X86_IOAPIC_PINS;
}

/* x86 MSIs carry no device ID (that is for the GICv3 ITS). */
u32 irq__arch_msi_flags(struct kvm *kvm, u32 device_id)
{
	return 0;
}

/* x86 lines are GSIs as they are. */
u32 irq__arch_kvm_irq_line(int line)
{
	return line;
}
