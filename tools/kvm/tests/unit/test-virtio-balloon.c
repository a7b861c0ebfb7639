// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-balloon end to end, without KVM: a driver written here programs
 * the device through virtio-mmio registers and its three queues in the
 * fake guest RAM, and the control plane's API is called as lkvm's main
 * thread would.  Inflated pages must read back as zero and be gone from
 * the host mapping (mincore), PFNs outside RAM must be counted and leave
 * every other memory alone, and stats buffers of any shape must be
 * parsed without trusting their length.
 */
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <linux/virtio_balloon.h>
#include <linux/virtio_mmio.h>

#include <linux/kernel.h>

#include "kvm/bus.h"
#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"
#include "kvm/virtio.h"
#include "kvm/virtio-balloon.h"
#include "kvm/virtio-mmio.h"
#include "kvm/log.h"
#include "tap.h"
#include "fake-kvm.h"
#include "fake-mmio-driver.h"

#define PAGE		4096ULL
#define NR_PAGES	(RAM_SIZE / PAGE)
#define FIRST_PFN	(RAM_BASE / PAGE)
#define INFLATEQ	0
#define DEFLATEQ	1
#define STATSQ		2
/* Guest pages the tests balloon: the second half of RAM. */
#define PFN(i)		(FIRST_PFN + NR_PAGES / 2 + (i))
/* Memory of other kinds, next to nothing: hands off. */
#define DEVICE_GPA	0x400000ULL
#define RESERVED_GPA	0x500000ULL

#define F_STATS		(1ULL << VIRTIO_BALLOON_F_STATS_VQ)
#define F_OOM		(1ULL << VIRTIO_BALLOON_F_DEFLATE_ON_OOM)
#define F_TELL		(1ULL << VIRTIO_BALLOON_F_MUST_TELL_HOST)
#define F_V1		(1ULL << VIRTIO_F_VERSION_1)

static struct kvm *kvm;
static u8 *device_mem, *reserved_mem;

static u32 cfg_rd(u32 off)
{
	return mmio_rd(VIRTIO_MMIO_CONFIG + off);
}

static bool wait_isr(u32 bit)
{
	int i;

	for (i = 0; i < 2000; i++) {
		if (mmio_rd(VIRTIO_MMIO_INTERRUPT_STATUS) & bit)
			return true;
		sleep_ms(1);
	}
	return false;
}

static u64 generation(void)
{
	struct virtio_balloon_memstats st;

	virtio_balloon__get_stats(kvm, &st);
	return st.generation;
}

static bool wait_generation(u64 gen)
{
	int i;

	for (i = 0; i < 2000; i++) {
		if (generation() >= gen)
			return true;
		sleep_ms(1);
	}
	return false;
}

static struct virtio_balloon_info info(void)
{
	struct virtio_balloon_info i;

	virtio_balloon__get(kvm, &i);
	return i;
}

/* Resets the device and brings it up with @features; true if accepted. */
static bool driver_setup(u64 features)
{
	mmio_reset(0x10000);
	if (!mmio_driver_setup(features, true, features & F_STATS ? 3 : 2, QSIZE))
		return false;
	mmio_wr(VIRTIO_MMIO_INTERRUPT_ACK, 3);
	return true;
}

/*
 * Makes [addr, addr + len) available on queue @q as descriptor @head,
 * split in two readable descriptors after @split bytes (0: one).
 */
static void submit(int q, u16 head, u64 addr, u32 len, u32 split)
{
	u64 a[2] = { addr, addr + split };
	u32 l[2] = { split, len - split };

	if (split)
		mmio_submit(q, head, a, l, 2, 2, true);
	else
		mmio_submit(q, head, &addr, &len, 1, 1, true);
}

/* Puts @n PFNs at DATA and submits them on queue @q. */
static void submit_pfns(int q, const u32 *pfns, int n, u32 split)
{
	u32 *buf = gpa(DATA);
	int i;

	for (i = 0; i < n; i++)
		buf[i] = htole32(pfns[i]);
	submit(q, 0, DATA, n * 4, split);
}

static u8 *page(u64 pfn)
{
	return gpa(pfn * PAGE);
}

static bool resident(void *p)
{
	unsigned char v = 0;

	if (mincore(p, PAGE, &v))
		return true;
	return v & 1;
}

