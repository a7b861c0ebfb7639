// SPDX-License-Identifier: GPL-2.0
/*
 * Growable NUL-terminated strings.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvm/strbuf.h"
#include "kvm/log.h"
#include "kvm/util.h"

/* What an unallocated strbuf points at; stays "" forever. */
char strbuf_slopbuf[1];

void strbuf_init(struct strbuf *sb, size_t hint)
{
	sb->alloc = 0;
	sb->len = 0;
	sb->buf = strbuf_slopbuf;
	if (hint)
		strbuf_grow(sb, hint);
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb, 0);
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *buf;

	if (!sb->alloc)
		strbuf_grow(sb, 0);
	buf = sb->buf;
	if (len)
		*len = sb->len;
	strbuf_init(sb, 0);
	return buf;
}

void strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t need, alloc;
	bool fresh = !sb->alloc;

	/* len + extra + 1 must not wrap around. */
	if (extra >= SIZE_MAX - sb->len)
		die("strbuf: cannot grow by %zu bytes", extra);
	need = sb->len + extra + 1;
	if (need <= sb->alloc)
		return;

	alloc = sb->alloc ? sb->alloc : 16;
	while (alloc < need)
		alloc = alloc < SIZE_MAX / 2 ? alloc * 2 : need;

	sb->buf = xrealloc(fresh ? NULL : sb->buf, alloc);
	sb->alloc = alloc;
	if (fresh)
		sb->buf[0] = '\0';
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (!sb->alloc) {
		if (len)
			die("strbuf: setlen %zu on an empty buffer", len);
		return;
	}
	if (len >= sb->alloc)
		die("strbuf: setlen %zu beyond %zu allocated", len, sb->alloc);
	sb->len = len;
	sb->buf[len] = '\0';
}

void strbuf_reset(struct strbuf *sb)
{
	strbuf_setlen(sb, 0);
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	strbuf_setlen(sb, sb->len + len);
}

void strbuf_addch(struct strbuf *sb, int c)
{
	strbuf_grow(sb, 1);
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* Try in what is free now; on truncation grow and format again. */
	strbuf_grow(sb, 64);
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->len, strbuf_avail(sb) + 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("strbuf: invalid format '%s'", fmt);
	if ((size_t)n > strbuf_avail(sb)) {
		strbuf_grow(sb, n);
		va_start(ap, fmt);
		n = vsnprintf(sb->buf + sb->len, strbuf_avail(sb) + 1, fmt, ap);
		va_end(ap);
		if (n < 0)
			die("strbuf: invalid format '%s'", fmt);
	}
	strbuf_setlen(sb, sb->len + n);
}

ssize_t strbuf_read_fd(struct strbuf *sb, int fd, size_t hint)
{
	size_t oldlen = sb->len;
	ssize_t n;

	strbuf_grow(sb, hint ? hint : 8192);
	for (;;) {
		n = xread(fd, sb->buf + sb->len, strbuf_avail(sb));
		if (n < 0) {
			strbuf_setlen(sb, oldlen);
			return -1;
		}
		if (!n)
			break;
		sb->len += n;
		/* Keep some room so the next read is worth the syscall. */
		if (strbuf_avail(sb) < 4096)
			strbuf_grow(sb, 8192);
	}
	sb->buf[sb->len] = '\0';
	return sb->len - oldlen;
}
