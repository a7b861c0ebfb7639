// SPDX-License-Identifier: GPL-2.0
/*
 * What lkvm's own start-up costs (--debug-startup) and which exits of the
 * guest reach lkvm (--debug-exits): the two places a slow boot is lost
 * that the guest's log cannot show.
 *
 * Exit counts are kept per vCPU, so counting takes no lock; the tables
 * are summed once every vCPU thread has ended.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/kernel.h>
#include <linux/kvm.h>
#include "kvm/log.h"
#include "kvm/util.h"

#include "kvm/debug-stats.h"
#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"

bool debug_startup;
bool debug_exits;

/* --- start-up phases ------------------------------------------------------ */

#define MAX_PHASES	64

struct startup_phase {
	const char *name;
	u64 wall_ns;
	u64 cpu_ns;
};

static struct startup_phase phases[MAX_PHASES];
static unsigned int nr_phases;
static u64 start_wall_ns, last_wall_ns, last_cpu_ns;
static bool reported;
/* Marks come from the main thread, the report from the first vCPU's. */
static pthread_mutex_t phases_lock = PTHREAD_MUTEX_INITIALIZER;

static u64 clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* As early as lkvm's code runs: the phases start here, not at main(). */
static void __attribute__((constructor)) startup__begin(void)
{
	start_wall_ns = last_wall_ns = clock_ns(CLOCK_MONOTONIC);
	last_cpu_ns = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
}

void startup__mark(const char *phase)
{
	u64 wall, cpu;

	if (!debug_startup)
		return;
	pthread_mutex_lock(&phases_lock);
	if (reported)
		goto out;
	wall = clock_ns(CLOCK_MONOTONIC);
	cpu = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	if (nr_phases < MAX_PHASES) {
		phases[nr_phases].name = phase;
		phases[nr_phases].wall_ns = wall - last_wall_ns;
		phases[nr_phases].cpu_ns = cpu - last_cpu_ns;
		nr_phases++;
	}
	last_wall_ns = wall;
	last_cpu_ns = cpu;
out:
	pthread_mutex_unlock(&phases_lock);
}

static void startup__report(void)
{
	u64 wall = clock_ns(CLOCK_MONOTONIC);
	u64 cpu = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	unsigned int i;

	fprintf(stderr, "startup: %-28s %9s %9s\n", "phase", "wall(ms)", "cpu(ms)");
	for (i = 0; i < nr_phases; i++)
		fprintf(stderr, "startup: %-28s %9.3f %9.3f\n", phases[i].name,
			phases[i].wall_ns / 1e6, phases[i].cpu_ns / 1e6);
	fprintf(stderr, "startup: %-28s %9.3f %9.3f\n", "(until the first KVM_RUN)",
		(wall - last_wall_ns) / 1e6, (cpu - last_cpu_ns) / 1e6);
	/* CPU time is the kernel's count since exec, the dynamic loader's too. */
	fprintf(stderr, "startup: first KVM_RUN after %.3f ms, %.3f ms of CPU since exec\n",
		(wall - start_wall_ns) / 1e6, cpu / 1e6);
}

void startup__entering_guest(void)
{
	static bool first = true;

	if (!debug_startup || !__atomic_exchange_n(&first, false, __ATOMIC_ACQ_REL))
		return;
	pthread_mutex_lock(&phases_lock);
	startup__report();
	reported = true;
	pthread_mutex_unlock(&phases_lock);
}

/* --- exits ---------------------------------------------------------------- */

/* KVM_EXIT_* reasons counted one by one; the rest go to the last slot. */
#define NR_REASONS	40
#define INITIAL_SLOTS	64

enum exit_space { SPACE_NONE, SPACE_PIO, SPACE_MMIO };

struct exit_site {
	u64 addr;
	enum exit_space space;
	u64 reads, writes;
	u64 ns;
};

struct exit_stats {
	u64 reasons[NR_REASONS + 1];
	u64 reason_ns[NR_REASONS + 1];
	u64 interrupted;
	u64 coalesced;
	struct exit_site *sites;	/* open addressing, a power of two */
	unsigned int nr_slots, nr_sites;
};

