// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio device model: split virtqueues, feature negotiation, status,
 * config space and the workers that run device handlers.
 *
 * Everything in the rings belongs to the guest, which may change it at any
 * moment from another vCPU: each value is read once into a local variable,
 * then validated, then used.
 *
 * kvmconfig: CONFIG_VIRTIO_MENU=y CONFIG_VIRTIO=y
 */
#include <endian.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#include <linux/align.h>
#include <linux/kernel.h>
#include <linux/compiler.h>

#include <subcmd/parse-options.h>

#include "kvm/init.h"
#include "kvm/ioeventfd.h"
#include "kvm/kvm.h"
#include "kvm/run-options.h"
#include "kvm/virtio.h"
#include "kvm/virtio-transport.h"
#include "kvm/log.h"
#include "kvm/util.h"

#if __BYTE_ORDER != __LITTLE_ENDIAN
#error "virtio rings are little-endian: a big-endian host needs byte swaps here"
#endif

/* Orders our ring accesses against the driver's on other CPUs. */
#define virtio_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define virtio_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define virtio_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)

static const struct virtio_transport *transports[3];

void virtio_transport__register(enum virtio_transport_type type,
				const struct virtio_transport *t)
{
	transports[type] = t;
}

/* ------------------------------------------------------------------ */
/* Rings */

int virtq__enable(struct virtq *vq)
{
	struct kvm *kvm = vq->vdev->kvm;
	u16 n = vq->size;
	int ret = -EINVAL;

	mutex_lock(&vq->lock);
	if (!n || n > vq->max_size || (n & (n - 1)))
		goto out;
	if (!IS_ALIGNED(vq->desc_addr, VRING_DESC_ALIGN_SIZE) ||
	    !IS_ALIGNED(vq->avail_addr, VRING_AVAIL_ALIGN_SIZE) ||
	    !IS_ALIGNED(vq->used_addr, VRING_USED_ALIGN_SIZE))
		goto out;

	/* The avail and used rings include the event index words. */
	vq->desc = guest_range_to_host(kvm, vq->desc_addr, 16ULL * n);
	vq->avail = guest_range_to_host(kvm, vq->avail_addr, 6 + 2ULL * n);
	vq->used = guest_range_to_host(kvm, vq->used_addr, 6 + 8ULL * n);
	if (!vq->desc || !vq->avail || !vq->used)
		goto out;

	vq->event_idx = vq->vdev->guest_features &
			(1ULL << VIRTIO_RING_F_EVENT_IDX);
	vq->last_avail_idx = 0;
	vq->used_idx = 0;
	vq->signalled_used_valid = false;
	vq->broken = false;
	vq->enabled = true;
	ret = 0;
out:
	mutex_unlock(&vq->lock);
	if (ret)
		pr_info("%s: queue %u: bad ring (size %u, desc 0x%llx, avail 0x%llx, used 0x%llx)",
			vq->vdev->name, vq->index, n,
			(unsigned long long)vq->desc_addr,
			(unsigned long long)vq->avail_addr,
			(unsigned long long)vq->used_addr);
	return ret;
}

/* Back to the state after a device reset; the caller holds no lock. */
void virtq__disable(struct virtq *vq)
{
	mutex_lock(&vq->lock);
	vq->enabled = false;
	vq->broken = false;
	vq->gen++;
	vq->size = vq->max_size;
	vq->desc_addr = 0;
	vq->avail_addr = 0;
	vq->used_addr = 0;
	vq->desc = NULL;
	vq->avail = NULL;
	vq->used = NULL;
	vq->last_avail_idx = 0;
	vq->used_idx = 0;
	vq->signalled_used_valid = false;
	vq->msix_vector = VIRTIO_NO_VECTOR;
	mutex_unlock(&vq->lock);
}

struct virtq_elem *virtq_elem__alloc(void)
{
	return xzalloc(sizeof(struct virtq_elem));
}

struct chain_walk {
	struct virtq *vq;
	struct virtq_elem *elem;
	bool seen_writable;
	const char *why;	/* what was wrong, for the message */
};

