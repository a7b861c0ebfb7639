// SPDX-License-Identifier: GPL-2.0
/*
 * A 9P2000.L file server: the protocol behind virtio-9p, independent of
 * the transport.  See include/kvm/9p.h for the rules it keeps.
 *
 * Security model.  A fid holds an O_PATH descriptor of the object it names.
 * Walks go one component at a time with openat(O_NOFOLLOW) from the parent
 * descriptor, names may not contain '/', and ".." is computed from the
 * fid's current path below the root and reopened with RESOLVE_BENEATH.  The
 * server therefore never follows a symlink on the guest's behalf; a file is
 * opened by reopening its descriptor through /proc/self/fd, which lands on
 * exactly that object.  Device nodes are never opened.
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
#include <linux/mutex.h>

#include "kvm/9p.h"

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
	mode_t umask;
	u32 msize;

	struct mutex lock;	/* the fid table */
	struct hlist_head fids[FID_HASH_SIZE];
};

/* A cursor over an iovec array, bounded by @left bytes. */
struct p9_iter {
	const struct iovec *iov;
	unsigned int nr;
	unsigned int idx;
	size_t off;
	size_t left;
};

struct p9_req {
	struct p9_server *srv;
	struct p9_iter in;
	struct p9_iter out;
	u8 type;
	u16 tag;
};

/* Iterators */

static void iter_init(struct p9_iter *it, const struct iovec *iov,
		      unsigned int nr, size_t limit)
{
	size_t total = 0;
	unsigned int i;

	for (i = 0; i < nr; i++)
		total += iov[i].iov_len;
	it->iov = iov;
	it->nr = nr;
	it->idx = 0;
	it->off = 0;
	it->left = min(total, limit);
}

/* Moves @len bytes between the iterator and @buf (or just skips them). */
static bool iter_copy(struct p9_iter *it, void *buf, size_t len, bool to_iov)
{
	char *p = buf;

	if (len > it->left)
		return false;
	it->left -= len;
	while (len) {
		const struct iovec *v = &it->iov[it->idx];
		size_t n = min(len, v->iov_len - it->off);
		char *base = (char *)v->iov_base + it->off;

		if (p && to_iov)
			memcpy(base, p, n);
		else if (p)
			memcpy(p, base, n);
		if (p)
			p += n;
		len -= n;
		it->off += n;
		if (it->off == v->iov_len) {
			it->idx++;
			it->off = 0;
		}
	}
	return true;
}

/*
 * Describes the next @len bytes (at most) as iovecs in @dst and advances
 * past them.  Returns the number of iovecs; *@got tells the bytes.
 */
static int iter_slice(struct p9_iter *it, struct iovec *dst, int max,
		      size_t len, size_t *got)
{
	int n = 0;

	len = min(len, it->left);
	*got = 0;
	while (len && n < max && it->idx < it->nr) {
		const struct iovec *v = &it->iov[it->idx];
		size_t chunk = min(len, v->iov_len - it->off);

		if (chunk) {
			dst[n].iov_base = (char *)v->iov_base + it->off;
			dst[n].iov_len = chunk;
			n++;
		}
		*got += chunk;
		len -= chunk;
		it->left -= chunk;
		it->off += chunk;
		if (it->off == v->iov_len) {
			it->idx++;
			it->off = 0;
		}
	}
	return n;
}

/* Unmarshalling: each returns 0 or -EPROTO for a short message. */

static int pull(struct p9_req *r, void *buf, size_t len)
{
	return iter_copy(&r->in, buf, len, false) ? 0 : -EPROTO;
}

static int pull_u8(struct p9_req *r, u8 *v)
{
	return pull(r, v, 1);
}

static int pull_u16(struct p9_req *r, u16 *v)
{
	__le16 le;

	if (pull(r, &le, sizeof(le)))
		return -EPROTO;
	*v = le16toh(le);
	return 0;
}

static int pull_u32(struct p9_req *r, u32 *v)
{
	__le32 le;

	if (pull(r, &le, sizeof(le)))
		return -EPROTO;
	*v = le32toh(le);
	return 0;
}

static int pull_u64(struct p9_req *r, u64 *v)
{
	__le64 le;

	if (pull(r, &le, sizeof(le)))
		return -EPROTO;
	*v = le64toh(le);
	return 0;
}

/*
 * A string into @buf (NUL-terminated).  Strings longer than @size - 1 get
 * ENAMETOOLONG, strings with a NUL inside EINVAL.
 */
static int pull_str(struct p9_req *r, char *buf, size_t size)
{
	u16 len;

	if (pull_u16(r, &len))
		return -EPROTO;
	if (len >= size) {
		if (len > r->in.left)
			return -EPROTO;
		return -ENAMETOOLONG;
	}
	if (pull(r, buf, len))
		return -EPROTO;
	buf[len] = '\0';
	if (strlen(buf) != len)
		return -EINVAL;
	return 0;
}

/* A single path component of a new or existing entry. */
static int pull_name(struct p9_req *r, char *buf, size_t size)
{
	int ret = pull_str(r, buf, size);

	if (ret)
		return ret;
	if (!buf[0] || strchr(buf, '/') || !strcmp(buf, ".") ||
	    !strcmp(buf, ".."))
		return -EINVAL;
	return 0;
}

/* Marshalling: each returns 0 or -ENOBUFS when the reply does not fit. */

static int push(struct p9_req *r, const void *buf, size_t len)
{
	return iter_copy(&r->out, (void *)buf, len, true) ? 0 : -ENOBUFS;
}

static int push_u8(struct p9_req *r, u8 v)
{
	return push(r, &v, 1);
}

static int push_u32(struct p9_req *r, u32 v)
{
	__le32 le = htole32(v);

	return push(r, &le, sizeof(le));
}

static int push_u64(struct p9_req *r, u64 v)
{
	__le64 le = htole64(v);

	return push(r, &le, sizeof(le));
}

static int push_u16(struct p9_req *r, u16 v)
{
	__le16 le = htole16(v);

	return push(r, &le, sizeof(le));
}

static int push_str(struct p9_req *r, const char *s)
{
	size_t len = strlen(s);

	if (len > 0xffff)
		return -ENAMETOOLONG;
	return push_u16(r, len) ?: push(r, s, len);
}

static int push_qid(struct p9_req *r, const struct p9_qid *qid)
{
	return push_u8(r, qid->type) ?: push_u32(r, qid->version) ?:
	       push_u64(r, qid->path);
}

/* Host objects */

