// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include <subcmd/usage.h>

#include "kvm/builtin.h"
#include "kvm/commands.h"

/* 'lkvm help' lists every command; 'lkvm help CMD' is 'lkvm CMD --help'. */
int cmd_help(int argc, const char **argv)
{
	const struct lkvm_command *cmd;
	const char *help_argv[] = { NULL, "--help", NULL };

	if (argc < 2) {
		printf("usage: lkvm [--version] [--help] COMMAND [ARGS]\n\n");
		printf("Available lkvm commands:\n");
		lkvm_print_commands(stdout, false);
		printf("\nSee 'lkvm help COMMAND' for more on one of them.\n");
		return 0;
	}

	cmd = lkvm_find_command(argv[1]);
	if (!cmd)
		return lkvm_dispatch(1, argv + 1);
	if (cmd->fn == cmd_help)
		return cmd_help(1, argv);

	help_argv[0] = cmd->name;
	return cmd->fn(2, help_argv);
}
