// SPDX-License-Identifier: GPL-2.0
/*
 * pvpanic: how a guest kernel tells lkvm it panicked, so that lkvm can
 * end with a failure status rather than see an ordinary reboot.
 *
 * Where the architecture gives it a fixed MMIO address (kvm-arch.h:
 * KVM_PVPANIC_MMIO_BASE, arm64) it is the "qemu,pvpanic-mmio" device of
 * the device tree, which Linux's pvpanic-mmio driver binds to; otherwise
 * it is a PCI device, what the pvpanic-pci driver binds to, with a memory
 * BAR 0.  Either way its first byte, read, says which events we accept
 * and, written, is the event.  The guest's panic notifier writes PVPANIC_PANICKED, or
 * PVPANIC_CRASH_LOADED when a kdump kernel is about to take over (then
 * the guest goes on, in that kernel).  Any other value, access size or
 * offset is ignored.
 *
 * kvmconfig: CONFIG_PVPANIC=y CONFIG_PVPANIC_PCI=y
 */
#include <string.h>

#include <misc/pvpanic.h>

#include <linux/kernel.h>
#include <subcmd/parse-options.h>
#include "kvm/log.h"

#include "kvm/bus.h"
#include "kvm/init.h"
#include "kvm/kvm.h"
#include "kvm/pci.h"
#include "kvm/pvpanic.h"
#include "kvm/run-options.h"

/* The IDs the pvpanic-pci driver matches (QEMU's "pvpanic-pci"). */
#define PVPANIC_PCI_VENDOR	0x1b36
#define PVPANIC_PCI_DEVICE	0x0011
#define PVPANIC_PCI_REVISION	1
#define PCI_CLASS_SYSTEM_OTHER	0x0880

#define PVPANIC_BAR		0
#define PVPANIC_BAR_SIZE	16	/* the smallest memory BAR; one byte used */
#define PVPANIC_EVENTS		(PVPANIC_PANICKED | PVPANIC_CRASH_LOADED)

struct pvpanic {
	struct pci_device pdev;
	struct kvm *kvm;
	u64 bar_addr;
	bool crash_loaded_seen;
	bool mmio_registered;	/* at KVM_PVPANIC_MMIO_BASE */
};

static struct pvpanic pvpanic;

static bool pvpanic_enabled = true;	/* --[no-]pvpanic */

static const struct option pvpanic_options[] = {
	OPT_GROUP("pvpanic options:"),
	OPT_BOOLEAN(0, "pvpanic", &pvpanic_enabled,
		    "a guest panic ends lkvm with status 2 (default; --no-pvpanic)"),
	OPT_END()
};
run_options_register(pvpanic_options);

void pvpanic__set_enabled(bool enabled)
{
	pvpanic_enabled = enabled;
}

static void pvpanic_event(struct pvpanic *pv, u8 event)
{
	if (event & PVPANIC_PANICKED) {
		kvm__guest_panicked(pv->kvm);
		return;
	}
	/* Said once: a guest that keeps crashing into kdump is not news. */
	if ((event & PVPANIC_CRASH_LOADED) &&
	    !__atomic_exchange_n(&pv->crash_loaded_seen, true, __ATOMIC_RELAXED))
		warning("guest kernel crashed; its crash kernel takes over");
}

static void pvpanic_mmio(struct kvm_cpu *vcpu, u64 addr, u8 *data, u32 len,
			 bool is_write, void *priv)
{
	struct pvpanic *pv = priv;
	u64 off = addr - pv->bar_addr;

	if (!is_write) {
		memset(data, 0, len);
		if (off == 0)
			data[0] = PVPANIC_EVENTS;
		return;
	}
	if (off == 0)
		pvpanic_event(pv, data[0]);
}

static int pvpanic_bar_activate(struct kvm *kvm, struct pci_device *pdev,
				int bar, u64 addr, u64 size)
{
	struct pvpanic *pv = pdev->priv;

	pv->bar_addr = addr;
	return bus_register(kvm, BUS_MMIO, addr, size, pvpanic_mmio, pv);
}

static int pvpanic_bar_deactivate(struct kvm *kvm, struct pci_device *pdev,
				  int bar, u64 addr, u64 size)
{
	return bus_unregister(kvm, BUS_MMIO, addr);
}

bool pvpanic__mmio_info(u64 *addr, u64 *size)
{
	if (!pvpanic.mmio_registered)
		return false;
	*addr = KVM_PVPANIC_MMIO_BASE;
	*size = KVM_PVPANIC_MMIO_SIZE;
	return true;
}

static int pvpanic_init_mmio(struct pvpanic *pv)
{
	int ret;

	pv->bar_addr = KVM_PVPANIC_MMIO_BASE;
	ret = bus_register(pv->kvm, BUS_MMIO, KVM_PVPANIC_MMIO_BASE,
			   KVM_PVPANIC_MMIO_SIZE, pvpanic_mmio, pv);
	if (ret < 0)
		return error("pvpanic: cannot register MMIO at 0x%llx: %s",
			     (unsigned long long)KVM_PVPANIC_MMIO_BASE,
			     strerror(-ret));
	pv->mmio_registered = true;
	return 0;
}

int pvpanic__init(struct kvm *kvm)
{
	struct pvpanic *pv = &pvpanic;
	struct pci_device *pdev = &pv->pdev;
	int ret;

	if (!pvpanic_enabled)
		return 0;

	memset(pv, 0, sizeof(*pv));
	pv->kvm = kvm;
	if (KVM_PVPANIC_MMIO_BASE)
		return pvpanic_init_mmio(pv);
	pdev->hdr.vendor_id = PVPANIC_PCI_VENDOR;
	pdev->hdr.device_id = PVPANIC_PCI_DEVICE;
	pdev->hdr.revision_id = PVPANIC_PCI_REVISION;
	pdev->hdr.class[1] = PCI_CLASS_SYSTEM_OTHER & 0xff;
	pdev->hdr.class[2] = PCI_CLASS_SYSTEM_OTHER >> 8;
	pdev->hdr.header_type = PCI_HEADER_TYPE_NORMAL;
	pdev->hdr.subsys_vendor_id = PVPANIC_PCI_VENDOR;
	pdev->hdr.subsys_id = PVPANIC_PCI_DEVICE;
	pdev->bar_size[PVPANIC_BAR] = PVPANIC_BAR_SIZE;
	pdev->bar_activate = pvpanic_bar_activate;
	pdev->bar_deactivate = pvpanic_bar_deactivate;
	pdev->priv = pv;

	ret = pci__register(kvm, pdev);
	if (ret < 0)
		return error("pvpanic: cannot register the PCI device: %s",
			     strerror(-ret));
	return 0;
}
dev_init(pvpanic__init);

static int pvpanic__exit(struct kvm *kvm)
{
	if (pvpanic.mmio_registered)
		bus_unregister(kvm, BUS_MMIO, KVM_PVPANIC_MMIO_BASE);
	pvpanic.mmio_registered = false;
	return 0;
}
dev_exit(pvpanic__exit);
