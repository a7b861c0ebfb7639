// SPDX-License-Identifier: GPL-2.0
/*
 * The 9P2000.L server against hand-built messages: the operations the
 * Linux client uses, scattered replies, escapes from the share, read-only
 * shares and malformed messages.
 */
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/xattr.h>

#include "tap.h"
#include "kvm/9p.h"

struct msg {
	unsigned char buf[70000];
	size_t len;
};

struct reply {
	unsigned char buf[70000];
	size_t len;
	size_t pos;
	u8 type;
	u32 err;		/* Rlerror's ecode, else 0 */
};

/* Tests in the suite run under each model, and in each model's own. */
#define SUITE		146
#define MAPPED		40
#define PASSTHROUGH	3

static struct p9_server *srv;
static enum p9_security security;
static char root[256], outside[256];
static u16 next_tag = 1;

static void put(struct msg *m, const void *p, size_t n)
{
	memcpy(m->buf + m->len, p, n);
	m->len += n;
}

static void m_u8(struct msg *m, u8 v)
{
	put(m, &v, 1);
}

static void m_u16(struct msg *m, u16 v)
{
	put(m, &v, 2);
}

static void m_u32(struct msg *m, u32 v)
{
	put(m, &v, 4);
}

static void m_u64(struct msg *m, u64 v)
{
	put(m, &v, 8);
}

static void m_str(struct msg *m, const char *s)
{
	m_u16(m, strlen(s));
	put(m, s, strlen(s));
}

static void m_start(struct msg *m, u8 type)
{
	u16 tag = next_tag++;

	m->len = 4;
	m_u8(m, type);
	m_u16(m, tag);
}

static void m_end(struct msg *m)
{
	u32 len = m->len;

	memcpy(m->buf, &len, 4);
}

static u8 r_u8(struct reply *r)
{
	return r->buf[r->pos++];
}

static u16 r_u16(struct reply *r)
{
	u16 v;

	memcpy(&v, r->buf + r->pos, 2);
	r->pos += 2;
	return v;
}

static u32 r_u32(struct reply *r)
{
	u32 v;

	memcpy(&v, r->buf + r->pos, 4);
	r->pos += 4;
	return v;
}

static u64 r_u64(struct reply *r)
{
	u64 v;

	memcpy(&v, r->buf + r->pos, 8);
	r->pos += 8;
	return v;
}

static void r_str(struct reply *r, char *s, size_t size)
{
	u16 len = r_u16(r);
	size_t n = len < size ? len : size - 1;

	memcpy(s, r->buf + r->pos, n);
	s[n] = '\0';
	r->pos += len;
}

static u64 r_qid(struct reply *r, u8 *type)
{
	u8 t = r_u8(r);

	if (type)
		*type = t;
	r_u32(r);
	return r_u64(r);
}

/* Sends a raw buffer; the reply lands in @r. */
static void send_raw(const void *buf, size_t len, struct reply *r)
{
	struct iovec in = { (void *)buf, len };
	struct iovec out = { r->buf, sizeof(r->buf) };

	r->len = p9_server_handle(srv, &in, 1, &out, 1);
	r->pos = 7;
	r->type = r->buf[4];
	r->err = r->type == P9_RLERROR ? (memcpy(&r->err, r->buf + 7, 4),
					   r->err) : 0;
}

static void send(struct msg *m, struct reply *r)
{
	m_end(m);
	send_raw(m->buf, m->len, r);
}

/* The common requests, returning the Rlerror code (0 on success). */

static u32 version(u32 msize, const char *v, struct reply *r)
{
	struct msg m;

	m_start(&m, P9_TVERSION);
	m_u32(&m, msize);
	m_str(&m, v);
	send(&m, r);
	return r->err;
}

static u32 attach(u32 fid, struct reply *r)
{
	struct msg m;

	m_start(&m, P9_TATTACH);
	m_u32(&m, fid);
	m_u32(&m, P9_NOFID);
	m_str(&m, "root");
	m_str(&m, "");
	m_u32(&m, 0);
	send(&m, r);
	return r->err;
}

/* @path: names separated by '/', e.g. "a/b"; "" clones. */
static u32 walk(u32 fid, u32 newfid, const char *path, struct reply *r)
{
	char copy[256], *name, *save = NULL;
	char *names[32];
	int n = 0, i;
	struct msg m;

	snprintf(copy, sizeof(copy), "%s", path);
	for (name = strtok_r(copy, "/", &save); name;
	     name = strtok_r(NULL, "/", &save))
		names[n++] = name;
	m_start(&m, P9_TWALK);
	m_u32(&m, fid);
	m_u32(&m, newfid);
	m_u16(&m, n);
	for (i = 0; i < n; i++)
		m_str(&m, names[i]);
	send(&m, r);
	return r->err;
}

static u32 clunk(u32 fid)
{
	struct reply r;
	struct msg m;

	m_start(&m, P9_TCLUNK);
	m_u32(&m, fid);
	send(&m, &r);
	return r.err;
}

static u32 lopen(u32 fid, u32 flags, struct reply *r)
{
	struct msg m;

	m_start(&m, P9_TLOPEN);
	m_u32(&m, fid);
	m_u32(&m, flags);
	send(&m, r);
	return r->err;
}

static u32 lcreate(u32 fid, const char *name, u32 flags, u32 mode,
		   struct reply *r)
{
	struct msg m;

	m_start(&m, P9_TLCREATE);
	m_u32(&m, fid);
	m_str(&m, name);
	m_u32(&m, flags);
	m_u32(&m, mode);
	m_u32(&m, 0);
	send(&m, r);
	return r->err;
}

static u32 mkdir_(u32 fid, const char *name, u32 mode, struct reply *r)
{
	struct msg m;

	m_start(&m, P9_TMKDIR);
	m_u32(&m, fid);
	m_str(&m, name);
	m_u32(&m, mode);
	m_u32(&m, 0);
	send(&m, r);
	return r->err;
}

static u32 write_(u32 fid, u64 off, const char *data, struct reply *r)
{
	struct msg m;

	m_start(&m, P9_TWRITE);
	m_u32(&m, fid);
	m_u64(&m, off);
	m_u32(&m, strlen(data));
	put(&m, data, strlen(data));
	send(&m, r);
	return r->err;
}

