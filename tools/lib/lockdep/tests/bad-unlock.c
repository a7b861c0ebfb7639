// SPDX-License-Identifier: GPL-2.0
/* Unlocking a mutex that nobody holds, twice from the same place. */
#include <pthread.h>
#include <stdio.h>

pthread_mutex_t unheld_lock = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;

int main(void)
{
	int i;

	for (i = 0; i < 2; i++)
		pthread_mutex_unlock(&unheld_lock);
	puts("done");
	return 0;
}
