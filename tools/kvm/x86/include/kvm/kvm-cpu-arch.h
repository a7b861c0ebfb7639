/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__KVM_CPU_ARCH_H
#define KVM__KVM_CPU_ARCH_H

#include <linux/kvm.h>

struct kvm_cpu_arch {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
	struct kvm_lapic_state lapic;
};

#endif /* KVM__KVM_CPU_ARCH_H */