/* Adds one (already copied) descriptor's buffer to the element. */
static int chain_add(struct chain_walk *w, const struct vring_desc *d)
{
	struct virtq_elem *elem = w->elem;
	bool writable = d->flags & VRING_DESC_F_WRITE;
	unsigned int nr = elem->out_num + elem->in_num;
	void *host;

	if (!writable && w->seen_writable) {
		w->why = "readable descriptor after a writable one";
		return -EINVAL;
	}
	/* Zero-length buffers carry nothing: accept and skip them. */
	if (!d->len)
		return 0;
	if (nr >= VIRTIO_QUEUE_MAX_SIZE) {
		w->why = "too many segments";
		return -EINVAL;
	}
	host = guest_range_to_host(w->vq->vdev->kvm, d->addr, d->len);
	if (!host) {
		w->why = "buffer outside guest RAM";
		return -EINVAL;
	}
	elem->iov[nr].iov_base = host;
	elem->iov[nr].iov_len = d->len;
	if (writable) {
		w->seen_writable = true;
		elem->in_num++;
		elem->in_len += d->len;
	} else {
		elem->out_num++;
		elem->out_len += d->len;
	}
	return 0;
}

static void desc_read(struct vring_desc *dst, const struct vring_desc *src)
{
	dst->addr = READ_ONCE(src->addr);
	dst->len = READ_ONCE(src->len);
	dst->flags = READ_ONCE(src->flags);
	dst->next = READ_ONCE(src->next);
}

/* Walks an indirect table; @d is the descriptor pointing at it. */
static int chain_indirect(struct chain_walk *w, const struct vring_desc *d)
{
	struct virtq *vq = w->vq;
	struct vring_desc *table, cur;
	u32 n, i = 0, count = 0;
	int ret;

	if (!(vq->vdev->guest_features & (1ULL << VIRTIO_RING_F_INDIRECT_DESC))) {
		w->why = "indirect descriptor not negotiated";
		return -EINVAL;
	}
	if (d->flags & VRING_DESC_F_NEXT) {
		w->why = "indirect descriptor with NEXT";
		return -EINVAL;
	}
	if (!d->len || d->len % sizeof(*table) || !IS_ALIGNED(d->addr, 8)) {
		w->why = "misaligned indirect table";
		return -EINVAL;
	}
	n = d->len / sizeof(*table);
	if (n > vq->size) {
		w->why = "indirect table longer than the queue";
		return -EINVAL;
	}
	table = guest_range_to_host(vq->vdev->kvm, d->addr, d->len);
	if (!table) {
		w->why = "indirect table outside guest RAM";
		return -EINVAL;
	}
	for (;;) {
		if (++count > n) {
			w->why = "loop in an indirect table";
			return -EINVAL;
		}
		desc_read(&cur, &table[i]);
		if (cur.flags & VRING_DESC_F_INDIRECT) {
			w->why = "nested indirect table";
			return -EINVAL;
		}
		ret = chain_add(w, &cur);
		if (ret)
			return ret;
		if (!(cur.flags & VRING_DESC_F_NEXT))
			return 0;
		i = cur.next;
		if (i >= n) {
			w->why = "indirect next index out of the table";
			return -EINVAL;
		}
	}
}

static int chain_walk(struct chain_walk *w, u16 head)
{
	struct virtq *vq = w->vq;
	struct vring_desc d;
	u32 count = 0;
	u16 i = head;
	int ret;

	for (;;) {
		if (++count > vq->size) {
			w->why = "descriptor loop or chain longer than the queue";
			return -EINVAL;
		}
		desc_read(&d, &vq->desc[i]);
		if (d.flags & VRING_DESC_F_INDIRECT) {
			/* An indirect table may only be a chain's only element. */
			if (count != 1) {
				w->why = "indirect descriptor inside a chain";
				return -EINVAL;
			}
			return chain_indirect(w, &d);
		}
		ret = chain_add(w, &d);
		if (ret)
			return ret;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return 0;
		i = d.next;
		if (i >= vq->size) {
			w->why = "next index out of the queue";
			return -EINVAL;
		}
	}
}

static void virtq_broken(struct virtq *vq, const char *why)
{
	vq->broken = true;
	warning("%s: queue %u: %s: device needs reset", vq->vdev->name,
		vq->index, why);
}

/*
 * With VIRTIO_RING_F_EVENT_IDX, asks the driver to kick us when it adds
 * the entry after the last one we consumed, then looks again: an entry
 * added before the driver saw the new event index would otherwise sit
 * there without a kick.  Returns true when the ring has entries.
 */
