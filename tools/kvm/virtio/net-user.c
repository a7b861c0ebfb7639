// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net's user mode (--network mode=user, the default): the guest's
 * frames go to libslirp, a TCP/IP stack in this process that answers
 * ARP, DHCP and DNS itself and NATs the guest's TCP and UDP onto
 * sockets of the host, so the guest has a network with no root and no
 * host setup.  The network is QEMU's: 10.0.2.0/24, the host (gateway)
 * at 10.0.2.2, DNS at 10.0.2.3, the guest at 10.0.2.15 by DHCP, and
 * fec0::/64 for IPv6 (host fec0::2, DNS fec0::3).  hostfwd= rules let
 * the host reach the guest's servers.
 *
 * libslirp is not thread-safe, so each NIC has one thread ("net-user0")
 * that makes every call into its instance: a poll() loop over
 * libslirp's sockets, its timers (kept here, as libslirp asks the
 * application for them), the kick eventfds of the TX and RX queues and
 * an eventfd that wakes the thread for start, stop and exit.  Before the
 * first start() no thread exists and init() (or a unit test) has the
 * instance to itself; the thread is joined before slirp_cleanup().
 *
 * TX: each frame is copied out of guest memory, so that libslirp parses
 * bytes the guest can no longer change, and given to slirp_input().
 * RX: libslirp's send_packet() puts the frame into RX buffers behind a
 * zeroed vnet header; when the ring is full, frames wait in a bounded
 * backlog for the driver's next RX kick, and while it is long the
 * thread stops reading libslirp's sockets, so that the host's senders
 * slow down instead of frames being dropped.
 *
 * The device's reset (stop()) takes the queues from the thread, but
 * libslirp's connections stay: a guest that resets its NIC keeps its
 * forwarded ports and, once it has its address again, its sessions.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dlfcn.h>
#include <arpa/inet.h>
#include <sys/eventfd.h>
#include <slirp/libslirp.h>

#include <linux/kernel.h>
#include <linux/list.h>

#include "kvm/kvm.h"
#include "kvm/virtio.h"
#include "kvm/virtio-net.h"
#include "kvm/log.h"
#include "kvm/util.h"
#include "net-user.h"

/*
 * libslirp, with the GLib it needs, is about a megabyte of lkvm's memory
 * once mapped: it is loaded when a guest first uses user mode, not by
 * every lkvm.  The pointers have the header's own types.
 */
static struct {
	__typeof__(slirp_new) *new;
	__typeof__(slirp_cleanup) *cleanup;
	__typeof__(slirp_input) *input;
	__typeof__(slirp_pollfds_fill) *pollfds_fill;
	__typeof__(slirp_pollfds_poll) *pollfds_poll;
	__typeof__(slirp_add_hostfwd) *add_hostfwd;
	__typeof__(slirp_version_string) *version_string;
} libslirp;

/* QEMU's user network, which guests and users know. */
#define USER_NET	"10.0.2.0"
#define USER_MASK	"255.255.255.0"
#define USER_HOST	"10.0.2.2"
#define USER_DNS	"10.0.2.3"
#define USER_DHCP	"10.0.2.15"
#define USER_NET6	"fec0::"
#define USER_NET6_LEN	64
#define USER_HOST6	"fec0::2"
#define USER_DNS6	"fec0::3"

/* libslirp's limit for if_mtu and if_mru. */
#define USER_MTU_MAX	65521

/*
 * RX backlog: frames libslirp sent while the RX ring was full.  Past
 * the limits they are dropped (TCP sends them again); from the
 * throttle mark on the thread stops reading libslirp's sockets.
 */
#define USER_BACKLOG_FRAMES	256
#define USER_BACKLOG_BYTES	(1 << 20)
#define USER_THROTTLE_FRAMES	(USER_BACKLOG_FRAMES / 2)
#define USER_THROTTLE_BYTES	(USER_BACKLOG_BYTES / 2)

/* TX frames per round of the loop, so that RX and timers get a turn. */
#define USER_TX_BATCH		64

