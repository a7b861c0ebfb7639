// SPDX-License-Identifier: GPL-2.0
/*
 * What the 9p lab guest needs and busybox lacks:
 *	9p-tool set FILE NAME VALUE | get FILE NAME | rm FILE NAME   xattrs
 *	9p-tool lock FILE   a POSIX write lock, which another process sees
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
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
	fprintf(stderr, "usage: 9p-tool set FILE NAME VALUE | get FILE NAME | rm FILE NAME | lock FILE\n");
	return 2;
}
