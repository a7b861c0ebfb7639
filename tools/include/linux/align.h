/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LINUX_ALIGN_H
#define _TOOLS_LINUX_ALIGN_H

#include <linux/kernel.h>

/* @a must be a power of two. */
#define ALIGN(x, a)		round_up(x, a)
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)

#endif /* _TOOLS_LINUX_ALIGN_H */
