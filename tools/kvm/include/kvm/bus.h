/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__BUS_H
#define KVM__BUS_H

#include <stdbool.h>
#include "kvm/interval-tree.h"
#include <linux/types.h>

struct kvm;
struct kvm_cpu;

/*
 * The port I/O and MMIO buses.  A device registers the range it decodes
 * with an access callback; the vCPU loop hands every PIO/MMIO exit to
 * bus_dispatch() and never knows about devices.
 */
enum bus_type {
	BUS_PIO,
	BUS_MMIO,
};

/*
 * @data holds @len bytes (little-endian, as the guest sees them): the
 * value written, or the place to put the value read.
 */
typedef void bus_access_fn(struct kvm_cpu *vcpu, u64 addr, u8 *data,
			   u32 len, bool is_write, void *priv);

int bus_register(struct kvm *kvm, enum bus_type bus, u64 addr, u64 len,
		 bus_access_fn *fn, void *priv);
int bus_unregister(struct kvm *kvm, enum bus_type bus, u64 addr);

/* Returns false when nothing decodes @addr (reads then return all ones). */
bool bus_dispatch(struct kvm_cpu *vcpu, enum bus_type bus, u64 addr,
		  u8 *data, u32 len, bool is_write);

#endif /* KVM__BUS_H */
