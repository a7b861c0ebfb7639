// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 interrupt routing: the GIC's SPIs (kvm-arch.h).  GSI N is SPI N
 * (KVM_IRQ_ROUTING_IRQCHIP, irqchip 0, pin N), as KVM's default table
 * has it; it is rebuilt here because the first MSI route replaces the
 * whole table.  MSIs go to the ITS and carry the PCI requester ID as
 * their device ID.
 */
#include <linux/kvm.h>

#include "kvm/arm.h"
#include "kvm/irq.h"
#include "kvm/kvm.h"

int irq__arch_init_routing(struct kvm *kvm)
{
	u32 spi;
	int ret;

	for (spi = 0; spi < ARM_GIC_NR_SPIS; spi++) {
		ret = irq__add_irqchip_route(kvm, spi, 0, spi);
		if (ret < 0)
			return ret;
	}
	return 0;
}

void irq__arch_line_range(int *first, int *last)
{
	*first = ARM_FIRST_ALLOC_SPI;
	*last = ARM_GIC_NR_SPIS - 1;
}

u32 irq__arch_first_msi_gsi(void)
{
	return ARM_GIC_NR_SPIS;
}

u32 irq__arch_msi_flags(struct kvm *kvm, u32 device_id)
{
	return arm_gic__has_its(kvm) ? KVM_MSI_VALID_DEVID : 0;
}

/* KVM_IRQ_LINE takes the interrupt's type and INTID, not a GSI. */
u32 irq__arch_kvm_irq_line(int line)
{
	return (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) |
	       ((line + 32) & KVM_ARM_IRQ_NUM_MASK);
}
