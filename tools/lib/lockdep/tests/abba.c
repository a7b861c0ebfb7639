// SPDX-License-Identifier: GPL-2.0
/*
 * AB-BA: one thread takes lock_a then lock_b, later another takes lock_b
 * then lock_a.  The threads never overlap, so nothing hangs, but lockdep
 * must report the inversion, once, although it happens twice.
 */
#include <pthread.h>
#include <stdio.h>

pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;

static void *a_then_b(void *arg)
{
	pthread_mutex_lock(&lock_a);
	pthread_mutex_lock(&lock_b);
	pthread_mutex_unlock(&lock_b);
	pthread_mutex_unlock(&lock_a);
	return NULL;
}

static void *b_then_a(void *arg)
{
	pthread_mutex_lock(&lock_b);
	pthread_mutex_lock(&lock_a);
	pthread_mutex_unlock(&lock_a);
	pthread_mutex_unlock(&lock_b);
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
		run(a_then_b);
		run(b_then_a);
	}
	puts("done");
	return 0;
}
