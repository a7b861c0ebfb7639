// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk request handling against real image files: parsing, range
 * checks, status codes, read-only enforcement, discard, locking and the
 * --disk option.  No KVM needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <linux/virtio_blk.h>

#include <linux/kernel.h>

#include "kvm/disk-image.h"
#include "kvm/virtio.h"
#include "kvm/virtio-blk.h"
#include "kvm/log.h"
#include "tap.h"

#define IMG_SIZE	(1024 * 1024)

static char dir[] = "/tmp/lkvm-blk-XXXXXX";
static char path_rw[256], path_ro[256];
static struct virtq_elem *elem;
static struct virtio_blk_outhdr hdr;
static u8 status;

static void make_image(const char *path)
{
	static u8 buf[IMG_SIZE];
	int fd, i;

	for (i = 0; i < IMG_SIZE; i++)
		buf[i] = (u8)(i * 7 + i / 512);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (fd < 0 || write(fd, buf, IMG_SIZE) != IMG_SIZE)
		skip_all("cannot create test image");
	fsync(fd);
	close(fd);
}

static u8 expected(u64 off)
{
	return (u8)(off * 7 + off / 512);
}

/* A request: header [+ data out] ; [data in] + status. */
static void build(u32 type, u64 sector, void *out, size_t out_len, void *in,
		  size_t in_len)
{
	int n = 0;

	hdr.type = type;
	hdr.ioprio = 0;
	hdr.sector = sector;
	status = 0xee;
	elem->iov[n].iov_base = &hdr;
	elem->iov[n++].iov_len = sizeof(hdr);
	if (out_len) {
		elem->iov[n].iov_base = out;
		elem->iov[n++].iov_len = out_len;
	}
	elem->out_num = n;
	elem->out_len = sizeof(hdr) + out_len;
	if (in_len) {
		elem->iov[n].iov_base = in;
		elem->iov[n++].iov_len = in_len;
	}
	elem->iov[n].iov_base = &status;
	elem->iov[n++].iov_len = 1;
	elem->in_num = n - elem->out_num;
	elem->in_len = in_len + 1;
}

static u32 run(struct disk_image *disk)
{
	return virtio_blk__request(disk, "lkvm-test-serial", elem);
}

static bool file_matches(const char *path, u64 off, const u8 *buf, size_t len)
{
	u8 tmp[8192];
	int fd = open(path, O_RDONLY);
	bool r;

	if (fd < 0 || len > sizeof(tmp))
		return false;
	r = pread(fd, tmp, len, off) == (ssize_t)len && !memcmp(tmp, buf, len);
	close(fd);
	return r;
}

static u64 file_blocks(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : st.st_blocks;
}

static void test_rw(struct disk_image *disk)
{
	u8 buf[4096], wbuf[1024];
	bool good = true;
	u32 len;
	int i;

	build(VIRTIO_BLK_T_IN, 2, NULL, 0, buf, 1024);
	len = run(disk);
	is_int(status, VIRTIO_BLK_S_OK, "read: status OK");
	is_int(len, 1025, "read: used length is data + status");
	for (i = 0; i < 1024; i++)
		good &= buf[i] == expected(1024 + i);
	ok(good, "read: data is the image's");

	for (i = 0; i < 1024; i++)
		wbuf[i] = 0x5a ^ i;
	build(VIRTIO_BLK_T_OUT, 8, wbuf, 1024, NULL, 0);
	len = run(disk);
	is_int(status, VIRTIO_BLK_S_OK, "write: status OK");
	is_int(len, 1, "write: used length is the status byte");
	ok(file_matches(path_rw, 8 * 512, wbuf, 1024), "write: the image has the data");

	build(VIRTIO_BLK_T_IN, IMG_SIZE / 512, NULL, 0, buf, 512);
	run(disk);
	is_int(status, VIRTIO_BLK_S_IOERR, "read at the capacity fails");
	build(VIRTIO_BLK_T_IN, IMG_SIZE / 512 - 1, NULL, 0, buf, 1024);
	run(disk);
	is_int(status, VIRTIO_BLK_S_IOERR, "read across the end fails");
	build(VIRTIO_BLK_T_OUT, 1ULL << 62, wbuf, 1024, NULL, 0);
	run(disk);
	is_int(status, VIRTIO_BLK_S_IOERR, "write at a huge sector (overflow) fails");
	build(VIRTIO_BLK_T_OUT, ~0ULL, wbuf, 512, NULL, 0);
	run(disk);
	is_int(status, VIRTIO_BLK_S_IOERR, "write at sector ~0 fails");
	build(VIRTIO_BLK_T_IN, 0, NULL, 0, buf, 100);
	run(disk);
	is_int(status, VIRTIO_BLK_S_IOERR, "read of a partial sector fails");

	/* The request reads into two segments. */
	build(VIRTIO_BLK_T_IN, 0, NULL, 0, buf, 512);
	elem->iov[2] = elem->iov[1];
	elem->iov[1].iov_base = buf + 1024;
	elem->iov[1].iov_len = 512;
	elem->iov[2].iov_base = buf;
	elem->iov[2].iov_len = 512;
	elem->iov[3].iov_base = &status;
	elem->iov[3].iov_len = 1;
	elem->in_num = 3;
	elem->in_len = 1025;
	run(disk);
	ok(status == VIRTIO_BLK_S_OK && buf[1024] == expected(0) &&
	   buf[0] == expected(512), "scattered read fills segments in order");
}

