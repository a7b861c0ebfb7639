// SPDX-License-Identifier: GPL-2.0
/*
 * x86 vCPUs: CPUID, MSRs, FPU and LAPIC set up at creation; the BSP's
 * registers set to the kernel's entry (long mode or flat protected mode,
 * no real-mode BIOS).  APs wait for INIT/SIPI in the in-kernel LAPIC.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kernel.h>
#include "kvm/log.h"
#include "kvm/strbuf.h"
#include "kvm/util.h"

#include "kvm/cpuid.h"
#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"

#define X86_CR0_PE		(1ULL << 0)
#define X86_CR0_MP		(1ULL << 1)
#define X86_CR0_ET		(1ULL << 4)
#define X86_CR0_NE		(1ULL << 5)
#define X86_CR0_PG		(1ULL << 31)
#define X86_CR4_PAE		(1ULL << 5)
#define X86_CR4_LA57		(1ULL << 12)
#define EFER_LME		(1ULL << 8)
#define EFER_LMA		(1ULL << 10)

#define MSR_IA32_SYSENTER_CS	0x00000174
#define MSR_IA32_SYSENTER_ESP	0x00000175
#define MSR_IA32_SYSENTER_EIP	0x00000176
#define MSR_IA32_MISC_ENABLE	0x000001a0
#define MSR_MTRR_DEF_TYPE	0x000002ff
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SYSCALL_MASK	0xc0000084
#define MSR_KERNEL_GS_BASE	0xc0000102

#define MISC_ENABLE_FAST_STRING	(1ULL << 0)
#define MTRR_DEF_ENABLE_WB	((1ULL << 11) | 6)	/* MTRRs on, default WB */

#define APIC_LVT0		0x350
#define APIC_LVT1		0x360
#define APIC_MODE_NMI		0x4
#define APIC_MODE_EXTINT	0x7

#define BOOT_CS			0x10
#define BOOT_DS			0x18

static int vcpu_ioctl(struct kvm_cpu *vcpu, unsigned long req, void *arg,
		      const char *name)
{
	if (ioctl(vcpu->vcpu_fd, req, arg) < 0)
		return error("vCPU %lu: %s: %s", vcpu->cpu_id, name,
			     strerror(errno));
	return 0;
}

static u32 lapic_get(struct kvm_lapic_state *lapic, int reg)
{
	u32 v;

	memcpy(&v, &lapic->regs[reg], sizeof(v));
	return v;
}

static void lapic_set(struct kvm_lapic_state *lapic, int reg, u32 v)
{
	memcpy(&lapic->regs[reg], &v, sizeof(v));
}

/* LINT0 takes the PIC's ExtINT on the BSP, LINT1 is NMI everywhere. */
static int setup_lapic(struct kvm_cpu *vcpu)
{
	struct kvm_lapic_state *lapic = &vcpu->arch.lapic;
	u32 lvt;

	if (vcpu_ioctl(vcpu, KVM_GET_LAPIC, lapic, "KVM_GET_LAPIC") < 0)
		return -1;
	if (vcpu->cpu_id == 0) {
		lvt = lapic_get(lapic, APIC_LVT0) & ~0x700U & ~(1U << 16);
		lapic_set(lapic, APIC_LVT0, lvt | (APIC_MODE_EXTINT << 8));
	}
	lvt = lapic_get(lapic, APIC_LVT1) & ~0x700U & ~(1U << 16);
	lapic_set(lapic, APIC_LVT1, lvt | (APIC_MODE_NMI << 8));
	return vcpu_ioctl(vcpu, KVM_SET_LAPIC, lapic, "KVM_SET_LAPIC");
}

static int setup_msrs(struct kvm_cpu *vcpu)
{
	static const struct kvm_msr_entry init_msrs[] = {
		{ .index = MSR_IA32_SYSENTER_CS },
		{ .index = MSR_IA32_SYSENTER_ESP },
		{ .index = MSR_IA32_SYSENTER_EIP },
		{ .index = MSR_STAR },
		{ .index = MSR_LSTAR },
		{ .index = MSR_CSTAR },
		{ .index = MSR_SYSCALL_MASK },
		{ .index = MSR_KERNEL_GS_BASE },
		{ .index = MSR_IA32_MISC_ENABLE, .data = MISC_ENABLE_FAST_STRING },
		{ .index = MSR_MTRR_DEF_TYPE, .data = MTRR_DEF_ENABLE_WB },
	};
	size_t n = ARRAY_SIZE(init_msrs);
	struct kvm_msrs *msrs;
	int ret;

	msrs = xzalloc(sizeof(*msrs) + sizeof(init_msrs));
	msrs->nmsrs = n;
	memcpy(msrs->entries, init_msrs, sizeof(init_msrs));
	ret = ioctl(vcpu->vcpu_fd, KVM_SET_MSRS, msrs);
	free(msrs);
	if (ret < 0)
		return error("vCPU %lu: KVM_SET_MSRS: %s", vcpu->cpu_id,
			     strerror(errno));
	/* KVM stops at the first MSR it refuses; the rest are optional. */
	if ((size_t)ret != n)
		pr_debug("vCPU %lu: KVM took %d of %zu initial MSRs",
			 vcpu->cpu_id, ret, n);
	return 0;
}

