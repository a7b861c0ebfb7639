/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LINUX_LOG2_H
#define _TOOLS_LINUX_LOG2_H

#include <stdbool.h>
#include <linux/bitops.h>

/* Zero is not a power of two. */
static inline bool is_power_of_2(unsigned long n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

/* Floor of log2(n); n must not be 0. */
static inline int ilog2(u64 n)
{
	return fls64(n) - 1;
}

/*
 * The smallest power of two >= n, for 1 <= n <= 2^63 (n == 0 gives 1; a
 * larger n has no answer in 64 bits and gives 0: callers must check).
 */
static inline u64 roundup_pow_of_two(u64 n)
{
	if (n <= 1)
		return 1;
	if (n > (1ULL << 63))
		return 0;
	return 1ULL << fls64(n - 1);
}

/* The largest power of two <= n; n must not be 0. */
static inline u64 rounddown_pow_of_two(u64 n)
{
	return 1ULL << ilog2(n);
}

#endif /* _TOOLS_LINUX_LOG2_H */
