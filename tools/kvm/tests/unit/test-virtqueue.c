// SPDX-License-Identifier: GPL-2.0
/*
 * The virtqueue core against synthetic guest memory: well-formed chains,
 * every kind of malicious chain and ring setup, EVENT_IDX, reset, feature
 * negotiation and config space bounds.  No KVM needed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>

#include "kvm/kvm.h"
#include "kvm/virtio.h"
#include "kvm/log.h"
#include "tap.h"
#include "fake-kvm.h"

#define TABLE		(RAM_BASE + 0x3000)

static struct kvm *kvm;
static struct virtio_device vdev;
static struct virtq *vq;
static struct virtq_elem *elem;
static int nr_signal_vq, nr_signal_config, nr_resets;
static u8 config[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

static struct vring_desc *desc(int i)
{
	return (struct vring_desc *)gpa(DESC) + i;
}

static struct vring_desc *tdesc(int i)
{
	return (struct vring_desc *)gpa(TABLE) + i;
}

static struct vring_avail *avail(void)
{
	return gpa(AVAIL);
}

static struct vring_used *used(void)
{
	return gpa(USED);
}

static void set_desc(struct vring_desc *d, u64 addr, u32 len, u16 flags, u16 next)
{
	d->addr = addr;
	d->len = len;
	d->flags = flags;
	d->next = next;
}

static void make_avail(u16 head)
{
	struct vring_avail *a = avail();

	a->ring[a->idx % QSIZE] = head;
	a->idx++;
}

static void signal_vq(struct virtio_device *d, struct virtq *q)
{
	nr_signal_vq++;
}

static void signal_config(struct virtio_device *d)
{
	nr_signal_config++;
}

static const struct virtio_transport_ops test_transport = {
	.signal_vq = signal_vq,
	.signal_config = signal_config,
};

static void dev_reset(struct virtio_device *d)
{
	nr_resets++;
}

static void queue_notify(struct virtio_device *d, struct virtq *q)
{
}

static void config_write(struct virtio_device *d, u32 off, const void *data,
			 u32 len)
{
	memcpy(config + off, data, len);
}

static const struct virtio_device_ops test_ops = {
	.queue_notify = queue_notify,
	.config_write = config_write,
	.reset = dev_reset,
};

/* Reset the device and bring it back up the way a driver does. */
static int setup(u64 features)
{
	virtio_device__set_status(&vdev, 0);
	memset(ram, 0, 0x10000);
	virtio_device__set_status(&vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
			  VIRTIO_CONFIG_S_DRIVER);
	virtio_device__set_guest_features(&vdev, features);
	virtio_device__set_status(&vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
			  VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
	vq->size = QSIZE;
	vq->desc_addr = DESC;
	vq->avail_addr = AVAIL;
	vq->used_addr = USED;
	if (virtq__enable(vq))
		return -1;
	virtio_device__set_status(&vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
			  VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK |
			  VIRTIO_CONFIG_S_DRIVER_OK);
	nr_signal_vq = 0;
	nr_signal_config = 0;
	return 0;
}

#define ALL_FEATURES	((1ULL << VIRTIO_F_VERSION_1) |			\
			 (1ULL << VIRTIO_RING_F_INDIRECT_DESC) |		\
			 (1ULL << VIRTIO_RING_F_EVENT_IDX))

static bool iov_in_ram(void)
{
	unsigned int i;

	for (i = 0; i < elem->out_num + elem->in_num; i++) {
		u8 *b = elem->iov[i].iov_base;
		size_t l = elem->iov[i].iov_len;

		if (b < ram || b + l > ram + RAM_SIZE || b + l < b)
			return false;
	}
	return true;
}

