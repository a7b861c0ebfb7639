// SPDX-License-Identifier: GPL-2.0
/*
 * Destroying a mutex while holding it, and freeing memory that holds a
 * locked mutex: two reports.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct object {
	int data;
	pthread_mutex_t lock;
};


void init_object_lock(pthread_mutex_t *m)
{
	pthread_mutex_init(m, NULL);
}

void init_doomed_lock(pthread_mutex_t *m)
{
	pthread_mutex_init(m, NULL);
}

int main(void)
{
	struct object *obj = malloc(sizeof(*obj));
	pthread_mutex_t doomed;

	init_doomed_lock(&doomed);
	pthread_mutex_lock(&doomed);
	pthread_mutex_destroy(&doomed);

	init_object_lock(&obj->lock);
	pthread_mutex_lock(&obj->lock);
	free(obj);
	puts("done");
	return 0;
}
