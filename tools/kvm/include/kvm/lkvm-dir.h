/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__LKVM_DIR_H
#define KVM__LKVM_DIR_H

#include <stdbool.h>

/*
 * ~/.lkvm: the user's root file systems (lkvm setup NAME: ~/.lkvm/NAME/)
 * and the control sockets of the running guests (~/.lkvm/NAME.sock).
 * The directory is the user's alone (0700): other users cannot reach
 * the sockets.  $HOME, else the password database, says where ~ is.
 */

/* Guest and root file system names: letters, digits, '.', '_', '-'. */
bool lkvm_dir__valid_name(const char *name);
/* ~/.lkvm, or ~/.lkvm/@leaf; malloc'ed. */
char *lkvm_dir__path(const char *leaf);
/* Creates ~/.lkvm (0700), or makes an existing one the user's alone. 0 or -1. */
int lkvm_dir__create(void);

#endif /* KVM__LKVM_DIR_H */
