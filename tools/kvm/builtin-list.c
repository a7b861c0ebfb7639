// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm list [-a]: the running guests, from their control sockets, and
 * with -a the root file systems that lkvm setup made.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <subcmd/parse-options.h>
#include "kvm/log.h"
#include "kvm/util.h"

#include "kvm/builtin.h"
#include "kvm/control.h"
#include "kvm/lkvm-dir.h"

static const char * const list_usage[] = {
	"lkvm list [-a]",
	NULL
};

static const char *state_name(u32 state)
{
	switch (state) {
	case LKVM_CTL_RUNNING:
		return "running";
	case LKVM_CTL_PAUSED:
		return "paused";
	default:
		return "unknown";
	}
}

static int show_guest(const char *name, void *data)
{
	struct lkvm_ctl_info info;
	int fd, ret;

	fd = control__connect(name);
	if (fd < 0)
		return 0;
	ret = control__call(fd, LKVM_CTL_INFO, NULL, 0, &info, sizeof(info));
	close(fd);
	if (ret)
		return 0;
	info.name[sizeof(info.name) - 1] = '\0';
	printf("%6d %-24s %s\n", info.pid, name, state_name(info.state));
	return 0;
}

/* The rootfs directories of ~/.lkvm that no running guest is named after. */
static void show_rootfs(void)
{
	char *dir_path = lkvm_dir__path(NULL), *path;
	DIR *dir = opendir(dir_path);
	struct dirent *de;
	struct stat st;

	if (!dir) {
		free(dir_path);
		return;
	}
	while ((de = readdir(dir))) {
		if (!lkvm_dir__valid_name(de->d_name))
			continue;
		path = xasprintf("%s/%s", dir_path, de->d_name);
		if (!stat(path, &st) && S_ISDIR(st.st_mode))
			printf("%6s %-24s %s\n", "-", de->d_name, "rootfs");
		free(path);
	}
	closedir(dir);
	free(dir_path);
}

int cmd_list(int argc, const char **argv)
{
	bool all = false;
	const struct option options[] = {
		OPT_BOOLEAN('a', "all", &all,
			    "also list the root file systems of lkvm setup"),
		OPT_END()
	};

	argc = parse_options(argc, argv, options, list_usage, 0);
	if (argc) {
		error("unexpected argument '%s'", argv[0]);
		usage_with_options(list_usage, options);
	}
	printf("%6s %-24s %s\n", "PID", "NAME", "STATE");
	if (control__for_each_guest(show_guest, NULL) < 0)
		return 1;
	if (all)
		show_rootfs();
	return 0;
}
