// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-balloon (--balloon): the host sets a target (num_pages), the
 * guest driver gives that many 4 KiB pages back on the inflate queue and
 * takes them again on the deflate queue, and reports its memory
 * statistics on the stats queue.  The control plane's side is in
 * include/kvm/virtio-balloon.h.
 *
 * Inflated pages are dropped from the host before the request is acked:
 * MADV_DONTNEED on the private anonymous mapping of guest RAM frees them
 * at once, and the guest reads zeroes when it touches them again, KVM's
 * MMU notifiers seeing to its page tables.  With --hugetlbfs guest RAM
 * is a shared file mapping, where MADV_DONTNEED would only unmap the
 * pages: MADV_REMOVE punches them out of the file instead (hugetlbfs
 * zeroes the parts of a huge page and frees only whole huge pages).
 * PFNs that are not inside a guest RAM bank are counted and ignored, so
 * the guest can never make lkvm touch anything but its own RAM.
 *
 * Deflating needs nothing from the host, as a dropped page faults back
 * in on use, so VIRTIO_BALLOON_F_MUST_TELL_HOST is not offered: it would
 * make the guest wait for acks that protect nothing here.  The spec lets
 * a device change ballooned pages only before it acks the inflate
 * request without that feature, which is when the discard happens.
 *
 * The queues have threads of their own: a large inflate request means
 * many madvise() calls, which should not hold up the other devices'
 * queues on the shared virtio thread.
 *
 * kvmconfig: CONFIG_VIRTIO_BALLOON=y
 */
#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <linux/virtio_balloon.h>
#include <linux/virtio_ids.h>

#include <linux/kernel.h>
#include <subcmd/parse-options.h>

#include "kvm/control.h"
#include "kvm/init.h"
#include "kvm/kvm.h"
#include "kvm/run-options.h"
#include "kvm/virtio.h"
#include "kvm/virtio-balloon.h"
#include "kvm/log.h"
#include "kvm/util.h"

#define BALLOON_QUEUE_SIZE	128
#define BALLOON_INFLATE		0
#define BALLOON_DEFLATE		1
#define BALLOON_STATS		2
#define BALLOON_NR_QUEUES	3
#define BALLOON_PAGE_SIZE	(1UL << VIRTIO_BALLOON_PFN_SHIFT)
/* PFNs copied out of a request at a time. */
#define BALLOON_PFN_BATCH	256
/* Stats entries read from one buffer; the rest of a longer one is ignored. */
#define BALLOON_MAX_STATS	64

struct balloon_dev {
	struct virtio_device vdev;
	/* num_pages and actual; under vdev.lock like all config space. */
	struct virtio_balloon_config config;
	u32 actual;			/* the last value the driver wrote whole */
	u64 ram_pages;
	uintptr_t host_page_size;
	int discard_advice;		/* MADV_DONTNEED or MADV_REMOVE */
	bool discard_warned;		/* inflate worker only */
	struct virtq_elem *elem[2];	/* the inflate and deflate workers' */

	/*
	 * Held while a worker handles an inflate or deflate request: a
	 * reset waits for it, so that no page an old driver gave is
	 * dropped after the driver has reset the device.
	 */
	struct mutex req_lock;

	struct mutex lock;		/* everything below */
	u64 inflated;
	u64 deflated;
	u64 bad_pfns;
	struct virtq_elem *stats_elem;	/* the guest's buffer, when held */
	struct virtq_elem *stats_next;	/* where the next one is popped */
	bool stats_held;
	bool stats_requested;		/* given back, no new one yet */
	bool stats_first;		/* no buffer since the reset */
	struct virtio_balloon_memstats stats;
};

static bool balloon_enabled;		/* --balloon */
static struct balloon_dev *balloon;

static const struct option balloon_options[] = {
	OPT_GROUP("virtio-balloon options:"),
	OPT_BOOLEAN(0, "balloon", &balloon_enabled,
		    "a virtio-balloon device (guest memory back to the host)"),
	OPT_END()
};
run_options_register(balloon_options);

void virtio_balloon__set_enabled(bool enabled)
{
	balloon_enabled = enabled;
}