static void test_good_chains(void)
{
	int i;

	setup(ALL_FEATURES);
	set_desc(desc(0), DATA, 16, VRING_DESC_F_NEXT, 1);
	set_desc(desc(1), DATA + 0x100, 512, VRING_DESC_F_NEXT, 5);
	set_desc(desc(5), DATA + 0x1000, 1, VRING_DESC_F_WRITE, 0);
	make_avail(0);

	is_int(virtq__pop(vq, elem), 1, "a well-formed chain is popped");
	is_int(elem->head, 0, "its head");
	is_int(elem->out_num, 2, "two readable segments");
	is_int(elem->in_num, 1, "one writable segment");
	is_int(elem->out_len, 528, "readable bytes");
	is_int(elem->in_len, 1, "writable bytes");
	ok(elem->iov[0].iov_base == gpa(DATA) &&
	   elem->iov[2].iov_base == gpa(DATA + 0x1000),
	   "segments map to the guest buffers");
	is_int(virtq__pop(vq, elem), 0, "then the queue is empty");
	is_int(*(u16 *)&used()->ring[QSIZE], 1,
	       "an empty queue re-arms avail_event at last_avail_idx");

	virtq__push(vq, elem, 1000);
	is_int(used()->idx, 1, "push publishes the used index");
	is_int(used()->ring[0].id, 0, "used id is the head");
	is_int(used()->ring[0].len, 1, "used len is clamped to the writable bytes");

	/* Indirect: a table of three. */
	set_desc(tdesc(0), DATA, 16, VRING_DESC_F_NEXT, 2);
	set_desc(tdesc(2), DATA + 0x200, 8, VRING_DESC_F_NEXT, 1);
	set_desc(tdesc(1), DATA + 0x300, 4, VRING_DESC_F_WRITE, 0);
	set_desc(desc(3), TABLE, 3 * 16, VRING_DESC_F_INDIRECT, 0);
	make_avail(3);
	is_int(virtq__pop(vq, elem), 1, "an indirect chain is popped");
	ok(elem->out_num == 2 && elem->in_num == 1 && elem->out_len == 24 &&
	   elem->in_len == 4, "indirect segments are in order");
	ok(elem->iov[1].iov_base == gpa(DATA + 0x200), "indirect next is followed");

	/* The longest chain: every descriptor of the queue. */
	for (i = 0; i < QSIZE; i++)
		set_desc(desc(i), DATA + i * 64, 64,
			 i == QSIZE - 1 ? 0 : VRING_DESC_F_NEXT, i + 1);
	make_avail(0);
	is_int(virtq__pop(vq, elem), 1, "a chain as long as the queue is fine");
	is_int(elem->out_num, QSIZE, "with all its segments");

	/* Zero-length descriptors carry nothing. */
	set_desc(desc(0), DATA, 0, VRING_DESC_F_NEXT, 1);
	set_desc(desc(1), DATA, 8, 0, 0);
	make_avail(0);
	is_int(virtq__pop(vq, elem), 1, "zero-length descriptor accepted");
	is_int(elem->out_num, 1, "and skipped");
	is_int(nr_signal_config, 0, "no config interrupt for good chains");
	ok(!(vdev.status & VIRTIO_CONFIG_S_NEEDS_RESET), "device is fine");
}

struct bad_case {
	const char *name;
	void (*build)(void);
	u64 features;
};

static void bad_outside_ram(void)
{
	set_desc(desc(0), 0x1000, 16, 0, 0);
	make_avail(0);
}

static void bad_straddles_ram_end(void)
{
	set_desc(desc(0), RAM_BASE + RAM_SIZE - 8, 16, 0, 0);
	make_avail(0);
}

static void bad_len_overflow(void)
{
	set_desc(desc(0), DATA, 0xffffffff, 0, 0);
	make_avail(0);
}

static void bad_addr_wraps(void)
{
	set_desc(desc(0), 0xfffffffffffffff0ULL, 0x20, 0, 0);
	make_avail(0);
}

static void bad_loop(void)
{
	set_desc(desc(0), DATA, 16, VRING_DESC_F_NEXT, 1);
	set_desc(desc(1), DATA, 16, VRING_DESC_F_NEXT, 0);
	make_avail(0);
}

