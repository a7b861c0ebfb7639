// SPDX-License-Identifier: GPL-2.0
/*
 * The modern (virtio 1.x) PCI interface: the structures the vendor
 * capabilities point the driver to in the memory BAR.  The common
 * configuration (feature negotiation, status, queue set-up) is emulated
 * on a snapshot: an access reads or changes the structure as a whole, so
 * that a write of any width and alignment lands on every field it covers.
 * Then the ISR, the device config space, and the notification doorbells,
 * which KVM catches with ioeventfds (pci.c sets those up); a doorbell
 * write that reaches lkvm kicks the queue here.
 */
#include <string.h>

#include <linux/kernel.h>
#include <linux/virtio_pci.h>

#include "kvm/virtio.h"
#include "kvm/util.h"

#include "pci-internal.h"

static void common_snapshot(struct virtio_pci *vpci,
			    struct virtio_pci_common_cfg *c)
{
	struct virtio_device *vdev = vpci->vdev;
	struct virtq *vq = vpci_selected_vq(vpci);
	u64 f = virtio_device__host_features(vdev);

	memset(c, 0, sizeof(*c));
	c->device_feature_select = vpci->dfselect;
	c->device_feature = vpci->dfselect < 2 ? f >> (32 * vpci->dfselect) : 0;
	c->guest_feature_select = vpci->gfselect;
	c->guest_feature = vpci->gfselect < 2 ?
			   vpci->driver_features >> (32 * vpci->gfselect) : 0;
	c->msix_config = vpci->config_vector;
	c->num_queues = vdev->nr_queues;
	c->device_status = READ_ONCE(vdev->status);
	c->config_generation = READ_ONCE(vdev->config_generation);
	c->queue_select = vpci->queue_select;
	if (!vq)
		return;
	c->queue_size = vq->size;
	c->queue_msix_vector = vq->msix_vector;
	c->queue_enable = vq->enabled;
	c->queue_notify_off = vq->index;
	c->queue_desc_lo = lower_32_bits(vq->desc_addr);
	c->queue_desc_hi = upper_32_bits(vq->desc_addr);
	c->queue_avail_lo = lower_32_bits(vq->avail_addr);
	c->queue_avail_hi = upper_32_bits(vq->avail_addr);
	c->queue_used_lo = lower_32_bits(vq->used_addr);
	c->queue_used_hi = upper_32_bits(vq->used_addr);
}

static void common_queue_write(struct virtio_pci *vpci, u32 field,
			       const struct virtio_pci_common_cfg *c)
{
	struct virtq *vq = vpci_selected_vq(vpci);

	if (!vq)
		return;
	if (field == VIRTIO_PCI_COMMON_Q_MSIX) {
		vq->msix_vector = vpci_check_vector(vpci, c->queue_msix_vector);
		return;
	}
	/* The ring of an enabled queue is fixed until reset. */
	if (vq->enabled)
		return;
	switch (field) {
	case VIRTIO_PCI_COMMON_Q_SIZE:
		vq->size = c->queue_size;
		break;
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		if (c->queue_enable != 1)
			break;
		if (virtq__enable(vq))
			virtio_device__needs_reset(vpci->vdev);
		break;
	case VIRTIO_PCI_COMMON_Q_DESCLO:
	case VIRTIO_PCI_COMMON_Q_DESCHI:
		vq->desc_addr = (u64)c->queue_desc_hi << 32 | c->queue_desc_lo;
		break;
	case VIRTIO_PCI_COMMON_Q_AVAILLO:
	case VIRTIO_PCI_COMMON_Q_AVAILHI:
		vq->avail_addr = (u64)c->queue_avail_hi << 32 | c->queue_avail_lo;
		break;
	case VIRTIO_PCI_COMMON_Q_USEDLO:
	case VIRTIO_PCI_COMMON_Q_USEDHI:
		vq->used_addr = (u64)c->queue_used_hi << 32 | c->queue_used_lo;
		break;
	}
}

