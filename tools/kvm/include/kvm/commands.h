/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__COMMANDS_H
#define KVM__COMMANDS_H

#include <stdbool.h>
#include <stdio.h>

struct lkvm_command {
	const char *name;
	int (*fn)(int argc, const char **argv);
	const char *summary;
	bool common;		/* shown by a bare 'lkvm' */
};

extern const struct lkvm_command lkvm_commands[];

const struct lkvm_command *lkvm_find_command(const char *name);
/* Runs argv[0] as a command; an unknown one gets suggestions and 1. */
int lkvm_dispatch(int argc, const char **argv);
void lkvm_print_commands(FILE *out, bool common_only);
void lkvm_print_usage(FILE *out);

#endif /* KVM__COMMANDS_H */
