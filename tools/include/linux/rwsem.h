/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LINUX_RWSEM_H
#define _TOOLS_LINUX_RWSEM_H

#include <pthread.h>
#include <stdlib.h>

/* Reader/writer locks with the kernel's rw_semaphore names. */
struct rw_semaphore {
	pthread_rwlock_t lock;
};

#define RWSEM_INITIALIZER	{ .lock = PTHREAD_RWLOCK_INITIALIZER }
#define DECLARE_RWSEM(name)	struct rw_semaphore name = RWSEM_INITIALIZER

static inline void init_rwsem(struct rw_semaphore *sem)
{
	if (pthread_rwlock_init(&sem->lock, NULL))
		abort();
}

static inline void down_read(struct rw_semaphore *sem)
{
	if (pthread_rwlock_rdlock(&sem->lock))
		abort();
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

static inline void up_write(struct rw_semaphore *sem)
{
	if (pthread_rwlock_unlock(&sem->lock))
		abort();
}

#endif /* _TOOLS_LINUX_RWSEM_H */
