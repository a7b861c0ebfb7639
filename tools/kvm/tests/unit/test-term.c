// SPDX-License-Identifier: GPL-2.0
/*
 * term: raw mode on a pseudo-terminal, and the way back (explicitly,
 * twice, for all terminals, and at exit).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "kvm/tty.h"

#include "tap.h"

static int open_pty(int *master)
{
	char *name;
	int fd;

	*master = posix_openpt(O_RDWR | O_NOCTTY);
	if (*master < 0 || grantpt(*master) || unlockpt(*master))
		return -1;
	name = ptsname(*master);
	if (!name)
		return -1;
	fd = open(name, O_RDWR | O_NOCTTY);
	return fd;
}

static bool is_cooked(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t))
		return false;
	return (t.c_lflag & (ICANON | ECHO | ISIG)) == (ICANON | ECHO | ISIG);
}

static bool is_raw(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t))
		return false;
	return !(t.c_lflag & (ICANON | ECHO | ISIG)) && !(t.c_iflag & ICRNL) &&
	       t.c_cc[VMIN] == 1 && t.c_cc[VTIME] == 0;
}

int main(void)
{
	int master, master2, fd, fd2, null, status;
	pid_t pid;

	fd = open_pty(&master);
	fd2 = open_pty(&master2);
	if (fd < 0 || fd2 < 0)
		skip_all("no pseudo-terminals");
	plan(14);

	ok(term_isatty(fd), "a pty is a terminal");
	null = open("/dev/null", O_RDWR);
	ok(!term_isatty(null), "/dev/null is not");
	ok(!term_isatty(-1), "a bad fd is not");
	ok(term_set_raw(null) == -1 && errno == ENOTTY, "term_set_raw on a non-terminal: ENOTTY");

	ok(is_cooked(fd), "the pty starts cooked");
	is_int(term_set_raw(fd), 0, "term_set_raw");
	ok(is_raw(fd), "now raw");
	is_int(term_set_raw(fd), 0, "term_set_raw again");
	is_int(term_restore(fd), 0, "term_restore");
	ok(is_cooked(fd), "cooked again: the first saved settings were kept");
	ok(term_restore(fd) == 0 && is_cooked(fd), "a second term_restore does nothing");

	term_set_raw(fd);
	term_set_raw(fd2);
	term_restore_all();
	term_restore_all();
	ok(is_cooked(fd) && is_cooked(fd2), "term_restore_all restores both, idempotently");

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (term_set_raw(fd) || !is_raw(fd))
			_exit(2);
		exit(0);
	}
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && !WEXITSTATUS(status), "child went raw");
	ok(is_cooked(fd), "and exit() restored the terminal");

	close(null);
	close(fd);
	close(fd2);
	close(master);
	close(master2);
	return exit_status();
}
