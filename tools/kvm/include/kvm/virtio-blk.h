/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__VIRTIO_BLK_H
#define KVM__VIRTIO_BLK_H

#include <linux/types.h>

struct disk_image;
struct virtq_elem;

/*
 * Carries out one virtio-blk request (a validated chain) on @disk and
 * sets its status byte; returns the bytes written for the driver (data
 * read plus the status byte), for the used ring.  @serial is the GET_ID
 * answer.
 */
u32 virtio_blk__request(struct disk_image *disk, const char *serial,
			struct virtq_elem *elem);

#endif /* KVM__VIRTIO_BLK_H */
