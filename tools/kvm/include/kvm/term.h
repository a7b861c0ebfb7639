/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__TERM_H
#define KVM__TERM_H

#include <stdbool.h>
#include <stddef.h>

struct kvm;

/*
 * The host terminal as the guest's console: lkvm's stdin and stdout.
 *
 * Output from the guest console device (ttyS0 or virtio-console) is
 * buffered and written in order: at each newline, when the buffer fills,
 * within a few milliseconds otherwise, and on every way out of lkvm.
 *
 * Input is read by a thread into a small buffer; the console device that
 * owns the input is told when bytes are there and pulls them with
 * term_getc().  When the device does not take them, the thread stops
 * reading stdin (backpressure rather than lost keys).  At end of file
 * (stdin from a pipe or /dev/null) the thread just stops reading.
 *
 * Keys: Ctrl-A x ends the VM (status 0), Ctrl-A Ctrl-A sends a Ctrl-A.
 * The same applies when stdin is not a terminal, so a test can quit a
 * guest through a pipe.
 */
#define TERM_ESCAPE_CHAR	0x01	/* Ctrl-A */

void term_putc(char c);
void term_write(const void *buf, size_t len);
void term_flush(void);

/* The next input byte, or -1 when there is none. */
int term_getc(void);
bool term_readable(void);

/*
 * Makes @notify (called from the input thread, with no term lock held)
 * the owner of the input; NULL gives the input to nobody.
 */
void term_set_input_handler(void (*notify)(void *priv), void *priv);

/*
 * The escape-key filter, exposed for testing: turns @len raw bytes from
 * the user into bytes for the guest in @out (at most @len) and returns
 * their number; sets *@quit on Ctrl-A x.  @state carries a pending
 * Ctrl-A from one call to the next.
 */
size_t term_filter_input(int *state, const unsigned char *in, size_t len,
			 unsigned char *out, bool *quit);

/* Other fds than stdin/stdout (tests); call before term_init(). */
void term_set_fds(int in_fd, int out_fd);

/* Initcalls (INIT_BASE), public for the tests. */
int term_init(struct kvm *kvm);
int term_exit(struct kvm *kvm);

#endif /* KVM__TERM_H */