static u32 read_(u32 fid, u64 off, u32 count, struct reply *r)
{
	struct msg m;

	m_start(&m, P9_TREAD);
	m_u32(&m, fid);
	m_u64(&m, off);
	m_u32(&m, count);
	send(&m, r);
	return r->err;
}

static u32 getattr(u32 fid, struct reply *r, u32 *mode, u64 *size)
{
	struct msg m;

	m_start(&m, P9_TGETATTR);
	m_u32(&m, fid);
	m_u64(&m, P9_STATS_BASIC);
	send(&m, r);
	if (r->err)
		return r->err;
	r_u64(r);
	r_qid(r, NULL);
	*mode = r_u32(r);
	r_u32(r);
	r_u32(r);
	r_u64(r);
	r_u64(r);
	*size = r_u64(r);
	return 0;
}

static u32 unlinkat_(u32 dfid, const char *name, u32 flags)
{
	struct reply r;
	struct msg m;

	m_start(&m, P9_TUNLINKAT);
	m_u32(&m, dfid);
	m_str(&m, name);
	m_u32(&m, flags);
	send(&m, &r);
	return r.err;
}

struct attr {
	u8 qtype;
	u32 mode, uid, gid;
	u64 rdev, size;
};

static u32 getattr_all(u32 fid, struct attr *a)
{
	struct reply r;
	struct msg m;

	m_start(&m, P9_TGETATTR);
	m_u32(&m, fid);
	m_u64(&m, P9_STATS_BASIC);
	send(&m, &r);
	memset(a, 0, sizeof(*a));
	if (r.err)
		return r.err;
	r_u64(&r);
	r_qid(&r, &a->qtype);
	a->mode = r_u32(&r);
	a->uid = r_u32(&r);
	a->gid = r_u32(&r);
	r_u64(&r);
	a->rdev = r_u64(&r);
	a->size = r_u64(&r);
	return 0;
}

static u32 setattr_(u32 fid, u32 valid, u32 mode, u32 uid, u32 gid)
{
	struct reply r;
	struct msg m;

	m_start(&m, P9_TSETATTR);
	m_u32(&m, fid);
	m_u32(&m, valid);
	m_u32(&m, mode);
	m_u32(&m, uid);
	m_u32(&m, gid);
	m_u64(&m, 0);
	m_u64(&m, 0); m_u64(&m, 0); m_u64(&m, 0); m_u64(&m, 0);
	send(&m, &r);
	return r.err;
}

static u32 mknod_(u32 dfid, const char *name, u32 mode, u32 ma, u32 mi)
{
	struct reply r;
	struct msg m;

	m_start(&m, P9_TMKNOD);
	m_u32(&m, dfid);
	m_str(&m, name);
	m_u32(&m, mode);
	m_u32(&m, ma);
	m_u32(&m, mi);
	m_u32(&m, 0);
	send(&m, &r);
	return r.err;
}

static bool host_exists(const char *rel)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return lstat(path, &st) == 0;
}

static void test_version_attach(void)
{
	struct reply r;
	char v[32];
	u64 root_path;
	u8 type;

	is_int(version(1 << 30, "9P2000.L", &r), 0, "Tversion");
	is_int(r.type, P9_RVERSION, "Rversion");
	is_int(r_u32(&r), P9_MAX_MSIZE, "msize capped at our maximum");
	r_str(&r, v, sizeof(v));
	is_str(v, "9P2000.L", "version 9P2000.L");

	version(8192, "9P2000.u", &r);
	r_u32(&r);
	r_str(&r, v, sizeof(v));
	is_str(v, "unknown", "other versions are unknown");
	is_int(version(100, "9P2000.L", &r), EINVAL, "tiny msize refused");
	is_int(version(65536, "9P2000.L", &r), 0, "msize 64k");
	is_int(p9_server_msize(srv), 65536, "msize agreed");

	is_int(attach(1, &r), 0, "Tattach");
	root_path = r_qid(&r, &type);
	is_int(type, P9_QTDIR, "root qid is a directory");
	is_int(attach(1, &r), EEXIST, "fid in use");
	is_int(walk(1, 2, "..", &r), 0, "walk .. from the root");
	is_int(r_u16(&r), 1, "one qid");
	is_u64(r_qid(&r, NULL), root_path, ".. of the root is the root");
	clunk(2);
}

static void test_files(void)
{
	unsigned char out1[11], out2[3], out3[64];
	struct iovec in, out[3];
	char data[64];
	struct reply r;
	struct msg m;
	u64 size;
	u32 mode;

	is_int(walk(1, 2, "nothere", &r), ENOENT, "walk to a missing name");
	is_int(walk(1, 2, "", &r), 0, "clone the root fid");
	is_int(lcreate(2, "file", 2, 0640, &r), 0, "Tlcreate");
	is_int(r.type, P9_RLCREATE, "Rlcreate");
	ok(host_exists("file"), "file created on the host");
	is_int(write_(2, 0, "hello world", &r), 0, "Twrite");
	is_int(r_u32(&r), 11, "wrote 11 bytes");
	is_int(read_(2, 6, 100, &r), 0, "Tread");
	is_int(r_u32(&r), 5, "read 5 bytes");
	ok(!memcmp(r.buf + r.pos, "world", 5), "read back what was written");
	is_int(getattr(2, &r, &mode, &size), 0, "Tgetattr");
	is_int(mode, S_IFREG | 0640, "mode despite our umask");
	is_int(size, 11, "size");
	clunk(2);

	/* A zero-copy read: header and data in separate buffers. */
	walk(1, 2, "file", &r);
	is_int(lopen(2, 0, &r), 0, "Tlopen read-only");
	m_start(&m, P9_TREAD);
	m_u32(&m, 2);
	m_u64(&m, 0);
	m_u32(&m, 64);
	m_end(&m);
	in.iov_base = m.buf;
	in.iov_len = m.len;
	out[0] = (struct iovec){ out1, sizeof(out1) };
	out[1] = (struct iovec){ out2, sizeof(out2) };
	out[2] = (struct iovec){ out3, sizeof(out3) };
	is_int(p9_server_handle(srv, &in, 1, out, 3), 11 + 11, "scattered Rread");
	memcpy(&mode, out1 + 7, 4);
	is_int(mode, 11, "count in the header buffer");
	memcpy(data, out2, 3);
	memcpy(data + 3, out3, 8);
	ok(!memcmp(data, "hello world", 11), "data across the buffers");
	is_int(write_(2, 0, "x", &r), EBADF, "write to a read-only open");
	is_int(lopen(2, 0, &r), EBADF, "second Tlopen of a fid");
	clunk(2);

	/* Truncate and append through Tsetattr and O_APPEND. */
	walk(1, 2, "file", &r);
	m_start(&m, P9_TSETATTR);
	m_u32(&m, 2);
	m_u32(&m, P9_ATTR_SIZE | P9_ATTR_MODE);
	m_u32(&m, 0600);
	m_u32(&m, 0);
	m_u32(&m, 0);
	m_u64(&m, 5);
	m_u64(&m, 0); m_u64(&m, 0); m_u64(&m, 0); m_u64(&m, 0);
	send(&m, &r);
	is_int(r.err, 0, "Tsetattr size and mode");
	getattr(2, &r, &mode, &size);
	ok(size == 5 && mode == (S_IFREG | 0600), "truncated, chmod'ed");
	is_int(lopen(2, 1 | P9_DOTL_APPEND, &r), 0, "Tlopen append");
	write_(2, 0, "!", &r);
	getattr(2, &r, &mode, &size);
	is_int(size, 6, "appended");
	clunk(2);
}

