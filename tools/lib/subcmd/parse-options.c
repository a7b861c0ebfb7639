// SPDX-License-Identifier: GPL-2.0
/*
 * Table-driven command-line parsing with the interface and the behaviour
 * of the kernel's libsubcmd: see parse-options.h for the rules.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse-options.h"

/* Column where help texts start, as in git and perf. */
#define USAGE_OPTS_WIDTH	24
#define USAGE_GAP		2

/* How an option was named on the command line. */
#define OPT_SHORT	1
#define OPT_UNSET	2

struct parse_ctx {
	const char **argv;	/* argv[0] is the argument being parsed */
	int argc;		/* arguments left, argv[0] included */
	const char **out;	/* where non-options are moved to */
	int cpidx;		/* how many are there */
	const char *opt;	/* the rest of a short cluster, or a glued value */
	int flags;
};

/* A message of the kernel's form; the usage that follows ends the line. */
static int opterror(const struct option *opt, const char *reason, int flags)
{
	if (flags & OPT_SHORT)
		fprintf(stderr, " Error: switch `%c' %s", opt->short_name, reason);
	else if (flags & OPT_UNSET)
		fprintf(stderr, " Error: option `no-%s' %s", opt->long_name, reason);
	else
		fprintf(stderr, " Error: option `%s' %s", opt->long_name, reason);
	return -1;
}

static bool starts_with(const char *str, const char *prefix)
{
	return !strncmp(str, prefix, strlen(prefix));
}

/* A glued value, else the next argument. */
static int get_arg(struct parse_ctx *p, const struct option *opt, int flags,
		   const char **arg)
{
	if (p->opt) {
		*arg = p->opt;
		p->opt = NULL;
		return 0;
	}
	if (p->argc > 1) {
		p->argc--;
		*arg = *++p->argv;
		return 0;
	}
	return opterror(opt, "requires a value", flags);
}

static bool takes_no_value(const struct option *opt)
{
	switch (opt->type) {
	case OPTION_BOOLEAN:
	case OPTION_INCR:
		return true;
	case OPTION_CALLBACK:
		return opt->flags & PARSE_OPT_NOARG;
	default:
		return false;
	}
}

static int set_number(const struct option *opt, u64 val)
{
	switch (opt->type) {
	case OPTION_INTEGER:
		*(int *)opt->value = val;
		break;
	case OPTION_UINTEGER:
		*(unsigned int *)opt->value = val;
		break;
	default:
		*(u64 *)opt->value = val;
		break;
	}
	return 0;
}

/* Decimal, as the kernel's: strtol for int and unsigned int, else strtoull. */
static int get_number(struct parse_ctx *p, const struct option *opt, int flags)
{
	const char *arg = NULL;
	char *end;
	u64 val;

	if (get_arg(p, opt, flags, &arg))
		return -1;
	if (opt->type != OPTION_INTEGER && arg[0] == '-')
		return opterror(opt, "expects an unsigned numerical value", flags);
	if (opt->type == OPTION_U64)
		val = strtoull(arg, &end, 10);
	else
		val = strtol(arg, &end, 10);
	if (*end)
		return opterror(opt, "expects a numerical value", flags);
	return set_number(opt, val);
}

static int get_callback(struct parse_ctx *p, const struct option *opt,
			int flags)
{
	const char *arg = NULL;

	if (flags & OPT_UNSET)
		return opt->callback(opt, NULL, 1) ? -1 : 0;
	if (opt->flags & PARSE_OPT_NOARG)
		return opt->callback(opt, NULL, 0) ? -1 : 0;
	if ((opt->flags & PARSE_OPT_OPTARG) && !p->opt)
		return opt->callback(opt, NULL, 0) ? -1 : 0;
	if (get_arg(p, opt, flags, &arg))
		return -1;
	return opt->callback(opt, arg, 0) ? -1 : 0;
}

static int get_string(struct parse_ctx *p, const struct option *opt, int flags)
{
	if (flags & OPT_UNSET) {
		*(const char **)opt->value = NULL;
		return 0;
	}
	if ((opt->flags & PARSE_OPT_OPTARG) && !p->opt) {
		*(const char **)opt->value = (const char *)opt->defval;
		return 0;
	}
	return get_arg(p, opt, flags, (const char **)opt->value);
}

