// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI host bridge through its ports, as Linux probes and drives it:
 * mechanism #1 detection, the host bridge, BAR sizing and moves with the
 * decode enables, BARs that overlap for a while during a reassignment,
 * config space beyond the header, INTx.  The bus, the
 * interrupt lines and the exit request are fakes.
 */
#include <errno.h>

#include "tap.h"
#include "kvm/bus.h"
#include "kvm/kvm.h"
#include "kvm/pci.h"

static struct kvm fake_kvm;

static bus_access_fn *cfg_fn;
static void *cfg_priv;
static u64 cfg_base, cfg_len;
static int irq_level[32];
static int exit_req = -1;

int bus_register(struct kvm *kvm, enum bus_type bus, u64 addr, u64 len,
		 bus_access_fn *fn, void *priv)
{
	cfg_fn = fn;
	cfg_priv = priv;
	cfg_base = addr;
	cfg_len = len;
	return 0;
}

int bus_unregister(struct kvm *kvm, enum bus_type bus, u64 addr)
{
	cfg_fn = NULL;
	return 0;
}

void kvm__irq_line(struct kvm *kvm, int irq, int level)
{
	irq_level[irq] = level;
}

void kvm__request_exit(struct kvm *kvm, int status)
{
	exit_req = status;
}

static u32 in(u16 port, u32 len)
{
	u32 v = 0;

	cfg_fn(NULL, port, (u8 *)&v, len, false, cfg_priv);
	return v;
}

static void out(u16 port, u32 v, u32 len)
{
	cfg_fn(NULL, port, (u8 *)&v, len, true, cfg_priv);
}

static u32 cfg_read32(int slot, int off)
{
	out(0xcf8, 0x80000000 | slot << 11 | off, 4);
	return in(0xcfc, 4);
}

static void cfg_write32(int slot, int off, u32 v)
{
	out(0xcf8, 0x80000000 | slot << 11 | off, 4);
	out(0xcfc, v, 4);
}

/* --- a device ------------------------------------------------------- */

static struct pci_device dev, dev2;
static int activations, deactivations;
static u64 last_addr, last_size;
static u32 last_cfg_off, last_cfg_len, last_cfg_val;

/*
 * What the devices' BARs hold on the buses, as bus_register() would see
 * it: a BAR cannot be decoded where another one of the same space is.
 */
struct fake_range {
	struct pci_device *dev;
	int bar;
	u64 addr, size;
	bool active;
};
static struct fake_range ranges[2][PCI_NR_BARS];

static struct fake_range *fake_range(struct pci_device *d, int bar)
{
	return &ranges[d == &dev2][bar];
}

static bool fake_bus_busy(struct pci_device *d, int bar, u64 addr, u64 size)
{
	bool io = d->hdr.bar[bar] & PCI_BASE_ADDRESS_SPACE_IO;
	struct fake_range *r;
	int i, j;

	for (i = 0; i < 2; i++) {
		for (j = 0; j < PCI_NR_BARS; j++) {
			r = &ranges[i][j];
			if (!r->active || r == fake_range(d, bar) ||
			    io != !!(r->dev->hdr.bar[j] & PCI_BASE_ADDRESS_SPACE_IO))
				continue;
			if (addr < r->addr + r->size && r->addr < addr + size)
				return true;
		}
	}
	return false;
}

static int fake_activate(struct kvm *kvm, struct pci_device *d, int bar,
			 u64 addr, u64 size)
{
	struct fake_range *r = fake_range(d, bar);

	if (fake_bus_busy(d, bar, addr, size))
		return -EBUSY;
	activations++;
	last_addr = addr;
	last_size = size;
	*r = (struct fake_range){ d, bar, addr, size, true };
	return 0;
}

static int fake_deactivate(struct kvm *kvm, struct pci_device *d, int bar,
			   u64 addr, u64 size)
{
	deactivations++;
	last_addr = addr;
	fake_range(d, bar)->active = false;
	return 0;
}

static void fake_cfg_read(struct kvm *kvm, struct pci_device *d, u32 off,
			  void *data, u32 len)
{
	memset(data, 0x5a, len);
}

static void fake_cfg_write(struct kvm *kvm, struct pci_device *d, u32 off,
			   const void *data, u32 len)
{
	last_cfg_off = off;
	last_cfg_len = len;
	last_cfg_val = 0;
	memcpy(&last_cfg_val, data, len);
}

static void setup_device(struct pci_device *d)
{
	d->hdr.vendor_id = 0x1af4;
	d->hdr.device_id = 0x1042;
	d->hdr.class[2] = 0x01;
	d->hdr.irq_pin = 1;
	d->hdr.capabilities = 0x40;
	d->hdr.bar[0] = PCI_BASE_ADDRESS_SPACE_IO;
	d->bar_size[0] = 32;
	d->bar_size[1] = 0x1000;
	d->bar_activate = fake_activate;
	d->bar_deactivate = fake_deactivate;
	d->cfg_read = fake_cfg_read;
	d->cfg_write = fake_cfg_write;
}

