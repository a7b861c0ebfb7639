// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net's tap backend (--network mode=tap): a tap device of the
 * host, created or attached with a vnet header, so that checksum and
 * segmentation offloads pass between the guest and the host stack
 * without anyone computing them in between.
 *
 * The vnet header the tap reads and writes is the one the driver
 * negotiated (TUNSETVNETHDRSZ to ndev->hdr_len at each start), so a
 * packet crosses with one copy in each direction and vhost-net can pass
 * headers through untouched.  The offloads the tap may hand us are the
 * ones the driver can take (TUNSETOFFLOAD from its VIRTIO_NET_F_GUEST_*
 * bits); the kernel finishes checksums and segments the rest for us.
 *
 * With several queue pairs the tap is multiqueue, one fd per pair, and
 * only the queues of the pairs the driver uses stay attached: the kernel
 * spreads received packets over the attached queues, and a packet sent
 * to a queue nobody reads would be lost.
 *
 * Frames move on vhost-net when it is there (net-vhost.c) and otherwise
 * on lkvm's own datapath here: one thread per queue pair, waiting on the
 * pair's kick eventfds and its tap queue.  The thread reads the tap only
 * while the guest has room for what it reads: a packet that does not fit
 * waits in the pair's staging buffer, and the tap in the kernel's queue,
 * until the driver adds buffers and kicks.  Threads run from start() to
 * stop(), which joins them, so that nothing touches a queue the core is
 * about to reset.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/if_ether.h>
#include <linux/if_tun.h>

#include <linux/kernel.h>

#include "kvm/virtio.h"
#include "kvm/virtio-net.h"
#include "kvm/log.h"
#include "kvm/util.h"

#include "net-tap.h"

/*
 * Frames one pass of a pair's thread moves in each direction before it
 * looks at the other direction and tells the guest.
 */
#define TAP_TX_BUDGET		64
#define TAP_RX_BUDGET		64

/* Header, then the frame: one writev() per frame, iovecs and all. */
#define TAP_TX_IOVS		(1 + VIRTIO_QUEUE_MAX_SIZE)

static const char *tun_path = "/dev/net/tun";

/* ------------------------------------------------------------------ */
/* The pairs' threads: waking and stopping them */