static void bad_self_loop(void)
{
	set_desc(desc(4), DATA, 16, VRING_DESC_F_NEXT, 4);
	make_avail(4);
}

static void bad_next_out_of_queue(void)
{
	set_desc(desc(0), DATA, 16, VRING_DESC_F_NEXT, QSIZE);
	make_avail(0);
}

static void bad_head_out_of_queue(void)
{
	make_avail(QSIZE + 3);
}

static void bad_read_after_write(void)
{
	set_desc(desc(0), DATA, 16, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	set_desc(desc(1), DATA, 16, 0, 0);
	make_avail(0);
}

static void bad_nested_indirect(void)
{
	set_desc(tdesc(0), TABLE, 32, VRING_DESC_F_INDIRECT, 0);
	set_desc(desc(0), TABLE, 32, VRING_DESC_F_INDIRECT, 0);
	make_avail(0);
}

static void bad_indirect_misaligned_len(void)
{
	set_desc(desc(0), TABLE, 20, VRING_DESC_F_INDIRECT, 0);
	make_avail(0);
}

static void bad_indirect_misaligned_addr(void)
{
	set_desc(tdesc(0), DATA, 16, 0, 0);
	set_desc(desc(0), TABLE + 4, 16, VRING_DESC_F_INDIRECT, 0);
	make_avail(0);
}

static void bad_indirect_empty(void)
{
	set_desc(desc(0), TABLE, 0, VRING_DESC_F_INDIRECT, 0);
	make_avail(0);
}

static void bad_indirect_with_next(void)
{
	set_desc(tdesc(0), DATA, 16, 0, 0);
	set_desc(desc(0), TABLE, 16, VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT, 1);
	set_desc(desc(1), DATA, 16, 0, 0);
	make_avail(0);
}

static void bad_indirect_in_chain(void)
{
	set_desc(tdesc(0), DATA, 16, 0, 0);
	set_desc(desc(0), DATA, 16, VRING_DESC_F_NEXT, 1);
	set_desc(desc(1), TABLE, 16, VRING_DESC_F_INDIRECT, 0);
	make_avail(0);
}

static void bad_indirect_too_long(void)
{
	set_desc(desc(0), TABLE, (QSIZE + 1) * 16, VRING_DESC_F_INDIRECT, 0);
	make_avail(0);
}

static void bad_indirect_loop(void)
{
	set_desc(tdesc(0), DATA, 16, VRING_DESC_F_NEXT, 1);
	set_desc(tdesc(1), DATA, 16, VRING_DESC_F_NEXT, 0);
	set_desc(desc(0), TABLE, 2 * 16, VRING_DESC_F_INDIRECT, 0);
	make_avail(0);
}

static void bad_indirect_next_outside(void)
{
	set_desc(tdesc(0), DATA, 16, VRING_DESC_F_NEXT, 2);
	set_desc(desc(0), TABLE, 2 * 16, VRING_DESC_F_INDIRECT, 0);
	make_avail(0);
}

static void bad_indirect_outside_ram(void)
{
	set_desc(desc(0), 0x2000, 16, VRING_DESC_F_INDIRECT, 0);
	make_avail(0);
}

static void bad_indirect_buffer_outside(void)
{
	set_desc(tdesc(0), RAM_BASE + RAM_SIZE, 16, 0, 0);
	set_desc(desc(0), TABLE, 16, VRING_DESC_F_INDIRECT, 0);
	make_avail(0);
}

static void bad_indirect_not_negotiated(void)
{
	set_desc(tdesc(0), DATA, 16, 0, 0);
	set_desc(desc(0), TABLE, 16, VRING_DESC_F_INDIRECT, 0);
	make_avail(0);
}

static void bad_avail_runs_ahead(void)
{
	avail()->idx = QSIZE + 1;
}

static const struct bad_case bad_cases[] = {
	{ "buffer outside guest RAM", bad_outside_ram, ALL_FEATURES },
	{ "buffer straddling the end of RAM", bad_straddles_ram_end, ALL_FEATURES },
	{ "length running past RAM", bad_len_overflow, ALL_FEATURES },
	{ "address + length wrapping around", bad_addr_wraps, ALL_FEATURES },
	{ "two-descriptor loop", bad_loop, ALL_FEATURES },
	{ "descriptor pointing at itself", bad_self_loop, ALL_FEATURES },
	{ "next index beyond the queue", bad_next_out_of_queue, ALL_FEATURES },
	{ "head index beyond the queue", bad_head_out_of_queue, ALL_FEATURES },
	{ "readable after writable", bad_read_after_write, ALL_FEATURES },
	{ "nested indirect table", bad_nested_indirect, ALL_FEATURES },
	{ "indirect table length not a multiple of 16", bad_indirect_misaligned_len, ALL_FEATURES },
	{ "indirect table misaligned", bad_indirect_misaligned_addr, ALL_FEATURES },
	{ "empty indirect table", bad_indirect_empty, ALL_FEATURES },
	{ "indirect with NEXT", bad_indirect_with_next, ALL_FEATURES },
	{ "indirect in the middle of a chain", bad_indirect_in_chain, ALL_FEATURES },
	{ "indirect table longer than the queue", bad_indirect_too_long, ALL_FEATURES },
	{ "loop inside an indirect table", bad_indirect_loop, ALL_FEATURES },
	{ "indirect next beyond its table", bad_indirect_next_outside, ALL_FEATURES },
	{ "indirect table outside RAM", bad_indirect_outside_ram, ALL_FEATURES },
	{ "indirect buffer outside RAM", bad_indirect_buffer_outside, ALL_FEATURES },
	{ "indirect without the feature", bad_indirect_not_negotiated,
	  (1ULL << VIRTIO_F_VERSION_1) },
	{ "avail index more than a queue ahead", bad_avail_runs_ahead, ALL_FEATURES },
};

static void test_bad_chains(void)
{
	unsigned int i;
	int r1, r2;

	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];

		setup(c->features);
		c->build();
		r1 = virtq__pop(vq, elem);
		r2 = virtq__pop(vq, elem);
		ok(r1 == -EINVAL && r2 == -EIO &&
		   (vdev.status & VIRTIO_CONFIG_S_NEEDS_RESET) &&
		   nr_signal_config == 1 && used()->idx == 0,
		   "rejected: %s", c->name);
		if (r1 != -EINVAL || r2 != -EIO)
			diag("  pop returned %d then %d, status 0x%x", r1, r2,
			     vdev.status);
	}

	/* A reset brings a broken device back. */
	setup(ALL_FEATURES);
	ok(!(vdev.status & VIRTIO_CONFIG_S_NEEDS_RESET), "reset clears NEEDS_RESET");
	set_desc(desc(0), DATA, 16, 0, 0);
	make_avail(0);
	is_int(virtq__pop(vq, elem), 1, "and the queue works again");
}

