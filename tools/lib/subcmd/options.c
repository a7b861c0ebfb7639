// SPDX-License-Identifier: GPL-2.0
/*
 * Table-driven command-line parsing for lkvm's subcommands.  See
 * options.h for the rules; this file only walks argv and turns
 * strings into the typed values the table points at.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <subcmd/options.h>
#include <subcmd/usage.h>

/* Column where help texts start, as in git and perf. */
#define USAGE_OPTS_WIDTH	24
#define USAGE_GAP		2

struct parse_ctx {
	const char **argv;	/* what is left to parse */
	int argc;
	const char **out;	/* where non-options are compacted */
	int nout;
	const struct option *options;
	const char * const *usagestr;
	int flags;
};

/* Results of parsing one argument, besides 0 for success. */
enum {
	PARSE_ERROR = -1,	/* already reported */
	PARSE_UNKNOWN = -2,	/* not in the table */
};

static bool takes_value(const struct option *opt)
{
	switch (opt->type) {
	case OPTION_BOOLEAN:
	case OPTION_INCR:
		return false;
	case OPTION_CALLBACK:
		return !(opt->flags & PARSE_OPT_NOARG);
	default:
		return true;
	}
}

static bool can_negate(const struct option *opt)
{
	if (opt->flags & PARSE_OPT_NONEG)
		return false;
	switch (opt->type) {
	case OPTION_BOOLEAN:
	case OPTION_INCR:
	case OPTION_STRING:
	case OPTION_CALLBACK:
		return true;
	default:
		return false;
	}
}

/*
 * Error messages name an option by its long name when it has one, which
 * is what the usage text shows first.
 */
static int opt_error(const struct option *opt, const char *what, const char *arg)
{
	if (opt->long_name) {
		if (arg)
			return error("option '%s' %s, not '%s'", opt->long_name, what, arg);
		return error("option '%s' %s", opt->long_name, what);
	}
	if (arg)
		return error("switch '%c' %s, not '%s'", opt->short_name, what, arg);
	return error("switch '%c' %s", opt->short_name, what);
}

/* A number must be all digits (after an optional sign), nothing else. */
static bool looks_numeric(const char *s, bool allow_minus)
{
	if (*s == '-' && allow_minus)
		s++;
	else if (*s == '+')
		s++;
	return isdigit((unsigned char)*s);
}

static int parse_long(const char *arg, long long min, long long max,
		      long long *res)
{
	char *end;
	long long v;

	if (!looks_numeric(arg, true))
		return -EINVAL;
	errno = 0;
	v = strtoll(arg, &end, 0);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*res = v;
	return 0;
}

static int parse_ulong(const char *arg, unsigned long long max,
		       unsigned long long *res)
{
	unsigned long long v;
	char *end;

	if (!looks_numeric(arg, false))
		return -EINVAL;
	errno = 0;
	v = strtoull(arg, &end, 0);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v > max)
		return -ERANGE;
	*res = v;
	return 0;
}

static int number_error(const struct option *opt, const char *arg, int err)
{
	if (err == -ERANGE)
		return opt_error(opt, "is out of range", arg);
	return opt_error(opt, "expects a number", arg);
}

static int set_integer(const struct option *opt, const char *arg)
{
	unsigned long long u;
	long long v;
	int err;

	switch (opt->type) {
	case OPTION_INTEGER:
		err = parse_long(arg, INT_MIN, INT_MAX, &v);
		if (!err)
			*(int *)opt->value = v;
		break;
	case OPTION_UINTEGER:
		err = parse_ulong(arg, UINT_MAX, &u);
		if (!err)
			*(unsigned int *)opt->value = u;
		break;
	default:
		err = parse_ulong(arg, UINT64_MAX, &u);
		if (!err)
			*(u64 *)opt->value = u;
		break;
	}
	if (err)
		return number_error(opt, arg, err);
	return 0;
}

