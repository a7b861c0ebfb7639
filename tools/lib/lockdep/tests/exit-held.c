// SPDX-License-Identifier: GPL-2.0
/* A thread that returns while it still holds a lock. */
#include <pthread.h>
#include <stdio.h>

pthread_mutex_t leaked_lock = PTHREAD_MUTEX_INITIALIZER;

static void *leaker(void *arg)
{
	pthread_mutex_lock(&leaked_lock);
	return NULL;
}

int main(void)
{
	pthread_t t;

	pthread_create(&t, NULL, leaker, NULL);
	pthread_join(t, NULL);
	puts("done");
	return 0;
}
