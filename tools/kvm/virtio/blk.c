// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk: one device per --disk, one request queue per vCPU.
 *
 * Each queue has a worker thread of its own that takes requests off the
 * ring and does the I/O with preadv/pwritev straight into guest memory;
 * vCPUs never wait for the disk, and queues of different vCPUs proceed in
 * parallel.  Completions are pushed in batches and the driver is
 * interrupted once per batch, or less often when EVENT_IDX says so.
 *
 * kvmconfig: CONFIG_BLK_DEV=y CONFIG_VIRTIO_BLK=y
 */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <linux/virtio_blk.h>
#ifdef CONFIG_HAS_LIBURING
#include <liburing.h>
#endif
#include <linux/virtio_ids.h>

#include <linux/kernel.h>
#include <subcmd/parse-options.h>

#include "kvm/disk-image.h"
#include "kvm/init.h"
#include "kvm/kvm.h"
#include "kvm/run-options.h"
#include "kvm/virtio.h"
#include "kvm/virtio-blk.h"
#include "kvm/log.h"
#include "kvm/record.h"
#include "kvm/util.h"

#define BLK_QUEUE_SIZE		256
/* Discard / write zeroes: one segment of up to 4 GiB - 512 per request. */
#define BLK_MAX_DISCARD_SECTORS	0x7fffff
/* Signal at least every so many completions of a long batch. */
#define BLK_SIGNAL_BATCH	32

struct blk_queue;

struct blk_dev {
	struct virtio_device vdev;
	struct virtio_blk_config config;
	struct disk_image *disk;
	char name[16];
	char serial[VIRTIO_BLK_ID_BYTES + 1];
	struct blk_queue *queues;	/* one per virtqueue, for its worker */
};

/* The part [skip, skip + len) of @src as a new iovec array in @dst. */
static int iov_slice(const struct iovec *src, int nr, size_t skip, size_t len,
		     struct iovec *dst)
{
	struct iov_cursor c;
	size_t got;