static int sys_openat2(int dirfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(__NR_openat2, dirfd, path, &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

static void proc_fd_path(char *buf, size_t size, int fd)
{
	snprintf(buf, size, "/proc/self/fd/%d", fd);
}

/* Opens the very object @fd (an O_PATH descriptor) refers to. */
static int reopen(int fd, int flags)
{
	char path[40];
	int ret;

	proc_fd_path(path, sizeof(path), fd);
	ret = open(path, flags | O_CLOEXEC);
	return ret < 0 ? -errno : ret;
}

static int fstat_fd(int fd, struct stat *st)
{
	if (fstatat(fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -errno;
	return 0;
}

static void stat_to_qid(struct p9_server *srv, const struct stat *st,
			struct p9_qid *qid)
{
	if (S_ISDIR(st->st_mode))
		qid->type = P9_QTDIR;
	else if (S_ISLNK(st->st_mode))
		qid->type = P9_QTSYMLINK;
	else
		qid->type = P9_QTFILE;
	qid->version = 0;
	qid->path = st->st_ino;
	/* Keep inode numbers of other file systems below the root apart. */
	if (st->st_dev != srv->root_dev)
		qid->path ^= ((u64)st->st_dev * 0x9e3779b97f4a7c15ULL) &
			     0xffff000000000000ULL;
}

static int fd_qid(struct p9_server *srv, int fd, struct p9_qid *qid)
{
	struct stat st;
	int ret = fstat_fd(fd, &st);

	if (!ret)
		stat_to_qid(srv, &st, qid);
	return ret;
}

/*
 * The path of @fd relative to the root ("" for the root itself), from
 * /proc: it follows renames.  Fails if the object is no longer below the
 * root.
 */
static int fd_relpath(struct p9_server *srv, int fd, char *buf, size_t size,
		      const char **rel)
{
	char link[40];
	ssize_t len;

	proc_fd_path(link, sizeof(link), fd);
	len = readlink(link, buf, size - 1);
	if (len < 0)
		return -errno;
	if ((size_t)len >= size - 1)
		return -ENAMETOOLONG;
	buf[len] = '\0';
	if (strncmp(buf, srv->root_path, srv->root_len))
		return -EXDEV;
	if (buf[srv->root_len] == '\0' && srv->root_len) {
		*rel = "";
		return 0;
	}
	if (buf[srv->root_len] != '/')
		return -EXDEV;
	*rel = buf + srv->root_len + 1;
	return 0;
}

/*
 * The directory holding @fd, opened O_PATH beneath the root, and the name
 * of @fd in it.  The root has no parent: -EBUSY.
 */
static int fd_parent(struct p9_server *srv, int fd, int *dirfd, char *name,
		     size_t name_size)
{
	char buf[PATH_MAX];
	const char *rel;
	char *slash;
	int ret;

	ret = fd_relpath(srv, fd, buf, sizeof(buf), &rel);
	if (ret)
		return ret;
	if (!*rel)
		return -EBUSY;
	slash = strrchr(rel, '/');
	if (strlen(slash ? slash + 1 : rel) >= name_size)
		return -ENAMETOOLONG;
	strcpy(name, slash ? slash + 1 : rel);
	if (slash)
		*slash = '\0';
	ret = sys_openat2(srv->root_fd, slash ? rel : ".",
			  O_PATH | O_DIRECTORY);
	if (ret < 0)
		return ret;
	*dirfd = ret;
	return 0;
}

/* One walk step from @dirfd; returns a new O_PATH descriptor. */
static int walk_one(struct p9_server *srv, int dirfd, const char *name)
{
	char buf[PATH_MAX];
	const char *rel;
	char *slash;
	int ret;

	if (strcmp(name, "..")) {
		ret = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		return ret < 0 ? -errno : ret;
	}

	/* ".." of the root is the root. */
	ret = fd_relpath(srv, dirfd, buf, sizeof(buf), &rel);
	if (ret)
		return ret;
	slash = strrchr(rel, '/');
	if (slash)
		*slash = '\0';
	return sys_openat2(srv->root_fd, slash ? rel : ".",
			   O_PATH | O_DIRECTORY);
}

/* The fid table */

static struct hlist_head *fid_bucket(struct p9_server *srv, u32 id)
{
	return &srv->fids[id % FID_HASH_SIZE];
}

static struct p9_fid *__fid_find(struct p9_server *srv, u32 id)
{
	struct p9_fid *fid;

	hlist_for_each_entry(fid, fid_bucket(srv, id), node)
		if (fid->id == id)
			return fid;
	return NULL;
}

static struct p9_fid *fid_alloc(u32 id, int fd, u32 uid)
{
	struct p9_fid *fid = calloc(1, sizeof(*fid));

	if (!fid)
		return NULL;
	fid->id = id;
	fid->fd = fd;
	fid->uid = uid;
	fid->open_fd = -1;
	fid->refs = 1;
	mutex_init(&fid->lock);
	return fid;
}

static void fid_free(struct p9_fid *fid)
{
	if (fid->open_fd >= 0)
		close(fid->open_fd);
	if (fid->fd >= 0)
		close(fid->fd);
	free(fid->xattr_name);
	free(fid->xattr_buf);
	mutex_destroy(&fid->lock);
	free(fid);
}

/* Looks a fid up and takes a reference: NULL if there is none. */
static struct p9_fid *fid_get(struct p9_server *srv, u32 id)
{
	struct p9_fid *fid;

	mutex_lock(&srv->lock);
	fid = __fid_find(srv, id);
	if (fid)
		fid->refs++;
	mutex_unlock(&srv->lock);
	return fid;
}

static void fid_put(struct p9_server *srv, struct p9_fid *fid)
{
	bool last;

	mutex_lock(&srv->lock);
	last = --fid->refs == 0;
	mutex_unlock(&srv->lock);
	if (last)
		fid_free(fid);
}

/*
 * Adds a new fid; the table owns the reference it was allocated with.
 * -EEXIST (and @fid freed) if the number is taken.
 */
static int fid_insert(struct p9_server *srv, struct p9_fid *fid)
{
	mutex_lock(&srv->lock);
	if (__fid_find(srv, fid->id)) {
		mutex_unlock(&srv->lock);
		fid_free(fid);
		return -EEXIST;
	}
	hlist_add_head(&fid->node, fid_bucket(srv, fid->id));
	mutex_unlock(&srv->lock);
	return 0;
}

static bool fid_exists(struct p9_server *srv, u32 id)
{
	bool ret;

	mutex_lock(&srv->lock);
	ret = __fid_find(srv, id) != NULL;
	mutex_unlock(&srv->lock);
	return ret;
}

/* Unhashes a fid; the caller gets the table's reference. */
static struct p9_fid *fid_remove(struct p9_server *srv, u32 id)
{
	struct p9_fid *fid;

	mutex_lock(&srv->lock);
	fid = __fid_find(srv, id);
	if (fid)
		hlist_del(&fid->node);
	mutex_unlock(&srv->lock);
	return fid;
}

static void fid_remove_all(struct p9_server *srv)
{
	struct hlist_node *tmp;
	struct p9_fid *fid;
	struct hlist_head gone = HLIST_HEAD_INIT;
	int i;

	mutex_lock(&srv->lock);
	for (i = 0; i < FID_HASH_SIZE; i++) {
		hlist_for_each_entry_safe(fid, tmp, &srv->fids[i], node) {
			hlist_del(&fid->node);
			hlist_add_head(&fid->node, &gone);
		}
	}
	mutex_unlock(&srv->lock);
	hlist_for_each_entry_safe(fid, tmp, &gone, node)
		fid_put(srv, fid);
}

/* Gets a fid that names a file (not an xattr): -EBADF otherwise. */
static int get_path_fid(struct p9_req *r, u32 id, struct p9_fid **out)
{
	struct p9_fid *fid = fid_get(r->srv, id);

	if (!fid)
		return -EBADF;
	if (fid->fd < 0 || fid->xattr) {
		fid_put(r->srv, fid);
		return -EBADF;
	}
	*out = fid;
	return 0;
}

/*
 * A new object @fd in a directory of @dfid was created with @mode: undo
 * our own umask and give it the guest user's ownership when we can.
 */
static void fixup_new(struct p9_server *srv, struct p9_fid *dfid, int fd,
		      mode_t mode, u32 gid, struct stat *st)
{
	char path[40];

	if (fstat_fd(fd, st))
		return;
	if ((mode & srv->umask) && !S_ISLNK(st->st_mode)) {
		proc_fd_path(path, sizeof(path), fd);
		if (chmod(path, mode & 07777) == 0)
			st->st_mode = (st->st_mode & S_IFMT) | (mode & 07777);
	}
	if (geteuid() == 0)
		fchownat(fd, "", dfid->uid, gid,
			 AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
}

/* The handlers: each returns 0 with the reply body pushed, or -errno. */

static int p9_version(struct p9_req *r)
{
	char version[32];
	u32 msize;
	int ret;

	ret = pull_u32(r, &msize);
	if (ret)
		return ret;
	ret = pull_str(r, version, sizeof(version));
	if (ret == -ENAMETOOLONG)
		version[0] = '\0';
	else if (ret)
		return ret;
	if (msize < P9_MIN_MSIZE)
		return -EINVAL;
	msize = min_t(u32, msize, P9_MAX_MSIZE);

	/* A new session: every fid of the old one is gone. */
	fid_remove_all(r->srv);
	if (strncmp(version, "9P2000.L", 8))
		return push_u32(r, msize) ?: push_str(r, "unknown");
	r->srv->msize = msize;
	return push_u32(r, msize) ?: push_str(r, "9P2000.L");
}

static int p9_attach(struct p9_req *r)
{
	char uname[256], aname[PATH_MAX];
	u32 id, afid, uid;
	struct p9_fid *fid;
	struct p9_qid qid;
	int fd, ret;

	ret = pull_u32(r, &id) ?: pull_u32(r, &afid) ?:
	      pull_str(r, uname, sizeof(uname)) ?:
	      pull_str(r, aname, sizeof(aname)) ?: pull_u32(r, &uid);
	if (ret)
		return ret;
	if (afid != P9_NOFID)
		return -EINVAL;
	if (uid == P9_NOFID)
		uid = 0;

	fd = sys_openat2(r->srv->root_fd, ".", O_PATH | O_DIRECTORY);
	if (fd < 0)
		return fd;
	ret = fd_qid(r->srv, fd, &qid);
	fid = ret ? NULL : fid_alloc(id, fd, uid);
	if (!fid) {
		close(fd);
		return ret ?: -ENOMEM;
	}
	ret = fid_insert(r->srv, fid);
	if (ret)
		return ret;
	return push_qid(r, &qid);
}

/* "." stays, anything else is one step down or up. */
static int walk_step(struct p9_server *srv, int cur, const char *name,
		     struct p9_qid *qid)
{
	int next, ret;

	if (!strcmp(name, ".")) {
		next = fcntl(cur, F_DUPFD_CLOEXEC, 0);
		if (next < 0)
			return -errno;
	} else {
		next = walk_one(srv, cur, name);
		if (next < 0)
			return next;
	}
	ret = fd_qid(srv, next, qid);
	if (ret) {
		close(next);
		return ret;
	}
	return next;
}

/*
 * Walks @names from @fid.  A walk that fails at the first name is an
 * error; one that fails later stops there with *@nwqid steps done.  A
 * complete walk returns the new descriptor in *@fd_out.
 */
static int walk_names(struct p9_req *r, struct p9_fid *fid, u16 nwname,
		      char (*names)[NAME_MAX + 1], struct p9_qid *qids,
		      int *nwqid, int *fd_out)
{
	int cur = fid->fd, next = 0, i;

	for (i = 0; i < nwname; i++) {
		next = walk_step(r->srv, cur, names[i], &qids[i]);
		if (next < 0)
			break;
		if (cur != fid->fd)
			close(cur);
		cur = next;
	}
	*nwqid = i;
	if (i < nwname) {
		if (cur != fid->fd)
			close(cur);
		return i ? 0 : next;
	}
	if (cur == fid->fd) {
		cur = fcntl(cur, F_DUPFD_CLOEXEC, 0);
		if (cur < 0)
			return -errno;
	}
	*fd_out = cur;
	return 0;
}

static int p9_walk(struct p9_req *r)
{
	char (*names)[NAME_MAX + 1] = NULL;
	struct p9_qid qids[P9_MAXWELEM];
	struct p9_fid *fid = NULL, *nfid;
	int nwqid = 0, fd = -1, i, ret;
	u32 id, newid;
	u16 nwname;

	ret = pull_u32(r, &id) ?: pull_u32(r, &newid) ?: pull_u16(r, &nwname);
	if (ret)
		return ret;
	if (nwname > P9_MAXWELEM)
		return -EINVAL;
	names = malloc(sizeof(*names) * (nwname ?: 1));
	if (!names)
		return -ENOMEM;
	for (i = 0; i < nwname; i++) {
		ret = pull_str(r, names[i], sizeof(names[i]));
		if (ret)
			goto out;
		if (!names[i][0] || strchr(names[i], '/')) {
			ret = -EINVAL;
			goto out;
		}
	}
	ret = get_path_fid(r, id, &fid);
	if (ret)
		goto out;
	if (newid != id && fid_exists(r->srv, newid)) {
		ret = -EEXIST;
		goto out;
	}
	ret = walk_names(r, fid, nwname, names, qids, &nwqid, &fd);
	if (ret)
		goto out;

	if (nwqid == nwname && newid == id) {
		mutex_lock(&fid->lock);
		if (fid->open_fd >= 0) {
			mutex_unlock(&fid->lock);
			close(fd);
			ret = -EBUSY;
			goto out;
		}
		close(fid->fd);
		fid->fd = fd;
		mutex_unlock(&fid->lock);
	} else if (nwqid == nwname) {
		nfid = fid_alloc(newid, fd, fid->uid);
		if (!nfid) {
			close(fd);
			ret = -ENOMEM;
			goto out;
		}
		ret = fid_insert(r->srv, nfid);
		if (ret)
			goto out;
	}

	ret = push_u16(r, nwqid);
	for (i = 0; i < nwqid && !ret; i++)
		ret = push_qid(r, &qids[i]);
out:
	if (fid)
		fid_put(r->srv, fid);
	free(names);
	return ret;
}

/* Linux's new_encode_dev(), which the v9fs client decodes. */
static u64 encode_rdev(dev_t dev)
{
	u64 ma = major(dev), mi = minor(dev);

	return (mi & 0xff) | (ma << 8) | ((mi & ~0xffULL) << 12);
}

static int p9_getattr(struct p9_req *r)
{
	struct p9_fid *fid;
	struct p9_qid qid;
	struct stat st;
	u64 mask;
	u32 id;
	int ret;

	ret = pull_u32(r, &id) ?: pull_u64(r, &mask);
	if (ret)
		return ret;
	ret = get_path_fid(r, id, &fid);
	if (ret)
		return ret;
	ret = fstat_fd(fid->fd, &st);
	fid_put(r->srv, fid);
	if (ret)
		return ret;
	stat_to_qid(r->srv, &st, &qid);

	return push_u64(r, P9_STATS_BASIC) ?: push_qid(r, &qid) ?:
	       push_u32(r, st.st_mode) ?: push_u32(r, st.st_uid) ?:
	       push_u32(r, st.st_gid) ?: push_u64(r, st.st_nlink) ?:
	       push_u64(r, encode_rdev(st.st_rdev)) ?:
	       push_u64(r, st.st_size) ?: push_u64(r, st.st_blksize) ?:
	       push_u64(r, st.st_blocks) ?:
	       push_u64(r, st.st_atim.tv_sec) ?: push_u64(r, st.st_atim.tv_nsec) ?:
	       push_u64(r, st.st_mtim.tv_sec) ?: push_u64(r, st.st_mtim.tv_nsec) ?:
	       push_u64(r, st.st_ctim.tv_sec) ?: push_u64(r, st.st_ctim.tv_nsec) ?:
	       push_u64(r, 0) ?: push_u64(r, 0) ?:	/* btime */
	       push_u64(r, 0) ?: push_u64(r, 0);	/* gen, data_version */
}

static struct timespec attr_time(u32 valid, u32 bit, u32 set_bit, u64 sec,
				 u64 nsec)
{
	struct timespec ts = { .tv_nsec = UTIME_OMIT };

	if (!(valid & bit))
		return ts;
	if (!(valid & set_bit)) {
		ts.tv_nsec = UTIME_NOW;
		return ts;
	}
	ts.tv_sec = sec;
	ts.tv_nsec = nsec;
	return ts;
}

static int setattr_fid(struct p9_fid *fid, u32 valid, u32 mode, u32 uid,
		       u32 gid, u64 size, struct timespec *ts)
{
	char path[40];
	struct stat st;
	int ret;

	ret = fstat_fd(fid->fd, &st);
	if (ret)
		return ret;
	proc_fd_path(path, sizeof(path), fid->fd);

	/* Symlinks have no mode of their own. */
	if ((valid & P9_ATTR_MODE) && !S_ISLNK(st.st_mode) &&
	    chmod(path, mode & 07777))
		return -errno;
	if (valid & (P9_ATTR_ATIME | P9_ATTR_MTIME)) {
		if (S_ISLNK(st.st_mode))
			ret = utimensat(fid->fd, "", ts,
					AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
		else
			ret = utimensat(AT_FDCWD, path, ts, 0);
		if (ret)
			return -errno;
	}
	if ((valid & (P9_ATTR_UID | P9_ATTR_GID)) &&
	    fchownat(fid->fd, "", (valid & P9_ATTR_UID) ? uid : (uid_t)-1,
		     (valid & P9_ATTR_GID) ? gid : (gid_t)-1,
		     AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (valid & P9_ATTR_SIZE) {
		if (size > INT64_MAX)
			return -EFBIG;
		if (!S_ISREG(st.st_mode))
			return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		if (truncate(path, size))
			return -errno;
	}
	return 0;
}

static int p9_setattr(struct p9_req *r)
{
	u64 size, asec, ansec, msec, mnsec;
	u32 id, valid, mode, uid, gid;
	struct timespec ts[2];
	struct p9_fid *fid;
	int ret;

	ret = pull_u32(r, &id) ?: pull_u32(r, &valid) ?: pull_u32(r, &mode) ?:
	      pull_u32(r, &uid) ?: pull_u32(r, &gid) ?: pull_u64(r, &size) ?:
	      pull_u64(r, &asec) ?: pull_u64(r, &ansec) ?:
	      pull_u64(r, &msec) ?: pull_u64(r, &mnsec);
	if (ret)
		return ret;
	if ((valid & P9_ATTR_ATIME_SET && ansec >= 1000000000) ||
	    (valid & P9_ATTR_MTIME_SET && mnsec >= 1000000000))
		return -EINVAL;
	ret = get_path_fid(r, id, &fid);
	if (ret)
		return ret;
	if (r->srv->readonly && (valid & ~P9_ATTR_CTIME)) {
		fid_put(r->srv, fid);
		return -EROFS;
	}
	ts[0] = attr_time(valid, P9_ATTR_ATIME, P9_ATTR_ATIME_SET, asec, ansec);
	ts[1] = attr_time(valid, P9_ATTR_MTIME, P9_ATTR_MTIME_SET, msec, mnsec);
	ret = setattr_fid(fid, valid, mode, uid, gid, size, ts);
	fid_put(r->srv, fid);
	return ret;
}

static int dotl_to_open_flags(u32 dotl)
{
	int flags = dotl & P9_DOTL_ACCMODE;

	if (dotl & P9_DOTL_TRUNC)
		flags |= O_TRUNC;
	if (dotl & P9_DOTL_APPEND)
		flags |= O_APPEND;
	if (dotl & P9_DOTL_NONBLOCK)
		flags |= O_NONBLOCK;
	if (dotl & P9_DOTL_DSYNC)
		flags |= O_DSYNC;
	if (dotl & P9_DOTL_SYNC)
		flags |= O_SYNC;
	if (dotl & P9_DOTL_DIRECTORY)
		flags |= O_DIRECTORY;
	return flags;
}

static bool dotl_writes(u32 dotl)
{
	return (dotl & P9_DOTL_ACCMODE) != 0 || (dotl & P9_DOTL_TRUNC);
}

static int open_fid(struct p9_req *r, struct p9_fid *fid, u32 dotl,
		    struct p9_qid *qid)
{
	int flags = dotl_to_open_flags(dotl);
	struct stat st;
	int fd, ret;

	if (fid->open_fd >= 0 || fid->xattr)
		return -EBADF;
	ret = fstat_fd(fid->fd, &st);
	if (ret)
		return ret;
	if (S_ISLNK(st.st_mode))
		return -ELOOP;
	/* Devices are the guest's own business: never open host ones. */
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISSOCK(st.st_mode))
		return -ENXIO;
	if (S_ISFIFO(st.st_mode))
		flags |= O_NONBLOCK;
	if (S_ISDIR(st.st_mode)) {
		if ((flags & O_ACCMODE) != O_RDONLY)
			return -EISDIR;
		flags = O_RDONLY | O_DIRECTORY;
	}
	fd = reopen(fid->fd, flags);
	if (fd < 0)
		return fd;
	fid->open_fd = fd;
	stat_to_qid(r->srv, &st, qid);
	return 0;
}

static int p9_lopen(struct p9_req *r)
{
	struct p9_fid *fid;
	struct p9_qid qid;
	u32 id, dotl;
	int ret;

	ret = pull_u32(r, &id) ?: pull_u32(r, &dotl);
	if (ret)
		return ret;
	if ((dotl & P9_DOTL_ACCMODE) == P9_DOTL_ACCMODE)
		return -EINVAL;
	if (r->srv->readonly && dotl_writes(dotl))
		return -EROFS;
	ret = get_path_fid(r, id, &fid);
	if (ret)
		return ret;
	mutex_lock(&fid->lock);
	ret = open_fid(r, fid, dotl, &qid);
	mutex_unlock(&fid->lock);
	fid_put(r->srv, fid);
	if (ret)
		return ret;
	return push_qid(r, &qid) ?: push_u32(r, 0);
}

static int create_in(struct p9_req *r, struct p9_fid *fid, const char *name,
		     u32 dotl, u32 mode, u32 gid, struct p9_qid *qid)
{
	int flags = dotl_to_open_flags(dotl) & ~O_DIRECTORY;
	struct stat st;
	int fd, pfd;

	if (fid->open_fd >= 0 || fid->xattr)
		return -EBADF;
	if (dotl & P9_DOTL_EXCL)
		flags |= O_EXCL;
	fd = openat(fid->fd, name, flags | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
		    mode & 07777);
	if (fd < 0)
		return -errno;
	pfd = reopen(fd, O_PATH);
	if (pfd < 0) {
		close(fd);
		return pfd;
	}
	fixup_new(r->srv, fid, pfd, mode, gid, &st);
	stat_to_qid(r->srv, &st, qid);
	/* The fid now stands for the new, open file. */
	close(fid->fd);
	fid->fd = pfd;
	fid->open_fd = fd;
	return 0;
}

static int p9_lcreate(struct p9_req *r)
{
	u32 id, dotl, mode, gid;
	char name[NAME_MAX + 1];
	struct p9_fid *fid;
	struct p9_qid qid;
	int ret;

	ret = pull_u32(r, &id) ?: pull_name(r, name, sizeof(name)) ?:
	      pull_u32(r, &dotl) ?: pull_u32(r, &mode) ?: pull_u32(r, &gid);
	if (ret)
		return ret;
	if ((dotl & P9_DOTL_ACCMODE) == P9_DOTL_ACCMODE)
		return -EINVAL;
	if (r->srv->readonly)
		return -EROFS;
	ret = get_path_fid(r, id, &fid);
	if (ret)
		return ret;
	mutex_lock(&fid->lock);
	ret = create_in(r, fid, name, dotl, mode, gid, &qid);
	mutex_unlock(&fid->lock);
	fid_put(r->srv, fid);
	if (ret)
		return ret;
	return push_qid(r, &qid) ?: push_u32(r, 0);
}

/* After mkdir/mknod/symlink: the qid of @name in @dfid, fixed up. */
static int new_entry_qid(struct p9_req *r, struct p9_fid *dfid,
			 const char *name, mode_t mode, u32 gid,
			 struct p9_qid *qid)
{
	struct stat st;
	int fd;

	fd = openat(dfid->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	fixup_new(r->srv, dfid, fd, mode, gid, &st);
	close(fd);
	stat_to_qid(r->srv, &st, qid);
	return 0;
}

static int p9_mkdir(struct p9_req *r)
{
	char name[NAME_MAX + 1];
	struct p9_fid *dfid;
	struct p9_qid qid;
	u32 id, mode, gid;
	int ret;

	ret = pull_u32(r, &id) ?: pull_name(r, name, sizeof(name)) ?:
	      pull_u32(r, &mode) ?: pull_u32(r, &gid);
	if (ret)
		return ret;
	if (r->srv->readonly)
		return -EROFS;
	ret = get_path_fid(r, id, &dfid);
	if (ret)
		return ret;
	if (mkdirat(dfid->fd, name, mode & 07777))
		ret = -errno;
	else
		ret = new_entry_qid(r, dfid, name, mode & 07777, gid, &qid);
	fid_put(r->srv, dfid);
	return ret ?: push_qid(r, &qid);
}

static int p9_mknod(struct p9_req *r)
{
	u32 id, mode, ma, mi, gid;
	char name[NAME_MAX + 1];
	struct p9_fid *dfid;
	struct p9_qid qid;
	int ret;

	ret = pull_u32(r, &id) ?: pull_name(r, name, sizeof(name)) ?:
	      pull_u32(r, &mode) ?: pull_u32(r, &ma) ?: pull_u32(r, &mi) ?:
	      pull_u32(r, &gid);
	if (ret)
		return ret;
	if (r->srv->readonly)
		return -EROFS;
	switch (mode & S_IFMT) {
	case S_IFREG: case S_IFIFO: case S_IFSOCK: case S_IFCHR: case S_IFBLK:
		break;
	default:
		return -EINVAL;
	}
	ret = get_path_fid(r, id, &dfid);
	if (ret)
		return ret;
	if (mknodat(dfid->fd, name, mode & (S_IFMT | 07777), makedev(ma, mi)))
		ret = -errno;
	else
		ret = new_entry_qid(r, dfid, name, mode & 07777, gid, &qid);
	fid_put(r->srv, dfid);
	return ret ?: push_qid(r, &qid);
}

static int p9_symlink(struct p9_req *r)
{
	char name[NAME_MAX + 1], target[PATH_MAX];
	struct p9_fid *dfid;
	struct p9_qid qid;
	u32 id, gid;
	int ret;

	ret = pull_u32(r, &id) ?: pull_name(r, name, sizeof(name)) ?:
	      pull_str(r, target, sizeof(target)) ?: pull_u32(r, &gid);
	if (ret)
		return ret;
	if (!target[0])
		return -ENOENT;
	if (r->srv->readonly)
		return -EROFS;
	ret = get_path_fid(r, id, &dfid);
	if (ret)
		return ret;
	/* Only ever read back, never followed here: any target is fine. */
	if (symlinkat(target, dfid->fd, name))
		ret = -errno;
	else
		ret = new_entry_qid(r, dfid, name, 0, gid, &qid);
	fid_put(r->srv, dfid);
	return ret ?: push_qid(r, &qid);
}

static int p9_readlink(struct p9_req *r)
{
	char target[PATH_MAX];
	struct p9_fid *fid;
	ssize_t len;
	u32 id;
	int ret;

	ret = pull_u32(r, &id);
	if (ret)
		return ret;
	ret = get_path_fid(r, id, &fid);
	if (ret)
		return ret;
	len = readlinkat(fid->fd, "", target, sizeof(target) - 1);
	ret = len < 0 ? -errno : 0;
	fid_put(r->srv, fid);
	if (ret)
		return ret == -ENOENT ? -EINVAL : ret;
	target[len] = '\0';
	return push_str(r, target);
}

static int link_fid(struct p9_server *srv, struct p9_fid *dfid,
		    struct p9_fid *fid, const char *name)
{
	char oname[NAME_MAX + 1], path[40];
	struct stat st;
	int pfd, ret;

	ret = fstat_fd(fid->fd, &st);
	if (ret)
		return ret;
	if (!S_ISLNK(st.st_mode)) {
		proc_fd_path(path, sizeof(path), fid->fd);
		if (linkat(AT_FDCWD, path, dfid->fd, name, AT_SYMLINK_FOLLOW))
			return -errno;
		return 0;
	}
	/* A symlink itself: by its name, without following it. */
	ret = fd_parent(srv, fid->fd, &pfd, oname, sizeof(oname));
	if (ret)
		return ret;
	if (linkat(pfd, oname, dfid->fd, name, 0))
		ret = -errno;
	close(pfd);
	return ret;
}

static int p9_link(struct p9_req *r)
{
	struct p9_fid *dfid = NULL, *fid = NULL;
	char name[NAME_MAX + 1];
	u32 did, id;
	int ret;

	ret = pull_u32(r, &did) ?: pull_u32(r, &id) ?:
	      pull_name(r, name, sizeof(name));
	if (ret)
		return ret;
	if (r->srv->readonly)
		return -EROFS;
	ret = get_path_fid(r, did, &dfid) ?: get_path_fid(r, id, &fid);
	if (!ret)
		ret = link_fid(r->srv, dfid, fid, name);
	if (fid)
		fid_put(r->srv, fid);
	if (dfid)
		fid_put(r->srv, dfid);
	return ret;
}

static int p9_renameat(struct p9_req *r)
{
	char oname[NAME_MAX + 1], nname[NAME_MAX + 1];
	struct p9_fid *ofid = NULL, *nfid = NULL;
	u32 oid, nid;
	int ret;

	ret = pull_u32(r, &oid) ?: pull_name(r, oname, sizeof(oname)) ?:
	      pull_u32(r, &nid) ?: pull_name(r, nname, sizeof(nname));
	if (ret)
		return ret;
	if (r->srv->readonly)
		return -EROFS;
	ret = get_path_fid(r, oid, &ofid) ?: get_path_fid(r, nid, &nfid);
	if (!ret && renameat(ofid->fd, oname, nfid->fd, nname))
		ret = -errno;
	if (ofid)
		fid_put(r->srv, ofid);
	if (nfid)
		fid_put(r->srv, nfid);
	return ret;
}

static int p9_rename(struct p9_req *r)
{
	char oname[NAME_MAX + 1], nname[NAME_MAX + 1];
	struct p9_fid *fid = NULL, *dfid = NULL;
	int pfd = -1, ret;
	u32 id, did;

	ret = pull_u32(r, &id) ?: pull_u32(r, &did) ?:
	      pull_name(r, nname, sizeof(nname));
	if (ret)
		return ret;
	if (r->srv->readonly)
		return -EROFS;
	ret = get_path_fid(r, id, &fid) ?: get_path_fid(r, did, &dfid);
	if (!ret)
		ret = fd_parent(r->srv, fid->fd, &pfd, oname, sizeof(oname));
	if (!ret && renameat(pfd, oname, dfid->fd, nname))
		ret = -errno;
	if (pfd >= 0)
		close(pfd);
	if (fid)
		fid_put(r->srv, fid);
	if (dfid)
		fid_put(r->srv, dfid);
	return ret;
}

static int p9_unlinkat(struct p9_req *r)
{
	char name[NAME_MAX + 1];
	struct p9_fid *dfid;
	u32 id, flags;
	int ret;

	ret = pull_u32(r, &id) ?: pull_name(r, name, sizeof(name)) ?:
	      pull_u32(r, &flags);
	if (ret)
		return ret;
	if (flags & ~P9_DOTL_AT_REMOVEDIR)
		return -EINVAL;
	if (r->srv->readonly)
		return -EROFS;
	ret = get_path_fid(r, id, &dfid);
	if (ret)
		return ret;
	if (unlinkat(dfid->fd, name, flags ? AT_REMOVEDIR : 0))
		ret = -errno;
	fid_put(r->srv, dfid);
	return ret;
}

/* Tclunk's xattr work: Txattrcreate's value is set once complete. */
static int xattr_commit(struct p9_fid *fid)
{
	struct stat st;
	char path[40];

	if (!fid->xattr_write)
		return 0;
	if (fid->xattr_written != fid->xattr_size)
		return -EINVAL;
	/* Our way in through /proc would follow a symlink. */
	if (fstat_fd(fid->fd, &st) || S_ISLNK(st.st_mode))
		return -EPERM;
	proc_fd_path(path, sizeof(path), fid->fd);
	if (!fid->xattr_size) {
		if (removexattr(path, fid->xattr_name))
			return -errno;
		return 0;
	}
	if (setxattr(path, fid->xattr_name, fid->xattr_buf, fid->xattr_size,
		     fid->xattr_flags))
		return -errno;
	return 0;
}

static int p9_clunk(struct p9_req *r)
{
	struct p9_fid *fid;
	u32 id;
	int ret;

	ret = pull_u32(r, &id);
	if (ret)
		return ret;
	fid = fid_remove(r->srv, id);
	if (!fid)
		return -EBADF;
	mutex_lock(&fid->lock);
	ret = xattr_commit(fid);
	mutex_unlock(&fid->lock);
	fid_put(r->srv, fid);
	return ret;
}

static int p9_remove(struct p9_req *r)
{
	char name[NAME_MAX + 1];
	struct p9_fid *fid;
	struct stat st;
	int pfd, ret;
	u32 id;

	ret = pull_u32(r, &id);
	if (ret)
		return ret;
	/* The fid goes away whatever happens. */
	fid = fid_remove(r->srv, id);
	if (!fid)
		return -EBADF;
	if (r->srv->readonly)
		ret = -EROFS;
	else if (fid->fd < 0 || fid->xattr)
		ret = -EBADF;
	else
		ret = fstat_fd(fid->fd, &st) ?:
		      fd_parent(r->srv, fid->fd, &pfd, name, sizeof(name));
	if (!ret) {
		if (unlinkat(pfd, name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0))
			ret = -errno;
		close(pfd);
	}
	fid_put(r->srv, fid);
	return ret;
}

static int p9_statfs(struct p9_req *r)
{
	struct p9_fid *fid;
	struct statfs sfs;
	u64 fsid;
	u32 id;
	int ret;

	ret = pull_u32(r, &id);
	if (ret)
		return ret;
	ret = get_path_fid(r, id, &fid);
	if (ret)
		return ret;
	if (fstatfs(fid->fd, &sfs))
		ret = -errno;
	fid_put(r->srv, fid);
	if (ret)
		return ret;
	memcpy(&fsid, &sfs.f_fsid, sizeof(fsid));
	return push_u32(r, P9_STATFS_MAGIC) ?: push_u32(r, sfs.f_bsize) ?:
	       push_u64(r, sfs.f_blocks) ?: push_u64(r, sfs.f_bfree) ?:
	       push_u64(r, sfs.f_bavail) ?: push_u64(r, sfs.f_files) ?:
	       push_u64(r, sfs.f_ffree) ?: push_u64(r, fsid) ?:
	       push_u32(r, sfs.f_namelen);
}

/* The open descriptor of a fid, or -EBADF; *fid must be put. */
static int get_open_fd(struct p9_req *r, u32 id, struct p9_fid **fid)
{
	int fd;

	*fid = fid_get(r->srv, id);
	if (!*fid)
		return -EBADF;
	mutex_lock(&(*fid)->lock);
	fd = (*fid)->open_fd;
	mutex_unlock(&(*fid)->lock);
	if (fd < 0) {
		fid_put(r->srv, *fid);
		*fid = NULL;
		return -EBADF;
	}
	return fd;
}

static int p9_fsync(struct p9_req *r)
{
	struct p9_fid *fid;
	u32 id, datasync;
	int fd, ret;

	ret = pull_u32(r, &id) ?: pull_u32(r, &datasync);
	if (ret)
		return ret;
	fd = get_open_fd(r, id, &fid);
	if (fd < 0)
		return fd;
	ret = (datasync ? fdatasync(fd) : fsync(fd)) ? -errno : 0;
	fid_put(r->srv, fid);
	return ret;
}

static int lock_type(u8 type)
{
	switch (type) {
	case P9_LOCK_TYPE_RDLCK:
		return F_RDLCK;
	case P9_LOCK_TYPE_WRLCK:
		return F_WRLCK;
	case P9_LOCK_TYPE_UNLCK:
		return F_UNLCK;
	}
	return -EINVAL;
}

/* The common part of Tlock and Tgetlock; @client_id receives the id. */
static int pull_lock(struct p9_req *r, bool with_flags, u32 *id,
		     struct flock *fl, u32 *proc_id, char *client_id,
		     size_t size)
{
	u64 start, length;
	u32 flags = 0;
	int type, ret;
	u8 t;

	ret = pull_u32(r, id) ?: pull_u8(r, &t);
	if (!ret && with_flags)
		ret = pull_u32(r, &flags);
	ret = ret ?: pull_u64(r, &start) ?: pull_u64(r, &length) ?:
	      pull_u32(r, proc_id) ?: pull_str(r, client_id, size);
	if (ret)
		return ret;
	type = lock_type(t);
	if (type < 0 || start > INT64_MAX || length > INT64_MAX)
		return -EINVAL;
	memset(fl, 0, sizeof(*fl));
	fl->l_type = type;
	fl->l_whence = SEEK_SET;
	fl->l_start = start;
	fl->l_len = length;
	return 0;
}

static int p9_lock(struct p9_req *r)
{
	char client_id[256];
	struct p9_fid *fid;
	struct flock fl;
	u32 id, proc_id;
	u8 status;
	int fd, ret;

	ret = pull_lock(r, true, &id, &fl, &proc_id, client_id,
			sizeof(client_id));
	if (ret)
		return ret;
	fd = get_open_fd(r, id, &fid);
	if (fd < 0)
		return fd;
	/* Never wait here: the client retries a blocked lock itself. */
	if (!fcntl(fd, F_OFD_SETLK, &fl))
		status = P9_LOCK_SUCCESS;
	else if (errno == EAGAIN || errno == EACCES)
		status = P9_LOCK_BLOCKED;
	else
		status = P9_LOCK_ERROR;
	fid_put(r->srv, fid);
	return push_u8(r, status);
}

static int p9_getlock(struct p9_req *r)
{
	char client_id[256];
	struct p9_fid *fid;
	struct flock fl;
	u32 id, proc_id;
	int fd, ret;
	u8 type;

	ret = pull_lock(r, false, &id, &fl, &proc_id, client_id,
			sizeof(client_id));
	if (ret)
		return ret;
	fd = get_open_fd(r, id, &fid);
	if (fd < 0)
		return fd;
	ret = fcntl(fd, F_OFD_GETLK, &fl) ? -errno : 0;
	fid_put(r->srv, fid);
	if (ret)
		return ret;
	if (fl.l_type == F_UNLCK)
		type = P9_LOCK_TYPE_UNLCK;
	else
		type = fl.l_type == F_RDLCK ? P9_LOCK_TYPE_RDLCK :
		       P9_LOCK_TYPE_WRLCK;
	if (type != P9_LOCK_TYPE_UNLCK)
		proc_id = 0;
	return push_u8(r, type) ?: push_u64(r, fl.l_start) ?:
	       push_u64(r, fl.l_len) ?: push_u32(r, proc_id) ?:
	       push_str(r, client_id);
}

/* Reads an xattr value (or the name list, for "") of @fd. */
static int xattr_read(int fd, const char *name, char **buf, size_t *size)
{
	char path[40];
	ssize_t len;
	struct stat st;
	int ret;

	*buf = NULL;
	*size = 0;
	ret = fstat_fd(fd, &st);
	if (ret)
		return ret;
	/* Our way in through /proc would follow a symlink: none there. */
	if (S_ISLNK(st.st_mode))
		return name[0] ? -ENODATA : 0;
	proc_fd_path(path, sizeof(path), fd);
	len = name[0] ? getxattr(path, name, NULL, 0) : listxattr(path, NULL, 0);
	if (len < 0)
		return -errno;
	if (len > P9_XATTR_MAX)
		return -E2BIG;
	*buf = malloc(len ?: 1);
	if (!*buf)
		return -ENOMEM;
	len = name[0] ? getxattr(path, name, *buf, len) :
	      listxattr(path, *buf, len);
	if (len < 0) {
		ret = errno == ERANGE ? -EAGAIN : -errno;
		free(*buf);
		*buf = NULL;
		return ret;
	}
	*size = len;
	return 0;
}

static int p9_xattrwalk(struct p9_req *r)
{
	char name[XATTR_NAME_MAX + 1];
	struct p9_fid *fid, *nfid;
	u32 id, newid;
	size_t size;
	char *buf;
	int ret;

	ret = pull_u32(r, &id) ?: pull_u32(r, &newid) ?:
	      pull_str(r, name, sizeof(name));
	if (ret)
		return ret;
	ret = get_path_fid(r, id, &fid);
	if (ret)
		return ret;
	ret = xattr_read(fid->fd, name, &buf, &size);
	fid_put(r->srv, fid);
	if (ret)
		return ret;
	nfid = fid_alloc(newid, -1, 0);
	if (!nfid) {
		free(buf);
		return -ENOMEM;
	}
	nfid->xattr = true;
	nfid->xattr_buf = buf;
	nfid->xattr_size = size;
	ret = fid_insert(r->srv, nfid);
	if (ret)
		return ret;
	return push_u64(r, size);
}

static int p9_xattrcreate(struct p9_req *r)
{
	char name[XATTR_NAME_MAX + 1];
	struct p9_fid *fid;
	u32 id, flags;
	u64 size;
	int ret;

	ret = pull_u32(r, &id) ?: pull_str(r, name, sizeof(name)) ?:
	      pull_u64(r, &size) ?: pull_u32(r, &flags);
	if (ret)
		return ret;
	if (!name[0] || (flags & ~(XATTR_CREATE | XATTR_REPLACE)))
		return -EINVAL;
	if (size > P9_XATTR_MAX)
		return -E2BIG;
	if (r->srv->readonly)
		return -EROFS;
	ret = get_path_fid(r, id, &fid);
	if (ret)
		return ret;
	mutex_lock(&fid->lock);
	if (fid->open_fd >= 0) {
		ret = -EBADF;
		goto out;
	}
	fid->xattr_name = strdup(name);
	fid->xattr_buf = calloc(1, size ?: 1);
	if (!fid->xattr_name || !fid->xattr_buf) {
		free(fid->xattr_name);
		free(fid->xattr_buf);
		fid->xattr_name = fid->xattr_buf = NULL;
		ret = -ENOMEM;
		goto out;
	}
	fid->xattr = true;
	fid->xattr_write = true;
	fid->xattr_size = size;
	fid->xattr_flags = flags;
out:
	mutex_unlock(&fid->lock);
	fid_put(r->srv, fid);
	return ret;
}

/* Fits 9P directory entries from getdents64 into @buf. */
static int readdir_fill(struct p9_server *srv, int fd, char *buf, u32 count,
			u32 *used)
{
	char dents[8192];
	ssize_t n;
	long pos;

	*used = 0;
	for (;;) {
		n = syscall(SYS_getdents64, fd, dents,
			    min_t(size_t, sizeof(dents), count + 512));
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		for (pos = 0; pos < n;) {
			struct dirent64 *d = (void *)(dents + pos);
			size_t len = strlen(d->d_name);
			size_t need = 13 + 8 + 1 + 2 + len;
			__le64 le64;
			__le16 le16;
			char *p = buf + *used;

			if (*used + need > count)
				return *used ? 0 : -EINVAL;
			p[0] = d->d_type == DT_DIR ? P9_QTDIR :
			       d->d_type == DT_LNK ? P9_QTSYMLINK : P9_QTFILE;
			memset(p + 1, 0, 4);
			le64 = htole64(d->d_ino);
			memcpy(p + 5, &le64, 8);
			le64 = htole64(d->d_off);
			memcpy(p + 13, &le64, 8);
			p[21] = d->d_type;
			le16 = htole16(len);
			memcpy(p + 22, &le16, 2);
			memcpy(p + 24, d->d_name, len);
			*used += need;
			pos += d->d_reclen;
		}
	}
}

static int p9_readdir(struct p9_req *r)
{
	struct p9_fid *fid;
	u32 id, count, used;
	char *buf;
	u64 offset;
	int fd, ret;

	ret = pull_u32(r, &id) ?: pull_u64(r, &offset) ?: pull_u32(r, &count);
	if (ret)
		return ret;
	if (offset > INT64_MAX)
		return -EINVAL;
	count = min_t(size_t, count, r->out.left >= 4 ? r->out.left - 4 : 0);
	buf = malloc(count ?: 1);
	if (!buf)
		return -ENOMEM;
	fd = get_open_fd(r, id, &fid);
	if (fd < 0) {
		free(buf);
		return fd;
	}
	/* The offset and the stream position are shared: one at a time. */
	mutex_lock(&fid->lock);
	if (lseek(fd, offset, SEEK_SET) < 0)
		ret = -errno;
	else
		ret = readdir_fill(r->srv, fd, buf, count, &used);
	mutex_unlock(&fid->lock);
	fid_put(r->srv, fid);
	if (!ret)
		ret = push_u32(r, used) ?: push(r, buf, used);
	free(buf);
	return ret;
}

static int read_xattr_fid(struct p9_req *r, struct p9_fid *fid, u64 offset,
			  u32 count)
{
	size_t n = 0;
	int ret;

	mutex_lock(&fid->lock);
	if (fid->xattr_write) {
		ret = -EBADF;
		goto out;
	}
	if (offset < fid->xattr_size)
		n = min_t(u64, count, fid->xattr_size - offset);
	ret = push_u32(r, n);
	if (!ret && n)
		ret = push(r, fid->xattr_buf + offset, n);
out:
	mutex_unlock(&fid->lock);
	return ret;
}

/* Reads straight into the guest's buffers, after Rread's count. */
static int read_file(struct p9_req *r, int fd, u64 offset, u32 count)
{
	struct iovec iov[P9_MAX_IOV];
	struct p9_iter count_at;
	size_t len;
	ssize_t n = 0;
	int nr;

	count_at = r->out;
	if (push_u32(r, 0))
		return -ENOBUFS;
	nr = iter_slice(&r->out, iov, ARRAY_SIZE(iov), count, &len);
	if (nr)
		n = preadv(fd, iov, nr, offset);
	if (n < 0)
		return -errno;
	/* Give back what was not filled. */
	r->out = count_at;
	if (push_u32(r, n) || !iter_copy(&r->out, NULL, n, true))
		return -ENOBUFS;
	return 0;
}

static int p9_read(struct p9_req *r)
{
	struct p9_fid *fid;
	u32 id, count;
	u64 offset;
	int fd, ret;

	ret = pull_u32(r, &id) ?: pull_u64(r, &offset) ?: pull_u32(r, &count);
	if (ret)
		return ret;
	if (offset > INT64_MAX)
		return -EINVAL;
	fid = fid_get(r->srv, id);
	if (!fid)
		return -EBADF;
	if (fid->xattr) {
		ret = read_xattr_fid(r, fid, offset, count);
		fid_put(r->srv, fid);
		return ret;
	}
	fid_put(r->srv, fid);

	fd = get_open_fd(r, id, &fid);
	if (fd < 0)
		return fd;
	ret = read_file(r, fd, offset, count);
	fid_put(r->srv, fid);
	return ret;
}

static int write_xattr_fid(struct p9_fid *fid, struct p9_req *r, u64 offset,
			   u32 count)
{
	int ret = 0;

	mutex_lock(&fid->lock);
	if (!fid->xattr_write)
		ret = -EBADF;
	else if (offset > fid->xattr_size || count > fid->xattr_size - offset)
		ret = -ENOSPC;
	else if (pull(r, fid->xattr_buf + offset, count))
		ret = -EPROTO;
	else
		fid->xattr_written += count;
	mutex_unlock(&fid->lock);
	return ret;
}

static int p9_write(struct p9_req *r)
{
	struct iovec iov[P9_MAX_IOV];
	struct p9_fid *fid;
	u32 id, count;
	u64 offset;
	size_t len;
	ssize_t n;
	int nr, fd, ret;

	ret = pull_u32(r, &id) ?: pull_u64(r, &offset) ?: pull_u32(r, &count);
	if (ret)
		return ret;
	if (count > r->in.left)
		return -EPROTO;
	if (offset > INT64_MAX)
		return -EINVAL;
	fid = fid_get(r->srv, id);
	if (!fid)
		return -EBADF;
	if (fid->xattr) {
		ret = write_xattr_fid(fid, r, offset, count);
		fid_put(r->srv, fid);
		return ret ?: push_u32(r, count);
	}
	fid_put(r->srv, fid);
	if (r->srv->readonly)
		return -EROFS;

	fd = get_open_fd(r, id, &fid);
	if (fd < 0)
		return fd;
	nr = iter_slice(&r->in, iov, ARRAY_SIZE(iov), count, &len);
	n = nr ? pwritev(fd, iov, nr, offset) : 0;
	ret = n < 0 ? -errno : 0;
	fid_put(r->srv, fid);
	return ret ?: push_u32(r, n);
}

static int p9_flush(struct p9_req *r)
{
	u16 oldtag;

	/*
	 * Requests are answered in order on a queue, so the one to flush has
	 * already been answered.
	 */
	return pull_u16(r, &oldtag);
}

static int dispatch(struct p9_req *r)
{
	switch (r->type) {
	case P9_TVERSION:	return p9_version(r);
	case P9_TATTACH:	return p9_attach(r);
	case P9_TWALK:		return p9_walk(r);
	case P9_TGETATTR:	return p9_getattr(r);
	case P9_TSETATTR:	return p9_setattr(r);
	case P9_TLOPEN:		return p9_lopen(r);
	case P9_TLCREATE:	return p9_lcreate(r);
	case P9_TREAD:		return p9_read(r);
	case P9_TWRITE:		return p9_write(r);
	case P9_TREADDIR:	return p9_readdir(r);
	case P9_TMKDIR:		return p9_mkdir(r);
	case P9_TMKNOD:		return p9_mknod(r);
	case P9_TSYMLINK:	return p9_symlink(r);
	case P9_TLINK:		return p9_link(r);
	case P9_TREADLINK:	return p9_readlink(r);
	case P9_TRENAME:	return p9_rename(r);
	case P9_TRENAMEAT:	return p9_renameat(r);
	case P9_TUNLINKAT:	return p9_unlinkat(r);
	case P9_TSTATFS:	return p9_statfs(r);
	case P9_TFSYNC:		return p9_fsync(r);
	case P9_TLOCK:		return p9_lock(r);
	case P9_TGETLOCK:	return p9_getlock(r);
	case P9_TXATTRWALK:	return p9_xattrwalk(r);
	case P9_TXATTRCREATE:	return p9_xattrcreate(r);
	case P9_TCLUNK:		return p9_clunk(r);
	case P9_TREMOVE:	return p9_remove(r);
	case P9_TFLUSH:		return p9_flush(r);
	}
	/* Tauth, the legacy 9P2000 and .u messages, replies, garbage. */
	return -EOPNOTSUPP;
}

static size_t reply_error(struct p9_req *r, const struct iovec *out,
			  unsigned int nr_out, int err)
{
	r->type = P9_RLERROR - 1;
	iter_init(&r->out, out, nr_out, P9_RLERROR_SIZE);
	if (push_u32(r, P9_RLERROR_SIZE) || push_u8(r, P9_RLERROR) ||
	    push_u16(r, r->tag) || push_u32(r, err))
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

	iter_init(&r.in, in, nr_in, SIZE_MAX);
	iter_init(&r.out, out, nr_out, msize);
	if (r.out.left < P9_RLERROR_SIZE)
		return 0;

	ret = pull_u32(&r, &size) ?: pull_u8(&r, &r.type) ?:
	      pull_u16(&r, &r.tag);
	if (ret)
		return reply_error(&r, out, nr_out, EPROTO);
	if (size < P9_HDR_SIZE || size - P9_HDR_SIZE > r.in.left)
		return reply_error(&r, out, nr_out, EPROTO);
	if (size > msize)
		return reply_error(&r, out, nr_out, EMSGSIZE);
	r.in.left = size - P9_HDR_SIZE;

	/* Room for the header, filled in once the body is known. */
	room = r.out.left;
	iter_copy(&r.out, NULL, P9_HDR_SIZE, true);
	ret = dispatch(&r);
	if (ret < 0)
		return reply_error(&r, out, nr_out, -ret);

	len = room - r.out.left;
	iter_init(&r.out, out, nr_out, P9_HDR_SIZE);
	push_u32(&r, len);
	push_u8(&r, r.type + 1);
	push_u16(&r, r.tag);
	return len;
}

u32 p9_server_msize(struct p9_server *srv)
{
	return READ_ONCE(srv->msize);
}

struct p9_server *p9_server_new(const char *root, bool readonly)
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
	fd = sys_openat2(srv->root_fd, ".", O_PATH | O_DIRECTORY);
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
			fid_free(fid);
	close(srv->root_fd);
	free(srv->root_path);
	mutex_destroy(&srv->lock);
	free(srv);
}
