// SPDX-License-Identifier: GPL-2.0
/*
 * The 9P2000.L server (virtio/9p/) fed message sequences: attach, walk,
 * open, create, read, write, readdir, rename, link, unlink, setattr,
 * xattrs, locks, clunk..., with few fids so that they are reused, stale
 * and clunked twice, and raw messages of any shape in between.  Each
 * input runs on a fresh server over a freshly made share.
 *
 * The share sits in a scratch directory beside a canary directory, and
 * holds symlinks to it (relative and absolute) and a hard link's worth
 * of temptation.  Oracle: every reply is one well-formed message, the
 * canary's and the scratch directory's entries, sizes, modes, link
 * counts and times never change, and after every message each
 * descriptor of this process that names something in the scratch
 * directory names something in the share.  Under security=mapped, after
 * every message that makes or changes a file the share holds nothing but
 * plain files and directories of ours, none setuid, setgid, sticky or
 * writable by others, and no symlink but those it started with.
 *
 * Input: flags[1] (1: read-only, 2: passthrough), then messages: op[1]
 * and its fields (see message()).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <linux/kernel.h>

#include "kvm/9p.h"
#include "fuzz.h"
#include "host-dir.h"

#define MAX_MSGS	48
#define NR_FIDS		6

static char scratch[64], share[128], canary[128];
static size_t share_len, scratch_len;
static u8 msg[9000], reply[9000];
static size_t len;
/* FUZZ_TRACE=1: each message's type and the reply's, on stderr. */
static bool trace;

/* What must not change: paths below the scratch directory. */
static const char * const watched[] = {
	"", "canary", "canary/secret", "canary/sub", "canary/sub/x",
};
static struct stat watched_st[ARRAY_SIZE(watched)];
static int watched_entries[ARRAY_SIZE(watched)];
/* The symlinks the share starts with, which a mapped share may rename. */
static const char * const share_links[] = { "link", "abs", "d/deep" };
static ino_t link_ino[ARRAY_SIZE(share_links)];

static void put(const void *p, size_t n)
{
	if (len + n > sizeof(msg))
		return;
	memcpy(msg + len, p, n);
	len += n;
}

static void write_file(const char *dir, const char *name, const char *data)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (fd < 0 || write(fd, data, strlen(data)) != (ssize_t)strlen(data))
		abort();
	close(fd);
}

static void make_at(const char *dir, const char *name, bool is_dir,
		    const char *link)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (is_dir ? mkdir(path, 0755) : symlink(link, path))
		abort();
}

static int rm_one(const char *path, const struct stat *st, int type,
		  struct FTW *ftw)
{
	if (ftw->level)
		remove(path);
	return 0;
}

static int rm_all(const char *path, const struct stat *st, int type,
		  struct FTW *ftw)
{
	remove(path);
	return 0;
}

/* At the end of a run (not after a crash: that is left for a look). */
static void remove_scratch(void)
{
	nftw(scratch, rm_all, 16, FTW_DEPTH | FTW_PHYS);
}

/* The share, as every input finds it. */
static void make_share(void)
{
	char path[256];
	struct stat st;
	unsigned int i;

	/* A passthrough input may have chmod'ed and chown'ed it. */
	if (chmod(share, 0755) || chown(share, geteuid(), getegid()))
		abort();
	nftw(share, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	write_file(share, "f", "data");
	make_at(share, "d", true, NULL);
	write_file(share, "d/g", "more data");
	make_at(share, "link", false, "../canary");
	make_at(share, "abs", false, canary);
	make_at(share, "d/deep", false, "../../canary/secret");
	for (i = 0; i < ARRAY_SIZE(share_links); i++) {
		snprintf(path, sizeof(path), "%s/%s", share, share_links[i]);
		if (lstat(path, &st))
			abort();
		link_ino[i] = st.st_ino;
	}
}

static void snapshot(struct stat *st, int *entries)
{
	char path[256];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(watched); i++) {
		snprintf(path, sizeof(path), "%s/%s", scratch, watched[i]);
		memset(&st[i], 0, sizeof(st[i]));
		lstat(path, &st[i]);
		entries[i] = S_ISDIR(st[i].st_mode) ? count_entries(path) : 0;
	}
}

