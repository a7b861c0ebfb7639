// SPDX-License-Identifier: GPL-2.0
/*
 * The port I/O and MMIO buses: ranges kept in an interval tree per bus.
 *
 * Lookups take the bus lock for reading only long enough to find the
 * range and take a reference on it; the handler then runs unlocked.  That
 * is what lets a handler register or unregister ranges itself (a PCI
 * config write that moves a BAR does) without deadlocking, and lets
 * several vCPUs run handlers at the same time.  An unregistered range is
 * freed by whoever drops the last reference, so a handler running on
 * another vCPU never sees its range freed under it.
 */
#include <errno.h>
#include <string.h>

#include "kvm/interval-tree.h"
#include <linux/kernel.h>
#include <lockdep/rwsem.h>
#include "kvm/log.h"
#include "kvm/util.h"

#include "kvm/bus.h"
#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"

struct bus_range {
	struct interval_tree_node node;
	bus_access_fn *fn;
	void *priv;
	int refcount;
};

/* One lock for both buses of every VM: registration is rare. */
static DECLARE_RWSEM(bus_lock);

static void bus_range_get(struct bus_range *range)
{
	__atomic_add_fetch(&range->refcount, 1, __ATOMIC_ACQUIRE);
}

static void bus_range_put(struct bus_range *range)
{
	if (!__atomic_sub_fetch(&range->refcount, 1, __ATOMIC_ACQ_REL))
		free(range);
}

static struct rb_root *bus_root(struct kvm *kvm, enum bus_type bus)
{
	if (bus != BUS_PIO && bus != BUS_MMIO)
		return NULL;
	return &kvm->bus[bus];
}

int bus_register(struct kvm *kvm, enum bus_type bus, u64 addr, u64 len,
		 bus_access_fn *fn, void *priv)
{
	struct rb_root *root = bus_root(kvm, bus);
	struct bus_range *range;
	u64 last = addr + len - 1;

	if (!root || !fn || !len || last < addr)
		return -EINVAL;

	range = xzalloc(sizeof(*range));
	range->node.start = addr;
	range->node.last = last;
	range->fn = fn;
	range->priv = priv;
	range->refcount = 1;	/* the tree's reference */

	down_write(&bus_lock);
	if (interval_tree_iter_first(root, addr, last)) {
		up_write(&bus_lock);
		free(range);
		return -EBUSY;
	}
	interval_tree_insert(&range->node, root);
	up_write(&bus_lock);
	return 0;
}

/* Removes the range that starts at @addr. */
int bus_unregister(struct kvm *kvm, enum bus_type bus, u64 addr)
{
	struct rb_root *root = bus_root(kvm, bus);
	struct interval_tree_node *node;
	struct bus_range *range = NULL;

	if (!root)
		return -EINVAL;

	down_write(&bus_lock);
	node = interval_tree_iter_first(root, addr, addr);
	if (node && node->start == addr) {
		range = container_of(node, struct bus_range, node);
		interval_tree_remove(node, root);
	}
	up_write(&bus_lock);

	if (!range)
		return -ENOENT;
	bus_range_put(range);
	return 0;
}

static struct bus_range *bus_find_get(struct rb_root *root, u64 addr,
				      u32 len)
{
	struct interval_tree_node *node;
	struct bus_range *range = NULL;

	down_read(&bus_lock);
	node = interval_tree_iter_first(root, addr, addr);
	/* The whole access must be decoded by the same range. */
	if (node && addr + len - 1 <= node->last) {
		range = container_of(node, struct bus_range, node);
		bus_range_get(range);
	}
	up_read(&bus_lock);
	return range;
}

bool bus_dispatch(struct kvm_cpu *vcpu, enum bus_type bus, u64 addr,
		  u8 *data, u32 len, bool is_write)
{
	struct rb_root *root = bus_root(vcpu->kvm, bus);
	struct bus_range *range;

	if (!root || !len || addr + len - 1 < addr)
		goto unhandled;

	range = bus_find_get(root, addr, len);
	if (!range)
		goto unhandled;

	range->fn(vcpu, addr, data, len, is_write, range->priv);
	bus_range_put(range);
	return true;

unhandled:
	if (!is_write)
		memset(data, 0xff, len);
	return false;
}
