/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__SECCOMP_H
#define KVM__SECCOMP_H

#include <signal.h>
#include <stdbool.h>

/*
 * The system call filter of a running lkvm (seccomp.c).  lkvm run
 * installs it once the VM is built, before the vCPUs first run the guest,
 * on every thread of the process at once; the threads created later
 * inherit it.  A system call outside it ends lkvm with a message naming
 * the call, and this exit status: what a shell shows for a process that
 * SIGSYS killed, "128+N when lkvm got the fatal signal N".
 *
 * A thread must not block SIGSYS: the kernel would then kill the process
 * without the message.
 */
#define LKVM_EXIT_SECCOMP	(128 + SIGSYS)

/* Was lkvm built with libseccomp? */
bool seccomp__supported(void);

/*
 * Installs the filter on every thread.  0, or -1 after an error naming
 * the cause.  Without libseccomp it only warns that there is no filter.
 */
int seccomp__install(void);

#endif /* KVM__SECCOMP_H */
