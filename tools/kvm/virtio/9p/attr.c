// SPDX-License-Identifier: GPL-2.0
/*
 * The security models of the 9p server: what the guest sees of a host
 * object's owner, group, mode and file type, and what the guest's
 * creations, chmods and chowns do to the host.
 *
 * Under passthrough they are the host's own: a root guest's device node
 * or setuid file is a host device node or setuid file.  Under mapped, as
 * with QEMU's security_model=mapped-xattr, the host only ever holds
 * plain files and directories of the user running lkvm, with modes for
 * that user alone; the guest's owner, group, mode (its file type and
 * setuid bits included) and device number are xattrs of the file,
 * user.virtfs.{uid,gid,mode,rdev} in QEMU's format (little-endian u32
 * uid, gid and mode, u64 rdev as makedev() gives it), so that a share
 * moves between the two.  A device node, FIFO or socket the guest makes
 * is an empty file on the host, a symlink a file holding its target.
 * What has no xattrs (files the host put there) shows the host's
 * attributes.  On a file system without user xattrs, trusted.virtfs.*
 * stands in for user.virtfs.* if we may write it.
 */
#include <errno.h>
#include <endian.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <linux/capability.h>

#include <linux/kernel.h>

#include "kvm/9p.h"
#include "internal.h"

/* Where QEMU keeps them, and where a tmpfs before Linux 6.6 can. */
#define META_USER	"user.virtfs."
#define META_TRUSTED	"trusted.virtfs."

static bool xattr_supported(const char *path, const char *name)
{
	char c;

	return getxattr(path, name, &c, sizeof(c)) >= 0 || errno != EOPNOTSUPP;
}

/* trusted.* needs CAP_SYS_ADMIN, which the kernel checks at each write. */
static bool may_write_trusted(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};

	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &
	       CAP_TO_MASK(CAP_SYS_ADMIN);
}

/*
 * Under mapped, chooses where the guest's attributes are kept: in
 * user.virtfs.*, or, on a file system without user xattrs (tmpfs before
 * Linux 6.6), in trusted.virtfs.* when we may write those.  A writable
 * share with neither cannot be mapped: -EOPNOTSUPP.
 */
int p9_attr_init(struct p9_server *srv)
{
	char path[40];

	srv->meta = META_USER;
	if (srv->security != P9_SECURITY_MAPPED)
		return 0;
	p9_proc_fd_path(path, sizeof(path), srv->root_fd);
	if (xattr_supported(path, META_USER "uid"))
		return 0;
	if (xattr_supported(path, META_TRUSTED "uid") &&
	    (srv->readonly || may_write_trusted())) {
		srv->meta = META_TRUSTED;
		return 0;
	}
	return srv->readonly ? 0 : -EOPNOTSUPP;
}

/* Is @name one of the server's own xattrs, whatever the model? */
bool p9_attr_is_meta(const char *name)
{
	return !strncmp(name, META_USER, strlen(META_USER)) ||
	       !strncmp(name, META_TRUSTED, strlen(META_TRUSTED));
}

static int meta_get(struct p9_server *srv, const char *path, const char *what,
		    void *val, size_t size)
{
	char name[32];

	snprintf(name, sizeof(name), "%s%s", srv->meta, what);
	/* A value of another size is not ours: the host's attribute holds. */
	return getxattr(path, name, val, size) == (ssize_t)size ? 0 : -1;
}

static int meta_set(struct p9_server *srv, const char *path, const char *what,
		    const void *val, size_t size)
{
	char name[32];

	snprintf(name, sizeof(name), "%s%s", srv->meta, what);
	return setxattr(path, name, val, size, 0) ? -errno : 0;
}

/*
 * The mode the guest sees, from the host's and the mode xattr: the file
 * type may differ only where the host has a plain file, and a directory
 * stays one.
 */
static mode_t guest_mode(mode_t host, u32 meta)
{
	mode_t type = meta & S_IFMT;

	if (!S_ISREG(host))
		type = host & S_IFMT;
	switch (type) {
	case S_IFREG: case S_IFLNK: case S_IFCHR: case S_IFBLK:
	case S_IFIFO: case S_IFSOCK: case S_IFDIR:
		break;
	default:
		type = host & S_IFMT;
	}
	if (S_ISDIR(type) != S_ISDIR(host))
		type = host & S_IFMT;
	return type | (meta & 07777);
}

/* The guest's st_mode of @fd, whose host stat is @host. */
mode_t p9_attr_mode(struct p9_server *srv, int fd, const struct stat *host)
{
	char path[40];
	__le32 v;

	if (srv->security != P9_SECURITY_MAPPED || S_ISLNK(host->st_mode))
		return host->st_mode;
	p9_proc_fd_path(path, sizeof(path), fd);
	if (meta_get(srv, path, "mode", &v, sizeof(v)))
		return host->st_mode;
	return guest_mode(host->st_mode, le32toh(v));
}