void tap_pair__wake(struct tap_pair *p)
{
	u64 one = 1;

	if (write(p->ctl_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		warning("%s: queue pair %u: wake: %s", p->tap->ndev->name,
			p->index, strerror(errno));
}

bool tap_pair__stopping(struct tap_pair *p)
{
	u64 v;

	if (read(p->ctl_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return true;
	return __atomic_load_n(&p->stopping, __ATOMIC_ACQUIRE);
}

/* Empties a non-blocking eventfd: a kick, or vhost's interrupt. */
void net_tap__drain(int fd)
{
	u64 v;

	/* EAGAIN, already empty, is as good: nothing else can fail here. */
	if (read(fd, &v, sizeof(v)) < 0)
		return;
}

static bool tap_pair_attached(struct tap_pair *p)
{
	return __atomic_load_n(&p->attached, __ATOMIC_ACQUIRE);
}

/* ------------------------------------------------------------------ */
/* lkvm's datapath: TX */

/* A detached queue cannot send; the first queue never is. */
static int tap_tx_fd(struct tap_pair *p)
{
	return tap_pair_attached(p) ? p->fd : p->tap->pairs[0].fd;
}

/* A frame the tap would not take: told about once per pair, counted always. */
static void tap_tx_error(struct tap_pair *p, int err)
{
	struct tap_dev *tap = p->tap;

	/* EINVAL: the guest's header or frame made no sense to the tap. */
	if (err == EINVAL || p->warned)
		return;
	p->warned = true;
	if (err == EIO)
		warning("%s: %s is down: frames from the guest are dropped until it is up (ip link set %s up, or script=PATH)",
			tap->ndev->name, tap->ifname, tap->ifname);
	else
		warning("%s: %s: cannot send a frame: %s", tap->ndev->name,
			tap->ifname, strerror(err));
}

/* 0 when sent, -EAGAIN when the tap is full, another -errno when dropped. */
static int tap_tx_send(struct tap_pair *p)
{
	ssize_t n;
	int err;

	BUILD_BUG_ON(TAP_TX_IOVS > IOV_MAX);
	do {
		n = writev(tap_tx_fd(p), p->tx_iov, p->tx_nr);
	} while (n < 0 && errno == EINTR);
	if (n >= 0)
		return 0;
	err = errno;
	if (err == EAGAIN)
		return -EAGAIN;
	tap_tx_error(p, err);
	return -err;
}

/* Sends what the guest queued, up to a budget: true when there may be more. */
static bool tap_tx(struct tap_pair *p)
{
	struct net_queue_pair *qp = p->qp;
	/* Only this thread uses the TX ring: its used index is ours to read. */
	u16 used = READ_ONCE(qp->tx->used_idx);
	unsigned int done;
	int ret;

	for (done = 0; done < TAP_TX_BUDGET; done++) {
		if (!p->tx_pending) {
			ret = net__tx_pop(qp, p->tx_elem, &p->tx_hdr,
					  p->tx_iov + 1, &p->tx_nr, &p->tx_len);
			if (ret <= 0)
				break;
			p->tx_nr++;
		}
		ret = tap_tx_send(p);
		p->tx_pending = ret == -EAGAIN;
		if (p->tx_pending)
			break;
		net__tx_done(qp, p->tx_elem, p->tx_len, !ret);
	}
	/* net__tx_pop() completes the chains it drops: tell the guest too. */
	if (READ_ONCE(qp->tx->used_idx) != used)
		virtq__signal(qp->tx);
	return done == TAP_TX_BUDGET;
}

/* ------------------------------------------------------------------ */
/* lkvm's datapath: RX */

/* The tap queue failed: no more reading until set_pairs or stop wakes us. */
static void tap_rx_fail(struct tap_pair *p, const char *what, int err)
{
	p->rx_off = true;
	if (p->warned)
		return;
	p->warned = true;
	warning("%s: %s queue %u: %s: %s: not reading it any more",
		p->tap->ndev->name, p->tap->ifname, p->index, what,
		err ? strerror(err) : "error");
}

/*
 * The tap sets DATA_VALID on checksummed packets whatever we asked, and
 * a driver without VIRTIO_NET_F_GUEST_CSUM must see no flags at all.
 */
static void tap_rx_fix_hdr(struct tap_pair *p)
{
	struct virtio_net_hdr *hdr = (struct virtio_net_hdr *)p->rx_buf;

	if (!(__atomic_load_n(&p->tap->offloads, __ATOMIC_RELAXED) & TUN_F_CSUM))
		hdr->flags = 0;
}

/* Reads the tap's next packet into the staging buffer: true if there is one. */
static bool tap_rx_read(struct tap_pair *p)
{
	struct net_dev *ndev = p->tap->ndev;
	size_t hdr_len = ndev->hdr_len;
	ssize_t n;

	for (;;) {
		n = read(p->fd, p->rx_buf, hdr_len + NET_MAX_FRAME);
		if (n >= (ssize_t)(hdr_len + ETH_HLEN))
			break;
		if (n >= 0) {
			/* A runt: nothing a guest could use. */
			__atomic_fetch_add(&ndev->stats.rx_dropped, 1,
					   __ATOMIC_RELAXED);
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			tap_rx_fail(p, "read", errno);
		return false;
	}
	tap_rx_fix_hdr(p);
	p->rx_len = n;
	return true;
}

/*
 * Hands packets from the tap to the guest, up to a budget: true when
 * there may be more.  A packet the guest has no room for stays staged.
 */
static bool tap_rx(struct tap_pair *p)
{
	struct net_queue_pair *qp = p->qp;
	/* Only this thread fills the RX ring: its used index is ours to read. */
	u16 used = READ_ONCE(qp->rx->used_idx);
	struct iovec iov = { .iov_base = p->rx_buf };
	unsigned int n = 0;
	bool more = false;

	while (!p->rx_blocked) {
		if (!p->rx_len) {
			if (n++ == TAP_RX_BUDGET) {
				more = true;
				break;
			}
			if (!tap_pair_attached(p) || p->rx_off || !tap_rx_read(p))
				break;
		}
		iov.iov_len = p->rx_len;
		if (net__rx_frame(qp, &iov, 1, p->rx_len) == -EAGAIN) {
			p->rx_blocked = true;
			break;
		}
		/* Delivered, or dropped as too long for any buffer. */
		p->rx_len = 0;
	}
	if (READ_ONCE(qp->rx->used_idx) != used)
		net__rx_signal(qp);
	return more;
}

/* ------------------------------------------------------------------ */
/* lkvm's datapath: the loop */

enum {
	TAP_PFD_CTL,
	TAP_PFD_TX_KICK,
	TAP_PFD_RX_KICK,
	TAP_PFD_TAP_IN,
	TAP_PFD_TAP_OUT,
	TAP_PFD_NR,
};

static void tap_poll_setup(struct tap_pair *p, struct pollfd *fds)
{
	struct net_queue_pair *qp = p->qp;
	bool tap_in = tap_pair_attached(p) && !p->rx_off && !p->rx_blocked &&
		      !p->rx_len;

	fds[TAP_PFD_CTL] = (struct pollfd){ .fd = p->ctl_fd, .events = POLLIN };
	/* While a frame waits for the tap, the rest of the queue can wait too. */
	fds[TAP_PFD_TX_KICK] = (struct pollfd){
		.fd = p->tx_pending ? -1 : qp->tx->kick_fd, .events = POLLIN };
	fds[TAP_PFD_RX_KICK] = (struct pollfd){
		.fd = qp->rx->kick_fd, .events = POLLIN };
	/*
	 * Read the tap only while the guest has room: the packets wait in
	 * the kernel meanwhile, which drops them when its queue is full, as
	 * a NIC with no free descriptors would.
	 */
	fds[TAP_PFD_TAP_IN] = (struct pollfd){
		.fd = tap_in ? p->fd : -1, .events = POLLIN };
	fds[TAP_PFD_TAP_OUT] = (struct pollfd){
		.fd = p->tx_pending ? tap_tx_fd(p) : -1, .events = POLLOUT };
}

static void tap_run(struct tap_pair *p)
{
	struct pollfd fds[TAP_PFD_NR];
	/* Look at both queues first: the driver may have filled them already. */
	bool tx = true, rx = true;
	int n;

	for (;;) {
		tap_poll_setup(p, fds);
		n = poll(fds, TAP_PFD_NR, tx || rx ? 0 : -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die_perror("virtio-net: tap: poll");
		}
		if (fds[TAP_PFD_CTL].revents) {
			if (tap_pair__stopping(p))
				return;
			/* The queue was attached again: read it again. */
			p->rx_off = false;
			rx = true;
		}
		if (fds[TAP_PFD_TX_KICK].revents) {
			net_tap__drain(fds[TAP_PFD_TX_KICK].fd);
			tx = true;
		}
		if (fds[TAP_PFD_TAP_OUT].revents)
			tx = true;
		if (fds[TAP_PFD_RX_KICK].revents) {
			net_tap__drain(fds[TAP_PFD_RX_KICK].fd);
			p->rx_blocked = false;
			rx = true;
		}
		if (fds[TAP_PFD_TAP_IN].revents & POLLIN)
			rx = true;
		else if (fds[TAP_PFD_TAP_IN].revents)
			tap_rx_fail(p, "poll", 0);
		if (tx)
			tx = tap_tx(p);
		if (rx)
			rx = tap_rx(p);
	}
}

static void *tap_thread(void *arg)
{
	struct tap_pair *p = arg;

	if (p->tap->vhost)
		net_vhost__run(p);
	else
		tap_run(p);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Queues of a multiqueue tap */

static int tap_attach(struct tap_pair *p, bool attach)
{
	struct ifreq ifr = {
		.ifr_flags = attach ? IFF_ATTACH_QUEUE : IFF_DETACH_QUEUE,
	};
	int err;

	if (!p->tap->multi_queue || tap_pair_attached(p) == attach)
		return 0;
	if (ioctl(p->fd, TUNSETQUEUE, &ifr) < 0) {
		err = errno;
		warning("%s: %s: cannot %s queue %u: %s", p->tap->ndev->name,
			p->tap->ifname, attach ? "attach" : "detach", p->index,
			strerror(err));
		return -err;
	}
	__atomic_store_n(&p->attached, attach, __ATOMIC_RELEASE);
	tap_pair__wake(p);
	return 0;
}

/* Keeps the queues of the first @nr pairs attached, and only those. */
static int tap_attach_pairs(struct tap_dev *tap, unsigned int nr)
{
	unsigned int i;
	int ret = 0, err;

	for (i = 0; i < tap->nr_fds; i++) {
		err = tap_attach(&tap->pairs[i], i < nr);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

/* ------------------------------------------------------------------ */
/* Offloads */

/* The TUN_F_* flags for the VIRTIO_NET_F_GUEST_* bits of @guest. */
static unsigned int tap_tun_flags(struct tap_dev *tap, u64 guest)
{
	unsigned int f;

	/* Every other offload hands over packets with partial checksums. */
	if (!(guest & (1ULL << VIRTIO_NET_F_GUEST_CSUM)))
		return 0;
	f = TUN_F_CSUM;
	if (guest & (1ULL << VIRTIO_NET_F_GUEST_TSO4))
		f |= TUN_F_TSO4;
	if (guest & (1ULL << VIRTIO_NET_F_GUEST_TSO6))
		f |= TUN_F_TSO6;
	if ((guest & (1ULL << VIRTIO_NET_F_GUEST_ECN)) &&
	    (f & (TUN_F_TSO4 | TUN_F_TSO6)))
		f |= TUN_F_TSO_ECN;
	return f & tap->tun_offloads;
}

static int tap_set_offloads_locked(struct tap_dev *tap, u64 guest)
{
	unsigned int f = tap_tun_flags(tap, guest);
	int err;

	/* Offloads are the tap's, not a queue's: the first queue sets them. */
	if (ioctl(tap->pairs[0].fd, TUNSETOFFLOAD, f) < 0) {
		err = errno;
		warning("%s: %s: cannot set offloads 0x%x: %s", tap->ndev->name,
			tap->ifname, f, strerror(err));
		return -err;
	}
	__atomic_store_n(&tap->offloads, f, __ATOMIC_RELAXED);
	return 0;
}

/*
 * What the tap takes: the kernel's tun has accepted all of it since
 * Linux 2.6.27, but a tap may sit behind anything (a macvtap, an older
 * kernel), so ask.  TSO needs checksums, so the tries go from all to
 * checksums only.
 */
static unsigned int tap_probe_offloads(int fd)
{
	static const unsigned int tries[] = {
		TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN,
		TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6,
		TUN_F_CSUM,
	};
	unsigned int i, got = 0;

	for (i = 0; i < ARRAY_SIZE(tries); i++) {
		if (!ioctl(fd, TUNSETOFFLOAD, tries[i])) {
			got = tries[i];
			break;
		}
	}
	/* Nothing until a driver says what it can take. */
	if (got && ioctl(fd, TUNSETOFFLOAD, 0) < 0)
		got = 0;
	return got;
}

static u64 tap_features(unsigned int tun)
{
	/*
	 * A tap with a vnet header takes partial checksums and TSO frames
	 * from the guest whatever TUNSETOFFLOAD says: that only covers what
	 * it hands to us.
	 */
	u64 f = (1ULL << VIRTIO_NET_F_CSUM) |
		(1ULL << VIRTIO_NET_F_HOST_TSO4) |
		(1ULL << VIRTIO_NET_F_HOST_TSO6) |
		(1ULL << VIRTIO_NET_F_HOST_ECN);

	if (tun & TUN_F_CSUM)
		f |= (1ULL << VIRTIO_NET_F_GUEST_CSUM) |
		     (1ULL << VIRTIO_NET_F_CTRL_GUEST_OFFLOADS);
	if (tun & TUN_F_TSO4)
		f |= 1ULL << VIRTIO_NET_F_GUEST_TSO4;
	if (tun & TUN_F_TSO6)
		f |= 1ULL << VIRTIO_NET_F_GUEST_TSO6;
	if (tun & TUN_F_TSO_ECN)
		f |= 1ULL << VIRTIO_NET_F_GUEST_ECN;
	return f;
}

/* ------------------------------------------------------------------ */
/* Creating or attaching the tap */

/* The kernel's dev_valid_name(), so that a bad name gets its own message. */
static bool tap_valid_name(const char *name)
{
	if (!*name || strlen(name) >= IFNAMSIZ || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return false;
	for (; *name; name++) {
		if (*name == '/' || *name == ':' || isspace((unsigned char)*name))
			return false;
	}
	return true;
}

/*
 * The IFF_* flags of an existing tun/tap @name (sysfs has them), so that
 * a mismatch gets a message saying which, before TUNSETIFF can only say
 * EINVAL.  -ENOENT when there is no such interface (or no sysfs to ask),
 * -ENOTTY when it is not a tun/tap.
 */
static int tap_existing_flags(const char *name)
{
	char path[64], buf[32];
	ssize_t n;
	int fd;

	if (strchr(name, '%'))
		return -ENOENT;
	snprintf(path, sizeof(path), "/sys/class/net/%s", name);
	if (access(path, F_OK))
		return -ENOENT;
	snprintf(path, sizeof(path), "/sys/class/net/%s/tun_flags", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ENOTTY;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ENOTTY;
	buf[n] = '\0';
	return strtol(buf, NULL, 16) & 0xffff;
}

static void tap_open_error(struct tap_dev *tap, int err)
{
	const char *fix = "";

	if (err == ENOENT || err == ENODEV || err == ENXIO)
		fix = " (load the tun module: modprobe tun)";
	else if (err == EACCES || err == EPERM)
		fix = " (run as root, or give your user read-write access to it)";
	error("%s: cannot open %s: %s%s", tap->ndev->name, tun_path,
	      strerror(err), fix);
}

static void tap_setiff_error(struct tap_dev *tap, const char *name, int err,
			     bool exists)
{
	const char *nic = tap->ndev->name;

	if (err == EPERM && exists)
		error("%s: cannot attach to tap %s: %s (it belongs to another user: run as root, or create it with `ip tuntap add %s mode tap user $USER`)",
		      nic, name, strerror(err), name);
	else if (err == EPERM)
		error("%s: cannot create tap: need CAP_NET_ADMIN (run as root, or create a persistent tap with `ip tuntap add NAME mode tap user $USER` and pass tapif=NAME)",
		      nic);
	else if (err == EBUSY)
		error("%s: tap %s is in use by another program (pass another tapif=, or stop that program)",
		      nic, name);
	else
		error("%s: cannot %s tap %s: %s", nic,
		      exists ? "attach to" : "create", name, strerror(err));
}

/* One queue of tap @name: the fd, or -errno after a message. */
static int tap_open_queue(struct tap_dev *tap, const char *name, int flags,
			  bool exists)
{
	struct ifreq ifr = { .ifr_flags = flags };
	int fd, err;

	fd = open(tun_path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		tap_open_error(tap, err);
		return -err;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		err = errno;
		close(fd);
		tap_setiff_error(tap, name, err, exists);
		return -err;
	}
	/* The name the kernel chose, for "tap%d". */
	memcpy(tap->ifname, ifr.ifr_name, IFNAMSIZ);
	tap->ifname[IFNAMSIZ - 1] = '\0';
	return fd;
}

/*
 * Whether an existing tap @name can be ours, with multiqueue as it was
 * created; a tap without it gets one queue pair (*@nr).
 */
static int tap_check_existing(struct tap_dev *tap, const char *name,
			      int flags, unsigned int *nr)
{
	const char *nic = tap->ndev->name;

	if (flags == -ENOTTY)
		return error("%s: tapif=%s: %s exists and is not a tap (pass another name)",
			     nic, name, name);
	if (flags & IFF_TUN)
		return error("%s: tapif=%s: %s is a tun device, not a tap (ip tuntap add %s mode tap)",
			     nic, name, name, name);
	if (flags & IFF_MULTI_QUEUE) {
		tap->multi_queue = true;
	} else if (*nr > 1 && !tap->ndev->params.mq) {
		/* The default of a pair per vCPU: this tap has one. */
		*nr = 1;
	} else if (*nr > 1) {
		warning("%s: tap %s was created without multi_queue: one queue pair (for %u: ip tuntap add %s mode tap multi_queue)",
			nic, name, *nr, name);
		*nr = 1;
	}
	return 0;
}

/* Opens the tap's queues, one per pair: 0, or -errno after a message. */
static int tap_open(struct tap_dev *tap, const char *tapif, unsigned int *nr)
{
	int flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, existing, fd;
	const char *name = tapif ?: "tap%d";
	unsigned int i;

	if (tapif && !tap_valid_name(tapif)) {
		error("%s: tapif=%s is not an interface name (at most %d characters, no '/', ':' or spaces, not . or ..)",
		      tap->ndev->name, tapif, IFNAMSIZ - 1);
		return -EINVAL;
	}
	existing = tap_existing_flags(name);
	if (existing != -ENOENT) {
		if (tap_check_existing(tap, name, existing, nr))
			return -EINVAL;
	} else {
		tap->multi_queue = *nr > 1;
	}
	if (tap->multi_queue)
		flags |= IFF_MULTI_QUEUE;
	for (i = 0; i < *nr; i++) {
		/* Later queues join the tap the first one created. */
		fd = tap_open_queue(tap, i ? tap->ifname : name, flags,
				    i || existing >= 0);
		if (fd < 0)
			return fd;
		tap->pairs[i].fd = fd;
		tap->pairs[i].attached = true;
		tap->nr_fds++;
	}
	return 0;
}

static int tap_set_mtu(struct tap_dev *tap, unsigned int mtu)
{
	struct ifreq ifr = { .ifr_mtu = mtu };
	const char *fix = "";
	int s, err = 0;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", tap->ifname);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || ioctl(s, SIOCSIFMTU, &ifr) < 0)
		err = errno;
	if (s >= 0)
		close(s);
	if (!err)
		return 0;
	if (err == EPERM)
		fix = " (need CAP_NET_ADMIN: run as root, or set it beforehand with `ip link set NAME mtu N`)";
	else if (err == EINVAL)
		fix = " (a tap takes 68 to 65535)";
	error("%s: cannot set the MTU of %s to %u: %s%s", tap->ndev->name,
	      tap->ifname, mtu, strerror(err), fix);
	return -err;
}

/*
 * SCRIPT IFNAME, once the tap exists: 0 when it exits with 0.  While the
 * VM is built only: lkvm's seccomp filter refuses new processes later.
 */
static int tap_run_script(struct tap_dev *tap, const char *script)
{
	char *argv[] = { (char *)script, tap->ifname, NULL };
	const char *nic = tap->ndev->name;
	int err, status;
	pid_t pid;

	/* posix_spawn() reports a failed exec, which fork() would not. */
	err = posix_spawn(&pid, script, NULL, NULL, argv, environ);
	if (err) {
		error("%s: cannot run script=%s: %s", nic, script, strerror(err));
		return -err;
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			err = errno;
			error("%s: script=%s: waitpid: %s", nic, script,
			      strerror(err));
			return -err;
		}
	}
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	if (WIFEXITED(status))
		error("%s: script=%s %s exited with status %d", nic, script,
		      tap->ifname, WEXITSTATUS(status));
	else
		error("%s: script=%s %s was killed by signal %d", nic, script,
		      tap->ifname, WTERMSIG(status));
	return -EIO;
}

/* ------------------------------------------------------------------ */
/* The backend */

static struct tap_dev *tap_alloc(struct net_dev *ndev)
{
	struct tap_dev *tap = xzalloc(sizeof(*tap));
	unsigned int i, q;

	tap->ndev = ndev;
	mutex_init(&tap->lock);
	for (i = 0; i < NET_MAX_QUEUE_PAIRS; i++) {
		struct tap_pair *p = &tap->pairs[i];

		p->tap = tap;
		p->index = i;
		p->fd = -1;
		p->ctl_fd = -1;
		p->vhost_fd = -1;
		for (q = 0; q < 2; q++)
			p->call_fd[q] = -1;
	}
	return tap;
}

/* What each pair's thread needs, for the first @nr pairs. */
static int tap_alloc_pairs(struct tap_dev *tap, unsigned int nr)
{
	unsigned int i;
	int err;

	for (i = 0; i < nr; i++) {
		struct tap_pair *p = &tap->pairs[i];

		p->ctl_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (p->ctl_fd < 0) {
			err = errno;
			error("%s: eventfd: %s", tap->ndev->name, strerror(err));
			return -err;
		}
		p->rx_buf = xmalloc(sizeof(struct virtio_net_hdr_v1) +
				    NET_MAX_FRAME);
		p->tx_elem = virtq_elem__alloc();
	}
	return 0;
}

static void tap_free(struct tap_dev *tap)
{
	unsigned int i;

	net_vhost__close(tap);
	for (i = 0; i < NET_MAX_QUEUE_PAIRS; i++) {
		struct tap_pair *p = &tap->pairs[i];

		if (p->fd >= 0)
			close(p->fd);
		if (p->ctl_fd >= 0)
			close(p->ctl_fd);
		free(p->rx_buf);
		free(p->tx_elem);
	}
	free(tap);
}

/* For describe(): the tap, and the datapath that runs (or will). */
static void tap_set_desc(struct tap_dev *tap, bool vhost)
{
	snprintf(tap->desc, sizeof(tap->desc), "%s (%s)", tap->ifname,
		 vhost ? "vhost-net" : "lkvm datapath");
}

/* Opens vhost-net as params.vhost says, and says which datapath runs. */
static int tap_init_vhost(struct tap_dev *tap)
{
	struct net_dev *ndev = tap->ndev;
	enum net_vhost mode = ndev->params.vhost;
	char why[192] = "off";
	int ret = 0;

	if (mode != NET_VHOST_OFF)
		ret = net_vhost__open(tap, why, sizeof(why));
	if (ret && mode == NET_VHOST_ON) {
		error("%s: vhost=on: %s", ndev->name, why);
		return ret;
	}
	tap_set_desc(tap, tap->vhost_open);
	if (tap->vhost_open)
		pr_info("%s: %s, vhost-net", ndev->name, tap->ifname);
	else
		pr_info("%s: %s, lkvm datapath (vhost-net: %s)", ndev->name,
			tap->ifname, why);
	return 0;
}

static int tap_init(struct net_dev *ndev, u64 *features)
{
	struct net_params *params = &ndev->params;
	unsigned int nr = min_t(unsigned int, params->mq ?: ndev->nr_pairs,
				NET_MAX_QUEUE_PAIRS);
	struct tap_dev *tap = tap_alloc(ndev);
	int ret;

	ret = tap_open(tap, params->tapif, &nr);
	if (ret)
		goto fail;
	ret = tap_alloc_pairs(tap, nr);
	if (ret)
		goto fail;
	if (params->offload) {
		tap->tun_offloads = tap_probe_offloads(tap->pairs[0].fd);
		*features |= tap_features(tap->tun_offloads);
	}
	if (params->mtu) {
		ret = tap_set_mtu(tap, params->mtu);
		if (ret)
			goto fail;
	}
	/* Until a driver says otherwise, it uses one pair. */
	tap->active_pairs = 1;
	ret = tap_attach_pairs(tap, 1);
	if (ret)
		goto fail;
	ret = tap_init_vhost(tap);
	if (ret)
		goto fail;
	if (params->script) {
		ret = tap_run_script(tap, params->script);
		if (ret)
			goto fail;
	}
	ndev->nr_pairs = nr;
	ndev->backend = tap;
	return 0;
fail:
	tap_free(tap);
	return ret;
}

/* Joins the pairs' threads and takes vhost-net off the rings. */
static void tap_stop_locked(struct tap_dev *tap)
{
	unsigned int i;

	if (!tap->running)
		return;
	/* vhost-net first: it lets go of the rings before its interrupts stop. */
	if (tap->vhost)
		net_vhost__stop(tap);
	for (i = 0; i < tap->nr_running; i++) {
		struct tap_pair *p = &tap->pairs[i];

		if (!p->running)
			continue;
		__atomic_store_n(&p->stopping, true, __ATOMIC_RELEASE);
		tap_pair__wake(p);
		pthread_join(p->thread, NULL);
		p->running = false;
	}
	tap->vhost = false;
	tap->running = false;
	tap->nr_running = 0;
}

/* A pair's state for a new driver: nothing staged, nothing pending. */
static void tap_pair_prepare(struct tap_pair *p, struct net_queue_pair *qp)
{
	p->qp = qp;
	qp->backend = p;
	p->stopping = false;
	p->rx_len = 0;
	p->rx_blocked = false;
	p->rx_off = false;
	p->tx_pending = false;
	p->tx_iov[0] = (struct iovec){
		.iov_base = &p->tx_hdr,
		.iov_len = p->tap->ndev->hdr_len,
	};
	net_tap__drain(p->ctl_fd);
}

static int tap_pair_start(struct tap_pair *p)
{
	char name[16];
	int err;

	err = pthread_create(&p->thread, NULL, tap_thread, p);
	if (err) {
		error("%s: queue pair %u: cannot start a thread: %s",
		      p->tap->ndev->name, p->index, strerror(err));
		return -err;
	}
	snprintf(name, sizeof(name), "net-tap%u-q%u", p->tap->ndev->id % 100,
		 p->index);
	pthread_setname_np(p->thread, name);
	p->running = true;
	return 0;
}

static int tap_start_locked(struct tap_dev *tap)
{
	struct net_dev *ndev = tap->ndev;
	/* Without VIRTIO_NET_F_MQ the driver has set up the first pair only. */
	unsigned int nr = net__has(ndev, VIRTIO_NET_F_MQ) ? ndev->nr_pairs : 1;
	int hdr_len = ndev->hdr_len, ret, i;

	if (ioctl(tap->pairs[0].fd, TUNSETVNETHDRSZ, &hdr_len) < 0) {
		ret = -errno;
		error("%s: %s: cannot set a vnet header of %d bytes: %s",
		      ndev->name, tap->ifname, hdr_len, strerror(-ret));
		return ret;
	}
	ret = tap_set_offloads_locked(tap, ndev->features);
	if (ret)
		return ret;
	tap->running = true;
	tap->nr_running = min(nr, tap->nr_fds);
	for (i = 0; i < (int)tap->nr_running; i++)
		tap_pair_prepare(&tap->pairs[i], &ndev->pairs[i]);

	/* vhost-net takes attached queues only. */
	if (tap->vhost_open) {
		ret = tap_attach_pairs(tap, tap->nr_running);
		tap->vhost = !ret && !net_vhost__start(tap);
		tap_set_desc(tap, tap->vhost);
	}
	tap->active_pairs = clamp(READ_ONCE(ndev->active_pairs), 1U,
				  tap->nr_running);
	ret = tap_attach_pairs(tap, tap->active_pairs);
	if (ret)
		goto fail;
	for (i = 0; i < (int)tap->nr_running; i++) {
		ret = tap_pair_start(&tap->pairs[i]);
		if (ret)
			goto fail;
	}
	return 0;
fail:
	tap_stop_locked(tap);
	return ret;
}

static int tap_start(struct net_dev *ndev)
{
	struct tap_dev *tap = ndev->backend;
	int ret;

	if (!tap)
		return -ENODEV;
	mutex_lock(&tap->lock);
	/* Every start follows a reset, which stopped us: this is a safety net. */
	tap_stop_locked(tap);
	ret = tap_start_locked(tap);
	mutex_unlock(&tap->lock);
	return ret;
}

static void tap_stop(struct net_dev *ndev)
{
	struct tap_dev *tap = ndev->backend;

	if (!tap)
		return;
	mutex_lock(&tap->lock);
	tap_stop_locked(tap);
	mutex_unlock(&tap->lock);
}

static int tap_set_offloads(struct net_dev *ndev, u64 guest_offloads)
{
	struct tap_dev *tap = ndev->backend;
	int ret;

	mutex_lock(&tap->lock);
	ret = tap_set_offloads_locked(tap, guest_offloads);
	mutex_unlock(&tap->lock);
	return ret;
}

static int tap_set_pairs(struct net_dev *ndev, unsigned int pairs)
{
	struct tap_dev *tap = ndev->backend;
	int ret = 0;

	mutex_lock(&tap->lock);
	tap->active_pairs = pairs;
	/* Stopped, the next start attaches what its driver uses. */
	if (tap->running)
		ret = tap_attach_pairs(tap, min(pairs, tap->nr_running));
	mutex_unlock(&tap->lock);
	return ret;
}

static const char *tap_describe(struct net_dev *ndev)
{
	struct tap_dev *tap = ndev->backend;

	return tap ? tap->desc : "tap";
}

static void tap_exit(struct net_dev *ndev)
{
	struct tap_dev *tap = ndev->backend;

	if (!tap)
		return;
	tap_stop(ndev);
	ndev->backend = NULL;
	tap_free(tap);
}

const struct net_backend_ops net_tap__ops = {
	.name		= "tap",
	.init		= tap_init,
	.start		= tap_start,
	.stop		= tap_stop,
	.set_offloads	= tap_set_offloads,
	.set_pairs	= tap_set_pairs,
	.describe	= tap_describe,
	.exit		= tap_exit,
};

static void __attribute__((constructor)) net_tap__register(void)
{
	net__register_backend(NET_MODE_TAP, &net_tap__ops);
}