static void test_dirs(void)
{
	char names[1024] = "", name[256];
	u64 offset = 0, off;
	struct reply r;
	struct msg m;
	u32 count;
	int rounds = 0, entries = 0;

	walk(1, 2, "", &r);
	is_int(mkdir_(2, "dir", 0755, &r), 0, "Tmkdir");
	is_int(walk(1, 3, "dir/..", &r), 0, "walk dir/..");
	is_int(r_u16(&r), 2, "two qids");
	clunk(3);
	is_int(mkdir_(2, "dir", 0755, &r), EEXIST, "Tmkdir existing");
	is_int(mkdir_(2, "..", 0755, &r), EINVAL, "Tmkdir ..");
	is_int(mkdir_(2, "a/b", 0755, &r), EINVAL, "Tmkdir with a slash");
	is_int(lopen(2, P9_DOTL_DIRECTORY, &r), 0, "Tlopen a directory");

	/* Page through with a small count: every entry exactly once. */
	do {
		m_start(&m, P9_TREADDIR);
		m_u32(&m, 2);
		m_u64(&m, offset);
		m_u32(&m, 40);
		send(&m, &r);
		if (r.err)
			break;
		count = r_u32(&r);
		while (r.pos < 11 + count) {
			r_qid(&r, NULL);
			off = r_u64(&r);
			r_u8(&r);
			r_str(&r, name, sizeof(name));
			strcat(names, name);
			strcat(names, " ");
			offset = off;
			entries++;
		}
		rounds++;
	} while (count && rounds < 20);
	is_int(r.err, 0, "Treaddir");
	ok(rounds > 2, "needed several Treaddir (%d)", rounds);
	is_int(entries, 4, "four entries");
	ok(strstr(names, "file ") && strstr(names, "dir ") &&
	   strstr(names, ". ") && strstr(names, ".. "),
	   "names: %s", names);
	clunk(2);

	walk(1, 2, "", &r);
	is_int(unlinkat_(2, "dir", 0), EISDIR, "unlink a directory");
	is_int(unlinkat_(2, "dir", P9_DOTL_AT_REMOVEDIR), 0, "rmdir");
	ok(!host_exists("dir"), "directory gone");
	clunk(2);
}

static void test_links(void)
{
	char target[256];
	struct reply r;
	struct msg m;

	walk(1, 2, "", &r);
	m_start(&m, P9_TSYMLINK);
	m_u32(&m, 2);
	m_str(&m, "up");
	m_str(&m, "../..");
	m_u32(&m, 0);
	send(&m, &r);
	is_int(r.err, 0, "Tsymlink");
	m_start(&m, P9_TSYMLINK);
	m_u32(&m, 2);
	m_str(&m, "abs");
	m_str(&m, outside);
	m_u32(&m, 0);
	send(&m, &r);

	is_int(walk(1, 3, "up/secret", &r), 0, "walk through a symlink...");
	ok(r.type == P9_RWALK && r_u16(&r) == 1, "...stops at the symlink");
	is_int(walk(1, 3, "abs/secret", &r), 0, "walk through an absolute one");
	ok(r.type == P9_RWALK && r_u16(&r) == 1, "...stops there too");
	is_int(clunk(3), EBADF, "no fid from a partial walk");
	is_int(walk(1, 3, "../../secret", &r), 0, "dot-dot stays inside...");
	ok(r.type == P9_RWALK && r_u16(&r) == 2, "...where there is no secret");
	is_int(walk(1, 3, "up", &r), 0, "walk to the symlink");
	m_start(&m, P9_TREADLINK);
	m_u32(&m, 3);
	send(&m, &r);
	r_str(&r, target, sizeof(target));
	is_str(target, "../..", "Treadlink");
	is_int(lopen(3, 0, &r), ELOOP, "no Tlopen of a symlink");
	is_int(walk(3, 4, "secret", &r), ENOTDIR, "no walk from a symlink");
	clunk(3);

	walk(1, 3, "file", &r);
	m_start(&m, P9_TLINK);
	m_u32(&m, 2);
	m_u32(&m, 3);
	m_str(&m, "hard");
	send(&m, &r);
	is_int(r.err, 0, "Tlink");
	clunk(3);
	m_start(&m, P9_TRENAMEAT);
	m_u32(&m, 2);
	m_str(&m, "hard");
	m_u32(&m, 2);
	m_str(&m, "moved");
	send(&m, &r);
	is_int(r.err, 0, "Trenameat");
	ok(host_exists("moved") && !host_exists("hard"), "renamed");

	walk(1, 3, "moved", &r);
	m_start(&m, P9_TRENAME);
	m_u32(&m, 3);
	m_u32(&m, 2);
	m_str(&m, "again");
	send(&m, &r);
	is_int(r.err, 0, "Trename");
	ok(host_exists("again") && !host_exists("moved"), "renamed by fid");
	m_start(&m, P9_TREMOVE);
	m_u32(&m, 3);
	send(&m, &r);
	is_int(r.err, 0, "Tremove");
	ok(!host_exists("again"), "removed");
	is_int(clunk(3), EBADF, "Tremove clunked the fid");
	clunk(2);
}