static bool virtq_rearm(struct virtq *vq, u16 *avail_idx)
{
	if (!vq->event_idx)
		return false;
	WRITE_ONCE(*(u16 *)&vq->used->ring[vq->size], vq->last_avail_idx);
	virtio_mb();
	*avail_idx = READ_ONCE(vq->avail->idx);
	return *avail_idx != vq->last_avail_idx;
}

int virtq__pop(struct virtq *vq, struct virtq_elem *elem)
{
	struct chain_walk w = { .vq = vq, .elem = elem };
	u16 avail_idx, head;
	int ret = 0;

	mutex_lock(&vq->lock);
	if (!vq->enabled)
		goto out;
	if (vq->broken) {
		ret = -EIO;
		goto out;
	}

	avail_idx = READ_ONCE(vq->avail->idx);
	if (avail_idx == vq->last_avail_idx &&
	    !virtq_rearm(vq, &avail_idx))
		goto out;
	if ((u16)(avail_idx - vq->last_avail_idx) > vq->size) {
		virtq_broken(vq, "avail index runs ahead of the queue");
		ret = -EINVAL;
		goto out;
	}
	/* Read the ring entry only after seeing the index that covers it. */
	virtio_rmb();

	head = READ_ONCE(vq->avail->ring[vq->last_avail_idx & (vq->size - 1)]);
	if (head >= vq->size) {
		virtq_broken(vq, "head index out of the queue");
		ret = -EINVAL;
		goto out;
	}

	elem->head = head;
	elem->gen = vq->gen;
	elem->out_num = 0;
	elem->in_num = 0;
	elem->out_len = 0;
	elem->in_len = 0;
	ret = chain_walk(&w, head);
	if (ret) {
		virtq_broken(vq, w.why);
		goto out;
	}
	vq->last_avail_idx++;
	ret = 1;
out:
	mutex_unlock(&vq->lock);
	if (ret < 0 && ret != -EIO)
		virtio_device__needs_reset(vq->vdev);
	return ret;
}

/* Fills used entries for @n elements and publishes them with one index store. */
void virtq__push_many(struct virtq *vq, struct virtq_elem **elems,
		      const u32 *lens, unsigned int n)
{
	struct vring_used_elem *used;
	unsigned int i, done = 0;
	u32 len;

	mutex_lock(&vq->lock);
	if (!vq->enabled)
		goto out;
	for (i = 0; i < n; i++) {
		/* Popped before a reset: the ring it came from is gone. */
		if (elems[i]->gen != vq->gen)
			continue;
		/* Never claim more written bytes than the driver gave us. */
		len = min_t(u32, lens[i], elems[i]->in_len);
		used = &vq->used->ring[(u16)(vq->used_idx + done) & (vq->size - 1)];
		WRITE_ONCE(used->id, elems[i]->head);
		WRITE_ONCE(used->len, len);
		done++;
	}
	if (!done)
		goto out;
	vq->used_idx += done;
	/* The entries must be visible before the index that publishes them. */
	virtio_wmb();
	WRITE_ONCE(vq->used->idx, vq->used_idx);
out:
	mutex_unlock(&vq->lock);
}

void virtq__push(struct virtq *vq, struct virtq_elem *elem, u32 len)
{
	virtq__push_many(vq, &elem, &len, 1);
}

/* Does the driver want an interrupt for what we pushed since the last? */
static bool virtq_need_signal(struct virtq *vq)
{
	u16 old, new, event;
	bool valid, ret;

	mutex_lock(&vq->lock);
	if (!vq->enabled) {
		ret = false;
		goto out;
	}
	/* Our used index store must be visible before we read the event. */
	virtio_mb();
	if (!vq->event_idx) {
		ret = !(READ_ONCE(vq->avail->flags) & VRING_AVAIL_F_NO_INTERRUPT);
		goto out;
	}
	old = vq->signalled_used;
	new = vq->used_idx;
	valid = vq->signalled_used_valid;
	vq->signalled_used = new;
	vq->signalled_used_valid = true;
	event = READ_ONCE(*(u16 *)&vq->avail->ring[vq->size]);
	ret = !valid || vring_need_event(event, new, old);
out:
	mutex_unlock(&vq->lock);
	return ret;
}

void virtq__interrupt(struct virtq *vq)
{
	struct virtio_device *vdev = vq->vdev;

	if (vdev->transport_ops && vdev->transport_ops->signal_vq)
		vdev->transport_ops->signal_vq(vdev, vq);
}

