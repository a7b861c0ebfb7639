// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI host bridge: one bus, single-function devices, a host bridge at
 * 00:00.0.  Configuration space is reached the way the architecture says
 * (kvm-arch.h): configuration mechanism #1 (0xcf8 address, 0xcfc data)
 * on x86, ECAM (a 4 KiB window per function at KVM_PCI_ECAM_BASE) on
 * arm64.  Where I/O space is memory-mapped (KVM_PCI_IO_CPU_BASE, arm64),
 * accesses there go to the port I/O bus, so I/O BARs work the same.
 *
 * The standard header is emulated here for every device: read-only IDs,
 * the writable command register (its I/O and memory enables switch the
 * device's BARs on and off through bar_activate/bar_deactivate), BAR
 * sizing and moves, the interrupt line byte.  From 0x40 on, accesses go
 * to the device's cfg_read/cfg_write.  The guest may write anything
 * anywhere: unknown slots, functions and buses read as all ones, and a BAR
 * is only decoded where it fits the address space.
 *
 * kvmconfig: CONFIG_PCI=y
 */
#include <errno.h>
#include <string.h>

#include <linux/align.h>
#include <linux/kernel.h>
#include <lockdep/mutex.h>
#include "kvm/log.h"

#include "kvm/bus.h"
#include "kvm/init.h"
#include "kvm/irq.h"
#include "kvm/kvm.h"
#include "kvm/pci.h"

#define PCI_CONFIG_ADDRESS	0xcf8
#define PCI_RESET_CONTROL	0xcf9
#define PCI_CONFIG_DATA		0xcfc
#define PCI_CONFIG_PORTS	8	/* 0xcf8-0xcff */

#define PCI_CFG_ENABLE		0x80000000U
#define PCI_RESET_CPU		0x04

#define PCI_HEADER_SIZE		0x40
#define PCI_BAR_IO_MIN		4
#define PCI_BAR_MEM_MIN		16
#define PCI_IO_SPACE_END		0x10000ULL
#define PCI_MEM_SPACE_END		0x100000000ULL

/* The command bits a guest may change. */
#define PCI_COMMAND_WRITABLE	(PCI_COMMAND_IO | PCI_COMMAND_MEMORY |	\
				 PCI_COMMAND_MASTER | PCI_COMMAND_PARITY | \
				 PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE)

/* A generic host bridge ID, one no Linux quirk matches. */
#define PCI_HOST_VENDOR		0x1b36
#define PCI_HOST_DEVICE		0x0008
#define PCI_CLASS_BRIDGE_HOST	0x0600

#define PCI_MAX_LINES		256

/*
 * Config accesses (and the BAR callbacks they make) are serialised by
 * pci_lock.  INTx has its own lock: devices raise interrupts with their
 * own locks held, and config writes call into the devices.
 */
static DEFINE_MUTEX(pci_lock);
static DEFINE_MUTEX(pci_intx_lock);

static struct pci_device *devices[PCI_MAX_DEVICES];
static int nr_devices;
static u32 config_address;
static u8 reset_control;
static u32 next_io = KVM_PCI_IO_START;
static u64 next_mmio = KVM_PCI_MMIO_START;
static u32 intx_asserted[PCI_MAX_LINES];	/* bitmap of slots per line */
static bool pci_ports_registered;
static bool pci_ecam_registered;
static bool pci_io_window_registered;

static struct pci_device host_bridge;

static bool bar_is_io(struct pci_device *dev, int bar)
{
	return dev->hdr.bar[bar] & PCI_BASE_ADDRESS_SPACE_IO;
}

static bool bar_decode_enabled(struct pci_device *dev, int bar)
{
	u16 bit = bar_is_io(dev, bar) ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY;

	return dev->hdr.command & bit;
}

/* A BAR at 0 is unassigned; one past the end of its space is unusable. */
static bool bar_address_valid(struct pci_device *dev, int bar)
{
	u64 addr = pci__bar_address(dev, bar);
	u64 limit = bar_is_io(dev, bar) ? PCI_IO_SPACE_END : PCI_MEM_SPACE_END;

	return addr && addr + dev->bar_size[bar] <= limit;
}

