// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk: one device per --disk, one request queue per vCPU.
 *
 * Each queue has a worker thread of its own that takes requests off the
 * ring and does the I/O with preadv/pwritev straight into guest memory;
 * vCPUs never wait for the disk, and queues of different vCPUs proceed in
 * parallel.  Completions are pushed in batches and the driver is
 * interrupted once per batch, or less often when EVENT_IDX says so.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>

#include <linux/kernel.h>

#include "kvm/disk-image.h"
#include "kvm/init.h"
#include "kvm/kvm.h"
#include "kvm/virtio.h"
#include "kvm/virtio-blk.h"
#include "subcmd/usage.h"
#include "subcmd/util.h"

#define BLK_QUEUE_SIZE		256
/* Discard / write zeroes: one segment of up to 4 GiB - 512 per request. */
#define BLK_MAX_DISCARD_SECTORS	0x7fffff
/* Signal at least every so many completions of a long batch. */
#define BLK_SIGNAL_BATCH	32

struct blk_dev {
	struct virtio_device vdev;
	struct virtio_blk_config config;
	struct disk_image *disk;
	char name[16];
	char serial[VIRTIO_BLK_ID_BYTES + 1];
	struct virtq_elem **elems;	/* one per queue, for its worker */
};

/* The part [skip, skip + len) of @src as a new iovec array in @dst. */
static int iov_slice(const struct iovec *src, int nr, size_t skip, size_t len,
		     struct iovec *dst)
{
	int i, n = 0;

	for (i = 0; i < nr && len; i++) {
		size_t l = src[i].iov_len;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		dst[n].iov_base = (char *)src[i].iov_base + skip;
		dst[n].iov_len = min(l - skip, len);
		len -= dst[n].iov_len;
		skip = 0;
		n++;
	}
	return n;
}

/* Is [sector, sector + bytes) inside the disk?  Whole sectors only. */
static bool blk_range_ok(struct disk_image *disk, u64 sector, u64 bytes)
{
	u64 nr_sectors = disk->size >> SECTOR_SHIFT;

	if (bytes % SECTOR_SIZE)
		return false;
	return sector <= nr_sectors &&
	       bytes >> SECTOR_SHIFT <= nr_sectors - sector;
}

static u8 blk_rw(struct disk_image *disk, u64 sector, struct virtq_elem *elem,
		 bool write, size_t *written)
{
	struct iovec iov[VIRTIO_QUEUE_MAX_SIZE];
	size_t len;
	ssize_t n;
	int nr;

	if (write) {
		len = elem->out_len - sizeof(struct virtio_blk_outhdr);
		nr = iov_slice(elem->iov, elem->out_num,
			       sizeof(struct virtio_blk_outhdr), len, iov);
	} else {
		len = elem->in_len - 1;
		nr = iov_slice(elem->iov + elem->out_num, elem->in_num, 0, len,
			       iov);
	}
	if (!blk_range_ok(disk, sector, len))
		return VIRTIO_BLK_S_IOERR;
	if (write && disk->readonly)
		return VIRTIO_BLK_S_IOERR;
	if (!len)
		return VIRTIO_BLK_S_OK;

	n = write ? disk_image__write(disk, sector << SECTOR_SHIFT, iov, nr) :
		    disk_image__read(disk, sector << SECTOR_SHIFT, iov, nr);
	if (n < 0 || (size_t)n != len)
		return VIRTIO_BLK_S_IOERR;
	if (!write)
		*written = len;
	return VIRTIO_BLK_S_OK;
}

static u8 blk_discard(struct disk_image *disk, struct virtq_elem *elem,
		      bool zeroes)
{
	struct virtio_blk_discard_write_zeroes seg;
	size_t len = elem->out_len - sizeof(struct virtio_blk_outhdr);
	u64 bytes;
	int ret;

	/* We offer max_discard_seg = max_write_zeroes_seg = 1. */
	if (len != sizeof(seg))
		return VIRTIO_BLK_S_UNSUPP;
	iov_to_buf(elem->iov, elem->out_num, sizeof(struct virtio_blk_outhdr),
		   &seg, sizeof(seg));
	if (seg.flags & ~(u32)VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP)
		return VIRTIO_BLK_S_UNSUPP;
	if (!zeroes && seg.flags)
		return VIRTIO_BLK_S_UNSUPP;
	if (seg.num_sectors > BLK_MAX_DISCARD_SECTORS)
		return VIRTIO_BLK_S_IOERR;
	bytes = (u64)seg.num_sectors << SECTOR_SHIFT;
	if (!blk_range_ok(disk, seg.sector, bytes) || disk->readonly)
		return VIRTIO_BLK_S_IOERR;
	if (!bytes)
		return VIRTIO_BLK_S_OK;
	if (zeroes)
		ret = disk_image__write_zeroes(disk, seg.sector << SECTOR_SHIFT,
					       bytes, seg.flags);
	else
		ret = disk_image__discard(disk, seg.sector << SECTOR_SHIFT, bytes);
	return ret ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
}

/* The id is VIRTIO_BLK_ID_BYTES long, NUL-padded when shorter. */
static size_t blk_get_id(const char *serial, struct virtq_elem *elem)
{
	char id[VIRTIO_BLK_ID_BYTES] = { 0 };

	memcpy(id, serial, strnlen(serial, sizeof(id)));
	return iov_from_buf(elem->iov + elem->out_num, elem->in_num, 0, id,
			    min_t(size_t, elem->in_len - 1, sizeof(id)));
}

