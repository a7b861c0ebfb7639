// SPDX-License-Identifier: GPL-2.0
/*
 * Random and truncated 9P messages against the server: every one gets a
 * well-formed reply (or none when there is no room), nothing crashes,
 * and nothing outside the share changes.  The seed is fixed so that a
 * failure can be replayed.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <linux/kernel.h>

#include "tap.h"
#include "kvm/9p.h"
#include "host-dir.h"

#define ROUNDS		20000

static const u8 types[] = {
	P9_TSTATFS, P9_TLOPEN, P9_TLCREATE, P9_TSYMLINK, P9_TMKNOD, P9_TRENAME,
	P9_TREADLINK, P9_TGETATTR, P9_TSETATTR, P9_TXATTRWALK,
	P9_TXATTRCREATE, P9_TREADDIR, P9_TFSYNC, P9_TLOCK, P9_TGETLOCK,
	P9_TLINK, P9_TMKDIR, P9_TRENAMEAT, P9_TUNLINKAT, P9_TVERSION,
	P9_TAUTH, P9_TATTACH, P9_TFLUSH, P9_TWALK, P9_TREAD, P9_TWRITE,
	P9_TCLUNK, P9_TREMOVE, P9_TOPEN, P9_TSTAT, 0, 255,
};

static const char * const names[] = {
	"a", "b", "..", ".", "", "a/b", "../..", "/etc", "f", "d", "link",
	"\xff\xfe", "x.txt",
};

static unsigned char msg[9000], reply[9000];
static size_t len;

static void put(const void *p, size_t n)
{
	if (len + n > sizeof(msg))
		return;
	memcpy(msg + len, p, n);
	len += n;
}

/* Small numbers mostly, so that fids and flags hit something. */
static u32 rnd32(void)
{
	switch (rand() % 4) {
	case 0:
		return rand() % 8;
	case 1:
		return 0xffffffff;
	case 2:
		return rand() % 0x200000;
	}
	return ((u32)rand() << 16) ^ rand();
}

static void field(void)
{
	u64 v64;
	u32 v32;
	u16 v16;
	u8 v8;
	int i;

	switch (rand() % 6) {
	case 0:
		v8 = rand();
		put(&v8, 1);
		break;
	case 1:
		v16 = rand() % 3 ? rand() % 20 : rand();
		put(&v16, 2);
		break;
	case 2:
		v32 = rnd32();
		put(&v32, 4);
		break;
	case 3:
		v64 = rand() % 2 ? (u64)rand() % 100000 : ~0ULL - rand() % 3;
		put(&v64, 8);
		break;
	default:
		i = rand() % ARRAY_SIZE(names);
		v16 = strlen(names[i]);
		if (rand() % 10 == 0)
			v16 += rand() % 50;	/* longer than what follows */
		put(&v16, 2);
		put(names[i], strlen(names[i]));
		break;
	}
}

/* Message layouts: f fid, d u32, q u64, b u8, n name, w walk names, D data. */
static const struct {
	u8 type;
	const char *fmt;
} layouts[] = {
	{ P9_TWALK, "ffw" }, { P9_TLOPEN, "fd" }, { P9_TLCREATE, "fnddd" },
	{ P9_TREAD, "fqd" }, { P9_TWRITE, "fqD" }, { P9_TREADDIR, "fqd" },
	{ P9_TMKDIR, "fndd" }, { P9_TUNLINKAT, "fnd" }, { P9_TRENAMEAT, "fnfn" },
	{ P9_TGETATTR, "fq" }, { P9_TSETATTR, "fddddqqqqq" },
	{ P9_TXATTRWALK, "ffn" }, { P9_TXATTRCREATE, "fnqd" }, { P9_TCLUNK, "f" },
	{ P9_TSYMLINK, "fnnd" }, { P9_TLINK, "ffn" }, { P9_TRENAME, "ffn" },
	{ P9_TREMOVE, "f" }, { P9_TMKNOD, "fndddd" }, { P9_TREADLINK, "f" },
	{ P9_TLOCK, "fbdqqdn" }, { P9_TGETLOCK, "fbqqdn" }, { P9_TFSYNC, "fd" },
	{ P9_TSTATFS, "f" },
};

static void name(void)
{
	const char *s = names[rand() % ARRAY_SIZE(names)];
	u16 n = strlen(s);

	put(&n, 2);
	put(s, n);
}

