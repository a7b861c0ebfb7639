// SPDX-License-Identifier: GPL-2.0
/*
 * The 9P2000.L message handlers: each takes its request's fields from the
 * wire (wire.c), reaches host objects only through fids (fid.c), and
 * pushes its reply.
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

static int p9_version(struct p9_req *r)
{
	char version[32];
	u32 msize;
	int ret;

	ret = p9_pull_u32(r, &msize);
	if (ret)
		return ret;
	ret = p9_pull_str(r, version, sizeof(version));
	if (ret == -ENAMETOOLONG)
		version[0] = '\0';
	else if (ret)
		return ret;
	if (msize < P9_MIN_MSIZE)
		return -EINVAL;
	msize = min_t(u32, msize, P9_MAX_MSIZE);

	/* A new session: every fid of the old one is gone. */
	p9_fid_remove_all(r->srv);
	if (strncmp(version, "9P2000.L", 8))
		return p9_push_u32(r, msize) ?: p9_push_str(r, "unknown");
	r->srv->msize = msize;
	return p9_push_u32(r, msize) ?: p9_push_str(r, "9P2000.L");
}

static int p9_attach(struct p9_req *r)
{
	char uname[256], aname[PATH_MAX];
	u32 id, afid, uid;
	struct p9_fid *fid;
	struct p9_qid qid;
	int fd, ret;

	ret = p9_pull_u32(r, &id) ?: p9_pull_u32(r, &afid) ?:
	      p9_pull_str(r, uname, sizeof(uname)) ?:
	      p9_pull_str(r, aname, sizeof(aname)) ?: p9_pull_u32(r, &uid);
	if (ret)
		return ret;
	if (afid != P9_NOFID)
		return -EINVAL;
	if (uid == P9_NOFID)
		uid = 0;

	fd = p9_openat2(r->srv->root_fd, ".", O_PATH | O_DIRECTORY);
	if (fd < 0)
		return fd;
	ret = p9_fd_qid(r->srv, fd, &qid);
	fid = ret ? NULL : p9_fid_alloc(id, fd, uid);
	if (!fid) {
		close(fd);
		return ret ?: -ENOMEM;
	}
	ret = p9_fid_insert(r->srv, fid);
	if (ret)
		return ret;
	return p9_push_qid(r, &qid);
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
		next = p9_walk_one(srv, cur, name);
		if (next < 0)
			return next;
	}
	ret = p9_fd_qid(srv, next, qid);
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

	ret = p9_pull_u32(r, &id) ?: p9_pull_u32(r, &newid) ?: p9_pull_u16(r, &nwname);
	if (ret)
		return ret;
	if (nwname > P9_MAXWELEM)
		return -EINVAL;
	names = malloc(sizeof(*names) * (nwname ?: 1));
	if (!names)
		return -ENOMEM;
	for (i = 0; i < nwname; i++) {
		ret = p9_pull_str(r, names[i], sizeof(names[i]));
		if (ret)
			goto out;
		if (!names[i][0] || strchr(names[i], '/')) {
			ret = -EINVAL;
			goto out;
		}
	}
	ret = p9_get_path_fid(r, id, &fid);
	if (ret)
		goto out;
	if (newid != id && p9_fid_exists(r->srv, newid)) {
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
		nfid = p9_fid_alloc(newid, fd, fid->uid);
		if (!nfid) {
			close(fd);
			ret = -ENOMEM;
			goto out;
		}
		ret = p9_fid_insert(r->srv, nfid);
		if (ret)
			goto out;
	}

	ret = p9_push_u16(r, nwqid);
	for (i = 0; i < nwqid && !ret; i++)
		ret = p9_push_qid(r, &qids[i]);
