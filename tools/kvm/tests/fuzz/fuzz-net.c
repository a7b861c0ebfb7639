// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net's guest-facing half (virtio/net.c) with a driver that lies:
 * one NIC of two queue pairs on virtio-mmio, programmed as in
 * test-virtio-net.c with what the input says (the features: MRG_RXBUF,
 * VERSION_1 or a legacy driver's 10-byte header, the offloads, CTRL_*,
 * MQ, bits never offered; the queues' sizes; the chains of the RX, TX
 * and control queues), and a fake backend, registered for NET_MODE_TAP,
 * that moves frames with the datapath helpers as the real ones do:
 * net__tx_pop() and net__tx_done() drain TX, net__rx_frame() delivers
 * packets of any length into the RX buffers.  Resets and queues turned
 * off and on come in between, with RX buffers held and a TX chain taken
 * and completed late.  The --network parser, and user mode's hostfwd=
 * parser when there is libslirp, get strings from the input too.
 *
 * Oracle, besides ASan, UBSan and the guard pages of fuzz.h:
 * - TX: a frame handed out lies in guest RAM and is exactly the bytes of
 *   its chain after the vnet header, 14 to NET_MAX_FRAME of them, with a
 *   header that passes net__check_tx_hdr() for the features both sides
 *   agreed to; completed chains say 0 bytes written;
 * - RX: net__rx_frame() returns 0, -EAGAIN or -EMSGSIZE; on 0 the used
 *   entries it added hold the packet (their lengths add up to it, every
 *   buffer but the last is full, one buffer unless MRG_RXBUF, the bytes
 *   are the packet's, num_buffers in the first with a 12-byte header),
 *   otherwise none of them holds a byte; and nothing is written outside
 *   the writable descriptors (a canary page after the buffers);
 * - the control queue answers each command with OK or ERR in its last
 *   writable byte, and VQ_PAIRS_SET and MAC_ADDR_SET do what they say;
 * - the backend starts with features the device offered and the header
 *   length they imply, and is asked only for offloads and pairs it has;
 * - the parsers return 0 or -1.
 *
 * Input: the setup (driver_setup()), then steps, each op[1] and its
 * arguments (step()).  FUZZ_TRACE=1 prints what each step did, for
 * writing seeds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <linux/if_ether.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_net.h>

#include <linux/align.h>
#include <linux/kernel.h>

#include "kvm/bus.h"
#include "kvm/iovec.h"
#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"
#include "kvm/virtio.h"
#include "kvm/virtio-mmio.h"
#include "kvm/virtio-net.h"
#ifdef CONFIG_HAS_LIBSLIRP
#include "../../virtio/net-user.h"
#endif
#include "fuzz.h"
#include "fake-mmio-driver.h"

#define NR_PAIRS	2
#define NR_QUEUES	(2 * NR_PAIRS + 1)
#define CTRLQ		(2 * NR_PAIRS)
#define MAX_STEPS	128
#define MAX_DESCS	8
/* net.c's NET_CTRL_MAX: the longest control command it takes. */
#define CTRL_MAX	(2 + 2 * (4 + 256 * ETH_ALEN))

/* Guest RAM: the rings, the buffers, then a page the device never gets. */
#define BUF_START	(RAM_BASE + 0x10000)
#define CANARY		(RAM_BASE + RAM_SIZE - PAGE)
#define BUF_END		CANARY

#define F(bit)		(1ULL << (bit))
#define NF(name)	F(VIRTIO_NET_F_##name)
/* What the fake backend offers: the tap's offloads. */
#define OFFLOADS	(NF(CSUM) | NF(HOST_TSO4) | NF(HOST_TSO6) | NF(HOST_ECN) | \
			 NF(GUEST_CSUM) | NF(GUEST_TSO4) | NF(GUEST_TSO6) |	\
			 NF(GUEST_ECN) | NF(CTRL_GUEST_OFFLOADS))
#define GUEST_OFFLOADS	(NF(GUEST_CSUM) | NF(GUEST_TSO4) | NF(GUEST_TSO6) |	\
			 NF(GUEST_ECN) | NF(GUEST_UFO))
/* What Linux's virtio_net asks for, a starting point for the input. */
#define LINUX_FEATURES	(F(VIRTIO_F_VERSION_1) | F(VIRTIO_RING_F_EVENT_IDX) |	\
			 F(VIRTIO_RING_F_INDIRECT_DESC) | NF(MAC) | NF(STATUS) | \
			 NF(MRG_RXBUF) | NF(CTRL_VQ) | NF(CTRL_RX) |		\
			 NF(CTRL_MAC_ADDR) | NF(MQ) | NF(MTU) | OFFLOADS)

static struct kvm *kvm;
static struct net_dev *ndev;

/* The driver's side of each queue. */
static struct {
	u16 size;		/* as written to QUEUE_NUM */
	u16 avail_idx;
	u16 next_desc;
	bool raw;		/* the input wrote descriptors of its own */
} dq[NR_QUEUES];
static u64 bump;		/* the next free buffer byte */

/* The fake backend. */
static struct {
	bool started;
	bool start_fails;
	bool offloads_fail;
	bool pairs_fail;
} be;

/* TX: a chain popped and checked, and one kept for a late completion. */
static struct virtq_elem *tx_elem, *tx_held;
static struct net_queue_pair *tx_held_qp;

/* RX: what the packets are made of. */
static u8 pkt[sizeof(struct virtio_net_hdr_v1) + NET_MAX_FRAME + 256];
static u8 canary[PAGE];

