/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the layers of the 9P2000.L server share: the wire format
 * (wire.c), the fid table and the path security (fid.c), the security
 * models (attr.c), the message handlers (ops.c) and the entry points
 * (server.c).  Only virtio/9p/
 * includes it; include/kvm/9p.h is the server's interface.
 */
#ifndef KVM__9P_INTERNAL_H
#define KVM__9P_INTERNAL_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <linux/list.h>
#include <lockdep/mutex.h>
#include <linux/types.h>

#include "kvm/iovec.h"

#define FID_HASH_SIZE		256
/* Largest xattr value (Linux's XATTR_SIZE_MAX). */
#define P9_XATTR_MAX		(64 * 1024)
/* Most iovecs one read or write is split into. */
#define P9_MAX_IOV		256
/* Rlerror: size[4] type[1] tag[2] ecode[4] */
#define P9_RLERROR_SIZE		11

struct p9_qid {
	u8 type;
	u32 version;
	u64 path;
};

struct p9_fid {
	struct hlist_node node;
	u32 id;
	int refs;		/* the table's and each user's; srv->lock */
	u32 uid;		/* from Tattach, inherited by walks */
	int fd;			/* O_PATH; -1 for an xattr read fid */

	struct mutex lock;	/* the fields below */
	int open_fd;		/* after Tlopen/Tlcreate, else -1 */
	bool xattr;		/* reads/writes go to xattr_buf */
	bool xattr_write;	/* Txattrcreate: set it at clunk */
	char *xattr_name;
	char *xattr_buf;
	size_t xattr_size;
	size_t xattr_written;
	int xattr_flags;
};

struct p9_server {
	int root_fd;
	char *root_path;	/* canonical, without trailing '/' ("" for /) */
	size_t root_len;
	dev_t root_dev;
	bool readonly;
	enum p9_security security;
	const char *meta;	/* the xattr prefix of mapped attributes */
	mode_t umask;
	u32 msize;

	struct mutex lock;	/* the fid table */
	struct hlist_head fids[FID_HASH_SIZE];
};

struct p9_req {
	struct p9_server *srv;
	struct iov_cursor in;
	struct iov_cursor out;
	u8 type;
	u16 tag;
};

/* wire.c: iterators over the request's iovecs, and (un)marshalling. */
bool p9_iter_copy(struct iov_cursor *it, void *buf, size_t len, bool to_iov);
int p9_pull(struct p9_req *r, void *buf, size_t len);
int p9_pull_u8(struct p9_req *r, u8 *v);
int p9_pull_u16(struct p9_req *r, u16 *v);
int p9_pull_u32(struct p9_req *r, u32 *v);
int p9_pull_u64(struct p9_req *r, u64 *v);
int p9_pull_str(struct p9_req *r, char *buf, size_t size);
int p9_pull_name(struct p9_req *r, char *buf, size_t size);
int p9_push(struct p9_req *r, const void *buf, size_t len);
int p9_push_u8(struct p9_req *r, u8 v);
int p9_push_u32(struct p9_req *r, u32 v);
int p9_push_u64(struct p9_req *r, u64 v);
int p9_push_u16(struct p9_req *r, u16 v);
int p9_push_str(struct p9_req *r, const char *s);
int p9_push_qid(struct p9_req *r, const struct p9_qid *qid);

/*
 * fid.c: the security boundary.  Host objects are reached only through
 * these, one path component at a time, beneath the share's root.
 */
int p9_openat2(int dirfd, const char *path, int flags);
void p9_proc_fd_path(char *buf, size_t size, int fd);
int p9_reopen(int fd, int flags);
int p9_fstat(int fd, struct stat *st);
void p9_stat_to_qid(struct p9_server *srv, const struct stat *st,
		    struct p9_qid *qid);
int p9_fd_qid(struct p9_server *srv, int fd, struct p9_qid *qid);
int p9_fd_parent(struct p9_server *srv, int fd, int *dirfd, char *name,
		 size_t name_size);
int p9_walk_one(struct p9_server *srv, int dirfd, const char *name);
struct p9_fid *p9_fid_alloc(u32 id, int fd, u32 uid);
void p9_fid_free(struct p9_fid *fid);
struct p9_fid *p9_fid_get(struct p9_server *srv, u32 id);
void p9_fid_put(struct p9_server *srv, struct p9_fid *fid);
int p9_fid_insert(struct p9_server *srv, struct p9_fid *fid);
bool p9_fid_exists(struct p9_server *srv, u32 id);
struct p9_fid *p9_fid_remove(struct p9_server *srv, u32 id);
void p9_fid_remove_all(struct p9_server *srv);
int p9_get_path_fid(struct p9_req *r, u32 id, struct p9_fid **out);

/*
 * attr.c: the security models.  What the guest sees of a host object's
 * owner, group, mode and type, and what its changes do to the host.
 */
int p9_attr_init(struct p9_server *srv);
bool p9_attr_is_meta(const char *name);
mode_t p9_attr_mode(struct p9_server *srv, int fd, const struct stat *host);
int p9_attr_stat(struct p9_server *srv, int fd, struct stat *st);
mode_t p9_attr_create_mode(struct p9_server *srv, mode_t mode);
int p9_attr_new(struct p9_server *srv, struct p9_fid *dfid, int fd,
		mode_t mode, dev_t rdev, gid_t gid, struct stat *st);
int p9_attr_set(struct p9_server *srv, int fd, const struct stat *host,
		u32 valid, u32 mode, u32 uid, u32 gid);
int p9_attr_xattr_name(struct p9_server *srv, const char *name, bool write,
		       char *buf, size_t size);
size_t p9_attr_xattr_list(struct p9_server *srv, char *buf, size_t len);
int p9_attr_xattr_removed(const char *host_name, int err);

/* ops.c: runs one request; 0 with the reply body pushed, or -errno. */
int p9_dispatch(struct p9_req *r);

#endif /* KVM__9P_INTERNAL_H */
