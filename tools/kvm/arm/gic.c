// SPDX-License-Identifier: GPL-2.0
/*
 * The GIC, emulated by KVM (KVM_CREATE_DEVICE): a GICv3 with a
 * redistributor per vCPU, and an ITS for MSIs when KVM can create one;
 * a GICv2 on hosts without GICv3 emulation.  Its addresses are those of
 * kvm-arch.h.  KVM wants it created before the vCPUs and initialised
 * after them (arm_gic__init_ctrl).
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kernel.h>
#include "kvm/log.h"

#include "kvm/arm.h"
#include "kvm/init.h"
#include "kvm/kvm.h"

static int create_device(struct kvm *kvm, u32 type)
{
	struct kvm_create_device dev = { .type = type };

	if (ioctl(kvm->vm_fd, KVM_CREATE_DEVICE, &dev) < 0)
		return -errno;
	return dev.fd;
}

static int set_attr(int fd, u32 group, u64 attr, const void *val)
{
	struct kvm_device_attr a = {
		.group = group,
		.attr = attr,
		.addr = (unsigned long)val,
	};

	if (ioctl(fd, KVM_SET_DEVICE_ATTR, &a) < 0)
		return -errno;
	return 0;
}

static int set_addr(int fd, u64 type, u64 addr, const char *what)
{
	int ret = set_attr(fd, KVM_DEV_ARM_VGIC_GRP_ADDR, type, &addr);

	if (ret < 0)
		return error("GIC: cannot place the %s at 0x%llx: %s", what,
			     (unsigned long long)addr, strerror(-ret));
	return 0;
}

static int gic_v3_setup(struct kvm *kvm, int fd)
{
	if (set_addr(fd, KVM_VGIC_V3_ADDR_TYPE_DIST, ARM_GIC_DIST_BASE,
		     "distributor") < 0)
		return -1;
	return set_addr(fd, KVM_VGIC_V3_ADDR_TYPE_REDIST, ARM_GIC_REDIST_BASE,
			"redistributors");
}

static int gic_v2_setup(struct kvm *kvm, int fd)
{
	if (kvm->nrcpus > ARM_GICV2_MAX_VCPUS)
		return error("-c %d: this host's KVM only has a GICv2, which takes at most %d vCPUs",
			     kvm->nrcpus, ARM_GICV2_MAX_VCPUS);
	if (set_addr(fd, KVM_VGIC_V2_ADDR_TYPE_DIST, ARM_GIC_DIST_BASE,
		     "distributor") < 0)
		return -1;
	return set_addr(fd, KVM_VGIC_V2_ADDR_TYPE_CPU, ARM_GICV2_CPU_BASE,
			"CPU interface");
}

/* The ITS is optional: without it PCI devices get no MSIs. */
static void its_create(struct kvm *kvm)
{
	int fd = create_device(kvm, KVM_DEV_TYPE_ARM_VGIC_ITS);

	if (fd < 0) {
		pr_debug("GIC: no ITS (%s): no MSIs", strerror(-fd));
		return;
	}
	if (set_addr(fd, KVM_VGIC_ITS_ADDR_TYPE, ARM_GIC_ITS_BASE, "ITS") < 0) {
		close(fd);
		return;
	}
	kvm->arch.its_fd = fd;
}

int arm_gic__create(struct kvm *kvm)
{
	u32 nr_irqs = ARM_GIC_NR_IRQS;
	int fd, ret;

	kvm->arch.gic_type = KVM_DEV_TYPE_ARM_VGIC_V3;
	fd = create_device(kvm, KVM_DEV_TYPE_ARM_VGIC_V3);
	if (fd < 0) {
		kvm->arch.gic_type = KVM_DEV_TYPE_ARM_VGIC_V2;
		pr_info("GIC: KVM cannot emulate a GICv3 here (%s): the guest gets a GICv2 (at most %d vCPUs, no MSIs)",
			strerror(-fd), ARM_GICV2_MAX_VCPUS);
		fd = create_device(kvm, KVM_DEV_TYPE_ARM_VGIC_V2);
	}
	if (fd < 0)
		return error("KVM cannot emulate a GICv3 or a GICv2 here: %s",
			     strerror(-fd));
	kvm->arch.gic_fd = fd;

	ret = set_attr(fd, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs);
	if (ret < 0)
		return error("GIC: cannot set %u interrupts: %s", nr_irqs,
			     strerror(-ret));
	if (kvm->arch.gic_type == KVM_DEV_TYPE_ARM_VGIC_V2)
		return gic_v2_setup(kvm, fd);
	if (gic_v3_setup(kvm, fd) < 0)
		return -1;
	its_create(kvm);
	return 0;
}

bool arm_gic__has_its(struct kvm *kvm)
{
	return kvm->arch.its_fd >= 0;
}

/* Once every vCPU exists (INIT_BASE). */
static int arm_gic__init_ctrl(struct kvm *kvm)
{
	int ret;

	ret = set_attr(kvm->arch.gic_fd, KVM_DEV_ARM_VGIC_GRP_CTRL,
		       KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
	if (ret < 0)
		return error("GIC: KVM_DEV_ARM_VGIC_CTRL_INIT: %s", strerror(-ret));
	if (kvm->arch.its_fd < 0)
		return 0;
	ret = set_attr(kvm->arch.its_fd, KVM_DEV_ARM_VGIC_GRP_CTRL,
		       KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
	if (ret < 0) {
		warning("GIC: the ITS does not initialise (%s): no MSIs",
			strerror(-ret));
		close(kvm->arch.its_fd);
		kvm->arch.its_fd = -1;
	}
	return 0;
}
dev_base_init(arm_gic__init_ctrl);

void arm_gic__destroy(struct kvm *kvm)
{
	if (kvm->arch.its_fd >= 0)
		close(kvm->arch.its_fd);
	if (kvm->arch.gic_fd >= 0)
		close(kvm->arch.gic_fd);
	kvm->arch.its_fd = -1;
	kvm->arch.gic_fd = -1;
}
