/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__KVM_CPU_ARCH_H
#define KVM__KVM_CPU_ARCH_H

#include <linux/types.h>

struct kvm_cpu_arch {
	u64 mpidr;		/* MPIDR_EL1 as KVM set it: the DT's cpu reg */
};

#endif /* KVM__KVM_CPU_ARCH_H */