static void test_detection(void)
{
	u32 save;

	out(0xcfb, 1, 1);
	save = in(0xcf8, 4);
	out(0xcf8, 0x80000000, 4);
	is_u64(in(0xcf8, 4), 0x80000000, "type 1: 0xcf8 reads back");
	out(0xcf8, save, 4);

	is_u64(cfg_read32(0, PCI_VENDOR_ID), 0x00081b36, "00:00.0 is the host bridge");
	out(0xcf8, 0x80000000 | PCI_CLASS_DEVICE, 4);
	is_int(in(0xcfe, 2), 0x0600, "its class is host bridge");
	is_u64(cfg_read32(9, 0), 0xffffffff, "an empty slot reads all ones");
	out(0xcf8, 0x80010000, 4);
	is_u64(in(0xcfc, 4), 0xffffffff, "bus 1 reads all ones");
	out(0xcf8, 0x80000100, 4);
	is_u64(in(0xcfc, 4), 0xffffffff, "function 1 reads all ones");
	out(0xcf8, 0x00000000, 4);
	is_u64(in(0xcfc, 4), 0xffffffff, "without the enable bit: all ones");
	is_int(in(0xcf8, 2), 0xffff, "a word read of 0xcf8 is not the address");
}

static void test_register(void)
{
	u32 bar0, bar1;

	setup_device(&dev);
	is_int(pci__register(&fake_kvm, &dev), 0, "register a device");
	is_int(dev.dev_num, 1, "it gets slot 1");
	is_int(dev.irq_line, 16, "INTA gets IOAPIC line 16");
	is_int(activations, 2, "both BARs decoded at once");
	is_int(pci__nr_devices(&fake_kvm), 2, "two devices with the bridge");
	ok(pci__device(&fake_kvm, 1) == &dev, "pci__device() finds it");

	bar0 = cfg_read32(1, PCI_BASE_ADDRESS_0);
	bar1 = cfg_read32(1, PCI_BASE_ADDRESS_1);
	ok((bar0 & 1) && (bar0 & ~3U) >= KVM_PCI_IO_START && !(bar0 & 31 & ~1U),
	   "BAR0: an aligned I/O address (0x%x)", bar0);
	ok(bar1 >= KVM_PCI_MMIO_START && !(bar1 & 0xfff),
	   "BAR1: an aligned MMIO address (0x%x)", bar1);
	is_int(cfg_read32(1, PCI_INTERRUPT_LINE) & 0xffff, 0x0110,
	       "interrupt line 16, pin A");
	ok(cfg_read32(1, PCI_COMMAND) & (PCI_STATUS_CAP_LIST << 16),
	   "status: capability list");
	is_int(cfg_read32(1, PCI_CAPABILITY_LIST) & 0xff, 0x40, "capability pointer");
}

