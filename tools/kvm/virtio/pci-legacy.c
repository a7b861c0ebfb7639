// SPDX-License-Identifier: GPL-2.0
/*
 * The legacy virtio PCI interface, for transitional devices
 * (--virtio-transport pci-legacy) driven by guest kernels older than
 * virtio 1.0: the register layout of the legacy I/O BAR, where a queue is
 * one page frame number in the legacy ring layout.  A driver that uses it
 * marks the device vdev->legacy.
 *
 * kvmconfig: CONFIG_VIRTIO_PCI_LEGACY=y
 */
#include <string.h>

#include <linux/align.h>
#include <linux/kernel.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_pci.h>

#include "kvm/pci-msix.h"
#include "kvm/virtio.h"
#include "kvm/util.h"

#include "pci-internal.h"

/* Transitional PCI device ids, by virtio device id. */
static const u16 legacy_ids[] = {
	[VIRTIO_ID_NET]		= 0x1000,
	[VIRTIO_ID_BLOCK]	= 0x1001,
	[VIRTIO_ID_BALLOON]	= 0x1002,
	[VIRTIO_ID_CONSOLE]	= 0x1003,
	[VIRTIO_ID_SCSI]	= 0x1004,
	[VIRTIO_ID_RNG]		= 0x1005,
	[VIRTIO_ID_9P]		= 0x1009,
};

u16 vpci_legacy_device_id(struct virtio_device *vdev)
{
	if (vdev->device_id >= ARRAY_SIZE(legacy_ids))
		return 0;
	return legacy_ids[vdev->device_id];
}

/* The legacy BAR: registers, MSI-X vectors, then the device config. */
u32 vpci_legacy_bar_size(struct virtio_device *vdev)
{
	u32 need = VIRTIO_PCI_CONFIG_OFF(1) + vdev->config_size, size = 32;

	while (size < need)
		size <<= 1;
	return size;
}

static void legacy_set_pfn(struct virtio_pci *vpci, struct virtq *vq,
			   u32 pfn)
{
	u64 addr = (u64)pfn << VIRTIO_PCI_QUEUE_ADDR_SHIFT;
	u16 n = vq->max_size;

	if (!pfn) {
		virtq__disable(vq);
		return;
	}
	if (vq->enabled)
		return;
	vq->size = n;
	vq->desc_addr = addr;
	vq->avail_addr = addr + 16ULL * n;
	vq->used_addr = ALIGN(vq->avail_addr + 6 + 2ULL * n,
			      (u64)VIRTIO_PCI_VRING_ALIGN);
	if (virtq__enable(vq))
		virtio_device__needs_reset(vpci->vdev);
}

static u32 legacy_config_off(struct virtio_pci *vpci)
{
	return VIRTIO_PCI_CONFIG_OFF(pci_msix__enabled(&vpci->msix));
}

static void legacy_read(struct virtio_pci *vpci, u32 off, u8 *data, u32 len)
{
	struct virtio_device *vdev = vpci->vdev;
	struct virtq *vq;
	u32 v = 0;

	switch (off) {
	case VIRTIO_PCI_HOST_FEATURES:
		v = lower_32_bits(virtio_device__host_features(vdev));
		break;
	case VIRTIO_PCI_GUEST_FEATURES:
		v = lower_32_bits(vdev->guest_features);
		break;
	case VIRTIO_PCI_QUEUE_PFN:
		vq = vpci_selected_vq(vpci);
		if (vq && vq->enabled)
			v = vq->desc_addr >> VIRTIO_PCI_QUEUE_ADDR_SHIFT;
		break;
	case VIRTIO_PCI_QUEUE_NUM:
		vq = vpci_selected_vq(vpci);
		v = vq ? vq->max_size : 0;
		break;
	case VIRTIO_PCI_QUEUE_SEL:
		v = vpci->queue_select;
		break;
	case VIRTIO_PCI_STATUS:
		v = vdev->status;
		break;
	case VIRTIO_MSI_CONFIG_VECTOR:
		v = vpci->config_vector;
		break;
	case VIRTIO_MSI_QUEUE_VECTOR:
		vq = vpci_selected_vq(vpci);
		v = vq ? vq->msix_vector : VIRTIO_NO_VECTOR;
		break;
	}
	memcpy(data, &v, min_t(u32, len, 4));
}

static void legacy_write(struct virtio_pci *vpci, u32 off, u8 *data, u32 len)
{
	struct virtio_device *vdev = vpci->vdev;
	struct virtq *vq = vpci_selected_vq(vpci);
	u32 v = 0;

	memcpy(&v, data, min_t(u32, len, 4));
	switch (off) {
	case VIRTIO_PCI_GUEST_FEATURES:
		vdev->legacy = true;
		/* VERSION_1 and above are out of a legacy driver's reach. */
		virtio_device__set_guest_features(vdev, v);
		break;
	case VIRTIO_PCI_QUEUE_PFN:
		vdev->legacy = true;
		if (vq)
			legacy_set_pfn(vpci, vq, v);
		break;
	case VIRTIO_PCI_QUEUE_SEL:
		vpci->queue_select = v;
		break;
	case VIRTIO_PCI_QUEUE_NOTIFY:
		if (v < vdev->nr_queues)
			virtq__kick(&vdev->vqs[v]);
		break;
	case VIRTIO_PCI_STATUS:
		vdev->legacy = true;
		vpci_set_status(vpci, v & 0xff);
		break;
	case VIRTIO_MSI_CONFIG_VECTOR:
		vpci->config_vector = vpci_check_vector(vpci, v);
		break;
	case VIRTIO_MSI_QUEUE_VECTOR:
		if (vq)
			vq->msix_vector = vpci_check_vector(vpci, v);
		break;
	}
}

void vpci_legacy_access(struct kvm_cpu *vcpu, u64 addr, u8 *data, u32 len,
			bool is_write, void *priv)
{
	struct virtio_pci *vpci = priv;
	u32 off = addr - vpci->bar_addr[VPCI_LEGACY_BAR];
	u32 cfg = legacy_config_off(vpci);

	if (off >= cfg) {
		virtio_device__config_access(vpci->vdev, off - cfg, data, len, is_write);
		return;
	}
	if (off == VIRTIO_PCI_ISR && !is_write) {
		memset(data, 0, len);
		data[0] = vpci_isr_read(vpci);
		return;
	}
	mutex_lock(&vpci->lock);
	if (is_write)
		legacy_write(vpci, off, data, len);
	else
		legacy_read(vpci, off, data, len);
	mutex_unlock(&vpci->lock);
}
