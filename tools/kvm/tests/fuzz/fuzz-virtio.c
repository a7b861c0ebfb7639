// SPDX-License-Identifier: GPL-2.0
/*
 * The small virtio devices' request handling: virtio-console (hvc0 on
 * the terminal), virtio-rng and virtio-balloon (inflate, deflate, stats
 * and the control plane's calls), each the real device on virtio-mmio,
 * programmed by a driver written here as in test-virtio-balloon.c with
 * what the input says: the features, the queues' sizes and which are
 * ready, chains of readable and writable segments of any length (some at
 * addresses outside guest RAM or across the edge of a bank), device
 * resets, any register at any width, scribbles on the rings, terminal
 * input, balloon targets and stats requests.  One harness for the three:
 * they share the driver and the oracles, and each is small.
 *
 * The harness is the devices' worker: their queues are registered
 * external (-Wl,--wrap=virtio_device__register, see the Makefile), and a
 * kick runs the device's queue_notify() on this thread at once, so that
 * every run is deterministic.  The terminal is a fake linked over the
 * real one.  The devices' init functions are static: the harness finds
 * them as they register (-Wl,--wrap=init_list_add).
 *
 * Oracles, besides ASan, UBSan and the guard pages of fuzz.h:
 * - a device writes guest memory only inside the writable segments of
 *   the chains it holds, and the pages the guest inflated, which then
 *   read zero; it completes only chains it was given, once, with a
 *   length no larger than their writable part;
 * - virtio-rng fills every writable byte;
 * - virtio-console writes to the terminal exactly the bytes of its TX
 *   chains, and gives the guest exactly the terminal's input, in order,
 *   losing none; with input waiting and a receive buffer with room
 *   given, the input moves;
 * - virtio-balloon acks inflate and deflate with 0 bytes, counts exactly
 *   the PFNs inside guest RAM as inflated or deflated and the others as
 *   bad, gives stats buffers back with 0 bytes, never moves the stats
 *   generation back, reports "actual" as the driver last wrote it whole,
 *   and the control plane's calls return what they document.
 *
 * Input: steps, each op[1] and its arguments (see step()).  FUZZ_TRACE=1
 * prints what each step did, for writing seeds.
 */
#include <errno.h>
#include <endian.h>
#include <stdio.h>
#include <unistd.h>
#include <linux/virtio_balloon.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>

#include <linux/kernel.h>
#include <subcmd/parse-options.h>

#include "kvm/bus.h"
#include "kvm/init.h"
#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"
#include "kvm/run-options.h"
#include "kvm/term.h"
#include "kvm/virtio.h"
#include "kvm/virtio-balloon.h"
#include "kvm/virtio-mmio.h"
#include "fuzz.h"

#define MAX_STEPS	64
#define NR_DEVS		3
#define NR_QS		3
#define QMAX		64
#define MAX_SEGS	8
/* Guest RAM: the rings of each queue, then the buffers. */
#define QBASE(d, q)	(RAM_BASE + ((d) * NR_QS + (q)) * 0x3000ULL)
#define DATA_START	(RAM_BASE + 0x20000)
#define DATA_SIZE	0x8000ULL
#define DATA_END	(DATA_START + DATA_SIZE)
#define TERM_MAX	4096
#define BALLOON_PAGE	4096ULL

enum { CONSOLE, RNG, BALLOON };

int __real_virtio_device__register(struct kvm *kvm, struct virtio_device *vdev);
int __wrap_virtio_device__register(struct kvm *kvm, struct virtio_device *vdev);
void __real_init_list_add(struct init_item *item, int (*fn)(struct kvm *kvm),
			  enum init_level level, const char *name);
void __wrap_init_list_add(struct init_item *item, int (*fn)(struct kvm *kvm),
			  enum init_level level, const char *name);
bool __wrap_term_readable(void);
int __wrap_term_getc(void);
void __wrap_term_write(const void *buf, size_t len);
void __wrap_term_set_input_handler(void (*notify)(void *priv), void *priv);