static void structured(void)
{
	int k = rand() % ARRAY_SIZE(layouts);
	const char *p;
	u16 tag = rand(), n;
	u32 v32, size;
	u64 v64;
	u8 v8;
	int i;

	len = 4;
	put(&layouts[k].type, 1);
	put(&tag, 2);
	for (p = layouts[k].fmt; *p; p++) {
		switch (*p) {
		case 'f':
			v32 = rand() % 6;
			put(&v32, 4);
			break;
		case 'd':
			v32 = rnd32();
			put(&v32, 4);
			break;
		case 'q':
			v64 = rand() % 5 ? (u64)rand() % 8192 : ~0ULL;
			put(&v64, 8);
			break;
		case 'b':
			v8 = rand() % 4;
			put(&v8, 1);
			break;
		case 'n':
			name();
			break;
		case 'w':
			n = rand() % 4;
			put(&n, 2);
			for (i = 0; i < n; i++)
				name();
			break;
		case 'D':
			v32 = rand() % 100;
			put(&v32, 4);
			for (i = 0; i < (int)v32; i++)
				put("z", 1);
			break;
		}
	}
	size = len;
	memcpy(msg, &size, 4);
}

static void build(void)
{
	u16 tag = rand();
	u32 size;
	int i, n = rand() % 12;

	len = 4;
	put(&types[rand() % sizeof(types)], 1);
	put(&tag, 2);
	for (i = 0; i < n; i++)
		field();
	size = len;
	if (rand() % 8 == 0)
		size += rand() % 64 - 32;	/* a lying size field */
	memcpy(msg, &size, 4);
	if (rand() % 8 == 0)
		len = rand() % (len + 1);	/* cut short */
}

/* The reply is one well-formed message of the returned length. */
static bool reply_ok(size_t rlen, size_t room)
{
	u32 size;

	if (rlen == 0)
		return room < 11;
	if (rlen < 7 || rlen > room)
		return false;
	memcpy(&size, reply, 4);
	return size == rlen && (reply[4] & 1);
}

int main(void)
{
	char root[] = "/tmp/lkvm-9p-fuzz.XXXXXX", share[300], outside[300];
	char path[400], cmd[700];
	struct p9_server *srv;
	struct iovec in, out[2];
	int i, bad = 0, fd, before, served = 0;
	size_t room, rlen;

	plan(4);
	if (!mkdtemp(root))
		skip_all("no temporary directory");
	snprintf(share, sizeof(share), "%s/share", root);
	snprintf(outside, sizeof(outside), "%s/outside", root);
	mkdir(share, 0755);
	mkdir(outside, 0755);
	snprintf(path, sizeof(path), "%s/f", share);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	if (fd >= 0 && write(fd, "data", 4) != 4)
		diag("short write");
	close(fd);
	snprintf(path, sizeof(path), "%s/d", share);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/link", share);
	if (symlink("../outside", path))
		diag("no symlink");
	snprintf(path, sizeof(path), "%s/secret", outside);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	before = count_entries(outside);

	srv = p9_server_new(share, false, P9_SECURITY_PASSTHROUGH);
	ok(srv != NULL, "server up");
	if (!srv)
		return exit_status();

	srand(20261121);
	for (i = 0; i < ROUNDS; i++) {
		/* Keep some fids alive: attach one of 0..3 often. */
		if (i % 5 == 0) {
			u32 fid = rand() % 4, nofid = P9_NOFID, uid = 0;
			u16 tag = 1, z = 0;

			len = 4;
			put(&(u8){ P9_TATTACH }, 1);
			put(&tag, 2);
			put(&fid, 4);
			put(&nofid, 4);
			put(&z, 2);
			put(&z, 2);
			put(&uid, 4);
			memcpy(msg, &(u32){ len }, 4);
		} else if (rand() % 3) {
			structured();
		} else {
			build();
		}
		room = rand() % 4 ? sizeof(reply) : (size_t)(rand() % 40);
		in = (struct iovec){ msg, len };
		/* Replies split at a random point, like zero-copy buffers. */
		out[0] = (struct iovec){ reply, room ? rand() % room : 0 };
		out[1] = (struct iovec){ reply + out[0].iov_len,
					 room - out[0].iov_len };
		rlen = p9_server_handle(srv, &in, 1, out, 2);
		if (rlen > 7 && reply[4] != P9_RLERROR)
			served++;
		if (!reply_ok(rlen, room)) {
			if (!bad++)
				diag("bad reply in round %d", i);
		}
	}
	is_int(bad, 0, "every message got a well-formed reply");
	diag("%d of %d requests succeeded", served, ROUNDS);
	p9_server_free(srv);
	ok(1, "no crash in %d rounds", ROUNDS);
	is_int(count_entries(outside), before, "nothing changed outside the share");

	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	if (system(cmd))
		diag("cleanup failed");
	return exit_status();
}
