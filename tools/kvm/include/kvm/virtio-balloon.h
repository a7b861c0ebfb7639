/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__VIRTIO_BALLOON_H
#define KVM__VIRTIO_BALLOON_H

#include <stdbool.h>
#include <linux/types.h>

struct kvm;

/*
 * virtio-balloon (--balloon): the host asks the guest for memory back,
 * and the guest reports its memory statistics.
 *
 * The control plane (lkvm balloon, lkvm stat) calls these functions from
 * lkvm's main thread while the device's queues are served on their own
 * threads; each function takes the locks it needs and never waits for
 * the guest.  Sizes are in balloon pages of 4 KiB, whatever the page
 * size of the guest or the host.  Every function returns -ENODEV when
 * @kvm has no balloon.
 */

#define VIRTIO_BALLOON_PAGE_SHIFT	12

/* The statistics kept, by tag (VIRTIO_BALLOON_S_SWAP_IN ... _HTLB_PGFAIL). */
#define VIRTIO_BALLOON_NR_STATS		10

struct virtio_balloon_info {
	u64 ram_pages;		/* guest RAM: the largest target */
	u64 target_pages;	/* num_pages: what the host asks for */
	u64 actual_pages;	/* actual: what the guest says it has given */
	/*
	 * Since the driver last reset the device (a reset zeroes them and
	 * actual_pages; target_pages stays):
	 */
	u64 inflated_pages;	/* pages the guest gave, dropped on the host */
	u64 deflated_pages;	/* pages the guest took back */
	u64 bad_pfns;		/* PFNs outside guest RAM, ignored */
	bool driver_ok;		/* a guest driver runs the device */
	bool stats_vq;		/* ... and reports statistics */
};

struct virtio_balloon_memstats {
	/*
	 * Bumped each time the guest hands in statistics; never goes back,
	 * not even at a device reset.  0: none yet.
	 */
	u64 generation;
	u64 timestamp_ns;	/* CLOCK_MONOTONIC when they came; 0: none */
	/* present[tag]: the guest reported val[tag] in its last buffer. */
	bool present[VIRTIO_BALLOON_NR_STATS];
	u64 val[VIRTIO_BALLOON_NR_STATS];	/* as the guest gave them */
};

/*
 * Asks the guest to hold @pages pages in its balloon (0 gives everything
 * back): sets num_pages and interrupts the driver with a config change.
 * The guest gets there in its own time; virtio_balloon__get() tells how
 * far it is.  -ERANGE, changing nothing, when @pages is more than guest
 * RAM (virtio_balloon_info.ram_pages).  Taken before the driver is up,
 * the target is what the driver finds when it starts; it survives
 * device resets.
 */
int virtio_balloon__set_target(struct kvm *kvm, u64 pages);

/* Fills @info; 0. */
int virtio_balloon__get(struct kvm *kvm, struct virtio_balloon_info *info);

/*
 * Asks the guest for fresh statistics by handing back the buffer it
 * left on the stats queue; the guest answers with a new one, which
 * bumps virtio_balloon_memstats.generation.  To wait for them, note the
 * generation, call this, then poll virtio_balloon__get_stats() until the
 * generation is higher or the caller's timeout runs out.
 *
 * 0 when the request went to the guest, or one is already waiting for
 * its answer; -EAGAIN when there is nothing to ask yet (no driver, or it
 * has not put its first buffer there); -EOPNOTSUPP when the driver did
 * not take the stats queue.
 */
int virtio_balloon__request_stats(struct kvm *kvm);

/* The last statistics the guest gave; 0. */
int virtio_balloon__get_stats(struct kvm *kvm,
			      struct virtio_balloon_memstats *st);

/*
 * The device's init (INIT_VIRTIO_DEV, with --balloon), and the switch
 * that --balloon sets: public for the unit tests.
 */
int virtio_balloon__init(struct kvm *kvm);
void virtio_balloon__set_enabled(bool enabled);

#endif /* KVM__VIRTIO_BALLOON_H */
