/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__VIRTIO_H
#define KVM__VIRTIO_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/uio.h>
#include <linux/types.h>
#include <linux/list.h>
#include <lockdep/mutex.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include "kvm/iovec.h"

struct kvm;
struct virtio_device;

/*
 * The virtio device model.
 *
 * Names follow lkvm's subsystem__verb: virtio_device__*() act on a device,
 * virtq__*() on one of its queues (struct virtq), virtq_elem__alloc() on
 * a request taken from one, virtio__*() and virtio_transport__*() on the
 * machine's choice of transport.
 *
 * A device (blk, console, rng, 9p...) embeds a struct virtio_device, fills
 * in its ids, features, config space, number of queues and ops, then calls
 * virtio_device__register().  The transport chosen with
 * --virtio-transport (modern PCI, transitional PCI or virtio-mmio) is
 * attached by the core; devices never see it.
 *
 * Queue processing.  When the driver kicks a queue (through a KVM
 * ioeventfd, so without any exit to lkvm), the core calls
 * ops->queue_notify() from a worker: the shared virtio I/O thread, or a
 * thread of the queue's own when the device set VIRTIO_QUEUE_DEDICATED
 * (for handlers that block, e.g. disk I/O).  The handler drains the queue:
 *
 *	struct virtq_elem *elem = virtq_elem__alloc();
 *
 *	while (virtq__pop(vq, elem) > 0) {
 *		len = handle(elem->iov, elem->out_num,		// readable
 *			     elem->iov + elem->out_num, elem->in_num);	// writable
 *		virtq__push(vq, elem, len);
 *	}
 *	virtq__signal(vq);
 *
 * virtq__pop() hands out only validated chains: every segment lies inside
 * guest RAM and is mapped to host memory, device-readable segments come
 * first, the chain has no loop and is no longer than the queue, indirect
 * tables are well-formed.  A chain that breaks the rules is never handed
 * out: the queue is marked broken, the device status gets
 * VIRTIO_CONFIG_S_NEEDS_RESET and the driver is told through a config
 * interrupt.  virtq__pop() returns 0 once the queue is empty, having
 * re-armed the driver's notifications (VIRTIO_RING_F_EVENT_IDX) so that no
 * kick is lost.
 *
 * Pop and push may be called from any thread (each takes the queue's
 * lock); an element popped before a device reset is silently dropped by
 * virtq__push(), so a handler racing with a reset never writes into rings
 * the driver has taken back.
 */

/* The largest queue a device offers (and the longest chain it accepts). */
#define VIRTIO_QUEUE_MAX_SIZE		256
/* The most queues one device may have (blk: one per vCPU). */
#define VIRTIO_MAX_QUEUES		64
/* MSI-X vector number meaning "no interrupt" (VIRTIO_MSI_NO_VECTOR). */
#define VIRTIO_NO_VECTOR		0xffff

/* One request: a validated descriptor chain mapped to host memory. */
struct virtq_elem {
	u16 head;		/* descriptor index to hand back in the used ring */
	u32 gen;		/* queue generation it was popped in */
	u16 out_num;		/* device-readable segments: iov[0, out_num) */
	u16 in_num;		/* device-writable: iov[out_num, out_num + in_num) */
	size_t out_len;		/* bytes in the readable segments */
	size_t in_len;		/* bytes in the writable segments */
	struct iovec iov[VIRTIO_QUEUE_MAX_SIZE];
};

/* vq->flags, set by the device before registering. */
#define VIRTIO_QUEUE_DEDICATED		(1U << 0)	/* own worker thread */
/*
 * No worker: the device waits on vq->kick_fd (non-blocking) itself, or
 * hands it to the kernel (vhost).  Set through vdev->external_queues.
 */
#define VIRTIO_QUEUE_EXTERNAL		(1U << 1)

struct virtq {
	struct virtio_device *vdev;
	u16 index;
	unsigned int flags;
	u16 max_size;		/* offered by the device */

