// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio transports as a vCPU sees them: PCI config space (0xcf8 and
 * 0xcfc, BARs, the capabilities, MSI-X control), the modern memory BAR
 * (common config, ISR, notify, device config, MSI-X table and PBA), the
 * legacy I/O BAR and the virtio-mmio registers, accessed in any order and
 * width through bus_dispatch() as in test-virtio-pci.c and
 * test-virtio-mmio.c, with guest RAM and the queues' contents from the
 * input and the devices' requests served in between.  A reset (status 0)
 * may come at any point, in the middle of I/O included: a request can be
 * taken, the device reset, and the request answered afterwards.
 *
 * Each input starts from the same machine: the harness puts the BARs,
 * the command register, MSI-X and the devices' status back first.
 *
 * Input: image_len[2] image[image_len], then steps, each op[1] and its
 * arguments (see step()).
 */
#include <linux/pci_regs.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_pci.h>

#include <linux/kernel.h>

#include "kvm/bus.h"
#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"
#include "kvm/pci.h"
#include "kvm/virtio.h"
#include "kvm/virtio-mmio.h"
#include "kvm/virtio-pci.h"
#include "fuzz.h"

#define MAX_STEPS	256
#define MAX_IMAGE	0x8000
#define MEM_BAR_SIZE	0x4000		/* virtio/pci-internal.h */

static struct kvm *kvm;
static struct kvm_cpu vcpu;
static struct virtq_elem *elem;
/* A request taken but not answered yet, and its queue. */
static struct virtq_elem *pending;
static struct virtq *pending_vq;
static u64 mmio_base;

/* Referencing the transports links them in (they register themselves). */
static int (*pci_transport)(struct kvm *, struct virtio_device *)
	__attribute__((used)) = virtio_pci__init;
static int (*mmio_transport)(void) __attribute__((used)) =
	virtio_mmio__nr_devices;

static u8 echo_config[8] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4 };

static void queue_notify(struct virtio_device *vdev, struct virtq *vq)
{
	/* Requests are served by step(), on this thread, deterministically. */
}

static void config_write(struct virtio_device *vdev, u32 off, const void *data,
			 u32 len)
{
	fuzz_assert(off < sizeof(echo_config) &&
		    len <= sizeof(echo_config) - off);
	mutex_lock(&vdev->lock);
	memcpy(echo_config + off, data, len);
	mutex_unlock(&vdev->lock);
}

static const struct virtio_device_ops echo_ops = {
	.queue_notify = queue_notify,
	.config_write = config_write,
};

/* The transport each is registered on, in this order. */
static const char * const transports[] = { "pci", "pci-legacy", "mmio" };
static struct virtio_device devs[] = {
	{ .name = "modern", .device_id = 4, .nr_queues = 2 },
	{ .name = "legacy", .device_id = 4, .nr_queues = 1 },
	{ .name = "mmio", .device_id = 4, .nr_queues = 2 },
};

/* What the PCI devices looked like after registration. */
struct pci_dev_state {
	int slot;
	u16 command;
	u32 bar[PCI_NR_BARS];
	u8 msix_cap;
};
static struct pci_dev_state pstate[2];

static u64 io(enum bus_type bus, u64 addr, u32 len, bool is_write, u64 v)
{
	bus_dispatch(&vcpu, bus, addr, (u8 *)&v, len, is_write);
	return len >= 8 ? v : v & ((1ULL << (len * 8)) - 1);
}

static u32 cfg_rd(int slot, int off, u32 len)
{
	io(BUS_PIO, 0xcf8, 4, true, 0x80000000 | slot << 11 | (off & 0xfc));
	return io(BUS_PIO, 0xcfc + (off & 3), len, false, 0);
}

static void cfg_wr(int slot, int off, u32 len, u32 v)
{
	io(BUS_PIO, 0xcf8, 4, true, 0x80000000 | slot << 11 | (off & 0xfc));
	io(BUS_PIO, 0xcfc + (off & 3), len, true, v);
}

static int find_slot(u16 device)
{
	int s;

	for (s = 0; s < 32; s++)
		if (cfg_rd(s, PCI_VENDOR_ID, 2) == 0x1af4 &&
		    cfg_rd(s, PCI_DEVICE_ID, 2) == device)
			return s;
	abort();
}

static void save_pci(struct pci_dev_state *st, u16 device)
{
	int pos, i;

	st->slot = find_slot(device);
	st->command = cfg_rd(st->slot, PCI_COMMAND, 2);
	for (i = 0; i < PCI_NR_BARS; i++)
		st->bar[i] = cfg_rd(st->slot, PCI_BASE_ADDRESS_0 + 4 * i, 4);
	for (pos = cfg_rd(st->slot, PCI_CAPABILITY_LIST, 1); pos;
	     pos = cfg_rd(st->slot, pos + 1, 1))
		if (cfg_rd(st->slot, pos, 1) == PCI_CAP_ID_MSIX)
			st->msix_cap = pos;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	unsigned int i;

	kvm = fuzz_kvm_new();
	vcpu.kvm = kvm;
	elem = virtq_elem__alloc();
	pending = virtq_elem__alloc();
	if (pci__init(kvm))
		abort();
	for (i = 0; i < ARRAY_SIZE(devs); i++) {
		devs[i].config = echo_config;
		devs[i].config_size = sizeof(echo_config);
		devs[i].queue_size = QSIZE;
		devs[i].ops = &echo_ops;
		virtio__set_transport(transports[i]);
		if (virtio_device__register(kvm, &devs[i]))
			abort();
	}
	mmio_base = KVM_VIRTIO_MMIO_START;
	save_pci(&pstate[0], 0x1040 + 4);
	save_pci(&pstate[1], 0x1005);	/* transitional entropy source */
	return 0;
}

