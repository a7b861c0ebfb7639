/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LINUX_BITOPS_H
#define _TOOLS_LINUX_BITOPS_H

#include <limits.h>
#include <stdbool.h>
#include <asm/bitsperlong.h>
#include <linux/kernel.h>

/*
 * Bit masks and bitmaps of unsigned longs, with the kernel's names.
 *
 * Unlike the kernel's, set_bit() and friends here are NOT atomic: lkvm
 * bitmaps are either private to one thread or protected by a lock.  Bit
 * @nr of a bitmap lives in word nr / BITS_PER_LONG, so a bitmap is only
 * meaningful as an array of unsigned long, never reinterpreted as bytes.
 */
#define BITS_PER_BYTE		8
/*
 * A plain number, so that #if can test it.  Inside a kernel tree its
 * asm-generic/bitsperlong.h (reached from asm/bitsperlong.h) defines it
 * already, to the same value.
 */
#ifndef BITS_PER_LONG
#define BITS_PER_LONG		__BITS_PER_LONG
#endif
#ifndef BITS_PER_LONG_LONG
#define BITS_PER_LONG_LONG	64
#endif

#define BIT(nr)			(1UL << (nr))
#define BIT_ULL(nr)		(1ULL << (nr))
#define BIT_MASK(nr)		(1UL << ((nr) % BITS_PER_LONG))
#define BIT_WORD(nr)		((nr) / BITS_PER_LONG)
#define BITS_TO_LONGS(nr)	DIV_ROUND_UP(nr, BITS_PER_LONG)

/*
 * Bits @l to @h inclusive (h >= l).  Built from ~0 shifted both ways so
 * that GENMASK(BITS_PER_LONG - 1, 0) does not shift by the word width.
 */
#define GENMASK(h, l) \
	((~0UL << (l)) & (~0UL >> (BITS_PER_LONG - 1 - (h))))
#define GENMASK_ULL(h, l) \
	((~0ULL << (l)) & (~0ULL >> (BITS_PER_LONG_LONG - 1 - (h))))

static inline bool test_bit(unsigned long nr, const unsigned long *addr)
{
	return (addr[BIT_WORD(nr)] >> (nr % BITS_PER_LONG)) & 1;
}

static inline void set_bit(unsigned long nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] |= BIT_MASK(nr);
}

static inline void clear_bit(unsigned long nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}

/* Already non-atomic: the double-underscore names are the same thing. */
#define __set_bit(nr, addr)		set_bit(nr, addr)
#define __clear_bit(nr, addr)		clear_bit(nr, addr)

/* Index of the lowest set bit of @word, which must not be 0. */
static inline unsigned long __ffs(unsigned long word)
{
	return __builtin_ctzl(word);
}

/* Index of the highest set bit of @word, which must not be 0. */
static inline unsigned long __fls(unsigned long word)
{
	return BITS_PER_LONG - 1 - __builtin_clzl(word);
}

/*
 * ffs() (1-based lowest set bit, 0 if none) is the C library's, from
 * <strings.h>; fls() is its mirror image.
 */
/* 1-based position of the highest set bit, 0 if none: fls(1) == 1. */
static inline int fls(unsigned int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

static inline int fls64(u64 x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

static inline int fls_long(unsigned long x)
{
	return x ? BITS_PER_LONG - __builtin_clzl(x) : 0;
}

static inline unsigned int hweight8(unsigned int w)
{
	return __builtin_popcount(w & 0xff);
}

static inline unsigned int hweight16(unsigned int w)
{
	return __builtin_popcount(w & 0xffff);
}

static inline unsigned int hweight32(unsigned int w)
{
	return __builtin_popcount(w);
}

static inline unsigned int hweight64(u64 w)
{
	return __builtin_popcountll(w);
}

static inline unsigned int hweight_long(unsigned long w)
{
	return __builtin_popcountl(w);
}

/* Rotations; the shift is taken modulo the width, so 0 and 32 are no-ops. */
static inline u32 rol32(u32 word, unsigned int shift)
{
	return (word << (shift & 31)) | (word >> (-shift & 31));
}

#endif /* _TOOLS_LINUX_BITOPS_H */
