// SPDX-License-Identifier: GPL-2.0
/*
 * A stopped x86 vCPU's registers by number, and its view of guest
 * virtual memory: the generic side of debuggers (kvm/kvm-cpu.h).  The
 * numbers follow gdb's x86-64 description (x86/gdb.c gives it to gdb):
 * the general registers, rip, eflags, the segment selectors, the x87
 * and SSE state, fs_base and gs_base, then the control registers.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kernel.h>

#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"
#include "kvm/paging.h"

enum reg_group { G_REGS, G_SREGS, G_FPU };

enum {
	R_RIP = 16, R_EFLAGS, R_CS, R_SS, R_DS, R_ES, R_FS, R_GS,
	R_ST0, R_FCTRL = R_ST0 + 8, R_FSTAT, R_FTAG, R_FISEG, R_FIOFF,
	R_FOSEG, R_FOOFF, R_FOP, R_XMM0, R_MXCSR = R_XMM0 + 16,
	R_FS_BASE, R_GS_BASE, R_CR0, R_CR2, R_CR3, R_CR4, R_CR8, R_EFER,
	NR_REGS
};

static const struct kvm_cpu_reg regs[NR_REGS] = {
	{ "rax", 8 }, { "rbx", 8 }, { "rcx", 8 }, { "rdx", 8 },
	{ "rsi", 8 }, { "rdi", 8 }, { "rbp", 8 }, { "rsp", 8 },
	{ "r8", 8 }, { "r9", 8 }, { "r10", 8 }, { "r11", 8 },
	{ "r12", 8 }, { "r13", 8 }, { "r14", 8 }, { "r15", 8 },
	{ "rip", 8 }, { "eflags", 4 },
	{ "cs", 4 }, { "ss", 4 }, { "ds", 4 }, { "es", 4 }, { "fs", 4 }, { "gs", 4 },
	{ "st0", 10 }, { "st1", 10 }, { "st2", 10 }, { "st3", 10 },
	{ "st4", 10 }, { "st5", 10 }, { "st6", 10 }, { "st7", 10 },
	{ "fctrl", 4 }, { "fstat", 4 }, { "ftag", 4 }, { "fiseg", 4 },
	{ "fioff", 4 }, { "foseg", 4 }, { "fooff", 4 }, { "fop", 4 },
	{ "xmm0", 16 }, { "xmm1", 16 }, { "xmm2", 16 }, { "xmm3", 16 },
	{ "xmm4", 16 }, { "xmm5", 16 }, { "xmm6", 16 }, { "xmm7", 16 },
	{ "xmm8", 16 }, { "xmm9", 16 }, { "xmm10", 16 }, { "xmm11", 16 },
	{ "xmm12", 16 }, { "xmm13", 16 }, { "xmm14", 16 }, { "xmm15", 16 },
	{ "mxcsr", 4 }, { "fs_base", 8 }, { "gs_base", 8 },
	{ "cr0", 8 }, { "cr2", 8 }, { "cr3", 8 }, { "cr4", 8 }, { "cr8", 8 },
	{ "efer", 8 },
};

/* The vCPU's state, one ioctl group at a time. */
struct state {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
};

static enum reg_group reg_group(int n)
{
	if (n <= R_EFLAGS)
		return G_REGS;
	if (n <= R_GS || n >= R_FS_BASE)
		return G_SREGS;
	return G_FPU;
}

static int get_group(struct kvm_cpu *vcpu, enum reg_group g, struct state *s)
{
	static const unsigned long req[] = { KVM_GET_REGS, KVM_GET_SREGS, KVM_GET_FPU };
	void *arg[] = { &s->regs, &s->sregs, &s->fpu };

	return ioctl(vcpu->vcpu_fd, req[g], arg[g]) < 0 ? -errno : 0;
}

static int set_group(struct kvm_cpu *vcpu, enum reg_group g, struct state *s)
{
	static const unsigned long req[] = { KVM_SET_REGS, KVM_SET_SREGS, KVM_SET_FPU };
	void *arg[] = { &s->regs, &s->sregs, &s->fpu };

	return ioctl(vcpu->vcpu_fd, req[g], arg[g]) < 0 ? -errno : 0;
}

/* gdb's order of the general registers into struct kvm_regs. */
static __u64 *gpr(struct kvm_regs *r, int n)
{
	__u64 *map[] = {
		&r->rax, &r->rbx, &r->rcx, &r->rdx, &r->rsi, &r->rdi,
		&r->rbp, &r->rsp, &r->r8, &r->r9, &r->r10, &r->r11,
		&r->r12, &r->r13, &r->r14, &r->r15, &r->rip,
	};

	return map[n];
}

static struct kvm_segment *segment(struct kvm_sregs *s, int n)
{
	struct kvm_segment *map[] = { &s->cs, &s->ss, &s->ds, &s->es, &s->fs, &s->gs };

	return map[n - R_CS];
}

static __u64 *sys_reg(struct kvm_sregs *s, int n)
{
	__u64 *map[] = { &s->fs.base, &s->gs.base, &s->cr0, &s->cr2, &s->cr3,
		       &s->cr4, &s->cr8, &s->efer };

	return map[n - R_FS_BASE];
}

/* FXSAVE keeps one "not empty" bit per register; gdb wants 2-bit tags. */
static u32 full_ftag(u8 abridged)
{
	u32 tag = 0;
	int i;

	for (i = 0; i < 8; i++)
		if (!(abridged & (1 << i)))
			tag |= 3U << (2 * i);
	return tag;
}

