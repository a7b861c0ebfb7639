/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__VIRTIO_BALLOON_H
#define KVM__VIRTIO_BALLOON_H

#include <stdbool.h>
#include <linux/types.h>

struct kvm;

/*
 * virtio-balloon (--balloon): the host asks the guest for memory back.
 *
 * The control plane (lkvm balloon, lkvm stat) calls these functions from
 * lkvm's main thread while the device's queues are served on their own
 * threads; each function takes the locks it needs and never waits for
 * the guest.  Sizes are in balloon pages of 4 KiB, whatever the page
 * size of the guest or the host.  Every function returns -ENODEV when
 * @kvm has no balloon.
 */

#define VIRTIO_BALLOON_PAGE_SHIFT	12

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
 * The device's init (INIT_VIRTIO_DEV, with --balloon), and the switch
 * that --balloon sets: public for the unit tests.
 */
int virtio_balloon__init(struct kvm *kvm);
void virtio_balloon__set_enabled(bool enabled);

#endif /* KVM__VIRTIO_BALLOON_H */