/* The stat of @fd as the guest sees it. */
int p9_attr_stat(struct p9_server *srv, int fd, struct stat *st)
{
	char path[40];
	__le32 v;
	__le64 v64;
	int ret;

	ret = p9_fstat(fd, st);
	if (ret || srv->security != P9_SECURITY_MAPPED ||
	    S_ISLNK(st->st_mode))
		return ret;
	p9_proc_fd_path(path, sizeof(path), fd);
	if (!meta_get(srv, path, "uid", &v, sizeof(v)))
		st->st_uid = le32toh(v);
	if (!meta_get(srv, path, "gid", &v, sizeof(v)))
		st->st_gid = le32toh(v);
	if (!meta_get(srv, path, "mode", &v, sizeof(v)))
		st->st_mode = guest_mode(st->st_mode, le32toh(v));
	if ((S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) &&
	    !meta_get(srv, path, "rdev", &v64, sizeof(v64)))
		st->st_rdev = le64toh(v64);
	return 0;
}

/*
 * Keeps what the guest set in the xattrs of @fd: each of @uid, @gid and
 * @mode unless it is -1, and *@rdev unless @rdev is NULL.
 */
static int meta_store(struct p9_server *srv, int fd, uid_t uid, gid_t gid,
		      mode_t mode, const dev_t *rdev)
{
	char path[40];
	__le32 v;
	__le64 v64;
	int ret = 0;

	p9_proc_fd_path(path, sizeof(path), fd);
	if (uid != (uid_t)-1) {
		v = htole32(uid);
		ret = meta_set(srv, path, "uid", &v, sizeof(v));
	}
	if (!ret && gid != (gid_t)-1) {
		v = htole32(gid);
		ret = meta_set(srv, path, "gid", &v, sizeof(v));
	}
	if (!ret && mode != (mode_t)-1) {
		v = htole32(mode);
		ret = meta_set(srv, path, "mode", &v, sizeof(v));
	}
	if (!ret && rdev) {
		v64 = htole64(*rdev);
		ret = meta_set(srv, path, "rdev", &v64, sizeof(v64));
	}
	return ret;
}

/*
 * The host mode of a mapped object whose guest mode is @mode: its
 * owner's alone, never setuid, setgid or sticky, executable by the
 * owner where the guest's is by anyone.
 */
static mode_t host_perm(mode_t mode)
{
	if (S_ISDIR(mode) || (S_ISREG(mode) && (mode & 0111)))
		return 0700;
	return 0600;
}

/* The permission bits to create a host object with for guest @mode. */
mode_t p9_attr_create_mode(struct p9_server *srv, mode_t mode)
{
	if (srv->security == P9_SECURITY_MAPPED)
		return host_perm(mode);
	return mode & 07777;
}

/* Where our umask took bits off a new object, put them back. */
static void undo_umask(struct p9_server *srv, int fd, mode_t perm)
{
	char path[40];

	if (!(perm & srv->umask))
		return;
	p9_proc_fd_path(path, sizeof(path), fd);
	chmod(path, perm);
}

/*
 * The guest created @fd in a directory of @dfid with @mode (the file
 * type included), @rdev and @gid: make it the guest's, and return what
 * the guest now sees of it in @st.  Under mapped a failure leaves the
 * object without the guest's attributes: the caller removes it.
 */
