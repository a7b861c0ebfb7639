// SPDX-License-Identifier: GPL-2.0
/*
 * parse-options: every option kind, every error message, the exit codes
 * (error paths run in a forked child whose stdout/stderr are captured)
 * and the exact layout of the usage text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <linux/sizes.h>
#include <subcmd/options.h>
#include <subcmd/usage.h>

#include "tap.h"

static bool verbose, quiet, zflag, secret;
static int debug, cpus;
static unsigned int uval;
static u64 u64val, mem;
static const char *kernel, *optstr, *longstr;
static int disk_calls, disk_unset, flag_calls;
static const char *disk_last;

static int disk_cb(const struct option *opt, const char *arg, int unset)
{
	if (unset) {
		disk_unset++;
		return 0;
	}
	if (!strcmp(arg, "bad"))
		return error("cannot use disk '%s'", arg);
	disk_calls++;
	disk_last = arg;
	return 0;
}

static int flag_cb(const struct option *opt, const char *arg, int unset)
{
	flag_calls++;
	return arg ? -1 : 0;
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
	OPT_SIZE('m', "mem", &mem, SZ_1M, "Guest memory"),
	OPT_BOOLEAN('v', "verbose", &verbose, "Say more"),
	{ .type = OPTION_BOOLEAN, .short_name = 'q', .long_name = "quiet",
	  .value = &quiet, .help = "Say less", .flags = PARSE_OPT_NONEG },
	OPT_INCR('d', "debug", &debug, "More debugging"),
	OPT_BOOLEAN('z', NULL, &zflag, "Short only"),
	OPT_GROUP("Advanced options:"),
	OPT_UINTEGER(0, "uint", &uval, "An unsigned"),
	OPT_U64(0, "u64", &u64val, "A u64"),
	OPT_CALLBACK('D', "disk", NULL, "path", "Add a disk", disk_cb),
	OPT_CALLBACK_NOOPT(0, "flag", NULL, "A flag callback", flag_cb),
	{ .type = OPTION_STRING, .short_name = 'o', .long_name = "opt",
	  .value = &optstr, .argh = "x", .help = "Optional value",
	  .flags = PARSE_OPT_OPTARG, .defval = (intptr_t)"dflt" },
	{ .type = OPTION_BOOLEAN, .long_name = "secret", .value = &secret,
	  .help = "Hidden", .flags = PARSE_OPT_HIDDEN },
	OPT_STRING(0, "a-really-long-option-name", &longstr, "value",
		   "Line one\nline two"),
	OPT_END()
};

static const char expected_usage[] =
	"usage: lkvm test [<options>] [<kernel image>]\n"
	"   or: lkvm test --other\n"
	"\n"
	"    Free-form description.\n"
	"\n"
	"Basic options:\n"
	"    -k, --kernel <image>  Kernel to boot\n"
	"    -c, --cpus <n>        Number of CPUs\n"
	"    -m, --mem <size>      Guest memory\n"
	"    -v, --verbose         Say more\n"
	"    -q, --quiet           Say less\n"
	"    -d, --debug           More debugging\n"
	"    -z                    Short only\n"
	"\n"
	"Advanced options:\n"
	"        --uint <n>        An unsigned\n"
	"        --u64 <n>         A u64\n"
	"    -D, --disk <path>     Add a disk\n"
	"        --flag            A flag callback\n"
	"    -o, --opt[=<x>]       Optional value\n"
	"        --a-really-long-option-name <value>\n"
	"                          Line one\n"
	"                          line two\n"
	"\n";

static void reset(void)
{
	verbose = quiet = zflag = secret = false;
	debug = cpus = 0;
	uval = 0;
	u64val = mem = 0;
	kernel = optstr = longstr = NULL;
	disk_calls = disk_unset = flag_calls = 0;
	disk_last = NULL;
}

#define MAX_ARGS 16

/* Runs parse_options() in-process on a NULL-terminated list. */
static int parse(const char **args, const char **out)
{
	int argc = 0;

	reset();
	while (args[argc]) {
		out[argc] = args[argc];
		argc++;
	}
	out[argc] = NULL;
	return parse_options(argc, out, options, test_usage, 0);
}

