/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LINUX_KERNEL_H
#define _TOOLS_LINUX_KERNEL_H

#include <byteswap.h>
#include <endian.h>
#include <stddef.h>
#include <linux/compiler.h>
#include <linux/types.h>
/*
 * This header shadows the uapi <linux/kernel.h>, which glibc's
 * <sys/sysinfo.h> includes for struct sysinfo: provide what it does.
 */
#include <linux/const.h>
#include <linux/sysinfo.h>

#define container_of(ptr, type, member) ({				\
	const __typeof__(((type *)0)->member) *__mptr = (ptr);		\
	(type *)((char *)__mptr - offsetof(type, member)); })

/* Fails to build when handed a pointer instead of an array. */
#define __must_be_array(a)						\
	(sizeof(char[1 - 2 * __builtin_types_compatible_p(__typeof__(a),	\
						__typeof__(&(a)[0]))]) - 1)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]) + __must_be_array(a))

#define min(x, y) ({				\
	__typeof__(x) _min1 = (x);		\
	__typeof__(y) _min2 = (y);		\
	(void)(&_min1 == &_min2);		\
	_min1 < _min2 ? _min1 : _min2; })

#define max(x, y) ({				\
	__typeof__(x) _max1 = (x);		\
	__typeof__(y) _max2 = (y);		\
	(void)(&_max1 == &_max2);		\
	_max1 > _max2 ? _max1 : _max2; })

#define min_t(type, x, y)	min((type)(x), (type)(y))
#define max_t(type, x, y)	max((type)(x), (type)(y))
#define clamp(val, lo, hi)	min(max(val, lo), hi)

#define __round_mask(x, y)	((__typeof__(x))((y) - 1))
#define round_up(x, y)		((((x) - 1) | __round_mask(x, y)) + 1)
#define round_down(x, y)	((x) & ~__round_mask(x, y))
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
/* Up to a multiple of @y, which need not be a power of two. */
#ifndef roundup			/* <sys/param.h> has one too */
#define roundup(x, y)		(DIV_ROUND_UP(x, y) * (y))
#endif

/* A statement, so that it may follow other statements in a function. */
#define BUILD_BUG_ON(cond)						\
	do {								\
		_Static_assert(!(cond), "BUILD_BUG_ON: " #cond);	\
	} while (0)

/*
 * 0, in an integer constant expression, when @e is false; a build error
 * (a bit-field of negative width) when it is true.
 */
#define BUILD_BUG_ON_ZERO(e)	((int)sizeof(struct { int:(-!!(e)); }))

/*
 * Marks code the optimiser must prove unreachable, such as the default
 * case of a switch on sizeof: a call to a function declared with the
 * error attribute fails the build only if it is not optimised away.
 * Without optimisation nothing is checked.
 */
#ifdef __OPTIMIZE__
void __build_bug_failed(void) __attribute__((error("BUILD_BUG failed")));
#define BUILD_BUG()		__build_bug_failed()
#else
#define BUILD_BUG()		do { } while (0)
#endif

/* Byte order of little/big-endian data, e.g. from an ELF file or a guest. */
#define le16_to_cpu(x)		le16toh(x)
#define le32_to_cpu(x)		le32toh(x)
#define le64_to_cpu(x)		le64toh(x)
#define cpu_to_le16(x)		htole16(x)
#define cpu_to_le32(x)		htole32(x)
#define cpu_to_le64(x)		htole64(x)
#define be16_to_cpu(x)		be16toh(x)
#define be32_to_cpu(x)		be32toh(x)
#define be64_to_cpu(x)		be64toh(x)
#define cpu_to_be16(x)		htobe16(x)
#define cpu_to_be32(x)		htobe32(x)
#define cpu_to_be64(x)		htobe64(x)

#endif /* _TOOLS_LINUX_KERNEL_H */