static bool trace;
#define tr(...)	do { if (trace) fprintf(stderr, __VA_ARGS__); } while (0)

/* LeakSanitizer's, when there is one (ASan has it). */
void __lsan_disable(void) __attribute__((weak));
void __lsan_enable(void) __attribute__((weak));

/* ------------------------------------------------------------------ */
/* The backend */

static int fake_init(struct net_dev *nd, u64 *features)
{
	*features |= OFFLOADS;
	return 0;
}

static int fake_start(struct net_dev *nd)
{
	/* What was negotiated is a subset of what was offered. */
	fuzz_assert(!(nd->features & ~nd->vdev.host_features));
	fuzz_assert(nd->hdr_len == (net__has(nd, VIRTIO_F_VERSION_1) ||
				    net__has(nd, VIRTIO_NET_F_MRG_RXBUF) ?
				    sizeof(struct virtio_net_hdr_v1) :
				    sizeof(struct virtio_net_hdr)));
	fuzz_assert(nd->active_pairs == 1);
	if (be.start_fails)
		return -EIO;
	be.started = true;
	return 0;
}

static void fake_stop(struct net_dev *nd)
{
	be.started = false;
}

static int fake_set_offloads(struct net_dev *nd, u64 offloads)
{
	fuzz_assert(!(offloads & ~(nd->features & nd->vdev.host_features &
				   GUEST_OFFLOADS)));
	return be.offloads_fail ? -EINVAL : 0;
}

static int fake_set_pairs(struct net_dev *nd, unsigned int pairs)
{
	fuzz_assert(net__has(nd, VIRTIO_NET_F_MQ));
	fuzz_assert(pairs >= 1 && pairs <= nd->nr_pairs);
	return be.pairs_fail ? -EINVAL : 0;
}

static const struct net_backend_ops fake_ops = {
	.name = "fake",
	.init = fake_init,
	.start = fake_start,
	.stop = fake_stop,
	.set_offloads = fake_set_offloads,
	.set_pairs = fake_set_pairs,
};

/* ------------------------------------------------------------------ */
/* The driver */

static bool pow2_size(u16 n)
{
	return n && n <= NET_QUEUE_SIZE && !(n & (n - 1));
}

/* The ring size the driver's side uses: its own, or the table's room. */
static u16 ring_size(int q)
{
	return pow2_size(dq[q].size) ? dq[q].size : NET_QUEUE_SIZE;
}

/*
 * Sets queue @q up from size[1]: < 0xf0, 1 << (size % 9) entries; 0xff,
 * left off; else size[2] more, of any size.
 */
static void queue_setup(struct fuzz_in *in, int q)
{
	u8 s = fuzz_u8(in);

	mmio_wr(VIRTIO_MMIO_QUEUE_SEL, q);
	mmio_wr(VIRTIO_MMIO_QUEUE_READY, 0);
	memset(gpa(QDESC(q)), 0, 0x3000);
	memset(&dq[q], 0, sizeof(dq[q]));
	if (s == 0xff)
		return;
	dq[q].size = s < 0xf0 ? 1 << (s % 9) : fuzz_u16(in);
	mmio_queue_setup(q, dq[q].size);
}

/*
 * Resets the device and brings it up: cfg[1] features[8] then a size
 * for each queue (queue_setup()).  cfg bits 0-1: the features are the
 * input's within the offer (0), Linux's toggled by the input within the
 * offer (1), the input's as they are (2), the offer and the input's (3);
 * bit 2: a legacy driver (32 feature bits, no FEATURES_OK); bit 3: no
 * FEATURES_OK; bit 4: no DRIVER_OK (a status step may set it); bit 5:
 * the backend cannot start; bit 6: nor take offloads; bit 7: nor pairs.
 */
static void driver_setup(struct fuzz_in *in)
{
	u8 cfg = fuzz_u8(in);
	u64 offer, f = fuzz_u64(in);
	bool legacy = cfg & 4;
	u32 status = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER;
	int q;

	mmio_wr(VIRTIO_MMIO_STATUS, 0);
	fuzz_assert(!be.started && mmio_rd(VIRTIO_MMIO_STATUS) == 0);
	be.start_fails = cfg & 0x20;
	be.offloads_fail = cfg & 0x40;
	be.pairs_fail = cfg & 0x80;
	/* What the legacy BAR of pci-legacy.c marks on its first write. */
	ndev->vdev.legacy = legacy;

	offer = mmio_device_features();
	switch (cfg & 3) {
	case 0:
		f &= offer;
		break;
	case 1:
		f = (LINUX_FEATURES ^ f) & offer;
		break;
	case 2:
		break;
	default:
		f |= offer;
	}
	if (legacy)
		f = (u32)f;

	mmio_wr(VIRTIO_MMIO_STATUS, status);
	mmio_driver_features(f);
	if (!legacy && !(cfg & 8)) {
		mmio_wr(VIRTIO_MMIO_STATUS, status | VIRTIO_CONFIG_S_FEATURES_OK);
		status = mmio_rd(VIRTIO_MMIO_STATUS);
	}
	for (q = 0; q < NR_QUEUES; q++)
		queue_setup(in, q);
	if (!(cfg & 0x10))
		mmio_wr(VIRTIO_MMIO_STATUS, status | VIRTIO_CONFIG_S_DRIVER_OK);
	tr("setup: features %#llx%s, status %#x, started %d, hdr_len %zu\n",
	   (unsigned long long)f, legacy ? " (legacy)" : "",
	   mmio_rd(VIRTIO_MMIO_STATUS), be.started, ndev->hdr_len);
}