#define PARSE(...) ({						\
	const char *__in[] = { __VA_ARGS__, NULL };		\
	parse(__in, argv);					\
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

/*
 * Runs the parser in a child with its stdout and stderr going to files.
 * The child exits 0 after a successful parse and 42 after a negative
 * return from parse_options_noexit().
 */
static void run_child(struct child *c, const char **args, int flags, bool noexit)
{
	FILE *out = tmpfile(), *err = tmpfile();
	const char *argv[MAX_ARGS];
	int argc = 0, ret, status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(fileno(out), STDOUT_FILENO);
		dup2(fileno(err), STDERR_FILENO);
		while (args[argc]) {
			argv[argc] = args[argc];
			argc++;
		}
		argv[argc] = NULL;
		if (noexit)
			ret = parse_options_noexit(argc, argv, options, test_usage, flags);
		else
			ret = parse_options(argc, argv, options, test_usage, flags);
		fflush(stdout);
		_exit(ret < 0 ? 42 : 0);
	}
	waitpid(pid, &status, 0);
	c->status = WIFEXITED(status) ? WEXITSTATUS(status) : 1000 + WTERMSIG(status);
	slurp(out, c->out, sizeof(c->out));
	slurp(err, c->err, sizeof(c->err));
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* An error: exit 129, the message, then the usage, all on stderr. */
static void check_error(const char *msg, const char **args)
{
	struct child c;
	char line[256];
	bool r;

	snprintf(line, sizeof(line), "error: %s\nusage: lkvm test ", msg);
	run_child(&c, args, 0, false);
	r = c.status == 129 && starts_with(c.err, line) && !c.out[0];
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
	is_int(cpus, -3, "negative integer from the next argument");
	PARSE("--cpus=0x10");
	is_int(cpus, 16, "hex integer");
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
	ok(zflag, "short-only switch");

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
	PARSE("--kernel=", "--no-kernel");
	ok(!kernel, "--no-kernel clears a string");
	PARSE("--kernel=");
	is_str(kernel, "", "--kernel= gives an empty string");
}

static void test_optarg_and_callbacks(void)
{
	const char *argv[MAX_ARGS];
	int n;

	PARSE("--opt");
	is_str(optstr, "dflt", "--opt without value takes the default");
	PARSE("--opt=x");
	is_str(optstr, "x", "--opt=x");
	n = PARSE("--opt", "y");
	ok(n == 1 && !strcmp(argv[0], "y") && !strcmp(optstr, "dflt"),
	   "an optional value is never taken from the next argument");
	PARSE("-o");
	is_str(optstr, "dflt", "-o without value");
	PARSE("-oval");
	is_str(optstr, "val", "-oval");

	PARSE("--disk", "a", "-D", "b", "-Dc");
	ok(disk_calls == 3 && !strcmp(disk_last, "c"), "callback once per use");
	PARSE("--no-disk");
	ok(disk_unset == 1 && !disk_calls, "--no-disk calls back with unset");
	PARSE("--flag");
	is_int(flag_calls, 1, "NOARG callback");
}

