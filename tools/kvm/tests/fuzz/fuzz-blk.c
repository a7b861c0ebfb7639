// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk requests (virtio_blk__request()) against scratch image
 * files: the header, sectors past the end, discard and write-zeroes
 * segments, flush, GET_ID, on a writable and on a read-only disk whose
 * sizes are not a multiple of the sector.  The chain comes from the
 * input as segments of any length, each its own heap buffer so that
 * ASan sees a byte written or read past any of them.
 *
 * Oracle: the reply length covers at most the writable bytes, the status
 * byte is one of the three, data read is the image's, neither image
 * changes size, and the read-only one does not change at all.
 *
 * Input: flags[1] nr_out[1] nr_in[1] len[2] per segment, then the bytes
 * of the readable segments (the header first).
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>
#include <linux/virtio_blk.h>

#include <linux/kernel.h>

#include "kvm/disk-image.h"
#include "kvm/virtio.h"
#include "kvm/virtio-blk.h"
#include "fuzz.h"

#define IMG_SIZE	(64 * 1024 + 300)
#define MAX_SEGS	8
#define MAX_SEG_LEN	0x3000

static struct disk_image *rw, *ro;
static int rw_fd, ro_fd;
static struct virtq_elem *elem;
static u8 orig[IMG_SIZE], now[IMG_SIZE];

static void make_image(char *path, const char *dir, const char *name)
{
	int fd, i;

	for (i = 0; i < IMG_SIZE; i++)
		orig[i] = i * 7 + i / 512;
	snprintf(path, 256, "%s/%s", dir, name);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (fd < 0 || pwrite(fd, orig, IMG_SIZE, 0) != IMG_SIZE)
		abort();
	close(fd);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[64], rw_path[256], ro_path[256];

	loglevel = -1;
	snprintf(dir, sizeof(dir), "%s/lkvm-fuzz-blk-XXXXXX",
		 access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
	if (!mkdtemp(dir))
		abort();
	make_image(rw_path, dir, "rw.img");
	make_image(ro_path, dir, "ro.img");
	rw = disk_image__open(rw_path, false, false);
	ro = disk_image__open(ro_path, true, false);
	rw_fd = open(rw_path, O_RDWR);
	ro_fd = open(ro_path, O_RDONLY);
	if (!rw || !ro || rw_fd < 0 || ro_fd < 0)
		abort();
	/* Open, they stay usable; gone, nothing is left behind. */
	unlink(rw_path);
	unlink(ro_path);
	rmdir(dir);
	elem = virtq_elem__alloc();
	return 0;
}

static u64 file_size(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : st.st_size;
}

static void free_segs(void)
{
	unsigned int i;

	for (i = 0; i < elem->out_num + elem->in_num; i++)
		free(elem->iov[i].iov_base);
}

/* The segments, as virtq__pop() would hand them out (none empty). */
static void build(struct fuzz_in *in)
{
	unsigned int nr_out = fuzz_u8(in) % (MAX_SEGS + 1);
	unsigned int nr_in = fuzz_u8(in) % (MAX_SEGS + 1), i;

	elem->out_num = nr_out;
	elem->in_num = nr_in;
	elem->out_len = 0;
	elem->in_len = 0;
	for (i = 0; i < nr_out + nr_in; i++) {
		size_t len = fuzz_u16(in) % MAX_SEG_LEN + 1;

		elem->iov[i].iov_base = malloc(len);
		elem->iov[i].iov_len = len;
		memset(elem->iov[i].iov_base, 0xaa, len);
		if (i < nr_out)
			elem->out_len += len;
		else
			elem->in_len += len;
	}
	for (i = 0; i < nr_out; i++)
		fuzz_bytes(in, elem->iov[i].iov_base, elem->iov[i].iov_len);
}

/* What a successful read put in the writable segments is the image's. */
static void check_read(int fd, u64 sector, u32 len)
{
	static u8 buf[MAX_SEGS * MAX_SEG_LEN], file[MAX_SEGS * MAX_SEG_LEN];
	size_t n = len - 1;

	iov_to_buf(elem->iov + elem->out_num, elem->in_num, 0, buf, n);
	fuzz_assert(pread(fd, file, n, sector * 512) == (ssize_t)n);
	fuzz_assert(!memcmp(buf, file, n));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	bool readonly = fuzz_u8(&in) & 1;
	struct disk_image *disk = readonly ? ro : rw;
	int fd = readonly ? ro_fd : rw_fd;
	struct virtio_blk_outhdr hdr = { 0 };
	u8 status;
	u32 len;

	if (pwrite(rw_fd, orig, IMG_SIZE, 0) != IMG_SIZE ||
	    ftruncate(rw_fd, IMG_SIZE))
		abort();
	build(&in);
	if (elem->out_len >= sizeof(hdr))
		iov_to_buf(elem->iov, elem->out_num, 0, &hdr, sizeof(hdr));

	len = virtio_blk__request(disk, "fuzz-serial", elem);

	if (!elem->in_num) {
		fuzz_assert(len == 0);
		goto out;
	}
	fuzz_assert(len >= 1 && len <= elem->in_len);
	status = *((u8 *)elem->iov[elem->out_num + elem->in_num - 1].iov_base +
		   elem->iov[elem->out_num + elem->in_num - 1].iov_len - 1);
	fuzz_assert(status == VIRTIO_BLK_S_OK || status == VIRTIO_BLK_S_IOERR ||
		    status == VIRTIO_BLK_S_UNSUPP);
	if (elem->out_len >= sizeof(hdr) && hdr.type == VIRTIO_BLK_T_IN &&
	    status == VIRTIO_BLK_S_OK)
		check_read(fd, hdr.sector, len);
	if (readonly && (hdr.type == VIRTIO_BLK_T_OUT ||
			 hdr.type == VIRTIO_BLK_T_DISCARD ||
			 hdr.type == VIRTIO_BLK_T_WRITE_ZEROES))
		fuzz_assert(status != VIRTIO_BLK_S_OK);
out:
	fuzz_assert(file_size(rw_fd) == IMG_SIZE && file_size(ro_fd) == IMG_SIZE);
	if (readonly) {
		fuzz_assert(pread(ro_fd, now, IMG_SIZE, 0) == IMG_SIZE);
		fuzz_assert(!memcmp(now, orig, IMG_SIZE));
	}
	free_segs();
	return 0;
}