static void bar_deactivate(struct kvm *kvm, struct pci_device *dev, int bar)
{
	if (!dev->bar_active[bar])
		return;
	dev->bar_active[bar] = false;
	if (dev->bar_deactivate)
		dev->bar_deactivate(kvm, dev, bar, pci__bar_address(dev, bar),
				    dev->bar_size[bar]);
}

static void bar_activate(struct kvm *kvm, struct pci_device *dev, int bar)
{
	int ret = 0;

	if (dev->bar_active[bar] || !dev->bar_size[bar] ||
	    !bar_decode_enabled(dev, bar) || !bar_address_valid(dev, bar))
		return;
	if (dev->bar_activate)
		ret = dev->bar_activate(kvm, dev, bar, pci__bar_address(dev, bar),
					dev->bar_size[bar]);
	if (ret < 0) {
		/*
		 * Overlapping another device's BAR, say: it stays off until
		 * that one moves away (bars_retry).
		 */
		pr_debug("00:%02x.0 BAR%d at 0x%llx: %d", dev->dev_num, bar,
			 (unsigned long long)pci__bar_address(dev, bar), ret);
		return;
	}
	dev->bar_active[bar] = true;
}

/*
 * A guest that reassigns every BAR (Linux on arm64's generic host bridge
 * does) writes them one at a time, so a BAR may land for a moment where
 * another device's still is.  On a real bus both would decode there
 * until the other moved; here the newcomer waits, and is decoded as soon
 * as a BAR moves or goes off and frees its place.
 */
static void bars_retry(struct kvm *kvm)
{
	struct pci_device *dev;
	int slot, bar;

	for (slot = 0; slot < PCI_MAX_DEVICES; slot++) {
		dev = devices[slot];
		if (!dev)
			continue;
		for (bar = 0; bar < PCI_NR_BARS; bar++)
			bar_activate(kvm, dev, bar);
	}
}

static void bars_update(struct kvm *kvm, struct pci_device *dev)
{
	int bar;

	for (bar = 0; bar < PCI_NR_BARS; bar++) {
		if (!dev->bar_size[bar])
			continue;
		if (bar_decode_enabled(dev, bar))
			bar_activate(kvm, dev, bar);
		else
			bar_deactivate(kvm, dev, bar);
	}
}

/* Keeps the type bits and the bits below the BAR's size. */
static void bar_write(struct kvm *kvm, struct pci_device *dev, int bar, u32 v)
{
	u32 size = dev->bar_size[bar], old = dev->hdr.bar[bar], flags;

	if (!size)
		return;		/* unimplemented: reads as 0 */
	if (bar_is_io(dev, bar)) {
		flags = old & ~PCI_BASE_ADDRESS_IO_MASK;
		v = (v & PCI_BASE_ADDRESS_IO_MASK & ~(size - 1)) | flags;
	} else {
		flags = old & ~PCI_BASE_ADDRESS_MEM_MASK;
		v = (v & PCI_BASE_ADDRESS_MEM_MASK & ~(size - 1)) | flags;
	}
	if (v == old)
		return;
	/* A live BAR moves: off at the old place, on at the new one. */
	bar_deactivate(kvm, dev, bar);
	dev->hdr.bar[bar] = v;
	bar_activate(kvm, dev, bar);
	bars_retry(kvm);
}

static void intx_update_locked(struct kvm *kvm, struct pci_device *dev,
			       bool level);

static void command_write(struct kvm *kvm, struct pci_device *dev, u16 v)
{
	u16 old = dev->hdr.command;
	bool pending;

	dev->hdr.command = (old & ~PCI_COMMAND_WRITABLE) |
			   (v & PCI_COMMAND_WRITABLE);
	if ((old ^ dev->hdr.command) & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY)) {
		bars_update(kvm, dev);
		bars_retry(kvm);
	}
	if ((old ^ dev->hdr.command) & PCI_COMMAND_INTX_DISABLE) {
		mutex_lock(&pci_intx_lock);
		pending = dev->hdr.status & PCI_STATUS_INTERRUPT;
		intx_update_locked(kvm, dev, pending);
		mutex_unlock(&pci_intx_lock);
	}
}