static void test_not_there(void)
{
	struct virtio_balloon_memstats st;
	struct virtio_balloon_info i;

	ok(virtio_balloon__set_target(kvm, 1) == -ENODEV &&
	   virtio_balloon__get(kvm, &i) == -ENODEV &&
	   virtio_balloon__request_stats(kvm) == -ENODEV &&
	   virtio_balloon__get_stats(kvm, &st) == -ENODEV,
	   "without --balloon every call says -ENODEV");
	virtio_balloon__set_enabled(false);
	is_int(virtio_balloon__init(kvm), 0, "init without --balloon adds nothing");
	is_int(virtio_balloon__get(kvm, &i), -ENODEV, "... and there is no balloon");
}

static void test_probe(void)
{
	u32 lo, hi;

	is_int(mmio_rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976, "virtio-mmio magic");
	is_int(mmio_rd(VIRTIO_MMIO_DEVICE_ID), 5, "device id 5: balloon");
	mmio_wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	lo = mmio_rd(VIRTIO_MMIO_DEVICE_FEATURES);
	mmio_wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	hi = mmio_rd(VIRTIO_MMIO_DEVICE_FEATURES);
	ok((lo & F_STATS) && (lo & F_OOM), "STATS_VQ and DEFLATE_ON_OOM offered");
	ok(!(lo & F_TELL), "MUST_TELL_HOST is not offered");
	ok(hi & (F_V1 >> 32), "VERSION_1 offered");
	mmio_wr(VIRTIO_MMIO_QUEUE_SEL, 2);
	ok(mmio_rd(VIRTIO_MMIO_QUEUE_NUM_MAX) >= QSIZE, "three queues");
	mmio_wr(VIRTIO_MMIO_QUEUE_SEL, 3);
	is_int(mmio_rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0, "and no fourth");
	ok(cfg_rd(0) == 0 && cfg_rd(4) == 0, "num_pages and actual start at 0");
	is_int(cfg_rd(8), 0, "config space ends after actual");
}

static void test_features(void)
{
	struct virtio_balloon_info i;

	ok(!driver_setup(F_V1 | F_TELL), "a driver that wants MUST_TELL_HOST is refused");
	ok(driver_setup(F_V1 | F_STATS | F_OOM), "STATS_VQ + DEFLATE_ON_OOM accepted");
	i = info();
	ok(i.driver_ok && i.stats_vq, "get: driver up, stats queue on");
	is_int(i.ram_pages, NR_PAGES, "get: guest RAM in pages");
}

static void test_inflate(void)
{
	static const u32 pfns_rel[] = { 0, 1, 2, 3, 4, 5, 6, 7, 10, 9, 15 };
	u32 pfns[ARRAY_SIZE(pfns_rel)];
	bool gone = true, zero = true, kept;
	struct virtio_balloon_info i;
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(pfns); k++)
		pfns[k] = PFN(pfns_rel[k]);
	memset(page(PFN(-1)), 0x5a, PAGE);
	memset(page(PFN(0)), 0xa5, 16 * PAGE);
	memset(page(PFN(16)), 0x5a, PAGE);
	ok(resident(page(PFN(0))) && resident(page(PFN(15))),
	   "the pages are resident before");

	/* A PFN split across the two descriptors. */
	submit_pfns(INFLATEQ, pfns, ARRAY_SIZE(pfns), 4 * 5 + 2);
	ok(wait_used(INFLATEQ, 1), "inflate request acked");
	is_int(used_ring(INFLATEQ)->ring[0].len, 0, "nothing written for it");
	ok(wait_isr(VIRTIO_MMIO_INT_VRING), "with a vring interrupt");

	for (k = 0; k < ARRAY_SIZE(pfns); k++)
		gone &= !resident(page(pfns[k]));
	ok(gone, "inflated pages are gone from the host mapping (mincore)");
	kept = resident(page(PFN(8))) && filled(page(PFN(8)), PAGE, 0xa5) &&
	       filled(page(PFN(11)), 4 * PAGE, 0xa5);
	ok(kept, "the pages between them keep their contents");
	ok(filled(page(PFN(-1)), PAGE, 0x5a) && filled(page(PFN(16)), PAGE, 0x5a),
	   "and so do their neighbours");
	for (k = 0; k < ARRAY_SIZE(pfns); k++)
		zero &= filled(page(pfns[k]), PAGE, 0);
	ok(zero, "inflated pages read back as zero");

	i = info();
	ok(i.inflated_pages == ARRAY_SIZE(pfns) && i.bad_pfns == 0 &&
	   i.deflated_pages == 0, "get: 11 pages inflated, no bad PFN");
}

