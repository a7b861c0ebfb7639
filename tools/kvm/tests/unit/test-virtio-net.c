// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net's device half, without KVM and without a real backend: a
 * driver written here programs the device through virtio-mmio, and a fake
 * backend plays the network, calling the datapath helpers the way the
 * real backends do.  The vnet header rules, the RX buffer merging (a
 * packet lands whole or not at all, published at once), the control
 * queue and the --network parser are checked against what the virtio
 * spec and Linux's virtio_net driver expect.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_ether.h>
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

#define RXQ		0
#define TXQ		1
#define CTRLQ		2
#define BUF(i)		(DATA + (i) * 0x1000)

#define F(bit)		(1ULL << (bit))
#define F_BASE		(F(VIRTIO_F_VERSION_1) | F(VIRTIO_NET_F_MAC) |	\
			 F(VIRTIO_NET_F_STATUS) | F(VIRTIO_NET_F_CTRL_VQ))

static struct kvm *kvm;
static struct net_dev *ndev;

/* The fake backend: counts its calls. */
static int started, stopped, offloads_set;
static u64 last_offloads;

static int fake_init(struct net_dev *nd, u64 *features)
{
	*features |= F(VIRTIO_NET_F_CSUM) | F(VIRTIO_NET_F_HOST_TSO4) |
		     F(VIRTIO_NET_F_GUEST_CSUM) | F(VIRTIO_NET_F_GUEST_TSO4) |
		     F(VIRTIO_NET_F_CTRL_GUEST_OFFLOADS);
	return 0;
}

static int fake_start(struct net_dev *nd)
{
	started++;
	return 0;
}

static void fake_stop(struct net_dev *nd)
{
	stopped++;
}

static int fake_set_offloads(struct net_dev *nd, u64 offloads)
{
	offloads_set++;
	last_offloads = offloads;
	return 0;
}

static const struct net_backend_ops fake_ops = {
	.name = "fake",
	.init = fake_init,
	.start = fake_start,
	.stop = fake_stop,
	.set_offloads = fake_set_offloads,
};

/*
 * Resets the device and brings it up with @features; true if accepted.
 * Without @features_ok the driver never asks for FEATURES_OK, as a
 * legacy one cannot.
 */
static bool driver_start(u64 features, bool features_ok)
{
	mmio_reset(RAM_SIZE);
	return mmio_driver_setup(features, features_ok, 3, QSIZE);
}

static bool driver_setup(u64 features)
{
	return driver_start(features, true);
}

/* One writable RX buffer of @len bytes at BUF(@i), descriptor @i. */
static void rx_buffer(int i, u32 len)
{
	u64 addr = BUF(i);

	mmio_submit(RXQ, i, &addr, &len, 1, 0, false);
}

/* A packet as a backend hands it over: a zero vnet header and @len bytes of @c. */
static int deliver(size_t len, u8 c)
{
	static u8 pkt[12 + NET_MAX_FRAME];
	struct iovec iov = { pkt, ndev->hdr_len + len };

	memset(pkt, 0, ndev->hdr_len);
	memset(pkt + ndev->hdr_len, c, len);
	return net__rx_frame(&ndev->pairs[0], &iov, 1, iov.iov_len);
}

