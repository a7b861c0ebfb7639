// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport end to end, without KVM: a driver written
 * here programs the registers through the MMIO bus, a small echo device
 * answers on its worker thread, and malformed setups end in
 * DEVICE_NEEDS_RESET rather than anything worse.
 */
#include <string.h>
#include <unistd.h>
#include <linux/virtio_mmio.h>

#include <linux/kernel.h>

#include "kvm/boot.h"
#include "kvm/bus.h"
#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"
#include "kvm/virtio.h"
#include "kvm/virtio-mmio.h"
#include "kvm/log.h"
#include "kvm/util.h"
#include "tap.h"
#include "fake-kvm.h"
#include "fake-mmio-driver.h"

static struct kvm *kvm;
static u8 echo_config[4] = { 0xde, 0xad, 0xbe, 0xef };
static int echo_notifies;
static int echo_starts;
static u64 echo_features;	/* what the device was started with */

/* Echo: writes the readable bytes back reversed into the writable ones. */
static void echo_notify(struct virtio_device *vdev, struct virtq *vq)
{
	static struct virtq_elem *elem;
	u8 buf[256];
	size_t n, i;

	__atomic_add_fetch(&echo_notifies, 1, __ATOMIC_SEQ_CST);
	if (!elem)
		elem = virtq_elem__alloc();
	while (virtq__pop(vq, elem) > 0) {
		n = iov_to_buf(elem->iov, elem->out_num, 0, buf, sizeof(buf));
		for (i = 0; i < n / 2; i++) {
			u8 t = buf[i];

			buf[i] = buf[n - 1 - i];
			buf[n - 1 - i] = t;
		}
		n = iov_from_buf(elem->iov + elem->out_num, elem->in_num, 0, buf, n);
		virtq__push(vq, elem, n);
	}
	virtq__signal(vq);
}

static void echo_start(struct virtio_device *vdev)
{
	echo_starts++;
	echo_features = vdev->guest_features;
}

static const struct virtio_device_ops echo_ops = {
	.start = echo_start,
	.queue_notify = echo_notify,
};

static struct virtio_device echo = {
	.name = "echo",
	.device_id = 42,
	.config = echo_config,
	.config_size = sizeof(echo_config),
	.nr_queues = 2,
	.queue_size = QSIZE,
	.ops = &echo_ops,
};

static void driver_setup(u32 qsize)
{
	mmio_reset(0x10000);
	mmio_driver_setup(1ULL << VIRTIO_F_VERSION_1, true, 1, qsize);
}

/* @out_len bytes at @out_addr, and 64 writable at DATA + 0x100. */
static void submit(u64 out_addr, u32 out_len)
{
	u64 addr[2] = { out_addr, DATA + 0x100 };
	u32 len[2] = { out_len, 64 };

	mmio_submit(0, 0, addr, len, 2, 1, true);
}

static void test_probe(void)
{
	u64 addr, size;
	u8 b[2];
	int irq;

	is_int(mmio_rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976, "magic");
	is_int(mmio_rd(VIRTIO_MMIO_VERSION), 2, "version 2");
	is_int(mmio_rd(VIRTIO_MMIO_DEVICE_ID), 42, "device id");
	mmio_wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	ok(mmio_rd(VIRTIO_MMIO_DEVICE_FEATURES) & 1, "VERSION_1 offered");
	mmio_wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	is_int(mmio_rd(VIRTIO_MMIO_QUEUE_NUM_MAX), QSIZE, "queue 1 max size");
	mmio_wr(VIRTIO_MMIO_QUEUE_SEL, 2);
	is_int(mmio_rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0, "no queue 2");
	ok(mmio_rd(VIRTIO_MMIO_CONFIG) == 0xefbeadde, "config space");
	mmio_access(VIRTIO_MMIO_STATUS, b, 2, false);
	ok(b[0] == 0xff && b[1] == 0xff, "narrow register read is refused");
	boot_add_virtio_mmio_cmdline(kvm);
	ok(kvm->cmdline && strstr(kvm->cmdline, "virtio_mmio.device=0x1000@0xd0000000:"),
	   "virtio_mmio.device= on the command line");
	ok(virtio_mmio__nr_devices() == 1 &&
	   virtio_mmio__device_info(0, &addr, &size, &irq) &&
	   addr == mmio_base && size == 0x1000 && irq >= 0, "device info for firmware");
}

static void test_io(void)
{
	struct vring_used *used = gpa(USED);

	driver_setup(QSIZE);
	ok(mmio_rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_DRIVER_OK, "driver ok");
	is_int(mmio_rd(VIRTIO_MMIO_QUEUE_READY), 1, "queue ready");
	memcpy(gpa(DATA), "hello", 5);
	submit(DATA, 5);
	ok(wait_used(0, 1), "request completed by the worker");
	ok(!memcmp(gpa(DATA + 0x100), "olleh", 5), "device answered");
	is_int(used->ring[0].len, 5, "used length");
	ok(mmio_rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_VRING, "vring interrupt");
	mmio_wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	is_int(mmio_rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0, "interrupt acknowledged");

	/* A buffer outside RAM: the device wants a reset, nothing else. */
	submit(0x1000, 5);
	wait_used_ms(0, 2, 50);
	ok(mmio_rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET,
	   "bad buffer: DEVICE_NEEDS_RESET");
	ok(mmio_rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_CONFIG,
	   "and a config interrupt");
	is_int(used->idx, 1, "the bad request was not completed");

	driver_setup(QSIZE);
	ok(!(mmio_rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET), "reset recovers");
	submit(DATA, 5);
	ok(wait_used(0, 1), "and I/O works again");
}