static u64 mem_bar_of(struct pci_dev_state *st)
{
	return st->bar[2] & PCI_BASE_ADDRESS_MEM_MASK;
}

static u64 mem_bar(void)
{
	return mem_bar_of(&pstate[0]);
}

static u64 io_bar(void)
{
	return pstate[1].bar[0] & PCI_BASE_ADDRESS_IO_MASK;
}

/* The machine as it was after registration, whatever the last input did. */
static void restore(void)
{
	unsigned int i, e;

	for (i = 0; i < ARRAY_SIZE(pstate); i++) {
		struct pci_dev_state *st = &pstate[i];
		int bar;

		for (bar = 0; bar < PCI_NR_BARS; bar++)
			cfg_wr(st->slot, PCI_BASE_ADDRESS_0 + 4 * bar, 4,
			       st->bar[bar]);
		cfg_wr(st->slot, PCI_COMMAND, 2, st->command);
		cfg_wr(st->slot, st->msix_cap + PCI_MSIX_FLAGS, 2, 0);
		for (e = 0; e < 4; e++) {
			u64 t = mem_bar_of(st) + 0x2000 + 16 * e;

			io(BUS_MMIO, t, 8, true, 0);
			io(BUS_MMIO, t + 8, 8, true, 1ULL << 32);
		}
	}
	io(BUS_MMIO, mem_bar() + offsetof(struct virtio_pci_common_cfg,
					  device_status), 1, true, 0);
	io(BUS_PIO, io_bar() + VIRTIO_PCI_STATUS, 1, true, 0);
	io(BUS_MMIO, mmio_base + VIRTIO_MMIO_STATUS, 4, true, 0);
	for (i = 0; i < ARRAY_SIZE(devs); i++)
		fuzz_assert(devs[i].status == 0);
	memcpy(echo_config, "\xde\xad\xbe\xef\x01\x02\x03\x04", 8);
}

/* Serves every queue the way a device would, on this thread. */
static void serve(void)
{
	unsigned int i, q, n;
	u8 buf[256];

	for (i = 0; i < ARRAY_SIZE(devs); i++) {
		for (q = 0; q < devs[i].nr_queues; q++) {
			struct virtq *vq = &devs[i].vqs[q];

			while (virtq__pop(vq, elem) > 0) {
				for (n = 0; n < elem->out_num + elem->in_num; n++)
					fuzz_assert(fuzz_in_ram(elem->iov[n].iov_base,
								elem->iov[n].iov_len));
				n = iov_to_buf(elem->iov, elem->out_num, 0, buf,
					       sizeof(buf));
				n = iov_from_buf(elem->iov + elem->out_num,
						 elem->in_num, 0, buf, n);
				virtq__push(vq, elem, n);
			}
			virtq__signal(vq);
		}
	}
}

/*
 * Takes one request from queue @q of device @d and keeps it, or answers
 * the one kept: with a reset in between, its push must go nowhere.
 */
static void pop_or_push(u8 d, u8 q)
{
	struct virtio_device *vdev = &devs[d % ARRAY_SIZE(devs)];

	if (pending_vq) {
		virtq__push(pending_vq, pending, pending->in_len);
		virtq__signal(pending_vq);
		pending_vq = NULL;
		return;
	}
	pending_vq = &vdev->vqs[q % vdev->nr_queues];
	if (virtq__pop(pending_vq, pending) <= 0)
		pending_vq = NULL;
}

static const u8 widths[] = { 1, 2, 4, 8, 1, 2, 4, 3 };

static void step(struct fuzz_in *in)
{
	u8 op = fuzz_u8(in), w = fuzz_u8(in);
	bool wr = w & 0x80;
	u32 len = widths[w & 7];
	u16 off = fuzz_u16(in);
	u64 v = wr ? fuzz_u64(in) : 0;
	int slot;

	switch (op % 8) {
	case 0:
		/* PCI config space of either device, or of another slot. */
		slot = (w >> 3) & 1 ? pstate[(w >> 4) & 1].slot : (off >> 8) & 31;
		len = widths[w & 3] > 4 ? 4 : widths[w & 3];
		if (wr)
			cfg_wr(slot, off & 0xff, len, v);
		else
			cfg_rd(slot, off & 0xff, len);
		break;
	case 1:
	case 2:
		/* The modern memory BAR, a little past it too. */
		io(BUS_MMIO, mem_bar() + off % (MEM_BAR_SIZE + 16), len, wr, v);
		break;
	case 3:
		/* The legacy I/O BAR. */
		len = widths[w & 3] > 4 ? 4 : widths[w & 3];
		io(BUS_PIO, io_bar() + (off & 0x3f), len, wr, v);
		break;
	case 4:
	case 5:
		/* virtio-mmio registers and config space. */
		io(BUS_MMIO, mmio_base + (off & 0x1ff), len, wr, v);
		break;
	case 6:
		if (w & 1)
			pop_or_push(w >> 1, w >> 3);
		else
			serve();
		break;
	default:
		/* The driver changes guest RAM (rings, buffers). */
		fuzz_bytes(in, ram + (off & (MAX_IMAGE - 1)), w & 15);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	u16 image_len = fuzz_u16(&in) % MAX_IMAGE;
	int i;

	pending_vq = NULL;
	restore();
	memset(ram, 0, 0x20000);
	fuzz_bytes(&in, ram, image_len);
	for (i = 0; i < MAX_STEPS && in.left; i++)
		step(&in);
	serve();
	return 0;
}
