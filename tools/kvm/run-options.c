// SPDX-License-Identifier: GPL-2.0
/*
 * The option tables that devices register for 'lkvm run', and the one
 * option array built from them (see include/kvm/run-options.h).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <subcmd/parse-options.h>
#include "kvm/log.h"
#include "kvm/util.h"

#include "kvm/run-options.h"

static LIST_HEAD(run_options_list);

void run_options__add(struct run_options *ro)
{
	list_add_tail(&ro->list, &run_options_list);
}

static size_t nr_options(const struct option *opts)
{
	size_t n = 0;

	while (opts && opts[n].type != OPTION_END)
		n++;
	return n;
}

/* 0, or the clash of @a and @b in an error naming @table. */
static int check_clash(const struct option *a, const struct option *b,
		       const char *table)
{
	if (a->short_name && a->short_name == b->short_name)
		return error("%s: option '-%c' is declared twice", table,
			     a->short_name);
	if (a->long_name && b->long_name && !strcmp(a->long_name, b->long_name))
		return error("%s: option '--%s' is declared twice", table,
			     a->long_name);
	return 0;
}

/*
 * Copies the entries of @src to @end, the end of the array that starts
 * at @start, after checking that none of them clashes with one already
 * there.  Returns the new end, or NULL.
 */
static struct option *append(struct option *start, struct option *end,
			     const struct option *src, const char *table)
{
	const struct option *o;
	struct option *p;

	for (o = src; o && o->type != OPTION_END; o++) {
		for (p = start; p < end; p++) {
			if (check_clash(o, p, table))
				return NULL;
		}
		*end++ = *o;
	}
	return end;
}

struct option *run_options__build(const struct option *head,
				  const struct option *tail)
{
	struct run_options *ro;
	struct option *opts, *end;
	size_t n;

	n = nr_options(head) + nr_options(tail) + 1;
	list_for_each_entry(ro, &run_options_list, list)
		n += nr_options(ro->options);

	opts = xcalloc(n, sizeof(*opts));
	end = append(opts, opts, head, "lkvm run");
	list_for_each_entry(ro, &run_options_list, list) {
		if (end)
			end = append(opts, end, ro->options, ro->name);
	}
	if (end)
		end = append(opts, end, tail, "lkvm run");
	if (!end) {
		free(opts);
		return NULL;
	}
	*end = (struct option)OPT_END();
	return opts;
}
