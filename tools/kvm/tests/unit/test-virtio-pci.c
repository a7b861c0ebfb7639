// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio PCI transport end to end, without KVM: a driver written here
 * finds the device on the PCI bus, walks its vendor capabilities, sets up
 * MSI-X and a queue through the common config structure, and an echo
 * device answers on its worker thread.  The transitional device is then
 * driven through the legacy I/O BAR.
 */
#include <string.h>
#include <time.h>
#include <linux/pci_regs.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_pci.h>

#include <linux/kernel.h>

#include "kvm/bus.h"
#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"
#include "kvm/pci.h"
#include "kvm/virtio.h"
#include "kvm/virtio-pci.h"
#include "kvm/log.h"
#include "kvm/util.h"
#include "tap.h"
#include "fake-kvm.h"

static struct kvm *kvm;
static struct kvm_cpu vcpu;
static int slot;
static u64 common, notify, isr, devcfg;
static u32 notify_mult, msix_table;
static u8 msix_cap;
/* Referencing the transport links it in (it registers itself). */
static int (*pci_transport)(struct kvm *, struct virtio_device *)
	__attribute__((used)) =
	virtio_pci__init;
static u8 echo_config[4] = { 0xde, 0xad, 0xbe, 0xef };

static u32 io(enum bus_type bus, u64 addr, u32 len, bool is_write, u32 v)
{
	bus_dispatch(&vcpu, bus, addr, (u8 *)&v, len, is_write);
	return len == 4 ? v : v & ((1U << (len * 8)) - 1);
}

static u32 cfg_rd(int off, u32 len)
{
	io(BUS_PIO, 0xcf8, 4, true, 0x80000000 | slot << 11 | (off & ~3));
	return io(BUS_PIO, 0xcfc + (off & 3), len, false, 0);
}

static void cfg_wr(int off, u32 len, u32 v)
{
	io(BUS_PIO, 0xcf8, 4, true, 0x80000000 | slot << 11 | (off & ~3));
	io(BUS_PIO, 0xcfc + (off & 3), len, true, v);
}

static u32 mrd(u64 addr, u32 len)
{
	return io(BUS_MMIO, addr, len, false, 0);
}

static void mwr(u64 addr, u32 len, u32 v)
{
	io(BUS_MMIO, addr, len, true, v);
}

static void echo_notify(struct virtio_device *vdev, struct virtq *vq)
{
	struct virtq_elem *elem = virtq_elem__alloc();
	u8 buf[256];
	size_t n;

	while (virtq__pop(vq, elem) > 0) {
		n = iov_to_buf(elem->iov, elem->out_num, 0, buf, sizeof(buf));
		n = iov_from_buf(elem->iov + elem->out_num, elem->in_num, 0, buf, n);
		virtq__push(vq, elem, n);
	}
	virtq__signal(vq);
	free(elem);
}

static u64 started_features;	/* what a device was started with */

static void echo_start(struct virtio_device *vdev)
{
	started_features = vdev->guest_features;
}

static const struct virtio_device_ops echo_ops = {
	.start = echo_start,
	.queue_notify = echo_notify,
};

static struct virtio_device echo = {
	.name = "echo", .device_id = VIRTIO_ID_RNG, .config = echo_config,
	.config_size = sizeof(echo_config), .nr_queues = 2, .queue_size = QSIZE,
	.ops = &echo_ops,
};

static struct virtio_device echo_legacy = {
	.name = "echo-legacy", .device_id = VIRTIO_ID_RNG,
	.config = echo_config, .config_size = sizeof(echo_config),
	.nr_queues = 1, .queue_size = QSIZE, .ops = &echo_ops,
};

static int find_slot(u16 device)
{
	int s;

	for (s = 0; s < 32; s++) {
		slot = s;
		if (cfg_rd(PCI_VENDOR_ID, 2) == 0x1af4 &&
		    cfg_rd(PCI_DEVICE_ID, 2) == device)
			return s;
	}
	return -1;
}

