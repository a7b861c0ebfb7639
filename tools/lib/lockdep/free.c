// SPDX-License-Identifier: GPL-2.0
/*
 * free() for programs linked with liblockdep.a: report freeing memory that
 * holds a lock the thread still holds, then hand over to the real free().
 * The archive member is pulled in by the program's own references to
 * free(), and the executable's definition takes precedence over libc's.
 */
#include <dlfcn.h>
#include <malloc.h>
#include <stdlib.h>

#include "lockdep.h"

void __libc_free(void *ptr);

static void (*real_free)(void *ptr);

/* dlsym() may itself free memory: that goes straight to libc. */
static void resolve_free(void)
{
	static int resolving;

	if (__atomic_exchange_n(&resolving, 1, __ATOMIC_ACQUIRE))
		return;
	real_free = dlsym(RTLD_NEXT, "free");
	if (!real_free)
		real_free = __libc_free;
}

void free(void *ptr)
{
	if (!real_free)
		resolve_free();
	if (ptr && lockdep_holds_locks())
		lockdep_check_free(ptr, malloc_usable_size(ptr), _RET_IP_);
	(real_free ? real_free : __libc_free)(ptr);
}
