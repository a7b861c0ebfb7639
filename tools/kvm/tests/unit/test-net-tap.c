// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net's tap backend against real taps, without KVM: a driver
 * written here programs the device through virtio-mmio in the fake guest
 * RAM, and the host side of each tap is an AF_PACKET socket bound to it.
 * A frame from the guest is read on that socket as the host stack
 * receives it; a frame the socket sends on the tap is what the tap's fd
 * reads, and must land in the guest's RX buffers with a vnet header that
 * says what the negotiated offloads allow (a TSO packet whole, or cut
 * and checksummed by the kernel).  The errors for taps that cannot be
 * had must say why and what to do.  Needs root (CAP_NET_ADMIN) and
 * /dev/net/tun; vhost-net parts need /dev/vhost-net too.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_net.h>

#include <linux/kernel.h>

#include "kvm/bus.h"
#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"
#include "kvm/virtio.h"
#include "kvm/virtio-mmio.h"
#include "kvm/virtio-net.h"
#include "kvm/log.h"
#include "tap.h"
#include "fake-kvm.h"
#include "fake-mmio-driver.h"
#include "../../virtio/net-tap.h"

/* A NIC has at most two pairs and the control queue here. */
#define NQ		MAX_QUEUES
/* Buffers of 4 KiB: RX and TX ones per pair, and the control queue's. */
#define PAGE_BUF	0x1000
#define RXBUF(q, k)	(DATA + ((q) / 2 * QSIZE + (k)) * PAGE_BUF)
#define TXBUF(q, k)	(DATA + (64 + (q) / 2 * QSIZE + (k)) * PAGE_BUF)
#define CTRLBUF		(DATA + 120 * PAGE_BUF)

#define F(bit)		(1ULL << (bit))
#define F_BASE		(F(VIRTIO_F_VERSION_1) | F(VIRTIO_NET_F_MAC) |	\
			 F(VIRTIO_NET_F_MRG_RXBUF) | F(VIRTIO_NET_F_CTRL_VQ))
#define F_HOST		(F(VIRTIO_NET_F_CSUM) | F(VIRTIO_NET_F_HOST_TSO4) |	\
			 F(VIRTIO_NET_F_HOST_TSO6) | F(VIRTIO_NET_F_HOST_ECN))
#define F_GUEST		(F(VIRTIO_NET_F_GUEST_CSUM) | F(VIRTIO_NET_F_GUEST_TSO4) | \
			 F(VIRTIO_NET_F_GUEST_TSO6) | F(VIRTIO_NET_F_GUEST_ECN) | \
			 F(VIRTIO_NET_F_CTRL_GUEST_OFFLOADS))

#define TEST_TYPE	0x88b5		/* IEEE 802 local experimental */
#define WAIT_MS		2000

