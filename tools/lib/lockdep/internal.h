/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LIB_LOCKDEP_INTERNAL_H
#define _TOOLS_LIB_LOCKDEP_INTERNAL_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/compiler.h>

#define LOCKDEP_TRACE_DEPTH	16

/* A call stack, innermost frame first. */
struct lockdep_trace {
	int nr;
	void *ip[LOCKDEP_TRACE_DEPTH];
};

/* Capture the caller's stack, starting at the frame that returns to @ip. */
struct lockdep_trace *lockdep_save_trace(unsigned long ip);
void lockdep_print_trace(const struct lockdep_trace *trace, const char *indent);
void lockdep_trace_warm_up(void);

/*
 * Symbolization is expensive (libdw reads the debug info), so it happens
 * only while printing a report, between begin and end.
 */
void lockdep_symbols_begin(void);
void lockdep_symbols_end(void);
/* "func+0x1c (tools/kvm/kvm.c:42)" for code, "name+0x8" for data. */
void lockdep_symbolize(unsigned long addr, bool code, char *buf, size_t len);
/*
 * The same from the build's best source of symbols (symbols-dwarf.c,
 * symbols-elf.c or symbols-none.c); false when it cannot name @addr.
 */
bool lockdep_symbolize_object(unsigned long addr, bool code, char *buf,
			      size_t len);

const char *lockdep_short_path(const char *path);
/*
 * "name+0x1c" into @buf, for @off past the symbol; a return address (@code)
 * is shown one byte further, where it really points.  Returns what
 * snprintf() does.
 */
size_t lockdep_format_symbol(char *buf, size_t len, const char *name,
			     unsigned long off, bool code);

void lockdep_printf(const char *fmt, ...) __printf(1, 2);

/*
 * Small internal spinlock: lockdep must not go through the pthread locks it
 * intercepts.  It yields after a short spin since the holder may have been
 * preempted.
 */
static inline void lockdep_spin_lock(int *lock)
{
	int spins = 0;

	while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(lock, __ATOMIC_RELAXED)) {
			if (++spins > 100)
				sched_yield();
		}
	}
}

static inline void lockdep_spin_unlock(int *lock)
{
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

#endif /* _TOOLS_LIB_LOCKDEP_INTERNAL_H */
