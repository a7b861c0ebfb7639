// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport, version 2 (virtio 1.x).  Each device gets a
 * 4 KiB window in the virtio-mmio area of the guest physical map and a
 * level-triggered interrupt line.  The architecture tells the guest
 * where they are (virtio_mmio__device_info()): x86 with virtio_mmio.device=
 * kernel parameters, arm64 in the device tree.  Queue notifications use KVM ioeventfds
 * matched on the queue index.
 *
 * kvmconfig: CONFIG_VIRTIO_MMIO=y CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES=y
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/virtio_mmio.h>

#include <linux/kernel.h>

#include "kvm/bus.h"
#include "kvm/ioeventfd.h"
#include "kvm/irq.h"
#include "kvm/kvm.h"
#include "kvm/virtio.h"
#include "kvm/virtio-mmio.h"
#include "kvm/virtio-transport.h"
#include "kvm/log.h"
#include "kvm/util.h"

#define VMMIO_MAGIC		0x74726976	/* "virt" */
#define VMMIO_VERSION		2
#define VMMIO_VENDOR		0x4d564b4c	/* "LKVM" */
#define VMMIO_SIZE		0x1000
#define VMMIO_MAX_DEVICES	(KVM_VIRTIO_MMIO_SIZE / VMMIO_SIZE)

struct virtio_mmio {
	struct virtio_device *vdev;
	struct kvm *kvm;
	u64 addr;
	int irq;
	/* vdev->isr and the line; never held while taking @lock. */
	struct mutex isr_lock;
	struct mutex lock;	/* everything below */
	u32 dfsel;
	u32 gfsel;
	u64 driver_features;
	u32 queue_sel;
	struct ioevent *ev;
};

static struct virtio_mmio *devices[VMMIO_MAX_DEVICES];
static int nr_devices;
static DEFINE_MUTEX(devices_lock);

static void vmmio_raise(struct virtio_mmio *vm, u8 bit)
{
	mutex_lock(&vm->isr_lock);
	vm->vdev->isr |= bit;
	kvm__irq_line(vm->kvm, vm->irq, 1);
	mutex_unlock(&vm->isr_lock);
}

static void vmmio_ack(struct virtio_mmio *vm, u8 bits)
{
	mutex_lock(&vm->isr_lock);
	vm->vdev->isr &= ~bits;
	if (!vm->vdev->isr)
		kvm__irq_line(vm->kvm, vm->irq, 0);
	mutex_unlock(&vm->isr_lock);
}

static void vmmio_signal_vq(struct virtio_device *vdev, struct virtq *vq)
{
	vmmio_raise(vdev->transport_priv, VIRTIO_MMIO_INT_VRING);
}

static void vmmio_signal_config(struct virtio_device *vdev)
{
	vmmio_raise(vdev->transport_priv, VIRTIO_MMIO_INT_CONFIG);
}

static struct virtq *vmmio_vq(struct virtio_mmio *vm)
{
	if (vm->queue_sel >= vm->vdev->nr_queues)
		return NULL;
	return &vm->vdev->vqs[vm->queue_sel];
}

static u32 vmmio_read(struct virtio_mmio *vm, u32 off)
{
	struct virtio_device *vdev = vm->vdev;
	struct virtq *vq = vmmio_vq(vm);
	u64 f = virtio_device__host_features(vdev);

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VMMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return VMMIO_VERSION;
	case VIRTIO_MMIO_DEVICE_ID:
		return vdev->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VMMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return vm->dfsel < 2 ? f >> (32 * vm->dfsel) : 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return vq ? vq->max_size : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return vq ? vq->enabled : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return READ_ONCE(vdev->isr);
	case VIRTIO_MMIO_STATUS:
		return READ_ONCE(vdev->status);
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return READ_ONCE(vdev->config_generation);
	}
	return 0;
}

static void vmmio_queue_write(struct virtio_mmio *vm, struct virtq *vq,
			      u32 off, u32 v)
{
	if (off == VIRTIO_MMIO_QUEUE_READY) {
		if (!v)
			virtq__disable(vq);
		else if (!vq->enabled && virtq__enable(vq))
			virtio_device__needs_reset(vm->vdev);
		return;
	}
	/* The ring of a ready queue is fixed. */
	if (vq->enabled)
		return;
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM:
		vq->size = v;
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
		vq->desc_addr = (vq->desc_addr & ~0xffffffffULL) | v;
		break;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		vq->desc_addr = lower_32_bits(vq->desc_addr) | (u64)v << 32;
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
		vq->avail_addr = (vq->avail_addr & ~0xffffffffULL) | v;
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		vq->avail_addr = lower_32_bits(vq->avail_addr) | (u64)v << 32;
		break;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
		vq->used_addr = (vq->used_addr & ~0xffffffffULL) | v;
		break;
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		vq->used_addr = lower_32_bits(vq->used_addr) | (u64)v << 32;
		break;
	}
}

