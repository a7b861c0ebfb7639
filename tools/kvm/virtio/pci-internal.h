/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the pieces of the virtio PCI transport share: pci.c (the PCI
 * device, its BARs and config space), pci-modern.c (the virtio 1.x
 * structures in the memory BAR) and pci-legacy.c (the legacy I/O BAR of
 * transitional devices).  Nothing outside virtio/pci*.c includes it.
 */
#ifndef KVM__VIRTIO_PCI_INTERNAL_H
#define KVM__VIRTIO_PCI_INTERNAL_H

#include <stdbool.h>
#include <lockdep/mutex.h>
#include <linux/types.h>

#include "kvm/pci.h"
#include "kvm/pci-msix.h"

struct ioevent;
struct kvm;
struct kvm_cpu;
struct virtq;
struct virtio_device;

/* BAR2 layout (memory, 16 KiB). */
#define VPCI_COMMON_OFF		0x0000
#define VPCI_ISR_OFF		0x0100
#define VPCI_DEVCFG_OFF		0x0200
#define VPCI_DEVCFG_SIZE	0x0e00
#define VPCI_NOTIFY_OFF		0x1000
#define VPCI_NOTIFY_MULT	4
#define VPCI_MSIX_TABLE_OFF	0x2000
#define VPCI_MSIX_PBA_OFF	0x3000
#define VPCI_MEM_BAR_SIZE	0x4000

#define VPCI_LEGACY_BAR		0
#define VPCI_MEM_BAR		2

struct virtio_pci {
	struct pci_device pdev;
	struct virtio_device *vdev;
	struct kvm *kvm;
	bool transitional;
	/* vdev->isr and INTx; never held while taking @lock. */
	struct mutex isr_lock;
	struct mutex lock;	/* everything below */

	u32 dfselect;
	u32 gfselect;
	u64 driver_features;
	u16 queue_select;
	u16 config_vector;

	u64 bar_addr[PCI_NR_BARS];
	struct ioevent *notify_ev;	/* modern: one per queue */
	struct ioevent *legacy_ev;	/* legacy: one per queue (datamatch) */

	struct pci_msix msix;
};

/*
 * pci.c: helpers for both interfaces.  vpci_selected_vq() and
 * vpci_set_status() are called with vpci->lock held; vpci_isr_read()
 * takes vpci->isr_lock.
 */
u8 vpci_isr_read(struct virtio_pci *vpci);
u16 vpci_check_vector(struct virtio_pci *vpci, u16 vector);
struct virtq *vpci_selected_vq(struct virtio_pci *vpci);
void vpci_set_status(struct virtio_pci *vpci, u8 status);

/*
 * pci-modern.c: an access at @off of the memory BAR, in the part of it
 * below the MSI-X table (common config, ISR, device config, doorbells).
 */
void vpci_modern_access(struct virtio_pci *vpci, u32 off, u8 *data, u32 len,
			bool is_write);

/* pci-legacy.c: the legacy I/O BAR. */
u16 vpci_legacy_device_id(struct virtio_device *vdev);
u32 vpci_legacy_bar_size(struct virtio_device *vdev);
void vpci_legacy_access(struct kvm_cpu *vcpu, u64 addr, u8 *data, u32 len,
			bool is_write, void *priv);

#endif /* KVM__VIRTIO_PCI_INTERNAL_H */
