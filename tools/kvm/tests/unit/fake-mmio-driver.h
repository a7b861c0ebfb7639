/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest driver of the virtio-mmio tests and fuzz harnesses: register
 * access through the MMIO bus, feature negotiation, queue setup in the
 * layout of fake-kvm.h, and chains made available on those queues, all
 * as a guest's driver does it.  Include after fake-kvm.h (or fuzz.h);
 * fake_mmio_init() says which device to drive.
 */
#ifndef KVM__TESTS_FAKE_MMIO_DRIVER_H
#define KVM__TESTS_FAKE_MMIO_DRIVER_H

#include <stdbool.h>
#include <string.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#include <linux/types.h>

#include "kvm/bus.h"
#include "kvm/kvm-cpu.h"
#include "fake-kvm.h"

static struct kvm_cpu mmio_vcpu;
static u64 mmio_base;			/* the device being driven */
static u16 mmio_avail_idx[MAX_QUEUES];	/* the driver's avail index */

/* Drive the device whose registers are at guest physical @base. */
static inline void fake_mmio_init(struct kvm *kvm, u64 base)
{
	mmio_vcpu.kvm = kvm;
	mmio_base = base;
}

/* An access of @len bytes at register offset @off, as a vCPU makes it. */
static inline void mmio_access(u32 off, void *data, u32 len, bool is_write)
{
	bus_dispatch(&mmio_vcpu, BUS_MMIO, mmio_base + off, data, len, is_write);
}

static inline u32 mmio_rd(u32 off)
{
	u32 v = 0;

	mmio_access(off, &v, 4, false);
	return v;
}

static inline void mmio_wr(u32 off, u32 v)
{
	mmio_access(off, &v, 4, true);
}

static inline u8 mmio_cfg_rd8(u32 off)
{
	u8 v = 0;

	mmio_access(VIRTIO_MMIO_CONFIG + off, &v, 1, false);
	return v;
}

static inline void mmio_cfg_wr8(u32 off, u8 v)
{
	mmio_access(VIRTIO_MMIO_CONFIG + off, &v, 1, true);
}

static inline u64 mmio_device_features(void)
{
	u64 f;

	mmio_wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	f = (u64)mmio_rd(VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	mmio_wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	return f | mmio_rd(VIRTIO_MMIO_DEVICE_FEATURES);
}

static inline void mmio_driver_features(u64 f)
{
	mmio_wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	mmio_wr(VIRTIO_MMIO_DRIVER_FEATURES, f >> 32);
	mmio_wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	mmio_wr(VIRTIO_MMIO_DRIVER_FEATURES, (u32)f);
}

/* Queue @q of @size entries at QDESC(@q), QAVAIL(@q), QUSED(@q), ready. */
static inline void mmio_queue_setup(int q, u32 size)
{
	mmio_wr(VIRTIO_MMIO_QUEUE_SEL, q);
	mmio_wr(VIRTIO_MMIO_QUEUE_NUM, size);
	mmio_wr(VIRTIO_MMIO_QUEUE_DESC_LOW, QDESC(q));
	mmio_wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
	mmio_wr(VIRTIO_MMIO_QUEUE_AVAIL_LOW, QAVAIL(q));
	mmio_wr(VIRTIO_MMIO_QUEUE_AVAIL_HIGH, 0);
	mmio_wr(VIRTIO_MMIO_QUEUE_USED_LOW, QUSED(q));
	mmio_wr(VIRTIO_MMIO_QUEUE_USED_HIGH, 0);
	mmio_wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

/* Resets the device, which lets go of the rings, and clears @clear bytes. */
static inline void mmio_reset(size_t clear)
{
	mmio_wr(VIRTIO_MMIO_STATUS, 0);
	memset(ram, 0, clear);
}

/*
 * Brings a reset device up with @features and @nr_queues queues of
 * @size entries; false if it did not keep FEATURES_OK.  Without
 * @features_ok the driver never asks for it, as a legacy one cannot.
 * After mmio_reset().
 */
static inline bool mmio_driver_setup(u64 features, bool features_ok,
				     int nr_queues, u32 size)
{
	u32 status = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER;
	int q;

	memset(mmio_avail_idx, 0, sizeof(mmio_avail_idx));
	mmio_wr(VIRTIO_MMIO_STATUS, status);
	mmio_driver_features(features);
	if (features_ok) {
		status |= VIRTIO_CONFIG_S_FEATURES_OK;
		mmio_wr(VIRTIO_MMIO_STATUS, status);
		if (!(mmio_rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK))
			return false;
	}
	for (q = 0; q < nr_queues; q++)
		mmio_queue_setup(q, size);
	mmio_wr(VIRTIO_MMIO_STATUS, status | VIRTIO_CONFIG_S_DRIVER_OK);
	return true;
}

/*
 * Makes a chain available on @q: descriptors @head on of @n buffers,
 * the first @nout readable, the rest writable; @kick notifies.
 */
static inline void mmio_submit(int q, u16 head, const u64 *addr,
			       const u32 *len, int n, int nout, bool kick)
{
	struct vring_desc *d = gpa(QDESC(q));
	struct vring_avail *a = gpa(QAVAIL(q));
	int i;

	for (i = 0; i < n; i++) {
		d[head + i] = (struct vring_desc) {
			.addr = addr[i],
			.len = len[i],
			.flags = (i + 1 < n ? VRING_DESC_F_NEXT : 0) |
				 (i >= nout ? VRING_DESC_F_WRITE : 0),
			.next = head + i + 1,
		};
	}
	a->ring[mmio_avail_idx[q] % QSIZE] = head;
	__atomic_store_n(&a->idx, ++mmio_avail_idx[q], __ATOMIC_RELEASE);
	if (kick)
		mmio_wr(VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

/*
 * Sends the @len bytes at @req on @q, followed by a writable status
 * byte at @status, as virtio-net's control queue takes a command;
 * returns the status the device wrote, or -1 if it did not complete.
 */
static inline int mmio_request(int q, u64 req, u32 len, u64 status)
{
	u64 addr[2] = { req, status };
	u32 lens[2] = { len, 1 };
	u16 idx = used_idx(q);

	*(u8 *)gpa(status) = 0xee;
	mmio_submit(q, 0, addr, lens, 2, 1, true);
	if (!wait_used(q, idx + 1))
		return -1;
	return *(u8 *)gpa(status);
}

#endif /* KVM__TESTS_FAKE_MMIO_DRIVER_H */