int virtq__bypass(struct virtq *vq, void (*route)(void *opaque, int irqfd),
		  void *opaque)
{
	struct virtio_device *vdev = vq->vdev;

	if (!vdev->transport_ops || !vdev->transport_ops->vq_bypass)
		return -EOPNOTSUPP;
	return vdev->transport_ops->vq_bypass(vdev, vq, route, opaque);
}

void virtq__unbypass(struct virtq *vq)
{
	struct virtio_device *vdev = vq->vdev;

	if (vdev->transport_ops && vdev->transport_ops->vq_unbypass)
		vdev->transport_ops->vq_unbypass(vdev, vq);
}

void virtq__signal(struct virtq *vq)
{
	if (virtq_need_signal(vq))
		virtq__interrupt(vq);
}

/* ------------------------------------------------------------------ */
/* Status, features, config */

u64 virtio_device__host_features(struct virtio_device *vdev)
{
	return vdev->host_features;
}

/*
 * Returns -EPERM once FEATURES_OK or DRIVER_OK is set: features are
 * frozen then, and what the device started with stays what it has.
 */
int virtio_device__set_guest_features(struct virtio_device *vdev, u64 features)
{
	int ret = 0;

	mutex_lock(&vdev->lock);
	if (vdev->status & (VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK))
		ret = -EPERM;
	else
		vdev->guest_features = features;
	mutex_unlock(&vdev->lock);
	return ret;
}

/*
 * Waits for the queues' workers to leave queue_notify, and keeps them out
 * (@quiesced) or lets them in again; @exiting, once set, stays set and
 * ends the dedicated threads.  The run locks are taken one at a time: a
 * worker holds only its own.
 */
static void virtio_set_run_state(struct virtio_device *vdev, bool quiesced,
				 bool exiting)
{
	unsigned int i;

	for (i = 0; i < vdev->nr_queues; i++) {
		struct virtq *vq = &vdev->vqs[i];

		mutex_lock(&vq->run_lock);
		vq->quiesced = quiesced;
		vq->exiting |= exiting;
		mutex_unlock(&vq->run_lock);
	}
}

/*
 * After a reset the driver may free or reuse every buffer it gave us, so
 * nothing may still read or write them: the workers are kept out and the
 * device's stop op ends what runs elsewhere before the queues go.  This
 * runs on the vCPU that wrote the status, which waits for requests in
 * progress (as a reset on real hardware does).
 */
static void virtio_reset(struct virtio_device *vdev)
{
	unsigned int i;

	virtio_set_run_state(vdev, true, false);
	if (vdev->ops->stop)
		vdev->ops->stop(vdev);
	for (i = 0; i < vdev->nr_queues; i++)
		virtq__disable(&vdev->vqs[i]);
	mutex_lock(&vdev->lock);
	vdev->status = 0;
	vdev->guest_features = 0;
	vdev->isr = 0;
	mutex_unlock(&vdev->lock);
	if (vdev->ops->reset)
		vdev->ops->reset(vdev);
	/* The queues are disabled: the workers wait for the driver now. */
	virtio_set_run_state(vdev, false, false);
}

/* FEATURES_OK is accepted only for a subset of what we offered. */
static bool features_ok(struct virtio_device *vdev)
{
	u64 f = vdev->guest_features;

	if (f & ~vdev->host_features)
		return false;
	if (!vdev->legacy && !(f & (1ULL << VIRTIO_F_VERSION_1)))
		return false;
	return true;
}

