// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-net for the tap backend: the kernel moves the frames between the
 * guest's rings and the tap, and lkvm only sets it up.
 *
 * Each queue pair has a /dev/vhost-net of its own (vhost's queue 0 is
 * the pair's RX queue, 1 its TX queue), opened at init so that a missing
 * one is known, and said, before the guest boots.  At each start vhost
 * gets the guest's RAM, the rings as the driver set them up, the queues'
 * kick eventfds (KVM's ioeventfds write them, so the guest's kicks go to
 * the kernel without lkvm) and the tap queue.  vhost-net passes the vnet
 * header through as it is (VHOST_NET_F_VIRTIO_NET_HDR is never asked
 * for), so the tap's header is the driver's, as on lkvm's datapath.
 *
 * vhost's interrupts go straight to KVM when the transport can take
 * them that way: on virtio-pci with MSI-X, the queue's vector's irqfd
 * (virtq__bypass()).  KVM's irqfd ignores the vector's mask, so while
 * the driver has it masked, and on transports without such a thing
 * (virtio-mmio, INTx), vhost signals an eventfd of ours instead, which
 * the pair's thread turns into virtq__interrupt(): the transport leaves
 * the interrupt pending while masked and sets the ISR for INTx.  The
 * switch is a VHOST_SET_VRING_CALL from the vCPU that changed the mask;
 * an interrupt vhost raised just before it may still arrive, which a
 * virtio driver takes as any other (it looks at the used ring).
 *
 * At stop vhost lets go of the tap (VHOST_NET_SET_BACKEND -1), which
 * waits for its work in flight, and says where it stopped
 * (VHOST_GET_VRING_BASE): the core may then reset the rings.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <linux/vhost.h>

#include <linux/kernel.h>
#include <linux/list.h>

#include "kvm/kvm.h"
#include "kvm/virtio.h"
#include "kvm/virtio-net.h"
#include "kvm/log.h"
#include "kvm/util.h"

#include "net-tap.h"

static const char *vhost_path = "/dev/vhost-net";

/* The negotiated features vhost-net must know about, as it drives the rings. */
static const struct {
	unsigned int bit;
	const char *name;
} vhost_ring_features[] = {
	{ VIRTIO_F_VERSION_1,		"VIRTIO_F_VERSION_1" },
	{ VIRTIO_RING_F_EVENT_IDX,	"VIRTIO_RING_F_EVENT_IDX" },
	{ VIRTIO_RING_F_INDIRECT_DESC,	"VIRTIO_RING_F_INDIRECT_DESC" },
	{ VIRTIO_NET_F_MRG_RXBUF,	"VIRTIO_NET_F_MRG_RXBUF" },
};

/* ------------------------------------------------------------------ */
/* Opening */

static void vhost_open_why(int err, char *why, size_t len)
{
	const char *fix = "";

	if (err == ENOENT || err == ENODEV || err == ENXIO)
		fix = " (load the module: modprobe vhost_net)";
	else if (err == EACCES || err == EPERM)
		fix = " (run as root, or give your user read-write access to it)";
	snprintf(why, len, "%s: %s%s", vhost_path, strerror(err), fix);
}

static int vhost_open_pair(struct tap_pair *p, u64 *features, char *why,
			   size_t len)
{
	unsigned int q;
	int err;

	p->vhost_fd = open(vhost_path, O_RDWR | O_CLOEXEC);
	if (p->vhost_fd < 0) {
		err = errno;
		vhost_open_why(err, why, len);
		return -err;
	}
	/* vhost's worker belongs to us from now on, and so does our memory. */
	if (ioctl(p->vhost_fd, VHOST_SET_OWNER) < 0) {
		err = errno;
		snprintf(why, len, "VHOST_SET_OWNER: %s", strerror(err));
		return -err;
	}
	if (ioctl(p->vhost_fd, VHOST_GET_FEATURES, features) < 0) {
		err = errno;
		snprintf(why, len, "VHOST_GET_FEATURES: %s", strerror(err));
		return -err;
	}
	for (q = 0; q < 2; q++) {
		p->call_fd[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (p->call_fd[q] < 0) {
			err = errno;
			snprintf(why, len, "eventfd: %s", strerror(err));
			return -err;
		}
	}
	return 0;
}

int net_vhost__open(struct tap_dev *tap, char *why, size_t len)
{
	unsigned int i;
	u64 f;
	int ret;

	tap->vhost_features = ~0ULL;
	for (i = 0; i < tap->nr_fds; i++) {
		ret = vhost_open_pair(&tap->pairs[i], &f, why, len);
		if (ret) {
			net_vhost__close(tap);
			return ret;
		}
		tap->vhost_features &= f;
	}
	tap->vhost_open = true;
	return 0;
}

void net_vhost__close(struct tap_dev *tap)
{
	unsigned int i, q;

	for (i = 0; i < NET_MAX_QUEUE_PAIRS; i++) {
		struct tap_pair *p = &tap->pairs[i];

		if (p->vhost_fd >= 0)
			close(p->vhost_fd);
		p->vhost_fd = -1;
		for (q = 0; q < 2; q++) {
			if (p->call_fd[q] >= 0)
				close(p->call_fd[q]);
			p->call_fd[q] = -1;
		}
	}
	tap->vhost_open = false;
}

/* ------------------------------------------------------------------ */
/* Starting and stopping */

/* Guest RAM as vhost sees it: what the rings and buffers may point into. */
static struct vhost_memory *vhost_mem_table(struct kvm *kvm)
{
	struct vhost_memory *mem;
	struct kvm_mem_bank *bank;
	unsigned int n = 0;

	mutex_lock(&kvm->mem_banks_lock);
	list_for_each_entry(bank, &kvm->mem_banks, list) {
		if (bank->type & KVM_MEM_TYPE_RAM)
			n++;
	}
	mem = xzalloc(sizeof(*mem) + n * sizeof(mem->regions[0]));
	list_for_each_entry(bank, &kvm->mem_banks, list) {
		if (!(bank->type & KVM_MEM_TYPE_RAM))
			continue;
		mem->regions[mem->nregions++] = (struct vhost_memory_region) {
			.guest_phys_addr = bank->guest_phys_addr,
			.memory_size = bank->size,
			.userspace_addr = (uintptr_t)bank->host_addr,
		};
	}
	mutex_unlock(&kvm->mem_banks_lock);
	return mem;
}

/* One ioctl; on failure *@what names it, for the message. */
static int vhost_call(int fd, unsigned long req, const void *arg,
		      const char *name, const char **what)
{
	if (ioctl(fd, req, arg) >= 0)
		return 0;
	*what = name;
	return -errno;
}

#define vhost_do(fd, req, arg, what)	vhost_call(fd, req, arg, #req, what)

/* The transport says where vhost's interrupts go: KVM's irqfd, or ours. */
static void vhost_call_route(void *opaque, int irqfd)
{
	struct tap_vhost_call *c = opaque;
	struct tap_pair *p = c->p;
	struct vhost_vring_file call = {
		.index = c->q,
		.fd = irqfd >= 0 ? irqfd : p->call_fd[c->q],
	};

	if (ioctl(p->vhost_fd, VHOST_SET_VRING_CALL, &call) < 0)
		warning("%s: vhost-net: VHOST_SET_VRING_CALL: %s",
			p->tap->ndev->name, strerror(errno));
}

/* vhost interrupts the guest through KVM where it can, else through us. */
static int vhost_vq_call(struct tap_pair *p, struct virtq *vq, unsigned int q,
			 const char **what)
{
	struct vhost_vring_file call = { .index = q, .fd = p->call_fd[q] };

	p->call[q] = (struct tap_vhost_call){ .p = p, .q = q };
	if (!virtq__bypass(vq, vhost_call_route, &p->call[q])) {
		p->bypass[q] = true;
		return 0;
	}
	return vhost_do(p->vhost_fd, VHOST_SET_VRING_CALL, &call, what);
}

/* Hands vhost queue @q of pair @p (rx or tx) to the kernel. */
static int vhost_vq_start(struct tap_pair *p, unsigned int q,
			  const char **what)
{
	struct virtq *vq = q == TAP_VHOST_RX ? p->qp->rx : p->qp->tx;
	struct vhost_vring_state num = { .index = q, .num = vq->size };
	struct vhost_vring_state base = { .index = q, .num = vq->last_avail_idx };
	struct vhost_vring_addr addr = {
		.index = q,
		.desc_user_addr = (uintptr_t)vq->desc,
		.avail_user_addr = (uintptr_t)vq->avail,
		.used_user_addr = (uintptr_t)vq->used,
	};
	struct vhost_vring_file kick = { .index = q, .fd = vq->kick_fd };
	struct vhost_vring_file backend = { .index = q, .fd = p->fd };
	int fd = p->vhost_fd, ret;

	/* A queue the driver did not set up has nothing to drive. */
	if (!READ_ONCE(vq->enabled))
		return 0;
	ret = vhost_do(fd, VHOST_SET_VRING_NUM, &num, what) ?:
	      vhost_do(fd, VHOST_SET_VRING_BASE, &base, what) ?:
	      vhost_do(fd, VHOST_SET_VRING_ADDR, &addr, what) ?:
	      vhost_do(fd, VHOST_SET_VRING_KICK, &kick, what) ?:
	      vhost_vq_call(p, vq, q, what);
	if (ret)
		return ret;
	/* Last: from here on vhost uses the ring. */
	ret = vhost_do(fd, VHOST_NET_SET_BACKEND, &backend, what);
	if (ret)
		return ret;
	p->vhost_on[q] = true;
	return 0;
}

static int vhost_pair_start(struct tap_pair *p, u64 features,
			    const struct vhost_memory *mem, const char **what)
{
	unsigned int q;
	int ret;

	ret = vhost_do(p->vhost_fd, VHOST_SET_FEATURES, &features, what) ?:
	      vhost_do(p->vhost_fd, VHOST_SET_MEM_TABLE, mem, what);
	for (q = 0; !ret && q < 2; q++)
		ret = vhost_vq_start(p, q, what);
	return ret;
}

/* Why vhost-net does not run this time: said once, as a driver may reset often. */
static void vhost_fallback(struct tap_dev *tap, const char *why)
{
	if (tap->vhost_fallback_told) {
		pr_debug("%s: vhost-net: %s", tap->ndev->name, why);
		return;
	}
	tap->vhost_fallback_told = true;
	warning("%s: vhost-net: %s: lkvm datapath until the driver resets the device",
		tap->ndev->name, why);
}

/* The first feature the driver negotiated that vhost-net lacks, or NULL. */
static const char *vhost_missing(struct tap_dev *tap, u64 *want)
{
	u64 bit;
	unsigned int i;

	*want = 0;
	for (i = 0; i < ARRAY_SIZE(vhost_ring_features); i++) {
		bit = 1ULL << vhost_ring_features[i].bit;
		if (!(tap->ndev->features & bit))
			continue;
		if (!(tap->vhost_features & bit))
			return vhost_ring_features[i].name;
		*want |= bit;
	}
	return NULL;
}

int net_vhost__start(struct tap_dev *tap)
{
	struct vhost_memory *mem;
	const char *missing, *what = "";
	char why[128];
	unsigned int i;
	u64 want;
	int ret = 0;

	missing = vhost_missing(tap, &want);
	if (missing) {
		snprintf(why, sizeof(why), "it lacks %s, which the driver negotiated",
			 missing);
		vhost_fallback(tap, why);
		return -EOPNOTSUPP;
	}
	mem = vhost_mem_table(tap->ndev->vdev.kvm);
	for (i = 0; !ret && i < tap->nr_running; i++)
		ret = vhost_pair_start(&tap->pairs[i], want, mem, &what);
	free(mem);
	if (!ret)
		return 0;
	snprintf(why, sizeof(why), "%s: %s", what, strerror(-ret));
	vhost_fallback(tap, why);
	net_vhost__stop(tap);
	return ret;
}

void net_vhost__stop(struct tap_dev *tap)
{
	unsigned int i, q;

	for (i = 0; i < tap->nr_running; i++) {
		struct tap_pair *p = &tap->pairs[i];

		for (q = 0; q < 2; q++) {
			struct vhost_vring_file backend = { .index = q, .fd = -1 };
			struct vhost_vring_state base = { .index = q };
			struct virtq *vq = q == TAP_VHOST_RX ? p->qp->rx : p->qp->tx;

			/* No more switching of vhost's interrupts. */
			if (p->bypass[q])
				virtq__unbypass(vq);
			p->bypass[q] = false;
			if (!p->vhost_on[q])
				continue;
			/* Waits for vhost's work in flight on the ring. */
			if (ioctl(p->vhost_fd, VHOST_NET_SET_BACKEND, &backend) < 0 ||
			    ioctl(p->vhost_fd, VHOST_GET_VRING_BASE, &base) < 0)
				warning("%s: vhost-net: cannot stop queue %u of pair %u: %s",
					tap->ndev->name, q, i, strerror(errno));
			p->vhost_on[q] = false;
			net_tap__drain(p->call_fd[q]);
		}
	}
}

/* ------------------------------------------------------------------ */
/* A pair's thread, while vhost-net drives its queues */

void net_vhost__run(struct tap_pair *p)
{
	struct virtq *vqs[2] = { p->qp->rx, p->qp->tx };
	struct pollfd fds[3];
	unsigned int q;
	int n;

	fds[0] = (struct pollfd){ .fd = p->ctl_fd, .events = POLLIN };
	for (q = 0; q < 2; q++)
		fds[1 + q] = (struct pollfd){
			.fd = p->vhost_on[q] ? p->call_fd[q] : -1,
			.events = POLLIN,
		};
	for (;;) {
		n = poll(fds, ARRAY_SIZE(fds), -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die_perror("virtio-net: vhost: poll");
		}
		if (fds[0].revents && tap_pair__stopping(p))
			return;
		for (q = 0; q < 2; q++) {
			if (!fds[1 + q].revents)
				continue;
			net_tap__drain(fds[1 + q].fd);
			/* vhost decided the driver wants it: no check of ours. */
			virtq__interrupt(vqs[q]);
		}
	}
}
