// SPDX-License-Identifier: GPL-2.0
/*
 * --debug-exits' counting: exits by reason and by port or address, the
 * sum of several vCPUs' tables (grown well past their first size), and
 * the report's order and content.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kvm.h>

#include "kvm/debug-stats.h"

#include "tap.h"

static struct kvm_run run;

static void pio(struct exit_stats *s, u16 port, bool write, u64 ns)
{
	memset(&run, 0, sizeof(run));
	run.exit_reason = KVM_EXIT_IO;
	run.io.port = port;
	run.io.direction = write ? KVM_EXIT_IO_OUT : KVM_EXIT_IO_IN;
	exit_stats__count(s, &run, ns);
}

static void mmio(struct exit_stats *s, u64 addr, bool write)
{
	memset(&run, 0, sizeof(run));
	run.exit_reason = KVM_EXIT_MMIO;
	run.mmio.phys_addr = addr;
	run.mmio.is_write = write;
	exit_stats__count(s, &run, 1000);
}

/* The report of @s, in a malloc'ed string. */
static char *report(const struct exit_stats *s, unsigned int top)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	exit_stats__print(s, f, top);
	fclose(f);
	return buf;
}

/* The line of the report that starts with @prefix, or NULL. */
static const char *line_of(const char *rep, const char *prefix)
{
	const char *p = rep;

	while (p && *p) {
		if (!strncmp(p, prefix, strlen(prefix)))
			return p;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

int main(void)
{
	struct exit_stats *a = exit_stats__new(), *b = exit_stats__new();
	struct exit_stats *sum = exit_stats__new();
	unsigned long long reads, writes;
	const char *l, *first, *second;
	char *rep;
	int i;

	plan(11);

	for (i = 0; i < 100; i++)
		pio(a, 0x3f8, true, 2000);
	for (i = 0; i < 30; i++)
		pio(a, 0x3fd, false, 1000);
	pio(b, 0x3f8, true, 2000);
	pio(b, 0x3f8, false, 2000);
	/* 500 addresses: the table grows several times over. */
	for (i = 0; i < 500; i++)
		mmio(b, 0xfe000000ULL + i * 4, i & 1);
	run.exit_reason = KVM_EXIT_HLT;
	exit_stats__count(b, &run, 0);
	run.exit_reason = 200;
	exit_stats__count(b, &run, 0);
	exit_stats__interrupted(a);
	exit_stats__coalesced(b, 7);

	exit_stats__merge(sum, a);
	exit_stats__merge(sum, b);
	rep = report(sum, 3);

	l = line_of(rep, "exits: ");
	ok(l && strstr(l, "exits: 634 exits to lkvm, 0.734 ms in its handlers, 1 KVM_RUNs interrupted by a signal, 7 writes coalesced") == l,
	   "the totals of both vCPUs: exits, handler time, interrupted, coalesced");
	l = line_of(rep, "exits: io ");
	ok(l && strstr(l, " 132 "), "132 port I/O exits");
	l = line_of(rep, "exits: mmio ");
	ok(l && strstr(l, " 500 "), "500 MMIO exits");
	ok(line_of(rep, "exits: hlt ") != NULL, "an exit reason by its name");
	ok(line_of(rep, "exits: other ") != NULL, "unknown reasons as 'other'");
	ok(line_of(rep, "exits: the 3 busiest of 502 ports and addresses:") != NULL,
	   "502 distinct ports and addresses, the 3 busiest shown");

	l = line_of(rep, "exits: pio  0x3f8 ");
	ok(l && sscanf(l + 18, "%llu %llu", &reads, &writes) == 2 &&
	   reads == 1 && writes == 101, "0x3f8: one read, 101 writes, from two vCPUs");
	first = line_of(rep, "exits: pio  0x3f8 ");
	second = line_of(rep, "exits: pio  0x3fd ");
	ok(first && second && first < second, "the busiest first");
	for (i = 0, l = rep; (l = strstr(l, "\nexits: mmio 0x")); l++)
		i++;
	is_int(i, 1, "no more than the top 3: one MMIO address after the two ports");
	free(rep);

	rep = report(sum, 1000);
	ok(line_of(rep, "exits: mmio 0xfe0007cc ") != NULL,
	   "every address survives the table's growth");
	free(rep);

	exit_stats__free(sum);
	sum = exit_stats__new();
	rep = report(sum, 20);
	ok(!strncmp(rep, "exits: 0 exits to lkvm", 22) && !line_of(rep, "exits: the "),
	   "no exits: the totals only");
	free(rep);

	exit_stats__free(a);
	exit_stats__free(b);
	exit_stats__free(sum);
	return exit_status();
}