/* A directory moved out of the share must not become a way out. */
static void test_moved_out(void)
{
	char from[512], to[512];
	struct reply r;
	struct msg m;

	snprintf(from, sizeof(from), "%s/sub", root);
	snprintf(to, sizeof(to), "%s/sub", outside);
	mkdir(from, 0755);
	is_int(walk(1, 5, "sub", &r), 0, "walk to sub");
	ok(rename(from, to) == 0, "host moves sub out of the share");
	ok(walk(5, 6, "../secret", &r) != 0, "no way up from it");
	clunk(5);
	rmdir(to);

	/* Nor a file: no hard link brings it back. */
	snprintf(from, sizeof(from), "%s/mv", root);
	snprintf(to, sizeof(to), "%s/mv", outside);
	close(open(from, O_CREAT | O_WRONLY, 0600));
	is_int(walk(1, 5, "mv", &r), 0, "walk to a file");
	ok(rename(from, to) == 0, "host moves it out of the share");
	m_start(&m, P9_TLINK);
	m_u32(&m, 1);
	m_u32(&m, 5);
	m_str(&m, "back");
	send(&m, &r);
	is_int(r.err, EXDEV, "Tlink of it fails");
	ok(!host_exists("back"), "and links nothing into the share");
	clunk(5);
	unlink(to);

	walk(1, 5, "", &r);
	m_start(&m, P9_TLINK);
	m_u32(&m, 1);
	m_u32(&m, 5);
	m_str(&m, "root");
	send(&m, &r);
	is_int(r.err, EPERM, "no Tlink of the root");
	clunk(5);
}

/*
 * A fid whose file or directory was unlinked names nothing: its /proc
 * link reads "NAME (deleted)", which must not be taken for a path.
 */
static void test_unlinked(void)
{
	char path[512];
	struct reply r;
	struct msg m;
	int fd;

	snprintf(path, sizeof(path), "%s/gone", root);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	snprintf(path, sizeof(path), "%s/gone (deleted)", root);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	is_int(walk(1, 7, "gone", &r), 0, "walk to a file");
	is_int(unlinkat_(1, "gone", 0), 0, "unlink it");
	m_start(&m, P9_TREMOVE);
	m_u32(&m, 7);
	send(&m, &r);
	is_int(r.err, ENOENT, "Tremove of the unlinked file's fid: ENOENT");
	ok(host_exists("gone (deleted)"),
	   "and \"gone (deleted)\" is still there");

	snprintf(path, sizeof(path), "%s/dgone", root);
	mkdir(path, 0755);
	is_int(walk(1, 8, "dgone", &r), 0, "walk to a directory");
	rmdir(path);
	is_int(walk(8, 9, "..", &r), ENOENT,
	       "no parent for a removed directory");
	clunk(8);
	unlinkat_(1, "gone (deleted)", 0);
}

static void host_path(char *buf, size_t size, const char *rel)
{
	snprintf(buf, size, "%s/%s", root, rel);
}

/*
 * A FIFO or a device node found in the share is never opened: not by
 * Tlopen, and not by a Tlcreate of its name, which open(O_CREAT) would
 * do (and block on the FIFO: the alarm in main() catches that).
 */
static void test_special(void)
{
	char path[512];
	struct reply r;
	struct stat st;

	host_path(path, sizeof(path), "fifo");
	ok(mkfifo(path, 0666) == 0, "host makes a FIFO in the share");
	is_int(walk(1, 2, "fifo", &r), 0, "walk to it");
	is_int(lopen(2, 0, &r), ENXIO, "no Tlopen of a FIFO for reading");
	is_int(lopen(2, 1, &r), ENXIO, "nor for writing");
	clunk(2);
	walk(1, 2, "", &r);
	is_int(lcreate(2, "fifo", 1, 0644, &r), ENXIO,
	       "no Tlcreate of an existing FIFO");
	clunk(2);
	unlink(path);

	host_path(path, sizeof(path), "null");
	if (mknod(path, S_IFCHR | 0666, makedev(1, 3))) {
		skip(3, "cannot make a device node (not root?)");
	} else {
		walk(1, 2, "null", &r);
		is_int(lopen(2, 2, &r), ENXIO, "no Tlopen of a device node");
		clunk(2);
		walk(1, 2, "", &r);
		is_int(lcreate(2, "null", 2, 0644, &r), ENXIO,
		       "no Tlcreate of an existing device node");
		clunk(2);
		ok(lstat(path, &st) == 0 && S_ISCHR(st.st_mode),
		   "the node is still there");
		unlink(path);
	}

	/* An existing file is opened, as it is, and truncated if asked. */
	host_path(path, sizeof(path), "file");
	chmod(path, 0604);
	walk(1, 2, "", &r);
	is_int(lcreate(2, "file", 2 | P9_DOTL_TRUNC, 0777, &r), 0,
	       "Tlcreate of an existing file opens it");
	ok(stat(path, &st) == 0 && st.st_size == 0 &&
	   (st.st_mode & 07777) == 0604, "truncated, its mode kept");
	is_int(write_(2, 0, "hello!", &r), 0, "and it is open for writing");
	clunk(2);
	walk(1, 2, "", &r);
	is_int(lcreate(2, "file", 2 | P9_DOTL_EXCL, 0644, &r), EEXIST,
	       "but not with O_EXCL");
	host_path(path, sizeof(path), "sdir");
	mkdir(path, 0755);
	is_int(lcreate(2, "sdir", 0, 0644, &r), EISDIR, "nor a directory");
	clunk(2);
	rmdir(path);
}

/* Sets (or, with @value NULL, removes) an xattr: Txattrcreate's or Tclunk's error. */
static u32 xattr_set(u32 fid, const char *name, const char *value)
{
	struct reply r;
	struct msg m;
	u32 err;

	walk(fid, 30, "", &r);
	m_start(&m, P9_TXATTRCREATE);
	m_u32(&m, 30);
	m_str(&m, name);
	m_u64(&m, value ? strlen(value) : 0);
	m_u32(&m, 0);
	send(&m, &r);
	err = r.err;
	if (!err && value && *value)
		write_(30, 0, value, &r);
	return clunk(30) ?: err;
}