/* An optional value that was left out: the table's default applies. */
static int set_default(const struct option *opt)
{
	switch (opt->type) {
	case OPTION_INTEGER:
		*(int *)opt->value = opt->defval;
		break;
	case OPTION_UINTEGER:
		*(unsigned int *)opt->value = opt->defval;
		break;
	case OPTION_U64:
	case OPTION_SIZE:
		*(u64 *)opt->value = opt->defval;
		break;
	case OPTION_STRING:
		*(const char **)opt->value = (const char *)opt->defval;
		break;
	case OPTION_CALLBACK:
		return opt->callback(opt, NULL, 0) ? PARSE_ERROR : 0;
	default:
		break;
	}
	return 0;
}

static int set_unset(const struct option *opt)
{
	switch (opt->type) {
	case OPTION_BOOLEAN:
		*(bool *)opt->value = false;
		break;
	case OPTION_INCR:
		*(int *)opt->value = 0;
		break;
	case OPTION_STRING:
		*(const char **)opt->value = NULL;
		break;
	case OPTION_CALLBACK:
		return opt->callback(opt, NULL, 1) ? PARSE_ERROR : 0;
	default:
		break;
	}
	return 0;
}

static int set_value(const struct option *opt, const char *arg)
{
	u64 size;

	switch (opt->type) {
	case OPTION_BOOLEAN:
		*(bool *)opt->value = true;
		return 0;
	case OPTION_INCR:
		(*(int *)opt->value)++;
		return 0;
	case OPTION_STRING:
		*(const char **)opt->value = arg;
		return 0;
	case OPTION_SIZE:
		if (parse_size(arg, opt->defval ? (u64)opt->defval : 1, &size))
			return opt_error(opt, "expects a size (like 512M or 2G)", arg);
		*(u64 *)opt->value = size;
		return 0;
	case OPTION_CALLBACK:
		return opt->callback(opt, arg, 0) ? PARSE_ERROR : 0;
	default:
		return set_integer(opt, arg);
	}
}

/*
 * Applies one option.  @inline_arg is a value glued to it ("--cpus=2",
 * "-c2"), or NULL; a required value can also come from the next argument.
 */
static int get_value(struct parse_ctx *ctx, const struct option *opt,
		     const char *inline_arg, bool unset)
{
	const char *arg = inline_arg;

	if (unset) {
		if (inline_arg)
			return error("option 'no-%s' takes no value", opt->long_name);
		return set_unset(opt);
	}

	if (!takes_value(opt)) {
		if (inline_arg)
			return opt_error(opt, "takes no value", NULL);
		return set_value(opt, NULL);
	}

	if (!arg) {
		if (opt->flags & PARSE_OPT_OPTARG)
			return set_default(opt);
		if (!ctx->argc)
			return opt_error(opt, "requires a value", NULL);
		arg = ctx->argv[0];
		ctx->argv++;
		ctx->argc--;
	}
	return set_value(opt, arg);
}

static const struct option *find_short(const struct option *opt, int c)
{
	for (; opt->type != OPTION_END; opt++)
		if (opt->type != OPTION_GROUP && opt->short_name == c)
			return opt;
	return NULL;
}

static const struct option *find_long(const struct option *opt,
				      const char *name, size_t len)
{
	for (; opt->type != OPTION_END; opt++) {
		if (opt->type == OPTION_GROUP || !opt->long_name)
			continue;
		if (strlen(opt->long_name) == len &&
		    !strncmp(opt->long_name, name, len))
			return opt;
	}
	return NULL;
}

static void __noreturn help_and_exit(struct parse_ctx *ctx)
{
	print_usage_with_options(stdout, ctx->usagestr, ctx->options);
	exit(0);
}

/* @arg is what follows "--". */
static int parse_long_opt(struct parse_ctx *ctx, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	const char *value = eq ? eq + 1 : NULL;
	const struct option *opt;

	opt = find_long(ctx->options, arg, len);
	if (opt)
		return get_value(ctx, opt, value, false);

	if (len == 4 && !strncmp(arg, "help", 4))
		help_and_exit(ctx);

	if (len > 3 && !strncmp(arg, "no-", 3)) {
		opt = find_long(ctx->options, arg + 3, len - 3);
		if (opt && can_negate(opt))
			return get_value(ctx, opt, value, true);
	}

	if (ctx->flags & PARSE_OPT_KEEP_UNKNOWN)
		return PARSE_UNKNOWN;
	return error("unknown option '%.*s'", (int)len, arg);
}

