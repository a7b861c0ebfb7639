// SPDX-License-Identifier: GPL-2.0
/*
 * The stack walk of the dumps (stack_walk() in debug-dump.c) over a fake
 * guest: a 16 KiB stack and a text range.  A sane frame-pointer chain
 * is followed; a broken or looping one, or none, falls back to scanning
 * the stack for text addresses; the scan stops at the stack's end and
 * at STACK_MAX_FRAMES; an unmapped stack gives nothing, not a crash.
 */
#include <string.h>

#include "tap.h"
#include "kvm/debug-dump.h"

#define STACK_BASE	0xffffc90000010000ULL	/* 16 KiB aligned */
#define TEXT_START	0xffffffff81000000ULL
#define TEXT_END	0xffffffff81100000ULL

static u64 stack[STACK_SCAN_BYTES / 8];
static bool unmapped;
static int reads;

static ssize_t fake_read(void *ctx, u64 va, void *buf, size_t len)
{
	reads++;
	if (unmapped || va < STACK_BASE || va >= STACK_BASE + sizeof(stack))
		return -14;
	if (len > STACK_BASE + sizeof(stack) - va)
		len = STACK_BASE + sizeof(stack) - va;
	memcpy(buf, (u8 *)stack + (va - STACK_BASE), len);
	return len;
}

static bool fake_is_text(void *ctx, u64 addr)
{
	return addr >= TEXT_START && addr < TEXT_END;
}

static const struct stack_walker walker = {
	.read = fake_read, .is_text = fake_is_text,
};

static void put(u64 va, u64 val)
{
	stack[(va - STACK_BASE) / 8] = val;
}

static void reset(void)
{
	memset(stack, 0, sizeof(stack));
	unmapped = false;
	reads = 0;
}

static void test_frame_pointers(void)
{
	struct stack_frame f[STACK_MAX_FRAMES];
	enum stack_method m;
	u64 sp = STACK_BASE + 0x100, fp0 = sp + 0x40, fp1 = sp + 0x80;
	int n;

	reset();
	put(fp0, fp1);
	put(fp0 + 8, TEXT_START + 0x100);
	put(fp1, 0);
	put(fp1 + 8, TEXT_START + 0x200);
	put(sp + 0x10, TEXT_START + 0x999);	/* a stale one, not in the chain */
	n = stack_walk(&walker, sp, fp0, f, STACK_MAX_FRAMES, &m);
	ok(m == STACK_FP && n == 2, "a sane chain is followed (%d frames)", n);
	ok(n == 2 && f[0].addr == TEXT_START + 0x100 &&
	   f[1].addr == TEXT_START + 0x200 && f[0].reliable && f[1].reliable,
	   "its return addresses, in order, reliable");
}

static void test_fallback(void)
{
	struct stack_frame f[STACK_MAX_FRAMES];
	enum stack_method m;
	u64 sp = STACK_BASE + 0x100;
	int n;

	reset();
	put(sp + 0x10, TEXT_START + 0x300);
	put(sp + 0x200, TEXT_START + 0x400);
	put(sp + 0x208, 0x1234);
	n = stack_walk(&walker, sp, 0xdeadbeef, f, STACK_MAX_FRAMES, &m);
	ok(m == STACK_SCAN && n == 2, "a bogus fp: the stack is scanned");
	ok(n == 2 && f[0].addr == TEXT_START + 0x300 && !f[0].reliable &&
	   f[1].where == sp + 0x200, "the text words, unreliable, with their slots");

	/* A chain that points at itself: one frame only, so a scan. */
	put(sp + 0x40, sp + 0x40);
	put(sp + 0x48, TEXT_START + 0x500);
	n = stack_walk(&walker, sp, sp + 0x40, f, STACK_MAX_FRAMES, &m);
	ok(m == STACK_SCAN && n == 3, "a looping chain: scanned instead");

	/* A chain that leaves the stack. */
	put(sp + 0x40, STACK_BASE + 0x8000);
	n = stack_walk(&walker, sp, sp + 0x40, f, STACK_MAX_FRAMES, &m);
	ok(m == STACK_SCAN, "a chain out of the stack: scanned instead");

	/* An fp below sp is never followed. */
	put(sp - 0x40, sp);
	put(sp - 0x38, TEXT_START);
	n = stack_walk(&walker, sp, sp - 0x40, f, STACK_MAX_FRAMES, &m);
	ok(m == STACK_SCAN, "an fp below sp: scanned instead");
}

static void test_bounds(void)
{
	struct stack_frame f[STACK_MAX_FRAMES];
	enum stack_method m;
	u64 sp = STACK_BASE + sizeof(stack) - 0x20, i;
	int n;

	reset();
	/* The stack's last words: the scan stops at its 16 KiB boundary. */
	put(sp + 0x18, TEXT_START + 1);
	n = stack_walk(&walker, sp, 0, f, STACK_MAX_FRAMES, &m);
	ok(n == 1 && f[0].where == sp + 0x18, "the scan ends at the stack's end");

	reset();
	for (i = 0; i < sizeof(stack) / 8; i++)
		stack[i] = TEXT_START + i;
	n = stack_walk(&walker, STACK_BASE, 0, f, STACK_MAX_FRAMES, &m);
	is_int(n, STACK_MAX_FRAMES, "at most STACK_MAX_FRAMES frames");

	/* A chain of text everywhere stops at max too. */
	reset();
	for (i = 0; i < 64; i++) {
		put(STACK_BASE + 16 * i, STACK_BASE + 16 * (i + 1));
		put(STACK_BASE + 16 * i + 8, TEXT_START + i);
	}
	n = stack_walk(&walker, STACK_BASE, STACK_BASE, f, 8, &m);
	ok(m == STACK_FP && n == 8, "a long chain stops at max");

	reset();
	unmapped = true;
	n = stack_walk(&walker, STACK_BASE + 0x100, STACK_BASE + 0x140, f,
		       STACK_MAX_FRAMES, &m);
	ok(n == 0 && m == STACK_NONE, "an unmapped stack: no frames");
	ok(reads <= 4, "and only a few reads (%d)", reads);

	reset();
	n = stack_walk(&walker, ~0ULL - 7, ~0ULL - 7, f, STACK_MAX_FRAMES, &m);
	ok(n == 0 && m == STACK_NONE, "an sp at the top of the address space");
	n = stack_walk(&walker, STACK_BASE, 0, f, 0, &m);
	ok(n == 0, "max 0: nothing");
}

int main(void)
{
	plan(14);
	test_frame_pointers();
	test_fallback();
	test_bounds();
	return exit_status();
}