static u8 abridged_ftag(u32 tag)
{
	u8 abridged = 0;
	int i;

	for (i = 0; i < 8; i++)
		if (((tag >> (2 * i)) & 3) != 3)
			abridged |= 1 << i;
	return abridged;
}

static void get_fpu_reg(struct kvm_fpu *f, int n, void *buf)
{
	u32 v = 0;

	if (n >= R_ST0 && n < R_FCTRL) {
		memcpy(buf, f->fpr[n - R_ST0], 10);
		return;
	}
	if (n >= R_XMM0 && n < R_MXCSR) {
		memcpy(buf, f->xmm[n - R_XMM0], 16);
		return;
	}
	switch (n) {
	case R_FCTRL:
		v = f->fcw;
		break;
	case R_FSTAT:
		v = f->fsw;
		break;
	case R_FTAG:
		v = full_ftag(f->ftwx);
		break;
	case R_FIOFF:
		v = (u32)f->last_ip;
		break;
	case R_FOOFF:
		v = (u32)f->last_dp;
		break;
	case R_FOP:
		v = f->last_opcode;
		break;
	case R_MXCSR:
		v = f->mxcsr;
		break;
	default:		/* fiseg, foseg: none in 64-bit FXSAVE */
		break;
	}
	memcpy(buf, &v, 4);
}

static void set_fpu_reg(struct kvm_fpu *f, int n, const void *buf)
{
	u32 v;

	if (n >= R_ST0 && n < R_FCTRL) {
		memcpy(f->fpr[n - R_ST0], buf, 10);
		return;
	}
	if (n >= R_XMM0 && n < R_MXCSR) {
		memcpy(f->xmm[n - R_XMM0], buf, 16);
		return;
	}
	memcpy(&v, buf, 4);
	switch (n) {
	case R_FCTRL:
		f->fcw = v;
		break;
	case R_FSTAT:
		f->fsw = v;
		break;
	case R_FTAG:
		f->ftwx = abridged_ftag(v);
		break;
	case R_FIOFF:
		f->last_ip = v;
		break;
	case R_FOOFF:
		f->last_dp = v;
		break;
	case R_FOP:
		f->last_opcode = v;
		break;
	case R_MXCSR:
		f->mxcsr = v;
		break;
	default:
		break;
	}
}

int kvm_cpu__arch_nr_regs(void)
{
	return NR_REGS;
}

const struct kvm_cpu_reg *kvm_cpu__arch_reg(int n)
{
	return n >= 0 && n < NR_REGS ? &regs[n] : NULL;
}

int kvm_cpu__arch_get_reg(struct kvm_cpu *vcpu, int n, void *buf)
{
	struct state s;
	u32 v;
	int ret;

	if (n < 0 || n >= NR_REGS)
		return -EINVAL;
	ret = get_group(vcpu, reg_group(n), &s);
	if (ret)
		return ret;
	if (n <= R_RIP) {
		memcpy(buf, gpr(&s.regs, n), 8);
	} else if (n == R_EFLAGS) {
		v = s.regs.rflags;
		memcpy(buf, &v, 4);
	} else if (n <= R_GS) {
		v = segment(&s.sregs, n)->selector;
		memcpy(buf, &v, 4);
	} else if (n >= R_FS_BASE) {
		memcpy(buf, sys_reg(&s.sregs, n), 8);
	} else {
		get_fpu_reg(&s.fpu, n, buf);
	}
	return 0;
}

int kvm_cpu__arch_set_reg(struct kvm_cpu *vcpu, int n, const void *buf)
{
	enum reg_group g;
	struct state s;
	u32 v;
	int ret;

	if (n < 0 || n >= NR_REGS)
		return -EINVAL;
	g = reg_group(n);
	ret = get_group(vcpu, g, &s);
	if (ret)
		return ret;
	if (n <= R_RIP) {
		memcpy(gpr(&s.regs, n), buf, 8);
	} else if (n == R_EFLAGS) {
		memcpy(&v, buf, 4);
		s.regs.rflags = v;
	} else if (n <= R_GS) {
		/* A selector without its descriptor would lie: keep it. */
		memcpy(&v, buf, 4);
		return v == segment(&s.sregs, n)->selector ? 0 : -EOPNOTSUPP;
	} else if (n >= R_FS_BASE) {
		memcpy(sys_reg(&s.sregs, n), buf, 8);
	} else {
		set_fpu_reg(&s.fpu, n, buf);
	}
	return set_group(vcpu, g, &s);
}

int kvm_cpu__arch_get_pc_sp(struct kvm_cpu *vcpu, u64 *pc, u64 *sp)
{
	struct kvm_regs r;

	if (ioctl(vcpu->vcpu_fd, KVM_GET_REGS, &r) < 0)
		return -errno;
	*pc = r.rip;
	*sp = r.rsp;
	return 0;
}

int kvm_cpu__arch_get_fp(struct kvm_cpu *vcpu, u64 *fp)
{
	struct kvm_regs r;

	if (ioctl(vcpu->vcpu_fd, KVM_GET_REGS, &r) < 0)
		return -errno;
	*fp = r.rbp;
	return 0;
}

int kvm_cpu__arch_translate(struct kvm_cpu *vcpu, u64 va, u64 *pa,
			    u64 *page_size)
{
	struct kvm_sregs s;
	struct x86_paging pg;

	if (ioctl(vcpu->vcpu_fd, KVM_GET_SREGS, &s) < 0)
		return -errno;
	pg = (struct x86_paging){ .cr0 = s.cr0, .cr3 = s.cr3, .cr4 = s.cr4,
				  .efer = s.efer };
	return x86_paging_translate(vcpu->kvm, &pg, va, pa, page_size);
}
