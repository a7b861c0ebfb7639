/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__CONTROL_PROTO_H
#define KVM__CONTROL_PROTO_H

#include <linux/types.h>

/*
 * The control protocol of a running guest: what 'lkvm list', 'stop',
 * 'pause', 'resume', 'balloon' and 'stat' say to the lkvm that runs it.
 *
 * Transport.  Every guest listens on ~/.lkvm/NAME.sock, a SOCK_SEQPACKET
 * UNIX socket: one datagram is one request, and every request gets
 * exactly one reply datagram, in order.  The directory is 0700 and the
 * socket 0600; lkvm also checks SO_PEERCRED and answers anyone but its
 * own user and root with -EACCES, then hangs up.  Both ends are on the
 * same host, so numbers are in the host's byte order.
 *
 * Messages.  A request is a struct lkvm_ctl_hdr followed by hdr.len bytes
 * of payload; a reply is a struct lkvm_ctl_reply (whose hdr echoes the
 * request's type and seq) followed by its payload.  A message longer than
 * LKVM_CTL_MAX_MSG is refused with -EMSGSIZE, a malformed one (short,
 * wrong magic, a len that does not match) with -EPROTO, another protocol
 * version with -EPROTONOSUPPORT and an unknown type with -EOPNOTSUPP;
 * after a malformed message lkvm hangs up.  Status is 0 or a negative
 * errno value.
 *
 * Compatibility.  A request or reply may grow at its end in a later
 * version: readers take what they know and ignore the rest, and fill
 * what a shorter message lacks with zeroes.  Incompatible changes bump
 * LKVM_CTL_VERSION.  Types 16-31 are kept for the debug commands (dump,
 * NMI, SysRq, gdb attach).
 */

#define LKVM_CTL_MAGIC		0x4c4b564dU	/* "LKVM" */
#define LKVM_CTL_VERSION	1
#define LKVM_CTL_MAX_MSG	4096

enum lkvm_ctl_type {
	LKVM_CTL_INFO		= 1,	/* -> struct lkvm_ctl_info */
	LKVM_CTL_STOP		= 2,	/* the VM ends, lkvm exits with 0 */
	LKVM_CTL_PAUSE		= 3,	/* every vCPU stops; guest time stops */
	LKVM_CTL_RESUME		= 4,
	LKVM_CTL_BALLOON	= 5,	/* struct lkvm_ctl_balloon -> lkvm_ctl_balloon_info */
	LKVM_CTL_MEMSTAT	= 6,	/* struct lkvm_ctl_memstat_req -> lkvm_ctl_memstat */
	LKVM_CTL_NETSTAT	= 7,	/* -> struct lkvm_ctl_netstat */
	/* 16-31: lkvm debug */
	LKVM_CTL_GDB		= 16,	/* struct lkvm_ctl_gdb -> lkvm_ctl_gdb_info */
	LKVM_CTL_DUMP		= 17,	/* struct lkvm_ctl_dump -> lkvm_ctl_dump_info */
	LKVM_CTL_NMI		= 18,	/* an NMI into every vCPU */
	LKVM_CTL_SYSRQ		= 19,	/* struct lkvm_ctl_sysrq */
};

struct lkvm_ctl_hdr {
	u32 magic;		/* LKVM_CTL_MAGIC */
	u16 version;		/* LKVM_CTL_VERSION */
	u16 type;		/* enum lkvm_ctl_type */
	u32 seq;		/* chosen by the client, echoed in the reply */
	u32 len;		/* bytes of payload after this header */
};

struct lkvm_ctl_reply {
	struct lkvm_ctl_hdr hdr;
	s32 status;		/* 0 or -errno */
	u32 reserved;
};

enum lkvm_ctl_state {
	LKVM_CTL_RUNNING	= 1,
	LKVM_CTL_PAUSED		= 2,
};

struct lkvm_ctl_info {
	s32 pid;
	u32 state;		/* enum lkvm_ctl_state */
	u32 nr_cpus;
	u32 reserved;
	u64 ram_size;		/* bytes */
	char name[72];		/* NUL-terminated */
};