/*
 * @arg is what follows "-": one or more bundled switches; the first one
 * that takes a value takes the rest of the argument ("-vc2").
 */
static int parse_short_opts(struct parse_ctx *ctx, const char *arg)
{
	const struct option *opt;
	int err;

	for (; *arg; arg++) {
		opt = find_short(ctx->options, *arg);
		if (!opt) {
			if (*arg == 'h')
				help_and_exit(ctx);
			if (ctx->flags & PARSE_OPT_KEEP_UNKNOWN)
				return PARSE_UNKNOWN;
			if (isprint((unsigned char)*arg))
				return error("unknown switch '%c'", *arg);
			return error("unknown switch '\\x%02x'", (unsigned char)*arg);
		}
		if (takes_value(opt))
			return get_value(ctx, opt, arg[1] ? arg + 1 : NULL, false);
		err = get_value(ctx, opt, NULL, false);
		if (err)
			return err;
	}
	return 0;
}

static void keep(struct parse_ctx *ctx, const char *arg)
{
	ctx->out[ctx->nout++] = arg;
}

/* Moves everything not yet parsed to the output, as non-options. */
static void keep_rest(struct parse_ctx *ctx)
{
	while (ctx->argc) {
		keep(ctx, ctx->argv[0]);
		ctx->argv++;
		ctx->argc--;
	}
}

static int parse_all(struct parse_ctx *ctx)
{
	const char *arg;
	int err;

	while (ctx->argc) {
		arg = ctx->argv[0];
		ctx->argv++;
		ctx->argc--;

		/* "-" alone is an ordinary argument, often meaning stdin. */
		if (arg[0] != '-' || !arg[1]) {
			keep(ctx, arg);
			if (ctx->flags & PARSE_OPT_STOP_AT_NON_OPTION)
				keep_rest(ctx);
			continue;
		}

		if (!strcmp(arg, "--")) {
			if (ctx->flags & PARSE_OPT_KEEP_DASHDASH)
				keep(ctx, arg);
			keep_rest(ctx);
			break;
		}

		if (arg[1] == '-')
			err = parse_long_opt(ctx, arg + 2);
		else
			err = parse_short_opts(ctx, arg + 1);

		if (err == PARSE_UNKNOWN)
			keep(ctx, arg);
		else if (err)
			return PARSE_ERROR;
	}

	if (ctx->nout < (int)(ctx->argv - ctx->out))
		ctx->out[ctx->nout] = NULL;
	return ctx->nout;
}

int parse_options_noexit(int argc, const char **argv,
			 const struct option *options,
			 const char * const usagestr[], int flags)
{
	struct parse_ctx ctx = {
		.argv = argv,
		.argc = argc,
		.out = argv,
		.options = options,
		.usagestr = usagestr,
		.flags = flags,
	};

	return parse_all(&ctx);
}

int parse_options(int argc, const char **argv, const struct option *options,
		  const char * const usagestr[], int flags)
{
	int ret = parse_options_noexit(argc, argv, options, usagestr, flags);

	if (ret < 0)
		usage_with_options(usagestr, options);
	return ret;
}

/* ---------------------------------------------------------------------- */
/* Sizes */

static int size_multiplier(const char *suffix, u64 unit, u64 *mult)
{
	static const char units[] = "KMGT";
	const char *p;

	if (!*suffix) {
		*mult = unit;
		return 0;
	}
	if (!strcasecmp(suffix, "b")) {
		*mult = 1;
		return 0;
	}

	p = strchr(units, toupper((unsigned char)*suffix));
	if (!p)
		return -1;
	suffix++;
	if (*suffix && strcasecmp(suffix, "b") && strcasecmp(suffix, "ib"))
		return -1;
	*mult = 1ULL << (10 * (p - units + 1));
	return 0;
}

