/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LINUX_COMPILER_H
#define _TOOLS_LINUX_COMPILER_H

#define __packed		__attribute__((packed))
#define __aligned(x)		__attribute__((aligned(x)))
#define __maybe_unused		__attribute__((unused))
#define __noreturn		__attribute__((noreturn))
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define __weak			__attribute__((weak))
#ifndef __must_check
#define __must_check		__attribute__((warn_unused_result))
#endif
#ifndef __always_inline
#define __always_inline		inline __attribute__((always_inline))
#endif

/* Code that wants none of the hints defines these first. */
#ifndef likely
#define likely(x)		__builtin_expect(!!(x), 1)
#endif
#ifndef unlikely
#define unlikely(x)		__builtin_expect(!!(x), 0)
#endif

/* Paste after expanding the arguments, e.g. __PASTE(name_, __LINE__). */
#define ___PASTE(a, b)		a##b
#define __PASTE(a, b)		___PASTE(a, b)

#define barrier()		__asm__ __volatile__("" : : : "memory")

/*
 * Accesses that must happen exactly once, e.g. to memory the guest shares
 * with us: the compiler may neither tear nor repeat them.
 */
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)	(*(volatile __typeof__(x) *)&(x) = (val))

#endif /* _TOOLS_LINUX_COMPILER_H */
