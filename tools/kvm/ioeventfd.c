// SPDX-License-Identifier: GPL-2.0
/*
 * KVM ioeventfds: a guest write to a doorbell address signals an eventfd
 * inside KVM, without an exit to lkvm.  Virtqueue notifications use them;
 * their bus handlers stay registered as the slow path for when KVM can't
 * (or a write has an unexpected size).
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "kvm/ioeventfd.h"
#include "kvm/kvm.h"
#include "kvm/log.h"

static bool ioeventfd_broken;

static int ioeventfd_ioctl(struct kvm *kvm, struct ioevent *ev, u32 extra)
{
	struct kvm_ioeventfd kio = {
		.addr = ev->addr,
		.len = ev->len,
		.fd = ev->fd,
		.datamatch = ev->data,
		.flags = extra,
	};

	if (ev->bus == BUS_PIO)
		kio.flags |= KVM_IOEVENTFD_FLAG_PIO;
	if (ev->datamatch)
		kio.flags |= KVM_IOEVENTFD_FLAG_DATAMATCH;
	if (ioctl(kvm->vm_fd, KVM_IOEVENTFD, &kio) < 0)
		return -errno;
	return 0;
}

int ioeventfd__add(struct kvm *kvm, struct ioevent *ev)
{
	int ret;

	ev->registered = false;
	if (ioeventfd_broken || kvm->vm_fd < 0)
		return -ENOSYS;
	ret = ioeventfd_ioctl(kvm, ev, 0);
	if (ret) {
		/* Once is enough: the slow path works without it. */
		if (!ioeventfd_broken)
			warning("KVM_IOEVENTFD at 0x%llx: %s; notifications will exit to lkvm",
				(unsigned long long)ev->addr, strerror(-ret));
		if (ret == -ENOSYS || ret == -ENOTTY)
			ioeventfd_broken = true;
		return ret;
	}
	ev->registered = true;
	return 0;
}

int ioeventfd__del(struct kvm *kvm, struct ioevent *ev)
{
	int ret;

	if (!ev->registered)
		return 0;
	ret = ioeventfd_ioctl(kvm, ev, KVM_IOEVENTFD_FLAG_DEASSIGN);
	ev->registered = false;
	return ret;
}
