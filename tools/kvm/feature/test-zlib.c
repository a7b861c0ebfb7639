// SPDX-License-Identifier: GPL-2.0
#include <zlib.h>

int main(void)
{
	z_stream zs = { 0 };

	return inflateInit2(&zs, 16 + MAX_WBITS);
}