static int get_value(struct parse_ctx *p, const struct option *opt, int flags)
{
	bool unset = flags & OPT_UNSET;

	if (unset && p->opt)
		return opterror(opt, "takes no value", flags);
	if (unset && (opt->flags & PARSE_OPT_NONEG))
		return opterror(opt, "isn't available", flags);
	if (!(flags & OPT_SHORT) && p->opt && takes_no_value(opt))
		return opterror(opt, "takes no value", flags);
	if (opt->set)
		*opt->set = true;

	switch (opt->type) {
	case OPTION_BOOLEAN:
		*(bool *)opt->value = !unset;
		return 0;
	case OPTION_INCR:
		*(int *)opt->value = unset ? 0 : *(int *)opt->value + 1;
		return 0;
	case OPTION_STRING:
		return get_string(p, opt, flags);
	case OPTION_CALLBACK:
		return get_callback(p, opt, flags);
	case OPTION_INTEGER:
	case OPTION_UINTEGER:
	case OPTION_U64:
		if (unset)
			return set_number(opt, 0);
		if ((opt->flags & PARSE_OPT_OPTARG) && !p->opt)
			return set_number(opt, (u64)opt->defval);
		return get_number(p, opt, flags);
	default:
		fprintf(stderr, " Error: option table entry of unknown type %d\n",
			opt->type);
		abort();
	}
}

/* -1: a bad value (reported), -2: no such switch. */
static int parse_short_opt(struct parse_ctx *p, const struct option *options)
{
	for (; options->type != OPTION_END; options++) {
		if (options->type != OPTION_GROUP &&
		    options->short_name == *p->opt) {
			p->opt = p->opt[1] ? p->opt + 1 : NULL;
			return get_value(p, options, OPT_SHORT);
		}
	}
	return -2;
}

/*
 * How @arg (what follows "--", up to any '=') names @opt: 0 not at all,
 * 1 exactly, 2 by an abbreviation; *flags gets OPT_UNSET for "no-".
 */
static int long_match(const struct option *opt, const char *arg, size_t len,
		      int *flags)
{
	const char *name = opt->long_name;

	*flags = 0;
	if (strlen(name) == len && !strncmp(name, arg, len))
		return 1;
	if (!strncmp(name, arg, len))
		return 2;
	/* "--foo" negates "--no-foo", as "--no-foo" negates "--foo". */
	if (starts_with(name, "no-")) {
		*flags = OPT_UNSET;
		if (strlen(name + 3) == len && !strncmp(name + 3, arg, len))
			return 1;
		if (!strncmp(name + 3, arg, len))
			return 2;
	}
	*flags = OPT_UNSET;
	if (len >= 3 && !strncmp(arg, "no-", 3)) {
		if (strlen(name) == len - 3 && !strncmp(name, arg + 3, len - 3))
			return 1;
		if (!strncmp(name, arg + 3, len - 3))
			return 2;
	} else if (!strncmp("no-", arg, len)) {
		return 2;	/* "--no" or "--no-": negated, abbreviated */
	}
	return 0;
}

/* -1: a bad value or an ambiguous name (reported), -2: no such option. */
static int parse_long_opt(struct parse_ctx *p, const char *arg,
			  const struct option *options)
{
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	const struct option *abbrev = NULL, *ambiguous = NULL;
	int flags, abbrev_flags = 0, ambiguous_flags = 0;

	for (; options->type != OPTION_END; options++) {
		if (options->type == OPTION_GROUP || !options->long_name)
			continue;
		switch (long_match(options, arg, len, &flags)) {
		case 1:
			p->opt = eq ? eq + 1 : NULL;
			return get_value(p, options, flags);
		case 2:
			if (abbrev) {
				ambiguous = abbrev;
				ambiguous_flags = abbrev_flags;
			}
			abbrev = options;
			abbrev_flags = flags;
			break;
		}
	}

	if (ambiguous) {
		fprintf(stderr,
			" Error: Ambiguous option: %s (could be --%s%s or --%s%s)\n",
			arg, (ambiguous_flags & OPT_UNSET) ? "no-" : "",
			ambiguous->long_name,
			(abbrev_flags & OPT_UNSET) ? "no-" : "",
			abbrev->long_name);
		return -1;
	}
	if (!abbrev)
		return -2;
	p->opt = eq && !(abbrev_flags & OPT_UNSET) ? eq + 1 : NULL;
	return get_value(p, abbrev, abbrev_flags);
}

/* "-name" where --name was meant. */
static void check_typos(const char *arg, const struct option *options)
{
	if (strlen(arg) < 3)
		return;
	if (starts_with(arg, "no-")) {
		fprintf(stderr, " Error: did you mean `--%s` (with two dashes ?)\n", arg);
		exit(129);
	}
	for (; options->type != OPTION_END; options++) {
		if (options->long_name && starts_with(options->long_name, arg)) {
			fprintf(stderr, " Error: did you mean `--%s` (with two dashes ?)\n",
				arg);
			exit(129);
		}
	}
}

/* ---------------------------------------------------------------------- */
/* Usage */

