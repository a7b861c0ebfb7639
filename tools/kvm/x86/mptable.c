// SPDX-License-Identifier: GPL-2.0
/*
 * The MP table (Intel MultiProcessor Specification 1.4), how a guest
 * without ACPI finds its CPUs, its IOAPIC and how interrupts are wired.
 * Written at INIT_FIRMWARE, once every device has its interrupt line.
 *
 * kvmconfig: CONFIG_X86_LOCAL_APIC=y CONFIG_X86_IO_APIC=y
 * kvmconfig: CONFIG_X86_MPPARSE=y
 */
#include <string.h>

#include <linux/kernel.h>
#include "kvm/log.h"

#include "kvm/init.h"
#include "kvm/irq.h"
#include "kvm/kvm.h"
#include "kvm/pci.h"

#define MP_SPEC_REV		4
#define MP_LAPIC_VERSION	0x14
#define MP_IOAPIC_VERSION	0x11

enum mp_entry_type {
	MP_PROCESSOR,
	MP_BUS,
	MP_IOAPIC,
	MP_INTSRC,
	MP_LINTSRC,
};

enum mp_irq_type {
	MP_INT,
	MP_NMI,
	MP_SMI,
	MP_EXTINT,
};

#define MP_CPU_ENABLED		0x1
#define MP_CPU_BSP		0x2
#define MP_IOAPIC_ENABLED	0x1

/* Interrupt flags: polarity in bits 0-1, trigger mode in bits 2-3. */
#define MP_IRQ_DEFAULT		0x0
#define MP_IRQ_EDGE_HIGH	0x5
#define MP_IRQ_LEVEL_HIGH	0xd

#define MP_BUS_PCI		0
#define MP_BUS_ISA		1
#define MP_ALL_LAPICS		0xff

struct mpf_floating {
	char signature[4];	/* "_MP_" */
	u32 physptr;
	u8 length;		/* in 16-byte units */
	u8 spec_rev;
	u8 checksum;
	u8 feature[5];
} __packed;

struct mpc_table {
	char signature[4];	/* "PCMP" */
	u16 length;
	u8 spec_rev;
	u8 checksum;
	char oem[8];
	char product[12];
	u32 oem_ptr;
	u16 oem_size;
	u16 entry_count;
	u32 lapic_addr;
	u16 ext_length;
	u8 ext_checksum;
	u8 reserved;
} __packed;

struct mpc_cpu {
	u8 type;
	u8 apic_id;
	u8 apic_ver;
	u8 flags;
	u32 signature;
	u32 features;
	u32 reserved[2];
} __packed;

struct mpc_bus {
	u8 type;
	u8 bus_id;
	char bus_type[6];
} __packed;

struct mpc_ioapic {
	u8 type;
	u8 apic_id;
	u8 apic_ver;
	u8 flags;
	u32 addr;
} __packed;

struct mpc_intsrc {
	u8 type;
	u8 irq_type;
	u16 irq_flags;
	u8 src_bus;
	u8 src_irq;
	u8 dst_apic;
	u8 dst_pin;
} __packed;

struct mp_writer {
	u8 *base;		/* the config table */
	size_t len;		/* bytes written, header included */
	size_t size;		/* room from base on */
	u16 count;
};

static void *mp_add(struct mp_writer *w, size_t size)
{
	void *p;

	if (size > w->size - w->len)
		return NULL;
	p = w->base + w->len;
	w->len += size;
	w->count++;
	return p;
}

static u8 mp_checksum(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;

	while (len--)
		sum += *b++;
	return -sum;
}

static int mp_add_intsrc(struct mp_writer *w, u8 entry_type, u8 irq_type,
			 u16 flags, u8 bus, u8 src, u8 dst_apic, u8 pin)
{
	struct mpc_intsrc *e = mp_add(w, sizeof(*e));

	if (!e)
		return -1;
	*e = (struct mpc_intsrc){
		.type = entry_type,
		.irq_type = irq_type,
		.irq_flags = flags,
		.src_bus = bus,
		.src_irq = src,
		.dst_apic = dst_apic,
		.dst_pin = pin,
	};
	return 0;
}

/* An interrupt input of the IOAPIC. */
static int mp_add_ioapic_irq(struct mp_writer *w, u16 flags, u8 bus, u8 src,
			     u8 ioapic_id, u8 pin)
{
	return mp_add_intsrc(w, MP_INTSRC, MP_INT, flags, bus, src, ioapic_id, pin);
}

static int mp_add_cpus(struct kvm *kvm, struct mp_writer *w)
{
	int i;

	for (i = 0; i < kvm->nrcpus; i++) {
		struct mpc_cpu *cpu = mp_add(w, sizeof(*cpu));

		if (!cpu)
			return -1;
		*cpu = (struct mpc_cpu){
			.type = MP_PROCESSOR,
			.apic_id = i,
			.apic_ver = MP_LAPIC_VERSION,
			.flags = MP_CPU_ENABLED | (i == 0 ? MP_CPU_BSP : 0),
		};
	}
	return 0;
}