void virtio_device__set_status(struct virtio_device *vdev, u8 status)
{
	bool start;
	unsigned int i;

	if (!status) {
		virtio_reset(vdev);
		return;
	}

	mutex_lock(&vdev->lock);
	/* The driver reads FEATURES_OK back to see if its features were taken. */
	if ((status & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    !(vdev->status & VIRTIO_CONFIG_S_FEATURES_OK) && !features_ok(vdev))
		status &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	/* NEEDS_RESET is ours to set; only a reset clears it. */
	status &= ~VIRTIO_CONFIG_S_NEEDS_RESET;
	status |= vdev->status & VIRTIO_CONFIG_S_NEEDS_RESET;
	start = (status & VIRTIO_CONFIG_S_DRIVER_OK) &&
		!(vdev->status & VIRTIO_CONFIG_S_DRIVER_OK);
	if (start && !vdev->legacy && !(status & VIRTIO_CONFIG_S_FEATURES_OK)) {
		/*
		 * A modern driver negotiates before DRIVER_OK: nothing was
		 * agreed to, so the device does not run, and it asks for the
		 * reset that starting over takes (virtio 1.x, 2.1.2).
		 */
		status &= ~VIRTIO_CONFIG_S_DRIVER_OK;
		status |= VIRTIO_CONFIG_S_NEEDS_RESET;
		start = false;
	}
	/*
	 * What both sides agreed to: a legacy driver has no FEATURES_OK
	 * that could refuse bits never offered.
	 */
	if (start)
		vdev->guest_features &= vdev->host_features;
	vdev->status = status;
	mutex_unlock(&vdev->lock);

	if (!start)
		return;
	if (vdev->ops->start)
		vdev->ops->start(vdev);
	/* Buffers may have been made available before DRIVER_OK. */
	for (i = 0; i < vdev->nr_queues; i++)
		virtq__kick(&vdev->vqs[i]);
}

void virtio_device__config_access(struct virtio_device *vdev, u32 offset, void *data,
			  u32 len, bool is_write)
{
	bool inside = offset < vdev->config_size &&
		      len <= vdev->config_size - offset;

	if (!inside) {
		if (!is_write)
			memset(data, 0, len);
		return;
	}
	/* Config space is read-only unless the device takes writes. */
	if (is_write) {
		if (vdev->ops->config_write)
			vdev->ops->config_write(vdev, offset, data, len);
		return;
	}
	mutex_lock(&vdev->lock);
	memcpy(data, (u8 *)vdev->config + offset, len);
	mutex_unlock(&vdev->lock);
}

static void virtio_signal_config(struct virtio_device *vdev)
{
	if (!(vdev->status & VIRTIO_CONFIG_S_DRIVER_OK))
		return;
	if (vdev->transport_ops && vdev->transport_ops->signal_config)
		vdev->transport_ops->signal_config(vdev);
}

void virtio_device__config_changed(struct virtio_device *vdev)
{
	mutex_lock(&vdev->lock);
	vdev->config_generation++;
	mutex_unlock(&vdev->lock);
	virtio_signal_config(vdev);
}

void virtio_device__needs_reset(struct virtio_device *vdev)
{
	mutex_lock(&vdev->lock);
	vdev->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	mutex_unlock(&vdev->lock);
	virtio_signal_config(vdev);
}

/* ------------------------------------------------------------------ */
/* Workers */

static DEFINE_MUTEX(io_thread_lock);
static int io_epoll_fd = -1;
static int io_exit_fd = -1;		/* in the epoll set: the thread ends */
static pthread_t io_thread;

/* Every registered device, for virtio__exit(). */
static DEFINE_MUTEX(virtio_devices_lock);
static LIST_HEAD(virtio_devices);

/* Returns false once the queue's worker is to end. */
static bool virtq_run(struct virtq *vq)
{
	struct virtio_device *vdev = vq->vdev;
	bool more = true;
	u64 v;

	/* Drain the counter; the handler drains the ring. */
	if (read(vq->kick_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return true;
	mutex_lock(&vq->run_lock);
	if (vq->exiting)
		more = false;
	else if (!vq->quiesced &&
		 (READ_ONCE(vdev->status) & VIRTIO_CONFIG_S_DRIVER_OK) &&
		 READ_ONCE(vq->enabled))
		vdev->ops->queue_notify(vdev, vq);
	mutex_unlock(&vq->run_lock);
	return more;
}

static void *virtio_io_thread(void *arg)
{
	struct epoll_event events[16];
	int i, n;

	for (;;) {
		n = epoll_wait(io_epoll_fd, events, ARRAY_SIZE(events), -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die_perror("virtio: epoll_wait");
		}
		for (i = 0; i < n; i++) {
			if (!events[i].data.ptr)
				return NULL;
			virtq_run(events[i].data.ptr);
		}
	}
	return NULL;
}

static void *virtq_thread(void *arg)
{
	struct virtq *vq = arg;

	while (virtq_run(vq))
		;
	return NULL;
}

static int virtio_io_thread_start(void)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
	int ret = 0;

	mutex_lock(&io_thread_lock);
	if (io_epoll_fd >= 0)
		goto out;
	io_epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (io_epoll_fd < 0) {
		ret = -errno;
		goto out;
	}
	io_exit_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (io_exit_fd < 0 ||
	    epoll_ctl(io_epoll_fd, EPOLL_CTL_ADD, io_exit_fd, &ev) < 0) {
		ret = -errno;
		goto fail;
	}
	ret = -pthread_create(&io_thread, NULL, virtio_io_thread, NULL);
	if (ret)
		goto fail;
	pthread_setname_np(io_thread, "virtio-io");
out:
	mutex_unlock(&io_thread_lock);
	return ret;

fail:
	if (io_exit_fd >= 0)
		close(io_exit_fd);
	close(io_epoll_fd);
	io_exit_fd = -1;
	io_epoll_fd = -1;
	goto out;
}

static void virtio_io_thread_stop(void)
{
	u64 one = 1;

	mutex_lock(&io_thread_lock);
	if (io_epoll_fd < 0)
		goto out;
	if (write(io_exit_fd, &one, sizeof(one)) == sizeof(one))
		pthread_join(io_thread, NULL);
	else
		warning("virtio: cannot end the I/O thread: %s", strerror(errno));
	close(io_exit_fd);
	close(io_epoll_fd);
	io_exit_fd = -1;
	io_epoll_fd = -1;
out:
	mutex_unlock(&io_thread_lock);
}

/*
 * A device at lkvm's exit: as at a reset, no queue_notify runs once this
 * returns and the device's own users of the queues are stopped; then its
 * queue threads end.
 */
static void virtio_device__exit(struct virtio_device *vdev)
{
	unsigned int i;

	virtio_set_run_state(vdev, true, true);
	if (vdev->ops->stop)
		vdev->ops->stop(vdev);
	for (i = 0; i < vdev->nr_queues; i++) {
		struct virtq *vq = &vdev->vqs[i];

		if (!vq->thread_started)
			continue;
		virtq__kick(vq);
		pthread_join(vq->thread, NULL);
		vq->thread_started = false;
	}
}

/*
 * Before guest RAM goes away (kvm__exit()), nothing may use it: every
 * device is stopped and every core thread ended.  The devices' exits run
 * after this one and free what is theirs.
 */
void virtio__exit(void)
{
	struct virtio_device *vdev;

	mutex_lock(&virtio_devices_lock);
	list_for_each_entry(vdev, &virtio_devices, list)
		virtio_device__exit(vdev);
	mutex_unlock(&virtio_devices_lock);
	virtio_io_thread_stop();
}

static int virtio_exit(struct kvm *kvm)
{
	virtio__exit();
	return 0;
}
late_exit(virtio_exit);

static int virtq_start_worker(struct virtq *vq)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = vq };
	char name[32];
	int ret;

	if (vq->flags & VIRTIO_QUEUE_EXTERNAL)
		return 0;
	if (vq->flags & VIRTIO_QUEUE_DEDICATED) {
		/* A blocking eventfd: the thread sleeps in read(). */
		ret = -pthread_create(&vq->thread, NULL, virtq_thread, vq);
		if (ret)
			return ret;
		snprintf(name, sizeof(name), "%.8s-q%u", vq->vdev->name,
			 vq->index & 0xff);
		pthread_setname_np(vq->thread, name);
		vq->thread_started = true;
		return 0;
	}
	ret = virtio_io_thread_start();
	if (ret)
		return ret;
	if (epoll_ctl(io_epoll_fd, EPOLL_CTL_ADD, vq->kick_fd, &ev) < 0)
		return -errno;
	return 0;
}