/* @len bytes of buffer space; wraps around (buffers then overlap). */
static u64 alloc(size_t len)
{
	u64 addr;

	bump = ALIGN(bump, 16);
	if (len > BUF_END - BUF_START)
		len = BUF_END - BUF_START;
	if (bump + len > BUF_END)
		bump = BUF_START;
	addr = bump;
	bump += len;
	return addr;
}

/*
 * Makes a chain of @n buffers available on @q, in the ring or in an
 * indirect table; @w says which are writable.  Returns its head.
 */
static u16 publish(int q, const u64 *addr, const u32 *len, const bool *w,
		   int n, bool indirect)
{
	struct vring_desc *desc = gpa(QDESC(q)), *d;
	struct vring_avail *avail = gpa(QAVAIL(q));
	u16 size = ring_size(q), head = dq[q].next_desc & (size - 1);
	u64 table = 0;
	int i;

	if (indirect) {
		table = alloc(n * sizeof(*d));
		desc[head] = (struct vring_desc) {
			.addr = table,
			.len = n * sizeof(*d),
			.flags = VRING_DESC_F_INDIRECT,
		};
		dq[q].next_desc = head + 1;
	}
	for (i = 0; i < n; i++) {
		u16 idx = indirect ? i : (head + i) & (size - 1);
		u16 next = indirect ? i + 1 : (idx + 1) & (size - 1);

		d = indirect ? (struct vring_desc *)gpa(table) + i : &desc[idx];
		*d = (struct vring_desc) {
			.addr = addr[i],
			.len = len[i],
			.flags = (i + 1 < n ? VRING_DESC_F_NEXT : 0) |
				 (w[i] ? VRING_DESC_F_WRITE : 0),
			.next = next,
		};
	}
	if (!indirect)
		dq[q].next_desc = head + n;
	avail->ring[dq[q].avail_idx & (size - 1)] = head;
	__atomic_store_n(&avail->idx, ++dq[q].avail_idx, __ATOMIC_RELEASE);
	return head;
}

/* The rings now hold what the input wrote, not what publish() did. */
static void raw_all(void)
{
	int q;

	for (q = 0; q < NR_QUEUES; q++)
		dq[q].raw = true;
}

/* ------------------------------------------------------------------ */
/* RX */

/*
 * Buffers for the RX queue of a pair: b[1] shape[1] len[2] for each
 * descriptor.  b: bit 0 the pair, bits 1-6 how many chains (1 to 64)
 * of the same shape; shape: bits 0-2 descriptors (1 to 8), bit 3 in an
 * indirect table, bit 4 the first readable, bit 5 lengths below 4 KiB.
 */
static void op_rx_bufs(struct fuzz_in *in)
{
	u8 b = fuzz_u8(in), shape = fuzz_u8(in);
	int q = 2 * (b & 1), chains = 1 + ((b >> 1) & 63);
	int n = 1 + (shape & 7), c, i;
	u64 addr[MAX_DESCS];
	u32 len[MAX_DESCS];
	bool w[MAX_DESCS];

	for (i = 0; i < n; i++) {
		len[i] = fuzz_u16(in);
		if (shape & 0x20)
			len[i] &= 0xfff;
		w[i] = !(i == 0 && (shape & 0x10));
	}
	for (c = 0; c < chains; c++) {
		for (i = 0; i < n; i++)
			addr[i] = alloc(len[i]);
		publish(q, addr, len, w, n, shape & 8);
	}
}

struct range {
	u8 *p;
	size_t len;
	size_t pos;		/* where in the packet */
};

static int range_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->p < y->p ? -1 : x->p > y->p;
}

static bool overlaps(const u8 *p, size_t len, const u8 *q, size_t qlen)
{
	return p < q + qlen && q < p + len;
}

/*
 * Whether the device may have written the canary through the buffers of
 * rx_elems[@first...@last), and (*@rings) the rings, which then hold what
 * the packet says as much as what publish() did.
 */
static bool rx_may_write(struct net_queue_pair *qp, unsigned int first,
			 unsigned int last, bool *rings)
{
	bool hit = false;
	unsigned int i, k;

	*rings = false;
	for (i = first; i < last; i++) {
		struct virtq_elem *e = qp->rx_elems[i];

		for (k = e->out_num; k < e->out_num + e->in_num; k++) {
			if (overlaps(e->iov[k].iov_base, e->iov[k].iov_len,
				     gpa(CANARY), PAGE))
				hit = true;
			if (overlaps(e->iov[k].iov_base, e->iov[k].iov_len,
				     ram, BUF_START - RAM_BASE))
				*rings = true;
		}
	}
	if (*rings)
		raw_all();
	return hit;
}

/*
 * What @n used buffers (rx_elems[@first...]) hold: the packet, with
 * num_buffers written over it in the first; not looked at when the
 * guest gave buffers that overlap.  Returns whether any of the bytes
 * written is the canary's.
 */
