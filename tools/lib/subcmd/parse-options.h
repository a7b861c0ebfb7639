/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __SUBCMD_PARSE_OPTIONS_H
#define __SUBCMD_PARSE_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/kernel.h>
#include <linux/types.h>

/*
 * Command-line options described by a table: the interface of the
 * kernel's tools/lib/subcmd (libsubcmd), which perf and lkvm use.  Inside
 * a kernel tree lkvm builds against that tree's libsubcmd; standalone it
 * uses this copy, which implements the part of the interface lkvm needs
 * with the same names and the same behaviour:
 *
 * - parse_options() skips argv[0] (the command's name), moves the
 *   arguments that are not options to the front of argv, NULL-terminates
 *   them there and returns how many there are.  "--" ends the options;
 *   "-" alone is an ordinary argument.
 * - Short switches bundle ("-vq"); a value is glued ("-c2") or the next
 *   argument ("-c 2").  Long options take "--cpus=2" or "--cpus 2" and
 *   may be abbreviated to any unique prefix ("--cp 2").  "--no-FOO"
 *   negates a boolean, a counter, a string (NULL) or a callback (called
 *   with unset 1), unless the option is PARSE_OPT_NONEG.
 * - Numbers are decimal.  A bad command line prints " Error: ..." and
 *   the usage to stderr and exits with 129; so do -h and --help (unless
 *   PARSE_OPT_NO_INTERNAL_HELP), as in git and perf.
 */

enum parse_opt_type {
	/* special types */
	OPTION_END,
	OPTION_GROUP,
	/* options with no arguments */
	OPTION_BOOLEAN,
	OPTION_INCR,
	/* options with arguments (usually) */
	OPTION_STRING,
	OPTION_INTEGER,
	OPTION_CALLBACK,
	OPTION_U64,
	OPTION_UINTEGER,
};

enum parse_opt_flags {
	PARSE_OPT_KEEP_DASHDASH = 1,
	PARSE_OPT_STOP_AT_NON_OPTION = 2,
	PARSE_OPT_KEEP_ARGV0 = 4,
	PARSE_OPT_KEEP_UNKNOWN = 8,
	PARSE_OPT_NO_INTERNAL_HELP = 16,
};

enum parse_opt_option_flags {
	PARSE_OPT_OPTARG  = 1,		/* the value is optional (glued only) */
	PARSE_OPT_NOARG   = 2,		/* a callback that takes no value */
	PARSE_OPT_NONEG   = 4,		/* no --no-FOO form */
	PARSE_OPT_HIDDEN  = 8,		/* left out of the usage text */
};

struct option;
typedef int parse_opt_cb(const struct option *, const char *arg, int unset);

/*
 * `type`::
 *   holds the type of the option, you must have an OPTION_END last in your
 *   array.
 * `short_name`, `long_name`::
 *   the character and the string to use as -c and --name (0 or NULL for
 *   none).
 * `value`::
 *   where to store the result; for OPTION_CALLBACK it is free for the
 *   callback's use.
 * `argh`::
 *   the name of the value in the usage text ("<n>" for numbers).
 * `help`::
 *   the short help line of the usage text.
 * `flags`::
 *   enum parse_opt_option_flags.
 * `callback`::
 *   for OPTION_CALLBACK: returns 0, or non-zero for a bad value (after
 *   saying why), which shows the option's usage and exits with 129.
 * `defval`::
 *   the value an optional value that was left out stands for.
 * `set`::
 *   when not NULL, set to true once the option was given.
 * `data`::
 *   free for the callback's use.
 */
struct option {
	enum parse_opt_type type;
	int short_name;
	const char *long_name;
	void *value;
	const char *argh;
	const char *help;

	int flags;
	parse_opt_cb *callback;
	intptr_t defval;
	bool *set;
	void *data;
};

/* A compile-time check that @v has the type the option stores. */
#define check_vtype(v, type) \
	(BUILD_BUG_ON_ZERO(!__builtin_types_compatible_p(typeof(v), type)) + v)

#define OPT_END()		{ .type = OPTION_END }
#define OPT_GROUP(h)		{ .type = OPTION_GROUP, .help = (h) }
#define OPT_BOOLEAN(s, l, v, h) \
	{ .type = OPTION_BOOLEAN, .short_name = (s), .long_name = (l), \
	  .value = check_vtype(v, bool *), .help = (h) }
#define OPT_INCR(s, l, v, h) \
	{ .type = OPTION_INCR, .short_name = (s), .long_name = (l), \
	  .value = check_vtype(v, int *), .help = (h) }
#define OPT_INTEGER(s, l, v, h) \
	{ .type = OPTION_INTEGER, .short_name = (s), .long_name = (l), \
	  .value = check_vtype(v, int *), .help = (h) }
#define OPT_UINTEGER(s, l, v, h) \
	{ .type = OPTION_UINTEGER, .short_name = (s), .long_name = (l), \
	  .value = check_vtype(v, unsigned int *), .help = (h) }
#define OPT_U64(s, l, v, h) \
	{ .type = OPTION_U64, .short_name = (s), .long_name = (l), \
	  .value = check_vtype(v, u64 *), .help = (h) }
#define OPT_STRING(s, l, v, a, h) \
	{ .type = OPTION_STRING, .short_name = (s), .long_name = (l), \
	  .value = check_vtype(v, const char **), .argh = (a), .help = (h) }
#define OPT_STRING_OPTARG(s, l, v, a, h, d) \
	{ .type = OPTION_STRING, .short_name = (s), .long_name = (l), \
	  .value = check_vtype(v, const char **), .argh = (a), .help = (h), \
	  .flags = PARSE_OPT_OPTARG, .defval = (intptr_t)(d) }
#define OPT_CALLBACK(s, l, v, a, h, f) \
	{ .type = OPTION_CALLBACK, .short_name = (s), .long_name = (l), \
	  .value = (v), .argh = (a), .help = (h), .callback = (f) }
#define OPT_CALLBACK_NOOPT(s, l, v, a, h, f) \
	{ .type = OPTION_CALLBACK, .short_name = (s), .long_name = (l), \
	  .value = (v), .argh = (a), .help = (h), .callback = (f), \
	  .flags = PARSE_OPT_NOARG }
#define OPT_CALLBACK_OPTARG(s, l, v, d, a, h, f) \
	{ .type = OPTION_CALLBACK, .short_name = (s), .long_name = (l), \
	  .value = (v), .argh = (a), .help = (h), .callback = (f), \
	  .flags = PARSE_OPT_OPTARG, .data = (d) }

int parse_options(int argc, const char **argv, const struct option *options,
		  const char * const usagestr[], int flags);

/* The usage text on stderr, then exit(129). */
__noreturn void usage_with_options(const char * const *usagestr,
				   const struct option *options);
/* The same, after "  Error: " and the message. */
__noreturn __attribute__((format(printf, 3, 4)))
void usage_with_options_msg(const char * const *usagestr,
			    const struct option *options,
			    const char *fmt, ...);

/*
 * The usage lines, then the help of the options @optstr names (a short
 * name when @short_opt, else a long name or its prefix); returns
 * PARSE_OPT_HELP.
 */
int parse_options_usage(const char * const *usagestr,
			const struct option *opts,
			const char *optstr, bool short_opt);

enum {
	PARSE_OPT_HELP = -1,
	PARSE_OPT_DONE,
	PARSE_OPT_LIST_OPTS,
	PARSE_OPT_LIST_SUBCMDS,
	PARSE_OPT_UNKNOWN,
};

#endif /* __SUBCMD_PARSE_OPTIONS_H */