/* A timer libslirp asked for (its IPv6 router advertisements). */
struct user_timer {
	struct list_head list;
	SlirpTimerCb cb;
	void *cb_opaque;
	s64 expire_ms;		/* -1: not armed */
	bool due;		/* expired in this round, callback not run yet */
};

struct user_frame {
	struct list_head list;
	size_t len;
	u8 data[];
};

struct net_user {
	struct net_dev *ndev;
	Slirp *slirp;
	int wake_fd;			/* eventfd: start, stop, exit, notify */
	char describe[96];

	/*
	 * Held by the thread whenever it is not sleeping in poll(), so
	 * by the time stop() has it and cleared @running the thread is
	 * done with the queues.  Also protects everything below.
	 */
	struct mutex lock;
	bool thread_started;
	bool exiting;
	bool running;			/* between start() and stop() */
	struct net_queue_pair *qp;	/* valid while running */
	pthread_t thread;

	/* The thread's (init's and the tests' before it starts). */
	struct list_head timers;
	struct pollfd *pfds;
	unsigned int nr_pfds;
	unsigned int max_pfds;
	bool kicks_polled;		/* pfds[1] and [2] are the kick fds */
	bool tx_pending;		/* look at the TX ring without a kick */
	bool rx_pending;		/* retry the backlog */
	bool rx_signal;			/* frames delivered since the last signal */

	struct list_head backlog;
	unsigned int backlog_frames;
	size_t backlog_bytes;

	struct virtq_elem *tx_elem;
	struct iovec tx_iov[VIRTIO_QUEUE_MAX_SIZE];
	u8 *tx_buf;			/* NET_MAX_FRAME bytes */

	ssize_t (*capture)(const void *frame, size_t len, void *opaque);
	void *capture_opaque;
};

/* ------------------------------------------------------------------ */
/* Timers and the clock, for libslirp */

static s64 user_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (s64)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int64_t user_clock_get_ns(void *opaque)
{
	return user_now_ns();
}

static void *user_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct net_user *nu = opaque;
	struct user_timer *t = xzalloc(sizeof(*t));

	t->cb = cb;
	t->cb_opaque = cb_opaque;
	t->expire_ms = -1;
	list_add_tail(&t->list, &nu->timers);
	return t;
}

static void user_timer_free(void *timer, void *opaque)
{
	struct user_timer *t = timer;

	list_del(&t->list);
	free(t);
}

/* @expire_ms is on user_clock_get_ns()'s clock, in milliseconds. */
static void user_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	struct user_timer *t = timer;

	t->expire_ms = expire_ms < 0 ? 0 : expire_ms;
	t->due = false;
}

/* Milliseconds until the first armed timer expires; UINT32_MAX: none. */
static u32 user_timers_timeout(struct net_user *nu)
{
	s64 now = user_now_ns() / 1000000, first = -1;
	struct user_timer *t;

	list_for_each_entry(t, &nu->timers, list) {
		if (t->expire_ms >= 0 && (first < 0 || t->expire_ms < first))
			first = t->expire_ms;
	}
	if (first < 0)
		return UINT32_MAX;
	if (first <= now)
		return 0;
	return min_t(s64, first - now, UINT32_MAX - 1);
}

/*
 * Runs the callbacks of the timers that have expired.  A callback may
 * re-arm or free any timer, so the list is walked again after each; a
 * timer re-armed meanwhile waits for the next round even if already due,
 * which keeps a timer that re-arms itself in the past from looping here.
 */
static void user_timers_run(struct net_user *nu)
{
	s64 now = user_now_ns() / 1000000;
	struct user_timer *t;

	list_for_each_entry(t, &nu->timers, list) {
		if (t->expire_ms >= 0 && t->expire_ms <= now) {
			t->expire_ms = -1;
			t->due = true;
		}
	}
again:
	list_for_each_entry(t, &nu->timers, list) {
		if (t->due) {
			t->due = false;
			t->cb(t->cb_opaque);
			goto again;
		}
	}
}

/* ------------------------------------------------------------------ */
/* RX: frames from libslirp to the guest */

