// SPDX-License-Identifier: GPL-2.0
/*
 * The x86 page walk behind the gdb stub's memory access, against page
 * tables built in a fake guest's RAM: 4-level and 5-level long mode
 * with 4K, 2M and 1G pages, PAE and 32-bit paging, no paging; and the
 * addresses that must fail (non-present entries, non-canonical
 * addresses, a reserved large-page bit, tables outside guest RAM).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "kvm/paging.h"
#include "fake-kvm.h"

#define CR0_PG		(1ULL << 31)
#define CR4_PSE		(1ULL << 4)
#define CR4_PAE		(1ULL << 5)
#define CR4_LA57	(1ULL << 12)
#define EFER_LMA	(1ULL << 10)
#define P		1ULL
#define RW		2ULL
#define PS		(1ULL << 7)
#define NX		(1ULL << 63)

/* Tables, one page each, in the fake RAM. */
#define PML5		(RAM_BASE + 0x0000)
#define PML4		(RAM_BASE + 0x1000)
#define PDPT		(RAM_BASE + 0x2000)
#define PD		(RAM_BASE + 0x3000)
#define PT		(RAM_BASE + 0x4000)
#define PML4_B		(RAM_BASE + 0x5000)	/* the high half of 5-level */

/* The kernel's text mapping: 0xffffffff81234567 */
#define KVA		0xffffffff81234567ULL
#define IDX(va, l)	(((va) >> (12 + 9 * ((l) - 1))) & 511)

static struct kvm *kvm;

static void set64(u64 addr, u64 v)
{
	memcpy(gpa(addr), &v, 8);
}

static void set32(u64 addr, u32 v)
{
	memcpy(gpa(addr), &v, 4);
}

static int walk(u64 cr0, u64 cr3, u64 cr4, u64 efer, u64 va, u64 *pa, u64 *size)
{
	struct x86_paging pg = { .cr0 = cr0, .cr3 = cr3, .cr4 = cr4, .efer = efer };

	return x86_paging_translate(kvm, &pg, va, pa, size);
}

static int walk4(u64 va, u64 *pa, u64 *size)
{
	return walk(CR0_PG, PML4, CR4_PAE, EFER_LMA, va, pa, size);
}

static void test_4level(void)
{
	u64 pa = 0, size = 0;

	memset(gpa(RAM_BASE), 0, 0x6000);
	set64(PML4 + IDX(KVA, 4) * 8, PDPT | P | RW);
	set64(PDPT + IDX(KVA, 3) * 8, PD | P | RW);
	set64(PD + IDX(KVA, 2) * 8, PT | P | RW);
	set64(PT + IDX(KVA, 1) * 8, 0x7654000ULL | P | NX);

	is_int(walk4(KVA, &pa, &size), 0, "4-level: a 4K page");
	is_u64(pa, 0x7654567ULL, "its physical address (NX bit not in it)");
	is_u64(size, 4096, "page size 4K");

	/* A 2M page next to it: PD entry 0x1a0 maps 0x40000000. */
	set64(PD + 0x1a0 * 8, 0x40000000ULL | P | PS);
	is_int(walk4(0xffffffff80000000ULL + (0x1a0ULL << 21) + 0x12345, &pa, &size), 0,
	       "4-level: a 2M page");
	is_u64(pa, 0x40012345ULL, "its physical address");
	is_u64(size, 2ULL << 20, "page size 2M");

	/* A 1G page: the direct map at 0xffff888000000000 */
	set64(PML4 + IDX(0xffff888000000000ULL, 4) * 8, PDPT | P);
	set64(PDPT + IDX(0xffff888000000000ULL, 3) * 8, 0x80000000ULL | P | PS);
	is_int(walk4(0xffff888000000000ULL + 0x3456789, &pa, &size), 0,
	       "4-level: a 1G page");
	is_u64(pa, 0x83456789ULL, "its physical address");
	is_u64(size, 1ULL << 30, "page size 1G");

	is_int(walk4(KVA + 0x1000, &pa, &size), -EFAULT, "a non-present PTE");
	is_int(walk4(0x00007f0000000000ULL, &pa, &size), -EFAULT, "a non-present PML4E");
	is_int(walk4(0x0000900000000000ULL, &pa, &size), -EFAULT,
	       "a non-canonical address (bit 47 clear, 46 up set)");
	is_int(walk4(0x7fffffff81234567ULL, &pa, &size), -EFAULT,
	       "the kernel address with bit 63 cleared: non-canonical");

	/* PS in a PML4E is reserved. */
	set64(PML4 + 5 * 8, 0x0ULL | P | PS);
	is_int(walk4(5ULL << 39, &pa, &size), -EFAULT, "PS in a PML4E is reserved");

	/* A table pointer outside guest RAM. */
	set64(PML4 + 6 * 8, 0x7f000000ULL | P);
	is_int(walk4(6ULL << 39, &pa, &size), -EFAULT, "a table outside guest RAM");
	is_int(walk(CR0_PG, 0x7f000000ULL, CR4_PAE, EFER_LMA, KVA, &pa, &size), -EFAULT,
	       "CR3 outside guest RAM");
}

