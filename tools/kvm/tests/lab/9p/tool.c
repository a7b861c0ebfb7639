// SPDX-License-Identifier: GPL-2.0
/*
 * What the 9p lab guest needs and busybox lacks:
 *	9p-tool set FILE NAME VALUE | get FILE NAME | rm FILE NAME   xattrs
 *	9p-tool list FILE   its xattr names, one a line
 *	9p-tool lock FILE   a POSIX write lock, which another process sees
 * and what the host side (L1) checks of a mapped share:
 *	9p-tool meta FILE   the guest's attributes lkvm keeps in FILE's
 *			    *.virtfs.* xattrs: UID:GID:MODE (octal), and
 *			    :MAJOR,MINOR for a device node
 */
#include <endian.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>

static int lock_test(const char *path)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd, status;
	pid_t pid;

	fd = open(path, O_RDWR);
	if (fd < 0 || fcntl(fd, F_SETLK, &fl)) {
		perror("lock");
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		struct flock q = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		int cfd = open(path, O_RDWR);

		if (cfd < 0 || fcntl(cfd, F_GETLK, &q) || q.l_type != F_WRLCK)
			_exit(1);
		_exit(fcntl(cfd, F_SETLK, &q) == 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || status) {
		fprintf(stderr, "lock: another process did not see the lock\n");
		return 1;
	}
	fl.l_type = F_UNLCK;
	return fcntl(fd, F_SETLK, &fl) != 0;
}

static int list(const char *path)
{
	char buf[65536];
	ssize_t n, i;

	n = listxattr(path, buf, sizeof(buf));
	if (n < 0) {
		perror("listxattr");
		return 1;
	}
	for (i = 0; i < n; i += strlen(buf + i) + 1)
		printf("%s\n", buf + i);
	return 0;
}

/* user.virtfs.WHAT, or trusted.virtfs.WHAT where the host has no user.* */
static int meta_get(const char *path, const char *what, void *val,
		    size_t size)
{
	char name[64];

	snprintf(name, sizeof(name), "user.virtfs.%s", what);
	if (getxattr(path, name, val, size) == (ssize_t)size)
		return 0;
	snprintf(name, sizeof(name), "trusted.virtfs.%s", what);
	return getxattr(path, name, val, size) == (ssize_t)size ? 0 : -1;
}

static int meta(const char *path)
{
	uint32_t uid, gid, mode;
	uint64_t rdev;

	if (meta_get(path, "uid", &uid, 4) || meta_get(path, "gid", &gid, 4) ||
	    meta_get(path, "mode", &mode, 4)) {
		fprintf(stderr, "9p-tool: %s has no mapped attributes\n", path);
		return 1;
	}
	printf("%u:%u:%o", le32toh(uid), le32toh(gid), le32toh(mode));
	if (!meta_get(path, "rdev", &rdev, 8))
		printf(":%u,%u", major(le64toh(rdev)), minor(le64toh(rdev)));
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	char buf[4096];
	ssize_t n;

	if (argc == 5 && !strcmp(argv[1], "set")) {
		if (setxattr(argv[2], argv[3], argv[4], strlen(argv[4]), 0)) {
			perror("setxattr");
			return 1;
		}
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "get")) {
		n = getxattr(argv[2], argv[3], buf, sizeof(buf) - 1);
		if (n < 0) {
			perror("getxattr");
			return 1;
		}
		buf[n] = '\0';
		printf("%s\n", buf);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "rm")) {
		if (removexattr(argv[2], argv[3])) {
			perror("removexattr");
			return 1;
		}
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "lock"))
		return lock_test(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "list"))
		return list(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "meta"))
		return meta(argv[2]);
	fprintf(stderr, "usage: 9p-tool set FILE NAME VALUE | get FILE NAME | rm FILE NAME | list FILE | lock FILE | meta FILE\n");
	return 2;
}