static struct balloon_dev *balloon_of(struct kvm *kvm)
{
	if (!balloon || !kvm || balloon->vdev.kvm != kvm)
		return NULL;
	return balloon;
}

/* ------------------------------------------------------------------ */
/* Inflate and deflate */

/* Gives the host pages inside [start, start + len) back. */
static void balloon_discard(struct balloon_dev *b, u8 *start, size_t len)
{
	uintptr_t mask = b->host_page_size - 1;
	uintptr_t s = ((uintptr_t)start + mask) & ~mask;
	uintptr_t e = ((uintptr_t)start + len) & ~mask;

	if (s >= e)
		return;
	if (!madvise((void *)s, e - s, b->discard_advice) || b->discard_warned)
		return;
	b->discard_warned = true;
	warning("virtio-balloon: madvise(%s): %s: ballooned memory stays in use",
		b->discard_advice == MADV_REMOVE ? "MADV_REMOVE" : "MADV_DONTNEED",
		strerror(errno));
}

/*
 * The PFNs of one request, checked one by one; the host pages of
 * consecutive ones are dropped with one call.
 */
struct pfn_walk {
	struct balloon_dev *b;
	bool inflate;
	u8 *run;
	size_t run_len;
	u64 good;
	u64 bad;
};

static void pfn_walk_flush(struct pfn_walk *w)
{
	if (w->inflate && w->run_len)
		balloon_discard(w->b, w->run, w->run_len);
	w->run_len = 0;
}

static void pfn_walk_add(struct pfn_walk *w, u32 pfn)
{
	u64 addr = (u64)pfn << VIRTIO_BALLOON_PFN_SHIFT;
	u8 *host = guest_range_to_host(w->b->vdev.kvm, addr, BALLOON_PAGE_SIZE);

	if (!host) {
		w->bad++;
		return;
	}
	w->good++;
	if (w->run_len && host == w->run + w->run_len) {
		w->run_len += BALLOON_PAGE_SIZE;
		return;
	}
	pfn_walk_flush(w);
	w->run = host;
	w->run_len = BALLOON_PAGE_SIZE;
}

/* An array of le32 PFNs; a partial one at the end is ignored. */
static void pfn_walk_elem(struct pfn_walk *w, struct virtq_elem *elem)
{
	__le32 pfns[BALLOON_PFN_BATCH];
	struct iov_cursor c;
	size_t n, i;

	iov_cursor__init(&c, elem->iov, elem->out_num, SIZE_MAX);
	for (;;) {
		n = iov_cursor__copy(&c, pfns, sizeof(pfns), false) /
		    sizeof(pfns[0]);
		if (!n)
			break;
		for (i = 0; i < n; i++)
			pfn_walk_add(w, le32toh(pfns[i]));
	}
	pfn_walk_flush(w);
}

static void balloon_pfn_notify(struct balloon_dev *b, struct virtq *vq)
{
	struct virtq_elem *elem = b->elem[vq->index];
	struct pfn_walk w;

	for (;;) {
		mutex_lock(&b->req_lock);
		if (virtq__pop(vq, elem) <= 0) {
			mutex_unlock(&b->req_lock);
			break;
		}
		w = (struct pfn_walk) {
			.b = b,
			.inflate = vq->index == BALLOON_INFLATE,
		};
		pfn_walk_elem(&w, elem);

		mutex_lock(&b->lock);
		if (w.inflate)
			b->inflated += w.good;
		else
			b->deflated += w.good;
		b->bad_pfns += w.bad;
		mutex_unlock(&b->lock);

		virtq__push(vq, elem, 0);
		mutex_unlock(&b->req_lock);
	}
	virtq__signal(vq);
}

/* ------------------------------------------------------------------ */
/* Statistics */

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * Takes the statistics out of the buffer in @elem: whole entries of its
 * readable part, at most BALLOON_MAX_STATS of them, each copied out of
 * guest memory before it is looked at.  Called with b->lock held.
 */
