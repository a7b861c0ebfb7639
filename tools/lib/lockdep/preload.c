// SPDX-License-Identifier: GPL-2.0
/*
 * liblockdep.so: validate any program's pthread mutexes and rwlocks.
 *
 *	LD_PRELOAD=liblockdep.so program	(or: lockdep program)
 *
 * The pthread_mutex_*, pthread_rwlock_* and pthread_cond_*wait functions
 * are interposed; each lock address gets a lockdep map in a hash table.
 * A lock's class is the call site of its pthread_*_init(), or, for locks
 * that were initialised statically, the lock itself if it lives in a
 * program's or library's data, else the place where it was first taken.
 *
 * Everything but the interposed functions is hidden, so that the program's
 * own symbols never bind to lockdep's.
 */
#include <dlfcn.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "lockdep.h"
#include "internal.h"

#define EXPORT	__attribute__((visibility("default")))

#define TABLE_BITS	16
#define GRANULE_SHIFT	6
/* Larger frees are not searched for locks to forget (too slow). */
#define MAX_FORGET_SIZE	(64 << 10)

struct instance {
	const void *addr;
	struct lockdep_map map;
	struct instance *next;
};

struct bucket {
	int lock;
	struct instance *head;
};

static struct bucket table[1 << TABLE_BITS];
static unsigned long nr_instances;

/* ---------------------------------------------------------------------
 * The real functions
 */

static int (*real_mutex_init)(pthread_mutex_t *, const pthread_mutexattr_t *);
static int (*real_mutex_destroy)(pthread_mutex_t *);
static int (*real_mutex_lock)(pthread_mutex_t *);
static int (*real_mutex_trylock)(pthread_mutex_t *);
static int (*real_mutex_timedlock)(pthread_mutex_t *, const struct timespec *);
static int (*real_mutex_clocklock)(pthread_mutex_t *, clockid_t,
				   const struct timespec *);
static int (*real_mutex_unlock)(pthread_mutex_t *);
static int (*real_rwlock_init)(pthread_rwlock_t *,
			       const pthread_rwlockattr_t *);
static int (*real_rwlock_destroy)(pthread_rwlock_t *);
static int (*real_rwlock_rdlock)(pthread_rwlock_t *);
static int (*real_rwlock_tryrdlock)(pthread_rwlock_t *);
static int (*real_rwlock_timedrdlock)(pthread_rwlock_t *,
				      const struct timespec *);
static int (*real_rwlock_wrlock)(pthread_rwlock_t *);
static int (*real_rwlock_trywrlock)(pthread_rwlock_t *);
static int (*real_rwlock_timedwrlock)(pthread_rwlock_t *,
				      const struct timespec *);
static int (*real_rwlock_unlock)(pthread_rwlock_t *);
static int (*real_cond_wait)(pthread_cond_t *, pthread_mutex_t *);
static int (*real_cond_timedwait)(pthread_cond_t *, pthread_mutex_t *,
				  const struct timespec *);
static int (*real_cond_clockwait)(pthread_cond_t *, pthread_mutex_t *,
				  clockid_t, const struct timespec *);
static void (*real_free)(void *);

void __libc_free(void *ptr);

