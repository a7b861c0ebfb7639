/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__IOEVENTFD_H
#define KVM__IOEVENTFD_H

#include <stdbool.h>
#include <linux/types.h>

#include "kvm/bus.h"

struct kvm;

/*
 * A guest write that KVM turns into an eventfd signal without leaving the
 * kernel (KVM_IOEVENTFD): the fast path of virtqueue notifications.
 *
 * @len is the access size to match (1, 2, 4, 8); with @datamatch set, only
 * writes of that value match.  Registration can fail (no KVM support, too
 * many ioeventfds): the device must then keep a bus handler on the address
 * that signals @fd itself, so the slow path still works.
 */
struct ioevent {
	enum bus_type bus;
	u64 addr;
	u32 len;
	bool datamatch;
	u64 data;
	int fd;			/* the eventfd KVM signals */
	bool registered;	/* set by ioeventfd__add() */
};

int ioeventfd__add(struct kvm *kvm, struct ioevent *ev);
int ioeventfd__del(struct kvm *kvm, struct ioevent *ev);

#endif /* KVM__IOEVENTFD_H */