static void test_bad_pfns(void)
{
	const u32 bad[] = {
		0, FIRST_PFN - 1, FIRST_PFN + NR_PAGES, DEVICE_GPA / PAGE,
		RESERVED_GPA / PAGE, 0x80000000, 0xffffffff, PFN(20),
	};
	struct virtio_balloon_info before = info(), i;
	u32 *buf = gpa(DATA);

	memset(page(PFN(20)), 0xa5, 2 * PAGE);
	submit_pfns(INFLATEQ, bad, ARRAY_SIZE(bad), 0);
	ok(wait_used(INFLATEQ, 2), "a request with bad PFNs is acked");
	i = info();
	is_int(i.bad_pfns - before.bad_pfns, ARRAY_SIZE(bad) - 1,
	       "PFNs outside RAM, in device memory or reserved are counted");
	is_int(i.inflated_pages - before.inflated_pages, 1,
	       "the good one among them is inflated");
	ok(filled(device_mem, PAGE, 0x77) && resident(device_mem) &&
	   filled(reserved_mem, PAGE, 0x77) && resident(reserved_mem),
	   "device and reserved memory are left alone");
	ok(!resident(page(PFN(20))) && filled(page(PFN(21)), PAGE, 0xa5),
	   "the good PFN's page went, its neighbour stayed");

	/* One PFN and three stray bytes. */
	memset(page(PFN(21)), 0xa5, PAGE);
	buf[0] = htole32(PFN(21));
	buf[1] = htole32(PFN(22));
	submit(INFLATEQ, 0, DATA, 7, 0);
	ok(wait_used(INFLATEQ, 3), "a request of 7 bytes is acked");
	ok(info().inflated_pages - before.inflated_pages == 2 &&
	   !resident(page(PFN(21))), "its one whole PFN is inflated");

	submit(INFLATEQ, 0, DATA, 0, 0);
	ok(wait_used(INFLATEQ, 4) && info().inflated_pages -
	   before.inflated_pages == 2, "an empty request is acked, nothing done");
}

static void test_deflate(void)
{
	const u32 pfns[] = { PFN(0), PFN(1), PFN(2), PFN(3), FIRST_PFN + NR_PAGES };
	struct virtio_balloon_info before = info(), i;

	submit_pfns(DEFLATEQ, pfns, ARRAY_SIZE(pfns), 0);
	ok(wait_used(DEFLATEQ, 1), "deflate request acked");
	i = info();
	ok(i.deflated_pages == 4 && i.bad_pfns - before.bad_pfns == 1 &&
	   i.inflated_pages == before.inflated_pages,
	   "get: 4 pages deflated, the bad PFN counted");
	memset(page(PFN(0)), 0x11, 4 * PAGE);
	ok(filled(page(PFN(0)), 4 * PAGE, 0x11) && resident(page(PFN(0))),
	   "deflated pages fault back in on use");
}

