// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 guest's device tree, written with libfdt's sequential writer
 * into guest RAM (arm/image.c puts it there): memory, vCPUs (PSCI),
 * the architected timer, the GIC (and its ITS), the UARTs, pvpanic, the
 * virtio-mmio devices and the PCI ECAM host bridge, plus /chosen with the command line, initrd and
 * console.  --dump-dtb FILE writes the blob out and ends lkvm before the
 * guest runs (status 0), for dtc -I dtb -O dts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libfdt.h>

#include <linux/kernel.h>
#include <subcmd/parse-options.h>
#include "kvm/log.h"
#include "kvm/util.h"

#include "kvm/arm.h"
#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"
#include "kvm/pci.h"
#include "kvm/pvpanic.h"
#include "kvm/run-options.h"
#include "kvm/serial.h"
#include "kvm/virtio-mmio.h"

#define PHANDLE_GIC		1
#define PHANDLE_ITS		2

/* The GIC binding's interrupt specifier: type, number, flags. */
#define GIC_SPI			0
#define GIC_PPI			1
#define IRQ_EDGE_RISING		1
#define IRQ_LEVEL_HIGH		4
#define IRQ_LEVEL_LOW		8

/* The architected timer's PPIs: secure, non-secure, virtual, hyp. */
#define TIMER_PPI_SEC		13
#define TIMER_PPI_NONSEC	14
#define TIMER_PPI_VIRT		11
#define TIMER_PPI_HYP		10

static const char *dump_dtb_path;

static const struct option fdt_options[] = {
	OPT_GROUP("arm64 options:"),
	OPT_STRING(0, "dump-dtb", &dump_dtb_path, "file",
		   "write the guest's device tree blob to FILE, then end (status 0) without running the guest"),
	OPT_END()
};
run_options_register(fdt_options);

/* libfdt's calls return 0 or a negative FDT_ERR_*: the first one sticks. */
struct fdt_writer {
	void *fdt;
	int err;
};

static void w_check(struct fdt_writer *w, int ret)
{
	if (ret < 0 && !w->err)
		w->err = ret;
}

static void w_begin(struct fdt_writer *w, const char *name)
{
	w_check(w, fdt_begin_node(w->fdt, name));
}

static void w_end(struct fdt_writer *w)
{
	w_check(w, fdt_end_node(w->fdt));
}

static void w_u32(struct fdt_writer *w, const char *name, u32 val)
{
	w_check(w, fdt_property_u32(w->fdt, name, val));
}

static void w_u64(struct fdt_writer *w, const char *name, u64 val)
{
	w_check(w, fdt_property_u64(w->fdt, name, val));
}

static void w_str(struct fdt_writer *w, const char *name, const char *val)
{
	w_check(w, fdt_property_string(w->fdt, name, val));
}

static void w_empty(struct fdt_writer *w, const char *name)
{
	w_check(w, fdt_property(w->fdt, name, NULL, 0));
}

/* A stringlist: @len bytes of NUL-separated strings. */
static void w_strlist(struct fdt_writer *w, const char *name, const char *val,
		      size_t len)
{
	w_check(w, fdt_property(w->fdt, name, val, len));
}

static void w_cells(struct fdt_writer *w, const char *name, const u32 *cells,
		    int n)
{
	fdt32_t be[16];
	int i;

	for (i = 0; i < n && i < (int)ARRAY_SIZE(be); i++)
		be[i] = cpu_to_fdt32(cells[i]);
	w_check(w, fdt_property(w->fdt, name, be, i * sizeof(be[0])));
}

/* reg = <addr size> with #address-cells = #size-cells = 2 (up to 2 pairs). */
static void w_reg(struct fdt_writer *w, u64 a0, u64 s0, u64 a1, u64 s1)
{
	u32 c[8] = {
		upper_32_bits(a0), lower_32_bits(a0),
		upper_32_bits(s0), lower_32_bits(s0),
		upper_32_bits(a1), lower_32_bits(a1),
		upper_32_bits(s1), lower_32_bits(s1),
	};

	w_cells(w, "reg", c, s1 ? 8 : 4);
}

static void w_irq(struct fdt_writer *w, u32 type, u32 nr, u32 flags)
{
	u32 c[3] = { type, nr, flags };

	w_cells(w, "interrupts", c, 3);
}

