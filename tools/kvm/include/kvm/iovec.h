/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__IOVEC_H
#define KVM__IOVEC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/uio.h>

/*
 * Walking the iovecs of a request: virtio buffers arrive as arrays of
 * guest memory pieces of any length, zero included.  One cursor serves
 * every device that reads, writes or re-slices them.
 */

/* A position in an iovec array, bounded by @left more bytes. */
struct iov_cursor {
	const struct iovec *iov;
	unsigned int nr;
	unsigned int idx;
	size_t off;
	size_t left;
};

/* At the start of @iov, with at most @limit bytes to go. */
void iov_cursor__init(struct iov_cursor *c, const struct iovec *iov,
		      unsigned int nr, size_t limit);
/*
 * Moves up to @len bytes between the cursor and @buf (into the iovecs
 * when @to_iov), or skips them when @buf is NULL; returns how many.
 */
size_t iov_cursor__copy(struct iov_cursor *c, void *buf, size_t len,
			bool to_iov);
/*
 * Describes the next @len bytes (at most) as up to @max iovecs in @dst
 * and moves past them.  Returns the number of iovecs; *@got the bytes.
 */
int iov_cursor__slice(struct iov_cursor *c, struct iovec *dst, int max,
		      size_t len, size_t *got);

/* Copies out of or into [@skip, @skip + @len); return the bytes copied. */
size_t iov_to_buf(const struct iovec *iov, unsigned int nr, size_t skip,
		  void *buf, size_t len);
size_t iov_from_buf(const struct iovec *iov, unsigned int nr, size_t skip,
		    const void *buf, size_t len);

#endif /* KVM__IOVEC_H */