static int print_argh(const struct option *opt)
{
	bool optarg = opt->flags & PARSE_OPT_OPTARG;
	const char *argh;

	switch (opt->type) {
	case OPTION_INTEGER:
	case OPTION_UINTEGER:
	case OPTION_U64:
		argh = "n";
		break;
	case OPTION_CALLBACK:
		if (opt->flags & PARSE_OPT_NOARG)
			return 0;
		/* fall through */
	case OPTION_STRING:
		argh = opt->argh;
		break;
	default:
		return 0;
	}

	if (!argh)
		return fprintf(stderr, optarg ? (opt->long_name ? "[=...]" : "[...]") :
			       " ...");
	if (!optarg)
		return fprintf(stderr, " <%s>", argh);
	return fprintf(stderr, opt->long_name ? "[=<%s>]" : "[<%s>]", argh);
}

static void print_option_help(const struct option *opt)
{
	int pos, pad;

	if (opt->type == OPTION_GROUP) {
		fputc('\n', stderr);
		if (*opt->help)
			fprintf(stderr, "%s\n", opt->help);
		return;
	}
	if (opt->flags & PARSE_OPT_HIDDEN)
		return;

	pos = fprintf(stderr, "    ");
	if (opt->short_name)
		pos += fprintf(stderr, "-%c", opt->short_name);
	else
		pos += fprintf(stderr, "    ");
	if (opt->long_name && opt->short_name)
		pos += fprintf(stderr, ", ");
	if (opt->long_name)
		pos += fprintf(stderr, "--%s", opt->long_name);
	pos += print_argh(opt);

	if (pos <= USAGE_OPTS_WIDTH) {
		pad = USAGE_OPTS_WIDTH - pos;
	} else {
		fputc('\n', stderr);
		pad = USAGE_OPTS_WIDTH;
	}
	fprintf(stderr, "%*s%s\n", pad + USAGE_GAP, "", opt->help);
}

/* Options sort by short name, then long name; those without one last. */
static int option_cmp(const void *va, const void *vb)
{
	const struct option *a = va, *b = vb;
	int sa = tolower(a->short_name), sb = tolower(b->short_name);

	if (!sa)
		sa = 'z' + 1;
	if (!sb)
		sb = 'z' + 1;
	if (sa != sb)
		return sa - sb;
	return strcmp(a->long_name ? a->long_name : "",
		      b->long_name ? b->long_name : "");
}

/* A copy of @opts with each group sorted, or NULL. */
static struct option *options_order(const struct option *opts)
{
	struct option *ordered, *opt, *group;
	size_t n = 0;

	while (opts[n].type != OPTION_END)
		n++;
	ordered = malloc((n + 1) * sizeof(*ordered));
	if (!ordered)
		return NULL;
	memcpy(ordered, opts, (n + 1) * sizeof(*ordered));

	for (opt = group = ordered; opt->type != OPTION_END; opt++) {
		if (opt->type != OPTION_GROUP)
			continue;
		qsort(group, opt - group, sizeof(*opt), option_cmp);
		group = opt + 1;
	}
	qsort(group, opt - group, sizeof(*opt), option_cmp);
	return ordered;
}

static void print_usagestr(const char * const *usagestr)
{
	fprintf(stderr, "\n Usage: %s\n", *usagestr++);
	while (*usagestr && **usagestr)
		fprintf(stderr, "    or: %s\n", *usagestr++);
	for (; *usagestr; usagestr++)
		fprintf(stderr, "%s%s\n", **usagestr ? "    " : "", *usagestr);
}

static int usage_with_options_internal(const char * const *usagestr,
				       const struct option *opts,
				       const char *error)
{
	struct option *ordered;

	if (!usagestr)
		return PARSE_OPT_HELP;
	if (error)
		fprintf(stderr, "  Error: %s\n", error);
	print_usagestr(usagestr);
	if (opts->type != OPTION_GROUP)
		fputc('\n', stderr);

	ordered = options_order(opts);
	if (ordered)
		opts = ordered;
	for (; opts->type != OPTION_END; opts++)
		print_option_help(opts);
	fputc('\n', stderr);
	free(ordered);
	return PARSE_OPT_HELP;
}

void usage_with_options(const char * const *usagestr,
			const struct option *opts)
{
	usage_with_options_internal(usagestr, opts, NULL);
	exit(129);
}

void usage_with_options_msg(const char * const *usagestr,
			    const struct option *opts, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	usage_with_options_internal(usagestr, opts, msg ? msg : fmt);
	free(msg);
	exit(129);
}

int parse_options_usage(const char * const *usagestr,
			const struct option *opts,
			const char *optstr, bool short_opt)
{
	if (usagestr) {
		print_usagestr(usagestr);
		fputc('\n', stderr);
	}

	for (; opts->type != OPTION_END; opts++) {
		if (short_opt) {
			if (opts->short_name == *optstr) {
				print_option_help(opts);
				break;
			}
			continue;
		}
		if (!opts->long_name)
			continue;
		if (starts_with(opts->long_name, optstr))
			print_option_help(opts);
		if (starts_with("no-", optstr) &&
		    starts_with(opts->long_name, optstr + 3))
			print_option_help(opts);
	}
	return PARSE_OPT_HELP;
}