static void user_rx_drop(struct net_user *nu)
{
	__atomic_fetch_add(&nu->ndev->stats.rx_dropped, 1, __ATOMIC_RELAXED);
}

/* net__rx_frame(): 0, -EAGAIN (keep it) or -EMSGSIZE (dropped). */
static int user_rx_deliver(struct net_user *nu, const void *frame, size_t len)
{
	static const struct virtio_net_hdr_v1 hdr;
	size_t hdr_len = min(nu->ndev->hdr_len, sizeof(hdr));
	struct iovec iov[2] = {
		{ .iov_base = (void *)&hdr, .iov_len = hdr_len },
		{ .iov_base = (void *)frame, .iov_len = len },
	};
	int ret;

	ret = net__rx_frame(nu->qp, iov, 2, hdr_len + len);
	if (!ret)
		nu->rx_signal = true;
	return ret;
}

static void user_backlog_add(struct net_user *nu, const void *frame, size_t len)
{
	struct user_frame *f;

	if (nu->backlog_frames >= USER_BACKLOG_FRAMES ||
	    nu->backlog_bytes + len > USER_BACKLOG_BYTES) {
		user_rx_drop(nu);
		return;
	}
	f = xmalloc(sizeof(*f) + len);
	f->len = len;
	memcpy(f->data, frame, len);
	list_add_tail(&f->list, &nu->backlog);
	nu->backlog_frames++;
	nu->backlog_bytes += len;
}

static void user_backlog_del(struct net_user *nu, struct user_frame *f)
{
	list_del(&f->list);
	nu->backlog_frames--;
	nu->backlog_bytes -= f->len;
	free(f);
}

/* Delivers the backlog, oldest first, until the ring is full again. */
static void user_backlog_flush(struct net_user *nu)
{
	struct user_frame *f, *next;

	list_for_each_entry_safe(f, next, &nu->backlog, list) {
		if (user_rx_deliver(nu, f->data, f->len) == -EAGAIN)
			return;
		user_backlog_del(nu, f);
	}
}

/* Frames for a driver that reset the device are no one's. */
static void user_backlog_drop(struct net_user *nu)
{
	struct user_frame *f, *next;

	list_for_each_entry_safe(f, next, &nu->backlog, list) {
		user_rx_drop(nu);
		user_backlog_del(nu, f);
	}
}

static bool user_rx_throttled(struct net_user *nu)
{
	return nu->running && (nu->backlog_frames >= USER_THROTTLE_FRAMES ||
			       nu->backlog_bytes >= USER_THROTTLE_BYTES);
}

/*
 * libslirp's send_packet, on the thread (or init's, before it).  The
 * frame is libslirp's: it is copied before this returns.  Frames keep
 * their order: once one waits in the backlog, the next ones queue
 * behind it.
 */
static ssize_t user_send_packet(const void *frame, size_t len, void *opaque)
{
	struct net_user *nu = opaque;

	if (nu->capture)
		return nu->capture(frame, len, nu->capture_opaque);
	if (!nu->running || len > NET_MAX_FRAME) {
		user_rx_drop(nu);
		return len;
	}
	if (list_empty(&nu->backlog) && user_rx_deliver(nu, frame, len) != -EAGAIN)
		return len;
	user_backlog_add(nu, frame, len);
	return len;
}

/* ------------------------------------------------------------------ */
/* TX: frames from the guest to libslirp */

/*
 * Sends what the guest queued, at most USER_TX_BATCH frames; returns
 * true when there may be more.  The frame is copied out of guest memory
 * first: libslirp must not parse bytes the guest can change under it.
 */
static bool user_tx(struct net_user *nu)
{
	struct net_queue_pair *qp = nu->qp;
	struct virtio_net_hdr_v1 hdr;
	unsigned int n;
	size_t len;
	int nr;

	for (n = 0; n < USER_TX_BATCH; n++) {
		if (net__tx_pop(qp, nu->tx_elem, &hdr, nu->tx_iov, &nr, &len) <= 0)
			break;
		if (len > NET_MAX_FRAME ||
		    iov_to_buf(nu->tx_iov, nr, 0, nu->tx_buf, len) != len) {
			net__tx_done(qp, nu->tx_elem, len, false);
			continue;
		}
		net__tx_done(qp, nu->tx_elem, len, true);
		libslirp.input(nu->slirp, nu->tx_buf, len);
	}
	if (n)
		virtq__signal(qp->tx);
	return n == USER_TX_BATCH;
}