static bool same_stat(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_mode == b->st_mode &&
	       a->st_nlink == b->st_nlink && a->st_uid == b->st_uid &&
	       a->st_gid == b->st_gid && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	       a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static void check_canary(void)
{
	struct stat st[ARRAY_SIZE(watched)];
	int entries[ARRAY_SIZE(watched)];
	unsigned int i;

	snapshot(st, entries);
	for (i = 0; i < ARRAY_SIZE(watched); i++) {
		if (same_stat(&st[i], &watched_st[i]) &&
		    entries[i] == watched_entries[i])
			continue;
		fprintf(stderr, "fuzz: %s/%s changed\n", scratch, watched[i]);
		abort();
	}
}

static int check_mapped_one(const char *path, const struct stat *st,
			    int type, struct FTW *ftw)
{
	mode_t bad = S_ISUID | S_ISGID | S_ISVTX | 0022;
	unsigned int i;

	if (S_ISLNK(st->st_mode)) {
		for (i = 0; i < ARRAY_SIZE(link_ino); i++)
			if (st->st_ino == link_ino[i])
				return 0;
	} else if ((S_ISREG(st->st_mode) || S_ISDIR(st->st_mode)) &&
		   !(st->st_mode & bad) && st->st_uid == geteuid()) {
		return 0;
	}
	fprintf(stderr, "fuzz: mapped share holds %s, mode %o, uid %u\n",
		path, st->st_mode, st->st_uid);
	abort();
}

/* Under mapped, nothing the guest does is more than a plain file of ours. */
static void check_mapped(void)
{
	switch (msg[4]) {
	case P9_TLCREATE: case P9_TMKDIR: case P9_TMKNOD: case P9_TSYMLINK:
	case P9_TLINK: case P9_TSETATTR: case P9_TRENAME: case P9_TRENAMEAT:
		nftw(share, check_mapped_one, 16, FTW_PHYS);
	}
}

/* No descriptor names anything in the scratch directory but the share. */
static void check_fds(void)
{
	char link[PATH_MAX + 32], fdpath[64];
	struct dirent *de;
	DIR *d = opendir("/proc/self/fd");
	ssize_t n;

	if (!d)
		abort();
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%s", de->d_name);
		n = readlink(fdpath, link, sizeof(link) - 1);
		if (n < 0)
			continue;
		link[n] = '\0';
		if (strncmp(link, scratch, scratch_len) ||
		    (link[scratch_len] && link[scratch_len] != '/'))
			continue;
		if (!strncmp(link, share, share_len) &&
		    (!link[share_len] || link[share_len] == '/' ||
		     link[share_len] == ' '))
			continue;
		fprintf(stderr, "fuzz: fd %s names %s, outside the share\n",
			de->d_name, link);
		abort();
	}
	closedir(d);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *real;

	loglevel = -1;
	trace = getenv("FUZZ_TRACE");
	snprintf(scratch, sizeof(scratch), "%s/lkvm-fuzz-9p-XXXXXX",
		 access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
	if (!mkdtemp(scratch))
		abort();
	/* The server compares canonical paths, and so do we. */
	real = realpath(scratch, NULL);
	if (!real || strlen(real) >= sizeof(scratch))
		abort();
	strcpy(scratch, real);
	free(real);
	scratch_len = strlen(scratch);
	snprintf(share, sizeof(share), "%s/share", scratch);
	snprintf(canary, sizeof(canary), "%s/canary", scratch);
	share_len = strlen(share);
	make_at(scratch, "share", true, NULL);
	make_at(scratch, "canary", true, NULL);
	write_file(canary, "secret", "do not touch");
	make_at(canary, "sub", true, NULL);
	write_file(canary, "sub/x", "x");
	make_share();
	snapshot(watched_st, watched_entries);
	atexit(remove_scratch);
	return 0;
}

static const char * const names[] = {
	"f", "d", "g", "link", "abs", "deep", "..", ".", "", "new", "n2",
	"a/b", "../canary", "canary", "share", "secret", "x",
};

/* A name from the dictionary, or raw bytes from the input. */
static void name(struct fuzz_in *in)
{
	u8 sel = fuzz_u8(in);
	u8 buf[256];
	u16 n;

	if (sel < 0xf0) {
		const char *s = names[sel % ARRAY_SIZE(names)];

		n = strlen(s);
		put(&n, 2);
		put(s, n);
		return;
	}
	n = fuzz_u8(in);
	fuzz_bytes(in, buf, n);
	put(&n, 2);
	put(buf, n);
}

/*
 * Field codes: f fid, d u32, q u64, b u8, n name, w walk names, D data,
 * m small mode/flags, z zero.
 */
static const struct {
	u8 type;
	const char *fmt;
} layouts[] = {
	{ P9_TVERSION, "dn" },		{ P9_TATTACH, "fznnd" },
	{ P9_TWALK, "ffw" },		{ P9_TWALK, "ffw" },
	{ P9_TLOPEN, "fm" },		{ P9_TLOPEN, "fm" },
	{ P9_TLCREATE, "fnmmd" },	{ P9_TREAD, "fqd" },
	{ P9_TWRITE, "fqD" },		{ P9_TREADDIR, "fqd" },
	{ P9_TMKDIR, "fnmd" },		{ P9_TUNLINKAT, "fnm" },
	{ P9_TRENAMEAT, "fnfn" },	{ P9_TGETATTR, "fq" },
	{ P9_TSETATTR, "fddddqqqqq" },	{ P9_TXATTRWALK, "ffn" },
	{ P9_TXATTRCREATE, "fnqd" },	{ P9_TCLUNK, "f" },
	{ P9_TCLUNK, "f" },		{ P9_TSYMLINK, "fnnd" },
	{ P9_TLINK, "ffn" },		{ P9_TRENAME, "ffn" },
	{ P9_TREMOVE, "f" },		{ P9_TMKNOD, "fnmddd" },
	{ P9_TREADLINK, "f" },		{ P9_TLOCK, "fbdqqdn" },
	{ P9_TGETLOCK, "fbqqdn" },	{ P9_TFSYNC, "fd" },
	{ P9_TSTATFS, "f" },		{ P9_TFLUSH, "b" },
	{ P9_TAUTH, "fnnd" },		{ P9_TOPEN, "fb" },
};

static const u32 file_types[] = {
	S_IFREG, S_IFDIR, S_IFIFO, S_IFSOCK, S_IFCHR, S_IFBLK, S_IFLNK, 0,
};

static void field(struct fuzz_in *in, char code)
{
	u8 buf[1024];
	u32 v32;
	u64 v64;
	u16 n;
	int i;

	switch (code) {
	case 'f':
		v32 = fuzz_u8(in);
		v32 = v32 == 0xff ? P9_NOFID : v32 % NR_FIDS;
		put(&v32, 4);
		break;
	case 'z':
		v32 = P9_NOFID;
		put(&v32, 4);
		break;
	case 'd':
		v32 = fuzz_u32(in);
		put(&v32, 4);
		break;
	case 'm':
		/* Flags and modes: the low bits, the usual flags, a file type. */
		v32 = fuzz_u16(in);
		v32 = (v32 & 0x3ff) | (v32 & 0x400 ? P9_DOTL_DIRECTORY : 0) |
		      (v32 & 0x800 ? P9_DOTL_TRUNC : 0) |
		      (v32 & 0x1000 ? P9_DOTL_APPEND : 0) |
		      (v32 & 0x2000 ? P9_DOTL_EXCL : 0) |
		      (v32 & 0x4000 ? P9_DOTL_CREATE : 0) |
		      (v32 & 0x8000 ? file_types[fuzz_u8(in) % 8] : 0);
		put(&v32, 4);
		break;
	case 'q':
		v64 = fuzz_u8(in) & 1 ? fuzz_u64(in) : fuzz_u16(in);
		put(&v64, 8);
		break;
	case 'b':
		buf[0] = fuzz_u8(in);
		put(buf, 1);
		break;
	case 'n':
		name(in);
		break;
	case 'w':
		n = fuzz_u8(in) % (P9_MAXWELEM + 2);
		put(&n, 2);
		for (i = 0; i < n; i++)
			name(in);
		break;
	case 'D':
		v32 = fuzz_u16(in) % sizeof(buf);
		fuzz_bytes(in, buf, v32);
		put(&v32, 4);
		put(buf, v32);
		break;
	}
}

/* One message: structured (op < 0xe0) or raw bytes. */
static void message(struct fuzz_in *in)
{
	u8 op = fuzz_u8(in);
	u16 tag = 1;
	const char *p;
	u32 size;

	len = 4;
	if (op >= 0xe0) {
		size = fuzz_u16(in) % (sizeof(msg) - 4);
		fuzz_bytes(in, msg + 4, size);
		len += size;
		if (op & 1)
			memcpy(msg, msg + 4, 4);	/* its own size field */
		else
			memcpy(msg, &(u32){ len }, 4);
		return;
	}
	put(&layouts[op % ARRAY_SIZE(layouts)].type, 1);
	put(&tag, 2);
	for (p = layouts[op % ARRAY_SIZE(layouts)].fmt; *p; p++)
		field(in, *p);
	memcpy(msg, &(u32){ len }, 4);
}

/* The reply is one well-formed message of the returned length. */
static void check_reply(size_t rlen, size_t room)
{
	u32 size;

	if (!rlen) {
		fuzz_assert(room < 11);
		return;
	}
	fuzz_assert(rlen >= 7 && rlen <= room);
	memcpy(&size, reply, 4);
	fuzz_assert(size == rlen && (reply[4] & 1));
}

static void trace_reply(size_t rlen)
{
	u32 err = 0;

	if (rlen >= P9_HDR_SIZE + 4 && reply[4] == P9_RLERROR)
		memcpy(&err, reply + P9_HDR_SIZE, 4);
	fprintf(stderr, "9p: T%u -> R%u errno %u\n", msg[4],
		rlen ? reply[4] : 0, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	u8 flags = fuzz_u8(&in);
	enum p9_security security;
	struct p9_server *srv;
	struct iovec req, out[2];
	size_t room, rlen;
	int i;

	make_share();
	security = flags & 2 ? P9_SECURITY_PASSTHROUGH : P9_SECURITY_MAPPED;
	srv = p9_server_new(share, flags & 1, security);
	/* A scratch directory without user xattrs cannot be mapped. */
	if (!srv && errno == EOPNOTSUPP) {
		security = P9_SECURITY_PASSTHROUGH;
		srv = p9_server_new(share, flags & 1, security);
	}
	fuzz_assert(srv);
	for (i = 0; i < MAX_MSGS && in.left; i++) {
		u16 split = fuzz_u16(&in);

		message(&in);
		/* Mostly room to spare, at times hardly any. */
		room = split & 0x8000 ? split % 64 : sizeof(reply);
		req = (struct iovec){ msg, len };
		out[0] = (struct iovec){ reply, room ? split % (room + 1) : 0 };
		out[1] = (struct iovec){ reply + out[0].iov_len,
					 room - out[0].iov_len };
		rlen = p9_server_handle(srv, &req, 1, out, 2);
		check_reply(rlen, room);
		if (trace)
			trace_reply(rlen);
		check_fds();
		if (security == P9_SECURITY_MAPPED)
			check_mapped();
	}
	p9_server_free(srv);
	check_canary();
	return 0;
}
