// SPDX-License-Identifier: GPL-2.0
/*
 * parse-options, as lkvm uses it: every option kind lkvm's tables use,
 * the errors and the exit codes (run in a forked child whose stdout and
 * stderr are captured) and the layout of the usage text.
 *
 * Only the interface's documented behaviour is asserted, the same inside
 * a kernel tree (the tree's tools/lib/subcmd) and standalone (our copy):
 * kernel-tree.t runs this test against Linux 6.1's and 6.12's libsubcmd.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <subcmd/parse-options.h>

#include "tap.h"

static bool verbose, quiet, zflag, secret;
static int debug, cpus;
static unsigned int uval;
static u64 u64val;
static const char *kernel, *optstr, *name;
static int disk_calls, disk_unset, flag_calls;
static const char *disk_last;

static int disk_cb(const struct option *opt, const char *arg, int unset)
{
	if (unset) {
		disk_unset++;
		return 0;
	}
	if (!strcmp(arg, "bad")) {
		fprintf(stderr, "cannot use disk '%s'\n", arg);
		return -1;
	}
	disk_calls++;
	disk_last = arg;
	return 0;
}

static int flag_cb(const struct option *opt, const char *arg, int unset)
{
	flag_calls++;
	return 0;
}

static const char * const test_usage[] = {
	"lkvm test [<options>] [<kernel image>]",
	"lkvm test --other",
	"",
	"Free-form description.",
	NULL
};

static const struct option options[] = {
	OPT_GROUP("Basic options:"),
	OPT_STRING('k', "kernel", &kernel, "image", "Kernel to boot"),
	OPT_INTEGER('c', "cpus", &cpus, "Number of CPUs"),
	OPT_BOOLEAN('v', "verbose", &verbose, "Say more"),
	{ .type = OPTION_BOOLEAN, .short_name = 'q', .long_name = "quiet",
	  .value = &quiet, .help = "Say less", .flags = PARSE_OPT_NONEG },
	OPT_INCR('d', "debug", &debug, "More debugging"),
	OPT_BOOLEAN('z', NULL, &zflag, "Short only"),
	OPT_STRING(0, "name", &name, "name", "The guest's name"),
	OPT_GROUP("Advanced options:"),
	OPT_UINTEGER(0, "uint", &uval, "An unsigned"),
	OPT_U64(0, "u64", &u64val, "A u64"),
	OPT_CALLBACK('D', "disk", NULL, "path", "Add a disk", disk_cb),
	OPT_CALLBACK_NOOPT(0, "flag", NULL, NULL, "A flag callback", flag_cb),
	OPT_STRING_OPTARG('o', "opt", &optstr, "x", "Optional value", "dflt"),
	{ .type = OPTION_BOOLEAN, .long_name = "secret", .value = &secret,
	  .help = "Hidden", .flags = PARSE_OPT_HIDDEN },
	OPT_STRING(0, "a-really-long-option-name", &kernel, "value",
		   "Goes on the next line"),
	OPT_END()
};

/* Each group sorted by short name, then long name; the hidden one left out. */
static const char expected_usage[] =
	"\n"
	" Usage: lkvm test [<options>] [<kernel image>]\n"
	"    or: lkvm test --other\n"
	"\n"
	"    Free-form description.\n"
	"\n"
	"Basic options:\n"
	"    -c, --cpus <n>        Number of CPUs\n"
	"    -d, --debug           More debugging\n"
	"    -k, --kernel <image>  Kernel to boot\n"
	"    -q, --quiet           Say less\n"
	"    -v, --verbose         Say more\n"
	"    -z                    Short only\n"
	"        --name <name>     The guest's name\n"
	"\n"
	"Advanced options:\n"
	"    -D, --disk <path>     Add a disk\n"
	"    -o, --opt[=<x>]       Optional value\n"
	"        --a-really-long-option-name <value>\n"
	"                          Goes on the next line\n"
	"        --flag            A flag callback\n"
	"        --u64 <n>         A u64\n"
	"        --uint <n>        An unsigned\n"
	"\n";

static void reset(void)
{
	verbose = quiet = zflag = secret = false;
	debug = cpus = 0;
	uval = 0;
	u64val = 0;
	kernel = optstr = name = NULL;
	disk_calls = disk_unset = flag_calls = 0;
	disk_last = NULL;
}

#define MAX_ARGS 16

/* parse_options() in this process on "test" and a NULL-terminated list. */
static int parse(const char **args, const char **out, int flags)
{
	int argc = 1;

	reset();
	out[0] = "test";
	for (; args[argc - 1]; argc++)
		out[argc] = args[argc - 1];
	out[argc] = NULL;
	return parse_options(argc, out, options, test_usage, flags);
}

#define PARSE(...) ({						\
	const char *__in[] = { __VA_ARGS__, NULL };		\
	parse(__in, argv, 0);					\
})

