/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LINUX_MUTEX_H
#define _TOOLS_LINUX_MUTEX_H

#include <pthread.h>
#include <stdlib.h>

/*
 * Kernel-style locks for the tools.  They are thin pthread wrappers; a
 * failure of the underlying call is a bug in lkvm, so it aborts.
 */
struct mutex {
	pthread_mutex_t mutex;
};

#define MUTEX_INITIALIZER	{ .mutex = PTHREAD_MUTEX_INITIALIZER }
#define DEFINE_MUTEX(name)	struct mutex name = MUTEX_INITIALIZER

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

#endif /* _TOOLS_LINUX_MUTEX_H */
