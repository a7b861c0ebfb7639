// SPDX-License-Identifier: GPL-2.0
/* Does libelf (elfutils) build and link here?  Used by the Makefile. */
#include <gelf.h>

int main(void)
{
	return elf_version(EV_CURRENT) == EV_NONE;
}
