// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm's lock API with CONFIG_LOCKDEP, used correctly by several threads:
 * mutexes in a fixed order, rw_semaphore readers and writers, condvar
 * waits, trylocks against the order.  Nothing must be reported.
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <lockdep/condvar.h>
#include <lockdep/mutex.h>
#include <lockdep/rwsem.h>

#define NR_THREADS	4
#define ITERATIONS	20000

static DEFINE_MUTEX(outer_lock);
static DECLARE_RWSEM(map_sem);

static struct {
	struct mutex lock;
	struct condvar cond;
	int tokens;
} pool;

static void take_token(void)
{
	struct timespec deadline;

	mutex_lock(&pool.lock);
	lockdep_assert_held(&pool.lock);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += 5;
	while (!pool.tokens)
		if (!condvar_wait_until(&pool.cond, &pool.lock, &deadline))
			break;
	if (pool.tokens)
		pool.tokens--;
	mutex_unlock(&pool.lock);
}

static void give_token(void)
{
	mutex_lock(&pool.lock);
	pool.tokens++;
	condvar_signal(&pool.cond);
	mutex_unlock(&pool.lock);
}

static void *worker(void *arg)
{
	int i;

	for (i = 0; i < ITERATIONS; i++) {
		mutex_lock(&outer_lock);
		down_read(&map_sem);
		down_read(&map_sem);
		up_read(&map_sem);
		if (mutex_trylock(&pool.lock))
			mutex_unlock(&pool.lock);
		up_read(&map_sem);
		mutex_unlock(&outer_lock);

		if (i % 32 == 0) {
			down_write(&map_sem);
			up_write(&map_sem);
		}
		take_token();
		give_token();
	}
	return NULL;
}

int main(void)
{
	pthread_t threads[NR_THREADS];
	int i;

	mutex_init(&pool.lock);
	condvar_init(&pool.cond);
	pool.tokens = 2;
	for (i = 0; i < NR_THREADS; i++)
		pthread_create(&threads[i], NULL, worker, NULL);
	for (i = 0; i < NR_THREADS; i++)
		pthread_join(threads[i], NULL);
	condvar_destroy(&pool.cond);
	mutex_destroy(&pool.lock);
	puts("done");
	return 0;
}
