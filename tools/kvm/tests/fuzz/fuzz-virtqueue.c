// SPDX-License-Identifier: GPL-2.0
/*
 * The split virtqueue (virtio/core.c) and the iovec cursor (iovec.c) with
 * a guest that lies: the input is the rings, the descriptors and the
 * buffers in guest RAM, then a sequence of driver and device steps (pop,
 * walk the chain with the cursor, push, signal, change an index or a
 * descriptor, reset in the middle of a request).
 *
 * Oracle: besides ASan/UBSan and the guard pages around guest RAM, every
 * segment a pop hands out lies inside one RAM bank, its lengths add up,
 * readable segments come first, the cursor never moves more than it was
 * asked to or than there is, and the used ring says what was pushed.
 *
 * Input: cfg[1] layout[1] (ring addresses[24] if raw) image_len[2]
 * image[image_len] then steps, each op[1] and its arguments.
 */
#include <errno.h>

#include <linux/align.h>
#include <linux/kernel.h>

#include "kvm/kvm.h"
#include "kvm/virtio.h"
#include "kvm/iovec.h"
#include "fuzz.h"

#define MAX_STEPS	64
#define MAX_IMAGE	0x10000

static struct kvm *kvm;
static struct virtq_elem *elem;
static bool elem_valid;

static void queue_notify(struct virtio_device *d, struct virtq *q)
{
}

static const struct virtio_device_ops ops = {
	.queue_notify = queue_notify,
};

static struct virtio_device vdev = {
	.name = "fuzz",
	.nr_queues = 1,
	.queue_size = VIRTIO_QUEUE_MAX_SIZE,
	.ops = &ops,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	kvm = fuzz_kvm_new();
	elem = virtq_elem__alloc();
	if (virtio_device__init_queues(kvm, &vdev))
		abort();
	return 0;
}

static void *host(u64 gpa_addr, u64 len)
{
	return guest_range_to_host(kvm, gpa_addr, len);
}

/* Resets the device and sets the queue up as the input says. */
static void setup(struct fuzz_in *in)
{
	struct virtq *vq = &vdev.vqs[0];
	u8 cfg = fuzz_u8(in), layout = fuzz_u8(in);
	u64 features = 0, base;
	u16 size;

	if (cfg & 1)
		features |= 1ULL << VIRTIO_RING_F_INDIRECT_DESC;
	if (cfg & 2)
		features |= 1ULL << VIRTIO_RING_F_EVENT_IDX;
	if (!(cfg & 4))
		features |= 1ULL << VIRTIO_F_VERSION_1;
	size = (cfg >> 4) <= 8 ? 1 << (cfg >> 4) : fuzz_u16(in);

	virtio_device__set_status(&vdev, 0);
	virtio_device__set_status(&vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
				  VIRTIO_CONFIG_S_DRIVER);
	virtio_device__set_guest_features(&vdev, features);
	virtio_device__set_status(&vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
				  VIRTIO_CONFIG_S_DRIVER |
				  VIRTIO_CONFIG_S_FEATURES_OK);

	vq->size = size;
	switch (layout % 3) {
	case 0:
	case 1:
		/* The legacy layout, in the first bank or the second. */
		base = layout % 3 ? BANK2 : RAM_BASE;
		vq->desc_addr = base;
		vq->avail_addr = base + 16ULL * size;
		vq->used_addr = ALIGN(vq->avail_addr + 6 + 2ULL * size, 4);
		break;
	default:
		vq->desc_addr = fuzz_u64(in);
		vq->avail_addr = fuzz_u64(in);
		vq->used_addr = fuzz_u64(in);
	}
	virtq__enable(vq);
	virtio_device__set_status(&vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
				  VIRTIO_CONFIG_S_DRIVER |
				  VIRTIO_CONFIG_S_FEATURES_OK |
				  VIRTIO_CONFIG_S_DRIVER_OK);
}

/* The ring image: at the descriptor table of the compact layouts. */
static void fill_image(struct fuzz_in *in)
{
	struct virtq *vq = &vdev.vqs[0];
	u16 len = fuzz_u16(in) % MAX_IMAGE;
	u8 *dst = host(vq->desc_addr, len);

	memset(ram, 0, 2 * MAX_IMAGE);
	memset(bank2, 0, BANK2_SIZE);
	if (!dst || !len)
		dst = ram;
	fuzz_bytes(in, dst, len);
}

