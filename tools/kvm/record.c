// SPDX-License-Identifier: GPL-2.0
/*
 * The recorder (include/kvm/record.h): what the guest sends, appended to
 * one file per stream, for seeding the fuzzers with real drivers' traffic.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <lockdep/mutex.h>

#include "kvm/log.h"
#include "kvm/record.h"

#define MAX_IOV		16

bool record__enabled;

static const char * const stream_names[RECORD_NR_STREAMS] = {
	[RECORD_9P] = "9p",
	[RECORD_BLK] = "blk",
	[RECORD_IO] = "io",
	[RECORD_CONTROL] = "control",
	[RECORD_GDB] = "gdb",
};

struct record_file {
	int fd;
	size_t bytes;
};

static struct record_file files[RECORD_NR_STREAMS];
static DEFINE_MUTEX(record_lock);
static bool warned;

int record__init(void)
{
	const char *dir = getenv("LKVM_RECORD");
	char path[PATH_MAX];
	int i;

	if (!dir || !*dir)
		return 0;
	for (i = 0; i < RECORD_NR_STREAMS; i++)
		files[i].fd = -1;
	for (i = 0; i < RECORD_NR_STREAMS; i++) {
		snprintf(path, sizeof(path), "%s/%s-%d.rec", dir,
			 stream_names[i], (int)getpid());
		files[i].fd = open(path, O_WRONLY | O_CREAT | O_APPEND |
				   O_CLOEXEC, 0644);
		if (files[i].fd < 0) {
			warning("LKVM_RECORD: cannot open %s: %s; not recording",
				path, strerror(errno));
			record__exit();
			return -1;
		}
	}
	record__enabled = true;
	pr_info("recording guest traffic in %s", dir);
	return 0;
}

void record__exit(void)
{
	int i;

	mutex_lock(&record_lock);
	record__enabled = false;
	for (i = 0; i < RECORD_NR_STREAMS; i++) {
		if (files[i].fd >= 0)
			close(files[i].fd);
		files[i].fd = -1;
	}
	mutex_unlock(&record_lock);
}

/* Under record_lock: all of @iov, or false. */
static bool write_all(int fd, struct iovec *iov, int nr)
{
	ssize_t n;

	while (nr) {
		n = writev(fd, iov, nr);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		while (nr && (size_t)n >= iov->iov_len) {
			n -= iov->iov_len;
			iov++;
			nr--;
		}
		if (nr) {
			iov->iov_base = (u8 *)iov->iov_base + n;
			iov->iov_len -= n;
		}
	}
	return true;
}

/* Under record_lock: one write failed, so none is tried again. */
static void give_up(enum record_stream s)
{
	int i;

	record__enabled = false;
	for (i = 0; i < RECORD_NR_STREAMS; i++) {
		if (files[i].fd >= 0)
			close(files[i].fd);
		files[i].fd = -1;
	}
	if (!warned)
		warning("LKVM_RECORD: cannot write the %s stream: %s; recording stops",
			stream_names[s], strerror(errno));
	warned = true;
}

/*
 * One record: @head, then the bytes of @iov up to @max of them.  The
 * guest may change its buffers meanwhile; a record is what we saw.
 */
void record__iov(enum record_stream s, const void *head, size_t head_len,
		 const struct iovec *iov, unsigned int nr, size_t max)
{
	struct iovec v[MAX_IOV + 2];
	size_t total = head_len;
	unsigned int i, n = 0;
	u32 len;
	int saved = errno;

	v[n++] = (struct iovec){ &len, sizeof(len) };
	if (head_len)
		v[n++] = (struct iovec){ (void *)head, head_len };
	for (i = 0; i < nr && n < ARRAY_SIZE(v) && max; i++) {
		size_t k = min(iov[i].iov_len, max);

		v[n++] = (struct iovec){ iov[i].iov_base, k };
		total += k;
		max -= k;
	}
	len = total;

	mutex_lock(&record_lock);
	if (!record__enabled || files[s].fd < 0 ||
	    files[s].bytes + total + sizeof(len) > RECORD_MAX_BYTES)
		goto out;
	if (!write_all(files[s].fd, v, n))
		give_up(s);
	else
		files[s].bytes += total + sizeof(len);
out:
	mutex_unlock(&record_lock);
	errno = saved;
}

void record__blk(const struct iovec *iov, unsigned int nr_out,
		 unsigned int nr_in)
{
	unsigned int i, n = 0, out = min_t(unsigned int, nr_out, MAX_IOV - 1);
	unsigned int in = min_t(unsigned int, nr_in, MAX_IOV - out);
	u32 head[1 + MAX_IOV];

	/* Too many segments: the first ones, and the last (the status). */
	head[n++] = out | in << 8;
	for (i = 0; i < out; i++)
		head[n++] = iov[i].iov_len;
	for (i = 0; i < in; i++)
		head[n++] = iov[nr_out + (i == in - 1 ? nr_in - 1 : i)].iov_len;
	record__iov(RECORD_BLK, head, n * sizeof(head[0]), iov, out,
		    RECORD_MAX_DATA);
}

void record__access(bool mmio, u64 addr, const u8 *data, u32 len,
		    bool is_write)
{
	u8 r[20] = { mmio, is_write, len };

	memcpy(r + 4, &addr, sizeof(addr));
	memcpy(r + 12, data, min_t(u32, len, 8));
	record__iov(RECORD_IO, r, sizeof(r), NULL, 0, 0);
}
