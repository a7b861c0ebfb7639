// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kvm/log.h"

#include "kvm/builtin.h"
#include "kvm/commands.h"

/*
 * The usage of @cmd on stdout.  parse-options prints a command's usage on
 * stderr and exits with 129 (as git and perf do), which is right for a
 * command line that went wrong; 'lkvm help CMD' asked for it, so a child
 * prints it to our stdout and that is a success.
 */
static int show_command_help(const struct lkvm_command *cmd)
{
	const char *help_argv[] = { cmd->name, "--help", NULL };
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return error("help: cannot fork: %m");
	if (!pid) {
		dup2(STDOUT_FILENO, STDERR_FILENO);
		exit(cmd->fn(2, help_argv));
	}
	if (waitpid(pid, &status, 0) < 0)
		return error("help: cannot wait for the usage of %s: %m", cmd->name);
	if (!WIFEXITED(status))
		return 1;
	return WEXITSTATUS(status) == 129 ? 0 : WEXITSTATUS(status);
}

/* 'lkvm help' lists every command; 'lkvm help CMD' shows CMD's usage. */
int cmd_help(int argc, const char **argv)
{
	const struct lkvm_command *cmd;

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
	return show_command_help(cmd);
}
