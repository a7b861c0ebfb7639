// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-console (--console virtio): the guest's hvc0 on the host
 * terminal, with the terminal handling of term.c (buffered output, input
 * thread, Ctrl-A x).
 *
 * Input is pulled from the terminal only when the guest has given us a
 * receive buffer, so keys wait in the terminal (which then stops reading
 * stdin) rather than being dropped.
 *
 * kvmconfig: CONFIG_VIRTIO_CONSOLE=y
 */
#include <string.h>
#include <linux/virtio_console.h>
#include <linux/virtio_ids.h>

#include "kvm/init.h"
#include "kvm/kvm.h"
#include "kvm/term.h"
#include "kvm/virtio.h"
#include "kvm/util.h"

#define CONSOLE_QUEUE_SIZE	128
#define CONSOLE_RX		0
#define CONSOLE_TX		1

struct console_dev {
	struct virtio_device vdev;
	struct virtio_console_config config;
	struct mutex rx_lock;		/* rx_elem, rx_held */
	struct virtq_elem *rx_elem;
	bool rx_held;			/* rx_elem is a popped, unfilled buffer */
	struct virtq_elem *tx_elem;
};

static struct console_dev console;

/* Moves terminal input into receive buffers while both are there. */
static void console_pull_input(struct console_dev *cdev)
{
	struct virtq *vq = &cdev->vdev.vqs[CONSOLE_RX];
	struct virtq_elem *elem = cdev->rx_elem;
	bool pushed = false;

	mutex_lock(&cdev->rx_lock);
	while (term_readable()) {
		struct iovec *iov;
		u32 len = 0;
		int i, c;

		if (!cdev->rx_held) {
			if (virtq__pop(vq, elem) <= 0)
				break;
			cdev->rx_held = true;
		}
		iov = elem->iov + elem->out_num;
		for (i = 0; i < elem->in_num; i++) {
			size_t off;

			for (off = 0; off < iov[i].iov_len; off++) {
				c = term_getc();
				if (c < 0)
					goto full;
				((u8 *)iov[i].iov_base)[off] = c;
				len++;
			}
		}
full:
		/*
		 * Kept for the next input when none came after all; but a
		 * buffer with no room at all can never take any: given back
		 * empty, or it would stop every buffer after it for good.
		 */
		if (!len && elem->in_len)
			break;
		virtq__push(vq, elem, len);
		cdev->rx_held = false;
		pushed = true;
	}
	mutex_unlock(&cdev->rx_lock);
	if (pushed)
		virtq__signal(vq);
}

static void console_input_notify(void *priv)
{
	struct console_dev *cdev = priv;

	if (READ_ONCE(cdev->vdev.status) & VIRTIO_CONFIG_S_DRIVER_OK)
		console_pull_input(cdev);
}

static void console_tx(struct console_dev *cdev, struct virtq *vq)
{
	struct virtq_elem *elem = cdev->tx_elem;
	int i;

	while (virtq__pop(vq, elem) > 0) {
		for (i = 0; i < elem->out_num; i++)
			term_write(elem->iov[i].iov_base, elem->iov[i].iov_len);
		virtq__push(vq, elem, 0);
	}
	virtq__signal(vq);
}

static void console_queue_notify(struct virtio_device *vdev,
				 struct virtq *vq)
{
	struct console_dev *cdev = vdev->priv;

	if (vq->index == CONSOLE_TX)
		console_tx(cdev, vq);
	else
		console_pull_input(cdev);
}

/* A buffer popped before the reset belongs to rings that are gone. */
static void console_reset(struct virtio_device *vdev)
{
	struct console_dev *cdev = vdev->priv;

	mutex_lock(&cdev->rx_lock);
	cdev->rx_held = false;
	mutex_unlock(&cdev->rx_lock);
}

static const struct virtio_device_ops console_ops = {
	.queue_notify = console_queue_notify,
	.reset = console_reset,
};

static bool virtio_console_wanted(struct kvm *kvm)
{
	return kvm->cfg.console && !strcmp(kvm->cfg.console, "virtio");
}

static int virtio_console__init(struct kvm *kvm)
{
	struct console_dev *cdev = &console;
	int ret;

	if (!virtio_console_wanted(kvm))
		return 0;
	mutex_init(&cdev->rx_lock);
	cdev->rx_elem = virtq_elem__alloc();
	cdev->tx_elem = virtq_elem__alloc();
	cdev->config.cols = 80;
	cdev->config.rows = 24;
	cdev->config.max_nr_ports = 1;
	cdev->vdev = (struct virtio_device) {
		.name = "virtio-console",
		.device_id = VIRTIO_ID_CONSOLE,
		.config = &cdev->config,
		.config_size = sizeof(cdev->config),
		.nr_queues = 2,
		.queue_size = CONSOLE_QUEUE_SIZE,
		.ops = &console_ops,
		.priv = cdev,
	};
	ret = virtio_device__register(kvm, &cdev->vdev);
	if (ret)
		return ret;
	term_set_input_handler(console_input_notify, cdev);
	return 0;
}
virtio_dev_init(virtio_console__init);

static int virtio_console__exit(struct kvm *kvm)
{
	if (virtio_console_wanted(kvm))
		term_set_input_handler(NULL, NULL);
	return 0;
}
virtio_dev_exit(virtio_console__exit);