static void test_parse(void)
{
	struct net_params p;

	ok(!net__parse_params("mode=tap,tapif=tap7,mq=4,vhost=off,offload=off,mtu=9000,mac=52:54:00:ab:cd:ef",
			      &p) &&
	   p.mode == NET_MODE_TAP && !strcmp(p.tapif, "tap7") && p.mq == 4 &&
	   p.vhost == NET_VHOST_OFF && !p.offload && p.mtu == 9000 &&
	   p.mac_set && p.mac[3] == 0xab && p.mac[5] == 0xef,
	   "a full tap option parses into every field");
	ok(!net__parse_params("tap", &p) && p.mode == NET_MODE_TAP &&
	   p.vhost == NET_VHOST_AUTO && p.offload && !p.mq,
	   "a bare mode, with the defaults");
	ok(!net__parse_params("mode=user,hostfwd=tcp::2222-:22,hostfwd=udp::53-:53", &p) &&
	   p.mode == NET_MODE_USER && p.nr_hostfwd == 2 &&
	   !strcmp(p.hostfwd[1], "udp::53-:53"), "user mode with two hostfwd rules");
	ok(!net__parse_params("user,mq=1", &p), "mq=1 is fine in user mode");

	loglevel = -1;
	ok(net__parse_params("mode=bogus", &p) < 0, "mode=bogus is refused");
	ok(net__parse_params("mode=tap,colour=red", &p) < 0, "an unknown key is refused");
	ok(net__parse_params("mode=tap,mac=01:00:5e:00:00:01", &p) < 0,
	   "a multicast MAC is refused");
	ok(net__parse_params("mode=tap,mac=52:54:00:12:34", &p) < 0 &&
	   net__parse_params("mode=tap,mac=52:54:00:12:34:567", &p) < 0 &&
	   net__parse_params("mode=tap,mac=00:00:00:00:00:00", &p) < 0,
	   "short, long and zero MACs are refused");
	ok(net__parse_params("mode=tap,mq=0", &p) < 0 &&
	   net__parse_params("mode=tap,mq=9", &p) < 0 &&
	   net__parse_params("mode=tap,mq=2x", &p) < 0,
	   "mq outside 1..8 or not a number is refused");
	ok(net__parse_params("mode=tap,mtu=67", &p) < 0 &&
	   net__parse_params("mode=tap,mtu=65536", &p) < 0, "so is a bad mtu");
	ok(net__parse_params("mode=user,tapif=tap0", &p) < 0 &&
	   net__parse_params("mode=user,mq=2", &p) < 0 &&
	   net__parse_params("mode=user,vhost=on", &p) < 0,
	   "tap's options are refused in user mode");
	ok(net__parse_params("mode=tap,hostfwd=tcp::1-:1", &p) < 0,
	   "hostfwd is refused in tap mode");
	ok(net__parse_params("mode=tap,tapif=0123456789abcdef", &p) < 0,
	   "an interface name of 16 characters is refused");
	ok(net__parse_params("mode=tap,vhost=maybe", &p) < 0 &&
	   net__parse_params("mode=tap,offload=yes", &p) < 0 &&
	   net__parse_params("mode=tap,mtu=", &p) < 0, "bad values are refused");
	loglevel = LOGLEVEL_INFO;
}

/* A refused option leaves no copy of itself behind, however it failed. */
static void test_parse_leak(void)
{
	char late[1100], early[1100];
	int i, null = open("/dev/null", O_WRONLY), saved = dup(STDERR_FILENO);
	struct net_params p;
	size_t before, after;

	/* Refused by the last check, and by the first option. */
	snprintf(late, sizeof(late), "mode=tap,hostfwd=%01000d", 0);
	snprintf(early, sizeof(early), "mode=bogus,script=%01000d", 0);
	/* Not 2000 errors on the test's output. */
	dup2(null, STDERR_FILENO);
	before = mallinfo2().uordblks;
	for (i = 0; i < 1000; i++) {
		net__parse_params(late, &p);
		net__parse_params(early, &p);
	}
	after = mallinfo2().uordblks;
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(null);
	ok(after < before + 64 * 1024,
	   "2000 refused options of 1 KiB leak nothing (%zd bytes more in use)",
	   (ssize_t)(after - before));
}

static void test_mac(void)
{
	u8 a[6], b[6], c[6];

	net__default_mac("guest-a", 0, a);
	net__default_mac("guest-a", 0, b);
	net__default_mac("guest-a", 1, c);
	ok(!memcmp(a, b, 6), "the default MAC is stable for a name");
	ok(memcmp(a, c, 6), "the second NIC gets another");
	ok(a[0] == 0x52 && a[1] == 0x54 && a[2] == 0 && !(a[0] & 1) && (a[0] & 2),
	   "52:54:00, unicast and locally administered");
	net__default_mac("guest-b", 0, b);
	ok(memcmp(a, b, 6), "another guest's differs");
}