/* Moves the balloon's target by @delta_pages (4 KiB pages) either way. */
struct lkvm_ctl_balloon {
	s64 delta_pages;
};

struct lkvm_ctl_balloon_info {
	u64 target_pages;	/* what lkvm asks the guest to give back */
	u64 actual_pages;	/* what the guest says it gave back */
};

/* LKVM_CTL_MEMSTAT: with refresh, the guest is asked for new figures. */
struct lkvm_ctl_memstat_req {
	u32 refresh;
	u32 reserved;
};

/*
 * The guest's memory statistics, as its balloon driver last reported
 * them (virtio 1.x, 5.5.6.3).  Bit N of @present says that tag N
 * (VIRTIO_BALLOON_S_*) was reported; @generation grows with every
 * report, so a client that asked for a refresh asks again until it does.
 */
struct lkvm_ctl_memstat {
	u64 generation;		/* 0: no report yet */
	u64 present;		/* bitmap of the tags reported */
	u64 val[16];		/* by tag: bytes, or counts for the events */
	u64 age_ms;		/* since the report arrived */
};

/* One NIC's counters (LKVM_CTL_NETSTAT). */
struct lkvm_ctl_nic {
	char name[16];		/* "virtio-net0" */
	char backend[64];	/* "tap0, vhost-net", "user (libslirp ...)" */
	u8 mac[6];
	u8 reserved[2];
	u64 rx_packets;
	u64 rx_bytes;
	u64 rx_dropped;		/* no room in the guest's buffers, or too long */
	u64 tx_packets;
	u64 tx_bytes;
	u64 tx_dropped;		/* malformed, or the backend refused it */
};

#define LKVM_CTL_MAX_NICS	8

struct lkvm_ctl_netstat {
	u32 nr;			/* entries of @nic in use */
	u32 reserved;
	struct lkvm_ctl_nic nic[LKVM_CTL_MAX_NICS];
};

/*
 * LKVM_CTL_GDB: start the gdb stub on @addr ("[HOST:]PORT" or an
 * absolute UNIX socket path, as lkvm run --gdb takes it).  The reply
 * says where it listens (port 0 gets a free one); when a stub runs
 * already, where that one listens, with @already set.  -EINVAL for a
 * bad address, -EADDRINUSE or another -errno when it cannot listen.
 */
struct lkvm_ctl_gdb {
	char addr[256];		/* NUL-terminated */
};

struct lkvm_ctl_gdb_info {
	u32 already;
	u32 reserved;
	char where[256];	/* NUL-terminated */
};

/*
 * LKVM_CTL_DUMP: the registers, code bytes and stack walk of every vCPU,
 * as text.  A dump is longer than a message, so it comes in pieces: the
 * request with @offset 0 makes a new dump (symbolized with @vmlinux, an
 * absolute path, or when empty the one lkvm run was given) and returns
 * its first bytes; requests for later offsets, with the @gen the first
 * reply gave, return the rest of that same dump (-ESTALE once another
 * dump replaced it).  -EAGAIN before the vCPUs run, -ETIMEDOUT when they
 * could not be stopped.
 */
struct lkvm_ctl_dump {
	u32 offset;
	u32 gen;
	char vmlinux[256];	/* NUL-terminated; "" for lkvm run's */
};

struct lkvm_ctl_dump_info {
	u32 gen;
	u32 total;		/* bytes of the whole dump */
	u32 len;		/* bytes of @text in this reply */
	u32 reserved;
	char text[];		/* from @offset, not NUL-terminated */
};

/*
 * LKVM_CTL_SYSRQ: a BREAK then @key on the first serial port, which the
 * guest's 8250 driver takes as Magic SysRq @key on its serial console.
 * -EINVAL for a key that is not a printable character.
 */
struct lkvm_ctl_sysrq {
	u8 key;
	u8 reserved[7];
};

#endif /* KVM__CONTROL_PROTO_H */
