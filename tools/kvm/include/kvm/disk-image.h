/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__DISK_IMAGE_H
#define KVM__DISK_IMAGE_H

#include <stdbool.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <linux/types.h>

#define SECTOR_SHIFT		9
#define SECTOR_SIZE		(1UL << SECTOR_SHIFT)

/*
 * A disk image on the host: a raw file or a block device.  It is locked
 * (flock: shared when read-only, exclusive otherwise) for as long as it is
 * open, so that two lkvm instances never write the same image.
 */
struct disk_image {
	const char *filename;
	int fd;
	int buffered_fd;	/* without O_DIRECT, for unaligned guest buffers */
	u64 size;		/* bytes, a multiple of SECTOR_SIZE is not assumed */
	bool readonly;
	bool direct;
	bool blockdev;
};

/* What --disk IMAGE[,ro][,direct] asks for. */
struct disk_image_params {
	const char *filename;
	bool readonly;
	bool direct;		/* O_DIRECT on the host */
};

/* Opens and locks @p; NULL after telling the user why. */
struct disk_image *disk_image__open(const char *filename, bool readonly,
				    bool direct);
void disk_image__close(struct disk_image *disk);

/*
 * Data transfers of whole iovec arrays at byte offset @off.  Return the
 * bytes transferred or a negative errno; a short count means end of image.
 */
ssize_t disk_image__read(struct disk_image *disk, u64 off,
			 const struct iovec *iov, int iovcnt);
ssize_t disk_image__write(struct disk_image *disk, u64 off,
			  const struct iovec *iov, int iovcnt);
int disk_image__flush(struct disk_image *disk);
/* Deallocates [off, off + len): later reads return zeros. */
int disk_image__discard(struct disk_image *disk, u64 off, u64 len);
/* Zeroes [off, off + len), deallocating when @unmap allows it. */
int disk_image__write_zeroes(struct disk_image *disk, u64 off, u64 len,
			     bool unmap);

/*
 * PATH[,ro][,direct], as given to --disk, into @p; 0 or -1 with a
 * message.  @p->filename points into a copy of @arg that is never freed.
 */
int disk_image__parse_params(struct disk_image_params *p, const char *arg);

#endif /* KVM__DISK_IMAGE_H */