#define PARSE_FLAGS(flags, ...) ({				\
	const char *__in[] = { __VA_ARGS__, NULL };		\
	parse(__in, argv, flags);				\
})

struct child {
	int status;		/* exit code, or 1000 + signal */
	char out[8192];
	char err[8192];
};

static void slurp(FILE *f, char *buf, size_t size)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* The parser in a child; it exits 0 after a parse that returned. */
static void run_child(struct child *c, const char **args)
{
	FILE *out = tmpfile(), *err = tmpfile();
	const char *argv[MAX_ARGS];
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		dup2(fileno(out), STDOUT_FILENO);
		dup2(fileno(err), STDERR_FILENO);
		parse(args, argv, 0);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	c->status = WIFEXITED(status) ? WEXITSTATUS(status) : 1000 + WTERMSIG(status);
	slurp(out, c->out, sizeof(c->out));
	slurp(err, c->err, sizeof(c->err));
}

/* A bad command line: exit 129, the message and the usage on stderr. */
static void check_error(const char *msg, const char **args)
{
	struct child c;
	bool r;

	run_child(&c, args);
	r = c.status == 129 && strstr(c.err, msg) &&
	    strstr(c.err, " Usage: lkvm test ") && !c.out[0];
	ok(r, "%s: exit 129, message and usage on stderr", msg);
	if (!r)
		diag("status %d, stderr '%s', stdout '%s'", c.status, c.err, c.out);
}

#define CHECK_ERROR(msg, ...) ({				\
	const char *__in[] = { __VA_ARGS__, NULL };		\
	check_error(msg, __in);					\
})

static void test_values(void)
{
	const char *argv[MAX_ARGS];

	PARSE("-c2");
	is_int(cpus, 2, "-c2");
	PARSE("-c", "3");
	is_int(cpus, 3, "-c 3");
	PARSE("--cpus=4");
	is_int(cpus, 4, "--cpus=4");
	PARSE("--cpus", "5");
	is_int(cpus, 5, "--cpus 5");
	PARSE("--cpus", "-3");
	is_int(cpus, -3, "a negative integer from the next argument");
	PARSE("--cpus=2147483647");
	is_int(cpus, 2147483647, "INT_MAX");

	PARSE("-vd");
	ok(verbose && debug == 1, "bundled -vd");
	PARSE("-vc4");
	ok(verbose && cpus == 4, "bundled -vc4: the value-taking switch takes the rest");
	PARSE("-ddd", "--debug");
	is_int(debug, 4, "OPT_INCR counts");
	PARSE("-dd", "--no-debug");
	is_int(debug, 0, "--no-debug resets OPT_INCR");
	PARSE("-v", "--no-verbose");
	ok(!verbose, "--no-verbose");
	PARSE("-z");
	ok(zflag, "a short-only switch");

	PARSE("--uint=4294967295");
	ok(uval == 4294967295U, "UINT_MAX");
	PARSE("--u64", "18446744073709551615");
	is_u64(u64val, UINT64_MAX, "U64 max");

	PARSE("-k", "bzImage");
	is_str(kernel, "bzImage", "-k bzImage");
	PARSE("-kbz");
	is_str(kernel, "bz", "-kbz");
	PARSE("--kernel", "-v");
	ok(kernel && !strcmp(kernel, "-v") && !verbose,
	   "a required value may start with '-'");
	PARSE("--kernel=x", "--no-kernel");
	ok(!kernel, "--no-kernel clears a string");
	PARSE("--kernel=");
	is_str(kernel, "", "--kernel= gives an empty string");
}

static void test_abbreviations(void)
{
	const char *argv[MAX_ARGS];

	PARSE("--cp=6");
	is_int(cpus, 6, "--cp=6: a unique prefix names the option");
	PARSE("--verb");
	ok(verbose, "--verb");
	PARSE("--na", "vm");
	is_str(name, "vm", "--na vm: an abbreviated option takes the next argument");
	PARSE("--no-verb");
	ok(!verbose, "--no-verb: negated and abbreviated");
}

static void test_optarg_and_callbacks(void)
{
	const char *argv[MAX_ARGS];
	int n;

	PARSE("--opt");
	is_str(optstr, "dflt", "--opt without a value takes the default");
	PARSE("--opt=x");
	is_str(optstr, "x", "--opt=x");
	n = PARSE("--opt", "y");
	ok(n == 1 && !strcmp(argv[0], "y") && !strcmp(optstr, "dflt"),
	   "an optional value is never taken from the next argument");
	PARSE("-o");
	is_str(optstr, "dflt", "-o without a value");
	PARSE("-oval");
	is_str(optstr, "val", "-oval");

	PARSE("--disk", "a", "-D", "b", "-Dc");
	ok(disk_calls == 3 && !strcmp(disk_last, "c"), "a callback once per use");
	PARSE("--no-disk");
	ok(disk_unset == 1 && !disk_calls, "--no-disk calls back with unset");
	PARSE("--flag");
	is_int(flag_calls, 1, "a NOARG callback");
}

