// SPDX-License-Identifier: GPL-2.0
/* Does libdw (elfutils) build and link here?  Used by the Makefile. */
#include <elfutils/libdwfl.h>

int main(void)
{
	static const Dwfl_Callbacks cb;
	Dwfl *dwfl = dwfl_begin(&cb);

	dwfl_end(dwfl);
	return 0;
}
