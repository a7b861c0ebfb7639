/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__STRBUF_H
#define KVM__STRBUF_H

#include <stddef.h>
#include <sys/types.h>
#include <linux/compiler.h>

/*
 * A growable string.  buf is always NUL-terminated, also when empty: an
 * unallocated strbuf points at a shared empty string, which is never
 * written to (alloc == 0 means "nothing allocated yet").  Running out of
 * memory dies.
 *
 *	struct strbuf sb = STRBUF_INIT;
 *
 *	strbuf_addf(&sb, "%s=%d", name, value);
 *	use(sb.buf);
 *	strbuf_release(&sb);
 */
struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT	{ .alloc = 0, .len = 0, .buf = strbuf_slopbuf }

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
/* Hands over the buffer (always malloc'ed, to be freed); sb is reset. */
char *strbuf_detach(struct strbuf *sb, size_t *len);

/* Room for @extra more bytes plus the NUL. */
void strbuf_grow(struct strbuf *sb, size_t extra);

static inline size_t strbuf_avail(const struct strbuf *sb)
{
	return sb->alloc ? sb->alloc - sb->len - 1 : 0;
}

/* @len must fit in what is allocated (len <= sb->len, or after a grow). */
void strbuf_setlen(struct strbuf *sb, size_t len);
void strbuf_reset(struct strbuf *sb);

void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __printf(2, 3);

/*
 * Appends everything read from @fd up to end of file; @hint is the
 * expected size (0 if unknown).  Returns the bytes appended, or -1 with
 * errno set and sb as it was before.
 */
ssize_t strbuf_read_fd(struct strbuf *sb, int fd, size_t hint);

#endif /* KVM__STRBUF_H */