static const char * const reason_names[NR_REASONS] = {
	[KVM_EXIT_UNKNOWN]		= "unknown",
	[KVM_EXIT_EXCEPTION]		= "exception",
	[KVM_EXIT_IO]			= "io",
	[KVM_EXIT_HYPERCALL]		= "hypercall",
	[KVM_EXIT_DEBUG]		= "debug",
	[KVM_EXIT_HLT]			= "hlt",
	[KVM_EXIT_MMIO]			= "mmio",
	[KVM_EXIT_IRQ_WINDOW_OPEN]	= "irq_window_open",
	[KVM_EXIT_SHUTDOWN]		= "shutdown",
	[KVM_EXIT_FAIL_ENTRY]		= "fail_entry",
	[KVM_EXIT_INTR]			= "intr",
	[KVM_EXIT_SET_TPR]		= "set_tpr",
	[KVM_EXIT_TPR_ACCESS]		= "tpr_access",
	[KVM_EXIT_NMI]			= "nmi",
	[KVM_EXIT_INTERNAL_ERROR]	= "internal_error",
	[KVM_EXIT_SYSTEM_EVENT]		= "system_event",
	[KVM_EXIT_IOAPIC_EOI]		= "ioapic_eoi",
	[KVM_EXIT_HYPERV]		= "hyperv",
	[KVM_EXIT_ARM_NISV]		= "arm_nisv",
	[KVM_EXIT_X86_RDMSR]		= "x86_rdmsr",
	[KVM_EXIT_X86_WRMSR]		= "x86_wrmsr",
	[KVM_EXIT_DIRTY_RING_FULL]	= "dirty_ring_full",
	[KVM_EXIT_X86_BUS_LOCK]		= "x86_bus_lock",
};

struct exit_stats *exit_stats__new(void)
{
	struct exit_stats *stats = xzalloc(sizeof(*stats));

	stats->nr_slots = INITIAL_SLOTS;
	stats->sites = xcalloc(stats->nr_slots, sizeof(*stats->sites));
	return stats;
}

void exit_stats__free(struct exit_stats *stats)
{
	if (!stats)
		return;
	free(stats->sites);
	free(stats);
}

static unsigned int site_hash(enum exit_space space, u64 addr)
{
	u64 h = (addr ^ ((u64)space << 62)) * 0x9e3779b97f4a7c15ULL;

	return h >> 32;
}

static struct exit_site *site_slot(struct exit_site *sites, unsigned int nr_slots,
				   enum exit_space space, u64 addr)
{
	unsigned int i = site_hash(space, addr) & (nr_slots - 1);

	while (sites[i].space != SPACE_NONE &&
	       (sites[i].space != space || sites[i].addr != addr))
		i = (i + 1) & (nr_slots - 1);
	return &sites[i];
}

static void grow(struct exit_stats *stats)
{
	unsigned int i, nr_slots = stats->nr_slots * 2;
	struct exit_site *sites = xcalloc(nr_slots, sizeof(*sites));

	for (i = 0; i < stats->nr_slots; i++) {
		struct exit_site *old = &stats->sites[i];

		if (old->space != SPACE_NONE)
			*site_slot(sites, nr_slots, old->space, old->addr) = *old;
	}
	free(stats->sites);
	stats->sites = sites;
	stats->nr_slots = nr_slots;
}

static struct exit_site *site_get(struct exit_stats *stats,
				  enum exit_space space, u64 addr)
{
	struct exit_site *site;

	site = site_slot(stats->sites, stats->nr_slots, space, addr);
	if (site->space != SPACE_NONE)
		return site;
	/* At most three quarters full, so that a probe always ends. */
	if ((stats->nr_sites + 1) * 4 > stats->nr_slots * 3) {
		grow(stats);
		site = site_slot(stats->sites, stats->nr_slots, space, addr);
	}
	site->space = space;
	site->addr = addr;
	stats->nr_sites++;
	return site;
}

static void site_add(struct exit_stats *stats, enum exit_space space, u64 addr,
		     u64 reads, u64 writes, u64 ns)
{
	struct exit_site *site = site_get(stats, space, addr);

	site->reads += reads;
	site->writes += writes;
	site->ns += ns;
}

void exit_stats__count(struct exit_stats *stats, const struct kvm_run *run,
		       u64 ns)
{
	u32 reason = run->exit_reason < NR_REASONS ? run->exit_reason : NR_REASONS;
	bool write;

	stats->reasons[reason]++;
	stats->reason_ns[reason] += ns;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		write = run->io.direction == KVM_EXIT_IO_OUT;
		site_add(stats, SPACE_PIO, run->io.port, !write, write, ns);
		break;
	case KVM_EXIT_MMIO:
		write = run->mmio.is_write;
		site_add(stats, SPACE_MMIO, run->mmio.phys_addr, !write, write, ns);
		break;
	}
}