void virtq__kick(struct virtq *vq)
{
	u64 one = 1;

	if (write(vq->kick_fd, &one, sizeof(one)) < 0)
		warning("%s: queue %u: kick: %s", vq->vdev->name, vq->index,
			strerror(errno));
}

void virtio_device__add_ioeventfds(struct kvm *kvm, struct virtio_device *vdev,
			   struct ioevent *evs, enum bus_type bus, u64 addr,
			   u32 stride, u32 len)
{
	unsigned int i;

	for (i = 0; i < vdev->nr_queues; i++) {
		evs[i] = (struct ioevent) {
			.bus = bus,
			.addr = addr + i * stride,
			.len = len,
			.fd = vdev->vqs[i].kick_fd,
		};
		if (!stride) {
			evs[i].datamatch = true;
			evs[i].data = i;
		}
		ioeventfd__add(kvm, &evs[i]);
	}
}

void virtio_device__del_ioeventfds(struct kvm *kvm, struct virtio_device *vdev,
			   struct ioevent *evs)
{
	unsigned int i;

	for (i = 0; i < vdev->nr_queues; i++)
		ioeventfd__del(kvm, &evs[i]);
}

/* ------------------------------------------------------------------ */
/* Registration */

/*
 * --virtio-transport: how every virtio device attaches (by default as
 * the architecture says: kvm-arch.h).
 */
