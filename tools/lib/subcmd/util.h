/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SUBCMD_UTIL_H
#define _SUBCMD_UTIL_H

#include <stddef.h>
#include <sys/types.h>

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

#endif /* _SUBCMD_UTIL_H */
