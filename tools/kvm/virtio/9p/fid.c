// SPDX-License-Identifier: GPL-2.0
/*
 * The fid table and the security boundary of the 9p server: every host
 * object the guest names is reached here, and only here.
 *
 * A fid holds an O_PATH descriptor of the object it names.  Walks go one
 * component at a time with openat(O_NOFOLLOW) from the parent
 * descriptor, names may not contain '/', and ".." is computed from the
 * fid's current path below the root and reopened with RESOLVE_BENEATH.
 * The server therefore never follows a symlink on the guest's behalf; a
 * file is opened by reopening its descriptor through /proc/self/fd, which
 * lands on exactly that object.  Device nodes, FIFOs and sockets are
 * never opened.
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

int p9_openat2(int dirfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(__NR_openat2, dirfd, path, &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

void p9_proc_fd_path(char *buf, size_t size, int fd)
{
	snprintf(buf, size, "/proc/self/fd/%d", fd);
}

/* Opens the very object @fd (an O_PATH descriptor) refers to. */
int p9_reopen(int fd, int flags)
{
	char path[40];
	int ret;

	p9_proc_fd_path(path, sizeof(path), fd);
	ret = open(path, flags | O_CLOEXEC);
	return ret < 0 ? -errno : ret;
}

int p9_fstat(int fd, struct stat *st)
{
	if (fstatat(fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -errno;
	return 0;
}

void p9_stat_to_qid(struct p9_server *srv, const struct stat *st,
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

/* The qid of @fd, of the file type the guest sees. */
int p9_fd_qid(struct p9_server *srv, int fd, struct p9_qid *qid)
{
	struct stat st;
	int ret = p9_fstat(fd, &st);

	if (ret)
		return ret;
	st.st_mode = p9_attr_mode(srv, fd, &st);
	p9_stat_to_qid(srv, &st, qid);
	return 0;
}

/*
 * Does @rel, beneath the root, still name the object @fd refers to?  The
 * /proc link of an unlinked object reads "PATH (deleted)", which may be
 * another file's name, or none.
 */
static int p9_relpath_check(struct p9_server *srv, int fd, const char *rel)
{
	struct stat st, rst;
	int rfd, ret;

	rfd = p9_openat2(srv->root_fd, rel, O_PATH | O_NOFOLLOW);
	if (rfd < 0)
		return rfd == -ENOENT || rfd == -ENOTDIR ? -ENOENT : rfd;
	ret = p9_fstat(fd, &st) ?: p9_fstat(rfd, &rst);
	if (!ret && (st.st_dev != rst.st_dev || st.st_ino != rst.st_ino))
		ret = -ENOENT;
	close(rfd);
	return ret;
}

/*
 * The path of @fd relative to the root ("" for the root itself), from
 * /proc: it follows renames.  Fails if the object is no longer below the
 * root, or no longer has a name (-ENOENT).
 */
static int p9_fd_relpath(struct p9_server *srv, int fd, char *buf, size_t size,
		      const char **rel)
{
	char link[40];
	ssize_t len;

	p9_proc_fd_path(link, sizeof(link), fd);
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
	return p9_relpath_check(srv, fd, *rel);
}

/*
 * The directory holding @fd, opened O_PATH beneath the root, and the name
 * of @fd in it.  The root has no parent: -EBUSY.
 */
int p9_fd_parent(struct p9_server *srv, int fd, int *dirfd, char *name,
		 size_t name_size)
{
	char buf[PATH_MAX];
	const char *rel;
	char *slash;
	int ret;

	ret = p9_fd_relpath(srv, fd, buf, sizeof(buf), &rel);
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
	ret = p9_openat2(srv->root_fd, slash ? rel : ".",
			  O_PATH | O_DIRECTORY);
	if (ret < 0)
		return ret;
	*dirfd = ret;
	return 0;
}

/* One walk step from @dirfd; returns a new O_PATH descriptor. */
int p9_walk_one(struct p9_server *srv, int dirfd, const char *name)
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
	ret = p9_fd_relpath(srv, dirfd, buf, sizeof(buf), &rel);
	if (ret)
		return ret;
	slash = strrchr(rel, '/');
	if (slash)
		*slash = '\0';
	return p9_openat2(srv->root_fd, slash ? rel : ".",
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

struct p9_fid *p9_fid_alloc(u32 id, int fd, u32 uid)
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

void p9_fid_free(struct p9_fid *fid)
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
struct p9_fid *p9_fid_get(struct p9_server *srv, u32 id)
{
	struct p9_fid *fid;

	mutex_lock(&srv->lock);
	fid = __fid_find(srv, id);
	if (fid)
		fid->refs++;
	mutex_unlock(&srv->lock);
	return fid;
}

void p9_fid_put(struct p9_server *srv, struct p9_fid *fid)
{
	bool last;

	mutex_lock(&srv->lock);
	last = --fid->refs == 0;
	mutex_unlock(&srv->lock);
	if (last)
		p9_fid_free(fid);
}

/*
 * Adds a new fid; the table owns the reference it was allocated with.
 * -EEXIST (and @fid freed) if the number is taken.
 */
int p9_fid_insert(struct p9_server *srv, struct p9_fid *fid)
{
	mutex_lock(&srv->lock);
	if (__fid_find(srv, fid->id)) {
		mutex_unlock(&srv->lock);
		p9_fid_free(fid);
		return -EEXIST;
	}
	hlist_add_head(&fid->node, fid_bucket(srv, fid->id));
	mutex_unlock(&srv->lock);
	return 0;
}

bool p9_fid_exists(struct p9_server *srv, u32 id)
{
	bool ret;

	mutex_lock(&srv->lock);
	ret = __fid_find(srv, id) != NULL;
	mutex_unlock(&srv->lock);
	return ret;
}

/* Unhashes a fid; the caller gets the table's reference. */
struct p9_fid *p9_fid_remove(struct p9_server *srv, u32 id)
{
	struct p9_fid *fid;

	mutex_lock(&srv->lock);
	fid = __fid_find(srv, id);
	if (fid)
		hlist_del(&fid->node);
	mutex_unlock(&srv->lock);
	return fid;
}

void p9_fid_remove_all(struct p9_server *srv)
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
		p9_fid_put(srv, fid);
}

/* Gets a fid that names a file (not an xattr): -EBADF otherwise. */
int p9_get_path_fid(struct p9_req *r, u32 id, struct p9_fid **out)
{
	struct p9_fid *fid = p9_fid_get(r->srv, id);

	if (!fid)
		return -EBADF;
	if (fid->fd < 0 || fid->xattr) {
		p9_fid_put(r->srv, fid);
		return -EBADF;
	}
	*out = fid;
	return 0;
}