/* The header's writable bytes; @off < PCI_HEADER_SIZE, within a dword. */
static void header_write(struct kvm *kvm, struct pci_device *dev, u32 off,
			 const u8 *data, u32 len)
{
	u32 dword = off & ~3U, i, v;
	u8 buf[4];

	memcpy(buf, &dev->cfg[dword], 4);
	for (i = 0; i < len; i++)
		buf[(off & 3) + i] = data[i];
	memcpy(&v, buf, 4);

	switch (dword) {
	case PCI_COMMAND:
		/* The status half is read-only (no error bits to clear). */
		if ((off & 3) < 2)
			command_write(kvm, dev, v & 0xffff);
		break;
	case PCI_CACHE_LINE_SIZE:
		if (off == PCI_CACHE_LINE_SIZE || off == PCI_LATENCY_TIMER)
			dev->cfg[off] = data[0];
		if (off == PCI_CACHE_LINE_SIZE && len > 1)
			dev->cfg[PCI_LATENCY_TIMER] = data[1];
		break;
	case PCI_BASE_ADDRESS_0 ... PCI_BASE_ADDRESS_5:
		bar_write(kvm, dev, (dword - PCI_BASE_ADDRESS_0) / 4, v);
		break;
	case PCI_INTERRUPT_LINE:
		if ((off & 3) == 0)
			dev->hdr.irq_line = data[0];
		break;
	default:
		break;		/* IDs, class, ROM BAR...: read-only */
	}
}

static void config_access(struct kvm *kvm, struct pci_device *dev, u32 off,
			  u8 *data, u32 len, bool is_write)
{
	if (off >= PCI_HEADER_SIZE) {
		if (is_write && dev->cfg_write)
			dev->cfg_write(kvm, dev, off, data, len);
		else if (!is_write && dev->cfg_read)
			dev->cfg_read(kvm, dev, off, data, len);
		else if (!is_write)
			memcpy(data, &dev->cfg[off], len);
		return;
	}
	if (is_write)
		header_write(kvm, dev, off, data, len);
	else
		memcpy(data, &dev->cfg[off], len);
}

static struct pci_device *config_target(u32 address)
{
	u32 bus = (address >> 16) & 0xff;
	u32 slot = (address >> 11) & 0x1f;
	u32 fn = (address >> 8) & 0x7;

	if (!(address & PCI_CFG_ENABLE) || bus || fn)
		return NULL;
	return devices[slot];
}

static void config_data_io(struct kvm *kvm, u64 port, u8 *data, u32 len,
			   bool is_write)
{
	u32 off = (config_address & 0xfc) + (port - PCI_CONFIG_DATA);
	struct pci_device *dev = config_target(config_address);

	if (!dev) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	config_access(kvm, dev, off, data, len, is_write);
}

/* 0xcf8 is only the address register for dword accesses (the spec). */
static void config_address_io(struct kvm *kvm, u64 port, u8 *data, u32 len,
			      bool is_write)
{
	if (port == PCI_CONFIG_ADDRESS && len == 4) {
		if (is_write)
			memcpy(&config_address, data, 4);
		else
			memcpy(data, &config_address, 4);
		return;
	}
	if (port == PCI_RESET_CONTROL && len == 1) {
		if (!is_write) {
			data[0] = reset_control;
			return;
		}
		reset_control = data[0] & 0x0e;
		if (data[0] & PCI_RESET_CPU)
			kvm__request_exit(kvm, 0);
		return;
	}
	if (!is_write)
		memset(data, 0xff, len);
}

static void pci_config_io(struct kvm_cpu *vcpu, u64 addr, u8 *data, u32 len,
			  bool is_write, void *priv)
{
	struct kvm *kvm = priv;

	mutex_lock(&pci_lock);
	if (addr >= PCI_CONFIG_DATA)
		config_data_io(kvm, addr, data, len, is_write);
	else
		config_address_io(kvm, addr, data, len, is_write);
	mutex_unlock(&pci_lock);
}

