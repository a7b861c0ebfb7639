/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__VIRTIO_9P_H
#define KVM__VIRTIO_9P_H

#include <stdbool.h>

struct kvm_config;
struct option;

/* Longest mount tag we offer (the guest mounts it with -t 9p TAG). */
#define VIRTIO_9P_MAX_TAG	64

/*
 * Adds a share to @cfg; one virtio-9p device is created per share at
 * virtio init.  Both return 0 or -1 with an error printed.
 */
int virtio_9p__add_share(struct kvm_config *cfg, const char *dir,
			 const char *tag, bool readonly);
/* "DIR,TAG[,ro]", as given to --9p. */
int virtio_9p__parse_share(struct kvm_config *cfg, const char *arg);
int virtio_9p__check_tag(const char *tag);

/*
 * For an option table: OPT_CALLBACK('\0', "9p", &kvm->cfg, "DIR,TAG[,ro]",
 * "share a host directory", virtio_9p__opt_parser).
 */
int virtio_9p__opt_parser(const struct option *opt, const char *arg,
			  int unset);

#endif /* KVM__VIRTIO_9P_H */