	/* Written by the driver through the transport. */
	u16 size;
	u64 desc_addr;
	u64 avail_addr;
	u64 used_addr;
	u16 msix_vector;
	u16 bypass_vector;	/* the transport's, for virtq__unbypass() */
	bool enabled;		/* rings validated and in use */
	bool broken;		/* driver gave a malformed chain */

	/* Host mappings of the rings, valid while enabled. */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;

	u16 last_avail_idx;	/* next avail entry to pop */
	u16 used_idx;		/* next used entry to fill */
	u16 signalled_used;	/* used_idx at the last interrupt */
	bool signalled_used_valid;
	bool event_idx;		/* VIRTIO_RING_F_EVENT_IDX negotiated */
	u32 gen;		/* bumped at each reset */

	struct mutex lock;	/* ring state above */
	int kick_fd;		/* eventfd: the driver's notifications */

	/* Worker state (core.c). */
	pthread_t thread;
	bool thread_started;
	struct mutex run_lock;	/* held while the device drains the queue */
	bool quiesced;		/* reset or exit: the worker leaves it alone */
	bool exiting;		/* lkvm exits: the worker ends */
};

struct virtio_device_ops {
	/*
	 * The driver kicked @vq (or the device is asked to look at it):
	 * drain it.  Runs on a worker thread, never on a vCPU.
	 */
	void (*queue_notify)(struct virtio_device *vdev, struct virtq *vq);
	/* The driver set DRIVER_OK: queues are set up.  Optional. */
	void (*start)(struct virtio_device *vdev);
	/*
	 * Device reset by the driver, before the core takes the queues
	 * back.  queue_notify has returned and is not called again until
	 * the driver sets the device up anew; stop every other use of the
	 * queues and of guest buffers (requests still running on threads
	 * of the device's own, a datapath in the kernel, threads on
	 * external queues) and return when none is left.  Optional.
	 */
	void (*stop)(struct virtio_device *vdev);
	/* Device reset by the driver: forget per-driver state.  Optional. */
	void (*reset)(struct virtio_device *vdev);
	/*
	 * The driver writes @len bytes at @offset of the config space (range
	 * already checked).  Without this op config space is read-only.
	 * Called with no lock held; take vdev->lock to change vdev->config.
	 */
	void (*config_write)(struct virtio_device *vdev, u32 offset,
			     const void *data, u32 len);
};

enum virtio_transport_type {
	VIRTIO_TRANSPORT_PCI,		/* modern (virtio 1.x) PCI */
	VIRTIO_TRANSPORT_PCI_LEGACY,	/* transitional: legacy I/O BAR + modern */
	VIRTIO_TRANSPORT_MMIO,		/* virtio-mmio version 2 */
};

/* What a transport provides to the core. */
struct virtio_transport_ops {
	/* Interrupt the driver for @vq's used ring / for a config change. */
	void (*signal_vq)(struct virtio_device *vdev, struct virtq *vq);
	void (*signal_config)(struct virtio_device *vdev);
	/*
	 * Optional: hands a datapath in the kernel an eventfd that
	 * interrupts the driver for @vq without lkvm (pci_msix__bypass()).
	 */
	int (*vq_bypass)(struct virtio_device *vdev, struct virtq *vq,
			 void (*route)(void *opaque, int irqfd), void *opaque);
	void (*vq_unbypass)(struct virtio_device *vdev, struct virtq *vq);
};

struct virtio_device {
	/* Filled in by the device. */
	const char *name;		/* for messages: "virtio-blk0" */
	u32 device_id;			/* VIRTIO_ID_* */
	u64 features;			/* device-specific feature bits offered */
	void *config;			/* device config space (little-endian) */
	u32 config_size;
	u16 nr_queues;
	u16 queue_size;			/* offered size of every queue */
	unsigned int queue_flags;	/* VIRTIO_QUEUE_* for every queue */
	u64 external_queues;		/* bit i: queue i is VIRTIO_QUEUE_EXTERNAL */
	const struct virtio_device_ops *ops;
	void *priv;

