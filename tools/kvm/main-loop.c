// SPDX-License-Identifier: GPL-2.0
/*
 * The main thread's event loop (see include/kvm/main-loop.h): one epoll
 * instance per VM.  One event is taken per wait, so that a handler that
 * deletes a descriptor never leaves a stale event of it behind.
 */
#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "kvm/log.h"

#include "kvm/kvm.h"
#include "kvm/main-loop.h"

int main_loop__init(struct kvm *kvm)
{
	kvm->loop_fd = epoll_create1(EPOLL_CLOEXEC);
	if (kvm->loop_fd < 0)
		return -errno;
	return 0;
}

void main_loop__exit(struct kvm *kvm)
{
	if (kvm->loop_fd >= 0)
		close(kvm->loop_fd);
	kvm->loop_fd = -1;
}

int main_loop__add(struct kvm *kvm, struct main_loop_fd *mfd, u32 events)
{
	struct epoll_event ev = { .events = events, .data.ptr = mfd };

	if (epoll_ctl(kvm->loop_fd, EPOLL_CTL_ADD, mfd->fd, &ev) < 0)
		return -errno;
	return 0;
}

void main_loop__del(struct kvm *kvm, struct main_loop_fd *mfd)
{
	if (epoll_ctl(kvm->loop_fd, EPOLL_CTL_DEL, mfd->fd, NULL) < 0)
		warning("main loop: cannot remove fd %d: %m", mfd->fd);
}

int main_loop__wait(struct kvm *kvm, int timeout_ms)
{
	struct epoll_event ev;
	struct main_loop_fd *mfd;
	int n;

	n = epoll_wait(kvm->loop_fd, &ev, 1, timeout_ms);
	if (n < 0)
		return -errno;
	if (!n)
		return 0;
	mfd = ev.data.ptr;
	mfd->handler(kvm, mfd, ev.events);
	return 0;
}