static bool check_rx_data(struct net_queue_pair *qp, unsigned int first,
			  unsigned int n, const u32 *lens, size_t hdr_len)
{
	static struct range r[4096];
	u8 *can = gpa(CANARY), nb[2] = { n, n >> 8 };
	unsigned int i, k, nr = 0;
	bool hit_canary = false, all = true;
	size_t pos = 0, j;

	for (i = 0; i < n; i++) {
		struct virtq_elem *e = qp->rx_elems[first + i];
		size_t left = lens[i];

		for (k = 0; k < e->in_num && left; k++) {
			struct iovec *v = &e->iov[e->out_num + k];
			size_t l = min(left, v->iov_len);

			if (overlaps(v->iov_base, l, can, PAGE))
				hit_canary = true;
			if (nr < ARRAY_SIZE(r))
				r[nr++] = (struct range){ v->iov_base, l, pos };
			else
				all = false;
			pos += l;
			left -= l;
		}
	}
	if (!all)
		return hit_canary;
	qsort(r, nr, sizeof(r[0]), range_cmp);
	for (i = 1; i < nr; i++)
		if (r[i - 1].p + r[i - 1].len > r[i].p)
			return hit_canary;	/* any bytes go */
	for (i = 0; i < nr; i++) {
		for (j = 0; j < r[i].len; j++) {
			size_t at = r[i].pos + j;
			u8 want = pkt[at];

			/* num_buffers, where the first buffer has it. */
			if (hdr_len == sizeof(struct virtio_net_hdr_v1) &&
			    at >= 10 && at < 12 && at < lens[0])
				want = nb[at - 10];
			fuzz_assert(r[i].p[j] == want);
		}
	}
	return hit_canary;
}

static void check_canary(bool written)
{
	u8 *can = gpa(CANARY);

	if (!written)
		fuzz_assert(!memcmp(can, canary, PAGE));
	memcpy(can, canary, PAGE);
}

/*
 * A packet for a pair: b[1] and its length.  b: bit 0 the pair, bits
 * 1-2 the length (up to 2 KiB more than the header, len[2] more, len[4]
 * of anything up to too long, about NET_MAX_FRAME), bits 3-4 how many
 * iovecs (1 to 3) the backend has it in, cut where cut[2]s say.
 */
static void op_rx(struct fuzz_in *in)
{
	u8 b = fuzz_u8(in);
	struct net_queue_pair *qp = &ndev->pairs[b & 1];
	struct virtq *vq = qp->rx;
	size_t hdr_len = ndev->hdr_len, len, cut[3], sum = 0;
	struct iovec iov[3];
	u32 lens[NET_QUEUE_SIZE];
	unsigned int i, k, nr = 1 + ((b >> 3) & 3) % 3, n, added, zeros;
	u16 before, size = vq->size;
	bool hit, rings;
	int ret;

	switch ((b >> 1) & 3) {
	case 0:
		len = hdr_len + fuzz_u16(in) % 2048;
		break;
	case 1:
		len = hdr_len + fuzz_u16(in);
		break;
	case 2:
		len = fuzz_u32(in) % sizeof(pkt);
		break;
	default:
		len = hdr_len + NET_MAX_FRAME + (s8)fuzz_u8(in);
	}
	len = min(len, sizeof(pkt));
	for (i = 0; i + 1 < nr; i++)
		cut[i] = fuzz_u16(in) % (len + 1);
	cut[nr - 1] = len;
	/* The iovecs: pkt in order, cut at the (sorted) points. */
	for (i = 1; i < nr; i++) {
		for (k = i; k > 0 && cut[k - 1] > cut[k]; k--) {
			size_t t = cut[k];

			cut[k] = cut[k - 1];
			cut[k - 1] = t;
		}
	}
	for (i = 0; i < nr; i++) {
		iov[i] = (struct iovec){ pkt + sum, cut[i] - sum };
		sum = cut[i];
	}

	/* A backend moves frames between its start() and stop() only. */
	if (!be.started)
		return;
	before = vq->used_idx;
	ret = net__rx_frame(qp, iov, nr, len);
	tr("rx %u: %zu bytes in %u iovecs: %d, %u used, %u held\n", qp->index,
	   len, nr, ret, (u16)(vq->used_idx - before), qp->nr_rx_held);
	fuzz_assert(ret == 0 || ret == -EAGAIN || ret == -EMSGSIZE);
	if (len < hdr_len || len > hdr_len + NET_MAX_FRAME)
		fuzz_assert(ret == -EMSGSIZE && vq->used_idx == before);
	if (!vq->enabled) {
		fuzz_assert(ret && vq->used_idx == before);
		check_canary(false);
		return;
	}
	/* Empty buffers given back first, then the packet's. */
	added = (u16)(vq->used_idx - before);
	/* Published (the guest may have written over the index since). */
	fuzz_assert(!added || vq->used->idx == vq->used_idx);
	if (!ret) {
		/* The used ones are among those after the held ones. */
		hit = rx_may_write(qp, qp->nr_rx_held, qp->nr_rx_alloc, &rings);
		/*
		 * The driver had more buffers out than its ring holds, and
		 * the entries overwrote each other; or the packet went over
		 * the entries given back empty before it.
		 */
		if (added > size || rings) {
			check_canary(hit);
			return;
		}
	}
	fuzz_assert(added <= size);
	for (i = 0, zeros = 0, n = 0, sum = 0; i < added; i++) {
		struct vring_used_elem *u = &vq->used->ring[(u16)(before + i) &
							    (size - 1)];

		if (!u->len) {
			fuzz_assert(!n);
			zeros++;
			continue;
		}
		fuzz_assert(n < ARRAY_SIZE(lens));
		lens[n++] = u->len;
		sum += u->len;
	}
	if (ret) {
		fuzz_assert(!n);
		check_canary(false);
		return;
	}
	fuzz_assert(n >= 1 && sum == len);
	fuzz_assert(n == 1 || net__has(ndev, VIRTIO_NET_F_MRG_RXBUF));
	/* net_rx_consume() keeps the used ones after those still held. */
	for (i = 0; i < n; i++) {
		struct virtq_elem *e = qp->rx_elems[qp->nr_rx_held + i];
		struct vring_used_elem *u = &vq->used->ring[(u16)(before + zeros + i) &
							    (size - 1)];

		fuzz_assert(u->id == e->head);
		fuzz_assert(lens[i] <= e->in_len);
		fuzz_assert(i + 1 == n || lens[i] == e->in_len);
	}
	hit = check_rx_data(qp, qp->nr_rx_held, n, lens, hdr_len);
	if (hdr_len == sizeof(struct virtio_net_hdr_v1) && lens[0] >= 12) {
		struct virtq_elem *e = qp->rx_elems[qp->nr_rx_held];
		__le16 nb;

		iov_to_buf(e->iov + e->out_num, e->in_num,
			   offsetof(struct virtio_net_hdr_v1, num_buffers),
			   &nb, sizeof(nb));
		fuzz_assert(le16toh(nb) == n);
	}
	check_canary(hit);
	net__rx_signal(qp);
}

