// SPDX-License-Identifier: GPL-2.0
/*
 * A correct, heavily threaded program: lockdep must report nothing.
 *
 * Workers take random pairs of locks from an array, always in index order,
 * with trylocks against the order (allowed: they cannot block), share an
 * rwlock (readers nest inside the pair), and pass items through a queue
 * guarded by a mutex and condition variables, with locks created and
 * destroyed on the heap as they go.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define NR_THREADS	8
#define NR_LOCKS	16
#define ITERATIONS	20000

static pthread_mutex_t locks[NR_LOCKS];
static pthread_rwlock_t config_lock = PTHREAD_RWLOCK_INITIALIZER;
static long counters[NR_LOCKS];

static struct {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	int items, produced, consumed;
} queue = {
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
	PTHREAD_COND_INITIALIZER, 0, 0, 0
};

struct node {
	pthread_mutex_t lock;
	int value;
};

static void pair(unsigned int *seed)
{
	int a = rand_r(seed) % NR_LOCKS, b = rand_r(seed) % NR_LOCKS, t;

	if (a == b)
		return;
	if (a > b) {
		t = a;
		a = b;
		b = t;
	}
	pthread_mutex_lock(&locks[a]);
	pthread_mutex_lock(&locks[b]);
	pthread_rwlock_rdlock(&config_lock);
	counters[a]++;
	counters[b]--;
	pthread_rwlock_unlock(&config_lock);
	pthread_mutex_unlock(&locks[b]);
	/* Against the order, but only trying. */
	if (!pthread_mutex_trylock(&locks[0])) {
		counters[0]++;
		pthread_mutex_unlock(&locks[0]);
	}
	pthread_mutex_unlock(&locks[a]);
}

static void node_churn(void)
{
	struct node *n = malloc(sizeof(*n));

	pthread_mutex_init(&n->lock, NULL);
	pthread_mutex_lock(&n->lock);
	n->value = 1;
	pthread_mutex_unlock(&n->lock);
	pthread_mutex_destroy(&n->lock);
	free(n);
}

static void produce(void)
{
	pthread_mutex_lock(&queue.lock);
	while (queue.items >= 4)
		pthread_cond_wait(&queue.not_full, &queue.lock);
	queue.items++;
	queue.produced++;
	pthread_cond_signal(&queue.not_empty);
	pthread_mutex_unlock(&queue.lock);
}

static void consume(void)
{
	pthread_mutex_lock(&queue.lock);
	while (!queue.items)
		pthread_cond_wait(&queue.not_empty, &queue.lock);
	queue.items--;
	queue.consumed++;
	pthread_cond_signal(&queue.not_full);
	pthread_mutex_unlock(&queue.lock);
}

static void *worker(void *arg)
{
	unsigned int seed = (unsigned long)arg;
	int i;

	for (i = 0; i < ITERATIONS; i++) {
		pair(&seed);
		if (i % 16 == 0)
			node_churn();
		if (i % 64 == 0) {
			pthread_rwlock_wrlock(&config_lock);
			pthread_rwlock_unlock(&config_lock);
		}
		if (i % 8 == 0) {
			/* Half the threads produce, half consume. */
			if ((unsigned long)arg % 2)
				produce();
			else
				consume();
		}
	}
	return NULL;
}

int main(void)
{
	pthread_t threads[NR_THREADS];
	long sum = 0;
	int i;

	for (i = 0; i < NR_LOCKS; i++)
		pthread_mutex_init(&locks[i], NULL);
	for (i = 0; i < NR_THREADS; i++)
		pthread_create(&threads[i], NULL, worker,
			       (void *)(unsigned long)(i + 1));
	for (i = 0; i < NR_THREADS; i++)
		pthread_join(threads[i], NULL);
	for (i = 1; i < NR_LOCKS; i++)
		sum += counters[i];
	printf("done produced=%d consumed=%d\n", queue.produced,
	       queue.consumed);
	return queue.produced == queue.consumed && sum >= -ITERATIONS * NR_THREADS ? 0 : 1;
}
