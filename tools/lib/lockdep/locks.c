// SPDX-License-Identifier: GPL-2.0
/*
 * The CONFIG_LOCKDEP versions of the locks of mutex.h, rwsem.h and
 * condvar.h.  They are out of line so that _RET_IP_ is the caller.
 * As in the plain versions, a failing pthread call aborts, unless lockdep
 * just reported the problem that made it fail: then the program goes on.
 */
#ifndef CONFIG_LOCKDEP
#define CONFIG_LOCKDEP
#endif
#include <errno.h>
#include <lockdep/mutex.h>
#include <lockdep/rwsem.h>
#include <lockdep/condvar.h>

#include "lockdep.h"

void __mutex_init(struct mutex *lock, const char *name,
		  struct lock_class_key *key, const char *file, int line)
{
	if (pthread_mutex_init(&lock->mutex, NULL))
		abort();
	lockdep_init_map(&lock->dep_map, name, key, 0, file, line, _RET_IP_);
}

void mutex_destroy(struct mutex *lock)
{
	bool reported = lockdep_destroy_map(&lock->dep_map, _RET_IP_);

	if (pthread_mutex_destroy(&lock->mutex) && !reported)
		abort();
}

void mutex_lock(struct mutex *lock)
{
	bool reported = lock_acquire(&lock->dep_map, 0, _RET_IP_);

	if (pthread_mutex_lock(&lock->mutex)) {
		lock_acquire_failed(&lock->dep_map);
		if (!reported)
			abort();
	}
}

int mutex_trylock(struct mutex *lock)
{
	if (pthread_mutex_trylock(&lock->mutex))
		return 0;
	lock_acquire(&lock->dep_map, LOCKDEP_TRY, _RET_IP_);
	return 1;
}

void mutex_unlock(struct mutex *lock)
{
	bool reported = lock_release(&lock->dep_map, LOCKDEP_RELEASE_ANY,
				     _RET_IP_);

	if (pthread_mutex_unlock(&lock->mutex) && !reported)
		abort();
}

void __init_rwsem(struct rw_semaphore *sem, const char *name,
		  struct lock_class_key *key, const char *file, int line)
{
	if (pthread_rwlock_init(&sem->lock, NULL))
		abort();
	lockdep_init_map(&sem->dep_map, name, key, LOCKDEP_RWLOCK, file, line,
			 _RET_IP_);
}

void destroy_rwsem(struct rw_semaphore *sem)
{
	bool reported = lockdep_destroy_map(&sem->dep_map, _RET_IP_);

	if (pthread_rwlock_destroy(&sem->lock) && !reported)
		abort();
}

void down_read(struct rw_semaphore *sem)
{
	bool reported = lock_acquire(&sem->dep_map, LOCKDEP_READ, _RET_IP_);

	if (pthread_rwlock_rdlock(&sem->lock)) {
		lock_acquire_failed(&sem->dep_map);
		if (!reported)
			abort();
	}
}

int down_read_trylock(struct rw_semaphore *sem)
{
	if (pthread_rwlock_tryrdlock(&sem->lock))
		return 0;
	lock_acquire(&sem->dep_map, LOCKDEP_READ | LOCKDEP_TRY, _RET_IP_);
	return 1;
}

void up_read(struct rw_semaphore *sem)
{
	bool reported = lock_release(&sem->dep_map, LOCKDEP_RELEASE_READ,
				     _RET_IP_);

	if (pthread_rwlock_unlock(&sem->lock) && !reported)
		abort();
}

void down_write(struct rw_semaphore *sem)
{
	bool reported = lock_acquire(&sem->dep_map, 0, _RET_IP_);

	if (pthread_rwlock_wrlock(&sem->lock)) {
		lock_acquire_failed(&sem->dep_map);
		if (!reported)
			abort();
	}
}

int down_write_trylock(struct rw_semaphore *sem)
{
	if (pthread_rwlock_trywrlock(&sem->lock))
		return 0;
	lock_acquire(&sem->dep_map, LOCKDEP_TRY, _RET_IP_);
	return 1;
}

void up_write(struct rw_semaphore *sem)
{
	bool reported = lock_release(&sem->dep_map, LOCKDEP_RELEASE_WRITE,
				     _RET_IP_);

	if (pthread_rwlock_unlock(&sem->lock) && !reported)
		abort();
}

/*
 * The wait releases the mutex and takes it again: tell lockdep, so that
 * waiting while holding other locks is checked like any acquisition.
 */
void condvar_wait(struct condvar *cv, struct mutex *lock)
{
	bool reported = lock_release(&lock->dep_map, LOCKDEP_RELEASE_ANY,
				     _RET_IP_);

	if (pthread_cond_wait(&cv->cond, &lock->mutex) && !reported)
		abort();
	lock_acquire(&lock->dep_map, 0, _RET_IP_);
}

bool condvar_wait_until(struct condvar *cv, struct mutex *lock,
			const struct timespec *deadline)
{
	bool reported = lock_release(&lock->dep_map, LOCKDEP_RELEASE_ANY,
				     _RET_IP_);
	int ret = pthread_cond_timedwait(&cv->cond, &lock->mutex, deadline);

	if (ret && ret != ETIMEDOUT && !reported)
		abort();
	lock_acquire(&lock->dep_map, 0, _RET_IP_);
	return ret == 0;
}
