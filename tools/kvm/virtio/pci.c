// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio PCI transport.
 *
 * Modern (virtio 1.x) devices put their structures in one memory BAR
 * found through vendor capabilities; MSI-X (one vector per queue plus one
 * for config changes) is delivered by KVM irqfds on MSI routes, and queue
 * notifications arrive on KVM ioeventfds: the I/O fast path never exits
 * to lkvm.  A transitional device (--virtio-transport pci-legacy) also
 * has the legacy I/O BAR, for guest kernels older than virtio 1.0.
 *
 * This file is the PCI device: its registration, config space and
 * capability list, its BARs, interrupts, and helpers the two interfaces
 * share.  The structures of the modern interface are in pci-modern.c,
 * the legacy interface is in pci-legacy.c, MSI-X in hw/pci-msix.c.
 *
 * kvmconfig: CONFIG_VIRTIO_PCI=y
 */
#include <errno.h>
#include <string.h>

#include <linux/kernel.h>
#include <linux/pci_regs.h>
#include <linux/virtio_pci.h>

#include "kvm/bus.h"
#include "kvm/init.h"
#include "kvm/ioeventfd.h"
#include "kvm/kvm.h"
#include "kvm/pci.h"
#include "kvm/pci-msix.h"
#include "kvm/virtio.h"
#include "kvm/virtio-pci.h"
#include "kvm/virtio-transport.h"
#include "kvm/log.h"
#include "kvm/util.h"

#include "pci-internal.h"

#define PCI_VENDOR_ID_REDHAT_QUMRANET	0x1af4
#define VIRTIO_PCI_MODERN_ID_BASE	0x1040
#define VIRTIO_PCI_ISR_QUEUE		0x1

/* Capability offsets in config space. */
#define CAP_MSIX	0x40
#define CAP_COMMON	0x4c
#define CAP_ISR		0x5c
#define CAP_DEVCFG	0x6c
#define CAP_NOTIFY	0x7c
#define CAP_PCICFG	0x90
#define CAP_END		0xa4

static struct virtio_pci *to_vpci(struct virtio_device *vdev)
{
	return vdev->transport_priv;
}

/* ------------------------------------------------------------------ */
/* Interrupts */

static void vpci_intx(struct virtio_pci *vpci, u8 isr_bit)
{
	struct virtio_device *vdev = vpci->vdev;

	mutex_lock(&vpci->isr_lock);
	vdev->isr |= isr_bit;
	pci__set_irq(vpci->kvm, &vpci->pdev, 1);
	mutex_unlock(&vpci->isr_lock);
}

static void vpci_signal_vq(struct virtio_device *vdev, struct virtq *vq)
{
	struct virtio_pci *vpci = to_vpci(vdev);

	if (pci_msix__enabled(&vpci->msix))
		pci_msix__signal(&vpci->msix, READ_ONCE(vq->msix_vector));
	else
		vpci_intx(vpci, VIRTIO_PCI_ISR_QUEUE);
}

static void vpci_signal_config(struct virtio_device *vdev)
{
	struct virtio_pci *vpci = to_vpci(vdev);

	if (pci_msix__enabled(&vpci->msix))
		pci_msix__signal(&vpci->msix, READ_ONCE(vpci->config_vector));
	else
		vpci_intx(vpci, VIRTIO_PCI_ISR_CONFIG);
}

/* Reading the ISR acknowledges the interrupt. */
u8 vpci_isr_read(struct virtio_pci *vpci)
{
	u8 isr;

	mutex_lock(&vpci->isr_lock);
	isr = vpci->vdev->isr;
	vpci->vdev->isr = 0;
	pci__set_irq(vpci->kvm, &vpci->pdev, 0);
	mutex_unlock(&vpci->isr_lock);
	return isr;
}

/* The driver may only use vectors the table has; others read back NONE. */
u16 vpci_check_vector(struct virtio_pci *vpci, u16 vector)
{
	return vector < vpci->msix.nr_vectors ? vector : VIRTIO_NO_VECTOR;
}

/* ------------------------------------------------------------------ */
/* Driver state both interfaces share */

struct virtq *vpci_selected_vq(struct virtio_pci *vpci)
{
	if (vpci->queue_select >= vpci->vdev->nr_queues)
		return NULL;
	return &vpci->vdev->vqs[vpci->queue_select];
}

