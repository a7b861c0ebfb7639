/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__KVM_ARCH_H
#define KVM__KVM_ARCH_H

#include <linux/sizes.h>
#include <linux/types.h>

/*
 * The x86 guest physical address map: the one place that defines it.
 *
 *   0x00000000 - 0x0009fbff   RAM (real-mode area, boot_params, cmdline),
 *                              used at boot as laid out by the BOOT_* below
 *   0x0009fc00 - 0x0009ffff   reserved (where an EBDA would be)
 *   0x000a0000 - 0x000effff   legacy VGA/option ROM hole (not in e820)
 *   0x000f0000 - 0x000fffff   reserved: "BIOS" area with the MP floating
 *                              pointer + MP table (Linux scans it)
 *   0x00100000 - lowmem top    RAM (kernel at 1 MiB or its pref_address)
 *   KVM_32BIT_GAP_START - 4 GiB  the 32-bit hole: PCI MMIO BARs, virtio-mmio,
 *                                IOAPIC (0xfec00000), LAPIC (0xfee00000)
 *   4 GiB - ...                  RAM above the hole, for guests > 3 GiB
 */
#define KVM_32BIT_GAP_START	0xc0000000ULL
#define KVM_32BIT_GAP_SIZE	(SZ_4G - KVM_32BIT_GAP_START)
#define KVM_PCI_MMIO_START	0xc0000000ULL	/* PCI BARs */
#define KVM_PCI_MMIO_SIZE	0x10000000ULL
#define KVM_VIRTIO_MMIO_START	0xd0000000ULL	/* virtio-mmio transports */
#define KVM_VIRTIO_MMIO_SIZE	0x01000000ULL
#define KVM_PCI_IO_START	0x6200		/* PCI I/O BARs */
#define KVM_PCI_IO_SIZE		0x9e00
#define KVM_IOAPIC_BASE		0xfec00000ULL
#define KVM_LAPIC_BASE		0xfee00000ULL
/* Two pages KVM needs for itself on Intel hosts (TSS, real-mode EPT map). */
#define KVM_IDENTITY_MAP_ADDR	0xfeffc000ULL
#define KVM_TSS_ADDR		0xfeffd000ULL

/* What lkvm writes into low RAM at boot, below 1 MiB. */
#define BOOT_GDT_ADDR		0x00000500ULL	/* flat GDT: 0x10 code, 0x18 data */
#define BOOT_PML4_ADDR		0x00001000ULL	/* identity page tables for the */
#define BOOT_PDPT_ADDR		0x00002000ULL	/* 64-bit entry: 4 GiB in 2 MiB */
#define BOOT_PD_ADDR		0x00003000ULL	/* pages, 4 page directories */
#define BOOT_PARAMS_ADDR	0x00007000ULL	/* struct boot_params ("zero page") */
#define BOOT_STACK_TOP		0x00008ff0ULL
#define BOOT_PVH_INFO_ADDR	0x00009000ULL	/* hvm_start_info, modlist, memmap */
#define BOOT_CMDLINE_ADDR	0x00020000ULL
#define BOOT_CMDLINE_MAX	0x00010000ULL
#define BOOT_LOWMEM_END		0x0009fc00ULL	/* usable RAM below 1 MiB ends */
#define BOOT_EBDA_SIZE		0x00000400ULL
#define BOOT_MPTABLE_ADDR	0x000f0000ULL	/* MP floating pointer + table */
#define BOOT_MPTABLE_SIZE	0x00010000ULL
#define BOOT_KERNEL_ADDR	0x00100000ULL	/* bzImage protected-mode kernel */

/*
 * Where KASLR may move an x86-64 kernel's virtual mapping (debug dumps):
 * CONFIG_PHYSICAL_ALIGN steps (2 MiB by default) within the 1 GiB
 * KERNEL_IMAGE_SIZE.
 */
#define KVM_ARCH_KASLR_ALIGN	SZ_2M
#define KVM_ARCH_KASLR_RANGE	SZ_1G

/* PCI configuration through ports 0xcf8/0xcfc, not ECAM; real I/O ports. */
#define KVM_PCI_ECAM_BASE	0
#define KVM_PCI_ECAM_SIZE	0
#define KVM_PCI_IO_CPU_BASE	0
#define KVM_PCI_IO_CPU_SIZE	0

/* The 16550A UARTs (hw/serial.c): the PC's COM1-4 ports and ISA lines. */
#define KVM_SERIAL_BUS		BUS_PIO
#define KVM_SERIAL_BASES	{ 0x3f8, 0x2f8, 0x3e8, 0x2e8 }
#define KVM_SERIAL_IRQS		{ 4, 3, 4, 3 }

/* pvpanic (hw/pvpanic.c) is a PCI device here, not at a fixed address. */
#define KVM_PVPANIC_MMIO_BASE	0
#define KVM_PVPANIC_MMIO_SIZE	0

/* virtio devices are virtio 1.x PCI devices unless --virtio-transport. */
#define KVM_VIRTIO_DEFAULT_TRANSPORT		VIRTIO_TRANSPORT_PCI
#define KVM_VIRTIO_DEFAULT_TRANSPORT_NAME	"pci"

/* The MP table numbers LAPICs (then the IOAPIC) with 8-bit IDs. */
#define KVM_ARCH_MAX_VCPUS	254

struct kvm_arch {
	u64 lowmem_size;	/* RAM below the 32-bit hole */
	u64 highmem_size;	/* RAM from 4 GiB up */
	u16 boot_selector;
	u64 boot_ip;
	u64 boot_sp;
	bool boot_64bit;	/* enter in long mode (bzImage 64-bit entry) */
	bool boot_pvh;		/* PVH entry: 32-bit protected mode, %ebx = start_info */
	u64 boot_info;		/* boot_params (or PVH start_info) address */
};

#endif /* KVM__KVM_ARCH_H */