/* ------------------------------------------------------------------ */
/* The thread */

static void user_wake(struct net_user *nu)
{
	u64 one = 1;

	if (write(nu->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		warning("%s: user mode: wake: %s", nu->ndev->name, strerror(errno));
}

static void user_drain(int fd)
{
	u64 v;

	if (read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		warning("user mode: eventfd: %s", strerror(errno));
}

/* libslirp's notify: a socket may take more now; look again at once. */
static void user_notify(void *opaque)
{
	user_wake(opaque);
}

/* The loop polls what slirp_pollfds_fill() asks for at each round. */
static void user_register_poll_fd(int fd, void *opaque)
{
}

static void user_unregister_poll_fd(int fd, void *opaque)
{
}

static void user_guest_error(const char *msg, void *opaque)
{
	struct net_user *nu = opaque;

	/* The guest's doing, and it could do it a lot: not for the user. */
	pr_debug("%s: user mode: %s", nu->ndev->name, msg);
}

static int user_pfd_add(struct net_user *nu, int fd, short events)
{
	if (nu->nr_pfds == nu->max_pfds) {
		nu->max_pfds = nu->max_pfds ? nu->max_pfds * 2 : 16;
		nu->pfds = xrealloc(nu->pfds, nu->max_pfds * sizeof(*nu->pfds));
	}
	nu->pfds[nu->nr_pfds] = (struct pollfd) { .fd = fd, .events = events };
	return nu->nr_pfds++;
}

static int user_add_poll(int fd, int events, void *opaque)
{
	struct net_user *nu = opaque;
	short ev = 0;

	/* Data for a guest with no room left: leave it with the host. */
	if ((events & SLIRP_POLL_IN) && !user_rx_throttled(nu))
		ev |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	return user_pfd_add(nu, fd, ev);
}

static int user_get_revents(int idx, void *opaque)
{
	struct net_user *nu = opaque;
	short rev;
	int ret = 0;

	if (idx < 0 || (unsigned int)idx >= nu->nr_pfds)
		return 0;
	rev = nu->pfds[idx].revents;
	if (rev & POLLIN)
		ret |= SLIRP_POLL_IN;
	if (rev & POLLOUT)
		ret |= SLIRP_POLL_OUT;
	if (rev & POLLPRI)
		ret |= SLIRP_POLL_PRI;
	if (rev & (POLLERR | POLLNVAL))
		ret |= SLIRP_POLL_ERR;
	if (rev & POLLHUP)
		ret |= SLIRP_POLL_HUP;
	return ret;
}

/* The poll set and timeout of the next round.  With nu->lock held. */
static int user_poll_fill(struct net_user *nu)
{
	u32 timeout = user_timers_timeout(nu);

	nu->nr_pfds = 0;
	user_pfd_add(nu, nu->wake_fd, POLLIN);
	nu->kicks_polled = nu->running;
	if (nu->running) {
		user_pfd_add(nu, nu->qp->tx->kick_fd, POLLIN);
		user_pfd_add(nu, nu->qp->rx->kick_fd, POLLIN);
	}
	libslirp.pollfds_fill(nu->slirp, &timeout, user_add_poll, nu);
	if (nu->running && nu->tx_pending)
		timeout = 0;
	if (timeout == UINT32_MAX)
		return -1;
	return min_t(u32, timeout, INT_MAX);
}

/* What the round's poll() found.  With nu->lock held. */
static void user_poll_run(struct net_user *nu, bool poll_failed)
{
	if (!poll_failed && (nu->pfds[0].revents & POLLIN))
		user_drain(nu->wake_fd);
	if (!poll_failed && nu->kicks_polled && nu->running) {
		if (nu->pfds[1].revents & POLLIN) {
			user_drain(nu->pfds[1].fd);
			nu->tx_pending = true;
		}
		if (nu->pfds[2].revents & POLLIN) {
			user_drain(nu->pfds[2].fd);
			nu->rx_pending = true;
		}
	}
	if (nu->running && nu->rx_pending) {
		nu->rx_pending = false;
		user_backlog_flush(nu);
	}
	libslirp.pollfds_poll(nu->slirp, poll_failed, user_get_revents, nu);
	user_timers_run(nu);
	if (!nu->running)
		return;
	if (nu->tx_pending)
		nu->tx_pending = user_tx(nu);
	if (nu->rx_signal) {
		nu->rx_signal = false;
		net__rx_signal(nu->qp);
	}
}

static void *user_thread(void *arg)
{
	struct net_user *nu = arg;
	int timeout, n;

	mutex_lock(&nu->lock);
	while (!nu->exiting) {
		timeout = user_poll_fill(nu);
		mutex_unlock(&nu->lock);
		n = poll(nu->pfds, nu->nr_pfds, timeout);
		mutex_lock(&nu->lock);
		if (!nu->exiting)
			user_poll_run(nu, n < 0);
	}
	mutex_unlock(&nu->lock);
	return NULL;
}

/*
 * The thread starts with every signal blocked: the ones lkvm handles
 * (SIGINT, SIGTERM, the vCPU kick) belong to the threads that wait for
 * them, and a SIGPIPE from a socket libslirp writes to stays pending
 * here instead of ending lkvm.  With nu->lock held.
 */
static int user_thread_start(struct net_user *nu)
{
	sigset_t all, old;
	char name[16];
	int ret;

	sigfillset(&all);
	/* The seccomp filter's trap must reach its handler (kvm/seccomp.h). */
	sigdelset(&all, SIGSYS);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = -pthread_create(&nu->thread, NULL, user_thread, nu);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		return ret;
	snprintf(name, sizeof(name), "net-user%u", nu->ndev->id);
	pthread_setname_np(nu->thread, name);
	nu->thread_started = true;
	return 0;
}

/* ------------------------------------------------------------------ */
/* hostfwd= */

#define HOSTFWD_SYNTAX	"[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT"

/* Cuts @s at the first @sep; returns what follows it, or NULL. */
static char *cut(char *s, char sep)
{
	char *p = strchr(s, sep);

	if (!p)
		return NULL;
	*p = '\0';
	return p + 1;
}

/* A decimal port, 1 to 65535. */
static int parse_port(const char *rule, const char *s, u16 *port)
{
	unsigned long v = 0;
	const char *p;

	for (p = s; *p >= '0' && *p <= '9' && v <= 65535; p++)
		v = v * 10 + (*p - '0');
	if (p == s || *p || !v || v > 65535)
		return error("--network: hostfwd=%s: port '%s' is not a number from 1 to 65535",
			     rule, s);
	*port = v;
	return 0;
}

/* Dotted quad or empty (@def). */
static int parse_addr(const char *rule, const char *s, struct in_addr def,
		      struct in_addr *addr)
{
	if (!*s) {
		*addr = def;
		return 0;
	}
	if (inet_pton(AF_INET, s, addr) != 1)
		return error("--network: hostfwd=%s: '%s' is not an IPv4 address", rule, s);
	return 0;
}

/*
 * The guest's end must be a guest of 10.0.2.0/24: not the network or
 * its broadcast address, nor the host's or the DNS server's, which are
 * libslirp's.
 */
static int check_guest_addr(const char *rule, struct in_addr a)
{
	u32 ip = ntohl(a.s_addr), net = ntohl(inet_addr(USER_NET));
	u32 mask = ntohl(inet_addr(USER_MASK));
	char s[INET_ADDRSTRLEN];

	if (!a.s_addr)
		return 0;
	if ((ip & mask) == net && ip != net && ip != (net | ~mask) &&
	    a.s_addr != inet_addr(USER_HOST) && a.s_addr != inet_addr(USER_DNS))
		return 0;
	inet_ntop(AF_INET, &a, s, sizeof(s));
	return error("--network: hostfwd=%s: guest address %s is not a guest's in %s/24",
		     rule, s, USER_NET);
}

int net_user__parse_hostfwd(const char *rule, struct net_user_hostfwd *fwd)
{
	struct in_addr any = { .s_addr = htonl(INADDR_ANY) };
	char buf[64], *proto, *haddr, *hport, *gaddr, *gport;
	size_t len = strlen(rule);

	if (len >= sizeof(buf))
		return error("--network: hostfwd=%s: too long for " HOSTFWD_SYNTAX, rule);
	memcpy(buf, rule, len + 1);
	proto = buf;
	haddr = cut(proto, ':');
	if (haddr && *haddr == '[')
		return error("--network: hostfwd=%s: the host address must be IPv4 (or none)",
			     rule);
	hport = haddr ? cut(haddr, ':') : NULL;
	gaddr = hport ? cut(hport, '-') : NULL;
	gport = gaddr ? cut(gaddr, ':') : NULL;
	if (!gport)
		return error("--network: hostfwd=%s: expected " HOSTFWD_SYNTAX, rule);

	*fwd = (struct net_user_hostfwd) { 0 };
	/* QEMU takes an empty protocol for tcp. */
	if (!strcmp(proto, "udp"))
		fwd->udp = true;
	else if (*proto && strcmp(proto, "tcp"))
		return error("--network: hostfwd=%s: protocol '%s' is not tcp or udp",
			     rule, proto);
	if (parse_addr(rule, haddr, any, &fwd->host_addr) ||
	    parse_port(rule, hport, &fwd->host_port) ||
	    parse_addr(rule, gaddr, (struct in_addr){ 0 }, &fwd->guest_addr) ||
	    check_guest_addr(rule, fwd->guest_addr) ||
	    parse_port(rule, gport, &fwd->guest_port))
		return -1;
	return 0;
}

static int user_add_hostfwd(struct net_user *nu, const char *rule)
{
	struct net_user_hostfwd f;
	char host[INET_ADDRSTRLEN];

	if (net_user__parse_hostfwd(rule, &f))
		return -1;
	errno = 0;
	if (!libslirp.add_hostfwd(nu->slirp, f.udp, f.host_addr, f.host_port,
			       f.guest_addr, f.guest_port))
		return 0;
	inet_ntop(AF_INET, &f.host_addr, host, sizeof(host));
	return error("--network: hostfwd=%s: cannot listen on %s %s:%u: %s",
		     rule, f.udp ? "UDP" : "TCP", host, f.host_port,
		     errno ? strerror(errno) : "libslirp refused");
}

/* ------------------------------------------------------------------ */
/* The backend */

static const SlirpCb user_callbacks = {
	.send_packet		= user_send_packet,
	.guest_error		= user_guest_error,
	.clock_get_ns		= user_clock_get_ns,
	.timer_new		= user_timer_new,
	.timer_free		= user_timer_free,
	.timer_mod		= user_timer_mod,
	.register_poll_fd	= user_register_poll_fd,
	.unregister_poll_fd	= user_unregister_poll_fd,
	.notify			= user_notify,
};

static const char *user_guest_name(struct net_dev *ndev)
{
	struct kvm *kvm = ndev->vdev.kvm;

	if (kvm && kvm->cfg.guest_name)
		return kvm->cfg.guest_name;
	return "lkvm";
}

#define LIBSLIRP_SONAME		"libslirp.so.0"

static void *libslirp_sym(void *handle, const char *name, int *missing)
{
	void *sym = dlsym(handle, name);

	if (!sym) {
		error("user mode: %s has no %s", LIBSLIRP_SONAME, name);
		(*missing)++;
	}
	return sym;
}

static int libslirp_load(void)
{
	static DEFINE_MUTEX(load_lock);
	static void *handle;
	int missing = 0;

	mutex_lock(&load_lock);
	if (handle)
		goto out;
	handle = dlopen(LIBSLIRP_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		error("user mode networking needs %s (%s): install Debian's libslirp0, or give the guest -n mode=tap or --no-network",
		      LIBSLIRP_SONAME, dlerror());
		missing = 1;
		goto out;
	}
	libslirp.new = libslirp_sym(handle, "slirp_new", &missing);
	libslirp.cleanup = libslirp_sym(handle, "slirp_cleanup", &missing);
	libslirp.input = libslirp_sym(handle, "slirp_input", &missing);
	libslirp.pollfds_fill = libslirp_sym(handle, "slirp_pollfds_fill", &missing);
	libslirp.pollfds_poll = libslirp_sym(handle, "slirp_pollfds_poll", &missing);
	libslirp.add_hostfwd = libslirp_sym(handle, "slirp_add_hostfwd", &missing);
	libslirp.version_string = libslirp_sym(handle, "slirp_version_string", &missing);
	if (missing) {
		dlclose(handle);
		handle = NULL;
	}
out:
	mutex_unlock(&load_lock);
	return missing ? -1 : 0;
}

static Slirp *user_slirp_new(struct net_user *nu)
{
	struct net_params *p = &nu->ndev->params;
	SlirpConfig cfg = {
		.version	= 4,
		.restricted	= false,
		.in_enabled	= true,
		.in6_enabled	= true,
		.vprefix_len	= USER_NET6_LEN,
		.vhostname	= user_guest_name(nu->ndev),
		/* 0: libslirp's 1500 */
		.if_mtu		= p->mtu,
		.if_mru		= p->mtu,
	};

	inet_pton(AF_INET, USER_NET, &cfg.vnetwork);
	inet_pton(AF_INET, USER_MASK, &cfg.vnetmask);
	inet_pton(AF_INET, USER_HOST, &cfg.vhost);
	inet_pton(AF_INET, USER_DHCP, &cfg.vdhcp_start);
	inet_pton(AF_INET, USER_DNS, &cfg.vnameserver);
	inet_pton(AF_INET6, USER_NET6, &cfg.vprefix_addr6);
	inet_pton(AF_INET6, USER_HOST6, &cfg.vhost6);
	inet_pton(AF_INET6, USER_DNS6, &cfg.vnameserver6);
	return libslirp.new(&cfg, &user_callbacks, nu);
}

static void user_free(struct net_user *nu)
{
	struct user_timer *t, *next;

	if (nu->slirp)
		libslirp.cleanup(nu->slirp);
	/* Timers libslirp did not free itself. */
	list_for_each_entry_safe(t, next, &nu->timers, list)
		user_timer_free(t, nu);
	user_backlog_drop(nu);
	if (nu->wake_fd >= 0)
		close(nu->wake_fd);
	mutex_destroy(&nu->lock);
	free(nu->pfds);
	free(nu->tx_buf);
	free(nu->tx_elem);
	free(nu);
}

static int user_init(struct net_dev *ndev, u64 *features)
{
	struct net_params *p = &ndev->params;
	struct net_user *nu;
	unsigned int i;

	if (p->mq > 1)
		return error("--network: mq=%u: user mode has one queue pair",
			     p->mq);
	if (p->mtu > USER_MTU_MAX)
		return error("--network: mtu=%u: user mode (libslirp) takes at most %u",
			     p->mtu, USER_MTU_MAX);

	if (libslirp_load() < 0)
		return -1;

	nu = xzalloc(sizeof(*nu));
	nu->ndev = ndev;
	mutex_init(&nu->lock);
	INIT_LIST_HEAD(&nu->timers);
	INIT_LIST_HEAD(&nu->backlog);
	nu->tx_elem = virtq_elem__alloc();
	nu->tx_buf = xmalloc(NET_MAX_FRAME);
	nu->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (nu->wake_fd < 0) {
		error("%s: user mode: eventfd: %s", ndev->name, strerror(errno));
		goto err;
	}

	/* Every rule's syntax before the first socket is opened. */
	for (i = 0; i < p->nr_hostfwd; i++) {
		struct net_user_hostfwd f;

		if (net_user__parse_hostfwd(p->hostfwd[i], &f))
			goto err;
	}
	nu->slirp = user_slirp_new(nu);
	if (!nu->slirp) {
		error("%s: user mode: libslirp %s would not start", ndev->name,
		      libslirp.version_string());
		goto err;
	}
	for (i = 0; i < p->nr_hostfwd; i++) {
		if (user_add_hostfwd(nu, p->hostfwd[i]))
			goto err;
	}

	if (p->nr_hostfwd)
		snprintf(nu->describe, sizeof(nu->describe),
			 "user (libslirp %s, %s/24 by DHCP, %u hostfwd)",
			 libslirp.version_string(), USER_DHCP, p->nr_hostfwd);
	else
		snprintf(nu->describe, sizeof(nu->describe),
			 "user (libslirp %s, %s/24 by DHCP)",
			 libslirp.version_string(), USER_DHCP);
	ndev->nr_pairs = 1;
	ndev->backend = nu;
	return 0;
err:
	user_free(nu);
	return -1;
}

static int user_start(struct net_dev *ndev)
{
	struct net_user *nu = ndev->backend;
	int ret = 0;

	mutex_lock(&nu->lock);
	nu->qp = &ndev->pairs[0];
	nu->running = true;
	/* Frames queued before DRIVER_OK, or while we were stopped. */
	nu->tx_pending = true;
	nu->rx_pending = true;
	if (!nu->thread_started)
		ret = user_thread_start(nu);
	if (ret) {
		nu->running = false;
		nu->qp = NULL;
	}
	mutex_unlock(&nu->lock);
	if (ret)
		error("%s: user mode: thread: %s", ndev->name, strerror(-ret));
	else
		user_wake(nu);
	return ret;
}

static void user_stop(struct net_dev *ndev)
{
	struct net_user *nu = ndev->backend;

	/* Once we hold the lock the thread is in poll() or waiting for it. */
	mutex_lock(&nu->lock);
	nu->running = false;
	nu->qp = NULL;
	nu->tx_pending = false;
	nu->rx_pending = false;
	nu->rx_signal = false;
	user_backlog_drop(nu);
	mutex_unlock(&nu->lock);
	/* Out of poll(), to poll without the kick fds. */
	user_wake(nu);
}

static int user_set_offloads(struct net_dev *ndev, u64 guest_offloads)
{
	/* Nothing was offered: the guest gets whole, checksummed frames. */
	return guest_offloads ? -EINVAL : 0;
}

static const char *user_describe(struct net_dev *ndev)
{
	struct net_user *nu = ndev->backend;

	return nu->describe;
}

static void user_exit(struct net_dev *ndev)
{
	struct net_user *nu = ndev->backend;
	bool started;

	if (!nu)
		return;
	user_stop(ndev);
	mutex_lock(&nu->lock);
	nu->exiting = true;
	started = nu->thread_started;
	mutex_unlock(&nu->lock);
	if (started) {
		user_wake(nu);
		pthread_join(nu->thread, NULL);
	}
	ndev->backend = NULL;
	user_free(nu);
}

const struct net_backend_ops net_user__ops = {
	.name		= "user",
	.init		= user_init,
	.start		= user_start,
	.stop		= user_stop,
	.set_offloads	= user_set_offloads,
	.describe	= user_describe,
	.exit		= user_exit,
};

static void __attribute__((constructor)) net_user__register(void)
{
	net__register_backend(NET_MODE_USER, &net_user__ops);
}

/* ------------------------------------------------------------------ */
/* For the unit tests */

void net_user__input(struct net_dev *ndev, const void *frame, size_t len)
{
	struct net_user *nu = ndev->backend;

	if (nu->thread_started || len > INT_MAX)
		return;
	libslirp.input(nu->slirp, frame, len);
}

void net_user__capture(struct net_dev *ndev,
		       ssize_t (*fn)(const void *frame, size_t len, void *opaque),
		       void *opaque)
{
	struct net_user *nu = ndev->backend;

	mutex_lock(&nu->lock);
	nu->capture = fn;
	nu->capture_opaque = opaque;
	mutex_unlock(&nu->lock);
}