static void vpci_reset(struct virtio_pci *vpci)
{
	vpci->dfselect = 0;
	vpci->gfselect = 0;
	vpci->driver_features = 0;
	vpci->queue_select = 0;
	vpci->config_vector = VIRTIO_NO_VECTOR;
}

void vpci_set_status(struct virtio_pci *vpci, u8 status)
{
	struct virtio_device *vdev = vpci->vdev;

	virtio_device__set_status(vdev, status);
	if (status)
		return;
	vpci_reset(vpci);
	vpci_isr_read(vpci);	/* clears the ISR, lowers INTx */
}

/* ------------------------------------------------------------------ */
/* The memory BAR */

static void mem_bar_access(struct virtio_pci *vpci, u32 off, u8 *data,
			   u32 len, bool is_write)
{
	if (off < VPCI_MSIX_TABLE_OFF) {
		vpci_modern_access(vpci, off, data, len, is_write);
	} else if (off < VPCI_MSIX_PBA_OFF) {
		pci_msix__table_access(&vpci->msix, off - VPCI_MSIX_TABLE_OFF,
				       data, len, is_write);
	} else if (!is_write) {
		pci_msix__pba_read(&vpci->msix, off - VPCI_MSIX_PBA_OFF, data,
				   len);
	}
}

static void mem_bar_mmio(struct kvm_cpu *vcpu, u64 addr, u8 *data, u32 len,
			 bool is_write, void *priv)
{
	struct virtio_pci *vpci = priv;

	mem_bar_access(vpci, addr - vpci->bar_addr[VPCI_MEM_BAR], data, len,
		       is_write);
}

static int vpci_bar_activate(struct kvm *kvm, struct pci_device *pdev,
			     int bar, u64 addr, u64 size)
{
	struct virtio_pci *vpci = pdev->priv;
	struct virtio_device *vdev = vpci->vdev;
	int ret;

	vpci->bar_addr[bar] = addr;
	if (bar == VPCI_LEGACY_BAR) {
		ret = bus_register(kvm, BUS_PIO, addr, size, vpci_legacy_access,
				   vpci);
		if (ret)
			return ret;
		virtio_device__add_ioeventfds(kvm, vdev, vpci->legacy_ev, BUS_PIO,
				      addr + VIRTIO_PCI_QUEUE_NOTIFY, 0, 2);
		return 0;
	}

	ret = bus_register(kvm, BUS_MMIO, addr, size, mem_bar_mmio, vpci);
	if (ret)
		return ret;
	virtio_device__add_ioeventfds(kvm, vdev, vpci->notify_ev, BUS_MMIO,
			      addr + VPCI_NOTIFY_OFF, VPCI_NOTIFY_MULT, 2);
	return 0;
}

static int vpci_bar_deactivate(struct kvm *kvm, struct pci_device *pdev,
			       int bar, u64 addr, u64 size)
{
	struct virtio_pci *vpci = pdev->priv;

	virtio_device__del_ioeventfds(kvm, vpci->vdev, bar == VPCI_LEGACY_BAR ?
			      vpci->legacy_ev : vpci->notify_ev);
	return bus_unregister(kvm, bar == VPCI_LEGACY_BAR ? BUS_PIO : BUS_MMIO,
			      addr);
}

/* ------------------------------------------------------------------ */
/* Config space: capabilities */

static void pcicfg_cap_access(struct virtio_pci *vpci, bool is_write)
{
	struct virtio_pci_cfg_cap *cap = (void *)&vpci->pdev.cfg[CAP_PCICFG];
	u32 len = cap->cap.length, off = cap->cap.offset;

	/* VIRTIO_PCI_CAP_PCI_CFG: a window on the memory BAR. */
	if (cap->cap.bar != VPCI_MEM_BAR || (len != 1 && len != 2 && len != 4) ||
	    off >= VPCI_MEM_BAR_SIZE || len > VPCI_MEM_BAR_SIZE - off) {
		if (!is_write)
			memset(cap->pci_cfg_data, 0, 4);
		return;
	}
	mem_bar_access(vpci, off, cap->pci_cfg_data, len, is_write);
}

static void vpci_cfg_read(struct kvm *kvm, struct pci_device *pdev,
			  u32 offset, void *data, u32 len)
{
	struct virtio_pci *vpci = pdev->priv;
	u32 d = CAP_PCICFG + offsetof(struct virtio_pci_cfg_cap, pci_cfg_data);

	if (offset >= PCI_CONFIG_SIZE || len > PCI_CONFIG_SIZE - offset)
		return;
	if (offset < d + 4 && d < offset + len)
		pcicfg_cap_access(vpci, false);
	memcpy(data, &pdev->cfg[offset], len);
}

