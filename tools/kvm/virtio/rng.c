// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-rng (--rng): the guest's /dev/hwrng, filled from the host's
 * getrandom().
 *
 * kvmconfig: CONFIG_HW_RANDOM=y CONFIG_HW_RANDOM_VIRTIO=y
 */
#include <errno.h>
#include <sys/random.h>
#include <linux/virtio_ids.h>

#include <subcmd/parse-options.h>

#include "kvm/init.h"
#include "kvm/kvm.h"
#include "kvm/run-options.h"
#include "kvm/virtio.h"
#include "kvm/util.h"

#define RNG_QUEUE_SIZE	64

struct rng_dev {
	struct virtio_device vdev;
	struct virtq_elem *elem;
};

static bool rng_enabled;		/* --rng */

static const struct option rng_options[] = {
	OPT_GROUP("virtio-rng options:"),
	OPT_BOOLEAN(0, "rng", &rng_enabled, "a virtio-rng device"),
	OPT_END()
};
run_options_register(rng_options);

/* Fills the writable segments; returns the bytes written. */
static u32 rng_fill(struct virtq_elem *elem)
{
	struct iovec *iov = elem->iov + elem->out_num;
	u32 done = 0;
	ssize_t n;
	size_t off;
	int i;

	for (i = 0; i < elem->in_num; i++) {
		for (off = 0; off < iov[i].iov_len; off += n) {
			n = getrandom((char *)iov[i].iov_base + off,
				      iov[i].iov_len - off, 0);
			if (n < 0 && errno == EINTR)
				n = 0;
			else if (n <= 0)
				return done;
			done += n;
		}
	}
	return done;
}

static void rng_queue_notify(struct virtio_device *vdev, struct virtq *vq)
{
	struct rng_dev *rdev = vdev->priv;

	while (virtq__pop(vq, rdev->elem) > 0)
		virtq__push(vq, rdev->elem, rng_fill(rdev->elem));
	virtq__signal(vq);
}

static const struct virtio_device_ops rng_ops = {
	.queue_notify = rng_queue_notify,
};

static int virtio_rng__init(struct kvm *kvm)
{
	struct rng_dev *rdev;

	if (!rng_enabled)
		return 0;
	rdev = xzalloc(sizeof(*rdev));
	rdev->elem = virtq_elem__alloc();
	rdev->vdev = (struct virtio_device) {
		.name = "virtio-rng",
		.device_id = VIRTIO_ID_RNG,
		.nr_queues = 1,
		.queue_size = RNG_QUEUE_SIZE,
		.ops = &rng_ops,
		.priv = rdev,
	};
	return virtio_device__register(kvm, &rdev->vdev);
}
virtio_dev_init(virtio_rng__init);