static int mp_add_buses(struct mp_writer *w, u8 ioapic_id)
{
	struct mpc_bus *pci = mp_add(w, sizeof(*pci));
	struct mpc_bus *isa = mp_add(w, sizeof(*isa));
	struct mpc_ioapic *ioapic = mp_add(w, sizeof(*ioapic));

	if (!pci || !isa || !ioapic)
		return -1;
	*pci = (struct mpc_bus){ .type = MP_BUS, .bus_id = MP_BUS_PCI };
	memcpy(pci->bus_type, "PCI   ", 6);
	*isa = (struct mpc_bus){ .type = MP_BUS, .bus_id = MP_BUS_ISA };
	memcpy(isa->bus_type, "ISA   ", 6);
	*ioapic = (struct mpc_ioapic){
		.type = MP_IOAPIC,
		.apic_id = ioapic_id,
		.apic_ver = MP_IOAPIC_VERSION,
		.flags = MP_IOAPIC_ENABLED,
		.addr = KVM_IOAPIC_BASE,
	};
	return 0;
}

static bool line_is_pci(struct kvm *kvm, int line)
{
	int i, n = pci__nr_devices(kvm);

	for (i = 0; i < n; i++) {
		struct pci_device *dev = pci__device(kvm, i);

		if (dev && dev->hdr.irq_pin && dev->irq_line == line)
			return true;
	}
	return false;
}

/*
 * ISA IRQs 0-15 go to the same IOAPIC pins (KVM's default routing, the
 * PIT included); PCI INTx lines are level-triggered, active high (KVM's
 * IOAPIC inverts active-low inputs); any other line a device allocated is
 * described as an ISA interrupt of that number.
 */
static int mp_add_irqs(struct kvm *kvm, struct mp_writer *w, u8 ioapic_id)
{
	int i, n, line, err = 0;
	enum irq_trigger trigger;

	for (i = 0; i < 16; i++)
		err |= mp_add_ioapic_irq(w, MP_IRQ_DEFAULT, MP_BUS_ISA, i,
					 ioapic_id, i);

	n = pci__nr_devices(kvm);
	for (i = 0; i < n; i++) {
		struct pci_device *dev = pci__device(kvm, i);

		if (!dev || !dev->hdr.irq_pin || dev->irq_line < 0)
			continue;
		err |= mp_add_ioapic_irq(w, MP_IRQ_LEVEL_HIGH, MP_BUS_PCI,
					 (dev->dev_num << 2) | ((dev->hdr.irq_pin - 1) & 3),
					 ioapic_id, dev->irq_line);
	}

	n = irq__nr_lines(kvm);
	for (i = 0; i < n; i++) {
		if (!irq__line_info(kvm, i, &line, &trigger) || line < 16 ||
		    line_is_pci(kvm, line))
			continue;
		err |= mp_add_ioapic_irq(w, trigger == IRQ_TYPE_LEVEL ?
					 MP_IRQ_LEVEL_HIGH : MP_IRQ_EDGE_HIGH,
					 MP_BUS_ISA, line, ioapic_id, line);
	}

	/* The PIC's output on LINT0, NMIs on LINT1, for every LAPIC. */
	err |= mp_add_intsrc(w, MP_LINTSRC, MP_EXTINT, MP_IRQ_DEFAULT,
			     MP_BUS_ISA, 0, MP_ALL_LAPICS, 0);
	err |= mp_add_intsrc(w, MP_LINTSRC, MP_NMI, MP_IRQ_DEFAULT,
			     MP_BUS_ISA, 0, MP_ALL_LAPICS, 1);
	return err ? -1 : 0;
}

static int mptable_init(struct kvm *kvm)
{
	u8 *area = guest_range_to_host(kvm, BOOT_MPTABLE_ADDR, BOOT_MPTABLE_SIZE);
	struct mpf_floating *mpf;
	struct mpc_table *mpc;
	struct mp_writer w;
	u8 ioapic_id = kvm->nrcpus;	/* after the LAPIC IDs */

	if (!area)
		return error("no guest RAM for the MP table");
	memset(area, 0, BOOT_MPTABLE_SIZE);

	w.base = area + sizeof(*mpf);
	w.len = sizeof(*mpc);
	w.size = BOOT_MPTABLE_SIZE - sizeof(*mpf);
	w.count = 0;

	if (mp_add_cpus(kvm, &w) < 0 || mp_add_buses(&w, ioapic_id) < 0 ||
	    mp_add_irqs(kvm, &w, ioapic_id) < 0)
		return error("the MP table does not fit in %llu KiB",
			     BOOT_MPTABLE_SIZE >> 10);

	mpf = (struct mpf_floating *)area;
	mpc = (struct mpc_table *)w.base;
	memcpy(mpc->signature, "PCMP", 4);
	mpc->length = w.len;
	mpc->spec_rev = MP_SPEC_REV;
	memcpy(mpc->oem, "LKVM    ", 8);
	memcpy(mpc->product, "LKVM        ", 12);
	mpc->entry_count = w.count;
	mpc->lapic_addr = KVM_LAPIC_BASE;
	mpc->checksum = mp_checksum(mpc, mpc->length);

	memcpy(mpf->signature, "_MP_", 4);
	mpf->physptr = BOOT_MPTABLE_ADDR + 16;
	mpf->length = 1;
	mpf->spec_rev = MP_SPEC_REV;
	mpf->checksum = mp_checksum(mpf, sizeof(*mpf));
	return 0;
}
firmware_init(mptable_init);