static void *next_sym(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

/*
 * glibc keeps an old pthread_cond_* ABI as the default for dlsym(): ask
 * for the current one by version.
 */
static void *next_cond_sym(const char *name)
{
	void *sym = dlvsym(RTLD_NEXT, name, "GLIBC_2.3.2");

	return sym ? sym : dlsym(RTLD_NEXT, name);
}

static void resolve(void)
{
	real_mutex_init = next_sym("pthread_mutex_init");
	real_mutex_destroy = next_sym("pthread_mutex_destroy");
	real_mutex_lock = next_sym("pthread_mutex_lock");
	real_mutex_trylock = next_sym("pthread_mutex_trylock");
	real_mutex_timedlock = next_sym("pthread_mutex_timedlock");
	real_mutex_clocklock = next_sym("pthread_mutex_clocklock");
	real_mutex_unlock = next_sym("pthread_mutex_unlock");
	real_rwlock_init = next_sym("pthread_rwlock_init");
	real_rwlock_destroy = next_sym("pthread_rwlock_destroy");
	real_rwlock_rdlock = next_sym("pthread_rwlock_rdlock");
	real_rwlock_tryrdlock = next_sym("pthread_rwlock_tryrdlock");
	real_rwlock_timedrdlock = next_sym("pthread_rwlock_timedrdlock");
	real_rwlock_wrlock = next_sym("pthread_rwlock_wrlock");
	real_rwlock_trywrlock = next_sym("pthread_rwlock_trywrlock");
	real_rwlock_timedwrlock = next_sym("pthread_rwlock_timedwrlock");
	real_rwlock_unlock = next_sym("pthread_rwlock_unlock");
	real_cond_wait = next_cond_sym("pthread_cond_wait");
	real_cond_timedwait = next_cond_sym("pthread_cond_timedwait");
	real_cond_clockwait = next_sym("pthread_cond_clockwait");
	__atomic_store_n(&real_mutex_lock, real_mutex_lock, __ATOMIC_RELEASE);
}

static void __attribute__((constructor)) lockdep_preload_init(void)
{
	if (!real_mutex_lock)
		resolve();
}

#define REAL(fn)	(real_##fn ? real_##fn : (resolve(), real_##fn))

/* ---------------------------------------------------------------------
 * Lock instances
 */

static struct bucket *bucket_of(const void *addr)
{
	uint64_t x = (uintptr_t)addr >> GRANULE_SHIFT;

	x *= 0x9e3779b97f4a7c15ULL;
	return &table[x >> (64 - TABLE_BITS)];
}

static struct instance *find_instance(struct bucket *b, const void *addr)
{
	struct instance *inst;

	for (inst = b->head; inst; inst = inst->next)
		if (inst->addr == addr)
			return inst;
	return NULL;
}

/*
 * A lock that was never seen being initialised: key it by its address if
 * it is static data, else by the code that takes it.
 */
static void init_unknown(struct instance *inst, unsigned int flags,
			 unsigned long ip)
{
	Dl_info info;

	if (dladdr(inst->addr, &info) && info.dli_fname)
		lockdep_init_map(&inst->map, NULL, inst->addr, flags, NULL, 0,
				 0);
	else
		lockdep_init_map(&inst->map, NULL, (const void *)ip,
				 flags | LOCKDEP_KEY_FIRST_USE, NULL, 0, ip);
	inst->map.lock = inst->addr;
}

/* Called inside lockdep (lockdep_enter() done). */
static struct lockdep_map *get_map(const void *addr, unsigned int flags,
				   unsigned long ip, bool create)
{
	struct bucket *b = bucket_of(addr);
	struct instance *inst, *new;

	lockdep_spin_lock(&b->lock);
	inst = find_instance(b, addr);
	lockdep_spin_unlock(&b->lock);
	if (inst || !create)
		return inst ? &inst->map : NULL;

	/* dladdr() takes the loader's lock: not under ours. */
	new = calloc(1, sizeof(*new));
	if (!new)
		return NULL;
	new->addr = addr;
	init_unknown(new, flags, ip);

	lockdep_spin_lock(&b->lock);
	inst = find_instance(b, addr);
	if (!inst) {
		new->next = b->head;
		b->head = new;
		inst = new;
		new = NULL;
		__atomic_add_fetch(&nr_instances, 1, __ATOMIC_RELAXED);
	}
	lockdep_spin_unlock(&b->lock);
	free(new);
	return &inst->map;
}

static void forget(const void *addr)
{
	struct bucket *b = bucket_of(addr);
	struct instance **pp, *inst = NULL;

	lockdep_spin_lock(&b->lock);
	for (pp = &b->head; *pp; pp = &(*pp)->next) {
		if ((*pp)->addr == addr) {
			inst = *pp;
			*pp = inst->next;
			break;
		}
	}
	lockdep_spin_unlock(&b->lock);
	if (!inst)
		return;
	__atomic_sub_fetch(&nr_instances, 1, __ATOMIC_RELAXED);
	/*
	 * A thread still holding it (a bug reported elsewhere) points at the
	 * map: leak it rather than let that thread write to freed memory.
	 */
	if (!__atomic_load_n(&inst->map.held, __ATOMIC_RELAXED))
		free(inst);
}

/* Memory is freed: locks that were in it are gone. */
static void forget_range(const void *start, size_t size)
{
	uintptr_t lo = (uintptr_t)start, hi = lo + size, g;

	if (!__atomic_load_n(&nr_instances, __ATOMIC_RELAXED) ||
	    size > MAX_FORGET_SIZE)
		return;
	for (g = lo >> GRANULE_SHIFT; g <= (hi - 1) >> GRANULE_SHIFT; g++) {
		struct bucket *b = bucket_of((void *)(g << GRANULE_SHIFT));
		struct instance *inst;

		if (!__atomic_load_n(&b->head, __ATOMIC_RELAXED))
			continue;
		do {
			lockdep_spin_lock(&b->lock);
			for (inst = b->head; inst; inst = inst->next)
				if ((uintptr_t)inst->addr >= lo &&
				    (uintptr_t)inst->addr < hi)
					break;
			lockdep_spin_unlock(&b->lock);
			if (inst)
				forget(inst->addr);
		} while (inst);
	}
}

/* The map of the lock at @addr; NULL when lockdep itself is calling. */
static struct lockdep_map *track(const void *addr, unsigned int flags,
				 unsigned long ip)
{
	struct lockdep_map *map;

	if (!lockdep_enter())
		return NULL;
	map = get_map(addr, flags, ip, true);
	lockdep_leave();
	return map;
}

static void track_init(const void *addr, unsigned int flags, unsigned long ip)
{
	struct lockdep_map *map;

	if (!lockdep_enter())
		return;
	map = get_map(addr, flags, ip, true);
	/* Re-initialising a lock somebody holds: keep what we know. */
	if (map && !__atomic_load_n(&map->held, __ATOMIC_RELAXED)) {
		lockdep_init_map(map, NULL, (const void *)ip, flags, NULL, 0,
				 ip);
		map->lock = addr;
	}
	lockdep_leave();
}

static bool track_destroy(const void *addr, unsigned long ip)
{
	struct lockdep_map *map;
	bool reported = false;

	if (!lockdep_enter())
		return false;
	map = get_map(addr, 0, ip, false);
	lockdep_leave();
	if (!map)
		return false;
	reported = lockdep_destroy_map(map, ip);
	if (lockdep_enter()) {
		forget(addr);
		lockdep_leave();
	}
	return reported;
}

static unsigned int mutex_flags(const pthread_mutex_t *m)
{
	/* The type lives in glibc's public layout; the low bits are it. */
	return (m->__data.__kind & 3) == PTHREAD_MUTEX_RECURSIVE ?
		LOCKDEP_RECURSIVE : 0;
}

/* ---------------------------------------------------------------------
 * Mutexes
 */

EXPORT int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a)
{
	int ret = REAL(mutex_init)(m, a);

	if (!ret)
		track_init(m, mutex_flags(m), _RET_IP_);
	return ret;
}