static void test_bad_rings(void)
{
	struct {
		const char *name;
		u16 size;
		u64 desc, avail, used;
	} c[] = {
		{ "queue size 0", 0, DESC, AVAIL, USED },
		{ "queue size not a power of 2", 12, DESC, AVAIL, USED },
		{ "queue size above the maximum", QSIZE * 2, DESC, AVAIL, USED },
		{ "misaligned descriptor table", QSIZE, DESC + 8, AVAIL, USED },
		{ "misaligned avail ring", QSIZE, DESC, AVAIL + 1, USED },
		{ "misaligned used ring", QSIZE, DESC, AVAIL, USED + 2 },
		{ "descriptor table outside RAM", QSIZE, 0x1000, AVAIL, USED },
		{ "used ring past the end of RAM", QSIZE, DESC, AVAIL,
		  RAM_BASE + RAM_SIZE - 64 },
		{ "avail ring at a wrapping address", QSIZE, DESC,
		  0xfffffffffffffff0ULL, USED },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		virtio_device__set_status(&vdev, 0);
		vq->size = c[i].size;
		vq->desc_addr = c[i].desc;
		vq->avail_addr = c[i].avail;
		vq->used_addr = c[i].used;
		ok(virtq__enable(vq) == -EINVAL && !vq->enabled,
		   "ring refused: %s", c[i].name);
	}
	is_int(virtq__pop(vq, elem), 0, "a disabled queue hands out nothing");
}