int parse_size(const char *str, u64 unit, u64 *bytes)
{
	unsigned __int128 whole = 0, frac = 0, scale = 1, total;
	const char *p = str;
	u64 mult;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > UINT64_MAX)
			return -1;
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		/* More digits than this cannot matter for a byte count. */
		for (; isdigit((unsigned char)*p); p++) {
			if (scale >= 1000000000000000000ULL)
				return -1;
			frac = frac * 10 + (*p - '0');
			scale *= 10;
		}
	}

	if (size_multiplier(p, unit, &mult))
		return -1;

	/* A fraction must come out as a whole number of bytes. */
	if ((frac * mult) % scale)
		return -1;
	total = whole * mult + frac * mult / scale;
	if (total > UINT64_MAX)
		return -1;
	*bytes = total;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Usage */

static void print_padding(FILE *out, int pos)
{
	if (pos <= USAGE_OPTS_WIDTH) {
		fprintf(out, "%*s", USAGE_OPTS_WIDTH + USAGE_GAP - pos, "");
		return;
	}
	fprintf(out, "\n%*s", USAGE_OPTS_WIDTH + USAGE_GAP, "");
}

/* Continuation lines of a multi-line help line up under the first. */
static void print_help(FILE *out, const char *help)
{
	for (; *help; help++) {
		fputc(*help, out);
		if (*help == '\n' && help[1])
			fprintf(out, "%*s", USAGE_OPTS_WIDTH + USAGE_GAP, "");
	}
	fputc('\n', out);
}

static int print_argh(FILE *out, const struct option *opt)
{
	const char *argh = opt->argh ? opt->argh : "value";

	if (!takes_value(opt))
		return 0;
	if (!(opt->flags & PARSE_OPT_OPTARG))
		return fprintf(out, " <%s>", argh);
	if (opt->long_name)
		return fprintf(out, "[=<%s>]", argh);
	return fprintf(out, "[<%s>]", argh);
}

static void print_option(FILE *out, const struct option *opt)
{
	int pos = fprintf(out, "    ");

	if (opt->short_name)
		pos += fprintf(out, "-%c", opt->short_name);
	if (opt->short_name && opt->long_name)
		pos += fprintf(out, ", ");
	else if (!opt->short_name)
		pos += fprintf(out, "    ");
	if (opt->long_name)
		pos += fprintf(out, "--%s", opt->long_name);
	pos += print_argh(out, opt);

	print_padding(out, pos);
	print_help(out, opt->help ? opt->help : "");
}

static void print_usagestr(FILE *out, const char * const usagestr[])
{
	const char * const *s = usagestr;

	if (!s || !*s)
		return;
	fprintf(out, "usage: %s\n", *s++);
	/* Further lines are alternatives, up to an empty one ... */
	for (; *s && **s; s++)
		fprintf(out, "   or: %s\n", *s);
	/* ... after which come free-form paragraphs. */
	for (; *s; s++)
		fprintf(out, **s ? "    %s\n" : "\n", *s);
}

void print_usage_with_options(FILE *out, const char * const usagestr[],
			      const struct option *options)
{
	const struct option *opt;
	bool need_newline = true;

	print_usagestr(out, usagestr);

	for (opt = options; opt && opt->type != OPTION_END; opt++) {
		if (opt->type == OPTION_GROUP) {
			fputc('\n', out);
			need_newline = false;
			if (opt->help && *opt->help)
				fprintf(out, "%s\n", opt->help);
			continue;
		}
		if (opt->flags & PARSE_OPT_HIDDEN)
			continue;
		if (need_newline) {
			fputc('\n', out);
			need_newline = false;
		}
		print_option(out, opt);
	}
	fputc('\n', out);
	fflush(out);
}

void usage_with_options(const char * const usagestr[],
			const struct option *options)
{
	print_usage_with_options(stderr, usagestr, options);
	exit(129);
}