/* ---------------------------------------------------------------------- */
/* Parsing */

/* A cluster of short switches: "-vq", "-c2", "-c 2". */
static int parse_short_cluster(struct parse_ctx *p, const struct option *options,
			       const char * const usagestr[], bool internal_help)
{
	const char *arg = p->argv[0] + 1;
	char *fake;

	p->opt = arg;
	if (internal_help && *p->opt == 'h')
		return usage_with_options_internal(usagestr, options, NULL);
	switch (parse_short_opt(p, options)) {
	case -1:
		return parse_options_usage(usagestr, options, arg, true);
	case -2:
		return PARSE_OPT_UNKNOWN;
	}
	if (p->opt)
		check_typos(arg, options);

	while (p->opt) {
		if (internal_help && *p->opt == 'h')
			return usage_with_options_internal(usagestr, options, NULL);
		arg = p->opt;
		switch (parse_short_opt(p, options)) {
		case -1:
			return parse_options_usage(usagestr, options, arg, true);
		case -2:
			/* Report (or keep) the unknown switch on its own. */
			fake = strdup(p->opt - 1);
			if (!fake)
				abort();
			fake[0] = '-';
			p->argv[0] = fake;
			return PARSE_OPT_UNKNOWN;
		}
	}
	return PARSE_OPT_DONE;
}

static int parse_long(struct parse_ctx *p, const struct option *options,
		      const char * const usagestr[], bool internal_help)
{
	const char *arg = p->argv[0] + 2;

	if (internal_help && (!strcmp(arg, "help") || !strcmp(arg, "help-all")))
		return usage_with_options_internal(usagestr, options, NULL);
	if (!strcmp(arg, "list-opts"))
		return PARSE_OPT_LIST_OPTS;
	switch (parse_long_opt(p, arg, options)) {
	case -1:
		return parse_options_usage(usagestr, options, arg, false);
	case -2:
		return PARSE_OPT_UNKNOWN;
	}
	return PARSE_OPT_DONE;
}

static int parse_options_step(struct parse_ctx *p, const struct option *options,
			      const char * const usagestr[])
{
	bool internal_help = !(p->flags & PARSE_OPT_NO_INTERNAL_HELP);
	const char *arg;
	int ret;

	for (; p->argc; p->argc--, p->argv++) {
		arg = p->argv[0];
		p->opt = NULL;
		if (*arg != '-' || !arg[1]) {
			if (p->flags & PARSE_OPT_STOP_AT_NON_OPTION)
				break;
			p->out[p->cpidx++] = arg;
			continue;
		}
		if (!strcmp(arg, "--")) {
			if (!(p->flags & PARSE_OPT_KEEP_DASHDASH)) {
				p->argc--;
				p->argv++;
			}
			break;
		}

		if (arg[1] != '-')
			ret = parse_short_cluster(p, options, usagestr, internal_help);
		else
			ret = parse_long(p, options, usagestr, internal_help);
		if (ret == PARSE_OPT_UNKNOWN && (p->flags & PARSE_OPT_KEEP_UNKNOWN)) {
			p->out[p->cpidx++] = p->argv[0];
			continue;
		}
		if (ret != PARSE_OPT_DONE)
			return ret;
	}
	return PARSE_OPT_DONE;
}

int parse_options(int argc, const char **argv, const struct option *options,
		  const char * const usagestr[], int flags)
{
	struct parse_ctx p = {
		.argc = argc - 1,
		.argv = argv + 1,
		.out = argv,
		.cpidx = !!(flags & PARSE_OPT_KEEP_ARGV0),
		.flags = flags,
	};
	char *msg = NULL;
	int ret;

	ret = parse_options_step(&p, options, usagestr);
	switch (ret) {
	case PARSE_OPT_DONE:
		break;
	case PARSE_OPT_HELP:
		exit(129);
	case PARSE_OPT_LIST_OPTS:
		for (; options->type != OPTION_END; options++)
			if (options->long_name)
				printf("--%s ", options->long_name);
		putchar('\n');
		exit(130);
	default:
		if (p.argv[0][1] == '-')
			ret = asprintf(&msg, "unknown option `%s'", p.argv[0] + 2);
		else
			ret = asprintf(&msg, "unknown switch `%c'", p.argv[0][1]);
		usage_with_options_internal(usagestr, options, ret < 0 ? NULL : msg);
		exit(129);
	}

	memmove(p.out + p.cpidx, p.argv, p.argc * sizeof(*p.out));
	p.out[p.cpidx + p.argc] = NULL;
	return p.cpidx + p.argc;
}