static void balloon_parse_stats(struct balloon_dev *b, struct virtq_elem *elem)
{
	struct virtio_balloon_stat raw[BALLOON_MAX_STATS];
	struct virtio_balloon_memstats *st = &b->stats;
	size_t n, i;
	u16 tag;

	n = iov_to_buf(elem->iov, elem->out_num, 0, raw, sizeof(raw)) /
	    sizeof(raw[0]);
	memset(st->present, 0, sizeof(st->present));
	memset(st->val, 0, sizeof(st->val));
	for (i = 0; i < n; i++) {
		tag = le16toh(raw[i].tag);
		if (tag >= VIRTIO_BALLOON_NR_STATS)
			continue;
		st->present[tag] = true;
		st->val[tag] = le64toh(raw[i].val);
	}
	st->generation++;
	st->timestamp_ns = now_ns();
}

/* Is the driver up (*@driver_ok) and using the stats queue? */
static bool balloon_stats_on(struct balloon_dev *b, bool *driver_ok)
{
	struct virtio_device *vdev = &b->vdev;
	bool ok, on;

	mutex_lock(&vdev->lock);
	ok = vdev->status & VIRTIO_CONFIG_S_DRIVER_OK;
	on = ok && (vdev->guest_features & (1ULL << VIRTIO_BALLOON_F_STATS_VQ));
	mutex_unlock(&vdev->lock);
	if (driver_ok)
		*driver_ok = ok;
	return on;
}

/*
 * The driver keeps one buffer on the queue, which we hold until we want
 * fresh statistics.  A second one breaks that rule: the older buffer
 * goes back, so that no descriptor is lost.
 */
static void balloon_stats_notify(struct balloon_dev *b, struct virtq *vq)
{
	bool legacy = READ_ONCE(b->vdev.legacy);
	bool give_back = false;
	struct virtq_elem *tmp;

	if (!balloon_stats_on(b, NULL))
		return;
	mutex_lock(&b->lock);
	while (virtq__pop(vq, b->stats_next) > 0) {
		if (b->stats_held) {
			virtq__push(vq, b->stats_elem, 0);
			give_back = true;
		}
		tmp = b->stats_elem;
		b->stats_elem = b->stats_next;
		b->stats_next = tmp;
		b->stats_held = true;
		b->stats_requested = false;
		/* Legacy drivers may leave their first buffer uninitialised. */
		if (!legacy || !b->stats_first)
			balloon_parse_stats(b, b->stats_elem);
		b->stats_first = false;
	}
	mutex_unlock(&b->lock);
	if (give_back)
		virtq__signal(vq);
}

/* ------------------------------------------------------------------ */
/* The device */

static void balloon_queue_notify(struct virtio_device *vdev, struct virtq *vq)
{
	struct balloon_dev *b = vdev->priv;

	if (vq->index == BALLOON_STATS)
		balloon_stats_notify(b, vq);
	else
		balloon_pfn_notify(b, vq);
}

/*
 * Only actual is the driver's to write.  A legacy driver writes it a
 * byte at a time, so it counts once its last byte is written.
 */
static void balloon_config_write(struct virtio_device *vdev, u32 offset,
				 const void *data, u32 len)
{
	struct balloon_dev *b = vdev->priv;
	const u32 start = offsetof(struct virtio_balloon_config, actual);
	const u32 end = start + sizeof(b->config.actual);
	const u8 *src = data;
	u8 *cfg = (u8 *)&b->config;
	u32 i;

	mutex_lock(&vdev->lock);
	for (i = 0; i < len; i++) {
		if (offset + i >= start && offset + i < end)
			cfg[offset + i] = src[i];
	}
	if (offset < end && offset + len >= end)
		b->actual = le32toh(b->config.actual);
	mutex_unlock(&vdev->lock);
}

/* The driver is gone: its buffer, its pages and its counts with it. */
static void balloon_reset(struct virtio_device *vdev)
{
	struct balloon_dev *b = vdev->priv;
	struct virtio_balloon_memstats *st = &b->stats;

	mutex_lock(&b->req_lock);
	mutex_lock(&b->lock);
	b->inflated = 0;
	b->deflated = 0;
	b->bad_pfns = 0;
	b->stats_held = false;
	b->stats_requested = false;
	b->stats_first = true;
	memset(st->present, 0, sizeof(st->present));
	memset(st->val, 0, sizeof(st->val));
	st->timestamp_ns = 0;
	mutex_unlock(&b->lock);
	mutex_unlock(&b->req_lock);

	mutex_lock(&vdev->lock);
	b->config.actual = 0;
	b->actual = 0;
	mutex_unlock(&vdev->lock);
}

