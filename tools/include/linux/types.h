/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LINUX_TYPES_H
#define _TOOLS_LINUX_TYPES_H

/*
 * This header shadows the uapi <linux/types.h> for everything built in
 * tools/, so it provides what the uapi one does (the __u* and __le* types
 * that <linux/kvm.h> and <linux/virtio_*.h> use) plus the kernel's short
 * names.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <asm/types.h>
/*
 * Not <linux/posix_types.h>: in a kernel tree, host programs built with
 * -I include/uapi (vdso2c) would reach the kernel's unsanitized
 * linux/stddef.h, which wants the kernel's compiler_types.h.
 */
#include <asm/posix_types.h>

#ifndef __bitwise
#define __bitwise
#endif
/* Some kernel tools headers use this with nothing but linux/types.h. */
#ifndef __must_check
#define __must_check	__attribute__((warn_unused_result))
#endif

typedef __u16 __bitwise __le16;
typedef __u16 __bitwise __be16;
typedef __u32 __bitwise __le32;
typedef __u32 __bitwise __be32;
typedef __u64 __bitwise __le64;
typedef __u64 __bitwise __be64;
typedef __u16 __bitwise __sum16;
typedef __u32 __bitwise __wsum;
typedef unsigned int __bitwise __poll_t;

#define __aligned_u64 __u64 __attribute__((aligned(8)))

/*
 * As in the kernel's tools/: u64 is uint64_t (unsigned long on 64-bit
 * hosts, unlike __u64), so that it prints with PRIx64 and code shared
 * with other tools (objtool prints u64 with %lx) builds warning-free.
 */
typedef uint64_t u64;
typedef int64_t s64;
typedef __u32 u32;
typedef __s32 s32;
typedef __u16 u16;
typedef __s16 s16;
typedef __u8 u8;
typedef __s8 s8;

#endif /* _TOOLS_LINUX_TYPES_H */
