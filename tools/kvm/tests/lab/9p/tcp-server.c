// SPDX-License-Identifier: GPL-2.0
/*
 * Serves a directory with lkvm's 9P2000.L server over TCP, so that a
 * Linux guest in plain QEMU (no nested KVM) can mount it with
 * trans=tcp and exercise the server with the real v9fs client.
 *
 *	tcp-server [-r] [-p] PORT DIR
 *
 * Listens on 127.0.0.1:PORT and serves one connection at a time: -r
 * read-only, -p with security=passthrough (else mapped).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "kvm/9p.h"

static unsigned char req[P9_MAX_MSIZE + 64], rep[P9_MAX_MSIZE + 64];

static int read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = read(fd, (char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += n;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = write(fd, (const char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += n;
	}
	return 0;
}

static void serve(struct p9_server *srv, int fd)
{
	struct iovec in, out;
	size_t len;
	u32 size;

	for (;;) {
		if (read_full(fd, req, 4))
			return;
		memcpy(&size, req, 4);
		if (size < 7 || size > sizeof(req)) {
			fprintf(stderr, "tcp-server: bad size %u\n", size);
			return;
		}
		if (read_full(fd, req + 4, size - 4))
			return;
		in = (struct iovec){ req, size };
		out = (struct iovec){ rep, sizeof(rep) };
		len = p9_server_handle(srv, &in, 1, &out, 1);
		if (!len || write_full(fd, rep, len))
			return;
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	enum p9_security security = P9_SECURITY_MAPPED;
	struct p9_server *srv;
	bool readonly = false;
	int lfd, fd, one = 1;

	for (; argc > 1 && argv[1][0] == '-'; argv++, argc--) {
		if (!strcmp(argv[1], "-r"))
			readonly = true;
		else if (!strcmp(argv[1], "-p"))
			security = P9_SECURITY_PASSTHROUGH;
		else
			break;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: tcp-server [-r] [-p] PORT DIR\n");
		return 2;
	}
	srv = p9_server_new(argv[2], readonly, security);
	if (!srv) {
		perror(argv[2]);
		return 1;
	}
	addr.sin_port = htons(atoi(argv[1]));
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (void *)&addr, sizeof(addr)) ||
	    listen(lfd, 4)) {
		perror("tcp-server: listen");
		return 1;
	}
	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue;
		serve(srv, fd);
		close(fd);
	}
}
