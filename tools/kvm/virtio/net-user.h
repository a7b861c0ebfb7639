/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__VIRTIO_NET_USER_H
#define KVM__VIRTIO_NET_USER_H

/*
 * virtio-net's user-mode backend (net-user.c), as far as its unit tests
 * reach into it.  Nothing else in lkvm uses this: the device knows the
 * backend by its ops, registered for NET_MODE_USER.
 */
#include <stdbool.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <linux/types.h>

#include "kvm/virtio-net.h"

/* One hostfwd= rule, parsed. */
struct net_user_hostfwd {
	bool udp;
	struct in_addr host_addr;	/* INADDR_ANY when not given */
	u16 host_port;
	struct in_addr guest_addr;	/* 0 when not given: the DHCP address */
	u16 guest_port;
};

/*
 * "[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT", QEMU's syntax.
 * 0, or -1 after an error that names the rule and what is wrong in it.
 */
int net_user__parse_hostfwd(const char *rule, struct net_user_hostfwd *fwd);

extern const struct net_backend_ops net_user__ops;

/*
 * Frames that need no guest.  Between init() and the first start(),
 * while no thread drives the backend's libslirp instance: hands @frame
 * to libslirp as if the guest had sent it ...
 */
void net_user__input(struct net_dev *ndev, const void *frame, size_t len);
/* ... and gives what libslirp sends the guest to @fn instead (NULL: stop). */
void net_user__capture(struct net_dev *ndev,
		       ssize_t (*fn)(const void *frame, size_t len, void *opaque),
		       void *opaque);

#endif /* KVM__VIRTIO_NET_USER_H */
