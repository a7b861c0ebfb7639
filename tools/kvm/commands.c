// SPDX-License-Identifier: GPL-2.0
/*
 * The subcommand table and the dispatcher behind 'lkvm CMD ...'.
 * Only commands that work are listed here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>
#include "kvm/log.h"

#include "kvm/builtin.h"
#include "kvm/commands.h"

const struct lkvm_command lkvm_commands[] = {
	{ "help",	cmd_help,	"Show help for lkvm or one of its commands", true },
	{ "run",	cmd_run,	"Boot a guest kernel in a new VM",	true },
	{ "version",	cmd_version,	"Print the version of lkvm",		true },
	{ "setup",	cmd_setup,	"Create a root file system for 'lkvm run'", true },
	{ "sandbox",	cmd_sandbox,	"Run a command in a throwaway guest",	true },
	{ "list",	cmd_list,	"List the running guests",		true },
	{ "stop",	cmd_stop,	"Stop a running guest",			true },
	{ "pause",	cmd_pause,	"Pause a running guest",		false },
	{ "resume",	cmd_resume,	"Resume a paused guest",		false },
	{ "balloon",	cmd_balloon,	"Inflate or deflate a guest's balloon",	false },
	{ "stat",	cmd_stat,	"Show a guest's memory statistics",	false },
	{ "debug",	cmd_debug,	"Debug a running guest (gdb stub, dumps, NMI, SysRq)",	false },
	{ NULL },
};

const struct lkvm_command *lkvm_find_command(const char *name)
{
	const struct lkvm_command *cmd;

	for (cmd = lkvm_commands; cmd->name; cmd++)
		if (!strcmp(cmd->name, name))
			return cmd;
	return NULL;
}

void lkvm_print_commands(FILE *out, bool common_only)
{
	const struct lkvm_command *cmd;

	for (cmd = lkvm_commands; cmd->name; cmd++) {
		if (common_only && !cmd->common)
			continue;
		fprintf(out, "   %-10s %s\n", cmd->name, cmd->summary);
	}
}

void lkvm_print_usage(FILE *out)
{
	fprintf(out, "usage: lkvm [--version] [--help] COMMAND [ARGS]\n\n");
	fprintf(out, "The most commonly used lkvm commands are:\n");
	lkvm_print_commands(out, true);
	fprintf(out, "\nSee 'lkvm help' for all commands, 'lkvm help COMMAND' for one.\n");
}

/* Edit distance with unit costs (insert, delete, substitute, swap). */
static int edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int d[32][32];
	size_t i, j;

	if (la >= ARRAY_SIZE(d) || lb >= ARRAY_SIZE(d))
		return 1000;

	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1];
			int v = min(d[i - 1][j] + 1, d[i][j - 1] + 1);

			v = min(v, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1])
				v = min(v, d[i - 2][j - 2] + 1);
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

static bool is_similar(const char *typed, const char *name)
{
	size_t len = strlen(typed);

	if (len && !strncmp(name, typed, len))
		return true;
	return edit_distance(typed, name) <= (len > 4 ? 2 : 1);
}

static void suggest_commands(const char *typed)
{
	const struct lkvm_command *cmd;
	int found = 0;

	for (cmd = lkvm_commands; cmd->name; cmd++) {
		if (!is_similar(typed, cmd->name))
			continue;
		if (!found++)
			fprintf(stderr, "\nThe most similar %s:\n",
				"command(s) are");
		fprintf(stderr, "\t%s\n", cmd->name);
	}
}

int lkvm_dispatch(int argc, const char **argv)
{
	const struct lkvm_command *cmd = lkvm_find_command(argv[0]);

	if (!cmd) {
		error("'%s' is not an lkvm command. See 'lkvm help'.", argv[0]);
		suggest_commands(argv[0]);
		return 1;
	}
	return cmd->fn(argc, argv);
}
