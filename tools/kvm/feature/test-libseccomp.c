// SPDX-License-Identifier: GPL-2.0
#include <seccomp.h>

int main(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

	/* TSYNC as an attribute: libseccomp 2.2 and later. */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	seccomp_release(ctx);
	return 0;
}
