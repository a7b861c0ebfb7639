/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LOCKDEP_CONDVAR_H
#define _LOCKDEP_CONDVAR_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <lockdep/mutex.h>

/*
 * Condition variables that wait with a struct mutex held:
 *
 *	mutex_lock(&q->lock);
 *	while (!q->ready)
 *		condvar_wait(&q->cond, &q->lock);
 *	mutex_unlock(&q->lock);
 *
 * Timeouts are absolute CLOCK_MONOTONIC times (the wall clock may jump).
 * With CONFIG_LOCKDEP, lockdep sees the mutex released while waiting and
 * taken again on wake-up, so waiting with other locks held is validated.
 */
struct condvar {
	pthread_cond_t cond;
};

static inline void condvar_init(struct condvar *cv)
{
	pthread_condattr_t attr;

	if (pthread_condattr_init(&attr) ||
	    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) ||
	    pthread_cond_init(&cv->cond, &attr))
		abort();
	pthread_condattr_destroy(&attr);
}

static inline void condvar_destroy(struct condvar *cv)
{
	if (pthread_cond_destroy(&cv->cond))
		abort();
}

static inline void condvar_signal(struct condvar *cv)
{
	if (pthread_cond_signal(&cv->cond))
		abort();
}

static inline void condvar_broadcast(struct condvar *cv)
{
	if (pthread_cond_broadcast(&cv->cond))
		abort();
}

#ifdef CONFIG_LOCKDEP
void condvar_wait(struct condvar *cv, struct mutex *lock);
bool condvar_wait_until(struct condvar *cv, struct mutex *lock,
			const struct timespec *deadline);
#else
static inline void condvar_wait(struct condvar *cv, struct mutex *lock)
{
	if (pthread_cond_wait(&cv->cond, &lock->mutex))
		abort();
}

/* Returns false when @deadline (CLOCK_MONOTONIC) passed first. */
static inline bool condvar_wait_until(struct condvar *cv, struct mutex *lock,
				      const struct timespec *deadline)
{
	int ret = pthread_cond_timedwait(&cv->cond, &lock->mutex, deadline);

	if (ret && ret != ETIMEDOUT)
		abort();
	return ret == 0;
}
#endif

#endif /* _LOCKDEP_CONDVAR_H */
