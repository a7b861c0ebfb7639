// SPDX-License-Identifier: GPL-2.0
/*
 * The iovec cursor of include/kvm/iovec.h, and the copies to and from
 * iovec arrays built on it.
 */
#include <stdint.h>
#include <string.h>

#include <linux/kernel.h>

#include "kvm/iovec.h"

void iov_cursor__init(struct iov_cursor *c, const struct iovec *iov,
		      unsigned int nr, size_t limit)
{
	size_t total = 0;
	unsigned int i;

	for (i = 0; i < nr; i++)
		total += iov[i].iov_len;
	c->iov = iov;
	c->nr = nr;
	c->idx = 0;
	c->off = 0;
	c->left = min(total, limit);
}

/* Past @n bytes of the current iovec, and past the iovec at its end. */
static void iov_cursor_advance(struct iov_cursor *c, size_t n)
{
	c->left -= n;
	c->off += n;
	if (c->off == c->iov[c->idx].iov_len) {
		c->idx++;
		c->off = 0;
	}
}

size_t iov_cursor__copy(struct iov_cursor *c, void *buf, size_t len,
			bool to_iov)
{
	char *p = buf;
	size_t done = 0;

	len = min(len, c->left);
	while (done < len) {
		const struct iovec *v = &c->iov[c->idx];
		size_t n = min(len - done, v->iov_len - c->off);
		char *base = (char *)v->iov_base + c->off;

		if (p && to_iov)
			memcpy(base, p + done, n);
		else if (p)
			memcpy(p + done, base, n);
		done += n;
		iov_cursor_advance(c, n);
	}
	return done;
}

int iov_cursor__slice(struct iov_cursor *c, struct iovec *dst, int max,
		      size_t len, size_t *got)
{
	int n = 0;

	len = min(len, c->left);
	*got = 0;
	while (len && n < max && c->idx < c->nr) {
		const struct iovec *v = &c->iov[c->idx];
		size_t chunk = min(len, v->iov_len - c->off);

		if (chunk) {
			dst[n].iov_base = (char *)v->iov_base + c->off;
			dst[n].iov_len = chunk;
			n++;
		}
		*got += chunk;
		len -= chunk;
		iov_cursor_advance(c, chunk);
	}
	return n;
}

size_t iov_to_buf(const struct iovec *iov, unsigned int nr, size_t skip,
		  void *buf, size_t len)
{
	struct iov_cursor c;

	iov_cursor__init(&c, iov, nr, SIZE_MAX);
	if (iov_cursor__copy(&c, NULL, skip, false) < skip)
		return 0;
	return iov_cursor__copy(&c, buf, len, false);
}

size_t iov_from_buf(const struct iovec *iov, unsigned int nr, size_t skip,
		    const void *buf, size_t len)
{
	struct iov_cursor c;

	iov_cursor__init(&c, iov, nr, SIZE_MAX);
	if (iov_cursor__copy(&c, NULL, skip, false) < skip)
		return 0;
	return iov_cursor__copy(&c, (void *)buf, len, true);
}
