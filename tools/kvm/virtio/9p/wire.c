// SPDX-License-Identifier: GPL-2.0
/*
 * The 9P2000.L wire format: a cursor over the request's and the reply's
 * iovecs, and little-endian integers, strings and qids pulled from one
 * and pushed to the other.  Every pull is bounded by the message.
 */
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <linux/openat2.h>

#include <linux/kernel.h>
#include <linux/list.h>
#include <lockdep/mutex.h>

#include "kvm/9p.h"
#include "internal.h"

/* All of @len bytes, or nothing when the message is shorter. */
bool p9_iter_copy(struct iov_cursor *it, void *buf, size_t len, bool to_iov)
{
	if (len > it->left)
		return false;
	iov_cursor__copy(it, buf, len, to_iov);
	return true;
}

/* Unmarshalling: each returns 0 or -EPROTO for a short message. */

int p9_pull(struct p9_req *r, void *buf, size_t len)
{
	return p9_iter_copy(&r->in, buf, len, false) ? 0 : -EPROTO;
}

int p9_pull_u8(struct p9_req *r, u8 *v)
{
	return p9_pull(r, v, 1);
}

int p9_pull_u16(struct p9_req *r, u16 *v)
{
	__le16 le;

	if (p9_pull(r, &le, sizeof(le)))
		return -EPROTO;
	*v = le16toh(le);
	return 0;
}

int p9_pull_u32(struct p9_req *r, u32 *v)
{
	__le32 le;

	if (p9_pull(r, &le, sizeof(le)))
		return -EPROTO;
	*v = le32toh(le);
	return 0;
}

int p9_pull_u64(struct p9_req *r, u64 *v)
{
	__le64 le;

	if (p9_pull(r, &le, sizeof(le)))
		return -EPROTO;
	*v = le64toh(le);
	return 0;
}

/*
 * A string into @buf (NUL-terminated).  Strings longer than @size - 1 get
 * ENAMETOOLONG, strings with a NUL inside EINVAL.
 */
int p9_pull_str(struct p9_req *r, char *buf, size_t size)
{
	u16 len;

	if (p9_pull_u16(r, &len))
		return -EPROTO;
	if (len >= size) {
		if (len > r->in.left)
			return -EPROTO;
		return -ENAMETOOLONG;
	}
	if (p9_pull(r, buf, len))
		return -EPROTO;
	buf[len] = '\0';
	if (strlen(buf) != len)
		return -EINVAL;
	return 0;
}

/* A single path component of a new or existing entry. */
int p9_pull_name(struct p9_req *r, char *buf, size_t size)
{
	int ret = p9_pull_str(r, buf, size);

	if (ret)
		return ret;
	if (!buf[0] || strchr(buf, '/') || !strcmp(buf, ".") ||
	    !strcmp(buf, ".."))
		return -EINVAL;
	return 0;
}

/* Marshalling: each returns 0 or -ENOBUFS when the reply does not fit. */

int p9_push(struct p9_req *r, const void *buf, size_t len)
{
	return p9_iter_copy(&r->out, (void *)buf, len, true) ? 0 : -ENOBUFS;
}

int p9_push_u8(struct p9_req *r, u8 v)
{
	return p9_push(r, &v, 1);
}

int p9_push_u32(struct p9_req *r, u32 v)
{
	__le32 le = htole32(v);

	return p9_push(r, &le, sizeof(le));
}

int p9_push_u64(struct p9_req *r, u64 v)
{
	__le64 le = htole64(v);

	return p9_push(r, &le, sizeof(le));
}

int p9_push_u16(struct p9_req *r, u16 v)
{
	__le16 le = htole16(v);

	return p9_push(r, &le, sizeof(le));
}

int p9_push_str(struct p9_req *r, const char *s)
{
	size_t len = strlen(s);

	if (len > 0xffff)
		return -ENAMETOOLONG;
	return p9_push_u16(r, len) ?: p9_push(r, s, len);
}

int p9_push_qid(struct p9_req *r, const struct p9_qid *qid)
{
	return p9_push_u8(r, qid->type) ?: p9_push_u32(r, qid->version) ?:
	       p9_push_u64(r, qid->path);
}
