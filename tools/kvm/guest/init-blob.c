// SPDX-License-Identifier: GPL-2.0
/*
 * Embeds the static guest init binary (built from guest/init.c by the
 * Makefile, which passes its path as GUEST_INIT_BIN) into lkvm, so that
 * 'lkvm setup' can install it without looking for files next to lkvm.
 */
#include "kvm/guest-init.h"

#ifndef GUEST_INIT_BIN
#error "GUEST_INIT_BIN: build this file through tools/kvm/Makefile"
#endif

__asm__(".section .rodata\n"
	".balign 16\n"
	".global lkvm_guest_init\n"
	"lkvm_guest_init:\n"
	".incbin \"" GUEST_INIT_BIN "\"\n"
	".global lkvm_guest_init_end\n"
	"lkvm_guest_init_end:\n"
	".previous\n");
