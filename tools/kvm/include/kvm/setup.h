/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__SETUP_H
#define KVM__SETUP_H

#include <stdbool.h>

struct kvm_config;

/*
 * lkvm's default root file systems: ~/.lkvm/NAME, a directory that the
 * guest mounts over 9p as its root.  Its /bin, /sbin, /lib*, /usr show the
 * host's: each real host directory is a read-only share of its own, tagged
 * host-NAME, that the guest's init mounts on /host/NAME (where the rootfs's
 * NAME symlink points); host symlinks (merged /usr) are copied.  Nothing
 * else of the host is visible.  /etc has a few files of its own and
 * /virt/init is lkvm's guest init (guest/init.c, embedded in lkvm).
 */
#define KVM_SETUP_DEFAULT_NAME		"default"
#define KVM_SETUP_ROOT_TAG		"lkvm-root"
#define KVM_SETUP_HOST_TAG_PREFIX	"host-"

/* ~/.lkvm/NAME (malloc'ed), or NULL for a bad name. */
char *kvm_setup__rootfs_path(const char *name);
/*
 * Creates (or, if it exists, refreshes the init of) rootfs @name.  With
 * @must_be_new an existing one is an error.  0 or -1 with an error shown.
 */
int kvm_setup__create_rootfs(const char *name, bool must_be_new);

/*
 * For 'lkvm run' without a disk or initrd: boots rootfs @cfg->guest_name
 * (or "default"), created on first use; adds its shares and the kernel
 * parameters that mount it as the root.  0 or -1.
 */
int kvm_setup__use_default_rootfs(struct kvm_config *cfg);

/*
 * Set by 'lkvm sandbox' before it runs the guest: the script (a path in
 * the guest, under /virt) that the guest init runs instead of a shell.
 */
extern const char *kvm_setup__sandbox_script;

#endif /* KVM__SETUP_H */
