// SPDX-License-Identifier: GPL-2.0
/*
 * The data path of raw disk images (files and block devices).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/falloc.h>
#include <linux/fs.h>

#include <linux/kernel.h>

#include "kvm/disk-image.h"

/* Retries short transfers: returns bytes done, or -errno if none. */
static ssize_t rw_full(int fd, u64 off, const struct iovec *iov, int iovcnt,
		       bool write)
{
	struct iovec local[IOV_MAX];
	ssize_t done = 0, n;
	int i;

	if (iovcnt > IOV_MAX)
		return -EINVAL;
	memcpy(local, iov, iovcnt * sizeof(*iov));
	i = 0;
	while (i < iovcnt) {
		n = write ? pwritev(fd, &local[i], iovcnt - i, off + done) :
			    preadv(fd, &local[i], iovcnt - i, off + done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return done ? done : -errno;
		}
		if (!n)
			break;
		done += n;
		while (i < iovcnt && (size_t)n >= local[i].iov_len) {
			n -= local[i].iov_len;
			i++;
		}
		if (i < iovcnt) {
			local[i].iov_base = (char *)local[i].iov_base + n;
			local[i].iov_len -= n;
		}
	}
	return done;
}

static ssize_t disk_rw(struct disk_image *disk, u64 off,
		       const struct iovec *iov, int iovcnt, bool write)
{
	ssize_t n = rw_full(disk->fd, off, iov, iovcnt, write);

	/* O_DIRECT refuses unaligned buffers: go through the page cache. */
	if (n == -EINVAL && disk->buffered_fd >= 0)
		n = rw_full(disk->buffered_fd, off, iov, iovcnt, write);
	return n;
}

ssize_t disk_image__read(struct disk_image *disk, u64 off,
			 const struct iovec *iov, int iovcnt)
{
	return disk_rw(disk, off, iov, iovcnt, false);
}

ssize_t disk_image__write(struct disk_image *disk, u64 off,
			  const struct iovec *iov, int iovcnt)
{
	if (disk->readonly)
		return -EROFS;
	return disk_rw(disk, off, iov, iovcnt, true);
}

int disk_image__flush(struct disk_image *disk)
{
	if (disk->readonly)
		return 0;
	return fdatasync(disk->fd) < 0 ? -errno : 0;
}

static int write_zero_buffers(struct disk_image *disk, u64 off, u64 len)
{
	static const char zeros[65536];
	struct iovec iov;
	ssize_t n;

	while (len) {
		iov.iov_base = (void *)zeros;
		iov.iov_len = min_t(u64, len, sizeof(zeros));
		n = rw_full(disk->buffered_fd >= 0 ? disk->buffered_fd : disk->fd,
			    off, &iov, 1, true);
		if (n < 0)
			return n;
		if (!n)
			return -EIO;
		off += n;
		len -= n;
	}
	return 0;
}

int disk_image__discard(struct disk_image *disk, u64 off, u64 len)
{
	u64 range[2] = { off, len };

	if (disk->readonly)
		return -EROFS;
	if (disk->blockdev)
		return ioctl(disk->fd, BLKDISCARD, range) < 0 ? -errno : 0;
	if (fallocate(disk->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      off, len) < 0)
		return -errno;
	return 0;
}

int disk_image__write_zeroes(struct disk_image *disk, u64 off, u64 len,
			     bool unmap)
{
	u64 range[2] = { off, len };

	if (disk->readonly)
		return -EROFS;
	if (disk->blockdev) {
		if (!ioctl(disk->fd, BLKZEROOUT, range))
			return 0;
	} else if (unmap) {
		if (!fallocate(disk->fd, FALLOC_FL_PUNCH_HOLE |
			       FALLOC_FL_KEEP_SIZE, off, len))
			return 0;
	} else if (!fallocate(disk->fd, FALLOC_FL_ZERO_RANGE |
			      FALLOC_FL_KEEP_SIZE, off, len)) {
		return 0;
	}
	/* The file system can't: write the zeros. */
	return write_zero_buffers(disk, off, len);
}