static const struct virtio_device_ops balloon_ops = {
	.queue_notify = balloon_queue_notify,
	.config_write = balloon_config_write,
	.reset = balloon_reset,
};

int virtio_balloon__init(struct kvm *kvm)
{
	struct balloon_dev *b;
	int ret;

	if (!balloon_enabled)
		return 0;
	b = xzalloc(sizeof(*b));
	mutex_init(&b->req_lock);
	mutex_init(&b->lock);
	b->ram_pages = min_t(u64, kvm->ram_size >> VIRTIO_BALLOON_PFN_SHIFT,
			     UINT32_MAX);
	b->host_page_size = sysconf(_SC_PAGESIZE);
	b->discard_advice = kvm->ram_fd >= 0 ? MADV_REMOVE : MADV_DONTNEED;
	b->elem[BALLOON_INFLATE] = virtq_elem__alloc();
	b->elem[BALLOON_DEFLATE] = virtq_elem__alloc();
	b->stats_elem = virtq_elem__alloc();
	b->stats_next = virtq_elem__alloc();
	b->stats_first = true;
	b->vdev = (struct virtio_device) {
		.name = "virtio-balloon",
		.device_id = VIRTIO_ID_BALLOON,
		.features = (1ULL << VIRTIO_BALLOON_F_STATS_VQ) |
			    (1ULL << VIRTIO_BALLOON_F_DEFLATE_ON_OOM),
		.config = &b->config,
		/* num_pages and actual: no free page hints, no poison. */
		.config_size = offsetof(struct virtio_balloon_config,
					free_page_hint_cmd_id),
		.nr_queues = BALLOON_NR_QUEUES,
		.queue_size = BALLOON_QUEUE_SIZE,
		.queue_flags = VIRTIO_QUEUE_DEDICATED,
		.ops = &balloon_ops,
		.priv = b,
	};
	ret = virtio_device__register(kvm, &b->vdev);
	if (ret)
		return ret;
	balloon = b;
	if (kvm->ram_fd >= 0)
		pr_debug("virtio-balloon: guest RAM on hugetlbfs: only whole huge pages go back to the host");
	return 0;
}
virtio_dev_init(virtio_balloon__init);

/* ------------------------------------------------------------------ */
/* The control plane's API */

int virtio_balloon__set_target(struct kvm *kvm, u64 pages)
{
	struct balloon_dev *b = balloon_of(kvm);

	if (!b)
		return -ENODEV;
	if (pages > b->ram_pages)
		return -ERANGE;
	mutex_lock(&b->vdev.lock);
	b->config.num_pages = htole32((u32)pages);
	mutex_unlock(&b->vdev.lock);
	virtio_device__config_changed(&b->vdev);
	return 0;
}

int virtio_balloon__get(struct kvm *kvm, struct virtio_balloon_info *info)
{
	struct balloon_dev *b = balloon_of(kvm);

	if (!b)
		return -ENODEV;
	memset(info, 0, sizeof(*info));
	info->ram_pages = b->ram_pages;

	mutex_lock(&b->vdev.lock);
	info->target_pages = le32toh(b->config.num_pages);
	info->actual_pages = b->actual;
	info->driver_ok = b->vdev.status & VIRTIO_CONFIG_S_DRIVER_OK;
	info->stats_vq = info->driver_ok &&
			 (b->vdev.guest_features & (1ULL << VIRTIO_BALLOON_F_STATS_VQ));
	mutex_unlock(&b->vdev.lock);

	mutex_lock(&b->lock);
	info->inflated_pages = b->inflated;
	info->deflated_pages = b->deflated;
	info->bad_pfns = b->bad_pfns;
	mutex_unlock(&b->lock);
	return 0;
}

