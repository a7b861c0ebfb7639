// SPDX-License-Identifier: GPL-2.0
#include <liburing.h>

int main(void)
{
	struct io_uring ring;

	return io_uring_queue_init(8, &ring, 0);
}
