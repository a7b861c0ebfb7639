/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__INIT_H
#define KVM__INIT_H

#include <linux/compiler.h>
#include <linux/list.h>

struct kvm;

/*
 * Components register their init and exit functions at a level, like the
 * kernel's initcalls; kvm__init() runs the levels in order and exit runs
 * them in reverse.  A failing init stops the VM from starting.
 */
enum init_level {
	INIT_CORE,		/* irq routing, buses */
	INIT_BASE,		/* vCPUs, terminal */
	INIT_DEV_BASE,		/* PCI host bridge, ioeventfd */
	INIT_DEV,		/* legacy devices */
	INIT_VIRTIO_DEV,	/* virtio devices */
	INIT_FIRMWARE,		/* tables describing the devices (MP table, FDT) */
	INIT_LATE,
	INIT_NR_LEVELS,
};

struct init_item {
	struct hlist_node node;
	int (*fn)(struct kvm *kvm);
	const char *name;
};

void init_list_add(struct init_item *item, int (*fn)(struct kvm *kvm),
		   enum init_level level, const char *name);
void exit_list_add(struct init_item *item, int (*fn)(struct kvm *kvm),
		   enum init_level level, const char *name);
int init_list__init(struct kvm *kvm);
int init_list__exit(struct kvm *kvm);

#define __lkvm_register_init(fn, level)					\
	static void __attribute__((constructor)) __init_##fn(void)			\
	{								\
		static struct init_item item;				\
		init_list_add(&item, fn, level, #fn);			\
	}
#define __lkvm_register_exit(fn, level)					\
	static void __attribute__((constructor)) __exit_##fn(void)			\
	{								\
		static struct init_item item;				\
		exit_list_add(&item, fn, level, #fn);			\
	}

#define core_init(fn)		__lkvm_register_init(fn, INIT_CORE)
#define base_init(fn)		__lkvm_register_init(fn, INIT_BASE)
#define dev_base_init(fn)	__lkvm_register_init(fn, INIT_DEV_BASE)
#define dev_init(fn)		__lkvm_register_init(fn, INIT_DEV)
#define virtio_dev_init(fn)	__lkvm_register_init(fn, INIT_VIRTIO_DEV)
#define firmware_init(fn)	__lkvm_register_init(fn, INIT_FIRMWARE)
#define late_init(fn)		__lkvm_register_init(fn, INIT_LATE)

#define core_exit(fn)		__lkvm_register_exit(fn, INIT_CORE)
#define base_exit(fn)		__lkvm_register_exit(fn, INIT_BASE)
#define dev_base_exit(fn)	__lkvm_register_exit(fn, INIT_DEV_BASE)
#define dev_exit(fn)		__lkvm_register_exit(fn, INIT_DEV)
#define virtio_dev_exit(fn)	__lkvm_register_exit(fn, INIT_VIRTIO_DEV)
#define firmware_exit(fn)	__lkvm_register_exit(fn, INIT_FIRMWARE)
#define late_exit(fn)		__lkvm_register_exit(fn, INIT_LATE)

#endif /* KVM__INIT_H */