	iov_cursor__init(&c, src, nr, SIZE_MAX);
	iov_cursor__copy(&c, NULL, skip, false);
	return iov_cursor__slice(&c, dst, nr, len, &got);
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

/* A data transfer, once checked: where, how much, from/to which buffers. */
struct blk_io {
	bool write;
	u64 off;
	size_t len;
	int nr;
	struct iovec iov[VIRTIO_QUEUE_MAX_SIZE];
};

/*
 * Checks an IN/OUT request against the disk and slices its data buffers
 * out of the chain into @io.  Returns the status to answer right away, or
 * -1 when the transfer is to be done.
 */
static int blk_rw_prepare(struct disk_image *disk, u64 sector,
			  struct virtq_elem *elem, bool write, struct blk_io *io)
{
	io->write = write;
	if (write) {
		io->len = elem->out_len - sizeof(struct virtio_blk_outhdr);
		io->nr = iov_slice(elem->iov, elem->out_num,
				   sizeof(struct virtio_blk_outhdr), io->len,
				   io->iov);
	} else {
		io->len = elem->in_len - 1;
		io->nr = iov_slice(elem->iov + elem->out_num, elem->in_num, 0,
				   io->len, io->iov);
	}
	if (!blk_range_ok(disk, sector, io->len))
		return VIRTIO_BLK_S_IOERR;
	if (write && disk->readonly)
		return VIRTIO_BLK_S_IOERR;
	if (!io->len)
		return VIRTIO_BLK_S_OK;
	io->off = sector << SECTOR_SHIFT;
	return -1;
}

static u8 blk_io_sync(struct disk_image *disk, struct blk_io *io)
{
	ssize_t n;

	n = io->write ? disk_image__write(disk, io->off, io->iov, io->nr) :
			disk_image__read(disk, io->off, io->iov, io->nr);
	if (n < 0 || (size_t)n != io->len)
		return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
}

static u8 blk_rw(struct disk_image *disk, u64 sector, struct virtq_elem *elem,
		 bool write, size_t *written)
{
	struct blk_io io;
	int ret;

	ret = blk_rw_prepare(disk, sector, elem, write, &io);
	if (ret < 0)
		ret = blk_io_sync(disk, &io);
	if (ret == VIRTIO_BLK_S_OK && !write)
		*written = io.len;
	return ret;
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

#ifdef CONFIG_HAS_LIBURING
#define BLK_AIO_DEPTH		64

struct blk_aio_req {
	struct virtq_elem elem;
	struct blk_io io;
	struct blk_aio_req *next_free;
};
#endif

struct blk_queue {
	struct virtq_elem *elem;	/* synchronous path */
#ifdef CONFIG_HAS_LIBURING
	bool aio;
	struct io_uring ring;
	struct blk_aio_req *reqs;
	struct blk_aio_req *free;
	unsigned int inflight;
#endif
};

/* One request at a time, with preadv/pwritev. */
static void blk_queue_notify_sync(struct blk_dev *bdev, struct blk_queue *q,
				  struct virtq *vq)
{
	struct virtq_elem *elem = q->elem;
	unsigned int done = 0;
	u32 len;

	while (virtq__pop(vq, elem) > 0) {
		record_blk_req(elem->iov, elem->out_num, elem->in_num);
		len = virtio_blk__request(bdev->disk, bdev->serial, elem);
		virtq__push(vq, elem, len);
		if (++done % BLK_SIGNAL_BATCH == 0)
			virtq__signal(vq);
	}
	if (done % BLK_SIGNAL_BATCH)
		virtq__signal(vq);
}

#ifdef CONFIG_HAS_LIBURING
/*
 * With io_uring, a queue keeps up to BLK_AIO_DEPTH transfers in flight:
 * its worker pops every request there is, submits the reads and writes
 * in one batch, and completes them as they finish, picking up new
 * requests between completions.  Everything else (flush, discard, ...)
 * and transfers io_uring cuts short are done synchronously.
 */
/*
 * io_uring does its work past lkvm's seccomp filter: the ring may only
 * ever read and write (IORING_REGISTER_RESTRICTIONS, Linux 5.10), so
 * that whoever gets hold of it cannot open, connect or send through it.
 */
static int blk_aio_ring_init(struct io_uring *ring)
{
	struct io_uring_params params = { .flags = IORING_SETUP_R_DISABLED };
	struct io_uring_restriction res[] = {
		{ .opcode = IORING_RESTRICTION_SQE_OP, .sqe_op = IORING_OP_READV },
		{ .opcode = IORING_RESTRICTION_SQE_OP, .sqe_op = IORING_OP_WRITEV },
	};
	int ret;

	ret = io_uring_queue_init_params(BLK_AIO_DEPTH, ring, &params);
	if (ret < 0)
		return ret;
	/* liburing 2.3 exports only the raw call for these two. */
	ret = io_uring_register(ring->ring_fd, IORING_REGISTER_RESTRICTIONS,
				res, ARRAY_SIZE(res));
	if (!ret)
		ret = io_uring_register(ring->ring_fd,
					IORING_REGISTER_ENABLE_RINGS, NULL, 0);
	if (ret < 0)
		io_uring_queue_exit(ring);
	return ret;
}

static void blk_aio_init(struct blk_queue *q)
{
	int i, ret;

	ret = blk_aio_ring_init(&q->ring);
	if (ret < 0) {
		pr_debug("io_uring: %s; preadv/pwritev instead", strerror(-ret));
		return;
	}
	q->reqs = xcalloc(BLK_AIO_DEPTH, sizeof(*q->reqs));
	for (i = 0; i < BLK_AIO_DEPTH; i++) {
		q->reqs[i].next_free = q->free;
		q->free = &q->reqs[i];
	}
	q->aio = true;
}

/* Takes one request; true when it went to io_uring. */
static bool blk_aio_start(struct blk_dev *bdev, struct blk_queue *q,
			  struct virtq *vq, struct blk_aio_req *req)
{
	struct virtq_elem *elem = &req->elem;
	struct virtio_blk_outhdr hdr;
	struct io_uring_sqe *sqe;
	int ret = -2;

	record_blk_req(elem->iov, elem->out_num, elem->in_num);
	if (elem->in_num && elem->out_len >= sizeof(hdr)) {
		iov_to_buf(elem->iov, elem->out_num, 0, &hdr, sizeof(hdr));
		if (hdr.type == VIRTIO_BLK_T_IN || hdr.type == VIRTIO_BLK_T_OUT)
			ret = blk_rw_prepare(bdev->disk, hdr.sector, elem,
					     hdr.type == VIRTIO_BLK_T_OUT, &req->io);
	}
	if (ret >= 0) {
		*blk_status_byte(elem) = ret;
		virtq__push(vq, elem, 1);
		return false;
	}
	sqe = ret == -1 ? io_uring_get_sqe(&q->ring) : NULL;
	if (!sqe) {
		virtq__push(vq, elem, virtio_blk__request(bdev->disk, bdev->serial,
							 elem));
		return false;
	}
	if (req->io.write)
		io_uring_prep_writev(sqe, bdev->disk->fd, req->io.iov,
				     req->io.nr, req->io.off);
	else
		io_uring_prep_readv(sqe, bdev->disk->fd, req->io.iov,
				    req->io.nr, req->io.off);
	io_uring_sqe_set_data(sqe, req);
	return true;
}

static void blk_aio_complete(struct blk_dev *bdev, struct virtq *vq,
			     struct blk_aio_req *req, int res)
{
	struct blk_io *io = &req->io;
	u8 status = VIRTIO_BLK_S_OK;

	/* Short or refused (O_DIRECT alignment): the careful way. */
	if (res < 0 || (size_t)res != io->len)
		status = blk_io_sync(bdev->disk, io);
	*blk_status_byte(&req->elem) = status;
	virtq__push(vq, &req->elem,
		   1 + (status == VIRTIO_BLK_S_OK && !io->write ? io->len : 0));
}

static void blk_queue_notify(struct virtio_device *vdev, struct virtq *vq)
{
	struct blk_dev *bdev = vdev->priv;
	struct blk_queue *q = &bdev->queues[vq->index];
	struct io_uring_cqe *cqe;
	struct blk_aio_req *req;
	unsigned int submit, head, n;

	if (!q->aio) {
		blk_queue_notify_sync(bdev, q, vq);
		return;
	}
	for (;;) {
		submit = 0;
		while ((req = q->free) && virtq__pop(vq, &req->elem) > 0) {
			q->free = req->next_free;
			if (blk_aio_start(bdev, q, vq, req)) {
				submit++;
				q->inflight++;
			} else {
				req->next_free = q->free;
				q->free = req;
			}
		}
		if (submit)
			io_uring_submit(&q->ring);
		virtq__signal(vq);
		if (!q->inflight)
			return;
		if (io_uring_wait_cqe(&q->ring, &cqe) < 0)
			continue;
		n = 0;
		io_uring_for_each_cqe(&q->ring, head, cqe) {
			req = io_uring_cqe_get_data(cqe);
			blk_aio_complete(bdev, vq, req, cqe->res);
			req->next_free = q->free;
			q->free = req;
			n++;
		}
		io_uring_cq_advance(&q->ring, n);
		q->inflight -= n;
	}
}

static const char *blk_queue_io_method(struct blk_queue *q)
{
	return q->aio ? "io_uring" : "preadv/pwritev";
}
#else
static void blk_aio_init(struct blk_queue *q)
{
}

static const char *blk_queue_io_method(struct blk_queue *q)
{
	return "preadv/pwritev (built without liburing)";
}

static void blk_queue_notify(struct virtio_device *vdev, struct virtq *vq)
{
	struct blk_dev *bdev = vdev->priv;

	blk_queue_notify_sync(bdev, &bdev->queues[vq->index], vq);
}
#endif

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

/* --disk */
static struct disk_image_params disks[LKVM_MAX_DISKS];
static int nr_disks;

int virtio_blk__add_disk(const char *arg)
{
	if (nr_disks >= LKVM_MAX_DISKS)
		return error("--disk: at most %d disks", LKVM_MAX_DISKS);
	if (disk_image__parse_params(&disks[nr_disks], arg))
		return -1;
	nr_disks++;
	return 0;
}

int virtio_blk__nr_disks(void)
{
	return nr_disks;
}

const struct disk_image_params *virtio_blk__disk(int index)
{
	if (index < 0 || index >= nr_disks)
		return NULL;
	return &disks[index];
}

/* -d IMAGE[,ro][,direct]: the disk code owns the syntax. */
static int opt_disk(const struct option *opt, const char *arg, int unset)
{
	if (unset)
		return error("--no-disk: leave -d out instead");
	return virtio_blk__add_disk(arg);
}

static const struct option blk_options[] = {
	OPT_GROUP("virtio-blk options:"),
	OPT_CALLBACK('d', "disk", NULL, "image[,ro][,direct]",
		     "a virtio-blk disk (repeatable)", opt_disk),
	OPT_END()
};
run_options_register(blk_options);

static int blk_add_disk(struct kvm *kvm, int index)
{
	const struct disk_image_params *p = &disks[index];
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
	bdev->queues = xcalloc(nr_queues, sizeof(*bdev->queues));
	for (i = 0; i < nr_queues; i++) {
		bdev->queues[i].elem = virtq_elem__alloc();
		blk_aio_init(&bdev->queues[i]);
	}
	pr_debug("%s: %s, %u queue(s)", bdev->name,
		 blk_queue_io_method(&bdev->queues[0]), nr_queues);

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

	for (i = 0; i < nr_disks; i++) {
		if (blk_add_disk(kvm, i))
			return -1;
	}
	return 0;
}
virtio_dev_init(virtio_blk__init);
