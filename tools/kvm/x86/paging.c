// SPDX-License-Identifier: GPL-2.0
/*
 * Guest-virtual to guest-physical translation by walking the guest's
 * page tables (for the gdb stub and the register dumps): what the vCPU's
 * MMU would do, from its CR0, CR3, CR4 and EFER.
 */
#include <errno.h>
#include <string.h>

#include "kvm/kvm.h"
#include "kvm/paging.h"

#define CR0_PG		(1ULL << 31)
#define CR4_PSE		(1ULL << 4)
#define CR4_PAE		(1ULL << 5)
#define CR4_LA57	(1ULL << 12)
#define EFER_LMA	(1ULL << 10)

#define PTE_PRESENT	(1ULL << 0)
#define PTE_LARGE	(1ULL << 7)
#define PTE_ADDR_MASK	0x000ffffffffff000ULL
#define PTE32_ADDR_MASK	0xfffff000ULL

struct walk {
	int levels;		/* levels left below the root */
	int bits;		/* index bits per level: 9, or 10 for 32-bit */
	int entry_size;		/* 8, or 4 for 32-bit */
	int large_from;		/* highest level whose entries may map a
				 * page (0: none, the bit is ignored) */
	u64 table;
};

static int read_entry(struct kvm *kvm, u64 addr, int size, u64 *entry)
{
	void *p = guest_range_to_host(kvm, addr, size);
	u32 e32;

	if (!p)
		return -EFAULT;
	if (size == 4) {
		memcpy(&e32, p, 4);
		*entry = e32;
	} else {
		memcpy(entry, p, 8);
	}
	return 0;
}

/* The page an entry maps at @level, whose pages are 2^@shift bytes. */
static u64 page_base(const struct walk *w, u64 entry, int level, int shift)
{
	u64 mask = ~((1ULL << shift) - 1);

	if (w->entry_size == 8)
		return entry & PTE_ADDR_MASK & mask;
	if (level == 1)
		return entry & PTE32_ADDR_MASK;
	/* A 4M page: PSE-36 puts address bits 32-39 in bits 13-20. */
	return (entry & 0xffc00000ULL) | (((entry >> 13) & 0xff) << 32);
}

/* Bits @width - 1 and up all equal. */
static bool canonical(u64 va, int width)
{
	u64 top = va >> (width - 1);

	return !top || top == ~0ULL >> (width - 1);
}

/* Sets up @w for the vCPU's mode; *@va is cut to what the mode uses. */
static int walk_start(struct kvm *kvm, const struct x86_paging *pg, u64 *va,
		      struct walk *w)
{
	u64 pdpte;

	w->bits = 9;
	w->entry_size = 8;
	w->large_from = 2;
	if (pg->efer & EFER_LMA) {
		w->levels = pg->cr4 & CR4_LA57 ? 5 : 4;
		w->large_from = 3;
		w->table = pg->cr3 & PTE_ADDR_MASK;
		return canonical(*va, 12 + 9 * w->levels) ? 0 : -EFAULT;
	}
	*va &= 0xffffffffULL;
	if (pg->cr4 & CR4_PAE) {
		/* The four PDPTEs are the root; they never map a page. */
		if (read_entry(kvm, (pg->cr3 & 0xffffffe0ULL) + ((*va >> 30) & 3) * 8,
			       8, &pdpte) || !(pdpte & PTE_PRESENT))
			return -EFAULT;
		w->levels = 2;
		w->table = pdpte & PTE_ADDR_MASK;
		return 0;
	}
	w->levels = 2;
	w->bits = 10;
	w->entry_size = 4;
	w->large_from = pg->cr4 & CR4_PSE ? 2 : 0;
	w->table = pg->cr3 & PTE32_ADDR_MASK;
	return 0;
}

int x86_paging_translate(struct kvm *kvm, const struct x86_paging *pg, u64 va,
			 u64 *pa, u64 *page_size)
{
	struct walk w;
	int level, shift, ret;
	u64 entry, idx;

	if (!(pg->cr0 & CR0_PG)) {
		*pa = va & 0xffffffffULL;
		*page_size = 4096;
		return 0;
	}
	ret = walk_start(kvm, pg, &va, &w);
	if (ret)
		return ret;

	for (level = w.levels; level >= 1; level--) {
		shift = 12 + w.bits * (level - 1);
		idx = (va >> shift) & ((1ULL << w.bits) - 1);
		if (read_entry(kvm, w.table + idx * w.entry_size, w.entry_size,
			       &entry) || !(entry & PTE_PRESENT))
			return -EFAULT;
		/* Without CR4.PSE, 32-bit paging ignores the bit. */
		if (level > 1 && (entry & PTE_LARGE) && w.large_from) {
			if (level > w.large_from)
				return -EFAULT;	/* reserved bit set */
		} else if (level > 1) {
			w.table = entry & (w.entry_size == 8 ? PTE_ADDR_MASK :
					   PTE32_ADDR_MASK);
			continue;
		}
		*page_size = 1ULL << shift;
		*pa = page_base(&w, entry, level, shift) | (va & (*page_size - 1));
		return 0;
	}
	return -EFAULT;
}