EXPORT int pthread_mutex_destroy(pthread_mutex_t *m)
{
	track_destroy(m, _RET_IP_);
	return REAL(mutex_destroy)(m);
}

EXPORT int pthread_mutex_lock(pthread_mutex_t *m)
{
	struct lockdep_map *map = track(m, mutex_flags(m), _RET_IP_);
	int ret;

	if (map)
		lock_acquire(map, 0, _RET_IP_);
	ret = REAL(mutex_lock)(m);
	if (ret && map)
		lock_acquire_failed(map);
	return ret;
}

/* Trylocks and timed locks cannot deadlock: recorded once they succeed. */
static int try_done(int ret, const void *addr, unsigned int flags,
		    unsigned int mode, unsigned long ip)
{
	struct lockdep_map *map;

	if (ret)
		return ret;
	map = track(addr, flags, ip);
	if (map)
		lock_acquire(map, mode | LOCKDEP_TRY, ip);
	return ret;
}

EXPORT int pthread_mutex_trylock(pthread_mutex_t *m)
{
	return try_done(REAL(mutex_trylock)(m), m, mutex_flags(m), 0,
			_RET_IP_);
}

EXPORT int pthread_mutex_timedlock(pthread_mutex_t *m,
				   const struct timespec *t)
{
	return try_done(REAL(mutex_timedlock)(m, t), m, mutex_flags(m), 0,
			_RET_IP_);
}

EXPORT int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clk,
				   const struct timespec *t)
{
	return try_done(REAL(mutex_clocklock)(m, clk, t), m, mutex_flags(m),
			0, _RET_IP_);
}

EXPORT int pthread_mutex_unlock(pthread_mutex_t *m)
{
	struct lockdep_map *map = track(m, mutex_flags(m), _RET_IP_);

	if (map)
		lock_release(map, LOCKDEP_RELEASE_ANY, _RET_IP_);
	return REAL(mutex_unlock)(m);
}

/* ---------------------------------------------------------------------
 * Reader/writer locks
 */

EXPORT int pthread_rwlock_init(pthread_rwlock_t *l,
			       const pthread_rwlockattr_t *a)
{
	int ret = REAL(rwlock_init)(l, a);

	if (!ret)
		track_init(l, LOCKDEP_RWLOCK, _RET_IP_);
	return ret;
}

