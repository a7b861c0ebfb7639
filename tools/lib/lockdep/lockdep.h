/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LIB_LOCKDEP_H
#define _TOOLS_LIB_LOCKDEP_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Lock dependency validation for userspace.
 *
 * Every lock instance has a struct lockdep_map.  Instances are grouped into
 * classes by a key: the address of a static struct lock_class_key placed at
 * the initialisation call site (see mutex_init() in mutex.h), or for
 * statically initialised locks the address of the map itself.  Each thread
 * keeps a stack of the locks it holds; taking B while holding A records the
 * class dependency A -> B, and a new dependency that closes a cycle in the
 * graph is reported even if the deadlock did not happen in this run.
 *
 * The lock wrappers call lock_acquire() before blocking on the real lock
 * (so that a deadlock is reported before it hangs), lock_acquire_failed()
 * if the real call then failed, and lock_release() before releasing it.
 * Successful trylocks call lock_acquire() with LOCKDEP_TRY afterwards.
 * The functions that can report return true when they did, so that a
 * wrapper does not also abort on the error the real call then returns.
 *
 * Reports go to stderr and, if $LOCKDEP_LOG names a file, are appended to
 * it too.  $LOCKDEP_FATAL=1 aborts after the first report.
 */

struct lock_class_key {
	char __one_byte;	/* only its address matters */
};

struct lock_class;

/* Flags of a lock instance */
#define LOCKDEP_RECURSIVE	0x1	/* the owner may take it again */
#define LOCKDEP_RWLOCK		0x2	/* readers/writer lock */
#define LOCKDEP_KEY_FIRST_USE	0x4	/* keyed by where first taken */

/* lock_acquire() modes */
#define LOCKDEP_READ		0x1	/* shared acquisition of an rwlock */
#define LOCKDEP_TRY		0x2	/* trylock/timed lock that succeeded */

/* lock_release() expectations */
#define LOCKDEP_RELEASE_ANY	0
#define LOCKDEP_RELEASE_READ	1
#define LOCKDEP_RELEASE_WRITE	2

struct lockdep_map {
	const char *name;			/* e.g. "&kvm->mem_banks_lock" */
	const struct lock_class_key *key;	/* NULL: keyed by the map */
	const char *file;			/* where it was initialised */
	int line;
	unsigned int flags;
	unsigned long init_ip;			/* or the init call's address */
	struct lock_class *class;		/* resolved on first use */
	int held;				/* acquisitions not released */
	const void *lock;			/* if the map is not in it */
};

#define LOCKDEP_MAP_INIT(lockname)	{ .name = lockname }

void lockdep_init_map(struct lockdep_map *map, const char *name,
		      const struct lock_class_key *key, unsigned int flags,
		      const char *file, int line, unsigned long ip);
bool lock_acquire(struct lockdep_map *map, unsigned int mode,
		  unsigned long ip);
void lock_acquire_failed(struct lockdep_map *map);
bool lock_release(struct lockdep_map *map, int expect, unsigned long ip);
bool lockdep_destroy_map(struct lockdep_map *map, unsigned long ip);
bool lockdep_is_held(const struct lockdep_map *map);
void lockdep_assert_held_map(const struct lockdep_map *map, unsigned long ip);

/* Report locks held by this thread inside [start, start + size). */
void lockdep_check_free(const void *start, size_t size, unsigned long ip);
/* Does this thread hold any lock?  (Cheap: for the free() hook.) */
bool lockdep_holds_locks(void);

/* Number of problems reported so far in this process. */
unsigned long lockdep_report_count(void);

/*
 * Internal re-entrancy guard: code that runs inside lockdep (allocations,
 * symbolization) must not be validated again.  Returns false if the thread
 * already was inside lockdep.
 */
bool lockdep_enter(void);
void lockdep_leave(void);

#define _RET_IP_	((unsigned long)__builtin_return_address(0))

#endif /* _TOOLS_LIB_LOCKDEP_H */