static void check_elem(void)
{
	size_t out = 0, inl = 0;
	unsigned int i;

	fuzz_assert(elem->out_num + elem->in_num <= VIRTIO_QUEUE_MAX_SIZE);
	for (i = 0; i < elem->out_num + elem->in_num; i++) {
		fuzz_assert(elem->iov[i].iov_len);
		fuzz_assert(fuzz_in_ram(elem->iov[i].iov_base,
					elem->iov[i].iov_len));
		if (i < elem->out_num)
			out += elem->iov[i].iov_len;
		else
			inl += elem->iov[i].iov_len;
	}
	fuzz_assert(out == elem->out_len && inl == elem->in_len);
}

/* Walks one side of the element with the cursor the way devices do. */
static void cursor_steps(struct fuzz_in *in)
{
	static u8 buf[0x10000];
	struct iovec slice[8];
	struct iov_cursor c;
	bool writable = fuzz_u8(in) & 1;
	const struct iovec *iov = elem->iov + (writable ? elem->out_num : 0);
	unsigned int nr = writable ? elem->in_num : elem->out_num;
	size_t total = writable ? elem->in_len : elem->out_len;
	size_t limit = fuzz_u32(in), left, len, n, got;
	int i, k, steps = fuzz_u8(in) % 8;

	iov_cursor__init(&c, iov, nr, limit);
	left = min(total, limit);
	fuzz_assert(c.left == left);
	for (i = 0; i < steps; i++) {
		u8 op = fuzz_u8(in);

		len = fuzz_u16(in);
		switch (op % 4) {
		case 0:
		case 1:
			n = iov_cursor__copy(&c, op % 4 ? buf : NULL, len,
					     writable && (op & 4));
			fuzz_assert(n == min(len, left));
			break;
		case 2:
			k = iov_cursor__slice(&c, slice, 1 + op % 8, len, &got);
			n = got;
			fuzz_assert(n <= min(len, left) && k <= 1 + op % 8);
			while (k--)
				fuzz_assert(fuzz_in_ram(slice[k].iov_base,
							slice[k].iov_len));
			break;
		default:
			n = iov_to_buf(iov, nr, len & 0xff, buf, len >> 4);
			fuzz_assert(n <= len >> 4);
			n = 0;
		}
		left -= n;
		fuzz_assert(c.left == left);
	}
}

static void pop(struct fuzz_in *in)
{
	struct virtq *vq = &vdev.vqs[0];
	int ret = virtq__pop(vq, elem);
	u16 used_before;

	fuzz_assert(ret == 1 || ret == 0 || ret == -EINVAL || ret == -EIO);
	/* A bad chain is never handed out, and the driver is told. */
	if (ret < 0)
		fuzz_assert(vq->broken &&
			    (vdev.status & VIRTIO_CONFIG_S_NEEDS_RESET));
	if (ret != 1)
		return;
	elem_valid = true;
	check_elem();
	cursor_steps(in);
	if (fuzz_u8(in) & 1)
		return;	/* kept for later: pushed after a reset, say */
	used_before = vq->used_idx;
	virtq__push(vq, elem, fuzz_u32(in));
	fuzz_assert(vq->used_idx == (u16)(used_before + 1));
	fuzz_assert(vq->used->idx == vq->used_idx);
	fuzz_assert(vq->used->ring[used_before & (vq->size - 1)].len <=
		    elem->in_len);
}

static void step(struct fuzz_in *in)
{
	struct virtq *vq = &vdev.vqs[0];
	u8 op = fuzz_u8(in);
	struct vring_desc *d;

	switch (op % 8) {
	case 0:
	case 1:
	case 2:
		pop(in);
		break;
	case 3:
		virtq__signal(vq);
		break;
	case 4:
		/* The driver moves its avail index. */
		if (vq->avail)
			vq->avail->idx = fuzz_u16(in);
		break;
	case 5:
		/* used_event (or flags). */
		if (vq->avail && vq->enabled)
			*(op & 8 ? &vq->avail->flags :
			  (u16 *)&vq->avail->ring[vq->size]) = fuzz_u16(in);
		break;
	case 6:
		/* A reset with a request in flight, then its late push. */
		setup(in);
		if (elem_valid)
			virtq__push(vq, elem, elem->in_len);
		break;
	default:
		/* The driver rewrites a descriptor after handing it out. */
		if (!vq->desc || !vq->enabled)
			break;
		d = &vq->desc[fuzz_u16(in) & (vq->size - 1)];
		fuzz_bytes(in, d, sizeof(*d));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	int i;

	elem_valid = false;
	setup(&in);
	fill_image(&in);
	for (i = 0; i < MAX_STEPS && in.left; i++)
		step(&in);
	return 0;
}