static struct kvm *kvm;
static int nq;			/* its queues, control queue last */
static u16 used_seen[NQ], rx_head[NQ], tx_desc[NQ];
static const u8 test_src[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const u8 bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* ------------------------------------------------------------------ */
/* The driver */

static void use_nic(int index, int queues)
{
	u64 size;
	int irq;

	virtio_mmio__device_info(index, &mmio_base, &size, &irq);
	nq = queues;
}

/* Resets the NIC and brings it up with @features; true if accepted. */
static bool driver_setup(u64 features)
{
	mmio_reset(RAM_SIZE);
	memset(used_seen, 0, sizeof(used_seen));
	memset(rx_head, 0, sizeof(rx_head));
	memset(tx_desc, 0, sizeof(tx_desc));
	if (!mmio_driver_setup(features, true, nq, QSIZE))
		return false;
	mmio_wr(VIRTIO_MMIO_INTERRUPT_ACK, 3);
	return true;
}

/* @n more RX buffers of 4 KiB on @q (at most a ring's), then a kick. */
static void rx_post(int q, int n)
{
	u32 len = PAGE_BUF;
	u64 addr;
	int i;

	for (i = 0; i < n; i++) {
		addr = RXBUF(q, rx_head[q]);
		mmio_submit(q, rx_head[q], &addr, &len, 1, 0, false);
		rx_head[q] = (rx_head[q] + 1) % QSIZE;
	}
	mmio_wr(VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

/* RX buffers on @q until the ring is full. */
static void rx_fill(int q)
{
	rx_post(q, QSIZE - (u16)(mmio_avail_idx[q] - used_idx(q)));
}

/*
 * The next packet the device put on RX queue @q (one buffer each here),
 * within @ms: its buffer (vnet header first) and length, or NULL.
 */
static u8 *rx_next(int q, int ms, u32 *len)
{
	struct vring_used_elem e;
	int i;

	for (i = 0; used_idx(q) == used_seen[q]; i++) {
		if (i >= ms)
			return NULL;
		sleep_ms(1);
	}
	e = used_ring(q)->ring[used_seen[q]++ % QSIZE];
	*len = e.len;
	return gpa(RXBUF(q, e.id));
}

/* The next packet of ours (source test_src) on @q; others are skipped. */
static u8 *rx_ours(int q, int ms, u32 *len)
{
	u8 *p;

	while ((p = rx_next(q, ms, len))) {
		if (*len >= 12 + ETH_HLEN && !memcmp(p + 12 + 6, test_src, 6))
			return p;
	}
	return NULL;
}

/* A frame from the guest: the vnet header @h, the frame in @pieces descriptors. */
static void tx_send(int q, const struct virtio_net_hdr_v1 *h, const u8 *frame,
		    u32 flen, int pieces, bool kick)
{
	u64 addr[5];
	u32 len[5];
	u16 head;
	u8 *p;
	int n = 0, i;

	if (tx_desc[q] + pieces + 1 > QSIZE)
		tx_desc[q] = 0;
	head = tx_desc[q];
	p = gpa(TXBUF(q, head));
	memcpy(p, h, 12);
	if (!pieces) {
		/* Header and frame in one buffer, as Linux's driver sends. */
		memcpy(p + 12, frame, flen);
		addr[n] = TXBUF(q, head);
		len[n++] = 12 + flen;
	} else {
		memcpy(p + 256, frame, flen);
		addr[n] = TXBUF(q, head);
		len[n++] = 12;
		for (i = 0; i < pieces; i++) {
			u32 off = flen / pieces * i;

			addr[n] = TXBUF(q, head) + 256 + off;
			len[n++] = i + 1 < pieces ? flen / pieces : flen - off;
		}
	}
	mmio_submit(q, head, addr, len, n, n, kick);
	tx_desc[q] += n;
}

/* Sends a control command; returns the ack, or -1 when not answered. */
static int ctrl(u8 class, u8 cmd, const void *data, u32 dlen)
{
	u8 *buf = gpa(CTRLBUF);

	buf[0] = class;
	buf[1] = cmd;
	memcpy(buf + 2, data, dlen);
	return mmio_request(nq - 1, CTRLBUF, 2 + dlen, CTRLBUF + PAGE_BUF);
}

static int set_guest_offloads(u64 offloads)
{
	__le64 v = htole64(offloads);

	return ctrl(VIRTIO_NET_CTRL_GUEST_OFFLOADS,
		    VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET, &v, 8);
}

/* ------------------------------------------------------------------ */
/* The host side */

static int if_up(const char *name, bool up)
{
	struct ifreq ifr = { 0 };
	char path[128];
	int s, ret;
	FILE *f;

	/* No IPv6 on the tap: the host would send it router solicitations. */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", name);
	f = fopen(path, "w");
	if (f) {
		fputs("1\n", f);
		fclose(f);
	}
	s = socket(AF_INET, SOCK_DGRAM, 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ret = ioctl(s, SIOCGIFFLAGS, &ifr);
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	ret = ret ?: ioctl(s, SIOCSIFFLAGS, &ifr);
	close(s);
	return ret;
}

/* A packet socket on @ifindex: receives @proto, or nothing for 0. */
static int pkt_socket(int ifindex, int proto, bool vnet)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(proto),
		.sll_ifindex = ifindex,
	};
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(proto));
	int one = 1;

	if (fd < 0)
		return -1;
	if ((vnet && setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one))) ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The next frame the host received on the socket's tap, within @ms. */
static ssize_t pkt_recv(int fd, u8 *buf, size_t len, int ms)
{
	struct sockaddr_ll from;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	socklen_t flen;
	ssize_t n;

	for (;;) {
		if (poll(&p, 1, ms) <= 0)
			return -1;
		flen = sizeof(from);
		n = recvfrom(fd, buf, len, 0, (struct sockaddr *)&from, &flen);
		/* The socket says so once when its tap went down. */
		if (n < 0 && errno == ENETDOWN)
			continue;
		if (n < 0)
			return -1;
		/* Our own sends show up too: only what came in counts. */
		if (from.sll_pkttype != PACKET_OUTGOING)
			return n;
	}
}

static bool pkt_send(int fd, int ifindex, const void *buf, size_t len)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = ifindex,
	};

	return sendto(fd, buf, len, 0, (struct sockaddr *)&sll, sizeof(sll)) ==
	       (ssize_t)len;
}

static size_t test_frame(u8 *f, const u8 *dst, u8 tag, size_t len)
{
	size_t i;

	memcpy(f, dst, 6);
	memcpy(f + 6, test_src, 6);
	f[12] = TEST_TYPE >> 8;
	f[13] = TEST_TYPE & 0xff;
	for (i = 14; i < len; i++)
		f[i] = tag + i;
	return len;
}

static u32 csum_add(const u8 *p, size_t n, u32 sum)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += p[n - 1] << 8;
	return sum;
}