/* Besides MSI-X enable and mask, only these bytes are guest-writable. */
static bool cfg_writable(u32 off)
{
	u32 c = CAP_PCICFG;

	if (off == c + offsetof(struct virtio_pci_cap, bar))
		return true;
	return off >= c + offsetof(struct virtio_pci_cap, offset) &&
	       off < CAP_END;
}

static void vpci_cfg_write(struct kvm *kvm, struct pci_device *pdev,
			   u32 offset, const void *data, u32 len)
{
	struct virtio_pci *vpci = pdev->priv;
	u32 d = CAP_PCICFG + offsetof(struct virtio_pci_cfg_cap, pci_cfg_data);
	u32 i;

	if (offset >= PCI_CONFIG_SIZE || len > PCI_CONFIG_SIZE - offset)
		return;
	for (i = 0; i < len; i++) {
		if (cfg_writable(offset + i))
			pdev->cfg[offset + i] = ((const u8 *)data)[i];
	}
	pci_msix__cfg_write(&vpci->msix, offset, data, len);
	if (offset < d + 4 && d < offset + len)
		pcicfg_cap_access(vpci, true);
}

static void add_vcap(struct pci_device *pdev, u8 pos, u8 next, u8 len,
		     u8 type, u32 off, u32 size)
{
	struct virtio_pci_cap *cap = (void *)&pdev->cfg[pos];

	cap->cap_vndr = PCI_CAP_ID_VNDR;
	cap->cap_next = next;
	cap->cap_len = len;
	cap->cfg_type = type;
	cap->bar = VPCI_MEM_BAR;
	cap->offset = off;
	cap->length = size;
}

static void vpci_build_config(struct virtio_pci *vpci)
{
	struct pci_device *pdev = &vpci->pdev;
	struct virtio_device *vdev = vpci->vdev;
	struct virtio_pci_notify_cap *ncap;

	pdev->hdr.vendor_id = PCI_VENDOR_ID_REDHAT_QUMRANET;
	pdev->hdr.subsys_vendor_id = PCI_VENDOR_ID_REDHAT_QUMRANET;
	if (vpci->transitional) {
		pdev->hdr.device_id = vpci_legacy_device_id(vdev);
		pdev->hdr.revision_id = 0;
	} else {
		pdev->hdr.device_id = VIRTIO_PCI_MODERN_ID_BASE + vdev->device_id;
		pdev->hdr.revision_id = 1;
	}
	pdev->hdr.subsys_id = vdev->device_id;
	pdev->hdr.class[2] = 0xff;	/* unclassified; the driver goes by id */
	pdev->hdr.status = PCI_STATUS_CAP_LIST;
	pdev->hdr.capabilities = CAP_MSIX;
	pdev->hdr.irq_pin = 1;

	pci_msix__add_cap(&vpci->msix, CAP_MSIX, CAP_COMMON, VPCI_MEM_BAR,
			  VPCI_MSIX_TABLE_OFF, VPCI_MSIX_PBA_OFF);

	add_vcap(pdev, CAP_COMMON, CAP_ISR, sizeof(struct virtio_pci_cap),
		 VIRTIO_PCI_CAP_COMMON_CFG, VPCI_COMMON_OFF,
		 sizeof(struct virtio_pci_common_cfg));
	add_vcap(pdev, CAP_ISR, CAP_DEVCFG, sizeof(struct virtio_pci_cap),
		 VIRTIO_PCI_CAP_ISR_CFG, VPCI_ISR_OFF, 1);
	add_vcap(pdev, CAP_DEVCFG, CAP_NOTIFY, sizeof(struct virtio_pci_cap),
		 VIRTIO_PCI_CAP_DEVICE_CFG, VPCI_DEVCFG_OFF,
		 max_t(u32, vdev->config_size, 4));
	add_vcap(pdev, CAP_NOTIFY, CAP_PCICFG,
		 sizeof(struct virtio_pci_notify_cap), VIRTIO_PCI_CAP_NOTIFY_CFG,
		 VPCI_NOTIFY_OFF, vdev->nr_queues * VPCI_NOTIFY_MULT);
	ncap = (void *)&pdev->cfg[CAP_NOTIFY];
	ncap->notify_off_multiplier = VPCI_NOTIFY_MULT;
	add_vcap(pdev, CAP_PCICFG, 0, sizeof(struct virtio_pci_cfg_cap),
		 VIRTIO_PCI_CAP_PCI_CFG, 0, 0);
	pdev->cfg[CAP_PCICFG + offsetof(struct virtio_pci_cap, bar)] = 0;
}