/* Reads an xattr (or, for "", the name list) into @buf: its length. */
static int xattr_get(u32 fid, const char *name, char *buf, size_t size,
		     u32 *err)
{
	struct reply r;
	struct msg m;
	u32 n = 0;

	m_start(&m, P9_TXATTRWALK);
	m_u32(&m, fid);
	m_u32(&m, 31);
	m_str(&m, name);
	send(&m, &r);
	*err = r.err;
	if (r.err)
		return -1;
	read_(31, 0, size - 1, &r);
	if (!r.err) {
		n = r_u32(&r);
		memcpy(buf, r.buf + r.pos, n);
	}
	buf[n] = '\0';
	clunk(31);
	return n;
}

static bool in_list(const char *list, int len, const char *what)
{
	int i;

	for (i = 0; i < len; i += strlen(list + i) + 1)
		if (strstr(list + i, what))
			return true;
	return false;
}

/*
 * The server's own xattrs are no guest's, in either model; mapped keeps
 * security.* and trusted.* from the guest, passthrough lets it read but
 * not write them.
 */
static void test_xattr_policy(void)
{
	bool mapped = security == P9_SECURITY_MAPPED;
	char path[512], buf[4096];
	struct reply r;
	u32 err;
	int n;

	host_path(path, sizeof(path), "xa");
	close(open(path, O_CREAT | O_WRONLY, 0600));
	walk(1, 2, "xa", &r);
	is_int(xattr_set(2, "user.virtfs.mode", "\xff\xff"), EACCES,
	       "no Txattrcreate of user.virtfs.*");
	is_int(xattr_set(2, "trusted.virtfs.uid", "\0"), EACCES,
	       "nor of trusted.virtfs.*");
	is_int(xattr_set(2, "user.virtfs.uid", NULL), EACCES,
	       "nor their removal");
	xattr_get(2, "user.virtfs.mode", buf, sizeof(buf), &err);
	is_int(err, ENODATA, "no Txattrwalk of user.virtfs.*");
	is_int(xattr_set(2, "trusted.lkvm", "x"), EOPNOTSUPP,
	       "no trusted.* xattr set");
	is_int(xattr_set(2, "security.capability", "x"), EOPNOTSUPP,
	       "no security.* xattr set");
	is_int(xattr_set(2, "security.lkvm", NULL), EOPNOTSUPP,
	       "nor removed");

	/* Ours and the host's, set on the host side. */
	setxattr(path, "user.virtfs.uid", "\1\0\0\0", 4, 0);
	if (setxattr(path, "trusted.lkvm", "host", 4, 0)) {
		skip(1, "no trusted.* xattrs (not root?)");
	} else {
		n = xattr_get(2, "trusted.lkvm", buf, sizeof(buf), &err);
		if (mapped)
			is_int(err, EOPNOTSUPP, "mapped: trusted.* not read");
		else
			ok(n == 4 && !strcmp(buf, "host"),
			   "passthrough: the host's trusted.* read");
	}
	n = xattr_get(2, "", buf, sizeof(buf), &err);
	is_int(err, 0, "Txattrwalk of the name list");
	ok(!in_list(buf, n, "virtfs"), "which has no *.virtfs.*");
	ok(mapped ? !in_list(buf, n, "trusted.") : true,
	   "nor, mapped, trusted.*");

	/* Mapped POSIX ACLs grant nothing on the host. */
	err = xattr_set(2, "system.posix_acl_access", "\2acl");
	if (!mapped) {
		skip(4, "ACLs: passthrough hands them to the host");
	} else if (err == EOPNOTSUPP) {
		skip(4, "no user xattrs here");
	} else {
		is_int(err, 0, "mapped: an ACL set");
		n = xattr_get(2, "", buf, sizeof(buf), &err);
		ok(in_list(buf, n, "system.posix_acl_access") &&
		   getxattr(path, "system.posix_acl_access", NULL, 0) < 0,
		   "listed to the guest, not on the host");
		n = xattr_get(2, "system.posix_acl_access", buf, sizeof(buf),
			      &err);
		ok(n == 4 && !memcmp(buf, "\2acl", 4), "and read back");
		is_int(xattr_set(2, "system.posix_acl_default", NULL), 0,
		       "removing a missing default ACL is fine");
	}
	clunk(2);
	unlink(path);
}

static void test_xattr_lock_statfs(void)
{
	struct reply r;
	struct msg m;
	char v[16];
	u32 id;

	walk(1, 2, "file", &r);
	m_start(&m, P9_TXATTRCREATE);
	m_u32(&m, 2);
	m_str(&m, "user.test");
	m_u64(&m, 3);
	m_u32(&m, 0);
	send(&m, &r);
	is_int(r.err, 0, "Txattrcreate");
	is_int(write_(2, 0, "abc", &r), 0, "write the value");
	id = clunk(2);
	if (id == EOPNOTSUPP) {
		skip(2, "no user xattrs on this file system");
	} else {
		walk(1, 2, "file", &r);
		m_start(&m, P9_TXATTRWALK);
		m_u32(&m, 2);
		m_u32(&m, 3);
		m_str(&m, "user.test");
		send(&m, &r);
		ok(!r.err && r_u64(&r) == 3, "Txattrwalk size");
		read_(3, 0, 16, &r);
		memcpy(v, r.buf + 11, 3);
		v[3] = '\0';
		is_str(v, "abc", "xattr value");
		clunk(3);
		clunk(2);
	}

	walk(1, 2, "file", &r);
	lopen(2, 2, &r);
	m_start(&m, P9_TLOCK);
	m_u32(&m, 2);
	m_u8(&m, P9_LOCK_TYPE_WRLCK);
	m_u32(&m, 0);
	m_u64(&m, 0);
	m_u64(&m, 0);
	m_u32(&m, 42);
	m_str(&m, "guest");
	send(&m, &r);
	ok(!r.err && r_u8(&r) == P9_LOCK_SUCCESS, "Tlock");
	walk(1, 3, "file", &r);
	lopen(3, 2, &r);
	m.buf[7] = 3;		/* the same Tlock on another open */
	send(&m, &r);
	ok(!r.err && r_u8(&r) == P9_LOCK_BLOCKED, "conflicting Tlock blocked");
	m_start(&m, P9_TFSYNC);
	m_u32(&m, 2);
	m_u32(&m, 0);
	send(&m, &r);
	is_int(r.err, 0, "Tfsync");
	clunk(3);
	clunk(2);

	m_start(&m, P9_TSTATFS);
	m_u32(&m, 1);
	send(&m, &r);
	ok(!r.err && r_u32(&r) == P9_STATFS_MAGIC, "Tstatfs");
}

