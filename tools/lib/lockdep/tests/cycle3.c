// SPDX-License-Identifier: GPL-2.0
/*
 * A cycle through three locks: x -> y, y -> z, then z -> x.  No two of
 * the acquisitions are an AB-BA pair; the cycle is only in the graph.  The
 * locks live on the heap, so their classes are their init call sites.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct three {
	pthread_mutex_t x, y, z;
};


void init_lock_x(pthread_mutex_t *m)
{
	pthread_mutex_init(m, NULL);
}

void init_lock_y(pthread_mutex_t *m)
{
	pthread_mutex_init(m, NULL);
}

void init_lock_z(pthread_mutex_t *m)
{
	pthread_mutex_init(m, NULL);
}

static void nest(pthread_mutex_t *outer, pthread_mutex_t *inner)
{
	pthread_mutex_lock(outer);
	pthread_mutex_lock(inner);
	pthread_mutex_unlock(inner);
	pthread_mutex_unlock(outer);
}

int main(void)
{
	struct three *t = calloc(1, sizeof(*t));
	int i;

	init_lock_x(&t->x);
	init_lock_y(&t->y);
	init_lock_z(&t->z);
	for (i = 0; i < 3; i++) {
		nest(&t->x, &t->y);
		nest(&t->y, &t->z);
		nest(&t->z, &t->x);
	}
	pthread_mutex_destroy(&t->x);
	pthread_mutex_destroy(&t->y);
	pthread_mutex_destroy(&t->z);
	free(t);
	puts("done");
	return 0;
}
