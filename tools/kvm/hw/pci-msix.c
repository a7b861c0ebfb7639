// SPDX-License-Identifier: GPL-2.0
/*
 * MSI-X for emulated PCI devices: the capability's enable and function
 * mask, the vector table, the pending bit array, and delivery through KVM
 * MSI routes and irqfds (or KVM_SIGNAL_MSI when those are not to be had).
 *
 * kvmconfig: CONFIG_PCI_MSI=y
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>

#include <linux/kernel.h>
#include <linux/kvm.h>
#include <linux/pci_regs.h>

#include "kvm/irq.h"
#include "kvm/kvm.h"
#include "kvm/pci.h"
#include "kvm/pci-msix.h"
#include "kvm/log.h"
#include "kvm/util.h"

void pci_msix__init(struct pci_msix *msix, struct kvm *kvm,
		    struct pci_device *pdev, u16 nr_vectors)
{
	unsigned int i;

	msix->kvm = kvm;
	msix->pdev = pdev;
	mutex_init(&msix->lock);
	msix->nr_vectors = nr_vectors;
	msix->vectors = xcalloc(nr_vectors, sizeof(*msix->vectors));
	for (i = 0; i < nr_vectors; i++) {
		msix->vectors[i].gsi = -1;
		msix->vectors[i].fd = -1;
		msix->vectors[i].ctrl = PCI_MSIX_ENTRY_CTRL_MASKBIT;
	}
}

void pci_msix__add_cap(struct pci_msix *msix, u8 pos, u8 next, int bar,
		       u32 table_off, u32 pba_off)
{
	u8 *cfg = msix->pdev->cfg;
	u16 flags = msix->nr_vectors - 1;
	u32 v;

	msix->cap = pos;
	cfg[pos + PCI_CAP_LIST_ID] = PCI_CAP_ID_MSIX;
	cfg[pos + PCI_CAP_LIST_NEXT] = next;
	memcpy(&cfg[pos + PCI_MSIX_FLAGS], &flags, 2);
	v = table_off | bar;
	memcpy(&cfg[pos + PCI_MSIX_TABLE], &v, 4);
	v = pba_off | bar;
	memcpy(&cfg[pos + PCI_MSIX_PBA], &v, 4);
}

static bool vector_masked(struct pci_msix *msix, struct pci_msix_vector *v)
{
	return msix->masked || (v->ctrl & PCI_MSIX_ENTRY_CTRL_MASKBIT);
}

/* Gives @v its MSI route and an irqfd on it, once. */
static void vector_route(struct pci_msix *msix, struct pci_msix_vector *v)
{
	if (v->gsi >= 0)
		return;
	v->gsi = irq__add_msi_route(msix->kvm, &v->msg, msix->pdev->dev_num << 3);
	if (v->gsi < 0)
		return;
	v->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (v->fd < 0 || irq__add_irqfd(msix->kvm, v->gsi, v->fd, -1) < 0) {
		if (v->fd >= 0)
			close(v->fd);
		v->fd = -1;
	}
}

static void vector_fire(struct pci_msix *msix, struct pci_msix_vector *v)
{
	struct kvm_msi msi;
	u64 one = 1;

	vector_route(msix, v);
	if (v->fd >= 0 && write(v->fd, &one, sizeof(one)) == sizeof(one))
		return;

	/* No route or irqfd: inject it directly. */
	msi = (struct kvm_msi) {
		.address_lo = v->msg.address_lo,
		.address_hi = v->msg.address_hi,
		.data = v->msg.data,
	};
	if (ioctl(msix->kvm->vm_fd, KVM_SIGNAL_MSI, &msi) < 0)
		pr_debug("KVM_SIGNAL_MSI: %s", strerror(errno));
}

/* Tells a bypass user of @v whether the irqfd may be used now. */
static void vector_tell_bypass(struct pci_msix *msix, struct pci_msix_vector *v)
{
	bool blocked = !msix->enabled || vector_masked(msix, v);

	if (!v->bypass_route || blocked == v->bypass_blocked)
		return;
	v->bypass_blocked = blocked;
	v->bypass_route(v->bypass_opaque, blocked ? -1 : v->fd);
}

int pci_msix__bypass(struct pci_msix *msix, u16 vector,
		     void (*route)(void *opaque, int irqfd), void *opaque)
{
	struct pci_msix_vector *v;
	int ret = -EINVAL;

	mutex_lock(&msix->lock);
	if (vector >= msix->nr_vectors)
		goto out;
	v = &msix->vectors[vector];
	ret = -EBUSY;
	if (v->bypass_route)
		goto out;
	vector_route(msix, v);
	ret = -EOPNOTSUPP;
	if (v->fd < 0)
		goto out;
	v->bypass_route = route;
	v->bypass_opaque = opaque;
	v->bypass_blocked = !msix->enabled || vector_masked(msix, v);
	route(opaque, v->bypass_blocked ? -1 : v->fd);
	ret = 0;
out:
	mutex_unlock(&msix->lock);
	return ret;
}

