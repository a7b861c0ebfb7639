/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__PCI_H
#define KVM__PCI_H

#include <stdbool.h>
#include <linux/pci_regs.h>
#include <linux/types.h>

struct kvm;

#define PCI_MAX_DEVICES		32
#define PCI_NR_BARS		6
#define PCI_CONFIG_SIZE		256

/* The type 0 configuration header, as the guest reads it (little-endian). */
struct pci_config_header {
	u16 vendor_id;
	u16 device_id;
	u16 command;
	u16 status;
	u8 revision_id;
	u8 class[3];		/* prog-if, subclass, class */
	u8 cacheline_size;
	u8 latency_timer;
	u8 header_type;
	u8 bist;
	u32 bar[PCI_NR_BARS];
	u32 cardbus_cis;
	u16 subsys_vendor_id;
	u16 subsys_id;
	u32 exp_rom_bar;
	u8 capabilities;
	u8 reserved[7];
	u8 irq_line;
	u8 irq_pin;
	u8 min_gnt;
	u8 max_lat;
} __attribute__((packed));

/*
 * A device on the (single) PCI bus.  The device fills in the header and
 * its capabilities in cfg[], BAR sizes and callbacks, then registers.  The
 * PCI core emulates the standard header: BAR sizing and moves, the
 * command register's IO/MEMORY enables (through bar_activate and
 * bar_deactivate, which (un)register the device's bus handlers).
 */
struct pci_device {
	union {
		u8 cfg[PCI_CONFIG_SIZE];
		struct pci_config_header hdr;
	};
	u8 dev_num;			/* slot, assigned by pci__register() */
	u32 bar_size[PCI_NR_BARS];	/* 0: unused BAR */
	bool bar_active[PCI_NR_BARS];
	int irq_line;			/* INTx line, from irq__alloc_line() */

	int (*bar_activate)(struct kvm *kvm, struct pci_device *dev, int bar,
			    u64 addr, u64 size);
	int (*bar_deactivate)(struct kvm *kvm, struct pci_device *dev, int bar,
			      u64 addr, u64 size);
	/*
	 * Accesses to the device-specific part: @offset is the config space
	 * offset (>= 0x40), the access stays inside one dword.  Without
	 * cfg_read the bytes come from cfg[]; without cfg_write writes there
	 * are dropped.
	 */
	void (*cfg_read)(struct kvm *kvm, struct pci_device *dev, u32 offset,
			 void *data, u32 len);
	void (*cfg_write)(struct kvm *kvm, struct pci_device *dev, u32 offset,
			  const void *data, u32 len);
	void *priv;
};

/*
 * Registers @dev, gives it a slot and (if irq_pin is set) an INTx line
 * (else irq_line = -1).  BARs with a zero address get one here; decoding
 * is switched on (as firmware would) and bar_activate called for each.
 * 0 or a negative errno.
 */
int pci__register(struct kvm *kvm, struct pci_device *dev);
int pci__nr_devices(struct kvm *kvm);
struct pci_device *pci__device(struct kvm *kvm, int index);

/* Address space for BARs (naturally aligned), or 0 when it runs out. */
u32 pci__alloc_io_space(struct kvm *kvm, u32 size);
u64 pci__alloc_mmio_space(struct kvm *kvm, u64 size);

/*
 * Asserts (1) or deasserts (0) @dev's INTx: sets the status register's
 * interrupt bit, honours the command register's INTx disable, and drives
 * the line as the OR of every device sharing it.  Use this rather than
 * kvm__irq_line() on dev->irq_line: lines are shared once they run out.
 */
void pci__set_irq(struct kvm *kvm, struct pci_device *dev, int level);

/* Initcalls (INIT_DEV_BASE), public for the unit tests. */
int pci__init(struct kvm *kvm);
int pci__exit(struct kvm *kvm);

static inline u64 pci__bar_address(struct pci_device *dev, int bar)
{
	u32 v = dev->hdr.bar[bar];

	if (v & PCI_BASE_ADDRESS_SPACE_IO)
		return v & PCI_BASE_ADDRESS_IO_MASK;
	return v & PCI_BASE_ADDRESS_MEM_MASK;
}

#endif /* KVM__PCI_H */
