// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 VM: the in-kernel GIC (arm/gic.c), RAM at ARM_RAM_BASE (the
 * map is in kvm-arch.h) and the Image, initrd and device tree put where
 * the arm64 boot protocol wants them (arm/image.c).
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kernel.h>
#include "kvm/log.h"

#include "kvm/arm.h"
#include "kvm/debug-stats.h"
#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"

static const struct kvm_cap_req arm_required_caps[] = {
	KVM_CAP_REQ(ONE_REG),
	KVM_CAP_REQ(ARM_PSCI_0_2),
	KVM_CAP_REQ(DEVICE_CTRL),
};

const struct kvm_cap_req *kvm__arch_required_caps(unsigned int *nr)
{
	*nr = ARRAY_SIZE(arm_required_caps);
	return arm_required_caps;
}

const char *kvm__arch_tree_kernel(void)
{
	return "arch/arm64/boot/Image";
}

/* RAM is one bank at ARM_RAM_BASE; nothing below it is memory. */
static int arm_init_ram(struct kvm *kvm)
{
	u64 ram = kvm->cfg.ram_size;

	if (ram > (1ULL << 40) - ARM_RAM_BASE)
		return error("-m: at most %llu GiB of guest memory on arm64",
			     ((1ULL << 40) - ARM_RAM_BASE) >> 30);
	kvm->ram_size = ram;
	if (kvm__alloc_ram(kvm, ram) < 0)
		return -1;
	startup__mark("map RAM");
	return kvm__register_mem(kvm, ARM_RAM_BASE, ram, kvm->ram_start,
				 KVM_MEM_TYPE_RAM);
}

int kvm__arch_init(struct kvm *kvm)
{
	kvm->arch.gic_fd = -1;
	kvm->arch.its_fd = -1;
	if (arm_gic__create(kvm) < 0)
		return -1;
	startup__mark("create the GIC");
	return arm_init_ram(kvm);
}

void kvm__arch_exit(struct kvm *kvm)
{
	arm_gic__destroy(kvm);
	arm_image__free(kvm);
}

int kvm__arch_probe_kernel(struct kvm *kvm)
{
	return arm_image__probe(kvm);
}

int kvm__arch_load_kernel(struct kvm *kvm)
{
	return arm_image__load(kvm);
}

/*
 * The UART is described in the device tree, and /chosen's stdout-path
 * names it, so a bare "earlycon" finds it (as x86's earlyprintk=ttyS0,
 * it shows what happens before the 8250 driver is up).  panic=-1 turns
 * a guest panic into a reset, which ends lkvm (PSCI SYSTEM_RESET).
 */
const char *kvm__arch_default_cmdline(struct kvm *kvm)
{
	bool virtio_console = kvm->cfg.console &&
			      !strcmp(kvm->cfg.console, "virtio");

	if (virtio_console)
		return "console=hvc0 earlycon panic=-1";
	return "console=ttyS0 earlycon panic=-1";
}

/*
 * The guest's virtual counter (CNTVCT) is saved at pause and put back at
 * resume, so that the paused time does not count: KVM moves the
 * counter's offset when it is written.  vCPU 0's counter is the VM's.
 */
int kvm__arch_pause(struct kvm *kvm)
{
	struct kvm_one_reg reg = {
		.id = KVM_REG_ARM_TIMER_CNT,
		.addr = (unsigned long)&kvm->paused_clock,
	};

	if (ioctl(kvm->cpus[0]->vcpu_fd, KVM_GET_ONE_REG, &reg) < 0)
		return -errno;
	return 0;
}

int kvm__arch_resume(struct kvm *kvm)
{
	struct kvm_one_reg reg = {
		.id = KVM_REG_ARM_TIMER_CNT,
		.addr = (unsigned long)&kvm->paused_clock,
	};
	int i;

	for (i = 0; i < kvm->nrcpus; i++) {
		if (ioctl(kvm->cpus[i]->vcpu_fd, KVM_SET_ONE_REG, &reg) < 0)
			return -errno;
	}
	return 0;
}

void kvm__arch_explain_failure(struct kvm *kvm, u32 exit_reason, u32 suberror)
{
}
