/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__VIRTIO_PCI_H
#define KVM__VIRTIO_PCI_H

struct kvm;
struct virtio_device;

/*
 * Puts @vdev on the PCI bus: a modern device, or a transitional one when
 * vdev->transport is VIRTIO_TRANSPORT_PCI_LEGACY.  virtio_device__register()
 * calls it for the PCI transports; it is public for the tests.
 */
int virtio_pci__init(struct kvm *kvm, struct virtio_device *vdev);

#endif /* KVM__VIRTIO_PCI_H */