static void test_tx_hdr(void)
{
	u64 all = F(VIRTIO_NET_F_CSUM) | F(VIRTIO_NET_F_HOST_TSO4) |
		  F(VIRTIO_NET_F_HOST_TSO6) | F(VIRTIO_NET_F_HOST_ECN);
	struct virtio_net_hdr_v1 h = { 0 };
	struct virtio_net_hdr_v1 tso = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
		.gso_size = htole16(1448),
		.csum_start = htole16(34),
		.csum_offset = htole16(16),
	};

	is_int(net__check_tx_hdr(0, &h, 60), 0, "a plain frame needs no feature");
	is_int(net__check_tx_hdr(0, &h, 13), -EINVAL, "shorter than an Ethernet header: refused");
	is_int(net__check_tx_hdr(0, &h, NET_MAX_FRAME + 1), -EINVAL, "longer than 64 KiB: refused");
	is_int(net__check_tx_hdr(all, &tso, 60000), 0, "TSO4 with the features");
	is_int(net__check_tx_hdr(all & ~F(VIRTIO_NET_F_HOST_TSO4), &tso, 60000),
	       -EINVAL, "TSO4 without HOST_TSO4: refused");
	is_int(net__check_tx_hdr(F(VIRTIO_NET_F_HOST_TSO4), &tso, 60000), -EINVAL,
	       "a checksum request without CSUM: refused");
	tso.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	is_int(net__check_tx_hdr(all, &tso, 60000), 0, "TSO6 with HOST_TSO6");
	tso.gso_type = VIRTIO_NET_HDR_GSO_UDP;
	is_int(net__check_tx_hdr(all, &tso, 60000), -EINVAL, "UFO, never offered: refused");
	tso.gso_type = VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN;
	is_int(net__check_tx_hdr(all, &tso, 60000), 0, "TSO4 with ECN and HOST_ECN");
	is_int(net__check_tx_hdr(all & ~F(VIRTIO_NET_F_HOST_ECN), &tso, 60000),
	       -EINVAL, "... and refused without HOST_ECN");
	tso.gso_type = 7;
	is_int(net__check_tx_hdr(all, &tso, 60000), -EINVAL, "an unknown GSO type: refused");
	tso.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	tso.gso_size = 0;
	is_int(net__check_tx_hdr(all, &tso, 60000), -EINVAL, "GSO with size 0: refused");
	tso.gso_size = htole16(1448);
	tso.flags = 0;
	is_int(net__check_tx_hdr(all, &tso, 60000), -EINVAL, "GSO without NEEDS_CSUM: refused");
	tso.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	tso.csum_start = htole16(59990);
	is_int(net__check_tx_hdr(all, &tso, 60000), -EINVAL,
	       "a checksum field past the frame's end: refused");
	h.gso_type = VIRTIO_NET_HDR_GSO_ECN;
	is_int(net__check_tx_hdr(all, &h, 60), -EINVAL, "ECN without GSO: refused");
}

static void test_probe(void)
{
	u64 f = mmio_device_features();
	int i;

	is_int(mmio_rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_NET, "a virtio-net device");
	ok((f & F_BASE) == F_BASE && (f & F(VIRTIO_NET_F_MRG_RXBUF)) &&
	   (f & F(VIRTIO_NET_F_CSUM)) && !(f & F(VIRTIO_NET_F_MQ)) &&
	   !(f & F(VIRTIO_NET_F_MTU)),
	   "features: the device's, the backend's, no MQ for one pair, no MTU unless set");
	for (i = 0; i < 6; i++)
		if (mmio_cfg_rd8(i) != ndev->params.mac[i])
			break;
	is_int(i, 6, "config: the MAC");
	is_int(mmio_cfg_rd8(6) | mmio_cfg_rd8(7) << 8, VIRTIO_NET_S_LINK_UP, "config: link up");
	is_int(mmio_cfg_rd8(8) | mmio_cfg_rd8(9) << 8, 1, "config: one queue pair");
	ok(driver_setup(F_BASE | F(VIRTIO_NET_F_MRG_RXBUF)) && started == 1,
	   "the driver brings it up; the backend is started");
	is_int(ndev->hdr_len, 12, "virtio 1: a 12-byte header");
	ok(!driver_setup(F_BASE | F(VIRTIO_NET_F_MQ)), "MQ, not offered, is refused");
	ok(stopped >= 1, "a reset stops the backend first");
}

