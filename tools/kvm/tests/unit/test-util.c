// SPDX-License-Identifier: GPL-2.0
/*
 * util: the *_in_full helpers survive short transfers and signals, the
 * x* allocators never return NULL.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kvm/util.h"

#include "tap.h"

#define DATA_SIZE	(256 * 1024)

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	alarms++;
}

static unsigned char pattern(size_t i)
{
	return (i * 7 + i / 251) & 0xff;
}

/* A child writes DATA_SIZE bytes in small, slow pieces. */
static pid_t slow_writer(int fd)
{
	pid_t pid = fork();
	unsigned char chunk[1000];
	size_t i, j, len;

	if (pid)
		return pid;
	for (i = 0; i < DATA_SIZE; i += len) {
		len = DATA_SIZE - i < 1000 ? DATA_SIZE - i : 1000;
		for (j = 0; j < len; j++)
			chunk[j] = pattern(i + j);
		if (write(fd, chunk, len) != (ssize_t)len)
			_exit(1);
		if (i % 50000 < 1000)
			usleep(2000);
	}
	_exit(0);
}

static void test_read_in_full_pipe(void)
{
	unsigned char *buf = xmalloc(DATA_SIZE + 10);
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = {
		.it_interval = { .tv_usec = 500 },
		.it_value = { .tv_usec = 500 },
	};
	int pfd[2], status;
	bool same = true;
	ssize_t n;
	pid_t pid;
	size_t i;

	/* No SA_RESTART: a blocked read() fails with EINTR on each alarm. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);

	if (pipe(pfd) < 0)
		return;

	/* The setup does interrupt a plain read() of an empty pipe ... */
	setitimer(ITIMER_REAL, &it, NULL);
	n = read(pfd[0], buf, 1);
	ok(n == -1 && errno == EINTR, "control: a bare read() fails with EINTR");

	/* ... and read_in_full() carries on through such interruptions. */
	pid = slow_writer(pfd[1]);
	close(pfd[1]);
	n = read_in_full(pfd[0], buf, DATA_SIZE);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);

	is_int(n, DATA_SIZE, "read_in_full over a pipe gets every byte");
	for (i = 0; i < DATA_SIZE && same; i++)
		same = buf[i] == pattern(i);
	ok(same, "in order");
	diag("%d signals arrived during the read", (int)alarms);
	ok(alarms > 0, "signals interrupted the read (EINTR was retried)");

	n = read_in_full(pfd[0], buf, 10);
	is_int(n, 0, "read_in_full at EOF returns 0");
	close(pfd[0]);
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && !WEXITSTATUS(status), "writer finished");
	free(buf);
}

static void test_write_in_full_pipe(void)
{
	unsigned char *buf = xmalloc(DATA_SIZE), *back = xmalloc(DATA_SIZE);
	int pfd[2], status;
	ssize_t n;
	pid_t pid;
	size_t i;

	for (i = 0; i < DATA_SIZE; i++)
		buf[i] = pattern(i);
	if (pipe(pfd) < 0)
		return;
	/* The reader takes it in small bites, so writes come out short. */
	pid = fork();
	if (pid == 0) {
		size_t got = 0;

		close(pfd[1]);
		while (got < DATA_SIZE) {
			n = read(pfd[0], back + got, 333);
			if (n <= 0)
				_exit(1);
			got += n;
		}
		_exit(memcmp(back, buf, DATA_SIZE) ? 2 : 0);
	}
	close(pfd[0]);
	fcntl(pfd[1], F_SETFL, O_NONBLOCK);
	n = write_in_full(pfd[1], buf, DATA_SIZE);
	is_int(n, DATA_SIZE, "write_in_full to a non-blocking pipe writes it all");
	close(pfd[1]);
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the reader got the same bytes");

	signal(SIGPIPE, SIG_IGN);
	if (pipe(pfd) == 0) {
		close(pfd[0]);
		n = write_in_full(pfd[1], buf, 10);
		ok(n == -1 && errno == EPIPE, "write_in_full reports EPIPE");
		close(pfd[1]);
	}
	free(buf);
	free(back);
}

static void test_pread_pwrite(void)
{
	char path[] = "/tmp/lkvm-test-util-XXXXXX";
	char buf[64];
	int fd = mkstemp(path);
	ssize_t n;

	if (fd < 0) {
		ok(false, "mkstemp");
		return;
	}
	unlink(path);
	n = pwrite_in_full(fd, "hello world", 11, 100);
	is_int(n, 11, "pwrite_in_full at an offset");
	n = pread_in_full(fd, buf, 5, 106);
	ok(n == 5 && !memcmp(buf, "world", 5), "pread_in_full at an offset");
	n = pread_in_full(fd, buf, sizeof(buf), 106);
	is_int(n, 5, "pread_in_full stops at EOF");
	n = pread_in_full(fd, buf, 4, 0);
	ok(n == 4 && !memcmp(buf, "\0\0\0\0", 4), "the hole reads as zeroes");
	n = pread_in_full(-1, buf, 4, 0);
	ok(n == -1 && errno == EBADF, "pread_in_full error");
	close(fd);
}

static void test_alloc(void)
{
	char *s = xstrdup("abc");
	char *f = xasprintf("%s-%d", s, 7);
	int *z = xzalloc(64 * sizeof(int));
	void *p = xmalloc(0);
	int i, zero = 1;
	int status;
	pid_t pid;

	is_str(s, "abc", "xstrdup");
	is_str(f, "abc-7", "xasprintf");
	for (i = 0; i < 64; i++)
		zero &= z[i] == 0;
	ok(zero, "xzalloc zeroes");
	ok(p != NULL, "xmalloc(0) is not NULL");
	p = xrealloc(p, 4096);
	ok(p != NULL, "xrealloc");
	free(p);
	free(z);
	free(f);
	free(s);

	/* An impossible allocation dies with a message instead of returning NULL. */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(STDERR_FILENO);
		p = xmalloc(SIZE_MAX - 4096);
		_exit(p ? 3 : 4);
	}
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 1, "xmalloc dies (exit 1) when out of memory");
}

int main(void)
{
	test_read_in_full_pipe();
	test_write_in_full_pipe();
	test_pread_pwrite();
	test_alloc();
	return exit_status();
}