void exit_stats__interrupted(struct exit_stats *stats)
{
	stats->interrupted++;
}

void exit_stats__coalesced(struct exit_stats *stats, u32 n)
{
	stats->coalesced += n;
}

void exit_stats__merge(struct exit_stats *dst, const struct exit_stats *src)
{
	unsigned int i;

	for (i = 0; i <= NR_REASONS; i++) {
		dst->reasons[i] += src->reasons[i];
		dst->reason_ns[i] += src->reason_ns[i];
	}
	dst->interrupted += src->interrupted;
	dst->coalesced += src->coalesced;
	for (i = 0; i < src->nr_slots; i++) {
		const struct exit_site *s = &src->sites[i];

		if (s->space != SPACE_NONE)
			site_add(dst, s->space, s->addr, s->reads, s->writes, s->ns);
	}
}

static int by_count(const void *a, const void *b)
{
	const struct exit_site *x = a, *y = b;
	u64 nx = x->reads + x->writes, ny = y->reads + y->writes;

	if (nx != ny)
		return nx < ny ? 1 : -1;
	if (x->space != y->space)
		return x->space < y->space ? -1 : 1;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static const char *reason_name(unsigned int reason, char *buf, size_t len)
{
	if (reason < NR_REASONS && reason_names[reason])
		return reason_names[reason];
	if (reason == NR_REASONS)
		return "other";
	snprintf(buf, len, "reason %u", reason);
	return buf;
}

void exit_stats__print(const struct exit_stats *stats, FILE *f,
		       unsigned int top)
{
	struct exit_site *sites;
	u64 total = 0, ns = 0;
	unsigned int i, n = 0;
	char buf[32];

	for (i = 0; i <= NR_REASONS; i++) {
		total += stats->reasons[i];
		ns += stats->reason_ns[i];
	}
	fprintf(f, "exits: %llu exits to lkvm, %.3f ms in its handlers, %llu KVM_RUNs interrupted by a signal, %llu writes coalesced without an exit\n",
		(unsigned long long)total, ns / 1e6,
		(unsigned long long)stats->interrupted,
		(unsigned long long)stats->coalesced);
	for (i = 0; i <= NR_REASONS; i++) {
		if (!stats->reasons[i])
			continue;
		fprintf(f, "exits: %-16s %10llu %5.1f%% %10.3f ms\n",
			reason_name(i, buf, sizeof(buf)),
			(unsigned long long)stats->reasons[i],
			100.0 * stats->reasons[i] / total, stats->reason_ns[i] / 1e6);
	}
	if (!stats->nr_sites)
		return;

	sites = xcalloc(stats->nr_sites, sizeof(*sites));
	for (i = 0; i < stats->nr_slots; i++)
		if (stats->sites[i].space != SPACE_NONE)
			sites[n++] = stats->sites[i];
	qsort(sites, n, sizeof(*sites), by_count);
	fprintf(f, "exits: the %u busiest of %u ports and addresses:\n",
		min(top, n), n);
	fprintf(f, "exits: %-4s %-18s %10s %10s %10s\n", "", "address", "reads",
		"writes", "ms");
	for (i = 0; i < n && i < top; i++)
		fprintf(f, "exits: %-4s 0x%-16llx %10llu %10llu %10.3f\n",
			sites[i].space == SPACE_PIO ? "pio" : "mmio",
			(unsigned long long)sites[i].addr,
			(unsigned long long)sites[i].reads,
			(unsigned long long)sites[i].writes, sites[i].ns / 1e6);
	free(sites);
}

#define REPORT_TOP	20

void exit_stats__report(struct kvm *kvm)
{
	struct exit_stats *sum;
	int i;

	if (!debug_exits || !kvm->cpus)
		return;
	sum = exit_stats__new();
	for (i = 0; i < kvm->nrcpus; i++)
		if (kvm->cpus[i] && kvm->cpus[i]->exit_stats)
			exit_stats__merge(sum, kvm->cpus[i]->exit_stats);
	exit_stats__print(sum, stderr, REPORT_TOP);
	exit_stats__free(sum);
}