static void common_field_write(struct virtio_pci *vpci, u32 field,
			       const struct virtio_pci_common_cfg *c)
{
	struct virtio_device *vdev = vpci->vdev;
	u64 mask;

	switch (field) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		vpci->dfselect = c->device_feature_select;
		break;
	case VIRTIO_PCI_COMMON_GFSELECT:
		vpci->gfselect = c->guest_feature_select;
		break;
	case VIRTIO_PCI_COMMON_GF:
		if (vpci->gfselect >= 2)
			break;
		mask = 0xffffffffULL << (32 * vpci->gfselect);
		vpci->driver_features &= ~mask;
		vpci->driver_features |= (u64)c->guest_feature << (32 * vpci->gfselect);
		vdev->legacy = false;
		virtio_device__set_guest_features(vdev, vpci->driver_features);
		break;
	case VIRTIO_PCI_COMMON_MSIX:
		vpci->config_vector = vpci_check_vector(vpci, c->msix_config);
		break;
	case VIRTIO_PCI_COMMON_STATUS:
		vpci_set_status(vpci, c->device_status);
		break;
	case VIRTIO_PCI_COMMON_Q_SELECT:
		vpci->queue_select = c->queue_select;
		break;
	default:
		common_queue_write(vpci, field, c);
	}
}

/* Writable fields, by offset; a write may cover (parts of) several. */
static const u8 common_fields[][2] = {
	{ VIRTIO_PCI_COMMON_DFSELECT, 4 }, { VIRTIO_PCI_COMMON_GFSELECT, 4 },
	{ VIRTIO_PCI_COMMON_GF, 4 }, { VIRTIO_PCI_COMMON_MSIX, 2 },
	{ VIRTIO_PCI_COMMON_STATUS, 1 }, { VIRTIO_PCI_COMMON_Q_SELECT, 2 },
	{ VIRTIO_PCI_COMMON_Q_SIZE, 2 }, { VIRTIO_PCI_COMMON_Q_MSIX, 2 },
	{ VIRTIO_PCI_COMMON_Q_DESCLO, 4 }, { VIRTIO_PCI_COMMON_Q_DESCHI, 4 },
	{ VIRTIO_PCI_COMMON_Q_AVAILLO, 4 }, { VIRTIO_PCI_COMMON_Q_AVAILHI, 4 },
	{ VIRTIO_PCI_COMMON_Q_USEDLO, 4 }, { VIRTIO_PCI_COMMON_Q_USEDHI, 4 },
	/* Last, so that a wide write sets the ring before enabling it. */
	{ VIRTIO_PCI_COMMON_Q_ENABLE, 2 },
};

static void common_access(struct virtio_pci *vpci, u32 off, u8 *data,
			  u32 len, bool is_write)
{
	struct virtio_pci_common_cfg c;
	unsigned int i;

	if (off >= sizeof(c) || len > sizeof(c) - off) {
		if (!is_write)
			memset(data, 0, len);
		return;
	}
	mutex_lock(&vpci->lock);
	common_snapshot(vpci, &c);
	if (!is_write) {
		memcpy(data, (u8 *)&c + off, len);
		goto out;
	}
	memcpy((u8 *)&c + off, data, len);
	for (i = 0; i < ARRAY_SIZE(common_fields); i++) {
		u32 f = common_fields[i][0], flen = common_fields[i][1];

		if (f < off + len && off < f + flen)
			common_field_write(vpci, f, &c);
	}
out:
	mutex_unlock(&vpci->lock);
}

/* The ISR status byte; reading it acknowledges the interrupt. */
static void isr_access(struct virtio_pci *vpci, u32 off, u8 *data, u32 len,
		       bool is_write)
{
	if (is_write)
		return;
	memset(data, 0, len);
	data[0] = off == 0 ? vpci_isr_read(vpci) : 0;
}

/* The slow path, when KVM did not catch the notification. */
static void notify_access(struct virtio_pci *vpci, u32 off, u8 *data,
			  u32 len, bool is_write)
{
	struct virtio_device *vdev = vpci->vdev;
	u32 q = off / VPCI_NOTIFY_MULT;

	if (is_write && q < vdev->nr_queues)
		virtq__kick(&vdev->vqs[q]);
	else if (!is_write)
		memset(data, 0, len);
}

void vpci_modern_access(struct virtio_pci *vpci, u32 off, u8 *data, u32 len,
			bool is_write)
{
	if (off < VPCI_ISR_OFF)
		common_access(vpci, off - VPCI_COMMON_OFF, data, len, is_write);
	else if (off < VPCI_DEVCFG_OFF)
		isr_access(vpci, off - VPCI_ISR_OFF, data, len, is_write);
	else if (off < VPCI_NOTIFY_OFF)
		virtio_device__config_access(vpci->vdev, off - VPCI_DEVCFG_OFF, data,
				     len, is_write);
	else
		notify_access(vpci, off - VPCI_NOTIFY_OFF, data, len, is_write);
}
