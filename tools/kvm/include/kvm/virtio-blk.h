/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__VIRTIO_BLK_H
#define KVM__VIRTIO_BLK_H

#include <linux/types.h>

struct disk_image;
struct disk_image_params;
struct virtq_elem;

#define LKVM_MAX_DISKS		16

/*
 * --disk IMAGE[,ro][,direct]: adds a disk, one virtio-blk device at
 * virtio init; 0 or -1 with a message.
 */
int virtio_blk__add_disk(const char *arg);
/* The disks added so far, in order; NULL past the last. */
int virtio_blk__nr_disks(void);
const struct disk_image_params *virtio_blk__disk(int index);

/*
 * Carries out one virtio-blk request (a validated chain) on @disk and
 * sets its status byte; returns the bytes written for the driver (data
 * read plus the status byte), for the used ring.  @serial is the GET_ID
 * answer.
 */
u32 virtio_blk__request(struct disk_image *disk, const char *serial,
			struct virtq_elem *elem);

#endif /* KVM__VIRTIO_BLK_H */