static void test_malformed(void)
{
	unsigned char small[10];
	struct iovec in, out;
	struct reply r;
	struct msg m;

	send_raw("\x05\x00\x00", 3, &r);
	is_int(r.err, EPROTO, "short header");
	m_start(&m, P9_TCLUNK);
	m_u32(&m, 1);
	m_end(&m);
	m.buf[0] = 200;		/* longer than what arrived */
	send_raw(m.buf, m.len, &r);
	is_int(r.err, EPROTO, "size beyond the buffer");
	m.buf[0] = 5;
	send_raw(m.buf, m.len, &r);
	is_int(r.err, EPROTO, "size below the header");
	m_start(&m, P9_TCLUNK);
	m_u16(&m, 1);
	send(&m, &r);
	is_int(r.err, EPROTO, "truncated body");

	m_start(&m, P9_TWALK);
	m_u32(&m, 1);
	m_u32(&m, 9);
	m_u16(&m, 1);
	m_u16(&m, 1000);	/* string longer than the message */
	put(&m, "abc", 3);
	send(&m, &r);
	is_int(r.err, EPROTO, "string past the end");
	m_start(&m, P9_TWALK);
	m_u32(&m, 1);
	m_u32(&m, 9);
	m_u16(&m, 1);
	m_u16(&m, 3);
	put(&m, "a\0b", 3);
	send(&m, &r);
	is_int(r.err, EINVAL, "string with a NUL");
	is_int(walk(1, 9, "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q", &r), EINVAL,
	       "more than 16 names");
	is_int(walk(77, 9, "", &r), EBADF, "unknown fid");
	is_int(walk(1, 1, "file", &r), 0, "walk a fid onto itself");
	is_int(lcreate(1, "x", 0, 0644, &r), ENOTDIR, "create in a file");
	clunk(1);
	attach(1, &r);
	is_int(read_(1, 0, 10, &r), EBADF, "read an unopened fid");

	m_start(&m, 200);
	send(&m, &r);
	is_int(r.err, EOPNOTSUPP, "unknown type");
	m_start(&m, P9_TWRITE);
	m_u32(&m, 1);
	m_u64(&m, 0);
	m_u32(&m, 100);		/* more than follows */
	put(&m, "abc", 3);
	send(&m, &r);
	is_int(r.err, EPROTO, "write count beyond the data");
	m_start(&m, P9_TCLUNK);
	m_u32(&m, 1);
	m_end(&m);
	memset(m.buf + m.len, 0, 70000 - m.len);
	m.len = 65537;
	memcpy(m.buf, &m.len, 4);
	send_raw(m.buf, m.len, &r);
	is_int(r.err, EMSGSIZE, "message above msize");

	m_start(&m, P9_TCLUNK);
	m_u32(&m, 1);
	m_end(&m);
	in = (struct iovec){ m.buf, m.len };
	out = (struct iovec){ small, sizeof(small) };
	is_int(p9_server_handle(srv, &in, 1, &out, 1), 0, "no room for a reply");

	version(8192, "9P2000.L", &r);
	is_int(walk(1, 2, "", &r), EBADF, "Tversion dropped every fid");
}

static void test_readonly(void)
{
	struct reply r;
	struct msg m;

	p9_server_free(srv);
	srv = p9_server_new(root, true, security);
	version(8192, "9P2000.L", &r);
	attach(1, &r);
	walk(1, 2, "", &r);
	is_int(lcreate(2, "new", 2, 0644, &r), EROFS, "ro: Tlcreate");
	is_int(mkdir_(2, "new", 0755, &r), EROFS, "ro: Tmkdir");
	is_int(unlinkat_(2, "file", 0), EROFS, "ro: Tunlinkat");
	walk(1, 3, "file", &r);
	is_int(lopen(3, 1, &r), EROFS, "ro: Tlopen for writing");
	is_int(lopen(3, P9_DOTL_TRUNC, &r), EROFS, "ro: Tlopen O_TRUNC");
	m_start(&m, P9_TSETATTR);
	m_u32(&m, 3);
	m_u32(&m, P9_ATTR_MODE);
	m_u32(&m, 0777);
	m_u32(&m, 0); m_u32(&m, 0); m_u64(&m, 0);
	m_u64(&m, 0); m_u64(&m, 0); m_u64(&m, 0); m_u64(&m, 0);
	send(&m, &r);
	is_int(r.err, EROFS, "ro: Tsetattr");
	is_int(lopen(3, 0, &r), 0, "ro: Tlopen for reading");
	is_int(read_(3, 0, 5, &r), 0, "ro: Tread");
	ok(host_exists("file") && !host_exists("new"), "ro: nothing changed");
}