/* ------------------------------------------------------------------ */
/* TX */

/*
 * A frame for a pair: b[1] m[1], the header, len[2], cut[2] for each
 * descriptor but the last.  b: bit 0 the pair, bits 1-3 descriptors
 * (1 to 8), bit 4 in an indirect table, bit 5 a writable one after
 * them (wlen[2]).  m: bits 0-1 the header (zeroes; hdr[12] as it comes;
 * TSO: gso_type[1] gso_size[2] csum_start[1] csum_offset[1]; a checksum
 * request: csum_start[1] csum_offset[1]); bit 2 64 KiB longer; bit 3 a
 * runt; bit 7 a header length of its own (bit 6: 10, else 12).
 */
static void op_tx_chain(struct fuzz_in *in)
{
	u8 b = fuzz_u8(in), m = fuzz_u8(in);
	int q = 2 * (b & 1) + 1, n = 1 + ((b >> 1) & 7), i;
	size_t hlen = ndev->hdr_len ?: sizeof(struct virtio_net_hdr_v1);
	struct virtio_net_hdr_v1 h = { 0 };
	u64 addr[MAX_DESCS + 1], base;
	u32 len[MAX_DESCS + 1];
	bool w[MAX_DESCS + 1];
	size_t flen, total, off = 0;

	if (m & 0x80)
		hlen = m & 0x40 ? sizeof(struct virtio_net_hdr) :
		       sizeof(struct virtio_net_hdr_v1);
	switch (m & 3) {
	case 0:
		break;
	case 1:
		fuzz_bytes(in, &h, sizeof(h));
		break;
	case 2:
		h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		h.gso_type = fuzz_u8(in);
		h.gso_size = htole16(fuzz_u16(in));
		h.csum_start = htole16(fuzz_u8(in));
		h.csum_offset = htole16(fuzz_u8(in));
		break;
	default:
		h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		h.csum_start = htole16(fuzz_u8(in));
		h.csum_offset = htole16(fuzz_u8(in));
	}
	flen = fuzz_u16(in);
	if (m & 4)
		flen += 0x10000;
	if (m & 8)
		flen %= 2 * ETH_HLEN;
	total = hlen + flen;
	base = alloc(total);
	memcpy(gpa(base), &h, min(hlen, sizeof(h)));
	for (i = 0; i < n; i++) {
		len[i] = i + 1 < n ? fuzz_u16(in) % (total - off + 1) : total - off;
		addr[i] = base + off;
		w[i] = false;
		off += len[i];
	}
	if (b & 0x20) {
		len[n] = fuzz_u16(in);
		addr[n] = alloc(len[n]);
		w[n++] = true;
	}
	publish(q, addr, len, w, n, b & 0x10);
}

/* The frame is the chain's bytes after the header, and a valid one. */
static void check_tx(struct virtq_elem *e, const struct virtio_net_hdr_v1 *h,
		     const struct iovec *frame, int nr, size_t len)
{
	size_t hlen = ndev->hdr_len, off = hlen, sum = 0;
	u64 agreed = ndev->features & ndev->vdev.host_features;
	struct virtio_net_hdr_v1 g = { 0 };
	unsigned int ie = 0;
	int i;

	fuzz_assert(nr >= 1 && nr <= VIRTIO_QUEUE_MAX_SIZE);
	fuzz_assert(len >= ETH_HLEN && len <= NET_MAX_FRAME);
	fuzz_assert(!net__check_tx_hdr(agreed, h, len));
	fuzz_assert(e->out_len == hlen + len);
	/* The driver's header, but for what only RX may say. */
	iov_to_buf(e->iov, e->out_num, 0, &g, hlen);
	fuzz_assert(h->flags == (g.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM));
	fuzz_assert(h->gso_type == g.gso_type && h->hdr_len == g.hdr_len &&
		    h->gso_size == g.gso_size && h->csum_start == g.csum_start &&
		    h->csum_offset == g.csum_offset && !h->num_buffers);

	while (ie < e->out_num && off >= e->iov[ie].iov_len)
		off -= e->iov[ie++].iov_len;
	for (i = 0; i < nr; i++) {
		const u8 *p = frame[i].iov_base;
		size_t rem = frame[i].iov_len;

		fuzz_assert(fuzz_in_ram(p, rem));
		sum += rem;
		while (rem) {
			size_t piece;

			fuzz_assert(ie < e->out_num);
			piece = min(rem, e->iov[ie].iov_len - off);
			fuzz_assert(p == (u8 *)e->iov[ie].iov_base + off);
			p += piece;
			rem -= piece;
			off += piece;
			if (off == e->iov[ie].iov_len) {
				ie++;
				off = 0;
			}
		}
	}
	fuzz_assert(sum == len);
}

