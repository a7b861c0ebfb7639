// SPDX-License-Identifier: GPL-2.0
/* lkvm stop NAME | --all: ends guests the way a guest poweroff does. */
#include <stdio.h>

#include <subcmd/parse-options.h>
#include "kvm/log.h"

#include "kvm/builtin.h"
#include "kvm/control.h"

static const char * const stop_usage[] = {
	"lkvm stop NAME | --all",
	NULL
};

static int stop_one(const char *name, void *data)
{
	int *failed = data;

	if (control__simple_command(name, LKVM_CTL_STOP, "stopped"))
		*failed = 1;
	return 0;
}

int cmd_stop(int argc, const char **argv)
{
	bool all = false;
	int failed = 0;
	const struct option options[] = {
		OPT_BOOLEAN('a', "all", &all, "stop every running guest"),
		OPT_END()
	};

	argc = parse_options(argc, argv, options, stop_usage, 0);
	if (all == (argc == 1) || argc > 1) {
		error("name one guest, or give --all");
		usage_with_options(stop_usage, options);
	}
	if (!all)
		return control__simple_command(argv[0], LKVM_CTL_STOP, "stopped");
	if (control__for_each_guest(stop_one, &failed) < 0)
		return 1;
	return failed;
}