static void vmmio_write(struct virtio_mmio *vm, u32 off, u32 v)
{
	struct virtio_device *vdev = vm->vdev;
	struct virtq *vq = vmmio_vq(vm);
	u64 mask;

	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		vm->dfsel = v;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		vm->gfsel = v;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (vm->gfsel >= 2)
			break;
		mask = 0xffffffffULL << (32 * vm->gfsel);
		vm->driver_features = (vm->driver_features & ~mask) |
				      (u64)v << (32 * vm->gfsel);
		virtio_device__set_guest_features(vdev, vm->driver_features);
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		vm->queue_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		/* The slow path, when KVM did not catch it. */
		if (v < vdev->nr_queues)
			virtq__kick(&vdev->vqs[v]);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		vmmio_ack(vm, v);
		break;
	case VIRTIO_MMIO_STATUS:
		if (!(v & 0xff)) {
			vm->dfsel = 0;
			vm->gfsel = 0;
			vm->driver_features = 0;
			vm->queue_sel = 0;
			vmmio_ack(vm, 0xff);
		}
		virtio_device__set_status(vdev, v & 0xff);
		break;
	default:
		if (vq)
			vmmio_queue_write(vm, vq, off, v);
	}
}

static void vmmio_access(struct kvm_cpu *vcpu, u64 addr, u8 *data, u32 len,
			 bool is_write, void *priv)
{
	struct virtio_mmio *vm = priv;
	u32 off = addr - vm->addr, v = 0;

	if (off >= VIRTIO_MMIO_CONFIG) {
		virtio_device__config_access(vm->vdev, off - VIRTIO_MMIO_CONFIG, data,
				     len, is_write);
		return;
	}
	/* Registers are 32 bits wide and accessed as such. */
	if (len != 4 || off % 4) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	mutex_lock(&vm->lock);
	if (is_write) {
		memcpy(&v, data, 4);
		vmmio_write(vm, off, v);
	} else {
		v = vmmio_read(vm, off);
		memcpy(data, &v, 4);
	}
	mutex_unlock(&vm->lock);
}

static const struct virtio_transport_ops vmmio_transport_ops = {
	.signal_vq = vmmio_signal_vq,
	.signal_config = vmmio_signal_config,
};

static int virtio_mmio__init(struct kvm *kvm, struct virtio_device *vdev)
{
	struct virtio_mmio *vm;
	int ret;

	if (vdev->config_size > VMMIO_SIZE - VIRTIO_MMIO_CONFIG)
		return error("%s: config space too large", vdev->name);
	vm = xzalloc(sizeof(*vm));
	vm->vdev = vdev;
	vm->kvm = kvm;
	mutex_init(&vm->lock);
	mutex_init(&vm->isr_lock);

	mutex_lock(&devices_lock);
	if (nr_devices >= (int)VMMIO_MAX_DEVICES) {
		mutex_unlock(&devices_lock);
		return error("%s: no room left for virtio-mmio devices", vdev->name);
	}
	vm->addr = KVM_VIRTIO_MMIO_START + (u64)nr_devices * VMMIO_SIZE;
	devices[nr_devices++] = vm;
	mutex_unlock(&devices_lock);

	vm->irq = irq__alloc_line(kvm, IRQ_TYPE_LEVEL);
	if (vm->irq < 0)
		return error("%s: no interrupt line", vdev->name);
	vdev->irq_line = vm->irq;
	vdev->transport_priv = vm;
	vdev->transport_ops = &vmmio_transport_ops;

	ret = bus_register(kvm, BUS_MMIO, vm->addr, VMMIO_SIZE, vmmio_access, vm);
	if (ret)
		return error("%s: cannot register MMIO at 0x%llx: %s", vdev->name,
			     (unsigned long long)vm->addr, strerror(-ret));
	vm->ev = xcalloc(vdev->nr_queues, sizeof(*vm->ev));
	virtio_device__add_ioeventfds(kvm, vdev, vm->ev, BUS_MMIO,
			      vm->addr + VIRTIO_MMIO_QUEUE_NOTIFY, 0, 4);
	return 0;
}

int virtio_mmio__nr_devices(void)
{
	return nr_devices;
}

bool virtio_mmio__device_info(int index, u64 *addr, u64 *size, int *irq)
{
	if (index < 0 || index >= nr_devices)
		return false;
	*addr = devices[index]->addr;
	*size = VMMIO_SIZE;
	*irq = devices[index]->irq;
	return true;
}

static const struct virtio_transport vmmio_transport = {
	.init = virtio_mmio__init,
};

static void __attribute__((constructor)) virtio_mmio__register_transport(void)
{
	virtio_transport__register(VIRTIO_TRANSPORT_MMIO, &vmmio_transport);
}