/*
 * ECAM: bus << 20 | device << 15 | function << 12 | register.  Only bus
 * 0 is decoded; an access must stay inside one dword, as with 0xcfc.
 */
static void pci_ecam_io(struct kvm_cpu *vcpu, u64 addr, u8 *data, u32 len,
			bool is_write, void *priv)
{
	struct kvm *kvm = priv;
	u64 off = addr - KVM_PCI_ECAM_BASE;
	u32 reg = off & 0xfff, slot = (off >> 15) & 0x1f, fn = (off >> 12) & 7;
	struct pci_device *dev;

	mutex_lock(&pci_lock);
	dev = (off >> 20) || fn ? NULL : devices[slot];
	if (!dev || !len || (reg & 3) + len > 4) {
		if (!is_write)
			memset(data, 0xff, len);
	} else if (reg >= PCI_CONFIG_SIZE) {
		/* No extended configuration space: reads as zero. */
		if (!is_write)
			memset(data, 0, len);
	} else {
		config_access(kvm, dev, reg, data, len, is_write);
	}
	mutex_unlock(&pci_lock);
}

/* Memory-mapped I/O space: the port is the offset into the window. */
static void pci_io_window(struct kvm_cpu *vcpu, u64 addr, u8 *data, u32 len,
			  bool is_write, void *priv)
{
	u64 port = addr - KVM_PCI_IO_CPU_BASE;

	if (!bus_dispatch(vcpu, BUS_PIO, port, data, len, is_write) && !is_write)
		memset(data, 0xff, len);
}

/* Called with pci_intx_lock held. */
static void intx_update_locked(struct kvm *kvm, struct pci_device *dev,
			       bool level)
{
	int line = dev->irq_line;
	bool was, now;

	if (level)
		dev->hdr.status |= PCI_STATUS_INTERRUPT;
	else
		dev->hdr.status &= ~PCI_STATUS_INTERRUPT;
	if (line < 0 || line >= PCI_MAX_LINES)
		return;

	was = intx_asserted[line] != 0;
	if (level && !(dev->hdr.command & PCI_COMMAND_INTX_DISABLE))
		intx_asserted[line] |= 1U << dev->dev_num;
	else
		intx_asserted[line] &= ~(1U << dev->dev_num);
	now = intx_asserted[line] != 0;
	if (was != now)
		kvm__irq_line(kvm, line, now);
}

void pci__set_irq(struct kvm *kvm, struct pci_device *dev, int level)
{
	mutex_lock(&pci_intx_lock);
	intx_update_locked(kvm, dev, level);
	mutex_unlock(&pci_intx_lock);
}

static bool is_power_of_2(u32 n)
{
	return n && !(n & (n - 1));
}

u32 pci__alloc_io_space(struct kvm *kvm, u32 size)
{
	u32 addr;

	size = max_t(u32, size, PCI_BAR_IO_MIN);
	if (!is_power_of_2(size))
		return 0;
	mutex_lock(&pci_lock);
	addr = ALIGN(next_io, size);
	if (addr + (u64)size > KVM_PCI_IO_START + KVM_PCI_IO_SIZE)
		addr = 0;
	else
		next_io = addr + size;
	mutex_unlock(&pci_lock);
	return addr;
}

u64 pci__alloc_mmio_space(struct kvm *kvm, u64 size)
{
	u64 addr;

	size = max_t(u64, size, PCI_BAR_MEM_MIN);
	if (size & (size - 1))
		return 0;
	mutex_lock(&pci_lock);
	addr = ALIGN(next_mmio, size);
	if (addr + size > KVM_PCI_MMIO_START + KVM_PCI_MMIO_SIZE)
		addr = 0;
	else
		next_mmio = addr + size;
	mutex_unlock(&pci_lock);
	return addr;
}

