/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__VIRTIO_MMIO_H
#define KVM__VIRTIO_MMIO_H

#include <stdbool.h>
#include <linux/types.h>

/*
 * The virtio-mmio devices registered so far (--virtio-transport mmio),
 * for the architecture to describe them: the arm64 device tree, x86's
 * virtio_mmio.device= kernel parameters (x86/boot.c).
 */
int virtio_mmio__nr_devices(void);
bool virtio_mmio__device_info(int index, u64 *addr, u64 *size, int *irq);

#endif /* KVM__VIRTIO_MMIO_H */