/* A plain file or directory of ours that no other host user may write. */
static bool host_plain(const char *rel, bool dir)
{
	char path[512];
	struct stat st;

	host_path(path, sizeof(path), rel);
	if (lstat(path, &st))
		return false;
	if (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
		return false;
	return st.st_uid == geteuid() &&
	       !(st.st_mode & (S_ISUID | S_ISGID | S_ISVTX | 0077));
}

static mode_t host_mode(const char *rel)
{
	char path[512];
	struct stat st;

	host_path(path, sizeof(path), rel);
	return lstat(path, &st) ? 0 : st.st_mode;
}

/* One of the attributes the server keeps, as QEMU would read it. */
static bool host_meta(const char *rel, const char *what, void *val,
		      size_t size)
{
	char path[512], name[64];

	host_path(path, sizeof(path), rel);
	snprintf(name, sizeof(name), "user.virtfs.%s", what);
	if (getxattr(path, name, val, size) == (ssize_t)size)
		return true;
	snprintf(name, sizeof(name), "trusted.virtfs.%s", what);
	return getxattr(path, name, val, size) == (ssize_t)size;
}

/*
 * What a root guest's mknod, chmod and chown do under mapped: the guest
 * sees what it set, the host plain files of ours.
 */
static void test_mapped_nodes(void)
{
	struct attr a;
	struct reply r;
	u32 v;
	u64 v64;

	walk(1, 2, "", &r);
	is_int(mknod_(2, "disk", S_IFBLK | 0600, 8, 0), 0, "mapped: mknod b 8 0");
	walk(1, 3, "disk", &r);
	is_int(setattr_(3, P9_ATTR_MODE, 0666, 0, 0), 0, "chmod 666 it");
	getattr_all(3, &a);
	is_int(a.mode, S_IFBLK | 0666, "the guest sees a block device, 0666");
	is_u64(a.rdev, 8 << 8, "8:0");
	ok(host_plain("disk", false) && host_mode("disk") == (S_IFREG | 0600),
	   "the host has a plain file, 0600");
	ok(host_meta("disk", "mode", &v, sizeof(v)) &&
	   le32toh(v) == (S_IFBLK | 0666) &&
	   host_meta("disk", "rdev", &v64, sizeof(v64)) &&
	   le64toh(v64) == makedev(8, 0),
	   "in QEMU's xattrs: mode and rdev");
	is_int(lopen(3, 2, &r), ENXIO, "no Tlopen of the guest's device");
	is_int(setattr_(3, P9_ATTR_SIZE, 0, 0, 0), EINVAL, "nor a truncate");
	clunk(3);

	is_int(lcreate(2, "suid", 2, 0755, &r), 0, "mapped: create a file");
	clunk(2);
	walk(1, 3, "suid", &r);
	is_int(setattr_(3, P9_ATTR_MODE, 04755, 0, 0), 0, "chmod 4755 it");
	getattr_all(3, &a);
	is_int(a.mode, S_IFREG | 04755, "the guest sees it setuid");
	ok(host_plain("suid", false) && host_mode("suid") == (S_IFREG | 0700),
	   "the host does not: 0700");
	is_int(setattr_(3, P9_ATTR_UID | P9_ATTR_GID, 0, 1234, 5678), 0,
	       "chown 1234:5678");
	getattr_all(3, &a);
	ok(a.uid == 1234 && a.gid == 5678, "the guest sees 1234:5678");
	ok(host_plain("suid", false), "the host file is still ours");
	setattr_(3, P9_ATTR_UID, 0, 42, 0);
	getattr_all(3, &a);
	ok(a.uid == 42 && a.gid == 5678, "chown 42 leaves the group");
	is_int(setattr_(3, P9_ATTR_MODE, 0644, 0, 0), 0, "chmod 644");
	getattr_all(3, &a);
	ok(a.mode == (S_IFREG | 0644) && host_mode("suid") == (S_IFREG | 0600),
	   "no longer executable, here or there");
	clunk(3);

	walk(1, 2, "", &r);
	is_int(mkdir_(2, "sdir", 03777, &r), 0, "mapped: mkdir 3777");
	walk(1, 3, "sdir", &r);
	getattr_all(3, &a);
	is_int(a.mode, S_IFDIR | 03777, "the guest sees setgid, sticky, 777");
	ok(host_plain("sdir", true) && host_mode("sdir") == (S_IFDIR | 0700),
	   "the host a directory of ours, 0700");
	clunk(3);
	is_int(mknod_(2, "fifo", S_IFIFO | 0666, 0, 0), 0, "mapped: mkfifo");
	walk(1, 3, "fifo", &r);
	getattr_all(3, &a);
	is_int(a.mode, S_IFIFO | 0666, "the guest sees a FIFO");
	ok(host_plain("fifo", false), "the host a plain file");
	is_int(lopen(3, 0, &r), ENXIO, "no Tlopen of it");
	clunk(3);
	clunk(2);
}

static void test_mapped_symlinks(void)
{
	char target[512], data[64];
	struct reply r;
	struct attr a;
	struct msg m;
	int fd, n;
	u8 type;

	walk(1, 2, "", &r);
	m_start(&m, P9_TSYMLINK);
	m_u32(&m, 2);
	m_str(&m, "sl");
	m_str(&m, "../../etc/passwd");
	m_u32(&m, 0);
	send(&m, &r);
	is_int(r.err, 0, "mapped: Tsymlink");
	r_qid(&r, &type);
	is_int(type, P9_QTSYMLINK, "Rsymlink's qid is a symlink's");
	is_int(walk(1, 3, "sl/x", &r), 0, "walk through it...");
	ok(r_u16(&r) == 1 && (r_qid(&r, &type), type == P9_QTSYMLINK),
	   "...stops at a symlink");
	walk(1, 3, "sl", &r);
	getattr_all(3, &a);
	ok(a.mode == (S_IFLNK | 0777) && a.size == 16,
	   "the guest sees a symlink of 16 bytes");
	m_start(&m, P9_TREADLINK);
	m_u32(&m, 3);
	send(&m, &r);
	r_str(&r, target, sizeof(target));
	is_str(target, "../../etc/passwd", "Treadlink");
	is_int(lopen(3, 0, &r), ELOOP, "no Tlopen of it");
	is_int(setattr_(3, P9_ATTR_UID | P9_ATTR_GID, 0, 7, 8), 0,
	       "a guest symlink has an owner...");
	getattr_all(3, &a);
	ok(a.uid == 7 && a.gid == 8, "...which the guest sees");
	clunk(3);
	clunk(2);

	host_path(target, sizeof(target), "sl");
	fd = open(target, O_RDONLY | O_NOFOLLOW);
	n = fd < 0 ? -1 : read(fd, data, sizeof(data) - 1);
	if (fd >= 0)
		close(fd);
	data[n > 0 ? n : 0] = '\0';
	ok(host_plain("sl", false) && !strcmp(data, "../../etc/passwd"),
	   "the host a plain file holding the target");
}

/* Files the host put there, without xattrs, show the host's attributes. */
static void test_mapped_host_files(void)
{
	char path[512], name[256];
	struct reply r;
	struct attr a;
	struct stat st;
	struct msg m;
	u32 count;
	u8 dtype, seen = 0;

	host_path(path, sizeof(path), "plain");
	close(open(path, O_CREAT | O_WRONLY, 0640));
	chmod(path, 0640);
	lstat(path, &st);
	walk(1, 2, "plain", &r);
	getattr_all(2, &a);
	ok(a.mode == (S_IFREG | 0640) && a.uid == st.st_uid &&
	   a.gid == st.st_gid, "mapped: a host file without xattrs");
	clunk(2);

	/* The guest's own user, from Tattach, and the group it asks for. */
	m_start(&m, P9_TATTACH);
	m_u32(&m, 20);
	m_u32(&m, P9_NOFID);
	m_str(&m, "user");
	m_str(&m, "");
	m_u32(&m, 1000);
	send(&m, &r);
	m_start(&m, P9_TLCREATE);
	m_u32(&m, 20);
	m_str(&m, "mine");
	m_u32(&m, 2);
	m_u32(&m, 0600);
	m_u32(&m, 77);
	send(&m, &r);
	is_int(r.err, 0, "Tlcreate by guest user 1000, group 77");
	getattr_all(20, &a);
	ok(a.uid == 1000 && a.gid == 77 && host_plain("mine", false),
	   "the guest sees 1000:77, the host a file of ours");
	clunk(20);

	/* Readdir cannot tell what a plain file is to the guest. */
	walk(1, 2, "", &r);
	lopen(2, P9_DOTL_DIRECTORY, &r);
	m_start(&m, P9_TREADDIR);
	m_u32(&m, 2);
	m_u64(&m, 0);
	m_u32(&m, 8192);
	send(&m, &r);
	count = r_u32(&r);
	while (r.pos < 11 + count) {
		r_qid(&r, NULL);
		r_u64(&r);
		dtype = r_u8(&r);
		r_str(&r, name, sizeof(name));
		if (!strcmp(name, "disk"))
			seen |= (dtype == DT_UNKNOWN) << 0;
		if (!strcmp(name, "sdir"))
			seen |= (dtype == DT_DIR) << 1;
	}
	is_int(seen, 3, "Treaddir: DT_UNKNOWN for a file, DT_DIR for a directory");
	clunk(2);

	/* A hard link shares the inode, and so the guest's attributes. */
	walk(1, 2, "", &r);
	walk(1, 3, "disk", &r);
	m_start(&m, P9_TLINK);
	m_u32(&m, 2);
	m_u32(&m, 3);
	m_str(&m, "disk2");
	send(&m, &r);
	clunk(3);
	walk(1, 3, "disk2", &r);
	getattr_all(3, &a);
	ok(!r.err && a.mode == (S_IFBLK | 0666), "a hard link of the device is one");
	clunk(3);
	clunk(2);
}

/* Passthrough hands the host what the guest makes: it is root's choice. */
static void test_passthrough_nodes(void)
{
	char path[512];
	struct reply r;
	struct stat st;

	if (geteuid()) {
		skip(3, "passthrough nodes: not root");
		return;
	}
	walk(1, 2, "", &r);
	mknod_(2, "pdisk", S_IFBLK | 0600, 8, 0);
	host_path(path, sizeof(path), "pdisk");
	ok(!lstat(path, &st) && S_ISBLK(st.st_mode) &&
	   st.st_rdev == makedev(8, 0), "passthrough: a host block device");
	unlink(path);
	lcreate(2, "psuid", 2, 0755, &r);
	clunk(2);
	walk(1, 2, "psuid", &r);
	setattr_(2, P9_ATTR_MODE, 04755, 0, 0);
	ok(host_mode("psuid") == (S_IFREG | 04755), "a host setuid file");
	setattr_(2, P9_ATTR_UID | P9_ATTR_GID, 0, 1234, 5678);
	host_path(path, sizeof(path), "psuid");
	ok(!lstat(path, &st) && st.st_uid == 1234 && st.st_gid == 5678,
	   "owned by 1234:5678 on the host");
	unlink(path);
	clunk(2);
}

/* The whole suite on a fresh share; 0 if the share cannot be served. */
static int run_suite(enum p9_security sec)
{
	char cmd[600];

	security = sec;
	snprintf(root, sizeof(root), "/tmp/lkvm-9p-test.XXXXXX");
	if (!mkdtemp(root))
		return -1;
	srv = p9_server_new(root, false, sec);
	if (!srv) {
		rmdir(root);
		return -1;
	}
	diag("security=%s", sec == P9_SECURITY_MAPPED ? "mapped" : "passthrough");
	test_version_attach();
	test_files();
	test_dirs();
	test_links();
	test_moved_out();
	test_unlinked();
	test_special();
	test_xattr_lock_statfs();
	test_xattr_policy();
	if (sec == P9_SECURITY_MAPPED) {
		test_mapped_nodes();
		test_mapped_symlinks();
		test_mapped_host_files();
	} else {
		test_passthrough_nodes();
	}
	test_malformed();
	test_readonly();
	p9_server_free(srv);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	if (system(cmd))
		diag("cleanup failed");
	return 0;
}

int main(void)
{
	char secret[512], cmd[600];
	int fd;

	plan(2 * SUITE + MAPPED + PASSTHROUGH + 1);
	snprintf(outside, sizeof(outside), "/tmp/lkvm-9p-out.XXXXXX");
	if (!mkdtemp(outside))
		skip_all("no temporary directory");
	snprintf(secret, sizeof(secret), "%s/secret", outside);
	fd = open(secret, O_CREAT | O_WRONLY, 0600);
	close(fd);
	umask(077);
	/* A blocking open would hang the test: fail it instead. */
	alarm(60);

	if (run_suite(P9_SECURITY_PASSTHROUGH))
		skip_all("cannot serve (no openat2?)");
	if (run_suite(P9_SECURITY_MAPPED))
		skip(SUITE + MAPPED, "mapped: no xattrs in /tmp");

	ok(access(secret, F_OK) == 0, "the outside file is untouched");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", outside);
	if (system(cmd))
		diag("cleanup failed");
	return exit_status();
}
