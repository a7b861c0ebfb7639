// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm's lock API (<lockdep/mutex.h>) built with CONFIG_LOCKDEP: an AB-BA
 * between two mutexes of a heap object, named after their mutex_init().
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <lockdep/mutex.h>

struct device {
	struct mutex alpha_lock;
	struct mutex beta_lock;
};

static void *alpha_beta(void *arg)
{
	struct device *d = arg;

	mutex_lock(&d->alpha_lock);
	mutex_lock(&d->beta_lock);
	mutex_unlock(&d->beta_lock);
	mutex_unlock(&d->alpha_lock);
	return NULL;
}

static void *beta_alpha(void *arg)
{
	struct device *d = arg;

	mutex_lock(&d->beta_lock);
	mutex_lock(&d->alpha_lock);
	mutex_unlock(&d->alpha_lock);
	mutex_unlock(&d->beta_lock);
	return NULL;
}

int main(void)
{
	struct device *d = malloc(sizeof(*d));
	pthread_t t;

	mutex_init(&d->alpha_lock);
	mutex_init(&d->beta_lock);
	pthread_create(&t, NULL, alpha_beta, d);
	pthread_join(t, NULL);
	pthread_create(&t, NULL, beta_alpha, d);
	pthread_join(t, NULL);
	beta_alpha(d);
	mutex_destroy(&d->alpha_lock);
	mutex_destroy(&d->beta_lock);
	free(d);
	puts("done");
	return 0;
}
