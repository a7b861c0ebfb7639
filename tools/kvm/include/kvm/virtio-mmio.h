/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__VIRTIO_MMIO_H
#define KVM__VIRTIO_MMIO_H

#include <stdbool.h>
#include <linux/types.h>

/*
 * The virtio-mmio devices registered so far (--virtio-transport mmio),
 * for firmware tables (the arm64 FDT).  On x86 each device also adds its
 * virtio_mmio.device= parameter to the kernel command line itself.
 */
int virtio_mmio__nr_devices(void);
bool virtio_mmio__device_info(int index, u64 *addr, u64 *size, int *irq);

#endif /* KVM__VIRTIO_MMIO_H */
