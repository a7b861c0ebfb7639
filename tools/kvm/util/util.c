// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation that cannot fail and I/O that does not give up on signals
 * or short transfers.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kvm/log.h"
#include "kvm/util.h"

static void __noreturn out_of_memory(size_t size)
{
	die("out of memory (allocating %zu bytes)", size);
}

/* Zero-sized requests still return a unique pointer, never NULL. */
void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		out_of_memory(size);
	return p;
}

void *xzalloc(size_t size)
{
	return xcalloc(1, size);
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p;

	if (!nmemb || !size)
		nmemb = size = 1;
	p = calloc(nmemb, size);
	if (!p)
		die("out of memory (allocating %zu x %zu bytes)", nmemb, size);
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (!p)
		out_of_memory(size);
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		out_of_memory(strlen(s) + 1);
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("out of memory (formatting '%s')", fmt);
	return p;
}

/*
 * A non-blocking descriptor that is not ready is waited for rather than
 * spun on, so xread()/xwrite() behave as on a blocking one.
 */
static void wait_for(int fd, short events)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	poll(&pfd, 1, -1);
}

ssize_t xread(int fd, void *buf, size_t count)
{
	ssize_t n;

	for (;;) {
		n = read(fd, buf, count);
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		wait_for(fd, POLLIN);
	}
}

ssize_t xwrite(int fd, const void *buf, size_t count)
{
	ssize_t n;

	for (;;) {
		n = write(fd, buf, count);
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		wait_for(fd, POLLOUT);
	}
}

ssize_t read_in_full(int fd, void *buf, size_t count)
{
	char *p = buf;
	size_t done = 0;
	ssize_t n;

	while (done < count) {
		n = xread(fd, p + done, count - done);
		if (n < 0)
			return -1;
		if (!n)
			break;
		done += n;
	}
	return done;
}

ssize_t write_in_full(int fd, const void *buf, size_t count)
{
	const char *p = buf;
	size_t done = 0;
	ssize_t n;

	while (done < count) {
		n = xwrite(fd, p + done, count - done);
		if (n < 0)
			return -1;
		/* write() making no progress would loop forever. */
		if (!n) {
			errno = ENOSPC;
			return -1;
		}
		done += n;
	}
	return done;
}

ssize_t pread_in_full(int fd, void *buf, size_t count, off_t offset)
{
	char *p = buf;
	size_t done = 0;
	ssize_t n;

	while (done < count) {
		n = pread(fd, p + done, count - done, offset + done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (!n)
			break;
		done += n;
	}
	return done;
}

ssize_t pwrite_in_full(int fd, const void *buf, size_t count, off_t offset)
{
	const char *p = buf;
	size_t done = 0;
	ssize_t n;

	while (done < count) {
		n = pwrite(fd, p + done, count - done, offset + done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (!n) {
			errno = ENOSPC;
			return -1;
		}
		done += n;
	}
	return done;
}