static void add_memory(struct fdt_writer *w, struct kvm *kvm)
{
	char name[32];

	snprintf(name, sizeof(name), "memory@%llx", ARM_RAM_BASE);
	w_begin(w, name);
	w_str(w, "device_type", "memory");
	w_reg(w, ARM_RAM_BASE, kvm->ram_size, 0, 0);
	w_end(w);
}

static void add_cpus(struct fdt_writer *w, struct kvm *kvm)
{
	char name[32];
	u64 mpidr;
	int i;

	w_begin(w, "cpus");
	w_u32(w, "#address-cells", 2);
	w_u32(w, "#size-cells", 0);
	for (i = 0; i < kvm->nrcpus; i++) {
		mpidr = kvm->cpus[i]->arch.mpidr;
		snprintf(name, sizeof(name), "cpu@%llx", (unsigned long long)mpidr);
		w_begin(w, name);
		w_str(w, "device_type", "cpu");
		w_str(w, "compatible", "arm,arm-v8");
		w_str(w, "enable-method", "psci");
		w_u64(w, "reg", mpidr);
		w_end(w);
	}
	w_end(w);
}

static void add_psci(struct fdt_writer *w)
{
	static const char compat[] = "arm,psci-1.0\0arm,psci-0.2";

	w_begin(w, "psci");
	w_strlist(w, "compatible", compat, sizeof(compat));
	w_str(w, "method", "hvc");
	w_end(w);
}

static void add_timer(struct fdt_writer *w, struct kvm *kvm)
{
	static const u32 ppis[] = {
		TIMER_PPI_SEC, TIMER_PPI_NONSEC, TIMER_PPI_VIRT, TIMER_PPI_HYP,
	};
	u32 c[12], flags = IRQ_LEVEL_LOW;
	int i;

	/* A GICv2 PPI names the CPUs it goes to. */
	if (kvm->arch.gic_type == KVM_DEV_TYPE_ARM_VGIC_V2)
		flags |= ((1U << kvm->nrcpus) - 1) << 8;
	for (i = 0; i < 4; i++) {
		c[3 * i] = GIC_PPI;
		c[3 * i + 1] = ppis[i];
		c[3 * i + 2] = flags;
	}
	w_begin(w, "timer");
	w_str(w, "compatible", "arm,armv8-timer");
	w_cells(w, "interrupts", c, 12);
	w_empty(w, "always-on");
	w_end(w);
}

static void add_its(struct fdt_writer *w)
{
	char name[40];

	snprintf(name, sizeof(name), "msi-controller@%llx", ARM_GIC_ITS_BASE);
	w_begin(w, name);
	w_str(w, "compatible", "arm,gic-v3-its");
	w_empty(w, "msi-controller");
	w_u32(w, "#msi-cells", 1);
	w_reg(w, ARM_GIC_ITS_BASE, ARM_GIC_ITS_SIZE, 0, 0);
	w_u32(w, "phandle", PHANDLE_ITS);
	w_end(w);
}

static void add_gic(struct fdt_writer *w, struct kvm *kvm)
{
	bool v3 = kvm->arch.gic_type == KVM_DEV_TYPE_ARM_VGIC_V3;
	char name[32];

	snprintf(name, sizeof(name), "intc@%llx", ARM_GIC_DIST_BASE);
	w_begin(w, name);
	w_u32(w, "#interrupt-cells", 3);
	w_empty(w, "interrupt-controller");
	w_u32(w, "#address-cells", 2);
	w_u32(w, "#size-cells", 2);
	w_empty(w, "ranges");
	w_u32(w, "phandle", PHANDLE_GIC);
	if (v3) {
		w_str(w, "compatible", "arm,gic-v3");
		w_reg(w, ARM_GIC_DIST_BASE, ARM_GIC_DIST_SIZE, ARM_GIC_REDIST_BASE,
		      (u64)kvm->nrcpus * ARM_GIC_REDIST_STRIDE);
		if (arm_gic__has_its(kvm))
			add_its(w);
	} else {
		w_str(w, "compatible", "arm,cortex-a15-gic");
		w_reg(w, ARM_GIC_DIST_BASE, ARM_GICV2_DIST_SIZE,
		      ARM_GICV2_CPU_BASE, ARM_GICV2_CPU_SIZE);
	}
	w_end(w);
}

