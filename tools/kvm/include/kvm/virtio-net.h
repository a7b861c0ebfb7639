/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__VIRTIO_NET_H
#define KVM__VIRTIO_NET_H

#include <stdbool.h>
#include <sys/uio.h>
#include <linux/types.h>
#include <linux/virtio_net.h>
#include <lockdep/mutex.h>

#include "kvm/virtio.h"

struct kvm;

/*
 * virtio-net: one device per --network, split in two.
 *
 * virtio/net.c is the device: features, config space, the control queue,
 * the vnet header rules, and the two halves of lkvm's own datapath that
 * every backend shares (a frame out of a TX chain, a frame into RX
 * buffers, merged over several of them when the driver allows it).
 *
 * A backend (virtio/net-user.c: libslirp; virtio/net-tap.c: a tap, with
 * vhost-net in virtio/net-vhost.c) moves the frames.  The data queues are
 * VIRTIO_QUEUE_EXTERNAL: the backend's own threads wait on their kick
 * eventfds, or the kernel does (vhost).  The control queue stays on the
 * core's shared worker and is net.c's.
 *
 * Queue layout (virtio 1.x 5.1.2): rx0 tx0 rx1 tx1 ... then ctrl.
 */

#define NET_MAX_QUEUE_PAIRS	8
#define NET_QUEUE_SIZE		256
#define NET_MAX_HOSTFWD		16
/* The longest frame a backend hands over (TSO: 64 KiB plus headers). */
#define NET_MAX_FRAME		(65536 + 14 + 4)

enum net_mode {
	NET_MODE_USER,
	NET_MODE_TAP,
	NET_MODE_NONE,
};

enum net_vhost {
	NET_VHOST_AUTO,		/* when /dev/vhost-net is usable */
	NET_VHOST_OFF,
	NET_VHOST_ON,		/* required: an error without it */
};

/* One --network option, parsed. */
struct net_params {
	enum net_mode mode;
	u8 mac[6];
	bool mac_set;
	const char *tapif;	/* tap to create or attach; NULL: kernel picks */
	const char *script;	/* run as SCRIPT IFNAME once the tap exists */
	const char *hostfwd[NET_MAX_HOSTFWD];	/* "tcp::2222-:22" */
	unsigned int nr_hostfwd;
	unsigned int mq;	/* queue pairs asked for; 0: the default */
	unsigned int mtu;	/* 0: 1500 */
	enum net_vhost vhost;
	bool offload;		/* offer checksum/TSO offloads (tap) */
};

/* Counters, bumped with __atomic builtins from any thread. */
struct net_stats {
	u64 rx_packets;
	u64 rx_bytes;
	u64 rx_dropped;		/* no room in the guest, or too long */
	u64 tx_packets;
	u64 tx_bytes;
	u64 tx_dropped;		/* malformed (header, length), or backend refused */
};

struct net_dev;

/* An RX and a TX queue, as a backend drives them. */
struct net_queue_pair {
	struct net_dev *ndev;
	unsigned int index;
	struct virtq *rx;
	struct virtq *tx;

	/*
	 * RX buffers popped but not filled yet: a frame that needs more
	 * buffers than the ring has keeps them here until the driver adds
	 * more.  Used by net__rx_frame() only, which takes the lock.
	 */
	struct mutex rx_lock;
	struct virtq_elem *rx_elems[NET_QUEUE_SIZE];
	unsigned int nr_rx_held;
	unsigned int nr_rx_alloc;

	void *backend;		/* the backend's per-pair state */
};

struct net_backend_ops {
	const char *name;	/* "user", "tap" */
	/*
	 * Opens the backend for the options in ndev->params; may change
	 * ndev->nr_pairs (params.mq, else the default: a pair per vCPU for
	 * a tap, capped at NET_MAX_QUEUE_PAIRS; 1 for the others) and adds
	 * to *@features the VIRTIO_NET_F_* bits it can take (offloads).
	 * Prints an error naming the reason and returns -errno on failure.
	 * Runs before the device is registered: no queue exists yet.
	 */
	int (*init)(struct net_dev *ndev, u64 *features);
	/*
	 * The driver set DRIVER_OK: ndev->features and ndev->hdr_len are
	 * what was negotiated.  Start moving frames.  0 or -errno (the
	 * device then reports NEEDS_RESET).
	 */
	int (*start)(struct net_dev *ndev);
	/* The driver resets the device: stop touching its queues. */
	void (*stop)(struct net_dev *ndev);
	/* The driver changed its receive offloads (VIRTIO_NET_F_GUEST_*). */
	int (*set_offloads)(struct net_dev *ndev, u64 guest_offloads);
	/*
	 * The driver uses the first @pairs queue pairs from now on
	 * (VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET); start() begins with one.  A
	 * multiqueue tap must send nothing to the queues of the others.
	 * Optional; 0 or -errno (the command then fails).
	 */
	int (*set_pairs)(struct net_dev *ndev, unsigned int pairs);
	/* A line for messages and 'lkvm stat': "tap0 (vhost-net)". */
	const char *(*describe)(struct net_dev *ndev);
	/* lkvm exits. */
	void (*exit)(struct net_dev *ndev);
};

