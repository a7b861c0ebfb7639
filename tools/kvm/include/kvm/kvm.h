/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__KVM_H
#define KVM__KVM_H

#include <stdbool.h>
#include <linux/kvm.h>
#include <linux/list.h>
#include <lockdep/mutex.h>
#include <linux/rbtree.h>
#include <linux/types.h>

#include "kvm/kvm-arch.h"
#include "kvm/kvm-config.h"
#include "kvm/main-loop.h"

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
	u64 ram_map_size;		/* RAM plus the holes inside it */
	int ram_fd;			/* hugetlbfs file, or -1 */

	struct rb_root bus[2];		/* enum bus_type: PIO, MMIO */

	char *cmdline;			/* the guest's, built by kvm__append_cmdline() */
	void *kernel_image;		/* the kernel file, mapped until loaded */
	size_t kernel_size;
	bool vcpus_started;

	int exit_status;		/* lkvm's exit status once the guest ends */
	bool exiting;			/* kvm__request_exit() was called */
	bool guest_panicked;		/* kvm__guest_panicked() was called */
	int exit_fd;			/* eventfd: wakes kvm__wait_exit() */
	struct main_loop_fd exit_mfd;
	int loop_fd;			/* epoll: the main loop (main-loop.c) */

	/*
	 * The ring of writes KVM keeps for lkvm instead of exiting (in
	 * every vCPU's kvm_run mapping; kvm-cpu.c), or NULL.
	 */
	struct kvm_coalesced_mmio_ring *coalesced_ring;
	int coalesced_page;		/* its page in the mapping, or 0 */

	/* pause/resume (kvm-cpu.c); the lock orders pause requests */
	struct mutex pause_lock;
	bool paused;
	u64 paused_clock;		/* arch state saved at pause */
};

/* A KVM capability lkvm needs, and its name for the error message. */
struct kvm_cap_req {
	unsigned int cap;
	const char *name;
};

#define KVM_CAP_REQ(x)	{ KVM_CAP_##x, "KVM_CAP_" #x }

/* Life cycle; the arch hooks live in ARCH/kvm.c. */
struct kvm *kvm__new(void);
int kvm__init(struct kvm *kvm);
int kvm__exit(struct kvm *kvm);
bool kvm__supports_extension(struct kvm *kvm, unsigned int extension);
/*
 * Lets the guest write to ports @port..@port+@len-1 without an exit:
 * KVM queues the writes and lkvm plays them to the bus at the vCPU's
 * next exit, before handling it.  Only for ports whose writes have no
 * effect the guest can see before its next access that does exit, such
 * as an index register read through a data port.  0, or -errno when
 * KVM cannot (the writes then exit as before).
 */
int kvm__coalesce_pio(struct kvm *kvm, u16 port, u32 len);

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

/*
 * Ends the VM: every vCPU stops, lkvm exits with @status.  The first
 * caller's status wins; callable from any thread (not from a signal
 * handler).
 */
void kvm__request_exit(struct kvm *kvm, int status);
/* Blocks the main thread until kvm__request_exit(); returns the status. */
int kvm__wait_exit(struct kvm *kvm);

/*
 * Stops every vCPU at an instruction boundary, and the guest's clock
 * with them (so that guest time does not jump), and starts them again.
 * 0 or -errno; pausing a paused VM (resuming a running one) does nothing.
 */
int kvm__pause(struct kvm *kvm);
int kvm__resume(struct kvm *kvm);
bool kvm__paused(struct kvm *kvm);
/* The same without telling the user: a debugger's stops and steps. */
int kvm__pause_quiet(struct kvm *kvm);
int kvm__resume_quiet(struct kvm *kvm);

/*
 * lkvm's exit status when the guest kernel panicked (1 is any other
 * failure, 128 + N a fatal signal N).
 */
#define LKVM_EXIT_PANIC		2
/*
 * How long a panicked guest may go on (to flush its console and reboot,
 * as panic=-1 makes it do) before the VM ends anyway.
 */
#define LKVM_PANIC_GRACE_MS	2000
/*
 * The guest reported a kernel panic (pvpanic): the VM ends with
 * LKVM_EXIT_PANIC when the guest resets, or after LKVM_PANIC_GRACE_MS,
 * whichever comes first.  Callable from any thread.
 */
void kvm__guest_panicked(struct kvm *kvm);
/*
 * A signal handler that wants the VM to end sets this to the signal
 * number and writes to kvm->exit_fd (both async-signal safe).
 */
extern volatile int kvm__exit_signal;
/* Likewise, to have the vCPUs show their registers (SIGUSR1). */
extern volatile int kvm__dump_signal;
static inline bool kvm__exiting(struct kvm *kvm)
{
	return __atomic_load_n(&kvm->exiting, __ATOMIC_ACQUIRE);
}

/*
 * Adds @arg to the guest's kernel command line.  Devices that the guest
 * only finds through it (virtio-mmio) call this from their init, before
 * the kernel is loaded.
 */
void kvm__append_cmdline(struct kvm *kvm, const char *arg);
/*
 * For the arch's kernel loader: the initrd (kvm->cfg) read into guest RAM,
 * page-aligned as high as it goes below @max_end and above @min_addr.
 * 0 (*addr and *size 0 without an initrd) or -1 after saying why.
 */
int kvm__load_initrd(struct kvm *kvm, u64 min_addr, u64 max_end, u64 *addr,
		     u64 *size);

/* True on a host whose KVM is PVM (no VT-x/AMD-V, see LAB.md). */
bool kvm__host_is_pvm(void);

/*
 * Architecture hooks (ARCH/kvm.c), called by kvm__init() in this order:
 * probe the kernel file (before any VM exists), set the VM up (irqchip,
 * RAM layout), then load the kernel once every device is registered.
 */
int kvm__arch_probe_kernel(struct kvm *kvm);
/* The capabilities this architecture needs beyond the common ones. */
const struct kvm_cap_req *kvm__arch_required_caps(unsigned int *nr);
/*
 * The kernel image a kernel tree builds for this architecture, relative
 * to its top (lkvm run's default -k inside a tree).
 */
const char *kvm__arch_tree_kernel(void);
int kvm__arch_init(struct kvm *kvm);
int kvm__arch_load_kernel(struct kvm *kvm);
void kvm__arch_exit(struct kvm *kvm);
const char *kvm__arch_default_cmdline(struct kvm *kvm);
/*
 * With every vCPU parked: save the guest's clock (pause), and restore it
 * and tell the guest it was stopped (resume).  0 or -errno.
 */
int kvm__arch_pause(struct kvm *kvm);
int kvm__arch_resume(struct kvm *kvm);
/* Explains a fatal exit the generic code doesn't know about. */
void kvm__arch_explain_failure(struct kvm *kvm, u32 exit_reason, u32 suberror);

/*
 * Guest memory (guest-mem.c): one host mapping of @map_size bytes at
 * kvm->ram_start; guest physical address X of a RAM bank is at
 * ram_start + X, so the arch code leaves holes unbacked by mapping
 * them PROT_NONE.
 */
int kvm__alloc_ram(struct kvm *kvm, u64 map_size);
void kvm__free_ram(struct kvm *kvm);

#endif /* KVM__KVM_H */
