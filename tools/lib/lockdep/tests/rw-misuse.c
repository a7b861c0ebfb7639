// SPDX-License-Identifier: GPL-2.0
/*
 * Read-locking an rwlock the thread holds for writing (glibc returns
 * EDEADLK).  Taking it twice for reading is allowed.
 */
#include <pthread.h>
#include <stdio.h>

pthread_rwlock_t table_rwlock = PTHREAD_RWLOCK_INITIALIZER;

int main(void)
{
	int ret;

	pthread_rwlock_rdlock(&table_rwlock);
	pthread_rwlock_rdlock(&table_rwlock);
	pthread_rwlock_unlock(&table_rwlock);
	pthread_rwlock_unlock(&table_rwlock);

	pthread_rwlock_wrlock(&table_rwlock);
	ret = pthread_rwlock_rdlock(&table_rwlock);
	pthread_rwlock_unlock(&table_rwlock);
	printf("done %d\n", ret);
	return 0;
}