/* Walks the capability list as virtio_pci_modern does. */
static int walk_caps(void)
{
	u64 bar = cfg_rd(PCI_BASE_ADDRESS_2, 4) & PCI_BASE_ADDRESS_MEM_MASK;
	int pos = cfg_rd(PCI_CAPABILITY_LIST, 1), found = 0, n = 0;

	while (pos && n++ < 32) {
		u8 id = cfg_rd(pos, 1), type = cfg_rd(pos + 3, 1);
		u32 off = cfg_rd(pos + 8, 4);

		if (id == PCI_CAP_ID_MSIX) {
			msix_cap = pos;
			msix_table = cfg_rd(pos + PCI_MSIX_TABLE, 4);
		} else if (id == PCI_CAP_ID_VNDR) {
			if (cfg_rd(pos + 4, 1) != 2)
				return -1;
			found |= 1 << type;
			if (type == VIRTIO_PCI_CAP_COMMON_CFG)
				common = bar + off;
			else if (type == VIRTIO_PCI_CAP_NOTIFY_CFG) {
				notify = bar + off;
				notify_mult = cfg_rd(pos + 16, 4);
			} else if (type == VIRTIO_PCI_CAP_ISR_CFG)
				isr = bar + off;
			else if (type == VIRTIO_PCI_CAP_DEVICE_CFG)
				devcfg = bar + off;
		}
		pos = cfg_rd(pos + 1, 1);
	}
	return found;
}

static void submit(u16 avail_idx)
{
	struct vring_desc *d = gpa(DESC);
	struct vring_avail *a = gpa(AVAIL);

	memcpy(gpa(DATA), "ping", 4);
	d[0] = (struct vring_desc){ DATA, 4, VRING_DESC_F_NEXT, 1 };
	d[1] = (struct vring_desc){ DATA + 0x100, 64, VRING_DESC_F_WRITE, 0 };
	a->ring[(avail_idx - 1) % QSIZE] = 0;
	__atomic_store_n(&a->idx, avail_idx, __ATOMIC_RELEASE);
}

#define C(f)	(common + offsetof(struct virtio_pci_common_cfg, f))

