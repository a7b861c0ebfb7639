/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__9P_H
#define KVM__9P_H

#include <stdbool.h>
#include <sys/uio.h>
#include <linux/types.h>
#include <linux/list.h>

/*
 * A 9P2000.L file server exporting one host directory, independent of any
 * transport: a request is handed over as the iovecs it arrived in and the
 * reply is written into the iovecs offered for it, so that large reads and
 * writes go straight between the file and the guest's buffers.
 *
 * The guest is not trusted.  Every path is resolved beneath the share's
 * root (openat2() with RESOLVE_BENEATH, one component at a time, never
 * following symlinks: the client resolves those itself), a fid holds an
 * O_PATH descriptor so that a rename racing with a walk cannot redirect
 * it, host device nodes and FIFOs are never opened, and a malformed
 * message gets an Rlerror.  What the guest's owners, modes and device
 * nodes do to the host, and which xattrs the guest may have, is the
 * share's security model (below, and virtio/9p/attr.c).
 *
 * p9_server_handle() may be called from several threads at once.
 */

/* The largest msize we agree to; the client may ask for less. */
#define P9_MAX_MSIZE		(1024 * 1024)
/* The smallest msize we accept from Tversion. */
#define P9_MIN_MSIZE		4096

/* Message types (9P2000 and its .L extension). */
enum p9_msg_type {
	P9_TLERROR = 6,		P9_RLERROR,
	P9_TSTATFS = 8,		P9_RSTATFS,
	P9_TLOPEN = 12,		P9_RLOPEN,
	P9_TLCREATE = 14,	P9_RLCREATE,
	P9_TSYMLINK = 16,	P9_RSYMLINK,
	P9_TMKNOD = 18,		P9_RMKNOD,
	P9_TRENAME = 20,	P9_RRENAME,
	P9_TREADLINK = 22,	P9_RREADLINK,
	P9_TGETATTR = 24,	P9_RGETATTR,
	P9_TSETATTR = 26,	P9_RSETATTR,
	P9_TXATTRWALK = 30,	P9_RXATTRWALK,
	P9_TXATTRCREATE = 32,	P9_RXATTRCREATE,
	P9_TREADDIR = 40,	P9_RREADDIR,
	P9_TFSYNC = 50,		P9_RFSYNC,
	P9_TLOCK = 52,		P9_RLOCK,
	P9_TGETLOCK = 54,	P9_RGETLOCK,
	P9_TLINK = 70,		P9_RLINK,
	P9_TMKDIR = 72,		P9_RMKDIR,
	P9_TRENAMEAT = 74,	P9_RRENAMEAT,
	P9_TUNLINKAT = 76,	P9_RUNLINKAT,
	P9_TVERSION = 100,	P9_RVERSION,
	P9_TAUTH = 102,		P9_RAUTH,
	P9_TATTACH = 104,	P9_RATTACH,
	P9_TERROR = 106,	P9_RERROR,
	P9_TFLUSH = 108,	P9_RFLUSH,
	P9_TWALK = 110,		P9_RWALK,
	P9_TOPEN = 112,		P9_ROPEN,
	P9_TCREATE = 114,	P9_RCREATE,
	P9_TREAD = 116,		P9_RREAD,
	P9_TWRITE = 118,	P9_RWRITE,
	P9_TCLUNK = 120,	P9_RCLUNK,
	P9_TREMOVE = 122,	P9_RREMOVE,
	P9_TSTAT = 124,		P9_RSTAT,
	P9_TWSTAT = 126,	P9_RWSTAT,
};

#define P9_NOTAG		0xffff
#define P9_NOFID		0xffffffffU
#define P9_MAXWELEM		16
/* size[4] type[1] tag[2] */
#define P9_HDR_SIZE		7

/* Tsetattr's valid mask. */
#define P9_ATTR_MODE		(1U << 0)
#define P9_ATTR_UID		(1U << 1)
#define P9_ATTR_GID		(1U << 2)
#define P9_ATTR_SIZE		(1U << 3)
#define P9_ATTR_ATIME		(1U << 4)
#define P9_ATTR_MTIME		(1U << 5)
#define P9_ATTR_CTIME		(1U << 6)
#define P9_ATTR_ATIME_SET	(1U << 7)
#define P9_ATTR_MTIME_SET	(1U << 8)