static void test_config(void)
{
	struct virtio_balloon_info i;
	u32 gen;

	mmio_wr(VIRTIO_MMIO_CONFIG + 4, 11);
	is_int(info().actual_pages, 11, "the driver writes actual; get reports it");
	mmio_wr(VIRTIO_MMIO_CONFIG, 99);
	ok(cfg_rd(0) == 0 && info().target_pages == 0,
	   "a driver write to num_pages is ignored");
	mmio_cfg_wr8(4, 0x34);
	mmio_cfg_wr8(5, 0x12);
	mmio_cfg_wr8(6, 0);
	is_int(info().actual_pages, 11, "actual written bytewise: not yet...");
	mmio_cfg_wr8(7, 0);
	is_int(info().actual_pages, 0x1234, "... until its last byte");

	mmio_wr(VIRTIO_MMIO_INTERRUPT_ACK, 3);
	is_int(virtio_balloon__set_target(kvm, NR_PAGES + 1), -ERANGE,
	       "a target over guest RAM is refused");
	is_int(virtio_balloon__set_target(kvm, 1ULL << 32), -ERANGE,
	       "so is one over 32 bits");
	ok(cfg_rd(0) == 0 && !(mmio_rd(VIRTIO_MMIO_INTERRUPT_STATUS) &
				VIRTIO_MMIO_INT_CONFIG),
	   "changing nothing, and without an interrupt");

	mmio_wr(VIRTIO_MMIO_INTERRUPT_ACK, 3);
	gen = mmio_rd(VIRTIO_MMIO_CONFIG_GENERATION);
	is_int(virtio_balloon__set_target(kvm, 64), 0, "set_target 64");
	is_int(cfg_rd(0), 64, "num_pages reads 64");
	ok(mmio_rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_CONFIG,
	   "a config change interrupt");
	ok(mmio_rd(VIRTIO_MMIO_CONFIG_GENERATION) != gen, "the config generation moved");
	i = info();
	ok(i.target_pages == 64 && i.actual_pages == 0x1234, "get: target and actual");
	is_int(virtio_balloon__set_target(kvm, NR_PAGES), 0,
	       "a target of all of guest RAM is the guest's to refuse");
	virtio_balloon__set_target(kvm, 64);
}

struct stat_entry {
	u16 tag;
	u64 val;
};

/* Writes @n stats entries at @gpa_addr. */
static void put_stats(u64 gpa_addr, const struct stat_entry *e, int n)
{
	struct virtio_balloon_stat *s = gpa(gpa_addr);
	int i;

	for (i = 0; i < n; i++) {
		s[i].tag = htole16(e[i].tag);
		s[i].val = htole64(e[i].val);
	}
}

/* Exactly the tags of @mask are present. */
static bool present_exactly(const struct virtio_balloon_memstats *st, u32 mask)
{
	int t;

	for (t = 0; t < VIRTIO_BALLOON_NR_STATS; t++)
		if (st->present[t] != !!(mask & (1U << t)))
			return false;
	return true;
}