out:
	if (fid)
		p9_fid_put(r->srv, fid);
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

	ret = p9_pull_u32(r, &id) ?: p9_pull_u64(r, &mask);
	if (ret)
		return ret;
	ret = p9_get_path_fid(r, id, &fid);
	if (ret)
		return ret;
	ret = p9_attr_stat(r->srv, fid->fd, &st);
	p9_fid_put(r->srv, fid);
	if (ret)
		return ret;
	p9_stat_to_qid(r->srv, &st, &qid);

	return p9_push_u64(r, P9_STATS_BASIC) ?: p9_push_qid(r, &qid) ?:
	       p9_push_u32(r, st.st_mode) ?: p9_push_u32(r, st.st_uid) ?:
	       p9_push_u32(r, st.st_gid) ?: p9_push_u64(r, st.st_nlink) ?:
	       p9_push_u64(r, encode_rdev(st.st_rdev)) ?:
	       p9_push_u64(r, st.st_size) ?: p9_push_u64(r, st.st_blksize) ?:
	       p9_push_u64(r, st.st_blocks) ?:
	       p9_push_u64(r, st.st_atim.tv_sec) ?: p9_push_u64(r, st.st_atim.tv_nsec) ?:
	       p9_push_u64(r, st.st_mtim.tv_sec) ?: p9_push_u64(r, st.st_mtim.tv_nsec) ?:
	       p9_push_u64(r, st.st_ctim.tv_sec) ?: p9_push_u64(r, st.st_ctim.tv_nsec) ?:
	       p9_push_u64(r, 0) ?: p9_push_u64(r, 0) ?:	/* btime */
	       p9_push_u64(r, 0) ?: p9_push_u64(r, 0);	/* gen, data_version */
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

static int setattr_fid(struct p9_server *srv, struct p9_fid *fid, u32 valid,
		       u32 mode, u32 uid, u32 gid, u64 size,
		       struct timespec *ts)
{
	char path[40];
	struct stat st;
	int ret;

	ret = p9_fstat(fid->fd, &st) ?:
	      p9_attr_set(srv, fid->fd, &st, valid, mode, uid, gid);
	if (ret)
		return ret;
	p9_proc_fd_path(path, sizeof(path), fid->fd);

