// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm: a native Linux KVM tool.  'lkvm COMMAND [ARGS]' runs one of the
 * builtins listed in commands.c.
 */
#include <stdio.h>
#include <string.h>

#include "kvm/log.h"

#include "kvm/builtin.h"
#include "kvm/commands.h"

int main(int argc, const char **argv)
{
	usage_progname = "lkvm";

	if (argc < 2) {
		lkvm_print_usage(stdout);
		return 0;
	}

	argv++;
	argc--;
	if (!strcmp(argv[0], "--version") || !strcmp(argv[0], "-v")) {
		argv[0] = "version";
	} else if (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")) {
		argv[0] = "help";
	} else if (argv[0][0] == '-') {
		error("unknown option '%s'", argv[0]);
		lkvm_print_usage(stderr);
		return 129;
	}

	return lkvm_dispatch(argc, argv);
}
