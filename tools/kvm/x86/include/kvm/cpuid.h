/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__X86_CPUID_H
#define KVM__X86_CPUID_H

struct kvm_cpu;

/* Gives @vcpu KVM's supported CPUID, filtered, with its own topology. */
int kvm_cpu__setup_cpuid(struct kvm_cpu *vcpu);

#endif /* KVM__X86_CPUID_H */
