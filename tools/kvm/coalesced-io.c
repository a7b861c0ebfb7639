// SPDX-License-Identifier: GPL-2.0
/*
 * Coalesced port writes: KVM queues the guest's writes to a zone in a
 * ring instead of exiting, and the vCPU that exits next plays them to the
 * bus (kvm-cpu.c) before its own exit.  Apart from kvm.c so that the
 * devices using it link without the VM (the unit tests).
 */
#include <errno.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "kvm/kvm.h"

int kvm__coalesce_pio(struct kvm *kvm, u16 port, u32 len)
{
	struct kvm_coalesced_mmio_zone zone = {
		.addr = port,
		.size = len,
		.pio = 1,
	};

	if (!kvm->coalesced_page ||
	    ioctl(kvm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_PIO) <= 0)
		return -EOPNOTSUPP;
	if (ioctl(kvm->vm_fd, KVM_REGISTER_COALESCED_MMIO, &zone) < 0)
		return -errno;
	return 0;
}