static void test_arguments(void)
{
	const char *argv[MAX_ARGS];
	int n;

	n = PARSE("a", "-v", "b", "-");
	ok(n == 3 && !strcmp(argv[0], "a") && !strcmp(argv[1], "b") &&
	   !strcmp(argv[2], "-") && !argv[3] && verbose,
	   "argv[0] skipped, non-options moved to the front, '-' is one of them");

	n = PARSE("-v", "--", "-c", "7");
	ok(n == 2 && !strcmp(argv[0], "-c") && !strcmp(argv[1], "7") &&
	   !argv[2] && cpus == 0, "'--' ends the options");

	n = PARSE_FLAGS(PARSE_OPT_KEEP_DASHDASH, "-v", "--", "x");
	ok(n == 2 && !strcmp(argv[0], "--") && !strcmp(argv[1], "x"),
	   "PARSE_OPT_KEEP_DASHDASH");

	n = PARSE_FLAGS(PARSE_OPT_STOP_AT_NON_OPTION, "-v", "cmd", "-c", "3");
	ok(n == 3 && !strcmp(argv[0], "cmd") && !strcmp(argv[1], "-c") &&
	   cpus == 0 && verbose, "PARSE_OPT_STOP_AT_NON_OPTION");

	n = PARSE_FLAGS(PARSE_OPT_KEEP_UNKNOWN, "--foo=1", "-v", "-x");
	ok(n == 2 && !strcmp(argv[0], "--foo=1") && !strcmp(argv[1], "-x") &&
	   verbose, "PARSE_OPT_KEEP_UNKNOWN");

	n = PARSE_FLAGS(0, NULL);
	ok(n == 0 && !argv[0], "no arguments at all");
}

static void test_errors(void)
{
	CHECK_ERROR("unknown option `foo'", "--foo");
	CHECK_ERROR("unknown option `foo=bar'", "--foo=bar");
	CHECK_ERROR("unknown switch `x'", "-x");
	CHECK_ERROR("unknown switch `x'", "-vx");
	CHECK_ERROR("option `cpus' requires a value", "--cpus");
	CHECK_ERROR("switch `c' requires a value", "-c");
	CHECK_ERROR("switch `c' requires a value", "-vc");
	CHECK_ERROR("option `cpus' expects a numerical value", "--cpus=abc");
	CHECK_ERROR("switch `c' expects a numerical value", "-c", "abc");
	CHECK_ERROR("switch `c' expects a numerical value", "-c12abc");
	CHECK_ERROR("option `cpus' expects a numerical value", "--cpus=0x10");
	CHECK_ERROR("option `uint' expects an unsigned numerical value", "--uint=-1");
	CHECK_ERROR("option `u64' expects an unsigned numerical value", "--u64", "-1");
	CHECK_ERROR("option `verbose' takes no value", "--verbose=1");
	CHECK_ERROR("option `flag' takes no value", "--flag=1");
	CHECK_ERROR("option `no-verbose' takes no value", "--no-verbose=0");
	CHECK_ERROR("option `no-quiet' isn't available", "--no-quiet");
	CHECK_ERROR("Ambiguous option: d", "--d");
	CHECK_ERROR("cannot use disk 'bad'", "--disk", "bad");
}

/* "-verbose" where "--verbose" was meant: the hint alone, exit 129. */
static void test_typo(void)
{
	const char *args[] = { "-verbose", NULL };
	struct child c;

	run_child(&c, args);
	ok(c.status == 129 &&
	   strstr(c.err, "did you mean `--verbose` (with two dashes ?)") &&
	   !c.out[0], "-verbose: did you mean --verbose, exit 129");
}

static void test_help(void)
{
	const char *help_long[] = { "-v", "--help", NULL };
	const char *help_short[] = { "-h", NULL };
	struct child c;

	run_child(&c, help_long);
	ok(c.status == 129 && !strcmp(c.err, expected_usage) && !c.out[0],
	   "--help: the usage on stderr, exit 129");
	if (c.status != 129 || strcmp(c.err, expected_usage))
		diag("status %d, got:\n%s", c.status, c.err);
	run_child(&c, help_short);
	ok(c.status == 129 && !strcmp(c.err, expected_usage) && !c.out[0],
	   "-h: the usage on stderr, exit 129");
}

int main(void)
{
	test_values();
	test_abbreviations();
	test_optarg_and_callbacks();
	test_arguments();
	test_errors();
	test_typo();
	test_help();
	return exit_status();
}
