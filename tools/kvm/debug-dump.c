// SPDX-License-Identifier: GPL-2.0
/*
 * Dumps of the vCPUs for a developer (include/kvm/debug-dump.h): the
 * registers, the instruction bytes at the PC and a walk of the kernel
 * stack, with addresses symbolized through the guest's vmlinux.
 *
 * Stock kernels keep no frame pointers (Debian's uses ORC, a tiny one
 * guesses), so the walk follows the frame pointer only when it makes a
 * sane chain, and otherwise scans the stack for words that point into
 * the kernel's text, marked '?' as Linux marks its guesses.  KASLR moves
 * the kernel from its link address: the dump looks for the vmlinux's
 * first text bytes in the guest, at the link address and at every slide
 * the architecture allows, and leaves addresses raw when they are not
 * found rather than name the wrong functions.
 *
 * Everything read comes from the guest, which may be hostile or broken:
 * reads are bounded (STACK_SCAN_BYTES, STACK_MAX_FRAMES) and go through
 * the page tables the vCPU has, never beyond guest RAM.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/align.h>
#include <linux/kernel.h>
#include <lockdep/mutex.h>
#include "kvm/log.h"
#include "kvm/strbuf.h"
#include "kvm/util.h"

#include "kvm/debug-dump.h"
#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"
#include "kvm/symbols.h"

/*
 * Where KASLR may put the kernel, from the arch's kvm-arch.h: slides
 * are multiples of KVM_ARCH_KASLR_ALIGN up to KVM_ARCH_KASLR_RANGE.
 * Without them only the link address is tried.
 */
#ifndef KVM_ARCH_KASLR_ALIGN
#define KVM_ARCH_KASLR_ALIGN	0
#define KVM_ARCH_KASLR_RANGE	0
#endif

/* Bytes of text compared to find the kernel, and how many may differ. */
#define MATCH_BYTES		64
#define MATCH_SLACK		16
#define CODE_BYTES		16
#define RAW_STACK_WORDS		16

enum kernel_match {
	MATCH_UNCHECKED,	/* no vCPU maps the kernel's text */
	MATCH_OK,		/* found, at @slide */
	MATCH_NONE,		/* mapped, but not this vmlinux */
	MATCH_NO_ANCHOR,	/* no _text: not a kernel's vmlinux */
};

struct dump_syms {
	struct symbols *syms;	/* NULL: raw addresses */
	const char *path;
	const char *why;	/* when syms is NULL */
	enum kernel_match match;
	u64 slide;
};

/* One dump at a time; the open vmlinux is kept between dumps. */
static DEFINE_MUTEX(dump_lock);
static char *run_vmlinux;
static struct {
	char *path;
	struct symbols *syms;
	char err[512];
} cache;

void debug_dump__set_vmlinux(const char *path)
{
	free(run_vmlinux);
	run_vmlinux = path ? xstrdup(path) : NULL;
}

