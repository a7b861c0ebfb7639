// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID: what KVM supports, filtered, with the topology of each vCPU.
 * The guest sees its vCPUs as the cores of one package, one thread each,
 * with APIC ID = vCPU index, consistently in leaves 0x1, 0x4, 0xb, 0x1f
 * and AMD's 0x80000008 / 0x8000001e.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kernel.h>
#include "kvm/log.h"
#include "kvm/util.h"

#include "kvm/cpuid.h"
#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"

#define CPUID_MAX_ENTRIES	256

#define CPUID1_ECX_TSC_DEADLINE	(1U << 24)
#define CPUID1_ECX_HYPERVISOR	(1U << 31)
#define CPUID1_EDX_HTT		(1U << 28)
#define CPUID6_ECX_EPB		(1U << 3)

#define TOPO_LEVEL_SMT		1
#define TOPO_LEVEL_CORE		2

static struct kvm_cpuid2 *supported_cpuid(struct kvm *kvm)
{
	struct kvm_cpuid2 *cpuid;

	cpuid = xzalloc(sizeof(*cpuid) +
			CPUID_MAX_ENTRIES * sizeof(struct kvm_cpuid_entry2));
	cpuid->nent = CPUID_MAX_ENTRIES;
	if (ioctl(kvm->sys_fd, KVM_GET_SUPPORTED_CPUID, cpuid) < 0) {
		error("KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
		free(cpuid);
		return NULL;
	}
	return cpuid;
}

/* Bits needed to number @n things (the APIC ID shift of a level). */
static u32 id_bits(u32 n)
{
	u32 bits = 0;

	while ((1U << bits) < n)
		bits++;
	return bits;
}

static void topology_leaf(struct kvm_cpuid_entry2 *e, u32 apic_id, u32 nrcpus)
{
	u32 core_shift = id_bits(nrcpus);

	e->edx = apic_id;
	switch (e->index) {
	case 0:
		e->eax = 0;		/* one thread per core */
		e->ebx = 1;
		e->ecx = (TOPO_LEVEL_SMT << 8) | e->index;
		break;
	case 1:
		e->eax = core_shift;
		e->ebx = nrcpus;
		e->ecx = (TOPO_LEVEL_CORE << 8) | e->index;
		break;
	default:
		e->eax = 0;
		e->ebx = 0;
		e->ecx = e->index;	/* level type 0: no more levels */
		break;
	}
}

static void filter_entry(struct kvm *kvm, struct kvm_cpuid_entry2 *e,
			 u32 apic_id, u32 nrcpus)
{
	switch (e->function) {
	case 0x1:
		/*
		 * KVM's LAPIC emulates the TSC-deadline timer but leaves it
		 * out of the supported CPUID; with it, Linux skips calibrating
		 * the LAPIC timer against the PIT, slow and unreliable in a VM.
		 */
		if (kvm__supports_extension(kvm, KVM_CAP_TSC_DEADLINE_TIMER))
			e->ecx |= CPUID1_ECX_TSC_DEADLINE;
		/* Initial APIC ID and logical processors per package. */
		e->ebx &= 0x0000ffff;
		e->ebx |= (apic_id << 24) | (min(nrcpus, 255U) << 16);
		e->ecx |= CPUID1_ECX_HYPERVISOR;
		if (nrcpus > 1)
			e->edx |= CPUID1_EDX_HTT;
		else
			e->edx &= ~CPUID1_EDX_HTT;
		break;
	case 0x4:
		/* Cores per package - 1; caches are per core, L3 shared. */
		e->eax &= 0x3fff;
		e->eax |= (min(nrcpus, 64U) - 1) << 26;
		if (((e->eax >> 5) & 7) >= 3)
			e->eax |= (min(nrcpus, 4096U) - 1) << 14;
		break;
	case 0x6:
		/* No energy/performance bias MSR behind it. */
		e->ecx &= ~CPUID6_ECX_EPB;
		break;
	case 0xb:
	case 0x1f:
		topology_leaf(e, apic_id, nrcpus);
		break;
	case 0x80000008:
		/* AMD: cores per package - 1 and the APIC ID bits they use. */
		e->ecx &= ~0xf0ffU;
		e->ecx |= (nrcpus - 1) | (id_bits(nrcpus) << 12);
		break;
	case 0x8000001e:
		e->eax = apic_id;
		e->ebx = (e->ebx & ~0xffffU) | apic_id;	/* one thread per core */
		e->ecx &= ~0xffU;			/* node 0 */
		break;
	}
}

int kvm_cpu__setup_cpuid(struct kvm_cpu *vcpu)
{
	struct kvm *kvm = vcpu->kvm;
	struct kvm_cpuid2 *cpuid = supported_cpuid(kvm);
	u32 i;
	int ret = 0;

	if (!cpuid)
		return -1;
	for (i = 0; i < cpuid->nent; i++)
		filter_entry(kvm, &cpuid->entries[i], vcpu->cpu_id, kvm->nrcpus);

	if (ioctl(vcpu->vcpu_fd, KVM_SET_CPUID2, cpuid) < 0)
		ret = error("vCPU %lu: KVM_SET_CPUID2: %s", vcpu->cpu_id,
			    strerror(errno));
	free(cpuid);
	return ret;
}
