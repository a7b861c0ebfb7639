// SPDX-License-Identifier: GPL-2.0
/*
 * Embeds the static guest init binary (built from guest/init.c by the
 * Makefile, which passes its path as GUEST_INIT_BIN) into lkvm, so that
 * 'lkvm setup' can install it without looking for files next to lkvm.
 */
#include <sys/mman.h>
#include <unistd.h>

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

/*
 * Setup reads the whole blob once, to compare or to write it; its pages
 * would then stay mapped, and in lkvm's RSS, for as long as the VM runs.
 * They are clean file pages: dropping them costs a re-read from the page
 * cache should the blob be needed again.
 */
void lkvm_guest_init_release(void)
{
	unsigned long page = sysconf(_SC_PAGESIZE);
	unsigned long start = ((unsigned long)lkvm_guest_init + page - 1) & ~(page - 1);
	unsigned long end = (unsigned long)lkvm_guest_init_end & ~(page - 1);

	if (end > start)
		madvise((void *)start, end - start, MADV_DONTNEED);
}