static enum virtio_transport_type transport_type = KVM_VIRTIO_DEFAULT_TRANSPORT;

static const char * const transport_names[] = {
	[VIRTIO_TRANSPORT_PCI]		= "pci",
	[VIRTIO_TRANSPORT_PCI_LEGACY]	= "pci-legacy",
	[VIRTIO_TRANSPORT_MMIO]		= "mmio",
};

int virtio__set_transport(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(transport_names); i++) {
		if (!strcmp(name, transport_names[i])) {
			transport_type = i;
			return 0;
		}
	}
	return error("--virtio-transport: '%s' is not one of pci, pci-legacy, mmio",
		     name);
}

enum virtio_transport_type virtio__transport_type(void)
{
	return transport_type;
}

static int opt_transport(const struct option *opt, const char *arg, int unset)
{
	if (unset)
		return error("--no-virtio-transport: give pci, pci-legacy or mmio instead");
	return virtio__set_transport(arg);
}

static const struct option virtio_options[] = {
	OPT_GROUP("virtio options:"),
	OPT_CALLBACK(0, "virtio-transport", NULL, "pci|pci-legacy|mmio",
		     "how virtio devices attach (default "
		     KVM_VIRTIO_DEFAULT_TRANSPORT_NAME ")", opt_transport),
	OPT_END()
};
run_options_register(virtio_options);

int virtio_device__init_queues(struct kvm *kvm, struct virtio_device *vdev)
{
	unsigned int i;

	if (!vdev->nr_queues || vdev->nr_queues > VIRTIO_MAX_QUEUES)
		return -EINVAL;
	if (!vdev->queue_size || vdev->queue_size > VIRTIO_QUEUE_MAX_SIZE ||
	    (vdev->queue_size & (vdev->queue_size - 1)))
		return -EINVAL;

	vdev->kvm = kvm;
	vdev->irq_line = -1;
	mutex_init(&vdev->lock);
	INIT_LIST_HEAD(&vdev->list);
	vdev->host_features = vdev->features |
			      (1ULL << VIRTIO_RING_F_INDIRECT_DESC) |
			      (1ULL << VIRTIO_RING_F_EVENT_IDX) |
			      (1ULL << VIRTIO_F_VERSION_1);
	vdev->vqs = xcalloc(vdev->nr_queues, sizeof(*vdev->vqs));
	for (i = 0; i < vdev->nr_queues; i++) {
		struct virtq *vq = &vdev->vqs[i];
		int fl = EFD_CLOEXEC;

		vq->vdev = vdev;
		vq->index = i;
		vq->flags = vdev->queue_flags;
		if (i < 64 && (vdev->external_queues & (1ULL << i)))
			vq->flags |= VIRTIO_QUEUE_EXTERNAL;
		vq->max_size = vdev->queue_size;
		mutex_init(&vq->lock);
		mutex_init(&vq->run_lock);
		if (!(vq->flags & VIRTIO_QUEUE_DEDICATED) ||
		    (vq->flags & VIRTIO_QUEUE_EXTERNAL))
			fl |= EFD_NONBLOCK;
		vq->kick_fd = eventfd(0, fl);
		if (vq->kick_fd < 0)
			return -errno;
		virtq__disable(vq);
	}
	return 0;
}

int virtio_device__register(struct kvm *kvm, struct virtio_device *vdev)
{
	const struct virtio_transport *t;
	unsigned int i;
	int ret;

	ret = virtio_device__init_queues(kvm, vdev);
	if (ret)
		return error("%s: bad queue setup", vdev->name);

	vdev->transport = virtio__transport_type();
	t = transports[vdev->transport];
	if (!t)
		return error("%s: virtio transport not built in", vdev->name);
	ret = t->init(kvm, vdev);
	if (ret)
		return ret;

	mutex_lock(&virtio_devices_lock);
	list_add_tail(&vdev->list, &virtio_devices);
	mutex_unlock(&virtio_devices_lock);
	for (i = 0; i < vdev->nr_queues; i++) {
		ret = virtq_start_worker(&vdev->vqs[i]);
		if (ret)
			return error("%s: queue %u worker: %s", vdev->name, i,
				     strerror(-ret));
	}
	return 0;
}