/* Completions since @before on @vq's used ring say 0 bytes written. */
static void check_tx_used(struct virtq *vq, u16 before)
{
	u16 i;

	if (!vq->enabled)
		return;
	fuzz_assert(before == vq->used_idx || vq->used->idx == vq->used_idx);
	for (i = before; i != vq->used_idx; i++)
		fuzz_assert(!vq->used->ring[i & (vq->size - 1)].len);
}

/*
 * The backend sends: b[1].  Bit 0 the pair, bits 1-4 up to how many
 * frames (1 to 16), bit 6 keep the last one for later, bit 7 sent (or
 * refused).
 */
static void op_tx_drain(struct fuzz_in *in)
{
	static struct iovec frame[VIRTIO_QUEUE_MAX_SIZE];
	u8 b = fuzz_u8(in);
	struct net_queue_pair *qp = &ndev->pairs[b & 1];
	int max = 1 + ((b >> 1) & 15), i, ret, nr;
	struct virtio_net_hdr_v1 hdr;
	u16 before = qp->tx->used_idx;
	size_t len;

	if (!be.started)
		return;
	for (i = 0; i < max; i++) {
		ret = net__tx_pop(qp, tx_elem, &hdr, frame, &nr, &len);
		fuzz_assert(ret == 1 || ret == 0 || ret == -EINVAL || ret == -EIO);
		if (ret <= 0)
			break;
		check_tx(tx_elem, &hdr, frame, nr, len);
		tr("tx %u: %zu bytes in %d iovecs, gso %#x\n", qp->index, len,
		   nr, hdr.gso_type);
		if ((b & 0x40) && !tx_held_qp) {
			struct virtq_elem *t = tx_held;

			tx_held = tx_elem;
			tx_elem = t;
			tx_held_qp = qp;
			break;
		}
		net__tx_done(qp, tx_elem, len, b & 0x80);
	}
	virtq__signal(qp->tx);
	tr("tx %u: %d, %u completed\n", qp->index, ret,
	   (u16)(qp->tx->used_idx - before));
	check_tx_used(qp->tx, before);
}

/* The chain kept by op_tx_drain() completed, after a reset maybe. */
static void op_tx_late(void)
{
	struct net_queue_pair *qp = tx_held_qp;
	u16 before;
	bool current;

	if (!qp)
		return;
	before = qp->tx->used_idx;
	current = qp->tx->enabled && tx_held->gen == qp->tx->gen;
	net__tx_done(qp, tx_held, tx_held->out_len, true);
	tx_held_qp = NULL;
	/* A chain of an earlier queue generation is no one's any more. */
	fuzz_assert(qp->tx->used_idx == (u16)(before + current));
	check_tx_used(qp->tx, before);
}

/* ------------------------------------------------------------------ */
/* The control queue */

/*
 * A command: b[1] (class[1] if b >= 0xc0) cmd[1] dlen[2] data[up to 16]
 * shape[1] and cut[2]s, alen[1]s.  shape: bits 0-1 readable pieces (1 to
 * 3), bits 2-3 writable ones (0 to 2), bit 4 in an indirect table.
 */