static void test_bars(void)
{
	u32 bar0 = cfg_read32(1, PCI_BASE_ADDRESS_0);
	u32 bar1 = cfg_read32(1, PCI_BASE_ADDRESS_1);

	/* __pci_read_base(): decode off, size, restore, decode on */
	activations = deactivations = 0;
	cfg_write32(1, PCI_COMMAND, 0);
	is_int(deactivations, 2, "decode off: both BARs deactivated");
	cfg_write32(1, PCI_BASE_ADDRESS_0, 0xffffffff);
	cfg_write32(1, PCI_BASE_ADDRESS_1, 0xffffffff);
	is_u64(cfg_read32(1, PCI_BASE_ADDRESS_0), 0xffffffe1, "BAR0 size mask (32 bytes I/O)");
	is_u64(cfg_read32(1, PCI_BASE_ADDRESS_1), 0xfffff000, "BAR1 size mask (4 KiB)");
	is_u64(cfg_read32(1, PCI_BASE_ADDRESS_2), 0, "unused BAR2 reads 0");
	cfg_write32(1, PCI_BASE_ADDRESS_0, bar0);
	cfg_write32(1, PCI_BASE_ADDRESS_1, bar1);
	is_int(activations, 0, "nothing decoded while disabled");
	cfg_write32(1, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
	ok(activations == 2 && last_addr == bar1 && last_size == 0x1000,
	   "decode on: back at the old addresses");

	activations = deactivations = 0;
	cfg_write32(1, PCI_BASE_ADDRESS_1, 0xc0100000);
	ok(deactivations == 1 && activations == 1 && last_addr == 0xc0100000,
	   "a live BAR moves");
	cfg_write32(1, PCI_BASE_ADDRESS_1, 0);
	ok(deactivations == 2 && activations == 1, "a BAR moved to 0 is not decoded");
	cfg_write32(1, PCI_BASE_ADDRESS_0, 0xfff0);
	is_int(deactivations, 3, "an I/O BAR past 64 KiB is not decoded");
	cfg_write32(1, PCI_BASE_ADDRESS_0, bar0);
	cfg_write32(1, PCI_BASE_ADDRESS_1, bar1);

	cfg_write32(1, PCI_VENDOR_ID, 0x12345678);
	is_u64(cfg_read32(1, PCI_VENDOR_ID), 0x10421af4, "IDs are read-only");
	out(0xcf8, 0x80000000 | 1 << 11 | PCI_COMMAND, 4);
	out(0xcfd, 0x04, 1);	/* command high byte: INTx disable */
	ok(cfg_read32(1, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE, "byte write to 0xcfd");
	out(0xcfd, 0x00, 1);
}

static void test_device_config(void)
{
	is_u64(cfg_read32(1, 0x40), 0x5a5a5a5a, "0x40 on goes to cfg_read");
	out(0xcf8, 0x80000000 | 1 << 11 | 0x44, 4);
	out(0xcfe, 0xbeef, 2);
	ok(last_cfg_off == 0x46 && last_cfg_len == 2 && last_cfg_val == 0xbeef,
	   "cfg_write gets offset 0x46, 2 bytes");
}

static void test_intx(void)
{
	pci__set_irq(&fake_kvm, &dev, 1);
	is_int(irq_level[16], 1, "INTx raises line 16");
	ok(cfg_read32(1, PCI_COMMAND) & (PCI_STATUS_INTERRUPT << 16), "status: interrupt");
	cfg_write32(1, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
		    PCI_COMMAND_INTX_DISABLE);
	is_int(irq_level[16], 0, "INTx disable lowers it");
	cfg_write32(1, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
	is_int(irq_level[16], 1, "and enabling brings it back");

	/* A second device (with BARs, for test_overlap) forced onto the same line. */
	setup_device(&dev2);
	is_int(pci__register(&fake_kvm, &dev2), 0, "register a second device");
	dev2.irq_line = 16;
	pci__set_irq(&fake_kvm, &dev2, 1);
	pci__set_irq(&fake_kvm, &dev, 0);
	is_int(irq_level[16], 1, "a shared line stays up while one sharer asserts");
	pci__set_irq(&fake_kvm, &dev2, 0);
	is_int(irq_level[16], 0, "and drops when none does");
}

/*
 * Linux reassigning every BAR: dev's I/O BAR moves onto dev2's while
 * dev2's is still there, and is decoded once dev2's has moved away.
 */
static void test_overlap(void)
{
	u32 bar0 = cfg_read32(1, PCI_BASE_ADDRESS_0), other;

	other = cfg_read32(dev2.dev_num, PCI_BASE_ADDRESS_0);
	cfg_write32(1, PCI_BASE_ADDRESS_0, other);
	ok(!fake_range(&dev, 0)->active, "a BAR moved onto another's is not decoded yet");
	cfg_write32(dev2.dev_num, PCI_BASE_ADDRESS_0, bar0);
	ok(fake_range(&dev, 0)->active && fake_range(&dev, 0)->addr == (other & ~3U),
	   "it is decoded there once the other BAR has moved away");
	ok(fake_range(&dev2, 0)->active && fake_range(&dev2, 0)->addr == (bar0 & ~3U),
	   "and the other one at its new place");

	cfg_write32(1, PCI_BASE_ADDRESS_0, bar0);
	ok(!fake_range(&dev, 0)->active, "moved back onto the other: off again");
	cfg_write32(dev2.dev_num, PCI_COMMAND, 0);
	ok(fake_range(&dev, 0)->active, "on as soon as the other stops decoding");
}

int main(void)
{
	plan(51);

	is_int(pci__init(&fake_kvm), 0, "init");
	ok(cfg_base == 0xcf8 && cfg_len == 8, "ports 0xcf8-0xcff");
	test_detection();
	test_register();
	test_bars();
	test_device_config();
	test_intx();
	test_overlap();

	out(0xcf9, 0x02, 1);
	is_int(exit_req, -1, "0xcf9 without the reset bit does nothing");
	out(0xcf9, 0x06, 1);
	is_int(exit_req, 0, "0xcf9 reset ends the VM");

	is_int(pci__exit(&fake_kvm), 0, "exit");
	ok(!fake_range(&dev, 0)->active && !fake_range(&dev, 1)->active &&
	   !fake_range(&dev2, 0)->active, "exit stops decoding every BAR");
	ok(cfg_fn == NULL, "exit releases the ports");
	return exit_status();
}
