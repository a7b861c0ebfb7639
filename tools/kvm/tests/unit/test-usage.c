// SPDX-License-Identifier: GPL-2.0
/*
 * usage: message prefixes, the loglevel filter, and die's exit status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kvm/log.h"

#include "tap.h"

/* Runs @fn in a child; returns its exit status and stderr in @err. */
static int capture(void (*fn)(void), char *err, size_t size)
{
	FILE *f = tmpfile();
	int status;
	size_t n;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(fileno(f), STDERR_FILENO);
		fn();
		_exit(0);
	}
	waitpid(pid, &status, 0);
	rewind(f);
	n = fread(err, 1, size - 1, f);
	err[n] = '\0';
	fclose(f);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1000;
}

static void all_levels(void)
{
	error("e %d", 1);
	warning("w %s", "2");
	pr_info("i");
	__pr_debug("d");
}

static void at_default(void)
{
	all_levels();
}

static void at_error(void)
{
	if (loglevel_set("error"))
		_exit(3);
	all_levels();
}

static void at_debug(void)
{
	if (loglevel_set("DEBUG"))
		_exit(3);
	all_levels();
}

static void do_die(void)
{
	die("bad %s", "thing");
}

static void do_die_perror(void)
{
	errno = ENOENT;
	die_perror("open foo");
}

static void long_message(void)
{
	char big[3000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	error("%s", big);
	error("after");
}

int main(void)
{
	char err[8192];
	int rc;

	plan(9);

	rc = capture(at_default, err, sizeof(err));
	ok(rc == 0 && !strcmp(err, "error: e 1\nwarning: w 2\ninfo: i\n"),
	   "default level: errors, warnings, info");
	rc = capture(at_error, err, sizeof(err));
	ok(rc == 0 && !strcmp(err, "error: e 1\n"), "level error: only errors");
	rc = capture(at_debug, err, sizeof(err));
	ok(rc == 0 && !strcmp(err, "error: e 1\nwarning: w 2\ninfo: i\ndebug: d\n"),
	   "level debug: everything");
	is_int(loglevel_set("chatty"), -1, "unknown level name");

	rc = capture(do_die, err, sizeof(err));
	ok(rc == 1 && !strcmp(err, "fatal: bad thing\n"), "die: fatal prefix, exit 1");
	rc = capture(do_die_perror, err, sizeof(err));
	ok(rc == 1 && !strcmp(err, "fatal: open foo: No such file or directory\n"),
	   "die_perror adds the errno text");

	rc = capture(long_message, err, sizeof(err));
	ok(rc == 0 && strlen(err) < 1100 && strstr(err, "x\nerror: after\n"),
	   "an over-long message is cut but still ends its line");

	/* In-process, with stderr out of the way of the TAP output. */
	fflush(stderr);
	rc = dup(STDERR_FILENO);
	freopen("/dev/null", "w", stderr);
	errno = EBADF;
	ok(error("%s", "to /dev/null") == -1, "error() returns -1");
	is_int(errno, EBADF, "and leaves errno alone");
	dup2(rc, STDERR_FILENO);
	close(rc);
	return exit_status();
}
