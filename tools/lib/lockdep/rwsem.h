/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LOCKDEP_RWSEM_H
#define _LOCKDEP_RWSEM_H

#include <pthread.h>
#include <stdlib.h>

/*
 * Reader/writer locks with the kernel's rw_semaphore names.  Several
 * threads may hold one for reading, and a reader may take it again for
 * reading; upgrading from read to write deadlocks.  With CONFIG_LOCKDEP
 * the operations are validated by tools/lib/lockdep (see mutex.h).
 */
#ifdef CONFIG_LOCKDEP
#include <lockdep/lockdep.h>

struct rw_semaphore {
	pthread_rwlock_t lock;
	struct lockdep_map dep_map;
};

#define __RWSEM_INITIALIZER(lockname)					\
	{ .lock = PTHREAD_RWLOCK_INITIALIZER,				\
	  .dep_map = { .name = lockname, .flags = LOCKDEP_RWLOCK } }

#define init_rwsem(sem)							\
do {									\
	static struct lock_class_key __key;				\
									\
	__init_rwsem((sem), #sem, &__key, __FILE__, __LINE__);		\
} while (0)

void __init_rwsem(struct rw_semaphore *sem, const char *name,
		  struct lock_class_key *key, const char *file, int line);
void destroy_rwsem(struct rw_semaphore *sem);
void down_read(struct rw_semaphore *sem);
int down_read_trylock(struct rw_semaphore *sem);
void up_read(struct rw_semaphore *sem);
void down_write(struct rw_semaphore *sem);
int down_write_trylock(struct rw_semaphore *sem);
void up_write(struct rw_semaphore *sem);

#else /* !CONFIG_LOCKDEP */

struct rw_semaphore {
	pthread_rwlock_t lock;
};

#define __RWSEM_INITIALIZER(lockname)	{ .lock = PTHREAD_RWLOCK_INITIALIZER }

static inline void init_rwsem(struct rw_semaphore *sem)
{
	if (pthread_rwlock_init(&sem->lock, NULL))
		abort();
}

static inline void destroy_rwsem(struct rw_semaphore *sem)
{
	if (pthread_rwlock_destroy(&sem->lock))
		abort();
}

static inline void down_read(struct rw_semaphore *sem)
{
	if (pthread_rwlock_rdlock(&sem->lock))
		abort();
}

static inline int down_read_trylock(struct rw_semaphore *sem)
{
	return pthread_rwlock_tryrdlock(&sem->lock) == 0;
}

static inline void up_read(struct rw_semaphore *sem)
{
	if (pthread_rwlock_unlock(&sem->lock))
		abort();
}

static inline void down_write(struct rw_semaphore *sem)
{
	if (pthread_rwlock_wrlock(&sem->lock))
		abort();
}

static inline int down_write_trylock(struct rw_semaphore *sem)
{
	return pthread_rwlock_trywrlock(&sem->lock) == 0;
}

static inline void up_write(struct rw_semaphore *sem)
{
	if (pthread_rwlock_unlock(&sem->lock))
		abort();
}

#endif /* CONFIG_LOCKDEP */

#define RWSEM_INITIALIZER	__RWSEM_INITIALIZER(NULL)
#define DECLARE_RWSEM(name)	struct rw_semaphore name = __RWSEM_INITIALIZER(#name)

#endif /* _LOCKDEP_RWSEM_H */