static u16 csum_fold(u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/*
 * A TCP/IPv4 frame with @payload bytes after @h, a vnet header asking for
 * TSO in @mss segments: the checksum field holds the pseudo-header sum,
 * as the stack leaves it for a device that finishes checksums.
 */
static size_t tcp_gso_packet(u8 *buf, const u8 *dst, size_t payload, u16 mss)
{
	struct virtio_net_hdr *h = (struct virtio_net_hdr *)buf;
	u8 *e = buf + sizeof(*h), *ip = e + ETH_HLEN, *tcp = ip + 20;
	u16 tot = 40 + payload, c;
	size_t i;

	memset(buf, 0, sizeof(*h) + ETH_HLEN + 40);
	memcpy(e, dst, 6);
	memcpy(e + 6, test_src, 6);
	e[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = tot >> 8;
	ip[3] = tot;
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = 6;
	ip[12] = 10;
	ip[15] = 1;
	ip[16] = 10;
	ip[19] = 2;
	c = ~csum_fold(csum_add(ip, 20, 0));
	ip[10] = c >> 8;
	ip[11] = c;
	tcp[1] = 80;
	tcp[3] = 81;
	tcp[7] = 1;
	tcp[12] = 5 << 4;
	tcp[13] = 0x18;
	tcp[14] = 0xff;
	tcp[15] = 0xff;
	for (i = 0; i < payload; i++)
		tcp[20 + i] = i * 7;
	c = csum_fold(csum_add(ip + 12, 8, 6 + 20 + payload));
	tcp[16] = c >> 8;
	tcp[17] = c;
	*h = (struct virtio_net_hdr) {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
		.hdr_len = ETH_HLEN + 40,
		.gso_size = mss,
		.csum_start = ETH_HLEN + 20,
		.csum_offset = 16,
	};
	return sizeof(*h) + ETH_HLEN + 40 + payload;
}

/* Whether the TCP checksum of the IPv4 frame @f of @len bytes is right. */
static bool tcp_csum_ok(const u8 *f, size_t len)
{
	const u8 *ip = f + ETH_HLEN;
	size_t tl = len - ETH_HLEN - 20;

	return csum_fold(csum_add(ip + 20, tl, csum_add(ip + 12, 8, 6 + tl))) == 0xffff;
}

/* ------------------------------------------------------------------ */
/* Messages */

static FILE *capture_file;
static int capture_fd = -1;

static void capture_start(void)
{
	fflush(stderr);
	capture_file = tmpfile();
	capture_fd = dup(2);
	dup2(fileno(capture_file), 2);
	loglevel = LOGLEVEL_INFO;
}

static const char *capture_end(void)
{
	static char msg[4096];
	size_t n;

	loglevel = -1;
	fflush(stderr);
	dup2(capture_fd, 2);
	close(capture_fd);
	rewind(capture_file);
	n = fread(msg, 1, sizeof(msg) - 1, capture_file);
	msg[n] = '\0';
	fclose(capture_file);
	return msg;
}

/* Adds a NIC for --network @arg; its messages in *@msg. */
static int add_nic(const char *arg, struct net_dev **nd, const char **msg)
{
	struct net_params p;
	int ret;

	capture_start();
	ret = net__parse_params(arg, &p);
	if (!ret)
		ret = virtio_net__add(kvm, &p, nd);
	*msg = capture_end();
	return ret;
}

static bool has(const char *msg, const char *what)
{
	bool r = strstr(msg, what);

	if (!r)
		diag("  no \"%s\" in: %s", what, msg);
	return r;
}

static int sysfs_int(const char *name, const char *attr, int base_)
{
	char path[128], buf[32];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", name, attr);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strtol(buf, NULL, base_);
}

/* A tun or tap of our own, held open: its fd, its name in @name. */
static int own_tun(const char *pattern, int flags, char *name)
{
	struct ifreq ifr = { .ifr_flags = flags };
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", pattern);
	if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	memcpy(name, ifr.ifr_name, IFNAMSIZ);
	return fd;
}

/* ------------------------------------------------------------------ */
/* Taps that cannot be had */

/* In a child without CAP_NET_ADMIN: what creating a tap says. */
static const char *add_without_net_admin(int *status)
{
	static char msg[2048];
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	int pfd[2];
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe(pfd))
		return "";
	pid = fork();
	if (!pid) {
		struct net_dev *nd;
		struct net_params p;

		close(pfd[0]);
		dup2(pfd[1], 2);
		if (syscall(SYS_capget, &h, d))
			_exit(3);
		d[0].effective &= ~(1U << CAP_NET_ADMIN);
		if (syscall(SYS_capset, &h, d))
			_exit(3);
		net__parse_params("mode=tap,tapif=lkvmperm%d,vhost=off", &p);
		_exit(virtio_net__add(kvm, &p, &nd) ? 0 : 1);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], msg + got, sizeof(msg) - 1 - got)) > 0)
		got += n;
	msg[got] = '\0';
	close(pfd[0]);
	waitpid(pid, status, 0);
	return msg;
}