int virtio_balloon__request_stats(struct kvm *kvm)
{
	struct balloon_dev *b = balloon_of(kvm);
	struct virtq *vq;
	bool driver_ok, pushed = false;
	int ret = -EAGAIN;

	if (!b)
		return -ENODEV;
	if (!balloon_stats_on(b, &driver_ok))
		return driver_ok ? -EOPNOTSUPP : -EAGAIN;
	vq = &b->vdev.vqs[BALLOON_STATS];

	mutex_lock(&b->lock);
	if (b->stats_held) {
		virtq__push(vq, b->stats_elem, 0);
		b->stats_held = false;
		b->stats_requested = true;
		pushed = true;
	}
	if (b->stats_requested)
		ret = 0;
	mutex_unlock(&b->lock);
	if (pushed)
		virtq__signal(vq);
	return ret;
}

int virtio_balloon__get_stats(struct kvm *kvm,
			      struct virtio_balloon_memstats *st)
{
	struct balloon_dev *b = balloon_of(kvm);

	if (!b)
		return -ENODEV;
	mutex_lock(&b->lock);
	*st = b->stats;
	mutex_unlock(&b->lock);
	return 0;
}

/*
 * The control plane (control-proto.h): lkvm balloon moves the target,
 * lkvm stat reads the statistics.  The requests come from our own user
 * (or root), but are still checked like anything from a socket.
 */
static int ctl_balloon(struct kvm *kvm, const void *req, u32 req_len,
		       void *reply, u32 *reply_len)
{
	struct lkvm_ctl_balloon_info *out = reply;
	struct lkvm_ctl_balloon r = { 0 };
	struct virtio_balloon_info info;
	s64 target;
	int ret;

	memcpy(&r, req, min_t(u32, req_len, sizeof(r)));
	ret = virtio_balloon__get(kvm, &info);
	if (ret)
		return ret;
	if (r.delta_pages > (s64)info.ram_pages ||
	    r.delta_pages < -(s64)info.ram_pages)
		return -ERANGE;
	target = (s64)info.target_pages + r.delta_pages;
	if (target < 0)
		target = 0;
	if (r.delta_pages) {
		ret = virtio_balloon__set_target(kvm, target);
		if (ret)
			return ret;
		virtio_balloon__get(kvm, &info);
	}
	out->target_pages = info.target_pages;
	out->actual_pages = info.actual_pages;
	*reply_len = sizeof(*out);
	return 0;
}

static int ctl_memstat(struct kvm *kvm, const void *req, u32 req_len,
		       void *reply, u32 *reply_len)
{
	struct lkvm_ctl_memstat_req r = { 0 };
	struct lkvm_ctl_memstat *out = reply;
	struct virtio_balloon_memstats st;
	struct timespec now;
	unsigned int tag;
	int ret;

	BUILD_BUG_ON(VIRTIO_BALLOON_NR_STATS > ARRAY_SIZE(out->val));
	memcpy(&r, req, min_t(u32, req_len, sizeof(r)));
	if (r.refresh) {
		ret = virtio_balloon__request_stats(kvm);
		if (ret)
			return ret;
	}
	ret = virtio_balloon__get_stats(kvm, &st);
	if (ret)
		return ret;

	memset(out, 0, sizeof(*out));
	out->generation = st.generation;
	for (tag = 0; tag < VIRTIO_BALLOON_NR_STATS; tag++) {
		if (!st.present[tag])
			continue;
		out->present |= 1ULL << tag;
		out->val[tag] = st.val[tag];
	}
	if (st.timestamp_ns) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		out->age_ms = ((u64)now.tv_sec * 1000000000ULL + now.tv_nsec -
			       st.timestamp_ns) / 1000000;
	}
	*reply_len = sizeof(*out);
	return 0;
}

static struct control_handler balloon_ctl = {
	.type = LKVM_CTL_BALLOON,
	.handle = ctl_balloon,
};
control_handler_register(balloon_ctl);

static struct control_handler memstat_ctl = {
	.type = LKVM_CTL_MEMSTAT,
	.handle = ctl_memstat,
};
control_handler_register(memstat_ctl);