static void test_other_types(struct disk_image *disk)
{
	char id[32];
	u8 small[8];
	u32 len;

	build(VIRTIO_BLK_T_FLUSH, 0, NULL, 0, NULL, 0);
	run(disk);
	is_int(status, VIRTIO_BLK_S_OK, "flush");

	memset(id, 0, sizeof(id));
	build(VIRTIO_BLK_T_GET_ID, 0, NULL, 0, id, VIRTIO_BLK_ID_BYTES);
	len = run(disk);
	ok(status == VIRTIO_BLK_S_OK && !strcmp(id, "lkvm-test-serial"),
	   "GET_ID returns the serial");
	is_int(len, VIRTIO_BLK_ID_BYTES + 1, "GET_ID length: padded id + status");

	build(99, 0, NULL, 0, NULL, 0);
	run(disk);
	is_int(status, VIRTIO_BLK_S_UNSUPP, "unknown type: UNSUPP");

	build(VIRTIO_BLK_T_IN, 0, NULL, 0, NULL, 0);
	elem->out_len = 8;
	elem->iov[0].iov_len = 8;
	run(disk);
	is_int(status, VIRTIO_BLK_S_IOERR, "short header: IOERR");

	build(VIRTIO_BLK_T_IN, 0, NULL, 0, small, sizeof(small));
	elem->in_num = 0;
	elem->in_len = 0;
	is_int(run(disk), 0, "no writable byte: nothing written");
}

static void discard_req(struct disk_image *disk, u32 type, u64 sector,
			u32 nr, u32 flags, int nsegs)
{
	static struct virtio_blk_discard_write_zeroes seg[2];

	seg[0].sector = sector;
	seg[0].num_sectors = nr;
	seg[0].flags = flags;
	seg[1] = seg[0];
	build(type, 0, seg, nsegs * sizeof(seg[0]), NULL, 0);
	run(disk);
}

static void test_discard(struct disk_image *disk)
{
	u8 zeros[4096] = { 0 };
	u64 before = file_blocks(path_rw);

	discard_req(disk, VIRTIO_BLK_T_DISCARD, 256, 128, 0, 1);
	is_int(status, VIRTIO_BLK_S_OK, "discard");
	ok(file_matches(path_rw, 256 * 512, zeros, 4096), "discarded range reads zeros");
	ok(file_blocks(path_rw) < before, "discard punched a hole");

	discard_req(disk, VIRTIO_BLK_T_WRITE_ZEROES, 512, 8, 0, 1);
	ok(status == VIRTIO_BLK_S_OK &&
	   file_matches(path_rw, 512 * 512, zeros, 4096), "write zeroes");
	discard_req(disk, VIRTIO_BLK_T_WRITE_ZEROES, 600, 8,
		    VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP, 1);
	ok(status == VIRTIO_BLK_S_OK &&
	   file_matches(path_rw, 600 * 512, zeros, 4096), "write zeroes with unmap");

	discard_req(disk, VIRTIO_BLK_T_DISCARD, 0, 8, 0, 2);
	is_int(status, VIRTIO_BLK_S_UNSUPP, "two discard segments: UNSUPP");
	discard_req(disk, VIRTIO_BLK_T_DISCARD, 0, 8, 1, 1);
	is_int(status, VIRTIO_BLK_S_UNSUPP, "discard with the unmap flag: UNSUPP");
	discard_req(disk, VIRTIO_BLK_T_DISCARD, IMG_SIZE / 512 - 4, 8, 0, 1);
	is_int(status, VIRTIO_BLK_S_IOERR, "discard past the end: IOERR");
	discard_req(disk, VIRTIO_BLK_T_DISCARD, ~0ULL - 2, 8, 0, 1);
	is_int(status, VIRTIO_BLK_S_IOERR, "discard at a wrapping sector: IOERR");
}

