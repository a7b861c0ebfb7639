/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the tap backend's two halves share: net-tap.c (the tap, and
 * lkvm's own datapath) and net-vhost.c (the kernel's, vhost-net).
 * Nothing outside virtio/net-tap.c, virtio/net-vhost.c and their unit
 * test includes it.
 */
#ifndef KVM__VIRTIO_NET_TAP_H
#define KVM__VIRTIO_NET_TAP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/uio.h>
#include <net/if.h>
#include <linux/types.h>
#include <linux/virtio_net.h>
#include <lockdep/mutex.h>

#include "kvm/virtio.h"
#include "kvm/virtio-net.h"

struct tap_dev;

/* vhost's numbering of a pair's queues. */
#define TAP_VHOST_RX		0
#define TAP_VHOST_TX		1

/* One queue pair: a queue of the tap, and the thread that serves both. */
struct tap_pair {
	struct tap_dev *tap;
	struct net_queue_pair *qp;	/* from start() on */
	unsigned int index;
	int fd;			/* this pair's queue of the tap */
	int ctl_fd;		/* eventfd: stop, or look at 'attached' again */
	pthread_t thread;
	bool running;		/* the thread exists */
	bool stopping;		/* atomic: the thread is to return */
	bool attached;		/* atomic: the queue is attached (multiqueue) */

	/* vhost-net (net-vhost.c); vhost_fd is -1 without it. */
	int vhost_fd;
	int call_fd[2];		/* vhost's interrupts, by vhost queue */
	bool vhost_on[2];	/* vhost drives the queue this start */
	bool bypass[2];		/* vhost interrupts the guest itself */
	struct tap_vhost_call {
		struct tap_pair *p;
		unsigned int q;
	} call[2];

	/* lkvm's datapath; the pair's thread only. */
	u8 *rx_buf;		/* a packet read from the tap, header first */
	size_t rx_len;		/* bytes in rx_buf: a packet waits for room */
	bool rx_blocked;	/* no room: wait for the RX queue's kick */
	bool rx_off;		/* the tap queue failed: wait for ctl_fd */
	struct virtq_elem *tx_elem;
	struct virtio_net_hdr_v1 tx_hdr;
	/* The tap's header, then the frame: what one writev() sends. */
	struct iovec tx_iov[1 + VIRTIO_QUEUE_MAX_SIZE];
	int tx_nr;
	size_t tx_len;		/* frame bytes, header excluded */
	bool tx_pending;	/* tx_elem waits for the tap to take it */
	bool warned;		/* one message per pair about tap errors */
};

struct tap_dev {
	struct net_dev *ndev;
	char ifname[IFNAMSIZ];
	bool multi_queue;	/* IFF_MULTI_QUEUE: one fd per pair */
	unsigned int nr_fds;
	unsigned int tun_offloads;	/* TUN_F_* the tap accepts */

	/*
	 * Serialises start, stop, set_pairs and set_offloads: a driver
	 * reset (a vCPU) may race with a control command (the virtio
	 * worker).  The pair threads never take it.
	 */
	struct mutex lock;
	bool running;
	unsigned int nr_running;	/* pairs with a thread */
	unsigned int active_pairs;	/* the pairs the driver uses */
	unsigned int offloads;		/* atomic: TUN_F_* in force */

	/* vhost-net: open on every pair, and what it offers. */
	bool vhost_open;
	u64 vhost_features;
	bool vhost;			/* this start runs on vhost-net */
	bool vhost_fallback_told;
	char desc[IFNAMSIZ + 32];	/* for describe() */

	struct tap_pair pairs[NET_MAX_QUEUE_PAIRS];
};

/* The backend's ops, registered for NET_MODE_TAP (and for unit tests). */
extern const struct net_backend_ops net_tap__ops;

/* net-tap.c: wakes @p's thread to look at its state (ctl_fd). */
void tap_pair__wake(struct tap_pair *p);
/* In @p's thread, once ctl_fd is readable: drains it; true to return. */
bool tap_pair__stopping(struct tap_pair *p);
/* Empties a non-blocking eventfd (a kick, or vhost's interrupt). */
void net_tap__drain(int fd);

/*
 * net-vhost.c.  open: every pair's /dev/vhost-net, at init; 0, or
 * -errno with @why (of @len bytes) saying what is missing and how to get
 * it.  start: vhost-net takes the pairs' rings; 0, or -errno after a
 * message: lkvm's datapath runs instead.  stop: vhost-net lets go of the
 * rings, which the core may then reset.  run: a pair's thread while
 * vhost-net drives its queues, until the pair is stopped.
 */
int net_vhost__open(struct tap_dev *tap, char *why, size_t len);
int net_vhost__start(struct tap_dev *tap);
void net_vhost__stop(struct tap_dev *tap);
void net_vhost__close(struct tap_dev *tap);
void net_vhost__run(struct tap_pair *p);

#endif /* KVM__VIRTIO_NET_TAP_H */