static struct kvm *kvm;
static struct kvm_cpu vcpu;
static bool trace;
#define tr(...)	do { if (trace) fprintf(stderr, __VA_ARGS__); } while (0)
static int (*console_init)(struct kvm *kvm);
static int (*rng_init)(struct kvm *kvm);
/* Referencing the transport links it in (it registers itself). */
static int (*mmio_transport)(void) __attribute__((used)) =
	virtio_mmio__nr_devices;

/* --- the fakes ------------------------------------------------------ */

static struct virtio_device *vdevs[NR_DEVS];

int __wrap_virtio_device__register(struct kvm *vm, struct virtio_device *vdev)
{
	int d = vdev->device_id == VIRTIO_ID_CONSOLE ? CONSOLE :
		vdev->device_id == VIRTIO_ID_RNG ? RNG : BALLOON;

	/* Served by the harness, on its thread, when kicked. */
	vdev->external_queues = ~0ULL;
	vdevs[d] = vdev;
	return __real_virtio_device__register(vm, vdev);
}

void __wrap_init_list_add(struct init_item *item, int (*fn)(struct kvm *kvm),
			  enum init_level level, const char *name)
{
	if (!strcmp(name, "virtio_console__init"))
		console_init = fn;
	else if (!strcmp(name, "virtio_rng__init"))
		rng_init = fn;
	__real_init_list_add(item, fn, level, name);
}

/* The terminal: input from the fuzzer, output kept for the oracle. */
static u8 term_in[TERM_MAX];
static size_t term_in_len, term_in_head, term_delivered;
static u8 term_out[TERM_MAX];
static size_t term_out_len;
static bool term_out_lost;
static void (*term_notify)(void *priv);
static void *term_notify_priv;

bool __wrap_term_readable(void)
{
	return term_in_head < term_in_len;
}

int __wrap_term_getc(void)
{
	if (term_in_head == term_in_len)
		return -1;
	return term_in[term_in_head++];
}

void __wrap_term_write(const void *buf, size_t len)
{
	if (len > TERM_MAX - term_out_len) {
		term_out_lost = true;
		return;
	}
	memcpy(term_out + term_out_len, buf, len);
	term_out_len += len;
}

void __wrap_term_set_input_handler(void (*notify)(void *priv), void *priv)
{
	term_notify = notify;
	term_notify_priv = priv;
}

/* --- the driver ------------------------------------------------------ */

struct seg {
	u64 addr;
	u32 len;
	bool writable;
};

/* The PFNs of an inflate or deflate chain, as the device reads them. */
struct pfns {
	u64 good, bad;
	bool self;	/* one of them is a page the driver still uses */
	bool rings;	/* ... or holds the rings */
};

/* A chain given to the device and not completed yet. */
struct chain {
	bool live;
	u8 nr;
	struct seg seg[MAX_SEGS];
	u32 writable;
	struct pfns pfns;	/* the balloon's, before the device ran */
};

struct dq {
	u16 size;
	bool ready;
	u16 avail_idx;
	u16 used_seen;
	u16 next_desc;
	u16 free;
	struct chain chains[QMAX];	/* by head */
};

static struct {
	u64 base;
	u64 features;
	bool up;	/* DRIVER_OK written by the harness's setup */
	/* The rings may not be where the harness put them. */
	bool wild;
	struct dq q[NR_QS];
} dev[NR_DEVS];

static u64 bump;
static u8 *snap;	/* DATA area, before the device ran */
static u8 actual_cfg[4];
static u32 actual_whole;

static u32 rd(int d, u32 off)
{
	u32 v = 0;

	bus_dispatch(&vcpu, BUS_MMIO, dev[d].base + off, (u8 *)&v, 4, false);
	return v;
}

static void wr(int d, u32 off, u32 v)
{
	bus_dispatch(&vcpu, BUS_MMIO, dev[d].base + off, (u8 *)&v, 4, true);
}

static bool any_wild(void)
{
	int d;

	for (d = 0; d < NR_DEVS; d++)
		if (dev[d].wild)
			return true;
	return false;
}