	/* Core state. */
	struct kvm *kvm;
	u64 host_features;		/* features | transport/ring bits */
	u64 guest_features;		/* what the driver acked */
	u8 status;			/* VIRTIO_CONFIG_S_* */
	u8 config_generation;
	bool legacy;			/* driven through the legacy interface */
	struct mutex lock;		/* status, features, config */
	struct virtq *vqs;		/* nr_queues of them */
	struct list_head list;

	/* The transport. */
	enum virtio_transport_type transport;
	const struct virtio_transport_ops *transport_ops;
	void *transport_priv;
	int irq_line;			/* legacy line (INTx / mmio), or -1 */
	u8 isr;				/* bit 0: vring, bit 1: config */
};

/* Registration: on the transport --virtio-transport chose (default pci). */
int virtio_device__register(struct kvm *kvm, struct virtio_device *vdev);
/*
 * Stops every device registered and ends the core's threads: nothing
 * touches guest RAM after it.  A late exit (init.h) calls it.
 */
void virtio__exit(void);
enum virtio_transport_type virtio__transport_type(void);
/*
 * What --virtio-transport sets: "pci", "pci-legacy" or "mmio"; 0, or -1
 * with an error for any other name.  For devices registered from then on.
 */
int virtio__set_transport(const char *name);

/* Queue processing, for device handlers. */
struct virtq_elem *virtq_elem__alloc(void);
int virtq__pop(struct virtq *vq, struct virtq_elem *elem);
void virtq__push(struct virtq *vq, struct virtq_elem *elem, u32 len);
/*
 * Pushes @n elements (@lens[i] bytes written into each) and makes them
 * visible to the driver at once: for a packet spread over several
 * buffers, which the driver must see whole.
 */
void virtq__push_many(struct virtq *vq, struct virtq_elem **elems,
		      const u32 *lens, unsigned int n);
/* Interrupts the driver if it wants to hear about the used ring now. */
void virtq__signal(struct virtq *vq);
/* Interrupts it unconditionally: for a datapath that decided it (vhost). */
void virtq__interrupt(struct virtq *vq);
/*
 * For a datapath in the kernel (vhost): @route(@opaque, FD) gives it an
 * eventfd that interrupts the driver for @vq directly (a KVM irqfd), and
 * @route(@opaque, -1) says to signal through virtq__interrupt() instead,
 * while the driver has the vector masked.  @route is called once before
 * this returns, and on every change until virtq__unbypass().  0, or
 * -errno when the transport has no such thing (virtio-mmio, INTx).
 */
int virtq__bypass(struct virtq *vq, void (*route)(void *opaque, int irqfd),
		  void *opaque);
void virtq__unbypass(struct virtq *vq);
/* Copies between an iovec array and a flat buffer; return bytes copied. */

/* Config space changed (device side): bumps the generation, interrupts. */
void virtio_device__config_changed(struct virtio_device *vdev);
/* The device can't go on (e.g. malformed ring): DEVICE_NEEDS_RESET. */
void virtio_device__needs_reset(struct virtio_device *vdev);

/* For transports. */
void virtio_device__set_status(struct virtio_device *vdev, u8 status);
u64 virtio_device__host_features(struct virtio_device *vdev);
int virtio_device__set_guest_features(struct virtio_device *vdev, u64 features);
int virtq__enable(struct virtq *vq);
void virtq__disable(struct virtq *vq);
void virtq__kick(struct virtq *vq);
void virtio_device__config_access(struct virtio_device *vdev, u32 offset, void *data,
			  u32 len, bool is_write);

/* Used by unit tests: process a device without transport or KVM. */
int virtio_device__init_queues(struct kvm *kvm, struct virtio_device *vdev);

#endif /* KVM__VIRTIO_H */