EXPORT int pthread_rwlock_destroy(pthread_rwlock_t *l)
{
	track_destroy(l, _RET_IP_);
	return REAL(rwlock_destroy)(l);
}

static int rwlock_lock(pthread_rwlock_t *l, int (*fn)(pthread_rwlock_t *),
		       unsigned int mode, unsigned long ip)
{
	struct lockdep_map *map = track(l, LOCKDEP_RWLOCK, ip);
	int ret;

	if (map)
		lock_acquire(map, mode, ip);
	ret = fn(l);
	if (ret && map)
		lock_acquire_failed(map);
	return ret;
}

EXPORT int pthread_rwlock_rdlock(pthread_rwlock_t *l)
{
	return rwlock_lock(l, REAL(rwlock_rdlock), LOCKDEP_READ, _RET_IP_);
}

EXPORT int pthread_rwlock_wrlock(pthread_rwlock_t *l)
{
	return rwlock_lock(l, REAL(rwlock_wrlock), 0, _RET_IP_);
}

EXPORT int pthread_rwlock_tryrdlock(pthread_rwlock_t *l)
{
	return try_done(REAL(rwlock_tryrdlock)(l), l, LOCKDEP_RWLOCK,
			LOCKDEP_READ, _RET_IP_);
}

EXPORT int pthread_rwlock_trywrlock(pthread_rwlock_t *l)
{
	return try_done(REAL(rwlock_trywrlock)(l), l, LOCKDEP_RWLOCK, 0,
			_RET_IP_);
}

EXPORT int pthread_rwlock_timedrdlock(pthread_rwlock_t *l,
				      const struct timespec *t)
{
	return try_done(REAL(rwlock_timedrdlock)(l, t), l, LOCKDEP_RWLOCK,
			LOCKDEP_READ, _RET_IP_);
}

EXPORT int pthread_rwlock_timedwrlock(pthread_rwlock_t *l,
				      const struct timespec *t)
{
	return try_done(REAL(rwlock_timedwrlock)(l, t), l, LOCKDEP_RWLOCK, 0,
			_RET_IP_);
}

EXPORT int pthread_rwlock_unlock(pthread_rwlock_t *l)
{
	struct lockdep_map *map = track(l, LOCKDEP_RWLOCK, _RET_IP_);

	if (map)
		lock_release(map, LOCKDEP_RELEASE_ANY, _RET_IP_);
	return REAL(rwlock_unlock)(l);
}

/* ---------------------------------------------------------------------
 * Condition variables: the wait releases the mutex and takes it again.
 */

EXPORT int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	struct lockdep_map *map = track(m, mutex_flags(m), _RET_IP_);
	int ret;

	if (map)
		lock_release(map, LOCKDEP_RELEASE_ANY, _RET_IP_);
	ret = REAL(cond_wait)(c, m);
	if (map)
		lock_acquire(map, 0, _RET_IP_);
	return ret;
}

EXPORT int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
				  const struct timespec *t)
{
	struct lockdep_map *map = track(m, mutex_flags(m), _RET_IP_);
	int ret;

	if (map)
		lock_release(map, LOCKDEP_RELEASE_ANY, _RET_IP_);
	ret = REAL(cond_timedwait)(c, m, t);
	if (map)
		lock_acquire(map, 0, _RET_IP_);
	return ret;
}

EXPORT int pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m,
				  clockid_t clk, const struct timespec *t)
{
	struct lockdep_map *map = track(m, mutex_flags(m), _RET_IP_);
	int ret;

	if (map)
		lock_release(map, LOCKDEP_RELEASE_ANY, _RET_IP_);
	ret = REAL(cond_clockwait)(c, m, clk, t);
	if (map)
		lock_acquire(map, 0, _RET_IP_);
	return ret;
}

/* ---------------------------------------------------------------------
 * free(): held locks in the freed memory are reported, all locks in it
 * forgotten (the address may hold a different lock next time).
 */

static void resolve_free(void)
{
	static int resolving;

	if (__atomic_exchange_n(&resolving, 1, __ATOMIC_ACQUIRE))
		return;
	real_free = next_sym("free");
	if (!real_free)
		real_free = __libc_free;
}

EXPORT void free(void *ptr)
{
	if (!real_free)
		resolve_free();
	if (ptr && lockdep_enter()) {
		size_t size = malloc_usable_size(ptr);

		lockdep_leave();
		if (lockdep_holds_locks())
			lockdep_check_free(ptr, size, _RET_IP_);
		if (lockdep_enter()) {
			forget_range(ptr, size);
			lockdep_leave();
		}
	}
	(real_free ? real_free : __libc_free)(ptr);
}
