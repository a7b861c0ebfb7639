/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LOCKDEP_MUTEX_H
#define _LOCKDEP_MUTEX_H

#include <pthread.h>
#include <stdlib.h>

/*
 * Kernel-style locks for the tools.  They are thin pthread wrappers; a
 * failure of the underlying call is a bug in lkvm, so it aborts.
 *
 * Built with CONFIG_LOCKDEP (make LOCKDEP=1), every lock also carries a
 * lockdep map and the operations are out of line in tools/lib/lockdep,
 * which validates the locking order.  A lock's class is its mutex_init()
 * call site, or the lock itself for DEFINE_MUTEX().
 */
#ifdef CONFIG_LOCKDEP
#include <lockdep/lockdep.h>

struct mutex {
	pthread_mutex_t mutex;
	struct lockdep_map dep_map;
};

#define __MUTEX_INITIALIZER(lockname)					\
	{ .mutex = PTHREAD_MUTEX_INITIALIZER,				\
	  .dep_map = LOCKDEP_MAP_INIT(lockname) }

#define mutex_init(lock)						\
do {									\
	static struct lock_class_key __key;				\
									\
	__mutex_init((lock), #lock, &__key, __FILE__, __LINE__);	\
} while (0)

void __mutex_init(struct mutex *lock, const char *name,
		  struct lock_class_key *key, const char *file, int line);
void mutex_destroy(struct mutex *lock);
void mutex_lock(struct mutex *lock);
int mutex_trylock(struct mutex *lock);
void mutex_unlock(struct mutex *lock);

/* The caller must hold @lock (a struct mutex or rw_semaphore). */
#define lockdep_assert_held(lock)					\
	lockdep_assert_held_map(&(lock)->dep_map, _RET_IP_)

#else /* !CONFIG_LOCKDEP */

struct mutex {
	pthread_mutex_t mutex;
};

#define __MUTEX_INITIALIZER(lockname)	{ .mutex = PTHREAD_MUTEX_INITIALIZER }

static inline void mutex_init(struct mutex *lock)
{
	if (pthread_mutex_init(&lock->mutex, NULL))
		abort();
}

static inline void mutex_destroy(struct mutex *lock)
{
	if (pthread_mutex_destroy(&lock->mutex))
		abort();
}

static inline void mutex_lock(struct mutex *lock)
{
	if (pthread_mutex_lock(&lock->mutex))
		abort();
}

static inline int mutex_trylock(struct mutex *lock)
{
	return pthread_mutex_trylock(&lock->mutex) == 0;
}

static inline void mutex_unlock(struct mutex *lock)
{
	if (pthread_mutex_unlock(&lock->mutex))
		abort();
}

#define lockdep_assert_held(lock)	((void)(lock))

#endif /* CONFIG_LOCKDEP */

#define MUTEX_INITIALIZER	__MUTEX_INITIALIZER(NULL)
#define DEFINE_MUTEX(name)	struct mutex name = __MUTEX_INITIALIZER(#name)

#endif /* _LOCKDEP_MUTEX_H */