static int vpci_vq_bypass(struct virtio_device *vdev, struct virtq *vq,
			  void (*route)(void *opaque, int irqfd), void *opaque)
{
	struct virtio_pci *vpci = to_vpci(vdev);
	u16 vector = READ_ONCE(vq->msix_vector);
	int ret;

	/* Without MSI-X the ISR must be set too: lkvm has to do it. */
	if (!pci_msix__enabled(&vpci->msix) || vector == VIRTIO_NO_VECTOR)
		return -EOPNOTSUPP;
	ret = pci_msix__bypass(&vpci->msix, vector, route, opaque);
	/* The driver may move the queue to another vector meanwhile. */
	if (!ret)
		vq->bypass_vector = vector;
	return ret;
}

static void vpci_vq_unbypass(struct virtio_device *vdev, struct virtq *vq)
{
	struct virtio_pci *vpci = to_vpci(vdev);

	pci_msix__unbypass(&vpci->msix, vq->bypass_vector);
}

static const struct virtio_transport_ops vpci_transport_ops = {
	.signal_vq = vpci_signal_vq,
	.signal_config = vpci_signal_config,
	.vq_bypass = vpci_vq_bypass,
	.vq_unbypass = vpci_vq_unbypass,
};

int virtio_pci__init(struct kvm *kvm, struct virtio_device *vdev)
{
	struct virtio_pci *vpci = xzalloc(sizeof(*vpci));
	struct pci_device *pdev = &vpci->pdev;
	int ret;

	if (vdev->config_size > VPCI_DEVCFG_SIZE)
		return error("%s: config space too large", vdev->name);
	if (vdev->transport == VIRTIO_TRANSPORT_PCI_LEGACY &&
	    !vpci_legacy_device_id(vdev))
		return error("%s: no legacy PCI id for this device", vdev->name);

	vpci->vdev = vdev;
	vpci->kvm = kvm;
	vpci->transitional = vdev->transport == VIRTIO_TRANSPORT_PCI_LEGACY;
	mutex_init(&vpci->lock);
	mutex_init(&vpci->isr_lock);
	vpci->config_vector = VIRTIO_NO_VECTOR;
	/* One vector per queue, one for config changes. */
	pci_msix__init(&vpci->msix, kvm, pdev, vdev->nr_queues + 1);
	vpci->notify_ev = xcalloc(vdev->nr_queues, sizeof(struct ioevent));
	vpci->legacy_ev = xcalloc(vdev->nr_queues, sizeof(struct ioevent));

	vdev->transport_priv = vpci;
	vdev->transport_ops = &vpci_transport_ops;
	if (vpci->transitional)
		vdev->host_features |= 1ULL << VIRTIO_F_ANY_LAYOUT;

	vpci_build_config(vpci);
	pdev->bar_size[VPCI_MEM_BAR] = VPCI_MEM_BAR_SIZE;
	/* pci__register() places the BARs. */
	if (vpci->transitional) {
		pdev->bar_size[VPCI_LEGACY_BAR] = vpci_legacy_bar_size(vdev);
		pdev->hdr.bar[VPCI_LEGACY_BAR] = PCI_BASE_ADDRESS_SPACE_IO;
	}
	pdev->bar_activate = vpci_bar_activate;
	pdev->bar_deactivate = vpci_bar_deactivate;
	pdev->cfg_read = vpci_cfg_read;
	pdev->cfg_write = vpci_cfg_write;
	pdev->priv = vpci;

	ret = pci__register(kvm, pdev);
	if (ret)
		return error("%s: cannot register the PCI device: %s",
			     vdev->name, strerror(-ret));
	return 0;
}

static const struct virtio_transport vpci_transport = {
	.init = virtio_pci__init,
};

static void __attribute__((constructor)) virtio_pci__register_transport(void)
{
	virtio_transport__register(VIRTIO_TRANSPORT_PCI, &vpci_transport);
	virtio_transport__register(VIRTIO_TRANSPORT_PCI_LEGACY, &vpci_transport);
}
