/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__X86_PAGING_H
#define KVM__X86_PAGING_H

#include <linux/types.h>

struct kvm;

/* The registers that decide how a vCPU translates linear addresses. */
struct x86_paging {
	u64 cr0;
	u64 cr3;
	u64 cr4;
	u64 efer;
};

/*
 * Walks the guest's page tables in guest RAM the way the vCPU would:
 * no paging, 32-bit paging (4M pages with CR4.PSE), PAE, and 4-level and
 * 5-level long mode (2M and 1G pages).  On success *@pa is the guest
 * physical address of @va and *@page_size the size of the page that
 * maps it.  -EFAULT when @va is not mapped (a non-present entry, a
 * non-canonical address, a reserved large-page bit) or a table lies
 * outside guest RAM.  Access rights are not checked: a debugger may
 * read what the guest may not.
 */
int x86_paging_translate(struct kvm *kvm, const struct x86_paging *pg, u64 va,
			 u64 *pa, u64 *page_size);

#endif /* KVM__X86_PAGING_H */
