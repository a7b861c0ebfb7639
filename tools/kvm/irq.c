// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupt lines and KVM's GSI routing table.
 *
 * KVM_SET_GSI_ROUTING replaces the whole table, so the full table (the
 * architecture's default irqchip routes plus every MSI route) lives here
 * and is pushed to KVM whole whenever an MSI route changes.  Devices
 * register MSI routes from vCPU threads (a guest writing an MSI-X table)
 * concurrently, so everything is under one lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kernel.h>
#include <linux/kvm.h>
#include <lockdep/mutex.h>
#include "kvm/log.h"
#include "kvm/util.h"

#include "kvm/init.h"
#include "kvm/irq.h"
#include "kvm/kvm.h"

#define IRQ_MAX_LINES		32
/* KVM's own limit (KVM_MAX_IRQ_ROUTES) is 4096 routes. */
#define IRQ_MAX_ROUTES		4096

struct irq_line {
	int line;
	enum irq_trigger trigger;
};

static DEFINE_MUTEX(irq_lock);

static struct irq_line lines[IRQ_MAX_LINES];
static int nr_lines;
static int next_shared;		/* round-robin index once lines run out */

static struct kvm_irq_routing *routing;

/* Called with irq_lock held. */
static int irq__push_routing(struct kvm *kvm)
{
	if (ioctl(kvm->vm_fd, KVM_SET_GSI_ROUTING, routing) < 0)
		return -errno;
	return 0;
}

static struct kvm_irq_routing_entry *irq__new_entry(void)
{
	if (routing->nr >= IRQ_MAX_ROUTES)
		return NULL;
	return &routing->entries[routing->nr++];
}

static struct kvm_irq_routing_entry *irq__find_msi(u32 gsi)
{
	u32 i;

	for (i = 0; i < routing->nr; i++) {
		if (routing->entries[i].gsi == gsi &&
		    routing->entries[i].type == KVM_IRQ_ROUTING_MSI)
			return &routing->entries[i];
	}
	return NULL;
}

static bool irq__gsi_used(u32 gsi)
{
	u32 i;

	for (i = 0; i < routing->nr; i++)
		if (routing->entries[i].gsi == gsi)
			return true;
	return false;
}

/* The lowest free GSI from the architecture's first MSI GSI up. */
static int irq__alloc_gsi(void)
{
	u32 gsi;

	for (gsi = irq__arch_first_msi_gsi(); gsi < IRQ_MAX_ROUTES; gsi++)
		if (!irq__gsi_used(gsi))
			return gsi;
	return -ENOSPC;
}

int irq__alloc_line(struct kvm *kvm, enum irq_trigger trigger)
{
	int first, last, line;

	irq__arch_line_range(&first, &last);

	mutex_lock(&irq_lock);
	if (nr_lines <= last - first && nr_lines < IRQ_MAX_LINES) {
		line = first + nr_lines;
		lines[nr_lines].line = line;
		lines[nr_lines].trigger = trigger;
		nr_lines++;
	} else if (nr_lines) {
		/* Out of pins: share them, as PCI INTx lines may be. */
		line = lines[next_shared].line;
		next_shared = (next_shared + 1) % nr_lines;
	} else {
		line = -ENOSPC;
	}
	mutex_unlock(&irq_lock);
	return line;
}

int irq__nr_lines(struct kvm *kvm)
{
	int n;

	mutex_lock(&irq_lock);
	n = nr_lines;
	mutex_unlock(&irq_lock);
	return n;
}

bool irq__line_info(struct kvm *kvm, int index, int *line,
		    enum irq_trigger *trigger)
{
	bool found = false;

	mutex_lock(&irq_lock);
	if (index >= 0 && index < nr_lines) {
		*line = lines[index].line;
		*trigger = lines[index].trigger;
		found = true;
	}
	mutex_unlock(&irq_lock);
	return found;
}

/* Only the architecture's routing init calls this, before any vCPU runs. */
int irq__add_irqchip_route(struct kvm *kvm, u32 gsi, u32 irqchip, u32 pin)
{
	struct kvm_irq_routing_entry *e;
	int ret = 0;

	mutex_lock(&irq_lock);
	e = routing ? irq__new_entry() : NULL;
	if (e) {
		memset(e, 0, sizeof(*e));
		e->gsi = gsi;
		e->type = KVM_IRQ_ROUTING_IRQCHIP;
		e->u.irqchip.irqchip = irqchip;
		e->u.irqchip.pin = pin;
	} else {
		ret = -ENOSPC;
	}
	mutex_unlock(&irq_lock);
	return ret;
}

int irq__nr_routes(struct kvm *kvm)
{
	int n;

	mutex_lock(&irq_lock);
	n = routing ? routing->nr : 0;
	mutex_unlock(&irq_lock);
	return n;
}

static void irq__fill_msi(struct kvm_irq_routing_entry *e,
			  const struct msi_msg *msg)
{
	e->u.msi.address_lo = msg->address_lo;
	e->u.msi.address_hi = msg->address_hi;
	e->u.msi.data = msg->data;
}

int irq__add_msi_route(struct kvm *kvm, struct msi_msg *msg, u32 device_id)
{
	struct kvm_irq_routing_entry *e;
	int gsi, ret;

	mutex_lock(&irq_lock);
	if (!routing) {
		ret = -ENODEV;
		goto out;
	}
	gsi = irq__alloc_gsi();
	e = gsi < 0 ? NULL : irq__new_entry();
	if (!e) {
		ret = -ENOSPC;
		goto out;
	}
	memset(e, 0, sizeof(*e));
	e->gsi = gsi;
	e->type = KVM_IRQ_ROUTING_MSI;
	e->flags = irq__arch_msi_flags(kvm, device_id);
	if (e->flags & KVM_MSI_VALID_DEVID)
		e->u.msi.devid = device_id;
	irq__fill_msi(e, msg);

	ret = irq__push_routing(kvm);
	if (ret < 0)
		routing->nr--;	/* e is the last entry: drop it again */
	else
		ret = gsi;
out:
	mutex_unlock(&irq_lock);
	return ret;
}

int irq__update_msi_route(struct kvm *kvm, u32 gsi, struct msi_msg *msg)
{
	struct kvm_irq_routing_entry *e, old;
	int ret = 0;

	mutex_lock(&irq_lock);
	e = routing ? irq__find_msi(gsi) : NULL;
	if (!e) {
		ret = -ENOENT;
		goto out;
	}
	if (e->u.msi.address_lo == msg->address_lo &&
	    e->u.msi.address_hi == msg->address_hi &&
	    e->u.msi.data == msg->data)
		goto out;	/* nothing changed: spare KVM the whole table */

	old = *e;
	irq__fill_msi(e, msg);
	ret = irq__push_routing(kvm);
	if (ret < 0)
		*e = old;
out:
	mutex_unlock(&irq_lock);
	return ret;
}

void irq__free_msi_route(struct kvm *kvm, u32 gsi)
{
	struct kvm_irq_routing_entry *e;
	int ret;

	mutex_lock(&irq_lock);
	e = routing ? irq__find_msi(gsi) : NULL;
	if (e) {
		*e = routing->entries[--routing->nr];
		ret = irq__push_routing(kvm);
		if (ret < 0)
			warning("cannot remove MSI route of GSI %u: %s", gsi,
				strerror(-ret));
	}
	mutex_unlock(&irq_lock);
}

int irq__add_irqfd(struct kvm *kvm, u32 gsi, int trigger_fd, int resample_fd)
{
	struct kvm_irqfd irqfd = {
		.fd = trigger_fd,
		.gsi = gsi,
	};

	if (resample_fd >= 0) {
		irqfd.flags = KVM_IRQFD_FLAG_RESAMPLE;
		irqfd.resamplefd = resample_fd;
	}
	if (ioctl(kvm->vm_fd, KVM_IRQFD, &irqfd) < 0)
		return -errno;
	return 0;
}

void irq__del_irqfd(struct kvm *kvm, u32 gsi, int trigger_fd)
{
	struct kvm_irqfd irqfd = {
		.fd = trigger_fd,
		.gsi = gsi,
		.flags = KVM_IRQFD_FLAG_DEASSIGN,
	};

	if (ioctl(kvm->vm_fd, KVM_IRQFD, &irqfd) < 0)
		warning("cannot remove irqfd of GSI %u: %s", gsi,
			strerror(errno));
}

int irq__init(struct kvm *kvm)
{
	mutex_lock(&irq_lock);
	routing = xzalloc(sizeof(*routing) +
			  IRQ_MAX_ROUTES * sizeof(routing->entries[0]));
	nr_lines = 0;
	next_shared = 0;
	mutex_unlock(&irq_lock);

	/* Only kept here: KVM has the same defaults until an MSI route. */
	return irq__arch_init_routing(kvm);
}
core_init(irq__init);

int irq__exit(struct kvm *kvm)
{
	mutex_lock(&irq_lock);
	free(routing);
	routing = NULL;
	nr_lines = 0;
	mutex_unlock(&irq_lock);
	return 0;
}
core_exit(irq__exit);