static int setup_fpu(struct kvm_cpu *vcpu)
{
	struct kvm_fpu *fpu = &vcpu->arch.fpu;

	memset(fpu, 0, sizeof(*fpu));
	fpu->fcw = 0x37f;		/* FNINIT state */
	fpu->mxcsr = 0x1f80;		/* all SSE exceptions masked */
	return vcpu_ioctl(vcpu, KVM_SET_FPU, fpu, "KVM_SET_FPU");
}

struct kvm_cpu *kvm_cpu__arch_init(struct kvm *kvm, unsigned long cpu_id)
{
	struct kvm_cpu *vcpu = kvm_cpu__create(kvm, cpu_id);

	if (!vcpu)
		return NULL;
	if (kvm_cpu__setup_cpuid(vcpu) < 0 || setup_lapic(vcpu) < 0 ||
	    setup_msrs(vcpu) < 0 || setup_fpu(vcpu) < 0) {
		/* The caller fails the VM, which then exits: no freeing. */
		return NULL;
	}
	return vcpu;
}

static void flat_segment(struct kvm_segment *seg, u16 selector, u8 type,
			 bool long_mode)
{
	*seg = (struct kvm_segment) {
		.base = 0,
		.limit = 0xffffffff,
		.selector = selector,
		.type = type,
		.present = 1,
		.dpl = 0,
		.db = !long_mode || type < 8,	/* 64-bit code has D=0 */
		.s = 1,
		.l = long_mode && type >= 8,
		.g = 1,
	};
}

static int setup_boot_sregs(struct kvm_cpu *vcpu)
{
	struct kvm_arch *arch = &vcpu->kvm->arch;
	struct kvm_sregs *sregs = &vcpu->arch.sregs;
	bool lm = arch->boot_64bit;

	if (vcpu_ioctl(vcpu, KVM_GET_SREGS, sregs, "KVM_GET_SREGS") < 0)
		return -1;

	flat_segment(&sregs->cs, BOOT_CS, 0xb, lm);	/* execute/read, accessed */
	flat_segment(&sregs->ds, BOOT_DS, 0x3, lm);	/* read/write, accessed */
	sregs->es = sregs->fs = sregs->gs = sregs->ss = sregs->ds;
	sregs->gdt.base = BOOT_GDT_ADDR;
	sregs->gdt.limit = 4 * 8 - 1;

	sregs->cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | X86_CR0_MP;
	sregs->cr4 = 0;
	sregs->efer = 0;
	if (lm) {
		sregs->cr3 = BOOT_PML4_ADDR;
		sregs->cr4 = X86_CR4_PAE;
		sregs->cr0 |= X86_CR0_PG;
		sregs->efer = EFER_LME | EFER_LMA;
	}
	return vcpu_ioctl(vcpu, KVM_SET_SREGS, sregs, "KVM_SET_SREGS");
}

static int setup_boot_regs(struct kvm_cpu *vcpu)
{
	struct kvm_arch *arch = &vcpu->kvm->arch;
	struct kvm_regs *regs = &vcpu->arch.regs;

	memset(regs, 0, sizeof(*regs));
	regs->rflags = 0x2;		/* reserved bit; interrupts off */
	regs->rip = arch->boot_ip;
	regs->rsp = arch->boot_sp;
	if (arch->boot_pvh)
		regs->rbx = arch->boot_info;	/* hvm_start_info */
	else
		regs->rsi = arch->boot_info;	/* boot_params */
	return vcpu_ioctl(vcpu, KVM_SET_REGS, regs, "KVM_SET_REGS");
}

/* The BSP starts in the kernel; APs are left to the guest's INIT/SIPI. */
void kvm_cpu__arch_reset(struct kvm_cpu *vcpu)
{
	if (vcpu->cpu_id != 0)
		return;
	if (setup_boot_sregs(vcpu) < 0 || setup_boot_regs(vcpu) < 0)
		kvm__request_exit(vcpu->kvm, 1);
}

bool kvm_cpu__arch_handle_exit(struct kvm_cpu *vcpu)
{
	return false;
}