static void test_stats(void)
{
	static const struct stat_entry valid[] = {
		{ VIRTIO_BALLOON_S_MEMFREE, 1000 }, { VIRTIO_BALLOON_S_MEMTOT, 4096 },
		{ 10, 5 }, { 0xffff, 6 }, { VIRTIO_BALLOON_S_SWAP_IN, 7 },
		{ VIRTIO_BALLOON_S_AVAIL, 1ULL << 40 },
	};
	static const struct stat_entry trunc[] = {
		{ VIRTIO_BALLOON_S_MINFLT, 1 }, { VIRTIO_BALLOON_S_MAJFLT, 2 },
		{ VIRTIO_BALLOON_S_CACHES, 3 },
	};
	static struct stat_entry big[100];
	const u32 sz = sizeof(struct virtio_balloon_stat);
	struct virtio_balloon_memstats st;
	u64 gen = generation();
	int k;

	is_int(sz, 10, "a stats entry is 10 bytes");
	is_int(virtio_balloon__request_stats(kvm), -EAGAIN,
	       "request_stats before the guest's first buffer: -EAGAIN");

	put_stats(DATA, valid, ARRAY_SIZE(valid));
	submit(STATSQ, 0, DATA, ARRAY_SIZE(valid) * sz, 0);
	ok(wait_generation(gen + 1), "the first buffer is taken in");
	virtio_balloon__get_stats(kvm, &st);
	ok(present_exactly(&st, 1U << VIRTIO_BALLOON_S_MEMFREE |
			   1U << VIRTIO_BALLOON_S_MEMTOT |
			   1U << VIRTIO_BALLOON_S_SWAP_IN |
			   1U << VIRTIO_BALLOON_S_AVAIL),
	   "known tags present, unknown ones ignored");
	ok(st.val[VIRTIO_BALLOON_S_MEMFREE] == 1000 &&
	   st.val[VIRTIO_BALLOON_S_MEMTOT] == 4096 &&
	   st.val[VIRTIO_BALLOON_S_SWAP_IN] == 7 &&
	   st.val[VIRTIO_BALLOON_S_AVAIL] == 1ULL << 40, "with their values");
	ok(st.timestamp_ns > 0, "and a timestamp");
	is_int(used_idx(STATSQ), 0, "the device holds the buffer");

	is_int(virtio_balloon__request_stats(kvm), 0, "request_stats");
	ok(wait_used(STATSQ, 1), "gives the buffer back to the guest");
	is_int(virtio_balloon__request_stats(kvm), 0,
	       "asked again before the answer: 0...");
	sleep_ms(20);
	is_int(used_idx(STATSQ), 1, "... and nothing more is given back");

	/* Two whole entries and half of a third. */
	put_stats(DATA + 0x400, trunc, ARRAY_SIZE(trunc));
	submit(STATSQ, 0, DATA + 0x400, 2 * sz + 5, 0);
	ok(wait_generation(gen + 2), "a truncated buffer is taken in");
	virtio_balloon__get_stats(kvm, &st);
	ok(present_exactly(&st, 1U << VIRTIO_BALLOON_S_MINFLT |
			   1U << VIRTIO_BALLOON_S_MAJFLT) &&
	   st.val[VIRTIO_BALLOON_S_MINFLT] == 1 &&
	   st.val[VIRTIO_BALLOON_S_MAJFLT] == 2,
	   "its whole entries only; the older values are gone");

	/* 100 entries in two pieces: the device reads the first 64. */
	for (k = 0; k < 100; k++)
		big[k] = (struct stat_entry){ k < 64 ? 11 : VIRTIO_BALLOON_S_MEMTOT,
					      k };
	big[0] = (struct stat_entry){ VIRTIO_BALLOON_S_HTLB_PGALLOC, 3 };
	big[63] = (struct stat_entry){ VIRTIO_BALLOON_S_HTLB_PGFAIL, 4 };
	put_stats(DATA + 0x1000, big, ARRAY_SIZE(big));
	virtio_balloon__request_stats(kvm);
	ok(wait_used(STATSQ, 2), "request_stats again");
	submit(STATSQ, 0, DATA + 0x1000, ARRAY_SIZE(big) * sz, 333);
	ok(wait_generation(gen + 3), "an oversized buffer is taken in");
	virtio_balloon__get_stats(kvm, &st);
	ok(present_exactly(&st, 1U << VIRTIO_BALLOON_S_HTLB_PGALLOC |
			   1U << VIRTIO_BALLOON_S_HTLB_PGFAIL) &&
	   st.val[VIRTIO_BALLOON_S_HTLB_PGFAIL] == 4,
	   "its first 64 entries are read, the rest ignored");

	/* Against the rules: a second buffer while the device holds one. */
	put_stats(DATA + 0x400, valid, 1);
	submit(STATSQ, 2, DATA + 0x400, sz, 0);
	ok(wait_generation(gen + 4) && wait_used(STATSQ, 3),
	   "a second buffer: taken, the first one given back");
	ok(used_ring(STATSQ)->ring[2].id == 0, "the one given back is the older");
}

static bool guest_stop;
static u16 guest_seen;		/* the used index the guest thread starts at */

/*
 * The guest's side of the statistics as Linux does it, on a thread of
 * its own: each buffer the device gives back is refilled (MEMFREE counts
 * them) and made available again.
 */
static void *stats_guest(void *arg)
{
	struct stat_entry e = { VIRTIO_BALLOON_S_MEMFREE, 0 };
	u16 last = guest_seen, cur;
	u16 head;

	while (!__atomic_load_n(&guest_stop, __ATOMIC_ACQUIRE)) {
		cur = used_idx(STATSQ);
		if (cur == last) {
			sleep_ms(1);
			continue;
		}
		head = used_ring(STATSQ)->ring[(cur - 1) % QSIZE].id;
		e.val++;
		put_stats(DATA + 0x800 + head * 0x10, &e, 1);
		submit(STATSQ, head, DATA + 0x800 + head * 0x10,
		       sizeof(struct virtio_balloon_stat), 0);
		last = cur;
	}
	return NULL;
}