/* The status byte: the last byte the driver lets us write. */
static u8 *blk_status_byte(struct virtq_elem *elem)
{
	struct iovec *last = &elem->iov[elem->out_num + elem->in_num - 1];

	return (u8 *)last->iov_base + last->iov_len - 1;
}

u32 virtio_blk__request(struct disk_image *disk, const char *serial,
			struct virtq_elem *elem)
{
	struct virtio_blk_outhdr hdr;
	size_t written = 0;
	u8 status;

	/* Without a writable byte there is no way to answer at all. */
	if (!elem->in_num)
		return 0;
	if (elem->out_len < sizeof(hdr)) {
		status = VIRTIO_BLK_S_IOERR;
		goto out;
	}
	iov_to_buf(elem->iov, elem->out_num, 0, &hdr, sizeof(hdr));

	switch (hdr.type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		status = blk_rw(disk, hdr.sector, elem,
				hdr.type == VIRTIO_BLK_T_OUT, &written);
		break;
	case VIRTIO_BLK_T_FLUSH:
		status = disk_image__flush(disk) ? VIRTIO_BLK_S_IOERR :
						   VIRTIO_BLK_S_OK;
		break;
	case VIRTIO_BLK_T_GET_ID:
		written = blk_get_id(serial, elem);
		status = VIRTIO_BLK_S_OK;
		break;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		status = blk_discard(disk, elem,
				     hdr.type == VIRTIO_BLK_T_WRITE_ZEROES);
		break;
	default:
		status = VIRTIO_BLK_S_UNSUPP;
	}
out:
	*blk_status_byte(elem) = status;
	return written + 1;
}

static void blk_queue_notify(struct virtio_device *vdev, struct virt_queue *vq)
{
	struct blk_dev *bdev = vdev->priv;
	struct virtq_elem *elem = bdev->elems[vq->index];
	unsigned int done = 0;
	u32 len;

	while (virtq_pop(vq, elem) > 0) {
		len = virtio_blk__request(bdev->disk, bdev->serial, elem);
		virtq_push(vq, elem, len);
		if (++done % BLK_SIGNAL_BATCH == 0)
			virtio_queue_signal(vq);
	}
	if (done % BLK_SIGNAL_BATCH)
		virtio_queue_signal(vq);
}

static const struct virtio_device_ops blk_ops = {
	.queue_notify = blk_queue_notify,
};

static void blk_fill_config(struct blk_dev *bdev, u16 nr_queues)
{
	struct virtio_blk_config *c = &bdev->config;

	c->capacity = bdev->disk->size >> SECTOR_SHIFT;
	c->seg_max = BLK_QUEUE_SIZE - 2;	/* minus header and status */
	c->blk_size = SECTOR_SIZE;
	c->num_queues = nr_queues;
	c->max_discard_sectors = BLK_MAX_DISCARD_SECTORS;
	c->max_discard_seg = 1;
	c->discard_sector_alignment = 4096 >> SECTOR_SHIFT;
	c->max_write_zeroes_sectors = BLK_MAX_DISCARD_SECTORS;
	c->max_write_zeroes_seg = 1;
	c->write_zeroes_may_unmap = 1;
}

static u64 blk_features(struct disk_image *disk)
{
	u64 f = (1ULL << VIRTIO_BLK_F_SEG_MAX) | (1ULL << VIRTIO_BLK_F_BLK_SIZE) |
		(1ULL << VIRTIO_BLK_F_FLUSH) | (1ULL << VIRTIO_BLK_F_MQ);

	if (disk->readonly)
		return f | (1ULL << VIRTIO_BLK_F_RO);
	return f | (1ULL << VIRTIO_BLK_F_DISCARD) |
	       (1ULL << VIRTIO_BLK_F_WRITE_ZEROES);
}

static int blk_add_disk(struct kvm *kvm, int index)
{
	struct disk_image_params *p = &kvm->cfg.disks[index];
	struct blk_dev *bdev;
	u16 nr_queues, i;

	bdev = xzalloc(sizeof(*bdev));
	bdev->disk = disk_image__open(p->filename, p->readonly, p->direct);
	if (!bdev->disk) {
		free(bdev);
		return -1;
	}
	nr_queues = clamp(kvm->cfg.nrcpus, 1, VIRTIO_MAX_QUEUES);
	snprintf(bdev->name, sizeof(bdev->name), "virtio-blk%d", index);
	snprintf(bdev->serial, sizeof(bdev->serial), "lkvm-disk%d", index);
	blk_fill_config(bdev, nr_queues);
	bdev->elems = xcalloc(nr_queues, sizeof(*bdev->elems));
	for (i = 0; i < nr_queues; i++)
		bdev->elems[i] = virtq_elem_alloc();

	bdev->vdev = (struct virtio_device) {
		.name = bdev->name,
		.device_id = VIRTIO_ID_BLOCK,
		.features = blk_features(bdev->disk),
		.config = &bdev->config,
		.config_size = sizeof(bdev->config),
		.nr_queues = nr_queues,
		.queue_size = BLK_QUEUE_SIZE,
		.queue_flags = VIRTIO_QUEUE_DEDICATED,
		.ops = &blk_ops,
		.priv = bdev,
	};
	return virtio_device__register(kvm, &bdev->vdev);
}

static int virtio_blk__init(struct kvm *kvm)
{
	int i;

	for (i = 0; i < kvm->cfg.nr_disks; i++) {
		if (blk_add_disk(kvm, i))
			return -1;
	}
	return 0;
}
virtio_dev_init(virtio_blk__init);