/* The device forgot everything: so does the driver. */
static void forget(int d)
{
	int q;

	for (q = 0; q < NR_QS; q++) {
		memset(&dev[d].q[q], 0, sizeof(dev[d].q[q]));
		memset(gpa(QBASE(d, q)), 0, 0x3000);
	}
	dev[d].up = false;
	dev[d].wild = false;
	if (d == BALLOON) {
		memset(actual_cfg, 0, sizeof(actual_cfg));
		actual_whole = 0;
	}
}

static void reset(int d)
{
	wr(d, VIRTIO_MMIO_STATUS, 0);
	fuzz_assert(vdevs[d]->status == 0);
	forget(d);
}

static void setup(int d, struct fuzz_in *in)
{
	u64 offered, want = fuzz_u64(in);
	u8 ready = fuzz_u8(in), sizes[NR_QS];
	int q;

	for (q = 0; q < vdevs[d]->nr_queues; q++)
		sizes[q] = fuzz_u8(in);

	reset(d);
	wr(d, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
	   VIRTIO_CONFIG_S_DRIVER);
	wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	offered = (u64)rd(d, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	offered |= rd(d, VIRTIO_MMIO_DEVICE_FEATURES);
	/* Mostly what was offered; now and then bits that were not. */
	dev[d].features = ready & 0x80 ? want : want & offered;
	if (ready & 0x20)
		dev[d].features |= 1ULL << VIRTIO_F_VERSION_1;
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, dev[d].features >> 32);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, dev[d].features);
	wr(d, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
	   VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
	if (!(rd(d, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK)) {
		/* Modern virtio-mmio insists on VERSION_1. */
		fuzz_assert((dev[d].features & ~offered) ||
			    !(dev[d].features & (1ULL << VIRTIO_F_VERSION_1)));
		return;
	}
	for (q = 0; q < vdevs[d]->nr_queues; q++) {
		struct dq *dq = &dev[d].q[q];

		if (!(ready & (1 << q)))
			continue;
		dq->size = min_t(u16, 1 << (sizes[q] % 7), QMAX);
		dq->free = dq->size;
		wr(d, VIRTIO_MMIO_QUEUE_SEL, q);
		wr(d, VIRTIO_MMIO_QUEUE_NUM, dq->size);
		wr(d, VIRTIO_MMIO_QUEUE_DESC_LOW, QBASE(d, q));
		wr(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
		wr(d, VIRTIO_MMIO_QUEUE_AVAIL_LOW, QBASE(d, q) + 0x1000);
		wr(d, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, 0);
		wr(d, VIRTIO_MMIO_QUEUE_USED_LOW, QBASE(d, q) + 0x2000);
		wr(d, VIRTIO_MMIO_QUEUE_USED_HIGH, 0);
		wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
		dq->ready = rd(d, VIRTIO_MMIO_QUEUE_READY);
		fuzz_assert(dq->ready);
	}
	if (ready & 0x40)
		return;		/* never DRIVER_OK */
	wr(d, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
	   VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK |
	   VIRTIO_CONFIG_S_DRIVER_OK);
	dev[d].up = true;
}

/* A segment: in the buffer area, or anywhere (outside RAM, bank edges). */
static void make_seg(struct fuzz_in *in, struct seg *s)
{
	u8 f = fuzz_u8(in);
	u16 len = fuzz_u16(in);

	s->writable = f & 1;
	s->len = len % 0x1800;
	if (f & 0x80) {
		s->addr = fuzz_u64(in);
		/* Not the rings: the harness keeps those to itself. */
		if (s->addr + s->len > RAM_BASE && s->addr < DATA_START)
			s->addr += 0x40000000;
		return;
	}
	if (bump + s->len > DATA_SIZE)
		bump = 0;
	s->addr = DATA_START + bump;
	bump += s->len + (f >> 4);
}

/* A segment's bytes in our memory, wherever the bank; NULL outside. */
static u8 *seg_host(const struct seg *s)
{
	if (s->addr >= RAM_BASE && s->addr <= RAM_BASE + RAM_SIZE &&
	    s->len <= RAM_BASE + RAM_SIZE - s->addr)
		return ram + (s->addr - RAM_BASE);
	if (s->addr >= BANK2 && s->addr <= BANK2 + BANK2_SIZE &&
	    s->len <= BANK2 + BANK2_SIZE - s->addr)
		return bank2 + (s->addr - BANK2);
	return NULL;
}

/* Builds a chain and makes it available; false if the queue is full. */
static bool submit(int d, int q, struct fuzz_in *in, u16 *headp)
{
	struct dq *dq = &dev[d].q[q];
	struct vring_desc *desc = gpa(QBASE(d, q));
	struct vring_avail *avail = gpa(QBASE(d, q) + 0x1000);
	u8 nr = fuzz_u8(in) % MAX_SEGS + 1;
	struct chain *c;
	u16 head, i, idx;

	if (!dq->size || nr > dq->free)
		return false;
	head = dq->next_desc;
	c = &dq->chains[head];
	fuzz_assert(!c->live);
	memset(c, 0, sizeof(*c));
	c->nr = nr;
	for (i = 0; i < nr; i++) {
		make_seg(in, &c->seg[i]);
		if (c->seg[i].writable)
			c->writable += c->seg[i].len;
		else if (seg_host(&c->seg[i]))
			fuzz_bytes(in, seg_host(&c->seg[i]), c->seg[i].len);
		idx = (head + i) % dq->size;
		desc[idx].addr = c->seg[i].addr;
		desc[idx].len = c->seg[i].len;
		desc[idx].flags = (c->seg[i].writable ? VRING_DESC_F_WRITE : 0) |
				  (i + 1 < nr ? VRING_DESC_F_NEXT : 0);
		desc[idx].next = (head + i + 1) % dq->size;
	}
	/* Chains never share descriptors while in flight. */
	for (i = 1; i < nr; i++)
		fuzz_assert(!dq->chains[(head + i) % dq->size].live);
	c->live = true;
	dq->free -= nr;
	dq->next_desc = (head + nr) % dq->size;
	avail->ring[dq->avail_idx % dq->size] = head;
	__atomic_store_n(&avail->idx, ++dq->avail_idx, __ATOMIC_RELEASE);
	*headp = head;
	return true;
}

/* --- the oracles ------------------------------------------------------ */

static bool in_bank(u64 addr, u64 len)
{
	return (addr >= RAM_BASE && addr <= RAM_BASE + RAM_SIZE &&
		len <= RAM_BASE + RAM_SIZE - addr) ||
	       (addr >= BANK2 && addr <= BANK2 + BANK2_SIZE &&
		len <= BANK2 + BANK2_SIZE - addr);
}

/*
 * What the chains in flight use, worked out once per observe(): the
 * bytes of the buffer area they let the device write, and the pages of
 * guest RAM (RAM_BASE on, bank 2 after it) they have buffers in.
 */
#define NR_PAGES	((RAM_SIZE + BANK2_SIZE) / BALLOON_PAGE)
static u8 writable_map[DATA_SIZE];
static bool page_used[NR_PAGES];

static void map_seg(const struct seg *sg)
{
	u64 a, first, last;

	if (!sg->len || !in_bank(sg->addr, sg->len))
		return;
	first = (sg->addr - RAM_BASE) / BALLOON_PAGE;
	last = (sg->addr + sg->len - 1 - RAM_BASE) / BALLOON_PAGE;
	for (a = first; a <= last && a < NR_PAGES; a++)
		page_used[a] = true;
	if (!sg->writable)
		return;
	for (a = sg->addr; a < sg->addr + sg->len; a++)
		if (a >= DATA_START && a < DATA_END)
			writable_map[a - DATA_START] = 1;
}

static void map_chains(void)
{
	unsigned int n, i;

	memset(writable_map, 0, sizeof(writable_map));
	memset(page_used, 0, sizeof(page_used));
	for (n = 0; n < NR_DEVS * NR_QS * QMAX; n++) {
		struct chain *c = &dev[n / (NR_QS * QMAX)].q[n / QMAX % NR_QS]
					   .chains[n % QMAX];

		for (i = 0; c->live && i < c->nr; i++)
			map_seg(&c->seg[i]);
	}
}

static bool page_in_use(u64 pfn)
{
	u64 page = pfn * BALLOON_PAGE;

	return page >= RAM_BASE && (page - RAM_BASE) / BALLOON_PAGE < NR_PAGES &&
	       page_used[(page - RAM_BASE) / BALLOON_PAGE];
}

static void count_pfns(struct chain *c, struct pfns *p)
{
	u8 buf[4];
	u32 i, k = 0, pfn;
	u64 j;

	for (i = 0; i < c->nr; i++) {
		u8 *h = seg_host(&c->seg[i]);

		/* Empty segments are skipped, whatever they say. */
		if (!c->seg[i].len)
			continue;
		if (c->seg[i].writable || !h)
			break;
		for (j = 0; j < c->seg[i].len; j++) {
			buf[k++] = h[j];
			if (k < 4)
				continue;
			k = 0;
			memcpy(&pfn, buf, 4);
			pfn = le32toh(pfn);
			if (in_bank((u64)pfn * BALLOON_PAGE, BALLOON_PAGE))
				p->good++;
			else
				p->bad++;
			if (page_in_use(pfn))
				p->self = true;
			if ((u64)pfn * BALLOON_PAGE + BALLOON_PAGE > RAM_BASE &&
			    (u64)pfn * BALLOON_PAGE < DATA_START)
				p->rings = true;
		}
	}
}

static bool inflating;

static void check_memory(void)
{
	u64 off;
	u8 *now = gpa(DATA_START);

	if (any_wild())
		return;
	for (off = 0; off < DATA_SIZE; off++) {
		/* Most of it is as it was: skip what memcmp() says is. */
		if (!(off & 255) && !memcmp(now + off, snap + off, 256)) {
			off += 255;
			continue;
		}
		if (now[off] == snap[off])
			continue;
		/* Bytes outside what the device may write are as they were. */
		if (writable_map[off])
			continue;
		/* A page given to the balloon reads zero. */
		fuzz_assert(inflating && !now[off]);
	}
}

static void check_console_rx(struct chain *c, u32 len)
{
	u32 i, j, done = 0;

	for (i = 0; i < c->nr && done < len; i++) {
		u8 *h = seg_host(&c->seg[i]);

		if (!c->seg[i].writable || !c->seg[i].len)
			continue;
		fuzz_assert(h);
		for (j = 0; j < c->seg[i].len && done < len; j++, done++)
			fuzz_assert(h[j] == term_in[term_delivered + done]);
	}
	fuzz_assert(done == len);
	term_delivered += len;
}

static void check_console_tx(struct chain *c, u32 len)
{
	size_t done = 0;
	u32 i;

	fuzz_assert(!len);
	if (term_out_lost)
		return;
	for (i = 0; i < c->nr; i++) {
		if (c->seg[i].writable || !c->seg[i].len)
			continue;
		fuzz_assert(seg_host(&c->seg[i]));
		fuzz_assert(done + c->seg[i].len <= term_out_len);
		fuzz_assert(!memcmp(term_out + done, seg_host(&c->seg[i]),
				    c->seg[i].len));
		done += c->seg[i].len;
	}
	memmove(term_out, term_out + done, term_out_len - done);
	term_out_len -= done;
}

static struct pfns pfn_expect[2];

static void completed(int d, int q, struct chain *c, u32 len)
{
	fuzz_assert(len <= c->writable);
	switch (d) {
	case RNG:
		fuzz_assert(len == c->writable);
		break;
	case CONSOLE:
		if (q == 0)
			check_console_rx(c, len);
		else
			check_console_tx(c, len);
		break;
	default:
		fuzz_assert(!len);
		if (q < 2) {
			pfn_expect[q].good += c->pfns.good;
			pfn_expect[q].bad += c->pfns.bad;
			pfn_expect[q].self |= c->pfns.self;
		}
	}
}

/* Takes the new used entries of queue @q of device @d. */
static void reap(int d, int q)
{
	struct dq *dq = &dev[d].q[q];
	struct vring_used *used = gpa(QBASE(d, q) + 0x2000);
	u16 idx = __atomic_load_n(&used->idx, __ATOMIC_ACQUIRE);
	struct chain *c;
	u32 id, len;

	if (dev[d].wild || !dq->size)
		return;
	fuzz_assert((u16)(idx - dq->used_seen) <= dq->size);
	for (; dq->used_seen != idx; dq->used_seen++) {
		id = used->ring[dq->used_seen % dq->size].id;
		len = used->ring[dq->used_seen % dq->size].len;
		tr("  used: dev %d queue %d id %u len %u\n", d, q, id, len);
		fuzz_assert(id < dq->size);
		c = &dq->chains[id];
		fuzz_assert(c->live);
		completed(d, q, c, len);
		c->live = false;
		dq->free += c->nr;
	}
}

/* --- running the devices ---------------------------------------------- */

static void run_queue(int d, int q)
{
	struct virtio_device *vdev = vdevs[d];
	struct virtq *vq = &vdev->vqs[q];
	u64 n;

	if (read(vq->kick_fd, &n, sizeof(n)) < 0)
		return;
	if (!(READ_ONCE(vdev->status) & VIRTIO_CONFIG_S_DRIVER_OK) ||
	    !READ_ONCE(vq->enabled))
		return;
	vdev->ops->queue_notify(vdev, vq);
}

/*
 * Runs @fn (a kick, input, a control call) with the oracles around it:
 * memory, completions, and for the balloon its counters.
 */
static void observe(void (*fn)(int d, int q, u64 arg), int d, int q, u64 arg)
{
	struct virtio_balloon_info before, after;
	struct virtio_balloon_memstats st0, st1;
	int i, k;

	memcpy(snap, gpa(DATA_START), DATA_SIZE);
	map_chains();
	memset(pfn_expect, 0, sizeof(pfn_expect));
	/* The pages any pending inflate chain names may go to zero. */
	inflating = false;
	for (i = 0; i < 2 * QMAX; i++) {
		struct chain *c = &dev[BALLOON].q[i / QMAX].chains[i % QMAX];

		if (!c->live)
			continue;
		memset(&c->pfns, 0, sizeof(c->pfns));
		count_pfns(c, &c->pfns);
		if (i >= QMAX)
			continue;
		inflating = true;
		/* Rings given to the balloon: no driver can follow that. */
		if (c->pfns.rings)
			for (k = 0; k < NR_DEVS; k++)
				dev[k].wild = true;
	}
	virtio_balloon__get(kvm, &before);
	virtio_balloon__get_stats(kvm, &st0);

	fn(d, q, arg);

	/* Before reaping: the chains completed now could be written. */
	check_memory();
	for (i = 0; i < NR_DEVS; i++)
		for (k = 0; k < NR_QS; k++)
			reap(i, k);
	/* Every byte taken from the terminal went to a chain reaped here. */
	if (dev[CONSOLE].wild)
		term_delivered = term_in_head;
	fuzz_assert(term_in_head == term_delivered);
	fuzz_assert(!term_out_len || term_out_lost || dev[CONSOLE].wild);
	term_out_len = 0;

	virtio_balloon__get(kvm, &after);
	virtio_balloon__get_stats(kvm, &st1);
	fuzz_assert(st1.generation >= st0.generation);
	if (after.inflated_pages < before.inflated_pages)
		return;		/* reset: the counts start again */
	if (dev[BALLOON].wild || pfn_expect[0].self || pfn_expect[1].self)
		return;
	fuzz_assert(after.inflated_pages - before.inflated_pages ==
		    pfn_expect[0].good);
	fuzz_assert(after.deflated_pages - before.deflated_pages ==
		    pfn_expect[1].good);
	fuzz_assert(after.bad_pfns - before.bad_pfns ==
		    pfn_expect[0].bad + pfn_expect[1].bad);
}

static void do_kick(int d, int q, u64 arg)
{
	wr(d, VIRTIO_MMIO_QUEUE_NOTIFY, q);
	run_queue(d, q);
}

static void do_input(int d, int q, u64 arg)
{
	if (term_notify)
		term_notify(term_notify_priv);
}

/* The console's input must move while it has somewhere to go. */
static void check_input_moves(void)
{
	struct dq *dq = &dev[CONSOLE].q[0];
	struct virtq *vq = &vdevs[CONSOLE]->vqs[0];
	int h;

	if (!dev[CONSOLE].up || dev[CONSOLE].wild || !dq->ready ||
	    vq->broken || term_in_head == term_in_len)
		return;
	for (h = 0; h < QMAX; h++) {
		struct chain *c = &dq->chains[h];
		int i;

		for (i = 0; c->live && i < c->nr; i++)
			fuzz_assert(!c->seg[i].writable || !c->seg[i].len ||
				    !in_bank(c->seg[i].addr, c->seg[i].len));
	}
}

static void do_control(int d, int q, u64 arg)
{
	struct virtio_balloon_info info;
	struct virtio_balloon_memstats st;
	int ret;

	virtio_balloon__get(kvm, &info);
	switch (q) {
	case 0:
		ret = virtio_balloon__set_target(kvm, arg % (info.ram_pages + 2));
		fuzz_assert(ret == (arg % (info.ram_pages + 2) > info.ram_pages ?
				    -ERANGE : 0));
		break;
	case 1:
		ret = virtio_balloon__request_stats(kvm);
		fuzz_assert(ret == 0 || ret == -EAGAIN || ret == -EOPNOTSUPP);
		break;
	default:
		fuzz_assert(!virtio_balloon__get_stats(kvm, &st));
		for (ret = 0; ret < VIRTIO_BALLOON_NR_STATS; ret++)
			fuzz_assert(st.present[ret] || !st.val[ret]);
	}
	fuzz_assert(info.actual_pages == actual_whole);
}

/* A config write through the transport, and what "actual" becomes. */
static void config_write(u32 off, u32 len, u64 v)
{
	const u32 start = offsetof(struct virtio_balloon_config, actual);
	u32 i;

	for (i = 0; i < len; i++)
		if (off + i >= start && off + i < start + 4)
			actual_cfg[off + i - start] = v >> (8 * i);
	if (off < start + 4 && off + len >= start + 4)
		actual_whole = le32toh(*(u32 *)actual_cfg);
}

static const u8 widths[] = { 1, 2, 4, 8 };

/* Any register, any width: the harness's view may no longer hold. */
static void raw_register(int d, struct fuzz_in *in)
{
	u8 w = fuzz_u8(in);
	u16 off = fuzz_u16(in) % 0x200;
	u32 len = widths[w & 3];
	u64 v = fuzz_u64(in);
	bool wr = w & 0x80;

	bus_dispatch(&vcpu, BUS_MMIO, dev[d].base + off, (u8 *)&v, len, wr);
	if (!wr)
		return;
	if (off >= VIRTIO_MMIO_CONFIG) {
		if (d == BALLOON && vdevs[d]->config_size >= 8 &&
		    off - VIRTIO_MMIO_CONFIG + len <= vdevs[d]->config_size)
			config_write(off - VIRTIO_MMIO_CONFIG, len, v);
		return;
	}
	if (off == VIRTIO_MMIO_STATUS && !vdevs[d]->status) {
		forget(d);
		return;
	}
	if (off != VIRTIO_MMIO_INTERRUPT_ACK && off != VIRTIO_MMIO_QUEUE_NOTIFY &&
	    off != VIRTIO_MMIO_DEVICE_FEATURES_SEL &&
	    off != VIRTIO_MMIO_QUEUE_SEL)
		dev[d].wild = true;
}

static void step(struct fuzz_in *in)
{
	u8 op = fuzz_u8(in), sel = fuzz_u8(in);
	int d = (sel & 3) % NR_DEVS, q = (sel >> 2) % vdevs[d]->nr_queues;
	u8 n, *p;
	u16 head;

	tr("op %u dev %d queue %d\n", op % 8, d, q);
	switch (op % 8) {
	case 0:
		setup(d, in);
		tr("  status %#x\n", vdevs[d]->status);
		break;
	case 1:
	case 2:
	case 3:
		/* A chain, then the kick (or more chains first). */
		if (!submit(d, q, in, &head) || (sel & 0x80))
			break;
		tr("  chain %u, avail %u:", head, dev[d].q[q].avail_idx);
		for (n = 0; n < dev[d].q[q].chains[head].nr; n++)
			tr(" %s %#llx+%u",
			   dev[d].q[q].chains[head].seg[n].writable ? "w" : "r",
			   (unsigned long long)dev[d].q[q].chains[head].seg[n].addr,
			   dev[d].q[q].chains[head].seg[n].len);
		tr("\n");
		observe(do_kick, d, q, 0);
		if (d == CONSOLE && q == 0)
			check_input_moves();
		break;
	case 4:
		/* Terminal input. */
		n = fuzz_u8(in) % 64;
		n = min_t(size_t, n, TERM_MAX - term_in_len);
		fuzz_bytes(in, term_in + term_in_len, n);
		term_in_len += n;
		observe(do_input, d, q, 0);
		check_input_moves();
		break;
	case 5:
		observe(do_control, d, (sel >> 2) % 3, fuzz_u32(in));
		break;
	case 6:
		raw_register(d, in);
		break;
	default:
		/* The driver scribbles on a queue's rings. */
		n = fuzz_u8(in);
		p = gpa(QBASE(d, q) + (fuzz_u16(in) % 0x3000));
		fuzz_bytes(in, p, min_t(size_t, n % 16,
				      (u8 *)gpa(QBASE(d, q) + 0x3000) - p));
		dev[d].wild = true;
		observe(do_kick, d, q, 0);
	}
}

static void enable(const char *opt)
{
	struct option *opts = run_options__build(NULL, NULL);
	const char *argv[] = { "run", opt, NULL };

	if (!opts || parse_options(2, argv, opts, NULL, 0))
		abort();
	free(opts);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int d, i;

	trace = getenv("FUZZ_TRACE");
	kvm = fuzz_kvm_new();
	vcpu.kvm = kvm;
	kvm->ram_size = RAM_SIZE;
	kvm->cfg.console = "virtio";
	snap = malloc(DATA_SIZE);
	virtio__set_transport("mmio");
	enable("--rng");
	virtio_balloon__set_enabled(true);
	if (!console_init || !rng_init || console_init(kvm) || rng_init(kvm) ||
	    virtio_balloon__init(kvm))
		abort();
	for (d = 0; d < NR_DEVS; d++) {
		for (i = 0; i < 16; i++) {
			dev[d].base = KVM_VIRTIO_MMIO_START + i * 0x1000ULL;
			if (rd(d, VIRTIO_MMIO_MAGIC_VALUE) == 0x74726976 &&
			    rd(d, VIRTIO_MMIO_DEVICE_ID) == vdevs[d]->device_id)
				break;
		}
		if (i == 16)
			abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	int d, i;

	for (d = 0; d < NR_DEVS; d++) {
		reset(d);
		/* The stats buffer a reset forgot is the old driver's. */
	}
	memset(gpa(DATA_START), 0, DATA_SIZE);
	bump = 0;
	term_in_len = term_in_head = term_delivered = 0;
	term_out_len = 0;
	term_out_lost = false;
	virtio_balloon__set_target(kvm, 0);
	for (i = 0; i < MAX_STEPS && in.left; i++)
		step(&in);
	return 0;
}