static const u64 uart_bases[SERIAL_NR_PORTS] = KVM_SERIAL_BASES;
static const u8 uart_irqs[SERIAL_NR_PORTS] = KVM_SERIAL_IRQS;

static void add_uarts(struct fdt_writer *w)
{
	char name[32];
	int i;

	for (i = 0; i < SERIAL_NR_PORTS; i++) {
		snprintf(name, sizeof(name), "uart@%llx",
			 (unsigned long long)uart_bases[i]);
		w_begin(w, name);
		w_str(w, "compatible", "ns16550a");
		w_reg(w, uart_bases[i], ARM_UART_SIZE, 0, 0);
		w_u32(w, "clock-frequency", ARM_UART_CLOCK);
		w_irq(w, GIC_SPI, uart_irqs[i], IRQ_LEVEL_HIGH);
		w_end(w);
	}
}

/* serialN names ttySN: the console stays ttyS0 whatever probes first. */
static void add_aliases(struct fdt_writer *w)
{
	char name[16], path[32];
	int i;

	w_begin(w, "aliases");
	for (i = 0; i < SERIAL_NR_PORTS; i++) {
		snprintf(name, sizeof(name), "serial%d", i);
		snprintf(path, sizeof(path), "/uart@%llx",
			 (unsigned long long)uart_bases[i]);
		w_str(w, name, path);
	}
	w_end(w);
}

static void add_pvpanic(struct fdt_writer *w)
{
	char name[32];
	u64 addr, size;

	if (!pvpanic__mmio_info(&addr, &size))
		return;
	snprintf(name, sizeof(name), "pvpanic@%llx", (unsigned long long)addr);
	w_begin(w, name);
	w_str(w, "compatible", "qemu,pvpanic-mmio");
	w_reg(w, addr, size, 0, 0);
	w_end(w);
}

static void add_virtio_mmio(struct fdt_writer *w)
{
	char name[40];
	u64 addr, size;
	int i, irq;

	for (i = 0; virtio_mmio__device_info(i, &addr, &size, &irq); i++) {
		snprintf(name, sizeof(name), "virtio_mmio@%llx",
			 (unsigned long long)addr);
		w_begin(w, name);
		w_str(w, "compatible", "virtio,mmio");
		w_reg(w, addr, size, 0, 0);
		w_irq(w, GIC_SPI, irq, IRQ_LEVEL_HIGH);
		w_empty(w, "dma-coherent");
		w_end(w);
	}
}

/* PCI addresses: phys.hi says the space (OF PCI binding). */
#define PCI_SPACE_IO		0x01000000
#define PCI_SPACE_MEM32		0x02000000
#define PCI_INTX_MAP_CELLS	10	/* 3 + 1 child, phandle, 2 + 3 parent */

static void add_pci_ranges(struct fdt_writer *w)
{
	u32 c[14] = {
		PCI_SPACE_IO, 0, 0,
		upper_32_bits(KVM_PCI_IO_CPU_BASE), lower_32_bits(KVM_PCI_IO_CPU_BASE),
		0, lower_32_bits(KVM_PCI_IO_CPU_SIZE),
		PCI_SPACE_MEM32, upper_32_bits(KVM_PCI_MMIO_START),
		lower_32_bits(KVM_PCI_MMIO_START),
		upper_32_bits(KVM_PCI_MMIO_START), lower_32_bits(KVM_PCI_MMIO_START),
		upper_32_bits(KVM_PCI_MMIO_SIZE), lower_32_bits(KVM_PCI_MMIO_SIZE),
	};

	w_cells(w, "ranges", c, 14);
}

/* One interrupt-map entry: the device's INTx pin to its SPI. */
static void pci_intx_entry(fdt32_t *e, struct pci_device *dev)
{
	const u32 cells[PCI_INTX_MAP_CELLS] = {
		dev->dev_num << 11, 0, 0, dev->hdr.irq_pin,
		/* the GIC's unit address (2 cells), then its specifier */
		PHANDLE_GIC, 0, 0, GIC_SPI, dev->irq_line, IRQ_LEVEL_HIGH,
	};
	int i;

	for (i = 0; i < PCI_INTX_MAP_CELLS; i++)
		e[i] = cpu_to_fdt32(cells[i]);
}

