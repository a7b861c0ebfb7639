// SPDX-License-Identifier: GPL-2.0
/*
 * The iovec cursor every device walks its buffers with: copies across
 * iovec edges, zero-length iovecs, limits, skips and short copies.
 */
#include <string.h>
#include <sys/uio.h>

#include "kvm/iovec.h"
#include "tap.h"

static char a[3], b[5], d[4];
/* "abc" + "" + "defgh" + "" + "ijkl": 12 bytes in five pieces. */
static struct iovec iov[] = {
	{ a, sizeof(a) }, { NULL, 0 }, { b, sizeof(b) }, { NULL, 0 },
	{ d, sizeof(d) },
};
#define NR_IOV	(sizeof(iov) / sizeof(iov[0]))

static void fill(void)
{
	memcpy(a, "abc", 3);
	memcpy(b, "defgh", 5);
	memcpy(d, "ijkl", 4);
}

static void test_copy(void)
{
	struct iov_cursor c;
	char buf[16] = { 0 };

	fill();
	iov_cursor__init(&c, iov, NR_IOV, 100);
	is_int(c.left, 12, "the cursor is bounded by what the iovecs hold");
	is_int(iov_cursor__copy(&c, buf, 2, false), 2, "copy 2");
	is_int(iov_cursor__copy(&c, buf + 2, 5, false), 5,
	       "copy 5 across an edge and an empty iovec");
	is_str(buf, "abcdefg", "the bytes, in order");
	is_int(iov_cursor__copy(&c, NULL, 2, false), 2, "skip 2");
	is_int(iov_cursor__copy(&c, buf, 10, false), 3, "a short copy at the end");
	ok(!memcmp(buf, "jkl", 3), "the last bytes");
	is_int(c.left, 0, "nothing left");
	is_int(iov_cursor__copy(&c, buf, 1, false), 0, "past the end: nothing");

	iov_cursor__init(&c, iov, NR_IOV, 4);
	is_int(iov_cursor__copy(&c, (void *)"WXYZ!", 5, true), 4,
	       "a limit caps a copy into the iovecs");
	ok(!memcmp(a, "WXY", 3) && b[0] == 'Z' && b[1] == 'e',
	   "and the write stops at it");
}

static void test_slice(void)
{
	struct iovec out[NR_IOV];
	struct iov_cursor c;
	size_t got;
	int n;

	fill();
	iov_cursor__init(&c, iov, NR_IOV, 100);
	iov_cursor__copy(&c, NULL, 1, false);
	n = iov_cursor__slice(&c, out, NR_IOV, 9, &got);
	ok(n == 3 && got == 9, "9 bytes from offset 1: three pieces (%d, %zu)",
	   n, got);
	ok(out[0].iov_base == a + 1 && out[0].iov_len == 2 &&
	   out[1].iov_base == b && out[1].iov_len == 5 &&
	   out[2].iov_base == d && out[2].iov_len == 2,
	   "no empty piece, the right bases and lengths");
	n = iov_cursor__slice(&c, out, 1, 100, &got);
	ok(n == 1 && got == 2, "at most @max pieces, and only what is left");
	n = iov_cursor__slice(&c, out, NR_IOV, 100, &got);
	ok(n == 0 && got == 0, "an empty slice at the end");
}

static void test_to_from_buf(void)
{
	char buf[16] = { 0 };

	fill();
	is_int(iov_to_buf(iov, NR_IOV, 4, buf, 6), 6, "iov_to_buf with a skip");
	is_str(buf, "efghij", "the bytes after the skip");
	is_int(iov_to_buf(iov, NR_IOV, 20, buf, 6), 0,
	       "a skip past the end copies nothing");
	is_int(iov_from_buf(iov, NR_IOV, 10, "XYZ", 3), 2,
	       "iov_from_buf stops at the end");
	ok(d[2] == 'X' && d[3] == 'Y', "and wrote the last bytes");
	is_int(iov_to_buf(iov, 0, 0, buf, 4), 0, "no iovecs, no bytes");
}

int main(void)
{
	plan(21);
	test_copy();
	test_slice();
	test_to_from_buf();
	return exit_status();
}