struct net_dev {
	struct virtio_device vdev;
	struct virtio_net_config config;
	struct net_params params;
	char name[16];			/* "virtio-net0" */
	unsigned int id;		/* 0 for the first --network */
	unsigned int nr_pairs;		/* offered (max_virtqueue_pairs) */
	unsigned int active_pairs;	/* set by the driver (VQ_PAIRS_SET) */
	struct net_queue_pair *pairs;
	const struct net_backend_ops *ops;
	void *backend;

	/* Negotiated, valid from start() on. */
	u64 features;
	size_t hdr_len;			/* 12, or 10 for a legacy driver without MRG_RXBUF */

	struct net_stats stats;
};

/* Registering a backend's ops for a mode (the backend's file does it). */
void net__register_backend(enum net_mode mode, const struct net_backend_ops *ops);

/* --- The datapath, for backends ------------------------------------ */

/*
 * The next frame the guest sent on @qp's TX queue.  Returns 1 with the
 * chain popped into @elem, its vnet header copied into @hdr (zero-filled
 * past ndev->hdr_len) and the frame after it described by @frame
 * (*@nr_frame iovecs, at most VIRTIO_QUEUE_MAX_SIZE, *@len bytes); 0 when
 * the queue is empty; < 0 when the queue is broken.  Chains that break
 * the rules (too short for a header and an Ethernet header, longer than
 * NET_MAX_FRAME, a header asking for offloads that were not negotiated)
 * are completed, counted in tx_dropped and skipped.  The caller sends the
 * frame and then completes the chain with net__tx_done().
 */
int net__tx_pop(struct net_queue_pair *qp, struct virtq_elem *elem,
		struct virtio_net_hdr_v1 *hdr, struct iovec *frame,
		int *nr_frame, size_t *len);
/*
 * Hands the chain back (0 bytes written) and counts the frame; the caller
 * signals the driver with virtq__signal(qp->tx) after a batch.
 */
void net__tx_done(struct net_queue_pair *qp, struct virtq_elem *elem,
		  size_t len, bool sent);

/*
 * Copies one received packet into @qp's RX buffers: @iov holds
 * ndev->hdr_len bytes of vnet header followed by the frame, @len bytes in
 * all.  With VIRTIO_NET_F_MRG_RXBUF the packet may span several buffers
 * (num_buffers is filled in), otherwise it must fit one.  Returns 0 once
 * delivered (the caller signals with net__rx_signal() after a batch),
 * -EAGAIN when the ring has too little room now (nothing was consumed:
 * keep the packet and try again after the RX queue's next kick), or
 * -EMSGSIZE when it can never fit (dropped and counted).
 */
int net__rx_frame(struct net_queue_pair *qp, const struct iovec *iov,
		  int nr, size_t len);
void net__rx_signal(struct net_queue_pair *qp);

/* Checks a TX vnet header against the negotiated features: 0 or -EINVAL. */
int net__check_tx_hdr(u64 features, const struct virtio_net_hdr_v1 *hdr,
		      size_t frame_len);

/* The default MAC of NIC @id of guest @name: 52:54:00 and a hash. */
void net__default_mac(const char *name, unsigned int id, u8 mac[6]);
/*
 * Parses one --network argument into @p (defaults filled in first).
 * 0, or -1 after an error that names the bad part.
 */
int net__parse_params(const char *arg, struct net_params *p);

/*
 * Adds a NIC for @params (what each --network does at start-up; public
 * for the unit tests).  0, or -1 after an error naming the reason.
 */
int virtio_net__add(struct kvm *kvm, const struct net_params *params,
		    struct net_dev **ndev);

/* Whether the driver negotiated @bit (VIRTIO_NET_F_*, VIRTIO_F_*). */
static inline bool net__has(struct net_dev *ndev, unsigned int bit)
{
	return ndev->features & (1ULL << bit);
}

#endif /* KVM__VIRTIO_NET_H */