/* What the control plane does: request, then poll for a newer generation. */
static void test_stats_polling(void)
{
	struct virtio_balloon_memstats st;
	int i, answered = 0, in_order = 0;
	u64 gen, memfree = 0;
	pthread_t t;

	guest_seen = used_idx(STATSQ);
	if (pthread_create(&t, NULL, stats_guest, NULL)) {
		skip(2, "no thread for the guest");
		return;
	}
	for (i = 0; i < 100; i++) {
		gen = generation();
		if (virtio_balloon__request_stats(kvm) || !wait_generation(gen + 1))
			continue;
		answered++;
		virtio_balloon__get_stats(kvm, &st);
		if (st.val[VIRTIO_BALLOON_S_MEMFREE] > memfree)
			in_order++;
		memfree = st.val[VIRTIO_BALLOON_S_MEMFREE];
	}
	__atomic_store_n(&guest_stop, true, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	is_int(answered, 100, "100 requests, each answered by a newer generation");
	is_int(in_order, 100, "each with fresher statistics");
}

static void test_reset(void)
{
	struct virtio_balloon_memstats st;
	struct virtio_balloon_info i;
	u64 gen = generation();
	const u32 pfn = PFN(30);
	u16 stats_used;

	ok(info().inflated_pages > 0 && info().actual_pages > 0,
	   "before the reset: counters and actual");
	stats_used = used_idx(STATSQ);
	mmio_wr(VIRTIO_MMIO_STATUS, 0);
	i = info();
	ok(!i.driver_ok && i.inflated_pages == 0 && i.deflated_pages == 0 &&
	   i.bad_pfns == 0 && i.actual_pages == 0, "a reset zeroes counters and actual");
	is_int(i.target_pages, 64, "the target stays");
	virtio_balloon__get_stats(kvm, &st);
	ok(present_exactly(&st, 0) && st.timestamp_ns == 0 && st.generation == gen,
	   "the statistics are dropped, their generation stays");
	is_int(virtio_balloon__request_stats(kvm), -EAGAIN,
	       "request_stats after the reset: -EAGAIN at once");
	is_int(used_idx(STATSQ), stats_used, "the held buffer is not pushed to the old ring");

	ok(driver_setup(F_V1), "a driver without the stats queue");
	is_int(virtio_balloon__request_stats(kvm), -EOPNOTSUPP,
	       "request_stats: -EOPNOTSUPP, at once");
	ok(!info().stats_vq && info().driver_ok, "get: driver up, no stats queue");

	ok(driver_setup(F_V1 | F_STATS), "a driver with it again");
	is_int(virtio_balloon__request_stats(kvm), -EAGAIN,
	       "no buffer yet: -EAGAIN");
	submit(STATSQ, 0, DATA + 0x400, 10, 0);
	ok(wait_generation(gen + 1), "its first buffer is taken in");
	ok(virtio_balloon__request_stats(kvm) == 0 && wait_used(STATSQ, 1),
	   "and given back on request");

	memset(page(pfn), 0xa5, PAGE);
	submit_pfns(INFLATEQ, &pfn, 1, 0);
	ok(wait_used(INFLATEQ, 1) && filled(page(pfn), PAGE, 0) &&
	   info().inflated_pages == 1, "inflating works after the reset");
}

int main(void)
{
	if (sysconf(_SC_PAGESIZE) != PAGE)
		skip_all("host pages are not 4 KiB");
	plan(84);
	loglevel = -1;

	kvm = fake_kvm_new();
	kvm->ram_size = RAM_SIZE;
	fake_mmio_init(kvm, KVM_VIRTIO_MMIO_START);
	device_mem = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	reserved_mem = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (device_mem == MAP_FAILED || reserved_mem == MAP_FAILED ||
	    kvm__register_mem(kvm, DEVICE_GPA, PAGE, device_mem,
			      KVM_MEM_TYPE_DEVICE) ||
	    kvm__register_mem(kvm, RESERVED_GPA, PAGE, reserved_mem,
			      KVM_MEM_TYPE_RESERVED))
		skip_all("cannot set up guest memory");
	memset(device_mem, 0x77, PAGE);
	memset(reserved_mem, 0x77, PAGE);

	test_not_there();
	virtio__set_transport("mmio");
	virtio_balloon__set_enabled(true);
	if (!ok(!virtio_balloon__init(kvm) && virtio_mmio__nr_devices() == 1,
		"--balloon: one virtio-mmio device"))
		return exit_status();

	test_probe();
	test_features();
	test_inflate();
	test_bad_pfns();
	test_deflate();
	test_config();
	test_stats();
	test_stats_polling();
	test_reset();
	return exit_status();
}
