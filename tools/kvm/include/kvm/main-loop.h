/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__MAIN_LOOP_H
#define KVM__MAIN_LOOP_H

#include <linux/types.h>

struct kvm;

/*
 * The main thread's event loop.  kvm__wait_exit() sleeps in it until the
 * VM ends and runs, on the main thread, the handlers of the file
 * descriptors added here: the control socket and its clients.  Handlers
 * never run on a vCPU thread, must not block, and may delete their own
 * descriptor (or any other) from the loop.
 */
struct main_loop_fd {
	int fd;
	/* @events: EPOLLIN, EPOLLOUT, EPOLLHUP, ... that are ready. */
	void (*handler)(struct kvm *kvm, struct main_loop_fd *mfd, u32 events);
};

int main_loop__init(struct kvm *kvm);
void main_loop__exit(struct kvm *kvm);
/* @events: EPOLLIN and/or EPOLLOUT.  0 or -errno. */
int main_loop__add(struct kvm *kvm, struct main_loop_fd *mfd, u32 events);
void main_loop__del(struct kvm *kvm, struct main_loop_fd *mfd);
/*
 * Sleeps until a descriptor is ready or @timeout_ms passed (-1: no
 * limit) and runs the handler of one ready descriptor.  0 or -errno
 * (-EINTR when a signal came first).
 */
int main_loop__wait(struct kvm *kvm, int timeout_ms);

#endif /* KVM__MAIN_LOOP_H */
