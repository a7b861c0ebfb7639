// SPDX-License-Identifier: GPL-2.0
/* ~/.lkvm, see include/kvm/lkvm-dir.h. */
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvm/log.h"
#include "kvm/util.h"

#include "kvm/lkvm-dir.h"

#define NAME_MAX_LEN	64

bool lkvm_dir__valid_name(const char *name)
{
	size_t i, len = strlen(name);

	if (!len || len > NAME_MAX_LEN || name[0] == '.')
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i]))
			return false;
	return true;
}

static const char *home_dir(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home && *home)
		return home;
	pw = getpwuid(getuid());
	return pw ? pw->pw_dir : "/";
}

char *lkvm_dir__path(const char *leaf)
{
	if (!leaf)
		return xasprintf("%s/.lkvm", home_dir());
	return xasprintf("%s/.lkvm/%s", home_dir(), leaf);
}

int lkvm_dir__create(void)
{
	char *dir = lkvm_dir__path(NULL);
	struct stat st;
	int ret = 0;

	if (mkdir(dir, 0700) && errno != EEXIST) {
		ret = error("cannot create %s: %m", dir);
		goto out;
	}
	if (stat(dir, &st)) {
		ret = error("%s: %m", dir);
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		ret = error("%s is not a directory", dir);
		goto out;
	}
	/* Older lkvm made it 0755; the control sockets need it private. */
	if ((st.st_mode & 077) && st.st_uid == geteuid() && chmod(dir, 0700))
		ret = error("cannot make %s private (chmod 0700): %m", dir);
out:
	free(dir);
	return ret;
}