static void op_ctrl(struct fuzz_in *in)
{
	u8 b = fuzz_u8(in), cls = b < 0xc0 ? b % 6 : fuzz_u8(in);
	u8 cmd = fuzz_u8(in), shape;
	size_t dlen = fuzz_u16(in) % (CTRL_MAX + 32), total = 2 + dlen, off = 0;
	int nout, nin, n = 0, i;
	u64 addr[6], base, ack_at = 0;
	u32 len[6], in_len = 0;
	bool w[6], ok, mine;
	struct virtq *vq = &ndev->vdev.vqs[CTRLQ];
	u8 *cmd_buf, ack, mac[ETH_ALEN];
	u16 before, head, i16;

	base = alloc(total);
	cmd_buf = gpa(base);
	cmd_buf[0] = cls;
	cmd_buf[1] = cmd;
	memset(cmd_buf + 2, 0, dlen);
	fuzz_bytes(in, cmd_buf + 2, min_t(size_t, dlen, 16));
	shape = fuzz_u8(in);
	nout = 1 + (shape & 3) % 3;
	nin = ((shape >> 2) & 3) % 3;
	for (i = 0; i < nout; i++, n++) {
		len[n] = i + 1 < nout ? fuzz_u16(in) % (total - off + 1) : total - off;
		addr[n] = base + off;
		w[n] = false;
		off += len[n];
	}
	for (i = 0; i < nin; i++, n++) {
		len[n] = fuzz_u8(in) % 4;
		addr[n] = alloc(len[n]);
		memset(gpa(addr[n]), 0xee, len[n]);
		w[n] = true;
		in_len += len[n];
		if (len[n])
			ack_at = addr[n] + len[n] - 1;
	}
	head = publish(CTRLQ, addr, len, w, n, shape & 0x10);
	/* A chain longer than the ring wrote over itself: not ours to check. */
	mine = !dq[CTRLQ].raw && ((shape & 0x10) || n <= ring_size(CTRLQ));

	/* What the core's worker does when the driver kicks. */
	if (!(ndev->vdev.status & VIRTIO_CONFIG_S_DRIVER_OK) || !vq->enabled)
		return;
	before = vq->used_idx;
	ndev->vdev.ops->queue_notify(&ndev->vdev, vq);
	check_canary(dq[CTRLQ].raw);
	if (!vq->enabled)
		return;
	fuzz_assert(before == vq->used_idx || vq->used->idx == vq->used_idx);
	for (i16 = before; i16 != vq->used_idx; i16++) {
		struct vring_used_elem *u = &vq->used->ring[i16 & (vq->size - 1)];

		if (u->id == head && mine)
			break;
	}
	if (i16 == vq->used_idx)
		return;		/* not answered: the queue broke before */
	fuzz_assert(vq->used->ring[i16 & (vq->size - 1)].len == in_len);
	if (!in_len)
		return;
	ack = *(u8 *)gpa(ack_at);
	tr("ctrl: class %u cmd %u, %zu bytes: ack %u\n", cls, cmd, dlen, ack);
	fuzz_assert(ack == VIRTIO_NET_OK || ack == VIRTIO_NET_ERR);

	/* Two commands whose effect is seen from outside. */
	if (cls == VIRTIO_NET_CTRL_MQ && cmd == VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET &&
	    dlen >= 2 && total <= CTRL_MAX) {
		u16 pairs = cmd_buf[2] | cmd_buf[3] << 8;

		ok = net__has(ndev, VIRTIO_NET_F_MQ) && pairs >= 1 &&
		     pairs <= NR_PAIRS && !be.pairs_fail;
		fuzz_assert(ack == (ok ? VIRTIO_NET_OK : VIRTIO_NET_ERR));
		if (ok)
			fuzz_assert(ndev->active_pairs == pairs);
	}
	if (cls == VIRTIO_NET_CTRL_MAC && cmd == VIRTIO_NET_CTRL_MAC_ADDR_SET &&
	    total <= CTRL_MAX) {
		ok = net__has(ndev, VIRTIO_NET_F_CTRL_MAC_ADDR) && dlen >= ETH_ALEN;
		fuzz_assert(ack == (ok ? VIRTIO_NET_OK : VIRTIO_NET_ERR));
		for (i = 0; i < ETH_ALEN; i++)
			mac[i] = mmio_cfg_rd8(i);
		if (ok)
			fuzz_assert(!memcmp(mac, cmd_buf + 2, ETH_ALEN));
	}
}

/* ------------------------------------------------------------------ */
/* Lies and odds */

/* Queue q[1] turned off, then (unless bit 7) on again with a size. */
static void op_queue(struct fuzz_in *in)
{
	u8 b = fuzz_u8(in);
	int q = (b & 0x7f) % NR_QUEUES;

	if (b & 0x80) {
		mmio_wr(VIRTIO_MMIO_QUEUE_SEL, q);
		mmio_wr(VIRTIO_MMIO_QUEUE_READY, 0);
		return;
	}
	queue_setup(in, q);
}

/* b[1] (features[8] if bit 0) status[1]: whatever the driver writes. */
static void op_status(struct fuzz_in *in)
{
	u8 b = fuzz_u8(in);

	if (b & 1)
		mmio_driver_features(fuzz_u64(in));
	mmio_wr(VIRTIO_MMIO_STATUS, fuzz_u8(in));
}

/*
 * q[1] idx[1] desc[16]: a descriptor of its own, published if q's bit 7;
 * with bit 6 its address is an offset into guest RAM and the bank after
 * it (the canary, the edges).
 */
static void op_raw_desc(struct fuzz_in *in)
{
	u8 b = fuzz_u8(in);
	int q = (b & 0x3f) % NR_QUEUES;
	u16 idx = fuzz_u8(in) & (ring_size(q) - 1);
	struct vring_avail *avail = gpa(QAVAIL(q));
	struct vring_desc *d = (struct vring_desc *)gpa(QDESC(q)) + idx;

	fuzz_bytes(in, d, sizeof(*d));
	if (b & 0x40)
		d->addr = RAM_BASE + d->addr % (RAM_SIZE + BANK2_SIZE);
	dq[q].raw = true;
	if (b & 0x80) {
		avail->ring[dq[q].avail_idx & (ring_size(q) - 1)] = idx;
		__atomic_store_n(&avail->idx, ++dq[q].avail_idx, __ATOMIC_RELEASE);
	}
}

/* q[1] idx[2]: the avail index, anywhere. */
static void op_avail_idx(struct fuzz_in *in)
{
	int q = fuzz_u8(in) % NR_QUEUES;
	struct vring_avail *avail = gpa(QAVAIL(q));

	dq[q].avail_idx = fuzz_u16(in);
	__atomic_store_n(&avail->idx, dq[q].avail_idx, __ATOMIC_RELEASE);
}

/* off[4] n[1] bytes[n]: anywhere in guest RAM but the canary. */
static void op_raw_ram(struct fuzz_in *in)
{
	u32 off = fuzz_u32(in) % (RAM_SIZE - PAGE - 64);

	fuzz_bytes(in, ram + off, fuzz_u8(in) % 64);
	raw_all();
}

/*
 * The parsers say on stderr what is wrong with each bad string, and an
 * error is always shown: stderr goes to /dev/null while they run (not
 * with FUZZ_TRACE).  The sanitizers report on the real one all the same.
 */