static void dump_segment(struct strbuf *sb, const char *name,
			 struct kvm_segment *s)
{
	strbuf_addf(sb, "  %-3s sel %04x base %016llx limit %08x type %x p %u dpl %u db %u s %u l %u g %u\n",
		    name, s->selector, (unsigned long long)s->base, s->limit,
		    s->type, s->present, s->dpl, s->db, s->s, s->l, s->g);
}

void kvm_cpu__arch_dump_registers(struct kvm_cpu *vcpu, struct strbuf *sb)
{
	struct kvm_sregs sregs;
	struct kvm_regs r;

	if (ioctl(vcpu->vcpu_fd, KVM_GET_REGS, &r) < 0 ||
	    ioctl(vcpu->vcpu_fd, KVM_GET_SREGS, &sregs) < 0) {
		strbuf_addf(sb, "  (cannot read the registers: %s)\n",
			    strerror(errno));
		return;
	}
	strbuf_addf(sb, "  rip %016llx rsp %016llx rflags %08llx cpl %u\n",
		    r.rip, r.rsp, r.rflags, sregs.cs.dpl);
	strbuf_addf(sb, "  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n",
		    r.rax, r.rbx, r.rcx, r.rdx);
	strbuf_addf(sb, "  rsi %016llx rdi %016llx rbp %016llx r8  %016llx\n",
		    r.rsi, r.rdi, r.rbp, r.r8);
	strbuf_addf(sb, "  r9  %016llx r10 %016llx r11 %016llx r12 %016llx\n",
		    r.r9, r.r10, r.r11, r.r12);
	strbuf_addf(sb, "  r13 %016llx r14 %016llx r15 %016llx\n",
		    r.r13, r.r14, r.r15);
	strbuf_addf(sb, "  cr0 %016llx cr2 %016llx cr3 %016llx cr4 %016llx efer %llx\n",
		    sregs.cr0, sregs.cr2, sregs.cr3, sregs.cr4, sregs.efer);
	dump_segment(sb, "cs", &sregs.cs);
	dump_segment(sb, "ss", &sregs.ss);
	dump_segment(sb, "ds", &sregs.ds);
	strbuf_addf(sb, "  gdt %016llx/%04x idt %016llx/%04x\n",
		    sregs.gdt.base, sregs.gdt.limit, sregs.idt.base,
		    sregs.idt.limit);
}

int kvm_cpu__arch_nmi(struct kvm_cpu *vcpu)
{
	return ioctl(vcpu->vcpu_fd, KVM_NMI) < 0 ? -errno : 0;
}

/* Walks 4-level page tables in guest RAM; ~0 when unmapped. */
static u64 linear_to_phys(struct kvm *kvm, struct kvm_sregs *sregs, u64 la)
{
	u64 table = sregs->cr3 & ~0xfffULL, *entry;
	int level, shift;

	if (!(sregs->cr0 & X86_CR0_PG))
		return la & 0xffffffffULL;
	if (!(sregs->efer & EFER_LMA) || (sregs->cr4 & X86_CR4_LA57))
		return ~0ULL;	/* not worth it for a register dump */

	for (level = 4; level > 0; level--) {
		shift = 12 + 9 * (level - 1);
		entry = guest_range_to_host(kvm, table + ((la >> shift) & 511) * 8, 8);
		if (!entry || !(*entry & 1))
			return ~0ULL;
		if (level == 1 || (level < 4 && (*entry & 0x80)))
			return (*entry & 0x000ffffffffff000ULL & ~((1ULL << shift) - 1)) |
			       (la & ((1ULL << shift) - 1));
		table = *entry & 0x000ffffffffff000ULL;
	}
	return ~0ULL;
}

static void show_code(struct kvm_cpu *vcpu, struct kvm_sregs *sregs, u64 rip)
{
	u64 pa = linear_to_phys(vcpu->kvm, sregs, sregs->cs.base + rip);
	char line[3 * 16 + 1];
	u8 *code;
	int i;

	code = pa == ~0ULL ? NULL : guest_range_to_host(vcpu->kvm, pa, 16);
	if (!code) {
		error(" code: (rip not in guest RAM)");
		return;
	}
	for (i = 0; i < 16; i++)
		snprintf(line + 3 * i, 4, " %02x", code[i]);
	error(" code at 0x%llx:%s", (unsigned long long)pa, line);
}

void kvm_cpu__arch_show_registers(struct kvm_cpu *vcpu)
{
	struct kvm_sregs sregs;
	struct kvm_regs r;

	kvm_cpu__log_registers(vcpu);
	if (ioctl(vcpu->vcpu_fd, KVM_GET_REGS, &r) >= 0 &&
	    ioctl(vcpu->vcpu_fd, KVM_GET_SREGS, &sregs) >= 0)
		show_code(vcpu, &sregs, r.rip);
}
