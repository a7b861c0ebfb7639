/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SUBCMD_OPTIONS_H
#define _SUBCMD_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>

/*
 * Command-line options described by a table, with the shape of the
 * kernel tools' parse-options: short (-c 2, -c2) and long (--cpus 2,
 * --cpus=2) forms, bundled short flags (-vq), --no-FOO for booleans,
 * groups for the usage text, and a generated usage on -h/--help.
 *
 * Details of the rules:
 * - Long names match exactly (no abbreviations).  "--" ends the options;
 *   "-" alone is an ordinary argument.
 * - A required value is glued ("-c2", "--cpus=2") or the next argument,
 *   whatever it looks like ("--name -x" names the guest "-x").  An
 *   optional value (PARSE_OPT_OPTARG) must be glued; when it is left out,
 *   the option gets .defval (a string option: (const char *).defval; a
 *   callback: arg NULL with unset 0).
 * - In a bundle of short switches ("-vqc2") the first one that takes a
 *   value takes the rest of the argument.
 * - --no-FOO works for OPTION_BOOLEAN (false), OPTION_INCR (0),
 *   OPTION_STRING (NULL) and OPTION_CALLBACK (called with arg NULL and
 *   unset 1: callbacks must handle that or set PARSE_OPT_NONEG).
 * - Numbers take C syntax (10, 0x10, 010), must be complete and in the
 *   type's range; unsigned types reject a minus sign.
 * - Error messages: "error: unknown option 'foo'", "error: unknown switch
 *   'x'", "error: option 'cpus' requires a value", "error: option 'cpus'
 *   expects a number, not 'abc'", "error: option 'cpus' is out of range,
 *   not '99999999999'", "error: option 'verbose' takes no value".
 * - -h and --help print the usage unless the table defines them itself.
 * - Usage text: usagestr[0] follows "usage: ", further lines "   or: "
 *   until an empty string; lines after that are printed as paragraphs.
 */
enum parse_opt_type {
	OPTION_END,
	OPTION_GROUP,
	OPTION_BOOLEAN,		/* bool */
	OPTION_INCR,		/* int, +1 per use */
	OPTION_INTEGER,		/* int */
	OPTION_UINTEGER,	/* unsigned int */
	OPTION_U64,		/* u64 */
	OPTION_STRING,		/* const char * */
	OPTION_SIZE,		/* u64 bytes: "512", "512M", "4G"; plain numbers in defval units */
	OPTION_CALLBACK,
};

enum parse_opt_flags {
	PARSE_OPT_STOP_AT_NON_OPTION	= 1 << 0,
	PARSE_OPT_KEEP_DASHDASH		= 1 << 1,
	PARSE_OPT_KEEP_UNKNOWN		= 1 << 2,	/* kept as arguments, whole */
};

enum parse_opt_option_flags {
	PARSE_OPT_NOARG		= 1 << 0,	/* callback takes no value */
	PARSE_OPT_OPTARG	= 1 << 1,	/* value is optional (--opt=val only) */
	PARSE_OPT_NONEG		= 1 << 2,	/* no --no-FOO form */
	PARSE_OPT_HIDDEN	= 1 << 3,	/* not in the usage text */
};

struct option;

/* Returns 0, or -1 after printing what is wrong with @arg. */
typedef int parse_opt_cb(const struct option *opt, const char *arg, int unset);

struct option {
	enum parse_opt_type type;
	int short_name;
	const char *long_name;
	void *value;
	const char *argh;	/* name of the value in the usage text */
	const char *help;
	int flags;		/* enum parse_opt_option_flags */
	parse_opt_cb *callback;
	void *data;		/* free for the callback's use */
	intptr_t defval;	/* OPTION_SIZE: multiplier for plain numbers */
};

#define OPT_END()	{ .type = OPTION_END }
#define OPT_GROUP(h)	{ .type = OPTION_GROUP, .help = (h) }
#define OPT_BOOLEAN(s, l, v, h) \
	{ .type = OPTION_BOOLEAN, .short_name = (s), .long_name = (l), \
	  .value = (v), .help = (h) }
#define OPT_INCR(s, l, v, h) \
	{ .type = OPTION_INCR, .short_name = (s), .long_name = (l), \
	  .value = (v), .help = (h) }
#define OPT_INTEGER(s, l, v, h) \
	{ .type = OPTION_INTEGER, .short_name = (s), .long_name = (l), \
	  .value = (v), .argh = "n", .help = (h) }
#define OPT_UINTEGER(s, l, v, h) \
	{ .type = OPTION_UINTEGER, .short_name = (s), .long_name = (l), \
	  .value = (v), .argh = "n", .help = (h) }
#define OPT_U64(s, l, v, h) \
	{ .type = OPTION_U64, .short_name = (s), .long_name = (l), \
	  .value = (v), .argh = "n", .help = (h) }
#define OPT_STRING(s, l, v, a, h) \
	{ .type = OPTION_STRING, .short_name = (s), .long_name = (l), \
	  .value = (v), .argh = (a), .help = (h) }
#define OPT_SIZE(s, l, v, unit, h) \
	{ .type = OPTION_SIZE, .short_name = (s), .long_name = (l), \
	  .value = (v), .argh = "size", .help = (h), .defval = (unit) }
#define OPT_CALLBACK(s, l, v, a, h, f) \
	{ .type = OPTION_CALLBACK, .short_name = (s), .long_name = (l), \
	  .value = (v), .argh = (a), .help = (h), .callback = (f) }
#define OPT_CALLBACK_NOOPT(s, l, v, h, f) \
	{ .type = OPTION_CALLBACK, .short_name = (s), .long_name = (l), \
	  .value = (v), .help = (h), .callback = (f), .flags = PARSE_OPT_NOARG }

/*
 * Parses argv[0..argc) (argv[0] is the first argument, not the program
 * name), stores values and compacts the non-option arguments to the front
 * of argv.  Returns how many remain.  On a bad command line it prints
 * "error: ..." and the usage to stderr and exits with status 129; on -h or
 * --help it prints the usage to stdout and exits with 0.
 */
int parse_options(int argc, const char **argv, const struct option *options,
		  const char * const usagestr[], int flags);

/*
 * Like parse_options(), but returns a negative value instead of exiting
 * on an error (after printing the error); -h/--help still exit.
 */
int parse_options_noexit(int argc, const char **argv,
			 const struct option *options,
			 const char * const usagestr[], int flags);

void usage_with_options(const char * const usagestr[],
			const struct option *options) __attribute__((noreturn));
void print_usage_with_options(FILE *out, const char * const usagestr[],
			      const struct option *options);

/*
 * "512", "512M", "1.5G" -> bytes; plain numbers are multiplied by @unit.
 * Suffixes K, M, G, T (powers of 1024, any case, optionally followed by
 * "B" or "iB"); "B" alone means bytes.  A fraction must give a whole
 * number of bytes.  Returns 0, or -1 for anything malformed or over
 * 2^64 - 1.
 */
int parse_size(const char *str, u64 unit, u64 *bytes);

#endif /* _SUBCMD_OPTIONS_H */
