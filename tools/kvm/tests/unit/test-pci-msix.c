// SPDX-License-Identifier: GPL-2.0
/*
 * MSI-X bypass (pci_msix__bypass()), against a real KVM VM with an
 * in-kernel irqchip (skipped without one): a datapath in the kernel is
 * handed the vector's irqfd only while the vector may fire, and told to
 * go through lkvm (-1) whenever the driver masks it, masks the whole
 * function or turns MSI-X off, since KVM's irqfd knows nothing of masks.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/pci_regs.h>

#include "tap.h"
#include "kvm/irq.h"
#include "kvm/kvm.h"
#include "kvm/pci.h"
#include "kvm/pci-msix.h"

#define CAP		0x40

static struct kvm fake_kvm = { .vm_fd = -1 };
static struct pci_device pdev;
static struct pci_msix msix;

/* What the bypass user was told, and how often. */
static int routed = -2, calls;

static void route(void *opaque, int irqfd)
{
	routed = irqfd;
	calls++;
}

static void set_ctrl(u16 vector, u32 ctrl)
{
	pci_msix__table_access(&msix, vector * PCI_MSIX_ENTRY_SIZE +
			       PCI_MSIX_ENTRY_VECTOR_CTRL, (u8 *)&ctrl, 4, true);
}

static void set_flags(u8 top)
{
	pci_msix__cfg_write(&msix, CAP + PCI_MSIX_FLAGS + 1, &top, 1);
}

static void test_bypass(void)
{
	struct msi_msg msg = { .address_lo = 0xfee00000, .data = 0x4041 };
	int fd;

	pci_msix__table_access(&msix, 0, (u8 *)&msg, sizeof(msg), true);
	is_int(pci_msix__bypass(&msix, 0, route, NULL), 0, "bypass of vector 0");
	ok(calls == 1 && routed == -1, "told at once: -1, as MSI-X is off");
	is_int(pci_msix__bypass(&msix, 0, route, NULL), -EBUSY,
	       "a second user of the vector is refused");
	is_int(pci_msix__bypass(&msix, 4, route, NULL), -EINVAL,
	       "a vector past the table is refused");

	set_flags(PCI_MSIX_FLAGS_ENABLE >> 8);
	ok(calls == 1 && routed == -1,
	   "MSI-X on, the vector still masked: nothing changes");
	set_ctrl(0, 0);
	fd = routed;
	ok(calls == 2 && fd >= 0, "unmasked: the irqfd (%d)", fd);
	set_ctrl(1, 0);
	is_int(calls, 2, "another vector's mask is not this user's business");

	set_flags((PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL) >> 8);
	ok(calls == 3 && routed == -1, "function mask: -1");
	set_flags(PCI_MSIX_FLAGS_ENABLE >> 8);
	ok(calls == 4 && routed == fd, "function unmasked: the irqfd again");
	set_ctrl(0, PCI_MSIX_ENTRY_CTRL_MASKBIT);
	ok(calls == 5 && routed == -1, "vector masked: -1");
	set_ctrl(0, 0);
	ok(calls == 6 && routed == fd, "and unmasked");
	set_flags(0);
	ok(calls == 7 && routed == -1, "MSI-X off: -1");
	set_flags(PCI_MSIX_FLAGS_ENABLE >> 8);
	ok(calls == 8 && routed == fd, "MSI-X on: the irqfd");

	pci_msix__signal(&msix, 0);
	pci_msix__unbypass(&msix, 0);
	set_ctrl(0, PCI_MSIX_ENTRY_CTRL_MASKBIT);
	set_ctrl(0, 0);
	is_int(calls, 8, "after unbypass nobody is told anything");
	is_int(pci_msix__bypass(&msix, 0, route, NULL), 0, "the vector can be bypassed again");
	ok(calls == 9 && routed == fd, "... told the irqfd at once, as it may fire");
	pci_msix__unbypass(&msix, 0);
}

int main(void)
{
	int sys_fd;

	plan(17);
	sys_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (sys_fd >= 0)
		fake_kvm.vm_fd = ioctl(sys_fd, KVM_CREATE_VM, 0);
	if (fake_kvm.vm_fd < 0 || ioctl(fake_kvm.vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		skip_all("no KVM with an irqchip");
	is_int(irq__init(&fake_kvm), 0, "routing table");
	pci_msix__init(&msix, &fake_kvm, &pdev, 4);
	pci_msix__add_cap(&msix, CAP, 0, 0, 0, 0x800);
	test_bypass();
	return exit_status();
}