int p9_attr_new(struct p9_server *srv, struct p9_fid *dfid, int fd,
		mode_t mode, dev_t rdev, gid_t gid, struct stat *st)
{
	int ret;

	ret = p9_fstat(fd, st);
	if (ret)
		return ret;
	if (srv->security == P9_SECURITY_MAPPED) {
		undo_umask(srv, fd, host_perm(mode));
		return meta_store(srv, fd, dfid->uid, gid, mode,
				  S_ISCHR(mode) || S_ISBLK(mode) ? &rdev : NULL) ?:
		       p9_attr_stat(srv, fd, st);
	}
	if (!S_ISLNK(st->st_mode))
		undo_umask(srv, fd, mode & 07777);
	if (geteuid() == 0)
		fchownat(fd, "", dfid->uid, gid,
			 AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
	return 0;
}

static int set_passthrough(int fd, const struct stat *st, u32 valid,
			   u32 mode, u32 uid, u32 gid)
{
	char path[40];

	p9_proc_fd_path(path, sizeof(path), fd);
	/* Symlinks have no mode of their own. */
	if ((valid & P9_ATTR_MODE) && !S_ISLNK(st->st_mode) &&
	    chmod(path, mode & 07777))
		return -errno;
	if ((valid & (P9_ATTR_UID | P9_ATTR_GID)) &&
	    fchownat(fd, "", (valid & P9_ATTR_UID) ? uid : (uid_t)-1,
		     (valid & P9_ATTR_GID) ? gid : (gid_t)-1,
		     AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -errno;
	return 0;
}

static int set_mapped(struct p9_server *srv, int fd, const struct stat *host,
		      u32 valid, u32 mode, u32 uid, u32 gid)
{
	mode_t new_mode = (mode_t)-1, perm;
	char path[40];

	/* The host's own symlinks have no mode, and no room for xattrs. */
	if (S_ISLNK(host->st_mode))
		return valid & (P9_ATTR_UID | P9_ATTR_GID) ? -EPERM : 0;
	if (valid & P9_ATTR_MODE) {
		/* A chmod never changes what the file is. */
		new_mode = (p9_attr_mode(srv, fd, host) & S_IFMT) |
			   (mode & 07777);
		perm = host_perm(new_mode);
		p9_proc_fd_path(path, sizeof(path), fd);
		if ((host->st_mode & 07777) != perm && chmod(path, perm))
			return -errno;
	}
	return meta_store(srv, fd, valid & P9_ATTR_UID ? uid : (uid_t)-1,
			  valid & P9_ATTR_GID ? gid : (gid_t)-1, new_mode, NULL);
}

/*
 * Tsetattr's mode, owner and group of @fd (whose host stat is @host).
 * Under mapped only the xattrs take the guest's, and the host mode
 * follows as p9_attr_create_mode() says.
 */
int p9_attr_set(struct p9_server *srv, int fd, const struct stat *host,
		u32 valid, u32 mode, u32 uid, u32 gid)
{
	if (!(valid & (P9_ATTR_MODE | P9_ATTR_UID | P9_ATTR_GID)))
		return 0;
	if (srv->security == P9_SECURITY_MAPPED)
		return set_mapped(srv, fd, host, valid, mode, uid, gid);
	return set_passthrough(fd, host, valid, mode, uid, gid);
}

/* POSIX ACLs, which QEMU's mapped model keeps as META_USER "system...". */
static bool is_acl(const char *name)
{
	return !strcmp(name, "system.posix_acl_access") ||
	       !strcmp(name, "system.posix_acl_default");
}

static bool has_prefix(const char *name, const char *prefix)
{
	return !strncmp(name, prefix, strlen(prefix));
}

/*
 * The host's name for the guest's xattr @name, in @buf, or why the guest
 * may not have it (@write: to set or remove it):
 *  - the server's own, *.virtfs.*, are neither read nor written, in any
 *    model (ENODATA and EACCES, as QEMU says);
 *  - under mapped the guest has its user.* xattrs and its POSIX ACLs,
 *    which are kept as mapped attributes so that they grant nothing on
 *    the host; security.*, trusted.* and system.* are the host's
 *    business: EOPNOTSUPP, which tools such as cp -a pass over;
 *  - under passthrough the guest reads what the host has, but writes no
 *    security.* or trusted.* xattr: a file capability, an LSM label or
 *    an overlayfs redirect given to a host file is not what passthrough
 *    is for, and would hold on the host whatever user runs lkvm.
 */
int p9_attr_xattr_name(struct p9_server *srv, const char *name, bool write,
		       char *buf, size_t size)
{
	if (p9_attr_is_meta(name))
		return write ? -EACCES : -ENODATA;
	if (srv->security == P9_SECURITY_MAPPED) {
		if (is_acl(name))
			return snprintf(buf, size, "%s%s", srv->meta, name) >=
			       (int)size ? -ERANGE : 0;
		if (!has_prefix(name, "user."))
			return -EOPNOTSUPP;
	} else if (write && (has_prefix(name, "security.") ||
			     has_prefix(name, "trusted."))) {
		return -EOPNOTSUPP;
	}
	if (snprintf(buf, size, "%s", name) >= (int)size)
		return -ERANGE;
	return 0;
}

/* How the host's xattr @name is listed to the guest, or NULL for not. */
static const char *listed_name(struct p9_server *srv, const char *name)
{
	bool mapped = srv->security == P9_SECURITY_MAPPED;

	if (p9_attr_is_meta(name)) {
		if (!mapped || !has_prefix(name, srv->meta))
			return NULL;
		name += strlen(srv->meta);
		return is_acl(name) ? name : NULL;
	}
	if (mapped && !has_prefix(name, "user."))
		return NULL;
	return name;
}

/*
 * Turns the host's list of xattr names, @len bytes at @buf, into what
 * the guest sees, in place; returns its new length.
 */
size_t p9_attr_xattr_list(struct p9_server *srv, char *buf, size_t len)
{
	size_t in = 0, out = 0, n;
	const char *name;

	while (in < len) {
		n = strnlen(buf + in, len - in);
		if (n == len - in)
			break;
		name = listed_name(srv, buf + in);
		in += n + 1;
		if (!name)
			continue;
		n = strlen(name) + 1;
		memmove(buf + out, name, n);
		out += n;
	}
	return out;
}

/* Removing a mapped ACL that is not there is no error, as for a real one. */
int p9_attr_xattr_removed(const char *host_name, int err)
{
	return err == -ENODATA && p9_attr_is_meta(host_name) ? 0 : err;
}

