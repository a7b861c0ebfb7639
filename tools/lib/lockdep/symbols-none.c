// SPDX-License-Identifier: GPL-2.0
/*
 * Built without libdw and libelf: lockdep_symbolize() names what dladdr()
 * finds in the dynamic symbol tables, and nothing more.
 */
#include "lockdep.h"
#include "internal.h"

void lockdep_symbols_begin(void)
{
}

void lockdep_symbols_end(void)
{
}

bool lockdep_symbolize_object(unsigned long addr, bool code, char *buf,
			      size_t len)
{
	return false;
}
