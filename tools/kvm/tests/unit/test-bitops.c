// SPDX-License-Identifier: GPL-2.0
/*
 * bitops.h, log2.h and the arithmetic helpers of kernel.h, including the
 * edge cases (bit 63, masks covering the whole word, sizes that are not a
 * multiple of the word, UINT64_MAX).
 */
#include <linux/bitops.h>
#include <linux/log2.h>
#include <linux/align.h>
#include <linux/kernel.h>
#include <linux/sizes.h>
#include <linux/err.h>
#include <linux/stringify.h>
#include "kvm/util.h"
#include <errno.h>

#include "tap.h"

static void masks(void)
{
	is_u64(BIT(0), 1, "BIT(0)");
	is_u64(BIT(BITS_PER_LONG - 1), 1UL << (BITS_PER_LONG - 1), "BIT(BITS_PER_LONG - 1)");
	is_u64(BIT_ULL(63), 0x8000000000000000ULL, "BIT_ULL(63)");
	is_u64(GENMASK(7, 4), 0xf0, "GENMASK(7, 4)");
	is_u64(GENMASK(BITS_PER_LONG - 1, 0), ~0UL, "GENMASK covering the whole word");
	is_u64(GENMASK_ULL(63, 63), 0x8000000000000000ULL, "GENMASK_ULL(63, 63)");
	is_u64(GENMASK_ULL(39, 12), 0xfffffff000ULL, "GENMASK_ULL(39, 12)");
	is_u64(GENMASK_ULL(63, 0), UINT64_MAX, "GENMASK_ULL(63, 0)");
	is_int(BITS_TO_LONGS(1), 1, "BITS_TO_LONGS(1)");
	is_int(BITS_TO_LONGS(BITS_PER_LONG), 1, "BITS_TO_LONGS(BITS_PER_LONG)");
	is_int(BITS_TO_LONGS(BITS_PER_LONG + 1), 2, "BITS_TO_LONGS(BITS_PER_LONG + 1)");
}

static void bit_scans(void)
{
	is_int(__ffs(1), 0, "__ffs(1)");
	is_int(__ffs(0x80), 7, "__ffs(0x80)");
	is_int(__fls(1), 0, "__fls(1)");
	is_int(__fls(~0UL), BITS_PER_LONG - 1, "__fls(~0UL)");
	is_int(fls(0), 0, "fls(0)");
	is_int(fls(1), 1, "fls(1)");
	is_int(fls(0x80000000), 32, "fls(0x80000000)");
	is_int(fls64(0), 0, "fls64(0)");
	is_int(fls64(1ULL << 40), 41, "fls64(1 << 40)");
	is_int(fls64(UINT64_MAX), 64, "fls64(UINT64_MAX)");
	is_int(fls_long(~0UL), BITS_PER_LONG, "fls_long(~0UL)");
	is_int(hweight8(0x1ff), 8, "hweight8 only counts 8 bits");
	is_int(hweight16(0xf0f0ff), 12, "hweight16 only counts 16 bits");
	is_int(hweight32(0xffffffff), 32, "hweight32");
	is_int(hweight64(UINT64_MAX), 64, "hweight64");
	is_int(hweight_long(0x101), 2, "hweight_long");
}

static void log2s(void)
{
	ok(!is_power_of_2(0) && is_power_of_2(1) && is_power_of_2(SZ_4K) &&
	   !is_power_of_2(SZ_4K + 1) && is_power_of_2(1UL << (BITS_PER_LONG - 1)),
	   "is_power_of_2, 0 excluded");
	is_int(ilog2(1), 0, "ilog2(1)");
	is_int(ilog2(SZ_4K), 12, "ilog2(4K)");
	is_int(ilog2(SZ_4K + 1), 12, "ilog2 rounds down");
	is_int(ilog2(UINT64_MAX), 63, "ilog2(UINT64_MAX)");
	is_u64(roundup_pow_of_two(1), 1, "roundup_pow_of_two(1)");
	is_u64(roundup_pow_of_two(3), 4, "roundup_pow_of_two(3)");
	is_u64(roundup_pow_of_two(SZ_1M), SZ_1M, "roundup_pow_of_two of a power");
	is_u64(roundup_pow_of_two((1ULL << 63) - 1), 1ULL << 63, "roundup_pow_of_two near the top");
	is_u64(rounddown_pow_of_two(SZ_1M + 5), SZ_1M, "rounddown_pow_of_two");
}

static void kernel_h(void)
{
	u64 big = 0x123456789abcdef0ULL;
	int arr[5];
	void *p;

	is_int(ARRAY_SIZE(arr), 5, "ARRAY_SIZE");
	is_u64(upper_32_bits(big), 0x12345678, "upper_32_bits");
	is_u64(lower_32_bits(big), 0x9abcdef0, "lower_32_bits");
	is_u64(round_up(0x1001ULL, SZ_4K), 0x2000, "round_up");
	is_u64(round_up(0x1000ULL, SZ_4K), 0x1000, "round_up of an aligned value");
	is_u64(round_down(0x1fffULL, SZ_4K), 0x1000, "round_down");
	is_u64(ALIGN(1ULL << 32 | 1, SZ_2M), (1ULL << 32) + SZ_2M, "ALIGN above 4G keeps the high bits");
	ok(IS_ALIGNED(0x200000ULL, SZ_2M) && !IS_ALIGNED(0x200001ULL, SZ_2M), "IS_ALIGNED");
	is_int(DIV_ROUND_UP(10, 4), 3, "DIV_ROUND_UP");
	is_int(min(3, 5), 3, "min");
	is_int(max_t(u64, 3, 5ULL), 5, "max_t");
	is_int(clamp(7, 0, 5), 5, "clamp");
	BUILD_BUG_ON(sizeof(u64) != 8);

	p = ERR_PTR(-ENOMEM);
	ok(IS_ERR(p) && PTR_ERR(p) == -ENOMEM && PTR_ERR_OR_ZERO(p) == -ENOMEM,
	   "ERR_PTR round trip");
	ok(!IS_ERR(arr) && !IS_ERR_OR_NULL(arr) && IS_ERR_OR_NULL(NULL) &&
	   PTR_ERR_OR_ZERO(arr) == 0, "a real pointer is not an error");
	ok(IS_ERR(ERR_PTR(-MAX_ERRNO)) && !IS_ERR(ERR_PTR(-MAX_ERRNO - 1)),
	   "the error range is exactly MAX_ERRNO wide");
	is_str(__stringify(SZ_4K), "0x00001000", "__stringify expands macros");
}

int main(void)
{
	plan(53);
	masks();
	bit_scans();
	log2s();
	kernel_h();
	return exit_status();
}
