// SPDX-License-Identifier: GPL-2.0
/*
 * Messages to the user, on stderr.  Each message is formatted into one
 * buffer and written with a single write(), so that lines printed by
 * several vCPU threads at once do not interleave mid-line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <linux/kernel.h>
#include "kvm/log.h"
#include "kvm/util.h"

int loglevel = LOGLEVEL_INFO;
const char *usage_progname = "lkvm";

static const char * const loglevel_names[] = {
	[LOGLEVEL_ERROR]	= "error",
	[LOGLEVEL_WARNING]	= "warning",
	[LOGLEVEL_INFO]		= "info",
	[LOGLEVEL_DEBUG]	= "debug",
};

int loglevel_set(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(loglevel_names); i++) {
		if (!strcasecmp(name, loglevel_names[i])) {
			loglevel = i;
			return 0;
		}
	}
	return -1;
}

static __printf(2, 0) void report(const char *prefix, const char *fmt,
				  va_list ap)
{
	int saved_errno = errno;
	char buf[1024];
	size_t len;
	int n;

	n = snprintf(buf, sizeof(buf), "%s", prefix);
	len = n < 0 ? 0 : (size_t)n;
	n = vsnprintf(buf + len, sizeof(buf) - len, fmt, ap);
	if (n > 0)
		len += n;
	/* A truncated message still ends its line. */
	if (len > sizeof(buf) - 2)
		len = sizeof(buf) - 2;
	buf[len++] = '\n';

	/* What was printed to stdout so far comes first. */
	fflush(stdout);
	/* If stderr is gone there is nowhere left to say anything. */
	write_in_full(STDERR_FILENO, buf, len);
	errno = saved_errno;
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("fatal: ", fmt, ap);
	va_end(ap);
	exit(1);
}

void die_perror(const char *what)
{
	die("%s: %s", what, strerror(errno));
}

int error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("error: ", fmt, ap);
	va_end(ap);
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;

	if (loglevel < LOGLEVEL_WARNING)
		return;
	va_start(ap, fmt);
	report("warning: ", fmt, ap);
	va_end(ap);
}

void pr_info(const char *fmt, ...)
{
	va_list ap;

	if (loglevel < LOGLEVEL_INFO)
		return;
	va_start(ap, fmt);
	report("info: ", fmt, ap);
	va_end(ap);
}

void __pr_debug(const char *fmt, ...)
{
	va_list ap;

	if (loglevel < LOGLEVEL_DEBUG)
		return;
	va_start(ap, fmt);
	report("debug: ", fmt, ap);
	va_end(ap);
}