static void test_errors(void)
{
	char name[IFNAMSIZ], path[64];
	struct net_dev *nd;
	const char *msg, *p;
	int fd, status;

	ok(add_nic("mode=tap,tapif=a/b", &nd, &msg) < 0 &&
	   has(msg, "tapif=a/b is not an interface name"),
	   "tapif=a/b: not an interface name, and what one is");
	ok(add_nic("mode=tap,tapif=lo", &nd, &msg) < 0 &&
	   has(msg, "lo exists and is not a tap"),
	   "tapif=lo: exists and is not a tap");

	fd = own_tun("lkvmtun%d", IFF_TUN | IFF_NO_PI, name);
	snprintf(path, sizeof(path), "mode=tap,tapif=%s", name);
	ok(fd >= 0 && add_nic(path, &nd, &msg) < 0 &&
	   has(msg, "is a tun device, not a tap (ip tuntap add"),
	   "a tun device: not a tap, and how to make one");
	close(fd);

	fd = own_tun("lkvmbusy%d", IFF_TAP | IFF_NO_PI, name);
	snprintf(path, sizeof(path), "mode=tap,tapif=%s", name);
	ok(fd >= 0 && add_nic(path, &nd, &msg) < 0 &&
	   has(msg, "is in use by another program"),
	   "a tap another program has open: in use (EBUSY)");
	close(fd);

	msg = add_without_net_admin(&status);
	ok(WIFEXITED(status) && !WEXITSTATUS(status) &&
	   has(msg, "need CAP_NET_ADMIN (run as root, or create a persistent tap with `ip tuntap add NAME mode tap user $USER` and pass tapif=NAME)"),
	   "without CAP_NET_ADMIN: the reason and both fixes");

	ok(add_nic("mode=tap,tapif=lkvmerr%d,vhost=off,script=/nonexistent/up", &nd,
		   &msg) < 0 &&
	   has(msg, "cannot run script=/nonexistent/up: No such file or directory"),
	   "a script that is not there: cannot run it");
	ok(add_nic("mode=tap,tapif=lkvmerr%d,vhost=off,script=/bin/false", &nd,
		   &msg) < 0 &&
	   has(msg, "script=/bin/false lkvmerr") && has(msg, " exited with status 1"),
	   "a script that fails: its status, and the tap it was given");
	p = strstr(msg, "script=/bin/false ");
	ok(p && sscanf(p, "script=/bin/false %15s", name) == 1 &&
	   !if_nametoindex(name), "... and the tap it made is gone");

	if (!access("/dev/vhost-net", F_OK)) {
		skip(1, "/dev/vhost-net exists");
		return;
	}
	ok(add_nic("mode=tap,tapif=lkvmerr%d,vhost=on", &nd, &msg) < 0 &&
	   has(msg, "vhost=on: /dev/vhost-net: No such file or directory (load the module: modprobe vhost_net)"),
	   "vhost=on without /dev/vhost-net: modprobe vhost_net");
}

/* ------------------------------------------------------------------ */
/* One pair, lkvm's datapath */

static struct net_dev *ndev;
static const char *ifname;
static int ifindex, pkt_rx, pkt_tx, pkt_vnet;
static char script_out[64];

static bool make_script(char *path, size_t len)
{
	FILE *f;
	int fd;

	snprintf(script_out, sizeof(script_out), "/tmp/lkvm-tap-test-%d.out",
		 getpid());
	snprintf(path, len, "/tmp/lkvm-tap-test-%d.sh", getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0700);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f)
		return false;
	fprintf(f, "#!/bin/sh\necho \"$1\" > %s\n", script_out);
	fclose(f);
	return true;
}