	if (valid & (P9_ATTR_ATIME | P9_ATTR_MTIME)) {
		if (S_ISLNK(st.st_mode))
			ret = utimensat(fid->fd, "", ts,
					AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
		else
			ret = utimensat(AT_FDCWD, path, ts, 0);
		if (ret)
			return -errno;
	}
	if (valid & P9_ATTR_SIZE) {
		if (size > INT64_MAX)
			return -EFBIG;
		/* What the guest sees: a mapped symlink is no regular file. */
		st.st_mode = p9_attr_mode(srv, fid->fd, &st);
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

	ret = p9_pull_u32(r, &id) ?: p9_pull_u32(r, &valid) ?: p9_pull_u32(r, &mode) ?:
	      p9_pull_u32(r, &uid) ?: p9_pull_u32(r, &gid) ?: p9_pull_u64(r, &size) ?:
	      p9_pull_u64(r, &asec) ?: p9_pull_u64(r, &ansec) ?:
	      p9_pull_u64(r, &msec) ?: p9_pull_u64(r, &mnsec);
	if (ret)
		return ret;
	if ((valid & P9_ATTR_ATIME_SET && ansec >= 1000000000) ||
	    (valid & P9_ATTR_MTIME_SET && mnsec >= 1000000000))
		return -EINVAL;
	ret = p9_get_path_fid(r, id, &fid);
	if (ret)
		return ret;
	if (r->srv->readonly && (valid & ~P9_ATTR_CTIME)) {
		p9_fid_put(r->srv, fid);
		return -EROFS;
	}
	ts[0] = attr_time(valid, P9_ATTR_ATIME, P9_ATTR_ATIME_SET, asec, ansec);
	ts[1] = attr_time(valid, P9_ATTR_MTIME, P9_ATTR_MTIME_SET, msec, mnsec);
	ret = setattr_fid(r->srv, fid, valid, mode, uid, gid, size, ts);
	p9_fid_put(r->srv, fid);
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

static int openable_mode(mode_t mode)
{
	if (S_ISLNK(mode))
		return -ELOOP;
	/*
	 * Device nodes, FIFOs and sockets are the guest's own business (its
	 * kernel never asks to open them): opening the host's would hand
	 * the guest a host device, or talk to a host process through a FIFO,
	 * or block this thread on one.
	 */
	if (!S_ISREG(mode) && !S_ISDIR(mode))
		return -ENXIO;
	return 0;
}

/*
 * Only regular files and directories are ever opened, as the host sees
 * them and as the guest does; *@st is the guest's view of @fd.
 */
static int openable(struct p9_server *srv, int fd, struct stat *st)
{
	int ret = p9_fstat(fd, st) ?: openable_mode(st->st_mode);

	if (ret)
		return ret;
	st->st_mode = p9_attr_mode(srv, fd, st);
	return openable_mode(st->st_mode);
}

static int open_fid(struct p9_req *r, struct p9_fid *fid, u32 dotl,
		    struct p9_qid *qid)
{
	int flags = dotl_to_open_flags(dotl);
	struct stat st;
	int fd, ret;

	if (fid->open_fd >= 0 || fid->xattr)
		return -EBADF;
	ret = openable(r->srv, fid->fd, &st);
	if (ret)
		return ret;
	if (S_ISDIR(st.st_mode)) {
		if ((flags & O_ACCMODE) != O_RDONLY)
			return -EISDIR;
		flags = O_RDONLY | O_DIRECTORY;
	}
	fd = p9_reopen(fid->fd, flags);
	if (fd < 0)
		return fd;
	fid->open_fd = fd;
	p9_stat_to_qid(r->srv, &st, qid);
	return 0;
}

static int p9_lopen(struct p9_req *r)
{
	struct p9_fid *fid;
	struct p9_qid qid;
	u32 id, dotl;
	int ret;

	ret = p9_pull_u32(r, &id) ?: p9_pull_u32(r, &dotl);
	if (ret)
		return ret;
	if ((dotl & P9_DOTL_ACCMODE) == P9_DOTL_ACCMODE)
		return -EINVAL;
	if (r->srv->readonly && dotl_writes(dotl))
		return -EROFS;
	ret = p9_get_path_fid(r, id, &fid);
	if (ret)
		return ret;
	mutex_lock(&fid->lock);
	ret = open_fid(r, fid, dotl, &qid);
	mutex_unlock(&fid->lock);
	p9_fid_put(r->srv, fid);
	if (ret)
		return ret;
	return p9_push_qid(r, &qid) ?: p9_push_u32(r, 0);
}

/*
 * Tlcreate of a name that exists opens it, as open(O_CREAT) does, but
 * only if Tlopen would: open(O_CREAT) itself would open a FIFO or a
 * device node found there.
 */
static int open_existing(struct p9_req *r, struct p9_fid *fid,
			 const char *name, int flags, struct p9_qid *qid)
{
	struct stat st;
	int fd, pfd, ret;

	pfd = openat(fid->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (pfd < 0)
		return -errno;
	ret = openable(r->srv, pfd, &st);
	if (!ret && S_ISDIR(st.st_mode))
		ret = -EISDIR;
	fd = ret ?: p9_reopen(pfd, flags);
	if (fd < 0) {
		close(pfd);
		return fd;
	}
	p9_stat_to_qid(r->srv, &st, qid);
	close(fid->fd);
	fid->fd = pfd;
	fid->open_fd = fd;
	return 0;
}

static int create_in(struct p9_req *r, struct p9_fid *fid, const char *name,
		     u32 dotl, u32 mode, u32 gid, struct p9_qid *qid)
{
	int flags = dotl_to_open_flags(dotl) & ~O_DIRECTORY;
	struct stat st;
	int fd, pfd, ret;

	if (fid->open_fd >= 0 || fid->xattr)
		return -EBADF;
	mode = S_IFREG | (mode & 07777);
	fd = openat(fid->fd, name,
		    flags | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    p9_attr_create_mode(r->srv, mode));
	if (fd < 0 && errno == EEXIST && !(dotl & P9_DOTL_EXCL))
		return open_existing(r, fid, name, flags, qid);
	if (fd < 0)
		return -errno;
	pfd = p9_reopen(fd, O_PATH);
	ret = pfd < 0 ? pfd : p9_attr_new(r->srv, fid, pfd, mode, 0, gid, &st);
	if (ret) {
		if (pfd >= 0)
			close(pfd);
		close(fd);
		unlinkat(fid->fd, name, 0);
		return ret;
	}
	p9_stat_to_qid(r->srv, &st, qid);
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

	ret = p9_pull_u32(r, &id) ?: p9_pull_name(r, name, sizeof(name)) ?:
	      p9_pull_u32(r, &dotl) ?: p9_pull_u32(r, &mode) ?: p9_pull_u32(r, &gid);
	if (ret)
		return ret;
	if ((dotl & P9_DOTL_ACCMODE) == P9_DOTL_ACCMODE)
		return -EINVAL;
	if (r->srv->readonly)
		return -EROFS;
	ret = p9_get_path_fid(r, id, &fid);
	if (ret)
		return ret;
	mutex_lock(&fid->lock);
	ret = create_in(r, fid, name, dotl, mode, gid, &qid);
	mutex_unlock(&fid->lock);
	p9_fid_put(r->srv, fid);
	if (ret)
		return ret;
	return p9_push_qid(r, &qid) ?: p9_push_u32(r, 0);
}

/*
 * After mkdir/mknod/symlink: gives @name in @dfid the guest's attributes
 * (@mode with the file type), and its qid.  An entry that cannot have
 * them is removed again.
 */
static int new_entry_qid(struct p9_req *r, struct p9_fid *dfid,
			 const char *name, mode_t mode, dev_t rdev, u32 gid,
			 struct p9_qid *qid)
{
	struct stat st;
	int fd, ret;

	fd = openat(dfid->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = p9_attr_new(r->srv, dfid, fd, mode, rdev, gid, &st);
	close(fd);
	if (ret) {
		unlinkat(dfid->fd, name, S_ISDIR(mode) ? AT_REMOVEDIR : 0);
		return ret;
	}
	p9_stat_to_qid(r->srv, &st, qid);
	return 0;
}

static int p9_mkdir(struct p9_req *r)
{
	char name[NAME_MAX + 1];
	struct p9_fid *dfid;
	struct p9_qid qid;
	u32 id, mode, gid;
	int ret;

	ret = p9_pull_u32(r, &id) ?: p9_pull_name(r, name, sizeof(name)) ?:
	      p9_pull_u32(r, &mode) ?: p9_pull_u32(r, &gid);
	if (ret)
		return ret;
	if (r->srv->readonly)
		return -EROFS;
	ret = p9_get_path_fid(r, id, &dfid);
	if (ret)
		return ret;
	mode = S_IFDIR | (mode & 07777);
	if (mkdirat(dfid->fd, name, p9_attr_create_mode(r->srv, mode)))
		ret = -errno;
	else
		ret = new_entry_qid(r, dfid, name, mode, 0, gid, &qid);
	p9_fid_put(r->srv, dfid);
	return ret ?: p9_push_qid(r, &qid);
}

/*
 * Under mapped, a plain file stands for every kind of node: the host
 * gets no device node, FIFO or socket of the guest's.
 */
static int make_node(struct p9_server *srv, int dirfd, const char *name,
		     mode_t mode, dev_t rdev)
{
	int ret;

	if (srv->security == P9_SECURITY_MAPPED)
		ret = mknodat(dirfd, name,
			      S_IFREG | p9_attr_create_mode(srv, mode), 0);
	else
		ret = mknodat(dirfd, name, mode, rdev);
	return ret ? -errno : 0;
}

static int p9_mknod(struct p9_req *r)
{
	u32 id, mode, ma, mi, gid;
	char name[NAME_MAX + 1];
	struct p9_fid *dfid;
	struct p9_qid qid;
	int ret;

	ret = p9_pull_u32(r, &id) ?: p9_pull_name(r, name, sizeof(name)) ?:
	      p9_pull_u32(r, &mode) ?: p9_pull_u32(r, &ma) ?: p9_pull_u32(r, &mi) ?:
	      p9_pull_u32(r, &gid);
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
	ret = p9_get_path_fid(r, id, &dfid);
	if (ret)
		return ret;
	mode &= S_IFMT | 07777;
	ret = make_node(r->srv, dfid->fd, name, mode, makedev(ma, mi)) ?:
	      new_entry_qid(r, dfid, name, mode, makedev(ma, mi), gid, &qid);
	p9_fid_put(r->srv, dfid);
	return ret ?: p9_push_qid(r, &qid);
}

/*
 * Under mapped, as QEMU does, a symlink is a plain file holding its
 * target: the host never has a symlink the guest planted, and the
 * guest's owner of a symlink has somewhere to live.
 */
static int make_symlink(struct p9_server *srv, int dirfd, const char *name,
			const char *target)
{
	size_t len = strlen(target);
	ssize_t n;
	int fd, ret;

	if (srv->security != P9_SECURITY_MAPPED)
		return symlinkat(target, dirfd, name) ? -errno : 0;
	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, p9_attr_create_mode(srv, S_IFLNK));
	if (fd < 0)
		return -errno;
	n = write(fd, target, len);
	ret = n < 0 ? -errno : (size_t)n != len ? -ENOSPC : 0;
	close(fd);
	if (ret)
		unlinkat(dirfd, name, 0);
	return ret;
}

static int p9_symlink(struct p9_req *r)
{
	char name[NAME_MAX + 1], target[PATH_MAX];
	struct p9_fid *dfid;
	struct p9_qid qid;
	u32 id, gid;
	int ret;

	ret = p9_pull_u32(r, &id) ?: p9_pull_name(r, name, sizeof(name)) ?:
	      p9_pull_str(r, target, sizeof(target)) ?: p9_pull_u32(r, &gid);
	if (ret)
		return ret;
	if (!target[0])
		return -ENOENT;
	if (r->srv->readonly)
		return -EROFS;
	ret = p9_get_path_fid(r, id, &dfid);
	if (ret)
		return ret;
	/* Only ever read back, never followed here: any target is fine. */
	ret = make_symlink(r->srv, dfid->fd, name, target) ?:
	      new_entry_qid(r, dfid, name, S_IFLNK | 0777, 0, gid, &qid);
	p9_fid_put(r->srv, dfid);
	return ret ?: p9_push_qid(r, &qid);
}

/* The target of a symlink: the host's own, or a mapped one's. */
static int read_link(struct p9_server *srv, int fd, char *buf, size_t size)
{
	struct stat st;
	ssize_t len;
	int ret, rfd;

	ret = p9_fstat(fd, &st);
	if (ret)
		return ret;
	if (S_ISLNK(st.st_mode)) {
		len = readlinkat(fd, "", buf, size - 1);
	} else if (S_ISLNK(p9_attr_mode(srv, fd, &st))) {
		rfd = p9_reopen(fd, O_RDONLY);
		if (rfd < 0)
			return rfd;
		len = pread(rfd, buf, size - 1, 0);
		ret = len < 0 ? -errno : 0;
		close(rfd);
		if (ret)
			return ret;
	} else {
		return -EINVAL;
	}
	if (len < 0)
		return errno == ENOENT ? -EINVAL : -errno;
	buf[len] = '\0';
	return 0;
}

static int p9_readlink(struct p9_req *r)
{
	char target[PATH_MAX];
	struct p9_fid *fid;
	u32 id;
	int ret;

	ret = p9_pull_u32(r, &id);
	if (ret)
		return ret;
	ret = p9_get_path_fid(r, id, &fid);
	if (ret)
		return ret;
	ret = read_link(r->srv, fid->fd, target, sizeof(target));
	p9_fid_put(r->srv, fid);
	return ret ?: p9_push_str(r, target);
}

static int link_fid(struct p9_server *srv, struct p9_fid *dfid,
		    struct p9_fid *fid, const char *name)
{
	char oname[NAME_MAX + 1];
	int pfd, ret;

	ret = p9_fd_parent(srv, fid->fd, &pfd, oname, sizeof(oname));
	if (ret)
		return ret == -EBUSY ? -EPERM : ret;
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

	ret = p9_pull_u32(r, &did) ?: p9_pull_u32(r, &id) ?:
	      p9_pull_name(r, name, sizeof(name));
	if (ret)
		return ret;
	if (r->srv->readonly)
		return -EROFS;
	ret = p9_get_path_fid(r, did, &dfid) ?: p9_get_path_fid(r, id, &fid);
	if (!ret)
		ret = link_fid(r->srv, dfid, fid, name);
	if (fid)
		p9_fid_put(r->srv, fid);
	if (dfid)
		p9_fid_put(r->srv, dfid);
	return ret;
}

static int p9_renameat(struct p9_req *r)
{
	char oname[NAME_MAX + 1], nname[NAME_MAX + 1];
	struct p9_fid *ofid = NULL, *nfid = NULL;
	u32 oid, nid;
	int ret;

	ret = p9_pull_u32(r, &oid) ?: p9_pull_name(r, oname, sizeof(oname)) ?:
	      p9_pull_u32(r, &nid) ?: p9_pull_name(r, nname, sizeof(nname));
	if (ret)
		return ret;
	if (r->srv->readonly)
		return -EROFS;
	ret = p9_get_path_fid(r, oid, &ofid) ?: p9_get_path_fid(r, nid, &nfid);
	if (!ret && renameat(ofid->fd, oname, nfid->fd, nname))
		ret = -errno;
	if (ofid)
		p9_fid_put(r->srv, ofid);
	if (nfid)
		p9_fid_put(r->srv, nfid);
	return ret;
}

static int p9_rename(struct p9_req *r)
{
	char oname[NAME_MAX + 1], nname[NAME_MAX + 1];
	struct p9_fid *fid = NULL, *dfid = NULL;
	int pfd = -1, ret;
	u32 id, did;

	ret = p9_pull_u32(r, &id) ?: p9_pull_u32(r, &did) ?:
	      p9_pull_name(r, nname, sizeof(nname));
	if (ret)
		return ret;
	if (r->srv->readonly)
		return -EROFS;
	ret = p9_get_path_fid(r, id, &fid) ?: p9_get_path_fid(r, did, &dfid);
	if (!ret)
		ret = p9_fd_parent(r->srv, fid->fd, &pfd, oname, sizeof(oname));
	if (!ret && renameat(pfd, oname, dfid->fd, nname))
		ret = -errno;
	if (pfd >= 0)
		close(pfd);
	if (fid)
		p9_fid_put(r->srv, fid);
	if (dfid)
		p9_fid_put(r->srv, dfid);
	return ret;
}

static int p9_unlinkat(struct p9_req *r)
{
	char name[NAME_MAX + 1];
	struct p9_fid *dfid;
	u32 id, flags;
	int ret;

	ret = p9_pull_u32(r, &id) ?: p9_pull_name(r, name, sizeof(name)) ?:
	      p9_pull_u32(r, &flags);
	if (ret)
		return ret;
	if (flags & ~P9_DOTL_AT_REMOVEDIR)
		return -EINVAL;
	if (r->srv->readonly)
		return -EROFS;
	ret = p9_get_path_fid(r, id, &dfid);
	if (ret)
		return ret;
	if (unlinkat(dfid->fd, name, flags ? AT_REMOVEDIR : 0))
		ret = -errno;
	p9_fid_put(r->srv, dfid);
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
	if (p9_fstat(fid->fd, &st) || S_ISLNK(st.st_mode))
		return -EPERM;
	p9_proc_fd_path(path, sizeof(path), fid->fd);
	if (!fid->xattr_size) {
		if (removexattr(path, fid->xattr_name))
			return p9_attr_xattr_removed(fid->xattr_name, -errno);
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

	ret = p9_pull_u32(r, &id);
	if (ret)
		return ret;
	fid = p9_fid_remove(r->srv, id);
	if (!fid)
		return -EBADF;
	mutex_lock(&fid->lock);
	ret = xattr_commit(fid);
	mutex_unlock(&fid->lock);
	p9_fid_put(r->srv, fid);
	return ret;
}

static int p9_remove(struct p9_req *r)
{
	char name[NAME_MAX + 1];
	struct p9_fid *fid;
	struct stat st;
	int pfd, ret;
	u32 id;

	ret = p9_pull_u32(r, &id);
	if (ret)
		return ret;
	/* The fid goes away whatever happens. */
	fid = p9_fid_remove(r->srv, id);
	if (!fid)
		return -EBADF;
	if (r->srv->readonly)
		ret = -EROFS;
	else if (fid->fd < 0 || fid->xattr)
		ret = -EBADF;
	else
		ret = p9_fstat(fid->fd, &st) ?:
		      p9_fd_parent(r->srv, fid->fd, &pfd, name, sizeof(name));
	if (!ret) {
		if (unlinkat(pfd, name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0))
			ret = -errno;
		close(pfd);
	}
	p9_fid_put(r->srv, fid);
	return ret;
}

static int p9_statfs(struct p9_req *r)
{
	struct p9_fid *fid;
	struct statfs sfs;
	u64 fsid;
	u32 id;
	int ret;

	ret = p9_pull_u32(r, &id);
	if (ret)
		return ret;
	ret = p9_get_path_fid(r, id, &fid);
	if (ret)
		return ret;
	if (fstatfs(fid->fd, &sfs))
		ret = -errno;
	p9_fid_put(r->srv, fid);
	if (ret)
		return ret;
	memcpy(&fsid, &sfs.f_fsid, sizeof(fsid));
	return p9_push_u32(r, P9_STATFS_MAGIC) ?: p9_push_u32(r, sfs.f_bsize) ?:
	       p9_push_u64(r, sfs.f_blocks) ?: p9_push_u64(r, sfs.f_bfree) ?:
	       p9_push_u64(r, sfs.f_bavail) ?: p9_push_u64(r, sfs.f_files) ?:
	       p9_push_u64(r, sfs.f_ffree) ?: p9_push_u64(r, fsid) ?:
	       p9_push_u32(r, sfs.f_namelen);
}

/* The open descriptor of a fid, or -EBADF; *fid must be put. */
static int get_open_fd(struct p9_req *r, u32 id, struct p9_fid **fid)
{
	int fd;

	*fid = p9_fid_get(r->srv, id);
	if (!*fid)
		return -EBADF;
	mutex_lock(&(*fid)->lock);
	fd = (*fid)->open_fd;
	mutex_unlock(&(*fid)->lock);
	if (fd < 0) {
		p9_fid_put(r->srv, *fid);
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

	ret = p9_pull_u32(r, &id) ?: p9_pull_u32(r, &datasync);
	if (ret)
		return ret;
	fd = get_open_fd(r, id, &fid);
	if (fd < 0)
		return fd;
	ret = (datasync ? fdatasync(fd) : fsync(fd)) ? -errno : 0;
	p9_fid_put(r->srv, fid);
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

	ret = p9_pull_u32(r, id) ?: p9_pull_u8(r, &t);
	if (!ret && with_flags)
		ret = p9_pull_u32(r, &flags);
	ret = ret ?: p9_pull_u64(r, &start) ?: p9_pull_u64(r, &length) ?:
	      p9_pull_u32(r, proc_id) ?: p9_pull_str(r, client_id, size);
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
	p9_fid_put(r->srv, fid);
	return p9_push_u8(r, status);
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
	p9_fid_put(r->srv, fid);
	if (ret)
		return ret;
	if (fl.l_type == F_UNLCK)
		type = P9_LOCK_TYPE_UNLCK;
	else
		type = fl.l_type == F_RDLCK ? P9_LOCK_TYPE_RDLCK :
		       P9_LOCK_TYPE_WRLCK;
	if (type != P9_LOCK_TYPE_UNLCK)
		proc_id = 0;
	return p9_push_u8(r, type) ?: p9_push_u64(r, fl.l_start) ?:
	       p9_push_u64(r, fl.l_len) ?: p9_push_u32(r, proc_id) ?:
	       p9_push_str(r, client_id);
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
	ret = p9_fstat(fd, &st);
	if (ret)
		return ret;
	/* Our way in through /proc would follow a symlink: none there. */
	if (S_ISLNK(st.st_mode))
		return name[0] ? -ENODATA : 0;
	p9_proc_fd_path(path, sizeof(path), fd);
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
	char name[XATTR_NAME_MAX + 1], host[XATTR_NAME_MAX + 1] = "";
	struct p9_fid *fid, *nfid;
	u32 id, newid;
	size_t size;
	char *buf;
	int ret;

	ret = p9_pull_u32(r, &id) ?: p9_pull_u32(r, &newid) ?:
	      p9_pull_str(r, name, sizeof(name));
	if (!ret && name[0])
		ret = p9_attr_xattr_name(r->srv, name, false, host,
					 sizeof(host));
	if (ret)
		return ret;
	ret = p9_get_path_fid(r, id, &fid);
	if (ret)
		return ret;
	ret = xattr_read(fid->fd, host, &buf, &size);
	p9_fid_put(r->srv, fid);
	if (ret)
		return ret;
	if (!host[0])
		size = p9_attr_xattr_list(r->srv, buf, size);
	nfid = p9_fid_alloc(newid, -1, 0);
	if (!nfid) {
		free(buf);
		return -ENOMEM;
	}
	nfid->xattr = true;
	nfid->xattr_buf = buf;
	nfid->xattr_size = size;
	ret = p9_fid_insert(r->srv, nfid);
	if (ret)
		return ret;
	return p9_push_u64(r, size);
}

static int p9_xattrcreate(struct p9_req *r)
{
	char name[XATTR_NAME_MAX + 1], host[XATTR_NAME_MAX + 1];
	struct p9_fid *fid;
	u32 id, flags;
	u64 size;
	int ret;

	ret = p9_pull_u32(r, &id) ?: p9_pull_str(r, name, sizeof(name)) ?:
	      p9_pull_u64(r, &size) ?: p9_pull_u32(r, &flags);
	if (ret)
		return ret;
	if (!name[0] || (flags & ~(XATTR_CREATE | XATTR_REPLACE)))
		return -EINVAL;
	if (size > P9_XATTR_MAX)
		return -E2BIG;
	if (r->srv->readonly)
		return -EROFS;
	ret = p9_attr_xattr_name(r->srv, name, true, host, sizeof(host)) ?:
	      p9_get_path_fid(r, id, &fid);
	if (ret)
		return ret;
	mutex_lock(&fid->lock);
	if (fid->open_fd >= 0) {
		ret = -EBADF;
		goto out;
	}
	fid->xattr_name = strdup(host);
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
	p9_fid_put(r->srv, fid);
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
			/* A mapped plain file may be anything to the guest. */
			if (d->d_type == DT_REG &&
			    srv->security == P9_SECURITY_MAPPED)
				p[21] = DT_UNKNOWN;
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

	ret = p9_pull_u32(r, &id) ?: p9_pull_u64(r, &offset) ?: p9_pull_u32(r, &count);
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
	p9_fid_put(r->srv, fid);
	if (!ret)
		ret = p9_push_u32(r, used) ?: p9_push(r, buf, used);
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
	ret = p9_push_u32(r, n);
	if (!ret && n)
		ret = p9_push(r, fid->xattr_buf + offset, n);
out:
	mutex_unlock(&fid->lock);
	return ret;
}

/* Reads straight into the guest's buffers, after Rread's count. */
static int read_file(struct p9_req *r, int fd, u64 offset, u32 count)
{
	struct iovec iov[P9_MAX_IOV];
	struct iov_cursor count_at;
	size_t len;
	ssize_t n = 0;
	int nr;

	count_at = r->out;
	if (p9_push_u32(r, 0))
		return -ENOBUFS;
	nr = iov_cursor__slice(&r->out, iov, ARRAY_SIZE(iov), count, &len);
	if (nr)
		n = preadv(fd, iov, nr, offset);
	if (n < 0)
		return -errno;
	/* Give back what was not filled. */
	r->out = count_at;
	if (p9_push_u32(r, n) || !p9_iter_copy(&r->out, NULL, n, true))
		return -ENOBUFS;
	return 0;
}

static int p9_read(struct p9_req *r)
{
	struct p9_fid *fid;
	u32 id, count;
	u64 offset;
	int fd, ret;

	ret = p9_pull_u32(r, &id) ?: p9_pull_u64(r, &offset) ?: p9_pull_u32(r, &count);
	if (ret)
		return ret;
	if (offset > INT64_MAX)
		return -EINVAL;
	fid = p9_fid_get(r->srv, id);
	if (!fid)
		return -EBADF;
	if (fid->xattr) {
		ret = read_xattr_fid(r, fid, offset, count);
		p9_fid_put(r->srv, fid);
		return ret;
	}
	p9_fid_put(r->srv, fid);

	fd = get_open_fd(r, id, &fid);
	if (fd < 0)
		return fd;
	ret = read_file(r, fd, offset, count);
	p9_fid_put(r->srv, fid);
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
	else if (p9_pull(r, fid->xattr_buf + offset, count))
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

	ret = p9_pull_u32(r, &id) ?: p9_pull_u64(r, &offset) ?: p9_pull_u32(r, &count);
	if (ret)
		return ret;
	if (count > r->in.left)
		return -EPROTO;
	if (offset > INT64_MAX)
		return -EINVAL;
	fid = p9_fid_get(r->srv, id);
	if (!fid)
		return -EBADF;
	if (fid->xattr) {
		ret = write_xattr_fid(fid, r, offset, count);
		p9_fid_put(r->srv, fid);
		return ret ?: p9_push_u32(r, count);
	}
	p9_fid_put(r->srv, fid);
	if (r->srv->readonly)
		return -EROFS;

	fd = get_open_fd(r, id, &fid);
	if (fd < 0)
		return fd;
	nr = iov_cursor__slice(&r->in, iov, ARRAY_SIZE(iov), count, &len);
	n = nr ? pwritev(fd, iov, nr, offset) : 0;
	ret = n < 0 ? -errno : 0;
	p9_fid_put(r->srv, fid);
	return ret ?: p9_push_u32(r, n);
}

static int p9_flush(struct p9_req *r)
{
	u16 oldtag;

	/*
	 * The pool (pool.c) does the flushing, and sends this reply once the
	 * request flushed is dropped or answered; a transport serving
	 * requests in order has answered it already.
	 */
	return p9_pull_u16(r, &oldtag);
}

int p9_dispatch(struct p9_req *r)
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