/* Checks the device's BARs and gives an address to those without one. */
static int setup_bars(struct kvm *kvm, struct pci_device *dev)
{
	u32 size, addr;
	int bar;

	for (bar = 0; bar < PCI_NR_BARS; bar++) {
		size = dev->bar_size[bar];
		dev->bar_active[bar] = false;
		if (!size) {
			dev->hdr.bar[bar] = 0;
			continue;
		}
		if (!is_power_of_2(size))
			return -EINVAL;
		if (bar_is_io(dev, bar)) {
			if (size < PCI_BAR_IO_MIN || size > 256)
				return -EINVAL;
			addr = pci__bar_address(dev, bar);
			if (!addr)
				addr = pci__alloc_io_space(kvm, size);
			if (!addr)
				return -ENOSPC;
			dev->hdr.bar[bar] = addr | PCI_BASE_ADDRESS_SPACE_IO;
			dev->hdr.command |= PCI_COMMAND_IO;
			continue;
		}
		/* 32-bit memory BARs only: bar_size is 32 bits anyway. */
		if (size < PCI_BAR_MEM_MIN ||
		    (dev->hdr.bar[bar] & PCI_BASE_ADDRESS_MEM_TYPE_MASK))
			return -EINVAL;
		addr = pci__bar_address(dev, bar);
		if (!addr)
			addr = pci__alloc_mmio_space(kvm, size);
		if (!addr)
			return -ENOSPC;
		dev->hdr.bar[bar] = addr |
			(dev->hdr.bar[bar] & ~PCI_BASE_ADDRESS_MEM_MASK);
		dev->hdr.command |= PCI_COMMAND_MEMORY;
	}
	return 0;
}

int pci__register(struct kvm *kvm, struct pci_device *dev)
{
	int slot, ret, line = -1;

	if (dev->hdr.irq_pin > 4)
		return -EINVAL;
	ret = setup_bars(kvm, dev);
	if (ret < 0)
		return ret;
	if (dev->hdr.irq_pin) {
		line = irq__alloc_line(kvm, IRQ_TYPE_LEVEL);
		if (line < 0)
			return line;
	}

	mutex_lock(&pci_lock);
	for (slot = 0; slot < PCI_MAX_DEVICES; slot++)
		if (!devices[slot])
			break;
	if (slot == PCI_MAX_DEVICES) {
		mutex_unlock(&pci_lock);
		return -ENOSPC;
	}
	dev->dev_num = slot;
	dev->irq_line = line;
	dev->hdr.irq_line = line < 0 ? 0xff : line;
	dev->hdr.header_type &= ~0x80;	/* single function */
	if (dev->hdr.capabilities)
		dev->hdr.status |= PCI_STATUS_CAP_LIST;
	devices[slot] = dev;
	nr_devices++;
	/* As firmware would have left it: decoding on where there are BARs. */
	bars_update(kvm, dev);
	mutex_unlock(&pci_lock);

	pr_debug("00:%02x.0 %04x:%04x irq %d", slot, dev->hdr.vendor_id,
		 dev->hdr.device_id, line);
	return 0;
}

int pci__nr_devices(struct kvm *kvm)
{
	int n;

	mutex_lock(&pci_lock);
	n = nr_devices;
	mutex_unlock(&pci_lock);
	return n;
}

/* The @index-th registered device in slot order, or NULL. */
struct pci_device *pci__device(struct kvm *kvm, int index)
{
	struct pci_device *dev = NULL;
	int slot;

	mutex_lock(&pci_lock);
	for (slot = 0; slot < PCI_MAX_DEVICES; slot++) {
		if (devices[slot] && index-- == 0) {
			dev = devices[slot];
			break;
		}
	}
	mutex_unlock(&pci_lock);
	return dev;
}

static void host_bridge_setup(void)
{
	memset(&host_bridge, 0, sizeof(host_bridge));
	host_bridge.hdr.vendor_id = PCI_HOST_VENDOR;
	host_bridge.hdr.device_id = PCI_HOST_DEVICE;
	host_bridge.hdr.class[1] = PCI_CLASS_BRIDGE_HOST & 0xff;
	host_bridge.hdr.class[2] = PCI_CLASS_BRIDGE_HOST >> 8;
	host_bridge.hdr.header_type = PCI_HEADER_TYPE_NORMAL;
	host_bridge.hdr.command = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
}