static void add_pci_intx_map(struct fdt_writer *w, struct kvm *kvm)
{
	static const u32 mask[4] = { 0xf800, 0, 0, 7 };
	int i, n = 0, nr = pci__nr_devices(kvm);
	struct pci_device *dev;
	fdt32_t *map;

	map = xcalloc(nr ? nr : 1, PCI_INTX_MAP_CELLS * sizeof(*map));
	for (i = 0; i < nr; i++) {
		dev = pci__device(kvm, i);
		if (!dev || dev->irq_line < 0 || !dev->hdr.irq_pin)
			continue;
		pci_intx_entry(&map[n++ * PCI_INTX_MAP_CELLS], dev);
	}
	w_cells(w, "interrupt-map-mask", mask, 4);
	w_check(w, fdt_property(w->fdt, "interrupt-map", map,
				n * PCI_INTX_MAP_CELLS * sizeof(*map)));
	free(map);
}

static void add_pci(struct fdt_writer *w, struct kvm *kvm)
{
	static const u32 bus_range[2] = { 0, 0 };
	static const u32 msi_map[4] = { 0, PHANDLE_ITS, 0, 0x10000 };
	char name[32];

	snprintf(name, sizeof(name), "pci@%llx", KVM_PCI_ECAM_BASE);
	w_begin(w, name);
	w_str(w, "compatible", "pci-host-ecam-generic");
	w_str(w, "device_type", "pci");
	w_u32(w, "#address-cells", 3);
	w_u32(w, "#size-cells", 2);
	w_u32(w, "#interrupt-cells", 1);
	w_reg(w, KVM_PCI_ECAM_BASE, KVM_PCI_ECAM_SIZE, 0, 0);
	w_cells(w, "bus-range", bus_range, 2);
	add_pci_ranges(w);
	add_pci_intx_map(w, kvm);
	/* MSIs to the ITS, the requester ID as the device ID (irq.c). */
	if (arm_gic__has_its(kvm))
		w_cells(w, "msi-map", msi_map, 4);
	w_empty(w, "dma-coherent");
	w_end(w);
}

static void add_chosen(struct fdt_writer *w, struct kvm *kvm)
{
	struct kvm_arch *arch = &kvm->arch;
	char path[32];

	snprintf(path, sizeof(path), "/uart@%llx", ARM_UART_BASE);
	w_begin(w, "chosen");
	w_str(w, "bootargs", kvm->cmdline ? kvm->cmdline : "");
	w_str(w, "stdout-path", path);
	if (arch->initrd_size) {
		w_u64(w, "linux,initrd-start", arch->initrd_addr);
		w_u64(w, "linux,initrd-end", arch->initrd_addr + arch->initrd_size);
	}
	w_end(w);
}

int arm_fdt__build(struct kvm *kvm, void *buf, size_t size)
{
	struct fdt_writer w = { .fdt = buf };

	w_check(&w, fdt_create(buf, size));
	w_check(&w, fdt_finish_reservemap(buf));
	w_begin(&w, "");
	w_str(&w, "compatible", "linux,dummy-virt");
	w_str(&w, "model", "lkvm");
	w_u32(&w, "#address-cells", 2);
	w_u32(&w, "#size-cells", 2);
	w_u32(&w, "interrupt-parent", PHANDLE_GIC);

	add_chosen(&w, kvm);
	add_aliases(&w);
	add_memory(&w, kvm);
	add_cpus(&w, kvm);
	add_psci(&w);
	add_timer(&w, kvm);
	add_gic(&w, kvm);
	add_uarts(&w);
	add_pvpanic(&w);
	add_virtio_mmio(&w);
	add_pci(&w, kvm);
	w_end(&w);
	w_check(&w, fdt_finish(buf));
	if (w.err)
		return error("cannot build the device tree: %s", fdt_strerror(w.err));
	return fdt_totalsize(buf);
}

int arm_fdt__dump(struct kvm *kvm, const void *fdt, bool *dumped)
{
	size_t size = fdt_totalsize(fdt);
	int fd;

	*dumped = false;
	if (!dump_dtb_path)
		return 0;
	fd = open(dump_dtb_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return error("--dump-dtb: cannot create %s: %s", dump_dtb_path,
			     strerror(errno));
	if (write_in_full(fd, fdt, size) != (ssize_t)size) {
		error("--dump-dtb: cannot write %s: %s", dump_dtb_path,
		      strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	pr_info("--dump-dtb: wrote the device tree to %s (%zu bytes)",
		dump_dtb_path, size);
	*dumped = true;
	return 0;
}