static void test_rx_single(void)
{
	struct virtio_net_hdr_v1 *h = gpa(BUF(0));
	struct virtio_net_stats_before { u64 rx, drop; } b = {
		ndev->stats.rx_packets, ndev->stats.rx_dropped,
	};

	ok(driver_setup(F_BASE), "without MRG_RXBUF");
	is_int(deliver(100, 0x11), -EAGAIN, "no buffer: -EAGAIN, the packet is kept");
	rx_buffer(0, 512);
	is_int(deliver(1000, 0x22), -EMSGSIZE,
	       "a packet bigger than the one buffer can never fit: dropped");
	is_int(used_idx(RXQ), 0, "... and the buffer is not used for it");
	is_int(deliver(100, 0x33), 0, "a packet that fits is delivered");
	ok(used_idx(RXQ) == 1 && used_ring(RXQ)->ring[0].id == 0 &&
	   used_ring(RXQ)->ring[0].len == 112, "into the held buffer: 12 + 100 bytes used");
	ok(le16toh(h->num_buffers) == 1 && filled((u8 *)(h + 1), 100, 0x33),
	   "num_buffers is 1 and the frame follows the header");
	ok(ndev->stats.rx_packets == b.rx + 1 && ndev->stats.rx_dropped == b.drop + 1,
	   "counted: one delivered, one dropped");
}

static void test_rx_merge(void)
{
	struct virtio_net_hdr_v1 *h = gpa(BUF(0));
	int i;

	ok(driver_setup(F_BASE | F(VIRTIO_NET_F_MRG_RXBUF)), "with MRG_RXBUF");
	rx_buffer(0, 1000);
	rx_buffer(1, 1000);
	is_int(deliver(2500, 0x44), -EAGAIN,
	       "two buffers for a packet of three: -EAGAIN");
	is_int(used_idx(RXQ), 0, "... and nothing is published");
	rx_buffer(2, 1000);
	is_int(deliver(2500, 0x44), 0, "a third buffer: delivered");
	is_int(used_idx(RXQ), 3, "three used entries, published together");
	ok(used_ring(RXQ)->ring[0].len == 1000 && used_ring(RXQ)->ring[1].len == 1000 &&
	   used_ring(RXQ)->ring[2].len == 512, "lengths 1000, 1000, 512");
	is_int(le16toh(h->num_buffers), 3, "num_buffers says 3");
	ok(filled((u8 *)(h + 1), 988, 0x44) && filled(gpa(BUF(1)), 1000, 0x44) &&
	   filled(gpa(BUF(2)), 512, 0x44), "the frame is intact across them");

	for (i = 3; i < QSIZE; i++)
		rx_buffer(i, 16);
	is_int(deliver(1000, 0x55), -EAGAIN,
	       "13 small buffers for a larger packet: -EAGAIN, the ring has room");
	for (i = 0; i < 3; i++)
		rx_buffer(i, 16);
	is_int(deliver(1000, 0x55), -EMSGSIZE,
	       "a packet bigger than a whole ring of buffers: dropped");
	is_int(used_idx(RXQ), 3, "... without using any of them");
	is_int(deliver(200, 0x66), 0, "a small packet still gets through");
	ok(used_idx(RXQ) == 3 + 14 && le16toh(((struct virtio_net_hdr_v1 *)
					      gpa(BUF(3)))->num_buffers) == 14,
	   "over 14 buffers of 16 bytes, the oldest held first");
}

