/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__DEBUG_STATS_H
#define KVM__DEBUG_STATS_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

struct kvm;
struct kvm_run;

/*
 * --debug-startup: how long lkvm's own start-up takes.  Each mark ends a
 * phase (named after what it did) begun at the previous mark; when the
 * first vCPU enters KVM_RUN the phases are printed to stderr with the
 * wall and CPU time of each, and the CPU time from exec to that KVM_RUN.
 */
extern bool debug_startup;

void startup__mark(const char *phase);
/* Called by every vCPU before each KVM_RUN; the first call reports. */
void startup__entering_guest(void);

/*
 * --debug-exits: every vCPU counts its exits to lkvm by reason and by I/O
 * port or MMIO address, with the time its handlers took; at the end of
 * the VM the totals and the busiest ports and addresses go to stderr.
 */
extern bool debug_exits;

struct exit_stats;

struct exit_stats *exit_stats__new(void);
void exit_stats__free(struct exit_stats *stats);
/*
 * Counts the exit that @run describes, whose handling took @ns.  Callers
 * check debug_exits (or a non-NULL @stats) first.
 */
void exit_stats__count(struct exit_stats *stats, const struct kvm_run *run,
		       u64 ns);
/* @n writes that KVM coalesced instead of exiting, played at an exit. */
void exit_stats__coalesced(struct exit_stats *stats, u32 n);
/* KVM_RUN returned EINTR: a signal (a kick) got the vCPU out. */
void exit_stats__interrupted(struct exit_stats *stats);
/* Adds @src's counts to @dst's. */
void exit_stats__merge(struct exit_stats *dst, const struct exit_stats *src);
/* The totals, then the @top busiest ports and addresses. */
void exit_stats__print(const struct exit_stats *stats, FILE *f,
		       unsigned int top);
/* The sum of every vCPU's stats, printed to stderr. */
void exit_stats__report(struct kvm *kvm);

#endif /* KVM__DEBUG_STATS_H */
