/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__RUN_OPTIONS_H
#define KVM__RUN_OPTIONS_H

#include <linux/list.h>

struct option;

/*
 * The command-line options of 'lkvm run' (and so of 'lkvm sandbox') that
 * belong to one device.  The device file keeps the values in its own
 * variables, the way a kernel module owns its module parameters, and
 * registers a table that starts with its heading in the usage text and
 * ends with OPT_END():
 *
 *	static bool rng_enabled;
 *
 *	static const struct option rng_options[] = {
 *		OPT_GROUP("virtio-rng options:"),
 *		OPT_BOOLEAN(0, "rng", &rng_enabled, "a virtio-rng device"),
 *		OPT_END()
 *	};
 *	run_options_register(rng_options);
 *
 * 'lkvm run' shows and parses the registered tables after its own basic
 * and kernel options and before its debug options, in link order (the
 * order of OBJS in the Makefile).  Option names must be unique across
 * all tables.
 */
struct run_options {
	struct list_head list;
	const struct option *options;
	const char *name;		/* the table's, for error messages */
};

void run_options__add(struct run_options *ro);

/*
 * One option array for parse_options(): the entries of @head, of every
 * registered table, then of @tail (each ends with OPT_END(); @head and
 * @tail may be NULL), followed by OPT_END().  malloc'ed.  NULL, after an
 * error naming it, when two options have the same long or short name.
 */
struct option *run_options__build(const struct option *head,
				  const struct option *tail);

#define run_options_register(table)					\
	static void __attribute__((constructor)) __run_options_##table(void) \
	{								\
		static struct run_options ro = {			\
			.options = table,				\
			.name = #table,					\
		};							\
		run_options__add(&ro);					\
	}

#endif /* KVM__RUN_OPTIONS_H */