static int pci_init_ports(struct kvm *kvm)
{
	int ret;

	ret = bus_register(kvm, BUS_PIO, PCI_CONFIG_ADDRESS, PCI_CONFIG_PORTS,
			   pci_config_io, kvm);
	if (ret < 0)
		return error("pci: cannot claim ports 0xcf8-0xcff: %s",
			     strerror(-ret));
	pci_ports_registered = true;
	/*
	 * A config access is a write of the address, then the data port:
	 * with the address write coalesced it costs one exit instead of
	 * two.  The data port's exit plays the address first (as QEMU
	 * does).  Without KVM's support, both exit.
	 */
	if (kvm__coalesce_pio(kvm, PCI_CONFIG_ADDRESS, 4) < 0)
		pr_debug("pci: no coalesced writes to 0xcf8");
	return 0;
}

static int pci_init_ecam(struct kvm *kvm)
{
	int ret;

	ret = bus_register(kvm, BUS_MMIO, KVM_PCI_ECAM_BASE, KVM_PCI_ECAM_SIZE,
			   pci_ecam_io, kvm);
	if (ret < 0)
		return error("pci: cannot claim the ECAM window at 0x%llx: %s",
			     (unsigned long long)KVM_PCI_ECAM_BASE,
			     strerror(-ret));
	pci_ecam_registered = true;
	if (!KVM_PCI_IO_CPU_BASE)
		return 0;
	ret = bus_register(kvm, BUS_MMIO, KVM_PCI_IO_CPU_BASE,
			   KVM_PCI_IO_CPU_SIZE, pci_io_window, kvm);
	if (ret < 0)
		return error("pci: cannot claim the I/O window at 0x%llx: %s",
			     (unsigned long long)KVM_PCI_IO_CPU_BASE,
			     strerror(-ret));
	pci_io_window_registered = true;
	return 0;
}

int pci__init(struct kvm *kvm)
{
	int ret;

	ret = KVM_PCI_ECAM_BASE ? pci_init_ecam(kvm) : pci_init_ports(kvm);
	if (ret < 0)
		return ret;

	host_bridge_setup();
	ret = pci__register(kvm, &host_bridge);
	if (ret < 0)
		return error("pci: host bridge: %s", strerror(-ret));
	return 0;
}
dev_base_init(pci__init);

/*
 * A device forgotten with its BARs still decoded would leave its bus
 * regions and ioeventfds behind, pointing at it.
 */
int pci__exit(struct kvm *kvm)
{
	int slot, bar;

	mutex_lock(&pci_lock);
	for (slot = 0; slot < PCI_MAX_DEVICES; slot++) {
		if (!devices[slot])
			continue;
		for (bar = 0; bar < PCI_NR_BARS; bar++)
			bar_deactivate(kvm, devices[slot], bar);
		devices[slot] = NULL;
	}
	nr_devices = 0;
	config_address = 0;
	reset_control = 0;
	next_io = KVM_PCI_IO_START;
	next_mmio = KVM_PCI_MMIO_START;
	mutex_unlock(&pci_lock);

	mutex_lock(&pci_intx_lock);
	memset(intx_asserted, 0, sizeof(intx_asserted));
	mutex_unlock(&pci_intx_lock);

	if (pci_ports_registered)
		bus_unregister(kvm, BUS_PIO, PCI_CONFIG_ADDRESS);
	if (pci_ecam_registered)
		bus_unregister(kvm, BUS_MMIO, KVM_PCI_ECAM_BASE);
	if (pci_io_window_registered)
		bus_unregister(kvm, BUS_MMIO, KVM_PCI_IO_CPU_BASE);
	pci_ports_registered = false;
	pci_ecam_registered = false;
	pci_io_window_registered = false;
	return 0;
}
dev_base_exit(pci__exit);
