/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__VIRTIO_TRANSPORT_H
#define KVM__VIRTIO_TRANSPORT_H

#include "kvm/virtio.h"

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

#endif /* KVM__VIRTIO_TRANSPORT_H */
