// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket's request parser and dispatch (control.c, through
 * control__serve(), the path every datagram of a client takes): any
 * length, magic, version, type and payload, in sequences, on a guest
 * whose control socket is up (in a scratch HOME) but that has no vCPUs
 * and no balloon: the balloon's handlers are linked in and get their
 * requests, and answer -ENODEV.
 *
 * Oracle: every request gets exactly one well-formed reply that echoes
 * its type and seq unless it was malformed, a status that is 0 or
 * -errno, and an INFO reply that names the guest.
 *
 * Input: messages, each op[1] and its fields (see message()).
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include <linux/kernel.h>

#include "kvm/control.h"
#include "kvm/control-proto.h"
#include "kvm/kvm.h"
#include "kvm/log.h"
#include "kvm/virtio-balloon.h"
#include "fuzz.h"

#define MAX_MSGS	16

static struct kvm *kvm;
static char home[64];
/* Referencing the balloon links in its handlers (BALLOON, MEMSTAT). */
static int (*balloon_get)(struct kvm *, struct virtio_balloon_info *)
	__attribute__((used)) = virtio_balloon__get;
static u8 msg[LKVM_CTL_MAX_MSG + 64], reply[LKVM_CTL_MAX_MSG];

static void cleanup(void)
{
	char cmd[128];

	control__stop(kvm);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", home);
	if (system(cmd))
		fprintf(stderr, "fuzz: cannot remove %s\n", home);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	loglevel = -1;
	snprintf(home, sizeof(home), "/tmp/lkvm-fuzz-control-XXXXXX");
	if (!mkdtemp(home) || setenv("HOME", home, 1))
		abort();
	kvm = kvm__new();
	if (control__start(kvm, "fuzz"))
		abort();
	atexit(cleanup);
	return 0;
}

/* A request: mostly with a header that passes, at times one that lies. */
static size_t message(struct fuzz_in *in)
{
	struct lkvm_ctl_hdr hdr;
	u8 op = fuzz_u8(in);
	size_t n;

	if (op >= 0xf0) {
		/* Raw bytes, of any length up to past the limit. */
		n = fuzz_u16(in) % sizeof(msg);
		fuzz_bytes(in, msg, n);
		return n;
	}
	n = fuzz_u8(in);
	if (op & 0x40)
		n = n * 17;
	if (n > sizeof(msg) - sizeof(hdr))
		n = sizeof(msg) - sizeof(hdr);
	hdr.magic = op & 0x80 ? fuzz_u32(in) : LKVM_CTL_MAGIC;
	hdr.version = op & 0x20 ? fuzz_u16(in) : LKVM_CTL_VERSION;
	hdr.type = op & 0x10 ? fuzz_u16(in) : op & 7;
	hdr.seq = fuzz_u32(in);
	hdr.len = op & 0x08 ? fuzz_u32(in) : n;
	memcpy(msg, &hdr, sizeof(hdr));
	fuzz_bytes(in, msg + sizeof(hdr), n);
	return sizeof(hdr) + n;
}

static void check_reply(size_t n, size_t len, bool keep)
{
	struct lkvm_ctl_reply r;
	struct lkvm_ctl_hdr req;
	struct lkvm_ctl_info info;

	fuzz_assert(len >= sizeof(r) && len <= LKVM_CTL_MAX_MSG);
	memcpy(&r, reply, sizeof(r));
	fuzz_assert(r.hdr.magic == LKVM_CTL_MAGIC &&
		    r.hdr.version == LKVM_CTL_VERSION);
	fuzz_assert(r.hdr.len == len - sizeof(r.hdr));
	fuzz_assert(r.status <= 0 && r.status > -4096);
	if (!keep) {
		fuzz_assert(r.status < 0);
		return;
	}
	memcpy(&req, msg, sizeof(req));
	fuzz_assert(n == sizeof(req) + req.len);
	fuzz_assert(r.hdr.type == req.type && r.hdr.seq == req.seq);
	if (req.type != LKVM_CTL_INFO || r.status)
		return;
	fuzz_assert(len == sizeof(r) + sizeof(info));
	memcpy(&info, reply + sizeof(r), sizeof(info));
	fuzz_assert(info.pid == getpid() && !strcmp(info.name, "fuzz"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	size_t n, len;
	bool keep;
	int i;

	for (i = 0; i < MAX_MSGS && in.left; i++) {
		n = message(&in);
		memset(reply, 0xa5, sizeof(reply));
		len = control__serve(kvm, msg, n, reply, &keep);
		check_reply(n, len, keep);
	}
	return 0;
}