static void test_tx(void)
{
	struct net_queue_pair *qp = &ndev->pairs[0];
	struct virtq_elem *elem = virtq_elem__alloc();
	struct virtio_net_hdr_v1 hdr, *gh = gpa(BUF(0));
	struct iovec frame[VIRTIO_QUEUE_MAX_SIZE];
	u64 addr[2] = { BUF(0), BUF(1) };
	u32 len[2] = { 12 + 20, 80 };
	u64 dropped;
	size_t flen;
	int nr;

	ok(driver_setup(F_BASE | F(VIRTIO_NET_F_CSUM) | F(VIRTIO_NET_F_HOST_TSO4)),
	   "with CSUM and HOST_TSO4");
	memset(gpa(BUF(0)), 0x66, 0x2000);
	memset(gh, 0, 12);
	gh->num_buffers = htole16(7);
	mmio_submit(TXQ, 0, addr, len, 2, 2, false);
	is_int(net__tx_pop(qp, elem, &hdr, frame, &nr, &flen), 1, "a frame is popped");
	ok(flen == 100 && nr == 2 && frame[0].iov_len == 20 &&
	   frame[0].iov_base == (u8 *)gpa(BUF(0)) + 12 && frame[1].iov_len == 80,
	   "the frame: 100 bytes after the header, across two buffers");
	is_int(hdr.num_buffers, 0, "num_buffers from a driver is not passed on");
	net__tx_done(qp, elem, flen, true);
	is_int(used_idx(TXQ), 1, "completed");

	dropped = ndev->stats.tx_dropped;
	gh->gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	gh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	gh->gso_size = htole16(1000);
	mmio_submit(TXQ, 0, addr, len, 2, 2, false);
	len[0] = 12 + 1;
	len[1] = 0;
	mmio_submit(TXQ, 2, addr, len, 1, 1, false);
	is_int(net__tx_pop(qp, elem, &hdr, frame, &nr, &flen), 0,
	       "TSO6 (not negotiated) and a runt: nothing to send");
	ok(used_idx(TXQ) == 3 && ndev->stats.tx_dropped == dropped + 2,
	   "both completed and counted as dropped");
	free(elem);
}

/*
 * Bits the device never offered are not negotiated, FEATURES_OK or not:
 * a modern driver that skips it gets no device, a legacy one (which has
 * none) the offered part of what it asked for.
 */
static void test_unoffered(void)
{
	struct net_queue_pair *qp = &ndev->pairs[0];
	struct virtq_elem *elem = virtq_elem__alloc();
	struct virtio_net_hdr_v1 hdr, *gh = gpa(BUF(0));
	struct iovec frame[VIRTIO_QUEUE_MAX_SIZE];
	u64 addr = BUF(0);
	u32 len = 12 + 1000;
	int s = started, nr;
	size_t flen;

	ok(!(mmio_device_features() & F(VIRTIO_NET_F_HOST_UFO)), "UFO is not offered");
	driver_start(F_BASE | F(VIRTIO_NET_F_CSUM) | F(VIRTIO_NET_F_HOST_UFO), false);
	ok(started == s && !(mmio_rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_DRIVER_OK),
	   "a modern driver that skips FEATURES_OK, asking for UFO: not started");
	/* What the legacy BAR of pci-legacy.c marks on its first write. */
	ndev->vdev.legacy = true;
	ok(driver_start((u32)F_BASE | F(VIRTIO_NET_F_CSUM) | F(VIRTIO_NET_F_HOST_UFO),
			false) && started == s + 1,
	   "a legacy driver asking for UFO: started");
	ok(net__has(ndev, VIRTIO_NET_F_CSUM) && !net__has(ndev, VIRTIO_NET_F_HOST_UFO),
	   "... with what was offered of it only");
	memset(gh, 0, 12);
	gh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	gh->gso_type = VIRTIO_NET_HDR_GSO_UDP;
	gh->gso_size = htole16(1000);
	gh->csum_start = htole16(34);
	gh->csum_offset = htole16(6);
	mmio_submit(TXQ, 0, &addr, &len, 1, 1, false);
	is_int(net__tx_pop(qp, elem, &hdr, frame, &nr, &flen), 0,
	       "its UFO frame is dropped");
	ndev->vdev.legacy = false;
	free(elem);
}