void pci_msix__unbypass(struct pci_msix *msix, u16 vector)
{
	mutex_lock(&msix->lock);
	if (vector < msix->nr_vectors)
		msix->vectors[vector].bypass_route = NULL;
	mutex_unlock(&msix->lock);
}

void pci_msix__signal(struct pci_msix *msix, u16 vector)
{
	struct pci_msix_vector *v;

	mutex_lock(&msix->lock);
	if (vector >= msix->nr_vectors)
		goto out;
	v = &msix->vectors[vector];
	if (vector_masked(msix, v))
		v->pending = true;
	else
		vector_fire(msix, v);
out:
	mutex_unlock(&msix->lock);
}

void pci_msix__table_access(struct pci_msix *msix, u32 off, u8 *data,
			    u32 len, bool is_write)
{
	u32 idx = off / PCI_MSIX_ENTRY_SIZE, field = off % PCI_MSIX_ENTRY_SIZE;
	struct pci_msix_vector *v;
	u32 entry[4];
	bool was_masked;

	if (idx >= msix->nr_vectors || field + len > PCI_MSIX_ENTRY_SIZE) {
		if (!is_write)
			memset(data, 0, len);
		return;
	}
	mutex_lock(&msix->lock);
	v = &msix->vectors[idx];
	entry[0] = v->msg.address_lo;
	entry[1] = v->msg.address_hi;
	entry[2] = v->msg.data;
	entry[3] = v->ctrl;
	if (!is_write) {
		memcpy(data, (u8 *)entry + field, len);
		goto out;
	}
	memcpy((u8 *)entry + field, data, len);
	was_masked = vector_masked(msix, v);
	if (field < PCI_MSIX_ENTRY_VECTOR_CTRL) {
		v->msg.address_lo = entry[0];
		v->msg.address_hi = entry[1];
		v->msg.data = entry[2];
		if (v->gsi >= 0)
			irq__update_msi_route(msix->kvm, v->gsi, &v->msg);
	}
	v->ctrl = entry[3] & PCI_MSIX_ENTRY_CTRL_MASKBIT;
	vector_tell_bypass(msix, v);
	if (was_masked && !vector_masked(msix, v) && v->pending) {
		v->pending = false;
		vector_fire(msix, v);
	}
out:
	mutex_unlock(&msix->lock);
}

void pci_msix__pba_read(struct pci_msix *msix, u32 off, u8 *data, u32 len)
{
	u32 b, bit, vec;

	memset(data, 0, len);
	mutex_lock(&msix->lock);
	for (b = 0; b < len; b++) {
		for (bit = 0; bit < 8; bit++) {
			vec = (off + b) * 8 + bit;
			if (vec < msix->nr_vectors && msix->vectors[vec].pending)
				data[b] |= 1 << bit;
		}
	}
	mutex_unlock(&msix->lock);
}

/* Message control: enable and function mask. */
static void control_write(struct pci_msix *msix, u16 ctrl)
{
	unsigned int i;

	mutex_lock(&msix->lock);
	msix->enabled = ctrl & PCI_MSIX_FLAGS_ENABLE;
	msix->masked = ctrl & PCI_MSIX_FLAGS_MASKALL;
	for (i = 0; i < msix->nr_vectors; i++)
		vector_tell_bypass(msix, &msix->vectors[i]);
	for (i = 0; msix->enabled && i < msix->nr_vectors; i++) {
		struct pci_msix_vector *v = &msix->vectors[i];

		if (v->pending && !vector_masked(msix, v)) {
			v->pending = false;
			vector_fire(msix, v);
		}
	}
	mutex_unlock(&msix->lock);
}

void pci_msix__cfg_write(struct pci_msix *msix, u32 offset, const void *data,
			 u32 len)
{
	u8 *cfg = msix->pdev->cfg;
	u32 ctrl = msix->cap + PCI_MSIX_FLAGS + 1;
	u16 flags;

	/* Only the top byte of message control has writable bits. */
	if (ctrl < offset || ctrl >= offset + len)
		return;
	/* Keep the table size bits read-only. */
	cfg[ctrl] = (cfg[ctrl] & 0x07) |
		    (((const u8 *)data)[ctrl - offset] & 0xc0);
	memcpy(&flags, &cfg[msix->cap + PCI_MSIX_FLAGS], 2);
	control_write(msix, flags);
}
