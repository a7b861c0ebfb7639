// SPDX-License-Identifier: GPL-2.0
/* --9p DIR,TAG[,ro][,security=...][,threads=N]: what is accepted and what is refused. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "kvm/virtio-9p.h"

int main(void)
{
	int i, ret = 0;

	plan(27);
	is_int(virtio_9p__parse_share("/tmp,share"), 0, "DIR,TAG");
	is_str(virtio_9p__share(0)->tag, "share", "tag");
	ok(!virtio_9p__share(0)->readonly, "read-write by default");
	is_int(virtio_9p__share(0)->security, P9_SECURITY_MAPPED,
	       "security=mapped by default");
	is_int(virtio_9p__parse_share("/,hostfs,ro"), 0, "DIR,TAG,ro");
	ok(virtio_9p__share(1)->readonly, "read-only");
	is_int(virtio_9p__share(1)->security, P9_SECURITY_MAPPED,
	       "mapped too");
	is_int(virtio_9p__parse_share("/tmp"), 0, "bare DIR");
	is_str(virtio_9p__share(2)->tag, "tmp", "tag from the directory name");
	is_int(virtio_9p__parse_share("/tmp,share"), -1, "tag used twice");
	is_int(virtio_9p__parse_share("/nonexistent,x"), -1,
	       "missing directory");
	is_int(virtio_9p__parse_share("/tmp,y,rw"), -1, "unknown option");
	is_int(virtio_9p__parse_share("/tmp,y,security=none"), -1,
	       "unknown security model");
	is_int(virtio_9p__parse_share("/tmp,y,security"), -1,
	       "security without a model");
	is_int(virtio_9p__parse_share("/tmp,a b"), -1, "space in tag");
	is_int(virtio_9p__check_tag(
		"0123456789012345678901234567890123456789012345678901234567890123456789"),
		-22, "tag too long");
	is_int(virtio_9p__parse_share("/tmp,pt,security=passthrough,ro"), 0,
	       "security=passthrough");
	ok(virtio_9p__share(3)->security == P9_SECURITY_PASSTHROUGH &&
	   virtio_9p__share(3)->readonly, "passthrough, read-only");
	is_int(virtio_9p__parse_share("/tmp,mp,security=mapped"), 0,
	       "security=mapped");
	is_int(virtio_9p__share(4)->security, P9_SECURITY_MAPPED, "mapped");
	is_int(virtio_9p__share(4)->threads, 0, "threads from the vCPUs by default");
	is_int(virtio_9p__parse_share("/tmp,th,threads=3"), 0, "threads=3");
	is_int(virtio_9p__share(5)->threads, 3, "three threads");
	is_int(virtio_9p__parse_share("/tmp,t0,threads=0"), -1, "no threads=0");
	is_int(virtio_9p__parse_share("/tmp,t17,threads=17"), -1,
	       "no more than 16 threads");
	is_int(virtio_9p__nr_shares(), 6, "six shares");
	for (i = 0; i < LKVM_MAX_9P_SHARES && !ret; i++) {
		char tag[16];

		snprintf(tag, sizeof(tag), "t%d", i);
		ret = virtio_9p__add_share("/tmp", tag, false,
					   P9_SECURITY_MAPPED);
	}
	is_int(virtio_9p__nr_shares(), LKVM_MAX_9P_SHARES,
	       "no more than the maximum");
	return exit_status();
}
