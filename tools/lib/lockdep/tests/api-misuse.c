// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm's lock API with CONFIG_LOCKDEP: up_read() of an rw_semaphore held
 * for writing, lockdep_assert_held() of a mutex not held, freeing an
 * object whose mutex is held.  Three reports, and the program goes on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <lockdep/mutex.h>
#include <lockdep/rwsem.h>

static DECLARE_RWSEM(table_sem);

struct object {
	int refs;
	struct mutex obj_lock;
};

static void must_hold(struct mutex *lock)
{
	lockdep_assert_held(lock);
}

int main(void)
{
	struct object *obj = malloc(sizeof(*obj));

	down_write(&table_sem);
	up_read(&table_sem);

	mutex_init(&obj->obj_lock);
	must_hold(&obj->obj_lock);
	mutex_lock(&obj->obj_lock);
	must_hold(&obj->obj_lock);
	free(obj);
	puts("done");
	return 0;
}