/* Sends a control command; returns the ack, or -1 when not answered. */
static int ctrl(u8 class, u8 cmd, const void *data, u32 dlen)
{
	u8 *buf = gpa(BUF(8));

	buf[0] = class;
	buf[1] = cmd;
	memcpy(buf + 2, data, dlen);
	return mmio_request(CTRLQ, BUF(8), 2 + dlen, BUF(9));
}

static void test_ctrl(void)
{
	const u8 mac[6] = { 0x52, 0x54, 0, 1, 2, 3 };
	u8 on = 1;
	__le16 pairs = htole16(1);
	__le64 off = htole64(F(VIRTIO_NET_F_GUEST_CSUM));

	ok(driver_setup(F_BASE | F(VIRTIO_NET_F_CTRL_RX) |
			F(VIRTIO_NET_F_CTRL_MAC_ADDR) | F(VIRTIO_NET_F_GUEST_CSUM) |
			F(VIRTIO_NET_F_GUEST_TSO4) |
			F(VIRTIO_NET_F_CTRL_GUEST_OFFLOADS)), "with the control features");
	is_int(ctrl(VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC, &on, 1),
	       VIRTIO_NET_OK, "promiscuous mode: OK");
	is_int(ctrl(VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_ADDR_SET, mac, 6),
	       VIRTIO_NET_OK, "MAC_ADDR_SET: OK");
	ok(mmio_cfg_rd8(3) == 1 && mmio_cfg_rd8(5) == 3, "... and config space has the new MAC");
	is_int(ctrl(VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2),
	       VIRTIO_NET_ERR, "VQ_PAIRS_SET without MQ: ERR");
	is_int(ctrl(VIRTIO_NET_CTRL_GUEST_OFFLOADS, VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET,
		    &off, 8), VIRTIO_NET_OK, "GUEST_OFFLOADS_SET to checksum only: OK");
	ok(offloads_set == 1 && last_offloads == F(VIRTIO_NET_F_GUEST_CSUM),
	   "... handed to the backend");
	off = htole64(F(VIRTIO_NET_F_GUEST_TSO6));
	is_int(ctrl(VIRTIO_NET_CTRL_GUEST_OFFLOADS, VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET,
		    &off, 8), VIRTIO_NET_ERR, "an offload not negotiated: ERR");
	is_int(ctrl(VIRTIO_NET_CTRL_VLAN, VIRTIO_NET_CTRL_VLAN_ADD, &pairs, 2),
	       VIRTIO_NET_ERR, "VLAN, not offered: ERR");
	is_int(ctrl(99, 0, NULL, 0), VIRTIO_NET_ERR, "an unknown class: ERR");
	is_int(ctrl(VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_ADDR_SET, mac, 3),
	       VIRTIO_NET_ERR, "a truncated MAC: ERR");
	ok(driver_setup(F_BASE) && mmio_cfg_rd8(3) == ndev->params.mac[3],
	   "a reset brings back the configured MAC");
}

int main(void)
{
	struct net_params p;

	test_parse();
	test_parse_leak();
	test_mac();
	test_tx_hdr();

	kvm = fake_kvm_new();
	fake_mmio_init(kvm, KVM_VIRTIO_MMIO_START);
	kvm->cfg.guest_name = "net-test";
	virtio__set_transport("mmio");
	net__register_backend(NET_MODE_TAP, &fake_ops);
	net__parse_params("mode=tap,mq=1", &p);
	if (!ok(!virtio_net__add(kvm, &p, &ndev) && virtio_mmio__nr_devices() == 1,
		"a NIC on the fake backend: one virtio-mmio device"))
		return exit_status();
	test_probe();
	test_rx_single();
	test_rx_merge();
	test_tx();
	test_unoffered();
	test_ctrl();
	return exit_status();
}
