/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__KVM_CONFIG_H
#define KVM__KVM_CONFIG_H

#include <stdbool.h>
#include <linux/types.h>

/* Everything 'lkvm run' was asked for, after option parsing. */
struct kvm_config {
	u64 ram_size;			/* bytes */
	int nrcpus;
	const char *kernel_filename;
	const char *initrd_filename;
	const char *kernel_cmdline;	/* the user's -p, appended to ours */
	const char *guest_name;
	const char *console;		/* "serial" or "virtio" */
	const char *hugetlbfs_path;
	bool mergeable;
};

#endif /* KVM__KVM_CONFIG_H */
