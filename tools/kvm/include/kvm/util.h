/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__UTIL_H
#define KVM__UTIL_H

#include <stddef.h>
#include <sys/types.h>
#include <linux/types.h>

/* The halves of a 64-bit value, for registers that show it in two. */
#define upper_32_bits(n)	((u32)(((n) >> 16) >> 16))
#define lower_32_bits(n)	((u32)((n) & 0xffffffff))

/* Allocation that cannot fail: on exhaustion lkvm dies with a message. */
void *xmalloc(size_t size);
void *xzalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * I/O that retries on EINTR (and EAGAIN for xread/xwrite) ...
 */
ssize_t xread(int fd, void *buf, size_t count);
ssize_t xwrite(int fd, const void *buf, size_t count);

/*
 * ... and, for the *_in_full variants, on short transfers.  They return
 * the bytes transferred (less than @count only at end of file) or -1.
 */
ssize_t read_in_full(int fd, void *buf, size_t count);
ssize_t write_in_full(int fd, const void *buf, size_t count);
ssize_t pread_in_full(int fd, void *buf, size_t count, off_t offset);
ssize_t pwrite_in_full(int fd, const void *buf, size_t count, off_t offset);

/*
 * "512", "512M", "1.5G" -> bytes; plain numbers are multiplied by @unit.
 * Suffixes K, M, G, T (powers of 1024, any case, optionally followed by
 * "B" or "iB"); "B" alone means bytes.  A fraction must give a whole
 * number of bytes.  Returns 0, or -1 for anything malformed or over
 * 2^64 - 1.
 */
int parse_size(const char *str, u64 unit, u64 *bytes);

#endif /* KVM__UTIL_H */
