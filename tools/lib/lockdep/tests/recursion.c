// SPDX-License-Identifier: GPL-2.0
/*
 * Taking a non-recursive lock twice.  An error-checking mutex returns
 * EDEADLK instead of hanging, so the program goes on; lockdep reports the
 * first time only.  A recursive mutex taken twice is fine.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

pthread_mutex_t rec_lock = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
pthread_mutex_t fine_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

int main(void)
{
	int i, ret = 0;

	for (i = 0; i < 2; i++) {
		pthread_mutex_lock(&rec_lock);
		ret = pthread_mutex_lock(&rec_lock);
		pthread_mutex_unlock(&rec_lock);
	}
	pthread_mutex_lock(&fine_lock);
	pthread_mutex_lock(&fine_lock);
	pthread_mutex_unlock(&fine_lock);
	pthread_mutex_unlock(&fine_lock);
	printf("done %s\n", ret == EDEADLK ? "EDEADLK" : "?");
	return 0;
}
