/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__KVM_H
#define KVM__KVM_H

#include <stdbool.h>
#include <linux/kvm.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/types.h>

#include "kvm/kvm-arch.h"
#include "kvm/kvm-config.h"

struct kvm_cpu;

enum kvm_mem_type {
	KVM_MEM_TYPE_RAM	= 1 << 0,	/* guest RAM, in the e820/FDT map */
	KVM_MEM_TYPE_DEVICE	= 1 << 1,	/* device memory mapped into the guest */
	KVM_MEM_TYPE_RESERVED	= 1 << 2,	/* no memory: keep out */
	KVM_MEM_TYPE_READONLY	= 1 << 3,
};

struct kvm_mem_bank {
	struct list_head list;
	u64 guest_phys_addr;
	void *host_addr;
	u64 size;
	u32 slot;
	enum kvm_mem_type type;
};

struct kvm {
	struct kvm_arch arch;
	struct kvm_config cfg;
	int sys_fd;			/* /dev/kvm */
	int vm_fd;

	int nrcpus;
	struct kvm_cpu **cpus;

	struct mutex mem_banks_lock;
	struct list_head mem_banks;
	u32 mem_slots;
	void *ram_start;		/* host mapping of all guest RAM */
	u64 ram_size;

	struct rb_root bus[2];		/* enum bus_type: PIO, MMIO */

	int exit_status;		/* lkvm's exit status once the guest ends */
};

/* Life cycle; the arch hooks live in ARCH/kvm.c. */
struct kvm *kvm__new(void);
int kvm__init(struct kvm *kvm);
int kvm__exit(struct kvm *kvm);
bool kvm__supports_extension(struct kvm *kvm, unsigned int extension);

int kvm__register_mem(struct kvm *kvm, u64 guest_phys, u64 size,
		      void *userspace_addr, enum kvm_mem_type type);

/* Interrupt lines of the in-kernel irqchip (x86: PIC/IOAPIC pins). */
void kvm__irq_line(struct kvm *kvm, int irq, int level);
void kvm__irq_trigger(struct kvm *kvm, int irq);

/*
 * Guest physical -> host virtual, for guest RAM only.  The guest chooses
 * the addresses, so callers that take them from the guest must use
 * guest_range_to_host() and check for NULL: it returns a pointer only when
 * all of [addr, addr + len) lies inside one RAM bank (with no overflow).
 */
void *guest_flat_to_host(struct kvm *kvm, u64 addr);
void *guest_range_to_host(struct kvm *kvm, u64 addr, u64 len);
u64 host_to_guest_flat(struct kvm *kvm, void *ptr);

/* Ends the VM: every vCPU stops, lkvm exits with @status. */
void kvm__request_exit(struct kvm *kvm, int status);

#endif /* KVM__KVM_H */