static void test_bad_setup(void)
{
	int notifies;

	/* After DRIVER_OK, so that the device interrupts for it. */
	driver_setup(QSIZE);
	mmio_wr(VIRTIO_MMIO_INTERRUPT_ACK, 3);
	mmio_wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	mmio_wr(VIRTIO_MMIO_QUEUE_NUM, 3);
	mmio_wr(VIRTIO_MMIO_QUEUE_READY, 1);
	ok((mmio_rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET) &&
	   (mmio_rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_CONFIG),
	   "bad queue after DRIVER_OK: NEEDS_RESET and a config interrupt");

	driver_setup(12);
	is_int(mmio_rd(VIRTIO_MMIO_QUEUE_READY), 0, "queue size 12 is refused");
	ok(mmio_rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET,
	   "with DEVICE_NEEDS_RESET");

	mmio_wr(VIRTIO_MMIO_STATUS, 0);
	mmio_wr(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	mmio_wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	mmio_wr(VIRTIO_MMIO_DRIVER_FEATURES, 0);
	mmio_wr(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
	   VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
	ok(!(mmio_rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK),
	   "FEATURES_OK needs VERSION_1 on a modern transport");

	mmio_wr(VIRTIO_MMIO_STATUS, 0);
	mmio_wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	mmio_wr(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	mmio_wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0xfffff000);
	mmio_wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, 0xffffffff);
	mmio_wr(VIRTIO_MMIO_QUEUE_READY, 1);
	is_int(mmio_rd(VIRTIO_MMIO_QUEUE_READY), 0, "ring outside RAM is refused");
	notifies = __atomic_load_n(&echo_notifies, __ATOMIC_SEQ_CST);
	mmio_wr(VIRTIO_MMIO_QUEUE_SEL, 0x7fffffff);
	mmio_wr(VIRTIO_MMIO_QUEUE_READY, 1);
	mmio_wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0x7fffffff);
	ok(mmio_rd(VIRTIO_MMIO_QUEUE_NUM_MAX) == 0 && mmio_rd(VIRTIO_MMIO_QUEUE_READY) == 0,
	   "a queue that doesn't exist has no size and never gets ready");
	/* A notify would reach the device's worker thread: give it time. */
	usleep(100 * 1000);
	is_int(__atomic_load_n(&echo_notifies, __ATOMIC_SEQ_CST), notifies,
	       "a notify of a queue that doesn't exist reaches no device");
	mmio_wr(VIRTIO_MMIO_STATUS, 0);
	is_int(mmio_rd(VIRTIO_MMIO_STATUS), 0, "reset");
}

static bool status_is(u32 set, u32 clear)
{
	u32 status = mmio_rd(VIRTIO_MMIO_STATUS);

	return (status & set) == set && !(status & clear);
}

/*
 * What the core starts a device with, whichever the device: the echo
 * device takes any features and checks none of its own.
 */
static void test_negotiation(void)
{
	u64 v1 = 1ULL << VIRTIO_F_VERSION_1, indirect = 1ULL << VIRTIO_RING_F_INDIRECT_DESC;
	u64 never = (1ULL << 0) | (1ULL << 20);
	int starts = echo_starts, notifies;

	ok(!(mmio_device_features() & never), "device bits 0 and 20 are not offered");
	mmio_reset(0x10000);
	ok(!mmio_driver_setup(v1 | never, true, 1, QSIZE),
	   "FEATURES_OK with bits never offered is not kept");
	mmio_wr(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		VIRTIO_CONFIG_S_DRIVER_OK);
	ok(echo_starts == starts &&
	   status_is(VIRTIO_CONFIG_S_NEEDS_RESET, VIRTIO_CONFIG_S_DRIVER_OK),
	   "DRIVER_OK after it starts nothing, and asks for a reset");

	mmio_reset(0x10000);
	mmio_driver_setup(v1 | never, false, 1, QSIZE);
	ok(echo_starts == starts, "a modern driver's DRIVER_OK without FEATURES_OK starts nothing");
	ok(status_is(VIRTIO_CONFIG_S_NEEDS_RESET, VIRTIO_CONFIG_S_DRIVER_OK),
	   "... DRIVER_OK is not kept, DEVICE_NEEDS_RESET is set");
	notifies = __atomic_load_n(&echo_notifies, __ATOMIC_SEQ_CST);
	memcpy(gpa(DATA), "hello", 5);
	submit(DATA, 5);
	ok(!wait_used_ms(0, 1, 100) &&
	   __atomic_load_n(&echo_notifies, __ATOMIC_SEQ_CST) == notifies,
	   "... and its requests reach no device");

	mmio_reset(0x10000);
	ok(mmio_driver_setup(v1 | indirect, true, 1, QSIZE) && echo_starts == starts + 1 &&
	   echo_features == (v1 | indirect),
	   "FEATURES_OK, then DRIVER_OK: started with the features agreed to");
	mmio_driver_features(~0ULL);
	ok(echo.guest_features == (v1 | indirect), "features written after that change nothing");
	mmio_reset(0x10000);
}

int main(void)
{
	plan(38);
	loglevel = -1;

	kvm = fake_kvm_new();
	virtio__set_transport("mmio");
	if (virtio_device__register(kvm, &echo))
		skip_all("cannot register the device");
	fake_mmio_init(kvm, KVM_VIRTIO_MMIO_START);

	test_probe();
	test_io();
	test_bad_setup();
	test_negotiation();
	return exit_status();
}