void __sanitizer_set_report_fd(void *fd) __attribute__((weak));
static int stderr_fd = -1, null_fd = -1;

static void quiet_init(void)
{
	if (trace || !__sanitizer_set_report_fd)
		return;
	stderr_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (stderr_fd < 0 || null_fd < 0)
		abort();
	__sanitizer_set_report_fd((void *)(long)stderr_fd);
}

static void quiet(bool on)
{
	if (null_fd >= 0 && dup2(on ? null_fd : stderr_fd, STDERR_FILENO) < 0)
		abort();
}

/* A hostfwd= rule, when there is user mode's parser to take it. */
static void parse_hostfwd(const char *rule)
{
#ifdef CONFIG_HAS_LIBSLIRP
	struct net_user_hostfwd fwd;
	int ret;

	quiet(true);
	ret = net_user__parse_hostfwd(rule, &fwd);
	quiet(false);
	tr("hostfwd '%s': %d\n", rule, ret);
	fuzz_assert(ret == 0 || ret == -1);
	if (!ret)
		fuzz_assert(fwd.host_port && fwd.guest_port);
#endif
}

/*
 * b[1] len[1] string[len]: --network's argument (and its hostfwd= rules),
 * or with bit 0 a hostfwd rule alone.
 */
static void op_parse(struct fuzz_in *in)
{
	u8 b = fuzz_u8(in);
	char s[257];
	struct net_params p;
	size_t n = fuzz_u8(in);
	unsigned int i;
	int ret;

	fuzz_bytes(in, s, n);
	s[n] = '\0';
	if (b & 1) {
		parse_hostfwd(s);
		return;
	}
	/*
	 * The parsed strings point into a copy of the argument that lives
	 * as long as lkvm: not a leak.
	 */
	if (__lsan_disable)
		__lsan_disable();
	quiet(true);
	ret = net__parse_params(s, &p);
	quiet(false);
	if (__lsan_enable)
		__lsan_enable();
	tr("parse '%s': %d\n", s, ret);
	fuzz_assert(ret == 0 || ret == -1);
	if (ret)
		return;
	fuzz_assert(p.mode <= NET_MODE_NONE && p.mq <= NET_MAX_QUEUE_PAIRS &&
		    (!p.mtu || (p.mtu >= 68 && p.mtu <= 65535)) &&
		    p.nr_hostfwd <= NET_MAX_HOSTFWD &&
		    (!p.tapif || strlen(p.tapif) < 16));
	for (i = 0; i < p.nr_hostfwd; i++)
		parse_hostfwd(p.hostfwd[i]);
}

static void step(struct fuzz_in *in)
{
	switch (fuzz_u8(in) % 16) {
	case 0:
		driver_setup(in);
		break;
	case 1:
	case 2:
		op_rx_bufs(in);
		break;
	case 3:
	case 4:
		op_rx(in);
		break;
	case 5:
	case 6:
		op_tx_chain(in);
		break;
	case 7:
		op_tx_drain(in);
		break;
	case 8:
		op_ctrl(in);
		break;
	case 9:
		op_queue(in);
		break;
	case 10:
		op_status(in);
		break;
	case 11:
		op_raw_desc(in);
		break;
	case 12:
		op_avail_idx(in);
		break;
	case 13:
		op_raw_ram(in);
		break;
	case 14:
		op_parse(in);
		break;
	default:
		op_tx_late();
	}
	check_canary(false);
}

/* ------------------------------------------------------------------ */

/* Takes the queue's kicks away from the core's worker thread. */
static void detach_kick(struct virtq *vq)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	/* The worker's epoll forgets the old eventfd once it is closed. */
	if (fd < 0 || dup2(fd, vq->kick_fd) < 0)
		abort();
	close(fd);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct net_params p = {
		.mode = NET_MODE_TAP,
		.mq = NR_PAIRS,
		.mtu = 9000,
		.vhost = NET_VHOST_OFF,
		.offload = true,
	};
	u64 base, size;
	size_t i;
	int irq;

	trace = getenv("FUZZ_TRACE");
	quiet_init();
	kvm = fuzz_kvm_new();
	kvm->cfg.guest_name = "net-fuzz";
	virtio__set_transport("mmio");
	/* After the constructors: ours, not net-tap.c's, is the tap mode's. */
	net__register_backend(NET_MODE_TAP, &fake_ops);
	if (virtio_net__add(kvm, &p, &ndev) || ndev->nr_pairs != NR_PAIRS ||
	    !virtio_mmio__device_info(0, &base, &size, &irq))
		abort();
	fake_mmio_init(kvm, base);
	/* Requests are served by step(), on this thread, deterministically. */
	for (i = 0; i < NR_QUEUES; i++)
		detach_kick(&ndev->vdev.vqs[i]);
	tx_elem = virtq_elem__alloc();
	tx_held = virtq_elem__alloc();
	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = i * 7 + (i >> 8) + 1;
	for (i = 0; i < PAGE; i++)
		canary[i] = 0xc5 ^ i;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	int i;

	/* The same machine for every input. */
	mmio_wr(VIRTIO_MMIO_STATUS, 0);
	tx_held_qp = NULL;
	memset(ram, 0, RAM_SIZE);
	memset(bank2, 0, BANK2_SIZE);
	memcpy(gpa(CANARY), canary, PAGE);
	memset(dq, 0, sizeof(dq));
	bump = BUF_START;

	driver_setup(&in);
	for (i = 0; i < MAX_STEPS && in.left; i++)
		step(&in);
	return 0;
}
