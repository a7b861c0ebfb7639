/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__VIRTIO_TRANSPORT_H
#define KVM__VIRTIO_TRANSPORT_H

#include "kvm/bus.h"
#include "kvm/virtio.h"

struct ioevent;

/*
 * Transports register themselves from a constructor, so that the core
 * (and its unit tests) does not depend on the PCI or MMIO code.
 */
struct virtio_transport {
	/* Makes @vdev visible to the guest; sets vdev->transport_ops. */
	int (*init)(struct kvm *kvm, struct virtio_device *vdev);
};

void virtio_transport__register(enum virtio_transport_type type,
				const struct virtio_transport *t);

/*
 * Queue notifications without an exit to lkvm: registers a KVM ioeventfd
 * on each queue's doorbell that signals the queue's kick_fd.  @evs has
 * room for vdev->nr_queues.  Queue i's doorbell is at @addr + i * @stride
 * on @bus, written with @len bytes; a @stride of 0 means one doorbell for
 * all queues, matched on the queue index written.  A doorbell KVM refused
 * is left to the transport's bus handler (the slow path).
 */
void virtio_device__add_ioeventfds(struct kvm *kvm, struct virtio_device *vdev,
			   struct ioevent *evs, enum bus_type bus, u64 addr,
			   u32 stride, u32 len);
void virtio_device__del_ioeventfds(struct kvm *kvm, struct virtio_device *vdev,
			   struct ioevent *evs);

#endif /* KVM__VIRTIO_TRANSPORT_H */