static void test_modern(void)
{
	u64 bar = cfg_rd(PCI_BASE_ADDRESS_2, 4) & PCI_BASE_ADDRESS_MEM_MASK;
	int caps;

	ok(find_slot(0x1040 + VIRTIO_ID_RNG) >= 0, "modern device on the bus");
	is_int(cfg_rd(PCI_REVISION_ID, 1), 1, "revision 1");
	bar = cfg_rd(PCI_BASE_ADDRESS_2, 4) & PCI_BASE_ADDRESS_MEM_MASK;
	caps = walk_caps();
	ok((caps & 0x3c) == 0x3c && msix_cap, "common, notify, ISR, device and PCI cfg caps, MSI-X");
	ok(bar && common == bar && notify_mult == 4, "structures in BAR2");
	ok(mrd(devcfg, 4) == 0xefbeadde, "device config");
	is_int(mrd(C(num_queues), 2), 2, "num_queues");

	mwr(C(device_status), 1, 0);
	mwr(C(device_status), 1, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	mwr(C(device_feature_select), 4, 1);
	ok(mrd(C(device_feature), 4) & 1, "VERSION_1 offered");
	mwr(C(guest_feature_select), 4, 1);
	mwr(C(guest_feature), 4, 1);
	mwr(C(device_status), 1, 0xb);
	ok(mrd(C(device_status), 1) & VIRTIO_CONFIG_S_FEATURES_OK, "FEATURES_OK");

	/* MSI-X on, vector 1 for queue 0, masked at first. */
	cfg_wr(msix_cap + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
	mwr(bar + (msix_table & ~7) + 16 + 0, 4, 0xfee00000);
	mwr(bar + (msix_table & ~7) + 16 + 8, 4, 0x41);
	mwr(C(queue_select), 2, 0);
	mwr(C(queue_msix_vector), 2, 1);
	is_int(mrd(C(queue_msix_vector), 2), 1, "queue vector set");
	mwr(C(queue_msix_vector), 2, 7);
	is_int(mrd(C(queue_msix_vector), 2), VIRTIO_MSI_NO_VECTOR,
	       "a vector beyond the table reads back NO_VECTOR");
	mwr(C(queue_msix_vector), 2, 1);
	mwr(C(queue_size), 2, QSIZE);
	mwr(C(queue_desc_lo), 4, lower_32_bits(DESC));
	mwr(C(queue_desc_hi), 4, 0);
	mwr(C(queue_avail_lo), 4, lower_32_bits(AVAIL));
	mwr(C(queue_used_lo), 4, lower_32_bits(USED));
	mwr(C(queue_enable), 2, 1);
	is_int(mrd(C(queue_enable), 2), 1, "queue enabled");
	mwr(C(device_status), 1, 0xf);

	submit(1);
	mwr(notify + 0 * notify_mult, 2, 0);
	ok(wait_used(0, 1), "request completed by the worker");
	ok(!memcmp(gpa(DATA + 0x100), "ping", 4), "device answered");
	ok(mrd(bar + 0x3000, 4) & 2, "masked vector: pending bit in the PBA");
	mwr(bar + (msix_table & ~7) + 16 + 12, 4, 0);
	is_int(mrd(bar + 0x3000, 4) & 2, 0, "unmasking delivers it");

	/* INTx once MSI-X is off. */
	cfg_wr(msix_cap + PCI_MSIX_FLAGS, 2, 0);
	submit(2);
	mwr(notify, 2, 0);
	ok(wait_used(0, 2), "second request");
	nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	is_int(mrd(isr, 1), 1, "ISR says queue interrupt");
	is_int(mrd(isr, 1), 0, "reading the ISR clears it");

	/* A bad ring after DRIVER_OK: no deadlock, NEEDS_RESET. */
	mwr(C(queue_select), 2, 1);
	mwr(C(queue_size), 2, 5);
	mwr(C(queue_enable), 2, 1);
	ok(mrd(C(device_status), 1) & VIRTIO_CONFIG_S_NEEDS_RESET,
	   "bad queue size: NEEDS_RESET");
	is_int(mrd(isr, 1), 2, "with a config interrupt");
	mwr(C(queue_select), 2, 0xffff);
	mwr(C(queue_enable), 2, 1);
	is_int(mrd(C(queue_size), 2), 0, "a queue that doesn't exist has size 0");
	mwr(C(device_status), 1, 0);
	is_int(mrd(C(device_status), 1), 0, "reset");
	mwr(C(queue_select), 2, 0);
	is_int(mrd(C(queue_enable), 2), 0, "reset disables the queues");
}

static void test_legacy(void)
{
	u32 iobar, offered, indirect = 1 << VIRTIO_RING_F_INDIRECT_DESC;

	ok(find_slot(0x1005) >= 0, "transitional device on the bus");
	is_int(cfg_rd(PCI_SUBSYSTEM_ID, 2), VIRTIO_ID_RNG, "subsystem id");
	iobar = cfg_rd(PCI_BASE_ADDRESS_0, 4);
	ok(iobar & PCI_BASE_ADDRESS_SPACE_IO, "legacy I/O BAR0");
	iobar &= PCI_BASE_ADDRESS_IO_MASK;
	memset(ram, 0, 0x10000);

	io(BUS_PIO, iobar + VIRTIO_PCI_STATUS, 1, true, 0);
	io(BUS_PIO, iobar + VIRTIO_PCI_STATUS, 1, true, 3);
	offered = io(BUS_PIO, iobar + VIRTIO_PCI_HOST_FEATURES, 4, false, 0);
	ok(offered & indirect, "legacy features");
	/* No FEATURES_OK to refuse them: every bit never offered, and one that was. */
	io(BUS_PIO, iobar + VIRTIO_PCI_GUEST_FEATURES, 4, true, ~offered | indirect);
	io(BUS_PIO, iobar + VIRTIO_PCI_QUEUE_SEL, 2, true, 0);
	is_int(io(BUS_PIO, iobar + VIRTIO_PCI_QUEUE_NUM, 2, false, 0), QSIZE,
	       "legacy queue size");
	io(BUS_PIO, iobar + VIRTIO_PCI_QUEUE_PFN, 4, true, DESC >> 12);
	io(BUS_PIO, iobar + VIRTIO_PCI_STATUS, 1, true, 7);
	ok(io(BUS_PIO, iobar + VIRTIO_PCI_STATUS, 1, false, 0) == 7,
	   "legacy status without FEATURES_OK");
	ok(started_features == indirect &&
	   io(BUS_PIO, iobar + VIRTIO_PCI_GUEST_FEATURES, 4, false, 0) == indirect,
	   "started with the offered bit it asked for, none never offered");
	io(BUS_PIO, iobar + VIRTIO_PCI_GUEST_FEATURES, 4, true, ~0u);
	is_int(io(BUS_PIO, iobar + VIRTIO_PCI_GUEST_FEATURES, 4, false, 0), indirect,
	       "features written after DRIVER_OK are not taken");
	ok(io(BUS_PIO, iobar + VIRTIO_PCI_CONFIG_OFF(0), 4, false, 0) == 0xefbeadde,
	   "legacy device config");

	/* The legacy layout: avail after the descriptors, used page-aligned. */
	{
		struct vring_desc *d = gpa(DESC);
		struct vring_avail *a = gpa(DESC + 16 * QSIZE);
		struct vring_used *u = gpa(DESC + 0x1000);

		memcpy(gpa(DATA), "pong", 4);
		d[0] = (struct vring_desc){ DATA, 4, VRING_DESC_F_NEXT, 1 };
		d[1] = (struct vring_desc){ DATA + 0x100, 64, VRING_DESC_F_WRITE, 0 };
		a->ring[0] = 0;
		__atomic_store_n(&a->idx, 1, __ATOMIC_RELEASE);
		io(BUS_PIO, iobar + VIRTIO_PCI_QUEUE_NOTIFY, 2, true, 0);
		for (int i = 0; i < 2000 && READ_ONCE(u->idx) != 1; i++)
			nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
		ok(u->idx == 1 && !memcmp(gpa(DATA + 0x100), "pong", 4),
		   "legacy request completed");
	}
	nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	is_int(io(BUS_PIO, iobar + VIRTIO_PCI_ISR, 1, false, 0), 1, "legacy ISR");
	io(BUS_PIO, iobar + VIRTIO_PCI_QUEUE_PFN, 4, true, 0xfffffff0);
	ok(io(BUS_PIO, iobar + VIRTIO_PCI_QUEUE_PFN, 4, false, 0) == DESC >> 12,
	   "PFN of an enabled queue is fixed");
	io(BUS_PIO, iobar + VIRTIO_PCI_STATUS, 1, true, 0);
	io(BUS_PIO, iobar + VIRTIO_PCI_QUEUE_PFN, 4, true, 0xfffffff0);
	ok(io(BUS_PIO, iobar + VIRTIO_PCI_STATUS, 1, false, 0) &
	   VIRTIO_CONFIG_S_NEEDS_RESET, "ring outside RAM: NEEDS_RESET");
}

int main(void)
{
	plan(36);
	loglevel = -1;

	kvm = fake_kvm_new();
	vcpu.kvm = kvm;
	if (pci__init(kvm))
		skip_all("no PCI bus");
	virtio__set_transport("pci");
	if (virtio_device__register(kvm, &echo))
		skip_all("cannot register the device");
	virtio__set_transport("pci-legacy");
	if (virtio_device__register(kvm, &echo_legacy))
		skip_all("cannot register the legacy device");

	test_modern();
	test_legacy();
	return exit_status();
}