/* Tlopen/Tlcreate flags: Linux's generic O_* values, whatever the host. */
#define P9_DOTL_ACCMODE		00000003
#define P9_DOTL_CREATE		00000100
#define P9_DOTL_EXCL		00000200
#define P9_DOTL_TRUNC		00001000
#define P9_DOTL_APPEND		00002000
#define P9_DOTL_NONBLOCK	00004000
#define P9_DOTL_DSYNC		00010000
#define P9_DOTL_DIRECTORY	00200000
#define P9_DOTL_SYNC		04000000
#define P9_DOTL_AT_REMOVEDIR	0x200

#define P9_QTDIR		0x80
#define P9_QTSYMLINK		0x02
#define P9_QTFILE		0x00

#define P9_STATS_BASIC		0x7ffULL

#define P9_LOCK_TYPE_RDLCK	0
#define P9_LOCK_TYPE_WRLCK	1
#define P9_LOCK_TYPE_UNLCK	2
#define P9_LOCK_SUCCESS		0
#define P9_LOCK_BLOCKED		1
#define P9_LOCK_ERROR		2

/* Tstatfs's f_type: what Linux's v9fs reports. */
#define P9_STATFS_MAGIC		0x01021997

struct p9_server;

/* What the guest's owners, modes and special files are on the host. */
enum p9_security {
	/*
	 * Plain files and directories of the user running the server, for
	 * that user alone; the guest's owner, group, mode and device number
	 * are kept in xattrs (user.virtfs.*), as QEMU's mapped-xattr does.
	 */
	P9_SECURITY_MAPPED,
	/*
	 * The guest's own: the guest gets the host privileges of the user
	 * running the server (device nodes, setuid files, ownership).
	 */
	P9_SECURITY_PASSTHROUGH,
};

/*
 * Exports @root (a directory).  Returns NULL and sets errno on failure:
 * EOPNOTSUPP for a writable mapped share on a file system that cannot
 * hold the xattrs.  With @readonly, every request that would change
 * something gets EROFS.
 */
struct p9_server *p9_server_new(const char *root, bool readonly,
				enum p9_security security);
void p9_server_free(struct p9_server *srv);

/*
 * Serves one request read from @in and writes the reply into @out.
 * Returns the length of the reply, or 0 if @out cannot even hold an
 * Rlerror (11 bytes).
 */
size_t p9_server_handle(struct p9_server *srv,
			const struct iovec *in, unsigned int nr_in,
			const struct iovec *out, unsigned int nr_out);

/* The msize agreed by the last Tversion (P9_MAX_MSIZE before any). */
u32 p9_server_msize(struct p9_server *srv);
/* Ends the session: every fid is clunked.  No request may be running. */
void p9_server_reset(struct p9_server *srv);

/*
 * A pool of threads serving a server's requests in parallel, replies in
 * the order they finish (virtio/9p/pool.c says what stays ordered).  The
 * transport owns one struct p9_pool_req per request in flight, which
 * bounds them; the pool owns nr_threads threads and no other memory.
 */
#define P9_POOL_MAX_THREADS	16U

struct p9_pool;

struct p9_pool_req {
	/* Filled in by the transport. */
	const struct iovec *in;
	unsigned int nr_in;
	const struct iovec *out;
	unsigned int nr_out;

	/* The pool's. */
	struct list_head list;
	struct p9_pool_req *flushers;	/* Tflushes waiting for this one */
	size_t reply_len;		/* a Tflush's Rflush */
	u32 fid;
	u16 tag;
	u16 oldtag;
	u8 type;
};

/*
 * The reply to @req is in its out iovecs, @len bytes; 0 for a request
 * flushed before it ran (its buffers go back to the client unwritten).
 * Called from a worker or from p9_pool_submit()'s caller, with the pool's
 * lock held: it may push and signal, never wait on the pool.
 */
typedef void (*p9_pool_done_fn)(void *priv, struct p9_pool_req *req,
				size_t len);

struct p9_pool *p9_pool_new(struct p9_server *srv, unsigned int nr_threads,
			    p9_pool_done_fn done, void *priv);
/* Waits for every request submitted, then ends the threads. */
void p9_pool_free(struct p9_pool *pool);
void p9_pool_submit(struct p9_pool *pool, struct p9_pool_req *req);
/* Returns once every request submitted is done. */
void p9_pool_drain(struct p9_pool *pool);
/*
 * Drops every request not yet started (each completed with 0 bytes, as a
 * flushed one is) and returns once the running ones are done: nothing
 * submitted before is still using its buffers then.
 */
void p9_pool_cancel(struct p9_pool *pool);
/* Tests: @hook runs on the worker before each request, no lock held. */
void p9_pool_set_hook(struct p9_pool *pool,
		      void (*hook)(struct p9_pool_req *req));

#endif /* KVM__9P_H */
