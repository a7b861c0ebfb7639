// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupt line allocation, and the GSI routing table pushed to a real
 * KVM VM with an in-kernel irqchip (skipped without /dev/kvm): MSI routes
 * added, updated, freed and reused, irqfds on them.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>

#include "tap.h"
#include "kvm/irq.h"
#include "kvm/kvm.h"

static struct kvm fake_kvm = { .vm_fd = -1 };

static void test_lines(void)
{
	enum irq_trigger trig;
	int i, line, first = -1;
	bool distinct = true;

	for (i = 0; i < 8; i++) {
		line = irq__alloc_line(&fake_kvm, IRQ_TYPE_LEVEL);
		if (i == 0)
			first = line;
		else if (line != first + i)
			distinct = false;
	}
	is_int(first, 16, "PCI lines start at IOAPIC pin 16");
	ok(distinct, "eight distinct lines 16-23");
	is_int(irq__nr_lines(&fake_kvm), 8, "eight lines to describe");
	ok(irq__line_info(&fake_kvm, 7, &line, &trig) && line == 23 &&
	   trig == IRQ_TYPE_LEVEL, "line_info: 23, level");
	ok(!irq__line_info(&fake_kvm, 8, &line, &trig), "no ninth line");
	line = irq__alloc_line(&fake_kvm, IRQ_TYPE_LEVEL);
	ok(line >= 16 && line <= 23, "out of pins: a line is shared (%d)", line);
	is_int(irq__nr_lines(&fake_kvm), 8, "sharing adds no line");
}

static void test_routing(void)
{
	struct msi_msg msg = { .address_lo = 0xfee00000, .data = 0x4041 };
	int sys_fd, gsi, gsi2, gsi3, efd;

	sys_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (sys_fd >= 0)
		fake_kvm.vm_fd = ioctl(sys_fd, KVM_CREATE_VM, 0);
	if (fake_kvm.vm_fd < 0 || ioctl(fake_kvm.vm_fd, KVM_CREATE_IRQCHIP, 0) < 0) {
		skip(10, "no KVM with an irqchip");
		return;
	}

	gsi = irq__add_msi_route(&fake_kvm, &msg, 0);
	is_int(gsi, 24, "the first MSI route is GSI 24");
	gsi2 = irq__add_msi_route(&fake_kvm, &msg, 0);
	is_int(gsi2, 25, "the second GSI 25");
	is_int(irq__nr_routes(&fake_kvm), 24 + 16 + 2, "defaults (40) + 2 MSI routes");
	msg.data = 0x4042;
	is_int(irq__update_msi_route(&fake_kvm, gsi, &msg), 0, "update a route");
	is_int(irq__update_msi_route(&fake_kvm, 5, &msg), -ENOENT,
	       "an irqchip GSI is not an MSI route");
	irq__free_msi_route(&fake_kvm, gsi);
	gsi3 = irq__add_msi_route(&fake_kvm, &msg, 0);
	is_int(gsi3, 24, "a freed GSI is reused");

	efd = eventfd(0, EFD_CLOEXEC);
	is_int(irq__add_irqfd(&fake_kvm, gsi3, efd, -1), 0, "irqfd on an MSI route");
	/* KVM refuses a second irqfd on the same eventfd while one is there. */
	is_int(irq__add_irqfd(&fake_kvm, gsi3, efd, -1), -EBUSY,
	       "the same eventfd twice is refused");
	irq__del_irqfd(&fake_kvm, gsi3, efd);
	is_int(irq__add_irqfd(&fake_kvm, gsi3, efd, -1), 0,
	       "irqfd removed: the eventfd can be assigned again");
	irq__del_irqfd(&fake_kvm, gsi3, efd);
	is_int(irq__add_irqfd(&fake_kvm, 1000, -1, -1), -EBADF, "a bad fd is refused");
	close(efd);
	close(fake_kvm.vm_fd);
	close(sys_fd);
}

int main(void)
{
	plan(20);
	is_int(irq__init(&fake_kvm), 0, "init (routing table in memory)");
	is_int(irq__nr_routes(&fake_kvm), 40, "x86 defaults: 24 IOAPIC + 16 PIC routes");
	test_lines();
	test_routing();
	is_int(irq__exit(&fake_kvm), 0, "exit");
	return exit_status();
}