static void test_readonly(void)
{
	struct disk_image *ro = disk_image__open(path_ro, true, false);
	u8 wbuf[512], orig[512];
	int i;

	if (!ok(ro != NULL, "open read-only")) {
		diag("cannot continue read-only tests");
		return;
	}
	for (i = 0; i < 512; i++) {
		wbuf[i] = 0xff;
		orig[i] = expected(4096 + i);
	}
	build(VIRTIO_BLK_T_OUT, 8, wbuf, 512, NULL, 0);
	run(ro);
	is_int(status, VIRTIO_BLK_S_IOERR, "write to a read-only disk: IOERR");
	ok(file_matches(path_ro, 4096, orig, 512), "and the image is unchanged");
	discard_req(ro, VIRTIO_BLK_T_DISCARD, 8, 1, 0, 1);
	is_int(status, VIRTIO_BLK_S_IOERR, "discard on a read-only disk: IOERR");
	ok(file_matches(path_ro, 4096, orig, 512), "still unchanged");
	ok(disk_image__open(path_ro, true, false) != NULL,
	   "read-only images can be shared");
	ok(disk_image__open(path_ro, false, false) == NULL,
	   "but not opened for writing meanwhile");
	disk_image__close(ro);
}

static void test_open_and_options(void)
{
	char missing[300];

	snprintf(missing, sizeof(missing), "%s/missing.img", dir);
	ok(disk_image__open(missing, false, false) == NULL, "missing image refused");
	ok(disk_image__open(path_rw, false, false) == NULL,
	   "an image open for writing is locked");
	ok(disk_image__open(dir, true, false) == NULL, "a directory is refused");

	is_int(virtio_blk__add_disk("a.img"), 0, "--disk a.img");
	is_int(virtio_blk__add_disk("b.img,ro,direct"), 0,
	       "--disk b.img,ro,direct");
	ok(virtio_blk__nr_disks() == 2 &&
	   !strcmp(virtio_blk__disk(0)->filename, "a.img") &&
	   !virtio_blk__disk(0)->readonly &&
	   !strcmp(virtio_blk__disk(1)->filename, "b.img") &&
	   virtio_blk__disk(1)->readonly && virtio_blk__disk(1)->direct,
	   "options parsed");
	is_int(virtio_blk__add_disk("c.img,rw"), -1, "unknown option refused");
	is_int(virtio_blk__add_disk(",ro"), -1, "missing path refused");
}

int main(void)
{
	struct disk_image *disk;

	if (!mkdtemp(dir))
		skip_all("no temporary directory");
	snprintf(path_rw, sizeof(path_rw), "%s/rw.img", dir);
	snprintf(path_ro, sizeof(path_ro), "%s/ro.img", dir);
	make_image(path_rw);
	make_image(path_ro);
	loglevel = LOGLEVEL_ERROR;
	elem = virtq_elem__alloc();

	plan(44);
	disk = disk_image__open(path_rw, false, false);
	if (!ok(disk != NULL, "open the image"))
		return exit_status();
	is_u64(disk->size, IMG_SIZE, "image size");
	test_rw(disk);
	test_other_types(disk);
	test_discard(disk);
	test_readonly();
	test_open_and_options();
	disk_image__close(disk);

	unlink(path_rw);
	unlink(path_ro);
	rmdir(dir);
	return exit_status();
}
