// SPDX-License-Identifier: GPL-2.0
/*
 * A 9P2000.L file server: the protocol behind virtio-9p, independent of
 * the transport.  See include/kvm/9p.h for the rules it keeps, and fid.c
 * for its security model.  This file holds the entry points: a server's
 * life and one message in, one reply out.
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
#include "kvm/record.h"
#include "internal.h"

static size_t reply_error(struct p9_req *r, const struct iovec *out,
			  unsigned int nr_out, int err)
{
	r->type = P9_RLERROR - 1;
	iov_cursor__init(&r->out, out, nr_out, P9_RLERROR_SIZE);
	if (p9_push_u32(r, P9_RLERROR_SIZE) || p9_push_u8(r, P9_RLERROR) ||
	    p9_push_u16(r, r->tag) || p9_push_u32(r, err))
		return 0;
	return P9_RLERROR_SIZE;
}

size_t p9_server_handle(struct p9_server *srv,
			const struct iovec *in, unsigned int nr_in,
			const struct iovec *out, unsigned int nr_out)
{
	struct p9_req r = { .srv = srv, .tag = P9_NOTAG };
	size_t room, len;
	u32 size, msize = READ_ONCE(srv->msize);
	int ret;

	record_iov(RECORD_9P, in, nr_in);
	iov_cursor__init(&r.in, in, nr_in, SIZE_MAX);
	iov_cursor__init(&r.out, out, nr_out, msize);
	if (r.out.left < P9_RLERROR_SIZE)
		return 0;

	ret = p9_pull_u32(&r, &size) ?: p9_pull_u8(&r, &r.type) ?:
	      p9_pull_u16(&r, &r.tag);
	if (ret)
		return reply_error(&r, out, nr_out, EPROTO);
	if (size < P9_HDR_SIZE || size - P9_HDR_SIZE > r.in.left)
		return reply_error(&r, out, nr_out, EPROTO);
	if (size > msize)
		return reply_error(&r, out, nr_out, EMSGSIZE);
	r.in.left = size - P9_HDR_SIZE;

	/* Room for the header, filled in once the body is known. */
	room = r.out.left;
	p9_iter_copy(&r.out, NULL, P9_HDR_SIZE, true);
	ret = p9_dispatch(&r);
	if (ret < 0)
		return reply_error(&r, out, nr_out, -ret);

	len = room - r.out.left;
	iov_cursor__init(&r.out, out, nr_out, P9_HDR_SIZE);
	p9_push_u32(&r, len);
	p9_push_u8(&r, r.type + 1);
	p9_push_u16(&r, r.tag);
	return len;
}

u32 p9_server_msize(struct p9_server *srv)
{
	return READ_ONCE(srv->msize);
}

/* The transport went away (a device reset): so did the client's session. */
void p9_server_reset(struct p9_server *srv)
{
	p9_fid_remove_all(srv);
	WRITE_ONCE(srv->msize, P9_MAX_MSIZE);
}

struct p9_server *p9_server_new(const char *root, bool readonly,
				enum p9_security security)
{
	struct p9_server *srv;
	struct stat st;
	int fd, err;

	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return NULL;
	srv->root_path = realpath(root, NULL);
	if (!srv->root_path)
		goto fail;
	fd = open(srv->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		goto fail;
	srv->root_fd = fd;
	if (fstat(fd, &st))
		goto fail_close;
	/* openat2() is what keeps '..' beneath the root: require it. */
	fd = p9_openat2(srv->root_fd, ".", O_PATH | O_DIRECTORY);
	if (fd < 0) {
		errno = -fd;
		goto fail_close;
	}
	close(fd);
	if (!strcmp(srv->root_path, "/"))
		srv->root_path[0] = '\0';
	srv->root_len = strlen(srv->root_path);
	srv->root_dev = st.st_dev;
	srv->readonly = readonly;
	srv->security = security;
	err = p9_attr_init(srv);
	if (err) {
		errno = -err;
		goto fail_close;
	}
	srv->msize = P9_MAX_MSIZE;
	srv->umask = umask(0);
	umask(srv->umask);
	mutex_init(&srv->lock);
	return srv;

fail_close:
	err = errno;
	close(srv->root_fd);
	errno = err;
fail:
	err = errno;
	free(srv->root_path);
	free(srv);
	errno = err;
	return NULL;
}

void p9_server_free(struct p9_server *srv)
{
	struct hlist_node *tmp;
	struct p9_fid *fid;
	int i;

	if (!srv)
		return;
	for (i = 0; i < FID_HASH_SIZE; i++)
		hlist_for_each_entry_safe(fid, tmp, &srv->fids[i], node)
			p9_fid_free(fid);
	close(srv->root_fd);
	free(srv->root_path);
	mutex_destroy(&srv->lock);
	free(srv);
}
