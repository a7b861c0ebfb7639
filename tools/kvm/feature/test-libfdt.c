// SPDX-License-Identifier: GPL-2.0
#include <libfdt.h>

int main(void)
{
	char buf[256];

	return fdt_create(buf, sizeof(buf));
}
