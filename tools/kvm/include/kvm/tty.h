/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__TTY_H
#define KVM__TTY_H

#include <stdbool.h>

/*
 * Low-level terminal modes.  The console logic (escape keys, which fds
 * are the guest's console) lives in tools/kvm/term.c on top of this.
 *
 * term_set_raw() saves a terminal's settings the first time it changes
 * them and registers term_restore_all() with atexit(), so the user gets
 * their shell back however lkvm ends.  term_restore() and
 * term_restore_all() are idempotent and async-signal-safe (they only call
 * tcsetattr()), so a fatal signal handler may call them too.
 */

/* Is @fd a terminal? (false rather than an error for a closed fd) */
bool term_isatty(int fd);

/*
 * Raw mode on @fd: no echo, no line editing, no signals from ^C/^Z/^\,
 * no CR/NL translation, reads return each byte as it comes.
 * Returns 0, or -1 with errno set (ENOTTY if @fd is not a terminal,
 * ENOSPC if too many terminals are already raw).
 */
int term_set_raw(int fd);

/* Puts back what term_set_raw() saved for @fd; 0 if there was nothing. */
int term_restore(int fd);
void term_restore_all(void);

#endif /* KVM__TTY_H */
