// SPDX-License-Identifier: GPL-2.0
/*
 * Disk images: option parsing, opening and locking.  The data path is in
 * raw.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>

#include "kvm/disk-image.h"
#include "kvm/log.h"
#include "kvm/util.h"

int disk_image__parse_params(struct disk_image_params *p, const char *arg)
{
	char *copy, *opt, *save = NULL;

	memset(p, 0, sizeof(*p));

	copy = xstrdup(arg);
	opt = strtok_r(copy, ",", &save);
	if (!opt || *arg == ',') {
		free(copy);
		return error("--disk: no image path in '%s'", arg);
	}
	p->filename = opt;
	while ((opt = strtok_r(NULL, ",", &save))) {
		if (!strcmp(opt, "ro")) {
			p->readonly = true;
		} else if (!strcmp(opt, "direct")) {
			p->direct = true;
		} else {
			error("--disk %s: unknown option '%s' (ro, direct)", arg, opt);
			free(copy);
			return -1;
		}
	}
	/* The copy stays referenced from @p for the VM's life. */
	return 0;
}

static int disk_lock(struct disk_image *disk)
{
	int op = (disk->readonly ? LOCK_SH : LOCK_EX) | LOCK_NB;

	if (!flock(disk->fd, op))
		return 0;
	if (errno == EWOULDBLOCK)
		return error("disk image %s is in use by another lkvm (or another program holding a lock on it)",
			     disk->filename);
	return error("disk image %s: cannot lock: %s", disk->filename,
		     strerror(errno));
}

static int disk_size(struct disk_image *disk)
{
	struct stat st;
	u64 size;

	if (fstat(disk->fd, &st) < 0)
		return error("disk image %s: %s", disk->filename, strerror(errno));
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(disk->fd, BLKGETSIZE64, &size) < 0)
			return error("disk image %s: cannot get the device size: %s",
				     disk->filename, strerror(errno));
		disk->blockdev = true;
		disk->size = size;
		return 0;
	}
	if (!S_ISREG(st.st_mode))
		return error("disk image %s: not a regular file or block device",
			     disk->filename);
	disk->size = st.st_size;
	return 0;
}

static int disk_open_fd(const char *filename, bool readonly, bool direct)
{
	int flags = (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC;

	if (direct)
		flags |= O_DIRECT;
	return open(filename, flags);
}

struct disk_image *disk_image__open(const char *filename, bool readonly,
				    bool direct)
{
	struct disk_image *disk = xzalloc(sizeof(*disk));

	disk->filename = filename;
	disk->readonly = readonly;
	disk->direct = direct;
	disk->buffered_fd = -1;
	disk->fd = disk_open_fd(filename, readonly, false);
	if (disk->fd < 0) {
		bool hint = !readonly && (errno == EACCES || errno == EROFS);

		error("cannot open disk image %s%s: %s", filename,
		      hint ? " for writing (add ,ro for read-only)" : "",
		      strerror(errno));
		free(disk);
		return NULL;
	}
	if (disk_lock(disk) || disk_size(disk))
		goto fail;
	if (direct) {
		/* The lock stays on the first descriptor. */
		disk->buffered_fd = disk->fd;
		disk->fd = disk_open_fd(filename, readonly, true);
		if (disk->fd < 0) {
			error("disk image %s: O_DIRECT: %s", filename,
			      strerror(errno));
			disk->fd = disk->buffered_fd;
			disk->buffered_fd = -1;
			goto fail;
		}
	}
	if (disk->size < SECTOR_SIZE) {
		error("disk image %s is empty (less than a sector)", filename);
		goto fail;
	}
	return disk;
fail:
	disk_image__close(disk);
	return NULL;
}

void disk_image__close(struct disk_image *disk)
{
	if (!disk)
		return;
	if (disk->buffered_fd >= 0)
		close(disk->buffered_fd);
	close(disk->fd);
	free(disk);
}
