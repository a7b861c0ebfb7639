/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__CONTROL_H
#define KVM__CONTROL_H

#include <stdbool.h>
#include <linux/types.h>

#include "kvm/control-proto.h"

struct kvm;

/*
 * The control socket of a running guest, ~/.lkvm/NAME.sock (the protocol
 * is in control-proto.h).  Its requests are served on the main loop.
 *
 * ~/.lkvm/.NAME.lock, held with flock() for as long as lkvm runs, says
 * that NAME is taken.  The kernel lets go of it when lkvm dies, even by
 * SIGKILL, so a socket whose lock is free is stale and is removed.
 */

/*
 * Claims @name and listens on its socket; before kvm__init(), so that a
 * name clash fails early.  -1 after saying why for a bad name or a clash;
 * when the socket cannot be made, a warning says so and the guest runs
 * without one (0).
 */
int control__start(struct kvm *kvm, const char *name);
/* Removes the socket and gives the name back. */
void control__stop(struct kvm *kvm);

/*
 * Serves the request of @n bytes at @msg as if it had come on the
 * socket, once control__start() has run: puts the reply in @reply
 * (LKVM_CTL_MAX_MSG bytes) and returns its length.  *@keep is false when
 * the client is to be hung up on after the reply.  The socket path and
 * the fuzzer (tests/fuzz/fuzz-control.c) both come through here.
 */
size_t control__serve(struct kvm *kvm, const void *msg, size_t n, void *reply,
		      bool *keep);

/*
 * Handlers of further request types, registered by the devices that
 * serve them (the balloon).  @req holds @req_len bytes (check them);
 * @reply has room for LKVM_CTL_MAX_MSG - sizeof(struct lkvm_ctl_reply)
 * bytes and *@reply_len says how many were written.  Returns the
 * reply's status: 0 or -errno.  Runs on the main thread.
 */
struct control_handler {
	u16 type;
	int (*handle)(struct kvm *kvm, const void *req, u32 req_len,
		      void *reply, u32 *reply_len);
	struct control_handler *next;
};

void control__register(struct control_handler *h);

#define control_handler_register(h)					\
	static void __attribute__((constructor)) __control_##h(void)	\
	{								\
		control__register(&h);					\
	}

/*
 * Takes the lock of @name: a file descriptor, -EBUSY when a live lkvm
 * holds it, or another -errno.  lkvm list uses it to tell live guests
 * from stale sockets.
 */
int control__lock_name(const char *name);
/* ~/.lkvm/NAME.sock, malloc'ed. */
char *control__sock_path(const char *name);
/* Removes the socket and lock of @name, whose lock @lock_fd holds. */
void control__remove_name(const char *name, int lock_fd);

/*
 * The client side (lkvm list, stop, ...).  control__connect() returns a
 * socket connected to the guest @name, or -1 after telling the user why
 * (no such guest, it died, it belongs to another user).
 * control__call() sends one request and waits (up to a few seconds)
 * for its reply: the reply's status, or -EIO after saying what went
 * wrong with the socket.  The reply payload is copied to @reply,
 * zero-filled up to @reply_len if shorter.
 */
int control__connect(const char *name);
int control__call(int fd, u16 type, const void *req, u32 req_len,
		  void *reply, u32 reply_len);
/* The same with a time limit of its own (a dump opens the vmlinux). */
int control__call_timeout(int fd, u16 type, const void *req, u32 req_len,
			  void *reply, u32 reply_len, int timeout_ms);
/*
 * Connects to @name, sends @type with no payload and reports the
 * outcome ("NAME @done"): lkvm's exit status.
 */
int control__simple_command(const char *name, u16 type, const char *done);
/* The same for a command whose only argument is the guest's name. */
int control__guest_command(int argc, const char **argv,
			   const char * const usage[], u16 type, const char *done);
/*
 * Calls @fn for each running guest, in name order; removes stale
 * sockets on the way.  Returns the number of guests, or -1.
 */
int control__for_each_guest(int (*fn)(const char *name, void *data),
			    void *data);

#endif /* KVM__CONTROL_H */
