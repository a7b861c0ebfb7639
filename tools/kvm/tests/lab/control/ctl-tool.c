// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile or foreign client of a guest's control socket, for
 * tests/lab/control.t (built static, run in L1):
 *
 *   ctl-tool garbage SOCKET   sends what lkvm never sends: garbage, a
 *                             truncated header, a length that lies, an
 *                             oversized message, another version; exit
 *                             0 when every one got an error reply
 *   ctl-tool as UID PROG ARGS runs PROG as user and group UID
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "../../../include/kvm/control-proto.h"

static int connect_to(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 10 };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		perror(path);
		exit(2);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* 1 when @msg got a reply with status @want. */
static int try(const char *path, const char *what, const void *msg,
	       size_t len, int want)
{
	struct lkvm_ctl_reply r;
	int fd = connect_to(path), ok;
	ssize_t n;

	send(fd, msg, len, MSG_NOSIGNAL);
	n = recv(fd, &r, sizeof(r), 0);
	ok = n == sizeof(r) && r.hdr.magic == LKVM_CTL_MAGIC && r.status == want;
	printf("%s: %s (status %d, want %d)\n", what, ok ? "refused" : "WRONG",
	       n == sizeof(r) ? r.status : 0, want);
	close(fd);
	return ok;
}

static int garbage(const char *path)
{
	static char big[LKVM_CTL_MAX_MSG * 2];
	struct lkvm_ctl_hdr hdr = {
		.magic = LKVM_CTL_MAGIC, .version = LKVM_CTL_VERSION,
		.type = LKVM_CTL_INFO,
	};
	int good = 0, n = 0;

	memset(big, 0xa5, sizeof(big));
	good += try(path, "garbage", big, 100, -EPROTO), n++;
	good += try(path, "truncated header", &hdr, 7, -EPROTO), n++;
	hdr.len = 4096;
	good += try(path, "lying length", &hdr, sizeof(hdr), -EPROTO), n++;
	hdr.len = sizeof(big) - sizeof(hdr);
	memcpy(big, &hdr, sizeof(hdr));
	good += try(path, "oversized", big, sizeof(big), -EMSGSIZE), n++;
	hdr.len = 0;
	hdr.version = 99;
	good += try(path, "version 99", &hdr, sizeof(hdr), -EPROTONOSUPPORT), n++;
	return good == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	unsigned int id;

	if (argc == 3 && !strcmp(argv[1], "garbage"))
		return garbage(argv[2]);
	if (argc >= 4 && !strcmp(argv[1], "as")) {
		id = atoi(argv[2]);
		if (setgroups(0, NULL) || setresgid(id, id, id) ||
		    setresuid(id, id, id)) {
			perror("setresuid");
			return 2;
		}
		execv(argv[3], argv + 3);
		perror(argv[3]);
		return 2;
	}
	fprintf(stderr, "usage: ctl-tool garbage SOCKET | as UID PROG ARGS\n");
	return 2;
}
