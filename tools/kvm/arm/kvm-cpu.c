// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 vCPUs: KVM's preferred CPU target with in-kernel PSCI 0.2+.  The
 * boot vCPU enters the Image with x0 = the DTB; the others start powered
 * off and are brought up by the guest through PSCI CPU_ON, which KVM
 * handles itself.  PSCI SYSTEM_OFF and SYSTEM_RESET reach lkvm as
 * KVM_EXIT_SYSTEM_EVENT and end it (kvm-cpu.c).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kernel.h>
#include "kvm/log.h"
#include "kvm/strbuf.h"

#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"

#define ARM_CORE_REG(name)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | \
				 KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(name))
#define ARM_XREG(n)		(ARM_CORE_REG(regs.regs[0]) + 2 * (n))
#define ARM_MPIDR_EL1		ARM64_SYS_REG(3, 0, 0, 0, 5)
#define ARM_MPIDR_AFF_MASK	0xff00ffffffULL

/* EL1h with D, A, I and F masked, as the boot protocol wants. */
#define ARM_PSTATE_BOOT		0x3c5

/* @val: a 64-bit register's place. */
static int get_reg(struct kvm_cpu *vcpu, u64 id, void *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (unsigned long)val };

	if (ioctl(vcpu->vcpu_fd, KVM_GET_ONE_REG, &reg) < 0)
		return -errno;
	return 0;
}

static int set_reg(struct kvm_cpu *vcpu, u64 id, u64 val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (unsigned long)&val };

	if (ioctl(vcpu->vcpu_fd, KVM_SET_ONE_REG, &reg) < 0)
		return -errno;
	return 0;
}

static int vcpu_init(struct kvm_cpu *vcpu)
{
	struct kvm_vcpu_init init = { 0 };

	if (ioctl(vcpu->kvm->vm_fd, KVM_ARM_PREFERRED_TARGET, &init) < 0)
		return error("KVM_ARM_PREFERRED_TARGET: %s", strerror(errno));
	init.features[0] |= 1U << KVM_ARM_VCPU_PSCI_0_2;
	if (vcpu->cpu_id)
		init.features[0] |= 1U << KVM_ARM_VCPU_POWER_OFF;
	if (ioctl(vcpu->vcpu_fd, KVM_ARM_VCPU_INIT, &init) < 0)
		return error("vCPU %lu: KVM_ARM_VCPU_INIT: %s", vcpu->cpu_id,
			     strerror(errno));
	return 0;
}

struct kvm_cpu *kvm_cpu__arch_init(struct kvm *kvm, unsigned long cpu_id)
{
	struct kvm_cpu *vcpu = kvm_cpu__create(kvm, cpu_id);
	int ret;

	if (!vcpu)
		return NULL;
	if (vcpu_init(vcpu) < 0)
		return NULL;	/* the caller fails the VM, which then exits */
	ret = get_reg(vcpu, ARM_MPIDR_EL1, &vcpu->arch.mpidr);
	if (ret < 0) {
		error("vCPU %lu: cannot read MPIDR_EL1: %s", cpu_id,
		      strerror(-ret));
		return NULL;
	}
	vcpu->arch.mpidr &= ARM_MPIDR_AFF_MASK;
	return vcpu;
}

/* The boot vCPU enters the kernel; PSCI CPU_ON starts the others. */
void kvm_cpu__arch_reset(struct kvm_cpu *vcpu)
{
	struct kvm_arch *arch = &vcpu->kvm->arch;
	int i, ret;

	if (vcpu->cpu_id != 0)
		return;
	ret = set_reg(vcpu, ARM_CORE_REG(regs.pstate), ARM_PSTATE_BOOT);
	for (i = 0; i < 4 && !ret; i++)
		ret = set_reg(vcpu, ARM_XREG(i), i ? 0 : arch->fdt_addr);
	if (!ret)
		ret = set_reg(vcpu, ARM_CORE_REG(regs.pc), arch->kernel_addr);
	if (ret < 0) {
		error("vCPU 0: cannot set the boot registers: %s", strerror(-ret));
		kvm__request_exit(vcpu->kvm, 1);
	}
}

bool kvm_cpu__arch_handle_exit(struct kvm_cpu *vcpu)
{
	return false;
}

void kvm_cpu__arch_dump_registers(struct kvm_cpu *vcpu, struct strbuf *sb)
{
	__u64 pc, pstate, sp, sp_el1, x[4];
	int i, j, ret;

	ret = get_reg(vcpu, ARM_CORE_REG(regs.pc), &pc);
	if (!ret)
		ret = get_reg(vcpu, ARM_CORE_REG(regs.pstate), &pstate);
	if (!ret)
		ret = get_reg(vcpu, ARM_CORE_REG(regs.sp), &sp);
	if (!ret)
		ret = get_reg(vcpu, ARM_CORE_REG(sp_el1), &sp_el1);
	if (ret) {
		strbuf_addf(sb, "  (cannot read the registers: %s)\n",
			    strerror(-ret));
		return;
	}
	strbuf_addf(sb, "  pc  %016llx pstate %08llx (EL%llu%s)\n", pc, pstate,
		    (pstate >> 2) & 3, pstate & 1 ? "h" : "t");
	strbuf_addf(sb, "  sp_el0 %016llx sp_el1 %016llx\n", sp, sp_el1);
	for (i = 0; i < 31; i += 4) {
		memset(x, 0, sizeof(x));
		for (j = 0; j < 4 && i + j < 31; j++)
			get_reg(vcpu, ARM_XREG(i + j), &x[j]);
		strbuf_addf(sb, "  x%-2d %016llx x%-2d %016llx x%-2d %016llx",
			    i, x[0], i + 1, x[1], i + 2, x[2]);
		if (i + 3 < 31)
			strbuf_addf(sb, " x%-2d %016llx", i + 3, x[3]);
		strbuf_addf(sb, "\n");
	}
}

void kvm_cpu__arch_show_registers(struct kvm_cpu *vcpu)
{
	kvm_cpu__log_registers(vcpu);
}

/* arm64 has no NMI KVM could inject: lkvm debug --nmi says so. */
int kvm_cpu__arch_nmi(struct kvm_cpu *vcpu)
{
	return -EOPNOTSUPP;
}

/* The frame pointer is x29 (AAPCS64). */
int kvm_cpu__arch_get_fp(struct kvm_cpu *vcpu, u64 *fp)
{
	return get_reg(vcpu, ARM_XREG(29), fp);
}

int kvm_cpu__arch_get_pc_sp(struct kvm_cpu *vcpu, u64 *pc, u64 *sp)
{
	u64 pstate;
	int ret;

	ret = get_reg(vcpu, ARM_CORE_REG(regs.pc), pc);
	if (!ret)
		ret = get_reg(vcpu, ARM_CORE_REG(regs.pstate), &pstate);
	if (ret)
		return ret;
	/* SPSel: EL1h uses SP_EL1, EL0 and EL1t SP_EL0. */
	if (pstate & 1)
		return get_reg(vcpu, ARM_CORE_REG(sp_el1), sp);
	return get_reg(vcpu, ARM_CORE_REG(regs.sp), sp);
}