static void test_5level(void)
{
	u64 pa = 0, size = 0, va = 0xff11000000000000ULL | (KVA & ((1ULL << 48) - 1));

	/* 57-bit addresses: PML5 index from bits 48-56. */
	set64(PML5 + IDX(va, 5) * 8, PML4_B | P);
	memset(gpa(PML4_B), 0, 4096);
	set64(PML4_B + IDX(va, 4) * 8, PDPT | P);
	is_int(walk(CR0_PG, PML5, CR4_PAE | CR4_LA57, EFER_LMA, va, &pa, &size), 0,
	       "5-level: through the PML5");
	is_u64(pa, 0x7654567ULL, "to the same 4K page");
	is_int(walk(CR0_PG, PML5, CR4_PAE | CR4_LA57, EFER_LMA, KVA, &pa, &size), -EFAULT,
	       "5-level: a non-present PML5E");
	is_int(walk(CR0_PG, PML5, CR4_PAE | CR4_LA57, EFER_LMA, 0xfe11000000000000ULL,
		    &pa, &size), -EFAULT, "5-level: non-canonical (bit 56)");
	/* Canonical for 5-level, not for 4-level. */
	is_int(walk4(va, &pa, &size), -EFAULT, "that address is non-canonical in 4-level");
}

static void test_legacy(void)
{
	u64 pa = 0, size = 0;

	is_int(walk(0, 0, 0, 0, 0x12345678ULL, &pa, &size), 0, "no paging");
	is_u64(pa, 0x12345678ULL, "identity");

	/* PAE: PDPT of 4 entries at CR3, 2M and 4K pages. */
	memset(gpa(PDPT), 0, 4096);
	memset(gpa(PD), 0, 4096);
	set64(PDPT + 3 * 8, PD | P);
	set64(PD + 8 * 8, PT | P);		/* 0xc1000000 */
	set64(PT + 0x34 * 8, 0x555000ULL | P);
	set64(PD + 9 * 8, 0x600000ULL | P | PS);	/* 0xc1200000 */
	is_int(walk(CR0_PG, PDPT, CR4_PAE, 0, 0xc1034abcULL, &pa, &size), 0, "PAE: a 4K page");
	is_u64(pa, 0x555abcULL, "its physical address");
	is_int(walk(CR0_PG, PDPT, CR4_PAE, 0, 0xc1212345ULL, &pa, &size), 0, "PAE: a 2M page");
	is_u64(pa, 0x612345ULL, "its physical address");
	is_int(walk(CR0_PG, PDPT, CR4_PAE, 0, 0x01034abcULL, &pa, &size), -EFAULT,
	       "PAE: a non-present PDPTE");

	/* 32-bit: 10-bit indexes, 4-byte entries, 4M pages with PSE. */
	memset(gpa(PD), 0, 4096);
	set32(PD + 0x300 * 4, PT | P);			/* 0xc0000000 */
	set32(PT + 0x12 * 4, 0x321000U | P);
	set32(PD + 0x301 * 4, 0x00800000U | P | PS);	/* 0xc0400000 */
	is_int(walk(CR0_PG, PD, CR4_PSE, 0, 0xc0012345ULL, &pa, &size), 0, "32-bit: a 4K page");
	is_u64(pa, 0x321345ULL, "its physical address");
	is_int(walk(CR0_PG, PD, CR4_PSE, 0, 0xc0456789ULL, &pa, &size), 0, "32-bit: a 4M page");
	is_u64(pa, 0x856789ULL, "its physical address");
	is_u64(size, 4ULL << 20, "page size 4M");
}

int main(void)
{
	plan(33);
	kvm = fake_kvm_new();
	test_4level();
	test_5level();
	test_legacy();
	return exit_status();
}