static void test_event_idx(void)
{
	u16 *used_event = (u16 *)&avail()->ring[QSIZE];
	int i;

	setup(ALL_FEATURES);
	for (i = 0; i < 4; i++) {
		set_desc(desc(i), DATA, 16, VRING_DESC_F_WRITE, 0);
		make_avail(i);
	}
	*used_event = 2;	/* interrupt me when used idx passes 2 */
	virtq__pop(vq, elem);
	virtq__push(vq, elem, 0);
	virtq__signal(vq);
	is_int(nr_signal_vq, 1, "first completion signals");
	virtq__pop(vq, elem);
	virtq__push(vq, elem, 0);
	virtq__signal(vq);
	is_int(nr_signal_vq, 1, "used idx 2 has not passed used_event 2");
	virtq__pop(vq, elem);
	virtq__push(vq, elem, 0);
	virtq__signal(vq);
	is_int(nr_signal_vq, 2, "used idx 3 passes used_event: signal");
	virtq__signal(vq);
	is_int(nr_signal_vq, 2, "nothing new: no signal");

	/* Without EVENT_IDX, avail->flags decides. */
	setup(1ULL << VIRTIO_F_VERSION_1);
	set_desc(desc(0), DATA, 16, VRING_DESC_F_WRITE, 0);
	make_avail(0);
	make_avail(0);
	avail()->flags = VRING_AVAIL_F_NO_INTERRUPT;
	virtq__pop(vq, elem);
	virtq__push(vq, elem, 0);
	virtq__signal(vq);
	is_int(nr_signal_vq, 0, "NO_INTERRUPT suppresses the signal");
	avail()->flags = 0;
	virtq__pop(vq, elem);
	virtq__push(vq, elem, 0);
	virtq__signal(vq);
	is_int(nr_signal_vq, 1, "and its absence lets it through");
}

static void test_reset(void)
{
	int before = nr_resets;

	setup(ALL_FEATURES);
	set_desc(desc(0), DATA, 16, VRING_DESC_F_WRITE, 0);
	make_avail(0);
	is_int(virtq__pop(vq, elem), 1, "popped before reset");
	setup(ALL_FEATURES);
	ok(nr_resets > before, "the device's reset op ran");
	virtq__push(vq, elem, 16);
	is_int(used()->idx, 0, "an element from before the reset is dropped");
	is_int(vq->msix_vector, VIRTIO_NO_VECTOR, "reset clears the vector");
}

