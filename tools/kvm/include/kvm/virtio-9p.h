/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__VIRTIO_9P_H
#define KVM__VIRTIO_9P_H

#include <stdbool.h>

#include "kvm/9p.h"

/* Longest mount tag we offer (the guest mounts it with -t 9p TAG). */
#define VIRTIO_9P_MAX_TAG	64
#define LKVM_MAX_9P_SHARES	16

/*
 * A host directory the guest sees
 * (--9p DIR,TAG[,ro][,security=...][,threads=N]).
 */
struct p9_share_params {
	const char *host_dir;
	const char *tag;
	bool readonly;
	enum p9_security security;
	unsigned int threads;	/* workers; 0: from the vCPU count */
};

/*
 * Adds a share; one virtio-9p device is created per share at virtio
 * init.  Both return 0 or -1 with an error printed.
 */
int virtio_9p__add_share(const char *dir, const char *tag, bool readonly,
			 enum p9_security security);
/*
 * "DIR,TAG[,ro][,security=mapped|passthrough][,threads=N]", as given to
 * --9p; mapped unless passthrough is asked for; threads from 1 to
 * P9_POOL_MAX_THREADS, by default min(max(2, 2 * vCPUs), 16).
 */
int virtio_9p__parse_share(const char *arg);
int virtio_9p__check_tag(const char *tag);

/* The shares added so far, in order; NULL past the last. */
int virtio_9p__nr_shares(void);
const struct p9_share_params *virtio_9p__share(int index);

#endif /* KVM__VIRTIO_9P_H */
