/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the tests look at on the host side: the 9p tests and fuzz
 * harness, to see that the server changed nothing it should not have, and
 * the tests that count their process's threads in /proc/self/task.
 */
#ifndef KVM__TESTS_HOST_DIR_H
#define KVM__TESTS_HOST_DIR_H

#include <dirent.h>

/* The entries of directory @path, "." and ".." included; -1 if unreadable. */
static inline int count_entries(const char *path)
{
	DIR *d = opendir(path);
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

#endif /* KVM__TESTS_HOST_DIR_H */