static void test_features_and_config(void)
{
	u8 buf[8];

	virtio_device__set_status(&vdev, 0);
	virtio_device__set_guest_features(&vdev, 1ULL << VIRTIO_RING_F_EVENT_IDX);
	virtio_device__set_status(&vdev, VIRTIO_CONFIG_S_FEATURES_OK);
	ok(!(vdev.status & VIRTIO_CONFIG_S_FEATURES_OK),
	   "FEATURES_OK refused without VERSION_1");

	virtio_device__set_status(&vdev, 0);
	virtio_device__set_guest_features(&vdev, (1ULL << VIRTIO_F_VERSION_1) | (1ULL << 40));
	virtio_device__set_status(&vdev, VIRTIO_CONFIG_S_FEATURES_OK);
	ok(!(vdev.status & VIRTIO_CONFIG_S_FEATURES_OK),
	   "FEATURES_OK refused for a feature not offered");

	virtio_device__set_status(&vdev, 0);
	virtio_device__set_guest_features(&vdev, ALL_FEATURES);
	virtio_device__set_status(&vdev, VIRTIO_CONFIG_S_FEATURES_OK);
	ok(vdev.status & VIRTIO_CONFIG_S_FEATURES_OK, "FEATURES_OK accepted");
	is_int(virtio_device__set_guest_features(&vdev, 0), -EPERM,
	       "features are frozen after FEATURES_OK");

	virtio_device__config_access(&vdev, 4, buf, 4, false);
	ok(!memcmp(buf, config + 4, 4), "config read");
	memset(buf, 0xaa, sizeof(buf));
	virtio_device__config_access(&vdev, 6, buf, 4, false);
	ok(buf[0] == 0 && buf[3] == 0, "read across the end of config gives zeros");
	virtio_device__config_access(&vdev, 0xfffffffe, buf, 4, false);
	ok(buf[0] == 0, "read at a huge offset gives zeros");
	buf[0] = 0x55;
	virtio_device__config_access(&vdev, 7, buf, 2, true);
	is_int(config[7], 8, "write across the end of config is ignored");
	virtio_device__config_access(&vdev, 7, buf, 1, true);
	is_int(config[7], 0x55, "write inside config lands");
}

/* Random rings: whatever pop hands out must lie inside guest RAM. */
static void test_fuzz(void)
{
	unsigned int seed = 12345, i, j, bad = 0, popped = 0, rejected = 0;
	u64 addrs[] = { DATA, TABLE, RAM_BASE + RAM_SIZE - 16, 0, 0x1000,
			0xfffffffffffffff0ULL, TABLE + 8 };

	for (i = 0; i < 3000; i++) {
		int r;

		setup(ALL_FEATURES);
		for (j = 0; j < QSIZE; j++) {
			int k = rand_r(&seed);

			set_desc(desc(j), addrs[k % ARRAY_SIZE(addrs)] + (k >> 20 & 0xff),
				 k & 1 ? rand_r(&seed) & 0x1ff : rand_r(&seed),
				 rand_r(&seed) & 7, rand_r(&seed) % (QSIZE + 2));
			set_desc(tdesc(j), addrs[k % ARRAY_SIZE(addrs)],
				 rand_r(&seed) & 0x3ff, rand_r(&seed) & 7,
				 rand_r(&seed) % (QSIZE + 2));
		}
		make_avail(rand_r(&seed) % (QSIZE + 1));
		r = virtq__pop(vq, elem);
		if (r == 1) {
			popped++;
			if (!iov_in_ram())
				bad++;
		} else if (r == -EINVAL) {
			rejected++;
		} else {
			bad++;
		}
	}
	diag("fuzz: %u popped, %u rejected", popped, rejected);
	is_int(bad, 0, "random rings: every segment handed out is inside RAM");
	ok(popped > 0 && rejected > 0, "fuzzing exercised both outcomes");
}

int main(void)
{
	plan(77);
	/* Every rejected chain warns: keep the TAP output readable. */
	loglevel = LOGLEVEL_ERROR;

	kvm = fake_kvm_new();

	vdev.name = "test";
	vdev.device_id = 4;
	vdev.nr_queues = 1;
	vdev.queue_size = QSIZE;
	vdev.config = config;
	vdev.config_size = sizeof(config);
	vdev.ops = &test_ops;
	ok(virtio_device__init_queues(kvm, &vdev) == 0, "queues initialised");
	vdev.transport_ops = &test_transport;
	vq = &vdev.vqs[0];
	elem = virtq_elem__alloc();

	test_good_chains();
	test_bad_chains();
	test_bad_rings();
	test_event_idx();
	test_reset();
	test_features_and_config();
	test_fuzz();
	return exit_status();
}
