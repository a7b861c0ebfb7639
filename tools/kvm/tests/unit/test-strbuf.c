// SPDX-License-Identifier: GPL-2.0
/*
 * strbuf: always NUL-terminated, grows as needed, reads whole files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kvm/strbuf.h"

#include "tap.h"

static void test_empty(void)
{
	struct strbuf sb = STRBUF_INIT;
	char *p;
	size_t len = 99;

	ok(sb.buf && sb.buf[0] == '\0' && sb.len == 0, "STRBUF_INIT is an empty string");
	strbuf_reset(&sb);
	ok(sb.buf[0] == '\0', "reset of an unallocated strbuf");
	strbuf_release(&sb);
	ok(sb.buf && !sb.alloc, "release of an unallocated strbuf");

	p = strbuf_detach(&sb, &len);
	ok(p && p[0] == '\0' && len == 0, "detach of an empty strbuf gives a malloc'ed \"\"");
	free(p);
	ok(sb.buf[0] == '\0' && !sb.alloc, "detached strbuf is reset");
}

static void test_add(void)
{
	struct strbuf sb;
	char big[5000];
	size_t len;
	char *p;
	int i;

	strbuf_init(&sb, 0);
	strbuf_addstr(&sb, "hello");
	strbuf_addch(&sb, ',');
	strbuf_add(&sb, " world!!!", 6);
	is_str(sb.buf, "hello, world", "addstr/addch/add");
	is_int(sb.len, 12, "len");
	ok(sb.alloc > sb.len, "room for the NUL");

	strbuf_add(&sb, "\0x", 2);
	ok(sb.len == 14 && sb.buf[12] == '\0' && sb.buf[13] == 'x' &&
	   sb.buf[14] == '\0', "binary data with a NUL inside");

	strbuf_reset(&sb);
	ok(sb.len == 0 && sb.buf[0] == '\0', "reset");

	for (i = 0; i < 1000; i++)
		strbuf_addch(&sb, 'a' + i % 26);
	ok(sb.len == 1000 && sb.buf[999] == 'a' + 999 % 26 && sb.buf[1000] == '\0',
	   "grows over many addch");

	strbuf_reset(&sb);
	strbuf_addf(&sb, "%d-%s", 42, "x");
	is_str(sb.buf, "42-x", "addf");
	memset(big, 'b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strbuf_addf(&sb, "[%s]", big);
	ok(sb.len == 4 + 2 + 4999 && sb.buf[5] == 'b' && sb.buf[sb.len - 1] == ']' &&
	   sb.buf[sb.len] == '\0' && strlen(sb.buf) == sb.len,
	   "addf formats again after growing");

	strbuf_setlen(&sb, 2);
	is_str(sb.buf, "42", "setlen truncates");

	strbuf_grow(&sb, 100000);
	ok(strbuf_avail(&sb) >= 100000 && sb.len == 2, "grow reserves room");

	p = strbuf_detach(&sb, &len);
	ok(!strcmp(p, "42") && len == 2, "detach hands over the string");
	free(p);
	strbuf_release(&sb);

	strbuf_init(&sb, 10);
	ok(sb.alloc >= 11 && sb.buf[0] == '\0', "init with a hint allocates");
	strbuf_release(&sb);
}

static void test_read_fd(void)
{
	struct strbuf sb = STRBUF_INIT;
	int pfd[2];
	pid_t pid;
	ssize_t n;
	int i, fd;

	if (pipe(pfd) < 0) {
		ok(false, "pipe");
		return;
	}
	/* 100000 bytes in uneven chunks, more than any pipe buffer. */
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		for (i = 0; i < 100000; i += 777) {
			char chunk[777];
			int len = 100000 - i < 777 ? 100000 - i : 777;

			memset(chunk, 'a' + (i / 777) % 26, len);
			if (write(pfd[1], chunk, len) != len)
				_exit(1);
		}
		_exit(0);
	}
	close(pfd[1]);
	strbuf_addstr(&sb, "head:");
	n = strbuf_read_fd(&sb, pfd[0], 0);
	close(pfd[0]);
	waitpid(pid, NULL, 0);
	ok(n == 100000 && sb.len == 100005 && sb.buf[sb.len] == '\0',
	   "read_fd appends everything up to EOF");
	ok(!memcmp(sb.buf, "head:", 5) && sb.buf[5] == 'a' &&
	   sb.buf[5 + 777] == 'b' && sb.buf[5 + 99999] == 'a' + (99999 / 777) % 26,
	   "read_fd data in order");

	fd = open("/dev/null", O_WRONLY);
	n = strbuf_read_fd(&sb, fd, 0);
	ok(n == -1 && errno == EBADF && sb.len == 100005 &&
	   sb.buf[sb.len] == '\0', "read error leaves the strbuf as it was");
	close(fd);

	fd = open("/dev/null", O_RDONLY);
	strbuf_reset(&sb);
	n = strbuf_read_fd(&sb, fd, 0);
	ok(n == 0 && sb.len == 0 && sb.buf[0] == '\0', "read_fd of an empty file");
	close(fd);
	strbuf_release(&sb);
}

int main(void)
{
	test_empty();
	test_add();
	test_read_fd();
	return exit_status();
}
