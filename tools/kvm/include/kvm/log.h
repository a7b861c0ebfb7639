/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__LOG_H
#define KVM__LOG_H

#include <linux/compiler.h>

/*
 * Messages to the user.  Everything goes to stderr, prefixed with what it
 * is ("fatal: ", "error: ", "warning: ", "info: ", "debug: "), as one
 * line written at once (messages are cut at about 1 KiB).  --loglevel
 * chooses how much is shown (the default is LOGLEVEL_INFO); errors are
 * always shown.  die() exits with status 1; none of them change errno.
 */
enum lkvm_loglevel {
	LOGLEVEL_ERROR,
	LOGLEVEL_WARNING,
	LOGLEVEL_INFO,
	LOGLEVEL_DEBUG,
};

extern int loglevel;

/* "error", "warning", "info", "debug" -> 0, or -1 for an unknown name. */
int loglevel_set(const char *name);

void die(const char *fmt, ...) __printf(1, 2) __noreturn;
void die_perror(const char *what) __noreturn;
int error(const char *fmt, ...) __printf(1, 2);		/* returns -1 */
void warning(const char *fmt, ...) __printf(1, 2);
void pr_info(const char *fmt, ...) __printf(1, 2);
void __pr_debug(const char *fmt, ...) __printf(1, 2);

#define pr_debug(fmt, ...) \
	__pr_debug("%s:%d: " fmt, __func__, __LINE__, ##__VA_ARGS__)

/* Program name used in messages; set once by main(). */
extern const char *usage_progname;

#endif /* KVM__LOG_H */
