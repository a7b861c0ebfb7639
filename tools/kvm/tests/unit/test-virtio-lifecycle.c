// SPDX-License-Identifier: GPL-2.0
/*
 * Virtio device lifecycle, without KVM: a device reset and lkvm's exit
 * with a request in flight.  Neither may return while the device still
 * uses the driver's buffers, the device is not run again afterwards, and
 * at exit every core thread is joined, so that guest RAM can go.
 */
#include <pthread.h>
#include <string.h>

#include <linux/kernel.h>

#include "kvm/kvm.h"
#include "kvm/virtio.h"
#include "kvm/virtio-mmio.h"
#include "kvm/log.h"
#include "tap.h"
#include "host-dir.h"
#include "fake-kvm.h"
#include "fake-mmio-driver.h"

static struct kvm *kvm;

/* The slow device: each request waits at the gate before its reply. */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static bool gate_open;
static int started, finished, notifies, stops;

static void slow_notify(struct virtio_device *vdev, struct virtq *vq)
{
	static struct virtq_elem *elem;
	u8 reply[8] = "answered";

	__atomic_add_fetch(&notifies, 1, __ATOMIC_SEQ_CST);
	if (!elem)
		elem = virtq_elem__alloc();
	while (virtq__pop(vq, elem) > 0) {
		pthread_mutex_lock(&gate_lock);
		started++;
		pthread_cond_broadcast(&gate_cond);
		while (!gate_open)
			pthread_cond_wait(&gate_cond, &gate_lock);
		pthread_mutex_unlock(&gate_lock);
		iov_from_buf(elem->iov + elem->out_num, elem->in_num, 0,
			     reply, sizeof(reply));
		virtq__push(vq, elem, sizeof(reply));
		__atomic_add_fetch(&finished, 1, __ATOMIC_SEQ_CST);
	}
	virtq__signal(vq);
}

static void slow_stop(struct virtio_device *vdev)
{
	__atomic_add_fetch(&stops, 1, __ATOMIC_SEQ_CST);
}

static const struct virtio_device_ops slow_ops = {
	.queue_notify = slow_notify,
	.stop = slow_stop,
};

static struct virtio_device slow = {
	.name = "slow",
	.device_id = 42,
	.nr_queues = 1,
	.queue_size = QSIZE,
	.queue_flags = VIRTIO_QUEUE_DEDICATED,
	.ops = &slow_ops,
};

/* Queues on the shared I/O thread: virtio__exit() must end it too. */
static struct virtio_device shared = {
	.name = "shared",
	.device_id = 43,
	.nr_queues = 1,
	.queue_size = QSIZE,
	.ops = &slow_ops,
};

static void gate(bool open)
{
	pthread_mutex_lock(&gate_lock);
	gate_open = open;
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_lock);
}

static void wait_started(int n)
{
	pthread_mutex_lock(&gate_lock);
	while (started < n)
		pthread_cond_wait(&gate_cond, &gate_lock);
	pthread_mutex_unlock(&gate_lock);
}

/* The threads of this process. */
static int nr_tasks(void)
{
	return count_entries("/proc/self/task") - 2;
}

/* The operation under test runs here, so that the test sees it block. */
struct blocker {
	pthread_t thread;
	void (*fn)(void);
	bool returned;
	int finished_at_return;
};

static void *blocker_thread(void *arg)
{
	struct blocker *b = arg;

	b->fn();
	b->finished_at_return = __atomic_load_n(&finished, __ATOMIC_SEQ_CST);
	__atomic_store_n(&b->returned, true, __ATOMIC_SEQ_CST);
	return NULL;
}

static void blocker_start(struct blocker *b, void (*fn)(void))
{
	b->fn = fn;
	b->returned = false;
	pthread_create(&b->thread, NULL, blocker_thread, b);
}

static bool blocker_returned(struct blocker *b)
{
	return __atomic_load_n(&b->returned, __ATOMIC_SEQ_CST);
}

static void reset_device(void)
{
	mmio_wr(VIRTIO_MMIO_STATUS, 0);
}

/* One request of 8 writable bytes at DATA. */
static void submit_one(u16 head)
{
	u64 addr = DATA + head * 0x100;
	u32 len = 8;

	mmio_submit(0, head, &addr, &len, 1, 0, true);
}

