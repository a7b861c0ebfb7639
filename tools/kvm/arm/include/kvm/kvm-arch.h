/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__KVM_ARCH_H
#define KVM__KVM_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/sizes.h>
#include <linux/types.h>

/*
 * The arm64 guest physical address map: the one place that defines it.
 * Devices sit below RAM, RAM starts at 2 GiB (as in other arm64 VMMs),
 * and the guest learns all of it from the device tree (arm/fdt.c).
 *
 *   0x00000000 - 0x00ffffff   nothing (faults)
 *   0x01000000 - 0x01003fff   four 16550A UARTs, 4 KiB apart ("ns16550a")
 *   0x01010000 - 0x01010fff   pvpanic ("qemu,pvpanic-mmio")
 *   0x03000000 - 0x0300ffff   PCI I/O space (ports 0-0xffff), for I/O BARs
 *   0x08000000 - 0x0800ffff   GIC distributor
 *   0x08010000 - 0x08011fff   GICv2 CPU interface (GICv2 only)
 *   0x08080000 - 0x0809ffff   GICv3 ITS (MSIs), when KVM has one
 *   0x080a0000 - 0x09ffffff   GICv3 redistributors, 128 KiB per vCPU
 *   0x0a000000 - 0x0affffff   virtio-mmio transports, 4 KiB each
 *   0x30000000 - 0x300fffff   PCI ECAM configuration space (bus 0)
 *   0x40000000 - 0x7fffffff   PCI memory BARs (32-bit window)
 *   0x80000000 - ...          RAM (-m): kernel, then initrd, DTB at the top
 */
#define ARM_UART_BASE		0x01000000ULL
#define ARM_UART_STRIDE		0x1000ULL
#define ARM_UART_SIZE		8		/* the 8 registers, 1 byte apart */
#define ARM_UART_CLOCK		1843200		/* the PC's 1.8432 MHz crystal */

#define KVM_PVPANIC_MMIO_BASE	0x01010000ULL
#define KVM_PVPANIC_MMIO_SIZE	2

#define KVM_PCI_IO_CPU_BASE	0x03000000ULL	/* port 0 */
#define KVM_PCI_IO_CPU_SIZE	0x00010000ULL
#define KVM_PCI_IO_START	0x1000		/* I/O BARs: ports we hand out */
#define KVM_PCI_IO_SIZE		0xf000

#define ARM_GIC_DIST_BASE	0x08000000ULL
#define ARM_GIC_DIST_SIZE	0x00010000ULL
#define ARM_GICV2_DIST_SIZE	0x00001000ULL
#define ARM_GICV2_CPU_BASE	0x08010000ULL
#define ARM_GICV2_CPU_SIZE	0x00002000ULL
#define ARM_GIC_ITS_BASE	0x08080000ULL
#define ARM_GIC_ITS_SIZE	0x00020000ULL
#define ARM_GIC_REDIST_BASE	0x080a0000ULL
#define ARM_GIC_REDIST_STRIDE	0x00020000ULL	/* RD_base + SGI_base frames */
#define ARM_GIC_REDIST_END	0x0a000000ULL

#define KVM_VIRTIO_MMIO_START	0x0a000000ULL
#define KVM_VIRTIO_MMIO_SIZE	0x01000000ULL

#define KVM_PCI_ECAM_BASE	0x30000000ULL
#define KVM_PCI_ECAM_SIZE	0x00100000ULL	/* bus 0: 32 devices x 8 functions x 4 KiB */
#define KVM_PCI_MMIO_START	0x40000000ULL
#define KVM_PCI_MMIO_SIZE	0x40000000ULL

#define ARM_RAM_BASE		0x80000000ULL

/*
 * Interrupts: the GIC's shared peripheral interrupts (SPIs), numbered
 * from 0 as the device tree and KVM's GSI routing count them (INTID =
 * SPI + 32).  The UARTs have SPIs 0-3; irq__alloc_line() hands out
 * SPIs ARM_FIRST_ALLOC_SPI up (virtio-mmio, PCI INTx); MSI routes start
 * past the last SPI.
 */
#define ARM_GIC_NR_IRQS		128		/* 32 private + 96 SPIs */
#define ARM_GIC_NR_SPIS		(ARM_GIC_NR_IRQS - 32)
#define ARM_FIRST_ALLOC_SPI	16

/* The 16550A UARTs (hw/serial.c): MMIO, each with an SPI of its own. */
#define KVM_SERIAL_BUS		BUS_MMIO
#define KVM_SERIAL_BASES	{ ARM_UART_BASE, ARM_UART_BASE + ARM_UART_STRIDE, \
				  ARM_UART_BASE + 2 * ARM_UART_STRIDE, \
				  ARM_UART_BASE + 3 * ARM_UART_STRIDE }
#define KVM_SERIAL_IRQS		{ 0, 1, 2, 3 }

/*
 * virtio 1.x over PCI (the ECAM host bridge, MSI-X through the ITS) by
 * default, as on x86; --virtio-transport mmio gives DT virtio-mmio nodes.
 */
#define KVM_VIRTIO_DEFAULT_TRANSPORT		VIRTIO_TRANSPORT_PCI
#define KVM_VIRTIO_DEFAULT_TRANSPORT_NAME	"pci"

/* As many GICv3 redistributors as fit below the virtio-mmio area. */
#define KVM_ARCH_MAX_VCPUS	((int)((ARM_GIC_REDIST_END - ARM_GIC_REDIST_BASE) / \
				       ARM_GIC_REDIST_STRIDE))
#define ARM_GICV2_MAX_VCPUS	8

/* Where the arm64 boot protocol wants things (arm/image.c). */
#define ARM_KERNEL_ALIGN	SZ_2M		/* Image base, before text_offset */
#define ARM_FDT_MAX_SIZE	SZ_2M		/* the DTB: 8-byte aligned, <= 2 MiB */

struct kvm_arch {
	u32 gic_type;		/* KVM_DEV_TYPE_ARM_VGIC_V3 or _V2 */
	int gic_fd;
	int its_fd;		/* the ITS, or -1 */

	/* The Image (decompressed when it was gzip'd), until loaded. */
	const void *image;
	size_t image_file_size;
	void *image_buf;	/* image when lkvm decompressed it, or NULL */
	u64 text_offset;
	u64 image_size;		/* what the kernel occupies, with its BSS */

	u64 kernel_addr;	/* where the Image starts: the entry point */
	u64 initrd_addr;
	u64 initrd_size;
	u64 fdt_addr;
};

#endif /* KVM__KVM_ARCH_H */