static void test_sizes(void)
{
	const char *argv[MAX_ARGS];
	static const struct {
		const char *str;
		u64 unit;
		int ret;
		u64 bytes;
	} cases[] = {
		{ "512", SZ_1M, 0, 512ULL << 20 },
		{ "512", 1, 0, 512 },
		{ "2G", SZ_1M, 0, 2ULL << 30 },
		{ "2g", 1, 0, 2ULL << 30 },
		{ "4096kib", SZ_1M, 0, 4096ULL << 10 },
		{ "3MB", 1, 0, 3ULL << 20 },
		{ "3MiB", 1, 0, 3ULL << 20 },
		{ "1T", 1, 0, 1ULL << 40 },
		{ "100B", SZ_1M, 0, 100 },
		{ "0", SZ_1M, 0, 0 },
		{ "1.5G", 1, 0, 3ULL << 29 },
		{ "0.5", SZ_1M, 0, 512ULL << 10 },
		{ "18446744073709551615", 1, 0, UINT64_MAX },
		{ "0.5", 1, -1, 0 },		/* half a byte */
		{ "1.1K", 1, -1, 0 },
		{ "18446744073709551616", 1, -1, 0 },
		{ "17179869184G", 1, -1, 0 },	/* 2^64 */
		{ "17592186044416", SZ_1M, -1, 0 },	/* 2^44 MiB */
		{ "", 1, -1, 0 },
		{ "-1", 1, -1, 0 },
		{ "+1", 1, -1, 0 },
		{ "12X", 1, -1, 0 },
		{ "12KX", 1, -1, 0 },
		{ "12KiBB", 1, -1, 0 },
		{ "2 M", 1, -1, 0 },
		{ " 2M", 1, -1, 0 },
		{ "1e3", 1, -1, 0 },
		{ "1.", 1, -1, 0 },
		{ ".5G", 1, -1, 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 bytes = 0xdead;
		int ret = parse_size(cases[i].str, cases[i].unit, &bytes);
		bool r = ret == cases[i].ret &&
			 (ret || bytes == cases[i].bytes);

		ok(r, "parse_size(\"%s\", %llu)", cases[i].str,
		   (unsigned long long)cases[i].unit);
		if (!r)
			diag("ret %d bytes %llu", ret, (unsigned long long)bytes);
	}

	PARSE("--mem=512");
	is_u64(mem, 512ULL << 20, "--mem=512 counts in the option's unit");
	PARSE("-m", "1.5g");
	is_u64(mem, 3ULL << 29, "-m 1.5g");
}

static void test_arguments(void)
{
	const char *argv[MAX_ARGS];
	int n;

	n = PARSE("a", "-v", "b", "-");
	ok(n == 3 && !strcmp(argv[0], "a") && !strcmp(argv[1], "b") &&
	   !strcmp(argv[2], "-") && !argv[3] && verbose,
	   "non-options compacted to the front, '-' is one of them");

	n = PARSE("-v", "--", "-c", "7");
	ok(n == 2 && !strcmp(argv[0], "-c") && !strcmp(argv[1], "7") &&
	   cpus == 0, "'--' ends the options");

	reset();
	memcpy(argv, (const char *[]){ "-v", "--", "x", NULL }, 4 * sizeof(*argv));
	n = parse_options(3, argv, options, test_usage, PARSE_OPT_KEEP_DASHDASH);
	ok(n == 2 && !strcmp(argv[0], "--") && !strcmp(argv[1], "x"),
	   "PARSE_OPT_KEEP_DASHDASH");

	reset();
	memcpy(argv, (const char *[]){ "-v", "cmd", "-c", "3", NULL }, 5 * sizeof(*argv));
	n = parse_options(4, argv, options, test_usage, PARSE_OPT_STOP_AT_NON_OPTION);
	ok(n == 3 && !strcmp(argv[0], "cmd") && !strcmp(argv[1], "-c") &&
	   cpus == 0 && verbose, "PARSE_OPT_STOP_AT_NON_OPTION");

	reset();
	memcpy(argv, (const char *[]){ "--foo=1", "-v", "-x", "--no-quiet", NULL },
	       5 * sizeof(*argv));
	n = parse_options(4, argv, options, test_usage, PARSE_OPT_KEEP_UNKNOWN);
	ok(n == 3 && !strcmp(argv[0], "--foo=1") && !strcmp(argv[1], "-x") &&
	   !strcmp(argv[2], "--no-quiet") && verbose, "PARSE_OPT_KEEP_UNKNOWN");

	reset();
	argv[0] = NULL;
	n = parse_options(0, argv, options, test_usage, 0);
	is_int(n, 0, "no arguments at all");
}

static void test_errors(void)
{
	CHECK_ERROR("unknown option 'foo'", "--foo");
	CHECK_ERROR("unknown option 'foo'", "--foo=bar");
	CHECK_ERROR("unknown switch 'x'", "-x");
	CHECK_ERROR("unknown switch 'x'", "-vx");
	CHECK_ERROR("option 'cpus' requires a value", "--cpus");
	CHECK_ERROR("option 'cpus' requires a value", "-c");
	CHECK_ERROR("option 'cpus' requires a value", "-vc");
	CHECK_ERROR("option 'cpus' expects a number, not 'abc'", "--cpus=abc");
	CHECK_ERROR("option 'cpus' expects a number, not 'abc'", "-c", "abc");
	CHECK_ERROR("option 'cpus' expects a number, not ''", "--cpus=");
	CHECK_ERROR("option 'cpus' expects a number, not '12abc'", "-c12abc");
	CHECK_ERROR("option 'cpus' expects a number, not ' 1'", "--cpus= 1");
	CHECK_ERROR("option 'cpus' is out of range, not '2147483648'",
		    "--cpus=2147483648");
	CHECK_ERROR("option 'cpus' is out of range, not '-2147483649'",
		    "--cpus=-2147483649");
	CHECK_ERROR("option 'uint' expects a number, not '-1'", "--uint=-1");
	CHECK_ERROR("option 'uint' is out of range, not '4294967296'",
		    "--uint=4294967296");
	CHECK_ERROR("option 'u64' is out of range, not '18446744073709551616'",
		    "--u64=18446744073709551616");
	CHECK_ERROR("option 'u64' expects a number, not '-1'", "--u64", "-1");
	CHECK_ERROR("option 'mem' expects a size (like 512M or 2G), not '1Q'",
		    "--mem=1Q");
	CHECK_ERROR("option 'verbose' takes no value", "--verbose=1");
	CHECK_ERROR("option 'flag' takes no value", "--flag=1");
	CHECK_ERROR("option 'no-verbose' takes no value", "--no-verbose=0");
	CHECK_ERROR("unknown option 'no-quiet'", "--no-quiet");
	CHECK_ERROR("unknown option 'no-cpus'", "--no-cpus");
	CHECK_ERROR("unknown option 'verb'", "--verb");
	CHECK_ERROR("unknown option ''", "--=x");
	CHECK_ERROR("cannot use disk 'bad'", "--disk", "bad");
}

static void test_help_and_noexit(void)
{
	const char *help_long[] = { "-v", "--help", NULL };
	const char *help_short[] = { "-h", NULL };
	const char *bad[] = { "--cpus=x", NULL };
	const char *good[] = { "-v", NULL };
	struct child c;

	run_child(&c, help_long, 0, false);
	ok(c.status == 0 && !strcmp(c.out, expected_usage) && !c.err[0],
	   "--help: usage on stdout, exit 0");
	run_child(&c, help_short, 0, false);
	ok(c.status == 0 && !strcmp(c.out, expected_usage) && !c.err[0],
	   "-h: usage on stdout, exit 0");

	run_child(&c, bad, 0, true);
	ok(c.status == 42 &&
	   !strcmp(c.err, "error: option 'cpus' expects a number, not 'x'\n"),
	   "parse_options_noexit returns an error after printing only it");
	run_child(&c, good, 0, true);
	ok(c.status == 0 && !c.err[0], "parse_options_noexit success");
}

static void test_usage_text(void)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	print_usage_with_options(f, test_usage, options);
	fclose(f);
	if (!is_str(buf, expected_usage, "usage text layout"))
		diag("got:\n%s", buf);
	free(buf);
}

int main(void)
{
	test_values();
	test_optarg_and_callbacks();
	test_sizes();
	test_arguments();
	test_errors();
	test_help_and_noexit();
	test_usage_text();
	return exit_status();
}