static void test_reset_in_flight(void)
{
	struct blocker b;
	int n, s;

	mmio_reset(0x20000);
	ok(mmio_driver_setup(1ULL << VIRTIO_F_VERSION_1, true, 1, QSIZE),
	   "the driver sets the device up");
	gate(false);
	submit_one(0);
	submit_one(1);
	wait_started(1);
	s = __atomic_load_n(&stops, __ATOMIC_SEQ_CST);

	blocker_start(&b, reset_device);
	sleep_ms(100);
	ok(!blocker_returned(&b), "a reset waits for the request in progress");
	gate(true);
	pthread_join(b.thread, NULL);
	is_int(b.finished_at_return, 2,
	       "it returns once the device is done with the driver's buffers");
	is_int(__atomic_load_n(&stops, __ATOMIC_SEQ_CST), s + 1,
	       "the device's stop op ran");

	n = __atomic_load_n(&notifies, __ATOMIC_SEQ_CST);
	submit_one(2);
	sleep_ms(50);
	is_int(__atomic_load_n(&notifies, __ATOMIC_SEQ_CST), n,
	       "a kick after the reset does not run the device");
	is_int(__atomic_load_n(&started, __ATOMIC_SEQ_CST), 2,
	       "and no request of the old rings is taken");
}

/* Resets racing with requests that run freely: none is left half done. */
static void test_reset_many(void)
{
	int i, j, bad = 0;

	gate(true);
	for (i = 0; i < 200; i++) {
		mmio_reset(0x20000);
		mmio_driver_setup(1ULL << VIRTIO_F_VERSION_1, true, 1, QSIZE);
		for (j = 0; j < 1 + i % 8; j++)
			submit_one(j);
		reset_device();
		if (__atomic_load_n(&started, __ATOMIC_SEQ_CST) !=
		    __atomic_load_n(&finished, __ATOMIC_SEQ_CST))
			bad++;
	}
	is_int(bad, 0, "200 resets amid requests: every one returns with none in progress");
}

static void test_exit_in_flight(void)
{
	struct blocker b;
	int tasks, n, s, i;

	mmio_reset(0x20000);
	mmio_driver_setup(1ULL << VIRTIO_F_VERSION_1, true, 1, QSIZE);
	gate(false);
	n = __atomic_load_n(&started, __ATOMIC_SEQ_CST);
	submit_one(0);
	wait_started(n + 1);
	tasks = nr_tasks();
	s = __atomic_load_n(&stops, __ATOMIC_SEQ_CST);

	blocker_start(&b, virtio__exit);
	sleep_ms(100);
	ok(!blocker_returned(&b), "virtio__exit() waits for the request in progress");
	gate(true);
	pthread_join(b.thread, NULL);
	is_int(b.finished_at_return, n + 1, "and returns after it");
	is_int(__atomic_load_n(&stops, __ATOMIC_SEQ_CST), s + 2,
	       "both devices' stop ops ran");
	/*
	 * A joined thread may linger in /proc/self/task a moment: its
	 * joiner is woken before the kernel has quite done with it.
	 */
	for (i = 0; i < 1000 && nr_tasks() != tasks - 2; i++)
		sleep_ms(1);
	is_int(nr_tasks(), tasks - 2,
	       "the queue thread and the shared I/O thread are joined");

	n = __atomic_load_n(&notifies, __ATOMIC_SEQ_CST);
	submit_one(1);
	sleep_ms(50);
	is_int(__atomic_load_n(&notifies, __ATOMIC_SEQ_CST), n,
	       "nothing runs the device after the exit");
}

int main(void)
{
	plan(13);
	loglevel = -1;
	alarm(60);

	kvm = fake_kvm_new();
	virtio__set_transport("mmio");
	if (virtio_device__register(kvm, &slow) ||
	    virtio_device__register(kvm, &shared))
		skip_all("cannot register the devices");
	is_int(virtio_mmio__nr_devices(), 2, "two virtio-mmio devices");
	fake_mmio_init(kvm, KVM_VIRTIO_MMIO_START);

	test_reset_in_flight();
	test_reset_many();
	test_exit_in_flight();
	return exit_status();
}