static bool is_elf(const char *path)
{
	char magic[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ret;

	if (fd < 0)
		return false;
	ret = read(fd, magic, sizeof(magic)) == sizeof(magic) &&
	      !memcmp(magic, "\177ELF", 4);
	close(fd);
	return ret;
}

char *debug_dump__default_vmlinux(const char *kernel)
{
	char *real, *arch, *path = NULL;

	if (!kernel)
		return NULL;
	real = realpath(kernel, NULL);
	if (!real)
		return NULL;
	if (is_elf(real))
		return real;
	/* TREE/arch/ARCH/boot/IMAGE: TREE/vmlinux. */
	arch = strstr(real, "/arch/");
	while (arch && strstr(arch + 1, "/arch/"))
		arch = strstr(arch + 1, "/arch/");
	if (arch && strstr(arch + 6, "/boot/")) {
		*arch = '\0';
		path = xasprintf("%s/vmlinux", real);
		if (!is_elf(path)) {
			free(path);
			path = NULL;
		}
	}
	free(real);
	return path;
}

/* The symbols of @path, opened once; NULL with ds->why set. */
static void get_symbols(const char *path, struct dump_syms *ds)
{
	memset(ds, 0, sizeof(*ds));
	ds->path = path;
	if (!path) {
		ds->why = "no vmlinux (lkvm debug --dump --vmlinux PATH, or lkvm run --vmlinux PATH)";
		return;
	}
	if (!cache.path || strcmp(cache.path, path)) {
		symbols__close(cache.syms);
		free(cache.path);
		cache.path = xstrdup(path);
		cache.syms = NULL;
	}
	if (!cache.syms)
		cache.syms = symbols__open(path, cache.err, sizeof(cache.err));
	ds->syms = cache.syms;
	if (!ds->syms)
		ds->why = cache.err;
}

static bool similar(const u8 *a, const u8 *b, size_t n)
{
	size_t i, diff = 0;

	for (i = 0; i < n; i++)
		diff += a[i] != b[i];
	return diff <= n / (MATCH_BYTES / MATCH_SLACK);
}

/* Where @vcpu's page tables have the vmlinux's first text bytes. */
static enum kernel_match find_slide(struct symbols *syms,
				    struct kvm_cpu *vcpu, u64 *slide)
{
	u8 want[MATCH_BYTES], got[MATCH_BYTES];
	bool mapped = false;
	u64 anchor, s;
	ssize_t n;

	if (symbols__addr(syms, "_text", &anchor) &&
	    symbols__addr(syms, "_stext", &anchor))
		return MATCH_NO_ANCHOR;
	n = symbols__read(syms, anchor, want, sizeof(want));
	if (n < 16)
		return MATCH_UNCHECKED;
	for (s = 0; s <= KVM_ARCH_KASLR_RANGE; s += KVM_ARCH_KASLR_ALIGN) {
		if (kvm_cpu__read_virt(vcpu, anchor + s, got, n) == n) {
			mapped = true;
			if (similar(want, got, n)) {
				*slide = s;
				return MATCH_OK;
			}
		}
		if (!KVM_ARCH_KASLR_ALIGN)
			break;
	}
	return mapped ? MATCH_NONE : MATCH_UNCHECKED;
}

static void check_kernel(struct dump_syms *ds, struct kvm_cpu **vcpus, int nr)
{
	int i;

	ds->match = MATCH_UNCHECKED;
	for (i = 0; ds->syms && i < nr && ds->match == MATCH_UNCHECKED; i++)
		ds->match = find_slide(ds->syms, vcpus[i], &ds->slide);
}

static void put_symbols_line(struct strbuf *sb, struct dump_syms *ds)
{
	if (!ds->syms) {
		strbuf_addf(sb, "symbols: off: %s\n", ds->why);
		return;
	}
	strbuf_addf(sb, "symbols: %s (%s)\n", ds->path,
		    symbols__has_lines(ds->syms) ? "with DWARF: function+offset and file:line"
						 : "no DWARF: function+offset only");
	switch (ds->match) {
	case MATCH_OK:
		if (ds->slide)
			strbuf_addf(sb, "kernel: found at a KASLR slide of +0x%llx\n",
				    (unsigned long long)ds->slide);
		else
			strbuf_addstr(sb, "kernel: at its link address (the vmlinux matches)\n");
		break;
	case MATCH_NONE:
		strbuf_addstr(sb, "kernel: the running kernel is not this vmlinux (its text is nowhere KASLR could put it): addresses left raw\n");
		break;
	case MATCH_NO_ANCHOR:
		strbuf_addstr(sb, "kernel: the file has no _text symbol, so it is no vmlinux: addresses left raw\n");
		break;
	default:
		strbuf_addstr(sb, "kernel: not checked (no vCPU maps the kernel's text): symbols may be wrong\n");
		break;
	}
}

static bool can_symbolize(struct dump_syms *ds)
{
	return ds->syms && ds->match != MATCH_NONE &&
	       ds->match != MATCH_NO_ANCHOR;
}

/* ADDR [func+0xoff/0xsize [(file:line)]] */
static void put_addr(struct strbuf *sb, struct dump_syms *ds, u64 addr,
		     bool is_return)
{
	struct sym_info si;

	strbuf_addf(sb, "%016llx", (unsigned long long)addr);
	if (!can_symbolize(ds) ||
	    symbols__lookup(ds->syms, addr - ds->slide, is_return, &si))
		return;
	strbuf_addf(sb, " %s+0x%llx", si.name, (unsigned long long)si.offset);
	if (si.size)
		strbuf_addf(sb, "/0x%llx", (unsigned long long)si.size);
	if (si.file)
		strbuf_addf(sb, " (%s:%d)", si.file, si.line);
}

/* --- the stack walk --------------------------------------------------- */

static bool read_u64(const struct stack_walker *w, u64 va, u64 *val)
{
	return w->read(w->ctx, va, val, sizeof(*val)) == sizeof(*val);
}

/* The frame chain from @fp, within [@sp, @last]. */
static int walk_fp(const struct stack_walker *w, u64 sp, u64 last, u64 fp,
		   struct stack_frame *frames, int max)
{
	u64 next, ret;
	int n = 0;

	while (n < max) {
		if (fp < sp || (fp & 7) || fp > last - 15)
			break;
		if (!read_u64(w, fp, &next) || !read_u64(w, fp + 8, &ret) ||
		    !w->is_text(w->ctx, ret))
			break;
		frames[n].addr = ret;
		frames[n].where = fp + 8;
		frames[n].reliable = true;
		n++;
		/* The chain must climb the stack, or it loops. */
		if (next <= fp)
			break;
		sp = fp + 16;
		fp = next;
	}
	return n;
}

static int scan_stack(const struct stack_walker *w, u64 sp, u64 last,
		      struct stack_frame *frames, int max)
{
	u64 start = ALIGN(sp, 8), *words;
	ssize_t got;
	int i, n = 0;

	if (start < sp || start > last)
		return 0;
	words = xmalloc(STACK_SCAN_BYTES);
	got = w->read(w->ctx, start, words,
		      min_t(u64, last - start + 1, STACK_SCAN_BYTES));
	for (i = 0; got > 0 && i < got / 8 && n < max; i++) {
		if (!w->is_text(w->ctx, words[i]))
			continue;
		frames[n].addr = words[i];
		frames[n].where = start + 8 * i;
		frames[n].reliable = false;
		n++;
	}
	free(words);
	return n;
}

int stack_walk(const struct stack_walker *w, u64 sp, u64 fp,
	       struct stack_frame *frames, int max, enum stack_method *method)
{
	u64 last = sp | (STACK_SCAN_BYTES - 1);
	int n;

	*method = STACK_NONE;
	if (max <= 0)
		return 0;
	n = walk_fp(w, sp, last, fp, frames, max);
	if (n >= 2) {
		*method = STACK_FP;
		return n;
	}
	n = scan_stack(w, sp, last, frames, max);
	if (n)
		*method = STACK_SCAN;
	return n;
}

/* --- one vCPU ----------------------------------------------------------- */

struct walk_ctx {
	struct kvm_cpu *vcpu;
	struct dump_syms *ds;
};

static ssize_t walk_read(void *ctx, u64 va, void *buf, size_t len)
{
	struct walk_ctx *c = ctx;

	return kvm_cpu__read_virt(c->vcpu, va, buf, len);
}

static bool walk_is_text(void *ctx, u64 addr)
{
	struct walk_ctx *c = ctx;

	return symbols__is_text(c->ds->syms, addr - c->ds->slide);
}

static void dump_code(struct strbuf *sb, struct kvm_cpu *vcpu, u64 pc)
{
	u8 code[CODE_BYTES];
	ssize_t n, i;

	n = kvm_cpu__read_virt(vcpu, pc, code, sizeof(code));
	if (n <= 0) {
		strbuf_addstr(sb, "  code: (the pc is not mapped to guest RAM)\n");
		return;
	}
	strbuf_addstr(sb, "  code:");
	for (i = 0; i < n; i++)
		strbuf_addf(sb, " %02x", code[i]);
	strbuf_addch(sb, '\n');
}

static void dump_raw_stack(struct strbuf *sb, struct kvm_cpu *vcpu, u64 sp)
{
	u64 words[RAW_STACK_WORDS];
	ssize_t n;
	int i;

	n = kvm_cpu__read_virt(vcpu, sp, words, sizeof(words));
	if (n < 8) {
		strbuf_addstr(sb, "  stack: (the sp is not mapped to guest RAM)\n");
		return;
	}
	strbuf_addstr(sb, "  stack words (no symbols: no walk):");
	for (i = 0; i < n / 8; i++)
		strbuf_addf(sb, "%s%016llx", i % 4 ? " " : "\n   ",
			    (unsigned long long)words[i]);
	strbuf_addch(sb, '\n');
}

static void dump_trace(struct strbuf *sb, struct kvm_cpu *vcpu,
		       struct dump_syms *ds, u64 sp, u64 fp)
{
	struct stack_frame frames[STACK_MAX_FRAMES];
	struct walk_ctx ctx = { .vcpu = vcpu, .ds = ds };
	struct stack_walker w = {
		.read = walk_read, .is_text = walk_is_text, .ctx = &ctx,
	};
	enum stack_method method;
	int i, n;

	if (!can_symbolize(ds)) {
		dump_raw_stack(sb, vcpu, sp);
		return;
	}
	n = stack_walk(&w, sp, fp, frames, ARRAY_SIZE(frames), &method);
	switch (method) {
	case STACK_FP:
		strbuf_addstr(sb, "  call trace (frame pointers: reliable if the kernel keeps them):\n");
		break;
	case STACK_SCAN:
		strbuf_addf(sb, "  call trace (stack scan of 0x%llx-0x%llx: unreliable, '?' marks guesses):\n",
			    (unsigned long long)sp,
			    (unsigned long long)(sp | (STACK_SCAN_BYTES - 1)));
		break;
	default:
		strbuf_addf(sb, "  call trace: none (nothing at sp 0x%llx points into the kernel's text: user mode, or not a kernel stack)\n",
			    (unsigned long long)sp);
		return;
	}
	for (i = 0; i < n; i++) {
		strbuf_addstr(sb, frames[i].reliable ? "    " : "    ? ");
		put_addr(sb, ds, frames[i].addr, true);
		strbuf_addch(sb, '\n');
	}
}

/* The code at the PC (unless shown already), the PC symbolized, the stack. */
static void dump_where(struct strbuf *sb, struct kvm_cpu *vcpu,
		       struct dump_syms *ds, bool code)
{
	u64 pc, sp, fp;
	int ret;

	ret = kvm_cpu__arch_get_pc_sp(vcpu, &pc, &sp);
	if (!ret)
		ret = kvm_cpu__arch_get_fp(vcpu, &fp);
	if (ret) {
		strbuf_addf(sb, "  (cannot read the registers: %s)\n",
			    strerror(-ret));
		return;
	}
	if (code)
		dump_code(sb, vcpu, pc);
	strbuf_addstr(sb, "  pc ");
	if (can_symbolize(ds) && !symbols__is_text(ds->syms, pc - ds->slide))
		strbuf_addf(sb, "%016llx (not in the kernel's text)",
			    (unsigned long long)pc);
	else
		put_addr(sb, ds, pc, false);
	strbuf_addch(sb, '\n');
	dump_trace(sb, vcpu, ds, sp, fp);
}

static void dump_vcpus(struct strbuf *sb, struct kvm *kvm, const char *vmlinux)
{
	struct dump_syms ds;
	int i;

	get_symbols(vmlinux, &ds);
	check_kernel(&ds, kvm->cpus, kvm->nrcpus);
	strbuf_addf(sb, "lkvm dump: %s, %d vCPU%s\n",
		    kvm->cfg.guest_name ? kvm->cfg.guest_name : "guest",
		    kvm->nrcpus, kvm->nrcpus == 1 ? "" : "s");
	put_symbols_line(sb, &ds);
	for (i = 0; i < kvm->nrcpus; i++) {
		strbuf_addf(sb, "vCPU %d:\n", i);
		kvm_cpu__arch_dump_registers(kvm->cpus[i], sb);
		dump_where(sb, kvm->cpus[i], &ds, true);
	}
}

int debug_dump__vm(struct kvm *kvm, const char *vmlinux, struct strbuf *sb)
{
	bool paused = kvm__paused(kvm);
	int ret;

	if (!kvm->cpus)
		return -EAGAIN;
	if (!paused) {
		ret = kvm__pause_quiet(kvm);
		if (ret) {
			strbuf_addf(sb, "lkvm dump: cannot stop the vCPUs: %s\n",
				    ret == -EAGAIN ? "they have not started yet"
						   : strerror(-ret));
			return ret;
		}
	}
	mutex_lock(&dump_lock);
	dump_vcpus(sb, kvm, vmlinux ? vmlinux : run_vmlinux);
	mutex_unlock(&dump_lock);
	if (!paused)
		kvm__resume_quiet(kvm);
	return 0;
}

void debug_dump__signal(struct kvm *kvm)
{
	struct strbuf sb = STRBUF_INIT;

	if (debug_dump__vm(kvm, NULL, &sb))
		kvm_cpu__dump_all(kvm);	/* each vCPU its registers, at least */
	fputs(sb.buf, stderr);
	strbuf_release(&sb);
}

void debug_dump__fatal(struct kvm_cpu *vcpu)
{
	struct strbuf sb = STRBUF_INIT;
	struct dump_syms ds;

	mutex_lock(&dump_lock);
	get_symbols(run_vmlinux, &ds);
	check_kernel(&ds, &vcpu, 1);
	put_symbols_line(&sb, &ds);
	dump_where(&sb, vcpu, &ds, false);
	mutex_unlock(&dump_lock);
	fputs(sb.buf, stderr);
	strbuf_release(&sb);
}
