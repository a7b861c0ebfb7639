// SPDX-License-Identifier: GPL-2.0
/*
 * Orders through rwlocks.  Readers do not block readers (glibc's default
 * rwlocks prefer readers), so only one of these is a deadlock:
 *  - rw_one and rw_two read-locked in both orders: fine;
 *  - rw_one read, then mix_lock / mix_lock, then rw_one read: fine;
 *  - rw_one read, then mix_lock / mix_lock, then rw_one WRITE: the writer
 *    waits for the reader, who waits for mix_lock: reported, once.
 */
#include <pthread.h>
#include <stdio.h>

pthread_rwlock_t rw_one = PTHREAD_RWLOCK_INITIALIZER;
pthread_rwlock_t rw_two = PTHREAD_RWLOCK_INITIALIZER;
pthread_mutex_t mix_lock = PTHREAD_MUTEX_INITIALIZER;

static void *one_two(void *arg)
{
	pthread_rwlock_rdlock(&rw_one);
	pthread_rwlock_rdlock(&rw_two);
	pthread_rwlock_unlock(&rw_two);
	pthread_rwlock_unlock(&rw_one);
	return NULL;
}

static void *two_one(void *arg)
{
	pthread_rwlock_rdlock(&rw_two);
	pthread_rwlock_rdlock(&rw_one);
	pthread_rwlock_unlock(&rw_one);
	pthread_rwlock_unlock(&rw_two);
	return NULL;
}

static void *read_then_mix(void *arg)
{
	pthread_rwlock_rdlock(&rw_one);
	pthread_mutex_lock(&mix_lock);
	pthread_mutex_unlock(&mix_lock);
	pthread_rwlock_unlock(&rw_one);
	return NULL;
}

static void *mix_then_read(void *arg)
{
	pthread_mutex_lock(&mix_lock);
	pthread_rwlock_rdlock(&rw_one);
	pthread_rwlock_unlock(&rw_one);
	pthread_mutex_unlock(&mix_lock);
	return NULL;
}

static void *mix_then_write(void *arg)
{
	pthread_mutex_lock(&mix_lock);
	pthread_rwlock_wrlock(&rw_one);
	pthread_rwlock_unlock(&rw_one);
	pthread_mutex_unlock(&mix_lock);
	return NULL;
}

static void run(void *(*fn)(void *))
{
	pthread_t t;

	pthread_create(&t, NULL, fn, NULL);
	pthread_join(t, NULL);
}

int main(void)
{
	int i;

	for (i = 0; i < 2; i++) {
		run(one_two);
		run(two_one);
		run(read_then_mix);
		run(mix_then_read);
	}
	puts("no report yet");
	fflush(stdout);
	run(mix_then_write);
	run(mix_then_write);
	puts("done");
	return 0;
}
