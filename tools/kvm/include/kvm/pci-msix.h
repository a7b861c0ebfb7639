/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__PCI_MSIX_H
#define KVM__PCI_MSIX_H

#include <stdbool.h>
#include <linux/compiler.h>
#include <lockdep/mutex.h>
#include <linux/types.h>

#include "kvm/irq.h"

struct kvm;
struct pci_device;

/*
 * MSI-X for an emulated PCI device: the capability in config space, the
 * vector table and the pending bit array (which the device maps in one
 * of its memory BARs and hands on here), and delivery.  A vector gets a
 * KVM MSI route and an irqfd on it the first time it fires, so that later
 * interrupts are one eventfd write; without them it is injected with
 * KVM_SIGNAL_MSI.  A vector fired while masked is left pending until it
 * is unmasked.
 */
struct pci_msix_vector {
	struct msi_msg msg;
	u32 ctrl;		/* PCI_MSIX_ENTRY_CTRL_MASKBIT */
	int gsi;		/* MSI route, -1 until first used */
	int fd;			/* irqfd on the route */
	bool pending;
	/* A bypass user (pci_msix__bypass()), told of mask changes. */
	void (*bypass_route)(void *opaque, int irqfd);
	void *bypass_opaque;
	bool bypass_blocked;	/* what it was last told */
};

struct pci_msix {
	struct kvm *kvm;
	struct pci_device *pdev;
	u8 cap;			/* the capability's offset in config space */
	u16 nr_vectors;
	struct mutex lock;	/* everything below */
	bool enabled;
	bool masked;		/* function mask */
	struct pci_msix_vector *vectors;
};

/* @nr_vectors vectors, all masked; MSI-X is off until the guest enables it. */
void pci_msix__init(struct pci_msix *msix, struct kvm *kvm,
		    struct pci_device *pdev, u16 nr_vectors);

/*
 * Writes the capability at @pos of the device's config space, with
 * @next as the next capability, the table at @table_off and the PBA at
 * @pba_off of BAR @bar.
 */
void pci_msix__add_cap(struct pci_msix *msix, u8 pos, u8 next, int bar,
		       u32 table_off, u32 pba_off);

/*
 * A guest write of @len bytes at config space @offset: takes the part of
 * the write that falls on the capability's writable bits (MSI-X enable
 * and function mask) and applies it.
 */
void pci_msix__cfg_write(struct pci_msix *msix, u32 offset, const void *data,
			 u32 len);

/* Accesses at @off of the table and of the PBA (read-only). */
void pci_msix__table_access(struct pci_msix *msix, u32 off, u8 *data,
			    u32 len, bool is_write);
void pci_msix__pba_read(struct pci_msix *msix, u32 off, u8 *data, u32 len);

/* Interrupts the guest with @vector, or sets it pending while masked. */
void pci_msix__signal(struct pci_msix *msix, u16 vector);

/*
 * Hands the irqfd of @vector to a datapath in the kernel (vhost), which
 * then interrupts the guest without an lkvm thread in between.  KVM's
 * irqfd knows nothing of masking, so @route is called, with msix->lock
 * held, once now and then whenever the vector's state changes: with the
 * irqfd while the vector may fire, with -1 while it is masked (or MSI-X
 * is off), when the user must signal through pci_msix__signal() instead,
 * which leaves the interrupt pending.  One user per vector.  0, or
 * -errno (no route, or the vector has a user already).
 */
int pci_msix__bypass(struct pci_msix *msix, u16 vector,
		     void (*route)(void *opaque, int irqfd), void *opaque);
void pci_msix__unbypass(struct pci_msix *msix, u16 vector);

static inline bool pci_msix__enabled(struct pci_msix *msix)
{
	return READ_ONCE(msix->enabled);
}

#endif /* KVM__PCI_MSIX_H */
