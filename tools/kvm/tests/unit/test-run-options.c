// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of device options for 'lkvm run': a table registered from
 * a constructor lands between the command's own options and its tail,
 * heading first, and two options with one name are refused.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <subcmd/parse-options.h>
#include "kvm/log.h"

#include "kvm/run-options.h"
#include "tap.h"

static bool test_flag;
static const char *test_string;
static int test_number;

/* What a device file declares. */
static const struct option test_dev_options[] = {
	OPT_GROUP("test-dev options:"),
	OPT_BOOLEAN(0, "test-flag", &test_flag, "a flag of the test device"),
	OPT_STRING('t', "test-string", &test_string, "s", "a string"),
	OPT_END()
};
run_options_register(test_dev_options);

static const struct option head[] = {
	OPT_GROUP("Basic options:"),
	OPT_INTEGER('c', "cpus", &test_number, "number of vCPUs"),
	OPT_END()
};

static const struct option tail[] = {
	OPT_GROUP("Debug options:"),
	OPT_STRING(0, "loglevel", &test_string, "level", "the log level"),
	OPT_END()
};

static int nr_entries(const struct option *opts)
{
	int n = 0;

	while (opts[n].type != OPTION_END)
		n++;
	return n;
}

static bool is_group(const struct option *o, const char *heading)
{
	return o->type == OPTION_GROUP && o->help && !strcmp(o->help, heading);
}

static bool is_long(const struct option *o, const char *name)
{
	return o->long_name && !strcmp(o->long_name, name);
}

static void test_order(void)
{
	struct option *opts = run_options__build(head, tail);

	if (!ok(opts != NULL, "the tables are put together")) {
		skip(6, "no option array");
		return;
	}
	is_int(nr_entries(opts), 7, "2 + 3 + 2 entries, then OPT_END()");
	ok(is_group(&opts[0], "Basic options:") && is_long(&opts[1], "cpus"),
	   "the command's own options first");
	ok(is_group(&opts[2], "test-dev options:"),
	   "then the device's table, under its heading");
	ok(is_long(&opts[3], "test-flag") && opts[3].value == &test_flag &&
	   is_long(&opts[4], "test-string") && opts[4].short_name == 't',
	   "with its options and their storage");
	ok(is_group(&opts[5], "Debug options:") && is_long(&opts[6], "loglevel"),
	   "then the tail");
	ok(opts[7].type == OPTION_END, "ends with OPT_END()");
	free(opts);

	opts = run_options__build(NULL, NULL);
	ok(opts && nr_entries(opts) == 3 && is_group(&opts[0], "test-dev options:"),
	   "no head, no tail: the registered tables alone");
	free(opts);
}

static const struct option clash_long[] = {
	OPT_GROUP("clash options:"),
	OPT_BOOLEAN(0, "test-flag", &test_flag, "the same long name"),
	OPT_END()
};

static const struct option clash_short[] = {
	OPT_GROUP("clash options:"),
	OPT_BOOLEAN('c', "other", &test_flag, "the head's short name"),
	OPT_END()
};

/* Whether the tables can be put together. */
static bool builds(const struct option *h, const struct option *t)
{
	struct option *opts = run_options__build(h, t);

	free(opts);
	return opts != NULL;
}

static void test_clash(void)
{
	static struct run_options ro_long = {
		.options = clash_long, .name = "clash_long",
	};
	static struct run_options ro_short = {
		.options = clash_short, .name = "clash_short",
	};

	/* Registered last: nothing can be taken out of the list again. */
	run_options__add(&ro_short);
	ok(builds(NULL, tail),
	   "a short name the head does not use is fine");
	ok(!builds(head, tail),
	   "a short name used twice is refused");
	run_options__add(&ro_long);
	ok(!builds(NULL, NULL),
	   "a long name used twice is refused");
}

int main(void)
{
	plan(11);
	loglevel = -1;
	test_order();
	test_clash();
	return exit_status();
}
