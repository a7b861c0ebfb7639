// SPDX-License-Identifier: GPL-2.0
/* --9p DIR,TAG[,ro]: what is accepted and what is refused. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "kvm/kvm-config.h"
#include "kvm/virtio-9p.h"

int main(void)
{
	struct kvm_config cfg;
	int i, ret = 0;

	plan(14);
	memset(&cfg, 0, sizeof(cfg));
	is_int(virtio_9p__parse_share(&cfg, "/tmp,share"), 0, "DIR,TAG");
	is_str(cfg.shares[0].tag, "share", "tag");
	ok(!cfg.shares[0].readonly, "read-write by default");
	is_int(virtio_9p__parse_share(&cfg, "/,hostfs,ro"), 0, "DIR,TAG,ro");
	ok(cfg.shares[1].readonly, "read-only");
	is_int(virtio_9p__parse_share(&cfg, "/tmp"), 0, "bare DIR");
	is_str(cfg.shares[2].tag, "tmp", "tag from the directory name");
	is_int(virtio_9p__parse_share(&cfg, "/tmp,share"), -1, "tag used twice");
	is_int(virtio_9p__parse_share(&cfg, "/nonexistent,x"), -1,
	       "missing directory");
	is_int(virtio_9p__parse_share(&cfg, "/tmp,y,rw"), -1, "unknown option");
	is_int(virtio_9p__parse_share(&cfg, "/tmp,a b"), -1, "space in tag");
	is_int(virtio_9p__check_tag(
		"0123456789012345678901234567890123456789012345678901234567890123456789"),
		-22, "tag too long");
	is_int(cfg.nr_9p_shares, 3, "three shares");
	for (i = 0; i < LKVM_MAX_9P_SHARES && !ret; i++) {
		char tag[16];

		snprintf(tag, sizeof(tag), "t%d", i);
		ret = virtio_9p__add_share(&cfg, "/tmp", tag, false);
	}
	is_int(cfg.nr_9p_shares, LKVM_MAX_9P_SHARES, "no more than the maximum");
	return exit_status();
}