static bool script_said(const char *what)
{
	char buf[64] = "";
	FILE *f = fopen(script_out, "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	return !strcmp(buf, what);
}

static void test_create(void)
{
	char script[64], arg[160];
	struct tap_dev *tap;
	const char *msg;
	u64 f;
	int fl;

	if (!ok(make_script(script, sizeof(script)), "a bring-up script"))
		return;
	snprintf(arg, sizeof(arg), "mode=tap,tapif=lkvmt%%d,vhost=off,mtu=9000,script=%s",
		 script);
	if (!ok(!add_nic(arg, &ndev, &msg), "a tap NIC"))
		diag("%s", msg);
	unlink(script);
	if (!ndev)
		return;
	tap = ndev->backend;
	ifname = tap->ifname;
	ifindex = if_nametoindex(ifname);
	ok(ifindex > 0 && !strncmp(ifname, "lkvmt", 5), "the kernel named it from lkvmt%%d");
	ok(has(msg, ", lkvm datapath (vhost-net: off)"), "the datapath is said");
	snprintf(arg, sizeof(arg), "%s (lkvm datapath)", ifname);
	is_str(ndev->ops->describe(ndev), arg, "describe");
	ok(script_said(ifname), "the script ran with the tap's name");
	unlink(script_out);
	fl = sysfs_int(ifname, "tun_flags", 16);
	ok(fl > 0 && (fl & IFF_TAP) && (fl & IFF_VNET_HDR) && (fl & IFF_NO_PI) &&
	   !(fl & IFF_MULTI_QUEUE), "a tap with a vnet header, one queue");
	is_int(sysfs_int(ifname, "mtu", 10), 9000, "mtu=9000 is the tap's MTU");
	is_int(ndev->nr_pairs, 1, "one queue pair");

	use_nic(0, 3);
	f = mmio_device_features();
	is_u64(f & (F_HOST | F_GUEST | F(VIRTIO_NET_F_MTU)),
	       F_HOST | F_GUEST | F(VIRTIO_NET_F_MTU),
	       "offered: every offload the tap takes, and the MTU");
	ok(!(f & F(VIRTIO_NET_F_MQ)), "no MQ for one pair");

	ok(!if_up(ifname, true), "the tap is up");
	pkt_rx = pkt_socket(ifindex, TEST_TYPE, false);
	pkt_tx = pkt_socket(ifindex, 0, false);
	pkt_vnet = pkt_socket(ifindex, 0, true);
	ok(pkt_rx >= 0 && pkt_tx >= 0 && pkt_vnet >= 0, "packet sockets on it");
}

static void test_tx(void)
{
	struct virtio_net_hdr_v1 h = { 0 }, bad = { .hdr_len = 60000 };
	struct net_stats *st = &ndev->stats;
	u8 frame[1600], got[2048];
	u64 sent = st->tx_packets, dropped;
	const char *msg;
	ssize_t n;
	int i, seen;

	ok(driver_setup(F_BASE | F_HOST | F_GUEST), "the driver negotiates every offload");
	is_int(ndev->hdr_len, 12, "a 12-byte vnet header");

	test_frame(frame, bcast, 1, 100);
	tx_send(1, &h, frame, 100, 0, true);
	n = pkt_recv(pkt_rx, got, sizeof(got), WAIT_MS);
	ok(n == 100 && !memcmp(got, frame, 100),
	   "a frame from the guest comes out on the tap, byte for byte");
	ok(wait_used(1, 1) && st->tx_packets == sent + 1, "completed and counted");

	test_frame(frame, bcast, 2, 1514);
	tx_send(1, &h, frame, 1514, 3, true);
	n = pkt_recv(pkt_rx, got, sizeof(got), WAIT_MS);
	ok(n == 1514 && !memcmp(got, frame, 1514),
	   "a frame over a header and three buffers comes out whole");

	dropped = st->tx_dropped;
	test_frame(frame, bcast, 3, 60);
	tx_send(1, &bad, frame, 60, 0, true);
	ok(wait_used(1, 3) && st->tx_dropped == dropped + 1,
	   "a header the tap refuses (EINVAL): completed and counted as dropped");
	test_frame(frame, bcast, 4, 60);
	tx_send(1, &h, frame, 60, 0, true);
	n = pkt_recv(pkt_rx, got, sizeof(got), WAIT_MS);
	ok(n == 60 && got[14] == 4 + 14, "... and the next frame goes through");

	for (i = 0; i < QSIZE; i++) {
		test_frame(frame, bcast, 10 + i, 200);
		tx_send(1, &h, frame, 200, 0, i == QSIZE - 1);
	}
	for (seen = 0; seen < QSIZE; seen++) {
		n = pkt_recv(pkt_rx, got, sizeof(got), WAIT_MS);
		if (n != 200 || got[14] != (u8)(10 + seen + 14))
			break;
	}
	is_int(seen, QSIZE, "a full ring in one kick: every frame, in order");

	if_up(ifname, false);
	dropped = st->tx_dropped;
	capture_start();
	test_frame(frame, bcast, 5, 60);
	tx_send(1, &h, frame, 60, 0, true);
	ok(wait_used(1, 4 + QSIZE + 1) && st->tx_dropped == dropped + 1,
	   "the tap down: frames are dropped and counted");
	sleep_ms(20);
	msg = capture_end();
	ok(has(msg, "is down: frames from the guest are dropped until it is up (ip link set"),
	   "... and that is said, with the fix");
	if_up(ifname, true);
}

static void test_rx(void)
{
	struct net_stats *st = &ndev->stats;
	struct virtio_net_hdr_v1 *h;
	u8 frame[1600], *p;
	u64 rx;
	u32 len;
	int i;

	ok(driver_setup(F_BASE | F_HOST | F_GUEST), "a fresh driver");
	rx_post(0, 4);
	test_frame(frame, ndev->params.mac, 1, 300);
	ok(pkt_send(pkt_tx, ifindex, frame, 300), "the host sends a frame on the tap");
	p = rx_ours(0, WAIT_MS, &len);
	h = (struct virtio_net_hdr_v1 *)p;
	ok(p && len == 12 + 300 && !memcmp(p + 12, frame, 300),
	   "it lands in an RX buffer, after a 12-byte header");
	ok(p && h->flags == 0 && h->gso_type == VIRTIO_NET_HDR_GSO_NONE &&
	   le16toh(h->num_buffers) == 1, "the header: no offload, one buffer");

	/* Three buffers left: three frames fit, the next two must wait. */
	rx = st->rx_packets;
	for (i = 0; i < 5; i++) {
		test_frame(frame, ndev->params.mac, 20 + i, 80);
		pkt_send(pkt_tx, ifindex, frame, 80);
	}
	for (i = 0; i < 3; i++) {
		p = rx_ours(0, WAIT_MS, &len);
		if (!p || p[12 + 14] != (u8)(20 + i + 14))
			break;
	}
	is_int(i, 3, "the ring's last three buffers take three frames");
	sleep_ms(100);
	ok(used_idx(0) == used_seen[0] && st->rx_packets == rx + 3,
	   "no room: the other two wait");
	rx_post(0, 4);
	for (i = 3; i < 5; i++) {
		p = rx_ours(0, WAIT_MS, &len);
		if (!p || p[12 + 14] != (u8)(20 + i + 14))
			break;
	}
	is_int(i, 5, "buffers and a kick: both arrive, in order");
}

/* Sends a 3000-byte TSO packet from the host; returns the packets the guest got. */
static int rx_tso(int *segs, bool *csums_ok, u8 *flags, u8 *gso, u16 *mss)
{
	static u8 buf[4096];
	size_t n = tcp_gso_packet(buf, ndev->params.mac, 3000, 1000);
	struct virtio_net_hdr_v1 *h;
	u32 len;
	u8 *p;
	int got = 0;

	*csums_ok = true;
	*segs = 0;
	rx_fill(0);
	if (!pkt_send(pkt_vnet, ifindex, buf, n))
		return -1;
	while ((p = rx_ours(0, got ? 200 : WAIT_MS, &len))) {
		h = (struct virtio_net_hdr_v1 *)p;
		*flags = h->flags;
		*gso = h->gso_type;
		*mss = le16toh(h->gso_size);
		if (len == 12 + ETH_HLEN + 40 + 1000)
			(*segs)++;
		*csums_ok = *csums_ok && tcp_csum_ok(p + 12, len - 12);
		got++;
		if (*gso || got == 3)
			break;
	}
	return got;
}

static void test_offloads(void)
{
	struct tap_dev *tap = ndev->backend;
	bool csums;
	u8 flags, gso;
	u16 mss;
	int segs;

	ok(driver_setup(F_BASE | F_HOST | F_GUEST), "every offload again");
	is_int(tap->offloads, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN,
	       "the tap may hand over partial checksums and TSO");
	ok(rx_tso(&segs, &csums, &flags, &gso, &mss) == 1 &&
	   gso == VIRTIO_NET_HDR_GSO_TCPV4 && mss == 1000 &&
	   (flags & VIRTIO_NET_HDR_F_NEEDS_CSUM),
	   "a TSO packet from the host reaches the guest whole, TSO in its header");

	is_int(set_guest_offloads(F(VIRTIO_NET_F_GUEST_CSUM)), VIRTIO_NET_OK,
	       "GUEST_OFFLOADS_SET to checksums only");
	is_int(tap->offloads, TUN_F_CSUM, "... the tap follows");
	ok(rx_tso(&segs, &csums, &flags, &gso, &mss) == 3 && segs == 3 &&
	   gso == VIRTIO_NET_HDR_GSO_NONE && (flags & VIRTIO_NET_HDR_F_NEEDS_CSUM),
	   "the kernel cuts it into three segments, checksums left to the guest");

	is_int(set_guest_offloads(0), VIRTIO_NET_OK, "GUEST_OFFLOADS_SET to nothing");
	ok(rx_tso(&segs, &csums, &flags, &gso, &mss) == 3 && segs == 3 &&
	   gso == VIRTIO_NET_HDR_GSO_NONE && !flags && csums,
	   "three segments with their checksums done, no flags");

	ok(driver_setup(F_BASE), "a driver without offloads");
	is_int(tap->offloads, 0, "the tap hands over none");
	ok(rx_tso(&segs, &csums, &flags, &gso, &mss) == 3 && segs == 3 && !flags &&
	   csums, "a TSO packet arrives cut and checksummed");
}

static void test_reset(void)
{
	struct tap_dev *tap = ndev->backend;
	struct virtio_net_hdr_v1 h = { 0 };
	u8 frame[128], got[256];
	ssize_t n;

	mmio_wr(VIRTIO_MMIO_STATUS, 0);
	ok(!tap->running && !tap->pairs[0].running,
	   "a reset: the pair's thread is gone when the status write returns");
	ok(if_nametoindex(ifname) == (unsigned int)ifindex, "the tap stays");
	ok(driver_setup(F_BASE), "a new driver");
	test_frame(frame, bcast, 9, 128);
	tx_send(1, &h, frame, 128, 0, true);
	n = pkt_recv(pkt_rx, got, sizeof(got), WAIT_MS);
	ok(n == 128 && !memcmp(got, frame, 128), "frames flow again");
	mmio_wr(VIRTIO_MMIO_STATUS, 0);
}

/* lkvm exits: the NIC's threads and fds go, and a tap it created with them. */
static void test_exit(void)
{
	char name[IFNAMSIZ];

	snprintf(name, sizeof(name), "%s", ifname);
	ndev->ops->exit(ndev);
	ok(!ndev->backend && !if_nametoindex(name), "exit: the tap lkvm created is gone");
}

/* ------------------------------------------------------------------ */
/* Two pairs */

static bool detached(int fd)
{
	struct ifreq ifr = { 0 };

	return !ioctl(fd, TUNGETIFF, &ifr) && (ifr.ifr_flags & IFF_DETACH_QUEUE);
}

/* A UDP/IPv4 frame of flow @port, so that the tap spreads them by hash. */
static size_t udp_frame(u8 *f, const u8 *dst, u16 port)
{
	u8 *ip = f + ETH_HLEN, *udp = ip + 20;
	u16 c;

	memset(f, 0, ETH_HLEN + 28 + 32);
	memcpy(f, dst, 6);
	memcpy(f + 6, test_src, 6);
	f[12] = 0x08;
	ip[0] = 0x45;
	ip[3] = 20 + 8 + 32;
	ip[8] = 64;
	ip[9] = 17;
	ip[12] = 10;
	ip[15] = 1;
	ip[16] = 10;
	ip[19] = 2;
	c = ~csum_fold(csum_add(ip, 20, 0));
	ip[10] = c >> 8;
	ip[11] = c;
	udp[0] = port >> 8;
	udp[1] = port;
	udp[2] = 0x1f;
	udp[5] = 8 + 32;
	return ETH_HLEN + 28 + 32;
}

/* Sends @n flows from the host; counts what each RX queue got. */
static void rx_flows(int n, int *rx0, int *rx1)
{
	u8 frame[128];
	u32 len;
	int i;

	*rx0 = *rx1 = 0;
	rx_fill(0);
	rx_fill(2);
	for (i = 0; i < n; i++)
		pkt_send(pkt_tx, ifindex, frame, udp_frame(frame, ndev->params.mac,
							   1000 + i * 13));
	sleep_ms(100);
	while (rx_ours(0, 20, &len))
		(*rx0)++;
	while (rx_ours(2, 20, &len))
		(*rx1)++;
}

static void test_mq(void)
{
	struct virtio_net_hdr_v1 h = { 0 };
	struct tap_dev *tap;
	const char *msg;
	u8 frame[128], got[256];
	int rx0, rx1;
	ssize_t n;

	if (!ok(!add_nic("mode=tap,tapif=lkvmq%d,vhost=off,mq=2", &ndev, &msg),
		"a tap NIC with mq=2"))
		diag("%s", msg);
	if (!ndev)
		return;
	tap = ndev->backend;
	ifname = tap->ifname;
	ifindex = if_nametoindex(ifname);
	ok(ndev->nr_pairs == 2 && (sysfs_int(ifname, "tun_flags", 16) & IFF_MULTI_QUEUE),
	   "two pairs on a multiqueue tap");
	ok(!detached(tap->pairs[0].fd) && detached(tap->pairs[1].fd),
	   "before a driver, only the first queue is attached");
	use_nic(virtio_mmio__nr_devices() - 1, 5);
	ok(mmio_device_features() & F(VIRTIO_NET_F_MQ), "MQ is offered");
	if_up(ifname, true);
	close(pkt_rx);
	close(pkt_tx);
	pkt_rx = pkt_socket(ifindex, TEST_TYPE, false);
	pkt_tx = pkt_socket(ifindex, 0, false);

	ok(driver_setup(F_BASE | F(VIRTIO_NET_F_MQ)), "a driver with MQ");
	ok(tap->nr_running == 2 && tap->pairs[1].running, "a thread for each pair");
	ok(detached(tap->pairs[1].fd), "it uses one pair until it says otherwise");
	test_frame(frame, bcast, 7, 128);
	tx_send(3, &h, frame, 128, 0, true);
	n = pkt_recv(pkt_rx, got, sizeof(got), WAIT_MS);
	ok(n == 128 && !memcmp(got, frame, 128),
	   "a frame on the second TX queue still comes out (through the first queue)");
	rx_flows(16, &rx0, &rx1);
	ok(rx0 == 16 && rx1 == 0, "16 flows: all on the first RX queue");

	is_int(ndev->ops->set_pairs(ndev, 2), 0, "set_pairs(2)");
	ok(!detached(tap->pairs[1].fd), "the second queue is attached");
	rx_flows(16, &rx0, &rx1);
	ok(rx0 + rx1 == 16 && rx0 && rx1, "16 flows: spread over both RX queues");
	diag("rx0 %d, rx1 %d", rx0, rx1);
	is_int(ndev->ops->set_pairs(ndev, 1), 0, "set_pairs(1)");
	ok(detached(tap->pairs[1].fd), "the second queue is detached again");

	mmio_wr(VIRTIO_MMIO_STATUS, 0);
	ok(!tap->pairs[0].running && !tap->pairs[1].running, "a reset joins both threads");
	test_exit();
}

/* ------------------------------------------------------------------ */
/* Taps that exist already */

static int make_persistent(const char *pattern, int flags, char *name)
{
	int fd = own_tun(pattern, flags, name), ret;

	if (fd < 0)
		return -1;
	ret = ioctl(fd, TUNSETPERSIST, 1);
	close(fd);
	return ret;
}

static void drop_persistent(const char *name)
{
	char n[IFNAMSIZ];
	int fd = own_tun(name, IFF_TAP | IFF_NO_PI |
			 (sysfs_int(name, "tun_flags", 16) & IFF_MULTI_QUEUE), n);

	if (fd >= 0) {
		ioctl(fd, TUNSETPERSIST, 0);
		close(fd);
	}
}

static void test_persistent(void)
{
	char name[IFNAMSIZ], arg[96];
	const char *msg;

	if (!ok(!make_persistent("lkvmp%d", IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE, name),
		"a persistent multiqueue tap")) {
		skip(5, "no persistent tap");
		return;
	}
	snprintf(arg, sizeof(arg), "mode=tap,tapif=%s,vhost=off,mq=2", name);
	ok(!add_nic(arg, &ndev, &msg) && ndev->nr_pairs == 2 && !strstr(msg, "warning"),
	   "mq=2 attaches to it, two pairs");
	ndev->ops->exit(ndev);
	ok(if_nametoindex(name), "exit leaves a tap lkvm did not create");
	drop_persistent(name);

	if (!ok(!make_persistent("lkvmp%d", IFF_TAP | IFF_NO_PI, name),
		"a persistent tap without multi_queue")) {
		skip(2, "no persistent tap");
		return;
	}
	snprintf(arg, sizeof(arg), "mode=tap,tapif=%s,vhost=off,mq=2", name);
	ok(!add_nic(arg, &ndev, &msg) && ndev->nr_pairs == 1 &&
	   has(msg, "was created without multi_queue: one queue pair (for 2: ip tuntap add"),
	   "mq=2 on it: one pair, and how to get two");
	ndev->ops->exit(ndev);
	drop_persistent(name);
	ok(!if_nametoindex(name), "(cleaned up)");
}

/* ------------------------------------------------------------------ */
/* vhost-net */

static void test_vhost(void)
{
	struct virtio_net_hdr_v1 h = { 0 };
	struct tap_dev *tap;
	const char *msg;
	u8 frame[300], got[512], *p;
	u32 len;
	ssize_t n;

	if (access("/dev/vhost-net", R_OK | W_OK)) {
		skip(10, "no /dev/vhost-net (modprobe vhost_net); the lab tests cover it");
		return;
	}
	if (!ok(!add_nic("mode=tap,tapif=lkvmv%d,vhost=on", &ndev, &msg) &&
		has(msg, ", vhost-net"), "vhost=on: a NIC on vhost-net")) {
		skip(9, "no NIC");
		return;
	}
	tap = ndev->backend;
	ifname = tap->ifname;
	ifindex = if_nametoindex(ifname);
	if_up(ifname, true);
	close(pkt_rx);
	close(pkt_tx);
	pkt_rx = pkt_socket(ifindex, TEST_TYPE, false);
	pkt_tx = pkt_socket(ifindex, 0, false);
	use_nic(virtio_mmio__nr_devices() - 1, 3);

	ok(driver_setup(F_BASE | F_HOST | F_GUEST), "a driver");
	ok(tap->vhost && tap->pairs[0].vhost_on[0] && tap->pairs[0].vhost_on[1],
	   "vhost-net drives both queues");
	test_frame(frame, bcast, 3, 300);
	tx_send(1, &h, frame, 300, 2, true);
	n = pkt_recv(pkt_rx, got, sizeof(got), WAIT_MS);
	ok(n == 300 && !memcmp(got, frame, 300), "TX through vhost-net");
	rx_post(0, 4);
	mmio_wr(VIRTIO_MMIO_INTERRUPT_ACK, 3);
	test_frame(frame, ndev->params.mac, 4, 200);
	pkt_send(pkt_tx, ifindex, frame, 200);
	p = rx_ours(0, WAIT_MS, &len);
	ok(p && len == 12 + 200 && !memcmp(p + 12, frame, 200) &&
	   le16toh(((struct virtio_net_hdr_v1 *)p)->num_buffers) == 1,
	   "RX through vhost-net, with its header");
	sleep_ms(50);
	ok(mmio_rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_VRING,
	   "vhost's interrupt reaches the guest");
	mmio_wr(VIRTIO_MMIO_STATUS, 0);
	ok(!tap->vhost && !tap->pairs[0].vhost_on[0], "a reset takes vhost off the rings");
	ok(driver_setup(F_BASE), "a new driver");
	tx_send(1, &h, frame, 200, 0, true);
	n = pkt_recv(pkt_rx, got, sizeof(got), WAIT_MS);
	ok(n == 200, "vhost-net again after the reset");
	mmio_wr(VIRTIO_MMIO_STATUS, 0);
	test_exit();
}

int main(void)
{
	if (geteuid())
		skip_all("not root: creating a tap needs CAP_NET_ADMIN");
	if (access("/dev/net/tun", R_OK | W_OK))
		skip_all("no /dev/net/tun (modprobe tun)");
	plan(87);
	loglevel = -1;

	kvm = fake_kvm_new();
	fake_mmio_init(kvm, KVM_VIRTIO_MMIO_START);
	kvm->cfg.guest_name = "tap-test";
	virtio__set_transport("mmio");
	/* Its constructor does it in lkvm; naming it here links it in. */
	net__register_backend(NET_MODE_TAP, &net_tap__ops);

	test_errors();
	test_create();
	if (!ndev)
		return exit_status();
	test_tx();
	test_rx();
	test_offloads();
	test_reset();
	test_exit();
	ndev = NULL;
	test_mq();
	ndev = NULL;
	test_persistent();
	ndev = NULL;
	test_vhost();
	return exit_status();
}
